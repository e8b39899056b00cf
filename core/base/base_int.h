/*
 * core/base/base_int.h -- private to core/base/: its tables, indexes and record codecs.
 */
#ifndef SD_BASE_INT_H
#define SD_BASE_INT_H

#include "core/base/base_txn.h"

/* Tables (numbers in core/rec/rec.h). */
enum { T_USER = SD_T_BASE, T_AUDIT, T_ACCOUNT, T_POSTING };
enum { IX_USER_LOGIN, IX_USER_OSLOGIN };
enum { IX_AUDIT_USER };
enum { IX_POSTING_ACCOUNT };

/* A user's password hash is in its record only, never in a struct
 * sd_user: encode writes pwhash there; decode leaves it out, _hash copies
 * it to pwhash (size bytes) for core/base's own checks. */
void	user_encode(const struct sd_user *u, const char *pwhash,
	    struct sd_buf *b);
int	user_decode(const void *p, size_t n, struct sd_user *u);
int	user_decode_hash(const void *p, size_t n, struct sd_user *u,
	    char *pwhash, size_t size);
int	user_load_hash(struct sd_txn *t, const char *login, struct sd_user *u,
	    char *pwhash, size_t size, int rmw, struct sd_err *err);
void	audit_encode(const struct sd_audit *a, struct sd_buf *b);
int	audit_decode(const void *p, size_t n, struct sd_audit *a);
/*
 * The ledger's records (ledger.c).  A posting's lines repeat the pair
 * P_LINE_ACCOUNT, P_LINE_AMOUNT (read by the posting index and verify),
 * so its codec is written by hand; an account is its balance.
 */
enum { P_ID = 1, P_AT, P_ACTOR, P_MEMO, P_REF, P_NLINES,
    P_LINE_ACCOUNT = 10, P_LINE_AMOUNT = 11 };
enum { AC_BALANCE = 1, AC_POSTINGS = 2 };
struct account {
	int64_t	balance;
	int64_t	postings;
};
int	account_decode(const void *p, size_t n, struct account *a);

/* Write u with the password hash pwhash (NULL: keep the stored one). */
int	user_store(struct sd_txn *t, const struct sd_user *u,
	    const char *pwhash, int create, struct sd_err *err);

#endif
