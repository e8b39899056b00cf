/*
 * plan.c -- plans (套餐) and value-added services (新业务): their records,
 * adding, changing and retiring plans, services, and listing both.
 */
#include <stdio.h>
#include <string.h>

#include "core/stock/stock_int.h"

/* ---------------------------------------------------------------- codecs */

enum { P_CODE = 1, P_NAME, P_FEE, P_MIN, P_SMS, P_TARIFF, P_VAS, P_RETIRED,
    P_CREATED };

static const struct rec_field plan_f[] = {
	REC_S(P_CODE, sd_plan, code), REC_S(P_NAME, sd_plan, name),
	REC_I(P_FEE, sd_plan, monthly_fen), REC_I(P_MIN, sd_plan, minutes),
	REC_I(P_SMS, sd_plan, sms), REC_S(P_TARIFF, sd_plan, tariff),
	REC_STRS(P_VAS, sd_plan, vas, nvas), REC_I(P_RETIRED, sd_plan, retired),
	REC_I(P_CREATED, sd_plan, created),
};

void
plan_encode(const struct sd_plan *p, struct sd_buf *b)
{
	rec_encode(plan_f, REC_N(plan_f), p, b);
}

int
plan_decode(const void *data, size_t n, struct sd_plan *p)
{
	int st = rec_decode(plan_f, REC_N(plan_f), data, n, p, sizeof *p);

	p->retired = p->retired != 0;
	return st;
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

/* ---------------------------------------------------------------- plans */

static const struct rec_field vas_f[] = {
	REC_S(1, sd_vas, code), REC_S(2, sd_vas, name),
	REC_I(3, sd_vas, monthly_fen),
};

REC_CODEC(vas, struct sd_vas, vas_f)

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
	/* Its name, code and fee are on the bills. */
	if ((st = rec_bill_touch(t, 0, err)) != SD_OK ||
	    (st = stock_put(t, T_PLAN, p.code, &val, a->create, err)) != SD_OK)
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

/* Every record of a table decoded by each into rows, for the caller's
 * callback after the commit. */
struct scan_arg {
	int		 table;
	void		 (*each)(const void *rec, size_t len, struct rowbuf *rows);
	struct rowbuf	 rows;
};

static int
scan_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct scan_arg *a = arg;
	struct sd_cursor *c;
	int st;

	rowbuf_reset(&a->rows);
	if ((st = sd_cursor_open(t, a->table, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t vl;
		const void *v = sd_cursor_val(c, &vl);

		a->each(v, vl, &a->rows);
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

static void
plan_each(const void *rec, size_t len, struct rowbuf *rows)
{
	struct sd_plan pl;

	if (plan_decode(rec, len, &pl) == SD_OK)
		rowbuf_add(rows, &pl);
}

int
sd_plan_list(struct sd_session *s, sd_plan_cb cb, void *arg, struct sd_err *err)
{
	struct scan_arg a = { T_PLAN, plan_each };
	int st;

	if ((st = sd_authorize(s, SD_OP_PLAN_SHOW, "", err)) != SD_OK)
		return st;
	rowbuf_init(&a.rows, sizeof(struct sd_plan), NULL);
	st = sd_db_read(s->core->db, scan_txn, &a, err);
	for (size_t i = 0; st == SD_OK && i < a.rows.n; i++)
		if (cb(rowbuf_at(&a.rows, i), arg) != 0)
			break;
	rowbuf_free(&a.rows);
	return st;
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
	if ((st = rec_bill_touch(t, 0, err)) == SD_OK)
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

static void
vas_each(const void *rec, size_t len, struct rowbuf *rows)
{
	struct sd_rec_reader r;
	struct sd_vas v;

	memset(&v, 0, sizeof v);
	if (sd_rec_open(&r, rec, len) != SD_OK)
		return;
	while (sd_rec_next(&r) == 1)
		switch (r.tag) {
		case 1: sd_rec_copystr(&r, v.code, sizeof v.code); break;
		case 2: sd_rec_copystr(&r, v.name, sizeof v.name); break;
		case 3: v.monthly_fen = r.ival; break;
		default: break;
		}
	rowbuf_add(rows, &v);
}

int
sd_vas_list(struct sd_session *s, sd_vas_cb cb, void *arg, struct sd_err *err)
{
	struct scan_arg a = { T_VAS, vas_each };
	int st;

	if ((st = sd_authorize(s, SD_OP_PLAN_SHOW, "", err)) != SD_OK)
		return st;
	rowbuf_init(&a.rows, sizeof(struct sd_vas), NULL);
	st = sd_db_read(s->core->db, scan_txn, &a, err);
	for (size_t i = 0; st == SD_OK && i < a.rows.n; i++)
		if (cb(rowbuf_at(&a.rows, i), arg) != 0)
			break;
	rowbuf_free(&a.rows);
	return st;
}
