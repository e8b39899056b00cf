/*
 * base.c -- status codes, allocation, growable buffers and the record codec:
 * the small pieces every layer above the database uses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"

/* ---------------------------------------------------------------- statuses */

int
sd_status_exit(int status)
{
	switch (status) {
	case SD_OK:
	case SD_EUSAGE:
	case SD_ENOTFOUND:
	case SD_EPERM:
	case SD_EINVAL:
	case SD_EREFUSED:
		return status;
	case SD_EEXIST:
		return SD_EREFUSED;
	default:
		return SD_EINTERNAL;
	}
}

const char *
sd_status_name(int status)
{
	switch (status) {
	case SD_OK:		return "ok";
	case SD_EUSAGE:		return "usage";
	case SD_ENOTFOUND:	return "not found";
	case SD_EPERM:		return "permission denied";
	case SD_EINVAL:		return "invalid input";
	case SD_EREFUSED:	return "refused";
	case SD_EEXIST:		return "already exists";
	case SD_ERETRY:		return "deadlock";
	default:		return "internal error";
	}
}

/* ---------------------------------------------------------------- memory */

static void
oom(size_t n)
{
	fprintf(stderr, "simdesk: out of memory allocating %zu bytes\n", n);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom(n);
	return p;
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		oom(n * size);
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		oom(n);
	return q;
}

char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p = xmalloc(n);

	memcpy(p, s, n);
	return p;
}

int
sd_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size == 0)
		return -1;
	if (n >= size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		return -1;
	}
	memcpy(dst, src, n + 1);
	return 0;
}

/* ---------------------------------------------------------------- buffers */

void
sd_buf_reserve(struct sd_buf *b, size_t more)
{
	size_t need = b->len + more + 1;

	if (need <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 64;
	while (b->cap < need)
		b->cap *= 2;
	b->p = xrealloc(b->p, b->cap);
}

void
sd_buf_add(struct sd_buf *b, const void *data, size_t n)
{
	sd_buf_reserve(b, n);
	if (n > 0)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
sd_buf_adds(struct sd_buf *b, const char *s)
{
	sd_buf_add(b, s, strlen(s));
}

void
sd_buf_addc(struct sd_buf *b, char c)
{
	sd_buf_add(b, &c, 1);
}

void
sd_buf_vprintf(struct sd_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	sd_buf_reserve(b, (size_t)n);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
sd_buf_printf(struct sd_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sd_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void
sd_buf_reset(struct sd_buf *b)
{
	b->len = 0;
	if (b->p != NULL)
		b->p[0] = '\0';
}

void
sd_buf_free(struct sd_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

const char *
sd_buf_cstr(struct sd_buf *b)
{
	return b->p != NULL ? b->p : "";
}

/* ---------------------------------------------------------------- codec */

static void
put_varint(struct sd_buf *b, uint64_t v)
{
	uint8_t tmp[10];
	size_t n = 0;

	do {
		tmp[n] = (uint8_t)(v & 0x7f);
		v >>= 7;
		if (v != 0)
			tmp[n] |= 0x80;
		n++;
	} while (v != 0);
	sd_buf_add(b, tmp, n);
}

static int
get_varint(struct sd_rec_reader *r, uint64_t *out)
{
	uint64_t v = 0;
	unsigned shift = 0;

	while (r->p < r->end) {
		uint8_t c = *r->p++;

		if (shift == 63 && (c & 0x7e) != 0)
			return -1;	/* more than 64 bits */
		v |= (uint64_t)(c & 0x7f) << shift;
		if ((c & 0x80) == 0) {
			*out = v;
			return 0;
		}
		shift += 7;
		if (shift > 63)
			return -1;
	}
	return -1;
}

void
sd_rec_begin(struct sd_buf *b)
{
	sd_buf_reset(b);
	sd_buf_addc(b, SD_REC_VERSION);
}

void
sd_rec_int(struct sd_buf *b, unsigned tag, int64_t v)
{
	uint64_t z = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);

	put_varint(b, (uint64_t)tag << 3 | SD_REC_INT);
	put_varint(b, z);
}

void
sd_rec_bytes(struct sd_buf *b, unsigned tag, const void *p, size_t n)
{
	put_varint(b, (uint64_t)tag << 3 | SD_REC_BYTES);
	put_varint(b, n);
	sd_buf_add(b, p, n);
}

void
sd_rec_str(struct sd_buf *b, unsigned tag, const char *s)
{
	/* Empty strings are the default: leave them out. */
	if (s != NULL && *s != '\0')
		sd_rec_bytes(b, tag, s, strlen(s));
}

int
sd_rec_open(struct sd_rec_reader *r, const void *data, size_t len)
{
	memset(r, 0, sizeof *r);
	r->p = data;
	r->end = r->p + len;
	if (len < 1 || r->p[0] != SD_REC_VERSION)
		return SD_EINTERNAL;
	r->p++;
	return SD_OK;
}

int
sd_rec_next(struct sd_rec_reader *r)
{
	uint64_t hdr, v;

	if (r->p >= r->end)
		return 0;
	if (get_varint(r, &hdr) != 0)
		return -1;
	if ((hdr >> 3) > 0xffff)
		return -1;
	r->tag = (unsigned)(hdr >> 3);
	r->type = (int)(hdr & 7);
	r->bytes = NULL;
	r->blen = 0;
	r->ival = 0;
	switch (r->type) {
	case SD_REC_INT:
		if (get_varint(r, &v) != 0)
			return -1;
		r->ival = (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
		return 1;
	case SD_REC_BYTES:
		if (get_varint(r, &v) != 0)
			return -1;
		if (v > (uint64_t)(r->end - r->p))
			return -1;
		r->bytes = (const char *)r->p;
		r->blen = (size_t)v;
		r->p += v;
		return 1;
	default:
		return -1;
	}
}

void
sd_rec_copystr(const struct sd_rec_reader *r, char *dst, size_t size)
{
	size_t n;

	if (size == 0)
		return;
	if (r->type != SD_REC_BYTES) {
		memset(dst, 0, size);	/* wrong type: the field is empty */
		return;
	}
	/* A C string ends at its first NUL: decoding stays canonical. */
	n = r->blen < size - 1 ? r->blen : size - 1;
	{
		const char *nul = memchr(r->bytes, '\0', n);

		if (nul != NULL)
			n = (size_t)(nul - r->bytes);
	}
	memcpy(dst, r->bytes, n);
	/* Clear the rest: a repeated tag must not leave a longer value's tail. */
	memset(dst + n, 0, size - n);
}

void
sd_be64_put(uint8_t out[8], uint64_t v)
{
	for (int i = 7; i >= 0; i--) {
		out[i] = (uint8_t)(v & 0xff);
		v >>= 8;
	}
}

uint64_t
sd_be64_get(const uint8_t in[8])
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | in[i];
	return v;
}

void
sd_keys_add(struct sd_keys *k, const void *p, size_t n)
{
	if (k->n >= SD_KEYS_MAX)
		return;
	/* One record lists a key once, or a sorted-duplicate index refuses it. */
	for (int i = 0; i < k->n; i++)
		if (k->len[i] == n && memcmp(k->buf.p + k->off[i], p, n) == 0)
			return;
	k->off[k->n] = k->buf.len;
	k->len[k->n] = n;
	sd_buf_add(&k->buf, p, n);
	k->n++;
}
