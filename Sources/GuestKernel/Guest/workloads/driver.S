/*
 * long pb_driver(unsigned long fn, long n, long arg0, const struct pb_call_args *args)
 *
 * Calls fn n times through the single call instruction at
 * pb_driver_call_site (pb_driver_return_site follows it), so the harness
 * can bracket each call. Every call gets x0 = arg0, x1..x7 = args->x[1..7],
 * stack slots [sp] = args->x[8], [sp + 8] = args->x[9], and [sp + 16] = the
 * address of a fresh copy of args->big (a struct > 16 bytes passed by value
 * is passed by reference to a caller-made copy). Results are accumulated:
 * acc = acc * 31 + result.
 */
#define ARGS_X1 8
#define ARGS_X2 16
#define ARGS_X4 32
#define ARGS_X6 48
#define ARGS_X8 64
#define ARGS_BIG 80
#define OUT_COPY 32     /* the struct copy, in the outgoing area */
#define OUT_SIZE 64

    .text
    .balign 8
    .globl pb_driver
    .type pb_driver, %function
pb_driver:
    .cfi_startproc
    stp     x29, x30, [sp, #-64]!
    .cfi_def_cfa_offset 64
    .cfi_offset x29, -64
    .cfi_offset x30, -56
    mov     x29, sp
    .cfi_def_cfa x29, 64
    stp     x19, x20, [sp, #16]
    stp     x21, x22, [sp, #32]
    str     x23, [sp, #48]
    .cfi_offset x19, -48
    .cfi_offset x20, -40
    .cfi_offset x21, -32
    .cfi_offset x22, -24
    .cfi_offset x23, -16
    sub     sp, sp, #OUT_SIZE
    mov     x19, x0
    mov     x20, x1
    mov     x21, x2
    mov     x22, x3
    mov     x23, #0
1:  cbz     x20, 2f
    ldp     x0, x1, [x22, #ARGS_X8]
    stp     x0, x1, [sp]
    ldp     x0, x1, [x22, #ARGS_BIG]
    stp     x0, x1, [sp, #OUT_COPY]
    ldp     x0, x1, [x22, #ARGS_BIG + 16]
    stp     x0, x1, [sp, #OUT_COPY + 16]
    add     x0, sp, #OUT_COPY
    str     x0, [sp, #16]
    ldr     x1, [x22, #ARGS_X1]
    ldp     x2, x3, [x22, #ARGS_X2]
    ldp     x4, x5, [x22, #ARGS_X4]
    ldp     x6, x7, [x22, #ARGS_X6]
    mov     x0, x21
    .globl pb_driver_call_site
pb_driver_call_site:
    blr     x19
    .globl pb_driver_return_site
pb_driver_return_site:
    mov     x1, #31
    madd    x23, x23, x1, x0
    sub     x20, x20, #1
    b       1b
2:  mov     x0, x23
    add     sp, sp, #OUT_SIZE
    ldr     x23, [sp, #48]
    ldp     x21, x22, [sp, #32]
    ldp     x19, x20, [sp, #16]
    ldp     x29, x30, [sp], #64
    .cfi_def_cfa sp, 0
    .cfi_restore x29
    .cfi_restore x30
    .cfi_restore x19
    .cfi_restore x20
    .cfi_restore x21
    .cfi_restore x22
    .cfi_restore x23
    ret
    .cfi_endproc
    .size pb_driver, . - pb_driver
