/*
 * Every mechanism x handler kind x workload: after attach, ST_CALLS calls
 * give exactly the expected entry (and exit) hits, the same results as with
 * nothing attached, and what the handler kind records is right; detach
 * restores the text byte for byte (and frees generated code), and hits stop.
 */
#include "check.h"
#include "pb/code_alloc.h"
#include "pb/kprobes.h"
#include "pb/probe.h"
#include "pb/workloads.h"
#include "scenario.h"
#include "util.h"

struct st_workload st_workloads[] = {
    { "leaf", (unsigned long)pb_wl_leaf, 11, 1, 0, 0, 0, 0, 0 },
    { "nonleaf", (unsigned long)pb_wl_nonleaf, 12, 1, 0, 0, 0, 0, 0 },
    { "args", (unsigned long)pb_wl_args, 13, 1, 3, 0, 0, 0, 0 },
    { "recursive", (unsigned long)pb_wl_recursive, ST_DEPTH, ST_DEPTH + 1, 0, 0, 0, 0, 0 },
    { "sample", (unsigned long)pb_wl_sample, 15, 1, 0, 0, 0, 0, 0 },
    { "tailcall", (unsigned long)pb_wl_tailcall, 16, 1, 0, 0, 0, 0, 0 },
};
const int st_nr_workloads = ARRAY_SIZE(st_workloads);

bool st_mech_has_exit(int mech)
{
    return pb_mechanism_get(mech)->has_exit;
}

bool st_mech_brk_entry(int mech)
{
    return mech == PB_MECH_KPROBE_XOL || mech == PB_MECH_KPROBE_SS || mech == PB_MECH_KPROBE_SIM ||
           mech == PB_MECH_KRETPROBE_BRK || mech == PB_MECH_KRETPROBE_TRAMP;
}

u64 st_entry_pc(int mech, const struct st_workload *w)
{
    return st_mech_brk_entry(mech) ? w->fn : w->fn + 8;
}

bool st_mech_regs_are_pt(int mech)
{
    return st_mech_brk_entry(mech) || mech == PB_MECH_FTRACE_REGS || mech == PB_MECH_FPROBE_PTREGS;
}

const char *st_kind_name(int kind)
{
    static const char *const names[] = { "count", "args", "walk", "fetch", "modify", "redirect", "regs-walk" };
    _Static_assert(sizeof(names) / sizeof(names[0]) == PB_HANDLER_KIND_COUNT, "a name per handler kind");
    return names[kind];
}

/* How the probed instruction was completed, per mechanism. */
static u64 kprobe_completions(int mech)
{
    switch (mech) {
    case PB_MECH_KPROBE_SS:
        return pb_kprobe_stats.single_steps;
    case PB_MECH_KPROBE_SIM:
        return pb_kprobe_stats.simulated;
    default:
        return pb_kprobe_stats.xol_completions;
    }
}

/* What pb_code_map must list for a function attached with mech, as bits
 * (1 << PB_CODE_*), each kind at most once. */
static u64 expected_code(int mech)
{
    switch (mech) {
    case PB_MECH_DIRECT_CALLER:
    case PB_MECH_DIRECT_BL:
    case PB_MECH_FENTRY_FEXIT:
        return 1u << PB_CODE_TRAMPOLINE;
    case PB_MECH_DIRECT_PLT:
        return (1u << PB_CODE_TRAMPOLINE) | (1u << PB_CODE_VENEER);
    case PB_MECH_KPROBE_XOL:
    case PB_MECH_KPROBE_SS:
    case PB_MECH_KRETPROBE_BRK:
    case PB_MECH_KRETPROBE_TRAMP:
        return 1u << PB_CODE_XOL_SLOT;
    default:
        return 0;
    }
}

/* Whether a modify handler's change reaches the function (entry) and the
 * caller (exit): every path restores x0 from the registers it handed over,
 * except fprobe-ptregs, whose handlers get a copy (ftrace_partial_regs). */
static bool modify_entry_carried(int mech)
{
    return mech != PB_MECH_NONE && mech != PB_MECH_FPROBE_PTREGS;
}

static bool modify_exit_carried(int mech)
{
    return st_mech_has_exit(mech) && mech != PB_MECH_FPROBE_PTREGS;
}

/* Whether a redirect handler's pc reaches the replacement: on every path that
 * resumes at the pc it handed over, but not fprobe-ptregs (a copy) nor the
 * kretprobes, whose pre-handler completes the probed instruction (as the
 * kernel's does) and so loses the pc. */
static bool redirect_carried(int mech)
{
    return mech != PB_MECH_NONE && mech != PB_MECH_FPROBE_PTREGS && mech != PB_MECH_KRETPROBE_BRK &&
           mech != PB_MECH_KRETPROBE_TRAMP;
}

/* pb_run's accumulation of n calls that each return r. */
static long acc_of(long r, int n)
{
    long acc = 0;

    for (int i = 0; i < n; i++)
        acc = acc * 31 + r;
    return acc;
}

static bool code_map_matches(int mech, u64 fn)
{
    u64 seen = 0;

    for (u64 i = 0; i < pb_code_map.count; i++) {
        const struct pb_code_region *r = &pb_code_map.regions[i];
        if (r->owner != fn)
            continue;
        if (seen & (1u << r->kind))
            return false;
        seen |= 1u << r->kind;
    }
    return seen == expected_code(mech);
}

static void scenario(int mech, int kind, struct st_workload *w)
{
    struct st_site_snapshot site;
    u64 text_before = st_text_checksum();
    unsigned int code_before = pb_code_live_count();
    u64 expected_entries = mech == PB_MECH_NONE ? 0 : ST_CALLS * w->entries_per_call;
    u64 expected_exits = st_mech_has_exit(mech) ? expected_entries : 0;
    u64 param = mech == PB_MECH_FENTRY_FEXIT ? w->fentry_slots : 0;
    long expected_acc = w->acc_none;
    bool redirected = kind == PB_HANDLER_REDIRECT && redirect_carried(mech);
    u64 expected_completions = redirected ? 0 : expected_entries;

    /* modify: each level's entry would deepen the recursion by the delta;
     * redirect: the recursive workload has no replacement. */
    if ((kind == PB_HANDLER_MODIFY || kind == PB_HANDLER_REDIRECT) && w->fn == (unsigned long)pb_wl_recursive)
        return;
    if (kind == PB_HANDLER_REDIRECT)
        expected_acc = acc_of(redirected ? w->ret_replacement : w->ret_none, ST_CALLS);
    if (kind == PB_HANDLER_MODIFY) {
        long r = modify_entry_carried(mech) ? w->ret_arg_changed : w->ret_none;
        if (modify_exit_carried(mech))
            r += PB_MODIFY_RETURN_DELTA;
        expected_acc = acc_of(r, ST_CALLS);
    }
    st_set_context(pb_mechanism_get(mech)->name, st_kind_name(kind), w->name);
    st_snapshot_site(w->fn, &site);
    pb_reset();
    if (kind == PB_HANDLER_FETCH)
        st_fetch_program(mech);
    pb_control.callee_raise_sgi = kind == PB_HANDLER_WALK && w->fn == (unsigned long)pb_wl_sample;

    if (!CHECK_EQ(pb_attach(mech, kind, w->fn, param), 0))
        return;
    CHECK(mech == PB_MECH_NONE ? st_site_unchanged(w->fn, &site) : !st_site_unchanged(w->fn, &site));
    CHECK(code_map_matches(mech, w->fn));
    u64 completions_before = kprobe_completions(mech);
    u64 redirects_before = pb_kprobe_stats.redirected;

    CHECK_EQ(st_run(w->fn, ST_CALLS, w->arg0), expected_acc);
    CHECK_EQ(pb_control.entry_hits, expected_entries);
    CHECK_EQ(pb_control.exit_hits, expected_exits);
    CHECK_EQ(pb_control.missed, 0);
    if (st_mech_brk_entry(mech)) {
        CHECK_EQ(kprobe_completions(mech) - completions_before, expected_completions);
        CHECK_EQ(pb_kprobe_stats.redirected - redirects_before, expected_entries - expected_completions);
    }

    if (mech != PB_MECH_NONE) {
        switch (kind) {
        case PB_HANDLER_ARGS:
            st_check_args(mech, w);
            break;
        case PB_HANDLER_WALK:
            st_check_entry_walk(mech, w);
            if (st_mech_has_exit(mech))
                st_check_exit_walk(mech, w);
            if (w->fn == (unsigned long)pb_wl_sample)
                st_check_irq_walk(mech, w);
            break;
        case PB_HANDLER_FETCH:
            st_check_fetch(mech, w);
            break;
        case PB_HANDLER_REGS_WALK:
            st_check_regs_walks(mech, w);
            break;
        default:
            break;
        }
    }
    /* (A redirected call's callee is under the replacement, not the workload.) */
    if (w->fn == (unsigned long)pb_wl_sample && !redirected)
        st_check_callee_walk(mech, w);
    pb_control.callee_raise_sgi = 0;

    CHECK_EQ(pb_detach(w->fn), 0);
    CHECK(st_site_unchanged(w->fn, &site));
    CHECK_EQ(st_text_checksum(), text_before);
    CHECK_EQ(pb_code_live_count(), code_before);
    pb_reset();
    CHECK_EQ(st_run(w->fn, ST_CALLS, w->arg0), w->acc_none);
    CHECK_EQ(pb_control.entry_hits, 0);
    CHECK_EQ(pb_control.exit_hits, 0);
}

static void take_baselines(void)
{
    for (int i = 0; i < st_nr_workloads; i++) {
        struct st_workload *w = &st_workloads[i];
        w->acc_none = st_run(w->fn, ST_CALLS, w->arg0);
        w->ret_none = st_run(w->fn, 1, w->arg0);
        /* Not for the recursive workload: the delta would be its depth. */
        if (w->fn != (unsigned long)pb_wl_recursive)
            w->ret_arg_changed = st_run(w->fn, 1, w->arg0 + PB_MODIFY_ARGUMENT_DELTA);
        unsigned long replacement = pb_wl_replacement_of(w->fn);
        if (replacement)
            w->ret_replacement = st_run(replacement, 1, w->arg0);
    }
}

void st_matrix(void)
{
    take_baselines();
    for (int mech = 0; mech < PB_MECH_COUNT; mech++) {
        static char group[48];
        const char *name = pb_mechanism_get(mech)->name;
        int n = 0;
        for (const char *p = "mechanism "; *p; p++)
            group[n++] = *p;
        for (const char *p = name; *p && n < (int)sizeof(group) - 1; p++)
            group[n++] = *p;
        group[n] = '\0';

        st_group_begin(group);
        if (mech == PB_MECH_NONE)
            CHECK(st_ref.valid);
        for (int kind = 0; kind < PB_HANDLER_KIND_COUNT; kind++)
            for (int i = 0; i < st_nr_workloads; i++)
                scenario(mech, kind, &st_workloads[i]);
        st_group_end();
    }
}
