/*
 * The harness entry points: attach/detach a mechanism with a handler kind
 * to a workload function, run a workload through the driver, configure the
 * ops list, reset the control block.
 */
#include "pb/code_alloc.h"
#include "pb/fgraph.h"
#include "pb/kernel.h"
#include "pb/probe.h"
#include "pb/task.h"

#define PB_MAX_ATTACHMENTS 1100

u64 pb_kretprobe_missed_total(void);
void pb_kretprobe_reset_missed(void);
long pb_driver(unsigned long fn, long n, long arg0, const struct pb_call_args *args);

static int attach_none(struct pb_attachment *a)
{
    return a->param ? PB_EINVAL : 0;
}

static void detach_none(struct pb_attachment *a)
{
    (void)a;
}

static const struct pb_mechanism mechanisms[PB_MECH_COUNT] = {
    [PB_MECH_NONE] = { "none", false, attach_none, detach_none },
    [PB_MECH_FTRACE_ARGS] = { "ftrace-args", false, pb_attach_ftrace, pb_detach_ftrace },
    [PB_MECH_FTRACE_REGS] = { "ftrace-regs", false, pb_attach_ftrace, pb_detach_ftrace },
    [PB_MECH_FTRACE_LIST] = { "ftrace-list", false, pb_attach_ftrace, pb_detach_ftrace },
    [PB_MECH_FTRACE_CALLOPS] = { "ftrace-callops", false, pb_attach_ftrace, pb_detach_ftrace },
    [PB_MECH_DIRECT_CALLER] = { "direct-caller", false, pb_attach_direct, pb_detach_direct },
    [PB_MECH_DIRECT_BL] = { "direct-bl", false, pb_attach_direct, pb_detach_direct },
    [PB_MECH_DIRECT_PLT] = { "direct-plt", false, pb_attach_direct, pb_detach_direct },
    [PB_MECH_KPROBE_XOL] = { "kprobe-xol", false, pb_attach_kprobe, pb_detach_kprobe },
    [PB_MECH_KPROBE_SS] = { "kprobe-ss", false, pb_attach_kprobe, pb_detach_kprobe },
    [PB_MECH_KPROBE_SIM] = { "kprobe-sim", false, pb_attach_kprobe, pb_detach_kprobe },
    [PB_MECH_KRETPROBE_BRK] = { "kretprobe-brk", true, pb_attach_kretprobe, pb_detach_kretprobe },
    [PB_MECH_KRETPROBE_TRAMP] = { "kretprobe-tramp", true, pb_attach_kretprobe, pb_detach_kretprobe },
    [PB_MECH_FGRAPH] = { "fgraph", true, pb_attach_fgraph, pb_detach_fgraph },
    [PB_MECH_FPROBE] = { "fprobe", true, pb_attach_fprobe, pb_detach_fprobe },
    [PB_MECH_FPROBE_PTREGS] = { "fprobe-ptregs", true, pb_attach_fprobe, pb_detach_fprobe },
    [PB_MECH_FENTRY_FEXIT] = { "fentry-fexit", true, pb_attach_fentry, pb_detach_fentry },
    [PB_MECH_FTRACE_ARGS_NOFP] = { "ftrace-args-nofp", false, pb_attach_ftrace, pb_detach_ftrace },
};

static struct pb_attachment attachments[PB_MAX_ATTACHMENTS];

const struct pb_mechanism *pb_mechanism_get(long mech)
{
    return mech >= 0 && mech < PB_MECH_COUNT ? &mechanisms[mech] : NULL;
}

static u64 attach_count;

/* Whether the mechanism hooks a function by a BRK on its symbol (else by the
 * patch site's call, or not at all for none). */
static bool hooks_by_breakpoint(long mech)
{
    return mech == PB_MECH_KPROBE_XOL || mech == PB_MECH_KPROBE_SS || mech == PB_MECH_KPROBE_SIM ||
           mech == PB_MECH_KRETPROBE_BRK || mech == PB_MECH_KRETPROBE_TRAMP;
}

/* An attachment of the function (the other, if any, is its `beside`), or NULL. */
static struct pb_attachment *find_attachment(u64 target)
{
    for (int i = 0; i < PB_MAX_ATTACHMENTS; i++)
        if (attachments[i].used && attachments[i].target == target)
            return &attachments[i];
    return NULL;
}

/* Whether `mechanism` may join the function's attachment `other`: one BRK
 * mechanism and one patch-site mechanism share a function, as a kprobe and
 * ftrace do on arm64 (the kprobe on the site's `mov x9, x30`, ftrace's call
 * after it); two of one kind, a third, or none with anything, do not. */
static bool can_share(long mechanism, const struct pb_attachment *other)
{
    return !other->beside && mechanism != PB_MECH_NONE && other->mech != PB_MECH_NONE &&
           hooks_by_breakpoint(mechanism) != hooks_by_breakpoint(other->mech);
}

long pb_attach(long mechanism, long handler_kind, unsigned long target, unsigned long param)
{
    const struct pb_mechanism *m = pb_mechanism_get(mechanism);
    struct pb_attachment *a = NULL;
    int err;

    pb_code_grace_period_ends();
    if (!m || handler_kind < 0 || handler_kind >= PB_HANDLER_KIND_COUNT)
        return PB_EINVAL;
    struct pb_attachment *other = find_attachment(target);
    if (other) {
        /* The first attachment checked the site; it now holds that one's hook. */
        if (!can_share(mechanism, other))
            return PB_EBUSY;
    } else {
        err = pb_ftrace_check_site(target);
        if (err)
            return err;
    }
    for (int i = 0; i < PB_MAX_ATTACHMENTS; i++) {
        if (!attachments[i].used) {
            a = &attachments[i];
            break;
        }
    }
    if (!a)
        return PB_ENOMEM;
    memset(a, 0, sizeof(*a));
    a->target = target;
    a->mech = (int)mechanism;
    a->kind = (int)handler_kind;
    a->param = param;
    a->ctx = pb_probe_ctx_of(a->mech, a->kind);
    err = m->attach(a);
    if (err)
        return err;
    a->used = true;
    a->order = ++attach_count;
    if (other) {
        a->beside = other;
        other->beside = a;
    }
    return 0;
}

static void detach_one(struct pb_attachment *a)
{
    mechanisms[a->mech].detach(a);
    a->used = false;
    a->beside = NULL;
}

/* Detaches every attachment of the function, newest first; returns how many. */
static long detach_function(u64 target)
{
    struct pb_attachment *a = find_attachment(target);

    if (!a)
        return 0;
    struct pb_attachment *b = a->beside;
    if (!b) {
        detach_one(a);
        return 1;
    }
    struct pb_attachment *newer = a->order > b->order ? a : b;
    detach_one(newer);
    detach_one(newer == a ? b : a);
    return 2;
}

long pb_detach(unsigned long target)
{
    pb_code_grace_period_ends();
    return detach_function(target) ? 0 : PB_ENOENT;
}

long pb_detach_all(void)
{
    long n = 0;

    for (int i = 0; i < PB_MAX_ATTACHMENTS; i++)
        if (attachments[i].used)
            n += detach_function(attachments[i].target);
    return n;
}

long pb_attached_count(void)
{
    long n = 0;

    for (int i = 0; i < PB_MAX_ATTACHMENTS; i++)
        n += attachments[i].used;
    return n;
}

long pb_set_ops_count(long n)
{
    if (n < 1 || n > PB_MAX_OPS_COUNT)
        return PB_EINVAL;
    pb_ftrace_list_ops_count = n;
    return 0;
}

long pb_set_shared_ops(long n)
{
    if (n < 0 || n > PB_MAX_SHARED_OPS)
        return PB_EINVAL;
    pb_ftrace_shared_ops_count = n;
    return 0;
}

long pb_run(unsigned long workload, long n, long arg0)
{
    if (n < 0 || !pb_ftrace_is_recorded_site(workload))
        return PB_EINVAL;
    long acc = pb_driver(workload, n, arg0, &pb_control.call_args);
    pb_control.missed = pb_fgraph_missed + pb_kretprobe_missed_total();
    return acc;
}

long pb_reset(void)
{
    struct pb_control *c = &pb_control;

    c->entry_hits = c->exit_hits = c->irq_count = c->missed = 0;
    c->last_entry_func = c->last_exit_func = 0;
    memset(c->last_args, 0, sizeof(c->last_args));
    memset(&c->last_big, 0, sizeof(c->last_big));
    c->last_big_valid = 0;
    c->last_retval = 0;
    memset(&c->entry_walk, 0, sizeof(c->entry_walk));
    memset(&c->exit_walk, 0, sizeof(c->exit_walk));
    memset(&c->callee_walk, 0, sizeof(c->callee_walk));
    memset(&c->irq_walk, 0, sizeof(c->irq_walk));
    c->irq_pc = 0;
    memset(&c->ring, 0, sizeof(c->ring));
    pb_fgraph_missed = 0;
    pb_shared_ops_hits = 0;
    pb_kretprobe_reset_missed();
    return 0;
}

/* pb_detach_reusing_code(target), then the function's attachment made again
 * (same mechanism, handler and parameter): another tracer taking the function
 * while a call that entered through the old hook is still running. For the
 * in-flight detach checks (through pb_arm_irq_call); after all other code, so
 * that it moved nothing measured. */
__attribute__((section(".pb_test.text"))) long pb_detach_reattach(unsigned long target)
{
    const struct pb_attachment *a = find_attachment(target);

    if (!a || a->beside)
        return PB_EINVAL;
    long mechanism = a->mech, kind = a->kind;
    unsigned long param = a->param;
    long result = pb_detach_reusing_code(target);
    return result ? result : pb_attach(mechanism, kind, target, param);
}

/* What pb_attach_from_irq attaches: set by pb_set_attach_from_irq. */
static long irq_attach_mechanism, irq_attach_kind;

__attribute__((section(".pb_test.text"))) long pb_set_attach_from_irq(long mechanism, long handler_kind)
{
    irq_attach_mechanism = mechanism;
    irq_attach_kind = handler_kind;
    return 0;
}

/* pb_attach(target) with what pb_set_attach_from_irq chose: a tracer taking a
 * function while a call of it is in the middle of its patch site or body. For
 * the in-flight attach checks (through pb_arm_irq_call); after all other code. */
__attribute__((section(".pb_test.text"))) long pb_attach_from_irq(unsigned long target)
{
    return pb_attach(irq_attach_mechanism, irq_attach_kind, target, 0);
}
