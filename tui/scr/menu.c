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
		if (sd_role_may(app.sess.user.role, items[i].op) ||
		    (items[i].or_op != 0 &&
		    sd_role_may(app.sess.user.role, items[i].or_op - 1)))
			m->visible[m->n++] = i;
	if (m->sel >= m->n)
		m->sel = 0;
}

int
menu_draw(const struct menu *m, int y, int x)
{
	for (int i = 0; i < m->n; i++) {
		struct sd_buf b = SD_BUF_INIT;

		/* Keys 1-9 and 0 pick the first ten; the rest by arrows. */
		if (i < 10)
			sd_buf_printf(&b, " %d  %s", (i + 1) % 10,
			    _(m->items[m->visible[i]].label));
		else
			sd_buf_printf(&b, "    %s", _(m->items[m->visible[i]].label));
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
	case ACT_HOME:
	case ACT_PGUP:
		m->sel = 0;
		return NULL;
	case ACT_END:
	case ACT_PGDN:
		m->sel = m->n - 1;
		return NULL;
	case ACT_OPEN:
		return &m->items[m->visible[m->sel]];
	default:
		return NULL;
	}
}

/* ---------------------------------------------------------------- menu screens */

struct menu_screen {
	struct menu		 m;
	const struct menu_item	*items;
	int			 nitems;
	const char		*header;	/* N_() */
};

static const struct keybind menu_keys[] = {
	{ '\r', ACT_OPEN, N_("Open"), "Enter" },
	{ '\n', ACT_OPEN, NULL, NULL },
	{ KEY_ENTER, ACT_OPEN, NULL, NULL },
	{ 27, ACT_BACK, N_("Back"), "Esc" },
	{ 'q', ACT_BACK, NULL, NULL },
	{ 0 }
};

static void
mscr_open(struct screen *s)
{
	struct menu_screen *d = s->data;

	menu_init(&d->m, d->items, d->nitems);
}

static void
mscr_draw(struct screen *s)
{
	struct menu_screen *d = s->data;

	put_text(2, 2, COLS - 4, _(d->header), theme_attr(TH_HEADER));
	menu_draw(&d->m, 4, 2);
}

static void
mscr_key(struct screen *s, enum action a, wint_t ch)
{
	struct menu_screen *d = s->data;
	const struct menu_item *it;

	if (a == ACT_BACK) {
		screen_pop();
		return;
	}
	if ((it = menu_key(&d->m, a, ch)) != NULL && it->open != NULL)
		screen_push(it->open());
}

static const struct screen_ops mscr_ops = {
	mscr_open, mscr_draw, mscr_key, NULL
};

struct screen *
scr_menu_new(const char *title, const char *header,
    const struct menu_item *items, int nitems)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct menu_screen *d = xcalloc(1, sizeof *d);

	d->items = items;
	d->nitems = nitems;
	d->header = header;
	s->ops = &mscr_ops;
	s->title = title;
	s->keys = menu_keys;
	s->nav = 1;
	s->help = N_("Choose with the arrow keys or j/k and press Enter, or "
	    "type the entry's number. The entries shown depend on your role.");
	s->data = d;
	return s;
}
