/*
 * A first-fit allocator of 64-byte chunks over the near and module areas,
 * keeping a table of live allocations so the unwinder can tell trampolines
 * (vouchable code) from kprobe slots.
 */
#include "pb/code_alloc.h"
#include "pb/kernel.h"
#include "pb_abi.h"

#define CHUNK 64UL
#define MAX_LIVE 512

struct area {
    u64 base;
    u64 chunks;
    u64 bitmap[(PB_MODULE_AREA_SIZE / CHUNK) / 64];
};

struct allocation {
    u64 start;
    u64 size;
    enum pb_code_kind kind;
    struct area *area;
};

static struct area near_area, module_area;
static struct allocation live[MAX_LIVE];
static unsigned int nr_live;

static struct area *get_area(enum pb_code_area which)
{
    struct area *a = which == PB_AREA_NEAR ? &near_area : &module_area;

    if (!a->base) {
        if (which == PB_AREA_NEAR) {
            a->base = (u64)pb_near_area_start;
            a->chunks = ((u64)pb_near_area_end - a->base) / CHUNK;
        } else {
            a->base = PB_MODULE_AREA_BASE;
            a->chunks = PB_MODULE_AREA_SIZE / CHUNK;
        }
        if (a->chunks > sizeof(a->bitmap) * 8)
            a->chunks = sizeof(a->bitmap) * 8;
    }
    return a;
}

static bool chunk_used(struct area *a, u64 i)
{
    return a->bitmap[i / 64] & (1UL << (i % 64));
}

static void set_chunks(struct area *a, u64 first, u64 n, bool used)
{
    for (u64 i = first; i < first + n; i++) {
        if (used)
            a->bitmap[i / 64] |= 1UL << (i % 64);
        else
            a->bitmap[i / 64] &= ~(1UL << (i % 64));
    }
}

void *pb_code_alloc(enum pb_code_area which, enum pb_code_kind kind, size_t size)
{
    struct area *a = get_area(which);
    u64 need = (size + CHUNK - 1) / CHUNK;

    if (nr_live == MAX_LIVE || need == 0)
        return NULL;
    for (u64 first = 0; first + need <= a->chunks; first++) {
        u64 n = 0;
        while (n < need && !chunk_used(a, first + n))
            n++;
        if (n == need) {
            set_chunks(a, first, need, true);
            struct allocation *al = &live[nr_live++];
            al->start = a->base + first * CHUNK;
            al->size = need * CHUNK;
            al->kind = kind;
            al->area = a;
            return (void *)al->start;
        }
        first += n;
    }
    return NULL;
}

void pb_code_free(void *p)
{
    for (unsigned int i = 0; i < nr_live; i++) {
        if (live[i].start == (u64)p) {
            struct area *a = live[i].area;
            set_chunks(a, (live[i].start - a->base) / CHUNK, live[i].size / CHUNK, false);
            live[i] = live[--nr_live];
            return;
        }
    }
    pb_panic("pb_code_free: not a live allocation", NULL);
}

bool pb_code_lookup(u64 pc, enum pb_code_kind *kind)
{
    for (unsigned int i = 0; i < nr_live; i++) {
        if (pc >= live[i].start && pc < live[i].start + live[i].size) {
            *kind = live[i].kind;
            return true;
        }
    }
    return false;
}

unsigned int pb_code_live_count(void)
{
    return nr_live;
}
