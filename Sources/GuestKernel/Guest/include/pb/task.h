/*
 * The one task: its stacks and the per-task return-hook state that the
 * unwinder consults (the function-graph shadow return stack and the
 * kretprobe instance list).
 */
#ifndef PB_TASK_H
#define PB_TASK_H

#include "pb/types.h"

#define PB_RET_STACK_DEPTH 128

struct pb_fgraph_ops;
struct pb_kretprobe_instance;

/* One hijacked return: pushed at function entry, popped by return_to_handler. */
struct pb_ret_stack_entry {
    u64 ret;                          /* the original return address */
    u64 func;                         /* the traced function */
    u64 fp;                           /* x29 at the call site: the unwinder's match key */
    const struct pb_fgraph_ops *gops; /* whose exit handler runs */
    u64 data[2];                      /* per-entry data reserved by the entry handler */
};

struct pb_task {
    struct pb_ret_stack_entry ret_stack[PB_RET_STACK_DEPTH];
    int curr_ret_depth;                              /* entries in use */
    struct pb_kretprobe_instance *kretprobe_instances; /* newest first */
};

extern struct pb_task pb_current_task;
#define current (&pb_current_task)

enum pb_stack_type {
    PB_STACK_NONE,
    PB_STACK_TASK,
    PB_STACK_IRQ,
};

struct pb_stack_info {
    u64 low;
    u64 high;
    enum pb_stack_type type;
};

/* The stack containing [addr, addr + size), or PB_STACK_NONE. */
struct pb_stack_info pb_stack_of(u64 addr, u64 size);

#endif
