/*
 * call.c -- calls as the front ends see them: dial, answer, hang up, tones,
 * show, list and statistics, the outcome an operator notes, recordings.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/tel/tel_int.h"

const char *
sd_call_state_name(int state)
{
	static const char *const n[] = { "queued", "dialing", "ringing",
	    "active", "ended" };

	return state >= 0 && state <= SD_CALL_ENDED ? n[state] : "?";
}

int
sd_call_dial(struct sd_session *s, const char *number, const char *modem,
    const char *as, uint64_t *id, struct sd_err *err)
{
	struct job_arg a;
	struct sd_user u;
	int st;

	if ((st = sd_authorize(s, SD_OP_CALL_DIAL, number, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	if ((st = check_number("number", number, a.call.callee,
	    sizeof a.call.callee, err)) != SD_OK)
		return st;
	if (as != NULL && as[0] != '\0' && strcmp(as, s->user.login) != 0) {
		if (s->user.role == SD_ROLE_OPERATOR)
			return sd_deny(s, SD_OP_CALL_DIAL, number, err, "operators "
			    "dial as themselves");
		if ((st = sd_user_get(s, as, &u, err)) != SD_OK)
			return st;
		sd_strlcpy(a.call.operator, u.login, sizeof a.call.operator);
	} else
		sd_strlcpy(a.call.operator, s->user.login, sizeof a.call.operator);
	if (modem != NULL)
		sd_strlcpy(a.j.modem, modem, sizeof a.j.modem);
	if ((st = sd_seq_next(s->core->db, "call", &a.call.id, err)) != SD_OK)
		return st;
	a.call.direction = SD_DIR_OUT;
	a.call.created = sd_now();
	a.call.state = SD_CALL_QUEUED;
	a.with_call = 1;
	a.j.kind = SD_JOB_DIAL;
	a.j.ref = a.call.id;
	sd_strlcpy(a.j.number, a.call.callee, sizeof a.j.number);
	if ((st = job_queue(s, &a, NULL, err)) != SD_OK)
		return st;
	*id = a.call.id;
	return SD_OK;
}

struct callop_arg {
	struct sd_session	*s;
	uint64_t		 id;
	int			 answer;
	struct sd_call		 c;
	int			 dtmf;
	int			 cancelled;	/* ended here, never dialled */
	struct sd_refusal	 no;
};

static int
callop_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct callop_arg *a = arg;
	int st;

	st = REC_LOAD64(t, T_CALL, a->id, call_f, &a->c, 1, err);
	if (st == SD_ENOTFOUND)
		return sd_err_set(err, SD_ENOTFOUND, "call %llu: no such call",
		    (unsigned long long)a->id);
	if (st != SD_OK)
		return st;
	if (a->c.state == SD_CALL_ENDED)
		return sd_err_set(err, SD_EREFUSED, "call %llu: already ended (%s)",
		    (unsigned long long)a->id, a->c.disposition);
	if (a->answer) {
		if (a->c.direction != SD_DIR_IN || a->c.state != SD_CALL_RINGING)
			return sd_err_set(err, SD_EREFUSED, "call %llu: not a "
			    "ringing incoming call", (unsigned long long)a->id);
		if (a->c.operator[0] != '\0' &&
		    strcmp(a->c.operator, a->s->user.login) != 0)
			return sd_err_set(err, SD_EREFUSED, "call %llu: taken by %s",
			    (unsigned long long)a->id, a->c.operator);
		sd_strlcpy(a->c.operator, a->s->user.login, sizeof a->c.operator);
		if ((st = REC_STORE64(t, T_CALL, a->id, call_f, &a->c, err)) != SD_OK)
			return st;
	} else if (a->s->user.role == SD_ROLE_OPERATOR &&
	    strcmp(a->c.operator, a->s->user.login) != 0)
		return sd_refuse(&a->no, "not your call");
	if (a->dtmf && a->c.state != SD_CALL_ACTIVE)
		return sd_err_set(err, SD_EREFUSED, "call %llu: tones go on a call "
		    "that is talking (it is %s)", (unsigned long long)a->id,
		    sd_call_state_name(a->c.state));
	if (!a->answer && !a->dtmf && a->c.state == SD_CALL_QUEUED) {
		/* Not dialled yet: simdeskd claims a call before it dials
		 * (sd_call_claim), so ending it here is final. */
		struct sd_tel_event ev;
		int st2;

		a->c.state = SD_CALL_ENDED;
		a->c.start = a->c.created;
		a->c.end = sd_now();
		a->c.duration = (int)(a->c.end - a->c.start);
		sd_strlcpy(a->c.disposition, "cancelled", sizeof a->c.disposition);
		if ((st2 = REC_STORE64(t, T_CALL, a->id, call_f, &a->c, err)) != SD_OK)
			return st2;
		if (core_hooks.call_ended != NULL &&
		    (st2 = core_hooks.call_ended(t, &a->c, err)) != SD_OK)
			return st2;
		memset(&ev, 0, sizeof ev);
		ev.kind = SD_EV_ENDED;
		ev.call = a->id;
		sd_strlcpy(ev.number, a->c.callee, sizeof ev.number);
		ev.customer = a->c.customer;
		sd_strlcpy(ev.text, "cancelled", sizeof ev.text);
		a->cancelled = 1;
		return event_put(t, a->s->core, a->c.operator, &ev, err);
	}
	return SD_OK;
}

static int
call_job(struct sd_session *s, uint64_t id, int answer, struct sd_err *err)
{
	struct callop_arg c = { .s = s, .id = id, .answer = answer };
	struct job_arg a;
	int st;

	if ((st = sd_op_run(s, SD_OP_CALL_DIAL, "call", 0, callop_txn, &c,
	    &c.no, err)) != SD_OK)
		return st;
	if (c.cancelled)
		return SD_OK;
	memset(&a, 0, sizeof a);
	a.j.kind = answer ? SD_JOB_ANSWER : SD_JOB_HANGUP;
	a.j.ref = id;
	sd_strlcpy(a.j.modem, c.c.modem, sizeof a.j.modem);
	return job_queue(s, &a, NULL, err);
}

int
sd_call_dtmf(struct sd_session *s, uint64_t id, const char *digits,
    struct sd_err *err)
{
	struct callop_arg c = { .s = s, .id = id, .dtmf = 1 };
	struct job_arg a;
	size_t n = digits != NULL ? strlen(digits) : 0;
	int st;

	if ((st = sd_authorize(s, SD_OP_CALL_DIAL, "call", err)) != SD_OK)
		return st;
	if (n == 0 || n > 16 || strspn(digits, "0123456789*#ABCD") != n)
		return sd_err_set(err, SD_EINVAL, "tones: '%.40s' must be 1 to 16 "
		    "of 0-9 * # A-D", digits != NULL ? digits : "");
	if ((st = sd_op_run(s, SD_OP_CALL_DIAL, "call", SD_RUN_AUTHORIZED,
	    callop_txn, &c, &c.no, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.j.kind = SD_JOB_DTMF;
	a.j.ref = id;
	sd_strlcpy(a.j.modem, c.c.modem, sizeof a.j.modem);
	sd_strlcpy(a.j.text, digits, sizeof a.j.text);
	return job_queue(s, &a, NULL, err);
}

int
sd_call_hangup(struct sd_session *s, uint64_t id, struct sd_err *err)
{
	return call_job(s, id, 0, err);
}

int
sd_call_answer(struct sd_session *s, uint64_t id, struct sd_err *err)
{
	return call_job(s, id, 1, err);
}


/* login is one of the comma-separated names of list. */
static int
in_list(const char *list, const char *login)
{
	size_t n = strlen(login);

	for (const char *p = list; *p != '\0'; ) {
		const char *e = strchr(p, ',');
		size_t l = e != NULL ? (size_t)(e - p) : strlen(p);

		if (l == n && memcmp(p, login, n) == 0)
			return 1;
		if (e == NULL)
			break;
		p = e + 1;
	}
	return 0;
}

static int
call_visible(const struct sd_session *s, const struct sd_call *c)
{
	return s->user.role != SD_ROLE_OPERATOR ||
	    strcmp(c->operator, s->user.login) == 0 ||
	    in_list(c->offered, s->user.login);
}

static int
callget_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct list_arg *a = arg;
	int st = REC_LOAD64(t, T_CALL, a->id, call_f, &a->c, 0, err);

	if (st == SD_ENOTFOUND)
		return sd_err_set(err, SD_ENOTFOUND, "call %llu: no such call",
		    (unsigned long long)a->id);
	return st;
}

int
sd_call_get(struct sd_session *s, uint64_t id, struct sd_call *out,
    struct sd_err *err)
{
	struct list_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_CALL_SHOW, "call", err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.id = id;
	if ((st = sd_db_read(s->core->db, callget_txn, &a, err)) != SD_OK)
		return st;
	if (!call_visible(s, &a.c))
		return sd_deny(s, SD_OP_CALL_SHOW, "call", err, "not your call");
	*out = a.c;
	return SD_OK;
}

static int
call_wanted(const struct list_arg *a, const struct sd_call *c)
{
	const struct sd_call_filter *f = a->f;
	int64_t at = c->start ? c->start : c->created;

	if (!call_visible(a->s, c))
		return 0;
	if (f == NULL)
		return 1;
	if (f->operator != NULL && strcmp(c->operator, f->operator) != 0)
		return 0;
	if (f->customer != 0 && c->customer != f->customer)
		return 0;
	if (f->missed && strcmp(c->disposition, "missed") != 0)
		return 0;
	if ((f->from != 0 && at < f->from) || (f->to != 0 && at >= f->to))
		return 0;
	return 1;
}

static int
calls_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct list_arg *a = arg;
	struct sd_cursor *c;
	uint8_t k[16];
	int st, ix = IX_CALL_START;
	size_t pl = 0;
	struct sd_buf pre = SD_BUF_INIT;

	rowbuf_reset(&a->rows);
	if (a->f != NULL && a->f->customer != 0) {
		ix = IX_CALL_CUSTOMER;
		sd_be64_put(k, a->f->customer);
		sd_buf_add(&pre, k, 8);
	} else if (a->f != NULL && a->f->operator != NULL) {
		ix = IX_CALL_OPERATOR;
		sd_buf_add(&pre, a->f->operator, strlen(a->f->operator) + 1);
	}
	if ((st = sd_cursor_open(t, T_CALL, ix, &c, err)) != SD_OK) {
		sd_buf_free(&pre);
		return st;
	}
	pl = pre.len;
	if (ix == IX_CALL_START && a->f != NULL && a->f->from != 0) {
		sd_be64_put(k, (uint64_t)a->f->from);
		memset(k + 8, 0, 8);
		st = sd_cursor_seek(c, SD_SEEK_GE, k, 16, err);
	} else if (pl > 0)
		st = sd_cursor_seek(c, SD_SEEK_GE, pre.p, pl, err);
	else
		st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err);
	for (; st == SD_OK; st = sd_cursor_step(c, 1, err)) {
		size_t kl, vl;
		const void *key = sd_cursor_key(c, &kl);
		const void *v = sd_cursor_val(c, &vl);
		struct sd_call x;

		if (pl > 0 && (kl < pl || memcmp(key, pre.p, pl) != 0))
			break;
		if (call_peek(v, vl, &x) != SD_OK)
			continue;
		if (ix == IX_CALL_START && a->f != NULL && a->f->to != 0 &&
		    (x.start ? x.start : x.created) >= a->f->to)
			break;
		if (!call_wanted(a, &x))
			continue;
		rowbuf_add(&a->rows, &x);
	}
	sd_cursor_close(c);
	sd_buf_free(&pre);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

int
sd_call_list(struct sd_session *s, const struct sd_call_filter *f,
    sd_call_cb cb, void *arg, struct sd_err *err)
{
	struct list_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_CALL_SHOW, "calls", err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	a.f = f;
	rowbuf_init(&a.rows, sizeof(struct sd_call), NULL);
	st = sd_db_read(s->core->db, calls_txn, &a, err);
	for (size_t i = 0; st == SD_OK && i < a.rows.n; i++)
		if (cb(rowbuf_at(&a.rows, i), arg) != 0)
			break;
	rowbuf_free(&a.rows);
	return st;
}

static void
stats_one(const struct sd_call *c, struct list_arg *a)
{
	const char *who = c->operator[0] ? c->operator : "-";
	int i;

	for (i = 0; i < a->nstats; i++)
		if (strcmp(a->stats[i].operator, who) == 0)
			break;
	if (i == a->nstats) {
		a->stats = xrealloc(a->stats, (size_t)(i + 1) * sizeof *a->stats);
		memset(&a->stats[i], 0, sizeof a->stats[i]);
		sd_strlcpy(a->stats[i].operator, who, sizeof a->stats[i].operator);
		a->nstats++;
	}
	a->stats[i].calls++;
	a->stats[i].answered += c->billsec > 0;
	a->stats[i].talk_s += c->billsec;
	a->stats[i].in += c->direction == SD_DIR_IN;
	a->stats[i].missed += strcmp(c->disposition, "missed") == 0;
}

static int
stats_cmp(const void *x, const void *y)
{
	return strcmp(((const struct sd_call_stats *)x)->operator,
	    ((const struct sd_call_stats *)y)->operator);
}

int
sd_call_stats(struct sd_session *s, int64_t from, int64_t to, sd_stats_cb cb,
    void *arg, struct sd_err *err)
{
	struct sd_call_filter f = { NULL, from, to, 0, 0 };
	struct list_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_CALL_SHOW, "calls", err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	a.f = &f;
	rowbuf_init(&a.rows, sizeof(struct sd_call), NULL);
	if ((st = sd_db_read(s->core->db, calls_txn, &a, err)) == SD_OK) {
		/* Counted after the commit: a rerun reads the calls again. */
		for (size_t i = 0; i < a.rows.n; i++)
			stats_one(rowbuf_at(&a.rows, i), &a);
		if (a.nstats > 1)
			qsort(a.stats, (size_t)a.nstats, sizeof *a.stats,
			    stats_cmp);
		for (int i = 0; i < a.nstats; i++)
			if (cb(&a.stats[i], arg) != 0)
				break;
	}
	free(a.stats);
	rowbuf_free(&a.rows);
	return st;
}


struct outcome_arg {
	struct sd_session	*s;
	uint64_t		 id;
	const char		*outcome;
	struct sd_refusal	 no;
};

static int
outcome_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct outcome_arg *a = arg;
	struct sd_call c;
	const char *num;
	int st = REC_LOAD64(t, T_CALL, a->id, call_f, &c, 1, err);

	if (st == SD_ENOTFOUND)
		return sd_err_set(err, SD_ENOTFOUND, "call %llu: no such call",
		    (unsigned long long)a->id);
	if (st != SD_OK)
		return st;
	if (a->s->user.role == SD_ROLE_OPERATOR &&
	    strcmp(c.operator, a->s->user.login) != 0)
		return sd_refuse(&a->no, "not your call");
	sd_strlcpy(c.outcome, a->outcome, sizeof c.outcome);
	/* A caller unknown when it rang may be a customer by now (the pop's
	 * new-customer form): the call goes on their card. */
	num = c.direction == SD_DIR_IN ? c.caller : c.callee;
	if (c.customer == 0 && num[0] != '\0' &&
	    (st = customer_by_phone(t, num, &c.customer, err)) != SD_OK)
		return st;
	return REC_STORE64(t, T_CALL, a->id, call_f, &c, err);
}

int
sd_call_set_outcome(struct sd_session *s, uint64_t id, const char *outcome,
    struct sd_err *err)
{
	struct outcome_arg a = { .s = s, .id = id, .outcome = outcome };
	int st;

	if ((st = sd_authorize(s, SD_OP_CALL_DIAL, "call", err)) != SD_OK)
		return st;
	if (outcome == NULL || outcome[0] == '\0' ||
	    strlen(outcome) >= sizeof ((struct sd_call *)0)->outcome)
		return sd_err_set(err, SD_EINVAL, "outcome: 1 to %zu bytes",
		    sizeof ((struct sd_call *)0)->outcome - 1);
	return sd_op_run(s, SD_OP_CALL_DIAL, "call", SD_RUN_AUTHORIZED,
	    outcome_txn, &a, &a.no, err);
}

int
sd_call_recording(struct sd_session *s, uint64_t id, char *path, size_t size,
    struct sd_err *err)
{
	struct sd_call c;
	struct stat sb;
	int st;

	if ((st = sd_call_get(s, id, &c, err)) != SD_OK)
		return st;
	if (c.recording[0] == '\0' && c.state != SD_CALL_ENDED)
		return sd_err_set(err, SD_ENOTFOUND, "call %llu: no recording "
		    "(the call has not ended)", (unsigned long long)id);
	if (c.recording[0] == '\0' && c.answer == 0)
		return sd_err_set(err, SD_ENOTFOUND, "call %llu: no recording "
		    "(never answered)", (unsigned long long)id);
	if (c.recording[0] == '\0')
		return sd_err_set(err, SD_ENOTFOUND, "call %llu: no recording "
		    "(its modem has no voice port)", (unsigned long long)id);
	snprintf(path, size, "%s/recordings/%s", s->core->cfg.data_dir,
	    c.recording);
	if (stat(path, &sb) != 0)
		return sd_err_set(err, SD_ENOTFOUND, "call %llu: recording %s: %s",
		    (unsigned long long)id, path, strerror(errno));
	return SD_OK;
}

struct rec_arg {
	uint64_t	 id;
	const char	*name;
	long		 seconds;
};

static int
recorded_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct rec_arg *a = arg;
	struct sd_call c;
	int st = REC_LOAD64(t, T_CALL, a->id, call_f, &c, 1, err);

	if (st != SD_OK)
		return st;
	sd_strlcpy(c.recording, a->name, sizeof c.recording);
	c.rec_seconds = (int)a->seconds;
	return REC_STORE64(t, T_CALL, a->id, call_f, &c, err);
}

int
sd_call_recorded(struct sd_core *core, uint64_t id, const char *name,
    long seconds, struct sd_err *err)
{
	struct rec_arg a = { id, name, seconds };

	return sd_db_run(core->db, recorded_txn, &a, err);
}

int
calls_ended_each(struct sd_txn *t, call_each_fn fn, void *arg,
    struct sd_err *err)
{
	struct sd_cursor *c;
	int st, r = SD_OK;

	if ((st = sd_cursor_open(t, T_CALL, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t vl;
		const void *v = sd_cursor_val(c, &vl);
		struct sd_call x;

		if (call_peek(v, vl, &x) == SD_OK && x.state == SD_CALL_ENDED &&
		    (r = fn(t, &x, arg, err)) != SD_OK)
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
