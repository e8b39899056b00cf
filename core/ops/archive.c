/*
 * archive.c -- a backup as one file: a POSIX tar (ustar) of its MANIFEST
 * and every file the manifest lists, compressed with gzip through zlib
 * (`tar xzf` unpacks it) and, for an encrypted environment, encrypted
 * with its key (stream.c).  Written, each file is checked against its
 * manifest line as it goes; read, only the names a backup has are taken
 * (MANIFEST, simdesk.conf, db/NAME, recordings/NAME), and gzip's own
 * CRC at the end is read too, so a flipped byte anywhere is found.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <nettle/sha2.h>
#include <zlib.h>

#include "core/ops/ops_int.h"

#define BLOCK		512
#define BUFSZ		(1 << 16)
#define TAR_SIZE_MAX	(INT64_C(1) << 33)

/* ---------------------------------------------------------------- write */

static void
octal(char *field, size_t size, uint64_t v)
{
	snprintf(field, size, "%0*llo", (int)size - 1, (unsigned long long)v);
}

static void
header(char *h, const char *name, int64_t size, int64_t mtime, int dir)
{
	unsigned sum = 0;

	memset(h, 0, BLOCK);
	memcpy(h, name, strlen(name));
	octal(h + 100, 8, dir ? 0700 : 0600);
	octal(h + 108, 8, 0);
	octal(h + 116, 8, 0);
	octal(h + 124, 12, (uint64_t)size);
	octal(h + 136, 12, (uint64_t)mtime);
	h[156] = dir ? '5' : '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memset(h + 148, ' ', 8);
	for (int i = 0; i < BLOCK; i++)
		sum += (unsigned char)h[i];
	snprintf(h + 148, 8, "%06o", sum);
}

/* One file of the backup into the archive, checked against its line. */
static int
put_file(struct ops_stream *gz, const char *dir, const struct manifest *m,
    const struct mf_file *f, int64_t mtime, struct ops_copy *cp,
    struct sd_err *err)
{
	char h[BLOCK], *buf = xmalloc(BUFSZ);
	struct sd_buf p = SD_BUF_INIT;
	struct sha256_ctx sha;
	uLong crc = crc32(0L, Z_NULL, 0);
	uint8_t digest[MF_SHA256_SIZE];
	int64_t left = f->size;
	int fd, st = SD_OK;
	ssize_t n;

	if (strlen(f->path) >= 100) {
		free(buf);
		return sd_err_set(err, SD_EINVAL, "archive: %s: name too long "
		    "for the archive", f->path);
	}
	/* ustar's size field: 11 octal digits. */
	if (f->size >= TAR_SIZE_MAX) {
		free(buf);
		return sd_err_set(err, SD_EINVAL, "archive: %s: over 8 GiB, too "
		    "big for the archive (back up to a directory)", f->path);
	}
	sd_buf_printf(&p, "%s/%s", dir, f->path);
	if ((fd = open(p.p, O_RDONLY | O_CLOEXEC)) < 0) {
		st = sd_err_set(err, SD_EINTERNAL, "%s: %s", p.p,
		    strerror(errno));
		goto out;
	}
	sha256_init(&sha);
	header(h, f->path, f->size, mtime, 0);
	st = ostream_write(gz, h, BLOCK, err);
	while (st == SD_OK && left > 0) {
		size_t want = left > BUFSZ ? BUFSZ : (size_t)left;

		if ((n = read(fd, buf, want)) < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			st = sd_err_set(err, SD_EINTERNAL, "backup %s: %s is "
			    "shorter than its manifest says", dir, f->path);
			break;
		}
		if (m->sum == MF_SHA256)
			sha256_update(&sha, (size_t)n, (const uint8_t *)buf);
		else
			crc = crc32(crc, (const Bytef *)buf, (uInt)n);
		st = ostream_write(gz, buf, (size_t)n, err);
		left -= n;
		if (cp != NULL) {
			cp->done += n;
			if (cp->progress != NULL &&
			    (long)(cp->done >> 20) != cp->shown) {
				cp->shown = (long)(cp->done >> 20);
				cp->progress(cp->shown, (long)(cp->total >> 20),
				    cp->arg);
			}
		}
	}
	if (st == SD_OK && read(fd, buf, 1) > 0)
		st = sd_err_set(err, SD_EINTERNAL, "backup %s: %s is longer "
		    "than its manifest says", dir, f->path);
	close(fd);
	if (st == SD_OK) {
		if (m->sum == MF_SHA256) {
			sha256_digest(&sha, sizeof digest, digest);
			if (memcmp(digest, f->sha, sizeof digest) != 0)
				st = -1;
		} else if ((uint32_t)crc != f->crc)
			st = -1;
		if (st == -1)
			st = sd_err_set(err, SD_EINTERNAL, "backup %s is "
			    "damaged: %s: its checksum is not the manifest's",
			    dir, f->path);
	}
	if (st == SD_OK && f->size % BLOCK != 0) {
		memset(h, 0, BLOCK);
		st = ostream_write(gz, h, BLOCK - (size_t)(f->size % BLOCK), err);
	}
out:
	sd_buf_free(&p);
	free(buf);
	return st;
}

int
archive_write(const char *dir, const struct manifest *m, FILE *out,
    struct ops_copy *cp, const char *key, struct sd_err *err)
{
	static const char *const dirs[] = { "db/", "recordings/" };
	char h[BLOCK];
	struct sd_buf mf = SD_BUF_INIT;
	int64_t mtime = m->entries[m->nentries - 1].at;
	struct stat sb;
	struct ops_stream *gz;
	int st;

	if (fflush(out) != 0)
		return sd_err_set(err, SD_EINTERNAL, "archive: %s",
		    strerror(errno));
	if ((gz = ostream_open_write(fileno(out), key, err)) == NULL)
		return err->status;
	for (int i = 0; i < m->nfiles; i++)
		cp->total += m->files[i].size;
	/* The manifest first: a reader knows what follows. */
	sd_buf_printf(&mf, "%s/%s", dir, SD_BACKUP_MANIFEST);
	st = stat(mf.p, &sb) != 0 ? sd_err_set(err, SD_EINTERNAL, "%s: %s",
	    mf.p, strerror(errno)) : SD_OK;
	if (st == SD_OK) {
		FILE *f = fopen(mf.p, "rb");
		char *buf = xmalloc((size_t)sb.st_size + 1);

		/* The files' checksums are in it; it is copied as read. */
		if (f == NULL || fread(buf, 1, (size_t)sb.st_size, f) !=
		    (size_t)sb.st_size)
			st = sd_err_set(err, SD_EINTERNAL, "%s: %s", mf.p,
			    strerror(errno ? errno : EIO));
		if (f != NULL)
			fclose(f);
		if (st == SD_OK) {
			header(h, SD_BACKUP_MANIFEST, (int64_t)sb.st_size, mtime,
			    0);
			st = ostream_write(gz, h, BLOCK, err);
		}
		if (st == SD_OK)
			st = ostream_write(gz, buf, (size_t)sb.st_size, err);
		if (st == SD_OK && sb.st_size % BLOCK != 0) {
			memset(h, 0, BLOCK);
			st = ostream_write(gz, h, BLOCK - (size_t)(sb.st_size % BLOCK),
			    err);
		}
		free(buf);
	}
	for (size_t d = 0; st == SD_OK && d < 2; d++) {
		header(h, dirs[d], 0, mtime, 1);
		st = ostream_write(gz, h, BLOCK, err);
	}
	for (int i = 0; st == SD_OK && i < m->nfiles; i++)
		st = put_file(gz, dir, m, &m->files[i], mtime, cp, err);
	if (st == SD_OK) {
		memset(h, 0, BLOCK);
		if ((st = ostream_write(gz, h, BLOCK, err)) == SD_OK)
			st = ostream_write(gz, h, BLOCK, err);
	}
	if (st == SD_OK)
		st = ostream_close_write(gz, err);
	else {
		struct sd_err why;

		ostream_close_write(gz, &why);
	}
	sd_buf_free(&mf);
	return st;
}

/* ---------------------------------------------------------------- read */

/* A name a backup's archive may hold: 1 file, 2 directory, 0 neither. */
static int
name_ok(const char *name)
{
	const char *base;

	if (strcmp(name, SD_BACKUP_MANIFEST) == 0 ||
	    strcmp(name, "simdesk.conf") == 0)
		return 1;
	if (strcmp(name, "db/") == 0 || strcmp(name, "recordings/") == 0)
		return 2;
	if (strncmp(name, "db/", 3) == 0)
		base = name + 3;
	else if (strncmp(name, "recordings/", 11) == 0)
		base = name + 11;
	else
		return 0;
	return base[0] != '\0' && base[0] != '.' && strchr(base, '/') == NULL &&
	    strpbrk(base, " \t\n") == NULL ? 1 : 0;
}

/* Exactly n bytes, or an error naming the archive's fault. */
static int
gz_get(struct ops_stream *gz, const char *label, void *p, size_t n,
    struct sd_err *err)
{
	size_t got;
	int st;

	if ((st = ostream_read(gz, p, n, &got, err)) != SD_OK)
		return st;
	if (got < n)
		return sd_err_set(err, SD_EINTERNAL, "archive %s is damaged: "
		    "it ends too soon", label);
	return SD_OK;
}

static int
header_ok(const char *h, char *name, int64_t *size, char *type)
{
	unsigned sum = 0, want;
	char num[13];
	char *end;

	for (int i = 0; i < BLOCK; i++)
		sum += i >= 148 && i < 156 ? ' ' : (unsigned char)h[i];
	memcpy(num, h + 148, 8);
	num[8] = '\0';
	want = (unsigned)strtoul(num, &end, 8);
	if (end == num || want != sum || memcmp(h + 257, "ustar", 5) != 0)
		return 0;
	memcpy(name, h, 100);
	name[100] = '\0';
	memcpy(num, h + 124, 12);
	num[12] = '\0';
	*size = (int64_t)strtoull(num, &end, 8);
	*type = h[156];
	return end != num && *size >= 0;
}

int
archive_read(FILE *in, const char *label, const char *to, const char *key,
    struct sd_err *err)
{
	char h[BLOCK], name[101], type, *buf = xmalloc(BUFSZ);
	struct ops_stream *gz;
	int st = SD_OK, manifest = 0;

	if ((gz = ostream_open_read(fileno(in), label, key, err)) == NULL) {
		free(buf);
		return err->status;
	}
	while (st == SD_OK) {
		struct sd_buf p = SD_BUF_INIT;
		int64_t size, left;
		int kind, out;

		if ((st = gz_get(gz, label, h, BLOCK, err)) != SD_OK)
			break;
		if (h[0] == '\0') {
			/* The end: the rest must be zeros to gzip's end,
			 * whose CRC (and an encrypted one's tag) is
			 * checked as it is reached. */
			size_t got;

			while ((st = ostream_read(gz, buf, BUFSZ, &got,
			    err)) == SD_OK && got > 0)
				for (size_t i = 0; i < got && st == SD_OK; i++)
					if (buf[i] != '\0')
						st = sd_err_set(err, SD_EINTERNAL,
						    "archive %s is damaged: data "
						    "after its end", label);
			break;
		}
		if (!header_ok(h, name, &size, &type)) {
			st = sd_err_set(err, SD_EINTERNAL, "archive %s is "
			    "damaged: a header's checksum is wrong (not a "
			    "simdesk backup archive?)", label);
			break;
		}
		kind = name_ok(name);
		if (kind == 0 || (kind == 2) != (type == '5') ||
		    (kind == 1 && type != '0' && type != '\0')) {
			st = sd_err_set(err, SD_EINVAL, "archive %s: '%.100s' is "
			    "not a file of a simdesk backup", label, name);
			break;
		}
		sd_buf_printf(&p, "%s/%s", to, name);
		if (kind == 2) {
			if (mkdir(p.p, 0700) != 0 && errno != EEXIST)
				st = sd_err_set(err, SD_EINTERNAL, "%s: %s", p.p,
				    strerror(errno));
			sd_buf_free(&p);
			continue;
		}
		if ((out = open(p.p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		    0600)) < 0) {
			st = sd_err_set(err, SD_EINTERNAL, "%s: %s", p.p,
			    errno == EEXIST ? "twice in the archive" :
			    strerror(errno));
			sd_buf_free(&p);
			break;
		}
		manifest |= strcmp(name, SD_BACKUP_MANIFEST) == 0;
		for (left = size; st == SD_OK && left > 0;) {
			size_t n = left > BUFSZ ? BUFSZ : (size_t)left;

			if ((st = gz_get(gz, label, buf, n, err)) == SD_OK &&
			    write(out, buf, n) != (ssize_t)n)
				st = sd_err_set(err, SD_EINTERNAL, "%s: %s", p.p,
				    strerror(errno ? errno : EIO));
			left -= (int64_t)n;
		}
		if (close(out) != 0 && st == SD_OK)
			st = sd_err_set(err, SD_EINTERNAL, "%s: %s", p.p,
			    strerror(errno));
		if (st == SD_OK && size % BLOCK != 0)
			st = gz_get(gz, label, buf, BLOCK - (size_t)(size %
			    BLOCK), err);
		sd_buf_free(&p);
	}
	ostream_free(gz);
	free(buf);
	if (st == SD_OK && !manifest)
		st = sd_err_set(err, SD_EINVAL, "archive %s: no %s in it (not "
		    "a simdesk backup archive)", label, SD_BACKUP_MANIFEST);
	return st;
}
