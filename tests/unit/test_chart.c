/*
 * test_chart.c -- the chart helpers' pure parts: bar scaling at the ends
 * of int64 (0, negative, huge) without overflow, sparklines in UTF-8 and
 * in the ASCII fallback, labels fitted by display width (CJK 2) so a bar
 * chart's columns line up at 80 columns.  No terminal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <locale.h>

#include <cmocka.h>

#include "tui/scr/chart.h"
#include "tui/scr/scr.h"

/* chart.c's draw functions take their colours from app.c's theme. */
int
theme_attr(enum theme_item item)
{
	(void)item;
	return 0;
}

static void
scale(void **state)
{
	static const struct { int64_t v, max; int width, want; } v[] = {
		{ 0, 100, 10, 0 }, { -5, 100, 10, 0 }, { 5, 0, 10, 0 },
		{ 5, -1, 10, 0 }, { 5, 100, 0, 0 }, { 5, 100, -3, 0 },
		{ 100, 100, 10, 10 }, { 150, 100, 10, 10 }, { 50, 100, 10, 5 },
		{ 99, 100, 10, 9 },			/* rounded down */
		{ 1, 1000, 10, 1 },			/* small, still seen */
		{ INT64_MIN, INT64_MAX, 80, 0 },
		{ INT64_MAX, INT64_MAX, 80, 80 },
		{ INT64_MAX - 1, INT64_MAX, 80, 79 },
		{ INT64_MAX / 2, INT64_MAX, 80, 39 },	/* 39.99...: 39 */
		{ INT64_MAX / 2 + 1, INT64_MAX, 80, 40 },
		{ 1, INT64_MAX, 80, 1 },
		{ 3000000000000LL, 6000000000000LL, 1000, 500 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		if (chart_scale(v[i].v, v[i].max, v[i].width) != v[i].want)
			fail_msg("case %zu: %d, want %d", i, chart_scale(v[i].v,
			    v[i].max, v[i].width), v[i].want);
}

static void
spark_is(const int64_t *v, int n, int utf8, const char *want)
{
	struct sd_buf b = SD_BUF_INIT;

	chart_spark(&b, v, n, utf8);
	assert_string_equal(sd_buf_cstr(&b), want);
	sd_buf_free(&b);
}

static void
sparklines(void **state)
{
	static const int64_t up[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	static const int64_t flat[] = { 5, 5, 5 };
	static const int64_t neg[] = { -10, 0, 10 };
	static const int64_t ends[] = { INT64_MIN, 0, INT64_MAX };
	static const int64_t over[] = { -5, 50, 200 };
	struct sd_buf b = SD_BUF_INIT;

	(void)state;
	spark_is(up, 8, 1, "▁▂▃▄▅▆▇█");
	spark_is(up, 8, 0, " .:-=+*#");
	spark_is(flat, 3, 1, "▁▁▁");
	spark_is(flat, 3, 0, "   ");
	spark_is(neg, 3, 1, "▁▄█");		/* 10 * 7 / 20 = 3.5: 3 */
	spark_is(ends, 3, 0, " -#");		/* spans all of int64 */
	spark_is(up, 0, 1, "");
	/* One scale for two series: values outside it clamped. */
	chart_spark_range(&b, over, 3, 0, 100, 0);
	assert_string_equal(sd_buf_cstr(&b), " -#");
	sd_buf_reset(&b);
	chart_spark_range(&b, up, 2, 10, 10, 1);	/* no span */
	assert_string_equal(sd_buf_cstr(&b), "▁▁");
	sd_buf_free(&b);
}

/* The codeset decides: C (ASCII) falls back, C.UTF-8 does not. */
static void
codeset(void **state)
{
	char *was = strdup(setlocale(LC_CTYPE, NULL));

	(void)state;
	assert_non_null(setlocale(LC_CTYPE, "C"));
	assert_int_equal(chart_utf8(), 0);
	if (setlocale(LC_CTYPE, "C.UTF-8") == NULL)
		fail_msg("no C.UTF-8 locale");
	assert_int_equal(chart_utf8(), 1);
	setlocale(LC_CTYPE, was);
	free(was);
}

static void
labels(void **state)
{
	static const struct { const char *s; int cols; const char *want; } v[] = {
		{ "王小明", 8, "王小明  " },
		{ "王小明", 6, "王小明" },
		{ "王小明", 5, "王小 " },		/* never half a 明 */
		{ "abc", 2, "ab" },
		{ "", 3, "   " },
		{ NULL, 2, "  " },
		{ "a中", 0, "" },
	};
	struct sd_buf b = SD_BUF_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		sd_buf_reset(&b);
		chart_label(&b, v[i].s, v[i].cols);
		assert_string_equal(sd_buf_cstr(&b), v[i].want);
	}
	sd_buf_free(&b);
}

/* n times c, into a string the caller frees. */
static char *
rep(const char *c, int n)
{
	struct sd_buf b = SD_BUF_INIT;

	for (int i = 0; i < n; i++)
		sd_buf_adds(&b, c);
	sd_buf_cstr(&b);
	return b.p;
}

static void
bars_at_80(void **state)
{
	static const struct chart_bar bars[] = {
		{ "杭州二级", 9200, "92.00" },
		{ "A1", 100, "1.00" },
		/* 19 CJK: 38 columns, more than a third of 80 */
		{ "西湖门店很长很长很长很长很长很长的名字", 0, NULL },
		{ "退", -300, "-3.00" },
	};
	struct chart_layout lay;
	struct sd_buf b = SD_BUF_INIT, want = SD_BUF_INIT;
	char *s;

	(void)state;
	chart_bar_layout(bars, 4, 80, &lay);
	assert_int_equal(lay.label_w, 26);
	assert_int_equal(lay.value_w, 5);
	assert_int_equal(lay.bar_w, 47);
	assert_true(lay.max == 9200);
	for (int i = 0; i < 4; i++) {
		sd_buf_reset(&b);
		chart_bar_line(&b, &bars[i], &lay, 1);
		assert_int_equal(sd_width(sd_buf_cstr(&b)), 80);
	}
	/* ASCII, byte for byte: the bars start at column 27 on every line. */
	sd_buf_reset(&b);
	chart_bar_line(&b, &bars[0], &lay, 0);
	s = rep("#", 47);
	sd_buf_printf(&want, "杭州二级%18s %s 92.00", "", s);
	free(s);
	assert_string_equal(sd_buf_cstr(&b), want.p);
	sd_buf_reset(&b);
	sd_buf_reset(&want);
	chart_bar_line(&b, &bars[1], &lay, 0);	/* 47 * 100 / 9200 < 1: 1 */
	sd_buf_printf(&want, "A1%24s #%46s  1.00", "", "");
	assert_string_equal(sd_buf_cstr(&b), want.p);
	sd_buf_reset(&b);
	sd_buf_reset(&want);
	chart_bar_line(&b, &bars[2], &lay, 0);	/* cut at 26 columns */
	sd_buf_printf(&want, "西湖门店很长很长很长很长很 %47s     0", "");
	assert_string_equal(sd_buf_cstr(&b), want.p);
	sd_buf_reset(&b);
	sd_buf_reset(&want);
	chart_bar_line(&b, &bars[3], &lay, 0);	/* negative: no bar */
	sd_buf_printf(&want, "退%24s %47s -3.00", "", "");
	assert_string_equal(sd_buf_cstr(&b), want.p);
	sd_buf_reset(&b);
	chart_bar_line(&b, &bars[0], &lay, 1);	/* the full bar in █ */
	s = rep("█", 47);
	assert_non_null(strstr(b.p, s));
	free(s);

	/* Narrow: 20 columns still a line of 20. */
	chart_bar_layout(bars, 4, 20, &lay);
	assert_int_equal(lay.label_w, 6);
	assert_int_equal(lay.bar_w, 7);
	for (int i = 0; i < 4; i++) {
		sd_buf_reset(&b);
		chart_bar_line(&b, &bars[i], &lay, 0);
		assert_int_equal(sd_width(sd_buf_cstr(&b)), 20);
	}
	sd_buf_free(&b);
	sd_buf_free(&want);
}

static void
bars_huge(void **state)
{
	const struct chart_bar bars[] = {
		{ "a", INT64_MAX, "max" }, { "b", INT64_MAX / 2 + 1, "half" },
		{ "c", INT64_MIN, "min" },
	};
	struct chart_layout lay;
	struct sd_buf b = SD_BUF_INIT;

	(void)state;
	chart_bar_layout(bars, 3, 30, &lay);
	assert_int_equal(lay.bar_w, 30 - 1 - 4 - 2);
	chart_bar_line(&b, &bars[1], &lay, 0);
	assert_string_equal(sd_buf_cstr(&b), "b " "###########" "             half");
	sd_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(scale),
		cmocka_unit_test(sparklines),
		cmocka_unit_test(codeset),
		cmocka_unit_test(labels),
		cmocka_unit_test(bars_at_80),
		cmocka_unit_test(bars_huge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
