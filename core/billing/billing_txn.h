/*
 * core/billing/billing_txn.h -- what later domains may use of billing inside their transactions:
 * usage, balances and compiled tariffs.
 */
#ifndef SD_BILLING_TXN_H
#define SD_BILLING_TXN_H

#include "core/stock/stock_txn.h"

/* Usage of a subscription in a month, zero when none (cdr.c). */
int	usage_load(struct sd_txn *t, uint64_t sub, int month, struct sd_usage *u,
	    int rmw, struct sd_err *err);
/* Suspend a customer's cards below the credit limit, restore them above
 * (bill.c); *suspended counts cards newly suspended. */
int	balance_enforce(struct sd_txn *t, const struct sd_config *cfg,
	    const char *actor, uint64_t customer, long *suspended,
	    struct sd_err *err);
/* The compiled tariff checked against its version inside t. */
int	tariff_ratetab_txn(struct sd_txn *t, const char *code,
	    const struct sd_ratetab **out, struct sd_err *err);
/* The call record imported with unique id uniq; SD_ENOTFOUND when none. */
int	cdr_find_uniq(struct sd_txn *t, const char *uniq, struct sd_cdr *out,
	    struct sd_err *err);
/* A customer's bill of month YYYYMM (bill.c); SD_ENOTFOUND when none. */
int	bill_load(struct sd_txn *t, uint64_t customer, int month,
	    struct sd_bill *b, int rmw, struct sd_err *err);
/* A print job (printq.c): begin checks the printer is configured and
 * takes the job's id, outside the transaction that queues its text. */
int	printjob_begin(struct sd_session *s, const char *printer, uint64_t *id,
	    struct sd_err *err);
int	printjob_queue(struct sd_txn *t, uint64_t id, const char *printer,
	    const char *number, const char *text, struct sd_err *err);
/* core_hooks.tariff_exists. */
int	tariff_exists(struct sd_txn *t, const char *code, struct sd_err *err);

/* For core/domains.c. */
extern const struct sd_table_def billing_tables[9];
int	billing_verify(struct sd_txn *t, struct rec_verify *v, struct sd_err *err);

#endif
