/*
 * backup.c -- hot backups of the open environment with Berkeley DB's own
 * DB_ENV->backup (the library's db_hotbackup path), and making a copy of
 * one a data directory again by catastrophic recovery, to the end of its
 * log or to a point in time.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

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
static int
dir_used(const char *dir)
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

int
sd_db_backup(struct sd_db *db, const char *dir, int incremental,
    struct sd_backup_point *pt, struct sd_err *err)
{
	DB_ENV *env = db->env;
	int ret, on = 0, used = dir_used(dir);

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
	/* A checkpoint first: recovery of the copy starts from it. */
	if ((ret = env->txn_checkpoint(env, 0, 0, DB_FORCE)) != 0)
		return sd_db_sanitize(ret, err, "checkpoint");
	ret = env->backup(env, dir, incremental ? DB_BACKUP_UPDATE : DB_CREATE);
	if (ret != 0)
		return sd_db_sanitize(ret, err, dir);
	pt->at = (int64_t)time(NULL);
	return last_lsn(env, pt, err);
}

static __thread char restore_msg[256];

static void
restore_errcall(const DB_ENV *env, const char *pfx, const char *msg)
{
	(void)env;
	(void)pfx;
	snprintf(restore_msg, sizeof restore_msg, "%s", msg);
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
		st = sd_err_set(err, SD_EINTERNAL, "%s: recovery failed: %s",
		    dir, restore_msg[0] ? restore_msg : db_strerror(ret));
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
