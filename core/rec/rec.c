/*
 * rec.c -- the one record codec (tables of fields, see rec.h), loading,
 * storing and walking records through it, and the key helpers.
 */
#include <stdio.h>
#include <string.h>

#include "core/rec/rec.h"

void
rec_encode(const struct rec_field *d, int n, const void *obj, struct sd_buf *b)
{
	const char *o = obj;

	sd_rec_begin(b);
	for (int i = 0; i < n; i++) {
		if (d[i].type == F_STR)
			sd_rec_str(b, d[i].tag, o + d[i].off);
		else if (d[i].type == F_STRS) {
			int k;

			memcpy(&k, o + d[i].cnt_off, sizeof k);
			for (int j = 0; j < k && j < d[i].max; j++)
				sd_rec_str(b, d[i].tag, o + d[i].off +
				    (size_t)j * d[i].size);
		} else if (d[i].type == F_I64) {
			int64_t v;

			memcpy(&v, o + d[i].off, 8);
			sd_rec_int(b, d[i].tag, v);
		} else {
			int v;

			memcpy(&v, o + d[i].off, sizeof v);
			sd_rec_int(b, d[i].tag, v);
		}
	}
}

int
rec_decode(const struct rec_field *d, int n, const void *p, size_t len, void *obj,
    size_t size)
{
	struct sd_rec_reader r;
	char *o = obj;
	int ok;

	memset(obj, 0, size);
	if (sd_rec_open(&r, p, len) != SD_OK)
		return SD_EINTERNAL;
	while ((ok = sd_rec_next(&r)) == 1)
		for (int i = 0; i < n; i++) {
			if (d[i].tag != r.tag)
				continue;
			if (d[i].type == F_STR && r.type == SD_REC_BYTES)
				sd_rec_copystr(&r, o + d[i].off, d[i].size);
			else if (d[i].type == F_STRS &&
			    r.type == SD_REC_BYTES) {
				int k;

				/* Past max, the rest are dropped. */
				memcpy(&k, o + d[i].cnt_off, sizeof k);
				if (k >= d[i].max)
					continue;
				sd_rec_copystr(&r, o + d[i].off +
				    (size_t)k * d[i].size, d[i].size);
				k++;
				memcpy(o + d[i].cnt_off, &k, sizeof k);
			}
			else if (d[i].type == F_I64 && r.type == SD_REC_INT)
				memcpy(o + d[i].off, &r.ival, 8);
			else if (d[i].type == F_INT && r.type == SD_REC_INT) {
				int v = (int)r.ival;

				memcpy(o + d[i].off, &v, sizeof v);
			}
		}
	return ok < 0 ? SD_EINTERNAL : SD_OK;
}

/* Load or store one record of a table by key. */
int
rec_load(struct sd_txn *t, int table, const void *key, size_t kl,
    const struct rec_field *d, int n, void *obj, size_t size, int rmw,
    struct sd_err *err)
{
	struct sd_buf v = SD_BUF_INIT;
	int st = sd_get(t, table, key, kl, &v, rmw ? SD_GET_RMW : 0, err);

	if (st == SD_OK && rec_decode(d, n, v.p, v.len, obj, size) != SD_OK)
		st = sd_err_set(err, SD_EINTERNAL, "%s: a damaged record",
		    rec_table_name(table));
	sd_buf_free(&v);
	return st;
}

int
rec_store(struct sd_txn *t, int table, const void *key, size_t kl,
    const struct rec_field *d, int n, const void *obj, struct sd_err *err)
{
	struct sd_buf v = SD_BUF_INIT;
	int st;

	rec_encode(d, n, obj, &v);
	st = sd_put(t, table, key, kl, v.p, v.len, 0, err);
	sd_buf_free(&v);
	return st;
}

int
rec_load64(struct sd_txn *t, int table, uint64_t id, const struct rec_field *d, int n,
    void *obj, size_t size, int rmw, struct sd_err *err)
{
	uint8_t k[8];

	key64(k, id);
	return rec_load(t, table, k, 8, d, n, obj, size, rmw, err);
}

int
rec_store64(struct sd_txn *t, int table, uint64_t id, const struct rec_field *d, int n,
    const void *obj, struct sd_err *err)
{
	uint8_t k[8];

	key64(k, id);
	return rec_store(t, table, k, 8, d, n, obj, err);
}

int
rec_walk(struct sd_txn *t, int table, int dir, const void *key, size_t kl,
    const struct rec_field *d, int n, void *rec, size_t size, rec_walk_fn fn,
    void *arg, struct sd_err *err)
{
	struct sd_cursor *c;
	int st, r = REC_NEXT;

	if ((st = sd_cursor_open(t, table, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, key != NULL ? SD_SEEK_GE : dir > 0 ?
	    SD_SEEK_FIRST : SD_SEEK_LAST, key, kl, err); st == SD_OK;
	    st = sd_cursor_step(c, dir, err)) {
		size_t l, vl;
		const void *k = sd_cursor_key(c, &l);
		const void *v = sd_cursor_val(c, &vl);

		if (rec_decode(d, n, v, vl, rec, size) != SD_OK)
			continue;
		if ((r = fn(t, k, l, rec, arg, err)) != REC_NEXT)
			break;
	}
	sd_cursor_close(c);
	if (r != REC_NEXT && r != REC_STOP)
		return r;
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

void
key64(uint8_t out[8], uint64_t v)
{
	sd_be64_put(out, v);
}

void
rec_key_suffixed(struct sd_keys *out, const char *part, const void *pk,
    size_t pklen, int with_nul)
{
	struct sd_buf b = SD_BUF_INIT;

	sd_buf_add(&b, part, strlen(part) + (with_nul ? 1 : 0));
	sd_buf_add(&b, pk, pklen);
	sd_keys_add(out, b.p, b.len);
	sd_buf_free(&b);
}

int
rec_meta_get(struct sd_txn *t, const char *key, struct sd_buf *val, int rmw,
    struct sd_err *err)
{
	return sd_get(t, T_META, key, strlen(key), val, rmw ? SD_GET_RMW : 0,
	    err);
}

int
rec_meta_put(struct sd_txn *t, const char *key, const void *val, size_t len,
    struct sd_err *err)
{
	return sd_put(t, T_META, key, strlen(key), val, len, 0, err);
}

int
rec_meta_cursor(struct sd_txn *t, struct sd_cursor **c, struct sd_err *err)
{
	return sd_cursor_open(t, T_META, -1, c, err);
}

static void
bill_counter_key(char *k, size_t n, int month)
{
	if (month == 0)
		snprintf(k, n, "billin:all");
	else
		snprintf(k, n, "billin:%06d", month);
}

static int
bill_counter_read(struct sd_txn *t, const char *k, uint64_t *v, int rmw,
    struct sd_err *err)
{
	struct sd_buf val = SD_BUF_INIT;
	int st;

	*v = 0;
	st = rec_meta_get(t, k, &val, rmw, err);
	if (st == SD_OK && val.len == 8)
		*v = sd_be64_get((const uint8_t *)val.p);
	sd_buf_free(&val);
	if (st == SD_ENOTFOUND) {
		sd_err_clear(err);
		st = SD_OK;
	}
	return st;
}

int
rec_bill_touch(struct sd_txn *t, int month, struct sd_err *err)
{
	char k[32];
	uint8_t b[8];
	uint64_t v;
	int st;

	/* Tags apart from the months (YYYYMM) and from other callers'. */
	if (!sd_txn_once(t, 0x42000000u | (uint32_t)month))
		return SD_OK;
	bill_counter_key(k, sizeof k, month);
	if ((st = bill_counter_read(t, k, &v, 1, err)) != SD_OK)
		return st;
	sd_be64_put(b, v + 1);
	return rec_meta_put(t, k, b, 8, err);
}

int
rec_bill_counter(struct sd_txn *t, int month, uint64_t *v, struct sd_err *err)
{
	char k[32];

	bill_counter_key(k, sizeof k, month);
	return bill_counter_read(t, k, v, 0, err);
}
