/*
 * The traced workloads. Every function in this file gets a patchable entry
 * (the CALL_OPS layout: two NOPs before the symbol, two at it, the first of
 * which boot turns into `mov x9, x30`), and with -mno-omit-leaf-frame-pointer
 * each body starts with the frame record store `stp x29, x30, [sp, #-N]!`
 * (the self-test checks this layout, so a compiler change cannot slip by).
 */
#include "pb/types.h"
#include "pb/workloads.h"

#pragma clang attribute push(__attribute__((patchable_function_entry(4, 2))), apply_to = function)

/* Keeps the compiler from turning recursion into a loop or a tail call. */
#define opaque(x) __asm__ __volatile__("" : "+r"(x))

long pb_wl_mix(long a, long b);

__noinline long pb_wl_leaf(long a, long b)
{
    return a * 3 + b;
}

__noinline long pb_wl_nonleaf(long a, long b)
{
    long r = pb_wl_mix(a, b);
    opaque(r);
    return r + 1;
}

__noinline long pb_wl_args(long a0, long a1, long a2, long a3, long a4, long a5, long a6, long a7,
                           long a8, long a9, struct pb_big_arg big)
{
    return a0 + 2 * a1 + 3 * a2 + 4 * a3 + 5 * a4 + 6 * a5 + 7 * a6 + 8 * a7 + 9 * a8 + 10 * a9 +
           11 * big.a + 12 * big.b + 13 * big.c + 14 * big.d;
}

/* Both paths make a real call, so the frame record is set up on entry
 * (no shrink-wrapping past a first compare). */
__noinline long pb_wl_recursive(long depth, long seed)
{
    long r;

    if (depth <= 0)
        r = pb_wl_mix(seed, 1);
    else
        r = pb_wl_recursive(depth - 1, seed + 1) * 3 + depth;
    opaque(r);
    return r + 1;
}

__noinline long pb_wl_sample(long a)
{
    long r = pb_wl_sample_callee(a);
    opaque(r);
    return r + 2;
}

__noinline long pb_wl_tail_target(long a)
{
    return a * 5 + 2;
}

__noinline long pb_wl_tailcall(long a)
{
    __attribute__((musttail)) return pb_wl_tail_target(a + 1);
}

/*
 * Clones of the leaf, for scaling with the number of attached functions
 * (pb_wl_clones lists them; each returns a * 3 + b + its index).
 */
#define CLONE(n)                                                  \
    __noinline long pb_wl_clone_##n(long a, long b)               \
    {                                                             \
        return a * 3 + b + n;                                     \
    }
#define CLONES8(t) CLONE(t##0) CLONE(t##1) CLONE(t##2) CLONE(t##3) \
                   CLONE(t##4) CLONE(t##5) CLONE(t##6) CLONE(t##7)
CLONES8(1) CLONES8(2) CLONES8(3) CLONES8(4)

#pragma clang attribute pop

#define CLONE_REF(n) (unsigned long)pb_wl_clone_##n
#define CLONE_REFS8(t) CLONE_REF(t##0), CLONE_REF(t##1), CLONE_REF(t##2), CLONE_REF(t##3), \
                       CLONE_REF(t##4), CLONE_REF(t##5), CLONE_REF(t##6), CLONE_REF(t##7)

const unsigned long pb_wl_clones[PB_WL_NR_CLONES] = {
    CLONE_REFS8(1), CLONE_REFS8(2), CLONE_REFS8(3), CLONE_REFS8(4),
};
_Static_assert(PB_WL_NR_CLONES == 32, "four groups of eight clones");
