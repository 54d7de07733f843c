/*
 * The handler kinds. Every mechanism reports hits here; what a hit costs
 * beyond the mechanism itself is decided by the kind:
 *   count  - increment the hit counter
 *   args   - also record the arguments (entry) or the return value (exit)
 *   walk   - also take the plain and the reliable stack walk
 *   fetch  - also run the host's fetch program and append a ring record
 *   modify - also change x0 where the mechanism saved it: the first argument
 *            on entry, the return value on exit (a livepatch-like or
 *            error-injecting user); the path decides whether the change
 *            reaches the function or the caller, or is lost with a copy
 *   redirect - also set the pc the path resumes at to the function's
 *            replacement (livepatch); a BRK kprobe's pre-handler then
 *            reports it, so the probed instruction is not completed
 *   regs-walk - also take the plain stack walk from the registers the
 *            path hands over, as perf and BPF do with a handler's pt_regs
 */
#include "pb/probe.h"
#include "pb/task.h"
#include "pb/unwind.h"
#include "pb/workloads.h"

static struct pb_probe_ctx ctx_table[PB_MECH_COUNT][PB_HANDLER_KIND_COUNT];

const struct pb_probe_ctx *pb_probe_ctx_of(int mech, int kind)
{
    struct pb_probe_ctx *ctx = &ctx_table[mech][kind];

    ctx->mech = mech;
    ctx->kind = kind;
    return ctx;
}

/* The by-value struct is a caller-made copy, so its reference must point
 * into a stack; anything else is not dereferenced. */
static void record_big_arg(u64 ref)
{
    if ((ref & 7) == 0 && pb_stack_of(ref, sizeof(struct pb_big_arg)).type != PB_STACK_NONE) {
        pb_control.last_big = *(const struct pb_big_arg *)ref;
        pb_control.last_big_valid = 1;
    } else {
        pb_control.last_big_valid = 0;
    }
}

static void record_args(const struct pb_probe_event *ev)
{
    const u64 *stack = (const u64 *)ev->entry_sp;

    pb_control.last_entry_func = ev->func;
    for (int i = 0; i < 8; i++)
        pb_control.last_args[i] = (s64)ev->args[i];
    pb_control.last_args[8] = (s64)stack[0];
    pb_control.last_args[9] = (s64)stack[1];
    record_big_arg(stack[2]);
}

/*
 * Sets the pc the path resumes at to the function's replacement. Out of
 * line, so that pb_probe_entry stays a leaf on its other paths: inline, its
 * call made the compiler give every handler kind a stack frame (count
 * handlers 7 instructions and 64 bytes of stack more per call).
 */
__attribute__((section(".pb_late.text"))) static __noinline void redirect_call(const struct pb_probe_event *ev)
{
    u64 to = pb_wl_replacement_of(ev->func);

    if (!to)
        return;
    if (ev->regs_kind == PB_REGS_PT)
        ((struct pt_regs *)ev->regs)->pc = to;
    else
        ((struct ftrace_regs *)ev->regs)->pc = to;
}

/*
 * The handlers test for count first and switch on the kind only after
 * this barrier: otherwise the compiler folds that test into the switch's
 * compare tree, and what the count handler costs (the mechanism's cost
 * with the least a handler can do) grows with every kind added.
 */
static inline int opaque_kind(int kind)
{
    __asm__("" : "+r"(kind));
    return kind;
}

void pb_probe_entry(const struct pb_probe_ctx *ctx, const struct pb_probe_event *ev)
{
    int kind = ctx->kind;

    pb_control.entry_hits++;
    if (kind == PB_HANDLER_COUNT)
        return;
    switch (opaque_kind(kind)) {
    case PB_HANDLER_ARGS:
        record_args(ev);
        break;
    case PB_HANDLER_WALK:
        pb_stack_walk_pair(&pb_control.entry_walk);
        break;
    case PB_HANDLER_FETCH:
        pb_fetch_run(&pb_control.fetch_entry, ev, PB_REC_ENTRY);
        break;
    case PB_HANDLER_MODIFY:
        ev->args[0] += PB_MODIFY_ARGUMENT_DELTA;
        break;
    case PB_HANDLER_REDIRECT:
        redirect_call(ev);
        break;
    case PB_HANDLER_REGS_WALK:
        pb_stack_walk_regs(&pb_control.entry_walk, ev->regs, ev->regs_kind);
        break;
    default:
        break;
    }
}

void pb_probe_exit(const struct pb_probe_ctx *ctx, const struct pb_probe_event *ev)
{
    int kind = ctx->kind;

    pb_control.exit_hits++;
    if (kind == PB_HANDLER_COUNT)
        return;
    switch (opaque_kind(kind)) {
    case PB_HANDLER_ARGS:
        pb_control.last_exit_func = ev->func;
        pb_control.last_retval = (s64)ev->retval;
        break;
    case PB_HANDLER_WALK:
        pb_stack_walk_pair(&pb_control.exit_walk);
        break;
    case PB_HANDLER_FETCH:
        pb_fetch_run(&pb_control.fetch_exit, ev, PB_REC_EXIT);
        break;
    case PB_HANDLER_MODIFY:
        ev->args[0] += PB_MODIFY_RETURN_DELTA;
        break;
    case PB_HANDLER_REGS_WALK:
        pb_stack_walk_regs(&pb_control.exit_walk, ev->regs, ev->regs_kind);
        break;
    default:
        break;
    }
}
