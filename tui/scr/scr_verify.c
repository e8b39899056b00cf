/*
 * scr_verify.c -- "Verify the data" for those who look after the server:
 * every invariant core checks (receipts gapless, postings balanced,
 * indexes whole, ...), run by simdeskd, each with its result; r runs them
 * again.  The same checks as `simdeskctl verify`.
 */
#include <stdlib.h>
#include <string.h>

#include "scr.h"

#define VERIFY_ROWS 128

struct verify_data {
	struct sd_verify_row	 rows[VERIFY_ROWS];
	int			 n;
	int			 failed;	/* -1: could not run */
	int			 top;		/* first row shown */
	char			 error[SD_ERRMSG_MAX];
	char			 at[32];	/* when it ran */
};

static void
collect(const char *check, int ok, const char *detail, void *arg)
{
	struct verify_data *d = arg;
	struct sd_verify_row *v;

	if (d->n >= VERIFY_ROWS)
		return;
	v = &d->rows[d->n++];
	sd_strlcpy(v->check, check, sizeof v->check);
	v->ok = ok;
	sd_strlcpy(v->detail, detail, sizeof v->detail);
}

static void
verify_run(struct verify_data *d)
{
	struct sd_err err;

	/* It may take a while on a big database: say so first. */
	app_message(0, "%s", _("Checking every invariant…"));
	chrome_draw(screen_top());
	refresh();
	d->n = 0;
	d->top = 0;
	d->error[0] = '\0';
	sd_err_clear(&err);
	d->failed = rpc_verify(&app.sess, collect, d, &err);
	if (d->failed < 0)
		app_err_text(&err, d->error, sizeof d->error);
	sd_time_format(sd_now(), d->at, sizeof d->at);
	if (d->failed == 0)
		app_message(0, _("All %d checks passed."), d->n);
	else if (d->failed > 0)
		app_message(1, _("%d of %d checks failed."), d->failed, d->n);
	else
		app_message(1, "%s", d->error);
}

static void
verify_open(struct screen *s)
{
	verify_run(s->data);
}

static void
verify_draw(struct screen *s)
{
	struct verify_data *d = s->data;
	struct sd_buf b = SD_BUF_INIT;
	int y = 2, rows = LINES - 6, cw = COLS >= 100 ? 32 : 24;

	sd_buf_printf(&b, _("Checked %s"), d->at);
	put_text(y++, 2, COLS - 4, sd_buf_cstr(&b), theme_attr(TH_HEADER));
	y++;
	if (d->failed < 0 && d->error[0]) {
		put_wrapped(y, 2, COLS - 4, 3, d->error, theme_attr(TH_ERROR));
		sd_buf_free(&b);
		return;
	}
	for (int i = d->top; i < d->n && y < 4 + rows; i++) {
		const struct sd_verify_row *v = &d->rows[i];

		sd_buf_reset(&b);
		cell_fit(&b, v->ok ? _("ok") : _("FAIL"), 5);
		cell_fit(&b, v->check, cw);
		sd_buf_printf(&b, " %s", v->detail);
		put_text(y++, 2, COLS - 4, sd_buf_cstr(&b), v->ok ?
		    theme_attr(TH_NORMAL) : theme_attr(TH_ERROR));
	}
	sd_buf_free(&b);
}

static void
verify_key(struct screen *s, enum action a, wint_t ch)
{
	struct verify_data *d = s->data;
	int page = LINES - 6 > 1 ? LINES - 6 : 1;

	(void)ch;
	switch (a) {
	case ACT_BACK:
		screen_pop();
		return;
	case ACT_REFRESH:
		verify_run(d);
		return;
	case ACT_DOWN:
		if (d->top + page < d->n)
			d->top++;
		return;
	case ACT_UP:
		if (d->top > 0)
			d->top--;
		return;
	case ACT_PGDN:
		d->top = d->top + page < d->n ? d->top + page : d->top;
		return;
	case ACT_PGUP:
		d->top = d->top > page ? d->top - page : 0;
		return;
	case ACT_HOME:
		d->top = 0;
		return;
	case ACT_END:
		d->top = d->n > page ? d->n - page : 0;
		return;
	default:
		return;
	}
}

static const struct keybind verify_keys[] = {
	{ 'r', ACT_REFRESH, N_("Run again"), "r" },
	{ 27, ACT_BACK, N_("Back"), "Esc" },
	{ 'q', ACT_BACK, NULL, NULL },
	{ 0 }
};

static const struct screen_ops verify_ops = {
	verify_open, verify_draw, verify_key, NULL
};

struct screen *
scr_verify_new(void)
{
	struct screen *s = xcalloc(1, sizeof *s);

	s->ops = &verify_ops;
	s->title = N_("Verify the data");
	s->keys = verify_keys;
	s->help = N_("simdeskd checks the data's invariants: the ledger's "
	    "postings balanced, balances equal to their postings, receipt "
	    "numbers without gaps, users, customers, cards, orders, bills and "
	    "usage consistent, and every index matching its table. Each check "
	    "is listed with its result; a "
	    "failed one is red and says what is wrong. r runs them again; the "
	    "arrow keys, PgUp/PgDn and g/G scroll. The same checks as "
	    "simdeskctl verify.");
	s->data = xcalloc(1, sizeof(struct verify_data));
	s->nav = 1;
	return s;
}
