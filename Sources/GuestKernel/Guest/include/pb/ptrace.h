/*
 * Register snapshots: struct pt_regs (as arm64's, 336 bytes) and
 * struct ftrace_regs (as arm64's FTRACE_WITH_ARGS, 112 bytes), plus the
 * frame records the unwinder follows. The S_* / FREGS_* offsets are used
 * by the assembly; the C side pins them with _Static_assert.
 */
#ifndef PB_PTRACE_H
#define PB_PTRACE_H

/* struct pt_regs offsets */
#define S_X0 0
#define S_X2 16
#define S_X4 32
#define S_X6 48
#define S_X8 64
#define S_X10 80
#define S_X12 96
#define S_X14 112
#define S_X16 128
#define S_X18 144
#define S_X20 160
#define S_X22 176
#define S_X24 192
#define S_X26 208
#define S_X28 224
#define S_FP 232
#define S_LR 240
#define S_SP 248
#define S_PC 256
#define S_PSTATE 264
#define S_ORIG_X0 272
#define S_SYSCALLNO 280
#define S_STACKFRAME 296
#define S_STACKFRAME_TYPE 312
#define PT_REGS_SIZE 336

/* struct ftrace_regs offsets */
#define FREGS_X0 0
#define FREGS_X2 16
#define FREGS_X4 32
#define FREGS_X6 48
#define FREGS_X8 64
#define FREGS_DIRECT_TRAMP 72
#define FREGS_FP 80
#define FREGS_LR 88
#define FREGS_SP 96
#define FREGS_PC 104
#define FREGS_SIZE 112

/* Metadata frame record types (as arm64's asm/stacktrace/frame.h). */
#define FRAME_META_TYPE_NONE 0
#define FRAME_META_TYPE_FINAL 1
#define FRAME_META_TYPE_PT_REGS 2

/* Gap below the interrupted SP that the EL1 sync entry leaves for a
 * kprobe-sim BRK only, so that simulating `stp x29, x30, [sp, #-N]!`
 * (N <= 512) cannot overwrite the live exception frame (x86's int3 entry
 * leaves a gap for int3_emulate_push for the same reason). */
#define PB_SIM_STACK_GAP 512

#ifndef __ASSEMBLER__
#include "pb/types.h"

struct frame_record {
    u64 fp;
    u64 lr;
};

struct frame_record_meta {
    struct frame_record record;
    u64 type;
};

struct pt_regs {
    u64 regs[31];
    u64 sp;
    u64 pc;
    u64 pstate;
    u64 orig_x0;
    s32 syscallno;
    u32 pmr;
    u64 sdei_ttbr1;
    struct frame_record_meta stackframe;
    u64 lockdep_hardirqs;
    u64 exit_rcu;
};

struct ftrace_regs {
    u64 regs[9];        /* x0..x8 */
    u64 direct_tramp;   /* set by a callback to divert to a direct trampoline */
    u64 fp;             /* x29 at the call site */
    u64 lr;             /* x30 at the call site (the traced function's return address) */
    u64 sp;             /* SP at the call site */
    u64 pc;             /* where the trampoline returns: the instruction after the site */
};

_Static_assert(sizeof(struct pt_regs) == PT_REGS_SIZE, "pt_regs size");
_Static_assert(offsetof(struct pt_regs, regs[29]) == S_FP, "S_FP");
_Static_assert(offsetof(struct pt_regs, sp) == S_SP, "S_SP");
_Static_assert(offsetof(struct pt_regs, pc) == S_PC, "S_PC");
_Static_assert(offsetof(struct pt_regs, pstate) == S_PSTATE, "S_PSTATE");
_Static_assert(offsetof(struct pt_regs, orig_x0) == S_ORIG_X0, "S_ORIG_X0");
_Static_assert(offsetof(struct pt_regs, stackframe) == S_STACKFRAME, "S_STACKFRAME");
_Static_assert(offsetof(struct pt_regs, stackframe.type) == S_STACKFRAME_TYPE, "S_STACKFRAME_TYPE");
_Static_assert(sizeof(struct ftrace_regs) == FREGS_SIZE, "ftrace_regs size");
_Static_assert(offsetof(struct ftrace_regs, direct_tramp) == FREGS_DIRECT_TRAMP, "FREGS_DIRECT_TRAMP");
_Static_assert(offsetof(struct ftrace_regs, fp) == FREGS_FP, "FREGS_FP");
_Static_assert(offsetof(struct ftrace_regs, lr) == FREGS_LR, "FREGS_LR");
_Static_assert(offsetof(struct ftrace_regs, sp) == FREGS_SP, "FREGS_SP");
_Static_assert(offsetof(struct ftrace_regs, pc) == FREGS_PC, "FREGS_PC");
#endif

#ifdef __ASSEMBLER__
/* Stores x2..x29 in pairs into the pt_regs at sp. x0 and x1 are left to the caller, which
 * may need them as scratch registers first (exception entry does). */
    .macro pt_regs_save_x2_x29
    stp     x2, x3, [sp, #S_X2]
    stp     x4, x5, [sp, #S_X4]
    stp     x6, x7, [sp, #S_X6]
    stp     x8, x9, [sp, #S_X8]
    stp     x10, x11, [sp, #S_X10]
    stp     x12, x13, [sp, #S_X12]
    stp     x14, x15, [sp, #S_X14]
    stp     x16, x17, [sp, #S_X16]
    stp     x18, x19, [sp, #S_X18]
    stp     x20, x21, [sp, #S_X20]
    stp     x22, x23, [sp, #S_X22]
    stp     x24, x25, [sp, #S_X24]
    stp     x26, x27, [sp, #S_X26]
    stp     x28, x29, [sp, #S_X28]
    .endm

/* Loads x2..x29 back from the pt_regs at sp. */
    .macro pt_regs_restore_x2_x29
    ldp     x2, x3, [sp, #S_X2]
    ldp     x4, x5, [sp, #S_X4]
    ldp     x6, x7, [sp, #S_X6]
    ldp     x8, x9, [sp, #S_X8]
    ldp     x10, x11, [sp, #S_X10]
    ldp     x12, x13, [sp, #S_X12]
    ldp     x14, x15, [sp, #S_X14]
    ldp     x16, x17, [sp, #S_X16]
    ldp     x18, x19, [sp, #S_X18]
    ldp     x20, x21, [sp, #S_X20]
    ldp     x22, x23, [sp, #S_X22]
    ldp     x24, x25, [sp, #S_X24]
    ldp     x26, x27, [sp, #S_X26]
    ldp     x28, x29, [sp, #S_X28]
    .endm
#endif

#endif
