/*
 * scr_work.c -- the day's work: reminders (simdeskd pushes when one comes
 * due or changes; a due one pops up over whatever screen is open, and the
 * title bar counts them; supervisors also see their team's overdue ones,
 * counted every half minute), the ticket queue
 * with its actions, and the import screen that previews a file (encoding,
 * column mapping, first rows) before anything is written.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scr.h"

/* ---------------------------------------------------------------- reminders */

int reminders_due_count;
int reminders_team_overdue;
int tickets_team_overdue;
long long disk_low_mb = -1;

/* For those who look after the server: is its disk filling up? */
static void
disk_poll(time_t now)
{
	static time_t last;
	struct sd_disk d;
	struct sd_err err;

	if (now - last < 10 || !sd_role_may(app.sess.user.role, SD_OP_VERIFY))
		return;
	last = now;
	if (rpc_disk_get(&app.sess, &d, &err) == SD_OK)
		disk_low_mb = d.low ? d.free_mb : -1;
}

/* Overdue tickets handled by someone of the supervisor's team. */
struct team_tickets {
	char	members[128][SD_LOGIN_MAX + 1];
	int	n;
	int	overdue;
};

static int
team_ticket(const struct sd_ticket *t, void *arg)
{
	struct team_tickets *tt = arg;

	for (int i = 0; i < tt->n; i++)
		if (strcmp(tt->members[i], t->handler) == 0) {
			tt->overdue++;
			break;
		}
	return 0;
}

static int
count_team_tickets(void)
{
	struct team_tickets *tt = xcalloc(1, sizeof *tt);
	struct sd_user rows[128];
	struct sd_user_filter f;
	struct sd_ticket_filter tf;
	struct sd_err err;
	int n, overdue = 0;

	memset(&f, 0, sizeof f);
	f.team = app.sess.user.team;
	if (rpc_user_page(&app.sess, &f, "", 1, rows, 128, &n, &err) == SD_OK) {
		for (int i = 0; i < n; i++)
			sd_strlcpy(tt->members[tt->n++], rows[i].login,
			    sizeof tt->members[0]);
		memset(&tf, 0, sizeof tf);
		tf.status = -2;
		tf.overdue = 1;
		if (rpc_ticket_list(&app.sess, &tf, team_ticket, tt, &err) == SD_OK)
			overdue = tt->overdue;
	}
	free(tt);
	return overdue;
}

struct poll_state {
	struct sd_reminder	first;	/* the first not yet popped up */
	int			have;
	int			n;
};

static int
poll_cb(const struct sd_reminder *r, void *arg)
{
	struct poll_state *p = arg;

	p->n++;
	if (!p->have && !r->seen) {
		p->first = *r;
		p->have = 1;
	}
	return 0;
}

static int
count_cb(const struct sd_reminder *r, void *arg)
{
	(void)r;
	(*(int *)arg)++;
	return 0;
}

/* A modal box over the current screen; Enter opens the customer. */
static void
popup(const struct sd_reminder *r)
{
	int w = COLS > 70 ? 64 : COLS - 4, h = 9, y0 = (LINES - h) / 2,
	    x0 = (COLS - w) / 2, is_key;
	struct sd_buf b = SD_BUF_INIT;
	struct sd_err err;
	enum read_key_result rk;
	char due[32];
	wint_t ch;

	sd_time_format(r->due, due, sizeof due);
	attron(theme_attr(TH_TITLE));
	for (int y = y0; y < y0 + h; y++)
		mvhline(y, x0, ' ', w);
	attroff(theme_attr(TH_TITLE));
	sd_buf_printf(&b, " %s  %s", _("Reminder"), due);
	put_text(y0, x0, w, sd_buf_cstr(&b), theme_attr(TH_TITLE) | A_BOLD);
	sd_buf_reset(&b);
	sd_buf_printf(&b, " %s  %s  #%llu", r->cname, r->phone,
	    (unsigned long long)r->customer);
	put_text(y0 + 2, x0, w, sd_buf_cstr(&b), theme_attr(TH_TITLE));
	put_text(y0 + 4, x0 + 1, w - 2, r->text, theme_attr(TH_TITLE));
	put_text(y0 + h - 2, x0 + 1, w - 2, _("Enter: open the customer   "
	    "Esc: later"), theme_attr(TH_TITLE));
	refresh();
	beep();
	sd_buf_free(&b);
	while ((rk = read_key(&ch, &is_key)) == RK_TIMEOUT && !resized)
		;
	/* Leaving (the terminal gone): not seen, it pops up next time. */
	if (rk == RK_QUIT)
		return;
	rpc_reminder_seen(&app.sess, r->id, &err);
	if (rk == RK_KEY && !is_key && (ch == '\r' || ch == '\n'))
		screen_push(scr_customer_card_new(r->customer));
}

void
reminders_poll(int rang)
{
	static time_t team_at;
	static int pending;	/* rang, not yet looked at */
	struct poll_state p;
	struct sd_err err;
	time_t now = time(NULL);

	/* Kept until signed in: what rang at the start is looked at then. */
	pending |= rang;
	if (app.sess.user.login[0] == '\0')
		return;
	disk_poll(now);
	/* A role without reminders (an agent) is never refused. */
	if (!sd_role_may(app.sess.user.role, SD_OP_NOTE_LIST))
		return;
	/* The team's overdue ones go overdue with time alone: counted
	 * every half minute, and whenever ours rang. */
	if (app.sess.user.role == SD_ROLE_SUPERVISOR &&
	    (pending || now - team_at >= 30)) {
		int n = 0;

		team_at = now;
		if (rpc_reminder_due(&app.sess, NULL, now, 1, count_cb, &n,
		    &err) == SD_OK)
			reminders_team_overdue = n;
		tickets_team_overdue = count_team_tickets();
	}
	if (!pending)
		return;
	memset(&p, 0, sizeof p);
	if (rpc_reminder_due(&app.sess, NULL, now, 0, poll_cb, &p, &err) != SD_OK)
		return;		/* looked at again next time round */
	pending = 0;
	reminders_due_count = p.n;
	if (p.have)
		popup(&p.first);
}

/* The most rows a work list holds; past it the list says "the first N
 * of M" (a list screen holds rows, it does not page through them). */
#define WORK_ROWS 200

struct rem_list {
	struct sd_reminder	rows[WORK_ROWS];
	int			n, total;	/* held, and how many there are */
	int			sel, top;
	int			team;
};

static int
rem_collect(const struct sd_reminder *r, void *arg)
{
	struct rem_list *d = arg;

	d->total++;
	if (d->n < WORK_ROWS)
		d->rows[d->n++] = *r;
	return 0;
}

/* A list's heading, and how much of it is held when not all is. */
static void
work_heading(int y, const char *title, int n, int total)
{
	struct sd_buf b = SD_BUF_INIT;

	sd_buf_adds(&b, title);
	if (total > n)
		sd_buf_printf(&b, _(" (the first %d of %d)"), n, total);
	put_text(y, 2, COLS - 4, sd_buf_cstr(&b), theme_attr(TH_HEADER));
	sd_buf_free(&b);
}

/* The first row to draw so that sel shows among rows lines. */
static void
work_scroll(int *top, int sel, int rows)
{
	if (sel < *top)
		*top = sel;
	if (rows > 0 && sel >= *top + rows)
		*top = sel - rows + 1;
}

static void
rem_load(struct rem_list *d)
{
	struct sd_err err;

	d->n = d->total = d->top = 0;
	/*
	 * Mine: everything planned for the next week, the due ones first.
	 * The team's: only what is overdue now (core adds the grace of
	 * escalate_minutes), never what is still to come.
	 */
	if (rpc_reminder_due(&app.sess, NULL, d->team ? sd_now() :
	    sd_now() + 7 * 86400, d->team, rem_collect, d, &err) != SD_OK)
		app_error(&err);
	if (d->sel >= d->n)
		d->sel = d->n > 0 ? d->n - 1 : 0;
}

static const struct keybind rem_keys[] = {
	{ '\r', ACT_OPEN, N_("Open customer"), "Enter" },
	{ '\n', ACT_OPEN, NULL, NULL },
	{ 'T', ACT_TOGGLE, N_("Mine/team"), "T" },
	{ 'r', ACT_REFRESH, N_("Refresh"), "r" },
	{ 27, ACT_BACK, N_("Back"), "Esc" },
	{ 'q', ACT_BACK, NULL, NULL },
	{ 0 }
};

static void
rem_open(struct screen *s)
{
	rem_load(s->data);
}

static void
rem_draw(struct screen *s)
{
	struct rem_list *d = s->data;
	int64_t now = sd_now();

	work_heading(2, d->team ? _("Your team's overdue reminders") :
	    _("Your reminders for the coming week"), d->n, d->total);
	if (d->n == 0)
		put_text(4, 4, COLS - 6, _("Nothing planned."), theme_attr(TH_DIM));
	work_scroll(&d->top, d->sel, LINES - 7);
	for (int i = d->top; i < d->n && 4 + i - d->top < LINES - 3; i++) {
		const struct sd_reminder *r = &d->rows[i];
		struct sd_buf b = SD_BUF_INIT;
		char due[32];

		sd_time_format(r->due, due, sizeof due);
		due[16] = '\0';
		sd_buf_printf(&b, "%s  %-10s  %s  %s  %s", due, r->owner,
		    r->cname, r->phone, r->text);
		put_text(4 + i - d->top, 2, COLS - 4, sd_buf_cstr(&b), i == d->sel ?
		    theme_attr(TH_SELECTED) : r->due <= now ?
		    theme_attr(TH_ERROR) : theme_attr(TH_NORMAL));
		sd_buf_free(&b);
	}
}

static void
rem_key(struct screen *s, enum action a, wint_t ch)
{
	struct rem_list *d = s->data;

	(void)ch;
	switch (a) {
	case ACT_BACK:
		screen_pop();
		return;
	case ACT_DOWN:
	case ACT_UP:
		sel_move(a, &d->sel, d->n, 0);
		return;
	case ACT_TOGGLE:
		d->team = !d->team;
		rem_load(d);
		return;
	case ACT_REFRESH:
		rem_load(d);
		return;
	case ACT_OPEN:
		if (d->n > 0)
			screen_push(scr_customer_card_new(d->rows[d->sel].customer));
		return;
	default:
		return;
	}
}

static const struct screen_ops rem_ops = { rem_open, rem_draw, rem_key, NULL };

struct screen *
scr_reminders_new(void)
{
	struct screen *s = xcalloc(1, sizeof *s);

	s->ops = &rem_ops;
	s->title = N_("Reminders");
	s->keys = rem_keys;
	s->nav = 1;
	s->help = N_("Follow-ups you planned, the due ones in red. T shows your "
	    "team's overdue ones (supervisors). Enter opens the customer.");
	s->data = xcalloc(1, sizeof(struct rem_list));
	return s;
}

/* ---------------------------------------------------------------- tickets */

struct tk_list {
	struct sd_ticket	rows[WORK_ROWS];
	int			n, total;	/* held, and how many there are */
	int			sel, top;
	int			all;
};

static int
tk_collect(const struct sd_ticket *t, void *arg)
{
	struct tk_list *d = arg;

	d->total++;
	if (d->n < WORK_ROWS)
		d->rows[d->n++] = *t;
	return 0;
}

static void
tk_load(struct tk_list *d)
{
	struct sd_ticket_filter f;
	struct sd_err err;

	d->n = d->total = d->top = 0;
	memset(&f, 0, sizeof f);
	f.status = -2;			/* open or in progress */
	f.handler = d->all ? NULL : app.sess.user.login;
	if (rpc_ticket_list(&app.sess, &f, tk_collect, d, &err) != SD_OK)
		app_error(&err);
	if (d->sel >= d->n)
		d->sel = d->n > 0 ? d->n - 1 : 0;
}

static const struct keybind tk_keys[] = {
	{ '\r', ACT_OPEN, N_("Customer"), "Enter" },
	{ '\n', ACT_OPEN, NULL, NULL },
	KEY_CMD('u', ACT_EDIT, "u", "ticket update"),
	KEY_CMD('x', ACT_SAVE, "x", "ticket close"),
	KEY_CMD('a', ACT_ADD, "a", "ticket assign"),
	{ 'T', ACT_TOGGLE, N_("Mine/all"), "T" },
	{ 'r', ACT_REFRESH, N_("Refresh"), "r" },
	{ 27, ACT_BACK, N_("Back"), "Esc" },
	{ 'q', ACT_BACK, NULL, NULL },
	{ 0 }
};

static void
tk_open(struct screen *s)
{
	tk_load(s->data);
}

static void
tk_draw(struct screen *s)
{
	struct tk_list *d = s->data;
	int64_t now = sd_now();
	int y = 2;

	work_heading(y++, d->all ? _("All open tickets") :
	    _("Your open tickets"), d->n, d->total);
	y++;
	if (d->n == 0)
		put_text(y, 4, COLS - 6, _("No open tickets."), theme_attr(TH_DIM));
	work_scroll(&d->top, d->sel, LINES - 8 - y);
	for (int i = d->top; i < d->n && y < LINES - 8; i++, y++) {
		const struct sd_ticket *t = &d->rows[i];
		struct sd_buf b = SD_BUF_INIT;
		char due[32];

		sd_time_format(t->due, due, sizeof due);
		due[16] = '\0';
		sd_buf_printf(&b, "#%-5llu %-12s %-12s %-10s %s  %s  %s%s",
		    (unsigned long long)t->id, _(sd_ticket_type_name(t->type)),
		    _(sd_ticket_status_name(t->status)), t->handler, t->cname,
		    t->phone, due, sd_ticket_overdue(t, now) ? _("  OVERDUE") : "");
		put_text(y, 2, COLS - 4, sd_buf_cstr(&b), i == d->sel ?
		    theme_attr(TH_SELECTED) : sd_ticket_overdue(t, now) ?
		    theme_attr(TH_ERROR) : theme_attr(TH_NORMAL));
		sd_buf_free(&b);
	}
	/* The selected ticket's content below the list. */
	if (d->n > 0) {
		const char *p = d->rows[d->sel].text;

		y = LINES - 7;
		put_text(y++, 2, COLS - 4, _("Content"), theme_attr(TH_HEADER));
		while (*p && y < LINES - 2) {
			const char *nl = strchr(p, '\n');
			size_t n = nl ? (size_t)(nl - p) : strlen(p);
			char *line = xmalloc(n + 1);

			memcpy(line, p, n);
			line[n] = '\0';
			put_text(y++, 4, COLS - 6, line, theme_attr(TH_NORMAL));
			free(line);
			p += n + (nl != NULL);
		}
	}
}

struct tk_form {
	struct form	form;
	struct ff_field	f[2];
	uint64_t	id;
	int		mode;		/* TK_PROGRESS, TK_CLOSE, TK_ASSIGN */
};

enum { TK_PROGRESS, TK_CLOSE, TK_ASSIGN };

static int
tkf_submit(struct form *f, struct sd_err *err)
{
	struct tk_form *d = f->ctx;

	if (d->mode == TK_ASSIGN)
		return rpc_ticket_assign(&app.sess, d->id, f->fields[0].value, err);
	if (d->mode == TK_PROGRESS)
		return rpc_ticket_update(&app.sess, d->id, f->fields[0].value, err);
	return rpc_ticket_close(&app.sess, d->id, f->fields[0].value,
	    f->fields[1].value[0] ? atoi(f->fields[1].value) : 0, err);
}

static void
tkf_draw(struct screen *s)
{
	struct tk_form *d = s->data;

	form_draw(&d->form);
}

static void
tkf_key(struct screen *s, enum action a, wint_t ch)
{
	struct tk_form *d = s->data;

	if (!form_key(&d->form, a, ch))
		return;
	if (d->form.done)
		app_message(0, "%s", d->mode == TK_CLOSE ?
		    _("Ticket closed.") : d->mode == TK_ASSIGN ?
		    _("Ticket assigned.") : _("Ticket updated."));
	screen_pop();
}

static const struct screen_ops tkf_ops = { NULL, tkf_draw, tkf_key, NULL };

static struct screen *
tk_form_new(uint64_t id, int mode)
{
	static const char *const titles[] = { N_("Ticket progress"),
	    N_("Close ticket"), N_("Assign ticket") };
	struct screen *s = xcalloc(1, sizeof *s);
	struct tk_form *d = xcalloc(1, sizeof *d);
	int n = 1;

	d->id = id;
	d->mode = mode;
	if (mode == TK_ASSIGN)
		d->f[0] = (struct ff_field){ N_("Handler (login)"), "handler",
		    FF_TEXT, 1, 0, 64, 0, 0, NULL, "", "" };
	else
		d->f[0] = (struct ff_field){ mode == TK_CLOSE ?
		    N_("Resolution") : N_("Progress"), mode == TK_CLOSE ?
		    "resolution" : "text", FF_TEXT, 1, 0, 500, 0, 0, NULL,
		    "", "" };
	if (mode == TK_CLOSE) {
		d->f[1] = (struct ff_field){ N_("Score (1-5)"), "score", FF_INT,
		    0, 0, 1, 1, 5, NULL, "", "" };
		n = 2;
	}
	form_init(&d->form, titles[mode], d->f, n, tkf_submit, d);
	s->ops = &tkf_ops;
	s->title = titles[mode];
	s->keys = form_keys;
	s->help = mode == TK_ASSIGN ? N_("Type the login of the staff "
	    "member who takes the ticket over; F2 assigns it. They see it on "
	    "their home screen at once.") :
	    N_("F2 saves; Esc asks before throwing the text away.");
	s->data = d;
	s->text_input = 1;
	return s;
}

static void
tk_key(struct screen *s, enum action a, wint_t ch)
{
	struct tk_list *d = s->data;

	(void)ch;
	switch (a) {
	case ACT_BACK:
		screen_pop();
		return;
	case ACT_DOWN:
	case ACT_UP:
		sel_move(a, &d->sel, d->n, 0);
		return;
	case ACT_TOGGLE:
		d->all = !d->all;
		tk_load(d);
		return;
	case ACT_REFRESH:
		tk_load(d);
		return;
	case ACT_OPEN:
		if (d->n > 0)
			screen_push(scr_customer_card_new(d->rows[d->sel].customer));
		return;
	case ACT_EDIT:
	case ACT_SAVE:
	case ACT_ADD:
		if (d->n > 0)
			screen_push(tk_form_new(d->rows[d->sel].id,
			    a == ACT_SAVE ? TK_CLOSE : a == ACT_ADD ? TK_ASSIGN :
			    TK_PROGRESS));
		return;
	default:
		return;
	}
}

static const struct screen_ops tk_ops = { tk_open, tk_draw, tk_key, NULL };

struct screen *
scr_tickets_new(void)
{
	struct screen *s = xcalloc(1, sizeof *s);

	s->ops = &tk_ops;
	s->title = N_("Tickets");
	s->keys = tk_keys;
	s->nav = 1;
	s->help = N_("Open service tickets; overdue ones (past their SLA) in "
	    "red. u adds progress, x closes with a resolution and the "
	    "customer's score, a assigns it to another handler (supervisors), "
	    "T shows everyone's.");
	s->data = xcalloc(1, sizeof(struct tk_list));
	return s;
}

/* ---------------------------------------------------------------- import */

struct imp_screen {
	struct form	 form;
	struct ff_field	 f[3];
	struct sd_table	 t;
	int		 loaded;
	int		 colfield[64];
	char		 maperr[256];
};

static int
imp_preview(struct form *f, struct sd_err *err)
{
	struct imp_screen *d = f->ctx;
	int st;

	if (d->loaded)
		sd_table_free(&d->t);
	d->loaded = 0;
	if ((st = sd_table_read(f->fields[0].value, SD_ENC_AUTO, &d->t,
	    err)) != SD_OK)
		return st;
	d->loaded = 1;
	d->maperr[0] = '\0';
	if (d->t.ncols > 64)
		sd_strlcpy(d->maperr, _("too many columns"), sizeof d->maperr);
	else if (sd_import_mapping(&d->t, f->fields[2].value[0] ?
	    f->fields[2].value : NULL, d->colfield, err) != SD_OK)
		app_err_text(err, d->maperr, sizeof d->maperr);
	sd_err_clear(err);
	return SD_EINVAL;	/* stay on the form: the preview is below */
}

static void
imp_draw(struct screen *s)
{
	struct imp_screen *d = s->data;
	struct sd_buf b = SD_BUF_INIT;
	int y = 10;

	form_draw(&d->form);
	if (!d->loaded) {
		put_text(y, 2, COLS - 4, _("F2 reads the file and shows what "
		    "would be imported; nothing is written until you press F5."),
		    theme_attr(TH_DIM));
		return;
	}
	sd_buf_printf(&b, "%s: %d %s, %s", _("Preview"), d->t.nrows - 1,
	    _("rows"), d->t.encoding);
	put_text(y++, 2, COLS - 4, sd_buf_cstr(&b), theme_attr(TH_HEADER));
	if (d->maperr[0]) {
		put_text(y++, 2, COLS - 4, d->maperr, theme_attr(TH_ERROR));
		sd_buf_free(&b);
		return;
	}
	for (int c = 0; c < d->t.ncols && c < 64 && y < LINES - 10; c++) {
		sd_buf_reset(&b);
		sd_buf_printf(&b, "%-16s -> %s", c < d->t.ncells[0] ?
		    d->t.cells[0][c] : "", d->colfield[c] >= 0 ?
		    sd_import_fields[d->colfield[c]] : _("(ignored)"));
		put_text(y++, 4, COLS - 6, sd_buf_cstr(&b), d->colfield[c] >= 0 ?
		    theme_attr(TH_NORMAL) : theme_attr(TH_DIM));
	}
	y++;
	for (int r = 1; r < d->t.nrows && r <= 5 && y < LINES - 3; r++) {
		sd_buf_reset(&b);
		sd_buf_printf(&b, "%d:", d->t.lines[r]);
		for (int c = 0; c < d->t.ncells[r]; c++)
			sd_buf_printf(&b, " %s |", d->t.cells[r][c]);
		put_text(y++, 4, COLS - 6, sd_buf_cstr(&b), theme_attr(TH_NORMAL));
	}
	put_text(y + 1 < LINES - 2 ? y + 1 : LINES - 3, 2, COLS - 4,
	    _("Press F5 to import these rows (all or nothing)."),
	    theme_attr(TH_OK));
	sd_buf_free(&b);
}

static struct keybind imp_keys[24];

static void
imp_key(struct screen *s, enum action a, wint_t ch)
{
	struct imp_screen *d = s->data;

	if (a == ACT_RUN && (!d->loaded || d->maperr[0])) {
		app_message(1, "%s", _("Press F2 to preview the file first."));
		return;
	}
	if (a == ACT_RUN) {
		struct sd_import_opts o;
		struct sd_import_result r;
		struct sd_err err;

		memset(&o, 0, sizeof o);
		o.owner = d->f[1].value[0] ? d->f[1].value : NULL;
		o.map = d->f[2].value[0] ? d->f[2].value : NULL;
		if (rpc_customer_import(&app.sess, d->f[0].value, &d->t, &o, &r,
		    &err) == SD_OK)
			app_message(0, _("Imported %ld customers."), r.imported);
		else
			app_error(&err);
		return;
	}
	if (form_key(&d->form, a, ch)) {
		if (d->loaded)
			sd_table_free(&d->t);
		screen_pop();
	}
}

static const struct screen_ops imp_ops = { NULL, imp_draw, imp_key, NULL };

struct screen *
scr_import_new(void)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct imp_screen *d = xcalloc(1, sizeof *d);

	d->f[0] = (struct ff_field){ N_("File (CSV or .xlsx)"), "file", FF_TEXT,
	    1, 0, 120, 0, 0, NULL, "", "" };
	d->f[1] = (struct ff_field){ N_("Owner"), "owner", FF_TEXT, 0, 0,
	    SD_LOGIN_MAX, 0, 0, NULL, "", "" };
	d->f[2] = (struct ff_field){ N_("Column map"), "map", FF_TEXT, 0, 0, 120,
	    0, 0, NULL, "", "" };
	form_init(&d->form, N_("Import customers"), d->f, 3, imp_preview, d);
	/* The form's keys, and F5 to run the import. */
	if (imp_keys[0].key == 0) {
		int n = 0;

		imp_keys[n++] = (struct keybind){ KEY_F(5), ACT_RUN,
		    N_("Import"), "F5" };
		for (const struct keybind *k = form_keys; k->key && n < 23; k++)
			imp_keys[n++] = *k;
		imp_keys[0 + 1].label = N_("Preview");	/* F2 */
	}
	s->ops = &imp_ops;
	s->title = N_("Import customers");
	s->keys = imp_keys;
	s->help = N_("Give the path of a CSV (UTF-8 or GB18030, detected) or "
	    ".xlsx file. F2 shows the detected encoding, how each column maps "
	    "to a customer field and the first rows. Column map takes "
	    "COLUMN=field,... for headers it does not know. F5 imports: one bad "
	    "row refuses the file, naming its line.");
	s->data = d;
	s->text_input = 1;
	return s;
}
