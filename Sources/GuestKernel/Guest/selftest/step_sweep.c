/*
 * A sweep like the harness's IRQ-before-every-instruction sweep, done with
 * hardware single-step: for each mechanism, one traced call is
 * stepped and both walkers run at every instruction through the exception
 * boundary. The plain walk must always reach the final record (no
 * intermediate state of a trampoline breaks the chain), the reliable one
 * must always refuse, and the call must still compute the right result.
 * kprobe-ss is not swept: it owns the single-step machinery itself.
 */
#include "check.h"
#include "pb/probe.h"
#include "pb/sysreg.h"
#include "pb/traps.h"
#include "pb/unwind.h"
#include "pb/workloads.h"
#include "scenario.h"
#include "selftest.h"
#include "util.h"

long st_stepped_call(long (*fn)(long, long, long), long a0, long a1, long a2);
extern char st_step_stop[];

struct sweep {
    u64 steps;
    u64 incomplete;      /* plain walk did not reach the final record */
    u64 reliable_claims; /* reliable walk claimed a trace across the boundary */
    bool in_call;        /* between pb_driver_call_site and pb_driver_return_site */
    u64 in_call_steps;
    u64 in_call_with_driver; /* ... whose plain walk contains the driver's frame */
    u64 in_call_with_caller; /* ... and the workload's return into the driver */
};

static struct sweep sweep;
static struct pb_walk_pair sweep_walks;

static int sweep_step(struct pt_regs *regs, u64 esr)
{
    (void)esr;
    if (regs->pc == (u64)st_step_stop) {
        write_sysreg(read_sysreg(mdscr_el1) & ~(MDSCR_SS | MDSCR_KDE), mdscr_el1);
        isb();
        regs->pstate &= ~PSR_SS_BIT;
        return 0;
    }
    /* The call ends at the return site, or just after it: a return through
     * kretprobe-brk's BRK trampoline resumes there with the step already
     * active-not-pending, so the next step exception comes one instruction on. */
    if (regs->pc == (u64)pb_driver_call_site)
        sweep.in_call = true;
    else if (regs->pc >= (u64)pb_driver_return_site && regs->pc < (u64)pb_driver_return_site + 16)
        sweep.in_call = false;
    sweep.steps++;
    pb_stack_walk_pair(&sweep_walks);
    if (sweep_walks.plain.status != PB_WALK_OK)
        sweep.incomplete++;
    if (sweep_walks.reliable.status == PB_WALK_OK)
        sweep.reliable_claims++;
    if (sweep.in_call) {
        sweep.in_call_steps++;
        /* The driver's frame record (returning into pb_run) stays intact
         * throughout the call: it must be in every walk. */
        if (st_walk_find(&sweep_walks.plain, &st_ref.tail[1], 1) >= 0)
            sweep.in_call_with_driver++;
        if (st_walk_find(&sweep_walks.plain, st_ref.tail, 2) >= 0)
            sweep.in_call_with_caller++;
    }
    regs->pstate |= PSR_SS_BIT; /* step the next instruction too */
    return 0;
}

static long pb_run_shim(long fn, long n, long arg0)
{
    return pb_run((unsigned long)fn, n, arg0);
}

/* Returns the number of in-call instructions whose walk missed the
 * workload's return into the driver (the caller frame). */
static u64 sweep_mechanism(int mech, const struct st_workload *w)
{
    u64 text_before = st_text_checksum();
    u64 param = mech == PB_MECH_FENTRY_FEXIT ? w->fentry_slots : 0;

    st_set_context(pb_mechanism_get(mech)->name, "count", w->name);
    pb_reset();
    if (!CHECK_EQ(pb_attach(mech, PB_HANDLER_COUNT, w->fn, param), 0))
        return 0;
    memset(&sweep, 0, sizeof(sweep));
    pb_register_step_hook(sweep_step);
    CHECK_EQ(st_stepped_call(pb_run_shim, (long)w->fn, 1, w->arg0), w->ret_none);
    st_restore_kprobe_hooks();
    CHECK_EQ(pb_control.entry_hits, mech == PB_MECH_NONE ? 0 : w->entries_per_call);
    CHECK(sweep.steps > 40);
    CHECK_EQ(sweep.incomplete, 0);
    CHECK_EQ(sweep.reliable_claims, 0);
    CHECK(sweep.in_call_steps > 0);
    CHECK_EQ(sweep.in_call_with_driver, sweep.in_call_steps);
    CHECK_EQ(pb_detach(w->fn), 0);
    CHECK_EQ(st_text_checksum(), text_before);
    return sweep.in_call_steps - sweep.in_call_with_caller;
}

void st_step_sweep(void)
{
    static const int mechs[] = {
        PB_MECH_NONE, PB_MECH_FTRACE_ARGS, PB_MECH_FTRACE_REGS, PB_MECH_FTRACE_LIST,
        PB_MECH_FTRACE_CALLOPS, PB_MECH_DIRECT_CALLER, PB_MECH_DIRECT_BL, PB_MECH_DIRECT_PLT,
        PB_MECH_FGRAPH, PB_MECH_FPROBE, PB_MECH_FPROBE_PTREGS, PB_MECH_FENTRY_FEXIT,
        PB_MECH_FTRACE_ARGS_NOFP, PB_MECH_KPROBE_XOL, PB_MECH_KPROBE_SIM,
        PB_MECH_KRETPROBE_BRK, PB_MECH_KRETPROBE_TRAMP,
    };

    st_group_begin("single-step sweep");
    for (int i = 0; i < st_nr_workloads; i++) {
        u64 missed_args = 0, missed_nofp = 0;
        for (unsigned int m = 0; m < ARRAY_SIZE(mechs); m++) {
            u64 missed = sweep_mechanism(mechs[m], &st_workloads[i]);
            if (mechs[m] == PB_MECH_FTRACE_ARGS)
                missed_args = missed;
            if (mechs[m] == PB_MECH_FTRACE_ARGS_NOFP)
                missed_nofp = missed;
        }
        /* The sweep sees the broken trampoline: its whole callback runs
         * without the caller's frame. */
        st_set_context("ftrace-args-nofp", "count", st_workloads[i].name);
        CHECK(missed_nofp > missed_args + 20);
    }
    st_group_end();
}
