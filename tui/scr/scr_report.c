/*
 * scr_report.c -- the Reports screen (报表): the calls or sales report of
 * a period, grouped as picked, as the table simdeskctl report prints
 * (rep_report_columns, cmd_report.c) with a bar chart of its main figure
 * per group and, grouped by day, week or month, the trend beside the
 * period before.  Keys pick the report, the period and the grouping; c
 * shows the previous period's figures; e exports the table as CSV or
 * .xlsx through tui/export.h, the columns the CLI's.  What rows a role
 * sees is core's (an operator their own, a supervisor their team's).
 */
#include <stdlib.h>
#include <string.h>

#include "tui/export.h"
#include "scr.h"
#include "chart.h"

#define REP_ROWS_MAX	5000

/* The periods p cycles through: a kind and how many back from now. */
enum { PK_DAY, PK_WEEK, PK_MONTH, PK_YEAR };
static const struct {
	int		 kind, off;
	const char	*name;		/* N_() */
} presets[] = {
	{ PK_DAY, 0, N_("today") },
	{ PK_DAY, -1, N_("yesterday") },
	{ PK_WEEK, 0, N_("this week") },
	{ PK_WEEK, -1, N_("last week") },
	{ PK_MONTH, 0, N_("this month") },
	{ PK_MONTH, -1, N_("last month") },
	{ PK_YEAR, 0, N_("this year") },
};
#define NPRESETS ((int)(sizeof presets / sizeof presets[0]))

/*
 * The heads of the CLI's columns (rep_report_columns) as this screen and
 * its exports show them, translated.
 */
static const char *const heads[] = {
	N_("OPERATOR"), N_("TEAM"), N_("DAY"), N_("WEEK"), N_("MONTH"),
	N_("PLAN"), N_("CHANNEL"), N_("AGENT"), N_("GROUP"),
	N_("OUT"), N_("IN"), N_("ANSWERED"), N_("REACHED"), N_("TALK"),
	N_("AVG TALK"), N_("LONGEST"), N_("MISSED"), N_("PREV OUT"),
	N_("ΔOUT"), N_("ΔOUT%"), N_("PREV ANS"), N_("ΔANS"), N_("ΔANS%"),
	N_("PREV TALK"), N_("ΔTALK"), N_("ΔTALK%"), N_("ACTIVATIONS"),
	N_("REVENUE"), N_("AVG PRICE"), N_("PREV ACT"), N_("ΔACT"),
	N_("ΔACT%"), N_("PREV REVENUE"), N_("ΔREVENUE"), N_("ΔREV%"),
};

struct report_data {
	int			 calls;		/* 1 calls, 0 sales */
	int			 preset;	/* the kind's last pick */
	int			 kind, off;
	int			 by;		/* SD_BY_* */
	int			 compare;
	/* The report as the server sent it (always with the period before:
	 * the trend needs it), and its table. */
	struct sd_report_row	*rows;
	int			 n;
	struct sd_report_head	 h;
	int			 loaded;
	struct rep_table	 t;
	int			 sel, top, left;	/* left: first figure column */
};

static int
may_calls(void)
{
	return sd_role_may(app.sess.user.role, SD_OP_REPORT_CALLS);
}

static int
may_sales(void)
{
	return sd_role_may(app.sess.user.role, SD_OP_REPORT_SALES);
}

static const char *
report_name(int calls)
{
	return calls ? "calls" : "sales";
}

static int
by_valid(int calls, int by)
{
	return sd_report_by_parse(report_name(calls), sd_report_by_name(by)) ==
	    by;
}

static int
keep_row(const struct sd_report_row *r, void *arg)
{
	struct report_data *d = arg;

	if (d->n >= REP_ROWS_MAX)
		return 1;
	d->rows[d->n++] = *r;
	return 0;
}

/* The period asked for: period, or from and to (days as text). */
static void
period_query(const struct report_data *d, struct sd_report_query *q,
    char *p, char *from, char *to, size_t size)
{
	int today = sd_day_of(sd_now()), y, m, dd;

	sd_civil_from_days(today, &y, &m, &dd);
	switch (d->kind) {
	case PK_DAY:
		sd_day_text(today + d->off, p, size);
		q->period = p;
		break;
	case PK_WEEK: {
		int mon = today - sd_day_weekday(today) + 7 * d->off;

		sd_day_text(mon, from, size);
		sd_day_text(mon + 6, to, size);
		q->from = from;
		q->to = to;
		break;
	}
	case PK_MONTH: {
		int mm = y * 12 + (m - 1) + d->off;

		snprintf(p, size, "%04d-%02d", mm / 12, mm % 12 + 1);
		q->period = p;
		break;
	}
	default:
		snprintf(p, size, "%04d", y + d->off);
		q->period = p;
	}
}

static void
report_build(struct report_data *d)
{
	rep_table_free(&d->t);
	rep_table_init(&d->t);
	if (!d->loaded)
		return;
	rep_report_columns(&d->t, d->calls, d->h.by, d->compare);
	for (int i = 0; i < d->t.ncols; i++)
		d->t.cols[i].head = _(d->t.cols[i].head);
	for (int i = 0; i < d->n; i++) {
		rep_report_row(&d->t, d->calls, d->compare, &d->rows[i]);
		if (d->rows[i].total)	/* the total row's label, translated */
			sd_strlcpy(d->t.cells[(size_t)i * (size_t)d->t.ncols].text,
			    _("total"), sizeof d->t.cells[0].text);
	}
	if (d->left >= d->t.ncols)
		d->left = 0;
}

static void
report_load(struct report_data *d)
{
	struct sd_report_query q;
	struct sd_err err;
	char p[16], from[16], to[16];
	int st;

	memset(&q, 0, sizeof q);
	period_query(d, &q, p, from, to, sizeof p);
	q.by = sd_report_by_name(d->by);
	q.compare = 1;
	d->n = 0;
	sd_err_clear(&err);
	st = (d->calls ? rpc_report_calls : rpc_report_sales)(&app.sess, &q,
	    &d->h, keep_row, d, &err);
	d->loaded = st == SD_OK;
	if (!d->loaded) {
		d->n = 0;
		app_error(&err);
	}
	if (d->sel >= d->n)
		d->sel = d->n > 0 ? d->n - 1 : 0;
	report_build(d);
}

static void
report_open(struct screen *s)
{
	report_load(s->data);
}

/* ---------------------------------------------------------------- drawing */

/* The main figure of a row: talk time (calls), revenue (sales). */
static int64_t
main_figure(const struct report_data *d, const int64_t *v)
{
	return d->calls ? v[SD_RC_TALK_S] : v[SD_RS_REVENUE_FEN];
}

static void
main_text(const struct report_data *d, int64_t v, char *out, size_t size)
{
	struct rep_cell c;

	memset(&c, 0, sizeof c);
	c.v = v;
	rep_cell_text(&c, d->calls ? REP_SECONDS : REP_FEN, out, size);
}

/* The cell (r, i) as text. */
static void
cell_text(const struct report_data *d, int r, int i, char *out, size_t size)
{
	rep_cell_text(&d->t.cells[(size_t)r * (size_t)d->t.ncols + (size_t)i],
	    d->t.cols[i].type, out, size);
}

/* Each column's width: its widest cell or head. */
static void
col_widths(const struct report_data *d, int *w)
{
	char buf[80];

	for (int i = 0; i < d->t.ncols; i++) {
		w[i] = sd_width(d->t.cols[i].head);
		for (int r = 0; r < d->t.nrows; r++) {
			int cw;

			cell_text(d, r, i, buf, sizeof buf);
			if ((cw = sd_width(buf)) > w[i])
				w[i] = cw;
		}
	}
	if (w[0] > 16)
		w[0] = 16;
}

/* Append s in cols columns, right-aligned (numbers). */
static void
right_fit(struct sd_buf *b, const char *s, int cols)
{
	for (int pad = cols - sd_width(s); pad > 0; pad--)
		sd_buf_addc(b, ' ');
	sd_width_fit(b, s, cols, 0);
}

/* One line of the table: the group, then the columns from d->left that
 * fit in width; r -1 the heads. */
static void
table_line(const struct report_data *d, const int *w, int r, int width,
    struct sd_buf *b)
{
	char buf[80];
	int used;

	if (r < 0)
		cell_fit(b, d->t.cols[0].head, w[0]);
	else {
		cell_text(d, r, 0, buf, sizeof buf);
		cell_fit(b, buf, w[0]);
	}
	used = w[0];
	for (int i = d->left + 1; i < d->t.ncols; i++) {
		if (used + 2 + w[i] > width)
			break;
		sd_buf_adds(b, "  ");
		if (r < 0)
			right_fit(b, d->t.cols[i].head, w[i]);
		else {
			cell_text(d, r, i, buf, sizeof buf);
			right_fit(b, buf, w[i]);
		}
		used += 2 + w[i];
	}
}

/* The table from row y, x, width wide and height rows: the rows drawn. */
static int
table_draw(struct report_data *d, int y, int x, int width, int height)
{
	int w[REP_COLS_MAX], rows = height - 1;
	struct sd_buf b = SD_BUF_INIT;

	if (d->t.ncols == 0 || height < 2)
		return 0;
	col_widths(d, w);
	table_line(d, w, -1, width, &b);
	put_text(y, x, width, sd_buf_cstr(&b), theme_attr(TH_HEADER));
	if (d->sel < d->top)
		d->top = d->sel;
	if (rows > 0 && d->sel >= d->top + rows)
		d->top = d->sel - rows + 1;
	for (int r = d->top, i = 1; r < d->t.nrows && i <= rows; r++, i++) {
		int total = r == d->t.nrows - 1;

		sd_buf_reset(&b);
		table_line(d, w, r, width, &b);
		put_text(y + i, x, width, sd_buf_cstr(&b), r == d->sel ?
		    theme_attr(TH_SELECTED) : total ? theme_attr(TH_HEADER) :
		    theme_attr(TH_NORMAL));
	}
	sd_buf_free(&b);
	return 1 + (d->t.nrows - d->top < rows ? d->t.nrows - d->top : rows);
}

static int
trend_by(int by)
{
	return by == SD_BY_DAY || by == SD_BY_WEEK || by == SD_BY_MONTH;
}

/* The chart from row y: bars of the main figure per group and, grouped
 * by time, the trend; the rows drawn. */
static int
chart_draw(struct report_data *d, int y, int x, int width, int height)
{
	struct chart_bar *bars;
	char (*texts)[32];
	int n = d->n > 0 ? d->n - 1 : 0, used = 0, nb;

	if (height < 2 || n == 0)
		return 0;
	put_text(y, x, width, d->calls ? _("Talk time per group") :
	    _("Revenue per group"), theme_attr(TH_HEADER));
	used = 1;
	if (trend_by(d->h.by) && height >= 5) {
		int64_t *cur = xcalloc((size_t)n, sizeof *cur);
		int64_t *prev = xcalloc((size_t)n, sizeof *prev);

		for (int i = 0; i < n; i++) {
			cur[i] = main_figure(d, d->rows[i].v);
			prev[i] = main_figure(d, d->rows[i].prev);
		}
		used += chart_trend_draw(y + height - 2, x, width, _("current"),
		    cur, _("previous"), prev, n);
		height -= 2;
		free(cur);
		free(prev);
	}
	nb = height - 1;
	if (nb <= 0)
		return used;
	/* The bars from the selected group's page. */
	bars = xcalloc((size_t)n, sizeof *bars);
	texts = xcalloc((size_t)n, sizeof *texts);
	for (int i = 0; i < n; i++) {
		bars[i].label = d->rows[i].group;
		bars[i].value = main_figure(d, d->rows[i].v);
		main_text(d, bars[i].value, texts[i], sizeof texts[i]);
		bars[i].text = texts[i];
	}
	{
		int first = d->sel < n && d->sel >= nb ? d->sel - nb + 1 : 0;

		used += chart_bars_draw(y + 1, x, width, nb, bars + first,
		    n - first);
	}
	free(bars);
	free(texts);
	return used;
}

static void
report_draw(struct screen *s)
{
	struct report_data *d = s->data;
	struct sd_buf b = SD_BUF_INIT;
	char from[16], to[16];
	int y = 2, avail, tw, th;

	sd_buf_printf(&b, "%s%s%s  %s%s%s", d->calls ? "[1 " : " 1 ",
	    _("Calls report"), d->calls ? "]" : " ", d->calls ? " 2 " : "[2 ",
	    _("Sales report"), d->calls ? " " : "]");
	put_text(y++, 2, COLS - 4, sd_buf_cstr(&b), theme_attr(TH_HEADER));
	sd_buf_reset(&b);
	if (d->loaded) {
		sd_day_text(d->h.p.from, from, sizeof from);
		sd_day_text(d->h.p.to - 1, to, sizeof to);
		sd_buf_printf(&b, _("%s to %s, by %s"), from, to,
		    _(heads[d->h.by >= 0 && d->h.by < SD_BY__COUNT ? d->h.by :
		    8]));
		if (d->off == presets[d->preset].off)
			sd_buf_printf(&b, " (%s)", _(presets[d->preset].name));
		if (d->compare) {
			sd_day_text(d->h.p.prev_from, from, sizeof from);
			sd_day_text(d->h.p.prev_to - 1, to, sizeof to);
			sd_buf_printf(&b, _(", compared with %s to %s"), from,
			    to);
		}
	}
	put_text(y++, 2, COLS - 4, sd_buf_cstr(&b), theme_attr(TH_NORMAL));
	sd_buf_free(&b);
	y++;
	if (!d->loaded)
		return;
	avail = LINES - 3 - y;
	if (COLS >= 130) {
		/* Wide: the chart beside the table. */
		tw = COLS - 4 - 46;
		table_draw(d, y, 2, tw, avail);
		chart_draw(d, y, 2 + tw + 2, 44, avail);
		return;
	}
	/* The table above, the chart below it. */
	th = d->t.nrows + 1;
	if (th > avail - avail * 2 / 5)
		th = avail - avail * 2 / 5;
	y += table_draw(d, y, 2, COLS - 4, th) + 1;
	chart_draw(d, y, 2, COLS - 4, LINES - 3 - y);
}

/* ---------------------------------------------------------------- keys */

/* The default file name: report-calls-2026-11.xlsx. */
static void
default_name(const struct report_data *d, enum exp_format fmt, char *out,
    size_t size)
{
	char from[16], to[16], p[40];
	const char *ext = fmt == EXP_XLSX ? "xlsx" : "csv";

	sd_day_text(d->h.p.from, from, sizeof from);
	sd_day_text(d->h.p.to - 1, to, sizeof to);
	switch (d->kind) {
	case PK_DAY:
		snprintf(p, sizeof p, "%s", from);
		break;
	case PK_MONTH:
		snprintf(p, sizeof p, "%.7s", from);
		break;
	case PK_YEAR:
		snprintf(p, sizeof p, "%.4s", from);
		break;
	default:
		snprintf(p, sizeof p, "%s_%s", from, to);
	}
	snprintf(out, size, "report-%s-%s%s.%s", report_name(d->calls), p,
	    fmt == EXP_CSV_GB ? "-gbk" : "", ext);
}

static void
report_export(struct report_data *d)
{
	static const char *const names[] = { "csv", "csv-gbk", "xlsx" };
	enum exp_format fmt;
	struct exp_table *x;
	struct sd_err err;
	char path[256];
	int k;

	if (!d->loaded || d->t.nrows == 0)
		return;
	k = ask_key(_("Export as: 1 CSV (UTF-8), 2 CSV (GB18030), 3 Excel "
	    "(.xlsx)"), "123");
	if (k == 0)
		return;
	sd_err_clear(&err);
	if (exp_format_parse(names[k - '1'], &fmt, &err) != SD_OK) {
		app_error(&err);
		return;
	}
	default_name(d, fmt, path, sizeof path);
	if (!ask_text(_("File name:"), path, sizeof path) || path[0] == '\0')
		return;
	x = rep_export(&d->t, d->calls ? _("Calls report") :
	    _("Sales report"));
	if (exp_write(x, fmt, path, &err) != SD_OK)
		app_error(&err);
	else
		app_message(0, _("written %s"), path);
	exp_free(x);
}

/* The next grouping the report has after by (dir 1) or before. */
static int
next_by(int calls, int by, int dir)
{
	for (int i = 0; i < SD_BY__COUNT; i++) {
		by = (by + dir + SD_BY__COUNT) % SD_BY__COUNT;
		if (by_valid(calls, by))
			return by;
	}
	return by;
}

static void
switch_report(struct report_data *d, int calls)
{
	if (calls == d->calls)
		return;
	if (calls ? !may_calls() : !may_sales()) {
		app_message(1, "%s", _("That report is not for your role."));
		return;
	}
	d->calls = calls;
	d->by = calls ? SD_BY_OPERATOR : SD_BY_PLAN;
	d->sel = d->top = d->left = 0;
	report_load(d);
}

static void
report_key(struct screen *s, enum action a, wint_t ch)
{
	struct report_data *d = s->data;
	int nrows = d->t.nrows;

	if (sel_move(a, &d->sel, nrows, 10))
		return;
	switch (a) {
	case ACT_BACK:
		screen_pop();
		return;
	case ACT_RIGHT:
		if (d->left + 2 < d->t.ncols)
			d->left++;
		return;
	case ACT_LEFT:
		if (d->left > 0)
			d->left--;
		return;
	case ACT_NEXT:
		switch_report(d, !d->calls);
		return;
	case ACT_REFRESH:
		report_load(d);
		return;
	case ACT_RUN:
		report_export(d);
		return;
	case ACT_TOGGLE:
		/* g the next grouping, b the one before. */
		d->by = next_by(d->calls, d->by, ch == 'b' ? -1 : 1);
		d->sel = d->top = 0;
		report_load(d);
		return;
	default:
		break;
	}
	switch (ch) {
	case '1':
	case '2':
		switch_report(d, ch == '1');
		return;
	case 'p':
	case 'P':
		d->preset = (d->preset + (ch == 'p' ? 1 : NPRESETS - 1)) %
		    NPRESETS;
		d->kind = presets[d->preset].kind;
		d->off = presets[d->preset].off;
		break;
	case '[':
		d->off--;
		break;
	case ']':
		d->off++;
		break;
	case 'c':
		d->compare = !d->compare;
		report_build(d);
		return;
	default:
		return;
	}
	report_load(d);
}

static const struct keybind report_keys[] = {
	{ '\t', ACT_NEXT, N_("Calls/sales"), "Tab 1 2" },
	{ 'p', ACT_NONE, N_("Period"), "p P" },
	{ '[', ACT_NONE, N_("Previous/next period"), "[ ]" },
	{ 'g', ACT_TOGGLE, N_("Grouping"), "g b" },
	{ 'b', ACT_TOGGLE, NULL, NULL },
	{ 'c', ACT_NONE, N_("Compare"), "c" },
	{ 'e', ACT_RUN, N_("Export"), "e" },
	{ KEY_RIGHT, ACT_RIGHT, N_("More columns"), "l → h ←" },
	{ 'l', ACT_RIGHT, NULL, NULL },
	{ KEY_LEFT, ACT_LEFT, NULL, NULL },
	{ 'h', ACT_LEFT, NULL, NULL },
	{ 'r', ACT_REFRESH, N_("Refresh"), "r" },
	{ 27, ACT_BACK, N_("Back"), "Esc" },
	{ 'q', ACT_BACK, NULL, NULL },
	{ 0 }
};

static void
report_close(struct screen *s)
{
	struct report_data *d = s->data;

	rep_table_free(&d->t);
	free(d->rows);
}

static const struct screen_ops report_ops = {
	report_open, report_draw, report_key, report_close
};

struct screen *
scr_report_new(void)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct report_data *d = xcalloc(1, sizeof *d);

	d->rows = xcalloc(REP_ROWS_MAX, sizeof *d->rows);
	d->calls = may_calls();
	d->by = d->calls ? SD_BY_OPERATOR : SD_BY_PLAN;
	d->preset = 4;			/* this month */
	d->kind = presets[d->preset].kind;
	d->off = presets[d->preset].off;
	rep_table_init(&d->t);
	s->ops = &report_ops;
	s->title = N_("Reports");
	s->keys = report_keys;
	s->help = N_("The calls report (talk time, answered, reached) or the "
	    "sales report (activations, revenue) of a period, each group's "
	    "row and the total, with a bar chart of the main figure and, by "
	    "day, week or month, the trend beside the period before. Tab, 1 "
	    "or 2 picks the report; p and P cycle the period (today, "
	    "yesterday, this or last week, this or last month, this year); [ "
	    "and ] step to the period before or after; g and b cycle the "
	    "grouping; c shows the period before beside it (its figures, the "
	    "difference and the change); l and h scroll the columns; e "
	    "exports the table as CSV or Excel. You see the rows your role "
	    "may: an operator their own, a supervisor their team's.");
	s->data = d;
	s->nav = 1;
	return s;
}
