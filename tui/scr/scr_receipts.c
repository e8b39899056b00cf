/*
 * scr_receipts.c -- the receipts of one cashier's desk on one day (收据):
 * number, time, customer, amount, method, voided or not, and the day's
 * takings.  ← and → go a day back and on; c shows another cashier's (for
 * supervisors and admins); v voids the selected receipt (supervisors and
 * admins: a reason, a confirmation, a reversing posting; the number stays).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scr.h"

#define RECEIPTS_MAX 1000

struct receipts_data {
	char			 cashier[SD_LOGIN_MAX + 1];
	int64_t			 day;		/* a time on the day shown */
	struct sd_receipt	*rows;		/* RECEIPTS_MAX */
	int			 n, sel, top, more;
	int64_t			 total;		/* not voided */
};

static int
keep(const struct sd_receipt *r, void *arg)
{
	struct receipts_data *d = arg;

	if (d->n >= RECEIPTS_MAX) {
		d->more = 1;
		return 1;
	}
	d->rows[d->n++] = *r;
	if (!r->voided)
		d->total += r->amount_fen;
	return 0;
}

static void
receipts_load(struct receipts_data *d)
{
	struct sd_err err;
	int64_t from, to;

	d->n = d->top = 0;
	d->more = 0;
	d->total = 0;
	sd_err_clear(&err);
	if (sd_day_range(NULL, d->day, &from, &to, &err) != SD_OK ||
	    rpc_receipt_list(&app.sess, d->cashier, from, to, keep, d,
	    &err) != SD_OK)
		app_error(&err);
	if (d->sel >= d->n)
		d->sel = d->n > 0 ? d->n - 1 : 0;
}

static void
receipts_open(struct screen *s)
{
	receipts_load(s->data);
}

static void
receipts_draw(struct screen *s)
{
	struct receipts_data *d = s->data;
	struct sd_buf b = SD_BUF_INIT;
	char day[32], tot[32];
	int y = 2, rows = LINES - 7, nw = COLS >= 100 ? 24 : 12;

	sd_time_format(d->day, day, sizeof day);
	day[10] = '\0';
	sd_money_format(d->total, tot, sizeof tot);
	sd_buf_printf(&b, _("%s on %s: %d receipts, %s taken"), d->cashier, day,
	    d->n, tot);
	if (d->more)
		sd_buf_printf(&b, _(" (the first %d)"), RECEIPTS_MAX);
	put_text(y++, 2, COLS - 4, sd_buf_cstr(&b), theme_attr(TH_HEADER));
	y++;
	sd_buf_reset(&b);
	cell_fit(&b, _("Number"), 12);
	sd_buf_adds(&b, " ");
	cell_fit(&b, _("Time"), 5);
	sd_buf_adds(&b, " ");
	cell_fit(&b, _("Customer"), nw);
	sd_buf_printf(&b, " %10s ", _("Amount"));
	cell_fit(&b, _("Method"), 7);
	sd_buf_adds(&b, " ");
	sd_buf_adds(&b, _("Void"));
	put_text(y++, 2, COLS - 4, sd_buf_cstr(&b), theme_attr(TH_HEADER));
	if (d->sel < d->top)
		d->top = d->sel;
	if (rows > 0 && d->sel >= d->top + rows)
		d->top = d->sel - rows + 1;
	if (d->n == 0)
		put_text(y, 2, COLS - 4, _("No receipts on this day."),
		    theme_attr(TH_DIM));
	for (int i = d->top; i < d->n && y < LINES - 3; i++, y++) {
		const struct sd_receipt *r = &d->rows[i];
		char at[32], amt[32];
		int attr = i == d->sel ? theme_attr(TH_SELECTED) : r->voided ?
		    theme_attr(TH_DIM) : theme_attr(TH_NORMAL);

		sd_time_format(r->at, at, sizeof at);
		at[16] = '\0';			/* YYYY-MM-DD HH:MM */
		sd_money_format(r->amount_fen, amt, sizeof amt);
		sd_buf_reset(&b);
		cell_fit(&b, r->number, 12);
		sd_buf_adds(&b, " ");
		cell_fit(&b, at + 11, 5);	/* HH:MM */
		sd_buf_adds(&b, " ");
		cell_fit(&b, r->name, nw);
		sd_buf_printf(&b, " %10s ", amt);
		cell_fit(&b, r->method, 7);
		sd_buf_adds(&b, " ");
		if (r->voided)
			sd_buf_printf(&b, "%s %s", _("void:"), r->void_reason);
		put_text(y, 2, COLS - 4, sd_buf_cstr(&b), attr);
	}
	sd_buf_free(&b);
}

static void
receipts_void(struct receipts_data *d)
{
	const struct sd_receipt *r;
	char reason[97] = "", q[160];
	struct sd_err err;

	if (d->n == 0)
		return;
	r = &d->rows[d->sel];
	if (r->voided) {
		app_message(1, _("Receipt %s is void already."), r->number);
		return;
	}
	snprintf(q, sizeof q, _("Void receipt %s: the reason:"), r->number);
	if (!ask_text(q, reason, sizeof reason))
		return;
	snprintf(q, sizeof q, _("Void %s (a reversing posting; the number "
	    "stays used)?"), r->number);
	if (!ask_yes_no(q))
		return;
	sd_err_clear(&err);
	if (rpc_receipt_void(&app.sess, r->number, reason, &err) != SD_OK) {
		app_error(&err);
		return;
	}
	app_message(0, _("Receipt %s is void."), r->number);
	receipts_load(d);
}

static void
receipts_key(struct screen *s, enum action a, wint_t ch)
{
	struct receipts_data *d = s->data;
	int page = LINES - 7 > 1 ? LINES - 7 : 1;
	char who[SD_LOGIN_MAX + 1];

	if (sel_move(a, &d->sel, d->n, page))
		return;
	switch (a) {
	case ACT_BACK:
		screen_pop();
		return;
	case ACT_PREV:
	case ACT_NEXT:
		d->day += a == ACT_PREV ? -86400 : 86400;
		d->sel = 0;
		receipts_load(d);
		return;
	case ACT_REFRESH:
		receipts_load(d);
		return;
	case ACT_DELETE:
		receipts_void(d);
		return;
	case ACT_NONE:
		if (ch != 'c')
			return;
		sd_strlcpy(who, d->cashier, sizeof who);
		if (ask_text(_("Whose receipts (a cashier's login):"), who,
		    sizeof who) && who[0] != '\0') {
			sd_strlcpy(d->cashier, who, sizeof d->cashier);
			d->sel = 0;
			receipts_load(d);
		}
		return;
	default:
		return;
	}
}

static const struct keybind receipts_keys[] = {
	{ KEY_LEFT, ACT_PREV, N_("Day before"), "←" },
	{ KEY_RIGHT, ACT_NEXT, N_("Day after"), "→" },
	{ 'c', ACT_NONE, N_("Cashier"), "c", KEY_NEEDS(SD_OP_RECEIPT_VOID) },
	KEY_CMD('v', ACT_DELETE, "v", "receipt void"),
	{ 'r', ACT_REFRESH, N_("Refresh"), "r" },
	{ 27, ACT_BACK, N_("Back"), "Esc" },
	{ 'q', ACT_BACK, NULL, NULL },
	{ 0 }
};

static void
receipts_close(struct screen *s)
{
	struct receipts_data *d = s->data;

	free(d->rows);
}

static const struct screen_ops receipts_ops = {
	receipts_open, receipts_draw, receipts_key, receipts_close
};

struct screen *
scr_receipts_new(void)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct receipts_data *d = xcalloc(1, sizeof *d);

	sd_strlcpy(d->cashier, app.sess.user.login, sizeof d->cashier);
	d->day = sd_now();
	d->rows = xcalloc(RECEIPTS_MAX, sizeof *d->rows);
	s->ops = &receipts_ops;
	s->title = N_("Receipts");
	s->keys = receipts_keys;
	s->help = N_("The receipts of one cashier's desk on one day, oldest "
	    "first, with the day's takings (voided receipts not counted; they "
	    "stay listed, dim, with the reason). ← and → go a day back and on. "
	    "A supervisor or admin shows another cashier's with c and voids the "
	    "selected receipt with v: a reason, then a confirmation; the void "
	    "is a reversing posting and the receipt's number stays used.");
	s->data = d;
	s->nav = 1;
	return s;
}
