/*
 * env.c -- the one place that opens the Berkeley DB environment and its
 * tables, maps Berkeley DB's error codes to ours (sanitize(), as Postfix's
 * dict_db.c does), runs every transaction through the deadlock-retry wrapper,
 * and gives cursors and sequences to the layers above.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "db_int.h"


/* Write transactions this process committed (close and checkpoint). */
static _Atomic unsigned long commits;

struct sd_cursor {
	struct sd_txn	*t;
	DBC		*dbc;
	int		 secondary;
	DBT		 key;
	DBT		 pkey;
	DBT		 val;
};

static _Atomic unsigned long retries;

/* The client request this thread is carrying out (sd_db_request_begin). */
static _Thread_local struct {
	char	id[SD_REQ_ID_MAX + 1];
	int	commits;		/* write transactions it committed */
} req;

/* The last message Berkeley DB gave through its error callback. */
static _Thread_local char lasterr[256];

/* While opening, every message is kept (the cause comes before the
 * "unable to find environment" that follows it). */
static _Thread_local int opening;

static void
errcall(const DB_ENV *env, const char *pfx, const char *msg)
{
	size_t n = opening ? strlen(lasterr) : 0;

	(void)env;
	(void)pfx;
	if (n + 3 < sizeof lasterr)
		snprintf(lasterr + n, sizeof lasterr - n, "%s%s", n ? "; " : "",
		    msg);
}

static void
msgcall(const DB_ENV *env, const char *msg)
{
	/* Recovery's messages: kept like errors (errcall). */
	errcall(env, NULL, msg);
}

/*
 * Map a Berkeley DB return code to our status.  Only this file knows them.
 */
static int
sanitize(int ret, struct sd_err *err, const char *what)
{
	switch (ret) {
	case 0:
		return SD_OK;
	case DB_LOCK_DEADLOCK:
	case DB_LOCK_NOTGRANTED:
		return sd_err_set(err, SD_ERETRY, "%s: deadlock", what);
	case DB_NOTFOUND:
	case DB_KEYEMPTY:
		return sd_err_set(err, SD_ENOTFOUND, "%s: not found", what);
	case DB_KEYEXIST:
		return sd_err_set(err, SD_EEXIST, "%s: already exists", what);
	case ENOSPC:
		/* The write is undone with its transaction; say it plainly. */
		return sd_err_set(err, SD_EINTERNAL, "no space left on the data "
		    "directory's filesystem");
	case DB_RUNRECOVERY:
		return sd_err_set(err, SD_EINTERNAL,
		    "%s: database needs recovery; restart every simdesk program",
		    what);
	default:
		if (lasterr[0] != '\0')
			return sd_err_set(err, SD_EINTERNAL, "%s: %s (%s)", what,
			    db_strerror(ret), lasterr);
		return sd_err_set(err, SD_EINTERNAL, "%s: %s", what,
		    db_strerror(ret));
	}
}

int
sd_db_sanitize(int ret, struct sd_err *err, const char *what)
{
	return sanitize(ret, err, what);
}

const char *
sd_db_lasterr(void)
{
	return lasterr;
}

/* ---------------------------------------------------------------- the owner */

#define LOCK_FILE	"simdesk.lock"
#define LOCK_WAIT_MS	5000

/*
 * The environment lives in this process's memory (DB_PRIVATE): nothing but
 * the process that opened it may touch its files until it closes them.  An
 * open file description lock on DATADIR/simdesk.lock says so, to other
 * processes and to a second open in this one alike; the kernel drops it
 * when the process dies, however it dies.  A process letting go (a server
 * stopping for another) is waited for a few seconds.
 */
static int
take_owner_lock(const char *home, struct sd_err *err)
{
	struct flock fl;
	char path[4096];
	int fd;

	if ((size_t)snprintf(path, sizeof path, "%s/%s", home, LOCK_FILE) >=
	    sizeof path) {
		sd_err_set(err, SD_EINVAL, "data directory %s: path too long",
		    home);
		return -1;
	}
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0) {
		sd_err_set(err, SD_EINTERNAL, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (int waited = 0;; waited += 50) {
		memset(&fl, 0, sizeof fl);
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		if (fcntl(fd, F_OFD_SETLK, &fl) == 0)
			return fd;
		if ((errno != EAGAIN && errno != EACCES) ||
		    waited >= LOCK_WAIT_MS)
			break;
		usleep(50000);
	}
	if (errno == EAGAIN || errno == EACCES)
		sd_err_set(err, SD_EREFUSED, "data directory %s is open in "
		    "another process (simdeskd serves it to its clients)", home);
	else
		sd_err_set(err, SD_EINTERNAL, "%s: %s", path, strerror(errno));
	close(fd);
	return -1;
}

/*
 * Region files of the shared environment of earlier versions: the private
 * one has none, and recovery rebuilds everything they held from the log.
 */
static int
remove_old_regions(const char *home, struct sd_err *err)
{
	char path[4096];
	struct flock fl;
	int fd;

	/*
	 * A program of an earlier version may still have that shared
	 * environment open (it registered in __db.register, holding a lock
	 * there): removing its regions under it would lose its writes.
	 */
	snprintf(path, sizeof path, "%s/__db.register", home);
	if ((fd = open(path, O_RDWR | O_CLOEXEC)) >= 0) {
		memset(&fl, 0, sizeof fl);
		fl.l_type = F_WRLCK;
		fl.l_whence = SEEK_SET;
		if (fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK) {
			close(fd);
			return sd_err_set(err, SD_EREFUSED, "data directory %s "
			    "is still open in a simdesk program of an earlier "
			    "version (pid %ld): stop it first", home,
			    (long)fl.l_pid);
		}
		close(fd);
	}

	for (int i = 1; i < 100; i++) {
		snprintf(path, sizeof path, "%s/__db.%03d", home, i);
		if (unlink(path) != 0 && errno == ENOENT && i > 10)
			break;
	}
	snprintf(path, sizeof path, "%s/__db.register", home);
	unlink(path);
	return SD_OK;
}

/* ---------------------------------------------------------------- secondary keys */

static int
sec_callback(DB *sec, const DBT *pkey, const DBT *data, DBT *result)
{
	const struct sd_index_def *def = sec->app_private;
	struct sd_keys k;
	void *p;
	DBT *arr;

	memset(&k, 0, sizeof k);
	if (def->extract(pkey->data, pkey->size, data->data, data->size,
	    &k) != 0 || k.n == 0) {
		sd_buf_free(&k.buf);
		return DB_DONOTINDEX;
	}
	memset(result, 0, sizeof *result);
	if (k.n == 1) {
		p = xmalloc(k.len[0]);
		memcpy(p, k.buf.p + k.off[0], k.len[0]);
		result->data = p;
		result->size = (u_int32_t)k.len[0];
		result->flags = DB_DBT_APPMALLOC;
	} else {
		arr = xcalloc((size_t)k.n, sizeof *arr);
		for (int i = 0; i < k.n; i++) {
			p = xmalloc(k.len[i]);
			memcpy(p, k.buf.p + k.off[i], k.len[i]);
			arr[i].data = p;
			arr[i].size = (u_int32_t)k.len[i];
			arr[i].flags = DB_DBT_APPMALLOC;
		}
		result->data = arr;
		result->size = (u_int32_t)k.n;
		result->flags = DB_DBT_MULTIPLE | DB_DBT_APPMALLOC;
	}
	sd_buf_free(&k.buf);
	return 0;
}

int
sd_index_extract(struct sd_db *db, int table, int index, const void *pkey,
    size_t pklen, const void *rec, size_t len, struct sd_keys *out)
{
	const struct sd_index_def *def = &db->defs[table].indexes[index];

	return def->extract(pkey, pklen, rec, len, out);
}

int
sd_db_ntables(struct sd_db *db)
{
	return db->ntables;
}

const struct sd_table_def *
sd_db_table(struct sd_db *db, int table)
{
	return &db->defs[table];
}

/* ---------------------------------------------------------------- open */

static char *
path_join(const char *dir, const char *file)
{
	struct sd_buf b = SD_BUF_INIT;

	sd_buf_printf(&b, "%s/%s", dir, file);
	return b.p;
}

int
sd_db_exists(const char *home)
{
	char *p = path_join(home, SEQ_FILE);
	struct stat st;
	int r = stat(p, &st) == 0;

	free(p);
	return r;
}

static int
check_home(const struct sd_db_opts *o, struct sd_err *err)
{
	struct stat st;

	if (stat(o->home, &st) != 0) {
		if (errno == ENOENT && o->create) {
			if (mkdir(o->home, 0700) != 0)
				return sd_err_set(err, SD_EINTERNAL,
				    "data directory %s: %s", o->home,
				    strerror(errno));
			return SD_OK;
		}
		if (errno == ENOENT)
			return sd_err_set(err, SD_EINTERNAL,
			    "data directory %s: does not exist "
			    "(create it with 'simdeskctl init')", o->home);
		return sd_err_set(err, SD_EINTERNAL, "data directory %s: %s",
		    o->home, strerror(errno));
	}
	if (!S_ISDIR(st.st_mode))
		return sd_err_set(err, SD_EINTERNAL,
		    "data directory %s: not a directory", o->home);
	if (access(o->home, R_OK | W_OK | X_OK) != 0)
		return sd_err_set(err, SD_EINTERNAL, "data directory %s: %s",
		    o->home, strerror(errno));
	if (!o->create && !sd_db_exists(o->home))
		return sd_err_set(err, SD_EINTERNAL,
		    "data directory %s: no simdesk database here "
		    "(create one with 'simdeskctl init')", o->home);
	if (o->create && sd_db_exists(o->home))
		return sd_err_set(err, SD_EREFUSED,
		    "data directory %s: already initialized", o->home);
	/* A directory made beforehand (mkdir, a package) becomes the
	 * server's alone, as one init makes. */
	if (o->create && (st.st_mode & 077) != 0 &&
	    chmod(o->home, st.st_mode & 0700) != 0)
		return sd_err_set(err, SD_EINTERNAL, "data directory %s: %s",
		    o->home, strerror(errno));
	return SD_OK;
}

static int
open_one(struct sd_db *db, DB_TXN *txn, DB **out, const char *file, int dup,
    int create, int encrypt, struct sd_err *err)
{
	DB *d;
	int ret;
	u_int32_t flags = DB_THREAD | (create ? DB_CREATE : 0);

	if ((ret = db_create(&d, db->env, 0)) != 0)
		return sanitize(ret, err, file);
	if (encrypt && (ret = d->set_flags(d, DB_ENCRYPT)) != 0)
		goto fail;
	if (dup && (ret = d->set_flags(d, DB_DUP | DB_DUPSORT)) != 0)
		goto fail;
	if ((ret = d->open(d, txn, file, NULL, DB_BTREE, flags, 0600)) != 0)
		goto fail;
	*out = d;
	return SD_OK;
fail:
	d->close(d, 0);
	if (ret == ENOENT)
		return sd_err_set(err, SD_EINTERNAL,
		    "%s: missing from the data directory", file);
	return sanitize(ret, err, file);
}

static int
open_tables(struct sd_db *db, int create, int encrypt, struct sd_err *err)
{
	DB_TXN *txn;
	int ret, st;

	if ((ret = db->env->txn_begin(db->env, NULL, &txn, 0)) != 0)
		return sanitize(ret, err, "open tables");
	st = open_one(db, txn, &db->seqdb, SEQ_FILE, 0, create, encrypt, err);
	if (st == SD_OK)
		st = open_one(db, txn, &db->reqdb, REQ_FILE, 0, 1, encrypt, err);
	/*
	 * The directory is known to be ours (sequences.db is there): tables
	 * and indexes a newer version added are created now, and an index
	 * new to an existing table is built from its records by associate.
	 * Upgrades need no migration step.  Only a new index file is built:
	 * associate's DB_CREATE rescans the whole table whenever the index
	 * is empty, and a sparse index (class, tag, city) may rightly be
	 * empty; rescanning a million customers on every open made each
	 * program start take seconds and hold read locks writers wait on.
	 */
	create = 1;
	for (int i = 0; st == SD_OK && i < db->ntables; i++) {
		const struct sd_table_def *def = &db->defs[i];
		struct sd_table *t = &db->t[i];
		struct sd_buf b = SD_BUF_INIT;

		sd_buf_printf(&b, "%s.db", def->name);
		st = open_one(db, txn, &t->pri, b.p, 0, create, encrypt, err);
		for (int j = 0; st == SD_OK && j < def->nindexes; j++) {
			const struct sd_index_def *ix = &def->indexes[j];
			char *path;
			int fresh;

			sd_buf_reset(&b);
			sd_buf_printf(&b, "%s-%s.idx", def->name, ix->name);
			path = path_join(db->home, b.p);
			fresh = access(path, F_OK) != 0;
			free(path);
			st = open_one(db, txn, &t->sec[j], b.p, !ix->unique,
			    create, encrypt, err);
			if (st != SD_OK)
				break;
			t->sec[j]->app_private = (void *)ix;
			ret = t->pri->associate(t->pri, txn, t->sec[j],
			    sec_callback, fresh ? DB_CREATE : 0);
			if (ret != 0)
				st = sanitize(ret, err, b.p);
			if (st == SD_OK)
				st = open_one(db, txn, &t->raw[1 + j], b.p,
				    !ix->unique, 0, encrypt, err);
		}
		if (st == SD_OK && def->nindexes > 0) {
			sd_buf_reset(&b);
			sd_buf_printf(&b, "%s.db", def->name);
			st = open_one(db, txn, &t->raw[0], b.p, 0, 0, encrypt,
			    err);
		}
		sd_buf_free(&b);
	}
	if (st != SD_OK) {
		txn->abort(txn);
		return st;
	}
	if ((ret = txn->commit(txn, 0)) != 0)
		return sanitize(ret, err, "open tables");
	return SD_OK;
}

/*
 * A process that only read closes its handles with DB_NOSYNC: a plain
 * close flushes the file's dirty pages from the shared cache -- other
 * processes' pages -- and a quick lookup during an import took seconds.
 * A process that wrote syncs, so its changes are in the files and not only
 * in the log and the cache region.
 */
static void
close_tables(struct sd_db *db)
{
	u_int32_t how = commits > 0 ? 0 : DB_NOSYNC;

	for (int i = 0; i < db->nseqs; i++)
		db->seqs[i].s->close(db->seqs[i].s, 0);
	db->nseqs = 0;
	for (int i = 0; db->t != NULL && i < db->ntables; i++) {
		for (int j = 0; j < 1 + SD_INDEX_MAX; j++)
			if (db->t[i].raw[j] != NULL)
				db->t[i].raw[j]->close(db->t[i].raw[j], how);
		/* Secondaries close before their primary. */
		for (int j = 0; j < SD_INDEX_MAX; j++)
			if (db->t[i].sec[j] != NULL)
				db->t[i].sec[j]->close(db->t[i].sec[j], how);
		if (db->t[i].pri != NULL)
			db->t[i].pri->close(db->t[i].pri, how);
	}
	if (db->reqdb != NULL)
		db->reqdb->close(db->reqdb, how);
	db->reqdb = NULL;
	if (db->seqdb != NULL)
		db->seqdb->close(db->seqdb, how);
	db->seqdb = NULL;
}

/* Everything set on an environment handle before it is opened. */
static int
env_setup(DB_ENV *env, const struct sd_db_opts *o, struct sd_err *err)
{
	int ret;

	env->set_errcall(env, errcall);
	env->set_msgcall(env, msgcall);
	/* cache_mb (simdesk.conf(5)): a fixed 64 MiB unless set, one region
	 * in simdeskd's memory; the clients have no cache of their own. */
	env->set_cachesize(env, 0, (o->cache_mb ? o->cache_mb : 64) << 20, 1);
	env->set_lk_detect(env, DB_LOCK_DEFAULT);
	env->set_lk_max_lockers(env, 20000);
	env->set_lk_max_locks(env, 200000);
	env->set_lk_max_objects(env, 200000);
	/*
	 * The lock table's hash is sized from max objects by default (262k
	 * buckets, 4 MB that every process touches); 16k buckets serve the
	 * objects really locked at once and keep each terminal small.
	 */
	env->set_lk_tablesize(env, 16381);
	env->set_lg_bsize(env, 1 << 20);
	env->set_lg_max(env, 16 << 20);
	if (o->passphrase != NULL && o->passphrase[0] != '\0' &&
	    (ret = env->set_encrypt(env, o->passphrase, DB_ENCRYPT_AES)) != 0) {
		return sanitize(ret, err, "encryption");
	}
	if (!o->durable)
		env->set_flags(env, DB_TXN_WRITE_NOSYNC, 1);
	return SD_OK;
}

int
sd_db_open(struct sd_db **out, const struct sd_db_opts *o,
    const struct sd_table_def *tables, int ntables, struct sd_err *err)
{
	struct sd_db *db;
	DB_ENV *env;
	int ret, st, lockfd;
	u_int32_t flags;

	*out = NULL;
	lasterr[0] = '\0';
	if ((st = check_home(o, err)) != SD_OK)
		return st;
	if ((lockfd = take_owner_lock(o->home, err)) < 0)
		return err->status;
	if ((st = remove_old_regions(o->home, err)) != SD_OK) {
		close(lockfd);
		return st;
	}
	if ((ret = db_env_create(&env, 0)) != 0) {
		close(lockfd);
		return sanitize(ret, err, "environment");
	}
	db = xcalloc(1, sizeof *db);
	db->env = env;
	db->defs = tables;
	db->ntables = ntables;
	db->t = xcalloc((size_t)ntables, sizeof *db->t);
	db->home = xstrdup(o->home);
	db->lockfd = lockfd;
	pthread_mutex_init(&db->seqlock, NULL);
	{
		pthread_rwlockattr_t ra;

		/* A waiting backup holds new writers back, or a steady
		 * stream of them would keep it waiting for ever. */
		pthread_rwlockattr_init(&ra);
		pthread_rwlockattr_setkind_np(&ra,
		    PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
		pthread_rwlock_init(&db->writers, &ra);
		pthread_rwlockattr_destroy(&ra);
	}

	if ((st = env_setup(env, o, err)) != SD_OK)
		goto fail;

	/*
	 * One process owns the environment (take_owner_lock), so it lives
	 * in private memory: no region files, nothing another process could
	 * leave locked, and recovery at every open is always safe -- it
	 * replays the log of whatever the last owner committed, and rolls
	 * back what it had not.
	 */
	flags = DB_CREATE | DB_INIT_TXN | DB_INIT_LOCK | DB_INIT_LOG |
	    DB_INIT_MPOOL | DB_THREAD | DB_PRIVATE | DB_RECOVER;
	lasterr[0] = '\0';
	opening = 1;
	ret = env->open(env, o->home, flags, 0600);
	opening = 0;
	if (ret != 0) {
		/*
		 * Recovery reads the log first, so a key that does not fit
		 * shows there: an encrypted log's header read in clear has
		 * a wrong magic number (BDB2530), one read with another key
		 * fails its checksum (BDB2533), and a plain one read with a
		 * key has records of the wrong size.
		 */
		int keyed = o->passphrase != NULL && o->passphrase[0] != '\0';

		if (ret == EACCES)
			st = sd_err_set(err, SD_EINTERNAL,
			    "data directory %s: permission denied", o->home);
		else if (!keyed && strstr(lasterr, "BDB2530") != NULL)
			st = sd_err_set(err, SD_EINTERNAL,
			    "data directory %s is encrypted: set key_file in "
			    "the configuration", o->home);
		else if (keyed && strstr(lasterr, "BDB2533") != NULL)
			st = sd_err_set(err, SD_EINTERNAL,
			    "data directory %s: wrong encryption key (key_file)",
			    o->home);
		else if (keyed && (strstr(lasterr, "size mismatch") != NULL ||
		    strstr(lasterr, "BDB2580") != NULL))
			st = sd_err_set(err, SD_EINTERNAL,
			    "data directory %s is not encrypted: key_file can "
			    "only be set when it is created", o->home);
		else if (strstr(lasterr, "BDB0174") != NULL)
			st = sd_err_set(err, SD_EINTERNAL,
			    "data directory %s is encrypted: set key_file in "
			    "the configuration", o->home);
		else if (strstr(lasterr, "BDB0172") != NULL)
			st = sd_err_set(err, SD_EINTERNAL,
			    "data directory %s is not encrypted: key_file can "
			    "only be set when it is created", o->home);
		else if (strstr(lasterr, "BDB0175") != NULL)
			st = sd_err_set(err, SD_EINTERNAL,
			    "data directory %s: wrong encryption key (key_file)",
			    o->home);
		else
			st = sanitize(ret, err, o->home);
		goto fail;
	}
	lasterr[0] = '\0';	/* what recovery said is not a later error's */
	if (!o->keep_logs)
		env->log_set_config(env, DB_LOG_AUTO_REMOVE, 1);

	st = open_tables(db, o->create, o->passphrase != NULL &&
	    o->passphrase[0] != '\0', err);
	if (st != SD_OK)
		goto fail;
	*out = db;
	return SD_OK;
fail:
	close_tables(db);
	env->close(env, 0);
	close(db->lockfd);
	free(db->t);
	free(db->home);
	free(db);
	return st;
}

void
sd_db_close(struct sd_db *db)
{
	if (db == NULL)
		return;
	close_tables(db);
	/*
	 * A process that wrote keeps the log short for whoever opens next
	 * (simdeskd checkpoints on a timer too).  A reader never does: a
	 * quick lookup must not pay for flushing someone else's import.
	 */
	if (commits > 0)
		db->env->txn_checkpoint(db->env, 1024, 0, 0);
	db->env->close(db->env, 0);
	close(db->lockfd);	/* only now may another process open it */
	free(db->t);
	free(db->home);
	free(db);
}

int
sd_db_checkpoint(struct sd_db *db, unsigned kbytes, struct sd_err *err)
{
	return sanitize(db->env->txn_checkpoint(db->env, kbytes, 0, 0), err,
	    "checkpoint");
}

/* ---------------------------------------------------------------- transactions */

void
sd_db_fault_retry(struct sd_db *db, int n)
{
	db->fault_retry = n;
}

void
sd_db_fault_put(struct sd_db *db, int table, int status, int n)
{
	db->fault_puts = 0;
	db->fault_table = table;
	db->fault_status = status;
	db->fault_puts = n;
}

unsigned long
sd_db_retries(void)
{
	return retries;
}

struct sd_db *
sd_txn_db(struct sd_txn *t)
{
	return t->db;
}

int
sd_txn_once(struct sd_txn *t, uint32_t tag)
{
	for (int i = 0; i < t->nonce; i++)
		if (t->once[i] == tag)
			return 0;
	if (t->nonce < (int)(sizeof t->once / sizeof t->once[0]))
		t->once[t->nonce++] = tag;
	return 1;
}

static void
backoff(int attempt)
{
	/* 1 ms doubling to 128 ms, scaled by a random factor in [0.5, 1.5). */
	unsigned base = 1000u << (attempt < 7 ? attempt : 7);
	unsigned jitter = (unsigned)((uint64_t)base * (unsigned)(rand() % 1000) / 1000);
	struct timespec ts;
	unsigned us = base / 2 + jitter;

	ts.tv_sec = us / 1000000;
	ts.tv_nsec = (long)(us % 1000000) * 1000;
	nanosleep(&ts, NULL);
}

/* ---------------------------------------------------------------- request ids */

static int	run(struct sd_db *db, sd_txn_fn fn, void *arg, struct sd_err *err,
		    u_int32_t tflags);
static void	dbt_set(DBT *d, const void *p, size_t n);

static void
req_encode(struct sd_buf *b, int state, int exit_code, int ncommits,
    unsigned used, const char *out, size_t outlen, const char *errtext,
    size_t errlen)
{
	sd_buf_reset(b);
	sd_rec_begin(b);
	sd_rec_int(b, 1, (int64_t)time(NULL));
	sd_rec_int(b, 2, state);
	sd_rec_int(b, 3, exit_code);
	sd_rec_int(b, 4, ncommits);
	sd_rec_int(b, 7, used);
	if (outlen > 0)
		sd_rec_bytes(b, 5, out, outlen);
	if (errlen > 0)
		sd_rec_bytes(b, 6, errtext, errlen);
}

/*
 * Inside a write transaction of this thread's request: record the id with
 * it.  The first write of a request finds the id absent; finding it means
 * the request was carried out before (a second run), which is refused.
 */
static int
request_mark(struct sd_txn *t, struct sd_err *err)
{
	struct sd_buf b = SD_BUF_INIT;
	DBT k, v;
	int ret;

	req_encode(&b, SD_REQ_STARTED, 0, req.commits + 1, 0, NULL, 0, NULL, 0);
	dbt_set(&k, req.id, strlen(req.id));
	dbt_set(&v, b.p, b.len);
	ret = t->db->reqdb->put(t->db->reqdb, t->txn, &k, &v,
	    req.commits == 0 ? DB_NOOVERWRITE : 0);
	sd_buf_free(&b);
	if (ret == DB_KEYEXIST)
		return sd_err_set(err, SD_EREFUSED, "request %s was already "
		    "carried out", req.id);
	return sanitize(ret, err, "request id");
}

void
sd_db_request_begin(const char *id)
{
	req.commits = 0;
	req.id[0] = '\0';
	if (id != NULL)
		sd_strlcpy(req.id, id, sizeof req.id);
}

int
sd_db_request_wrote(void)
{
	return req.commits > 0;
}

struct req_store_arg {
	const char		*id;
	const struct sd_buf	*b;
};

static int
req_store(struct sd_txn *t, void *arg, struct sd_err *err)
{
	const struct req_store_arg *a = arg;
	const struct sd_buf *b = a->b;
	DBT k, v;

	dbt_set(&k, a->id, strlen(a->id));
	dbt_set(&v, b->p, b->len);
	return sanitize(t->db->reqdb->put(t->db->reqdb, t->txn, &k, &v, 0),
	    err, "request id");
}

int
sd_db_request_end(struct sd_db *db, int exit_code, unsigned used,
    const char *out, size_t outlen, const char *errtext, size_t errlen,
    struct sd_err *err)
{
	struct sd_buf b = SD_BUF_INIT;
	char id[SD_REQ_ID_MAX + 1];
	int st = SD_OK;

	if (req.id[0] && req.commits > 0) {
		req_encode(&b, SD_REQ_DONE, exit_code, req.commits, used, out,
		    outlen, errtext, errlen);
		/* Stored outside the request (it would mark itself). */
		sd_strlcpy(id, req.id, sizeof id);
		req.id[0] = '\0';
		st = run(db, req_store, &(struct req_store_arg){ id, &b }, err,
		    0);
		sd_buf_free(&b);
	}
	sd_db_request_begin(NULL);
	return st;
}

struct req_get_arg {
	const char	*id;
	struct sd_buf	*val;
};

static int
req_get(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct req_get_arg *a = arg;
	DBT k, v;
	int ret;

	dbt_set(&k, a->id, strlen(a->id));
	memset(&v, 0, sizeof v);
	v.flags = DB_DBT_MALLOC;
	if ((ret = t->db->reqdb->get(t->db->reqdb, t->txn, &k, &v, 0)) != 0)
		return sanitize(ret, err, "request id");
	sd_buf_reset(a->val);
	sd_buf_add(a->val, v.data, v.size);
	free(v.data);
	return SD_OK;
}

int
sd_db_request_lookup(struct sd_db *db, const char *id, int *state,
    int *exit_code, int *ncommits, unsigned *used, struct sd_buf *out,
    struct sd_buf *errtext, struct sd_err *err)
{
	struct sd_buf val = SD_BUF_INIT;
	struct req_get_arg a = { id, &val };
	struct sd_rec_reader r;
	int st;

	if ((st = run(db, req_get, &a, err, DB_READ_COMMITTED)) != SD_OK) {
		sd_buf_free(&val);
		return st;
	}
	*state = SD_REQ_STARTED;
	*exit_code = 0;
	*ncommits = 0;
	*used = 0;
	sd_buf_reset(out);
	sd_buf_reset(errtext);
	if ((st = sd_rec_open(&r, val.p, val.len)) == SD_OK) {
		while (sd_rec_next(&r) == 1) {
			switch (r.tag) {
			case 2: *state = (int)r.ival; break;
			case 3: *exit_code = (int)r.ival; break;
			case 4: *ncommits = (int)r.ival; break;
			case 5: sd_buf_add(out, r.bytes, r.blen); break;
			case 6: sd_buf_add(errtext, r.bytes, r.blen); break;
			case 7: *used = (unsigned)r.ival; break;
			}
		}
	}
	sd_buf_free(&val);
	return st;
}

static int
req_expire(struct sd_txn *t, void *arg, struct sd_err *err)
{
	int64_t before = ((int64_t *)arg)[0];
	int *removed = (int *)((int64_t *)arg + 1);
	DBC *c;
	DBT k, v;
	int ret;

	*removed = 0;
	if ((ret = t->db->reqdb->cursor(t->db->reqdb, t->txn, &c, 0)) != 0)
		return sanitize(ret, err, "request ids");
	memset(&k, 0, sizeof k);
	memset(&v, 0, sizeof v);
	while ((ret = c->get(c, &k, &v, DB_NEXT)) == 0) {
		struct sd_rec_reader r;
		int64_t when = 0;

		if (sd_rec_open(&r, v.data, v.size) == SD_OK)
			while (sd_rec_next(&r) == 1)
				if (r.tag == 1)
					when = r.ival;
		if (when < before) {
			if ((ret = c->del(c, 0)) != 0)
				break;
			(*removed)++;
		}
	}
	c->close(c);
	if (ret != 0 && ret != DB_NOTFOUND)
		return sanitize(ret, err, "request ids");
	return SD_OK;
}

int
sd_db_request_expire(struct sd_db *db, int64_t before, int *removed,
    struct sd_err *err)
{
	int64_t arg[2] = { before, 0 };
	char saved[SD_REQ_ID_MAX + 1];
	int st, saved_commits = req.commits;

	sd_strlcpy(saved, req.id, sizeof saved);
	req.id[0] = '\0';
	st = run(db, req_expire, arg, err, 0);
	sd_strlcpy(req.id, saved, sizeof req.id);
	req.commits = saved_commits;
	*removed = (int)*(int *)(arg + 1);
	return st;
}

/* This thread's transaction's keys for the notify hook, after commit. */
#define NOTIFY_MAX	16
static __thread struct {
	int	n;
	char	key[NOTIFY_MAX][80];
} notes;

void
sd_txn_notify(struct sd_txn *t, const char *key)
{
	(void)t;
	for (int i = 0; i < notes.n; i++)
		if (strcmp(notes.key[i], key) == 0)
			return;
	if (notes.n < NOTIFY_MAX &&
	    sd_strlcpy(notes.key[notes.n], key, sizeof notes.key[0]) == 0)
		notes.n++;
}

static pthread_mutex_t hooklock = PTHREAD_MUTEX_INITIALIZER;

void
sd_db_notify_hook(struct sd_db *db, sd_notify_fn fn, void *arg)
{
	int free_at = -1;

	pthread_mutex_lock(&hooklock);
	for (int i = 0; i < SD_NOTIFY_HOOKS; i++) {
		if (db->notify[i] == fn) {
			db->notify_arg[i] = arg;
			pthread_mutex_unlock(&hooklock);
			return;
		}
		if (db->notify[i] == NULL && free_at < 0)
			free_at = i;
	}
	if (free_at >= 0) {
		db->notify_arg[free_at] = arg;	/* before fn: readers */
		db->notify[free_at] = fn;
	}
	pthread_mutex_unlock(&hooklock);
}

void
sd_db_notify_unhook(struct sd_db *db, sd_notify_fn fn)
{
	pthread_mutex_lock(&hooklock);
	for (int i = 0; i < SD_NOTIFY_HOOKS; i++)
		if (db->notify[i] == fn)
			db->notify[i] = NULL;
	pthread_mutex_unlock(&hooklock);
}

/* Keys from base on are this transaction's (one run inside another's
 * function keeps the outer one's). */
static void
notify_committed(struct sd_db *db, int base)
{
	for (int h = 0; h < SD_NOTIFY_HOOKS; h++) {
		sd_notify_fn fn = db->notify[h];

		for (int i = base; fn != NULL && i < notes.n; i++)
			fn(db->notify_arg[h], notes.key[i]);
	}
	notes.n = base;
}

static int
run_txn(struct sd_db *db, sd_txn_fn fn, void *arg, struct sd_err *err,
    u_int32_t tflags)
{
	struct sd_txn t;
	DB_TXN *txn;
	int ret, st, base = notes.n;
	static int seeded;

	if (!seeded) {
		srand((unsigned)getpid() ^ (unsigned)time(NULL));
		seeded = 1;
	}
	for (int attempt = 0;; attempt++) {
		if ((ret = db->env->txn_begin(db->env, NULL, &txn, tflags)) != 0)
			return sanitize(ret, err, "begin transaction");
		t.db = db;
		t.txn = txn;
		t.nonce = 0;
		sd_err_clear(err);
		notes.n = base;
		st = fn(&t, arg, err);
		if (st == SD_OK && attempt == 0 && db->fault_retry > 0 &&
		    atomic_fetch_sub(&db->fault_retry, 1) > 0)
			st = sd_err_set(err, SD_ERETRY, "injected deadlock");
		if (st == SD_OK && req.id[0] && !(tflags & DB_READ_COMMITTED))
			st = request_mark(&t, err);
		if (st == SD_OK) {
			ret = txn->commit(txn, 0);
			if (ret == 0) {
				if (!(tflags & DB_READ_COMMITTED)) {
					commits++;
					req.commits += req.id[0] != '\0';
				}
				notify_committed(db, base);
				return SD_OK;
			}
			st = sanitize(ret, err, "commit");
		} else
			txn->abort(txn);
		notes.n = base;
		if (st != SD_ERETRY)
			return st;
		if (attempt >= RETRY_MAX)
			return sd_err_set(err, SD_EINTERNAL,
			    "database busy: gave up after %d deadlocks", attempt);
		retries++;
		backoff(attempt);
	}
}

/*
 * The writers' lock this thread holds shared (a write transaction may run
 * another inside it: only the outermost takes the lock, or it would wait
 * behind a backup waiting for it).
 */
static _Thread_local struct {
	struct sd_db	*db;
	int		 depth;
} held;

static int
run(struct sd_db *db, sd_txn_fn fn, void *arg, struct sd_err *err,
    u_int32_t tflags)
{
	int st;

	if (tflags & DB_READ_COMMITTED)
		return run_txn(db, fn, arg, err, tflags);
	if (held.db == NULL) {
		pthread_rwlock_rdlock(&db->writers);
		held.db = db;
	}
	held.depth += held.db == db;
	st = run_txn(db, fn, arg, err, tflags);
	if (held.db == db && --held.depth == 0) {
		held.db = NULL;
		pthread_rwlock_unlock(&db->writers);
	}
	return st;
}

int
sd_db_writers_hold(struct sd_db *db, int wait_ms, struct sd_err *err)
{
	struct timespec ts;
	int ret;

	if (held.db == db)
		return sd_err_set(err, SD_EINTERNAL, "writers: held inside a "
		    "write transaction");
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += wait_ms / 1000;
	ts.tv_nsec += (long)(wait_ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	if ((ret = pthread_rwlock_timedwrlock(&db->writers, &ts)) == 0)
		return SD_OK;
	if (ret == ETIMEDOUT)
		return sd_err_set(err, SD_EREFUSED, "writers did not pause "
		    "within %d ms (a long import?)", wait_ms);
	return sd_err_set(err, SD_EINTERNAL, "writers: %s", strerror(ret));
}

void
sd_db_writers_release(struct sd_db *db)
{
	pthread_rwlock_unlock(&db->writers);
}

int
sd_db_run(struct sd_db *db, sd_txn_fn fn, void *arg, struct sd_err *err)
{
	return run(db, fn, arg, err, 0);
}

int
sd_db_run_nosync(struct sd_db *db, sd_txn_fn fn, void *arg, struct sd_err *err)
{
	return run(db, fn, arg, err, DB_TXN_NOSYNC);
}

int
sd_db_read(struct sd_db *db, sd_txn_fn fn, void *arg, struct sd_err *err)
{
	return run(db, fn, arg, err, DB_READ_COMMITTED);
}

int
sd_db_read_still(struct sd_db *db, int wait_ms, sd_txn_fn fn, void *arg,
    struct sd_err *err)
{
	int st;

	if ((st = sd_db_writers_hold(db, wait_ms, err)) != SD_OK)
		return st;
	st = run(db, fn, arg, err, DB_READ_COMMITTED);
	sd_db_writers_release(db);
	return st;
}

/* ---------------------------------------------------------------- records */

static DB *
table_db(struct sd_txn *t, int table, int index)
{
	if (index < 0)
		return t->db->t[table].pri;
	return t->db->t[table].sec[index];
}

static void
dbt_set(DBT *d, const void *p, size_t n)
{
	memset(d, 0, sizeof *d);
	d->data = (void *)p;
	d->size = (u_int32_t)n;
}

int
sd_get(struct sd_txn *t, int table, const void *key, size_t klen,
    struct sd_buf *val, int flags, struct sd_err *err)
{
	DB *d = table_db(t, table, -1);
	DBT k, v;
	int ret;

	dbt_set(&k, key, klen);
	memset(&v, 0, sizeof v);
	v.flags = DB_DBT_MALLOC;
	ret = d->get(d, t->txn, &k, &v, (flags & SD_GET_RMW) ? DB_RMW : 0);
	if (ret != 0)
		return sanitize(ret, err, t->db->defs[table].name);
	if (val != NULL) {
		sd_buf_reset(val);
		sd_buf_add(val, v.data, v.size);
	}
	free(v.data);
	return SD_OK;
}

int
sd_put(struct sd_txn *t, int table, const void *key, size_t klen,
    const void *val, size_t vlen, int flags, struct sd_err *err)
{
	DB *d = table_db(t, table, -1);
	DBT k, v;
	int ret;

	if (t->db->fault_puts > 0 && table == t->db->fault_table &&
	    atomic_fetch_sub(&t->db->fault_puts, 1) > 0)
		return sd_err_set(err, t->db->fault_status, "%s: injected fault",
		    t->db->defs[table].name);
	dbt_set(&k, key, klen);
	dbt_set(&v, val, vlen);
	lasterr[0] = '\0';
	ret = d->put(d, t->txn, &k, &v,
	    (flags & SD_PUT_NOOVERWRITE) ? DB_NOOVERWRITE : 0);
	/*
	 * A duplicate key in a unique secondary index comes back as EINVAL
	 * with message BDB0695; it is a duplicate, not an internal error.
	 */
	if (ret == EINVAL && strstr(lasterr, "BDB0695") != NULL)
		return sd_err_set(err, SD_EEXIST, "%s: duplicate key in a "
		    "unique index", t->db->defs[table].name);
	return sanitize(ret, err, t->db->defs[table].name);
}

int
sd_del(struct sd_txn *t, int table, const void *key, size_t klen,
    struct sd_err *err)
{
	DB *d = table_db(t, table, -1);
	DBT k;

	dbt_set(&k, key, klen);
	return sanitize(d->del(d, t->txn, &k, 0), err,
	    t->db->defs[table].name);
}

int
sd_get_by(struct sd_txn *t, int table, int index, const void *key,
    size_t klen, struct sd_buf *pkey, struct sd_buf *val, int flags,
    struct sd_err *err)
{
	DB *d = table_db(t, table, index);
	DBT k, pk, v;
	int ret;

	dbt_set(&k, key, klen);
	memset(&pk, 0, sizeof pk);
	memset(&v, 0, sizeof v);
	pk.flags = DB_DBT_MALLOC;
	v.flags = DB_DBT_MALLOC;
	ret = d->pget(d, t->txn, &k, &pk, &v, (flags & SD_GET_RMW) ? DB_RMW : 0);
	if (ret != 0)
		return sanitize(ret, err, t->db->defs[table].indexes[index].name);
	if (pkey != NULL) {
		sd_buf_reset(pkey);
		sd_buf_add(pkey, pk.data, pk.size);
	}
	if (val != NULL) {
		sd_buf_reset(val);
		sd_buf_add(val, v.data, v.size);
	}
	free(pk.data);
	free(v.data);
	return SD_OK;
}

int
sd_count(struct sd_txn *t, int table, int index, uint64_t *out,
    struct sd_err *err)
{
	DB *d = table_db(t, table, index);
	DBC *c;
	DBT k, v;
	uint64_t n = 0;
	int ret;

	if ((ret = d->cursor(d, t->txn, &c, 0)) != 0)
		return sanitize(ret, err, "count");
	memset(&k, 0, sizeof k);
	memset(&v, 0, sizeof v);
	v.flags = DB_DBT_PARTIAL;	/* keys only */
	while ((ret = c->get(c, &k, &v, DB_NEXT)) == 0)
		n++;
	c->close(c);
	if (ret != DB_NOTFOUND)
		return sanitize(ret, err, "count");
	*out = n;
	return SD_OK;
}

int
sd_seq_take(struct sd_db *db, const char *name, unsigned count,
    uint64_t *first, struct sd_err *err)
{
	struct sd_seq *s = NULL;
	db_seq_t v;
	DBT k;
	int ret;

	pthread_mutex_lock(&db->seqlock);
	for (int i = 0; i < db->nseqs; i++)
		if (strcmp(db->seqs[i].name, name) == 0)
			s = &db->seqs[i];
	if (s == NULL) {
		if (db->nseqs >= SEQ_MAX) {
			pthread_mutex_unlock(&db->seqlock);
			return sd_err_set(err, SD_EINTERNAL, "too many sequences");
		}
		s = &db->seqs[db->nseqs];
		sd_strlcpy(s->name, name, sizeof s->name);
		if ((ret = db_sequence_create(&s->s, db->seqdb, 0)) != 0) {
			pthread_mutex_unlock(&db->seqlock);
			return sanitize(ret, err, "sequence");
		}
		s->s->initial_value(s->s, 1);
		dbt_set(&k, s->name, strlen(s->name));
		ret = s->s->open(s->s, NULL, &k, DB_CREATE | DB_THREAD);
		if (ret != 0) {
			s->s->close(s->s, 0);
			pthread_mutex_unlock(&db->seqlock);
			return sanitize(ret, err, "sequence");
		}
		db->nseqs++;
	}
	pthread_mutex_unlock(&db->seqlock);
	/*
	 * Ids come from their own tiny auto-commit transaction, never the
	 * caller's: no writer waits on another's id, and an aborted write
	 * only leaves a gap.  (Receipt numbers, which must be gapless, do not
	 * use this.)
	 */
	ret = s->s->get(s->s, NULL, (u_int32_t)count, &v,
	    DB_AUTO_COMMIT | DB_TXN_NOSYNC);
	if (ret != 0)
		return sanitize(ret, err, "sequence");
	commits++;		/* a write: sync the sequence file on close */
	*first = (uint64_t)v;
	return SD_OK;
}

int
sd_seq_next(struct sd_db *db, const char *name, uint64_t *out,
    struct sd_err *err)
{
	return sd_seq_take(db, name, 1, out, err);
}

/* ---------------------------------------------------------------- cursors */

int
sd_cursor_open(struct sd_txn *t, int table, int index, struct sd_cursor **out,
    struct sd_err *err)
{
	struct sd_cursor *c = xcalloc(1, sizeof *c);
	DB *d = table_db(t, table, index);
	int ret;

	if ((ret = d->cursor(d, t->txn, &c->dbc, 0)) != 0) {
		free(c);
		return sanitize(ret, err, "cursor");
	}
	c->t = t;
	c->secondary = index >= 0;
	c->key.flags = DB_DBT_REALLOC;
	c->pkey.flags = DB_DBT_REALLOC;
	c->val.flags = DB_DBT_REALLOC;
	*out = c;
	return SD_OK;
}

static int
cursor_get(struct sd_cursor *c, u_int32_t op, struct sd_err *err)
{
	int ret;

	if (c->secondary)
		ret = c->dbc->pget(c->dbc, &c->key, &c->pkey, &c->val, op);
	else
		ret = c->dbc->get(c->dbc, &c->key, &c->val, op);
	return sanitize(ret, err, "cursor");
}

int
sd_cursor_seek(struct sd_cursor *c, enum sd_seek how, const void *key,
    size_t klen, struct sd_err *err)
{
	u_int32_t op;

	switch (how) {
	case SD_SEEK_FIRST:
		return cursor_get(c, DB_FIRST, err);
	case SD_SEEK_LAST:
		return cursor_get(c, DB_LAST, err);
	case SD_SEEK_GE:
		op = DB_SET_RANGE;
		break;
	default:
		op = DB_SET;
		break;
	}
	/* Copy the key in: the realloc'd DBT owns its memory. */
	c->key.data = xrealloc(c->key.data, klen ? klen : 1);
	memcpy(c->key.data, key, klen);
	c->key.size = (u_int32_t)klen;
	return cursor_get(c, op, err);
}

int
sd_cursor_step(struct sd_cursor *c, int dir, struct sd_err *err)
{
	return cursor_get(c, dir > 0 ? DB_NEXT : DB_PREV, err);
}

const void *
sd_cursor_key(struct sd_cursor *c, size_t *len)
{
	*len = c->key.size;
	return c->key.data;
}

const void *
sd_cursor_pkey(struct sd_cursor *c, size_t *len)
{
	if (!c->secondary)
		return sd_cursor_key(c, len);
	*len = c->pkey.size;
	return c->pkey.data;
}

const void *
sd_cursor_val(struct sd_cursor *c, size_t *len)
{
	*len = c->val.size;
	return c->val.data;
}

void
sd_cursor_close(struct sd_cursor *c)
{
	if (c == NULL)
		return;
	c->dbc->close(c->dbc);
	free(c->key.data);
	free(c->pkey.data);
	free(c->val.data);
	free(c);
}
