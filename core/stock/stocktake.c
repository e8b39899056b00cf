/*
 * stocktake.c -- stocktake (盘点): the ICCIDs scanned in a warehouse against
 * the cards the books put there; applied, the differences are adjusted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stock/stock_int.h"

/* ---------------------------------------------------------------- stocktake */

static const char *const st_kinds[SD_ST__COUNT] = { "missing", "unexpected",
    "wrong_warehouse", "wrong_state", "duplicate" };

const char *
sd_stocktake_kind_name(int kind)
{
	return kind >= 0 && kind < SD_ST__COUNT ? st_kinds[kind] : "?";
}

/* On a warehouse shelf: in stock, reserved for an order, or returned. */
static int
on_shelf(int status)
{
	return status == SD_SIM_IN_STOCK || status == SD_SIM_RESERVED ||
	    status == SD_SIM_RETURNED;
}

struct take_arg {
	struct sd_session		*s;
	const char			*wh, *reason;
	char				(*ids)[SD_ICCID_MAX + 1];	/* sorted copy */
	const int			*lines;
	int				*order;		/* ids[i] is scan order[i] */
	int				 n, apply;
	sd_stocktake_cb			 cb;
	void				*cbarg;
	struct sd_stocktake_result	*r;
	/* Differences, kept until the transaction commits. */
	struct sd_stocktake_diff	*d;
	size_t				 nd, capd;
};

static void
take_add(struct take_arg *a, int kind, const char *iccid, int line,
    const struct sd_sim *c, int adjusted)
{
	struct sd_stocktake_diff *d;

	if (a->nd == a->capd) {
		a->capd = a->capd ? a->capd * 2 : 64;
		a->d = xrealloc(a->d, a->capd * sizeof *a->d);
	}
	d = &a->d[a->nd++];
	memset(d, 0, sizeof *d);
	d->kind = kind;
	sd_strlcpy(d->iccid, iccid, sizeof d->iccid);
	d->line = line;
	d->status = c ? c->status : -1;
	if (c != NULL) {
		sd_strlcpy(d->warehouse, c->warehouse, sizeof d->warehouse);
		sd_strlcpy(d->agent, c->agent, sizeof d->agent);
	}
	d->adjusted = adjusted;
	a->r->count[kind]++;
	a->r->adjusted += adjusted;
}

static int
adjust(struct sd_txn *t, struct take_arg *a, struct sd_sim *c, int to,
    const char *why, struct sd_err *err)
{
	char before[80], after[80], reason[129];
	int st;

	snprintf(before, sizeof before, "status=%s warehouse=%.33s",
	    sd_sim_status_name(c->status), c->warehouse);
	snprintf(reason, sizeof reason, "stocktake %.33s: %s%s%.60s", a->wh, why,
	    a->reason ? ": " : "", a->reason ? a->reason : "");
	if (to >= 0 && !sd_sim_transition_ok(c->status, to))
		return sd_err_set(err, SD_EINTERNAL, "sim %s: %s cannot be "
		    "written off", c->iccid, sd_sim_status_name(c->status));
	if (to >= 0)
		c->status = to;
	sd_strlcpy(c->warehouse, a->wh, sizeof c->warehouse);
	sd_strlcpy(c->reason, reason, sizeof c->reason);
	c->updated = sd_now();
	snprintf(after, sizeof after, "status=%s warehouse=%.33s",
	    sd_sim_status_name(c->status), c->warehouse);
	if ((st = sim_store(t, c, 0, err)) != SD_OK)
		return st;
	return sd_audit_write(t, a->s->user.login, "sim.stocktake", c->iccid,
	    SD_OUTCOME_OK, before, after, err);
}

static int
scanned(const struct take_arg *a, const char *iccid)
{
	int lo = 0, hi = a->n - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2, c = strcmp(a->ids[mid], iccid);

		if (c == 0)
			return 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return 0;
}

static int
take_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	static const char *const shelf[] = { "00", "01", "06" };
	struct take_arg *a = arg;
	int st;

	a->nd = 0;
	memset(a->r, 0, sizeof *a->r);
	/* The scanned cards, one by one (in ICCID order: fewer page hops). */
	for (int i = 0; i < a->n; i++) {
		int line = a->lines ? a->lines[a->order[i]] : 0;
		struct sd_sim c;
		struct sd_err e;

		if (i > 0 && strcmp(a->ids[i], a->ids[i - 1]) == 0) {
			take_add(a, SD_ST_DUPLICATE, a->ids[i], line, NULL, 0);
			continue;
		}
		a->r->scanned++;
		st = sim_load(t, a->ids[i], &c, a->apply, &e);
		if (st == SD_ENOTFOUND) {
			take_add(a, SD_ST_UNEXPECTED, a->ids[i], line, NULL, 0);
			continue;
		}
		if (st != SD_OK) {
			*err = e;
			err->status = st;
			return st;
		}
		if (!on_shelf(c.status)) {
			take_add(a, SD_ST_WRONG_STATE, a->ids[i], line, &c, 0);
			continue;
		}
		if (strcmp(c.warehouse, a->wh) != 0) {
			take_add(a, SD_ST_WRONG_WAREHOUSE, a->ids[i], line, &c,
			    a->apply);
			if (a->apply && (st = adjust(t, a, &c, -1, "found here",
			    err)) != SD_OK)
				return st;
			continue;
		}
		a->r->matched++;
	}
	/* The books: every card on a shelf of this warehouse. */
	for (size_t k = 0; k < sizeof shelf / sizeof shelf[0]; k++) {
		struct sd_cursor *cur;
		char (*gone)[SD_ICCID_MAX + 1] = NULL;
		size_t ngone = 0, capg = 0;

		if ((st = sd_cursor_open(t, T_SIM, IX_SIM_STATUS, &cur, err)) !=
		    SD_OK)
			return st;
		for (st = sd_cursor_seek(cur, SD_SEEK_GE, shelf[k], 3, err);
		    st == SD_OK; st = sd_cursor_step(cur, 1, err)) {
			size_t kl, vl;
			const char *key = sd_cursor_key(cur, &kl);
			const void *v = sd_cursor_val(cur, &vl);
			struct sd_sim c;

			if (kl < 3 || memcmp(key, shelf[k], 3) != 0)
				break;
			if (sim_decode(v, vl, &c) != SD_OK ||
			    strcmp(c.warehouse, a->wh) != 0)
				continue;
			a->r->booked++;
			if (scanned(a, c.iccid))
				continue;
			if (ngone == capg) {
				capg = capg ? capg * 2 : 64;
				gone = xrealloc(gone, capg * (SD_ICCID_MAX + 1));
			}
			sd_strlcpy(gone[ngone++], c.iccid, SD_ICCID_MAX + 1);
		}
		sd_cursor_close(cur);
		if (st != SD_OK && st != SD_ENOTFOUND) {
			free(gone);
			return st;
		}
		sd_err_clear(err);
		/* Written off after the walk: the index changes under it. */
		for (size_t g = 0; g < ngone; g++) {
			struct sd_sim c;
			int off = a->apply && k != 1;	/* reserved: the order's */

			if ((st = sim_load(t, gone[g], &c, a->apply, err)) != SD_OK) {
				free(gone);
				return st;
			}
			take_add(a, SD_ST_MISSING, c.iccid, 0, &c, off);
			if (off && (st = adjust(t, a, &c, SD_SIM_TERMINATED,
			    "missing, written off", err)) != SD_OK) {
				free(gone);
				return st;
			}
		}
		free(gone);
	}
	if (a->apply) {
		char obj[48], detail[120];

		snprintf(obj, sizeof obj, "warehouse:%.33s", a->wh);
		snprintf(detail, sizeof detail, "scanned %ld, matched %ld, "
		    "adjusted %ld", a->r->scanned, a->r->matched, a->r->adjusted);
		return sd_audit_write(t, a->s->user.login, "sim.stocktake", obj,
		    SD_OUTCOME_OK, "", detail, err);
	}
	return SD_OK;
}

static int
by_iccid(const void *x, const void *y, void *ctx)
{
	char (*ids)[SD_ICCID_MAX + 1] = ctx;
	const int *i = x, *j = y;
	int c = strcmp(ids[*i], ids[*j]);

	return c ? c : *i - *j;
}

int
sd_sim_stocktake(struct sd_session *s, const char *warehouse,
    char (*iccids)[SD_ICCID_MAX + 1], const int *lines, int n, int apply, const char *reason,
    sd_stocktake_cb cb, void *arg, struct sd_stocktake_result *r,
    struct sd_err *err)
{
	struct take_arg a;
	int *idx, st;

	memset(r, 0, sizeof *r);
	if ((st = sd_authorize(s, apply ? SD_OP_SIM_ADJUST : SD_OP_SIM_STOCKTAKE,
	    warehouse ? warehouse : "", err)) != SD_OK)
		return st;
	if (warehouse == NULL || warehouse[0] == '\0')
		return sd_err_set(err, SD_EINVAL, "warehouse: required");
	if ((st = sd_check_text("warehouse", warehouse, 32, err)) != SD_OK ||
	    (reason && (st = sd_check_text("reason", reason, 60, err)) != SD_OK))
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	a.wh = warehouse;
	a.reason = reason;
	a.lines = lines;
	a.n = n;
	a.apply = apply;
	a.r = r;
	/* Sorted, remembering each ICCID's place in the scan. */
	idx = xcalloc((size_t)n + 1, sizeof *idx);
	for (int i = 0; i < n; i++)
		idx[i] = i;
	qsort_r(idx, (size_t)n, sizeof *idx, by_iccid, iccids);
	a.ids = xcalloc((size_t)n + 1, SD_ICCID_MAX + 1);
	for (int i = 0; i < n; i++)
		memcpy(a.ids[i], iccids[idx[i]], SD_ICCID_MAX + 1);
	a.order = idx;
	st = apply ? sd_db_run(s->core->db, take_txn, &a, err) :
	    sd_db_read(s->core->db, take_txn, &a, err);
	for (size_t i = 0; st == SD_OK && cb != NULL && i < a.nd; i++)
		if (cb(&a.d[i], arg) != 0)
			break;
	free(a.d);
	free(a.ids);
	free(idx);
	return st;
}
