/*
 * rpc_money.c -- the operations of core/money the server dispatches for
 * simdesk: statements (list, approve, pay), commission entries and the
 * agents' aging.
 */
#include <stdlib.h>
#include <string.h>

#include "core/rpc/rpc_int.h"

ROW_CB(row_stmt, sd_stmt)
ROW_CB(row_comm, sd_comm)
ROW_CB(row_aging, sd_aging)

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
