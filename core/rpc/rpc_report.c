/*
 * rpc_report.c -- the reports of core/report the server dispatches for
 * simdesk: the rows streamed as they come (the total row last), then the
 * period and grouping they are of as the result.
 */
#include <string.h>

#include "core/rpc/rpc_int.h"

ROW_CB(row_report, sd_report_row)

int
op_report(struct call *k, int calls)
{
	struct sd_report_query q;
	struct sd_report_head h;
	struct rows r;
	int st;

	memset(&q, 0, sizeof q);
	memset(&h, 0, sizeof h);
	q.period = sd_args_opt(&k->a);
	q.from = sd_args_opt(&k->a);
	q.to = sd_args_opt(&k->a);
	q.by = sd_args_opt(&k->a);
	q.team = sd_args_opt(&k->a);
	q.agent = sd_args_opt(&k->a);
	q.compare = (int)sd_args_int(&k->a);
	if (ARGS_OK(k))
		return k->err->status;
	rows_init(&r, k->c);
	st = (calls ? sd_report_calls : sd_report_sales)(k->s, &q, &h,
	    row_report, &r, k->err);
	rows_end(&r);
	if (st == SD_OK)
		RES_RAW(k, h);
	return st;
}
