/*
 * A thousand small traced functions, pb_fn_0000 … pb_fn_1023, for the cost of
 * attaching to many functions and of calling one while the rest are attached.
 * Each returns its argument plus its index, so a wrong call is visible.
 */
#include "pb/types.h"

#pragma clang attribute push(__attribute__((patchable_function_entry(4, 2))), apply_to = function)

#define FN(n) __attribute__((noinline, used)) long pb_fn_##n(long a) { return a + 1##n - 10000; }
#define FN10(p) FN(p##0) FN(p##1) FN(p##2) FN(p##3) FN(p##4) FN(p##5) FN(p##6) FN(p##7) FN(p##8) FN(p##9)
#define FN100(p) FN10(p##0) FN10(p##1) FN10(p##2) FN10(p##3) FN10(p##4) \
                 FN10(p##5) FN10(p##6) FN10(p##7) FN10(p##8) FN10(p##9)

FN100(00) FN100(01) FN100(02) FN100(03) FN100(04) FN100(05) FN100(06) FN100(07) FN100(08) FN100(09)
FN10(100) FN10(101)
FN(1020) FN(1021) FN(1022) FN(1023)

#pragma clang attribute pop
