/*
 * scr_cdrimport.c -- Billing → Import call records, for admins: a CDR file
 * (Asterisk, FreeSWITCH or simdesk CSV) checked here first, then imported
 * and rated by simdeskd with its progress on the screen, and what came of
 * it: calls imported, duplicates (already in, charged nothing) and the bad
 * rows set aside.  The same import as `simdeskctl cdr import`.
 */
#include <stdlib.h>
#include <string.h>

#include "scr.h"

static const char *const cdr_formats[] = { "asterisk", "freeswitch",
    "simdesk", NULL };

struct cdr_screen {
	struct form		 form;
	struct ff_field		 f[3];
	int			 checked;	/* F2 read the file */
	char			 checked_as[2 * FF_VALUE_MAX + 2]; /* file, format */
	int			 rows;		/* its data rows */
	char			 encoding[16];
	char			 head[3][160];	/* the first rows, as read */
	int			 nhead;
	/* The import: while it runs, and what came of it. */
	int			 running;
	long			 done, total;
	int			 ran;		/* 1 ok, -1 failed */
	struct sd_import_result	 r;
	char			 error[SD_ERRMSG_MAX];
};

static int
cdr_format(const struct cdr_screen *d)
{
	return sd_cdr_format_parse(d->f[1].value);
}

/* F2: the file read as the import will read it, nothing written. */
static int
cdr_check(struct form *f, struct sd_err *err)
{
	struct cdr_screen *d = f->ctx;
	struct sd_table t;
	int st;

	d->checked = 0;
	d->ran = 0;
	if ((st = sd_table_read(f->fields[0].value, SD_ENC_AUTO, &t, err)) !=
	    SD_OK)
		return st;
	d->checked = 1;
	snprintf(d->checked_as, sizeof d->checked_as, "%s\n%s",
	    f->fields[0].value, f->fields[1].value);
	/* The simdesk format has a header; the others do not. */
	d->rows = t.nrows - (cdr_format(d) == SD_CDR_SIMDESK ? 1 : 0);
	sd_strlcpy(d->encoding, t.encoding, sizeof d->encoding);
	d->nhead = 0;
	for (int r = 0; r < t.nrows && d->nhead < 3; r++) {
		struct sd_buf b = SD_BUF_INIT;

		sd_buf_printf(&b, "%d:", t.lines[r]);
		for (int c = 0; c < t.ncells[r]; c++)
			sd_buf_printf(&b, " %s%s", t.cells[r][c],
			    c + 1 < t.ncells[r] ? "," : "");
		sd_strlcpy(d->head[d->nhead++], sd_buf_cstr(&b),
		    sizeof d->head[0]);
		sd_buf_free(&b);
	}
	sd_table_free(&t);
	return SD_EINVAL;	/* stay on the form: what was read is below */
}

static void
cdr_draw(struct screen *s)
{
	struct cdr_screen *d = s->data;
	struct sd_buf b = SD_BUF_INIT;
	int y = 10;

	form_draw(&d->form);
	if (d->running || d->ran > 0) {
		long pct = d->total > 0 ? d->done * 100 / d->total : 0;
		int w = COLS - 8 > 50 ? 50 : COLS - 8, fill = (int)(w * pct / 100);

		sd_buf_printf(&b, d->running ? _("Importing: %ld of %ld calls "
		    "(%ld%%)") : _("Imported: %ld of %ld calls (%ld%%)"),
		    d->done, d->total, pct);
		put_text(y++, 2, COLS - 4, sd_buf_cstr(&b), theme_attr(TH_HEADER));
		sd_buf_reset(&b);
		for (int i = 0; i < w; i++)
			sd_buf_adds(&b, i < fill ? "█" : "░");
		put_text(y++, 2, COLS - 4, sd_buf_cstr(&b), theme_attr(TH_OK));
		y++;
	}
	if (d->ran > 0) {
		sd_buf_reset(&b);
		sd_buf_printf(&b, _("Imported and rated: %ld. Duplicates "
		    "(already in, charged nothing): %ld. Rejected: %ld."),
		    d->r.imported, d->r.duplicates, d->r.rejected);
		y = put_wrapped(y, 2, COLS - 4, LINES - 2, sd_buf_cstr(&b),
		    theme_attr(TH_OK));
		if (d->r.rejected > 0 && d->f[2].value[0]) {
			sd_buf_reset(&b);
			sd_buf_printf(&b, _("The rejected rows, with why, are in "
			    "%s."), d->f[2].value);
			y = put_wrapped(y, 2, COLS - 4, LINES - 2,
			    sd_buf_cstr(&b), theme_attr(TH_NORMAL));
		}
	} else if (d->ran < 0) {
		put_text(y++, 2, COLS - 4, _("Nothing was imported:"),
		    theme_attr(TH_ERROR));
		y = put_wrapped(y, 2, COLS - 4, LINES - 2, d->error,
		    theme_attr(TH_ERROR));
	} else if (!d->running && !d->checked) {
		put_wrapped(y, 2, COLS - 4, LINES - 2, _("F2 reads the file and "
		    "shows what would be imported; nothing is written until you "
		    "press F5."), theme_attr(TH_DIM));
	} else if (!d->running) {
		sd_buf_printf(&b, _("Checked: %d call records, %s."), d->rows,
		    d->encoding);
		put_text(y++, 2, COLS - 4, sd_buf_cstr(&b), theme_attr(TH_HEADER));
		for (int i = 0; i < d->nhead && y < LINES - 4; i++)
			put_text(y++, 4, COLS - 6, d->head[i],
			    theme_attr(TH_NORMAL));
		y++;
		put_wrapped(y, 2, COLS - 4, LINES - 2, _("Press F5 to import "
		    "and rate them."), theme_attr(TH_OK));
	}
	sd_buf_free(&b);
}

/* The server's PROGRESS frames, drawn as they come (a few a second). */
static void
cdr_progress(long done, long total, void *arg)
{
	struct cdr_screen *d = arg;
	struct screen *s = screen_top();

	d->done = done;
	d->total = total;
	screen_redraw(s);
}

static void
cdr_run(struct cdr_screen *d)
{
	struct sd_err err;
	int st;

	d->running = 1;
	d->done = 0;
	d->total = d->rows;
	d->ran = 0;
	app_message(0, "%s", _("Importing call records…"));
	cdr_progress(0, d->rows, d);
	sd_err_clear(&err);
	st = rpc_cdr_import(&app.sess, d->f[0].value, cdr_format(d),
	    d->f[2].value[0] ? d->f[2].value : NULL, cdr_progress, d, &d->r,
	    &err);
	d->running = 0;
	if (st == SD_OK) {
		d->ran = 1;
		d->done = d->total = d->r.imported + d->r.duplicates;
		app_message(0, _("Imported %ld calls."), d->r.imported);
	} else {
		d->ran = -1;
		app_err_text(&err, d->error, sizeof d->error);
		app_error(&err);
	}
}

static struct keybind cdr_keys[24];

static void
cdr_key(struct screen *s, enum action a, wint_t ch)
{
	struct cdr_screen *d = s->data;

	if (a == ACT_RUN) {
		char now[sizeof d->checked_as];

		/* What F5 imports is what F2 read. */
		snprintf(now, sizeof now, "%s\n%s", d->f[0].value,
		    d->f[1].value);
		if (!d->checked || strcmp(now, d->checked_as) != 0)
			app_message(1, "%s", _("Press F2 to check the file "
			    "first."));
		else
			cdr_run(d);
		return;
	}
	if (form_key(&d->form, a, ch))
		screen_pop();
}

static const struct screen_ops cdr_ops = { NULL, cdr_draw, cdr_key, NULL };

struct screen *
scr_cdr_import_new(void)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct cdr_screen *d = xcalloc(1, sizeof *d);

	ff_init(&d->f[0], N_("CDR file"), "file", FF_TEXT, 1, 120);
	ff_init(&d->f[1], N_("Format"), "format", FF_CHOICE, 1, 16);
	d->f[1].choices = cdr_formats;
	sd_strlcpy(d->f[1].value, "asterisk", sizeof d->f[1].value);
	ff_init(&d->f[2], N_("Bad rows to"), "skip-bad", FF_TEXT, 0, 120);
	sd_strlcpy(d->f[2].hint, _("empty: one bad row refuses the file"),
	    sizeof d->f[2].hint);
	form_init(&d->form, N_("Import call records"), d->f, 3, cdr_check, d);
	/* The form's keys, and F5 to run the import. */
	if (cdr_keys[0].key == 0) {
		int n = 0;

		cdr_keys[n++] = (struct keybind){ KEY_F(5), ACT_RUN,
		    N_("Import"), "F5" };
		for (const struct keybind *k = form_keys; k->key && n < 23; k++)
			cdr_keys[n++] = *k;
		cdr_keys[0 + 1].label = N_("Check");	/* F2 */
	}
	s->ops = &cdr_ops;
	s->title = N_("Import call records");
	s->keys = cdr_keys;
	s->help = N_("Call records (话单) from the switch or the modems' "
	    "gateway: give the path of the file, choose its format with ←/→ "
	    "(asterisk: Master.csv; freeswitch: cdr_csv; simdesk: a CSV with "
	    "the header call_id, msisdn, direction, number, start, answer, "
	    "billsec). F2 reads it and shows its first rows; F5 imports: each "
	    "call is matched to the number's subscription at that time, rated "
	    "and added to the month, with the progress shown. One bad row "
	    "refuses the whole file, naming its line, unless Bad rows to names "
	    "a file for them. A call already imported is counted as a "
	    "duplicate and charged nothing, so importing a file again is "
	    "safe.");
	s->data = d;
	s->text_input = 1;
	return s;
}
