/* A64 instruction encoders and decoders (the subset patching and kprobes need). */
#include "pb/insn.h"

u32 pb_insn_gen_brk(u16 imm)
{
    return 0xd4200000u | ((u32)imm << 5);
}

u32 pb_insn_gen_branch(u64 pc, u64 target, bool link)
{
    u32 imm26 = (u32)(((s64)(target - pc) >> 2) & 0x3ffffff);
    return (link ? 0x94000000u : 0x14000000u) | imm26;
}

u32 pb_insn_gen_adrp(u64 pc, u64 target, unsigned int rd)
{
    s64 pages = (s64)((target & ~0xfffUL) - (pc & ~0xfffUL)) >> 12;
    u32 immlo = (u32)pages & 3;
    u32 immhi = ((u32)pages >> 2) & 0x7ffff;
    return 0x90000000u | (immlo << 29) | (immhi << 5) | (rd & 31);
}

u32 pb_insn_gen_add_imm(unsigned int rd, unsigned int rn, u32 imm12)
{
    return 0x91000000u | ((imm12 & 0xfff) << 10) | ((rn & 31) << 5) | (rd & 31);
}

bool pb_insn_is_branch_imm(u32 insn)
{
    return (insn & 0x7c000000u) == 0x14000000u;
}

bool pb_insn_is_bcond(u32 insn)
{
    return (insn & 0xff000010u) == 0x54000000u;
}

bool pb_insn_is_cb(u32 insn)
{
    return (insn & 0x7e000000u) == 0x34000000u;
}

bool pb_insn_is_tb(u32 insn)
{
    return (insn & 0x7e000000u) == 0x36000000u;
}

bool pb_insn_is_branch_reg(u32 insn)
{
    u32 masked = insn & 0xfffffc1fu;
    return masked == 0xd61f0000u /* br */ || masked == 0xd63f0000u /* blr */ ||
           masked == 0xd65f0000u /* ret */;
}

bool pb_insn_is_ldr_lit(u32 insn)
{
    /* opc 00 (LDR W), 01 (LDR X), 10 (LDRSW); V = 0 */
    return (insn & 0x3f000000u) == 0x18000000u && (insn >> 30) != 3;
}

bool pb_insn_is_adr_adrp(u32 insn)
{
    return (insn & 0x1f000000u) == 0x10000000u;
}

bool pb_insn_is_stp64(u32 insn)
{
    /* opc 10, V 0, L 0; index modes 001 post, 010 offset, 011 pre */
    u32 top = insn & 0xffc00000u;
    return top == 0xa8800000u || top == 0xa9000000u || top == 0xa9800000u;
}

bool pb_insn_uses_pc_or_is_special(u32 insn)
{
    if (pb_insn_is_branch_imm(insn) || pb_insn_is_bcond(insn) || pb_insn_is_cb(insn) ||
        pb_insn_is_tb(insn) || (insn & 0xfe000000u) == 0xd6000000u /* branch (register), eret */)
        return true;
    if ((insn & 0x3b000000u) == 0x18000000u) /* any load literal, incl. PRFM and SIMD */
        return true;
    if (pb_insn_is_adr_adrp(insn))
        return true;
    if ((insn & 0xff000000u) == 0xd4000000u) /* exception generation: SVC, HVC, BRK, HLT */
        return true;
    if ((insn & 0xffc00000u) == 0xd5000000u && (insn & 0xfffff01fu) != 0xd503201fu)
        return true; /* system instructions other than hints (MSR/MRS/SYS/barriers) */
    if ((insn & 0x3f000000u) == 0x08000000u) /* load/store exclusive: monitor lost on the trap */
        return true;
    return false;
}
