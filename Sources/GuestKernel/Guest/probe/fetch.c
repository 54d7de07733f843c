/*
 * The fetch-program interpreter (handler kind `fetch`), in the spirit of
 * the kernel's trace_probe fetch_insn: load a value from the regs struct or
 * the stack, follow pointers, and store typed values into a ring record.
 * Every memory access is checked (inside RAM and naturally aligned, as
 * Device memory requires); a bad access stores 0 and flags the record.
 */
#include "pb/probe.h"

#define RAM_START 0x40000000UL
#define RAM_END 0x80000000UL
#define MAX_PAYLOAD PB_FETCH_MAX_PAYLOAD
#define MAX_STRING PB_FETCH_MAX_STRING
#define HDR_SIZE sizeof(struct pb_fetch_record_hdr)

struct fetch_out {
    u64 words[MAX_PAYLOAD / 8];
    u32 bytes;
    u32 nvalues;
    bool fault;
};

static bool readable(u64 addr, u64 size)
{
    return addr >= RAM_START && addr + size <= RAM_END && addr + size > addr &&
           (addr & (size - 1)) == 0;
}

static u64 load(struct fetch_out *o, u64 addr, unsigned int size, bool is_signed)
{
    if (!(size == 1 || size == 2 || size == 4 || size == 8) || !readable(addr, size)) {
        o->fault = true;
        return 0;
    }
    switch (size) {
    case 1:
        return is_signed ? (u64)(s64) * (const s8 *)addr : *(const u8 *)addr;
    case 2:
        return is_signed ? (u64)(s64) * (const s16 *)addr : *(const u16 *)addr;
    case 4:
        return is_signed ? (u64)(s64) * (const s32 *)addr : *(const u32 *)addr;
    default:
        return *(const u64 *)addr;
    }
}

static u64 extend(u64 v, unsigned int size, bool is_signed)
{
    if (size >= 8 || size == 0)
        return v;
    unsigned int bits = size * 8;
    u64 mask = (1UL << bits) - 1;
    v &= mask;
    if (is_signed && (v >> (bits - 1)))
        v |= ~mask;
    return v;
}

static void append_word(struct fetch_out *o, u64 v)
{
    if (o->bytes + 8 > MAX_PAYLOAD) {
        o->fault = true;
        return;
    }
    o->words[o->bytes / 8] = v;
    o->bytes += 8;
}

static void append_string(struct fetch_out *o, u64 addr, s64 max_len)
{
    u8 buf[MAX_STRING];
    u64 len = 0;
    u64 limit = max_len <= 0 || max_len > MAX_STRING ? MAX_STRING : (u64)max_len;

    while (len < limit) {
        if (!readable(addr + len, 1)) {
            o->fault = true;
            break;
        }
        u8 c = *(const u8 *)(addr + len);
        if (!c)
            break;
        buf[len++] = c;
    }
    u64 padded = (len + 7) & ~7UL;
    if (o->bytes + 8 + padded > MAX_PAYLOAD) {
        o->fault = true;
        return;
    }
    append_word(o, len);
    u8 *dst = (u8 *)o->words + o->bytes;
    for (u64 i = 0; i < padded; i++)
        dst[i] = i < len ? buf[i] : 0;
    o->bytes += (u32)padded;
}

static void ring_write(struct pb_fetch_ring *r, u64 pos, const void *src, u64 len)
{
    u64 *dst = (u64 *)&r->data[pos];
    const u64 *s = src;

    for (u64 i = 0; i < len / 8; i++)
        dst[i] = s[i];
}

static void ring_commit(const struct pb_fetch_record_hdr *hdr, const struct fetch_out *o)
{
    struct pb_fetch_ring *r = &pb_control.ring;
    u64 len = hdr->len;
    u64 used = r->head - r->tail;
    u64 pos = r->head % PB_FETCH_RING_SIZE;
    u64 pad = pos + len > PB_FETCH_RING_SIZE ? PB_FETCH_RING_SIZE - pos : 0;

    if (used + pad + len > PB_FETCH_RING_SIZE) {
        r->dropped++;
        return;
    }
    if (pad) {
        /* Only len and type of a PAD record are meaningful; it may be 8 bytes. */
        struct pb_fetch_record_hdr p = { .len = (u32)pad, .type = PB_REC_PAD };
        ring_write(r, pos, &p, pad < HDR_SIZE ? 8 : HDR_SIZE);
        r->head += pad;
        pos = 0;
    }
    ring_write(r, pos, hdr, HDR_SIZE);
    ring_write(r, pos + HDR_SIZE, o->words, o->bytes);
    barrier();
    r->head += len;
}

void pb_fetch_run(const struct pb_fetch_prog *prog, const struct pb_probe_event *ev, u16 type)
{
    struct fetch_out o = { .bytes = 0, .nvalues = 0, .fault = false };
    u64 regs_size = ev->regs_kind == PB_REGS_PT ? sizeof(struct pt_regs) : sizeof(struct ftrace_regs);
    u64 nops = prog->nops > PB_FETCH_MAX_OPS ? PB_FETCH_MAX_OPS : prog->nops;
    u64 val = 0;

    for (u64 i = 0; i < nops; i++) {
        const struct pb_fetch_op *op = &prog->ops[i];
        if (op->op == PB_FETCH_END)
            break;
        switch (op->op) {
        case PB_FETCH_LOAD_REG:
            if (op->imm < 0 || (u64)op->imm + 8 > regs_size || (op->imm & 7)) {
                o.fault = true;
                val = 0;
            } else {
                val = *(const u64 *)((const u8 *)ev->regs + op->imm);
            }
            break;
        case PB_FETCH_LOAD_STACK:
            val = load(&o, ev->entry_sp + 8 * (u64)op->imm, 8, false);
            break;
        case PB_FETCH_IMM:
            val = (u64)op->imm;
            break;
        case PB_FETCH_DEREF:
            val = load(&o, val + (u64)op->imm, 8, false);
            break;
        case PB_FETCH_ADD:
            val += (u64)op->imm;
            break;
        case PB_FETCH_LOAD:
            val = load(&o, val + (u64)op->imm, op->size, op->is_signed);
            break;
        case PB_FETCH_STORE:
            append_word(&o, extend(val, op->size, op->is_signed));
            o.nvalues++;
            val = 0;
            break;
        case PB_FETCH_STORE_BITFIELD: {
            u64 container = extend(val, op->size, false);
            unsigned int width = op->width ? op->width : 1;
            u64 field = width >= 64 ? container >> op->shift
                                    : (container >> op->shift) & ((1UL << width) - 1);
            if (op->is_signed && width < 64 && (field >> (width - 1)))
                field |= ~((1UL << width) - 1);
            append_word(&o, field);
            o.nvalues++;
            val = 0;
            break;
        }
        case PB_FETCH_STORE_STRING:
            append_string(&o, val, op->imm);
            o.nvalues++;
            val = 0;
            break;
        default:
            o.fault = true;
            i = nops;
            break;
        }
    }

    struct pb_fetch_record_hdr hdr = {
        .len = (u32)(HDR_SIZE + o.bytes),
        .type = type,
        .flags = o.fault ? PB_RECF_FAULT : 0,
        .func = ev->func,
        .nvalues = o.nvalues,
        .regs_kind = ev->regs_kind,
    };
    ring_commit(&hdr, &o);
}
