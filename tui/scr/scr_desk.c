/*
 * scr_desk.c -- the cashier's payment desk (收费台), a cashier's home: type
 * a phone number, see the customer, the balance and the unpaid bills, take
 * a payment in three keys and the amount (F2, Enter for what is due, the
 * method's number; for cash, what is handed over and the change due), the
 * receipt printed; F5 shows the shift's report (receipts by method, voids,
 * cash expected, counted and the difference) and closes it once the
 * cashier confirms.  F4 turns
 * the screen to the customer once their service password is typed: their
 * bills month by month, balance and profile, nothing of anyone else's.
 */
#include <stdlib.h>
#include <string.h>

#include "scr.h"

#define DESK_BILLS 12

struct desk {
	char			 input[32];
	int			 loaded;
	struct sd_balance	 bal;
	struct sd_customer	 cu;
	struct sd_bill		 bills[DESK_BILLS];	/* newest last */
	int			 nbills;
	struct sd_receipt	 last;
	int			 have_last;
	struct sd_buf		 receipt;	/* the last receipt's text */
	int			 self;		/* the customer's own view */
	struct sd_buf		 report;	/* F5: the shift's report */
	int			 show_report;	/* instead of the receipt */
};

static int
keep_bill(const struct sd_bill *b, void *arg)
{
	struct desk *d = arg;

	if (d->nbills == DESK_BILLS) {
		memmove(&d->bills[0], &d->bills[1],
		    (DESK_BILLS - 1) * sizeof d->bills[0]);
		d->nbills--;
	}
	d->bills[d->nbills++] = *b;
	return 0;
}

static void
desk_load(struct desk *d)
{
	struct sd_err err;
	char key[32];

	d->loaded = 0;
	d->nbills = 0;
	d->self = 0;
	if (d->input[0] == '\0')
		return;
	sd_strlcpy(key, d->input, sizeof key);
	sd_err_clear(&err);
	if (rpc_balance_get(&app.sess, key, &d->bal, &err) != SD_OK ||
	    rpc_customer_get(&app.sess, d->bal.customer, &d->cu, &err) != SD_OK ||
	    rpc_bill_history(&app.sess, key, keep_bill, d, &err) != SD_OK) {
		app_error(&err);
		return;
	}
	d->loaded = 1;
}

static int64_t
due(const struct desk *d)
{
	return d->bal.balance_fen < 0 ? -d->bal.balance_fen : 0;
}

/* Print the receipt: queued for the counter's printer when there is one
 * (simdeskd prints it), and shown on screen either way. */
static void
desk_print(struct desk *d, const char *number)
{
	const struct sd_config *cfg = &app.cfg;
	struct sd_receipt r;
	struct sd_err err;
	int copy;

	sd_err_clear(&err);
	if (cfg->receipt_printer[0] != '\0') {
		if (rpc_print_queue(&app.sess, cfg->receipt_printer, number,
		    cfg->receipt_paper, &r, &copy, &err) != SD_OK) {
			app_error(&err);
			return;
		}
	} else if (rpc_receipt_printed(&app.sess, number, &r, &copy, &err) !=
	    SD_OK) {
		app_error(&err);
		return;
	}
	d->last = r;
	d->have_last = 1;
	sd_buf_reset(&d->receipt);
	sd_receipt_text(&r, cfg->receipt_header, 32, copy, &d->receipt);
}

static int
check_amount(const char *s, void *arg, struct sd_err *err)
{
	int64_t fen;

	(void)arg;
	return sd_amount_check("amount", s, SD_PAY_MAX_FEN, &fen, err);
}

static int
check_received(const char *s, void *arg, struct sd_err *err)
{
	int64_t change;

	return sd_cash_change(arg, s, &change, err);
}

static void
desk_pay(struct desk *d)
{
	static const char *const methods[] = { "cash", "card", "wechat",
	    "alipay" };
	char amount[24] = "", who[32], received[24] = "", change[32] = "";
	struct sd_receipt r;
	struct sd_err err;
	int64_t change_fen = 0;
	int k;

	if (!d->loaded) {
		app_message(1, "%s", _("Type the customer's phone first."));
		return;
	}
	if (due(d) > 0)
		sd_money_format(due(d), amount, sizeof amount);
	if (!ask_checked(_("Amount in yuan (Enter: what is due):"), amount,
	    sizeof amount, check_amount, NULL))
		return;
	if ((k = ask_key(_("Method: 1 cash  2 card  3 WeChat  4 Alipay"),
	    "1234")) == 0)
		return;
	/* Cash: what the customer hands over, and the change due. */
	if (k == '1') {
		if (!ask_checked(_("Cash received (Enter: exact):"),
		    received, sizeof received, check_received, amount))
			return;
		if (sd_cash_change(amount, received, &change_fen, &err) != SD_OK)
			return;
		sd_money_format(change_fen, change, sizeof change);
	}
	sd_err_clear(&err);
	snprintf(who, sizeof who, "%llu", (unsigned long long)d->bal.customer);
	if (rpc_pay(&app.sess, who, amount, methods[k - '1'], NULL, &r,
	    &err) != SD_OK) {
		app_error(&err);
		return;
	}
	desk_print(d, r.number);
	desk_load(d);
	d->show_report = 0;
	if (change_fen > 0)
		app_message(0, _("Receipt %s: %s received. Change due: %s."),
		    r.number, amount, change);
	else
		app_message(0, _("Receipt %s: %s received."), r.number, amount);
}

static int
check_counted(const char *s, void *arg, struct sd_err *err)
{
	int64_t fen;

	(void)arg;
	return sd_counted_check(s, &fen, err);
}

/* The report in the receipt's place, the screen drawn again under the
 * questions that follow. */
static void
shift_report(struct desk *d, const struct sd_shift *sh, int64_t counted,
    int closed)
{
	static const char *const names[] = { N_("Cash"), N_("Bank card"),
	    N_("WeChat"), N_("Alipay") };
	struct screen *s = screen_top();
	char m[32], e[32];

	sd_buf_reset(&d->report);
	sd_buf_printf(&d->report, "%s\n", closed ? _("Shift closed") :
	    _("Shift so far (not closed)"));
	if (sh->receipts > 0)
		sd_buf_printf(&d->report, _("Receipts %s..%s: %ld\n"), sh->first,
		    sh->last, sh->receipts);
	else
		sd_buf_printf(&d->report, "%s\n", _("No receipts."));
	sd_money_format(sh->voided_fen, m, sizeof m);
	sd_buf_printf(&d->report, _("Voided: %ld (%s)\n"), sh->voids, m);
	for (int i = 0; i < 4; i++) {
		sd_money_format(sh->by_method[i], m, sizeof m);
		sd_buf_adds(&d->report, "  ");
		cell_fit(&d->report, _(names[i]), 8);	/* by display width */
		sd_buf_printf(&d->report, " %12s\n", m);
	}
	sd_money_format(sh->expected_cash_fen, e, sizeof e);
	sd_buf_printf(&d->report, _("Cash expected: %s\n"), e);
	if (counted >= 0) {
		sd_money_format(counted, m, sizeof m);
		sd_buf_printf(&d->report, _("Cash counted:  %s\n"), m);
		sd_money_format(counted - sh->expected_cash_fen, m, sizeof m);
		sd_buf_printf(&d->report, _("Difference:    %s\n"), m);
	}
	d->show_report = 1;
	screen_redraw(s);
}

static void
desk_shift(struct desk *d)
{
	char counted[24] = "", m[5][32];
	struct sd_shift sh;
	struct sd_err err;
	int64_t fen;

	sd_err_clear(&err);
	if (rpc_shift_report(&app.sess, &sh, &err) != SD_OK) {
		app_error(&err);
		return;
	}
	shift_report(d, &sh, -1, 0);
	if (!ask_checked(_("Cash counted in the drawer (Enter: not counted):"),
	    counted, sizeof counted, check_counted, NULL) ||
	    sd_counted_check(counted, &fen, &err) != SD_OK) {
		d->show_report = 0;
		app_message(0, "%s", _("The shift stays open."));
		return;
	}
	shift_report(d, &sh, fen, 0);
	if (!ask_yes_no(_("Close the shift with these figures?"))) {
		d->show_report = 0;
		app_message(0, "%s", _("The shift stays open."));
		return;
	}
	sd_err_clear(&err);
	if (rpc_shift_close(&app.sess, counted[0] ? counted : NULL, &sh,
	    &err) != SD_OK) {
		app_error(&err);
		return;
	}
	for (int i = 0; i < 4; i++)
		sd_money_format(sh.by_method[i], m[i], sizeof m[i]);
	sd_money_format(sh.counted_cash_fen >= 0 ? sh.counted_cash_fen -
	    sh.expected_cash_fen : 0, m[4], sizeof m[4]);
	/* What was closed, which may differ from the preview by a payment
	 * taken meanwhile at another desk of the same cashier. */
	shift_report(d, &sh, sh.counted_cash_fen, 1);
	app_message(0, _("Shift closed: %ld receipts (%ld void); cash %s card %s "
	    "WeChat %s Alipay %s; difference %s"), sh.receipts, sh.voids, m[0],
	    m[1], m[2], m[3], m[4]);
}

static void
desk_self(struct desk *d)
{
	char pw[128] = "";
	struct sd_err err;

	if (!d->loaded) {
		app_message(1, "%s", _("Type the customer's phone first."));
		return;
	}
	if (!ask_secret(_("The customer types their service password:"), pw,
	    sizeof pw))
		return;
	sd_err_clear(&err);
	if (rpc_customer_check_svc_password(&app.sess, d->bal.customer, pw,
	    &err) != SD_OK) {
		explicit_bzero(pw, sizeof pw);
		app_error(&err);
		return;
	}
	explicit_bzero(pw, sizeof pw);
	d->self = 1;
}

static const struct keybind desk_keys[] = {
	{ '\r', ACT_OPEN, N_("Find"), "Enter" },
	{ '\n', ACT_OPEN, NULL, NULL },
	{ KEY_ENTER, ACT_OPEN, NULL, NULL },
	KEY_CMD(KEY_F(2), ACT_SAVE, "F2", "pay"),
	KEY_CMD(KEY_F(3), ACT_REFRESH, "F3", "receipt print"),
	{ KEY_F(4), ACT_TOGGLE, N_("Customer view"), "F4" },
	KEY_CMD(KEY_F(5), ACT_RUN, "F5", "shift close"),
	{ KEY_BACKSPACE, ACT_DELETE, NULL, NULL },
	{ 127, ACT_DELETE, NULL, NULL },
	{ 8, ACT_DELETE, NULL, NULL },
	{ 27, ACT_BACK, N_("Clear/Back"), "Esc" },
	{ 0 }
};

static void
money(int64_t fen, char *out, size_t size)
{
	sd_money_format(fen, out, size);
}

static int
draw_bills(const struct desk *d, int y, int all)
{
	/* Five amounts of 10 columns; the plan gets what is left (80 columns:
	 * 12), and a plan cut short ends in "…". */
	int pw = COLS - 4 - 9 - 5 * 11;
	struct sd_buf h = SD_BUF_INIT;

	if (pw < 6)
		pw = 6;
	if (pw > 20)
		pw = 20;
	sd_width_fit(&h, _("Month"), 8, 1);
	sd_buf_addc(&h, ' ');
	sd_width_fit(&h, _("Plan"), pw, 1);
	{
		const char *heads[5] = { _("Calls"), _("Services"), _("Total"),
		    _("Paid"), _("Due") };

		for (int i = 0; i < 5; i++) {
			sd_buf_addc(&h, ' ');
			/* right-aligned over the amounts */
			for (int k = sd_width(heads[i]); k < 10; k++)
				sd_buf_addc(&h, ' ');
			sd_width_fit(&h, heads[i], 10, 0);
		}
	}
	put_text(y++, 2, COLS - 4, sd_buf_cstr(&h), theme_attr(TH_HEADER));
	sd_buf_free(&h);
	for (int i = d->nbills - 1; i >= 0 && y < LINES - 4; i--) {
		const struct sd_bill *b = &d->bills[i];
		char c[32], v[32], t[32], p[32], u[32];
		struct sd_buf line = SD_BUF_INIT;
		int64_t owe = b->total_fen - b->paid_fen;

		if (!all && owe <= 0)
			continue;
		money(b->call_fee_fen, c, sizeof c);
		money(b->vas_fee_fen, v, sizeof v);
		money(b->total_fen, t, sizeof t);
		money(b->paid_fen, p, sizeof p);
		money(owe, u, sizeof u);
		sd_buf_printf(&line, "%04d-%02d  ", b->month / 100, b->month % 100);
		cell_fit(&line, b->plans, pw);
		sd_buf_printf(&line, " %10s %10s %10s %10s %10s", c, v, t, p, u);
		put_text(y++, 2, COLS - 4, sd_buf_cstr(&line), owe > 0 ?
		    theme_attr(TH_ERROR) : theme_attr(TH_NORMAL));
		sd_buf_free(&line);
	}
	return y;
}

static void
desk_draw(struct screen *s)
{
	struct desk *d = s->data;
	struct sd_buf b = SD_BUF_INIT;
	char m[3][32];
	int y = 2;

	if (d->self) {
		/* The customer's own view: their things only. */
		put_text(y++, 2, COLS - 4, _("Your account"), theme_attr(TH_HEADER));
		y++;
		sd_buf_printf(&b, "%s  #%llu", d->cu.name,
		    (unsigned long long)d->cu.id);
		put_text(y++, 4, COLS - 6, sd_buf_cstr(&b), theme_attr(TH_NORMAL));
		sd_buf_reset(&b);
		for (int i = 0; i < d->cu.nphones; i++)
			sd_buf_printf(&b, "%s%s", i ? ", " : "", d->cu.phones[i]);
		put_text(y++, 4, COLS - 6, sd_buf_cstr(&b), theme_attr(TH_NORMAL));
		if (d->cu.address[0])
			put_text(y++, 4, COLS - 6, d->cu.address,
			    theme_attr(TH_NORMAL));
		money(d->bal.balance_fen, m[0], sizeof m[0]);
		sd_buf_reset(&b);
		sd_buf_printf(&b, "%s %s", _("Balance:"), m[0]);
		put_text(y++, 4, COLS - 6, sd_buf_cstr(&b), theme_attr(TH_NORMAL));
		y++;
		draw_bills(d, y, 1);
		put_text(LINES - 3, 2, COLS - 4, _("Esc returns to the cashier."),
		    theme_attr(TH_DIM));
		sd_buf_free(&b);
		return;
	}
	sd_buf_printf(&b, "%s %s_", _("Phone or customer id:"), d->input);
	put_text(y++, 2, COLS - 4, sd_buf_cstr(&b), theme_attr(TH_FIELD_CUR));
	y++;
	if (d->loaded) {
		sd_buf_reset(&b);
		sd_buf_printf(&b, "#%llu  %s  ", (unsigned long long)d->cu.id,
		    d->cu.name);
		for (int i = 0; i < d->cu.nphones; i++)
			sd_buf_printf(&b, "%s%s", i ? ", " : "", d->cu.phones[i]);
		put_text(y++, 2, COLS - 4, sd_buf_cstr(&b), theme_attr(TH_HEADER));
		money(d->bal.balance_fen, m[0], sizeof m[0]);
		money(d->bal.unpaid_fen, m[1], sizeof m[1]);
		money(d->bal.credit_fen, m[2], sizeof m[2]);
		sd_buf_reset(&b);
		sd_buf_printf(&b, _("Balance %s   unpaid bills %d (%s)   credit "
		    "limit %s"), m[0], d->bal.unpaid_bills, m[1], m[2]);
		put_text(y++, 2, COLS - 4, sd_buf_cstr(&b),
		    d->bal.balance_fen < 0 ? theme_attr(TH_ERROR) :
		    theme_attr(TH_OK));
		if (d->bal.suspended)
			put_text(y++, 2, COLS - 4, _("Service suspended for debt "
			    "(停机): a payment restores it."), theme_attr(TH_ERROR));
		y++;
		y = draw_bills(d, y, 0);
		if (d->bal.unpaid_bills == 0)
			put_text(y++, 2, COLS - 4, _("Nothing unpaid."),
			    theme_attr(TH_DIM));
	} else
		put_text(y++, 2, COLS - 4, _("Type a phone number or customer id "
		    "and press Enter."), theme_attr(TH_DIM));
	/*
	 * The last receipt, as printed: on the right, or below the bills
	 * on a narrow terminal (80x24), where a receipt longer than the room
	 * left ends in "…" (F3 prints it whole).
	 */
	if (d->have_last || d->show_report) {
		const char *p = sd_buf_cstr(d->show_report ? &d->report :
		    &d->receipt);
		int ry = COLS >= 100 ? 4 : y + 1, x = COLS >= 100 ? COLS - 34 : 4;

		while (*p && ry < LINES - 3) {
			if (ry == LINES - 4 && p[strcspn(p, "\n")] != '\0' &&
			    p[strcspn(p, "\n") + 1] != '\0') {
				put_text(ry++, x, 33, "…", theme_attr(TH_DIM));
				break;
			}
			size_t n = strcspn(p, "\n");
			char line[160];

			if (n >= sizeof line)
				n = sizeof line - 1;
			memcpy(line, p, n);
			line[n] = '\0';
			put_text(ry++, x, 33, line, theme_attr(TH_DIM));
			p += n + (p[n] == '\n');
		}
	}
	sd_buf_free(&b);
}

static void
desk_key(struct screen *s, enum action a, wint_t ch)
{
	struct desk *d = s->data;

	if (d->self) {
		if (a == ACT_BACK) {
			d->self = 0;
			d->input[0] = '\0';
			d->loaded = 0;
		}
		return;
	}
	if (ch != 0) {
		utf8_append(d->input, sizeof d->input, ch);
		return;
	}
	switch (a) {
	case ACT_DELETE:
		utf8_backspace(d->input);
		break;
	case ACT_OPEN:
		desk_load(d);
		break;
	case ACT_SAVE:
		desk_pay(d);
		break;
	case ACT_REFRESH:
		if (d->have_last)
			desk_print(d, d->last.number);
		break;
	case ACT_TOGGLE:
		desk_self(d);
		break;
	case ACT_RUN:
		desk_shift(d);
		break;
	case ACT_BACK:
		if (d->input[0] != '\0' || d->loaded) {
			d->input[0] = '\0';
			d->loaded = 0;
		} else
			screen_pop();
		break;
	default:
		break;
	}
}

static void
desk_close(struct screen *s)
{
	struct desk *d = s->data;

	sd_buf_free(&d->receipt);
	sd_buf_free(&d->report);
}

static const struct screen_ops desk_ops = {
	NULL, desk_draw, desk_key, desk_close
};

struct screen *
scr_desk_new(void)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct desk *d = xcalloc(1, sizeof *d);


	s->ops = &desk_ops;
	s->title = N_("Payment desk");
	s->keys = desk_keys;
	s->help = N_("The counter (收费台). Type the customer's phone, id or name and "
	    "press Enter: their balance and unpaid bills show. F2 takes a "
	    "payment: Enter accepts what is due (or type the amount), then 1 "
	    "cash, 2 card, 3 WeChat or 4 Alipay (for cash, type what is handed "
	    "over: the change due is shown); the oldest bills are paid first "
	    "and the receipt is printed (shown on the screen without a printer). "
	    "F3 reprints it marked COPY. F4 shows the customer their own bills, "
	    "balance and profile after they type their service password. F5 "
	    "shows your shift's report, asks the cash counted and closes the "
	    "shift once you confirm. Esc clears.");
	s->data = d;
	s->text_input = 2;	/* a phone or an id: ? is help */
	return s;
}
