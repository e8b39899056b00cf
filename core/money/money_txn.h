/*
 * core/money/money_txn.h -- what later domains and core/domains.c use of
 * money inside their transactions: the hooks through which stock and
 * billing tell it of activations, terminations, payments and voided
 * receipts.
 */
#ifndef SD_MONEY_TXN_H
#define SD_MONEY_TXN_H

#include "core/tel/tel_txn.h"
#include "core/money/money.h"

/* core_hooks.card_activated: the bounty and its overrides. */
int	money_card_activated(struct sd_txn *t, const char *actor,
	    const struct sd_subscription *u, struct sd_err *err);
/* core_hooks.card_ended: terminated or returned at when. */
int	money_card_ended(struct sd_txn *t, const char *actor,
	    const char *iccid, int64_t when, struct sd_err *err);
/* core_hooks.order_delivered: the order's sales invoice. */
int	money_order_delivered(struct sd_txn *t, const char *actor,
	    const struct sd_order *o, struct sd_err *err);
/* core_hooks.bill_paid: fen of a payment allocated to bill b. */
int	money_bill_paid(struct sd_txn *t, struct sd_session *s,
	    const struct sd_bill *b, int64_t fen, const struct sd_receipt *r,
	    struct sd_err *err);

/* core_hooks.receipt_voided: voided receipt r paid bill b; the shares it
 * accrued on the bill's cards are cancelled while pending, else clawed
 * back (a negative entry with its overrides, payable at once). */
int	money_receipt_voided(struct sd_txn *t, struct sd_session *s,
	    const struct sd_bill *b, const struct sd_receipt *r,
	    struct sd_err *err);

/* For core/domains.c. */
extern const struct sd_table_def money_tables[7];
int	money_verify(struct sd_txn *t, struct rec_verify *v, struct sd_err *err);

#endif
