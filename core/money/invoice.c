/*
 * invoice.c -- sales invoices (发票): one per delivered order, issued in
 * the delivery's transaction, numbered gapless in the INV series, and one
 * per customer bill on request in the BINV series; printable as plain text
 * or CSV, or queued for a receipt printer (ESC/POS); a void needs a reason
 * and issues a reversing (red) invoice of the negative amount in the same
 * series, the voided one staying on file; the official fapiao number is
 * recorded once the tax system has issued it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/money/money_int.h"

enum { I_NUMBER = 1, I_STATE, I_ORDER, I_AGENT, I_PLAN, I_COUNT, I_AMOUNT,
    I_REVERSES, I_REVERSED_BY, I_FAPIAO, I_REASON, I_BY, I_AT, I_CUSTOMER,
    I_MONTH, I_NAME };

static const struct rec_field inv_f[] = {
	REC_S(I_NUMBER, sd_invoice, number), REC_I(I_STATE, sd_invoice, state),
	REC_I(I_ORDER, sd_invoice, order), REC_S(I_AGENT, sd_invoice, agent),
	REC_S(I_PLAN, sd_invoice, plan), REC_I(I_COUNT, sd_invoice, count),
	REC_I(I_AMOUNT, sd_invoice, amount_fen),
	REC_S(I_REVERSES, sd_invoice, reverses),
	REC_S(I_REVERSED_BY, sd_invoice, reversed_by),
	REC_S(I_FAPIAO, sd_invoice, fapiao),
	REC_S(I_REASON, sd_invoice, void_reason), REC_S(I_BY, sd_invoice, by),
	REC_I(I_AT, sd_invoice, at),
	REC_I(I_CUSTOMER, sd_invoice, customer), REC_I(I_MONTH, sd_invoice, month),
	REC_S(I_NAME, sd_invoice, name),
};

/* The two series: an order's invoices, a customer bill's. */
static const struct inv_series {
	const char	*prefix, *counter;
} series[2] = { { "INV", "invoice" }, { "BINV", "invoice.bill" } };

static const struct inv_series *
series_of(const struct sd_invoice *inv)
{
	return &series[inv->order == 0 && inv->customer != 0];
}

static int
inv_load(struct sd_txn *t, const char *number, struct sd_invoice *inv,
    int rmw, struct sd_err *err)
{
	int st = rec_load(t, T_INVOICE, number, strlen(number), inv_f,
	    REC_N(inv_f), inv, sizeof *inv, rmw, err);

	if (st == SD_ENOTFOUND)
		return sd_err_set(err, SD_ENOTFOUND, "invoice %s: not found",
		    number);
	return st;
}

static int
inv_store(struct sd_txn *t, const struct sd_invoice *inv, struct sd_err *err)
{
	return rec_store(t, T_INVOICE, inv->number, strlen(inv->number), inv_f,
	    REC_N(inv_f), inv, err);
}

/* A new invoice: the next number of the series, stored, audited. */
static int
inv_issue(struct sd_txn *t, const char *actor, struct sd_invoice *inv,
    struct sd_err *err)
{
	char m[32], detail[160];
	uint64_t n;
	int st;

	if ((st = money_next_id(t, series_of(inv)->counter, &n, err)) != SD_OK)
		return st;
	snprintf(inv->number, sizeof inv->number, "%s%08llu",
	    series_of(inv)->prefix, (unsigned long long)n);
	sd_strlcpy(inv->by, actor, sizeof inv->by);
	inv->at = sd_now();
	if ((st = inv_store(t, inv, err)) != SD_OK)
		return st;
	sd_money_format(inv->amount_fen, m, sizeof m);
	if (inv->order != 0)
		snprintf(detail, sizeof detail, "order %llu agent %s %s%s%s",
		    (unsigned long long)inv->order, inv->agent, m,
		    inv->reverses[0] ? " reverses " : "", inv->reverses);
	else
		snprintf(detail, sizeof detail, "bill %llu/%04d-%02d %s%s%s",
		    (unsigned long long)inv->customer, inv->month / 100,
		    inv->month % 100, m, inv->reverses[0] ? " reverses " : "",
		    inv->reverses);
	return sd_audit_write(t, actor, "invoice.issue", inv->number,
	    SD_OUTCOME_OK, "", detail, err);
}

int
money_order_delivered(struct sd_txn *t, const char *actor,
    const struct sd_order *o, struct sd_err *err)
{
	struct sd_invoice inv;

	memset(&inv, 0, sizeof inv);
	inv.order = o->id;
	sd_strlcpy(inv.agent, o->agent, sizeof inv.agent);
	sd_strlcpy(inv.plan, o->plan, sizeof inv.plan);
	inv.count = o->niccids ? o->niccids : o->count;
	inv.amount_fen = o->value_fen;
	return inv_issue(t, actor, &inv, err);
}

struct inv_arg {
	struct sd_session	*s;
	const char		*number, *reason, *fapiao;
	struct sd_invoice	 inv;
	char			 rev[24];
	struct rowbuf		 rows;
	const char		*customer, *printer;
	int			 month, cols;
	uint64_t		 job;
};

static int list_txn(struct sd_txn *t, void *arg, struct sd_err *err);

/* ---------------------------------------------------------------- a bill's */

static int
bill_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct inv_arg *a = arg;
	struct sd_invoice *inv = &a->inv;
	struct sd_bill b;
	uint64_t id;
	int st;

	if ((st = customer_key_resolve(t, a->customer, &id, err)) != SD_OK)
		return st;
	if ((st = bill_load(t, id, a->month, &b, 0, err)) == SD_ENOTFOUND)
		return sd_err_set(err, SD_ENOTFOUND, "bill: customer %s has no "
		    "bill for %04d-%02d", a->customer, a->month / 100,
		    a->month % 100);
	if (st != SD_OK)
		return st;
	if (b.total_fen <= 0)
		return sd_err_set(err, SD_EREFUSED, "bill of %s for %04d-%02d "
		    "totals nothing to invoice", a->customer, a->month / 100,
		    a->month % 100);
	/* One live invoice a bill: a voided one may be issued again. */
	rowbuf_init(&a->rows, sizeof(struct sd_invoice), NULL);
	if ((st = list_txn(t, a, err)) != SD_OK)
		goto out;
	for (size_t i = 0; i < a->rows.n; i++) {
		const struct sd_invoice *o = rowbuf_at(&a->rows, i);

		if (o->order == 0 && o->customer == id && o->month == a->month &&
		    o->state != SD_INV_VOID && o->reverses[0] == '\0') {
			st = sd_err_set(err, SD_EREFUSED, "bill of %s for "
			    "%04d-%02d has invoice %s already", a->customer,
			    a->month / 100, a->month % 100, o->number);
			goto out;
		}
	}
	memset(inv, 0, sizeof *inv);
	inv->customer = id;
	inv->month = a->month;
	sd_strlcpy(inv->name, b.name, sizeof inv->name);
	sd_strlcpy(inv->plan, b.plans, sizeof inv->plan);
	inv->count = 1;
	inv->amount_fen = b.total_fen;
	st = inv_issue(t, a->s->user.login, inv, err);
out:
	rowbuf_free(&a->rows);
	return st;
}

int
sd_invoice_bill(struct sd_session *s, const char *customer, const char *month,
    char *number, size_t size, struct sd_err *err)
{
	struct inv_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_INVOICE_ISSUE, customer ? customer : "",
	    err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	a.customer = customer ? customer : "";
	if ((st = sd_bill_month_check(month, &a.month, err)) != SD_OK)
		return st;
	if ((st = sd_db_run(s->core->db, bill_txn, &a, err)) == SD_OK &&
	    number != NULL)
		sd_strlcpy(number, a.inv.number, size);
	return st;
}

/* ---------------------------------------------------------------- printed */

static int
print_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct inv_arg *a = arg;
	struct sd_buf text = SD_BUF_INIT;
	int st;

	if ((st = inv_load(t, a->number, &a->inv, 0, err)) != SD_OK)
		return st;
	sd_invoice_text(&a->inv, a->cols, 0, &text);
	st = printjob_queue(t, a->job, a->printer, a->inv.number,
	    sd_buf_cstr(&text), err);
	sd_buf_free(&text);
	return st;
}

int
sd_invoice_print_queue(struct sd_session *s, const char *printer,
    const char *number, int cols, struct sd_err *err)
{
	struct inv_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_INVOICE_SHOW, number, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	a.number = number;
	a.printer = printer;
	a.cols = cols;
	if ((st = printjob_begin(s, printer, &a.job, err)) != SD_OK)
		return st;
	return sd_db_run(s->core->db, print_txn, &a, err);
}

/* ---------------------------------------------------------------- void, fapiao */

static int
void_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct inv_arg *a = arg;
	struct sd_invoice red;
	int st;

	if ((st = inv_load(t, a->number, &a->inv, 1, err)) != SD_OK)
		return st;
	if (a->inv.state == SD_INV_VOID)
		return sd_err_set(err, SD_EREFUSED, "invoice %s is void already",
		    a->inv.number);
	if (a->inv.reverses[0] != '\0')
		return sd_err_set(err, SD_EREFUSED, "invoice %s reverses %s: "
		    "it is not voided itself", a->inv.number, a->inv.reverses);
	/* The reversing invoice, then the voided one pointing at it. */
	red = a->inv;
	red.amount_fen = -a->inv.amount_fen;
	red.fapiao[0] = '\0';
	red.reversed_by[0] = '\0';
	sd_strlcpy(red.reverses, a->inv.number, sizeof red.reverses);
	sd_strlcpy(red.void_reason, a->reason, sizeof red.void_reason);
	if ((st = inv_issue(t, a->s->user.login, &red, err)) != SD_OK)
		return st;
	a->inv.state = SD_INV_VOID;
	sd_strlcpy(a->inv.reversed_by, red.number, sizeof a->inv.reversed_by);
	sd_strlcpy(a->inv.void_reason, a->reason, sizeof a->inv.void_reason);
	sd_strlcpy(a->rev, red.number, sizeof a->rev);
	if ((st = inv_store(t, &a->inv, err)) != SD_OK)
		return st;
	return sd_audit_write(t, a->s->user.login, "invoice.void",
	    a->inv.number, SD_OUTCOME_OK, "state=issued", a->reason, err);
}

int
sd_invoice_void(struct sd_session *s, const char *number, const char *reason,
    char *rev, size_t size, struct sd_err *err)
{
	struct inv_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_INVOICE_VOID, number, err)) != SD_OK)
		return st;
	if (reason == NULL || reason[0] == '\0')
		return sd_err_set(err, SD_EINVAL, "reason: required to void an "
		    "invoice");
	if ((st = sd_check_text("reason", reason, 128, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	a.number = number;
	a.reason = reason;
	if ((st = sd_db_run(s->core->db, void_txn, &a, err)) == SD_OK &&
	    rev != NULL)
		sd_strlcpy(rev, a.rev, size);
	return st;
}

static int
fapiao_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct inv_arg *a = arg;
	char before[48];
	int st;

	if ((st = inv_load(t, a->number, &a->inv, 1, err)) != SD_OK)
		return st;
	if (a->inv.fapiao[0] != '\0')
		return sd_err_set(err, SD_EREFUSED, "invoice %s has fapiao %s "
		    "already", a->inv.number, a->inv.fapiao);
	snprintf(before, sizeof before, "fapiao=");
	sd_strlcpy(a->inv.fapiao, a->fapiao, sizeof a->inv.fapiao);
	if ((st = inv_store(t, &a->inv, err)) != SD_OK)
		return st;
	return sd_audit_write(t, a->s->user.login, "invoice.fapiao",
	    a->inv.number, SD_OUTCOME_OK, before, a->fapiao, err);
}

int
sd_invoice_fapiao(struct sd_session *s, const char *number,
    const char *fapiao, struct sd_err *err)
{
	struct inv_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_INVOICE_VOID, number, err)) != SD_OK)
		return st;
	if (fapiao == NULL || fapiao[0] == '\0' || strlen(fapiao) > 32 ||
	    strspn(fapiao, "0123456789") != strlen(fapiao))
		return sd_err_set(err, SD_EINVAL, "fapiao: '%s' is not a "
		    "number of up to 32 digits", fapiao ? fapiao : "");
	memset(&a, 0, sizeof a);
	a.s = s;
	a.number = number;
	a.fapiao = fapiao;
	return sd_db_run(s->core->db, fapiao_txn, &a, err);
}

static int
get_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct inv_arg *a = arg;

	return inv_load(t, a->number, &a->inv, 0, err);
}

int
sd_invoice_get(struct sd_session *s, const char *number,
    struct sd_invoice *out, struct sd_err *err)
{
	struct inv_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_INVOICE_SHOW, number, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.number = number;
	if ((st = sd_db_read(s->core->db, get_txn, &a, err)) == SD_OK)
		*out = a.inv;
	return st;
}

static int
list_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct inv_arg *a = arg;
	struct sd_cursor *c;
	int st;

	rowbuf_reset(&a->rows);
	if ((st = sd_cursor_open(t, T_INVOICE, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t vl;
		const void *v = sd_cursor_val(c, &vl);
		struct sd_invoice inv;

		if (rec_decode(inv_f, REC_N(inv_f), v, vl, &inv,
		    sizeof inv) == SD_OK)
			rowbuf_add(&a->rows, &inv);
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

int
sd_invoice_list(struct sd_session *s, sd_invoice_cb cb, void *arg,
    struct sd_err *err)
{
	struct inv_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_INVOICE_SHOW, "", err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	rowbuf_init(&a.rows, sizeof(struct sd_invoice), NULL);
	st = sd_db_read(s->core->db, list_txn, &a, err);
	for (size_t i = 0; st == SD_OK && i < a.rows.n; i++)
		if (cb(rowbuf_at(&a.rows, i), arg) != 0)
			break;
	rowbuf_free(&a.rows);
	return st;
}

/* A CSV cell: quoted when it holds a comma, a quote or a line end. */
static void
csv_cell(struct sd_buf *out, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		sd_buf_adds(out, s);
		return;
	}
	sd_buf_addc(out, '"');
	for (; *s; s++) {
		if (*s == '"')
			sd_buf_addc(out, '"');
		sd_buf_addc(out, *s);
	}
	sd_buf_addc(out, '"');
}

void
sd_invoice_text(const struct sd_invoice *inv, int cols, int csv,
    struct sd_buf *out)
{
	char m[32], at[24], order[24], buyer[24] = "", bill[16] = "";

	sd_money_format(inv->amount_fen, m, sizeof m);
	sd_time_format(inv->at, at, sizeof at);
	snprintf(order, sizeof order, "%llu", (unsigned long long)inv->order);
	if (inv->month != 0)
		snprintf(bill, sizeof bill, "%04d-%02d", inv->month / 100,
		    inv->month % 100);
	if (csv) {
		/* A bill's: no order, its customer as the buyer. */
		if (inv->order == 0)
			snprintf(buyer, sizeof buyer, "%llu",
			    (unsigned long long)inv->customer);
		sd_buf_printf(out, "number,date,order,buyer,plan,cards,amount,"
		    "state,reverses,fapiao,bill,name\r\n%s,%s,%s,%s,", inv->number,
		    at, order, inv->order ? inv->agent : buyer);
		csv_cell(out, inv->plan);
		sd_buf_printf(out, ",%d,%s,%s,%s,%s,%s,", inv->count, m,
		    inv->state == SD_INV_VOID ? "void" : "issued",
		    inv->reverses, inv->fapiao, bill);
		csv_cell(out, inv->name);
		sd_buf_adds(out, "\r\n");
		return;
	}
	for (int i = 0; i < cols; i++)
		sd_buf_adds(out, "=");
	sd_buf_printf(out, "\n%s %s\n%s\n", inv->reverses[0] ? "红字发票" :
	    "销售发票", inv->number, at);
	if (inv->order != 0)
		sd_buf_printf(out, "购买方: %s\n订单:   %s\n套餐:   %s x %d\n",
		    inv->agent, order, inv->plan, inv->count);
	else
		sd_buf_printf(out, "购买方: %s (客户 %llu)\n账单:   %s\n"
		    "套餐:   %s\n", inv->name, (unsigned long long)inv->customer,
		    bill, inv->plan);
	sd_buf_printf(out, "金额:   %s\n", m);
	if (inv->reverses[0])
		sd_buf_printf(out, "冲销:   %s\n", inv->reverses);
	if (inv->state == SD_INV_VOID)
		sd_buf_printf(out, "已作废: %s (%s)\n", inv->void_reason,
		    inv->reversed_by);
	if (inv->fapiao[0])
		sd_buf_printf(out, "发票号码: %s\n", inv->fapiao);
	for (int i = 0; i < cols; i++)
		sd_buf_adds(out, "=");
	sd_buf_adds(out, "\n");
}

/* Invoices are numbered 1 to n without a gap in each series; each void
 * one has its reversal, and the two sum to nothing. */
int
invoice_verify(struct sd_txn *t, struct rec_verify *v, struct sd_err *err)
{
	struct inv_arg a;
	long n[2] = { 0, 0 }, maxno[2] = { 0, 0 }, bad = 0;
	int st;

	memset(&a, 0, sizeof a);
	rowbuf_init(&a.rows, sizeof(struct sd_invoice), NULL);
	if ((st = list_txn(t, &a, err)) != SD_OK)
		goto out;
	for (size_t i = 0; i < a.rows.n; i++) {
		const struct sd_invoice *inv = rowbuf_at(&a.rows, i);
		const struct inv_series *ser = series_of(inv);
		size_t pl = strlen(ser->prefix);
		int k = (int)(ser - series);
		long no;

		n[k]++;
		if (strncmp(inv->number, ser->prefix, pl) == 0 &&
		    sscanf(inv->number + pl, "%ld", &no) == 1 && no > maxno[k])
			maxno[k] = no;
		else if (strncmp(inv->number, ser->prefix, pl) != 0)
			bad++;
		if (inv->state == SD_INV_VOID) {
			struct sd_invoice red;
			struct sd_err e;

			if (inv_load(t, inv->reversed_by, &red, 0, &e) != SD_OK ||
			    red.amount_fen != -inv->amount_fen ||
			    strcmp(red.reverses, inv->number) != 0)
				bad++;
		}
	}
	rec_verify_report(v, "invoices", n[0] == maxno[0] && n[1] == maxno[1] &&
	    bad == 0, "%ld invoices of orders numbered 1 to %ld, %ld of bills "
	    "1 to %ld; %ld void without their reversal or out of their "
	    "series", n[0], maxno[0], n[1],
	    maxno[1], bad);
out:
	rowbuf_free(&a.rows);
	return st;
}
