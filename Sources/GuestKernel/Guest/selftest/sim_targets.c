/*
 * kprobe-sim on every instruction class it simulates (branches, literal
 * loads, ADR/ADRP, the frame-record STP, the patch site's `mov x9, x30`):
 * each target must return what it
 * returns unprobed, for inputs taking both sides of each condition. XOL and
 * single-step must refuse the PC-relative ones and handle the STP.
 */
#include "check.h"
#include "pb/kprobes.h"
#include "pb/workloads.h"
#include "util.h"

struct sim_case {
    const char *name;
    long (*fn)(long);
    u64 offset;
    bool pc_relative;
    long inputs[2];
};

static const struct sim_case cases[] = {
    { "b", pb_sim_b, PB_SIM_B_OFFSET, true, { 5, -9 } },
    { "bl", pb_sim_bl, PB_SIM_BL_OFFSET, true, { 5, 1000 } },
    { "b.cond", pb_sim_bcond, PB_SIM_BCOND_OFFSET, true, { 5, 6 } },
    { "b.lt", pb_sim_blt, PB_SIM_BLT_OFFSET, true, { -3, 5 } },
    { "b.hi", pb_sim_bhi, PB_SIM_BHI_OFFSET, true, { -3, 5 } },
    { "cbz", pb_sim_cbz, PB_SIM_CBZ_OFFSET, true, { 0, 3 } },
    { "cbnz-w", pb_sim_cbnz_w, PB_SIM_CBNZ_W_OFFSET, true, { 0x100000000L, 7 } },
    { "tbz", pb_sim_tbz, PB_SIM_TBZ_OFFSET, true, { 1L << 33, 4 } },
    { "tbnz", pb_sim_tbnz, PB_SIM_TBNZ_OFFSET, true, { 8, 7 } },
    { "br", pb_sim_br, PB_SIM_BR_OFFSET, true, { 1, 2 } },
    { "blr", pb_sim_blr, PB_SIM_BLR_OFFSET, true, { 3, 4 } },
    { "ret", pb_sim_ret, PB_SIM_RET_OFFSET, true, { 10, 0 } },
    { "ldr-literal-x", pb_sim_ldr_lit_x, PB_SIM_LDR_LIT_X_OFFSET, true, { 0, 0xff } },
    { "ldr-literal-w", pb_sim_ldr_lit_w, PB_SIM_LDR_LIT_W_OFFSET, true, { 0, 1 } },
    { "ldrsw-literal", pb_sim_ldrsw_lit, PB_SIM_LDRSW_LIT_OFFSET, true, { 0, 1 } },
    { "adr", pb_sim_adr, PB_SIM_ADR_OFFSET, true, { 0, 1 } },
    { "adrp", pb_sim_adrp, PB_SIM_ADRP_OFFSET, true, { 0, 1 } },
    { "stp-pre-index", pb_sim_stp, PB_SIM_STP_OFFSET, false, { 7, 8 } },
    { "entry-mov", pb_sim_entry_mov, PB_SIM_ENTRY_MOV_OFFSET, false, { 7, -8 } },
};

static void run_case(const struct sim_case *c, int mech)
{
    const char *mech_name = mech == PB_MECH_KPROBE_SIM ? "kprobe-sim"
                            : mech == PB_MECH_KPROBE_SS ? "kprobe-ss"
                                                        : "kprobe-xol";
    struct st_site_snapshot site;
    u64 text_before = st_text_checksum();
    long expected[2];

    st_set_context(mech_name, "count", c->name);
    for (int i = 0; i < 2; i++)
        expected[i] = c->fn(c->inputs[i]);
    st_snapshot_site((u64)c->fn, &site);
    pb_reset();

    long err = pb_attach(mech, PB_HANDLER_COUNT, (u64)c->fn, c->offset);
    if (mech != PB_MECH_KPROBE_SIM && c->pc_relative) {
        CHECK_EQ(err, PB_EOPNOTSUPP);
        CHECK_EQ(st_text_checksum(), text_before);
        return;
    }
    if (!CHECK_EQ(err, 0))
        return;
    u64 sim_before = pb_kprobe_stats.simulated;
    for (int i = 0; i < 2; i++)
        CHECK_EQ(c->fn(c->inputs[i]), expected[i]);
    CHECK_EQ(pb_control.entry_hits, 2);
    if (mech == PB_MECH_KPROBE_SIM)
        CHECK_EQ(pb_kprobe_stats.simulated - sim_before, 2);
    CHECK_EQ(pb_detach((u64)c->fn), 0);
    CHECK(st_site_unchanged((u64)c->fn, &site));
    CHECK_EQ(st_text_checksum(), text_before);
}

void st_kprobe_sim_targets(void)
{
    st_group_begin("kprobe instruction classes");
    /* The conditions really take both sides unprobed. */
    CHECK(pb_sim_bcond(5) != pb_sim_bcond(6) && pb_sim_blt(-3) != pb_sim_blt(5) &&
          pb_sim_bhi(-3) != pb_sim_bhi(5) && pb_sim_cbz(0) != pb_sim_cbz(3) &&
          pb_sim_cbnz_w(0x100000000L) != pb_sim_cbnz_w(7) && pb_sim_tbz(1L << 33) != pb_sim_tbz(4) &&
          pb_sim_tbnz(8) != pb_sim_tbnz(7));
    CHECK_EQ(pb_sim_ldrsw_lit(0), (long)(int)0x80000001);
    CHECK_EQ(pb_sim_ldr_lit_w(0), 0x80000001L);
    CHECK_EQ(pb_sim_entry_mov(7), 7); /* boot wrote the site's `mov x9, x30` */
    for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
        run_case(&cases[i], PB_MECH_KPROBE_SIM);
        run_case(&cases[i], PB_MECH_KPROBE_XOL);
        run_case(&cases[i], PB_MECH_KPROBE_SS);
    }
    st_group_end();
}
