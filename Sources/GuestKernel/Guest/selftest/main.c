static long semihost(long op, void *arg)
{
    register long x0 asm("x0") = op;
    register void *x1 asm("x1") = arg;
    asm volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    return x0;
}

void kernel_main(void)
{
    semihost(0x04, "hello from the guest\n");
    unsigned long block[2] = { 0x20026, 0 };
    semihost(0x18, block);
}
