/*
 * core/rpc/rpc_int.h -- private to core/rpc/: one CALL as the operations
 * see it, the rows and progress they send, and the operations the table
 * in rpc.c dispatches, file by file (rpc_base.c, rpc_crm.c ...).
 */
#ifndef SD_RPC_INT_H
#define SD_RPC_INT_H

#include "core/core.h"

struct call {
	struct sd_rpc_srv	*c;
	struct sd_session	*s;
	struct sd_args		 a;
	struct sd_buf		*res;	/* RESULT's result fields */
	struct sd_err		*err;
};

/* A malformed call: the error says so (rpc.c). */
int	bad_args(struct call *k);
#define ARGS_OK(k)	((k)->a.bad ? bad_args(k) : 0)
/* An id result (uint64_t *id) and the like. */
#define RES_INT(k, v)	sd_arg_int((k)->res, (int64_t)(v))
#define RES_RAW(k, v)	sd_arg_raw((k)->res, &(v), sizeof (v))

/* Rows of a list, to the client in ROWS frames (rpc.c). */
struct rows {
	struct sd_rpc_srv	*c;
	struct sd_buf		 b;
	int			 fields;
	int			 failed;
	long			 sent;
};
void	rows_init(struct rows *r, struct sd_rpc_srv *c);
int	rows_add(struct rows *r, const void *p, size_t n, const char *key);
int	rows_end(struct rows *r);
/* A callback of each list's row type: the row goes to the client. */
#define ROW_CB(name, type)						\
	static int name(const struct type *p, void *arg)		\
	{								\
		return rows_add(arg, p, sizeof *p, NULL) ? 1 : 0;	\
	}

/* The progress of a long call, as PROGRESS frames (rpc.c). */
struct progress {
	struct sd_rpc_srv	*c;
	int64_t			 last;
};
void	progress_send(long done, long total, void *arg);

/* Pages: the rows asked for (at most PAGE_MAX), and the rows sent with
 * their anchors, then their count (rpc.c). */
int	page_max(struct call *k);
int	page_send(struct call *k, const void *rows, size_t size,
	    char (*keys)[SD_PAGEKEY_MAX], int n);

/* The input structs with pointers, read field by field (rpc_args.c). */
void	user_fields(struct sd_args *a, struct sd_user_fields *f);
void	cust_fields(struct sd_args *a, struct sd_cust_fields *f);
void	sim_filter(struct sd_args *a, struct sd_sim_filter *f);
void	activation(struct sd_args *a, struct sd_activation *f);
void	rate_fields(struct sd_args *a, struct sd_rate_fields *f);
void	plan_fields(struct sd_args *a, struct sd_plan_fields *f);
void	agent_fields(struct sd_args *a, struct sd_agent_fields *f);

/* One-call stubs (rpc.c): the arguments in order, then fn(session, ...):
 * an id; an id and a string; a string; a string and an int. */
int	op_id(struct call *k, int (*fn)(struct sd_session *, uint64_t,
	    struct sd_err *));
int	op_id_str(struct call *k, int (*fn)(struct sd_session *, uint64_t,
	    const char *, struct sd_err *));
int	op_str(struct call *k, int (*fn)(struct sd_session *, const char *,
	    struct sd_err *));
int	op_str_int(struct call *k,
	    int (*fn)(struct sd_session *, const char *, int, struct sd_err *));

/* The operations (the table: sd_rpc_call in rpc.c). */
/* rpc_base.c */
int	op_user_page(struct call *k);
int	op_user_get(struct call *k);
int	op_user_add(struct call *k);
int	op_user_update(struct call *k);
int	op_user_passwd(struct call *k);
int	op_user_may_passwd(struct call *k);
int	op_disk_get(struct call *k);
int	op_verify(struct call *k);
int	op_audit_page(struct call *k);
int	op_audit_get(struct call *k);
/* rpc_crm.c */
int	op_customer_get(struct call *k);
int	op_customer_find(struct call *k);
int	op_customer_add(struct call *k);
int	op_customer_update(struct call *k);
int	op_customer_transfer(struct call *k);
int	op_customer_page(struct call *k);
int	op_customer_import(struct call *k);
int	op_note_add(struct call *k);
int	op_note_list(struct call *k);
int	op_reminder_due(struct call *k);
int	op_ticket_list(struct call *k);
int	op_ticket_add(struct call *k);
int	op_ticket_close(struct call *k);
/* rpc_stock.c */
int	op_sim_page(struct call *k);
int	op_sim_import(struct call *k);
int	op_sim_find(struct call *k);
int	op_sim_activate(struct call *k);
int	op_sim_counts(struct call *k);
int	op_sim_stocktake(struct call *k);
int	op_agent_tree(struct call *k);
/* rpc_money.c */
int	op_stmt_list(struct call *k);
int	op_stmt_pay(struct call *k);
int	op_comm_list(struct call *k);
int	op_agent_aging(struct call *k);
int	op_scheme_summary(struct call *k);
int	op_scheme_list(struct call *k);
int	op_scheme_add(struct call *k);
int	op_scheme_bounty(struct call *k);
int	op_scheme_tier(struct call *k);
/* rpc_report.c: the calls report (calls non-zero) or the sales one. */
int	op_report(struct call *k, int calls);
int	op_agent_stats(struct call *k);
int	op_agent_add(struct call *k);
int	op_plan_list(struct call *k);
int	op_plan_add(struct call *k);
int	op_vas_list(struct call *k);
int	op_vas_add(struct call *k);
int	op_subscription_list(struct call *k);
int	op_order_add(struct call *k);
int	op_order_list(struct call *k);
int	op_order_ship(struct call *k);
int	op_order_end(struct call *k);
/* rpc_billing.c */
int	op_cdr_page(struct call *k);
int	op_bill_page(struct call *k);
int	op_cdr_import(struct call *k);
int	op_tariff_list(struct call *k);
int	op_tariff_rates(struct call *k);
int	op_tariff_rate(struct call *k);
int	op_tariff_quote(struct call *k);
int	op_bill_get(struct call *k);
int	op_bill_history(struct call *k);
int	op_bill_run(struct call *k);
int	op_bill_adjust(struct call *k);
int	op_balance_get(struct call *k);
int	op_pay(struct call *k);
int	op_receipt_printed(struct call *k);
int	op_print_queue(struct call *k);
int	op_shift_close(struct call *k);
int	op_receipt_list(struct call *k);
int	op_receipt_void(struct call *k);
int	op_shift_report(struct call *k);
/* rpc_tel.c */
int	op_call_get(struct call *k);
int	op_call_list(struct call *k);
int	op_call_dial(struct call *k);
int	op_modem_list(struct call *k);
int	op_modem_switch(struct call *k);
int	op_presence_beat(struct call *k);
int	op_presence_list(struct call *k);
int	op_tel_events(struct call *k);
/* rpc_ops.c */
int	op_backup_create(struct call *k);
int	op_backup_list(struct call *k);
int	op_backup_verify(struct call *k);
int	op_status_get(struct call *k);

#endif
