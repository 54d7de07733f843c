// Linux user-mode entry for qemu-aarch64: run the mix loop ITERATIONS times, then exit(0).
    .text
    .globl _start
_start:
    adrp    x19, buffer
    add     x19, x19, :lo12:buffer
    ldr     x20, =ITERATIONS
    bl      pb_mix_loop
    mov     x0, #0
    mov     x8, #93         // exit
    svc     #0
    .bss
    .p2align 6
buffer: .space 64
