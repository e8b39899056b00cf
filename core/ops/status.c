/*
 * status.c -- the server's health for its admins (simdeskctl status, the
 * TUI's admin home): what simdeskd says of itself (its start, its
 * connections, the errors it logged, its backup schedule), the data
 * directory and its log, the modems, and the last backup with its
 * verification, kept in the data directory so a restart does not lose it.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/ops/ops_int.h"

#define LAST_FILE	"backup.last"

/* ---------------------------------------------------------------- the server */

static pthread_mutex_t srv_lock = PTHREAD_MUTEX_INITIALIZER;
static int64_t srv_started;
static sd_status_clients_fn srv_clients;
static int64_t srv_next;
static int srv_next_incr, srv_running;
/* Errors per minute of the last hour: the minute each bucket counts. */
static int64_t err_minute[60];
static int err_count[60];

void
sd_status_server_set(int64_t started, sd_status_clients_fn clients)
{
	pthread_mutex_lock(&srv_lock);
	srv_started = started;
	srv_clients = clients;
	pthread_mutex_unlock(&srv_lock);
}

void
sd_status_error_note(void)
{
	int64_t m = (int64_t)time(NULL) / 60;

	pthread_mutex_lock(&srv_lock);
	if (err_minute[m % 60] != m) {
		err_minute[m % 60] = m;
		err_count[m % 60] = 0;
	}
	err_count[m % 60]++;
	pthread_mutex_unlock(&srv_lock);
}

void
sd_status_backup_set(int64_t next, int next_incremental, int running)
{
	pthread_mutex_lock(&srv_lock);
	srv_next = next;
	srv_next_incr = next_incremental;
	srv_running = running;
	pthread_mutex_unlock(&srv_lock);
}

/* ---------------------------------------------------------------- backup.last */

static void
last_path(const struct sd_config *cfg, struct sd_buf *p)
{
	sd_buf_printf(p, "%s/%s", cfg->data_dir, LAST_FILE);
}

int
sd_backup_last_get(const struct sd_config *cfg, struct sd_backup_last *out)
{
	struct sd_buf p = SD_BUF_INIT;
	char line[512];
	FILE *f;

	memset(out, 0, sizeof *out);
	last_path(cfg, &p);
	f = fopen(p.p, "r");
	sd_buf_free(&p);
	if (f == NULL)
		return 0;
	while (fgets(line, sizeof line, f) != NULL) {
		char *v = strchr(line, ' ');
		long long n;

		if (v == NULL)
			continue;
		*v++ = '\0';
		v[strcspn(v, "\n")] = '\0';
		n = strtoll(v, NULL, 10);
		if (strcmp(line, "at") == 0)
			out->at = n;
		else if (strcmp(line, "kind") == 0)
			sd_strlcpy(out->kind, v, sizeof out->kind);
		else if (strcmp(line, "name") == 0)
			sd_strlcpy(out->name, v, sizeof out->name);
		else if (strcmp(line, "ok") == 0)
			out->ok = n != 0;
		else if (strcmp(line, "scheduled") == 0)
			out->scheduled = n != 0;
		else if (strcmp(line, "verified") == 0)
			out->verified = n > 0 ? 1 : n < 0 ? -1 : 0;
		else if (strcmp(line, "verified_at") == 0)
			out->verified_at = n;
		else if (strcmp(line, "error") == 0)
			sd_strlcpy(out->error, v, sizeof out->error);
	}
	fclose(f);
	return out->at != 0;
}

int
sd_backup_last_alarm(const struct sd_backup_last *b)
{
	return b->at != 0 && (!b->ok || b->verified < 0);
}

/* Replace backup.last whole: a temporary file, synced, renamed. */
static void
last_put(const struct sd_config *cfg, const struct sd_backup_last *b)
{
	struct sd_buf p = SD_BUF_INIT, tmp = SD_BUF_INIT, text = SD_BUF_INIT;
	char error[sizeof b->error];
	int fd;

	/* One line each: no newline of a message breaks the file. */
	sd_strlcpy(error, b->error, sizeof error);
	for (char *c = error; *c != '\0'; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';
	sd_buf_printf(&text, "at %lld\nkind %s\nname %s\nok %d\nscheduled %d\n"
	    "verified %d\nverified_at %lld\nerror %s\n", (long long)b->at,
	    b->kind, b->name, b->ok, b->scheduled, b->verified,
	    (long long)b->verified_at, error);
	last_path(cfg, &p);
	sd_buf_printf(&tmp, "%s.tmp", p.p);
	fd = open(tmp.p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0) {
		int ok = write(fd, text.p, text.len) == (ssize_t)text.len &&
		    fsync(fd) == 0;

		if (close(fd) != 0 || !ok || rename(tmp.p, p.p) != 0)
			unlink(tmp.p);
		else if ((fd = open(cfg->data_dir, O_RDONLY | O_DIRECTORY |
		    O_CLOEXEC)) >= 0) {
			(void)fsync(fd);	/* the rename, past a power loss */
			close(fd);
		}
	}
	sd_buf_free(&p);
	sd_buf_free(&tmp);
	sd_buf_free(&text);
}

/* The same record written by backups and verifications one at a time. */
static pthread_mutex_t last_lock = PTHREAD_MUTEX_INITIALIZER;

void
backup_last_taken(struct sd_session *s, int incremental, int64_t started,
    const char *name, int st, const struct sd_err *err)
{
	struct sd_backup_last b;

	memset(&b, 0, sizeof b);
	b.at = started;
	sd_strlcpy(b.kind, incremental ? "incremental" : "full", sizeof b.kind);
	if (name != NULL)
		sd_strlcpy(b.name, name, sizeof b.name);
	b.ok = st == SD_OK;
	b.scheduled = strcmp(s->via, "system") == 0;
	if (st != SD_OK)
		sd_strlcpy(b.error, err->msg, sizeof b.error);
	pthread_mutex_lock(&last_lock);
	last_put(&s->core->cfg, &b);
	pthread_mutex_unlock(&last_lock);
}

void
backup_last_verified(struct sd_session *s, const char *name, int st,
    const struct sd_err *err)
{
	struct sd_backup_last b;

	pthread_mutex_lock(&last_lock);
	/* Only the last backup's verification is its news. */
	if (sd_backup_last_get(&s->core->cfg, &b) && b.ok &&
	    strcmp(b.name, name) == 0) {
		b.verified = st == SD_OK ? 1 : -1;
		b.verified_at = sd_now();
		if (st != SD_OK)
			sd_strlcpy(b.error, err->msg, sizeof b.error);
		else
			b.error[0] = '\0';
		last_put(&s->core->cfg, &b);
	}
	pthread_mutex_unlock(&last_lock);
}

/* ---------------------------------------------------------------- status */

static int
count_modem(const struct sd_modem *m, void *arg)
{
	struct sd_server_status *st = arg;

	st->modems++;
	if (strcmp(m->state, "ready") == 0 || strcmp(m->state, "call") == 0)
		st->modems_ready++;
	return 0;
}

int
sd_status_get(struct sd_session *s, struct sd_server_status *out, struct sd_err *err)
{
	const struct sd_config *cfg = &s->core->cfg;
	struct sd_db_envstat es;
	struct sd_disk d;
	sd_status_clients_fn clients;
	int64_t m;
	int st;

	memset(out, 0, sizeof *out);
	if ((st = sd_authorize(s, SD_OP_STATUS, "status", err)) != SD_OK)
		return st;
	sd_strlcpy(out->version, SD_VERSION, sizeof out->version);
	sd_strlcpy(out->data_dir, cfg->data_dir, sizeof out->data_dir);
	out->now = sd_now();
	pthread_mutex_lock(&srv_lock);
	out->started = srv_started;
	clients = srv_clients;
	out->backup_next = srv_next;
	out->backup_next_incremental = srv_next_incr;
	out->backup_running = srv_running;
	m = (int64_t)time(NULL) / 60;
	for (int i = 0; i < 60; i++)
		if (err_minute[i] > m - 60)
			out->errors_hour += err_count[i];
	pthread_mutex_unlock(&srv_lock);
	if (clients != NULL)
		clients(out->clients, &out->clients_cli);
	for (int r = 0; r < SD_ROLE__COUNT; r++)
		out->clients_total += out->clients[r];
	if ((st = sd_disk_status(s->core, &d, err)) != SD_OK ||
	    (st = sd_db_env_stat(s->core->db, &es, err)) != SD_OK)
		return st;
	out->free_mb = d.free_mb;
	out->disk_low = d.low;
	out->data_bytes = es.data_bytes;
	out->checkpoint_at = es.checkpoint_at;
	out->checkpoint_file = es.checkpoint_file;
	out->checkpoint_offset = es.checkpoint_offset;
	out->log_files = es.log_files;
	out->log_bytes = es.log_bytes;
	out->logs_auto_removed = es.logs_auto_removed;
	out->backups_configured = sd_backup_keeps_logs(cfg);
	sd_backup_last_get(cfg, &out->backup);
	out->backup_alarm = sd_backup_last_alarm(&out->backup);
	/* The modems as the books have them (simdeskd keeps them there). */
	return sd_modem_list(s, count_modem, out, err);
}
