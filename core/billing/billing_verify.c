/*
 * billing_verify.c -- billing's share of sd_verify (core/base/verify.c):
 * bills equal their lines, receipt series without gaps, usage equals the
 * calls on file. Read-only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/billing/billing_int.h"

/* Each month's usage of a subscription equals the calls on file for it:
 * an import killed half-way left nothing counted twice. */
struct use_key {
	uint64_t sub;
	int	 month;
	long	 calls;
	int64_t	 fee;
};

/* Each bill equals its lines, and posted what it charges. */
static int
check_bills(struct sd_txn *t, struct rec_verify *a, struct sd_err *err)
{
	struct sd_cursor *c;
	uint64_t n = 0, bad = 0;
	int st;

	if ((st = sd_cursor_open(t, T_BILL, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t vl;
		const void *v = sd_cursor_val(c, &vl);
		struct sd_bill b;
		int64_t sum = 0;

		n++;
		if (bill_decode(v, vl, &b) != SD_OK) {
			bad++;
			continue;
		}
		for (int i = 0; i < b.nlines; i++)
			sum += b.lines[i].amount_fen;
		bad += sum != b.total_fen || b.total_fen != b.plan_fee_fen +
		    b.vas_fee_fen + b.call_fee_fen + b.one_off_fen +
		    b.adjust_fen || b.posted_plan_fen != b.plan_fee_fen ||
		    b.posted_vas_fen != b.vas_fee_fen ||
		    b.posted_call_fen != b.call_fee_fen || b.paid_fen < 0;
	}
	sd_cursor_close(c);
	if (st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	rec_verify_report(a, "bills", bad == 0, "%llu bills, %llu not equal to their lines",
	    (unsigned long long)n, (unsigned long long)bad);
	return SD_OK;
}

/* Receipt numbers have no gaps: 1 to the series' counter, all there. */
static int
check_receipts(struct sd_txn *t, struct rec_verify *a, struct sd_err *err)
{
	struct sd_cursor *c;
	uint64_t n = 0, missing = 0, series = 0;
	int st;

	if ((st = rec_meta_cursor(t, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_GE, "receipt:", 8, err);
	    st == SD_OK; st = sd_cursor_step(c, 1, err)) {
		size_t kl, vl;
		const char *k = sd_cursor_key(c, &kl);
		const uint8_t *v = sd_cursor_val(c, &vl);
		char name[24], num[40];
		uint64_t last;

		if (kl < 8 || memcmp(k, "receipt:", 8) != 0)
			break;
		if (vl != 8 || kl - 8 >= sizeof name) {
			missing++;
			continue;
		}
		memcpy(name, k + 8, kl - 8);
		name[kl - 8] = '\0';
		last = sd_be64_get(v);
		series++;
		for (uint64_t i = 1; i <= last + 1; i++) {
			struct sd_buf val = SD_BUF_INIT;
			struct sd_err e;
			int got;

			snprintf(num, sizeof num, "%s%08llu", name,
			    (unsigned long long)i);
			got = sd_get(t, T_RECEIPT, num, strlen(num), &val, 0, &e) ==
			    SD_OK;
			sd_buf_free(&val);
			if (i <= last) {
				n++;
				missing += !got;
			} else
				missing += got;		/* beyond the counter */
		}
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	rec_verify_report(a, "receipts", missing == 0, "%llu receipts in %llu series, "
	    "%llu gaps", (unsigned long long)n, (unsigned long long)series,
	    (unsigned long long)missing);
	return SD_OK;
}

static int
use_cmp(const void *x, const void *y)
{
	const struct use_key *a = x, *b = y;

	if (a->sub != b->sub)
		return a->sub < b->sub ? -1 : 1;
	return (a->month > b->month) - (a->month < b->month);
}

static int
check_usage(struct sd_txn *t, struct rec_verify *a, struct sd_err *err)
{
	struct sd_cursor *c;
	struct use_key *u = NULL;
	size_t n = 0, cap = 0, bad = 0, nu = 0;
	int st;

	/* Sum the calls per subscription and month... */
	if ((st = sd_cursor_open(t, T_CDR, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t vl;
		const void *v = sd_cursor_val(c, &vl);
		struct sd_cdr x;

		if (cdr_decode(v, vl, &x) != SD_OK) {
			bad++;
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			u = xrealloc(u, cap * sizeof *u);
		}
		u[n++] = (struct use_key){ x.sub, x.month, 1, x.cost_fen };
	}
	sd_cursor_close(c);
	if (st != SD_ENOTFOUND) {
		free(u);
		return st;
	}
	sd_err_clear(err);
	if (n > 0)
		qsort(u, n, sizeof *u, use_cmp);
	{
		size_t w = 0;

		for (size_t i = 0; i < n; i++)
			if (w > 0 && use_cmp(&u[w - 1], &u[i]) == 0) {
				u[w - 1].calls++;
				u[w - 1].fee += u[i].fee;
			} else
				u[w++] = u[i];
		n = w;
	}
	/* ...and hold them against the usage records. */
	if ((st = sd_cursor_open(t, T_USAGE, -1, &c, err)) != SD_OK) {
		free(u);
		return st;
	}
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t kl;
		const uint8_t *k = sd_cursor_key(c, &kl);
		struct sd_usage us;
		struct use_key key, *hit;
		struct sd_err e;

		if (kl != 12) {
			bad++;
			continue;
		}
		key.sub = sd_be64_get(k);
		key.month = (int)((uint32_t)k[8] << 24 | (uint32_t)k[9] << 16 |
		    (uint32_t)k[10] << 8 | k[11]);
		nu++;
		if (usage_load(t, key.sub, key.month, &us, 0, &e) != SD_OK) {
			bad++;
			continue;
		}
		hit = n > 0 ? bsearch(&key, u, n, sizeof *u, use_cmp) : NULL;
		if (us.calls == 0 && hit == NULL)
			continue;
		if (hit == NULL || hit->calls != us.calls ||
		    hit->fee != us.call_fee_fen)
			bad++;
	}
	sd_cursor_close(c);
	free(u);
	if (st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	if (nu < n)
		bad += n - nu;		/* calls with no usage record */
	rec_verify_report(a, "usage", bad == 0, "%zu subscription-months, %zu not equal to "
	    "their calls", nu, bad);
	return SD_OK;
}

int
billing_verify(struct sd_txn *t, struct rec_verify *a, struct sd_err *err)
{
	int st;

	if ((st = check_bills(t, a, err)) != SD_OK)
		return st;
	if ((st = check_receipts(t, a, err)) != SD_OK)
		return st;
	if ((st = check_usage(t, a, err)) != SD_OK)
		return st;
	return SD_OK;
}
