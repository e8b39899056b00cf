/*
 * run.c -- the monthly run (commission run YYYY-MM) and the statements
 * (结算单): tier bonuses for the month's activations, matured entries
 * made payable, each agent's draft statement built or refreshed; then
 * approval and payment, each a compare-and-set on the statement's state
 * in one transaction with its postings and audit row.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/money/money_int.h"

/* ---------------------------------------------------------------- statements */

/* The statement of agent for month (0 when none) through the unique
 * index. */
static int
stmt_find(struct sd_txn *t, const char *agent, int month, struct sd_stmt *out,
    struct sd_err *err)
{
	struct sd_cursor *c;
	uint8_t k[SD_CODE_MAX + 5];
	size_t n = strlen(agent) + 1;
	int st;

	memset(out, 0, sizeof *out);
	memcpy(k, agent, n);
	k[n] = (uint8_t)(month >> 24);
	k[n + 1] = (uint8_t)(month >> 16);
	k[n + 2] = (uint8_t)(month >> 8);
	k[n + 3] = (uint8_t)month;
	if ((st = sd_cursor_open(t, T_STMT, IX_STMT_AGENT, &c, err)) != SD_OK)
		return st;
	st = sd_cursor_seek(c, SD_SEEK_GE, k, n + 4, err);
	if (st == SD_OK) {
		size_t kl, vl;
		const void *key = sd_cursor_key(c, &kl);
		const void *v = sd_cursor_val(c, &vl);

		if (kl == n + 4 && memcmp(key, k, n + 4) == 0 &&
		    stmt_decode(v, vl, out) != SD_OK)
			st = sd_err_set(err, SD_EINTERNAL, "statement of %s: "
			    "record corrupt", agent);
		else if (kl != n + 4 || memcmp(key, k, n + 4) != 0)
			memset(out, 0, sizeof *out);
	}
	sd_cursor_close(c);
	if (st == SD_ENOTFOUND) {
		sd_err_clear(err);
		st = SD_OK;
	}
	return st;
}

static int
by_agent_at(const void *x, const void *y)
{
	const struct sd_comm *a = *(const struct sd_comm *const *)x;
	const struct sd_comm *b = *(const struct sd_comm *const *)y;
	int c = strcmp(a->agent, b->agent);

	if (c != 0)
		return c;
	if (a->at != b->at)
		return a->at < b->at ? -1 : 1;
	return a->id < b->id ? -1 : a->id > b->id;
}

static int
by_u64(const void *x, const void *y)
{
	uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;

	return a < b ? -1 : a > b;
}

static int
by_agent(const void *x, const void *y)
{
	const struct sd_comm *a = x, *b = y;
	int c = strcmp(a->agent, b->agent);

	return c != 0 ? c : a->id < b->id ? -1 : a->id > b->id;
}

/* ---------------------------------------------------------------- the run */

typedef char agent_code[sizeof(((struct sd_comm *)0)->agent)];

struct run_arg {
	struct sd_session	*s;
	int			 month;
	int			 phase;		/* 1 tiers, 2 statements */
	agent_code		*agents;
	size_t			 nagents, cap, from, to;
	struct sd_comm_run_result r;		/* the batch's */
};

/* Tier bonuses: each of the month's activations (bounty entries) in the
 * order they happened, per agent; one entry per activation whose bracket
 * pays, made once. */
static int
run_tiers(struct sd_txn *t, struct run_arg *a, struct sd_comm *es, size_t n,
    struct sd_err *err)
{
	const struct sd_comm **act;
	uint64_t *done;			/* bounties with a tier entry, sorted */
	struct sd_scheme v;
	size_t na = 0, nd = 0;
	long nth = 0;
	int st = SD_OK;

	act = xcalloc(n ? n : 1, sizeof *act);
	done = xcalloc(n ? n : 1, sizeof *done);
	for (size_t i = 0; i < n; i++) {
		if (es[i].kind == SD_COMM_BOUNTY && es[i].month == a->month)
			act[na++] = &es[i];
		if (es[i].kind == SD_COMM_TIER)
			done[nd++] = es[i].parent;
	}
	qsort(act, na, sizeof *act, by_agent_at);
	qsort(done, nd, sizeof *done, by_u64);
	memset(&v, 0, sizeof v);
	for (size_t i = 0; i < na && st == SD_OK; i++) {
		const struct sd_comm *b = act[i];
		struct sd_comm e;
		int64_t bonus = 0;

		nth = i > 0 && strcmp(act[i - 1]->agent, b->agent) == 0 ?
		    nth + 1 : 1;
		/* The version the activation used (the last one read, mostly). */
		if ((v.version != b->version || strcmp(v.code, b->scheme) != 0) &&
		    (st = scheme_version(t, b->scheme, b->version, &v, err)) !=
		    SD_OK)
			break;
		for (int k = 0; k < v.ntiers; k++)
			if (v.tiers[k].from_nth <= nth)
				bonus = v.tiers[k].bonus_fen;
		if (bonus == 0 || bsearch(&b->id, done, nd, sizeof *done,
		    by_u64) != NULL)
			continue;
		memset(&e, 0, sizeof e);
		sd_strlcpy(e.agent, b->agent, sizeof e.agent);
		e.kind = SD_COMM_TIER;
		e.amount_fen = bonus;
		e.base_fen = nth;
		sd_strlcpy(e.iccid, b->iccid, sizeof e.iccid);
		sd_strlcpy(e.plan, b->plan, sizeof e.plan);
		e.sub = b->sub;
		e.parent = b->id;
		snprintf(e.source, sizeof e.source, "card:%s", b->iccid);
		e.at = b->at;
		e.month = b->month;
		e.matures = b->matures;
		e.protect_days = b->protect_days;
		e.state = e.matures > sd_now() ? SD_COMM_PENDING :
		    SD_COMM_PAYABLE;
		sd_strlcpy(e.scheme, v.code, sizeof e.scheme);
		e.version = v.version;
		st = comm_accrue(t, a->s->user.login, &v, &e, err);
	}
	free(act);
	free(done);
	return st;
}

/* Pending entries past their frozen period become payable. */
static int
run_mature(struct sd_txn *t, struct run_arg *a, struct sd_comm *es, size_t n,
    struct sd_err *err)
{
	int64_t now = sd_now();
	int st;

	for (size_t i = 0; i < n; i++) {
		struct sd_comm *e = &es[i];
		char from[48], to[48], ref[40];

		if (e->state != SD_COMM_PENDING || e->matures > now)
			continue;
		e->state = SD_COMM_PAYABLE;
		if ((st = comm_store(t, e, err)) != SD_OK)
			return st;
		if (e->amount_fen == 0)
			continue;
		comm_account(e->agent, 1, from, sizeof from);
		comm_account(e->agent, 0, to, sizeof to);
		{
			struct sd_posting_line l[2] = { { from, e->amount_fen },
			    { to, -e->amount_fen } };

			snprintf(ref, sizeof ref, "comm:%llu",
			    (unsigned long long)e->id);
			if ((st = sd_ledger_post(t, a->s->user.login,
			    "commission payable", ref, l, 2, NULL, err)) != SD_OK)
				return st;
		}
	}
	return SD_OK;
}

/* Does a draft statement of month take e?  Payable, on no statement, of
 * the month or before; a clawback and its overrides (the negative
 * entries) whatever their month. */
static int
takes(const struct sd_comm *e, int month)
{
	return e->state == SD_COMM_PAYABLE && e->stmt == 0 &&
	    (e->month <= month || e->amount_fen < 0);
}

/* Each agent's entries a statement takes go on its draft statement of
 * the month; its total is its lines'. */
static int
run_statements(struct sd_txn *t, struct run_arg *a, struct sd_comm *es,
    size_t n, struct sd_err *err)
{
	int st;

	qsort(es, n, sizeof *es, by_agent);
	for (size_t i = 0; i < n; ) {
		size_t j = i, add = 0;
		struct sd_stmt sm;
		int64_t total = 0;
		long lines = 0;
		int changed = 0;

		while (j < n && strcmp(es[j].agent, es[i].agent) == 0)
			j++;
		for (size_t k = i; k < j; k++)
			add += takes(&es[k], a->month);
		if ((st = stmt_find(t, es[i].agent, a->month, &sm, err)) !=
		    SD_OK)
			return st;
		if (sm.id == 0 && add > 0) {
			sd_strlcpy(sm.agent, es[i].agent, sizeof sm.agent);
			sm.month = a->month;
			sm.state = SD_STMT_DRAFT;
			sm.created = sd_now();
			if ((st = money_next_id(t, "statement", &sm.id, err)) !=
			    SD_OK)
				return st;
			changed = 1;
		}
		if (sm.id != 0 && sm.state == SD_STMT_DRAFT) {
			for (size_t k = i; k < j; k++) {
				struct sd_comm *e = &es[k];

				if (takes(e, a->month)) {
					e->stmt = sm.id;
					if ((st = comm_store(t, e, err)) != SD_OK)
						return st;
				}
				if (e->stmt == sm.id) {
					total += e->amount_fen;
					lines++;
				}
			}
			if (total != sm.total_fen || lines != sm.lines)
				changed = 1;
			sm.total_fen = total;
			sm.lines = lines;
			if (changed && (st = stmt_store(t, &sm, err)) != SD_OK)
				return st;
		}
		if (sm.id != 0) {
			a->r.agents++;
			a->r.total_fen += sm.total_fen;
		}
		i = j;
	}
	return SD_OK;
}

/*
 * The run goes agent by agent, a batch of agents a transaction, so that a
 * year of a big network (millions of entries) never needs them all in one
 * transaction (the lock table) or in memory.  Everything it does is one
 * agent's own: a tier is counted among the agent's own activations, an
 * entry matures by itself, a statement takes its agent's entries.  Only a
 * tier's overrides go to other agents (the ancestors), so every agent's
 * tiers are made first (phase 1) and the statements after (phase 2): an
 * ancestor's statement then takes the overrides its descendants' tiers
 * made in the same run.  A run cut short leaves whole agents done; the
 * next run does the rest and nothing twice.
 */
#define RUN_AGENTS	64		/* agents a transaction */

/* The agents with entries, in code order: a seek past each one's keys on
 * the agent index (agent, NUL, entry id). */
static int
agents_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct run_arg *a = arg;
	struct sd_cursor *c;
	char next[sizeof(agent_code) + 1];
	int st;

	a->nagents = 0;
	if ((st = sd_cursor_open(t, T_COMM, IX_COMM_AGENT, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_seek(c, SD_SEEK_GE, next, strlen(next) + 1, err)) {
		size_t kl, al;
		const char *k = sd_cursor_key(c, &kl);

		al = strnlen(k, kl);
		if (al == 0 || al >= sizeof(agent_code) || al == kl)
			break;		/* not a key of ours: stop */
		if (a->nagents == a->cap) {
			a->cap = a->cap ? a->cap * 2 : 256;
			a->agents = xrealloc(a->agents, a->cap * sizeof *a->agents);
		}
		memcpy(a->agents[a->nagents], k, al);
		a->agents[a->nagents++][al] = '\0';
		memcpy(next, k, al);	/* past every key of this agent */
		next[al] = '\x01';
		next[al + 1] = '\0';
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

/* One batch of agents: their entries, read whole before any is
 * rewritten, then the phase's work on them. */
static int
batch_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct run_arg *a = arg;
	struct sd_comm *es = NULL, *part;
	size_t n = 0, pn;
	int st = SD_OK;

	memset(&a->r, 0, sizeof a->r);
	for (size_t i = a->from; i < a->to; i++) {
		if ((st = comm_gather(t, IX_COMM_AGENT, a->agents[i],
		    strlen(a->agents[i]) + 1, &part, &pn, err)) != SD_OK)
			goto out;
		es = xrealloc(es, (n + pn + 1) * sizeof *es);
		if (pn > 0)
			memcpy(es + n, part, pn * sizeof *es);
		n += pn;
		free(part);
	}
	if (a->phase == 1) {
		st = run_tiers(t, a, es, n, err);
		goto out;
	}
	if ((st = run_mature(t, a, es, n, err)) != SD_OK ||
	    (st = run_statements(t, a, es, n, err)) != SD_OK)
		goto out;
	for (size_t i = 0; i < n; i++) {
		a->r.tiers += es[i].kind == SD_COMM_TIER &&
		    es[i].month == a->month;
		a->r.payable += es[i].state == SD_COMM_PAYABLE;
	}
out:
	free(es);
	return st;
}

static int
run_audit_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	const struct run_arg *a = arg;
	char obj[32], after[96], tot[32];

	snprintf(obj, sizeof obj, "commission:%04d-%02d", a->month / 100,
	    a->month % 100);
	sd_money_format(a->r.total_fen, tot, sizeof tot);
	snprintf(after, sizeof after, "statements=%ld total=%s tiers=%ld",
	    a->r.agents, tot, a->r.tiers);
	return sd_audit_write(t, a->s->user.login, "commission.run", obj,
	    SD_OUTCOME_OK, "", after, err);
}

int
sd_comm_run(struct sd_session *s, int month, struct sd_comm_run_result *r,
    struct sd_err *err)
{
	struct run_arg a;
	struct sd_comm_run_result sum;
	char m[16];
	int st;

	snprintf(m, sizeof m, "%04d-%02d", month / 100, month % 100);
	if ((st = sd_authorize(s, SD_OP_COMM_RUN, m, err)) != SD_OK ||
	    (st = sd_bill_month_check(m, &month, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	memset(&sum, 0, sizeof sum);
	a.s = s;
	a.month = month;
	for (a.phase = 1; a.phase <= 2; a.phase++) {
		/* Again for phase 2: an ancestor with no entry of its own
		 * may have one now, an override of a tier of phase 1. */
		if ((st = sd_db_run(s->core->db, agents_txn, &a, err)) != SD_OK)
			goto out;
		for (a.from = 0; a.from < a.nagents; a.from = a.to) {
			a.to = a.from + RUN_AGENTS < a.nagents ?
			    a.from + RUN_AGENTS : a.nagents;
			if ((st = sd_db_run(s->core->db, batch_txn, &a,
			    err)) != SD_OK)
				goto out;
			if (a.phase == 2) {
				sum.agents += a.r.agents;
				sum.tiers += a.r.tiers;
				sum.payable += a.r.payable;
				sum.total_fen += a.r.total_fen;
			}
		}
	}
	a.r = sum;
	if ((st = sd_db_run(s->core->db, run_audit_txn, &a, err)) == SD_OK &&
	    r != NULL)
		*r = sum;
out:
	free(a.agents);
	return st;
}

/* ---------------------------------------------------------------- approve, pay */

struct set_arg {
	struct sd_session	*s;
	uint64_t		 id;
	int			 pay;
	const char		*method, *ref;
};

/* The entries on statement id (the index's key: be64 statement, then the
 * entry's id). */
static int
stmt_entries(struct sd_txn *t, uint64_t id, struct sd_comm **out, size_t *n,
    struct sd_err *err)
{
	uint8_t pfx[8];

	key64(pfx, id);
	return comm_gather(t, IX_COMM_STMT, pfx, 8, out, n, err);
}

static int
set_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct set_arg *a = arg;
	struct sd_stmt sm;
	struct sd_comm *es = NULL;
	size_t n = 0;
	char obj[32], before[32], after[160], tot[32];
	int want = a->pay ? SD_STMT_APPROVED : SD_STMT_DRAFT, st;

	/* Compare and set: the state read for update is the one expected. */
	if ((st = stmt_load(t, a->id, &sm, 1, err)) != SD_OK)
		return st;
	if (sm.state != want)
		return sd_err_set(err, SD_EREFUSED, "statement %llu is %s, not "
		    "%s", (unsigned long long)sm.id,
		    sd_stmt_state_name(sm.state), sd_stmt_state_name(want));
	snprintf(before, sizeof before, "state=%s",
	    sd_stmt_state_name(sm.state));
	sd_money_format(sm.total_fen, tot, sizeof tot);
	if (!a->pay) {
		/* Its lines are frozen: settled. */
		if ((st = stmt_entries(t, sm.id, &es, &n, err)) != SD_OK)
			goto out;
		for (size_t i = 0; i < n; i++) {
			es[i].state = SD_COMM_SETTLED;
			if ((st = comm_store(t, &es[i], err)) != SD_OK)
				goto out;
		}
		sm.state = SD_STMT_APPROVED;
		sm.approved_at = sd_now();
		sd_strlcpy(sm.approved_by, a->s->user.login,
		    sizeof sm.approved_by);
		snprintf(after, sizeof after, "state=approved total=%s lines=%ld",
		    tot, sm.lines);
	} else {
		char payable[48], other[48], ref[40];

		comm_account(sm.agent, 0, payable, sizeof payable);
		if (strcmp(a->method, "offset") == 0)
			snprintf(other, sizeof other, "agent:%s:recv", sm.agent);
		else
			snprintf(other, sizeof other, "pay:%s", a->method);
		if (sm.total_fen != 0) {
			struct sd_posting_line l[2] = { { payable, sm.total_fen },
			    { other, -sm.total_fen } };

			snprintf(ref, sizeof ref, "statement:%llu",
			    (unsigned long long)sm.id);
			if ((st = sd_ledger_post(t, a->s->user.login,
			    "commission paid", ref, l, 2, NULL, err)) != SD_OK)
				goto out;
		}
		sm.state = SD_STMT_PAID;
		sm.paid_at = sd_now();
		sd_strlcpy(sm.paid_by, a->s->user.login, sizeof sm.paid_by);
		sd_strlcpy(sm.method, a->method, sizeof sm.method);
		sd_strlcpy(sm.ref, a->ref ? a->ref : "", sizeof sm.ref);
		snprintf(after, sizeof after, "state=paid total=%s method=%s "
		    "ref=%.64s", tot, sm.method, sm.ref);
	}
	if ((st = stmt_store(t, &sm, err)) != SD_OK)
		goto out;
	snprintf(obj, sizeof obj, "statement:%llu", (unsigned long long)sm.id);
	st = sd_audit_write(t, a->s->user.login, a->pay ? "settlement.pay" :
	    "settlement.approve", obj, SD_OUTCOME_OK, before, after, err);
out:
	free(es);
	return st;
}

int
sd_stmt_approve(struct sd_session *s, uint64_t id, struct sd_err *err)
{
	struct set_arg a = { s, id, 0, NULL, NULL };
	char obj[24];
	int st;

	snprintf(obj, sizeof obj, "%llu", (unsigned long long)id);
	if ((st = sd_authorize(s, SD_OP_STMT_APPROVE, obj, err)) != SD_OK)
		return st;
	return sd_db_run(s->core->db, set_txn, &a, err);
}

int
sd_stmt_pay(struct sd_session *s, uint64_t id, const char *method,
    const char *ref, struct sd_err *err)
{
	struct set_arg a = { s, id, 1, method, ref };
	char obj[24];
	int st;

	snprintf(obj, sizeof obj, "%llu", (unsigned long long)id);
	if ((st = sd_authorize(s, SD_OP_STMT_PAY, obj, err)) != SD_OK)
		return st;
	if (method == NULL || (strcmp(method, "bank") != 0 &&
	    strcmp(method, "cash") != 0 && strcmp(method, "offset") != 0))
		return sd_err_set(err, SD_EINVAL, "method: '%s' is not bank, "
		    "cash or offset", method ? method : "");
	if (ref != NULL && (st = sd_check_text("ref", ref, 64, err)) != SD_OK)
		return st;
	return sd_db_run(s->core->db, set_txn, &a, err);
}
