/*
 * Livepatch-style replacements: what a redirect handler sends a traced
 * call to. Each takes the workload's arguments and computes something else,
 * so the call's result shows which function ran. Built with the same
 * patchable entry as the workloads (a livepatch module's functions are
 * ordinary kernel functions), and entered at the symbol, as livepatch sets
 * the pc to the new function's address. In .pb_late.text, at the end of
 * the text, so that adding them moved no other code (which would have
 * changed the other paths' predictor aliasing and cache placement).
 */
#include "pb/types.h"
#include "pb/workloads.h"

#define LATE __attribute__((section(".pb_late.text")))

#pragma clang attribute push(__attribute__((patchable_function_entry(4, 2))), apply_to = function)

long pb_wl_mix(long a, long b);

#define opaque(x) __asm__ __volatile__("" : "+r"(x))

LATE __noinline long pb_wl_leaf_replacement(long a, long b)
{
    return a * 7 + b;
}

LATE __noinline long pb_wl_nonleaf_replacement(long a, long b)
{
    long r = pb_wl_mix(b, a);
    opaque(r);
    return r + 5;
}

LATE __noinline long pb_wl_args_replacement(long a0, long a1, long a2, long a3, long a4, long a5, long a6, long a7,
                                       long a8, long a9, struct pb_big_arg big)
{
    return 14 * a0 + 13 * a1 + 12 * a2 + 11 * a3 + 10 * a4 + 9 * a5 + 8 * a6 + 7 * a7 + 6 * a8 + 5 * a9 +
           4 * big.a + 3 * big.b + 2 * big.c + big.d;
}

LATE __noinline long pb_wl_sample_replacement(long a)
{
    long r = pb_wl_sample_callee(a);
    opaque(r);
    return r + 9;
}

LATE __noinline long pb_wl_tailcall_replacement(long a)
{
    __attribute__((musttail)) return pb_wl_tail_target(a + 2);
}

#pragma clang attribute pop

LATE unsigned long pb_wl_replacement_of(unsigned long func)
{
    if (func == (unsigned long)pb_wl_leaf)
        return (unsigned long)pb_wl_leaf_replacement;
    if (func == (unsigned long)pb_wl_nonleaf)
        return (unsigned long)pb_wl_nonleaf_replacement;
    if (func == (unsigned long)pb_wl_args)
        return (unsigned long)pb_wl_args_replacement;
    if (func == (unsigned long)pb_wl_sample)
        return (unsigned long)pb_wl_sample_replacement;
    if (func == (unsigned long)pb_wl_tailcall)
        return (unsigned long)pb_wl_tailcall_replacement;
    return 0;
}
