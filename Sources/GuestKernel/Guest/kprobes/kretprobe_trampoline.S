/*
 * kretprobe return trampolines: a probed function's hijacked return lands
 * on one of these.
 *
 * CFI: the real return address is only in the instance list, which DWARF
 * cannot express; the return column is undefined (a DWARF unwinder stops).
 */
#include "pb/brk.h"
#include "pb/ptrace.h"
#include "pb/sysreg.h"

#define DWARF_PC 32

    .text
    .balign 8

/* BRK variant: trap, and let the handler ERET to the real return address. */
    .globl pb_kretprobe_brk_trampoline
    .type pb_kretprobe_brk_trampoline, %function
pb_kretprobe_brk_trampoline:
    .cfi_startproc
    .cfi_return_column DWARF_PC
    .cfi_undefined DWARF_PC
    brk     #PB_BRK_IMM_KRETPROBE
    b       .
    .cfi_endproc
    .size pb_kretprobe_brk_trampoline, . - pb_kretprobe_brk_trampoline

/*
 * TRAMP variant: build a struct pt_regs by hand (x0-x29, lr, sp, a
 * synthetic PSTATE; pc is set by the handler). x29 points at the saved
 * {x29, x30} pair, which doubles as a frame record whose return address is
 * this trampoline: the unwinder recovers it from the instance list.
 */
    .globl pb_kretprobe_trampoline
    .type pb_kretprobe_trampoline, %function
pb_kretprobe_trampoline:
    .cfi_startproc
    .cfi_return_column DWARF_PC
    .cfi_undefined DWARF_PC
    sub     sp, sp, #PT_REGS_SIZE
    .cfi_def_cfa_offset PT_REGS_SIZE
    stp     x0, x1, [sp, #S_X0]
    pt_regs_save_x2_x29
    .cfi_rel_offset x29, S_FP
    add     x0, sp, #PT_REGS_SIZE
    stp     x30, x0, [sp, #S_LR]
    mrs     x0, nzcv
    mrs     x1, daif
    orr     x0, x0, x1
    add     x0, x0, #PSR_MODE_EL1h          /* bits 3:0 of NZCV|DAIF are zero */
    adr     x1, pb_kretprobe_trampoline
    stp     x1, x0, [sp, #S_PC]
    add     x29, sp, #S_FP
    mov     x0, sp
    bl      pb_kretprobe_tramp_callback     /* returns the real return address */
    mov     x30, x0
    ldp     x0, x1, [sp, #S_X0]
    pt_regs_restore_x2_x29
    .cfi_restore x29
    add     sp, sp, #PT_REGS_SIZE
    .cfi_def_cfa_offset 0
    ret
    .cfi_endproc
    .size pb_kretprobe_trampoline, . - pb_kretprobe_trampoline
