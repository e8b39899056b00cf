/*
 * report.c -- the calls and sales reports over the rollups: the period's
 * rollup rows (and the period before's, with compare), each kept or not
 * by the caller's role scope and the filters, added into its group;
 * then the rows in order and a total row.  A month reads a month of
 * rollup rows (days x operators), never the calls themselves.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/report/report_int.h"

static const char *const by_names[SD_BY__COUNT] = { "operator", "team",
    "day", "week", "month", "plan", "channel", "agent" };

const char *
sd_report_by_name(int by)
{
	return by >= 0 && by < SD_BY__COUNT ? by_names[by] : "?";
}

int
sd_report_by_parse(const char *report, const char *s)
{
	int calls = strcmp(report, "calls") == 0;

	for (int i = 0; i < SD_BY__COUNT; i++) {
		if (strcmp(s, by_names[i]) != 0)
			continue;
		if (calls ? i <= SD_BY_MONTH : i != SD_BY_TEAM)
			return i;
	}
	return -1;
}

int64_t
sd_permille(int64_t part, int64_t whole)
{
	return whole > 0 ? (part * 1000 + whole / 2) / whole : 0;
}

static int
by_time(int by)
{
	return by == SD_BY_DAY || by == SD_BY_WEEK || by == SD_BY_MONTH;
}

/* The bucket of day in a period starting at from (time groupings). */
static int
bucket_of(int by, int from, int day)
{
	int y0, m0, y, m, d;

	switch (by) {
	case SD_BY_DAY:
		return day - from;
	case SD_BY_WEEK:
		return (day - sd_day_weekday(day) -
		    (from - sd_day_weekday(from))) / 7;
	default:
		sd_civil_from_days(from, &y0, &m0, &d);
		sd_civil_from_days(day, &y, &m, &d);
		return (y * 12 + m) - (y0 * 12 + m0);
	}
}

/* The label of the bucket day falls in. */
static void
bucket_label(int by, int day, char *out, size_t size)
{
	int y, m, d;

	if (by == SD_BY_WEEK)
		day -= sd_day_weekday(day);
	if (by != SD_BY_MONTH) {
		sd_day_text(day, out, size);
		return;
	}
	sd_civil_from_days(day, &y, &m, &d);
	snprintf(out, size, "%04d-%02d", y, m);
}

/* ---------------------------------------------------------------- the walk */

struct team_memo {
	char	 login[SD_LOGIN_MAX + 1];
	char	 team[65];
};

struct rep_arg {
	struct sd_session		*s;
	const struct sd_report_query	*q;
	int				 table, by;
	struct sd_period		 p;
	char				 scope[SD_CODE_MAX + 1];
	struct sd_refusal		 no;
	/* filled in the transaction */
	struct sd_report_row		*rows;
	int				 n, cap, nbuckets;
	struct team_memo		*teams;
	int				 nteams;
	/* every row kept, in whatever bucket (a month before may be longer
	 * than the one compared with it) */
	struct rvals			 total, total_prev;
};

static const char *
team_of(struct sd_txn *t, struct rep_arg *a, const char *login)
{
	struct sd_user u;
	struct sd_err e;

	for (int i = 0; i < a->nteams; i++)
		if (strcmp(a->teams[i].login, login) == 0)
			return a->teams[i].team;
	a->teams = xrealloc(a->teams, (size_t)(a->nteams + 1) *
	    sizeof *a->teams);
	sd_strlcpy(a->teams[a->nteams].login, login,
	    sizeof a->teams[0].login);
	a->teams[a->nteams].team[0] = '\0';
	if (user_load(t, login, &u, 0, &e) == SD_OK)
		sd_strlcpy(a->teams[a->nteams].team, u.team,
		    sizeof a->teams[0].team);
	return a->teams[a->nteams++].team;
}

static struct sd_report_row *
row_named(struct rep_arg *a, const char *group)
{
	for (int i = 0; group != NULL && i < a->n; i++)
		if (strcmp(a->rows[i].group, group) == 0)
			return &a->rows[i];
	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 32;
		a->rows = xrealloc(a->rows, (size_t)a->cap * sizeof *a->rows);
	}
	memset(&a->rows[a->n], 0, sizeof a->rows[0]);
	if (group != NULL)
		sd_strlcpy(a->rows[a->n].group, group,
		    sizeof a->rows[0].group);
	return &a->rows[a->n++];
}

/* May the caller see this rollup row, and do the filters keep it?
 * person: the operator (calls) or seller (sales); agent: sales'. */
static int
row_kept(struct sd_txn *t, struct rep_arg *a, const char *person,
    const char *agent)
{
	const struct sd_user *me = &a->s->user;

	switch (me->role) {
	case SD_ROLE_ADMIN:
		break;
	case SD_ROLE_SUPERVISOR:
		if (strcmp(person, me->login) != 0 && (me->team[0] == '\0' ||
		    strcmp(team_of(t, a, person), me->team) != 0))
			return 0;
		break;
	case SD_ROLE_AGENT:
		if (agent == NULL || !agent_in_subtree(t, a->scope, agent))
			return 0;
		break;
	default:
		/* An operator's own rows, whatever team it asks for. */
		if (strcmp(person, me->login) != 0)
			return 0;
	}
	if (a->q->team != NULL && me->role != SD_ROLE_OPERATOR &&
	    strcmp(team_of(t, a, person), a->q->team) != 0)
		return 0;
	if (a->q->agent != NULL && (agent == NULL ||
	    !agent_in_subtree(t, a->q->agent, agent)))
		return 0;
	return 1;
}

static void
row_label(struct sd_txn *t, struct rep_arg *a, const struct rkey *k,
    char *out, size_t size)
{
	const char *person = a->table == T_RCALL ? k->name[0] : k->name[3];

	switch (a->by) {
	case SD_BY_TEAM:
		sd_strlcpy(out, team_of(t, a, person)[0] ?
		    team_of(t, a, person) : "-", size);
		break;
	case SD_BY_PLAN:
		sd_strlcpy(out, k->name[1], size);
		break;
	case SD_BY_CHANNEL:
		sd_strlcpy(out, k->name[2], size);
		break;
	case SD_BY_AGENT:
		sd_strlcpy(out, k->name[0], size);
		break;
	default:		/* operator */
		sd_strlcpy(out, person, size);
	}
}

/* Each rollup row of days [from, to) into the rows (prev: the figures of
 * the period before). */
static int
walk(struct sd_txn *t, struct rep_arg *a, int from, int to, int prev,
    struct sd_err *err)
{
	struct sd_cursor *c;
	uint8_t k0[4];
	int st, nv = RT_VALS(a->table);

	if (from < 0)
		from = 0;
	if (to <= from)
		return SD_OK;
	k0[0] = (uint8_t)((uint32_t)from >> 24);
	k0[1] = (uint8_t)((uint32_t)from >> 16);
	k0[2] = (uint8_t)((uint32_t)from >> 8);
	k0[3] = (uint8_t)from;
	if ((st = sd_cursor_open(t, a->table, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_GE, k0, 4, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t kl, vl;
		const void *key = sd_cursor_key(c, &kl);
		const void *val = sd_cursor_val(c, &vl);
		struct sd_report_row *row;
		struct rkey k;
		struct rvals r, cur;
		char label[72];

		if (rkey_decode(key, kl, RT_NAMES(a->table), &k) != SD_OK ||
		    rvals_decode(val, vl, nv, &r) != SD_OK)
			continue;
		if (k.day >= to)
			break;
		if (!row_kept(t, a, a->table == T_RCALL ? k.name[0] :
		    k.name[3], a->table == T_RSALE ? k.name[0] : NULL))
			continue;
		rvals_add(prev ? &a->total_prev : &a->total, &r, a->table);
		if (by_time(a->by)) {
			int b = bucket_of(a->by, prev ? a->p.prev_from :
			    a->p.from, k.day);

			if (b < 0 || b >= a->nbuckets)
				continue;	/* a longer period before */
			row = &a->rows[b];
		} else {
			row_label(t, a, &k, label, sizeof label);
			row = row_named(a, label);
		}
		memcpy(cur.v, prev ? row->prev : row->v, sizeof cur.v);
		rvals_add(&cur, &r, a->table);
		memcpy(prev ? row->prev : row->v, cur.v, sizeof cur.v);
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

static int
report_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct rep_arg *a = arg;
	int st;

	/* A rerun after a deadlock starts over. */
	a->n = 0;
	memset(&a->total, 0, sizeof a->total);
	memset(&a->total_prev, 0, sizeof a->total_prev);
	if (a->q->agent != NULL) {
		struct sd_agent ag;

		if ((st = agent_load(t, a->q->agent, &ag, 0, err)) ==
		    SD_ENOTFOUND)
			return sd_err_set(err, SD_ENOTFOUND, "agent: no agent "
			    "%s", a->q->agent);
		if (st != SD_OK)
			return st;
	}
	if (by_time(a->by)) {
		/* Every bucket of the period, empty or not, in order. */
		for (int d = a->p.from; d < a->p.to; d++) {
			char label[72];

			if (bucket_of(a->by, a->p.from, d) < a->n)
				continue;
			bucket_label(a->by, d, label, sizeof label);
			row_named(a, NULL);
			sd_strlcpy(a->rows[a->n - 1].group, label,
			    sizeof a->rows[0].group);
		}
		a->nbuckets = a->n;
	}
	if ((st = walk(t, a, a->p.from, a->p.to, 0, err)) != SD_OK)
		return st;
	if (a->q->compare)
		st = walk(t, a, a->p.prev_from, a->p.prev_to, 1, err);
	return st;
}

static int
row_cmp(const void *x, const void *y)
{
	return strcmp(((const struct sd_report_row *)x)->group,
	    ((const struct sd_report_row *)y)->group);
}

static int
report_run(struct sd_session *s, int op, int table,
    const struct sd_report_query *q, struct sd_report_head *head,
    sd_report_cb cb, void *arg, struct sd_err *err)
{
	const char *what = table == T_RCALL ? "calls" : "sales";
	struct rep_arg a;
	struct sd_report_row total;
	int st;

	if ((st = sd_authorize(s, op, what, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	a.q = q;
	a.table = table;
	if ((st = sd_period_parse(q->period, q->from, q->to,
	    sd_day_of(sd_now()), &a.p, err)) != SD_OK)
		return st;
	if (q->by == NULL)
		a.by = table == T_RCALL ? SD_BY_OPERATOR : SD_BY_PLAN;
	else if ((a.by = sd_report_by_parse(what, q->by)) < 0)
		return table == T_RCALL ? sd_err_set(err, SD_EINVAL, "by: "
		    "'%.30s' is not operator, team, day, week or month", q->by) :
		    sd_err_set(err, SD_EINVAL, "by: '%.30s' is not plan, "
		    "channel, agent, operator, day, week or month", q->by);
	if (q->team != NULL && (st = sd_check_text("team", q->team, 64,
	    err)) != SD_OK)
		return st;
	if (q->agent != NULL && (st = check_code("agent", q->agent, err)) !=
	    SD_OK)
		return st;
	if (s->user.role == SD_ROLE_AGENT) {
		if (s->user.agent[0] == '\0')
			return sd_deny(s, op, what, err, "user %s is not bound "
			    "to an agent", s->user.login);
		sd_strlcpy(a.scope, s->user.agent, sizeof a.scope);
	}
	if (head != NULL) {
		head->p = a.p;
		head->by = a.by;
		head->compare = q->compare;
	}
	st = sd_op_run(s, op, what, SD_RUN_READ | SD_RUN_AUTHORIZED, report_txn,
	    &a, &a.no, err);
	if (st == SD_OK) {
		if (!by_time(a.by) && a.n > 1)
			qsort(a.rows, (size_t)a.n, sizeof *a.rows, row_cmp);
		memset(&total, 0, sizeof total);
		sd_strlcpy(total.group, "total", sizeof total.group);
		total.total = 1;
		memcpy(total.v, a.total.v, sizeof total.v);
		memcpy(total.prev, a.total_prev.v, sizeof total.prev);
		for (int i = 0; i < a.n; i++)
			if (cb(&a.rows[i], arg) != 0)
				goto out;
		cb(&total, arg);
	}
out:
	free(a.rows);
	free(a.teams);
	return st;
}

int
sd_report_calls(struct sd_session *s, const struct sd_report_query *q,
    struct sd_report_head *head, sd_report_cb cb, void *arg,
    struct sd_err *err)
{
	return report_run(s, SD_OP_REPORT_CALLS, T_RCALL, q, head, cb, arg,
	    err);
}

int
sd_report_sales(struct sd_session *s, const struct sd_report_query *q,
    struct sd_report_head *head, sd_report_cb cb, void *arg,
    struct sd_err *err)
{
	return report_run(s, SD_OP_REPORT_SALES, T_RSALE, q, head, cb, arg,
	    err);
}
