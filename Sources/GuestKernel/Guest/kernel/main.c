/* Bring-up after boot.S: subsystems in dependency order, then the image. */
#include "pb/ftrace.h"
#include "pb/irq.h"
#include "pb/kernel.h"
#include "pb/kprobes.h"
#include "pb/kretprobe.h"
#include "pb/probe.h"

void pb_control_init(void);

int pb_kernel_main(void)
{
    pb_control_init();
    pb_gic_init();
    pb_ftrace_init();
    pb_kprobes_init();
    pb_kretprobes_init();
    pb_sample_init();
    /* Debug exceptions, SErrors and IRQs on; FIQs stay masked. */
    __asm__ __volatile__("msr daifclr, #0xe" ::: "memory");
    return pb_image_main();
}
