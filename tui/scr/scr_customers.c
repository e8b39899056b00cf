/*
 * scr_customers.c -- the operators' customer screens: the list (mine, the
 * shared pool, everyone) with its traffic light and filter-as-you-type by
 * name or phone, the customer card (profile, notes timeline, tickets), and
 * the forms for a follow-up note, a ticket and the customer itself.
 * Every rule (who may edit, claim, see the ID number) is core's.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "scr.h"

/* ---------------------------------------------------------------- list */

static const struct lv_col cust_cols[] = {
	{ "", 2, 0 },
	{ N_("ID"), 7, 1 },
	{ N_("Name"), 0, 0 },
	{ N_("Phone"), 13, 0 },
	{ N_("City"), 8, 0 },
	{ N_("Class"), 5, 0 },
	{ N_("Owner"), 10, 0 },
	{ N_("Next contact"), 16, 0 },
};

struct cust_list {
	struct listview	lv;
	int		mode;
};

static const char *const mode_titles[] = { N_("My customers"),
    N_("Shared pool"), N_("All customers") };

static int
light_attr(const char *light)
{
	return strcmp(light, "overdue") == 0 ? TH_ERROR :
	    strcmp(light, "planned") == 0 ? TH_OK : TH_DIM;
}

static int
cust_fetch(void *ctx, const char *filter, const char *anchor, int dir,
    int max, struct lv_row *rows, int *n, struct sd_err *err)
{
	struct cust_list *d = ctx;
	struct sd_customer *c = xcalloc((size_t)max, sizeof *c);
	char (*keys)[SD_PAGEKEY_MAX] = xcalloc((size_t)max, SD_PAGEKEY_MAX);
	enum sd_cust_by by = SD_CUST_BY_ID;
	const char *key = NULL;
	int64_t now = sd_now();
	int st;

	if (filter[0] != '\0') {
		/*
		 * Digits search phones: from the start when they can begin
		 * one (13 to 19, 0, +), else from the end, as people remember
		 * the last digits (5678; * before digits says so: *1234);
		 * anything else, names.
		 */
		key = filter;
		if (filter[0] == '*' && filter[1] != '\0' &&
		    strspn(filter + 1, "0123456789") == strlen(filter + 1)) {
			by = SD_CUST_BY_PHONE_END;
			key = filter + 1;
		} else if (strspn(filter, "+0123456789 -") != strlen(filter))
			by = SD_CUST_BY_NAME;
		else if (filter[0] == '+' || filter[0] == '0' ||
		    (filter[0] == '1' && (filter[1] == '\0' ||
		    (filter[1] >= '3' && filter[1] <= '9'))))
			by = SD_CUST_BY_PHONE;
		else
			by = SD_CUST_BY_PHONE_END;
	} else if (d->mode == CL_MINE) {
		by = SD_CUST_BY_OWNER;
		key = app.sess.user.login;
	} else if (d->mode == CL_POOL) {
		by = SD_CUST_BY_OWNER;
		key = "";
	}
	st = rpc_customer_page(&app.sess, by, key, anchor, dir, c, keys, max, n,
	    err);
	for (int i = 0; st == SD_OK && i < *n; i++) {
		const char *light = sd_cust_light(&c[i], now);

		memset(&rows[i], 0, sizeof rows[i]);
		memcpy(rows[i].key, keys[i], sizeof rows[i].key);
		sd_strlcpy(rows[i].cells[0], "●", LV_CELL_MAX);
		rows[i].mark = light_attr(light);
		snprintf(rows[i].cells[1], LV_CELL_MAX, "%llu",
		    (unsigned long long)c[i].id);
		sd_strlcpy(rows[i].cells[2], c[i].name, LV_CELL_MAX);
		sd_strlcpy(rows[i].cells[3], c[i].nphones ? c[i].phones[0] : "",
		    LV_CELL_MAX);
		sd_strlcpy(rows[i].cells[4], c[i].city, LV_CELL_MAX);
		sd_strlcpy(rows[i].cells[5], c[i].cls, LV_CELL_MAX);
		sd_strlcpy(rows[i].cells[6], c[i].owner[0] ? c[i].owner :
		    _("(pool)"), LV_CELL_MAX);
		if (c[i].next_at) {
			char t[32];

			sd_time_format(c[i].next_at, t, sizeof t);
			t[16] = '\0';	/* to the minute */
			sd_strlcpy(rows[i].cells[7], t, LV_CELL_MAX);
		}
		if (c[i].status == SD_CUST_CLOSED)
			rows[i].attr = TH_DIM;
	}
	free(c);
	free(keys);
	return st;
}

static const struct keybind cust_keys[] = {
	{ '\r', ACT_OPEN, N_("Open"), "Enter" },
	{ '\n', ACT_OPEN, NULL, NULL },
	{ KEY_ENTER, ACT_OPEN, NULL, NULL },
	{ '/', ACT_FILTER, N_("Find"), "/" },
	KEY_CMD('a', ACT_ADD, "a", "customer add"),
	KEY_CMD('c', ACT_TOGGLE, "c", "customer claim"),
	KEY_CMD('d', ACT_DIAL, "d", "call dial"),
	{ 'm', ACT_NEXT, N_("Mine/pool/all"), "m" },
	{ 'r', ACT_REFRESH, N_("Refresh"), "r" },
	{ 27, ACT_BACK, N_("Back"), "Esc" },
	{ 'q', ACT_BACK, NULL, NULL },
	{ 0 }
};

static const char cust_help[] = N_("Customers. The dot is the traffic "
    "light: red, the next contact is overdue; green, one is planned; grey, "
    "none. Press / and type a name, the start of a phone number (13..., "
    "0...) or its last digits (5678, or *1234) to find anyone as you type. "
    "m switches between your customers, the shared pool "
    "and everyone; c claims a customer from the pool; Enter opens the card.");

static void
cust_open(struct screen *s)
{
	struct cust_list *d = s->data;

	s->title = mode_titles[d->mode];
	lv_refresh(&d->lv);
}

static void
cust_draw(struct screen *s)
{
	struct cust_list *d = s->data;

	lv_draw(&d->lv);
}

static uint64_t
selected_id(struct cust_list *d)
{
	const struct lv_row *row = lv_selected(&d->lv);

	return row ? strtoull(row->cells[1], NULL, 10) : 0;
}

static void
cust_key(struct screen *s, enum action a, wint_t ch)
{
	struct cust_list *d = s->data;
	struct sd_err err;
	uint64_t id;

	if (lv_key(&d->lv, a, ch)) {
		s->text_input = d->lv.filtering;
		return;
	}
	id = selected_id(d);
	switch (a) {
	case ACT_BACK:
		screen_pop();
		return;
	case ACT_OPEN:
		if (id != 0)
			screen_push(scr_customer_card_new(id));
		return;
	case ACT_ADD:
		screen_push(scr_customer_form_new(0));
		return;
	case ACT_DIAL:
		if (id != 0) {
			struct sd_customer c;

			if (rpc_customer_get(&app.sess, id, &c, &err) == SD_OK)
				tel_dial_customer(&c);
			else
				app_error(&err);
		}
		return;
	case ACT_NEXT:
		d->mode = (d->mode + 1) % 3;
		s->title = mode_titles[d->mode];
		lv_reload(&d->lv);
		return;
	case ACT_TOGGLE:
		if (id == 0)
			return;
		if (rpc_customer_claim(&app.sess, id, &err) == SD_OK)
			app_message(0, _("Customer %llu is yours now."),
			    (unsigned long long)id);
		else
			app_error(&err);
		lv_refresh(&d->lv);
		return;
	default:
		return;
	}
}

static const struct screen_ops cust_ops = {
	cust_open, cust_draw, cust_key, NULL
};

struct screen *
scr_customers_new(int mode)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct cust_list *d = xcalloc(1, sizeof *d);

	d->mode = mode;
	lv_init(&d->lv, cust_cols, 8, cust_fetch, d);
	s->ops = &cust_ops;
	s->title = mode_titles[mode];
	s->keys = cust_keys;
	s->nav = 1;
	s->help = cust_help;
	s->data = d;
	return s;
}

/* ---------------------------------------------------------------- card */

#define CARD_NOTES	40
#define CARD_TICKETS	10
#define CARD_SUBS	8
#define CARD_CALLS	5

struct card {
	uint64_t		id;
	struct sd_customer	c;
	struct sd_subscription	subs[CARD_SUBS];
	int			nsubs;
	struct sd_note		notes[CARD_NOTES];
	int			nnotes;
	struct sd_ticket	tickets[CARD_TICKETS];
	int			ntickets;
	struct sd_call		calls[CARD_CALLS];	/* the newest, a ring */
	int			ncalls;
	int			scroll;
	uint64_t		shown_call;	/* reload when a call ends */
};

static int
card_note(const struct sd_note *n, void *arg)
{
	struct card *d = arg;

	if (d->nnotes >= CARD_NOTES)
		return 1;
	d->notes[d->nnotes++] = *n;
	return 0;
}

static int
card_ticket(const struct sd_ticket *t, void *arg)
{
	struct card *d = arg;

	if (d->ntickets >= CARD_TICKETS)
		return 1;
	d->tickets[d->ntickets++] = *t;
	return 0;
}

static int
card_sub(const struct sd_subscription *u, void *arg)
{
	struct card *d = arg;

	if (d->nsubs >= CARD_SUBS)
		return 1;
	d->subs[d->nsubs++] = *u;
	return 0;
}

/* Calls come oldest first: keep the last CARD_CALLS. */
static int
card_call(const struct sd_call *c, void *arg)
{
	struct card *d = arg;

	d->calls[d->ncalls % CARD_CALLS] = *c;
	d->ncalls++;
	return 0;
}

static void
card_load(struct card *d)
{
	struct sd_ticket_filter f;
	struct sd_call_filter cf;
	struct sd_err err;

	d->nnotes = d->ntickets = d->nsubs = d->ncalls = 0;
	if (sd_role_may(app.sess.user.role, SD_OP_CALL_SHOW)) {
		memset(&cf, 0, sizeof cf);
		cf.customer = d->id;
		rpc_call_list(&app.sess, &cf, card_call, d, &err);
	}
	rpc_subscription_list(&app.sess, d->id, card_sub, d, &err);
	if (rpc_customer_get(&app.sess, d->id, &d->c, &err) != SD_OK) {
		app_error(&err);
		return;
	}
	rpc_note_list(&app.sess, d->id, card_note, d, &err);
	memset(&f, 0, sizeof f);
	f.customer = d->id;
	f.status = -1;
	rpc_ticket_list(&app.sess, &f, card_ticket, d, &err);
}

static const struct keybind card_keys[] = {
	KEY_CMD('n', ACT_ADD, "n", "note add"),
	KEY_CMD('t', ACT_NEXT, "t", "ticket add"),
	KEY_CMD('e', ACT_EDIT, "e", "customer update"),
	KEY_CMD('c', ACT_TOGGLE, "c", "customer claim"),
	/* customer transfer, of this one customer */
	{ 'o', ACT_RUN, N_("Move"), "o", KEY_NEEDS(SD_OP_CUST_TRANSFER) },
	KEY_CMD('d', ACT_DIAL, "d", "call dial"),
	{ 'r', ACT_REFRESH, N_("Refresh"), "r" },
	{ 27, ACT_BACK, N_("Back"), "Esc" },
	{ 'q', ACT_BACK, NULL, NULL },
	{ 0 }
};

static const char card_help[] = N_("Everything about one customer: the "
    "profile, the last calls with their fees, the follow-up notes (newest "
    "first) and the tickets. d dials the customer through the modems, n "
    "records a follow-up and plans the next contact, t opens a service "
    "ticket, e edits the profile, c claims a customer from the shared "
    "pool, o moves the customer with its reminders and open tickets to "
    "another operator (supervisors and admins). j/k scroll the notes.");

static void
card_open(struct screen *s)
{
	card_load(s->data);
}

static void
field_line(int y, const char *label, const char *value)
{
	put_text(y, 2, 14, _(label), theme_attr(TH_DIM));
	put_text(y, 17, COLS - 19, value, theme_attr(TH_NORMAL));
}

static void
card_draw(struct screen *s)
{
	struct card *d = s->data;
	struct sd_customer *c = &d->c;
	struct sd_buf b = SD_BUF_INIT;
	char t[32];
	int y = 2;

	if (c->id == 0)
		return;
	/* A call of this customer's just ended: show it rated. */
	if (tel.call == 0 && d->shown_call != 0) {
		d->shown_call = 0;
		card_load(d);
	} else if (tel.call != 0 && tel.c.customer == d->id)
		d->shown_call = tel.call;
	sd_buf_printf(&b, "%s  #%llu  %s", c->name, (unsigned long long)c->id,
	    _(sd_cust_status_name(c->status)));
	put_text(y++, 2, COLS - 4, sd_buf_cstr(&b), theme_attr(TH_HEADER));
	sd_buf_reset(&b);
	for (int i = 0; i < c->nphones; i++)
		sd_buf_printf(&b, "%s%s", i ? ", " : "", c->phones[i]);
	if (c->dnc)
		sd_buf_printf(&b, "  (%s)", _("do not call"));
	field_line(y++, N_("Phone"), sd_buf_cstr(&b));
	sd_buf_reset(&b);
	sd_buf_printf(&b, "%s %s", c->city, c->address);
	field_line(y++, N_("Address"), sd_buf_cstr(&b));
	sd_buf_reset(&b);
	sd_buf_printf(&b, "%s  %s %s  %s %s", c->owner[0] ? c->owner :
	    _("(pool)"), _("Class"), c->cls[0] ? c->cls : "-", _("Source"),
	    c->source[0] ? c->source : "-");
	field_line(y++, N_("Owner"), sd_buf_cstr(&b));
	sd_buf_reset(&b);
	for (int i = 0; i < c->ntags; i++)
		sd_buf_printf(&b, "%s%s", i ? ", " : "", c->tags[i]);
	field_line(y++, N_("Tags"), sd_buf_cstr(&b));
	field_line(y++, N_("ID number"), c->id_no);
	sd_time_format(c->next_at, t, sizeof t);
	sd_buf_reset(&b);
	sd_buf_printf(&b, "● %s", c->next_at ? t : _("none planned"));
	put_text(y, 2, 14, _("Next contact"), theme_attr(TH_DIM));
	put_text(y++, 17, COLS - 19, sd_buf_cstr(&b),
	    theme_attr(light_attr(sd_cust_light(c, sd_now()))));
	/* Subscriptions: the numbers this customer has. */
	for (int i = 0; i < d->nsubs && y < LINES / 2; i++) {
		const struct sd_subscription *u = &d->subs[i];

		sd_buf_reset(&b);
		sd_time_format(u->from, t, sizeof t);
		sd_buf_printf(&b, "%s  %s  %.10s  %s", u->msisdn, u->plan, t,
		    u->ended ? _("ended") : "");
		field_line(y++, i == 0 ? N_("Numbers") : "", sd_buf_cstr(&b));
	}
	/* Calls: the newest first, rated. */
	if (d->ncalls > 0) {
		int k = d->ncalls < CARD_CALLS ? d->ncalls : CARD_CALLS;

		y++;
		put_text(y++, 2, COLS - 4, _("Calls"), theme_attr(TH_HEADER));
		for (int i = 0; i < k && y < LINES / 2 + 2; i++) {
			const struct sd_call *cl = &d->calls[(d->ncalls - 1 - i) %
			    CARD_CALLS];
			char fee[32];

			sd_time_format(cl->start ? cl->start : cl->created, t,
			    sizeof t);
			t[16] = '\0';
			sd_money_format(cl->cost_fen, fee, sizeof fee);
			sd_buf_reset(&b);
			sd_buf_printf(&b, "%s %s %-12s %-10s %d:%02d %s %s %s", t,
			    cl->direction == SD_DIR_IN ? _("in ") : _("out"),
			    cl->direction == SD_DIR_IN ? cl->caller : cl->callee,
			    cl->state == SD_CALL_ENDED ? cl->disposition :
			    _(sd_call_state_name(cl->state)), cl->billsec / 60,
			    cl->billsec % 60, fee, cl->operator, cl->outcome);
			put_text(y++, 4, COLS - 6, sd_buf_cstr(&b),
			    theme_attr(TH_NORMAL));
		}
	}
	y++;
	/* Tickets: the open ones first in a line each. */
	put_text(y++, 2, COLS - 4, _("Tickets"), theme_attr(TH_HEADER));
	if (d->ntickets == 0)
		put_text(y++, 4, COLS - 6, _("none"), theme_attr(TH_DIM));
	for (int i = 0; i < d->ntickets && y < LINES / 2 + 2; i++) {
		const struct sd_ticket *tk = &d->tickets[i];

		sd_buf_reset(&b);
		sd_buf_printf(&b, "#%llu %s %s %s%s", (unsigned long long)tk->id,
		    _(sd_ticket_type_name(tk->type)),
		    _(sd_ticket_status_name(tk->status)), tk->handler,
		    sd_ticket_overdue(tk, sd_now()) ? _("  OVERDUE") : "");
		put_text(y++, 4, COLS - 6, sd_buf_cstr(&b),
		    sd_ticket_overdue(tk, sd_now()) ? theme_attr(TH_ERROR) :
		    tk->status >= SD_TICKET_RESOLVED ? theme_attr(TH_DIM) :
		    theme_attr(TH_NORMAL));
	}
	y++;
	put_text(y++, 2, COLS - 4, _("Notes"), theme_attr(TH_HEADER));
	if (d->nnotes == 0)
		put_text(y++, 4, COLS - 6, _("no follow-up yet"),
		    theme_attr(TH_DIM));
	for (int i = d->scroll; i < d->nnotes && y < LINES - 3; i++) {
		const struct sd_note *n = &d->notes[i];

		sd_time_format(n->at, t, sizeof t);
		t[16] = '\0';
		sd_buf_reset(&b);
		sd_buf_printf(&b, "%s %s%s%s%s", t, n->by, n->outcome[0] ? " [" :
		    "", n->outcome, n->outcome[0] ? "]" : "");
		put_text(y++, 4, COLS - 6, sd_buf_cstr(&b), theme_attr(TH_DIM));
		if (y < LINES - 3)
			put_text(y++, 6, COLS - 8, n->text, theme_attr(TH_NORMAL));
	}
	sd_buf_free(&b);
}

/* This customer, with its reminders and open tickets, to another owner,
 * after a confirmation. */
static void
card_move(struct card *d)
{
	char to[SD_LOGIN_MAX + 1] = "", q[256];
	struct sd_err err;

	if (d->c.owner[0] == '\0') {
		app_message(1, _("%s is in the shared pool: nobody to move "
		    "them from."), d->c.name);
		return;
	}
	snprintf(q, sizeof q, _("Move %s from %s to (login):"), d->c.name,
	    d->c.owner);
	if (!ask_text(q, to, sizeof to) || to[0] == '\0')
		return;
	snprintf(q, sizeof q, _("Move %s, their reminders and open tickets "
	    "from %s to %s?"), d->c.name, d->c.owner, to);
	if (!ask_yes_no(q))
		return;
	if (rpc_customer_move(&app.sess, d->c.owner, to, d->id, &err) == SD_OK)
		app_message(0, _("%s is %s's customer now."), d->c.name, to);
	else
		app_error(&err);
	card_load(d);
}

static void
card_key(struct screen *s, enum action a, wint_t ch)
{
	struct card *d = s->data;
	struct sd_err err;

	(void)ch;
	switch (a) {
	case ACT_BACK:
		screen_pop();
		return;
	case ACT_ADD:
		screen_push(scr_note_form_new(d->id));
		return;
	case ACT_NEXT:
		screen_push(scr_ticket_form_new(d->id));
		return;
	case ACT_EDIT:
		screen_push(scr_customer_form_new(d->id));
		return;
	case ACT_TOGGLE:
		if (rpc_customer_claim(&app.sess, d->id, &err) == SD_OK)
			app_message(0, _("Customer %llu is yours now."),
			    (unsigned long long)d->id);
		else
			app_error(&err);
		card_load(d);
		return;
	case ACT_REFRESH:
		card_load(d);
		return;
	case ACT_RUN:
		card_move(d);
		return;
	case ACT_DIAL:
		tel_dial_customer(&d->c);
		if (tel.call != 0)
			d->shown_call = tel.call;
		return;
	case ACT_DOWN:
		if (d->scroll < d->nnotes - 1)
			d->scroll++;
		return;
	case ACT_UP:
		if (d->scroll > 0)
			d->scroll--;
		return;
	default:
		return;
	}
}

static const struct screen_ops card_ops = {
	card_open, card_draw, card_key, NULL
};

struct screen *
scr_customer_card_new(uint64_t id)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct card *d = xcalloc(1, sizeof *d);

	d->id = id;
	s->ops = &card_ops;
	s->title = N_("Customer");
	s->keys = card_keys;
	s->nav = 1;
	s->help = card_help;
	s->data = d;
	return s;
}

/* ---------------------------------------------------------------- forms */

struct cform {
	struct form	 form;
	struct ff_field	 f[12];
	uint64_t	 id;
	int		 kind;		/* 0 customer, 1 note, 2 ticket */
	uint64_t	 added;		/* the new customer's id */
	int		 then_card;	/* open it after saving */
	uint64_t	 call;		/* a note after this call */
};

static void
cform_draw(struct screen *s)
{
	struct cform *d = s->data;

	form_draw(&d->form);
}

static void
cform_key(struct screen *s, enum action a, wint_t ch)
{
	struct cform *d = s->data;

	if (!form_key(&d->form, a, ch))
		return;
	if (d->form.done)
		app_message(0, "%s", d->kind == 1 ? _("Note saved.") :
		    d->kind == 2 ? _("Ticket opened.") : _("Customer saved."));
	if (d->form.done && d->then_card && d->added != 0) {
		uint64_t id = d->added;

		screen_pop();
		screen_push(scr_customer_card_new(id));
		return;
	}
	screen_pop();
}

static const struct screen_ops cform_ops = {
	NULL, cform_draw, cform_key, NULL
};

static struct screen *
cform_screen(struct cform *d, const char *title, const char *help)
{
	struct screen *s = xcalloc(1, sizeof *s);

	s->ops = &cform_ops;
	s->title = title;
	s->keys = form_keys;
	s->help = help;
	s->data = d;
	s->text_input = 1;
	return s;
}

/* Note: text, the contact planned now (read only), next contact, outcome. */
static const char *const outcomes[] = { "-", "answered", "no_answer",
    "busy", "callback", "interested", "not_interested", "sale", NULL };

static int
note_submit(struct form *f, struct sd_err *err)
{
	struct cform *d = f->ctx;
	const char *outcome = strcmp(f->fields[3].value, "-") ?
	    f->fields[3].value : NULL;
	const char *typed = f->fields[2].value;
	int64_t next;
	int st;

	/* Empty keeps what is planned; "-", "none" (or its translation)
	 * drops it. */
	if (strcmp(typed, _("none")) == 0)
		typed = "none";
	if ((st = sd_note_next_parse("next", typed, &next, err)) != SD_OK)
		return st;
	if (d->call != 0 && outcome != NULL &&
	    (st = rpc_call_set_outcome(&app.sess, d->call, outcome, err)) != SD_OK)
		return st;
	return rpc_note_add(&app.sess, d->id, f->fields[0].value, outcome, next,
	    NULL, err);
}

static struct screen *
note_form(uint64_t customer, uint64_t call, const char *outcome)
{
	struct cform *d = xcalloc(1, sizeof *d);
	struct sd_customer c;
	struct sd_err err;

	d->id = customer;
	d->kind = 1;
	d->call = call;
	ff_init(&d->f[0], N_("What was said"), "text", FF_TEXT, 1, 1000);
	/* What an empty Next contact keeps, in sight while typing. */
	ff_init(&d->f[1], N_("Planned"), "planned", FF_TEXT, 0, 0);
	d->f[1].readonly = 1;
	if (rpc_customer_get(&app.sess, customer, &c, &err) == SD_OK &&
	    c.next_at != 0) {
		sd_time_format(c.next_at, d->f[1].value, FF_VALUE_MAX);
		d->f[1].value[16] = '\0';	/* no seconds */
	} else
		sd_strlcpy(d->f[1].value, _("none planned"), FF_VALUE_MAX);
	ff_init(&d->f[2], N_("Next contact"), "next", FF_WHEN, 0, 24);
	ff_init(&d->f[3], N_("Outcome"), "outcome", FF_CHOICE, 0, 0);
	d->f[3].choices = outcomes;
	sd_strlcpy(d->f[3].value, outcome, FF_VALUE_MAX);
	if (call == 0) {
		form_init(&d->form, N_("Follow-up note"), d->f, 4, note_submit, d);
		return cform_screen(d, N_("Follow-up note"), N_("Write what was "
		    "said. Next contact (2026-12-05 10:00) plans the next one "
		    "with a reminder for the owner; left empty, the planned "
		    "contact shown above it stays; - or none drops it. It also "
		    "takes 12-05 10:00, 15:30, tomorrow 10:00 or +2d, and shows "
		    "the date it understood beside it. Choose the outcome with "
		    "the left and right arrows."));
	}
	/* Not answered: the note says so already. */
	if (strcmp(outcome, "answered") != 0)
		snprintf(d->f[0].value, FF_VALUE_MAX, "%s (call %llu)", outcome,
		    (unsigned long long)call);
	form_init(&d->form, N_("After the call"), d->f, 4, note_submit, d);
	return cform_screen(d, N_("After the call"), N_("The call has ended. "
	    "Write what was said, plan the next contact (2026-12-05 10:00, "
	    "15:30, tomorrow 10:00 or +2d; "
	    "left empty, the planned contact shown above it stays; - or none "
	    "drops it) and choose the outcome with the left and right arrows; "
	    "F2 saves it on the customer's card and on the call. Esc leaves "
	    "without a note."));
}

struct screen *
scr_note_form_new(uint64_t customer)
{
	return note_form(customer, 0, "-");
}

struct screen *
scr_call_note_new(uint64_t customer, uint64_t call, const char *outcome)
{
	return note_form(customer, call, outcome);
}

static const char *const ticket_types[] = { "inquiry", "complaint",
    "after-sales", "change", NULL };

static int
ticket_submit(struct form *f, struct sd_err *err)
{
	struct cform *d = f->ctx;

	return rpc_ticket_add(&app.sess, d->id,
	    sd_ticket_type_parse(f->fields[0].value), f->fields[1].value, NULL,
	    err);
}

struct screen *
scr_ticket_form_new(uint64_t customer)
{
	struct cform *d = xcalloc(1, sizeof *d);

	d->id = customer;
	d->kind = 2;
	ff_init(&d->f[0], N_("Type"), "type", FF_CHOICE, 1, 0);
	d->f[0].choices = ticket_types;
	sd_strlcpy(d->f[0].value, "inquiry", FF_VALUE_MAX);
	ff_init(&d->f[1], N_("Request"), "text", FF_TEXT, 1, 1000);
	form_init(&d->form, N_("New ticket"), d->f, 2, ticket_submit, d);
	return cform_screen(d, N_("New ticket"), N_("Choose the type with the "
	    "arrows, describe the request, F2 opens the ticket. The customer's "
	    "owner handles it."));
}

static const char *const yesno[] = { "no", "yes", NULL };
static const char *const statuses[] = { "prospect", "active", "suspended",
    "closed", NULL };
static const char *class_choices[10];

static int
customer_submit(struct form *f, struct sd_err *err)
{
	struct cform *d = f->ctx;
	struct ff_field *v = f->fields;
	struct sd_cust_fields cf;
	uint64_t id;

	sd_cust_fields_init(&cf);
	cf.name = v[0].value;
	cf.phones = v[1].value;
	cf.city = v[2].value;
	cf.address = v[3].value;
	cf.cls = strcmp(v[4].value, "-") ? v[4].value : "";
	cf.source = v[5].value;
	cf.tags = v[6].value;
	cf.dnc = strcmp(v[7].value, "yes") == 0;
	if (d->id == 0) {
		int st = rpc_customer_add(&app.sess, &cf, &id, err);

		if (st == SD_OK)
			d->added = id;
		return st;
	}
	/* The masked ID is shown, not sent back; statuses move in core. */
	cf.status = sd_cust_status_parse(v[8].value);
	return rpc_customer_update(&app.sess, d->id, &cf, err);
}

static struct screen *customer_form(uint64_t id, const char *phone);

struct screen *
scr_customer_form_new(uint64_t id)
{
	return customer_form(id, NULL);
}

struct screen *
scr_customer_form_phone(const char *phone)
{
	return customer_form(0, phone);
}

static struct screen *
customer_form(uint64_t id, const char *phone)
{
	struct cform *d = xcalloc(1, sizeof *d);
	int n = 8, k = 0;

	d->id = id;
	class_choices[k++] = "-";
	for (int i = 0; i < 8 && app.cfg.classes[i][0]; i++)
		class_choices[k++] = app.cfg.classes[i];
	class_choices[k] = NULL;
	ff_init(&d->f[0], N_("Name"), "name", FF_TEXT, 1, SD_NAME_MAX);
	ff_init(&d->f[1], N_("Phones"), "phone", FF_TEXT, 1, 100);
	ff_init(&d->f[2], N_("City"), "city", FF_TEXT, 0, 48);
	ff_init(&d->f[3], N_("Address"), "address", FF_TEXT, 0, 192);
	ff_init(&d->f[4], N_("Class"), "class", FF_CHOICE, 0, 0);
	d->f[4].choices = class_choices;
	sd_strlcpy(d->f[4].value, "-", FF_VALUE_MAX);
	ff_init(&d->f[5], N_("Source"), "source", FF_TEXT, 0, 48);
	ff_init(&d->f[6], N_("Tags"), "tags", FF_TEXT, 0, 200);
	ff_init(&d->f[7], N_("Do not call"), "dnc", FF_CHOICE, 0, 0);
	d->f[7].choices = yesno;
	sd_strlcpy(d->f[7].value, "no", FF_VALUE_MAX);
	if (id != 0) {
		struct sd_customer c;
		struct sd_err err;
		struct sd_buf b = SD_BUF_INIT;

		if (rpc_customer_get(&app.sess, id, &c, &err) == SD_OK) {
			sd_strlcpy(d->f[0].value, c.name, FF_VALUE_MAX);
			for (int i = 0; i < c.nphones; i++)
				sd_buf_printf(&b, "%s%s", i ? "," : "", c.phones[i]);
			sd_strlcpy(d->f[1].value, sd_buf_cstr(&b), FF_VALUE_MAX);
			sd_strlcpy(d->f[2].value, c.city, FF_VALUE_MAX);
			sd_strlcpy(d->f[3].value, c.address, FF_VALUE_MAX);
			if (c.cls[0])
				sd_strlcpy(d->f[4].value, c.cls, FF_VALUE_MAX);
			sd_strlcpy(d->f[5].value, c.source, FF_VALUE_MAX);
			sd_buf_reset(&b);
			for (int i = 0; i < c.ntags; i++)
				sd_buf_printf(&b, "%s%s", i ? "," : "", c.tags[i]);
			sd_strlcpy(d->f[6].value, sd_buf_cstr(&b), FF_VALUE_MAX);
			sd_strlcpy(d->f[7].value, c.dnc ? "yes" : "no",
			    FF_VALUE_MAX);
			ff_init(&d->f[8], N_("Status"), "status", FF_CHOICE, 1, 0);
			d->f[8].choices = statuses;
			sd_strlcpy(d->f[8].value, sd_cust_status_name(c.status),
			    FF_VALUE_MAX);
			n = 9;
		} else
			app_error(&err);
		sd_buf_free(&b);
	}
	form_init(&d->form, id ? N_("Edit customer") : N_("New customer"), d->f,
	    n, customer_submit, d);
	if (phone != NULL) {
		sd_strlcpy(d->f[1].value, phone, FF_VALUE_MAX);
		d->then_card = 1;
	}
	return cform_screen(d, id ? N_("Edit customer") : N_("New customer"),
	    N_("Phones and tags are comma-separated. A phone already on file is "
	    "refused, naming its customer. Operators' new customers are their "
	    "own."));
}
