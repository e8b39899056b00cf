/*
 * scr_money.c -- settlements (结算): the agents' statements, newest first,
 * with the admin's and supervisor's queue (a approves a draft, p pays an
 * approved one; each asks with the total shown); an agent user sees its
 * own branch's, read-only, above them its figures: this month's
 * commissions pending and payable, its receivable and how old it is.
 * s opens the commission schemes (scr_scheme.c) for those who set them.
 */
#include <stdlib.h>
#include <string.h>

#include "scr.h"

#define STMTS_MAX 1000

struct money_data {
	struct sd_stmt	*rows;
	int		 n, sel, top;
	struct agent_figures fig;	/* an agent user's */
};

static int
keep(const struct sd_stmt *st, void *arg)
{
	struct money_data *d = arg;

	if (d->n >= STMTS_MAX)
		return 1;
	d->rows[d->n++] = *st;
	return 0;
}

/* ---------------------------------------------------------------- an agent's figures */

/* Its own entries only: those of its branch below it are its children's. */
static int
fig_entry(const struct sd_comm *e, void *arg)
{
	struct agent_figures *f = arg;

	if (strcmp(e->agent, app.sess.user.agent) != 0)
		return 0;
	if (e->state == SD_COMM_PENDING)
		f->pending += e->amount_fen;
	else if (e->state == SD_COMM_PAYABLE)
		f->payable += e->amount_fen;
	return 0;
}

static int
fig_stmt(const struct sd_stmt *st, void *arg)
{
	struct agent_figures *f = arg;

	if (strcmp(st->agent, app.sess.user.agent) == 0 && (f->last.id == 0 ||
	    st->month > f->last.month || (st->month == f->last.month &&
	    st->id > f->last.id)))
		f->last = *st;
	return 0;
}

static int
fig_aging(const struct sd_aging *g, void *arg)
{
	struct agent_figures *f = arg;

	if (strcmp(g->agent, app.sess.user.agent) == 0)
		f->aging = *g;
	return 0;
}

void
agent_figures_load(struct agent_figures *f)
{
	struct sd_comm_filter cf;
	struct sd_err err;
	time_t now = time(NULL);
	struct tm tm;

	memset(f, 0, sizeof *f);
	localtime_r(&now, &tm);
	memset(&cf, 0, sizeof cf);
	cf.agent = app.sess.user.agent;
	cf.month = (tm.tm_year + 1900) * 100 + tm.tm_mon + 1;
	cf.state = -1;
	sd_err_clear(&err);
	f->loaded = rpc_comm_list(&app.sess, &cf, fig_entry, f, &err) ==
	    SD_OK && rpc_stmt_list(&app.sess, app.sess.user.agent, 0, -1,
	    fig_stmt, f, &err) == SD_OK && rpc_agent_aging(&app.sess,
	    app.sess.user.agent, fig_aging, f, &err) == SD_OK;
	if (!f->loaded)
		app_error(&err);
}

/* A label, then an amount right-aligned in ten columns. */
static void
fig_line(struct sd_buf *b, const char *label, int64_t fen)
{
	char m[32];

	sd_money_format(fen, m, sizeof m);
	sd_buf_adds(b, "  ");
	cell_fit(b, label, 14);
	sd_buf_printf(b, " %10s", m);
}

int
agent_figures_draw(const struct agent_figures *f, int y, int x, int w,
    int ymax)
{
	static const char *const age[4] = { N_("0-30 days"), N_("31-60 days"),
	    N_("61-90 days"), N_("over 90 days") };
	/* A statement's states (sd_stmt_state), as words of their own. */
	static const char *const state[3] = { N_("draft"), N_("approved"),
	    N_("paid out") };
	struct sd_buf b = SD_BUF_INIT;
	int normal = theme_attr(TH_NORMAL), head = theme_attr(TH_HEADER);

#define LINE(attr) do {							\
		if (y < ymax)						\
			put_text(y++, x, w, sd_buf_cstr(&b), (attr));	\
		sd_buf_reset(&b);					\
	} while (0)
	sd_buf_adds(&b, _("My commissions this month"));
	LINE(head);
	if (!f->loaded) {
		sd_buf_adds(&b, _("no answer from the server"));
		LINE(theme_attr(TH_ERROR));
		sd_buf_free(&b);
		return y;
	}
	fig_line(&b, _("pending"), f->pending);
	LINE(normal);
	fig_line(&b, _("payable"), f->payable);
	LINE(normal);
	sd_buf_adds(&b, _("Latest statement"));
	LINE(head);
	if (f->last.id == 0)
		sd_buf_printf(&b, "  %s", _("none yet"));
	else {
		char tot[32];

		sd_money_format(f->last.total_fen, tot, sizeof tot);
		sd_buf_printf(&b, "  %04d-%02d %s %s", f->last.month / 100,
		    f->last.month % 100, f->last.state >= 0 &&
		    f->last.state < 3 ? _(state[f->last.state]) : "?",
		    tot);
	}
	LINE(normal);
	sd_buf_adds(&b, _("Receivable"));
	LINE(head);
	fig_line(&b, _("owed"), f->aging.receivable_fen);
	LINE(normal);
	for (int i = 0; i < 4; i++) {
		fig_line(&b, _(age[i]), f->aging.bucket_fen[i]);
		LINE(i == 3 && f->aging.bucket_fen[i] > 0 ?
		    theme_attr(TH_ERROR) : normal);
	}
#undef LINE
	sd_buf_free(&b);
	return y;
}

/* ---------------------------------------------------------------- the screen */

static void
money_load(struct money_data *d)
{
	struct sd_err err;

	d->n = d->top = 0;
	sd_err_clear(&err);
	if (rpc_stmt_list(&app.sess, NULL, 0, -1, keep, d, &err) != SD_OK)
		app_error(&err);
	/* Newest first. */
	for (int i = 0; i < d->n / 2; i++) {
		struct sd_stmt t = d->rows[i];

		d->rows[i] = d->rows[d->n - 1 - i];
		d->rows[d->n - 1 - i] = t;
	}
	if (d->sel >= d->n)
		d->sel = d->n > 0 ? d->n - 1 : 0;
	if (app.sess.user.role == SD_ROLE_AGENT)
		agent_figures_load(&d->fig);
}

static void
money_open(struct screen *s)
{
	money_load(s->data);
}

static void
money_draw(struct screen *s)
{
	struct money_data *d = s->data;
	struct sd_buf b = SD_BUF_INIT;
	int y = 2, rows;

	if (app.sess.user.role == SD_ROLE_AGENT) {
		char p[32], q[32], r[6][32];

		sd_money_format(d->fig.pending, p, sizeof p);
		sd_money_format(d->fig.payable, q, sizeof q);
		sd_buf_printf(&b, _("This month's commissions: %s pending, %s "
		    "payable"), p, q);
		put_text(y++, 2, COLS - 4, sd_buf_cstr(&b), theme_attr(TH_HEADER));
		sd_buf_reset(&b);
		sd_money_format(d->fig.aging.receivable_fen, r[0], sizeof r[0]);
		for (int i = 0; i < 4; i++)
			sd_money_format(d->fig.aging.bucket_fen[i], r[i + 1],
			    sizeof r[0]);
		sd_buf_printf(&b, _("Receivable %s: 0-30 days %s, 31-60 %s, "
		    "61-90 %s, over 90 %s"), r[0], r[1], r[2], r[3], r[4]);
		put_text(y++, 2, COLS - 4, sd_buf_cstr(&b), theme_attr(TH_NORMAL));
		sd_buf_reset(&b);
	}
	y++;
	sd_buf_printf(&b, "%-6s ", _("No."));
	cell_fit(&b, _("Agent"), 16);
	sd_buf_adds(&b, " ");
	cell_fit(&b, _("Month"), 7);
	sd_buf_adds(&b, " ");
	cell_fit(&b, _("State"), 9);
	sd_buf_printf(&b, " %12s %5s", _("Total"), _("Lines"));
	put_text(y++, 2, COLS - 4, sd_buf_cstr(&b), theme_attr(TH_HEADER));
	rows = LINES - 3 - y;
	if (d->sel < d->top)
		d->top = d->sel;
	if (rows > 0 && d->sel >= d->top + rows)
		d->top = d->sel - rows + 1;
	if (d->n == 0)
		put_text(y, 2, COLS - 4, _("No statements yet: commission run "
		    "YYYY-MM makes them."), theme_attr(TH_DIM));
	for (int i = d->top; i < d->n && y < LINES - 3; i++, y++) {
		const struct sd_stmt *st = &d->rows[i];
		char m[16], tot[32];

		snprintf(m, sizeof m, "%04d-%02d", st->month / 100,
		    st->month % 100);
		sd_money_format(st->total_fen, tot, sizeof tot);
		sd_buf_reset(&b);
		sd_buf_printf(&b, "%-6llu ", (unsigned long long)st->id);
		cell_fit(&b, st->agent, 16);
		sd_buf_adds(&b, " ");
		cell_fit(&b, m, 7);
		sd_buf_adds(&b, " ");
		cell_fit(&b, sd_stmt_state_name(st->state), 9);
		sd_buf_printf(&b, " %12s %5ld", tot, st->lines);
		put_text(y, 2, COLS - 4, sd_buf_cstr(&b), i == d->sel ?
		    theme_attr(TH_SELECTED) : st->state == SD_STMT_PAID ?
		    theme_attr(TH_DIM) : theme_attr(TH_NORMAL));
	}
	sd_buf_free(&b);
}

static void
money_approve(struct money_data *d)
{
	const struct sd_stmt *st;
	char q[200], tot[32];
	struct sd_err err;

	if (d->n == 0)
		return;
	st = &d->rows[d->sel];
	sd_money_format(st->total_fen, tot, sizeof tot);
	snprintf(q, sizeof q, _("Approve statement %llu of %s for %04d-%02d, "
	    "total %s (its lines are then settled)?"),
	    (unsigned long long)st->id, st->agent, st->month / 100,
	    st->month % 100, tot);
	if (!ask_yes_no(q))
		return;
	sd_err_clear(&err);
	if (rpc_stmt_approve(&app.sess, st->id, &err) != SD_OK) {
		app_error(&err);
		return;
	}
	app_message(0, _("Statement %llu is approved."),
	    (unsigned long long)st->id);
	money_load(d);
}

static void
money_pay(struct money_data *d)
{
	const struct sd_stmt *st;
	char q[200], tot[32], method[16] = "bank", ref[65] = "";
	struct sd_err err;

	if (d->n == 0)
		return;
	st = &d->rows[d->sel];
	sd_money_format(st->total_fen, tot, sizeof tot);
	if (!ask_text(_("Pay by (bank, cash or offset):"), method,
	    sizeof method) || !ask_text(_("Reference (may be empty):"), ref,
	    sizeof ref))
		return;
	snprintf(q, sizeof q, _("Pay statement %llu of %s, total %s, by %s?"),
	    (unsigned long long)st->id, st->agent, tot, method);
	if (!ask_yes_no(q))
		return;
	sd_err_clear(&err);
	if (rpc_stmt_pay(&app.sess, st->id, method, ref[0] ? ref : NULL,
	    &err) != SD_OK) {
		app_error(&err);
		return;
	}
	app_message(0, _("Statement %llu is paid."), (unsigned long long)st->id);
	money_load(d);
}

static void
money_key(struct screen *s, enum action a, wint_t ch)
{
	struct money_data *d = s->data;

	(void)ch;
	if (sel_move(a, &d->sel, d->n, 0))
		return;
	switch (a) {
	case ACT_BACK:
		screen_pop();
		return;
	case ACT_REFRESH:
		money_load(d);
		return;
	case ACT_OPEN:
		money_approve(d);
		return;
	case ACT_RUN:
		money_pay(d);
		return;
	case ACT_EDIT:
		screen_push(scr_schemes_new());
		return;
	default:
		return;
	}
}

static const struct keybind money_keys[] = {
	KEY_CMD('a', ACT_OPEN, "a", "settlement approve"),
	KEY_CMD('p', ACT_RUN, "p", "settlement pay"),
	{ 's', ACT_EDIT, N_("Schemes"), "s", KEY_NEEDS(SD_OP_COMM_SCHEME) },
	{ 'r', ACT_REFRESH, N_("Refresh"), "r" },
	{ 27, ACT_BACK, N_("Back"), "Esc" },
	{ 'q', ACT_BACK, NULL, NULL },
	{ 0 }
};

static void
money_close(struct screen *s)
{
	struct money_data *d = s->data;

	free(d->rows);
}

static const struct screen_ops money_ops = {
	money_open, money_draw, money_key, money_close
};

struct screen *
scr_money_new(void)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct money_data *d = xcalloc(1, sizeof *d);

	d->rows = xcalloc(STMTS_MAX, sizeof *d->rows);
	s->ops = &money_ops;
	s->title = N_("Settlements");
	s->keys = money_keys;
	s->help = N_("The agents' statements (结算单), newest first: one per "
	    "agent and month, made by the monthly run (simdeskctl commission "
	    "run YYYY-MM). An admin or supervisor approves a draft with a and "
	    "pays an approved one with p (bank, cash, or offset against the "
	    "agent's receivable); each asks first with the total; s opens the "
	    "commission schemes. An agent "
	    "sees its own branch's statements, and above them this month's "
	    "commissions and its receivable by age.");
	s->data = d;
	s->nav = 1;
	return s;
}
