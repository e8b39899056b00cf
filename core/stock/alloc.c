/*
 * alloc.c -- allocating a range of cards to an agent in bulk (sales.c's
 * sim allocate --range): what allocate_one does card by card, a chunk of
 * cards at a time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stock/stock_int.h"

/*
 * A range at once: up to RANGE_CHUNK cards read in key order (the cursor
 * closed before anything is written), each checked and changed, then
 * written back with their index entries and audit rows in bulk
 * (sd_put_replace, audit_write_many): the same records, entries and rows
 * as allocate_one card by card.
 */
#define RANGE_CHUNK 8192

struct range {
	const char	*first, *last, *agent;
	int		 n;
};

struct range_chunk {
	struct sd_buf	 keys, old, new;
	size_t		*koff, *ooff, *noff;
	size_t		 n;
	const char	*agent;
};

static void
range_audit_row(void *arg, int i, char *object, size_t osize, char *before,
    size_t bsize, char *after, size_t asize)
{
	const struct range_chunk *r = arg;
	struct sd_sim c;

	memset(&c, 0, sizeof c);
	sim_decode(r->new.p + r->noff[i], r->noff[i + 1] - r->noff[i], &c);
	snprintf(object, osize, "sim:%s", c.iccid);
	snprintf(before, bsize, "status=in_stock");
	snprintf(after, asize, "status=%s agent=%s customer=%llu",
	    sd_sim_status_name(c.status), c.agent,
	    (unsigned long long)c.customer);
}

/* Read the next chunk of the range after key from (NULL: from first). */
static int
range_read(struct sd_txn *t, const struct range *a, const struct sd_buf *from,
    struct range_chunk *r, struct sd_err *err)
{
	struct sd_cursor *c;
	size_t last = strlen(a->last);
	int st;

	r->n = 0;
	sd_buf_reset(&r->keys);
	sd_buf_reset(&r->old);
	if ((st = sd_cursor_open(t, T_SIM, -1, &c, err)) != SD_OK)
		return st;
	st = from == NULL ? sd_cursor_seek(c, SD_SEEK_GE, a->first,
	    strlen(a->first), err) : sd_cursor_seek(c, SD_SEEK_GE, from->p,
	    from->len, err);
	/* Past the last key read: step over it. */
	if (st == SD_OK && from != NULL) {
		size_t kl;
		const void *k = sd_cursor_key(c, &kl);

		if (kl == from->len && memcmp(k, from->p, kl) == 0)
			st = sd_cursor_step(c, 1, err);
	}
	for (; st == SD_OK && r->n < RANGE_CHUNK; st = sd_cursor_step(c, 1, err)) {
		size_t kl, vl;
		const char *k = sd_cursor_key(c, &kl);
		const void *v = sd_cursor_val(c, &vl);

		if (kl != last || memcmp(k, a->last, kl) > 0) {
			st = SD_ENOTFOUND;
			break;
		}
		r->koff[r->n] = r->keys.len;
		r->ooff[r->n] = r->old.len;
		sd_buf_add(&r->keys, k, kl);
		sd_buf_add(&r->old, v, vl);
		r->n++;
	}
	r->koff[r->n] = r->keys.len;
	r->ooff[r->n] = r->old.len;
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

int
alloc_range(struct sd_txn *t, struct sd_session *s, const char *agent,
    const char *first, const char *last, int *n, struct sd_err *err)
{
	struct range rg = { first, last, agent, 0 };
	struct range *a = &rg;
	struct range_chunk r;
	struct sd_kv *rows, *old;
	struct sd_buf from = SD_BUF_INIT;
	int st = SD_OK, more = 1;

	memset(&r, 0, sizeof r);
	r.agent = a->agent;
	r.koff = xcalloc(RANGE_CHUNK + 1, sizeof *r.koff);
	r.ooff = xcalloc(RANGE_CHUNK + 1, sizeof *r.ooff);
	r.noff = xcalloc(RANGE_CHUNK + 1, sizeof *r.noff);
	rows = xcalloc(RANGE_CHUNK, sizeof *rows);
	old = xcalloc(RANGE_CHUNK, sizeof *old);
	while (st == SD_OK && more) {
		st = range_read(t, a, a->n ? &from : NULL, &r, err);
		if (st != SD_OK)
			break;
		more = r.n == RANGE_CHUNK;
		if (r.n == 0)
			break;
		sd_buf_reset(&r.new);
		for (size_t i = 0; i < r.n && st == SD_OK; i++) {
			struct sd_sim c;
			char iccid[SD_ICCID_MAX + 1];
			size_t kl = r.koff[i + 1] - r.koff[i];

			snprintf(iccid, sizeof iccid, "%.*s", (int)kl,
			    r.keys.p + r.koff[i]);
			if (sim_decode(r.old.p + r.ooff[i], r.ooff[i + 1] -
			    r.ooff[i], &c) != SD_OK) {
				st = sd_err_set(err, SD_EINTERNAL, "sim %s: record "
				    "corrupt", iccid);
				break;
			}
			if (c.status != SD_SIM_IN_STOCK) {
				st = sd_err_set(err, SD_EREFUSED, "sim %s is %s, not "
				    "in_stock: nothing allocated", c.iccid,
				    sd_sim_status_name(c.status));
				break;
			}
			c.status = SD_SIM_ALLOCATED;
			sd_strlcpy(c.agent, a->agent, sizeof c.agent);
			c.updated = sd_now();
			r.noff[i] = r.new.len;
			{
				struct sd_buf one = SD_BUF_INIT;

				sim_encode(&c, &one);
				sd_buf_add(&r.new, one.p, one.len);
				sd_buf_free(&one);
			}
		}
		if (st != SD_OK)
			break;
		r.noff[r.n] = r.new.len;
		for (size_t i = 0; i < r.n; i++) {
			rows[i].key = old[i].key = r.keys.p + r.koff[i];
			rows[i].klen = old[i].klen = r.koff[i + 1] - r.koff[i];
			old[i].val = r.old.p + r.ooff[i];
			old[i].vlen = r.ooff[i + 1] - r.ooff[i];
			rows[i].val = r.new.p + r.noff[i];
			rows[i].vlen = r.noff[i + 1] - r.noff[i];
		}
		if ((st = sd_put_replace(t, T_SIM, rows, old, r.n, err)) !=
		    SD_OK ||
		    (st = audit_write_many(t, s->user.login, "sim.allocate",
		    (int)r.n, range_audit_row, &r, err)) != SD_OK)
			break;
		a->n += (int)r.n;
		sd_buf_reset(&from);
		sd_buf_add(&from, r.keys.p + r.koff[r.n - 1],
		    r.koff[r.n] - r.koff[r.n - 1]);
	}
	if (st == SD_OK && a->n == 0)
		st = sd_err_set(err, SD_ENOTFOUND, "no cards in %s-%s", a->first,
		    a->last);
	sd_buf_free(&from);
	sd_buf_free(&r.keys);
	sd_buf_free(&r.old);
	sd_buf_free(&r.new);
	free(r.koff);
	free(r.ooff);
	free(r.noff);
	free(rows);
	free(old);
	*n = a->n;
	return st;
}
