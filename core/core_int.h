/*
 * core_int.h -- private to core/: the schema (tables and indexes by number),
 * record codecs and helpers shared between core's files.
 */
#ifndef SD_CORE_INT_H
#define SD_CORE_INT_H

#include "core.h"

/* Tables, in the order of sd_schema[]. */
enum {
	T_META,
	T_USER,
	T_AUDIT,
	T_ACCOUNT,
	T_POSTING,
	T__COUNT
};

/* Indexes of each table, in the order of its definition. */
enum { IX_USER_LOGIN, IX_USER_OSLOGIN };
enum { IX_AUDIT_USER };
enum { IX_POSTING_ACCOUNT };

extern const struct sd_table_def sd_schema[T__COUNT];

/* Record codecs. */
void	user_encode(const struct sd_user *u, struct sd_buf *b);
int	user_decode(const void *p, size_t n, struct sd_user *u);
void	audit_encode(const struct sd_audit *a, struct sd_buf *b);
int	audit_decode(const void *p, size_t n, struct sd_audit *a);

/* Users by login inside a transaction (with the password hash). */
int	user_load(struct sd_txn *t, const char *login, struct sd_user *u,
	    int rmw, struct sd_err *err);
int	user_store(struct sd_txn *t, const struct sd_user *u, int create,
	    struct sd_err *err);
/* A short "field=value ..." picture of a user for the audit. */
void	user_describe(const struct sd_user *u, char *out, size_t size);

/* Password hashing (yescrypt). */
int	password_hash(const char *password, char *out, size_t size,
	    struct sd_err *err);
int	password_check(const char *password, const char *hash);

/* Refuse op on object for a reason: audited, SD_EPERM. */
int	sd_deny(struct sd_session *s, int op, const char *object,
	    const char *reason, struct sd_err *err);

/* Lowercased copy of an ASCII login into out. */
void	login_fold(const char *in, char *out, size_t size);

#endif
