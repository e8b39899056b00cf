/*
 * text.c -- the one display-width function (CJK = 2 columns), UTF-8 checks,
 * exact decimal money parsing and formatting (integer fen, never floating
 * point), local-time parsing and formatting, and shared field validation.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "core/core.h"

/* ---------------------------------------------------------------- UTF-8 */

/*
 * Decode one UTF-8 sequence at s (n bytes left).  Returns its length and
 * the code point, or 0 for an invalid or truncated sequence.  Strict: no
 * overlongs, surrogates or values past U+10FFFF.  Independent of the
 * locale, so widths are the same in every front end.
 */
static size_t
utf8_decode(const unsigned char *s, size_t n, unsigned *cp)
{
	unsigned c = s[0], v;
	size_t len;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		v = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		v = c & 0x07;
	} else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && v < 0x800) || (len == 4 && v < 0x10000) ||
	    v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

int
sd_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	unsigned cp;

	while (n > 0) {
		size_t l = utf8_decode(p, n, &cp);

		if (l == 0)
			return 0;
		p += l;
		n -= l;
	}
	return 1;
}

/*
 * Columns of one code point.  wcwidth() depends on the locale (and is -1
 * for everything in the C locale), so East Asian wide ranges are also
 * known here; control characters take one column as they are shown as
 * replacement glyphs.
 */
static int
cp_width(unsigned cp)
{
	int w;

	if (cp == 0)
		return 0;
	if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0))
		return 1;
	/* Combining marks and zero-width characters. */
	if ((cp >= 0x300 && cp <= 0x36f) || cp == 0x200b ||
	    (cp >= 0x200c && cp <= 0x200f) || (cp >= 0xfe00 && cp <= 0xfe0f))
		return 0;
	if ((cp >= 0x1100 && cp <= 0x115f) ||
	    (cp >= 0x2e80 && cp <= 0x303e) ||
	    (cp >= 0x3041 && cp <= 0x33ff) ||
	    (cp >= 0x3400 && cp <= 0x4dbf) ||
	    (cp >= 0x4e00 && cp <= 0x9fff) ||
	    (cp >= 0xa000 && cp <= 0xa4cf) ||
	    (cp >= 0xac00 && cp <= 0xd7a3) ||
	    (cp >= 0xf900 && cp <= 0xfaff) ||
	    (cp >= 0xfe30 && cp <= 0xfe4f) ||
	    (cp >= 0xff00 && cp <= 0xff60) ||
	    (cp >= 0xffe0 && cp <= 0xffe6) ||
	    (cp >= 0x1f300 && cp <= 0x1f64f) ||
	    (cp >= 0x1f900 && cp <= 0x1f9ff) ||
	    (cp >= 0x20000 && cp <= 0x3fffd))
		return 2;
	w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : w;
}

int
sd_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	int cols = 0;
	unsigned cp;

	while (n > 0) {
		size_t l = utf8_decode(p, n, &cp);

		if (l == 0) {
			cols += 1;	/* U+FFFD */
			l = 1;
		} else
			cols += cp_width(cp);
		p += l;
		n -= l;
	}
	return cols;
}

int
sd_width_fit(struct sd_buf *out, const char *s, int cols, int pad)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	int used = 0;
	unsigned cp;

	while (n > 0) {
		size_t l = utf8_decode(p, n, &cp);
		int w;

		if (l == 0) {
			if (used + 1 > cols)
				break;
			sd_buf_adds(out, "\xef\xbf\xbd");
			used++;
			p++;
			n--;
			continue;
		}
		w = cp_width(cp);
		if (used + w > cols)
			break;
		if (cp < 0x20 || cp == 0x7f)
			sd_buf_addc(out, '?');	/* never emit controls */
		else
			sd_buf_add(out, p, l);
		used += w;
		p += l;
		n -= l;
	}
	while (pad && used < cols) {
		sd_buf_addc(out, ' ');
		used++;
	}
	return used;
}

/* ---------------------------------------------------------------- money */

/*
 * Parse a decimal with at most maxdec decimals into an integer scaled by
 * 10^scale (scale >= maxdec).  Exact: digits only, no floating point.
 */
static int
decimal_parse(const char *s, int maxdec, int scale, int64_t *out)
{
	int neg = 0, dec = -1, digits = 0;
	int64_t v = 0;

	if (s == NULL)
		return SD_EINVAL;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (*s == '\0')
		return SD_EINVAL;
	for (; *s != '\0'; s++) {
		if (*s == '.') {
			if (dec >= 0)
				return SD_EINVAL;
			dec = 0;
			continue;
		}
		if (!isdigit((unsigned char)*s))
			return SD_EINVAL;
		if (dec >= 0 && ++dec > maxdec)
			return SD_EINVAL;
		if (v > (INT64_MAX / 1000) / 10)
			return SD_EINVAL;	/* keep far from overflow */
		v = v * 10 + (*s - '0');
		digits++;
	}
	if (digits == 0 || dec == 0)
		return SD_EINVAL;
	for (int i = dec < 0 ? 0 : dec; i < scale; i++) {
		if (v > (INT64_MAX / 1000) / 10)
			return SD_EINVAL;
		v *= 10;
	}
	*out = neg ? -v : v;
	return SD_OK;
}

int
sd_money_parse(const char *s, int64_t *fen)
{
	return decimal_parse(s, 2, 2, fen);
}

int
sd_int_check(const char *field, const char *s, long min, long max, long *v,
    struct sd_err *err)
{
	char *end;

	if (s == NULL || s[0] == '\0')
		return sd_err_set(err, SD_EINVAL, "%s: required", field);
	errno = 0;
	*v = strtol(s, &end, 10);
	if (*end != '\0' || errno != 0 || *v < min || *v > max ||
	    !isdigit((unsigned char)s[s[0] == '-'  ? 1 : 0]))
		return sd_err_set(err, SD_EINVAL, "%s: '%.20s' is not a whole "
		    "number from %ld to %ld", field, s, min, max);
	return SD_OK;
}

int
sd_amount_check(const char *field, const char *s, int64_t max_fen,
    int64_t *fen, struct sd_err *err)
{
	char lim[32];

	if (s == NULL || s[0] == '\0')
		return sd_err_set(err, SD_EINVAL, "%s: required", field);
	if (sd_money_parse(s, fen) != SD_OK)
		return sd_err_set(err, SD_EINVAL, "%s: '%s' is not an amount in "
		    "yuan (like 50 or 12.50)", field, s);
	if (*fen <= 0)
		return sd_err_set(err, SD_EINVAL, "%s: must be above 0", field);
	if (*fen > max_fen) {
		sd_money_format(max_fen, lim, sizeof lim);
		return sd_err_set(err, SD_EINVAL, "%s: %s is over the limit of "
		    "%s yuan", field, s, lim);
	}
	return SD_OK;
}

int
sd_cash_change(const char *amount, const char *received, int64_t *change,
    struct sd_err *err)
{
	int64_t a, r;
	int st;

	*change = 0;
	if ((st = sd_amount_check("amount", amount, SD_PAY_MAX_FEN, &a,
	    err)) != SD_OK)
		return st;
	/* Nothing typed: the exact amount. */
	if (received == NULL || received[0] == '\0')
		return SD_OK;
	/* The drawer takes at most the limit's worth more than is paid. */
	if ((st = sd_amount_check("received", received, 2 * SD_PAY_MAX_FEN, &r,
	    err)) != SD_OK)
		return st;
	if (r < a) {
		char as[32];

		sd_money_format(a, as, sizeof as);
		return sd_err_set(err, SD_EINVAL, "received: %s is less than "
		    "%s", received, as);
	}
	*change = r - a;
	return SD_OK;
}

int
sd_rate_parse(const char *s, int64_t *mfen)
{
	/* 1 yuan = 100 fen = 100000 milli-fen: five decimals of a yuan. */
	return decimal_parse(s, 5, 5, mfen);
}

void
sd_money_format(int64_t fen, char *out, size_t size)
{
	uint64_t a = fen < 0 ? (uint64_t)0 - (uint64_t)fen : (uint64_t)fen;

	snprintf(out, size, "%s%llu.%02llu", fen < 0 ? "-" : "",
	    (unsigned long long)(a / 100), (unsigned long long)(a % 100));
}

/* ---------------------------------------------------------------- time */

int64_t
sd_now(void)
{
	return (int64_t)time(NULL);
}

int
sd_day_range(const char *day, int64_t now, int64_t *from, int64_t *to,
    struct sd_err *err)
{
	struct tm tm;
	time_t t = (time_t)now;
	int64_t at;

	if (day != NULL && day[0] != '\0') {
		if (strlen(day) != 10 || sd_time_parse(day, &at) != SD_OK)
			return sd_err_set(err, SD_EINVAL, "day: '%s' is not a "
			    "date (like 2026-12-02)", day);
		t = (time_t)at;
	}
	localtime_r(&t, &tm);
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	*from = (int64_t)mktime(&tm);
	tm.tm_mday++;			/* mktime normalizes; DST-safe */
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	*to = (int64_t)mktime(&tm);
	return SD_OK;
}

int64_t
sd_month_start(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	tm.tm_mday = 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

int
sd_time_parse(const char *s, int64_t *out)
{
	struct tm tm;
	int y, mo, d, h = 0, mi = 0, sec = 0, n = 0, got;
	char *end;
	time_t t;

	if (s == NULL)
		return SD_EINVAL;
	if (s[0] == '@') {
		long long v;

		errno = 0;
		v = strtoll(s + 1, &end, 10);
		if (errno != 0 || end == s + 1 || *end != '\0')
			return SD_EINVAL;
		*out = v;
		return SD_OK;
	}
	got = sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n);
	if (got != 3)
		return SD_EINVAL;
	if (s[n] != '\0') {
		int m = 0;

		if (sscanf(s + n, " %2d:%2d%n", &h, &mi, &m) != 2)
			return SD_EINVAL;
		n += m;
		if (s[n] == ':') {
			m = 0;
			if (sscanf(s + n, ":%2d%n", &sec, &m) != 1)
				return SD_EINVAL;
			n += m;
		}
		if (s[n] != '\0')
			return SD_EINVAL;
	}
	if (y < 1970 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 ||
	    h > 23 || mi > 59 || sec > 59 || h < 0 || mi < 0 || sec < 0)
		return SD_EINVAL;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	if (t == (time_t)-1 || tm.tm_mday != d)
		return SD_EINVAL;	/* e.g. 2026-02-30 */
	*out = (int64_t)t;
	return SD_OK;
}

/* "H:MM" or "HH:MM" at s (spaces before it skipped): *n bytes used. */
static int
clock_parse(const char *s, int *h, int *mi, int *n)
{
	const char *p = s;
	int d = 0;

	while (*p == ' ')
		p++;
	/* H or HH, a colon, MM: digits only (no sign, no inner space). */
	for (*h = 0; isdigit((unsigned char)*p) && d < 2; p++, d++)
		*h = *h * 10 + (*p - '0');
	if (d == 0 || *p != ':' || !isdigit((unsigned char)p[1]) ||
	    !isdigit((unsigned char)p[2]) || *h > 23)
		return SD_EINVAL;
	*mi = (p[1] - '0') * 10 + (p[2] - '0');
	if (*mi > 59)
		return SD_EINVAL;
	*n = (int)(p + 3 - s);
	return SD_OK;
}

/* Local midnight of now's day plus days, at h:mi (DST-safe: mktime). */
static int64_t
day_at(int64_t now, int days, int h, int mi)
{
	time_t tt = (time_t)now;
	struct tm tm;

	localtime_r(&tt, &tm);
	tm.tm_mday += days;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = 0;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

int
sd_time_parse_human(const char *s, int64_t now, int64_t *out)
{
	static const struct { const char *word; int days; } words[] = {
		{ "today", 0 }, { "tomorrow", 1 },
		{ "今天", 0 }, { "明天", 1 }, { "后天", 2 },
	};
	int h = 9, mi = 0, n = 0, mo, d;
	char unit, rest;
	long v;

	if (s == NULL)
		return SD_EINVAL;
	while (*s == ' ')
		s++;
	/* +2d, +3h, +30m: from now */
	if (s[0] == '+' && sscanf(s + 1, "%ld%c%c", &v, &unit, &rest) == 2 &&
	    v >= 0 && v <= 3650 && isdigit((unsigned char)s[1])) {
		switch (unit) {
		case 'd': {
			/* The same local time of day, DST or not. */
			time_t tt = (time_t)now;
			struct tm tm;

			localtime_r(&tt, &tm);
			*out = day_at(now, (int)v, tm.tm_hour, tm.tm_min) +
			    tm.tm_sec;
			return SD_OK;
		}
		case 'h': *out = now + v * 3600; return SD_OK;
		case 'm': *out = now + v * 60; return SD_OK;
		default: return SD_EINVAL;
		}
	}
	/* tomorrow 10:00, 明天 10:00, today 15:30 (a day alone: 09:00) */
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
		size_t l = strlen(words[i].word);

		if (strncasecmp(s, words[i].word, l) != 0)
			continue;
		s += l;
		while (*s == ' ')
			s++;
		if (*s != '\0' && (clock_parse(s, &h, &mi, &n) != SD_OK ||
		    s[n] != '\0'))
			return SD_EINVAL;
		*out = day_at(now, words[i].days, h, mi);
		return SD_OK;
	}
	/* 15:30: today */
	if (clock_parse(s, &h, &mi, &n) == SD_OK && s[n] == '\0' &&
	    strchr(s, '-') == NULL) {
		*out = day_at(now, 0, h, mi);
		return SD_OK;
	}
	/* 12-05 9:00, 12-05: this year */
	n = 0;
	if (sscanf(s, "%2d-%2d%n", &mo, &d, &n) == 2 && n > 0 &&
	    (s[n] == '\0' || s[n] == ' ') && strchr(s + n, '-') == NULL) {
		char full[48];
		time_t tt = (time_t)now;
		struct tm tm;

		localtime_r(&tt, &tm);
		if (s[n] == ' ') {
			int k = 0;

			if (clock_parse(s + n, &h, &mi, &k) != SD_OK ||
			    s[n + k] != '\0')
				return SD_EINVAL;
		}
		snprintf(full, sizeof full, "%04d-%02d-%02d %02d:%02d",
		    tm.tm_year + 1900, mo, d, h, mi);
		return sd_time_parse(full, out);
	}
	return sd_time_parse(s, out);
}

void
sd_time_format(int64_t t, char *out, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t == 0 || localtime_r(&tt, &tm) == NULL) {
		snprintf(out, size, "-");
		return;
	}
	strftime(out, size, "%Y-%m-%d %H:%M:%S", &tm);
}

/* ---------------------------------------------------------------- fields */

int
sd_check_login(const char *field, const char *s, struct sd_err *err)
{
	size_t n = s != NULL ? strlen(s) : 0;

	if (n == 0)
		return sd_err_set(err, SD_EINVAL, "%s: must not be empty", field);
	if (n > SD_LOGIN_MAX)
		return sd_err_set(err, SD_EINVAL, "%s: longer than %d characters",
		    field, SD_LOGIN_MAX);
	if (!islower((unsigned char)s[0]) && !isdigit((unsigned char)s[0]))
		return sd_err_set(err, SD_EINVAL,
		    "%s: '%s' must start with a lowercase letter or digit",
		    field, s);
	for (size_t i = 0; i < n; i++)
		if (!islower((unsigned char)s[i]) && !isdigit((unsigned char)s[i]) &&
		    s[i] != '_' && s[i] != '-' && s[i] != '.')
			return sd_err_set(err, SD_EINVAL,
			    "%s: '%s' may hold only a-z, 0-9, '_', '-' and '.'",
			    field, s);
	return SD_OK;
}

int
sd_check_text(const char *field, const char *s, size_t max, struct sd_err *err)
{
	size_t n = strlen(s);

	if (n > max)
		return sd_err_set(err, SD_EINVAL, "%s: longer than %zu bytes",
		    field, max);
	if (!sd_utf8_valid(s, n))
		return sd_err_set(err, SD_EINVAL, "%s: not valid UTF-8", field);
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return sd_err_set(err, SD_EINVAL,
			    "%s: control characters are not allowed", field);
	return SD_OK;
}

int
sd_check_phone(const char *field, const char *s, struct sd_err *err)
{
	char d[32];
	size_t n = 0;

	for (const char *p = s; *p; p++) {
		if (*p == ' ' || *p == '-')
			continue;
		if (!isdigit((unsigned char)*p) && !(*p == '+' && n == 0))
			return sd_err_set(err, SD_EINVAL,
			    "%s: '%.40s' is not a phone number", field, s);
		if (n + 1 >= sizeof d)
			return sd_err_set(err, SD_EINVAL, "%s: '%.40s' is too "
			    "long", field, s);
		d[n++] = *p;
	}
	d[n] = '\0';
	return n == 0 ? SD_OK : sd_phone_rule(field, d, s, err);
}

int
sd_phone_rule(const char *field, const char *d, const char *typed,
    struct sd_err *err)
{
	size_t n = strlen(d);

	if (d[0] == '+' || strncmp(d, "00", 2) == 0) {
		const char *cc = d + (d[0] == '+' ? 1 : 2);
		size_t m = strlen(cc);

		if (m < 8 || m > 15 || cc[0] == '0')
			return sd_err_set(err, SD_EINVAL, "%s: '%.40s' is not "
			    "an international number: + or 00, a country code "
			    "and 8 to 15 digits in all", field, typed);
		return SD_OK;
	}
	if (d[0] == '1') {
		if (n != 11 || d[1] < '3')
			return sd_err_set(err, SD_EINVAL, "%s: '%.40s' is not a "
			    "mobile number: 11 digits starting 13 to 19", field,
			    typed);
		return SD_OK;
	}
	if (d[0] == '0') {
		if (n < 10 || n > 12)
			return sd_err_set(err, SD_EINVAL, "%s: '%.40s' is not a "
			    "fixed line: an area code (010, 0531) and 7 or 8 "
			    "digits", field, typed);
		return SD_OK;
	}
	return sd_err_set(err, SD_EINVAL, "%s: '%.40s' needs its area code "
	    "(like 010-88886666), or is a mobile (11 digits starting 13 to "
	    "19), or starts with + or 00 and a country code", field, typed);
}
