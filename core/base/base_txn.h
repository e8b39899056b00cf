/*
 * core/base/base_txn.h -- what other domains may use of base inside their transactions:
 * users, passwords, audited refusals.
 */
#ifndef SD_BASE_TXN_H
#define SD_BASE_TXN_H

#include "core/rec/rec.h"

/* Users by login inside a transaction (no password hash: no struct
 * sd_user has one). */
int	user_load(struct sd_txn *t, const char *login, struct sd_user *u,
	    int rmw, struct sd_err *err);
/* Each user in login order; fn's status other than SD_OK
 * ends the walk and is returned. */
typedef int (*user_each_fn)(struct sd_txn *t, const struct sd_user *u,
    void *arg, struct sd_err *err);
int	user_each(struct sd_txn *t, user_each_fn fn, void *arg,
	    struct sd_err *err);
/* A short "field=value ..." picture of a user for the audit. */
void	user_describe(const struct sd_user *u, char *out, size_t size);

/* Password hashing (yescrypt). */
int	password_hash(const char *password, char *out, size_t size,
	    struct sd_err *err);
int	password_check(const char *password, const char *hash);

/*
 * Refuse op on object for a reason (a format and its arguments, so that
 * it can be translated): audited, SD_EPERM.  sd_deny_err: the reason
 * made beforehand as an error (inside a transaction, say).
 */
int	sd_deny(struct sd_session *s, int op, const char *object,
	    struct sd_err *err, const char *fmt, ...)
	    __attribute__((format(printf, 5, 6)));
int	sd_deny_err(struct sd_session *s, int op, const char *object,
	    const struct sd_err *why, struct sd_err *err);

/*
 * The one way an operation runs: sd_op_run authorizes s for op on object,
 * runs fn(arg) in a transaction (retried after a deadlock), and when fn
 * found that s may not do this to this record (own team, own record...)
 * it returns sd_refuse(r, ...): the transaction aborts first, then the
 * refusal is audited in its own (sd_deny_err), so it stays on record
 * while nothing of the operation does.  r lives in fn's arg; sd_op_run
 * clears it before each attempt.  flags: SD_RUN_READ for a reader,
 * SD_RUN_AUTHORIZED when the caller authorized op already (and checked
 * its arguments after that, as it must before anything is read).
 */
struct sd_refusal {
	int		denied;
	struct sd_err	why;
};
int	sd_refuse(struct sd_refusal *r, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* The reason made beforehand as an error (customer_may_edit's). */
int	sd_refuse_err(struct sd_refusal *r, const struct sd_err *why);
#define SD_RUN_READ		1	/* a reader: sd_db_read */
#define SD_RUN_AUTHORIZED	2	/* sd_authorize passed already */
int	sd_op_run(struct sd_session *s, int op, const char *object, int flags,
	    sd_txn_fn fn, void *arg, struct sd_refusal *r, struct sd_err *err);

/* Lowercased copy of an ASCII login into out. */
void	login_fold(const char *in, char *out, size_t size);

/*
 * n audit rows of one user and op, outcome ok, in the caller's
 * transaction and in bulk (an allocation of thousands of cards): row(arg,
 * i, ...) fills row i's object, before and after (each given empty, with
 * its size).  The same rows as n sd_audit_write calls, the ids one block.
 */
/* sd_audit_write with its id given: one of a block the caller took from
 * the "audit" sequence for a file's rows (sd_seq_take). */
int	audit_write_id(struct sd_txn *t, uint64_t id, const char *user,
	    const char *op, const char *object, int outcome,
	    const char *before, const char *after, struct sd_err *err);
/* The same written with a file's rows in bulk (batch_put_new), or at
 * once when b is NULL. */
int	audit_write_batch(struct sd_txn *t, struct table_batch *b,
	    uint64_t id, const char *user, const char *op, const char *object,
	    int outcome, const char *before, const char *after,
	    struct sd_err *err);
typedef void (*audit_row_fn)(void *arg, int i, char *object, size_t osize,
    char *before, size_t bsize, char *after, size_t asize);
int	audit_write_many(struct sd_txn *t, const char *user, const char *op,
	    int n, audit_row_fn row, void *arg, struct sd_err *err);

/*
 * np postings of one actor and memo at once (a bill run's batch): the
 * same records, balances and audit rows as np sd_ledger_post calls in
 * that order, but each account read and written once, the ids one block,
 * the postings and audit rows written in bulk.  A posting refused by
 * sd_ledger_post's checks is refused before anything is written; an
 * account that would overflow is found while the balances are written,
 * and the caller aborts its transaction as after any error.
 */
struct sd_posting {
	const char			*ref;
	const struct sd_posting_line	*lines;
	int				 n;
};
int	ledger_post_many(struct sd_txn *t, const char *actor, const char *memo,
	    const struct sd_posting *p, int np, struct sd_err *err);

/* For core/domains.c. */
extern const struct sd_table_def base_tables[4];

#endif
