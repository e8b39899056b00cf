/*
 * note.c -- follow-ups (跟进): notes on a customer, the next planned contact
 * and the reminder it creates for the customer's owner; reminders due for
 * an owner (the TUI's pop-ups) and the overdue ones a supervisor sees.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/crm/crm_int.h"

enum { N_ID = 1, N_CUSTOMER, N_AT, N_BY, N_TEXT, N_OUTCOME, N_NEXT };
enum { R_ID = 1, R_CUSTOMER, R_OWNER, R_DUE, R_TEXT, R_STATUS, R_SEEN,
    R_CNAME, R_PHONE };

/* ---------------------------------------------------------------- codecs */

static const struct rec_field note_f[] = {
	REC_I(N_ID, sd_note, id),
	REC_I(N_CUSTOMER, sd_note, customer),
	REC_I(N_AT, sd_note, at),
	REC_S(N_BY, sd_note, by),
	REC_S(N_TEXT, sd_note, text),
	REC_S(N_OUTCOME, sd_note, outcome),
	REC_I(N_NEXT, sd_note, next_at),
};
static const struct rec_field reminder_f[] = {
	REC_I(R_ID, sd_reminder, id),
	REC_I(R_CUSTOMER, sd_reminder, customer),
	REC_S(R_OWNER, sd_reminder, owner),
	REC_I(R_DUE, sd_reminder, due),
	REC_S(R_TEXT, sd_reminder, text),
	REC_I(R_STATUS, sd_reminder, status),
	REC_I(R_SEEN, sd_reminder, seen),
	REC_S(R_CNAME, sd_reminder, cname),
	REC_S(R_PHONE, sd_reminder, phone),
};

REC_CODEC(note, struct sd_note, note_f)

void
reminder_encode(const struct sd_reminder *r, struct sd_buf *b)
{
	rec_encode(reminder_f, REC_N(reminder_f), r, b);
}

int
reminder_decode(const void *p, size_t len, struct sd_reminder *r)
{
	int st = rec_decode(reminder_f, REC_N(reminder_f), p, len, r,
	    sizeof *r);

	r->seen = r->seen != 0;
	return st;
}

int
reminder_store(struct sd_txn *t, const struct sd_reminder *r,
    struct sd_err *err)
{
	struct sd_buf val = SD_BUF_INIT;
	uint8_t key[8];
	int st;

	key64(key, r->id);
	reminder_encode(r, &val);
	st = sd_put(t, T_REMINDER, key, 8, val.p, val.len, 0, err);
	sd_buf_free(&val);
	/* Its owner's inbox looks again: now, and when it comes due. */
	if (st == SD_OK && r->owner[0] != '\0')
		sd_inbox_notify(t, SD_INBOX_REM, r->owner);
	return st;
}

void
sd_inbox_notify(struct sd_txn *t, int kind, const char *login)
{
	char key[80];

	snprintf(key, sizeof key, "%c:%s", kind == SD_INBOX_TEL ? 'T' :
	    kind == SD_INBOX_REM ? 'R' : 'W', login);
	sd_txn_notify(t, key);
}

int
sd_inbox_key(const char *key, char *login, size_t size)
{
	if ((key[0] != 'T' && key[0] != 'R' && key[0] != 'W') ||
	    key[1] != ':' || sd_strlcpy(login, key + 2, size) != 0)
		return 0;
	return key[0] == 'T' ? SD_INBOX_TEL : key[0] == 'R' ? SD_INBOX_REM :
	    SD_INBOX_WORK;
}

struct next_arg {
	const char	*owner;
	int64_t		 after;
	int64_t		 when;
};

static int
next_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct next_arg *a = arg;
	struct sd_cursor *c;
	struct sd_buf k = SD_BUF_INIT;
	size_t olen = strlen(a->owner) + 1, kl;
	uint8_t due[8];
	int st;

	a->when = 0;
	if ((st = sd_cursor_open(t, T_REMINDER, IX_REM_DUE, &c, err)) != SD_OK)
		return st;
	sd_be64_put(due, (uint64_t)(a->after + 1));
	sd_buf_add(&k, a->owner, olen);
	sd_buf_add(&k, due, 8);
	if ((st = sd_cursor_seek(c, SD_SEEK_GE, k.p, k.len, err)) == SD_OK) {
		const uint8_t *p = sd_cursor_key(c, &kl);

		if (kl >= olen + 8 && memcmp(p, a->owner, olen) == 0)
			a->when = (int64_t)sd_be64_get(p + olen);
	}
	sd_cursor_close(c);
	sd_buf_free(&k);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

int
sd_reminder_next(struct sd_core *core, const char *owner, int64_t after,
    int64_t *when, struct sd_err *err)
{
	struct next_arg a = { owner, after, 0 };
	int st = sd_db_read(core->db, next_txn, &a, err);

	*when = a.when;
	return st;
}

static int
reminder_load(struct sd_txn *t, uint64_t id, struct sd_reminder *r,
    struct sd_err *err)
{
	struct sd_buf val = SD_BUF_INIT;
	uint8_t key[8];
	int st;

	key64(key, id);
	st = sd_get(t, T_REMINDER, key, 8, &val, SD_GET_RMW, err);
	if (st == SD_OK && reminder_decode(val.p, val.len, r) != SD_OK)
		st = sd_err_set(err, SD_EINTERNAL, "reminder: record corrupt");
	sd_buf_free(&val);
	return st;
}

/* The ids of a customer's pending reminders (collected before any change,
 * so no cursor walks an index that is being rewritten). */
static int
pending_of(struct sd_txn *t, uint64_t customer, uint64_t *ids, int max,
    int *n, struct sd_err *err)
{
	struct sd_cursor *c;
	uint8_t pfx[8];
	int st;

	*n = 0;
	key64(pfx, customer);
	if ((st = sd_cursor_open(t, T_REMINDER, IX_REM_CUSTOMER, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_GE, pfx, 8, err);
	    st == SD_OK && *n < max; st = sd_cursor_step(c, 1, err)) {
		size_t kl, pl;
		const void *k = sd_cursor_key(c, &kl);
		const void *pk = sd_cursor_pkey(c, &pl);

		if (kl < 8 || memcmp(k, pfx, 8) != 0)
			break;
		if (pl == 8)
			ids[(*n)++] = sd_be64_get(pk);
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

int
reminders_close(struct sd_txn *t, uint64_t customer, int64_t keep_due,
    struct sd_err *err)
{
	uint64_t ids[64];
	int n, kept = 0, st;

	if (keep_due == 0)
		return reminders_move(t, customer, NULL, err);
	if ((st = pending_of(t, customer, ids, 64, &n, err)) != SD_OK)
		return st;
	for (int i = 0; i < n; i++) {
		struct sd_reminder r;

		if ((st = reminder_load(t, ids[i], &r, err)) != SD_OK)
			return st;
		if (!kept && r.due == keep_due) {
			kept = 1;
			continue;
		}
		r.status = SD_REM_DONE;
		if ((st = reminder_store(t, &r, err)) != SD_OK)
			return st;
	}
	return SD_OK;
}

int
reminders_move(struct sd_txn *t, uint64_t customer, const char *owner,
    struct sd_err *err)
{
	uint64_t ids[64];
	int n, st;

	if ((st = pending_of(t, customer, ids, 64, &n, err)) != SD_OK)
		return st;
	for (int i = 0; i < n; i++) {
		struct sd_reminder r;

		if ((st = reminder_load(t, ids[i], &r, err)) != SD_OK)
			return st;
		if (owner == NULL)
			r.status = SD_REM_DONE;
		else {
			sd_strlcpy(r.owner, owner, sizeof r.owner);
			r.seen = 0;
		}
		if ((st = reminder_store(t, &r, err)) != SD_OK)
			return st;
	}
	return SD_OK;
}

/* ---------------------------------------------------------------- notes */

struct note_arg {
	struct sd_session	*s;
	struct sd_note		 n;
	int			 clear;		/* SD_NOTE_NEXT_CLEAR asked */
	struct sd_refusal	 no;
};

/* A new pending reminder of the planned contact for the customer's owner. */
static int
note_plan(struct sd_txn *t, const struct sd_customer *c,
    const struct sd_note *n, struct sd_err *err)
{
	struct sd_reminder r;
	int st;

	memset(&r, 0, sizeof r);
	if ((st = sd_seq_next(sd_txn_db(t), "reminder", &r.id, err)) != SD_OK)
		return st;
	r.customer = c->id;
	sd_strlcpy(r.owner, c->owner, sizeof r.owner);
	r.due = n->next_at;
	sd_strlcpy(r.text, n->text, sizeof r.text);
	sd_strlcpy(r.cname, c->name, sizeof r.cname);
	if (c->nphones > 0)
		sd_strlcpy(r.phone, c->phones[0], sizeof r.phone);
	return reminder_store(t, &r, err);
}

static int
note_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct note_arg *a = arg;
	struct sd_customer c;
	struct sd_buf val = SD_BUF_INIT;
	uint8_t key[16];
	char obj[32], when[32], before[64];
	int64_t planned;
	int keep, st;

	if ((st = customer_load(t, a->n.customer, &c, 1, err)) != SD_OK)
		return st;
	if (!customer_may_edit(t, a->s, &c, &a->no.why))
		return sd_refuse_err(&a->no, &a->no.why);
	key64(key, a->n.customer);
	key64(key + 8, a->n.id);
	note_encode(&a->n, &val);
	st = sd_put(t, T_NOTE, key, 16, val.p, val.len, SD_PUT_NOOVERWRITE, err);
	sd_buf_free(&val);
	if (st != SD_OK)
		return st;
	/*
	 * This contact settles the call-backs that were pending.  The planned
	 * next contact stays unless this note plans another or clears it: an
	 * empty "next" must never lose a follow-up.
	 */
	planned = c.next_at;
	keep = a->n.next_at == 0 && !a->clear;
	if (!keep)
		c.next_at = a->n.next_at;
	if ((st = reminders_close(t, c.id, keep ? planned : 0, err)) != SD_OK)
		return st;
	if (a->n.next_at != 0 && c.owner[0] != '\0' &&
	    (st = note_plan(t, &c, &a->n, err)) != SD_OK)
		return st;
	c.last_contact = a->n.at;
	c.updated = a->n.at;
	if ((st = customer_store(t, &c, err)) != SD_OK)
		return st;
	snprintf(obj, sizeof obj, "customer:%llu", (unsigned long long)c.id);
	if ((st = sd_audit_write(t, a->s->user.login, "note.add", obj,
	    SD_OUTCOME_OK, "", a->n.outcome, err)) != SD_OK)
		return st;
	if (!a->clear || planned == 0)
		return SD_OK;
	/* Dropping a planned contact is a choice someone answers for. */
	sd_time_format(planned, when, sizeof when);
	snprintf(before, sizeof before, "next_at=%s", when);
	return sd_audit_write(t, a->s->user.login, "note.next_clear", obj,
	    SD_OUTCOME_OK, before, "next_at=none", err);
}

int
sd_note_next_parse(const char *field, const char *s, int64_t *next_at,
    struct sd_err *err)
{
	*next_at = SD_NOTE_NEXT_KEEP;
	if (s == NULL || s[0] == '\0')
		return SD_OK;
	if (strcasecmp(s, "none") == 0 || strcmp(s, "-") == 0) {
		*next_at = SD_NOTE_NEXT_CLEAR;
		return SD_OK;
	}
	if (sd_time_parse_human(s, sd_now(), next_at) != SD_OK) {
		*next_at = SD_NOTE_NEXT_KEEP;
		return sd_err_set(err, SD_EINVAL, "%s: '%s' is not a time "
		    "(2026-12-05 10:00, 12-05 10:00, 15:30, tomorrow 10:00, "
		    "+2d) or none", field, s);
	}
	return SD_OK;
}

int
sd_note_add(struct sd_session *s, uint64_t customer, const char *text,
    const char *outcome, int64_t next_at, uint64_t *id, struct sd_err *err)
{
	struct note_arg a;
	char obj[32];
	int st;

	snprintf(obj, sizeof obj, "customer:%llu", (unsigned long long)customer);
	if ((st = sd_authorize(s, SD_OP_NOTE_ADD, obj, err)) != SD_OK)
		return st;
	if (text == NULL || text[0] == '\0')
		return sd_err_set(err, SD_EINVAL, "text: must not be empty");
	if ((st = sd_check_text("text", text, sizeof a.n.text - 1, err)) != SD_OK)
		return st;
	if (outcome != NULL && (st = sd_check_text("outcome", outcome,
	    sizeof a.n.outcome - 1, err)) != SD_OK)
		return st;
	if (next_at != SD_NOTE_NEXT_KEEP && next_at != SD_NOTE_NEXT_CLEAR &&
	    next_at < sd_now() - 60)
		return sd_err_set(err, SD_EINVAL, "next: is in the past");
	memset(&a, 0, sizeof a);
	a.s = s;
	a.n.customer = customer;
	a.n.at = sd_now();
	if (next_at == SD_NOTE_NEXT_CLEAR)
		a.clear = 1;
	else
		a.n.next_at = next_at;
	sd_strlcpy(a.n.by, s->user.login, sizeof a.n.by);
	sd_strlcpy(a.n.text, text, sizeof a.n.text);
	if (outcome != NULL)
		sd_strlcpy(a.n.outcome, outcome, sizeof a.n.outcome);
	if ((st = sd_seq_next(s->core->db, "note", &a.n.id, err)) != SD_OK)
		return st;
	st = sd_op_run(s, SD_OP_NOTE_ADD, obj, SD_RUN_AUTHORIZED, note_txn, &a,
	    &a.no, err);
	if (st == SD_OK && id != NULL)
		*id = a.n.id;
	return st;
}

struct list_arg {
	uint64_t	 customer;
	sd_note_cb	 cb;
	void		*arg;
	struct rowbuf	 rows;		/* for cb after the commit */
};

static int
list_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct list_arg *a = arg;
	struct sd_cursor *c;
	uint8_t end[16];
	int st;

	rowbuf_reset(&a->rows);
	/* Newest first: from just past the customer's range, backwards. */
	key64(end, a->customer);
	memset(end + 8, 0xff, 8);
	if ((st = sd_cursor_open(t, T_NOTE, -1, &c, err)) != SD_OK)
		return st;
	st = sd_cursor_seek(c, SD_SEEK_GE, end, 16, err);
	if (st == SD_OK)
		st = sd_cursor_step(c, -1, err);
	else if (st == SD_ENOTFOUND)
		st = sd_cursor_seek(c, SD_SEEK_LAST, NULL, 0, err);
	for (; st == SD_OK; st = sd_cursor_step(c, -1, err)) {
		size_t kl, vl;
		const uint8_t *k = sd_cursor_key(c, &kl);
		const void *v = sd_cursor_val(c, &vl);
		struct sd_note n;

		if (kl != 16 || memcmp(k, end, 8) != 0)
			break;
		if (note_decode(v, vl, &n) == SD_OK)
			rowbuf_add(&a->rows, &n);
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

int
sd_note_list(struct sd_session *s, uint64_t customer, sd_note_cb cb,
    void *arg, struct sd_err *err)
{
	struct list_arg a = { customer, cb, arg };
	struct sd_customer c;
	int st;

	if ((st = sd_authorize(s, SD_OP_NOTE_LIST, "", err)) != SD_OK)
		return st;
	if ((st = sd_customer_get(s, customer, &c, err)) != SD_OK)
		return st;
	rowbuf_init(&a.rows, sizeof(struct sd_note), NULL);
	st = sd_db_read(s->core->db, list_txn, &a, err);
	for (size_t i = 0; st == SD_OK && i < a.rows.n; i++)
		if (cb(rowbuf_at(&a.rows, i), arg) != 0)
			break;
	rowbuf_free(&a.rows);
	return st;
}

/* ---------------------------------------------------------------- reminders */

struct due_arg {
	const char	*owner;
	int64_t		 until;
	sd_rem_cb	 cb;
	void		*arg;
	struct rowbuf	 rows;		/* for cb after the commit */
	int		 stopped;	/* cb asked to stop */
};

static int
due_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct due_arg *a = arg;
	struct sd_cursor *c;
	size_t olen = strlen(a->owner) + 1;
	int st;

	rowbuf_reset(&a->rows);
	if ((st = sd_cursor_open(t, T_REMINDER, IX_REM_DUE, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_GE, a->owner, olen, err);
	    st == SD_OK; st = sd_cursor_step(c, 1, err)) {
		size_t kl, vl;
		const uint8_t *k = sd_cursor_key(c, &kl);
		const void *v = sd_cursor_val(c, &vl);
		struct sd_reminder r;

		if (kl < olen + 8 || memcmp(k, a->owner, olen) != 0 ||
		    (int64_t)sd_be64_get(k + olen) > a->until)
			break;
		if (reminder_decode(v, vl, &r) == SD_OK)
			rowbuf_add(&a->rows, &r);
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

struct team_arg {
	struct sd_session	*s;
	int64_t			 until;
	sd_rem_cb		 cb;
	void			*arg;
	struct sd_err		*err;
	int			 st;
	int			 stopped;	/* cb asked to stop */
};

/* Run due_txn, then hand its reminders to a->cb after the commit. */
static int
due_read(struct sd_session *s, struct due_arg *a, struct sd_err *err)
{
	int st;

	rowbuf_init(&a->rows, sizeof(struct sd_reminder), NULL);
	st = sd_db_read(s->core->db, due_txn, a, err);
	for (size_t i = 0; st == SD_OK && i < a->rows.n && !a->stopped; i++)
		a->stopped = a->cb(rowbuf_at(&a->rows, i), a->arg) != 0;
	rowbuf_free(&a->rows);
	return st;
}

static int
team_member(const struct sd_user *u, void *arg)
{
	struct team_arg *ta = arg;
	struct due_arg a = { u->login, ta->until, ta->cb, ta->arg };

	ta->st = due_read(ta->s, &a, ta->err);
	if (ta->st == SD_OK && a.stopped)
		ta->stopped = 1;
	return ta->st != SD_OK || ta->stopped;
}

int
sd_reminder_due(struct sd_session *s, const char *owner, int64_t until,
    int team, sd_rem_cb cb, void *arg, struct sd_err *err)
{
	struct sd_user rows[64];
	struct sd_user_filter f;
	char anchor[SD_LOGIN_MAX + 1] = "";
	int n, st;

	if ((st = sd_authorize(s, SD_OP_NOTE_LIST, "", err)) != SD_OK)
		return st;
	if (!team) {
		struct due_arg a = { owner != NULL ? owner : s->user.login,
		    until, cb, arg };

		if (owner != NULL && strcmp(owner, s->user.login) != 0 &&
		    s->user.role != SD_ROLE_ADMIN &&
		    s->user.role != SD_ROLE_SUPERVISOR)
			return sd_deny(s, SD_OP_NOTE_LIST, owner, err,
			    "others' reminders are theirs");
		return due_read(s, &a, err);
	}
	/* A supervisor's team: reminders overdue by escalate_minutes. */
	if (s->user.role != SD_ROLE_SUPERVISOR && s->user.role != SD_ROLE_ADMIN)
		return sd_deny(s, SD_OP_NOTE_LIST, "team", err,
		    "only supervisors see their team's reminders");
	memset(&f, 0, sizeof f);
	if (s->user.role == SD_ROLE_SUPERVISOR)
		f.team = s->user.team;
	do {
		struct team_arg ta = { s, until -
		    (int64_t)s->core->cfg.escalate_minutes * 60, cb, arg, err,
		    SD_OK };

		if ((st = sd_user_page(s, &f, anchor, 1, rows, 64, &n, err)) != SD_OK)
			return st;
		for (int i = 0; i < n; i++) {
			if (strcmp(rows[i].login, s->user.login) == 0)
				continue;
			if (team_member(&rows[i], &ta) != 0)
				return ta.st;
		}
		if (n > 0)
			sd_strlcpy(anchor, rows[n - 1].login, sizeof anchor);
	} while (n == 64);
	return SD_OK;
}

struct seen_arg {
	struct sd_session	*s;
	uint64_t		 id;
};

static int
seen_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct seen_arg *a = arg;
	struct sd_reminder r;
	int st;

	if ((st = reminder_load(t, a->id, &r, err)) != SD_OK)
		return st;
	if (strcmp(r.owner, a->s->user.login) != 0)
		return sd_err_set(err, SD_EPERM, "reminder %llu is %s's",
		    (unsigned long long)r.id, r.owner);
	r.seen = 1;
	return reminder_store(t, &r, err);
}

int
sd_reminder_seen(struct sd_session *s, uint64_t id, struct sd_err *err)
{
	struct seen_arg a = { s, id };

	return sd_db_run(s->core->db, seen_txn, &a, err);
}
