/*
 * cdr.c -- call detail records (话单): Asterisk's Master.csv, FreeSWITCH's
 * cdr_csv and our own CSV read, each call matched to the subscription
 * whose number made or received it at that time, rated with its plan's
 * tariff (plan minutes first), stored once, and added to the month's
 * usage that the bill run reads.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/billing/billing_int.h"

enum { C_ID = 1, C_SUB, C_CUSTOMER, C_MSISDN, C_DIR, C_OTHER, C_START,
    C_ANSWER, C_DURATION, C_BILLSEC, C_UNIQ, C_SOURCE, C_PREFIX, C_RATE_NAME,
    C_UNIT, C_BILLABLE, C_BUNDLE, C_COST, C_MONTH };

enum { G_CALLS = 1, G_ANSWERED, G_SECONDS, G_BUNDLE, G_BILLABLE, G_FEE,
    G_SMS };

static const struct rec_field cdr_rec[] = {
	REC_I(C_ID, sd_cdr, id),
	REC_I(C_SUB, sd_cdr, sub),
	REC_I(C_CUSTOMER, sd_cdr, customer),
	REC_S(C_MSISDN, sd_cdr, msisdn),
	REC_I(C_DIR, sd_cdr, direction),
	REC_S(C_OTHER, sd_cdr, other),
	REC_I(C_START, sd_cdr, start),
	REC_I(C_ANSWER, sd_cdr, answer),
	REC_I(C_DURATION, sd_cdr, duration),
	REC_I(C_BILLSEC, sd_cdr, billsec),
	REC_S(C_UNIQ, sd_cdr, uniq),
	REC_S(C_SOURCE, sd_cdr, source),
	REC_S(C_PREFIX, sd_cdr, prefix),
	REC_S(C_RATE_NAME, sd_cdr, rate_name),
	REC_I(C_UNIT, sd_cdr, unit_mfen),
	REC_I(C_BILLABLE, sd_cdr, billable_s),
	REC_I(C_BUNDLE, sd_cdr, bundle_min),
	REC_I(C_COST, sd_cdr, cost_fen),
	REC_I(C_MONTH, sd_cdr, month),
};

/* The month's figures; sub and month are the key's. */
static const struct rec_field usage_rec[] = {
	REC_I(G_CALLS, sd_usage, calls),
	REC_I(G_ANSWERED, sd_usage, answered),
	REC_I(G_SECONDS, sd_usage, seconds),
	REC_I(G_BUNDLE, sd_usage, bundle_min),
	REC_I(G_BILLABLE, sd_usage, billable_s),
	REC_I(G_FEE, sd_usage, call_fee_fen),
	REC_I(G_SMS, sd_usage, sms),
};

REC_CODEC(cdr, struct sd_cdr, cdr_rec)

void
usage_encode(const struct sd_usage *u, struct sd_buf *b)
{
	rec_encode(usage_rec, REC_N(usage_rec), u, b);
}

int
usage_decode(const void *p, size_t n, struct sd_usage *u)
{
	uint64_t sub = u->sub;
	int month = u->month;
	int st = rec_decode(usage_rec, REC_N(usage_rec), p, n, u, sizeof *u);

	u->sub = sub;
	u->month = month;
	return st;
}

void
usage_key(uint8_t k[12], uint64_t sub, int month)
{
	sd_be64_put(k, sub);
	k[8] = (uint8_t)(month >> 24);
	k[9] = (uint8_t)(month >> 16);
	k[10] = (uint8_t)(month >> 8);
	k[11] = (uint8_t)month;
}

int
usage_load(struct sd_txn *t, uint64_t sub, int month, struct sd_usage *u,
    int rmw, struct sd_err *err)
{
	struct sd_buf val = SD_BUF_INIT;
	uint8_t k[12];
	int st;

	memset(u, 0, sizeof *u);
	u->sub = sub;
	u->month = month;
	usage_key(k, sub, month);
	st = sd_get(t, T_USAGE, k, 12, &val, rmw ? SD_GET_RMW : 0, err);
	if (st == SD_ENOTFOUND) {
		sd_err_clear(err);
		sd_buf_free(&val);
		return SD_OK;
	}
	/* A damaged record reads as the fields before the damage. */
	if (st == SD_OK)
		(void)usage_decode(val.p, val.len, u);
	sd_buf_free(&val);
	return st;
}

int
usage_store(struct sd_txn *t, const struct sd_usage *u, struct sd_err *err)
{
	struct sd_buf val = SD_BUF_INIT;
	uint8_t k[12];
	int st;

	usage_key(k, u->sub, u->month);
	usage_encode(u, &val);
	st = sd_put(t, T_USAGE, k, 12, val.p, val.len, 0, err);
	sd_buf_free(&val);
	return st;
}

/* ---------------------------------------------------------------- months */

int
sd_month_of(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	return (tm.tm_year + 1900) * 100 + tm.tm_mon + 1;
}

int
sd_month_parse(const char *s)
{
	int y, m, n = 0;

	if (s == NULL || sscanf(s, "%4d-%2d%n", &y, &m, &n) != 2 || s[n] != '\0' ||
	    n != 7 || y < 2000 || y > 2999 || m < 1 || m > 12)
		return -1;
	return y * 100 + m;
}

/* ---------------------------------------------------------------- matching */

int
cdr_find_uniq(struct sd_txn *t, const char *uniq, struct sd_cdr *out,
    struct sd_err *err)
{
	struct sd_buf pk = SD_BUF_INIT, v = SD_BUF_INIT;
	int st;

	st = sd_get_by(t, T_CDR, IX_CDR_UNIQ, uniq, strlen(uniq), &pk, &v, 0,
	    err);
	if (st == SD_OK && cdr_decode(v.p, v.len, out) != SD_OK)
		st = sd_err_set(err, SD_EINTERNAL, "cdr %s: a damaged record",
		    uniq);
	sd_buf_free(&pk);
	sd_buf_free(&v);
	return st;
}

/* ---------------------------------------------------------------- reading */

struct list_arg {
	const char	*msisdn;
	int		 month;
	uint64_t	 id;
	struct sd_cdr	*out;
	struct sd_usage	*usage;
	sd_cdr_cb	 cb;
	void		*arg;
	struct rowbuf	 rows;		/* list: for cb after the commit */
};

static int
list_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct list_arg *a = arg;
	struct sd_cursor *c;
	size_t n = strlen(a->msisdn) + 1;
	int st;

	rowbuf_reset(&a->rows);
	if ((st = sd_cursor_open(t, T_CDR, IX_CDR_MSISDN, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_GE, a->msisdn, n, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t kl, vl;
		const void *k = sd_cursor_key(c, &kl);
		const void *v = sd_cursor_val(c, &vl);
		struct sd_cdr x;

		if (kl < n || memcmp(k, a->msisdn, n) != 0)
			break;
		if (cdr_decode(v, vl, &x) != SD_OK)
			continue;
		if (a->month != 0 && x.month != a->month)
			continue;
		rowbuf_add(&a->rows, &x);
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

int
sd_cdr_list(struct sd_session *s, const char *msisdn, int month, sd_cdr_cb cb,
    void *arg, struct sd_err *err)
{
	struct list_arg a = { msisdn, month, 0, NULL, NULL, cb, arg };
	int st;

	if ((st = sd_authorize(s, SD_OP_CDR_SHOW, msisdn, err)) != SD_OK)
		return st;
	if ((st = sd_msisdn_check(msisdn, err)) != SD_OK)
		return st;
	rowbuf_init(&a.rows, sizeof(struct sd_cdr), NULL);
	st = sd_db_read(s->core->db, list_txn, &a, err);
	for (size_t i = 0; st == SD_OK && i < a.rows.n; i++)
		if (cb(rowbuf_at(&a.rows, i), arg) != 0)
			break;
	rowbuf_free(&a.rows);
	return st;
}

static int
get_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct list_arg *a = arg;
	struct sd_buf val = SD_BUF_INIT;
	uint8_t key[8];
	int st;

	if (a->usage != NULL)
		return usage_load(t, a->id, a->month, a->usage, 0, err);
	key64(key, a->id);
	st = sd_get(t, T_CDR, key, 8, &val, 0, err);
	if (st == SD_ENOTFOUND)
		st = sd_err_set(err, SD_ENOTFOUND, "cdr %llu: not found",
		    (unsigned long long)a->id);
	else if (st == SD_OK && cdr_decode(val.p, val.len, a->out) != SD_OK)
		st = sd_err_set(err, SD_EINTERNAL, "cdr %llu: record corrupt",
		    (unsigned long long)a->id);
	sd_buf_free(&val);
	return st;
}

int
sd_cdr_get(struct sd_session *s, uint64_t id, struct sd_cdr *out,
    struct sd_err *err)
{
	struct list_arg a = { NULL, 0, id, out, NULL, NULL, NULL };
	int st;

	if ((st = sd_authorize(s, SD_OP_CDR_SHOW, "", err)) != SD_OK)
		return st;
	return sd_db_read(s->core->db, get_txn, &a, err);
}

int
sd_usage_get(struct sd_session *s, uint64_t sub, int month,
    struct sd_usage *out, struct sd_err *err)
{
	struct list_arg a = { NULL, month, sub, NULL, out, NULL, NULL };
	int st;

	if ((st = sd_authorize(s, SD_OP_CDR_SHOW, "", err)) != SD_OK)
		return st;
	return sd_db_read(s->core->db, get_txn, &a, err);
}

/* ---------------------------------------------------------------- pages */

struct cpage_arg {
	int			 month;
	struct sd_buf		 prefix, anchor;
	int			 dir, max, n;
	struct sd_cdr		*rows;
	char			(*keys)[SD_PAGEKEY_MAX];
};

static int
cpage_take(struct sd_txn *t, const void *v, size_t vl, int i, void *ctx)
{
	struct cpage_arg *a = ctx;

	(void)t;
	return cdr_decode(v, vl, &a->rows[i]) == SD_OK &&
	    (a->month == 0 || a->rows[i].month == a->month);
}

static int
cpage_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct cpage_arg *a = arg;
	struct page_walk w = { T_CDR, IX_CDR_MSISDN, &a->prefix, &a->anchor,
	    a->dir, a->max, cpage_take, a, a->keys };
	int st;

	if ((st = page_walk(t, &w, &a->n, err)) == SD_OK && a->dir < 0)
		page_reverse(a->rows, sizeof *a->rows, a->keys, a->n);
	return st;
}

int
sd_cdr_page(struct sd_session *s, const char *msisdn, int month,
    const char *anchor, int dir, struct sd_cdr *rows,
    char (*page_keys)[SD_PAGEKEY_MAX], int max, int *n, struct sd_err *err)
{
	struct cpage_arg a;
	int st;

	*n = 0;
	if ((st = sd_authorize(s, SD_OP_CDR_SHOW, msisdn ? msisdn : "", err)) !=
	    SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.month = month;
	a.dir = dir >= 0 ? 1 : -1;
	a.max = max;
	a.rows = rows;
	a.keys = page_keys;
	/* A number's calls: the whole number and its NUL, or all calls. */
	if (msisdn != NULL && msisdn[0] != '\0')
		sd_buf_add(&a.prefix, msisdn, strlen(msisdn) +
		    (strlen(msisdn) == 11));
	if (anchor != NULL && anchor[0] != '\0' &&
	    page_hex_decode(anchor, &a.anchor) != 0)
		st = sd_err_set(err, SD_EINVAL, "page: bad anchor");
	else
		st = sd_db_read(s->core->db, cpage_txn, &a, err);
	*n = a.n;
	sd_buf_free(&a.prefix);
	sd_buf_free(&a.anchor);
	return st;
}
