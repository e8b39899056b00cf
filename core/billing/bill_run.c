/*
 * bill_run.c -- balances against the credit limit (停机 below it, 复机 above)
 * and the monthly bill run: the customers a batch at a time, each batch's
 * bills, postings and card changes written together, and a month whose
 * inputs did not change since its last run left as it is.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/billing/billing_int.h"

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

/* Cards a run's batch changes for its customers' balances, written
 * together after the batch (run_txn). */
struct enforce_many {
	struct sd_sim	*cards;
	struct {
		char	before[32], after[160];
		int	suspend;
	}		*txt;
	int		 n, cap;
};

struct enforce_arg {
	const char		*actor;
	int64_t			 bal;
	int			 owe;
	long			*suspended;
	struct enforce_many	*many;		/* collect, do not write */
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
	if (to == SD_SIM_SUSPENDED && a->suspended != NULL)
		(*a->suspended)++;
	if (a->many != NULL) {
		struct enforce_many *m = a->many;

		if (m->n == m->cap) {
			m->cap = m->cap ? m->cap * 2 : 256;
			m->cards = xrealloc(m->cards, (size_t)m->cap *
			    sizeof *m->cards);
			m->txt = xrealloc(m->txt, (size_t)m->cap *
			    sizeof *m->txt);
		}
		m->cards[m->n] = card;
		sd_strlcpy(m->txt[m->n].before, before, sizeof before);
		sd_strlcpy(m->txt[m->n].after, after, sizeof after);
		m->txt[m->n].suspend = to == SD_SIM_SUSPENDED;
		m->n++;
		return SD_OK;
	}
	if ((st = sim_store(t, &card, 0, err)) != SD_OK ||
	    (st = sd_audit_write(t, a->actor, to == SD_SIM_SUSPENDED ?
	    "sim.suspend_debt" : "sim.restore", card.iccid, SD_OUTCOME_OK,
	    before, after, err)) != SD_OK)
		return st;
	return SD_OK;
}

/* With cards (those of its running subscriptions, as its bill was
 * computed in this transaction), no walk of the subscriptions again. */
static int
enforce(struct sd_txn *t, const struct sd_config *cfg, const char *actor,
    uint64_t customer, long *suspended, struct enforce_many *many,
    const struct bill_cards *cards, struct sd_err *err)
{
	struct enforce_arg a = { actor, 0, 0, suspended, many };
	int st;

	if ((st = customer_balance(t, customer, &a.bal, err)) != SD_OK)
		return st;
	a.owe = a.bal < -cfg->credit_limit_fen;
	if (cards == NULL || cards->n < 0)
		return subs_each(t, customer, enforce_sub, &a, err);
	for (int i = 0; i < cards->n; i++) {
		struct sd_subscription u;

		memset(&u, 0, sizeof u);
		sd_strlcpy(u.iccid, cards->iccid[i], sizeof u.iccid);
		if ((st = enforce_sub(t, &u, &a, err)) != SD_OK)
			return st;
	}
	return SD_OK;
}

int
balance_enforce(struct sd_txn *t, const struct sd_config *cfg,
    const char *actor, uint64_t customer, long *suspended, struct sd_err *err)
{
	return enforce(t, cfg, actor, customer, suspended, NULL, NULL, err);
}

/* The audit rows of one kind (suspend or restore) of m's cards. */
struct enforce_rows {
	const struct enforce_many	*m;
	int				*at;	/* which of m */
};

static void
enforce_row(void *arg, int i, char *object, size_t osize, char *before,
    size_t bsize, char *after, size_t asize)
{
	const struct enforce_rows *r = arg;
	int k = r->at[i];

	sd_strlcpy(object, r->m->cards[k].iccid, osize);
	sd_strlcpy(before, r->m->txt[k].before, bsize);
	sd_strlcpy(after, r->m->txt[k].after, asize);
}

/* m's cards stored at once, then their audit rows, one block a kind. */
static int
enforce_write(struct sd_txn *t, const char *actor,
    const struct enforce_many *m, struct sd_err *err)
{
	struct enforce_rows r = { m, NULL };
	int st, n;

	if (m->n == 0)
		return SD_OK;
	if ((st = sim_store_many(t, m->cards, m->n, err)) != SD_OK)
		return st;
	r.at = xcalloc((size_t)m->n, sizeof *r.at);
	for (int kind = 1; kind >= 0 && st == SD_OK; kind--) {
		n = 0;
		for (int i = 0; i < m->n; i++)
			if (m->txt[i].suspend == kind)
				r.at[n++] = i;
		st = audit_write_many(t, actor, kind ? "sim.suspend_debt" :
		    "sim.restore", n, enforce_row, &r, err);
	}
	free(r.at);
	return st;
}

/* ---------------------------------------------------------------- the run */

/* Customers a transaction: their bills, postings and cards are written
 * in bulk a transaction (4000: 5.1 s of simdeskd's CPU for the bench's
 * 100k, 7.1 s at 1000; the locks of one stay far below the table's). */
#define RUN_BATCH 4000

/*
 * What a month's last complete run saw at its start (the meta record
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
	struct bill_cards	*ecards;	/* and their cards */
	int			 nenforce;
	struct enforce_many	 cards;		/* theirs to change */
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
	o->ecards = xcalloc(RUN_BATCH, sizeof *o->ecards);
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
	free(o->ecards);
	free(o->cards.cards);
	free(o->cards.txt);
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
	struct bill_ctx ctx;
	int n = 0, st;

	memset(&a->batch, 0, sizeof a->batch);
	/* The next customers who have subscriptions. */
	if ((st = subs_customers_after(t, a->after, ids, RUN_BATCH, &n,
	    err)) != SD_OK)
		return st;
	a->done = n < RUN_BATCH;
	run_out_init(&o);
	bill_ctx_init(&ctx, a->month);
	for (int i = 0; i < n; i++) {
		struct sd_bill b;
		struct bill_delta d;
		int any;

		if ((st = bill_compute_in(t, &ctx, ids[i], &b, &any,
		    &o.ecards[o.nenforce], err)) != SD_OK)
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
		if ((st = enforce(t, &a->s->core->cfg, a->s->user.login,
		    o.enforce[i], &a->batch.suspended, &o.cards, &o.ecards[i],
		    err)) != SD_OK)
			goto out;
	if ((st = enforce_write(t, a->s->user.login, &o.cards, err)) != SD_OK)
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
	/*
	 * Each batch commits without waiting for the disk: the run's audit
	 * row below commits synced and so writes the log of every batch
	 * before it (the log is written in order), and the run is durable
	 * when it reports done.  A crash before that loses only batches a
	 * rerun makes again (a run is idempotent; the month's mark is in its
	 * last batch).
	 */
	while (!a.done) {
		if ((st = sd_db_run_nosync(s->core->db, run_txn, &a, err)) !=
		    SD_OK)
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
