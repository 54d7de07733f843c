/*
 * Stack samples the harness compares with ground truth: the host's sampling
 * IRQ (a walk from the IRQ handler, on the IRQ stack, across the exception
 * boundary to the task stack) and the deep sample taken by the workload
 * callee pb_wl_sample_callee (workloads/helpers.c) while return hooks are armed.
 */
#include "pb/irq.h"
#include "pb/probe.h"
#include "pb/ptrace.h"
#include "pb/unwind.h"

static void sample_irq(struct pt_regs *regs, u32 intid)
{
    (void)intid;
    pb_control.irq_count++;
    pb_control.irq_pc = regs->pc;
    pb_stack_walk_pair(&pb_control.irq_walk);
}

void pb_sample_init(void)
{
    pb_request_irq(PB_HOST_SAMPLE_INTID, sample_irq);
}

