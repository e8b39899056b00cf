/*
 * cmd_report.c -- simdeskctl's reports (report calls|sales|rebuild).
 * Each report is first a table of typed columns (text, count, fen,
 * seconds, per mille), then printed aligned by display width or as JSON;
 * an export takes the same table (struct rep_table, tui/tui.h).
 */
#include <stdlib.h>
#include <string.h>

#include "tui/export.h"
#include "tui/tui.h"

/* ---------------------------------------------------------------- typed tables */

void
rep_table_init(struct rep_table *t)
{
	memset(t, 0, sizeof *t);
}

void
rep_col(struct rep_table *t, const char *key, const char *head, int type)
{
	if (t->ncols >= REP_COLS_MAX)
		return;
	t->cols[t->ncols].key = key;
	t->cols[t->ncols].head = head;
	t->cols[t->ncols].type = type;
	t->ncols++;
}

struct rep_cell *
rep_row(struct rep_table *t)
{
	t->cells = xrealloc(t->cells, (size_t)(t->nrows + 1) *
	    (size_t)t->ncols * sizeof *t->cells);
	memset(&t->cells[(size_t)t->nrows * (size_t)t->ncols], 0,
	    (size_t)t->ncols * sizeof *t->cells);
	return &t->cells[(size_t)t->nrows++ * (size_t)t->ncols];
}

void
rep_table_free(struct rep_table *t)
{
	free(t->cells);
	memset(t, 0, sizeof *t);
}

/* A cell for people: counts as they are, fen as yuan, seconds as
 * h:mm:ss, per mille as a percent with one decimal; "-" when null. */
void
rep_cell_text(const struct rep_cell *c, int type, char *out, size_t size)
{
	long long v = (long long)c->v, a = v < 0 ? -v : v;

	if (c->null) {
		snprintf(out, size, "-");
		return;
	}
	switch (type) {
	case REP_TEXT:
		snprintf(out, size, "%s", c->text);
		break;
	case REP_FEN:
		sd_money_format(c->v, out, size);
		break;
	case REP_SECONDS:
		snprintf(out, size, "%s%lld:%02lld:%02lld", v < 0 ? "-" : "",
		    a / 3600, a / 60 % 60, a % 60);
		break;
	case REP_PERMILLE:
		snprintf(out, size, "%s%lld.%lld%%", v < 0 ? "-" : "", a / 10,
		    a % 10);
		break;
	default:
		snprintf(out, size, "%lld", v);
	}
}

static void
rep_print(const struct rep_table *t, FILE *f)
{
	struct out_table o;
	const char *cells[REP_COLS_MAX];
	char buf[REP_COLS_MAX][80];

	for (int i = 0; i < t->ncols; i++)
		cells[i] = t->cols[i].head;
	out_table_init(&o, t->ncols, cells);
	for (int i = 0; i < t->ncols; i++) {
		o.right[i] = t->cols[i].type != REP_TEXT;
	}
	for (int r = 0; r < t->nrows; r++) {
		for (int i = 0; i < t->ncols; i++) {
			rep_cell_text(&t->cells[(size_t)r * (size_t)t->ncols + (size_t)i],
			    t->cols[i].type, buf[i], sizeof buf[i]);
			cells[i] = buf[i];
		}
		out_table_row(&o, cells);
	}
	out_table_print(&o, f);
	out_table_free(&o);
}

static void
rep_json_row(struct out_json *j, const struct rep_table *t, int r,
    const char *key)
{
	json_obj_open(j, key);
	for (int i = 0; i < t->ncols; i++) {
		const struct rep_cell *c =
		    &t->cells[(size_t)r * (size_t)t->ncols + (size_t)i];

		if (t->cols[i].type == REP_TEXT)
			json_str(j, t->cols[i].key, c->text);
		else if (c->null)
			json_null(j, t->cols[i].key);
		else
			json_int(j, t->cols[i].key, c->v);
	}
	json_obj_close(j);
}

struct exp_table *
rep_export(const struct rep_table *t, const char *sheet)
{
	static const enum exp_kind kinds[] = { [REP_TEXT] = EXP_TEXT,
	    [REP_COUNT] = EXP_COUNT, [REP_FEN] = EXP_FEN,
	    [REP_SECONDS] = EXP_SECONDS, [REP_PERMILLE] = EXP_BP };
	struct exp_table *x = exp_new(sheet);

	for (int i = 0; i < t->ncols; i++)
		exp_col(x, t->cols[i].head, kinds[t->cols[i].type]);
	for (int r = 0; r < t->nrows; r++) {
		exp_row(x);
		for (int i = 0; i < t->ncols; i++) {
			const struct rep_cell *c =
			    &t->cells[(size_t)r * (size_t)t->ncols + (size_t)i];

			if (t->cols[i].type == REP_TEXT)
				exp_str(x, c->text);
			else if (c->null)
				exp_empty(x);
			else if (t->cols[i].type == REP_PERMILLE)
				exp_int(x, c->v * 10);	/* basis points */
			else
				exp_int(x, c->v);
		}
	}
	return x;
}

/* ---------------------------------------------------------------- reports */

struct rep_state {
	struct ctl_ctx		*c;
	int			 calls;
	struct sd_report_head	 h;
	struct rep_table	 t;
};

static void
day_to_text(int day, char *out, size_t size)
{
	sd_day_text(day, out, size);
}

/* The group column's head per grouping (SD_BY_*), as the table shows it. */
static const char *const by_heads[SD_BY__COUNT] = {
	[SD_BY_OPERATOR] = "OPERATOR", [SD_BY_TEAM] = "TEAM",
	[SD_BY_DAY] = "DAY", [SD_BY_WEEK] = "WEEK", [SD_BY_MONTH] = "MONTH",
	[SD_BY_PLAN] = "PLAN", [SD_BY_CHANNEL] = "CHANNEL",
	[SD_BY_AGENT] = "AGENT",
};

/* The columns: the group, the figures, and with compare the main
 * figures' previous value, difference and change. */
void
rep_report_columns(struct rep_table *t, int calls, int by, int compare)
{
	rep_col(t, sd_report_by_name(by), by >= 0 && by < SD_BY__COUNT ?
	    by_heads[by] : "GROUP", REP_TEXT);
	if (calls) {
		rep_col(t, "out", "OUT", REP_COUNT);
		rep_col(t, "in", "IN", REP_COUNT);
		rep_col(t, "answered", "ANSWERED", REP_COUNT);
		rep_col(t, "reached_permille", "REACHED", REP_PERMILLE);
		rep_col(t, "talk_s", "TALK", REP_SECONDS);
		rep_col(t, "avg_talk_s", "AVG TALK", REP_SECONDS);
		rep_col(t, "longest_s", "LONGEST", REP_SECONDS);
		rep_col(t, "missed", "MISSED", REP_COUNT);
		if (compare) {
			rep_col(t, "prev_out", "PREV OUT", REP_COUNT);
			rep_col(t, "delta_out", "ΔOUT", REP_COUNT);
			rep_col(t, "change_out_permille", "ΔOUT%", REP_PERMILLE);
			rep_col(t, "prev_answered", "PREV ANS", REP_COUNT);
			rep_col(t, "delta_answered", "ΔANS", REP_COUNT);
			rep_col(t, "change_answered_permille", "ΔANS%",
			    REP_PERMILLE);
			rep_col(t, "prev_talk_s", "PREV TALK", REP_SECONDS);
			rep_col(t, "delta_talk_s", "ΔTALK", REP_SECONDS);
			rep_col(t, "change_talk_permille", "ΔTALK%",
			    REP_PERMILLE);
		}
	} else {
		rep_col(t, "activations", "ACTIVATIONS", REP_COUNT);
		rep_col(t, "revenue_fen", "REVENUE", REP_FEN);
		rep_col(t, "avg_price_fen", "AVG PRICE", REP_FEN);
		if (compare) {
			rep_col(t, "prev_activations", "PREV ACT", REP_COUNT);
			rep_col(t, "delta_activations", "ΔACT", REP_COUNT);
			rep_col(t, "change_activations_permille", "ΔACT%",
			    REP_PERMILLE);
			rep_col(t, "prev_revenue_fen", "PREV REVENUE", REP_FEN);
			rep_col(t, "delta_revenue_fen", "ΔREVENUE", REP_FEN);
			rep_col(t, "change_revenue_permille", "ΔREV%",
			    REP_PERMILLE);
		}
	}
}

/* x / n rounded half up (0 when n is 0). */
static int64_t
avg(int64_t x, int64_t n)
{
	return n > 0 ? (x + n / 2) / n : 0;
}

/* The previous value, the difference and the change in per mille of the
 * previous (null when there was none). */
static struct rep_cell *
compare_cells(struct rep_cell *c, int64_t now, int64_t prev)
{
	c[0].v = prev;
	c[1].v = now - prev;
	if (prev == 0)
		c[2].null = 1;
	else {
		int64_t d = (now - prev) * 1000, a = prev < 0 ? -prev : prev;

		c[2].v = d >= 0 ? (d + a / 2) / a : -((-d + a / 2) / a);
	}
	return c + 3;
}

void
rep_report_row(struct rep_table *t, int calls, int compare,
    const struct sd_report_row *r)
{
	struct rep_cell *c = rep_row(t);

	sd_strlcpy(c[0].text, r->group, sizeof c[0].text);
	if (calls) {
		c[1].v = r->v[SD_RC_OUT];
		c[2].v = r->v[SD_RC_IN];
		c[3].v = r->v[SD_RC_ANSWERED];
		c[4].v = sd_permille(r->v[SD_RC_OUT_ANSWERED], r->v[SD_RC_OUT]);
		c[5].v = r->v[SD_RC_TALK_S];
		c[6].v = avg(r->v[SD_RC_TALK_S], r->v[SD_RC_ANSWERED]);
		c[7].v = r->v[SD_RC_LONGEST_S];
		c[8].v = r->v[SD_RC_MISSED];
		if (compare) {
			c = compare_cells(c + 9, r->v[SD_RC_OUT],
			    r->prev[SD_RC_OUT]);
			c = compare_cells(c, r->v[SD_RC_ANSWERED],
			    r->prev[SD_RC_ANSWERED]);
			compare_cells(c, r->v[SD_RC_TALK_S],
			    r->prev[SD_RC_TALK_S]);
		}
	} else {
		c[1].v = r->v[SD_RS_ACTIVATIONS];
		c[2].v = r->v[SD_RS_REVENUE_FEN];
		c[3].v = avg(r->v[SD_RS_REVENUE_FEN], r->v[SD_RS_ACTIVATIONS]);
		if (compare) {
			c = compare_cells(c + 4, r->v[SD_RS_ACTIVATIONS],
			    r->prev[SD_RS_ACTIVATIONS]);
			compare_cells(c, r->v[SD_RS_REVENUE_FEN],
			    r->prev[SD_RS_REVENUE_FEN]);
		}
	}
}

static int
rep_take(const struct sd_report_row *r, void *arg)
{
	struct rep_state *rs = arg;

	if (rs->t.ncols == 0)
		rep_report_columns(&rs->t, rs->calls, rs->h.by, rs->h.compare);
	rep_report_row(&rs->t, rs->calls, rs->h.compare, r);
	return 0;
}

/* t written to the client's file out (opened by simdeskctl, passed as
 * a descriptor) as settlement export writes its file. */
static int
rep_write(const struct rep_table *t, const char *sheet, enum exp_format fmt,
    const char *out, struct sd_err *err)
{
	struct exp_table *xt = rep_export(t, sheet);
	FILE *fp;
	int st;

	if ((fp = sd_file_open(out, "wb", err)) == NULL)
		st = err->status;
	else {
		st = exp_write_fp(xt, fmt, fp, out, err);
		if (fclose(fp) != 0 && st == SD_OK)
			st = sd_err_set(err, SD_EINVAL, "out: %s: write failed",
			    out);
	}
	exp_free(xt);
	return st;
}

static int
report(struct ctl_ctx *c, int calls)
{
	struct sd_report_query q;
	struct rep_state rs;
	const char *xf = ctl_opt(c, "export"), *out = ctl_opt(c, "out");
	enum exp_format fmt = EXP_CSV;
	char from[16], to[16];
	int st;

	/* An export: its format and file, checked before anything is read
	 * (the client writes the file only when the command succeeds). */
	if (xf != NULL && (st = exp_format_parse(xf, &fmt, &c->err)) != SD_OK)
		return st;
	if (xf != NULL && (out == NULL || out[0] == '\0'))
		return sd_err_set(&c->err, SD_EINVAL, "out: the file to write "
		    "the export to is missing");
	if (xf == NULL && out != NULL)
		return sd_err_set(&c->err, SD_EINVAL, "export: the format "
		    "(csv, csv-gbk or xlsx) of the file %s is missing", out);
	memset(&q, 0, sizeof q);
	memset(&rs, 0, sizeof rs);
	rs.c = c;
	rs.calls = calls;
	rep_table_init(&rs.t);
	q.period = ctl_opt(c, "period");
	q.from = ctl_opt(c, "from");
	q.to = ctl_opt(c, "to");
	q.by = ctl_opt(c, "by");
	q.team = ctl_opt(c, "team");
	q.agent = calls ? NULL : ctl_opt(c, "agent");
	q.compare = ctl_opt(c, "compare") != NULL;
	st = (calls ? sd_report_calls : sd_report_sales)(&c->sess, &q, &rs.h,
	    rep_take, &rs, &c->err);
	if (st != SD_OK) {
		rep_table_free(&rs.t);
		return st;
	}
	if (xf != NULL) {
		st = rep_write(&rs.t, calls ? "calls" : "sales", fmt, out,
		    &c->err);
		rep_table_free(&rs.t);
		return st;
	}
	day_to_text(rs.h.p.from, from, sizeof from);
	day_to_text(rs.h.p.to - 1, to, sizeof to);
	if (c->json) {
		struct out_json j;

		json_begin(&j, ctl_out());
		json_obj_open(&j, NULL);
		json_str(&j, "report", calls ? "calls" : "sales");
		json_str(&j, "from", from);
		json_str(&j, "to", to);
		json_str(&j, "by", sd_report_by_name(rs.h.by));
		if (rs.h.compare) {
			day_to_text(rs.h.p.prev_from, from, sizeof from);
			day_to_text(rs.h.p.prev_to - 1, to, sizeof to);
			json_str(&j, "prev_from", from);
			json_str(&j, "prev_to", to);
		}
		json_arr_open(&j, "rows");
		for (int r = 0; r + 1 < rs.t.nrows; r++)
			rep_json_row(&j, &rs.t, r, NULL);
		json_arr_close(&j);
		rep_json_row(&j, &rs.t, rs.t.nrows - 1, "total");
		json_obj_close(&j);
		json_end(&j);
	} else {
		fprintf(ctl_out(), "%s %s to %s, by %s", calls ? "Calls" :
		    "Sales", from, to, sd_report_by_name(rs.h.by));
		if (rs.h.compare) {
			day_to_text(rs.h.p.prev_from, from, sizeof from);
			day_to_text(rs.h.p.prev_to - 1, to, sizeof to);
			fprintf(ctl_out(), ", compared with %s to %s", from, to);
		}
		fprintf(ctl_out(), "\n");
		rep_print(&rs.t, ctl_out());
	}
	rep_table_free(&rs.t);
	return SD_OK;
}

int
cmd_report_calls(struct ctl_ctx *c)
{
	return report(c, 1);
}

int
cmd_report_sales(struct ctl_ctx *c)
{
	return report(c, 0);
}

int
cmd_report_rebuild(struct ctl_ctx *c)
{
	long calls = 0, sales = 0;
	int st = sd_report_rebuild(&c->sess, &calls, &sales, &c->err);

	if (st == SD_OK)
		fprintf(ctl_out(), "rollups rebuilt: %ld call rows, %ld sales "
		    "rows\n", calls, sales);
	return st;
}
