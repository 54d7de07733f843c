/*
 * Fixture for the DWARF type reader tests (built by the tests for aarch64-none-elf, -O2 -g).
 * The layout_table and bitfield_probes globals are computed by the compiler from the same
 * declarations, so the tests can check the reader's answers against bytes in .data instead of
 * against the DWARF itself.
 */
#include <stddef.h>

typedef unsigned int u32;
typedef unsigned long long u64;
typedef int (*handler_fn)(int code, const char *why);

enum color { RED = 1, GREEN = 2, BLUE = -3 };

struct inner { int a; char b; _Bool ready; signed char level; };

struct packet {
    u64 id;
    char *name;
    char label[12];
    unsigned flag_a : 1;
    unsigned kind : 5;
    unsigned code : 10;
    signed delta : 7;
    struct {
        int header;
        union {
            u32 word;
            struct {
                unsigned short lo;
                unsigned short hi;
                union { u64 deep_value; char deep_bytes[8]; };
            };
        };
    };
    const volatile u32 counter;
    struct inner in;
    enum color color;
    handler_fn callback;
    int (*raw_callback)(int, const char *);
    struct packet *next;
    int matrix[2][3];
};

typedef struct packet packet_t;
typedef const struct packet const_packet_t;

/* A packed struct whose bitfield straddles the natural storage unit of its type. */
struct __attribute__((packed)) wire {
    unsigned char tag;
    unsigned value : 30;
    unsigned tail : 2;
};

struct with_flex { int length; char data[]; };

struct packet global_packet;
volatile int global_counter = 7;
static int file_static_counter = 11;
struct with_flex *flex_pointer;
struct wire global_wire;

#define OFF(field) (unsigned long)offsetof(struct packet, field)
/* magic, sizeof, then offsetof for each name in the test's list, in the same order. */
unsigned long layout_table[] = {
    0x4c41594f55540001ull, sizeof(struct packet),
    OFF(id), OFF(name), OFF(label), OFF(header), OFF(word), OFF(lo), OFF(hi), OFF(deep_value),
    OFF(deep_bytes), OFF(counter), OFF(in), OFF(in.b), OFF(color), OFF(callback), OFF(raw_callback),
    OFF(next), OFF(matrix),
};

/* One packet per bitfield with only that field's bits set: the tests find the bits in .data. */
struct packet bitfield_probe_flag_a = { .flag_a = 1 };
struct packet bitfield_probe_kind = { .kind = 31 };
struct packet bitfield_probe_code = { .code = 1023 };
struct packet bitfield_probe_delta = { .delta = -1 };
struct wire bitfield_probe_wire_value = { .value = 0x3fffffff };
struct wire bitfield_probe_wire_tail = { .tail = 3 };

__attribute__((noinline, used)) long ten_args(int a0, long a1, char a2, unsigned short a3, const char *a4,
                                              packet_t *a5, u64 a6, struct inner *a7, int a8, long a9) {
    return a0 + a1 + a2 + a3 + a4[0] + (long)a5->id + (long)a6 + a7->a + a8 + a9;
}

__attribute__((noinline, used)) void set_counter(volatile int *p, int v) {
    file_static_counter += v;
    *p = v + file_static_counter;
}

__attribute__((noinline, used)) int sum_all(int count, ...) { return count; }

__attribute__((noinline, used)) u32 read_word(const_packet_t *p) { return p->word + p->counter; }

/* Inlined into entry() and also emitted out of line (its address is taken): the out-of-line copy
   names its parameters through DW_AT_abstract_origin. */
static int scaled(int value, int factor) { return value * factor + 1; }
int (*volatile scaled_pointer)(int, int) = scaled;

int entry(void) {
    struct inner i = { 1, 2 };
    set_counter(&global_counter, 3);
    return (int)ten_args(1, 2, 3, 4, "x", &global_packet, 6, &i, 8, 9) + scaled(global_counter, 3)
        + (int)read_word(&global_packet) + sum_all(0) + (int)global_wire.value;
}
