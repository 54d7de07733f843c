/*
 * Frame-record unwinding, as arm64's stacktrace.c (kunwind_*):
 *
 * - follows {fp, lr} records through the IRQ stack and the task stack,
 *   each frame strictly above the previous one on a stack, and stacks only
 *   in the order IRQ -> task;
 * - at a metadata record {0, 0, PT_REGS} (an exception boundary) continues
 *   from pt_regs::pc and pt_regs::x29; a {0, 0, FINAL} record at the top of
 *   the task stack, or the host call's {0, pb_host_return} record, ends it;
 * - recovers return addresses hijacked by the function graph tracer (the
 *   shadow return stack) and by kretprobes (the instance list), matching
 *   the frame's fp.
 *
 * The reliable variant refuses (returns an error) as soon as it cannot
 * vouch for the trace: at an exception boundary (the interrupted function
 * may not have saved its LR yet), on a return address it could not
 * recover, on a pc outside kernel text and unwindable trampolines, on a
 * malformed chain, or when the chain does not end at the final record.
 */
#include "pb/code_alloc.h"
#include "pb/fgraph.h"
#include "pb/kernel.h"
#include "pb/kretprobe.h"
#include "pb/ptrace.h"
#include "pb/task.h"
#include "pb/unwind.h"

#define WALK_DONE 1

enum unwind_source {
    SOURCE_CALLER,
    SOURCE_FRAME,
    SOURCE_REGS_PC,
};

struct unwind_state {
    u64 fp;
    u64 pc;
    enum unwind_source source;
    int graph_idx;
    struct pb_kretprobe_instance *kr_cur;
    enum pb_stack_type stack; /* the stack of the last consumed object */
    u64 low;                  /* nothing below this on that stack may be consumed */
    bool reliable;
    struct pb_walk *out;
};

static bool is_unwindable_text(u64 pc)
{
    pb_code_kind_t kind;

    if (pb_in_text(pc))
        return true;
    return pb_code_lookup(pc, &kind) && kind == PB_CODE_TRAMPOLINE;
}

static bool is_return_trampoline(u64 pc)
{
    return pc == (u64)return_to_handler || pb_is_kretprobe_trampoline(pc);
}

/* Claims [addr, addr + size) as the next object of the walk. */
static int consume_stack(struct unwind_state *s, u64 addr, u64 size)
{
    struct pb_stack_info info = pb_stack_of(addr, size);

    if (info.type == PB_STACK_NONE)
        return PB_WALK_E_BAD_FRAME;
    if (s->stack == info.type) {
        if (addr < s->low)
            return PB_WALK_E_BAD_FRAME;
    } else if (s->stack == PB_STACK_IRQ && info.type == PB_STACK_TASK) {
        s->out->flags |= PB_WALKF_IRQ_STACK;
    } else if (s->stack != PB_STACK_NONE) {
        return PB_WALK_E_BAD_FRAME;
    }
    s->stack = info.type;
    s->low = addr + size;
    return 0;
}

static void recover_return_address(struct unwind_state *s)
{
    if (s->pc == (u64)return_to_handler) {
        u64 orig = pb_fgraph_ret_addr(&s->graph_idx, s->fp);
        if (orig) {
            s->pc = orig;
            s->out->flags |= PB_WALKF_FGRAPH;
        }
    }
    if (pb_is_kretprobe_trampoline(s->pc)) {
        u64 orig = pb_kretprobe_find_ret_addr(s->fp, &s->kr_cur);
        if (orig) {
            s->pc = orig;
            s->out->flags |= PB_WALKF_KRETPROBE;
        }
    }
}

static int emit(struct unwind_state *s)
{
    struct pb_walk *out = s->out;

    if (s->reliable && s->source == SOURCE_REGS_PC)
        return PB_WALK_E_EXCEPTION_BOUNDARY;
    if (is_return_trampoline(s->pc)) {
        out->flags |= PB_WALKF_UNRECOVERED;
        if (s->reliable)
            return PB_WALK_E_UNRECOVERED;
    } else if (!is_unwindable_text(s->pc)) {
        out->flags |= PB_WALKF_NOT_TEXT;
        if (s->reliable)
            return PB_WALK_E_NOT_TEXT;
    }
    if (out->count == PB_WALK_MAX_FRAMES)
        return PB_WALK_E_TRUNCATED;
    out->pcs[out->count++] = s->pc;
    return 0;
}

static int next_from_meta(struct unwind_state *s, u64 fp)
{
    if (pb_stack_of(fp, sizeof(struct frame_record_meta)).type == PB_STACK_NONE)
        return PB_WALK_E_BAD_FRAME;
    u64 type = ((const struct frame_record_meta *)fp)->type;

    if (type == FRAME_META_TYPE_FINAL) {
        if (fp == (u64)pb_task_stack_top + S_STACKFRAME)
            return WALK_DONE;
        return PB_WALK_E_BAD_META;
    }
    if (type != FRAME_META_TYPE_PT_REGS)
        return PB_WALK_E_BAD_META;

    const struct pt_regs *regs = container_of((const struct frame_record_meta *)fp,
                                              struct pt_regs, stackframe);
    int err = consume_stack(s, (u64)regs, sizeof(*regs));
    if (err)
        return err;
    s->pc = regs->pc;
    s->fp = regs->regs[29];
    s->source = SOURCE_REGS_PC;
    s->out->flags |= PB_WALKF_EXCEPTION;
    return 0;
}

static int next_frame(struct unwind_state *s)
{
    u64 fp = s->fp;

    if (fp == 0)
        return PB_WALK_E_NO_FINAL;
    if (fp & 7)
        return PB_WALK_E_BAD_FRAME;
    if (pb_stack_of(fp, sizeof(struct frame_record)).type == PB_STACK_NONE)
        return PB_WALK_E_BAD_FRAME;

    const struct frame_record *record = (const struct frame_record *)fp;
    u64 new_fp = READ_ONCE(record->fp);
    u64 new_pc = READ_ONCE(record->lr);

    if (!new_fp && !new_pc)
        return next_from_meta(s, fp);
    int err = consume_stack(s, fp, sizeof(*record));
    if (err)
        return err;
    if (!new_fp && new_pc == (u64)pb_host_return && s->stack == PB_STACK_TASK) {
        s->out->flags |= PB_WALKF_HOST_FINAL;
        return WALK_DONE;
    }
    s->fp = new_fp;
    s->pc = new_pc;
    s->source = SOURCE_FRAME;
    return 0;
}

static void unwind(struct unwind_state *s)
{
    int ret;

    recover_return_address(s);
    for (;;) {
        ret = emit(s);
        if (ret)
            break;
        ret = next_frame(s);
        if (ret == WALK_DONE) {
            ret = PB_WALK_OK;
            break;
        }
        if (ret)
            break;
        recover_return_address(s);
    }
    s->out->status = ret;
}

static void walk_from(struct pb_walk *out, u64 fp, u64 pc, enum unwind_source source, bool reliable)
{
    struct unwind_state s = {
        .fp = fp,
        .pc = pc,
        .source = source,
        .graph_idx = PB_FGRAPH_IDX_TOP,
        .kr_cur = NULL,
        .stack = PB_STACK_NONE,
        .low = 0,
        .reliable = reliable,
        .out = out,
    };

    out->count = 0;
    out->flags = 0;
    unwind(&s);
    out->seq++;
}

__noinline void pb_stack_walk_pair(struct pb_walk_pair *out)
{
    /* Start at our caller, as kunwind_init_from_caller: its frame record is
     * the one our own record points to. */
    const struct frame_record *self = __builtin_frame_address(0);
    u64 fp = self->fp;
    u64 pc = (u64)__builtin_return_address(0);

    walk_from(&out->plain, fp, pc, SOURCE_CALLER, false);
    walk_from(&out->reliable, fp, pc, SOURCE_CALLER, true);
}

/* As kunwind_init_from_regs: pc and x29 from the set, nothing from its lr
 * (at a function's entry the caller is only there, so the walk misses it). */
__noinline void pb_stack_walk_regs(struct pb_walk_pair *out, const void *regs, u32 regs_kind)
{
    u64 pc, fp;

    if (regs_kind == PB_REGS_PT) {
        pc = ((const struct pt_regs *)regs)->pc;
        fp = ((const struct pt_regs *)regs)->regs[29];
    } else {
        pc = ((const struct ftrace_regs *)regs)->pc;
        fp = ((const struct ftrace_regs *)regs)->fp;
    }
    walk_from(&out->plain, fp, pc, SOURCE_REGS_PC, false);
}
