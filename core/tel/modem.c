/*
 * modem.c -- the modems simdeskd drives: their state as it reports it,
 * listed with their SIM's usage, and the jobs a front end asks of one
 * (USSD, slot switch, simulated faults and calls).
 */
#include <string.h>

#include "core/tel/tel_int.h"

int
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
modem_each(struct sd_txn *t, const void *key, size_t kl, void *rec, void *arg,
    struct sd_err *err)
{
	struct list_arg *a = arg;

	(void)key;
	(void)kl;
	(void)err;
	modem_fill_usage(t, &a->s->core->cfg, rec);
	rowbuf_add(&a->rows, rec);
	return REC_NEXT;
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
	rowbuf_reset(&a->rows);
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
	rowbuf_init(&a.rows, sizeof(struct sd_modem), NULL);
	st = sd_db_read(s->core->db, modems_txn, &a, err);
	for (size_t i = 0; st == SD_OK && i < a.rows.n; i++)
		if (cb(rowbuf_at(&a.rows, i), arg) != 0)
			break;
	rowbuf_free(&a.rows);
	return st;
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


struct rep_arg {
	struct sd_core		*core;
	const struct sd_modem	*m;
};

static int
report_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct rep_arg *a = arg;
	struct sd_modem old;
	int ast, st = rec_load(t, T_MODEM, a->m->name, strlen(a->m->name),
	    modem_f, REC_N(modem_f), &old, sizeof old, 1, err);

	if (st == SD_ENOTFOUND)
		sd_err_clear(err);
	else if (st != SD_OK)
		return st;
	/* Coming up and going down are audited; signal changes are not. */
	if ((st == SD_ENOTFOUND || strcmp(old.state, a->m->state) != 0 ||
	    strcmp(old.iccid, a->m->iccid) != 0) &&
	    (ast = sd_audit_write(t, "simdeskd", "modem.state", a->m->name,
	    SD_OUTCOME_OK, st == SD_OK ? old.state : "",
	    a->m->message[0] ? a->m->message : a->m->state, err)) != SD_OK)
		return ast;
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
