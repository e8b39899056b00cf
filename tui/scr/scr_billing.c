/*
 * scr_billing.c -- billing at a terminal: the menu (the payment desk, bills,
 * call records, tariffs), the bill viewer month by month with a bill's
 * lines below, a month's bill run and a bill's adjustment from it, the
 * call-record viewer that finds a number as you type, and the tariff editor
 * with its quote box.  Pricing and permissions are core's.
 */
#include <stdlib.h>
#include <string.h>

#include "scr.h"

/* ---------------------------------------------------------------- menu */

static const struct menu_item billing_items[] = {
	{ N_("Payment desk"), SD_OP_PAY, scr_desk_new },
	{ N_("Bills"), SD_OP_BILL_SHOW, scr_bills_new },
	{ N_("Call records"), SD_OP_CDR_SHOW, scr_cdrs_new },
	{ N_("Tariffs"), SD_OP_TARIFF_SHOW, scr_tariffs_new },
	{ N_("Receipts"), SD_OP_PAY, scr_receipts_new },
	{ N_("Import call records"), SD_OP_CDR_IMPORT, scr_cdr_import_new },
};

struct screen *
scr_billing_menu_new(void)
{
	return scr_menu_new(N_("Billing"),
	    N_("Bills, calls, tariffs and the counter"), billing_items,
	    (int)(sizeof billing_items / sizeof billing_items[0]));
}

static void
this_month(char *out, size_t size)
{
	int m = sd_month_of(sd_now());

	snprintf(out, size, "%04d-%02d", m / 100, m % 100);
}

/* ---------------------------------------------------------------- bills */

static const struct lv_col bill_cols[] = {
	{ N_("Month"), 7, 0 },
	{ N_("Customer"), 0, 0 },
	{ N_("Phone"), 11, 0 },
	{ N_("Plan"), 10, 0 },
	{ N_("Calls"), 9, 1 },
	{ N_("Services"), 9, 1 },
	{ N_("Total"), 9, 1 },
	{ N_("Due"), 9, 1 },
};

struct bills_data {
	struct listview	 lv;
	char		 month[16];	/* YYYY-MM shown */
	char		 customer[32];	/* or one customer's, by month */
	struct sd_bill	 cur;
	char		 curkey[SD_PAGEKEY_MAX];
};

static int
bills_fetch(void *ctx, const char *filter, const char *anchor, int dir,
    int max, struct lv_row *rows, int *n, struct sd_err *err)
{
	struct bills_data *d = ctx;
	struct sd_bill *b = xcalloc((size_t)max, sizeof *b);
	char (*keys)[SD_PAGEKEY_MAX] = xcalloc((size_t)max, sizeof *keys);
	int st;

	(void)filter;
	st = rpc_bill_page(&app.sess, sd_month_parse(d->month), d->customer,
	    anchor, dir, b, keys, max, n, err);
	for (int i = 0; st == SD_OK && i < *n; i++) {
		struct lv_row *r = &rows[i];
		int64_t due = b[i].total_fen - b[i].paid_fen;

		memset(r, 0, sizeof *r);
		sd_strlcpy(r->key, keys[i], sizeof r->key);
		snprintf(r->cells[0], LV_CELL_MAX, "%04d-%02d", b[i].month / 100,
		    b[i].month % 100);
		snprintf(r->cells[1], LV_CELL_MAX, "#%llu %s",
		    (unsigned long long)b[i].customer, b[i].name);
		sd_strlcpy(r->cells[2], b[i].phone, LV_CELL_MAX);
		sd_strlcpy(r->cells[3], b[i].plans, LV_CELL_MAX);
		sd_money_format(b[i].call_fee_fen, r->cells[4], LV_CELL_MAX);
		sd_money_format(b[i].vas_fee_fen, r->cells[5], LV_CELL_MAX);
		sd_money_format(b[i].total_fen, r->cells[6], LV_CELL_MAX);
		sd_money_format(due, r->cells[7], LV_CELL_MAX);
		r->attr = due > 0 ? TH_ERROR : 0;
	}
	free(b);
	free(keys);
	return st;
}

static const struct keybind bills_keys[] = {
	{ 'm', ACT_NONE, N_("Month"), "m" },
	{ 'c', ACT_NONE, N_("Customer"), "c" },
	{ KEY_LEFT, ACT_PREV, N_("Month before"), "←" },
	{ KEY_RIGHT, ACT_NEXT, N_("Month after"), "→" },
	KEY_CMD('R', ACT_RUN, "R", "bill run"),
	KEY_CMD('a', ACT_ADD, "a", "bill adjust"),
	{ 'r', ACT_REFRESH, N_("Refresh"), "r" },
	{ 27, ACT_BACK, N_("Back"), "Esc" },
	{ 'q', ACT_BACK, NULL, NULL },
	{ 0 }
};

static void
bills_open(struct screen *s)
{
	struct bills_data *d = s->data;

	lv_refresh(&d->lv);
}

static void
bills_draw(struct screen *s)
{
	struct bills_data *d = s->data;
	const struct lv_row *row;
	struct sd_buf b = SD_BUF_INIT;
	int y = LINES - 9;

	lv_draw(&d->lv);
	sd_buf_printf(&b, d->customer[0] ? _("Customer %s, month by month") :
	    _("Bills of %s"), d->customer[0] ? d->customer : d->month);
	put_text(1, COLS - 40, 40, sd_buf_cstr(&b), theme_attr(TH_DIM));
	/* The selected bill's lines. */
	row = lv_selected(&d->lv);
	if (row != NULL && strcmp(row->key, d->curkey) != 0) {
		struct sd_err err;
		char key[32];

		snprintf(key, sizeof key, "%.*s", (int)strcspn(row->cells[1] + 1,
		    " "), row->cells[1] + 1);
		if (rpc_bill_get(&app.sess, key, sd_month_parse(row->cells[0]),
		    &d->cur, &err) != SD_OK)
			memset(&d->cur, 0, sizeof d->cur);
		sd_strlcpy(d->curkey, row->key, sizeof d->curkey);
	}
	if (row != NULL && d->cur.customer != 0) {
		char t[32], p[32];

		sd_money_format(d->cur.total_fen, t, sizeof t);
		sd_money_format(d->cur.paid_fen, p, sizeof p);
		sd_buf_reset(&b);
		sd_buf_printf(&b, "%s  %s  %s %s  %s %s", d->cur.name,
		    d->cur.phone, _("total"), t, _("paid"), p);
		put_text(y++, 0, COLS, sd_buf_cstr(&b), theme_attr(TH_HEADER));
		for (int i = 0; i < d->cur.nlines && y < LINES - 2; i++) {
			char a[32];

			sd_money_format(d->cur.lines[i].amount_fen, a, sizeof a);
			sd_buf_reset(&b);
			sd_buf_printf(&b, "  %-8s %-11s ",
			    _(sd_bill_kind_name(d->cur.lines[i].kind)),
			    d->cur.lines[i].msisdn);
			sd_width_fit(&b, d->cur.lines[i].text, 40, 1);
			sd_buf_printf(&b, " %10s", a);
			put_text(y++, 0, COLS, sd_buf_cstr(&b),
			    theme_attr(TH_NORMAL));
		}
	}
	sd_buf_free(&b);
}

static void
step_month(char *month, size_t size, int by)
{
	int m = sd_month_parse(month), y, mo;

	if (m < 0)
		return;
	y = m / 100;
	mo = m % 100 + by;
	if (mo < 1) {
		mo = 12;
		y--;
	} else if (mo > 12) {
		mo = 1;
		y++;
	}
	snprintf(month, size, "%04d-%02d", y, mo);
}

/* The selected row's customer (its id, as a key core takes) and month. */
static int
bills_selected(struct bills_data *d, char *key, size_t size, int *month)
{
	const struct lv_row *row = lv_selected(&d->lv);

	if (row == NULL)
		return 0;
	snprintf(key, size, "%.*s", (int)strcspn(row->cells[1] + 1, " "),
	    row->cells[1] + 1);
	*month = sd_month_parse(row->cells[0]);
	return key[0] != '\0' && *month > 0;
}

/* ---------------------------------------------------------------- bill run */

/* The summary of a finished run, a screen of its own until a key. */
struct run_done {
	char				month[16];	/* YYYY-MM */
	int				rerun;		/* bills were on file */
	struct sd_bill_run_result	r;
};

static void
run_done_draw(struct screen *s)
{
	struct run_done *d = s->data;
	struct sd_buf b = SD_BUF_INIT;
	char total[32], posted[32];
	const char *note;
	int y = 2, w = COLS - 4;

	sd_money_format(d->r.total_fen, total, sizeof total);
	sd_money_format(d->r.posted_fen, posted, sizeof posted);
	sd_buf_printf(&b, _("Bill run for %s: done."), d->month);
	put_text(y++, 2, w, sd_buf_cstr(&b), theme_attr(TH_HEADER));
	y++;
#define RD_LINE(label, fmt, v) do {					\
		sd_buf_reset(&b);					\
		cell_fit(&b, _(label), 34);				\
		sd_buf_printf(&b, fmt, v);				\
		put_text(y++, 4, w - 2, sd_buf_cstr(&b),		\
		    theme_attr(TH_NORMAL));				\
	} while (0)
	RD_LINE(N_("Bills"), "%12ld", d->r.customers);
	RD_LINE(N_("New or changed"), "%12ld", d->r.changed);
	RD_LINE(N_("Total billed (yuan)"), "%12s", total);
	RD_LINE(N_("Posted by this run (yuan)"), "%12s", posted);
	RD_LINE(N_("Cards suspended for debt"), "%12ld", d->r.suspended);
#undef RD_LINE
	y++;
	if (d->r.customers == 0)
		note = N_("No customer had a subscription in this month: no "
		    "bills.");
	else if (d->r.changed == 0)
		note = N_("A rerun that changed nothing: every bill was "
		    "already on file as computed, nothing was posted again and "
		    "no one was charged twice.");
	else if (d->rerun)
		note = N_("A rerun: only the differences from what earlier "
		    "runs posted were posted (late calls, changes); nothing "
		    "was charged twice.");
	else
		note = N_("The bills are posted to the customers' accounts. "
		    "Running the month again posts only what changed.");
	y = put_wrapped(y, 2, w, LINES - 3, _(note), theme_attr(d->r.changed ?
	    TH_NORMAL : TH_OK));
	put_text(y + 1 < LINES - 2 ? y + 1 : LINES - 3, 2, w,
	    _("Enter or Esc: back to the month's bills."), theme_attr(TH_DIM));
	sd_buf_free(&b);
}

static void
run_done_key(struct screen *s, enum action a, wint_t ch)
{
	(void)s;
	if (a == ACT_BACK || a == ACT_OPEN || ch == 'q')
		screen_pop();
}

static const struct keybind run_done_keys[] = {
	{ '\r', ACT_OPEN, N_("Back"), "Enter" },
	{ '\n', ACT_OPEN, NULL, NULL },
	{ KEY_ENTER, ACT_OPEN, NULL, NULL },
	{ 27, ACT_BACK, N_("Back"), "Esc" },
	{ 'q', ACT_BACK, NULL, NULL },
	{ 0 }
};

static const struct screen_ops run_done_ops = {
	NULL, run_done_draw, run_done_key, NULL
};

static struct screen *
run_done_new(const char *month, int rerun, const struct sd_bill_run_result *r)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct run_done *d = xcalloc(1, sizeof *d);

	sd_strlcpy(d->month, month, sizeof d->month);
	d->rerun = rerun;
	d->r = *r;
	s->ops = &run_done_ops;
	s->title = N_("Bill run");
	s->keys = run_done_keys;
	s->help = N_("What the bill run did: the bills of the month, how many "
	    "were new or changed, the month's total billed, what this run "
	    "posted and the cards suspended for debt. A month may be run again "
	    "at any time (late calls, changed plans): each bill is computed "
	    "afresh and only the difference from what was posted before is "
	    "posted, so nothing is ever charged twice.");
	s->data = d;
	return s;
}

static int
check_run_month(const char *s, void *arg, struct sd_err *err)
{
	int month;

	(void)arg;
	return sd_bill_month_check(s, &month, err);
}

/* Has the month any bill on file (a run before)? */
static int
month_has_bills(int month)
{
	struct sd_bill *b = xcalloc(1, sizeof *b);
	char (*keys)[SD_PAGEKEY_MAX] = xcalloc(1, sizeof *keys);
	struct sd_err err;
	int n = 0;

	sd_err_clear(&err);
	if (rpc_bill_page(&app.sess, month, "", "", 1, b, keys, 1, &n, &err) !=
	    SD_OK)
		n = 0;
	free(b);
	free(keys);
	return n > 0;
}

static void
run_progress(long done, long total, void *arg)
{
	(void)total;
	app_message(0, _("Billing %s: %ld customers so far..."),
	    (const char *)arg, done);
	chrome_draw(screen_top());
	refresh();
}

/* R: ask the month (last month shown), confirm, run, then the summary. */
static void
bills_run(struct bills_data *d)
{
	struct sd_bill_run_result r;
	struct sd_err err;
	char month[16], q[160];
	int m, rerun;

	this_month(month, sizeof month);
	step_month(month, sizeof month, -1);
	if (!ask_checked(_("Month to bill (YYYY-MM):"), month, sizeof month,
	    check_run_month, NULL))
		return;
	m = sd_month_parse(month);
	rerun = month_has_bills(m);
	snprintf(q, sizeof q, rerun ? _("Bills for %s exist: run again (posts "
	    "only changes)?") : _("Run bills for %s?"),
	    month);
	if (!ask_yes_no(q)) {
		app_message(0, "%s", _("Not run: nothing was billed."));
		return;
	}
	run_progress(0, 0, month);
	sd_err_clear(&err);
	if (rpc_bill_run(&app.sess, m, run_progress, month, &r, &err) !=
	    SD_OK) {
		app_error(&err);
		return;
	}
	app.message[0] = '\0';
	/* The month just billed is the one listed behind the summary. */
	sd_strlcpy(d->month, month, sizeof d->month);
	d->customer[0] = '\0';
	d->curkey[0] = '\0';
	lv_reload(&d->lv);
	screen_push(run_done_new(month, rerun, &r));
}

/* ---------------------------------------------------------------- adjustment */

static int
check_adjust(const char *s, void *arg, struct sd_err *err)
{
	return sd_bill_adjust_field_check(arg, s, err);
}

/*
 * a: an adjustment of the selected bill: the amount (yuan, negative
 * credits) and the reason, each checked as Enter leaves it, then a
 * confirmation.  Core adds it as a new posting and a line on the bill.
 */
static void
bills_adjust(struct bills_data *d)
{
	const struct lv_row *row = lv_selected(&d->lv);
	char key[32], amount[24] = "", reason[97] = "", q[200], shown[32];
	char mon[16], total[32];
	struct sd_bill *b;
	struct sd_err err;
	int64_t fen;
	int month;

	if (!bills_selected(d, key, sizeof key, &month)) {
		app_message(1, "%s", _("No bill is selected."));
		return;
	}
	snprintf(mon, sizeof mon, "%04d-%02d", month / 100, month % 100);
	if (!ask_checked(_("Adjustment, yuan (- credits):"), amount,
	    sizeof amount, check_adjust, "amount") ||
	    !ask_checked(_("Reason:"), reason, sizeof reason, check_adjust,
	    "reason"))
		return;
	(void)sd_money_parse(amount, &fen);
	sd_money_format(fen, shown, sizeof shown);
	snprintf(q, sizeof q, _("Adjust the %s bill of %s by %s?"), mon,
	    row->cells[1], shown);
	if (!ask_yes_no(q)) {
		app_message(0, "%s", _("Not adjusted: nothing was posted."));
		return;
	}
	sd_err_clear(&err);
	if (rpc_bill_adjust(&app.sess, key, month, amount, reason, &err) !=
	    SD_OK) {
		app_error(&err);
		return;
	}
	d->curkey[0] = '\0';
	lv_refresh(&d->lv);
	b = xcalloc(1, sizeof *b);
	if (rpc_bill_get(&app.sess, key, month, b, &err) == SD_OK) {
		sd_money_format(b->total_fen, total, sizeof total);
		app_message(0, _("Adjusted by %s (a new line, posted): the "
		    "bill's total is now %s."), shown, total);
	} else
		app_message(0, _("Adjusted by %s (a new line, posted)."), shown);
	free(b);
}

static void
bills_key(struct screen *s, enum action a, wint_t ch)
{
	struct bills_data *d = s->data;
	char v[32];

	if (a == ACT_RUN) {
		bills_run(d);
		return;
	}
	if (a == ACT_ADD) {
		bills_adjust(d);
		return;
	}

	if (a == ACT_PREV || a == ACT_NEXT) {
		step_month(d->month, sizeof d->month, a == ACT_NEXT ? 1 : -1);
		d->customer[0] = '\0';
		lv_reload(&d->lv);
		return;
	}
	if (lv_key(&d->lv, a, ch))
		return;
	if (a == ACT_BACK) {
		if (d->customer[0]) {
			d->customer[0] = '\0';
			lv_reload(&d->lv);
		} else
			screen_pop();
		return;
	}
	if (ch == 'm') {
		v[0] = '\0';
		if (ask_text(_("Month (YYYY-MM):"), v, sizeof v)) {
			if (sd_month_parse(v) < 0) {
				app_message(1, _("month: '%s' is not YYYY-MM"), v);
				return;
			}
			sd_strlcpy(d->month, v, sizeof d->month);
			d->customer[0] = '\0';
			lv_reload(&d->lv);
		}
	} else if (ch == 'c') {
		v[0] = '\0';
		if (ask_text(_("Customer (phone or id):"), v, sizeof v) && v[0]) {
			sd_strlcpy(d->customer, v, sizeof d->customer);
			lv_reload(&d->lv);
		}
	}
}

static const struct screen_ops bills_ops = {
	bills_open, bills_draw, bills_key, NULL
};

struct screen *
scr_bills_new(void)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct bills_data *d = xcalloc(1, sizeof *d);

	this_month(d->month, sizeof d->month);
	step_month(d->month, sizeof d->month, -1);	/* last month's run */
	lv_init(&d->lv, bill_cols, 8, bills_fetch, d);
	d->lv.extra_bottom = 7;
	s->ops = &bills_ops;
	s->title = N_("Bills");
	s->keys = bills_keys;
	s->nav = 1;
	s->help = N_("Monthly bills (月账单), one customer a row, unpaid ones in "
	    "red; the selected bill's lines show below. The left and right "
	    "arrows step a month back and forth, m jumps to a month, c shows one "
	    "customer's bills month by month (Esc returns to the month). An "
	    "admin runs a month's bills with R (last month unless you type "
	    "another; a rerun posts only what changed). A supervisor or admin "
	    "adjusts the selected bill with a: an amount in yuan (negative "
	    "credits the customer) and a reason; it is a new posting and a "
	    "line on the bill, never an edit.");
	s->data = d;
	return s;
}

/* ---------------------------------------------------------------- call records */

static const struct lv_col cdr_cols[] = {
	{ N_("Start"), 19, 0 },
	{ N_("Number"), 11, 0 },
	{ N_("Dir"), 3, 0 },
	{ N_("Other party"), 16, 0 },
	{ N_("Seconds"), 7, 1 },
	{ N_("Rate"), 0, 0 },
	{ N_("Plan min"), 8, 1 },
	{ N_("Fee"), 9, 1 },
};

struct cdrs_data {
	struct listview	 lv;
	char		 month[16];	/* "" = all */
};

static int
cdrs_fetch(void *ctx, const char *filter, const char *anchor, int dir,
    int max, struct lv_row *rows, int *n, struct sd_err *err)
{
	struct cdrs_data *d = ctx;
	struct sd_cdr *c = xcalloc((size_t)max, sizeof *c);
	char (*keys)[SD_PAGEKEY_MAX] = xcalloc((size_t)max, sizeof *keys);
	int st;

	st = rpc_cdr_page(&app.sess, filter, d->month[0] ?
	    sd_month_parse(d->month) : 0, anchor, dir, c, keys, max, n, err);
	for (int i = 0; st == SD_OK && i < *n; i++) {
		struct lv_row *r = &rows[i];

		memset(r, 0, sizeof *r);
		sd_strlcpy(r->key, keys[i], sizeof r->key);
		sd_time_format(c[i].start, r->cells[0], LV_CELL_MAX);
		sd_strlcpy(r->cells[1], c[i].msisdn, LV_CELL_MAX);
		sd_strlcpy(r->cells[2], c[i].direction == SD_DIR_IN ? "in" : "out",
		    LV_CELL_MAX);
		sd_strlcpy(r->cells[3], c[i].other, LV_CELL_MAX);
		snprintf(r->cells[4], LV_CELL_MAX, "%d", c[i].billsec);
		snprintf(r->cells[5], LV_CELL_MAX, "%s %s", c[i].prefix,
		    c[i].rate_name);
		if (c[i].bundle_min)
			snprintf(r->cells[6], LV_CELL_MAX, "%d", c[i].bundle_min);
		sd_money_format(c[i].cost_fen, r->cells[7], LV_CELL_MAX);
		r->attr = c[i].billsec == 0 ? TH_DIM : 0;
	}
	free(c);
	free(keys);
	return st;
}

static const struct keybind cdrs_keys[] = {
	{ '/', ACT_FILTER, N_("Number"), "/" },
	{ 'm', ACT_NONE, N_("Month"), "m" },
	{ 'r', ACT_REFRESH, N_("Refresh"), "r" },
	{ 27, ACT_BACK, N_("Back"), "Esc" },
	{ 'q', ACT_BACK, NULL, NULL },
	{ 0 }
};

static void
cdrs_open(struct screen *s)
{
	struct cdrs_data *d = s->data;

	lv_refresh(&d->lv);
}

static void
cdrs_draw(struct screen *s)
{
	struct cdrs_data *d = s->data;

	lv_draw(&d->lv);
	put_text(1, COLS - 24, 24, d->month[0] ? d->month : _("all months"),
	    theme_attr(TH_DIM));
}

static void
cdrs_key(struct screen *s, enum action a, wint_t ch)
{
	struct cdrs_data *d = s->data;
	char v[32];

	if (lv_key(&d->lv, a, ch)) {
		s->text_input = d->lv.filtering;
		return;
	}
	if (a == ACT_BACK) {
		screen_pop();
		return;
	}
	if (ch == 'm') {
		v[0] = '\0';
		if (!ask_text(_("Month (YYYY-MM, empty: all):"), v, sizeof v))
			return;
		if (v[0] && sd_month_parse(v) < 0) {
			app_message(1, _("month: '%s' is not YYYY-MM"), v);
			return;
		}
		sd_strlcpy(d->month, v, sizeof d->month);
		lv_reload(&d->lv);
	}
}

static const struct screen_ops cdrs_ops = {
	cdrs_open, cdrs_draw, cdrs_key, NULL
};

struct screen *
scr_cdrs_new(void)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct cdrs_data *d = xcalloc(1, sizeof *d);

	lv_init(&d->lv, cdr_cols, 8, cdrs_fetch, d);
	s->ops = &cdrs_ops;
	s->title = N_("Call records");
	s->keys = cdrs_keys;
	s->nav = 1;
	s->help = N_("Rated calls (话单) by number and time. Press / and type a "
	    "number: the list narrows as you type. m shows one month. Unanswered "
	    "calls are dim; plan minutes used show in their column.");
	s->data = d;
	return s;
}

/* ---------------------------------------------------------------- tariffs */

static const struct lv_col rate_cols[] = {
	{ N_("Prefix"), 10, 0 },
	{ N_("Name"), 0, 0 },
	{ N_("Per minute"), 11, 1 },
	{ N_("Connect"), 8, 1 },
	{ N_("Block"), 7, 0 },
	{ N_("Band"), 20, 0 },
	{ N_("Bundle"), 6, 0 },
};

struct tariffs_data {
	struct listview	 lv;
	char		 code[SD_CODE_MAX + 1];
	struct sd_rate	*r;
	int		 n, cap;
	char		 quote[200];
};

static int
rates_collect(const struct sd_rate *r, void *arg)
{
	struct tariffs_data *d = arg;

	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 64;
		d->r = xrealloc(d->r, (size_t)d->cap * sizeof *d->r);
	}
	d->r[d->n++] = *r;
	return 0;
}

static int
first_tariff(const struct sd_tariff *t, void *arg)
{
	sd_strlcpy(arg, t->code, 17);
	return 1;
}

static void
tariffs_load(struct tariffs_data *d)
{
	struct sd_err err;

	d->n = 0;
	sd_err_clear(&err);
	if (d->code[0] == '\0' &&
	    rpc_tariff_list(&app.sess, first_tariff, d->code, &err) != SD_OK) {
		app_error(&err);
		return;
	}
	if (d->code[0] != '\0' &&
	    rpc_tariff_rates(&app.sess, d->code, rates_collect, d, &err) != SD_OK)
		app_error(&err);
}

static void
mfen_format(int64_t mfen, char *out, size_t size)
{
	snprintf(out, size, "%lld.%05lld", (long long)(mfen / 100000),
	    (long long)(mfen % 100000));
}

static int
tariffs_fetch(void *ctx, const char *filter, const char *anchor, int dir,
    int max, struct lv_row *rows, int *n, struct sd_err *err)
{
	struct tariffs_data *d = ctx;
	int k = 0;

	(void)err;
	/* The typed filter is a prefix of the prefixes. */
	for (int pass = 0, i = dir > 0 ? 0 : d->n - 1; i >= 0 && i < d->n;
	    i += dir > 0 ? 1 : -1) {
		const struct sd_rate *r = &d->r[i];
		char key[16];

		(void)pass;
		snprintf(key, sizeof key, "%08d", i);
		if (anchor[0] && (dir > 0 ? strcmp(key, anchor) <= 0 :
		    strcmp(key, anchor) >= 0))
			continue;
		if (filter[0] && strncmp(r->prefix, filter, strlen(filter)) != 0)
			continue;
		if (k == max)
			break;
		memset(&rows[k], 0, sizeof rows[k]);
		sd_strlcpy(rows[k].key, key, sizeof rows[k].key);
		sd_strlcpy(rows[k].cells[0], r->prefix, LV_CELL_MAX);
		sd_strlcpy(rows[k].cells[1], r->name, LV_CELL_MAX);
		mfen_format(r->per_minute_mfen, rows[k].cells[2], LV_CELL_MAX);
		sd_money_format(r->connect_fen, rows[k].cells[3], LV_CELL_MAX);
		snprintf(rows[k].cells[4], LV_CELL_MAX, "%d/%d", r->first_block_s,
		    r->increment_s);
		sd_band_format(&r->band, rows[k].cells[5], LV_CELL_MAX);
		sd_strlcpy(rows[k].cells[6], r->bundle ? _("yes") : "",
		    LV_CELL_MAX);
		k++;
	}
	if (dir < 0)
		for (int i = 0; i < k / 2; i++) {
			struct lv_row tmp = rows[i];

			rows[i] = rows[k - 1 - i];
			rows[k - 1 - i] = tmp;
		}
	*n = k;
	return SD_OK;
}

static const struct keybind tariffs_keys[] = {
	KEY_CMD('Q', ACT_NONE, "Q", "tariff quote"),
	KEY_CMD('a', ACT_ADD, "a", "tariff rate"),
	{ 't', ACT_NONE, N_("Tariff"), "t" },
	{ '/', ACT_FILTER, N_("Prefix"), "/" },
	{ 'r', ACT_REFRESH, N_("Refresh"), "r" },
	{ 27, ACT_BACK, N_("Back"), "Esc" },
	{ 'q', ACT_BACK, NULL, NULL },
	{ 0 }
};

static void
tariffs_open(struct screen *s)
{
	struct tariffs_data *d = s->data;

	tariffs_load(d);
	lv_refresh(&d->lv);
}

static void
tariffs_draw(struct screen *s)
{
	struct tariffs_data *d = s->data;
	struct sd_buf b = SD_BUF_INIT;

	lv_draw(&d->lv);
	sd_buf_printf(&b, "%s %s, %d %s", _("tariff"), d->code[0] ? d->code :
	    "-", d->n, _("rates"));
	put_text(1, COLS - 30, 30, sd_buf_cstr(&b), theme_attr(TH_DIM));
	put_text(LINES - 4, 0, COLS, d->quote[0] ? d->quote :
	    _("Q quotes a call: number, seconds and when."),
	    d->quote[0] ? theme_attr(TH_OK) : theme_attr(TH_DIM));
	sd_buf_free(&b);
}

/* The checks of the prompts, each as Enter leaves it. */
static int
check_number(const char *s, void *arg, struct sd_err *err)
{
	char digits[40];

	(void)arg;
	/* Core's reading of a dialled number (separators allowed). */
	if (sd_number_normalize(s, digits, sizeof digits) < 0)
		return sd_err_set(err, SD_EINVAL, _("number: '%s' is not a "
		    "number dialled (digits, a leading +)"), s);
	return SD_OK;
}

static int
check_seconds(const char *s, void *arg, struct sd_err *err)
{
	long v;

	(void)arg;
	return sd_int_check("seconds", s, 0, 86400, &v, err);
}

static int
check_when(const char *s, void *arg, struct sd_err *err)
{
	int64_t at;

	(void)arg;
	if (s[0] != '\0' && sd_time_parse(s, &at) != SD_OK)
		return sd_err_set(err, SD_EINVAL, _("time: '%s' is not "
		    "YYYY-MM-DD HH:MM"), s);
	return SD_OK;
}

static int
check_rate_field(const char *s, void *arg, struct sd_err *err)
{
	return sd_rate_field_check(arg, s, err);
}

static void
tariffs_quote(struct tariffs_data *d)
{
	char number[40] = "", secs[12] = "", when[24] = "";
	struct sd_quote q;
	struct sd_err err;
	int64_t at = 0;
	char cost[32], pm[32];

	if (!ask_checked(_("Number dialled:"), number, sizeof number,
	    check_number, NULL) ||
	    !ask_checked(_("Seconds:"), secs, sizeof secs, check_seconds,
	    NULL) ||
	    !ask_checked(_("Answered at (empty: now):"), when, sizeof when,
	    check_when, NULL))
		return;
	if (when[0])
		sd_time_parse(when, &at);
	sd_err_clear(&err);
	if (rpc_tariff_quote(&app.sess, d->code, number, atoi(secs), at, 0, &q,
	    &err) != SD_OK) {
		app_err_text(&err, d->quote, sizeof d->quote);
		return;
	}
	sd_money_format(q.rating.cost_fen, cost, sizeof cost);
	mfen_format(q.rate.per_minute_mfen, pm, sizeof pm);
	snprintf(d->quote, sizeof d->quote, _("%s for %s s: prefix %s %s at %s a "
	    "minute, %d s billable -> %s"), number, secs, q.rate.prefix,
	    q.rate.name, pm, q.rating.billable_s, cost);
}

static void
tariffs_set(struct tariffs_data *d)
{
	char prefix[32] = "", pm[24] = "", band[48] = "", bundle[8] = "";
	struct sd_rate_fields f;
	struct sd_err err;

	if (!ask_checked(_("Prefix:"), prefix, sizeof prefix,
	    check_rate_field, "prefix") ||
	    !ask_checked(_("Yuan a minute:"), pm, sizeof pm, check_rate_field,
	    "per_minute") ||
	    !ask_checked(_("Band (empty: always):"), band, sizeof band,
	    check_rate_field, "band") ||
	    !ask_text(_("Plan minutes apply (y/n):"), bundle, sizeof bundle))
		return;
	sd_rate_fields_init(&f);
	f.per_minute = pm;
	f.band = band;
	f.bundle = bundle[0] == 'y' || bundle[0] == 'Y';
	sd_err_clear(&err);
	if (rpc_tariff_rate(&app.sess, d->code, prefix, &f, &err) != SD_OK) {
		app_error(&err);
		return;
	}
	app_message(0, _("Rate for %s set."), prefix);
	tariffs_load(d);
	lv_refresh(&d->lv);
}

static void
tariffs_key(struct screen *s, enum action a, wint_t ch)
{
	struct tariffs_data *d = s->data;
	char v[SD_CODE_MAX + 1];

	if (lv_key(&d->lv, a, ch)) {
		s->text_input = d->lv.filtering;
		return;
	}
	if (a == ACT_BACK) {
		screen_pop();
		return;
	}
	if (a == ACT_ADD)
		tariffs_set(d);
	else if (ch == 'Q')
		tariffs_quote(d);
	else if (ch == 't') {
		sd_strlcpy(v, d->code, sizeof v);
		if (ask_text(_("Tariff code:"), v, sizeof v)) {
			sd_strlcpy(d->code, v, sizeof d->code);
			tariffs_load(d);
			lv_reload(&d->lv);
		}
	}
}

static void
tariffs_close(struct screen *s)
{
	struct tariffs_data *d = s->data;

	free(d->r);
}

static const struct screen_ops tariffs_ops = {
	tariffs_open, tariffs_draw, tariffs_key, tariffs_close
};

struct screen *
scr_tariffs_new(void)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct tariffs_data *d = xcalloc(1, sizeof *d);

	lv_init(&d->lv, rate_cols, 7, tariffs_fetch, d);
	d->lv.extra_bottom = 2;
	s->ops = &tariffs_ops;
	s->title = N_("Tariffs");
	s->keys = tariffs_keys;
	s->nav = 1;
	s->help = N_("A tariff's rates (资费) by prefix; / finds a prefix as you "
	    "type, t shows another tariff. Q quotes a call exactly as rating "
	    "would price it. An admin sets or replaces a prefix's rate with a "
	    "(yuan a minute, band like Mon-Fri 08:00-18:00, plan minutes).");
	s->data = d;
	return s;
}
