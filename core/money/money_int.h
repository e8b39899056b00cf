/*
 * core/money/money_int.h -- private to core/money/: its tables, indexes,
 * record codecs and the helpers its files share.
 */
#ifndef SD_MONEY_INT_H
#define SD_MONEY_INT_H

#include "core/money/money_txn.h"

/* Tables (numbers in core/rec/rec.h). */
enum { T_SCHEME = SD_T_MONEY, T_AGSCHEME, T_COMM, T_STMT, T_AGRCPT,
    T_ORDPAID, T_INVOICE };
enum { IX_COMM_AGENT, IX_COMM_CARD, IX_COMM_STMT, IX_COMM_STATE };
enum { IX_STMT_AGENT };

int	scheme_decode(const void *p, size_t n, struct sd_scheme *v);
void	scheme_encode(const struct sd_scheme *v, struct sd_buf *b);
int	comm_decode(const void *p, size_t n, struct sd_comm *e);
void	comm_encode(const struct sd_comm *e, struct sd_buf *b);
int	stmt_decode(const void *p, size_t n, struct sd_stmt *st);
void	stmt_encode(const struct sd_stmt *st, struct sd_buf *b);

/* The version of scheme code in force at time at; SD_ENOTFOUND. */
int	scheme_at(struct sd_txn *t, const char *code, int64_t at,
	    struct sd_scheme *v, struct sd_err *err);
/* Version version of scheme code; SD_ENOTFOUND. */
int	scheme_version(struct sd_txn *t, const char *code, int version,
	    struct sd_scheme *v, struct sd_err *err);
/* The scheme code in force for agent (its own, else up its branch, else
 * DEFAULT); "" when none; *inherited when not its own. */
int	scheme_of_agent(struct sd_txn *t, const char *agent, char *code,
	    size_t size, int *inherited, struct sd_err *err);
/* The branch a session may see: "" (all) or an agent user's own agent. */
int	money_scope(const struct sd_session *s, char *root, size_t size,
	    struct sd_err *err);

/* The next number of counter name (rec_meta), inside t. */
int	money_next_id(struct sd_txn *t, const char *name, uint64_t *out,
	    struct sd_err *err);
/* One entry or statement by id (money_schema.c). */
int	comm_load(struct sd_txn *t, uint64_t id, struct sd_comm *e, int rmw,
	    struct sd_err *err);
int	comm_store(struct sd_txn *t, const struct sd_comm *e,
	    struct sd_err *err);
int	stmt_load(struct sd_txn *t, uint64_t id, struct sd_stmt *sm, int rmw,
	    struct sd_err *err);
/* SD_EREFUSED when the agent has another statement for the month. */
int	stmt_store(struct sd_txn *t, const struct sd_stmt *sm,
	    struct sd_err *err);
/* The entries of index ix (-1: the table) whose keys start with pfx (pl
 * 0: every one), read whole before any is rewritten; *out is the
 * caller's to free. */
int	comm_gather(struct sd_txn *t, int ix, const void *pfx, size_t pl,
	    struct sd_comm **out, size_t *n, struct sd_err *err);
/* The ledger accounts of an agent's commissions: frozen (pending) and
 * payable. */
void	comm_account(const char *agent, int frozen, char *out, size_t size);
/* x * bp / 10000 half-up (away from zero for negative x). */
int64_t	money_pct(int64_t x, int bp);
/* Add entry e (state pending or payable) and its overrides up the branch
 * (the version v's levels), posted as one posting. */
int	comm_accrue(struct sd_txn *t, const char *actor,
	    const struct sd_scheme *v, struct sd_comm *e, struct sd_err *err);
/* Invoices' share of verify (invoice.c). */
int	invoice_verify(struct sd_txn *t, struct rec_verify *v,
	    struct sd_err *err);
/* Collections' share of verify (collect.c). */
int	collect_verify(struct sd_txn *t, struct rec_verify *v,
	    struct sd_err *err);
/* YYYYMM of time at (local). */
int	money_month_of(int64_t at);

#endif
