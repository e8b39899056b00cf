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
static int64_t
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
	struct sd_bill	*b;
	int64_t		 from, to;	/* the month */
	int		 ndays;
	int		 any;
};

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

	if (u->from >= a->to || (u->ended != 0 && u->ended <= a->from))
		return SD_OK;
	a->any = 1;
	/* Active days: from the day it started (or the 1st) to the day it
	 * ended (or the last). */
	last = u->ended != 0 && u->ended < a->to ? u->ended - 1 : a->to - 1;
	days = mday(last) - (u->from > a->from ? mday(u->from) : 1) + 1;
	if (b->phone[0] == '\0')
		sd_strlcpy(b->phone, u->msisdn, sizeof b->phone);
	st = plan_load(t, u->plan, &p, err);
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
	struct compute_arg a = { b, month_begin(month),
	    month_begin(next_month(month)), 0, 0 };
	struct sd_customer cu;
	int st;

	a.ndays = mday(a.to - 1);
	memset(b, 0, sizeof *b);
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

/* A computed bill against the one on file (bill_merge). */
struct bill_delta {
	int		had, changed;
	int64_t		plan, vas, calls;	/* to post */
};

/*
 * A computed bill over the one on file: payments and what was posted
 * carry over, the difference in plan, services and calls is to be posted,
 * and an unchanged bill is not to be written at all.  nb gets the bill's
 * bytes, old (when given) the stored ones as read (RMW).
 */
static int
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

/* The posting of a bill's difference: lines into l (4), *n of them. */
static void
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

/* ---------------------------------------------------------------- balance */

int
customer_balance(struct sd_txn *t, uint64_t customer, int64_t *bal,
    struct sd_err *err)
{
	char acct[32];
	int64_t v;
	int st;

	snprintf(acct, sizeof acct, "cust:%llu", (unsigned long long)customer);
	if ((st = sd_ledger_balance(t, acct, &v, err)) != SD_OK)
		return st;
	*bal = -v;		/* the ledger carries charges as debits */
	return SD_OK;
}

struct enforce_arg {
	const char	*actor;
	int64_t		 bal;
	int		 owe;
	long		*suspended;
};

/* Suspend (or restore) one running subscription's card for the balance. */
static int
enforce_sub(struct sd_txn *t, const struct sd_subscription *u, void *arg,
    struct sd_err *err)
{
	struct enforce_arg *a = arg;
	struct sd_sim card;
	char before[32], after[160], money[32];
	int to, st;

	if (u->ended != 0)
		return SD_OK;
	if ((st = sim_load(t, u->iccid, &card, 1, err)) != SD_OK)
		return st;
	if (a->owe && card.status == SD_SIM_ACTIVE)
		to = SD_SIM_SUSPENDED;
	else if (!a->owe && card.status == SD_SIM_SUSPENDED &&
	    strncmp(card.reason, DEBT_REASON, strlen(DEBT_REASON)) == 0)
		to = SD_SIM_ACTIVE;
	else
		return SD_OK;
	snprintf(before, sizeof before, "status=%s",
	    sd_sim_status_name(card.status));
	sd_money_format(a->bal, money, sizeof money);
	card.status = to;
	if (to == SD_SIM_SUSPENDED)
		snprintf(card.reason, sizeof card.reason, "%s (balance %s)",
		    DEBT_REASON, money);
	else
		snprintf(card.reason, sizeof card.reason, "复机 (balance %s)",
		    money);
	card.updated = sd_now();
	snprintf(after, sizeof after, "status=%s reason=%s",
	    sd_sim_status_name(to), card.reason);
	if ((st = sim_store(t, &card, 0, err)) != SD_OK ||
	    (st = sd_audit_write(t, a->actor, to == SD_SIM_SUSPENDED ?
	    "sim.suspend_debt" : "sim.restore", card.iccid, SD_OUTCOME_OK,
	    before, after, err)) != SD_OK)
		return st;
	if (to == SD_SIM_SUSPENDED && a->suspended != NULL)
		(*a->suspended)++;
	return SD_OK;
}

int
balance_enforce(struct sd_txn *t, const struct sd_config *cfg,
    const char *actor, uint64_t customer, long *suspended, struct sd_err *err)
{
	struct enforce_arg a = { actor, 0, 0, suspended };
	int st;

	if ((st = customer_balance(t, customer, &a.bal, err)) != SD_OK)
		return st;
	a.owe = a.bal < -cfg->credit_limit_fen;
	return subs_each(t, customer, enforce_sub, &a, err);
}

/* ---------------------------------------------------------------- the run */

/* Customers a transaction (a durable commit each). */
#define RUN_BATCH 1000

/*
 * What a month's last complete run saw at its start (T_META
 * "billrun:YYYYMM"): the counters of what bills read (rec_bill_touch) and
 * the time zone its months were cut in, with what it billed.  A run that
 * finds the counters and the zone the same has nothing to do: every input
 * of every bill is as the last run read it, so each bill would come out
 * byte for byte the one on file and nothing would be posted.  The
 * counters are the ones seen before the run read anything: a change that
 * commits while it runs (its counter already past them) makes the next
 * run a whole one.
 */
struct run_mark {
	uint64_t	all, month;
	char		tz[200];
	long		customers;
	int64_t		total_fen;
};

static void
run_mark_key(char *k, size_t n, int month)
{
	snprintf(k, n, "billrun:%06d", month);
}

static int
run_mark_load(struct sd_txn *t, int month, struct run_mark *m,
    struct sd_err *err)
{
	struct sd_buf val = SD_BUF_INIT;
	struct sd_rec_reader r;
	char k[32];
	int st;

	memset(m, 0, sizeof *m);
	run_mark_key(k, sizeof k, month);
	st = rec_meta_get(t, k, &val, 0, err);
	if (st == SD_OK && sd_rec_open(&r, val.p, val.len) == SD_OK)
		while (sd_rec_next(&r) == 1)
			switch (r.tag) {
			case 1:	m->all = (uint64_t)r.ival; break;
			case 2:	m->month = (uint64_t)r.ival; break;
			case 3:	sd_rec_copystr(&r, m->tz, sizeof m->tz); break;
			case 4:	m->customers = (long)r.ival; break;
			case 5:	m->total_fen = r.ival; break;
			default: break;
			}
	sd_buf_free(&val);
	return st;
}

static int
run_mark_store(struct sd_txn *t, int month, const struct run_mark *m,
    struct sd_err *err)
{
	struct sd_buf val = SD_BUF_INIT;
	char k[32];
	int st;

	run_mark_key(k, sizeof k, month);
	sd_rec_begin(&val);
	sd_rec_int(&val, 1, (int64_t)m->all);
	sd_rec_int(&val, 2, (int64_t)m->month);
	sd_rec_str(&val, 3, m->tz);
	sd_rec_int(&val, 4, m->customers);
	sd_rec_int(&val, 5, m->total_fen);
	st = rec_meta_put(t, k, val.p, val.len, err);
	sd_buf_free(&val);
	return st;
}

struct run_arg {
	struct sd_session		*s;
	int				 month;
	uint64_t			 after;		/* last customer done */
	int				 done;		/* no more customers */
	int				 same;		/* as the last run */
	struct run_mark			 mark;		/* seen at the start */
	struct sd_bill_run_result	 r, batch;
};

/* The months are cut in the configured zone (or TZ's). */
static void
run_zone(const struct sd_session *s, char *out, size_t n)
{
	const char *tz = getenv("TZ");

	snprintf(out, n, "%s|%.100s", s->core->cfg.timezone, tz ? tz : "");
}

/* The run's first transaction: the counters now, and the last run's. */
static int
run_start(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct run_arg *a = arg;
	struct run_mark last;
	int st;

	memset(&a->mark, 0, sizeof a->mark);
	a->same = 0;
	run_zone(a->s, a->mark.tz, sizeof a->mark.tz);
	if ((st = rec_bill_counter(t, 0, &a->mark.all, err)) != SD_OK ||
	    (st = rec_bill_counter(t, a->month, &a->mark.month, err)) != SD_OK)
		return st;
	st = run_mark_load(t, a->month, &last, err);
	if (st == SD_ENOTFOUND) {
		sd_err_clear(err);
		return SD_OK;
	}
	if (st != SD_OK)
		return st;
	a->same = last.all == a->mark.all && last.month == a->mark.month &&
	    strcmp(last.tz, a->mark.tz) == 0;
	a->r.customers = last.customers;
	a->r.total_fen = last.total_fen;
	return SD_OK;
}

/* A batch's bills and postings, written together (run_txn). */
struct run_out {
	struct sd_buf		 vals;		/* new bills, then old ones */
	struct {
		uint8_t		 key[12];
		size_t		 off, len, ooff, olen;
		int		 had;
	}			*bill;
	int			 nbill;
	struct sd_posting	*post;
	struct sd_posting_line	(*lines)[4];
	char			(*acct)[32], (*ref)[32];
	int			 npost;
	uint64_t		*enforce;	/* customers whose bill changed */
	int			 nenforce;
};

static void
run_out_init(struct run_out *o)
{
	memset(o, 0, sizeof *o);
	o->bill = xcalloc(RUN_BATCH, sizeof *o->bill);
	o->post = xcalloc(RUN_BATCH, sizeof *o->post);
	o->lines = xcalloc(RUN_BATCH, sizeof *o->lines);
	o->acct = xcalloc(RUN_BATCH, sizeof *o->acct);
	o->ref = xcalloc(RUN_BATCH, sizeof *o->ref);
	o->enforce = xcalloc(RUN_BATCH, sizeof *o->enforce);
}

static void
run_out_free(struct run_out *o)
{
	sd_buf_free(&o->vals);
	free(o->bill);
	free(o->post);
	free(o->lines);
	free(o->acct);
	free(o->ref);
	free(o->enforce);
}

/* The batch's bills in key order (new ones, then replaced ones), in bulk. */
static int
run_write_bills(struct sd_txn *t, struct run_out *o, struct sd_err *err)
{
	struct sd_kv *kv = xcalloc((size_t)o->nbill + 1, sizeof *kv);
	struct sd_kv *old = xcalloc((size_t)o->nbill + 1, sizeof *old);
	size_t n = 0, m = 0;
	int st;

	for (int i = 0; i < o->nbill; i++)
		if (!o->bill[i].had) {
			kv[n].key = o->bill[i].key;
			kv[n].klen = 12;
			kv[n].val = o->vals.p + o->bill[i].off;
			kv[n].vlen = o->bill[i].len;
			n++;
		}
	st = sd_put_new(t, T_BILL, kv, n, err);
	for (int i = 0; st == SD_OK && i < o->nbill; i++)
		if (o->bill[i].had) {
			kv[m].key = old[m].key = o->bill[i].key;
			kv[m].klen = old[m].klen = 12;
			kv[m].val = o->vals.p + o->bill[i].off;
			kv[m].vlen = o->bill[i].len;
			old[m].val = o->vals.p + o->bill[i].ooff;
			old[m].vlen = o->bill[i].olen;
			m++;
		}
	if (st == SD_OK)
		st = sd_put_replace(t, T_BILL, kv, old, m, err);
	free(kv);
	free(old);
	return st;
}

/*
 * One batch of customers: each bill computed and held against the one on
 * file, then the batch's changed bills written in bulk, their differences
 * posted at once (ledger_post_many: each account read and written once a
 * batch), and only then each changed customer's cards suspended or
 * restored for the balance the postings left.  The same records as
 * bill_apply and balance_enforce customer by customer, in fewer
 * operations.
 */
static int
run_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct run_arg *a = arg;
	uint64_t ids[RUN_BATCH], last = a->after;
	struct sd_buf nb = SD_BUF_INIT, ob = SD_BUF_INIT;
	struct run_out o;
	int n = 0, st;

	memset(&a->batch, 0, sizeof a->batch);
	/* The next customers who have subscriptions. */
	if ((st = subs_customers_after(t, a->after, ids, RUN_BATCH, &n,
	    err)) != SD_OK)
		return st;
	a->done = n < RUN_BATCH;
	run_out_init(&o);
	for (int i = 0; i < n; i++) {
		struct sd_bill b;
		struct bill_delta d;
		int any;

		if ((st = bill_compute(t, ids[i], a->month, &b, &any, err)) !=
		    SD_OK)
			goto out;
		last = ids[i];
		if (!any)
			continue;
		if ((st = bill_merge(t, &b, &nb, &ob, &d, err)) != SD_OK)
			goto out;
		a->batch.customers++;
		a->batch.total_fen += b.total_fen;
		if (!d.changed)
			continue;
		a->batch.changed++;
		o.enforce[o.nenforce++] = ids[i];
		bill_key(o.bill[o.nbill].key, b.customer, b.month);
		o.bill[o.nbill].had = d.had;
		o.bill[o.nbill].off = o.vals.len;
		o.bill[o.nbill].len = nb.len;
		sd_buf_add(&o.vals, nb.p, nb.len);
		o.bill[o.nbill].ooff = o.vals.len;
		o.bill[o.nbill].olen = ob.len;
		sd_buf_add(&o.vals, ob.p, ob.len);
		o.nbill++;
		if (d.plan != 0 || d.vas != 0 || d.calls != 0) {
			struct sd_posting *p = &o.post[o.npost];

			bill_posting(&b, &d, o.acct[o.npost], o.ref[o.npost],
			    o.lines[o.npost], &p->n);
			p->ref = o.ref[o.npost];
			p->lines = o.lines[o.npost];
			a->batch.posted_fen += d.plan + d.vas + d.calls;
			o.npost++;
		}
	}
	if ((st = run_write_bills(t, &o, err)) != SD_OK ||
	    (st = ledger_post_many(t, a->s->user.login, "monthly bill", o.post,
	    o.npost, err)) != SD_OK)
		goto out;
	for (int i = 0; i < o.nenforce; i++)
		if ((st = balance_enforce(t, &a->s->core->cfg, a->s->user.login,
		    o.enforce[i], &a->batch.suspended, err)) != SD_OK)
			goto out;
	a->after = last;
	if (a->done) {		/* the run is complete with this commit */
		struct run_mark m = a->mark;

		m.customers = a->r.customers + a->batch.customers;
		m.total_fen = a->r.total_fen + a->batch.total_fen;
		st = run_mark_store(t, a->month, &m, err);
	}
out:
	run_out_free(&o);
	sd_buf_free(&nb);
	sd_buf_free(&ob);
	return st;
}

/* A month a run may bill: one that has begun. */
static int
run_month_check(int month, struct sd_err *err)
{
	if (month < 200001 || month % 100 < 1 || month % 100 > 12)
		return sd_err_set(err, SD_EINVAL, "month: must be YYYY-MM");
	if (month_begin(month) > sd_now())
		return sd_err_set(err, SD_EREFUSED, "month: %04d-%02d has not "
		    "begun", month / 100, month % 100);
	return SD_OK;
}

int
sd_bill_month_check(const char *s, int *month, struct sd_err *err)
{
	if (s == NULL || s[0] == '\0')
		return sd_err_set(err, SD_EINVAL, "month: required");
	if ((*month = sd_month_parse(s)) < 0)
		return sd_err_set(err, SD_EINVAL, "month: '%s' is not YYYY-MM",
		    s);
	return run_month_check(*month, err);
}

int
sd_bill_run(struct sd_session *s, int month,
    void (*progress)(long done, long total, void *arg), void *parg,
    struct sd_bill_run_result *r, struct sd_err *err)
{
	struct run_arg a;
	char obj[32], detail[128], money[32];
	int st;

	memset(r, 0, sizeof *r);
	if ((st = sd_authorize(s, SD_OP_BILL_RUN, "", err)) != SD_OK)
		return st;
	if ((st = run_month_check(month, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	a.month = month;
	if ((st = sd_db_run(s->core->db, run_start, &a, err)) != SD_OK)
		return st;
	/* Nothing a bill reads has changed: the bills stand as they are. */
	a.done = a.same;
	if (!a.same)
		memset(&a.r, 0, sizeof a.r);
	while (!a.done) {
		if ((st = sd_db_run(s->core->db, run_txn, &a, err)) != SD_OK)
			return st;
		a.r.customers += a.batch.customers;
		a.r.changed += a.batch.changed;
		a.r.posted_fen += a.batch.posted_fen;
		a.r.suspended += a.batch.suspended;
		a.r.total_fen += a.batch.total_fen;
		if (progress != NULL)
			progress(a.r.customers, 0, parg);
	}
	*r = a.r;
	snprintf(obj, sizeof obj, "bills:%04d-%02d", month / 100, month % 100);
	sd_money_format(r->posted_fen, money, sizeof money);
	snprintf(detail, sizeof detail, "%ld customers, %ld changed, %s posted, "
	    "%ld cards suspended%s", r->customers, r->changed, money,
	    r->suspended, a.same ? " (nothing billed changed since the last "
	    "run)" : "");
	if ((st = sd_audit_log(s->core, s->user.login, "bill.run", obj,
	    SD_OUTCOME_OK, detail)) != SD_OK)
		return sd_err_set(err, SD_EINTERNAL, "%s: run, but its audit row "
		    "could not be written: run it again", obj);
	return SD_OK;
}
