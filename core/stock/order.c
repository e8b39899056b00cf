/*
 * order.c -- agents' stock orders (订货): submitted -> approved (stock and
 * credit checked, cards reserved) -> shipped -> delivered (cards allocated
 * to the agent, the value on the agent's receivable), or rejected /
 * cancelled with the reservations released.  Each step is one transaction,
 * so two approvals racing for the last cards cannot both get them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stock/stock_int.h"

enum { O_ID = 1, O_AGENT, O_PLAN, O_COUNT, O_STATUS, O_VALUE, O_CARRIER,
    O_TRACKING, O_REASON, O_BY, O_CREATED, O_UPDATED, O_ICCID, O_NAMED,
    O_DISCOUNT, O_RETURNED, O_RETURNED_FEN, O_DELIVERED };

static const char *const status_names[SD_ORDER__COUNT] = { "submitted",
    "approved", "shipped", "delivered", "rejected", "cancelled" };

const char *
sd_order_status_name(int status)
{
	return status >= 0 && status < SD_ORDER__COUNT ? status_names[status] :
	    "?";
}

void
sd_order_free(struct sd_order *o)
{
	free(o->iccids);
	o->iccids = NULL;
	o->niccids = 0;
}

/* The order's own fields; its cards follow, one O_ICCID each (a growing
 * array, written and read by hand below). */
static const struct rec_field order_f[] = {
	REC_I(O_ID, sd_order, id), REC_S(O_AGENT, sd_order, agent),
	REC_S(O_PLAN, sd_order, plan), REC_I(O_COUNT, sd_order, count),
	REC_I(O_STATUS, sd_order, status), REC_I(O_VALUE, sd_order, value_fen),
	REC_S(O_CARRIER, sd_order, carrier),
	REC_S(O_TRACKING, sd_order, tracking),
	REC_S(O_REASON, sd_order, reason), REC_S(O_BY, sd_order, by),
	REC_I(O_CREATED, sd_order, created),
	REC_I(O_UPDATED, sd_order, updated), REC_I(O_NAMED, sd_order, named),
	REC_I(O_DISCOUNT, sd_order, discount_bp),
	REC_I(O_RETURNED, sd_order, returned),
	REC_I(O_RETURNED_FEN, sd_order, returned_fen),
	REC_I(O_DELIVERED, sd_order, delivered),
};

void
order_encode(const struct sd_order *o, struct sd_buf *b)
{
	rec_encode(order_f, REC_N(order_f), o, b);
	for (int i = 0; i < o->niccids; i++)
		sd_rec_str(b, O_ICCID, o->iccids[i]);
}

/* A card's price to the agent: list price less its discount, rounded
 * half up to the fen (25.55 less 10% is 23.00). */
int64_t
order_net_price(int64_t price_fen, int discount_bp)
{
	return (price_fen * (10000 - discount_bp) + 5000) / 10000;
}

int
order_decode(const void *p, size_t n, struct sd_order *o)
{
	struct sd_rec_reader r;
	int ok, cap = 0;

	if (rec_decode(order_f, REC_N(order_f), p, n, o, sizeof *o) != SD_OK)
		return SD_EINTERNAL;
	o->named = o->named != 0;
	if (sd_rec_open(&r, p, n) != SD_OK)
		return SD_EINTERNAL;
	while ((ok = sd_rec_next(&r)) == 1) {
		if (r.tag != O_ICCID)
			continue;
		if (o->niccids == cap) {
			cap = cap ? cap * 2 : 16;
			o->iccids = xrealloc(o->iccids, (size_t)cap * (SD_ICCID_MAX + 1));
		}
		sd_rec_copystr(&r, o->iccids[o->niccids++], SD_ICCID_MAX + 1);
	}
	if (ok < 0) {
		sd_order_free(o);
		return SD_EINTERNAL;
	}
	return SD_OK;
}

static int
order_load(struct sd_txn *t, uint64_t id, struct sd_order *o, int rmw,
    struct sd_err *err)
{
	struct sd_buf val = SD_BUF_INIT;
	uint8_t key[8];
	int st;

	key64(key, id);
	st = sd_get(t, T_ORDER, key, 8, &val, rmw ? SD_GET_RMW : 0, err);
	if (st == SD_ENOTFOUND)
		st = sd_err_set(err, SD_ENOTFOUND, "order %llu: not found",
		    (unsigned long long)id);
	else if (st == SD_OK && order_decode(val.p, val.len, o) != SD_OK)
		st = sd_err_set(err, SD_EINTERNAL, "order %llu: record corrupt",
		    (unsigned long long)id);
	sd_buf_free(&val);
	return st;
}

static int
order_store(struct sd_txn *t, const struct sd_order *o, int create,
    struct sd_err *err)
{
	struct sd_buf val = SD_BUF_INIT;
	uint8_t key[8];
	int st;

	key64(key, o->id);
	order_encode(o, &val);
	st = sd_put(t, T_ORDER, key, 8, val.p, val.len,
	    create ? SD_PUT_NOOVERWRITE : 0, err);
	sd_buf_free(&val);
	return st;
}

/* An agent user acts for its own agent only. */
static int
may_act(const struct sd_session *s, const char *agent)
{
	return s->user.role != SD_ROLE_AGENT || strcmp(s->user.agent, agent) == 0;
}

static int
audit_order(struct sd_txn *t, const struct sd_session *s, const char *op,
    const struct sd_order *o, const char *before, struct sd_err *err)
{
	char obj[32], after[200];
	char value[32];

	sd_money_format(o->value_fen, value, sizeof value);
	snprintf(obj, sizeof obj, "order:%llu", (unsigned long long)o->id);
	snprintf(after, sizeof after, "status=%s agent=%s plan=%s count=%d "
	    "value=%s%s%.80s", sd_order_status_name(o->status), o->agent,
	    o->plan, o->count, value, o->reason[0] ? " reason=" : "", o->reason);
	return sd_audit_write(t, s->user.login, op, obj, SD_OUTCOME_OK, before,
	    after, err);
}

/* ---------------------------------------------------------------- add */

struct add_arg {
	struct sd_session	*s;
	struct sd_order		 o;
};

static int
add_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct add_arg *a = arg;
	struct sd_agent ag;
	struct sd_plan p;
	int st;

	st = agent_load(t, a->o.agent, &ag, 0, err);
	if (st == SD_ENOTFOUND)
		st = sd_err_set(err, SD_EINVAL, "agent: no agent %s", a->o.agent);
	if (st == SD_OK && ag.status != SD_AGENT_APPROVED)
		st = sd_err_set(err, SD_EREFUSED, "agent %s is %s, not approved",
		    ag.code, sd_agent_status_name(ag.status));
	if (st == SD_OK && a->o.named) {
		/* The cards must exist; whether they are still in stock is
		 * the approval's question. */
		for (int i = 0; i < a->o.niccids && st == SD_OK; i++) {
			struct sd_sim c;

			if ((st = sim_load(t, a->o.iccids[i], &c, 0, err)) ==
			    SD_ENOTFOUND)
				st = sd_err_set(err, SD_EINVAL, "iccids: no card "
				    "%s in stock", a->o.iccids[i]);
			if (st == SD_OK && i == 0)
				sd_strlcpy(a->o.plan, c.plan, sizeof a->o.plan);
			else if (st == SD_OK && strcmp(a->o.plan, c.plan) != 0)
				sd_strlcpy(a->o.plan, "*", sizeof a->o.plan);
		}
	} else if (st == SD_OK) {
		st = plan_load(t, a->o.plan, &p, err);
		if (st == SD_ENOTFOUND)
			st = sd_err_set(err, SD_EINVAL, "plan: no plan %s",
			    a->o.plan);
		if (st == SD_OK && p.retired)
			st = sd_err_set(err, SD_EREFUSED, "plan %s is retired",
			    p.code);
	}
	if (st != SD_OK)
		return st;
	if ((st = order_store(t, &a->o, 1, err)) != SD_OK)
		return st;
	return audit_order(t, a->s, "order.add", &a->o, "", err);
}

int
sd_order_add(struct sd_session *s, const char *agent, const char *plan,
    int count, const char *const *iccids, int nids, uint64_t *id,
    struct sd_err *err)
{
	struct add_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_ORDER_ADD, agent ? agent : "", err)) != SD_OK)
		return st;
	if (agent == NULL && s->user.role == SD_ROLE_AGENT)
		agent = s->user.agent;
	if (agent == NULL || agent[0] == '\0')
		return sd_err_set(err, SD_EINVAL, "agent: required");
	if (!may_act(s, agent))
		return sd_deny(s, SD_OP_ORDER_ADD, agent, err, "agents order for "
		    "themselves");
	memset(&a, 0, sizeof a);
	if (nids > 0) {
		if (plan != NULL || count != 0)
			return sd_err_set(err, SD_EINVAL, "iccids: not with "
			    "plan or count");
		if (nids > 100000)
			return sd_err_set(err, SD_EINVAL, "iccids: at most "
			    "100000 cards");
		a.o.named = 1;
		a.o.iccids = xcalloc((size_t)nids, SD_ICCID_MAX + 1);
		for (int i = 0; i < nids; i++) {
			int app;

			if ((st = sd_iccid_check(iccids[i], a.o.iccids[i], &app,
			    err)) != SD_OK) {
				sd_order_free(&a.o);
				return st;
			}
			for (int j = 0; j < i; j++)
				if (strcmp(a.o.iccids[j], a.o.iccids[i]) == 0) {
					sd_order_free(&a.o);
					return sd_err_set(err, SD_EINVAL, "iccids: "
					    "%s is listed twice", iccids[i]);
				}
			a.o.niccids++;
		}
		count = nids;
	} else {
		if (plan == NULL || plan[0] == '\0')
			return sd_err_set(err, SD_EINVAL, "plan: required");
		if (count < 1 || count > 100000)
			return sd_err_set(err, SD_EINVAL, "count: 1 to 100000");
		sd_strlcpy(a.o.plan, plan, sizeof a.o.plan);
	}
	a.s = s;
	sd_strlcpy(a.o.agent, agent, sizeof a.o.agent);
	a.o.count = count;
	a.o.status = SD_ORDER_SUBMITTED;
	sd_strlcpy(a.o.by, s->user.login, sizeof a.o.by);
	a.o.created = a.o.updated = sd_now();
	if ((st = sd_seq_next(s->core->db, "order", &a.o.id, err)) == SD_OK)
		st = sd_db_run(s->core->db, add_txn, &a, err);
	sd_order_free(&a.o);
	if (st == SD_OK && id != NULL)
		*id = a.o.id;
	return st;
}

/* ---------------------------------------------------------------- steps */

enum step { ST_APPROVE, ST_SHIP, ST_DELIVER, ST_END };

struct step_arg {
	struct sd_session	*s;
	uint64_t		 id;
	enum step		 step;
	int			 end_status;
	const char		*carrier, *tracking, *reason;
	struct sd_refusal	 no;
};

/* The in-stock cards of a plan, first count of them, in ICCID order. */
static int
pick(struct sd_txn *t, const char *plan, int count, struct sd_order *o,
    struct sd_err *err)
{
	struct sd_cursor *c;
	int st;

	o->iccids = xcalloc((size_t)count, SD_ICCID_MAX + 1);
	o->niccids = 0;
	if ((st = sd_cursor_open(t, T_SIM, IX_SIM_STATUS, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_GE, "00", 3, err);
	    st == SD_OK && o->niccids < count; st = sd_cursor_step(c, 1, err)) {
		size_t kl, vl;
		const char *k = sd_cursor_key(c, &kl);
		const void *v = sd_cursor_val(c, &vl);
		struct sd_sim s;

		if (kl < 3 || memcmp(k, "00", 3) != 0)
			break;
		if (sim_decode(v, vl, &s) == SD_OK && strcmp(s.plan, plan) == 0)
			sd_strlcpy(o->iccids[o->niccids++], s.iccid, SD_ICCID_MAX + 1);
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

static int
approve(struct sd_txn *t, struct step_arg *a, struct sd_order *o,
    struct sd_err *err)
{
	struct sd_agent ag;
	char acct[40];
	int64_t recv;
	int st;

	if ((st = agent_load(t, o->agent, &ag, 0, err)) != SD_OK)
		return st;
	if (!o->named) {
		sd_order_free(o);
		if ((st = pick(t, o->plan, o->count, o, err)) != SD_OK)
			return st;
		if (o->niccids < o->count)
			return sd_err_set(err, SD_EREFUSED, "order %llu: %d cards "
			    "of plan %s asked for, %d in stock",
			    (unsigned long long)o->id, o->count, o->plan,
			    o->niccids);
	}
	o->value_fen = 0;
	o->discount_bp = ag.discount_bp;
	for (int i = 0; i < o->niccids; i++) {
		struct sd_sim c;

		if ((st = sim_load(t, o->iccids[i], &c, 1, err)) != SD_OK)
			return st;
		if (c.status != SD_SIM_IN_STOCK)
			return sd_err_set(err, SD_EREFUSED, "order %llu: sim %s is "
			    "%s, not in stock", (unsigned long long)o->id,
			    c.iccid, sd_sim_status_name(c.status));
		o->value_fen += order_net_price(c.price_fen, o->discount_bp);
		c.status = SD_SIM_RESERVED;
		c.order = o->id;
		c.updated = sd_now();
		if ((st = sim_store(t, &c, 0, err)) != SD_OK)
			return st;
	}
	/* Credit: what the agent owes plus this order, within its limit. */
	snprintf(acct, sizeof acct, "agent:%s:recv", o->agent);
	if ((st = sd_ledger_balance(t, acct, &recv, err)) != SD_OK)
		return st;
	if (recv + o->value_fen > ag.credit_fen) {
		char r[32], v[32], l[32];

		sd_money_format(recv, r, sizeof r);
		sd_money_format(o->value_fen, v, sizeof v);
		sd_money_format(ag.credit_fen, l, sizeof l);
		return sd_err_set(err, SD_EREFUSED, "order %llu: agent %s owes "
		    "%s; with this order's %s that exceeds its credit limit %s",
		    (unsigned long long)o->id, ag.code, r, v, l);
	}
	(void)a;
	return SD_OK;
}

/* Release (reserved -> in_stock) or deliver (-> allocated) the cards. */
static int
cards_to(struct sd_txn *t, struct sd_order *o, int to, struct sd_err *err)
{
	int st;

	for (int i = 0; i < o->niccids; i++) {
		struct sd_sim c;

		if ((st = sim_load(t, o->iccids[i], &c, 1, err)) != SD_OK)
			return st;
		if (c.status != SD_SIM_RESERVED || c.order != o->id)
			return sd_err_set(err, SD_EINTERNAL, "sim %s is not "
			    "reserved for order %llu", c.iccid,
			    (unsigned long long)o->id);
		c.status = to;
		if (to == SD_SIM_IN_STOCK)
			c.order = 0;
		else
			sd_strlcpy(c.agent, o->agent, sizeof c.agent);
		c.updated = sd_now();
		if ((st = sim_store(t, &c, 0, err)) != SD_OK)
			return st;
	}
	return SD_OK;
}

static int
step_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct step_arg *a = arg;
	struct sd_order o;
	char before[48];
	const char *op;
	int st;

	if ((st = order_load(t, a->id, &o, 1, err)) != SD_OK)
		return st;
	snprintf(before, sizeof before, "status=%s",
	    sd_order_status_name(o.status));
	switch (a->step) {
	case ST_APPROVE:
		op = "order.approve";
		if (o.status != SD_ORDER_SUBMITTED)
			st = SD_EREFUSED;
		else {
			if ((st = approve(t, a, &o, err)) == SD_OK)
				o.status = SD_ORDER_APPROVED;
		}
		break;
	case ST_SHIP:
		op = "order.ship";
		if (o.status != SD_ORDER_APPROVED)
			st = SD_EREFUSED;
		else {
			sd_strlcpy(o.carrier, a->carrier, sizeof o.carrier);
			sd_strlcpy(o.tracking, a->tracking, sizeof o.tracking);
			o.status = SD_ORDER_SHIPPED;
		}
		break;
	case ST_DELIVER:
		op = "order.deliver";
		if (o.status != SD_ORDER_SHIPPED)
			st = SD_EREFUSED;
		else if ((st = cards_to(t, &o, SD_SIM_ALLOCATED, err)) == SD_OK) {
			char acct[40], ref[32];
			struct sd_posting_line lines[2] = {
			    { acct, o.value_fen }, { "rev:stock", -o.value_fen } };

			snprintf(acct, sizeof acct, "agent:%s:recv", o.agent);
			snprintf(ref, sizeof ref, "order:%llu",
			    (unsigned long long)o.id);
			if (o.value_fen > 0)
				st = sd_ledger_post(t, a->s->user.login,
				    "stock delivered", ref, lines, 2, NULL, err);
			o.status = SD_ORDER_DELIVERED;
			o.delivered = sd_now();
			if (st == SD_OK && core_hooks.order_delivered != NULL)
				st = core_hooks.order_delivered(t,
				    a->s->user.login, &o, err);
		}
		break;
	default:
		op = a->end_status == SD_ORDER_REJECTED ? "order.reject" :
		    "order.cancel";
		if (!may_act(a->s, o.agent)) {
			st = sd_refuse(&a->no, "order %llu is %s's",
			    (unsigned long long)o.id, o.agent);
		} else if (a->end_status == SD_ORDER_REJECTED &&
		    a->s->user.role == SD_ROLE_AGENT) {
			st = sd_refuse(&a->no, "agents cancel, supervisors "
			    "reject");
		} else if (o.status != SD_ORDER_SUBMITTED &&
		    o.status != SD_ORDER_APPROVED)
			st = SD_EREFUSED;
		else {
			if (o.status == SD_ORDER_APPROVED)
				st = cards_to(t, &o, SD_SIM_IN_STOCK, err);
			o.status = a->end_status;
			sd_strlcpy(o.reason, a->reason, sizeof o.reason);
		}
		break;
	}
	if (st == SD_EREFUSED && err->msg[0] == '\0')
		sd_err_set(err, SD_EREFUSED, "order %llu is %s", (unsigned long long)
		    o.id, sd_order_status_name(o.status));
	if (st == SD_OK) {
		o.updated = sd_now();
		if ((st = order_store(t, &o, 0, err)) == SD_OK)
			st = audit_order(t, a->s, op, &o, before, err);
	}
	sd_order_free(&o);
	return st;
}

static int
step(struct step_arg *a, int op, struct sd_err *err)
{
	char obj[32];

	snprintf(obj, sizeof obj, "order:%llu", (unsigned long long)a->id);
	return sd_op_run(a->s, op, obj, 0, step_txn, a, &a->no, err);
}

int
sd_order_approve(struct sd_session *s, uint64_t id, struct sd_err *err)
{
	struct step_arg a = { s, id, ST_APPROVE, 0, NULL, NULL, NULL, { 0 } };

	return step(&a, SD_OP_ORDER_APPROVE, err);
}

int
sd_order_ship(struct sd_session *s, uint64_t id, const char *carrier,
    const char *tracking, struct sd_err *err)
{
	struct step_arg a = { s, id, ST_SHIP, 0, carrier, tracking, NULL, { 0 } };
	int st;

	if (carrier == NULL || carrier[0] == '\0' || tracking == NULL ||
	    tracking[0] == '\0')
		return sd_err_set(err, SD_EINVAL, "carrier and tracking: "
		    "required");
	if ((st = sd_check_text("carrier", carrier, 32, err)) != SD_OK ||
	    (st = sd_check_text("tracking", tracking, 64, err)) != SD_OK)
		return st;
	return step(&a, SD_OP_ORDER_SHIP, err);
}

int
sd_order_deliver(struct sd_session *s, uint64_t id, struct sd_err *err)
{
	struct step_arg a = { s, id, ST_DELIVER, 0, NULL, NULL, NULL, { 0 } };

	return step(&a, SD_OP_ORDER_DELIVER, err);
}

int
sd_order_end(struct sd_session *s, uint64_t id, int status,
    const char *reason, struct sd_err *err)
{
	struct step_arg a = { s, id, ST_END, status, NULL, NULL, reason, { 0 } };
	int st;

	if (status != SD_ORDER_REJECTED && status != SD_ORDER_CANCELLED)
		return sd_err_set(err, SD_EINVAL, "order: unknown ending");
	if (reason == NULL || reason[0] == '\0')
		return sd_err_set(err, SD_EINVAL, "reason: required");
	if ((st = sd_check_text("reason", reason, 128, err)) != SD_OK)
		return st;
	return step(&a, SD_OP_ORDER_ADD, err);
}

/* ---------------------------------------------------------------- return */

struct ret_arg {
	struct sd_session	*s;
	uint64_t		 id;
	char			(*iccids)[SD_ICCID_MAX + 1];
	int			 n;
	const char		*reason;
};

static int
ret_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct ret_arg *a = arg;
	struct sd_order o;
	int64_t credit = 0;
	char before[80];
	int st;

	if ((st = order_load(t, a->id, &o, 1, err)) != SD_OK)
		return st;
	snprintf(before, sizeof before, "status=%s returned=%d",
	    sd_order_status_name(o.status), o.returned);
	if (o.status != SD_ORDER_DELIVERED) {
		st = sd_err_set(err, SD_EREFUSED, "order %llu is %s: only a "
		    "delivered order's cards come back this way",
		    (unsigned long long)o.id, sd_order_status_name(o.status));
		goto out;
	}
	for (int i = 0; i < a->n; i++) {
		struct sd_sim c;
		char cb[48];

		if ((st = sim_load(t, a->iccids[i], &c, 1, err)) != SD_OK)
			goto out;
		if (c.order != o.id) {
			st = sd_err_set(err, SD_EREFUSED, "sim %s did not come "
			    "with order %llu", c.iccid, (unsigned long long)o.id);
			goto out;
		}
		if (!sd_sim_transition_ok(c.status, SD_SIM_RETURNED)) {
			st = sd_err_set(err, SD_EREFUSED, "sim %s is %s, cannot "
			    "become returned", c.iccid,
			    sd_sim_status_name(c.status));
			goto out;
		}
		snprintf(cb, sizeof cb, "status=%s agent=%s",
		    sd_sim_status_name(c.status), c.agent);
		credit += order_net_price(c.price_fen, o.discount_bp);
		c.status = SD_SIM_RETURNED;
		sd_strlcpy(c.reason, a->reason, sizeof c.reason);
		c.updated = sd_now();
		if ((st = sim_store(t, &c, 0, err)) != SD_OK ||
		    (st = sd_audit_write(t, a->s->user.login, "sim.return", c.iccid,
		    SD_OUTCOME_OK, cb, "status=returned", err)) != SD_OK)
			goto out;
		if (core_hooks.card_ended != NULL &&
		    (st = core_hooks.card_ended(t, a->s->user.login, c.iccid,
		    c.updated, err)) != SD_OK)
			goto out;
	}
	if (credit > 0) {
		char acct[40], ref[32];
		struct sd_posting_line lines[2] = {
		    { acct, -credit }, { "rev:stock", credit } };

		snprintf(acct, sizeof acct, "agent:%s:recv", o.agent);
		snprintf(ref, sizeof ref, "order:%llu", (unsigned long long)o.id);
		if ((st = sd_ledger_post(t, a->s->user.login, "stock returned",
		    ref, lines, 2, NULL, err)) != SD_OK)
			goto out;
	}
	o.returned += a->n;
	o.returned_fen += credit;
	sd_strlcpy(o.reason, a->reason, sizeof o.reason);
	o.updated = sd_now();
	if ((st = order_store(t, &o, 0, err)) == SD_OK)
		st = audit_order(t, a->s, "order.return", &o, before, err);
out:
	sd_order_free(&o);
	return st;
}

int
sd_order_return(struct sd_session *s, uint64_t id, const char *const *iccids,
    int nids, const char *reason, struct sd_err *err)
{
	struct ret_arg a = { s, id, NULL, 0, reason };
	char obj[32];
	int st;

	snprintf(obj, sizeof obj, "order:%llu", (unsigned long long)id);
	if ((st = sd_authorize(s, SD_OP_ORDER_APPROVE, obj, err)) != SD_OK)
		return st;
	if (reason == NULL || reason[0] == '\0')
		return sd_err_set(err, SD_EINVAL, "reason: required");
	if ((st = sd_check_text("reason", reason, 128, err)) != SD_OK)
		return st;
	if (nids < 1)
		return sd_err_set(err, SD_EINVAL, "order return: name the cards "
		    "(ICCID... or iccids FILE)");
	a.iccids = xcalloc((size_t)nids, SD_ICCID_MAX + 1);
	for (int i = 0; i < nids && st == SD_OK; i++) {
		int app;

		st = sd_iccid_check(iccids[i], a.iccids[i], &app, err);
		for (int j = 0; j < i && st == SD_OK; j++)
			if (strcmp(a.iccids[j], a.iccids[i]) == 0)
				st = sd_err_set(err, SD_EINVAL, "%s is listed "
				    "twice", iccids[i]);
	}
	a.n = nids;
	if (st == SD_OK)
		st = sd_db_run(s->core->db, ret_txn, &a, err);
	free(a.iccids);
	return st;
}

/* ---------------------------------------------------------------- read */

struct get_arg {
	struct sd_session	*s;
	uint64_t		 id;
	struct sd_order		*out;
	struct sd_refusal	 no;
};

static int
get_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct get_arg *a = arg;
	int st;

	if ((st = order_load(t, a->id, a->out, 0, err)) != SD_OK)
		return st;
	if (!may_act(a->s, a->out->agent)) {
		sd_order_free(a->out);
		return sd_refuse(&a->no, "not your order");
	}
	return SD_OK;
}

int
sd_order_get(struct sd_session *s, uint64_t id, struct sd_order *out,
    struct sd_err *err)
{
	struct get_arg a = { .s = s, .id = id, .out = out };
	char obj[32];

	snprintf(obj, sizeof obj, "order:%llu", (unsigned long long)id);
	return sd_op_run(s, SD_OP_ORDER_SHOW, obj, SD_RUN_READ, get_txn, &a,
	    &a.no, err);
}

struct list_arg {
	struct sd_session	*s;
	int			 status;
	sd_order_cb		 cb;
	void			*arg;
	struct rowbuf		 rows;	/* for cb after the commit */
};

static void
order_clear(void *row)
{
	sd_order_free(row);
}

static int
list_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct list_arg *a = arg;
	struct sd_cursor *c;
	int st;

	rowbuf_reset(&a->rows);
	if ((st = sd_cursor_open(t, T_ORDER, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t vl;
		const void *v = sd_cursor_val(c, &vl);
		struct sd_order o;

		if (order_decode(v, vl, &o) != SD_OK)
			continue;
		if ((a->status < 0 || o.status == a->status) &&
		    may_act(a->s, o.agent))
			rowbuf_add(&a->rows, &o);	/* its cards too */
		else
			sd_order_free(&o);
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

int
sd_order_list(struct sd_session *s, int status, sd_order_cb cb, void *arg,
    struct sd_err *err)
{
	struct list_arg a = { s, status, cb, arg };
	int st;

	if ((st = sd_authorize(s, SD_OP_ORDER_SHOW, "", err)) != SD_OK)
		return st;
	rowbuf_init(&a.rows, sizeof(struct sd_order), order_clear);
	st = sd_db_read(s->core->db, list_txn, &a, err);
	for (size_t i = 0; st == SD_OK && i < a.rows.n; i++)
		if (cb(rowbuf_at(&a.rows, i), arg) != 0)
			break;
	rowbuf_free(&a.rows);
	return st;
}

int
orders_delivered_each(struct sd_txn *t, const char *agent,
    int (*fn)(struct sd_txn *, const struct sd_order *, void *,
    struct sd_err *), void *arg, struct sd_err *err)
{
	struct sd_cursor *c;
	int st, r = SD_OK;

	/* Orders have no agent index: there are few of them. */
	if ((st = sd_cursor_open(t, T_ORDER, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t vl;
		const void *v = sd_cursor_val(c, &vl);
		struct sd_order o;

		memset(&o, 0, sizeof o);
		if (order_decode(v, vl, &o) != SD_OK)
			continue;
		if (o.status == SD_ORDER_DELIVERED &&
		    (agent == NULL || strcmp(o.agent, agent) == 0))
			r = fn(t, &o, arg, err);
		sd_order_free(&o);
		if (r != SD_OK)
			break;
	}
	sd_cursor_close(c);
	if (r != SD_OK)
		return r == SUB_STOP ? SD_OK : r;
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}
