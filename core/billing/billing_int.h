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

#endif
