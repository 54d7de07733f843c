/*
 * The probe layer: attachments (one per target function), the mechanism
 * table, and the handler kinds every mechanism serves.
 */
#ifndef PB_PROBE_H
#define PB_PROBE_H

#include "pb/ftrace.h"
#include "pb/kprobes.h"
#include "pb/kretprobe.h"
#include "pb_abi.h"

/* What a handler needs to know: which mechanism and which handler kind. */
struct pb_probe_ctx {
    int mech;
    int kind;
};

/* One hit, as the mechanism saw it. */
struct pb_probe_event {
    u64 func;           /* the traced function (symbol address) */
    u64 *args;          /* x0..x7 as saved by the mechanism (on exit, x0 is the return
                           value); what the mechanism restores from, or a copy */
    u64 entry_sp;       /* SP where the stack-passed arguments are */
    u64 retval;         /* exit events */
    void *regs;         /* struct ftrace_regs or struct pt_regs (fetch, redirect) */
    u32 regs_kind;      /* PB_REGS_FTRACE or PB_REGS_PT */
};

void pb_probe_entry(const struct pb_probe_ctx *ctx, const struct pb_probe_event *ev);
void pb_probe_exit(const struct pb_probe_ctx *ctx, const struct pb_probe_event *ev);
const struct pb_probe_ctx *pb_probe_ctx_of(int mech, int kind);

/* Runs a fetch program and appends its record to the ring (fetch.c). */
void pb_fetch_run(const struct pb_fetch_prog *prog, const struct pb_probe_event *ev, u16 type);

struct pb_attachment {
    bool used;
    u64 order;                     /* attach order: a function's newest is detached first */
    struct pb_attachment *beside;  /* the other hook on the same function, or NULL */
    u64 target;                    /* function symbol address */
    int mech;
    int kind;
    u64 param;
    const struct pb_probe_ctx *ctx;
    struct pb_ftrace_ops direct_ops; /* direct-caller: the site's CALL_OPS literal */
    void *tramp;                   /* direct-*, fentry-fexit */
    void *veneer;                  /* direct-plt */
    struct pb_kprobe kp;           /* kprobe-* */
    struct pb_kretprobe *rp;       /* kretprobe-* */
    long shared;                   /* ftrace-*: the shared ops that also trace the target */
};

/* A mechanism: attach validates everything before it patches, so a failure
 * leaves the text untouched; detach restores the text byte for byte. */
struct pb_mechanism {
    const char *name;
    bool has_exit;
    int (*attach)(struct pb_attachment *a);
    void (*detach)(struct pb_attachment *a);
};

const struct pb_mechanism *pb_mechanism_get(long mech);

/* Mechanism implementations (mech_*.c) */
int pb_attach_ftrace(struct pb_attachment *a);
void pb_detach_ftrace(struct pb_attachment *a);
int pb_attach_fgraph(struct pb_attachment *a);
void pb_detach_fgraph(struct pb_attachment *a);
int pb_attach_fprobe(struct pb_attachment *a);
void pb_detach_fprobe(struct pb_attachment *a);
int pb_attach_direct(struct pb_attachment *a);
void pb_detach_direct(struct pb_attachment *a);
int pb_attach_fentry(struct pb_attachment *a);
void pb_detach_fentry(struct pb_attachment *a);
int pb_attach_kprobe(struct pb_attachment *a);
void pb_detach_kprobe(struct pb_attachment *a);
int pb_attach_kretprobe(struct pb_attachment *a);
void pb_detach_kretprobe(struct pb_attachment *a);

/* ftrace-list and ftrace-callops: total ops registered (pb_set_ops_count). */
extern long pb_ftrace_list_ops_count;
/* ftrace-args, -regs, -list, -callops: other tracers' ops on the target (pb_set_shared_ops). */
extern long pb_ftrace_shared_ops_count;
extern u64 pb_shared_ops_hits;

/* Sampling (sample.c) */
void pb_sample_init(void);

#endif
