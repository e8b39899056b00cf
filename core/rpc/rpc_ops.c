/*
 * rpc_ops.c -- the operations of core/ops, for a TUI: take a backup (its
 * copying as PROGRESS), list them (ROWS), verify one; the server's
 * health for the admin home.
 */
#include <string.h>

#include "core/rpc/rpc_int.h"

ROW_CB(row_backup, sd_backup_info)

/* (incremental) -> a struct sd_backup_info */
int
op_backup_create(struct call *k)
{
	int incremental = (int)sd_args_int(&k->a);
	struct progress p = { k->c, 0 };
	struct sd_backup_info b;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_backup_create(k->s, incremental, progress_send, &p, &b,
	    k->err)) == SD_OK)
		RES_RAW(k, b);
	return st;
}

/* () -> ROWS of struct sd_backup_info, oldest first */
int
op_backup_list(struct call *k)
{
	struct rows r;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	rows_init(&r, k->c);
	st = sd_backup_list(k->s, row_backup, &r, k->err);
	rows_end(&r);
	return st;
}

/* (name) -> a struct sd_backup_info, a failed verification's too */
int
op_backup_verify(struct call *k)
{
	const char *name = sd_args_str(&k->a);
	struct progress p = { k->c, 0 };
	struct sd_backup_info b;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	st = sd_backup_verify(k->s, name, progress_send, &p, &b, k->err);
	if (st == SD_OK || b.verified < 0)
		RES_RAW(k, b);
	return st;
}

/* () -> a struct sd_server_status */
int
op_status_get(struct call *k)
{
	struct sd_server_status out;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_status_get(k->s, &out, k->err)) == SD_OK)
		RES_RAW(k, out);
	return st;
}
