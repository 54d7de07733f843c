/*
 * The control block the harness reads and writes, the layout symbols it
 * asserts against, and the default arguments pb_run passes.
 */
#include "pb/probe.h"
#include "pb/ptrace.h"

struct pb_control pb_control __aligned(64);

/* Read by the harness to check its mirror of pb_abi.h. */
const u64 pb_abi_version __used = PB_ABI_VERSION;
const u64 pb_sizeof_pt_regs __used = sizeof(struct pt_regs);
const u64 pb_sizeof_ftrace_regs __used = sizeof(struct ftrace_regs);
const u64 pb_sizeof_control __used = sizeof(struct pb_control);
const u64 pb_sizeof_walk __used = sizeof(struct pb_walk);

void pb_control_init(void)
{
    struct pb_control *c = &pb_control;

    c->magic = PB_CONTROL_MAGIC;
    c->abi_version = PB_ABI_VERSION;
    /* Distinct, recognisable values: x[i] = 0x1000 * (i + 1) + i, and the
     * struct's fields likewise, so a misplaced argument cannot go unnoticed. */
    for (int i = 0; i < 10; i++)
        c->call_args.x[i] = 0x1000 * (i + 1) + i;
    c->call_args.big.a = 0x0a0a;
    c->call_args.big.b = -0x0b0b;
    c->call_args.big.c = 0x0c0c0c0c0c;
    c->call_args.big.d = -7;
}
