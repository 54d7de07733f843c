/* System register access, DAIF helpers and exception syndrome fields. */
#ifndef PB_SYSREG_H
#define PB_SYSREG_H

#define ESR_EC_SHIFT 26
#define ESR_EC_UNKNOWN 0x00
#define ESR_EC_SVC64 0x15
#define ESR_EC_IABT_CUR 0x21
#define ESR_EC_PC_ALIGN 0x22
#define ESR_EC_DABT_CUR 0x25
#define ESR_EC_SP_ALIGN 0x26
#define ESR_EC_SOFTSTP_LOW 0x32
#define ESR_EC_SOFTSTP_CUR 0x33
#define ESR_EC_BRK64 0x3c
#define ESR_ISS_MASK 0x1ffffffUL

#define PSR_MODE_EL1h 0x5
#define PSR_F_BIT (1UL << 6)
#define PSR_I_BIT (1UL << 7)
#define PSR_A_BIT (1UL << 8)
#define PSR_D_BIT (1UL << 9)
#define PSR_SS_BIT (1UL << 21)
#define PSR_N_BIT (1UL << 31)
#define PSR_Z_BIT (1UL << 30)
#define PSR_C_BIT (1UL << 29)
#define PSR_V_BIT (1UL << 28)

#define MDSCR_SS (1UL << 0)
#define MDSCR_KDE (1UL << 13)

/* SCTLR_EL1 as the guest sets it: MMU and D-cache off (M=0, C=0), I-cache on,
 * SP alignment checks on, alignment checks on (A=1: with the MMU off all data
 * accesses are to Device memory, where unaligned accesses fault anyway; A
 * makes QEMU agree), RES1 bits of ARMv8.0 set. */
#define SCTLR_EL1_GUEST 0x30d0181aUL

#ifndef __ASSEMBLER__
#include "pb/types.h"

#define read_sysreg(r) ({ u64 __v; __asm__ __volatile__("mrs %0, " #r : "=r"(__v)); __v; })
#define write_sysreg(v, r) __asm__ __volatile__("msr " #r ", %0" ::"r"((u64)(v)) : "memory")
#define isb() __asm__ __volatile__("isb" ::: "memory")
#define dsb(opt) __asm__ __volatile__("dsb " #opt ::: "memory")

static inline u64 local_irq_save(void)
{
    u64 flags = read_sysreg(daif);
    __asm__ __volatile__("msr daifset, #2" ::: "memory");
    return flags;
}

static inline void local_irq_restore(u64 flags)
{
    write_sysreg(flags, daif);
}

static inline void local_irq_enable(void)
{
    __asm__ __volatile__("msr daifclr, #2" ::: "memory");
}

static inline void local_irq_disable(void)
{
    __asm__ __volatile__("msr daifset, #2" ::: "memory");
}
#endif

#endif
