/* GICv2 (QEMU virt addresses) and IRQ dispatch. */
#ifndef PB_IRQ_H
#define PB_IRQ_H

#include "pb/types.h"

struct pt_regs;

typedef void (*pb_irq_fn)(struct pt_regs *regs, u32 intid);

void pb_gic_init(void);
/* Handle `intid` with fn (SGIs and PPIs 0..31 only). */
void pb_request_irq(u32 intid, pb_irq_fn fn);
/* GICD_SGIR with TargetListFilter = 0b10: the SGI goes to this CPU. */
void pb_gic_send_sgi_self(u32 intid);
/* Interrupts taken that had no handler registered. */
extern u64 pb_spurious_irqs;

#endif
