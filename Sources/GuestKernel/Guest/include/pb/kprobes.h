/*
 * BRK-based kprobes. The probed instruction is replaced by a BRK; on a hit
 * the pre-handler runs with the exception's real pt_regs, then the original
 * instruction is either executed out of line (XOL: a slot holding the
 * instruction and a second BRK; SS: the slot executed under hardware
 * single-step) or simulated in the handler (SIM).
 */
#ifndef PB_KPROBES_H
#define PB_KPROBES_H

#include "pb/ptrace.h"
#include "pb/types.h"

enum pb_kprobe_mode {
    PB_KPROBE_XOL,
    PB_KPROBE_SS,
    PB_KPROBE_SIM,
};

struct pb_kprobe;
/* Returns nonzero when it has set regs->pc itself: the probed instruction is
 * then not completed and the exception returns there (the kernel's kprobe
 * pre_handler convention, which fault injection and overrides rely on). */
typedef int (*pb_kprobe_pre_fn)(struct pb_kprobe *p, struct pt_regs *regs);

struct pb_kprobe {
    u64 addr;                   /* the probed instruction */
    enum pb_kprobe_mode mode;
    pb_kprobe_pre_fn pre_handler;
    void *private;
    /* set by pb_register_kprobe */
    u32 opcode;                 /* the original instruction */
    u32 *slot;                  /* XOL / SS: the out-of-line slot */
    bool armed;
};

/* Validates the instruction for the mode (PB_EOPNOTSUPP if it cannot be
 * handled), allocates the slot (PB_ENOMEM), then writes the BRK. */
int pb_register_kprobe(struct pb_kprobe *p);
/* Restores the original instruction and frees the slot. */
void pb_unregister_kprobe(struct pb_kprobe *p);
void pb_kprobes_init(void);

/* Counts of each way a probed instruction was completed (self-test evidence). */
struct pb_kprobe_stats {
    u64 hits;
    u64 xol_completions;   /* the slot's second BRK */
    u64 single_steps;      /* software-step exceptions after the slot */
    u64 simulated;
    u64 redirected;        /* the pre-handler set the pc: nothing completed */
};
extern struct pb_kprobe_stats pb_kprobe_stats;

/* simulate.c */
bool pb_kprobe_can_simulate(u32 insn);
void pb_kprobe_simulate(u32 insn, u64 pc, struct pt_regs *regs);

#endif
