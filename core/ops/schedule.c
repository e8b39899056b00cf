/*
 * schedule.c -- simdeskd's backups by the clock: when the next one is due
 * (backup.full and backup.incremental, local times of day, and
 * every_seconds), and taking one as the server: the backup, then its
 * verification, recorded for the admins (backup.last) and audited.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/ops/ops_int.h"

/* The first time after `after` that is minute `min` of a local day. */
static int64_t
next_at_minute(int64_t after, int min)
{
	time_t t = (time_t)after;
	struct tm tm;

	localtime_r(&t, &tm);
	for (int day = 0; day < 3; day++) {
		struct tm c = tm;
		time_t at;

		c.tm_mday += day;
		c.tm_hour = min / 60;
		c.tm_min = min % 60;
		c.tm_sec = 0;
		c.tm_isdst = -1;
		if ((at = mktime(&c)) != (time_t)-1 && (int64_t)at > after)
			return (int64_t)at;
	}
	return 0;
}

int64_t
sd_backup_next(const struct sd_config *cfg, int64_t after, int *incremental)
{
	int64_t best = 0;

	*incremental = 0;
	/* Full ones first: on a tie the full backup wins. */
	for (int i = 0; i < cfg->nbackup_full; i++) {
		int64_t at = next_at_minute(after, cfg->backup_full[i]);

		if (at != 0 && (best == 0 || at < best))
			best = at;
	}
	for (int i = 0; i < cfg->nbackup_incr; i++) {
		int64_t at = next_at_minute(after, cfg->backup_incr[i]);

		if (at != 0 && (best == 0 || at < best)) {
			best = at;
			*incremental = 1;
		}
	}
	if (cfg->backup_every > 0 && (best == 0 ||
	    after + cfg->backup_every < best)) {
		best = after + cfg->backup_every;
		*incremental = 1;
	}
	return best;
}

/* Does backup.dir hold a complete backup an incremental one adds to? */
static int
has_full(const struct sd_config *cfg)
{
	char root[SD_PATH_MAX], **names;
	struct sd_err err;
	int n, found = 0;

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

int
sd_backup_scheduled(struct sd_core *core, int incremental,
    struct sd_backup_info *out, int *vfy, struct sd_err *err)
{
	struct sd_session s;
	struct sd_backup_info v;
	int st;

	*vfy = 0;
	sd_session_system(core, &s, "simdeskd");
	if (incremental && !has_full(&core->cfg))
		incremental = 0;
	if ((st = sd_backup_create(&s, incremental, NULL, NULL, out, err)) !=
	    SD_OK || !core->cfg.backup_verify)
		return st;
	/* An admin's backup or verification between the two holds the
	 * lock for a while: that is a wait (in simdeskd's backup thread,
	 * at most two minutes), not a failed verification. */
	for (int tries = 0; ; tries++) {
		st = sd_backup_verify(&s, out->name, NULL, NULL, &v, err);
		if (st != SD_EREFUSED || tries >= 120)
			break;
		sleep(1);
	}
	*vfy = st == SD_OK ? 1 : -1;
	return st;
}
