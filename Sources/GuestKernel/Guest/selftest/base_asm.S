/*
 * Assembly probes of the exception machinery for the self-test: an
 * undefined instruction and an alignment fault resolved through the
 * exception table, ERET into a chosen PSTATE, SPSel, hardware single-step
 * and a self-modifying function.
 */
#include "pb/sysreg.h"

    .macro ex_entry insn, fixup
    .pushsection __pb_ex_table, "a"
    .balign 8
    .quad   \insn, \fixup
    .popsection
    .endm

    .text
    .balign 8

/* long st_undef(void): executes UDF #0; the fixup returns 0x0dd. */
    .globl st_undef
    .type st_undef, %function
st_undef:
    .cfi_startproc
    mov     x0, #1
1:  udf     #0
    ret                                 /* not reached: the fixup skips it */
2:  mov     x0, #0x0dd
    ret
    ex_entry 1b, 2b
    .cfi_endproc
    .size st_undef, . - st_undef

/* long st_unaligned_load(u64 addr): Device memory faults on an unaligned
 * load; the fixup returns -1 instead of the loaded value. */
    .globl st_unaligned_load
    .type st_unaligned_load, %function
st_unaligned_load:
    .cfi_startproc
1:  ldr     x0, [x0]
    ret
2:  movn    x0, #0
    ret
    ex_entry 1b, 2b
    .cfi_endproc
    .size st_unaligned_load, . - st_unaligned_load

/* u64 st_eret_to(u64 spsr): ERET to the next label with SPSR = spsr;
 * returns the DAIF|NZCV observed there, then restores DAIF. */
    .globl st_eret_to
    .type st_eret_to, %function
st_eret_to:
    .cfi_startproc
    mrs     x2, daif
    msr     daifset, #0xf                   /* ELR/SPSR must not be clobbered by an IRQ */
    adr     x1, 1f
    msr     elr_el1, x1
    msr     spsr_el1, x0
    eret
1:  mrs     x0, daif
    mrs     x1, nzcv
    orr     x0, x0, x1
    msr     daif, x2
    ret
    .cfi_endproc
    .size st_eret_to, . - st_eret_to

/* void st_spsel(u64 value, u64 out[3]): out[0] = SP read with SPSel = 0
 * after SP_EL0 = value; out[1] = SP_EL1 before, out[2] = SP_EL1 after. */
    .globl st_spsel
    .type st_spsel, %function
st_spsel:
    .cfi_startproc
    mrs     x4, daif
    msr     daifset, #0xf                   /* no exception may see SP_EL0 selected */
    mov     x2, sp
    str     x2, [x1, #8]
    mrs     x3, sp_el0
    msr     sp_el0, x0
    msr     spsel, #0
    mov     x2, sp
    msr     spsel, #1
    str     x2, [x1]
    mov     x2, sp
    str     x2, [x1, #16]
    msr     sp_el0, x3
    msr     daif, x4
    ret
    .cfi_endproc
    .size st_spsel, . - st_spsel

/*
 * long st_single_step(void): ERET into st_step_target with PSTATE.SS set
 * and MDSCR_EL1.SS/KDE on, so exactly one instruction (add x0, x0, #1)
 * executes before the software-step exception. The test's step hook
 * checks the exception pc (st_step_expected_pc), disables stepping and
 * resumes; the function returns x0 (= 41 + 1 + 100).
 */
    .globl st_single_step
    .type st_single_step, %function
st_single_step:
    .cfi_startproc
    mrs     x3, daif
    msr     daifset, #0xf
    mrs     x1, mdscr_el1
    orr     x1, x1, #MDSCR_SS
    orr     x1, x1, #MDSCR_KDE
    msr     mdscr_el1, x1
    adr     x1, st_step_target
    msr     elr_el1, x1
    mov     x1, #(PSR_MODE_EL1h | PSR_I_BIT | PSR_F_BIT)
    orr     x1, x1, #PSR_SS_BIT
    msr     spsr_el1, x1
    mov     x0, #41
    isb
    eret
    .globl st_step_target
st_step_target:
    add     x0, x0, #1
    .globl st_step_expected_pc
st_step_expected_pc:
    add     x0, x0, #100
    msr     daif, x3
    ret
    .cfi_endproc
    .size st_single_step, . - st_single_step

/* long st_smc_target(void): its first instruction is rewritten by the test. */
    .globl st_smc_target
    .type st_smc_target, %function
    .balign 8
st_smc_target:
    .cfi_startproc
    mov     x0, #1
    ret
    .cfi_endproc
    .size st_smc_target, . - st_smc_target
