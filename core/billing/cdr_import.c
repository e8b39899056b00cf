/*
 * cdr_import.c -- reading call records into the books: Asterisk's
 * Master.csv, FreeSWITCH's cdr_csv and our own CSV, each call matched to
 * the subscription whose number made or received it at that time, rated
 * with its plan's tariff (plan minutes first), stored once, and added to
 * the month's usage that the bill run reads.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/billing/billing_int.h"

/* ---------------------------------------------------------------- numbers */

/* Our numbers are 11-digit mobiles; the switch may add +86, 86 or 0. */
static void
our_number(const char *in, char *out, size_t size)
{
	char d[40];

	if (sd_number_normalize(in, d, sizeof d) != 0) {
		sd_strlcpy(out, "", size);
		return;
	}
	if (strlen(d) == 13 && strncmp(d, "86", 2) == 0)
		memmove(d, d + 2, 12);
	else if (strlen(d) == 15 && strncmp(d, "0086", 4) == 0)
		memmove(d, d + 4, 12);
	else if (strlen(d) == 12 && d[0] == '0' && d[1] == '1')
		memmove(d, d + 1, 12);
	sd_strlcpy(out, d, size);
}

/* ---------------------------------------------------------------- parsing */

struct call {
	char	 src[33], dst[33];
	int64_t	 start, answer;
	int	 duration, billsec;
	char	 uniq[65];
	int	 dir;		/* simdesk format: given; else -1 */
};

static uint64_t
fnv(const char *s, uint64_t h)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int
num(const char *field, const char *v, int *out, struct sd_err *e)
{
	char *end;
	long n;

	n = strtol(v ? v : "", &end, 10);
	if (v == NULL || v[0] == '\0' || *end != '\0' || n < 0 || n > 86400 * 7)
		return sd_err_set(e, SD_EINVAL, "%s: '%.20s' is not a number of "
		    "seconds", field, v ? v : "");
	*out = (int)n;
	return SD_OK;
}

/*
 * "YYYY-MM-DD HH:MM:SS", what switches write, through a memo of the hour's
 * start (sd_time_parse of "YYYY-MM-DD HH:00:00") plus minutes and seconds;
 * 0 when v is some other form (sd_time_parse reads it).
 */
static int
when_fast(const char *v, int64_t *out)
{
	static _Thread_local struct {
		char	 hour[14];
		int64_t	 at;
	} memo[256];
	static const char form[] = "dddd-dd-dd dd:dd:dd";
	char buf[20];
	unsigned h = 0;
	int mi, sec;

	for (int i = 0; i < 19; i++)
		if (form[i] == 'd' ? v[i] < '0' || v[i] > '9' : v[i] != form[i])
			return 0;
	if (v[19] != '\0')
		return 0;
	mi = (v[14] - '0') * 10 + v[15] - '0';
	sec = (v[17] - '0') * 10 + v[18] - '0';
	if (mi > 59 || sec > 59)
		return 0;
	for (int i = 0; i < 13; i++)
		h = h * 31 + (unsigned char)v[i];
	h &= 255;
	if (memcmp(memo[h].hour, v, 13) != 0) {
		memcpy(buf, v, 13);
		memcpy(buf + 13, ":00:00", 7);
		if (sd_time_parse(buf, &memo[h].at) != SD_OK)
			return 0;
		memcpy(memo[h].hour, v, 13);
		memo[h].hour[13] = '\0';
	}
	*out = memo[h].at + mi * 60 + sec;
	return 1;
}

static int
when(const char *field, const char *v, int64_t *out, struct sd_err *e)
{
	if (v == NULL || v[0] == '\0') {
		*out = 0;
		return SD_OK;
	}
	if (when_fast(v, out))
		return SD_OK;
	if (sd_time_parse(v, out) != SD_OK)
		return sd_err_set(e, SD_EINVAL, "%s: '%.30s' is not YYYY-MM-DD "
		    "HH:MM:SS", field, v);
	return SD_OK;
}

static const char *
cell(const struct sd_table *t, int r, int c)
{
	return c < t->ncells[r] ? t->cells[r][c] : "";
}

/* Columns of our own format. */
static const char *const simdesk_cols[] = { "call_id", "msisdn", "direction",
    "number", "start", "answer", "billsec", "duration" };

static int
parse_row(const struct sd_table *t, int r, int format, const int *col,
    struct call *c, struct sd_err *e)
{
	int st, n = t->ncells[r];
	const char *start, *answer, *billsec, *duration;

	memset(c, 0, sizeof *c);
	c->dir = -1;
	switch (format) {
	case SD_CDR_ASTERISK:
		if (n < 16 || n > 21)
			return sd_err_set(e, SD_EINVAL, "row: %d columns, an "
			    "Asterisk Master.csv row has 16 to 21", n);
		sd_strlcpy(c->src, cell(t, r, 1), sizeof c->src);
		sd_strlcpy(c->dst, cell(t, r, 2), sizeof c->dst);
		start = cell(t, r, 9);
		answer = cell(t, r, 10);
		duration = cell(t, r, 12);
		billsec = cell(t, r, 13);
		if (n > 16)
			sd_strlcpy(c->uniq, cell(t, r, 16), sizeof c->uniq);
		break;
	case SD_CDR_FREESWITCH:
		if (n < 11)
			return sd_err_set(e, SD_EINVAL, "row: %d columns, a "
			    "FreeSWITCH cdr_csv row has 15", n);
		sd_strlcpy(c->src, cell(t, r, 1), sizeof c->src);
		sd_strlcpy(c->dst, cell(t, r, 2), sizeof c->dst);
		start = cell(t, r, 4);
		answer = cell(t, r, 5);
		duration = cell(t, r, 7);
		billsec = cell(t, r, 8);
		sd_strlcpy(c->uniq, cell(t, r, 10), sizeof c->uniq);
		break;
	default: {
		const char *d = col[2] >= 0 ? cell(t, r, col[2]) : "out";

		if (strcmp(d, "out") == 0 || d[0] == '\0')
			c->dir = SD_DIR_OUT;
		else if (strcmp(d, "in") == 0)
			c->dir = SD_DIR_IN;
		else
			return sd_err_set(e, SD_EINVAL, "direction: '%.10s' is "
			    "not out or in", d);
		sd_strlcpy(c->src, cell(t, r, col[1]), sizeof c->src);
		sd_strlcpy(c->dst, cell(t, r, col[3]), sizeof c->dst);
		if (c->dir == SD_DIR_IN) {
			char tmp[33];

			memcpy(tmp, c->src, sizeof tmp);
			memcpy(c->src, c->dst, sizeof tmp);
			memcpy(c->dst, tmp, sizeof tmp);
		}
		start = cell(t, r, col[4]);
		answer = col[5] >= 0 ? cell(t, r, col[5]) : "";
		billsec = cell(t, r, col[6]);
		duration = col[7] >= 0 ? cell(t, r, col[7]) : billsec;
		if (col[0] >= 0)
			sd_strlcpy(c->uniq, cell(t, r, col[0]), sizeof c->uniq);
		break;
	}
	}
	if ((st = when("start", start, &c->start, e)) != SD_OK ||
	    (st = when("answer", answer, &c->answer, e)) != SD_OK ||
	    (st = num("billsec", billsec, &c->billsec, e)) != SD_OK ||
	    (st = num("duration", duration[0] ? duration : "0", &c->duration,
	    e)) != SD_OK)
		return st;
	if (c->start == 0)
		return sd_err_set(e, SD_EINVAL, "start: required");
	if (c->answer == 0)
		c->billsec = 0;		/* never answered */
	if (c->uniq[0] == '\0') {
		char buf[128];
		uint64_t h;

		snprintf(buf, sizeof buf, "%s|%s|%lld|%d", c->src, c->dst,
		    (long long)c->start, c->duration);
		h = fnv(buf, 14695981039346656037ULL);
		snprintf(c->uniq, sizeof c->uniq, "h:%016llx",
		    (unsigned long long)h);
	}
	return SD_OK;
}

/* ---------------------------------------------------------------- import */

/* What the check pass found for a row, reused by the write pass. */
struct match {
	uint64_t sub, customer;
	char	 msisdn[SD_MSISDN_MAX + 1];
	char	 plan[SD_CODE_MAX + 1];
	int	 dir;
};

#define PLAN_MEMO 8

/*
 * The subscriptions numbers had, found once an import: a number has one
 * subscription at a time (they do not overlap), so one that covers a call's
 * time is the one subscription_at would find for it.
 */
struct subent {
	char	 num[SD_MSISDN_MAX + 1];	/* "" = free */
	uint64_t id, customer;
	char	 msisdn[SD_MSISDN_MAX + 1];
	char	 plan[SD_CODE_MAX + 1];
	int64_t	 from, ended;
};

struct subcache {
	struct subent	*e;
	size_t		 n, cap;	/* cap a power of two */
};

/* The usage rows a batch touches, read once, written once in key order. */
struct uent {
	struct sd_usage	 u;
	int		 used;
};

struct ucache {
	struct uent	*e;
	size_t		 n, cap;
};

static uint64_t
mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

static struct subent *
subcache_slot(struct subcache *c, const char *num)
{
	size_t i;

	if (c->cap == 0)
		return NULL;
	for (i = fnv(num, 14695981039346656037ULL) & (c->cap - 1);
	    c->e[i].num[0] != '\0'; i = (i + 1) & (c->cap - 1))
		if (strcmp(c->e[i].num, num) == 0)
			break;
	return &c->e[i];
}

static void
subcache_put(struct subcache *c, const char *num,
    const struct sd_subscription *u)
{
	struct subent *e;

	if (strlen(num) > SD_MSISDN_MAX)
		return;
	if ((c->n + 1) * 2 > c->cap) {
		struct subcache g = { NULL, 0, c->cap ? c->cap * 2 : 1024 };

		g.e = xcalloc(g.cap, sizeof *g.e);
		for (size_t i = 0; i < c->cap; i++)
			if (c->e[i].num[0] != '\0') {
				*subcache_slot(&g, c->e[i].num) = c->e[i];
				g.n++;
			}
		free(c->e);
		*c = g;
	}
	e = subcache_slot(c, num);
	if (e->num[0] == '\0')
		c->n++;
	sd_strlcpy(e->num, num, sizeof e->num);
	e->id = u->id;
	e->customer = u->customer;
	sd_strlcpy(e->msisdn, u->msisdn, sizeof e->msisdn);
	sd_strlcpy(e->plan, u->plan, sizeof e->plan);
	e->from = u->from;
	e->ended = u->ended;
}

/* subscription_at through the cache; sub->id 0 when none. */
static int
sub_at(struct sd_txn *t, struct subcache *c, const char *num, int64_t at,
    struct sd_subscription *sub, struct sd_err *e)
{
	struct subent *x = subcache_slot(c, num);
	int st;

	if (x != NULL && x->num[0] != '\0' && x->from <= at &&
	    (x->ended == 0 || x->ended > at)) {
		memset(sub, 0, sizeof *sub);
		sub->id = x->id;
		sub->customer = x->customer;
		sd_strlcpy(sub->msisdn, x->msisdn, sizeof sub->msisdn);
		sd_strlcpy(sub->plan, x->plan, sizeof sub->plan);
		return SD_OK;
	}
	if ((st = subscription_at(t, num, at, sub, e)) == SD_OK && sub->id != 0)
		subcache_put(c, num, sub);
	return st;
}

static struct uent *
ucache_slot(struct ucache *c, uint64_t sub, int month)
{
	size_t i;

	for (i = mix64(sub * 1000003ULL + (uint64_t)month) & (c->cap - 1);
	    c->e[i].used; i = (i + 1) & (c->cap - 1))
		if (c->e[i].u.sub == sub && c->e[i].u.month == month)
			break;
	return &c->e[i];
}

/* The batch's figures of sub in month, read from the table on first use. */
static int
ucache_get(struct sd_txn *t, struct ucache *c, uint64_t sub, int month,
    struct sd_usage **out, struct sd_err *e)
{
	struct uent *x;
	int st;

	if ((c->n + 1) * 2 > c->cap) {
		struct ucache g = { NULL, 0, c->cap ? c->cap * 2 : 4096 };

		g.e = xcalloc(g.cap, sizeof *g.e);
		for (size_t i = 0; i < c->cap; i++)
			if (c->e[i].used) {
				*ucache_slot(&g, c->e[i].u.sub,
				    c->e[i].u.month) = c->e[i];
				g.n++;
			}
		free(c->e);
		*c = g;
	}
	x = ucache_slot(c, sub, month);
	if (!x->used) {
		if ((st = usage_load(t, sub, month, &x->u, 1, e)) != SD_OK)
			return st;
		x->used = 1;
		c->n++;
	}
	*out = &x->u;
	return SD_OK;
}

static void
ucache_reset(struct ucache *c)
{
	if (c->n > 0)
		memset(c->e, 0, c->cap * sizeof *c->e);
	c->n = 0;
}

static int
ucmp(const void *a, const void *b)
{
	const struct uent *x = a, *y = b;

	if (!x->used || !y->used)
		return y->used - x->used;	/* the used first */
	if (x->u.sub != y->u.sub)
		return x->u.sub < y->u.sub ? -1 : 1;
	return (x->u.month > y->u.month) - (x->u.month < y->u.month);
}

/* Each usage row the batch touched, once, in key order. */
static int
ucache_flush(struct sd_txn *t, struct ucache *c, struct sd_err *e)
{
	size_t n = c->n;
	int st = SD_OK;

	if (n == 0)
		return SD_OK;
	qsort(c->e, c->cap, sizeof *c->e, ucmp);
	for (size_t i = 0; st == SD_OK && i < n; i++)
		if ((st = rec_bill_touch(t, c->e[i].u.month, e)) == SD_OK)
			st = usage_store(t, &c->e[i].u, e);
	ucache_reset(c);
	return st;
}

struct imp {
	struct sd_session	*s;
	const struct sd_table	*t;
	const char		*file;
	int			 format;
	int			 first;		/* first data row */
	int			 col[8];	/* simdesk format */
	unsigned char		*bad;
	char			(*why)[200];	/* the bad rows', in order */
	struct sd_err		 firstbad;	/* the first bad row's */
	long			 nbad;
	struct match		 cur;		/* the row's subscription */
	struct chunks		*src;		/* the rows, a slice at a time */
	long			 row0;		/* m->t's first row in the file */
	long			 nrows;		/* rows in the file (pass 1) */
	int			 ncols;		/* its widest row */
	int			 fallback;	/* a slice would not parse */
	struct subcache		 subs;		/* numbers matched so far */
	struct ucache		 usage;		/* the batch's usage rows */
	struct sd_buf		 val;		/* a record being written */
	/* Plans and their compiled tariffs, looked up once a transaction. */
	struct {
		struct sd_plan		 p;
		const struct sd_ratetab	*rt;
	}			 memo[PLAN_MEMO];
	int			 nmemo;
	/* write pass */
	int			 from, to;	/* rows of this batch */
	uint64_t		 batch_id;	/* its first call's id */
	uint64_t		 next_id;
	int			 probe;		/* look for each call first */
	long			 written, dups;
};

static int
plan_tariff(struct sd_txn *t, struct imp *m, const char *code,
    const struct sd_plan **p, const struct sd_ratetab **rt, struct sd_err *e)
{
	int st, k;

	for (k = 0; k < m->nmemo; k++)
		if (strcmp(m->memo[k].p.code, code) == 0) {
			*p = &m->memo[k].p;
			*rt = m->memo[k].rt;
			return SD_OK;
		}
	k = m->nmemo < PLAN_MEMO ? m->nmemo++ : PLAN_MEMO - 1;
	st = plan_load(t, code, &m->memo[k].p, e);
	if (st != SD_OK) {
		m->nmemo = k;
		return sd_err_set(e, SD_EINVAL, "plan %s: missing", code);
	}
	if (m->memo[k].p.tariff[0] == '\0') {
		m->nmemo = k;
		return sd_err_set(e, SD_EINVAL, "plan %s has no tariff to rate "
		    "calls with", code);
	}
	if ((st = tariff_ratetab_txn(t, m->memo[k].p.tariff, &m->memo[k].rt,
	    e)) != SD_OK) {
		m->nmemo = k;
		return st;
	}
	*p = &m->memo[k].p;
	*rt = m->memo[k].rt;
	return SD_OK;
}

/* Match a row to its subscription (check pass). */
static int
match_row(struct sd_txn *t, struct imp *m, const struct call *c,
    struct match *mt, struct sd_err *e)
{
	struct sd_subscription sub;
	char ours[33];
	int64_t at = c->answer ? c->answer : c->start;
	int st;

	memset(mt, 0, sizeof *mt);
	/* Our number made the call, or received it. */
	our_number(c->src, ours, sizeof ours);
	if ((st = sub_at(t, &m->subs, ours, at, &sub, e)) != SD_OK)
		return st;
	mt->dir = SD_DIR_OUT;
	if (sub.id == 0 && c->dir != SD_DIR_OUT) {
		our_number(c->dst, ours, sizeof ours);
		if ((st = sub_at(t, &m->subs, ours, at, &sub, e)) != SD_OK)
			return st;
		mt->dir = SD_DIR_IN;
	}
	if (sub.id == 0) {
		char tm[32];

		sd_time_format(at, tm, sizeof tm);
		return sd_err_set(e, SD_ENOTFOUND, "no subscription has %.20s or "
		    "%.20s at %s", c->src, c->dst, tm);
	}
	mt->sub = sub.id;
	mt->customer = sub.customer;
	sd_strlcpy(mt->msisdn, sub.msisdn, sizeof mt->msisdn);
	sd_strlcpy(mt->plan, sub.plan, sizeof mt->plan);
	return SD_OK;
}

/*
 * One row inside t.  The check pass (store 0) matches and finds a rate;
 * the write pass rates against the month's plan minutes and stores.
 */
static int
one(struct sd_txn *t, struct imp *m, int r, int store, struct sd_err *e)
{
	struct call c;
	struct sd_buf pk = SD_BUF_INIT;
	const struct sd_ratetab *rt = NULL;
	const struct sd_plan *p = NULL;
	struct sd_rating rating;
	struct match *mt = &m->cur;
	struct sd_usage *u;
	struct sd_cdr x;
	int64_t at;
	int st, left;

	if ((st = parse_row(m->t, r, m->format, m->col, &c, e)) != SD_OK)
		return st;
	at = c.answer ? c.answer : c.start;
	/* Each pass: the write pass finds what the check found (cached). */
	if ((st = match_row(t, m, &c, mt, e)) != SD_OK)
		return st;
	if ((st = plan_tariff(t, m, mt->plan, &p, &rt, e)) != SD_OK)
		return st;
	memset(&x, 0, sizeof x);
	x.direction = mt->dir;
	sd_number_normalize(x.direction == SD_DIR_OUT ? c.dst : c.src, x.other,
	    sizeof x.other);
	if (!store) {
		/* Only that a rate exists: minutes are counted when written. */
		if (x.direction == SD_DIR_OUT) {
			st = sd_rate_call(rt, x.other, at, c.billsec, NULL, &rating);
			if (st == SD_ENOTFOUND)
				return sd_err_set(e, SD_EINVAL, "tariff %s has no "
				    "rate for %s", p->tariff, x.other);
			if (st != SD_OK)
				return sd_err_set(e, SD_EINVAL, "dst: '%.30s' cannot "
				    "be rated", c.dst);
		}
		return SD_OK;
	}
	/*
	 * Duplicates: a call already on file is charged nothing twice.  A
	 * batch first runs without looking (the unique index refuses a call
	 * on file, and the batch starts again, looking at each).
	 */
	if (m->probe) {
		st = sd_get_by(t, T_CDR, IX_CDR_UNIQ, c.uniq, strlen(c.uniq),
		    &pk, NULL, 0, e);
		sd_buf_free(&pk);
		if (st == SD_OK)
			return SD_EEXIST;
		if (st != SD_ENOTFOUND)
			return st;
		sd_err_clear(e);
	}
	x.id = m->next_id;
	x.sub = mt->sub;
	x.customer = mt->customer;
	sd_strlcpy(x.msisdn, mt->msisdn, sizeof x.msisdn);
	x.start = c.start;
	x.answer = c.answer;
	x.duration = c.duration;
	x.billsec = c.billsec;
	sd_strlcpy(x.uniq, c.uniq, sizeof x.uniq);
	sd_strlcpy(x.source, m->format == SD_CDR_ASTERISK ? "asterisk" :
	    m->format == SD_CDR_FREESWITCH ? "freeswitch" : "simdesk",
	    sizeof x.source);
	x.month = sd_month_of(at);
	if ((st = ucache_get(t, &m->usage, mt->sub, x.month, &u, e)) != SD_OK)
		return st;
	if (x.direction == SD_DIR_OUT) {
		left = p->minutes - u->bundle_min;
		if (left < 0)
			left = 0;
		if ((st = sd_rate_call(rt, x.other, at, c.billsec, &left,
		    &rating)) != SD_OK)
			return sd_err_set(e, SD_EINVAL, "tariff %s has no rate for "
			    "%s", p->tariff, x.other);
		sd_strlcpy(x.prefix, rating.rate->prefix, sizeof x.prefix);
		sd_strlcpy(x.rate_name, rating.rate->name, sizeof x.rate_name);
		x.unit_mfen = rating.rate->per_minute_mfen;
		x.billable_s = rating.billable_s;
		x.bundle_min = rating.bundle_min;
		x.cost_fen = rating.cost_fen;
	}
	/* The month's figures are written once, at the batch's end. */
	u->calls++;
	u->answered += c.billsec > 0;
	u->seconds += c.billsec;
	u->bundle_min += x.bundle_min;
	u->billable_s += x.billable_s;
	u->call_fee_fen += x.cost_fen;
	{
		uint8_t key[8];

		key64(key, x.id);
		cdr_encode(&x, &m->val);
		st = sd_put(t, T_CDR, key, 8, m->val.p, m->val.len,
		    SD_PUT_NOOVERWRITE, e);
	}
	m->next_id++;
	return st;
}

/* The check: every row of every slice, nothing written. */
static int
check_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct imp *m = arg;
	long cap = 0;
	int k;

	m->nbad = 0;
	m->nmemo = 0;
	m->nrows = 0;
	m->ncols = 0;
	chunks_rewind(m->src);
	while ((k = chunks_next(m->src, &m->t, &m->row0, err)) == 1) {
		const struct sd_table *tb = m->t;

		m->nrows = m->row0 + tb->nrows;
		if (tb->ncols > m->ncols)
			m->ncols = tb->ncols;
		if (m->nrows > cap) {
			long old = cap;

			cap = m->nrows * 2;
			m->bad = xrealloc(m->bad, (size_t)cap);
			memset(m->bad + old, 0, (size_t)(cap - old));
		}
		for (int r = m->row0 == 0 ? m->first : 0; r < tb->nrows; r++) {
			struct sd_err e;
			int st;

			m->bad[m->row0 + r] = 0;
			sd_err_clear(&e);
			st = one(t, m, r, 0, &e);
			if (st == SD_ERETRY || st == SD_EINTERNAL) {
				*err = e;
				err->status = st;
				return st;
			}
			if (st != SD_OK && st != SD_EEXIST) {
				m->bad[m->row0 + r] = 1;
				if ((m->nbad & (m->nbad - 1)) == 0)
					m->why = xrealloc(m->why, (size_t)(m->nbad ?
					    m->nbad * 2 : 1) * sizeof *m->why);
				snprintf(m->why[m->nbad], sizeof m->why[0],
				    "%.60s:%d: %.120s", m->file, tb->lines[r],
				    e.msg);
				if (m->nbad == 0)
					sd_err_nest(&m->firstbad, st, &e,
					    "%.60s:%d: %.120s", m->file,
					    tb->lines[r], e.msg);
				m->nbad++;
			}
		}
	}
	if (k != 0)
		m->fallback = 1;	/* read it whole: that names the error */
	return k == 0 ? SD_OK : k;
}

static int
write_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct imp *m = arg;
	long w = 0, d = 0;
	int st;

	/* From the batch's start again if a deadlock made us retry. */
	m->next_id = m->batch_id;
	m->nmemo = 0;		/* the tariffs may have changed since */
	ucache_reset(&m->usage);
	for (int r = m->from; r < m->to; r++) {
		struct sd_err e;

		if (m->bad[m->row0 + r])
			continue;
		sd_err_clear(&e);
		st = one(t, m, r, 1, &e);
		if (st == SD_EEXIST && !m->probe) {
			/* The index refused a call: the batch again, looking. */
			*err = e;
			return SD_EEXIST;
		}
		if (st == SD_EEXIST) {
			d++;
			continue;
		}
		if (st != SD_OK) {
			return sd_err_nest(err, st == SD_EINVAL ? SD_EREFUSED : st,
			    &e, "%.60s:%d: %s", m->file, m->t->lines[r], e.msg);
		}
		w++;
	}
	if ((st = ucache_flush(t, &m->usage, err)) != SD_OK)
		return st;
	m->written += w;
	m->dups += d;
	return SD_OK;
}

int
sd_cdr_format_parse(const char *s)
{
	if (s == NULL || strcmp(s, "asterisk") == 0)
		return SD_CDR_ASTERISK;
	if (strcmp(s, "freeswitch") == 0)
		return SD_CDR_FREESWITCH;
	if (strcmp(s, "simdesk") == 0)
		return SD_CDR_SIMDESK;
	return -1;
}

/* Calls a batch (a durable commit each; fewer syncs, locks held longer). */
#define CDR_BATCH 10000

/* The header (our format's columns, or a line some exports add). */
static int
header(struct imp *m, const struct sd_table *t, struct sd_err *err)
{
	if (m->format == SD_CDR_SIMDESK) {
		if (t->nrows < 1)
			return sd_err_set(err, SD_EINVAL, "%s: empty", m->file);
		for (int k = 0; k < 8; k++) {
			m->col[k] = -1;
			for (int c = 0; c < t->ncells[0]; c++)
				if (strcasecmp(t->cells[0][c], simdesk_cols[k]) == 0)
					m->col[k] = c;
		}
		if (m->col[1] < 0 || m->col[3] < 0 || m->col[4] < 0 ||
		    m->col[6] < 0)
			return sd_err_set(err, SD_EINVAL, "%s: header: needs the "
			    "columns msisdn, number, start and billsec (and may "
			    "have call_id, direction, answer, duration)", m->file);
		m->first = 1;
	} else if (t->nrows > 0 && t->ncells[0] > 1 &&
	    (strcasecmp(t->cells[0][0], "accountcode") == 0 ||
	    strcasecmp(t->cells[0][0], "caller_id_name") == 0))
		m->first = 1;		/* a header line some exports add */
	return SD_OK;
}

/* The rejects file: the header, then each bad row with its reason, its
 * cells padded to the file's widest row. */
static int
write_rejects(struct imp *m, const char *rejects, struct sd_err *err)
{
	struct rejects w;
	struct sd_table tc;
	long k = 0;
	int st;

	chunks_rewind(m->src);
	if ((st = chunks_next(m->src, &m->t, &m->row0, err)) != 1)
		return st == 0 ? sd_err_set(err, SD_EINVAL, "%s: no call records",
		    m->file) : st;
	tc = *m->t;
	tc.ncols = m->ncols;
	if ((st = rejects_open(&w, rejects, &tc, m->first, err)) != SD_OK)
		return st;
	do {
		tc = *m->t;
		tc.ncols = m->ncols;
		w.t = &tc;
		for (int r = 0; r < tc.nrows && m->row0 + r < m->nrows; r++)
			if (m->bad[m->row0 + r] && k < m->nbad)
				rejects_row(&w, r, m->why[k++]);
	} while ((st = chunks_next(m->src, &m->t, &m->row0, err)) == 1);
	if (st != 0) {
		struct sd_err e;

		(void)rejects_close(&w, &e);
		return st;
	}
	return rejects_close(&w, err);
}

static int
import_run(struct imp *m, const char *rejects,
    void (*progress)(long done, long total, void *arg), void *progress_arg,
    struct sd_err *err)
{
	struct sd_session *s = m->s;
	uint64_t first_id;
	int st;

	chunks_rewind(m->src);
	st = chunks_next(m->src, &m->t, &m->row0, err);
	if (st != 0 && st != 1) {
		m->fallback = 1;
		return st;
	}
	if ((st = header(m, st == 1 ? m->t : &m->src->t, err)) != SD_OK)
		return st;
	/* Every row checked before anything is written. */
	if ((st = sd_db_read(s->core->db, check_txn, m, err)) != SD_OK)
		return st;
	if (m->nrows <= m->first)
		return sd_err_set(err, SD_EINVAL, "%s: no call records", m->file);
	if (m->nbad > 0 && rejects == NULL) {
		if (m->nbad == 1)
			return sd_err_nest(err, SD_EINVAL, &m->firstbad, "%s (1 bad "
			    "row in all; nothing imported; set the bad rows "
			    "aside (skip-bad) to import the rest)",
			    m->firstbad.msg);
		return sd_err_nest(err, SD_EINVAL, &m->firstbad, "%s (%ld "
		    "bad rows in all; nothing imported; set the bad "
		    "rows aside (skip-bad) to import the rest)",
		    m->firstbad.msg, m->nbad);
	}
	if (rejects != NULL && (st = write_rejects(m, rejects, err)) != SD_OK)
		return st;
	if ((st = sd_seq_take(s->core->db, "cdr", (unsigned)(m->nrows -
	    m->first), &first_id, err)) != SD_OK)
		return st;
	m->next_id = first_id;
	/* Written in batches, each durable; a rerun skips what is in. */
	chunks_rewind(m->src);
	while ((st = chunks_next(m->src, &m->t, &m->row0, err)) == 1) {
		int n = m->t->nrows;

		if (m->row0 + n > m->nrows)	/* grew since the check */
			n = (int)(m->nrows - m->row0);
		for (m->from = m->row0 == 0 ? m->first : 0; m->from < n;
		    m->from = m->to) {
			m->to = m->from + CDR_BATCH < n ? m->from + CDR_BATCH : n;
			m->batch_id = m->next_id;
			m->probe = 0;
			st = sd_db_run(s->core->db, write_txn, m, err);
			if (st == SD_EEXIST) {
				m->probe = 1;
				st = sd_db_run(s->core->db, write_txn, m, err);
			}
			if (st != SD_OK)
				return st;
			if (progress != NULL)
				progress(m->row0 + m->to - m->first, m->nrows -
				    m->first, progress_arg);
		}
		if (n < m->t->nrows)
			break;
	}
	if (st != 0 && st != 1)
		return st;
	return SD_OK;
}

/* The whole import of src (a table, or a file read in slices). */
static int
import_src(struct sd_session *s, const char *file, struct chunks *src,
    int format, const char *rejects,
    void (*progress)(long done, long total, void *arg), void *progress_arg,
    struct sd_import_result *r, int *fallback, struct sd_err *err)
{
	struct imp m;
	int st;

	memset(r, 0, sizeof *r);
	memset(&m, 0, sizeof m);
	m.s = s;
	m.file = file;
	m.format = format;
	m.src = src;
	st = import_run(&m, rejects, progress, progress_arg, err);
	*fallback = m.fallback;
	if (st != SD_OK)
		goto out;
	{
		char obj[300], detail[96];

		snprintf(obj, sizeof obj, "file:%.200s", file);
		snprintf(detail, sizeof detail, "%ld calls, %ld duplicates, %ld "
		    "rejected", m.written, m.dups, m.nbad);
		if ((st = sd_audit_log(s->core, s->user.login, "cdr.import",
		    obj, SD_OUTCOME_OK, detail)) != SD_OK) {
			/* The calls are in; importing again adds none. */
			st = sd_err_set(err, SD_EINTERNAL, "%s: imported, but "
			    "its audit row could not be written: import it again",
			    file);
			goto out;
		}
	}
	r->imported = m.written;
	r->duplicates = m.dups;
	r->rejected = m.nbad;
out:
	free(m.bad);
	free(m.why);
	free(m.subs.e);
	free(m.usage.e);
	sd_buf_free(&m.val);
	return st;
}

int
sd_cdr_import(struct sd_session *s, const char *file, const struct sd_table *t,
    int format, const char *rejects,
    void (*progress)(long done, long total, void *arg), void *progress_arg,
    struct sd_import_result *r, struct sd_err *err)
{
	struct chunks src;
	int st, fallback;

	memset(r, 0, sizeof *r);
	if ((st = sd_authorize(s, SD_OP_CDR_IMPORT, file, err)) != SD_OK)
		return st;
	memset(&src, 0, sizeof src);
	src.whole = t;
	return import_src(s, file, &src, format, rejects, progress,
	    progress_arg, r, &fallback, err);
}

int
sd_cdr_import_file(struct sd_session *s, const char *file,
    enum sd_encoding enc, int format, const char *rejects,
    void (*progress)(long done, long total, void *arg), void *progress_arg,
    struct sd_import_result *r, struct sd_err *err)
{
	struct chunks src;
	struct sd_table t;
	char magic[4];
	size_t n = strlen(file), got;
	int st, fallback = 1;

	memset(r, 0, sizeof *r);
	if ((st = sd_authorize(s, SD_OP_CDR_IMPORT, file, err)) != SD_OK)
		return st;
	memset(&src, 0, sizeof src);
	src.path = file;
	/* A UTF-8 CSV file in slices; a workbook, GB18030 (or a file a
	 * slice of which does not parse, for the error) read whole. */
	if (enc != SD_ENC_GB18030 && !(n > 5 &&
	    strcasecmp(file + n - 5, ".xlsx") == 0) &&
	    (src.f = sd_file_open(file, "rb", err)) != NULL) {
		got = fread(magic, 1, 4, src.f);
		if (got == 4 && memcmp(magic, "PK\3\4", 4) == 0)
			st = SD_OK;
		else
			st = import_src(s, file, &src, format, rejects, progress,
			    progress_arg, r, &fallback, err);
		fclose(src.f);
		sd_table_free(&src.t);
		sd_buf_free(&src.buf);
		if (!fallback)
			return st;
	}
	sd_err_clear(err);
	if ((st = sd_table_read(file, enc, &t, err)) != SD_OK)
		return st;
	st = sd_cdr_import(s, file, &t, format, rejects, progress, progress_arg,
	    r, err);
	sd_table_free(&t);
	return st;
}

