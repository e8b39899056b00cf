/*
 * chart.c -- bar charts, sparklines and two-period trends for the TUI
 * (chart.h): text built without a terminal, then drawn in theme colours.
 */
#include <langinfo.h>
#include <stdlib.h>
#include <string.h>

#include "tui/scr/chart.h"
#include "tui/scr/scr.h"

/* Levels of a sparkline, lowest first. */
static const char *const spark_utf8[8] = {
	"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
	"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88",
};
static const char spark_ascii[] = " .:-=+*#";
#define FULL_BLOCK	"\xe2\x96\x88"

/* ---------------------------------------------------------------- pure */

/*
 * a * b / c for a <= c, c > 0, b >= 0 small: 128 bits hold the product of
 * two int64 spans (GCC and Clang both have unsigned __int128).
 */
static uint64_t
mul_div(uint64_t a, uint64_t b, uint64_t c)
{
	return (uint64_t)((unsigned __int128)a * b / c);
}

int
chart_scale(int64_t v, int64_t max, int width)
{
	uint64_t n;

	if (v <= 0 || max <= 0 || width <= 0)
		return 0;
	if (v >= max)
		return width;
	n = mul_div((uint64_t)v, (uint64_t)width, (uint64_t)max);
	return n == 0 ? 1 : (int)n;
}

int
chart_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs != NULL && (strcmp(cs, "UTF-8") == 0 ||
	    strcmp(cs, "utf8") == 0);
}

void
chart_spark_range(struct sd_buf *out, const int64_t *v, int n, int64_t lo,
    int64_t hi, int utf8)
{
	/* The span as unsigned: hi - lo does not fit int64 at the ends. */
	uint64_t span = hi > lo ? (uint64_t)hi - (uint64_t)lo : 0;

	for (int i = 0; i < n; i++) {
		int64_t x = v[i] < lo ? lo : v[i] > hi ? hi : v[i];
		int level = 0;

		if (span > 0)
			level = (int)mul_div((uint64_t)x - (uint64_t)lo, 7,
			    span);
		if (utf8)
			sd_buf_adds(out, spark_utf8[level]);
		else
			sd_buf_addc(out, spark_ascii[level]);
	}
}

void
chart_spark(struct sd_buf *out, const int64_t *v, int n, int utf8)
{
	int64_t lo = n > 0 ? v[0] : 0, hi = lo;

	for (int i = 1; i < n; i++) {
		if (v[i] < lo)
			lo = v[i];
		if (v[i] > hi)
			hi = v[i];
	}
	chart_spark_range(out, v, n, lo, hi, utf8);
}

void
chart_label(struct sd_buf *out, const char *label, int cols)
{
	if (cols > 0)
		sd_width_fit(out, label != NULL ? label : "", cols, 1);
}

/* A bar's value text: its own, or the value as a whole number. */
static const char *
bar_text(const struct chart_bar *b, char *buf, size_t size)
{
	if (b->text != NULL)
		return b->text;
	snprintf(buf, size, "%lld", (long long)b->value);
	return buf;
}

void
chart_bar_layout(const struct chart_bar *bars, int n, int width,
    struct chart_layout *lay)
{
	char buf[24];

	memset(lay, 0, sizeof *lay);
	for (int i = 0; i < n; i++) {
		int lw = sd_width(bars[i].label != NULL ? bars[i].label : "");
		int vw = sd_width(bar_text(&bars[i], buf, sizeof buf));

		if (lw > lay->label_w)
			lay->label_w = lw;
		if (vw > lay->value_w)
			lay->value_w = vw;
		if (bars[i].value > lay->max)
			lay->max = bars[i].value;
	}
	if (lay->label_w > width / 3)
		lay->label_w = width / 3;
	if (lay->value_w > width / 3)
		lay->value_w = width / 3;
	lay->bar_w = width - lay->label_w - lay->value_w - 2;
	if (lay->bar_w < 1)
		lay->bar_w = 1;
}

void
chart_bar_line(struct sd_buf *out, const struct chart_bar *b,
    const struct chart_layout *lay, int utf8)
{
	struct sd_buf v = SD_BUF_INIT;
	char buf[24];
	int cells = chart_scale(b->value, lay->max, lay->bar_w), w;

	chart_label(out, b->label, lay->label_w);
	sd_buf_addc(out, ' ');
	for (int i = 0; i < lay->bar_w; i++)
		if (i >= cells)
			sd_buf_addc(out, ' ');
		else if (utf8)
			sd_buf_adds(out, FULL_BLOCK);
		else
			sd_buf_addc(out, '#');
	sd_buf_addc(out, ' ');
	w = sd_width_fit(&v, bar_text(b, buf, sizeof buf), lay->value_w, 0);
	for (; w < lay->value_w; w++)
		sd_buf_addc(out, ' ');
	sd_buf_adds(out, sd_buf_cstr(&v));
	sd_buf_free(&v);
}

/* ---------------------------------------------------------------- drawing */

/* s at (y, x) in attr, if the row is on the screen. */
static void
put(int y, int x, const char *s, int attr)
{
	if (y < 0 || y >= LINES || x < 0 || x >= COLS)
		return;
	attron(attr);
	mvaddstr(y, x, s);
	attroff(attr);
}

int
chart_bars_draw(int y, int x, int width, int height,
    const struct chart_bar *bars, int n)
{
	struct chart_layout lay;
	struct sd_buf b = SD_BUF_INIT;
	int utf8 = chart_utf8(), rows = n < height ? n : height;

	if (x + width > COLS)
		width = COLS - x;
	if (width < 4 || rows <= 0)
		return 0;
	chart_bar_layout(bars, rows, width, &lay);
	/* Label, bar and value in their colours, at chart_bar_line's columns. */
	for (int i = 0; i < rows; i++) {
		int cells = chart_scale(bars[i].value, lay.max, lay.bar_w);
		char buf[24];

		sd_buf_reset(&b);
		chart_label(&b, bars[i].label, lay.label_w);
		put(y + i, x, sd_buf_cstr(&b), theme_attr(TH_NORMAL));
		sd_buf_reset(&b);
		for (int c = 0; c < cells; c++)
			sd_buf_adds(&b, utf8 ? FULL_BLOCK : "#");
		put(y + i, x + lay.label_w + 1, sd_buf_cstr(&b),
		    theme_attr(TH_OK));
		sd_buf_reset(&b);
		sd_width_fit(&b, bar_text(&bars[i], buf, sizeof buf),
		    lay.value_w, 0);
		put(y + i, x + lay.label_w + lay.bar_w + 2 + lay.value_w -
		    sd_width(sd_buf_cstr(&b)), sd_buf_cstr(&b),
		    theme_attr(TH_NORMAL));
	}
	sd_buf_free(&b);
	return rows;
}

int
chart_trend_draw(int y, int x, int width, const char *cur_label,
    const int64_t *cur, const char *prev_label, const int64_t *prev, int n)
{
	struct sd_buf b = SD_BUF_INIT;
	int lw = sd_width(cur_label), pw = sd_width(prev_label), sw, skip;
	int64_t lo, hi;

	if (x + width > COLS)
		width = COLS - x;
	if (pw > lw)
		lw = pw;
	if (lw > width / 3)
		lw = width / 3;
	sw = width - lw - 1;
	if (sw < 1 || n <= 0)
		return 0;
	skip = n > sw ? n - sw : 0;
	lo = hi = cur[skip];
	for (int i = skip; i < n; i++) {
		lo = cur[i] < lo ? cur[i] : lo;
		lo = prev[i] < lo ? prev[i] : lo;
		hi = cur[i] > hi ? cur[i] : hi;
		hi = prev[i] > hi ? prev[i] : hi;
	}
	for (int r = 0; r < 2; r++) {
		sd_buf_reset(&b);
		chart_label(&b, r == 0 ? cur_label : prev_label, lw);
		put(y + r, x, sd_buf_cstr(&b), theme_attr(TH_NORMAL));
		sd_buf_reset(&b);
		chart_spark_range(&b, (r == 0 ? cur : prev) + skip, n - skip,
		    lo, hi, chart_utf8());
		put(y + r, x + lw + 1, sd_buf_cstr(&b),
		    theme_attr(r == 0 ? TH_OK : TH_DIM));
	}
	sd_buf_free(&b);
	return 2;
}
