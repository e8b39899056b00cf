/*
 * stock.c -- the 号卡分销 side: plans (套餐) and value-added services
 * (新业务), the tree of distributor agents (代理商) and who may see which
 * branch, and SIM cards (号卡): ICCID Luhn check, mainland MSISDNs, number
 * grading (靓号), the one state machine every card moves through, lists
 * through the indexes and an all-or-nothing import.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/stock/stock_int.h"

/* ---------------------------------------------------------------- codecs */

enum { P_CODE = 1, P_NAME, P_FEE, P_MIN, P_SMS, P_TARIFF, P_VAS, P_RETIRED,
    P_CREATED };
enum { G_CODE = 1, G_NAME, G_PARENT, G_STATUS, G_CREDIT, G_REGION, G_CREATED,
    G_DISCOUNT };
enum { S_ICCID = 1, S_MSISDN, S_IMSI, S_TYPE, S_PLAN, S_PRICE, S_GRADE,
    S_BATCH, S_WAREHOUSE, S_AGENT, S_STATUS, S_CUSTOMER, S_REASON, S_UPDATED,
    S_CREATED, S_ORDER };

void
plan_encode(const struct sd_plan *p, struct sd_buf *b)
{
	sd_rec_begin(b);
	sd_rec_str(b, P_CODE, p->code);
	sd_rec_str(b, P_NAME, p->name);
	sd_rec_int(b, P_FEE, p->monthly_fen);
	sd_rec_int(b, P_MIN, p->minutes);
	sd_rec_int(b, P_SMS, p->sms);
	sd_rec_str(b, P_TARIFF, p->tariff);
	for (int i = 0; i < p->nvas; i++)
		sd_rec_str(b, P_VAS, p->vas[i]);
	sd_rec_int(b, P_RETIRED, p->retired);
	sd_rec_int(b, P_CREATED, p->created);
}

int
plan_decode(const void *data, size_t n, struct sd_plan *p)
{
	struct sd_rec_reader r;
	int ok;

	memset(p, 0, sizeof *p);
	if (sd_rec_open(&r, data, n) != SD_OK)
		return SD_EINTERNAL;
	while ((ok = sd_rec_next(&r)) == 1)
		switch (r.tag) {
		case P_CODE:	sd_rec_copystr(&r, p->code, sizeof p->code); break;
		case P_NAME:	sd_rec_copystr(&r, p->name, sizeof p->name); break;
		case P_FEE:	p->monthly_fen = r.ival; break;
		case P_MIN:	p->minutes = (int)r.ival; break;
		case P_SMS:	p->sms = (int)r.ival; break;
		case P_TARIFF:	sd_rec_copystr(&r, p->tariff, sizeof p->tariff); break;
		case P_VAS:
			if (p->nvas < 8)
				sd_rec_copystr(&r, p->vas[p->nvas++],
				    sizeof p->vas[0]);
			break;
		case P_RETIRED:	p->retired = r.ival != 0; break;
		case P_CREATED:	p->created = r.ival; break;
		default:	break;
		}
	return ok < 0 ? SD_EINTERNAL : SD_OK;
}

void
agent_encode(const struct sd_agent *a, struct sd_buf *b)
{
	sd_rec_begin(b);
	sd_rec_str(b, G_CODE, a->code);
	sd_rec_str(b, G_NAME, a->name);
	sd_rec_str(b, G_PARENT, a->parent);
	sd_rec_int(b, G_STATUS, a->status);
	sd_rec_int(b, G_CREDIT, a->credit_fen);
	sd_rec_str(b, G_REGION, a->region);
	sd_rec_int(b, G_CREATED, a->created);
	sd_rec_int(b, G_DISCOUNT, a->discount_bp);
}

int
agent_decode(const void *data, size_t n, struct sd_agent *a)
{
	struct sd_rec_reader r;
	int ok;

	memset(a, 0, sizeof *a);
	if (sd_rec_open(&r, data, n) != SD_OK)
		return SD_EINTERNAL;
	while ((ok = sd_rec_next(&r)) == 1)
		switch (r.tag) {
		case G_CODE:	sd_rec_copystr(&r, a->code, sizeof a->code); break;
		case G_NAME:	sd_rec_copystr(&r, a->name, sizeof a->name); break;
		case G_PARENT:	sd_rec_copystr(&r, a->parent, sizeof a->parent); break;
		case G_STATUS:	a->status = (int)r.ival; break;
		case G_CREDIT:	a->credit_fen = r.ival; break;
		case G_REGION:	sd_rec_copystr(&r, a->region, sizeof a->region); break;
		case G_CREATED:	a->created = r.ival; break;
		case G_DISCOUNT: a->discount_bp = (int)r.ival; break;
		default:	break;
		}
	return ok < 0 ? SD_EINTERNAL : SD_OK;
}

void
sim_encode(const struct sd_sim *c, struct sd_buf *b)
{
	sd_rec_begin(b);
	sd_rec_str(b, S_ICCID, c->iccid);
	sd_rec_str(b, S_MSISDN, c->msisdn);
	sd_rec_str(b, S_IMSI, c->imsi);
	sd_rec_str(b, S_TYPE, c->card_type);
	sd_rec_str(b, S_PLAN, c->plan);
	sd_rec_int(b, S_PRICE, c->price_fen);
	sd_rec_str(b, S_GRADE, c->grade);
	sd_rec_str(b, S_BATCH, c->batch);
	sd_rec_str(b, S_WAREHOUSE, c->warehouse);
	sd_rec_str(b, S_AGENT, c->agent);
	sd_rec_int(b, S_STATUS, c->status);
	sd_rec_int(b, S_CUSTOMER, (int64_t)c->customer);
	sd_rec_str(b, S_REASON, c->reason);
	sd_rec_int(b, S_UPDATED, c->updated);
	sd_rec_int(b, S_CREATED, c->created);
	if (c->order)
		sd_rec_int(b, S_ORDER, (int64_t)c->order);
}

int
sim_decode(const void *data, size_t n, struct sd_sim *c)
{
	struct sd_rec_reader r;
	int ok;

	memset(c, 0, sizeof *c);
	if (sd_rec_open(&r, data, n) != SD_OK)
		return SD_EINTERNAL;
	while ((ok = sd_rec_next(&r)) == 1)
		switch (r.tag) {
		case S_ICCID:	sd_rec_copystr(&r, c->iccid, sizeof c->iccid); break;
		case S_MSISDN:	sd_rec_copystr(&r, c->msisdn, sizeof c->msisdn); break;
		case S_IMSI:	sd_rec_copystr(&r, c->imsi, sizeof c->imsi); break;
		case S_TYPE:	sd_rec_copystr(&r, c->card_type, sizeof c->card_type); break;
		case S_PLAN:	sd_rec_copystr(&r, c->plan, sizeof c->plan); break;
		case S_PRICE:	c->price_fen = r.ival; break;
		case S_GRADE:	sd_rec_copystr(&r, c->grade, sizeof c->grade); break;
		case S_BATCH:	sd_rec_copystr(&r, c->batch, sizeof c->batch); break;
		case S_WAREHOUSE: sd_rec_copystr(&r, c->warehouse, sizeof c->warehouse); break;
		case S_AGENT:	sd_rec_copystr(&r, c->agent, sizeof c->agent); break;
		case S_STATUS:	c->status = (int)r.ival; break;
		case S_CUSTOMER: c->customer = (uint64_t)r.ival; break;
		case S_REASON:	sd_rec_copystr(&r, c->reason, sizeof c->reason); break;
		case S_UPDATED:	c->updated = r.ival; break;
		case S_CREATED:	c->created = r.ival; break;
		case S_ORDER:	c->order = (uint64_t)r.ival; break;
		default:	break;
		}
	return ok < 0 ? SD_EINTERNAL : SD_OK;
}

/* ---------------------------------------------------------------- helpers */

/* Codes of plans, services, agents: A-Z a-z 0-9 _ -, 1 to 16. */
int
check_code(const char *field, const char *s, struct sd_err *err)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > 16)
		return sd_err_set(err, SD_EINVAL, "%s: must be 1 to 16 "
		    "characters", field);
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
			return sd_err_set(err, SD_EINVAL, "%s: '%s' may hold "
			    "only letters, digits, '_' and '-'", field, s);
	return SD_OK;
}

/* ---------------------------------------------------------------- field checks */

/*
 * What a plan, a service or an agent takes field by field, without the
 * database: sd_plan_add and its kin apply these, and a form says them as
 * each field is left.
 */

/* A fee or a limit in yuan: 0 or more, to the fen. */
static int
yuan_check(const char *field, const char *s, int64_t *fen, struct sd_err *err)
{
	int64_t v;

	if (s == NULL || sd_money_parse(s, &v) != SD_OK)
		return sd_err_set(err, SD_EINVAL, "%s: '%s' is not an amount in "
		    "yuan like 39 or 39.50", field, s != NULL ? s : "");
	if (v < 0)
		return sd_err_set(err, SD_EINVAL, "%s: must not be negative",
		    field);
	if (fen != NULL)
		*fen = v;
	return SD_OK;
}

/* Included minutes or SMS of a plan. */
static int
qty_check(const char *field, int n, struct sd_err *err)
{
	if (n < 0 || n > SD_PLAN_QTY_MAX)
		return sd_err_set(err, SD_EINVAL, "%s: '%d' is not a whole "
		    "number from 0 to %d", field, n, SD_PLAN_QTY_MAX);
	return SD_OK;
}

/* The services a plan allows: codes, comma-separated, at most 8. */
static int
vas_codes_check(const char *field, const char *s, struct sd_err *err)
{
	char buf[256], *tok, *save = NULL;
	int n = 0, st;

	if (strlen(s) >= sizeof buf)
		return sd_err_set(err, SD_EINVAL, "%s: too long", field);
	sd_strlcpy(buf, s, sizeof buf);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (++n > 8)
			return sd_err_set(err, SD_EINVAL, "%s: at most 8", field);
		if ((st = check_code(field, tok, err)) != SD_OK)
			return st;
	}
	return SD_OK;
}

int
sd_plan_check(const char *field, const char *value, struct sd_err *err)
{
	long n;

	if (strcmp(field, "plan") == 0 || strcmp(field, "tariff") == 0)
		return check_code(field, value, err);
	if (strcmp(field, "name") == 0)
		return sd_check_text(field, value, SD_NAME_MAX, err);
	if (strcmp(field, "monthly-fee") == 0)
		return yuan_check(field, value, NULL, err);
	if (strcmp(field, "minutes") == 0 || strcmp(field, "sms") == 0)
		return sd_int_check(field, value, 0, SD_PLAN_QTY_MAX, &n, err);
	if (strcmp(field, "vas") == 0)
		return vas_codes_check(field, value, err);
	return sd_err_set(err, SD_EINTERNAL, "%s: not a field of a plan", field);
}

int
sd_vas_check(const char *field, const char *value, struct sd_err *err)
{
	if (strcmp(field, "vas") == 0)
		return check_code(field, value, err);
	if (strcmp(field, "name") == 0)
		return sd_check_text(field, value, SD_NAME_MAX, err);
	if (strcmp(field, "monthly-fee") == 0)
		return yuan_check(field, value, NULL, err);
	return sd_err_set(err, SD_EINTERNAL, "%s: not a field of a service",
	    field);
}

int
sd_agent_check(const char *field, const char *value, struct sd_err *err)
{
	int64_t bp;

	if (strcmp(field, "agent") == 0 || strcmp(field, "parent") == 0)
		return check_code(field, value, err);
	if (strcmp(field, "name") == 0)
		return sd_check_text(field, value, SD_NAME_MAX, err);
	if (strcmp(field, "region") == 0)
		return sd_check_text(field, value, SD_REGION_MAX, err);
	if (strcmp(field, "credit-limit") == 0)
		return yuan_check(field, value, NULL, err);
	if (strcmp(field, "discount") == 0) {
		/* Percent with up to two decimals: the money parser's
		 * hundredths are basis points. */
		if (sd_money_parse(value, &bp) != SD_OK || bp < 0 || bp > 10000)
			return sd_err_set(err, SD_EINVAL, "%s: '%s' is not a "
			    "percentage 0 to 100", field, value);
		return SD_OK;
	}
	return sd_err_set(err, SD_EINTERNAL, "%s: not a field of an agent",
	    field);
}

int
stock_get(struct sd_txn *t, int table, const char *key,
    struct sd_buf *val, int rmw, struct sd_err *err)
{
	return sd_get(t, table, key, strlen(key), val, rmw ? SD_GET_RMW : 0, err);
}

int
stock_put(struct sd_txn *t, int table, const char *key,
    const struct sd_buf *val, int create, struct sd_err *err)
{
	return sd_put(t, table, key, strlen(key), val->p, val->len,
	    create ? SD_PUT_NOOVERWRITE : 0, err);
}

/* ---------------------------------------------------------------- plans */

static const struct rec_field vas_f[] = {
	REC_S(1, sd_vas, code), REC_S(2, sd_vas, name),
	REC_I(3, sd_vas, monthly_fen),
};

void
vas_encode(const struct sd_vas *v, struct sd_buf *b)
{
	rec_encode(vas_f, REC_N(vas_f), v, b);
}

int
vas_decode(const void *p, size_t n, struct sd_vas *out)
{
	return rec_decode(vas_f, REC_N(vas_f), p, n, out, sizeof *out);
}

int
plan_load(struct sd_txn *t, const char *code, struct sd_plan *p,
    struct sd_err *err)
{
	struct sd_buf v = SD_BUF_INIT;
	int st = stock_get(t, T_PLAN, code, &v, 0, err);

	if (st == SD_OK && plan_decode(v.p, v.len, p) != SD_OK)
		st = sd_err_set(err, SD_EINTERNAL, "plan %s: a damaged record",
		    code);
	sd_buf_free(&v);
	return st;
}

int
vas_load(struct sd_txn *t, const char *code, struct sd_vas *out,
    struct sd_err *err)
{
	return rec_load(t, T_VAS, code, strlen(code), vas_f, REC_N(vas_f), out,
	    sizeof *out, 0, err);
}

int
agent_exists(struct sd_txn *t, const char *code, struct sd_err *err)
{
	struct sd_buf v = SD_BUF_INIT;
	int st = stock_get(t, T_AGENT, code, &v, 0, err);

	sd_buf_free(&v);
	return st;
}

void
sd_plan_fields_init(struct sd_plan_fields *f)
{
	memset(f, 0, sizeof *f);
	f->minutes = -1;
	f->sms = -1;
}

static int
plan_apply(struct sd_txn *t, const struct sd_plan_fields *f, struct sd_plan *p,
    struct sd_err *err)
{
	int st;

	if (f->name != NULL) {
		if (f->name[0] == '\0')
			return sd_err_set(err, SD_EINVAL, "name: must not be empty");
		if ((st = sd_plan_check("name", f->name, err)) != SD_OK)
			return st;
		sd_strlcpy(p->name, f->name, sizeof p->name);
	}
	if (f->monthly_fee != NULL && (st = yuan_check("monthly-fee",
	    f->monthly_fee, &p->monthly_fen, err)) != SD_OK)
		return st;
	if (f->minutes != -1) {
		if ((st = qty_check("minutes", f->minutes, err)) != SD_OK)
			return st;
		p->minutes = f->minutes;
	}
	if (f->sms != -1) {
		if ((st = qty_check("sms", f->sms, err)) != SD_OK)
			return st;
		p->sms = f->sms;
	}
	if (f->tariff != NULL) {
		if (f->tariff[0] && (st = sd_plan_check("tariff", f->tariff,
		    err)) != SD_OK)
			return st;
		/* A mistyped tariff would leave calls beyond the bundle
		 * unrated: it must be there, as the services must. */
		if (f->tariff[0]) {
			st = core_hooks.tariff_exists(t, f->tariff, err);
			if (st == SD_ENOTFOUND)
				return sd_err_set(err, SD_EINVAL, "tariff: no "
				    "tariff %s", f->tariff);
			if (st != SD_OK)
				return st;
		}
		sd_strlcpy(p->tariff, f->tariff, sizeof p->tariff);
	}
	if (f->vas != NULL) {
		char buf[256], *tok, *save = NULL;

		if ((st = sd_plan_check("vas", f->vas, err)) != SD_OK)
			return st;
		sd_strlcpy(buf, f->vas, sizeof buf);
		p->nvas = 0;
		for (tok = strtok_r(buf, ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save)) {
			struct sd_buf v = SD_BUF_INIT;

			st = stock_get(t, T_VAS, tok, &v, 0, err);
			sd_buf_free(&v);
			if (st == SD_ENOTFOUND)
				return sd_err_set(err, SD_EINVAL, "vas: no "
				    "value-added service %s", tok);
			if (st != SD_OK)
				return st;
			sd_strlcpy(p->vas[p->nvas++], tok, sizeof p->vas[0]);
		}
	}
	return SD_OK;
}

struct plan_arg {
	struct sd_session		*s;
	const char			*code;
	const struct sd_plan_fields	*f;
	int				 create, retire;
	struct sd_plan			*out;
};

static int
plan_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct plan_arg *a = arg;
	struct sd_buf val = SD_BUF_INIT;
	struct sd_plan p;
	char obj[32], desc[256];
	int st;

	memset(&p, 0, sizeof p);
	st = stock_get(t, T_PLAN, a->code, &val, !a->create, err);
	if (a->create) {
		if (st == SD_OK) {
			sd_buf_free(&val);
			return sd_err_set(err, SD_EEXIST, "plan: %s already exists",
			    a->code);
		}
		if (st != SD_ENOTFOUND)
			goto out;
		sd_err_clear(err);
		sd_strlcpy(p.code, a->code, sizeof p.code);
		p.created = sd_now();
	} else {
		if (st == SD_ENOTFOUND)
			st = sd_err_set(err, SD_ENOTFOUND, "plan %s: not found",
			    a->code);
		if (st != SD_OK || (st = plan_decode(val.p, val.len, &p)) != SD_OK)
			goto out;
	}
	if (a->f != NULL && (st = plan_apply(t, a->f, &p, err)) != SD_OK)
		goto out;
	if (a->create && (p.name[0] == '\0'))
		st = sd_err_set(err, SD_EINVAL, "name: required");
	if (st != SD_OK)
		goto out;
	if (a->retire) {
		if (p.retired) {
			st = sd_err_set(err, SD_EREFUSED, "plan %s: already "
			    "retired", p.code);
			goto out;
		}
		p.retired = 1;
	}
	plan_encode(&p, &val);
	if ((st = stock_put(t, T_PLAN, p.code, &val, a->create, err)) != SD_OK)
		goto out;
	snprintf(obj, sizeof obj, "plan:%s", p.code);
	{
		char fee[32];

		sd_money_format(p.monthly_fen, fee, sizeof fee);
		snprintf(desc, sizeof desc, "name=%s fee=%s minutes=%d sms=%d "
		    "retired=%d", p.name, fee, p.minutes, p.sms, p.retired);
	}
	st = sd_audit_write(t, a->s->user.login, a->create ? "plan.add" :
	    a->retire ? "plan.retire" : "plan.update", obj, SD_OUTCOME_OK, "",
	    desc, err);
out:
	sd_buf_free(&val);
	return st;
}

int
sd_plan_add(struct sd_session *s, const char *code,
    const struct sd_plan_fields *f, struct sd_err *err)
{
	struct plan_arg a = { s, code, f, 1, 0, NULL };
	int st;

	if ((st = sd_authorize(s, SD_OP_PLAN_EDIT, code, err)) != SD_OK ||
	    (st = check_code("plan", code, err)) != SD_OK)
		return st;
	return sd_db_run(s->core->db, plan_txn, &a, err);
}

int
sd_plan_update(struct sd_session *s, const char *code,
    const struct sd_plan_fields *f, struct sd_err *err)
{
	struct plan_arg a = { s, code, f, 0, 0, NULL };
	int st;

	if ((st = sd_authorize(s, SD_OP_PLAN_EDIT, code, err)) != SD_OK)
		return st;
	return sd_db_run(s->core->db, plan_txn, &a, err);
}

int
sd_plan_retire(struct sd_session *s, const char *code, struct sd_err *err)
{
	struct plan_arg a = { s, code, NULL, 0, 1, NULL };
	int st;

	if ((st = sd_authorize(s, SD_OP_PLAN_EDIT, code, err)) != SD_OK)
		return st;
	return sd_db_run(s->core->db, plan_txn, &a, err);
}

struct get_arg {
	int		 table;
	const char	*key;
	void		*out;
	int		 (*decode)(const void *, size_t, void *);
	const char	*what;
};

static int
get_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct get_arg *a = arg;
	struct sd_buf val = SD_BUF_INIT;
	int st = stock_get(t, a->table, a->key, &val, 0, err);

	if (st == SD_ENOTFOUND)
		st = sd_err_set(err, SD_ENOTFOUND, "%s %s: not found", a->what,
		    a->key);
	else if (st == SD_OK && a->decode(val.p, val.len, a->out) != SD_OK)
		st = sd_err_set(err, SD_EINTERNAL, "%s %s: record corrupt",
		    a->what, a->key);
	sd_buf_free(&val);
	return st;
}

static int
plan_decode_v(const void *p, size_t n, void *out)
{
	return plan_decode(p, n, out);
}

int
sd_plan_get(struct sd_session *s, const char *code, struct sd_plan *out,
    struct sd_err *err)
{
	struct get_arg a = { T_PLAN, code, out, plan_decode_v, "plan" };
	int st;

	if ((st = sd_authorize(s, SD_OP_PLAN_SHOW, code, err)) != SD_OK)
		return st;
	return sd_db_read(s->core->db, get_txn, &a, err);
}

struct scan_arg {
	int	 table;
	int	 (*each)(const void *rec, size_t len, void *arg);
	void	*arg;
};

static int
scan_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct scan_arg *a = arg;
	struct sd_cursor *c;
	int st;

	if ((st = sd_cursor_open(t, a->table, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t vl;
		const void *v = sd_cursor_val(c, &vl);

		if (a->each(v, vl, a->arg) != 0)
			break;
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

struct cb_pair {
	void	*cb;
	void	*arg;
};

static int
plan_each(const void *rec, size_t len, void *arg)
{
	struct cb_pair *p = arg;
	struct sd_plan pl;

	if (plan_decode(rec, len, &pl) != SD_OK)
		return 0;
	return ((sd_plan_cb)p->cb)(&pl, p->arg);
}

int
sd_plan_list(struct sd_session *s, sd_plan_cb cb, void *arg, struct sd_err *err)
{
	struct cb_pair p = { (void *)cb, arg };
	struct scan_arg a = { T_PLAN, plan_each, &p };
	int st;

	if ((st = sd_authorize(s, SD_OP_PLAN_SHOW, "", err)) != SD_OK)
		return st;
	return sd_db_read(s->core->db, scan_txn, &a, err);
}

struct vas_arg {
	struct sd_session	*s;
	struct sd_vas		 v;
};

static int
vas_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct vas_arg *a = arg;
	struct sd_buf val = SD_BUF_INIT;
	char obj[32];
	int st;

	sd_rec_begin(&val);
	sd_rec_str(&val, 1, a->v.code);
	sd_rec_str(&val, 2, a->v.name);
	sd_rec_int(&val, 3, a->v.monthly_fen);
	st = stock_put(t, T_VAS, a->v.code, &val, 1, err);
	sd_buf_free(&val);
	if (st == SD_EEXIST)
		return sd_err_set(err, SD_EEXIST, "vas: %s already exists",
		    a->v.code);
	if (st != SD_OK)
		return st;
	snprintf(obj, sizeof obj, "vas:%s", a->v.code);
	return sd_audit_write(t, a->s->user.login, "vas.add", obj,
	    SD_OUTCOME_OK, "", a->v.name, err);
}

int
sd_vas_add(struct sd_session *s, const char *code, const char *name,
    const char *monthly_fee, struct sd_err *err)
{
	struct vas_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_PLAN_EDIT, code, err)) != SD_OK ||
	    (st = check_code("vas", code, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	sd_strlcpy(a.v.code, code, sizeof a.v.code);
	if (name == NULL || name[0] == '\0')
		return sd_err_set(err, SD_EINVAL, "name: required");
	if ((st = sd_vas_check("name", name, err)) != SD_OK)
		return st;
	sd_strlcpy(a.v.name, name, sizeof a.v.name);
	if ((st = yuan_check("monthly-fee", monthly_fee, &a.v.monthly_fen,
	    err)) != SD_OK)
		return st;
	return sd_db_run(s->core->db, vas_txn, &a, err);
}

static int
vas_each(const void *rec, size_t len, void *arg)
{
	struct cb_pair *p = arg;
	struct sd_rec_reader r;
	struct sd_vas v;

	memset(&v, 0, sizeof v);
	if (sd_rec_open(&r, rec, len) != SD_OK)
		return 0;
	while (sd_rec_next(&r) == 1)
		switch (r.tag) {
		case 1: sd_rec_copystr(&r, v.code, sizeof v.code); break;
		case 2: sd_rec_copystr(&r, v.name, sizeof v.name); break;
		case 3: v.monthly_fen = r.ival; break;
		default: break;
		}
	return ((sd_vas_cb)p->cb)(&v, p->arg);
}

int
sd_vas_list(struct sd_session *s, sd_vas_cb cb, void *arg, struct sd_err *err)
{
	struct cb_pair p = { (void *)cb, arg };
	struct scan_arg a = { T_VAS, vas_each, &p };
	int st;

	if ((st = sd_authorize(s, SD_OP_PLAN_SHOW, "", err)) != SD_OK)
		return st;
	return sd_db_read(s->core->db, scan_txn, &a, err);
}

/* ---------------------------------------------------------------- agents */

static const char *const agent_status_names[] = { "applied", "approved",
    "suspended" };

const char *
sd_agent_status_name(int status)
{
	return status >= 0 && status <= SD_AGENT_SUSPENDED ?
	    agent_status_names[status] : "?";
}

int
agent_load(struct sd_txn *t, const char *code, struct sd_agent *a, int rmw,
    struct sd_err *err)
{
	struct sd_buf val = SD_BUF_INIT;
	int st = stock_get(t, T_AGENT, code, &val, rmw, err);

	if (st == SD_ENOTFOUND)
		st = sd_err_set(err, SD_ENOTFOUND, "agent %s: not found", code);
	else if (st == SD_OK && agent_decode(val.p, val.len, a) != SD_OK)
		st = sd_err_set(err, SD_EINTERNAL, "agent %s: record corrupt",
		    code);
	sd_buf_free(&val);
	return st;
}

/* Is code root or below it?  Walks up the parents (bounded). */
static int
in_subtree(struct sd_txn *t, const char *root, const char *code)
{
	char cur[17];
	struct sd_agent a;
	struct sd_err e;

	if (root[0] == '\0')
		return 1;
	sd_strlcpy(cur, code, sizeof cur);
	for (int depth = 0; cur[0] != '\0' && depth < 64; depth++) {
		if (strcmp(cur, root) == 0)
			return 1;
		if (agent_load(t, cur, &a, 0, &e) != SD_OK)
			return 0;
		sd_strlcpy(cur, a.parent, sizeof cur);
	}
	return 0;
}

/* The subtree a session may see: all, or an agent user's own branch. */
static int
scope_of(const struct sd_session *s, char *root, size_t size,
    struct sd_err *err)
{
	if (s->user.role != SD_ROLE_AGENT) {
		sd_strlcpy(root, "", size);
		return SD_OK;
	}
	if (s->user.agent[0] == '\0')
		return sd_err_set(err, SD_EPERM, "user %s is not bound to an "
		    "agent", s->user.login);
	sd_strlcpy(root, s->user.agent, size);
	return SD_OK;
}

enum { AG_CREATE, AG_STATUS, AG_UPDATE };

struct agent_arg {
	struct sd_session		*s;
	struct sd_agent			 a;
	int				 mode;
	int				 status;
	const struct sd_agent_fields	*f;
};

static void
agent_describe(const struct sd_agent *a, char *out, size_t size)
{
	char credit[32];

	sd_money_format(a->credit_fen, credit, sizeof credit);
	snprintf(out, size, "name=%s parent=%s status=%s credit=%s "
	    "discount_bp=%d region=%s", a->name, a->parent,
	    sd_agent_status_name(a->status), credit, a->discount_bp, a->region);
}

/* Check the given fields and apply them to a. */
static int
agent_apply(const struct sd_agent_fields *f, struct sd_agent *a,
    struct sd_err *err)
{
	int64_t bp;
	int st;

	if (f->name != NULL) {
		if (f->name[0] == '\0')
			return sd_err_set(err, SD_EINVAL, "name: must not be "
			    "empty");
		if ((st = sd_agent_check("name", f->name, err)) != SD_OK)
			return st;
		sd_strlcpy(a->name, f->name, sizeof a->name);
	}
	if (f->credit_limit != NULL && (st = yuan_check("credit-limit",
	    f->credit_limit, &a->credit_fen, err)) != SD_OK)
		return st;
	if (f->discount != NULL) {
		if ((st = sd_agent_check("discount", f->discount, err)) != SD_OK)
			return st;
		(void)sd_money_parse(f->discount, &bp);
		a->discount_bp = (int)bp;
	}
	if (f->region != NULL) {
		if ((st = sd_agent_check("region", f->region, err)) != SD_OK)
			return st;
		sd_strlcpy(a->region, f->region, sizeof a->region);
	}
	return SD_OK;
}

static int
agent_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct agent_arg *a = arg;
	struct sd_buf val = SD_BUF_INIT;
	struct sd_agent cur;
	char obj[32], before[320], after[320];
	int st;

	if (a->mode == AG_CREATE) {
		if (agent_load(t, a->a.code, &cur, 0, err) == SD_OK)
			return sd_err_set(err, SD_EEXIST, "agent: %s already "
			    "exists", a->a.code);
		sd_err_clear(err);
		if (a->a.parent[0] != '\0' &&
		    (st = agent_load(t, a->a.parent, &cur, 0, err)) != SD_OK)
			return st == SD_ENOTFOUND ? sd_err_set(err, SD_EINVAL,
			    "parent: no agent %s", a->a.parent) : st;
		cur = a->a;
		snprintf(before, sizeof before, "-");
	} else {
		if ((st = agent_load(t, a->a.code, &cur, 1, err)) != SD_OK)
			return st;
		agent_describe(&cur, before, sizeof before);
		if (a->mode == AG_UPDATE) {
			if ((st = agent_apply(a->f, &cur, err)) != SD_OK)
				return st;
		} else if (cur.status == a->status)
			return sd_err_set(err, SD_EREFUSED, "agent %s is already "
			    "%s", cur.code, sd_agent_status_name(cur.status));
		else
			cur.status = a->status;
	}
	agent_encode(&cur, &val);
	st = stock_put(t, T_AGENT, cur.code, &val, a->mode == AG_CREATE, err);
	sd_buf_free(&val);
	if (st != SD_OK)
		return st;
	snprintf(obj, sizeof obj, "agent:%s", cur.code);
	agent_describe(&cur, after, sizeof after);
	return sd_audit_write(t, a->s->user.login, a->mode == AG_CREATE ?
	    "agent.add" : a->mode == AG_UPDATE ? "agent.update" : "agent.status",
	    obj, SD_OUTCOME_OK, before, after, err);
}

void
sd_agent_fields_init(struct sd_agent_fields *f)
{
	memset(f, 0, sizeof *f);
}

int
sd_agent_add(struct sd_session *s, const char *code,
    const struct sd_agent_fields *f, struct sd_err *err)
{
	struct agent_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_AGENT_EDIT, code, err)) != SD_OK ||
	    (st = check_code("agent", code, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	a.mode = AG_CREATE;
	sd_strlcpy(a.a.code, code, sizeof a.a.code);
	if (f->name == NULL || f->name[0] == '\0')
		return sd_err_set(err, SD_EINVAL, "name: required");
	if ((st = agent_apply(f, &a.a, err)) != SD_OK)
		return st;
	if (f->parent != NULL && f->parent[0] != '\0') {
		if ((st = sd_agent_check("parent", f->parent, err)) != SD_OK)
			return st;
		sd_strlcpy(a.a.parent, f->parent, sizeof a.a.parent);
	}
	a.a.status = SD_AGENT_APPLIED;
	a.a.created = sd_now();
	return sd_db_run(s->core->db, agent_txn, &a, err);
}

int
sd_agent_update(struct sd_session *s, const char *code,
    const struct sd_agent_fields *f, struct sd_err *err)
{
	struct agent_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_AGENT_APPROVE, code, err)) != SD_OK)
		return st;
	if (f->parent != NULL)
		return sd_err_set(err, SD_EINVAL, "parent: an agent's place "
		    "in the tree does not change");
	if (f->name == NULL && f->credit_limit == NULL && f->discount == NULL &&
	    f->region == NULL)
		return sd_err_set(err, SD_EINVAL, "agent update: nothing to "
		    "change (name, credit-limit, discount, region)");
	memset(&a, 0, sizeof a);
	a.s = s;
	a.mode = AG_UPDATE;
	a.f = f;
	sd_strlcpy(a.a.code, code, sizeof a.a.code);
	return sd_db_run(s->core->db, agent_txn, &a, err);
}

int
sd_agent_set_status(struct sd_session *s, const char *code, int status,
    struct sd_err *err)
{
	struct agent_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_AGENT_APPROVE, code, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	a.mode = AG_STATUS;
	a.status = status;
	sd_strlcpy(a.a.code, code, sizeof a.a.code);
	return sd_db_run(s->core->db, agent_txn, &a, err);
}

struct tree_arg {
	struct sd_session	*s;
	const char		*root;
	const char		*scope;
	struct sd_agent		*out;
	struct sd_agent_stats	*stats;
	sd_agent_cb		 cb;
	void			*cbarg;
	int			 denied;
};

/* Run fn on one agent of the caller's branch: authorised, scoped, and a
 * refusal for another branch's agent audited. */
static int
agent_scoped(struct sd_session *s, const char *code, struct tree_arg *a,
    int (*fn)(struct sd_txn *, void *, struct sd_err *), struct sd_err *err)
{
	char scope[17];
	int st;

	if ((st = sd_authorize(s, SD_OP_AGENT_SHOW, code, err)) != SD_OK ||
	    (st = scope_of(s, scope, sizeof scope, err)) != SD_OK)
		return st;
	a->root = code;
	a->scope = scope;
	st = sd_db_read(s->core->db, fn, a, err);
	if (st == SD_EPERM && a->denied)
		return sd_deny(s, SD_OP_AGENT_SHOW, code, "not in your branch", err);
	return st;
}

static int
agent_get_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct tree_arg *a = arg;
	int st;

	a->denied = 0;
	if ((st = agent_load(t, a->root, a->out, 0, err)) != SD_OK)
		return st;
	if (!in_subtree(t, a->scope, a->root)) {
		a->denied = 1;
		return SD_EPERM;
	}
	return SD_OK;
}

int
sd_agent_get(struct sd_session *s, const char *code, struct sd_agent *out,
    struct sd_err *err)
{
	struct tree_arg a;

	memset(&a, 0, sizeof a);
	a.out = out;
	return agent_scoped(s, code, &a, agent_get_txn, err);
}

/* Keys of index ix on table tab starting with pfx (len bytes); with
 * status >= 0, cards in that status only. */
static int
count_prefix(struct sd_txn *t, int tab, int ix, const void *pfx, size_t len,
    int64_t from, int status, long *n, struct sd_err *err)
{
	struct sd_cursor *c;
	uint8_t seek[64];
	size_t sl = len;
	int st;

	*n = 0;
	memcpy(seek, pfx, len);
	if (from != INT64_MIN) {		/* subscriptions: from a time on */
		sd_be64_put(seek + len, (uint64_t)from ^ (1ULL << 63));
		sl += 8;
	}
	if ((st = sd_cursor_open(t, tab, ix, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_GE, seek, sl, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t kl, vl;
		const void *k = sd_cursor_key(c, &kl);

		if (kl < len || memcmp(k, pfx, len) != 0)
			break;
		if (status >= 0) {
			const void *v = sd_cursor_val(c, &vl);
			struct sd_sim cs;

			if (sim_decode(v, vl, &cs) != SD_OK || cs.status != status)
				continue;
		}
		(*n)++;
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

/* Cards held and activations this month of one agent. */
static int
agent_counts(struct sd_txn *t, struct sd_agent *ag, struct sd_err *err)
{
	size_t n = strlen(ag->code) + 1;
	int st;

	if ((st = count_prefix(t, T_SIM, IX_SIM_AGENT, ag->code, n, INT64_MIN,
	    SD_SIM_ALLOCATED, &ag->held, err)) != SD_OK)
		return st;
	return count_prefix(t, T_SUBSCRIPTION, IX_SUB_AGENT, ag->code, n,
	    sd_month_start(sd_now()), -1, &ag->sold_month, err);
}

/* Depth-first through the parent index: children of code are code\0... */
static int
walk(struct sd_txn *t, struct tree_arg *a, const char *code, int depth,
    struct sd_err *err)
{
	struct sd_cursor *c;
	struct sd_buf pfx = SD_BUF_INIT;
	char kids[64][17];
	int n = 0, st;

	if (depth > 32)
		return SD_OK;
	sd_buf_add(&pfx, code, strlen(code) + 1);
	if ((st = sd_cursor_open(t, T_AGENT, IX_AGENT_PARENT, &c, err)) != SD_OK) {
		sd_buf_free(&pfx);
		return st;
	}
	for (st = sd_cursor_seek(c, SD_SEEK_GE, pfx.p, pfx.len, err);
	    st == SD_OK && n < 64; st = sd_cursor_step(c, 1, err)) {
		size_t kl, vl;
		const void *k = sd_cursor_key(c, &kl);
		const void *v = sd_cursor_val(c, &vl);
		struct sd_agent ag;

		if (kl < pfx.len || memcmp(k, pfx.p, pfx.len) != 0)
			break;
		if (agent_decode(v, vl, &ag) == SD_OK)
			sd_strlcpy(kids[n++], ag.code, sizeof kids[0]);
	}
	sd_cursor_close(c);
	sd_buf_free(&pfx);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	for (int i = 0; i < n; i++) {
		struct sd_agent ag;

		if ((st = agent_load(t, kids[i], &ag, 0, err)) != SD_OK ||
		    (st = agent_counts(t, &ag, err)) != SD_OK)
			return st;
		ag.depth = depth;
		if (a->cb(&ag, a->cbarg) != 0)
			return SD_OK;
		if ((st = walk(t, a, kids[i], depth + 1, err)) != SD_OK)
			return st;
	}
	return SD_OK;
}

static int
tree_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct tree_arg *a = arg;
	struct sd_agent top;
	int st;

	a->denied = 0;
	if (a->root[0] == '\0')
		return walk(t, a, "", 0, err);
	if ((st = agent_load(t, a->root, &top, 0, err)) != SD_OK)
		return st;
	if (!in_subtree(t, a->scope, a->root)) {
		a->denied = 1;
		return SD_EPERM;
	}
	if ((st = agent_counts(t, &top, err)) != SD_OK)
		return st;
	top.depth = 0;
	if (a->cb(&top, a->cbarg) != 0)
		return SD_OK;
	return walk(t, a, a->root, 1, err);
}

int
sd_agent_tree(struct sd_session *s, const char *root, sd_agent_cb cb,
    void *arg, struct sd_err *err)
{
	char scope[17];
	struct tree_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_AGENT_SHOW, root ? root : "", err)) != SD_OK ||
	    (st = scope_of(s, scope, sizeof scope, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	a.scope = scope;
	/* An agent user's tree starts at their own agent. */
	a.root = root != NULL && root[0] ? root : scope;
	a.cb = cb;
	a.cbarg = arg;
	st = sd_db_read(s->core->db, tree_txn, &a, err);
	if (st == SD_EPERM && a.denied)
		return sd_deny(s, SD_OP_AGENT_SHOW, a.root, "not in your branch",
		    err);
	return st;
}

static int
stats_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct tree_arg *a = arg;
	struct sd_agent ag;
	struct sd_cursor *c;
	char acct[40];
	int st;

	memset(a->stats, 0, sizeof *a->stats);
	a->denied = 0;
	if ((st = agent_load(t, a->root, &ag, 0, err)) != SD_OK)
		return st;
	if (!in_subtree(t, a->scope, a->root)) {
		a->denied = 1;
		return SD_EPERM;
	}
	if ((st = agent_counts(t, &ag, err)) != SD_OK ||
	    (st = count_prefix(t, T_SUBSCRIPTION, IX_SUB_AGENT, ag.code,
	    strlen(ag.code) + 1, INT64_MIN, -1, &a->stats->sold_total,
	    err)) != SD_OK)
		return st;
	a->stats->held = ag.held;
	a->stats->sold_month = ag.sold_month;
	snprintf(acct, sizeof acct, "agent:%s:recv", ag.code);
	if ((st = sd_ledger_balance(t, acct, &a->stats->receivable_fen, err)) !=
	    SD_OK)
		return st;
	/* Orders have no agent index: there are few of them. */
	if ((st = sd_cursor_open(t, T_ORDER, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t vl;
		const void *v = sd_cursor_val(c, &vl);
		struct sd_order o;

		if (order_decode(v, vl, &o) != SD_OK)
			continue;
		if (strcmp(o.agent, ag.code) == 0) {
			a->stats->orders++;
			a->stats->orders_open += o.status == SD_ORDER_SUBMITTED ||
			    o.status == SD_ORDER_APPROVED ||
			    o.status == SD_ORDER_SHIPPED;
		}
		sd_order_free(&o);
	}
	sd_cursor_close(c);
	if (st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

int
sd_agent_stats(struct sd_session *s, const char *code,
    struct sd_agent_stats *out, struct sd_err *err)
{
	struct tree_arg a;

	memset(&a, 0, sizeof a);
	a.stats = out;
	return agent_scoped(s, code, &a, stats_txn, err);
}

struct sub_arg {
	const char	*root, *code;
	int		 yes;
};

static int
sub_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct sub_arg *a = arg;

	(void)err;
	a->yes = in_subtree(t, a->root, a->code);
	return SD_OK;
}

int
sd_agent_in_subtree(struct sd_session *s, const char *root, const char *code)
{
	struct sub_arg a = { root, code, 0 };
	struct sd_err e;

	return sd_db_read(s->core->db, sub_txn, &a, &e) == SD_OK && a.yes;
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
	memcpy(out, in, 21);
	return SD_OK;
}

int
sd_iccid_file(const char *path, char (**out)[21], int **lines, int *n,
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
			st = sd_err_set(err, SD_EINVAL, "%s:%d: %s", path,
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

int
sd_grade_rule_match(const char *rule, const char *m)
{
	char pat[16];
	int k, d, extra;

	if (sscanf(rule, "tail %15s %n", pat, &extra) == 1 &&
	    rule[extra] == '\0')
		return m == NULL ? (match_tail(pat, "00000000000") < 0 ? -1 : 1) :
		    match_tail(pat, m);
	if (sscanf(rule, "run %d %n", &k, &extra) == 1 && rule[extra] == '\0') {
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
	if (sscanf(rule, "count %d %d %n", &d, &k, &extra) == 2 &&
	    rule[extra] == '\0') {
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
	char iccid[21];
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

/* Check a card's fields against the plans in t; fills c.  *appended tells
 * of a computed check digit. */
static int
sim_build(struct sd_txn *t, const struct sd_config *cfg,
    const struct sd_sim_fields *f, struct sd_sim *c, int *appended,
    struct sd_err *err)
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
	{
		struct sd_buf val = SD_BUF_INIT;

		st = stock_get(t, T_PLAN, f->plan, &val, 0, err);
		if (st == SD_OK)
			st = plan_decode(val.p, val.len, &p);
		sd_buf_free(&val);
		if (st == SD_ENOTFOUND)
			return sd_err_set(err, SD_EINVAL, "plan: no plan %s",
			    f->plan);
		if (st != SD_OK)
			return st;
		if (p.retired)
			return sd_err_set(err, SD_EREFUSED, "plan: %s is retired",
			    f->plan);
	}
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
static int
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
	const char	*key;
	struct sd_sim	*out;
	const char	*scope;
	int		 denied;
};

static int
find_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct find_arg *a = arg;
	int st;

	a->denied = 0;
	st = sim_load_key(t, a->key, a->out, 0, err);
	if (st == SD_OK && a->scope[0] != '\0' &&
	    !(a->out->agent[0] && in_subtree(t, a->scope, a->out->agent))) {
		a->denied = 1;
		return SD_EPERM;
	}
	return st;
}

int
sd_sim_find(struct sd_session *s, const char *key, struct sd_sim *out,
    struct sd_err *err)
{
	char scope[17];
	struct find_arg a = { key, out, scope, 0 };
	int st;

	if ((st = sd_authorize(s, SD_OP_SIM_SHOW, key, err)) != SD_OK ||
	    (st = scope_of(s, scope, sizeof scope, err)) != SD_OK)
		return st;
	st = sd_db_read(s->core->db, find_txn, &a, err);
	if (st == SD_EPERM && a.denied)
		return sd_deny(s, SD_OP_SIM_SHOW, key, "the card is not in your "
		    "branch", err);
	return st;
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

/* The narrowest index a filter allows, and its key prefix. */
static int
sim_index(const struct sd_sim_filter *f, struct sd_buf *pfx)
{
	if (f->msisdn_prefix && f->msisdn_prefix[0]) {
		sd_buf_adds(pfx, f->msisdn_prefix);
		return IX_SIM_MSISDN;
	}
	if (f->agent && f->agent[0]) {
		sd_buf_add(pfx, f->agent, strlen(f->agent) + 1);
		return IX_SIM_AGENT;
	}
	if (f->status >= 0) {
		char stx[16];

		snprintf(stx, sizeof stx, "%02d", f->status);
		sd_buf_add(pfx, stx, 3);
		return IX_SIM_STATUS;
	}
	if (f->plan && f->plan[0]) {
		sd_buf_add(pfx, f->plan, strlen(f->plan) + 1);
		return IX_SIM_PLAN;
	}
	return -1;
}

struct list_arg {
	const struct sd_sim_filter	*f;
	const char			*scope;
	sd_sim_cb			 cb;
	void				*arg;
};

static int
sim_match(struct sd_txn *t, const struct list_arg *a, const struct sd_sim *c)
{
	const struct sd_sim_filter *f = a->f;

	if (f->status >= 0 && c->status != f->status)
		return 0;
	if (f->agent && strcmp(f->agent, c->agent) != 0)
		return 0;
	if (f->plan && strcmp(f->plan, c->plan) != 0)
		return 0;
	if (f->grade && strcmp(f->grade, c->grade) != 0)
		return 0;
	if (f->warehouse && strcmp(f->warehouse, c->warehouse) != 0)
		return 0;
	if (f->msisdn_prefix && strncmp(c->msisdn, f->msisdn_prefix,
	    strlen(f->msisdn_prefix)) != 0)
		return 0;
	if (a->scope[0] != '\0' &&
	    !(c->agent[0] && in_subtree(t, a->scope, c->agent)))
		return 0;
	return 1;
}

static int
list_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct list_arg *a = arg;
	const struct sd_sim_filter *f = a->f;
	struct sd_cursor *c;
	struct sd_buf pfx = SD_BUF_INIT;
	int idx = -1, st;

	idx = sim_index(f, &pfx);
	if ((st = sd_cursor_open(t, T_SIM, idx, &c, err)) != SD_OK) {
		sd_buf_free(&pfx);
		return st;
	}
	st = pfx.len ? sd_cursor_seek(c, SD_SEEK_GE, pfx.p, pfx.len, err) :
	    sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err);
	for (; st == SD_OK; st = sd_cursor_step(c, 1, err)) {
		size_t kl, vl;
		const void *k = sd_cursor_key(c, &kl);
		const void *v = sd_cursor_val(c, &vl);
		struct sd_sim s;

		if (pfx.len && (kl < pfx.len || memcmp(k, pfx.p, pfx.len) != 0))
			break;
		if (sim_decode(v, vl, &s) == SD_OK && sim_match(t, a, &s) &&
		    a->cb(&s, a->arg) != 0)
			break;
	}
	sd_cursor_close(c);
	sd_buf_free(&pfx);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

int
sd_sim_list(struct sd_session *s, const struct sd_sim_filter *f, sd_sim_cb cb,
    void *arg, struct sd_err *err)
{
	char scope[17];
	struct list_arg a = { f, scope, cb, arg };
	int st;

	if ((st = sd_authorize(s, SD_OP_SIM_SHOW, "", err)) != SD_OK ||
	    (st = scope_of(s, scope, sizeof scope, err)) != SD_OK)
		return st;
	if (scope[0] && f->agent && !sd_agent_in_subtree(s, scope, f->agent))
		return sd_deny(s, SD_OP_SIM_SHOW, f->agent, "agent not in your "
		    "branch", err);
	return sd_db_read(s->core->db, list_txn, &a, err);
}

/* ---------------------------------------------------------------- pages */

struct simpage_arg {
	struct list_arg		 l;
	struct sd_buf		 prefix, anchor;
	int			 index, dir, max, n;
	struct sd_sim		*rows;
	char			(*keys)[SD_PAGEKEY_MAX];
};

static int
simpage_take(struct sd_txn *t, const void *v, size_t vl, int i, void *ctx)
{
	struct simpage_arg *a = ctx;

	return sim_decode(v, vl, &a->rows[i]) == SD_OK &&
	    sim_match(t, &a->l, &a->rows[i]);
}

static int
simpage_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct simpage_arg *a = arg;
	struct page_walk w = { T_SIM, a->index, &a->prefix, &a->anchor, a->dir,
	    a->max, simpage_take, a, a->keys };
	int st;

	if ((st = page_walk(t, &w, &a->n, err)) == SD_OK && a->dir < 0)
		page_reverse(a->rows, sizeof *a->rows, a->keys, a->n);
	return st;
}

int
sd_sim_page(struct sd_session *s, const struct sd_sim_filter *f,
    const char *anchor, int dir, struct sd_sim *rows,
    char (*page_keys)[SD_PAGEKEY_MAX], int max, int *n, struct sd_err *err)
{
	char scope[17];
	struct simpage_arg a;
	int st;

	*n = 0;
	if ((st = sd_authorize(s, SD_OP_SIM_SHOW, "", err)) != SD_OK ||
	    (st = scope_of(s, scope, sizeof scope, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.l.f = f;
	a.l.scope = scope;
	a.index = sim_index(f, &a.prefix);
	a.dir = dir >= 0 ? 1 : -1;
	a.max = max;
	a.rows = rows;
	a.keys = page_keys;
	if (anchor != NULL && anchor[0] != '\0' &&
	    page_hex_decode(anchor, &a.anchor) != 0)
		st = sd_err_set(err, SD_EINVAL, "page: bad anchor");
	else
		st = sd_db_read(s->core->db, simpage_txn, &a, err);
	*n = a.n;
	sd_buf_free(&a.prefix);
	sd_buf_free(&a.anchor);
	return st;
}

struct counts_arg {
	struct list_arg		 l;
	long			*counts;
};

static int
counts_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct counts_arg *a = arg;
	const struct sd_sim_filter *f = a->l.f;
	int st;

	memset(a->counts, 0, SD_SIM__COUNT * sizeof *a->counts);
	/* Nothing but the state asked: count the status index's keys. */
	if (a->l.scope[0] == '\0' && !f->agent && !f->plan && !f->grade &&
	    !f->warehouse && !f->msisdn_prefix) {
		for (int k = 0; k < SD_SIM__COUNT; k++) {
			char stx[16];

			snprintf(stx, sizeof stx, "%02d", k);
			if ((st = count_prefix(t, T_SIM, IX_SIM_STATUS, stx, 3,
			    INT64_MIN, -1, &a->counts[k], err)) != SD_OK)
				return st;
		}
		return SD_OK;
	}
	{
		struct sd_sim_filter g = *f;
		struct sd_buf pfx = SD_BUF_INIT;
		struct sd_cursor *c;
		struct list_arg l = a->l;
		int idx;

		g.status = -1;
		l.f = &g;
		idx = sim_index(&g, &pfx);
		if ((st = sd_cursor_open(t, T_SIM, idx, &c, err)) != SD_OK) {
			sd_buf_free(&pfx);
			return st;
		}
		st = pfx.len ? sd_cursor_seek(c, SD_SEEK_GE, pfx.p, pfx.len, err) :
		    sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err);
		for (; st == SD_OK; st = sd_cursor_step(c, 1, err)) {
			size_t kl, vl;
			const void *k = sd_cursor_key(c, &kl);
			const void *v = sd_cursor_val(c, &vl);
			struct sd_sim cs;

			if (pfx.len && (kl < pfx.len ||
			    memcmp(k, pfx.p, pfx.len) != 0))
				break;
			if (sim_decode(v, vl, &cs) == SD_OK &&
			    sim_match(t, &l, &cs) && cs.status >= 0 &&
			    cs.status < SD_SIM__COUNT)
				a->counts[cs.status]++;
		}
		sd_cursor_close(c);
		sd_buf_free(&pfx);
		if (st != SD_OK && st != SD_ENOTFOUND)
			return st;
		sd_err_clear(err);
		return SD_OK;
	}
}

int
sd_sim_counts(struct sd_session *s, const struct sd_sim_filter *f,
    long counts[SD_SIM__COUNT], struct sd_err *err)
{
	char scope[17];
	struct counts_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_SIM_SHOW, "", err)) != SD_OK ||
	    (st = scope_of(s, scope, sizeof scope, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.l.f = f;
	a.l.scope = scope;
	a.counts = counts;
	return sd_db_read(s->core->db, counts_txn, &a, err);
}

/* ---------------------------------------------------------------- import */

static const char *const sim_cols[] = { "iccid", "msisdn", "imsi", "plan",
    "price", "batch", "warehouse", "card_type" };

static int
simimp_row(struct sd_txn *t, struct table_batch *b, int r, struct sd_err *e)
{
	struct sd_sim_fields f;
	struct sd_sim c;
	int appended, st;

	sd_sim_fields_init(&f);
	f.iccid = batch_cell(b, r, 0);
	f.msisdn = batch_cell(b, r, 1);
	f.imsi = batch_cell(b, r, 2);
	f.plan = batch_cell(b, r, 3);
	f.price = batch_cell(b, r, 4);
	f.batch = batch_cell(b, r, 5);
	f.warehouse = batch_cell(b, r, 6);
	f.card_type = batch_cell(b, r, 7);
	/* Stored even in a dry run, so a duplicate later in the file is
	 * caught against the earlier row; a dry run is aborted at the end. */
	if ((st = sim_build(t, &b->s->core->cfg, &f, &c, &appended, e)) ==
	    SD_OK && (st = sim_clash(t, &c, e)) == SD_OK)
		st = sim_store(t, &c, 1, e);
	return st;
}

int
sd_sim_import(struct sd_session *s, const char *file, const struct sd_table *t,
    const char *rejects, struct sd_import_result *r, struct sd_err *err)
{
	static const char *const required[] = { "iccid", "msisdn", "plan",
	    NULL };
	struct table_batch b;
	int st;

	memset(r, 0, sizeof *r);
	if ((st = sd_authorize(s, SD_OP_SIM_ADD, file, err)) != SD_OK)
		return st;
	memset(&b, 0, sizeof b);
	b.s = s;
	b.t = t;
	b.file = file;
	b.op = "sim.import";
	b.what = "cards";
	b.row = simimp_row;
	if (t->nrows < 1)
		return sd_err_set(err, SD_EINVAL, "%s: empty", file);
	if ((st = batch_columns(&b, sim_cols, 8, required, err)) != SD_OK)
		return st;
	return batch_run(&b, rejects, r, err);
}

/* ---------------------------------------------------------------- stocktake */

static const char *const st_kinds[SD_ST__COUNT] = { "missing", "unexpected",
    "wrong_warehouse", "wrong_state", "duplicate" };

const char *
sd_stocktake_kind_name(int kind)
{
	return kind >= 0 && kind < SD_ST__COUNT ? st_kinds[kind] : "?";
}

/* On a warehouse shelf: in stock, reserved for an order, or returned. */
static int
on_shelf(int status)
{
	return status == SD_SIM_IN_STOCK || status == SD_SIM_RESERVED ||
	    status == SD_SIM_RETURNED;
}

struct take_arg {
	struct sd_session		*s;
	const char			*wh, *reason;
	char				(*ids)[21];	/* sorted copy */
	const int			*lines;
	int				*order;		/* ids[i] is scan order[i] */
	int				 n, apply;
	sd_stocktake_cb			 cb;
	void				*cbarg;
	struct sd_stocktake_result	*r;
	/* Differences, kept until the transaction commits. */
	struct sd_stocktake_diff	*d;
	size_t				 nd, capd;
};

static void
take_add(struct take_arg *a, int kind, const char *iccid, int line,
    const struct sd_sim *c, int adjusted)
{
	struct sd_stocktake_diff *d;

	if (a->nd == a->capd) {
		a->capd = a->capd ? a->capd * 2 : 64;
		a->d = xrealloc(a->d, a->capd * sizeof *a->d);
	}
	d = &a->d[a->nd++];
	memset(d, 0, sizeof *d);
	d->kind = kind;
	sd_strlcpy(d->iccid, iccid, sizeof d->iccid);
	d->line = line;
	d->status = c ? c->status : -1;
	if (c != NULL) {
		sd_strlcpy(d->warehouse, c->warehouse, sizeof d->warehouse);
		sd_strlcpy(d->agent, c->agent, sizeof d->agent);
	}
	d->adjusted = adjusted;
	a->r->count[kind]++;
	a->r->adjusted += adjusted;
}

static int
adjust(struct sd_txn *t, struct take_arg *a, struct sd_sim *c, int to,
    const char *why, struct sd_err *err)
{
	char before[80], after[80], reason[129];
	int st;

	snprintf(before, sizeof before, "status=%s warehouse=%.33s",
	    sd_sim_status_name(c->status), c->warehouse);
	snprintf(reason, sizeof reason, "stocktake %.33s: %s%s%.60s", a->wh, why,
	    a->reason ? ": " : "", a->reason ? a->reason : "");
	if (to >= 0 && !sd_sim_transition_ok(c->status, to))
		return sd_err_set(err, SD_EINTERNAL, "sim %s: %s cannot be "
		    "written off", c->iccid, sd_sim_status_name(c->status));
	if (to >= 0)
		c->status = to;
	sd_strlcpy(c->warehouse, a->wh, sizeof c->warehouse);
	sd_strlcpy(c->reason, reason, sizeof c->reason);
	c->updated = sd_now();
	snprintf(after, sizeof after, "status=%s warehouse=%.33s",
	    sd_sim_status_name(c->status), c->warehouse);
	if ((st = sim_store(t, c, 0, err)) != SD_OK)
		return st;
	return sd_audit_write(t, a->s->user.login, "sim.stocktake", c->iccid,
	    SD_OUTCOME_OK, before, after, err);
}

static int
scanned(const struct take_arg *a, const char *iccid)
{
	int lo = 0, hi = a->n - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2, c = strcmp(a->ids[mid], iccid);

		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return 0;
}

static int
take_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	static const char *const shelf[] = { "00", "01", "06" };
	struct take_arg *a = arg;
	int st;

	a->nd = 0;
	memset(a->r, 0, sizeof *a->r);
	/* The scanned cards, one by one (in ICCID order: fewer page hops). */
	for (int i = 0; i < a->n; i++) {
		int line = a->lines ? a->lines[a->order[i]] : 0;
		struct sd_sim c;
		struct sd_err e;

		if (i > 0 && strcmp(a->ids[i], a->ids[i - 1]) == 0) {
			take_add(a, SD_ST_DUPLICATE, a->ids[i], line, NULL, 0);
			continue;
		}
		a->r->scanned++;
		st = sim_load(t, a->ids[i], &c, a->apply, &e);
		if (st == SD_ENOTFOUND) {
			take_add(a, SD_ST_UNEXPECTED, a->ids[i], line, NULL, 0);
			continue;
		}
		if (st != SD_OK)
			return sd_err_set(err, st, "%s", e.msg);
		if (!on_shelf(c.status)) {
			take_add(a, SD_ST_WRONG_STATE, a->ids[i], line, &c, 0);
			continue;
		}
		if (strcmp(c.warehouse, a->wh) != 0) {
			take_add(a, SD_ST_WRONG_WAREHOUSE, a->ids[i], line, &c,
			    a->apply);
			if (a->apply && (st = adjust(t, a, &c, -1, "found here",
			    err)) != SD_OK)
				return st;
			continue;
		}
		a->r->matched++;
	}
	/* The books: every card on a shelf of this warehouse. */
	for (size_t k = 0; k < sizeof shelf / sizeof shelf[0]; k++) {
		struct sd_cursor *cur;
		char (*gone)[21] = NULL;
		size_t ngone = 0, capg = 0;

		if ((st = sd_cursor_open(t, T_SIM, IX_SIM_STATUS, &cur, err)) !=
		    SD_OK)
			return st;
		for (st = sd_cursor_seek(cur, SD_SEEK_GE, shelf[k], 3, err);
		    st == SD_OK; st = sd_cursor_step(cur, 1, err)) {
			size_t kl, vl;
			const char *key = sd_cursor_key(cur, &kl);
			const void *v = sd_cursor_val(cur, &vl);
			struct sd_sim c;

			if (kl < 3 || memcmp(key, shelf[k], 3) != 0)
				break;
			if (sim_decode(v, vl, &c) != SD_OK ||
			    strcmp(c.warehouse, a->wh) != 0)
				continue;
			a->r->booked++;
			if (scanned(a, c.iccid))
				continue;
			if (ngone == capg) {
				capg = capg ? capg * 2 : 64;
				gone = xrealloc(gone, capg * 21);
			}
			sd_strlcpy(gone[ngone++], c.iccid, 21);
		}
		sd_cursor_close(cur);
		if (st != SD_OK && st != SD_ENOTFOUND) {
			free(gone);
			return st;
		}
		sd_err_clear(err);
		/* Written off after the walk: the index changes under it. */
		for (size_t g = 0; g < ngone; g++) {
			struct sd_sim c;
			int off = a->apply && k != 1;	/* reserved: the order's */

			if ((st = sim_load(t, gone[g], &c, a->apply, err)) != SD_OK) {
				free(gone);
				return st;
			}
			take_add(a, SD_ST_MISSING, c.iccid, 0, &c, off);
			if (off && (st = adjust(t, a, &c, SD_SIM_TERMINATED,
			    "missing, written off", err)) != SD_OK) {
				free(gone);
				return st;
			}
		}
		free(gone);
	}
	if (a->apply) {
		char obj[48], detail[120];

		snprintf(obj, sizeof obj, "warehouse:%.33s", a->wh);
		snprintf(detail, sizeof detail, "scanned %ld, matched %ld, "
		    "adjusted %ld", a->r->scanned, a->r->matched, a->r->adjusted);
		return sd_audit_write(t, a->s->user.login, "sim.stocktake", obj,
		    SD_OUTCOME_OK, "", detail, err);
	}
	return SD_OK;
}

static int
by_iccid(const void *x, const void *y, void *ctx)
{
	char (*ids)[21] = ctx;
	const int *i = x, *j = y;
	int c = strcmp(ids[*i], ids[*j]);

	return c ? c : *i - *j;
}

int
sd_sim_stocktake(struct sd_session *s, const char *warehouse,
    char (*iccids)[21], const int *lines, int n, int apply, const char *reason,
    sd_stocktake_cb cb, void *arg, struct sd_stocktake_result *r,
    struct sd_err *err)
{
	struct take_arg a;
	int *idx, st;

	memset(r, 0, sizeof *r);
	if ((st = sd_authorize(s, apply ? SD_OP_SIM_ADJUST : SD_OP_SIM_STOCKTAKE,
	    warehouse ? warehouse : "", err)) != SD_OK)
		return st;
	if (warehouse == NULL || warehouse[0] == '\0')
		return sd_err_set(err, SD_EINVAL, "warehouse: required");
	if ((st = sd_check_text("warehouse", warehouse, 32, err)) != SD_OK ||
	    (reason && (st = sd_check_text("reason", reason, 60, err)) != SD_OK))
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	a.wh = warehouse;
	a.reason = reason;
	a.lines = lines;
	a.n = n;
	a.apply = apply;
	a.r = r;
	/* Sorted, remembering each ICCID's place in the scan. */
	idx = xcalloc((size_t)n + 1, sizeof *idx);
	for (int i = 0; i < n; i++)
		idx[i] = i;
	qsort_r(idx, (size_t)n, sizeof *idx, by_iccid, iccids);
	a.ids = xcalloc((size_t)n + 1, 21);
	for (int i = 0; i < n; i++)
		memcpy(a.ids[i], iccids[idx[i]], 21);
	a.order = idx;
	st = apply ? sd_db_run(s->core->db, take_txn, &a, err) :
	    sd_db_read(s->core->db, take_txn, &a, err);
	for (size_t i = 0; st == SD_OK && cb != NULL && i < a.nd; i++)
		if (cb(&a.d[i], arg) != 0)
			break;
	free(a.d);
	free(a.ids);
	free(idx);
	return st;
}
