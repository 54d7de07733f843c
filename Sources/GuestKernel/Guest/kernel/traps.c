/*
 * EL1 synchronous exceptions, dispatched by exception class: BRK (0x3C) to
 * the hook registered for its immediate, software step (0x32/0x33) to the
 * step hook, SVC (0x15) to the SVC hook, and UNDEF (0x00) / aborts to the
 * exception fixup table. Anything else is fatal, as are unexpected vectors.
 */
#include "pb/kernel.h"
#include "pb/ptrace.h"
#include "pb/sysreg.h"
#include "pb/traps.h"

#define PB_MAX_BRK_HOOKS 8

struct pb_brk_hook {
    u16 imm;
    pb_brk_fn fn;
};

static struct pb_brk_hook brk_hooks[PB_MAX_BRK_HOOKS];
static unsigned int nr_brk_hooks;
static pb_step_fn step_hook;
static pb_svc_fn svc_hook;
struct pb_fault_info pb_last_fault;

struct pb_ex_entry {
    u64 insn;
    u64 fixup;
};
extern const struct pb_ex_entry pb_ex_table_start[], pb_ex_table_end[];

void pb_register_brk_hook(u16 imm, pb_brk_fn fn)
{
    for (unsigned int i = 0; i < nr_brk_hooks; i++) {
        if (brk_hooks[i].imm == imm) {
            brk_hooks[i].fn = fn;
            return;
        }
    }
    if (nr_brk_hooks == PB_MAX_BRK_HOOKS)
        pb_panic("too many BRK hooks", NULL);
    brk_hooks[nr_brk_hooks].imm = imm;
    brk_hooks[nr_brk_hooks].fn = fn;
    nr_brk_hooks++;
}

void pb_register_step_hook(pb_step_fn fn)
{
    step_hook = fn;
}

void pb_register_svc_hook(pb_svc_fn fn)
{
    svc_hook = fn;
}

static int call_brk_hook(struct pt_regs *regs, u64 esr)
{
    u16 imm = esr & 0xffff;

    for (unsigned int i = 0; i < nr_brk_hooks; i++)
        if (brk_hooks[i].imm == imm)
            return brk_hooks[i].fn(regs, esr);
    return -1;
}

static int apply_fixup(struct pt_regs *regs, u64 esr, u64 far)
{
    for (const struct pb_ex_entry *e = pb_ex_table_start; e < pb_ex_table_end; e++) {
        if (e->insn == regs->pc) {
            pb_last_fault.count++;
            pb_last_fault.esr = esr;
            pb_last_fault.far = far;
            pb_last_fault.pc = regs->pc;
            regs->pc = e->fixup;
            return 0;
        }
    }
    return -1;
}

void pb_el1_sync_handler(struct pt_regs *regs)
{
    u64 esr = read_sysreg(esr_el1);
    unsigned int ec = esr >> ESR_EC_SHIFT;

    switch (ec) {
    case ESR_EC_BRK64:
        if (call_brk_hook(regs, esr) == 0)
            return;
        pb_panic("unhandled BRK", regs);
    case ESR_EC_SOFTSTP_CUR:
    case ESR_EC_SOFTSTP_LOW:
        if (step_hook && step_hook(regs, esr) == 0)
            return;
        pb_panic("unexpected software step", regs);
    case ESR_EC_SVC64:
        if (svc_hook) {
            svc_hook(regs, esr & 0xffff);
            return;
        }
        pb_panic("unexpected SVC", regs);
    case ESR_EC_UNKNOWN:
        if (apply_fixup(regs, esr, 0) == 0)
            return;
        pb_panic("undefined instruction", regs);
    case ESR_EC_DABT_CUR:
    case ESR_EC_IABT_CUR:
    case ESR_EC_PC_ALIGN:
    case ESR_EC_SP_ALIGN:
        if (apply_fixup(regs, esr, read_sysreg(far_el1)) == 0)
            return;
        pb_panic("abort", regs);
    default:
        pb_panic("unhandled synchronous exception", regs);
    }
}

static const char *const vector_names[16] = {
    "el1t_sync", "el1t_irq", "el1t_fiq", "el1t_error",
    "el1h_sync", "el1h_irq", "el1h_fiq", "el1h_error",
    "el0_sync", "el0_irq", "el0_fiq", "el0_error",
    "el0_32_sync", "el0_32_irq", "el0_32_fiq", "el0_32_error",
};

void pb_bad_vector(struct pt_regs *regs, unsigned long index)
{
    pb_printf("PANIC: unexpected exception vector %s (#%lu)\n", vector_names[index & 15], index);
    pb_panic("unexpected exception vector", regs);
}

void pb_panic(const char *why, const struct pt_regs *regs)
{
    pb_printf("PANIC: %s\n", why);
    if (regs) {
        pb_printf("  ESR=%08lx ELR=%016lx FAR=%016lx SPSR=%08lx\n", read_sysreg(esr_el1),
                  read_sysreg(elr_el1), read_sysreg(far_el1), regs->pstate);
        pb_printf("  pc=%016lx sp=%016lx lr=%016lx fp=%016lx\n", regs->pc, regs->sp,
                  regs->regs[30], regs->regs[29]);
        for (int i = 0; i < 30; i += 2)
            pb_printf("  x%d=%016lx x%d=%016lx\n", i, regs->regs[i], i + 1, regs->regs[i + 1]);
    }
    pb_semihost_exit(70);
}
