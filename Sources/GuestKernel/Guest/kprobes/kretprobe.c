/* kretprobe instances, the entry hook and the shared return handler. */
#include "pb/brk.h"
#include "pb/kernel.h"
#include "pb/kretprobe.h"
#include "pb/task.h"
#include "pb/traps.h"

bool pb_is_kretprobe_trampoline(u64 addr)
{
    return addr == (u64)pb_kretprobe_brk_trampoline || addr == (u64)pb_kretprobe_trampoline;
}

static u64 trampoline_of(const struct pb_kretprobe *rp)
{
    return rp->variant == PB_KRETPROBE_VIA_BRK ? (u64)pb_kretprobe_brk_trampoline
                                               : (u64)pb_kretprobe_trampoline;
}

/* Never redirects (as the kernel's): a pc the entry handler sets is lost
 * when the probed instruction is completed. */
static int kretprobe_pre_handler(struct pb_kprobe *p, struct pt_regs *regs)
{
    struct pb_kretprobe *rp = container_of(p, struct pb_kretprobe, kp);
    struct pb_kretprobe_instance *ri = NULL;

    for (int i = 0; i < PB_KRETPROBE_MAXACTIVE; i++) {
        if (!rp->pool[i].in_use) {
            ri = &rp->pool[i];
            break;
        }
    }
    if (!ri) {
        rp->nmissed++;
        return 0;
    }
    ri->in_use = true;
    ri->rp = rp;
    ri->ret_addr = regs->regs[30];
    ri->fp = regs->regs[29];
    if (rp->entry_handler)
        rp->entry_handler(ri, regs);
    ri->next = current->kretprobe_instances;
    barrier();
    WRITE_ONCE(current->kretprobe_instances, ri);
    regs->regs[30] = trampoline_of(rp);
    return 0;
}

int pb_register_kretprobe(struct pb_kretprobe *rp)
{
    for (int i = 0; i < PB_KRETPROBE_MAXACTIVE; i++)
        rp->pool[i].in_use = false;
    rp->nmissed = 0;
    rp->kp.pre_handler = kretprobe_pre_handler;
    return pb_register_kprobe(&rp->kp);
}

/* As rethook_stop: returns already hooked still come back through the
 * trampoline, which puts the real return address back, but no handler runs for
 * them; their instances are released as they return, and the kretprobe may not
 * be registered again until then (pb_kretprobe_in_flight). */
void pb_unregister_kretprobe(struct pb_kretprobe *rp)
{
    pb_unregister_kprobe(&rp->kp);
    WRITE_ONCE(rp->handler, NULL);
}

bool pb_kretprobe_in_flight(const struct pb_kretprobe *rp)
{
    for (struct pb_kretprobe_instance *ri = READ_ONCE(current->kretprobe_instances); ri; ri = ri->next)
        if (ri->rp == rp)
            return true;
    return false;
}

/*
 * The function whose frame had x29 == fp has returned through a trampoline.
 * Its instances are the newest ones, down to the first whose return address
 * is not a trampoline (more than one when hooked functions tail-called each
 * other). Handlers run newest first with regs->pc already the real return
 * address; each instance is unlinked only after its handler, so walks from
 * the handler can still recover the hooked return address.
 */
static u64 kretprobe_trampoline_handler(struct pt_regs *regs, u64 fp)
{
    struct pb_kretprobe_instance *ri, *last = NULL;

    for (ri = current->kretprobe_instances; ri; ri = ri->next) {
        if (ri->fp != fp)
            pb_panic("kretprobe: frame pointer does not match the instance", regs);
        if (!pb_is_kretprobe_trampoline(ri->ret_addr)) {
            last = ri;
            break;
        }
    }
    if (!last)
        pb_panic("kretprobe: no instance for this return", regs);
    u64 correct = last->ret_addr;
    regs->pc = correct;
    do {
        ri = current->kretprobe_instances;
        pb_kretprobe_fn handler = READ_ONCE(ri->rp->handler);
        if (handler)
            handler(ri, regs);
        WRITE_ONCE(current->kretprobe_instances, ri->next);
        barrier();
        ri->in_use = false;
    } while (ri != last);
    return correct;
}

/* BRK variant: the trampoline's BRK trapped with a real pt_regs. */
static int kretprobe_brk_handler(struct pt_regs *regs, u64 esr)
{
    (void)esr;
    if (regs->pc != (u64)pb_kretprobe_brk_trampoline)
        return -1;
    u64 ret = kretprobe_trampoline_handler(regs, regs->regs[29]);
    regs->regs[30] = ret;
    regs->pc = ret;
    return 0;
}

/* TRAMP variant: called by pb_kretprobe_trampoline with its hand-built pt_regs. */
u64 pb_kretprobe_tramp_callback(struct pt_regs *regs)
{
    return kretprobe_trampoline_handler(regs, regs->regs[29]);
}

u64 pb_kretprobe_find_ret_addr(u64 fp, struct pb_kretprobe_instance **cur)
{
    struct pb_kretprobe_instance *ri = *cur ? (*cur)->next : READ_ONCE(current->kretprobe_instances);

    for (; ri; ri = ri->next) {
        if (ri->fp == fp && !pb_is_kretprobe_trampoline(ri->ret_addr)) {
            *cur = ri;
            return ri->ret_addr;
        }
    }
    return 0;
}

void pb_kretprobes_init(void)
{
    pb_register_brk_hook(PB_BRK_IMM_KRETPROBE, kretprobe_brk_handler);
}
