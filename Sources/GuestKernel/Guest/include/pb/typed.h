/*
 * The typed workload: a traced function whose arguments and result are
 * pointers to structs, for typed probe arguments resolved against DWARF
 * (members of anonymous structs and unions at accumulated offsets,
 * bitfields, `char *` and `char[]` strings, `$retval->field`).
 *
 * Its code and data live in typed/ (linked after everything else, so the
 * other workloads' addresses do not move). The harness calls it through
 * pb_run(pb_wl_typed, n, (u64)&pb_typed_object) with x1..x4 from
 * pb_control.call_args: count, delta, mode and a `const char *` tag (the
 * host points it at pb_typed_tag).
 */
#ifndef PB_TYPED_H
#define PB_TYPED_H

#include "pb/types.h"

/* A struct embedded by value (reached with `.`), with its own anonymous union. */
struct pb_typed_inner {
    u16 tag;
    union {
        u32 word;
        u8 bytes[4];
    };
    u64 value;
};

struct pb_typed_object {
    u64 id;
    const char *name;               /* a string reached through `->` */
    struct {                        /* an anonymous struct at a non-zero offset */
        u32 kind;
        union {                     /* an anonymous union nested inside it */
            s64 balance;
            u64 raw;
            struct pb_typed_object *peer;
        };
    };
    u32 state : 3;                  /* bitfields sharing one 32-bit unit */
    s32 level : 6;
    u32 mode : 4;
    char label[16];                 /* an embedded char[] */
    struct pb_typed_inner inner;
    struct pb_typed_object *next;
};

struct pb_typed_result {
    s64 status;                     /* balance + count * delta + level + mode */
    const char *message;            /* points at the object's label */
    struct pb_typed_object *object;
    const char *tag;                /* the tag argument */
    u16 checksum;                   /* (u16)(count ^ delta) */
    u8 mode;                        /* the mode argument */
};

/* Populated with known values at boot (static initialisers, see typed.c). */
extern struct pb_typed_object pb_typed_object;
extern struct pb_typed_object pb_typed_peer;
extern struct pb_typed_result pb_typed_result;
extern char pb_typed_tag[];

struct pb_typed_result *pb_wl_typed(struct pb_typed_object *obj, long count, int delta, unsigned char mode,
                                    const char *tag);
/* Traced, returns void, called by nothing: for probes that must refuse $retval. */
void pb_wl_typed_clear(struct pb_typed_result *r);

#endif
