/*
 * simuse.c -- a SIM's month of minutes and SMS against its plan's quota
 * (套餐预警): the usage records, the warning levels, and the choice of the
 * SIM a call goes out on.
 */
#include <string.h>

#include "core/tel/tel_int.h"

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

int
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

int
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
void
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
int
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

