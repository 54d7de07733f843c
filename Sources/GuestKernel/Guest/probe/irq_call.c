/*
 * A host-raised IRQ that calls a function from IRQ context. The harness raises
 * it at every instruction of an attach or a detach, to check that text
 * patching never leaves a function in a state a call cannot run through (an
 * interrupt handler calling the function being patched is the case the patch
 * order must survive), and at every instruction of a traced call, to check
 * what an interrupt may do in the middle of a hook: call the function again,
 * detach it (pb_detach_reusing_code), attach it. Kept in .pb_late.text, off
 * every measured path.
 */
#include "pb/code_alloc.h"
#include "pb/irq.h"
#include "pb/patching.h"
#include "pb/probe.h"
#include "pb/ptrace.h"

static unsigned long irq_call_fn;
static long irq_call_arg;
/* The last call's result and the calls made since pb_arm_irq_call. */
long pb_irq_call_result;
u64 pb_irq_call_count;

__attribute__((section(".pb_late.text"))) static void irq_call(struct pt_regs *regs, u32 intid)
{
    (void)regs;
    (void)intid;
    pb_irq_call_result = ((long (*)(long))irq_call_fn)(irq_call_arg);
    pb_irq_call_count++;
}

__attribute__((section(".pb_late.text"))) long pb_arm_irq_call(unsigned long fn, long arg)
{
    irq_call_fn = fn;
    irq_call_arg = arg;
    pb_irq_call_result = 0;
    pb_irq_call_count = 0;
    pb_request_irq(PB_IRQ_CALL_INTID, irq_call);
    return 0;
}

/* Chunks of each code area pb_detach_reusing_code overwrites: more than the
 * largest trampoline, veneer and slot an attach allocates together, which
 * first-fit allocation places at an area's start on a kernel with nothing
 * else attached. */
#define REUSED_CHUNKS 16

__attribute__((section(".pb_late.text"))) long pb_detach_reusing_code(unsigned long target)
{
    static const u32 udf[PB_CODE_CHUNK_BYTES / 4]; /* UDF #0 is the all-zero word */
    static const enum pb_code_area areas[] = { PB_AREA_NEAR, PB_AREA_MODULE };
    void *taken[REUSED_CHUNKS];
    long result = pb_detach(target);

    for (unsigned int area = 0; area < sizeof(areas) / sizeof(areas[0]); area++) {
        unsigned int n = 0;
        while (n < REUSED_CHUNKS && (taken[n] = pb_code_alloc(areas[area], PB_CODE_TRAMPOLINE, PB_CODE_CHUNK_BYTES)))
            pb_text_copy(taken[n++], udf, PB_CODE_CHUNK_BYTES);
        while (n)
            pb_code_free(taken[--n]);
    }
    return result;
}
