/*
 * restore.c -- a backup made a data directory again, offline: its files
 * checked against the manifest and copied into a new directory, then
 * catastrophic recovery to the end of its log or to a point in time.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/ops/ops_int.h"

/* backup as a directory (a path, or a name in backup.dir), or as an
 * archive (*archive set). */
static int
find_backup(const struct sd_config *cfg, const char *backup, char *out,
    size_t size, int *archive, struct sd_err *err)
{
	char root[SD_PATH_MAX];
	struct stat sb;
	int st;

	if (strchr(backup, '/') == NULL && backup_name_ok(backup) &&
	    stat(backup, &sb) != 0) {
		if ((st = sd_config_backup_dir(cfg, root, sizeof root, err)) !=
		    SD_OK)
			return st;
		if ((size_t)snprintf(out, size, "%s/%.*s", root,
		    SD_BACKUP_NAME_MAX, backup) >= size)
			return sd_err_set(err, SD_EINVAL, "backup: path too long");
	} else if (sd_strlcpy(out, backup, size) != 0)
		return sd_err_set(err, SD_EINVAL, "backup: path too long");
	if (stat(out, &sb) != 0 && errno == ENOENT) {
		struct sd_err why;

		if (sd_config_backup_dir(cfg, root, sizeof root, &why) != SD_OK)
			root[0] = '\0';
		return sd_err_set(err, SD_ENOTFOUND, "backup %s: no such backup "
		    "(a backup's directory, or a name in %s)", backup, root);
	}
	if (stat(out, &sb) != 0)
		return sd_err_set(err, SD_EINTERNAL, "backup %s: %s", out,
		    strerror(errno));
	*archive = S_ISREG(sb.st_mode);
	if (!S_ISDIR(sb.st_mode) && !*archive)
		return sd_err_set(err, SD_EINVAL, "backup %s: not a backup's "
		    "directory or archive", out);
	return SD_OK;
}

/* The manifest's files under prefix ("db/") into to (prefix dropped). */
static int
copy_part(const char *from, const char *to, const struct manifest *m,
    const char *prefix, struct ops_copy *cp, int *n, struct sd_err *err)
{
	size_t plen = strlen(prefix);
	int st = SD_OK;

	for (int i = 0; i < m->nfiles && st == SD_OK; i++) {
		struct sd_buf a = SD_BUF_INIT, b = SD_BUF_INIT;

		if (strncmp(m->files[i].path, prefix, plen) != 0)
			continue;
		sd_buf_printf(&a, "%s/%s", from, m->files[i].path);
		sd_buf_printf(&b, "%s/%s", to, m->files[i].path + plen);
		if ((st = ops_copy_file(a.p, b.p, NULL, cp, err)) == SD_OK &&
		    n != NULL)
			(*n)++;
		sd_buf_free(&a);
		sd_buf_free(&b);
	}
	return st;
}

/* What was written into to_dir goes again (made: to_dir itself too). */
static void
undo(const char *to_dir, int made)
{
	struct sd_err why;
	struct dirent *e;
	DIR *d;

	if (made || (d = opendir(to_dir)) == NULL) {
		ops_rmtree(to_dir, &why);
		return;
	}
	/* It was empty: empty it again, leaving the directory as it was. */
	while ((e = readdir(d)) != NULL) {
		struct sd_buf p = SD_BUF_INIT;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		sd_buf_printf(&p, "%s/%s", to_dir, e->d_name);
		ops_rmtree(p.p, &why);
		sd_buf_free(&p);
	}
	closedir(d);
}

/* used: what sd_dir_used said of to_dir before an archive was unpacked
 * into it, or 2 to ask here. */
static int
restore(const struct sd_config *cfg, const char *dir, const char *to_dir,
    int used, int64_t until, struct ops_copy *cp,
    struct sd_restore_result *out, struct sd_err *err)
{
	struct manifest m;
	struct sd_backup_point pt;
	struct sd_buf rec = SD_BUF_INIT;
	char fault[SD_ERRMSG_MAX], when[32], key[256];
	int made = 0, st, e;
	const struct mf_entry *last;

	if ((st = mf_read(dir, &m, err)) != SD_OK) {
		if (st == SD_ENOTFOUND)
			st = sd_err_set(err, SD_EINVAL, "backup %s: it has no "
			    "manifest (not finished, or a backup that failed)",
			    dir);
		return st;
	}
	last = &m.entries[m.nentries - 1];
	out->created = m.entries[0].at;
	if (until > 0 && until < m.entries[0].at) {
		sd_time_format(m.entries[0].at, when, sizeof when);
		st = sd_err_set(err, SD_EINVAL, "until: before the backup was "
		    "taken (%s): it holds nothing of then", when);
		goto done;
	}
	/* At or after its last backup's end: all of it. */
	if (until >= last->at)
		until = 0;
	out->until = until;
	out->reached = until > 0 ? until : last->at;
	out->incrementals = 0;
	for (int i = 1; i < m.nentries; i++)
		out->incrementals += until == 0 || m.entries[i].at <= until;
	out->conf = mf_find(&m, "simdesk.conf") != NULL;
	/* The target: new or empty, and nothing written before the backup
	 * is known to be whole. */
	if (used == 2) {
		used = sd_dir_used(to_dir);
		e = used < 0 ? errno : 0;
	} else
		e = used < 0 ? ENOENT : 0;
	if (used == 1) {
		st = sd_err_set(err, SD_EINVAL, "to: %s is not empty (restore "
		    "makes a new data directory: name an empty or new one)",
		    to_dir);
		goto done;
	}
	if (used < 0 && e != ENOENT) {
		st = sd_err_set(err, SD_EINVAL, "to: %s: %s", to_dir,
		    strerror(e));
		goto done;
	}
	if (mf_check(dir, &m, fault, sizeof fault) != 0) {
		st = sd_err_set(err, SD_EINTERNAL, "backup %s is damaged: %s",
		    dir, fault);
		goto done;
	}
	if ((st = sd_config_key(cfg, key, sizeof key, err)) != SD_OK)
		goto done;
	made = used < 0;
	if ((st = ops_mkdirs(to_dir, err)) != SD_OK)
		goto done;
	for (int i = 0; i < m.nfiles; i++)
		if (strncmp(m.files[i].path, "db/", 3) == 0 ||
		    strncmp(m.files[i].path, "recordings/", 11) == 0)
			cp->total += m.files[i].size;
	sd_buf_printf(&rec, "%s/recordings", to_dir);
	st = copy_part(dir, to_dir, &m, "db/", cp, NULL, err);
	for (int i = 0; st == SD_OK && i < m.nfiles; i++)
		if (strncmp(m.files[i].path, "recordings/", 11) == 0) {
			st = ops_mkdirs(rec.p, err);
			break;
		}
	if (st == SD_OK)
		st = copy_part(dir, to_dir, &m, "recordings/", cp,
		    &out->recordings, err);
	for (int i = 0; i < m.nfiles; i++)
		if (strncmp(m.files[i].path, "db/", 3) == 0 ||
		    strncmp(m.files[i].path, "recordings/", 11) == 0)
			out->bytes += m.files[i].size;
	if (st == SD_OK)
		st = sd_db_restore(to_dir, key[0] != '\0' ? key : NULL, until,
		    &pt, err);
	explicit_bzero(key, sizeof key);
	if (st == SD_OK) {
		out->lsn_file = pt.file;
		out->lsn_offset = pt.offset;
	} else
		undo(to_dir, made);
done:
	sd_buf_free(&rec);
	mf_free(&m);
	return st;
}

int
sd_restore(const struct sd_config *cfg, const char *backup,
    const char *to_dir, int64_t until, sd_progress_fn progress, void *parg,
    struct sd_restore_result *out, struct sd_err *err)
{
	struct ops_copy cp = { 0, 0, progress, parg, -1 };
	struct sd_buf tmp = SD_BUF_INIT, dir = SD_BUF_INIT;
	struct sd_err why;
	const char *slash;
	char key[256] = "";
	int st, archive = 0, used;
	FILE *in;

	memset(out, 0, sizeof *out);
	if (to_dir == NULL || to_dir[0] == '\0')
		return sd_err_set(err, SD_EINVAL, "to: a directory is needed");
	if ((st = find_backup(cfg, backup, out->backup, sizeof out->backup,
	    &archive, err)) != SD_OK)
		return st;
	if (!archive)
		return restore(cfg, out->backup, to_dir, 2, until, &cp, out,
		    err);
	/*
	 * An archive is unpacked in to_dir when it is there (the directory
	 * setup-host.sh made, in a parent the user may not write), else
	 * beside it: the same file system, the user's own rights; restored
	 * from there, and nothing of it stays.
	 */
	if ((used = sd_dir_used(to_dir)) == 1)
		return sd_err_set(err, SD_EINVAL, "to: %s is not empty (restore "
		    "makes a new data directory: name an empty or new one)",
		    to_dir);
	if (used < 0 && errno != ENOENT)
		return sd_err_set(err, SD_EINVAL, "to: %s: %s", to_dir,
		    strerror(errno));
	slash = strrchr(to_dir, '/');
	if (used == 0)
		sd_buf_adds(&tmp, to_dir);
	else if (slash == NULL)
		sd_buf_adds(&tmp, ".");
	else if (slash == to_dir)
		sd_buf_adds(&tmp, "/");
	else
		sd_buf_printf(&tmp, "%.*s", (int)(slash - to_dir), to_dir);
	sd_buf_adds(&tmp, "/.simdesk-restore-XXXXXX");
	if (mkdtemp(tmp.p) == NULL) {
		st = sd_err_set(err, SD_EINTERNAL, "to: %s: %s", tmp.p,
		    strerror(errno));
		goto out;
	}
	sd_buf_printf(&dir, "%s/backup", tmp.p);
	if ((st = sd_config_key(cfg, key, sizeof key, err)) != SD_OK)
		;
	else if ((in = fopen(out->backup, "rb")) == NULL)
		st = sd_err_set(err, SD_EINTERNAL, "backup %s: %s", out->backup,
		    strerror(errno));
	else {
		if (mkdir(dir.p, 0700) != 0)
			st = sd_err_set(err, SD_EINTERNAL, "%s: %s", dir.p,
			    strerror(errno));
		else
			st = archive_read(in, out->backup, dir.p, key, err);
		fclose(in);
	}
	explicit_bzero(key, sizeof key);
	if (st == SD_OK) {
		char keep[SD_PATH_MAX];

		sd_strlcpy(keep, out->backup, sizeof keep);
		st = restore(cfg, dir.p, to_dir, used, until, &cp, out, err);
		sd_strlcpy(out->backup, keep, sizeof out->backup);
		out->conf = 0;		/* it went with the unpacked copy */
	}
	ops_rmtree(tmp.p, &why);
out:
	sd_buf_free(&tmp);
	sd_buf_free(&dir);
	return st;
}
