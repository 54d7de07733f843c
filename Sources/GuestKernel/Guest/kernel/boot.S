    .section .text.boot, "ax"
    .globl _start
_start:
    ldr     x0, =__stack_top
    mov     sp, x0
    bl      kernel_main
    b       .
