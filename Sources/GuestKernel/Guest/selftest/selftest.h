/* The self-test groups. */
#ifndef ST_SELFTEST_H
#define ST_SELFTEST_H

#include "pb/kprobes.h"

void st_base(void);
void st_unwinder(void);
void st_matrix(void);
void st_kprobe_sim_targets(void);
void st_nesting(void);
void st_step_sweep(void);
void st_fetch_edge_cases(void);
void st_bad_requests(void);
void st_typed_workload(void);
void st_stacked_hooks(void);

/* Tests that borrow a hook give it back to kprobes. */
static inline void st_restore_kprobe_hooks(void)
{
    pb_kprobes_init();
}

#endif
