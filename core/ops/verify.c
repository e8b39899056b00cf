/*
 * verify.c -- is a backup good?  Its files against the manifest, then a
 * copy of it recovered in a temporary directory: its row counts against
 * the manifest's and every invariant (sd_verify) on it.  The result is
 * kept beside the backup.
 */
#include <sys/stat.h>

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/ops/ops_int.h"

/* The first fault found, for the record and the user. */
struct check {
	const struct sd_config	*cfg;
	const struct manifest	*m;
	const char		*tmp;
	int			 st;
	char			 fault[SD_ERRMSG_MAX];
};

static void
fault(struct check *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
fault(struct check *c, const char *fmt, ...)
{
	va_list ap;

	if (c->fault[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(c->fault, sizeof c->fault, fmt, ap);
	va_end(ap);
}

static void
first_failed(const char *check, int ok, const char *detail, void *arg)
{
	struct check *c = arg;

	if (!ok)
		fault(c, "verify: %s: %s", check, detail);
}

/*
 * In a thread of its own: the copy is another environment, and this
 * thread carries out no client's request (db/'s request ids are the
 * thread's).
 */
static void *
check_copy(void *arg)
{
	struct check *c = arg;
	struct sd_config cfg = *c->cfg;
	struct sd_db_opts o;
	struct sd_backup_point pt;
	struct sd_session s;
	struct sd_core *core;
	struct sd_db *db;
	struct manifest now;
	struct sd_err err;
	char key[256];
	int failed;

	if (sd_config_key(c->cfg, key, sizeof key, &err) != SD_OK) {
		fault(c, "%s", err.msg);
		return NULL;
	}
	if (sd_db_restore(c->tmp, key, 0, &pt, &err) != SD_OK) {
		fault(c, "%s", err.msg);
		goto out;
	}
	/* The counts before the core's start-up undoes a running import. */
	memset(&o, 0, sizeof o);
	o.home = c->tmp;
	o.cache_mb = 16;
	o.passphrase = key[0] != '\0' ? key : NULL;
	o.keep_logs = 1;
	memset(&now, 0, sizeof now);
	if (sd_db_open(&db, &o, core_schema(), T__COUNT, &err) != SD_OK) {
		fault(c, "%s", err.msg);
		goto out;
	}
	if (sd_db_read(db, ops_count_txn, &now, &err) != SD_OK)
		fault(c, "counting: %s", err.msg);
	sd_db_close(db);
	for (int i = 0; i < c->m->ncounts && c->fault[0] == '\0'; i++)
		for (int j = 0; j < now.ncounts; j++)
			if (strcmp(now.counts[j].table, c->m->counts[i].table) ==
			    0 && now.counts[j].n != c->m->counts[i].n)
				fault(c, "table %s: %llu rows restored, the "
				    "manifest says %llu", now.counts[j].table,
				    (unsigned long long)now.counts[j].n,
				    (unsigned long long)c->m->counts[i].n);
	if (c->fault[0] != '\0')
		goto out;
	sd_strlcpy(cfg.data_dir, c->tmp, sizeof cfg.data_dir);
	cfg.timezone[0] = '\0';		/* the server's TZ stays */
	cfg.cache_mb = 16;
	cfg.keep_logs = 1;
	if (sd_core_open(&core, &cfg, 0, &err) != SD_OK) {
		fault(c, "%s", err.msg);
		goto out;
	}
	sd_session_system(core, &s, "backup-verify");
	if ((failed = sd_verify(&s, first_failed, c, &err)) < 0)
		fault(c, "verify: %s", err.msg);
	else if (failed > 0)
		fault(c, "verify: %d invariant%s failed", failed,
		    failed == 1 ? "" : "s");
	sd_core_close(core);
out:
	explicit_bzero(key, sizeof key);
	return NULL;
}

/* The manifest's db/ files into tmp, for recovery there. */
static int
copy_db(const char *dir, const char *tmp, const struct manifest *m,
    struct ops_copy *cp, struct sd_err *err)
{
	int st = SD_OK;

	for (int i = 0; i < m->nfiles; i++)
		if (strncmp(m->files[i].path, "db/", 3) == 0)
			cp->total += m->files[i].size;
	for (int i = 0; i < m->nfiles && st == SD_OK; i++) {
		struct sd_buf a = SD_BUF_INIT, b = SD_BUF_INIT;

		if (strncmp(m->files[i].path, "db/", 3) != 0)
			continue;
		sd_buf_printf(&a, "%s/%s", dir, m->files[i].path);
		sd_buf_printf(&b, "%s/%s", tmp, m->files[i].path + 3);
		st = ops_copy_file(a.p, b.p, NULL, cp, err);
		sd_buf_free(&a);
		sd_buf_free(&b);
	}
	return st;
}

static void
record(const char *dir, int nentries, const struct check *c, int64_t at)
{
	struct sd_buf p = SD_BUF_INIT;
	FILE *f;

	sd_buf_printf(&p, "%s/%s", dir, SD_BACKUP_VERIFIED);
	if ((f = fopen(p.p, "w")) != NULL) {
		fprintf(f, "%s %lld entries %d %s\n", c->fault[0] ? "failed" :
		    "passed", (long long)at, nentries, c->fault);
		fclose(f);
	}
	sd_buf_free(&p);
}

/* Backup root/name, label naming it to the user. */
static int
verify(struct sd_session *s, const char *root, const char *name,
    const char *label, struct ops_copy *cp, struct sd_backup_info *out,
    struct sd_err *err)
{
	struct sd_buf dir = SD_BUF_INIT, tmp = SD_BUF_INIT;
	struct check c;
	struct manifest m;
	struct sd_err why;
	pthread_t th;
	int st;

	memset(&c, 0, sizeof c);
	memset(&m, 0, sizeof m);
	sd_buf_printf(&dir, "%s/%s", root, name);
	if ((st = mf_read(dir.p, &m, &why)) != SD_OK) {
		fault(&c, "%s", st == SD_ENOTFOUND ? "it has no manifest "
		    "(not finished, or a backup that failed)" : why.msg);
		goto done;
	}
	c.cfg = &s->core->cfg;
	c.m = &m;
	if (mf_check(dir.p, &m, c.fault, sizeof c.fault) != 0)
		goto done;
	sd_buf_printf(&tmp, "%s/.verify-%s-XXXXXX", root, name);
	if (mkdtemp(tmp.p) == NULL) {
		st = sd_err_set(err, SD_EINTERNAL, "%s: %s", tmp.p,
		    strerror(errno));
		goto out;
	}
	c.tmp = tmp.p;
	if ((st = copy_db(dir.p, tmp.p, &m, cp, err)) == SD_OK) {
		if (pthread_create(&th, NULL, check_copy, &c) != 0)
			st = sd_err_set(err, SD_EINTERNAL, "verify: %s",
			    strerror(errno));
		else
			pthread_join(th, NULL);
	}
	ops_rmtree(tmp.p, &why);
	if (st != SD_OK)
		goto out;
done:
	record(dir.p, m.nentries, &c, sd_now());
	backup_info(root, name, m.nentries > 0 ? &m : NULL, out);
	if (c.fault[0] != '\0') {
		out->verified = -1;
		sd_strlcpy(out->note, c.fault, sizeof out->note);
		st = sd_err_set(err, SD_EINTERNAL, "backup %s failed "
		    "verification: %s", label, c.fault);
	}
out:
	mf_free(&m);
	sd_buf_free(&dir);
	sd_buf_free(&tmp);
	return st;
}

int
sd_backup_verify(struct sd_session *s, const char *name,
    sd_progress_fn progress, void *parg, struct sd_backup_info *out,
    struct sd_err *err)
{
	struct ops_copy cp = { 0, 0, progress, parg, -1 };
	char root[SD_PATH_MAX];
	struct sd_buf dir = SD_BUF_INIT;
	struct stat sb;
	int st;

	memset(out, 0, sizeof *out);
	if ((st = sd_authorize(s, SD_OP_BACKUP, name, err)) != SD_OK)
		return st;
	if (!backup_name_ok(name))
		return sd_err_set(err, SD_EINVAL, "backup: '%s' is not a "
		    "backup's name (YYYYMMDD-HHMMSS, see backup list)", name);
	if ((st = sd_config_backup_dir(&s->core->cfg, root, sizeof root,
	    err)) != SD_OK)
		return st;
	sd_buf_printf(&dir, "%s/%s", root, name);
	st = stat(dir.p, &sb) == 0 && S_ISDIR(sb.st_mode) ? SD_OK :
	    sd_err_set(err, SD_ENOTFOUND, "backup %s: no such backup in %s",
	    name, root);
	sd_buf_free(&dir);
	if (st != SD_OK)
		return st;
	if (!backup_lock_try())
		return sd_err_set(err, SD_EREFUSED, "a backup or its "
		    "verification is running: try again when it is done");
	st = verify(s, root, name, name, &cp, out, err);
	backup_lock_release();
	backup_last_verified(s, name, st, err);
	sd_audit_log(s->core, s->user.login, "backup.verify", name,
	    st == SD_OK ? SD_OUTCOME_OK : SD_OUTCOME_FAILED,
	    st == SD_OK ? "passed" : err->msg);
	return st;
}

/* The archive's part: unpacked into tmp/ARCHIVE_DIR, then as a backup. */
#define ARCHIVE_DIR	"archive"

int
sd_backup_verify_archive(struct sd_session *s, FILE *in, const char *label,
    sd_progress_fn progress, void *parg, struct sd_backup_info *out,
    struct sd_err *err)
{
	struct ops_copy cp = { 0, 0, progress, parg, -1 };
	char root[SD_PATH_MAX], key[256] = "";
	struct sd_buf tmp = SD_BUF_INIT, dir = SD_BUF_INIT;
	struct sd_err why;
	struct manifest m;
	int st;

	memset(out, 0, sizeof *out);
	if ((st = sd_authorize(s, SD_OP_BACKUP, label, err)) != SD_OK)
		return st;
	if ((st = sd_config_backup_dir(&s->core->cfg, root, sizeof root,
	    err)) != SD_OK || (st = ops_mkdirs(root, err)) != SD_OK)
		return st;
	if (!backup_lock_try())
		return sd_err_set(err, SD_EREFUSED, "a backup or its "
		    "verification is running: try again when it is done");
	sd_buf_printf(&tmp, "%s/.archive-XXXXXX", root);
	if (mkdtemp(tmp.p) == NULL) {
		st = sd_err_set(err, SD_EINTERNAL, "%s: %s", tmp.p,
		    strerror(errno));
		goto out;
	}
	sd_buf_printf(&dir, "%s/%s", tmp.p, ARCHIVE_DIR);
	if (mkdir(dir.p, 0700) != 0)
		st = sd_err_set(err, SD_EINTERNAL, "%s: %s", dir.p,
		    strerror(errno));
	else if ((st = sd_config_key(&s->core->cfg, key, sizeof key,
	    err)) != SD_OK)
		;
	else if ((st = archive_read(in, label, dir.p, key, &why)) != SD_OK) {
		/* A damaged archive fails verification as a backup does. */
		out->verified = -1;
		sd_strlcpy(out->note, why.msg, sizeof out->note);
		sd_strlcpy(out->name, label, sizeof out->name);
		st = sd_err_set(err, SD_EINTERNAL, "backup %s failed "
		    "verification: %s", label, why.msg);
	} else {
		st = verify(s, tmp.p, ARCHIVE_DIR, label, &cp, out, err);
		/* Named as its manifest names it; its path is no place. */
		if (mf_read(dir.p, &m, &why) == SD_OK) {
			sd_strlcpy(out->name, m.name, sizeof out->name);
			mf_free(&m);
		}
		sd_strlcpy(out->path, label, sizeof out->path);
	}
	explicit_bzero(key, sizeof key);
	ops_rmtree(tmp.p, &why);
out:
	backup_lock_release();
	sd_audit_log(s->core, s->user.login, "backup.verify", label,
	    st == SD_OK ? SD_OUTCOME_OK : SD_OUTCOME_FAILED,
	    st == SD_OK ? "passed" : err->msg);
	sd_buf_free(&tmp);
	sd_buf_free(&dir);
	return st;
}
