/*
 * pay.c -- the cashier's desk (收费): payments settle the oldest unpaid
 * bills first and leave the rest as credit; each is posted and gets the
 * next number of the counter's receipt series inside the same transaction,
 * so numbers have no gaps; a supervisor voids with a reversing posting;
 * the shift close counts the drawer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/billing/billing_int.h"

/* The be64 key of id (for seeking to the next job). */
static const uint8_t *
key_after(uint64_t id)
{
	static _Thread_local uint8_t k[8];

	sd_be64_put(k, id);
	return k;
}

const char *const sd_pay_methods[] = { "cash", "card", "wechat", "alipay",
    NULL };

enum { R_NUMBER = 1, R_CUSTOMER, R_NAME, R_PHONE, R_AMOUNT, R_METHOD, R_NOTE,
    R_CASHIER, R_AT, R_A_MONTH, R_A_FEN, R_CREDIT, R_BAL, R_VOIDED,
    R_VREASON, R_VBY, R_VAT, R_PRINTS };

void
receipt_encode(const struct sd_receipt *r, struct sd_buf *b)
{
	sd_rec_begin(b);
	sd_rec_str(b, R_NUMBER, r->number);
	sd_rec_int(b, R_CUSTOMER, (int64_t)r->customer);
	sd_rec_str(b, R_NAME, r->name);
	sd_rec_str(b, R_PHONE, r->phone);
	sd_rec_int(b, R_AMOUNT, r->amount_fen);
	sd_rec_str(b, R_METHOD, r->method);
	sd_rec_str(b, R_NOTE, r->note);
	sd_rec_str(b, R_CASHIER, r->cashier);
	sd_rec_int(b, R_AT, r->at);
	for (int i = 0; i < r->nalloc; i++) {
		sd_rec_int(b, R_A_MONTH, r->months[i]);
		sd_rec_int(b, R_A_FEN, r->alloc_fen[i]);
	}
	sd_rec_int(b, R_CREDIT, r->credit_fen);
	sd_rec_int(b, R_BAL, r->balance_after_fen);
	sd_rec_int(b, R_VOIDED, r->voided);
	sd_rec_str(b, R_VREASON, r->void_reason);
	sd_rec_str(b, R_VBY, r->void_by);
	sd_rec_int(b, R_VAT, r->void_at);
	sd_rec_int(b, R_PRINTS, r->prints);
}

int
receipt_decode(const void *p, size_t n, struct sd_receipt *r)
{
	struct sd_rec_reader rd;
	int ok;

	memset(r, 0, sizeof *r);
	if (sd_rec_open(&rd, p, n) != SD_OK)
		return SD_EINTERNAL;
	while ((ok = sd_rec_next(&rd)) == 1)
		switch (rd.tag) {
		case R_NUMBER:	sd_rec_copystr(&rd, r->number, sizeof r->number); break;
		case R_CUSTOMER: r->customer = (uint64_t)rd.ival; break;
		case R_NAME:	sd_rec_copystr(&rd, r->name, sizeof r->name); break;
		case R_PHONE:	sd_rec_copystr(&rd, r->phone, sizeof r->phone); break;
		case R_AMOUNT:	r->amount_fen = rd.ival; break;
		case R_METHOD:	sd_rec_copystr(&rd, r->method, sizeof r->method); break;
		case R_NOTE:	sd_rec_copystr(&rd, r->note, sizeof r->note); break;
		case R_CASHIER:	sd_rec_copystr(&rd, r->cashier, sizeof r->cashier); break;
		case R_AT:	r->at = rd.ival; break;
		case R_A_MONTH:
			if (r->nalloc < SD_RECEIPT_ALLOC_MAX)
				r->months[r->nalloc++] = (int)rd.ival;
			break;
		case R_A_FEN:
			if (r->nalloc > 0)
				r->alloc_fen[r->nalloc - 1] = rd.ival;
			break;
		case R_CREDIT:	r->credit_fen = rd.ival; break;
		case R_BAL:	r->balance_after_fen = rd.ival; break;
		case R_VOIDED:	r->voided = (int)rd.ival; break;
		case R_VREASON:	sd_rec_copystr(&rd, r->void_reason,
				    sizeof r->void_reason); break;
		case R_VBY:	sd_rec_copystr(&rd, r->void_by, sizeof r->void_by); break;
		case R_VAT:	r->void_at = rd.ival; break;
		case R_PRINTS:	r->prints = (int)rd.ival; break;
		default:	break;
		}
	return ok < 0 ? SD_EINTERNAL : SD_OK;
}

static int
receipt_load(struct sd_txn *t, const char *number, struct sd_receipt *r,
    int rmw, struct sd_err *err)
{
	struct sd_buf val = SD_BUF_INIT;
	int st = sd_get(t, T_RECEIPT, number, strlen(number), &val,
	    rmw ? SD_GET_RMW : 0, err);

	if (st == SD_ENOTFOUND)
		st = sd_err_set(err, SD_ENOTFOUND, "receipt %s: not found", number);
	else if (st == SD_OK && receipt_decode(val.p, val.len, r) != SD_OK)
		st = sd_err_set(err, SD_EINTERNAL, "receipt %s: record corrupt",
		    number);
	sd_buf_free(&val);
	return st;
}

static int
receipt_store(struct sd_txn *t, const struct sd_receipt *r, int create,
    struct sd_err *err)
{
	struct sd_buf val = SD_BUF_INIT;
	int st;

	receipt_encode(r, &val);
	st = sd_put(t, T_RECEIPT, r->number, strlen(r->number), val.p, val.len,
	    create ? SD_PUT_NOOVERWRITE : 0, err);
	sd_buf_free(&val);
	return st;
}

/* The next number of a series, inside t: gapless because an aborted
 * payment rolls the counter back with it. */
static int
next_number(struct sd_txn *t, const char *series, char *out, size_t size,
    struct sd_err *err)
{
	struct sd_buf val = SD_BUF_INIT;
	char key[32];
	uint8_t v[8];
	uint64_t n = 0;
	int st;

	snprintf(key, sizeof key, "receipt:%s", series);
	st = rec_meta_get(t, key, &val, 1, err);
	if (st == SD_OK && val.len == 8)
		n = sd_be64_get((const uint8_t *)val.p);
	else if (st != SD_ENOTFOUND && st != SD_OK) {
		sd_buf_free(&val);
		return st;
	}
	sd_buf_free(&val);
	sd_err_clear(err);
	n++;
	sd_be64_put(v, n);
	if ((st = rec_meta_put(t, key, v, 8, err)) != SD_OK)
		return st;
	snprintf(out, size, "%s%08llu", series, (unsigned long long)n);
	return SD_OK;
}

static int
method_index(const char *m)
{
	for (int i = 0; sd_pay_methods[i]; i++)
		if (strcmp(sd_pay_methods[i], m) == 0)
			return i;
	return -1;
}

/* ---------------------------------------------------------------- pay */

struct pay_arg {
	struct sd_session	*s;
	const char		*key;
	struct sd_receipt	 r;
	const char		*number;
	const char		*reason;
	int			 copy;
};

static int
pay_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct pay_arg *a = arg;
	struct sd_receipt *r = &a->r;
	struct sd_customer cu;
	struct sd_cursor *c;
	uint8_t pfx[8];
	int64_t left = r->amount_fen, ledger;
	char acct[32], pay[32];
	int st;
	struct { uint8_t key[12]; struct sd_bill b; } *due = NULL;
	int ndue = 0;

	r->nalloc = 0;
	if ((st = customer_key_resolve(t, a->key, &r->customer, err)) != SD_OK ||
	    (st = customer_load(t, r->customer, &cu, 0, err)) != SD_OK ||
	    (st = next_number(t, a->s->core->cfg.receipt_series, r->number,
	    sizeof r->number, err)) != SD_OK)
		return st;
	sd_strlcpy(r->name, cu.name, sizeof r->name);
	sd_strlcpy(r->phone, cu.nphones ? cu.phones[0] : "", sizeof r->phone);
	/* The unpaid bills, oldest first. */
	sd_be64_put(pfx, r->customer);
	if ((st = sd_cursor_open(t, T_BILL, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_GE, pfx, 8, err); st == SD_OK &&
	    ndue < SD_RECEIPT_ALLOC_MAX; st = sd_cursor_step(c, 1, err)) {
		size_t kl, vl;
		const void *k = sd_cursor_key(c, &kl);
		const void *v = sd_cursor_val(c, &vl);
		struct sd_bill b;

		if (kl < 8 || memcmp(k, pfx, 8) != 0)
			break;
		if (kl != 12 || bill_decode(v, vl, &b) != SD_OK ||
		    b.paid_fen >= b.total_fen)
			continue;
		due = xrealloc(due, (size_t)(ndue + 1) * sizeof *due);
		memcpy(due[ndue].key, k, 12);
		due[ndue].b = b;
		ndue++;
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND) {
		free(due);
		return st;
	}
	sd_err_clear(err);
	for (int i = 0; i < ndue && left > 0; i++) {
		struct sd_bill *b = &due[i].b;
		struct sd_buf val = SD_BUF_INIT;
		int64_t x = b->total_fen - b->paid_fen;

		if (x > left)
			x = left;
		b->paid_fen += x;
		left -= x;
		r->months[r->nalloc] = b->month;
		r->alloc_fen[r->nalloc++] = x;
		bill_encode(b, &val);
		st = sd_put(t, T_BILL, due[i].key, 12, val.p, val.len, 0, err);
		sd_buf_free(&val);
		if (st != SD_OK || (st = core_hooks.bill_paid(t, a->s, b, x, r,
		    err)) != SD_OK) {
			free(due);
			return st;
		}
	}
	free(due);
	r->credit_fen = left;
	/* The money: in the drawer (or the bank), off the customer's debt. */
	snprintf(acct, sizeof acct, "cust:%llu", (unsigned long long)r->customer);
	snprintf(pay, sizeof pay, "pay:%s", r->method);
	{
		struct sd_posting_line lines[2] = { { pay, r->amount_fen },
		    { acct, -r->amount_fen } };
		char ref[40];

		snprintf(ref, sizeof ref, "receipt:%s", r->number);
		if ((st = sd_ledger_post(t, a->s->user.login, "payment", ref, lines,
		    2, NULL, err)) != SD_OK)
			return st;
	}
	if ((st = sd_ledger_balance(t, acct, &ledger, err)) != SD_OK)
		return st;
	r->balance_after_fen = -ledger;
	r->at = sd_now();
	sd_strlcpy(r->cashier, a->s->user.login, sizeof r->cashier);
	if ((st = receipt_store(t, r, 1, err)) != SD_OK)
		return st;
	{
		char detail[96], money[32];

		sd_money_format(r->amount_fen, money, sizeof money);
		snprintf(detail, sizeof detail, "%s %s customer %llu", money,
		    r->method, (unsigned long long)r->customer);
		if ((st = sd_audit_write(t, a->s->user.login, "pay", r->number,
		    SD_OUTCOME_OK, "", detail, err)) != SD_OK)
			return st;
	}
	return balance_enforce(t, &a->s->core->cfg, a->s->user.login,
	    r->customer, NULL, err);
}

int
sd_pay(struct sd_session *s, const char *customer, const char *amount,
    const char *method, const char *note, struct sd_receipt *out,
    struct sd_err *err)
{
	struct pay_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_PAY, customer ? customer : "", err)) !=
	    SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	a.key = customer;
	if ((st = sd_amount_check("amount", amount, SD_PAY_MAX_FEN,
	    &a.r.amount_fen, err)) != SD_OK)
		return st;
	if (method == NULL || method_index(method) < 0)
		return sd_err_set(err, SD_EINVAL, "method: '%s' is not cash, "
		    "card, wechat or alipay", method ? method : "");
	sd_strlcpy(a.r.method, method, sizeof a.r.method);
	if (note != NULL) {
		if ((st = sd_check_text("note", note, 96, err)) != SD_OK)
			return st;
		sd_strlcpy(a.r.note, note, sizeof a.r.note);
	}
	if ((st = sd_db_run(s->core->db, pay_txn, &a, err)) != SD_OK)
		return st;
	if (out != NULL)
		*out = a.r;
	return SD_OK;
}

/* ---------------------------------------------------------------- receipts */

static int
get_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct pay_arg *a = arg;

	return receipt_load(t, a->number, &a->r, 0, err);
}

int
sd_receipt_get(struct sd_session *s, const char *number,
    struct sd_receipt *out, struct sd_err *err)
{
	struct pay_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_BILL_SHOW, number, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.number = number;
	if ((st = sd_db_read(s->core->db, get_txn, &a, err)) == SD_OK)
		*out = a.r;
	return st;
}

struct rlist_arg {
	const char	*cashier;
	int64_t		 from, to;
	sd_receipt_cb	 cb;		/* inside the transaction, or NULL: */
	void		*arg;
	struct rowbuf	 rows;		/* for sd_receipt_list's after it */
};

static int
rlist_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct rlist_arg *a = arg;
	struct sd_cursor *c;
	size_t n = strlen(a->cashier) + 1;
	uint8_t seek[SD_LOGIN_MAX + 1 + 8];
	int st;

	rowbuf_reset(&a->rows);
	memcpy(seek, a->cashier, n);
	sd_be64_put(seek + n, (uint64_t)a->from ^ (1ULL << 63));
	if ((st = sd_cursor_open(t, T_RECEIPT, IX_RECEIPT_CASHIER, &c, err)) !=
	    SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_GE, seek, n + 8, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t kl, vl;
		const uint8_t *k = sd_cursor_key(c, &kl);
		const void *v = sd_cursor_val(c, &vl);
		struct sd_receipt r;

		if (kl < n + 8 || memcmp(k, a->cashier, n) != 0 ||
		    (int64_t)(sd_be64_get(k + n) ^ (1ULL << 63)) >= a->to)
			break;
		if (receipt_decode(v, vl, &r) != SD_OK)
			continue;
		if (a->cb == NULL)
			rowbuf_add(&a->rows, &r);
		else if (a->cb(&r, a->arg) != 0)
			break;
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

int
sd_receipt_list(struct sd_session *s, const char *cashier, int64_t from,
    int64_t to, sd_receipt_cb cb, void *arg, struct sd_err *err)
{
	struct rlist_arg a = { cashier, from, to, NULL, NULL };
	int st;

	if (cashier == NULL || cashier[0] == '\0')
		a.cashier = cashier = s->user.login;
	if ((st = sd_authorize(s, SD_OP_PAY, cashier, err)) != SD_OK)
		return st;
	/* A cashier's own; who looks after the counter, anyone's. */
	if (strcmp(cashier, s->user.login) != 0 &&
	    s->user.role != SD_ROLE_ADMIN && s->user.role != SD_ROLE_SUPERVISOR)
		return sd_deny(s, SD_OP_PAY, cashier, err, "a cashier sees the "
		    "receipts of their own desk");
	if (from >= to)
		return sd_err_set(err, SD_EINVAL, "period: it ends before it "
		    "starts");
	rowbuf_init(&a.rows, sizeof(struct sd_receipt), NULL);
	st = sd_db_read(s->core->db, rlist_txn, &a, err);
	for (size_t i = 0; st == SD_OK && i < a.rows.n; i++)
		if (cb(rowbuf_at(&a.rows, i), arg) != 0)
			break;
	rowbuf_free(&a.rows);
	return st;
}

static int
printed_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct pay_arg *a = arg;
	int st;

	if ((st = receipt_load(t, a->number, &a->r, 1, err)) != SD_OK)
		return st;
	a->copy = a->r.prints > 0;
	a->r.prints++;
	return receipt_store(t, &a->r, 0, err);
}

int
sd_receipt_printed(struct sd_session *s, const char *number,
    struct sd_receipt *out, int *copy, struct sd_err *err)
{
	struct pay_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_PAY, number, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.number = number;
	if ((st = sd_db_run(s->core->db, printed_txn, &a, err)) != SD_OK)
		return st;
	*out = a.r;
	*copy = a.copy;
	return SD_OK;
}

static int
void_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct pay_arg *a = arg;
	struct sd_receipt *r = &a->r;
	char acct[32], pay[32], ref[40];
	int st;

	if ((st = receipt_load(t, a->number, r, 1, err)) != SD_OK)
		return st;
	if (r->voided)
		return sd_err_set(err, SD_EREFUSED, "receipt %s was voided on %s's "
		    "word already", r->number, r->void_by);
	/* Undo what it paid on each bill. */
	for (int i = 0; i < r->nalloc; i++) {
		struct sd_buf val = SD_BUF_INIT;
		struct sd_bill b;
		uint8_t k[12];

		bill_key(k, r->customer, r->months[i]);
		if ((st = sd_get(t, T_BILL, k, 12, &val, SD_GET_RMW, err)) ==
		    SD_OK && (st = bill_decode(val.p, val.len, &b)) == SD_OK) {
			b.paid_fen -= r->alloc_fen[i];
			bill_encode(&b, &val);
			st = sd_put(t, T_BILL, k, 12, val.p, val.len, 0, err);
		}
		sd_buf_free(&val);
		/* And the commission it accrued there (core/money). */
		if (st != SD_OK || (st = core_hooks.receipt_voided(t, a->s, &b,
		    r, err)) != SD_OK)
			return st;
	}
	snprintf(acct, sizeof acct, "cust:%llu", (unsigned long long)r->customer);
	snprintf(pay, sizeof pay, "pay:%s", r->method);
	snprintf(ref, sizeof ref, "void:%s", r->number);
	{
		struct sd_posting_line lines[2] = { { acct, r->amount_fen },
		    { pay, -r->amount_fen } };

		if ((st = sd_ledger_post(t, a->s->user.login, a->reason, ref,
		    lines, 2, NULL, err)) != SD_OK)
			return st;
	}
	r->voided = 1;
	sd_strlcpy(r->void_reason, a->reason, sizeof r->void_reason);
	sd_strlcpy(r->void_by, a->s->user.login, sizeof r->void_by);
	r->void_at = sd_now();
	if ((st = receipt_store(t, r, 0, err)) != SD_OK ||
	    (st = sd_audit_write(t, a->s->user.login, "receipt.void", r->number,
	    SD_OUTCOME_OK, "", a->reason, err)) != SD_OK)
		return st;
	return balance_enforce(t, &a->s->core->cfg, a->s->user.login,
	    r->customer, NULL, err);
}

int
sd_receipt_void(struct sd_session *s, const char *number, const char *reason,
    struct sd_err *err)
{
	struct pay_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_RECEIPT_VOID, number, err)) != SD_OK)
		return st;
	if (reason == NULL || reason[0] == '\0')
		return sd_err_set(err, SD_EINVAL, "reason: required");
	if ((st = sd_check_text("reason", reason, 96, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	a.number = number;
	a.reason = reason;
	return sd_db_run(s->core->db, void_txn, &a, err);
}

/* ---------------------------------------------------------------- layout */

/* left and right on one line of cols columns. */
static void
two(struct sd_buf *out, int cols, const char *left, const char *right)
{
	int lw = sd_width(left), rw = sd_width(right);

	if (lw + rw + 1 > cols) {
		sd_width_fit(out, left, cols, 0);
		sd_buf_addc(out, '\n');
		lw = 0;
		left = "";
	}
	sd_buf_adds(out, left);
	for (int i = lw; i < cols - rw; i++)
		sd_buf_addc(out, ' ');
	sd_buf_adds(out, right);
	sd_buf_addc(out, '\n');
}

static void
centre(struct sd_buf *out, int cols, const char *s)
{
	int w = sd_width(s);

	for (int i = 0; i < (cols - w) / 2; i++)
		sd_buf_addc(out, ' ');
	sd_width_fit(out, s, cols, 0);
	sd_buf_addc(out, '\n');
}

static void
rule(struct sd_buf *out, int cols, char c)
{
	for (int i = 0; i < cols; i++)
		sd_buf_addc(out, c);
	sd_buf_addc(out, '\n');
}

void
sd_receipt_text(const struct sd_receipt *r, const char *header, int cols,
    int copy, struct sd_buf *out)
{
	char m[32], when[32], line[64];

	centre(out, cols, header);
	centre(out, cols, "收据 RECEIPT");
	if (copy)
		centre(out, cols, "*** COPY 重印 ***");
	if (r->voided)
		centre(out, cols, "*** VOID 作废 ***");
	rule(out, cols, '-');
	two(out, cols, "No.", r->number);
	sd_time_format(r->at, when, sizeof when);
	two(out, cols, "时间", when);
	two(out, cols, "收银员", r->cashier);
	two(out, cols, "客户", r->name);
	two(out, cols, "电话", r->phone);
	rule(out, cols, '-');
	for (int i = 0; i < r->nalloc; i++) {
		snprintf(line, sizeof line, "%04d-%02d 账单", r->months[i] / 100,
		    r->months[i] % 100);
		sd_money_format(r->alloc_fen[i], m, sizeof m);
		two(out, cols, line, m);
	}
	if (r->credit_fen > 0) {
		sd_money_format(r->credit_fen, m, sizeof m);
		two(out, cols, "预存", m);
	}
	rule(out, cols, '-');
	sd_money_format(r->amount_fen, m, sizeof m);
	two(out, cols, "实收", m);
	{
		static const char *const zh[] = { "现金", "刷卡", "微信", "支付宝" };
		int mi = method_index(r->method);

		two(out, cols, "方式", mi >= 0 ? zh[mi] : r->method);
	}
	sd_money_format(r->balance_after_fen, m, sizeof m);
	two(out, cols, "余额", m);
	if (r->note[0])
		two(out, cols, "备注", r->note);
	rule(out, cols, '=');
	centre(out, cols, "谢谢惠顾");
}

/* ---------------------------------------------------------------- shift */

/* A closed shift, keyed by cashier and the close's time: its figures. */
static const struct rec_field shift_fields[] = {
	REC_S(1, sd_shift, first),
	REC_S(2, sd_shift, last),
	REC_I(3, sd_shift, receipts),
	REC_I(4, sd_shift, expected_cash_fen),
	REC_I(5, sd_shift, counted_cash_fen),
};

void
shift_encode(const struct sd_shift *sh, struct sd_buf *b)
{
	rec_encode(shift_fields, REC_N(shift_fields), sh, b);
}

int
shift_decode(const void *p, size_t n, struct sd_shift *sh)
{
	return rec_decode(shift_fields, REC_N(shift_fields), p, n, sh,
	    sizeof *sh);
}

struct shift_arg {
	struct sd_session	*s;
	struct sd_shift		*sh;
	int			 preview;	/* sd_shift_report: no close */
};

/* One receipt of the shift being closed, counted into its figures. */
struct shift_take {
	struct sd_shift	*sh;
	const char	*prev_last;	/* the last one of the shift before */
};

static int
shift_take(const struct sd_receipt *r, void *arg)
{
	struct shift_take *x = arg;
	struct sd_shift *sh = x->sh;
	int mi;

	/* Receipts up to the previous shift's last were in that one. */
	if (x->prev_last[0] && strlen(r->number) == strlen(x->prev_last) &&
	    strcmp(r->number, x->prev_last) <= 0)
		return 0;
	if (sh->first[0] == '\0')
		sd_strlcpy(sh->first, r->number, sizeof sh->first);
	sd_strlcpy(sh->last, r->number, sizeof sh->last);
	sh->receipts++;
	if (r->voided) {
		sh->voids++;
		sh->voided_fen += r->amount_fen;
	} else if ((mi = method_index(r->method)) >= 0)
		sh->by_method[mi] += r->amount_fen;
	return 0;
}

static int
shift_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct shift_arg *a = arg;
	struct sd_shift *sh = a->sh;
	struct sd_cursor *c;
	const char *me = a->s->user.login;
	size_t n = strlen(me) + 1;
	uint8_t seek[SD_LOGIN_MAX + 1 + 8];
	int64_t counted = sh->counted_cash_fen;
	char prev_last[24] = "";
	int st;

	memset(sh, 0, sizeof *sh);
	sh->counted_cash_fen = counted;
	sd_strlcpy(sh->cashier, me, sizeof sh->cashier);
	/* Since the last close. */
	if ((st = sd_cursor_open(t, T_SHIFT, -1, &c, err)) != SD_OK)
		return st;
	memcpy(seek, me, n);
	memset(seek + n, 0xff, 8);
	st = sd_cursor_seek(c, SD_SEEK_GE, seek, n + 8, err);
	st = st == SD_OK ? sd_cursor_step(c, -1, err) :
	    st == SD_ENOTFOUND ? sd_cursor_seek(c, SD_SEEK_LAST, NULL, 0, err) : st;
	if (st == SD_OK) {
		size_t kl, vl;
		const uint8_t *k = sd_cursor_key(c, &kl);
		const void *v = sd_cursor_val(c, &vl);
		struct sd_shift prev;

		if (kl == n + 8 && memcmp(k, me, n) == 0) {
			sh->from = (int64_t)(sd_be64_get(k + n) ^ (1ULL << 63));
			/* Receipts up to its last are in that shift, even
			 * those taken in the second it closed.  (A damaged
			 * record reads as the fields before the damage.) */
			(void)shift_decode(v, vl, &prev);
			sd_strlcpy(prev_last, prev.last, sizeof prev_last);
		}
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	sh->to = sd_now();
	/* Receipts taken after the last close (and up to now). */
	{
		struct shift_take x = { sh, prev_last };
		struct rlist_arg ra = { me, sh->from, sh->to + 1, shift_take,
		    &x };

		if ((st = rlist_txn(t, &ra, err)) != SD_OK)
			return st;
	}
	sh->expected_cash_fen = sh->by_method[0];
	if (a->preview)
		return SD_OK;
	/* The close itself. */
	{
		struct sd_buf val = SD_BUF_INIT;
		char detail[160], e[32], k2[32];

		memcpy(seek, me, n);
		sd_be64_put(seek + n, (uint64_t)sh->to ^ (1ULL << 63));
		shift_encode(sh, &val);
		st = sd_put(t, T_SHIFT, seek, n + 8, val.p, val.len, 0, err);
		sd_buf_free(&val);
		if (st != SD_OK)
			return st;
		sd_money_format(sh->expected_cash_fen, e, sizeof e);
		if (sh->counted_cash_fen >= 0)
			sd_money_format(sh->counted_cash_fen, k2, sizeof k2);
		else
			sd_strlcpy(k2, "not counted", sizeof k2);
		snprintf(detail, sizeof detail, "%s..%s, %ld receipts, %ld voids, "
		    "cash expected %s counted %s", sh->first, sh->last,
		    sh->receipts, sh->voids, e, k2);
		return sd_audit_write(t, me, "shift.close", me, SD_OUTCOME_OK, "",
		    detail, err);
	}
}

int
sd_shift_close(struct sd_session *s, const char *counted, struct sd_shift *out,
    struct sd_err *err)
{
	struct shift_arg a = { s, out, 0 };
	int st;

	if ((st = sd_authorize(s, SD_OP_PAY, "", err)) != SD_OK)
		return st;
	memset(out, 0, sizeof *out);
	if ((st = sd_counted_check(counted, &out->counted_cash_fen, err)) !=
	    SD_OK)
		return st;
	return sd_db_run(s->core->db, shift_txn, &a, err);
}

int
sd_counted_check(const char *counted, int64_t *fen, struct sd_err *err)
{
	*fen = -1;
	if (counted == NULL || counted[0] == '\0')
		return SD_OK;
	if (sd_money_parse(counted, fen) != SD_OK || *fen < 0) {
		*fen = -1;
		return sd_err_set(err, SD_EINVAL, "counted: '%s' is not an "
		    "amount in yuan (like 1000 or 1000.50)", counted);
	}
	return SD_OK;
}

int
sd_shift_report(struct sd_session *s, struct sd_shift *out,
    struct sd_err *err)
{
	struct shift_arg a = { s, out, 1 };
	int st;

	if ((st = sd_authorize(s, SD_OP_PAY, "", err)) != SD_OK)
		return st;
	memset(out, 0, sizeof *out);
	out->counted_cash_fen = -1;
	return sd_db_read(s->core->db, shift_txn, &a, err);
}

/* ---------------------------------------------------------------- print jobs */

/*
 * A print job, keyed by its be64 id.  Written by hand, not by a table:
 * its text has no fixed size (the counter chooses the width).
 */
enum { J_PRINTER = 1, J_NUMBER, J_TEXT, J_AT };

void
printjob_encode(const struct printjob *j, struct sd_buf *b)
{
	sd_rec_begin(b);
	sd_rec_str(b, J_PRINTER, j->printer);
	sd_rec_str(b, J_NUMBER, j->number);
	sd_rec_str(b, J_TEXT, j->text.p);	/* NULL when empty: left out */
	sd_rec_int(b, J_AT, j->at);
}

int
printjob_decode(const void *p, size_t n, struct printjob *j)
{
	struct sd_rec_reader r;

	j->printer[0] = j->number[0] = '\0';
	sd_buf_reset(&j->text);
	j->at = 0;
	if (sd_rec_open(&r, p, n) != SD_OK)
		return SD_EINTERNAL;
	while (sd_rec_next(&r) == 1)
		switch (r.tag) {
		case J_PRINTER: sd_rec_copystr(&r, j->printer,
				    sizeof j->printer); break;
		case J_NUMBER:	sd_rec_copystr(&r, j->number,
				    sizeof j->number); break;
		case J_TEXT:	sd_buf_add(&j->text, r.bytes, r.blen); break;
		case J_AT:	j->at = r.ival; break;
		default:	break;
		}
	return SD_OK;
}

struct job_arg {
	struct sd_session	*s;
	const char		*number, *printer;
	int			 cols, copy;
	uint64_t		 id;
	struct sd_receipt	 r;
};

static int
job_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct job_arg *a = arg;
	struct sd_receipt *r = &a->r;
	struct sd_buf text = SD_BUF_INIT;
	int st;

	if ((st = receipt_load(t, a->number, r, 1, err)) != SD_OK)
		return st;
	a->copy = r->prints > 0;
	r->prints++;
	if ((st = receipt_store(t, r, 0, err)) != SD_OK)
		return st;
	/* The text as this counter lays it out; simdeskd only prints it. */
	sd_receipt_text(r, a->s->core->cfg.receipt_header, a->cols, a->copy,
	    &text);
	st = printjob_queue(t, a->id, a->printer, r->number, sd_buf_cstr(&text),
	    err);
	sd_buf_free(&text);
	return st;
}

int
sd_print_queue(struct sd_session *s, const char *printer, const char *number,
    int cols, struct sd_receipt *out, int *copy, struct sd_err *err)
{
	struct job_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_PAY, number, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	a.number = number;
	a.printer = printer;
	a.cols = cols;
	if ((st = printjob_begin(s, printer, &a.id, err)) != SD_OK ||
	    (st = sd_db_run(s->core->db, job_txn, &a, err)) != SD_OK)
		return st;
	if (out != NULL)
		*out = a.r;
	if (copy != NULL)
		*copy = a.copy;
	return SD_OK;
}

struct take_arg {
	uint64_t	 id;
	struct printjob	 job;
	int		 found;
};

static int
take_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct take_arg *a = arg;
	struct sd_cursor *c;
	int st;

	a->found = 0;
	sd_buf_reset(&a->job.text);
	if ((st = sd_cursor_open(t, T_PRINTJOB, -1, &c, err)) != SD_OK)
		return st;
	st = sd_cursor_seek(c, SD_SEEK_GE, key_after(a->id), 8, err);
	if (st == SD_OK) {
		size_t kl, vl;
		const uint8_t *k = sd_cursor_key(c, &kl);
		const void *v = sd_cursor_val(c, &vl);

		if (kl == 8 && printjob_decode(v, vl, &a->job) == SD_OK) {
			a->id = sd_be64_get(k);
			a->found = 1;
		}
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

static int
done_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct take_arg *a = arg;
	uint8_t key[8];

	key64(key, a->id);
	return sd_del(t, T_PRINTJOB, key, 8, err);
}

int
sd_print_run(struct sd_core *core,
    int (*print)(const char *device, const char *text, struct sd_err *e),
    int *printed, int *failed, struct sd_err *err)
{
	struct take_arg a;
	int st = SD_OK;

	*printed = *failed = 0;
	memset(&a, 0, sizeof a);
	for (;;) {
		const char *dev = NULL;
		struct sd_err e;

		if ((st = sd_db_read(core->db, take_txn, &a, err)) != SD_OK ||
		    !a.found)
			break;
		for (int i = 0; i < core->cfg.nprinters; i++)
			if (strcmp(core->cfg.printers[i].name,
			    a.job.printer) == 0)
				dev = core->cfg.printers[i].device;
		sd_err_clear(&e);
		if (dev == NULL)
			sd_err_set(&e, SD_EINVAL, "printer %s is not configured",
			    a.job.printer);
		else
			print(dev, sd_buf_cstr(&a.job.text), &e);
		/* Printed or not, the job is done with: a failed one is
		 * logged and audited, and the cashier reprints. */
		if ((st = sd_db_run(core->db, done_txn, &a, err)) != SD_OK)
			break;
		(*(e.status == SD_OK ? printed : failed))++;
		if ((st = sd_audit_log(core, "simdeskd", e.status == SD_OK ?
		    "print.done" : "print.failed", a.job.number, e.status ==
		    SD_OK ? SD_OUTCOME_OK : SD_OUTCOME_FAILED, e.status == SD_OK ?
		    a.job.printer : e.msg)) != SD_OK) {
			st = e.status == SD_OK ? sd_err_set(err, SD_EINTERNAL,
			    "receipt %s: printed, but not audited", a.job.number) :
			    sd_err_set(err, SD_EINTERNAL, "receipt %s: not "
			    "printed, and not audited", a.job.number);
			break;
		}
		a.id++;
	}
	sd_buf_free(&a.job.text);
	return st;
}
