/*
 * Dynamic ftrace with patchable function entries (-fpatchable-function-entry=4,2):
 *
 *   func-8: nop   } CALL_OPS: the 8-byte ops literal
 *   func-4: nop   }
 *   func+0: nop   -> mov x9, x30 at boot (arm64's ftrace_init_nop)
 *   func+4: nop   -> bl <trampoline> while traced (the ftrace location)
 *   func+8: first body instruction (stp x29, x30, [sp, #-N]!)
 *
 * The trampolines are entered with x9 = the traced function's return
 * address, x30 = func + 8, SP = the caller's SP, and call the ops callback
 * (ip = func + 4, parent_ip, ops, fregs). Ops filters are keyed by ip.
 */
#ifndef PB_FTRACE_H
#define PB_FTRACE_H

/* struct pb_ftrace_ops offsets used by the CALL_OPS trampoline */
#define OPS_FUNC 0
#define OPS_DIRECT_CALL 8

#ifndef __ASSEMBLER__
#include "pb/ptrace.h"
#include "pb/types.h"

#define PB_FTRACE_IP_OFFSET 4 /* ip = func + 4: the BL of the site */

struct pb_ftrace_ops;
typedef void (*pb_ftrace_func_t)(u64 ip, u64 parent_ip, struct pb_ftrace_ops *op,
                                 struct ftrace_regs *fregs);

/* An ip -> value map (ftrace's filter hash, fprobe's ip table); its entries live
 * in a table shared by all maps (hash.c). */
struct pb_ftrace_hash {
    unsigned int count;
};
int pb_hash_add(struct pb_ftrace_hash *h, u64 key, void *val);
void pb_hash_remove(struct pb_ftrace_hash *h, u64 key);
void *pb_hash_lookup(const struct pb_ftrace_hash *h, u64 key, bool *found);

/* Which common trampoline a site calls. */
enum pb_ftrace_caller {
    PB_CALLER_ARGS,    /* ftrace_caller: ftrace_regs */
    PB_CALLER_REGS,    /* ftrace_regs_caller: pt_regs */
    PB_CALLER_NOFP,    /* ftrace_caller_nofp: deliberately broken frame records */
    PB_CALLER_CALLOPS, /* ftrace_caller_ops: ops from the literal, direct-call aware */
    PB_NR_CALLERS,
};

struct pb_ftrace_ops {
    pb_ftrace_func_t func;          /* OPS_FUNC */
    u64 direct_call;                /* OPS_DIRECT_CALL: CALL_OPS branches here if non-zero */
    enum pb_ftrace_caller caller;
    struct pb_ftrace_ops *next;
    struct pb_ftrace_hash filter;   /* ips this ops traces */
    void *private;
    bool registered;
};

/* Registering adds the ops to its caller's list and retargets the
 * trampoline's patched call: the ops func itself when it is the only one,
 * the list function (walking every ops and its filter) otherwise. */
int pb_register_ftrace_ops(struct pb_ftrace_ops *ops);
void pb_unregister_ftrace_ops(struct pb_ftrace_ops *ops);
/* Always call through the list function on this caller (ftrace-list). */
void pb_ftrace_force_list(enum pb_ftrace_caller caller, bool force);

static inline u64 pb_ftrace_ip(u64 func)
{
    return func + PB_FTRACE_IP_OFFSET;
}

static inline u64 pb_ftrace_func_of_ip(u64 ip)
{
    return ip - PB_FTRACE_IP_OFFSET;
}

/* Site management. pb_ftrace_check_site: 0 if func is a recorded patchable
 * entry as boot left it (NOP, NOP, `mov x9, x30`, NOP), else PB_EILSEQ. */
int pb_ftrace_check_site(u64 func);
bool pb_ftrace_is_recorded_site(u64 func);
u64 pb_ftrace_caller_addr(enum pb_ftrace_caller caller);

/* The op `caller`'s trampoline passes when it calls the list function; a
 * CALL_OPS site whose function several ops trace points its literal here
 * (the kernel's ftrace_list_ops). */
struct pb_ftrace_ops *pb_ftrace_list_op(enum pb_ftrace_caller caller);
/* Patch the site's `bl target` after its `mov x9, x30` (and the ops literal if ops_literal != 0).
 * Checks the branch range first: PB_ERANGE leaves the text untouched. */
int pb_ftrace_patch_site(u64 func, u64 target, u64 ops_literal);
/* Restore the site as boot left it: the BL and the literal NOPs again. */
void pb_ftrace_unpatch_site(u64 func);

void pb_ftrace_init(void);

/* Trampolines (ftrace/entry-ftrace.S) */
extern char ftrace_caller[], ftrace_regs_caller[], ftrace_caller_nofp[], ftrace_caller_ops[];
extern char pb_ftrace_trampolines_start[], pb_ftrace_trampolines_end[];
extern char return_to_handler[];
void pb_ftrace_stub(u64 ip, u64 parent_ip, struct pb_ftrace_ops *op, struct ftrace_regs *fregs);
/* The ops an untraced CALL_OPS site's literal points at (the kernel's
 * ftrace_nop_ops): pb_ftrace_stub, no direct call. */
extern struct pb_ftrace_ops pb_ftrace_nop_ops;

_Static_assert(__builtin_offsetof(struct pb_ftrace_ops, func) == OPS_FUNC, "OPS_FUNC");
_Static_assert(__builtin_offsetof(struct pb_ftrace_ops, direct_call) == OPS_DIRECT_CALL,
               "OPS_DIRECT_CALL");
#endif

#endif
