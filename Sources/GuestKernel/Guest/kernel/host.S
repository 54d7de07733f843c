/*
 * pb_host_return: `hlt #0x1` hands control back to the host (the emulator).
 * The host makes it the return address of every call into the guest, and
 * the guest unwinder accepts {fp = 0, lr = pb_host_return} as the end of a
 * walk. Under QEMU, HLT #1 is an undefined instruction (never executed: the
 * self-test image does not use it).
 */
    .text
    .balign 8
    .globl pb_host_return
    .type pb_host_return, %function
pb_host_return:
    hlt     #0x1
    b       pb_host_return
    .size pb_host_return, . - pb_host_return
