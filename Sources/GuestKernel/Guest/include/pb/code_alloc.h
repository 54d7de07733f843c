/*
 * Executable memory for generated code: the near area (inside the image,
 * within BL range of all text) and the module area (PB_MODULE_AREA_BASE,
 * > 128 MiB away, like arm64 module memory without PLT-free placement).
 */
#ifndef PB_CODE_ALLOC_H
#define PB_CODE_ALLOC_H

#include "pb/types.h"
#include "pb_abi.h"

enum pb_code_area {
    PB_AREA_NEAR,
    PB_AREA_MODULE,
};

/* The allocation unit: every allocation is a whole number of these bytes. */
#define PB_CODE_CHUNK_BYTES 64UL

/* PB_CODE_TRAMPOLINE, PB_CODE_VENEER, PB_CODE_XOL_SLOT (pb_abi.h) */
typedef u64 pb_code_kind_t;

/* Allocations are published in pb_code_map for the harness. */
void *pb_code_alloc(enum pb_code_area area, pb_code_kind_t kind, size_t size);
void pb_code_set_owner(void *p, u64 traced_function);
/* Frees p; from an interrupt, only once the grace period ends (code_alloc.c). */
void pb_code_free(void *p);
/* Frees what waits for its grace period, unless called from an interrupt. */
void pb_code_grace_period_ends(void);
/* The kind of the live allocation containing pc; false if none. */
bool pb_code_lookup(u64 pc, pb_code_kind_t *kind);
unsigned int pb_code_live_count(void);

#endif
