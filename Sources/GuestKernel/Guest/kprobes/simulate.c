/*
 * Simulation of probed instructions in the BRK handler (kprobe-sim):
 * B, BL, B.cond, CBZ/CBNZ, TBZ/TBNZ, BR, BLR, RET, LDR (literal),
 * LDRSW (literal), ADR, ADRP (as arm64's simulate-insn.c), plus two the
 * kernel steps out of line instead, to show what simulating them would cost:
 * the patch site's `mov x9, x30` (where a kprobe on a function's symbol
 * lands) and the frame-record STP with SP as base (`stp x29, x30, [sp,
 * #-N]!`), which the EL1 sync entry makes safe by leaving PB_SIM_STACK_GAP
 * below the SP.
 */
#include "pb/insn.h"
#include "pb/kprobes.h"
#include "pb/sysreg.h"

/* Register reads/writes where register 31 is XZR. */
static u64 get_x(const struct pt_regs *regs, unsigned int n)
{
    return n == 31 ? 0 : regs->regs[n];
}

static void set_x(struct pt_regs *regs, unsigned int n, u64 v)
{
    if (n != 31)
        regs->regs[n] = v;
}

static bool condition_holds(u64 pstate, unsigned int cond)
{
    bool n = pstate & PSR_N_BIT, z = pstate & PSR_Z_BIT;
    bool c = pstate & PSR_C_BIT, v = pstate & PSR_V_BIT;
    bool r;

    switch (cond >> 1) {
    case 0: r = z; break;                 /* EQ / NE */
    case 1: r = c; break;                 /* CS / CC */
    case 2: r = n; break;                 /* MI / PL */
    case 3: r = v; break;                 /* VS / VC */
    case 4: r = c && !z; break;           /* HI / LS */
    case 5: r = n == v; break;            /* GE / LT */
    case 6: r = n == v && !z; break;      /* GT / LE */
    default: r = true; break;             /* AL / NV */
    }
    if ((cond & 1) && cond != 0xf)
        r = !r;
    return r;
}

bool pb_kprobe_can_simulate(u32 insn)
{
    if (insn == INSN_MOV_X9_X30)
        return true;
    if (pb_insn_is_stp64(insn))
        return ((insn >> 5) & 31) == 31; /* base register SP: the frame-record store */
    return pb_insn_is_branch_imm(insn) || pb_insn_is_bcond(insn) || pb_insn_is_cb(insn) ||
           pb_insn_is_tb(insn) || pb_insn_is_branch_reg(insn) || pb_insn_is_ldr_lit(insn) ||
           pb_insn_is_adr_adrp(insn);
}

static void simulate_stp64(u32 insn, struct pt_regs *regs)
{
    unsigned int rt = insn & 31, rt2 = (insn >> 10) & 31;
    s64 offset = pb_sign_extend((insn >> 15) & 0x7f, 7) * 8;
    u32 mode = (insn >> 23) & 7; /* 001 post-index, 010 signed offset, 011 pre-index */
    u64 base = regs->sp;
    u64 addr = mode == 1 ? base : base + offset;

    ((u64 *)addr)[0] = get_x(regs, rt);
    ((u64 *)addr)[1] = get_x(regs, rt2);
    if (mode == 1)
        regs->sp = base + offset;
    else if (mode == 3)
        regs->sp = addr;
}

void pb_kprobe_simulate(u32 insn, u64 pc, struct pt_regs *regs)
{
    u64 next = pc + 4;

    if (pb_insn_is_branch_imm(insn)) {
        if (insn & 0x80000000u)
            regs->regs[30] = pc + 4;
        next = pc + pb_sign_extend(insn & 0x3ffffff, 26) * 4;
    } else if (pb_insn_is_bcond(insn)) {
        if (condition_holds(regs->pstate, insn & 0xf))
            next = pc + pb_sign_extend((insn >> 5) & 0x7ffff, 19) * 4;
    } else if (pb_insn_is_cb(insn)) {
        u64 v = get_x(regs, insn & 31);
        if (!(insn & 0x80000000u))
            v = (u32)v;
        bool nonzero_branches = insn & (1u << 24); /* CBNZ */
        if ((v != 0) == nonzero_branches)
            next = pc + pb_sign_extend((insn >> 5) & 0x7ffff, 19) * 4;
    } else if (pb_insn_is_tb(insn)) {
        unsigned int bit = ((insn >> 26) & 0x20) | ((insn >> 19) & 0x1f);
        bool set = (get_x(regs, insn & 31) >> bit) & 1;
        bool branch_if_set = insn & (1u << 24); /* TBNZ */
        if (set == branch_if_set)
            next = pc + pb_sign_extend((insn >> 5) & 0x3fff, 14) * 4;
    } else if (pb_insn_is_branch_reg(insn)) {
        u64 target = get_x(regs, (insn >> 5) & 31);
        if (((insn >> 21) & 3) == 1) /* BLR */
            regs->regs[30] = pc + 4;
        next = target;
    } else if (pb_insn_is_ldr_lit(insn)) {
        u64 addr = pc + pb_sign_extend((insn >> 5) & 0x7ffff, 19) * 4;
        u32 opc = insn >> 30;
        u64 v;
        if (opc == 1)
            v = *(const u64 *)addr;
        else if (opc == 2)
            v = (u64)(s64) * (const s32 *)addr;
        else
            v = *(const u32 *)addr;
        set_x(regs, insn & 31, v);
    } else if (pb_insn_is_adr_adrp(insn)) {
        s64 imm = pb_sign_extend(((insn >> 3) & 0x1ffffc) | ((insn >> 29) & 3), 21);
        u64 v = (insn & 0x80000000u) ? (pc & ~0xfffUL) + (u64)(imm << 12) : pc + imm;
        set_x(regs, insn & 31, v);
    } else if (insn == INSN_MOV_X9_X30) {
        regs->regs[9] = regs->regs[30];
    } else if (pb_insn_is_stp64(insn)) {
        simulate_stp64(insn, regs);
    }
    regs->pc = next;
}
