/*
 * bill.c -- monthly bills (月账单) and balances (DESIGN.md section 4): the
 * plan's monthly fee (prorated by active days in the first month), the
 * services, the rated calls, the month's one-off charges and adjustments;
 * posted through the ledger so that a rerun posts only what changed.  A
 * balance below the credit limit suspends the customer's cards (停机), a
 * payment that lifts it restores them (复机).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/billing/billing_int.h"

enum { B_CUSTOMER = 1, B_MONTH, B_NAME, B_PHONE, B_PLANS, B_L_KIND, B_L_SUB,
    B_L_MSISDN, B_L_CODE, B_L_TEXT, B_L_AMOUNT, B_PLAN, B_VAS, B_CALL,
    B_ONE_OFF, B_ADJUST, B_TOTAL, B_PAID, B_P_PLAN, B_P_VAS, B_P_CALL,
    B_CREATED };

static const char *const kind_names[] = { "plan", "vas", "calls", "one_off",
    "adjust" };

const char *
sd_bill_kind_name(int kind)
{
	return kind >= 0 && kind <= SD_BL_ADJUST ? kind_names[kind] : "?";
}

void
bill_encode(const struct sd_bill *b, struct sd_buf *out)
{
	sd_rec_begin(out);
	sd_rec_int(out, B_CUSTOMER, (int64_t)b->customer);
	sd_rec_int(out, B_MONTH, b->month);
	sd_rec_str(out, B_NAME, b->name);
	sd_rec_str(out, B_PHONE, b->phone);
	sd_rec_str(out, B_PLANS, b->plans);
	for (int i = 0; i < b->nlines; i++) {
		const struct sd_bill_line *l = &b->lines[i];

		sd_rec_int(out, B_L_KIND, l->kind);
		sd_rec_int(out, B_L_SUB, (int64_t)l->sub);
		sd_rec_str(out, B_L_MSISDN, l->msisdn);
		sd_rec_str(out, B_L_CODE, l->code);
		sd_rec_str(out, B_L_TEXT, l->text);
		sd_rec_int(out, B_L_AMOUNT, l->amount_fen);
	}
	sd_rec_int(out, B_PLAN, b->plan_fee_fen);
	sd_rec_int(out, B_VAS, b->vas_fee_fen);
	sd_rec_int(out, B_CALL, b->call_fee_fen);
	sd_rec_int(out, B_ONE_OFF, b->one_off_fen);
	sd_rec_int(out, B_ADJUST, b->adjust_fen);
	sd_rec_int(out, B_TOTAL, b->total_fen);
	sd_rec_int(out, B_PAID, b->paid_fen);
	sd_rec_int(out, B_P_PLAN, b->posted_plan_fen);
	sd_rec_int(out, B_P_VAS, b->posted_vas_fen);
	sd_rec_int(out, B_P_CALL, b->posted_call_fen);
	sd_rec_int(out, B_CREATED, b->created);
}

int
bill_decode(const void *p, size_t n, struct sd_bill *b)
{
	struct sd_rec_reader r;
	struct sd_bill_line *l = NULL;
	int ok;

	memset(b, 0, sizeof *b);
	if (sd_rec_open(&r, p, n) != SD_OK)
		return SD_EINTERNAL;
	while ((ok = sd_rec_next(&r)) == 1)
		switch (r.tag) {
		case B_CUSTOMER: b->customer = (uint64_t)r.ival; break;
		case B_MONTH:	b->month = (int)r.ival; break;
		case B_NAME:	sd_rec_copystr(&r, b->name, sizeof b->name); break;
		case B_PHONE:	sd_rec_copystr(&r, b->phone, sizeof b->phone); break;
		case B_PLANS:	sd_rec_copystr(&r, b->plans, sizeof b->plans); break;
		case B_L_KIND:
			/* Each line starts with its kind. */
			l = b->nlines < SD_BILL_LINES_MAX ?
			    &b->lines[b->nlines++] : NULL;
			if (l != NULL)
				l->kind = (int)r.ival;
			break;
		case B_L_SUB:	if (l) l->sub = (uint64_t)r.ival; break;
		case B_L_MSISDN: if (l) sd_rec_copystr(&r, l->msisdn,
				    sizeof l->msisdn); break;
		case B_L_CODE:	if (l) sd_rec_copystr(&r, l->code, sizeof l->code);
				break;
		case B_L_TEXT:	if (l) sd_rec_copystr(&r, l->text, sizeof l->text);
				break;
		case B_L_AMOUNT: if (l) l->amount_fen = r.ival; break;
		case B_PLAN:	b->plan_fee_fen = r.ival; break;
		case B_VAS:	b->vas_fee_fen = r.ival; break;
		case B_CALL:	b->call_fee_fen = r.ival; break;
		case B_ONE_OFF:	b->one_off_fen = r.ival; break;
		case B_ADJUST:	b->adjust_fen = r.ival; break;
		case B_TOTAL:	b->total_fen = r.ival; break;
		case B_PAID:	b->paid_fen = r.ival; break;
		case B_P_PLAN:	b->posted_plan_fen = r.ival; break;
		case B_P_VAS:	b->posted_vas_fen = r.ival; break;
		case B_P_CALL:	b->posted_call_fen = r.ival; break;
		case B_CREATED:	b->created = r.ival; break;
		default:	break;
		}
	return ok < 0 ? SD_EINTERNAL : SD_OK;
}

void
bill_key(uint8_t k[12], uint64_t customer, int month)
{
	sd_be64_put(k, customer);
	k[8] = (uint8_t)(month >> 24);
	k[9] = (uint8_t)(month >> 16);
	k[10] = (uint8_t)(month >> 8);
	k[11] = (uint8_t)month;
}

int
bill_load(struct sd_txn *t, uint64_t customer, int month, struct sd_bill *b,
    int rmw, struct sd_err *err)
{
	struct sd_buf val = SD_BUF_INIT;
	uint8_t k[12];
	int st;

	bill_key(k, customer, month);
	st = sd_get(t, T_BILL, k, 12, &val, rmw ? SD_GET_RMW : 0, err);
	if (st == SD_OK && bill_decode(val.p, val.len, b) != SD_OK)
		st = sd_err_set(err, SD_EINTERNAL, "bill %llu/%d: record corrupt",
		    (unsigned long long)customer, month);
	sd_buf_free(&val);
	return st;
}

/* ---------------------------------------------------------------- months */

/* Local midnight of day 1 of YYYYMM. */
int64_t
month_begin(int month)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = month / 100 - 1900;
	tm.tm_mon = month % 100 - 1;
	tm.tm_mday = 1;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

static int
next_month(int month)
{
	return month % 100 == 12 ? (month / 100 + 1) * 100 + 1 : month + 1;
}

/* Day of the month (1-based) of t, which lies in the month. */
static int
mday(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	return tm.tm_mday;
}

/* A monthly fee for the days a subscription ran in the month, half-up. */
static int64_t
prorate(int64_t monthly, int days, int ndays)
{
	if (days >= ndays)
		return monthly;
	return (monthly * days * 2 + ndays) / (2 * (int64_t)ndays);
}

/* ---------------------------------------------------------------- computing */

static void
add_line(struct sd_bill *b, int kind, const struct sd_subscription *u,
    const char *code, const char *text, int64_t amount)
{
	struct sd_bill_line *l;

	if (b->nlines >= SD_BILL_LINES_MAX)
		return;
	l = &b->lines[b->nlines++];
	memset(l, 0, sizeof *l);
	l->kind = kind;
	if (u != NULL) {
		l->sub = u->id;
		sd_strlcpy(l->msisdn, u->msisdn, sizeof l->msisdn);
	}
	sd_strlcpy(l->code, code, sizeof l->code);
	sd_strlcpy(l->text, text, sizeof l->text);
	l->amount_fen = amount;
}

/* An adjustment (调账), keyed by the bill's key and a sequence number. */
static const struct rec_field adjust_fields[] = {
	REC_I(1, adjust_rec, amount_fen),
	REC_S(2, adjust_rec, reason),
	REC_S(3, adjust_rec, by),
};

void
adjust_encode(const struct adjust_rec *a, struct sd_buf *b)
{
	rec_encode(adjust_fields, REC_N(adjust_fields), a, b);
}

int
adjust_decode(const void *p, size_t n, struct adjust_rec *a)
{
	return rec_decode(adjust_fields, REC_N(adjust_fields), p, n, a,
	    sizeof *a);
}

struct adjust_walk {
	struct sd_bill	*b;
	uint8_t		 pfx[12];
};

static int
adjust_take(struct sd_txn *t, const void *k, size_t kl, void *rec, void *arg,
    struct sd_err *err)
{
	struct adjust_walk *w = arg;
	const struct adjust_rec *a = rec;

	(void)t;
	(void)err;
	if (kl < 12 || memcmp(k, w->pfx, 12) != 0)
		return REC_STOP;
	add_line(w->b, SD_BL_ADJUST, NULL, "", a->reason, a->amount_fen);
	w->b->adjust_fen += a->amount_fen;
	return REC_NEXT;
}

/* The month's adjustments of a customer. */
static int
adjustments(struct sd_txn *t, struct sd_bill *b, struct sd_err *err)
{
	struct adjust_walk w = { b, { 0 } };
	struct adjust_rec a;

	bill_key(w.pfx, b->customer, b->month);
	return rec_walk(t, T_ADJUST, 1, w.pfx, 12, adjust_fields,
	    REC_N(adjust_fields), &a, sizeof a, adjust_take, &w, err);
}

struct compute_arg {
	struct sd_bill		*b;
	struct bill_ctx		*c;
	struct bill_cards	*cards;		/* or NULL */
	int64_t			 from, to;	/* the month */
	int			 ndays;
	int			 any;
};

void
bill_ctx_init(struct bill_ctx *c, int month)
{
	memset(c, 0, sizeof *c);
	c->month = month;
	c->from = month_begin(month);
	c->to = month_begin(next_month(month));
	c->ndays = mday(c->to - 1);
}

/* A plan through the context: each read once (plans change only in
 * transactions of their own, never inside this one). */
static int
ctx_plan(struct sd_txn *t, struct bill_ctx *c, const char *code,
    struct sd_plan *p, struct sd_err *err)
{
	int st;

	for (int i = 0; i < c->nplans; i++)
		if (strcmp(c->plans[i].code, code) == 0) {
			*p = c->plans[i];
			return SD_OK;
		}
	if ((st = plan_load(t, code, p, err)) == SD_OK &&
	    c->nplans < (int)(sizeof c->plans / sizeof c->plans[0]) &&
	    strcmp(p->code, code) == 0)
		c->plans[c->nplans++] = *p;
	return st;
}

/* One subscription's lines on the bill: plan, services, calls, the card. */
static int
bill_sub(struct sd_txn *t, const struct sd_subscription *u, void *arg,
    struct sd_err *err)
{
	struct compute_arg *a = arg;
	struct sd_bill *b = a->b;
	struct sd_usage us;
	struct sd_plan p;
	int64_t last;
	int days, ndays = a->ndays, st;
	char text[97];

	if (a->cards != NULL && u->ended == 0 && a->cards->n >= 0) {
		if (a->cards->n < BILL_CARDS)
			sd_strlcpy(a->cards->iccid[a->cards->n++], u->iccid,
			    sizeof a->cards->iccid[0]);
		else
			a->cards->n = -1;
	}
	if (u->from >= a->to || (u->ended != 0 && u->ended <= a->from))
		return SD_OK;
	a->any = 1;
	/* Active days: from the day it started (or the 1st) to the day it
	 * ended (or the last). */
	last = u->ended != 0 && u->ended < a->to ? u->ended - 1 : a->to - 1;
	days = mday(last) - (u->from > a->from ? mday(u->from) : 1) + 1;
	if (b->phone[0] == '\0')
		sd_strlcpy(b->phone, u->msisdn, sizeof b->phone);
	st = ctx_plan(t, a->c, u->plan, &p, err);
	if (st != SD_OK) {
		return st == SD_ENOTFOUND ? sd_err_set(err, SD_EINTERNAL,
		    "plan %s of %s is missing", u->plan, u->msisdn) : st;
	}
	if (strstr(b->plans, p.name) == NULL)
		snprintf(b->plans + strlen(b->plans), sizeof b->plans -
		    strlen(b->plans), "%s%s", b->plans[0] ? "," : "", p.name);
	if (days < ndays)
		snprintf(text, sizeof text, "%.60s (%d/%d days)", p.name, days,
		    ndays);
	else
		sd_strlcpy(text, p.name, sizeof text);
	add_line(b, SD_BL_PLAN, u, p.code, text,
	    prorate(p.monthly_fen, days, ndays));
	b->plan_fee_fen += b->lines[b->nlines - 1].amount_fen;
	for (int i = 0; i < u->nvas; i++) {
		struct sd_vas v;

		if (vas_load(t, u->vas[i], &v, err) != SD_OK)
			continue;
		add_line(b, SD_BL_VAS, u, u->vas[i], v.name,
		    prorate(v.monthly_fen, days, ndays));
		b->vas_fee_fen += b->lines[b->nlines - 1].amount_fen;
	}
	sd_err_clear(err);
	if ((st = usage_load(t, u->id, b->month, &us, 0, err)) != SD_OK)
		return st;
	if (us.calls > 0) {
		snprintf(text, sizeof text, "%ld calls, %ld s", us.calls,
		    us.seconds);
		add_line(b, SD_BL_CALLS, u, "", text, us.call_fee_fen);
		b->call_fee_fen += us.call_fee_fen;
	}
	/* The card's price, charged at the sale in this month. */
	if (u->from >= a->from && u->price_fen > 0) {
		add_line(b, SD_BL_ONE_OFF, u, "", "card", u->price_fen);
		b->one_off_fen += u->price_fen;
	}
	return SD_OK;
}

/*
 * The bill of customer for month from the subscriptions, their usage and
 * the adjustments; *any is 0 when there is nothing to bill.
 */
int
bill_compute(struct sd_txn *t, uint64_t customer, int month, struct sd_bill *b,
    int *any, struct sd_err *err)
{
	struct bill_ctx c;

	bill_ctx_init(&c, month);
	return bill_compute_in(t, &c, customer, b, any, NULL, err);
}

int
bill_compute_in(struct sd_txn *t, struct bill_ctx *c, uint64_t customer,
    struct sd_bill *b, int *any, struct bill_cards *cards, struct sd_err *err)
{
	struct compute_arg a = { b, c, cards, c->from, c->to, c->ndays, 0 };
	struct sd_customer cu;
	int month = c->month;
	int st;

	memset(b, 0, sizeof *b);
	if (cards != NULL)
		cards->n = 0;
	*any = 0;
	b->customer = customer;
	b->month = month;
	if ((st = customer_load(t, customer, &cu, 0, err)) != SD_OK)
		return st;
	sd_strlcpy(b->name, cu.name, sizeof b->name);
	if ((st = subs_each(t, customer, bill_sub, &a, err)) != SD_OK)
		return st;
	*any = a.any;
	if ((st = adjustments(t, b, err)) != SD_OK)
		return st;
	*any |= b->nlines > 0;
	b->total_fen = b->plan_fee_fen + b->vas_fee_fen + b->call_fee_fen +
	    b->one_off_fen + b->adjust_fen;
	return SD_OK;
}

/* A computed bill over the one on file (billing_int.h). */
int
bill_merge(struct sd_txn *t, struct sd_bill *b, struct sd_buf *nb,
    struct sd_buf *old, struct bill_delta *d, struct sd_err *err)
{
	struct sd_buf val = SD_BUF_INIT;
	struct sd_bill o;
	uint8_t k[12];
	int st;

	memset(d, 0, sizeof *d);
	bill_key(k, b->customer, b->month);
	st = sd_get(t, T_BILL, k, 12, &val, SD_GET_RMW, err);
	if (st == SD_OK && bill_decode(val.p, val.len, &o) != SD_OK)
		st = sd_err_set(err, SD_EINTERNAL, "bill %llu/%d: record corrupt",
		    (unsigned long long)b->customer, b->month);
	if (st != SD_OK && st != SD_ENOTFOUND) {
		sd_buf_free(&val);
		return st;
	}
	d->had = st == SD_OK;
	sd_err_clear(err);
	if (d->had) {
		b->paid_fen = o.paid_fen;
		b->created = o.created;
		b->posted_plan_fen = o.posted_plan_fen;
		b->posted_vas_fen = o.posted_vas_fen;
		b->posted_call_fen = o.posted_call_fen;
	} else
		b->created = sd_now();
	d->plan = b->plan_fee_fen - b->posted_plan_fen;
	d->vas = b->vas_fee_fen - b->posted_vas_fen;
	d->calls = b->call_fee_fen - b->posted_call_fen;
	b->posted_plan_fen = b->plan_fee_fen;
	b->posted_vas_fen = b->vas_fee_fen;
	b->posted_call_fen = b->call_fee_fen;
	sd_buf_reset(nb);
	bill_encode(b, nb);
	if (d->had) {
		struct sd_buf ob = SD_BUF_INIT;

		/* Byte for byte against the stored one as it decodes (a
		 * field it does not know would not count). */
		bill_encode(&o, &ob);
		d->changed = ob.len != nb->len || memcmp(ob.p, nb->p,
		    nb->len) != 0;
		sd_buf_free(&ob);
	} else
		d->changed = 1;
	if (old != NULL) {
		sd_buf_reset(old);
		sd_buf_add(old, val.p, val.len);
	}
	sd_buf_free(&val);
	return SD_OK;
}

/* The posting of a bill's difference (billing_int.h). */
void
bill_posting(const struct sd_bill *b, const struct bill_delta *d,
    char acct[32], char ref[32], struct sd_posting_line l[4], int *n)
{
	int64_t dp = d->plan, dv = d->vas, dc = d->calls;

	snprintf(acct, 32, "cust:%llu", (unsigned long long)b->customer);
	snprintf(ref, 32, "bill:%llu:%d", (unsigned long long)b->customer,
	    b->month);
	*n = 0;
	l[(*n)++] = (struct sd_posting_line){ acct, dp + dv + dc };
	if (dp != 0)
		l[(*n)++] = (struct sd_posting_line){ "rev:plan", -dp };
	if (dv != 0)
		l[(*n)++] = (struct sd_posting_line){ "rev:vas", -dv };
	if (dc != 0)
		l[(*n)++] = (struct sd_posting_line){ "rev:calls", -dc };
	if (dp + dv + dc == 0)		/* moves between kinds only */
		l[0] = l[--(*n)];
}

/*
 * Store a computed bill over the one on file (bill_merge) and post the
 * difference; an unchanged bill is not written at all.
 */
int
bill_apply(struct sd_txn *t, const char *actor, struct sd_bill *b,
    int *changed, int64_t *posted, struct sd_err *err)
{
	struct sd_buf nb = SD_BUF_INIT;
	struct bill_delta d;
	uint8_t k[12];
	int st;

	*changed = 0;
	*posted = 0;
	if ((st = bill_merge(t, b, &nb, NULL, &d, err)) != SD_OK ||
	    !d.changed) {
		sd_buf_free(&nb);
		return st;
	}
	*changed = 1;
	bill_key(k, b->customer, b->month);
	st = sd_put(t, T_BILL, k, 12, nb.p, nb.len, 0, err);
	if (st == SD_OK && (d.plan != 0 || d.vas != 0 || d.calls != 0)) {
		struct sd_posting_line lines[4];
		char acct[32], ref[32];
		int n;

		bill_posting(b, &d, acct, ref, lines, &n);
		st = sd_ledger_post(t, actor, "monthly bill", ref, lines, n, NULL,
		    err);
		*posted = d.plan + d.vas + d.calls;
	}
	sd_buf_free(&nb);
	return st;
}

