/* Self-test bookkeeping: check groups, pass/fail counts, failure reports. */
#ifndef ST_CHECK_H
#define ST_CHECK_H

#include "pb/kernel.h"
#include "pb/types.h"

void st_group_begin(const char *name);
void st_group_end(void);
/* Records one check; on failure prints the group, the context and `what`. */
bool st_check(bool ok, const char *what);
/* Context printed with failures (e.g. "ftrace-args/walk/pb_wl_leaf"). */
void st_set_context(const char *mech, const char *kind, const char *workload);
int st_summary(void);

#define CHECK(cond) st_check((cond), #cond)
#define CHECK_EQ(a, b) st_check((u64)(a) == (u64)(b), #a " == " #b)

#endif
