/*
 * test_text.c -- display width (CJK = 2), truncation that never splits a
 * wide character, UTF-8 validation, exact money and rate parsing, local
 * time, and the shared field checks.  Expected values are worked out by
 * hand here, not computed with the code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"

static void
widths(void **state)
{
	static const struct { const char *s; int w; } v[] = {
		{ "", 0 }, { "abc", 3 }, { "日本語", 6 }, { "ab中文c", 7 },
		{ "王小明", 6 }, { "Ｆ", 2 }, { "한국", 4 }, { "é", 1 },
		{ "e\xcc\x81", 1 },		/* e + combining acute */
		{ "\xff" "a", 2 },		/* invalid byte = U+FFFD */
		{ "\xe4\xb8", 2 },		/* truncated sequence */
		{ "\xf0\xa0\x80\x80", 2 },	/* U+20000, CJK ext. B */
	};

	(void)state;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		if (sd_width(v[i].s) != v[i].w)
			fail_msg("width of case %zu: %d, want %d", i,
			    sd_width(v[i].s), v[i].w);
	}
}

static void
fit_never_splits(void **state)
{
	struct sd_buf b = SD_BUF_INIT;

	(void)state;
	assert_int_equal(sd_width_fit(&b, "日本語", 5, 1), 5);
	assert_string_equal(b.p, "日本 ");
	sd_buf_reset(&b);
	assert_int_equal(sd_width_fit(&b, "日本語", 5, 0), 4);
	assert_string_equal(b.p, "日本");
	sd_buf_reset(&b);
	assert_int_equal(sd_width_fit(&b, "a日本", 2, 1), 2);
	assert_string_equal(b.p, "a ");
	sd_buf_reset(&b);
	assert_int_equal(sd_width_fit(&b, "abc", 6, 1), 6);
	assert_string_equal(b.p, "abc   ");
	sd_buf_reset(&b);
	sd_width_fit(&b, "a\xffz", 3, 0);
	assert_string_equal(b.p, "a\xef\xbf\xbdz");
	sd_buf_reset(&b);
	sd_width_fit(&b, "a\tb", 3, 0);		/* no control bytes out */
	assert_string_equal(b.p, "a?b");
	sd_buf_free(&b);
}

static void
utf8_validation(void **state)
{
	(void)state;
	assert_true(sd_utf8_valid("王小明", strlen("王小明")));
	assert_false(sd_utf8_valid("\xc0\xaf", 2));		/* overlong */
	assert_false(sd_utf8_valid("\xed\xa0\x80", 3));	/* surrogate */
	assert_false(sd_utf8_valid("\xf4\x90\x80\x80", 4));	/* > U+10FFFF */
	assert_false(sd_utf8_valid("\xb0\xa1", 2));		/* GB2312 啊 */
}

static void
money(void **state)
{
	static const struct { const char *s; int64_t fen; } ok[] = {
		{ "39", 3900 }, { "0.15", 15 }, { "0.1", 10 }, { "-3.5", -350 },
		{ "+2", 200 }, { "0", 0 }, { "0.01", 1 }, { "123456789.99", 12345678999LL },
		{ ".5", 50 },
	};
	static const char *const bad[] = { "", "-", ".", "1.", "0.155", "1e5",
	    "1,000", "abc", "1.2.3", " 1", "99999999999999999999", NULL };
	char out[32];
	int64_t v;

	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		assert_int_equal(sd_money_parse(ok[i].s, &v), SD_OK);
		if (v != ok[i].fen)
			fail_msg("%s: %lld, want %lld", ok[i].s, (long long)v,
			    (long long)ok[i].fen);
	}
	for (int i = 0; bad[i] != NULL; i++)
		if (sd_money_parse(bad[i], &v) == SD_OK)
			fail_msg("'%s' was accepted", bad[i]);
	sd_money_format(3900, out, sizeof out);
	assert_string_equal(out, "39.00");
	sd_money_format(-5, out, sizeof out);
	assert_string_equal(out, "-0.05");
	sd_money_format(INT64_MIN + 1, out, sizeof out);
	assert_string_equal(out, "-92233720368547758.07");
}

static void
rates(void **state)
{
	int64_t v;

	(void)state;
	/* 1 yuan = 100 fen = 100000 milli-fen */
	assert_int_equal(sd_rate_parse("0.15", &v), SD_OK);
	assert_int_equal(v, 15000);
	assert_int_equal(sd_rate_parse("0.099", &v), SD_OK);
	assert_int_equal(v, 9900);
	assert_int_equal(sd_rate_parse("0.00001", &v), SD_OK);
	assert_int_equal(v, 1);
	assert_int_not_equal(sd_rate_parse("0.000001", &v), SD_OK);
}

static void
times(void **state)
{
	int64_t t;
	char out[32];

	(void)state;
	sd_process_set_timezone("Asia/Shanghai");
	/* 2026-01-01T00:00:00Z is 1767225600; Shanghai is 8 hours ahead. */
	assert_int_equal(sd_time_parse("2026-01-01", &t), SD_OK);
	assert_true(t == 1767225600 - 8 * 3600);
	assert_int_equal(sd_time_parse("2026-01-01 08:30", &t), SD_OK);
	assert_true(t == 1767225600 + 30 * 60);
	assert_int_equal(sd_time_parse("2026-01-01 08:30:15", &t), SD_OK);
	assert_true(t == 1767225600 + 30 * 60 + 15);
	assert_int_equal(sd_time_parse("@42", &t), SD_OK);
	assert_true(t == 42);
	assert_int_not_equal(sd_time_parse("2026-02-30", &t), SD_OK);
	assert_int_not_equal(sd_time_parse("2026-13-01", &t), SD_OK);
	assert_int_not_equal(sd_time_parse("2026-01-01 25:00", &t), SD_OK);
	assert_int_not_equal(sd_time_parse("yesterday", &t), SD_OK);
	assert_int_not_equal(sd_time_parse("2026-01-01x", &t), SD_OK);
	sd_time_format(1767225600, out, sizeof out);
	assert_string_equal(out, "2026-01-01 08:00:00");
}

/* A local day as [from, to). */
static void
day_ranges(void **state)
{
	struct sd_err e;
	int64_t from, to, t;

	(void)state;
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	assert_int_equal(sd_day_range("2026-12-02", 0, &from, &to, &e), SD_OK);
	assert_int_equal(sd_time_parse("2026-12-02 00:00", &t), SD_OK);
	assert_int_equal(from, t);
	assert_int_equal(to - from, 86400);
	/* Empty: the day of now, wherever in it now is. */
	assert_int_equal(sd_day_range("", t + 50000, &from, &to, &e), SD_OK);
	assert_int_equal(from, t);
	assert_int_equal(sd_day_range("2026-13-01", 0, &from, &to, &e),
	    SD_EINVAL);
	assert_non_null(strstr(e.msg, "day: '2026-13-01' is not a date"));
	assert_int_equal(sd_day_range("2026-12-02 10:00", 0, &from, &to, &e),
	    SD_EINVAL);
}

/* The cash desk's change: integer fen, never less than paid. */
static void
cash_change(void **state)
{
	struct sd_err e;
	int64_t c;

	(void)state;
	assert_int_equal(sd_cash_change("39.00", "50", &c, &e), SD_OK);
	assert_int_equal(c, 1100);
	assert_int_equal(sd_cash_change("0.10", "0.30", &c, &e), SD_OK);
	assert_int_equal(c, 20);
	assert_int_equal(sd_cash_change("39", "", &c, &e), SD_OK);
	assert_int_equal(c, 0);
	assert_int_equal(sd_cash_change("39", "39", &c, &e), SD_OK);
	assert_int_equal(c, 0);
	assert_int_equal(sd_cash_change("39.00", "30", &c, &e), SD_EINVAL);
	assert_non_null(strstr(e.msg, "received: 30 is less than 39.00"));
	assert_int_equal(sd_cash_change("39.00", "abc", &c, &e), SD_EINVAL);
	assert_non_null(strstr(e.msg, "received: 'abc' is not an amount"));
	assert_int_equal(sd_cash_change("abc", "50", &c, &e), SD_EINVAL);
	assert_non_null(strstr(e.msg, "amount:"));
}

/* A bill run's month and an adjustment's fields, as the TUI checks them
 * when each prompt is left (core's rules, the same as the operations'). */
static void
bill_checks(void **state)
{
	struct sd_err e;
	int m;

	(void)state;
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	assert_int_equal(sd_bill_month_check("2026-01", &m, &e), SD_OK);
	assert_int_equal(m, 202601);
	assert_int_equal(sd_bill_month_check("2026-13", &m, &e), SD_EINVAL);
	assert_non_null(strstr(e.msg, "month: '2026-13' is not YYYY-MM"));
	assert_int_equal(sd_bill_month_check("", &m, &e), SD_EINVAL);
	assert_non_null(strstr(e.msg, "month: required"));
	assert_int_equal(sd_bill_month_check("2999-12", &m, &e), SD_EREFUSED);
	assert_non_null(strstr(e.msg, "month: 2999-12 has not begun"));
	assert_int_equal(sd_bill_adjust_field_check("amount", "-5", &e), SD_OK);
	assert_int_equal(sd_bill_adjust_field_check("amount", "12.50", &e),
	    SD_OK);
	assert_int_equal(sd_bill_adjust_field_check("amount", "-1000000", &e),
	    SD_OK);
	assert_int_equal(sd_bill_adjust_field_check("amount", "abc", &e),
	    SD_EINVAL);
	assert_non_null(strstr(e.msg, "amount: 'abc' is not an amount in yuan"));
	assert_int_equal(sd_bill_adjust_field_check("amount", "0.00", &e),
	    SD_EINVAL);
	assert_non_null(strstr(e.msg, "amount: must not be 0"));
	assert_int_equal(sd_bill_adjust_field_check("amount", "1.234", &e),
	    SD_EINVAL);
	assert_int_equal(sd_bill_adjust_field_check("amount", "-1000000.01",
	    &e), SD_EINVAL);
	assert_non_null(strstr(e.msg, "amount: the limit is 1000000.00 yuan"));
	assert_int_equal(sd_bill_adjust_field_check("amount", "", &e),
	    SD_EINVAL);
	assert_non_null(strstr(e.msg, "amount: required"));
	assert_int_equal(sd_bill_adjust_field_check("reason", "话费补偿", &e),
	    SD_OK);
	assert_int_equal(sd_bill_adjust_field_check("reason", "", &e),
	    SD_EINVAL);
	assert_non_null(strstr(e.msg, "reason: required"));
}

static void
field_checks(void **state)
{
	struct sd_err e;

	(void)state;
	assert_int_equal(sd_check_login("login", "wang.xm", &e), SD_OK);
	assert_int_equal(sd_check_login("login", "Wang", &e), SD_EINVAL);
	assert_non_null(strstr(e.msg, "login:"));
	assert_int_equal(sd_check_login("login", "", &e), SD_EINVAL);
	assert_int_equal(sd_check_login("login", "a b", &e), SD_EINVAL);
	assert_int_equal(sd_check_phone("phone", "+86 138-0013-8000", &e), SD_OK);
	assert_int_equal(sd_check_phone("phone", "13800138000", &e), SD_OK);
	assert_int_equal(sd_check_phone("phone", "12a", &e), SD_EINVAL);
	/* The one rule of phones (issue 12): mobiles, fixed lines with their
	 * area code, international numbers; each refusal says which. */
	assert_int_equal(sd_check_phone("phone", "010-88886666", &e), SD_OK);
	assert_int_equal(sd_check_phone("phone", "0531-8888666", &e), SD_OK);
	assert_int_equal(sd_check_phone("phone", "+44 20 7946 0123", &e), SD_OK);
	assert_int_equal(sd_check_phone("phone", "0044 20 7946 0123", &e), SD_OK);
	assert_int_equal(sd_check_phone("phone", "1391234", &e), SD_EINVAL);
	assert_non_null(strstr(e.msg, "11 digits starting 13 to 19"));
	assert_int_equal(sd_check_phone("phone", "12345678901", &e), SD_EINVAL);
	assert_int_equal(sd_check_phone("phone", "12345", &e), SD_EINVAL);
	assert_int_equal(sd_check_phone("phone", "010-8888", &e), SD_EINVAL);
	assert_non_null(strstr(e.msg, "area code"));
	assert_int_equal(sd_check_phone("phone", "88886666", &e), SD_EINVAL);
	assert_non_null(strstr(e.msg, "needs its area code"));
	assert_int_equal(sd_check_phone("phone", "+0123456789", &e), SD_EINVAL);
	assert_non_null(strstr(e.msg, "country code"));
	assert_int_equal(sd_check_text("name", "王\n", 10, &e), SD_EINVAL);
	assert_int_equal(sd_check_text("name", "\xb0\xa1", 10, &e), SD_EINVAL);
	assert_int_equal(sd_check_text("name", "王小明", 9, &e), SD_OK);
	assert_int_equal(sd_check_text("name", "王小明", 8, &e), SD_EINVAL);
}

/* Times as people type them (issue 12), against a fixed now. */
static void
human_times(void **state)
{
	int64_t now, t, want;

	(void)state;
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	assert_int_equal(sd_time_parse("2026-12-02 14:30:15", &now), SD_OK);
	assert_int_equal(sd_time_parse_human("tomorrow 10:00", now, &t), SD_OK);
	assert_int_equal(sd_time_parse("2026-12-03 10:00", &want), SD_OK);
	assert_true(t == want);
	assert_int_equal(sd_time_parse_human("明天 10:00", now, &t), SD_OK);
	assert_true(t == want);
	assert_int_equal(sd_time_parse_human("明天10:00", now, &t), SD_OK);
	assert_true(t == want);
	assert_int_equal(sd_time_parse_human("tomorrow", now, &t), SD_OK);
	assert_int_equal(sd_time_parse("2026-12-03 09:00", &want), SD_OK);
	assert_true(t == want);
	assert_int_equal(sd_time_parse_human("后天 8:05", now, &t), SD_OK);
	assert_int_equal(sd_time_parse("2026-12-04 08:05", &want), SD_OK);
	assert_true(t == want);
	assert_int_equal(sd_time_parse_human("15:30", now, &t), SD_OK);
	assert_int_equal(sd_time_parse("2026-12-02 15:30", &want), SD_OK);
	assert_true(t == want);
	assert_int_equal(sd_time_parse_human("12-05 9:00", now, &t), SD_OK);
	assert_int_equal(sd_time_parse("2026-12-05 09:00", &want), SD_OK);
	assert_true(t == want);
	assert_int_equal(sd_time_parse_human("+2d", now, &t), SD_OK);
	assert_true(t == now + 2 * 86400);
	assert_int_equal(sd_time_parse_human("+3h", now, &t), SD_OK);
	assert_true(t == now + 3 * 3600);
	assert_int_equal(sd_time_parse_human("2026-12-09 10:00", now, &t),
	    SD_OK);
	assert_int_equal(sd_time_parse("2026-12-09 10:00", &want), SD_OK);
	assert_true(t == want);
	assert_int_equal(sd_time_parse_human("soon", now, &t), SD_EINVAL);
	assert_int_equal(sd_time_parse_human("tomorrow 25:00", now, &t),
	    SD_EINVAL);
	assert_int_equal(sd_time_parse_human("+2x", now, &t), SD_EINVAL);
	assert_int_equal(sd_time_parse_human("13-40", now, &t), SD_EINVAL);
	assert_int_equal(sd_time_parse_human("12-05 9", now, &t), SD_EINVAL);
	assert_int_equal(sd_time_parse_human("12-05 9:00x", now, &t), SD_EINVAL);
	assert_int_equal(sd_time_parse_human("12-05 9:00 10:00", now, &t),
	    SD_EINVAL);
	assert_int_equal(sd_time_parse_human("9: 5", now, &t), SD_EINVAL);
	assert_int_equal(sd_time_parse_human("+9:30", now, &t), SD_EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(widths),
		cmocka_unit_test(fit_never_splits),
		cmocka_unit_test(utf8_validation),
		cmocka_unit_test(money),
		cmocka_unit_test(rates),
		cmocka_unit_test(times),
		cmocka_unit_test(human_times),
		cmocka_unit_test(field_checks),
		cmocka_unit_test(cash_change),
		cmocka_unit_test(day_ranges),
		cmocka_unit_test(bill_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
