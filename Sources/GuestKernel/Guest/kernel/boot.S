/*
 * Entry from the loader (QEMU -kernel or the emulator's ELF loader) at EL1h
 * with the MMU off. Puts the CPU in a known state, clears .bss, builds the
 * task stack's final frame record (as arm64's init_cpu_task) and calls
 * pb_kernel_main, whose return value becomes the exit status.
 */
#include "pb/ptrace.h"
#include "pb/sysreg.h"

    .section .text.boot, "ax"
    .globl _start
    .type _start, %function
_start:
    msr     daifset, #0xf
    ldr     x0, =SCTLR_EL1_GUEST
    msr     sctlr_el1, x0
    msr     mdscr_el1, xzr
    /* The OS Lock resets locked and, while locked, disables software step and every debug
     * exception but BRK (Arm ARM: AArch64.GenerateDebugExceptionsFrom). Unlock it as Linux's
     * clear_os_lock does; QEMU 7.2 steps regardless, real cores and our emulator do not. */
    msr     oslar_el1, xzr
    ldr     x0, =pb_vectors
    msr     vbar_el1, x0
    msr     spsel, #1
    isb

    /* .bss is 16-byte aligned at both ends (link.ld) */
    ldr     x0, =pb_bss_start
    ldr     x1, =pb_bss_end
1:  cmp     x0, x1
    b.hs    2f
    stp     xzr, xzr, [x0], #16
    b       1b
2:
    /* The final pt_regs sits at the top of the task stack; its metadata
     * frame record (type FINAL) ends every walk of this task. */
    ldr     x0, =pb_task_stack_top
    mov     sp, x0
    stp     xzr, xzr, [sp, #S_STACKFRAME]
    mov     x0, #FRAME_META_TYPE_FINAL
    str     x0, [sp, #S_STACKFRAME_TYPE]
    add     x29, sp, #S_STACKFRAME
    bl      pb_kernel_main
    bl      pb_semihost_exit
    b       .
    .size _start, . - _start
