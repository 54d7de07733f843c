/*
 * A BRK mechanism and a patch-site mechanism on one function, as a kprobe
 * and ftrace share a function on arm64: the kprobe on the symbol (the site's
 * `mov x9, x30`) runs first whichever was attached first, then ftrace's call.
 * With two return hooks (seed 002's "two hidden return stacks") the
 * kretprobe takes the real return address and fgraph then takes the
 * kretprobe trampoline, so returns unwind fgraph first, then the kretprobe,
 * the order arm64's unwinder recovers them in. Every call must return what
 * it returns untraced, each handler must run once per entry, walks under and
 * after both hooks must find the callers, and detaching must restore the text.
 */
#include "check.h"
#include "pb/code_alloc.h"
#include "pb/probe.h"
#include "pb/workloads.h"
#include "scenario.h"
#include "selftest.h"
#include "util.h"

struct stacked_case {
    int brk_mech;
    int site_mech;
};

static const struct stacked_case cases[] = {
    { PB_MECH_KRETPROBE_BRK, PB_MECH_FGRAPH },
    { PB_MECH_KRETPROBE_TRAMP, PB_MECH_FGRAPH },
    { PB_MECH_KRETPROBE_BRK, PB_MECH_FPROBE },
    { PB_MECH_KPROBE_XOL, PB_MECH_FTRACE_ARGS },
    { PB_MECH_KPROBE_XOL, PB_MECH_FGRAPH },
};

static const struct st_workload *workload(unsigned long fn)
{
    for (int i = 0; i < st_nr_workloads; i++)
        if (st_workloads[i].fn == fn)
            return &st_workloads[i];
    return NULL;
}

static bool recovers_fgraph(int mech)
{
    return mech == PB_MECH_FGRAPH || mech == PB_MECH_FPROBE;
}

static bool recovers_kretprobe(int mech)
{
    return mech == PB_MECH_KRETPROBE_BRK || mech == PB_MECH_KRETPROBE_TRAMP;
}

/* Attaches both (in the given order), runs, checks, detaches. A kretprobe
 * takes the walk handler on the recursive workload, so that its innermost
 * entry walk crosses the outer levels' returns, each hooked twice. */
static void run_case(const struct stacked_case *c, const struct st_workload *w, bool brk_first)
{
    u64 text_before = st_text_checksum();
    unsigned int code_before = pb_code_live_count();
    bool recursive = w->fn == (unsigned long)pb_wl_recursive;
    int brk_kind = recursive && recovers_kretprobe(c->brk_mech) ? PB_HANDLER_WALK : PB_HANDLER_COUNT;
    int first = brk_first ? c->brk_mech : c->site_mech, second = brk_first ? c->site_mech : c->brk_mech;

    st_set_context(pb_mechanism_get(first)->name, pb_mechanism_get(second)->name, w->name);
    pb_reset();
    if (!CHECK_EQ(pb_attach(first, first == c->brk_mech ? brk_kind : PB_HANDLER_COUNT, w->fn, 0), 0))
        return;
    if (!CHECK_EQ(pb_attach(second, second == c->brk_mech ? brk_kind : PB_HANDLER_COUNT, w->fn, 0), 0)) {
        pb_detach(w->fn);
        return;
    }
    CHECK_EQ(pb_attached_count(), 2);

    u64 entries = ST_CALLS * w->entries_per_call;
    u64 exits = entries * (st_mech_has_exit(c->brk_mech) + st_mech_has_exit(c->site_mech));
    CHECK_EQ(st_run(w->fn, ST_CALLS, w->arg0), w->acc_none);
    CHECK_EQ(pb_control.entry_hits, 2 * entries);
    CHECK_EQ(pb_control.exit_hits, exits);
    CHECK_EQ(pb_control.missed, 0);

    if (w->fn == (unsigned long)pb_wl_sample) {
        /* The callee's walk, under both hooks, is the untraced one. */
        st_check_callee_walk(c->brk_mech, w);
        st_check_callee_walk(c->site_mech, w);
    }
    if (brk_kind == PB_HANDLER_WALK) {
        /* The last entry is the innermost level's: every outer level's
         * return is hooked by both, and the walk recovers both. */
        const struct pb_walk *entry = &pb_control.entry_walk.plain;
        CHECK_EQ(entry->status, PB_WALK_OK);
        CHECK(st_walk_find(entry, &st_ref.tail[1], 2) >= 0);
        CHECK(entry->flags & PB_WALKF_KRETPROBE);
        if (recovers_fgraph(c->site_mech))
            CHECK(entry->flags & PB_WALKF_FGRAPH);
        CHECK_EQ(pb_control.exit_walk.plain.status, PB_WALK_OK);
        CHECK(st_walk_find(&pb_control.exit_walk.plain, st_ref.tail, 3) >= 0);
    }

    CHECK_EQ(pb_detach(w->fn), 0);
    CHECK_EQ(pb_attached_count(), 0);
    CHECK_EQ(st_text_checksum(), text_before);
    CHECK_EQ(pb_code_live_count(), code_before);
}

void st_stacked_hooks(void)
{
    const unsigned long fns[] = { (unsigned long)pb_wl_sample, (unsigned long)pb_wl_recursive,
                                  (unsigned long)pb_wl_nonleaf };

    st_group_begin("stacked hooks");
    for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++)
        for (unsigned int f = 0; f < ARRAY_SIZE(fns); f++) {
            run_case(&cases[i], workload(fns[f]), true);
            run_case(&cases[i], workload(fns[f]), false);
        }
    /* One hook of each kind: a second of the same kind is refused. */
    st_set_context("stacked hooks: one of each kind", "", "");
    unsigned long leaf = (unsigned long)pb_wl_leaf;
    u64 text_before = st_text_checksum();
    CHECK_EQ(pb_attach(PB_MECH_KRETPROBE_BRK, PB_HANDLER_COUNT, leaf, 0), 0);
    CHECK_EQ(pb_attach(PB_MECH_FGRAPH, PB_HANDLER_COUNT, leaf, 0), 0);
    u64 text_attached = st_text_checksum();
    CHECK_EQ(pb_attach(PB_MECH_KPROBE_XOL, PB_HANDLER_COUNT, leaf, 0), PB_EBUSY);
    CHECK_EQ(pb_attach(PB_MECH_FTRACE_ARGS, PB_HANDLER_COUNT, leaf, 0), PB_EBUSY);
    CHECK_EQ(pb_attach(PB_MECH_NONE, PB_HANDLER_COUNT, leaf, 0), PB_EBUSY);
    CHECK_EQ(st_text_checksum(), text_attached);
    CHECK_EQ(pb_detach_all(), 2);
    CHECK_EQ(st_text_checksum(), text_before);
    st_group_end();
}
