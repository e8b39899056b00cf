/*
 * rpc_money.c -- the operations of core/money the server dispatches for
 * simdesk: statements (list, approve, pay), commission entries, the
 * agents' aging, and the schemes (list, show, a new version: fields, a
 * bounty, a tier).
 */
#include <stdlib.h>
#include <string.h>

#include "core/rpc/rpc_int.h"

ROW_CB(row_stmt, sd_stmt)
ROW_CB(row_comm, sd_comm)
ROW_CB(row_aging, sd_aging)
ROW_CB(row_scheme, sd_scheme)
ROW_CB(row_scheme_summary, sd_scheme_summary)

int
op_stmt_list(struct call *k)
{
	const char *agent = sd_args_opt(&k->a);
	int month = (int)sd_args_int(&k->a);
	int state = (int)sd_args_int(&k->a);
	struct rows r;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	rows_init(&r, k->c);
	st = sd_stmt_list(k->s, agent, month, state, row_stmt, &r, k->err);
	rows_end(&r);
	return st;
}

int
op_stmt_pay(struct call *k)
{
	uint64_t id = (uint64_t)sd_args_int(&k->a);
	const char *method = sd_args_str(&k->a);
	const char *ref = sd_args_opt(&k->a);

	if (ARGS_OK(k))
		return k->err->status;
	return sd_stmt_pay(k->s, id, method, ref, k->err);
}

int
op_comm_list(struct call *k)
{
	struct sd_comm_filter f;
	struct rows r;
	int st;

	memset(&f, 0, sizeof f);
	f.agent = sd_args_opt(&k->a);
	f.month = (int)sd_args_int(&k->a);
	f.state = (int)sd_args_int(&k->a);
	f.stmt = (uint64_t)sd_args_int(&k->a);
	if (ARGS_OK(k))
		return k->err->status;
	rows_init(&r, k->c);
	st = sd_comm_list(k->s, &f, row_comm, &r, k->err);
	rows_end(&r);
	return st;
}

int
op_agent_aging(struct call *k)
{
	const char *agent = sd_args_opt(&k->a);
	struct rows r;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	rows_init(&r, k->c);
	st = sd_agent_aging(k->s, agent, row_aging, &r, k->err);
	rows_end(&r);
	return st;
}

/* ---------------------------------------------------------------- schemes */

int
op_scheme_summary(struct call *k)
{
	struct rows r;
	int st;

	rows_init(&r, k->c);
	st = sd_scheme_summary(k->s, row_scheme_summary, &r, k->err);
	rows_end(&r);
	return st;
}

/* Every version of a scheme (NULL: the latest of each). */
int
op_scheme_list(struct call *k)
{
	const char *code = sd_args_opt(&k->a);
	struct rows r;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	rows_init(&r, k->c);
	st = sd_scheme_list(k->s, code, row_scheme, &r, k->err);
	rows_end(&r);
	return st;
}

int
op_scheme_add(struct call *k)
{
	const char *code = sd_args_str(&k->a);
	struct sd_scheme_fields f;
	int v = 0, st;

	sd_scheme_fields_init(&f);
	f.name = sd_args_opt(&k->a);
	f.from = sd_args_opt(&k->a);
	f.frozen_days = sd_args_opt(&k->a);
	f.protect_days = sd_args_opt(&k->a);
	f.overrides = sd_args_opt(&k->a);
	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_scheme_add(k->s, code, &f, &v, k->err)) == SD_OK)
		RES_INT(k, v);
	return st;
}

int
op_scheme_bounty(struct call *k)
{
	const char *code = sd_args_str(&k->a);
	const char *plan = sd_args_str(&k->a);
	const char *amount = sd_args_str(&k->a);
	const char *share = sd_args_opt(&k->a);
	const char *months = sd_args_opt(&k->a);
	const char *from = sd_args_opt(&k->a);
	int v = 0, st;

	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_scheme_bounty(k->s, code, plan, amount, share, months,
	    from, &v, k->err)) == SD_OK)
		RES_INT(k, v);
	return st;
}

int
op_scheme_tier(struct call *k)
{
	const char *code = sd_args_str(&k->a);
	const char *nth = sd_args_str(&k->a);
	const char *amount = sd_args_str(&k->a);
	const char *from = sd_args_opt(&k->a);
	int v = 0, st;

	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_scheme_tier(k->s, code, nth, amount, from, &v, k->err)) ==
	    SD_OK)
		RES_INT(k, v);
	return st;
}
