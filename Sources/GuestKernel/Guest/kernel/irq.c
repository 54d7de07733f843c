/*
 * GICv2 driver (distributor 0x08000000, CPU interface 0x08010000) using
 * only the registers of the platform contract, and the IRQ handler that
 * el1h_irq calls on the IRQ stack.
 */
#include "pb/irq.h"
#include "pb/kernel.h"
#include "pb/ptrace.h"
#include "pb/sysreg.h"

#define GICD_BASE 0x08000000UL
#define GICC_BASE 0x08010000UL
#define GICD_CTLR 0x000
#define GICD_ISENABLER0 0x100
#define GICD_SGIR 0xf00
#define GICC_CTLR 0x000
#define GICC_PMR 0x004
#define GICC_IAR 0x00c
#define GICC_EOIR 0x010
#define GIC_SPURIOUS 1023
#define PB_NR_LOCAL_IRQS 32

static pb_irq_fn irq_handlers[PB_NR_LOCAL_IRQS];
u64 pb_spurious_irqs;

static inline void gic_write(u64 base, u32 off, u32 v)
{
    *(volatile u32 *)(base + off) = v;
}

static inline u32 gic_read(u64 base, u32 off)
{
    return *(volatile u32 *)(base + off);
}

void pb_gic_init(void)
{
    gic_write(GICD_BASE, GICD_CTLR, 1);
    gic_write(GICC_BASE, GICC_PMR, 0xff);
    gic_write(GICC_BASE, GICC_CTLR, 1);
}

void pb_request_irq(u32 intid, pb_irq_fn fn)
{
    if (intid >= PB_NR_LOCAL_IRQS)
        pb_panic("pb_request_irq: only SGIs/PPIs are supported", NULL);
    irq_handlers[intid] = fn;
    gic_write(GICD_BASE, GICD_ISENABLER0, 1u << intid);
}

void pb_gic_send_sgi_self(u32 intid)
{
    dsb(ish);
    gic_write(GICD_BASE, GICD_SGIR, (2u << 24) | (intid & 0xf));
}

/* Called by el1h_irq through pb_call_on_irq_stack, IRQs masked. */
void pb_irq_handler(struct pt_regs *regs)
{
    for (;;) {
        u32 iar = gic_read(GICC_BASE, GICC_IAR);
        u32 intid = iar & 0x3ff;

        if (intid == GIC_SPURIOUS)
            break;
        if (intid < PB_NR_LOCAL_IRQS && irq_handlers[intid])
            irq_handlers[intid](regs, intid);
        else
            pb_spurious_irqs++;
        gic_write(GICC_BASE, GICC_EOIR, iar);
    }
}
