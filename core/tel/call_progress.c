/*
 * call_progress.c -- a call as simdeskd reports it: claimed before it is
 * dialled, its states, its end with the SIM's month of minutes, the
 * quota warning, the callback task of a missed call, and its rating.
 */
#include <stdio.h>
#include <string.h>

#include "core/tel/tel_int.h"

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


static int
progress_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct prog_arg *a = arg;
	struct sd_tel_event ev;
	int st = REC_LOAD64(t, T_CALL, a->id, call_f, &a->c, 1, err);

	if (st != SD_OK)
		return st;
	if (a->claim && a->c.state == SD_CALL_ENDED)
		return sd_err_set(err, SD_EREFUSED, "call %llu: %s before it was "
		    "dialled", (unsigned long long)a->id, a->c.disposition);
	if (a->claim && a->c.state != SD_CALL_QUEUED)
		return sd_err_set(err, SD_EREFUSED, "call %llu: taken before it "
		    "was dialled", (unsigned long long)a->id);
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
			if ((st = sd_audit_write(t, "simdeskd", "sim.quota",
			    a->c.iccid, SD_OUTCOME_OK, "", txt, err)) != SD_OK)
				return st;
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
	/* The reports' rollups (core/report). */
	if (core_hooks.call_ended != NULL &&
	    (st = core_hooks.call_ended(t, &a->c, err)) != SD_OK)
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
