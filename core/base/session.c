/*
 * session.c -- opening the core, set-gid hygiene, password hashing
 * (yescrypt through libcrypt), logins with lockout, peer authentication of
 * the invoking Unix user, and creating the first admin.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <crypt.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base/base_int.h"

/* ---------------------------------------------------------------- process */

extern char **environ;

static const char *const env_keep[] = {
	"TERM=", "LANG=", "LC_", "LANGUAGE=", "COLUMNS=", "LINES=", "HOME=",
	"USER=", "LOGNAME=", "SIMDESK_", "TMUX=", "NO_COLOR=", NULL
};

void
sd_process_sanitize(void)
{
	int fd;

	umask(007);
	/* A set-gid program must not have its output land on an open file. */
	for (fd = 0; fd < 3; fd++)
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF)
			if (open("/dev/null", O_RDWR) != fd)
				abort();
	if (getegid() != getgid() || geteuid() != getuid()) {
		/* Trust nothing inherited: keep only what simdesk reads. */
		char **saved = NULL;
		size_t n = 0;

		for (char **e = environ; e != NULL && *e != NULL; e++)
			for (int i = 0; env_keep[i] != NULL; i++)
				if (strncmp(*e, env_keep[i],
				    strlen(env_keep[i])) == 0) {
					saved = xrealloc(saved,
					    (n + 1) * sizeof *saved);
					saved[n++] = xstrdup(*e);
					break;
				}
		clearenv();
		for (size_t i = 0; i < n; i++)
			putenv(saved[i]);	/* putenv keeps the string */
		free(saved);
		setenv("PATH", "/usr/bin:/bin", 1);
	}
}

void
sd_process_set_timezone(const char *tz)
{
	if (tz != NULL && *tz != '\0')
		setenv("TZ", tz, 1);
	tzset();
}

/* ---------------------------------------------------------------- core */

int
sd_core_open(struct sd_core **out, const struct sd_config *cfg, int create,
    struct sd_err *err)
{
	struct sd_core *core;
	struct sd_db_opts o;
	char key[256];
	int st;

	*out = NULL;
	memset(&o, 0, sizeof o);
	o.home = cfg->data_dir;
	o.create = create;
	o.cache_mb = (unsigned)cfg->cache_mb;
	o.durable = cfg->durable;
	/* Backups need the log since the last one (core/ops). */
	o.keep_logs = cfg->keep_logs || (core_hooks.keeps_logs != NULL &&
	    core_hooks.keeps_logs(cfg));
	if ((st = sd_config_key(cfg, key, sizeof key, err)) != SD_OK)
		return st;
	if (key[0] != '\0')
		o.passphrase = key;
	sd_process_set_timezone(cfg->timezone);
	core = xcalloc(1, sizeof *core);
	core->cfg = *cfg;
	st = sd_db_open(&core->db, &o, core_schema(), T__COUNT, err);
	explicit_bzero(key, sizeof key);
	if (st != SD_OK) {
		free(core);
		return st;
	}
	/*
	 * The environment is ours alone from here on, so an import still
	 * marked running was its last owner's, killed during it (its pid
	 * may even be ours again after a restart): undo it now.
	 */
	if (!create && (st = sd_import_cleanup(core, 1, err)) != SD_OK) {
		sd_core_close(core);
		return st;
	}
	/* Later domains bring what they keep up to date (report's rollups
	 * on a data directory older than them). */
	if (core_hooks.opened != NULL &&
	    (st = core_hooks.opened(core, create, err)) != SD_OK) {
		sd_core_close(core);
		return st;
	}
	*out = core;
	return SD_OK;
}

void
sd_core_close(struct sd_core *core)
{
	if (core == NULL)
		return;
	sd_db_close(core->db);
	free(core);
}

/* ---------------------------------------------------------------- passwords */

int
password_hash(const char *password, char *out, size_t size, struct sd_err *err)
{
	char salt[CRYPT_GENSALT_OUTPUT_SIZE];
	struct crypt_data *cd;
	const char *h;
	int st = SD_OK;

	if (crypt_gensalt_rn("$y$", 0, NULL, 0, salt, sizeof salt) == NULL)
		return sd_err_set(err, SD_EINTERNAL, "password: %s",
		    strerror(errno));
	cd = xcalloc(1, sizeof *cd);
	h = crypt_rn(password, salt, cd, sizeof *cd);
	if (h == NULL || h[0] == '*' || sd_strlcpy(out, h, size) != 0)
		st = sd_err_set(err, SD_EINTERNAL, "password: hashing failed");
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	return st;
}

/* 1 if password matches hash; constant time in the compare. */
int
password_check(const char *password, const char *hash)
{
	struct crypt_data *cd;
	const char *h;
	size_t n;
	unsigned char diff = 0;

	if (hash == NULL || hash[0] != '$')
		return 0;
	cd = xcalloc(1, sizeof *cd);
	h = crypt_rn(password, hash, cd, sizeof *cd);
	if (h == NULL || (n = strlen(h)) != strlen(hash)) {
		free(cd);
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		diff |= (unsigned char)(h[i] ^ hash[i]);
	explicit_bzero(cd, sizeof *cd);
	free(cd);
	return diff == 0;
}

/* ---------------------------------------------------------------- logins */

struct login_arg {
	const char	*login;
	int		 ok;		/* password matched */
	int		 max_fail;
	int		 lock_min;
	struct sd_user	 u;
	char		 pwhash[160];
	int		 result;	/* SD_OK or SD_EPERM */
	struct sd_err	 why;
};

static int
login_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct login_arg *a = arg;
	int64_t now = sd_now();
	int st;
	char until[32];

	if ((st = user_load_hash(t, a->login, &a->u, a->pwhash,
	    sizeof a->pwhash, 1, err)) != SD_OK)
		return st;
	if (a->u.locked_until != 0 && a->u.locked_until <= now) {
		a->u.locked_until = 0;	/* the lock has run out */
		a->u.failed = 0;
	}
	if (a->u.status == SD_USER_DISABLED) {
		a->result = SD_EPERM;
		sd_err_set(&a->why, SD_EPERM, "account %s is disabled",
		    a->login);
		return sd_audit_write(t, a->login, "login", a->login,
		    SD_OUTCOME_DENIED, "", "disabled", err);
	}
	if (a->u.locked_until > now) {
		sd_time_format(a->u.locked_until, until, sizeof until);
		a->result = SD_EPERM;
		sd_err_set(&a->why, SD_EPERM,
		    "account %s is locked until %s", a->login, until);
		return sd_audit_write(t, a->login, "login", a->login,
		    SD_OUTCOME_DENIED, "", "locked", err);
	}
	if (a->ok) {
		a->u.failed = 0;
		a->u.last_login = now;
		a->result = SD_OK;
		if ((st = user_store(t, &a->u, a->pwhash, 0, err)) != SD_OK)
			return st;
		return sd_audit_write(t, a->login, "login", a->login,
		    SD_OUTCOME_OK, "", "password", err);
	}
	a->u.failed++;
	a->result = SD_EPERM;
	sd_err_set(&a->why, SD_EPERM, "wrong password for %s", a->login);
	if ((st = sd_audit_write(t, a->login, "login", a->login,
	    SD_OUTCOME_FAILED, "", "wrong password", err)) != SD_OK)
		return st;
	if (a->u.failed >= a->max_fail) {
		a->u.locked_until = now + (int64_t)a->lock_min * 60;
		sd_err_set(&a->why, SD_EPERM,
		    "wrong password for %s; account locked for %d minutes",
		    a->login, a->lock_min);
		if ((st = sd_audit_write(t, a->login, "login.lock", a->login,
		    SD_OUTCOME_OK, "", "locked", err)) != SD_OK)
			return st;
	}
	return user_store(t, &a->u, a->pwhash, 0, err);
}

static int
load_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct login_arg *a = arg;

	return user_load_hash(t, a->login, &a->u, a->pwhash, sizeof a->pwhash,
	    0, err);
}

int
sd_session_login(struct sd_core *core, const char *login,
    const char *password, struct sd_session *s, struct sd_err *err)
{
	struct login_arg a;
	char folded[SD_LOGIN_MAX + 1];
	int st;

	memset(s, 0, sizeof *s);
	memset(&a, 0, sizeof a);
	login_fold(login, folded, sizeof folded);
	a.login = folded;
	a.max_fail = core->cfg.lock_failures;
	a.lock_min = core->cfg.lock_minutes;
	/* Hash outside any transaction: yescrypt is slow on purpose. */
	st = sd_db_read(core->db, load_txn, &a, err);
	if (st == SD_ENOTFOUND) {
		if (sd_audit_log(core, folded, "login", folded,
		    SD_OUTCOME_FAILED, "unknown user") != SD_OK)
			return sd_err_set(err, SD_EPERM, "login %s: no such user "
			    "(not audited)", folded);
		return sd_err_set(err, SD_EPERM, "login %s: no such user",
		    folded);
	}
	if (st != SD_OK)
		return st;
	/* No slow hash for an account that is refused anyway. */
	if (a.u.status != SD_USER_DISABLED && a.u.locked_until <= sd_now())
		a.ok = password != NULL && password_check(password, a.pwhash);
	st = sd_db_run(core->db, login_txn, &a, err);
	explicit_bzero(a.pwhash, sizeof a.pwhash);
	if (st != SD_OK)
		return st;
	if (a.result != SD_OK)
		return sd_err_nest(err, SD_EPERM, &a.why, "login: %s",
		    a.why.msg);
	s->core = core;
	s->user = a.u;
	sd_strlcpy(s->via, "password", sizeof s->via);
	return SD_OK;
}

struct peer_arg {
	const char	*os_login;
	struct sd_user	 u;
};

static int
peer_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct peer_arg *a = arg;
	struct sd_buf val = SD_BUF_INIT;
	int st;

	st = sd_get_by(t, T_USER, IX_USER_OSLOGIN, a->os_login,
	    strlen(a->os_login), NULL, &val, 0, err);
	if (st == SD_OK && user_decode(val.p, val.len, &a->u) != SD_OK)
		st = sd_err_set(err, SD_EINTERNAL, "user record corrupt");
	sd_buf_free(&val);
	return st;
}

int
sd_session_peer(struct sd_core *core, struct sd_session *s, struct sd_err *err)
{
	return sd_session_peer_uid(core, getuid(), s, err);
}

int
sd_session_peer_uid(struct sd_core *core, uid_t uid, struct sd_session *s,
    struct sd_err *err)
{
	char name[256];

	return sd_session_peer_name(core, uid, sd_unix_name(uid, name,
	    sizeof name), s, err);
}

const char *
sd_unix_name(uid_t uid, char *buf, size_t size)
{
	struct passwd pwbuf, *pw = NULL;
	char strs[1024];

	if (getpwuid_r(uid, &pwbuf, strs, sizeof strs, &pw) != 0 ||
	    pw == NULL || sd_strlcpy(buf, pw->pw_name, size) != 0)
		return NULL;
	return buf;
}

int
sd_session_peer_name(struct sd_core *core, uid_t uid, const char *os_login,
    struct sd_session *s, struct sd_err *err)
{
	struct peer_arg a;
	int st;

	memset(s, 0, sizeof *s);
	if (os_login == NULL)
		return sd_err_set(err, SD_EPERM, "uid %ld has no Unix user name",
		    (long)uid);
	memset(&a, 0, sizeof a);
	a.os_login = os_login;
	st = sd_db_read(core->db, peer_txn, &a, err);
	if (st == SD_ENOTFOUND)
		return sd_err_set(err, SD_EPERM,
		    "Unix user %s is not bound to a simdesk user "
		    "(set SIMDESK_USER, or ask an admin: simdeskctl user bind)",
		    os_login);
	if (st != SD_OK)
		return st;
	if (a.u.status == SD_USER_DISABLED)
		return sd_err_set(err, SD_EPERM, "account %s is disabled",
		    a.u.login);
	s->core = core;
	s->user = a.u;
	sd_strlcpy(s->via, "peer", sizeof s->via);
	return SD_OK;
}

void
sd_session_system(struct sd_core *core, struct sd_session *s,
    const char *name)
{
	memset(s, 0, sizeof *s);
	s->core = core;
	sd_strlcpy(s->user.login, name, sizeof s->user.login);
	sd_strlcpy(s->user.name, name, sizeof s->user.name);
	s->user.role = SD_ROLE_ADMIN;
	sd_strlcpy(s->via, "system", sizeof s->via);
}

/* ---------------------------------------------------------------- init */

struct init_arg {
	struct sd_user	u;
	char		pwhash[160];
};

static int
init_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct init_arg *a = arg;
	struct sd_cursor *c;
	char desc[512];
	int st;

	if ((st = sd_cursor_open(t, T_USER, -1, &c, err)) != SD_OK)
		return st;
	st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err);
	sd_cursor_close(c);
	if (st == SD_OK)
		return sd_err_set(err, SD_EREFUSED,
		    "init: this data directory already has users");
	if (st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	if ((st = rec_meta_put(t, "created", &a->u.created,
	    sizeof a->u.created, err)) != SD_OK)
		return st;
	if ((st = user_store(t, &a->u, a->pwhash, 1, err)) != SD_OK)
		return st;
	user_describe(&a->u, desc, sizeof desc);
	return sd_audit_write(t, a->u.login, "init", a->u.login, SD_OUTCOME_OK,
	    "", desc, err);
}

int
sd_init_admin(struct sd_core *core, const char *login, const char *name,
    const char *password, const char *os_login, struct sd_err *err)
{
	struct init_arg a;
	int st;

	if ((st = sd_check_login("admin", login, err)) != SD_OK)
		return st;
	if (password == NULL || (int)strlen(password) < core->cfg.min_password)
		return sd_err_set(err, SD_EINVAL,
		    "password: shorter than %d characters",
		    core->cfg.min_password);
	if (name != NULL && (st = sd_check_text("name", name, SD_NAME_MAX,
	    err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	sd_strlcpy(a.u.login, login, sizeof a.u.login);
	sd_strlcpy(a.u.name, name != NULL ? name : login, sizeof a.u.name);
	if (os_login != NULL)
		sd_strlcpy(a.u.os_login, os_login, sizeof a.u.os_login);
	a.u.role = SD_ROLE_ADMIN;
	a.u.created = sd_now();
	if ((st = sd_seq_next(core->db, "user", &a.u.id, err)) != SD_OK)
		return st;
	if ((st = password_hash(password, a.pwhash, sizeof a.pwhash,
	    err)) != SD_OK)
		return st;
	st = sd_db_run(core->db, init_txn, &a, err);
	explicit_bzero(a.pwhash, sizeof a.pwhash);
	return st;
}
