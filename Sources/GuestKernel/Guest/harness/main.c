/*
 * The harness-driven image: once the kernel is up, hand control to the
 * host, which then calls the entry points of pb_abi.h directly (each call
 * returning to pb_host_return).
 */
#include "pb/kernel.h"

int pb_image_main(void)
{
    pb_host_return();
    /* Only reached if the host resumes the boot context. */
    return 0;
}
