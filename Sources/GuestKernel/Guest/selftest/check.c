/*
 * Check groups and the deterministic summary: one line per group, then the
 * totals. Failure lines name the check and its context, never an address.
 */
#include "check.h"

#define MAX_FAILURE_LINES 40

static const char *group_name;
static u64 group_passed, group_failed;
static u64 total_passed, total_failed, groups_failed;
static u64 failure_lines;
static const char *ctx_mech = "", *ctx_kind = "", *ctx_workload = "";

void st_group_begin(const char *name)
{
    group_name = name;
    group_passed = group_failed = 0;
    st_set_context("", "", "");
}

void st_group_end(void)
{
    pb_printf("[%s] %-34s %lu/%lu checks\n", group_failed ? "FAIL" : "PASS", group_name,
              group_passed, group_passed + group_failed);
    total_passed += group_passed;
    total_failed += group_failed;
    if (group_failed)
        groups_failed++;
}

void st_set_context(const char *mech, const char *kind, const char *workload)
{
    ctx_mech = mech;
    ctx_kind = kind;
    ctx_workload = workload;
}

bool st_check(bool ok, const char *what)
{
    if (ok) {
        group_passed++;
        return true;
    }
    group_failed++;
    if (failure_lines++ < MAX_FAILURE_LINES)
        pb_printf("  failed in %s [%s %s %s]: %s\n", group_name, ctx_mech, ctx_kind, ctx_workload,
                  what);
    return false;
}

int st_summary(void)
{
    pb_printf("TOTAL: %lu/%lu checks passed, %lu group(s) failed\n", total_passed,
              total_passed + total_failed, groups_failed);
    pb_printf("%s\n", total_failed ? "SELFTEST FAILED" : "SELFTEST PASSED");
    return total_failed ? 1 : 0;
}
