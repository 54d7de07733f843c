/*
 * Untraced helpers of the workloads (no patchable entry): a mixing
 * function, and the callee of pb_wl_sample, which takes the deep sample
 * (and, for the QEMU self-test, raises the sampling SGI itself).
 */
#include "pb/irq.h"
#include "pb/unwind.h"
#include "pb/workloads.h"

__noinline long pb_wl_mix(long a, long b)
{
    return (a ^ (b << 7)) + 0x51;
}

/* Raise the sampling SGI and wait until it has been taken (bounded). */
static __noinline void raise_sample_sgi(void)
{
    u64 before = READ_ONCE(pb_control.irq_count);

    pb_gic_send_sgi_self(PB_HOST_SAMPLE_INTID);
    for (int spin = 0; spin < 100000 && READ_ONCE(pb_control.irq_count) == before; spin++)
        __asm__ __volatile__("isb" ::: "memory");
}

__noinline long pb_wl_sample_callee(long a)
{
    pb_stack_walk_pair(&pb_control.callee_walk);
    if (READ_ONCE(pb_control.callee_raise_sgi))
        raise_sample_sgi();
    return a ^ 0x5a;
}
