/*
 * rpc.h -- simdesk's client stubs (tui/rpc.c): each rpc_X has the
 * signature of core's sd_X and runs it in simdeskd.
 */
#ifndef SD_TUI_RPC_H
#define SD_TUI_RPC_H

#include "core/core.h"

/* Connect (starting a server for a data directory of this user's). */
int	rpc_open(const struct sd_config *cfg, const char *conf, struct sd_err *err);
void	rpc_close(void);
/*
 * Called while the server is not answering, with the number of tries so
 * far (0: the first, before any wait); non-zero gives up the call.
 */
typedef int (*rpc_wait_fn)(int tries);
void	rpc_set_wait(rpc_wait_fn fn);
typedef void (*rpc_progress_fn)(long done, long total, void *arg);
/* The server's pid, or 0 while not connected. */
int	rpc_server_pid(void);
/*
 * The inbox is pushed: the connection's descriptor to wait on beside the
 * terminal (-1: none), reading what came on it, and what rang since the
 * last take (SD_INBOX_* bits; everything after a reconnect).
 */
int	rpc_inbox_fd(void);
void	rpc_inbox_read(void);
int	rpc_inbox_take(void);

int	rpc_session_peer(struct sd_session *s, struct sd_err *err);
int	rpc_session_login(const char *login, const char *password,
	    struct sd_session *s, struct sd_err *err);
int	rpc_authorize(struct sd_session *s, int op, const char *object,
	    struct sd_err *err);
int	rpc_customer_get(struct sd_session *s, uint64_t id,
	    struct sd_customer *out, struct sd_err *err);
int	rpc_customer_find(struct sd_session *s, const char *key,
	    struct sd_customer *out, struct sd_err *err);
int	rpc_customer_add(struct sd_session *s, const struct sd_cust_fields *f,
	    uint64_t *id, struct sd_err *err);
int	rpc_customer_update(struct sd_session *s, uint64_t id,
	    const struct sd_cust_fields *f, struct sd_err *err);
int	rpc_customer_claim(struct sd_session *s, uint64_t id,
	    struct sd_err *err);
int	rpc_customer_check_svc_password(struct sd_session *s, uint64_t id,
	    const char *password, struct sd_err *err);
int	rpc_customer_page(struct sd_session *s, enum sd_cust_by by,
	    const char *key, const char *anchor, int dir,
	    struct sd_customer *rows, char (*page_keys)[SD_PAGEKEY_MAX],
	    int max, int *n, struct sd_err *err);
void	rpc_set_progress(rpc_progress_fn fn, void *arg);
int	rpc_customer_import(struct sd_session *s, const char *file,
	    const struct sd_table *t, const struct sd_import_opts *o,
	    struct sd_import_result *r, struct sd_err *err);
/* Call records from file (read by the server through its descriptor),
 * rated; rejects: NULL, or where the bad rows go. */
int	rpc_cdr_import(struct sd_session *s, const char *file, int format,
	    const char *rejects, rpc_progress_fn progress, void *progress_arg,
	    struct sd_import_result *r, struct sd_err *err);
int	rpc_note_add(struct sd_session *s, uint64_t customer, const char *text,
	    const char *outcome, int64_t next_at, uint64_t *id,
	    struct sd_err *err);
int	rpc_note_list(struct sd_session *s, uint64_t customer, sd_note_cb cb,
	    void *arg, struct sd_err *err);
int	rpc_reminder_due(struct sd_session *s, const char *owner,
	    int64_t until, int team, sd_rem_cb cb, void *arg,
	    struct sd_err *err);
int	rpc_reminder_seen(struct sd_session *s, uint64_t id,
	    struct sd_err *err);
int	rpc_ticket_list(struct sd_session *s, const struct sd_ticket_filter *f,
	    sd_ticket_cb cb, void *arg, struct sd_err *err);
int	rpc_ticket_add(struct sd_session *s, uint64_t customer, int type,
	    const char *text, uint64_t *id, struct sd_err *err);
int	rpc_ticket_update(struct sd_session *s, uint64_t id, const char *text,
	    struct sd_err *err);
/* All of from's customers, their reminders and open tickets, to to. */
int	rpc_customer_transfer(struct sd_session *s, const char *from,
	    const char *to, int *moved, struct sd_err *err);
/* One customer of from's, with its reminders and open tickets, to to. */
int	rpc_customer_move(struct sd_session *s, const char *from,
	    const char *to, uint64_t id, struct sd_err *err);
int	rpc_ticket_assign(struct sd_session *s, uint64_t id,
	    const char *handler, struct sd_err *err);
int	rpc_ticket_close(struct sd_session *s, uint64_t id,
	    const char *resolution, int score, struct sd_err *err);
int	rpc_user_get(struct sd_session *s, const char *login,
	    struct sd_user *out, struct sd_err *err);
int	rpc_user_page(struct sd_session *s, const struct sd_user_filter *f,
	    const char *anchor, int dir, struct sd_user *rows, int max, int *n,
	    struct sd_err *err);
int	rpc_user_add(struct sd_session *s, const char *login,
	    const struct sd_user_fields *f, const char *password, uint64_t *id,
	    struct sd_err *err);
int	rpc_user_update(struct sd_session *s, const char *login,
	    const struct sd_user_fields *f, struct sd_err *err);
int	rpc_user_set_status(struct sd_session *s, const char *login,
	    int status, struct sd_err *err);
int	rpc_user_unlock(struct sd_session *s, const char *login,
	    struct sd_err *err);
int	rpc_user_passwd(struct sd_session *s, const char *login,
	    const char *old_password, const char *new_password,
	    struct sd_err *err);
int	rpc_user_may_passwd(struct sd_session *s, const char *login,
	    int *need_old, struct sd_err *err);
int	rpc_sim_find(struct sd_session *s, const char *key, struct sd_sim *out,
	    struct sd_err *err);
int	rpc_sim_page(struct sd_session *s, const struct sd_sim_filter *f,
	    const char *anchor, int dir, struct sd_sim *rows,
	    char (*page_keys)[SD_PAGEKEY_MAX], int max, int *n,
	    struct sd_err *err);
int	rpc_sim_activate(struct sd_session *s, const struct sd_activation *a,
	    uint64_t *id, struct sd_err *err);
int	rpc_sim_counts(struct sd_session *s, const struct sd_sim_filter *f,
	    long counts[SD_SIM__COUNT], struct sd_err *err);
int	rpc_sim_import(struct sd_session *s, const char *file,
	    const struct sd_table *t, const char *rejects,
	    struct sd_import_result *r, struct sd_err *err);
int	rpc_sim_stocktake(struct sd_session *s, const char *warehouse,
	    char (*iccids)[SD_ICCID_MAX + 1], const int *lines, int n, int apply,
	    const char *reason, sd_stocktake_cb cb, void *arg,
	    struct sd_stocktake_result *r, struct sd_err *err);
int	rpc_agent_tree(struct sd_session *s, const char *root, sd_agent_cb cb,
	    void *arg, struct sd_err *err);
int	rpc_agent_stats(struct sd_session *s, const char *code,
	    struct sd_agent_stats *out, struct sd_err *err);
int	rpc_agent_set_status(struct sd_session *s, const char *code,
	    int status, struct sd_err *err);
int	rpc_agent_add(struct sd_session *s, const char *code,
	    const struct sd_agent_fields *f, struct sd_err *err);
int	rpc_plan_list(struct sd_session *s, sd_plan_cb cb, void *arg,
	    struct sd_err *err);
int	rpc_plan_add(struct sd_session *s, const char *code,
	    const struct sd_plan_fields *f, struct sd_err *err);
int	rpc_vas_list(struct sd_session *s, sd_vas_cb cb, void *arg,
	    struct sd_err *err);
int	rpc_vas_add(struct sd_session *s, const char *code, const char *name,
	    const char *monthly_fee, struct sd_err *err);
int	rpc_subscription_list(struct sd_session *s, uint64_t customer,
	    sd_sub_cb cb, void *arg, struct sd_err *err);
int	rpc_order_add(struct sd_session *s, const char *agent,
	    const char *plan, int count, const char *const *iccids, int nids,
	    uint64_t *id, struct sd_err *err);
int	rpc_order_list(struct sd_session *s, int status, sd_order_cb cb,
	    void *arg, struct sd_err *err);
int	rpc_order_approve(struct sd_session *s, uint64_t id,
	    struct sd_err *err);
int	rpc_order_deliver(struct sd_session *s, uint64_t id,
	    struct sd_err *err);
int	rpc_order_ship(struct sd_session *s, uint64_t id, const char *carrier,
	    const char *tracking, struct sd_err *err);
int	rpc_order_end(struct sd_session *s, uint64_t id, int status,
	    const char *reason, struct sd_err *err);
int	rpc_tariff_list(struct sd_session *s, sd_tariff_cb cb, void *arg,
	    struct sd_err *err);
int	rpc_tariff_rates(struct sd_session *s, const char *code, sd_rate_cb cb,
	    void *arg, struct sd_err *err);
int	rpc_tariff_rate(struct sd_session *s, const char *code,
	    const char *prefix, const struct sd_rate_fields *f,
	    struct sd_err *err);
int	rpc_tariff_quote(struct sd_session *s, const char *code,
	    const char *number, int seconds, int64_t at, int plan_minutes,
	    struct sd_quote *out, struct sd_err *err);
int	rpc_cdr_page(struct sd_session *s, const char *msisdn, int month,
	    const char *anchor, int dir, struct sd_cdr *rows,
	    char (*page_keys)[SD_PAGEKEY_MAX], int max, int *n,
	    struct sd_err *err);
int	rpc_bill_page(struct sd_session *s, int month, const char *customer,
	    const char *anchor, int dir, struct sd_bill *rows,
	    char (*page_keys)[SD_PAGEKEY_MAX], int max, int *n,
	    struct sd_err *err);
int	rpc_bill_get(struct sd_session *s, const char *customer, int month,
	    struct sd_bill *out, struct sd_err *err);
int	rpc_bill_run(struct sd_session *s, int month,
	    rpc_progress_fn progress, void *arg,
	    struct sd_bill_run_result *r, struct sd_err *err);
int	rpc_bill_adjust(struct sd_session *s, const char *customer,
	    int month, const char *amount, const char *reason,
	    struct sd_err *err);
int	rpc_bill_history(struct sd_session *s, const char *customer,
	    sd_bill_cb cb, void *arg, struct sd_err *err);
int	rpc_balance_get(struct sd_session *s, const char *customer,
	    struct sd_balance *out, struct sd_err *err);
/* The server's login_note (before signing in). */
int	rpc_login_note(char *out, size_t size, struct sd_err *err);
int	rpc_status_get(struct sd_session *s, struct sd_server_status *out,
	    struct sd_err *err);
int	rpc_disk_get(struct sd_session *s, struct sd_disk *out,
	    struct sd_err *err);
int	rpc_pay(struct sd_session *s, const char *customer, const char *amount,
	    const char *method, const char *note, struct sd_receipt *out,
	    struct sd_err *err);
int	rpc_receipt_printed(struct sd_session *s, const char *number,
	    struct sd_receipt *out, int *copy, struct sd_err *err);
int	rpc_print_queue(struct sd_session *s, const char *printer,
	    const char *number, int cols, struct sd_receipt *out, int *copy,
	    struct sd_err *err);
int	rpc_shift_report(struct sd_session *s, struct sd_shift *out,
	    struct sd_err *err);
int	rpc_receipt_list(struct sd_session *s, const char *cashier,
	    int64_t from, int64_t to, sd_receipt_cb cb, void *arg,
	    struct sd_err *err);
int	rpc_receipt_void(struct sd_session *s, const char *number,
	    const char *reason, struct sd_err *err);
/* As sd_audit_page and sd_audit_get. */
int	rpc_audit_page(struct sd_session *s, const struct sd_audit_filter *f,
	    const char *anchor, int dir, struct sd_audit *rows,
	    char (*page_keys)[SD_PAGEKEY_MAX], int max, int *n, char *resume,
	    struct sd_err *err);
int	rpc_audit_get(struct sd_session *s, const char *page_key,
	    struct sd_audit *out, struct sd_err *err);
/* As sd_verify: the number of checks that failed, or -1 with err. */
int	rpc_verify(struct sd_session *s, sd_verify_cb cb, void *arg,
	    struct sd_err *err);
int	rpc_shift_close(struct sd_session *s, const char *counted,
	    struct sd_shift *out, struct sd_err *err);
int	rpc_call_get(struct sd_session *s, uint64_t id, struct sd_call *out,
	    struct sd_err *err);
int	rpc_call_list(struct sd_session *s, const struct sd_call_filter *f,
	    sd_call_cb cb, void *arg, struct sd_err *err);
int	rpc_call_dial(struct sd_session *s, const char *number,
	    const char *modem, const char *as, uint64_t *id,
	    struct sd_err *err);
int	rpc_call_answer(struct sd_session *s, uint64_t id, struct sd_err *err);
int	rpc_call_hangup(struct sd_session *s, uint64_t id, struct sd_err *err);
int	rpc_call_dtmf(struct sd_session *s, uint64_t id, const char *digits,
	    struct sd_err *err);
int	rpc_call_set_outcome(struct sd_session *s, uint64_t id,
	    const char *outcome, struct sd_err *err);
int	rpc_modem_list(struct sd_session *s, sd_modem_cb cb, void *arg,
	    struct sd_err *err);
int	rpc_modem_switch(struct sd_session *s, const char *modem, int slot,
	    uint64_t *job, struct sd_err *err);
int	rpc_presence_beat(struct sd_session *s, int paused, const char *reason,
	    struct sd_err *err);
int	rpc_presence_list(struct sd_session *s, sd_presence_cb cb, void *arg,
	    struct sd_err *err);
int	rpc_tel_events(struct sd_session *s, struct sd_tel_event *out, int max,
	    int *n, struct sd_err *err);

/* Agent money (core/money). */
int	rpc_stmt_list(struct sd_session *s, const char *agent, int month,
	    int state, sd_stmt_cb cb, void *arg, struct sd_err *err);
int	rpc_stmt_approve(struct sd_session *s, uint64_t id, struct sd_err *err);
int	rpc_stmt_pay(struct sd_session *s, uint64_t id, const char *method,
	    const char *ref, struct sd_err *err);
int	rpc_comm_list(struct sd_session *s, const struct sd_comm_filter *f,
	    sd_comm_cb cb, void *arg, struct sd_err *err);
int	rpc_agent_aging(struct sd_session *s, const char *agent, sd_aging_cb cb,
	    void *arg, struct sd_err *err);
/* Schemes: each at a glance, a scheme's versions (code NULL: the latest
 * of each), and a new version (its number in *version). */
int	rpc_scheme_summary(struct sd_session *s, sd_scheme_summary_cb cb,
	    void *arg, struct sd_err *err);
int	rpc_scheme_list(struct sd_session *s, const char *code,
	    sd_scheme_cb cb, void *arg, struct sd_err *err);
int	rpc_scheme_add(struct sd_session *s, const char *code,
	    const struct sd_scheme_fields *f, int *version, struct sd_err *err);
int	rpc_scheme_bounty(struct sd_session *s, const char *code,
	    const char *plan, const char *amount, const char *share,
	    const char *months, const char *from, int *version,
	    struct sd_err *err);
int	rpc_scheme_tier(struct sd_session *s, const char *code,
	    const char *from_nth, const char *amount, const char *from,
	    int *version, struct sd_err *err);

/* Reports (core/report): the rows, the total last; head: their period
 * and grouping. */
int	rpc_report_calls(struct sd_session *s, const struct sd_report_query *q,
	    struct sd_report_head *head, sd_report_cb cb, void *arg,
	    struct sd_err *err);
int	rpc_report_sales(struct sd_session *s, const struct sd_report_query *q,
	    struct sd_report_head *head, sd_report_cb cb, void *arg,
	    struct sd_err *err);

#endif
