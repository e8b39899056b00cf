/*
 * cmd_ops.c -- simdeskctl's backup and restore commands: backup create,
 * list and verify are carried out by simdeskd (it owns the data); restore
 * runs here, offline, with the user's own rights (the directory it makes
 * is served by no server yet).
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tui/tui.h"

static void
backup_kind(const struct sd_backup_info *b, char *out, size_t size)
{
	if (!b->complete)
		snprintf(out, size, b->note[0] ? "unreadable" : "incomplete");
	else if (b->incrementals == 0)
		snprintf(out, size, "full");
	else
		snprintf(out, size, "full+%d", b->incrementals);
}

static const char *
backup_verified(const struct sd_backup_info *b)
{
	return b->verified > 0 ? "passed" : b->verified < 0 ? "FAILED" : "no";
}

/* archive: the archive written beside it, or NULL. */
static void
backup_json(struct out_json *j, const struct sd_backup_info *b,
    const char *archive)
{
	char when[32];

	json_obj_open(j, NULL);
	json_str(j, "name", b->name);
	json_str(j, "path", b->path);
	if (archive != NULL)
		json_str(j, "archive", archive);
	json_bool(j, "complete", b->complete);
	json_int(j, "incrementals", b->incrementals);
	sd_time_format(b->created, when, sizeof when);
	json_str(j, "created", b->complete ? when : "");
	sd_time_format(b->at, when, sizeof when);
	json_str(j, "until", b->complete ? when : "");
	json_int(j, "until_epoch", b->at);
	json_int(j, "until_ms", b->at_ms);
	json_int(j, "lsn_file", b->lsn_file);
	json_int(j, "lsn_offset", b->lsn_offset);
	json_int(j, "files", b->files);
	json_int(j, "bytes", b->bytes);
	json_str(j, "verified", backup_verified(b));
	if (b->verified != 0) {
		sd_time_format(b->verified_at, when, sizeof when);
		json_str(j, "verified_at", when);
	}
	if (b->note[0] != '\0')
		json_str(j, "note", b->note);
	json_obj_close(j);
}

/* A size for people: "512 KB", "3.4 MB", "1.2 GB". */
static void
size_text(int64_t bytes, char *out, size_t size)
{
	if (bytes < 1024 * 1024)
		snprintf(out, size, "%lld KB", (long long)((bytes + 1023) / 1024));
	else if (bytes < 1024LL * 1024 * 1024)
		snprintf(out, size, "%.1f MB", (double)bytes / (1024 * 1024));
	else
		snprintf(out, size, "%.1f GB", (double)bytes /
		    (1024.0 * 1024 * 1024));
}

/* A progress line while copying, when someone watches stderr. */
static sd_progress_fn
progress_of(void)
{
	return ctl_isatty(STDERR_FILENO) ? ctl_progress : NULL;
}

static void
progress_mb(long done, long total, void *arg)
{
	/* Only copies of more than a few MiB are worth a line. */
	if (total >= 16)
		ctl_progress(done, total, arg);
}

int
ctl_backup_to(struct ctl_ctx *c, int argc, char **argv)
{
	static char path[SD_PATH_MAX], arg[SD_PATH_MAX + 8];
	const char *to = ctl_opt(c, "to");
	char when[32];
	struct stat sb;
	time_t now = time(NULL);
	struct tm tm;
	int k = -1;

	if (to == NULL || stat(to, &sb) != 0 || !S_ISDIR(sb.st_mode))
		return SD_OK;
	for (int i = 0; i < CTL_OPTS_MAX && c->cmd->opts[i].name != NULL; i++)
		if (strcmp(c->cmd->opts[i].name, "to") == 0)
			k = i;
	/* Named in the zone backups are named in (the configuration's). */
	sd_process_set_timezone(c->cfg->timezone);
	localtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y%m%d-%H%M%S", &tm);
	if ((size_t)snprintf(path, sizeof path, "%s%ssimdesk-%s.tar.gz", to,
	    to[strlen(to) - 1] == '/' ? "" : "/", when) >= sizeof path)
		return sd_err_set(&c->err, SD_EUSAGE, "--to %s: path too long",
		    to);
	for (int i = 0; i < argc; i++) {
		if (argv[i] == to)
			argv[i] = path;
		else if (to > argv[i] && to <= argv[i] + strlen(argv[i])) {
			snprintf(arg, sizeof arg, "--to=%s", path);
			argv[i] = arg;
		}
	}
	c->optval[k] = path;
	return SD_OK;
}

int
cmd_backup_create(struct ctl_ctx *c)
{
	struct sd_backup_info b, a;
	int incremental = ctl_opt(c, "incremental") != NULL, st;
	const char *to = ctl_opt(c, "to");
	FILE *f = NULL;

	if (incremental && ctl_opt(c, "full") != NULL)
		return sd_err_set(&c->err, SD_EUSAGE, "backup create: --full or "
		    "--incremental, not both");
	/* The client's file first: a bad --to is found before the work. */
	if (to != NULL && (f = sd_file_open(to, "wb", &c->err)) == NULL)
		return sd_err_set(&c->err, SD_EINVAL, "--to %s", c->err.msg);
	st = sd_backup_create(&c->sess, incremental, progress_of() ?
	    progress_mb : NULL, (void *)"copying recordings (MiB)", &b,
	    &c->err);
	if (st == SD_OK && f != NULL)
		st = sd_backup_archive(&c->sess, b.name, f, progress_of() ?
		    progress_mb : NULL, (void *)"writing the archive (MiB)", &a,
		    &c->err);
	if (f != NULL && fclose(f) != 0 && st == SD_OK)
		st = sd_err_set(&c->err, SD_EINVAL, "--to %s: %s", to,
		    strerror(errno));
	if (st != SD_OK)
		return st;
	if (c->json) {
		struct out_json j;

		json_begin(&j, ctl_out());
		backup_json(&j, &b, to);
		json_end(&j);
		return SD_OK;
	}
	/* What was made, alone on stdout; the rest for people. */
	fprintf(ctl_out(), "%s\n", b.name);
	if (to != NULL)
		fprintf(ctl_out(), "%s\n", to);
	if (ctl_isatty(STDERR_FILENO)) {
		char size[32], when[32];

		size_text(b.bytes, size, sizeof size);
		sd_time_format(b.at, when, sizeof when);
		fprintf(ctl_errf(), "%s backup of %s in %s: %d files, %s; log "
		    "%lu/%lu; %d log files archived, %d old backups removed\n",
		    incremental ? "incremental" : "full", when, b.path, b.files,
		    size, (unsigned long)b.lsn_file,
		    (unsigned long)b.lsn_offset, b.logs_removed, b.removed);
	}
	return SD_OK;
}

static int
backup_row(const struct sd_backup_info *b, void *arg)
{
	struct out_list *o = arg;
	char kind[24], when[32], lsn[32], size[32];
	const char *cells[6];

	if (o->json) {
		backup_json(&o->j, b, NULL);
		return 0;
	}
	backup_kind(b, kind, sizeof kind);
	if (b->complete) {
		sd_time_format(b->at, when, sizeof when);
		snprintf(lsn, sizeof lsn, "%lu/%lu", (unsigned long)b->lsn_file,
		    (unsigned long)b->lsn_offset);
		size_text(b->bytes, size, sizeof size);
	} else
		when[0] = lsn[0] = size[0] = '\0';
	cells[0] = b->name;
	cells[1] = kind;
	cells[2] = when;
	cells[3] = lsn;
	cells[4] = size;
	cells[5] = backup_verified(b);
	out_table_row(&o->t, cells);
	return 0;
}

int
cmd_backup_list(struct ctl_ctx *c)
{
	static const char *const heads[] = { "NAME", "KIND", "UNTIL", "LOG",
	    "SIZE", "VERIFIED" };
	struct out_list o;

	out_list_begin(&o, c->json, 6, heads);
	o.t.right[4] = 1;
	return out_list_end(&o, sd_backup_list(&c->sess, backup_row, &o,
	    &c->err));
}

int
cmd_backup_verify(struct ctl_ctx *c)
{
	struct sd_backup_info b;
	int st;

	if (ctl_backup_is_archive(c->args[0])) {
		FILE *f = sd_file_open(c->args[0], "rb", &c->err);

		if (f == NULL)
			return st = c->err.status;
		st = sd_backup_verify_archive(&c->sess, f, c->args[0],
		    progress_of() ? progress_mb : NULL, (void *)"copying (MiB)",
		    &b, &c->err);
		fclose(f);
	} else
		st = sd_backup_verify(&c->sess, c->args[0], progress_of() ?
		    progress_mb : NULL, (void *)"copying (MiB)", &b, &c->err);
	if (c->json && (st == SD_OK || b.verified < 0)) {
		struct out_json j;

		json_begin(&j, ctl_out());
		backup_json(&j, &b, NULL);
		json_end(&j);
	} else if (st == SD_OK) {
		char when[32];

		sd_time_format(b.at, when, sizeof when);
		fprintf(ctl_out(), "backup %s passed: %d files as in its "
		    "manifest; restored to %s, every table's rows as counted "
		    "and every invariant holds\n", ctl_backup_is_archive(
		    c->args[0]) ? c->args[0] : b.name, b.files, when);
	}
	return st;
}

/* ---------------------------------------------------------------- restore */

int
cmd_restore(struct ctl_ctx *c)
{
	const char *to = ctl_opt(c, "to"), *until = ctl_opt(c, "until");
	struct sd_restore_result r;
	char when[32], made[32];
	int64_t t = 0;
	int st;

	/* The server never opens a path a client named. */
	if (ctl_remote_get() != NULL)
		return sd_err_set(&c->err, SD_EPERM, "restore runs in "
		    "simdeskctl, never in simdeskd");
	sd_process_set_timezone(c->cfg->timezone);
	if (until != NULL && (sd_time_parse(until, &t) != SD_OK || t <= 0))
		return sd_err_set(&c->err, SD_EINVAL, "until: '%s' is not a "
		    "time (YYYY-MM-DD HH:MM[:SS], local)", until);
	st = sd_restore(c->cfg, c->args[0], to, t, progress_of() ?
	    progress_mb : NULL, (void *)"copying (MiB)", &r, &c->err);
	if (st != SD_OK)
		return st;
	sd_time_format(r.reached, when, sizeof when);
	sd_time_format(r.created, made, sizeof made);
	if (c->json) {
		struct out_json j;

		json_begin(&j, ctl_out());
		json_obj_open(&j, NULL);
		json_str(&j, "backup", r.backup);
		json_str(&j, "to", to);
		json_str(&j, "created", made);
		json_str(&j, "until", when);
		json_int(&j, "until_epoch", r.reached);
		json_bool(&j, "point_in_time", r.until > 0);
		json_int(&j, "incrementals", r.incrementals);
		json_int(&j, "lsn_file", r.lsn_file);
		json_int(&j, "lsn_offset", r.lsn_offset);
		json_int(&j, "bytes", r.bytes);
		json_int(&j, "recordings", r.recordings);
		json_obj_close(&j);
		json_end(&j);
		return SD_OK;
	}
	fprintf(ctl_out(), "restored %s to %s up to %s%s (the full backup of "
	    "%s and %d incremental), %d recordings; log ends at %lu/%lu\n",
	    r.backup, to, when, r.until > 0 ? ", the last transaction "
	    "committed by then" : ", its last backup's end", made,
	    r.incrementals, r.recordings, (unsigned long)r.lsn_file,
	    (unsigned long)r.lsn_offset);
	if (r.conf)
		fprintf(ctl_out(), "the configuration of then is in %s/"
		    "simdesk.conf\n", r.backup);
	return SD_OK;
}

int
ctl_run_local(struct ctl_ctx *c)
{
	struct sd_buf msg = SD_BUF_INIT;
	int st = c->cmd->exec(c);

	if (st == SD_OK)
		return 0;
	if (c->err.status == SD_OK)
		c->err.status = st;
	ctl_err_flags(c->cmd, c->err.msg[0] ? c->err.msg :
	    sd_status_name(c->err.status), &msg);
	fprintf(ctl_errf(), "simdeskctl: %s\n", sd_buf_cstr(&msg));
	sd_buf_free(&msg);
	return sd_status_exit(c->err.status);
}
