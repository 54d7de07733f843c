/* Helpers shared by the self-test groups. */
#include "pb/kernel.h"
#include "pb/workloads.h"
#include "util.h"

struct st_reference st_ref;

__noinline long st_run(unsigned long fn, long n, long arg0)
{
    long r = pb_run(fn, n, arg0);
    __asm__ __volatile__("" : "+r"(r)); /* keep the call a call, not a tail call */
    return r;
}

u64 st_text_checksum(void)
{
    u64 h = 0xcbf29ce484222325ULL;

    for (const u8 *p = (const u8 *)pb_text_start; p < (const u8 *)pb_text_end; p++)
        h = (h ^ *p) * 0x100000001b3ULL;
    return h;
}

void st_snapshot_site(u64 func, struct st_site_snapshot *s)
{
    memcpy(s->bytes, (const void *)(func - 8), ST_SITE_BYTES);
}

bool st_site_unchanged(u64 func, const struct st_site_snapshot *s)
{
    return memcmp(s->bytes, (const void *)(func - 8), ST_SITE_BYTES) == 0;
}

int st_walk_find(const struct pb_walk *w, const u64 *seq, int n)
{
    for (int i = 0; i + n <= (int)w->count; i++) {
        int j = 0;
        while (j < n && w->pcs[i + j] == seq[j])
            j++;
        if (j == n)
            return i;
    }
    return -1;
}

bool st_walk_equal(const struct pb_walk *a, const struct pb_walk *b)
{
    if (a->count != b->count || a->status != b->status)
        return false;
    for (u64 i = 0; i < a->count; i++)
        if (a->pcs[i] != b->pcs[i])
            return false;
    return true;
}

void st_take_reference(void)
{
    pb_detach_all();
    pb_reset();
    st_run((unsigned long)pb_wl_sample, 1, 7);
    st_ref.callee = pb_control.callee_walk.plain;
    st_ref.valid = false;
    u64 site = (u64)pb_driver_return_site;
    int i = st_walk_find(&st_ref.callee, &site, 1);
    if (i < 0 || i + 3 > (int)st_ref.callee.count || st_ref.callee.status != PB_WALK_OK)
        return;
    for (int k = 0; k < 3; k++)
        st_ref.tail[k] = st_ref.callee.pcs[i + k];
    st_ref.valid = true;
}
