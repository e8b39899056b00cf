/*
 * user.c -- staff accounts: the record codec, add/update/show/list, password
 * changes, disable/enable/unlock, and who may see whom (admin: everyone;
 * supervisor: their team; others: themselves).  Every change is audited
 * with before/after in the same transaction.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/base_int.h"

/* Record tags: never reuse or renumber one. */
enum {
	U_LOGIN = 1, U_NAME, U_ROLE, U_TEAM, U_PHONE, U_AGE, U_OSLOGIN,
	U_PWHASH, U_STATUS, U_FAILED, U_LOCKED, U_CREATED, U_LASTLOGIN,
	U_AGENT, U_ID
};

/* A user as stored: the public fields and the password hash, which no
 * struct sd_user carries (this file alone reads it). */
struct user_rec {
	struct sd_user	u;
	char		pwhash[160];
};

static const struct rec_field user_f[] = {
	REC_I(U_ID, user_rec, u.id),
	REC_S(U_LOGIN, user_rec, u.login),
	REC_S(U_NAME, user_rec, u.name),
	REC_I(U_ROLE, user_rec, u.role),
	REC_S(U_TEAM, user_rec, u.team),
	REC_S(U_PHONE, user_rec, u.phone),
	REC_I(U_AGE, user_rec, u.age),
	REC_S(U_OSLOGIN, user_rec, u.os_login),
	REC_S(U_AGENT, user_rec, u.agent),
	REC_S(U_PWHASH, user_rec, pwhash),
	REC_I(U_STATUS, user_rec, u.status),
	REC_I(U_FAILED, user_rec, u.failed),
	REC_I(U_LOCKED, user_rec, u.locked_until),
	REC_I(U_CREATED, user_rec, u.created),
	REC_I(U_LASTLOGIN, user_rec, u.last_login),
};

void
user_encode(const struct sd_user *u, const char *pwhash, struct sd_buf *b)
{
	struct user_rec r;

	memset(&r, 0, sizeof r);
	r.u = *u;
	sd_strlcpy(r.pwhash, pwhash != NULL ? pwhash : "", sizeof r.pwhash);
	rec_encode(user_f, REC_N(user_f), &r, b);
	explicit_bzero(r.pwhash, sizeof r.pwhash);
}

/* Tags it does not know (newer fields) are passed over. */
int
user_decode_hash(const void *p, size_t n, struct sd_user *u, char *pwhash,
    size_t size)
{
	struct user_rec r;
	int st = rec_decode(user_f, REC_N(user_f), p, n, &r, sizeof r);

	*u = r.u;
	if (pwhash != NULL)
		sd_strlcpy(pwhash, r.pwhash, size);
	explicit_bzero(r.pwhash, sizeof r.pwhash);
	return st;
}

int
user_decode(const void *p, size_t n, struct sd_user *u)
{
	return user_decode_hash(p, n, u, NULL, 0);
}

void
login_fold(const char *in, char *out, size_t size)
{
	size_t i;

	for (i = 0; in[i] != '\0' && i + 1 < size; i++)
		out[i] = (char)tolower((unsigned char)in[i]);
	out[i] = '\0';
}

const char *
sd_user_state(const struct sd_user *u, int64_t now)
{
	if (u->status == SD_USER_DISABLED)
		return "disabled";
	if (u->locked_until > now)
		return "locked";
	return "active";
}

void
user_describe(const struct sd_user *u, char *out, size_t size)
{
	snprintf(out, size, "login=%s name=%s role=%s team=%s phone=%s age=%d "
	    "os_login=%s agent=%s status=%s", u->login, u->name,
	    sd_role_name(u->role), u->team, u->phone, u->age, u->os_login,
	    u->agent, u->status == SD_USER_DISABLED ? "disabled" : "active");
}

/* Forget what a buffer held (a record with a password hash). */
static void
buf_wipe(struct sd_buf *b)
{
	if (b->p != NULL)
		explicit_bzero(b->p, b->len);
	sd_buf_free(b);
}

int
user_load_hash(struct sd_txn *t, const char *login, struct sd_user *u,
    char *pwhash, size_t size, int rmw, struct sd_err *err)
{
	struct sd_buf val = SD_BUF_INIT;
	int st;

	st = sd_get_by(t, T_USER, IX_USER_LOGIN, login, strlen(login), NULL,
	    &val, rmw ? SD_GET_RMW : 0, err);
	if (st == SD_ENOTFOUND)
		st = sd_err_set(err, SD_ENOTFOUND, "user %s: not found", login);
	else if (st == SD_OK && user_decode_hash(val.p, val.len, u, pwhash,
	    size) != SD_OK)
		st = sd_err_set(err, SD_EINTERNAL, "user %s: record corrupt",
		    login);
	buf_wipe(&val);
	return st;
}

int
user_load(struct sd_txn *t, const char *login, struct sd_user *u, int rmw,
    struct sd_err *err)
{
	return user_load_hash(t, login, u, NULL, 0, rmw, err);
}

int
user_store(struct sd_txn *t, const struct sd_user *u, const char *pwhash,
    int create, struct sd_err *err)
{
	struct sd_buf val = SD_BUF_INIT;
	struct sd_user old;
	char kept[160] = "";
	uint8_t key[8];
	int st;

	sd_be64_put(key, u->id);
	/* No new hash: the stored one stays. */
	if (pwhash == NULL && !create) {
		st = sd_get(t, T_USER, key, sizeof key, &val, SD_GET_RMW, err);
		if (st == SD_OK)
			user_decode_hash(val.p, val.len, &old, kept,
			    sizeof kept);
		else if (st != SD_ENOTFOUND) {
			sd_buf_free(&val);
			return st;
		}
		sd_err_clear(err);
		buf_wipe(&val);
		pwhash = kept;
	}
	user_encode(u, pwhash, &val);
	st = sd_put(t, T_USER, key, sizeof key, val.p, val.len,
	    create ? SD_PUT_NOOVERWRITE : 0, err);
	if (st == SD_EEXIST)
		st = sd_err_set(err, SD_EEXIST,
		    "user %s: login or Unix login already in use", u->login);
	buf_wipe(&val);
	explicit_bzero(kept, sizeof kept);
	return st;
}

/* ---------------------------------------------------------------- visibility */

/* May s see u?  Admin all, supervisor own team, everyone themselves. */
static int
visible(const struct sd_session *s, const struct sd_user *u)
{
	if (s->user.role == SD_ROLE_ADMIN || s->user.id == u->id)
		return 1;
	if (s->user.role == SD_ROLE_SUPERVISOR && s->user.team[0] != '\0' &&
	    strcmp(s->user.team, u->team) == 0)
		return 1;
	return 0;
}

/* ---------------------------------------------------------------- fields */

void
sd_user_fields_init(struct sd_user_fields *f)
{
	memset(f, 0, sizeof *f);
	f->role = SD_ROLE_NONE;
	f->age = -1;
}

static int
fields_apply(const struct sd_user_fields *f, struct sd_user *u,
    struct sd_err *err)
{
	int st;

	if (f->name != NULL) {
		if ((st = sd_check_text("name", f->name, SD_NAME_MAX, err)) != SD_OK)
			return st;
		sd_strlcpy(u->name, f->name, sizeof u->name);
	}
	if (f->role != SD_ROLE_NONE) {
		if (f->role <= SD_ROLE_NONE || f->role >= SD_ROLE__COUNT)
			return sd_err_set(err, SD_EINVAL, "role: unknown role");
		u->role = f->role;
	}
	if (f->team != NULL) {
		if ((st = sd_check_text("team", f->team, sizeof u->team - 1,
		    err)) != SD_OK)
			return st;
		sd_strlcpy(u->team, f->team, sizeof u->team);
	}
	if (f->phone != NULL) {
		if ((st = sd_check_phone("phone", f->phone, err)) != SD_OK)
			return st;
		if (sd_strlcpy(u->phone, f->phone, sizeof u->phone) != 0)
			return sd_err_set(err, SD_EINVAL, "phone: too long");
	}
	if (f->age != -1) {
		if (f->age < 0 || f->age > 150)
			return sd_err_set(err, SD_EINVAL,
			    "age: %d is not between 0 and 150", f->age);
		u->age = f->age;
	}
	if (f->os_login != NULL) {
		if (f->os_login[0] != '\0' && (st = sd_check_text("os-login",
		    f->os_login, SD_LOGIN_MAX, err)) != SD_OK)
			return st;
		if (strchr(f->os_login, ' ') != NULL || strchr(f->os_login, ':'))
			return sd_err_set(err, SD_EINVAL,
			    "os-login: '%s' is not a Unix user name", f->os_login);
		sd_strlcpy(u->os_login, f->os_login, sizeof u->os_login);
	}
	if (f->agent != NULL) {
		if ((st = sd_check_text("agent", f->agent, sizeof u->agent - 1,
		    err)) != SD_OK)
			return st;
		sd_strlcpy(u->agent, f->agent, sizeof u->agent);
	}
	return SD_OK;
}

/* Is os_login free (or already this user's)? */
static int
oslogin_free(struct sd_txn *t, const char *os_login, uint64_t self,
    struct sd_err *err)
{
	struct sd_buf val = SD_BUF_INIT;
	struct sd_user other;
	int st;

	if (os_login[0] == '\0')
		return SD_OK;
	st = sd_get_by(t, T_USER, IX_USER_OSLOGIN, os_login, strlen(os_login),
	    NULL, &val, 0, err);
	if (st == SD_ENOTFOUND) {
		sd_buf_free(&val);
		sd_err_clear(err);
		return SD_OK;
	}
	if (st == SD_OK) {
		user_decode(val.p, val.len, &other);
		if (other.id != self)
			st = sd_err_set(err, SD_EEXIST,
			    "os-login: Unix user %s is already bound to %s",
			    os_login, other.login);
	}
	sd_buf_free(&val);
	return st;
}

/* A user of role agent acts for one existing agent (and its branch). */
static int
agent_binding(struct sd_txn *t, const struct sd_user *u, struct sd_err *err)
{
	int st;

	if (u->role != SD_ROLE_AGENT)
		return SD_OK;
	if (u->agent[0] == '\0')
		return sd_err_set(err, SD_EINVAL, "agent: a user of role agent "
		    "needs agent CODE");
	st = core_hooks.agent_exists(t, u->agent, err);
	if (st == SD_ENOTFOUND)
		return sd_err_set(err, SD_EINVAL, "agent: no agent %s", u->agent);
	return st;
}

int
user_each(struct sd_txn *t, user_each_fn fn, void *arg, struct sd_err *err)
{
	struct sd_cursor *c;
	int st, r = SD_OK;

	if ((st = sd_cursor_open(t, T_USER, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t vl;
		const void *v = sd_cursor_val(c, &vl);
		struct sd_user u;

		if (user_decode(v, vl, &u) != SD_OK)
			continue;
		if ((r = fn(t, &u, arg, err)) != SD_OK)
			break;
	}
	sd_cursor_close(c);
	if (r != SD_OK)
		return r;
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

/* ---------------------------------------------------------------- add */

struct add_arg {
	struct sd_session	*s;
	struct sd_user		 u;
	char			 pwhash[160];
};

static int
add_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct add_arg *a = arg;
	struct sd_user old;
	char desc[512];
	int st;

	st = user_load(t, a->u.login, &old, 0, err);
	if (st == SD_OK)
		return sd_err_set(err, SD_EEXIST, "user %s: already exists",
		    a->u.login);
	if (st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	if ((st = oslogin_free(t, a->u.os_login, a->u.id, err)) != SD_OK)
		return st;
	if ((st = agent_binding(t, &a->u, err)) != SD_OK)
		return st;
	if ((st = user_store(t, &a->u, a->pwhash, 1, err)) != SD_OK)
		return st;
	user_describe(&a->u, desc, sizeof desc);
	return sd_audit_write(t, a->s->user.login, "user.add", a->u.login,
	    SD_OUTCOME_OK, "", desc, err);
}

int
sd_user_add(struct sd_session *s, const char *login,
    const struct sd_user_fields *f, const char *password, uint64_t *id,
    struct sd_err *err)
{
	struct add_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_USER_ADD, login, err)) != SD_OK)
		return st;
	if ((st = sd_check_login("login", login, err)) != SD_OK)
		return st;
	if (f->role == SD_ROLE_NONE)
		return sd_err_set(err, SD_EINVAL, "role: required (admin, "
		    "supervisor, operator, cashier or agent)");
	memset(&a, 0, sizeof a);
	a.s = s;
	sd_strlcpy(a.u.login, login, sizeof a.u.login);
	sd_strlcpy(a.u.name, login, sizeof a.u.name);
	if ((st = fields_apply(f, &a.u, err)) != SD_OK)
		return st;
	if ((st = sd_check_password("password", password,
	    s->core->cfg.min_password, err)) != SD_OK)
		return st;
	a.u.created = sd_now();
	if ((st = password_hash(password, a.pwhash, sizeof a.pwhash,
	    err)) != SD_OK)
		return st;
	if ((st = sd_seq_next(s->core->db, "user", &a.u.id, err)) == SD_OK)
		st = sd_db_run(s->core->db, add_txn, &a, err);
	explicit_bzero(a.pwhash, sizeof a.pwhash);
	if (st != SD_OK)
		return st;
	if (id != NULL)
		*id = a.u.id;
	return SD_OK;
}

/* ---------------------------------------------------------------- change */

/*
 * Every change to a user goes through one transaction: load for update,
 * apply, store, audit with before and after.
 */
struct change_arg {
	struct sd_session		*s;
	const char			*login;
	const char			*op;
	int				 opnum;
	const struct sd_user_fields	*f;
	int				 status;	/* -1: unchanged */
	int				 unlock;
	const char			*pwhash;	/* new hash, or NULL */
	const char			*old_password;	/* checked if set */
	struct sd_refusal		 no;
};

static int
change_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct change_arg *a = arg;
	struct sd_user u;
	char before[512], after[512], hash[160];
	int st;

	if ((st = user_load_hash(t, a->login, &u, hash, sizeof hash, 1,
	    err)) != SD_OK)
		return st;
	if (!visible(a->s, &u)) {
		/* Report as not found: others' accounts are not disclosed. */
		explicit_bzero(hash, sizeof hash);
		return sd_refuse(&a->no, "%s is not in your team",
		    a->login);
	}
	if (a->old_password != NULL && !password_check(a->old_password,
	    hash)) {
		explicit_bzero(hash, sizeof hash);
		return sd_err_set(err, SD_EINVAL,
		    "old password: does not match");
	}
	user_describe(&u, before, sizeof before);
	if (a->f != NULL) {
		if ((st = fields_apply(a->f, &u, err)) != SD_OK)
			return st;
		if (a->f->os_login != NULL &&
		    (st = oslogin_free(t, u.os_login, u.id, err)) != SD_OK)
			return st;
		if ((st = agent_binding(t, &u, err)) != SD_OK)
			return st;
	}
	if (a->status >= 0) {
		if (a->s->user.id == u.id && a->status == SD_USER_DISABLED)
			return sd_err_set(err, SD_EREFUSED,
			    "user %s: you cannot disable yourself", u.login);
		u.status = a->status;
	}
	if (a->unlock) {
		u.failed = 0;
		u.locked_until = 0;
	}
	if (a->pwhash != NULL) {
		u.failed = 0;
		u.locked_until = 0;
	}
	st = user_store(t, &u, a->pwhash != NULL ? a->pwhash : hash, 0, err);
	explicit_bzero(hash, sizeof hash);
	if (st != SD_OK)
		return st;
	user_describe(&u, after, sizeof after);
	if (a->pwhash != NULL)
		sd_strlcpy(after, "password changed", sizeof after);
	if (a->unlock)
		sd_strlcpy(after, "unlocked", sizeof after);
	return sd_audit_write(t, a->s->user.login, a->op, u.login,
	    SD_OUTCOME_OK, a->pwhash != NULL || a->unlock ? "" : before, after,
	    err);
}

static int
change(struct change_arg *a, struct sd_err *err)
{
	return sd_op_run(a->s, a->opnum, a->login, SD_RUN_AUTHORIZED,
	    change_txn, a, &a->no, err);
}

static void
change_init(struct change_arg *a, struct sd_session *s, const char *login,
    int op)
{
	memset(a, 0, sizeof *a);
	a->s = s;
	a->login = login;
	a->opnum = op;
	a->op = sd_op_get(op)->name;
	a->status = -1;
}

int
sd_user_update(struct sd_session *s, const char *login,
    const struct sd_user_fields *f, struct sd_err *err)
{
	struct change_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_USER_UPDATE, login, err)) != SD_OK)
		return st;
	if (f->role != SD_ROLE_NONE && s->user.role != SD_ROLE_ADMIN)
		return sd_deny(s, SD_OP_USER_UPDATE, login, err,
		    "only an admin may change roles");
	change_init(&a, s, login, SD_OP_USER_UPDATE);
	a.f = f;
	return change(&a, err);
}

int
sd_user_set_status(struct sd_session *s, const char *login, int status,
    struct sd_err *err)
{
	struct change_arg a;
	int op = status == SD_USER_DISABLED ? SD_OP_USER_DISABLE :
	    SD_OP_USER_ENABLE;
	int st;

	if ((st = sd_authorize(s, op, login, err)) != SD_OK)
		return st;
	change_init(&a, s, login, op);
	a.status = status;
	return change(&a, err);
}

int
sd_user_unlock(struct sd_session *s, const char *login, struct sd_err *err)
{
	struct change_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_USER_UNLOCK, login, err)) != SD_OK)
		return st;
	change_init(&a, s, login, SD_OP_USER_UNLOCK);
	a.unlock = 1;
	return change(&a, err);
}

int
sd_check_password(const char *field, const char *pw, int min,
    struct sd_err *err)
{
	if (pw == NULL || (int)strlen(pw) < min)
		return sd_err_set(err, SD_EINVAL, "%s: shorter than %d "
		    "characters", field, min);
	return SD_OK;
}

int
sd_user_may_passwd(struct sd_session *s, const char *login, int *need_old,
    struct sd_err *err)
{
	int self, st;

	if ((st = sd_authorize(s, SD_OP_USER_PASSWD, login, err)) != SD_OK)
		return st;
	self = strcmp(s->user.login, login) == 0;
	if (!self && s->user.role != SD_ROLE_ADMIN)
		return sd_deny(s, SD_OP_USER_PASSWD, login, err,
		    "only an admin may set another user's password");
	/* One's own password always needs the old one, admins' too: an
	 * unattended terminal must not be enough to take an account. */
	if (need_old != NULL)
		*need_old = self;
	return SD_OK;
}

int
sd_user_passwd(struct sd_session *s, const char *login,
    const char *old_password, const char *new_password, struct sd_err *err)
{
	struct change_arg a;
	char hash[160];
	int need_old, st;

	if ((st = sd_user_may_passwd(s, login, &need_old, err)) != SD_OK)
		return st;
	if (need_old && old_password == NULL)
		return sd_err_set(err, SD_EINVAL, "old password: required");
	if ((st = sd_check_password("new password", new_password,
	    s->core->cfg.min_password, err)) != SD_OK)
		return st;
	if ((st = password_hash(new_password, hash, sizeof hash, err)) != SD_OK)
		return st;
	change_init(&a, s, login, SD_OP_USER_PASSWD);
	a.pwhash = hash;
	a.old_password = need_old ? old_password : NULL;
	st = change(&a, err);
	explicit_bzero(hash, sizeof hash);
	return st;
}

int
sd_user_bind(struct sd_session *s, const char *login, const char *os_login,
    struct sd_err *err)
{
	struct sd_user_fields f;
	struct change_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_USER_BIND, login, err)) != SD_OK)
		return st;
	sd_user_fields_init(&f);
	f.os_login = os_login;
	change_init(&a, s, login, SD_OP_USER_BIND);
	a.f = &f;
	return change(&a, err);
}

/* ---------------------------------------------------------------- read */

struct get_arg {
	const char	*login;
	struct sd_user	*u;
};

static int
get_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct get_arg *a = arg;

	return user_load(t, a->login, a->u, 0, err);
}

int
sd_user_get(struct sd_session *s, const char *login, struct sd_user *out,
    struct sd_err *err)
{
	struct get_arg a = { login, out };
	char folded[SD_LOGIN_MAX + 1];
	int st;

	if ((st = sd_authorize(s, SD_OP_USER_SHOW, login, err)) != SD_OK)
		return st;
	login_fold(login, folded, sizeof folded);
	a.login = folded;
	if ((st = sd_db_read(s->core->db, get_txn, &a, err)) != SD_OK)
		return st;
	if (!visible(s, out)) {
		memset(out, 0, sizeof *out);
		return sd_deny(s, SD_OP_USER_SHOW, folded, err,
		    "not in your team");
	}
	return SD_OK;
}

struct page_arg {
	struct sd_session		*s;
	const struct sd_user_filter	*f;
	const char			*anchor;
	int				 dir;
	struct sd_user			*rows;
	int				 max;
	int				 n;
};

static int
page_match(const struct page_arg *a, const struct sd_user *u)
{
	if (a->f->role != SD_ROLE_NONE && u->role != a->f->role)
		return 0;
	if (a->f->match != NULL && a->f->match[0] != '\0' &&
	    strcasestr(u->login, a->f->match) == NULL &&
	    strcasestr(u->name, a->f->match) == NULL)
		return 0;
	if (a->f->team != NULL && strcmp(a->f->team, u->team) != 0)
		return 0;
	return visible(a->s, u);
}

static int
page_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct page_arg *a = arg;
	const char *prefix = a->f->prefix != NULL ? a->f->prefix : "";
	size_t plen = strlen(prefix), klen, vlen;
	struct sd_cursor *c;
	const char *k;
	const void *v;
	int st;

	a->n = 0;
	if ((st = sd_cursor_open(t, T_USER, IX_USER_LOGIN, &c, err)) != SD_OK)
		return st;
	if (a->dir > 0) {
		const char *from = a->anchor[0] != '\0' ? a->anchor : prefix;

		st = sd_cursor_seek(c, SD_SEEK_GE, from, strlen(from), err);
		if (st == SD_OK && a->anchor[0] != '\0') {
			k = sd_cursor_key(c, &klen);
			if (klen == strlen(a->anchor) &&
			    memcmp(k, a->anchor, klen) == 0)
				st = sd_cursor_step(c, 1, err);
		}
	} else {
		/* Start just before the anchor, or at the end of the prefix. */
		struct sd_buf end = SD_BUF_INIT;

		if (a->anchor[0] != '\0')
			sd_buf_adds(&end, a->anchor);
		else {
			sd_buf_adds(&end, prefix);
			sd_buf_addc(&end, '\x7f');
		}
		st = sd_cursor_seek(c, SD_SEEK_GE, end.p, end.len, err);
		if (st == SD_OK)
			st = sd_cursor_step(c, -1, err);
		else if (st == SD_ENOTFOUND)
			st = sd_cursor_seek(c, SD_SEEK_LAST, NULL, 0, err);
		sd_buf_free(&end);
	}
	while (st == SD_OK && a->n < a->max) {
		struct sd_user u;

		k = sd_cursor_key(c, &klen);
		/* Both directions start inside or at the edge of the
		 * prefix's range, so leaving it ends the page. */
		if (klen < plen || memcmp(k, prefix, plen) != 0)
			break;
		v = sd_cursor_val(c, &vlen);
		if (user_decode(v, vlen, &u) == SD_OK && page_match(a, &u))
			a->rows[a->n++] = u;
		st = sd_cursor_step(c, a->dir, err);
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	if (a->dir < 0) {
		for (int i = 0; i < a->n / 2; i++) {
			struct sd_user tmp = a->rows[i];

			a->rows[i] = a->rows[a->n - 1 - i];
			a->rows[a->n - 1 - i] = tmp;
		}
	}
	return SD_OK;
}

int
sd_user_page(struct sd_session *s, const struct sd_user_filter *f,
    const char *anchor, int dir, struct sd_user *rows, int max, int *n,
    struct sd_err *err)
{
	struct page_arg a;
	char folded[SD_LOGIN_MAX + 1] = "";
	int st;

	*n = 0;
	if ((st = sd_authorize(s, SD_OP_USER_LIST, "", err)) != SD_OK)
		return st;
	if (f->prefix != NULL)
		login_fold(f->prefix, folded, sizeof folded);
	memset(&a, 0, sizeof a);
	struct sd_user_filter ff = *f;
	ff.prefix = folded;
	a.s = s;
	a.f = &ff;
	a.anchor = anchor != NULL ? anchor : "";
	a.dir = dir >= 0 ? 1 : -1;
	a.rows = rows;
	a.max = max;
	st = sd_db_read(s->core->db, page_txn, &a, err);
	*n = a.n;
	return st;
}
