/*
 * Generated code: trampolines are copies of the templates in
 * direct-tramp.S with their literals filled in; veneers are the module-PLT
 * sequence `adrp x16, target; add x16, x16, :lo12:target; br x16`.
 * All of it is written through pb_text_copy.
 */
#include "pb/direct.h"
#include "pb/insn.h"
#include "pb/patching.h"

extern char pb_direct_tramp_template[], pb_direct_tramp_template_end[];
extern char pb_direct_tramp_lit_handler[], pb_direct_tramp_lit_data[];
extern char pb_fentry_tramp_template[], pb_fentry_tramp_template_end[];
extern char pb_fentry_tramp_lit_entry[], pb_fentry_tramp_lit_exit[];
extern char pb_fentry_tramp_lit_data[], pb_fentry_tramp_lit_nslots[];

#define MAX_TEMPLATE 512

static void *instantiate(enum pb_code_area area, const char *start, const char *end,
                         const char *const *lits, const u64 *values, int nlits)
{
    u64 size = (u64)(end - start);
    u64 buf[MAX_TEMPLATE / 8];

    if (size > MAX_TEMPLATE)
        return NULL;
    memcpy(buf, start, size);
    for (int i = 0; i < nlits; i++)
        buf[(lits[i] - start) / 8] = values[i];
    void *code = pb_code_alloc(area, PB_CODE_TRAMPOLINE, size);
    if (code)
        pb_text_copy(code, buf, size);
    return code;
}

void *pb_make_direct_tramp(enum pb_code_area area, pb_ftrace_func_t handler, void *data)
{
    const char *lits[] = { pb_direct_tramp_lit_handler, pb_direct_tramp_lit_data };
    u64 values[] = { (u64)handler, (u64)data };

    return instantiate(area, pb_direct_tramp_template, pb_direct_tramp_template_end, lits, values, 2);
}

void *pb_make_fentry_tramp(enum pb_code_area area, pb_ftrace_func_t entry, pb_ftrace_func_t exit,
                           void *data, u64 nslots)
{
    const char *lits[] = { pb_fentry_tramp_lit_entry, pb_fentry_tramp_lit_exit,
                           pb_fentry_tramp_lit_data, pb_fentry_tramp_lit_nslots };
    u64 values[] = { (u64)entry, (u64)exit, (u64)data, nslots };

    if (nslots > PB_FENTRY_MAX_STACK_SLOTS)
        return NULL;
    return instantiate(area, pb_fentry_tramp_template, pb_fentry_tramp_template_end, lits, values, 4);
}

void *pb_make_veneer(u64 target)
{
    u32 *veneer = pb_code_alloc(PB_AREA_NEAR, PB_CODE_VENEER, 12);

    if (!veneer)
        return NULL;
    u32 code[3] = {
        pb_insn_gen_adrp((u64)veneer, target, 16),
        pb_insn_gen_add_imm(16, 16, target & 0xfff),
        INSN_BR_X16,
    };
    pb_text_copy(veneer, code, sizeof(code));
    return veneer;
}
