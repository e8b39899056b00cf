/*
 * page.c -- one page of records through a table or an index, the way
 * every list screen scrolls: up to max rows strictly after (or before) an
 * anchor, inside a key prefix.  An anchor is the whole index key in hex,
 * so it stays valid while others write and is unique because index keys
 * end in the primary key.
 */
#include <ctype.h>
#include <string.h>

#include "core/rec/rec.h"

void
page_hex_encode(const uint8_t *p, size_t n, char *out, size_t size)
{
	static const char hx[] = "0123456789abcdef";
	size_t o = 0;

	for (size_t i = 0; i < n && o + 2 < size; i++) {
		out[o++] = hx[p[i] >> 4];
		out[o++] = hx[p[i] & 15];
	}
	out[o] = '\0';
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int
page_hex_decode(const char *s, struct sd_buf *out)
{
	size_t n = strlen(s);

	if (n % 2)
		return -1;
	for (size_t i = 0; i < n; i += 2) {
		int hi = hexval(s[i]), lo = hexval(s[i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		sd_buf_addc(out, (char)(hi << 4 | lo));
	}
	return 0;
}

int
page_walk(struct sd_txn *t, const struct page_walk *w, int *n,
    struct sd_err *err)
{
	const struct sd_buf *pf = w->prefix, *an = w->anchor;
	struct sd_cursor *c;
	size_t kl, vl;
	const void *k, *v;
	int st;

	*n = 0;
	if ((st = sd_cursor_open(t, w->table, w->index, &c, err)) != SD_OK)
		return st;
	if (w->dir > 0) {
		if (an != NULL && an->len > 0) {
			st = sd_cursor_seek(c, SD_SEEK_GE, an->p, an->len, err);
			if (st == SD_OK) {
				k = sd_cursor_key(c, &kl);
				if (kl == an->len && memcmp(k, an->p, kl) == 0)
					st = sd_cursor_step(c, 1, err);
			}
		} else if (pf != NULL && pf->len > 0)
			st = sd_cursor_seek(c, SD_SEEK_GE, pf->p, pf->len, err);
		else
			st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err);
	} else {
		struct sd_buf end = SD_BUF_INIT;

		if (an != NULL && an->len > 0)
			sd_buf_add(&end, an->p, an->len);
		else if (pf != NULL && pf->len > 0) {
			sd_buf_add(&end, pf->p, pf->len);
			for (int i = 0; i < 16; i++)
				sd_buf_addc(&end, '\xff');
		}
		st = end.len > 0 ? sd_cursor_seek(c, SD_SEEK_GE, end.p, end.len,
		    err) : SD_ENOTFOUND;
		if (st == SD_OK)
			st = sd_cursor_step(c, -1, err);
		else if (st == SD_ENOTFOUND)
			st = sd_cursor_seek(c, SD_SEEK_LAST, NULL, 0, err);
		sd_buf_free(&end);
	}
	while (st == SD_OK && *n < w->max) {
		k = sd_cursor_key(c, &kl);
		if (pf != NULL && pf->len > 0 &&
		    (kl < pf->len || memcmp(k, pf->p, pf->len) != 0))
			break;
		v = sd_cursor_val(c, &vl);
		if (w->take(t, v, vl, *n, w->ctx)) {
			if (w->keys != NULL)
				page_hex_encode(k, kl, w->keys[*n], SD_PAGEKEY_MAX);
			(*n)++;
		}
		st = sd_cursor_step(c, w->dir > 0 ? 1 : -1, err);
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

void
page_reverse(void *rows, size_t size, char (*keys)[SD_PAGEKEY_MAX], int n)
{
	char *r = rows, tmp[SD_PAGEKEY_MAX];

	for (int i = 0; i < n / 2; i++) {
		char *x = r + (size_t)i * size, *y = r + (size_t)(n - 1 - i) * size;

		/* Swap in pieces: the rows may be larger than tmp. */
		for (size_t o = 0; o < size; o += sizeof tmp) {
			size_t m = size - o < sizeof tmp ? size - o : sizeof tmp;

			memcpy(tmp, x + o, m);
			memcpy(x + o, y + o, m);
			memcpy(y + o, tmp, m);
		}
		if (keys != NULL) {
			memcpy(tmp, keys[i], sizeof tmp);
			memcpy(keys[i], keys[n - 1 - i], sizeof tmp);
			memcpy(keys[n - 1 - i], tmp, sizeof tmp);
		}
	}
}
