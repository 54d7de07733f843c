/* A64 instruction encoders and decoders for patching and kprobes. */
#ifndef PB_INSN_H
#define PB_INSN_H

#include "pb/types.h"

#define AARCH64_INSN_SIZE 4
#define INSN_NOP 0xd503201fu
#define INSN_MOV_X9_X30 0xaa1e03e9u /* orr x9, xzr, x30 */
#define INSN_RET 0xd65f03c0u
#define INSN_BR_X16 0xd61f0200u
#define SZ_128M (128UL << 20)

static inline bool pb_in_branch_range(u64 pc, u64 target)
{
    s64 off = (s64)(target - pc);
    return off >= -(s64)SZ_128M && off < (s64)SZ_128M && (off & 3) == 0;
}

u32 pb_insn_gen_brk(u16 imm);
/* B/BL from pc to target; the caller checks pb_in_branch_range first. */
u32 pb_insn_gen_branch(u64 pc, u64 target, bool link);
/* ADRP xd, target (4 KiB page of target, +-4 GiB from pc) */
u32 pb_insn_gen_adrp(u64 pc, u64 target, unsigned int rd);
/* ADD xd, xn, #imm12 */
u32 pb_insn_gen_add_imm(unsigned int rd, unsigned int rn, u32 imm12);

/* Classification for kprobes (arm64's insn decoding, reduced). */
bool pb_insn_is_branch_imm(u32 insn);    /* B, BL */
bool pb_insn_is_bcond(u32 insn);         /* B.cond */
bool pb_insn_is_cb(u32 insn);            /* CBZ, CBNZ */
bool pb_insn_is_tb(u32 insn);            /* TBZ, TBNZ */
bool pb_insn_is_branch_reg(u32 insn);    /* BR, BLR, RET */
bool pb_insn_is_ldr_lit(u32 insn);       /* LDR (W, X) literal, LDRSW literal */
bool pb_insn_is_adr_adrp(u32 insn);
bool pb_insn_is_stp64(u32 insn);         /* STP Xt, Xt2 (signed offset, pre- or post-index) */
/* Reads the PC, changes control flow, or must not run out of line. */
bool pb_insn_uses_pc_or_is_special(u32 insn);

/* Field helpers */
static inline s64 pb_sign_extend(u64 v, unsigned int bits)
{
    unsigned int shift = 64 - bits;
    return (s64)(v << shift) >> shift;
}

#endif
