/* Helpers shared by the self-test groups. */
#ifndef ST_UTIL_H
#define ST_UTIL_H

#include "pb/types.h"
#include "pb_abi.h"

/* The one path into pb_run, so every walk shares the same outer frames. */
long st_run(unsigned long fn, long n, long arg0);

/* FNV-1a over the whole kernel text. */
u64 st_text_checksum(void);

/* Byte snapshot of a function's patch site and first body instructions. */
#define ST_SITE_BYTES 80
struct st_site_snapshot {
    u8 bytes[ST_SITE_BYTES];
};
void st_snapshot_site(u64 func, struct st_site_snapshot *s);
bool st_site_unchanged(u64 func, const struct st_site_snapshot *s);

/* Index of the contiguous sequence seq[0..n) in the walk, or -1. */
int st_walk_find(const struct pb_walk *w, const u64 *seq, int n);
bool st_walk_equal(const struct pb_walk *a, const struct pb_walk *b);

/* The reference frames of the driver context, from a `none` callee walk:
 * [pb_driver_return_site, the return into pb_run, the return into st_run]. */
struct st_reference {
    struct pb_walk callee;   /* the callee walk with nothing attached */
    u64 tail[3];
    bool valid;
};
extern struct st_reference st_ref;
void st_take_reference(void);

#endif
