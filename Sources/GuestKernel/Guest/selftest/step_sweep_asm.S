/*
 * long st_stepped_call(long (*fn)(long, long, long), long a0, long a1, long a2)
 *
 * Calls fn(a0, a1, a2) with hardware single-step active (IRQs masked), so
 * the test's step hook runs before every instruction of the call, as the
 * harness's IRQ sweep does; stepping ends when the hook sees st_step_stop.
 */
#include "pb/sysreg.h"

    .text
    .balign 8
    .globl st_stepped_call
    .type st_stepped_call, %function
st_stepped_call:
    .cfi_startproc
    stp     x29, x30, [sp, #-32]!
    .cfi_def_cfa_offset 32
    .cfi_offset x29, -32
    .cfi_offset x30, -24
    mov     x29, sp
    str     x19, [sp, #16]
    .cfi_offset x19, -16
    mrs     x19, daif
    msr     daifset, #0xf
    mrs     x9, mdscr_el1
    orr     x9, x9, #MDSCR_SS
    orr     x9, x9, #MDSCR_KDE
    msr     mdscr_el1, x9
    mov     x16, x0
    mov     x0, x1
    mov     x1, x2
    mov     x2, x3
    adr     x9, 1f
    msr     elr_el1, x9
    mov     x9, #(PSR_MODE_EL1h | PSR_I_BIT | PSR_F_BIT)
    orr     x9, x9, #PSR_SS_BIT
    msr     spsr_el1, x9
    isb
    eret
1:  blr     x16
    .globl st_step_stop
st_step_stop:
    msr     daif, x19
    ldr     x19, [sp, #16]
    ldp     x29, x30, [sp], #32
    .cfi_def_cfa_offset 0
    .cfi_restore x29
    .cfi_restore x30
    .cfi_restore x19
    ret
    .cfi_endproc
    .size st_stepped_call, . - st_stepped_call
