/*
 * ProbeBench guest ABI: everything the harness (Swift side) needs to drive
 * the `guest` image. This header is the single source the Swift side
 * mirrors; every layout below is pinned by _Static_assert.
 *
 * ---------------------------------------------------------------------
 * How the host calls the guest
 * ---------------------------------------------------------------------
 * The `guest` image boots (vectors, stacks, GIC, ftrace/kprobes/patching
 * infrastructure, default call arguments) and executes `hlt #0x1`, which
 * returns control to the host. From then on the host calls the C entry
 * points below directly, like a function call:
 *
 *   x0..x7 = arguments            SP  = pb_task_stack_top (symbol value)
 *   x29    = 0                    x30 = pb_host_return (its code is `hlt #0x1`)
 *   PC     = the entry point      PSTATE as boot left it (EL1h, DAIF.I clear)
 *
 * The entry point returns to pb_host_return, whose `hlt #0x1` hands control
 * back; x0 then holds the result. Stack walks taken during a host call end
 * at the entry point's frame record {fp = 0, lr = pb_host_return}, which the
 * guest unwinder accepts as the final frame.
 *
 * Host-raised IRQs: raise PB_HOST_SAMPLE_INTID; GICC_IAR must return it.
 * The guest takes an IRQ walk (plain and reliable) into control.irq_walk,
 * from its handler on the IRQ stack across the exception boundary.
 *
 * Machine state the guest sets at boot: SCTLR_EL1 = 0x30d0181a (MMU off,
 * I-cache on, alignment checks on), VBAR_EL1 = pb_vectors, MDSCR_EL1 = 0
 * (kprobe-ss sets SS/KDE only around a step), DAIF: only F masked.
 *
 * ---------------------------------------------------------------------
 * Symbols the harness needs (all global in the ELF symbol table)
 * ---------------------------------------------------------------------
 *   pb_control                 struct pb_control (below)
 *   pb_code_map                struct pb_code_map: generated code (below)
 *   pb_host_return             `hlt #0x1`: return address for host calls
 *   pb_task_stack_top          initial SP for host calls (16-byte aligned)
 *   pb_task_stack_base         lowest address of the 16 KiB task stack
 *   pb_irq_stack_base/_top     the 16 KiB IRQ stack
 *   pb_driver_call_site        the driver's single `blr` to the workload
 *   pb_driver_return_site      the instruction after it
 *   pb_text_start/pb_text_end  the kernel text
 *   pb_text_poke32, pb_text_poke64, pb_text_copy
 *                              the only routines that store to executable
 *                              memory (text, trampolines, kprobe slots)
 *   pb_task_stack_end          the end of the task stack; the boot context's
 *                              final pt_regs is at [pb_task_stack_top, end)
 *   pb_sizeof_pt_regs          uint64: 336
 *   pb_sizeof_ftrace_regs      uint64: 112
 *   pb_sizeof_control          uint64: sizeof(struct pb_control)
 *   pb_sizeof_walk             uint64: sizeof(struct pb_walk)
 *   pb_abi_version             uint64: PB_ABI_VERSION
 *   workloads                  pb_wl_leaf, pb_wl_nonleaf, pb_wl_args,
 *                              pb_wl_recursive, pb_wl_sample,
 *                              pb_wl_sample_callee (not a target),
 *                              pb_wl_tailcall, pb_wl_tail_target,
 *                              pb_wl_clones: uint64[32], addresses of 32
 *                              copies of the leaf (scaling with attached
 *                              functions)
 *   kprobe-sim targets         pb_sim_* (see workloads/sim_targets.S)
 *   typed workload             pb_wl_typed(obj, count, delta, mode, tag) and its
 *                              data pb_typed_object, pb_typed_peer, pb_typed_result,
 *                              pb_typed_tag (see include/pb/typed.h)
 *   pb_patch_sites_start/_end  uint64[]: every patchable entry (function - 8)
 *   pb_shared_ops_hits         uint64: calls of the shared ops' handlers
 *                              (pb_set_shared_ops), zeroed by pb_reset
 *
 * Memory the guest allocates trampolines from:
 *   near area   pb_near_area_start .. pb_near_area_end (within BL range of text)
 *   module area PB_MODULE_AREA_BASE .. + PB_MODULE_AREA_SIZE (out of BL range)
 * Generated code has no ELF symbols; pb_code_map (below) lists every live
 * piece with its kind and the traced function it belongs to.
 */
#ifndef PB_ABI_H
#define PB_ABI_H

#include <stddef.h>
#include <stdint.h>

#define PB_ABI_VERSION 1
#define PB_CONTROL_MAGIC 0x4c5254434250ULL /* "PBCTRL" */

/* ftrace-list: the most ops pb_set_ops_count accepts. */
#define PB_MAX_OPS_COUNT 128
/* ftrace-list, ftrace-callops: the ops registered until pb_set_ops_count says
 * otherwise: the attached ops and one whose filter matches no function. Two is
 * the fewest with which a kernel calls its list function (with one it calls the
 * ops directly), and what CALL_OPS sites call past. */
#define PB_FTRACE_LIST_DEFAULT_OPS 2

/* The most ops pb_set_shared_ops accepts. */
#define PB_MAX_SHARED_OPS 16

/* The INTID of the host's sampling IRQ (an SGI number). */
#define PB_HOST_SAMPLE_INTID 7
/* The INTID of the IRQ that calls a function from IRQ context once armed by
 * pb_arm_irq_call (an SGI number): the patch-atomicity checks raise it at
 * every instruction of an attach or detach. */
#define PB_IRQ_CALL_INTID 6

/* Module area: dynamically allocated trampolines that are out of BL range. */
#define PB_MODULE_AREA_BASE 0x50000000UL
#define PB_MODULE_AREA_SIZE 0x00100000UL

/* ---------------------------------------------------------------------
 * Mechanisms (the order of GuestABI.swift's Mechanism enum)
 * ------------------------------------------------------------------- */
#define PB_MECH_NONE             0  /* the site as boot left it (attach validates and records, patches nothing) */
#define PB_MECH_FTRACE_ARGS      1  /* mov x9,x30; bl ftrace_caller: ftrace_regs, two frame records */
#define PB_MECH_FTRACE_REGS      2  /* ... bl ftrace_regs_caller: full pt_regs, synthetic PSTATE */
#define PB_MECH_FTRACE_LIST      3  /* ftrace_caller -> list func over pb_set_ops_count() ops */
#define PB_MECH_FTRACE_CALLOPS   4  /* ops pointer in the 8 bytes before the function */
#define PB_MECH_DIRECT_CALLER    5  /* CALL_OPS trampoline branches to a direct trampoline */
#define PB_MECH_DIRECT_BL        6  /* site BLs straight to a trampoline within +-128 MiB */
#define PB_MECH_DIRECT_PLT       7  /* trampoline in the module area, reached via a veneer */
#define PB_MECH_KPROBE_XOL       8  /* BRK; copy in a slot followed by a second BRK */
#define PB_MECH_KPROBE_SS        9  /* BRK; hardware single-step over the slot */
#define PB_MECH_KPROBE_SIM      10  /* BRK; the instruction is simulated */
#define PB_MECH_KRETPROBE_BRK   11  /* kprobe entry; return trampoline takes a BRK */
#define PB_MECH_KRETPROBE_TRAMP 12  /* kprobe entry; return trampoline builds pt_regs by hand */
#define PB_MECH_FGRAPH          13  /* function graph: return_to_handler via shadow return stack */
#define PB_MECH_FPROBE          14  /* ftrace entry + fgraph return hook, ftrace_regs */
#define PB_MECH_FPROBE_PTREGS   15  /* fprobe with ftrace_regs copied into a pt_regs */
#define PB_MECH_FENTRY_FEXIT    16  /* direct trampoline calling entry, the function, exit */
#define PB_MECH_FTRACE_ARGS_NOFP 17 /* DELIBERATELY BROKEN ftrace-args: no frame record for the
                                       traced function's caller; walks through it miss a frame */
#define PB_MECH_COUNT           18

/*
 * What the handlers see, per mechanism (F = the traced function's symbol):
 *
 *   mechanism                    exit  regs struct  entry taken at
 *   none                          -      -          (no handler runs)
 *   ftrace-args/-list/-callops,   no   ftrace_regs  the site: pc = F + 8, lr = F's return
 *     -args-nofp, direct-*
 *   ftrace-regs                   no   pt_regs      the site (synthetic PSTATE)
 *   kprobe-xol/-ss/-sim           no   pt_regs      the BRK at F (+ offset), on the
 *                                                   site's `mov x9, x30`: a real
 *                                                   exception frame, pc = F
 *   kretprobe-brk/-tramp          yes  pt_regs      as kprobes; at exit regs->pc is the
 *                                                   real return address, x0 the result
 *                                                   (-brk: a real exception frame,
 *                                                   -tramp: built by hand)
 *   fgraph, fprobe                yes  ftrace_regs  the site; at exit x0..x7, fp, sp,
 *                                                   lr (the hijacked value), pc = the
 *                                                   real return address
 *   fprobe-ptregs                 yes  pt_regs      as fprobe, copied into a pt_regs
 *                                                   (x0-x8, fp, lr, sp, pc; PSTATE EL1h)
 *   fentry-fexit                  yes  ftrace_regs  the trampoline; at exit x0 = result,
 *                                                   pc still F + 8
 *
 * Entry walks from BRK-based mechanisms start at the probed instruction,
 * before F saved its LR: the plain walk misses F's caller there and the
 * reliable walk refuses, as in Linux. Exception entry for a kprobe-sim BRK
 * leaves a 512-byte gap below the interrupted SP (room for the simulated
 * `stp x29, x30, [sp, #-N]!`), which shows in stack measurements.
 *
 * Limits (PB_ENOMEM beyond them): 1100 attachments (attach.c), 1100
 * kprobes (kprobes.c), 4096 filter entries over all ftrace ops together
 * (hash.c), 16 kretprobes with 64 active instances each (mech_kprobe.c,
 * pb/kretprobe.h), 8 BRK hooks (traps.c), 128 shadow return stack entries
 * (pb/task.h). Beyond the last two the return is not hooked and
 * pb_control.missed counts it.
 */

/* ---------------------------------------------------------------------
 * Handler kinds
 * ------------------------------------------------------------------- */
#define PB_HANDLER_COUNT 0  /* count hits */
#define PB_HANDLER_ARGS  1  /* count + record arguments / return value */
#define PB_HANDLER_WALK  2  /* count + plain and reliable stack walk */
#define PB_HANDLER_FETCH 3  /* count + run the fetch programs, append a record to the ring */
#define PB_HANDLER_MODIFY 4 /* count + change x0 in the registers the path hands over:
                               the entry handler adds PB_MODIFY_ARGUMENT_DELTA to the first
                               argument, the exit handler PB_MODIFY_RETURN_DELTA to the return
                               value (whether the path carries each change is what it shows) */
#define PB_HANDLER_REDIRECT 5 /* count + redirect the call, as livepatch does: the entry handler
                                 sets the pc in the registers the path hands over to the traced
                                 function's replacement (pb_wl_replacement_of) */
#define PB_HANDLER_REGS_WALK 6 /* count + the plain stack walk from the registers the path
                                  hands over (regs->pc, then the frame records from
                                  regs->x29), as perf and BPF walk from a handler's pt_regs */
#define PB_HANDLER_KIND_COUNT 7

#define PB_MODIFY_ARGUMENT_DELTA 1000
#define PB_MODIFY_RETURN_DELTA 1000000

/* ---------------------------------------------------------------------
 * pb_attach `param`
 * ------------------------------------------------------------------- */
/* Low 16 bits, mechanism specific:
 *   kprobe-*, kretprobe-*: byte offset of the probed instruction from the
 *       function's symbol, as a kernel kprobe's; 0 = the symbol (the
 *       `mov x9, x30` ftrace writes at boot), 8 = the first body instruction.
 *       A multiple of 4 below PB_KPROBE_MAX_OFFSET, not 4 (the ftrace
 *       location, refused as arm64 refuses it). kretprobes require 0.
 *   fentry-fexit: number of 8-byte stack argument slots to copy when the
 *       trampoline calls the traced function (pb_wl_args needs 3).
 *   others: must be 0. */
#define PB_PARAM_VALUE_MASK  0xffffUL
#define PB_KPROBE_MAX_OFFSET 1024
/* Allocate the trampoline in the module area (direct-bl, fentry-fexit:
 * then -ERANGE, as BL cannot reach it; direct-plt always allocates there). */
#define PB_PARAM_FAR_TRAMPOLINE (1UL << 16)

/* ---------------------------------------------------------------------
 * Error codes (negative return values of the entry points)
 * ------------------------------------------------------------------- */
#define PB_OK          0
#define PB_ENOENT     (-2)   /* detach: the target is not attached */
#define PB_ENOMEM    (-12)   /* out of attachments, ops, slots or trampoline memory */
#define PB_EBUSY     (-16)   /* attach: the target already has a hook of that kind (a function
                                takes one BRK mechanism and one patch-site mechanism at once) */
#define PB_EINVAL    (-22)   /* unknown mechanism / handler kind, bad param */
#define PB_ERANGE    (-34)   /* trampoline allocated out of branch range */
#define PB_EILSEQ    (-84)   /* the target is not a patchable site (NOP pattern / site list) */
#define PB_EOPNOTSUPP (-95)  /* the probed instruction cannot be handled by this mechanism */
/* Every failing pb_attach leaves the text byte-for-byte unchanged. */

/* ---------------------------------------------------------------------
 * Entry points (C calling convention, see top of file)
 * ------------------------------------------------------------------- */
#ifndef __ASSEMBLER__
long pb_attach(long mechanism, long handler_kind, unsigned long target, unsigned long param);
long pb_detach(unsigned long target);          /* every attachment of target, newest first; PB_ENOENT if none */
long pb_detach_all(void);                      /* returns the number detached */
/* Arms PB_IRQ_CALL_INTID to call fn(arg) from IRQ context each time it is
 * raised, recording pb_irq_call_result and counting pb_irq_call_count (zeroed
 * here). Code in .pb_late.text, off every measured path. */
long pb_arm_irq_call(unsigned long fn, long arg);
/* pb_detach(target), then code in both areas allocated, filled with UDF #0
 * and freed again, as if something else reused the memory detach freed: a
 * call the interrupt stopped inside freed code then faults. For the
 * in-flight detach checks (through pb_arm_irq_call); in .pb_late.text. */
long pb_detach_reusing_code(unsigned long target);
/* pb_detach_reusing_code(target), then the same attachment made again: a new
 * tracer taking the function while a call through the old hook runs on. */
long pb_detach_reattach(unsigned long target);
/* pb_attach_from_irq(target) attaches what pb_set_attach_from_irq chose (no
 * parameter): a tracer taking a function while a call of it is anywhere in its
 * patch site or body. For the in-flight attach checks; in .pb_test.text. */
long pb_set_attach_from_irq(long mechanism, long handler_kind);
long pb_attach_from_irq(unsigned long target);
long pb_run(unsigned long workload, long n, long arg0);
    /* Calls `workload` n times from the driver (through pb_driver_call_site)
     * with x0 = arg0 and x1..x7, stack arguments and the struct taken from
     * pb_control.call_args; returns the accumulated results:
     * acc = acc * 31 + result, starting at 0. */
long pb_set_ops_count(long n);                 /* ftrace-list, ftrace-callops: total ops
                                                  registered (1..PB_MAX_OPS_COUNT); applies
                                                  to the next such attach */
long pb_set_shared_ops(long n);                /* ftrace-args, -regs, -list, -callops: n other
                                                  tracers' ops (0..PB_MAX_SHARED_OPS, each a
                                                  handler that counts into pb_shared_ops_hits)
                                                  also trace the function of the next such
                                                  attach; other mechanisms ignore it */
long pb_reset(void);                           /* zero counters, last values, walks, ring */
long pb_attached_count(void);
#endif

/* ---------------------------------------------------------------------
 * Stack walks
 * ------------------------------------------------------------------- */
#define PB_WALK_MAX_FRAMES 64

/* status */
#define PB_WALK_OK                  0
#define PB_WALK_E_EXCEPTION_BOUNDARY (-1) /* reliable: crossed a pt_regs boundary (LR may be live) */
#define PB_WALK_E_UNRECOVERED       (-2)  /* a return address is still a trampoline */
#define PB_WALK_E_BAD_FRAME         (-3)  /* fp misaligned, outside the stacks, or not progressing */
#define PB_WALK_E_NO_FINAL          (-4)  /* the chain ended without the final frame record */
#define PB_WALK_E_TRUNCATED         (-5)  /* more than PB_WALK_MAX_FRAMES frames */
#define PB_WALK_E_NOT_TEXT          (-6)  /* reliable: a pc outside kernel text and trampolines */
#define PB_WALK_E_BAD_META          (-7)  /* a metadata frame record of unknown type */

/* flags: what the walk went through */
#define PB_WALKF_EXCEPTION   (1u << 0)  /* crossed an exception boundary (pt_regs) */
#define PB_WALKF_IRQ_STACK   (1u << 1)  /* started on the IRQ stack and crossed to the task stack */
#define PB_WALKF_FGRAPH      (1u << 2)  /* recovered a return_to_handler return address */
#define PB_WALKF_KRETPROBE   (1u << 3)  /* recovered a kretprobe trampoline return address */
#define PB_WALKF_UNRECOVERED (1u << 4)  /* reported a trampoline address it could not recover */
#define PB_WALKF_NOT_TEXT    (1u << 5)  /* reported a pc outside text and trampolines */
#define PB_WALKF_HOST_FINAL  (1u << 6)  /* ended at the host call's {0, pb_host_return} record */

#ifndef __ASSEMBLER__
struct pb_walk {
    uint64_t seq;                     /* incremented each time this walk is (re)written */
    int64_t  status;                  /* PB_WALK_OK or PB_WALK_E_* */
    uint64_t flags;                   /* PB_WALKF_* */
    uint64_t count;                   /* valid entries in pcs */
    uint64_t pcs[PB_WALK_MAX_FRAMES]; /* innermost first; return addresses as found
                                         (after recovery), pt_regs::pc at boundaries */
};

struct pb_walk_pair {
    struct pb_walk plain;     /* the kernel's arch_stack_walk() equivalent */
    struct pb_walk reliable;  /* arch_stack_walk_reliable(): an error unless it can vouch */
};

/* The struct the args workload takes by value (> 16 bytes: passed by reference
 * to a caller-made copy, AAPCS64 B.4). */
struct pb_big_arg {
    int64_t a, b, c, d;
};

/* Arguments the driver passes: x1..x7 = x[1..7] (x0 is pb_run's arg0),
 * stack slots [sp] = x[8], [sp+8] = x[9], [sp+16] = &copy of big. */
struct pb_call_args {
    int64_t x[10];
    struct pb_big_arg big;
};
#endif

/* ---------------------------------------------------------------------
 * Fetch programs (handler kind PB_HANDLER_FETCH)
 * ------------------------------------------------------------------- */
/* A program is a sequence of ops over one 64-bit value register `val`.
 * Each terminal STORE* appends one value to the current record and resets
 * val to 0; PB_FETCH_END ends the program. The regs struct is the pt_regs
 * on kprobe/kretprobe/ftrace-regs/fprobe-ptregs paths and the ftrace_regs
 * elsewhere (pb_fetch_regs_kind tells which); both hold x0..x7 at byte
 * offsets 0..56, so LOAD_REG(0) is the first argument / the return value. */
#define PB_FETCH_END            0
#define PB_FETCH_LOAD_REG       1  /* val = *(u64 *)(regs + imm)            imm: byte offset */
#define PB_FETCH_LOAD_STACK     2  /* val = *(u64 *)(entry_sp + 8 * imm)    imm: slot       */
#define PB_FETCH_IMM            3  /* val = imm                                              */
#define PB_FETCH_DEREF          4  /* val = *(u64 *)(val + imm)                              */
#define PB_FETCH_ADD            5  /* val = val + imm                                        */
#define PB_FETCH_LOAD           6  /* val = *(size, is_signed *)(val + imm): sized load      */
#define PB_FETCH_STORE          7  /* store val as `size` bytes (sign/zero-extended to 8)    */
#define PB_FETCH_STORE_BITFIELD 8  /* val is the container (`size` bytes): extract `width`
                                      bits at `shift`, sign-extend if is_signed, store 8 B   */
#define PB_FETCH_STORE_STRING   9  /* copy the NUL-terminated string at val, at most imm
                                      bytes, into the record                                 */
#define PB_FETCH_MAX_OPS 64
/* Per record: at most this many payload bytes (values and strings; a record
 * that would need more is cut short and flagged PB_RECF_FAULT), and at most
 * this many bytes of one string (STORE_STRING's imm is capped to it). */
#define PB_FETCH_MAX_PAYLOAD 512
#define PB_FETCH_MAX_STRING 64

#ifndef __ASSEMBLER__
struct pb_fetch_op {
    uint8_t op;
    uint8_t size;       /* LOAD, STORE: 1, 2, 4, 8; STORE_BITFIELD: container size */
    uint8_t is_signed;
    uint8_t width;      /* STORE_BITFIELD */
    uint8_t shift;      /* STORE_BITFIELD */
    uint8_t reserved[3];
    int64_t imm;
};

struct pb_fetch_prog {
    uint64_t nops;                           /* ops used (<= PB_FETCH_MAX_OPS) */
    struct pb_fetch_op ops[PB_FETCH_MAX_OPS];
};
#endif

/* Ring records: a header then `nvalues` items. A scalar item is 8 bytes;
 * a string item is a uint64 length followed by the bytes padded to 8.
 * Records never straddle the end of the ring: a PB_REC_PAD record fills the
 * tail and writing continues at offset 0. The host consumes from `tail`
 * (a byte count, modulo PB_FETCH_RING_SIZE) to `head` and advances `tail`. */
#define PB_FETCH_RING_SIZE 4096
#define PB_REC_ENTRY 1
#define PB_REC_EXIT  2
#define PB_REC_PAD   3
#define PB_RECF_FAULT 1u  /* a load hit an address outside RAM or misaligned: value is 0 */

#ifndef __ASSEMBLER__
struct pb_fetch_record_hdr {
    uint32_t len;        /* total bytes including this header, multiple of 8 */
    uint16_t type;       /* PB_REC_* */
    uint16_t flags;      /* PB_RECF_* */
    uint64_t func;       /* traced function address */
    uint32_t nvalues;
    uint32_t regs_kind;  /* PB_REGS_FTRACE or PB_REGS_PT */
};
#define PB_REGS_FTRACE 1
#define PB_REGS_PT     2

struct pb_fetch_ring {
    uint64_t head;       /* bytes produced (guest) */
    uint64_t tail;       /* bytes consumed (host) */
    uint64_t dropped;    /* records dropped for lack of space */
    uint64_t reserved;
    uint8_t  data[PB_FETCH_RING_SIZE];
};

/* ---------------------------------------------------------------------
 * Generated code, at symbol pb_code_map (for symbolising walks and the
 * emulator's shadow call stack)
 * ------------------------------------------------------------------- */
#define PB_CODE_TRAMPOLINE 0 /* a function-like trampoline with frame records */
#define PB_CODE_VENEER     1 /* a PLT veneer (adrp/add/br x16): never a return address */
#define PB_CODE_XOL_SLOT   2 /* a kprobe slot: the copied instruction, then a BRK */
#define PB_CODE_MAP_MAX    2048

struct pb_code_region {
    uint64_t start;
    uint64_t size;       /* bytes reserved (a multiple of 64) */
    uint64_t kind;       /* PB_CODE_* */
    uint64_t owner;      /* the traced function it serves (0 while being set up) */
};

struct pb_code_map {
    uint64_t count;      /* valid entries, in no particular order */
    uint64_t reserved;
    struct pb_code_region regions[PB_CODE_MAP_MAX];
};

_Static_assert(sizeof(struct pb_code_region) == 32, "pb_code_region layout");

extern struct pb_code_map pb_code_map;

/* ---------------------------------------------------------------------
 * The control block, at symbol pb_control
 * ------------------------------------------------------------------- */
struct pb_control {
    uint64_t magic;              /* PB_CONTROL_MAGIC */
    uint64_t abi_version;        /* PB_ABI_VERSION */

    /* Counters (zeroed by pb_reset) */
    uint64_t entry_hits;
    uint64_t exit_hits;
    uint64_t irq_count;          /* host-sample IRQs taken */
    uint64_t missed;             /* return hooks not armed (return stack / instances full),
                                    brought up to date at the end of each pb_run */

    /* Last values seen by `args` handlers */
    uint64_t last_entry_func;    /* traced function (symbol address) */
    int64_t  last_args[10];      /* x0..x7, then the two stack-passed arguments */
    struct pb_big_arg last_big;  /* the struct passed by value, read through its reference */
    uint64_t last_big_valid;     /* 1 if the reference pointed into a stack */
    uint64_t last_exit_func;
    int64_t  last_retval;

    /* Walks (written by `walk` handlers, the sample callee and the sample IRQ) */
    struct pb_walk_pair entry_walk;   /* in the entry handler */
    struct pb_walk_pair exit_walk;    /* in the exit handler */
    struct pb_walk_pair callee_walk;  /* in pb_wl_sample_callee, return hook armed */
    struct pb_walk_pair irq_walk;     /* in the sample IRQ handler (on the IRQ stack) */
    uint64_t irq_pc;                  /* interrupted pc of the last sample IRQ */
    uint64_t callee_raise_sgi;        /* if 1, pb_wl_sample_callee raises the sample
                                         SGI itself (QEMU self-test; the host normally
                                         raises the IRQ) */

    /* Inputs of pb_run (set to defaults at boot; the host may overwrite) */
    struct pb_call_args call_args;

    /* Fetch programs (written by the host before attaching with PB_HANDLER_FETCH) */
    struct pb_fetch_prog fetch_entry;
    struct pb_fetch_prog fetch_exit;
    struct pb_fetch_ring ring;
};

_Static_assert(sizeof(struct pb_walk) == 32 + 8 * PB_WALK_MAX_FRAMES, "pb_walk layout");
_Static_assert(sizeof(struct pb_fetch_op) == 16, "pb_fetch_op layout");
_Static_assert(offsetof(struct pb_control, entry_hits) == 16, "control layout");
_Static_assert(offsetof(struct pb_control, last_entry_func) == 48, "control layout");
_Static_assert(offsetof(struct pb_control, last_args) == 56, "control layout");
_Static_assert(offsetof(struct pb_control, last_big) == 136, "control layout");
_Static_assert(offsetof(struct pb_control, last_retval) == 184, "control layout");
_Static_assert(offsetof(struct pb_control, entry_walk) == 192, "control layout");
_Static_assert(offsetof(struct pb_control, exit_walk) == 192 + 1088, "control layout");
_Static_assert(offsetof(struct pb_control, callee_walk) == 192 + 2 * 1088, "control layout");
_Static_assert(offsetof(struct pb_control, irq_walk) == 192 + 3 * 1088, "control layout");
_Static_assert(offsetof(struct pb_control, irq_pc) == 192 + 4 * 1088, "control layout");
_Static_assert(offsetof(struct pb_control, call_args) == 192 + 4 * 1088 + 16, "control layout");
_Static_assert(offsetof(struct pb_control, fetch_entry) == 4560 + 112, "control layout");
_Static_assert(offsetof(struct pb_control, fetch_exit) == 4672 + 1032, "control layout");
_Static_assert(offsetof(struct pb_control, ring) == 5704 + 1032, "control layout");
_Static_assert(sizeof(struct pb_control) == 6736 + 32 + PB_FETCH_RING_SIZE, "control layout");

extern struct pb_control pb_control;
#endif /* !__ASSEMBLER__ */

#endif /* PB_ABI_H */
