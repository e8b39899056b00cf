/*
 * list.c -- reading agent money: commission entries and statements, an
 * agent user seeing only its own branch (another branch is refused and
 * audited), and money's share of verify.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/money/money_int.h"

struct list_arg {
	struct sd_session		*s;
	const struct sd_comm_filter	*f;
	const char			*agent;
	int				 month, state;
	uint64_t			 id;
	char				 scope[SD_CODE_MAX + 1];
	struct sd_refusal		 no;
	struct rowbuf			 rows;
};

/* The agent asked for must be within the caller's branch. */
static int
list_check(struct sd_txn *t, struct list_arg *a, const char *agent,
    struct sd_err *err)
{
	struct sd_agent ag;
	int st;

	if (agent == NULL || agent[0] == '\0')
		return SD_OK;
	if ((st = agent_load(t, agent, &ag, 0, err)) != SD_OK)
		return st;
	if (!agent_in_subtree(t, a->scope, agent))
		return sd_refuse(&a->no, "agent %s is not in your branch",
		    agent);
	return SD_OK;
}

static int
comm_list_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct list_arg *a = arg;
	const struct sd_comm_filter *f = a->f;
	const char *root = f->agent && f->agent[0] ? f->agent : a->scope;
	struct sd_cursor *c;
	int st;

	rowbuf_reset(&a->rows);
	if ((st = list_check(t, a, f->agent, err)) != SD_OK)
		return st;
	if ((st = sd_cursor_open(t, T_COMM, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t vl;
		const void *v = sd_cursor_val(c, &vl);
		struct sd_comm e;

		if (comm_decode(v, vl, &e) != SD_OK ||
		    (f->month && e.month != f->month) ||
		    (f->state >= 0 && e.state != f->state) ||
		    (f->stmt && e.stmt != f->stmt) ||
		    !agent_in_subtree(t, root, e.agent))
			continue;
		rowbuf_add(&a->rows, &e);
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

int
sd_comm_list(struct sd_session *s, const struct sd_comm_filter *f,
    sd_comm_cb cb, void *arg, struct sd_err *err)
{
	struct list_arg a;
	int st;

	memset(&a, 0, sizeof a);
	if ((st = sd_authorize(s, SD_OP_COMM_SHOW, f->agent ? f->agent : "",
	    err)) != SD_OK || (st = money_scope(s, a.scope, sizeof a.scope,
	    err)) != SD_OK)
		return st;
	a.s = s;
	a.f = f;
	rowbuf_init(&a.rows, sizeof(struct sd_comm), NULL);
	st = sd_op_run(s, SD_OP_COMM_SHOW, f->agent ? f->agent : "",
	    SD_RUN_READ | SD_RUN_AUTHORIZED, comm_list_txn, &a, &a.no, err);
	for (size_t i = 0; st == SD_OK && i < a.rows.n; i++)
		if (cb(rowbuf_at(&a.rows, i), arg) != 0)
			break;
	rowbuf_free(&a.rows);
	return st;
}

static int
stmt_list_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct list_arg *a = arg;
	const char *root = a->agent && a->agent[0] ? a->agent : a->scope;
	struct sd_cursor *c;
	int st;

	rowbuf_reset(&a->rows);
	if ((st = list_check(t, a, a->agent, err)) != SD_OK)
		return st;
	if ((st = sd_cursor_open(t, T_STMT, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t vl;
		const void *v = sd_cursor_val(c, &vl);
		struct sd_stmt sm;

		if (stmt_decode(v, vl, &sm) != SD_OK ||
		    (a->id && sm.id != a->id) ||
		    (a->month && sm.month != a->month) ||
		    (a->state >= 0 && sm.state != a->state))
			continue;
		if (!agent_in_subtree(t, root, sm.agent)) {
			if (a->id) {
				sd_cursor_close(c);
				return sd_refuse(&a->no, "statement %llu is "
				    "not in your branch",
				    (unsigned long long)a->id);
			}
			continue;
		}
		rowbuf_add(&a->rows, &sm);
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	if (a->id && a->rows.n == 0)
		return sd_err_set(err, SD_ENOTFOUND, "statement %llu: not found",
		    (unsigned long long)a->id);
	return SD_OK;
}

static int
stmt_list_run(struct sd_session *s, struct list_arg *a, sd_stmt_cb cb,
    void *arg, struct sd_stmt *one, struct sd_err *err)
{
	char obj[32];
	int st;

	snprintf(obj, sizeof obj, "%s", a->agent ? a->agent : "");
	if (a->id)
		snprintf(obj, sizeof obj, "statement:%llu",
		    (unsigned long long)a->id);
	if ((st = sd_authorize(s, SD_OP_COMM_SHOW, obj, err)) != SD_OK ||
	    (st = money_scope(s, a->scope, sizeof a->scope, err)) != SD_OK)
		return st;
	a->s = s;
	rowbuf_init(&a->rows, sizeof(struct sd_stmt), NULL);
	st = sd_op_run(s, SD_OP_COMM_SHOW, obj, SD_RUN_READ |
	    SD_RUN_AUTHORIZED, stmt_list_txn, a, &a->no, err);
	for (size_t i = 0; st == SD_OK && i < a->rows.n; i++) {
		if (one != NULL)
			*one = *(struct sd_stmt *)rowbuf_at(&a->rows, i);
		else if (cb(rowbuf_at(&a->rows, i), arg) != 0)
			break;
	}
	rowbuf_free(&a->rows);
	return st;
}

int
sd_stmt_list(struct sd_session *s, const char *agent, int month, int state,
    sd_stmt_cb cb, void *arg, struct sd_err *err)
{
	struct list_arg a;

	memset(&a, 0, sizeof a);
	a.agent = agent;
	a.month = month;
	a.state = state;
	return stmt_list_run(s, &a, cb, arg, NULL, err);
}

int
sd_stmt_get(struct sd_session *s, uint64_t id, struct sd_stmt *out,
    struct sd_err *err)
{
	struct list_arg a;

	memset(&a, 0, sizeof a);
	a.id = id;
	a.state = -1;
	if (id == 0)
		return sd_err_set(err, SD_ENOTFOUND, "statement %llu: not found",
		    (unsigned long long)id);
	return stmt_list_run(s, &a, NULL, NULL, out, err);
}

/* ---------------------------------------------------------------- verify */

struct agent_sum {
	char	 agent[SD_CODE_MAX + 1];
	int64_t	 frozen, payable;
};

struct stmt_sum {
	uint64_t id;
	char	 agent[SD_CODE_MAX + 1];
	int	 state;
	int64_t	 total, sum;
	long	 lines, n;
};

int
money_verify(struct sd_txn *t, struct rec_verify *v, struct sd_err *err)
{
	struct agent_sum *ag = NULL;
	struct stmt_sum *sm = NULL;
	size_t nag = 0, nsm = 0;
	long onstmt = 0, orphans = 0, badag = 0, stmtlines = 0;
	long badacct = 0, badstmt = 0;
	struct sd_cursor *c;
	int st;

	/* The statements first. */
	if ((st = sd_cursor_open(t, T_STMT, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t vl;
		const void *val = sd_cursor_val(c, &vl);
		struct sd_stmt s;

		if (stmt_decode(val, vl, &s) != SD_OK)
			continue;
		sm = xrealloc(sm, (nsm + 1) * sizeof *sm);
		memset(&sm[nsm], 0, sizeof *sm);
		sm[nsm].id = s.id;
		sd_strlcpy(sm[nsm].agent, s.agent, sizeof sm[nsm].agent);
		sm[nsm].state = s.state;
		sm[nsm].total = s.total_fen;
		sm[nsm].lines = s.lines;
		stmtlines += s.lines;
		nsm++;
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		goto out;
	sd_err_clear(err);
	if ((st = sd_cursor_open(t, T_COMM, -1, &c, err)) != SD_OK)
		goto out;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t vl, i;
		const void *val = sd_cursor_val(c, &vl);
		struct sd_comm e;
		int unpaid = 1;

		if (comm_decode(val, vl, &e) != SD_OK)
			continue;
		if (e.stmt != 0) {
			onstmt++;
			for (i = 0; i < nsm && sm[i].id != e.stmt; i++)
				;
			if (i == nsm)
				orphans++;
			else {
				sm[i].sum += e.amount_fen;
				sm[i].n++;
				badag += strcmp(sm[i].agent, e.agent) != 0;
				unpaid = sm[i].state != SD_STMT_PAID;
			}
		}
		for (i = 0; i < nag && strcmp(ag[i].agent, e.agent) != 0; i++)
			;
		if (i == nag) {
			ag = xrealloc(ag, (nag + 1) * sizeof *ag);
			memset(&ag[nag], 0, sizeof *ag);
			sd_strlcpy(ag[nag].agent, e.agent, sizeof ag[0].agent);
			nag++;
		}
		if (e.state == SD_COMM_PENDING)
			ag[i].frozen += e.amount_fen;
		else if (e.state == SD_COMM_PAYABLE ||
		    (e.state == SD_COMM_SETTLED && unpaid))
			ag[i].payable += e.amount_fen;
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		goto out;
	sd_err_clear(err);
	st = SD_OK;
	for (size_t i = 0; i < nag; i++) {
		char acct[48];
		int64_t fb, pb;

		comm_account(ag[i].agent, 1, acct, sizeof acct);
		if ((st = sd_ledger_balance(t, acct, &fb, err)) != SD_OK)
			goto out;
		comm_account(ag[i].agent, 0, acct, sizeof acct);
		if ((st = sd_ledger_balance(t, acct, &pb, err)) != SD_OK)
			goto out;
		if (-fb != ag[i].frozen || -pb != ag[i].payable) {
			if (badacct++ == 0)
				rec_verify_report(v, "commission.payable", 0,
				    "agent %s: payable %lld fen in the ledger, "
				    "%lld in its entries (frozen %lld, %lld)",
				    ag[i].agent, (long long)-pb,
				    (long long)ag[i].payable, (long long)-fb,
				    (long long)ag[i].frozen);
		}
	}
	if (badacct == 0)
		rec_verify_report(v, "commission.payable", 1, "%zu agents: "
		    "payable and frozen accounts equal their entries", nag);
	for (size_t i = 0; i < nsm; i++)
		if (sm[i].sum != sm[i].total || sm[i].n != sm[i].lines) {
			if (badstmt++ == 0)
				rec_verify_report(v, "statement.total", 0,
				    "statement %llu: total %lld fen, %ld lines; "
				    "its entries %lld fen, %ld",
				    (unsigned long long)sm[i].id,
				    (long long)sm[i].total, sm[i].lines,
				    (long long)sm[i].sum, sm[i].n);
		}
	if (badstmt == 0)
		rec_verify_report(v, "statement.total", 1, "%zu statements "
		    "total their lines", nsm);
	rec_verify_report(v, "statement.lines", orphans == 0 && badag == 0 &&
	    onstmt == stmtlines, "%ld entries on statements, %ld lines on "
	    "them, %ld on no statement of theirs", onstmt, stmtlines,
	    orphans + badag);
	if ((st = collect_verify(t, v, err)) == SD_OK)
		st = invoice_verify(t, v, err);
out:
	free(ag);
	free(sm);
	return st;
}
