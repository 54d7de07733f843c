/*
 * Nesting and scale: hooked functions tail-calling hooked functions, deep
 * recursion through return hooks (and past their capacity), several
 * functions and several ops at once, and the ftrace-list ops count.
 */
#include "check.h"
#include "pb/fgraph.h"
#include "pb/ftrace.h"
#include "pb/probe.h"
#include "pb/task.h"
#include "pb/workloads.h"
#include "scenario.h"
#include "util.h"

static void tailcall_both(int mech)
{
    u64 text_before = st_text_checksum();
    long expected = st_run((unsigned long)pb_wl_tailcall, ST_CALLS, 3);
    u64 per_run = ST_CALLS * 2;

    st_set_context(pb_mechanism_get(mech)->name, "args", "tailcall+target");
    pb_reset();
    CHECK_EQ(pb_attach(mech, PB_HANDLER_ARGS, (unsigned long)pb_wl_tailcall, 0), 0);
    CHECK_EQ(pb_attach(mech, PB_HANDLER_ARGS, (unsigned long)pb_wl_tail_target, 0), 0);
    CHECK_EQ(st_run((unsigned long)pb_wl_tailcall, ST_CALLS, 3), expected);
    CHECK_EQ(pb_control.entry_hits, per_run);
    CHECK_EQ(pb_control.exit_hits, st_mech_has_exit(mech) ? per_run : 0);
    /* The tail target is entered last; the tail caller's exit fires last. */
    CHECK_EQ(pb_control.last_entry_func, (unsigned long)pb_wl_tail_target);
    CHECK_EQ(pb_control.last_args[0], 4);
    if (st_mech_has_exit(mech)) {
        CHECK_EQ(pb_control.last_exit_func, (unsigned long)pb_wl_tailcall);
        CHECK_EQ(pb_control.last_retval, pb_wl_tail_target(4));
    }
    CHECK_EQ(current->curr_ret_depth, 0);
    CHECK(current->kretprobe_instances == NULL);
    CHECK_EQ(pb_detach_all(), 2);
    CHECK_EQ(st_text_checksum(), text_before);
}

static void deep_recursion(int mech, long depth, int kind)
{
    u64 text_before = st_text_checksum();
    long expected = st_run((unsigned long)pb_wl_recursive, 2, depth);
    u64 calls = 2 * (u64)(depth + 1);

    st_set_context(pb_mechanism_get(mech)->name, st_kind_name(kind), "deep recursion");
    pb_reset();
    CHECK_EQ(pb_attach(mech, kind, (unsigned long)pb_wl_recursive, 0), 0);
    CHECK_EQ(st_run((unsigned long)pb_wl_recursive, 2, depth), expected);
    if (depth + 1 <= PB_RET_STACK_DEPTH && depth + 1 <= PB_KRETPROBE_MAXACTIVE) {
        CHECK_EQ(pb_control.missed, 0);
        CHECK_EQ(pb_control.entry_hits, calls);
    } else {
        /* Past capacity the hook is skipped, never the correctness. */
        CHECK(pb_control.missed > 0);
        CHECK_EQ(pb_control.entry_hits + pb_control.missed, calls);
    }
    if (st_mech_has_exit(mech))
        CHECK_EQ(pb_control.exit_hits, pb_control.entry_hits);
    if (kind == PB_HANDLER_WALK) {
        /* The deepest entry: every hijacked return address recovered. */
        const struct pb_walk *w = &pb_control.entry_walk.plain;
        CHECK_EQ(w->status, PB_WALK_OK);
        CHECK(st_walk_find(w, st_ref.tail, 3) >= 0);
        if (mech == PB_MECH_FGRAPH || mech == PB_MECH_FPROBE)
            CHECK(w->flags & PB_WALKF_FGRAPH);
        if (mech == PB_MECH_KRETPROBE_BRK || mech == PB_MECH_KRETPROBE_TRAMP)
            CHECK(w->flags & PB_WALKF_KRETPROBE);
    }
    CHECK_EQ(current->curr_ret_depth, 0);
    CHECK(current->kretprobe_instances == NULL);
    CHECK_EQ(pb_detach((unsigned long)pb_wl_recursive), 0);
    CHECK_EQ(st_text_checksum(), text_before);
}

static void many_functions_and_ops(void)
{
    u64 text_before = st_text_checksum();
    unsigned long fns[3] = { (unsigned long)pb_wl_leaf, (unsigned long)pb_wl_nonleaf,
                             (unsigned long)pb_wl_args };

    st_set_context("ftrace-args+fgraph", "count", "three functions");
    pb_reset();
    for (int i = 0; i < 3; i++)
        CHECK_EQ(pb_attach(PB_MECH_FTRACE_ARGS, PB_HANDLER_COUNT, fns[i], 0), 0);
    for (int i = 0; i < 3; i++)
        st_run(fns[i], 2, 1);
    CHECK_EQ(pb_control.entry_hits, 6);
    /* A second ops on the same trampoline: calls go through the list function. */
    CHECK_EQ(pb_attach(PB_MECH_FGRAPH, PB_HANDLER_COUNT, (unsigned long)pb_wl_sample, 0), 0);
    long expected = st_workloads[4].acc_none;
    CHECK_EQ(st_run((unsigned long)pb_wl_sample, ST_CALLS, st_workloads[4].arg0), expected);
    for (int i = 0; i < 3; i++)
        st_run(fns[i], 1, 1);
    CHECK_EQ(pb_control.entry_hits, 6 + ST_CALLS + 3);
    CHECK_EQ(pb_control.exit_hits, ST_CALLS);
    CHECK_EQ(pb_attached_count(), 4);
    CHECK_EQ(pb_detach_all(), 4);
    CHECK_EQ(pb_attached_count(), 0);
    CHECK_EQ(st_text_checksum(), text_before);
}

/* Every clone attached at once, with one ops (ftrace-args) and with
 * kprobes; each clone's hit lands once, results unchanged. */
static void all_clones(int mech)
{
    u64 text_before = st_text_checksum();
    long expected[PB_WL_NR_CLONES];

    st_set_context(pb_mechanism_get(mech)->name, "args", "32 clones");
    for (int i = 0; i < PB_WL_NR_CLONES; i++)
        expected[i] = st_run(pb_wl_clones[i], 1, 5);
    pb_reset();
    bool attached = true, results = true;
    for (int i = 0; i < PB_WL_NR_CLONES; i++)
        attached &= pb_attach(mech, PB_HANDLER_ARGS, pb_wl_clones[i], 0) == 0;
    CHECK(attached);
    CHECK_EQ(pb_attached_count(), PB_WL_NR_CLONES);
    for (int i = 0; i < PB_WL_NR_CLONES; i++) {
        results &= st_run(pb_wl_clones[i], 1, 5) == expected[i];
        results &= pb_control.last_entry_func == pb_wl_clones[i];
    }
    CHECK(results);
    CHECK_EQ(pb_control.entry_hits, PB_WL_NR_CLONES);
    CHECK_EQ(pb_detach_all(), PB_WL_NR_CLONES);
    CHECK_EQ(st_text_checksum(), text_before);
}

static void ops_list_counts(void)
{
    static const long counts[] = { 1, 2, 8, 64 };
    u64 text_before = st_text_checksum();

    for (unsigned int i = 0; i < ARRAY_SIZE(counts); i++) {
        st_set_context("ftrace-list", "count", "leaf");
        CHECK_EQ(pb_set_ops_count(counts[i]), 0);
        pb_reset();
        CHECK_EQ(pb_attach(PB_MECH_FTRACE_LIST, PB_HANDLER_COUNT, (unsigned long)pb_wl_leaf, 0), 0);
        CHECK_EQ(st_run((unsigned long)pb_wl_leaf, ST_CALLS, 11), st_workloads[0].acc_none);
        CHECK_EQ(pb_control.entry_hits, ST_CALLS);
        CHECK_EQ(pb_detach((unsigned long)pb_wl_leaf), 0);
        CHECK_EQ(st_text_checksum(), text_before);
    }
    pb_set_ops_count(PB_FTRACE_LIST_DEFAULT_OPS);
}

/* Other tracers' ops on the traced function: every one runs once per call,
 * the mechanism's handler still once, the result unchanged; a CALL_OPS site
 * then points at the list op; detaching restores the text. */
static void shared_ops_counts(void)
{
    static const int mechs[] = { PB_MECH_FTRACE_ARGS, PB_MECH_FTRACE_REGS, PB_MECH_FTRACE_LIST,
                                 PB_MECH_FTRACE_CALLOPS };
    static const long counts[] = { 1, 3, PB_MAX_SHARED_OPS };
    unsigned long leaf = (unsigned long)pb_wl_leaf;
    u64 text_before = st_text_checksum();

    for (unsigned int m = 0; m < ARRAY_SIZE(mechs); m++) {
        for (unsigned int i = 0; i < ARRAY_SIZE(counts); i++) {
            st_set_context(pb_mechanism_get(mechs[m])->name, "count", "leaf");
            CHECK_EQ(pb_set_shared_ops(counts[i]), 0);
            pb_reset();
            CHECK_EQ(pb_attach(mechs[m], PB_HANDLER_COUNT, leaf, 0), 0);
            CHECK_EQ(pb_set_shared_ops(0), 0);
            if (mechs[m] == PB_MECH_FTRACE_CALLOPS)
                CHECK_EQ(*(const u64 *)(leaf - 8), (u64)pb_ftrace_list_op(PB_CALLER_ARGS));
            CHECK_EQ(st_run(leaf, ST_CALLS, 11), st_workloads[0].acc_none);
            CHECK_EQ(pb_control.entry_hits, ST_CALLS);
            CHECK_EQ(pb_shared_ops_hits, (u64)counts[i] * ST_CALLS);
            CHECK_EQ(pb_detach(leaf), 0);
            CHECK_EQ(st_text_checksum(), text_before);
            /* Detached, the shared ops no longer trace it. */
            pb_reset();
            CHECK_EQ(pb_attach(mechs[m], PB_HANDLER_COUNT, leaf, 0), 0);
            CHECK_EQ(st_run(leaf, ST_CALLS, 11), st_workloads[0].acc_none);
            CHECK_EQ(pb_shared_ops_hits, 0);
            CHECK_EQ(pb_detach(leaf), 0);
        }
    }
}

void st_nesting(void)
{
    static const int hooked[] = { PB_MECH_FGRAPH, PB_MECH_FPROBE, PB_MECH_FPROBE_PTREGS,
                                  PB_MECH_KRETPROBE_BRK, PB_MECH_KRETPROBE_TRAMP };

    st_group_begin("nesting: tail calls");
    for (int mech = 1; mech < PB_MECH_COUNT; mech++)
        tailcall_both(mech);
    st_group_end();

    st_group_begin("nesting: deep recursion");
    for (unsigned int i = 0; i < ARRAY_SIZE(hooked); i++) {
        deep_recursion(hooked[i], 40, PB_HANDLER_WALK);
        deep_recursion(hooked[i], 150, PB_HANDLER_COUNT);
    }
    deep_recursion(PB_MECH_FENTRY_FEXIT, 40, PB_HANDLER_COUNT);
    deep_recursion(PB_MECH_FTRACE_ARGS, 40, PB_HANDLER_WALK);
    st_group_end();

    st_group_begin("several functions and ops");
    many_functions_and_ops();
    ops_list_counts();
    shared_ops_counts();
    all_clones(PB_MECH_FTRACE_ARGS);
    all_clones(PB_MECH_FTRACE_CALLOPS);
    all_clones(PB_MECH_KPROBE_XOL);
    all_clones(PB_MECH_FENTRY_FEXIT);
    st_group_end();
}
