/*
 * cmd_status.c -- simdeskctl status: the server's health for its admins
 * (version and uptime, clients by role, the data directory and its
 * filesystem, the last checkpoint, the log kept, the last backup and its
 * verification, the modems, the errors logged in the last hour).
 */
#include <string.h>

#include "tui/tui.h"

/* "2h 05m", "3d 4h", "42s". */
static void
span_text(int64_t s, char *out, size_t size)
{
	if (s < 60)
		snprintf(out, size, "%llds", (long long)s);
	else if (s < 3600)
		snprintf(out, size, "%lldm %02llds", (long long)(s / 60),
		    (long long)(s % 60));
	else if (s < 86400)
		snprintf(out, size, "%lldh %02lldm", (long long)(s / 3600),
		    (long long)(s % 3600 / 60));
	else
		snprintf(out, size, "%lldd %lldh", (long long)(s / 86400),
		    (long long)(s % 86400 / 3600));
}

static void
mb_text(int64_t bytes, char *out, size_t size)
{
	snprintf(out, size, "%lld.%01lld MB", (long long)(bytes / 1048576),
	    (long long)(bytes % 1048576 * 10 / 1048576));
}

static const char *
verified_name(int v)
{
	return v > 0 ? "passed" : v < 0 ? "failed" : "no";
}

static void
status_json(const struct sd_server_status *st)
{
	const struct sd_backup_last *b = &st->backup;
	struct out_json j;
	char when[32];

	json_begin(&j, ctl_out());
	json_obj_open(&j, NULL);
	json_str(&j, "version", st->version);
	if (st->started != 0) {
		sd_time_format(st->started, when, sizeof when);
		json_str(&j, "started", when);
		json_int(&j, "uptime_seconds", st->now - st->started);
	}
	json_obj_open(&j, "clients");
	for (int r = 0; r < SD_ROLE__COUNT; r++)
		json_int(&j, r == SD_ROLE_NONE ? "not_signed_in" :
		    sd_role_name(r), st->clients[r]);
	json_int(&j, "total", st->clients_total);
	json_int(&j, "simdeskctl", st->clients_cli);
	json_obj_close(&j);
	json_str(&j, "data_dir", st->data_dir);
	json_int(&j, "data_bytes", st->data_bytes);
	json_int(&j, "free_mb", st->free_mb);
	json_bool(&j, "disk_low", st->disk_low);
	if (st->checkpoint_at != 0) {
		sd_time_format(st->checkpoint_at, when, sizeof when);
		json_str(&j, "checkpoint", when);
	} else
		json_str(&j, "checkpoint", "");
	json_int(&j, "checkpoint_lsn_file", st->checkpoint_file);
	json_int(&j, "checkpoint_lsn_offset", st->checkpoint_offset);
	json_int(&j, "log_files", st->log_files);
	json_int(&j, "log_bytes", st->log_bytes);
	json_bool(&j, "logs_auto_removed", st->logs_auto_removed);
	json_bool(&j, "backups_configured", st->backups_configured);
	json_obj_open(&j, "last_backup");
	if (b->at != 0) {
		sd_time_format(b->at, when, sizeof when);
		json_str(&j, "at", when);
		json_int(&j, "at_epoch", b->at);
		json_str(&j, "kind", b->kind);
		json_str(&j, "name", b->name);
		json_bool(&j, "ok", b->ok);
		json_bool(&j, "scheduled", b->scheduled);
		json_str(&j, "verified", verified_name(b->verified));
		if (b->verified != 0) {
			sd_time_format(b->verified_at, when, sizeof when);
			json_str(&j, "verified_at", when);
		}
		if (b->error[0] != '\0')
			json_str(&j, "error", b->error);
	}
	json_obj_close(&j);
	json_bool(&j, "backup_alarm", st->backup_alarm);
	json_bool(&j, "backup_running", st->backup_running);
	if (st->backup_next != 0) {
		sd_time_format(st->backup_next, when, sizeof when);
		json_str(&j, "backup_next", when);
		json_str(&j, "backup_next_kind", st->backup_next_incremental ?
		    "incremental" : "full");
	} else
		json_str(&j, "backup_next", "");
	json_int(&j, "modems", st->modems);
	json_int(&j, "modems_ready", st->modems_ready);
	json_int(&j, "errors_last_hour", st->errors_hour);
	json_obj_close(&j);
	json_end(&j);
}

int
cmd_status(struct ctl_ctx *c)
{
	struct sd_server_status st;
	const struct sd_backup_last *b = &st.backup;
	FILE *f = ctl_out();
	char when[32], span[32], size[32], logs[32];
	int rc, first = 1;

	if ((rc = sd_status_get(&c->sess, &st, &c->err)) != SD_OK)
		return rc;
	if (c->json) {
		status_json(&st);
		return SD_OK;
	}
	if (st.started != 0) {
		sd_time_format(st.started, when, sizeof when);
		span_text(st.now - st.started, span, sizeof span);
		fprintf(f, "server       simdeskd %s, up %s (since %s)\n",
		    st.version, span, when);
	} else
		fprintf(f, "server       simdeskd %s\n", st.version);
	fprintf(f, "clients      %d", st.clients_total);
	for (int r = SD_ROLE_ADMIN; r < SD_ROLE__COUNT + 1; r++) {
		int role = r % SD_ROLE__COUNT;	/* not signed in last */

		if (st.clients[role] == 0)
			continue;
		fprintf(f, "%s%s %d", first ? ": " : ", ", role ==
		    SD_ROLE_NONE ? "not signed in" : sd_role_name(role),
		    st.clients[role]);
		first = 0;
	}
	fprintf(f, " (%d simdeskctl)\n", st.clients_cli);
	mb_text(st.data_bytes, size, sizeof size);
	fprintf(f, "data         %s: %s; %lld MB free%s\n", st.data_dir, size,
	    (long long)st.free_mb, st.disk_low ? " (LOW)" : "");
	if (st.checkpoint_at != 0) {
		sd_time_format(st.checkpoint_at, when, sizeof when);
		fprintf(f, "checkpoint   %s (log %lu/%lu)\n", when,
		    (unsigned long)st.checkpoint_file,
		    (unsigned long)st.checkpoint_offset);
	} else
		fprintf(f, "checkpoint   none since the server started\n");
	mb_text(st.log_bytes, logs, sizeof logs);
	fprintf(f, "log files    %d kept (%s); %s\n", st.log_files, logs,
	    st.logs_auto_removed ? "removed once a checkpoint no longer needs "
	    "them (no backups)" : "kept until a backup has them");
	if (b->at == 0)
		fprintf(f, "last backup  none\n");
	else {
		sd_time_format(b->at, when, sizeof when);
		if (!b->ok)
			fprintf(f, "last backup  FAILED %s (%s%s): %s\n", when,
			    b->kind, b->scheduled ? ", scheduled" : "",
			    b->error);
		else if (b->verified < 0)
			fprintf(f, "last backup  %s %s (%s%s), verification "
			    "FAILED: %s\n", b->name, when, b->kind,
			    b->scheduled ? ", scheduled" : "", b->error);
		else
			fprintf(f, "last backup  %s %s (%s%s), %s\n", b->name,
			    when, b->kind, b->scheduled ? ", scheduled" : "",
			    b->verified > 0 ? "verified" : "not verified");
	}
	if (st.backup_next != 0) {
		sd_time_format(st.backup_next, when, sizeof when);
		fprintf(f, "next backup  %s (%s)%s\n", when,
		    st.backup_next_incremental ? "incremental" : "full",
		    st.backup_running ? "; one is running now" : "");
	} else
		fprintf(f, "next backup  none scheduled%s\n",
		    st.backup_running ? "; one is running now" : "");
	fprintf(f, "modems       %d of %d ready\n", st.modems_ready, st.modems);
	fprintf(f, "errors       %d in the last hour\n", st.errors_hour);
	return SD_OK;
}
