/*
 * A first-fit allocator of 64-byte chunks over the near and module areas.
 * The table of live allocations is pb_code_map itself: the unwinder uses it
 * to tell trampolines (vouchable code) from kprobe slots, and the harness to
 * symbolise generated code.
 */
#include "pb/code_alloc.h"
#include "pb/kernel.h"
#include "pb_abi.h"

#define CHUNK PB_CODE_CHUNK_BYTES

struct area {
    u64 base;
    u64 chunks;
    u64 bitmap[(PB_MODULE_AREA_SIZE / CHUNK) / 64];
};

static struct area near_area, module_area;
struct pb_code_map pb_code_map;

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

static struct area *area_of(u64 addr)
{
    struct area *a = &near_area;

    if (addr >= a->base && addr < a->base + a->chunks * CHUNK)
        return a;
    return &module_area;
}

/*
 * Code freed from an interrupt may still be running in the context the
 * interrupt stopped (a call inside the trampoline whose detach the interrupt
 * made), so it is freed after a grace period, as the kernel frees trampolines
 * with call_rcu_tasks: here, at the next attach or detach, or code allocated
 * or freed, outside any interrupt (pb_code_grace_period_ends). The guest has
 * one task, so by then it is back in a host call and every call that was
 * inside the code has returned. Until then the code stays allocated and in
 * pb_code_map (walks from inside it still recognise it).
 */
#define MAX_DEFERRED_FREES 64
static void *deferred_frees[MAX_DEFERRED_FREES];
static unsigned int deferred_count;

static bool in_interrupt(void)
{
    u64 sp;

    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp >= (u64)pb_irq_stack_base && sp < (u64)pb_irq_stack_top;
}

static void free_now(void *p);

static void end_grace_period(void)
{
    while (deferred_count)
        free_now(deferred_frees[--deferred_count]);
}

void pb_code_grace_period_ends(void)
{
    if (deferred_count && !in_interrupt())
        end_grace_period();
}

void *pb_code_alloc(enum pb_code_area which, pb_code_kind_t kind, size_t size)
{
    struct area *a = get_area(which);
    u64 need = (size + CHUNK - 1) / CHUNK;

    pb_code_grace_period_ends();

    if (pb_code_map.count == PB_CODE_MAP_MAX || need == 0)
        return NULL;
    for (u64 first = 0; first + need <= a->chunks; first++) {
        u64 n = 0;
        while (n < need && !chunk_used(a, first + n))
            n++;
        if (n == need) {
            set_chunks(a, first, need, true);
            struct pb_code_region *r = &pb_code_map.regions[pb_code_map.count];
            r->start = a->base + first * CHUNK;
            r->size = need * CHUNK;
            r->kind = kind;
            r->owner = 0;
            barrier();
            pb_code_map.count++;
            return (void *)r->start;
        }
        first += n;
    }
    return NULL;
}

static struct pb_code_region *find_region(u64 start)
{
    for (u64 i = 0; i < pb_code_map.count; i++)
        if (pb_code_map.regions[i].start == start)
            return &pb_code_map.regions[i];
    pb_panic("pb_code_map: not a live allocation", NULL);
}

void pb_code_set_owner(void *p, u64 traced_function)
{
    find_region((u64)p)->owner = traced_function;
}

void pb_code_free(void *p)
{
    if (in_interrupt()) {
        find_region((u64)p); /* a live allocation, or a panic now rather than later */
        if (deferred_count == MAX_DEFERRED_FREES)
            pb_panic("pb_code_free: too many frees waiting for a grace period", NULL);
        deferred_frees[deferred_count++] = p;
        return;
    }
    end_grace_period();
    free_now(p);
}

static void free_now(void *p)
{
    struct pb_code_region *r = find_region((u64)p);
    struct area *a = area_of(r->start);

    set_chunks(a, (r->start - a->base) / CHUNK, r->size / CHUNK, false);
    *r = pb_code_map.regions[pb_code_map.count - 1];
    pb_code_map.count--;
}

bool pb_code_lookup(u64 pc, pb_code_kind_t *kind)
{
    for (u64 i = 0; i < pb_code_map.count; i++) {
        const struct pb_code_region *r = &pb_code_map.regions[i];
        if (pc >= r->start && pc < r->start + r->size) {
            *kind = r->kind;
            return true;
        }
    }
    return false;
}

unsigned int pb_code_live_count(void)
{
    return (unsigned int)pb_code_map.count;
}
