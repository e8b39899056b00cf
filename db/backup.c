/*
 * backup.c -- hot backups of the open environment with Berkeley DB's own
 * DB_ENV->backup (the library's db_hotbackup path), and making a copy of
 * one a data directory again by catastrophic recovery, to the end of its
 * log or to a point in time.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db_int.h"

/* The last record of the log: how far a backup or a restore reaches. */
static int
last_lsn(DB_ENV *env, struct sd_backup_point *pt, struct sd_err *err)
{
	DB_LOGC *lc;
	DB_LSN lsn;
	DBT rec;
	int ret;

	if ((ret = env->log_cursor(env, &lc, 0)) != 0)
		return sd_db_sanitize(ret, err, "log cursor");
	memset(&rec, 0, sizeof rec);
	ret = lc->get(lc, &lsn, &rec, DB_LAST);
	lc->close(lc, 0);
	if (ret == DB_NOTFOUND) {
		pt->file = pt->offset = 0;
		return SD_OK;
	}
	if (ret != 0)
		return sd_db_sanitize(ret, err, "log");
	pt->file = lsn.file;
	pt->offset = lsn.offset;
	return SD_OK;
}

/* 1 when dir holds entries other than . and .., 0 when empty, -1 when it
 * cannot be read (errno). */
int
sd_dir_used(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int used = 0;

	if (d == NULL)
		return -1;
	while (!used && (e = readdir(d)) != NULL)
		used = strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return used;
}

/*
 * Copy bytes [lo, hi) of from/name into to/name at the same offsets (hi
 * < 0: to the end), creating it; whole = truncate it first.  Blocks of
 * zeros are skipped: Berkeley DB makes each log file its full size at
 * once, and a copy need not fill the hole.  0 or errno.
 */
static int
copy_range(const char *from, const char *to, const char *name, off_t lo,
    off_t hi, int whole)
{
	static const char zero[1 << 16];
	char src[4096], dst[4096], buf[1 << 16];
	int in, out, e = 0;
	off_t at = lo;
	ssize_t n;

	snprintf(src, sizeof src, "%s/%s", from, name);
	snprintf(dst, sizeof dst, "%s/%s", to, name);
	if ((in = open(src, O_RDONLY | O_CLOEXEC)) < 0)
		return errno;
	if ((out = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC |
	    (whole ? O_TRUNC : 0), 0600)) < 0) {
		e = errno;
		close(in);
		return e;
	}
	while (hi < 0 || at < hi) {
		size_t want = hi < 0 || hi - at > (off_t)sizeof buf ?
		    sizeof buf : (size_t)(hi - at);

		if ((n = pread(in, buf, want, at)) < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			e = n < 0 ? errno : 0;
			break;
		}
		if (memcmp(buf, zero, (size_t)n) != 0 &&
		    pwrite(out, buf, (size_t)n, at) != n) {
			e = errno ? errno : EIO;
			break;
		}
		at += n;
	}
	/* The size of what was copied, holes and all. */
	if (e == 0 && whole && ftruncate(out, at) != 0)
		e = errno;
	if (e == 0 && fsync(out) != 0)
		e = errno;
	close(in);
	if (close(out) != 0 && e == 0)
		e = errno;
	return e;
}

/* The number of log file name ("log.0000000012"), 0 if it is none. */
static unsigned long
log_number(const char *name)
{
	return strncmp(name, "log.", 4) == 0 ? strtoul(name + 4, NULL, 10) : 0;
}

/* Where the log ends now, all of it written out. */
struct log_pos {
	unsigned long	file, offset;
};

static int
log_end(DB_ENV *env, struct log_pos *p, struct sd_err *err)
{
	DB_LOG_STAT *sp;
	int ret;

	if ((ret = env->log_flush(env, NULL)) != 0 ||
	    (ret = env->log_stat(env, &sp, 0)) != 0)
		return sd_db_sanitize(ret, err, "log");
	p->file = sp->st_cur_file;
	p->offset = sp->st_cur_offset;
	free(sp);
	return SD_OK;
}

/*
 * The bulk of a backup's log: the log files the backup in
 * dir lacks, and its last one again (it has grown since).  The backup is
 * recovered from its first file on, so the environment must still have
 * every file from the backup's last one on.
 */
static int
copy_logs(struct sd_db *db, const char *dir, struct sd_err *err)
{
	DB_ENV *env = db->env;
	char **list = NULL;
	unsigned long have = 0, first = 0;
	DIR *d;
	struct dirent *e;
	int ret, st = SD_OK;

	if ((d = opendir(dir)) == NULL)
		return sd_err_set(err, SD_EINTERNAL, "%s: %s", dir,
		    strerror(errno));
	while ((e = readdir(d)) != NULL)
		if (log_number(e->d_name) > have)
			have = log_number(e->d_name);
	closedir(d);
	if ((ret = env->log_flush(env, NULL)) != 0 ||
	    (ret = env->log_archive(env, &list, DB_ARCH_LOG)) != 0)
		return sd_db_sanitize(ret, err, "log");
	for (char **p = list; p != NULL && *p != NULL; p++)
		if (first == 0 || log_number(*p) < first)
			first = log_number(*p);
	if (have > 0 && first > have)
		st = sd_err_set(err, SD_EREFUSED, "%s: the log since its last "
		    "backup is gone from the data directory (log.%010lu is the "
		    "oldest left): take a full backup", dir, first);
	for (char **p = list; st == SD_OK && p != NULL && *p != NULL; p++) {
		char path[4096];
		struct stat sb;

		snprintf(path, sizeof path, "%s/%s", dir, *p);
		if (log_number(*p) < have && stat(path, &sb) == 0)
			continue;
		if ((ret = copy_range(db->home, dir, *p, 0, -1, 1)) != 0 &&
		    ret != ENOENT)	/* ENOENT: removed meanwhile */
			st = sd_err_set(err, SD_EINTERNAL, "%s/%s: %s", dir, *p,
			    strerror(ret));
	}
	free(list);
	return st;
}

/*
 * The tail: the log written from mark to end, over what the bulk copied
 * (which may have caught part of it, or a record half written).
 */
static int
copy_tail(struct sd_db *db, const char *dir, const struct log_pos *mark,
    const struct log_pos *end, struct sd_err *err)
{
	for (unsigned long f = mark->file; f <= end->file; f++) {
		char name[32];
		int ret;

		snprintf(name, sizeof name, "log.%010lu", f);
		ret = copy_range(db->home, dir, name, f == mark->file ?
		    (off_t)mark->offset : 0, f == end->file ?
		    (off_t)end->offset : -1, 0);
		if (ret != 0)
			return sd_err_set(err, SD_EINTERNAL, "%s/%s: %s", dir,
			    name, strerror(ret));
	}
	return SD_OK;
}

/*
 * Hold the writers for the end of a backup: a few tries of a few seconds,
 * so that a long transaction makes the backup wait, not the counter.
 */
#define HOLD_MS		2000
#define HOLD_TRIES	5

int
sd_db_backup_at(struct sd_db *db, const char *dir, int incremental,
    sd_txn_fn at, void *arg, struct sd_backup_point *pt, struct sd_err *err)
{
	DB_ENV *env = db->env;
	struct log_pos mark, end;
	int ret, st, on = 0, used = sd_dir_used(dir);

	memset(pt, 0, sizeof *pt);
	if (incremental) {
		if (env->log_get_config(env, DB_LOG_AUTO_REMOVE, &on) == 0 && on)
			return sd_err_set(err, SD_EINVAL, "incremental backup: "
			    "this data directory removes its old logs (backups "
			    "need them kept)");
		if (used != 1)
			return sd_err_set(err, SD_EINVAL, "%s: no earlier backup "
			    "to add to", dir);
	} else if (used == 1)
		return sd_err_set(err, SD_EEXIST, "%s: not empty", dir);
	else if (used < 0 && errno != ENOENT)
		return sd_err_set(err, SD_EINTERNAL, "%s: %s", dir,
		    strerror(errno));
	/*
	 * From the first backup on the log is kept: the next incremental
	 * one needs every file written after this one.
	 */
	if (!incremental)
		env->log_set_config(env, DB_LOG_AUTO_REMOVE, 0);
	/* A checkpoint first: recovery of the copy starts from it. */
	if ((ret = env->txn_checkpoint(env, 0, 0, DB_FORCE)) != 0)
		return sd_db_sanitize(ret, err, "checkpoint");
	/*
	 * The bulk while everyone writes: the databases (a full backup)
	 * and the log files the backup lacks.  The log is copied here, not
	 * by DB_ENV->backup: its DB_BACKUP_UPDATE keeps a backup that is
	 * recovered in place, and refuses once the environment's first log
	 * file is gone; ours stays as taken and needs every file since.
	 */
	if ((st = log_end(env, &mark, err)) != SD_OK)
		return st;
	if (!incremental && (ret = env->backup(env, dir, DB_CREATE |
	    DB_BACKUP_NO_LOGS)) != 0)
		return sd_db_sanitize(ret, err, dir);
	if ((st = copy_logs(db, dir, err)) != SD_OK)
		return st;
	/*
	 * The end: with the writers held, what at() reads is exactly what
	 * the backup holds, and the log is copied to its last record.  Only
	 * the log written since the bulk is copied here, so they wait
	 * briefly.
	 */
	for (int i = 0;; i++) {
		if ((st = sd_db_writers_hold(db, HOLD_MS, err)) == SD_OK)
			break;
		if (st != SD_EREFUSED || i + 1 >= HOLD_TRIES)
			return st;
		usleep(200000);
	}
	st = at != NULL ? sd_db_read(db, at, arg, err) : SD_OK;
	if (st == SD_OK)
		st = log_end(env, &end, err);
	if (st == SD_OK)
		st = copy_tail(db, dir, &mark, &end, err);
	if (st == SD_OK) {
		struct timespec ts;

		st = last_lsn(env, pt, err);
		clock_gettime(CLOCK_REALTIME, &ts);
		pt->at = (int64_t)ts.tv_sec;
		pt->at_ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	}
	sd_db_writers_release(db);
	return st;
}

int
sd_db_backup(struct sd_db *db, const char *dir, int incremental,
    struct sd_backup_point *pt, struct sd_err *err)
{
	return sd_db_backup_at(db, dir, incremental, NULL, NULL, pt, err);
}

int
sd_db_log_archive(struct sd_db *db, int *removed, struct sd_err *err)
{
	DB_ENV *env = db->env;
	char **list = NULL;
	int ret, n = 0;

	*removed = 0;
	if ((ret = env->log_archive(env, &list, 0)) != 0)
		return sd_db_sanitize(ret, err, "log archive");
	for (char **p = list; p != NULL && *p != NULL; p++)
		n++;
	free(list);
	if (n > 0 && (ret = env->log_archive(env, NULL, DB_ARCH_REMOVE)) != 0)
		return sd_db_sanitize(ret, err, "log archive");
	*removed = n;
	return SD_OK;
}

static __thread char restore_msg[256];
/* What recovery's messages said of the key (as db/env.c reads them):
 * 1 an encrypted log read without one, 2 read with another. */
static __thread int restore_key;

static void
restore_errcall(const DB_ENV *env, const char *pfx, const char *msg)
{
	(void)env;
	(void)pfx;
	snprintf(restore_msg, sizeof restore_msg, "%s", msg);
	if (strstr(msg, "BDB2530") != NULL || strstr(msg, "BDB0174") != NULL)
		restore_key = 1;
	else if (strstr(msg, "BDB2533") != NULL ||
	    strstr(msg, "BDB0175") != NULL)
		restore_key = 2;
}

int
sd_db_restore(const char *dir, const char *passphrase, int64_t until,
    struct sd_backup_point *pt, struct sd_err *err)
{
	DB_ENV *env;
	time_t t = (time_t)until;
	int ret, st;

	memset(pt, 0, sizeof *pt);
	if ((ret = db_env_create(&env, 0)) != 0)
		return sd_db_sanitize(ret, err, "environment");
	restore_msg[0] = '\0';
	restore_key = 0;
	env->set_errcall(env, restore_errcall);
	if (passphrase != NULL && passphrase[0] != '\0' &&
	    (ret = env->set_encrypt(env, passphrase, DB_ENCRYPT_AES)) != 0) {
		env->close(env, 0);
		return sd_db_sanitize(ret, err, "encryption");
	}
	if (until > 0 && (ret = env->set_tx_timestamp(env, &t)) != 0) {
		env->close(env, 0);
		return sd_db_sanitize(ret, err, "--until");
	}
	ret = env->open(env, dir, DB_CREATE | DB_INIT_TXN | DB_INIT_LOCK |
	    DB_INIT_LOG | DB_INIT_MPOOL | DB_PRIVATE | DB_RECOVER_FATAL, 0600);
	if (ret != 0) {
		int keyed = passphrase != NULL && passphrase[0] != '\0';

		if (restore_key == 1 && !keyed)
			st = sd_err_set(err, SD_EINTERNAL, "%s: the backup is "
			    "encrypted: set key_file in the configuration to "
			    "its key", dir);
		else if (restore_key != 0 && keyed)
			st = sd_err_set(err, SD_EINTERNAL, "%s: the backup is "
			    "encrypted with another key than key_file's", dir);
		else
			st = sd_err_set(err, SD_EINTERNAL, "%s: recovery failed: "
			    "%s", dir, restore_msg[0] ? restore_msg :
			    db_strerror(ret));
		env->close(env, 0);
		return st;
	}
	st = last_lsn(env, pt, err);
	pt->at = until > 0 ? until : (int64_t)time(NULL);
	if ((ret = env->txn_checkpoint(env, 0, 0, DB_FORCE)) != 0 &&
	    st == SD_OK)
		st = sd_db_sanitize(ret, err, "checkpoint");
	if ((ret = env->close(env, 0)) != 0 && st == SD_OK)
		st = sd_db_sanitize(ret, err, dir);
	return st;
}
