/*
 * chart.h -- small charts for the TUI's Reports screen: a horizontal bar
 * chart, sparklines and a two-period trend.  The pure parts build text
 * (no terminal needed, unit-tested); the draw functions put it on the
 * screen with the theme's colours.
 */
#ifndef SD_CHART_H
#define SD_CHART_H

#include <stdint.h>

#include "core/core.h"

/* ---------------------------------------------------------------- pure */

/*
 * The cells of a bar for v against max in width cells: 0 when v <= 0,
 * max <= 0 or width <= 0; width when v >= max; else v * width / max
 * rounded down but at least 1, so a small positive value still shows.
 * Exact for every int64 (no overflow).
 */
int	chart_scale(int64_t v, int64_t max, int width);

/* 1 when the locale's codeset (nl_langinfo(CODESET)) is UTF-8. */
int	chart_utf8(void);

/*
 * Append to out a sparkline of v[0..n-1], one character a value: ▁▂▃▄▅▆▇█
 * when utf8, else " .:-=+*#".  chart_spark scales between the series'
 * own least and greatest value; chart_spark_range between lo and hi
 * (values outside are clamped), so two series can share one scale.  All
 * values equal (or hi <= lo): the lowest level for all.
 */
void	chart_spark(struct sd_buf *out, const int64_t *v, int n, int utf8);
void	chart_spark_range(struct sd_buf *out, const int64_t *v, int n,
	    int64_t lo, int64_t hi, int utf8);

/*
 * Append label to out fitted to exactly cols display columns: cut never
 * inside a wide character, padded with spaces (CJK counts 2).
 */
void	chart_label(struct sd_buf *out, const char *label, int cols);

/* One bar of a chart: value text NULL: the value as a whole number. */
struct chart_bar {
	const char	*label;
	int64_t		 value;
	const char	*text;		/* "1234.50", "35%" ... or NULL */
};

/* How a bar chart of width columns splits a line. */
struct chart_layout {
	int	label_w;	/* the widest label, at most a third */
	int	bar_w;		/* what is left, at least 1 */
	int	value_w;	/* the widest value text */
	int64_t	max;		/* the greatest value, the full bar */
};
void	chart_bar_layout(const struct chart_bar *bars, int n, int width,
	    struct chart_layout *lay);
/*
 * Append one line of the chart for b: label, space, bar (█ or #, padded
 * with spaces), space, value right-aligned; lay->label_w + bar_w +
 * value_w + 2 columns in all.
 */
void	chart_bar_line(struct sd_buf *out, const struct chart_bar *b,
	    const struct chart_layout *lay, int utf8);

/* ---------------------------------------------------------------- drawing */

/*
 * Draw bars[0..n-1] from row y, column x, width columns wide and at most
 * height rows (the first height bars); the bars in the theme's TH_OK
 * colour.  Returns the rows drawn.
 */
int	chart_bars_draw(int y, int x, int width, int height,
	    const struct chart_bar *bars, int n);
/*
 * Two rows: the current period's sparkline (TH_OK) above the previous
 * one's (TH_DIM), on one scale, each after its label; the last width
 * values when there are more.  Returns the rows drawn (2).
 */
int	chart_trend_draw(int y, int x, int width, const char *cur_label,
	    const int64_t *cur, const char *prev_label, const int64_t *prev,
	    int n);

#endif
