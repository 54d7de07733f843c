/*
 * Self-modifying code, done as arm64's aarch64_insn_patch_text_nosync():
 * a single naturally aligned store per instruction (atomic with respect to
 * instruction fetch), then clean the D-side to the point of unification,
 * invalidate the I-side, and synchronise the context.
 */
#include "pb/patching.h"

/* Cortex-A53/A72 and Neoverse-N1 have 64-byte lines (CTR_EL0 is outside the
 * platform contract, so the line size is a constant). */
#define PB_CACHE_LINE 64UL

static void sync_icache_range(u64 start, u64 end)
{
    u64 line;

    for (line = start & ~(PB_CACHE_LINE - 1); line < end; line += PB_CACHE_LINE)
        __asm__ __volatile__("dc cvau, %0" ::"r"(line) : "memory");
    __asm__ __volatile__("dsb ish" ::: "memory");
    for (line = start & ~(PB_CACHE_LINE - 1); line < end; line += PB_CACHE_LINE)
        __asm__ __volatile__("ic ivau, %0" ::"r"(line) : "memory");
    __asm__ __volatile__("dsb ish\n\tisb" ::: "memory");
}

__noinline void pb_text_poke32(void *addr, u32 insn)
{
    *(volatile u32 *)addr = insn;
    sync_icache_range((u64)addr, (u64)addr + 4);
}

__noinline void pb_text_poke64(void *addr, u64 value)
{
    *(volatile u64 *)addr = value;
    sync_icache_range((u64)addr, (u64)addr + 8);
}

__noinline void pb_text_copy(void *dst, const void *src, size_t len)
{
    volatile u32 *d = dst;
    const u32 *s = src;

    for (size_t i = 0; i < len / 4; i++)
        d[i] = s[i];
    sync_icache_range((u64)dst, (u64)dst + len);
}
