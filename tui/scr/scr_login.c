/*
 * scr_login.c -- the login screen for users not bound to their Unix login
 * (or started with -l).  Lockout and auditing are core's.
 */
#include <stdlib.h>
#include <string.h>

#include "scr.h"

struct login_data {
	struct form	 form;
	struct ff_field	 fields[2];
	char		 note[400];	/* the server's login_note */
	char		 help[1024];	/* the help and the note */
};

static const char login_help[] = N_("Type your simdesk login and password. "
    "After too many wrong passwords the account is locked for a while; "
    "an administrator can unlock it.");

static int
login_submit(struct form *f, struct sd_err *err)
{
	int st;

	st = rpc_session_login(f->fields[0].value, f->fields[1].value,
	    &app.sess, err);
	explicit_bzero(f->fields[1].value, sizeof f->fields[1].value);
	return st;
}

static void
login_draw(struct screen *s)
{
	struct login_data *d = s->data;

	form_draw(&d->form);
	/* The configuration's note (the demo's logins), in sight at once. */
	if (d->note[0] != '\0')
		put_wrapped(9, 2, COLS - 4, LINES - 3, d->note,
		    theme_attr(TH_OK));
}

static void
login_key(struct screen *s, enum action a, wint_t ch)
{
	struct login_data *d = s->data;

	if (!form_key(&d->form, a, ch))
		return;
	if (!d->form.done) {
		app.quit = 1;	/* Esc on the login screen leaves */
		return;
	}
	screen_pop();		/* frees s */
	screen_push(scr_home_new());
	app_message(0, _("Welcome, %s."), app.sess.user.name);
}

static const struct screen_ops login_ops = {
	NULL, login_draw, login_key, NULL
};

struct screen *
scr_login_new(int *ok)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct login_data *d = xcalloc(1, sizeof *d);

	(void)ok;
	/* Keyed "user": core's "login: ..." messages name the operation,
	 * and after a failure the cursor stays on the cleared password. */
	d->fields[0] = (struct ff_field){ N_("Login"), "user", FF_TEXT, 1, 0,
	    SD_LOGIN_MAX, 0, 0, NULL, "", "" };
	d->fields[1] = (struct ff_field){ N_("Password"), "password",
	    FF_PASSWORD, 1, 0, 200, 0, 0, NULL, "", "" };
	form_init(&d->form, N_("Log in"), d->fields, 2, login_submit, NULL);
	s->ops = &login_ops;
	s->title = N_("Log in");
	s->keys = form_keys;
	s->help = login_help;
	/* The note is the server's (its configuration); without an answer,
	 * this terminal's configuration's. */
	if (rpc_login_note(d->note, sizeof d->note, &(struct sd_err){ 0 }) !=
	    SD_OK || d->note[0] == '\0')
		sd_strlcpy(d->note, app.cfg.login_note, sizeof d->note);
	if (d->note[0] != '\0') {
		snprintf(d->help, sizeof d->help, "%s  %s", _(login_help),
		    d->note);
		s->help = d->help;
	}
	s->data = d;
	s->text_input = 1;
	return s;
}
