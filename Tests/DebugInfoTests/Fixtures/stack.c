/*
 * Fixture for the unwinder tests: a static, freestanding AArch64 Linux program (no libc, raw
 * svc #0 system calls) run under qemu-aarch64. _start calls c_main, which calls
 * level1 -> level2 -> level3 -> level4 -> snapshot_leaf. snapshot_leaf is an assembly leaf that
 * records the machine state in the middle of its prologue (frame record pushed, x29 not yet
 * moved) and writes to stdout:
 *
 *   u64 magic "STAPSNAP", u64 33, u64 region base, u64 region length,
 *   u64 x0..x30, sp, pc   (the state at .Lsnapshot_point)
 *   region bytes          (the stack from below sp up to above the initial sp)
 */
typedef unsigned long u64;

u64 stack_top;

static long sys_write(int fd, const void *buffer, u64 length) {
    register long x0 __asm__("x0") = fd;
    register long x1 __asm__("x1") = (long)buffer;
    register long x2 __asm__("x2") = (long)length;
    register long x8 __asm__("x8") = 64; /* __NR_write */
    __asm__ volatile("svc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x8) : "memory");
    return x0;
}

static void write_all(const void *buffer, u64 length) {
    const char *cursor = buffer;
    while (length > 0) {
        long written = sys_write(1, cursor, length);
        if (written <= 0) return;
        cursor += written;
        length -= (u64)written;
    }
}

/* Called by snapshot_leaf with the 33 registers it saved. */
void dump_snapshot(const u64 *record) {
    u64 base = record[31] & ~0xfffull; /* from the page holding sp */
    u64 header[4] = { 0x50414e5350415453ull, 33, base, stack_top + 64 - base };
    write_all(header, sizeof header);
    write_all(record, 33 * 8);
    write_all((const void *)base, header[3]);
}

extern long snapshot_leaf(long value);

__attribute__((noinline)) long level4(long v) { return snapshot_leaf(v * 3) + 1; }
__attribute__((noinline)) long level3(long v) { return level4(v + 5) * 2; }
__attribute__((noinline)) long level2(long v) { return level3(v ^ 9) - 7; }
__attribute__((noinline)) long level1(long v) { return level2(v + 1) + 3; }

__attribute__((noinline)) void c_main(u64 initial_sp) {
    stack_top = initial_sp;
    long result = level1(4);
    __asm__ volatile("" ::"r"(result));
}

__asm__(
    "   .text\n"
    "   .globl _start\n"
    "   .type _start, %function\n"
    "_start:\n"
    "   .cfi_startproc\n"
    "   .cfi_undefined x30\n" /* the outermost frame: no return address */
    "   mov x29, #0\n"
    "   mov x30, #0\n"
    "   mov x0, sp\n"
    "   bl c_main\n"
    "   mov x0, #0\n"
    "   mov x8, #93\n" /* __NR_exit */
    "   svc #0\n"
    "   .cfi_endproc\n"
    "   .size _start, .-_start\n"
    "\n"
    "   .globl snapshot_leaf\n"
    "   .type snapshot_leaf, %function\n"
    "snapshot_leaf:\n"
    "   .cfi_startproc\n"
    "   stp x29, x30, [sp, #-16]!\n"
    "   .cfi_def_cfa_offset 16\n"
    "   .cfi_offset x30, -8\n"
    "   .cfi_offset x29, -16\n"
    ".Lsnapshot_point:\n" /* the recorded state: mid-prologue */
    "   sub sp, sp, #288\n"
    "   .cfi_def_cfa_offset 304\n"
    "   stp x0, x1, [sp, #0]\n"
    "   stp x2, x3, [sp, #16]\n"
    "   stp x4, x5, [sp, #32]\n"
    "   stp x6, x7, [sp, #48]\n"
    "   stp x8, x9, [sp, #64]\n"
    "   stp x10, x11, [sp, #80]\n"
    "   stp x12, x13, [sp, #96]\n"
    "   stp x14, x15, [sp, #112]\n"
    "   stp x16, x17, [sp, #128]\n"
    "   stp x18, x19, [sp, #144]\n"
    "   stp x20, x21, [sp, #160]\n"
    "   stp x22, x23, [sp, #176]\n"
    "   stp x24, x25, [sp, #192]\n"
    "   stp x26, x27, [sp, #208]\n"
    "   stp x28, x29, [sp, #224]\n"
    "   str x30, [sp, #240]\n"
    "   add x9, sp, #288\n"          /* sp at the snapshot point */
    "   adr x10, .Lsnapshot_point\n" /* pc at the snapshot point */
    "   stp x9, x10, [sp, #248]\n"
    "   mov x0, sp\n"
    "   bl dump_snapshot\n"
    "   ldr x0, [sp, #0]\n"
    "   add sp, sp, #288\n"
    "   .cfi_def_cfa_offset 16\n"
    "   ldp x29, x30, [sp], #16\n"
    "   .cfi_def_cfa_offset 0\n"
    "   .cfi_restore x29\n"
    "   .cfi_restore x30\n"
    "   ret\n"
    "   .cfi_endproc\n"
    "   .size snapshot_leaf, .-snapshot_leaf\n");
