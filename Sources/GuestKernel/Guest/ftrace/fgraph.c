/*
 * Function graph tracing on the shadow return stack (as arm64's
 * ftrace_graph_func + prepare_ftrace_return + ftrace_return_to_handler).
 */
#include "pb/fgraph.h"
#include "pb/kernel.h"

u64 pb_fgraph_missed;

static void fgraph_ftrace_func(u64 ip, u64 parent_ip, struct pb_ftrace_ops *op,
                               struct ftrace_regs *fregs)
{
    struct pb_fgraph_ops *gops = container_of(op, struct pb_fgraph_ops, ops);
    struct pb_task *t = current;
    int depth = t->curr_ret_depth;

    (void)parent_ip;
    if (depth >= PB_RET_STACK_DEPTH) {
        pb_fgraph_missed++;
        return;
    }
    /* As ftrace_push_return_trace: what the unwinder reads (ret, fp) goes
     * into the slot above the top before the depth is raised, so an interrupt
     * that walks sees a whole entry; the slot is reserved before the entry
     * handler runs, so a call from an interrupt (a traced function called
     * from an IRQ handler) pushes above it; and everything is written again
     * once it is reserved, since such a call before the raise may have used
     * the same slot. */
    struct pb_ret_stack_entry *e = &t->ret_stack[depth];
    e->ret = fregs->lr;
    e->fp = fregs->fp;
    barrier();
    WRITE_ONCE(t->curr_ret_depth, depth + 1);
    barrier();
    e->ret = fregs->lr;
    e->func = pb_ftrace_func_of_ip(ip);
    e->fp = fregs->fp;
    e->gops = gops;
    e->data[0] = e->data[1] = 0;
    if (!gops->entryfunc(gops, e, fregs)) {
        barrier();
        WRITE_ONCE(t->curr_ret_depth, depth);
        return;
    }
    barrier();
    fregs->lr = (u64)return_to_handler;
}

void pb_fgraph_init_ops(struct pb_fgraph_ops *gops)
{
    gops->ops.func = fgraph_ftrace_func;
    gops->ops.caller = PB_CALLER_ARGS;
    gops->ops.direct_call = 0;
}

/* Called by return_to_handler with the return-value registers saved. */
u64 pb_fgraph_return(struct ftrace_regs *fregs)
{
    struct pb_task *t = current;
    int depth = t->curr_ret_depth;

    if (depth <= 0)
        pb_panic("return_to_handler with an empty shadow return stack", NULL);
    struct pb_ret_stack_entry *e = &t->ret_stack[depth - 1];
    if (e->fp != fregs->fp)
        pb_panic("return_to_handler: frame pointer does not match the shadow stack", NULL);
    fregs->pc = e->ret; /* exit handlers see where execution continues */
    e->gops->retfunc(e->gops, e, fregs);
    u64 ret = e->ret;
    barrier();
    WRITE_ONCE(t->curr_ret_depth, depth - 1);
    return ret;
}

u64 pb_fgraph_ret_addr(int *idx, u64 fp)
{
    struct pb_task *t = current;
    int i = *idx == PB_FGRAPH_IDX_TOP ? READ_ONCE(t->curr_ret_depth) - 1 : *idx;

    /* A tail call leaves entries whose ret is return_to_handler itself;
     * the frame's real return address is the next one down with the same fp. */
    for (; i >= 0; i--) {
        const struct pb_ret_stack_entry *e = &t->ret_stack[i];
        if (e->fp == fp && e->ret != (u64)return_to_handler) {
            *idx = i - 1;
            return e->ret;
        }
    }
    return 0;
}
