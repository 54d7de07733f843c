/*
 * What the `args` and `fetch` handler kinds record, against the arguments
 * the driver passed (pb_control.call_args) and the result with nothing
 * attached.
 */
#include "check.h"
#include "pb/ptrace.h"
#include "pb/workloads.h"
#include "pb/task.h"
#include "scenario.h"
#include "util.h"

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

static bool program_overflow;

static void op(struct pb_fetch_prog *p, u8 code, u8 size, u8 is_signed, u8 width, u8 shift, s64 imm)
{
    if (p->nops >= PB_FETCH_MAX_OPS) {
        program_overflow = true;
        return;
    }
    struct pb_fetch_op *o = &p->ops[p->nops++];

    o->op = code;
    o->size = size;
    o->is_signed = is_signed;
    o->width = width;
    o->shift = shift;
    o->imm = imm;
}

#define ST_FETCH_VALUES 16

/*
 * Entry: x0, stack slot 1 (the 10th argument), ((struct pb_big_arg *)slot 2)->b,
 * the probed pc from the regs struct, a string, two bitfields of 0xabcd,
 * the low byte of x1, then fp, the lr of the frame record fp points to
 * (read at the probe), lr and sp from the regs struct, sized loads from the
 * struct (s32 d, u16 a, s8 c) and a value truncated by a 1-byte signed store.
 * Exit: the return value and pc.
 */
void st_fetch_program(int mech)
{
    struct pb_fetch_prog *e = &pb_control.fetch_entry, *x = &pb_control.fetch_exit;
    bool pt = st_mech_regs_are_pt(mech);
    s64 pc_offset = pt ? S_PC : FREGS_PC;

    memset(e, 0, sizeof(*e));
    memset(x, 0, sizeof(*x));
    program_overflow = false;
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
    op(e, PB_FETCH_LOAD_REG, 0, 0, 0, 0, pt ? S_FP : FREGS_FP);
    op(e, PB_FETCH_STORE, 8, 0, 0, 0, 0);
    op(e, PB_FETCH_LOAD_REG, 0, 0, 0, 0, pt ? S_FP : FREGS_FP);
    op(e, PB_FETCH_DEREF, 0, 0, 0, 0, 8);
    op(e, PB_FETCH_STORE, 8, 0, 0, 0, 0);
    op(e, PB_FETCH_LOAD_REG, 0, 0, 0, 0, pt ? S_LR : FREGS_LR);
    op(e, PB_FETCH_STORE, 8, 0, 0, 0, 0);
    op(e, PB_FETCH_LOAD_REG, 0, 0, 0, 0, pt ? S_SP : FREGS_SP);
    op(e, PB_FETCH_STORE, 8, 0, 0, 0, 0);
    op(e, PB_FETCH_LOAD_STACK, 0, 0, 0, 0, 2);
    op(e, PB_FETCH_LOAD, 4, 1, 0, 0, offsetof(struct pb_big_arg, d));
    op(e, PB_FETCH_STORE, 8, 1, 0, 0, 0);
    op(e, PB_FETCH_LOAD_STACK, 0, 0, 0, 0, 2);
    op(e, PB_FETCH_LOAD, 2, 0, 0, 0, offsetof(struct pb_big_arg, a));
    op(e, PB_FETCH_STORE, 8, 0, 0, 0, 0);
    op(e, PB_FETCH_LOAD_STACK, 0, 0, 0, 0, 2);
    op(e, PB_FETCH_LOAD, 1, 1, 0, 0, offsetof(struct pb_big_arg, c));
    op(e, PB_FETCH_STORE, 8, 1, 0, 0, 0);
    op(e, PB_FETCH_IMM, 0, 0, 0, 0, 0x1ff);
    op(e, PB_FETCH_STORE, 1, 1, 0, 0, 0);
    op(e, PB_FETCH_END, 0, 0, 0, 0, 0);
    op(x, PB_FETCH_LOAD_REG, 0, 0, 0, 0, 0);
    op(x, PB_FETCH_STORE, 8, 1, 0, 0, 0);
    op(x, PB_FETCH_LOAD_REG, 0, 0, 0, 0, pc_offset);
    op(x, PB_FETCH_STORE, 8, 0, 0, 0, 0);
    CHECK(!program_overflow);
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
    CHECK_EQ(v[3], st_entry_pc(mech, w));
    CHECK_EQ(v[4], sizeof(fetch_string) - 1);
    CHECK(memcmp(&v[5], fetch_string, sizeof(fetch_string) - 1) == 0);
    CHECK_EQ(v[7], 0xc);
    CHECK_EQ(v[8], (u64)-6);
    CHECK_EQ(v[9], (u64)in->x[1] & 0xff);
    /* At the traced function's entry: fp is the driver's frame record (its lr
     * returns into pb_run), lr returns into the driver, and sp is the
     * driver's SP (its frame record sits 64 bytes above, see driver.S). */
    CHECK(pb_stack_of(v[10], 16).type == PB_STACK_TASK);
    CHECK_EQ(v[11], st_ref.tail[1]);
    CHECK_EQ(v[12], (u64)pb_driver_return_site);
    CHECK_EQ(v[13], v[10] - 64);
    CHECK_EQ(v[14], (u64)(s64)(s32)in->big.d);
    CHECK_EQ(v[15], (u64)(u16)in->big.a);
    CHECK_EQ(v[16], (u64)(s64)(s8)in->big.c);
    CHECK_EQ(v[17], (u64)-1);
    CHECK_EQ(first_entry->len, sizeof(*first_entry) + 18 * 8);
    if (st_mech_has_exit(mech) && last_exit) {
        const u64 *x = (const u64 *)(last_exit + 1);
        CHECK_EQ(last_exit->flags, 0);
        CHECK_EQ(last_exit->nvalues, 2);
        CHECK_EQ(x[0], w->ret_none);
        /* pc where execution continues: the driver (fentry: still the body, F + 8) */
        CHECK_EQ(x[1], mech == PB_MECH_FENTRY_FEXIT ? w->fn + 8 : (u64)pb_driver_return_site);
    }
}

/* Bad accesses in a fetch program flag the record and store 0; the ring
 * wraps with a PAD record and drops what does not fit. */
static void fetch_faults_and_ring(void)
{
    struct pb_fetch_prog *e = &pb_control.fetch_entry;
    const unsigned long leaf = (unsigned long)pb_wl_leaf;

    st_set_context("ftrace-args", "fetch", "faults");
    CHECK_EQ(pb_attach(PB_MECH_FTRACE_ARGS, PB_HANDLER_FETCH, leaf, 0), 0);
    for (int fault = 0; fault < 4; fault++) {
        memset(e, 0, sizeof(*e));
        switch (fault) {
        case 0: /* outside RAM */
            op(e, PB_FETCH_IMM, 0, 0, 0, 0, 0x10);
            op(e, PB_FETCH_DEREF, 0, 0, 0, 0, 0);
            break;
        case 1: /* misaligned for Device memory */
            op(e, PB_FETCH_LOAD_REG, 0, 0, 0, 0, FREGS_SP);
            op(e, PB_FETCH_LOAD, 4, 0, 0, 0, 2);
            break;
        case 2: /* outside the regs struct */
            op(e, PB_FETCH_LOAD_REG, 0, 0, 0, 0, FREGS_SIZE);
            break;
        default: /* a valid load, for contrast */
            op(e, PB_FETCH_LOAD_REG, 0, 0, 0, 0, FREGS_SP);
            op(e, PB_FETCH_LOAD, 4, 0, 0, 0, 4);
            break;
        }
        op(e, PB_FETCH_STORE, 8, 0, 0, 0, 0);
        pb_reset();
        st_run(leaf, 1, 1);
        const struct pb_fetch_record_hdr *h = record_at(0);
        CHECK_EQ(h->flags, fault < 3 ? PB_RECF_FAULT : 0);
        CHECK_EQ(h->nvalues, 1);
        if (fault < 3)
            CHECK_EQ(((const u64 *)(h + 1))[0], 0);
    }
    CHECK_EQ(pb_detach(leaf), 0);

    /* 5 words (40 bytes) per record: the ring fills, wraps, and drops. */
    st_set_context("ftrace-args", "fetch", "ring");
    memset(e, 0, sizeof(*e));
    op(e, PB_FETCH_IMM, 0, 0, 0, 0, 42);
    op(e, PB_FETCH_STORE, 8, 0, 0, 0, 0);
    op(e, PB_FETCH_STORE, 8, 0, 0, 0, 0);
    pb_reset();
    CHECK_EQ(pb_attach(PB_MECH_FTRACE_ARGS, PB_HANDLER_FETCH, leaf, 0), 0);
    u64 per_record = sizeof(struct pb_fetch_record_hdr) + 16;
    u64 fit = PB_FETCH_RING_SIZE / per_record;
    st_run(leaf, (long)fit + 3, 1);
    CHECK_EQ(pb_control.ring.head, fit * per_record);
    CHECK_EQ(pb_control.ring.dropped, 3);
    /* The host consumes everything; the next record needs the tail: PAD, then offset 0. */
    pb_control.ring.tail = pb_control.ring.head;
    st_run(leaf, 1, 1);
    u64 pad = PB_FETCH_RING_SIZE - fit * per_record;
    CHECK_EQ(record_at(fit * per_record)->type, PB_REC_PAD);
    CHECK_EQ(record_at(fit * per_record)->len, pad);
    CHECK_EQ(record_at(0)->type, PB_REC_ENTRY);
    CHECK_EQ(((const u64 *)(record_at(0) + 1))[0], 42);
    CHECK_EQ(pb_control.ring.head, (fit * per_record) + pad + per_record);
    CHECK_EQ(pb_detach(leaf), 0);
}

void st_fetch_edge_cases(void)
{
    st_group_begin("fetch programs and ring");
    fetch_faults_and_ring();
    st_group_end();
}
