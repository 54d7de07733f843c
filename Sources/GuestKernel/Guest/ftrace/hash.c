/*
 * The ip -> value maps of ops filters and the fprobe ip table.
 *
 * Every map lives in one shared open-addressed table keyed by (map, ip), as if
 * each ops had a hash that grows on demand: a lookup hashes once and probes a
 * few slots, whatever the number of maps, and a thousand attached functions fit
 * without reserving room for a thousand in every map.
 */
#include "pb/ftrace.h"
#include "pb_abi.h"

#define TABLE_BITS 13
#define TABLE_SIZE (1u << TABLE_BITS)
#define MAX_LOAD (TABLE_SIZE / 2)

struct slot {
    const struct pb_ftrace_hash *owner; /* NULL: empty; &tombstone: deleted */
    u64 key;
    void *val;
};

static struct slot table[TABLE_SIZE];
static unsigned int used; /* live entries and tombstones */
static const struct pb_ftrace_hash tombstone;

static unsigned int slot_of(const struct pb_ftrace_hash *h, u64 key)
{
    u64 mixed = ((key >> 2) ^ ((u64)h << 7)) * 0x9e3779b97f4a7c15ULL;
    return (unsigned int)(mixed >> (64 - TABLE_BITS));
}

static struct slot *find(const struct pb_ftrace_hash *h, u64 key)
{
    for (unsigned int i = slot_of(h, key), n = 0; n < TABLE_SIZE; i = (i + 1) & (TABLE_SIZE - 1), n++) {
        struct slot *s = &table[i];
        if (s->owner == NULL)
            return NULL;
        if (s->owner == h && s->key == key)
            return s;
    }
    return NULL;
}

int pb_hash_add(struct pb_ftrace_hash *h, u64 key, void *val)
{
    if (find(h, key))
        return PB_EBUSY;
    if (used >= MAX_LOAD)
        return PB_ENOMEM;
    for (unsigned int i = slot_of(h, key);; i = (i + 1) & (TABLE_SIZE - 1)) {
        struct slot *s = &table[i];
        if (s->owner == NULL || s->owner == &tombstone) {
            if (s->owner == NULL)
                used++;
            s->key = key;
            s->val = val;
            s->owner = h;
            h->count++;
            return 0;
        }
    }
}

void pb_hash_remove(struct pb_ftrace_hash *h, u64 key)
{
    struct slot *s = find(h, key);

    if (!s)
        return;
    /* The value stays: a lookup interrupted after it matched this slot still
     * reads what it matched (as a reader in an RCU grace period does). Only a
     * later add, outside any such lookup, reuses the slot. */
    s->owner = &tombstone;
    h->count--;
}

void *pb_hash_lookup(const struct pb_ftrace_hash *h, u64 key, bool *found)
{
    const struct slot *s = h->count ? find(h, key) : NULL;

    *found = s != NULL;
    return s ? s->val : NULL;
}
