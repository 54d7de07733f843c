/* Kernel-wide services: output, panic, image symbols, init hooks. */
#ifndef PB_KERNEL_H
#define PB_KERNEL_H

#include "pb/types.h"

struct pt_regs;

/* Symbols from link.ld */
extern char pb_text_start[], pb_text_end[];
extern char pb_task_stack_base[], pb_task_stack_end[], pb_task_stack_top[];
extern char pb_irq_stack_base[], pb_irq_stack_top[];
extern char pb_near_area_start[], pb_near_area_end[];
/* Writable: ftrace sorts it once at boot. */
extern u64 pb_patch_sites_start[], pb_patch_sites_end[];

/* Semihosting (hlt #0xf000) */
void pb_semihost_write0(const char *s);
void pb_semihost_writec(char c);
__noreturn void pb_semihost_exit(u64 status);

/* printf subset: %s %c %d %u %x %ld %lu %lx %%, with optional 0-padded width */
void pb_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print the reason (and registers if any) and exit with a non-zero status. */
__noreturn void pb_panic(const char *why, const struct pt_regs *regs);

/* The image's own main, called after the kernel is up. Returns the exit status. */
int pb_image_main(void);

/* `hlt #0x1`: hand control back to the host (the emulator). */
void pb_host_return(void);

static inline bool pb_in_text(u64 pc)
{
    return pc >= (u64)pb_text_start && pc < (u64)pb_text_end;
}

#endif
