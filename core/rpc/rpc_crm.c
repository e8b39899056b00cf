/*
 * rpc_crm.c -- the operations of core/crm the server dispatches:
 * customers, their import, notes, reminders, tickets.
 */
#include <stdlib.h>
#include <string.h>

#include "core/rpc/rpc_int.h"

/* Each list's rows go to the client. */
ROW_CB(row_note, sd_note)
ROW_CB(row_rem, sd_reminder)
ROW_CB(row_ticket, sd_ticket)

int
op_customer_get(struct call *k)
{
	uint64_t id = (uint64_t)sd_args_int(&k->a);
	struct sd_customer out;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_customer_get(k->s, id, &out, k->err)) == SD_OK)
		RES_RAW(k, out);
	return st;
}

int
op_customer_find(struct call *k)
{
	const char *key = sd_args_str(&k->a);
	struct sd_customer out;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_customer_find(k->s, key, &out, k->err)) == SD_OK)
		RES_RAW(k, out);
	return st;
}

int
op_customer_add(struct call *k)
{
	struct sd_cust_fields f;
	uint64_t id = 0;
	int st;

	cust_fields(&k->a, &f);
	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_customer_add(k->s, &f, &id, k->err)) == SD_OK)
		RES_INT(k, id);
	return st;
}

int
op_customer_update(struct call *k)
{
	uint64_t id = (uint64_t)sd_args_int(&k->a);
	struct sd_cust_fields f;

	cust_fields(&k->a, &f);
	if (ARGS_OK(k))
		return k->err->status;
	return sd_customer_update(k->s, id, &f, k->err);
}

/* All of from's customers, or the one whose id follows: to whom; the
 * number moved. */
int
op_customer_transfer(struct call *k)
{
	const char *from = sd_args_str(&k->a);
	const char *to = sd_args_str(&k->a);
	uint64_t id = 0;
	int moved = 0, one = 0, st;

	if (sd_args_more(&k->a)) {
		id = (uint64_t)sd_args_int(&k->a);
		one = 1;
	}
	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_customer_transfer(k->s, from, to, one ? &id : NULL, one,
	    &moved, k->err)) == SD_OK)
		RES_INT(k, moved);
	return st;
}

int
op_customer_page(struct call *k)
{
	int by = (int)sd_args_int(&k->a);
	const char *key = sd_args_opt(&k->a);	/* NULL: every customer */
	const char *anchor = sd_args_opt(&k->a);
	int dir = (int)sd_args_int(&k->a);
	int max = page_max(k), n = 0, st;
	struct sd_customer *rows;
	char (*keys)[SD_PAGEKEY_MAX];

	if (ARGS_OK(k))
		return k->err->status;
	rows = xcalloc((size_t)max, sizeof *rows);
	keys = xcalloc((size_t)max, sizeof *keys);
	st = sd_customer_page(k->s, (enum sd_cust_by)by, key, anchor, dir,
	    rows, keys, max, &n, k->err);
	if (st == SD_OK)
		page_send(k, rows, sizeof *rows, keys, n);
	free(rows);
	free(keys);
	return st;
}

int
op_customer_import(struct call *k)
{
	const char *file = sd_args_str(&k->a);
	struct sd_import_opts o;
	struct sd_import_result r;
	struct progress p = { k->c, 0 };
	struct sd_table t;
	int st;

	memset(&o, 0, sizeof o);
	o.map = sd_args_opt(&k->a);
	o.owner = sd_args_opt(&k->a);
	o.rejects = sd_args_opt(&k->a);
	o.progress = progress_send;
	o.progress_arg = &p;
	if (ARGS_OK(k))
		return k->err->status;
	memset(&r, 0, sizeof r);
	/* Who may import is asked before the file is read at all. */
	if ((st = sd_authorize(k->s, SD_OP_CUST_IMPORT, file, k->err)) !=
	    SD_OK)
		return st;
	/* The client's descriptor, read here (sd_file_open's hook). */
	if ((st = sd_table_read(file, SD_ENC_AUTO, &t, k->err)) != SD_OK)
		return st;
	st = sd_customer_import(k->s, file, &t, &o, &r, k->err);
	sd_table_free(&t);
	RES_RAW(k, r);
	return st;
}

int
op_note_add(struct call *k)
{
	uint64_t customer = (uint64_t)sd_args_int(&k->a);
	const char *text = sd_args_str(&k->a);
	const char *outcome = sd_args_opt(&k->a);
	int64_t next_at = sd_args_int(&k->a);
	uint64_t id = 0;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_note_add(k->s, customer, text, outcome, next_at, &id,
	    k->err)) == SD_OK)
		RES_INT(k, id);
	return st;
}

int
op_note_list(struct call *k)
{
	uint64_t customer = (uint64_t)sd_args_int(&k->a);
	struct rows r;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	rows_init(&r, k->c);
	st = sd_note_list(k->s, customer, row_note, &r, k->err);
	rows_end(&r);
	return st;
}

int
op_reminder_due(struct call *k)
{
	const char *owner = sd_args_opt(&k->a);
	int64_t until = sd_args_int(&k->a);
	int team = (int)sd_args_int(&k->a);
	struct rows r;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	rows_init(&r, k->c);
	st = sd_reminder_due(k->s, owner, until, team, row_rem, &r, k->err);
	rows_end(&r);
	return st;
}

int
op_ticket_list(struct call *k)
{
	struct sd_ticket_filter f;
	struct rows r;
	int st;

	f.handler = sd_args_opt(&k->a);
	f.customer = (uint64_t)sd_args_int(&k->a);
	f.status = (int)sd_args_int(&k->a);
	f.overdue = (int)sd_args_int(&k->a);
	if (ARGS_OK(k))
		return k->err->status;
	rows_init(&r, k->c);
	st = sd_ticket_list(k->s, &f, row_ticket, &r, k->err);
	rows_end(&r);
	return st;
}

int
op_ticket_add(struct call *k)
{
	uint64_t customer = (uint64_t)sd_args_int(&k->a);
	int type = (int)sd_args_int(&k->a);
	const char *text = sd_args_str(&k->a);
	uint64_t id = 0;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_ticket_add(k->s, customer, type, text, &id, k->err)) ==
	    SD_OK)
		RES_INT(k, id);
	return st;
}

int
op_ticket_close(struct call *k)
{
	uint64_t id = (uint64_t)sd_args_int(&k->a);
	const char *resolution = sd_args_opt(&k->a);
	int score = (int)sd_args_int(&k->a);

	if (ARGS_OK(k))
		return k->err->status;
	return sd_ticket_close(k->s, id, resolution, score, k->err);
}
