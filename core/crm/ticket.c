/*
 * ticket.c -- service tickets (客户受理): accepted at the counter or on the
 * phone, handled by one person, open -> in progress -> resolved -> closed
 * (and reopened), each type with its SLA from the config; the acceptance
 * record keeps the phone number, customer name, handler, content and time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crm/crm_int.h"

enum { K_ID = 1, K_CUSTOMER, K_PHONE, K_CNAME, K_TYPE, K_STATUS, K_HANDLER,
    K_CREATEDBY, K_TEXT, K_RESOLUTION, K_SCORE, K_CREATED, K_UPDATED, K_DUE,
    K_CLOSED };

static const char *const type_names[] = { "inquiry", "complaint",
    "after-sales", "change" };
static const char *const status_names[] = { "open", "in_progress",
    "resolved", "closed" };

const char *
sd_ticket_type_name(int type)
{
	return type >= 0 && type <= SD_TICKET_CHANGE ? type_names[type] : "?";
}

int
sd_ticket_type_parse(const char *s)
{
	for (int i = 0; i <= SD_TICKET_CHANGE; i++)
		if (strcmp(s, type_names[i]) == 0)
			return i;
	if (strcmp(s, "after_sales") == 0)
		return SD_TICKET_AFTERSALES;
	return -1;
}

const char *
sd_ticket_status_name(int status)
{
	return status >= 0 && status <= SD_TICKET_CLOSED ?
	    status_names[status] : "?";
}

int
sd_ticket_status_parse(const char *s)
{
	for (int i = 0; i <= SD_TICKET_CLOSED; i++)
		if (strcmp(s, status_names[i]) == 0)
			return i;
	if (strcmp(s, "in-progress") == 0)
		return SD_TICKET_INPROGRESS;
	return -1;
}

int
sd_ticket_overdue(const struct sd_ticket *t, int64_t now)
{
	return t->status <= SD_TICKET_INPROGRESS && t->due != 0 && now > t->due;
}

static const struct rec_field ticket_f[] = {
	REC_I(K_ID, sd_ticket, id),
	REC_I(K_CUSTOMER, sd_ticket, customer),
	REC_S(K_PHONE, sd_ticket, phone),
	REC_S(K_CNAME, sd_ticket, cname),
	REC_I(K_TYPE, sd_ticket, type),
	REC_I(K_STATUS, sd_ticket, status),
	REC_S(K_HANDLER, sd_ticket, handler),
	REC_S(K_CREATEDBY, sd_ticket, created_by),
	REC_S(K_TEXT, sd_ticket, text),
	REC_S(K_RESOLUTION, sd_ticket, resolution),
	REC_I(K_SCORE, sd_ticket, score),
	REC_I(K_CREATED, sd_ticket, created),
	REC_I(K_UPDATED, sd_ticket, updated),
	REC_I(K_DUE, sd_ticket, due),
	REC_I(K_CLOSED, sd_ticket, closed_at),
};

REC_CODEC(ticket, struct sd_ticket, ticket_f)

int
ticket_load(struct sd_txn *t, uint64_t id, struct sd_ticket *tk, int rmw,
    struct sd_err *err)
{
	struct sd_buf val = SD_BUF_INIT;
	uint8_t key[8];
	int st;

	key64(key, id);
	st = sd_get(t, T_TICKET, key, 8, &val, rmw ? SD_GET_RMW : 0, err);
	if (st == SD_ENOTFOUND)
		st = sd_err_set(err, SD_ENOTFOUND, "ticket %llu: not found",
		    (unsigned long long)id);
	else if (st == SD_OK && ticket_decode(val.p, val.len, tk) != SD_OK)
		st = sd_err_set(err, SD_EINTERNAL, "ticket %llu: record corrupt",
		    (unsigned long long)id);
	sd_buf_free(&val);
	return st;
}

int
ticket_store(struct sd_txn *t, const struct sd_ticket *tk, struct sd_err *err)
{
	struct sd_buf val = SD_BUF_INIT;
	uint8_t key[8];
	int st;

	key64(key, tk->id);
	/* Its handler's work list changes, and the one it leaves. */
	if ((st = sd_get(t, T_TICKET, key, 8, &val, 0, err)) == SD_ERETRY) {
		sd_buf_free(&val);
		return st;
	}
	if (st == SD_OK) {
		struct sd_ticket old;

		if (ticket_decode(val.p, val.len, &old) == SD_OK &&
		    old.handler[0] != '\0' && strcmp(old.handler,
		    tk->handler) != 0)
			sd_inbox_notify(t, SD_INBOX_WORK, old.handler);
	}
	sd_err_clear(err);
	ticket_encode(tk, &val);
	st = sd_put(t, T_TICKET, key, 8, val.p, val.len, 0, err);
	sd_buf_free(&val);
	if (st == SD_OK && tk->handler[0] != '\0')
		sd_inbox_notify(t, SD_INBOX_WORK, tk->handler);
	return st;
}

/* Append "\n[time login] text" to the ticket's content, keeping it whole. */
static int
append_text(struct sd_ticket *tk, const char *who, const char *text,
    struct sd_err *err)
{
	char when[32];
	struct sd_buf b = SD_BUF_INIT;
	int st = SD_OK;

	sd_time_format(sd_now(), when, sizeof when);
	sd_buf_adds(&b, tk->text);
	sd_buf_printf(&b, "%s[%s %s] %s", tk->text[0] ? "\n" : "", when, who,
	    text);
	if (b.len >= sizeof tk->text)
		st = sd_err_set(err, SD_EREFUSED, "text: the ticket is full "
		    "(%zu bytes); close it and open a new one", sizeof tk->text);
	else
		sd_strlcpy(tk->text, b.p, sizeof tk->text);
	sd_buf_free(&b);
	return st;
}

/* ---------------------------------------------------------------- add */

struct add_arg {
	struct sd_session	*s;
	struct sd_ticket	 tk;
	const char		*text;
};

static int
add_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct add_arg *a = arg;
	struct sd_customer c;
	char obj[32];
	int st;

	if ((st = customer_load(t, a->tk.customer, &c, 0, err)) != SD_OK)
		return st;
	sd_strlcpy(a->tk.cname, c.name, sizeof a->tk.cname);
	if (c.nphones > 0)
		sd_strlcpy(a->tk.phone, c.phones[0], sizeof a->tk.phone);
	/* The customer's owner handles it; a pool customer's, who took it. */
	sd_strlcpy(a->tk.handler, c.owner[0] ? c.owner : a->s->user.login,
	    sizeof a->tk.handler);
	a->tk.text[0] = '\0';
	if ((st = append_text(&a->tk, a->s->user.login, a->text, err)) != SD_OK)
		return st;
	if ((st = ticket_store(t, &a->tk, err)) != SD_OK)
		return st;
	snprintf(obj, sizeof obj, "ticket:%llu", (unsigned long long)a->tk.id);
	return sd_audit_write(t, a->s->user.login, "ticket.add", obj,
	    SD_OUTCOME_OK, "", sd_ticket_type_name(a->tk.type), err);
}

int
sd_ticket_add(struct sd_session *s, uint64_t customer, int type,
    const char *text, uint64_t *id, struct sd_err *err)
{
	struct add_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_TICKET_ADD, "", err)) != SD_OK)
		return st;
	if (type < 0 || type > SD_TICKET_CHANGE)
		return sd_err_set(err, SD_EINVAL, "type: must be inquiry, "
		    "complaint, after-sales or change");
	if (text == NULL || text[0] == '\0')
		return sd_err_set(err, SD_EINVAL, "text: must not be empty");
	if ((st = sd_check_text("text", text, 1500, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	a.text = text;
	a.tk.customer = customer;
	a.tk.type = type;
	a.tk.status = SD_TICKET_OPEN;
	a.tk.created = a.tk.updated = sd_now();
	a.tk.due = a.tk.created + (int64_t)s->core->cfg.sla_hours[type] * 3600;
	sd_strlcpy(a.tk.created_by, s->user.login, sizeof a.tk.created_by);
	if ((st = sd_seq_next(s->core->db, "ticket", &a.tk.id, err)) != SD_OK)
		return st;
	if ((st = sd_db_run(s->core->db, add_txn, &a, err)) != SD_OK)
		return st;
	if (id != NULL)
		*id = a.tk.id;
	return SD_OK;
}

/* ---------------------------------------------------------------- changes */

enum change { CH_ASSIGN, CH_UPDATE, CH_CLOSE, CH_REOPEN };

struct change_arg {
	struct sd_session	*s;
	uint64_t		 id;
	enum change		 what;
	const char		*text;
	const char		*handler;
	int			 score;
	struct sd_refusal	 no;
};

/* The handler, the one who took it, a supervisor or an admin. */
static int
may_work(const struct sd_session *s, const struct sd_ticket *tk)
{
	return s->user.role == SD_ROLE_ADMIN ||
	    s->user.role == SD_ROLE_SUPERVISOR ||
	    strcmp(tk->handler, s->user.login) == 0 ||
	    strcmp(tk->created_by, s->user.login) == 0;
}

static int
change_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct change_arg *a = arg;
	struct sd_ticket tk;
	char obj[32], before[64], after[160];
	int st;

	if ((st = ticket_load(t, a->id, &tk, 1, err)) != SD_OK)
		return st;
	if (a->what != CH_ASSIGN && !may_work(a->s, &tk)) {
		return sd_refuse(&a->no, "ticket %llu is handled by %s",
		    (unsigned long long)tk.id, tk.handler);
	}
	snprintf(before, sizeof before, "status=%s handler=%s",
	    sd_ticket_status_name(tk.status), tk.handler);
	switch (a->what) {
	case CH_ASSIGN: {
		struct sd_user u;

		if ((st = user_load(t, a->handler, &u, 0, err)) != SD_OK)
			return st == SD_ENOTFOUND ? sd_err_set(err, SD_EINVAL,
			    "handler: no user %s", a->handler) : st;
		if (u.status != SD_USER_ACTIVE || u.role == SD_ROLE_AGENT)
			return sd_err_set(err, SD_EINVAL, "handler: %s cannot "
			    "handle tickets", a->handler);
		if (tk.status >= SD_TICKET_RESOLVED)
			return sd_err_set(err, SD_EREFUSED, "ticket %llu is %s: "
			    "reopen it first", (unsigned long long)tk.id,
			    sd_ticket_status_name(tk.status));
		sd_strlcpy(tk.handler, u.login, sizeof tk.handler);
		break;
	}
	case CH_UPDATE:
		if (tk.status == SD_TICKET_CLOSED)
			return sd_err_set(err, SD_EREFUSED, "ticket %llu is "
			    "closed: reopen it first", (unsigned long long)tk.id);
		if ((st = append_text(&tk, a->s->user.login, a->text, err)) != SD_OK)
			return st;
		if (tk.status == SD_TICKET_OPEN)
			tk.status = SD_TICKET_INPROGRESS;
		break;
	case CH_CLOSE:
		if (tk.status == SD_TICKET_CLOSED)
			return sd_err_set(err, SD_EREFUSED, "ticket %llu is "
			    "already closed", (unsigned long long)tk.id);
		sd_strlcpy(tk.resolution, a->text, sizeof tk.resolution);
		tk.score = a->score;
		tk.status = SD_TICKET_CLOSED;
		tk.closed_at = sd_now();
		break;
	case CH_REOPEN:
		if (tk.status < SD_TICKET_RESOLVED)
			return sd_err_set(err, SD_EREFUSED, "ticket %llu is %s, "
			    "not resolved or closed", (unsigned long long)tk.id,
			    sd_ticket_status_name(tk.status));
		if ((st = append_text(&tk, a->s->user.login, a->text, err)) != SD_OK)
			return st;
		tk.status = SD_TICKET_OPEN;
		tk.closed_at = 0;
		tk.score = 0;
		break;
	}
	tk.updated = sd_now();
	if ((st = ticket_store(t, &tk, err)) != SD_OK)
		return st;
	snprintf(obj, sizeof obj, "ticket:%llu", (unsigned long long)tk.id);
	snprintf(after, sizeof after, "status=%s handler=%s%s%.60s",
	    sd_ticket_status_name(tk.status), tk.handler,
	    a->what == CH_CLOSE ? " resolution=" : "",
	    a->what == CH_CLOSE ? tk.resolution : "");
	return sd_audit_write(t, a->s->user.login,
	    a->what == CH_ASSIGN ? "ticket.assign" : a->what == CH_UPDATE ?
	    "ticket.update" : a->what == CH_CLOSE ? "ticket.close" :
	    "ticket.reopen", obj, SD_OUTCOME_OK, before, after, err);
}

static int
change(struct change_arg *a, int op, struct sd_err *err)
{
	char obj[32];

	snprintf(obj, sizeof obj, "ticket:%llu", (unsigned long long)a->id);
	return sd_op_run(a->s, op, obj, 0, change_txn, a, &a->no, err);
}

int
sd_ticket_assign(struct sd_session *s, uint64_t id, const char *handler,
    struct sd_err *err)
{
	struct change_arg a = { s, id, CH_ASSIGN, NULL, handler, 0, { 0 } };

	return change(&a, SD_OP_TICKET_ASSIGN, err);
}

int
sd_ticket_update(struct sd_session *s, uint64_t id, const char *text,
    struct sd_err *err)
{
	struct change_arg a = { s, id, CH_UPDATE, text, NULL, 0, { 0 } };
	int st;

	if (text == NULL || text[0] == '\0')
		return sd_err_set(err, SD_EINVAL, "text: must not be empty");
	if ((st = sd_check_text("text", text, 1500, err)) != SD_OK)
		return st;
	return change(&a, SD_OP_TICKET_UPDATE, err);
}

int
sd_ticket_close(struct sd_session *s, uint64_t id, const char *resolution,
    int score, struct sd_err *err)
{
	struct change_arg a = { s, id, CH_CLOSE, resolution, NULL, score, { 0 } };
	int st;

	if (resolution == NULL || resolution[0] == '\0')
		return sd_err_set(err, SD_EINVAL, "resolution: required");
	if ((st = sd_check_text("resolution", resolution, 500, err)) != SD_OK)
		return st;
	if (score < 0 || score > 5)
		return sd_err_set(err, SD_EINVAL, "score: must be 1 to 5");
	return change(&a, SD_OP_TICKET_CLOSE, err);
}

int
sd_ticket_reopen(struct sd_session *s, uint64_t id, const char *why,
    struct sd_err *err)
{
	struct change_arg a = { s, id, CH_REOPEN, why != NULL && why[0] ? why :
	    "reopened", NULL, 0, { 0 } };

	return change(&a, SD_OP_TICKET_REOPEN, err);
}

/* ---------------------------------------------------------------- read */

struct get_arg {
	uint64_t		 id;
	struct sd_ticket	*out;
};

static int
get_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct get_arg *a = arg;

	return ticket_load(t, a->id, a->out, 0, err);
}

int
sd_ticket_get(struct sd_session *s, uint64_t id, struct sd_ticket *out,
    struct sd_err *err)
{
	struct get_arg a = { id, out };
	int st;

	if ((st = sd_authorize(s, SD_OP_TICKET_SHOW, "", err)) != SD_OK)
		return st;
	return sd_db_read(s->core->db, get_txn, &a, err);
}

struct list_arg {
	const struct sd_ticket_filter	*f;
	sd_ticket_cb			 cb;
	void				*arg;
	int64_t				 now;
	struct rowbuf			 rows;	/* for cb after the commit */
};

static int
match(const struct list_arg *a, const struct sd_ticket *tk)
{
	const struct sd_ticket_filter *f = a->f;

	if (f->status == -2 && tk->status > SD_TICKET_INPROGRESS)
		return 0;
	if (f->status >= 0 && tk->status != f->status)
		return 0;
	if (f->overdue && !sd_ticket_overdue(tk, a->now))
		return 0;
	if (f->handler != NULL && strcmp(f->handler, tk->handler) != 0)
		return 0;
	if (f->customer != 0 && f->customer != tk->customer)
		return 0;
	return 1;
}

static int
list_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct list_arg *a = arg;
	struct sd_cursor *c;
	struct sd_buf pfx = SD_BUF_INIT;
	int st, idx = -1;

	rowbuf_reset(&a->rows);
	if (a->f->handler != NULL) {
		idx = IX_TICKET_HANDLER;
		sd_buf_add(&pfx, a->f->handler, strlen(a->f->handler) + 1);
	} else if (a->f->customer != 0) {
		uint8_t k[8];

		idx = IX_TICKET_CUSTOMER;
		key64(k, a->f->customer);
		sd_buf_add(&pfx, k, 8);
	}
	if ((st = sd_cursor_open(t, T_TICKET, idx, &c, err)) != SD_OK) {
		sd_buf_free(&pfx);
		return st;
	}
	st = pfx.len ? sd_cursor_seek(c, SD_SEEK_GE, pfx.p, pfx.len, err) :
	    sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err);
	for (; st == SD_OK; st = sd_cursor_step(c, 1, err)) {
		size_t kl, vl;
		const void *k = sd_cursor_key(c, &kl);
		const void *v = sd_cursor_val(c, &vl);
		struct sd_ticket tk;

		if (pfx.len && (kl < pfx.len || memcmp(k, pfx.p, pfx.len) != 0))
			break;
		if (ticket_decode(v, vl, &tk) == SD_OK && match(a, &tk))
			rowbuf_add(&a->rows, &tk);
	}
	sd_cursor_close(c);
	sd_buf_free(&pfx);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

int
sd_ticket_list(struct sd_session *s, const struct sd_ticket_filter *f,
    sd_ticket_cb cb, void *arg, struct sd_err *err)
{
	struct list_arg a = { f, cb, arg, sd_now() };
	int st;

	if ((st = sd_authorize(s, SD_OP_TICKET_SHOW, "", err)) != SD_OK)
		return st;
	rowbuf_init(&a.rows, sizeof(struct sd_ticket), NULL);
	st = sd_db_read(s->core->db, list_txn, &a, err);
	for (size_t i = 0; st == SD_OK && i < a.rows.n; i++)
		if (cb(rowbuf_at(&a.rows, i), arg) != 0)
			break;
	rowbuf_free(&a.rows);
	return st;
}
