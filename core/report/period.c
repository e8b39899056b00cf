/*
 * period.c -- the frame of every report: local calendar days as numbers
 * (days since 1970-01-01, proleptic Gregorian, by H. Hinnant's civil
 * algorithms), and the periods people name: today, last-week, 2026-11,
 * 2026, a day, or --from D --to D (inclusive), with the period before.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/report/report_int.h"

int
sd_days_from_civil(int y, int m, int d)
{
	int era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
sd_civil_from_days(int z, int *y, int *m, int *d)
{
	int era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = yoe + era * 400 + (*m <= 2);
}

int
sd_day_of(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	return sd_days_from_civil(tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday);
}

int64_t
sd_day_start(int day)
{
	struct tm tm;
	int y, m, d;

	sd_civil_from_days(day, &y, &m, &d);
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

void
sd_day_text(int day, char *out, size_t size)
{
	int y, m, d;

	sd_civil_from_days(day, &y, &m, &d);
	snprintf(out, size, "%04d-%02d-%02d", y, m, d);
}

int
sd_day_weekday(int day)
{
	int w = (day + 3) % 7;		/* 1970-01-01 was a Thursday */

	return w < 0 ? w + 7 : w;
}

static int
month_days(int y, int m)
{
	static const int n[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return n[m - 1];
}

/* Exactly ndig digits at s; their value. */
static int
digits(const char *s, int ndig, int *v)
{
	*v = 0;
	for (int i = 0; i < ndig; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

/* "YYYY", "YYYY-MM" or "YYYY-MM-DD": how many parts (1-3), or 0. */
static int
date_parts(const char *s, int *y, int *m, int *d)
{
	size_t n = strlen(s);

	*m = *d = 1;
	if (n != 4 && n != 7 && n != 10)
		return 0;
	if (digits(s, 4, y) != 0 || *y < 1970 || *y > 9999)
		return 0;
	if (n == 4)
		return 1;
	if (s[4] != '-' || digits(s + 5, 2, m) != 0 || *m < 1 || *m > 12)
		return 0;
	if (n == 7)
		return 2;
	if (s[7] != '-' || digits(s + 8, 2, d) != 0 || *d < 1 ||
	    *d > month_days(*y, *m))
		return 0;
	return 3;
}

static void
month_of(int y, int m, struct sd_period *p)
{
	int py = m == 1 ? y - 1 : y, pm = m == 1 ? 12 : m - 1;

	p->kind = SD_PERIOD_MONTH;
	p->from = sd_days_from_civil(y, m, 1);
	p->to = p->from + month_days(y, m);
	p->prev_from = sd_days_from_civil(py, pm, 1);
	p->prev_to = p->from;
}

static void
span(struct sd_period *p, int kind, int from, int len)
{
	p->kind = kind;
	p->from = from;
	p->to = from + len;
	p->prev_from = from - len;
	p->prev_to = from;
}

static int
one_day(const char *field, const char *s, int *day, struct sd_err *err)
{
	int y, m, d;

	if (date_parts(s, &y, &m, &d) != 3)
		return strcmp(field, "from") == 0 ?
		    sd_err_set(err, SD_EINVAL, "from: '%.40s' is not a date "
		    "YYYY-MM-DD", s) :
		    sd_err_set(err, SD_EINVAL, "to: '%.40s' is not a date "
		    "YYYY-MM-DD", s);
	*day = sd_days_from_civil(y, m, d);
	return SD_OK;
}

int
sd_period_parse(const char *period, const char *from, const char *to,
    int today, struct sd_period *p, struct sd_err *err)
{
	int y, m, d, n, st;

	memset(p, 0, sizeof *p);
	if (from != NULL || to != NULL) {
		int f, l;

		if (period != NULL)
			return sd_err_set(err, SD_EINVAL, "period: a period or "
			    "from and to, not both");
		if (from == NULL)
			return sd_err_set(err, SD_EINVAL, "from: required with "
			    "to");
		if (to == NULL)
			return sd_err_set(err, SD_EINVAL, "to: required with "
			    "from");
		if ((st = one_day("from", from, &f, err)) != SD_OK ||
		    (st = one_day("to", to, &l, err)) != SD_OK)
			return st;
		if (l < f)
			return sd_err_set(err, SD_EINVAL, "to: %s is before "
			    "from %s", to, from);
		if (l - f + 1 > SD_PERIOD_MAX_DAYS)
			return sd_err_set(err, SD_EINVAL, "to: %s to %s is "
			    "longer than %d days", from, to, SD_PERIOD_MAX_DAYS);
		span(p, SD_PERIOD_RANGE, f, l - f + 1);
		return SD_OK;
	}
	sd_civil_from_days(today, &y, &m, &d);
	if (period == NULL || strcmp(period, "this-month") == 0)
		month_of(y, m, p);
	else if (strcmp(period, "last-month") == 0)
		month_of(m == 1 ? y - 1 : y, m == 1 ? 12 : m - 1, p);
	else if (strcmp(period, "today") == 0)
		span(p, SD_PERIOD_DAY, today, 1);
	else if (strcmp(period, "yesterday") == 0)
		span(p, SD_PERIOD_DAY, today - 1, 1);
	else if (strcmp(period, "this-week") == 0)
		span(p, SD_PERIOD_WEEK, today - sd_day_weekday(today), 7);
	else if (strcmp(period, "last-week") == 0)
		span(p, SD_PERIOD_WEEK, today - sd_day_weekday(today) - 7, 7);
	else if ((n = date_parts(period, &y, &m, &d)) == 3)
		span(p, SD_PERIOD_DAY, sd_days_from_civil(y, m, d), 1);
	else if (n == 2)
		month_of(y, m, p);
	else if (n == 1) {
		p->kind = SD_PERIOD_YEAR;
		p->from = sd_days_from_civil(y, 1, 1);
		p->to = sd_days_from_civil(y + 1, 1, 1);
		p->prev_from = sd_days_from_civil(y - 1, 1, 1);
		p->prev_to = p->from;
	} else
		return sd_err_set(err, SD_EINVAL, "period: '%.40s' is not "
		    "today, yesterday, this-week, last-week, this-month, "
		    "last-month, YYYY, YYYY-MM or YYYY-MM-DD", period);
	return SD_OK;
}
