/* Arm semihosting (hlt #0xf000): console output and exit, nothing else. */
#include "pb/kernel.h"

#define SYS_WRITEC 0x03
#define SYS_WRITE0 0x04
#define SYS_EXIT 0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

static long semihost_call(long op, const void *arg)
{
    register long x0 __asm__("x0") = op;
    register const void *x1 __asm__("x1") = arg;
    __asm__ __volatile__("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    return x0;
}

void pb_semihost_write0(const char *s)
{
    semihost_call(SYS_WRITE0, s);
}

void pb_semihost_writec(char c)
{
    semihost_call(SYS_WRITEC, &c);
}

void pb_semihost_exit(u64 status)
{
    static u64 block[2];

    block[0] = ADP_STOPPED_APPLICATION_EXIT;
    block[1] = status;
    for (;;)
        semihost_call(SYS_EXIT, block);
}
