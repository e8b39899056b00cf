/*
 * cdr_file.c -- the rows of a call record file, a slice at a time: a UTF-8
 * CSV file is read some megabytes at a time, cut after a line end outside
 * quotes (a quoted cell may hold line ends), so a million calls never sit
 * in memory at once; a table already in memory is one slice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/billing/billing_int.h"

#define SLICE_BYTES	(8 << 20)

void
chunks_rewind(struct chunks *c)
{
	sd_table_free(&c->t);
	memset(&c->t, 0, sizeof c->t);
	if (c->f != NULL)
		rewind(c->f);
	sd_buf_reset(&c->buf);
	c->eof = 0;
	c->n = 0;
	c->lines = 0;
	c->rows = 0;
}

/* Bytes up to and with the last line end outside quotes; 0 if none. */
static size_t
slice_end(const char *p, size_t n)
{
	size_t cut = 0;
	int q = 0;

	for (size_t i = 0; i < n; i++)
		if (p[i] == '"')
			q = !q;
		else if (p[i] == '\n' && !q)
			cut = i + 1;
	return cut;
}

int
chunks_next(struct chunks *c, const struct sd_table **t, long *row0,
    struct sd_err *err)
{
	size_t len = 0, got;
	int st;

	if (c->whole != NULL) {
		if (c->n++ > 0)
			return 0;
		*t = c->whole;
		*row0 = 0;
		return 1;
	}
	c->rows += c->t.nrows;
	sd_table_free(&c->t);
	memset(&c->t, 0, sizeof c->t);
	for (;;) {
		while (!c->eof && (c->buf.len < SLICE_BYTES ||
		    (len = slice_end(c->buf.p, c->buf.len)) == 0)) {
			sd_buf_reserve(&c->buf, SLICE_BYTES / 4);
			got = fread(c->buf.p + c->buf.len, 1, SLICE_BYTES / 4,
			    c->f);
			c->buf.len += got;
			if (got == 0) {
				if (ferror(c->f))
					return sd_err_set(err, SD_EINVAL, "%s: read "
					    "error", c->path);
				c->eof = 1;
			}
		}
		if (c->eof)
			len = c->buf.len;
		if (len == 0)
			return 0;
		st = sd_table_parse_csv(c->path, c->buf.p, len, SD_ENC_UTF8,
		    &c->t, err);
		if (st != SD_OK)
			return st;
		for (int r = 0; r < c->t.nrows; r++)
			c->t.lines[r] += c->lines;
		for (size_t i = 0; i < len; i++)
			c->lines += c->buf.p[i] == '\n';
		memmove(c->buf.p, c->buf.p + len, c->buf.len - len);
		c->buf.len -= len;
		c->n++;
		if (c->t.nrows > 0)
			break;
		sd_table_free(&c->t);
		memset(&c->t, 0, sizeof c->t);
	}
	*t = &c->t;
	*row0 = c->rows;
	return 1;
}
