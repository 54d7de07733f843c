/* Synchronous exception dispatch: hooks by exception class. */
#ifndef PB_TRAPS_H
#define PB_TRAPS_H

#include "pb/types.h"

struct pt_regs;

/* A BRK hook handles one BRK immediate; returns 0 if it handled the BRK. */
typedef int (*pb_brk_fn)(struct pt_regs *regs, u64 esr);
void pb_register_brk_hook(u16 imm, pb_brk_fn fn);

/* The software-step hook (there is one stepping user: kprobe-ss). */
typedef int (*pb_step_fn)(struct pt_regs *regs, u64 esr);
void pb_register_step_hook(pb_step_fn fn);

/* SVC at EL1; the hook gets the SVC immediate. */
typedef void (*pb_svc_fn)(struct pt_regs *regs, u16 imm);
void pb_register_svc_hook(pb_svc_fn fn);

/* The last exception resolved through the fixup table (__pb_ex_table). */
struct pb_fault_info {
    u64 count;
    u64 esr;
    u64 far;
    u64 pc;
};
extern struct pb_fault_info pb_last_fault;

/* Emits an exception-table entry: a fault at `insn` resumes at `fixup`. */
#define PB_EX_TABLE_ENTRY(insn, fixup) \
    ".pushsection __pb_ex_table, \"a\"\n .balign 8\n .quad " #insn ", " #fixup "\n .popsection\n"

#endif
