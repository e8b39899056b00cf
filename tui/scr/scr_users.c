/*
 * scr_users.c -- user administration: the user list (paged from the login
 * index, filter as you type) and the add/edit form.  Who may see or change
 * whom is decided in core; this file only shows and asks.
 */
#include <stdlib.h>
#include <string.h>

#include "scr.h"

/* ---------------------------------------------------------------- list */

static const struct lv_col user_cols[] = {
	{ N_("Login"), 14, 0 },
	{ N_("Name"), 0, 0 },
	{ N_("Role"), 12, 0 },
	{ N_("Team"), 10, 0 },
	{ N_("Phone"), 14, 0 },
	{ N_("Status"), 9, 0 },
};

struct users_data {
	struct listview	lv;
};

static int
users_fetch(void *ctx, const char *filter, const char *anchor, int dir,
    int max, struct lv_row *rows, int *n, struct sd_err *err)
{
	struct sd_user_filter f;
	struct sd_user *u = xcalloc((size_t)max, sizeof *u);
	int64_t now = sd_now();
	int st;

	(void)ctx;
	memset(&f, 0, sizeof f);
	f.match = filter;
	st = rpc_user_page(&app.sess, &f, anchor, dir, u, max, n, err);
	for (int i = 0; st == SD_OK && i < *n; i++) {
		const char *state = sd_user_state(&u[i], now);

		memset(&rows[i], 0, sizeof rows[i]);
		sd_strlcpy(rows[i].key, u[i].login, sizeof rows[i].key);
		sd_strlcpy(rows[i].cells[0], u[i].login, LV_CELL_MAX);
		sd_strlcpy(rows[i].cells[1], u[i].name, LV_CELL_MAX);
		sd_strlcpy(rows[i].cells[2], _(sd_role_name(u[i].role)),
		    LV_CELL_MAX);
		sd_strlcpy(rows[i].cells[3], u[i].team, LV_CELL_MAX);
		sd_strlcpy(rows[i].cells[4], u[i].phone, LV_CELL_MAX);
		sd_strlcpy(rows[i].cells[5], _(state), LV_CELL_MAX);
		rows[i].attr = strcmp(state, "disabled") == 0 ? TH_DIM :
		    strcmp(state, "locked") == 0 ? TH_ERROR : 0;
	}
	free(u);
	return st;
}

static const struct keybind users_keys[] = {
	KEY_CMD('a', ACT_ADD, "a", "user add"),
	KEY_CMD('\r', ACT_EDIT, "Enter", "user update"),
	KEY_CMD('\n', ACT_EDIT, NULL, "user update"),
	KEY_CMD(KEY_ENTER, ACT_EDIT, NULL, "user update"),
	KEY_CMD('e', ACT_EDIT, NULL, "user update"),
	{ '/', ACT_FILTER, N_("Filter"), "/" },
	/* user disable and user enable: the same roles */
	{ 'd', ACT_TOGGLE, N_("Disable/enable"), "d",
	    KEY_NEEDS(SD_OP_USER_DISABLE) },
	KEY_CMD('u', ACT_UNLOCK, "u", "user unlock"),
	{ 'p', ACT_PASSWD, N_("Reset password"), "p",
	    KEY_NEEDS(SD_OP_USER_UPDATE) },
	KEY_CMD('t', ACT_RUN, "t", "customer transfer"),
	{ 'r', ACT_REFRESH, N_("Refresh"), "r" },
	{ 27, ACT_BACK, N_("Back"), "Esc" },
	{ 'q', ACT_BACK, NULL, NULL },
	{ 0 }
};

static const char users_help[] = N_("Staff who can log in to simdesk. "
    "Move with the arrow keys or j/k, PgUp/PgDn, g/G for the first and last. "
    "Press / and type to filter as you type: users whose login or name has "
    "the text anywhere; Enter keeps the filter, "
    "Esc clears it. Disabled users are dim, locked ones red. p sets a new "
    "password for the selected user (an admin's reset: the user's old one is "
    "not asked; tell them the new one and they change it under My account). "
    "t moves all of the selected user's customers, with their reminders "
    "and open tickets, to another user (a leaver's, say).");

static void
users_open(struct screen *s)
{
	struct users_data *d = s->data;

	lv_refresh(&d->lv);
}

static void
users_draw(struct screen *s)
{
	struct users_data *d = s->data;

	lv_draw(&d->lv);
}

/* An admin sets another user's password: twice, stars, core's rules. */
static void
reset_password(const char *login, struct sd_err *err)
{
	char pw[256] = "", again[256] = "", q[128];
	int need_old = 0;

	if (rpc_user_may_passwd(&app.sess, login, &need_old, err) != SD_OK)
		return;
	if (need_old) {		/* one's own: under My account, with the old */
		app_message(1, "%s", _("Your own password: change it under My "
		    "account (it asks the old one)."));
		return;
	}
	snprintf(q, sizeof q, _("New password for %s:"), login);
	if (!ask_secret(q, pw, sizeof pw) ||
	    !ask_secret(_("The same again:"), again, sizeof again))
		goto out;
	if (strcmp(pw, again) != 0)
		sd_err_set(err, SD_EINVAL, "repeat: the two passwords differ");
	else if (rpc_user_passwd(&app.sess, login, NULL, pw, err) == SD_OK)
		app_message(0, _("%s has a new password."), login);
out:
	explicit_bzero(pw, sizeof pw);
	explicit_bzero(again, sizeof again);
}

/* All of a leaver's customers to someone else, after a confirmation. */
static void
transfer_customers(const char *login, struct sd_err *err)
{
	char to[SD_LOGIN_MAX + 1] = "", q[192];
	int moved = 0;

	snprintf(q, sizeof q, _("Move %s's customers to (login):"), login);
	if (!ask_text(q, to, sizeof to) || to[0] == '\0')
		return;
	snprintf(q, sizeof q, _("Move all of %s's customers, their reminders "
	    "and open tickets to %s?"), login, to);
	if (!ask_yes_no(q))
		return;
	if (rpc_customer_transfer(&app.sess, login, to, &moved, err) == SD_OK)
		app_message(0, _("Customers moved to %s: %d."), to, moved);
}

static void
users_key(struct screen *s, enum action a, wint_t ch)
{
	struct users_data *d = s->data;
	const struct lv_row *row;
	struct sd_err err;
	struct sd_user u;
	char login[SD_LOGIN_MAX + 1];

	if (lv_key(&d->lv, a, ch)) {
		s->text_input = d->lv.filtering;
		return;
	}
	row = lv_selected(&d->lv);
	if (row != NULL)
		sd_strlcpy(login, row->key, sizeof login);
	sd_err_clear(&err);
	switch (a) {
	case ACT_BACK:
		screen_pop();
		return;
	case ACT_ADD:
		screen_push(scr_user_form_new(NULL));
		return;
	case ACT_EDIT:
		if (row != NULL)
			screen_push(scr_user_form_new(login));
		return;
	case ACT_TOGGLE:
		if (row == NULL || rpc_user_get(&app.sess, login, &u, &err) != SD_OK)
			break;
		if (u.status == SD_USER_DISABLED) {
			if (rpc_user_set_status(&app.sess, login, SD_USER_ACTIVE,
			    &err) == SD_OK)
				app_message(0, _("%s can log in again."), login);
		} else if (ask_yes_no(_("Disable this user?")) &&
		    rpc_user_set_status(&app.sess, login, SD_USER_DISABLED,
		    &err) == SD_OK)
			app_message(0, _("%s is disabled."), login);
		lv_refresh(&d->lv);
		break;
	case ACT_UNLOCK:
		if (row != NULL && rpc_user_unlock(&app.sess, login, &err) == SD_OK)
			app_message(0, _("%s is unlocked."), login);
		lv_refresh(&d->lv);
		break;
	case ACT_PASSWD:
		if (row != NULL)
			reset_password(login, &err);
		break;
	case ACT_RUN:
		if (row != NULL)
			transfer_customers(login, &err);
		break;
	default:
		break;
	}
	if (err.status != SD_OK)
		app_error(&err);
}

static const struct screen_ops users_ops = {
	users_open, users_draw, users_key, NULL
};

struct screen *
scr_users_new(void)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct users_data *d = xcalloc(1, sizeof *d);

	lv_init(&d->lv, user_cols, 6, users_fetch, NULL);
	s->ops = &users_ops;
	s->title = N_("Users");
	s->keys = users_keys;
	s->nav = 1;
	s->help = users_help;
	s->data = d;
	return s;
}

/* ---------------------------------------------------------------- form */

static const char *const role_choices[] = { "operator", "cashier",
    "supervisor", "agent", "admin", NULL };

enum { F_LOGIN, F_NAME, F_ROLE, F_TEAM, F_PHONE, F_AGE, F_OSLOGIN,
    F_PASSWORD, F_REPEAT, F__COUNT };

struct uform_data {
	struct form	form;
	struct ff_field	fields[F__COUNT];
	int		adding;
};

static const char uform_help[] = N_("Fields marked * are required. Tab or "
    "Enter moves to the next field, the left and right arrows choose the "
    "role, F2 saves. Esc asks before throwing changes away.");

static int
uform_submit(struct form *f, struct sd_err *err)
{
	struct uform_data *d = f->ctx;
	struct ff_field *fl = d->fields;
	struct sd_user_fields uf;

	sd_user_fields_init(&uf);
	uf.name = fl[F_NAME].value;
	uf.role = sd_role_parse(fl[F_ROLE].value);
	uf.team = fl[F_TEAM].value;
	uf.phone = fl[F_PHONE].value;
	uf.age = fl[F_AGE].value[0] ? atoi(fl[F_AGE].value) : 0;
	uf.os_login = fl[F_OSLOGIN].value;
	if (!d->adding)
		return rpc_user_update(&app.sess, fl[F_LOGIN].value, &uf, err);
	if (strcmp(fl[F_PASSWORD].value, fl[F_REPEAT].value) != 0)
		return sd_err_set(err, SD_EINVAL,
		    "repeat: the two passwords differ");
	return rpc_user_add(&app.sess, fl[F_LOGIN].value, &uf,
	    fl[F_PASSWORD].value, NULL, err);
}

static void
uform_draw(struct screen *s)
{
	struct uform_data *d = s->data;

	form_draw(&d->form);
}

static void
uform_key(struct screen *s, enum action a, wint_t ch)
{
	struct uform_data *d = s->data;
	char login[SD_LOGIN_MAX + 1];

	if (!form_key(&d->form, a, ch))
		return;
	sd_strlcpy(login, d->fields[F_LOGIN].value, sizeof login);
	if (d->form.done)
		app_message(0, d->adding ? _("%s added.") : _("%s saved."),
		    login);
	screen_pop();
}

static const struct screen_ops uform_ops = {
	NULL, uform_draw, uform_key, NULL
};

static void
field(struct ff_field *fl, const char *label, const char *key,
    enum ff_type type, int required, int maxlen)
{
	memset(fl, 0, sizeof *fl);
	fl->label = label;
	fl->key = key;
	fl->type = type;
	fl->required = required;
	fl->maxlen = maxlen;
}

struct screen *
scr_user_form_new(const char *login)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct uform_data *d = xcalloc(1, sizeof *d);
	struct ff_field *fl = d->fields;
	int n = F__COUNT;

	d->adding = login == NULL;
	field(&fl[F_LOGIN], N_("Login"), "login", FF_LOGIN, 1, SD_LOGIN_MAX);
	field(&fl[F_NAME], N_("Name"), "name", FF_TEXT, 1, SD_NAME_MAX);
	field(&fl[F_ROLE], N_("Role"), "role", FF_CHOICE, 1, 0);
	fl[F_ROLE].choices = role_choices;
	sd_strlcpy(fl[F_ROLE].value, "operator", FF_VALUE_MAX);
	field(&fl[F_TEAM], N_("Team"), "team", FF_TEXT, 0, 64);
	field(&fl[F_PHONE], N_("Phone"), "phone", FF_PHONE, 0, 32);
	field(&fl[F_AGE], N_("Age"), "age", FF_INT, 0, 3);
	fl[F_AGE].lo = 16;
	fl[F_AGE].hi = 100;
	field(&fl[F_OSLOGIN], N_("Unix login"), "os-login", FF_TEXT, 0,
	    SD_LOGIN_MAX);
	field(&fl[F_PASSWORD], N_("Password"), "password", FF_PASSWORD, 1, 200);
	field(&fl[F_REPEAT], N_("Repeat password"), "repeat", FF_PASSWORD, 1,
	    200);
	fl[F_PASSWORD].new_password = 1;
	fl[F_REPEAT].repeat_of = &fl[F_PASSWORD];
	if (!d->adding) {
		struct sd_user u;
		struct sd_err err;

		n = F_PASSWORD;	/* passwords change elsewhere */
		if (rpc_user_get(&app.sess, login, &u, &err) != SD_OK) {
			app_error(&err);
			free(d);
			free(s);
			return scr_users_new();
		}
		sd_strlcpy(fl[F_LOGIN].value, u.login, FF_VALUE_MAX);
		fl[F_LOGIN].readonly = 1;
		sd_strlcpy(fl[F_NAME].value, u.name, FF_VALUE_MAX);
		sd_strlcpy(fl[F_ROLE].value, sd_role_name(u.role), FF_VALUE_MAX);
		sd_strlcpy(fl[F_TEAM].value, u.team, FF_VALUE_MAX);
		sd_strlcpy(fl[F_PHONE].value, u.phone, FF_VALUE_MAX);
		if (u.age > 0)
			snprintf(fl[F_AGE].value, FF_VALUE_MAX, "%d", u.age);
		sd_strlcpy(fl[F_OSLOGIN].value, u.os_login, FF_VALUE_MAX);
	}
	form_init(&d->form, d->adding ? N_("New user") : N_("Edit user"), fl, n,
	    uform_submit, d);
	s->ops = &uform_ops;
	s->title = d->adding ? N_("New user") : N_("Edit user");
	s->keys = form_keys;
	s->help = uform_help;
	s->data = d;
	s->text_input = 1;
	return s;
}
