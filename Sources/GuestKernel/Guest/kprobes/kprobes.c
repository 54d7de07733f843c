/*
 * kprobes core: arming/disarming, the BRK handlers and the single-step
 * handler (arm64's arch/arm64/kernel/probes/kprobes.c design). While the
 * original instruction runs out of line, IRQs are masked in the resumed
 * context, so nothing can observe or re-enter the slot.
 */
#include "pb/brk.h"
#include "pb/code_alloc.h"
#include "pb/insn.h"
#include "pb/kernel.h"
#include "pb/kprobes.h"
#include "pb/patching.h"
#include "pb/sysreg.h"
#include "pb/traps.h"
#include "pb_abi.h"

#define PB_MAX_KPROBES 1100
#define SLOT_BYTES 8

struct kprobe_ctlblk {
    struct pb_kprobe *cur;  /* the probe whose instruction is out of line */
    u64 saved_daif_bits;    /* the interrupted context's I and D bits */
};

static struct pb_kprobe *kprobe_table[PB_MAX_KPROBES];
static struct kprobe_ctlblk kcb;
struct pb_kprobe_stats pb_kprobe_stats;

static struct pb_kprobe *find_kprobe(u64 addr)
{
    for (int i = 0; i < PB_MAX_KPROBES; i++)
        if (kprobe_table[i] && kprobe_table[i]->addr == addr)
            return kprobe_table[i];
    return NULL;
}

static u16 brk_imm_for(const struct pb_kprobe *p)
{
    return p->mode == PB_KPROBE_SIM ? PB_BRK_IMM_KPROBE_SIM : PB_BRK_IMM_KPROBE;
}

/* Writes a BRK over the probed instruction, or the instruction back over it.
 * Neither pair is one the Arm ARM lets a PE execute while it is modified (an
 * arbitrary instruction and a BRK), so arm64 patches kprobes under
 * stop_machine: nothing runs the text until the write is cleaned, invalidated
 * and synchronized. On one core that is IRQs masked across the write and its
 * maintenance, or an interrupt calling the function would fetch a line the
 * architecture does not define. */
static void poke_probe(struct pb_kprobe *p, u32 insn)
{
    u64 flags = local_irq_save();

    pb_text_poke32((void *)p->addr, insn);
    local_irq_restore(flags);
}

int pb_register_kprobe(struct pb_kprobe *p)
{
    int free_index = -1;

    if (p->addr & 3)
        return PB_EINVAL;
    if (find_kprobe(p->addr))
        return PB_EBUSY;
    for (int i = 0; i < PB_MAX_KPROBES; i++) {
        if (!kprobe_table[i]) {
            free_index = i;
            break;
        }
    }
    if (free_index < 0)
        return PB_ENOMEM;

    p->opcode = pb_text_read32((void *)p->addr);
    if (p->mode == PB_KPROBE_SIM) {
        if (!pb_kprobe_can_simulate(p->opcode))
            return PB_EOPNOTSUPP;
        p->slot = NULL;
    } else {
        if (pb_insn_uses_pc_or_is_special(p->opcode))
            return PB_EOPNOTSUPP;
        p->slot = pb_code_alloc(PB_AREA_NEAR, PB_CODE_XOL_SLOT, SLOT_BYTES);
        if (!p->slot)
            return PB_ENOMEM;
        u32 slot_code[2] = { p->opcode, pb_insn_gen_brk(PB_BRK_IMM_KPROBE_SS) };
        pb_text_copy(p->slot, slot_code, sizeof(slot_code));
    }
    kprobe_table[free_index] = p;
    poke_probe(p, pb_insn_gen_brk(brk_imm_for(p)));
    p->armed = true;
    return 0;
}

void pb_unregister_kprobe(struct pb_kprobe *p)
{
    if (!p->armed)
        return;
    poke_probe(p, p->opcode);
    for (int i = 0; i < PB_MAX_KPROBES; i++)
        if (kprobe_table[i] == p)
            kprobe_table[i] = NULL;
    if (p->slot)
        pb_code_free(p->slot);
    p->slot = NULL;
    p->armed = false;
}

static int kprobe_brk_handler(struct pt_regs *regs, u64 esr)
{
    struct pb_kprobe *p = find_kprobe(regs->pc);

    (void)esr;
    if (!p)
        return -1;
    if (kcb.cur)
        pb_panic("kprobe hit while another probe's instruction is out of line", regs);
    pb_kprobe_stats.hits++;
    if (p->pre_handler(p, regs)) {
        pb_kprobe_stats.redirected++;
        return 0;
    }

    switch (p->mode) {
    case PB_KPROBE_SIM:
        pb_kprobe_simulate(p->opcode, p->addr, regs);
        pb_kprobe_stats.simulated++;
        return 0;
    case PB_KPROBE_XOL:
        kcb.cur = p;
        kcb.saved_daif_bits = regs->pstate & (PSR_I_BIT | PSR_D_BIT);
        regs->pstate |= PSR_I_BIT;
        regs->pc = (u64)p->slot;
        return 0;
    case PB_KPROBE_SS:
        kcb.cur = p;
        kcb.saved_daif_bits = regs->pstate & (PSR_I_BIT | PSR_D_BIT);
        /* Step exactly the slot's instruction: debug exceptions unmasked in
         * the resumed context, PSTATE.SS set so the step is active-not-pending. */
        regs->pstate = (regs->pstate | PSR_I_BIT | PSR_SS_BIT) & ~PSR_D_BIT;
        write_sysreg(read_sysreg(mdscr_el1) | MDSCR_SS | MDSCR_KDE, mdscr_el1);
        isb();
        regs->pc = (u64)p->slot;
        return 0;
    }
    return -1;
}

static void finish_out_of_line(struct pb_kprobe *p, struct pt_regs *regs)
{
    regs->pstate = (regs->pstate & ~(PSR_I_BIT | PSR_D_BIT | PSR_SS_BIT)) | kcb.saved_daif_bits;
    regs->pc = p->addr + 4;
    kcb.cur = NULL;
}

/* The second BRK of an XOL slot: the copied instruction has run. */
static int kprobe_xol_done_handler(struct pt_regs *regs, u64 esr)
{
    struct pb_kprobe *p = kcb.cur;

    (void)esr;
    if (!p || p->mode != PB_KPROBE_XOL || regs->pc != (u64)(p->slot + 1))
        return -1;
    pb_kprobe_stats.xol_completions++;
    finish_out_of_line(p, regs);
    return 0;
}

/* The software-step exception after the slot's instruction (kprobe-ss). */
static int kprobe_step_handler(struct pt_regs *regs, u64 esr)
{
    struct pb_kprobe *p = kcb.cur;

    (void)esr;
    if (!p || p->mode != PB_KPROBE_SS || regs->pc != (u64)(p->slot + 1))
        return -1;
    write_sysreg(read_sysreg(mdscr_el1) & ~(MDSCR_SS | MDSCR_KDE), mdscr_el1);
    isb();
    pb_kprobe_stats.single_steps++;
    finish_out_of_line(p, regs);
    return 0;
}

void pb_kprobes_init(void)
{
    pb_register_brk_hook(PB_BRK_IMM_KPROBE, kprobe_brk_handler);
    pb_register_brk_hook(PB_BRK_IMM_KPROBE_SIM, kprobe_brk_handler);
    pb_register_brk_hook(PB_BRK_IMM_KPROBE_SS, kprobe_xol_done_handler);
    pb_register_step_hook(kprobe_step_handler);
}
