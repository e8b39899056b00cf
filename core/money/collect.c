/*
 * collect.c -- collections (收款): an agent pays its receivable, the
 * money allocated to its oldest delivered orders first, a receipt with a
 * gapless number in the agent series, posted against agent:CODE:recv so
 * that the credit it frees lets new orders through; and the receivable's
 * aging by the delivered orders' dates.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/money/money_int.h"

#define DAY	86400

/* ---------------------------------------------------------------- records */

struct rcpt_rec {
	struct sd_agent_receipt r;
	char	 allocs[SD_AGRCPT_ALLOC_MAX][48];
	int	 nallocs;
};

enum { R_NUMBER = 1, R_AGENT, R_AMOUNT, R_METHOD, R_REF, R_BY, R_AT, R_ALLOC,
    R_UNALLOC, R_AFTER };

static const struct rec_field rcpt_f[] = {
	REC_S(R_NUMBER, rcpt_rec, r.number), REC_S(R_AGENT, rcpt_rec, r.agent),
	REC_I(R_AMOUNT, rcpt_rec, r.amount_fen),
	REC_S(R_METHOD, rcpt_rec, r.method), REC_S(R_REF, rcpt_rec, r.ref),
	REC_S(R_BY, rcpt_rec, r.by), REC_I(R_AT, rcpt_rec, r.at),
	REC_STRS(R_ALLOC, rcpt_rec, allocs, nallocs),
	REC_I(R_UNALLOC, rcpt_rec, r.unallocated_fen),
	REC_I(R_AFTER, rcpt_rec, r.receivable_after_fen),
};

static int
rcpt_load(struct sd_txn *t, const char *number, struct sd_agent_receipt *out,
    struct sd_err *err)
{
	struct rcpt_rec rr;
	int st = rec_load(t, T_AGRCPT, number, strlen(number), rcpt_f,
	    REC_N(rcpt_f), &rr, sizeof rr, 0, err);

	if (st == SD_ENOTFOUND)
		return sd_err_set(err, SD_ENOTFOUND, "receipt %s: not found",
		    number);
	if (st != SD_OK)
		return st;
	*out = rr.r;
	out->nalloc = 0;
	for (int i = 0; i < rr.nallocs; i++) {
		unsigned long long id;
		long long fen;

		if (sscanf(rr.allocs[i], "%llu %lld", &id, &fen) != 2)
			continue;
		out->orders[out->nalloc] = id;
		out->alloc_fen[out->nalloc++] = fen;
	}
	return SD_OK;
}

static int
rcpt_store(struct sd_txn *t, const struct sd_agent_receipt *r,
    struct sd_err *err)
{
	struct rcpt_rec rr;
	struct sd_buf val = SD_BUF_INIT;
	int st;

	memset(&rr, 0, sizeof rr);
	rr.r = *r;
	for (int i = 0; i < r->nalloc; i++)
		snprintf(rr.allocs[rr.nallocs++], sizeof rr.allocs[0],
		    "%llu %lld", (unsigned long long)r->orders[i],
		    (long long)r->alloc_fen[i]);
	rec_encode(rcpt_f, REC_N(rcpt_f), &rr, &val);
	st = sd_put(t, T_AGRCPT, r->number, strlen(r->number), val.p, val.len,
	    SD_PUT_NOOVERWRITE, err);
	sd_buf_free(&val);
	return st;
}

/* What has been paid of an order (T_ORDPAID: be64 order id -> fen). */
enum { P_FEN = 1 };
struct paid { int64_t fen; };
static const struct rec_field paid_f[] = { REC_I(P_FEN, paid, fen) };

static int
paid_get(struct sd_txn *t, uint64_t order, int64_t *fen, int rmw,
    struct sd_err *err)
{
	struct paid p;
	int st = rec_load64(t, T_ORDPAID, order, paid_f, REC_N(paid_f), &p,
	    sizeof p, rmw, err);

	*fen = 0;
	if (st == SD_ENOTFOUND) {
		sd_err_clear(err);
		return SD_OK;
	}
	if (st == SD_OK)
		*fen = p.fen;
	return st;
}

/* ---------------------------------------------------------------- pay */

struct due {
	char	 agent[SD_CODE_MAX + 1];
	uint64_t id;
	int64_t	 owed;
	int64_t	 delivered;
};

struct dues {
	struct due	*d;
	int		 n;
};

static int
due_one(struct sd_txn *t, const struct sd_order *o, void *arg,
    struct sd_err *err)
{
	struct dues *ds = arg;
	int64_t paid;
	int st;

	if ((st = paid_get(t, o->id, &paid, 0, err)) != SD_OK)
		return st;
	if (o->value_fen - o->returned_fen - paid <= 0)
		return SD_OK;
	ds->d = xrealloc(ds->d, (size_t)(ds->n + 1) * sizeof *ds->d);
	sd_strlcpy(ds->d[ds->n].agent, o->agent, sizeof ds->d[0].agent);
	ds->d[ds->n].id = o->id;
	ds->d[ds->n].owed = o->value_fen - o->returned_fen - paid;
	ds->d[ds->n].delivered = o->delivered ? o->delivered : o->updated;
	ds->n++;
	return SD_OK;
}

struct pay_arg {
	struct sd_session	*s;
	struct sd_agent_receipt	 r;
	const char		*number;
};

static int
pay_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct pay_arg *a = arg;
	struct sd_agent_receipt *r = &a->r;
	struct dues ds = { NULL, 0 };
	struct sd_agent ag;
	char recv[48], pay[32], ref[40], detail[96], m[32];
	uint64_t n;
	int64_t left = r->amount_fen, bal;
	int st;

	r->nalloc = 0;
	if ((st = agent_load(t, r->agent, &ag, 1, err)) != SD_OK)
		return st == SD_ENOTFOUND ? sd_err_set(err, SD_EINVAL,
		    "agent: no agent %s", r->agent) : st;
	if ((st = money_next_id(t, "agreceipt", &n, err)) != SD_OK)
		return st;
	snprintf(r->number, sizeof r->number, "AR%08llu", (unsigned long long)n);
	if ((st = orders_delivered_each(t, r->agent, due_one, &ds, err)) !=
	    SD_OK)
		goto out;
	for (int i = 0; i < ds.n && left > 0 && r->nalloc <
	    SD_AGRCPT_ALLOC_MAX; i++) {
		struct paid p;
		int64_t x = ds.d[i].owed < left ? ds.d[i].owed : left;

		if ((st = paid_get(t, ds.d[i].id, &p.fen, 1, err)) != SD_OK)
			goto out;
		p.fen += x;
		if ((st = rec_store64(t, T_ORDPAID, ds.d[i].id, paid_f,
		    REC_N(paid_f), &p, err)) != SD_OK)
			goto out;
		r->orders[r->nalloc] = ds.d[i].id;
		r->alloc_fen[r->nalloc++] = x;
		left -= x;
	}
	r->unallocated_fen = left;
	snprintf(recv, sizeof recv, "agent:%s:recv", r->agent);
	snprintf(pay, sizeof pay, "pay:%s", r->method);
	snprintf(ref, sizeof ref, "receipt:%s", r->number);
	{
		struct sd_posting_line l[2] = { { pay, r->amount_fen },
		    { recv, -r->amount_fen } };

		if ((st = sd_ledger_post(t, a->s->user.login, "agent payment",
		    ref, l, 2, NULL, err)) != SD_OK)
			goto out;
	}
	if ((st = sd_ledger_balance(t, recv, &bal, err)) != SD_OK)
		goto out;
	r->receivable_after_fen = bal;
	r->at = sd_now();
	sd_strlcpy(r->by, a->s->user.login, sizeof r->by);
	if ((st = rcpt_store(t, r, err)) != SD_OK)
		goto out;
	sd_money_format(r->amount_fen, m, sizeof m);
	snprintf(detail, sizeof detail, "%s %s agent %s", m, r->method,
	    r->agent);
	st = sd_audit_write(t, a->s->user.login, "agent.pay", r->number,
	    SD_OUTCOME_OK, "", detail, err);
out:
	free(ds.d);
	return st;
}

int
sd_agent_pay(struct sd_session *s, const char *agent, const char *amount,
    const char *method, const char *ref, struct sd_agent_receipt *out,
    struct sd_err *err)
{
	struct pay_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_AGENT_PAY, agent, err)) != SD_OK ||
	    (st = check_code("agent", agent, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	sd_strlcpy(a.r.agent, agent, sizeof a.r.agent);
	if ((st = sd_amount_check("amount", amount, SD_PAY_MAX_FEN,
	    &a.r.amount_fen, err)) != SD_OK)
		return st;
	if (method == NULL || (strcmp(method, "bank") != 0 &&
	    strcmp(method, "cash") != 0 && strcmp(method, "transfer") != 0))
		return sd_err_set(err, SD_EINVAL, "method: '%s' is not bank, "
		    "cash or transfer", method ? method : "");
	sd_strlcpy(a.r.method, method, sizeof a.r.method);
	if (ref != NULL) {
		if ((st = sd_check_text("ref", ref, 64, err)) != SD_OK)
			return st;
		sd_strlcpy(a.r.ref, ref, sizeof a.r.ref);
	}
	if ((st = sd_db_run(s->core->db, pay_txn, &a, err)) == SD_OK &&
	    out != NULL)
		*out = a.r;
	return st;
}

static int
get_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct pay_arg *a = arg;

	return rcpt_load(t, a->number, &a->r, err);
}

int
sd_agent_receipt_get(struct sd_session *s, const char *number,
    struct sd_agent_receipt *out, struct sd_err *err)
{
	struct pay_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_AGENT_PAY, number, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.number = number;
	if ((st = sd_db_read(s->core->db, get_txn, &a, err)) == SD_OK)
		*out = a.r;
	return st;
}

void
sd_agent_receipt_text(const struct sd_agent_receipt *r, int cols,
    struct sd_buf *out)
{
	char m[32], at[24];

	sd_money_format(r->amount_fen, m, sizeof m);
	sd_time_format(r->at, at, sizeof at);
	for (int i = 0; i < cols; i++)
		sd_buf_adds(out, "=");
	sd_buf_printf(out, "\n代理商收款收据 %s\n%s\n代理商: %s\n金额:   %s\n"
	    "方式:   %s %s\n", r->number, at, r->agent, m, r->method, r->ref);
	for (int i = 0; i < r->nalloc; i++) {
		sd_money_format(r->alloc_fen[i], m, sizeof m);
		sd_buf_printf(out, "  订单 %llu  %s\n",
		    (unsigned long long)r->orders[i], m);
	}
	sd_money_format(r->receivable_after_fen, m, sizeof m);
	sd_buf_printf(out, "应收余额: %s\n收款人: %s\n", m, r->by);
	for (int i = 0; i < cols; i++)
		sd_buf_adds(out, "=");
	sd_buf_adds(out, "\n");
}

/* ---------------------------------------------------------------- aging */

static int
due_by_agent(const void *x, const void *y)
{
	const struct due *a = x, *b = y;
	int c = strcmp(a->agent, b->agent);

	return c != 0 ? c : a->id < b->id ? -1 : a->id > b->id;
}

struct aging_arg {
	struct sd_session	*s;
	const char		*agent;
	char			 scope[SD_CODE_MAX + 1];
	struct sd_refusal	 no;
	struct rowbuf		 rows;
};

static int
aging_of(struct sd_txn *t, struct aging_arg *a, const char *code,
    struct sd_err *err)
{
	struct dues ds = { NULL, 0 };
	struct sd_aging g;
	char recv[48];
	int64_t now = sd_now();
	int st;

	memset(&g, 0, sizeof g);
	sd_strlcpy(g.agent, code, sizeof g.agent);
	if ((st = orders_delivered_each(t, code, due_one, &ds, err)) != SD_OK)
		goto out;
	for (int i = 0; i < ds.n; i++) {
		int64_t days = (now - ds.d[i].delivered) / DAY;
		int b = days <= 30 ? 0 : days <= 60 ? 1 : days <= 90 ? 2 : 3;

		g.bucket_fen[b] += ds.d[i].owed;
		g.total_fen += ds.d[i].owed;
	}
	snprintf(recv, sizeof recv, "agent:%s:recv", code);
	if ((st = sd_ledger_balance(t, recv, &g.receivable_fen, err)) != SD_OK)
		goto out;
	if (g.total_fen != 0 || g.receivable_fen != 0)
		rowbuf_add(&a->rows, &g);
out:
	free(ds.d);
	return st;
}

static int
aging_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct aging_arg *a = arg;
	const char *root = a->agent && a->agent[0] ? a->agent : a->scope;
	struct dues ds = { NULL, 0 };
	int st;

	rowbuf_reset(&a->rows);
	if (a->agent != NULL && a->agent[0]) {
		struct sd_agent ag;

		if ((st = agent_load(t, a->agent, &ag, 0, err)) != SD_OK)
			return st;
		if (!agent_in_subtree(t, a->scope, a->agent))
			return sd_refuse(&a->no, "agent %s is not in your "
			    "branch", a->agent);
	}
	/* The agents with delivered orders, of the branch asked for. */
	if ((st = orders_delivered_each(t, NULL, due_one, &ds, err)) != SD_OK)
		goto out;
	qsort(ds.d, (size_t)ds.n, sizeof *ds.d, due_by_agent);
	for (int i = 0; i < ds.n && st == SD_OK; i++)
		if ((i == 0 || strcmp(ds.d[i].agent, ds.d[i - 1].agent) != 0) &&
		    agent_in_subtree(t, root, ds.d[i].agent))
			st = aging_of(t, a, ds.d[i].agent, err);
out:
	free(ds.d);
	return st;
}

int
sd_agent_aging(struct sd_session *s, const char *agent, sd_aging_cb cb,
    void *arg, struct sd_err *err)
{
	struct aging_arg a;
	int st;

	memset(&a, 0, sizeof a);
	if ((st = sd_authorize(s, SD_OP_AGENT_SHOW, agent ? agent : "",
	    err)) != SD_OK || (st = money_scope(s, a.scope, sizeof a.scope,
	    err)) != SD_OK)
		return st;
	a.s = s;
	a.agent = agent;
	rowbuf_init(&a.rows, sizeof(struct sd_aging), NULL);
	st = sd_op_run(s, SD_OP_AGENT_SHOW, agent ? agent : "", SD_RUN_READ |
	    SD_RUN_AUTHORIZED, aging_txn, &a, &a.no, err);
	for (size_t i = 0; st == SD_OK && i < a.rows.n; i++)
		if (cb(rowbuf_at(&a.rows, i), arg) != 0)
			break;
	rowbuf_free(&a.rows);
	return st;
}

/* ---------------------------------------------------------------- verify */

/* What the receipts allocated to each order is what T_ORDPAID says was
 * paid of it; no receipt number is missing from the series. */
int
collect_verify(struct sd_txn *t, struct rec_verify *v, struct sd_err *err)
{
	struct sd_cursor *c;
	int64_t alloc = 0, paid = 0;
	long n = 0, maxno = 0;
	int st;

	if ((st = sd_cursor_open(t, T_AGRCPT, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t vl;
		const void *val = sd_cursor_val(c, &vl);
		struct rcpt_rec rr;
		long no;

		if (rec_decode(rcpt_f, REC_N(rcpt_f), val, vl, &rr,
		    sizeof rr) != SD_OK)
			continue;
		n++;
		if (sscanf(rr.r.number, "AR%ld", &no) == 1 && no > maxno)
			maxno = no;
		for (int i = 0; i < rr.nallocs; i++) {
			unsigned long long id;
			long long fen;

			if (sscanf(rr.allocs[i], "%llu %lld", &id, &fen) == 2)
				alloc += fen;
		}
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	if ((st = sd_cursor_open(t, T_ORDPAID, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t vl;
		const void *val = sd_cursor_val(c, &vl);
		struct paid p;

		if (rec_decode(paid_f, REC_N(paid_f), val, vl, &p,
		    sizeof p) == SD_OK)
			paid += p.fen;
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	rec_verify_report(v, "agent.receipts", alloc == paid && n == maxno,
	    "%ld agent receipts, numbered 1 to %ld; %lld fen allocated to "
	    "orders, %lld recorded paid", n, maxno, (long long)alloc,
	    (long long)paid);
	return SD_OK;
}
