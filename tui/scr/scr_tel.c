/*
 * scr_tel.c -- the telephone at an operator's terminal: click-to-dial, the
 * call bar in the title line (state and a running timer), answer and hang
 * up, the screen pop for an incoming call (the caller's card, or a new
 * customer form with the number filled in), the after-call note, presence
 * (available or paused with a reason) and the supervisors' modem board.
 *
 * simdeskd does the work; here we queue it through core and read back the
 * operator's events.  simdeskd pushes when an event is left for us (the
 * main loop wakes on the connection as on a key) and tel_poll() takes
 * them, so a pop is on screen well inside a second of the modem's RING.
 * While a call is up, its state is also read each second.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scr.h"

struct tel_state tel;

int
tel_enabled(void)
{
	return app.sess.user.login[0] != '\0' &&
	    sd_role_may(app.sess.user.role, SD_OP_CALL_DIAL);
}

static int
tel_takes_calls(void)
{
	return app.sess.user.login[0] != '\0' &&
	    sd_role_may(app.sess.user.role, SD_OP_CALL_TAKE);
}

/* The customer's name for the bar, looked up once per call. */
static void
tel_name(uint64_t customer)
{
	struct sd_customer c;
	struct sd_err err;

	if (customer == 0 || customer == tel.name_of)
		return;
	tel.name_of = customer;
	tel.name[0] = '\0';
	if (rpc_customer_get(&app.sess, customer, &c, &err) == SD_OK)
		sd_strlcpy(tel.name, c.name, sizeof tel.name);
}

/* Re-read the current call; 0 if it is still ours to show. */
static int
tel_refresh(void)
{
	struct sd_err err;

	if (tel.call == 0)
		return -1;
	if (rpc_call_get(&app.sess, tel.call, &tel.c, &err) != SD_OK) {
		app_error(&err);
		tel.call = 0;
		return -1;
	}
	tel_name(tel.c.customer);
	return 0;
}

static const char *
outcome_of(const char *disposition)
{
	if (strcmp(disposition, "answered") == 0)
		return "answered";
	if (strcmp(disposition, "busy") == 0)
		return "busy";
	return "no_answer";
}

/* The call is over: say how it went and ask for the outcome. */
static void
after_call(void)
{
	struct sd_call c = tel.c;
	struct sd_customer cu;
	struct sd_err err;
	char fee[32];
	const char *number = c.direction == SD_DIR_OUT ? c.callee : c.caller;

	tel.call = 0;
	tel.name_of = 0;
	if (strcmp(c.disposition, "cancelled") == 0) {
		app_message(0, _("Call %llu cancelled before it was dialled."),
		    (unsigned long long)c.id);
		return;
	}
	if (strcmp(c.disposition, "missed") == 0) {
		app_message(1, _("Missed call from %s: a call-back reminder is "
		    "set."), number);
		return;
	}
	if (c.operator[0] != '\0' && strcmp(c.operator, app.sess.user.login)) {
		app_message(0, _("The call from %s was taken by %s."), number,
		    c.operator);
		return;
	}
	sd_money_format(c.cost_fen, fee, sizeof fee);
	app_message(0, _("Call %llu ended: %s, %d:%02d, fee %s."),
	    (unsigned long long)c.id, c.disposition, c.billsec / 60,
	    c.billsec % 60, fee);
	/* A customer added during the call has the number now. */
	if (c.customer == 0 && number[0] != '\0' &&
	    rpc_customer_find(&app.sess, number, &cu, &err) == SD_OK)
		c.customer = cu.id;
	if (c.customer != 0)
		screen_push(scr_call_note_new(c.customer, c.id,
		    outcome_of(c.disposition)));
}

void
tel_dial(const char *number)
{
	struct sd_err err;
	uint64_t id;

	if (!tel_enabled())
		return;
	if (tel.call != 0) {
		app_message(1, "%s", _("Already on a call: F7 hangs it up."));
		return;
	}
	if (rpc_call_dial(&app.sess, number, NULL, NULL, &id, &err) != SD_OK) {
		app_error(&err);
		return;
	}
	tel.call = id;
	tel.incoming = 0;
	tel.polled = 0;
	tel_refresh();
	app_message(0, _("Dialling %s (call %llu); F7 hangs up."), number,
	    (unsigned long long)id);
}

void
tel_dial_customer(const struct sd_customer *c)
{
	char keys[10];
	struct sd_buf b = SD_BUF_INIT;
	int k;

	if (c->nphones == 0) {
		app_message(1, _("%s has no phone number."), c->name);
		return;
	}
	if (c->nphones == 1) {
		tel_dial(c->phones[0]);
		return;
	}
	sd_buf_printf(&b, "%s", _("Dial which number?"));
	for (int i = 0; i < c->nphones && i < 9; i++) {
		sd_buf_printf(&b, "  %d %s", i + 1, c->phones[i]);
		keys[i] = (char)('1' + i);
		keys[i + 1] = '\0';
	}
	k = ask_key(sd_buf_cstr(&b), keys);
	sd_buf_free(&b);
	if (k != 0)
		tel_dial(c->phones[k - '1']);
}

void
tel_action(enum action a)
{
	struct sd_err err;
	char buf[64];

	if (!tel_enabled()) {
		app_message(1, "%s", _("Your role does not use the telephone."));
		return;
	}
	switch (a) {
	case ACT_DIALNUM:
		buf[0] = '\0';
		if (tel.call != 0 && tel.c.state == SD_CALL_ACTIVE) {
			/* Talking: F6 sends tones to the far end's menu. */
			if (!ask_text(_("Tones to send (0-9 * #):"), buf,
			    sizeof buf) || buf[0] == '\0')
				return;
			if (rpc_call_dtmf(&app.sess, tel.call, buf, &err) != SD_OK)
				app_error(&err);
			else
				app_message(0, _("Tones %s sent."), buf);
			return;
		}
		if (ask_text(_("Number to dial:"), buf, sizeof buf) && buf[0])
			tel_dial(buf);
		return;
	case ACT_CALLKEY:
		if (tel.call == 0) {
			app_message(1, "%s", _("No call: F6 dials a number, d on a "
			    "customer dials them."));
			return;
		}
		if (tel.incoming && tel.c.state == SD_CALL_RINGING) {
			if (rpc_call_answer(&app.sess, tel.call, &err) != SD_OK) {
				app_error(&err);
				return;
			}
			app_message(0, "%s", _("Answering; F7 hangs up."));
			return;
		}
		if (rpc_call_hangup(&app.sess, tel.call, &err) != SD_OK) {
			app_error(&err);
			tel_refresh();
			return;
		}
		app_message(0, "%s", _("Hanging up."));
		return;
	case ACT_PAUSE:
		if (!tel_takes_calls()) {
			app_message(1, "%s", _("Incoming calls go to operators and "
			    "supervisors."));
			return;
		}
		if (tel.paused) {
			tel.paused = 0;
			tel.reason[0] = '\0';
			app_message(0, "%s", _("Available: incoming calls come to you."));
		} else {
			sd_strlcpy(buf, "", sizeof buf);
			if (!ask_text(_("Pause reason (lunch, training, ...):"),
			    buf, sizeof buf))
				return;
			tel.paused = 1;
			sd_strlcpy(tel.reason, buf, sizeof tel.reason);
			app_message(0, "%s", _("Paused: no incoming calls until F8."));
		}
		tel.beat = 0;
		tel_poll(0);
		return;
	default:
		return;
	}
}

/* An incoming call offered to us: the caller's card on top. */
static void
screen_pop_call(const struct sd_tel_event *ev)
{
	if (tel.call != 0) {
		app_message(1, _("Also ringing: %s %s (call %llu)."), ev->number,
		    ev->text, (unsigned long long)ev->call);
		return;
	}
	tel.call = ev->call;
	tel.incoming = 1;
	tel.polled = 0;
	sd_strlcpy(tel.name, ev->text, sizeof tel.name);
	tel.name_of = ev->customer;
	tel_refresh();
	beep();
	if (app.depth < SCREEN_STACK_MAX) {
		if (ev->customer != 0)
			screen_push(scr_customer_card_new(ev->customer));
		else
			screen_push(scr_customer_form_phone(ev->number));
	}
	app_message(0, _("Incoming call from %s %s: F7 answers."), ev->number,
	    ev->text);
}

void
tel_poll(int rang)
{
	static int pending;	/* rang, not yet taken */
	struct sd_tel_event ev[16];
	struct sd_err err;
	time_t now = time(NULL);
	int n = 0;

	pending |= rang;	/* kept until signed in */
	if (!tel_enabled())
		return;
	if (tel_takes_calls() && (tel.beat == 0 || now - tel.beat >= 5)) {
		if (rpc_presence_beat(&app.sess, tel.paused, tel.reason, &err) !=
		    SD_OK)
			app_error(&err);
		tel.beat = now;
	}
	if (pending) {
		if (rpc_tel_events(&app.sess, ev, 16, &n, &err) != SD_OK) {
			app_error(&err);
			return;
		}
		/* 16 taken: there may be more. */
		pending = n == 16;
	}
	for (int i = 0; i < n; i++) {
		switch (ev[i].kind) {
		case SD_EV_POP:
			screen_pop_call(&ev[i]);
			break;
		case SD_EV_STATE:
			if (ev[i].call == tel.call)
				tel_refresh();
			break;
		case SD_EV_ENDED:
		case SD_EV_MISSED:
			if (ev[i].call == tel.call && tel_refresh() == 0)
				after_call();
			else if (ev[i].kind == SD_EV_MISSED)
				app_message(1, _("Missed call from %s: a call-back "
				    "reminder is set."), ev[i].number);
			break;
		case SD_EV_QUOTA:
		case SD_EV_SMS:
			app_message(ev[i].kind == SD_EV_QUOTA, "%s%s%s",
			    ev[i].number, ev[i].number[0] ? ": " : "",
			    ev[i].text);
			break;
		default:
			break;
		}
	}
	/* Events are the fast path; a read each second catches the rest
	 * (a ringing call another operator took, one that ended unseen). */
	if (tel.call != 0 && now != tel.polled) {
		tel.polled = now;
		if (tel_refresh() != 0)
			return;
		if (tel.c.state == SD_CALL_ENDED)
			after_call();
		else if (tel.incoming && tel.c.operator[0] != '\0' &&
		    strcmp(tel.c.operator, app.sess.user.login) != 0)
			after_call();
	}
}

int
tel_bar(struct sd_buf *b)
{
	const struct sd_call *c = &tel.c;
	const char *number, *what, *key;
	int64_t since, secs;

	if (tel.call == 0)
		return 0;
	number = c->direction == SD_DIR_IN ? c->caller : c->callee;
	switch (c->state) {
	case SD_CALL_QUEUED:	what = _("queued"); break;
	case SD_CALL_DIALING:	what = _("dialling"); break;
	case SD_CALL_RINGING:	what = tel.incoming ? _("incoming") :
				    _("ringing"); break;
	case SD_CALL_ACTIVE:	what = _("talking"); break;
	default:		what = _("ended"); break;
	}
	key = tel.incoming && c->state == SD_CALL_RINGING ? _("F7 answer") :
	    _("F7 hang up");
	since = c->state == SD_CALL_ACTIVE && c->answer ? c->answer :
	    c->start ? c->start : c->created;
	secs = since ? sd_now() - since : 0;
	if (secs < 0)
		secs = 0;
	sd_buf_printf(b, " ☎ %s %s%s%s  %s %lld:%02lld  %s ", what, number,
	    tel.name[0] ? " " : "", tel.name, c->modem[0] ? c->modem : "",
	    (long long)(secs / 60), (long long)(secs % 60), key);
	return c->state == SD_CALL_RINGING && tel.incoming ? TH_RING : TH_CALL;
}

void
tel_signout(void)
{
	struct sd_err err;

	/* Not offered calls from now on, rather than 15 s from now. */
	if (tel_takes_calls() && tel.beat != 0)
		rpc_presence_beat(&app.sess, 1, "signed out", &err);
}

const char *
tel_presence(void)
{
	static char buf[96];

	if (!tel_takes_calls())
		return "";
	/* As the modem board says it (core's presence): a call not over. */
	if (tel.call != 0 && tel.c.state != SD_CALL_ENDED)
		snprintf(buf, sizeof buf, "%s", _("On call"));
	else if (tel.paused)
		snprintf(buf, sizeof buf, "%s%s%s", _("Paused"),
		    tel.reason[0] ? ": " : "", tel.reason);
	else
		snprintf(buf, sizeof buf, "%s", _("Available"));
	return buf;
}

/* ---------------------------------------------------------------- modem board */

/* The most modems and desks the board holds; past them it says "the
 * first N of M". */
#define BOARD_MAX 64
#define BOARD_OPS 32

struct board {
	struct sd_modem	m[BOARD_MAX];
	char		call[BOARD_MAX][40];	/* "→ 13800000001" */
	int64_t		since[BOARD_MAX];	/* for the call's timer */
	int		n, total, sel, top;	/* total: modems there are */
	time_t		loaded;
	struct sd_presence ops[BOARD_OPS];	/* the operators' desks */
	int		nops, opstotal;
};

static int
board_op(const struct sd_presence *p, void *arg)
{
	struct board *d = arg;

	d->opstotal++;
	if (d->nops < BOARD_OPS)
		d->ops[d->nops++] = *p;
	return 0;
}

static int
board_collect(const struct sd_modem *m, void *arg)
{
	struct board *d = arg;

	d->total++;
	if (d->n < BOARD_MAX)
		d->m[d->n++] = *m;
	return 0;
}

/* Under a part of the board not all shown (rows from to to of total):
 * "(the first N of M)" or "(F to T of M)".  The next line's y. */
static int
board_more(int y, int from, int to, int total)
{
	struct sd_buf b = SD_BUF_INIT;

	if (from <= 1 && to >= total)
		return y;
	if (from <= 1)
		sd_buf_printf(&b, _(" (the first %d of %d)"), to, total);
	else
		sd_buf_printf(&b, _(" (%d to %d of %d)"), from, to, total);
	put_text(y, 1, COLS - 2, sd_buf_cstr(&b), theme_attr(TH_DIM));
	sd_buf_free(&b);
	return y + 1;
}

static void
board_load(struct board *d)
{
	struct sd_err err;

	d->n = d->nops = d->total = d->opstotal = 0;
	d->loaded = time(NULL);
	if (rpc_modem_list(&app.sess, board_collect, d, &err) != SD_OK)
		app_error(&err);
	if (sd_role_may(app.sess.user.role, SD_OP_PRESENCE_SHOW) &&
	    rpc_presence_list(&app.sess, board_op, d, &err) != SD_OK)
		app_error(&err);
	for (int i = 0; i < d->n; i++) {
		struct sd_call c;

		d->call[i][0] = '\0';
		d->since[i] = 0;
		if (d->m[i].call == 0)
			continue;
		if (rpc_call_get(&app.sess, d->m[i].call, &c, &err) != SD_OK) {
			snprintf(d->call[i], sizeof d->call[i], "#%llu",
			    (unsigned long long)d->m[i].call);
			continue;
		}
		snprintf(d->call[i], sizeof d->call[i], "%s %s",
		    c.direction == SD_DIR_IN ? "←" : "→",
		    c.direction == SD_DIR_IN ? c.caller : c.callee);
		d->since[i] = c.answer ? c.answer : c.start ? c.start : c.created;
	}
	if (d->sel >= d->n)
		d->sel = d->n > 0 ? d->n - 1 : 0;
}

static const struct keybind board_keys[] = {
	KEY_CMD('s', ACT_TOGGLE, "s", "modem switch"),
	{ 'r', ACT_REFRESH, N_("Refresh"), "r" },
	{ 27, ACT_BACK, N_("Back"), "Esc" },
	{ 'q', ACT_BACK, NULL, NULL },
	{ 0 }
};

static void
board_open(struct screen *s)
{
	board_load(s->data);
}

/* A bar of width cells for used of quota: '█' used, '░' left. */
static void
quota_bar(struct sd_buf *b, long used, long quota, int width)
{
	long full = quota > 0 ? used * width / quota : 0;

	if (full > width)
		full = width;
	for (int i = 0; i < width; i++)
		sd_buf_adds(b, i < full ? "█" : "░");
}

/* The board's columns, by display width (carrier names and headings may
 * be Chinese). */
static const int board_w[] = { 8, 11, 12, 6, 7, 26 };

static void
board_cell(struct sd_buf *b, int col, const char *text)
{
	sd_width_fit(b, text, board_w[col], 1);
	sd_buf_addc(b, ' ');
}

static void
board_draw(struct screen *s)
{
	struct board *d = s->data;
	struct sd_buf b = SD_BUF_INIT;
	const char *head[] = { N_("Modem"), N_("SIM"), N_("Carrier"),
	    N_("Signal"), N_("State"), N_("Call") };
	int y = 2, i, rows, mrows, drows;

	/* The daemon reports every few seconds; so do we. */
	if (time(NULL) - d->loaded >= 2)
		board_load(d);
	for (int c = 0; c < 6; c++)
		board_cell(&b, c, _(head[c]));
	sd_buf_adds(&b, _("Minutes this month"));
	put_text(y++, 1, COLS - 2, sd_buf_cstr(&b), theme_attr(TH_HEADER));
	if (d->n == 0)
		put_text(y + 1, 2, COLS - 4, _("No modem has reported yet: is "
		    "simdeskd running (simdeskd --modems ...)?"),
		    theme_attr(TH_DIM));
	/* The modems scroll with the selection; the desks below get what
	 * they need of the rest, up to half of it. */
	rows = LINES - 3 - y;
	drows = d->opstotal > 0 ? d->nops + 3 : 0;	/* gap, heading, note */
	if (drows > rows / 2)
		drows = rows / 2;
	mrows = rows - drows - 1;			/* and a note */
	if (d->sel < d->top)
		d->top = d->sel;
	if (mrows > 0 && d->sel >= d->top + mrows)
		d->top = d->sel - mrows + 1;
	for (i = d->top; i < d->n && i < d->top + mrows; i++) {
		const struct sd_modem *m = &d->m[i];
		char call[64], sig[16];
		const char *sim = m->msisdn[0] ? m->msisdn : m->iccid[0] ?
		    m->iccid + (strlen(m->iccid) > 11 ? strlen(m->iccid) - 11 : 0) :
		    "-";
		int attr = m->level >= 3 || strcmp(m->state, "down") == 0 ||
		    strcmp(m->state, "out") == 0 ? TH_ERROR : m->level > 0 ?
		    TH_HEADER : TH_NORMAL;

		if (d->since[i] != 0) {
			int64_t secs = sd_now() - d->since[i];

			if (secs < 0)
				secs = 0;
			snprintf(call, sizeof call, "%s %lld:%02lld", d->call[i],
			    (long long)(secs / 60), (long long)(secs % 60));
		} else
			snprintf(call, sizeof call, "%s", d->call[i]);
		if (m->signal >= 0 && m->signal <= 31)
			snprintf(sig, sizeof sig, "%d", m->signal);
		else
			snprintf(sig, sizeof sig, "-");
		sd_buf_reset(&b);
		board_cell(&b, 0, m->name);
		board_cell(&b, 1, sim);
		board_cell(&b, 2, m->carrier[0] ? m->carrier : "-");
		board_cell(&b, 3, sig);
		board_cell(&b, 4, m->state);
		board_cell(&b, 5, call);
		quota_bar(&b, m->used_s, m->quota_s, 10);
		sd_buf_printf(&b, " %ld/%ld", (m->used_s + 59) / 60,
		    m->quota_s / 60);
		if (m->level > 0)
			sd_buf_printf(&b, " %s", m->level >= 3 ? _("resting") :
			    _("warning"));
		if (m->message[0] != '\0')
			sd_buf_printf(&b, "  %s", m->message);
		put_text(y++, 1, COLS - 2, sd_buf_cstr(&b), i == d->sel ?
		    theme_attr(TH_SELECTED) : theme_attr(attr));
	}
	if (d->n > 0)
		y = board_more(y, d->top + 1, i, d->total);
	/* The desks: who takes the next incoming call. */
	if (d->nops > 0 && y < LINES - 5) {
		y++;
		sd_buf_reset(&b);
		board_cell(&b, 0, _("Login"));
		sd_width_fit(&b, _("Operator"), 12, 1);
		sd_buf_addc(&b, ' ');
		sd_buf_adds(&b, _("Desk"));
		put_text(y++, 1, COLS - 2, sd_buf_cstr(&b), theme_attr(TH_HEADER));
	}
	for (i = 0; i < d->nops && y < LINES - 4; i++) {
		const struct sd_presence *p = &d->ops[i];
		int attr = p->state == SD_PRES_AVAILABLE ? TH_OK :
		    p->state == SD_PRES_AWAY ? TH_DIM : TH_NORMAL;

		sd_buf_reset(&b);
		board_cell(&b, 0, p->login);
		sd_width_fit(&b, p->name, 12, 1);
		sd_buf_addc(&b, ' ');
		sd_buf_adds(&b, _(sd_presence_state_name(p->state)));
		if (p->state == SD_PRES_PAUSED && p->reason[0] != '\0')
			sd_buf_printf(&b, ": %s", p->reason);
		if (p->state == SD_PRES_ON_CALL)
			sd_buf_printf(&b, " #%llu", (unsigned long long)p->call);
		put_text(y++, 1, COLS - 2, sd_buf_cstr(&b), theme_attr(attr));
	}
	if (d->opstotal > 0)
		board_more(y, 1, i, d->opstotal);
	sd_buf_free(&b);
}

static void
board_key(struct screen *s, enum action a, wint_t ch)
{
	struct board *d = s->data;
	struct sd_err err;
	char buf[8] = "";
	uint64_t job;

	(void)ch;
	switch (a) {
	case ACT_BACK:
		screen_pop();
		return;
	case ACT_DOWN:
		if (d->sel < d->n - 1)
			d->sel++;
		return;
	case ACT_UP:
		if (d->sel > 0)
			d->sel--;
		return;
	case ACT_REFRESH:
		board_load(d);
		return;
	case ACT_TOGGLE:
		if (d->n == 0)
			return;
		if (!ask_text(_("Switch to SIM slot:"), buf, sizeof buf) ||
		    buf[0] == '\0')
			return;
		if (strspn(buf, "0123456789") != strlen(buf)) {
			app_message(1, _("slot: '%s' is not a number"), buf);
			return;
		}
		if (rpc_modem_switch(&app.sess, d->m[d->sel].name, atoi(buf), &job,
		    &err) != SD_OK)
			app_error(&err);
		else
			app_message(0, _("Modem %s: switching to slot %s (job "
			    "%llu)."), d->m[d->sel].name, buf,
			    (unsigned long long)job);
		return;
	default:
		return;
	}
}

static const struct screen_ops board_ops = {
	board_open, board_draw, board_key, NULL
};

struct screen *
scr_modems_new(void)
{
	struct screen *s = xcalloc(1, sizeof *s);

	s->ops = &board_ops;
	s->title = N_("Modem board");
	s->keys = board_keys;
	s->nav = 1;
	s->help = N_("Every modem simdeskd drives, as it last reported: the "
	    "SIM in it, signal (0-31), state, the call it carries and this "
	    "month's minutes against the SIM's quota. A SIM at the warning "
	    "threshold shows 'warning'; at the rest threshold it is 'resting' "
	    "and not chosen for outgoing calls. s switches a SIM bank's slot. "
	    "Below, the operators' desks: available, paused (and why), on a "
	    "call, or away. The board refreshes itself every two seconds.");
	s->data = xcalloc(1, sizeof(struct board));
	return s;
}
