/*
 * stock_verify.c -- stock's share of sd_verify (core/base/verify.c): each
 * card in one known state, orders' reserved cards. Read-only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stock/stock_int.h"

/* Each card in exactly one known state with an owner that fits it. */
static int
check_sims(struct sd_txn *t, struct rec_verify *a, struct sd_err *err)
{
	struct sd_cursor *c;
	uint64_t n = 0, bad = 0;
	int st;

	if ((st = sd_cursor_open(t, T_SIM, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t kl, vl;
		const char *k = sd_cursor_key(c, &kl);
		const void *v = sd_cursor_val(c, &vl);
		struct sd_sim s;

		n++;
		if (sim_decode(v, vl, &s) != SD_OK || kl != strlen(s.iccid) ||
		    memcmp(k, s.iccid, kl) != 0 || s.status < 0 ||
		    s.status >= SD_SIM__COUNT ||
		    ((s.status == SD_SIM_IN_STOCK || s.status == SD_SIM_RESERVED) &&
		    s.agent[0] != '\0') ||
		    (s.status == SD_SIM_ALLOCATED && s.agent[0] == '\0') ||
		    (s.status == SD_SIM_RESERVED && s.order == 0))
			bad++;
		/* A reserved card's order must be approved or shipped and
		 * list it. */
		if (s.status == SD_SIM_RESERVED && s.order != 0) {
			struct sd_buf val = SD_BUF_INIT;
			struct sd_order o;
			struct sd_err e;
			uint8_t ok8[8];
			int listed = 0;

			key64(ok8, s.order);
			if (sd_get(t, T_ORDER, ok8, 8, &val, 0, &e) == SD_OK &&
			    order_decode(val.p, val.len, &o) == SD_OK) {
				for (int i = 0; i < o.niccids; i++)
					listed |= strcmp(o.iccids[i], s.iccid) == 0;
				listed &= o.status == SD_ORDER_APPROVED ||
				    o.status == SD_ORDER_SHIPPED;
				sd_order_free(&o);
			}
			sd_buf_free(&val);
			bad += !listed;
		}
	}
	sd_cursor_close(c);
	if (st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	rec_verify_report(a, "sim cards", bad == 0, "%llu cards, %llu in an inconsistent "
	    "state", (unsigned long long)n, (unsigned long long)bad);
	return SD_OK;
}

/* Each approved or shipped order's cards are reserved for it. */
static int
check_orders(struct sd_txn *t, struct rec_verify *a, struct sd_err *err)
{
	struct sd_cursor *c;
	uint64_t n = 0, bad = 0;
	int st;

	if ((st = sd_cursor_open(t, T_ORDER, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t vl;
		const void *v = sd_cursor_val(c, &vl);
		struct sd_order o;

		n++;
		if (order_decode(v, vl, &o) != SD_OK) {
			bad++;
			continue;
		}
		if (o.status == SD_ORDER_APPROVED || o.status == SD_ORDER_SHIPPED) {
			int ok = o.niccids == o.count;

			for (int i = 0; i < o.niccids && ok; i++) {
				struct sd_sim s;
				struct sd_err e;

				ok = sim_load(t, o.iccids[i], &s, 0, &e) == SD_OK &&
				    s.status == SD_SIM_RESERVED && s.order == o.id;
			}
			bad += !ok;
		}
		sd_order_free(&o);
	}
	sd_cursor_close(c);
	if (st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	rec_verify_report(a, "orders", bad == 0, "%llu orders, %llu whose reserved cards "
	    "do not match", (unsigned long long)n, (unsigned long long)bad);
	return SD_OK;
}

int
stock_verify(struct sd_txn *t, struct rec_verify *a, struct sd_err *err)
{
	int st;

	if ((st = check_sims(t, a, err)) != SD_OK)
		return st;
	if ((st = check_orders(t, a, err)) != SD_OK)
		return st;
	return SD_OK;
}
