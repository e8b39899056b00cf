/*
 * scr_account.c -- "my account": anyone changes their own password here.
 */
#include <string.h>

#include "scr.h"

struct account_data {
	struct form	form;
	struct ff_field	fields[3];
};

static const char account_help[] = N_("Type your current password, then the "
    "new one twice, and press F2.");

static int
account_submit(struct form *f, struct sd_err *err)
{
	struct ff_field *fl = f->fields;
	int st;

	if (strcmp(fl[1].value, fl[2].value) != 0)
		return sd_err_set(err, SD_EINVAL,
		    "repeat: the two passwords differ");
	st = rpc_user_passwd(&app.sess, app.sess.user.login,
	    fl[0].value[0] ? fl[0].value : NULL, fl[1].value, err);
	for (int i = 0; i < 3; i++)
		explicit_bzero(fl[i].value, sizeof fl[i].value);
	return st;
}

static void
account_draw(struct screen *s)
{
	struct account_data *d = s->data;

	form_draw(&d->form);
}

static void
account_key(struct screen *s, enum action a, wint_t ch)
{
	struct account_data *d = s->data;

	if (!form_key(&d->form, a, ch))
		return;
	if (d->form.done)
		app_message(0, "%s", _("Your password has been changed."));
	screen_pop();
}

static const struct screen_ops account_ops = {
	NULL, account_draw, account_key, NULL
};

struct screen *
scr_account_new(void)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct account_data *d = xcalloc(1, sizeof *d);
	int need_old = 1;
	struct sd_err err;

	rpc_user_may_passwd(&app.sess, app.sess.user.login, &need_old, &err);
	d->fields[0] = (struct ff_field){ N_("Old password"), "old password",
	    FF_PASSWORD, need_old, 0, 200, 0, 0, NULL, "", "" };
	d->fields[1] = (struct ff_field){ N_("New password"), "new password",
	    FF_PASSWORD, 1, 0, 200, 0, 0, NULL, "", "" };
	d->fields[2] = (struct ff_field){ N_("Repeat password"), "repeat",
	    FF_PASSWORD, 1, 0, 200, 0, 0, NULL, "", "" };
	d->fields[1].new_password = 1;
	d->fields[2].repeat_of = &d->fields[1];
	form_init(&d->form, N_("Change your password"), d->fields, 3,
	    account_submit, NULL);
	s->ops = &account_ops;
	s->title = N_("My account");
	s->keys = form_keys;
	s->help = account_help;
	s->data = d;
	s->text_input = 1;
	return s;
}
