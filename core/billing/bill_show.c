/*
 * bill_show.c -- bills and balances as the desk sees them: one bill, a
 * month's or a customer's bills, pages of them, adjustments (调账) and a
 * customer's balance with the cards suspended for debt.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/billing/billing_int.h"

/* ---------------------------------------------------------------- reading */

struct get_arg {
	struct sd_session	*s;
	const char		*key;
	int			 month;
	int			 unpaid;
	struct sd_bill		*out;
	struct sd_balance	*bal;
	struct rowbuf		 rows;		/* list: the bills found */
	/* adjust */
	int64_t			 amount;
	const char		*reason;
	uint64_t		 seq;
};

static int
get_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct get_arg *a = arg;
	uint64_t id;
	int st;

	if ((st = customer_key_resolve(t, a->key, &id, err)) != SD_OK)
		return st;
	st = bill_load(t, id, a->month, a->out, 0, err);
	if (st == SD_ENOTFOUND)
		return sd_err_set(err, SD_ENOTFOUND, "customer %s has no bill for "
		    "%04d-%02d", a->key, a->month / 100, a->month % 100);
	return st;
}

int
sd_bill_get(struct sd_session *s, const char *customer, int month,
    struct sd_bill *out, struct sd_err *err)
{
	struct get_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_BILL_SHOW, customer ? customer : "",
	    err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.key = customer;
	a.month = month;
	a.out = out;
	return sd_db_read(s->core->db, get_txn, &a, err);
}

static int
list_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct get_arg *a = arg;
	struct sd_cursor *c;
	uint8_t pfx[12];
	size_t pl;
	int st;

	rowbuf_reset(&a->rows);
	if (a->key != NULL) {		/* one customer's, by month */
		uint64_t id;

		if ((st = customer_key_resolve(t, a->key, &id, err)) != SD_OK)
			return st;
		sd_be64_put(pfx, id);
		pl = 8;
		st = sd_cursor_open(t, T_BILL, -1, &c, err);
	} else {
		pfx[0] = (uint8_t)(a->month >> 24);
		pfx[1] = (uint8_t)(a->month >> 16);
		pfx[2] = (uint8_t)(a->month >> 8);
		pfx[3] = (uint8_t)a->month;
		pl = 4;
		st = sd_cursor_open(t, T_BILL, IX_BILL_MONTH, &c, err);
	}
	if (st != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_GE, pfx, pl, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t kl, vl;
		const void *k = sd_cursor_key(c, &kl);
		const void *v = sd_cursor_val(c, &vl);
		struct sd_bill b;

		if (kl < pl || memcmp(k, pfx, pl) != 0)
			break;
		if (bill_decode(v, vl, &b) != SD_OK)
			continue;
		if (a->unpaid && b.paid_fen >= b.total_fen)
			continue;
		rowbuf_add(&a->rows, &b);
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

/* Run list_txn, then hand its bills to cb after the commit. */
static int
bills_read(struct sd_session *s, struct get_arg *a, sd_bill_cb cb, void *arg,
    struct sd_err *err)
{
	int st;

	rowbuf_init(&a->rows, sizeof(struct sd_bill), NULL);
	st = sd_db_read(s->core->db, list_txn, a, err);
	for (size_t i = 0; st == SD_OK && i < a->rows.n; i++)
		if (cb(rowbuf_at(&a->rows, i), arg) != 0)
			break;
	rowbuf_free(&a->rows);
	return st;
}

int
sd_bill_list(struct sd_session *s, int month, int unpaid_only, sd_bill_cb cb,
    void *arg, struct sd_err *err)
{
	struct get_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_BILL_SHOW, "", err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.month = month;
	a.unpaid = unpaid_only;
	return bills_read(s, &a, cb, arg, err);
}

int
sd_bill_history(struct sd_session *s, const char *customer, sd_bill_cb cb,
    void *arg, struct sd_err *err)
{
	struct get_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_BILL_SHOW, customer ? customer : "",
	    err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.key = customer;
	return bills_read(s, &a, cb, arg, err);
}

static int
adjust_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct get_arg *a = arg;
	struct sd_buf val = SD_BUF_INIT;
	struct adjust_rec ar;
	struct sd_bill b;
	uint64_t id, seq;
	uint8_t k[20];
	char acct[32], ref[48];
	int st, any, changed;
	int64_t posted;

	if ((st = customer_key_resolve(t, a->key, &id, err)) != SD_OK)
		return st;
	/* The adjustment, after the month's others. */
	seq = a->seq;
	bill_key(k, id, a->month);
	sd_be64_put(k + 12, seq);
	memset(&ar, 0, sizeof ar);
	ar.amount_fen = a->amount;
	sd_strlcpy(ar.reason, a->reason, sizeof ar.reason);
	sd_strlcpy(ar.by, a->s->user.login, sizeof ar.by);
	adjust_encode(&ar, &val);
	if ((st = rec_bill_touch(t, a->month, err)) == SD_OK)
		st = sd_put(t, T_ADJUST, k, 20, val.p, val.len,
		    SD_PUT_NOOVERWRITE, err);
	sd_buf_free(&val);
	if (st != SD_OK)
		return st;
	snprintf(acct, sizeof acct, "cust:%llu", (unsigned long long)id);
	snprintf(ref, sizeof ref, "adjust:%llu:%d", (unsigned long long)id,
	    a->month);
	{
		struct sd_posting_line lines[2] = { { acct, a->amount },
		    { "rev:adjust", -a->amount } };

		if ((st = sd_ledger_post(t, a->s->user.login, a->reason, ref,
		    lines, 2, NULL, err)) != SD_OK)
			return st;
	}
	/* The month's bill, if it was run, shows it at once. */
	if ((st = bill_load(t, id, a->month, &b, 0, err)) == SD_OK) {
		if ((st = bill_compute(t, id, a->month, &b, &any, err)) != SD_OK ||
		    (st = bill_apply(t, a->s->user.login, &b, &changed, &posted,
		    err)) != SD_OK)
			return st;
	} else if (st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return balance_enforce(t, &a->s->core->cfg, a->s->user.login, id, NULL,
	    err);
}

int
sd_bill_adjust_field_check(const char *field, const char *value,
    struct sd_err *err)
{
	char lim[32];
	int64_t fen;

	if (strcmp(field, "reason") == 0) {
		if (value == NULL || value[0] == '\0')
			return sd_err_set(err, SD_EINVAL, "reason: required");
		return sd_check_text("reason", value, 96, err);
	}
	if (strcmp(field, "amount") != 0)
		return sd_err_set(err, SD_EINVAL, "%s: not a field of an "
		    "adjustment", field);
	if (value == NULL || value[0] == '\0')
		return sd_err_set(err, SD_EINVAL, "amount: required");
	if (sd_money_parse(value, &fen) != SD_OK)
		return sd_err_set(err, SD_EINVAL, "amount: '%s' is not an "
		    "amount in yuan", value);
	if (fen == 0)
		return sd_err_set(err, SD_EINVAL, "amount: must not be 0 "
		    "(negative credits the customer)");
	if (fen > SD_ADJUST_MAX_FEN || fen < -SD_ADJUST_MAX_FEN) {
		sd_money_format(SD_ADJUST_MAX_FEN, lim, sizeof lim);
		return sd_err_set(err, SD_EINVAL, "amount: the limit is %s "
		    "yuan", lim);
	}
	return SD_OK;
}

int
sd_bill_adjust(struct sd_session *s, const char *customer, int month,
    const char *amount, const char *reason, struct sd_err *err)
{
	struct get_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_BILL_ADJUST, customer ? customer : "",
	    err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	if ((st = sd_bill_adjust_field_check("amount", amount, err)) != SD_OK ||
	    (st = sd_bill_adjust_field_check("reason", reason, err)) != SD_OK)
		return st;
	(void)sd_money_parse(amount, &a.amount);
	a.s = s;
	a.key = customer;
	a.month = month;
	a.reason = reason;
	if ((st = sd_seq_next(s->core->db, "adjust", &a.seq, err)) != SD_OK)
		return st;
	return sd_db_run(s->core->db, adjust_txn, &a, err);
}

/* Is this running subscription's card suspended for debt? */
static int
debt_sub(struct sd_txn *t, const struct sd_subscription *u, void *arg,
    struct sd_err *err)
{
	struct sd_balance *b = arg;
	struct sd_sim card;
	struct sd_err e;

	(void)err;
	if (u->ended == 0 && sim_load(t, u->iccid, &card, 0, &e) == SD_OK &&
	    card.status == SD_SIM_SUSPENDED &&
	    strncmp(card.reason, DEBT_REASON, strlen(DEBT_REASON)) == 0) {
		b->suspended = 1;
		return SUB_STOP;
	}
	return SD_OK;
}

static int
bal_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct get_arg *a = arg;
	struct sd_balance *b = a->bal;
	struct sd_customer cu;
	struct sd_cursor *c;
	uint8_t pfx[8];
	int st;

	memset(b, 0, sizeof *b);
	if ((st = customer_key_resolve(t, a->key, &b->customer, err)) != SD_OK ||
	    (st = customer_load(t, b->customer, &cu, 0, err)) != SD_OK ||
	    (st = customer_balance(t, b->customer, &b->balance_fen, err)) !=
	    SD_OK)
		return st;
	sd_strlcpy(b->name, cu.name, sizeof b->name);
	b->credit_fen = a->s->core->cfg.credit_limit_fen;
	sd_be64_put(pfx, b->customer);
	if ((st = sd_cursor_open(t, T_BILL, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_GE, pfx, 8, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t kl, vl;
		const void *k = sd_cursor_key(c, &kl);
		const void *v = sd_cursor_val(c, &vl);
		struct sd_bill bl;

		if (kl < 8 || memcmp(k, pfx, 8) != 0)
			break;
		if (bill_decode(v, vl, &bl) == SD_OK &&
		    bl.paid_fen < bl.total_fen) {
			b->unpaid_fen += bl.total_fen - bl.paid_fen;
			b->unpaid_bills++;
		}
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	/* Suspended for debt? */
	return subs_each(t, b->customer, debt_sub, b, err);
}

int
sd_balance_get(struct sd_session *s, const char *customer,
    struct sd_balance *out, struct sd_err *err)
{
	struct get_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_BILL_SHOW, customer ? customer : "",
	    err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	a.key = customer;
	a.bal = out;
	return sd_db_read(s->core->db, bal_txn, &a, err);
}

/* ---------------------------------------------------------------- pages */

struct bpage_arg {
	const char		*key;
	int			 month;
	struct sd_buf		 prefix, anchor;
	int			 dir, max, n;
	struct sd_bill		*rows;
	char			(*keys)[SD_PAGEKEY_MAX];
};

static int
bpage_take(struct sd_txn *t, const void *v, size_t vl, int i, void *ctx)
{
	struct bpage_arg *a = ctx;

	(void)t;
	return bill_decode(v, vl, &a->rows[i]) == SD_OK;
}

static int
bpage_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct bpage_arg *a = arg;
	struct page_walk w = { T_BILL, IX_BILL_MONTH, &a->prefix, &a->anchor,
	    a->dir, a->max, bpage_take, a, a->keys };
	int st;

	sd_buf_reset(&a->prefix);
	if (a->key != NULL) {
		uint64_t id;
		uint8_t k[8];

		if ((st = customer_key_resolve(t, a->key, &id, err)) != SD_OK)
			return st;
		sd_be64_put(k, id);
		sd_buf_add(&a->prefix, k, 8);
		w.index = -1;
	} else {
		uint8_t k[4] = { (uint8_t)(a->month >> 24),
		    (uint8_t)(a->month >> 16), (uint8_t)(a->month >> 8),
		    (uint8_t)a->month };

		sd_buf_add(&a->prefix, k, 4);
	}
	if ((st = page_walk(t, &w, &a->n, err)) == SD_OK && a->dir < 0)
		page_reverse(a->rows, sizeof *a->rows, a->keys, a->n);
	return st;
}

int
sd_bill_page(struct sd_session *s, int month, const char *customer,
    const char *anchor, int dir, struct sd_bill *rows,
    char (*page_keys)[SD_PAGEKEY_MAX], int max, int *n, struct sd_err *err)
{
	struct bpage_arg a;
	int st;

	*n = 0;
	if ((st = sd_authorize(s, SD_OP_BILL_SHOW, "", err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.key = customer != NULL && customer[0] ? customer : NULL;
	a.month = month;
	a.dir = dir >= 0 ? 1 : -1;
	a.max = max;
	a.rows = rows;
	a.keys = page_keys;
	if (anchor != NULL && anchor[0] != '\0' &&
	    page_hex_decode(anchor, &a.anchor) != 0)
		st = sd_err_set(err, SD_EINVAL, "page: bad anchor");
	else
		st = sd_db_read(s->core->db, bpage_txn, &a, err);
	*n = a.n;
	sd_buf_free(&a.prefix);
	sd_buf_free(&a.anchor);
	return st;
}
