/*
 * rollup.c -- the rollups reports read, kept in the same transaction as
 * the event: a call's figures added to (its start's day, its operator)
 * when it ends; an activation's to (its day, agent, plan, channel,
 * seller) when the card is sold.  An activation counts on its day and
 * stays counted when the card is later terminated or returned (sales are
 * what was sold; nothing is subtracted).  verify recounts every rollup
 * from the events; a rebuild writes them anew, as the first open of a
 * data directory older than the rollups does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/report/report_int.h"

/* ---------------------------------------------------------------- codecs */

size_t
rkey_encode(const struct rkey *k, int nnames, uint8_t *out)
{
	size_t n = 4;

	out[0] = (uint8_t)((uint32_t)k->day >> 24);
	out[1] = (uint8_t)((uint32_t)k->day >> 16);
	out[2] = (uint8_t)((uint32_t)k->day >> 8);
	out[3] = (uint8_t)k->day;
	for (int i = 0; i < nnames; i++) {
		size_t l = strlen(k->name[i]);

		if (l > SD_LOGIN_MAX)
			l = SD_LOGIN_MAX;
		memcpy(out + n, k->name[i], l);
		n += l;
		out[n++] = '\0';
	}
	return n;
}

int
rkey_decode(const void *p, size_t n, int nnames, struct rkey *k)
{
	const uint8_t *b = p;
	size_t at = 4;

	memset(k, 0, sizeof *k);
	if (n < 4)
		return SD_EINVAL;
	k->day = (int)(((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) |
	    ((uint32_t)b[2] << 8) | b[3]);
	for (int i = 0; i < nnames; i++) {
		const uint8_t *z = memchr(b + at, '\0', n - at);
		size_t l;

		if (z == NULL)
			return SD_EINVAL;
		l = (size_t)(z - (b + at));
		if (l > SD_LOGIN_MAX)
			return SD_EINVAL;
		memcpy(k->name[i], b + at, l);
		at += l + 1;
	}
	return at == n ? SD_OK : SD_EINVAL;
}

void
rvals_encode(const struct rvals *r, int n, struct sd_buf *b)
{
	sd_rec_begin(b);
	for (int i = 0; i < n; i++)
		sd_rec_int(b, (unsigned)i + 1, r->v[i]);
}

int
rvals_decode(const void *p, size_t len, int n, struct rvals *r)
{
	struct sd_rec_reader rd;
	int got;

	memset(r, 0, sizeof *r);
	if (sd_rec_open(&rd, p, len) != SD_OK)
		return SD_EINVAL;
	while ((got = sd_rec_next(&rd)) == 1)
		if (rd.type == SD_REC_INT && rd.tag >= 1 && (int)rd.tag <= n)
			r->v[rd.tag - 1] = rd.ival;
	return got == 0 ? SD_OK : SD_EINVAL;
}

void
rvals_add(struct rvals *a, const struct rvals *b, int table)
{
	for (int i = 0; i < RT_VALS(table); i++)
		if (table == T_RCALL && i == SD_RC_LONGEST_S)
			a->v[i] = b->v[i] > a->v[i] ? b->v[i] : a->v[i];
		else
			a->v[i] += b->v[i];
}

const struct sd_table_def report_tables[2] = {
	[T_RCALL - SD_T_REPORT] = { "rcall", 0, { { 0 } } },
	[T_RSALE - SD_T_REPORT] = { "rsale", 0, { { 0 } } },
};

/* ---------------------------------------------------------------- events */

void
call_rollup(const struct sd_call *c, struct rkey *k, struct rvals *r)
{
	int out = c->direction == SD_DIR_OUT;

	memset(k, 0, sizeof *k);
	memset(r, 0, sizeof *r);
	k->day = sd_day_of(c->start ? c->start : c->created);
	sd_strlcpy(k->name[0], c->operator[0] ? c->operator : "-",
	    sizeof k->name[0]);
	r->v[SD_RC_OUT] = out;
	r->v[SD_RC_IN] = c->direction == SD_DIR_IN;
	r->v[SD_RC_ANSWERED] = c->answer != 0;
	r->v[SD_RC_OUT_ANSWERED] = out && c->answer != 0;
	r->v[SD_RC_TALK_S] = c->billsec;
	r->v[SD_RC_LONGEST_S] = c->billsec;
	r->v[SD_RC_MISSED] = strcmp(c->disposition, "missed") == 0;
}

void
sale_rollup(const struct sd_subscription *u, struct rkey *k, struct rvals *r)
{
	memset(k, 0, sizeof *k);
	memset(r, 0, sizeof *r);
	k->day = sd_day_of(u->from);
	sd_strlcpy(k->name[0], u->agent[0] ? u->agent : "-", sizeof k->name[0]);
	sd_strlcpy(k->name[1], u->plan[0] ? u->plan : "-", sizeof k->name[1]);
	sd_strlcpy(k->name[2], u->channel[0] ? u->channel : "-",
	    sizeof k->name[2]);
	sd_strlcpy(k->name[3], u->seller[0] ? u->seller : "-",
	    sizeof k->name[3]);
	r->v[SD_RS_ACTIVATIONS] = 1;
	r->v[SD_RS_REVENUE_FEN] = u->price_fen;
}

/* Add r to the rollup row of k, inside t. */
static int
rollup_add(struct sd_txn *t, int table, const struct rkey *k,
    const struct rvals *r, struct sd_err *err)
{
	uint8_t key[RKEY_MAX + 64];
	struct sd_buf val = SD_BUF_INIT;
	struct rvals cur;
	size_t kl = rkey_encode(k, RT_NAMES(table), key);
	int st = sd_get(t, table, key, kl, &val, SD_GET_RMW, err);

	if (st == SD_ENOTFOUND) {
		memset(&cur, 0, sizeof cur);
		sd_err_clear(err);
	} else if (st != SD_OK) {
		sd_buf_free(&val);
		return st;
	} else if (rvals_decode(val.p, val.len, RT_VALS(table), &cur) != SD_OK) {
		sd_buf_free(&val);
		return sd_err_set(err, SD_EINTERNAL, "%s: rollup record "
		    "corrupt", rec_table_name(table));
	}
	rvals_add(&cur, r, table);
	sd_buf_reset(&val);
	rvals_encode(&cur, RT_VALS(table), &val);
	st = sd_put(t, table, key, kl, val.p, val.len, 0, err);
	sd_buf_free(&val);
	return st;
}

int
report_call_ended(struct sd_txn *t, const struct sd_call *c,
    struct sd_err *err)
{
	struct rkey k;
	struct rvals r;

	call_rollup(c, &k, &r);
	return rollup_add(t, T_RCALL, &k, &r, err);
}

int
report_card_activated(struct sd_txn *t, const char *actor,
    const struct sd_subscription *u, struct sd_err *err)
{
	struct rkey k;
	struct rvals r;

	(void)actor;
	sale_rollup(u, &k, &r);
	return rollup_add(t, T_RSALE, &k, &r, err);
}

/* ---------------------------------------------------------------- recount */

/* The rollups as the events give them: key bytes (in an arena) ->
 * figures, open addressing. */
struct rent {
	uint32_t	 off;		/* the key's offset in keys */
	uint16_t	 kl;
	uint8_t		 used, seen;
	struct rvals	 r;
};
struct rmap {
	struct rent	*e;
	size_t		 cap, n;
	struct sd_buf	 keys;
	int		 table;
};

#define RENT_KEY(m, x)	((const uint8_t *)(m)->keys.p + (x)->off)

static uint64_t
rhash(const uint8_t *p, size_t n)
{
	uint64_t h = 14695981039346656037ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

static struct rent *
rmap_find(struct rmap *m, const uint8_t *key, size_t kl, int add)
{
	size_t i;

	if (add && (m->n + 1) * 10 > m->cap * 7) {
		struct rent *old = m->e;
		size_t oc = m->cap;

		m->cap = oc ? oc * 2 : 256;
		m->e = xcalloc(m->cap, sizeof *m->e);
		for (size_t j = 0; j < oc; j++)
			if (old[j].used) {
				for (i = rhash(RENT_KEY(m, &old[j]), old[j].kl) &
				    (m->cap - 1); m->e[i].used;
				    i = (i + 1) & (m->cap - 1))
					;
				m->e[i] = old[j];
			}
		free(old);
	}
	if (m->cap == 0)
		return NULL;
	for (i = rhash(key, kl) & (m->cap - 1); m->e[i].used;
	    i = (i + 1) & (m->cap - 1))
		if (m->e[i].kl == kl && memcmp(RENT_KEY(m, &m->e[i]), key,
		    kl) == 0)
			return &m->e[i];
	if (!add)
		return NULL;
	m->e[i].used = 1;
	m->e[i].off = (uint32_t)m->keys.len;
	m->e[i].kl = (uint16_t)kl;
	sd_buf_add(&m->keys, key, kl);
	m->n++;
	return &m->e[i];
}

static void
rmap_add(struct rmap *m, const struct rkey *k, const struct rvals *r)
{
	uint8_t key[RKEY_MAX + 64];
	size_t kl = rkey_encode(k, RT_NAMES(m->table), key);

	rvals_add(&rmap_find(m, key, kl, 1)->r, r, m->table);
}

static int
count_call(struct sd_txn *t, const struct sd_call *c, void *arg,
    struct sd_err *err)
{
	struct rkey k;
	struct rvals r;

	(void)t;
	(void)err;
	call_rollup(c, &k, &r);
	rmap_add(arg, &k, &r);
	return SD_OK;
}

static int
count_sale(struct sd_txn *t, const struct sd_subscription *u, void *arg,
    struct sd_err *err)
{
	struct rkey k;
	struct rvals r;

	(void)t;
	(void)err;
	sale_rollup(u, &k, &r);
	rmap_add(arg, &k, &r);
	return SD_OK;
}

/* Both rollups recounted from the events. */
static int
recount(struct sd_txn *t, struct rmap *calls, struct rmap *sales,
    struct sd_err *err)
{
	int st;

	memset(calls, 0, sizeof *calls);
	memset(sales, 0, sizeof *sales);
	calls->table = T_RCALL;
	sales->table = T_RSALE;
	if ((st = calls_ended_each(t, count_call, calls, err)) != SD_OK)
		return st;
	return subs_all(t, count_sale, sales, err);
}

static void
rmap_free(struct rmap *m)
{
	free(m->e);
	sd_buf_free(&m->keys);
	memset(m, 0, sizeof *m);
}

/* Compare table with m: rows that differ, are missing or are extra. */
static int
rollup_check(struct sd_txn *t, struct rmap *m, struct rec_verify *v,
    const char *check, struct sd_err *err)
{
	struct sd_cursor *c;
	long rows = 0, bad = 0;
	char first[200] = "";
	int st;

	if ((st = sd_cursor_open(t, m->table, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t kl, vl;
		const void *k = sd_cursor_key(c, &kl);
		const void *val = sd_cursor_val(c, &vl);
		struct rvals r;
		struct rkey rk;
		struct rent *e = kl <= RKEY_MAX + 64 ?
		    rmap_find(m, k, kl, 0) : NULL;
		char day[16];

		rows++;
		if (rvals_decode(val, vl, RT_VALS(m->table), &r) != SD_OK ||
		    rkey_decode(k, kl, RT_NAMES(m->table), &rk) != SD_OK) {
			if (bad++ == 0)
				snprintf(first, sizeof first, "a record corrupt");
			continue;
		}
		sd_day_text(rk.day, day, sizeof day);
		if (e == NULL) {
			if (bad++ == 0)
				snprintf(first, sizeof first, "%s %s: no such "
				    "events, the rollup has %lld", day,
				    rk.name[0], (long long)r.v[0]);
			continue;
		}
		e->seen = 1;
		for (int i = 0; i < RT_VALS(m->table); i++)
			if (r.v[i] != e->r.v[i]) {
				if (bad++ == 0)
					snprintf(first, sizeof first, "%s %s: "
					    "figure %d is %lld, the events "
					    "give %lld", day, rk.name[0], i + 1,
					    (long long)r.v[i],
					    (long long)e->r.v[i]);
				break;
			}
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	for (size_t i = 0; i < m->cap; i++)
		if (m->e[i].used && !m->e[i].seen) {
			struct rkey rk;
			char day[16];

			if (bad++ == 0 && rkey_decode(RENT_KEY(m, &m->e[i]),
			    m->e[i].kl,
			    RT_NAMES(m->table), &rk) == SD_OK) {
				sd_day_text(rk.day, day, sizeof day);
				snprintf(first, sizeof first, "%s %s: the "
				    "events give %lld, no rollup", day,
				    rk.name[0], (long long)m->e[i].r.v[0]);
			}
		}
	if (bad == 0)
		rec_verify_report(v, check, 1, "%ld rollup rows equal a recount "
		    "of the events", rows);
	else
		rec_verify_report(v, check, 0, "%ld of %ld rollup rows differ "
		    "from a recount of the events (first: %s); simdeskctl "
		    "report rebuild recomputes them", bad, rows, first);
	return SD_OK;
}

int
report_verify(struct sd_txn *t, struct rec_verify *v, struct sd_err *err)
{
	struct rmap calls, sales;
	int st;

	if ((st = recount(t, &calls, &sales, err)) == SD_OK &&
	    (st = rollup_check(t, &calls, v, "report.calls", err)) == SD_OK)
		st = rollup_check(t, &sales, v, "report.sales", err);
	rmap_free(&calls);
	rmap_free(&sales);
	return st;
}

/* ---------------------------------------------------------------- rebuild */

static int
table_clear(struct sd_txn *t, int table, struct sd_err *err)
{
	struct sd_cursor *c;
	struct sd_buf keys = SD_BUF_INIT;
	int st;

	/* The keys first, then each deleted (no deleting under a cursor). */
	if ((st = sd_cursor_open(t, table, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t kl;
		const void *k = sd_cursor_key(c, &kl);
		uint8_t l = (uint8_t)kl;

		if (kl > 255)
			continue;
		sd_buf_add(&keys, &l, 1);
		sd_buf_add(&keys, k, kl);
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND) {
		sd_buf_free(&keys);
		return st;
	}
	sd_err_clear(err);
	st = SD_OK;
	for (size_t at = 0; st == SD_OK && at < keys.len; ) {
		size_t kl = (uint8_t)keys.p[at];

		st = sd_del(t, table, keys.p + at + 1, kl, err);
		at += 1 + kl;
	}
	sd_buf_free(&keys);
	return st;
}

static int
table_fill(struct sd_txn *t, const struct rmap *m, long *rows,
    struct sd_err *err)
{
	struct sd_buf val = SD_BUF_INIT;
	int st = SD_OK;

	*rows = 0;
	for (size_t i = 0; st == SD_OK && i < m->cap; i++) {
		if (!m->e[i].used)
			continue;
		sd_buf_reset(&val);
		rvals_encode(&m->e[i].r, RT_VALS(m->table), &val);
		st = sd_put(t, m->table, RENT_KEY(m, &m->e[i]), m->e[i].kl,
		    val.p, val.len, 0, err);
		(*rows)++;
	}
	sd_buf_free(&val);
	return st;
}

struct rebuild_arg {
	const char *actor;		/* audited as, or NULL */
	long	 calls, sales;
	int	 only_new;		/* report_opened: once */
	int	 done;
};

#define BUILT_KEY	"report:built"

static int
rebuild_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct rebuild_arg *a = arg;
	struct rmap calls, sales;
	struct sd_buf val = SD_BUF_INIT;
	uint8_t one[8];
	int st;

	a->calls = a->sales = 0;
	a->done = 0;
	if (a->only_new) {
		st = rec_meta_get(t, BUILT_KEY, &val, 1, err);
		sd_buf_free(&val);
		if (st == SD_OK)
			return SD_OK;
		if (st != SD_ENOTFOUND)
			return st;
		sd_err_clear(err);
	}
	if ((st = table_clear(t, T_RCALL, err)) != SD_OK ||
	    (st = table_clear(t, T_RSALE, err)) != SD_OK)
		return st;
	if ((st = recount(t, &calls, &sales, err)) == SD_OK &&
	    (st = table_fill(t, &calls, &a->calls, err)) == SD_OK)
		st = table_fill(t, &sales, &a->sales, err);
	rmap_free(&calls);
	rmap_free(&sales);
	if (st != SD_OK)
		return st;
	sd_be64_put(one, 1);
	a->done = 1;
	if ((st = rec_meta_put(t, BUILT_KEY, one, 8, err)) != SD_OK)
		return st;
	if (a->actor != NULL) {
		char detail[80];

		snprintf(detail, sizeof detail, "%ld call rows, %ld sales rows",
		    a->calls, a->sales);
		st = sd_audit_write(t, a->actor, "report.rebuild", "rollups",
		    SD_OUTCOME_OK, "", detail, err);
	}
	return st;
}

int
report_opened(struct sd_core *core, int created, struct sd_err *err)
{
	struct rebuild_arg a;
	memset(&a, 0, sizeof a);
	a.only_new = 1;
	a.actor = created ? NULL : "simdeskd";
	return sd_db_run(core->db, rebuild_txn, &a, err);
}

int
sd_report_rebuild(struct sd_session *s, long *calls, long *sales,
    struct sd_err *err)
{
	struct rebuild_arg a;
	struct sd_refusal no;
	int st;

	memset(&a, 0, sizeof a);
	memset(&no, 0, sizeof no);
	a.actor = s->user.login;
	st = sd_op_run(s, SD_OP_REPORT_REBUILD, "rollups", 0, rebuild_txn, &a,
	    &no, err);
	if (st == SD_OK) {
		*calls = a.calls;
		*sales = a.sales;
	}
	return st;
}
