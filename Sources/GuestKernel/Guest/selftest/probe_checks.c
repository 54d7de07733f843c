/*
 * What the `args` and `fetch` handler kinds record, against the arguments
 * the driver passed (pb_control.call_args) and the result with nothing
 * attached.
 */
#include "check.h"
#include "pb/ptrace.h"
#include "pb/workloads.h"
#include "scenario.h"

static const char fetch_string[] = "probe:bench";

/* x0 and x1 of the last (deepest) traced entry. */
static void expected_first_args(const struct st_workload *w, s64 *x0, s64 *x1)
{
    const struct pb_call_args *in = &pb_control.call_args;

    *x0 = w->arg0;
    *x1 = in->x[1];
    if (w->fn == (unsigned long)pb_wl_recursive) {
        *x0 = 0;
        *x1 = in->x[1] + ST_DEPTH;
    }
}

void st_check_args(int mech, const struct st_workload *w)
{
    const struct pb_control *c = &pb_control;
    const struct pb_call_args *in = &c->call_args;
    s64 x0, x1;

    expected_first_args(w, &x0, &x1);
    CHECK_EQ(c->last_entry_func, w->fn);
    CHECK_EQ(c->last_args[0], x0);
    CHECK_EQ(c->last_args[1], x1);
    if (w->fn == (unsigned long)pb_wl_args) {
        bool regs_ok = true;
        for (int i = 2; i < 8; i++)
            regs_ok &= c->last_args[i] == in->x[i];
        CHECK(regs_ok);
        CHECK_EQ(c->last_args[8], in->x[8]);
        CHECK_EQ(c->last_args[9], in->x[9]);
        CHECK_EQ(c->last_big_valid, 1);
        CHECK(c->last_big.a == in->big.a && c->last_big.b == in->big.b &&
              c->last_big.c == in->big.c && c->last_big.d == in->big.d);
    }
    if (st_mech_has_exit(mech)) {
        CHECK_EQ(c->last_exit_func, w->fn);
        CHECK_EQ(c->last_retval, w->ret_none);
    }
}

static void op(struct pb_fetch_prog *p, u8 code, u8 size, u8 is_signed, u8 width, u8 shift, s64 imm)
{
    struct pb_fetch_op *o = &p->ops[p->nops++];

    o->op = code;
    o->size = size;
    o->is_signed = is_signed;
    o->width = width;
    o->shift = shift;
    o->imm = imm;
}

#define ST_FETCH_VALUES 8

/*
 * Entry: x0, stack slot 1 (the 10th argument), ((struct pb_big_arg *)slot 2)->b,
 * the probed pc from the regs struct, a string, two bitfields of 0xabcd and
 * the low byte of x1. Exit: the return value.
 */
void st_fetch_program(int mech)
{
    struct pb_fetch_prog *e = &pb_control.fetch_entry, *x = &pb_control.fetch_exit;
    s64 pc_offset = st_mech_regs_are_pt(mech) ? S_PC : FREGS_PC;

    memset(e, 0, sizeof(*e));
    memset(x, 0, sizeof(*x));
    op(e, PB_FETCH_LOAD_REG, 0, 0, 0, 0, 0);
    op(e, PB_FETCH_STORE, 8, 1, 0, 0, 0);
    op(e, PB_FETCH_LOAD_STACK, 0, 0, 0, 0, 1);
    op(e, PB_FETCH_STORE, 8, 1, 0, 0, 0);
    op(e, PB_FETCH_LOAD_STACK, 0, 0, 0, 0, 2);
    op(e, PB_FETCH_LOAD, 8, 1, 0, 0, offsetof(struct pb_big_arg, b));
    op(e, PB_FETCH_STORE, 8, 1, 0, 0, 0);
    op(e, PB_FETCH_LOAD_REG, 0, 0, 0, 0, pc_offset);
    op(e, PB_FETCH_STORE, 8, 0, 0, 0, 0);
    op(e, PB_FETCH_IMM, 0, 0, 0, 0, (s64)fetch_string);
    op(e, PB_FETCH_STORE_STRING, 0, 0, 0, 0, 16);
    op(e, PB_FETCH_IMM, 0, 0, 0, 0, 0xabcd);
    op(e, PB_FETCH_STORE_BITFIELD, 2, 0, 4, 4, 0);
    op(e, PB_FETCH_IMM, 0, 0, 0, 0, 0xabcd);
    op(e, PB_FETCH_STORE_BITFIELD, 2, 1, 4, 12, 0);
    op(e, PB_FETCH_LOAD_REG, 0, 0, 0, 0, 8);
    op(e, PB_FETCH_STORE, 1, 0, 0, 0, 0);
    op(e, PB_FETCH_END, 0, 0, 0, 0, 0);
    op(x, PB_FETCH_LOAD_REG, 0, 0, 0, 0, 0);
    op(x, PB_FETCH_STORE, 8, 1, 0, 0, 0);
}

static const struct pb_fetch_record_hdr *record_at(u64 offset)
{
    return (const struct pb_fetch_record_hdr *)&pb_control.ring.data[offset % PB_FETCH_RING_SIZE];
}

void st_check_fetch(int mech, const struct st_workload *w)
{
    const struct pb_fetch_ring *r = &pb_control.ring;
    const struct pb_call_args *in = &pb_control.call_args;
    u64 entries = 0, exits = 0, pos = r->tail;
    const struct pb_fetch_record_hdr *first_entry = NULL, *last_exit = NULL;
    bool headers_ok = true;

    CHECK_EQ(r->dropped, 0);
    while (pos < r->head) {
        const struct pb_fetch_record_hdr *h = record_at(pos);
        if (h->len < 8 || (h->len & 7)) {
            headers_ok = false;
            break;
        }
        if (h->type == PB_REC_ENTRY) {
            entries++;
            if (!first_entry)
                first_entry = h;
        } else if (h->type == PB_REC_EXIT) {
            exits++;
            last_exit = h;
        }
        /* Deeper recursion levels have no stack arguments: faults are fine there. */
        if (h->type != PB_REC_PAD)
            headers_ok &= h->func == w->fn && h->regs_kind == (st_mech_regs_are_pt(mech) ? PB_REGS_PT : PB_REGS_FTRACE);
        pos += h->len;
    }
    CHECK(headers_ok);
    CHECK_EQ(entries, ST_CALLS * w->entries_per_call);
    CHECK_EQ(exits, st_mech_has_exit(mech) ? ST_CALLS * w->entries_per_call : 0);
    if (!first_entry)
        return;

    /* The first record is the driver's outermost call of this run. */
    const u64 *v = (const u64 *)(first_entry + 1);
    CHECK_EQ(first_entry->flags, 0);
    CHECK_EQ(first_entry->nvalues, ST_FETCH_VALUES);
    CHECK_EQ(v[0], w->arg0);
    CHECK_EQ(v[1], in->x[9]);
    CHECK_EQ(v[2], in->big.b);
    CHECK_EQ(v[3], w->fn + 8);
    CHECK_EQ(v[4], sizeof(fetch_string) - 1);
    CHECK(memcmp(&v[5], fetch_string, sizeof(fetch_string) - 1) == 0);
    CHECK_EQ(v[7], 0xc);
    CHECK_EQ(v[8], (u64)-6);
    CHECK_EQ(v[9], (u64)in->x[1] & 0xff);
    CHECK_EQ(first_entry->len, sizeof(*first_entry) + 10 * 8);
    if (st_mech_has_exit(mech) && last_exit) {
        CHECK_EQ(last_exit->flags, 0);
        CHECK_EQ(last_exit->nvalues, 1);
        CHECK_EQ(((const u64 *)(last_exit + 1))[0], w->ret_none);
    }
}
