/*
 * agent.c -- the tree of distributor agents (代理商): their record, adding
 * and changing them, who may see which branch, the tree and its statistics.
 */
#include <stdio.h>
#include <string.h>

#include "core/stock/stock_int.h"

/* ---------------------------------------------------------------- codecs */

enum { G_CODE = 1, G_NAME, G_PARENT, G_STATUS, G_CREDIT, G_REGION, G_CREATED,
    G_DISCOUNT };

static const struct rec_field agent_f[] = {
	REC_S(G_CODE, sd_agent, code), REC_S(G_NAME, sd_agent, name),
	REC_S(G_PARENT, sd_agent, parent), REC_I(G_STATUS, sd_agent, status),
	REC_I(G_CREDIT, sd_agent, credit_fen), REC_S(G_REGION, sd_agent, region),
	REC_I(G_CREATED, sd_agent, created),
	REC_I(G_DISCOUNT, sd_agent, discount_bp),
};

REC_CODEC(agent, struct sd_agent, agent_f)

/* ---------------------------------------------------------------- agents */

int
agent_exists(struct sd_txn *t, const char *code, struct sd_err *err)
{
	struct sd_buf v = SD_BUF_INIT;
	int st = stock_get(t, T_AGENT, code, &v, 0, err);

	sd_buf_free(&v);
	return st;
}

static const char *const agent_status_names[] = { "applied", "approved",
    "suspended" };

const char *
sd_agent_status_name(int status)
{
	return status >= 0 && status <= SD_AGENT_SUSPENDED ?
	    agent_status_names[status] : "?";
}

int
agent_load(struct sd_txn *t, const char *code, struct sd_agent *a, int rmw,
    struct sd_err *err)
{
	struct sd_buf val = SD_BUF_INIT;
	int st = stock_get(t, T_AGENT, code, &val, rmw, err);

	if (st == SD_ENOTFOUND)
		st = sd_err_set(err, SD_ENOTFOUND, "agent %s: not found", code);
	else if (st == SD_OK && agent_decode(val.p, val.len, a) != SD_OK)
		st = sd_err_set(err, SD_EINTERNAL, "agent %s: record corrupt",
		    code);
	sd_buf_free(&val);
	return st;
}

int
agents_each(struct sd_txn *t, int (*fn)(struct sd_txn *,
    const struct sd_agent *, void *, struct sd_err *), void *arg,
    struct sd_err *err)
{
	struct sd_cursor *c;
	int st, r = SD_OK;

	if ((st = sd_cursor_open(t, T_AGENT, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t vl;
		const void *v = sd_cursor_val(c, &vl);
		struct sd_agent ag;

		if (agent_decode(v, vl, &ag) != SD_OK)
			continue;
		if ((r = fn(t, &ag, arg, err)) != SD_OK)
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

/* Is code root or below it?  Walks up the parents (bounded). */
int
in_subtree(struct sd_txn *t, const char *root, const char *code)
{
	char cur[SD_CODE_MAX + 1];
	struct sd_agent a;
	struct sd_err e;

	if (root[0] == '\0')
		return 1;
	sd_strlcpy(cur, code, sizeof cur);
	for (int depth = 0; cur[0] != '\0' && depth < 64; depth++) {
		if (strcmp(cur, root) == 0)
			return 1;
		if (agent_load(t, cur, &a, 0, &e) != SD_OK)
			return 0;
		sd_strlcpy(cur, a.parent, sizeof cur);
	}
	return 0;
}

int
agent_in_subtree(struct sd_txn *t, const char *root, const char *code)
{
	return in_subtree(t, root, code);
}

/* The subtree a session may see: all, or an agent user's own branch. */
int
scope_of(const struct sd_session *s, char *root, size_t size,
    struct sd_err *err)
{
	if (s->user.role != SD_ROLE_AGENT) {
		sd_strlcpy(root, "", size);
		return SD_OK;
	}
	if (s->user.agent[0] == '\0')
		return sd_err_set(err, SD_EPERM, "user %s is not bound to an "
		    "agent", s->user.login);
	sd_strlcpy(root, s->user.agent, size);
	return SD_OK;
}

enum { AG_CREATE, AG_STATUS, AG_UPDATE };

struct agent_arg {
	struct sd_session		*s;
	struct sd_agent			 a;
	int				 mode;
	int				 status;
	const struct sd_agent_fields	*f;
};

static void
agent_describe(const struct sd_agent *a, char *out, size_t size)
{
	char credit[32];

	sd_money_format(a->credit_fen, credit, sizeof credit);
	snprintf(out, size, "name=%s parent=%s status=%s credit=%s "
	    "discount_bp=%d region=%s", a->name, a->parent,
	    sd_agent_status_name(a->status), credit, a->discount_bp, a->region);
}

/* Check the given fields and apply them to a. */
static int
agent_apply(const struct sd_agent_fields *f, struct sd_agent *a,
    struct sd_err *err)
{
	int64_t bp;
	int st;

	if (f->name != NULL) {
		if (f->name[0] == '\0')
			return sd_err_set(err, SD_EINVAL, "name: must not be "
			    "empty");
		if ((st = sd_agent_check("name", f->name, err)) != SD_OK)
			return st;
		sd_strlcpy(a->name, f->name, sizeof a->name);
	}
	if (f->credit_limit != NULL && (st = yuan_check("credit-limit",
	    f->credit_limit, &a->credit_fen, err)) != SD_OK)
		return st;
	if (f->discount != NULL) {
		if ((st = sd_agent_check("discount", f->discount, err)) != SD_OK)
			return st;
		(void)sd_money_parse(f->discount, &bp);
		a->discount_bp = (int)bp;
	}
	if (f->region != NULL) {
		if ((st = sd_agent_check("region", f->region, err)) != SD_OK)
			return st;
		sd_strlcpy(a->region, f->region, sizeof a->region);
	}
	return SD_OK;
}

static int
agent_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct agent_arg *a = arg;
	struct sd_buf val = SD_BUF_INIT;
	struct sd_agent cur;
	char obj[32], before[320], after[320];
	int st;

	if (a->mode == AG_CREATE) {
		if (agent_load(t, a->a.code, &cur, 0, err) == SD_OK)
			return sd_err_set(err, SD_EEXIST, "agent: %s already "
			    "exists", a->a.code);
		sd_err_clear(err);
		if (a->a.parent[0] != '\0' &&
		    (st = agent_load(t, a->a.parent, &cur, 0, err)) != SD_OK)
			return st == SD_ENOTFOUND ? sd_err_set(err, SD_EINVAL,
			    "parent: no agent %s", a->a.parent) : st;
		cur = a->a;
		snprintf(before, sizeof before, "-");
	} else {
		if ((st = agent_load(t, a->a.code, &cur, 1, err)) != SD_OK)
			return st;
		agent_describe(&cur, before, sizeof before);
		if (a->mode == AG_UPDATE) {
			if ((st = agent_apply(a->f, &cur, err)) != SD_OK)
				return st;
		} else if (cur.status == a->status)
			return sd_err_set(err, SD_EREFUSED, "agent %s is already "
			    "%s", cur.code, sd_agent_status_name(cur.status));
		else
			cur.status = a->status;
	}
	agent_encode(&cur, &val);
	st = stock_put(t, T_AGENT, cur.code, &val, a->mode == AG_CREATE, err);
	sd_buf_free(&val);
	if (st != SD_OK)
		return st;
	snprintf(obj, sizeof obj, "agent:%s", cur.code);
	agent_describe(&cur, after, sizeof after);
	return sd_audit_write(t, a->s->user.login, a->mode == AG_CREATE ?
	    "agent.add" : a->mode == AG_UPDATE ? "agent.update" : "agent.status",
	    obj, SD_OUTCOME_OK, before, after, err);
}

void
sd_agent_fields_init(struct sd_agent_fields *f)
{
	memset(f, 0, sizeof *f);
}

int
sd_agent_add(struct sd_session *s, const char *code,
    const struct sd_agent_fields *f, struct sd_err *err)
{
	struct agent_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_AGENT_EDIT, code, err)) != SD_OK ||
	    (st = check_code("agent", code, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	a.mode = AG_CREATE;
	sd_strlcpy(a.a.code, code, sizeof a.a.code);
	if (f->name == NULL || f->name[0] == '\0')
		return sd_err_set(err, SD_EINVAL, "name: required");
	if ((st = agent_apply(f, &a.a, err)) != SD_OK)
		return st;
	if (f->parent != NULL && f->parent[0] != '\0') {
		if ((st = sd_agent_check("parent", f->parent, err)) != SD_OK)
			return st;
		sd_strlcpy(a.a.parent, f->parent, sizeof a.a.parent);
	}
	a.a.status = SD_AGENT_APPLIED;
	a.a.created = sd_now();
	return sd_db_run(s->core->db, agent_txn, &a, err);
}

int
sd_agent_update(struct sd_session *s, const char *code,
    const struct sd_agent_fields *f, struct sd_err *err)
{
	struct agent_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_AGENT_APPROVE, code, err)) != SD_OK)
		return st;
	if (f->parent != NULL)
		return sd_err_set(err, SD_EINVAL, "parent: an agent's place "
		    "in the tree does not change");
	if (f->name == NULL && f->credit_limit == NULL && f->discount == NULL &&
	    f->region == NULL)
		return sd_err_set(err, SD_EINVAL, "agent update: nothing to "
		    "change (name, credit-limit, discount, region)");
	memset(&a, 0, sizeof a);
	a.s = s;
	a.mode = AG_UPDATE;
	a.f = f;
	sd_strlcpy(a.a.code, code, sizeof a.a.code);
	return sd_db_run(s->core->db, agent_txn, &a, err);
}

int
sd_agent_set_status(struct sd_session *s, const char *code, int status,
    struct sd_err *err)
{
	struct agent_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_AGENT_APPROVE, code, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	a.mode = AG_STATUS;
	a.status = status;
	sd_strlcpy(a.a.code, code, sizeof a.a.code);
	return sd_db_run(s->core->db, agent_txn, &a, err);
}

struct tree_arg {
	struct sd_session	*s;
	const char		*root;
	const char		*scope;
	struct sd_agent		*out;
	struct sd_agent_stats	*stats;
	struct sd_refusal	 no;
	struct rowbuf		 rows;	/* the tree, for cb after the commit */
};

/* Run fn on one agent of the caller's branch: authorised, scoped, and a
 * refusal for another branch's agent audited. */
static int
agent_scoped(struct sd_session *s, const char *code, struct tree_arg *a,
    int (*fn)(struct sd_txn *, void *, struct sd_err *), struct sd_err *err)
{
	char scope[SD_CODE_MAX + 1];
	int st;

	if ((st = sd_authorize(s, SD_OP_AGENT_SHOW, code, err)) != SD_OK ||
	    (st = scope_of(s, scope, sizeof scope, err)) != SD_OK)
		return st;
	a->root = code;
	a->scope = scope;
	return sd_op_run(s, SD_OP_AGENT_SHOW, code, SD_RUN_READ |
	    SD_RUN_AUTHORIZED, fn, a, &a->no, err);
}

static int
agent_get_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct tree_arg *a = arg;
	int st;

	if ((st = agent_load(t, a->root, a->out, 0, err)) != SD_OK)
		return st;
	if (!in_subtree(t, a->scope, a->root))
		return sd_refuse(&a->no, "not in your branch");
	return SD_OK;
}

int
sd_agent_get(struct sd_session *s, const char *code, struct sd_agent *out,
    struct sd_err *err)
{
	struct tree_arg a;

	memset(&a, 0, sizeof a);
	a.out = out;
	return agent_scoped(s, code, &a, agent_get_txn, err);
}

/* Keys of index ix on table tab starting with pfx (len bytes); with
 * status >= 0, cards in that status only. */
int
count_prefix(struct sd_txn *t, int tab, int ix, const void *pfx, size_t len,
    int64_t from, int status, long *n, struct sd_err *err)
{
	struct sd_cursor *c;
	uint8_t seek[64];
	size_t sl = len;
	int st;

	*n = 0;
	memcpy(seek, pfx, len);
	if (from != INT64_MIN) {		/* subscriptions: from a time on */
		sd_be64_put(seek + len, (uint64_t)from ^ (1ULL << 63));
		sl += 8;
	}
	if ((st = sd_cursor_open(t, tab, ix, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_GE, seek, sl, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t kl, vl;
		const void *k = sd_cursor_key(c, &kl);

		if (kl < len || memcmp(k, pfx, len) != 0)
			break;
		if (status >= 0) {
			const void *v = sd_cursor_val(c, &vl);
			struct sd_sim cs;

			if (sim_decode(v, vl, &cs) != SD_OK || cs.status != status)
				continue;
		}
		(*n)++;
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

/* Cards held and activations this month of one agent. */
static int
agent_counts(struct sd_txn *t, struct sd_agent *ag, struct sd_err *err)
{
	size_t n = strlen(ag->code) + 1;
	int st;

	if ((st = count_prefix(t, T_SIM, IX_SIM_AGENT, ag->code, n, INT64_MIN,
	    SD_SIM_ALLOCATED, &ag->held, err)) != SD_OK)
		return st;
	return count_prefix(t, T_SUBSCRIPTION, IX_SUB_AGENT, ag->code, n,
	    sd_month_start(sd_now()), -1, &ag->sold_month, err);
}

/* Depth-first through the parent index: children of code are code\0... */
static int
walk(struct sd_txn *t, struct tree_arg *a, const char *code, int depth,
    struct sd_err *err)
{
	struct sd_cursor *c;
	struct sd_buf pfx = SD_BUF_INIT;
	char kids[64][SD_CODE_MAX + 1];
	int n = 0, st;

	if (depth > 32)
		return SD_OK;
	sd_buf_add(&pfx, code, strlen(code) + 1);
	if ((st = sd_cursor_open(t, T_AGENT, IX_AGENT_PARENT, &c, err)) != SD_OK) {
		sd_buf_free(&pfx);
		return st;
	}
	for (st = sd_cursor_seek(c, SD_SEEK_GE, pfx.p, pfx.len, err);
	    st == SD_OK && n < 64; st = sd_cursor_step(c, 1, err)) {
		size_t kl, vl;
		const void *k = sd_cursor_key(c, &kl);
		const void *v = sd_cursor_val(c, &vl);
		struct sd_agent ag;

		if (kl < pfx.len || memcmp(k, pfx.p, pfx.len) != 0)
			break;
		if (agent_decode(v, vl, &ag) == SD_OK)
			sd_strlcpy(kids[n++], ag.code, sizeof kids[0]);
	}
	sd_cursor_close(c);
	sd_buf_free(&pfx);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	for (int i = 0; i < n; i++) {
		struct sd_agent ag;

		if ((st = agent_load(t, kids[i], &ag, 0, err)) != SD_OK ||
		    (st = agent_counts(t, &ag, err)) != SD_OK)
			return st;
		ag.depth = depth;
		rowbuf_add(&a->rows, &ag);
		if ((st = walk(t, a, kids[i], depth + 1, err)) != SD_OK)
			return st;
	}
	return SD_OK;
}

static int
tree_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct tree_arg *a = arg;
	struct sd_agent top;
	int st;

	rowbuf_reset(&a->rows);
	if (a->root[0] == '\0')
		return walk(t, a, "", 0, err);
	if ((st = agent_load(t, a->root, &top, 0, err)) != SD_OK)
		return st;
	if (!in_subtree(t, a->scope, a->root))
		return sd_refuse(&a->no, "not in your branch");
	if ((st = agent_counts(t, &top, err)) != SD_OK)
		return st;
	top.depth = 0;
	rowbuf_add(&a->rows, &top);
	return walk(t, a, a->root, 1, err);
}

int
sd_agent_tree(struct sd_session *s, const char *root, sd_agent_cb cb,
    void *arg, struct sd_err *err)
{
	char scope[SD_CODE_MAX + 1];
	struct tree_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_AGENT_SHOW, root ? root : "", err)) != SD_OK ||
	    (st = scope_of(s, scope, sizeof scope, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	a.scope = scope;
	/* An agent user's tree starts at their own agent. */
	a.root = root != NULL && root[0] ? root : scope;
	rowbuf_init(&a.rows, sizeof(struct sd_agent), NULL);
	st = sd_op_run(s, SD_OP_AGENT_SHOW, a.root, SD_RUN_READ |
	    SD_RUN_AUTHORIZED, tree_txn, &a, &a.no, err);
	for (size_t i = 0; st == SD_OK && i < a.rows.n; i++)
		if (cb(rowbuf_at(&a.rows, i), arg) != 0)
			break;
	rowbuf_free(&a.rows);
	return st;
}

static int
stats_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct tree_arg *a = arg;
	struct sd_agent ag;
	struct sd_cursor *c;
	char acct[40];
	int st;

	memset(a->stats, 0, sizeof *a->stats);
	if ((st = agent_load(t, a->root, &ag, 0, err)) != SD_OK)
		return st;
	if (!in_subtree(t, a->scope, a->root))
		return sd_refuse(&a->no, "not in your branch");
	if ((st = agent_counts(t, &ag, err)) != SD_OK ||
	    (st = count_prefix(t, T_SUBSCRIPTION, IX_SUB_AGENT, ag.code,
	    strlen(ag.code) + 1, INT64_MIN, -1, &a->stats->sold_total,
	    err)) != SD_OK)
		return st;
	a->stats->held = ag.held;
	a->stats->sold_month = ag.sold_month;
	snprintf(acct, sizeof acct, "agent:%s:recv", ag.code);
	if ((st = sd_ledger_balance(t, acct, &a->stats->receivable_fen, err)) !=
	    SD_OK)
		return st;
	/* Orders have no agent index: there are few of them. */
	if ((st = sd_cursor_open(t, T_ORDER, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t vl;
		const void *v = sd_cursor_val(c, &vl);
		struct sd_order o;

		if (order_decode(v, vl, &o) != SD_OK)
			continue;
		if (strcmp(o.agent, ag.code) == 0) {
			a->stats->orders++;
			a->stats->orders_open += o.status == SD_ORDER_SUBMITTED ||
			    o.status == SD_ORDER_APPROVED ||
			    o.status == SD_ORDER_SHIPPED;
		}
		sd_order_free(&o);
	}
	sd_cursor_close(c);
	if (st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

int
sd_agent_stats(struct sd_session *s, const char *code,
    struct sd_agent_stats *out, struct sd_err *err)
{
	struct tree_arg a;

	memset(&a, 0, sizeof a);
	a.stats = out;
	return agent_scoped(s, code, &a, stats_txn, err);
}

struct sub_arg {
	const char	*root, *code;
	int		 yes;
};

static int
sub_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct sub_arg *a = arg;

	(void)err;
	a->yes = in_subtree(t, a->root, a->code);
	return SD_OK;
}

int
sd_agent_in_subtree(struct sd_session *s, const char *root, const char *code)
{
	struct sub_arg a = { root, code, 0 };
	struct sd_err e;

	return sd_db_read(s->core->db, sub_txn, &a, &e) == SD_OK && a.yes;
}
