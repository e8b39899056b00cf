/*
 * tel.c -- telephony in the books: the work the front ends hand simdeskd
 * (dial, hang up, SMS, USSD, slot switch) and what it writes back (modem
 * state, call progress, received SMS); calls with their rating and the
 * SIM's month of minutes against its quota (套餐预警); incoming calls
 * offered to operators (owner first, then ringall / leastrecent /
 * rrmemory) and each operator's inbox of screen pops.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/tel/tel_int.h"

static const struct rec_field modem_f[] = {
	REC_S(1, sd_modem, name), REC_S(2, sd_modem, port),
	REC_S(3, sd_modem, imei), REC_S(4, sd_modem, iccid),
	REC_S(5, sd_modem, imsi), REC_S(6, sd_modem, msisdn),
	REC_S(7, sd_modem, carrier), REC_I(8, sd_modem, signal),
	REC_I(9, sd_modem, reg), REC_S(10, sd_modem, state),
	REC_I(11, sd_modem, slot), REC_I(12, sd_modem, nslots),
	REC_I(13, sd_modem, call), REC_S(14, sd_modem, message),
	REC_I(15, sd_modem, updated), REC_I(16, sd_modem, simulated),
};
static const struct rec_field job_f[] = {
	REC_I(1, sd_teljob, id), REC_I(2, sd_teljob, kind),
	REC_S(3, sd_teljob, modem), REC_S(4, sd_teljob, number),
	REC_S(5, sd_teljob, text), REC_I(6, sd_teljob, ref),
	REC_I(7, sd_teljob, slot), REC_S(8, sd_teljob, by),
	REC_I(9, sd_teljob, created), REC_I(10, sd_teljob, status),
	REC_S(11, sd_teljob, result), REC_I(12, sd_teljob, done_at),
};
static const struct rec_field call_f[] = {
	REC_I(1, sd_call, id), REC_I(2, sd_call, direction),
	REC_S(3, sd_call, caller), REC_S(4, sd_call, callee),
	REC_S(5, sd_call, modem), REC_S(6, sd_call, iccid),
	REC_S(7, sd_call, operator), REC_I(8, sd_call, customer),
	REC_I(9, sd_call, created), REC_I(10, sd_call, start),
	REC_I(11, sd_call, answer), REC_I(12, sd_call, end),
	REC_I(13, sd_call, duration), REC_I(14, sd_call, billsec),
	REC_I(15, sd_call, state), REC_S(16, sd_call, disposition),
	REC_I(17, sd_call, unit_mfen), REC_I(18, sd_call, cost_fen),
	REC_S(19, sd_call, rate_name), REC_S(20, sd_call, offered),
	REC_S(21, sd_call, outcome), REC_S(22, sd_call, recording),
	REC_I(23, sd_call, rec_seconds),
};
static const struct rec_field sms_f[] = {
	REC_I(1, sd_sms, id), REC_I(2, sd_sms, direction),
	REC_S(3, sd_sms, modem), REC_S(4, sd_sms, iccid),
	REC_S(5, sd_sms, number), REC_S(6, sd_sms, text),
	REC_I(7, sd_sms, parts), REC_I(8, sd_sms, at), REC_S(9, sd_sms, status),
	REC_S(10, sd_sms, by), REC_S(11, sd_sms, error),
	REC_I(12, sd_sms, customer),
};

struct simuse {
	long	seconds, minutes, calls, sms;
	int	warned;			/* the highest warning level sent */
};
static const struct rec_field use_f[] = {
	REC_I(1, simuse, seconds), REC_I(2, simuse, minutes),
	REC_I(3, simuse, calls), REC_I(4, simuse, sms),
	REC_I(5, simuse, warned),
};

struct presence {
	char	login[SD_LOGIN_MAX + 1];
	int	paused;
	char	reason[65];
	int64_t	beat, last_end, last_offer;
	uint64_t on_call;
};
static const struct rec_field pres_f[] = {
	REC_S(1, presence, login), REC_I(2, presence, paused),
	REC_S(3, presence, reason), REC_I(4, presence, beat),
	REC_I(5, presence, last_end), REC_I(6, presence, last_offer),
	REC_I(7, presence, on_call),
};
static const struct rec_field ev_f[] = {
	REC_I(1, sd_tel_event, id), REC_I(2, sd_tel_event, kind),
	REC_I(3, sd_tel_event, call), REC_S(4, sd_tel_event, number),
	REC_I(5, sd_tel_event, customer), REC_S(6, sd_tel_event, text),
	REC_I(7, sd_tel_event, at),
};

/* ---------------------------------------------------------------- call indexes */

static int
call_peek(const void *rec, size_t len, struct sd_call *c)
{
	return rec_decode(call_f, REC_N(call_f), rec, len, c, sizeof *c);
}

int
call_start_key(const void *pk, size_t pklen, const void *rec, size_t len,
    struct sd_keys *out)
{
	struct sd_call c;
	uint8_t k[16];

	if (pklen != 8 || call_peek(rec, len, &c) != SD_OK)
		return -1;
	sd_be64_put(k, (uint64_t)(c.start ? c.start : c.created));
	memcpy(k + 8, pk, 8);
	sd_keys_add(out, k, 16);
	return 0;
}

int
call_operator_key(const void *pk, size_t pklen, const void *rec, size_t len,
    struct sd_keys *out)
{
	struct sd_call c;
	uint8_t k[SD_LOGIN_MAX + 1 + 16];
	size_t n;

	if (pklen != 8 || call_peek(rec, len, &c) != SD_OK)
		return -1;
	if (c.operator[0] == '\0')
		return 0;
	n = strlen(c.operator) + 1;
	memcpy(k, c.operator, n);
	sd_be64_put(k + n, (uint64_t)(c.start ? c.start : c.created));
	memcpy(k + n + 8, pk, 8);
	sd_keys_add(out, k, n + 16);
	return 0;
}

int
call_customer_key(const void *pk, size_t pklen, const void *rec, size_t len,
    struct sd_keys *out)
{
	struct sd_call c;
	uint8_t k[16];

	if (pklen != 8 || call_peek(rec, len, &c) != SD_OK)
		return -1;
	if (c.customer == 0)
		return 0;
	sd_be64_put(k, c.customer);
	memcpy(k + 8, pk, 8);
	sd_keys_add(out, k, 16);
	return 0;
}

const char *
sd_call_state_name(int state)
{
	static const char *const n[] = { "queued", "dialing", "ringing",
	    "active", "ended" };

	return state >= 0 && state <= SD_CALL_ENDED ? n[state] : "?";
}

/* ---------------------------------------------------------------- carriers */

const char *
sd_carrier_of_number(const char *number)
{
	static const struct { const char *p; const char *c; } pre[] = {
		{ "134", "mobile" }, { "135", "mobile" }, { "136", "mobile" },
		{ "137", "mobile" }, { "138", "mobile" }, { "139", "mobile" },
		{ "147", "mobile" }, { "150", "mobile" }, { "151", "mobile" },
		{ "152", "mobile" }, { "157", "mobile" }, { "158", "mobile" },
		{ "159", "mobile" }, { "172", "mobile" }, { "178", "mobile" },
		{ "182", "mobile" }, { "183", "mobile" }, { "184", "mobile" },
		{ "187", "mobile" }, { "188", "mobile" }, { "195", "mobile" },
		{ "197", "mobile" }, { "198", "mobile" },
		{ "130", "unicom" }, { "131", "unicom" }, { "132", "unicom" },
		{ "145", "unicom" }, { "155", "unicom" }, { "156", "unicom" },
		{ "166", "unicom" }, { "175", "unicom" }, { "176", "unicom" },
		{ "185", "unicom" }, { "186", "unicom" }, { "196", "unicom" },
		{ "133", "telecom" }, { "149", "telecom" }, { "153", "telecom" },
		{ "173", "telecom" }, { "177", "telecom" }, { "180", "telecom" },
		{ "181", "telecom" }, { "189", "telecom" }, { "190", "telecom" },
		{ "191", "telecom" }, { "193", "telecom" }, { "199", "telecom" },
	};
	const char *d = number;

	if (strncmp(d, "+86", 3) == 0)
		d += 3;
	else if (strncmp(d, "0086", 4) == 0)
		d += 4;
	if (strlen(d) != 11)
		return "";
	for (size_t i = 0; i < sizeof pre / sizeof pre[0]; i++)
		if (strncmp(d, pre[i].p, 3) == 0)
			return pre[i].c;
	return "";
}

const char *
sd_carrier_of_name(const char *name)
{
	if (strcasestr(name, "MOBILE") != NULL || strstr(name, "移动") != NULL ||
	    strncmp(name, "46000", 5) == 0)
		return "mobile";
	if (strcasestr(name, "UNICOM") != NULL || strstr(name, "联通") != NULL)
		return "unicom";
	if (strcasestr(name, "TELECOM") != NULL || strcasestr(name, "CTCC") ||
	    strstr(name, "电信") != NULL)
		return "telecom";
	return "";
}

/* ---------------------------------------------------------------- SIM usage */

static void
use_key(struct sd_buf *k, const char *iccid, int month)
{
	uint8_t m[4] = { (uint8_t)(month >> 24), (uint8_t)(month >> 16),
	    (uint8_t)(month >> 8), (uint8_t)month };

	sd_buf_reset(k);
	sd_buf_add(k, iccid, strlen(iccid) + 1);
	sd_buf_add(k, m, 4);
}

static int
use_load(struct sd_txn *t, const char *iccid, int month, struct simuse *u,
    int rmw, struct sd_err *err)
{
	struct sd_buf k = SD_BUF_INIT;
	int st;

	use_key(&k, iccid, month);
	st = rec_load(t, T_SIMUSE, k.p, k.len, use_f, REC_N(use_f), u,
	    sizeof *u, rmw, err);
	sd_buf_free(&k);
	if (st == SD_ENOTFOUND) {
		memset(u, 0, sizeof *u);
		sd_err_clear(err);
		return SD_OK;
	}
	return st;
}

static int
use_store(struct sd_txn *t, const char *iccid, int month,
    const struct simuse *u, struct sd_err *err)
{
	struct sd_buf k = SD_BUF_INIT;
	int st;

	use_key(&k, iccid, month);
	st = rec_store(t, T_SIMUSE, k.p, k.len, use_f, REC_N(use_f), u, err);
	sd_buf_free(&k);
	return st;
}

/* A SIM's quota: its plan's minutes and SMS when the card is in the
 * books, else the config's. */
static void
sim_quota(struct sd_txn *t, const struct sd_config *cfg, const char *iccid,
    long *minutes, long *sms)
{
	struct sd_sim c;
	struct sd_plan p;
	struct sd_err e;

	*minutes = cfg->quota_minutes;
	*sms = cfg->quota_sms;
	if (iccid[0] == '\0' || sim_load(t, iccid, &c, 0, &e) != SD_OK ||
	    c.plan[0] == '\0')
		return;
	if (plan_load(t, c.plan, &p, &e) == SD_OK) {
		*minutes = p.minutes;
		*sms = p.sms;
	}
}

/* 0 fine, 1 and 2 past the warnings, 3 at the rest threshold. */
static int
use_level(const struct sd_config *cfg, long used, long quota)
{
	if (quota <= 0)
		return used > 0 ? 3 : 0;
	if (used * 100 >= quota * cfg->rest_pct)
		return 3;
	if (used * 100 >= quota * cfg->warn_pct[1])
		return 2;
	if (used * 100 >= quota * cfg->warn_pct[0])
		return 1;
	return 0;
}

static void
modem_fill_usage(struct sd_txn *t, const struct sd_config *cfg,
    struct sd_modem *m)
{
	struct simuse u;
	struct sd_err e;
	long qm, qs;

	if (m->iccid[0] == '\0' || use_load(t, m->iccid, sd_month_of(sd_now()),
	    &u, 0, &e) != SD_OK)
		memset(&u, 0, sizeof u);
	sim_quota(t, cfg, m->iccid, &qm, &qs);
	m->used_s = u.seconds;
	m->quota_s = qm * 60;
	m->sms_used = u.sms;
	m->sms_quota = qs;
	m->level = m->iccid[0] ? use_level(cfg, u.minutes, qm) : 0;
	if (m->iccid[0] && use_level(cfg, u.sms, qs) > m->level)
		m->level = use_level(cfg, u.sms, qs);
}

/* ---------------------------------------------------------------- events */

static int
event_put(struct sd_txn *t, struct sd_core *core, const char *login,
    struct sd_tel_event *ev, struct sd_err *err)
{
	struct sd_buf k = SD_BUF_INIT;
	uint8_t id[8];
	int st;

	if (login[0] == '\0')
		return SD_OK;
	if ((st = sd_seq_next(core->db, "televent", &ev->id, err)) != SD_OK)
		return st;
	ev->at = sd_now();
	key64(id, ev->id);
	sd_buf_add(&k, login, strlen(login) + 1);
	sd_buf_add(&k, id, 8);
	st = rec_store(t, T_TELEVENT, k.p, k.len, ev_f, REC_N(ev_f), ev, err);
	sd_buf_free(&k);
	if (st == SD_OK)
		sd_inbox_notify(t, SD_INBOX_TEL, login);
	return st;
}

struct ev_arg {
	struct sd_session	*s;
	struct sd_tel_event	*out;
	int			 max, n;
	int			 peek;		/* read only: are there any? */
};

/* The session user's events: keys are login NUL id. */
static int
event_take(struct sd_txn *t, const void *key, size_t kl, void *rec, void *arg,
    struct sd_err *err)
{
	struct ev_arg *a = arg;
	size_t ml = strlen(a->s->user.login) + 1;

	(void)t;
	(void)err;
	if (kl < ml || memcmp(key, a->s->user.login, ml) != 0)
		return REC_STOP;
	a->out[a->n++] = *(struct sd_tel_event *)rec;
	return a->n < a->max ? REC_NEXT : REC_STOP;
}

static int
events_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct ev_arg *a = arg;
	const char *me = a->s->user.login;
	size_t ml = strlen(me) + 1;
	struct sd_tel_event ev;
	int st;

	a->n = 0;
	if (a->max <= 0)
		return SD_OK;
	if ((st = rec_walk(t, T_TELEVENT, 1, me, ml, ev_f, REC_N(ev_f), &ev,
	    sizeof ev, event_take, a, err)) != SD_OK)
		return st;
	if (a->peek)
		return SD_OK;
	/* Taken: gone from the inbox. */
	for (int i = 0; i < a->n; i++) {
		struct sd_buf k = SD_BUF_INIT;
		uint8_t id[8];

		key64(id, a->out[i].id);
		sd_buf_add(&k, me, ml);
		sd_buf_add(&k, id, 8);
		st = sd_del(t, T_TELEVENT, k.p, k.len, err);
		sd_buf_free(&k);
		if (st != SD_OK && st != SD_ENOTFOUND)
			return st;
	}
	sd_err_clear(err);
	return SD_OK;
}

int
sd_tel_events(struct sd_session *s, struct sd_tel_event *out, int max, int *n,
    struct sd_err *err)
{
	struct ev_arg a = { s, out, max, 0, 1 };
	int st;

	/* Every screen polls a few times a second: look before writing. */
	*n = 0;
	if ((st = sd_db_read(s->core->db, events_txn, &a, err)) != SD_OK ||
	    a.n == 0)
		return st;
	a.peek = 0;
	st = sd_db_run(s->core->db, events_txn, &a, err);
	*n = a.n;
	return st;
}

/* ---------------------------------------------------------------- jobs */

struct job_arg {
	struct sd_session	*s;
	struct sd_core		*core;
	struct sd_teljob	 j;
	struct sd_call		 call;
	struct sd_sms		 sms;
	int			 with_call, with_sms;
	const char		*as;
	int			 found;
	uint64_t		 after;
};

static int
need_modem(struct sd_txn *t, const char *name, struct sd_modem *m,
    struct sd_err *err)
{
	int st = rec_load(t, T_MODEM, name, strlen(name), modem_f,
	    REC_N(modem_f), m, sizeof *m, 0, err);

	if (st == SD_ENOTFOUND)
		return sd_err_set(err, SD_ENOTFOUND, "modem %s: no such modem "
		    "(see modem list)", name);
	return st;
}

/* simdeskd reports every modem at least every 10 s. */
#define MODEM_FRESH_S 30

static int
modem_dials(const struct sd_modem *m)
{
	return strcmp(m->state, "ready") == 0 &&
	    sd_now() - m->updated <= MODEM_FRESH_S;
}

static int
any_dials(struct sd_txn *t, const void *key, size_t kl, void *rec, void *arg,
    struct sd_err *err)
{
	(void)t;
	(void)key;
	(void)kl;
	(void)err;
	if (!modem_dials(rec))
		return REC_NEXT;
	*(int *)arg = 1;
	return REC_STOP;
}

/* A call is placed at once or not at all: a modem must be up and free
 * (the one named, or any), else the dial is refused, never left queued. */
static int
dial_possible(struct sd_txn *t, const struct sd_modem *named,
    struct sd_err *err)
{
	struct sd_modem m;
	int any = 0, st;

	if (named != NULL) {
		if (modem_dials(named))
			return SD_OK;
		return sd_err_set(err, SD_EREFUSED, "modem %s: %s, not ready to "
		    "dial%s%s", named->name, sd_now() - named->updated >
		    MODEM_FRESH_S ? "not reported lately (is simdeskd running?)" :
		    named->state, named->message[0] ? ": " : "", named->message);
	}
	if ((st = rec_walk(t, T_MODEM, 1, NULL, 0, modem_f, REC_N(modem_f), &m,
	    sizeof m, any_dials, &any, err)) != SD_OK)
		return st;
	if (!any)
		return sd_err_set(err, SD_EREFUSED, "no modem is ready to dial "
		    "(is simdeskd running? see simdeskctl modem list)");
	return SD_OK;
}

static int
job_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct job_arg *a = arg;
	struct sd_modem m;
	char obj[80];
	int st;

	if (a->j.modem[0] != '\0' &&
	    (st = need_modem(t, a->j.modem, &m, err)) != SD_OK)
		return st;
	if (a->j.kind >= SD_JOB_FAULT && a->j.kind <= SD_JOB_SMS_IN &&
	    !m.simulated)
		return sd_err_set(err, SD_EREFUSED, "modem %s: not a simulated "
		    "modem", a->j.modem);
	if (a->with_call) {
		/* A number on file belongs to its customer: do-not-call is
		 * honoured here, for every front end. */
		uint64_t cid = 0;

		if ((st = customer_by_phone(t, a->call.callee, &cid, err)) != SD_OK)
			return st;
		if (cid != 0) {
			struct sd_customer cu;

			if ((st = customer_load(t, cid, &cu, 0, err)) != SD_OK)
				return st;
			if (cu.dnc)
				return sd_err_set(err, SD_EREFUSED, "number %s: "
				    "customer %llu (%s) is on the do-not-call list",
				    a->call.callee, (unsigned long long)cid,
				    cu.name);
			a->call.customer = cid;
		}
		if ((st = dial_possible(t, a->j.modem[0] ? &m : NULL, err)) !=
		    SD_OK)
			return st;
		if ((st = REC_STORE64(t, T_CALL, a->call.id, call_f, &a->call, err)) !=
		    SD_OK)
			return st;
	}
	if (a->with_sms && (st = REC_STORE64(t, T_SMS, a->sms.id, sms_f, &a->sms,
	    err)) != SD_OK)
		return st;
	if ((st = REC_STORE64(t, T_TELJOB, a->j.id, job_f, &a->j, err)) != SD_OK)
		return st;
	snprintf(obj, sizeof obj, "%s%s%s", a->j.modem, a->j.modem[0] &&
	    a->j.number[0] ? " " : "", a->j.number);
	return sd_audit_write(t, a->s->user.login, a->with_call ? "call.dial" :
	    a->with_sms ? "sms.send" : a->j.kind == SD_JOB_DTMF ? "call.dtmf" :
	    "modem.job", obj, SD_OUTCOME_OK, "",
	    /* Tones may be a PIN: not in the audit log. */
	    a->j.text[0] && !a->with_sms && a->j.kind != SD_JOB_DTMF ?
	    a->j.text : "", err);
}

static int
job_queue(struct sd_session *s, struct job_arg *a, uint64_t *id,
    struct sd_err *err)
{
	int st;

	a->s = s;
	sd_strlcpy(a->j.by, s->user.login, sizeof a->j.by);
	a->j.created = sd_now();
	a->j.status = SD_JOB_QUEUED;
	if ((st = sd_seq_next(s->core->db, "teljob", &a->j.id, err)) != SD_OK)
		return st;
	if ((st = sd_db_run(s->core->db, job_txn, a, err)) != SD_OK)
		return st;
	if (id != NULL)
		*id = a->j.id;
	return SD_OK;
}

/* Digits, with + in front at most: 3 to 20 of them. */
static int
check_number(const char *field, const char *in, char *out, size_t size,
    struct sd_err *err)
{
	size_t n = strlen(in), k = 0;

	if (n < 3 || n > 21 || size < 22)
		return sd_err_set(err, SD_EINVAL, "%s: '%.24s' must have 3 to 20 "
		    "digits", field, in);
	for (size_t i = 0; i < n; i++) {
		if ((in[i] >= '0' && in[i] <= '9') || in[i] == '*' || in[i] == '#' ||
		    (i == 0 && in[i] == '+'))
			out[k++] = in[i];
		else
			return sd_err_set(err, SD_EINVAL, "%s: '%.24s' is not a "
			    "phone number", field, in);
	}
	out[k] = '\0';
	return SD_OK;
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
			return sd_deny(s, SD_OP_CALL_DIAL, number, "operators "
			    "dial as themselves", err);
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
		return sd_deny(a->s, SD_OP_CALL_DIAL, "call", "not your call", err);
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
	struct callop_arg c = { s, id, answer, { 0 } };
	struct job_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_CALL_DIAL, "call", err)) != SD_OK)
		return st;
	if ((st = sd_db_run(s->core->db, callop_txn, &c, err)) != SD_OK)
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
	struct callop_arg c = { s, id, 0, { 0 }, 1, 0 };
	struct job_arg a;
	size_t n = digits != NULL ? strlen(digits) : 0;
	int st;

	if ((st = sd_authorize(s, SD_OP_CALL_DIAL, "call", err)) != SD_OK)
		return st;
	if (n == 0 || n > 16 || strspn(digits, "0123456789*#ABCD") != n)
		return sd_err_set(err, SD_EINVAL, "tones: '%.40s' must be 1 to 16 "
		    "of 0-9 * # A-D", digits != NULL ? digits : "");
	if ((st = sd_db_run(s->core->db, callop_txn, &c, err)) != SD_OK)
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

int
sd_sms_send(struct sd_session *s, const char *number, const char *text,
    const char *modem, uint64_t *id, struct sd_err *err)
{
	struct job_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_SMS_SEND, number, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	if ((st = check_number("number", number, a.sms.number,
	    sizeof a.sms.number, err)) != SD_OK)
		return st;
	if (text == NULL || text[0] == '\0')
		return sd_err_set(err, SD_EINVAL, "text: empty message");
	if ((st = sd_check_text("text", text, 1000, err)) != SD_OK)
		return st;
	if (modem != NULL)
		sd_strlcpy(a.j.modem, modem, sizeof a.j.modem);
	if ((st = sd_seq_next(s->core->db, "sms", &a.sms.id, err)) != SD_OK)
		return st;
	a.sms.direction = SD_DIR_OUT;
	sd_strlcpy(a.sms.text, text, sizeof a.sms.text);
	a.sms.at = sd_now();
	sd_strlcpy(a.sms.status, "queued", sizeof a.sms.status);
	sd_strlcpy(a.sms.by, s->user.login, sizeof a.sms.by);
	a.with_sms = 1;
	a.j.kind = SD_JOB_SMS;
	a.j.ref = a.sms.id;
	sd_strlcpy(a.j.number, a.sms.number, sizeof a.j.number);
	sd_strlcpy(a.j.text, text, sizeof a.j.text);
	if ((st = job_queue(s, &a, NULL, err)) != SD_OK)
		return st;
	*id = a.sms.id;
	return SD_OK;
}

int
sd_ussd(struct sd_session *s, const char *modem, const char *code,
    uint64_t *job, struct sd_err *err)
{
	struct job_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_USSD, modem, err)) != SD_OK)
		return st;
	if (strlen(code) < 2 || strlen(code) > 40 ||
	    strspn(code, "0123456789*#") != strlen(code))
		return sd_err_set(err, SD_EINVAL, "code: '%.40s' is not a USSD "
		    "code like *100#", code);
	memset(&a, 0, sizeof a);
	a.j.kind = SD_JOB_USSD;
	sd_strlcpy(a.j.modem, modem, sizeof a.j.modem);
	sd_strlcpy(a.j.text, code, sizeof a.j.text);
	return job_queue(s, &a, job, err);
}

int
sd_modem_switch(struct sd_session *s, const char *modem, int slot,
    uint64_t *job, struct sd_err *err)
{
	struct job_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_MODEM_SWITCH, modem, err)) != SD_OK)
		return st;
	if (slot < 0 || slot > 3)
		return sd_err_set(err, SD_EINVAL, "slot: %d is not 0-3", slot);
	memset(&a, 0, sizeof a);
	a.j.kind = SD_JOB_SWITCH;
	a.j.slot = slot;
	sd_strlcpy(a.j.modem, modem, sizeof a.j.modem);
	return job_queue(s, &a, job, err);
}

int
sd_modem_simulate(struct sd_session *s, const char *modem, int kind,
    const char *arg, const char *text, uint64_t *job, struct sd_err *err)
{
	struct job_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_MODEM_SIMULATE, modem, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	if (kind == SD_JOB_RING || kind == SD_JOB_SMS_IN) {
		if ((st = check_number("from", arg, a.j.number,
		    sizeof a.j.number, err)) != SD_OK)
			return st;
	} else if (kind == SD_JOB_FAULT) {
		static const char *const k[] = { "echo", "garbage", "drop", "late",
		    "cme10", "vanish", "reset-sms", "swap-sim", "hangup", "clear" };
		int ok = 0;

		for (size_t i = 0; i < sizeof k / sizeof k[0]; i++)
			ok |= strcmp(arg, k[i]) == 0;
		if (!ok)
			return sd_err_set(err, SD_EINVAL, "fault: '%.20s' is not "
			    "echo, garbage, drop, late, cme10, vanish, reset-sms, "
			    "swap-sim, hangup or clear", arg);
		sd_strlcpy(a.j.text, arg, sizeof a.j.text);
	} else
		return sd_err_set(err, SD_EINVAL, "unknown simulation");
	if (text != NULL)
		sd_strlcpy(a.j.text, text, sizeof a.j.text);
	a.j.kind = kind;
	sd_strlcpy(a.j.modem, modem, sizeof a.j.modem);
	return job_queue(s, &a, job, err);
}

static int
jobget_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct job_arg *a = arg;
	int st = REC_LOAD64(t, T_TELJOB, a->j.id, job_f, &a->j, 0, err);

	if (st == SD_ENOTFOUND)
		return sd_err_set(err, SD_ENOTFOUND, "job %llu: no such job",
		    (unsigned long long)a->j.id);
	return st;
}

int
sd_job_get(struct sd_session *s, uint64_t id, struct sd_teljob *out,
    struct sd_err *err)
{
	struct job_arg a;
	int st;

	memset(&a, 0, sizeof a);
	a.j.id = id;
	if ((st = sd_db_read(s->core->db, jobget_txn, &a, err)) == SD_OK)
		*out = a.j;
	return st;
}

int
sd_job_wait(struct sd_session *s, uint64_t id, int seconds,
    struct sd_teljob *out, struct sd_err *err)
{
	for (int i = 0; i < seconds * 10; i++) {
		int st = sd_job_get(s, id, out, err);

		if (st != SD_OK || out->status != SD_JOB_QUEUED)
			return st;
		usleep(100000);
	}
	return sd_err_set(err, SD_EINTERNAL, "job %llu: no answer from simdeskd "
	    "in %d s (is it running on this data directory?)",
	    (unsigned long long)id, seconds);
}

/* ---------------------------------------------------------------- reading */

struct list_arg {
	struct sd_session		*s;
	const struct sd_call_filter	*f;
	sd_call_cb			 ccb;
	sd_modem_cb			 mcb;
	sd_sms_cb			 scb;
	sd_stats_cb			 stcb;
	void				*arg;
	const char			*name;
	struct sd_modem			 m;
	struct sd_call			 c;
	struct sd_sms			 sms;
	uint64_t			 id;
	int				 limit, count;
	int64_t				 from, to;
	struct sd_call_stats		*stats;
	int				 nstats;
};

static int
modem_each(struct sd_txn *t, const void *key, size_t kl, void *rec, void *arg,
    struct sd_err *err)
{
	struct list_arg *a = arg;

	(void)key;
	(void)kl;
	(void)err;
	modem_fill_usage(t, &a->s->core->cfg, rec);
	return a->mcb(rec, a->arg) != 0 ? REC_STOP : REC_NEXT;
}

static int
modems_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct list_arg *a = arg;
	int st;

	if (a->name != NULL) {
		if ((st = need_modem(t, a->name, &a->m, err)) == SD_OK)
			modem_fill_usage(t, &a->s->core->cfg, &a->m);
		return st;
	}
	return rec_walk(t, T_MODEM, 1, NULL, 0, modem_f, REC_N(modem_f), &a->m,
	    sizeof a->m, modem_each, a, err);
}

int
sd_modem_list(struct sd_session *s, sd_modem_cb cb, void *arg,
    struct sd_err *err)
{
	struct list_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_MODEM_SHOW, "modems", err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	a.mcb = cb;
	a.arg = arg;
	return sd_db_read(s->core->db, modems_txn, &a, err);
}

int
sd_modem_get(struct sd_session *s, const char *name, struct sd_modem *out,
    struct sd_err *err)
{
	struct list_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_MODEM_SHOW, name, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	a.name = name;
	if ((st = sd_db_read(s->core->db, modems_txn, &a, err)) == SD_OK)
		*out = a.m;
	return st;
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
		return sd_deny(s, SD_OP_CALL_SHOW, "call", "not your call", err);
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
		if (a->ccb(&x, a->arg) != 0)
			break;
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
	a.ccb = cb;
	a.arg = arg;
	return sd_db_read(s->core->db, calls_txn, &a, err);
}

static int
stats_one(const struct sd_call *c, void *arg)
{
	struct list_arg *a = arg;
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
	return 0;
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
	a.ccb = stats_one;
	a.arg = &a;
	if ((st = sd_db_read(s->core->db, calls_txn, &a, err)) == SD_OK) {
		if (a.nstats > 1)
			qsort(a.stats, (size_t)a.nstats, sizeof *a.stats,
			    stats_cmp);
		for (int i = 0; i < a.nstats; i++)
			if (cb(&a.stats[i], arg) != 0)
				break;
	}
	free(a.stats);
	return st;
}

/* Newest first; an operator sees the messages they sent. */
static int
sms_each(struct sd_txn *t, const void *key, size_t kl, void *rec, void *arg,
    struct sd_err *err)
{
	struct list_arg *a = arg;
	const struct sd_sms *m = rec;

	(void)t;
	(void)key;
	(void)kl;
	(void)err;
	if (a->s->user.role == SD_ROLE_OPERATOR &&
	    strcmp(m->by, a->s->user.login) != 0)
		return REC_NEXT;
	if (a->scb(m, a->arg) != 0 || (a->limit > 0 && ++a->count >= a->limit))
		return REC_STOP;
	return REC_NEXT;
}

static int
smslist_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct list_arg *a = arg;
	int st;

	if (a->id != 0) {
		st = REC_LOAD64(t, T_SMS, a->id, sms_f, &a->sms, 0, err);
		if (st == SD_ENOTFOUND)
			return sd_err_set(err, SD_ENOTFOUND, "sms %llu: no such "
			    "message", (unsigned long long)a->id);
		return st;
	}
	return rec_walk(t, T_SMS, -1, NULL, 0, sms_f, REC_N(sms_f), &a->sms,
	    sizeof a->sms, sms_each, a, err);
}

int
sd_sms_list(struct sd_session *s, int limit, sd_sms_cb cb, void *arg,
    struct sd_err *err)
{
	struct list_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_SMS_SHOW, "sms", err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	a.scb = cb;
	a.arg = arg;
	a.limit = limit;
	return sd_db_read(s->core->db, smslist_txn, &a, err);
}

int
sd_sms_get(struct sd_session *s, uint64_t id, struct sd_sms *out,
    struct sd_err *err)
{
	struct list_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_SMS_SHOW, "sms", err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	a.id = id;
	if ((st = sd_db_read(s->core->db, smslist_txn, &a, err)) == SD_OK)
		*out = a.sms;
	return st;
}

/* ---------------------------------------------------------------- presence */

struct pres_arg {
	struct sd_session	*s;
	int			 paused;
	const char		*reason;
};

static int
pres_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct pres_arg *a = arg;
	const char *me = a->s->user.login;
	struct presence p;
	int st = rec_load(t, T_PRESENCE, me, strlen(me), pres_f, REC_N(pres_f), &p,
	    sizeof p, 1, err);

	if (st == SD_ENOTFOUND) {
		memset(&p, 0, sizeof p);
		sd_strlcpy(p.login, me, sizeof p.login);
		sd_err_clear(err);
	} else if (st != SD_OK)
		return st;
	if (p.paused != a->paused)
		sd_audit_write(t, me, a->paused ? "presence.pause" :
		    "presence.available", me, SD_OUTCOME_OK, "",
		    a->reason != NULL ? a->reason : "", err);
	p.paused = a->paused;
	sd_strlcpy(p.reason, a->reason != NULL ? a->reason : "", sizeof p.reason);
	p.beat = sd_now();
	return rec_store(t, T_PRESENCE, me, strlen(me), pres_f, REC_N(pres_f), &p, err);
}

int
sd_presence_beat(struct sd_session *s, int paused, const char *reason,
    struct sd_err *err)
{
	struct pres_arg a = { s, paused, reason };
	int st;

	if ((st = sd_authorize(s, SD_OP_CALL_TAKE, "presence", err)) != SD_OK)
		return st;
	if (reason != NULL && strlen(reason) >= sizeof ((struct presence *)0)->reason)
		return sd_err_set(err, SD_EINVAL, "reason: longer than %zu bytes",
		    sizeof ((struct presence *)0)->reason - 1);
	return sd_db_run(s->core->db, pres_txn, &a, err);
}

const char *
sd_presence_state_name(int state)
{
	switch (state) {
	case SD_PRES_AVAILABLE:	return "available";
	case SD_PRES_PAUSED:	return "paused";
	case SD_PRES_ON_CALL:	return "on call";
	default:		return "away";
	}
}

/* A desk's state now: on a call that is not over (a daemon that died
 * mid-call never said so), away without a beat for 15 s, else paused or
 * available. */
#define PRESENCE_FRESH_S 15

static int
presence_state(struct sd_txn *t, const struct presence *p, int64_t now,
    int *state, struct sd_err *err)
{
	if (p->on_call != 0) {
		struct sd_call c;
		int st = REC_LOAD64(t, T_CALL, p->on_call, call_f, &c, 0, err);

		if (st == SD_OK && c.state != SD_CALL_ENDED) {
			*state = SD_PRES_ON_CALL;
			return SD_OK;
		}
		if (st != SD_OK && st != SD_ENOTFOUND)
			return st;
		sd_err_clear(err);
	}
	*state = now - p->beat > PRESENCE_FRESH_S ? SD_PRES_AWAY : p->paused ?
	    SD_PRES_PAUSED : SD_PRES_AVAILABLE;
	return SD_OK;
}

struct preslist_arg {
	sd_presence_cb	 cb;
	void		*arg;
	int64_t		 now;
};

static int
pres_each(struct sd_txn *t, const void *key, size_t kl, void *rec, void *arg,
    struct sd_err *err)
{
	struct preslist_arg *a = arg;
	const struct presence *p = rec;
	struct sd_presence out;
	struct sd_user u;
	int st;

	(void)key;
	(void)kl;
	memset(&out, 0, sizeof out);
	sd_strlcpy(out.login, p->login, sizeof out.login);
	if (user_load(t, p->login, &u, 0, err) == SD_OK)
		sd_strlcpy(out.name, u.name, sizeof out.name);
	sd_err_clear(err);
	if ((st = presence_state(t, p, a->now, &out.state, err)) != SD_OK)
		return st;
	out.beat = p->beat;
	out.last_end = p->last_end;
	sd_strlcpy(out.reason, p->reason, sizeof out.reason);
	if (out.state == SD_PRES_ON_CALL)
		out.call = p->on_call;
	return a->cb(&out, a->arg) != 0 ? REC_STOP : REC_NEXT;
}

static int
preslist_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct presence p;

	return rec_walk(t, T_PRESENCE, 1, NULL, 0, pres_f, REC_N(pres_f), &p, sizeof p,
	    pres_each, arg, err);
}

int
sd_presence_list(struct sd_session *s, sd_presence_cb cb, void *arg,
    struct sd_err *err)
{
	struct preslist_arg a = { cb, arg, sd_now() };
	int st;

	if ((st = sd_authorize(s, SD_OP_PRESENCE_SHOW, "presence", err)) != SD_OK)
		return st;
	return sd_db_read(s->core->db, preslist_txn, &a, err);
}

struct outcome_arg {
	struct sd_session	*s;
	uint64_t		 id;
	const char		*outcome;
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
		return sd_deny(a->s, SD_OP_CALL_DIAL, "call", "not your call", err);
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
	struct outcome_arg a = { s, id, outcome };
	int st;

	if ((st = sd_authorize(s, SD_OP_CALL_DIAL, "call", err)) != SD_OK)
		return st;
	if (outcome == NULL || outcome[0] == '\0' ||
	    strlen(outcome) >= sizeof ((struct sd_call *)0)->outcome)
		return sd_err_set(err, SD_EINVAL, "outcome: 1 to %zu bytes",
		    sizeof ((struct sd_call *)0)->outcome - 1);
	return sd_db_run(s->core->db, outcome_txn, &a, err);
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
	if (c.recording[0] == '\0')
		return sd_err_set(err, SD_ENOTFOUND, "call %llu: no recording (%s)",
		    (unsigned long long)id, c.state != SD_CALL_ENDED ?
		    "the call has not ended" : c.answer == 0 ? "never answered" :
		    "its modem has no voice port");
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

/* ---------------------------------------------------------------- simdeskd */

/* The first job after a->after still queued. */
static int
job_queued(struct sd_txn *t, const void *key, size_t kl, void *rec, void *arg,
    struct sd_err *err)
{
	struct job_arg *a = arg;

	(void)t;
	(void)key;
	(void)kl;
	(void)err;
	if (((struct sd_teljob *)rec)->status != SD_JOB_QUEUED)
		return REC_NEXT;
	a->found = 1;
	return REC_STOP;
}

static int
jobnext_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct job_arg *a = arg;
	uint8_t k[8];

	a->found = 0;
	key64(k, a->after + 1);
	return rec_walk(t, T_TELJOB, 1, k, 8, job_f, REC_N(job_f), &a->j, sizeof a->j,
	    job_queued, a, err);
}

int
sd_job_next(struct sd_core *core, uint64_t after, struct sd_teljob *out,
    int *found, struct sd_err *err)
{
	struct job_arg a;
	int st;

	memset(&a, 0, sizeof a);
	a.after = after;
	if ((st = sd_db_read(core->db, jobnext_txn, &a, err)) != SD_OK)
		return st;
	*found = a.found;
	if (a.found)
		*out = a.j;
	return SD_OK;
}

static int
jobfin_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct job_arg *a = arg;
	struct sd_teljob j;
	int st = REC_LOAD64(t, T_TELJOB, a->j.id, job_f, &j, 1, err);

	if (st != SD_OK)
		return st;
	j.status = a->j.status;
	sd_strlcpy(j.result, a->j.result, sizeof j.result);
	j.done_at = sd_now();
	return REC_STORE64(t, T_TELJOB, j.id, job_f, &j, err);
}

int
sd_job_finish(struct sd_core *core, uint64_t id, int status, const char *result,
    struct sd_err *err)
{
	struct job_arg a;

	memset(&a, 0, sizeof a);
	a.j.id = id;
	a.j.status = status;
	sd_strlcpy(a.j.result, result != NULL ? result : "", sizeof a.j.result);
	return sd_db_run(core->db, jobfin_txn, &a, err);
}

struct rep_arg {
	struct sd_core		*core;
	const struct sd_modem	*m;
};

static int
report_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct rep_arg *a = arg;
	struct sd_modem old;
	int st = rec_load(t, T_MODEM, a->m->name, strlen(a->m->name), modem_f,
	    REC_N(modem_f), &old, sizeof old, 1, err);

	if (st == SD_ENOTFOUND)
		sd_err_clear(err);
	else if (st != SD_OK)
		return st;
	/* Coming up and going down are audited; signal changes are not. */
	if (st == SD_ENOTFOUND || strcmp(old.state, a->m->state) != 0 ||
	    strcmp(old.iccid, a->m->iccid) != 0)
		sd_audit_write(t, "simdeskd", "modem.state", a->m->name,
		    SD_OUTCOME_OK, st == SD_OK ? old.state : "",
		    a->m->message[0] ? a->m->message : a->m->state, err);
	return rec_store(t, T_MODEM, a->m->name, strlen(a->m->name), modem_f,
	    REC_N(modem_f), a->m, err);
}

int
sd_modem_report(struct sd_core *core, const struct sd_modem *m,
    struct sd_err *err)
{
	struct rep_arg a = { core, m };

	return sd_db_run(core->db, report_txn, &a, err);
}

struct choose_arg {
	struct sd_core			*core;
	const char			*number;
	const struct sd_sim_cand	*c;
	int				 n, pick;
};

static int
choose_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct choose_arg *a = arg;
	const char *want = sd_carrier_of_number(a->number);
	long best = -1;
	int best_same = -1;

	a->pick = -1;
	for (int i = 0; i < a->n; i++) {
		struct simuse u;
		long qm, qs;
		int same;

		int st = use_load(t, a->c[i].iccid, sd_month_of(sd_now()), &u, 0,
		    err);

		if (st != SD_OK)
			return st;
		sim_quota(t, &a->core->cfg, a->c[i].iccid, &qm, &qs);
		if (use_level(&a->core->cfg, u.minutes, qm) >= 3)
			continue;	/* resting: near its limit */
		same = want[0] != '\0' && strcmp(a->c[i].carrier, want) == 0;
		/* The same carrier first, then the least used. */
		if (a->pick < 0 || same > best_same ||
		    (same == best_same && u.seconds < best)) {
			a->pick = i;
			best = u.seconds;
			best_same = same;
		}
	}
	return SD_OK;
}

int
sd_sim_choose(struct sd_core *core, const char *number,
    const struct sd_sim_cand *c, int n, int *pick, struct sd_err *err)
{
	struct choose_arg a = { core, number, c, n, -1 };
	int st = sd_db_read(core->db, choose_txn, &a, err);

	*pick = a.pick;
	return st;
}

/* The caller of the modem's SIM as the books know it. */
static int
sim_msisdn(struct sd_txn *t, const char *iccid, char *out, size_t size)
{
	struct sd_sim c;
	struct sd_err e;

	out[0] = '\0';
	if (iccid[0] == '\0' || sim_load(t, iccid, &c, 0, &e) != SD_OK)
		return 0;
	sd_strlcpy(out, c.msisdn, size);
	return out[0] != '\0';
}

/* 套餐预警 goes to every supervisor and admin. */
struct quota_tell {
	struct sd_core		*core;
	struct sd_tel_event	*ev;
};

static int
quota_tell_one(struct sd_txn *t, const struct sd_user *u, void *arg,
    struct sd_err *err)
{
	struct quota_tell *q = arg;

	if (u->role != SD_ROLE_SUPERVISOR && u->role != SD_ROLE_ADMIN)
		return SD_OK;
	return event_put(t, q->core, u->login, q->ev, err);
}

struct prog_arg {
	struct sd_core	*core;
	uint64_t	 id;
	int		 state;
	const char	*modem, *iccid, *disposition;
	int64_t		 when;
	struct sd_call	 c;
	int		 to_rate;
	int		 claim;		/* only a call still queued */
};

/* Mark an operator busy with call id (their presence, when they have one). */
static int
presence_on_call(struct sd_txn *t, const char *login, uint64_t id,
    struct sd_err *err)
{
	struct presence p;
	int st = rec_load(t, T_PRESENCE, login, strlen(login), pres_f, REC_N(pres_f),
	    &p, sizeof p, 1, err);

	if (st == SD_ENOTFOUND) {
		sd_err_clear(err);
		return SD_OK;
	}
	if (st != SD_OK || p.on_call == id)
		return st;
	p.on_call = id;
	return rec_store(t, T_PRESENCE, login, strlen(login), pres_f, REC_N(pres_f), &p,
	    err);
}

static int
progress_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct prog_arg *a = arg;
	struct sd_tel_event ev;
	int st = REC_LOAD64(t, T_CALL, a->id, call_f, &a->c, 1, err);

	if (st != SD_OK)
		return st;
	if (a->claim && a->c.state != SD_CALL_QUEUED)
		return sd_err_set(err, SD_EREFUSED, "call %llu: %s before it was "
		    "dialled", (unsigned long long)a->id, a->c.state ==
		    SD_CALL_ENDED ? a->c.disposition : "taken");
	if (a->c.state == SD_CALL_ENDED)
		return SD_OK;
	if (a->modem != NULL)
		sd_strlcpy(a->c.modem, a->modem, sizeof a->c.modem);
	if (a->iccid != NULL)
		sd_strlcpy(a->c.iccid, a->iccid, sizeof a->c.iccid);
	if (a->state == SD_CALL_DIALING && a->c.start == 0)
		a->c.start = a->when;
	/* Our side of an outgoing call: the SIM's number. */
	if (a->c.direction == SD_DIR_OUT && a->c.caller[0] == '\0' &&
	    !sim_msisdn(t, a->c.iccid, a->c.caller, sizeof a->c.caller) &&
	    a->c.modem[0] != '\0') {
		struct sd_modem m;
		struct sd_err e;

		if (need_modem(t, a->c.modem, &m, &e) == SD_OK)
			sd_strlcpy(a->c.caller, m.msisdn, sizeof a->c.caller);
	}
	if (a->state == SD_CALL_ACTIVE && a->c.answer == 0)
		a->c.answer = a->when;
	a->c.state = a->state;
	if ((st = REC_STORE64(t, T_CALL, a->id, call_f, &a->c, err)) != SD_OK)
		return st;
	/* Dialling out, or talking: the operator is not offered calls. */
	if (a->c.operator[0] != '\0' && (a->c.direction == SD_DIR_OUT ||
	    a->state == SD_CALL_ACTIVE) &&
	    (st = presence_on_call(t, a->c.operator, a->id, err)) != SD_OK)
		return st;
	memset(&ev, 0, sizeof ev);
	ev.kind = SD_EV_STATE;
	ev.call = a->id;
	sd_strlcpy(ev.number, a->c.direction == SD_DIR_OUT ? a->c.callee :
	    a->c.caller, sizeof ev.number);
	ev.customer = a->c.customer;
	sd_strlcpy(ev.text, sd_call_state_name(a->state), sizeof ev.text);
	return event_put(t, a->core, a->c.operator, &ev, err);
}

int
sd_call_progress(struct sd_core *core, uint64_t id, int state,
    const char *modem, const char *iccid, int64_t when, struct sd_err *err)
{
	struct prog_arg a;

	memset(&a, 0, sizeof a);
	a.core = core;
	a.id = id;
	a.state = state;
	a.modem = modem;
	a.iccid = iccid;
	a.when = when;
	return sd_db_run(core->db, progress_txn, &a, err);
}

int
sd_call_claim(struct sd_core *core, uint64_t id, const char *modem,
    const char *iccid, struct sd_err *err)
{
	struct prog_arg a;

	memset(&a, 0, sizeof a);
	a.core = core;
	a.id = id;
	a.state = SD_CALL_DIALING;
	a.modem = modem;
	a.iccid = iccid;
	a.when = sd_now();
	a.claim = 1;
	return sd_db_run(core->db, progress_txn, &a, err);
}

static int
end_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct prog_arg *a = arg;
	const struct sd_config *cfg = &a->core->cfg;
	struct sd_tel_event ev;
	struct simuse u;
	long qm, qs;
	int st, month, before, after;

	a->to_rate = 0;
	if ((st = REC_LOAD64(t, T_CALL, a->id, call_f, &a->c, 1, err)) != SD_OK)
		return st;
	if (a->c.state == SD_CALL_ENDED)
		return SD_OK;	/* ended twice (hang-up racing the modem) */
	a->c.end = a->when;
	if (a->c.start == 0)
		a->c.start = a->c.created;
	a->c.duration = a->c.end > a->c.start ? (int)(a->c.end - a->c.start) : 0;
	a->c.billsec = a->c.answer != 0 && a->c.end > a->c.answer ?
	    (int)(a->c.end - a->c.answer) : 0;
	a->c.state = SD_CALL_ENDED;
	/* Answered is answered, even when hung up within the second. */
	sd_strlcpy(a->c.disposition, a->c.answer != 0 ? "answered" :
	    a->disposition, sizeof a->c.disposition);
	if (a->c.direction == SD_DIR_IN && a->c.answer == 0)
		sd_strlcpy(a->c.disposition, "missed", sizeof a->c.disposition);

	/* The SIM's month: whole minutes a call, as the carrier counts. */
	if (a->c.iccid[0] != '\0') {
		month = sd_month_of(a->c.start);
		if ((st = use_load(t, a->c.iccid, month, &u, 1, err)) != SD_OK)
			return st;
		sim_quota(t, cfg, a->c.iccid, &qm, &qs);
		before = use_level(cfg, u.minutes, qm);
		u.calls++;
		u.seconds += a->c.billsec;
		u.minutes += (a->c.billsec + 59) / 60;
		after = use_level(cfg, u.minutes, qm);
		if (after > before && after > u.warned) {
			/* 套餐预警: the supervisors hear of it once a level. */
			char txt[160];

			u.warned = after;
			snprintf(txt, sizeof txt, "SIM %s (modem %s): %ld of %ld "
			    "minutes this month%s", a->c.iccid, a->c.modem,
			    u.minutes, qm, after >= 3 ? ", resting" : "");
			sd_audit_write(t, "simdeskd", "sim.quota", a->c.iccid,
			    SD_OUTCOME_OK, "", txt, err);
			memset(&ev, 0, sizeof ev);
			ev.kind = SD_EV_QUOTA;
			sd_strlcpy(ev.text, txt, sizeof ev.text);
			{
				struct quota_tell q = { a->core, &ev };

				if ((st = user_each(t, quota_tell_one, &q,
				    err)) != SD_OK)
					return st;
			}
		}
		if ((st = use_store(t, a->c.iccid, month, &u, err)) != SD_OK)
			return st;
	}
	/* Rating from the tariff the config names for modem calls; a SIM
	 * that is a line in the books is rated by its plan afterwards. */
	if (a->c.direction == SD_DIR_OUT && a->c.billsec > 0) {
		char ours[16];

		if (sim_msisdn(t, a->c.iccid, ours, sizeof ours))
			a->to_rate = 1;
		else if (cfg->call_tariff[0] != '\0') {
			const struct sd_ratetab *rt;
			struct sd_rating r;
			char num[33];

			if ((st = tariff_ratetab_txn(t, cfg->call_tariff, &rt,
			    err)) != SD_OK)
				return st;
			sd_number_normalize(a->c.callee, num, sizeof num);
			if (sd_rate_call(rt, num, a->c.answer, a->c.billsec, NULL,
			    &r) == SD_OK) {
				a->c.unit_mfen = r.rate->per_minute_mfen;
				a->c.cost_fen = r.cost_fen;
				sd_strlcpy(a->c.rate_name, r.rate->name,
				    sizeof a->c.rate_name);
			}
		}
	}
	if ((st = REC_STORE64(t, T_CALL, a->id, call_f, &a->c, err)) != SD_OK)
		return st;
	/* The operator is free again (leastrecent counts from here). */
	if (a->c.operator[0] != '\0') {
		struct presence p;

		st = rec_load(t, T_PRESENCE, a->c.operator, strlen(a->c.operator),
		    pres_f, REC_N(pres_f), &p, sizeof p, 1, err);
		if (st == SD_OK) {
			p.last_end = a->when;
			p.on_call = 0;
			if ((st = rec_store(t, T_PRESENCE, a->c.operator,
			    strlen(a->c.operator), pres_f, REC_N(pres_f), &p,
			    err)) != SD_OK)
				return st;
		} else if (st != SD_ENOTFOUND)
			return st;
		sd_err_clear(err);
	}
	memset(&ev, 0, sizeof ev);
	ev.kind = strcmp(a->c.disposition, "missed") == 0 ? SD_EV_MISSED :
	    SD_EV_ENDED;
	ev.call = a->id;
	sd_strlcpy(ev.number, a->c.direction == SD_DIR_OUT ? a->c.callee :
	    a->c.caller, sizeof ev.number);
	ev.customer = a->c.customer;
	sd_strlcpy(ev.text, a->c.disposition, sizeof ev.text);
	if ((st = event_put(t, a->core, a->c.operator, &ev, err)) != SD_OK)
		return st;
	if (ev.kind == SD_EV_MISSED) {
		/* A callback task for the owner, or the shared pool. */
		struct sd_reminder r;
		struct sd_customer cu;

		memset(&r, 0, sizeof r);
		if ((st = sd_seq_next(a->core->db, "reminder", &r.id, err)) != SD_OK)
			return st;
		r.customer = a->c.customer;
		r.due = a->when;
		sd_strlcpy(r.phone, a->c.caller, sizeof r.phone);
		snprintf(r.text, sizeof r.text, "回电 call back %s (missed call "
		    "%llu)", a->c.caller, (unsigned long long)a->id);
		if (a->c.customer != 0 && customer_load(t, a->c.customer, &cu, 0,
		    err) == SD_OK) {
			sd_strlcpy(r.owner, cu.owner, sizeof r.owner);
			sd_strlcpy(r.cname, cu.name, sizeof r.cname);
		}
		sd_err_clear(err);
		if ((st = reminder_store(t, &r, err)) != SD_OK)
			return st;
	}
	return sd_audit_write(t, "simdeskd", "call.end", a->c.modem,
	    SD_OUTCOME_OK, "", a->c.disposition, err);
}

/* The call as a CDR of our format, through the import: matched to the
 * line's subscription, rated by its plan, counted once (call id). */
static void
call_to_cdr(struct sd_core *core, struct sd_call *c)
{
	struct sd_session s;
	struct sd_table tb;
	struct sd_import_result r;
	struct sd_err e;
	char id[24], start[24], answer[24], bs[16], du[16];
	char *hdr[] = { "call_id", "msisdn", "direction", "number", "start",
	    "answer", "billsec", "duration" };
	char *row[8];
	char **cells[2] = { hdr, row };
	int ncells[2] = { 8, 8 }, lines[2] = { 1, 2 };

	sd_session_system(core, &s, "simdeskd");
	snprintf(id, sizeof id, "call-%llu", (unsigned long long)c->id);
	sd_time_format(c->start, start, sizeof start);
	sd_time_format(c->answer, answer, sizeof answer);
	snprintf(bs, sizeof bs, "%d", c->billsec);
	snprintf(du, sizeof du, "%d", c->duration);
	row[0] = id;
	row[1] = c->caller;
	row[2] = "out";
	row[3] = c->callee;
	row[4] = start;
	row[5] = answer;
	row[6] = bs;
	row[7] = du;
	memset(&tb, 0, sizeof tb);
	tb.nrows = 2;
	tb.ncols = 8;
	tb.cells = cells;
	tb.ncells = ncells;
	tb.lines = lines;
	tb.encoding = "utf-8";
	sd_err_clear(&e);
	if (sd_cdr_import(&s, "simdeskd", &tb, SD_CDR_SIMDESK, NULL, NULL, NULL,
	    &r, &e) != SD_OK)
		sd_audit_log(core, "simdeskd", "call.rate", id, SD_OUTCOME_FAILED,
		    e.msg);
}

struct rated_arg {
	uint64_t id;
};

static int
rated_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct rated_arg *a = arg;
	struct sd_call c;
	char uniq[24];
	struct sd_cdr x;
	int st;

	if ((st = REC_LOAD64(t, T_CALL, a->id, call_f, &c, 1, err)) != SD_OK)
		return st;
	snprintf(uniq, sizeof uniq, "call-%llu", (unsigned long long)a->id);
	st = cdr_find_uniq(t, uniq, &x, err);
	if (st == SD_OK) {
		c.unit_mfen = x.unit_mfen;
		c.cost_fen = x.cost_fen;
		sd_strlcpy(c.rate_name, x.rate_name, sizeof c.rate_name);
		st = REC_STORE64(t, T_CALL, a->id, call_f, &c, err);
	} else if (st == SD_ENOTFOUND) {
		sd_err_clear(err);
		st = SD_OK;
	}
	return st;
}

int
sd_call_end(struct sd_core *core, uint64_t id, const char *disposition,
    int64_t when, struct sd_err *err)
{
	struct prog_arg a;
	int st;

	memset(&a, 0, sizeof a);
	a.core = core;
	a.id = id;
	a.disposition = disposition;
	a.when = when;
	if ((st = sd_db_run(core->db, end_txn, &a, err)) != SD_OK)
		return st;
	if (a.to_rate) {
		struct rated_arg r = { id };

		call_to_cdr(core, &a.c);
		st = sd_db_run(core->db, rated_txn, &r, err);
	}
	return st;
}

struct inc_arg {
	struct sd_core	*core;
	const char	*modem, *iccid, *msisdn, *number;
	uint64_t	 id;
};

/* Operators that may take a call now: beating, not paused, not on one. */
struct avail_arg {
	struct presence	*out;
	int		 max, n;
	int64_t		 now;
};

static int
avail_each(struct sd_txn *t, const void *key, size_t kl, void *rec, void *arg,
    struct sd_err *err)
{
	struct avail_arg *a = arg;
	const struct presence *p = rec;

	int st, state;

	(void)key;
	(void)kl;
	if ((st = presence_state(t, p, a->now, &state, err)) != SD_OK)
		return st;
	if (state != SD_PRES_AVAILABLE)
		return REC_NEXT;
	a->out[a->n++] = *p;
	return a->n < a->max ? REC_NEXT : REC_STOP;
}

static int
available(struct sd_txn *t, struct presence *out, int max, int *n,
    struct sd_err *err)
{
	struct avail_arg a = { out, max, 0, sd_now() };
	struct presence p;
	int st = rec_walk(t, T_PRESENCE, 1, NULL, 0, pres_f, REC_N(pres_f), &p,
	    sizeof p, avail_each, &a, err);

	*n = a.n;
	return st;
}

static int
incoming_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct inc_arg *a = arg;
	const struct sd_config *cfg = &a->core->cfg;
	struct presence av[64];
	int nav, st, chosen[64], nch = 0;
	struct sd_call c;
	struct sd_customer cu;
	uint64_t cid = 0;
	char num[33];

	memset(&c, 0, sizeof c);
	c.id = a->id;
	c.direction = SD_DIR_IN;
	sd_number_normalize(a->number, num, sizeof num);
	sd_strlcpy(c.caller, num[0] ? num : a->number, sizeof c.caller);
	sd_strlcpy(c.callee, a->msisdn, sizeof c.callee);
	sd_strlcpy(c.modem, a->modem, sizeof c.modem);
	sd_strlcpy(c.iccid, a->iccid, sizeof c.iccid);
	c.created = c.start = sd_now();
	c.state = SD_CALL_RINGING;
	if (c.caller[0] != '\0' &&
	    (st = customer_by_phone(t, c.caller, &cid, err)) != SD_OK)
		return st;
	c.customer = cid;
	memset(&cu, 0, sizeof cu);
	if (cid != 0 && (st = customer_load(t, cid, &cu, 0, err)) != SD_OK)
		return st;
	if ((st = available(t, av, 64, &nav, err)) != SD_OK)
		return st;
	/* The owner first, when they can take it. */
	for (int i = 0; i < nav; i++)
		if (cu.owner[0] != '\0' && strcmp(av[i].login, cu.owner) == 0)
			chosen[nch++] = i;
	if (nch == 0 && nav > 0) {
		if (strcmp(cfg->acd_strategy, "leastrecent") == 0) {
			int b = 0;

			for (int i = 1; i < nav; i++)
				if (av[i].last_end < av[b].last_end)
					b = i;
			chosen[nch++] = b;
		} else if (strcmp(cfg->acd_strategy, "rrmemory") == 0) {
			/* After the one offered last, round the list. */
			int b = 0;
			int64_t last = -1;

			for (int i = 0; i < nav; i++)
				if (av[i].last_offer > last) {
					last = av[i].last_offer;
					b = i;
				}
			chosen[nch++] = last < 0 ? 0 : (b + 1) % nav;
		} else
			for (int i = 0; i < nav; i++)
				chosen[nch++] = i;
	}
	for (int k = 0; k < nch; k++) {
		struct presence *p = &av[chosen[k]];
		struct sd_tel_event ev;

		if (strlen(c.offered) + strlen(p->login) + 2 < sizeof c.offered) {
			if (c.offered[0])
				strcat(c.offered, ",");
			strcat(c.offered, p->login);
		}
		p->last_offer = sd_now() * 1000 + k;
		if ((st = rec_store(t, T_PRESENCE, p->login, strlen(p->login), pres_f,
		    REC_N(pres_f), p, err)) != SD_OK)
			return st;
		memset(&ev, 0, sizeof ev);
		ev.kind = SD_EV_POP;
		ev.call = c.id;
		sd_strlcpy(ev.number, c.caller, sizeof ev.number);
		ev.customer = cid;
		sd_strlcpy(ev.text, cid ? cu.name : "", sizeof ev.text);
		if ((st = event_put(t, a->core, p->login, &ev, err)) != SD_OK)
			return st;
	}
	/* One operator offered: the call is theirs. */
	if (nch == 1)
		sd_strlcpy(c.operator, av[chosen[0]].login, sizeof c.operator);
	return REC_STORE64(t, T_CALL, c.id, call_f, &c, err);
}

int
sd_call_incoming(struct sd_core *core, const char *modem, const char *iccid,
    const char *msisdn, const char *number, uint64_t *id, struct sd_err *err)
{
	struct inc_arg a = { core, modem, iccid, msisdn, number, 0 };
	int st;

	if ((st = sd_seq_next(core->db, "call", &a.id, err)) != SD_OK)
		return st;
	if ((st = sd_db_run(core->db, incoming_txn, &a, err)) != SD_OK)
		return st;
	*id = a.id;
	return SD_OK;
}

struct smsup_arg {
	struct sd_core	*core;
	struct sd_sms	 m;
	int		 create;
};

static int
smsup_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct smsup_arg *a = arg;
	struct sd_sms cur;
	int st;

	if (a->create) {
		uint64_t cid = 0;

		if ((st = customer_by_phone(t, a->m.number, &cid, err)) != SD_OK)
			return st;
		a->m.customer = cid;
		cur = a->m;
		if (cid != 0) {
			struct sd_customer cu;
			struct sd_tel_event ev;

			if ((st = customer_load(t, cid, &cu, 0, err)) != SD_OK)
				return st;
			memset(&ev, 0, sizeof ev);
			ev.kind = SD_EV_SMS;
			ev.customer = cid;
			sd_strlcpy(ev.number, a->m.number, sizeof ev.number);
			sd_strlcpy(ev.text, a->m.text, sizeof ev.text);
			if ((st = event_put(t, a->core, cu.owner, &ev, err)) != SD_OK)
				return st;
		}
	} else {
		if ((st = REC_LOAD64(t, T_SMS, a->m.id, sms_f, &cur, 1, err)) != SD_OK)
			return st;
		sd_strlcpy(cur.status, a->m.status, sizeof cur.status);
		sd_strlcpy(cur.error, a->m.error, sizeof cur.error);
		if (a->m.parts)
			cur.parts = a->m.parts;
		if (a->m.modem[0])
			sd_strlcpy(cur.modem, a->m.modem, sizeof cur.modem);
		if (a->m.iccid[0])
			sd_strlcpy(cur.iccid, a->m.iccid, sizeof cur.iccid);
	}
	if (cur.iccid[0] != '\0' && (a->create ||
	    strcmp(cur.status, "sent") == 0)) {
		struct simuse u;
		int month = sd_month_of(sd_now());

		if ((st = use_load(t, cur.iccid, month, &u, 1, err)) != SD_OK)
			return st;
		u.sms += cur.parts > 0 ? cur.parts : 1;
		if ((st = use_store(t, cur.iccid, month, &u, err)) != SD_OK)
			return st;
	}
	return REC_STORE64(t, T_SMS, cur.id, sms_f, &cur, err);
}

int
sd_sms_update(struct sd_core *core, uint64_t id, const char *status, int parts,
    const char *modem, const char *iccid, const char *error, struct sd_err *err)
{
	struct smsup_arg a;

	memset(&a, 0, sizeof a);
	a.core = core;
	a.m.id = id;
	sd_strlcpy(a.m.status, status, sizeof a.m.status);
	a.m.parts = parts;
	sd_strlcpy(a.m.modem, modem != NULL ? modem : "", sizeof a.m.modem);
	sd_strlcpy(a.m.iccid, iccid != NULL ? iccid : "", sizeof a.m.iccid);
	sd_strlcpy(a.m.error, error != NULL ? error : "", sizeof a.m.error);
	return sd_db_run(core->db, smsup_txn, &a, err);
}

int
sd_sms_received(struct sd_core *core, const char *modem, const char *iccid,
    const char *number, const char *text, int parts, int64_t at,
    struct sd_err *err)
{
	struct smsup_arg a;
	int st;

	memset(&a, 0, sizeof a);
	a.core = core;
	a.create = 1;
	if ((st = sd_seq_next(core->db, "sms", &a.m.id, err)) != SD_OK)
		return st;
	a.m.direction = SD_DIR_IN;
	sd_strlcpy(a.m.modem, modem, sizeof a.m.modem);
	sd_strlcpy(a.m.iccid, iccid, sizeof a.m.iccid);
	sd_strlcpy(a.m.number, number, sizeof a.m.number);
	sd_strlcpy(a.m.text, text, sizeof a.m.text);
	a.m.parts = parts;
	a.m.at = at;
	sd_strlcpy(a.m.status, "received", sizeof a.m.status);
	return sd_db_run(core->db, smsup_txn, &a, err);
}
