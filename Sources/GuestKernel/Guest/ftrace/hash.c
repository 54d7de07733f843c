/* The ip -> value hash used by ops filters and the fprobe ip table. */
#include "pb/ftrace.h"
#include "pb_abi.h"

#define EMPTY 0UL
#define TOMBSTONE 1UL /* ips are 4-byte aligned, so 1 is never a key */

static unsigned int slot_of(u64 key)
{
    return (unsigned int)(((key >> 2) * 0x9e3779b97f4a7c15ULL) >> 57) & (PB_FTRACE_HASH_SIZE - 1);
}

_Static_assert(PB_FTRACE_HASH_SIZE == 128, "slot_of() takes the top 7 bits");

int pb_hash_add(struct pb_ftrace_hash *h, u64 key, void *val)
{
    bool found;

    pb_hash_lookup(h, key, &found);
    if (found)
        return PB_EBUSY;
    if (h->count >= PB_FTRACE_HASH_SIZE / 2)
        return PB_ENOMEM;
    for (unsigned int i = slot_of(key);; i = (i + 1) & (PB_FTRACE_HASH_SIZE - 1)) {
        if (h->keys[i] == EMPTY || h->keys[i] == TOMBSTONE) {
            h->vals[i] = val;
            h->keys[i] = key;
            h->count++;
            return 0;
        }
    }
}

void pb_hash_remove(struct pb_ftrace_hash *h, u64 key)
{
    for (unsigned int i = slot_of(key), n = 0; n < PB_FTRACE_HASH_SIZE;
         i = (i + 1) & (PB_FTRACE_HASH_SIZE - 1), n++) {
        if (h->keys[i] == EMPTY)
            return;
        if (h->keys[i] == key) {
            h->keys[i] = TOMBSTONE;
            h->vals[i] = NULL;
            h->count--;
            return;
        }
    }
}

void *pb_hash_lookup(const struct pb_ftrace_hash *h, u64 key, bool *found)
{
    for (unsigned int i = slot_of(key), n = 0; n < PB_FTRACE_HASH_SIZE;
         i = (i + 1) & (PB_FTRACE_HASH_SIZE - 1), n++) {
        u64 k = h->keys[i];
        if (k == key) {
            *found = true;
            return h->vals[i];
        }
        if (k == EMPTY)
            break;
    }
    *found = false;
    return NULL;
}
