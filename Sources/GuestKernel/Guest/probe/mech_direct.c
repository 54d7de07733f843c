/*
 * Mechanisms with a per-function generated trampoline:
 *   direct-caller  CALL_OPS site -> ftrace_caller_ops -> br to the trampoline
 *   direct-bl      the site's BL reaches the trampoline (near area)
 *   direct-plt     the trampoline is in the module area; the site's BL goes
 *                  to a veneer in the near area
 *   fentry-fexit   the trampoline calls entry handler, the function, exit handler
 */
#include "pb/direct.h"
#include "pb/insn.h"
#include "pb/probe.h"

static void direct_handler(u64 ip, u64 parent_ip, struct pb_ftrace_ops *data,
                           struct ftrace_regs *fregs)
{
    struct pb_probe_event ev = {
        .func = pb_ftrace_func_of_ip(ip),
        .args = fregs->regs,
        .entry_sp = fregs->sp,
        .retval = fregs->regs[0],
        .regs = fregs,
        .regs_kind = PB_REGS_FTRACE,
    };

    (void)parent_ip;
    pb_probe_entry((const struct pb_probe_ctx *)data, &ev);
}

static void fexit_handler(u64 ip, u64 parent_ip, struct pb_ftrace_ops *data,
                          struct ftrace_regs *fregs)
{
    struct pb_probe_event ev = {
        .func = pb_ftrace_func_of_ip(ip),
        .args = fregs->regs,
        .entry_sp = fregs->sp,
        .retval = fregs->regs[0],
        .regs = fregs,
        .regs_kind = PB_REGS_FTRACE,
    };

    (void)parent_ip;
    pb_probe_exit((const struct pb_probe_ctx *)data, &ev);
}

static enum pb_code_area tramp_area(const struct pb_attachment *a)
{
    return (a->param & PB_PARAM_FAR_TRAMPOLINE) ? PB_AREA_MODULE : PB_AREA_NEAR;
}

static void free_code(struct pb_attachment *a)
{
    if (a->veneer)
        pb_code_free(a->veneer);
    if (a->tramp)
        pb_code_free(a->tramp);
    a->veneer = a->tramp = NULL;
}

int pb_attach_direct(struct pb_attachment *a)
{
    u64 site_bl = pb_ftrace_ip(a->target);
    u64 target, literal = 0;
    int err;

    if (a->param & ~PB_PARAM_FAR_TRAMPOLINE)
        return PB_EINVAL;
    enum pb_code_area area = a->mech == PB_MECH_DIRECT_PLT ? PB_AREA_MODULE : tramp_area(a);
    a->tramp = pb_make_direct_tramp(area, direct_handler, (void *)a->ctx);
    if (!a->tramp)
        return PB_ENOMEM;

    switch (a->mech) {
    case PB_MECH_DIRECT_CALLER:
        a->direct_ops.func = pb_ftrace_stub;
        a->direct_ops.direct_call = (u64)a->tramp;
        a->direct_ops.caller = PB_CALLER_CALLOPS;
        target = pb_ftrace_caller_addr(PB_CALLER_CALLOPS);
        literal = (u64)&a->direct_ops;
        break;
    case PB_MECH_DIRECT_PLT:
        if (pb_in_branch_range(site_bl, (u64)a->tramp)) {
            target = (u64)a->tramp; /* cannot happen with the module area's placement */
            break;
        }
        a->veneer = pb_make_veneer((u64)a->tramp);
        if (!a->veneer) {
            free_code(a);
            return PB_ENOMEM;
        }
        target = (u64)a->veneer;
        break;
    default: /* direct-bl */
        target = (u64)a->tramp;
        break;
    }
    err = pb_ftrace_patch_site(a->target, target, literal);
    if (err) {
        free_code(a);
        return err;
    }
    pb_code_set_owner(a->tramp, a->target);
    if (a->veneer)
        pb_code_set_owner(a->veneer, a->target);
    return 0;
}

void pb_detach_direct(struct pb_attachment *a)
{
    pb_ftrace_unpatch_site(a->target);
    free_code(a);
}

int pb_attach_fentry(struct pb_attachment *a)
{
    u64 nslots = a->param & PB_PARAM_VALUE_MASK;
    int err;

    if ((a->param & ~(PB_PARAM_VALUE_MASK | PB_PARAM_FAR_TRAMPOLINE)) ||
        nslots > PB_FENTRY_MAX_STACK_SLOTS)
        return PB_EINVAL;
    a->tramp = pb_make_fentry_tramp(tramp_area(a), direct_handler, fexit_handler, (void *)a->ctx,
                                    nslots);
    if (!a->tramp)
        return PB_ENOMEM;
    err = pb_ftrace_patch_site(a->target, (u64)a->tramp, 0);
    if (err) {
        free_code(a);
        return err;
    }
    pb_code_set_owner(a->tramp, a->target);
    return 0;
}

void pb_detach_fentry(struct pb_attachment *a)
{
    pb_ftrace_unpatch_site(a->target);
    free_code(a);
}
