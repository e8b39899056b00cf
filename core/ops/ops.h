/*
 * core/ops/ops.h -- running the business's data: backups of the data
 * directory taken while everyone works, checking them, and making one a
 * data directory again.
 */
#ifndef SD_OPS_H
#define SD_OPS_H

#include "core/tel/tel.h"

/* ---------------------------------------------------------------- backups */

/*
 * A backup is a directory of backup.dir (sd_config_backup_dir) named by
 * the local time its full backup was taken, YYYYMMDD-HHMMSS: the
 * databases and the log (db/), the calls' recordings (recordings/), the
 * configuration file, and MANIFEST, a text file: the version, each
 * backup that went into it (full, then incrementals: time and log
 * position), the row count of every table at the last one's end, and
 * every file with its size and CRC-32 (zlib).  VERIFIED beside it holds
 * the result of the last sd_backup_verify.
 */
#define SD_BACKUP_NAME_MAX	16	/* "20261207-111416" */
#define SD_BACKUP_MANIFEST	"MANIFEST"
#define SD_BACKUP_VERIFIED	"VERIFIED"

struct sd_backup_info {
	char	 name[SD_BACKUP_NAME_MAX];
	char	 path[SD_PATH_MAX];
	int	 complete;		/* it has a manifest */
	int	 incrementals;		/* added to the full one */
	int64_t	 created;		/* the full backup's end */
	int64_t	 at;			/* the last one's end: what a restore
					 * reaches (every commit acknowledged
					 * before it, none begun after it) */
	int64_t	 at_ms;			/* ... in milliseconds */
	uint32_t lsn_file, lsn_offset;	/* ... as a position in the log */
	int64_t	 bytes;			/* of its files */
	int	 files;
	int	 verified;		/* 1 passed, -1 failed, 0 not (or not
					 * since its last incremental) */
	int64_t	 verified_at;
	char	 note[256];		/* a failed verification: why */
	/* sd_backup_create only */
	int	 removed;		/* older full backups removed (keep) */
	int	 logs_removed;		/* log files archived after it */
	int	 recordings;		/* recordings copied */
};

/* Progress of a long copy: done and total in MiB. */
typedef void (*sd_progress_fn)(long done, long total, void *arg);

/*
 * Take a backup while everyone works (admin): a full one into a new
 * directory of backup.dir, or with incremental the log written since,
 * added to the newest full one (refused without one).  The writers wait
 * for a moment at its end, so that the row counts in the manifest are
 * exactly what it holds.  Then the log files recovery no longer needs are
 * removed from the data directory (the backup has them), and full
 * backups beyond backup.keep, oldest first, whole.  Audited.
 */
int	sd_backup_create(struct sd_session *s, int incremental,
	    sd_progress_fn progress, void *parg, struct sd_backup_info *out,
	    struct sd_err *err);

typedef int (*sd_backup_cb)(const struct sd_backup_info *b, void *arg);
/* The backups of backup.dir, oldest first (admin). */
int	sd_backup_list(struct sd_session *s, sd_backup_cb cb, void *arg,
	    struct sd_err *err);
/*
 * Check backup name (admin): every file against the manifest's size and
 * CRC-32; then a copy of it in a temporary directory of backup.dir is
 * recovered, its row counts compared with the manifest's, and sd_verify
 * run on it.  The result is written beside the backup (VERIFIED) and
 * into out.  SD_OK when it passed; SD_EINTERNAL naming the first fault
 * when it did not; SD_ENOTFOUND when there is no such backup.  Audited.
 */
int	sd_backup_verify(struct sd_session *s, const char *name,
	    sd_progress_fn progress, void *parg, struct sd_backup_info *out,
	    struct sd_err *err);
/*
 * 1 when the data directory must keep its log for backups: the
 * configuration has a backup group, or backup.dir holds a backup.
 */
int	sd_backup_keeps_logs(const struct sd_config *cfg);

/* ---------------------------------------------------------------- restore */

struct sd_restore_result {
	char	 backup[SD_PATH_MAX];
	int64_t	 created;		/* the full backup's end */
	int64_t	 until;			/* asked for, 0: to the end */
	int64_t	 reached;		/* the last backup's end, or until */
	uint32_t lsn_file, lsn_offset;	/* the end of the restored log */
	int	 incrementals;		/* applied (to the end: all) */
	int64_t	 bytes;			/* copied */
	int	 recordings;
	int	 conf;			/* the backup has a configuration */
};

/*
 * Make backup (a directory, or a name in backup.dir) the data directory
 * to_dir, offline: to_dir must be absent or empty and no server may use
 * it.  Its files are checked against the manifest and copied, then
 * catastrophic recovery replays the log to its end or, with until > 0,
 * to the last transaction committed by then (not before the full
 * backup).  The recordings come back under to_dir/recordings; the
 * configuration stays in the backup.  No session: the Unix rights on the
 * backup and on to_dir decide.
 */
int	sd_restore(const struct sd_config *cfg, const char *backup,
	    const char *to_dir, int64_t until, sd_progress_fn progress,
	    void *parg, struct sd_restore_result *out, struct sd_err *err);

#endif
