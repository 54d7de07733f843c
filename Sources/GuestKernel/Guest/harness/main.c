/*
 * The harness-driven image: once the kernel is up, hand control to the
 * host, which then calls the entry points of pb_abi.h directly (each call
 * returning to pb_host_return).
 */
#include "pb/kernel.h"

int pb_image_main(void)
{
    /* The boot context parks here for good: pb_host_return loops on its
     * hlt #0x1, and host calls start afresh at pb_task_stack_top. */
    pb_host_return();
    return 0;
}
