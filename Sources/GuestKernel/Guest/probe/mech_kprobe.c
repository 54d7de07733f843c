/*
 * BRK-based mechanisms. The probe sits where a kprobe on the function's
 * symbol sits on arm64: on the symbol itself, the `mov x9, x30` that ftrace
 * wrote over the patch site's first NOP at boot, before the ftrace call,
 * plus an optional offset (kprobe-* only; +4, the ftrace location, is refused
 * as the kernel refuses it without KPROBES_ON_FTRACE).
 *   kprobe-xol / kprobe-ss / kprobe-sim: entry handler only
 *   kretprobe-brk / kretprobe-tramp:     entry and exit handlers
 */
#include "pb/code_alloc.h"
#include "pb/kernel.h"
#include "pb/probe.h"

#define MAX_PROBE_OFFSET PB_KPROBE_MAX_OFFSET

static struct pb_kretprobe kretprobe_pool[PB_MAX_KRETPROBES];
static bool kretprobe_used[PB_MAX_KRETPROBES];

static void event_from_regs(struct pb_probe_event *ev, u64 func, struct pt_regs *regs)
{
    ev->func = func;
    ev->args = regs->regs;
    ev->entry_sp = regs->sp;
    ev->retval = regs->regs[0];
    ev->regs = regs;
    ev->regs_kind = PB_REGS_PT;
}

/* Redirects when the handler moved the pc off the probed instruction. */
static int kprobe_entry(struct pb_kprobe *p, struct pt_regs *regs)
{
    struct pb_attachment *a = container_of(p, struct pb_attachment, kp);
    struct pb_probe_event ev;

    event_from_regs(&ev, a->target, regs);
    pb_probe_entry(a->ctx, &ev);
    return regs->pc != p->addr;
}

int pb_attach_kprobe(struct pb_attachment *a)
{
    u64 offset = a->param & PB_PARAM_VALUE_MASK;

    if ((a->param & ~PB_PARAM_VALUE_MASK) || (offset & 3) || offset >= MAX_PROBE_OFFSET ||
        offset == PB_FTRACE_IP_OFFSET)
        return PB_EINVAL;
    a->kp.addr = a->target + offset;
    a->kp.mode = a->mech == PB_MECH_KPROBE_SIM  ? PB_KPROBE_SIM
                 : a->mech == PB_MECH_KPROBE_SS ? PB_KPROBE_SS
                                                : PB_KPROBE_XOL;
    a->kp.pre_handler = kprobe_entry;
    a->kp.private = a;
    int err = pb_register_kprobe(&a->kp);
    if (!err && a->kp.slot)
        pb_code_set_owner(a->kp.slot, a->target);
    return err;
}

void pb_detach_kprobe(struct pb_attachment *a)
{
    pb_unregister_kprobe(&a->kp);
}

static void kretprobe_entry(struct pb_kretprobe_instance *ri, struct pt_regs *regs)
{
    struct pb_attachment *a = ri->rp->private;
    struct pb_probe_event ev;

    event_from_regs(&ev, a->target, regs);
    pb_probe_entry(a->ctx, &ev);
}

static void kretprobe_exit(struct pb_kretprobe_instance *ri, struct pt_regs *regs)
{
    struct pb_attachment *a = ri->rp->private;
    struct pb_probe_event ev;

    event_from_regs(&ev, a->target, regs);
    pb_probe_exit(a->ctx, &ev);
}

int pb_attach_kretprobe(struct pb_attachment *a)
{
    int slot = -1;

    if (a->param)
        return PB_EINVAL;
    for (int i = 0; i < PB_MAX_KRETPROBES; i++) {
        if (!kretprobe_used[i] && !pb_kretprobe_in_flight(&kretprobe_pool[i])) {
            slot = i;
            break;
        }
    }
    if (slot < 0)
        return PB_ENOMEM;
    struct pb_kretprobe *rp = &kretprobe_pool[slot];
    rp->kp.addr = a->target;
    rp->kp.mode = PB_KPROBE_XOL;
    rp->variant = a->mech == PB_MECH_KRETPROBE_BRK ? PB_KRETPROBE_VIA_BRK : PB_KRETPROBE_VIA_TRAMP;
    rp->entry_handler = kretprobe_entry;
    rp->handler = kretprobe_exit;
    rp->private = a;
    int err = pb_register_kretprobe(rp);
    if (err)
        return err;
    kretprobe_used[slot] = true;
    a->rp = rp;
    pb_code_set_owner(rp->kp.slot, a->target);
    return 0;
}

void pb_detach_kretprobe(struct pb_attachment *a)
{
    pb_unregister_kretprobe(a->rp);
    kretprobe_used[a->rp - kretprobe_pool] = false;
    a->rp = NULL;
}

/* Instances that could not be taken (all in use), for pb_control.missed. */
u64 pb_kretprobe_missed_total(void)
{
    u64 n = 0;

    for (int i = 0; i < PB_MAX_KRETPROBES; i++)
        n += kretprobe_pool[i].nmissed;
    return n;
}

void pb_kretprobe_reset_missed(void)
{
    for (int i = 0; i < PB_MAX_KRETPROBES; i++)
        kretprobe_pool[i].nmissed = 0;
}
