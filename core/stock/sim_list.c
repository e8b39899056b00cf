/*
 * sim_list.c -- SIM cards in bulk: lists through the indexes, pages, counts
 * by status and the all-or-nothing import.
 */
#include <stdio.h>
#include <string.h>

#include "core/stock/stock_int.h"

/* ---------------------------------------------------------------- lists */

/* The narrowest index a filter allows, and its key prefix. */
static int
sim_index(const struct sd_sim_filter *f, struct sd_buf *pfx)
{
	if (f->msisdn_prefix && f->msisdn_prefix[0]) {
		sd_buf_adds(pfx, f->msisdn_prefix);
		return IX_SIM_MSISDN;
	}
	if (f->agent && f->agent[0]) {
		sd_buf_add(pfx, f->agent, strlen(f->agent) + 1);
		return IX_SIM_AGENT;
	}
	if (f->status >= 0) {
		char stx[16];

		snprintf(stx, sizeof stx, "%02d", f->status);
		sd_buf_add(pfx, stx, 3);
		return IX_SIM_STATUS;
	}
	if (f->plan && f->plan[0]) {
		sd_buf_add(pfx, f->plan, strlen(f->plan) + 1);
		return IX_SIM_PLAN;
	}
	return -1;
}

struct list_arg {
	const struct sd_sim_filter	*f;
	const char			*scope;
	struct rowbuf			 rows;	/* for the callback after commit */
};

static int
sim_match(struct sd_txn *t, const struct list_arg *a, const struct sd_sim *c)
{
	const struct sd_sim_filter *f = a->f;

	if (f->status >= 0 && c->status != f->status)
		return 0;
	if (f->agent && strcmp(f->agent, c->agent) != 0)
		return 0;
	if (f->plan && strcmp(f->plan, c->plan) != 0)
		return 0;
	if (f->grade && strcmp(f->grade, c->grade) != 0)
		return 0;
	if (f->warehouse && strcmp(f->warehouse, c->warehouse) != 0)
		return 0;
	if (f->msisdn_prefix && strncmp(c->msisdn, f->msisdn_prefix,
	    strlen(f->msisdn_prefix)) != 0)
		return 0;
	if (a->scope[0] != '\0' &&
	    !(c->agent[0] && in_subtree(t, a->scope, c->agent)))
		return 0;
	return 1;
}

static int
list_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct list_arg *a = arg;
	const struct sd_sim_filter *f = a->f;
	struct sd_cursor *c;
	struct sd_buf pfx = SD_BUF_INIT;
	int idx = -1, st;

	rowbuf_reset(&a->rows);
	idx = sim_index(f, &pfx);
	if ((st = sd_cursor_open(t, T_SIM, idx, &c, err)) != SD_OK) {
		sd_buf_free(&pfx);
		return st;
	}
	st = pfx.len ? sd_cursor_seek(c, SD_SEEK_GE, pfx.p, pfx.len, err) :
	    sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err);
	for (; st == SD_OK; st = sd_cursor_step(c, 1, err)) {
		size_t kl, vl;
		const void *k = sd_cursor_key(c, &kl);
		const void *v = sd_cursor_val(c, &vl);
		struct sd_sim s;

		if (pfx.len && (kl < pfx.len || memcmp(k, pfx.p, pfx.len) != 0))
			break;
		if (sim_decode(v, vl, &s) == SD_OK && sim_match(t, a, &s))
			rowbuf_add(&a->rows, &s);
	}
	sd_cursor_close(c);
	sd_buf_free(&pfx);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

int
sd_sim_list(struct sd_session *s, const struct sd_sim_filter *f, sd_sim_cb cb,
    void *arg, struct sd_err *err)
{
	char scope[SD_CODE_MAX + 1];
	struct list_arg a = { f, scope };
	int st;

	if ((st = sd_authorize(s, SD_OP_SIM_SHOW, "", err)) != SD_OK ||
	    (st = scope_of(s, scope, sizeof scope, err)) != SD_OK)
		return st;
	if (scope[0] && f->agent && !sd_agent_in_subtree(s, scope, f->agent))
		return sd_deny(s, SD_OP_SIM_SHOW, f->agent, err, "agent not in your "
		    "branch");
	rowbuf_init(&a.rows, sizeof(struct sd_sim), NULL);
	st = sd_db_read(s->core->db, list_txn, &a, err);
	for (size_t i = 0; st == SD_OK && i < a.rows.n; i++)
		if (cb(rowbuf_at(&a.rows, i), arg) != 0)
			break;
	rowbuf_free(&a.rows);
	return st;
}

/* ---------------------------------------------------------------- pages */

struct simpage_arg {
	struct list_arg		 l;
	struct sd_buf		 prefix, anchor;
	int			 index, dir, max, n;
	struct sd_sim		*rows;
	char			(*keys)[SD_PAGEKEY_MAX];
};

static int
simpage_take(struct sd_txn *t, const void *v, size_t vl, int i, void *ctx)
{
	struct simpage_arg *a = ctx;

	return sim_decode(v, vl, &a->rows[i]) == SD_OK &&
	    sim_match(t, &a->l, &a->rows[i]);
}

static int
simpage_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct simpage_arg *a = arg;
	struct page_walk w = { T_SIM, a->index, &a->prefix, &a->anchor, a->dir,
	    a->max, simpage_take, a, a->keys };
	int st;

	if ((st = page_walk(t, &w, &a->n, err)) == SD_OK && a->dir < 0)
		page_reverse(a->rows, sizeof *a->rows, a->keys, a->n);
	return st;
}

int
sd_sim_page(struct sd_session *s, const struct sd_sim_filter *f,
    const char *anchor, int dir, struct sd_sim *rows,
    char (*page_keys)[SD_PAGEKEY_MAX], int max, int *n, struct sd_err *err)
{
	char scope[SD_CODE_MAX + 1];
	struct simpage_arg a;
	int st;

	*n = 0;
	if ((st = sd_authorize(s, SD_OP_SIM_SHOW, "", err)) != SD_OK ||
	    (st = scope_of(s, scope, sizeof scope, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.l.f = f;
	a.l.scope = scope;
	a.index = sim_index(f, &a.prefix);
	a.dir = dir >= 0 ? 1 : -1;
	a.max = max;
	a.rows = rows;
	a.keys = page_keys;
	if (anchor != NULL && anchor[0] != '\0' &&
	    page_hex_decode(anchor, &a.anchor) != 0)
		st = sd_err_set(err, SD_EINVAL, "page: bad anchor");
	else
		st = sd_db_read(s->core->db, simpage_txn, &a, err);
	*n = a.n;
	sd_buf_free(&a.prefix);
	sd_buf_free(&a.anchor);
	return st;
}

struct counts_arg {
	struct list_arg		 l;
	long			*counts;
};

static int
counts_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct counts_arg *a = arg;
	const struct sd_sim_filter *f = a->l.f;
	int st;

	memset(a->counts, 0, SD_SIM__COUNT * sizeof *a->counts);
	/* Nothing but the state asked: count the status index's keys. */
	if (a->l.scope[0] == '\0' && !f->agent && !f->plan && !f->grade &&
	    !f->warehouse && !f->msisdn_prefix) {
		for (int k = 0; k < SD_SIM__COUNT; k++) {
			char stx[16];

			snprintf(stx, sizeof stx, "%02d", k);
			if ((st = count_prefix(t, T_SIM, IX_SIM_STATUS, stx, 3,
			    INT64_MIN, -1, &a->counts[k], err)) != SD_OK)
				return st;
		}
		return SD_OK;
	}
	{
		struct sd_sim_filter g = *f;
		struct sd_buf pfx = SD_BUF_INIT;
		struct sd_cursor *c;
		struct list_arg l = a->l;
		int idx;

		g.status = -1;
		l.f = &g;
		idx = sim_index(&g, &pfx);
		if ((st = sd_cursor_open(t, T_SIM, idx, &c, err)) != SD_OK) {
			sd_buf_free(&pfx);
			return st;
		}
		st = pfx.len ? sd_cursor_seek(c, SD_SEEK_GE, pfx.p, pfx.len, err) :
		    sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err);
		for (; st == SD_OK; st = sd_cursor_step(c, 1, err)) {
			size_t kl, vl;
			const void *k = sd_cursor_key(c, &kl);
			const void *v = sd_cursor_val(c, &vl);
			struct sd_sim cs;

			if (pfx.len && (kl < pfx.len ||
			    memcmp(k, pfx.p, pfx.len) != 0))
				break;
			if (sim_decode(v, vl, &cs) == SD_OK &&
			    sim_match(t, &l, &cs) && cs.status >= 0 &&
			    cs.status < SD_SIM__COUNT)
				a->counts[cs.status]++;
		}
		sd_cursor_close(c);
		sd_buf_free(&pfx);
		if (st != SD_OK && st != SD_ENOTFOUND)
			return st;
		sd_err_clear(err);
		return SD_OK;
	}
}

int
sd_sim_counts(struct sd_session *s, const struct sd_sim_filter *f,
    long counts[SD_SIM__COUNT], struct sd_err *err)
{
	char scope[SD_CODE_MAX + 1];
	struct counts_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_SIM_SHOW, "", err)) != SD_OK ||
	    (st = scope_of(s, scope, sizeof scope, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.l.f = f;
	a.l.scope = scope;
	a.counts = counts;
	return sd_db_read(s->core->db, counts_txn, &a, err);
}

/* ---------------------------------------------------------------- import */

static const char *const sim_cols[] = { "iccid", "msisdn", "imsi", "plan",
    "price", "batch", "warehouse", "card_type" };

/* The sets of batch_seen: the file's cards so far. */
enum { SEEN_ICCID, SEEN_MSISDN };

static int
simimp_row(struct sd_txn *t, struct table_batch *b, int r, struct sd_err *e)
{
	struct plan_cache *pc = b->ctx;
	struct sd_sim_fields f;
	struct sd_sim c;
	struct sd_buf val = SD_BUF_INIT;
	int appended, st;

	if (r == 1)
		pc->n = 0;	/* a run of the rows: plans read anew */
	sd_sim_fields_init(&f);
	f.iccid = batch_cell(b, r, 0);
	f.msisdn = batch_cell(b, r, 1);
	f.imsi = batch_cell(b, r, 2);
	f.plan = batch_cell(b, r, 3);
	f.price = batch_cell(b, r, 4);
	f.batch = batch_cell(b, r, 5);
	f.warehouse = batch_cell(b, r, 6);
	f.card_type = batch_cell(b, r, 7);
	if ((st = sim_build_pc(t, &b->s->core->cfg, &f, &c, &appended, pc,
	    e)) != SD_OK)
		return st;
	/*
	 * The file's earlier cards are written in bulk later (and not at
	 * all in a dry run): they clash through the sets, in the order and
	 * words sim_clash has for cards in stock.
	 */
	if (batch_seen(b, SEEN_ICCID, c.iccid))
		return sd_err_set(e, SD_EEXIST, "iccid: %s is already in stock "
		    "(%s)", c.iccid, sd_sim_status_name(SD_SIM_IN_STOCK));
	if (batch_probing(b) && (st = sim_clash(t, &c, e)) != SD_OK)
		return st;
	if (batch_seen(b, SEEN_MSISDN, c.msisdn))
		return sd_err_set(e, SD_EEXIST, "msisdn: %s is already on "
		    "another card", c.msisdn);
	sim_encode(&c, &val);
	st = batch_put_new(t, b, T_SIM, c.iccid, strlen(c.iccid), val.p,
	    val.len, e);
	sd_buf_free(&val);
	if (st == SD_OK) {
		batch_see(b, SEEN_ICCID, c.iccid);
		batch_see(b, SEEN_MSISDN, c.msisdn);
	}
	return st;
}

int
sd_sim_import(struct sd_session *s, const char *file, const struct sd_table *t,
    const char *rejects, struct sd_import_result *r, struct sd_err *err)
{
	static const char *const required[] = { "iccid", "msisdn", "plan",
	    NULL };
	struct plan_cache plans = { 0 };
	/* optimistic: sd_put_new checks the keys in bulk */
	struct table_batch b = { .s = s, .t = t, .file = file,
	    .op = "sim.import", .what = "cards", .row = simimp_row,
	    .ctx = &plans, .optimistic = 1 };
	int st;

	memset(r, 0, sizeof *r);
	if ((st = sd_authorize(s, SD_OP_SIM_ADD, file, err)) != SD_OK)
		return st;
	if ((st = batch_columns(&b, sim_cols, 8, required, err)) != SD_OK)
		return st;
	return batch_run(&b, rejects, r, err);
}
