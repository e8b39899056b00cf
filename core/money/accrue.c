/*
 * accrue.c -- commission entries as things happen: the activation bounty
 * (激活奖励) when a card is sold, the revenue share (月租分成) when a
 * payment is allocated to a card's bill, each with the overrides of the
 * ancestors (多级分佣); and when a card is terminated or returned inside
 * the protection window, the pending bounty cancelled or a payable one
 * clawed back by a new negative entry.  Every entry copies the scheme
 * version and the figures it used, and is posted in the same transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/money/money_int.h"

#define DAY	86400

/* One posting for the entries made together: exp:commission against each
 * agent's frozen (pending) or payable account. */
struct post {
	char	 acct[SD_POSTING_LINES_MAX][48];
	struct sd_posting_line lines[SD_POSTING_LINES_MAX];
	int	 n;
	int64_t	 total;
};

static void
post_add(struct post *p, const struct sd_comm *e)
{
	if (e->amount_fen == 0 || p->n >= SD_POSTING_LINES_MAX - 1)
		return;
	comm_account(e->agent, e->state == SD_COMM_PENDING, p->acct[p->n],
	    sizeof p->acct[0]);
	p->lines[p->n].account = p->acct[p->n];
	p->lines[p->n].amount_fen = -e->amount_fen;
	p->total += e->amount_fen;
	p->n++;
}

static int
post_done(struct sd_txn *t, const char *actor, struct post *p,
    const struct sd_comm *e, struct sd_err *err)
{
	char ref[40];

	if (p->n == 0)
		return SD_OK;
	p->lines[p->n].account = "exp:commission";
	p->lines[p->n].amount_fen = p->total;
	snprintf(ref, sizeof ref, "comm:%llu", (unsigned long long)e->id);
	return sd_ledger_post(t, actor, e->amount_fen < 0 ?
	    "commission clawback" : "commission", ref, p->lines, p->n + 1,
	    NULL, err);
}

int
comm_accrue(struct sd_txn *t, const char *actor, const struct sd_scheme *v,
    struct sd_comm *e, struct sd_err *err)
{
	char cur[SD_CODE_MAX + 1];
	struct post p;
	int st;

	memset(&p, 0, sizeof p);
	if ((st = money_next_id(t, "commission", &e->id, err)) != SD_OK)
		return st;
	e->created = sd_now();
	if ((st = comm_store(t, e, err)) != SD_OK)
		return st;
	post_add(&p, e);
	/* The ancestors', level by level, as the version lists them. */
	sd_strlcpy(cur, e->agent, sizeof cur);
	for (int k = 0; k < v->noverride; k++) {
		struct sd_agent a;
		struct sd_comm o;

		if ((st = agent_load(t, cur, &a, 0, err)) != SD_OK)
			return st;
		if (a.parent[0] == '\0')
			break;
		sd_strlcpy(cur, a.parent, sizeof cur);
		o = *e;
		o.kind = SD_COMM_OVERRIDE;
		sd_strlcpy(o.agent, cur, sizeof o.agent);
		o.base_fen = e->amount_fen;
		o.rate_bp = v->override_bp[k];
		o.amount_fen = money_pct(e->amount_fen, o.rate_bp);
		o.parent = e->id;
		o.level = k + 1;
		o.clawed = 0;
		snprintf(o.source, sizeof o.source, "entry:%llu",
		    (unsigned long long)e->id);
		if (o.amount_fen == 0)
			continue;
		if ((st = money_next_id(t, "commission", &o.id, err)) != SD_OK ||
		    (st = comm_store(t, &o, err)) != SD_OK)
			return st;
		post_add(&p, &o);
	}
	return post_done(t, actor, &p, e, err);
}

/* The entry's state when made at at: pending inside the frozen period. */
static void
comm_when(struct sd_comm *e, const struct sd_scheme *v, int64_t at)
{
	e->at = at;
	e->month = money_month_of(at);
	e->matures = at + (int64_t)v->frozen_days * DAY;
	e->protect_days = v->protect_days;
	e->state = e->matures > sd_now() ? SD_COMM_PENDING : SD_COMM_PAYABLE;
	sd_strlcpy(e->scheme, v->code, sizeof e->scheme);
	e->version = v->version;
}

/* The version in force for agent at time at; SD_ENOTFOUND when none. */
static int
version_for(struct sd_txn *t, const char *agent, int64_t at,
    struct sd_scheme *v, struct sd_err *err)
{
	char code[SD_CODE_MAX + 1];
	int inh, st;

	if ((st = scheme_of_agent(t, agent, code, sizeof code, &inh, err)) !=
	    SD_OK)
		return st;
	if (code[0] == '\0')
		return SD_ENOTFOUND;
	st = scheme_at(t, code, at, v, err);
	if (st == SD_ENOTFOUND)
		sd_err_clear(err);
	return st;
}

static const struct sd_scheme_plan *
plan_of(const struct sd_scheme *v, const char *plan)
{
	for (int i = 0; i < v->nplans; i++)
		if (strcmp(v->plans[i].plan, plan) == 0)
			return &v->plans[i];
	return NULL;
}

/* ---------------------------------------------------------------- activation */

int
money_card_activated(struct sd_txn *t, const char *actor,
    const struct sd_subscription *u, struct sd_err *err)
{
	const struct sd_scheme_plan *sp;
	struct sd_scheme v;
	struct sd_comm e;
	int st;

	if (u->agent[0] == '\0')
		return SD_OK;
	if ((st = version_for(t, u->agent, u->from, &v, err)) != SD_OK)
		return st == SD_ENOTFOUND ? SD_OK : st;
	/* Plans the version names count for tiers, even at a bounty of 0. */
	if ((sp = plan_of(&v, u->plan)) == NULL)
		return SD_OK;
	memset(&e, 0, sizeof e);
	sd_strlcpy(e.agent, u->agent, sizeof e.agent);
	e.kind = SD_COMM_BOUNTY;
	e.amount_fen = sp->bounty_fen;
	sd_strlcpy(e.iccid, u->iccid, sizeof e.iccid);
	sd_strlcpy(e.plan, u->plan, sizeof e.plan);
	e.sub = u->id;
	snprintf(e.source, sizeof e.source, "card:%s", u->iccid);
	comm_when(&e, &v, u->from);
	return comm_accrue(t, actor, &v, &e, err);
}

/* ---------------------------------------------------------------- termination */

/* The entries of a card (the card index's key is the ICCID and its NUL),
 * gathered before any is rewritten. */
static int
card_entries(struct sd_txn *t, const char *iccid, struct sd_comm **out,
    size_t *n, struct sd_err *err)
{
	return comm_gather(t, IX_COMM_CARD, iccid, strlen(iccid) + 1, out, n,
	    err);
}

static int
cancel_one(struct sd_txn *t, const char *actor, struct sd_comm *e,
    struct sd_err *err)
{
	char acct[48], ref[40];
	int st;

	e->state = SD_COMM_CANCELLED;
	if ((st = comm_store(t, e, err)) != SD_OK || e->amount_fen == 0)
		return st;
	comm_account(e->agent, 1, acct, sizeof acct);
	{
		struct sd_posting_line l[2] = { { acct, e->amount_fen },
		    { "exp:commission", -e->amount_fen } };

		snprintf(ref, sizeof ref, "comm:%llu", (unsigned long long)e->id);
		return sd_ledger_post(t, actor, "commission cancelled", ref, l,
		    2, NULL, err);
	}
}

/* Undo entry es[i], a bounty or a share, at when: still pending, it and
 * its pending overrides are cancelled (nothing was payable); payable or
 * settled, a clawback of it, payable at once, with its overrides at the
 * rates of the version it used.  Never an edit of its amount. */
static int
entry_undo(struct sd_txn *t, const char *actor, struct sd_comm *es,
    size_t n, size_t i, int64_t when, struct sd_err *err)
{
	struct sd_comm b = es[i], cb;
	struct sd_scheme v;
	int st;

	b.clawed = 1;
	if (b.state == SD_COMM_PENDING) {
		if ((st = cancel_one(t, actor, &b, err)) != SD_OK)
			return st;
		for (size_t j = 0; j < n && st == SD_OK; j++)
			if (es[j].kind == SD_COMM_OVERRIDE &&
			    es[j].parent == b.id &&
			    es[j].state == SD_COMM_PENDING)
				st = cancel_one(t, actor, &es[j], err);
		return st;
	}
	if ((st = comm_store(t, &b, err)) != SD_OK ||
	    (st = scheme_version(t, b.scheme, b.version, &v, err)) != SD_OK)
		return st;
	cb = b;
	cb.kind = SD_COMM_CLAWBACK;
	cb.amount_fen = -b.amount_fen;
	cb.base_fen = b.amount_fen;
	cb.parent = b.id;
	cb.stmt = 0;
	cb.clawed = 0;
	snprintf(cb.source, sizeof cb.source, "entry:%llu",
	    (unsigned long long)b.id);
	cb.at = when;
	cb.month = money_month_of(when);
	cb.matures = when;
	cb.state = SD_COMM_PAYABLE;
	return cb.amount_fen != 0 ? comm_accrue(t, actor, &v, &cb, err) : SD_OK;
}

int
money_card_ended(struct sd_txn *t, const char *actor, const char *iccid,
    int64_t when, struct sd_err *err)
{
	struct sd_comm *es;
	size_t n;
	int st;

	if ((st = card_entries(t, iccid, &es, &n, err)) != SD_OK)
		return st;
	for (size_t i = 0; i < n && st == SD_OK; i++) {
		const struct sd_comm *b = &es[i];

		if (b->kind == SD_COMM_BOUNTY && !b->clawed &&
		    b->state != SD_COMM_CANCELLED &&
		    when - b->at <= (int64_t)b->protect_days * DAY)
			st = entry_undo(t, actor, es, n, i, when, err);
	}
	free(es);
	return st;
}

/* ---------------------------------------------------------------- payments */

struct sub_find {
	uint64_t		 id;
	struct sd_subscription	 u;
	int			 found;
};

static int
sub_find_one(struct sd_txn *t, const struct sd_subscription *u, void *arg,
    struct sd_err *err)
{
	struct sub_find *f = arg;

	(void)t;
	(void)err;
	if (u->id != f->id)
		return SD_OK;
	f->u = *u;
	f->found = 1;
	return SUB_STOP;
}

int
money_bill_paid(struct sd_txn *t, struct sd_session *s,
    const struct sd_bill *b, int64_t fen, const struct sd_receipt *r,
    struct sd_err *err)
{
	const char *actor = s->user.login, *receipt = r->number;
	int64_t when = sd_now();
	uint64_t subs[SD_BILL_LINES_MAX];
	int64_t part[SD_BILL_LINES_MAX], all = 0;
	int nsubs = 0, st;

	/* The cards on the bill and what each was charged. */
	for (int i = 0; i < b->nlines; i++) {
		int j;

		if (b->lines[i].sub == 0)
			continue;
		for (j = 0; j < nsubs && subs[j] != b->lines[i].sub; j++)
			;
		if (j == nsubs) {
			subs[nsubs] = b->lines[i].sub;
			part[nsubs++] = 0;
		}
		part[j] += b->lines[i].amount_fen;
		all += b->lines[i].amount_fen;
	}
	for (int i = 0; i < nsubs; i++) {
		const struct sd_scheme_plan *sp;
		struct sub_find f = { subs[i], { 0 }, 0 };
		struct sd_scheme v;
		struct sd_comm e;
		int idx, am;

		if ((st = subs_each(t, b->customer, sub_find_one, &f, err)) !=
		    SD_OK)
			return st;
		if (!f.found || f.u.agent[0] == '\0')
			continue;
		if ((st = version_for(t, f.u.agent, when, &v, err)) != SD_OK) {
			if (st == SD_ENOTFOUND)
				continue;
			return st;
		}
		if ((sp = plan_of(&v, f.u.plan)) == NULL || sp->share_bp == 0)
			continue;
		/* The bill's month among the card's first N billing months
		 * (the month of activation is the first). */
		am = money_month_of(f.u.from);
		idx = (b->month / 100 - am / 100) * 12 + b->month % 100 -
		    am % 100;
		if (idx < 0 || idx >= sp->share_months)
			continue;
		memset(&e, 0, sizeof e);
		sd_strlcpy(e.agent, f.u.agent, sizeof e.agent);
		e.kind = SD_COMM_SHARE;
		/* The card's part of what was paid: all of it for a bill
		 * of one card, else in proportion (to the fen, down). */
		e.base_fen = nsubs == 1 || all <= 0 ? fen :
		    fen * part[i] / all;
		e.rate_bp = sp->share_bp;
		e.amount_fen = money_pct(e.base_fen, e.rate_bp);
		sd_strlcpy(e.iccid, f.u.iccid, sizeof e.iccid);
		sd_strlcpy(e.plan, f.u.plan, sizeof e.plan);
		e.sub = f.u.id;
		snprintf(e.source, sizeof e.source, "payment:%s", receipt);
		comm_when(&e, &v, when);
		if (e.amount_fen != 0 && (st = comm_accrue(t, actor, &v, &e,
		    err)) != SD_OK)
			return st;
	}
	return SD_OK;
}

/* ---------------------------------------------------------------- a voided payment */

int
money_receipt_voided(struct sd_txn *t, struct sd_session *s,
    const struct sd_bill *b, const struct sd_receipt *r, struct sd_err *err)
{
	char source[40];
	int64_t when = sd_now();
	int st = SD_OK;

	snprintf(source, sizeof source, "payment:%s", r->number);
	for (int i = 0; i < b->nlines && st == SD_OK; i++) {
		struct sub_find f = { b->lines[i].sub, { 0 }, 0 };
		struct sd_comm *es;
		size_t n;
		int j;

		/* Each card of the bill once. */
		for (j = 0; j < i && b->lines[j].sub != f.id; j++)
			;
		if (f.id == 0 || j < i)
			continue;
		if ((st = subs_each(t, b->customer, sub_find_one, &f, err)) !=
		    SD_OK)
			return st;
		if (!f.found)
			continue;
		/* The shares of the card this payment accrued (their
		 * overrides and clawbacks are on the card too). */
		if ((st = card_entries(t, f.u.iccid, &es, &n, err)) != SD_OK)
			return st;
		for (size_t k = 0; k < n && st == SD_OK; k++)
			if (es[k].kind == SD_COMM_SHARE && !es[k].clawed &&
			    es[k].state != SD_COMM_CANCELLED &&
			    strcmp(es[k].source, source) == 0)
				st = entry_undo(t, s->user.login, es, n, k,
				    when, err);
		free(es);
	}
	return st;
}
