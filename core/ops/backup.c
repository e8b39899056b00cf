/*
 * backup.c -- backups of the data directory while everyone works: the
 * databases and the log through db/'s hot backup, the recordings and
 * the configuration beside them, a manifest; the log archived and old
 * full backups removed by policy afterwards.  And listing them.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/ops/ops_int.h"

/* One backup or verification at a time in this server. */
static pthread_mutex_t backup_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---------------------------------------------------------------- info */

/* The result of the last verification of dir, as of nentries backups. */
static void
read_verified(const char *dir, int nentries, struct sd_backup_info *b)
{
	struct sd_buf p = SD_BUF_INIT;
	char line[512], word[16];
	long long at = 0;
	int n = 0, off = 0;
	FILE *f;

	sd_buf_printf(&p, "%s/%s", dir, SD_BACKUP_VERIFIED);
	f = fopen(p.p, "r");
	sd_buf_free(&p);
	if (f == NULL)
		return;
	if (fgets(line, sizeof line, f) != NULL &&
	    sscanf(line, "%15s %lld entries %d %n", word, &at, &n, &off) >= 3 &&
	    n == nentries) {
		b->verified = strcmp(word, "passed") == 0 ? 1 : -1;
		b->verified_at = at;
		line[strcspn(line, "\n")] = '\0';
		if (b->verified < 0 && off > 0)
			sd_strlcpy(b->note, line + off, sizeof b->note);
	}
	fclose(f);
}

void
backup_info(const char *root, const char *name, const struct manifest *m,
    struct sd_backup_info *b)
{
	memset(b, 0, sizeof *b);
	sd_strlcpy(b->name, name, sizeof b->name);
	snprintf(b->path, sizeof b->path, "%s/%s", root, name);
	if (m == NULL || m->nentries == 0)
		return;
	b->complete = 1;
	b->incrementals = m->nentries - 1;
	b->created = m->entries[0].at;
	b->at = m->entries[m->nentries - 1].at;
	b->at_ms = m->entries[m->nentries - 1].at_ms;
	b->lsn_file = m->entries[m->nentries - 1].lsn_file;
	b->lsn_offset = m->entries[m->nentries - 1].lsn_offset;
	b->files = m->nfiles;
	for (int i = 0; i < m->nfiles; i++)
		b->bytes += m->files[i].size;
	read_verified(b->path, m->nentries, b);
}

int
sd_backup_list(struct sd_session *s, sd_backup_cb cb, void *arg,
    struct sd_err *err)
{
	char root[SD_PATH_MAX], **names;
	int n, st, stop = 0;

	if ((st = sd_authorize(s, SD_OP_BACKUP, "list", err)) != SD_OK ||
	    (st = sd_config_backup_dir(&s->core->cfg, root, sizeof root,
	    err)) != SD_OK ||
	    (st = backup_dirs(root, &names, &n, err)) != SD_OK)
		return st;
	for (int i = 0; i < n && !stop; i++) {
		struct sd_buf dir = SD_BUF_INIT;
		struct sd_backup_info b;
		struct manifest m;
		struct sd_err why;
		int r;

		sd_buf_printf(&dir, "%s/%s", root, names[i]);
		r = mf_read(dir.p, &m, &why);
		backup_info(root, names[i], r == SD_OK ? &m : NULL, &b);
		if (r != SD_OK && r != SD_ENOTFOUND)
			sd_strlcpy(b.note, why.msg, sizeof b.note);
		if (r == SD_OK)
			mf_free(&m);
		sd_buf_free(&dir);
		stop = cb(&b, arg) != 0;	/* the caller has enough */
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return st;
}

int
sd_backup_keeps_logs(const struct sd_config *cfg)
{
	char root[SD_PATH_MAX], **names;
	struct sd_err err;
	int n, found = 0;

	if (cfg->backup_set)
		return 1;
	if (sd_config_backup_dir(cfg, root, sizeof root, &err) != SD_OK ||
	    backup_dirs(root, &names, &n, &err) != SD_OK)
		return 0;
	for (int i = 0; i < n; i++) {
		struct sd_buf p = SD_BUF_INIT;

		sd_buf_printf(&p, "%s/%s/%s", root, names[i],
		    SD_BACKUP_MANIFEST);
		found |= access(p.p, F_OK) == 0;
		sd_buf_free(&p);
		free(names[i]);
	}
	free(names);
	return found;
}

/* ---------------------------------------------------------------- create */

/* The recordings of the data directory the backup lacks, copied in. */
static int
copy_recordings(const struct sd_config *cfg, const char *dir,
    struct ops_copy *c, int *copied, struct sd_err *err)
{
	struct sd_buf from = SD_BUF_INIT, to = SD_BUF_INIT;
	DIR *d;
	struct dirent *e;
	int st = SD_OK;

	*copied = 0;
	sd_buf_printf(&from, "%s/recordings", cfg->data_dir);
	sd_buf_printf(&to, "%s/recordings", dir);
	if ((d = opendir(from.p)) == NULL) {
		if (errno != ENOENT)
			st = sd_err_set(err, SD_EINTERNAL, "%s: %s", from.p,
			    strerror(errno));
		goto done;
	}
	if ((st = ops_mkdirs(to.p, err)) != SD_OK)
		goto done;
	/* Twice: the size first, for the progress line. */
	for (int pass = 0; pass < 2 && st == SD_OK; pass++) {
		rewinddir(d);
		while (st == SD_OK && (e = readdir(d)) != NULL) {
			struct sd_buf a = SD_BUF_INIT, b = SD_BUF_INIT;
			size_t n = strlen(e->d_name);
			struct stat sa, sb;

			/* Finished ones only (a call's is .wav.part until
			 * it ends). */
			if (e->d_name[0] == '.' || n < 5 ||
			    strcmp(e->d_name + n - 4, ".wav") != 0 ||
			    strpbrk(e->d_name, " \t\n") != NULL)
				continue;
			sd_buf_printf(&a, "%s/%s", from.p, e->d_name);
			sd_buf_printf(&b, "%s/%s", to.p, e->d_name);
			if (lstat(a.p, &sa) == 0 && S_ISREG(sa.st_mode) &&
			    !(stat(b.p, &sb) == 0 && sb.st_size == sa.st_size)) {
				if (pass == 0)
					c->total += sa.st_size;
				else if ((st = ops_copy_file(a.p, b.p, NULL, c,
				    err)) == SD_OK)
					(*copied)++;
			}
			sd_buf_free(&a);
			sd_buf_free(&b);
		}
	}
	closedir(d);
done:
	sd_buf_free(&from);
	sd_buf_free(&to);
	return st;
}

/* The log files from the old manifest's last one on have grown. */
static int
log_grew(const char *path, void *arg)
{
	const char *last = arg;

	return strncmp(path, "db/log.", 7) == 0 && last != NULL &&
	    strcmp(path, last) >= 0;
}

/* The old manifest's last log file ("db/log.0000000003"), or NULL. */
static const char *
last_log(const struct manifest *m)
{
	const char *last = NULL;

	for (int i = 0; i < m->nfiles; i++)
		if (strncmp(m->files[i].path, "db/log.", 7) == 0 &&
		    (last == NULL || strcmp(m->files[i].path, last) > 0))
			last = m->files[i].path;
	return last;
}

/* Full backups beyond keep, oldest first, removed whole. */
static int
remove_old(const char *root, int keep, int *removed, struct sd_err *err)
{
	char **names;
	int n, full = 0, st;

	*removed = 0;
	if ((st = backup_dirs(root, &names, &n, err)) != SD_OK)
		return st;
	for (int i = n - 1; i >= 0; i--) {
		struct sd_buf dir = SD_BUF_INIT, mf = SD_BUF_INIT;

		sd_buf_printf(&dir, "%s/%s", root, names[i]);
		sd_buf_printf(&mf, "%s/%s", dir.p, SD_BACKUP_MANIFEST);
		/* Only complete ones count, and go. */
		if (access(mf.p, F_OK) == 0 && ++full > keep && st == SD_OK) {
			if ((st = ops_rmtree(dir.p, err)) == SD_OK)
				(*removed)++;
		}
		sd_buf_free(&dir);
		sd_buf_free(&mf);
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return st;
}

/* The newest complete backup of root into name, or SD_ENOTFOUND. */
static int
newest(const char *root, char *name, struct manifest *m, struct sd_err *err)
{
	char **names;
	int n, st;

	if ((st = backup_dirs(root, &names, &n, err)) != SD_OK)
		return st;
	st = SD_ENOTFOUND;
	for (int i = n - 1; i >= 0 && st == SD_ENOTFOUND; i--) {
		struct sd_buf dir = SD_BUF_INIT;
		struct sd_err why;

		sd_buf_printf(&dir, "%s/%s", root, names[i]);
		if (mf_read(dir.p, m, &why) == SD_OK) {
			sd_strlcpy(name, names[i], SD_BACKUP_NAME_MAX);
			st = SD_OK;
		}
		sd_buf_free(&dir);
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (st == SD_ENOTFOUND)
		sd_err_set(err, SD_EREFUSED, "no full backup in %s to add to: "
		    "take a full one first", root);
	return st;
}

/* A new backup's directory, named by the time (the next second if a
 * backup of this second is there). */
static int
new_dir(const char *root, char *name, struct sd_buf *dir, struct sd_err *err)
{
	for (int tries = 0;; tries++) {
		backup_name(sd_now(), name);
		sd_buf_reset(dir);
		sd_buf_printf(dir, "%s/%s", root, name);
		if (mkdir(dir->p, 0700) == 0)
			return SD_OK;
		if (errno != EEXIST || tries >= 2)
			return sd_err_set(err, SD_EINTERNAL, "%s: %s", dir->p,
			    strerror(errno));
		{
			struct timespec ts;

			clock_gettime(CLOCK_REALTIME, &ts);
			usleep((useconds_t)(1000000 - ts.tv_nsec / 1000));
		}
	}
}

static int
create(struct sd_session *s, int incremental, struct ops_copy *cp,
    struct sd_backup_info *out, struct sd_err *err)
{
	const struct sd_config *cfg = &s->core->cfg;
	char root[SD_PATH_MAX], name[SD_BACKUP_NAME_MAX];
	struct sd_buf dir = SD_BUF_INIT, db = SD_BUF_INIT, p = SD_BUF_INIT;
	struct manifest old, m;
	struct sd_backup_point pt;
	struct mf_entry e;
	int st, made = 0, removed = 0, logs = 0, recs = 0;

	memset(&old, 0, sizeof old);
	memset(&m, 0, sizeof m);
	if ((st = sd_config_backup_dir(cfg, root, sizeof root, err)) != SD_OK ||
	    (st = ops_mkdirs(root, err)) != SD_OK)
		goto done;
	if (incremental) {
		if ((st = newest(root, name, &old, err)) != SD_OK)
			goto done;
		sd_buf_printf(&dir, "%s/%s", root, name);
	} else {
		if ((st = new_dir(root, name, &dir, err)) != SD_OK)
			goto done;
		made = 1;
	}
	sd_buf_printf(&db, "%s/db", dir.p);
	st = sd_db_backup_at(s->core->db, db.p, incremental, ops_count_txn, &m,
	    &pt, err);
	if (st == SD_OK)
		st = copy_recordings(cfg, dir.p, cp, &recs, err);
	if (st == SD_OK && cfg->path[0] != '\0') {
		sd_buf_printf(&p, "%s/simdesk.conf", dir.p);
		st = ops_copy_file(cfg->path, p.p, NULL, NULL, err);
	}
	if (st != SD_OK) {
		/*
		 * An incremental backup that failed half-way (its writers
		 * did not pause, the disk filled) may have copied log files
		 * in: the manifest lists the files as they are now, so the
		 * backup still restores (a little further than its last
		 * entry says) until the next one succeeds.
		 */
		if (incremental) {
			struct sd_err why;

			if (mf_scan(dir.p, &old, &old, NULL, NULL, &why) ==
			    SD_OK)
				mf_write(dir.p, &old, &why);
		}
		goto done;
	}
	sd_strlcpy(m.version, SD_VERSION, sizeof m.version);
	sd_strlcpy(m.name, name, sizeof m.name);
	m.sum = MF_SHA256;
	for (int i = 0; i < old.nentries; i++)
		mf_add_entry(&m, &old.entries[i]);
	memset(&e, 0, sizeof e);
	e.full = !incremental;
	e.at = pt.at;
	e.at_ms = pt.at_ms;
	e.lsn_file = pt.file;
	e.lsn_offset = pt.offset;
	mf_add_entry(&m, &e);
	if ((st = mf_scan(dir.p, &m, incremental ? &old : NULL, log_grew,
	    incremental ? (void *)last_log(&old) : NULL, err)) != SD_OK ||
	    (st = mf_write(dir.p, &m, err)) != SD_OK)
		goto done;
	made = 0;
	/*
	 * Archiving by policy: the log files recovery no longer needs are
	 * in this backup now, so they go from the data directory; and full
	 * backups beyond keep go whole.  Neither undoes the backup.
	 */
	{
		struct sd_err why;

		if (sd_db_log_archive(s->core->db, &logs, &why) != SD_OK)
			logs = 0;
		if (!incremental &&
		    remove_old(root, cfg->backup_keep, &removed, &why) != SD_OK)
			removed = 0;
	}
	backup_info(root, name, &m, out);
	out->removed = removed;
	out->logs_removed = logs;
	out->recordings = recs;
done:
	if (made) {
		struct sd_err why;

		ops_rmtree(dir.p, &why);
	}
	mf_free(&old);
	mf_free(&m);
	sd_buf_free(&dir);
	sd_buf_free(&db);
	sd_buf_free(&p);
	return st;
}

int
sd_backup_create(struct sd_session *s, int incremental,
    sd_progress_fn progress, void *parg, struct sd_backup_info *out,
    struct sd_err *err)
{
	struct ops_copy cp = { 0, 0, progress, parg, -1 };
	const char *kind = incremental ? "incremental" : "full";
	char detail[SD_ERRMSG_MAX + 64];
	int64_t started;
	int st;

	memset(out, 0, sizeof *out);
	if ((st = sd_authorize(s, SD_OP_BACKUP, kind, err)) != SD_OK)
		return st;
	if (pthread_mutex_trylock(&backup_lock) != 0)
		return sd_err_set(err, SD_EREFUSED, "a backup or its "
		    "verification is running: try again when it is done");
	started = sd_now();
	st = create(s, incremental, &cp, out, err);
	pthread_mutex_unlock(&backup_lock);
	backup_last_taken(s, incremental, started, st == SD_OK ? out->name :
	    NULL, st, err);
	if (st == SD_OK)
		snprintf(detail, sizeof detail, "%s backup %s: log %lu/%lu, %d "
		    "files, %lld bytes; %d log files archived, %d old backups "
		    "removed", kind, out->name, (unsigned long)out->lsn_file,
		    (unsigned long)out->lsn_offset, out->files,
		    (long long)out->bytes, out->logs_removed, out->removed);
	else
		snprintf(detail, sizeof detail, "%s backup failed: %s", kind,
		    err->msg);
	sd_audit_log(s->core, s->user.login, "backup.create",
	    st == SD_OK ? out->name : kind, st == SD_OK ? SD_OUTCOME_OK :
	    SD_OUTCOME_FAILED, detail);
	return st;
}

int
sd_backup_archive(struct sd_session *s, const char *name, FILE *out,
    sd_progress_fn progress, void *parg, struct sd_backup_info *info,
    struct sd_err *err)
{
	struct ops_copy cp = { 0, 0, progress, parg, -1 };
	char root[SD_PATH_MAX], key[256];
	struct sd_buf dir = SD_BUF_INIT;
	struct manifest m;
	int st;

	memset(info, 0, sizeof *info);
	key[0] = '\0';
	if ((st = sd_authorize(s, SD_OP_BACKUP, name, err)) != SD_OK)
		return st;
	if (!backup_name_ok(name))
		return sd_err_set(err, SD_EINVAL, "backup: '%s' is not a "
		    "backup's name (YYYYMMDD-HHMMSS, see backup list)", name);
	if ((st = sd_config_backup_dir(&s->core->cfg, root, sizeof root,
	    err)) != SD_OK)
		return st;
	if (pthread_mutex_trylock(&backup_lock) != 0)
		return sd_err_set(err, SD_EREFUSED, "a backup or its "
		    "verification is running: try again when it is done");
	sd_buf_printf(&dir, "%s/%s", root, name);
	/* Encrypted with the environment's key when it has one. */
	if ((st = sd_config_key(&s->core->cfg, key, sizeof key, err)) != SD_OK)
		;
	else if ((st = mf_read(dir.p, &m, err)) == SD_OK) {
		st = archive_write(dir.p, &m, out, &cp, key, err);
		backup_info(root, name, &m, info);
		mf_free(&m);
	} else if (st == SD_ENOTFOUND)
		sd_err_set(err, SD_ENOTFOUND, "backup %s: no such backup in %s",
		    name, root);
	pthread_mutex_unlock(&backup_lock);
	explicit_bzero(key, sizeof key);
	sd_buf_free(&dir);
	sd_audit_log(s->core, s->user.login, "backup.archive", name,
	    st == SD_OK ? SD_OUTCOME_OK : SD_OUTCOME_FAILED,
	    st == SD_OK ? "written to the client's file" : err->msg);
	return st;
}

int
backup_lock_try(void)
{
	return pthread_mutex_trylock(&backup_lock) == 0;
}

void
backup_lock_release(void)
{
	pthread_mutex_unlock(&backup_lock);
}
