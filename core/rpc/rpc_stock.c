/*
 * rpc_stock.c -- the operations of core/stock the server dispatches: SIM
 * cards (pages, import, activation, counts, stocktake), agents, plans, VAS,
 * subscriptions, orders.
 */
#include <stdlib.h>
#include <string.h>

#include "core/rpc/rpc_int.h"

/* Each list's rows go to the client. */
ROW_CB(row_agent, sd_agent)
ROW_CB(row_sub, sd_subscription)
ROW_CB(row_order, sd_order)
ROW_CB(row_diff, sd_stocktake_diff)
ROW_CB(row_plan, sd_plan)
ROW_CB(row_vas, sd_vas)

int
op_sim_page(struct call *k)
{
	struct sd_sim_filter f;
	const char *anchor;
	int dir, max, n = 0, st;
	struct sd_sim *rows;
	char (*keys)[SD_PAGEKEY_MAX];

	sim_filter(&k->a, &f);
	anchor = sd_args_opt(&k->a);
	dir = (int)sd_args_int(&k->a);
	max = page_max(k);
	if (ARGS_OK(k))
		return k->err->status;
	rows = xcalloc((size_t)max, sizeof *rows);
	keys = xcalloc((size_t)max, sizeof *keys);
	st = sd_sim_page(k->s, &f, anchor, dir, rows, keys, max, &n, k->err);
	if (st == SD_OK)
		page_send(k, rows, sizeof *rows, keys, n);
	free(rows);
	free(keys);
	return st;
}

int
op_sim_import(struct call *k)
{
	const char *file = sd_args_str(&k->a);
	const char *rejects = sd_args_opt(&k->a);
	struct sd_import_result r;
	struct sd_table t;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	memset(&r, 0, sizeof r);
	if ((st = sd_authorize(k->s, SD_OP_SIM_ADD, file, k->err)) != SD_OK)
		return st;
	if ((st = sd_table_read(file, SD_ENC_AUTO, &t, k->err)) != SD_OK)
		return st;
	st = sd_sim_import(k->s, file, &t, rejects, &r, k->err);
	sd_table_free(&t);
	RES_RAW(k, r);
	return st;
}

int
op_sim_find(struct call *k)
{
	const char *key = sd_args_str(&k->a);
	struct sd_sim out;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_sim_find(k->s, key, &out, k->err)) == SD_OK)
		RES_RAW(k, out);
	return st;
}

int
op_sim_activate(struct call *k)
{
	struct sd_activation f;
	uint64_t id = 0;
	int st;

	activation(&k->a, &f);
	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_sim_activate(k->s, &f, &id, k->err)) == SD_OK)
		RES_INT(k, id);
	return st;
}

int
op_sim_counts(struct call *k)
{
	struct sd_sim_filter f;
	long counts[SD_SIM__COUNT];
	int st;

	sim_filter(&k->a, &f);
	if (ARGS_OK(k))
		return k->err->status;
	memset(counts, 0, sizeof counts);
	if ((st = sd_sim_counts(k->s, &f, counts, k->err)) == SD_OK)
		RES_RAW(k, counts);
	return st;
}

int
op_sim_stocktake(struct call *k)
{
	const char *warehouse = sd_args_str(&k->a);
	size_t nid, nline;
	const void *ids = sd_args_rawp(&k->a, &nid);
	const void *lines = sd_args_rawp(&k->a, &nline);
	int n = (int)sd_args_int(&k->a);
	int apply = (int)sd_args_int(&k->a);
	const char *reason = sd_args_opt(&k->a);
	struct sd_stocktake_result res;
	char (*idv)[SD_ICCID_MAX + 1];
	int *linev, st;
	struct rows r;

	if (!k->a.bad && (n < 0 || nid != (size_t)n * (SD_ICCID_MAX + 1) ||
	    nline != (size_t)n * sizeof(int)))
		k->a.bad = 1;
	if (ARGS_OK(k))
		return k->err->status;
	/* Copies: the arena's bytes are not aligned for int. */
	idv = xcalloc((size_t)n + 1, SD_ICCID_MAX + 1);
	linev = xcalloc((size_t)n + 1, sizeof *linev);
	if (n > 0) {
		memcpy(idv, ids, nid);
		memcpy(linev, lines, nline);
	}
	for (int i = 0; i < n; i++)
		idv[i][SD_ICCID_MAX] = '\0';
	memset(&res, 0, sizeof res);
	rows_init(&r, k->c);
	st = sd_sim_stocktake(k->s, warehouse, idv, linev, n, apply, reason,
	    row_diff, &r, &res, k->err);
	rows_end(&r);
	free(idv);
	free(linev);
	if (st == SD_OK)
		RES_RAW(k, res);
	return st;
}

int
op_agent_tree(struct call *k)
{
	const char *root = sd_args_opt(&k->a);
	struct rows r;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	rows_init(&r, k->c);
	st = sd_agent_tree(k->s, root, row_agent, &r, k->err);
	rows_end(&r);
	return st;
}

int
op_agent_stats(struct call *k)
{
	const char *code = sd_args_str(&k->a);
	struct sd_agent_stats out;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	memset(&out, 0, sizeof out);
	if ((st = sd_agent_stats(k->s, code, &out, k->err)) == SD_OK)
		RES_RAW(k, out);
	return st;
}

int
op_agent_add(struct call *k)
{
	const char *code = sd_args_str(&k->a);
	struct sd_agent_fields f;

	agent_fields(&k->a, &f);
	if (ARGS_OK(k))
		return k->err->status;
	return sd_agent_add(k->s, code, &f, k->err);
}

int
op_plan_list(struct call *k)
{
	struct rows r;
	int st;

	rows_init(&r, k->c);
	st = sd_plan_list(k->s, row_plan, &r, k->err);
	rows_end(&r);
	return st;
}

int
op_plan_add(struct call *k)
{
	const char *code = sd_args_str(&k->a);
	struct sd_plan_fields f;

	plan_fields(&k->a, &f);
	if (ARGS_OK(k))
		return k->err->status;
	return sd_plan_add(k->s, code, &f, k->err);
}

int
op_vas_list(struct call *k)
{
	struct rows r;
	int st;

	rows_init(&r, k->c);
	st = sd_vas_list(k->s, row_vas, &r, k->err);
	rows_end(&r);
	return st;
}

int
op_vas_add(struct call *k)
{
	const char *code = sd_args_str(&k->a);
	const char *name = sd_args_opt(&k->a);
	const char *fee = sd_args_opt(&k->a);

	if (ARGS_OK(k))
		return k->err->status;
	return sd_vas_add(k->s, code, name, fee, k->err);
}

int
op_subscription_list(struct call *k)
{
	uint64_t customer = (uint64_t)sd_args_int(&k->a);
	struct rows r;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	rows_init(&r, k->c);
	st = sd_subscription_list(k->s, customer, row_sub, &r, k->err);
	rows_end(&r);
	return st;
}

int
op_order_add(struct call *k)
{
	const char *agent = sd_args_opt(&k->a);
	const char *plan = sd_args_str(&k->a);
	int count = (int)sd_args_int(&k->a);
	int nids = (int)sd_args_int(&k->a);
	const char **ids;
	uint64_t id = 0;
	int st;

	if (nids < 0 || nids > SD_WIRE_FIELDS - 16)
		k->a.bad = 1;
	if (ARGS_OK(k))
		return k->err->status;
	ids = xcalloc((size_t)nids + 1, sizeof *ids);
	for (int i = 0; i < nids; i++)
		ids[i] = sd_args_str(&k->a);
	if (ARGS_OK(k))
		st = k->err->status;
	else if ((st = sd_order_add(k->s, agent, plan, count, ids, nids, &id,
	    k->err)) == SD_OK)
		RES_INT(k, id);
	free(ids);
	return st;
}

int
op_order_list(struct call *k)
{
	int status = (int)sd_args_int(&k->a);
	struct rows r;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	rows_init(&r, k->c);
	st = sd_order_list(k->s, status, row_order, &r, k->err);
	rows_end(&r);
	return st;
}

int
op_order_ship(struct call *k)
{
	uint64_t id = (uint64_t)sd_args_int(&k->a);
	const char *carrier = sd_args_opt(&k->a);
	const char *tracking = sd_args_opt(&k->a);

	if (ARGS_OK(k))
		return k->err->status;
	return sd_order_ship(k->s, id, carrier, tracking, k->err);
}

int
op_order_end(struct call *k)
{
	uint64_t id = (uint64_t)sd_args_int(&k->a);
	int status = (int)sd_args_int(&k->a);
	const char *reason = sd_args_opt(&k->a);

	if (ARGS_OK(k))
		return k->err->status;
	return sd_order_end(k->s, id, status, reason, k->err);
}
