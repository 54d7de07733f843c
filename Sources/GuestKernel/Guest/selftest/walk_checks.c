/*
 * Expected stack walks per mechanism, against the reference taken with
 * nothing attached (st_ref). The traced function F appears as F + 8 (the
 * return address into its body that the trampoline's own frame record
 * holds), or as F where a BRK on its symbol interrupted it (st_entry_pc:
 * written E below); tail = [pb_driver_return_site, return into pb_run,
 * return into st_run].
 *
 *   entry walk   ftrace/direct/fentry/fgraph/fprobe: ..., trampoline, F+8, tail
 *                BRK entry (kprobes, kretprobes) and the broken nofp
 *                trampoline: ..., E, tail[1..] - the caller's frame is
 *                missing (LR not saved yet / record skipped); the reliable
 *                walker refuses BRK entries but cannot see the nofp bug.
 *   exit walk    ..., tail (fentry: F+8, tail); reliable except kretprobe-brk
 *   callee walk  identical to the reference (fentry: its two frames inserted)
 *   IRQ walk     crosses IRQ stack -> exception -> task stack, ends like the
 *                callee walk; the reliable walker refuses
 *   regs walks   (regs-walk handlers: from the set's pc and x29, as perf)
 *                entry: E, tail[1..] on every path - F has not saved its
 *                LR, so the caller is missing; exit: tail (fentry: F+8,
 *                tail[1..], its pc being still F+8)
 */
#include "check.h"
#include "pb/code_alloc.h"
#include "pb/ftrace.h"
#include "pb/workloads.h"
#include "scenario.h"
#include "util.h"

extern char el1h_sync[], el1h_irq[];

static bool is_trampoline_pc(u64 pc)
{
    pb_code_kind_t kind;

    if (pc >= (u64)pb_ftrace_trampolines_start && pc < (u64)pb_ftrace_trampolines_end)
        return true;
    return pb_code_lookup(pc, &kind) && kind == PB_CODE_TRAMPOLINE;
}

static bool entry_misses_caller(int mech)
{
    return st_mech_brk_entry(mech) || mech == PB_MECH_FTRACE_ARGS_NOFP;
}

/* E, then `repeat` copies of one return address inside F's body, then the tail. */
static int find_entry_chain(const struct pb_walk *w, u64 fn, u64 e, int repeat, bool skip_driver)
{
    for (int i = 0; i < (int)w->count; i++) {
        if (w->pcs[i] != e)
            continue;
        int j = i + 1;
        if (repeat > 0) {
            u64 r = w->pcs[j];
            if (r <= fn + 8 || r >= fn + 8 + 256)
                continue;
            int k = 0;
            while (k < repeat && j < (int)w->count && w->pcs[j] == r)
                k++, j++;
            if (k != repeat)
                continue;
        }
        int t = skip_driver ? 1 : 0;
        bool ok = true;
        for (; t < 3; t++, j++)
            ok &= j < (int)w->count && w->pcs[j] == st_ref.tail[t];
        if (ok)
            return i;
    }
    return -1;
}

/* fentry-fexit through recursion: F+8, then (R, trampoline, F+8) per level, tail. */
static bool fentry_recursive_chain(const struct pb_walk *w, u64 f8, int depth)
{
    int i = 0;

    while (i < (int)w->count && w->pcs[i] != f8)
        i++;
    if (i + 1 + 3 * depth + 3 > (int)w->count)
        return false;
    u64 r = w->pcs[i + 1];
    for (int level = 0; level < depth; level++) {
        int j = i + 1 + 3 * level;
        if (w->pcs[j] != r || !is_trampoline_pc(w->pcs[j + 1]) || w->pcs[j + 2] != f8)
            return false;
    }
    int j = i + 1 + 3 * depth;
    return w->pcs[j] == st_ref.tail[0] && w->pcs[j + 1] == st_ref.tail[1] &&
           w->pcs[j + 2] == st_ref.tail[2];
}

void st_check_entry_walk(int mech, const struct st_workload *w)
{
    const struct pb_walk *plain = &pb_control.entry_walk.plain;
    const struct pb_walk *rel = &pb_control.entry_walk.reliable;
    u64 f8 = w->fn + 8, e = st_entry_pc(mech, w);
    bool recursive = w->fn == (unsigned long)pb_wl_recursive;
    bool misses = entry_misses_caller(mech);

    CHECK_EQ(plain->status, PB_WALK_OK);
    int i;
    if (recursive && mech == PB_MECH_FENTRY_FEXIT) {
        CHECK(fentry_recursive_chain(plain, f8, ST_DEPTH));
        i = 0;
        while (i < (int)plain->count && plain->pcs[i] != f8)
            i++;
    } else {
        int repeat = recursive ? (misses ? ST_DEPTH - 1 : ST_DEPTH) : 0;
        /* Through recursion the missing frame is one of the repeats. */
        i = find_entry_chain(plain, w->fn, e, repeat, misses && !recursive);
        CHECK(i >= 0);
    }
    if (st_mech_brk_entry(mech)) {
        CHECK(plain->flags & PB_WALKF_EXCEPTION);
        CHECK(i > 0 && plain->pcs[i - 1] > (u64)el1h_sync && plain->pcs[i - 1] < (u64)el1h_irq);
        CHECK_EQ(rel->status, PB_WALK_E_EXCEPTION_BOUNDARY);
    } else {
        CHECK(i > 0 && is_trampoline_pc(plain->pcs[i - 1]));
        CHECK(st_walk_equal(rel, plain));
    }
    if (recursive && (mech == PB_MECH_FGRAPH || mech == PB_MECH_FPROBE || mech == PB_MECH_FPROBE_PTREGS))
        CHECK(plain->flags & PB_WALKF_FGRAPH);
    if (recursive && (mech == PB_MECH_KRETPROBE_BRK || mech == PB_MECH_KRETPROBE_TRAMP))
        CHECK(plain->flags & PB_WALKF_KRETPROBE);
}

void st_check_exit_walk(int mech, const struct st_workload *w)
{
    const struct pb_walk *plain = &pb_control.exit_walk.plain;
    const struct pb_walk *rel = &pb_control.exit_walk.reliable;

    CHECK_EQ(plain->status, PB_WALK_OK);
    if (mech == PB_MECH_FENTRY_FEXIT) {
        u64 seq[4] = { w->fn + 8, st_ref.tail[0], st_ref.tail[1], st_ref.tail[2] };
        CHECK(st_walk_find(plain, seq, 4) >= 0);
    } else {
        CHECK(st_walk_find(plain, st_ref.tail, 3) >= 0);
    }
    if (mech == PB_MECH_KRETPROBE_BRK) {
        CHECK(plain->flags & PB_WALKF_EXCEPTION);
        CHECK_EQ(rel->status, PB_WALK_E_EXCEPTION_BOUNDARY);
    } else {
        CHECK(st_walk_equal(rel, plain));
    }
    if (mech == PB_MECH_FGRAPH || mech == PB_MECH_FPROBE || mech == PB_MECH_FPROBE_PTREGS)
        CHECK(plain->flags & PB_WALKF_FGRAPH);
    if (mech == PB_MECH_KRETPROBE_TRAMP)
        CHECK(plain->flags & PB_WALKF_KRETPROBE);
}

/* Index of tail[2] in the reference callee walk: the compared prefix ends there. */
static int reference_prefix_end(void)
{
    return st_walk_find(&st_ref.callee, &st_ref.tail[2], 1);
}

/* The reference with fentry's two frames (trampoline, F+8) after the sampled function. */
static bool callee_walk_matches(const struct pb_walk *got, int mech, u64 f8)
{
    const struct pb_walk *ref = &st_ref.callee;
    int end = reference_prefix_end();

    if (end < 2)
        return false;
    if (mech != PB_MECH_FENTRY_FEXIT) {
        for (int k = 0; k <= end; k++)
            if (k >= (int)got->count || got->pcs[k] != ref->pcs[k])
                return false;
        return true;
    }
    if ((int)got->count < end + 3)
        return false;
    for (int k = 0; k < 2; k++)
        if (got->pcs[k] != ref->pcs[k])
            return false;
    if (!is_trampoline_pc(got->pcs[2]) || got->pcs[3] != f8)
        return false;
    for (int k = 2; k <= end; k++)
        if (got->pcs[k + 2] != ref->pcs[k])
            return false;
    return true;
}

void st_check_callee_walk(int mech, const struct st_workload *w)
{
    const struct pb_walk *plain = &pb_control.callee_walk.plain;
    const struct pb_walk *rel = &pb_control.callee_walk.reliable;

    CHECK_EQ(plain->status, PB_WALK_OK);
    CHECK(callee_walk_matches(plain, mech, w->fn + 8));
    CHECK(st_walk_equal(rel, plain));
    if (mech == PB_MECH_FGRAPH || mech == PB_MECH_FPROBE || mech == PB_MECH_FPROBE_PTREGS)
        CHECK(plain->flags & PB_WALKF_FGRAPH);
    if (mech == PB_MECH_KRETPROBE_BRK || mech == PB_MECH_KRETPROBE_TRAMP)
        CHECK(plain->flags & PB_WALKF_KRETPROBE);
}

void st_check_irq_walk(int mech, const struct st_workload *w)
{
    const struct pb_walk *irq = &pb_control.irq_walk.plain;
    const struct pb_walk *callee = &pb_control.callee_walk.plain;
    int end = reference_prefix_end() + (mech == PB_MECH_FENTRY_FEXIT ? 2 : 0);

    (void)w;
    CHECK_EQ(pb_control.irq_count, ST_CALLS);
    CHECK_EQ(irq->status, PB_WALK_OK);
    CHECK((irq->flags & (PB_WALKF_EXCEPTION | PB_WALKF_IRQ_STACK)) ==
          (PB_WALKF_EXCEPTION | PB_WALKF_IRQ_STACK));
    /* The callee's callers, as the callee itself saw them. */
    CHECK(end > 1 && st_walk_find(irq, &callee->pcs[1], end) >= 0);
    CHECK_EQ(pb_control.irq_walk.reliable.status, PB_WALK_E_EXCEPTION_BOUNDARY);
}

/* `first` and then tail[1..]: the walk skips the caller (tail[0]). */
static bool starts_then_skips_caller(const struct pb_walk *w, u64 first)
{
    return w->count >= 3 && w->pcs[0] == first && w->pcs[1] == st_ref.tail[1] && w->pcs[2] == st_ref.tail[2];
}

void st_check_regs_walks(int mech, const struct st_workload *w)
{
    const struct pb_walk *entry = &pb_control.entry_walk.plain;
    const struct pb_walk *exit = &pb_control.exit_walk.plain;
    u64 f8 = w->fn + 8, e = st_entry_pc(mech, w);

    CHECK_EQ(entry->status, PB_WALK_OK);
    /* Through recursion the last entry is the innermost level's: its caller
     * is F itself, so the walk goes on at F's caller (for fentry, F's body
     * was called by the trampoline). */
    if (w->fn == (unsigned long)pb_wl_recursive)
        CHECK(entry->count > 1 && entry->pcs[0] == e &&
              (mech == PB_MECH_FENTRY_FEXIT ? is_trampoline_pc(entry->pcs[1])
                                            : entry->pcs[1] > f8 && entry->pcs[1] < f8 + 256));
    else
        CHECK(starts_then_skips_caller(entry, e));
    if (!st_mech_has_exit(mech))
        return;
    CHECK_EQ(exit->status, PB_WALK_OK);
    if (mech == PB_MECH_FENTRY_FEXIT)
        CHECK(w->fn == (unsigned long)pb_wl_recursive ? exit->pcs[0] == f8 : starts_then_skips_caller(exit, f8));
    else
        CHECK_EQ(st_walk_find(exit, st_ref.tail, 3), 0);
}
