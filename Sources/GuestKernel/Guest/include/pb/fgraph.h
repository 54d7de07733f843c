/*
 * The function graph tracer: an ftrace ops whose callback runs an entry
 * handler and then hijacks the traced function's return address (in
 * ftrace_regs::lr) with return_to_handler, recording the original in the
 * task's shadow return stack.
 */
#ifndef PB_FGRAPH_H
#define PB_FGRAPH_H

#include "pb/ftrace.h"
#include "pb/task.h"

struct pb_fgraph_ops;

/* Return true to hook the function's return. `entry` is the slot the
 * return hook will use (ret/func/fp are filled in; data is free). */
typedef bool (*pb_fgraph_entry_fn)(const struct pb_fgraph_ops *gops,
                                   struct pb_ret_stack_entry *entry, struct ftrace_regs *fregs);
/* fregs holds the return-value registers x0..x7, fp, sp, lr (the hijacked
 * value) and pc (the original return address). */
typedef void (*pb_fgraph_return_fn)(const struct pb_fgraph_ops *gops,
                                    struct pb_ret_stack_entry *entry, struct ftrace_regs *fregs);

struct pb_fgraph_ops {
    pb_fgraph_entry_fn entryfunc;
    pb_fgraph_return_fn retfunc;
    struct pb_ftrace_ops ops;  /* registered on the ARGS trampoline */
    void *private;
};

/* Initialises gops->ops (func, caller); filters are managed by the caller. */
void pb_fgraph_init_ops(struct pb_fgraph_ops *gops);

/* Shadow-stack recovery for the unwinder: the original return address for a
 * frame whose return address is return_to_handler and whose frame record
 * holds `fp`; *idx is the search position (start with PB_FGRAPH_IDX_TOP).
 * Returns 0 if no entry matches. */
#define PB_FGRAPH_IDX_TOP 0x7fffffff
u64 pb_fgraph_ret_addr(int *idx, u64 fp);

/* Hooks taken when the shadow stack was full. */
extern u64 pb_fgraph_missed;

#endif
