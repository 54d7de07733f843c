/*
 * kretprobes: a kprobe on the function's symbol (the patch site's `mov x9,
 * x30`, before the ftrace call, as on arm64) records the
 * return address in an instance (on the task's list, newest first) and
 * replaces LR with a return trampoline:
 *   - BRK variant: the trampoline is a BRK, so the exit handler gets the
 *     exception's real pt_regs (Mark Rutland's kretprobe-brk-trampoline);
 *   - TRAMP variant: the trampoline builds a pt_regs by hand, without an
 *     exception (arm64's older __kretprobe_trampoline / rethook trampoline).
 */
#ifndef PB_KRETPROBE_H
#define PB_KRETPROBE_H

#include "pb/kprobes.h"

#define PB_KRETPROBE_MAXACTIVE 64
/* kretprobes registered at once (probe/mech_kprobe.c's pool): the most functions a kretprobe-*
 * mechanism can be attached to together. */
#define PB_MAX_KRETPROBES 16

struct pb_kretprobe;

struct pb_kretprobe_instance {
    struct pb_kretprobe_instance *next; /* task list, newest first */
    struct pb_kretprobe *rp;
    u64 ret_addr;                       /* the original return address */
    u64 fp;                             /* x29 at the probe: the unwinder's match key */
    bool in_use;
};

typedef void (*pb_kretprobe_fn)(struct pb_kretprobe_instance *ri, struct pt_regs *regs);

enum pb_kretprobe_variant {
    PB_KRETPROBE_VIA_BRK,
    PB_KRETPROBE_VIA_TRAMP,
};

struct pb_kretprobe {
    struct pb_kprobe kp;             /* kp.addr and kp.mode set by the caller */
    enum pb_kretprobe_variant variant;
    pb_kretprobe_fn entry_handler;   /* runs before the return is hooked */
    pb_kretprobe_fn handler;         /* runs at return; regs->pc is the real return address */
    void *private;
    u64 nmissed;                     /* entries with no free instance */
    struct pb_kretprobe_instance pool[PB_KRETPROBE_MAXACTIVE];
};

int pb_register_kretprobe(struct pb_kretprobe *rp);
/* Unregisters; returns already hooked still go through the trampoline, without the handler. */
void pb_unregister_kretprobe(struct pb_kretprobe *rp);
/* Whether a return rp hooked is still pending (rp may not be registered again until it returns). */
bool pb_kretprobe_in_flight(const struct pb_kretprobe *rp);
void pb_kretprobes_init(void);

/* Unwinder support: the original return address of a frame whose return
 * address is a kretprobe trampoline and whose record holds fp; *cur is the
 * search position (start with NULL). 0 if none. */
u64 pb_kretprobe_find_ret_addr(u64 fp, struct pb_kretprobe_instance **cur);
bool pb_is_kretprobe_trampoline(u64 addr);

extern char pb_kretprobe_brk_trampoline[], pb_kretprobe_trampoline[];

#endif
