/*
 * core.h -- the domain's public interface: configuration, sessions (who is
 * acting), roles and the one permission check, users, audit, ledger,
 * invariants, and the text/money/time helpers every front end shares.
 * Every operation takes a session and checks the role here, never above.
 */
#ifndef SD_CORE_H
#define SD_CORE_H

#include <sys/types.h>

#include <stdint.h>
#include <time.h>

#include "db/db.h"

/* ---------------------------------------------------------------- config */

#define SD_PATH_MAX 1024

struct sd_config {
	char	path[SD_PATH_MAX];	/* file read, or "" for defaults */
	char	data_dir[SD_PATH_MAX];
	char	timezone[64];
	char	key_file[SD_PATH_MAX];	/* AES key for the environment, or "" */
	/* simdeskd's socket; "": simdesk.sock in the data directory */
	char	socket[SD_PATH_MAX];
	char	log_level[16];		/* error, warning, info, debug */
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
	char	call_tariff[17];	/* rates modem calls when no plan does */
	int	at_timeout_ms;
	struct sd_modem_conf {
		char	name[33];
		char	device[SD_PATH_MAX];	/* path, tcp:H:P or sim:N */
		int	baud;
		int	rtscts;
		char	slot_command[64];	/* "AT^SIMSLOT=%d" */
		int	slots;
		char	expect[4][24];		/* ICCIDs the books put in slots */
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
 * For set-gid programs: sane umask, fds 0-2 open, environment reduced to
 * what simdesk reads, TZ from the config.  Call first thing in main.
 */
void	sd_process_sanitize(void);
void	sd_process_set_timezone(const char *tz);

/* ---------------------------------------------------------------- users */

#define SD_LOGIN_MAX	32
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
	char	 agent[33];		/* agent code, for role agent */
	char	 pwhash[160];
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
/* Read one user; the pwhash is blanked. */
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

/* ---------------------------------------------------------------- customers */

enum sd_cust_status {
	SD_CUST_PROSPECT = 0,
	SD_CUST_ACTIVE,
	SD_CUST_SUSPENDED,
	SD_CUST_CLOSED
};

#define SD_PHONES_MAX	4
#define SD_TAGS_MAX	8

struct sd_customer {
	uint64_t id;
	char	 name[SD_NAME_MAX + 1];
	char	 phones[SD_PHONES_MAX][24];
	int	 nphones;
	char	 city[49];
	char	 address[193];
	char	 id_no[19];		/* masked unless read by an admin */
	char	 cls[9];
	char	 source[49];
	char	 tags[SD_TAGS_MAX][25];
	int	 ntags;
	char	 owner[SD_LOGIN_MAX + 1];	/* "" = in the shared pool */
	int	 dnc;			/* do not call */
	char	 svc_pwhash[160];	/* never returned */
	int	 status;
	int64_t	 created;
	int64_t	 updated;
	int64_t	 last_contact;
	int64_t	 next_at;		/* next planned contact, 0 = none */
	uint64_t import_id;
};

const char *sd_cust_status_name(int status);
int	sd_cust_status_parse(const char *s);	/* -1 if unknown */
/* "none", "overdue" or "planned": the traffic light of a customer. */
const char *sd_cust_light(const struct sd_customer *c, int64_t now);
/* GB 11643 check of an 18-digit resident ID (last may be X). */
int	sd_idno_valid(const char *s);
/* "1101**********1234" into out (at least 19 bytes). */
void	sd_idno_mask(const char *id, char *out, size_t size);

/* Fields given to add or update; NULL = not given. */
struct sd_cust_fields {
	const char	*name;
	const char	*phones;	/* comma-separated, replaces all */
	const char	*city;
	const char	*address;
	const char	*id_no;
	const char	*cls;
	const char	*source;
	const char	*tags;		/* comma-separated, replaces all */
	const char	*owner;		/* add: default the acting user */
	int		 dnc;		/* -1 = not given */
	int		 status;	/* -1 = not given */
};

void	sd_cust_fields_init(struct sd_cust_fields *f);
/*
 * Add a customer.  A phone that already belongs to a customer is refused
 * (SD_EEXIST) naming that customer.
 */
int	sd_customer_add(struct sd_session *s, const struct sd_cust_fields *f,
	    uint64_t *id, struct sd_err *err);
int	sd_customer_update(struct sd_session *s, uint64_t id,
	    const struct sd_cust_fields *f, struct sd_err *err);
/* By id ("42") or by any of its phone numbers. */
int	sd_customer_find(struct sd_session *s, const char *key,
	    struct sd_customer *out, struct sd_err *err);
int	sd_customer_get(struct sd_session *s, uint64_t id,
	    struct sd_customer *out, struct sd_err *err);
/* Take a customer from the shared pool. */
int	sd_customer_claim(struct sd_session *s, uint64_t id, struct sd_err *err);
/* Set the service password (手机密码); check it (1 = matches). */
int	sd_customer_set_svc_password(struct sd_session *s, uint64_t id,
	    const char *password, struct sd_err *err);
/* SD_OK when password is the customer's service password (audited). */
int	sd_customer_check_svc_password(struct sd_session *s, uint64_t id,
	    const char *password, struct sd_err *err);
/*
 * Move customers from one owner to another with their pending reminders
 * and open tickets: all of from's (ids == NULL) or the listed ones.
 * *moved is set.  Supervisor or admin.
 */
int	sd_customer_transfer(struct sd_session *s, const char *from,
	    const char *to, const uint64_t *ids, int nids, int *moved,
	    struct sd_err *err);
/* Return customers without a follow-up for days (-1: pool_days) to the pool. */
int	sd_customer_sweep(struct sd_session *s, int days, int *moved,
	    struct sd_err *err);

enum sd_cust_by {
	SD_CUST_BY_NAME,	/* name prefix */
	SD_CUST_BY_PHONE,	/* phone prefix */
	SD_CUST_BY_OWNER,	/* exact owner; "" = the pool */
	SD_CUST_BY_CITY,
	SD_CUST_BY_CLASS,
	SD_CUST_BY_TAG,
	SD_CUST_BY_ID,		/* all, in id order */
	SD_CUST_BY_PHONE_END	/* a phone ending with these digits, as
				 * people remember them (a scan) */
};

/*
 * One page of customers through an index: up to max rows strictly after
 * (dir > 0) or before (dir < 0) anchor (an opaque cursor key from a row's
 * page_key, "" = from the start or the end), whose index key starts with
 * (or for owner/city/class/tag, equals) key.  Rows come back in index
 * order; page_keys[i] (SD_PAGEKEY_MAX bytes each) is each row's anchor.
 */
#define SD_PAGEKEY_MAX 256
int	sd_customer_page(struct sd_session *s, enum sd_cust_by by,
	    const char *key, const char *anchor, int dir,
	    struct sd_customer *rows, char (*page_keys)[SD_PAGEKEY_MAX],
	    int max, int *n, struct sd_err *err);

/* ---------------------------------------------------------------- notes */

struct sd_note {
	uint64_t id;
	uint64_t customer;
	int64_t	 at;
	char	 by[SD_LOGIN_MAX + 1];
	char	 text[1024];
	char	 outcome[33];
	int64_t	 next_at;
};

/* next_at of sd_note_add besides a time: keep what is planned, or drop it. */
#define SD_NOTE_NEXT_KEEP	((int64_t)0)
#define SD_NOTE_NEXT_CLEAR	((int64_t)-1)

/*
 * Record a follow-up.  next_at is a time (the customer's next contact,
 * with a reminder for the owner in place of the one planned before),
 * SD_NOTE_NEXT_KEEP (the planned contact and its reminder stay) or
 * SD_NOTE_NEXT_CLEAR (nothing planned any more; audited as note.next_clear
 * with the time dropped).  The customer's other pending reminders (call
 * backs) are done either way.
 */
int	sd_note_add(struct sd_session *s, uint64_t customer, const char *text,
	    const char *outcome, int64_t next_at, uint64_t *id,
	    struct sd_err *err);
/*
 * A "next contact" as typed, for sd_note_add: NULL or "" keeps, "none" or
 * "-" clears, else a local time (sd_time_parse).  SD_EINVAL naming field.
 */
int	sd_note_next_parse(const char *field, const char *s, int64_t *next_at,
	    struct sd_err *err);
typedef int (*sd_note_cb)(const struct sd_note *n, void *arg);
/* Newest first. */
int	sd_note_list(struct sd_session *s, uint64_t customer, sd_note_cb cb,
	    void *arg, struct sd_err *err);

/* ---------------------------------------------------------------- reminders */

enum sd_rem_status { SD_REM_PENDING = 0, SD_REM_DONE = 1 };

struct sd_reminder {
	uint64_t id;
	uint64_t customer;
	char	 owner[SD_LOGIN_MAX + 1];
	int64_t	 due;
	char	 text[256];
	int	 status;
	int	 seen;		/* the owner has had the pop-up */
	char	 cname[SD_NAME_MAX + 1];	/* customer name, for display */
	char	 phone[24];
};

typedef int (*sd_rem_cb)(const struct sd_reminder *r, void *arg);
/*
 * Pending reminders of owner (NULL = the session's user) due by until,
 * oldest first.  With team, the overdue ones (by escalate_minutes) of
 * every member of the supervisor's team.
 */
int	sd_reminder_due(struct sd_session *s, const char *owner, int64_t until,
	    int team, sd_rem_cb cb, void *arg, struct sd_err *err);
/* The owner acknowledges the pop-up. */
int	sd_reminder_seen(struct sd_session *s, uint64_t id, struct sd_err *err);
/* When owner's next pending reminder after `after` comes due (0: none):
 * simdeskd's own question, for the owner's inbox push. */
int	sd_reminder_next(struct sd_core *core, const char *owner, int64_t after,
	    int64_t *when, struct sd_err *err);

/*
 * A user's inbox: what a TUI is pushed (simdeskd, tui/ctl/serve.c).  A
 * transaction that leaves something for login (a telephony event, a
 * reminder) notifies it; once committed, the db's notify hook gets the
 * key, which sd_inbox_key reads back: its kind and the login.
 */
enum { SD_INBOX_TEL = 1, SD_INBOX_REM = 2, SD_INBOX_WORK = 4 /* tickets */ };
void	sd_inbox_notify(struct sd_txn *t, int kind, const char *login);
int	sd_inbox_key(const char *key, char *login, size_t size);	/* 0: not one */

/* ---------------------------------------------------------------- tickets */

enum sd_ticket_type {
	SD_TICKET_INQUIRY = 0,
	SD_TICKET_COMPLAINT,
	SD_TICKET_AFTERSALES,
	SD_TICKET_CHANGE
};

enum sd_ticket_status {
	SD_TICKET_OPEN = 0,
	SD_TICKET_INPROGRESS,
	SD_TICKET_RESOLVED,
	SD_TICKET_CLOSED
};

struct sd_ticket {
	uint64_t id;
	uint64_t customer;
	char	 phone[24];		/* the acceptance record's fields */
	char	 cname[SD_NAME_MAX + 1];
	int	 type;
	int	 status;
	char	 handler[SD_LOGIN_MAX + 1];
	char	 created_by[SD_LOGIN_MAX + 1];
	char	 text[2048];		/* content, updates appended */
	char	 resolution[512];
	int	 score;			/* 1-5, 0 = none */
	int64_t	 created;
	int64_t	 updated;
	int64_t	 due;			/* SLA */
	int64_t	 closed_at;
};

const char *sd_ticket_type_name(int type);
int	sd_ticket_type_parse(const char *s);
const char *sd_ticket_status_name(int status);
int	sd_ticket_status_parse(const char *s);
/* 1 if not resolved or closed and past its SLA. */
int	sd_ticket_overdue(const struct sd_ticket *t, int64_t now);

int	sd_ticket_add(struct sd_session *s, uint64_t customer, int type,
	    const char *text, uint64_t *id, struct sd_err *err);
int	sd_ticket_get(struct sd_session *s, uint64_t id, struct sd_ticket *out,
	    struct sd_err *err);
int	sd_ticket_assign(struct sd_session *s, uint64_t id, const char *handler,
	    struct sd_err *err);
/* Append text; an open ticket moves to in progress. */
int	sd_ticket_update(struct sd_session *s, uint64_t id, const char *text,
	    struct sd_err *err);
/* Resolve and close; score 0 = not given. */
int	sd_ticket_close(struct sd_session *s, uint64_t id,
	    const char *resolution, int score, struct sd_err *err);
int	sd_ticket_reopen(struct sd_session *s, uint64_t id, const char *why,
	    struct sd_err *err);

struct sd_ticket_filter {
	const char	*handler;	/* NULL = any */
	uint64_t	 customer;	/* 0 = any */
	int		 status;	/* -1 = any; -2 = open or in progress */
	int		 overdue;	/* only past their SLA */
};

typedef int (*sd_ticket_cb)(const struct sd_ticket *t, void *arg);
int	sd_ticket_list(struct sd_session *s, const struct sd_ticket_filter *f,
	    sd_ticket_cb cb, void *arg, struct sd_err *err);

/* ---------------------------------------------------------------- import */

enum sd_encoding { SD_ENC_AUTO, SD_ENC_UTF8, SD_ENC_GB18030 };

/* A table read from a CSV or .xlsx file: rows of UTF-8 cells. */
struct sd_table {
	int		  nrows;
	int		  ncols;	/* widest row */
	char		***cells;	/* cells[row][col], "" when empty */
	int		 *ncells;
	int		 *lines;	/* source line (CSV) or row number (xlsx) */
	const char	 *encoding;	/* "utf-8", "utf-8 (BOM)", "gb18030", "xlsx" */
	void		 *priv_arena;	/* owned storage */
	void		 *priv_ptrs;
};

/*
 * Read FILE (CSV by default, .xlsx by its name or zip signature) into t.
 * Errors name file:line.
 */
int	sd_table_read(const char *path, enum sd_encoding enc, struct sd_table *t,
	    struct sd_err *err);
/* The same from memory (CSV only), for tests and fuzzing. */
int	sd_table_parse_csv(const char *name, const char *data, size_t len,
	    enum sd_encoding enc, struct sd_table *t, struct sd_err *err);
void	sd_table_free(struct sd_table *t);

struct sd_import_opts {
	const char	*map;		/* "COL=field,..." or NULL */
	const char	*owner;		/* default owner, or NULL = none (pool) */
	const char	*rejects;	/* --skip-bad file, or NULL */
	void		(*progress)(long done, long total, void *arg);
	void		*progress_arg;
};

struct sd_import_result {
	long	imported;
	long	rejected;
	long	duplicates;
	uint64_t import_id;
};

/* The customer fields a column can map to, for help and the TUI. */
extern const char *const sd_import_fields[];
/*
 * Map the header row of t to customer fields (with opts->map applied);
 * colfield[i] is the field index of column i or -1.
 */
int	sd_import_mapping(const struct sd_table *t, const char *map,
	    int *colfield, struct sd_err *err);
/*
 * Import customers from a table whose first row is the header.  Every row
 * is checked first; without rejects one bad row refuses the whole file
 * (SD_EINVAL naming file:line: field: reason) and nothing is written.
 */
int	sd_customer_import(struct sd_session *s, const char *file,
	    const struct sd_table *t, const struct sd_import_opts *o,
	    struct sd_import_result *r, struct sd_err *err);
/* Undo the rows of imports whose process died half-way (with all: of
 * every import marked running, as at open, when none of ours can be). */
int	sd_import_cleanup(struct sd_core *core, int all, struct sd_err *err);

/* ---------------------------------------------------------------- plans, VAS */

struct sd_plan {
	char	 code[17];
	char	 name[SD_NAME_MAX + 1];
	int64_t	 monthly_fen;
	int	 minutes;
	int	 sms;
	char	 tariff[17];
	char	 vas[8][17];		/* value-added services it allows */
	int	 nvas;
	int	 retired;
	int64_t	 created;
};

struct sd_vas {
	char	 code[17];
	char	 name[SD_NAME_MAX + 1];
	int64_t	 monthly_fen;
};

/* Fields of a plan; NULL / -1 = not given.  Money as yuan strings. */
struct sd_plan_fields {
	const char	*name;
	const char	*monthly_fee;
	int		 minutes;
	int		 sms;
	const char	*tariff;
	const char	*vas;		/* comma-separated codes */
};

/* The most included minutes or SMS a plan may have. */
#define SD_PLAN_QTY_MAX	1000000

void	sd_plan_fields_init(struct sd_plan_fields *f);
/*
 * One field of a plan as typed (not empty), by the name its messages give
 * it: "plan" (the code), "name", "monthly-fee", "minutes", "sms", "tariff",
 * "vas".  The checks sd_plan_add makes without the database (a taken code,
 * an unknown service need it); SD_EINVAL names the field and the rule.
 * sd_vas_check ("vas", "name", "monthly-fee") and sd_agent_check ("agent",
 * "name", "parent", "credit-limit", "discount", "region") do the same for
 * sd_vas_add and sd_agent_add.
 */
int	sd_plan_check(const char *field, const char *value, struct sd_err *err);
int	sd_vas_check(const char *field, const char *value, struct sd_err *err);
int	sd_agent_check(const char *field, const char *value,
	    struct sd_err *err);
int	sd_plan_add(struct sd_session *s, const char *code,
	    const struct sd_plan_fields *f, struct sd_err *err);
int	sd_plan_update(struct sd_session *s, const char *code,
	    const struct sd_plan_fields *f, struct sd_err *err);
/* Retired plans stay for existing subscriptions but cannot be sold. */
int	sd_plan_retire(struct sd_session *s, const char *code,
	    struct sd_err *err);
int	sd_plan_get(struct sd_session *s, const char *code, struct sd_plan *out,
	    struct sd_err *err);
typedef int (*sd_plan_cb)(const struct sd_plan *p, void *arg);
int	sd_plan_list(struct sd_session *s, sd_plan_cb cb, void *arg,
	    struct sd_err *err);
int	sd_vas_add(struct sd_session *s, const char *code, const char *name,
	    const char *monthly_fee, struct sd_err *err);
typedef int (*sd_vas_cb)(const struct sd_vas *v, void *arg);
int	sd_vas_list(struct sd_session *s, sd_vas_cb cb, void *arg,
	    struct sd_err *err);

/* ---------------------------------------------------------------- agents */

#define SD_REGION_MAX	48

enum sd_agent_status { SD_AGENT_APPLIED = 0, SD_AGENT_APPROVED,
    SD_AGENT_SUSPENDED };

struct sd_agent {
	char	 code[17];
	char	 name[SD_NAME_MAX + 1];
	char	 parent[17];		/* "" = top level */
	int	 status;
	int64_t	 credit_fen;
	char	 region[SD_REGION_MAX + 1];
	int	 discount_bp;		/* off list price on orders, 1/100 % */
	int	 depth;			/* filled by tree walks */
	long	 held;			/* tree walks: cards allocated to it */
	long	 sold_month;		/* and its activations this month */
	int64_t	 created;
};

const char *sd_agent_status_name(int status);
/* Fields of an agent; NULL = not given.  Credit limit in yuan, discount
 * in percent ("7.5"). */
struct sd_agent_fields {
	const char	*name;
	const char	*parent;
	const char	*credit_limit;
	const char	*discount;
	const char	*region;
};

void	sd_agent_fields_init(struct sd_agent_fields *f);
/* Add an agent (applied). */
int	sd_agent_add(struct sd_session *s, const char *code,
	    const struct sd_agent_fields *f, struct sd_err *err);
/* Change name, credit limit, discount or region (supervisor). */
int	sd_agent_update(struct sd_session *s, const char *code,
	    const struct sd_agent_fields *f, struct sd_err *err);
int	sd_agent_set_status(struct sd_session *s, const char *code, int status,
	    struct sd_err *err);
int	sd_agent_get(struct sd_session *s, const char *code,
	    struct sd_agent *out, struct sd_err *err);
typedef int (*sd_agent_cb)(const struct sd_agent *a, void *arg);
/* The subtree under root ("" = all), depth first, each with its depth. */
int	sd_agent_tree(struct sd_session *s, const char *root, sd_agent_cb cb,
	    void *arg, struct sd_err *err);
/* The figures later issues rank agents by. */
struct sd_agent_stats {
	long	 held;			/* cards allocated to it, unsold */
	long	 sold_month;		/* activations this calendar month */
	long	 sold_total;
	long	 orders_open;		/* submitted, approved or shipped */
	long	 orders;
	int64_t	 receivable_fen;	/* what it owes for delivered stock */
};
int	sd_agent_stats(struct sd_session *s, const char *code,
	    struct sd_agent_stats *out, struct sd_err *err);
/* The start of the calendar month holding t, local time. */
int64_t	sd_month_start(int64_t t);
/* 1 if agent code is in the subtree of root (root itself included). */
int	sd_agent_in_subtree(struct sd_session *s, const char *root,
	    const char *code);

/* ---------------------------------------------------------------- SIM cards */

enum sd_sim_status {
	SD_SIM_IN_STOCK = 0, SD_SIM_RESERVED, SD_SIM_ALLOCATED, SD_SIM_ACTIVE,
	SD_SIM_SUSPENDED, SD_SIM_TERMINATED, SD_SIM_RETURNED,
	SD_SIM__COUNT
};

struct sd_sim {
	char	 iccid[21];
	char	 msisdn[12];
	char	 imsi[16];
	char	 card_type[17];
	char	 plan[17];
	int64_t	 price_fen;
	char	 grade[17];		/* "" = ordinary */
	char	 batch[33];
	char	 warehouse[33];
	char	 agent[17];
	int	 status;
	uint64_t customer;
	uint64_t order;			/* the order reserving or delivering it */
	char	 reason[129];		/* of the last move */
	int64_t	 updated;
	int64_t	 created;
};

const char *sd_sim_status_name(int status);
int	sd_sim_status_parse(const char *s);
/*
 * A 20-digit ICCID must pass the Luhn check; a 19-digit one gets its
 * check digit appended (*appended set).  out holds 21 bytes.
 */
int	sd_iccid_check(const char *in, char *out, int *appended,
	    struct sd_err *err);
/* 11-digit mainland mobile number 1[3-9]xxxxxxxxx. */
int	sd_msisdn_check(const char *s, struct sd_err *err);
/*
 * The number grade (靓号) of an MSISDN by the rules, best first: the grade
 * name ("" = ordinary), the rule that matched, and its price premium.
 */
struct sd_grade {
	char	 grade[17];
	char	 rule[64];
	int64_t	 premium_fen;
};
void	sd_grade_msisdn(const struct sd_config *c, const char *msisdn,
	    struct sd_grade *out);
/*
 * A grading rule: "tail PATTERN" (the number ends in PATTERN: the same
 * letter is the same digit, different letters different digits, digits
 * themselves, ? any), "run N" (the last N digits count up or down by one)
 * or "count D N" (digit D at least N times after the network prefix).
 * 1 if msisdn matches; -1 if the rule is malformed.
 */
int	sd_grade_rule_match(const char *rule, const char *msisdn);

struct sd_sim_fields {
	const char	*iccid;
	const char	*msisdn;
	const char	*imsi;
	const char	*card_type;
	const char	*plan;
	const char	*price;		/* yuan; default: the plan has none, 0 */
	const char	*batch;
	const char	*warehouse;
};

void	sd_sim_fields_init(struct sd_sim_fields *f);
/* Add one card to stock; *note tells of an appended check digit. */
int	sd_sim_add(struct sd_session *s, const struct sd_sim_fields *f,
	    char *iccid_out, struct sd_err *err);
/* By ICCID or MSISDN. */
int	sd_sim_find(struct sd_session *s, const char *key, struct sd_sim *out,
	    struct sd_err *err);
/*
 * The state machine, the only way a card changes state: in_stock ->
 * reserved -> allocated -> active -> suspended -> terminated, returned
 * back to stock.  SD_EREFUSED names the current and the wanted state.
 */
int	sd_sim_move(struct sd_session *s, const char *iccid, int to,
	    const char *reason, struct sd_err *err);
int	sd_sim_transition_ok(int from, int to);

struct sd_sim_filter {
	int		 status;	/* -1 any */
	const char	*agent;
	const char	*plan;
	const char	*grade;
	const char	*warehouse;
	const char	*msisdn_prefix;
};

typedef int (*sd_sim_cb)(const struct sd_sim *c, void *arg);
int	sd_sim_list(struct sd_session *s, const struct sd_sim_filter *f,
	    sd_sim_cb cb, void *arg, struct sd_err *err);
/* A page of cards as the list screens scroll (see sd_customer_page). */
int	sd_sim_page(struct sd_session *s, const struct sd_sim_filter *f,
	    const char *anchor, int dir, struct sd_sim *rows,
	    char (*page_keys)[SD_PAGEKEY_MAX], int max, int *n,
	    struct sd_err *err);
/* How many cards of each state match f (its status ignored). */
int	sd_sim_counts(struct sd_session *s, const struct sd_sim_filter *f,
	    long counts[SD_SIM__COUNT], struct sd_err *err);
/*
 * Allocate in-stock cards to an approved agent: the listed ICCIDs, a range
 * FIRST-LAST of ICCIDs, or the first count in stock of a plan.  All or
 * nothing; *n is how many.
 */
int	sd_sim_allocate(struct sd_session *s, const char *agent,
	    const char *const *iccids, int nids, const char *range, int count,
	    const char *plan, int *n, struct sd_err *err);
/* Move allocated cards to another agent of the same branch (admin: any). */
int	sd_sim_transfer(struct sd_session *s, const char *to_agent,
	    const char *const *iccids, int nids, struct sd_err *err);

struct sd_subscription {
	uint64_t id;
	char	 iccid[21];
	char	 msisdn[12];
	uint64_t customer;
	char	 plan[17];
	char	 vas[8][17];
	int	 nvas;
	int64_t	 from;			/* active from */
	char	 channel[16];		/* store, agent, online, telesales */
	char	 seller[SD_LOGIN_MAX + 1];
	char	 agent[17];
	int64_t	 price_fen;
	int64_t	 ended;			/* terminated at, 0 = running */
};

struct sd_activation {
	const char	*iccid;
	uint64_t	 customer;
	const char	*customer_key;	/* or by id or phone, resolved in core:
					 * an agent may sell without browsing */
	const char	*channel;	/* NULL = store */
	const char	*agent;		/* NULL = the card's */
	const char	*price;		/* yuan; NULL = the card's list price */
	const char	*vas;		/* comma-separated, allowed by the plan */
	int64_t		 date;		/* 0 = now */
};

/*
 * Sell a card: it must be in stock or allocated (exit 6 otherwise).  The
 * subscription starts, the card becomes active for the customer, and the
 * price is posted to the customer's account.  *id is the subscription.
 */
int	sd_sim_activate(struct sd_session *s, const struct sd_activation *a,
	    uint64_t *id, struct sd_err *err);
/*
 * Activations from a table (iccid, customer (id or phone), channel, agent,
 * price, vas, date): all in one transaction, or none; with rejects the
 * bad rows go there and the rest go in.
 */
int	sd_sim_activate_file(struct sd_session *s, const char *file,
	    const struct sd_table *t, const char *rejects,
	    void (*progress)(long done, long total, void *arg),
	    void *progress_arg, struct sd_import_result *r, struct sd_err *err);
typedef int (*sd_sub_cb)(const struct sd_subscription *sub, void *arg);
int	sd_subscription_list(struct sd_session *s, uint64_t customer,
	    sd_sub_cb cb, void *arg, struct sd_err *err);

/* ---------------------------------------------------------------- orders */

enum sd_order_status { SD_ORDER_SUBMITTED = 0, SD_ORDER_APPROVED,
    SD_ORDER_SHIPPED, SD_ORDER_DELIVERED, SD_ORDER_REJECTED,
    SD_ORDER_CANCELLED, SD_ORDER__COUNT };

struct sd_order {
	uint64_t id;
	char	 agent[17];
	char	 plan[17];
	int	 count;
	int	 status;
	int64_t	 value_fen;		/* the reserved cards' prices to the
					 * agent: list less its discount */
	int	 discount_bp;		/* the agent's, at approval */
	int	 named;			/* the cards were named when ordered */
	int	 returned;		/* cards sent back after delivery */
	int64_t	 returned_fen;		/* and the value credited for them */
	char	 carrier[33];
	char	 tracking[65];
	char	 reason[129];
	char	 by[SD_LOGIN_MAX + 1];
	int64_t	 created;
	int64_t	 updated;
	char	 (*iccids)[21];		/* reserved cards, owned; see free */
	int	 niccids;
};

const char *sd_order_status_name(int status);
void	sd_order_free(struct sd_order *o);
/*
 * An agent (or staff for one) orders count cards of a plan, or the nids
 * cards named in iccids (plan and count then NULL / 0).
 */
int	sd_order_add(struct sd_session *s, const char *agent, const char *plan,
	    int count, const char *const *iccids, int nids, uint64_t *id,
	    struct sd_err *err);
/*
 * Cards of a delivered order come back from the agent (supervisor): they
 * must still be unsold; each becomes returned, and its price to the agent
 * is credited back to the agent's receivable.
 */
int	sd_order_return(struct sd_session *s, uint64_t id,
	    const char *const *iccids, int nids, const char *reason,
	    struct sd_err *err);
/*
 * Approve: enough cards in stock, and the agent's receivable plus this
 * order's value within its credit limit (SD_EREFUSED with the figures);
 * the cards are reserved for the order.
 */
int	sd_order_approve(struct sd_session *s, uint64_t id, struct sd_err *err);
int	sd_order_ship(struct sd_session *s, uint64_t id, const char *carrier,
	    const char *tracking, struct sd_err *err);
/* Cards to the agent; the value to the agent's receivable. */
int	sd_order_deliver(struct sd_session *s, uint64_t id, struct sd_err *err);
/* Reject (supervisor) or cancel: reservations are released. */
int	sd_order_end(struct sd_session *s, uint64_t id, int status,
	    const char *reason, struct sd_err *err);
int	sd_order_get(struct sd_session *s, uint64_t id, struct sd_order *out,
	    struct sd_err *err);
typedef int (*sd_order_cb)(const struct sd_order *o, void *arg);
int	sd_order_list(struct sd_session *s, int status, sd_order_cb cb,
	    void *arg, struct sd_err *err);

/*
 * A file of ICCIDs, one per line (or the first column of a CSV; a header
 * and blank lines are skipped): each checked and normalised (a 19-digit
 * one gets its check digit).  Errors name file:line.  *lines (may be NULL)
 * gets each ICCID's line.  Free *out and *lines.
 */
int	sd_iccid_file(const char *path, char (**out)[21], int **lines, int *n,
	    struct sd_err *err);

/*
 * Stocktake (盘点) of a warehouse: the scanned ICCIDs against the books,
 * whose cards there are those in stock, reserved or returned.  Each
 * difference goes to cb: missing (on the books, not scanned), unexpected
 * (no such card), wrong_warehouse (booked elsewhere), wrong_state (booked
 * as allocated, sold ...), duplicate (scanned twice).  With apply
 * (supervisor) the adjustments are recorded in one transaction, audited
 * with the reason: a card found here moves to this warehouse, a missing
 * card in stock or returned is written off (terminated).  Unexpected and
 * wrong-state cards need a person and are only reported.
 */
enum sd_stocktake_kind { SD_ST_MISSING, SD_ST_UNEXPECTED,
    SD_ST_WRONG_WAREHOUSE, SD_ST_WRONG_STATE, SD_ST_DUPLICATE, SD_ST__COUNT };

struct sd_stocktake_diff {
	int		 kind;
	char		 iccid[21];
	int		 line;		/* in the scan file; 0 for missing */
	int		 status;	/* the books' state, -1 unknown */
	char		 warehouse[33];	/* the books' warehouse */
	char		 agent[17];
	int		 adjusted;	/* recorded by apply */
};

struct sd_stocktake_result {
	long	 scanned;		/* distinct ICCIDs scanned */
	long	 booked;		/* cards on the books here */
	long	 matched;
	long	 count[SD_ST__COUNT];
	long	 adjusted;
};

const char *sd_stocktake_kind_name(int kind);
typedef int (*sd_stocktake_cb)(const struct sd_stocktake_diff *d, void *arg);
int	sd_sim_stocktake(struct sd_session *s, const char *warehouse,
	    char (*iccids)[21], const int *lines, int n, int apply,
	    const char *reason, sd_stocktake_cb cb, void *arg,
	    struct sd_stocktake_result *r, struct sd_err *err);

/* Import cards from a table (iccid,msisdn,imsi,plan,price,batch,warehouse). */
int	sd_sim_import(struct sd_session *s, const char *file,
	    const struct sd_table *t, const char *rejects,
	    struct sd_import_result *r, struct sd_err *err);

/* ---------------------------------------------------------------- tariffs, rating */

enum sd_rounding { SD_ROUND_UP = 0, SD_ROUND_HALF_UP, SD_ROUND_DOWN };

const char *sd_rounding_name(int mode);
int	sd_rounding_parse(const char *s);

/* A time band: days (bit 0 Monday .. bit 6 Sunday) and minutes of the day;
 * to <= from runs past midnight. */
struct sd_band {
	unsigned char	 days;
	short		 from, to;
	int		 set;		/* 0: no band, always */
};

/* "Mon-Fri 08:00-18:00", "Sat,Sun 00:00-24:00", "22:00-07:00"; "" = none. */
int	sd_band_parse(const char *s, struct sd_band *b, struct sd_err *err);
void	sd_band_format(const struct sd_band *b, char *out, size_t size);

struct sd_tariff {
	char	 code[17];
	char	 name[SD_NAME_MAX + 1];
	int	 rounding;		/* once per call */
	uint64_t version;		/* bumped by every change of its rates */
	int	 nrates;
	int64_t	 created;
};

struct sd_rate {
	char	 prefix[25];		/* digits of the dialled number */
	char	 name[49];
	int64_t	 per_minute_mfen;
	int64_t	 connect_fen;
	int	 first_block_s;
	int	 increment_s;
	struct sd_band band;
	int	 bundle;		/* plan minutes apply */
};

/* A tariff compiled for rating: a digit trie built once per version. */
struct sd_ratetab;
struct sd_ratetab *sd_ratetab_build(const struct sd_tariff *t,
	    const struct sd_rate *rates, int n);
void	sd_ratetab_free(struct sd_ratetab *rt);
const struct sd_tariff *sd_ratetab_tariff(const struct sd_ratetab *rt);

struct sd_rating {
	const struct sd_rate *rate;	/* in force at answer; inside rt */
	int	 billable_s;		/* seconds charged */
	int	 bundle_min;		/* plan minutes used */
	int	 parts;			/* band segments priced */
	int64_t	 cost_fen;
};

/* Digits of a dialled number ('+' and separators dropped); -1 if none. */
int	sd_number_normalize(const char *in, char *out, size_t size);
/*
 * Price one call answered at answer (UTC seconds) lasting billsec: see
 * DESIGN.md section 4.  *plan_left (NULL: none) is the subscription's
 * included minutes left, and is reduced.  SD_ENOTFOUND when no prefix
 * matches.  Allocates nothing.
 */
int	sd_rate_call(const struct sd_ratetab *rt, const char *number,
	    int64_t answer, int billsec, int *plan_left, struct sd_rating *out);

int	sd_tariff_add(struct sd_session *s, const char *code, const char *name,
	    const char *rounding, struct sd_err *err);
/* Rate fields as typed: money in yuan, seconds, "yes"/"" for bundle. */
struct sd_rate_fields {
	const char	*per_minute;	/* required */
	const char	*connect;
	const char	*first_block;
	const char	*increment;
	const char	*name;
	const char	*band;
	int		 bundle;
};
void	sd_rate_fields_init(struct sd_rate_fields *f);
/* Check one field of a rate as it is typed ("prefix", "per_minute",
 * "connect", "first_block", "increment", "band"), by the rules
 * sd_tariff_rate applies. */
int	sd_rate_field_check(const char *field, const char *value,
	    struct sd_err *err);
/* Add or replace the rate of a prefix (and band) in a tariff. */
int	sd_tariff_rate(struct sd_session *s, const char *code,
	    const char *prefix, const struct sd_rate_fields *f,
	    struct sd_err *err);
int	sd_tariff_get(struct sd_session *s, const char *code,
	    struct sd_tariff *out, struct sd_err *err);
typedef int (*sd_tariff_cb)(const struct sd_tariff *t, void *arg);
int	sd_tariff_list(struct sd_session *s, sd_tariff_cb cb, void *arg,
	    struct sd_err *err);
typedef int (*sd_rate_cb)(const struct sd_rate *r, void *arg);
int	sd_tariff_rates(struct sd_session *s, const char *code, sd_rate_cb cb,
	    void *arg, struct sd_err *err);
/* Rates from a table (prefix, per_minute, connect, first_block, increment,
 * name, band, bundle): all or nothing. */
int	sd_tariff_import(struct sd_session *s, const char *code,
	    const char *file, const struct sd_table *t, const char *rejects,
	    struct sd_import_result *r, struct sd_err *err);
/*
 * The compiled tariff, cached in the process until its version changes
 * (do not free; valid until the next call for the same code).
 */
int	sd_tariff_ratetab(struct sd_session *s, const char *code,
	    const struct sd_ratetab **out, struct sd_err *err);
/* What a call would cost: the same path as rating; rate copied out. */
struct sd_quote {
	struct sd_rating rating;
	struct sd_rate	 rate;
};
int	sd_tariff_quote(struct sd_session *s, const char *code,
	    const char *number, int seconds, int64_t at, int plan_minutes,
	    struct sd_quote *out, struct sd_err *err);

/* ---------------------------------------------------------------- call records */

enum sd_cdr_format { SD_CDR_ASTERISK, SD_CDR_FREESWITCH, SD_CDR_SIMDESK };
enum sd_direction { SD_DIR_OUT = 0, SD_DIR_IN };

struct sd_cdr {
	uint64_t id;
	uint64_t sub;			/* the subscription it was matched to */
	uint64_t customer;
	char	 msisdn[12];		/* our number */
	int	 direction;
	char	 other[33];		/* the far end, digits */
	int64_t	 start;
	int64_t	 answer;		/* 0: not answered */
	int	 duration;
	int	 billsec;
	char	 uniq[65];		/* the source's id, or a hash */
	char	 source[12];		/* asterisk, freeswitch, simdesk */
	char	 prefix[25];		/* the rate used */
	char	 rate_name[49];
	int64_t	 unit_mfen;		/* per minute */
	int	 billable_s;
	int	 bundle_min;
	int64_t	 cost_fen;
	int	 month;			/* YYYYMM, local */
};

/* Usage of one subscription in one month. */
struct sd_usage {
	uint64_t sub;
	int	 month;
	long	 calls;
	long	 answered;
	long	 seconds;		/* talk time */
	int	 bundle_min;		/* plan minutes used */
	long	 billable_s;		/* charged seconds */
	int64_t	 call_fee_fen;
	long	 sms;
};

int	sd_cdr_format_parse(const char *s);
/*
 * Import call records: each matched to the subscription whose number made
 * (or received) it at that time, rated, stored, and added to the month's
 * usage.  Every row is checked first; a bad one refuses the file unless
 * rejects is given.  Written in batches; a call already imported (same
 * uniqueid, or the same src, dst, start and duration) is counted in
 * duplicates and charged nothing, so a rerun after a crash is safe.
 */
int	sd_cdr_import(struct sd_session *s, const char *file,
	    const struct sd_table *t, int format, const char *rejects,
	    void (*progress)(long done, long total, void *arg),
	    void *progress_arg, struct sd_import_result *r, struct sd_err *err);
typedef int (*sd_cdr_cb)(const struct sd_cdr *c, void *arg);
/* A number's calls in a month (YYYYMM; 0 = all), by time. */
int	sd_cdr_list(struct sd_session *s, const char *msisdn, int month,
	    sd_cdr_cb cb, void *arg, struct sd_err *err);
int	sd_cdr_get(struct sd_session *s, uint64_t id, struct sd_cdr *out,
	    struct sd_err *err);
/* A page of a number's calls (month 0 = all), by time. */
int	sd_cdr_page(struct sd_session *s, const char *msisdn, int month,
	    const char *anchor, int dir, struct sd_cdr *rows,
	    char (*page_keys)[SD_PAGEKEY_MAX], int max, int *n,
	    struct sd_err *err);
int	sd_usage_get(struct sd_session *s, uint64_t sub, int month,
	    struct sd_usage *out, struct sd_err *err);
/* "2026-11" -> 202611; -1 if malformed. */
int	sd_month_parse(const char *s);
/* YYYYMM of t in local time. */
int	sd_month_of(int64_t t);

/* ---------------------------------------------------------------- bills, balances */

enum sd_bill_kind { SD_BL_PLAN, SD_BL_VAS, SD_BL_CALLS, SD_BL_ONE_OFF,
    SD_BL_ADJUST };

struct sd_bill_line {
	int	 kind;
	uint64_t sub;
	char	 msisdn[12];
	char	 code[17];		/* plan or service */
	char	 text[97];
	int64_t	 amount_fen;
};

#define SD_BILL_LINES_MAX 48

/* One customer's bill for one month (月账单). */
struct sd_bill {
	uint64_t customer;
	int	 month;			/* YYYYMM */
	char	 name[SD_NAME_MAX + 1];
	char	 phone[12];		/* the first number billed */
	char	 plans[97];		/* 套餐名称 */
	struct sd_bill_line lines[SD_BILL_LINES_MAX];
	int	 nlines;
	int64_t	 plan_fee_fen;
	int64_t	 vas_fee_fen;		/* 新业务费 */
	int64_t	 call_fee_fen;		/* 通话费 */
	int64_t	 one_off_fen;		/* charged at the sale */
	int64_t	 adjust_fen;
	int64_t	 total_fen;		/* 费用合计 */
	int64_t	 paid_fen;		/* 实缴 */
	/* What bill runs posted of plan, services and calls. */
	int64_t	 posted_plan_fen, posted_vas_fen, posted_call_fen;
	int64_t	 created;
};

struct sd_bill_run_result {
	long	 customers;		/* billed */
	long	 changed;		/* whose bill was new or changed */
	int64_t	 posted_fen;		/* posted by this run */
	long	 suspended;
	int64_t	 total_fen;		/* the bills' totals (费用合计) */
};

/*
 * Bill month M (YYYYMM) for every customer with a subscription in it.  A
 * rerun recomputes each bill and posts only the difference from what was
 * posted before: nothing changed, nothing posted, byte-identical bills.
 * Customers are billed in small transactions, so cashiers keep working.
 */
int	sd_bill_run(struct sd_session *s, int month,
	    void (*progress)(long done, long total, void *arg), void *arg,
	    struct sd_bill_run_result *r, struct sd_err *err);
/*
 * The month a bill run may bill, as typed ("YYYY-MM"): SD_EINVAL naming
 * the month when it is not one, SD_EREFUSED when it has not begun (the
 * rules sd_bill_run applies).  *month: YYYYMM.
 */
int	sd_bill_month_check(const char *s, int *month, struct sd_err *err);
int	sd_bill_get(struct sd_session *s, const char *customer, int month,
	    struct sd_bill *out, struct sd_err *err);
typedef int (*sd_bill_cb)(const struct sd_bill *b, void *arg);
int	sd_bill_list(struct sd_session *s, int month, int unpaid_only,
	    sd_bill_cb cb, void *arg, struct sd_err *err);
/* Every bill of one customer, oldest first. */
int	sd_bill_history(struct sd_session *s, const char *customer,
	    sd_bill_cb cb, void *arg, struct sd_err *err);
/*
 * A page of bills as list screens scroll: one month's (by customer) or,
 * with customer set, one customer's (by month).  See sd_customer_page.
 */
int	sd_bill_page(struct sd_session *s, int month, const char *customer,
	    const char *anchor, int dir, struct sd_bill *rows,
	    char (*page_keys)[SD_PAGEKEY_MAX], int max, int *n,
	    struct sd_err *err);
/* A supervisor's adjustment (yuan, negative = credit): a posting and a
 * line on the month's bill, never an edit in place. */
int	sd_bill_adjust(struct sd_session *s, const char *customer, int month,
	    const char *amount, const char *reason, struct sd_err *err);
/* The most one adjustment may be, either way: 1,000,000.00 yuan. */
#define SD_ADJUST_MAX_FEN	SD_PAY_MAX_FEN
/* Check one field of an adjustment as it is typed ("amount", "reason"),
 * by the rules sd_bill_adjust applies: SD_EINVAL naming the field. */
int	sd_bill_adjust_field_check(const char *field, const char *value,
	    struct sd_err *err);
const char *sd_bill_kind_name(int kind);

struct sd_balance {
	uint64_t customer;
	char	 name[SD_NAME_MAX + 1];
	int64_t	 balance_fen;		/* payments - charges */
	int64_t	 unpaid_fen;		/* on bills not fully paid */
	int	 unpaid_bills;
	int64_t	 credit_fen;		/* suspended below -credit */
	int	 suspended;		/* any card suspended for debt */
};

int	sd_balance_get(struct sd_session *s, const char *customer,
	    struct sd_balance *out, struct sd_err *err);

/* ---------------------------------------------------------------- payments, receipts */

#define SD_RECEIPT_ALLOC_MAX 24

struct sd_receipt {
	char	 number[24];		/* series + 8 digits, gapless */
	uint64_t customer;
	char	 name[SD_NAME_MAX + 1];
	char	 phone[24];
	int64_t	 amount_fen;
	char	 method[12];		/* cash, card, wechat, alipay */
	char	 note[97];
	char	 cashier[SD_LOGIN_MAX + 1];
	int64_t	 at;
	int	 months[SD_RECEIPT_ALLOC_MAX];	/* bills it paid, YYYYMM */
	int64_t	 alloc_fen[SD_RECEIPT_ALLOC_MAX];
	int	 nalloc;
	int64_t	 credit_fen;		/* left over, on the account */
	int64_t	 balance_after_fen;
	int	 voided;
	char	 void_reason[97];
	char	 void_by[SD_LOGIN_MAX + 1];
	int64_t	 void_at;
	int	 prints;
};

/*
 * Take a payment (收费): the oldest unpaid bills first, the rest as credit;
 * posted; a receipt numbered in this counter's series (receipts.series).
 * Cards suspended for debt are restored when the balance allows.
 */
int	sd_pay(struct sd_session *s, const char *customer, const char *amount,
	    const char *method, const char *note, struct sd_receipt *out,
	    struct sd_err *err);
int	sd_receipt_get(struct sd_session *s, const char *number,
	    struct sd_receipt *out, struct sd_err *err);
/* Count a print: *copy is 1 when it was printed before (a reprint). */
int	sd_receipt_printed(struct sd_session *s, const char *number,
	    struct sd_receipt *out, int *copy, struct sd_err *err);
/* The receipts cashier (NULL: the session's user) took in [from, to),
 * oldest first; a cashier sees only their own. */
typedef int (*sd_receipt_cb)(const struct sd_receipt *r, void *arg);
int	sd_receipt_list(struct sd_session *s, const char *cashier,
	    int64_t from, int64_t to, sd_receipt_cb cb, void *arg,
	    struct sd_err *err);
/* A supervisor voids a receipt: a reversing posting; the number stays. */
int	sd_receipt_void(struct sd_session *s, const char *number,
	    const char *reason, struct sd_err *err);
/*
 * The receipt laid out for paper of cols columns (32 or 48), Chinese
 * double width aware, one line per '\n'; header is the shop's name.
 */
void	sd_receipt_text(const struct sd_receipt *r, const char *header,
	    int cols, int copy, struct sd_buf *out);

struct sd_shift {
	char	 cashier[SD_LOGIN_MAX + 1];
	int64_t	 from, to;
	char	 first[24], last[24];	/* receipt numbers */
	long	 receipts;
	long	 voids;
	int64_t	 voided_fen;
	int64_t	 by_method[4];		/* cash, card, wechat, alipay */
	int64_t	 expected_cash_fen;
	int64_t	 counted_cash_fen;	/* -1: not counted */
};

/*
 * Print a receipt on a configured printer: counted as a print (a reprint
 * says COPY) and queued for simdeskd, which drives the printers.  *out
 * (may be NULL) gets the receipt, *copy whether it was a reprint.
 */
int	sd_print_queue(struct sd_session *s, const char *printer,
	    const char *number, int cols, struct sd_receipt *out, int *copy,
	    struct sd_err *err);
/* simdeskd: print every queued job; *printed and *failed count them. */
int	sd_print_run(struct sd_core *core,
	    int (*print)(const char *device, const char *text, struct sd_err *e),
	    int *printed, int *failed, struct sd_err *err);

/* Close the cashier's shift: receipts since the last close. */
int	sd_shift_close(struct sd_session *s, const char *counted,
	    struct sd_shift *out, struct sd_err *err);
/* The cash counted at a close: fen, or -1 for empty (not counted). */
int	sd_counted_check(const char *counted, int64_t *fen, struct sd_err *err);
/* The same figures for the shift so far, closing nothing. */
int	sd_shift_report(struct sd_session *s, struct sd_shift *out,
	    struct sd_err *err);
extern const char *const sd_pay_methods[];

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
/* Write an audit row in a transaction of its own (refusals, logins). */
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

/* ---------------------------------------------------------------- telephony */

/*
 * The modems simdeskd drives, as it last reported them.  Usage and quota
 * are filled by sd_modem_list/get from the SIM's month.
 */
struct sd_modem {
	char	 name[33];
	char	 port[128];
	char	 imei[20];
	char	 iccid[24];
	char	 imsi[20];
	char	 msisdn[16];
	char	 carrier[33];
	int	 signal;		/* +CSQ 0-31, 99 unknown */
	int	 reg;			/* +CREG stat, -1 unknown */
	char	 state[16];		/* init, ready, call, down, out */
	int	 slot, nslots;
	uint64_t call;			/* the call it carries, 0 none */
	char	 message[160];		/* why it is out of service */
	int64_t	 updated;
	int	 simulated;
	/* filled on reading */
	long	 used_s, quota_s;	/* this month's call seconds */
	long	 sms_used, sms_quota;
	int	 level;			/* 0 ok, 1 and 2 warnings, 3 resting */
};

enum sd_job_kind { SD_JOB_DIAL, SD_JOB_HANGUP, SD_JOB_ANSWER, SD_JOB_SMS,
    SD_JOB_USSD, SD_JOB_SWITCH, SD_JOB_FAULT, SD_JOB_RING, SD_JOB_SMS_IN,
    SD_JOB_DTMF };
enum sd_job_status { SD_JOB_QUEUED, SD_JOB_DONE, SD_JOB_FAILED };

/* Work for simdeskd, taken in id order. */
struct sd_teljob {
	uint64_t id;
	int	 kind;
	char	 modem[33];
	char	 number[33];
	char	 text[1024];
	uint64_t ref;			/* the call or SMS */
	int	 slot;
	char	 by[SD_LOGIN_MAX + 1];
	int64_t	 created;
	int	 status;
	char	 result[1024];
	int64_t	 done_at;
};

enum sd_call_state { SD_CALL_QUEUED, SD_CALL_DIALING, SD_CALL_RINGING,
    SD_CALL_ACTIVE, SD_CALL_ENDED };

/* A call through the modems (通话信息). */
struct sd_call {
	uint64_t id;
	int	 direction;		/* SD_DIR_OUT / SD_DIR_IN */
	char	 caller[33];		/* 来电号码 */
	char	 callee[33];		/* 去电号码 */
	char	 modem[33];
	char	 iccid[24];		/* the SIM that carried it */
	char	 operator[SD_LOGIN_MAX + 1];
	uint64_t customer;
	int64_t	 created, start, answer, end;
	int	 duration, billsec;
	int	 state;
	char	 disposition[16];	/* answered, busy, no-answer, failed,
					 * missed, cancelled */
	int64_t	 unit_mfen;		/* 单位费用, per minute */
	int64_t	 cost_fen;		/* 总费用 */
	char	 rate_name[49];
	char	 offered[160];		/* operators it rang for */
	char	 outcome[33];
	char	 recording[64];		/* under DATADIR/recordings/, "" none */
	int	 rec_seconds;
};

const char *sd_call_state_name(int state);

/* Dial number (click-to-dial): the call id at once; simdeskd places it
 * on modem (NULL: the least used SIM of the callee's carrier) for as
 * (NULL: the caller; supervisors and admins may name an operator).  A
 * customer on the do-not-call list is refused. */
int	sd_call_dial(struct sd_session *s, const char *number, const char *modem,
	    const char *as, uint64_t *id, struct sd_err *err);
int	sd_call_hangup(struct sd_session *s, uint64_t id, struct sd_err *err);
/* Send tones (0-9 * # A-D, up to 16) on a call that is talking: menus
 * of the far end (press 1 for ...). */
int	sd_call_dtmf(struct sd_session *s, uint64_t id, const char *digits,
	    struct sd_err *err);
/* The operator takes a ringing incoming call (the first one wins). */
int	sd_call_answer(struct sd_session *s, uint64_t id, struct sd_err *err);
int	sd_call_get(struct sd_session *s, uint64_t id, struct sd_call *out,
	    struct sd_err *err);
struct sd_call_filter {
	const char	*operator;	/* NULL any */
	int64_t		 from, to;	/* start in [from, to); 0 = open */
	uint64_t	 customer;	/* 0 any */
	int		 missed;	/* only missed incoming calls */
};
typedef int (*sd_call_cb)(const struct sd_call *c, void *arg);
/* Calls by start time; an operator sees their own. */
int	sd_call_list(struct sd_session *s, const struct sd_call_filter *f,
	    sd_call_cb cb, void *arg, struct sd_err *err);
struct sd_call_stats {
	char	operator[SD_LOGIN_MAX + 1];
	long	calls, answered, talk_s;
	long	in, missed;
};
typedef int (*sd_stats_cb)(const struct sd_call_stats *st, void *arg);
/* Per operator over [from, to). */
int	sd_call_stats(struct sd_session *s, int64_t from, int64_t to,
	    sd_stats_cb cb, void *arg, struct sd_err *err);

struct sd_sms {
	uint64_t id;
	int	 direction;
	char	 modem[33];
	char	 iccid[24];
	char	 number[33];
	char	 text[2048];
	int	 parts;
	int64_t	 at;
	char	 status[16];		/* queued, sent, failed, received */
	char	 by[SD_LOGIN_MAX + 1];
	char	 error[160];
	uint64_t customer;
};
int	sd_sms_send(struct sd_session *s, const char *number, const char *text,
	    const char *modem, uint64_t *id, struct sd_err *err);
typedef int (*sd_sms_cb)(const struct sd_sms *m, void *arg);
/* Newest first; limit 0 = all. */
int	sd_sms_list(struct sd_session *s, int limit, sd_sms_cb cb, void *arg,
	    struct sd_err *err);
int	sd_sms_get(struct sd_session *s, uint64_t id, struct sd_sms *out,
	    struct sd_err *err);

/* Ask a modem for a USSD code; the reply arrives on the job. */
int	sd_ussd(struct sd_session *s, const char *modem, const char *code,
	    uint64_t *job, struct sd_err *err);
/* Switch a SIM-bank modem to slot; then the ICCID is checked. */
int	sd_modem_switch(struct sd_session *s, const char *modem, int slot,
	    uint64_t *job, struct sd_err *err);
/* Simulated modems only (admin): a fault, an outside caller, an SMS in. */
int	sd_modem_simulate(struct sd_session *s, const char *modem, int kind,
	    const char *arg, const char *text, uint64_t *job, struct sd_err *err);
int	sd_job_get(struct sd_session *s, uint64_t id, struct sd_teljob *out,
	    struct sd_err *err);
/* Wait up to seconds for a job to be done (polls; for the CLI). */
int	sd_job_wait(struct sd_session *s, uint64_t id, int seconds,
	    struct sd_teljob *out, struct sd_err *err);

typedef int (*sd_modem_cb)(const struct sd_modem *m, void *arg);
int	sd_modem_list(struct sd_session *s, sd_modem_cb cb, void *arg,
	    struct sd_err *err);
int	sd_modem_get(struct sd_session *s, const char *name, struct sd_modem *out,
	    struct sd_err *err);

/* A call's recording (G.711 A-law WAV): its path, for whoever may see the
 * call. */
int	sd_call_recording(struct sd_session *s, uint64_t id, char *path,
	    size_t size, struct sd_err *err);
/* An operator's availability for incoming calls (the TUI beats; a beat
 * older than 15 s is away).  Operators and supervisors take calls. */
int	sd_presence_beat(struct sd_session *s, int paused, const char *reason,
	    struct sd_err *err);
/* Who is at the desks, for supervisors: away (no beat for 15 s, or
 * signed out), available, paused (with the reason) or on a call. */
enum sd_presence_state { SD_PRES_AWAY, SD_PRES_AVAILABLE, SD_PRES_PAUSED,
    SD_PRES_ON_CALL };
struct sd_presence {
	char	 login[SD_LOGIN_MAX + 1];
	char	 name[SD_NAME_MAX + 1];
	int	 state;
	char	 reason[65];
	int64_t	 beat, last_end;
	uint64_t call;
};
typedef int (*sd_presence_cb)(const struct sd_presence *p, void *arg);
int	sd_presence_list(struct sd_session *s, sd_presence_cb cb, void *arg,
	    struct sd_err *err);
const char *sd_presence_state_name(int state);
/* The outcome of a call (answered, no_answer, sale, ...), from the
 * after-call note: the call's operator, or a supervisor.  A call from a
 * number that was unknown is linked to the customer who has it now. */
int	sd_call_set_outcome(struct sd_session *s, uint64_t id, const char *outcome,
	    struct sd_err *err);

/* What reaches an operator's screen: a pop, a call's end, a message. */
enum sd_event_kind { SD_EV_POP, SD_EV_STATE, SD_EV_ENDED, SD_EV_MISSED,
    SD_EV_QUOTA, SD_EV_SMS };
struct sd_tel_event {
	uint64_t id;
	int	 kind;
	uint64_t call;
	char	 number[33];
	uint64_t customer;
	char	 text[256];
	int64_t	 at;
};
/* Take (and delete) up to max of the session user's events, oldest first. */
int	sd_tel_events(struct sd_session *s, struct sd_tel_event *out, int max,
	    int *n, struct sd_err *err);

/* ---- simdeskd's side (a system session) */
int	sd_job_next(struct sd_core *core, uint64_t after, struct sd_teljob *out,
	    int *found, struct sd_err *err);
int	sd_job_finish(struct sd_core *core, uint64_t id, int status,
	    const char *result, struct sd_err *err);
int	sd_modem_report(struct sd_core *core, const struct sd_modem *m,
	    struct sd_err *err);
/* Candidate SIMs for an outgoing call; the choice in *pick (-1: none). */
struct sd_sim_cand {
	const char	*iccid;
	const char	*carrier;
};
int	sd_sim_choose(struct sd_core *core, const char *number,
	    const struct sd_sim_cand *c, int n, int *pick, struct sd_err *err);
/* "mobile", "unicom", "telecom" or "" from a number or operator name. */
const char *sd_carrier_of_number(const char *number);
const char *sd_carrier_of_name(const char *name);
/* simdeskd takes a queued call to dial it: SD_EREFUSED when it was
 * cancelled (hung up) while queued. */
int	sd_call_claim(struct sd_core *core, uint64_t id, const char *modem,
	    const char *iccid, struct sd_err *err);
int	sd_call_progress(struct sd_core *core, uint64_t id, int state,
	    const char *modem, const char *iccid, int64_t when,
	    struct sd_err *err);
/* simdeskd wrote the call's recording: recordings/name, seconds long. */
int	sd_call_recorded(struct sd_core *core, uint64_t id, const char *name,
	    long seconds, struct sd_err *err);
/* End a call: usage of the SIM, rating (and a CDR when the SIM is a line
 * in the books), the operator's ENDED event; a missed incoming call is a
 * callback reminder for the owner (or the pool). */
int	sd_call_end(struct sd_core *core, uint64_t id, const char *disposition,
	    int64_t when, struct sd_err *err);
/* A call rings on modem from number: the customer's owner if available,
 * else operators by the strategy; each gets a POP.  *id is the call. */
int	sd_call_incoming(struct sd_core *core, const char *modem,
	    const char *iccid, const char *msisdn, const char *number,
	    uint64_t *id, struct sd_err *err);
int	sd_sms_update(struct sd_core *core, uint64_t id, const char *status,
	    int parts, const char *modem, const char *iccid, const char *error,
	    struct sd_err *err);
int	sd_sms_received(struct sd_core *core, const char *modem,
	    const char *iccid, const char *number, const char *text, int parts,
	    int64_t at, struct sd_err *err);

/* Free this thread's compiled tariffs (a server thread that ends). */
void	sd_tariff_cache_free(void);

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

/* ---------------------------------------------------------------- wire */

/*
 * Frames between simdeskd and its clients (core/wire.c): a 4-byte
 * big-endian length, then one sd_rec record whose tag SD_W_TYPE is the
 * message type.  SD_WIRE_VERSION changes whenever a message changes.
 */
#define SD_WIRE_VERSION	2
#define SD_WIRE_MAX	(1u << 20)	/* largest frame a server reads */
#define SD_WIRE_FIELDS	256
#define SD_WIRE_FDS	8
#define SD_WIRE_BUSY_SECONDS	5	/* BUSY this often while a request runs */

enum sd_wire_type {
	SD_MSG_HELLO = 1,	/* c->s: version, pid, ttys, env, kind */
	SD_MSG_WELCOME,		/* s->c: version, server pid */
	SD_MSG_REQUEST,		/* c->s: id, args, json, files (+ fds) */
	SD_MSG_QUERY,		/* c->s: id: what became of it? */
	SD_MSG_OUT,		/* s->c: standard output bytes */
	SD_MSG_ERR,		/* s->c: standard error bytes */
	SD_MSG_PROMPT,		/* s->c: question, secret */
	SD_MSG_ANSWER,		/* c->s: text, or none: no answer */
	SD_MSG_DONE,		/* s->c: exit, files used */
	SD_MSG_UNKNOWN,		/* s->c: no such request committed */
	SD_MSG_REFUSED,		/* s->c: text: the connection is refused */
	SD_MSG_BUSY,		/* s->c: still at it (every few seconds) */
	/* simdesk (the TUI): calls of the operation table, sd_rpc below */
	SD_MSG_CALL,		/* c->s: id, op, arguments (+ fds) */
	SD_MSG_ROWS,		/* s->c: rows of a list the call returns */
	SD_MSG_PROGRESS,	/* s->c: done, total of a long call */
	SD_MSG_RESULT,		/* s->c: status, error, results */
	SD_MSG_EVENT		/* s->c: a TUI's inbox rang: SD_INBOX_* (a push) */
};

enum sd_wire_tag {
	SD_W_TYPE = 1,
	SD_W_VERSION,
	SD_W_ID,		/* the client's request id */
	SD_W_ARG,		/* repeated: NOUN [VERB] ARGS... */
	SD_W_JSON,
	SD_W_ENV,		/* repeated: NAME=VALUE */
	SD_W_TTYS,		/* bit n: the client's fd n is a terminal */
	SD_W_CANPROMPT,
	SD_W_FILE,		/* repeated: "r:PATH" / "w:PATH", fds in order */
	SD_W_TEXT,
	SD_W_SECRET,
	SD_W_EXIT,
	SD_W_STATE,		/* DONE of a QUERY: 1 done, 2 reply lost */
	SD_W_USED,		/* bit n: file n was opened */
	SD_W_PID,
	SD_W_KIND,
	SD_W_NONE,		/* ANSWER: the person gave none */
	SD_W_OP,		/* CALL: the operation */
	SD_W_BUILD,		/* HELLO of a TUI: its build (sd_rpc_build) */
	/* positional arguments and results of a CALL / RESULT / ROWS */
	SD_W_AINT,
	SD_W_ASTR,
	SD_W_ANULL,		/* a NULL string */
	SD_W_ARAW		/* a fixed-layout struct of the same build */
};

struct sd_wire_field {
	int		 tag;
	int64_t		 ival;
	const char	*s;		/* bytes field, NUL-terminated; or NULL */
	size_t		 len;
};

struct sd_wire_msg {
	int			type;
	int			n;
	struct sd_wire_field	f[SD_WIRE_FIELDS];
	char			*arena;
};

void	sd_wire_begin(struct sd_buf *b, int type);
/* Patch the length in: b is then ready to send. */
void	sd_wire_finish(struct sd_buf *b);
/* Decode one frame's record (after the length); m owns copies. */
int	sd_wire_decode(const void *data, size_t len, struct sd_wire_msg *m,
	    struct sd_err *err);
void	sd_wire_msg_free(struct sd_wire_msg *m);
/* The nth field with tag, or NULL. */
const struct sd_wire_field *sd_wire_get(const struct sd_wire_msg *m, int tag,
	    int nth);
const char *sd_wire_str(const struct sd_wire_msg *m, int tag);
int64_t	sd_wire_int(const struct sd_wire_msg *m, int tag, int64_t dflt);
/* Send a finished frame, with descriptors on its first byte. */
int	sd_wire_send(int fd, const struct sd_buf *frame, const int *fds,
	    int nfds, struct sd_err *err);
/*
 * Read one frame of at most max bytes into frame, and the descriptors
 * that came with it (at most maxfds; more are closed).  SD_ENOTFOUND:
 * the peer closed between frames; SD_EINVAL: over the limit, truncated;
 * SD_EINTERNAL: a socket error or timeout.
 */
int	sd_wire_recv(int fd, struct sd_buf *frame, size_t max, int *fds,
	    int *nfds, int maxfds, struct sd_err *err);
/* sd_wire_recv and sd_wire_decode. */
int	sd_wire_recv_msg(int fd, struct sd_buf *frame, size_t max,
	    struct sd_wire_msg *m, int *fds, int *nfds, int maxfds,
	    struct sd_err *err);

/* ---------------------------------------------------------------- rpc */

/*
 * The operation table simdesk (the TUI) calls through simdeskd
 * (core/rpc.c): a CALL names one of these and carries the function's
 * arguments positionally; the RESULT carries its status, error and
 * results.  Structs travel as their bytes, so a TUI speaks only to a
 * server of its own build (sd_rpc_build, checked at hello).
 */
#define SD_RPC_OPS(X)							\
	X(SESSION_PEER) X(SESSION_LOGIN) X(AUTHORIZE)			\
	X(CUSTOMER_GET) X(CUSTOMER_FIND) X(CUSTOMER_ADD)		\
	X(CUSTOMER_UPDATE) X(CUSTOMER_CLAIM)				\
	X(CUSTOMER_CHECK_SVC_PASSWORD) X(CUSTOMER_PAGE)			\
	X(CUSTOMER_IMPORT) X(NOTE_ADD) X(NOTE_LIST) X(REMINDER_DUE)	\
	X(REMINDER_SEEN) X(TICKET_LIST) X(TICKET_ADD) X(TICKET_UPDATE)	\
	X(TICKET_CLOSE) X(USER_GET) X(USER_PAGE) X(USER_ADD)		\
	X(USER_UPDATE) X(USER_SET_STATUS) X(USER_UNLOCK) X(USER_PASSWD)	\
	X(USER_MAY_PASSWD) X(SIM_FIND) X(SIM_PAGE) X(SIM_ACTIVATE)	\
	X(SIM_COUNTS) X(SIM_IMPORT) X(SIM_STOCKTAKE) X(AGENT_TREE)	\
	X(AGENT_STATS) X(AGENT_SET_STATUS) X(SUBSCRIPTION_LIST)		\
	X(ORDER_ADD) X(ORDER_LIST) X(ORDER_APPROVE) X(ORDER_DELIVER)	\
	X(ORDER_SHIP) X(ORDER_END) X(TARIFF_LIST) X(TARIFF_RATES)	\
	X(TARIFF_RATE) X(TARIFF_QUOTE) X(CDR_PAGE) X(BILL_PAGE)		\
	X(BILL_GET) X(BILL_HISTORY) X(BALANCE_GET) X(PAY)		\
	X(RECEIPT_PRINTED) X(PRINT_QUEUE) X(SHIFT_CLOSE) X(CALL_GET)	\
	X(CALL_LIST) X(CALL_DIAL) X(CALL_ANSWER) X(CALL_HANGUP)		\
	X(CALL_DTMF) X(CALL_SET_OUTCOME) X(MODEM_LIST) X(MODEM_SWITCH)	\
	X(PRESENCE_BEAT) X(PRESENCE_LIST) X(TEL_EVENTS) X(DISK_GET)	\
	X(LOGIN_NOTE) X(SHIFT_REPORT) X(VERIFY) X(RECEIPT_LIST)		\
	X(RECEIPT_VOID) X(TICKET_ASSIGN) X(CUSTOMER_TRANSFER)		\
	X(CDR_IMPORT) X(BILL_RUN) X(BILL_ADJUST)				\
	X(PLAN_LIST) X(PLAN_ADD) X(VAS_LIST) X(VAS_ADD) X(AGENT_ADD)		\
	X(AUDIT_PAGE) X(AUDIT_GET)

enum sd_rpc_op {
#define SD_RPC_ENUM(n) SD_RPC_##n,
	SD_RPC_OPS(SD_RPC_ENUM)
#undef SD_RPC_ENUM
	SD_RPC__COUNT
};

/* This build's identity: the version and a checksum of its headers. */
const char *sd_rpc_build(void);

/* Positional fields: writers, and a reader over a decoded message. */
void	sd_arg_int(struct sd_buf *b, int64_t v);
void	sd_arg_str(struct sd_buf *b, const char *s);	/* NULL kept */
void	sd_arg_raw(struct sd_buf *b, const void *p, size_t n);
struct sd_args {
	const struct sd_wire_msg *m;
	int			 i;
	int			 bad;	/* a field missing or of another kind */
};
void	sd_args_init(struct sd_args *a, const struct sd_wire_msg *m);
int	sd_args_more(struct sd_args *a);
int64_t	sd_args_int(struct sd_args *a);
/* A string; NULL (ANULL) makes the call malformed.  _opt: NULL kept. */
const char *sd_args_str(struct sd_args *a);
const char *sd_args_opt(struct sd_args *a);
const void *sd_args_rawp(struct sd_args *a, size_t *n);
/* Copy a struct of exactly n bytes; -1 (and bad) otherwise. */
int	sd_args_raw(struct sd_args *a, void *out, size_t n);
/* The input structs with pointers, field by field. */
void	sd_arg_user_fields(struct sd_buf *b, const struct sd_user_fields *f);
void	sd_arg_cust_fields(struct sd_buf *b, const struct sd_cust_fields *f);
void	sd_arg_sim_filter(struct sd_buf *b, const struct sd_sim_filter *f);
void	sd_arg_activation(struct sd_buf *b, const struct sd_activation *f);
void	sd_arg_rate_fields(struct sd_buf *b, const struct sd_rate_fields *f);
void	sd_arg_plan_fields(struct sd_buf *b, const struct sd_plan_fields *f);
void	sd_arg_agent_fields(struct sd_buf *b,
	    const struct sd_agent_fields *f);

/* The server's side of one simdesk connection. */
struct sd_rpc_srv {
	struct sd_core		*core;
	uid_t			 uid;		/* the peer's (SO_PEERCRED) */
	struct sd_session	 sess;
	int			 signed_in;
	/* Finish and send one frame (ROWS, PROGRESS); 0 or -1.  now:
	 * on its way at once (progress), else it may go with the next. */
	int			(*send)(void *arg, struct sd_buf *frame, int now);
	void			*send_arg;
};
/*
 * Carry out one CALL: ROWS and PROGRESS frames go out through c->send
 * as it runs; the results are appended to res (a RESULT frame begun by
 * the caller).  The status; err says why.
 */
int	sd_rpc_call(struct sd_rpc_srv *c, const struct sd_wire_msg *m,
	    struct sd_buf *res, struct sd_err *err);

#endif
