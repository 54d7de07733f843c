/*
 * ftrace core: ops registration per common trampoline, the list function,
 * retargeting each trampoline's patched call (arm64's ftrace_update_ftrace_func),
 * and patching/unpatching function-entry sites.
 */
#include "pb/ftrace.h"
#include "pb/insn.h"
#include "pb/kernel.h"
#include "pb/patching.h"
#include "pb_abi.h"

/* Patched BLs inside the trampolines and the ops they pass (entry-ftrace.S). */
extern u32 pb_ftrace_call[], pb_ftrace_regs_call[], pb_ftrace_nofp_call[];
struct pb_ftrace_ops *pb_ftrace_args_op, *pb_ftrace_regs_op, *pb_ftrace_nofp_op;
struct pb_ftrace_ops pb_ftrace_nop_ops = { .func = pb_ftrace_stub, .caller = PB_CALLER_CALLOPS };

struct caller_state {
    struct pb_ftrace_ops *list;
    unsigned int nr_ops;
    bool force_list;
    u32 *call_site;                /* the BL retargeted on every change */
    struct pb_ftrace_ops **op_var; /* the op the trampoline passes */
    struct pb_ftrace_ops list_op;  /* passed when the list function is called */
};

static struct caller_state callers[PB_NR_CALLERS];

/* Calls every ops of the caller whose filter holds ip. */
static void ftrace_ops_list_func(u64 ip, u64 parent_ip, struct pb_ftrace_ops *list_op,
                                 struct ftrace_regs *fregs)
{
    struct caller_state *c = list_op->private;
    bool found;

    for (struct pb_ftrace_ops *op = c->list; op; op = op->next) {
        pb_hash_lookup(&op->filter, ip, &found);
        if (found)
            op->func(ip, parent_ip, op, fregs);
    }
}

static void sort_patch_sites(void);
static void init_patch_sites(void);

void pb_ftrace_init(void)
{
    sort_patch_sites();
    init_patch_sites();
    callers[PB_CALLER_ARGS].call_site = pb_ftrace_call;
    callers[PB_CALLER_ARGS].op_var = &pb_ftrace_args_op;
    callers[PB_CALLER_REGS].call_site = pb_ftrace_regs_call;
    callers[PB_CALLER_REGS].op_var = &pb_ftrace_regs_op;
    callers[PB_CALLER_NOFP].call_site = pb_ftrace_nofp_call;
    callers[PB_CALLER_NOFP].op_var = &pb_ftrace_nofp_op;
    for (int i = 0; i < PB_NR_CALLERS; i++) {
        callers[i].list_op.func = ftrace_ops_list_func;
        callers[i].list_op.private = &callers[i];
        if (callers[i].op_var)
            *callers[i].op_var = &callers[i].list_op;
    }
}

static void update_caller(struct caller_state *c)
{
    pb_ftrace_func_t func;
    struct pb_ftrace_ops *op;

    if (!c->call_site)
        return; /* CALL_OPS: the site's literal selects the ops */
    if (c->nr_ops == 0) {
        func = pb_ftrace_stub;
        op = &c->list_op;
    } else if (c->nr_ops == 1 && !c->force_list) {
        func = c->list->func;
        op = c->list;
    } else {
        func = ftrace_ops_list_func;
        op = &c->list_op;
    }
    /* Publish the op before the call that passes it. */
    WRITE_ONCE(*c->op_var, op);
    u32 insn = pb_insn_gen_branch((u64)c->call_site, (u64)func, true);
    if (pb_text_read32(c->call_site) != insn)
        pb_text_poke32(c->call_site, insn);
}

int pb_register_ftrace_ops(struct pb_ftrace_ops *ops)
{
    struct caller_state *c = &callers[ops->caller];

    if (ops->registered)
        return PB_EBUSY;
    ops->next = c->list;
    c->list = ops;
    c->nr_ops++;
    ops->registered = true;
    update_caller(c);
    return 0;
}

void pb_unregister_ftrace_ops(struct pb_ftrace_ops *ops)
{
    struct caller_state *c = &callers[ops->caller];

    if (!ops->registered)
        return;
    for (struct pb_ftrace_ops **pp = &c->list; *pp; pp = &(*pp)->next) {
        if (*pp == ops) {
            *pp = ops->next;
            break;
        }
    }
    ops->next = NULL;
    ops->registered = false;
    c->nr_ops--;
    update_caller(c);
}

void pb_ftrace_force_list(enum pb_ftrace_caller caller, bool force)
{
    callers[caller].force_list = force;
    update_caller(&callers[caller]);
}

struct pb_ftrace_ops *pb_ftrace_list_op(enum pb_ftrace_caller caller)
{
    return &callers[caller].list_op;
}

u64 pb_ftrace_caller_addr(enum pb_ftrace_caller caller)
{
    switch (caller) {
    case PB_CALLER_ARGS:
        return (u64)ftrace_caller;
    case PB_CALLER_REGS:
        return (u64)ftrace_regs_caller;
    case PB_CALLER_NOFP:
        return (u64)ftrace_caller_nofp;
    case PB_CALLER_CALLOPS:
        return (u64)ftrace_caller_ops;
    default:
        return 0;
    }
}

/* Sorts the patch-site table once at boot (the linker emits it nearly sorted, so
 * insertion sort is linear), so lookups are a binary search however many
 * traced functions the image has. */
static void sort_patch_sites(void)
{
    u64 *sites = pb_patch_sites_start;
    long count = pb_patch_sites_end - pb_patch_sites_start;

    for (long i = 1; i < count; i++) {
        u64 value = sites[i];
        long j = i;
        for (; j > 0 && sites[j - 1] > value; j--)
            sites[j] = sites[j - 1];
        sites[j] = value;
    }
}

/* arm64's ftrace_init_nop: at boot every recorded site's first NOP becomes
 * `mov x9, x30`, and ftrace_call_adjust makes the BL after it the ftrace
 * location. So an untraced function runs `mov x9, x30; nop`, enabling a site
 * writes only its BL (and literal), and a kprobe on the function's symbol
 * lands on the `mov`, before the ftrace call. Its CALL_OPS literal (the two
 * NOPs before the symbol) points at pb_ftrace_nop_ops from boot on, as
 * ftrace_rec_set_nop_ops does: a call that took the BL just before it went
 * back to a NOP still loads a valid ops. A site whose words are not the
 * compiler's NOPs is left as it is; pb_ftrace_check_site then refuses it. */
static void init_patch_sites(void)
{
    for (u64 *site = pb_patch_sites_start; site < pb_patch_sites_end; site++) {
        void *func = (void *)(*site + 8);
        if (pb_text_read32(func) == INSN_NOP)
            pb_text_poke32(func, INSN_MOV_X9_X30);
        if (pb_text_read32((void *)*site) == INSN_NOP && pb_text_read32((void *)(*site + 4)) == INSN_NOP)
            pb_text_poke64((void *)*site, (u64)&pb_ftrace_nop_ops);
    }
}

bool pb_ftrace_is_recorded_site(u64 func)
{
    long low = 0, high = pb_patch_sites_end - pb_patch_sites_start;

    while (low < high) {
        long middle = low + (high - low) / 2;
        u64 site = pb_patch_sites_start[middle] + 8;
        if (site == func)
            return true;
        if (site < func)
            low = middle + 1;
        else
            high = middle;
    }
    return false;
}

int pb_ftrace_check_site(u64 func)
{
    if ((func & 7) || !pb_ftrace_is_recorded_site(func))
        return PB_EILSEQ;
    if (pb_text_read64((const void *)(func - 8)) != (u64)&pb_ftrace_nop_ops)
        return PB_EILSEQ;
    if (pb_text_read32((const void *)func) != INSN_MOV_X9_X30 || pb_text_read32((const void *)(func + 4)) != INSN_NOP)
        return PB_EILSEQ;
    return 0;
}

int pb_ftrace_patch_site(u64 func, u64 target, u64 ops_literal)
{
    u64 bl_pc = func + 4;

    if (!pb_in_branch_range(bl_pc, target))
        return PB_ERANGE;
    /* The literal first, the BL last: the site goes live with everything in
     * place (the `mov x9, x30` has been there since boot). */
    if (ops_literal)
        pb_text_poke64((void *)(func - 8), ops_literal);
    pb_text_poke32((void *)bl_pc, pb_insn_gen_branch(bl_pc, target, true));
    return 0;
}

void pb_ftrace_unpatch_site(u64 func)
{
    /* As the kernel's ftrace_make_nop: the literal back to the nop ops, then
     * the BL back to a NOP. A call already past the BL, or taking it in
     * between, loads either ops, and both stay valid. The `mov x9, x30`
     * stays. */
    if (pb_text_read64((const void *)(func - 8)) != (u64)&pb_ftrace_nop_ops)
        pb_text_poke64((void *)(func - 8), (u64)&pb_ftrace_nop_ops);
    pb_text_poke32((void *)(func + 4), INSN_NOP);
}
