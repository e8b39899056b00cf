/*
 * core/ops/ops_int.h -- private to core/ops/: a backup's manifest, and
 * the file work backups and restores share (copying with a checksum,
 * walking and removing trees).
 */
#ifndef SD_OPS_INT_H
#define SD_OPS_INT_H

#include "core/rec/rec.h"

#define MANIFEST_MAGIC	"simdesk-backup 1"

/*
 * A manifest's checksums: SHA-256 (nettle) since backups became
 * archives; CRC-32 (zlib) in the manifests written before, still read.
 */
enum mf_sum { MF_CRC32, MF_SHA256 };
#define MF_SHA256_SIZE	32

/* One backup that went into a backup directory: the full one first. */
struct mf_entry {
	int		 full;
	int64_t		 at;
	int64_t		 at_ms;		/* the same, in milliseconds */
	uint32_t	 lsn_file, lsn_offset;
};

struct mf_file {
	char		*path;		/* relative to the backup */
	int64_t		 size;
	uint32_t	 crc;		/* MF_CRC32 */
	uint8_t		 sha[MF_SHA256_SIZE];	/* MF_SHA256 */
};

struct manifest {
	char		 version[32];
	char		 name[SD_BACKUP_NAME_MAX];
	enum mf_sum	 sum;		/* of its files */
	struct mf_entry	*entries;
	int		 nentries;
	struct {
		char	 table[32];
		uint64_t n;
	}		 counts[T__COUNT];
	int		 ncounts;
	struct mf_file	*files;
	int		 nfiles;
};

void	mf_free(struct manifest *m);
/* Read dir/MANIFEST; SD_ENOTFOUND when absent, SD_EINVAL naming the
 * line when it is not a manifest. */
int	mf_read(const char *dir, struct manifest *m, struct sd_err *err);
/* Write dir/MANIFEST (through a temporary file and a rename), with m's
 * kind of checksum. */
int	mf_write(const char *dir, const struct manifest *m, struct sd_err *err);
void	mf_add_entry(struct manifest *m, const struct mf_entry *e);
/* The file of the manifest at path, or NULL. */
struct mf_file *mf_find(const struct manifest *m, const char *path);
/* Every file of m in dir, as big as m says, with its checksum: 0, or -1
 * and the first that is not in fault. */
int	mf_check(const char *dir, const struct manifest *m, char *fault,
	    size_t size);
/*
 * List the files of backup dir (db/, recordings/, simdesk.conf) with
 * their sizes and checksums (m->sum) into m's files; a file whose size
 * old has too keeps old's checksum (when of the same kind) unless
 * recheck says otherwise.
 */
int	mf_scan(const char *dir, struct manifest *m, const struct manifest *old,
	    int (*recheck)(const char *path, void *arg), void *arg,
	    struct sd_err *err);

/* "20261207-111416" of local time t into out (SD_BACKUP_NAME_MAX). */
void	backup_name(int64_t t, char *out);
/* 1 if name has that form (a backup's, and nothing a path can hide in). */
int	backup_name_ok(const char *name);
/* The backup directories of root, by name, oldest first: *names is
 * an array of n (free each and it). */
int	backup_dirs(const char *root, char ***names, int *n, struct sd_err *err);

/* What list shows of backup name of root, from its manifest m (NULL: it
 * has none). */
void	backup_info(const char *root, const char *name,
	    const struct manifest *m, struct sd_backup_info *b);
/* One backup or verification at a time in this server: 1 if taken. */
int	backup_lock_try(void);
void	backup_lock_release(void);

/* Record in the data directory a backup begun at started (st: its
 * status) or the end of a verification of name (backup.last). */
void	backup_last_taken(struct sd_session *s, int incremental,
	    int64_t started, const char *name, int st,
	    const struct sd_err *err);
void	backup_last_verified(struct sd_session *s, const char *name, int st,
	    const struct sd_err *err);

/* mkdir -p with mode 0700. */
int	ops_mkdirs(const char *path, struct sd_err *err);
/* rm -rf. */
int	ops_rmtree(const char *path, struct sd_err *err);
/*
 * Copy file from to to (mode 0600), its CRC-32 into *crc when not NULL;
 * *done (bytes) grows as it goes, progress told in MiB of total.
 */
struct ops_copy {
	int64_t		 done, total;
	sd_progress_fn	 progress;
	void		*arg;
	long		 shown;
};
int	ops_copy_file(const char *from, const char *to, uint32_t *crc,
	    struct ops_copy *c, struct sd_err *err);
/* The checksum of kind sum (into f's crc or sha) and the size of a file. */
int	ops_sum_file(const char *path, enum mf_sum sum, struct mf_file *f,
	    int64_t *size, struct sd_err *err);
/*
 * Backup dir (manifest m) as one tar.gz written to out, each file
 * checked against m as it goes (a damaged backup is refused); cp's
 * total grows by its size, done as it is written.
 */
int	archive_write(const char *dir, const struct manifest *m, FILE *out,
	    struct ops_copy *cp, const char *key, struct sd_err *err);
/*
 * The archive in into the empty directory to: only a backup's names are
 * taken; a damaged archive (gzip's CRC, a header's checksum, cut short)
 * is refused naming label.  The files are then checked against the
 * manifest by the caller (mf_check).
 */
int	archive_read(FILE *in, const char *label, const char *to,
	    const char *key, struct sd_err *err);
/*
 * The archive's byte stream (stream.c): gzip, and AES-256-GCM over it
 * with a key derived from key (key_file's) when key is not empty.
 * Writing: ostream_close_write finishes and frees.  Reading: a plain or
 * an encrypted archive, told by its first bytes; *got < n only at its
 * end, once gzip's CRC (and the tag) held.
 */
struct ops_stream;
struct ops_stream *ostream_open_write(int fd, const char *key,
	    struct sd_err *err);
int	ostream_write(struct ops_stream *s, const void *p, size_t n,
	    struct sd_err *err);
int	ostream_close_write(struct ops_stream *s, struct sd_err *err);
struct ops_stream *ostream_open_read(int fd, const char *label,
	    const char *key, struct sd_err *err);
int	ostream_read(struct ops_stream *s, void *p, size_t n, size_t *got,
	    struct sd_err *err);
void	ostream_free(struct ops_stream *s);
/* The row count of every table, into m (in a transaction of its own). */
int	ops_count_txn(struct sd_txn *t, void *arg, struct sd_err *err);

#endif
