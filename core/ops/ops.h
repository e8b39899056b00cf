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
 * every file with its size and SHA-256 (nettle; CRC-32 in the manifests
 * of backups taken before, still read).  VERIFIED beside it holds the
 * result of the last sd_backup_verify.  sd_backup_archive writes one as
 * a single .tar.gz that restore and verify read too.
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

/*
 * Backup name of backup.dir as one archive (admin): a tar of its
 * MANIFEST and files, gzip-compressed (zlib), written to out (the
 * client's file); every file is checked against the manifest's SHA-256
 * as it is written, so a damaged backup is refused.  When the
 * environment is encrypted (key_file), so is the whole archive, with a
 * key derived from the same one (AES-256-GCM).  Audited.
 */
int	sd_backup_archive(struct sd_session *s, const char *name, FILE *out,
	    sd_progress_fn progress, void *parg, struct sd_backup_info *info,
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
 * The same for an archive (sd_backup_archive) read from in, label naming
 * it: unpacked into a temporary directory of backup.dir (gzip's CRC and
 * every header checked), then checked as a backup of backup.dir is.
 * Nothing is kept of it.  Audited.
 */
int	sd_backup_verify_archive(struct sd_session *s, FILE *in,
	    const char *label, sd_progress_fn progress, void *parg,
	    struct sd_backup_info *out, struct sd_err *err);
/*
 * 1 when the data directory must keep its log for backups: the
 * configuration has a backup group, or backup.dir holds a backup.
 */
int	sd_backup_keeps_logs(const struct sd_config *cfg);

/* ---------------------------------------------------------------- schedule */

/*
 * The last backup this data directory's server took or tried (by hand or
 * by its schedule) and the last verification of it, kept in the data
 * directory (backup.last, replaced whole) so that it outlives a restart.
 */
struct sd_backup_last {
	int64_t	 at;			/* when it began; 0: none yet */
	char	 kind[16];		/* "full", "incremental" */
	char	 name[SD_BACKUP_NAME_MAX];	/* "" when it failed early */
	int	 ok;			/* 1 taken, 0 failed */
	int	 scheduled;		/* simdeskd's schedule took it */
	int	 verified;		/* 1 passed, -1 failed, 0 not (yet) */
	int64_t	 verified_at;
	char	 error[256];		/* failed: why (taking or verifying) */
};
/* The record into out: 1, or 0 when there is none (out zeroed). */
int	sd_backup_last_get(const struct sd_config *cfg,
	    struct sd_backup_last *out);
/* 1 when out is an alarm for the admins: the backup or its check failed. */
int	sd_backup_last_alarm(const struct sd_backup_last *b);

/*
 * simdeskd's schedule (backup.full, backup.incremental, every_seconds):
 * the first time after `after` (epoch seconds; the times of day are local
 * time) a backup is due, *incremental saying its kind (a full one wins
 * when both fall on the same minute); 0 when nothing is scheduled.
 * every_seconds counts from `after`, the last scheduled backup's start.
 */
int64_t	sd_backup_next(const struct sd_config *cfg, int64_t after,
	    int *incremental);
/*
 * Take a scheduled backup as simdeskd (a system session): an incremental
 * one becomes full when backup.dir has no full backup yet; then, with
 * backup.verify, verify it.  The result is recorded (sd_backup_last_get)
 * and audited; SD_OK only when it was taken and, if asked, passed.
 * *out says what was made, *vfy the verification (1, -1, or 0 when not
 * verified).
 */
int	sd_backup_scheduled(struct sd_core *core, int incremental,
	    struct sd_backup_info *out, int *vfy, struct sd_err *err);

/* ---------------------------------------------------------------- status */

/*
 * What the server that runs this core says of itself: told by simdeskd
 * (process-wide; a core opened by a test has none of it).
 */
typedef void (*sd_status_clients_fn)(int by_role[SD_ROLE__COUNT], int *cli);
/* simdeskd started at `started`; clients counts its connections. */
void	sd_status_server_set(int64_t started, sd_status_clients_fn clients);
/* An error went to the log (counted for an hour). */
void	sd_status_error_note(void);
/* The schedule's next backup (0: none) and whether one runs now. */
void	sd_status_backup_set(int64_t next, int next_incremental, int running);

struct sd_server_status {
	char	 version[32];
	int64_t	 now;
	int64_t	 started;		/* the server's start, 0 unknown */
	/* connections: TUIs and simdeskctl requests by the role of their
	 * user ([SD_ROLE_NONE]: not signed in), and how many are simdeskctl */
	int	 clients[SD_ROLE__COUNT];
	int	 clients_total;
	int	 clients_cli;
	char	 data_dir[SD_PATH_MAX];
	int64_t	 data_bytes;
	int64_t	 free_mb;
	int	 disk_low;		/* below free_space_warn_mb */
	int64_t	 checkpoint_at;		/* 0: none since the start */
	uint32_t checkpoint_file, checkpoint_offset;
	int	 log_files;		/* kept in the data directory */
	int64_t	 log_bytes;
	int	 logs_auto_removed;	/* no backups: DB_LOG_AUTO_REMOVE */
	int	 backups_configured;	/* a backup group, or backups made */
	struct sd_backup_last backup;	/* backup.at 0: none yet */
	int	 backup_alarm;		/* sd_backup_last_alarm */
	int	 backup_running;
	int64_t	 backup_next;		/* 0: no schedule */
	int	 backup_next_incremental;
	int	 modems;
	int	 modems_ready;		/* ready, or in a call */
	int	 errors_hour;		/* errors logged in the last hour */
};
/* The server's health (admin): what `simdeskctl status` shows. */
int	sd_status_get(struct sd_session *s, struct sd_server_status *out,
	    struct sd_err *err);

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
 * Make backup (a directory, an archive of sd_backup_archive, or a name in
 * backup.dir) the data directory
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
