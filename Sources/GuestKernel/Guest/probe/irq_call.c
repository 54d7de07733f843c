/*
 * A host-raised IRQ that calls a function from IRQ context: the harness
 * raises it at every instruction of an attach or a detach, to check that
 * text patching never leaves a function in a state a call cannot run through
 * (an interrupt handler calling the function being patched is the case the
 * patch order must survive). Kept in .pb_late.text, off every measured path.
 */
#include "pb/irq.h"
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
