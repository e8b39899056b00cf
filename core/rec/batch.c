/*
 * batch.c -- one table of rows applied in one transaction: every row is
 * tried, the bad ones are named by file:line, and the file goes in whole
 * or not at all.  With a rejects file, a dry run finds the bad rows, they
 * are written there, and the good rows go in.  Card imports and batch
 * activations both run through here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/rec/rec.h"

int
batch_columns(struct table_batch *b, const char *const *names, int n,
    const char *const *required, struct sd_err *err)
{
	const struct sd_table *t = b->t;

	if (t->nrows < 1)
		return sd_err_set(err, SD_EINVAL, "%s: empty", b->file);
	for (int k = 0; k < n && k < BATCH_COLS; k++) {
		b->col[k] = -1;
		for (int c = 0; c < t->ncells[0]; c++)
			if (strcasecmp(t->cells[0][c], names[k]) == 0)
				b->col[k] = c;
	}
	for (int i = 0; required[i] != NULL; i++)
		for (int k = 0; k < n; k++)
			if (strcmp(names[k], required[i]) == 0 && b->col[k] < 0) {
				struct sd_buf all = SD_BUF_INIT;

				for (int j = 0; j < n; j++)
					sd_buf_printf(&all, "%s%s", j ? ", " : "",
					    names[j]);
				sd_err_set(err, SD_EINVAL, "%s: header: no column "
				    "%s (columns: %s)", b->file, names[k],
				    sd_buf_cstr(&all));
				sd_buf_free(&all);
				return SD_EINVAL;
			}
	return SD_OK;
}

const char *
batch_cell(const struct table_batch *b, int row, int k)
{
	int c = b->col[k];

	if (c < 0 || c >= b->t->ncells[row])
		return NULL;
	return b->t->cells[row][c];
}

/* ---------------------------------------------------------------- bulk */

/* Records written together by sd_put_new (about 1 MB of them). */
#define BATCH_BULK 4096

static int
pend_flush(struct sd_txn *t, struct table_batch *b, struct batch_pend *pd,
    struct sd_err *err)
{
	struct sd_kv *kv, *old = NULL;
	const char *p = pd->data.p;
	int st;

	if (pd->n == 0)
		return SD_OK;
	kv = xcalloc(pd->n, sizeof *kv);
	if (pd->replace)
		old = xcalloc(pd->n, sizeof *old);
	for (size_t i = 0; i < pd->n; i++) {
		uint32_t kl, vl, ol;

		memcpy(&kl, p, 4);
		memcpy(&vl, p + 4, 4);
		memcpy(&ol, p + 8, 4);
		kv[i].key = p + 12;
		kv[i].klen = kl;
		kv[i].val = p + 12 + kl;
		kv[i].vlen = vl;
		if (old != NULL) {
			old[i].key = kv[i].key;
			old[i].klen = kl;
			old[i].val = p + 12 + kl + vl;
			old[i].vlen = ol;
		}
		p += 12 + kl + vl + ol;
	}
	st = pd->replace ? sd_put_replace(t, pd->table, kv, old, pd->n, err) :
	    sd_put_new(t, pd->table, kv, pd->n, err);
	free(kv);
	free(old);
	pd->n = 0;
	sd_buf_reset(&pd->data);
	if (st == SD_EEXIST && !batch_probing(b))
		b->conflict = 1;	/* run again, probing */
	/* Not one row's fault (a key checked absent by the rows is there,
	 * the disk is full): the file stops. */
	if (st != SD_OK && st != SD_ERETRY)
		st = sd_err_nest(err, SD_EINTERNAL, err, "%.60s: %s", b->file,
		    err->msg);
	return st;
}

static int
bulk_flush(struct sd_txn *t, struct table_batch *b, struct sd_err *err)
{
	int st = SD_OK;

	for (int i = 0; i < b->npend && st == SD_OK; i++)
		st = pend_flush(t, b, &b->pend[i], err);
	return st;
}

static int
pend_add(struct sd_txn *t, struct table_batch *b, int table, int replace,
    const void *key, size_t kl, const void *val, size_t vl, const void *old,
    size_t ol, struct sd_err *err)
{
	uint32_t n[3] = { (uint32_t)kl, (uint32_t)vl, (uint32_t)ol };
	struct batch_pend *pd = NULL;
	int st;

	if (b->dry)
		return SD_OK;
	for (int i = 0; i < b->npend; i++)
		if (b->pend[i].table == table && b->pend[i].replace == replace)
			pd = &b->pend[i];
	if (pd == NULL) {
		if (b->npend == 4) {	/* all taken: write them, start over */
			if ((st = bulk_flush(t, b, err)) != SD_OK)
				return st;
			for (int i = 0; i < 4; i++)
				sd_buf_free(&b->pend[i].data);
			b->npend = 0;
		}
		pd = &b->pend[b->npend++];
		memset(pd, 0, sizeof *pd);
		pd->table = table;
		pd->replace = replace;
	}
	sd_buf_add(&pd->data, n, 12);
	sd_buf_add(&pd->data, key, kl);
	sd_buf_add(&pd->data, val, vl);
	if (ol > 0)
		sd_buf_add(&pd->data, old, ol);
	if (++pd->n >= BATCH_BULK)
		return pend_flush(t, b, pd, err);
	return SD_OK;
}

int
batch_put_new(struct sd_txn *t, struct table_batch *b, int table,
    const void *key, size_t kl, const void *val, size_t vl,
    struct sd_err *err)
{
	return pend_add(t, b, table, 0, key, kl, val, vl, NULL, 0, err);
}

int
batch_put_replace(struct sd_txn *t, struct table_batch *b, int table,
    const void *key, size_t kl, const void *val, size_t vl,
    const void *old, size_t ol, struct sd_err *err)
{
	return pend_add(t, b, table, 1, key, kl, val, vl, old, ol, err);
}

/* Forget what is pending (a run starting over, or the end). */
static void
pend_free(struct table_batch *b)
{
	for (int i = 0; i < b->npend; i++)
		sd_buf_free(&b->pend[i].data);
	b->npend = 0;
}

int
batch_probing(const struct table_batch *b)
{
	return !b->optimistic || b->dry || b->probe;
}

static uint64_t
set_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void
set_reset(struct batch_set *set)
{
	free(set->off);
	sd_buf_free(&set->arena);
	memset(set, 0, sizeof *set);
}

int
batch_seen(const struct table_batch *b, int which, const char *s)
{
	const struct batch_set *set = &b->seen[which];

	if (set->cap == 0)
		return 0;
	for (size_t i = set_hash(s) & (set->cap - 1); set->off[i] != 0;
	    i = (i + 1) & (set->cap - 1))
		if (strcmp(set->arena.p + set->off[i] - 1, s) == 0)
			return 1;
	return 0;
}

static void
set_put(struct batch_set *set, uint32_t off)
{
	size_t i = set_hash(set->arena.p + off - 1) & (set->cap - 1);

	while (set->off[i] != 0)
		i = (i + 1) & (set->cap - 1);
	set->off[i] = off;
}

void
batch_see(struct table_batch *b, int which, const char *s)
{
	struct batch_set *set = &b->seen[which];
	uint32_t off;

	if (batch_seen(b, which, s))
		return;
	if ((set->n + 1) * 10 > set->cap * 7) {	/* grow: 70% full */
		uint32_t *old = set->off;
		size_t oldcap = set->cap;

		set->cap = oldcap ? oldcap * 2 : 1024;
		set->off = xcalloc(set->cap, sizeof *set->off);
		for (size_t i = 0; i < oldcap; i++)
			if (old[i] != 0)
				set_put(set, old[i]);
		free(old);
	}
	off = (uint32_t)set->arena.len + 1;
	sd_buf_add(&set->arena, s, strlen(s) + 1);
	set_put(set, off);
	set->n++;
}

/* ---------------------------------------------------------------- rows */

static int
batch_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct table_batch *b = arg;
	char obj[300], detail[64];
	int st;

	b->nbad = 0;
	b->written = 0;
	/* A rerun after a deadlock starts over. */
	pend_free(b);
	set_reset(&b->seen[0]);
	set_reset(&b->seen[1]);
	for (int r = 1; r < b->t->nrows; r++) {
		struct sd_err e;

		b->bad[r] = 0;
		sd_err_clear(&e);
		st = b->row(t, b, r, &e);
		if (st == SD_ERETRY || st == SD_EINTERNAL) {
			*err = e;
			err->status = st;
			return st;
		}
		if (st != SD_OK) {
			b->bad[r] = 1;
			snprintf(b->why[r], sizeof b->why[0], "%.60s:%d: %.120s",
			    b->file, b->t->lines[r], e.msg);
			if (b->nbad == 0)
				sd_err_nest(&b->first, st, &e, "%.60s:%d: %.120s",
				    b->file, b->t->lines[r], e.msg);
			b->nbad++;
		} else
			b->written++;
		if (b->progress != NULL && r % 1000 == 0)
			b->progress(r, b->t->nrows - 1, b->progress_arg);
	}
	if (!batch_probing(b) && b->nbad > 0) {
		/* Rows that met the database were not counted: again. */
		b->conflict = 1;
		return sd_err_set(err, SD_EINTERNAL, "%.60s: bad rows: run "
		    "again looking each one up", b->file);
	}
	if (b->dry || b->nbad > 0)
		return SD_EINVAL;	/* nothing goes in */
	if ((st = bulk_flush(t, b, err)) != SD_OK)
		return st;
	snprintf(obj, sizeof obj, "file:%.200s", b->file);
	snprintf(detail, sizeof detail, "%ld %s", b->written, b->what);
	return sd_audit_write(t, b->s->user.login, b->op, obj, SD_OUTCOME_OK,
	    "", detail, err);
}

/* The rows in one transaction; optimistic, again probing if it must. */
static int
batch_rows(struct table_batch *b, struct sd_err *err)
{
	int st;

	b->probe = 0;
	b->conflict = 0;
	st = sd_db_run(b->s->core->db, batch_txn, b, err);
	if (st != SD_OK && b->conflict) {
		b->probe = 1;
		b->conflict = 0;
		st = sd_db_run(b->s->core->db, batch_txn, b, err);
	}
	return st;
}

int
batch_run(struct table_batch *b, const char *rejects, struct sd_import_result *r,
    struct sd_err *err)
{
	int st;

	memset(r, 0, sizeof *r);
	if (b->t->nrows < 2)
		return sd_err_set(err, SD_EINVAL, "%s: no rows under the header",
		    b->file);
	b->bad = xcalloc((size_t)b->t->nrows, 1);
	b->why = xcalloc((size_t)b->t->nrows, sizeof *b->why);
	/* With a rejects file a dry run finds the bad rows, then the good
	 * go in. */
	b->dry = rejects != NULL;
	st = batch_rows(b, err);
	if (st == SD_EINVAL && b->dry && b->nbad == 0)
		st = SD_OK;		/* the dry run's own abort */
	if (st == SD_EINVAL && b->nbad > 0) {
		if (rejects == NULL) {
			if (b->nbad == 1)
				st = sd_err_nest(err, SD_EINVAL, &b->first, "%s "
				    "(1 bad row in all; nothing written; set the "
				    "bad rows aside (skip-bad) to take the rest)",
				    b->first.msg);
			else
				st = sd_err_nest(err, SD_EINVAL, &b->first, "%s "
				    "(%ld bad rows in all; nothing written; set "
				    "the bad rows aside (skip-bad) to take the "
				    "rest)", b->first.msg, b->nbad);
			goto out;
		}
		st = SD_OK;		/* bad rows go to the rejects file */
	}
	if (st != SD_OK || rejects == NULL)
		goto out;
	{
		struct rejects w;

		if ((st = rejects_open(&w, rejects, b->t, 1, err)) != SD_OK)
			goto out;
		for (int i = 1; i < b->t->nrows; i++)
			if (b->bad[i])
				rejects_row(&w, i, b->why[i]);
		if ((st = rejects_close(&w, err)) != SD_OK)
			goto out;
	}
	r->rejected = b->nbad;
	/* Now the good rows: skip the known bad ones. */
	{
		const struct sd_table *all = b->t;
		struct sd_table good = *all;
		int n = 1;

		good.cells = xcalloc((size_t)all->nrows, sizeof *good.cells);
		good.ncells = xcalloc((size_t)all->nrows, sizeof *good.ncells);
		good.lines = xcalloc((size_t)all->nrows, sizeof *good.lines);
		good.cells[0] = all->cells[0];
		good.ncells[0] = all->ncells[0];
		good.lines[0] = all->lines[0];
		for (int i = 1; i < all->nrows; i++)
			if (!b->bad[i]) {
				good.cells[n] = all->cells[i];
				good.ncells[n] = all->ncells[i];
				good.lines[n] = all->lines[i];
				n++;
			}
		good.nrows = n;
		b->t = &good;
		b->dry = 0;
		if (n > 1)
			st = batch_rows(b, err);
		else
			b->written = 0;
		b->t = all;
		free(good.cells);
		free(good.ncells);
		free(good.lines);
		if (st == SD_EINVAL)
			st = sd_err_set(err, SD_EREFUSED, "%s: the data changed "
			    "while it was checked; nothing written", b->file);
	}
out:
	if (st == SD_OK)
		r->imported = b->written;
	pend_free(b);
	set_reset(&b->seen[0]);
	set_reset(&b->seen[1]);
	free(b->bad);
	free(b->why);
	b->bad = NULL;
	b->why = NULL;
	return st;
}
