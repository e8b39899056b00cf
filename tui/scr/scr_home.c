/*
 * scr_home.c -- the home screen: a menu of what the logged-in role may do.
 * Which entries appear is decided by core's permission table.  An admin
 * also sees the server's health beside it (simdeskctl status at a
 * glance), with a failed backup as an alarm; an agent user its money:
 * this month's commissions, its latest statement, its receivable by age.
 */
#include <string.h>
#include <time.h>

#include "scr.h"

static struct screen *my_customers(void) { return scr_customers_new(CL_MINE); }
static struct screen *pool(void) { return scr_customers_new(CL_POOL); }
static struct screen *all_customers(void) { return scr_customers_new(CL_ALL); }

static const struct menu_item items[] = {
	{ N_("My customers"), SD_OP_NOTE_ADD, my_customers },
	{ N_("Shared pool"), SD_OP_CUST_CLAIM, pool },
	{ N_("Find a customer"), SD_OP_CUST_SHOW, all_customers },
	{ N_("Reminders"), SD_OP_NOTE_ADD, scr_reminders_new },
	{ N_("Tickets"), SD_OP_TICKET_SHOW, scr_tickets_new },
	{ N_("Import customers"), SD_OP_CUST_IMPORT, scr_import_new },
	{ N_("User administration"), SD_OP_USER_LIST, scr_users_new },
	{ N_("Stock, agents and orders"), SD_OP_SIM_SHOW, scr_stock_menu_new },
	{ N_("Billing and payments"), SD_OP_BILL_SHOW, scr_billing_menu_new },
	{ N_("Settlements and commissions"), SD_OP_COMM_SHOW, scr_money_new },
	/* Either report: an agent has sales but no calls. */
	{ N_("Reports"), SD_OP_REPORT_CALLS, scr_report_new,
	    SD_OP_REPORT_SALES + 1 },
	{ N_("Verify the data"), SD_OP_VERIFY, scr_verify_new },
	{ N_("Audit trail"), SD_OP_AUDIT_LIST, scr_audit_new },
	{ N_("Modem board"), SD_OP_MODEM_SWITCH, scr_modems_new },
	{ N_("My account (change password)"), SD_OP_USER_PASSWD,
	    scr_account_new },
};

#define NITEMS ((int)(sizeof items / sizeof items[0]))

#define HOME_LINES 5

struct home_data {
	struct menu		menu;
	int			desk_shown;	/* a cashier starts at the desk */
	/* The day at a glance, reloaded when the server pushed a change to
	 * our reminders or tickets, and each minute (the hour ahead moves). */
	struct sd_reminder	rem[HOME_LINES];
	int			nrem;
	struct sd_ticket	tk[HOME_LINES];
	int			ntk;
	time_t			loaded;
	unsigned		gen;		/* inbox_work_gen when loaded */
	/* The server's health (SD_OP_STATUS), asked for every 5 s while
	 * the home screen is shown. */
	struct sd_server_status	st;
	int			have_st;
	time_t			st_at;
	/* An agent user's figures, loaded with the rest. */
	struct agent_figures	fig;
};

/* Is the signed-in user an agent's, with figures to show? */
static int
home_agent(void)
{
	return app.sess.user.role == SD_ROLE_AGENT &&
	    app.sess.user.agent[0] != '\0' &&
	    sd_role_may(app.sess.user.role, SD_OP_COMM_SHOW);
}

static const struct keybind home_keys[] = {
	{ '\r', ACT_OPEN, N_("Open"), "Enter" },
	{ '\n', ACT_OPEN, NULL, NULL },
	{ KEY_ENTER, ACT_OPEN, NULL, NULL },
	{ 'q', ACT_QUIT, N_("Quit"), "q" },
	{ 27, ACT_QUIT, NULL, NULL },
	{ 0 }
};

static const char home_help[] = N_("Choose with the arrow keys or j/k and "
    "press Enter, or type the entry's number. The entries shown depend on "
    "your role. q or F10 leaves simdesk.");

static const char *
role_greeting(int role)
{
	switch (role) {
	case SD_ROLE_ADMIN:	 return N_("Administrator: users, audit and system checks.");
	case SD_ROLE_SUPERVISOR: return N_("Supervisor: your team's customers and users.");
	case SD_ROLE_OPERATOR:	 return N_("Operator desk: your customers and follow-ups.");
	case SD_ROLE_CASHIER:	 return N_("Cashier counter.");
	case SD_ROLE_AGENT:	 return N_("Agent desk.");
	default:		 return "";
	}
}

static void home_load(struct home_data *d);

/* "02:00" today, "12-06 02:00" another day. */
static void
short_time(int64_t t, int64_t now, char *out, size_t size)
{
	char a[32], b[32];

	sd_time_format(t, a, sizeof a);
	sd_time_format(now, b, sizeof b);
	a[16] = '\0';
	snprintf(out, size, "%s", strncmp(a, b, 10) == 0 ? a + 11 : a + 5);
}

static void
span_text(int64_t s, char *out, size_t size)
{
	if (s < 3600)
		snprintf(out, size, "%lldm", (long long)(s / 60));
	else if (s < 86400)
		snprintf(out, size, "%lldh %02lldm", (long long)(s / 3600),
		    (long long)(s % 3600 / 60));
	else
		snprintf(out, size, "%lldd %lldh", (long long)(s / 86400),
		    (long long)(s % 86400 / 3600));
}

/* The server at a glance, from row y at column x, w wide: the last row. */
static int
status_draw(struct home_data *d, int y, int x, int w, int ymax)
{
	const struct sd_server_status *st = &d->st;
	const struct sd_backup_last *b = &st->backup;
	int64_t now = sd_now();
	char t[32], span[32];
	struct sd_buf l = SD_BUF_INIT;
	int normal = theme_attr(TH_NORMAL), first = 1;

#define LINE(attr) do {							\
		if (y < ymax)						\
			put_text(y++, x, w, sd_buf_cstr(&l), (attr));	\
		sd_buf_reset(&l);					\
	} while (0)
	if (time(NULL) - d->st_at >= 5) {
		struct sd_err err;

		d->st_at = time(NULL);
		d->have_st = rpc_status_get(&app.sess, &d->st, &err) == SD_OK;
	}
	sd_buf_adds(&l, _("Server"));
	LINE(theme_attr(TH_HEADER));
	if (!d->have_st) {
		sd_buf_adds(&l, _("no answer from the server"));
		LINE(theme_attr(TH_ERROR));
		return y;
	}
	span_text(st->started != 0 ? st->now - st->started : 0, span,
	    sizeof span);
	sd_buf_printf(&l, _("simdeskd %s, up %s"), st->version, span);
	LINE(normal);
	sd_buf_printf(&l, _("clients %d"), st->clients_total);
	for (int r = SD_ROLE_ADMIN; r < SD_ROLE__COUNT + 1; r++) {
		int role = r % SD_ROLE__COUNT;	/* not signed in last */

		if (st->clients[role] == 0)
			continue;
		sd_buf_printf(&l, "%s%s %d", first ? ": " : ", ",
		    role == SD_ROLE_NONE ? "-" : _(sd_role_name(role)),
		    st->clients[role]);
		first = 0;
	}
	LINE(normal);
	sd_buf_printf(&l, _("data %lld MB, %lld MB free"),
	    (long long)((st->data_bytes + 1048575) / 1048576),
	    (long long)st->free_mb);
	LINE(st->disk_low ? theme_attr(TH_ERROR) : normal);
	if (st->checkpoint_at != 0) {
		short_time(st->checkpoint_at, now, t, sizeof t);
		sd_buf_printf(&l, _("last checkpoint %s"), t);
		LINE(normal);
	}
	sd_buf_printf(&l, _("log files kept: %d"), st->log_files);
	LINE(normal);
	if (b->at != 0)
		short_time(b->at, now, t, sizeof t);
	if (b->at == 0)
		sd_buf_adds(&l, _("last backup: none"));
	else if (!b->ok)
		sd_buf_printf(&l, _("ALARM: backup %s FAILED"), t);
	else if (b->verified < 0)
		sd_buf_printf(&l, _("ALARM: backup %s failed verification"), t);
	else if (b->verified > 0)
		sd_buf_printf(&l, _("last backup %s, verified"), t);
	else
		sd_buf_printf(&l, _("last backup %s, not verified"), t);
	LINE(sd_backup_last_alarm(b) ? theme_attr(TH_ERROR) : normal);
	/* Why, on up to three lines. */
	if (sd_backup_last_alarm(b))
		y = put_wrapped(y, x, w, y + 3 < ymax ? y + 3 : ymax, b->error,
		    theme_attr(TH_ERROR));
	if (st->backup_running)
		sd_buf_adds(&l, _("a backup is running"));
	else if (st->backup_next != 0) {
		short_time(st->backup_next, now, t, sizeof t);
		sd_buf_printf(&l, _("next backup %s"), t);
	}
	if (l.len > 0)
		LINE(normal);
	sd_buf_printf(&l, _("modems ready: %d of %d"), st->modems_ready,
	    st->modems);
	LINE(normal);
	sd_buf_printf(&l, _("errors in the last hour: %d"), st->errors_hour);
	LINE(st->errors_hour > 0 ? theme_attr(TH_ERROR) : normal);
#undef LINE
	sd_buf_free(&l);
	return y;
}

static void
home_open(struct screen *s)
{
	struct home_data *d = s->data;

	menu_init(&d->menu, items, NITEMS);
	home_load(d);
	if (app.sess.user.role == SD_ROLE_CASHIER && !d->desk_shown) {
		d->desk_shown = 1;
		screen_push(scr_desk_new());
	}
}

static int
home_rem(const struct sd_reminder *r, void *arg)
{
	struct home_data *d = arg;

	if (d->nrem >= HOME_LINES)
		return 1;
	d->rem[d->nrem++] = *r;
	return 0;
}

static int
home_ticket(const struct sd_ticket *t, void *arg)
{
	struct home_data *d = arg;

	if (d->ntk >= HOME_LINES)
		return 1;
	d->tk[d->ntk++] = *t;
	return 0;
}

static void
home_load(struct home_data *d)
{
	struct sd_ticket_filter f;
	struct sd_err err;

	d->nrem = d->ntk = 0;
	d->loaded = time(NULL);
	d->gen = inbox_work_gen;
	if (sd_role_may(app.sess.user.role, SD_OP_NOTE_ADD))
		rpc_reminder_due(&app.sess, NULL, sd_now() + 3600, 0, home_rem, d,
		    &err);
	if (sd_role_may(app.sess.user.role, SD_OP_TICKET_SHOW)) {
		memset(&f, 0, sizeof f);
		f.status = -2;
		f.handler = app.sess.user.login;
		rpc_ticket_list(&app.sess, &f, home_ticket, d, &err);
	}
	if (home_agent())
		agent_figures_load(&d->fig);
}

static void
home_draw(struct screen *s)
{
	struct home_data *d = s->data;
	int64_t now = sd_now();
	int y;

	if (d->gen != inbox_work_gen || time(NULL) - d->loaded >= 60)
		home_load(d);
	put_text(2, 2, COLS - 4, _(role_greeting(app.sess.user.role)),
	    theme_attr(TH_HEADER));
	/* The day at a glance: what is due, what is open. */
	y = menu_draw(&d->menu, 4, 2) + 1;
	/* An admin's: the server, beside the menu (below it when narrow). */
	if (sd_role_may(app.sess.user.role, SD_OP_STATUS)) {
		if (COLS >= 72)
			status_draw(d, 4, 44, COLS - 46, LINES - 2);
		else
			y = status_draw(d, y, 2, COLS - 4, LINES - 2) + 1;
	}
	/* An agent's: its money, likewise. */
	if (home_agent()) {
		if (COLS >= 72)
			agent_figures_draw(&d->fig, 4, 44, COLS - 46, LINES - 2);
		else
			y = agent_figures_draw(&d->fig, y, 2, COLS - 4,
			    LINES - 2) + 1;
	}
	if (sd_role_may(app.sess.user.role, SD_OP_NOTE_ADD) && y < LINES - 6) {
		put_text(y++, 2, COLS - 4, _("Due follow-ups"),
		    theme_attr(TH_HEADER));
		if (d->nrem == 0)
			put_text(y++, 4, COLS - 6, _("none"), theme_attr(TH_DIM));
		for (int i = 0; i < d->nrem && y < LINES - 6; i++) {
			struct sd_buf b = SD_BUF_INIT;
			char due[32];

			sd_time_format(d->rem[i].due, due, sizeof due);
			due[16] = '\0';
			sd_buf_printf(&b, "%s  %s  %s  %s", due, d->rem[i].cname,
			    d->rem[i].phone, d->rem[i].text);
			put_text(y++, 4, COLS - 6, sd_buf_cstr(&b),
			    d->rem[i].due <= now ? theme_attr(TH_ERROR) :
			    theme_attr(TH_NORMAL));
			sd_buf_free(&b);
		}
		y++;
	}
	if (sd_role_may(app.sess.user.role, SD_OP_TICKET_SHOW) && y < LINES - 4) {
		put_text(y++, 2, COLS - 4, _("My open tickets"),
		    theme_attr(TH_HEADER));
		if (d->ntk == 0)
			put_text(y++, 4, COLS - 6, _("none"), theme_attr(TH_DIM));
		for (int i = 0; i < d->ntk && y < LINES - 3; i++) {
			const struct sd_ticket *t = &d->tk[i];
			struct sd_buf b = SD_BUF_INIT;

			sd_buf_printf(&b, "#%llu  %s  %s  %s%s",
			    (unsigned long long)t->id,
			    _(sd_ticket_type_name(t->type)), t->cname, t->phone,
			    sd_ticket_overdue(t, now) ? _("  OVERDUE") : "");
			put_text(y++, 4, COLS - 6, sd_buf_cstr(&b),
			    sd_ticket_overdue(t, now) ? theme_attr(TH_ERROR) :
			    theme_attr(TH_NORMAL));
			sd_buf_free(&b);
		}
	}
}

static void
home_key(struct screen *s, enum action a, wint_t ch)
{
	struct home_data *d = s->data;
	const struct menu_item *it = menu_key(&d->menu, a, ch);

	if (it == NULL)
		return;
	if (it->open == NULL) {
		if (ask_yes_no(_("Leave simdesk?")))
			app.quit = 1;
	} else
		screen_push(it->open());
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
	s->nav = 1;
	s->help = home_help;
	s->data = xcalloc(1, sizeof(struct home_data));
	return s;
}
