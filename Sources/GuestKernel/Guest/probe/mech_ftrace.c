/*
 * Mechanisms built on the common ftrace trampolines:
 *   ftrace-args, ftrace-regs, ftrace-list, ftrace-callops, ftrace-args-nofp
 *   fgraph, fprobe, fprobe-ptregs
 * One ops per (mechanism, handler kind), with every attached function in
 * its filter (the kernel's model: one tracer, many functions).
 */
#include "pb/fgraph.h"
#include "pb/insn.h"
#include "pb/kernel.h"
#include "pb/probe.h"
#include "pb/sysreg.h"

#define MAX_LIST_OPS PB_MAX_OPS_COUNT

long pb_ftrace_list_ops_count = PB_FTRACE_LIST_DEFAULT_OPS;

static struct pb_ftrace_ops mech_ops[PB_MECH_COUNT][PB_HANDLER_KIND_COUNT];
static struct pb_ftrace_ops list_dummy_ops[MAX_LIST_OPS - 1];
static long list_dummies_registered;
static unsigned int list_users;

static void event_from_fregs(struct pb_probe_event *ev, u64 func, struct ftrace_regs *fregs)
{
    ev->func = func;
    ev->args = fregs->regs;
    ev->entry_sp = fregs->sp;
    ev->retval = fregs->regs[0];
    ev->regs = fregs;
    ev->regs_kind = PB_REGS_FTRACE;
}

static void event_from_ptregs(struct pb_probe_event *ev, u64 func, struct pt_regs *regs)
{
    ev->func = func;
    ev->args = regs->regs;
    ev->entry_sp = regs->sp;
    ev->retval = regs->regs[0];
    ev->regs = regs;
    ev->regs_kind = PB_REGS_PT;
}

/* ops->func for ftrace_caller, ftrace_caller_nofp and ftrace_caller_ops */
static void ftrace_args_func(u64 ip, u64 parent_ip, struct pb_ftrace_ops *op,
                             struct ftrace_regs *fregs)
{
    struct pb_probe_event ev;

    (void)parent_ip;
    event_from_fregs(&ev, pb_ftrace_func_of_ip(ip), fregs);
    pb_probe_entry(op->private, &ev);
}

/* ops->func for ftrace_regs_caller: the fourth argument is a struct pt_regs */
static void ftrace_regs_func(u64 ip, u64 parent_ip, struct pb_ftrace_ops *op,
                             struct ftrace_regs *fregs)
{
    struct pb_probe_event ev;

    (void)parent_ip;
    event_from_ptregs(&ev, pb_ftrace_func_of_ip(ip), (struct pt_regs *)fregs);
    pb_probe_entry(op->private, &ev);
}

/* Never called: the dummies' filters hold ips that are not functions. */
static void ftrace_dummy_func(u64 ip, u64 parent_ip, struct pb_ftrace_ops *op,
                              struct ftrace_regs *fregs)
{
    (void)ip, (void)parent_ip, (void)op, (void)fregs;
    pb_panic("ftrace-list: a dummy ops matched", NULL);
}

static enum pb_ftrace_caller caller_of(int mech)
{
    switch (mech) {
    case PB_MECH_FTRACE_REGS:
        return PB_CALLER_REGS;
    case PB_MECH_FTRACE_ARGS_NOFP:
        return PB_CALLER_NOFP;
    case PB_MECH_FTRACE_CALLOPS:
        return PB_CALLER_CALLOPS;
    default:
        return PB_CALLER_ARGS;
    }
}

static int register_list_dummies(void)
{
    long want = pb_ftrace_list_ops_count - 1;

    for (long i = 0; i < want; i++) {
        struct pb_ftrace_ops *d = &list_dummy_ops[i];
        d->func = ftrace_dummy_func;
        d->caller = PB_CALLER_ARGS;
        if (d->filter.count == 0) {
            /* One ip per dummy, inside no function: 4-byte aligned, never text. */
            int err = pb_hash_add(&d->filter, PB_MODULE_AREA_BASE + PB_MODULE_AREA_SIZE + 4 * (u64)i, NULL);
            if (err)
                return err;
        }
        pb_register_ftrace_ops(d);
    }
    list_dummies_registered = want;
    return 0;
}

static void unregister_list_dummies(void)
{
    for (long i = 0; i < list_dummies_registered; i++)
        pb_unregister_ftrace_ops(&list_dummy_ops[i]);
    list_dummies_registered = 0;
}

/*
 * The dummies are shared by ftrace-list (whose list function walks them) and
 * ftrace-callops (whose sites call their own ops from the literal, whatever
 * else is registered): registered while either has users.
 */
static unsigned int dummy_users;
static unsigned int callops_users;

static int get_dummies(void)
{
    if (dummy_users++ == 0) {
        int err = register_list_dummies();
        if (err) {
            unregister_list_dummies();
            dummy_users--;
            return err;
        }
    }
    return 0;
}

static void put_dummies(void)
{
    if (--dummy_users == 0)
        unregister_list_dummies();
}

/*
 * Other tracers on the same function (pb_set_shared_ops): ops whose filter
 * holds it and whose handler only counts. With one or more, the function is
 * no longer traced by one ops alone: the trampoline's call goes to the list
 * function, and a CALL_OPS site's literal points at the list op, as the
 * kernel's ftrace_rec_update_ops does for a record with several ops. The
 * list a CALL_OPS site reaches is ftrace_caller's (the kernel has one list).
 */
long pb_ftrace_shared_ops_count;
u64 pb_shared_ops_hits;
static struct pb_ftrace_ops shared_ops[PB_MAX_SHARED_OPS];

/* Out of the way at the end of .text: code no path without shared ops runs moves nothing it runs. */
#define LATE __attribute__((section(".pb_late.text"))) __noinline

LATE static void shared_ops_func(u64 ip, u64 parent_ip, struct pb_ftrace_ops *op, struct ftrace_regs *fregs)
{
    (void)ip, (void)parent_ip, (void)op, (void)fregs;
    WRITE_ONCE(pb_shared_ops_hits, pb_shared_ops_hits + 1);
}

/* Takes ip out of the first n shared ops' filters; an ops left with none is unregistered. */
LATE static void unshare_function(u64 ip, long n)
{
    for (long i = 0; i < n; i++) {
        struct pb_ftrace_ops *s = &shared_ops[i];
        pb_hash_remove(&s->filter, ip);
        if (s->filter.count == 0 && s->registered)
            pb_unregister_ftrace_ops(s);
    }
}

/* Adds ip to the first n shared ops' filters, registered on `caller`'s list. */
LATE static int share_function(enum pb_ftrace_caller caller, u64 ip, long n)
{
    for (long i = 0; i < n; i++)
        if (shared_ops[i].registered && shared_ops[i].caller != caller)
            return PB_EBUSY;
    for (long i = 0; i < n; i++) {
        struct pb_ftrace_ops *s = &shared_ops[i];
        int err = pb_hash_add(&s->filter, ip, NULL);
        if (err) {
            unshare_function(ip, i);
            return err;
        }
        s->func = shared_ops_func;
        s->caller = caller;
        if (!s->registered)
            pb_register_ftrace_ops(s);
    }
    return 0;
}

/* Undoes a failed pb_attach_ftrace before it patched anything. */
LATE static int attach_failed(struct pb_attachment *a, struct pb_ftrace_ops *ops, u64 ip, int err)
{
    pb_hash_remove(&ops->filter, ip);
    if (ops->filter.count == 0 && ops->registered)
        pb_unregister_ftrace_ops(ops);
    unshare_function(ip, a->shared);
    a->shared = 0;
    return err;
}

int pb_attach_ftrace(struct pb_attachment *a)
{
    enum pb_ftrace_caller caller = caller_of(a->mech);
    struct pb_ftrace_ops *ops = &mech_ops[a->mech][a->kind];
    u64 ip = pb_ftrace_ip(a->target);
    long shared = pb_ftrace_shared_ops_count;
    /* The list the function's ops are on: a shared CALL_OPS site reaches ftrace_caller's. */
    enum pb_ftrace_caller list_caller = caller == PB_CALLER_CALLOPS && shared ? PB_CALLER_ARGS : caller;
    int err;

    if (a->param)
        return PB_EINVAL;
    if (!pb_in_branch_range(pb_ftrace_ip(a->target), pb_ftrace_caller_addr(caller)))
        return PB_ERANGE;
    if (ops->registered && ops->caller != list_caller)
        return PB_EBUSY;
    err = share_function(list_caller, ip, shared);
    if (err)
        return err;
    a->shared = shared;
    ops->func = caller == PB_CALLER_REGS ? ftrace_regs_func : ftrace_args_func;
    ops->caller = list_caller;
    ops->private = (void *)a->ctx;
    err = pb_hash_add(&ops->filter, ip, a);
    if (err) {
        unshare_function(ip, shared);
        a->shared = 0;
        return err;
    }
    if (list_caller != PB_CALLER_CALLOPS && !ops->registered) {
        if (a->mech == PB_MECH_FTRACE_LIST) {
            err = get_dummies();
            if (err)
                return attach_failed(a, ops, ip, err);
        }
        pb_register_ftrace_ops(ops);
    }
    if (a->mech == PB_MECH_FTRACE_CALLOPS && callops_users++ == 0) {
        err = get_dummies();
        if (err) {
            callops_users--;
            return attach_failed(a, ops, ip, err);
        }
    }
    if (a->mech == PB_MECH_FTRACE_LIST && list_users++ == 0)
        pb_ftrace_force_list(PB_CALLER_ARGS, true);
    u64 literal = 0;
    if (caller == PB_CALLER_CALLOPS)
        literal = shared ? (u64)pb_ftrace_list_op(list_caller) : (u64)ops;
    return pb_ftrace_patch_site(a->target, pb_ftrace_caller_addr(caller), literal);
}

void pb_detach_ftrace(struct pb_attachment *a)
{
    struct pb_ftrace_ops *ops = &mech_ops[a->mech][a->kind];

    pb_ftrace_unpatch_site(a->target);
    pb_hash_remove(&ops->filter, pb_ftrace_ip(a->target));
    if (a->mech == PB_MECH_FTRACE_LIST && --list_users == 0)
        pb_ftrace_force_list(PB_CALLER_ARGS, false);
    if (ops->filter.count == 0 && ops->registered) {
        pb_unregister_ftrace_ops(ops);
        if (a->mech == PB_MECH_FTRACE_LIST)
            put_dummies();
    }
    if (a->mech == PB_MECH_FTRACE_CALLOPS && --callops_users == 0)
        put_dummies();
    unshare_function(pb_ftrace_ip(a->target), a->shared);
    a->shared = 0;
}

/* ---- fgraph: entry and exit handlers on the shadow return stack ---- */

static struct pb_fgraph_ops fgraph_ops[PB_HANDLER_KIND_COUNT];

static bool fgraph_entry(const struct pb_fgraph_ops *gops, struct pb_ret_stack_entry *entry,
                         struct ftrace_regs *fregs)
{
    struct pb_probe_event ev;

    event_from_fregs(&ev, entry->func, fregs);
    pb_probe_entry(gops->private, &ev);
    return true;
}

static void fgraph_return(const struct pb_fgraph_ops *gops, struct pb_ret_stack_entry *entry,
                          struct ftrace_regs *fregs)
{
    struct pb_probe_event ev;

    event_from_fregs(&ev, entry->func, fregs);
    pb_probe_exit(gops->private, &ev);
}

static int attach_graph(struct pb_attachment *a, struct pb_fgraph_ops *gops,
                        pb_fgraph_entry_fn entry, pb_fgraph_return_fn ret, const void *value)
{
    u64 ip = pb_ftrace_ip(a->target);
    int err;

    if (a->param)
        return PB_EINVAL;
    gops->entryfunc = entry;
    gops->retfunc = ret;
    pb_fgraph_init_ops(gops);
    err = pb_hash_add(&gops->ops.filter, ip, (void *)value);
    if (err)
        return err;
    if (!gops->ops.registered)
        pb_register_ftrace_ops(&gops->ops);
    return pb_ftrace_patch_site(a->target, pb_ftrace_caller_addr(PB_CALLER_ARGS), 0);
}

static void detach_graph(struct pb_attachment *a, struct pb_fgraph_ops *gops)
{
    pb_ftrace_unpatch_site(a->target);
    pb_hash_remove(&gops->ops.filter, pb_ftrace_ip(a->target));
    if (gops->ops.filter.count == 0)
        pb_unregister_ftrace_ops(&gops->ops);
}

int pb_attach_fgraph(struct pb_attachment *a)
{
    struct pb_fgraph_ops *gops = &fgraph_ops[a->kind];

    gops->private = (void *)a->ctx;
    return attach_graph(a, gops, fgraph_entry, fgraph_return, a);
}

void pb_detach_fgraph(struct pb_attachment *a)
{
    detach_graph(a, &fgraph_ops[a->kind]);
}

/*
 * ---- fprobe: one graph ops for every fprobe; its filter doubles as the
 * fprobe ip table (ip -> handler context), looked up on every hit. The
 * context is kept in the shadow-stack entry for the exit handler.
 * fprobe-ptregs hands its handlers a pt_regs built from the ftrace_regs
 * (arm64's ftrace_partial_regs: x0-x8, fp, lr, sp, pc, synthetic PSTATE).
 */
static struct pb_fgraph_ops fprobe_graph_ops;

static void partial_regs(const struct ftrace_regs *fregs, struct pt_regs *regs)
{
    for (int i = 0; i < 9; i++)
        regs->regs[i] = fregs->regs[i];
    regs->regs[29] = fregs->fp;
    regs->regs[30] = fregs->lr;
    regs->sp = fregs->sp;
    regs->pc = fregs->pc;
    regs->pstate = PSR_MODE_EL1h;
}

/*
 * fprobe-ptregs's handler call, out of line: only its frames hold the pt_regs.
 * (Inline, the compiler reserved the pt_regs in plain fprobe's frames as well,
 * and both paths measured the same extra stack.)
 */
static __noinline void fprobe_ptregs_handler(const struct pb_probe_ctx *ctx, u64 func,
                                             const struct ftrace_regs *fregs, bool entry)
{
    struct pt_regs regs;
    struct pb_probe_event ev;

    partial_regs(fregs, &regs);
    event_from_ptregs(&ev, func, &regs);
    if (entry)
        pb_probe_entry(ctx, &ev);
    else
        pb_probe_exit(ctx, &ev);
}

static bool fprobe_entry(const struct pb_fgraph_ops *gops, struct pb_ret_stack_entry *entry,
                         struct ftrace_regs *fregs)
{
    bool found;
    const struct pb_probe_ctx *ctx =
        pb_hash_lookup(&gops->ops.filter, pb_ftrace_ip(entry->func), &found);
    struct pb_probe_event ev;

    if (!found)
        return false;
    entry->data[0] = (u64)ctx;
    if (ctx->mech == PB_MECH_FPROBE_PTREGS) {
        fprobe_ptregs_handler(ctx, entry->func, fregs, true);
    } else {
        event_from_fregs(&ev, entry->func, fregs);
        pb_probe_entry(ctx, &ev);
    }
    return true;
}

static void fprobe_return(const struct pb_fgraph_ops *gops, struct pb_ret_stack_entry *entry,
                          struct ftrace_regs *fregs)
{
    const struct pb_probe_ctx *ctx = (const struct pb_probe_ctx *)entry->data[0];
    struct pb_probe_event ev;

    (void)gops;
    if (ctx->mech == PB_MECH_FPROBE_PTREGS) {
        fprobe_ptregs_handler(ctx, entry->func, fregs, false);
    } else {
        event_from_fregs(&ev, entry->func, fregs);
        pb_probe_exit(ctx, &ev);
    }
}

int pb_attach_fprobe(struct pb_attachment *a)
{
    return attach_graph(a, &fprobe_graph_ops, fprobe_entry, fprobe_return, a->ctx);
}

void pb_detach_fprobe(struct pb_attachment *a)
{
    detach_graph(a, &fprobe_graph_ops);
}
