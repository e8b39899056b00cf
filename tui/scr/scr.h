/*
 * scr.h -- simdesk's screens and widgets: a screen is an object with an ops
 * table (open, draw, key, close) on a stack; key bindings are data; the list
 * view pages from a database cursor and filters as you type; the form has
 * typed, validated fields and warns before discarding changes.
 */
#ifndef SD_SCR_H
#define SD_SCR_H

#include <signal.h>
#include <time.h>
#include <wchar.h>

#define NCURSES_WIDECHAR 1
#include <curses.h>

#include "tui/tui.h"
#include "tui/rpc.h"

/* ---------------------------------------------------------------- theme */

enum theme_item {
	TH_NORMAL = 1,
	TH_TITLE,
	TH_FKEY,
	TH_FKEY_NUM,
	TH_SELECTED,
	TH_HEADER,
	TH_ERROR,
	TH_OK,
	TH_DIM,
	TH_FIELD,
	TH_FIELD_CUR,
	TH_CALL,		/* the call bar */
	TH_RING,		/* ... while an incoming call rings */
	TH__COUNT
};

void	theme_init(void);
int	theme_attr(enum theme_item item);

/* ---------------------------------------------------------------- keys */

/* Actions a key can trigger; screens handle the ones they bind. */
enum action {
	ACT_NONE,
	ACT_QUIT, ACT_BACK, ACT_HELP, ACT_UP, ACT_DOWN, ACT_PGUP, ACT_PGDN, ACT_HOME, ACT_END,
	ACT_OPEN, ACT_ADD, ACT_EDIT, ACT_FILTER, ACT_SAVE, ACT_NEXT, ACT_PREV, ACT_LEFT,
	ACT_RIGHT, ACT_TOGGLE, ACT_UNLOCK, ACT_PASSWD, ACT_REFRESH, ACT_DELETE, ACT_RUN,
	ACT_DIAL,		/* this screen's customer or number */
	ACT_DIALNUM, ACT_CALLKEY, ACT_PAUSE	/* the telephone, everywhere */
};

struct keybind {
	int		 key;		/* curses key code or character */
	enum action	 action;
	const char	*label;		/* shown in the F-key bar and help; N_() */
	const char	*keyname;	/* "F2", "Enter", "/" ... */
	int		 need;		/* KEY_NEEDS(op): offered only to the
					 * roles core lets run op; 0: all */
	const char	*cmd;		/* "order approve": the simdeskctl
					 * command it does, whose row gives
					 * the label and the operation */
};
#define KEY_NEEDS(op)	((op) + 1)
/*
 * A key that does what a simdeskctl command does: its label and the roles
 * it is offered to come from that command's row of ctl_cmds, as simdeskctl's
 * help and dispatch do.  keyname NULL: another key for the same, unlisted.
 */
#define KEY_CMD(k, act, keyname, cmd)	{ (k), (act), NULL, (keyname), 0, (cmd) }

/* May the signed-in role use this key (its command's or KEY_NEEDS op)? */
int	key_allowed(const struct keybind *k);
/* The key's label (N_(), translate it), its command's when it names one. */
const char *key_label(const struct keybind *k);

/* The action bound to key in a table ending with key 0, or ACT_NONE. */
enum action keys_lookup(const struct keybind *t, int key);

/* ---------------------------------------------------------------- app, screens */

struct screen;

struct screen_ops {
	void	(*open)(struct screen *s);
	void	(*draw)(struct screen *s);
	/* Handle an action (from the key table) or a typed character. */
	void	(*key)(struct screen *s, enum action a, wint_t ch);
	void	(*close)(struct screen *s);
};

struct screen {
	const struct screen_ops	*ops;
	const char		*title;		/* N_() */
	const struct keybind	*keys;
	const char		*help;		/* N_() paragraph for '?' */
	void			*data;
	int			 text_input;	/* typed characters go to key();
						 * 2: except '?', which is help
						 * (a phone, an ICCID: never '?') */
	int			 nav;		/* also the navigation keys */
};

#define SCREEN_STACK_MAX 16

struct app {
	struct sd_config	 cfg;		/* as simdeskd's, from -C/-D */
	struct sd_session	 sess;
	struct screen		*stack[SCREEN_STACK_MAX];
	int			 depth;
	int			 quit;
	char			 message[256];	/* one-line status message */
	int			 message_error;
};

extern struct app app;
extern volatile sig_atomic_t resized;

void	screen_push(struct screen *s);
void	screen_pop(void);
struct screen *screen_top(void);
/* A status-line message (error in red). */
void	app_message(int error, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* An error from core, in red, in the user's language (app_err_text). */
void	app_error(const struct sd_err *e);
/* e's text in the user's language, into out (size bytes, terminated). */
void	app_err_text(const struct sd_err *e, char *out, size_t size);

/* Draw the title bar, the F-key bar and the message line. */
void	chrome_draw(struct screen *s);
/* Draw s and the chrome now, and refresh. */
void	screen_redraw(struct screen *s);
/* Modal yes/no question on the message line; 1 for yes. */
int	ask_yes_no(const char *question);
/* Modal line of text on the message line: 1 with Enter, 0 with Esc. */
int	ask_text(const char *prompt, char *buf, size_t size);
/* Draw a paragraph wrapped to w columns from line y, up to line ymax
 * (excluded); the next free line. */
int	put_wrapped(int y, int x, int w, int ymax, const char *text, int attr);
/* The bytes of text's next line in w columns (at a space when one fits). */
size_t	wrap_len(const char *text, int w);
/* Append s in exactly cols columns: padded, or cut short ending in "…". */
void	cell_fit(struct sd_buf *b, const char *s, int cols);
/*
 * ask_text whose answer is checked as Enter leaves it: while check fails
 * (SD_EINVAL with a message naming the field and the rule), the message is
 * shown beside the prompt and the answer stays to be corrected.  0 on Esc.
 */
int	ask_checked(const char *prompt, char *buf, size_t size,
	    int (*check)(const char *, void *, struct sd_err *), void *arg);
/* The same, shown as stars (a password). */
int	ask_secret(const char *prompt, char *buf, size_t size);
/* One of keys pressed (returned), or 0 with Esc. */
int	ask_key(const char *prompt, const char *keys);
/* Modal help for a screen: its text and every key binding. */
void	help_show(struct screen *s);
/* Put s at y, x in at most cols columns (padded). */
void	put_text(int y, int x, int cols, const char *s, int attr);
/* What read_key() got. */
enum read_key_result {
	RK_KEY,		/* *ch; *is_key when it is a KEY_ code */
	RK_TIMEOUT,	/* nothing within the key timeout: poll, wait on */
	RK_QUIT		/* leave: SIGHUP, SIGTERM, SIGINT, the terminal gone */
};
/*
 * Read one key (wide aware), waiting up to the key timeout.  Every loop
 * that waits for a key reads it here and, on RK_QUIT, returns at once as if
 * cancelled (Esc, "no"); once RK_QUIT has been said it is said again at
 * once, so nested loops unwind and the main loop leaves.
 */
enum read_key_result read_key(wint_t *ch, int *is_key);

/* Append a typed character as UTF-8 if it fits; remove the last one. */
void	utf8_append(char *buf, size_t size, wint_t ch);
void	utf8_backspace(char *buf);

/* ---------------------------------------------------------------- list view */

#define LV_COLS_MAX	8
#define LV_CELL_MAX	128
#define LV_ROWS_MAX	200

struct lv_col {
	const char	*head;		/* N_() */
	int		 width;		/* columns; 0 takes what is left */
	int		 right;
};

struct lv_row {
	char	key[SD_PAGEKEY_MAX];	/* anchor for paging */
	char	cells[LV_COLS_MAX][LV_CELL_MAX];
	int	attr;			/* theme item for the row, or 0 */
	int	mark;			/* theme item for the first cell, or 0 */
};

/*
 * A page source: up to max rows strictly after (dir > 0) or before
 * (dir < 0) anchor ("" = from the start / from the end), matching filter,
 * in ascending order.  Returns SD_OK and *n, or an error in err.
 */
typedef int (*lv_fetch_fn)(void *ctx, const char *filter, const char *anchor,
    int dir, int max, struct lv_row *rows, int *n, struct sd_err *err);

struct listview {
	const struct lv_col	*cols;
	int			 ncols;
	lv_fetch_fn		 fetch;
	void			*ctx;
	char			 filter[64];
	int			 filtering;	/* typing goes to the filter */
	struct lv_row		 rows[LV_ROWS_MAX];
	int			 n;
	int			 sel;
	int			 height;
	int			 top, left, width;
	int			 extra_top;	/* lines the screen draws above */
	int			 extra_bottom;	/* and below the rows */
};

void	lv_init(struct listview *lv, const struct lv_col *cols, int ncols,
	    lv_fetch_fn fetch, void *ctx);
/* Lay out and fetch the first page. */
void	lv_reload(struct listview *lv);
/* Re-fetch from the selected row (after an edit). */
void	lv_refresh(struct listview *lv);
void	lv_draw(struct listview *lv);
/* 1 if the list used the action or character. */
int	lv_key(struct listview *lv, enum action a, wint_t ch);
/* The selected row, or NULL when empty. */
const struct lv_row *lv_selected(const struct listview *lv);
/* A screen's own list of n rows: the moves of the selection *sel (down,
 * up, first, last, and with page > 0 a page down or up).  1 when a was one
 * of them. */
int	sel_move(enum action a, int *sel, int n, int page);

/* ---------------------------------------------------------------- forms */

enum ff_type {
	FF_TEXT,
	FF_LOGIN,
	FF_INT,
	FF_PHONE,
	FF_WHEN,	/* a next contact: a time as people type it, or none;
			 * the time understood is shown beside it */
	FF_PASSWORD,
	FF_CHOICE
};

#define FF_VALUE_MAX 128
#define FORM_FIELDS_MAX 16

struct ff_field {
	const char		*label;		/* N_() */
	const char		*key;		/* core's name for it ("os-login") */
	enum ff_type		 type;
	int			 required;
	int			 readonly;
	int			 maxlen;	/* bytes */
	int			 lo, hi;	/* FF_INT */
	const char *const	*choices;	/* FF_CHOICE, NULL-terminated */
	char			 value[FF_VALUE_MAX];
	char			 error[128];
	char			 hint[64];	/* shown dim where errors go */
	const struct ff_field	*repeat_of;	/* FF_PASSWORD: must equal it */
	int			 new_password;	/* FF_PASSWORD: core's length */
	/* Core's rule for the field, by its key ("monthly-fee"), run on a
	 * value that is not empty after the type's own check. */
	int			(*check)(const char *field, const char *value,
				    struct sd_err *err);
};

struct form;
typedef int (*form_submit_fn)(struct form *f, struct sd_err *err);

struct form {
	const char		*title;		/* N_() */
	struct ff_field		*fields;
	int			 n;
	int			 cur;
	int			 dirty;
	/* The values as the first key found them: "Discard your changes?"
	 * is asked only when one differs from them. */
	int			 snapped;
	char			 orig[FORM_FIELDS_MAX][FF_VALUE_MAX];
	form_submit_fn		 submit;
	void			*ctx;
	int			 done;		/* submitted successfully */
};

/* The keys of every form screen. */
extern const struct keybind form_keys[];

void	form_init(struct form *f, const char *title, struct ff_field *fields,
	    int n, form_submit_fn submit, void *ctx);
void	form_draw(struct form *f);
/*
 * Handle a key.  Returns 1 when the form is finished (saved, or left with
 * the changes discarded after asking).
 */
int	form_key(struct form *f, enum action a, wint_t ch);
/* Check one field by its type; fills its error.  0 if valid. */
int	form_check_field(struct ff_field *fl);
/* Put an error from core under the field it names, or on the message line. */
void	form_show_error(struct form *f, const struct sd_err *err);

/* ---------------------------------------------------------------- menus */

struct menu_item {
	const char	*label;		/* N_() */
	int		 op;		/* core operation it needs (SD_OP_*) */
	struct screen	*(*open)(void);	/* NULL: leave */
	int		 or_op;		/* or this one, plus 1 (0: none) */
};

#define MENU_MAX 16

/* The entries of a menu the logged-in role may use. */
struct menu {
	const struct menu_item	*items;
	int			 visible[MENU_MAX];
	int			 n;
	int			 sel;
};

void	menu_init(struct menu *m, const struct menu_item *items, int nitems);
/* Draw from row y; returns the row after the last entry. */
int	menu_draw(const struct menu *m, int y, int x);
/*
 * Arrows move; Enter or the entry's number (1-9, then 0) picks.  The
 * picked entry, or NULL.
 */
const struct menu_item *menu_key(struct menu *m, enum action a, wint_t ch);
/* A screen that is a menu: a header line and the entries (title and header
 * N_()). */
struct screen *scr_menu_new(const char *title, const char *header,
	    const struct menu_item *items, int nitems);

/* ---------------------------------------------------------------- screens */

struct screen *scr_login_new(int *ok);
struct screen *scr_home_new(void);
struct screen *scr_users_new(void);
struct screen *scr_verify_new(void);
struct screen *scr_receipts_new(void);
struct screen *scr_money_new(void);
/* The commission schemes and their versions (scr_scheme.c). */
struct screen *scr_schemes_new(void);
/* Reports (scr_report.c): calls and sales, a chart, e exports. */
struct screen *scr_report_new(void);
/* An agent user's own figures (scr_money.c): this month's commissions,
 * its latest statement, its receivable by age; on its home screen. */
struct agent_figures {
	int64_t		 pending, payable;	/* this month's, its own */
	struct sd_stmt	 last;			/* id 0: none yet */
	struct sd_aging	 aging;
	int		 loaded;		/* 0: the server said no */
};
void	agent_figures_load(struct agent_figures *f);
/* Drawn from row y at column x, w wide, above row ymax: the next row. */
int	agent_figures_draw(const struct agent_figures *f, int y, int x, int w,
	    int ymax);
struct screen *scr_audit_new(void);
/* One audit row in full, by its page key (the list's). */
struct screen *scr_audit_row_new(const char *page_key);
struct screen *scr_user_form_new(const char *login);	/* NULL: add */
struct screen *scr_account_new(void);
struct screen *scr_customers_new(int mode);	/* CL_MINE, CL_POOL, CL_ALL */
struct screen *scr_customer_card_new(uint64_t id);
struct screen *scr_customer_form_new(uint64_t id);	/* 0: add */
struct screen *scr_note_form_new(uint64_t customer);
struct screen *scr_ticket_form_new(uint64_t customer);
struct screen *scr_reminders_new(void);
struct screen *scr_tickets_new(void);
struct screen *scr_import_new(void);
struct screen *scr_stock_menu_new(void);
struct screen *scr_stock_new(void);
struct screen *scr_agents_new(void);
/* The catalogue (scr_plans.c): plans, value-added services, a new agent. */
struct screen *scr_plans_new(void);
struct screen *scr_vas_new(void);
struct screen *scr_agent_form_new(void);
struct screen *scr_orders_new(void);
struct screen *scr_activate_new(void);
/* Fill the activation form's card (from the stock browser). */
void	scr_activate_preset(struct screen *s, const char *iccid);
struct screen *scr_stocktake_new(void);
struct screen *scr_desk_new(void);
struct screen *scr_billing_menu_new(void);
struct screen *scr_bills_new(void);
struct screen *scr_cdrs_new(void);
struct screen *scr_tariffs_new(void);
struct screen *scr_cdr_import_new(void);
/* A form field (form.c). */
void	ff_init(struct ff_field *fl, const char *label, const char *key,
	    enum ff_type t, int required, int maxlen);

enum { CL_MINE, CL_POOL, CL_ALL };

/* Reminders: poll for due ones and pop them up (app.c calls this). */
void	reminders_poll(int rang);	/* rang: the server pushed */
extern int reminders_due_count;
/* Counts the pushes that changed our reminders or tickets (app.c). */
extern unsigned inbox_work_gen;
extern int reminders_team_overdue;
extern int tickets_team_overdue;
/* Free MB on the data directory's filesystem when it is low, else -1. */
extern long long disk_low_mb;

/* ---------------------------------------------------------------- telephone */

/* The call this terminal is on or is offered, and the operator's presence. */
struct tel_state {
	uint64_t	call;		/* 0: none */
	struct sd_call	c;		/* as last read */
	int		incoming;	/* offered to us (a pop) */
	char		name[SD_NAME_MAX + 1];	/* the customer's, for the bar */
	uint64_t	name_of;
	time_t		polled;		/* the call last read */
	int		paused;
	char		reason[64];
	time_t		beat;		/* presence last written; 0: now */
};
extern struct tel_state tel;

/* The role may dial (the telephone keys work). */
int	tel_enabled(void);
/* Presence, events, and the current call: after every key and timeout. */
void	tel_poll(int rang);		/* rang: the server pushed */
/* Dial a number / one of a customer's (asks which when several). */
void	tel_dial(const char *number);
void	tel_dial_customer(const struct sd_customer *c);
/* F6 dial a number, F7 answer or hang up, F8 pause or resume. */
void	tel_action(enum action a);
/* The call bar's text into b; its theme item, or 0 without a call. */
int	tel_bar(struct sd_buf *b);
/* Leaving: no more calls offered to this operator. */
void	tel_signout(void);
/* "Available", "Paused: lunch", or "" for roles that take no calls. */
const char *tel_presence(void);
struct screen *scr_call_note_new(uint64_t customer, uint64_t call,
	    const char *outcome);
struct screen *scr_modems_new(void);
/* The new-customer form with the phone filled in (an unknown caller). */
struct screen *scr_customer_form_phone(const char *phone);

/* The screen stack's generic free for screens allocated with calloc. */
void	screen_free(struct screen *s);

#endif
