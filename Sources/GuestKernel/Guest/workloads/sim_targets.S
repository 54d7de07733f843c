/*
 * kprobe-sim probe targets: tiny functions with the patchable-entry layout
 * (recorded in .pb_patch_sites like the compiler's entries) whose result
 * depends on one instruction, at symbol offset PB_SIM_*_OFFSET, executing
 * exactly as the hardware would. A wrong simulation returns a wrong value
 * (-1 on the paths that must never run) rather than crashing.
 */
    .macro sim_target name
    .text
    .balign 8
.Lsite_\name:
    nop
    nop
    .pushsection .pb_patch_sites, "a"
    .balign 8
    .quad   .Lsite_\name
    .popsection
    .globl \name
    .type \name, %function
\name:
    .cfi_startproc
    nop
    nop
    .endm

    .macro sim_end name
    .cfi_endproc
    .size \name, . - \name
    .endm

    .macro poison
    movn    x0, #0
    ret
    .endm

sim_target pb_sim_b
    add     x0, x0, #1
    b       1f
    poison
1:  ret
sim_end pb_sim_b

sim_target pb_sim_bl
    stp     x29, x30, [sp, #-16]!
    .cfi_def_cfa_offset 16
    .cfi_offset x29, -16
    .cfi_offset x30, -8
    mov     x29, sp
    bl      pb_sim_helper
    ldp     x29, x30, [sp], #16
    .cfi_def_cfa_offset 0
    .cfi_restore x29
    .cfi_restore x30
    ret
sim_end pb_sim_bl

sim_target pb_sim_bcond
    cmp     x0, #5
    b.eq    1f
    mov     x0, #200
    ret
1:  mov     x0, #100
    ret
sim_end pb_sim_bcond

sim_target pb_sim_blt
    cmp     x0, #5
    b.lt    1f
    mov     x0, #300
    ret
1:  mov     x0, #400
    ret
sim_end pb_sim_blt

sim_target pb_sim_bhi
    cmp     x0, #5
    b.hi    1f
    mov     x0, #500
    ret
1:  mov     x0, #600
    ret
sim_end pb_sim_bhi

sim_target pb_sim_cbz
    cbz     x0, 1f
    mov     x0, #20
    ret
1:  mov     x0, #10
    ret
sim_end pb_sim_cbz

sim_target pb_sim_cbnz_w
    cbnz    w0, 1f
    mov     x0, #40
    ret
1:  mov     x0, #30
    ret
sim_end pb_sim_cbnz_w

sim_target pb_sim_tbz
    tbz     x0, #33, 1f
    mov     x0, #60
    ret
1:  mov     x0, #50
    ret
sim_end pb_sim_tbz

sim_target pb_sim_tbnz
    tbnz    x0, #3, 1f
    mov     x0, #80
    ret
1:  mov     x0, #70
    ret
sim_end pb_sim_tbnz

sim_target pb_sim_br
    adr     x16, 1f
    br      x16
    poison
1:  add     x0, x0, #3
    ret
sim_end pb_sim_br

sim_target pb_sim_blr
    stp     x29, x30, [sp, #-16]!
    .cfi_def_cfa_offset 16
    .cfi_offset x29, -16
    .cfi_offset x30, -8
    mov     x29, sp
    adr     x16, pb_sim_helper
    blr     x16
    ldp     x29, x30, [sp], #16
    .cfi_def_cfa_offset 0
    .cfi_restore x29
    .cfi_restore x30
    ret
sim_end pb_sim_blr

sim_target pb_sim_ret
    sub     x0, x0, #1
    ret
    poison
sim_end pb_sim_ret

/* The patch site's own `mov x9, x30` (written at boot): x9 - x30 is 0 only
 * if it ran, however it ran. */
sim_target pb_sim_entry_mov
    sub     x9, x9, x30
    add     x0, x0, x9
    ret
sim_end pb_sim_entry_mov

sim_target pb_sim_ldr_lit_x
    ldr     x1, 1f
    eor     x0, x0, x1
    ret
    .balign 8
1:  .quad   0x1122334455667788
sim_end pb_sim_ldr_lit_x

sim_target pb_sim_ldr_lit_w
    ldr     w1, 1f
    add     x0, x0, x1
    ret
    .balign 4
1:  .word   0x80000001
sim_end pb_sim_ldr_lit_w

sim_target pb_sim_ldrsw_lit
    ldrsw   x1, 1f
    add     x0, x0, x1
    ret
    .balign 4
1:  .word   0x80000001
sim_end pb_sim_ldrsw_lit

sim_target pb_sim_adr
    adr     x0, 1f
    ret
1:  poison
sim_end pb_sim_adr

sim_target pb_sim_adrp
    adrp    x0, pb_sim_data
    ret
sim_end pb_sim_adrp

sim_target pb_sim_stp
    stp     x29, x30, [sp, #-32]!
    .cfi_def_cfa_offset 32
    .cfi_offset x29, -32
    .cfi_offset x30, -24
    mov     x29, sp
    str     x0, [sp, #16]
    bl      pb_sim_helper
    ldr     x1, [sp, #16]
    add     x0, x0, x1
    ldp     x29, x30, [sp], #32
    .cfi_def_cfa_offset 0
    .cfi_restore x29
    .cfi_restore x30
    ret
sim_end pb_sim_stp

    /* x0 * 2 + 1: the callee of the BL/BLR/STP targets */
    .text
    .balign 8
    .globl pb_sim_helper
    .type pb_sim_helper, %function
pb_sim_helper:
    .cfi_startproc
    lsl     x0, x0, #1
    add     x0, x0, #1
    ret
    .cfi_endproc
    .size pb_sim_helper, . - pb_sim_helper

    .data
    .balign 4096
    .globl pb_sim_data
pb_sim_data:
    .quad   0
