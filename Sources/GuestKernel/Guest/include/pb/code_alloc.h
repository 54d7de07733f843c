/*
 * Executable memory for generated code: the near area (inside the image,
 * within BL range of all text) and the module area (PB_MODULE_AREA_BASE,
 * > 128 MiB away, like arm64 module memory without PLT-free placement).
 */
#ifndef PB_CODE_ALLOC_H
#define PB_CODE_ALLOC_H

#include "pb/types.h"

enum pb_code_area {
    PB_AREA_NEAR,
    PB_AREA_MODULE,
};

enum pb_code_kind {
    PB_CODE_TRAMPOLINE,  /* a function-like trampoline with frame records: unwindable */
    PB_CODE_VENEER,      /* a PLT veneer: never holds a return address */
    PB_CODE_XOL_SLOT,    /* a kprobe slot: not a function */
};

void *pb_code_alloc(enum pb_code_area area, enum pb_code_kind kind, size_t size);
void pb_code_free(void *p);
/* The kind of the live allocation containing pc; false if none. */
bool pb_code_lookup(u64 pc, enum pb_code_kind *kind);
unsigned int pb_code_live_count(void);

#endif
