/*
 * err.c -- struct sd_err: the one English line every program shows, and
 * the same message as its format and each argument rendered alone, so
 * that a front end can say it in its user's language (sd_err_render).
 */
#include <sys/types.h>

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "db.h"

/* ---------------------------------------------------------------- specs */

enum {
	LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_J, LEN_Z, LEN_T, LEN_LD
};

/* One printf conversion, "%-8.3lld": what it takes and how long it is. */
struct spec {
	size_t	len;		/* bytes from the '%' through the conversion */
	int	pos;		/* N of "%N$"; 0 when not positional */
	int	star;		/* a '*' width or precision */
	int	lenmod;
	char	conv;
};

#define SPEC_MAX	32	/* a longer spec is refused */
#define ARG_MAX		256	/* one argument rendered */

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static const char *
skip_digits(const char *q)
{
	while (is_digit(*q))
		q++;
	return q;
}

/*
 * Parse the conversion that starts at p (a '%' not followed by '%').
 * 0, or -1 for anything but printf's own conversions of one value
 * (so %n, %m, wide %lc/%ls and unknown letters are refused).
 */
static int
spec_parse(const char *p, struct spec *sp)
{
	const char *q = p + 1, *r;
	int n = 0;

	memset(sp, 0, sizeof *sp);
	for (r = q; is_digit(*r) && n < 1000; r++)
		n = n * 10 + (*r - '0');
	if (r > q && *r == '$' && *q != '0') {
		sp->pos = n;
		q = r + 1;
	}
	while (*q != '\0' && strchr("-+ #0'", *q) != NULL)
		q++;
	if (*q == '*') {
		sp->star = 1;
		q++;
	} else
		q = skip_digits(q);
	if (*q == '.') {
		q++;
		if (*q == '*') {
			sp->star = 1;
			q++;
		} else
			q = skip_digits(q);
	}
	switch (*q) {
	case 'h':
		sp->lenmod = q[1] == 'h' ? LEN_HH : LEN_H;
		q += q[1] == 'h' ? 2 : 1;
		break;
	case 'l':
		sp->lenmod = q[1] == 'l' ? LEN_LL : LEN_L;
		q += q[1] == 'l' ? 2 : 1;
		break;
	case 'j': sp->lenmod = LEN_J; q++; break;
	case 'z': sp->lenmod = LEN_Z; q++; break;
	case 't': sp->lenmod = LEN_T; q++; break;
	case 'L': sp->lenmod = LEN_LD; q++; break;
	default: break;
	}
	if (*q == '\0')
		return -1;
	if (strchr("diouxX", *q) != NULL) {
		if (sp->lenmod == LEN_LD)
			return -1;
	} else if (strchr("eEfFgGaA", *q) != NULL) {
		if (sp->lenmod != LEN_NONE && sp->lenmod != LEN_L &&
		    sp->lenmod != LEN_LD)
			return -1;
	} else if (*q == 'c' || *q == 's' || *q == 'p') {
		if (sp->lenmod != LEN_NONE)
			return -1;
	} else
		return -1;
	sp->conv = *q;
	sp->len = (size_t)(q + 1 - p);
	return sp->len <= SPEC_MAX ? 0 : -1;
}

/* ---------------------------------------------------------------- text */

/* Bytes of s[0..n) that end on a character's boundary (UTF-8). */
static size_t
utf8_cut(const char *s, size_t n)
{
	size_t k = n;

	/* Back over continuation bytes to the lead byte of the last
	 * character; keep it only when it is whole. */
	while (k > 0 && ((unsigned char)s[k - 1] & 0xc0) == 0x80)
		k--;
	if (k > 0 && ((unsigned char)s[k - 1] & 0x80) != 0) {
		unsigned char c = (unsigned char)s[k - 1];
		size_t need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;

		if (n - (k - 1) < need)
			return k - 1;
	}
	return n;
}

/* One line: control characters become '?'. */
static void
one_line(char *p)
{
	for (; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
}

/* The strings of a level, appended to e->text at *used: s and its NUL,
 * cut on a character to fit when cut is set, else -1 when it does not. */
static int
text_add(struct sd_err *e, size_t *used, const char *s, size_t n, int cut)
{
	size_t room = sizeof e->text - *used;

	if (room == 0)
		return -1;
	if (n >= room) {
		if (!cut)
			return -1;
		n = utf8_cut(s, room - 1);
	}
	memcpy(e->text + *used, s, n);
	e->text[*used + n] = '\0';
	one_line(e->text + *used);
	*used += n + 1;
	return 0;
}

static int scan(const struct sd_err *err, int level, const char **fmt,
    const char *args[SD_ERR_ARGS], int *nargs, size_t *end);

/* How much of e->text its levels use; (size_t)-1 if they do not add up. */
static size_t
text_used(const struct sd_err *e)
{
	const char *f, *args[SD_ERR_ARGS];
	size_t end;
	int n;

	if (e->nlevels <= 0)
		return 0;
	if (scan(e, e->nlevels - 1, &f, args, &n, &end) != 0)
		return (size_t)-1;
	return end;
}

/* ---------------------------------------------------------------- recording */

/*
 * Walk fmt spec by spec, taking each argument from ap by its conversion
 * and length modifier and rendering it alone with that spec, into level
 * 0 of e.  An argument that is the pointer nest_at (a %s) is not
 * rendered: *nest says which it is.  The number of arguments, or -1 for
 * a format this cannot take apart (nothing more is read from ap then).
 */
static int
record(struct sd_err *e, size_t *used, const char *fmt, va_list ap,
    const char *nest_at, int *nest)
{
	int n = 0;

	for (const char *p = fmt; *p != '\0'; p++) {
		char spec[SPEC_MAX + 1], buf[ARG_MAX];
		struct spec sp;
		int len = 0;

		if (*p != '%')
			continue;
		if (p[1] == '%') {
			p++;
			continue;
		}
		if (spec_parse(p, &sp) != 0 || sp.pos != 0 || sp.star ||
		    n >= SD_ERR_ARGS)
			return -1;
		memcpy(spec, p, sp.len);
		spec[sp.len] = '\0';
		switch (sp.conv) {
		case 'd':
		case 'i':
			switch (sp.lenmod) {
			case LEN_L:
				len = snprintf(buf, sizeof buf, spec,
				    va_arg(ap, long));
				break;
			case LEN_LL:
				len = snprintf(buf, sizeof buf, spec,
				    va_arg(ap, long long));
				break;
			case LEN_J:
				len = snprintf(buf, sizeof buf, spec,
				    va_arg(ap, intmax_t));
				break;
			case LEN_Z:
				len = snprintf(buf, sizeof buf, spec,
				    va_arg(ap, ssize_t));
				break;
			case LEN_T:
				len = snprintf(buf, sizeof buf, spec,
				    va_arg(ap, ptrdiff_t));
				break;
			default:	/* char and short come as int */
				len = snprintf(buf, sizeof buf, spec,
				    va_arg(ap, int));
			}
			break;
		case 'o':
		case 'u':
		case 'x':
		case 'X':
			switch (sp.lenmod) {
			case LEN_L:
				len = snprintf(buf, sizeof buf, spec,
				    va_arg(ap, unsigned long));
				break;
			case LEN_LL:
				len = snprintf(buf, sizeof buf, spec,
				    va_arg(ap, unsigned long long));
				break;
			case LEN_J:
				len = snprintf(buf, sizeof buf, spec,
				    va_arg(ap, uintmax_t));
				break;
			case LEN_Z:
				len = snprintf(buf, sizeof buf, spec,
				    va_arg(ap, size_t));
				break;
			case LEN_T:
				len = snprintf(buf, sizeof buf, spec,
				    va_arg(ap, ptrdiff_t));
				break;
			default:
				len = snprintf(buf, sizeof buf, spec,
				    va_arg(ap, unsigned int));
			}
			break;
		case 'c':
			len = snprintf(buf, sizeof buf, spec, va_arg(ap, int));
			break;
		case 'p':
			len = snprintf(buf, sizeof buf, spec,
			    va_arg(ap, void *));
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);

			if (nest_at != NULL && s == nest_at && *nest < 0) {
				*nest = n;
				buf[0] = '\0';
			} else
				len = snprintf(buf, sizeof buf, spec, s);
			break;
		}
		default:	/* the floating conversions */
			if (sp.lenmod == LEN_LD)
				len = snprintf(buf, sizeof buf, spec,
				    va_arg(ap, long double));
			else
				len = snprintf(buf, sizeof buf, spec,
				    va_arg(ap, double));
		}
		if (len < 0)
			return -1;
		if ((size_t)len >= sizeof buf)
			len = (int)utf8_cut(buf, sizeof buf - 1);
		if (text_add(e, used, buf, (size_t)len, 1) != 0)
			return -1;
		n++;
		p += sp.len - 1;
	}
	return n;
}

static int
err_vset(struct sd_err *err, int status, const struct sd_err *inner,
    const char *fmt, va_list ap)
{
	struct sd_err out;
	size_t used = 0, iused;
	int nest = -1, n, fits;
	va_list aq;

	if (err == NULL)
		return status;
	/* Built aside: err may be inner, and inner->msg an argument. */
	out.status = status;
	va_copy(aq, ap);
	vsnprintf(out.msg, sizeof out.msg, fmt, aq);
	va_end(aq);
	/* Errors are one line, whatever user text they quote. */
	one_line(out.msg);
	iused = inner != NULL ? text_used(inner) : (size_t)-1;
	fits = inner != NULL && inner->nlevels > 0 &&
	    inner->nlevels < SD_ERR_LEVELS && iused != (size_t)-1;
	out.nlevels = 1;
	out.fmt[0] = fmt;
	n = record(&out, &used, fmt, ap, fits ? inner->msg : NULL, &nest);
	out.nargs[0] = (signed char)(n < 0 ? 0 : n);
	out.nest[0] = (signed char)nest;
	if (n < 0)
		out.nlevels = 0;
	else if (nest >= 0) {
		/* Then inner's levels, as they are. */
		if (used + iused > sizeof out.text)
			out.nlevels = 0;
		else {
			memcpy(out.text + used, inner->text, iused);
			for (int l = 0; l < inner->nlevels; l++) {
				out.fmt[1 + l] = inner->fmt[l];
				out.nargs[1 + l] = inner->nargs[l];
				out.nest[1 + l] = inner->nest[l];
			}
			out.nlevels = 1 + inner->nlevels;
		}
	}
	memcpy(err, &out, sizeof out);
	return status;
}

int
sd_err_set(struct sd_err *err, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(err, status, NULL, fmt, ap);
	va_end(ap);
	return status;
}

int
sd_err_vset(struct sd_err *err, int status, const char *fmt, va_list ap)
{
	return err_vset(err, status, NULL, fmt, ap);
}

int
sd_err_nest(struct sd_err *err, int status, const struct sd_err *inner,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(err, status, inner, fmt, ap);
	va_end(ap);
	return status;
}

void
sd_err_clear(struct sd_err *err)
{
	if (err != NULL) {
		err->status = SD_OK;
		err->msg[0] = '\0';
		err->nlevels = 0;
	}
}

/* Level level's strings, walking the levels before it; *end: the
 * bytes of err->text used through it. */
static int
scan(const struct sd_err *err, int level, const char **fmt,
    const char *args[SD_ERR_ARGS], int *nargs, size_t *end)
{
	const char *p = err->text, *lim = err->text + sizeof err->text;

	if (err->nlevels <= 0 || err->nlevels > SD_ERR_LEVELS || level < 0 ||
	    level >= err->nlevels)
		return -1;
	for (int l = 0; l <= level; l++) {
		const char *f = err->fmt[l];
		int n = err->nargs[l];

		if (n < 0 || n > SD_ERR_ARGS)
			return -1;
		if (f == NULL) {	/* its text leads the level's strings */
			if (p >= lim || (p = memchr(f = p, '\0',
			    (size_t)(lim - p))) == NULL)
				return -1;
			p++;
		}
		for (int i = 0; i < n; i++) {
			if (p >= lim)
				return -1;
			args[i] = p;
			if ((p = memchr(p, '\0', (size_t)(lim - p))) == NULL)
				return -1;
			p++;
		}
		if (l == level) {
			*fmt = f;
			*nargs = n;
		}
	}
	*end = (size_t)(p - err->text);
	return 0;
}

int
sd_err_level(const struct sd_err *err, int level, const char **fmt,
    const char *args[SD_ERR_ARGS], int *nargs)
{
	size_t end;

	return scan(err, level, fmt, args, nargs, &end);
}

/* ---------------------------------------------------------------- rendering */

struct out {
	char	*p;
	size_t	 size;
	size_t	 len;
	int	 full;
};

/* Append n bytes of s, cut on a character when the room ends. */
static void
out_add(struct out *o, const char *s, size_t n)
{
	size_t room = o->size - 1 - o->len;

	if (o->full)
		return;
	if (n > room) {
		n = utf8_cut(s, room);
		o->full = 1;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

int
sd_fmt_render(const char *fmt, int nargs, const char *const args[],
    char *out, size_t size)
{
	struct out o = { out, size, 0, 0 };
	struct spec sp;
	int n = 0, positional = -1;
	unsigned used = 0;

	if (size == 0)
		return -1;
	out[0] = '\0';
	if (fmt == NULL || nargs < 0 || nargs > SD_ERR_ARGS)
		return -1;
	/* First check that the specs fit the arguments: all in order,
	 * as many as there are, or all positional, using each. */
	for (const char *p = fmt; *p != '\0'; p++) {
		if (*p != '%')
			continue;
		if (p[1] == '%') {
			p++;
			continue;
		}
		if (spec_parse(p, &sp) != 0 || sp.star)
			return -1;
		if (positional < 0)
			positional = sp.pos > 0;
		if (positional != (sp.pos > 0))
			return -1;
		if (positional) {
			if (sp.pos > nargs)
				return -1;
			used |= 1u << (sp.pos - 1);
		} else if (++n > nargs)
			return -1;
		p += sp.len - 1;
	}
	if (positional == 1 ? used != (1u << nargs) - 1 : n != nargs)
		return -1;
	/* Then the text, each spec replaced by its argument as it is:
	 * width and precision were the original's to apply. */
	n = 0;
	for (const char *p = fmt; *p != '\0'; p++) {
		const char *a;

		if (*p != '%') {
			const char *q = strchr(p, '%');
			size_t k = q != NULL ? (size_t)(q - p) : strlen(p);

			out_add(&o, p, k);
			p += k - 1;
			continue;
		}
		if (p[1] == '%') {
			out_add(&o, "%", 1);
			p++;
			continue;
		}
		(void)spec_parse(p, &sp);
		a = args[sp.pos > 0 ? sp.pos - 1 : n++];
		out_add(&o, a, strlen(a));
		p += sp.len - 1;
	}
	one_line(out);
	return 0;
}

int
sd_err_render(const struct sd_err *err, int level,
    const char *(*tr)(const char *), char *out, size_t size)
{
	char buf[2][SD_ERRMSG_MAX];
	const char *prev = NULL;

	if (size == 0)
		return -1;
	if (err->nlevels <= 0 || err->nlevels > SD_ERR_LEVELS ||
	    level < 0 || level >= err->nlevels)
		goto english;
	/* From the innermost out: each level's text is the argument
	 * nest[L] of the level around it. */
	for (int l = err->nlevels - 1; l >= level; l--) {
		const char *f, *t, *args[SD_ERR_ARGS];
		int n, k = err->nest[l];

		if (sd_err_level(err, l, &f, args, &n) != 0)
			goto english;
		if (l < err->nlevels - 1) {
			if (k < 0 || k >= n)
				goto english;
			args[k] = prev;
		} else if (k != -1)
			goto english;
		t = tr != NULL ? tr(f) : f;
		if (sd_fmt_render(t != NULL ? t : f, n, args, buf[l & 1],
		    sizeof buf[0]) != 0)
			goto english;
		prev = buf[l & 1];
	}
	sd_strlcpy(out, prev, size);
	out[utf8_cut(out, strlen(out))] = '\0';
	return 0;
english:
	sd_strlcpy(out, err->msg, size);
	out[utf8_cut(out, strlen(out))] = '\0';
	return -1;
}
