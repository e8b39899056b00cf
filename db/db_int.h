/*
 * db_int.h -- private to db/: the environment handle and the one mapping of
 * Berkeley DB's return codes (env.c), shared with backup.c.
 */
#ifndef SD_DB_INT_H
#define SD_DB_INT_H

#include <pthread.h>

#include <db.h>

#include "db.h"

#define SEQ_FILE	"sequences.db"
#define REQ_FILE	"requests.db"
#define SEQ_MAX		32
#define RETRY_MAX	200

struct sd_table {
	DB	*pri;
	DB	*sec[SD_INDEX_MAX];
	/* The same files through handles without associate, for bulk
	 * inserts that write each index in key order (bulk.c): raw[0] the
	 * table, raw[1 + j] index j.  Only for tables with indexes. */
	DB	*raw[1 + SD_INDEX_MAX];
};

struct sd_seq {
	char		 name[32];
	DB_SEQUENCE	*s;
};

#define SD_NOTIFY_HOOKS	4

struct sd_db {
	DB_ENV				*env;
	const struct sd_table_def	*defs;
	int				 ntables;
	struct sd_table			*t;
	DB				*seqdb;
	DB				*reqdb;		/* client request ids */
	pthread_mutex_t			 seqlock;	/* seqs[] */
	/* Write transactions hold it shared; a backup takes it alone for
	 * the moment its end is fixed (sd_db_writers_hold). */
	pthread_rwlock_t		 writers;
	struct sd_seq			 seqs[SEQ_MAX];
	int				 nseqs;
	char				*home;
	int				 lockfd;	/* take_owner_lock */
	/* sd_db_notify_hook: the TUIs' inbox bell, simdeskd's job queue */
	_Atomic(sd_notify_fn)		 notify[SD_NOTIFY_HOOKS];
	void *_Atomic			 notify_arg[SD_NOTIFY_HOOKS];
	_Atomic int			 fault_retry;	/* sd_db_fault_retry */
	_Atomic int			 fault_puts;	/* sd_db_fault_put */
	int				 fault_table, fault_status;
};

struct sd_txn {
	struct sd_db	*db;
	DB_TXN		*txn;
	int		 nonce;			/* sd_txn_once's tags */
	uint32_t	 once[8];
};

/* Map a Berkeley DB return code to our status, naming what failed. */
int	sd_db_sanitize(int ret, struct sd_err *err, const char *what);
/* The last message Berkeley DB gave this thread (its error callback). */
const char *sd_db_lasterr(void);
/*
 * Pause every write transaction of db: wait until those running have
 * committed or aborted and hold new ones back, for at most wait_ms (then
 * SD_EREFUSED).  New writers queue behind the wait, so it is kept short.
 * Not from inside a write transaction of this thread.
 */
int	sd_db_writers_hold(struct sd_db *db, int wait_ms, struct sd_err *err);
void	sd_db_writers_release(struct sd_db *db);

#endif
