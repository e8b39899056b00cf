/*
 * core/tel/tel_txn.h -- what core/domains.c needs of tel.
 */
#ifndef SD_TEL_TXN_H
#define SD_TEL_TXN_H

#include "core/billing/billing_txn.h"

extern const struct sd_table_def tel_tables[7];

/* Each ended call in id order to fn: SD_OK goes on, anything else ends
 * the walk and is returned. */
typedef int (*call_each_fn)(struct sd_txn *t, const struct sd_call *c,
    void *arg, struct sd_err *err);
int	calls_ended_each(struct sd_txn *t, call_each_fn fn, void *arg,
	    struct sd_err *err);

#endif
