/*
 * sales.c -- cards on their way to customers: allocation from stock to an
 * approved agent, transfers down an agent's branch, and activation (开卡):
 * the subscription starts, the card becomes active for the customer, and
 * its price is posted to the customer's account, all in one transaction.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/stock/stock_int.h"

enum { U_ID = 1, U_ICCID, U_MSISDN, U_CUSTOMER, U_PLAN, U_VAS, U_FROM,
    U_CHANNEL, U_SELLER, U_AGENT, U_PRICE, U_ENDED };

static const struct rec_field sub_f[] = {
	REC_I(U_ID, sd_subscription, id),
	REC_S(U_ICCID, sd_subscription, iccid),
	REC_S(U_MSISDN, sd_subscription, msisdn),
	REC_I(U_CUSTOMER, sd_subscription, customer),
	REC_S(U_PLAN, sd_subscription, plan),
	REC_STRS(U_VAS, sd_subscription, vas, nvas),
	REC_I(U_FROM, sd_subscription, from),
	REC_S(U_CHANNEL, sd_subscription, channel),
	REC_S(U_SELLER, sd_subscription, seller),
	REC_S(U_AGENT, sd_subscription, agent),
	REC_I(U_PRICE, sd_subscription, price_fen),
	REC_I(U_ENDED, sd_subscription, ended),
};

REC_CODEC(sub, struct sd_subscription, sub_f)

/* ---------------------------------------------------------------- shared */

/* The customers after `after` who have subscriptions, in id order: up to
 * max of them into ids, *n of them. */
int
subs_customers_after(struct sd_txn *t, uint64_t after, uint64_t *ids, int max,
    int *n, struct sd_err *err)
{
	struct sd_cursor *c;
	uint8_t seek[8];
	int st;

	*n = 0;
	sd_be64_put(seek, after + 1);
	if ((st = sd_cursor_open(t, T_SUBSCRIPTION, IX_SUB_CUSTOMER, &c,
	    err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_GE, seek, 8, err); st == SD_OK &&
	    *n < max; st = sd_cursor_step(c, 1, err)) {
		size_t kl;
		const uint8_t *k = sd_cursor_key(c, &kl);
		uint64_t id;

		if (kl < 8)
			continue;
		id = sd_be64_get(k);
		if (*n == 0 || ids[*n - 1] != id)
			ids[(*n)++] = id;
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

int
subs_each(struct sd_txn *t, uint64_t customer, sub_each_fn fn, void *arg,
    struct sd_err *err)
{
	struct sd_cursor *c;
	uint8_t pfx[8];
	int st, r = SD_OK;

	key64(pfx, customer);
	if ((st = sd_cursor_open(t, T_SUBSCRIPTION, IX_SUB_CUSTOMER, &c,
	    err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_GE, pfx, 8, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t kl, vl;
		const void *k = sd_cursor_key(c, &kl);
		const void *v = sd_cursor_val(c, &vl);
		struct sd_subscription u;

		if (kl != 16 || memcmp(k, pfx, 8) != 0)
			break;
		if (sub_decode(v, vl, &u) == SD_OK &&
		    (r = fn(t, &u, arg, err)) != SD_OK)
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

int
subs_all(struct sd_txn *t, sub_each_fn fn, void *arg, struct sd_err *err)
{
	struct sd_cursor *c;
	int st, r = SD_OK;

	if ((st = sd_cursor_open(t, T_SUBSCRIPTION, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t vl;
		const void *v = sd_cursor_val(c, &vl);
		struct sd_subscription u;

		if (sub_decode(v, vl, &u) == SD_OK &&
		    (r = fn(t, &u, arg, err)) != SD_OK)
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

struct end_arg {
	const char	*iccid;
	uint64_t	 found;
};

static int
end_find(struct sd_txn *t, const struct sd_subscription *u, void *arg,
    struct sd_err *err)
{
	struct end_arg *a = arg;

	(void)t;
	(void)err;
	if (u->ended == 0 && strcmp(u->iccid, a->iccid) == 0)
		a->found = u->id;
	return SD_OK;
}

int
subscription_end(struct sd_txn *t, uint64_t customer, const char *iccid,
    int64_t when, struct sd_err *err)
{
	struct end_arg a = { iccid, 0 };
	int st;

	if ((st = subs_each(t, customer, end_find, &a, err)) != SD_OK)
		return st;
	if (a.found != 0) {
		struct sd_buf val = SD_BUF_INIT;
		struct sd_subscription u;
		uint8_t key[8];

		key64(key, a.found);
		if ((st = sd_get(t, T_SUBSCRIPTION, key, 8, &val, SD_GET_RMW,
		    err)) == SD_OK && (st = sub_decode(val.p, val.len, &u)) ==
		    SD_OK) {
			u.ended = when;
			sub_encode(&u, &val);
			st = sd_put(t, T_SUBSCRIPTION, key, 8, val.p, val.len, 0,
			    err);
			if (st == SD_OK)	/* its days on the bills */
				st = rec_bill_touch(t, 0, err);
		}
		sd_buf_free(&val);
	}
	return st;
}

int
subscription_at(struct sd_txn *t, const char *msisdn, int64_t when,
    struct sd_subscription *out, struct sd_err *err)
{
	struct sd_cursor *c;
	uint8_t seek[12 + 16];
	size_t n = strlen(msisdn) + 1;
	int st, found = 0;

	memset(out, 0, sizeof *out);
	if (n > 12)
		return SD_OK;
	memcpy(seek, msisdn, n);
	sd_be64_put(seek + n, (uint64_t)when ^ (1ULL << 63));
	memset(seek + n + 8, 0xff, 8);
	if ((st = sd_cursor_open(t, T_SUBSCRIPTION, IX_SUB_MSISDN, &c, err)) !=
	    SD_OK)
		return st;
	/* The last subscription of the number that started by then. */
	st = sd_cursor_seek(c, SD_SEEK_GE, seek, n + 16, err);
	st = st == SD_OK ? sd_cursor_step(c, -1, err) :
	    st == SD_ENOTFOUND ? sd_cursor_seek(c, SD_SEEK_LAST, NULL, 0, err) : st;
	if (st == SD_OK) {
		size_t kl, vl;
		const void *k = sd_cursor_key(c, &kl);
		const void *v = sd_cursor_val(c, &vl);

		if (kl > n && memcmp(k, msisdn, n) == 0 &&
		    sub_decode(v, vl, out) == SD_OK && out->from <= when &&
		    (out->ended == 0 || out->ended > when))
			found = 1;
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	if (!found)
		memset(out, 0, sizeof *out);
	return SD_OK;
}

/* An agent named on the command line: unknown is invalid input. */
static int
agent_get(struct sd_txn *t, const char *code, struct sd_agent *a,
    struct sd_err *err)
{
	int st = agent_load(t, code, a, 0, err);

	if (st == SD_ENOTFOUND)
		st = sd_err_set(err, SD_EINVAL, "agent: no agent %s", code);
	return st;
}

/* The top of code's branch. */
static void
root_of(struct sd_txn *t, const char *code, char *out, size_t size)
{
	struct sd_agent a;
	struct sd_err e;

	sd_strlcpy(out, code, size);
	for (int d = 0; d < 64 && agent_get(t, out, &a, &e) == SD_OK &&
	    a.parent[0]; d++)
		sd_strlcpy(out, a.parent, size);
}

/* Is code within root's branch? */
static int
below(struct sd_txn *t, const char *root, const char *code)
{
	char cur[SD_CODE_MAX + 1];
	struct sd_agent a;
	struct sd_err e;

	sd_strlcpy(cur, code, sizeof cur);
	for (int d = 0; d < 64 && cur[0]; d++) {
		if (strcmp(cur, root) == 0)
			return 1;
		if (agent_get(t, cur, &a, &e) != SD_OK)
			return 0;
		sd_strlcpy(cur, a.parent, sizeof cur);
	}
	return 0;
}

static int	audit_card_id(struct sd_txn *t, struct table_batch *b,
		    uint64_t id, const char *who, const char *op,
		    const struct sd_sim *c, const char *before,
		    struct sd_err *err);

static int
audit_card(struct sd_txn *t, const char *who, const char *op,
    const struct sd_sim *c, const char *before, struct sd_err *err)
{
	return audit_card_id(t, NULL, 0, who, op, c, before, err);
}

/* The same with the audit row's id given (0: the next of the sequence),
 * written with a file's rows in bulk when b is not NULL. */
static int
audit_card_id(struct sd_txn *t, struct table_batch *b, uint64_t id,
    const char *who, const char *op, const struct sd_sim *c,
    const char *before, struct sd_err *err)
{
	char obj[40], after[96];

	snprintf(obj, sizeof obj, "sim:%s", c->iccid);
	snprintf(after, sizeof after, "status=%s agent=%s customer=%llu",
	    sd_sim_status_name(c->status), c->agent,
	    (unsigned long long)c->customer);
	if (id != 0)
		return audit_write_batch(t, b, id, who, op, obj, SD_OUTCOME_OK,
		    before, after, err);
	return sd_audit_write(t, who, op, obj, SD_OUTCOME_OK, before, after, err);
}

/* ---------------------------------------------------------------- allocate */

struct alloc_arg {
	struct sd_session	*s;
	const char		*agent;
	const char *const	*iccids;
	int			 nids;
	const char		*first, *last;	/* a range */
	int			 count;
	const char		*plan;
	int			 n;
};

static int
allocate_one(struct sd_txn *t, struct alloc_arg *a, const char *iccid,
    struct sd_err *err)
{
	struct sd_sim c;
	int st;

	if ((st = sim_load(t, iccid, &c, 1, err)) != SD_OK)
		return st;
	if (c.status != SD_SIM_IN_STOCK)
		return sd_err_set(err, SD_EREFUSED, "sim %s is %s, not in_stock: "
		    "nothing allocated", c.iccid, sd_sim_status_name(c.status));
	c.status = SD_SIM_ALLOCATED;
	sd_strlcpy(c.agent, a->agent, sizeof c.agent);
	c.updated = sd_now();
	if ((st = sim_store(t, &c, 0, err)) != SD_OK)
		return st;
	a->n++;
	return audit_card(t, a->s->user.login, "sim.allocate", &c,
	    "status=in_stock", err);
}

/* ICCIDs to take, gathered before any change so no cursor walks an index
 * being rewritten. */
static int
gather(struct sd_txn *t, struct alloc_arg *a, char (**out)[SD_ICCID_MAX + 1], int *n,
    struct sd_err *err)
{
	struct sd_cursor *c;
	struct sd_buf pfx = SD_BUF_INIT;
	int cap = 1024, st;

	*n = 0;
	*out = xcalloc((size_t)cap, 21);
	if (a->first != NULL) {
		st = sd_cursor_open(t, T_SIM, -1, &c, err);
		if (st == SD_OK)
			st = sd_cursor_seek(c, SD_SEEK_GE, a->first,
			    strlen(a->first), err);
	} else {
		/* The first in stock of the plan, through the status index. */
		sd_buf_add(&pfx, "00", 3);
		st = sd_cursor_open(t, T_SIM, IX_SIM_STATUS, &c, err);
		if (st == SD_OK)
			st = sd_cursor_seek(c, SD_SEEK_GE, pfx.p, pfx.len, err);
	}
	for (; st == SD_OK; st = sd_cursor_step(c, 1, err)) {
		size_t kl, vl;
		const char *k = sd_cursor_key(c, &kl);
		const void *v = sd_cursor_val(c, &vl);
		struct sd_sim s;

		if (a->first != NULL) {
			if (kl != strlen(a->last) || memcmp(k, a->last, kl) > 0)
				break;
		} else {
			if (kl < pfx.len || memcmp(k, pfx.p, pfx.len) != 0 ||
			    *n >= a->count)
				break;
			if (sim_decode(v, vl, &s) != SD_OK ||
			    strcmp(s.plan, a->plan) != 0)
				continue;
		}
		if (*n == cap) {
			cap *= 2;
			*out = xrealloc(*out, (size_t)cap * 21);
		}
		if (a->first != NULL)	/* the primary key is the ICCID */
			snprintf((*out)[(*n)++], SD_ICCID_MAX + 1, "%.*s", (int)kl, k);
		else
			sd_strlcpy((*out)[(*n)++], s.iccid, SD_ICCID_MAX + 1);
	}
	sd_cursor_close(c);
	sd_buf_free(&pfx);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

static int
alloc_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct alloc_arg *a = arg;
	struct sd_agent ag;
	char (*ids)[SD_ICCID_MAX + 1] = NULL;
	int n = 0, st;

	a->n = 0;
	if ((st = agent_get(t, a->agent, &ag, err)) != SD_OK)
		return st;
	if (ag.status != SD_AGENT_APPROVED)
		return sd_err_set(err, SD_EREFUSED, "agent %s is %s, not approved",
		    ag.code, sd_agent_status_name(ag.status));
	if (a->iccids != NULL) {
		for (int i = 0; i < a->nids; i++)
			if ((st = allocate_one(t, a, a->iccids[i], err)) != SD_OK)
				return st;
		return SD_OK;
	}
	if (a->first != NULL)
		return alloc_range(t, a->s, a->agent, a->first, a->last, &a->n,
		    err);
	if ((st = gather(t, a, &ids, &n, err)) != SD_OK)
		goto out;
	if (a->first == NULL && n < a->count) {
		st = sd_err_set(err, SD_EREFUSED, "only %d cards of plan %s in "
		    "stock, %d asked for: nothing allocated", n, a->plan, a->count);
		goto out;
	}
	if (n == 0) {
		st = sd_err_set(err, SD_ENOTFOUND, "no cards in %s-%s", a->first,
		    a->last);
		goto out;
	}
	for (int i = 0; i < n && st == SD_OK; i++)
		st = allocate_one(t, a, ids[i], err);
out:
	free(ids);
	return st;
}

int
sd_sim_allocate(struct sd_session *s, const char *agent,
    const char *const *iccids, int nids, const char *range, int count,
    const char *plan, int *n, struct sd_err *err)
{
	struct alloc_arg a;
	char first[32], last[32];
	int st;

	*n = 0;
	if ((st = sd_authorize(s, SD_OP_SIM_ALLOCATE, agent, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	a.agent = agent;
	if (nids > 0) {
		a.iccids = iccids;
		a.nids = nids;
	} else if (range != NULL) {
		const char *dash = strchr(range, '-');

		if (dash == NULL || (size_t)(dash - range) >= sizeof first ||
		    strlen(dash + 1) >= sizeof last)
			return sd_err_set(err, SD_EINVAL, "range: '%s' is not "
			    "FIRST-LAST", range);
		snprintf(first, sizeof first, "%.*s", (int)(dash - range), range);
		snprintf(last, sizeof last, "%s", dash + 1);
		if (strlen(first) != strlen(last) || strcmp(first, last) > 0)
			return sd_err_set(err, SD_EINVAL, "range: FIRST and LAST "
			    "must be ICCIDs of one length, FIRST <= LAST");
		a.first = first;
		a.last = last;
	} else if (count > 0 && plan != NULL) {
		a.count = count;
		a.plan = plan;
	} else
		return sd_err_set(err, SD_EUSAGE, "sim allocate: give ICCIDs, "
		    "range FIRST-LAST, or count N with plan P");
	st = sd_db_run(s->core->db, alloc_txn, &a, err);
	if (st == SD_OK)
		*n = a.n;
	return st;
}

/* ---------------------------------------------------------------- transfer */

struct xfer_arg {
	struct sd_session	*s;
	const char		*to;
	const char *const	*iccids;
	int			 nids;
	struct sd_refusal	 no;
};

static int
xfer_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct xfer_arg *a = arg;
	struct sd_agent to;
	char rto[SD_CODE_MAX + 1], rfrom[SD_CODE_MAX + 1], before[48];
	int st;

	if ((st = agent_get(t, a->to, &to, err)) != SD_OK)
		return st;
	if (to.status != SD_AGENT_APPROVED)
		return sd_err_set(err, SD_EREFUSED, "agent %s is %s, not approved",
		    to.code, sd_agent_status_name(to.status));
	root_of(t, to.code, rto, sizeof rto);
	for (int i = 0; i < a->nids; i++) {
		struct sd_sim c;

		if ((st = sim_load(t, a->iccids[i], &c, 1, err)) != SD_OK)
			return st;
		if (c.status != SD_SIM_ALLOCATED)
			return sd_err_set(err, SD_EREFUSED, "sim %s is %s, not "
			    "allocated to an agent", c.iccid,
			    sd_sim_status_name(c.status));
		/* An agent passes cards it holds down its own branch; others
		 * (but admins) within one top-level branch. */
		if (a->s->user.role == SD_ROLE_AGENT) {
			if (!below(t, a->s->user.agent, c.agent) ||
			    !below(t, a->s->user.agent, to.code))
				return sd_refuse(&a->no, "sim %s or agent "
				    "%s is not in your branch", c.iccid,
				    to.code);
		} else if (a->s->user.role != SD_ROLE_ADMIN) {
			root_of(t, c.agent, rfrom, sizeof rfrom);
			if (strcmp(rfrom, rto) != 0)
				return sd_refuse(&a->no, "agents %s and %s "
				    "are in different branches (admin only)",
				    c.agent, to.code);
		}
		snprintf(before, sizeof before, "agent=%s", c.agent);
		sd_strlcpy(c.agent, to.code, sizeof c.agent);
		c.updated = sd_now();
		if ((st = sim_store(t, &c, 0, err)) != SD_OK ||
		    (st = audit_card(t, a->s->user.login, "sim.transfer", &c,
		    before, err)) != SD_OK)
			return st;
	}
	return SD_OK;
}

int
sd_sim_transfer(struct sd_session *s, const char *to_agent,
    const char *const *iccids, int nids, struct sd_err *err)
{
	struct xfer_arg a = { s, to_agent, iccids, nids, { 0 } };
	int st;

	if ((st = sd_authorize(s, SD_OP_SIM_TRANSFER, to_agent, err)) != SD_OK)
		return st;
	if (nids <= 0)
		return sd_err_set(err, SD_EUSAGE, "sim transfer: which cards?");
	return sd_op_run(s, SD_OP_SIM_TRANSFER, to_agent, SD_RUN_AUTHORIZED,
	    xfer_txn, &a, &a.no, err);
}

/* ---------------------------------------------------------------- activate */

static const char *const channels[] = { "store", "agent", "online",
    "telesales", NULL };

struct act_arg {
	struct sd_session		*s;
	const struct sd_activation	*in;
	uint64_t			 customer;
	struct sd_subscription		 sub;
	int64_t				 price;
	int				 have_price;
	struct sd_refusal		 no;
	/* A file's rows: their audit row's id taken in a block (0: the
	 * sequence's next), the plans read once a run. */
	uint64_t			 audit_id;
	struct plan_cache		*plans;
	/* A file's rows: the card, the customer, the subscription and the
	 * audit row written with the others in bulk (batch_put_new and
	 * _replace); a card or customer of the file's earlier rows known
	 * through batch_seen.  NULL: written at once. */
	struct table_batch		*b;
};

enum { SEEN_CARD, SEEN_CUSTOMER };	/* batch_seen's sets */

/*
 * Who made the sale (the reports' operator): the acting user, or the
 * staff member an admin or supervisor names (--operator, or the file's
 * operator column), who must exist and not be an agent.
 */
static int
act_operator(struct sd_txn *t, struct act_arg *a, struct sd_err *err)
{
	const char *op = a->in->operator;
	struct sd_user u;
	int st;

	if (op == NULL || op[0] == '\0' || strcmp(op, a->s->user.login) == 0)
		return SD_OK;
	if (a->s->user.role != SD_ROLE_ADMIN &&
	    a->s->user.role != SD_ROLE_SUPERVISOR)
		return sd_refuse(&a->no, "operator: only admins and supervisors "
		    "record a sale for someone else");
	if ((st = user_load(t, op, &u, 0, err)) == SD_ENOTFOUND)
		return sd_err_set(err, SD_EINVAL, "operator: no user '%.32s'", op);
	if (st != SD_OK)
		return st;
	if (u.role == SD_ROLE_AGENT)
		return sd_err_set(err, SD_EINVAL, "operator: '%.32s' is an agent; "
		    "an agent's sale names the agent", op);
	sd_strlcpy(a->sub.seller, u.login, sizeof a->sub.seller);
	return SD_OK;
}

static int
act_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct act_arg *a = arg;
	struct sd_sim c, old;
	struct sd_customer cu;
	struct sd_buf val = SD_BUF_INIT;
	struct sd_plan p;
	char before[48], acct[32], ref[48], custkey[24];
	uint8_t key[8];
	int st, status;

	a->customer = a->in->customer;
	if (a->customer == 0 && a->in->customer_key != NULL &&
	    (st = customer_key_resolve(t, a->in->customer_key, &a->customer,
	    err)) != SD_OK)
		return st;
	if ((st = sim_load_key(t, a->in->iccid, &c, 1, err)) != SD_OK)
		return st;
	/* A card of the file's earlier rows is active, written or not. */
	status = a->b != NULL && batch_seen(a->b, SEEN_CARD, c.iccid) ?
	    SD_SIM_ACTIVE : c.status;
	if (status != SD_SIM_IN_STOCK && status != SD_SIM_ALLOCATED)
		return sd_err_set(err, SD_EREFUSED, "sim %s is %s: only a card in "
		    "stock or allocated can be sold", c.iccid,
		    sd_sim_status_name(status));
	old = c;
	/* An agent sells cards of its own branch. */
	if (a->s->user.role == SD_ROLE_AGENT &&
	    !(c.agent[0] && below(t, a->s->user.agent, c.agent)))
		return sd_refuse(&a->no, "sim %s is not in your branch",
		    c.iccid);
	if ((st = customer_load(t, a->customer, &cu, 1, err)) != SD_OK)
		return st;
	if ((st = act_operator(t, a, err)) != SD_OK)
		return st;
	if (cu.status == SD_CUST_CLOSED)
		return sd_err_set(err, SD_EREFUSED, "customer %llu is closed",
		    (unsigned long long)cu.id);
	/* The plan, and the services it allows. */
	if ((st = plan_load_cached(t, a->plans, c.plan, &p, err)) != SD_OK)
		return st == SD_ENOTFOUND ? sd_err_set(err, SD_EINTERNAL,
		    "plan %s of sim %s is missing", c.plan, c.iccid) : st;
	if (p.retired)
		return sd_err_set(err, SD_EREFUSED, "plan %s is retired",
		    p.code);
	if (a->in->vas != NULL && a->in->vas[0] != '\0') {
		char buf[200], *tok, *save = NULL;

		sd_strlcpy(buf, a->in->vas, sizeof buf);
		for (tok = strtok_r(buf, ",", &save); tok != NULL;
		    tok = strtok_r(NULL, ",", &save)) {
			int ok = 0;

			for (int i = 0; i < p.nvas; i++)
				ok |= strcmp(p.vas[i], tok) == 0;
			if (!ok)
				return sd_err_set(err, SD_EINVAL, "vas: plan %s "
				    "does not offer %s", p.code, tok);
			if (a->sub.nvas < 8)
				sd_strlcpy(a->sub.vas[a->sub.nvas++], tok,
				    sizeof a->sub.vas[0]);
		}
	}
	if (a->in->agent != NULL) {
		struct sd_agent ag;

		if ((st = agent_get(t, a->in->agent, &ag, err)) != SD_OK)
			return st;
	}
	/* The subscription. */
	sd_strlcpy(a->sub.iccid, c.iccid, sizeof a->sub.iccid);
	sd_strlcpy(a->sub.msisdn, c.msisdn, sizeof a->sub.msisdn);
	sd_strlcpy(a->sub.plan, c.plan, sizeof a->sub.plan);
	a->sub.customer = cu.id;
	a->sub.price_fen = a->have_price ? a->price : c.price_fen;
	sd_strlcpy(a->sub.agent, a->in->agent ? a->in->agent : c.agent,
	    sizeof a->sub.agent);
	key64(key, a->sub.id);
	sub_encode(&a->sub, &val);
	/* A new line on the customer's bills (once a transaction). */
	if ((st = rec_bill_touch(t, 0, err)) != SD_OK) {
		sd_buf_free(&val);
		return st;
	}
	if (a->b != NULL)
		st = batch_put_new(t, a->b, T_SUBSCRIPTION, key, 8, val.p,
		    val.len, err);
	else
		st = sd_put(t, T_SUBSCRIPTION, key, 8, val.p, val.len,
		    SD_PUT_NOOVERWRITE, err);
	sd_buf_free(&val);
	if (st != SD_OK)
		return st;
	/* The card. */
	snprintf(before, sizeof before, "status=%s",
	    sd_sim_status_name(c.status));
	c.status = SD_SIM_ACTIVE;
	c.customer = cu.id;
	c.updated = sd_now();
	if (a->b != NULL) {
		struct sd_buf ob = SD_BUF_INIT;

		/* The old card as encoded has the index keys it was stored
		 * with: those that change go. */
		sim_encode(&old, &ob);
		sim_encode(&c, &val);
		st = batch_put_replace(t, a->b, T_SIM, c.iccid, strlen(c.iccid),
		    val.p, val.len, ob.p, ob.len, err);
		sd_buf_free(&ob);
		sd_buf_free(&val);
	} else
		st = sim_store(t, &c, 0, err);
	if (st != SD_OK ||
	    (st = audit_card_id(t, a->b, a->audit_id, a->s->user.login,
	    "sim.activate", &c, before, err)) != SD_OK)
		return st;
	/* The selling agent's commission (core/money). */
	if (core_hooks.card_activated != NULL &&
	    (st = core_hooks.card_activated(t, a->s->user.login, &a->sub,
	    err)) != SD_OK)
		return st;
	/* The customer becomes active (once, in a file: the file's earlier
	 * rows may have made it so); the price goes on their account. */
	snprintf(custkey, sizeof custkey, "%llu", (unsigned long long)cu.id);
	if (cu.status == SD_CUST_PROSPECT &&
	    !(a->b != NULL && batch_seen(a->b, SEEN_CUSTOMER, custkey))) {
		cu.status = SD_CUST_ACTIVE;
		cu.updated = sd_now();
		if ((st = customer_store_batch(t, a->b, &cu, err)) != SD_OK)
			return st;
		if (a->b != NULL)
			batch_see(a->b, SEEN_CUSTOMER, custkey);
	}
	if (a->sub.price_fen > 0) {
		struct sd_posting_line lines[2] = { { acct, a->sub.price_fen },
		    { "rev:card", -a->sub.price_fen } };

		snprintf(acct, sizeof acct, "cust:%llu", (unsigned long long)cu.id);
		snprintf(ref, sizeof ref, "sub:%llu", (unsigned long long)a->sub.id);
		if ((st = sd_ledger_post(t, a->s->user.login, "card sale", ref,
		    lines, 2, NULL, err)) != SD_OK)
			return st;
	}
	if (a->b != NULL)
		batch_see(a->b, SEEN_CARD, c.iccid);
	return SD_OK;
}

/* Check what can be checked before the transaction; fill a. */
static int
act_prepare(struct sd_session *s, const struct sd_activation *in,
    struct act_arg *a, struct sd_err *err)
{
	const char *ch = in->channel && in->channel[0] ? in->channel : "store";
	int ok = 0, st;

	for (int i = 0; channels[i]; i++)
		ok |= strcmp(channels[i], ch) == 0;
	if (!ok)
		return sd_err_set(err, SD_EINVAL, "channel: '%s' is not store, "
		    "agent, online or telesales", ch);
	memset(a, 0, sizeof *a);
	a->s = s;
	a->in = in;
	if (in->price != NULL && in->price[0] != '\0') {
		if (sd_money_parse(in->price, &a->price) != SD_OK || a->price < 0)
			return sd_err_set(err, SD_EINVAL, "price: '%s' is not an "
			    "amount in yuan", in->price);
		a->have_price = 1;
	}
	if (in->agent != NULL && in->agent[0] != '\0' &&
	    (st = sd_check_text("agent", in->agent, 16, err)) != SD_OK)
		return st;
	sd_strlcpy(a->sub.channel, ch, sizeof a->sub.channel);
	sd_strlcpy(a->sub.seller, s->user.login, sizeof a->sub.seller);
	a->sub.from = in->date ? in->date : sd_now();
	return SD_OK;
}

int
sd_sim_activate(struct sd_session *s, const struct sd_activation *in,
    uint64_t *id, struct sd_err *err)
{
	struct act_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_SIM_ACTIVATE, in->iccid, err)) != SD_OK)
		return st;
	if ((st = act_prepare(s, in, &a, err)) != SD_OK)
		return st;
	if ((st = sd_seq_next(s->core->db, "subscription", &a.sub.id, err)) != SD_OK)
		return st;
	st = sd_op_run(s, SD_OP_SIM_ACTIVATE, in->iccid, SD_RUN_AUTHORIZED,
	    act_txn, &a, &a.no, err);
	if (st == SD_OK && id != NULL)
		*id = a.sub.id;
	return st;
}

/* ---------------------------------------------------------------- batches */

static const char *const act_cols[] = { "iccid", "customer", "channel",
    "agent", "price", "vas", "date", "operator" };

/* A file's: the first of its blocks of subscription and audit ids. */
struct actfile {
	uint64_t		first, audit_first;
	struct plan_cache	plans;
};

static int
actfile_row(struct sd_txn *t, struct table_batch *b, int r, struct sd_err *e)
{
	struct actfile *af = b->ctx;
	struct sd_activation in;
	struct act_arg a;
	const char *date = batch_cell(b, r, 6);
	char iccid[SD_ICCID_MAX + 1];
	int app, st;

	memset(&in, 0, sizeof in);
	if ((st = sd_iccid_check(batch_cell(b, r, 0), iccid, &app, e)) != SD_OK)
		return st;
	in.iccid = iccid;
	in.customer_key = batch_cell(b, r, 1);
	if (in.customer_key == NULL || in.customer_key[0] == '\0')
		return sd_err_set(e, SD_EINVAL, "customer: required (an id or "
		    "a phone)");
	in.channel = batch_cell(b, r, 2);
	in.agent = batch_cell(b, r, 3);
	if (in.agent != NULL && in.agent[0] == '\0')
		in.agent = NULL;
	in.price = batch_cell(b, r, 4);
	in.vas = batch_cell(b, r, 5);
	in.operator = batch_cell(b, r, 7);
	if (date != NULL && date[0] != '\0' &&
	    sd_time_parse(date, &in.date) != SD_OK)
		return sd_err_set(e, SD_EINVAL, "date: '%.30s' is not "
		    "YYYY-MM-DD [HH:MM[:SS]]", date);
	if ((st = act_prepare(b->s, &in, &a, e)) != SD_OK)
		return st;
	if (r == 1)
		af->plans.n = 0;	/* a run of the rows: plans read anew */
	a.sub.id = af->first + (uint64_t)r - 1;
	a.audit_id = af->audit_first + (uint64_t)r - 1;
	a.plans = &af->plans;
	a.b = b;
	st = act_txn(t, &a, e);
	if (st == SD_EPERM && a.no.denied)
		*e = a.no.why;
	return st;
}

int
sd_sim_activate_file(struct sd_session *s, const char *file,
    const struct sd_table *t, const char *rejects,
    void (*progress)(long, long, void *), void *progress_arg,
    struct sd_import_result *r, struct sd_err *err)
{
	static const char *const required[] = { "iccid", "customer", NULL };
	struct actfile af = { 0 };
	struct table_batch b = { .s = s, .t = t, .file = file,
	    .op = "sim.activate_file", .what = "activations",
	    .row = actfile_row, .ctx = &af, .progress = progress,
	    .progress_arg = progress_arg };
	int st;

	memset(r, 0, sizeof *r);
	if ((st = sd_authorize(s, SD_OP_SIM_ACTIVATE, file, err)) != SD_OK)
		return st;
	if ((st = batch_columns(&b, act_cols, 8, required, err)) != SD_OK)
		return st;
	/* One block of subscription numbers for the whole file, and one of
	 * audit ids (each row's own sequence transaction was a tenth of
	 * its time). */
	if (t->nrows > 1 && ((st = sd_seq_take(s->core->db, "subscription",
	    (uint64_t)t->nrows - 1, &af.first, err)) != SD_OK ||
	    (st = sd_seq_take(s->core->db, "audit", (uint64_t)t->nrows - 1,
	    &af.audit_first, err)) != SD_OK))
		return st;
	return batch_run(&b, rejects, r, err);
}

struct subs_arg {
	uint64_t	 customer;
	sd_sub_cb	 cb;
	void		*arg;
	struct rowbuf	 rows;		/* for cb after the commit */
};

static int
subs_one(struct sd_txn *t, const struct sd_subscription *u, void *arg,
    struct sd_err *err)
{
	struct subs_arg *a = arg;

	(void)t;
	(void)err;
	rowbuf_add(&a->rows, u);
	return SD_OK;
}

static int
subs_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct subs_arg *a = arg;

	rowbuf_reset(&a->rows);
	return subs_each(t, a->customer, subs_one, a, err);
}

int
sd_subscription_list(struct sd_session *s, uint64_t customer, sd_sub_cb cb,
    void *arg, struct sd_err *err)
{
	struct subs_arg a = { customer, cb, arg };
	int st;

	if ((st = sd_authorize(s, SD_OP_CUST_SHOW, "", err)) != SD_OK)
		return st;
	rowbuf_init(&a.rows, sizeof(struct sd_subscription), NULL);
	st = sd_db_read(s->core->db, subs_txn, &a, err);
	for (size_t i = 0; st == SD_OK && i < a.rows.n; i++)
		if (cb(rowbuf_at(&a.rows, i), arg) != 0)
			break;
	rowbuf_free(&a.rows);
	return st;
}
