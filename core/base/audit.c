/*
 * audit.c -- the audit trail: who did what to which object, when, with
 * before/after, and whether it was allowed.  Rows are keyed by (time, id)
 * so listing from a time is a range seek; an index by user does the same
 * per user.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/base/base_int.h"

enum { A_ID = 1, A_AT, A_USER, A_OP, A_OBJECT, A_OUTCOME, A_BEFORE, A_AFTER };

const char *
sd_outcome_name(int outcome)
{
	switch (outcome) {
	case SD_OUTCOME_OK:	return "ok";
	case SD_OUTCOME_DENIED:	return "denied";
	default:		return "failed";
	}
}

static const struct rec_field audit_f[] = {
	REC_I(A_ID, sd_audit, id),
	REC_I(A_AT, sd_audit, at),
	REC_S(A_USER, sd_audit, user),
	REC_S(A_OP, sd_audit, op),
	REC_S(A_OBJECT, sd_audit, object),
	REC_I(A_OUTCOME, sd_audit, outcome),
	REC_S(A_BEFORE, sd_audit, before),
	REC_S(A_AFTER, sd_audit, after),
};

REC_CODEC(audit, struct sd_audit, audit_f)

static void
audit_key(uint8_t key[16], int64_t at, uint64_t id)
{
	sd_be64_put(key, (uint64_t)at);
	sd_be64_put(key + 8, id);
}

int
sd_audit_write(struct sd_txn *t, const char *user, const char *op,
    const char *object, int outcome, const char *before, const char *after,
    struct sd_err *err)
{
	uint64_t id;
	int st;

	if ((st = sd_seq_next(sd_txn_db(t), "audit", &id, err)) != SD_OK)
		return st;
	return audit_write_id(t, id, user, op, object, outcome, before, after,
	    err);
}

int
audit_write_id(struct sd_txn *t, uint64_t id, const char *user,
    const char *op, const char *object, int outcome, const char *before,
    const char *after, struct sd_err *err)
{
	return audit_write_batch(t, NULL, id, user, op, object, outcome,
	    before, after, err);
}

int
audit_write_batch(struct sd_txn *t, struct table_batch *b, uint64_t id,
    const char *user, const char *op, const char *object, int outcome,
    const char *before, const char *after, struct sd_err *err)
{
	struct sd_audit a;
	struct sd_buf val = SD_BUF_INIT;
	uint8_t key[16];
	int st;

	memset(&a, 0, sizeof a);
	a.id = id;
	a.at = sd_now();
	sd_strlcpy(a.user, user != NULL ? user : "", sizeof a.user);
	sd_strlcpy(a.op, op, sizeof a.op);
	sd_strlcpy(a.object, object != NULL ? object : "", sizeof a.object);
	a.outcome = outcome;
	sd_strlcpy(a.before, before != NULL ? before : "", sizeof a.before);
	sd_strlcpy(a.after, after != NULL ? after : "", sizeof a.after);
	audit_encode(&a, &val);
	audit_key(key, a.at, a.id);
	if (b != NULL)
		st = batch_put_new(t, b, T_AUDIT, key, sizeof key, val.p,
		    val.len, err);
	else
		st = sd_put(t, T_AUDIT, key, sizeof key, val.p, val.len,
		    SD_PUT_NOOVERWRITE, err);
	sd_buf_free(&val);
	return st;
}

int
audit_write_many(struct sd_txn *t, const char *user, const char *op, int n,
    audit_row_fn row, void *arg, struct sd_err *err)
{
	enum { CHUNK = 4096 };
	struct sd_audit *a;
	struct sd_buf vals = SD_BUF_INIT;
	struct sd_kv *kv;
	uint8_t (*keys)[16];
	size_t *off;
	uint64_t first;
	int st = SD_OK;

	if (n <= 0)
		return SD_OK;
	if ((st = sd_seq_take(sd_txn_db(t), "audit", (unsigned)n, &first,
	    err)) != SD_OK)
		return st;
	a = xcalloc(1, sizeof *a);
	kv = xcalloc(CHUNK, sizeof *kv);
	keys = xcalloc(CHUNK, sizeof *keys);
	off = xcalloc(CHUNK, sizeof *off);
	for (int from = 0; from < n && st == SD_OK; from += CHUNK) {
		int m = n - from < CHUNK ? n - from : CHUNK;

		sd_buf_reset(&vals);
		for (int i = 0; i < m; i++) {
			memset(a, 0, sizeof *a);
			a->id = first + (uint64_t)(from + i);
			a->at = sd_now();
			sd_strlcpy(a->user, user != NULL ? user : "",
			    sizeof a->user);
			sd_strlcpy(a->op, op, sizeof a->op);
			a->outcome = SD_OUTCOME_OK;
			row(arg, from + i, a->object, sizeof a->object,
			    a->before, sizeof a->before, a->after,
			    sizeof a->after);
			off[i] = vals.len;
			{
				struct sd_buf one = SD_BUF_INIT;

				audit_encode(a, &one);
				sd_buf_add(&vals, one.p, one.len);
				kv[i].vlen = one.len;
				sd_buf_free(&one);
			}
			audit_key(keys[i], a->at, a->id);
			kv[i].key = keys[i];
			kv[i].klen = sizeof keys[i];
		}
		for (int i = 0; i < m; i++)
			kv[i].val = vals.p + off[i];
		st = sd_put_new(t, T_AUDIT, kv, (size_t)m, err);
	}
	sd_buf_free(&vals);
	free(off);
	free(keys);
	free(kv);
	free(a);
	return st;
}

struct log_arg {
	const char	*user, *op, *object, *detail;
	int		 outcome;
};

static int
log_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct log_arg *a = arg;

	return sd_audit_write(t, a->user, a->op, a->object, a->outcome, "",
	    a->detail, err);
}

int
sd_audit_log(struct sd_core *core, const char *user, const char *op,
    const char *object, int outcome, const char *detail)
{
	struct log_arg a = { user, op, object, detail, outcome };
	struct sd_err err;

	return sd_db_run(core->db, log_txn, &a, &err);
}

/* ---------------------------------------------------------------- list */

struct list_arg {
	const struct sd_audit_filter	*f;
	struct sd_audit			*newest;	/* with a limit: newest first */
	int				 n;
	struct rowbuf			 rows;		/* without: oldest first */
};

static int
list_match(const struct sd_audit_filter *f, const struct sd_audit *a)
{
	if (a->at < f->since)
		return 0;
	if (f->until > 0 && a->at > f->until)
		return 0;
	if (f->user != NULL && strcmp(f->user, a->user) != 0)
		return 0;
	if (f->object != NULL &&
	    strncmp(a->object, f->object, strlen(f->object)) != 0)
		return 0;
	if (f->op != NULL && strncmp(a->op, f->op, strlen(f->op)) != 0)
		return 0;
	return 1;
}

/*
 * Rows are keyed by (time, id), and by (user, time, id) in the user index,
 * so "from a time" is a forward seek and "the newest N" a backward walk
 * from the end: neither reads rows it does not return (but for filters).
 */
static int
list_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct list_arg *a = arg;
	const struct sd_audit_filter *f = a->f;
	struct sd_cursor *c;
	struct sd_buf start = SD_BUF_INIT, prefix = SD_BUF_INIT;
	uint8_t edge[16];
	int st, dir = f->limit > 0 ? -1 : 1;
	int idx = f->user != NULL ? IX_AUDIT_USER : -1;

	a->n = 0;
	rowbuf_reset(&a->rows);
	if (f->user != NULL)
		sd_buf_add(&prefix, f->user, strlen(f->user) + 1);
	sd_buf_add(&start, prefix.p, prefix.len);
	if (dir > 0) {
		sd_be64_put(edge, (uint64_t)(f->since > 0 ? f->since : 0));
		sd_buf_add(&start, edge, 8);
	} else {
		memset(edge, 0xff, sizeof edge);	/* past every key */
		sd_buf_add(&start, edge, sizeof edge);
	}
	if ((st = sd_cursor_open(t, T_AUDIT, idx, &c, err)) != SD_OK)
		goto out;
	st = sd_cursor_seek(c, SD_SEEK_GE, start.p, start.len, err);
	if (dir < 0) {
		if (st == SD_OK)
			st = sd_cursor_step(c, -1, err);
		else if (st == SD_ENOTFOUND)
			st = sd_cursor_seek(c, SD_SEEK_LAST, NULL, 0, err);
	}
	while (st == SD_OK) {
		struct sd_audit row;
		size_t klen, vlen;
		const void *k = sd_cursor_key(c, &klen);
		const void *v;

		if (prefix.len > 0 && (klen < prefix.len ||
		    memcmp(k, prefix.p, prefix.len) != 0))
			break;
		v = sd_cursor_val(c, &vlen);
		if (audit_decode(v, vlen, &row) == SD_OK) {
			if (dir < 0 && row.at < f->since)
				break;		/* older than asked for */
			if (dir > 0 && f->until > 0 && row.at > f->until)
				break;		/* newer than asked for */
			if (list_match(f, &row)) {
				if (dir < 0) {
					a->newest[a->n++] = row;
					if (a->n == f->limit)
						break;
				} else
					rowbuf_add(&a->rows, &row);
			}
		}
		st = sd_cursor_step(c, dir, err);
	}
	sd_cursor_close(c);
	if (st == SD_ENOTFOUND || st == SD_OK) {
		sd_err_clear(err);
		st = SD_OK;
	}
out:
	sd_buf_free(&start);
	sd_buf_free(&prefix);
	return st;
}

int
sd_audit_list(struct sd_session *s, const struct sd_audit_filter *f,
    sd_audit_cb cb, void *arg, struct sd_err *err)
{
	struct list_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_AUDIT_LIST, "", err)) != SD_OK)
		return st;
	if (f->until > 0 && f->until < f->since)
		return sd_err_set(err, SD_EINVAL, "until: before since");
	memset(&a, 0, sizeof a);
	a.f = f;
	rowbuf_init(&a.rows, sizeof(struct sd_audit), NULL);
	if (f->limit > 0)
		a.newest = xcalloc((size_t)f->limit, sizeof *a.newest);
	st = sd_db_read(s->core->db, list_txn, &a, err);
	/* Handed out after the commit (a rerun reads them again); the
	 * newest rows were read backwards: oldest first. */
	for (size_t i = 0; st == SD_OK && i < a.rows.n; i++)
		if (cb(rowbuf_at(&a.rows, i), arg) != 0)
			break;
	for (int i = a.n - 1; st == SD_OK && i >= 0; i--)
		if (cb(&a.newest[i], arg) != 0)
			break;
	rowbuf_free(&a.rows);
	free(a.newest);
	return st;
}

/* ---------------------------------------------------------------- bounds */

/* Local midnight of t's day, days on. */
static int64_t
midnight(int64_t t, int days)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	tm.tm_mday += days;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

int
sd_audit_bound_parse(const char *field, const char *s, int64_t now, int end,
    int64_t *out, struct sd_err *err)
{
	const char *p = s != NULL ? s : "";
	int colons = 0, relative;

	while (*p == ' ')
		p++;
	relative = p[0] == '+' || p[0] == '@';
	if (sd_time_parse_human(p, now, out) != SD_OK)
		return sd_err_set(err, SD_EINVAL, "%s: '%s' is not a time "
		    "(2026-12-05, 2026-12-05 10:00, 12-05, 15:30, today, "
		    "+2d)", field, s != NULL ? s : "");
	for (const char *q = p; *q != '\0'; q++)
		colons += *q == ':';
	if (relative)
		return SD_OK;
	if (colons == 0)		/* a day: all of it */
		*out = end ? midnight(*out, 1) - 1 : midnight(*out, 0);
	else if (colons == 1 && end)	/* HH:MM: all of that minute */
		*out += 59;
	return SD_OK;
}

/* ---------------------------------------------------------------- pages */

/* Rows one call reads at most: a filter on the object or operation
 * scans, and the server must not stop for it. */
#define AUDIT_SCAN_MAX	5000

struct apage_arg {
	const struct sd_audit_filter	*f;
	struct sd_buf			 prefix, anchor;
	int				 dir, max, n;
	struct sd_audit			*rows;
	char				(*keys)[SD_PAGEKEY_MAX];
	char				*resume;
};

/* Is there a user of that login, or a row by that name (a failed login's)? */
static int
apage_user_known(struct sd_txn *t, struct apage_arg *a, struct sd_err *err)
{
	struct sd_user u;
	struct sd_cursor *c;
	size_t kl;
	const void *k;
	int st;

	if ((st = user_load(t, a->f->user, &u, 0, err)) != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	if ((st = sd_cursor_open(t, T_AUDIT, IX_AUDIT_USER, &c, err)) != SD_OK)
		return st;
	st = sd_cursor_seek(c, SD_SEEK_GE, a->prefix.p, a->prefix.len, err);
	if (st == SD_OK) {
		k = sd_cursor_key(c, &kl);
		if (kl < a->prefix.len || memcmp(k, a->prefix.p,
		    a->prefix.len) != 0)
			st = SD_ENOTFOUND;
	}
	sd_cursor_close(c);
	if (st == SD_ENOTFOUND)
		return sd_err_set(err, SD_EINVAL, "user: no user '%s'",
		    a->f->user);
	return st;
}

static int
apage_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct apage_arg *a = arg;
	const struct sd_audit_filter *f = a->f;
	struct sd_cursor *c;
	struct sd_buf edge = SD_BUF_INIT;
	uint8_t at[8];
	int st, seen = 0;

	a->n = 0;
	a->resume[0] = '\0';
	if (f->user != NULL && (st = apage_user_known(t, a, err)) != SD_OK)
		return st;
	if ((st = sd_cursor_open(t, T_AUDIT, f->user != NULL ? IX_AUDIT_USER :
	    -1, &c, err)) != SD_OK)
		return st;
	/*
	 * Keys are the prefix (a user's), the time and the id: the first
	 * row is the first at or after since (or after the anchor), the
	 * last the last before until's next second (or before the anchor).
	 */
	if (a->anchor.len > 0)
		sd_buf_add(&edge, a->anchor.p, a->anchor.len);
	else {
		if (a->prefix.len > 0)
			sd_buf_add(&edge, a->prefix.p, a->prefix.len);
		if (a->dir > 0)
			sd_be64_put(at, (uint64_t)f->since);
		else if (f->until > 0)
			sd_be64_put(at, (uint64_t)f->until + 1);
		else
			memset(at, 0xff, sizeof at);
		sd_buf_add(&edge, at, sizeof at);
		if (a->dir < 0 && f->until <= 0)
			sd_buf_add(&edge, at, sizeof at);
	}
	st = sd_cursor_seek(c, SD_SEEK_GE, edge.p, edge.len, err);
	if (a->dir > 0 && st == SD_OK && a->anchor.len > 0) {
		size_t kl;
		const void *k = sd_cursor_key(c, &kl);

		if (kl == a->anchor.len && memcmp(k, a->anchor.p, kl) == 0)
			st = sd_cursor_step(c, 1, err);
	} else if (a->dir < 0) {
		if (st == SD_OK)
			st = sd_cursor_step(c, -1, err);
		else if (st == SD_ENOTFOUND)
			st = sd_cursor_seek(c, SD_SEEK_LAST, NULL, 0, err);
	}
	while (st == SD_OK && a->n < a->max) {
		size_t kl, vl;
		const uint8_t *k = sd_cursor_key(c, &kl);
		const void *v;
		int64_t t_at;

		if (kl != a->prefix.len + 16 || (a->prefix.len > 0 &&
		    memcmp(k, a->prefix.p, a->prefix.len) != 0))
			break;
		t_at = (int64_t)sd_be64_get(k + a->prefix.len);
		if (t_at < f->since || (f->until > 0 && t_at > f->until)) {
			/* Outside the time asked for: before it going back,
			 * after it going on (an anchor may start outside). */
			if ((a->dir < 0) == (t_at < f->since))
				break;
		} else {
			v = sd_cursor_val(c, &vl);
			if (audit_decode(v, vl, &a->rows[a->n]) == SD_OK &&
			    list_match(f, &a->rows[a->n])) {
				if (a->keys != NULL)
					page_hex_encode(k, kl, a->keys[a->n],
					    SD_PAGEKEY_MAX);
				a->n++;
			}
		}
		if (a->n < a->max && ++seen >= AUDIT_SCAN_MAX) {
			page_hex_encode(k, kl, a->resume, SD_PAGEKEY_MAX);
			break;
		}
		st = sd_cursor_step(c, a->dir, err);
	}
	sd_cursor_close(c);
	sd_buf_free(&edge);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	if (a->dir < 0)
		page_reverse(a->rows, sizeof *a->rows, a->keys, a->n);
	return SD_OK;
}

int
sd_audit_page(struct sd_session *s, const struct sd_audit_filter *f,
    const char *anchor, int dir, struct sd_audit *rows,
    char (*page_keys)[SD_PAGEKEY_MAX], int max, int *n, char *resume,
    struct sd_err *err)
{
	struct apage_arg a;
	int st = SD_OK;

	*n = 0;
	memset(&a, 0, sizeof a);
	/* The anchor first: it may be the last call's resume, given back. */
	if (anchor != NULL && anchor[0] != '\0' &&
	    page_hex_decode(anchor, &a.anchor) != 0)
		st = sd_err_set(err, SD_EINVAL, "page: bad anchor");
	else if ((st = sd_authorize(s, SD_OP_AUDIT_LIST, "", err)) != SD_OK)
		;
	else if (f->until > 0 && f->until < f->since)
		st = sd_err_set(err, SD_EINVAL, "until: before since");
	else if (f->user != NULL && f->user[0] == '\0')
		st = sd_err_set(err, SD_EINVAL, "user: must not be empty");
	resume[0] = '\0';
	if (st != SD_OK) {
		sd_buf_free(&a.anchor);
		return st;
	}
	a.f = f;
	a.dir = dir >= 0 ? 1 : -1;
	a.max = max;
	a.rows = rows;
	a.keys = page_keys;
	a.resume = resume;
	if (f->user != NULL)
		sd_buf_add(&a.prefix, f->user, strlen(f->user) + 1);
	st = sd_db_read(s->core->db, apage_txn, &a, err);
	*n = a.n;
	sd_buf_free(&a.prefix);
	sd_buf_free(&a.anchor);
	return st;
}

struct aget_arg {
	const uint8_t	*key;
	struct sd_audit	*out;
};

static int
aget_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct aget_arg *a = arg;
	struct sd_buf val = SD_BUF_INIT;
	int st;

	st = sd_get(t, T_AUDIT, a->key, 16, &val, 0, err);
	if (st == SD_ENOTFOUND)
		st = sd_err_set(err, SD_ENOTFOUND, "audit: no such row");
	else if (st == SD_OK && audit_decode(val.p, val.len, a->out) != SD_OK)
		st = sd_err_set(err, SD_EINTERNAL, "audit: record corrupt");
	sd_buf_free(&val);
	return st;
}

int
sd_audit_get(struct sd_session *s, const char *page_key, struct sd_audit *out,
    struct sd_err *err)
{
	struct sd_buf key = SD_BUF_INIT;
	struct aget_arg a;
	int st;

	memset(out, 0, sizeof *out);
	if ((st = sd_authorize(s, SD_OP_AUDIT_LIST, "", err)) != SD_OK)
		return st;
	/* Every page key ends in the row's own key: its time and id. */
	if (page_key == NULL || page_hex_decode(page_key, &key) != 0 ||
	    key.len < 16)
		st = sd_err_set(err, SD_EINVAL, "page: bad anchor");
	else {
		a.key = (const uint8_t *)key.p + key.len - 16;
		a.out = out;
		st = sd_db_read(s->core->db, aget_txn, &a, err);
	}
	sd_buf_free(&key);
	return st;
}
