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

#endif
