/* One attach/run/detach scenario of the matrix, and the per-kind checks. */
#ifndef ST_SCENARIO_H
#define ST_SCENARIO_H

#include "pb/types.h"
#include "pb_abi.h"

#define ST_CALLS 3          /* calls per run */
#define ST_DEPTH 4          /* recursion depth of the recursive workload */

struct st_workload {
    const char *name;
    unsigned long fn;
    long arg0;
    u64 entries_per_call;   /* traced entries per driver call */
    u64 fentry_slots;       /* stack slots fentry-fexit must copy */
    long acc_none;          /* pb_run(fn, ST_CALLS, arg0) with nothing attached */
    long ret_none;          /* one call's result */
    long ret_arg_changed;   /* one call's result with PB_MODIFY_ARGUMENT_DELTA added to arg0 */
    long ret_replacement;   /* one call of the workload's replacement (pb_wl_replacement_of) */
};

extern struct st_workload st_workloads[];
extern const int st_nr_workloads;

bool st_mech_has_exit(int mech);
bool st_mech_brk_entry(int mech);     /* entry via a BRK on the symbol (the site's `mov x9, x30`) */
/* Where the entry handler's registers put the traced function: the probed
 * instruction F for BRK entries, the return into F's body (F + 8) else. */
u64 st_entry_pc(int mech, const struct st_workload *w);
bool st_mech_regs_are_pt(int mech);   /* handlers see a pt_regs (else ftrace_regs) */
const char *st_kind_name(int kind);

void st_check_args(int mech, const struct st_workload *w);
void st_check_entry_walk(int mech, const struct st_workload *w);
void st_check_exit_walk(int mech, const struct st_workload *w);
void st_check_regs_walks(int mech, const struct st_workload *w);
void st_check_callee_walk(int mech, const struct st_workload *w);
void st_check_irq_walk(int mech, const struct st_workload *w);
void st_fetch_program(int mech);
void st_check_fetch(int mech, const struct st_workload *w);

#endif
