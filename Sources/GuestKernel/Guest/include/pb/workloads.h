/*
 * The traced workloads (patchable entries, see workloads/workloads.c), the
 * driver that calls them, and the kprobe-sim probe targets.
 */
#ifndef PB_WORKLOADS_H
#define PB_WORKLOADS_H

#include "pb_abi.h"

long pb_wl_leaf(long a, long b);
long pb_wl_nonleaf(long a, long b);
long pb_wl_args(long a0, long a1, long a2, long a3, long a4, long a5, long a6, long a7, long a8,
                long a9, struct pb_big_arg big);
long pb_wl_recursive(long depth, long seed);
long pb_wl_sample(long a);
long pb_wl_tailcall(long a);
long pb_wl_tail_target(long a);

/* 32 copies of the leaf (pb_wl_clone_10 .. pb_wl_clone_47, octal-like
 * names: group 1-4, index 0-7), for scaling with attached functions; clone
 * k of the table returns a * 3 + b + its name's number. */
#define PB_WL_NR_CLONES 32
extern const unsigned long pb_wl_clones[PB_WL_NR_CLONES];

/* Not traced: where the deep sample is taken. */
long pb_wl_sample_callee(long a);

/* Livepatch-style replacements of the workloads (replacements.c), which a
 * redirect handler sends the call to: each computes something else with the
 * same arguments. pb_wl_replacement_of maps a workload to its replacement, 0
 * for one without (the recursive workload: every level would be redirected). */
long pb_wl_leaf_replacement(long a, long b);
long pb_wl_nonleaf_replacement(long a, long b);
long pb_wl_args_replacement(long a0, long a1, long a2, long a3, long a4, long a5, long a6, long a7,
                            long a8, long a9, struct pb_big_arg big);
long pb_wl_sample_replacement(long a);
long pb_wl_tailcall_replacement(long a);
unsigned long pb_wl_replacement_of(unsigned long func);

/* long pb_driver(fn, n, arg0, args): see pb_run in pb_abi.h */
long pb_driver(unsigned long fn, long n, long arg0, const struct pb_call_args *args);
extern char pb_driver_call_site[], pb_driver_return_site[];

/*
 * kprobe-sim targets (workloads/sim_targets.S): each has the patchable
 * entry layout; the instruction to simulate is at body offset
 * PB_SIM_<NAME>_OFFSET (probe param) and each returns a value that depends
 * on that instruction having been executed correctly.
 */
long pb_sim_b(long x);          /* B over a poison instruction: returns x + 1 */
long pb_sim_bl(long x);         /* BL to a helper: returns x * 2 + 1 */
long pb_sim_bcond(long x);      /* B.EQ: returns 100 if x == 5 else 200 */
long pb_sim_blt(long x);        /* B.LT (signed): 400 if x < 5 else 300 */
long pb_sim_bhi(long x);        /* B.HI (unsigned): 600 if x > 5 else 500 */
long pb_sim_cbz(long x);        /* CBZ: 10 if x == 0 else 20 */
long pb_sim_cbnz_w(long x);     /* CBNZ w0: 30 if (u32)x != 0 else 40 */
long pb_sim_tbz(long x);        /* TBZ x0, #33: 50 if bit 33 clear else 60 */
long pb_sim_tbnz(long x);       /* TBNZ x0, #3: 70 if bit 3 set else 80 */
long pb_sim_br(long x);         /* BR x16 to a label: returns x + 3 */
long pb_sim_blr(long x);        /* BLR to a helper: returns x * 2 + 1 */
long pb_sim_ret(long x);        /* RET: returns x - 1 */
long pb_sim_ldr_lit_x(long x);  /* LDR x1, literal: returns x ^ 0x1122334455667788 */
long pb_sim_ldr_lit_w(long x);  /* LDR w1, literal: returns x + 0x80000001 (zero-extended) */
long pb_sim_ldrsw_lit(long x);  /* LDRSW x1, literal: returns x + (s32)0x80000001 */
long pb_sim_adr(long x);        /* ADR: returns the address of its own label minus pb_sim_adr */
long pb_sim_adrp(long x);       /* ADRP: returns the page of a data label */
long pb_sim_stp(long x);        /* frame record with STP pre-index and a callee */
long pb_sim_entry_mov(long x);  /* returns x when x9 held x30 at its body: the boot-written mov */

/* The probed instruction of each target: its byte offset from the symbol (the
 * body starts at +8, after the patch site's `mov x9, x30; nop`). */
#define PB_SIM_ENTRY_MOV_OFFSET 0
#define PB_SIM_B_OFFSET 12
#define PB_SIM_BL_OFFSET 16
#define PB_SIM_BCOND_OFFSET 12
#define PB_SIM_BLT_OFFSET 12
#define PB_SIM_BHI_OFFSET 12
#define PB_SIM_CBZ_OFFSET 8
#define PB_SIM_CBNZ_W_OFFSET 8
#define PB_SIM_TBZ_OFFSET 8
#define PB_SIM_TBNZ_OFFSET 8
#define PB_SIM_BR_OFFSET 12
#define PB_SIM_BLR_OFFSET 20
#define PB_SIM_RET_OFFSET 12
#define PB_SIM_LDR_LIT_X_OFFSET 8
#define PB_SIM_LDR_LIT_W_OFFSET 8
#define PB_SIM_LDRSW_LIT_OFFSET 8
#define PB_SIM_ADR_OFFSET 8
#define PB_SIM_ADRP_OFFSET 8
#define PB_SIM_STP_OFFSET 8

#endif
