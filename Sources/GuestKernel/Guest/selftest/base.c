/*
 * The kernel base: layouts, vectors, BRK, SVC, UNDEF, a data abort, ERET,
 * SPSel, DAIF, hardware single-step, an IRQ (SGI to self) and
 * self-modifying code.
 */
#include "check.h"
#include "pb/brk.h"
#include "pb/ftrace.h"
#include "pb/insn.h"
#include "pb/irq.h"
#include "pb/patching.h"
#include "pb/ptrace.h"
#include "pb/sysreg.h"
#include "pb/traps.h"
#include "pb/workloads.h"
#include "pb_abi.h"
#include "selftest.h"

long st_undef(void);
long st_unaligned_load(u64 addr);
u64 st_eret_to(u64 spsr);
void st_spsel(u64 value, u64 out[3]);
long st_single_step(void);
long st_smc_target(void);
extern char st_step_expected_pc[];
extern char pb_vectors[];
extern const u64 pb_sizeof_pt_regs, pb_sizeof_ftrace_regs, pb_sizeof_control, pb_sizeof_walk;

static u64 brk_hits, brk_seen_x0;
static u64 step_hits, step_pc_ok;

static int test_brk_hook(struct pt_regs *regs, u64 esr)
{
    brk_hits++;
    brk_seen_x0 = regs->regs[0];
    if ((esr & 0xffff) != PB_BRK_IMM_TEST)
        return -1;
    regs->pc += 4; /* BRK's ELR is the BRK itself */
    return 0;
}

static void test_svc_hook(struct pt_regs *regs, u16 imm)
{
    regs->regs[0] += imm; /* SVC's ELR is already the next instruction */
}

static int test_step_hook(struct pt_regs *regs, u64 esr)
{
    step_hits++;
    step_pc_ok = regs->pc == (u64)st_step_expected_pc &&
                 (esr >> ESR_EC_SHIFT) == ESR_EC_SOFTSTP_CUR;
    write_sysreg(read_sysreg(mdscr_el1) & ~(MDSCR_SS | MDSCR_KDE), mdscr_el1);
    isb();
    regs->pstate &= ~PSR_SS_BIT;
    return 0;
}

static void check_layouts(void)
{
    CHECK_EQ(pb_sizeof_pt_regs, 336);
    CHECK_EQ(pb_sizeof_ftrace_regs, 112);
    CHECK_EQ(pb_sizeof_control, sizeof(struct pb_control));
    CHECK_EQ(pb_sizeof_walk, sizeof(struct pb_walk));
    CHECK_EQ(pb_control.magic, PB_CONTROL_MAGIC);
    CHECK_EQ(read_sysreg(vbar_el1), (u64)pb_vectors);
    /* 16 vector entries, each starting with a branch to its handler */
    bool all_branches = true;
    for (int i = 0; i < 16; i++)
        all_branches &= pb_insn_is_branch_imm(pb_text_read32(pb_vectors + 128 * i));
    CHECK(all_branches);
    CHECK_EQ(read_sysreg(CurrentEL) >> 2, 1);
}

/* Every workload: a patch site as boot leaves it (two NOPs before the
 * symbol, `mov x9, x30; nop` at it), then `stp x29, x30, [sp, #-N]!` as the
 * first body instruction. */
static void check_workload_layout(void)
{
    const unsigned long fns[] = { (unsigned long)pb_wl_leaf, (unsigned long)pb_wl_nonleaf,
                                  (unsigned long)pb_wl_args, (unsigned long)pb_wl_recursive,
                                  (unsigned long)pb_wl_sample, (unsigned long)pb_wl_tailcall,
                                  (unsigned long)pb_wl_tail_target };

    for (unsigned int i = 0; i < ARRAY_SIZE(fns); i++) {
        u32 first = pb_text_read32((void *)(fns[i] + 8));
        CHECK_EQ(pb_ftrace_check_site(fns[i]), 0);
        CHECK((first & 0xffc07fffu) == 0xa9807bfdu); /* stp x29, x30, [sp, #imm]! */
    }
}

static void check_brk_svc(void)
{
    register u64 x0 __asm__("x0") = 0x1234;

    pb_register_brk_hook(PB_BRK_IMM_TEST, test_brk_hook);
    __asm__ __volatile__("brk #0x100" : "+r"(x0) : : "memory");
    _Static_assert(PB_BRK_IMM_TEST == 0x100, "the BRK above");
    CHECK_EQ(brk_hits, 1);
    CHECK_EQ(brk_seen_x0, 0x1234);

    pb_register_svc_hook(test_svc_hook);
    register u64 s0 __asm__("x0") = 5;
    __asm__ __volatile__("svc #0x42" : "+r"(s0) : : "memory");
    CHECK_EQ(s0, 5 + 0x42);
}

static void check_faults(void)
{
    static u64 aligned_words[2] __aligned(16) = { 0x1111111111111111ULL, 0x2222222222222222ULL };
    u64 before = pb_last_fault.count;

    CHECK_EQ(st_undef(), 0x0dd);
    CHECK_EQ(pb_last_fault.count, before + 1);
    CHECK_EQ(pb_last_fault.esr >> ESR_EC_SHIFT, ESR_EC_UNKNOWN);

    CHECK_EQ(st_unaligned_load((u64)aligned_words), 0x1111111111111111ULL);
    CHECK_EQ(st_unaligned_load((u64)aligned_words + 4), (u64)-1);
    CHECK_EQ(pb_last_fault.count, before + 2);
    CHECK_EQ(pb_last_fault.esr >> ESR_EC_SHIFT, ESR_EC_DABT_CUR);
    CHECK_EQ(pb_last_fault.far, (u64)aligned_words + 4);
}

static void check_eret_spsel_daif(void)
{
    u64 seen = st_eret_to(PSR_MODE_EL1h | PSR_I_BIT | PSR_F_BIT | PSR_Z_BIT);
    CHECK((seen & PSR_I_BIT) && (seen & PSR_F_BIT) && (seen & PSR_Z_BIT) && !(seen & PSR_C_BIT));
    seen = st_eret_to(PSR_MODE_EL1h | PSR_A_BIT | PSR_F_BIT | PSR_C_BIT);
    CHECK(!(seen & PSR_I_BIT) && (seen & PSR_A_BIT) && (seen & PSR_C_BIT) && !(seen & PSR_Z_BIT));

    u64 out[3];
    st_spsel(0x40001230, out);
    CHECK_EQ(out[0], 0x40001230);
    CHECK_EQ(out[1], out[2]);

    u64 flags = local_irq_save();
    CHECK(read_sysreg(daif) & PSR_I_BIT);
    local_irq_restore(flags);
    CHECK(!(read_sysreg(daif) & PSR_I_BIT));
}

static void check_single_step(void)
{
    pb_register_step_hook(test_step_hook);
    CHECK_EQ(st_single_step(), 142);
    CHECK_EQ(step_hits, 1);
    CHECK(step_pc_ok);
    CHECK_EQ(read_sysreg(mdscr_el1) & MDSCR_SS, 0);
    st_restore_kprobe_hooks();
}

static bool wait_for_irq(u64 before)
{
    for (int spin = 0; spin < 100000; spin++) {
        if (READ_ONCE(pb_control.irq_count) != before)
            return true;
        __asm__ __volatile__("isb" ::: "memory");
    }
    return false;
}

static void check_irq(void)
{
    u64 before = pb_control.irq_count;

    pb_gic_send_sgi_self(PB_HOST_SAMPLE_INTID);
    CHECK(wait_for_irq(before));
    CHECK(pb_in_text(pb_control.irq_pc));
    CHECK_EQ(pb_control.irq_walk.plain.status, PB_WALK_OK);
    CHECK(pb_control.irq_walk.plain.flags & PB_WALKF_IRQ_STACK);
    CHECK(pb_control.irq_walk.plain.flags & PB_WALKF_EXCEPTION);
    CHECK_EQ(pb_control.irq_walk.reliable.status, PB_WALK_E_EXCEPTION_BOUNDARY);

    /* Masked: pending until DAIF.I is cleared. */
    before = pb_control.irq_count;
    u64 flags = local_irq_save();
    pb_gic_send_sgi_self(PB_HOST_SAMPLE_INTID);
    for (int spin = 0; spin < 2000; spin++)
        __asm__ __volatile__("isb" ::: "memory");
    CHECK_EQ(pb_control.irq_count, before);
    local_irq_restore(flags);
    CHECK(wait_for_irq(before));
}

static void check_self_modifying_code(void)
{
    u32 original = pb_text_read32((void *)st_smc_target);

    CHECK_EQ(st_smc_target(), 1);
    pb_text_poke32((void *)st_smc_target, 0xd2800040u); /* mov x0, #2 */
    CHECK_EQ(st_smc_target(), 2);
    pb_text_poke32((void *)st_smc_target, original);
    CHECK_EQ(st_smc_target(), 1);
}

void st_base(void)
{
    st_group_begin("kernel base");
    check_layouts();
    check_workload_layout();
    check_brk_svc();
    check_faults();
    check_eret_spsel_daif();
    check_single_step();
    check_irq();
    check_self_modifying_code();
    st_group_end();
}
