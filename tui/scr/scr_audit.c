/*
 * scr_audit.c -- the audit trail for those core lets read it (admins,
 * supervisors): who did what to which object, when, and whether it was
 * allowed, newest first, paged from simdeskd so a trail of millions opens
 * as fast as ten rows.  Filters: the object (/ as you type, a prefix),
 * the user (u), the time from (f) and to (t); Enter shows a row in full.
 */
#include <stdlib.h>
#include <string.h>

#include "scr.h"

/* ---------------------------------------------------------------- list */

static const struct lv_col audit_cols[] = {
	{ N_("Time"), 14, 0 },
	{ N_("User"), 10, 0 },
	{ N_("Operation"), 18, 0 },
	{ N_("Object"), 12, 0 },
	{ N_("Result"), 6, 0 },
	{ N_("Detail"), 0, 0 },
};

struct audit_data {
	struct listview	lv;
	char		user[SD_LOGIN_MAX + 1];	/* "": anyone */
	int64_t		since, until;		/* 0: open */
	int		oldest_first;
};

/* The filter the list shows; the object is the list's own (/). */
static void
audit_filter(const struct audit_data *d, const char *object,
    struct sd_audit_filter *f)
{
	memset(f, 0, sizeof *f);
	f->since = d->since;
	f->until = d->until;
	f->user = d->user[0] != '\0' ? d->user : NULL;
	f->object = object != NULL && object[0] != '\0' ? object : NULL;
}

static void
reverse(struct sd_audit *a, char (*keys)[SD_PAGEKEY_MAX], int n)
{
	struct sd_audit *t = xmalloc(sizeof *t);
	char k[SD_PAGEKEY_MAX];

	for (int i = 0; i < n / 2; i++) {
		*t = a[i];
		a[i] = a[n - 1 - i];
		a[n - 1 - i] = *t;
		memcpy(k, keys[i], sizeof k);
		memcpy(keys[i], keys[n - 1 - i], sizeof k);
		memcpy(keys[n - 1 - i], k, sizeof k);
	}
	free(t);
}

static void
audit_cells(const struct sd_audit *a, const char *key, struct lv_row *r)
{
	char at[32];

	memset(r, 0, sizeof *r);
	sd_strlcpy(r->key, key, sizeof r->key);
	sd_time_format(a->at, at, sizeof at);
	sd_strlcpy(r->cells[0], at + 5, LV_CELL_MAX);	/* MM-DD HH:MM:SS */
	sd_strlcpy(r->cells[1], a->user, LV_CELL_MAX);
	sd_strlcpy(r->cells[2], a->op, LV_CELL_MAX);
	sd_strlcpy(r->cells[3], a->object, LV_CELL_MAX);
	sd_strlcpy(r->cells[4], _(sd_outcome_name(a->outcome)), LV_CELL_MAX);
	sd_strlcpy(r->cells[5], a->after[0] ? a->after : a->before,
	    LV_CELL_MAX);
	r->attr = a->outcome != SD_OUTCOME_OK ? TH_ERROR : 0;
}

/*
 * The list shows newest first (or oldest first): core's pages are oldest
 * first, so the list's "after" is core's "before" and each page turns
 * round.  A page of a filter that matches few rows may take several
 * calls: each reads a bounded number of rows and says where it stopped.
 */
static int
audit_fetch(void *ctx, const char *filter, const char *anchor, int dir,
    int max, struct lv_row *rows, int *n, struct sd_err *err)
{
	struct audit_data *d = ctx;
	struct sd_audit_filter f;
	struct sd_audit *a = xcalloc((size_t)max, sizeof *a);
	char (*keys)[SD_PAGEKEY_MAX] = xcalloc((size_t)max, sizeof *keys);
	char from[SD_PAGEKEY_MAX], resume[SD_PAGEKEY_MAX];
	int cdir = d->oldest_first ? dir : -dir, got = 0, k, st;

	audit_filter(d, filter, &f);
	sd_strlcpy(from, anchor, sizeof from);
	for (;;) {
		st = rpc_audit_page(&app.sess, &f, from, cdir, a + got,
		    keys + got, max - got, &k, resume, err);
		if (st != SD_OK)
			break;
		/* Nearest the anchor first. */
		if (cdir < 0)
			reverse(a + got, keys + got, k);
		got += k;
		if (resume[0] == '\0' || got >= max)
			break;
		sd_strlcpy(from, resume, sizeof from);
	}
	/* The list wants its own order: a page before the anchor ends
	 * next to it. */
	if (st == SD_OK && dir < 0)
		reverse(a, keys, got);
	for (int i = 0; st == SD_OK && i < got; i++)
		audit_cells(&a[i], keys[i], &rows[i]);
	*n = st == SD_OK ? got : 0;
	free(a);
	free(keys);
	return st;
}

/* ---------------------------------------------------------------- filters */

static void
when_text(int64_t t, char *out, size_t size)
{
	if (t == 0)
		sd_strlcpy(out, "-", size);
	else {
		sd_time_format(t, out, size);
		if (size > 16)
			out[16] = '\0';		/* YYYY-MM-DD HH:MM */
	}
}

struct bound_check {
	struct audit_data	*d;
	int			 end;		/* "to" */
	int64_t			 t;		/* understood */
};

static int
check_bound(const char *s, void *arg, struct sd_err *err)
{
	struct bound_check *b = arg;
	struct audit_data *d = b->d;
	char other[32];

	b->t = 0;
	if (s[0] == '\0')
		return SD_OK;			/* open: no bound */
	if (sd_audit_bound_parse(b->end ? "to" : "from", s, sd_now(), b->end,
	    &b->t, err) != SD_OK)
		return sd_err_set(err, SD_EINVAL, b->end ?
		    _("to: '%s' is not a time (12-05 10:00, today, +2d)") :
		    _("from: '%s' is not a time (12-05 10:00, today, +2d)"), s);
	if (b->end && d->since != 0 && b->t < d->since) {
		when_text(d->since, other, sizeof other);
		return sd_err_set(err, SD_EINVAL, _("to: before from (%s)"),
		    other);
	}
	if (!b->end && d->until != 0 && b->t > d->until) {
		when_text(d->until, other, sizeof other);
		return sd_err_set(err, SD_EINVAL, _("from: after to (%s)"),
		    other);
	}
	return SD_OK;
}

static void
ask_bound(struct audit_data *d, int end)
{
	struct bound_check b = { d, end, 0 };
	char buf[48] = "", shown[32];

	if (!ask_checked(end ? _("To:") : _("From:"), buf, sizeof buf,
	    check_bound, &b))
		return;
	if (end)
		d->until = b.t;
	else
		d->since = b.t;
	lv_reload(&d->lv);
	when_text(b.t, shown, sizeof shown);
	if (b.t != 0)
		app_message(0, end ? _("To %s") : _("From %s"), shown);
}

/* A user core knows (or one the trail names: a failed login's). */
static int
check_user(const char *s, void *arg, struct sd_err *err)
{
	struct sd_audit_filter f;
	struct sd_audit row;
	char key[1][SD_PAGEKEY_MAX], resume[SD_PAGEKEY_MAX];
	int n = 0;

	(void)arg;
	if (s[0] == '\0')
		return SD_OK;
	memset(&f, 0, sizeof f);
	f.user = s;
	return rpc_audit_page(&app.sess, &f, "", 1, &row, key, 1, &n, resume,
	    err);
}

static void
ask_user(struct audit_data *d)
{
	char buf[SD_LOGIN_MAX + 1];

	sd_strlcpy(buf, d->user, sizeof buf);
	if (!ask_checked(_("User (empty: anyone):"), buf, sizeof buf,
	    check_user, NULL))
		return;
	sd_strlcpy(d->user, buf, sizeof d->user);
	lv_reload(&d->lv);
}

/* ---------------------------------------------------------------- screen */

static void
audit_open(struct screen *s)
{
	struct audit_data *d = s->data;

	d->lv.extra_top = 1;
	lv_refresh(&d->lv);
}

static void
audit_draw(struct screen *s)
{
	struct audit_data *d = s->data;
	struct sd_buf b = SD_BUF_INIT;
	char from[32], to[32];

	lv_draw(&d->lv);
	when_text(d->since, from, sizeof from);
	when_text(d->until, to, sizeof to);
	sd_buf_printf(&b, _("User %s  From %s  To %s  %s"),
	    d->user[0] ? d->user : _("anyone"), from, to,
	    d->oldest_first ? _("oldest first") : _("newest first"));
	put_text(2, 0, COLS, sd_buf_cstr(&b), theme_attr(TH_HEADER));
	sd_buf_free(&b);
}

static void
audit_key(struct screen *s, enum action a, wint_t ch)
{
	struct audit_data *d = s->data;
	const struct lv_row *row;

	if (lv_key(&d->lv, a, ch)) {
		s->text_input = d->lv.filtering;
		return;
	}
	switch (a) {
	case ACT_BACK:
		screen_pop();
		return;
	case ACT_OPEN:
		if ((row = lv_selected(&d->lv)) != NULL)
			screen_push(scr_audit_row_new(row->key));
		return;
	case ACT_NONE:
		break;
	default:
		return;
	}
	switch (ch) {
	case 'u':
		ask_user(d);
		return;
	case 'f':
	case 't':
		ask_bound(d, ch == 't');
		return;
	case 'o':
		d->oldest_first = !d->oldest_first;
		lv_reload(&d->lv);
		return;
	case 'c':
		d->user[0] = '\0';
		d->since = d->until = 0;
		d->lv.filter[0] = '\0';
		lv_reload(&d->lv);
		app_message(0, "%s", _("Every row of the trail."));
		return;
	default:
		return;
	}
}

static const struct keybind audit_keys[] = {
	{ '\r', ACT_OPEN, N_("Show"), "Enter" },
	{ '\n', ACT_OPEN, NULL, NULL },
	{ KEY_ENTER, ACT_OPEN, NULL, NULL },
	{ '/', ACT_FILTER, N_("Object"), "/" },
	{ 'u', ACT_NONE, N_("User"), "u" },
	{ 'f', ACT_NONE, N_("From"), "f" },
	{ 't', ACT_NONE, N_("To"), "t" },
	{ 'c', ACT_NONE, N_("Clear filters"), "c" },
	{ 'o', ACT_NONE, N_("Turn the order"), "o" },
	{ 'r', ACT_REFRESH, N_("Refresh"), "r" },
	{ 27, ACT_BACK, N_("Back"), "Esc" },
	{ 'q', ACT_BACK, NULL, NULL },
	{ 0 }
};

static const char audit_help[] = N_("The audit trail: who did what to "
    "which object and when, and whether it was allowed (refused and failed "
    "rows in red), newest first (o turns the order). Move with the arrow "
    "keys or j/k, PgUp/PgDn, g/G for the first and last. / and typing "
    "shows the objects that start with the text (customer:13, ticket:); "
    "Enter keeps it, Esc clears it. u shows one user's rows; f and t "
    "the rows from and to a time: 2026-12-05, 2026-12-05 10:00, 12-05, "
    "15:30, today or +2d (a day alone is all of that day), empty for no "
    "bound. c clears every filter. Enter shows the selected row in full.");

static const struct screen_ops audit_ops = {
	audit_open, audit_draw, audit_key, NULL
};

struct screen *
scr_audit_new(void)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct audit_data *d = xcalloc(1, sizeof *d);

	lv_init(&d->lv, audit_cols, (int)(sizeof audit_cols /
	    sizeof audit_cols[0]), audit_fetch, d);
	s->ops = &audit_ops;
	s->title = N_("Audit trail");
	s->keys = audit_keys;
	s->help = audit_help;
	s->data = d;
	s->nav = 1;
	return s;
}

/* ---------------------------------------------------------------- one row */

#define ROW_LINES 64

struct row_data {
	char		 key[SD_PAGEKEY_MAX];
	struct sd_audit	 a;
	int		 loaded;
	int		 top;		/* first line shown */
	int		 width;		/* lines[] laid out for it */
	char		*lines[ROW_LINES];
	int		 attrs[ROW_LINES];
	int		 n;
};

static void
row_add(struct row_data *d, const char *text, int attr)
{
	if (d->n < ROW_LINES) {
		d->attrs[d->n] = attr;
		d->lines[d->n++] = xstrdup(text);
	}
}

/* A paragraph wrapped to w columns (at spaces when there are), indented. */
static void
row_wrap(struct row_data *d, const char *p, int w, int attr)
{
	if (*p == '\0')
		row_add(d, "    -", theme_attr(TH_DIM));
	while (*p != '\0') {
		struct sd_buf out = SD_BUF_INIT;
		size_t len = wrap_len(p, w);

		if (len == 0)
			len = strlen(p);	/* nothing fits: cut */
		sd_buf_adds(&out, "    ");
		sd_buf_add(&out, p, len);
		row_add(d, sd_buf_cstr(&out), attr);
		sd_buf_free(&out);
		p += len;
		while (*p == ' ')
			p++;
	}
}

static void
row_layout(struct row_data *d)
{
	struct sd_buf b = SD_BUF_INIT;
	char at[32];
	int w = COLS - 8 > 10 ? COLS - 8 : 10;

	for (int i = 0; i < d->n; i++)
		free(d->lines[i]);
	d->n = 0;
	d->width = COLS;
	sd_time_format(d->a.at, at, sizeof at);
	sd_buf_printf(&b, "%s  %s  #%llu", at, _(sd_outcome_name(d->a.outcome)),
	    (unsigned long long)d->a.id);
	row_add(d, sd_buf_cstr(&b), d->a.outcome != SD_OUTCOME_OK ?
	    theme_attr(TH_ERROR) : theme_attr(TH_HEADER));
	sd_buf_reset(&b);
	sd_buf_printf(&b, "%s %s", _("User:"), d->a.user);
	row_add(d, sd_buf_cstr(&b), theme_attr(TH_NORMAL));
	sd_buf_reset(&b);
	sd_buf_printf(&b, "%s %s", _("Operation:"), d->a.op);
	row_add(d, sd_buf_cstr(&b), theme_attr(TH_NORMAL));
	sd_buf_reset(&b);
	sd_buf_printf(&b, "%s %s", _("Object:"), d->a.object[0] ?
	    d->a.object : "-");
	row_add(d, sd_buf_cstr(&b), theme_attr(TH_NORMAL));
	sd_buf_free(&b);
	row_add(d, "", theme_attr(TH_NORMAL));
	row_add(d, _("Before:"), theme_attr(TH_HEADER));
	row_wrap(d, d->a.before, w, theme_attr(TH_NORMAL));
	row_add(d, _("After, or what happened:"), theme_attr(TH_HEADER));
	row_wrap(d, d->a.after, w, theme_attr(TH_NORMAL));
}

static void
row_open(struct screen *s)
{
	struct row_data *d = s->data;
	struct sd_err err;

	if (d->loaded)
		return;
	sd_err_clear(&err);
	if (rpc_audit_get(&app.sess, d->key, &d->a, &err) != SD_OK) {
		app_error(&err);
		return;
	}
	d->loaded = 1;
	row_layout(d);
}

static int
row_page(void)
{
	return LINES - 5 > 1 ? LINES - 5 : 1;
}

static void
row_draw(struct screen *s)
{
	struct row_data *d = s->data;
	int y = 2, page = row_page();

	if (!d->loaded)
		return;
	if (d->width != COLS)
		row_layout(d);
	if (d->top > d->n - page)
		d->top = d->n - page > 0 ? d->n - page : 0;
	for (int i = d->top; i < d->n && y < 2 + page; i++)
		put_text(y++, 2, COLS - 4, d->lines[i], d->attrs[i]);
	if (d->top + page < d->n)
		put_text(2 + page - 1, COLS - 12, 10, _("↓ more"),
		    theme_attr(TH_DIM));
}

static void
row_key(struct screen *s, enum action a, wint_t ch)
{
	struct row_data *d = s->data;

	(void)ch;
	switch (a) {
	case ACT_BACK:
		screen_pop();
		return;
	case ACT_DOWN:
		if (d->top + row_page() < d->n)
			d->top++;
		return;
	case ACT_UP:
		if (d->top > 0)
			d->top--;
		return;
	case ACT_PGDN:
		d->top += row_page();
		return;
	case ACT_PGUP:
	case ACT_HOME:
		d->top = a == ACT_HOME || d->top < row_page() ? 0 :
		    d->top - row_page();
		return;
	case ACT_END:
		d->top = d->n;
		return;
	default:
		return;
	}
}

static void
row_close(struct screen *s)
{
	struct row_data *d = s->data;

	for (int i = 0; i < d->n; i++)
		free(d->lines[i]);
	d->n = 0;
}

static const struct keybind row_keys[] = {
	{ 27, ACT_BACK, N_("Back"), "Esc" },
	{ 'q', ACT_BACK, NULL, NULL },
	{ '\r', ACT_BACK, NULL, NULL },
	{ '\n', ACT_BACK, NULL, NULL },
	{ 0 }
};

static const struct screen_ops row_ops = {
	row_open, row_draw, row_key, row_close
};

struct screen *
scr_audit_row_new(const char *page_key)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct row_data *d = xcalloc(1, sizeof *d);

	sd_strlcpy(d->key, page_key, sizeof d->key);
	s->ops = &row_ops;
	s->title = N_("Audit row");
	s->keys = row_keys;
	s->help = N_("One row of the audit trail in full: when, whether it "
	    "was allowed, its number, who, the operation and the object, and "
	    "what it changed (before and after; a refusal's or a failure's "
	    "reason is under After). Long text wraps; j/k and PgUp/PgDn scroll "
	    "when it does not fit. Esc goes back to the list.");
	s->data = d;
	s->nav = 1;
	return s;
}
