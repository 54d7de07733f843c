/*
 * void pb_call_on_irq_stack(struct pt_regs *regs, void (*fn)(struct pt_regs *))
 *
 * Calls fn(regs) on the IRQ stack. The frame record pushed on the task
 * stack links the IRQ stack's frames back to the interrupted context, so
 * an unwind from the IRQ handler crosses stacks (arm64's call_on_irq_stack).
 */
    .text
    .globl pb_call_on_irq_stack
    .type pb_call_on_irq_stack, %function
    .balign 8
pb_call_on_irq_stack:
    .cfi_startproc
    stp     x29, x30, [sp, #-16]!
    .cfi_def_cfa_offset 16
    .cfi_offset x29, -16
    .cfi_offset x30, -8
    mov     x29, sp
    .cfi_def_cfa x29, 16
    ldr     x16, =pb_irq_stack_top
    mov     sp, x16
    blr     x1
    mov     sp, x29
    .cfi_def_cfa sp, 16
    ldp     x29, x30, [sp], #16
    .cfi_def_cfa_offset 0
    .cfi_restore x29
    .cfi_restore x30
    ret
    .cfi_endproc
    .size pb_call_on_irq_stack, . - pb_call_on_irq_stack
