/*
 * rpc_billing.c -- the operations of core/billing the server dispatches:
 * call records, tariffs, bills and their run, balances, payments,
 * receipts and printing, shifts.
 */
#include <stdlib.h>
#include <string.h>

#include "core/rpc/rpc_int.h"

/* Each list's rows go to the client. */
ROW_CB(row_tariff, sd_tariff)
ROW_CB(row_rate, sd_rate)
ROW_CB(row_bill, sd_bill)
ROW_CB(row_receipt, sd_receipt)

int
op_cdr_page(struct call *k)
{
	const char *msisdn = sd_args_str(&k->a);
	int month = (int)sd_args_int(&k->a);
	const char *anchor = sd_args_opt(&k->a);
	int dir = (int)sd_args_int(&k->a);
	int max = page_max(k), n = 0, st;
	struct sd_cdr *rows;
	char (*keys)[SD_PAGEKEY_MAX];

	if (ARGS_OK(k))
		return k->err->status;
	rows = xcalloc((size_t)max, sizeof *rows);
	keys = xcalloc((size_t)max, sizeof *keys);
	st = sd_cdr_page(k->s, msisdn, month, anchor, dir, rows, keys, max, &n,
	    k->err);
	if (st == SD_OK)
		page_send(k, rows, sizeof *rows, keys, n);
	free(rows);
	free(keys);
	return st;
}

int
op_bill_page(struct call *k)
{
	int month = (int)sd_args_int(&k->a);
	const char *customer = sd_args_opt(&k->a);
	const char *anchor = sd_args_opt(&k->a);
	int dir = (int)sd_args_int(&k->a);
	int max = page_max(k), n = 0, st;
	struct sd_bill *rows;
	char (*keys)[SD_PAGEKEY_MAX];

	if (ARGS_OK(k))
		return k->err->status;
	rows = xcalloc((size_t)max, sizeof *rows);
	keys = xcalloc((size_t)max, sizeof *keys);
	st = sd_bill_page(k->s, month, customer, anchor, dir, rows, keys, max,
	    &n, k->err);
	if (st == SD_OK)
		page_send(k, rows, sizeof *rows, keys, n);
	free(rows);
	free(keys);
	return st;
}


/* Call records from the client's file: its progress as it goes. */
int
op_cdr_import(struct call *k)
{
	const char *file = sd_args_str(&k->a);
	int format = (int)sd_args_int(&k->a);
	const char *rejects = sd_args_opt(&k->a);
	struct sd_import_result r;
	struct progress p = { k->c, 0 };
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	memset(&r, 0, sizeof r);
	if (format < SD_CDR_ASTERISK || format > SD_CDR_SIMDESK)
		return sd_err_set(k->err, SD_EINVAL, "format: not asterisk, "
		    "freeswitch or simdesk");
	if ((st = sd_authorize(k->s, SD_OP_CDR_IMPORT, file, k->err)) !=
	    SD_OK)
		return st;
	st = sd_cdr_import_file(k->s, file, SD_ENC_AUTO, format, rejects,
	    progress_send, &p, &r, k->err);
	RES_RAW(k, r);
	return st;
}

int
op_tariff_list(struct call *k)
{
	struct rows r;
	int st;

	rows_init(&r, k->c);
	st = sd_tariff_list(k->s, row_tariff, &r, k->err);
	rows_end(&r);
	return st;
}

int
op_tariff_rates(struct call *k)
{
	const char *code = sd_args_str(&k->a);
	struct rows r;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	rows_init(&r, k->c);
	st = sd_tariff_rates(k->s, code, row_rate, &r, k->err);
	rows_end(&r);
	return st;
}

int
op_tariff_rate(struct call *k)
{
	const char *code = sd_args_str(&k->a);
	const char *prefix = sd_args_str(&k->a);
	struct sd_rate_fields f;

	rate_fields(&k->a, &f);
	if (ARGS_OK(k))
		return k->err->status;
	return sd_tariff_rate(k->s, code, prefix, &f, k->err);
}

int
op_tariff_quote(struct call *k)
{
	const char *code = sd_args_str(&k->a);
	const char *number = sd_args_str(&k->a);
	int seconds = (int)sd_args_int(&k->a);
	int64_t at = sd_args_int(&k->a);
	int plan_minutes = (int)sd_args_int(&k->a);
	struct sd_quote out;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	memset(&out, 0, sizeof out);
	if ((st = sd_tariff_quote(k->s, code, number, seconds, at,
	    plan_minutes, &out, k->err)) == SD_OK)
		RES_RAW(k, out);
	return st;
}

int
op_bill_get(struct call *k)
{
	const char *customer = sd_args_str(&k->a);
	int month = (int)sd_args_int(&k->a);
	struct sd_bill *out;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	out = xcalloc(1, sizeof *out);
	if ((st = sd_bill_get(k->s, customer, month, out, k->err)) == SD_OK)
		sd_arg_raw(k->res, out, sizeof *out);
	free(out);
	return st;
}

int
op_bill_history(struct call *k)
{
	const char *customer = sd_args_str(&k->a);
	struct rows r;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	rows_init(&r, k->c);
	st = sd_bill_history(k->s, customer, row_bill, &r, k->err);
	rows_end(&r);
	return st;
}

/* A month's bill run, its progress as PROGRESS frames (customers billed
 * so far; no total is known ahead). */
int
op_bill_run(struct call *k)
{
	int month = (int)sd_args_int(&k->a);
	struct sd_bill_run_result r;
	struct progress p = { k->c, 0 };
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_bill_run(k->s, month, progress_send, &p, &r, k->err)) ==
	    SD_OK)
		RES_RAW(k, r);
	return st;
}

int
op_bill_adjust(struct call *k)
{
	const char *customer = sd_args_str(&k->a);
	int month = (int)sd_args_int(&k->a);
	const char *amount = sd_args_str(&k->a);
	const char *reason = sd_args_str(&k->a);

	if (ARGS_OK(k))
		return k->err->status;
	return sd_bill_adjust(k->s, customer, month, amount, reason, k->err);
}

int
op_balance_get(struct call *k)
{
	const char *customer = sd_args_str(&k->a);
	struct sd_balance out;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	memset(&out, 0, sizeof out);
	if ((st = sd_balance_get(k->s, customer, &out, k->err)) == SD_OK)
		RES_RAW(k, out);
	return st;
}


int
op_pay(struct call *k)
{
	const char *customer = sd_args_str(&k->a);
	const char *amount = sd_args_str(&k->a);
	const char *method = sd_args_opt(&k->a);
	const char *note = sd_args_opt(&k->a);
	struct sd_receipt out;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	memset(&out, 0, sizeof out);
	if ((st = sd_pay(k->s, customer, amount, method, note, &out,
	    k->err)) == SD_OK)
		RES_RAW(k, out);
	return st;
}

int
op_receipt_printed(struct call *k)
{
	const char *number = sd_args_str(&k->a);
	struct sd_receipt out;
	int copy = 0, st;

	if (ARGS_OK(k))
		return k->err->status;
	memset(&out, 0, sizeof out);
	if ((st = sd_receipt_printed(k->s, number, &out, &copy, k->err)) ==
	    SD_OK) {
		RES_RAW(k, out);
		RES_INT(k, copy);
	}
	return st;
}

int
op_print_queue(struct call *k)
{
	const char *printer = sd_args_opt(&k->a);
	const char *number = sd_args_str(&k->a);
	int cols = (int)sd_args_int(&k->a);
	struct sd_receipt out;
	int copy = 0, st;

	if (ARGS_OK(k))
		return k->err->status;
	memset(&out, 0, sizeof out);
	if ((st = sd_print_queue(k->s, printer, number, cols, &out, &copy,
	    k->err)) == SD_OK) {
		RES_RAW(k, out);
		RES_INT(k, copy);
	}
	return st;
}

int
op_shift_close(struct call *k)
{
	const char *counted = sd_args_opt(&k->a);
	struct sd_shift out;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	memset(&out, 0, sizeof out);
	if ((st = sd_shift_close(k->s, counted, &out, k->err)) == SD_OK)
		RES_RAW(k, out);
	return st;
}

int
op_receipt_list(struct call *k)
{
	const char *cashier = sd_args_opt(&k->a);
	int64_t from = sd_args_int(&k->a), to = sd_args_int(&k->a);
	struct rows r;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	rows_init(&r, k->c);
	st = sd_receipt_list(k->s, cashier, from, to, row_receipt, &r, k->err);
	rows_end(&r);
	return st;
}

int
op_receipt_void(struct call *k)
{
	const char *number = sd_args_str(&k->a);
	const char *reason = sd_args_str(&k->a);

	if (ARGS_OK(k))
		return k->err->status;
	return sd_receipt_void(k->s, number, reason, k->err);
}

int
op_shift_report(struct call *k)
{
	struct sd_shift out;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_shift_report(k->s, &out, k->err)) == SD_OK)
		RES_RAW(k, out);
	return st;
}
