/*
 * scheme.c -- commission schemes (佣金方案) and their versions: every
 * change is a new version effective from a date, never an edit; the
 * scheme an agent has (its own, or inherited up its branch, or DEFAULT);
 * and the helpers the rest of core/money/ shares.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/money/money_int.h"

/* ---------------------------------------------------------------- shared */

int
money_next_id(struct sd_txn *t, const char *name, uint64_t *out,
    struct sd_err *err)
{
	struct sd_buf val = SD_BUF_INIT;
	uint8_t v[8];
	uint64_t n = 0;
	int st = rec_meta_get(t, name, &val, 1, err);

	if (st == SD_OK && val.len == 8)
		n = sd_be64_get((const uint8_t *)val.p);
	else if (st != SD_OK && st != SD_ENOTFOUND) {
		sd_buf_free(&val);
		return st;
	}
	sd_buf_free(&val);
	sd_err_clear(err);
	sd_be64_put(v, ++n);
	if ((st = rec_meta_put(t, name, v, 8, err)) != SD_OK)
		return st;
	*out = n;
	return SD_OK;
}

int64_t
money_pct(int64_t x, int bp)
{
	int64_t p = x * bp;

	return p >= 0 ? (p + 5000) / 10000 : -((-p + 5000) / 10000);
}

int
money_month_of(int64_t at)
{
	time_t tt = (time_t)at;
	struct tm tm;

	localtime_r(&tt, &tm);
	return (tm.tm_year + 1900) * 100 + tm.tm_mon + 1;
}

void
comm_account(const char *agent, int frozen, char *out, size_t size)
{
	snprintf(out, size, "agent:%s:%s", agent, frozen ? "comm_frozen" :
	    "comm");
}

int
money_scope(const struct sd_session *s, char *root, size_t size,
    struct sd_err *err)
{
	root[0] = '\0';
	if (s->user.role != SD_ROLE_AGENT)
		return SD_OK;
	if (s->user.agent[0] == '\0')
		return sd_err_set(err, SD_EPERM, "user %s is not bound to an "
		    "agent", s->user.login);
	sd_strlcpy(root, s->user.agent, size);
	return SD_OK;
}

static const char *const kind_names[] = { "bounty", "share", "tier",
    "override", "clawback" };
static const char *const state_names[] = { "pending", "payable", "settled",
    "cancelled" };
static const char *const stmt_names[] = { "draft", "approved", "paid" };

const char *
sd_comm_kind_name(int kind)
{
	return kind >= 0 && kind < SD_COMM__KINDS ? kind_names[kind] : "?";
}

const char *
sd_comm_state_name(int state)
{
	return state >= 0 && state < SD_COMM__STATES ? state_names[state] : "?";
}

int
sd_comm_state_parse(const char *s)
{
	for (int i = 0; i < SD_COMM__STATES; i++)
		if (strcmp(state_names[i], s) == 0)
			return i;
	return -1;
}

const char *
sd_stmt_state_name(int state)
{
	return state >= 0 && state <= SD_STMT_PAID ? stmt_names[state] : "?";
}

int
sd_stmt_state_parse(const char *s)
{
	for (int i = 0; i <= SD_STMT_PAID; i++)
		if (strcmp(stmt_names[i], s) == 0)
			return i;
	return -1;
}

/* ---------------------------------------------------------------- versions */

static void
scheme_key(const char *code, int version, uint8_t *k, size_t *kl)
{
	size_t n = strlen(code) + 1;

	memcpy(k, code, n);
	k[n] = (uint8_t)(version >> 24);
	k[n + 1] = (uint8_t)(version >> 16);
	k[n + 2] = (uint8_t)(version >> 8);
	k[n + 3] = (uint8_t)version;
	*kl = n + 4;
}

/* Each version of code in order to fn (REC_NEXT / REC_STOP / error). */
static int
versions_each(struct sd_txn *t, const char *code,
    int (*fn)(const struct sd_scheme *, void *), void *arg,
    struct sd_err *err)
{
	struct sd_cursor *c;
	size_t n = strlen(code) + 1;
	int st, r = 0;

	if ((st = sd_cursor_open(t, T_SCHEME, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_GE, code, code[0] ? n : 0, err);
	    st == SD_OK; st = sd_cursor_step(c, 1, err)) {
		size_t kl, vl;
		const void *k = sd_cursor_key(c, &kl);
		const void *v = sd_cursor_val(c, &vl);
		struct sd_scheme s;

		if (code[0] && (kl < n || memcmp(k, code, n) != 0))
			break;
		if (scheme_decode(v, vl, &s) != SD_OK)
			continue;
		if ((r = fn(&s, arg)) != 0)
			break;
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return r < 0 ? SD_OK : r;
}

int
scheme_version(struct sd_txn *t, const char *code, int version,
    struct sd_scheme *v, struct sd_err *err)
{
	struct sd_buf val = SD_BUF_INIT;
	uint8_t key[SD_CODE_MAX + 8];
	size_t kl;
	int st;

	scheme_key(code, version, key, &kl);
	st = sd_get(t, T_SCHEME, key, kl, &val, 0, err);
	if (st == SD_ENOTFOUND)
		st = sd_err_set(err, SD_ENOTFOUND, "scheme %s: no version %d",
		    code, version);
	else if (st == SD_OK && scheme_decode(val.p, val.len, v) != SD_OK)
		st = sd_err_set(err, SD_EINTERNAL, "scheme %s: record corrupt",
		    code);
	sd_buf_free(&val);
	return st;
}

struct at_arg {
	int64_t		 at;
	struct sd_scheme *out;
	int		 found;
};

static int
at_one(const struct sd_scheme *s, void *arg)
{
	struct at_arg *a = arg;

	/* The latest version begun by then; a later one of the same day
	 * replaces an earlier one. */
	if (s->from <= a->at && (!a->found || s->from >= a->out->from)) {
		*a->out = *s;
		a->found = 1;
	}
	return 0;
}

int
scheme_at(struct sd_txn *t, const char *code, int64_t at, struct sd_scheme *v,
    struct sd_err *err)
{
	struct at_arg a = { at, v, 0 };
	int st;

	if (code[0] == '\0')
		return SD_ENOTFOUND;
	if ((st = versions_each(t, code, at_one, &a, err)) != SD_OK)
		return st;
	return a.found ? SD_OK : SD_ENOTFOUND;
}

static int
latest_one(const struct sd_scheme *s, void *arg)
{
	struct at_arg *a = arg;

	*a->out = *s;
	a->found = 1;
	return 0;
}

static int
scheme_latest(struct sd_txn *t, const char *code, struct sd_scheme *v,
    struct sd_err *err)
{
	struct at_arg a = { 0, v, 0 };
	int st;

	if ((st = versions_each(t, code, latest_one, &a, err)) != SD_OK)
		return st;
	return a.found ? SD_OK : SD_ENOTFOUND;
}

/* ---------------------------------------------------------------- agents' schemes */

enum { A_SCHEME = 1 };
struct agscheme { char scheme[SD_CODE_MAX + 1]; };
static const struct rec_field agscheme_f[] = {
	REC_S(A_SCHEME, agscheme, scheme),
};

static int
own_scheme(struct sd_txn *t, const char *agent, char *code, size_t size,
    struct sd_err *err)
{
	struct agscheme r;
	int st = rec_load(t, T_AGSCHEME, agent, strlen(agent), agscheme_f,
	    REC_N(agscheme_f), &r, sizeof r, 0, err);

	code[0] = '\0';
	if (st == SD_ENOTFOUND) {
		sd_err_clear(err);
		return SD_OK;
	}
	if (st == SD_OK)
		sd_strlcpy(code, r.scheme, size);
	return st;
}

int
scheme_of_agent(struct sd_txn *t, const char *agent, char *code, size_t size,
    int *inherited, struct sd_err *err)
{
	char cur[SD_CODE_MAX + 1];
	struct sd_scheme v;
	int st;

	*inherited = 0;
	sd_strlcpy(cur, agent, sizeof cur);
	for (int d = 0; cur[0] != '\0' && d < 64; d++) {
		struct sd_agent a;

		if ((st = own_scheme(t, cur, code, size, err)) != SD_OK)
			return st;
		if (code[0] != '\0')
			return SD_OK;
		*inherited = 1;
		if ((st = agent_load(t, cur, &a, 0, err)) != SD_OK)
			return st;
		sd_strlcpy(cur, a.parent, sizeof cur);
	}
	*inherited = 1;
	st = scheme_latest(t, SD_SCHEME_DEFAULT, &v, err);
	if (st == SD_ENOTFOUND) {
		sd_err_clear(err);
		code[0] = '\0';
		return SD_OK;
	}
	if (st == SD_OK)
		sd_strlcpy(code, SD_SCHEME_DEFAULT, size);
	return st;
}

struct agscheme_arg {
	struct sd_session	*s;
	const char		*agent, *scheme;
	char			*out;
	size_t			 size;
	int			 inherited;
	char			 scope[SD_CODE_MAX + 1];
	struct sd_refusal	 no;
};

static int
agset_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct agscheme_arg *a = arg;
	struct sd_agent ag;
	struct sd_scheme v;
	struct agscheme r, old;
	char obj[40];
	int st;

	if ((st = agent_load(t, a->agent, &ag, 1, err)) != SD_OK)
		return st;
	memset(&r, 0, sizeof r);
	if (a->scheme[0] != '\0') {
		if ((st = scheme_latest(t, a->scheme, &v, err)) != SD_OK)
			return st == SD_ENOTFOUND ? sd_err_set(err, SD_EINVAL,
			    "scheme: no scheme %s", a->scheme) : st;
		sd_strlcpy(r.scheme, a->scheme, sizeof r.scheme);
	}
	if ((st = own_scheme(t, a->agent, old.scheme, sizeof old.scheme,
	    err)) != SD_OK)
		return st;
	if (r.scheme[0] == '\0')
		st = sd_del(t, T_AGSCHEME, a->agent, strlen(a->agent), err);
	else
		st = rec_store(t, T_AGSCHEME, a->agent, strlen(a->agent),
		    agscheme_f, REC_N(agscheme_f), &r, err);
	if (st == SD_ENOTFOUND) {
		sd_err_clear(err);
		st = SD_OK;
	}
	if (st != SD_OK)
		return st;
	snprintf(obj, sizeof obj, "agent:%s", a->agent);
	return sd_audit_write(t, a->s->user.login, "agent.scheme", obj,
	    SD_OUTCOME_OK, old.scheme, r.scheme, err);
}

int
sd_agent_scheme_set(struct sd_session *s, const char *agent,
    const char *scheme, struct sd_err *err)
{
	struct agscheme_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_COMM_SCHEME, agent, err)) != SD_OK)
		return st;
	if (strcmp(scheme, "-") == 0)
		scheme = "";
	if (scheme[0] != '\0' && (st = check_code("scheme", scheme, err)) !=
	    SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	a.agent = agent;
	a.scheme = scheme;
	return sd_db_run(s->core->db, agset_txn, &a, err);
}

static int
agget_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct agscheme_arg *a = arg;
	struct sd_agent ag;
	int st;

	if ((st = agent_load(t, a->agent, &ag, 0, err)) != SD_OK)
		return st;
	if (!agent_in_subtree(t, a->scope, a->agent))
		return sd_refuse(&a->no, "not in your branch");
	return scheme_of_agent(t, a->agent, a->out, a->size, &a->inherited,
	    err);
}

int
sd_agent_scheme_get(struct sd_session *s, const char *agent, char *scheme,
    size_t size, int *inherited, struct sd_err *err)
{
	struct agscheme_arg a;
	int st;

	memset(&a, 0, sizeof a);
	if ((st = sd_authorize(s, SD_OP_AGENT_SHOW, agent, err)) != SD_OK ||
	    (st = money_scope(s, a.scope, sizeof a.scope, err)) != SD_OK)
		return st;
	a.s = s;
	a.agent = agent;
	a.out = scheme;
	a.size = size;
	st = sd_op_run(s, SD_OP_AGENT_SHOW, agent, SD_RUN_READ |
	    SD_RUN_AUTHORIZED, agget_txn, &a, &a.no, err);
	*inherited = a.inherited;
	return st;
}

/* ---------------------------------------------------------------- changes */

enum { CH_ADD, CH_BOUNTY, CH_TIER };

struct change_arg {
	struct sd_session	*s;
	int			 mode;
	const char		*code;
	const struct sd_scheme_fields *f;
	int64_t			 from;		/* -1: default */
	struct sd_scheme	 in;		/* the parsed figures */
	struct sd_scheme_plan	 plan;
	struct sd_scheme_tier	 tier;
	int			 share_given;
	int			 version;
};

/* A percentage 0 to 100 with up to two decimals, as basis points. */
static int
pct_parse(const char *field, const char *s, int *bp, struct sd_err *err)
{
	int64_t v;

	if (s == NULL || sd_money_parse(s, &v) != SD_OK)
		return sd_err_set(err, SD_EINVAL, "%s: '%s' is not a "
		    "percentage", field, s ? s : "");
	if (v < 0 || v > 10000)
		return sd_err_set(err, SD_EINVAL, "%s: %s%% is not from 0 to "
		    "100", field, s);
	*bp = (int)v;
	return SD_OK;
}

static int
yuan_parse(const char *field, const char *s, int64_t *fen, struct sd_err *err)
{
	if (s == NULL || sd_money_parse(s, fen) != SD_OK)
		return sd_err_set(err, SD_EINVAL, "%s: '%s' is not an amount "
		    "in yuan", field, s ? s : "");
	if (*fen < 0)
		return sd_err_set(err, SD_EINVAL, "%s: must not be negative",
		    field);
	if (*fen > SD_PAY_MAX_FEN)
		return sd_err_set(err, SD_EINVAL, "%s: too large", field);
	return SD_OK;
}

static int
from_parse(const char *s, int64_t *from, struct sd_err *err)
{
	int64_t to;

	*from = -1;
	if (s == NULL || s[0] == '\0')
		return SD_OK;
	if (strlen(s) != 10 || sd_day_range(s, sd_now(), from, &to, err) !=
	    SD_OK)
		return sd_err_set(err, SD_EINVAL, "from: '%s' is not "
		    "YYYY-MM-DD", s);
	return SD_OK;
}

static void
scheme_describe(const struct sd_scheme *v, char *out, size_t size)
{
	struct sd_buf b = SD_BUF_INIT;

	sd_buf_printf(&b, "v%d from=%lld frozen=%d protect=%d override=",
	    v->version, (long long)v->from, v->frozen_days, v->protect_days);
	for (int i = 0; i < v->noverride; i++)
		sd_buf_printf(&b, "%s%d", i ? "," : "", v->override_bp[i]);
	for (int i = 0; i < v->nplans; i++)
		sd_buf_printf(&b, " %s:%lld/%d/%d", v->plans[i].plan,
		    (long long)v->plans[i].bounty_fen, v->plans[i].share_bp,
		    v->plans[i].share_months);
	for (int i = 0; i < v->ntiers; i++)
		sd_buf_printf(&b, " tier%d:%lld", v->tiers[i].from_nth,
		    (long long)v->tiers[i].bonus_fen);
	sd_strlcpy(out, sd_buf_cstr(&b), size);
	sd_buf_free(&b);
}

static int
change_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct change_arg *a = arg;
	struct sd_scheme v, cur;
	struct sd_buf val = SD_BUF_INIT;
	char obj[40], before[400], after[400];
	uint8_t key[SD_CODE_MAX + 8];
	size_t kl;
	int st, have;

	st = scheme_latest(t, a->code, &cur, err);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	have = st == SD_OK;
	sd_err_clear(err);
	if (!have && a->mode != CH_ADD)
		return sd_err_set(err, SD_ENOTFOUND, "scheme %s: not found",
		    a->code);
	if (!have && (a->f->name == NULL || a->f->name[0] == '\0'))
		return sd_err_set(err, SD_EINVAL, "name: required");
	if (a->mode == CH_BOUNTY) {
		struct sd_plan p;

		if ((st = plan_load(t, a->plan.plan, &p, err)) != SD_OK)
			return st == SD_ENOTFOUND ? sd_err_set(err, SD_EINVAL,
			    "plan: no plan %s", a->plan.plan) : st;
	}
	if (have) {
		v = cur;
		scheme_describe(&cur, before, sizeof before);
	} else {
		memset(&v, 0, sizeof v);
		sd_strlcpy(v.code, a->code, sizeof v.code);
		snprintf(before, sizeof before, "-");
	}
	v.version = have ? cur.version + 1 : 1;
	/* A new version holds from the day given (never before the latest
	 * version's), else from where the latest one did (the first: from
	 * the start): events already accrued keep the figures they copied. */
	v.from = a->from >= 0 ? a->from : have ? cur.from : 0;
	if (have && v.from < cur.from)
		return sd_err_set(err, SD_EINVAL, "from: before version %d's "
		    "start: a change never reaches back past it", cur.version);
	if (a->mode == CH_ADD) {
		const struct sd_scheme_fields *f = a->f;

		if (f->name != NULL && f->name[0] != '\0')
			sd_strlcpy(v.name, f->name, sizeof v.name);
		if (f->frozen_days != NULL)
			v.frozen_days = a->in.frozen_days;
		if (f->protect_days != NULL)
			v.protect_days = a->in.protect_days;
		if (f->overrides != NULL) {
			v.noverride = a->in.noverride;
			memcpy(v.override_bp, a->in.override_bp,
			    sizeof v.override_bp);
		}
	} else if (a->mode == CH_BOUNTY) {
		int i;

		for (i = 0; i < v.nplans; i++)
			if (strcmp(v.plans[i].plan, a->plan.plan) == 0)
				break;
		if (i == SD_SCHEME_PLANS)
			return sd_err_set(err, SD_EREFUSED, "scheme %s: at most "
			    "%d plans", v.code, SD_SCHEME_PLANS);
		/* A new bounty alone keeps the plan's share. */
		if (i < v.nplans && !a->share_given) {
			a->plan.share_bp = v.plans[i].share_bp;
			a->plan.share_months = v.plans[i].share_months;
		}
		v.plans[i] = a->plan;
		if (i == v.nplans)
			v.nplans++;
	} else {
		int i, j;

		for (i = 0; i < v.ntiers; i++)
			if (v.tiers[i].from_nth >= a->tier.from_nth)
				break;
		if (i < v.ntiers && v.tiers[i].from_nth == a->tier.from_nth)
			v.tiers[i] = a->tier;
		else {
			if (v.ntiers == SD_SCHEME_TIERS)
				return sd_err_set(err, SD_EREFUSED, "scheme %s: "
				    "at most %d tiers", v.code, SD_SCHEME_TIERS);
			for (j = v.ntiers; j > i; j--)
				v.tiers[j] = v.tiers[j - 1];
			v.tiers[i] = a->tier;
			v.ntiers++;
		}
	}
	sd_strlcpy(v.by, a->s->user.login, sizeof v.by);
	v.created = sd_now();
	scheme_key(v.code, v.version, key, &kl);
	scheme_encode(&v, &val);
	st = sd_put(t, T_SCHEME, key, kl, val.p, val.len, SD_PUT_NOOVERWRITE,
	    err);
	sd_buf_free(&val);
	if (st != SD_OK)
		return st;
	a->version = v.version;
	snprintf(obj, sizeof obj, "scheme:%s", v.code);
	scheme_describe(&v, after, sizeof after);
	return sd_audit_write(t, a->s->user.login, a->mode == CH_ADD ?
	    "commission.scheme" : a->mode == CH_BOUNTY ? "commission.bounty" :
	    "commission.tier", obj, SD_OUTCOME_OK, before, after, err);
}

static int
change_run(struct sd_session *s, struct change_arg *a, int *version,
    struct sd_err *err)
{
	int st;

	a->s = s;
	if ((st = sd_db_run(s->core->db, change_txn, a, err)) == SD_OK &&
	    version != NULL)
		*version = a->version;
	return st;
}

void
sd_scheme_fields_init(struct sd_scheme_fields *f)
{
	memset(f, 0, sizeof *f);
}

static int
days_parse(const char *field, const char *s, int *out, struct sd_err *err)
{
	long v;
	int st;

	if ((st = sd_int_check(field, s, 0, 3650, &v, err)) != SD_OK)
		return st;
	*out = (int)v;
	return SD_OK;
}

int
sd_scheme_add(struct sd_session *s, const char *code,
    const struct sd_scheme_fields *f, int *version, struct sd_err *err)
{
	struct change_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_COMM_SCHEME, code, err)) != SD_OK ||
	    (st = check_code("scheme", code, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.mode = CH_ADD;
	a.code = code;
	a.f = f;
	if (f->name != NULL && (st = sd_check_text("name", f->name, 96,
	    err)) != SD_OK)
		return st;
	if ((st = from_parse(f->from, &a.from, err)) != SD_OK)
		return st;
	if (f->frozen_days != NULL && (st = days_parse("frozen-days",
	    f->frozen_days, &a.in.frozen_days, err)) != SD_OK)
		return st;
	if (f->protect_days != NULL && (st = days_parse("protect-days",
	    f->protect_days, &a.in.protect_days, err)) != SD_OK)
		return st;
	if (f->overrides != NULL && f->overrides[0] != '\0') {
		char buf[128], *tok, *save = NULL;

		sd_strlcpy(buf, f->overrides, sizeof buf);
		for (tok = strtok_r(buf, ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save)) {
			if (a.in.noverride == SD_SCHEME_LEVELS)
				return sd_err_set(err, SD_EINVAL, "override: at "
				    "most %d levels", SD_SCHEME_LEVELS);
			if ((st = pct_parse("override", tok,
			    &a.in.override_bp[a.in.noverride++], err)) != SD_OK)
				return st;
		}
	}
	return change_run(s, &a, version, err);
}

int
sd_scheme_bounty(struct sd_session *s, const char *code, const char *plan,
    const char *amount, const char *share, const char *months,
    const char *from, int *version, struct sd_err *err)
{
	struct change_arg a;
	long m = 0;
	int st;

	if ((st = sd_authorize(s, SD_OP_COMM_SCHEME, code, err)) != SD_OK ||
	    (st = check_code("scheme", code, err)) != SD_OK ||
	    (st = check_code("plan", plan, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.mode = CH_BOUNTY;
	a.code = code;
	sd_strlcpy(a.plan.plan, plan, sizeof a.plan.plan);
	if ((st = yuan_parse("amount", amount, &a.plan.bounty_fen, err)) !=
	    SD_OK || (st = from_parse(from, &a.from, err)) != SD_OK)
		return st;
	if (share != NULL) {
		if ((st = pct_parse("share", share, &a.plan.share_bp, err)) !=
		    SD_OK)
			return st;
		a.share_given = 1;
		if (months == NULL)
			return sd_err_set(err, SD_EINVAL, "share-months: "
			    "required with a share");
	}
	if (months != NULL && share == NULL)
		return sd_err_set(err, SD_EINVAL, "share: required with "
		    "share-months");
	if (months != NULL) {
		if ((st = sd_int_check("share-months", months, 1, 120, &m,
		    err)) != SD_OK)
			return st;
		a.plan.share_months = (int)m;
	}
	return change_run(s, &a, version, err);
}

int
sd_scheme_tier(struct sd_session *s, const char *code, const char *from_nth,
    const char *amount, const char *from, int *version, struct sd_err *err)
{
	struct change_arg a;
	long n;
	int st;

	if ((st = sd_authorize(s, SD_OP_COMM_SCHEME, code, err)) != SD_OK ||
	    (st = check_code("scheme", code, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.mode = CH_TIER;
	a.code = code;
	if ((st = sd_int_check("from", from_nth, 1, 1000000, &n, err)) !=
	    SD_OK || (st = yuan_parse("amount", amount, &a.tier.bonus_fen,
	    err)) != SD_OK || (st = from_parse(from, &a.from, err)) != SD_OK)
		return st;
	a.tier.from_nth = (int)n;
	return change_run(s, &a, version, err);
}

struct list_arg {
	const char	*code;
	struct rowbuf	 rows;
	struct sd_scheme last;
	int		 have;
};

static int
list_one(const struct sd_scheme *v, void *arg)
{
	struct list_arg *a = arg;

	if (a->code != NULL) {
		rowbuf_add(&a->rows, v);
		return 0;
	}
	/* Only the latest version of each scheme. */
	if (a->have && strcmp(a->last.code, v->code) != 0)
		rowbuf_add(&a->rows, &a->last);
	a->last = *v;
	a->have = 1;
	return 0;
}

static int
list_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct list_arg *a = arg;
	int st;

	rowbuf_reset(&a->rows);
	a->have = 0;
	if ((st = versions_each(t, a->code ? a->code : "", list_one, a,
	    err)) != SD_OK)
		return st;
	if (a->code == NULL && a->have)
		rowbuf_add(&a->rows, &a->last);
	if (a->code != NULL && a->rows.n == 0)
		return sd_err_set(err, SD_ENOTFOUND, "scheme %s: not found",
		    a->code);
	return SD_OK;
}

int
sd_scheme_list(struct sd_session *s, const char *code, sd_scheme_cb cb,
    void *arg, struct sd_err *err)
{
	struct list_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_COMM_SHOW, code ? code : "", err)) !=
	    SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.code = code;
	rowbuf_init(&a.rows, sizeof(struct sd_scheme), NULL);
	st = sd_db_read(s->core->db, list_txn, &a, err);
	for (size_t i = 0; st == SD_OK && i < a.rows.n; i++)
		if (cb(rowbuf_at(&a.rows, i), arg) != 0)
			break;
	rowbuf_free(&a.rows);
	return st;
}

/* ---------------------------------------------------------------- summary */

struct summary_arg {
	char		 root[SD_CODE_MAX + 1];	/* an agent user's branch */
	int64_t		 now;
	struct rowbuf	 rows;		/* struct sd_scheme_summary */
};

static int
summary_version(const struct sd_scheme *v, void *arg)
{
	struct summary_arg *a = arg;
	struct sd_scheme_summary *sm = a->rows.n > 0 ?
	    rowbuf_at(&a->rows, a->rows.n - 1) : NULL;

	if (sm == NULL || strcmp(sm->latest.code, v->code) != 0) {
		struct sd_scheme_summary z;

		memset(&z, 0, sizeof z);
		rowbuf_add(&a->rows, &z);
		sm = rowbuf_at(&a->rows, a->rows.n - 1);
	}
	sm->latest = *v;
	sm->versions++;
	/* As scheme_at: the latest version begun by now. */
	if (v->from <= a->now && (sm->current == 0 ||
	    v->from >= sm->current_from)) {
		sm->current = v->version;
		sm->current_from = v->from;
	}
	return 0;
}

static int
summary_agent(struct sd_txn *t, const struct sd_agent *ag, void *arg,
    struct sd_err *err)
{
	struct summary_arg *a = arg;
	char code[SD_CODE_MAX + 1];
	int inherited, st;

	if (!agent_in_subtree(t, a->root, ag->code))
		return SD_OK;
	if ((st = scheme_of_agent(t, ag->code, code, sizeof code, &inherited,
	    err)) != SD_OK)
		return st;
	for (size_t i = 0; code[0] != '\0' && i < a->rows.n; i++) {
		struct sd_scheme_summary *sm = rowbuf_at(&a->rows, i);

		if (strcmp(sm->latest.code, code) == 0) {
			sm->agents++;
			if (!inherited)
				sm->agents_own++;
			break;
		}
	}
	return SD_OK;
}

static int
summary_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct summary_arg *a = arg;
	int st;

	rowbuf_reset(&a->rows);
	if ((st = versions_each(t, "", summary_version, a, err)) != SD_OK)
		return st;
	return agents_each(t, summary_agent, a, err);
}

int
sd_scheme_summary(struct sd_session *s, sd_scheme_summary_cb cb, void *arg,
    struct sd_err *err)
{
	struct summary_arg a;
	int st;

	memset(&a, 0, sizeof a);
	if ((st = sd_authorize(s, SD_OP_COMM_SHOW, "", err)) != SD_OK ||
	    (st = money_scope(s, a.root, sizeof a.root, err)) != SD_OK)
		return st;
	a.now = sd_now();
	rowbuf_init(&a.rows, sizeof(struct sd_scheme_summary), NULL);
	st = sd_db_read(s->core->db, summary_txn, &a, err);
	for (size_t i = 0; st == SD_OK && i < a.rows.n; i++)
		if (cb(rowbuf_at(&a.rows, i), arg) != 0)
			break;
	rowbuf_free(&a.rows);
	return st;
}
