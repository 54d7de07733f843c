/*
 * The self-test image: exercises the kernel base and every mechanism x
 * handler kind x workload, prints one line per check group and the totals
 * (deterministic: no addresses, no timer values) and exits 0 only if every
 * check passed.
 */
#include "check.h"
#include "selftest.h"
#include "util.h"

int pb_image_main(void)
{
    pb_printf("ProbeBench guest self-test (ABI %d)\n", PB_ABI_VERSION);
    st_base();
    st_unwinder();
    st_take_reference();
    st_matrix();
    st_kprobe_sim_targets();
    st_nesting();
    st_step_sweep();
    st_fetch_edge_cases();
    st_typed_workload();
    st_stacked_hooks();
    st_bad_requests();
    return st_summary();
}
