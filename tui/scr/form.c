/*
 * form.c -- the form widget: labelled, typed fields checked one by one as
 * the user leaves them (with core's own field checks), errors shown next to
 * the field, save on F2, and a question before changes are thrown away.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scr.h"

#define LABEL_W	18
#define VALUE_W	36

const struct keybind form_keys[] = {
	{ KEY_F(2), ACT_SAVE, N_("Save"), "F2" },
	{ 19, ACT_SAVE, NULL, NULL },			/* Ctrl-S */
	{ 27, ACT_BACK, N_("Cancel"), "Esc" },
	{ '\t', ACT_NEXT, N_("Next field"), "Tab" },
	{ KEY_BTAB, ACT_PREV, NULL, NULL },
	{ KEY_DOWN, ACT_DOWN, NULL, NULL },
	{ KEY_UP, ACT_UP, NULL, NULL },
	{ KEY_LEFT, ACT_LEFT, NULL, NULL },
	{ KEY_RIGHT, ACT_RIGHT, NULL, NULL },
	{ '\r', ACT_OPEN, NULL, NULL },
	{ '\n', ACT_OPEN, NULL, NULL },
	{ KEY_ENTER, ACT_OPEN, NULL, NULL },
	{ KEY_BACKSPACE, ACT_DELETE, NULL, NULL },
	{ 127, ACT_DELETE, NULL, NULL },
	{ 8, ACT_DELETE, NULL, NULL },
	{ 0 }
};

void
form_init(struct form *f, const char *title, struct ff_field *fields, int n,
    form_submit_fn submit, void *ctx)
{
	memset(f, 0, sizeof *f);
	f->title = title;
	f->fields = fields;
	f->n = n;
	f->submit = submit;
	f->ctx = ctx;
	while (f->cur < n - 1 && fields[f->cur].readonly)
		f->cur++;
}

/* err's text in the user's language, without its leading "field: "
 * (or the Chinese "字段："), beside the field. */
static void
set_error(struct ff_field *fl, const struct sd_err *err)
{
	char text[SD_ERRMSG_MAX];
	const char *colon, *wide, *p = text;

	app_err_text(err, text, sizeof text);
	colon = strstr(text, ": ");
	wide = strstr(text, "：");
	if (wide != NULL && (colon == NULL || wide < colon))
		p = wide + strlen("：");
	else if (colon != NULL)
		p = colon + 2;
	sd_strlcpy(fl->error, p, sizeof fl->error);
}

int
form_check_field(struct ff_field *fl)
{
	struct sd_err err;
	int n = 0;

	fl->error[0] = '\0';
	fl->hint[0] = '\0';
	sd_err_clear(&err);
	if (fl->value[0] == '\0') {
		if (fl->required)
			sd_strlcpy(fl->error, _("required"), sizeof fl->error);
		return fl->error[0] != '\0';
	}
	switch (fl->type) {
	case FF_LOGIN:
		if (sd_check_login(fl->label, fl->value, &err) != SD_OK)
			set_error(fl, &err);
		break;
	case FF_PHONE:
		if (sd_check_phone(fl->label, fl->value, &err) != SD_OK)
			set_error(fl, &err);
		break;
	case FF_INT:
		for (const char *p = fl->value; *p; p++) {
			if (!isdigit((unsigned char)*p) || n > 100000000) {
				n = -1;
				break;
			}
			n = n * 10 + (*p - '0');
		}
		if (n < fl->lo || n > fl->hi)
			snprintf(fl->error, sizeof fl->error,
			    _("a whole number from %d to %d"), fl->lo, fl->hi);
		break;
	case FF_CHOICE: {
		int ok = 0;

		for (int i = 0; fl->choices != NULL && fl->choices[i]; i++)
			if (strcmp(fl->choices[i], fl->value) == 0)
				ok = 1;
		if (!ok)
			sd_strlcpy(fl->error, _("not one of the choices"),
			    sizeof fl->error);
		break;
	}
	case FF_TEXT:
		if (sd_check_text(fl->label, fl->value, (size_t)(fl->maxlen > 0 ?
		    fl->maxlen : FF_VALUE_MAX - 1), &err) != SD_OK)
			set_error(fl, &err);
		break;
	case FF_WHEN: {
		int64_t t;
		const char *v = strcmp(fl->value, _("none")) == 0 ? "none" :
		    fl->value;

		if (sd_note_next_parse(fl->key != NULL ? fl->key : fl->label, v,
		    &t, &err) != SD_OK)
			set_error(fl, &err);
		else if (t == SD_NOTE_NEXT_CLEAR)
			sd_strlcpy(fl->hint, _("drops the planned contact"),
			    sizeof fl->hint);
		else if (t != SD_NOTE_NEXT_KEEP) {
			char when[32];

			/* Echo what was understood: "tomorrow" is a date. */
			sd_time_format(t, when, sizeof when);
			when[16] = '\0';
			snprintf(fl->hint, sizeof fl->hint, "→ %s", when);
		}
		break;
	}
	case FF_PASSWORD:
		/* A new one: core's rule, said as the field is left. */
		if (fl->new_password && sd_check_password(fl->label, fl->value,
		    app.cfg.min_password, &err) != SD_OK)
			set_error(fl, &err);
		else if (fl->repeat_of != NULL &&
		    strcmp(fl->value, fl->repeat_of->value) != 0)
			sd_strlcpy(fl->error, _("the two passwords differ"),
			    sizeof fl->error);
		break;
	}
	if (fl->error[0] == '\0' && fl->check != NULL &&
	    fl->check(fl->key != NULL ? fl->key : fl->label, fl->value,
	    &err) != SD_OK)
		set_error(fl, &err);
	return fl->error[0] != '\0';
}

void
ff_init(struct ff_field *fl, const char *label, const char *key,
    enum ff_type t, int required, int maxlen)
{
	memset(fl, 0, sizeof *fl);
	fl->label = label;
	fl->key = key;
	fl->type = t;
	fl->required = required;
	fl->maxlen = maxlen;
}

void
form_show_error(struct form *f, const struct sd_err *err)
{
	size_t n = strcspn(err->msg, ":");

	app_error(err);
	for (int i = 0; i < f->n; i++) {
		const char *l = f->fields[i].key != NULL ? f->fields[i].key :
		    f->fields[i].label;

		/* Core names fields in lower case ("name", "os-login"). */
		if (strlen(l) == n && strncasecmp(l, err->msg, n) == 0) {
			set_error(&f->fields[i], err);
			f->cur = i;
			return;
		}
	}
}

void
form_draw(struct form *f)
{
	int y = 3;

	put_text(2, 2, COLS - 4, _(f->title), theme_attr(TH_HEADER));
	for (int i = 0; i < f->n && y < LINES - 3; i++, y += 2) {
		struct ff_field *fl = &f->fields[i];
		struct sd_buf label = SD_BUF_INIT, shown = SD_BUF_INIT;
		int cur = i == f->cur;
		int attr = cur ? theme_attr(TH_FIELD_CUR) :
		    fl->readonly ? theme_attr(TH_DIM) : theme_attr(TH_FIELD);

		sd_buf_printf(&label, "%s%s", _(fl->label),
		    fl->required ? " *" : "");
		put_text(y, 2, LABEL_W, sd_buf_cstr(&label),
		    theme_attr(TH_NORMAL));
		if (fl->type == FF_PASSWORD)
			for (size_t k = 0; k < strlen(fl->value); k++)
				sd_buf_addc(&shown, '*');
		else if (fl->type == FF_CHOICE)
			sd_buf_printf(&shown, "< %s >", _(fl->value));
		else
			sd_buf_adds(&shown, fl->value);
		if (cur && fl->type != FF_CHOICE && !fl->readonly)
			sd_buf_addc(&shown, '_');
		/* Show the end of a long value, where the typing is. */
		{
			const char *p = sd_buf_cstr(&shown);

			while (sd_width(p) > VALUE_W)
				p++;
			while ((*p & 0xc0) == 0x80)
				p++;
			put_text(y, 2 + LABEL_W, VALUE_W, p, attr);
		}
		/* An error too long for the room beside the field goes on
		 * the free line under it (80 columns). */
		if (fl->error[0] != '\0' && sd_width(fl->error) >
		    COLS - (3 + LABEL_W + VALUE_W))
			put_text(y + 1, 2 + LABEL_W, COLS - (2 + LABEL_W),
			    fl->error, theme_attr(TH_ERROR));
		else if (fl->error[0] != '\0')
			put_text(y, 3 + LABEL_W + VALUE_W,
			    COLS - (3 + LABEL_W + VALUE_W), fl->error,
			    theme_attr(TH_ERROR));
		else if (fl->hint[0] != '\0')
			put_text(y, 3 + LABEL_W + VALUE_W,
			    COLS - (3 + LABEL_W + VALUE_W), fl->hint,
			    theme_attr(TH_OK));
		sd_buf_free(&label);
		sd_buf_free(&shown);
	}
	put_text(y, 2, COLS - 4, _("* required   Tab/Enter next field   "
	    "F2 save   Esc cancel"), theme_attr(TH_DIM));
}

static void
cycle_choice(struct ff_field *fl, int dir)
{
	int n = 0, at = 0;

	while (fl->choices != NULL && fl->choices[n] != NULL) {
		if (strcmp(fl->choices[n], fl->value) == 0)
			at = n;
		n++;
	}
	if (n == 0)
		return;
	at = (at + dir + n) % n;
	sd_strlcpy(fl->value, fl->choices[at], sizeof fl->value);
}

static void
move_field(struct form *f, int dir)
{
	for (int k = 0; k < f->n; k++) {
		f->cur = (f->cur + dir + f->n) % f->n;
		if (!f->fields[f->cur].readonly)
			return;
	}
}

static int
save(struct form *f)
{
	struct sd_err err;
	int bad = -1;

	for (int i = 0; i < f->n; i++)
		if (!f->fields[i].readonly && form_check_field(&f->fields[i]) &&
		    bad < 0)
			bad = i;
	if (bad >= 0) {
		f->cur = bad;
		app_message(1, "%s", _("Please correct the fields marked in red."));
		return 0;
	}
	sd_err_clear(&err);
	if (f->submit(f, &err) != SD_OK) {
		form_show_error(f, &err);
		return 0;
	}
	f->done = 1;
	f->dirty = 0;
	return 1;
}

/* Is any value not what it was when the form first took a key? */
static int
changed(const struct form *f)
{
	for (int i = 0; i < f->n && i < FORM_FIELDS_MAX; i++)
		if (strcmp(f->orig[i], f->fields[i].value) != 0)
			return 1;
	return 0;
}

int
form_key(struct form *f, enum action a, wint_t ch)
{
	struct ff_field *fl = &f->fields[f->cur];

	if (!f->snapped) {
		for (int i = 0; i < f->n && i < FORM_FIELDS_MAX; i++)
			sd_strlcpy(f->orig[i], f->fields[i].value,
			    sizeof f->orig[i]);
		f->snapped = 1;
	}

	if (ch != 0) {
		if (fl->readonly)
			return 0;
		if (fl->type == FF_CHOICE) {
			if (ch == ' ')
				cycle_choice(fl, 1);
			f->dirty = 1;
			return 0;
		}
		if (fl->maxlen == 0 || (int)strlen(fl->value) < fl->maxlen)
			utf8_append(fl->value, sizeof fl->value, ch);
		fl->error[0] = fl->hint[0] = '\0';
		f->dirty = 1;
		return 0;
	}
	switch (a) {
	case ACT_DELETE:
		if (!fl->readonly && fl->type != FF_CHOICE) {
			utf8_backspace(fl->value);
			f->dirty = 1;
		}
		return 0;
	case ACT_LEFT:
	case ACT_RIGHT:
		if (fl->type == FF_CHOICE && !fl->readonly) {
			cycle_choice(fl, a == ACT_RIGHT ? 1 : -1);
			f->dirty = 1;
		}
		return 0;
	case ACT_OPEN:
		/* Enter: next field, or save from the last one. */
		form_check_field(fl);
		if (f->cur == f->n - 1)
			return save(f);
		move_field(f, 1);
		return 0;
	case ACT_NEXT:
	case ACT_DOWN:
		form_check_field(fl);
		move_field(f, 1);
		return 0;
	case ACT_PREV:
	case ACT_UP:
		form_check_field(fl);
		move_field(f, -1);
		return 0;
	case ACT_SAVE:
		return save(f);
	case ACT_BACK:
		if (f->dirty && changed(f) &&
		    !ask_yes_no(_("Discard your changes?")))
			return 0;
		return 1;
	default:
		return 0;
	}
}
