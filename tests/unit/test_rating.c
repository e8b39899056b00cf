/*
 * test_rating.c -- rating vectors worked out by hand (DESIGN.md section 4):
 * per-minute and per-6-second increments, first blocks, connect fees, each
 * rounding mode, calls crossing a band, overnight bands, plan minutes
 * running out in the middle of a call, unanswered calls.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "core/core.h"

/* Local Asia/Shanghai time -> UTC seconds. */
static int64_t
at(int y, int mo, int d, int h, int mi, int s)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = s;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

static void
rate(struct sd_rate *r, const char *prefix, int64_t mfen, int64_t connect,
    int first, int inc, const char *band, int bundle)
{
	struct sd_err e;

	memset(r, 0, sizeof *r);
	strcpy(r->prefix, prefix);
	r->per_minute_mfen = mfen;
	r->connect_fen = connect;
	r->first_block_s = first;
	r->increment_s = inc;
	r->bundle = bundle;
	assert_int_equal(sd_band_parse(band, &r->band, &e), SD_OK);
}

static struct sd_ratetab *
table(int rounding)
{
	struct sd_rate r[8];
	struct sd_tariff t;

	memset(&t, 0, sizeof t);
	strcpy(t.code, "T");
	t.rounding = rounding;
	rate(&r[0], "1", 15000, 0, 60, 60, "", 1);		/* 0.15/min, bundle */
	rate(&r[1], "139", 12500, 0, 6, 6, "", 0);		/* 0.125, per 6 s */
	rate(&r[2], "00", 100000, 50, 30, 6, "", 0);		/* 1.00 + 0.50 */
	rate(&r[3], "010", 30000, 0, 60, 60, "", 0);		/* 0.30 off-peak */
	rate(&r[4], "010", 60000, 0, 60, 60, "Mon-Fri 08:00-18:00", 0);
	rate(&r[5], "020", 20000, 0, 60, 60, "", 0);
	rate(&r[6], "020", 5000, 0, 60, 60, "22:00-07:00", 0);	/* night */
	return sd_ratetab_build(&t, r, 7);
}

static int
setup(void **state)
{
	(void)state;
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	return 0;
}

struct vec {
	const char	*number;
	int64_t		 answer;
	int		 billsec;
	int		 billable;
	int64_t		 up, half, down;	/* cost_fen per rounding mode */
};

static void
vectors(void **state)
{
	int64_t wed10 = at(2026, 11, 25, 10, 0, 0);	/* a Wednesday */
	const struct vec v[] = {
		/* 61 s per minute: 60 + 60 billable, 120 * 15000 / 60000. */
		{ "13800138000", wed10, 61, 120, 30, 30, 30 },
		{ "13800138000", wed10, 60, 60, 15, 15, 15 },
		{ "13800138000", wed10, 1, 60, 15, 15, 15 },
		/* Per 6 s at 0.125: 61 s -> 66 s, 825000 / 60000 = 13.75. */
		{ "13912345678", wed10, 61, 66, 14, 14, 13 },
		/* 60 s -> 60 s: 12.5 fen. */
		{ "13912345678", wed10, 60, 60, 13, 13, 12 },
		/* 7 s -> 12 s: 2.5; 1 s -> 6 s: 1.25. */
		{ "13912345678", wed10, 7, 12, 3, 3, 2 },
		{ "13912345678", wed10, 1, 6, 2, 1, 1 },
		/* International: first block 30 s, connect 0.50: 10 s ->
		 * 50 + 30 * 100000 / 60000 = 100; 31 s -> 36 s -> 110. */
		{ "004420794600000", wed10, 10, 30, 100, 100, 100 },
		{ "004420794600000", wed10, 31, 36, 110, 110, 110 },
		/* Not answered: nothing. */
		{ "13800138000", wed10, 0, 0, 0, 0, 0 },
		/* Beijing at peak, 120 s at 0.60 = 120; off-peak 0.30 = 60. */
		{ "01012345678", wed10, 120, 120, 120, 120, 120 },
		{ "01012345678", at(2026, 11, 25, 20, 0, 0), 120, 120, 60, 60, 60 },
		{ "01012345678", at(2026, 11, 28, 10, 0, 0), 120, 120, 60, 60, 60 },
		/* Across 18:00: 60 s at 0.60 then 120 s at 0.30 = 120. */
		{ "01012345678", at(2026, 11, 25, 17, 59, 0), 180, 180, 120, 120,
		    120 },
		/* From 17:59:30, 90 s -> 120 billable: 30 s at 0.60 (30) and
		 * 90 s at 0.30 (45) = 75. */
		{ "01012345678", at(2026, 11, 25, 17, 59, 30), 90, 120, 75, 75,
		    75 },
		/* Into the peak at 07:59:50 Monday, 70 s -> 120: 10 s at 0.30
		 * (5) and 110 s at 0.60 (110) = 115. */
		{ "01012345678", at(2026, 11, 30, 7, 59, 50), 70, 120, 115, 115,
		    115 },
		/* Night band past midnight: Monday 23:30 and Tuesday 06:00 at
		 * 0.05 (5 fen a minute), noon at 0.20. */
		{ "02087654321", at(2026, 11, 30, 23, 30, 0), 60, 60, 5, 5, 5 },
		{ "02087654321", at(2026, 12, 1, 6, 0, 0), 60, 60, 5, 5, 5 },
		{ "02087654321", at(2026, 12, 1, 12, 0, 0), 60, 60, 20, 20, 20 },
		/* 06:59 for 120 s: 60 s at night (5) then 60 s by day (20). */
		{ "02087654321", at(2026, 12, 1, 6, 59, 0), 120, 120, 25, 25, 25 },
	};
	struct sd_ratetab *rt[3] = { table(SD_ROUND_UP), table(SD_ROUND_HALF_UP),
	    table(SD_ROUND_DOWN) };

	(void)state;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		for (int m = 0; m < 3; m++) {
			struct sd_rating r;
			int64_t want = m == 0 ? v[i].up : m == 1 ? v[i].half :
			    v[i].down;

			assert_int_equal(sd_rate_call(rt[m], v[i].number,
			    v[i].answer, v[i].billsec, NULL, &r), SD_OK);
			if (r.billable_s != v[i].billable || r.cost_fen != want)
				fail_msg("vector %zu (%s %ds, rounding %s): billable "
				    "%d cost %lld, want %d and %lld", i, v[i].number,
				    v[i].billsec, sd_rounding_name(m), r.billable_s,
				    (long long)r.cost_fen, v[i].billable,
				    (long long)want);
		}
	for (int m = 0; m < 3; m++)
		sd_ratetab_free(rt[m]);
}

static void
longest_prefix_and_misses(void **state)
{
	struct sd_ratetab *rt = table(SD_ROUND_UP);
	struct sd_rating r;

	(void)state;
	assert_int_equal(sd_rate_call(rt, "13912345678", 0, 60, NULL, &r), SD_OK);
	assert_string_equal(r.rate->prefix, "139");
	assert_int_equal(sd_rate_call(rt, "13812345678", 0, 60, NULL, &r), SD_OK);
	assert_string_equal(r.rate->prefix, "1");
	assert_int_equal(sd_rate_call(rt, "95555", 0, 60, NULL, &r),
	    SD_ENOTFOUND);
	/* '+' is dropped, not turned into 00: +44 is not 0044. */
	assert_int_equal(sd_rate_call(rt, "+44 20 7946 0000", 0, 60, NULL, &r),
	    SD_ENOTFOUND);
	assert_int_equal(sd_rate_call(rt, "0044 20 7946 0000", 0, 60, NULL, &r),
	    SD_OK);
	assert_int_equal(sd_rate_call(rt, "abc", 0, 60, NULL, &r), SD_EINVAL);
	sd_ratetab_free(rt);
}

static void
plan_minutes(void **state)
{
	struct sd_ratetab *rt = table(SD_ROUND_UP);
	int64_t t = at(2026, 11, 25, 10, 0, 0);
	struct sd_rating r;
	int left = 10;

	(void)state;
	/* 61 s uses 2 whole minutes, costs nothing. */
	assert_int_equal(sd_rate_call(rt, "13800138000", t, 61, &left, &r), SD_OK);
	assert_int_equal(r.bundle_min, 2);
	assert_int_equal(r.cost_fen, 0);
	assert_int_equal(left, 8);
	/* Not a bundle rate: charged, the minutes untouched. */
	assert_int_equal(sd_rate_call(rt, "13912345678", t, 60, &left, &r), SD_OK);
	assert_int_equal(r.bundle_min, 0);
	assert_int_equal(r.cost_fen, 13);
	assert_int_equal(left, 8);
	/* One minute left for 150 s: it covers 60 s, the other 90 s are a
	 * call of their own: 120 billable at 0.15 = 30. */
	left = 1;
	assert_int_equal(sd_rate_call(rt, "13800138000", t, 150, &left, &r), SD_OK);
	assert_int_equal(r.bundle_min, 1);
	assert_int_equal(r.billable_s, 120);
	assert_int_equal(r.cost_fen, 30);
	assert_int_equal(left, 0);
	/* None left: all charged. */
	assert_int_equal(sd_rate_call(rt, "13800138000", t, 61, &left, &r), SD_OK);
	assert_int_equal(r.cost_fen, 30);
	/* Unanswered calls use no minutes. */
	left = 5;
	assert_int_equal(sd_rate_call(rt, "13800138000", t, 0, &left, &r), SD_OK);
	assert_int_equal(left, 5);
	sd_ratetab_free(rt);
}

static void
bands(void **state)
{
	static const char *const good[][2] = {
		{ "Mon-Fri 08:00-18:00", "Mon-Fri 08:00-18:00" },
		{ "Sat,Sun 00:00-24:00", "Sat,Sun 00:00-24:00" },
		{ "22:00-07:00", "22:00-07:00" },
		{ "Fri-Mon 20:00-23:00", "Mon,Fri-Sun 20:00-23:00" },
		{ "", "" },
	};
	static const char *const bad[] = { "Mon-Fri 8:00-18:00", "Xyz 08:00-18:00",
	    "08:00-08:00", "Mon-Fri", "25:00-26:00", "Mon-Fri 08:00-18:0x" };
	struct sd_band b;
	struct sd_err e;
	char out[64], n[32];

	(void)state;
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		assert_int_equal(sd_band_parse(good[i][0], &b, &e), SD_OK);
		sd_band_format(&b, out, sizeof out);
		assert_string_equal(out, good[i][1]);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(sd_band_parse(bad[i], &b, &e), SD_EINVAL);
		assert_non_null(strstr(e.msg, "band: "));
	}
	assert_int_equal(sd_number_normalize("+86 138-0013-8000", n, sizeof n), 0);
	assert_string_equal(n, "8613800138000");
	assert_int_equal(sd_number_normalize("0086(10)1234", n, sizeof n), 0);
	assert_string_equal(n, "0086101234");
	assert_int_equal(sd_number_normalize("12a", n, sizeof n), -1);
	assert_int_equal(sd_number_normalize("", n, sizeof n), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vectors),
		cmocka_unit_test(longest_prefix_and_misses),
		cmocka_unit_test(plan_minutes),
		cmocka_unit_test(bands),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
