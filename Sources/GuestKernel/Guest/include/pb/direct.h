/* Dynamically generated trampolines and PLT veneers. */
#ifndef PB_DIRECT_H
#define PB_DIRECT_H

#include "pb/code_alloc.h"
#include "pb/ftrace.h"

/* A direct trampoline calling handler(ip, parent_ip, data, fregs). */
void *pb_make_direct_tramp(enum pb_code_area area, pb_ftrace_func_t handler, void *data);
/* An fentry/fexit trampoline: entry(ip, parent_ip, data, fregs), the
 * traced function's body with nslots stack slots copied, then
 * exit(ip, parent_ip, data, fregs) with the return value in fregs->regs[0]. */
void *pb_make_fentry_tramp(enum pb_code_area area, pb_ftrace_func_t entry, pb_ftrace_func_t exit,
                           void *data, u64 nslots);
#define PB_FENTRY_MAX_STACK_SLOTS 8
/* A veneer in the near area jumping to target (adrp x16; add x16; br x16). */
void *pb_make_veneer(u64 target);

#endif
