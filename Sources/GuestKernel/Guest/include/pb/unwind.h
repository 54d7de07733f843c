/* The guest's frame-record unwinder (arm64's stacktrace.c design). */
#ifndef PB_UNWIND_H
#define PB_UNWIND_H

#include "pb_abi.h"

/*
 * Walks the stack of the function calling it (the first pc is the return
 * address into the caller, as arch_stack_walk), writing the plain walk and
 * the reliable walk into out. Must be called from C with frame pointers.
 */
void pb_stack_walk_pair(struct pb_walk_pair *out);

/*
 * Walks from a register set a handler was given (regs_kind PB_REGS_PT or
 * PB_REGS_FTRACE), as arch_stack_walk() with regs: the first pc is the
 * set's pc, then the frame records from its x29. Writes the plain walk
 * only: the kernel has no reliable walk from regs.
 */
void pb_stack_walk_regs(struct pb_walk_pair *out, const void *regs, u32 regs_kind);

#endif
