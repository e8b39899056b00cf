/*
 * core/billing/billing_int.h -- private to core/billing/: its tables, indexes and record codecs.
 */
#ifndef SD_BILLING_INT_H
#define SD_BILLING_INT_H

#include "core/billing/billing_txn.h"

/* Tables (numbers in core/rec/rec.h). */
enum { T_TARIFF = SD_T_BILLING, T_RATE, T_CDR, T_USAGE, T_BILL, T_ADJUST,
    T_RECEIPT, T_SHIFT, T_PRINTJOB };
enum { IX_CDR_UNIQ, IX_CDR_MSISDN };
enum { IX_BILL_MONTH };
enum { IX_RECEIPT_CASHIER };

void	tariff_encode(const struct sd_tariff *t, struct sd_buf *b);
int	tariff_decode(const void *p, size_t n, struct sd_tariff *t);
void	rate_encode(const struct sd_rate *x, struct sd_buf *b);
int	rate_decode(const void *p, size_t n, struct sd_rate *x);
void	bill_encode(const struct sd_bill *b, struct sd_buf *out);
int	bill_decode(const void *p, size_t n, struct sd_bill *b);
void	receipt_encode(const struct sd_receipt *r, struct sd_buf *b);
int	receipt_decode(const void *p, size_t n, struct sd_receipt *r);
void	cdr_encode(const struct sd_cdr *c, struct sd_buf *b);
int	cdr_decode(const void *p, size_t n, struct sd_cdr *c);
/* A month's usage; decoding keeps u's sub and month (the key's). */
void	usage_encode(const struct sd_usage *u, struct sd_buf *b);
int	usage_decode(const void *p, size_t n, struct sd_usage *u);
/* A usage row's key: be64 subscription, be32 YYYYMM; the row stored. */
void	usage_key(uint8_t k[12], uint64_t sub, int month);
int	usage_store(struct sd_txn *t, const struct sd_usage *u,
	    struct sd_err *err);

/* An adjustment (bill.c): reason checked to 96 bytes, by a login. */
struct adjust_rec {
	int64_t	 amount_fen;
	char	 reason[97];
	char	 by[SD_LOGIN_MAX + 1];
};
void	adjust_encode(const struct adjust_rec *a, struct sd_buf *b);
int	adjust_decode(const void *p, size_t n, struct adjust_rec *a);

/* A closed shift's figures (pay.c): first, last, receipts, cash. */
void	shift_encode(const struct sd_shift *sh, struct sd_buf *b);
int	shift_decode(const void *p, size_t n, struct sd_shift *sh);

/* A print job (pay.c). */
struct printjob {
	char		 printer[33];
	char		 number[24];
	struct sd_buf	 text;		/* as laid out; the owner frees it */
	int64_t		 at;		/* queued */
};
void	printjob_encode(const struct printjob *j, struct sd_buf *b);
/* SD_EINTERNAL when p is not a record; a damaged one gives the fields
 * before the damage (what a print run has always printed). */
int	printjob_decode(const void *p, size_t n, struct printjob *j);

/* Bills (bill.c), for bill_show.c. */
/* The reason a card suspended for debt carries (and is restored by). */
#define DEBT_REASON "欠费停机"
/* A bill's key: be64 customer, then YYYYMM big-endian. */
void	bill_key(uint8_t k[12], uint64_t customer, int month);
/* What the bills of one month share in a transaction: the month's
 * bounds, the plans read so far (bill_compute_in). */
struct bill_ctx {
	int		month;
	int64_t		from, to;
	int		ndays;
	int		nplans;
	struct sd_plan	plans[8];
};
/* The cards of a customer's running subscriptions, as bill_compute_in
 * saw them (n -1: more than it keeps). */
#define BILL_CARDS 8
struct bill_cards {
	int	n;
	char	iccid[BILL_CARDS][SD_ICCID_MAX + 1];
};
void	bill_ctx_init(struct bill_ctx *c, int month);
int	bill_compute_in(struct sd_txn *t, struct bill_ctx *c,
	    uint64_t customer, struct sd_bill *b, int *any,
	    struct bill_cards *cards, struct sd_err *err);
int	bill_compute(struct sd_txn *t, uint64_t customer, int month,
	    struct sd_bill *b, int *any, struct sd_err *err);
int	bill_apply(struct sd_txn *t, const char *actor, struct sd_bill *b,
	    int *changed, int64_t *posted, struct sd_err *err);
/* A computed bill against the one on file (bill_merge). */
struct bill_delta {
	int		had, changed;
	int64_t		plan, vas, calls;	/* to post */
};
/*
 * A computed bill over the one on file: payments and what was posted
 * carry over, the difference in plan, services and calls is to be posted,
 * and an unchanged bill is not to be written at all.  nb gets the bill's
 * bytes, old (when given) the stored ones as read (RMW).
 */
int	bill_merge(struct sd_txn *t, struct sd_bill *b, struct sd_buf *nb,
	    struct sd_buf *old, struct bill_delta *d, struct sd_err *err);
/* The posting of a bill's difference: lines into l (4), *n of them. */
void	bill_posting(const struct sd_bill *b, const struct bill_delta *d,
	    char acct[32], char ref[32], struct sd_posting_line l[4], int *n);
/* Local midnight of day 1 of YYYYMM. */
int64_t	month_begin(int month);
/* The customer's balance from the ledger (credit positive). */
int	customer_balance(struct sd_txn *t, uint64_t customer, int64_t *bal,
	    struct sd_err *err);

/* The rows of a call record file a slice at a time (cdr_file.c). */
struct chunks {
	const struct sd_table	*whole;		/* in memory, or */
	const char		*path;		/* the file */
	FILE			*f;
	struct sd_buf		 buf;		/* read, not yet parsed */
	int			 eof, n, lines;
	long			 rows;		/* rows of the slices before */
	struct sd_table		 t;		/* the slice */
};
void	chunks_rewind(struct chunks *c);
/* The next slice: 1 with *t (its first row is row *row0 of the file), 0
 * at the end, or an error status (a slice that does not parse). */
int	chunks_next(struct chunks *c, const struct sd_table **t, long *row0,
	    struct sd_err *err);

#endif
