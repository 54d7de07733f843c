/*
 * The typed workload (see pb/typed.h). pb_wl_typed has the workloads'
 * patchable entry, so every mechanism attaches to it and its first body
 * instruction is the frame record store `stp x29, x30, [sp, #-N]!`. It only
 * reads the object and writes the result, so the values a probe fetches at
 * entry are the same on every call.
 *
 * The known values below are what the ProbeTests expect; change both together.
 *
 * All of its data, strings included, lives in .pb_typed.data, which the
 * linker script places in the slack before .data: adding the workload moved
 * no other symbol of the image (no .rodata, no .bss of its own).
 */
#include "pb/typed.h"

#define TYPED_DATA __section(".pb_typed.data") __used

#pragma clang attribute push(__attribute__((patchable_function_entry(4, 2))), apply_to = function)

__noinline struct pb_typed_result *pb_wl_typed(struct pb_typed_object *obj, long count, int delta,
                                               unsigned char mode, const char *tag)
{
    struct pb_typed_result *r = &pb_typed_result;

    r->status = obj->balance + count * delta + obj->level + mode;
    r->message = obj->label;
    r->object = obj;
    r->tag = tag;
    r->checksum = (u16)(count ^ delta);
    r->mode = mode;
    return r;
}

/* A traced function returning void (nothing calls it): `$retval` has nothing to fetch here. */
__noinline void pb_wl_typed_clear(struct pb_typed_result *r)
{
    r->status = 0;
    r->checksum = 0;
}

#pragma clang attribute pop

char pb_typed_tag[] TYPED_DATA = "typed-tag";
static char typed_object_name[] TYPED_DATA = "typed-object";
static char peer_object_name[] TYPED_DATA = "peer-object";

struct pb_typed_object pb_typed_peer TYPED_DATA = {
    .id = 0x2222,
    .name = peer_object_name,
    .kind = 2,
    .raw = 0xfeedfacecafebeefULL,
    .state = 1,
    .level = 31,
    .mode = 15,
    .label = "peer-label",
    .inner = { .tag = 0x2b2b, .word = 0x01020304, .value = 22 },
    .next = NULL,
};

struct pb_typed_object pb_typed_object TYPED_DATA = {
    .id = 0x1111222233334444ULL,
    .name = typed_object_name,
    .kind = 7,
    .balance = -1234567890123LL,
    .state = 5,
    .level = -13,
    .mode = 9,
    .label = "embedded-label",
    .inner = { .tag = 0xbeef, .word = 0xdeadbeef, .value = 0x0123456789abcdefULL },
    .next = &pb_typed_peer,
};

struct pb_typed_result pb_typed_result TYPED_DATA;
