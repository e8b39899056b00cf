/*
 * acd.c -- an incoming call offered to operators: the customer's owner
 * first, then by the configured strategy (ringall, leastrecent,
 * rrmemory), each offered one a screen pop.
 */
#include <string.h>

#include "core/tel/tel_int.h"

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
