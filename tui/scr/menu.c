/*
 * menu.c -- a numbered menu of what the logged-in role may do (the home
 * screen, the stock menu).  Which entries appear is decided by core's
 * permission table.
 */
#include "scr.h"

void
menu_init(struct menu *m, const struct menu_item *items, int nitems)
{
	m->items = items;
	m->n = 0;
	for (int i = 0; i < nitems && m->n < MENU_MAX; i++)
		if (items[i].op < 0 || sd_role_may(app.sess.user.role,
		    items[i].op))
			m->visible[m->n++] = i;
	if (m->sel >= m->n)
		m->sel = 0;
}

int
menu_draw(const struct menu *m, int y, int x)
{
	for (int i = 0; i < m->n; i++) {
		struct sd_buf b = SD_BUF_INIT;

		sd_buf_printf(&b, " %d  %s", (i + 1) % 10,
		    _(m->items[m->visible[i]].label));
		put_text(y++, x, 40, sd_buf_cstr(&b), i == m->sel ?
		    theme_attr(TH_SELECTED) : theme_attr(TH_NORMAL));
		sd_buf_free(&b);
	}
	return y;
}

const struct menu_item *
menu_key(struct menu *m, enum action a, wint_t ch)
{
	if (m->n == 0)
		return NULL;
	if (ch >= '0' && ch <= '9') {
		int i = ch == '0' ? 9 : (int)(ch - '1');

		if (i >= m->n)
			return NULL;
		m->sel = i;
		a = ACT_OPEN;
	}
	switch (a) {
	case ACT_DOWN:
		m->sel = (m->sel + 1) % m->n;
		return NULL;
	case ACT_UP:
		m->sel = (m->sel + m->n - 1) % m->n;
		return NULL;
	case ACT_OPEN:
		return &m->items[m->visible[m->sel]];
	default:
		return NULL;
	}
}
