/*
 * core/report/report_txn.h -- what core/domains.c uses of report: the
 * hooks through which tel and stock tell it of ended calls and
 * activations, inside their transactions, and its share of verify.
 */
#ifndef SD_REPORT_TXN_H
#define SD_REPORT_TXN_H

#include "core/money/money_txn.h"
#include "core/report/report.h"

/* core_hooks.call_ended: the call's day and operator. */
int	report_call_ended(struct sd_txn *t, const struct sd_call *c,
	    struct sd_err *err);
/* Part of core_hooks.card_activated: the sale's day, agent, plan,
 * channel and seller. */
int	report_card_activated(struct sd_txn *t, const char *actor,
	    const struct sd_subscription *u, struct sd_err *err);
/* core_hooks.opened: rollups built from the events once, when a data
 * directory older than them opens. */
int	report_opened(struct sd_core *core, int created, struct sd_err *err);

/* For core/domains.c. */
extern const struct sd_table_def report_tables[2];
int	report_verify(struct sd_txn *t, struct rec_verify *v,
	    struct sd_err *err);

#endif
