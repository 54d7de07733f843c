/*
 * Text patching by guest code. These are the only routines that store to
 * executable memory (kernel text, trampolines, XOL slots); each store is
 * followed by DC CVAU, DSB ISH, IC IVAU, DSB ISH, ISB.
 */
#ifndef PB_PATCHING_H
#define PB_PATCHING_H

#include "pb/types.h"

/* Write one instruction (4-byte aligned). */
void pb_text_poke32(void *addr, u32 insn);
/* Write one 8-byte literal (8-byte aligned), e.g. a CALL_OPS ops pointer. */
void pb_text_poke64(void *addr, u64 value);
/* Copy len bytes (multiple of 4, 4-byte aligned) of code or literals. */
void pb_text_copy(void *dst, const void *src, size_t len);

static inline u32 pb_text_read32(const void *addr)
{
    return *(const volatile u32 *)addr;
}

/* Read one 8-byte literal (8-byte aligned), e.g. a CALL_OPS ops pointer. */
static inline u64 pb_text_read64(const void *addr)
{
    return *(const volatile u64 *)addr;
}

#endif
