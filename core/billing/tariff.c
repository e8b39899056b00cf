/*
 * tariff.c -- tariffs (资费) and their rates: kept in the database, one
 * range of rate records per tariff, each change bumping the tariff's
 * version so every process rebuilds its compiled table (rating.c) once,
 * not per call.  Quotes go through the same compiled table as rating.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/billing/billing_int.h"

enum { TF_CODE = 1, TF_NAME, TF_ROUNDING, TF_VERSION, TF_NRATES, TF_CREATED };
enum { RT_PREFIX = 1, RT_NAME, RT_PERMIN, RT_CONNECT, RT_FIRST, RT_INC,
    RT_DAYS, RT_FROM, RT_TO, RT_BANDED, RT_BUNDLE };

static const char *const rounding_names[] = { "up", "half-up", "down" };

const char *
sd_rounding_name(int mode)
{
	return mode >= 0 && mode <= SD_ROUND_DOWN ? rounding_names[mode] : "?";
}

int
sd_rounding_parse(const char *s)
{
	for (int i = 0; i <= SD_ROUND_DOWN; i++)
		if (s != NULL && strcmp(s, rounding_names[i]) == 0)
			return i;
	return -1;
}

/* ---------------------------------------------------------------- records */

static const struct rec_field tariff_rec[] = {
	REC_S(TF_CODE, sd_tariff, code),
	REC_S(TF_NAME, sd_tariff, name),
	REC_I(TF_ROUNDING, sd_tariff, rounding),
	REC_I(TF_VERSION, sd_tariff, version),
	REC_I(TF_NRATES, sd_tariff, nrates),
	REC_I(TF_CREATED, sd_tariff, created),
};

REC_CODEC(tariff, struct sd_tariff, tariff_rec)

/*
 * A rate stays hand-written: its band's days and hours are an unsigned
 * char and shorts, and banded and bundle read as flags (any non-zero is
 * 1), which the table's int kinds do not do.
 */
void
rate_encode(const struct sd_rate *x, struct sd_buf *b)
{
	sd_rec_begin(b);
	sd_rec_str(b, RT_PREFIX, x->prefix);
	sd_rec_str(b, RT_NAME, x->name);
	sd_rec_int(b, RT_PERMIN, x->per_minute_mfen);
	sd_rec_int(b, RT_CONNECT, x->connect_fen);
	sd_rec_int(b, RT_FIRST, x->first_block_s);
	sd_rec_int(b, RT_INC, x->increment_s);
	sd_rec_int(b, RT_DAYS, x->band.days);
	sd_rec_int(b, RT_FROM, x->band.from);
	sd_rec_int(b, RT_TO, x->band.to);
	sd_rec_int(b, RT_BANDED, x->band.set);
	sd_rec_int(b, RT_BUNDLE, x->bundle);
}

int
rate_decode(const void *p, size_t n, struct sd_rate *x)
{
	struct sd_rec_reader r;
	int ok;

	memset(x, 0, sizeof *x);
	if (sd_rec_open(&r, p, n) != SD_OK)
		return SD_EINTERNAL;
	while ((ok = sd_rec_next(&r)) == 1)
		switch (r.tag) {
		case RT_PREFIX:	sd_rec_copystr(&r, x->prefix, sizeof x->prefix); break;
		case RT_NAME:	sd_rec_copystr(&r, x->name, sizeof x->name); break;
		case RT_PERMIN:	x->per_minute_mfen = r.ival; break;
		case RT_CONNECT: x->connect_fen = r.ival; break;
		case RT_FIRST:	x->first_block_s = (int)r.ival; break;
		case RT_INC:	x->increment_s = (int)r.ival; break;
		case RT_DAYS:	x->band.days = (unsigned char)r.ival; break;
		case RT_FROM:	x->band.from = (short)r.ival; break;
		case RT_TO:	x->band.to = (short)r.ival; break;
		case RT_BANDED:	x->band.set = r.ival != 0; break;
		case RT_BUNDLE:	x->bundle = r.ival != 0; break;
		default:	break;
		}
	return ok < 0 ? SD_EINTERNAL : SD_OK;
}

static void
rate_key(const char *tariff, const struct sd_rate *x, struct sd_buf *k)
{
	char band[48];

	sd_band_format(&x->band, band, sizeof band);
	sd_buf_reset(k);
	sd_buf_add(k, tariff, strlen(tariff) + 1);
	sd_buf_add(k, x->prefix, strlen(x->prefix) + 1);
	sd_buf_adds(k, band);
}

static int
tariff_load(struct sd_txn *t, const char *code, struct sd_tariff *out,
    int rmw, struct sd_err *err)
{
	struct sd_buf val = SD_BUF_INIT;
	int st = sd_get(t, T_TARIFF, code, strlen(code), &val,
	    rmw ? SD_GET_RMW : 0, err);

	if (st == SD_ENOTFOUND)
		st = sd_err_set(err, SD_ENOTFOUND, "tariff %s: not found", code);
	else if (st == SD_OK && tariff_decode(val.p, val.len, out) != SD_OK)
		st = sd_err_set(err, SD_EINTERNAL, "tariff %s: record corrupt",
		    code);
	sd_buf_free(&val);
	return st;
}

static int
tariff_store(struct sd_txn *t, const struct sd_tariff *x, int create,
    struct sd_err *err)
{
	struct sd_buf val = SD_BUF_INIT;
	int st;

	tariff_encode(x, &val);
	st = sd_put(t, T_TARIFF, x->code, strlen(x->code), val.p, val.len,
	    create ? SD_PUT_NOOVERWRITE : 0, err);
	sd_buf_free(&val);
	if (st == SD_EEXIST)
		return sd_err_set(err, SD_EEXIST, "tariff %s: already exists",
		    x->code);
	return st;
}

/* ---------------------------------------------------------------- add */

struct add_arg {
	struct sd_session	*s;
	struct sd_tariff	 t;
};

static int
add_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct add_arg *a = arg;
	char obj[32], after[128];
	int st;

	if ((st = tariff_store(t, &a->t, 1, err)) != SD_OK)
		return st;
	snprintf(obj, sizeof obj, "tariff:%s", a->t.code);
	snprintf(after, sizeof after, "name=%s rounding=%s", a->t.name,
	    sd_rounding_name(a->t.rounding));
	return sd_audit_write(t, a->s->user.login, "tariff.add", obj,
	    SD_OUTCOME_OK, "", after, err);
}

int
sd_tariff_add(struct sd_session *s, const char *code, const char *name,
    const char *rounding, struct sd_err *err)
{
	struct add_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_TARIFF_EDIT, code, err)) != SD_OK)
		return st;
	if ((st = check_code("tariff", code, err)) != SD_OK)
		return st;
	if (name == NULL || name[0] == '\0')
		return sd_err_set(err, SD_EINVAL, "name: required");
	memset(&a, 0, sizeof a);
	a.s = s;
	if ((st = sd_check_text("name", name, sizeof a.t.name - 1, err)) !=
	    SD_OK)
		return st;
	sd_strlcpy(a.t.code, code, sizeof a.t.code);
	sd_strlcpy(a.t.name, name, sizeof a.t.name);
	a.t.rounding = rounding ? sd_rounding_parse(rounding) : SD_ROUND_UP;
	if (a.t.rounding < 0)
		return sd_err_set(err, SD_EINVAL, "rounding: '%s' is not up, "
		    "half-up or down", rounding);
	a.t.version = 1;
	a.t.created = sd_now();
	return sd_db_run(s->core->db, add_txn, &a, err);
}

/* ---------------------------------------------------------------- rates */

void
sd_rate_fields_init(struct sd_rate_fields *f)
{
	memset(f, 0, sizeof *f);
}

static int
seconds(const char *field, const char *v, int dflt, int *out,
    struct sd_err *err)
{
	char *end;
	long n;

	if (v == NULL || v[0] == '\0') {
		*out = dflt;
		return SD_OK;
	}
	n = strtol(v, &end, 10);
	if (*end != '\0' || n < 1 || n > 3600)
		return sd_err_set(err, SD_EINVAL, "%s: '%.20s' is not 1 to 3600 "
		    "seconds", field, v);
	*out = (int)n;
	return SD_OK;
}

/* Check typed fields into a rate; err names the field. */
static int
rate_build(const char *prefix, const struct sd_rate_fields *f,
    struct sd_rate *x, struct sd_err *err)
{
	int st;

	memset(x, 0, sizeof *x);
	if (prefix == NULL || prefix[0] == '\0' || strlen(prefix) > 24 ||
	    strspn(prefix, "0123456789") != strlen(prefix))
		return sd_err_set(err, SD_EINVAL, "prefix: '%.30s' must be 1 to "
		    "24 digits", prefix ? prefix : "");
	sd_strlcpy(x->prefix, prefix, sizeof x->prefix);
	if (f->per_minute == NULL || f->per_minute[0] == '\0')
		return sd_err_set(err, SD_EINVAL, "per_minute: required");
	if (sd_rate_parse(f->per_minute, &x->per_minute_mfen) != SD_OK ||
	    x->per_minute_mfen < 0)
		return sd_err_set(err, SD_EINVAL, "per_minute: '%.20s' is not a "
		    "price in yuan per minute (up to 5 decimals)", f->per_minute);
	if (f->connect != NULL && f->connect[0] != '\0' &&
	    (sd_money_parse(f->connect, &x->connect_fen) != SD_OK ||
	    x->connect_fen < 0))
		return sd_err_set(err, SD_EINVAL, "connect: '%.20s' is not an "
		    "amount in yuan", f->connect);
	if ((st = seconds("first_block", f->first_block, 60,
	    &x->first_block_s, err)) != SD_OK ||
	    (st = seconds("increment", f->increment, 60, &x->increment_s,
	    err)) != SD_OK)
		return st;
	if (f->name != NULL && (st = sd_check_text("name", f->name,
	    sizeof x->name - 1, err)) != SD_OK)
		return st;
	if (f->name != NULL)
		sd_strlcpy(x->name, f->name, sizeof x->name);
	if ((st = sd_band_parse(f->band, &x->band, err)) != SD_OK)
		return st;
	x->bundle = f->bundle;
	return SD_OK;
}

int
sd_rate_field_check(const char *field, const char *value,
    struct sd_err *err)
{
	struct sd_rate_fields f;
	struct sd_rate x;
	const char *prefix = "0";

	sd_rate_fields_init(&f);
	f.per_minute = "0";
	if (strcmp(field, "prefix") == 0)
		prefix = value;
	else if (strcmp(field, "per_minute") == 0)
		f.per_minute = value;
	else if (strcmp(field, "connect") == 0)
		f.connect = value;
	else if (strcmp(field, "first_block") == 0)
		f.first_block = value;
	else if (strcmp(field, "increment") == 0)
		f.increment = value;
	else if (strcmp(field, "band") == 0)
		f.band = value;
	else
		return sd_err_set(err, SD_EINVAL, "%s: not a field of a rate",
		    field);
	return rate_build(prefix, &f, &x, err);
}

/* Store a rate and bump the tariff's version, in t. */
static int
rate_put(struct sd_txn *t, struct sd_session *s, const char *code,
    const struct sd_rate *x, int audit, struct sd_err *err)
{
	struct sd_tariff tf;
	struct sd_buf key = SD_BUF_INIT, val = SD_BUF_INIT, old = SD_BUF_INIT;
	int st, fresh;

	if ((st = tariff_load(t, code, &tf, 1, err)) != SD_OK)
		return st;
	rate_key(code, x, &key);
	st = sd_get(t, T_RATE, key.p, key.len, &old, 0, err);
	fresh = st == SD_ENOTFOUND;
	if (st == SD_OK || st == SD_ENOTFOUND) {
		sd_err_clear(err);
		rate_encode(x, &val);
		st = sd_put(t, T_RATE, key.p, key.len, val.p, val.len, 0, err);
	}
	if (st == SD_OK) {
		tf.version++;
		tf.nrates += fresh;
		st = tariff_store(t, &tf, 0, err);
	}
	if (st == SD_OK && audit) {
		char obj[64], after[200], pm[32], band[48];

		snprintf(pm, sizeof pm, "%lld", (long long)x->per_minute_mfen);
		sd_band_format(&x->band, band, sizeof band);
		snprintf(obj, sizeof obj, "tariff:%s:%s", code, x->prefix);
		snprintf(after, sizeof after, "per_minute_mfen=%s connect_fen=%lld "
		    "block=%d/%d band=%s bundle=%d", pm, (long long)x->connect_fen,
		    x->first_block_s, x->increment_s, band, x->bundle);
		st = sd_audit_write(t, s->user.login, "tariff.rate", obj,
		    SD_OUTCOME_OK, fresh ? "" : "replaced", after, err);
	}
	sd_buf_free(&key);
	sd_buf_free(&val);
	sd_buf_free(&old);
	return st;
}

struct rate_arg {
	struct sd_session	*s;
	const char		*code;
	struct sd_rate		 x;
};

static int
rate_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct rate_arg *a = arg;

	return rate_put(t, a->s, a->code, &a->x, 1, err);
}

int
sd_tariff_rate(struct sd_session *s, const char *code, const char *prefix,
    const struct sd_rate_fields *f, struct sd_err *err)
{
	struct rate_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_TARIFF_EDIT, code, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	a.code = code;
	if ((st = rate_build(prefix, f, &a.x, err)) != SD_OK)
		return st;
	return sd_db_run(s->core->db, rate_txn, &a, err);
}

static const char *const rate_cols[] = { "prefix", "per_minute", "connect",
    "first_block", "increment", "name", "band", "bundle" };

static int
yes(const char *v)
{
	return v != NULL && (strcasecmp(v, "yes") == 0 || strcmp(v, "1") == 0 ||
	    strcasecmp(v, "true") == 0 || strcmp(v, "是") == 0);
}

static int
rateimp_row(struct sd_txn *t, struct table_batch *b, int r, struct sd_err *e)
{
	struct sd_rate_fields f;
	struct sd_rate x;
	const char *bundle = batch_cell(b, r, 7);
	int st;

	sd_rate_fields_init(&f);
	f.per_minute = batch_cell(b, r, 1);
	f.connect = batch_cell(b, r, 2);
	f.first_block = batch_cell(b, r, 3);
	f.increment = batch_cell(b, r, 4);
	f.name = batch_cell(b, r, 5);
	f.band = batch_cell(b, r, 6);
	if (bundle != NULL && bundle[0] != '\0' && !yes(bundle) &&
	    strcasecmp(bundle, "no") != 0 && strcmp(bundle, "0") != 0 &&
	    strcasecmp(bundle, "false") != 0 && strcmp(bundle, "否") != 0)
		return sd_err_set(e, SD_EINVAL, "bundle: '%.20s' is not yes or "
		    "no", bundle);
	f.bundle = yes(bundle);
	if ((st = rate_build(batch_cell(b, r, 0), &f, &x, e)) != SD_OK)
		return st;
	return rate_put(t, b->s, (const char *)b->ctx, &x, 0, e);
}

int
sd_tariff_import(struct sd_session *s, const char *code, const char *file,
    const struct sd_table *t, const char *rejects, struct sd_import_result *r,
    struct sd_err *err)
{
	static const char *const required[] = { "prefix", "per_minute", NULL };
	struct table_batch b = { .s = s, .t = t, .file = file,
	    .op = "tariff.import", .what = "rates", .row = rateimp_row,
	    .ctx = (void *)code };
	struct sd_tariff tf;
	int st;

	memset(r, 0, sizeof *r);
	if ((st = sd_authorize(s, SD_OP_TARIFF_EDIT, code, err)) != SD_OK ||
	    (st = sd_tariff_get(s, code, &tf, err)) != SD_OK)
		return st;
	if ((st = batch_columns(&b, rate_cols, 8, required, err)) != SD_OK)
		return st;
	return batch_run(&b, rejects, r, err);
}

/* ---------------------------------------------------------------- reading */

struct get_arg {
	const char		*code;
	struct sd_tariff	*out;
	sd_tariff_cb		 cb;
	sd_rate_cb		 rcb;
	void			*arg;
	struct rowbuf		 rows;	/* lists: for the callback after commit */
};

static int
get_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct get_arg *a = arg;

	return tariff_load(t, a->code, a->out, 0, err);
}

int
sd_tariff_get(struct sd_session *s, const char *code, struct sd_tariff *out,
    struct sd_err *err)
{
	struct get_arg a = { code, out, NULL, NULL, NULL };
	int st;

	if ((st = sd_authorize(s, SD_OP_TARIFF_SHOW, code, err)) != SD_OK)
		return st;
	return sd_db_read(s->core->db, get_txn, &a, err);
}

static int
list_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct get_arg *a = arg;
	struct sd_cursor *c;
	int st;

	rowbuf_reset(&a->rows);
	if ((st = sd_cursor_open(t, T_TARIFF, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t vl;
		const void *v = sd_cursor_val(c, &vl);
		struct sd_tariff tf;

		if (tariff_decode(v, vl, &tf) == SD_OK)
			rowbuf_add(&a->rows, &tf);
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

int
sd_tariff_list(struct sd_session *s, sd_tariff_cb cb, void *arg,
    struct sd_err *err)
{
	struct get_arg a = { NULL, NULL, cb, NULL, arg };
	int st;

	if ((st = sd_authorize(s, SD_OP_TARIFF_SHOW, "", err)) != SD_OK)
		return st;
	rowbuf_init(&a.rows, sizeof(struct sd_tariff), NULL);
	st = sd_db_read(s->core->db, list_txn, &a, err);
	for (size_t i = 0; st == SD_OK && i < a.rows.n; i++)
		if (cb(rowbuf_at(&a.rows, i), arg) != 0)
			break;
	rowbuf_free(&a.rows);
	return st;
}

/* Every rate of a tariff, in key order (prefix, then band). */
static int
rates_walk(struct sd_txn *t, const char *code, sd_rate_cb cb, void *arg,
    struct sd_err *err)
{
	struct sd_cursor *c;
	size_t pl = strlen(code) + 1;
	int st;

	if ((st = sd_cursor_open(t, T_RATE, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_GE, code, pl, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t kl, vl;
		const char *k = sd_cursor_key(c, &kl);
		const void *v = sd_cursor_val(c, &vl);
		struct sd_rate x;

		if (kl < pl || memcmp(k, code, pl) != 0)
			break;
		if (rate_decode(v, vl, &x) == SD_OK && cb(&x, arg))
			break;
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

static int
rate_keep(const struct sd_rate *x, void *arg)
{
	rowbuf_add(arg, x);
	return 0;
}

static int
rates_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct get_arg *a = arg;
	struct sd_tariff tf;
	int st;

	rowbuf_reset(&a->rows);
	if ((st = tariff_load(t, a->code, &tf, 0, err)) != SD_OK)
		return st;
	return rates_walk(t, a->code, rate_keep, &a->rows, err);
}

int
sd_tariff_rates(struct sd_session *s, const char *code, sd_rate_cb cb,
    void *arg, struct sd_err *err)
{
	struct get_arg a = { code, NULL, NULL, cb, arg };
	int st;

	if ((st = sd_authorize(s, SD_OP_TARIFF_SHOW, code, err)) != SD_OK)
		return st;
	rowbuf_init(&a.rows, sizeof(struct sd_rate), NULL);
	st = sd_db_read(s->core->db, rates_txn, &a, err);
	for (size_t i = 0; st == SD_OK && i < a.rows.n; i++)
		if (cb(rowbuf_at(&a.rows, i), arg) != 0)
			break;
	rowbuf_free(&a.rows);
	return st;
}

/* ---------------------------------------------------------------- the compiled cache */

#define RT_CACHE 64

/* Per thread: simdeskd serves each client from a thread of its own. */
static _Thread_local struct {
	char			 code[SD_CODE_MAX + 1];
	uint64_t		 version;
	struct sd_ratetab	*rt;
} cache[RT_CACHE];

void
sd_tariff_cache_free(void)
{
	for (int i = 0; i < RT_CACHE; i++) {
		sd_ratetab_free(cache[i].rt);
		cache[i].rt = NULL;
	}
}

struct build_arg {
	const char		*code;
	struct sd_tariff	 tf;
	struct sd_rate		*rates;
	int			 n, cap;
};

/*
 * One thread's compiled tariffs, read without a lock.  A table handed out stays
 * valid until 64 other tariffs have been compiled after it (an import
 * keeps at most 8 at a time).
 */

static int
collect(const struct sd_rate *x, void *arg)
{
	struct build_arg *a = arg;

	if (a->n == a->cap) {
		a->cap = a->cap ? a->cap * 2 : 256;
		a->rates = xrealloc(a->rates, (size_t)a->cap * sizeof *a->rates);
	}
	a->rates[a->n++] = *x;
	return 0;
}

int
tariff_exists(struct sd_txn *t, const char *code, struct sd_err *err)
{
	struct sd_buf v = SD_BUF_INIT;
	int st = sd_get(t, T_TARIFF, code, strlen(code), &v, 0, err);

	sd_buf_free(&v);
	return st;
}

int
tariff_ratetab_txn(struct sd_txn *t, const char *code,
    const struct sd_ratetab **out, struct sd_err *err)
{
	struct build_arg a;
	int st, slot = -1;

	memset(&a, 0, sizeof a);
	a.code = code;
	if ((st = tariff_load(t, code, &a.tf, 0, err)) != SD_OK)
		return st;
	for (int i = 0; i < RT_CACHE; i++)
		if (cache[i].rt != NULL && strcmp(cache[i].code, code) == 0) {
			if (cache[i].version == a.tf.version) {
				*out = cache[i].rt;
				return SD_OK;
			}
			slot = i;
		}
	if (slot < 0)
		for (int i = 0; i < RT_CACHE && slot < 0; i++)
			if (cache[i].rt == NULL)
				slot = i;
	if (slot < 0)
		slot = (int)(a.tf.version % RT_CACHE);
	if ((st = rates_walk(t, code, collect, &a, err)) == SD_OK) {
		sd_ratetab_free(cache[slot].rt);
		cache[slot].rt = sd_ratetab_build(&a.tf, a.rates, a.n);
		cache[slot].version = a.tf.version;
		sd_strlcpy(cache[slot].code, code, sizeof cache[slot].code);
		*out = cache[slot].rt;
	}
	free(a.rates);
	return st;
}

struct rt_arg {
	const char		 *code;
	const struct sd_ratetab	**out;
};

static int
ratetab_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct rt_arg *a = arg;

	return tariff_ratetab_txn(t, a->code, a->out, err);
}

int
sd_tariff_ratetab(struct sd_session *s, const char *code,
    const struct sd_ratetab **out, struct sd_err *err)
{
	struct rt_arg a = { code, out };
	int st;

	if ((st = sd_authorize(s, SD_OP_TARIFF_SHOW, code, err)) != SD_OK)
		return st;
	return sd_db_read(s->core->db, ratetab_txn, &a, err);
}

int
sd_tariff_quote(struct sd_session *s, const char *code, const char *number,
    int secs, int64_t at, int plan_minutes, struct sd_quote *out,
    struct sd_err *err)
{
	const struct sd_ratetab *rt;
	char digits[48];
	int st, left = plan_minutes;

	memset(out, 0, sizeof *out);
	if (sd_number_normalize(number, digits, sizeof digits) != 0)
		return sd_err_set(err, SD_EINVAL, "number: '%.30s' is not a "
		    "dialled number", number);
	if (secs < 0 || secs > 86400)
		return sd_err_set(err, SD_EINVAL, "seconds: %d is not 0 to 86400",
		    secs);
	if ((st = sd_tariff_ratetab(s, code, &rt, err)) != SD_OK)
		return st;
	st = sd_rate_call(rt, digits, at ? at : sd_now(), secs,
	    plan_minutes > 0 ? &left : NULL, &out->rating);
	if (st == SD_ENOTFOUND)
		return sd_err_set(err, SD_ENOTFOUND, "tariff %s has no rate for "
		    "%s", code, digits);
	if (st != SD_OK)
		return sd_err_set(err, st, "number: cannot be rated");
	out->rate = *out->rating.rate;
	out->rating.rate = &out->rate;
	return SD_OK;
}
