/*
 * core.h -- the domain's public interface: configuration, sessions (who is
 * acting), roles and the one permission check, users, audit, ledger,
 * invariants, and the text/money/time helpers every front end shares.
 * Every operation takes a session and checks the role here, never above.
 */
#ifndef SD_CORE_H
#define SD_CORE_H

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
	char	log_level[16];		/* error, warning, info, debug */
	int	cache_mb;
	int	durable;		/* fsync on every commit */
	int	keep_logs;		/* archive logs instead of removing */
	int	lock_failures;		/* wrong passwords before lockout */
	int	lock_minutes;
	int	min_password;		/* shortest password accepted */
	int	failchk_seconds;	/* simdeskd's failchk period */
	int	checkpoint_seconds;
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
/*
 * Log in with a password.  Wrong passwords count towards the lockout;
 * every success, failure and lock is audited.
 */
int	sd_session_login(struct sd_core *core, const char *login,
	    const char *password, struct sd_session *s, struct sd_err *err);
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
/* Write an audit row in a transaction of its own (refusals, logins). */
int	sd_audit_log(struct sd_core *core, const char *user, const char *op,
	    const char *object, int outcome, const char *detail);

struct sd_audit_filter {
	int64_t		 since;		/* 0 = from the beginning */
	const char	*user;
	const char	*object;	/* prefix of the object */
	const char	*op;		/* prefix of the operation */
	int		 limit;		/* 0 = all; else the newest limit rows */
};

typedef int (*sd_audit_cb)(const struct sd_audit *a, void *arg);
int	sd_audit_list(struct sd_session *s, const struct sd_audit_filter *f,
	    sd_audit_cb cb, void *arg, struct sd_err *err);

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
/* A rate in yuan per minute -> milli-fen per minute ("0.099" -> 9900). */
int	sd_rate_parse(const char *s, int64_t *mfen);
/* fen -> "12.34" / "-0.05" into out (at least 32 bytes). */
void	sd_money_format(int64_t fen, char *out, size_t size);

/* "YYYY-MM-DD", "YYYY-MM-DD HH:MM" or with :SS, local time; "@EPOCH". */
int	sd_time_parse(const char *s, int64_t *out);
/* Local "YYYY-MM-DD HH:MM:SS" into out (at least 20 bytes). */
void	sd_time_format(int64_t t, char *out, size_t size);
int64_t	sd_now(void);

/* Field validation shared by every front end; fills err naming the field. */
int	sd_check_login(const char *field, const char *s, struct sd_err *err);
int	sd_check_text(const char *field, const char *s, size_t max,
	    struct sd_err *err);
int	sd_check_phone(const char *field, const char *s, struct sd_err *err);

#endif
