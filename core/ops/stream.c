/*
 * stream.c -- the byte stream of a backup's archive: gzip (zlib's deflate
 * with its gzip wrapper, so `tar xzf` reads a plain one) and, for an
 * encrypted environment, AES-256-GCM (nettle) over the gzip stream with a
 * key derived from the environment's own key_file by PBKDF2-HMAC-SHA256:
 *
 *	"SDBKAES1" | salt[16] | iterations (u32, big-endian) |
 *	check[16] | nonce[12] | ciphertext | tag[16]
 *
 * check is the second half of the PBKDF2 output (the first is the AES
 * key; PBKDF2's output blocks are independent), so a wrong key is told
 * at once; the tag at the end finds any changed byte.
 */
#include <sys/random.h>
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nettle/gcm.h>
#include <nettle/memops.h>
#include <nettle/pbkdf2.h>
#include <zlib.h>

#include "core/ops/ops_int.h"

#define MAGIC		"SDBKAES1"
#define MAGIC_LEN	8
#define SALT_LEN	16
#define CHECK_LEN	16
#define HDR_LEN		(MAGIC_LEN + SALT_LEN + 4 + CHECK_LEN + GCM_IV_SIZE)
#define ITERATIONS	100000
#define CHUNK		(1 << 16)	/* a multiple of GCM's block */

struct ops_stream {
	int			 fd;
	int			 enc;
	int			 ended;		/* inflate reached its end */
	z_stream		 z;
	struct gcm_aes256_ctx	 gcm;
	uint8_t			 buf[CHUNK];	/* deflate's output, inflate's input */
	uint8_t			 cbuf[CHUNK];
	int64_t			 left;		/* ciphertext not yet read */
	const char		*label;
};

static void
derive(const char *key, const uint8_t *salt, uint32_t iter, uint8_t *aes,
    uint8_t *check)
{
	uint8_t out[32 + CHECK_LEN];

	pbkdf2_hmac_sha256(strlen(key), (const uint8_t *)key, iter, SALT_LEN,
	    salt, sizeof out, out);
	memcpy(aes, out, 32);
	memcpy(check, out + 32, CHECK_LEN);
	explicit_bzero(out, sizeof out);
}

static int
write_all(int fd, const void *p, size_t n, struct sd_err *err)
{
	const uint8_t *b = p;

	while (n > 0) {
		ssize_t w = write(fd, b, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return sd_err_set(err, SD_EINTERNAL, "archive: writing: %s",
			    strerror(w < 0 ? errno : EIO));
		b += w;
		n -= (size_t)w;
	}
	return SD_OK;
}

/* n bytes of deflate's output to the file, encrypted when it is. */
static int
emit(struct ops_stream *s, size_t n, struct sd_err *err)
{
	if (!s->enc)
		return write_all(s->fd, s->buf, n, err);
	gcm_aes256_encrypt(&s->gcm, n, s->cbuf, s->buf);
	return write_all(s->fd, s->cbuf, n, err);
}

/* ---------------------------------------------------------------- write */

struct ops_stream *
ostream_open_write(int fd, const char *key, struct sd_err *err)
{
	struct ops_stream *s = xcalloc(1, sizeof *s);

	s->fd = fd;
	if (deflateInit2(&s->z, 6, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK) {
		free(s);
		sd_err_set(err, SD_EINTERNAL, "archive: %s", "zlib");
		return NULL;
	}
	s->z.next_out = s->buf;
	s->z.avail_out = CHUNK;
	if (key != NULL && key[0] != '\0') {
		uint8_t hdr[HDR_LEN], aes[32], *p = hdr;

		s->enc = 1;
		memcpy(p, MAGIC, MAGIC_LEN);
		p += MAGIC_LEN;
		if (getrandom(p, SALT_LEN, 0) != SALT_LEN ||
		    getrandom(p + SALT_LEN + 4 + CHECK_LEN, GCM_IV_SIZE, 0) !=
		    GCM_IV_SIZE) {
			sd_err_set(err, SD_EINTERNAL, "archive: %s",
			    strerror(errno));
			deflateEnd(&s->z);
			free(s);
			return NULL;
		}
		p[SALT_LEN] = (uint8_t)(ITERATIONS >> 24);
		p[SALT_LEN + 1] = (uint8_t)(ITERATIONS >> 16);
		p[SALT_LEN + 2] = (uint8_t)(ITERATIONS >> 8);
		p[SALT_LEN + 3] = (uint8_t)ITERATIONS;
		derive(key, p, ITERATIONS, aes, p + SALT_LEN + 4);
		gcm_aes256_set_key(&s->gcm, aes);
		gcm_aes256_set_iv(&s->gcm, GCM_IV_SIZE,
		    p + SALT_LEN + 4 + CHECK_LEN);
		explicit_bzero(aes, sizeof aes);
		if (write_all(fd, hdr, sizeof hdr, err) != SD_OK) {
			deflateEnd(&s->z);
			free(s);
			return NULL;
		}
	}
	return s;
}

static int
pump(struct ops_stream *s, int flush, struct sd_err *err)
{
	int r, st;

	do {
		r = deflate(&s->z, flush);
		if (r == Z_STREAM_ERROR)
			return sd_err_set(err, SD_EINTERNAL, "archive: %s",
			    "zlib");
		/* Only a full buffer goes before the end: GCM takes whole
		 * blocks until its last call. */
		if (s->z.avail_out == 0 || (flush == Z_FINISH &&
		    r == Z_STREAM_END)) {
			if ((st = emit(s, CHUNK - s->z.avail_out, err)) != SD_OK)
				return st;
			s->z.next_out = s->buf;
			s->z.avail_out = CHUNK;
		}
	} while (flush == Z_FINISH ? r != Z_STREAM_END : s->z.avail_in > 0 ||
	    s->z.avail_out == 0);
	return SD_OK;
}

int
ostream_write(struct ops_stream *s, const void *p, size_t n,
    struct sd_err *err)
{
	s->z.next_in = (Bytef *)(uintptr_t)p;
	s->z.avail_in = (uInt)n;
	return pump(s, Z_NO_FLUSH, err);
}

int
ostream_close_write(struct ops_stream *s, struct sd_err *err)
{
	int st = pump(s, Z_FINISH, err);

	if (st == SD_OK && s->enc) {
		uint8_t tag[GCM_DIGEST_SIZE];

		gcm_aes256_digest(&s->gcm, sizeof tag, tag);
		st = write_all(s->fd, tag, sizeof tag, err);
	}
	deflateEnd(&s->z);
	explicit_bzero(&s->gcm, sizeof s->gcm);
	free(s);
	return st;
}

/* ---------------------------------------------------------------- read */

static int
read_all(int fd, void *p, size_t n)
{
	uint8_t *b = p;
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, b + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	return (int)got;
}

struct ops_stream *
ostream_open_read(int fd, const char *label, const char *key,
    struct sd_err *err)
{
	struct ops_stream *s = xcalloc(1, sizeof *s);
	uint8_t hdr[HDR_LEN];
	int n;

	s->fd = fd;
	s->label = label;
	if (inflateInit2(&s->z, 15 + 16) != Z_OK) {
		free(s);
		sd_err_set(err, SD_EINTERNAL, "archive: %s", "zlib");
		return NULL;
	}
	n = read_all(fd, hdr, MAGIC_LEN);
	if (n == MAGIC_LEN && memcmp(hdr, MAGIC, MAGIC_LEN) == 0) {
		uint8_t aes[32], check[CHECK_LEN], *p = hdr + MAGIC_LEN;
		uint32_t iter;
		struct stat sb;

		s->enc = 1;
		if (key == NULL || key[0] == '\0') {
			sd_err_set(err, SD_EINTERNAL, "archive %s is encrypted: "
			    "set key_file in the configuration to its "
			    "environment's key", label);
			goto fail;
		}
		if (read_all(fd, p, HDR_LEN - MAGIC_LEN) != HDR_LEN - MAGIC_LEN ||
		    fstat(fd, &sb) != 0 || sb.st_size < HDR_LEN +
		    GCM_DIGEST_SIZE) {
			sd_err_set(err, SD_EINTERNAL, "archive %s is damaged: "
			    "it ends too soon", label);
			goto fail;
		}
		iter = (uint32_t)p[SALT_LEN] << 24 | (uint32_t)p[SALT_LEN + 1] <<
		    16 | (uint32_t)p[SALT_LEN + 2] << 8 | p[SALT_LEN + 3];
		if (iter == 0 || iter > 10 * ITERATIONS) {
			sd_err_set(err, SD_EINTERNAL, "archive %s is damaged: "
			    "its header is not an archive's", label);
			goto fail;
		}
		derive(key, p, iter, aes, check);
		if (!memeql_sec(check, p + SALT_LEN + 4, CHECK_LEN)) {
			explicit_bzero(aes, sizeof aes);
			sd_err_set(err, SD_EINTERNAL, "archive %s is encrypted "
			    "with another key than key_file's", label);
			goto fail;
		}
		gcm_aes256_set_key(&s->gcm, aes);
		gcm_aes256_set_iv(&s->gcm, GCM_IV_SIZE,
		    p + SALT_LEN + 4 + CHECK_LEN);
		explicit_bzero(aes, sizeof aes);
		s->left = (int64_t)sb.st_size - HDR_LEN - GCM_DIGEST_SIZE;
	} else {
		/* Plain gzip: what was read is its start. */
		memcpy(s->buf, hdr, n > 0 ? (size_t)n : 0);
		s->z.next_in = s->buf;
		s->z.avail_in = n > 0 ? (uInt)n : 0;
	}
	return s;
fail:
	inflateEnd(&s->z);
	free(s);
	return NULL;
}

/* More input for inflate: 0 at the file's end, -1 on an error. */
static int
refill(struct ops_stream *s, struct sd_err *err)
{
	int n;

	if (!s->enc) {
		n = read_all(s->fd, s->buf, CHUNK);
		s->z.next_in = s->buf;
		s->z.avail_in = (uInt)n;
		return n;
	}
	if (s->left == 0)
		return 0;
	n = read_all(s->fd, s->cbuf, s->left < CHUNK ? (size_t)s->left :
	    CHUNK);
	if (n <= 0 || (n < CHUNK && n != s->left)) {
		sd_err_set(err, SD_EINTERNAL, "archive %s is damaged: it ends "
		    "too soon", s->label);
		return -1;
	}
	gcm_aes256_decrypt(&s->gcm, (size_t)n, s->buf, s->cbuf);
	s->left -= n;
	s->z.next_in = s->buf;
	s->z.avail_in = (uInt)n;
	if (s->left == 0) {
		uint8_t tag[GCM_DIGEST_SIZE], want[GCM_DIGEST_SIZE];

		gcm_aes256_digest(&s->gcm, sizeof want, want);
		if (read_all(s->fd, tag, sizeof tag) != (int)sizeof tag ||
		    !memeql_sec(tag, want, sizeof tag)) {
			sd_err_set(err, SD_EINTERNAL, "archive %s is damaged: "
			    "its authentication tag is wrong", s->label);
			return -1;
		}
	}
	return n;
}

int
ostream_read(struct ops_stream *s, void *p, size_t n, size_t *got,
    struct sd_err *err)
{
	*got = 0;
	s->z.next_out = p;
	s->z.avail_out = (uInt)n;
	while (s->z.avail_out > 0 && !s->ended) {
		int r;

		if (s->z.avail_in == 0) {
			int m = refill(s, err);

			if (m < 0)
				return err->status;
			if (m == 0)
				return sd_err_set(err, SD_EINTERNAL, "archive %s "
				    "is damaged: it ends too soon", s->label);
		}
		r = inflate(&s->z, Z_NO_FLUSH);
		if (r == Z_STREAM_END) {
			/* Nothing may follow gzip's end (its CRC is
			 * checked by now); an encrypted one's tag yet. */
			uint8_t extra;

			s->ended = 1;
			while (s->z.avail_in == 0 && s->enc && s->left > 0)
				if (refill(s, err) < 0)
					return err->status;
			if (s->z.avail_in > 0 || (!s->enc &&
			    read_all(s->fd, &extra, 1) > 0))
				return sd_err_set(err, SD_EINTERNAL, "archive %s "
				    "is damaged: data after its end", s->label);
		} else if (r != Z_OK && r != Z_BUF_ERROR)
			return sd_err_set(err, SD_EINTERNAL, "archive %s is "
			    "damaged: %s", s->label, s->z.msg != NULL ?
			    s->z.msg : zError(r));
	}
	*got = n - s->z.avail_out;
	return SD_OK;
}

void
ostream_free(struct ops_stream *s)
{
	if (s == NULL)
		return;
	inflateEnd(&s->z);
	explicit_bzero(&s->gcm, sizeof s->gcm);
	free(s);
}
