/*
 * The exception vector table and the EL1 entry/exit paths.
 *
 * Entry saves a full struct pt_regs (336 bytes, arm64's layout) and a
 * metadata frame record {0, 0, FRAME_META_TYPE_PT_REGS} inside it, and
 * points x29 at that record: the unwinder recognises the exception
 * boundary there and continues from pt_regs::pc and pt_regs::x29, as
 * arm64's entry.S and stacktrace.c do.
 *
 * Exit restores every GPR and also SP from pt_regs::sp, so that a handler
 * may move the interrupted SP (kprobe-sim emulating a pre-indexed STP).
 *
 * No CFI: like arm64's entry code this is not a function; a DWARF unwinder
 * stops at the vectors, the guest unwinder crosses via the frame record.
 */
#include "pb/brk.h"
#include "pb/ptrace.h"
#include "pb/sysreg.h"

/*
 * \gap_check: for EL1 synchronous exceptions, a BRK with the kprobe-sim
 * immediate gets its frame PB_SIM_STACK_GAP lower, so the simulated
 * `stp x29, x30, [sp, #-N]!` writes into free stack, not into this frame.
 * x1 carries the distance from the frame to the interrupted SP.
 */
    .macro kernel_entry, gap_check
    sub     sp, sp, #PT_REGS_SIZE
    stp     x0, x1, [sp, #S_X0]
    .if \gap_check
    mrs     x0, esr_el1
    lsr     w1, w0, #ESR_EC_SHIFT
    cmp     w1, #ESR_EC_BRK64
    b.ne    .Lno_gap\@
    and     w0, w0, #0xffff
    cmp     w0, #PB_BRK_IMM_KPROBE_SIM
    b.ne    .Lno_gap\@
    ldp     x0, x1, [sp, #S_X0]
    sub     sp, sp, #PB_SIM_STACK_GAP
    stp     x0, x1, [sp, #S_X0]
    mov     x1, #(PT_REGS_SIZE + PB_SIM_STACK_GAP)
    b       .Lsave\@
.Lno_gap\@:
    .endif
    mov     x1, #PT_REGS_SIZE
.Lsave\@:
    pt_regs_save_x2_x29
    add     x21, sp, x1                     /* the interrupted SP */
    mrs     x22, elr_el1
    mrs     x23, spsr_el1
    stp     x30, x21, [sp, #S_LR]
    stp     x22, x23, [sp, #S_PC]
    stp     xzr, xzr, [sp, #S_STACKFRAME]
    mov     x0, #FRAME_META_TYPE_PT_REGS
    str     x0, [sp, #S_STACKFRAME_TYPE]
    add     x29, sp, #S_STACKFRAME
    .endm

    .macro kernel_exit
    ldp     x21, x22, [sp, #S_PC]
    msr     elr_el1, x21
    msr     spsr_el1, x22
    pt_regs_restore_x2_x29
    ldr     x30, [sp, #S_LR]
    /* Switch to pt_regs::sp, then load x0/x1 through the old frame base.
     * The frame stays intact below the new SP: IRQs are masked here. */
    ldr     x0, [sp, #S_SP]
    mov     x1, sp
    mov     sp, x0
    ldp     x0, x1, [x1, #S_X0]
    eret
    .endm

    .macro ventry, label
    .balign 128
    b       \label
    .endm

    .section .text.vectors, "ax"
    .balign 2048
    .globl pb_vectors
pb_vectors:
    ventry  el1t_sync_invalid       /* current EL with SP_EL0 */
    ventry  el1t_irq_invalid
    ventry  el1t_fiq_invalid
    ventry  el1t_error_invalid
    ventry  el1h_sync               /* current EL with SP_ELx */
    ventry  el1h_irq
    ventry  el1h_fiq_invalid
    ventry  el1h_error_invalid
    ventry  el0_sync_invalid        /* lower EL, AArch64 */
    ventry  el0_irq_invalid
    ventry  el0_fiq_invalid
    ventry  el0_error_invalid
    ventry  el0_32_sync_invalid     /* lower EL, AArch32 */
    ventry  el0_32_irq_invalid
    ventry  el0_32_fiq_invalid
    ventry  el0_32_error_invalid
    .balign 128

    .text
    .macro invalid_entry, name, index
    .globl \name
    .type \name, %function
\name:
    kernel_entry 0
    mov     x0, sp
    mov     x1, #\index
    bl      pb_bad_vector
    b       .
    .size \name, . - \name
    .endm

    invalid_entry el1t_sync_invalid, 0
    invalid_entry el1t_irq_invalid, 1
    invalid_entry el1t_fiq_invalid, 2
    invalid_entry el1t_error_invalid, 3
    invalid_entry el1h_fiq_invalid, 6
    invalid_entry el1h_error_invalid, 7
    invalid_entry el0_sync_invalid, 8
    invalid_entry el0_irq_invalid, 9
    invalid_entry el0_fiq_invalid, 10
    invalid_entry el0_error_invalid, 11
    invalid_entry el0_32_sync_invalid, 12
    invalid_entry el0_32_irq_invalid, 13
    invalid_entry el0_32_fiq_invalid, 14
    invalid_entry el0_32_error_invalid, 15

    .globl el1h_sync
    .type el1h_sync, %function
el1h_sync:
    kernel_entry 1
    mov     x0, sp
    bl      pb_el1_sync_handler
    kernel_exit
    .size el1h_sync, . - el1h_sync

    /* IRQs run on the IRQ stack; pb_call_on_irq_stack links the stacks
     * with a frame record, as arm64's call_on_irq_stack. */
    .globl el1h_irq
    .type el1h_irq, %function
el1h_irq:
    kernel_entry 0
    mov     x0, sp
    ldr     x1, =pb_irq_handler
    bl      pb_call_on_irq_stack
    kernel_exit
    .size el1h_irq, . - el1h_irq
