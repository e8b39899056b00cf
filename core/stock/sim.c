/*
 * sim.c -- SIM cards (号卡): the record, ICCID Luhn check, mainland MSISDNs,
 * number grading (靓号), the one state machine every card moves through,
 * adding, finding and moving a card.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stock/stock_int.h"

/* ---------------------------------------------------------------- codecs */

enum { S_ICCID = 1, S_MSISDN, S_IMSI, S_TYPE, S_PLAN, S_PRICE, S_GRADE,
    S_BATCH, S_WAREHOUSE, S_AGENT, S_STATUS, S_CUSTOMER, S_REASON, S_UPDATED,
    S_CREATED, S_ORDER };

/* The order comes last: a card no order names is stored without it. */
static const struct rec_field sim_f[] = {
	REC_S(S_ICCID, sd_sim, iccid), REC_S(S_MSISDN, sd_sim, msisdn),
	REC_S(S_IMSI, sd_sim, imsi), REC_S(S_TYPE, sd_sim, card_type),
	REC_S(S_PLAN, sd_sim, plan), REC_I(S_PRICE, sd_sim, price_fen),
	REC_S(S_GRADE, sd_sim, grade), REC_S(S_BATCH, sd_sim, batch),
	REC_S(S_WAREHOUSE, sd_sim, warehouse), REC_S(S_AGENT, sd_sim, agent),
	REC_I(S_STATUS, sd_sim, status), REC_I(S_CUSTOMER, sd_sim, customer),
	REC_S(S_REASON, sd_sim, reason), REC_I(S_UPDATED, sd_sim, updated),
	REC_I(S_CREATED, sd_sim, created), REC_I(S_ORDER, sd_sim, order),
};

void
sim_encode(const struct sd_sim *c, struct sd_buf *b)
{
	rec_encode(sim_f, REC_N(sim_f) - (c->order ? 0 : 1), c, b);
}

int
sim_decode(const void *data, size_t n, struct sd_sim *c)
{
	return rec_decode(sim_f, REC_N(sim_f), data, n, c, sizeof *c);
}

/* ---------------------------------------------------------------- cards */

static const char *const sim_status_names[SD_SIM__COUNT] = { "in_stock",
    "reserved", "allocated", "active", "suspended", "terminated", "returned" };

const char *
sd_sim_status_name(int status)
{
	return status >= 0 && status < SD_SIM__COUNT ?
	    sim_status_names[status] : "?";
}

int
sd_sim_status_parse(const char *s)
{
	for (int i = 0; i < SD_SIM__COUNT; i++)
		if (strcmp(s, sim_status_names[i]) == 0)
			return i;
	return -1;
}

/* Luhn check digit of the digits in s. */
static int
luhn_digit(const char *s, size_t n)
{
	int sum = 0;

	/* From the right, every other digit doubled, starting with the last
	 * one given (the check digit will follow it). */
	for (size_t i = 0; i < n; i++) {
		int d = s[n - 1 - i] - '0';

		if (i % 2 == 0) {
			d *= 2;
			if (d > 9)
				d -= 9;
		}
		sum += d;
	}
	return (10 - sum % 10) % 10;
}

int
sd_iccid_check(const char *in, char *out, int *appended, struct sd_err *err)
{
	size_t n = in ? strlen(in) : 0;

	*appended = 0;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)in[i]))
			return sd_err_set(err, SD_EINVAL, "iccid: '%.24s' must be "
			    "digits only", in);
	if (n == 19) {
		memcpy(out, in, 19);
		out[19] = (char)('0' + luhn_digit(in, 19));
		out[20] = '\0';
		*appended = 1;
		return SD_OK;
	}
	if (n != 20)
		return sd_err_set(err, SD_EINVAL, "iccid: '%.24s' must have 19 "
		    "or 20 digits", in);
	if (luhn_digit(in, 19) != in[19] - '0')
		return sd_err_set(err, SD_EINVAL, "iccid: %s fails the Luhn check "
		    "(check digit should be %d)", in, luhn_digit(in, 19));
	memcpy(out, in, SD_ICCID_MAX + 1);
	return SD_OK;
}

int
sd_iccid_file(const char *path, char (**out)[SD_ICCID_MAX + 1], int **lines, int *n,
    struct sd_err *err)
{
	struct sd_table t;
	int st, k = 0;

	*out = NULL;
	*n = 0;
	if (lines != NULL)
		*lines = NULL;
	if ((st = sd_table_read(path, SD_ENC_AUTO, &t, err)) != SD_OK)
		return st;
	*out = xcalloc((size_t)t.nrows + 1, 21);
	if (lines != NULL)
		*lines = xcalloc((size_t)t.nrows + 1, sizeof **lines);
	for (int r = 0; r < t.nrows; r++) {
		const char *v = t.ncells[r] > 0 ? t.cells[r][0] : "";
		char cell[32];
		size_t len;
		int app;
		struct sd_err e;

		/* Scanners add spaces; spreadsheets quote. */
		while (*v == ' ' || *v == '\t' || *v == '\'')
			v++;
		sd_strlcpy(cell, v, sizeof cell);
		len = strlen(cell);
		while (len > 0 && (cell[len - 1] == ' ' || cell[len - 1] == '\t'))
			cell[--len] = '\0';
		if (len == 0)
			continue;
		if (r == 0 && !isdigit((unsigned char)cell[0]))
			continue;		/* a header */
		if (sd_iccid_check(cell, (*out)[k], &app, &e) != SD_OK) {
			st = sd_err_nest(err, SD_EINVAL, &e, "%s:%d: %s", path,
			    t.lines[r], e.msg);
			break;
		}
		if (lines != NULL)
			(*lines)[k] = t.lines[r];
		k++;
	}
	sd_table_free(&t);
	if (st != SD_OK) {
		free(*out);
		*out = NULL;
		if (lines != NULL) {
			free(*lines);
			*lines = NULL;
		}
		return st;
	}
	if (k == 0) {
		free(*out);
		*out = NULL;
		if (lines != NULL) {
			free(*lines);
			*lines = NULL;
		}
		return sd_err_set(err, SD_EINVAL, "%s: no ICCIDs in the file", path);
	}
	*n = k;
	return SD_OK;
}

int
sd_msisdn_check(const char *s, struct sd_err *err)
{
	size_t n = s ? strlen(s) : 0;

	if (n != 11 || s[0] != '1' || s[1] < '3' || s[1] > '9' ||
	    strspn(s, "0123456789") != 11)
		return sd_err_set(err, SD_EINVAL, "msisdn: '%.20s' is not an "
		    "11-digit mobile number 1[3-9]xxxxxxxxx", s ? s : "");
	return SD_OK;
}

/*
 * Number grading: the config's rules, best first; the first that matches
 * gives the grade and its premium.  See sd_grade_rule_match for the rule
 * language.
 */
static int
match_tail(const char *pat, const char *m)
{
	size_t n = strlen(pat);
	char bind[26] = { 0 };
	const char *t;

	if (n == 0 || n > 11)
		return -1;
	t = m + 11 - n;
	for (size_t i = 0; i < n; i++) {
		char p = pat[i];

		if (p >= '0' && p <= '9') {
			if (t[i] != p)
				return 0;
		} else if (p >= 'A' && p <= 'Z') {
			if (bind[p - 'A'] == 0) {
				for (int k = 0; k < 26; k++)
					if (bind[k] == t[i])
						return 0;	/* distinct letters */
				bind[p - 'A'] = t[i];
			} else if (bind[p - 'A'] != t[i])
				return 0;
		} else if (p != '?')
			return -1;
	}
	return 1;
}

/* A rule taken apart: RULE_TAIL pat, RULE_RUN k, RULE_COUNT d k. */
enum { RULE_BAD, RULE_TAIL, RULE_RUN, RULE_COUNT };
struct rule {
	int	kind;
	char	pat[16];
	int	k, d;
};

static void
rule_parse(const char *rule, struct rule *r)
{
	int extra;

	memset(r, 0, sizeof *r);
	if (sscanf(rule, "tail %15s %n", r->pat, &extra) == 1 &&
	    rule[extra] == '\0')
		r->kind = RULE_TAIL;
	else if (sscanf(rule, "run %d %n", &r->k, &extra) == 1 &&
	    rule[extra] == '\0')
		r->kind = RULE_RUN;
	else if (sscanf(rule, "count %d %d %n", &r->d, &r->k, &extra) == 2 &&
	    rule[extra] == '\0')
		r->kind = RULE_COUNT;
}

/*
 * The rules taken apart once: an import grades a million numbers with
 * the same few rules, and sscanf on each was a twentieth of its time.
 */
static _Thread_local struct {
	char		text[64];
	struct rule	r;
} parsed[16];

static void
rule_get(const char *rule, struct rule *r)
{
	size_t n = strlen(rule);
	int i;

	if (n >= sizeof parsed[0].text) {
		rule_parse(rule, r);
		return;
	}
	for (i = 0; i < 16 && parsed[i].text[0] != '\0'; i++)
		if (strcmp(parsed[i].text, rule) == 0) {
			*r = parsed[i].r;
			return;
		}
	rule_parse(rule, r);
	if (i == 16)
		i = (int)(n % 16);	/* full: take a slot */
	memcpy(parsed[i].text, rule, n + 1);
	parsed[i].r = *r;
}

int
sd_grade_rule_match(const char *rule, const char *m)
{
	struct rule r;
	int k, d;

	rule_get(rule, &r);
	k = r.k;
	d = r.d;
	if (r.kind == RULE_TAIL)
		return m == NULL ? (match_tail(r.pat, "00000000000") < 0 ? -1 :
		    1) : match_tail(r.pat, m);
	if (r.kind == RULE_RUN) {
		int up = 1, down = 1;

		if (k < 2 || k > 8)
			return -1;
		if (m == NULL)
			return 1;
		for (int i = 11 - k + 1; i < 11; i++) {
			up &= m[i] == m[i - 1] + 1;
			down &= m[i] == m[i - 1] - 1;
		}
		return up || down;
	}
	if (r.kind == RULE_COUNT) {
		int n = 0;

		if (d < 0 || d > 9 || k < 1 || k > 8)
			return -1;
		if (m == NULL)
			return 1;
		for (int i = 3; i < 11; i++)	/* past the network prefix */
			n += m[i] == '0' + d;
		return n >= k;
	}
	return -1;
}

void
sd_grade_msisdn(const struct sd_config *cfg, const char *m, struct sd_grade *g)
{
	memset(g, 0, sizeof *g);
	if (sd_msisdn_check(m, NULL) != SD_OK)
		return;
	for (int i = 0; i < cfg->ngrades; i++)
		if (sd_grade_rule_match(cfg->grades[i].rule, m) == 1) {
			sd_strlcpy(g->grade, cfg->grades[i].grade, sizeof g->grade);
			sd_strlcpy(g->rule, cfg->grades[i].rule, sizeof g->rule);
			g->premium_fen = cfg->grades[i].premium_fen;
			return;
		}
}

void
sd_sim_fields_init(struct sd_sim_fields *f)
{
	memset(f, 0, sizeof *f);
}

int
sd_sim_transition_ok(int from, int to)
{
	switch (from) {
	/* Terminated from stock: written off (lost, damaged). */
	case SD_SIM_IN_STOCK:	return to == SD_SIM_RESERVED || to == SD_SIM_ALLOCATED ||
				    to == SD_SIM_TERMINATED;
	case SD_SIM_RESERVED:	return to == SD_SIM_ALLOCATED || to == SD_SIM_IN_STOCK;
	case SD_SIM_ALLOCATED:	return to == SD_SIM_ACTIVE || to == SD_SIM_RETURNED ||
				    to == SD_SIM_IN_STOCK;
	case SD_SIM_ACTIVE:	return to == SD_SIM_SUSPENDED || to == SD_SIM_TERMINATED;
	case SD_SIM_SUSPENDED:	return to == SD_SIM_ACTIVE || to == SD_SIM_TERMINATED;
	case SD_SIM_RETURNED:	return to == SD_SIM_IN_STOCK || to == SD_SIM_TERMINATED;
	default:		return 0;
	}
}

int
sim_load(struct sd_txn *t, const char *iccid, struct sd_sim *c, int rmw,
    struct sd_err *err)
{
	struct sd_buf val = SD_BUF_INIT;
	int st = stock_get(t, T_SIM, iccid, &val, rmw, err);

	if (st == SD_ENOTFOUND)
		st = sd_err_set(err, SD_ENOTFOUND, "sim %s: not found", iccid);
	else if (st == SD_OK && sim_decode(val.p, val.len, c) != SD_OK)
		st = sd_err_set(err, SD_EINTERNAL, "sim %s: record corrupt", iccid);
	sd_buf_free(&val);
	return st;
}

int
sim_load_key(struct sd_txn *t, const char *key, struct sd_sim *c, int rmw,
    struct sd_err *err)
{
	struct sd_buf pk = SD_BUF_INIT;
	char iccid[SD_ICCID_MAX + 1];
	int st, app;

	if (strlen(key) == 11) {
		st = sd_get_by(t, T_SIM, IX_SIM_MSISDN, key, 11, &pk, NULL, 0, err);
		if (st == SD_OK)
			st = sim_load(t, sd_buf_cstr(&pk), c, rmw, err);
		else if (st == SD_ENOTFOUND)
			st = sd_err_set(err, SD_ENOTFOUND, "sim with msisdn %s: "
			    "not found", key);
		sd_buf_free(&pk);
		return st;
	}
	/* A 19-digit ICCID as printed without its check digit. */
	if (strlen(key) == 19 && sd_iccid_check(key, iccid, &app, NULL) == SD_OK)
		key = iccid;
	return sim_load(t, key, c, rmw, err);
}

int
sim_store(struct sd_txn *t, const struct sd_sim *c, int create,
    struct sd_err *err)
{
	struct sd_buf val = SD_BUF_INIT;
	int st;

	sim_encode(c, &val);
	st = stock_put(t, T_SIM, c->iccid, &val, create, err);
	sd_buf_free(&val);
	if (st == SD_EEXIST)
		return sd_err_set(err, SD_EEXIST, "sim %s (msisdn %s): ICCID or "
		    "MSISDN already in stock", c->iccid, c->msisdn);
	return st;
}

int
sim_store_many(struct sd_txn *t, const struct sd_sim *c, int n,
    struct sd_err *err)
{
	struct sd_buf olds = SD_BUF_INIT, news = SD_BUF_INIT, val = SD_BUF_INIT;
	struct sd_kv *rows, *old;
	size_t *at;
	int st = SD_OK;

	if (n <= 0)
		return SD_OK;
	rows = xcalloc((size_t)n, sizeof *rows);
	old = xcalloc((size_t)n, sizeof *old);
	at = xcalloc((size_t)n * 2, sizeof *at);
	for (int i = 0; i < n && st == SD_OK; i++) {
		/* The record as stored, for the index entries it had. */
		if ((st = stock_get(t, T_SIM, c[i].iccid, &val, 1, err)) !=
		    SD_OK)
			break;
		at[2 * i] = olds.len;
		sd_buf_add(&olds, val.p, val.len);
		old[i].vlen = val.len;
		sd_buf_reset(&val);
		sim_encode(&c[i], &val);
		at[2 * i + 1] = news.len;
		sd_buf_add(&news, val.p, val.len);
		rows[i].vlen = val.len;
		rows[i].key = old[i].key = c[i].iccid;
		rows[i].klen = old[i].klen = strlen(c[i].iccid);
	}
	for (int i = 0; st == SD_OK && i < n; i++) {
		old[i].val = olds.p + at[2 * i];
		rows[i].val = news.p + at[2 * i + 1];
	}
	if (st == SD_OK)
		st = sd_put_replace(t, T_SIM, rows, old, (size_t)n, err);
	sd_buf_free(&val);
	sd_buf_free(&olds);
	sd_buf_free(&news);
	free(rows);
	free(old);
	free(at);
	return st;
}

int
plan_load_cached(struct sd_txn *t, struct plan_cache *pc, const char *code,
    struct sd_plan *p, struct sd_err *err)
{
	int st;

	if (pc == NULL)
		return plan_load(t, code, p, err);
	for (int i = 0; i < pc->n; i++)
		if (strcmp(pc->v[i].p.code, code) == 0) {
			if (pc->v[i].st == SD_OK)
				*p = pc->v[i].p;
			return pc->v[i].st;
		}
	st = plan_load(t, code, p, err);
	if ((st == SD_OK || st == SD_ENOTFOUND) && pc->n < 16 &&
	    strlen(code) < sizeof pc->v[0].p.code) {
		pc->v[pc->n].st = st;
		if (st == SD_OK)
			pc->v[pc->n].p = *p;
		else
			memset(&pc->v[pc->n].p, 0, sizeof pc->v[0].p);
		sd_strlcpy(pc->v[pc->n].p.code, code, sizeof pc->v[0].p.code);
		pc->n++;
	}
	return st;
}

/* Check a card's fields against the plans in t; fills c.  *appended tells
 * of a computed check digit. */
int
sim_build(struct sd_txn *t, const struct sd_config *cfg,
    const struct sd_sim_fields *f, struct sd_sim *c, int *appended,
    struct sd_err *err)
{
	return sim_build_pc(t, cfg, f, c, appended, NULL, err);
}

int
sim_build_pc(struct sd_txn *t, const struct sd_config *cfg,
    const struct sd_sim_fields *f, struct sd_sim *c, int *appended,
    struct plan_cache *pc, struct sd_err *err)
{
	struct sd_grade g;
	struct sd_plan p;
	int st;

	memset(c, 0, sizeof *c);
	if ((st = sd_iccid_check(f->iccid, c->iccid, appended, err)) != SD_OK ||
	    (st = sd_msisdn_check(f->msisdn, err)) != SD_OK)
		return st;
	sd_strlcpy(c->msisdn, f->msisdn, sizeof c->msisdn);
	if (f->imsi != NULL && f->imsi[0] != '\0') {
		if (strlen(f->imsi) != 15 || strspn(f->imsi, "0123456789") != 15)
			return sd_err_set(err, SD_EINVAL, "imsi: '%.20s' must have "
			    "15 digits", f->imsi);
		sd_strlcpy(c->imsi, f->imsi, sizeof c->imsi);
	}
	if (f->plan == NULL || f->plan[0] == '\0')
		return sd_err_set(err, SD_EINVAL, "plan: required");
	st = plan_load_cached(t, pc, f->plan, &p, err);
	if (st == SD_ENOTFOUND)
		return sd_err_set(err, SD_EINVAL, "plan: no plan %s", f->plan);
	if (st != SD_OK)
		return st;
	if (p.retired)
		return sd_err_set(err, SD_EREFUSED, "plan: %s is retired",
		    f->plan);
	sd_strlcpy(c->plan, f->plan, sizeof c->plan);
	sd_grade_msisdn(cfg, c->msisdn, &g);
	sd_strlcpy(c->grade, g.grade, sizeof c->grade);
	if (f->price != NULL && f->price[0] != '\0') {
		if (sd_money_parse(f->price, &c->price_fen) != SD_OK ||
		    c->price_fen < 0)
			return sd_err_set(err, SD_EINVAL, "price: '%.20s' is not an "
			    "amount in yuan", f->price);
	} else
		c->price_fen = g.premium_fen > 0 ? g.premium_fen : 0;
	if (f->card_type && (st = sd_check_text("card_type", f->card_type,
	    sizeof c->card_type - 1, err)) != SD_OK)
		return st;
	if (f->batch && (st = sd_check_text("batch", f->batch,
	    sizeof c->batch - 1, err)) != SD_OK)
		return st;
	if (f->warehouse && (st = sd_check_text("warehouse", f->warehouse,
	    sizeof c->warehouse - 1, err)) != SD_OK)
		return st;
	sd_strlcpy(c->card_type, f->card_type ? f->card_type : "", sizeof c->card_type);
	sd_strlcpy(c->batch, f->batch ? f->batch : "", sizeof c->batch);
	sd_strlcpy(c->warehouse, f->warehouse ? f->warehouse : "",
	    sizeof c->warehouse);
	c->status = SD_SIM_IN_STOCK;
	c->created = c->updated = sd_now();
	return SD_OK;
}

/* Name the card already holding c's ICCID or MSISDN. */
int
sim_clash(struct sd_txn *t, const struct sd_sim *c, struct sd_err *err)
{
	struct sd_sim other;
	struct sd_buf pk = SD_BUF_INIT;
	int st;

	if (sim_load(t, c->iccid, &other, 0, err) == SD_OK)
		return sd_err_set(err, SD_EEXIST, "iccid: %s is already in stock "
		    "(%s)", c->iccid, sd_sim_status_name(other.status));
	st = sd_get_by(t, T_SIM, IX_SIM_MSISDN, c->msisdn, strlen(c->msisdn),
	    &pk, NULL, 0, err);
	sd_buf_free(&pk);
	if (st == SD_OK)
		return sd_err_set(err, SD_EEXIST, "msisdn: %s is already on "
		    "another card", c->msisdn);
	if (st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

struct sim_arg {
	struct sd_session		*s;
	const struct sd_sim_fields	*f;
	struct sd_sim			 c;
	int				 appended;
};

static int
sim_add_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct sim_arg *a = arg;
	char obj[40];
	int st;

	if ((st = sim_build(t, &a->s->core->cfg, a->f, &a->c, &a->appended,
	    err)) != SD_OK ||
	    (st = sim_clash(t, &a->c, err)) != SD_OK ||
	    (st = sim_store(t, &a->c, 1, err)) != SD_OK)
		return st;
	snprintf(obj, sizeof obj, "sim:%s", a->c.iccid);
	return sd_audit_write(t, a->s->user.login, "sim.add", obj,
	    SD_OUTCOME_OK, "", a->c.msisdn, err);
}

int
sd_sim_add(struct sd_session *s, const struct sd_sim_fields *f,
    char *iccid_out, struct sd_err *err)
{
	struct sim_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_SIM_ADD, "", err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	a.f = f;
	if ((st = sd_db_run(s->core->db, sim_add_txn, &a, err)) != SD_OK)
		return st;
	if (iccid_out != NULL)
		memcpy(iccid_out, a.c.iccid, sizeof a.c.iccid);
	if (a.appended)
		sd_err_set(err, SD_OK, "iccid: check digit %c appended",
		    a.c.iccid[19]);
	return SD_OK;
}

struct find_arg {
	const char		*key;
	struct sd_sim		*out;
	const char		*scope;
	struct sd_refusal	 no;
};

static int
find_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct find_arg *a = arg;
	int st;

	st = sim_load_key(t, a->key, a->out, 0, err);
	if (st == SD_OK && a->scope[0] != '\0' &&
	    !(a->out->agent[0] && in_subtree(t, a->scope, a->out->agent)))
		return sd_refuse(&a->no, "the card is not in your branch");
	return st;
}

int
sd_sim_find(struct sd_session *s, const char *key, struct sd_sim *out,
    struct sd_err *err)
{
	char scope[SD_CODE_MAX + 1];
	struct find_arg a = { key, out, scope, { 0 } };
	int st;

	if ((st = sd_authorize(s, SD_OP_SIM_SHOW, key, err)) != SD_OK ||
	    (st = scope_of(s, scope, sizeof scope, err)) != SD_OK)
		return st;
	return sd_op_run(s, SD_OP_SIM_SHOW, key, SD_RUN_READ |
	    SD_RUN_AUTHORIZED, find_txn, &a, &a.no, err);
}

struct move_arg {
	struct sd_session	*s;
	const char		*iccid;
	int			 to;
	const char		*reason;
};

static int
move_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct move_arg *a = arg;
	struct sd_sim c;
	char obj[40], before[48], after[200];
	int st;

	if ((st = sim_load(t, a->iccid, &c, 1, err)) != SD_OK)
		return st;
	if (!sd_sim_transition_ok(c.status, a->to))
		return sd_err_set(err, SD_EREFUSED, "sim %s is %s: it cannot "
		    "become %s", c.iccid, sd_sim_status_name(c.status),
		    sd_sim_status_name(a->to));
	snprintf(before, sizeof before, "status=%s", sd_sim_status_name(c.status));
	c.status = a->to;
	sd_strlcpy(c.reason, a->reason ? a->reason : "", sizeof c.reason);
	if (a->to == SD_SIM_IN_STOCK) {
		c.agent[0] = '\0';	/* back on the books, nobody's */
		c.customer = 0;
	}
	c.updated = sd_now();
	if ((st = sim_store(t, &c, 0, err)) != SD_OK)
		return st;
	/* A terminated card ends its subscription (history kept). */
	if (a->to == SD_SIM_TERMINATED && c.customer != 0 &&
	    (st = subscription_end(t, c.customer, c.iccid, c.updated, err)) !=
	    SD_OK)
		return st;
	/* Inside the protection window the agent's bounty goes back
	 * (core/money). */
	if ((a->to == SD_SIM_TERMINATED || a->to == SD_SIM_RETURNED) &&
	    core_hooks.card_ended != NULL &&
	    (st = core_hooks.card_ended(t, a->s->user.login, c.iccid,
	    c.updated, err)) != SD_OK)
		return st;
	snprintf(obj, sizeof obj, "sim:%s", c.iccid);
	snprintf(after, sizeof after, "status=%s reason=%.150s",
	    sd_sim_status_name(c.status), c.reason);
	return sd_audit_write(t, a->s->user.login, "sim.move", obj,
	    SD_OUTCOME_OK, before, after, err);
}

int
sd_sim_move(struct sd_session *s, const char *iccid, int to,
    const char *reason, struct sd_err *err)
{
	struct move_arg a = { s, iccid, to, reason };
	int st;

	if ((st = sd_authorize(s, SD_OP_SIM_MOVE, iccid, err)) != SD_OK)
		return st;
	if (to < 0 || to >= SD_SIM__COUNT)
		return sd_err_set(err, SD_EINVAL, "status: unknown");
	if ((to == SD_SIM_SUSPENDED || to == SD_SIM_TERMINATED ||
	    to == SD_SIM_RETURNED) && (reason == NULL || reason[0] == '\0'))
		return sd_err_set(err, SD_EINVAL, "reason: required to make a "
		    "card %s", sd_sim_status_name(to));
	if (reason != NULL && (st = sd_check_text("reason", reason, 128,
	    err)) != SD_OK)
		return st;
	return sd_db_run(s->core->db, move_txn, &a, err);
}
