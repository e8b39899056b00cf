/*
 * invoice.c -- sales invoices (发票): one per delivered order, issued in
 * the delivery's transaction, numbered gapless in the INV series, printable
 * as plain text or CSV; a void needs a reason and issues a reversing (red)
 * invoice of the negative amount, the voided one staying on file; the
 * official fapiao number is recorded once the tax system has issued it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/money/money_int.h"

enum { I_NUMBER = 1, I_STATE, I_ORDER, I_AGENT, I_PLAN, I_COUNT, I_AMOUNT,
    I_REVERSES, I_REVERSED_BY, I_FAPIAO, I_REASON, I_BY, I_AT };

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
};

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
	char m[32], detail[96];
	uint64_t n;
	int st;

	if ((st = money_next_id(t, "invoice", &n, err)) != SD_OK)
		return st;
	snprintf(inv->number, sizeof inv->number, "INV%08llu",
	    (unsigned long long)n);
	sd_strlcpy(inv->by, actor, sizeof inv->by);
	inv->at = sd_now();
	if ((st = inv_store(t, inv, err)) != SD_OK)
		return st;
	sd_money_format(inv->amount_fen, m, sizeof m);
	snprintf(detail, sizeof detail, "order %llu agent %s %s%s%s",
	    (unsigned long long)inv->order, inv->agent, m,
	    inv->reverses[0] ? " reverses " : "", inv->reverses);
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
};

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

void
sd_invoice_text(const struct sd_invoice *inv, int cols, int csv,
    struct sd_buf *out)
{
	char m[32], at[24];

	sd_money_format(inv->amount_fen, m, sizeof m);
	sd_time_format(inv->at, at, sizeof at);
	if (csv) {
		sd_buf_printf(out, "number,date,order,buyer,plan,cards,amount,"
		    "state,reverses,fapiao\r\n%s,%s,%llu,%s,%s,%d,%s,%s,%s,%s\r\n",
		    inv->number, at, (unsigned long long)inv->order, inv->agent,
		    inv->plan, inv->count, m, inv->state == SD_INV_VOID ?
		    "void" : "issued", inv->reverses, inv->fapiao);
		return;
	}
	for (int i = 0; i < cols; i++)
		sd_buf_adds(out, "=");
	sd_buf_printf(out, "\n%s %s\n%s\n购买方: %s\n订单:   %llu\n"
	    "套餐:   %s x %d\n金额:   %s\n", inv->reverses[0] ? "红字发票" :
	    "销售发票", inv->number, at, inv->agent,
	    (unsigned long long)inv->order, inv->plan, inv->count, m);
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

/* Invoices are numbered 1 to n without a gap; each void one has its
 * reversal, and the two sum to nothing. */
int
invoice_verify(struct sd_txn *t, struct rec_verify *v, struct sd_err *err)
{
	struct inv_arg a;
	long n = 0, maxno = 0, bad = 0;
	int st;

	memset(&a, 0, sizeof a);
	rowbuf_init(&a.rows, sizeof(struct sd_invoice), NULL);
	if ((st = list_txn(t, &a, err)) != SD_OK)
		goto out;
	for (size_t i = 0; i < a.rows.n; i++) {
		const struct sd_invoice *inv = rowbuf_at(&a.rows, i);
		long no;

		n++;
		if (sscanf(inv->number, "INV%ld", &no) == 1 && no > maxno)
			maxno = no;
		if (inv->state == SD_INV_VOID) {
			struct sd_invoice red;
			struct sd_err e;

			if (inv_load(t, inv->reversed_by, &red, 0, &e) != SD_OK ||
			    red.amount_fen != -inv->amount_fen ||
			    strcmp(red.reverses, inv->number) != 0)
				bad++;
		}
	}
	rec_verify_report(v, "invoices", n == maxno && bad == 0, "%ld invoices, "
	    "numbered 1 to %ld; %ld void without their reversal", n, maxno,
	    bad);
out:
	rowbuf_free(&a.rows);
	return st;
}
