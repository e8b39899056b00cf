/*
 * db.h -- the storage layer's public interface.
 * Only db/ includes <db.h> (Berkeley DB); everything above sees status codes,
 * buffers, tables by number, transactions through one retry wrapper and cursors.
 */
#ifndef SD_DB_H
#define SD_DB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------- status */

/*
 * One list of statuses for the whole program.  The values that reach a user
 * are the simdeskctl exit codes (DESIGN.md section 6).
 */
enum sd_status {
	SD_OK = 0,
	SD_EUSAGE = 2,		/* bad command line */
	SD_ENOTFOUND = 3,	/* no such object */
	SD_EPERM = 4,		/* permission denied */
	SD_EINVAL = 5,		/* invalid input, nothing written */
	SD_EREFUSED = 6,	/* refused by a business rule (state, stock, credit) */
	SD_EINTERNAL = 9,	/* internal or database error */
	SD_EEXIST = 10,		/* duplicate key; reported to users as refused */
	SD_ERETRY = 11		/* deadlock or lock timeout: the txn wrapper retries */
};

#define SD_ERRMSG_MAX	512
#define SD_ERR_LEVELS	4	/* errors inside errors, for a translator */
#define SD_ERR_ARGS	8	/* arguments of one level */
#define SD_ERR_TEXT	1024	/* the levels' arguments (and wire formats) */
#define SD_ERRFMT_MAX	512	/* a format that came over the wire */

/*
 * An error for the user: a status and one line of English (msg: what the
 * CLI prints and the logs and the audit trail keep), and the same message
 * for a translator (db/err.c).  Level 0 is the format sd_err_set was
 * given (a string literal: the msgid) with each of its arguments rendered
 * alone by its own conversion; an error made with sd_err_nest has the
 * inner error's levels after it, level L+1 standing for argument nest[L]
 * of level L.  nlevels 0: msg is all there is (a format this cannot take
 * apart, or arguments that do not fit).  A plain value: copy it freely.
 */
struct sd_err {
	int		 status;
	char		 msg[SD_ERRMSG_MAX];
	int		 nlevels;
	/* NULL: the format came over the wire, its text leads the level's
	 * strings in text (sd_err_level finds it) */
	const char	*fmt[SD_ERR_LEVELS];
	signed char	 nargs[SD_ERR_LEVELS];
	signed char	 nest[SD_ERR_LEVELS];	/* -1: none */
	char		 text[SD_ERR_TEXT];	/* each level's strings, NUL-ended */
};

/* Fill err (may be NULL) and return status.  fmt must be a string
 * literal (it is kept as the msgid) with no '*' width or positional
 * argument, or the error keeps only its English. */
int	sd_err_set(struct sd_err *err, int status, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
int	sd_err_vset(struct sd_err *err, int status, const char *fmt,
	    va_list ap) __attribute__((format(printf, 3, 0)));
/*
 * sd_err_set around another error: one %s argument is inner->msg itself
 * (that pointer), and a translator sees inner's own formats and
 * arguments in its place ("%s:%d: %s", file, line, inner->msg).  err may
 * be inner.
 */
int	sd_err_nest(struct sd_err *err, int status, const struct sd_err *inner,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void	sd_err_clear(struct sd_err *err);
/* Level level's format and arguments (into err, or the literal): 0, or
 * -1 when err has no such level or its levels do not add up. */
int	sd_err_level(const struct sd_err *err, int level, const char **fmt,
	    const char *args[SD_ERR_ARGS], int *nargs);
/*
 * err said from level on in another language, into out (size bytes,
 * always terminated, cut on a character): each level's format passed
 * through tr (gettext; NULL: as it is) and rendered by sd_fmt_render,
 * inner levels first.  0, or -1 when a level will not render: out then
 * holds the English msg.
 */
int	sd_err_render(const struct sd_err *err, int level,
	    const char *(*tr)(const char *), char *out, size_t size);
/*
 * Put args (already rendered text) into fmt, a translated format that is
 * never given to printf: "%s"-style conversions take the arguments in
 * order, "%2$s" by position (all or none positional; each argument used);
 * flags, width, precision and length are part of the spec and ignored;
 * "%%" is "%".  Only printf's conversions of one value are known (never
 * %n, '*').  0, or -1 when the specs do not match the arguments.
 */
int	sd_fmt_render(const char *fmt, int nargs, const char *const args[],
	    char *out, size_t size);
/* The simdeskctl exit code of a status. */
int	sd_status_exit(int status);
const char *sd_status_name(int status);

/* ---------------------------------------------------------------- memory */

/* Allocation that aborts the process on out-of-memory (tmux's xmalloc). */
void	*xmalloc(size_t n);
void	*xcalloc(size_t n, size_t size);
void	*xrealloc(void *p, size_t n);
char	*xstrdup(const char *s);

/* A growable byte buffer, always NUL-terminated after len bytes. */
struct sd_buf {
	char	*p;
	size_t	 len;
	size_t	 cap;
};

#define SD_BUF_INIT { NULL, 0, 0 }

void	 sd_buf_reserve(struct sd_buf *b, size_t more);
void	 sd_buf_add(struct sd_buf *b, const void *data, size_t n);
void	 sd_buf_adds(struct sd_buf *b, const char *s);
void	 sd_buf_addc(struct sd_buf *b, char c);
void	 sd_buf_printf(struct sd_buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	 sd_buf_vprintf(struct sd_buf *b, const char *fmt, va_list ap);
void	 sd_buf_reset(struct sd_buf *b);
void	 sd_buf_free(struct sd_buf *b);
/* The contents as a C string; never NULL. */
const char *sd_buf_cstr(struct sd_buf *b);

/* Bounded string copy that always terminates; returns 0 or -1 if truncated. */
int	 sd_strlcpy(char *dst, const char *src, size_t size);

/* ---------------------------------------------------------------- codec */

/*
 * Records are version byte 1 followed by fields; each field is a varint
 * header (tag << 3 | type) and a value: type 0 a zigzag varint integer,
 * type 2 a varint length and that many bytes.  Readers skip tags they do
 * not know and default those that are missing, so fields can be added
 * without a migration.
 */
#define SD_REC_VERSION	1
#define SD_REC_INT	0
#define SD_REC_BYTES	2

void	sd_rec_begin(struct sd_buf *b);
void	sd_rec_int(struct sd_buf *b, unsigned tag, int64_t v);
void	sd_rec_bytes(struct sd_buf *b, unsigned tag, const void *p, size_t n);
void	sd_rec_str(struct sd_buf *b, unsigned tag, const char *s);

struct sd_rec_reader {
	const uint8_t	*p;
	const uint8_t	*end;
	/* the field just read */
	unsigned	 tag;
	int		 type;
	int64_t		 ival;
	const char	*bytes;
	size_t		 blen;
};

/* Start reading; SD_EINTERNAL if the version byte is wrong. */
int	sd_rec_open(struct sd_rec_reader *r, const void *data, size_t len);
/* 1 and the next field, 0 at the end, -1 if the record is malformed. */
int	sd_rec_next(struct sd_rec_reader *r);
/* Copy the current bytes field into a fixed buffer, truncating safely. */
void	sd_rec_copystr(const struct sd_rec_reader *r, char *dst, size_t size);

/* Big-endian integer keys, so B-tree order is numeric order. */
void	 sd_be64_put(uint8_t out[8], uint64_t v);
uint64_t sd_be64_get(const uint8_t in[8]);

/* ---------------------------------------------------------------- schema */

/* Keys produced by a secondary-index extractor for one record. */
#define SD_KEYS_MAX 16
struct sd_keys {
	int		n;
	size_t		off[SD_KEYS_MAX];
	size_t		len[SD_KEYS_MAX];
	struct sd_buf	buf;
};

/* Add one key (copied); silently ignored past SD_KEYS_MAX. */
void	sd_keys_add(struct sd_keys *k, const void *p, size_t n);

/*
 * An extractor returns the index keys of a record (zero keys: the record is
 * not indexed).  It must be a pure function of the record's bytes.
 */
typedef int (*sd_extract_fn)(const void *pkey, size_t pklen,
    const void *rec, size_t len, struct sd_keys *out);

struct sd_index_def {
	const char	*name;
	int		 unique;	/* duplicate keys refused with SD_EEXIST */
	sd_extract_fn	 extract;
};

#define SD_INDEX_MAX 8

struct sd_table_def {
	const char		*name;
	int			 nindexes;
	struct sd_index_def	 indexes[SD_INDEX_MAX];
};

/* ---------------------------------------------------------------- environment */

struct sd_db;

struct sd_db_opts {
	const char	*home;		/* data directory */
	int		 create;	/* create directory and files */
	const char	*passphrase;	/* AES encryption, or NULL */
	unsigned	 cache_mb;
	int		 durable;	/* fsync on commit */
	int		 keep_logs;	/* archive instead of auto-removing logs */
};

/*
 * Open (and with create, create) the environment and every table of the
 * schema, running recovery first.  The environment is this process's
 * alone while the handle is open (in private memory, DATADIR/simdesk.lock
 * held): an open elsewhere is refused with SD_EREFUSED.  The schema must
 * outlive the handle.  One handle per process.
 */
int	sd_db_open(struct sd_db **out, const struct sd_db_opts *o,
	    const struct sd_table_def *tables, int ntables, struct sd_err *err);
void	sd_db_close(struct sd_db *db);
/* Checkpoint if kbytes of log were written since the last one. */
int	sd_db_checkpoint(struct sd_db *db, unsigned kbytes, struct sd_err *err);
/* 1 if home holds an environment created by simdesk. */
int	sd_db_exists(const char *home);

/* ---------------------------------------------------------------- backup */

/* How far a backup or a restore reaches: the last log record it holds
 * (file, offset) and when (seconds; and a backup's in milliseconds, read
 * while the writers are held: every commit acknowledged before it is in
 * the backup, none that began after it). */
struct sd_backup_point {
	uint32_t	file, offset;
	int64_t		at;
	int64_t		at_ms;
};
/* 1 when dir holds any entry, 0 when empty, -1 when it cannot be read
 * (errno: ENOENT when it does not exist). */
int	sd_dir_used(const char *dir);
/*
 * A hot backup of the open environment into dir while others write:
 * a checkpoint, then DB_ENV->backup copies the databases and the log files
 * recovery needs (dir is created; an existing one must be empty).  With
 * incremental, dir holds an earlier backup and only the log written since
 * is added (DB_BACKUP_UPDATE); the environment must keep its logs
 * (keep_logs), or it is SD_EINVAL.
 */
int	sd_db_backup(struct sd_db *db, const char *dir, int incremental,
	    struct sd_backup_point *pt, struct sd_err *err);
/*
 * The same, in two steps so that its end is known exactly: the bulk is
 * copied while everyone writes, then the writers are held (a few seconds
 * at most, or SD_EREFUSED) while at, when given, reads in a transaction
 * of its own what the backup will hold, and the last of the log is
 * copied.  A full backup also stops the environment from removing its old
 * logs: the next incremental one needs them.
 */
struct sd_txn;
/* A function run in a transaction (sd_db_run below). */
typedef int (*sd_txn_fn)(struct sd_txn *t, void *arg, struct sd_err *err);
int	sd_db_backup_at(struct sd_db *db, const char *dir, int incremental,
	    sd_txn_fn at, void *arg, struct sd_backup_point *pt,
	    struct sd_err *err);
/*
 * Remove the log files recovery no longer needs (DB_ARCH_REMOVE): only
 * after a backup has them.  *removed counts them.
 */
int	sd_db_log_archive(struct sd_db *db, int *removed, struct sd_err *err);
/* The environment's health, for an admin's status. */
struct sd_db_envstat {
	int64_t		checkpoint_at;		/* the last one's time, 0 none */
	uint32_t	checkpoint_file, checkpoint_offset;
	int		log_files;		/* in the data directory */
	int64_t		log_bytes;
	int		logs_auto_removed;	/* DB_LOG_AUTO_REMOVE: no backups */
	int64_t		data_bytes;		/* every file of the directory */
};
int	sd_db_env_stat(struct sd_db *db, struct sd_db_envstat *out,
	    struct sd_err *err);
/*
 * Make dir, a copy of a backup, a data directory again: catastrophic
 * recovery (DB_RECOVER_FATAL) replays its log to the end or, with until >
 * 0, up to the last transaction committed by that time.  The data
 * directory must not be open.
 */
int	sd_db_restore(const char *dir, const char *passphrase, int64_t until,
	    struct sd_backup_point *pt, struct sd_err *err);

/* ---------------------------------------------------------------- transactions */

/* struct sd_txn and sd_txn_fn: declared with the backup above. */

/*
 * Run fn in a transaction and commit it if fn returns SD_OK.  A deadlock
 * (SD_ERETRY from any call inside) aborts and reruns fn after a bounded,
 * jittered backoff, so fn must not have effects outside the transaction
 * other than filling its arg, and must start by resetting what it fills
 * (counters, collected rows).  It never calls a caller's callback with a
 * result: it collects the rows in arg and the caller hands them on after
 * sd_db_run or sd_db_read returned SD_OK, so no row goes out twice (a
 * progress report is the one exception: it may start over).  Any other
 * status aborts and is returned.
 */
int	sd_db_run(struct sd_db *db, sd_txn_fn fn, void *arg, struct sd_err *err);
/*
 * The same, but its commit does not wait for the disk: for the batches of
 * an import whose last transaction is an sd_db_run, whose synced commit
 * writes the log of every one before it.  Until then a crash may lose
 * them (the log is written in order: never one without those before it),
 * so the import is not reported done before that last commit.
 */
int	sd_db_run_nosync(struct sd_db *db, sd_txn_fn fn, void *arg,
	    struct sd_err *err);
/* The same, read-only with read-committed isolation (no commit needed);
 * it reruns fn after a deadlock too (readers take locks): the same rule. */
int	sd_db_read(struct sd_db *db, sd_txn_fn fn, void *arg, struct sd_err *err);
/*
 * The same, with every writer paused: no write transaction is open while
 * fn runs and none begins until it returns (sd_db_run and
 * sd_db_run_nosync wait), so everything fn reads, however much, is one
 * committed state, and its read-committed cursors let go of each page as
 * they move on: a check of every table at one moment (verify) that a
 * degree-3 transaction could not make on a big data directory without
 * running out of locks.  Waits up to wait_ms for the writers to pause
 * (SD_EREFUSED after).  Not inside a write transaction.
 */
int	sd_db_read_still(struct sd_db *db, int wait_ms, sd_txn_fn fn,
	    void *arg, struct sd_err *err);
/*
 * Tell the db's notify hook key once this transaction has committed
 * (never when it aborts or is run again): a server wakes whoever waits on
 * key (a user's inbox) only when there is something to see.
 */
void	sd_txn_notify(struct sd_txn *t, const char *key);
typedef void (*sd_notify_fn)(void *arg, const char *key);
/* Hooks add up (up to four: the server's inbox bell, simdeskd's job and
 * print queue); setting one that is set again only changes its arg. */
void	sd_db_notify_hook(struct sd_db *db, sd_notify_fn fn, void *arg);
void	sd_db_notify_unhook(struct sd_db *db, sd_notify_fn fn);
/*
 * Client request ids, so that a write whose connection broke is resolved,
 * never lost or done twice.  While a thread carries out a client's
 * request, every write transaction it commits records the id, in that
 * same transaction; sd_db_request_end stores the reply beside it.  A
 * request id the table already has is refused (SD_EEXIST) by the first
 * write of a second run.  Ids are kept until sd_db_request_expire.
 */
#define SD_REQ_ID_MAX	64
enum sd_req_state {
	SD_REQ_STARTED = 1,	/* wrote, no reply stored (server died) */
	SD_REQ_DONE = 2		/* the reply is stored */
};
/* This thread's request from now on ("" or NULL: none). */
void	sd_db_request_begin(const char *id);
/* 1 if this thread's request has committed a write. */
int	sd_db_request_wrote(void);
/* Store the reply of this thread's request if it wrote; forget the id. */
int	sd_db_request_end(struct sd_db *db, int exit_code, unsigned used,
	    const char *out, size_t outlen, const char *errtext, size_t errlen,
	    struct sd_err *err);
/* What became of request id: SD_ENOTFOUND if it committed nothing. */
int	sd_db_request_lookup(struct sd_db *db, const char *id, int *state,
	    int *exit_code, int *commits, unsigned *used, struct sd_buf *out,
	    struct sd_buf *errtext, struct sd_err *err);
/* Forget requests recorded before time before; *removed counts them. */
int	sd_db_request_expire(struct sd_db *db, int64_t before, int *removed,
	    struct sd_err *err);

/*
 * Fault injection for tests: each of the next n transactions (of sd_db_run
 * or sd_db_read) is aborted once after its function returned SD_OK, and
 * run again as after a deadlock.  0 turns it off.
 */
void	sd_db_fault_retry(struct sd_db *db, int n);
/* The next n sd_put calls on table fail with status (SD_ERETRY as a
 * deadlock, SD_EINTERNAL as a full disk) and write nothing. */
void	sd_db_fault_put(struct sd_db *db, int table, int status, int n);
/* Number of retries done by this process (for tests and bench). */
unsigned long sd_db_retries(void);
struct sd_db *sd_txn_db(struct sd_txn *t);
/* 1 the first time this transaction (this attempt of it) asks with tag,
 * 0 after: for a write done once a transaction however many rows call
 * for it.  Past eight tags it answers 1 every time (the write is done
 * again, never skipped). */
int	sd_txn_once(struct sd_txn *t, uint32_t tag);

/* ---------------------------------------------------------------- records */

#define SD_PUT_NOOVERWRITE	0x1
#define SD_GET_RMW		0x2	/* take a write lock on read */

/* Primary-table access.  SD_ENOTFOUND when absent, SD_EEXIST on a duplicate. */
int	sd_get(struct sd_txn *t, int table, const void *key, size_t klen,
	    struct sd_buf *val, int flags, struct sd_err *err);
int	sd_put(struct sd_txn *t, int table, const void *key, size_t klen,
	    const void *val, size_t vlen, int flags, struct sd_err *err);
int	sd_del(struct sd_txn *t, int table, const void *key, size_t klen,
	    struct sd_err *err);
/* A record for sd_put_new. */
struct sd_kv {
	const void	*key;
	size_t		 klen;
	const void	*val;
	size_t		 vlen;
};
/*
 * n new records into table at once, for imports (db/bulk.c): the same
 * records and index entries as n sd_put(..., SD_PUT_NOOVERWRITE) calls,
 * but the records and then each index's keys are written in key order
 * through one bulk cursor each, not through associate row by row.  The
 * keys must be new: SD_EEXIST when a key is in the table or a unique
 * index already; some rows may be written by then, so the caller aborts
 * its transaction on any error.  rows keeps its order.
 */
int	sd_put_new(struct sd_txn *t, int table, struct sd_kv *rows, size_t n,
	    struct sd_err *err);
/*
 * The same for n records already there: rows[i] replaces old[i] (the
 * same key; old[i].val as read in this transaction), and each index
 * loses the entries of old[i] that rows[i] has not and gains those it
 * has anew, in key order.  SD_EEXIST as above for a unique index.
 */
int	sd_put_replace(struct sd_txn *t, int table, struct sd_kv *rows,
	    const struct sd_kv *old, size_t n, struct sd_err *err);
/* Look up one record through a secondary index (first match). */
int	sd_get_by(struct sd_txn *t, int table, int index, const void *key,
	    size_t klen, struct sd_buf *pkey, struct sd_buf *val, int flags,
	    struct sd_err *err);
/* Next value of a named sequence (ids start at 1). */
int	sd_seq_next(struct sd_db *db, const char *name, uint64_t *out,
	    struct sd_err *err);
/* Take count consecutive values at once; *first is the first of them. */
int	sd_seq_take(struct sd_db *db, const char *name, unsigned count,
	    uint64_t *first, struct sd_err *err);
/* Number of records in a table (or index, index >= 0). */
int	sd_count(struct sd_txn *t, int table, int index, uint64_t *out,
	    struct sd_err *err);

/* ---------------------------------------------------------------- cursors */

enum sd_seek {
	SD_SEEK_FIRST,
	SD_SEEK_LAST,
	SD_SEEK_GE,		/* first key >= the given key */
	SD_SEEK_EXACT
};

struct sd_cursor;

/* A cursor over a table (index < 0) or one of its indexes. */
int	sd_cursor_open(struct sd_txn *t, int table, int index,
	    struct sd_cursor **out, struct sd_err *err);
/* Position; SD_ENOTFOUND when nothing is there. */
int	sd_cursor_seek(struct sd_cursor *c, enum sd_seek how, const void *key,
	    size_t klen, struct sd_err *err);
/* Move by one record (dir > 0 forward); SD_ENOTFOUND past either end. */
int	sd_cursor_step(struct sd_cursor *c, int dir, struct sd_err *err);
/* The current record: key (index key for an index cursor), primary key, value.
 * Valid until the next call on the cursor. */
const void *sd_cursor_key(struct sd_cursor *c, size_t *len);
const void *sd_cursor_pkey(struct sd_cursor *c, size_t *len);
const void *sd_cursor_val(struct sd_cursor *c, size_t *len);
void	sd_cursor_close(struct sd_cursor *c);

/* ---------------------------------------------------------------- test hooks */

/* Extract with the table's own extractor, for integrity checks. */
int	sd_index_extract(struct sd_db *db, int table, int index,
	    const void *pkey, size_t pklen, const void *rec, size_t len,
	    struct sd_keys *out);
int	sd_db_ntables(struct sd_db *db);
const struct sd_table_def *sd_db_table(struct sd_db *db, int table);

#endif
