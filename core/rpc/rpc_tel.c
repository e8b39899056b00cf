/*
 * rpc_tel.c -- the operations of core/tel the server dispatches: calls,
 * modems, presence, the operator's inbox.
 */
#include <stdlib.h>
#include <string.h>

#include "core/rpc/rpc_int.h"

/* Each list's rows go to the client. */
ROW_CB(row_call, sd_call)
ROW_CB(row_modem, sd_modem)
ROW_CB(row_presence, sd_presence)

int
op_call_get(struct call *k)
{
	uint64_t id = (uint64_t)sd_args_int(&k->a);
	struct sd_call out;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_call_get(k->s, id, &out, k->err)) == SD_OK)
		RES_RAW(k, out);
	return st;
}

int
op_call_list(struct call *k)
{
	struct sd_call_filter f;
	struct rows r;
	int st;

	f.operator = sd_args_opt(&k->a);
	f.from = sd_args_int(&k->a);
	f.to = sd_args_int(&k->a);
	f.customer = (uint64_t)sd_args_int(&k->a);
	f.missed = (int)sd_args_int(&k->a);
	if (ARGS_OK(k))
		return k->err->status;
	rows_init(&r, k->c);
	st = sd_call_list(k->s, &f, row_call, &r, k->err);
	rows_end(&r);
	return st;
}

int
op_call_dial(struct call *k)
{
	const char *number = sd_args_str(&k->a);
	const char *modem = sd_args_opt(&k->a);
	const char *as = sd_args_opt(&k->a);
	uint64_t id = 0;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_call_dial(k->s, number, modem, as, &id, k->err)) ==
	    SD_OK)
		RES_INT(k, id);
	return st;
}

int
op_modem_list(struct call *k)
{
	struct rows r;
	int st;

	rows_init(&r, k->c);
	st = sd_modem_list(k->s, row_modem, &r, k->err);
	rows_end(&r);
	return st;
}

int
op_modem_switch(struct call *k)
{
	const char *modem = sd_args_opt(&k->a);
	int slot = (int)sd_args_int(&k->a);
	uint64_t job = 0;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_modem_switch(k->s, modem, slot, &job, k->err)) == SD_OK)
		RES_INT(k, job);
	return st;
}

int
op_presence_beat(struct call *k)
{
	int paused = (int)sd_args_int(&k->a);
	const char *reason = sd_args_opt(&k->a);

	if (ARGS_OK(k))
		return k->err->status;
	return sd_presence_beat(k->s, paused, reason, k->err);
}

int
op_presence_list(struct call *k)
{
	struct rows r;
	int st;

	rows_init(&r, k->c);
	st = sd_presence_list(k->s, row_presence, &r, k->err);
	rows_end(&r);
	return st;
}

int
op_tel_events(struct call *k)
{
	int max = page_max(k), n = 0, st;
	struct sd_tel_event *ev;

	if (ARGS_OK(k))
		return k->err->status;
	if (max > 64)
		max = 64;
	ev = xcalloc((size_t)max, sizeof *ev);
	if ((st = sd_tel_events(k->s, ev, max, &n, k->err)) == SD_OK)
		page_send(k, ev, sizeof *ev, NULL, n);
	free(ev);
	return st;
}
