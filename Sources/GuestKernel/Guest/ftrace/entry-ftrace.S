/*
 * The common ftrace trampolines and return_to_handler.
 *
 * A patched site is `mov x9, x30; bl <trampoline>`, so on entry:
 *   x9  = the traced function's return address (its caller's LR)
 *   x30 = func + 8, where the traced function's body starts
 *   sp  = the caller's SP; x0-x8 are the traced function's arguments
 *
 * Each trampoline builds two frame records, one for the traced function
 * ({x29, x9}: its caller's return) and one for itself ({x29, x30}), so a
 * frame-pointer unwind from the callback sees callback -> trampoline ->
 * traced function -> caller (arm64's entry-ftrace.S design).
 *
 * CFI: DWARF column 32 (PC) is the return column, because the trampoline
 * returns to func + 8 (in x30) while the traced function's own x30 is the
 * value in x9. A DWARF unwinder therefore sees the same frames.
 */
#include "pb/ftrace.h"
#include "pb/ptrace.h"
#include "pb/sysreg.h"

#define DWARF_PC 32

    .text
    .balign 8
    .globl pb_ftrace_trampolines_start
pb_ftrace_trampolines_start:

/* Save x0-x8 and the call-site state into a struct ftrace_regs at sp. */
    .macro save_fregs
    mov     x10, sp
    sub     sp, sp, #(FREGS_SIZE + 32)
    .cfi_def_cfa_offset (FREGS_SIZE + 32)
    stp     x0, x1, [sp, #FREGS_X0]
    stp     x2, x3, [sp, #FREGS_X2]
    stp     x4, x5, [sp, #FREGS_X4]
    stp     x6, x7, [sp, #FREGS_X6]
    str     x8, [sp, #FREGS_X8]
    str     x29, [sp, #FREGS_FP]
    .cfi_rel_offset x29, FREGS_FP
    str     x9, [sp, #FREGS_LR]
    .cfi_rel_offset x30, FREGS_LR
    str     x10, [sp, #FREGS_SP]
    str     x30, [sp, #FREGS_PC]
    .cfi_rel_offset DWARF_PC, FREGS_PC
    .endm

/* The two frame records above the ftrace_regs. */
    .macro frame_records, nofp=0
    .if \nofp == 0
    stp     x29, x9, [sp, #FREGS_SIZE + 16]
    add     x29, sp, #FREGS_SIZE + 16
    .endif
    stp     x29, x30, [sp, #FREGS_SIZE]
    add     x29, sp, #FREGS_SIZE
    .endm

/* Restore the arguments and call-site state, return into the function. */
    .macro restore_fregs_and_return
    ldp     x0, x1, [sp, #FREGS_X0]
    ldp     x2, x3, [sp, #FREGS_X2]
    ldp     x4, x5, [sp, #FREGS_X4]
    ldp     x6, x7, [sp, #FREGS_X6]
    ldr     x8, [sp, #FREGS_X8]
    ldr     x29, [sp, #FREGS_FP]
    .cfi_restore x29
    ldr     x30, [sp, #FREGS_LR]
    .cfi_restore x30
    ldr     x9, [sp, #FREGS_PC]
    .cfi_register DWARF_PC, x9
    add     sp, sp, #(FREGS_SIZE + 32)
    .cfi_def_cfa_offset 0
    ret     x9
    .endm

    .macro trampoline_cfi_start
    .cfi_startproc
    .cfi_return_column DWARF_PC
    .cfi_register DWARF_PC, x30
    .cfi_register x30, x9
    .endm

/* FTRACE_WITH_ARGS */
    .globl ftrace_caller
    .type ftrace_caller, %function
ftrace_caller:
    trampoline_cfi_start
    save_fregs
    frame_records
    sub     x0, x30, #4                     /* ip: the site's BL */
    mov     x1, x9                          /* parent_ip */
    ldr     x2, =pb_ftrace_args_op
    ldr     x2, [x2]                        /* op */
    mov     x3, sp                          /* fregs */
    .globl pb_ftrace_call
pb_ftrace_call:
    bl      pb_ftrace_stub                  /* patched: the single ops func or the list func */
    restore_fregs_and_return
    .cfi_endproc
    .size ftrace_caller, . - ftrace_caller

/*
 * The deliberately broken variant (mechanism ftrace-args-nofp): identical
 * frame size, but no frame record for the traced function's caller, so
 * walks through it miss that frame. Its CFI is correct: a DWARF unwinder
 * does not miss the frame, which is what the walk verification should show.
 */
    .globl ftrace_caller_nofp
    .type ftrace_caller_nofp, %function
ftrace_caller_nofp:
    trampoline_cfi_start
    save_fregs
    frame_records nofp=1
    sub     x0, x30, #4
    mov     x1, x9
    ldr     x2, =pb_ftrace_nofp_op
    ldr     x2, [x2]
    mov     x3, sp
    .globl pb_ftrace_nofp_call
pb_ftrace_nofp_call:
    bl      pb_ftrace_stub
    restore_fregs_and_return
    .cfi_endproc
    .size ftrace_caller_nofp, . - ftrace_caller_nofp

/*
 * DYNAMIC_FTRACE_WITH_CALL_OPS: the ops pointer is the 8-byte literal at
 * func - 8. LR is func + 8 and func is 8-byte aligned, so the literal is at
 * (LR & ~7) - 16. A direct-call ops branches to its trampoline before
 * anything is saved, with x9/x30 as the site left them.
 */
    .globl ftrace_caller_ops
    .type ftrace_caller_ops, %function
ftrace_caller_ops:
    trampoline_cfi_start
    bic     x11, x30, #7
    ldr     x11, [x11, #-16]                /* op */
    ldr     x17, [x11, #OPS_DIRECT_CALL]
    cbnz    x17, .Lcaller_ops_direct
    .cfi_remember_state
    save_fregs
    frame_records
    sub     x0, x30, #4
    mov     x1, x9
    mov     x2, x11
    mov     x3, sp
    ldr     x4, [x2, #OPS_FUNC]
    blr     x4                              /* op->func(ip, parent_ip, op, fregs) */
    restore_fregs_and_return
.Lcaller_ops_direct:
    .cfi_restore_state
    br      x17
    .cfi_endproc
    .size ftrace_caller_ops, . - ftrace_caller_ops

/*
 * FTRACE_WITH_REGS: a full struct pt_regs with a synthetic PSTATE (EL1h,
 * the current DAIF and NZCV), the traced function's frame record above it
 * and our own frame record inside it (pt_regs::stackframe).
 */
    .globl ftrace_regs_caller
    .type ftrace_regs_caller, %function
ftrace_regs_caller:
    trampoline_cfi_start
    sub     sp, sp, #(PT_REGS_SIZE + 16)
    .cfi_def_cfa_offset (PT_REGS_SIZE + 16)
    stp     x0, x1, [sp, #S_X0]
    pt_regs_save_x2_x29
    .cfi_rel_offset x29, S_FP
    add     x10, sp, #(PT_REGS_SIZE + 16)
    stp     x9, x10, [sp, #S_LR]            /* lr: the traced function's return; sp: caller's */
    .cfi_rel_offset x30, S_LR
    mrs     x10, nzcv
    mrs     x11, daif
    orr     x10, x10, x11
    add     x10, x10, #PSR_MODE_EL1h        /* bits 3:0 of NZCV|DAIF are zero */
    stp     x30, x10, [sp, #S_PC]
    .cfi_rel_offset DWARF_PC, S_PC
    stp     x29, x9, [sp, #PT_REGS_SIZE]
    add     x29, sp, #PT_REGS_SIZE
    stp     x29, x30, [sp, #S_STACKFRAME]
    add     x29, sp, #S_STACKFRAME
    sub     x0, x30, #4
    mov     x1, x9
    ldr     x2, =pb_ftrace_regs_op
    ldr     x2, [x2]
    mov     x3, sp
    .globl pb_ftrace_regs_call
pb_ftrace_regs_call:
    bl      pb_ftrace_stub
    ldp     x0, x1, [sp, #S_X0]
    ldp     x2, x3, [sp, #S_X2]
    ldp     x4, x5, [sp, #S_X4]
    ldp     x6, x7, [sp, #S_X6]
    ldr     x8, [sp, #S_X8]
    ldr     x29, [sp, #S_FP]
    .cfi_restore x29
    ldr     x30, [sp, #S_LR]
    .cfi_restore x30
    ldr     x9, [sp, #S_PC]                 /* a callback may have redirected pc */
    .cfi_register DWARF_PC, x9
    add     sp, sp, #(PT_REGS_SIZE + 16)
    .cfi_def_cfa_offset 0
    ret     x9
    .cfi_endproc
    .size ftrace_regs_caller, . - ftrace_regs_caller

    .globl pb_ftrace_stub
    .type pb_ftrace_stub, %function
pb_ftrace_stub:
    .cfi_startproc
    ret
    .cfi_endproc
    .size pb_ftrace_stub, . - pb_ftrace_stub

/*
 * The function graph tracer's return hook: a hijacked return lands here.
 * It saves the return-value registers in a struct ftrace_regs and builds a
 * frame record {x29, return_to_handler} for the function being returned
 * to; the unwinder recovers that return address from the shadow return
 * stack, whose entry is popped only after the exit handlers ran (so walks
 * from exit handlers see the real caller).
 *
 * CFI: the return address lives only in the shadow stack, which DWARF
 * cannot express; the return column is undefined, so a DWARF unwinder
 * stops here.
 */
    .globl return_to_handler
    .type return_to_handler, %function
return_to_handler:
    .cfi_startproc
    .cfi_return_column DWARF_PC
    .cfi_undefined DWARF_PC
    sub     sp, sp, #(FREGS_SIZE + 16)
    .cfi_def_cfa_offset (FREGS_SIZE + 16)
    stp     x0, x1, [sp, #FREGS_X0]
    stp     x2, x3, [sp, #FREGS_X2]
    stp     x4, x5, [sp, #FREGS_X4]
    stp     x6, x7, [sp, #FREGS_X6]
    str     x29, [sp, #FREGS_FP]
    .cfi_rel_offset x29, FREGS_FP
    add     x10, sp, #(FREGS_SIZE + 16)
    stp     x30, x10, [sp, #FREGS_LR]       /* lr: the hijacked value; sp: the caller's */
    adr     x9, return_to_handler
    stp     x29, x9, [sp, #FREGS_SIZE]
    add     x29, sp, #FREGS_SIZE
    mov     x0, sp
    bl      pb_fgraph_return                /* runs the exit handlers, pops, returns the
                                               original return address */
    mov     x30, x0
    ldp     x0, x1, [sp, #FREGS_X0]
    ldp     x2, x3, [sp, #FREGS_X2]
    ldp     x4, x5, [sp, #FREGS_X4]
    ldp     x6, x7, [sp, #FREGS_X6]
    ldr     x29, [sp, #FREGS_FP]
    .cfi_restore x29
    add     sp, sp, #(FREGS_SIZE + 16)
    .cfi_def_cfa_offset 0
    ret
    .cfi_endproc
    .size return_to_handler, . - return_to_handler

    .globl pb_ftrace_trampolines_end
pb_ftrace_trampolines_end:
