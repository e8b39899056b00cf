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

#include "core.h"

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
	size_t n = strlen(s), digits = 0;

	for (size_t i = 0; i < n; i++) {
		if (isdigit((unsigned char)s[i]))
			digits++;
		else if (!(i == 0 && s[i] == '+') && s[i] != '-' && s[i] != ' ')
			return sd_err_set(err, SD_EINVAL,
			    "%s: '%s' is not a phone number", field, s);
	}
	if (n > 0 && (digits < 3 || digits > 20))
		return sd_err_set(err, SD_EINVAL,
		    "%s: '%s' is not a phone number", field, s);
	return SD_OK;
}
