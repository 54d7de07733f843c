/*
 * The typed workload (typed/typed.c): its layout, and hand-written fetch
 * programs over its struct arguments and result on the BRK and ftrace
 * paths (pt_regs and ftrace_regs): members of an anonymous union inside
 * an anonymous struct, a signed bitfield, an embedded char[], strings
 * through pointers, a chained pointer, and $retval->field at exit.
 */
#include "check.h"
#include "pb/patching.h"
#include "pb/probe.h"
#include "pb/typed.h"
#include "scenario.h"
#include "util.h"

static bool typed_overflow;

static void typed_op(struct pb_fetch_prog *p, u8 code, u8 size, u8 is_signed, u8 width, u8 shift, s64 imm)
{
    if (p->nops >= PB_FETCH_MAX_OPS) {
        typed_overflow = true;
        return;
    }
    p->ops[p->nops++] = (struct pb_fetch_op){ .op = code, .size = size, .is_signed = is_signed,
                                              .width = width, .shift = shift, .imm = imm };
}

/* Where the compiler put `level`: set all its bits in a zeroed object and
 * look at the 32-bit unit after the anonymous struct. */
static void level_layout(u64 *unit_offset, u8 *shift, u8 *width)
{
    struct pb_typed_object probe;
    u32 unit;

    memset(&probe, 0, sizeof(probe));
    probe.level = -1;
    *unit_offset = offsetof(struct pb_typed_object, raw) + sizeof(probe.raw);
    memcpy(&unit, (const u8 *)&probe + *unit_offset, sizeof(unit));
    *shift = (u8)__builtin_ctz(unit);
    *width = (u8)__builtin_popcount(unit);
}

static const struct pb_fetch_record_hdr *typed_record(u64 offset)
{
    return (const struct pb_fetch_record_hdr *)&pb_control.ring.data[offset % PB_FETCH_RING_SIZE];
}

static bool string_value_is(const u64 **v, const char *expected)
{
    u64 len = (*v)[0];
    bool ok = len == strlen(expected) && memcmp(&(*v)[1], expected, len) == 0;

    *v += 1 + (len + 7) / 8;
    return ok;
}

static void check_typed_fetch(long mech)
{
    struct pb_fetch_prog *e = &pb_control.fetch_entry, *x = &pb_control.fetch_exit;
    struct pb_call_args *in = &pb_control.call_args;
    const unsigned long fn = (unsigned long)pb_wl_typed;
    const struct pb_typed_object *obj = &pb_typed_object;
    bool has_exit = mech != PB_MECH_KPROBE_XOL;
    u64 unit;
    u8 shift, width;

    level_layout(&unit, &shift, &width);
    memset(e, 0, sizeof(*e));
    memset(x, 0, sizeof(*x));
    typed_overflow = false;
    typed_op(e, PB_FETCH_LOAD_REG, 0, 0, 0, 0, 0);                      /* obj->balance */
    typed_op(e, PB_FETCH_LOAD, 8, 1, 0, 0, offsetof(struct pb_typed_object, balance));
    typed_op(e, PB_FETCH_STORE, 8, 1, 0, 0, 0);
    typed_op(e, PB_FETCH_LOAD_REG, 0, 0, 0, 0, 0);                      /* obj->level */
    typed_op(e, PB_FETCH_LOAD, 4, 0, 0, 0, (s64)unit);
    typed_op(e, PB_FETCH_STORE_BITFIELD, 4, 1, width, shift, 0);
    typed_op(e, PB_FETCH_LOAD_REG, 0, 0, 0, 0, 0);                      /* obj->label */
    typed_op(e, PB_FETCH_ADD, 0, 0, 0, 0, offsetof(struct pb_typed_object, label));
    typed_op(e, PB_FETCH_STORE_STRING, 0, 0, 0, 0, sizeof(obj->label));
    typed_op(e, PB_FETCH_LOAD_REG, 0, 0, 0, 0, 0);                      /* obj->next->name */
    typed_op(e, PB_FETCH_DEREF, 0, 0, 0, 0, offsetof(struct pb_typed_object, next));
    typed_op(e, PB_FETCH_DEREF, 0, 0, 0, 0, offsetof(struct pb_typed_object, name));
    typed_op(e, PB_FETCH_STORE_STRING, 0, 0, 0, 0, PB_FETCH_MAX_STRING);
    typed_op(e, PB_FETCH_LOAD_REG, 0, 0, 0, 0, 4 * 8);                  /* tag (x4) */
    typed_op(e, PB_FETCH_STORE_STRING, 0, 0, 0, 0, PB_FETCH_MAX_STRING);
    typed_op(e, PB_FETCH_LOAD_REG, 0, 0, 0, 0, 2 * 8);                  /* delta (x2, int) */
    typed_op(e, PB_FETCH_STORE, 4, 1, 0, 0, 0);
    typed_op(x, PB_FETCH_LOAD_REG, 0, 0, 0, 0, 0);                      /* $retval->status */
    typed_op(x, PB_FETCH_LOAD, 8, 1, 0, 0, offsetof(struct pb_typed_result, status));
    typed_op(x, PB_FETCH_STORE, 8, 1, 0, 0, 0);
    typed_op(x, PB_FETCH_LOAD_REG, 0, 0, 0, 0, 0);                      /* $retval->message */
    typed_op(x, PB_FETCH_DEREF, 0, 0, 0, 0, offsetof(struct pb_typed_result, message));
    typed_op(x, PB_FETCH_STORE_STRING, 0, 0, 0, 0, PB_FETCH_MAX_STRING);
    CHECK(!typed_overflow);

    s64 saved_tag = in->x[4];
    in->x[4] = (s64)pb_typed_tag;
    pb_reset();
    CHECK_EQ(pb_attach(mech, PB_HANDLER_FETCH, fn, 0), 0);
    st_run(fn, 1, (long)obj);
    CHECK_EQ(pb_detach(fn), 0);
    in->x[4] = saved_tag;

    const struct pb_fetch_record_hdr *entry = NULL, *exit = NULL;
    for (u64 pos = pb_control.ring.tail; pos < pb_control.ring.head; pos += typed_record(pos)->len) {
        const struct pb_fetch_record_hdr *h = typed_record(pos);
        if (h->len < sizeof(*h))
            break;
        if (h->type == PB_REC_ENTRY)
            entry = h;
        else if (h->type == PB_REC_EXIT)
            exit = h;
    }
    CHECK(entry != NULL);
    CHECK_EQ(exit != NULL, has_exit);
    if (entry) {
        const u64 *v = (const u64 *)(entry + 1);
        CHECK_EQ(entry->flags, 0);
        CHECK_EQ(entry->nvalues, 6);
        CHECK_EQ(v[0], (u64)obj->balance);
        CHECK_EQ(v[1], (u64)(s64)obj->level);
        v += 2;
        CHECK(string_value_is(&v, obj->label));
        CHECK(string_value_is(&v, obj->next->name));
        CHECK(string_value_is(&v, pb_typed_tag));
        CHECK_EQ(v[0], (u64)(s64)(int)in->x[2]);
    }
    if (exit) {
        const u64 *v = (const u64 *)(exit + 1);
        CHECK_EQ(exit->flags, 0);
        CHECK_EQ(exit->nvalues, 2);
        CHECK_EQ(v[0], (u64)pb_typed_result.status);
        v += 1;
        CHECK(string_value_is(&v, obj->label));
    }
}

void st_typed_workload(void)
{
    const unsigned long fn = (unsigned long)pb_wl_typed;
    const long mechs[] = { PB_MECH_KPROBE_XOL, PB_MECH_KRETPROBE_BRK, PB_MECH_FPROBE, PB_MECH_FPROBE_PTREGS };

    st_group_begin("typed workload");
    st_set_context("layout", "", "pb_wl_typed");
    CHECK_EQ(pb_ftrace_check_site(fn), 0);
    CHECK((pb_text_read32((void *)(fn + 8)) & 0xffc07fffu) == 0xa9807bfdu); /* stp x29, x30, [sp, #imm]! */
    for (unsigned int i = 0; i < ARRAY_SIZE(mechs); i++) {
        st_set_context(pb_mechanism_get(mechs[i])->name, "fetch", "pb_wl_typed");
        check_typed_fetch(mechs[i]);
    }
    CHECK_EQ(pb_attached_count(), 0);
    st_group_end();
}
