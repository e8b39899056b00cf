/*
 * bulk.c -- new records in bulk, for imports.  Through associate every put
 * of a record searches the table and each index from the root, opens and
 * closes a cursor on each, and mallocs each index key.  Here a batch of
 * records is written in key order through one bulk cursor
 * (DB_MULTIPLE_KEY) on a handle of the table without associate, then
 * each index's keys (its extractor's, the same entries associate makes)
 * are sorted and written the same way: pages are found once and filled
 * in order.  It runs inside the caller's transaction like any put.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_int.h"

/* One key/data pair to write, pointing into the caller's or our memory. */
struct pair {
	const uint8_t	*k;
	const uint8_t	*v;
	uint32_t	 kl, vl;
};

/* One index's keys of a batch: bytes, and where each is and whose. */
struct ixkeys {
	struct sd_buf	 keys;
	struct {
		size_t	 off, len, row;
	}		*at;
	size_t		 n, cap;
};

/* Berkeley DB's default order: bytes, then the shorter first. */
static int
bytes_cmp(const uint8_t *a, uint32_t al, const uint8_t *b, uint32_t bl)
{
	int c = memcmp(a, b, al < bl ? al : bl);

	if (c != 0)
		return c;
	return al < bl ? -1 : al > bl;
}

static int
pair_cmp_key(const void *x, const void *y)
{
	const struct pair *a = x, *b = y;

	return bytes_cmp(a->k, a->kl, b->k, b->kl);
}

/* Sorted duplicates: the key, then the data (the primary key). */
static int
pair_cmp_dup(const void *x, const void *y)
{
	const struct pair *a = x, *b = y;
	int c = bytes_cmp(a->k, a->kl, b->k, b->kl);

	return c != 0 ? c : bytes_cmp(a->v, a->vl, b->v, b->vl);
}

/* Is the array in order already (keys that arrive in order)? */
static int
sorted(const struct pair *p, size_t n, int (*cmp)(const void *, const void *))
{
	for (size_t i = 1; i < n; i++)
		if (cmp(&p[i - 1], &p[i]) > 0)
			return 0;
	return 1;
}

/*
 * None of n keys (in order) is in d yet: DB_MULTIPLE_KEY cannot be
 * combined with DB_NOOVERWRITE, so the keys are checked first, in one
 * merge of the batch against the tree: a cursor seeks the first key at
 * or after the batch's next key and stays while the batch's keys are
 * below it.  Keys appended after everything (sequence ids, names in
 * order) cost one seek in all.  The pages read stay locked to the
 * transaction, so no one adds a key there before the writes.
 */
static int
check_absent(DB *d, DB_TXN *txn, const struct pair *p, size_t n,
    const char *what, struct sd_err *err)
{
	DBC *c;
	DBT k, v;
	int ret, have = 0;

	if ((ret = d->cursor(d, txn, &c, 0)) != 0)
		return sd_db_sanitize(ret, err, what);
	memset(&k, 0, sizeof k);
	memset(&v, 0, sizeof v);
	k.flags = DB_DBT_REALLOC;
	v.flags = DB_DBT_PARTIAL;	/* the key alone */
	ret = 0;
	for (size_t i = 0; i < n; i++) {
		int cmp = have ? bytes_cmp(k.data, k.size, p[i].k, p[i].kl) : -1;

		if (cmp < 0) {
			/* Behind: seek the first key at or after this one. */
			void *q = realloc(k.data, p[i].kl ? p[i].kl : 1);

			if (q == NULL) {
				ret = ENOMEM;
				break;
			}
			k.data = q;
			memcpy(k.data, p[i].k, p[i].kl);
			k.size = p[i].kl;
			ret = c->get(c, &k, &v, DB_SET_RANGE);
			if (ret == DB_NOTFOUND) {
				ret = 0;	/* nothing at or after: all new */
				break;
			}
			if (ret != 0)
				break;
			have = 1;
			cmp = bytes_cmp(k.data, k.size, p[i].k, p[i].kl);
		}
		if (cmp == 0) {
			ret = DB_KEYEXIST;
			break;
		}
	}
	c->close(c);
	free(k.data);
	return sd_db_sanitize(ret, err, what);
}

/*
 * Write n pairs (in order) to d in bulk: DB_MULTIPLE_KEY buffers of up to
 * about 1 MB, each one DB->put.  unique: the keys are checked first
 * (check_absent); sorted duplicates take the pair whatever is there.
 */
static int
put_pairs(DB *d, DB_TXN *txn, const struct pair *p, size_t n, int unique,
    const char *what, struct sd_err *err)
{
	size_t i = 0;
	void *buf = NULL;
	size_t cap = 0;
	int ret = 0, st;

	if (unique && (st = check_absent(d, txn, p, n, what, err)) != SD_OK)
		return st;
	/* Two of the batch with one key (a unique key, or a record's
	 * primary key): the second would overwrite the first's pair, where
	 * a put one at a time says the key exists. */
	for (size_t m = 1; unique && m < n; m++)
		if (pair_cmp_key(&p[m - 1], &p[m]) == 0)
			return sd_db_sanitize(DB_KEYEXIST, err, what);
	while (i < n && ret == 0) {
		size_t need = sizeof(u_int32_t), j;
		DBT k, v;
		void *ptr;

		/* As many pairs as fit in about 1 MB (at least one). */
		for (j = i; j < n; j++) {
			size_t one = (size_t)p[j].kl + p[j].vl + 4 * sizeof(u_int32_t);

			if (j > i && need + one > (1u << 20))
				break;
			need += one;
		}
		need = (need + 7) & ~(size_t)7;
		if (need > cap) {
			free(buf);
			cap = need;
			buf = xmalloc(cap);
		}
		memset(&k, 0, sizeof k);
		memset(&v, 0, sizeof v);
		k.data = buf;
		k.ulen = (u_int32_t)cap;
		k.flags = DB_DBT_USERMEM;
		DB_MULTIPLE_WRITE_INIT(ptr, &k);
		for (size_t m = i; m < j; m++) {
			DB_MULTIPLE_KEY_WRITE_NEXT(ptr, &k, p[m].k, p[m].kl,
			    p[m].v, p[m].vl);
			if (ptr == NULL) {	/* cannot be: sized above */
				free(buf);
				return sd_err_set(err, SD_EINTERNAL, "%s: bulk "
				    "buffer overflow", what);
			}
		}
		ret = d->put(d, txn, &k, &v, DB_MULTIPLE_KEY);
		i = j;
	}
	free(buf);
	return sd_db_sanitize(ret, err, what);
}

/* Add one key of row to x. */
static void
ix_add(struct ixkeys *x, const void *k, size_t kl, size_t row, size_t hint)
{
	if (x->n == x->cap) {
		x->cap = x->cap ? x->cap * 2 : hint + 16;
		x->at = xrealloc(x->at, x->cap * sizeof *x->at);
	}
	x->at[x->n].off = x->keys.len;
	x->at[x->n].len = kl;
	x->at[x->n].row = row;
	x->n++;
	sd_buf_add(&x->keys, k, kl);
}

/* The keys of x as pairs (key, the row's primary key), sorted, into *p. */
static void
ix_pairs(const struct ixkeys *x, const struct sd_kv *rows, int unique,
    struct pair **p, size_t *cap)
{
	int (*cmp)(const void *, const void *) = unique ? pair_cmp_key :
	    pair_cmp_dup;

	if (x->n > *cap) {
		*cap = x->n;
		*p = xrealloc(*p, *cap * sizeof **p);
	}
	for (size_t m = 0; m < x->n; m++) {
		(*p)[m].k = (const uint8_t *)x->keys.p + x->at[m].off;
		(*p)[m].kl = (uint32_t)x->at[m].len;
		(*p)[m].v = rows[x->at[m].row].key;
		(*p)[m].vl = (uint32_t)rows[x->at[m].row].klen;
	}
	if (!sorted(*p, x->n, cmp))
		qsort(*p, x->n, sizeof **p, cmp);
}

/* Delete n pairs (in order) from d in bulk: each must be there. */
static int
del_pairs(DB *d, DB_TXN *txn, const struct pair *p, size_t n,
    const char *what, struct sd_err *err)
{
	size_t i = 0;
	void *buf = NULL;
	size_t cap = 0;
	int ret = 0;

	while (i < n && ret == 0) {
		size_t need = sizeof(u_int32_t), j;
		DBT k;
		void *ptr;

		for (j = i; j < n; j++) {
			size_t one = (size_t)p[j].kl + p[j].vl + 4 * sizeof(u_int32_t);

			if (j > i && need + one > (1u << 20))
				break;
			need += one;
		}
		need = (need + 7) & ~(size_t)7;
		if (need > cap) {
			free(buf);
			cap = need;
			buf = xmalloc(cap);
		}
		memset(&k, 0, sizeof k);
		k.data = buf;
		k.ulen = (u_int32_t)cap;
		k.flags = DB_DBT_USERMEM;
		DB_MULTIPLE_WRITE_INIT(ptr, &k);
		for (size_t m = i; m < j && ptr != NULL; m++)
			DB_MULTIPLE_KEY_WRITE_NEXT(ptr, &k, p[m].k, p[m].kl,
			    p[m].v, p[m].vl);
		if (ptr == NULL) {
			free(buf);
			return sd_err_set(err, SD_EINTERNAL, "%s: bulk buffer "
			    "overflow", what);
		}
		ret = d->del(d, txn, &k, DB_MULTIPLE_KEY);
		i = j;
	}
	free(buf);
	if (ret == DB_NOTFOUND)	/* an index entry its record said it had */
		return sd_err_set(err, SD_EINTERNAL, "%s: an index entry is "
		    "missing (run verify)", what);
	return sd_db_sanitize(ret, err, what);
}

/* Is key k (kl bytes) among those of ks? */
static int
keys_have(const struct sd_keys *ks, const char *k, size_t kl)
{
	for (int m = 0; m < ks->n; m++)
		if (ks->len[m] == kl && memcmp(ks->buf.p + ks->off[m], k, kl) == 0)
			return 1;
	return 0;
}

/*
 * sd_put_new (old NULL) and sd_put_replace: the records, then for each
 * index the entries that go (old records' keys the new ones lack) and
 * those that come, each in key order.
 */
static int
bulk_write(struct sd_txn *t, int table, struct sd_kv *rows,
    const struct sd_kv *old, size_t n, struct sd_err *err)
{
	struct sd_db *db = t->db;
	const struct sd_table_def *def = &db->defs[table];
	struct sd_table *tb = &db->t[table];
	struct pair *p;
	struct ixkeys *ins, *del;
	struct sd_keys *kk, *ok;	/* a record's keys, each index's */
	size_t cap;
	int st = SD_OK;

	if (n == 0)
		return SD_OK;
	if (db->fault_puts > 0 && table == db->fault_table &&
	    atomic_fetch_sub(&db->fault_puts, 1) > 0)
		return sd_err_set(err, db->fault_status, "%s: injected fault",
		    def->name);
	if (def->nindexes == 0 || tb->raw[0] == NULL) {
		/* No indexes: the table's own handle, one put at a time. */
		for (size_t i = 0; i < n && st == SD_OK; i++)
			st = sd_put(t, table, rows[i].key, rows[i].klen,
			    rows[i].val, rows[i].vlen, old == NULL ?
			    SD_PUT_NOOVERWRITE : 0, err);
		return st;
	}
	cap = n;
	p = xcalloc(cap, sizeof *p);
	/* The records, in key order. */
	for (size_t i = 0; i < n; i++) {
		p[i].k = rows[i].key;
		p[i].kl = (uint32_t)rows[i].klen;
		p[i].v = rows[i].val;
		p[i].vl = (uint32_t)rows[i].vlen;
	}
	if (!sorted(p, n, pair_cmp_key))
		qsort(p, n, sizeof *p, pair_cmp_key);
	for (size_t i = 1; i < n; i++)
		if (pair_cmp_key(&p[i - 1], &p[i]) == 0) {
			free(p);
			return sd_db_sanitize(DB_KEYEXIST, err, def->name);
		}
	st = put_pairs(tb->raw[0], t->txn, p, n, old == NULL, def->name, err);
	/*
	 * Each record's keys for every index, record by record (an
	 * extractor may keep the record it decoded last for the next
	 * index), then each index sorted and written.
	 */
	ins = xcalloc((size_t)def->nindexes, sizeof *ins);
	del = xcalloc((size_t)def->nindexes, sizeof *del);
	kk = xcalloc((size_t)def->nindexes, sizeof *kk);
	ok = xcalloc((size_t)def->nindexes, sizeof *ok);
	for (size_t i = 0; st == SD_OK && i < n; i++) {
		/* An extractor's failure: not indexed, as associate. */
		for (int j = 0; j < def->nindexes; j++) {
			kk[j].n = 0;
			sd_buf_reset(&kk[j].buf);
			if (def->indexes[j].extract(rows[i].key, rows[i].klen,
			    rows[i].val, rows[i].vlen, &kk[j]) != 0)
				kk[j].n = 0;
		}
		for (int j = 0; old != NULL && j < def->nindexes; j++) {
			ok[j].n = 0;
			sd_buf_reset(&ok[j].buf);
			if (def->indexes[j].extract(old[i].key, old[i].klen,
			    old[i].val, old[i].vlen, &ok[j]) != 0)
				ok[j].n = 0;
		}
		for (int j = 0; j < def->nindexes; j++) {
			const struct sd_keys *k = &kk[j], *o = &ok[j];

			for (int m = 0; old != NULL && m < o->n; m++)
				if (!keys_have(k, o->buf.p + o->off[m], o->len[m]))
					ix_add(&del[j], o->buf.p + o->off[m],
					    o->len[m], i, 0);
			for (int m = 0; m < k->n; m++)
				if (old == NULL || !keys_have(o, k->buf.p +
				    k->off[m], k->len[m]))
					ix_add(&ins[j], k->buf.p + k->off[m],
					    k->len[m], i, n);
		}
	}
	for (int j = 0; j < def->nindexes; j++) {
		sd_buf_free(&kk[j].buf);
		sd_buf_free(&ok[j].buf);
	}
	free(kk);
	free(ok);
	for (int j = 0; st == SD_OK && j < def->nindexes; j++) {
		const struct sd_index_def *d = &def->indexes[j];
		char what[80];

		snprintf(what, sizeof what, "%s-%s", def->name, d->name);
		if (del[j].n > 0) {
			ix_pairs(&del[j], rows, d->unique, &p, &cap);
			st = del_pairs(tb->raw[1 + j], t->txn, p, del[j].n, what,
			    err);
		}
		if (st == SD_OK && ins[j].n > 0) {
			ix_pairs(&ins[j], rows, d->unique, &p, &cap);
			st = put_pairs(tb->raw[1 + j], t->txn, p, ins[j].n,
			    d->unique, what, err);
		}
	}
	for (int j = 0; j < def->nindexes; j++) {
		sd_buf_free(&ins[j].keys);
		free(ins[j].at);
		sd_buf_free(&del[j].keys);
		free(del[j].at);
	}
	free(ins);
	free(del);
	free(p);
	return st;
}

int
sd_put_new(struct sd_txn *t, int table, struct sd_kv *rows, size_t n,
    struct sd_err *err)
{
	return bulk_write(t, table, rows, NULL, n, err);
}

int
sd_put_replace(struct sd_txn *t, int table, struct sd_kv *rows,
    const struct sd_kv *old, size_t n, struct sd_err *err)
{
	for (size_t i = 0; i < n; i++)
		if (old[i].klen != rows[i].klen ||
		    memcmp(old[i].key, rows[i].key, rows[i].klen) != 0)
			return sd_err_set(err, SD_EINTERNAL, "%s: a record "
			    "replaced by another key", t->db->defs[table].name);
	return bulk_write(t, table, rows, old, n, err);
}
