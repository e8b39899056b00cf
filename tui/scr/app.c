/*
 * app.c -- simdesk's main: refuses a non-UTF-8 locale, reads the config,
 * logs in (peer, else the login screen), then runs the main loop: draw the
 * top screen, read a key with a short timeout, dispatch.  SIGWINCH only
 * sets a flag; the loop resizes and redraws.  Every key wait goes through
 * read_key(), which also says when to leave (a signal, the terminal gone).
 */
#include <sys/ioctl.h>

#include <langinfo.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scr.h"

struct app app;
volatile sig_atomic_t resized;
/*
 * Leaving early.  SIGHUP (the SSH link dropped), SIGTERM and SIGINT set
 * hangup; read_key() sets term_gone when the terminal went away with no
 * signal (a simdesk outside the terminal's session, as under setsid, is
 * not sent SIGHUP when the pty closes).  Either way every key wait from then
 * on says RK_QUIT, every modal loop returns, and main() closes down as after
 * F10: never in the middle of a database call.
 */
static volatile sig_atomic_t hangup;
static int term_gone;
/* Timeouts in a row with stdin readable yet no key: read() at end of file
 * or failing.  More than one, so a key typed just after a timeout is not
 * taken for it. */
static int empty_reads;
#define EMPTY_READS_MAX 3

/* ---------------------------------------------------------------- theme */

struct theme_entry {
	short	fg, bg;
	int	attr;
	int	mono;		/* attribute without colour */
};

static const struct theme_entry theme[TH__COUNT] = {
	[TH_NORMAL] = { -1, -1, 0, 0 },
	[TH_TITLE] = { COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE },
	[TH_FKEY] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
	[TH_FKEY_NUM] = { -1, -1, A_BOLD, A_BOLD },
	[TH_SELECTED] = { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
	[TH_HEADER] = { -1, -1, A_BOLD | A_UNDERLINE, A_BOLD | A_UNDERLINE },
	[TH_ERROR] = { COLOR_RED, -1, A_BOLD, A_BOLD },
	[TH_OK] = { COLOR_GREEN, -1, 0, 0 },
	[TH_DIM] = { -1, -1, A_DIM, A_DIM },
	[TH_FIELD] = { -1, -1, A_UNDERLINE, A_UNDERLINE },
	[TH_FIELD_CUR] = { COLOR_BLACK, COLOR_YELLOW, 0, A_REVERSE },
	[TH_CALL] = { COLOR_WHITE, COLOR_GREEN, A_BOLD, A_BOLD | A_REVERSE },
	[TH_RING] = { COLOR_BLACK, COLOR_YELLOW, A_BOLD, A_BOLD | A_REVERSE |
	    A_BLINK },
};

static int use_colour;

void
theme_init(void)
{
	use_colour = has_colors() && getenv("NO_COLOR") == NULL;
	if (!use_colour)
		return;
	start_color();
	use_default_colors();
	for (int i = 1; i < TH__COUNT; i++)
		init_pair((short)i, theme[i].fg, theme[i].bg);
}

int
theme_attr(enum theme_item item)
{
	if (!use_colour)
		return theme[item].mono;
	return (int)COLOR_PAIR(item) | theme[item].attr;
}

/* ---------------------------------------------------------------- keys */

/* The row of the command a key names; a name no row has is a bug in the
 * key table, caught by the first test that draws the screen. */
static const struct ctl_cmd *
key_cmd(const struct keybind *k)
{
	const struct ctl_cmd *c = ctl_cmd_named(k->cmd);

	if (c == NULL) {
		endwin();
		fprintf(stderr, "simdesk: a key names '%s', which is no "
		    "simdeskctl command\n", k->cmd);
		abort();
	}
	return c;
}

int
key_allowed(const struct keybind *k)
{
	if (k->cmd != NULL)
		return key_cmd(k)->op == CTL_OP_NONE ||
		    sd_role_may(app.sess.user.role, key_cmd(k)->op);
	return k->need == 0 || sd_role_may(app.sess.user.role, k->need - 1);
}

const char *
key_label(const struct keybind *k)
{
	if (k->label == NULL && k->cmd != NULL)
		return key_cmd(k)->label;
	return k->label;
}

/* The binding of key in a table ending with key 0, or NULL. */
static const struct keybind *
keys_find(const struct keybind *t, int key)
{
	for (; t != NULL && t->key != 0; t++)
		if (t->key == key)
			return t;
	return NULL;
}

enum action
keys_lookup(const struct keybind *t, int key)
{
	for (; t != NULL && t->key != 0; t++)
		if (t->key == key)
			return t->action;
	return ACT_NONE;
}

/* Moving about a list: for every screen with nav set, after its own keys. */
static const struct keybind nav_keys[] = {
	{ KEY_DOWN, ACT_DOWN, N_("Down"), "j ↓" },
	{ 'j', ACT_DOWN, NULL, NULL },
	{ KEY_UP, ACT_UP, N_("Up"), "k ↑" },
	{ 'k', ACT_UP, NULL, NULL },
	{ KEY_NPAGE, ACT_PGDN, N_("Next page"), "PgDn Space" },
	{ ' ', ACT_PGDN, NULL, NULL },
	{ KEY_PPAGE, ACT_PGUP, N_("Previous page"), "PgUp" },
	{ KEY_HOME, ACT_HOME, N_("First"), "g Home" },
	{ 'g', ACT_HOME, NULL, NULL },
	{ KEY_END, ACT_END, N_("Last"), "G End" },
	{ 'G', ACT_END, NULL, NULL },
	{ KEY_BACKSPACE, ACT_DELETE, NULL, NULL },
	{ 127, ACT_DELETE, NULL, NULL },
	{ 8, ACT_DELETE, NULL, NULL },
	{ 0 }
};

/* Keys every screen has, after its own. */
static const struct keybind global_keys[] = {
	{ '?', ACT_HELP, N_("Help"), "?" },
	{ KEY_F(1), ACT_HELP, N_("Help"), "F1" },
	{ KEY_F(6), ACT_DIALNUM, N_("Dial"), "F6" },
	{ KEY_F(7), ACT_CALLKEY, N_("Answer/hang up"), "F7" },
	{ KEY_F(8), ACT_PAUSE, N_("Pause/available"), "F8",
	    KEY_NEEDS(SD_OP_CALL_TAKE) },
	{ KEY_F(10), ACT_QUIT, N_("Quit"), "F10" },
	{ 0 }
};

static int
tel_key(enum action a)
{
	return a == ACT_DIALNUM || a == ACT_CALLKEY || a == ACT_PAUSE;
}

/* ---------------------------------------------------------------- drawing */

void
cell_fit(struct sd_buf *b, const char *s, int cols)
{
	int used;

	if (cols < 2 || sd_width(s) <= cols) {
		sd_width_fit(b, s, cols, 1);
		return;
	}
	/* Text cut short says so: its last column is "…". */
	used = sd_width_fit(b, s, cols - 1, 0);
	sd_buf_adds(b, "…");
	for (used++; used < cols; used++)
		sd_buf_addc(b, ' ');
}

void
put_text(int y, int x, int cols, const char *s, int attr)
{
	struct sd_buf b = SD_BUF_INIT;

	if (cols <= 0 || y < 0 || y >= LINES)
		return;
	if (x + cols > COLS)
		cols = COLS - x;
	if (cols <= 0)
		return;
	cell_fit(&b, s, cols);
	attron(attr);
	mvaddstr(y, x, sd_buf_cstr(&b));
	attroff(attr);
	sd_buf_free(&b);
}

/* The bytes of p's next line in w columns: cut at the last space that
 * fits when there is one; 0 when not even one character fits. */
size_t
wrap_len(const char *p, int w)
{
	struct sd_buf line = SD_BUF_INIT;
	size_t len;

	sd_width_fit(&line, p, w, 0);
	len = line.len;
	sd_buf_free(&line);
	if (len < strlen(p)) {
		const char *sp = p + len;

		while (sp > p && *sp != ' ')
			sp--;
		if (sp > p)
			len = (size_t)(sp - p);
	}
	return len;
}

int
put_wrapped(int y, int x, int w, int ymax, const char *p, int attr)
{
	/* Wrap the paragraph by display width, at spaces when there are. */
	while (*p != '\0' && y < ymax) {
		size_t len = wrap_len(p, w);
		char *tmp;

		if (len == 0)
			break;		/* nothing fits */
		tmp = xmalloc(len + 1);
		memcpy(tmp, p, len);
		tmp[len] = '\0';
		put_text(y++, x, w, tmp, attr);
		free(tmp);
		p += len;
		while (*p == ' ')
			p++;
	}
	return y;
}

/*
 * core's refusal, "order.approve: permission denied: WHY", said in words
 * for the person at the screen: "Not allowed: WHY", no operation's
 * internal name; a role's refusal names the role as the screens do.
 */
static void
refusal_words(char *msg, size_t size)
{
	static const char mark[] = ": permission denied: ";
	char *p = strstr(msg, mark), why[sizeof app.message], role[32];
	size_t n = p != NULL ? (size_t)(p - msg) : 0;

	if (p == NULL || n == 0 || strspn(msg, "abcdefghijklmnopqrstuvwxyz_.")
	    != n)
		return;
	sd_strlcpy(why, p + sizeof mark - 1, sizeof why);
	if (sscanf(why, "role %31s may not do this", role) == 1 &&
	    sd_role_parse(role) != SD_ROLE_NONE)
		snprintf(msg, size, _("Not allowed: your role (%s) may not do this."),
		    _(sd_role_name(sd_role_parse(role))));
	else
		snprintf(msg, size, _("Not allowed: %s"), why);
}

void
app_message(int error, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(app.message, sizeof app.message, fmt, ap);
	va_end(ap);
	if (error)
		refusal_words(app.message, sizeof app.message);
	app.message_error = error;
}

/*
 * An error from core in the user's language: each format through the
 * catalogue and the arguments put in by sd_err_render, never by printf
 * (a format from a catalogue or the wire is not trusted with it).  A
 * refusal is "Not allowed: WHY" (a role's names the role); a message
 * whose translation does not fit its arguments is said in English.
 */
void
app_err_text(const struct sd_err *e, char *out, size_t size)
{
	const char *f, *args[SD_ERR_ARGS], *fmt, *a[1];
	char why[SD_ERRMSG_MAX];
	int n, role;

	if (e->nlevels >= 2 && sd_err_level(e, 0, &f, args, &n) == 0 &&
	    strcmp(f, SD_DENY_FMT) == 0) {
		if (e->nlevels == 2 && sd_err_level(e, 1, &f, args, &n) == 0 &&
		    strcmp(f, SD_DENY_ROLE_FMT) == 0 && n == 1 &&
		    (role = sd_role_parse(args[0])) != SD_ROLE_NONE) {
			fmt = _("Not allowed: your role (%s) may not do this.");
			a[0] = _(sd_role_name(role));
		} else if (sd_err_render(e, 1, i18n_gettext, why,
		    sizeof why) == 0) {
			fmt = _("Not allowed: %s");
			a[0] = why;
		} else
			goto english;
		if (sd_fmt_render(fmt, 1, a, out, size) == 0)
			return;
	} else if (sd_err_render(e, 0, i18n_gettext, out, size) == 0)
		return;
english:
	sd_strlcpy(out, e->msg, size);
	refusal_words(out, size);
}

void
app_error(const struct sd_err *e)
{
	app_err_text(e, app.message, sizeof app.message);
	app.message_error = 1;
}

static void keybar_draw(const struct screen *s);

/* The whole terminal drawn again from s, now (also in the middle of a
 * long call, for its progress). */
void
screen_redraw(struct screen *s)
{
	erase();
	if (s->ops->draw != NULL)
		s->ops->draw(s);
	chrome_draw(s);
	refresh();
}

void
chrome_draw(struct screen *s)
{
	struct sd_buf b = SD_BUF_INIT;
	char right[128];
	int x = 0, rw;

	/* Title bar: the call, program, screen, who. */
	int bar = tel_bar(&b);

	if (bar != 0) {
		int bw = sd_width(sd_buf_cstr(&b));

		put_text(0, 0, bw, sd_buf_cstr(&b), theme_attr(bar));
		x = bw;
		sd_buf_reset(&b);
	}
	sd_buf_printf(&b, " simdesk — %s", _(s->title));
	right[0] = '\0';
	if (app.sess.user.login[0] != '\0') {
		struct sd_buf r = SD_BUF_INIT;

		if (reminders_due_count > 0)
			sd_buf_printf(&r, _("%d due"), reminders_due_count);
		/* A supervisor's team count is always there, 0 too. */
		if (reminders_team_overdue > 0 ||
		    app.sess.user.role == SD_ROLE_SUPERVISOR) {
			if (r.len)
				sd_buf_adds(&r, "  ");
			sd_buf_printf(&r, _("team overdue %d"),
			    reminders_team_overdue);
		}
		if (tickets_team_overdue > 0) {
			if (r.len)
				sd_buf_adds(&r, "  ");
			sd_buf_printf(&r, _("tickets overdue %d"),
			    tickets_team_overdue);
		}
		if (disk_low_mb >= 0) {
			if (r.len)
				sd_buf_adds(&r, "  ");
			sd_buf_printf(&r, _("disk: %lld MB free!"), disk_low_mb);
		}
		if (tel_presence()[0] != '\0') {
			if (r.len)
				sd_buf_adds(&r, "  ");
			sd_buf_adds(&r, tel_presence());
		}
		snprintf(right, sizeof right, "%s%s%s (%s) ", sd_buf_cstr(&r),
		    r.len ? "  " : "", app.sess.user.name,
		    _(sd_role_name(app.sess.user.role)));
		sd_buf_free(&r);
	}
	rw = sd_width(right);
	put_text(0, x, COLS - x, sd_buf_cstr(&b), theme_attr(TH_TITLE));
	if (COLS - rw > x + sd_width(sd_buf_cstr(&b)))
		put_text(0, COLS - rw, rw, right, theme_attr(TH_TITLE));
	sd_buf_free(&b);
	x = 0;

	/* Message line. */
	move(LINES - 2, 0);
	clrtoeol();
	if (app.message[0] != '\0')
		put_text(LINES - 2, 0, COLS, app.message,
		    app.message_error ? theme_attr(TH_ERROR) : theme_attr(TH_OK));

	keybar_draw(s);
}

/* One entry of the key bar: its width, or drawn at x when draw is set. */
static int
keybar_entry(const struct keybind *k, int x, int draw)
{
	int kw = sd_width(k->keyname), lw = sd_width(_(key_label(k)));

	if (draw) {
		put_text(LINES - 1, x, kw, k->keyname, theme_attr(TH_FKEY_NUM));
		put_text(LINES - 1, x + kw + 1, lw + 1, _(key_label(k)),
		    theme_attr(TH_FKEY));
	}
	return kw + lw + 3;
}

/* Help, going back and leaving: the keys a bar that is too narrow keeps. */
static int
keybar_kept(const struct keybind *k)
{
	return k->action == ACT_HELP || k->action == ACT_BACK ||
	    k->action == ACT_QUIT;
}

/*
 * The key bar, from the screen's key table and the global one: keys with
 * a label.  When they do not all fit (80 columns), the screen's going-back
 * key, Help and Quit are always shown, at the right, and "…" stands for
 * what was left out: the help screen (? or F1) lists every key.
 */
static void
keybar_draw(const struct screen *s)
{
	const struct keybind *all[64], *kept[8];
	int n = 0, nkept = 0, total = 0, keptw = 0, x = 0;

	for (int pass = 0; pass < 2; pass++) {
		const struct keybind *k = pass == 0 ? s->keys : global_keys;

		for (; k != NULL && k->key != 0 && n < 64; k++) {
			if (key_label(k) == NULL || k->keyname == NULL ||
			    (pass == 1 && k->key == '?') || !key_allowed(k) ||
			    (tel_key(k->action) && !tel_enabled()))
				continue;
			all[n++] = k;
			total += keybar_entry(k, 0, 0);
		}
	}
	move(LINES - 1, 0);
	clrtoeol();
	if (total <= COLS) {
		for (int i = 0; i < n; i++)
			x += keybar_entry(all[i], x, 1);
		return;
	}
	/* One key an action, the last of them: F10 rather than q. */
	for (int i = 0; i < n && nkept < 8; i++) {
		int j;

		if (!keybar_kept(all[i]))
			continue;
		for (j = 0; j < nkept && kept[j]->action != all[i]->action; j++)
			;
		kept[j] = all[i];
		nkept += j == nkept;
	}
	for (int j = 0; j < nkept; j++)
		keptw += keybar_entry(kept[j], 0, 0);
	for (int i = 0; i < n; i++) {
		int w = keybar_entry(all[i], 0, 0);

		if (keybar_kept(all[i]))
			continue;
		if (x + w + 2 + keptw > COLS)
			break;
		x += keybar_entry(all[i], x, 1);
	}
	put_text(LINES - 1, x, 2, "…", theme_attr(TH_FKEY_NUM));
	x += 2;
	for (int i = 0; i < nkept && x + keybar_entry(kept[i], 0, 0) <= COLS + 1;
	    i++)
		x += keybar_entry(kept[i], x, 1);
}

unsigned inbox_work_gen;

static int
app_leaving(void)
{
	return hangup || term_gone;
}

/*
 * After get_wch() gave ERR: has the terminal gone away?  poll() reports a
 * hang-up or an error on stdin (the pty's far end closed), or says input
 * is waiting while curses keeps reading nothing.  A live terminal costs one
 * poll() per key timeout.
 */
static int
terminal_gone(void)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };

	if (poll(&pfd, 1, 0) < 0)
		return 0;	/* EINTR: a signal, seen by the caller */
	if (pfd.revents & (POLLHUP | POLLERR | POLLNVAL))
		return 1;
	if (!(pfd.revents & POLLIN)) {
		empty_reads = 0;
		return 0;
	}
	return ++empty_reads >= EMPTY_READS_MAX;
}

/*
 * get_wch(), waking also when the server pushes to the inbox: then ERR
 * (a timeout to the caller), the push taken into rpc's inbox bits.
 */
static int
inbox_or_key(wint_t *ch)
{
	int fd = rpc_inbox_fd(), delay = wgetdelay(stdscr), r;
	struct pollfd p[2] = { { STDIN_FILENO, POLLIN, 0 }, { fd, POLLIN, 0 } };

	if (fd < 0 || delay <= 0)
		return get_wch(ch);
	/* Keys curses has read already come first. */
	timeout(0);
	r = get_wch(ch);
	timeout(delay);
	if (r != ERR)
		return r;
	if (poll(p, 2, delay) <= 0)
		return ERR;		/* a timeout, or a signal to look at */
	if (p[1].revents)
		rpc_inbox_read();
	if (!p[0].revents)
		return ERR;
	return get_wch(ch);
}

enum read_key_result
read_key(wint_t *ch, int *is_key)
{
	int r;

	if (app_leaving())
		return RK_QUIT;
	r = inbox_or_key(ch);
	if (r != ERR) {
		empty_reads = 0;
		*is_key = r == KEY_CODE_YES;
		return RK_KEY;
	}
	if (hangup)
		return RK_QUIT;
	if (terminal_gone()) {
		term_gone = 1;
		return RK_QUIT;
	}
	return RK_TIMEOUT;
}

int
ask_yes_no(const char *question)
{
	enum read_key_result rk;
	wint_t ch;
	int is_key;

	app_message(1, "%s (y/n)", question);
	chrome_draw(screen_top());
	refresh();
	for (;;) {
		if ((rk = read_key(&ch, &is_key)) == RK_QUIT) {
			app.message[0] = '\0';
			return 0;
		}
		if (rk == RK_TIMEOUT)
			continue;
		if (!is_key && (ch == 'y' || ch == 'Y')) {
			app.message[0] = '\0';
			return 1;
		}
		if (!is_key && (ch == 'n' || ch == 'N' || ch == 27)) {
			app.message[0] = '\0';
			return 0;
		}
	}
}

/* A line on the message line; secret shows stars. */
static int
ask_line(const char *prompt, char *buf, size_t size, int secret,
    const char *error)
{
	enum read_key_result rk;
	wint_t ch;
	int is_key;

	for (;;) {
		struct sd_buf shown = SD_BUF_INIT;

		if (secret)
			for (const char *p = buf; *p; p++)
				if (((unsigned char)*p & 0xc0) != 0x80)
					sd_buf_addc(&shown, '*');
		/* What was wrong with the last answer stays until a key. */
		if (error != NULL)
			app_message(1, "%s %s_  %s", prompt, secret ?
			    sd_buf_cstr(&shown) : buf, error);
		else
			app_message(0, "%s %s_", prompt, secret ?
			    sd_buf_cstr(&shown) : buf);
		sd_buf_free(&shown);
		chrome_draw(screen_top());
		refresh();
		if ((rk = read_key(&ch, &is_key)) == RK_QUIT) {
			app.message[0] = '\0';
			return 0;
		}
		if (rk == RK_TIMEOUT)
			continue;
		error = NULL;
		if (ch == 27) {
			app.message[0] = '\0';
			return 0;
		}
		if (ch == '\r' || ch == '\n' || (is_key && ch == KEY_ENTER)) {
			app.message[0] = '\0';
			return 1;
		}
		if ((is_key && ch == KEY_BACKSPACE) || ch == 127 || ch == 8)
			utf8_backspace(buf);
		else if (!is_key && ch >= ' ')
			utf8_append(buf, size, ch);
	}
}

int
ask_text(const char *prompt, char *buf, size_t size)
{
	return ask_line(prompt, buf, size, 0, NULL);
}

int
ask_checked(const char *prompt, char *buf, size_t size,
    int (*check)(const char *, void *, struct sd_err *), void *arg)
{
	struct sd_err err;
	char text[SD_ERRMSG_MAX];

	sd_err_clear(&err);
	for (;;) {
		if (err.msg[0] != '\0')
			app_err_text(&err, text, sizeof text);
		if (!ask_line(prompt, buf, size, 0, err.msg[0] ? text : NULL))
			return 0;
		sd_err_clear(&err);
		if (check(buf, arg, &err) == SD_OK)
			return 1;
	}
}

int
ask_secret(const char *prompt, char *buf, size_t size)
{
	return ask_line(prompt, buf, size, 1, NULL);
}

int
ask_key(const char *prompt, const char *keys)
{
	enum read_key_result rk;
	wint_t ch;
	int is_key;

	app_message(0, "%s", prompt);
	chrome_draw(screen_top());
	refresh();
	for (;;) {
		if ((rk = read_key(&ch, &is_key)) == RK_QUIT) {
			app.message[0] = '\0';
			return 0;
		}
		if (rk == RK_TIMEOUT)
			continue;
		if (ch == 27) {
			app.message[0] = '\0';
			return 0;
		}
		if (!is_key && ch < 128 && strchr(keys, (int)ch) != NULL) {
			app.message[0] = '\0';
			return (int)ch;
		}
	}
}

void
help_show(struct screen *s)
{
	int y = 2, w = COLS - 4;
	wint_t ch;
	int is_key;

	erase();
	chrome_draw(s);
	put_text(y++, 2, w, _("Help"), theme_attr(TH_HEADER));
	y++;
	if (s->help != NULL) {
		y = put_wrapped(y, 2, w, LINES - 6, _(s->help),
		    theme_attr(TH_NORMAL));
		y++;
	}
	for (int pass = 0; pass < 3 && y < LINES - 3; pass++) {
		const struct keybind *k = pass == 0 ? s->keys : pass == 1 ?
		    (s->nav ? nav_keys : NULL) : global_keys;

		for (; k != NULL && k->key != 0 && y < LINES - 3; k++) {
			if (key_label(k) == NULL || k->keyname == NULL ||
			    !key_allowed(k) ||
			    (tel_key(k->action) && !tel_enabled()))
				continue;
			put_text(y, 4, 10, k->keyname, theme_attr(TH_FKEY_NUM));
			put_text(y, 16, w - 14, _(key_label(k)),
			    theme_attr(TH_NORMAL));
			y++;
		}
	}
	put_text(LINES - 2, 0, COLS, _("Press any key to go back."),
	    theme_attr(TH_DIM));
	refresh();
	/* Any key, a resize or RK_QUIT ends it. */
	while (read_key(&ch, &is_key) == RK_TIMEOUT && !resized)
		;
}

/* ---------------------------------------------------------------- stack */

void
screen_push(struct screen *s)
{
	if (app.depth >= SCREEN_STACK_MAX)
		return;
	app.stack[app.depth++] = s;
	if (s->ops->open != NULL)
		s->ops->open(s);
}

void
screen_pop(void)
{
	struct screen *s;

	if (app.depth == 0)
		return;
	s = app.stack[--app.depth];
	if (s->ops->close != NULL)
		s->ops->close(s);
	screen_free(s);
	if (app.depth > 0 && app.stack[app.depth - 1]->ops->open != NULL)
		app.stack[app.depth - 1]->ops->open(app.stack[app.depth - 1]);
}

struct screen *
screen_top(void)
{
	return app.depth > 0 ? app.stack[app.depth - 1] : NULL;
}

void
screen_free(struct screen *s)
{
	if (s == NULL)
		return;
	free(s->data);
	free(s);
}

/* ---------------------------------------------------------------- main */

static void
on_hangup(int sig)
{
	(void)sig;
	hangup = 1;
}

static void
on_winch(int sig)
{
	(void)sig;
	resized = 1;
}

static void
do_resize(void)
{
	struct winsize ws;

	resized = 0;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	clear();
}

static int curses_on;

/*
 * While simdeskd does not answer (it restarts, or was stopped): say so on
 * the bottom line and keep trying; F10 or q gives up and leaves.  The
 * screen below stays as it was and is drawn afresh once it is back.
 */
static int
server_wait(int tries)
{
	enum read_key_result rk;
	wint_t ch;
	int is_key;

	if (app_leaving() || app.quit)
		return 1;
	if (!curses_on)
		return tries > 0;	/* at start: the error is printed */
	move(LINES - 1, 0);
	clrtoeol();
	attron(A_REVERSE);
	mvaddstr(LINES - 1, 0, _("simdeskd is not answering: reconnecting… "
	    "(F10 leaves)"));
	attroff(A_REVERSE);
	refresh();
	if (tries == 0)
		return 0;
	/* A second of keys: only leaving is offered. */
	timeout(1000);
	rk = read_key(&ch, &is_key);
	timeout(250);
	if (rk == RK_QUIT)
		return 1;
	if (rk == RK_KEY && ((is_key && ch == KEY_F(10)) || ch == 'q')) {
		app.quit = 1;
		return 1;
	}
	return 0;
}

static void
usage(void)
{
	fputs("usage: simdesk [-l] [-D DATADIR] [-C CONFIG]\n"
	    "  -l  show the login screen even for a bound Unix user\n", stderr);
	exit(SD_EUSAGE);
}

static void
loop(void)
{
	wint_t ch;
	int is_key, typed, inbox;

	while (!app.quit && !app_leaving() && app.depth > 0) {
		struct screen *s = screen_top();
		const struct keybind *k;
		enum action a;

		if (resized)
			do_resize();
		screen_redraw(s);
		/* What the server pushed (or everything, at the start and
		 * after a reconnect): looked at only when it rang. */
		inbox = rpc_inbox_take();
		if (inbox & (SD_INBOX_REM | SD_INBOX_WORK))
			inbox_work_gen++;
		reminders_poll((inbox & SD_INBOX_REM) != 0);
		tel_poll((inbox & SD_INBOX_TEL) != 0);
		if (app.depth == 0)
			break;
		if (screen_top() != s)
			continue;	/* a pop: draw it first */
		if (read_key(&ch, &is_key) != RK_KEY)
			continue;	/* a timeout: poll again; or leave */
		/* resizeterm() queues KEY_RESIZE: it only needs a redraw. */
		if (is_key && ch == KEY_RESIZE)
			continue;
		/*
		 * While a screen takes text (a form field, the filter),
		 * printable characters are typed; everything else goes
		 * through the screen's key table, then the global one.
		 */
		typed = !is_key && ch >= 0x20 && ch != 0x7f;
		k = NULL;
		if (!(s->text_input && typed) && (k = keys_find(s->keys,
		    (int)ch)) == NULL)
			k = keys_find(global_keys, (int)ch);
		if (k != NULL && !key_allowed(k)) {
			/* Not offered to this role (core would refuse it). */
			app_message(1, "%s", _("That key is not for your role."));
			continue;
		}
		if (s->text_input && typed &&
		    !(s->text_input == 2 && ch == '?'))
			a = ACT_NONE;
		else if ((a = keys_lookup(s->keys, (int)ch)) == ACT_NONE &&
		    (!s->nav || (a = keys_lookup(nav_keys, (int)ch)) == ACT_NONE))
			a = keys_lookup(global_keys, (int)ch);
		if (a == ACT_HELP) {
			help_show(s);
			continue;
		}
		if (tel_key(a)) {
			app.message[0] = '\0';
			tel_action(a);
			continue;
		}
		if (a == ACT_QUIT) {
			if (ask_yes_no(_("Leave simdesk?")))
				app.quit = 1;
			continue;
		}
		app.message[0] = '\0';
		s->ops->key(s, a, a == ACT_NONE && typed ? ch : 0);
	}
}

/* An error that stops simdesk before its screens: on stderr. */
static void
print_error(const struct sd_err *e)
{
	char text[SD_ERRMSG_MAX];

	app_err_text(e, text, sizeof text);
	fprintf(stderr, "simdesk: %s\n", text);
}

int
main(int argc, char **argv)
{
	struct sd_config cfg;
	struct sd_err err;
	const char *conf = NULL, *datadir = NULL;
	int c, force_login = 0, logged_in = 0;
	struct sigaction sa;

	sd_process_sanitize();
	i18n_init();
	if (strcmp(nl_langinfo(CODESET), "UTF-8") != 0) {
		fputs("simdesk: needs a UTF-8 locale; try LANG=C.UTF-8 or "
		    "LANG=zh_CN.UTF-8\n", stderr);
		return SD_EUSAGE;
	}
	while ((c = getopt(argc, argv, "lD:C:hV")) != -1) {
		switch (c) {
		case 'l': force_login = 1; break;
		case 'D': datadir = optarg; break;
		case 'C': conf = optarg; break;
		case 'V': puts("simdesk " SD_VERSION); return 0;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	if (sd_config_resolve(&cfg, conf, datadir, &err) != SD_OK) {
		print_error(&err);
		return sd_status_exit(err.status);
	}
	memset(&app, 0, sizeof app);
	app.cfg = cfg;
	/* simdeskd alone opens the database: this is its client. */
	if (rpc_open(&app.cfg, conf, &err) != SD_OK) {
		print_error(&err);
		return sd_status_exit(err.status);
	}
	if (!force_login && rpc_session_peer(&app.sess, &err) == SD_OK)
		logged_in = 1;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_winch;
	sigaction(SIGWINCH, &sa, NULL);
	sa.sa_handler = on_hangup;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	initscr();
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(50);
	timeout(250);
	curs_set(0);
	theme_init();
	curses_on = 1;
	rpc_set_wait(server_wait);

	if (logged_in)
		screen_push(scr_home_new());
	else
		screen_push(scr_login_new(&logged_in));
	loop();
	tel_signout();
	while (app.depth > 0)
		screen_pop();
	endwin();
	rpc_close();
	return 0;
}
