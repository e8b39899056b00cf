/*
 * crm_verify.c -- crm's share of sd_verify (core/base/verify.c): customers'
 * owners exist and none comes from a deleted import. Read-only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crm/crm_int.h"

/* Customers: owners exist; none comes from an import that did not finish. */
static int
check_customers(struct sd_txn *t, struct rec_verify *a, struct sd_err *err)
{
	struct sd_cursor *c;
	uint64_t n = 0, orphans = 0, stray = 0;
	int st;

	if ((st = sd_cursor_open(t, T_CUSTOMER, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t vl;
		const void *v = sd_cursor_val(c, &vl);
		struct sd_customer cu;
		struct sd_user u;
		struct sd_err e;

		n++;
		if (customer_decode(v, vl, &cu) != SD_OK)
			continue;	/* the index checks count it */
		if (cu.owner[0] && user_load(t, cu.owner, &u, 0, &e) != SD_OK)
			orphans++;
		if (cu.import_id) {
			struct sd_buf val = SD_BUF_INIT;
			uint8_t k[8];

			key64(k, cu.import_id);
			if (sd_get(t, T_IMPORT, k, 8, &val, 0, &e) != SD_OK)
				stray++;
			else {
				struct imp m;

				/* As far as it decodes: not done unless it says so. */
				(void)imp_decode(val.p, val.len, &m);
				stray += m.status != IMP_DONE;
			}
			sd_buf_free(&val);
		}
	}
	sd_cursor_close(c);
	if (st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	rec_verify_report(a, "customers", orphans == 0 && stray == 0, "%llu customers, "
	    "%llu with an unknown owner, %llu from unfinished imports",
	    (unsigned long long)n, (unsigned long long)orphans,
	    (unsigned long long)stray);
	return SD_OK;
}

int
crm_verify(struct sd_txn *t, struct rec_verify *a, struct sd_err *err)
{
	int st;

	if ((st = check_customers(t, a, err)) != SD_OK)
		return st;
	return SD_OK;
}
