/*
 * void st_walk_through(u64 fp, struct pb_walk_pair *out)
 *
 * Takes both walks with our own frame record pointing at `fp`, so that the
 * unwinder continues into a synthetic chain of records the test built.
 */
    .text
    .balign 8
    .globl st_walk_through
    .type st_walk_through, %function
st_walk_through:
    .cfi_startproc
    sub     sp, sp, #32
    .cfi_def_cfa_offset 32
    str     x29, [sp, #16]
    .cfi_offset x29, -16
    stp     x0, x30, [sp]
    .cfi_offset x30, -24
    mov     x29, sp
    mov     x0, x1
    bl      pb_stack_walk_pair
    ldr     x30, [sp, #8]
    ldr     x29, [sp, #16]
    add     sp, sp, #32
    .cfi_def_cfa_offset 0
    .cfi_restore x29
    .cfi_restore x30
    ret
    .cfi_endproc
    .size st_walk_through, . - st_walk_through
