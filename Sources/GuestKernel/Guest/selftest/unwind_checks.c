/*
 * The unwinder on synthetic frame-record chains: each way a chain can be
 * malformed or unvouchable must end the plain walk with its error (or flag
 * it), and must make the reliable walk refuse.
 */
#include "check.h"
#include "pb/fgraph.h"
#include "pb/kretprobe.h"
#include "pb/ptrace.h"
#include "pb/workloads.h"
#include "selftest.h"
#include "util.h"

void st_walk_through(u64 fp, struct pb_walk_pair *out);

#define NR_RECORDS 70

/* Lives on the task stack, in the caller's frame: above the walker's frames. */
struct chain {
    struct frame_record rec[NR_RECORDS];
    struct frame_record_meta meta;
    struct pt_regs regs;
    struct frame_record final;
};

static struct pb_walk_pair walks;
static u64 not_a_stack[2] __aligned(16);

static u64 text_pc(void)
{
    return (u64)pb_wl_leaf + 16;
}

static void walk(const char *what, u64 fp, s64 plain_status, u64 plain_flags, s64 reliable_status)
{
    st_set_context("unwinder", what, "");
    st_walk_through(fp, &walks);
    CHECK_EQ(walks.plain.status, plain_status);
    CHECK((walks.plain.flags & plain_flags) == plain_flags);
    CHECK_EQ(walks.reliable.status, reliable_status);
}

static __noinline void chains(void)
{
    struct chain c __aligned(16);

    /* A well-formed chain ending at a host call's final record. */
    c.final = (struct frame_record){ 0, (u64)pb_host_return };
    c.rec[0] = (struct frame_record){ (u64)&c.final, text_pc() };
    walk("host final", (u64)&c.rec[0], PB_WALK_OK, PB_WALKF_HOST_FINAL, PB_WALK_OK);
    CHECK_EQ(walks.plain.count, 3); /* st_walk_through, this function, text_pc */
    CHECK_EQ(walks.plain.pcs[2], text_pc());

    c.rec[0] = (struct frame_record){ (u64)&c.rec[0], text_pc() };
    walk("self loop", (u64)&c.rec[0], PB_WALK_E_BAD_FRAME, 0, PB_WALK_E_BAD_FRAME);

    c.rec[1] = (struct frame_record){ (u64)&c.rec[0], text_pc() };
    c.rec[0] = (struct frame_record){ (u64)&c.final, text_pc() };
    walk("going down", (u64)&c.rec[1], PB_WALK_E_BAD_FRAME, 0, PB_WALK_E_BAD_FRAME);

    c.rec[0] = (struct frame_record){ (u64)not_a_stack, text_pc() };
    walk("off the stacks", (u64)&c.rec[0], PB_WALK_E_BAD_FRAME, 0, PB_WALK_E_BAD_FRAME);

    c.rec[0] = (struct frame_record){ (u64)&c.rec[1] + 4, text_pc() };
    walk("misaligned", (u64)&c.rec[0], PB_WALK_E_BAD_FRAME, 0, PB_WALK_E_BAD_FRAME);

    c.rec[0] = (struct frame_record){ 0, text_pc() };
    walk("no final record", (u64)&c.rec[0], PB_WALK_E_NO_FINAL, 0, PB_WALK_E_NO_FINAL);

    c.meta = (struct frame_record_meta){ { 0, 0 }, 7 };
    c.rec[0] = (struct frame_record){ (u64)&c.meta, text_pc() };
    walk("unknown meta type", (u64)&c.rec[0], PB_WALK_E_BAD_META, 0, PB_WALK_E_BAD_META);

    c.meta.type = FRAME_META_TYPE_FINAL;
    walk("final not at the top", (u64)&c.rec[0], PB_WALK_E_BAD_META, 0, PB_WALK_E_BAD_META);

    c.rec[0] = (struct frame_record){ (u64)&c.final, (u64)return_to_handler };
    walk("unrecovered fgraph", (u64)&c.rec[0], PB_WALK_OK, PB_WALKF_UNRECOVERED,
         PB_WALK_E_UNRECOVERED);

    c.rec[0] = (struct frame_record){ (u64)&c.final, (u64)pb_kretprobe_trampoline };
    walk("unrecovered kretprobe", (u64)&c.rec[0], PB_WALK_OK, PB_WALKF_UNRECOVERED,
         PB_WALK_E_UNRECOVERED);

    c.rec[0] = (struct frame_record){ (u64)&c.final, 0x1000 };
    walk("pc outside text", (u64)&c.rec[0], PB_WALK_OK, PB_WALKF_NOT_TEXT, PB_WALK_E_NOT_TEXT);

    /* An exception boundary: pt_regs with a metadata record. */
    c.regs.stackframe = (struct frame_record_meta){ { 0, 0 }, FRAME_META_TYPE_PT_REGS };
    c.regs.pc = text_pc();
    c.regs.regs[29] = (u64)&c.final;
    c.rec[0] = (struct frame_record){ (u64)&c.regs.stackframe, text_pc() };
    walk("exception boundary", (u64)&c.rec[0], PB_WALK_OK, PB_WALKF_EXCEPTION,
         PB_WALK_E_EXCEPTION_BOUNDARY);
    CHECK_EQ(walks.plain.count, 4);

    /* Longer than the buffer. */
    for (int i = 0; i < NR_RECORDS - 1; i++)
        c.rec[i] = (struct frame_record){ (u64)&c.rec[i + 1], text_pc() };
    c.rec[NR_RECORDS - 1] = (struct frame_record){ (u64)&c.final, text_pc() };
    walk("too deep", (u64)&c.rec[0], PB_WALK_E_TRUNCATED, 0, PB_WALK_E_TRUNCATED);
    CHECK_EQ(walks.plain.count, PB_WALK_MAX_FRAMES);
}

void st_unwinder(void)
{
    st_group_begin("unwinder on synthetic chains");
    chains();
    st_group_end();
}
