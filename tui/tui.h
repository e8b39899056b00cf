/*
 * tui.h -- the front ends' shared interface: the one table of operations
 * that drives simdeskctl's dispatch, its help and the man page synopses,
 * and gives a TUI key declared with KEY_CMD (tui/scr/scr.h) its label and
 * who is offered it (the other keys and the menus carry their own, by
 * SD_OP_*); plus output helpers (aligned tables by display width, JSON)
 * and terminal prompts.  No business rule lives here.
 */
#ifndef SD_TUI_H
#define SD_TUI_H

#include <stdio.h>

#include "core/core.h"

/* ---------------------------------------------------------------- commands */

#define CTL_OPTS_MAX	16
#define CTL_ARGS_MAX	16

struct ctl_opt {
	const char	*name;		/* long name without "--" */
	const char	*metavar;	/* NULL: a flag without value */
	const char	*help;
	int		 required;
};

struct ctl_ctx;

/* A command's .op when nobody signs in for it (init, offline helpers). */
#define CTL_OP_NONE	(-1)

/*
 * One row of the table, written with designated initializers.  .op is the
 * core operation (SD_OP_*) whose roles may run the command: simdeskctl's
 * help lists by it and its dispatch refuses other roles before the command
 * starts, and a TUI key that does the same thing is offered by it.  Core
 * checks it again, with its finer rules (own customer, own branch), as the
 * command runs.  .op = 0 is SD_OP_USER_ADD: an .op left out would read as
 * that, which test_cmds catches.
 */
struct ctl_cmd {
	const char	*noun;
	const char	*verb;		/* NULL for a noun used alone */
	const char	*args;		/* positional synopsis, e.g. "LOGIN" */
	int		 min_args, max_args;
	int		 op;		/* SD_OP_*, or CTL_OP_NONE */
	const char	*label;		/* the TUI key's label, N_(); or NULL */
	const char	*summary;
	int		 (*exec)(struct ctl_ctx *c);
	struct ctl_opt	 opts[CTL_OPTS_MAX];
};

/* Everything a command's exec gets. */
struct ctl_ctx {
	const struct ctl_cmd	*cmd;
	const struct sd_config	*cfg;		/* the server's, or the client's own */
	struct sd_core		*core;
	struct sd_session	 sess;
	int			 json;
	int			 nargs;
	const char		*args[CTL_ARGS_MAX];
	const char		*optval[CTL_OPTS_MAX];	/* flags: "" when set */
	struct sd_err		 err;
};

extern const struct ctl_cmd ctl_cmds[];
extern const int ctl_ncmds;

/* The value of option name, or NULL when not given. */
const char *ctl_opt(const struct ctl_ctx *c, const char *name);
/* Parse an integer option; SD_EINVAL naming the option. */
int	ctl_opt_int(struct ctl_ctx *c, const char *name, int lo, int hi, int *out);
/* Read a CSV or .xlsx file, honouring --encoding. */
int	ctl_read_table(struct ctl_ctx *c, const char *path, struct sd_table *t);
/* A progress line on stderr; arg is the label ("importing"). */
void	ctl_progress(long done, long total, void *arg);

/*
 * Find the command of argv (NOUN [VERB] ARGS...) and parse its options
 * into c.  0: ready; -1: help was printed (exit 0); else the exit status
 * after a usage error printed on ctl_errf().
 */
int	ctl_prepare(struct ctl_ctx *c, int argc, char **argv);
/*
 * core's message with the fields it starts with ("count: ...", "carrier
 * and tracking: ...") named as cmd's options ("--count: ...") when cmd
 * has them, and "(skip-bad)" as "(--skip-bad FILE)": into out.
 */
void	ctl_err_flags(const struct ctl_cmd *cmd, const char *msg,
	    struct sd_buf *out);
const struct ctl_cmd *ctl_find_cmd(const char *noun, const char *verb,
	    int *noun_known);
/* The row of "noun verb" ("order approve", "pay"), or NULL. */
const struct ctl_cmd *ctl_cmd_named(const char *name);
/*
 * Before c's command starts: the acting user's role may run its .op, else
 * core's refusal (sd_authorize: the message core gives, audited), so that
 * nothing is read or asked first.  SD_OK for a command without an .op.
 */
int	ctl_authorize(struct ctl_ctx *c);
/*
 * "simdeskctl help" alone: the commands role may run, or every command
 * when role is SD_ROLE_NONE (nobody signed in); who names the user.
 */
void	ctl_usage_role(FILE *f, int role, const char *who);
/* The roles that may run cmd, "admin, supervisor", into out. */
void	ctl_roles(const struct ctl_cmd *cmd, struct sd_buf *out);
/*
 * The files c's command names: paths, 'r'/'w', and the option naming each
 * (NULL: a positional argument); their number.
 */
int	ctl_files_of(const struct ctl_ctx *c, const char **paths, char *modes,
	    const char **opts, int max);
/*
 * simdeskd's side: carry out a client's requests on connection fd (peer
 * Unix user uid) until it closes.  *corep is the server's core, NULL
 * while the data directory has no database: then only init is served,
 * and the core init creates is stored in *corep for every later request.
 */
/* The server is stopping: connections end between requests. */
void	ctl_serve_stop(void);
/* simdeskd's connections by their user's role ([SD_ROLE_NONE]: not
 * signed in), *cli those of simdeskctl: added to what is there. */
void	ctl_serve_clients(int by_role[SD_ROLE__COUNT], int *cli);
int	ctl_serve(struct sd_core **corep, const struct sd_config *cfg, int fd,
	    uid_t uid);

/*
 * simdeskctl's side: have simdeskd carry out c's prepared command (argv
 * from NOUN on); the exit status.  conf: the -C file for a server started
 * for a data directory of this user's.
 */
/* A client's connection to simdeskd (tui/connect.c). */
struct ctl_conn {
	const struct sd_config	*cfg;
	const char		*conf;		/* -C, for a server we start */
	const char		*kind;		/* "ctl", "tui" */
	int			 send_env;	/* SIMDESK_USER and the like */
	int			 wait_seconds;	/* for a server; 0: 30 */
	char			 sock[SD_PATH_MAX];
	int			 fd;
	int			 made_dir;	/* init: we made the data dir */
	pid_t			 server;	/* the pid WELCOME gave */
	struct sd_buf		 frame;
};
/*
 * Connect to the data directory's simdeskd: a data directory of this
 * user's gets a server started when none answers (is_init: the directory
 * is made first); any other waits up to 30 s for its server.  0 or -1.
 */
int	ctl_connect(struct ctl_conn *k, int is_init, struct sd_err *err);
/* The hello; SD_EREFUSED when the server will not talk to this client. */
int	ctl_hello(struct ctl_conn *k, struct sd_err *err);
int	ctl_client_run(struct ctl_ctx *c, const char *conf, int argc,
	    char **argv);

/* Print usage of one command, or all commands of a noun, or all. */
void	ctl_usage(FILE *f, const char *noun, const char *verb);
/* The mdoc COMMANDS section generated from the table (for the man page). */
void	ctl_mdoc(FILE *f);

/*
 * "simdeskctl help" alone: not in the table (so not in --help and the man
 * page); run by simdeskd, which knows who is acting, or here when no
 * server answers.
 */
extern const struct ctl_cmd ctl_help_cmd;

/* Command handlers. */
int	cmd_help(struct ctl_ctx *c);
int	cmd_init(struct ctl_ctx *c);
int	cmd_user_add(struct ctl_ctx *c);
int	cmd_user_list(struct ctl_ctx *c);
int	cmd_user_show(struct ctl_ctx *c);
int	cmd_user_update(struct ctl_ctx *c);
int	cmd_user_passwd(struct ctl_ctx *c);
int	cmd_user_disable(struct ctl_ctx *c);
int	cmd_user_enable(struct ctl_ctx *c);
int	cmd_user_unlock(struct ctl_ctx *c);
int	cmd_user_bind(struct ctl_ctx *c);
int	cmd_audit_list(struct ctl_ctx *c);
int	cmd_verify(struct ctl_ctx *c);
int	cmd_customer_add(struct ctl_ctx *c);
int	cmd_customer_update(struct ctl_ctx *c);
int	cmd_customer_show(struct ctl_ctx *c);
int	cmd_customer_list(struct ctl_ctx *c);
int	cmd_customer_search(struct ctl_ctx *c);
int	cmd_customer_import(struct ctl_ctx *c);
int	cmd_customer_claim(struct ctl_ctx *c);
int	cmd_customer_transfer(struct ctl_ctx *c);
int	cmd_customer_sweep(struct ctl_ctx *c);
int	cmd_customer_passwd(struct ctl_ctx *c);
int	cmd_note_add(struct ctl_ctx *c);
int	cmd_note_list(struct ctl_ctx *c);
int	cmd_reminder_list(struct ctl_ctx *c);
int	cmd_ticket_add(struct ctl_ctx *c);
int	cmd_ticket_list(struct ctl_ctx *c);
int	cmd_ticket_show(struct ctl_ctx *c);
int	cmd_ticket_assign(struct ctl_ctx *c);
int	cmd_ticket_update(struct ctl_ctx *c);
int	cmd_ticket_close(struct ctl_ctx *c);
int	cmd_ticket_reopen(struct ctl_ctx *c);
int	cmd_plan_add(struct ctl_ctx *c);
int	cmd_plan_update(struct ctl_ctx *c);
int	cmd_plan_list(struct ctl_ctx *c);
int	cmd_plan_show(struct ctl_ctx *c);
int	cmd_plan_retire(struct ctl_ctx *c);
int	cmd_vas_add(struct ctl_ctx *c);
int	cmd_vas_list(struct ctl_ctx *c);
int	cmd_agent_add(struct ctl_ctx *c);
int	cmd_agent_update(struct ctl_ctx *c);
int	cmd_agent_approve(struct ctl_ctx *c);
int	cmd_agent_suspend(struct ctl_ctx *c);
int	cmd_agent_show(struct ctl_ctx *c);
int	cmd_agent_list(struct ctl_ctx *c);
int	cmd_agent_tree(struct ctl_ctx *c);
int	cmd_scheme_add(struct ctl_ctx *c);
int	cmd_scheme_bounty(struct ctl_ctx *c);
int	cmd_scheme_tier(struct ctl_ctx *c);
int	cmd_scheme_show(struct ctl_ctx *c);
int	cmd_scheme_list(struct ctl_ctx *c);
int	cmd_agent_scheme(struct ctl_ctx *c);
int	cmd_comm_list(struct ctl_ctx *c);
int	cmd_comm_run(struct ctl_ctx *c);
int	cmd_stmt_list(struct ctl_ctx *c);
int	cmd_stmt_show(struct ctl_ctx *c);
int	cmd_stmt_approve(struct ctl_ctx *c);
int	cmd_stmt_pay(struct ctl_ctx *c);
int	cmd_stmt_export(struct ctl_ctx *c);
int	cmd_agent_pay(struct ctl_ctx *c);
int	cmd_agent_receipt(struct ctl_ctx *c);
int	cmd_agent_aging(struct ctl_ctx *c);
int	cmd_invoice_list(struct ctl_ctx *c);
int	cmd_invoice_show(struct ctl_ctx *c);
int	cmd_invoice_print(struct ctl_ctx *c);
int	cmd_invoice_bill(struct ctl_ctx *c);
int	cmd_invoice_void(struct ctl_ctx *c);
int	cmd_invoice_fapiao(struct ctl_ctx *c);
int	cmd_sim_add(struct ctl_ctx *c);
int	cmd_sim_import(struct ctl_ctx *c);
int	cmd_sim_list(struct ctl_ctx *c);
int	cmd_sim_show(struct ctl_ctx *c);
int	cmd_sim_grade(struct ctl_ctx *c);
int	cmd_sim_suspend(struct ctl_ctx *c);
int	cmd_sim_resume(struct ctl_ctx *c);
int	cmd_sim_terminate(struct ctl_ctx *c);
int	cmd_sim_return(struct ctl_ctx *c);
int	cmd_sim_restock(struct ctl_ctx *c);
int	cmd_sim_allocate(struct ctl_ctx *c);
int	cmd_sim_transfer(struct ctl_ctx *c);
int	cmd_sim_activate(struct ctl_ctx *c);
int	cmd_order_add(struct ctl_ctx *c);
int	cmd_tariff_add(struct ctl_ctx *c);
int	cmd_tariff_rate(struct ctl_ctx *c);
int	cmd_tariff_list(struct ctl_ctx *c);
int	cmd_tariff_show(struct ctl_ctx *c);
int	cmd_tariff_import(struct ctl_ctx *c);
int	cmd_tariff_quote(struct ctl_ctx *c);
int	cmd_cdr_import(struct ctl_ctx *c);
int	cmd_cdr_list(struct ctl_ctx *c);
int	cmd_cdr_show(struct ctl_ctx *c);
int	cmd_cdr_usage(struct ctl_ctx *c);
int	cmd_bill_run(struct ctl_ctx *c);
int	cmd_bill_show(struct ctl_ctx *c);
int	cmd_bill_list(struct ctl_ctx *c);
int	cmd_bill_adjust(struct ctl_ctx *c);
int	cmd_balance(struct ctl_ctx *c);
int	cmd_pay(struct ctl_ctx *c);
int	cmd_receipt_show(struct ctl_ctx *c);
int	cmd_receipt_print(struct ctl_ctx *c);
int	cmd_receipt_void(struct ctl_ctx *c);
int	cmd_receipt_list(struct ctl_ctx *c);
int	cmd_shift_close(struct ctl_ctx *c);
int	cmd_sim_stocktake(struct ctl_ctx *c);
int	cmd_order_return(struct ctl_ctx *c);
int	cmd_order_approve(struct ctl_ctx *c);
int	cmd_order_ship(struct ctl_ctx *c);
int	cmd_order_deliver(struct ctl_ctx *c);
int	cmd_order_reject(struct ctl_ctx *c);
int	cmd_order_cancel(struct ctl_ctx *c);
int	cmd_order_list(struct ctl_ctx *c);
int	cmd_order_show(struct ctl_ctx *c);
int	cmd_modem_list(struct ctl_ctx *c);
int	cmd_modem_ports(struct ctl_ctx *c);
int	cmd_modem_switch(struct ctl_ctx *c);
int	cmd_modem_fault(struct ctl_ctx *c);
int	cmd_modem_ring(struct ctl_ctx *c);
int	cmd_modem_text(struct ctl_ctx *c);
int	cmd_ussd(struct ctl_ctx *c);
int	cmd_call_dial(struct ctl_ctx *c);
int	cmd_call_hangup(struct ctl_ctx *c);
int	cmd_call_answer(struct ctl_ctx *c);
int	cmd_call_list(struct ctl_ctx *c);
int	cmd_call_show(struct ctl_ctx *c);
int	cmd_call_recording(struct ctl_ctx *c);
int	cmd_call_dtmf(struct ctl_ctx *c);
int	cmd_presence_list(struct ctl_ctx *c);
int	cmd_call_stats(struct ctl_ctx *c);
int	cmd_call_import(struct ctl_ctx *c);
int	cmd_report_calls(struct ctl_ctx *c);
int	cmd_report_sales(struct ctl_ctx *c);
int	cmd_report_rebuild(struct ctl_ctx *c);
int	cmd_sms_send(struct ctl_ctx *c);
int	cmd_sms_list(struct ctl_ctx *c);
int	cmd_sms_decode(struct ctl_ctx *c);
int	cmd_backup_create(struct ctl_ctx *c);
/* backup verify's argument names an archive (a / or a dot in it). */
int	ctl_backup_is_archive(const char *arg);
/* backup create --to DIR: the file it names in DIR, set in argv too (the
 * server opens nothing: it must be the path simdeskctl opened). */
int	ctl_backup_to(struct ctl_ctx *c, int argc, char **argv);
int	cmd_backup_list(struct ctl_ctx *c);
int	cmd_backup_verify(struct ctl_ctx *c);
int	cmd_status(struct ctl_ctx *c);
/* Runs in simdeskctl itself (ctl_run_local), not in simdeskd. */
int	cmd_restore(struct ctl_ctx *c);
/* Carry out c's command in this process, the error on stderr in one
 * line; the exit status. */
int	ctl_run_local(struct ctl_ctx *c);

/* ---------------------------------------------------------------- output */

/* A table for people: columns aligned by display width. */
#define OUT_COLS_MAX	24
struct out_table {
	int		 ncols;
	const char	*heads[OUT_COLS_MAX];
	int		 right[OUT_COLS_MAX];	/* right-align (numbers, money) */
	int		 nrows;
	int		 cap;
	char		**cells;	/* nrows * ncols owned strings */
};

void	out_table_init(struct out_table *t, int ncols, const char *const *heads);
void	out_table_row(struct out_table *t, const char *const *cells);
void	out_table_print(struct out_table *t, FILE *f);
void	out_table_free(struct out_table *t);

/* JSON output with correct escaping. */
struct out_json {
	FILE	*f;
	int	 depth;
	int	 first[16];
	int	 pretty;
};

void	json_begin(struct out_json *j, FILE *f);
void	json_obj_open(struct out_json *j, const char *key);
void	json_obj_close(struct out_json *j);
void	json_arr_open(struct out_json *j, const char *key);
void	json_arr_close(struct out_json *j);
void	json_str(struct out_json *j, const char *key, const char *v);
void	json_int(struct out_json *j, const char *key, long long v);
void	json_null(struct out_json *j, const char *key);
void	json_bool(struct out_json *j, const char *key, int v);

/* A list command's output: a table, or with --json an array of objects. */
struct out_list {
	struct out_table	t;
	struct out_json		j;
	int			json;
};

void	out_list_begin(struct out_list *o, int json, int ncols,
	    const char *const *heads);
/* Print (when st is SD_OK) and free; returns st. */
int	out_list_end(struct out_list *o, int st);
void	json_end(struct out_json *j);

/* Shared JSON/table pictures of core objects. */
void	out_user_json(struct out_json *j, const struct sd_user *u);
void	out_customer_json(struct out_json *j, const struct sd_customer *c);
void	out_ticket_json(struct out_json *j, const struct sd_ticket *t);

/*
 * A report as a table of typed columns (cmd_report.c): what the CLI
 * prints aligned or as JSON, and what an export writes with real number
 * cells.  Cells are row-major, ncols a row.
 */
enum rep_type { REP_TEXT, REP_COUNT, REP_FEN, REP_SECONDS, REP_PERMILLE };
#define REP_COLS_MAX	OUT_COLS_MAX
struct rep_col {
	const char	*key;		/* JSON's name: "talk_s", "revenue_fen" */
	const char	*head;		/* the table's head: "TALK" */
	int		 type;
};
struct rep_cell {
	char		 text[72];	/* REP_TEXT */
	int64_t		 v;		/* the others: count, fen, seconds,
					 * per mille */
	int		 null;		/* no value (a change from nothing) */
};
struct rep_table {
	int		 ncols, nrows;
	struct rep_col	 cols[REP_COLS_MAX];
	struct rep_cell	*cells;
};
void	rep_table_init(struct rep_table *t);
void	rep_col(struct rep_table *t, const char *key, const char *head,
	    int type);
/* A new row of ncols zeroed cells (the columns come first). */
struct rep_cell *rep_row(struct rep_table *t);
void	rep_table_free(struct rep_table *t);
/* A cell as people read it: fen as yuan, seconds h:mm:ss, per mille as
 * a percent with one decimal, "-" when null. */
void	rep_cell_text(const struct rep_cell *c, int type, char *out,
	    size_t size);
/* The same table for tui/export.h (per mille as basis points, a null
 * cell empty); sheet names the .xlsx sheet.  The caller frees it. */
struct exp_table;
struct exp_table *rep_export(const struct rep_table *t, const char *sheet);
/*
 * A report's table as simdeskctl and the Reports screen show it: the
 * columns of the calls (calls 1) or sales report grouped by (SD_BY_*),
 * with compare the main figures' previous value, difference and change;
 * then one row for each of the report's rows.
 */
struct sd_report_row;
void	rep_report_columns(struct rep_table *t, int calls, int by,
	    int compare);
void	rep_report_row(struct rep_table *t, int calls, int compare,
	    const struct sd_report_row *r);

/* ---------------------------------------------------------------- prompts */

/* 1 if a terminal is there to ask. */
int	prompt_available(void);
/* Read a line from the terminal, echo off when secret. */
int	prompt_line(const char *question, int secret, char *out, size_t size);
/* A new password from SIMDESK_NEW_PASSWORD or asked twice. */
int	prompt_new_password(char *out, size_t size, struct sd_err *err);

/* ---------------------------------------------------------------- remote */

#include <sys/types.h>

/*
 * While simdeskd runs a command for a client, the thread's remote says
 * where its output goes, what the client's environment and terminals are,
 * and how to ask the person at the client's terminal.  NULL: this process.
 */
struct ctl_remote {
	FILE		*out;
	FILE		*err;
	uid_t		 uid;		/* the peer's, from SO_PEERCRED */
	int		 ttys;		/* bit fd set: fd 0/1/2 is a terminal */
	int		 can_prompt;	/* the client has a /dev/tty */
	struct {
		const char *name;
		const char *value;
	}		 env[8];
	int		 nenv;
	/* Ask the client's terminal; 0 and out filled, or -1. */
	int		(*prompt)(void *arg, const char *question, int secret,
			    char *out, size_t size);
	void		*arg;
};

void	ctl_remote_set(const struct ctl_remote *r);
const struct ctl_remote *ctl_remote_get(void);
/* A command's standard output and error (the client's, in simdeskd). */
FILE	*ctl_out(void);
FILE	*ctl_errf(void);
/* getenv() of the client's environment (SIMDESK_* it sent). */
const char *ctl_getenv(const char *name);
/* isatty() of the client's fd 0-2. */
int	ctl_isatty(int fd);
/* The Unix user acting: the peer's in simdeskd. */
uid_t	ctl_peer_uid(void);

/* ---------------------------------------------------------------- i18n */

/* gettext set-up; LANG decides the language. */
void	i18n_init(void);
#define _(s)	i18n_gettext(s)
#define N_(s)	(s)
const char *i18n_gettext(const char *s);

#endif
