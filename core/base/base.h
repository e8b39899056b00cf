/*
 * core/base/base.h -- the base every domain builds on: configuration, roles and the
 * one permission check (sd_authorize), the core handle, users, sessions,
 * audit, the ledger, verify, text/money/time helpers and the files users
 * name.
 *
 * Lists: a function that hands rows to a callback (sd_audit_list,
 * sd_verify, every sd_*_list, sd_agent_tree...) collects them in its
 * transaction and calls the callback after the commit, once per row in
 * order, until it returns nonzero.  A transaction rerun after a deadlock
 * so never hands a row out twice, and a callback may call core itself.
 * Only progress callbacks run inside a transaction, and may start over.
 */
#ifndef SD_BASE_H
#define SD_BASE_H

#include <sys/types.h>

#include <stdint.h>
#include <time.h>

#include "db/db.h"

/* ---------------------------------------------------------------- sizes */

/*
 * The longest of each kind of identifier, in bytes; a buffer for one has
 * a byte more (char iccid[SD_ICCID_MAX + 1]).  Records store strings by
 * their length, so these size the structs in memory, not what is stored.
 */
#define SD_ICCID_MAX	20	/* a SIM card: 19 or 20 digits (Luhn) */
#define SD_MSISDN_MAX	11	/* a mainland mobile number */
#define SD_LOGIN_MAX	32	/* a staff user's login, a Unix login */
#define SD_CODE_MAX	16	/* plans, VAS, agents, tariffs: A-Z a-z 0-9 _ - */

/* ---------------------------------------------------------------- config */

#define SD_PATH_MAX 1024
/* The most bytes of a list page's anchor (every *_page function). */
#define SD_PAGEKEY_MAX 256

struct sd_config {
	char	path[SD_PATH_MAX];	/* file read, or "" for defaults */
	char	data_dir[SD_PATH_MAX];
	char	timezone[64];
	char	key_file[SD_PATH_MAX];	/* AES key for the environment, or "" */
	/* simdeskd's socket; "": simdesk.sock in the data directory */
	char	socket[SD_PATH_MAX];
	char	log_level[16];		/* error, warning, info, debug */
	/* simdeskd's log: a file it reopens on SIGHUP (logrotate), or ""
	 * for syslog (journald) */
	char	log_file[SD_PATH_MAX];
	/* Shown on the TUI's login screen and in its help ("" for none):
	 * who to ask for an account, or the demo's logins. */
	char	login_note[400];
	int	cache_mb;
	int	durable;		/* fsync on every commit */
	int	keep_logs;		/* archive logs instead of removing */
	int	lock_failures;		/* wrong passwords before lockout */
	int	lock_minutes;
	int	min_password;		/* shortest password accepted */
	int	failchk_seconds;	/* simdeskd's housekeeping period */
	int	free_space_warn_mb;	/* warn below this much free, 0: off */
	int	checkpoint_seconds;
	/* backup { dir, keep }: where backups go ("": the data directory's
	 * path + "-backups", sd_config_backup_dir) and how many full ones
	 * are kept */
	char	backup_dir[SD_PATH_MAX];
	int	backup_keep;
	int	backup_set;		/* the file has a backup group */
	int	backup_line;		/* its dir's line, for messages */
	/* backup { full, incremental, every_seconds, verify }: simdeskd's
	 * schedule: the minutes of the local day of its full backups and of
	 * its incremental ones (added to the newest full), a backup every
	 * this many seconds besides (0: none), each verified after it */
	int	backup_full[8];
	int	nbackup_full;
	int	backup_incr[24];
	int	nbackup_incr;
	int	backup_every;
	int	backup_verify;
	/* customers { } */
	char	classes[8][9];		/* customer classes, "" ends */
	int	pool_days;		/* no follow-up for this long: to the pool */
	int	escalate_minutes;	/* overdue reminders shown to supervisors */
	/* tickets { sla_hours { inquiry, complaint, after_sales, change } } */
	int	sla_hours[4];
	/* grading ( { grade, rule, premium }, ... ): number grades, best first */
	struct sd_grade_rule {
		char	grade[17];
		char	rule[32];	/* "tail AABB", "run 4", "count 8 4" */
		int64_t	premium_fen;	/* negative: graded down */
	}	grades[32];
	int	ngrades;
	/* billing { credit_limit } */
	int64_t	credit_limit_fen;	/* below -this a customer is suspended */
	/* receipts { series, paper, header, printer } */
	char	receipt_series[9];	/* this counter's gapless series */
	int	receipt_paper;		/* 32 or 48 columns */
	char	receipt_header[97];	/* the shop's name on each receipt */
	char	receipt_printer[33];	/* this counter's printer's name */
	/* printers { NAME = "DEVICE"; ... }: ESC/POS printers simdeskd drives */
	struct sd_printer {
		char	name[33];
		char	device[SD_PATH_MAX];
	}	printers[8];
	int	nprinters;
	/* telephony { ... modems ( { name, device, ... } ) } */
	int	quota_minutes;		/* a SIM's month when not in the books */
	int	quota_sms;
	int	warn_pct[2];		/* warnings at these shares of quota */
	int	rest_pct;		/* not chosen for calls from here on */
	char	acd_strategy[16];	/* ringall, leastrecent, rrmemory */
	int	ring_seconds;		/* an unanswered incoming call: missed */
	char	call_tariff[SD_CODE_MAX + 1];	/* rates modem calls when no plan does */
	int	at_timeout_ms;
	struct sd_modem_conf {
		char	name[33];
		char	device[SD_PATH_MAX];	/* path, tcp:H:P or sim:N */
		int	baud;
		int	rtscts;
		char	slot_command[64];	/* "AT^SIMSLOT=%d" */
		int	slots;
		char	expect[4][SD_ICCID_MAX + 1];	/* ICCIDs the books put
							 * in slots */
		char	audio[SD_PATH_MAX];	/* the voice port (PCM), "" none */
		char	imei[16];		/* the modem's, to find it again */
	}	modems[32];
	int	nmodems;
	/* Where a modem whose device went away may have come back (globs or
	 * tcp:H:P); none: every serial port libserialport lists. */
	char	search[16][SD_PATH_MAX];
	int	nsearch;
};

#define SD_CONFIG_DEFAULT_PATH "/etc/simdesk/simdesk.conf"

void	sd_config_defaults(struct sd_config *c);
/*
 * Read a libconfig file over the defaults.  With must_exist 0 a missing file
 * is not an error.  Errors name file:line.
 */
int	sd_config_load(struct sd_config *c, const char *path, int must_exist,
	    struct sd_err *err);
/*
 * The configuration every program uses: the file from conf_flag (-C), else
 * $SIMDESK_CONF, else the system file (missing = defaults); the data
 * directory from datadir_flag (-D), else $SIMDESK_DATA, else the file's.
 */
int	sd_config_resolve(struct sd_config *c, const char *conf_flag,
	    const char *datadir_flag, struct sd_err *err);
/* The socket simdeskd listens on and clients connect to, into out. */
int	sd_config_socket(const struct sd_config *c, char *out, size_t size,
	    struct sd_err *err);
/* The same from a string (name is used in messages); for tests and fuzzing. */
int	sd_config_parse(struct sd_config *c, const char *text, const char *name,
	    struct sd_err *err);
/*
 * Where backups go, into out: backup.dir, else the data directory's path
 * + "-backups".  Never inside the data directory (SD_EINVAL naming
 * backup.dir).
 */
int	sd_config_backup_dir(const struct sd_config *c, char *out, size_t size,
	    struct sd_err *err);
/* The environment's AES key (key_file's first line) into out, or "" when
 * there is none. */
int	sd_config_key(const struct sd_config *c, char *out, size_t size,
	    struct sd_err *err);

/* ---------------------------------------------------------------- roles */

enum sd_role {
	SD_ROLE_NONE = 0,
	SD_ROLE_ADMIN,
	SD_ROLE_SUPERVISOR,
	SD_ROLE_OPERATOR,
	SD_ROLE_CASHIER,
	SD_ROLE_AGENT,
	SD_ROLE__COUNT
};

#define SD_ROLEBIT(r)	(1u << (r))
#define SD_ROLES_ALL	(SD_ROLEBIT(SD_ROLE_ADMIN) | SD_ROLEBIT(SD_ROLE_SUPERVISOR) | \
			 SD_ROLEBIT(SD_ROLE_OPERATOR) | SD_ROLEBIT(SD_ROLE_CASHIER) | \
			 SD_ROLEBIT(SD_ROLE_AGENT))

const char *sd_role_name(int role);
int	sd_role_parse(const char *name);	/* SD_ROLE_NONE if unknown */

/*
 * Operations: every business operation has one, with the roles that may
 * run it.  The CLI and TUI tables name these; the check is in core.
 */
enum sd_op {
	SD_OP_USER_ADD,
	SD_OP_USER_LIST,
	SD_OP_USER_SHOW,
	SD_OP_USER_UPDATE,
	SD_OP_USER_PASSWD,
	SD_OP_USER_DISABLE,
	SD_OP_USER_ENABLE,
	SD_OP_USER_BIND,
	SD_OP_USER_UNLOCK,
	SD_OP_AUDIT_LIST,
	SD_OP_VERIFY,
	SD_OP_LEDGER_POST,
	SD_OP_LEDGER_SHOW,
	SD_OP_CUST_ADD,
	SD_OP_CUST_SHOW,
	SD_OP_CUST_UPDATE,
	SD_OP_CUST_CLAIM,
	SD_OP_CUST_TRANSFER,
	SD_OP_CUST_SWEEP,
	SD_OP_CUST_IMPORT,
	SD_OP_NOTE_ADD,
	SD_OP_NOTE_LIST,
	SD_OP_TICKET_ADD,
	SD_OP_TICKET_SHOW,
	SD_OP_TICKET_ASSIGN,
	SD_OP_TICKET_UPDATE,
	SD_OP_TICKET_CLOSE,
	SD_OP_TICKET_REOPEN,
	SD_OP_PLAN_EDIT,
	SD_OP_PLAN_SHOW,
	SD_OP_AGENT_EDIT,
	SD_OP_AGENT_APPROVE,
	SD_OP_AGENT_SHOW,
	SD_OP_SIM_ADD,
	SD_OP_SIM_SHOW,
	SD_OP_SIM_MOVE,
	SD_OP_SIM_ALLOCATE,
	SD_OP_SIM_TRANSFER,
	SD_OP_SIM_ACTIVATE,
	SD_OP_ORDER_ADD,
	SD_OP_ORDER_APPROVE,
	SD_OP_ORDER_SHIP,
	SD_OP_ORDER_DELIVER,
	SD_OP_ORDER_SHOW,
	SD_OP_SIM_STOCKTAKE,
	SD_OP_SIM_ADJUST,
	SD_OP_TARIFF_EDIT,
	SD_OP_TARIFF_SHOW,
	SD_OP_CDR_IMPORT,
	SD_OP_CDR_SHOW,
	SD_OP_BILL_RUN,
	SD_OP_BILL_SHOW,
	SD_OP_BILL_ADJUST,
	SD_OP_PAY,
	SD_OP_RECEIPT_VOID,
	SD_OP_MODEM_SHOW,
	SD_OP_MODEM_SWITCH,
	SD_OP_MODEM_SIMULATE,
	SD_OP_CALL_DIAL,
	SD_OP_CALL_SHOW,
	SD_OP_SMS_SEND,
	SD_OP_SMS_SHOW,
	SD_OP_USSD,
	SD_OP_CALL_TAKE,
	SD_OP_PRESENCE_SHOW,
	SD_OP_BACKUP,
	SD_OP_STATUS,
	SD_OP_COMM_SCHEME,
	SD_OP_COMM_SHOW,
	SD_OP_COMM_RUN,
	SD_OP_STMT_APPROVE,
	SD_OP_STMT_PAY,
	SD_OP_AGENT_PAY,
	SD_OP_INVOICE_SHOW,
	SD_OP_INVOICE_VOID,
	SD_OP_CALL_IMPORT,
	SD_OP_INVOICE_ISSUE,
	SD_OP_REPORT_CALLS,
	SD_OP_REPORT_SALES,
	SD_OP_REPORT_REBUILD,
	SD_OP__COUNT
};

struct sd_op_def {
	int		 op;
	const char	*name;		/* "user.add": the audit's operation */
	unsigned	 roles;		/* SD_ROLEBIT set */
};

const struct sd_op_def *sd_op_get(int op);
int	sd_role_may(int role, int op);

/* ---------------------------------------------------------------- the core */

struct sd_core {
	struct sd_db		*db;
	struct sd_config	 cfg;
};

/*
 * Open the environment named by cfg->data_dir.  create makes a new one
 * (and refuses an existing one).
 */
int	sd_core_open(struct sd_core **out, const struct sd_config *cfg,
	    int create, struct sd_err *err);
void	sd_core_close(struct sd_core *core);

/*
 * First thing in every program's main: umask 007 and fds 0-2 open; a
 * process running set-id (none is installed so) also keeps only the
 * environment simdesk reads, and a fixed PATH.  The zone from the config
 * is sd_process_set_timezone's.
 */
void	sd_process_sanitize(void);
void	sd_process_set_timezone(const char *tz);

/* ---------------------------------------------------------------- users */

#define SD_NAME_MAX	96

enum sd_user_status {
	SD_USER_ACTIVE = 0,
	SD_USER_DISABLED = 1
};

struct sd_user {
	uint64_t id;
	char	 login[SD_LOGIN_MAX + 1];
	char	 name[SD_NAME_MAX + 1];
	int	 role;
	char	 team[65];
	char	 phone[33];
	int	 age;
	char	 os_login[SD_LOGIN_MAX + 1];
	char	 agent[33];		/* agent code, for role agent (a
					 * longer one is kept for others) */
	int	 status;
	int	 failed;		/* consecutive wrong passwords */
	int64_t	 locked_until;
	int64_t	 created;
	int64_t	 last_login;
};

/* "active", "disabled" or "locked" (at time now). */
const char *sd_user_state(const struct sd_user *u, int64_t now);

/* ---------------------------------------------------------------- sessions */

struct sd_session {
	struct sd_core	*core;
	struct sd_user	 user;
	char		 via[16];	/* "peer", "password", "init" */
};

/* Log in as the app user bound to the invoking Unix user. */
int	sd_session_peer(struct sd_core *core, struct sd_session *s,
	    struct sd_err *err);
/* The same for Unix user uid (simdeskd: the socket peer's, SO_PEERCRED). */
int	sd_session_peer_uid(struct sd_core *core, uid_t uid,
	    struct sd_session *s, struct sd_err *err);
/* The same with uid's Unix name already looked up (NULL: it has none). */
int	sd_session_peer_name(struct sd_core *core, uid_t uid,
	    const char *os_login, struct sd_session *s, struct sd_err *err);
/* uid's Unix user name in buf, or NULL when it has none. */
const char *sd_unix_name(uid_t uid, char *buf, size_t size);
/*
 * Log in with a password.  Wrong passwords count towards the lockout;
 * every success, failure and lock is audited.
 */
int	sd_session_login(struct sd_core *core, const char *login,
	    const char *password, struct sd_session *s, struct sd_err *err);
/* The daemon's own identity for timed jobs (admin role, audited by name). */
void	sd_session_system(struct sd_core *core, struct sd_session *s,
	    const char *name);
/* The role check every operation passes; a refusal is audited. */
int	sd_authorize(struct sd_session *s, int op, const char *object,
	    struct sd_err *err);
/*
 * A refusal's error is SD_DENY_FMT (the operation's name, then its
 * reason nested: sd_err_nest) and a role's reason SD_DENY_ROLE_FMT (the
 * role's name): a front end says them its own way.
 */
#define SD_DENY_FMT		"%s: permission denied: %s"
#define SD_DENY_ROLE_FMT	"role %s may not do this"

/* Create the first admin of an empty environment, bound to os_login. */
int	sd_init_admin(struct sd_core *core, const char *login, const char *name,
	    const char *password, const char *os_login, struct sd_err *err);

/* Fields of a new user or of an update; NULL/-1 = not given. */
struct sd_user_fields {
	const char	*name;
	int		 role;		/* SD_ROLE_NONE = not given */
	const char	*team;
	const char	*phone;
	int		 age;		/* -1 = not given */
	const char	*os_login;
	const char	*agent;
};

void	sd_user_fields_init(struct sd_user_fields *f);
int	sd_user_add(struct sd_session *s, const char *login,
	    const struct sd_user_fields *f, const char *password, uint64_t *id,
	    struct sd_err *err);
int	sd_user_update(struct sd_session *s, const char *login,
	    const struct sd_user_fields *f, struct sd_err *err);
/* Read one user.  (No struct here holds a password hash: it stays in the
 * stored record, read only inside core/base.) */
int	sd_user_get(struct sd_session *s, const char *login, struct sd_user *out,
	    struct sd_err *err);
/*
 * Change a password.  Anyone changing their own gives old_password; an
 * admin changing someone else's passes NULL.
 */
int	sd_user_passwd(struct sd_session *s, const char *login,
	    const char *old_password, const char *new_password,
	    struct sd_err *err);
/* A new password long enough (min characters); SD_EINVAL naming field. */
int	sd_check_password(const char *field, const char *pw, int min,
	    struct sd_err *err);
/* May s change login's password?  need_old: the old one must be given. */
int	sd_user_may_passwd(struct sd_session *s, const char *login,
	    int *need_old, struct sd_err *err);
/* Bind (or with "" unbind) a Unix login for peer authentication. */
int	sd_user_bind(struct sd_session *s, const char *login,
	    const char *os_login, struct sd_err *err);
int	sd_user_set_status(struct sd_session *s, const char *login, int status,
	    struct sd_err *err);
int	sd_user_unlock(struct sd_session *s, const char *login,
	    struct sd_err *err);

struct sd_user_filter {
	const char	*prefix;	/* login prefix, or NULL */
	int		 role;		/* SD_ROLE_NONE = any */
	const char	*team;		/* or NULL */
	const char	*match;		/* anywhere in the login or name
					 * (ASCII case ignored), or NULL */
};

/*
 * One page of users in login order: up to max users strictly after
 * (dir > 0) or before (dir < 0) anchor ("" = from the start or end),
 * filtered, visible to the session.  *n is set; rows before-anchor come
 * back in ascending order too.  Reads only about max records.
 */
int	sd_user_page(struct sd_session *s, const struct sd_user_filter *f,
	    const char *anchor, int dir, struct sd_user *rows, int max, int *n,
	    struct sd_err *err);

/* ---------------------------------------------------------------- audit */

enum sd_outcome {
	SD_OUTCOME_OK = 0,
	SD_OUTCOME_DENIED = 1,
	SD_OUTCOME_FAILED = 2
};

struct sd_audit {
	uint64_t id;
	int64_t	 at;
	char	 user[SD_LOGIN_MAX + 1];
	char	 op[48];
	char	 object[128];
	int	 outcome;
	char	 before[512];
	char	 after[512];
};

const char *sd_outcome_name(int outcome);
/* Write an audit row in the caller's transaction. */
int	sd_audit_write(struct sd_txn *t, const char *user, const char *op,
	    const char *object, int outcome, const char *before,
	    const char *after, struct sd_err *err);
/* Write an audit row in a transaction of its own (refusals, logins); the
 * status says whether it was written, for the caller to report. */
int	sd_audit_log(struct sd_core *core, const char *user, const char *op,
	    const char *object, int outcome, const char *detail);

struct sd_audit_filter {
	int64_t		 since;		/* 0 = from the beginning */
	int64_t		 until;		/* 0 = to the end; else the last
					 * second included */
	const char	*user;
	const char	*object;	/* prefix of the object */
	const char	*op;		/* prefix of the operation */
	int		 limit;		/* 0 = all; else the newest limit rows */
};

typedef int (*sd_audit_cb)(const struct sd_audit *a, void *arg);
int	sd_audit_list(struct sd_session *s, const struct sd_audit_filter *f,
	    sd_audit_cb cb, void *arg, struct sd_err *err);
/*
 * A bound of an audit filter's time as people type it (what
 * sd_time_parse_human takes): a day without a clock is the whole day, so
 * "from" (end 0) is its 00:00:00 and "to" (end 1) its 23:59:59; a "to"
 * of HH:MM includes that minute.  SD_EINVAL naming field.
 */
int	sd_audit_bound_parse(const char *field, const char *s, int64_t now,
	    int end, int64_t *out, struct sd_err *err);
/*
 * A page of the audit trail as the list screens scroll (see
 * sd_customer_page): up to max rows of f (its limit ignored) strictly
 * after (dir > 0) or before (dir < 0) anchor, oldest first, each with its
 * anchor in page_keys.  A call reads at most a few thousand rows: when it
 * stops there with fewer than max, resume (SD_PAGEKEY_MAX bytes) is the
 * anchor to go on from (resume may be anchor's own buffer), else "".  A
 * user that has no rows and is no user is SD_EINVAL naming "user"; an
 * until before since names "until".
 */
int	sd_audit_page(struct sd_session *s, const struct sd_audit_filter *f,
	    const char *anchor, int dir, struct sd_audit *rows,
	    char (*page_keys)[SD_PAGEKEY_MAX], int max, int *n, char *resume,
	    struct sd_err *err);
/* The row of a page key (any of sd_audit_page's) in full. */
int	sd_audit_get(struct sd_session *s, const char *page_key,
	    struct sd_audit *out, struct sd_err *err);

/* ---------------------------------------------------------------- ledger */

struct sd_posting_line {
	const char	*account;	/* "cust:42", "cash", "rev:plan" ... */
	int64_t		 amount_fen;	/* debit positive, credit negative */
};

#define SD_POSTING_LINES_MAX 16

/*
 * Post one balanced set of lines in the caller's transaction: the amounts
 * must sum to zero, updating each account's balance and writing an audit
 * row.  SD_EINVAL if unbalanced or out of range.
 */
int	sd_ledger_post(struct sd_txn *t, const char *actor, const char *memo,
	    const char *ref, const struct sd_posting_line *lines, int n,
	    uint64_t *id, struct sd_err *err);
int	sd_ledger_balance(struct sd_txn *t, const char *account, int64_t *out,
	    struct sd_err *err);
/* Session-level wrappers for the CLI (role-checked). */
int	sd_ledger_post_as(struct sd_session *s, const char *memo,
	    const char *ref, const struct sd_posting_line *lines, int n,
	    uint64_t *id, struct sd_err *err);
int	sd_ledger_balance_as(struct sd_session *s, const char *account,
	    int64_t *out, struct sd_err *err);

/* ---------------------------------------------------------------- verify */

typedef void (*sd_verify_cb)(const char *check, int ok, const char *detail,
    void *arg);
/* Check every invariant; returns the number that failed (or -1). */
int	sd_verify(struct sd_session *s, sd_verify_cb cb, void *arg,
	    struct sd_err *err);
/* One check's result as it travels to a TUI. */
struct sd_verify_row {
	char	check[64];
	int	ok;
	char	detail[256];
};

/* The data directory's filesystem, for those who look after it. */
struct sd_disk {
	int64_t	free_mb;	/* free to the server's user */
	int64_t	warn_mb;	/* free_space_warn_mb, 0: no warning */
	int	low;		/* free_mb below warn_mb */
};
int	sd_disk_status(struct sd_core *core, struct sd_disk *out,
	    struct sd_err *err);
/* The same, for a session: admins and supervisors (operation verify). */
int	sd_disk_get(struct sd_session *s, struct sd_disk *out,
	    struct sd_err *err);

/* ---------------------------------------------------------------- text */

/* 1 if s is valid UTF-8. */
int	sd_utf8_valid(const char *s, size_t n);
/* Display columns of a UTF-8 string (CJK 2, invalid bytes 1 as U+FFFD). */
int	sd_width(const char *s);
/*
 * Append to out the longest prefix of s that fits in cols columns, never
 * splitting a wide character, then pad with spaces to exactly cols when pad.
 * Invalid bytes become U+FFFD.  Returns the columns written.
 */
int	sd_width_fit(struct sd_buf *out, const char *s, int cols, int pad);

/* ---------------------------------------------------------------- money, time */

/* "39", "0.15", "-3.5" yuan -> fen; SD_EINVAL past 2 decimals or range. */
int	sd_money_parse(const char *s, int64_t *fen);
/* An amount in yuan above 0 and at most max_fen: SD_EINVAL names field and
 * says which rule failed (required, not an amount, not above 0, the limit). */
int	sd_amount_check(const char *field, const char *s, int64_t max_fen,
	    int64_t *fen, struct sd_err *err);
/* The local day of day ("YYYY-MM-DD"; NULL or "": the day of now) as
 * [from, to); SD_EINVAL naming "day". */
int	sd_day_range(const char *day, int64_t now, int64_t *from, int64_t *to,
	    struct sd_err *err);
/* Cash handed over for amount: the change due in fen (0 when received is
 * empty: the exact amount); SD_EINVAL when less than the amount. */
int	sd_cash_change(const char *amount, const char *received,
	    int64_t *change, struct sd_err *err);
/* A whole number from min to max (decimal digits only). */
int	sd_int_check(const char *field, const char *s, long min, long max,
	    long *v, struct sd_err *err);
/* The most one payment may be: 1,000,000.00 yuan. */
#define SD_PAY_MAX_FEN	100000000
/* A rate in yuan per minute -> milli-fen per minute ("0.099" -> 9900). */
int	sd_rate_parse(const char *s, int64_t *mfen);
/* fen -> "12.34" / "-0.05" into out (at least 32 bytes). */
void	sd_money_format(int64_t fen, char *out, size_t size);

/* "YYYY-MM-DD", "YYYY-MM-DD HH:MM" or with :SS, local time; "@EPOCH". */
int	sd_time_parse(const char *s, int64_t *out);
/*
 * A time as people type it, relative to now (local time): what
 * sd_time_parse takes, or "HH:MM" (today), "MM-DD [HH:MM]" (this year),
 * "today|tomorrow [HH:MM]" and 今天, 明天, 后天 (09:00 without a time),
 * "+Nd" (the same time N days on), "+Nh", "+Nm".
 */
int	sd_time_parse_human(const char *s, int64_t now, int64_t *out);
/* Local "YYYY-MM-DD HH:MM:SS" into out (at least 20 bytes). */
void	sd_time_format(int64_t t, char *out, size_t size);
int64_t	sd_now(void);

/* Field validation shared by every front end; fills err naming the field. */
int	sd_check_login(const char *field, const char *s, struct sd_err *err);
int	sd_check_text(const char *field, const char *s, size_t max,
	    struct sd_err *err);
int	sd_check_phone(const char *field, const char *s, struct sd_err *err);
/*
 * The one rule for a phone, given its digits d (a leading + kept): a
 * mobile is 11 digits starting 13 to 19; a fixed line starts with its area
 * code's 0 (10 to 12 digits); an international number starts with + or 00
 * and a country code (8 to 15 digits after it).  SD_EINVAL names field,
 * what was typed and the rule it failed.
 */
int	sd_phone_rule(const char *field, const char *d, const char *typed,
	    struct sd_err *err);

/* ---------------------------------------------------------------- files */

#include <stdio.h>

/*
 * Files a user names (imports, rejects, exports, receipts to a file) are
 * opened through sd_file_open.  In a client's own process that is fopen;
 * while simdeskd serves a client, the thread's hook hands out the
 * descriptor the client opened with its own rights and passed, so the
 * server never opens a path a user named.  NULL and err set on failure.
 */
typedef FILE *(*sd_file_hook)(void *arg, const char *path, const char *mode,
    struct sd_err *err);
void	sd_file_hook_set(sd_file_hook fn, void *arg);
FILE	*sd_file_open(const char *path, const char *mode, struct sd_err *err);

#endif
