// The fixed guest loop of the EmulatorThroughput benchmark (Benchmarks/ThroughputStreams/MixLoop.swift
// holds the same words): an ALU / load / store / branch / call mix, 22 instructions per iteration.
//   in:  x19 = a 64-byte data buffer, x20 = iterations (at least 1), x30 = return address
//   out: returns to x30 after x20 iterations
    .text
    .globl pb_mix_loop
    .p2align 6
pb_mix_loop:
    mov     x21, x30
1:  ldr     x2, [x19]
    add     x3, x2, #1
    str     x3, [x19]
    ldp     x4, x5, [x19, #16]
    eor     x6, x4, x5
    add     x7, x6, x3, lsl #2
    stp     x7, x6, [x19, #16]
    mov     x0, x7
    bl      pb_mix_leaf
    ldr     w9, [x19, #40]
    add     w9, w9, w0
    str     w9, [x19, #40]
    tst     x20, #1
    b.eq    2f
    orr     x10, x10, x0
    b       3f
2:  and     x11, x0, #0xff0
    madd    x12, x11, x3, x12
3:  subs    x20, x20, #1
    b.ne    1b
    ret     x21

pb_mix_leaf:
    add     x0, x0, #3
    lsr     x1, x0, #1
    eor     x0, x0, x1
    ret
