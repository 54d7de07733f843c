/*
 * Templates for dynamically allocated trampolines (copied by ftrace/direct.c
 * into the near or module area, literals filled in). Position independent:
 * they reach their handlers through PC-relative literals.
 *
 * Entered like ftrace_caller (x9 = the traced function's return address,
 * x30 = func + 8), directly from the site's BL, through a PLT veneer, or
 * from ftrace_caller_ops's `br x17`.
 *
 * No CFI: the copies live outside the ELF's sections (as BPF and ftrace
 * trampolines do in the kernel); a DWARF unwinder cannot unwind them. They
 * do build frame records, so the guest unwinder can.
 */
#include "pb/ptrace.h"

    .text
    .balign 8

/*
 * Direct trampoline: save an ftrace_regs and two frame records, call
 * handler(ip, parent_ip, data, fregs), restore, return into the function.
 */
    .globl pb_direct_tramp_template
pb_direct_tramp_template:
    mov     x10, sp
    sub     sp, sp, #(FREGS_SIZE + 32)
    stp     x0, x1, [sp, #FREGS_X0]
    stp     x2, x3, [sp, #FREGS_X2]
    stp     x4, x5, [sp, #FREGS_X4]
    stp     x6, x7, [sp, #FREGS_X6]
    str     x8, [sp, #FREGS_X8]
    str     x29, [sp, #FREGS_FP]
    str     x9, [sp, #FREGS_LR]
    str     x10, [sp, #FREGS_SP]
    str     x30, [sp, #FREGS_PC]
    stp     x29, x9, [sp, #FREGS_SIZE + 16]
    add     x29, sp, #FREGS_SIZE + 16
    stp     x29, x30, [sp, #FREGS_SIZE]
    add     x29, sp, #FREGS_SIZE
    sub     x0, x30, #4
    mov     x1, x9
    ldr     x2, .Ldirect_data
    mov     x3, sp
    ldr     x16, .Ldirect_handler
    blr     x16
    ldp     x0, x1, [sp, #FREGS_X0]
    ldp     x2, x3, [sp, #FREGS_X2]
    ldp     x4, x5, [sp, #FREGS_X4]
    ldp     x6, x7, [sp, #FREGS_X6]
    ldr     x8, [sp, #FREGS_X8]
    ldr     x29, [sp, #FREGS_FP]
    ldr     x30, [sp, #FREGS_LR]
    ldr     x9, [sp, #FREGS_PC]
    add     sp, sp, #(FREGS_SIZE + 32)
    ret     x9
    .balign 8
    .globl pb_direct_tramp_lit_handler
pb_direct_tramp_lit_handler:
.Ldirect_handler:
    .quad   0
    .globl pb_direct_tramp_lit_data
pb_direct_tramp_lit_data:
.Ldirect_data:
    .quad   0
    .globl pb_direct_tramp_template_end
pb_direct_tramp_template_end:

/*
 * fentry/fexit trampoline (BPF_TRAMP_F_CALL_ORIG style): call the entry
 * handler, copy `nslots` stack argument slots, call the traced function's
 * body (func + 8), call the exit handler with the return value in
 * fregs->x0, and return to the traced function's caller.
 *
 * Frame, from sp: [0, 64) outgoing stack arguments; [64, 176) ftrace_regs;
 * [176, 192) own frame record {x29, func + 8}; [192, 208) the traced
 * function's caller record {x29, x9}.
 */
#define FENTRY_ARGS 64
#define FENTRY_FREGS 64
#define FENTRY_OWN (FENTRY_FREGS + FREGS_SIZE)
#define FENTRY_CALLER (FENTRY_OWN + 16)
#define FENTRY_FRAME (FENTRY_CALLER + 16)

    .balign 8
    .globl pb_fentry_tramp_template
pb_fentry_tramp_template:
    mov     x10, sp
    sub     sp, sp, #FENTRY_FRAME
    stp     x0, x1, [sp, #FENTRY_FREGS + FREGS_X0]
    stp     x2, x3, [sp, #FENTRY_FREGS + FREGS_X2]
    stp     x4, x5, [sp, #FENTRY_FREGS + FREGS_X4]
    stp     x6, x7, [sp, #FENTRY_FREGS + FREGS_X6]
    str     x8, [sp, #FENTRY_FREGS + FREGS_X8]
    str     x29, [sp, #FENTRY_FREGS + FREGS_FP]
    str     x9, [sp, #FENTRY_FREGS + FREGS_LR]
    str     x10, [sp, #FENTRY_FREGS + FREGS_SP]
    str     x30, [sp, #FENTRY_FREGS + FREGS_PC]
    stp     x29, x9, [sp, #FENTRY_CALLER]
    add     x29, sp, #FENTRY_CALLER
    stp     x29, x30, [sp, #FENTRY_OWN]
    add     x29, sp, #FENTRY_OWN
    /* entry handler */
    sub     x0, x30, #4
    mov     x1, x9
    ldr     x2, .Lfentry_data
    add     x3, sp, #FENTRY_FREGS
    ldr     x16, .Lfentry_entry
    blr     x16
    /* stack arguments for the call of the original */
    ldr     x12, .Lfentry_nslots
    ldr     x10, [sp, #FENTRY_FREGS + FREGS_SP]
    mov     x13, #0
1:  cmp     x13, x12
    b.hs    2f
    ldr     x14, [x10, x13, lsl #3]
    str     x14, [sp, x13, lsl #3]
    add     x13, x13, #1
    b       1b
2:  ldp     x0, x1, [sp, #FENTRY_FREGS + FREGS_X0]
    ldp     x2, x3, [sp, #FENTRY_FREGS + FREGS_X2]
    ldp     x4, x5, [sp, #FENTRY_FREGS + FREGS_X4]
    ldp     x6, x7, [sp, #FENTRY_FREGS + FREGS_X6]
    ldr     x8, [sp, #FENTRY_FREGS + FREGS_X8]
    ldr     x16, [sp, #FENTRY_FREGS + FREGS_PC]
    blr     x16                             /* the traced function's body */
    stp     x0, x1, [sp, #FENTRY_FREGS + FREGS_X0]
    /* exit handler */
    ldr     x0, [sp, #FENTRY_FREGS + FREGS_PC]
    sub     x0, x0, #4
    ldr     x1, [sp, #FENTRY_FREGS + FREGS_LR]
    ldr     x2, .Lfentry_data
    add     x3, sp, #FENTRY_FREGS
    ldr     x16, .Lfentry_exit
    blr     x16
    ldp     x0, x1, [sp, #FENTRY_FREGS + FREGS_X0]
    ldr     x29, [sp, #FENTRY_FREGS + FREGS_FP]
    ldr     x30, [sp, #FENTRY_FREGS + FREGS_LR]
    add     sp, sp, #FENTRY_FRAME
    ret
    .balign 8
    .globl pb_fentry_tramp_lit_entry
pb_fentry_tramp_lit_entry:
.Lfentry_entry:
    .quad   0
    .globl pb_fentry_tramp_lit_exit
pb_fentry_tramp_lit_exit:
.Lfentry_exit:
    .quad   0
    .globl pb_fentry_tramp_lit_data
pb_fentry_tramp_lit_data:
.Lfentry_data:
    .quad   0
    .globl pb_fentry_tramp_lit_nslots
pb_fentry_tramp_lit_nslots:
.Lfentry_nslots:
    .quad   0
    .globl pb_fentry_tramp_template_end
pb_fentry_tramp_template_end:
