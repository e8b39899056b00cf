/*
 * scr_home.c -- the home screen: a menu of what the logged-in role may do.
 * Which entries appear is decided by core's permission table.
 */
#include <string.h>

#include "scr.h"

struct menu_item {
	const char	*label;		/* N_() */
	int		 op;		/* core operation it needs, or -1 */
	struct screen	*(*open)(void);
};

static const struct menu_item items[] = {
	{ N_("User administration"), SD_OP_USER_LIST, scr_users_new },
	{ N_("My account (change password)"), -1, scr_account_new },
	{ N_("Quit"), -1, NULL },
};

#define NITEMS ((int)(sizeof items / sizeof items[0]))

struct home_data {
	int	visible[NITEMS];
	int	n;
	int	sel;
};

static const struct keybind home_keys[] = {
	{ '\r', ACT_OPEN, N_("Open"), "Enter" },
	{ '\n', ACT_OPEN, NULL, NULL },
	{ KEY_ENTER, ACT_OPEN, NULL, NULL },
	{ KEY_DOWN, ACT_DOWN, NULL, NULL },
	{ 'j', ACT_DOWN, NULL, NULL },
	{ KEY_UP, ACT_UP, NULL, NULL },
	{ 'k', ACT_UP, NULL, NULL },
	{ 'q', ACT_QUIT, N_("Quit"), "q" },
	{ 27, ACT_QUIT, NULL, NULL },
	{ 0 }
};

static const char home_help[] = N_("Choose with the arrow keys or j/k and "
    "press Enter. The entries shown depend on your role.");

static const char *
role_greeting(int role)
{
	switch (role) {
	case SD_ROLE_ADMIN:	 return N_("Administrator: users, audit and system checks.");
	case SD_ROLE_SUPERVISOR: return N_("Supervisor: your team's users.");
	case SD_ROLE_OPERATOR:	 return N_("Operator desk.");
	case SD_ROLE_CASHIER:	 return N_("Cashier counter.");
	case SD_ROLE_AGENT:	 return N_("Agent desk.");
	default:		 return "";
	}
}

static void
home_open(struct screen *s)
{
	struct home_data *d = s->data;

	d->n = 0;
	for (int i = 0; i < NITEMS; i++)
		if (items[i].op < 0 || sd_role_may(app.sess.user.role,
		    items[i].op))
			d->visible[d->n++] = i;
	if (d->sel >= d->n)
		d->sel = 0;
}

static void
home_draw(struct screen *s)
{
	struct home_data *d = s->data;

	put_text(2, 2, COLS - 4, _(role_greeting(app.sess.user.role)),
	    theme_attr(TH_HEADER));
	for (int i = 0; i < d->n; i++) {
		struct sd_buf b = SD_BUF_INIT;

		sd_buf_printf(&b, " %d  %s", i + 1, _(items[d->visible[i]].label));
		put_text(4 + i, 2, 40, sd_buf_cstr(&b), i == d->sel ?
		    theme_attr(TH_SELECTED) : theme_attr(TH_NORMAL));
		sd_buf_free(&b);
	}
}

static void
home_key(struct screen *s, enum action a, wint_t ch)
{
	struct home_data *d = s->data;
	const struct menu_item *it;

	if (ch >= '1' && ch < (wint_t)('1' + d->n)) {
		d->sel = (int)(ch - '1');
		a = ACT_OPEN;
	}
	switch (a) {
	case ACT_DOWN:
		d->sel = (d->sel + 1) % d->n;
		break;
	case ACT_UP:
		d->sel = (d->sel + d->n - 1) % d->n;
		break;
	case ACT_OPEN:
		it = &items[d->visible[d->sel]];
		if (it->open == NULL) {
			if (ask_yes_no(_("Leave simdesk?")))
				app.quit = 1;
		} else
			screen_push(it->open());
		break;
	default:
		break;
	}
}

static const struct screen_ops home_ops = {
	home_open, home_draw, home_key, NULL
};

struct screen *
scr_home_new(void)
{
	struct screen *s = xcalloc(1, sizeof *s);

	s->ops = &home_ops;
	s->title = N_("Home");
	s->keys = home_keys;
	s->help = home_help;
	s->data = xcalloc(1, sizeof(struct home_data));
	return s;
}
