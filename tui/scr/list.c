/*
 * list.c -- the list view every list screen uses.  It holds only the rows
 * on screen and asks its source for the next or previous few by anchor
 * key, so a million rows open as fast as ten; typing after '/' filters as
 * you type (the source seeks its index to the prefix).
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "scr.h"

void
utf8_append(char *buf, size_t size, wint_t ch)
{
	char mb[MB_LEN_MAX];
	mbstate_t ps;
	size_t n, len = strlen(buf);

	memset(&ps, 0, sizeof ps);
	n = wcrtomb(mb, (wchar_t)ch, &ps);
	if (n == (size_t)-1 || len + n + 1 > size)
		return;
	memcpy(buf + len, mb, n);
	buf[len + n] = '\0';
}

void
utf8_backspace(char *buf)
{
	size_t len = strlen(buf);

	while (len > 0) {
		len--;
		if (((unsigned char)buf[len] & 0xc0) != 0x80)
			break;
	}
	buf[len] = '\0';
}

void
lv_init(struct listview *lv, const struct lv_col *cols, int ncols,
    lv_fetch_fn fetch, void *ctx)
{
	memset(lv, 0, sizeof *lv);
	lv->cols = cols;
	lv->ncols = ncols;
	lv->fetch = fetch;
	lv->ctx = ctx;
}

static void
layout(struct listview *lv)
{
	/* Title, filter line, the screen's own lines, column heads. */
	lv->top = 3 + lv->extra_top;
	lv->left = 0;
	lv->width = COLS;
	/* Message line and F-key bar below, and the screen's own lines. */
	lv->height = LINES - 5 - lv->extra_top - lv->extra_bottom;
	if (lv->height < 1)
		lv->height = 1;
	if (lv->height > LV_ROWS_MAX)
		lv->height = LV_ROWS_MAX;
}

/* Fetch into a scratch array; 0 rows on error (reported). */
static int
get(struct listview *lv, const char *anchor, int dir, int max,
    struct lv_row *out)
{
	struct sd_err err;
	int n = 0;

	sd_err_clear(&err);
	if (lv->fetch(lv->ctx, lv->filter, anchor, dir, max, out, &n,
	    &err) != SD_OK) {
		app_error(&err);
		return 0;
	}
	return n;
}

static struct lv_row scratch[LV_ROWS_MAX];

void
lv_reload(struct listview *lv)
{
	layout(lv);
	lv->n = get(lv, "", 1, lv->height, lv->rows);
	lv->sel = 0;
}

void
lv_refresh(struct listview *lv)
{
	char first[sizeof lv->rows[0].key] = "";
	int sel = lv->sel;

	layout(lv);
	if (lv->n > 0 && get(lv, lv->rows[0].key, -1, 1, scratch) == 1)
		memcpy(first, scratch[0].key, sizeof first);
	lv->n = get(lv, first, 1, lv->height, lv->rows);
	lv->sel = sel < lv->n ? sel : (lv->n > 0 ? lv->n - 1 : 0);
}

static void
go_end(struct listview *lv)
{
	lv->n = get(lv, "", -1, lv->height, lv->rows);
	lv->sel = lv->n > 0 ? lv->n - 1 : 0;
}

static void
move_down(struct listview *lv)
{
	if (lv->sel < lv->n - 1) {
		lv->sel++;
		return;
	}
	if (lv->n == 0 || get(lv, lv->rows[lv->n - 1].key, 1, 1, scratch) != 1)
		return;
	if (lv->n == lv->height) {
		memmove(&lv->rows[0], &lv->rows[1],
		    (size_t)(lv->n - 1) * sizeof lv->rows[0]);
		lv->rows[lv->n - 1] = scratch[0];
	} else {
		lv->rows[lv->n++] = scratch[0];
		lv->sel++;
	}
}

static void
move_up(struct listview *lv)
{
	if (lv->sel > 0) {
		lv->sel--;
		return;
	}
	if (lv->n == 0 || get(lv, lv->rows[0].key, -1, 1, scratch) != 1)
		return;
	memmove(&lv->rows[1], &lv->rows[0],
	    (size_t)(lv->n < lv->height ? lv->n : lv->n - 1) *
	    sizeof lv->rows[0]);
	lv->rows[0] = scratch[0];
	if (lv->n < lv->height)
		lv->n++;
}

static void
page_down(struct listview *lv)
{
	int k;

	if (lv->n == 0)
		return;
	k = get(lv, lv->rows[lv->n - 1].key, 1, lv->height, scratch);
	if (k == lv->height) {
		memcpy(lv->rows, scratch, (size_t)k * sizeof lv->rows[0]);
		lv->n = k;
	} else if (k > 0)
		go_end(lv);
	else
		lv->sel = lv->n - 1;
}

static void
page_up(struct listview *lv)
{
	int k;

	if (lv->n == 0)
		return;
	k = get(lv, lv->rows[0].key, -1, lv->height, scratch);
	if (k == lv->height) {
		memcpy(lv->rows, scratch, (size_t)k * sizeof lv->rows[0]);
		lv->n = k;
	} else if (k > 0)
		lv_reload(lv);
	else
		lv->sel = 0;
}

int
lv_key(struct listview *lv, enum action a, wint_t ch)
{
	if (lv->filtering) {
		if (ch != 0) {
			utf8_append(lv->filter, sizeof lv->filter, ch);
			lv_reload(lv);
			return 1;
		}
		switch (a) {
		case ACT_DELETE:
			utf8_backspace(lv->filter);
			lv_reload(lv);
			return 1;
		case ACT_OPEN:
		case ACT_EDIT:	/* Enter, where it edits (users): the filter's */
			lv->filtering = 0;
			return 1;
		case ACT_BACK:
			lv->filter[0] = '\0';
			lv->filtering = 0;
			lv_reload(lv);
			return 1;
		default:
			break;	/* arrows still move */
		}
	}
	switch (a) {
	case ACT_DOWN:	move_down(lv); return 1;
	case ACT_UP:	move_up(lv); return 1;
	case ACT_PGDN:	page_down(lv); return 1;
	case ACT_PGUP:	page_up(lv); return 1;
	case ACT_HOME:	lv_reload(lv); return 1;
	case ACT_END:	go_end(lv); return 1;
	case ACT_REFRESH:	lv_refresh(lv); return 1;
	case ACT_FILTER:
		lv->filtering = 1;
		return 1;
	case ACT_BACK:
		if (lv->filter[0] != '\0') {
			lv->filter[0] = '\0';
			lv_reload(lv);
			return 1;
		}
		return 0;
	default:
		return 0;
	}
}

const struct lv_row *
lv_selected(const struct listview *lv)
{
	if (lv->n == 0)
		return NULL;
	return &lv->rows[lv->sel];
}

void
lv_draw(struct listview *lv)
{
	int widths[LV_COLS_MAX], fixed = 0, flex = -1, x;
	struct sd_buf fl = SD_BUF_INIT;

	layout(lv);
	if (lv->sel >= lv->n)
		lv->sel = lv->n > 0 ? lv->n - 1 : 0;
	for (int i = 0; i < lv->ncols; i++) {
		widths[i] = lv->cols[i].width;
		if (widths[i] == 0)
			flex = i;
		fixed += widths[i] + 1;
	}
	/*
	 * On a narrow terminal (80 columns) the column that takes what is
	 * left (a name) keeps at least 10: the widest text columns wider
	 * than a phone number give way first, down to 12 (their cells then
	 * end in "…").
	 */
	while (flex >= 0 && lv->width - fixed < 10) {
		int w = -1;

		for (int i = 0; i < lv->ncols; i++)
			if (i != flex && !lv->cols[i].right && widths[i] > 12 &&
			    (w < 0 || widths[i] > widths[w]))
				w = i;
		if (w < 0)
			break;
		widths[w]--;
		fixed--;
	}
	if (flex >= 0)
		widths[flex] = lv->width - fixed > 4 ? lv->width - fixed : 4;

	/* Filter line. */
	if (lv->filtering || lv->filter[0] != '\0') {
		sd_buf_printf(&fl, "/ %s%s", lv->filter, lv->filtering ? "_" : "");
		put_text(1, 0, COLS, sd_buf_cstr(&fl), theme_attr(TH_FIELD_CUR));
	} else
		put_text(1, 0, COLS, _("Press / to filter, ? for help"),
		    theme_attr(TH_DIM));
	sd_buf_free(&fl);

	x = lv->left;
	for (int i = 0; i < lv->ncols && x < COLS; i++) {
		put_text(lv->top - 1, x, widths[i], _(lv->cols[i].head),
		    theme_attr(TH_HEADER));
		x += widths[i] + 1;
	}
	if (lv->n == 0)
		put_text(lv->top, 1, COLS - 1, lv->filter[0] ?
		    _("Nothing matches the filter.") : _("Nothing here yet."),
		    theme_attr(TH_DIM));
	for (int r = 0; r < lv->n && r < lv->height; r++) {
		int attr = r == lv->sel ? theme_attr(TH_SELECTED) :
		    lv->rows[r].attr ? theme_attr(lv->rows[r].attr) :
		    theme_attr(TH_NORMAL);

		x = lv->left;
		if (r == lv->sel) {
			attron(attr);
			mvhline(lv->top + r, 0, ' ', COLS);
			attroff(attr);
		}
		for (int i = 0; i < lv->ncols && x < COLS; i++) {
			const char *cell = lv->rows[r].cells[i];
			int w = widths[i];

			if (lv->cols[i].right) {
				int cw = sd_width(cell);

				put_text(lv->top + r, x, w - cw > 0 ? w - cw : 0,
				    "", attr);
				put_text(lv->top + r, x + (w - cw > 0 ? w - cw : 0),
				    cw < w ? cw : w, cell, attr);
			} else if (i == 0 && lv->rows[r].mark && r != lv->sel)
				put_text(lv->top + r, x, w, cell,
				    theme_attr(lv->rows[r].mark));
			else
				put_text(lv->top + r, x, w, cell, attr);
			x += w;
			if (x < COLS)
				put_text(lv->top + r, x, 1, "", attr);
			x++;
		}
	}
}

int
sel_move(enum action a, int *sel, int n, int page)
{
	switch (a) {
	case ACT_DOWN:
		if (*sel + 1 < n)
			(*sel)++;
		return 1;
	case ACT_UP:
		if (*sel > 0)
			(*sel)--;
		return 1;
	case ACT_PGDN:
		if (page <= 0)
			return 0;
		*sel = *sel + page < n ? *sel + page : n > 0 ? n - 1 : 0;
		return 1;
	case ACT_PGUP:
		if (page <= 0)
			return 0;
		*sel = *sel > page ? *sel - page : 0;
		return 1;
	case ACT_HOME:
		*sel = 0;
		return 1;
	case ACT_END:
		*sel = n > 0 ? n - 1 : 0;
		return 1;
	default:
		return 0;
	}
}
