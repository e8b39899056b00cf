/*
 * stat.c -- what an admin asks of the environment's health: its last
 * checkpoint, the log files it keeps and whether it removes them itself,
 * and the bytes of the data directory.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_int.h"

/* The bytes of the regular files of dir and of its subdirectories. */
static int64_t
tree_bytes(const char *dir, int depth)
{
	DIR *d;
	struct dirent *e;
	int64_t n = 0;

	if (depth > 4 || (d = opendir(dir)) == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		char path[4096];
		struct stat sb;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (lstat(path, &sb) != 0)
			continue;
		if (S_ISREG(sb.st_mode))
			n += (int64_t)sb.st_size;
		else if (S_ISDIR(sb.st_mode))
			n += tree_bytes(path, depth + 1);
	}
	closedir(d);
	return n;
}

int
sd_db_env_stat(struct sd_db *db, struct sd_db_envstat *out,
    struct sd_err *err)
{
	DB_ENV *env = db->env;
	DB_TXN_STAT *ts = NULL;
	char **list = NULL;
	int ret, on = 0;

	memset(out, 0, sizeof *out);
	if ((ret = env->txn_stat(env, &ts, 0)) != 0)
		return sd_db_sanitize(ret, err, "transaction statistics");
	out->checkpoint_at = (int64_t)ts->st_time_ckp;
	out->checkpoint_file = ts->st_last_ckp.file;
	out->checkpoint_offset = ts->st_last_ckp.offset;
	free(ts);
	/* Every log file, needed or not (DB_ARCH_LOG: names, relative). */
	if ((ret = env->log_archive(env, &list, DB_ARCH_LOG)) != 0)
		return sd_db_sanitize(ret, err, "log");
	for (char **p = list; p != NULL && *p != NULL; p++) {
		char path[4096];
		struct stat sb;

		out->log_files++;
		snprintf(path, sizeof path, "%s/%s", db->home, *p);
		if (stat(path, &sb) == 0)
			out->log_bytes += (int64_t)sb.st_size;
	}
	free(list);
	if (env->log_get_config(env, DB_LOG_AUTO_REMOVE, &on) == 0)
		out->logs_auto_removed = on != 0;
	out->data_bytes = tree_bytes(db->home, 0);
	return SD_OK;
}
