/*
 * core/crm/crm_txn.h -- what later domains may use of crm inside their transactions:
 * customers by id or phone, who may edit them, reminders.
 */
#ifndef SD_CRM_TXN_H
#define SD_CRM_TXN_H

#include "core/base/base_txn.h"

/* Customers inside a transaction. */
int	customer_load(struct sd_txn *t, uint64_t id, struct sd_customer *c,
	    int rmw, struct sd_err *err);
/* (Store keeps the service password's hash, which c does not hold.) */
int	customer_store(struct sd_txn *t, const struct sd_customer *c,
	    struct sd_err *err);
/* The same written with a file's rows in bulk (batch_put_replace), or at
 * once when b is NULL; one customer once a file. */
int	customer_store_batch(struct sd_txn *t, struct table_batch *b,
	    const struct sd_customer *c, struct sd_err *err);
/* A customer by id or by phone (digits kept); SD_ENOTFOUND naming it. */
int	customer_key_resolve(struct sd_txn *t, const char *key, uint64_t *id,
	    struct sd_err *err);
/* Which customer owns phone, if any (0). */
int	customer_by_phone(struct sd_txn *t, const char *phone, uint64_t *id,
	    struct sd_err *err);
/* May s change c (owner, owner's supervisor, admin)?  why filled if not
 * (for sd_deny_err). */
int	customer_may_edit(struct sd_txn *t, const struct sd_session *s,
	    const struct sd_customer *c, struct sd_err *why);
/* Close the pending reminders of a customer (done), but for one due at
 * keep_due (0: close them all). */
int	reminders_close(struct sd_txn *t, uint64_t customer, int64_t keep_due,
	    struct sd_err *err);
/* Give them to owner instead (NULL: close them). */
int	reminders_move(struct sd_txn *t, uint64_t customer, const char *owner,
	    struct sd_err *err);
int	reminder_store(struct sd_txn *t, const struct sd_reminder *r,
	    struct sd_err *err);

/* For core/domains.c. */
extern const struct sd_table_def crm_tables[5];
int	crm_verify(struct sd_txn *t, struct rec_verify *v, struct sd_err *err);

#endif
