/*
 * Bad requests get their error codes and leave the text, the generated
 * code and the attachment table exactly as they were.
 */
#include "check.h"
#include "pb/code_alloc.h"
#include "pb/workloads.h"
#include "util.h"

long pb_wl_mix(long a, long b);

struct bad_attach {
    const char *what;
    long mech;
    long kind;
    unsigned long target;
    unsigned long param;
    long expected;
};

void st_bad_requests(void)
{
    const unsigned long leaf = (unsigned long)pb_wl_leaf;
    const struct bad_attach cases[] = {
        { "unknown mechanism", 99, PB_HANDLER_COUNT, leaf, 0, PB_EINVAL },
        { "negative mechanism", -1, PB_HANDLER_COUNT, leaf, 0, PB_EINVAL },
        { "unknown handler kind", PB_MECH_FTRACE_ARGS, 9, leaf, 0, PB_EINVAL },
        { "param on ftrace-args", PB_MECH_FTRACE_ARGS, PB_HANDLER_COUNT, leaf, 5, PB_EINVAL },
        { "not a patchable site", PB_MECH_FTRACE_ARGS, PB_HANDLER_COUNT, (unsigned long)pb_run, 0, PB_EILSEQ },
        { "inside a site", PB_MECH_FTRACE_ARGS, PB_HANDLER_COUNT, leaf + 4, 0, PB_EILSEQ },
        { "untraced helper", PB_MECH_KPROBE_XOL, PB_HANDLER_COUNT, (unsigned long)pb_wl_mix, 0, PB_EILSEQ },
        { "xol on a branch", PB_MECH_KPROBE_XOL, PB_HANDLER_COUNT, (unsigned long)pb_sim_b, PB_SIM_B_OFFSET, PB_EOPNOTSUPP },
        { "ss on a literal load", PB_MECH_KPROBE_SS, PB_HANDLER_COUNT, (unsigned long)pb_sim_ldr_lit_x,
          PB_SIM_LDR_LIT_X_OFFSET, PB_EOPNOTSUPP },
        { "sim on eor", PB_MECH_KPROBE_SIM, PB_HANDLER_COUNT, (unsigned long)pb_sim_ldr_lit_x,
          PB_SIM_LDR_LIT_X_OFFSET + 4, PB_EOPNOTSUPP },
        { "kprobe on the ftrace location", PB_MECH_KPROBE_XOL, PB_HANDLER_COUNT, leaf, 4, PB_EINVAL },
        { "misaligned probe offset", PB_MECH_KPROBE_XOL, PB_HANDLER_COUNT, leaf, 2, PB_EINVAL },
        { "kretprobe with offset", PB_MECH_KRETPROBE_BRK, PB_HANDLER_COUNT, leaf, 4, PB_EINVAL },
        { "direct-bl out of range", PB_MECH_DIRECT_BL, PB_HANDLER_COUNT, leaf, PB_PARAM_FAR_TRAMPOLINE, PB_ERANGE },
        { "fentry out of range", PB_MECH_FENTRY_FEXIT, PB_HANDLER_COUNT, leaf, PB_PARAM_FAR_TRAMPOLINE, PB_ERANGE },
        { "fentry too many slots", PB_MECH_FENTRY_FEXIT, PB_HANDLER_COUNT, leaf, 9, PB_EINVAL },
    };
    u64 text_before = st_text_checksum();
    unsigned int code_before = pb_code_live_count();

    st_group_begin("bad requests");
    for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
        const struct bad_attach *c = &cases[i];
        st_set_context(c->what, "", "");
        CHECK_EQ(pb_attach(c->mech, c->kind, c->target, c->param), c->expected);
        CHECK_EQ(st_text_checksum(), text_before);
        CHECK_EQ(pb_code_live_count(), code_before);
        CHECK_EQ(pb_attached_count(), 0);
    }

    st_set_context("detach", "", "");
    CHECK_EQ(pb_detach(leaf), PB_ENOENT);
    CHECK_EQ(pb_detach((unsigned long)pb_run), PB_ENOENT);
    st_set_context("ops count", "", "");
    CHECK_EQ(pb_set_ops_count(0), PB_EINVAL);
    CHECK_EQ(pb_set_ops_count(PB_MAX_OPS_COUNT + 1), PB_EINVAL);
    st_set_context("shared ops", "", "");
    CHECK_EQ(pb_set_shared_ops(-1), PB_EINVAL);
    CHECK_EQ(pb_set_shared_ops(PB_MAX_SHARED_OPS + 1), PB_EINVAL);
    st_set_context("run", "", "");
    CHECK_EQ(pb_run((unsigned long)pb_wl_mix, 1, 0), PB_EINVAL);
    CHECK_EQ(pb_run(leaf, -1, 0), PB_EINVAL);

    /* A second patch-site mechanism, or none: -EBUSY, text as after the first
     * attach (a BRK mechanism may join: see the stacked hooks group). */
    st_set_context("attach twice", "", "");
    CHECK_EQ(pb_attach(PB_MECH_FTRACE_ARGS, PB_HANDLER_COUNT, leaf, 0), 0);
    u64 text_attached = st_text_checksum();
    CHECK_EQ(pb_attach(PB_MECH_FTRACE_ARGS, PB_HANDLER_COUNT, leaf, 0), PB_EBUSY);
    CHECK_EQ(pb_attach(PB_MECH_FGRAPH, PB_HANDLER_ARGS, leaf, 0), PB_EBUSY);
    CHECK_EQ(pb_attach(PB_MECH_NONE, PB_HANDLER_COUNT, leaf, 0), PB_EBUSY);
    CHECK_EQ(st_text_checksum(), text_attached);
    CHECK_EQ(pb_detach(leaf), 0);
    CHECK_EQ(pb_detach(leaf), PB_ENOENT);
    CHECK_EQ(st_text_checksum(), text_before);

    /* CALL_OPS reaches a direct trampoline at any distance (br x17). */
    st_set_context("direct-caller far", "", "");
    long one_call = pb_wl_leaf(11, pb_control.call_args.x[1]);
    pb_reset();
    CHECK_EQ(pb_attach(PB_MECH_DIRECT_CALLER, PB_HANDLER_COUNT, leaf, PB_PARAM_FAR_TRAMPOLINE), 0);
    CHECK_EQ(st_run(leaf, 2, 11), one_call * 31 + one_call);
    CHECK_EQ(pb_control.entry_hits, 2);
    CHECK_EQ(pb_detach(leaf), 0);
    CHECK_EQ(st_text_checksum(), text_before);
    CHECK_EQ(pb_code_live_count(), code_before);
    st_group_end();
}
