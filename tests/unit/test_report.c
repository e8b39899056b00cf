/*
 * test_report.c -- the frame of every report: local days as numbers, the
 * periods people name (today, last-week, 2026-11, 2026, a day, --from and
 * --to) and the period before each, at month, year and leap-day edges.
 * Expected day numbers are worked out by hand here: 2000-01-01 is 10957
 * days after 1970-01-01 (30 years, 7 leap days), 2024-01-01 is 19723 (54
 * years, 13 leap days), 2026-01-01 is 20454 (56 years, 14 leap days) and
 * 2026-12-07, a Monday, day 340 of its year, is 20794.  And verify: it
 * names a rollup row no event stands behind; report rebuild mends it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/core.h"
#include "core/report/report_txn.h"

#define D20000101	10957
#define D20240101	19723
#define D20240229	(D20240101 + 31 + 28)
#define D20240301	(D20240229 + 1)
#define D20260101	20454
#define D20261207	20794		/* a Monday */
#define D20270101	(D20260101 + 365)	/* a Friday */

static void
days(void **state)
{
	int y, m, d;

	(void)state;
	assert_int_equal(sd_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(sd_days_from_civil(2000, 1, 1), D20000101);
	assert_int_equal(sd_days_from_civil(2000, 3, 1), D20000101 + 60);
	assert_int_equal(sd_days_from_civil(2024, 2, 29), D20240229);
	assert_int_equal(sd_days_from_civil(2024, 3, 1), D20240301);
	assert_int_equal(sd_days_from_civil(2026, 12, 7), D20261207);
	assert_int_equal(sd_days_from_civil(2100, 3, 1) -
	    sd_days_from_civil(2100, 2, 28), 1);	/* 2100: no leap day */
	/* Every day from 1970 to 2200 back and forth, one after the other. */
	sd_civil_from_days(0, &y, &m, &d);
	for (int day = 1; day < sd_days_from_civil(2200, 1, 1); day++) {
		int y2, m2, d2;

		sd_civil_from_days(day, &y2, &m2, &d2);
		if (!((y2 == y && m2 == m && d2 == d + 1) ||
		    (y2 == y && m2 == m + 1 && d2 == 1) ||
		    (y2 == y + 1 && m2 == 1 && m == 12 && d2 == 1)))
			fail_msg("day %d: %d-%d-%d after %d-%d-%d", day, y2, m2,
			    d2, y, m, d);
		if (sd_days_from_civil(y2, m2, d2) != day)
			fail_msg("day %d does not come back", day);
		y = y2;
		m = m2;
		d = d2;
	}
	assert_int_equal(sd_day_weekday(D20261207), 0);
	assert_int_equal(sd_day_weekday(D20261207 + 6), 6);
	assert_int_equal(sd_day_weekday(D20270101), 4);
	assert_int_equal(sd_day_weekday(0), 3);		/* a Thursday */
}

static void
local_days(void **state)
{
	/* 2026-12-07 00:00 in Shanghai is 2026-12-06 16:00 UTC. */
	int64_t midnight = (int64_t)D20261207 * 86400 - 8 * 3600;
	char s[16];

	(void)state;
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	assert_int_equal(sd_day_of(midnight), D20261207);
	assert_int_equal(sd_day_of(midnight - 1), D20261207 - 1);
	assert_int_equal(sd_day_of(midnight + 86399), D20261207);
	assert_true(sd_day_start(D20261207) == midnight);
	sd_day_text(D20240229, s, sizeof s);
	assert_string_equal(s, "2024-02-29");
	setenv("TZ", "UTC", 1);
	tzset();
	assert_int_equal(sd_day_of(midnight), D20261207 - 1);
}

/* The period of p at today: [from, to) and the one before. */
static void
want(const char *p, const char *from, const char *to, int today, int f,
    int t, int pf, int pt)
{
	struct sd_period x;
	struct sd_err e;

	sd_err_clear(&e);
	if (sd_period_parse(p, from, to, today, &x, &e) != SD_OK)
		fail_msg("%s: %s", p ? p : from, e.msg);
	if (x.from != f || x.to != t || x.prev_from != pf || x.prev_to != pt)
		fail_msg("%s at %d: [%d, %d) before [%d, %d); want [%d, %d) "
		    "before [%d, %d)", p ? p : from, today, x.from, x.to,
		    x.prev_from, x.prev_to, f, t, pf, pt);
}

static void
periods(void **state)
{
	int n20261101 = D20261207 - 36, n20261201 = D20261207 - 6;

	(void)state;
	/* Days. */
	want("today", NULL, NULL, D20261207, D20261207, D20261207 + 1,
	    D20261207 - 1, D20261207);
	want("yesterday", NULL, NULL, D20240301, D20240229, D20240301,
	    D20240229 - 1, D20240229);
	want("2024-02-29", NULL, NULL, 0, D20240229, D20240301, D20240229 - 1,
	    D20240229);
	/* Weeks start Monday: a Monday, and a Friday across the year. */
	want("this-week", NULL, NULL, D20261207, D20261207, D20261207 + 7,
	    D20261207 - 7, D20261207);
	want("this-week", NULL, NULL, D20261207 + 6, D20261207, D20261207 + 7,
	    D20261207 - 7, D20261207);
	want("this-week", NULL, NULL, D20270101, D20270101 - 4,
	    D20270101 + 3, D20270101 - 11, D20270101 - 4);
	want("last-week", NULL, NULL, D20270101, D20270101 - 11,
	    D20270101 - 4, D20270101 - 18, D20270101 - 11);
	/* Months: the month before, of its own length. */
	want("this-month", NULL, NULL, D20261207, n20261201, n20261201 + 31,
	    n20261101, n20261201);
	want(NULL, NULL, NULL, D20261207, n20261201, n20261201 + 31,
	    n20261101, n20261201);
	want("last-month", NULL, NULL, D20270101, n20261201, D20270101,
	    n20261101, n20261201);
	want("this-month", NULL, NULL, D20270101 + 14, D20270101,
	    D20270101 + 31, n20261201, D20270101);
	want("2024-02", NULL, NULL, 0, D20240101 + 31, D20240301, D20240101,
	    D20240101 + 31);
	want("2024-03", NULL, NULL, 0, D20240301, D20240301 + 31,
	    D20240101 + 31, D20240301);
	want("2023-02", NULL, NULL, 0, D20240101 - 365 + 31,
	    D20240101 - 365 + 59, D20240101 - 365, D20240101 - 365 + 31);
	want("2026-01", NULL, NULL, 0, D20260101, D20260101 + 31,
	    D20260101 - 31, D20260101);
	/* Years: the year before. */
	want("2024", NULL, NULL, 0, D20240101, D20240101 + 366,
	    D20240101 - 365, D20240101);
	want("2025", NULL, NULL, 0, D20240101 + 366, D20260101, D20240101,
	    D20240101 + 366);
	/* --from --to, inclusive: the same number of days before. */
	want(NULL, "2024-02-28", "2024-03-01", 0, D20240229 - 1,
	    D20240301 + 1, D20240229 - 4, D20240229 - 1);
	want(NULL, "2026-12-07", "2026-12-07", 0, D20261207, D20261207 + 1,
	    D20261207 - 1, D20261207);
}

/* p (or from, to) is refused, the message starting with field. */
static void
bad(const char *p, const char *from, const char *to, const char *field)
{
	struct sd_period x;
	struct sd_err e;

	sd_err_clear(&e);
	if (sd_period_parse(p, from, to, D20261207, &x, &e) != SD_EINVAL)
		fail_msg("%s %s %s: taken", p ? p : "-", from ? from : "-",
		    to ? to : "-");
	if (strncmp(e.msg, field, strlen(field)) != 0 ||
	    e.msg[strlen(field)] != ':' || strchr(e.msg, '\n') != NULL)
		fail_msg("%s: '%s' does not start with %s:", p ? p : from,
		    e.msg, field);
}

static void
bad_periods(void **state)
{
	(void)state;
	bad("2023-02-29", NULL, NULL, "period");	/* not a leap year */
	bad("2100-02-29", NULL, NULL, "period");
	bad("2024-02-30", NULL, NULL, "period");
	bad("2024-13", NULL, NULL, "period");
	bad("2024-00", NULL, NULL, "period");
	bad("2024-1", NULL, NULL, "period");
	bad("24-01", NULL, NULL, "period");
	bad("1969", NULL, NULL, "period");
	bad("", NULL, NULL, "period");
	bad("next-week", NULL, NULL, "period");
	bad("2024-01-01x", NULL, NULL, "period");
	bad("today", "2024-01-01", "2024-01-02", "period");
	bad(NULL, "2024-01-01", NULL, "to");
	bad(NULL, NULL, "2024-01-01", "from");
	bad(NULL, "2024-01-02", "2024-01-01", "to");
	bad(NULL, "2024-02-30", "2024-03-01", "from");
	bad(NULL, "2024-01-01", "2024-1-5", "to");
	bad(NULL, "2000-01-01", "2024-01-01", "to");	/* too long */
}

static void
permille(void **state)
{
	(void)state;
	assert_int_equal(sd_permille(0, 0), 0);
	assert_int_equal(sd_permille(1, 3), 333);
	assert_int_equal(sd_permille(2, 3), 667);
	assert_int_equal(sd_permille(1, 2000), 1);	/* 0.5 up */
	assert_int_equal(sd_permille(5, 5), 1000);
}

/* ---------------------------------------------------------------- verify, rebuild */

struct fx {
	char			 dir[64];
	struct sd_core		*core;
	struct sd_session	 admin;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct sd_config cfg;
	struct sd_err e;

	snprintf(f->dir, sizeof f->dir, "/tmp/sdtest-report.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	rmdir(f->dir);
	sd_config_defaults(&cfg);
	sd_strlcpy(cfg.data_dir, f->dir, sizeof cfg.data_dir);
	cfg.durable = 0;
	if (sd_core_open(&f->core, &cfg, 1, &e) != SD_OK ||
	    sd_init_admin(f->core, "root1", "管理员", "adminpw1", NULL,
	    &e) != SD_OK ||
	    sd_session_login(f->core, "root1", "adminpw1", &f->admin,
	    &e) != SD_OK) {
		print_error("setup: %s\n", e.msg);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	sd_core_close(f->core);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* What verify said of the report checks. */
struct seen {
	int	 calls_ok, sales_ok;
	char	 calls[300], sales[300];
};

static void
on_check(const char *check, int ok, const char *detail, void *arg)
{
	struct seen *v = arg;

	if (strcmp(check, "report.calls") == 0) {
		v->calls_ok = ok;
		sd_strlcpy(v->calls, detail, sizeof v->calls);
	} else if (strcmp(check, "report.sales") == 0) {
		v->sales_ok = ok;
		sd_strlcpy(v->sales, detail, sizeof v->sales);
	}
}

static void
check(struct fx *f, struct seen *v)
{
	struct sd_err e;

	memset(v, 0, sizeof *v);
	if (sd_verify(&f->admin, on_check, v, &e) < 0)
		fail_msg("verify: %s", e.msg);
}

/* Rollup rows no event stands behind: what a lost update would leave. */
static int
stray_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct sd_call c;
	struct sd_subscription u;
	int st;

	(void)arg;
	memset(&c, 0, sizeof c);
	c.direction = SD_DIR_OUT;
	sd_strlcpy(c.operator, "ghost", sizeof c.operator);
	c.start = c.created = (int64_t)D20261207 * 86400;
	c.answer = c.start + 5;
	c.billsec = 30;
	c.state = SD_CALL_ENDED;
	sd_strlcpy(c.disposition, "answered", sizeof c.disposition);
	memset(&u, 0, sizeof u);
	sd_strlcpy(u.plan, "P39", sizeof u.plan);
	sd_strlcpy(u.seller, "ghost", sizeof u.seller);
	u.from = c.start;
	u.price_fen = 3900;
	if ((st = report_call_ended(t, &c, err)) != SD_OK)
		return st;
	return report_card_activated(t, "ghost", &u, err);
}

static void
verify_finds_and_rebuild_mends(void **state)
{
	struct fx *f = *state;
	struct seen v;
	struct sd_err e;
	long calls = -1, sales = -1;

	check(f, &v);
	assert_true(v.calls_ok && v.sales_ok);
	assert_non_null(strstr(v.calls, "0 rollup rows"));
	assert_int_equal(sd_db_run(f->core->db, stray_txn, NULL, &e), SD_OK);
	check(f, &v);
	if (v.calls_ok || strstr(v.calls, "ghost: no such events") == NULL ||
	    strstr(v.calls, "1 of 1 rollup rows differ") == NULL)
		fail_msg("report.calls: %d %s", v.calls_ok, v.calls);
	if (v.sales_ok || strstr(v.sales, "no such events") == NULL)
		fail_msg("report.sales: %d %s", v.sales_ok, v.sales);
	assert_int_equal(sd_report_rebuild(&f->admin, &calls, &sales, &e),
	    SD_OK);
	assert_int_equal(calls, 0);
	assert_int_equal(sales, 0);
	check(f, &v);
	if (!v.calls_ok || !v.sales_ok)
		fail_msg("after the rebuild: %s / %s", v.calls, v.sales);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(days),
		cmocka_unit_test(local_days),
		cmocka_unit_test(periods),
		cmocka_unit_test(bad_periods),
		cmocka_unit_test(permille),
		cmocka_unit_test_setup_teardown(verify_finds_and_rebuild_mends,
		    setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
