/*
 * rating.c -- pricing one call (DESIGN.md section 4): the longest prefix of
 * the dialled number picks the rate, a banded rate wins inside its band, a
 * call crossing a band boundary is priced part by part, plan minutes go
 * first on bundle rates, and the sum is rounded once.  A tariff is compiled
 * once per version into a digit trie; rating a call allocates nothing.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/billing/billing_int.h"

/* ---------------------------------------------------------------- bands */

static const char *const day_names[7] = { "Mon", "Tue", "Wed", "Thu", "Fri",
    "Sat", "Sun" };

static int
day_index(const char *s)
{
	for (int i = 0; i < 7; i++)
		if (strncmp(s, day_names[i], 3) == 0)
			return i;
	return -1;
}

static int
hhmm(const char *s, int *minutes)
{
	int h, m, n = 0;

	if (sscanf(s, "%2d:%2d%n", &h, &m, &n) != 2 || n != 5 || h < 0 ||
	    h > 24 || m < 0 || m > 59 || (h == 24 && m != 0))
		return -1;
	*minutes = h * 60 + m;
	return 0;
}

int
sd_band_parse(const char *s, struct sd_band *b, struct sd_err *err)
{
	char buf[64], *times;
	int a, z;

	memset(b, 0, sizeof *b);
	if (s == NULL || s[0] == '\0')
		return SD_OK;			/* no band: always */
	if (strlen(s) >= sizeof buf)
		goto bad;
	sd_strlcpy(buf, s, sizeof buf);
	/* Days, then the hours: "Mon-Fri 08:00-18:00", "Sat,Sun 00:00-24:00",
	 * or the hours alone for every day. */
	times = strchr(buf, ' ');
	if (times != NULL) {
		char *tok, *save = NULL;

		*times++ = '\0';
		for (tok = strtok_r(buf, ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save)) {
			if (strlen(tok) == 3 && (a = day_index(tok)) >= 0)
				b->days |= (unsigned char)(1u << a);
			else if (strlen(tok) == 7 && tok[3] == '-' &&
			    (a = day_index(tok)) >= 0 &&
			    (z = day_index(tok + 4)) >= 0)
				for (int d = a;; d = (d + 1) % 7) {
					b->days |= (unsigned char)(1u << d);
					if (d == z)
						break;
				}
			else
				goto bad;
		}
	} else {
		times = buf;
		b->days = 0x7f;
	}
	if (strlen(times) != 11 || times[5] != '-' || hhmm(times, &a) != 0 ||
	    hhmm(times + 6, &z) != 0 || a == z)
		goto bad;
	b->from = (short)a;
	b->to = (short)z;
	b->set = 1;
	return SD_OK;
bad:
	return sd_err_set(err, SD_EINVAL, "band: '%.40s' is not like "
	    "\"Mon-Fri 08:00-18:00\" or \"22:00-07:00\"", s);
}

void
sd_band_format(const struct sd_band *b, char *out, size_t size)
{
	struct sd_buf s = SD_BUF_INIT;
	int d = 0;

	if (!b->set) {
		sd_strlcpy(out, "", size);
		return;
	}
	if (b->days != 0x7f) {
		/* Runs of days: Mon-Fri, Sat,Sun. */
		int first = 1;

		while (d < 7) {
			int e;

			if (!(b->days & (1u << d))) {
				d++;
				continue;
			}
			for (e = d; e + 1 < 7 && (b->days & (1u << (e + 1))); e++)
				;
			sd_buf_printf(&s, "%s%s", first ? "" : ",", day_names[d]);
			if (e > d + 1)
				sd_buf_printf(&s, "-%s", day_names[e]);
			else if (e == d + 1)
				sd_buf_printf(&s, ",%s", day_names[e]);
			first = 0;
			d = e + 1;
		}
		sd_buf_addc(&s, ' ');
	}
	sd_buf_printf(&s, "%02d:%02d-%02d:%02d", b->from / 60, b->from % 60,
	    b->to / 60, b->to % 60);
	sd_strlcpy(out, sd_buf_cstr(&s), size);
	sd_buf_free(&s);
}

/* Inside the band at local weekday wd (0 = Monday) and minute of day m? */
static int
band_has(const struct sd_band *b, int wd, int m)
{
	if (b->from < b->to)
		return (b->days & (1u << wd)) && m >= b->from && m < b->to;
	/* Past midnight: the evening belongs to its day, the small hours to
	 * the day before. */
	if (m >= b->from)
		return (b->days & (1u << wd)) != 0;
	return m < b->to && (b->days & (1u << ((wd + 6) % 7)));
}

/* ---------------------------------------------------------------- numbers */

int
sd_number_normalize(const char *in, char *out, size_t size)
{
	size_t o = 0;

	for (const char *p = in; *p != '\0'; p++) {
		if (isdigit((unsigned char)*p)) {
			if (o + 1 >= size)
				return -1;
			out[o++] = *p;
		} else if (!(*p == '+' && o == 0) && *p != ' ' && *p != '-' &&
		    *p != '(' && *p != ')')
			return -1;
	}
	out[o] = '\0';
	return o > 0 ? 0 : -1;
}

/* ---------------------------------------------------------------- the trie */

struct node {
	int	 child[10];		/* 0 = none (node 0 is the root) */
	int	 first, n;		/* rates of this exact prefix */
	int	 banded;		/* any of them banded */
};

struct sd_ratetab {
	struct sd_tariff	 tariff;
	struct sd_rate		*rates;		/* grouped by prefix */
	int			 nrates;
	struct node		*nodes;
	int			 nnodes;
};

static int
rate_cmp(const void *x, const void *y)
{
	const struct sd_rate *a = x, *b = y;
	int c = strcmp(a->prefix, b->prefix);

	/* Banded rates first: they win inside their bands. */
	return c ? c : b->band.set - a->band.set;
}

struct sd_ratetab *
sd_ratetab_build(const struct sd_tariff *t, const struct sd_rate *rates,
    int n)
{
	struct sd_ratetab *rt = xcalloc(1, sizeof *rt);
	int cap = 64;

	rt->tariff = *t;
	rt->rates = xcalloc((size_t)n + 1, sizeof *rt->rates);
	memcpy(rt->rates, rates, (size_t)n * sizeof *rates);
	rt->nrates = n;
	qsort(rt->rates, (size_t)n, sizeof *rt->rates, rate_cmp);
	rt->nodes = xcalloc((size_t)cap, sizeof *rt->nodes);
	rt->nnodes = 1;
	for (int i = 0; i < n; i++) {
		int cur = 0;

		for (const char *p = rt->rates[i].prefix; *p; p++) {
			int d = *p - '0';

			if (d < 0 || d > 9)
				break;
			if (rt->nodes[cur].child[d] == 0) {
				if (rt->nnodes == cap) {
					cap *= 2;
					rt->nodes = xrealloc(rt->nodes,
					    (size_t)cap * sizeof *rt->nodes);
				}
				memset(&rt->nodes[rt->nnodes], 0,
				    sizeof rt->nodes[0]);
				rt->nodes[cur].child[d] = rt->nnodes++;
			}
			cur = rt->nodes[cur].child[d];
		}
		if (rt->nodes[cur].n == 0)
			rt->nodes[cur].first = i;
		rt->nodes[cur].n++;
		rt->nodes[cur].banded |= rt->rates[i].band.set;
	}
	return rt;
}

void
sd_ratetab_free(struct sd_ratetab *rt)
{
	if (rt == NULL)
		return;
	free(rt->rates);
	free(rt->nodes);
	free(rt);
}

const struct sd_tariff *
sd_ratetab_tariff(const struct sd_ratetab *rt)
{
	return &rt->tariff;
}

#define PATH_MAX_DEPTH 32

/* The rate of the longest matching prefix that applies at local (wd, m). */
static const struct sd_rate *
pick(const struct sd_ratetab *rt, const int *path, int depth, int wd, int m)
{
	for (int k = depth - 1; k >= 0; k--) {
		const struct node *nd = &rt->nodes[path[k]];

		for (int i = nd->first; i < nd->first + nd->n; i++) {
			const struct sd_rate *r = &rt->rates[i];

			if (!r->band.set || band_has(&r->band, wd, m))
				return r;
		}
	}
	return NULL;
}

static void
local_wm(int64_t t, int *wd, int *m)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	*wd = (tm.tm_wday + 6) % 7;
	*m = tm.tm_hour * 60 + tm.tm_min;
}

/* Seconds a call of billsec is charged for under rate r. */
static int
billable(const struct sd_rate *r, int billsec)
{
	int fb = r->first_block_s > 0 ? r->first_block_s : 1;
	int inc = r->increment_s > 0 ? r->increment_s : 1;

	if (billsec <= fb)
		return fb;
	return fb + (billsec - fb + inc - 1) / inc * inc;
}

/*
 * The numerator of a call's cost (connect fee and its parts, in milli-fen
 * seconds per minute): billable seconds laid out from start, each part at
 * the rate of its band.
 */
static int64_t
price(const struct sd_ratetab *rt, const int *path, int depth,
    const struct sd_rate *first, int64_t start, int secs, int *parts)
{
	int64_t num = first->connect_fen * 60000, cur = start;
	int banded = 0, left = secs;

	for (int k = 0; k < depth; k++)
		banded |= rt->nodes[path[k]].banded;
	*parts = 1;
	if (!banded)
		return num + (int64_t)secs * first->per_minute_mfen;
	while (left > 0) {
		int wd, m, seg;
		const struct sd_rate *r, *nx;

		local_wm(cur, &wd, &m);
		r = pick(rt, path, depth, wd, m);
		if (r == NULL)
			r = first;
		/* Bands begin and end on whole minutes: look minute by
		 * minute for the next change. */
		seg = (int)(60 - ((cur % 60) + 60) % 60);
		while (seg < left) {
			local_wm(cur + seg, &wd, &m);
			nx = pick(rt, path, depth, wd, m);
			if ((nx ? nx : first) != r)
				break;
			seg += 60;
		}
		if (seg > left)
			seg = left;
		num += (int64_t)seg * r->per_minute_mfen;
		left -= seg;
		cur += seg;
		if (left > 0)
			(*parts)++;
	}
	return num;
}

static int64_t
round_once(int64_t num, int mode)
{
	switch (mode) {
	case SD_ROUND_DOWN:	return num / 60000;
	case SD_ROUND_HALF_UP:	return (num + 30000) / 60000;
	default:		return (num + 59999) / 60000;
	}
}

int
sd_rate_call(const struct sd_ratetab *rt, const char *number, int64_t answer,
    int billsec, int *plan_left, struct sd_rating *out)
{
	char digits[48];
	int path[PATH_MAX_DEPTH], depth = 0, cur = 0, wd, m, covered = 0;
	const struct sd_rate *r;
	int64_t num;

	memset(out, 0, sizeof *out);
	if (sd_number_normalize(number, digits, sizeof digits) != 0)
		return SD_EINVAL;
	/* Every node on the way that has rates, shortest first. */
	if (rt->nodes[0].n > 0)
		path[depth++] = 0;
	for (const char *p = digits; *p && depth < PATH_MAX_DEPTH; p++) {
		if ((cur = rt->nodes[cur].child[*p - '0']) == 0)
			break;
		if (rt->nodes[cur].n > 0)
			path[depth++] = cur;
	}
	local_wm(answer, &wd, &m);
	if ((r = pick(rt, path, depth, wd, m)) == NULL)
		return SD_ENOTFOUND;
	out->rate = r;
	if (billsec <= 0)
		return SD_OK;		/* not answered: nothing */
	/* Plan minutes first, whole minutes per call. */
	if (r->bundle && plan_left != NULL && *plan_left > 0) {
		int need = (billsec + 59) / 60;

		if (*plan_left >= need) {
			out->bundle_min = need;
			*plan_left -= need;
			return SD_OK;
		}
		out->bundle_min = *plan_left;
		covered = 60 * *plan_left;
		*plan_left = 0;
	}
	/* The rest, a call of its own length from where the plan stopped. */
	out->billable_s = billable(r, billsec - covered);
	num = price(rt, path, depth, r, answer + covered, out->billable_s,
	    &out->parts);
	out->cost_fen = round_once(num, rt->tariff.rounding);
	return SD_OK;
}
