/* The single task and the stacks it may run on. */
#include "pb/kernel.h"
#include "pb/task.h"

struct pb_task pb_current_task;

struct pb_stack_info pb_stack_of(u64 addr, u64 size)
{
    struct pb_stack_info task = { (u64)pb_task_stack_base, (u64)pb_task_stack_end, PB_STACK_TASK };
    struct pb_stack_info irq = { (u64)pb_irq_stack_base, (u64)pb_irq_stack_top, PB_STACK_IRQ };
    struct pb_stack_info none = { 0, 0, PB_STACK_NONE };

    if (addr + size < addr)
        return none;
    if (addr >= task.low && addr + size <= task.high)
        return task;
    if (addr >= irq.low && addr + size <= irq.high)
        return irq;
    return none;
}
