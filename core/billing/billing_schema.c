/*
 * billing_schema.c -- billing's tables and their secondary indexes, with the
 * extractors that compute index keys from records: call records, bills by
 * month, receipts by cashier; tariffs, rates, usage, adjustments, shifts,
 * print jobs. Tables are added at the end of a domain's range
 * (core/rec/rec.h); fields are added to records without a migration (see
 * db/db.h).
 */
#include <stdio.h>
#include <string.h>

#include "core/billing/billing_int.h"

/* Call records: by their source's unique id (a second import of the same
 * call finds it), and by number and time. */
static int
cdr_uniq_key(const void *pk, size_t pklen, const void *rec, size_t len,
    struct sd_keys *out)
{
	struct sd_cdr c;

	(void)pk;
	(void)pklen;
	if (cdr_decode(rec, len, &c) != SD_OK)
		return -1;
	sd_keys_add(out, c.uniq, strlen(c.uniq));
	return 0;
}

static int
cdr_msisdn_key(const void *pk, size_t pklen, const void *rec, size_t len,
    struct sd_keys *out)
{
	struct sd_cdr c;
	uint8_t k[12 + 16];
	size_t n;

	if (cdr_decode(rec, len, &c) != SD_OK)
		return -1;
	n = strlen(c.msisdn) + 1;
	memcpy(k, c.msisdn, n);
	sd_be64_put(k + n, (uint64_t)c.start ^ (1ULL << 63));
	memcpy(k + n + 8, pk, pklen < 8 ? pklen : 8);
	sd_keys_add(out, k, n + 16);
	return 0;
}

/* Bills by month: be32 YYYYMM then the customer. */
static int
bill_month_key(const void *pk, size_t pklen, const void *rec, size_t len,
    struct sd_keys *out)
{
	uint8_t k[12];

	(void)rec;
	(void)len;
	if (pklen != 12)
		return -1;
	memcpy(k, (const uint8_t *)pk + 8, 4);
	memcpy(k + 4, pk, 8);
	sd_keys_add(out, k, 12);
	return 0;
}

/* Receipts by cashier and time, for the shift close. */
static int
receipt_cashier_key(const void *pk, size_t pklen, const void *rec, size_t len,
    struct sd_keys *out)
{
	struct sd_receipt r;
	uint8_t k[SD_LOGIN_MAX + 1 + 8 + 24];
	size_t n;

	if (receipt_decode(rec, len, &r) != SD_OK)
		return -1;
	n = strlen(r.cashier) + 1;
	memcpy(k, r.cashier, n);
	sd_be64_put(k + n, (uint64_t)r.at ^ (1ULL << 63));
	if (pklen > 24)
		pklen = 24;
	memcpy(k + n + 8, pk, pklen);
	sd_keys_add(out, k, n + 8 + pklen);
	return 0;
}

const struct sd_table_def billing_tables[9] = {
	[T_TARIFF - SD_T_BILLING] = { "tariff", 0, { { 0 } } },
	/* Rates keyed tariff\0prefix\0band: a tariff's are one range. */
	[T_RATE - SD_T_BILLING] = { "rate", 0, { { 0 } } },
	[T_CDR - SD_T_BILLING] = { "cdr", 2, {
		{ "uniq", 1, cdr_uniq_key },
		{ "msisdn", 1, cdr_msisdn_key },
	} },
	/* Usage per subscription per month: be64 sub, be32 YYYYMM. */
	[T_USAGE - SD_T_BILLING] = { "usage", 0, { { 0 } } },
	/* Bills: be64 customer, be32 YYYYMM (a customer's in month order). */
	[T_BILL - SD_T_BILLING] = { "bill", 1, {
		{ "month", 1, bill_month_key },
	} },
	/* Adjustments: be64 customer, be32 YYYYMM, be64 id. */
	[T_ADJUST - SD_T_BILLING] = { "adjust", 0, { { 0 } } },
	/* Receipts by number (series + 8 digits: in order within a series). */
	[T_RECEIPT - SD_T_BILLING] = { "receipt", 1, {
		{ "cashier", 1, receipt_cashier_key },
	} },
	/* Closed shifts: cashier\0 be64 closed at. */
	[T_SHIFT - SD_T_BILLING] = { "shift", 0, { { 0 } } },
	/* Print jobs waiting for simdeskd: be64 id. */
	[T_PRINTJOB - SD_T_BILLING] = { "printjob", 0, { { 0 } } },
};
