/*
 * manifest.c -- a backup's MANIFEST (what went into it, the row counts,
 * every file with its size and SHA-256, or CRC-32 in older ones) and the file work backups and
 * restores share: copying with a checksum, walking and removing trees.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <nettle/sha2.h>
#include <zlib.h>

#include "core/ops/ops_int.h"

/* ---------------------------------------------------------------- files */

int
ops_mkdirs(const char *path, struct sd_err *err)
{
	char p[SD_PATH_MAX];

	if (sd_strlcpy(p, path, sizeof p) != 0)
		return sd_err_set(err, SD_EINVAL, "%s: path too long", path);
	for (char *s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;

		*s = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST)
			return sd_err_set(err, SD_EINTERNAL, "%s: %s", p,
			    strerror(errno));
		*s = c;
		if (c == '\0')
			break;
	}
	return SD_OK;
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	return (flag == FTW_DP ? rmdir(path) : unlink(path)) != 0 &&
	    errno != ENOENT ? -1 : 0;
}

int
ops_rmtree(const char *path, struct sd_err *err)
{
	if (nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0 &&
	    errno != ENOENT)
		return sd_err_set(err, SD_EINTERNAL, "removing %s: %s", path,
		    strerror(errno));
	return SD_OK;
}

static void
copy_progress(struct ops_copy *c, int last)
{
	long mb = (long)(c->done >> 20), total = (long)(c->total >> 20);

	if (c->progress == NULL || (!last && mb == c->shown))
		return;
	c->shown = mb;
	c->progress(last ? total : mb, total, c->arg);
}

int
ops_copy_file(const char *from, const char *to, uint32_t *crc,
    struct ops_copy *c, struct sd_err *err)
{
	static char zero[1 << 16];
	char *buf = xmalloc(1 << 16);
	int in, out, e = 0, sparse = 0;
	uLong sum = crc32(0L, Z_NULL, 0);
	off_t at = 0;
	ssize_t n;

	if ((in = open(from, O_RDONLY | O_CLOEXEC)) < 0) {
		free(buf);
		return sd_err_set(err, errno == ENOENT ? SD_ENOTFOUND :
		    SD_EINTERNAL, "%s: %s", from, strerror(errno));
	}
	if ((out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) < 0) {
		e = errno;
		close(in);
		free(buf);
		return sd_err_set(err, SD_EINTERNAL, "%s: %s", to, strerror(e));
	}
	while ((n = read(in, buf, 1 << 16)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			break;
		}
		sum = crc32(sum, (const Bytef *)buf, (uInt)n);
		/* Log files are made their full size at once: keep the hole. */
		if (memcmp(buf, zero, (size_t)n) == 0) {
			sparse = 1;
			if (lseek(out, n, SEEK_CUR) < 0) {
				e = errno;
				break;
			}
		} else if (write(out, buf, (size_t)n) != n) {
			e = errno ? errno : EIO;
			break;
		}
		at += n;
		if (c != NULL) {
			c->done += n;
			copy_progress(c, 0);
		}
	}
	if (e == 0 && sparse && ftruncate(out, at) != 0)
		e = errno;
	if (e == 0 && fsync(out) != 0)
		e = errno;
	close(in);
	if (close(out) != 0 && e == 0)
		e = errno;
	free(buf);
	if (e != 0)
		return sd_err_set(err, SD_EINTERNAL, "copying %s: %s", from,
		    strerror(e));
	if (crc != NULL)
		*crc = (uint32_t)sum;
	return SD_OK;
}

int
ops_sum_file(const char *path, enum mf_sum sum, struct mf_file *out,
    int64_t *size, struct sd_err *err)
{
	char *buf = xmalloc(1 << 16);
	uLong crc = crc32(0L, Z_NULL, 0);
	struct sha256_ctx sha;
	int64_t total = 0;
	ssize_t n;
	int fd, e = 0;

	sha256_init(&sha);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		free(buf);
		return sd_err_set(err, errno == ENOENT ? SD_ENOTFOUND :
		    SD_EINTERNAL, "%s: %s", path, strerror(errno));
	}
	while ((n = read(fd, buf, 1 << 16)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			e = errno;
			break;
		}
		if (sum == MF_SHA256)
			sha256_update(&sha, (size_t)n, (const uint8_t *)buf);
		else
			crc = crc32(crc, (const Bytef *)buf, (uInt)n);
		total += n;
	}
	close(fd);
	free(buf);
	if (e != 0)
		return sd_err_set(err, SD_EINTERNAL, "%s: %s", path, strerror(e));
	if (sum == MF_SHA256)
		sha256_digest(&sha, MF_SHA256_SIZE, out->sha);
	else
		out->crc = (uint32_t)crc;
	*size = total;
	return SD_OK;
}

/* ---------------------------------------------------------------- names */

void
backup_name(int64_t t, char *out)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	strftime(out, SD_BACKUP_NAME_MAX, "%Y%m%d-%H%M%S", &tm);
}

int
backup_name_ok(const char *name)
{
	if (strlen(name) != 15 || name[8] != '-')
		return 0;
	for (int i = 0; i < 15; i++)
		if (i != 8 && (name[i] < '0' || name[i] > '9'))
			return 0;
	return 1;
}

static int
name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
backup_dirs(const char *root, char ***names, int *n, struct sd_err *err)
{
	DIR *d = opendir(root);
	struct dirent *e;
	int cap = 0;

	*names = NULL;
	*n = 0;
	if (d == NULL) {
		if (errno == ENOENT)
			return SD_OK;
		return sd_err_set(err, SD_EINTERNAL, "%s: %s", root,
		    strerror(errno));
	}
	while ((e = readdir(d)) != NULL) {
		if (!backup_name_ok(e->d_name))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*names = xrealloc(*names, (size_t)cap * sizeof **names);
		}
		(*names)[(*n)++] = xstrdup(e->d_name);
	}
	closedir(d);
	if (*n > 1)
		qsort(*names, (size_t)*n, sizeof **names, name_cmp);
	return SD_OK;
}

/* ---------------------------------------------------------------- manifest */

void
mf_free(struct manifest *m)
{
	for (int i = 0; i < m->nfiles; i++)
		free(m->files[i].path);
	free(m->files);
	free(m->entries);
	memset(m, 0, sizeof *m);
}

void
mf_add_entry(struct manifest *m, const struct mf_entry *e)
{
	m->entries = xrealloc(m->entries, (size_t)(m->nentries + 1) *
	    sizeof *m->entries);
	m->entries[m->nentries++] = *e;
}

static void
mf_add_file(struct manifest *m, const char *path, int64_t size,
    const struct mf_file *sum)
{
	struct mf_file *f;

	if (m->nfiles % 64 == 0)
		m->files = xrealloc(m->files, (size_t)(m->nfiles + 64) *
		    sizeof *m->files);
	f = &m->files[m->nfiles++];
	*f = *sum;
	f->path = xstrdup(path);
	f->size = size;
}

/* The checksum of f as the manifest writes it (65 bytes hold a SHA-256). */
static void
sum_text(enum mf_sum sum, const struct mf_file *f, char *out)
{
	if (sum == MF_CRC32) {
		snprintf(out, 9, "%08x", (unsigned)f->crc);
		return;
	}
	for (int i = 0; i < MF_SHA256_SIZE; i++)
		snprintf(out + 2 * i, 3, "%02x", f->sha[i]);
}

/* The SHA-256 in hex of a manifest's line into f: 0, or -1. */
static int
sha_parse(const char *hex, struct mf_file *f)
{
	if (strlen(hex) != 2 * MF_SHA256_SIZE ||
	    strspn(hex, "0123456789abcdef") != 2 * MF_SHA256_SIZE)
		return -1;
	for (int i = 0; i < MF_SHA256_SIZE; i++) {
		unsigned v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		f->sha[i] = (uint8_t)v;
	}
	return 0;
}

static int
sum_equal(enum mf_sum sum, const struct mf_file *a, const struct mf_file *b)
{
	return sum == MF_CRC32 ? a->crc == b->crc :
	    memcmp(a->sha, b->sha, MF_SHA256_SIZE) == 0;
}

struct mf_file *
mf_find(const struct manifest *m, const char *path)
{
	for (int i = 0; m != NULL && i < m->nfiles; i++)
		if (strcmp(m->files[i].path, path) == 0)
			return &m->files[i];
	return NULL;
}

int
mf_write(const char *dir, const struct manifest *m, struct sd_err *err)
{
	struct sd_buf b = SD_BUF_INIT, tmp = SD_BUF_INIT, path = SD_BUF_INIT;
	char when[32], hex[2 * MF_SHA256_SIZE + 1];
	FILE *f;
	int st = SD_OK;

	sd_buf_printf(&b, "%s\nversion %s\nname %s\nchecksum %s\n",
	    MANIFEST_MAGIC, m->version, m->name, m->sum == MF_SHA256 ?
	    "sha256" : "crc32");
	for (int i = 0; i < m->nentries; i++) {
		const struct mf_entry *e = &m->entries[i];

		sd_time_format(e->at, when, sizeof when);
		sd_buf_printf(&b, "backup %s %lld lsn %lu/%lu ms %lld %s\n",
		    e->full ? "full" : "incremental", (long long)e->at,
		    (unsigned long)e->lsn_file, (unsigned long)e->lsn_offset,
		    (long long)e->at_ms, when);
	}
	for (int i = 0; i < m->ncounts; i++)
		sd_buf_printf(&b, "count %s %llu\n", m->counts[i].table,
		    (unsigned long long)m->counts[i].n);
	for (int i = 0; i < m->nfiles; i++) {
		sum_text(m->sum, &m->files[i], hex);
		sd_buf_printf(&b, "file %s %lld %s\n", m->files[i].path,
		    (long long)m->files[i].size, hex);
	}
	sd_buf_adds(&b, "end\n");
	sd_buf_printf(&path, "%s/%s", dir, SD_BACKUP_MANIFEST);
	sd_buf_printf(&tmp, "%s/%s.tmp", dir, SD_BACKUP_MANIFEST);
	if ((f = fopen(tmp.p, "w")) == NULL ||
	    fwrite(b.p, 1, b.len, f) != b.len || fflush(f) != 0 ||
	    fsync(fileno(f)) != 0)
		st = sd_err_set(err, SD_EINTERNAL, "%s: %s", tmp.p,
		    strerror(errno));
	if (f != NULL && fclose(f) != 0 && st == SD_OK)
		st = sd_err_set(err, SD_EINTERNAL, "%s: %s", tmp.p,
		    strerror(errno));
	if (st == SD_OK && rename(tmp.p, path.p) != 0)
		st = sd_err_set(err, SD_EINTERNAL, "%s: %s", path.p,
		    strerror(errno));
	if (st != SD_OK)
		unlink(tmp.p);
	sd_buf_free(&b);
	sd_buf_free(&tmp);
	sd_buf_free(&path);
	return st;
}

int
mf_read(const char *dir, struct manifest *m, struct sd_err *err)
{
	struct sd_buf path = SD_BUF_INIT;
	char line[SD_PATH_MAX + 128], word[32], arg[SD_PATH_MAX], hex[72];
	int n = 0, st = SD_OK, ended = 0;
	FILE *f;

	memset(m, 0, sizeof *m);
	sd_buf_printf(&path, "%s/%s", dir, SD_BACKUP_MANIFEST);
	if ((f = fopen(path.p, "r")) == NULL) {
		st = sd_err_set(err, errno == ENOENT ? SD_ENOTFOUND :
		    SD_EINTERNAL, "%s: %s", path.p, strerror(errno));
		sd_buf_free(&path);
		return st;
	}
	while (st == SD_OK && !ended && fgets(line, sizeof line, f) != NULL) {
		struct mf_entry e;
		long long a = 0;
		unsigned long lf, lo;
		struct mf_file sum;

		n++;
		line[strcspn(line, "\n")] = '\0';
		if (n == 1) {
			if (strcmp(line, MANIFEST_MAGIC) != 0)
				st = -1;
			continue;
		}
		memset(&e, 0, sizeof e);
		if (sscanf(line, "%31s", word) != 1)
			st = -1;
		else if (strcmp(word, "version") == 0)
			st = sscanf(line, "version %31s", m->version) == 1 ? 0 : -1;
		else if (strcmp(word, "name") == 0)
			st = sscanf(line, "name %15s", m->name) == 1 ? 0 : -1;
		else if (strcmp(word, "checksum") == 0) {
			/* Before a file line: they are read by it. */
			if (m->nfiles == 0 && strcmp(line, "checksum crc32") == 0)
				m->sum = MF_CRC32;
			else if (m->nfiles == 0 &&
			    strcmp(line, "checksum sha256") == 0)
				m->sum = MF_SHA256;
			else
				st = -1;
		}
		else if (strcmp(word, "backup") == 0) {
			long long ms = -1;

			/* ms: since the first drill; before it, the second. */
			if (sscanf(line, "backup %31s %lld lsn %lu/%lu ms %lld", arg,
			    &a, &lf, &lo, &ms) < 4 || (strcmp(arg, "full") != 0 &&
			    strcmp(arg, "incremental") != 0) ||
			    (m->nentries == 0) != (strcmp(arg, "full") == 0))
				st = -1;
			else {
				e.full = arg[0] == 'f';
				e.at = a;
				e.lsn_file = (uint32_t)lf;
				e.lsn_offset = (uint32_t)lo;
				e.at_ms = ms >= 0 ? ms : a * 1000;
				mf_add_entry(m, &e);
			}
		} else if (strcmp(word, "count") == 0) {
			unsigned long long c;

			if (m->ncounts >= T__COUNT || sscanf(line,
			    "count %31s %llu", m->counts[m->ncounts].table,
			    &c) != 2)
				st = -1;
			else
				m->counts[m->ncounts++].n = c;
		} else if (strcmp(word, "file") == 0) {
			memset(&sum, 0, sizeof sum);
			if (sscanf(line, "file %1023s %lld %71s", arg, &a,
			    hex) != 3 || a < 0)
				st = -1;
			else if (m->sum == MF_SHA256 ? sha_parse(hex, &sum) != 0 :
			    sscanf(hex, "%8x", &sum.crc) != 1)
				st = -1;
			else
				mf_add_file(m, arg, a, &sum);
		} else if (strcmp(word, "end") == 0)
			ended = 1;
		else
			st = -1;
	}
	fclose(f);
	if (st == SD_OK && (!ended || m->nentries == 0))
		st = -1;
	if (st != SD_OK) {
		mf_free(m);
		st = sd_err_set(err, SD_EINVAL, "%s:%d: not a simdesk backup "
		    "manifest (or cut short)", path.p, n);
	}
	sd_buf_free(&path);
	return st;
}

int
mf_check(const char *dir, const struct manifest *m, char *fault, size_t size)
{
	for (int i = 0; i < m->nfiles; i++) {
		const struct mf_file *f = &m->files[i];
		struct sd_buf p = SD_BUF_INIT;
		struct sd_err why;
		struct mf_file now;
		int64_t len;

		sd_buf_printf(&p, "%s/%s", dir, f->path);
		if (ops_sum_file(p.p, m->sum, &now, &len, &why) != SD_OK)
			snprintf(fault, size, "%s", why.msg);
		else if (len != f->size)
			snprintf(fault, size, "%s: %lld bytes, the manifest says "
			    "%lld", f->path, (long long)len, (long long)f->size);
		else if (!sum_equal(m->sum, &now, f))
			snprintf(fault, size, "%s: its checksum is not the "
			    "manifest's (the file is damaged)", f->path);
		else
			fault[0] = '\0';
		sd_buf_free(&p);
		if (fault[0] != '\0')
			return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- scan */

struct scan {
	const char	*root;
	size_t		 rootlen;
	struct manifest	*m;
	const struct manifest *old;
	int		(*recheck)(const char *, void *);
	void		*arg;
	struct sd_err	*err;
	int		 st;
};

static int
scan_dir(struct scan *s, const char *rel)
{
	struct sd_buf dir = SD_BUF_INIT;
	DIR *d;
	struct dirent *e;

	sd_buf_printf(&dir, "%s/%s", s->root, rel);
	if ((d = opendir(dir.p)) == NULL) {
		sd_buf_free(&dir);
		return errno == ENOENT ? SD_OK : sd_err_set(s->err,
		    SD_EINTERNAL, "%s/%s: %s", s->root, rel, strerror(errno));
	}
	while (s->st == SD_OK && (e = readdir(d)) != NULL) {
		struct sd_buf p = SD_BUF_INIT, full = SD_BUF_INIT;
		struct stat sb;
		struct mf_file *was, sum;
		int64_t size;

		if (e->d_name[0] == '.' || strpbrk(e->d_name, " \t\n") != NULL)
			continue;
		sd_buf_printf(&p, "%s/%s", rel, e->d_name);
		sd_buf_printf(&full, "%s/%s", s->root, p.p);
		if (lstat(full.p, &sb) == 0 && S_ISREG(sb.st_mode)) {
			memset(&sum, 0, sizeof sum);
			was = s->old != NULL && s->old->sum == s->m->sum ?
			    mf_find(s->old, p.p) : NULL;
			if (was != NULL && was->size == (int64_t)sb.st_size &&
			    (s->recheck == NULL || !s->recheck(p.p, s->arg)))
				mf_add_file(s->m, p.p, was->size, was);
			else if ((s->st = ops_sum_file(full.p, s->m->sum, &sum,
			    &size, s->err)) == SD_OK)
				mf_add_file(s->m, p.p, size, &sum);
		}
		sd_buf_free(&p);
		sd_buf_free(&full);
	}
	closedir(d);
	sd_buf_free(&dir);
	return s->st;
}

static int
file_cmp(const void *a, const void *b)
{
	return strcmp(((const struct mf_file *)a)->path,
	    ((const struct mf_file *)b)->path);
}

int
mf_scan(const char *dir, struct manifest *m, const struct manifest *old,
    int (*recheck)(const char *path, void *arg), void *arg,
    struct sd_err *err)
{
	struct scan s = { dir, strlen(dir), m, old, recheck, arg, err, SD_OK };
	struct sd_buf conf = SD_BUF_INIT;
	struct mf_file sum;
	int64_t size;
	int st;

	for (int i = 0; i < m->nfiles; i++)
		free(m->files[i].path);
	m->nfiles = 0;
	if ((st = scan_dir(&s, "db")) != SD_OK ||
	    (st = scan_dir(&s, "recordings")) != SD_OK)
		return st;
	sd_buf_printf(&conf, "%s/simdesk.conf", dir);
	memset(&sum, 0, sizeof sum);
	st = ops_sum_file(conf.p, m->sum, &sum, &size, err);
	if (st == SD_OK)
		mf_add_file(m, "simdesk.conf", size, &sum);
	sd_buf_free(&conf);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	if (m->nfiles > 1)
		qsort(m->files, (size_t)m->nfiles, sizeof *m->files, file_cmp);
	return SD_OK;
}

/* ---------------------------------------------------------------- counts */

int
ops_count_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct manifest *m = arg;
	int st;

	m->ncounts = 0;
	for (int i = 0; i < T__COUNT; i++) {
		sd_strlcpy(m->counts[i].table, rec_table_name(i),
		    sizeof m->counts[i].table);
		if ((st = sd_count(t, i, -1, &m->counts[i].n, err)) != SD_OK)
			return st;
		m->ncounts++;
	}
	return SD_OK;
}
