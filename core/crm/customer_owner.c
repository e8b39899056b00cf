/*
 * customer_owner.c -- who owns a customer (客户保护): claims from the shared
 * pool (公海), transfers between owners and the sweep of neglected
 * customers back to the pool, each with its reminders and open tickets.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crm/crm_int.h"

/* ---------------------------------------------------------------- claim */

struct claim_arg {
	struct sd_session	*s;
	uint64_t		 id;
	struct sd_refusal	 no;
};

static int
claim_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct claim_arg *a = arg;
	struct sd_customer c;
	char obj[32];
	int st;

	if ((st = customer_load(t, a->id, &c, 1, err)) != SD_OK)
		return st;
	if (strcmp(c.owner, a->s->user.login) == 0)
		return sd_err_set(err, SD_EREFUSED, "customer %llu is already "
		    "yours", (unsigned long long)c.id);
	if (c.owner[0] != '\0') {
		/* 抢单: an owned customer is not up for grabs. */
		return sd_refuse(&a->no, "customer %llu belongs to %s",
		    (unsigned long long)c.id, c.owner);
	}
	sd_strlcpy(c.owner, a->s->user.login, sizeof c.owner);
	c.last_contact = c.updated = sd_now();
	if ((st = customer_store(t, &c, err)) != SD_OK)
		return st;
	snprintf(obj, sizeof obj, "customer:%llu", (unsigned long long)c.id);
	return sd_audit_write(t, a->s->user.login, "customer.claim", obj,
	    SD_OUTCOME_OK, "owner=", a->s->user.login, err);
}

int
sd_customer_claim(struct sd_session *s, uint64_t id, struct sd_err *err)
{
	struct claim_arg a = { .s = s, .id = id };
	char obj[32];

	snprintf(obj, sizeof obj, "customer:%llu", (unsigned long long)id);
	return sd_op_run(s, SD_OP_CUST_CLAIM, obj, 0, claim_txn, &a, &a.no,
	    err);
}


/* ---------------------------------------------------------------- transfer, sweep */

/* Give one customer to a new owner (or the pool) with its reminders and
 * its open tickets handled by the old owner. */
static int
move_customer(struct sd_txn *t, struct sd_session *s, uint64_t id,
    const char *to, const char *op, struct sd_err *err)
{
	struct sd_customer c;
	struct sd_cursor *cur;
	uint8_t pfx[8];
	char from[SD_LOGIN_MAX + 1], obj[32];
	int st;

	if ((st = customer_load(t, id, &c, 1, err)) != SD_OK)
		return st;
	sd_strlcpy(from, c.owner, sizeof from);
	sd_strlcpy(c.owner, to, sizeof c.owner);
	c.updated = c.last_contact = sd_now();
	if (to[0] == '\0')
		c.next_at = 0;
	if ((st = customer_store(t, &c, err)) != SD_OK)
		return st;
	/* Reminders follow the customer (or lapse in the pool). */
	if ((st = reminders_move(t, id, to[0] ? to : NULL, err)) != SD_OK)
		return st;
	key64(pfx, id);
	/* Open tickets the old owner was handling. */
	if (from[0] != '\0' && to[0] != '\0') {
		struct sd_ticket tk;
		uint64_t tids[64];
		int ntid = 0;

		if ((st = sd_cursor_open(t, T_TICKET, IX_TICKET_CUSTOMER, &cur,
		    err)) != SD_OK)
			return st;
		for (st = sd_cursor_seek(cur, SD_SEEK_GE, pfx, 8, err);
		    st == SD_OK && ntid < 64; st = sd_cursor_step(cur, 1, err)) {
			size_t kl, vl;
			const void *k = sd_cursor_key(cur, &kl);
			const void *v = sd_cursor_val(cur, &vl);

			if (kl < 8 || memcmp(k, pfx, 8) != 0)
				break;
			if (ticket_decode(v, vl, &tk) == SD_OK &&
			    tk.status <= SD_TICKET_INPROGRESS &&
			    strcmp(tk.handler, from) == 0)
				tids[ntid++] = tk.id;
		}
		sd_cursor_close(cur);
		if (st != SD_OK && st != SD_ENOTFOUND)
			return st;
		sd_err_clear(err);
		/* ticket_store tells the old handler and the new one. */
		for (int i = 0; i < ntid; i++) {
			if ((st = ticket_load(t, tids[i], &tk, 1, err)) != SD_OK)
				return st;
			sd_strlcpy(tk.handler, to, sizeof tk.handler);
			tk.updated = sd_now();
			if ((st = ticket_store(t, &tk, err)) != SD_OK)
				return st;
		}
	}
	snprintf(obj, sizeof obj, "customer:%llu", (unsigned long long)id);
	{
		char before[48], after[48];

		snprintf(before, sizeof before, "owner=%s", from);
		snprintf(after, sizeof after, "owner=%s", to);
		return sd_audit_write(t, s->user.login, op, obj, SD_OUTCOME_OK,
		    before, after, err);
	}
}

struct move_arg {
	struct sd_session	*s;
	const uint64_t		*ids;
	int			 n;
	const char		*to;
	const char		*from;	/* each must still be from's */
	const char		*op;
	int			 moved;
};

static int
move_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct move_arg *a = arg;
	int st;

	a->moved = 0;
	for (int i = 0; i < a->n; i++) {
		struct sd_customer c;

		if ((st = customer_load(t, a->ids[i], &c, 1, err)) != SD_OK)
			return st;
		if (a->from != NULL && c.owner[0] == '\0')
			return sd_err_set(err, SD_EREFUSED, "customer %llu is "
			    "in the pool, not %s's", (unsigned long long)c.id,
			    a->from);
		if (a->from != NULL && strcmp(c.owner, a->from) != 0)
			return sd_err_set(err, SD_EREFUSED, "customer %llu "
			    "belongs to %s, not %s", (unsigned long long)c.id,
			    c.owner, a->from);
		if ((st = move_customer(t, a->s, a->ids[i], a->to, a->op,
		    err)) != SD_OK)
			return st;
		a->moved++;
	}
	return SD_OK;
}

/* Up to max ids from an index range [prefix, prefix+limit). */
struct collect_arg {
	int		 index;
	const void	*prefix;
	size_t		 plen;
	uint64_t	 upto;		/* contact index: last_contact < upto */
	uint64_t	*ids;
	int		 max;
	int		 n;
};

static int
collect_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct collect_arg *a = arg;
	struct sd_cursor *c;
	int st;

	a->n = 0;
	if ((st = sd_cursor_open(t, T_CUSTOMER, a->index, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_GE, a->prefix, a->plen, err);
	    st == SD_OK && a->n < a->max; st = sd_cursor_step(c, 1, err)) {
		size_t kl, pl;
		const uint8_t *k = sd_cursor_key(c, &kl);
		const void *pk = sd_cursor_pkey(c, &pl);

		if (a->index == IX_CUST_CONTACT) {
			if (kl != 16 || sd_be64_get(k) >= a->upto)
				break;
		} else if (kl < a->plen || memcmp(k, a->prefix, a->plen) != 0)
			break;
		if (pl == 8)
			a->ids[a->n++] = sd_be64_get(pk);
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

#define MOVE_BATCH 500

int
sd_customer_transfer(struct sd_session *s, const char *from, const char *to,
    const uint64_t *ids, int nids, int *moved, struct sd_err *err)
{
	struct sd_user uf, ut;
	uint64_t batch[MOVE_BATCH];
	int st;

	*moved = 0;
	if ((st = sd_authorize(s, SD_OP_CUST_TRANSFER, from, err)) != SD_OK)
		return st;
	for (int i = 0; i < 2; i++) {
		const char *login = i == 0 ? from : to;

		if ((st = sd_user_get(s, login, i == 0 ? &uf : &ut, err)) ==
		    SD_OK)
			continue;
		if (st == SD_ENOTFOUND)	/* the field, as a form shows it */
			return sd_err_set(err, st, "%s: no user %s",
			    i == 0 ? "from" : "to", login);
		return st == SD_EPERM ? sd_deny(s, SD_OP_CUST_TRANSFER, from, err,
		    "both users must be in your team") : st;
	}
	if (ut.status != SD_USER_ACTIVE || (ut.role != SD_ROLE_OPERATOR &&
	    ut.role != SD_ROLE_SUPERVISOR && ut.role != SD_ROLE_ADMIN))
		return sd_err_set(err, SD_EINVAL, "to: %s is not an active "
		    "operator or supervisor", to);
	if (strcmp(uf.login, ut.login) == 0)
		return sd_err_set(err, SD_EINVAL, "to: same as from");
	if (ids != NULL) {
		struct move_arg a = { s, ids, nids, ut.login, uf.login,
		    "customer.transfer", 0 };

		st = sd_db_run(s->core->db, move_txn, &a, err);
		*moved = st == SD_OK ? a.moved : 0;
		return st;
	}
	/* All of from's, a batch per transaction. */
	for (;;) {
		struct sd_buf pfx = SD_BUF_INIT;
		struct collect_arg c = { IX_CUST_OWNER, NULL, 0, 0, batch,
		    MOVE_BATCH, 0 };
		struct move_arg a = { s, batch, 0, ut.login, uf.login,
		    "customer.transfer", 0 };

		sd_buf_add(&pfx, uf.login, strlen(uf.login) + 1);
		c.prefix = pfx.p;
		c.plen = pfx.len;
		st = sd_db_read(s->core->db, collect_txn, &c, err);
		sd_buf_free(&pfx);
		if (st != SD_OK || c.n == 0)
			return st;
		a.n = c.n;
		if ((st = sd_db_run(s->core->db, move_txn, &a, err)) != SD_OK)
			return st;
		*moved += a.moved;
	}
}

int
sd_customer_sweep(struct sd_session *s, int days, int *moved,
    struct sd_err *err)
{
	uint64_t batch[MOVE_BATCH];
	int64_t cutoff = sd_now() - (int64_t)(days >= 0 ? days :
	    s->core->cfg.pool_days) * 86400;
	int st;

	*moved = 0;
	if ((st = sd_authorize(s, SD_OP_CUST_SWEEP, "", err)) != SD_OK)
		return st;
	for (;;) {
		uint8_t zero[16] = { 0 };
		struct collect_arg c = { IX_CUST_CONTACT, zero, sizeof zero,
		    (uint64_t)cutoff, batch, MOVE_BATCH, 0 };
		struct move_arg a = { s, batch, 0, "", NULL, "customer.pool", 0 };

		if ((st = sd_db_read(s->core->db, collect_txn, &c, err)) != SD_OK ||
		    c.n == 0)
			return st;
		a.n = c.n;
		if ((st = sd_db_run(s->core->db, move_txn, &a, err)) != SD_OK)
			return st;
		*moved += a.moved;
	}
}
