/*
 * rpc.c -- the operation table simdesk (the TUI) calls through simdeskd.
 *
 * A CALL frame names an operation (enum sd_rpc_op) and carries its
 * arguments as positional fields: SD_W_AINT, SD_W_ASTR, SD_W_ANULL (a
 * NULL string) and SD_W_ARAW (a struct of fixed layout, which is why a
 * TUI must be of the server's build: sd_rpc_build, checked at hello).
 * The server runs the core function as the connection's signed-in user
 * (never as anyone the client names), streams the rows of a list as ROWS
 * frames, the progress of an import as PROGRESS frames, and ends with one
 * RESULT: the status, the one-line error and the results, positionally.
 * Every role check is core's own, as for simdeskctl.
 *
 * Here: the table (sd_rpc_call), the rows, progress and pages the
 * operations send, and signing in; the operations themselves are in
 * rpc_base.c, rpc_crm.c, rpc_stock.c, rpc_billing.c, rpc_tel.c and
 * rpc_ops.c.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/rpc/rpc_int.h"
#include "build/abi.h"

const char *
sd_rpc_build(void)
{
	return SD_VERSION "/" SD_ABI;
}

/* ---------------------------------------------------------------- rows */

#define ROWS_BYTES	(200 * 1024)
#define ROWS_FIELDS	(SD_WIRE_FIELDS - 8)

static int
rows_flush(struct rows *r)
{
	if (r->fields == 0 || r->failed)
		return r->failed ? -1 : 0;
	if (r->c->send(r->c->send_arg, &r->b, 0) != 0)
		r->failed = 1;
	r->fields = 0;
	return r->failed ? -1 : 0;
}

/* One row (and its page key, or NULL); -1 once the client is gone. */
int
rows_add(struct rows *r, const void *p, size_t n, const char *key)
{
	if (r->failed)
		return -1;
	if (r->fields > 0 && (r->b.len + n > ROWS_BYTES ||
	    r->fields + 2 > ROWS_FIELDS))
		if (rows_flush(r) != 0)
			return -1;
	if (r->fields == 0)
		sd_wire_begin(&r->b, SD_MSG_ROWS);
	sd_arg_raw(&r->b, p, n);
	r->fields++;
	if (key != NULL) {
		sd_arg_str(&r->b, key);
		r->fields++;
	}
	r->sent++;
	return 0;
}

void
rows_init(struct rows *r, struct sd_rpc_srv *c)
{
	memset(r, 0, sizeof *r);
	r->c = c;
}

int
rows_end(struct rows *r)
{
	int st = rows_flush(r);

	sd_buf_free(&r->b);
	return st;
}


/* ---------------------------------------------------------------- progress */

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}


void
progress_send(long done, long total, void *arg)
{
	struct progress *p = arg;
	struct sd_buf b = SD_BUF_INIT;
	int64_t now = now_ms();

	/* A few a second is all a screen can show. */
	if (done != total && now - p->last < 200)
		return;
	p->last = now;
	sd_wire_begin(&b, SD_MSG_PROGRESS);
	sd_arg_int(&b, done);
	sd_arg_int(&b, total);
	(void)p->c->send(p->c->send_arg, &b, 1);
	sd_buf_free(&b);
}

/* ---------------------------------------------------------------- calls */

/* A page: at most this many rows a call. */
#define PAGE_MAX	200

int
bad_args(struct call *k)
{
	return sd_err_set(k->err, SD_EINVAL, "simdeskd: malformed call");
}

/* The page functions share a shape: rows, their anchors, a count. */
int
page_max(struct call *k)
{
	int max = (int)sd_args_int(&k->a);

	return max < 1 ? 1 : max > PAGE_MAX ? PAGE_MAX : max;
}

int
page_send(struct call *k, const void *rows, size_t size,
    char (*keys)[SD_PAGEKEY_MAX], int n)
{
	struct rows r;

	rows_init(&r, k->c);
	for (int i = 0; i < n; i++)
		if (rows_add(&r, (const char *)rows + (size_t)i * size, size,
		    keys != NULL ? keys[i] : NULL) != 0)
			break;
	rows_end(&r);
	RES_INT(k, n);
	return SD_OK;
}

/* ---------------------------------------------------------------- stubs */

/*
 * Operations that read their arguments in order and hand them to one core
 * function: the table names the function (sd_order_approve: an id;
 * sd_ticket_update: an id and a string...).
 */
int
op_id(struct call *k, int (*fn)(struct sd_session *, uint64_t,
    struct sd_err *))
{
	uint64_t id = (uint64_t)sd_args_int(&k->a);

	if (ARGS_OK(k))
		return k->err->status;
	return fn(k->s, id, k->err);
}

int
op_id_str(struct call *k, int (*fn)(struct sd_session *, uint64_t,
    const char *, struct sd_err *))
{
	uint64_t id = (uint64_t)sd_args_int(&k->a);
	const char *s = sd_args_str(&k->a);

	if (ARGS_OK(k))
		return k->err->status;
	return fn(k->s, id, s, k->err);
}

int
op_str(struct call *k, int (*fn)(struct sd_session *, const char *,
    struct sd_err *))
{
	const char *s = sd_args_str(&k->a);

	if (ARGS_OK(k))
		return k->err->status;
	return fn(k->s, s, k->err);
}

int
op_str_int(struct call *k, int (*fn)(struct sd_session *, const char *,
    int, struct sd_err *))
{
	const char *s = sd_args_str(&k->a);
	int v = (int)sd_args_int(&k->a);

	if (ARGS_OK(k))
		return k->err->status;
	return fn(k->s, s, v, k->err);
}

static int
op_authorize(struct call *k)
{
	int op = (int)sd_args_int(&k->a);
	const char *object = sd_args_opt(&k->a);

	if (ARGS_OK(k))
		return k->err->status;
	return sd_authorize(k->s, op, object, k->err);
}

/* ---------------------------------------------------------------- sign-in */

/* The session as the client sees it: without the server's pointers. */
static void
res_session(struct call *k)
{
	struct sd_session copy = k->c->sess;

	copy.core = NULL;
	RES_RAW(k, copy);
}

static int
op_session_peer(struct call *k)
{
	struct sd_rpc_srv *c = k->c;
	int st;

	c->signed_in = 0;
	if ((st = sd_session_peer_uid(c->core, c->uid, &c->sess, k->err)) !=
	    SD_OK)
		return st;
	/* Every sign-in is audited, a TUI's signing in again too: one
	 * that cannot be is refused. */
	if ((st = sd_audit_log(c->core, c->sess.user.login, "login",
	    c->sess.user.login, SD_OUTCOME_OK, "peer (simdesk)")) != SD_OK)
		return sd_err_set(k->err, SD_EINTERNAL, "sign-in could not be "
		    "audited");
	c->signed_in = 1;
	res_session(k);
	return SD_OK;
}

static int
op_session_login(struct call *k)
{
	struct sd_rpc_srv *c = k->c;
	const char *login = sd_args_str(&k->a);
	const char *pw = sd_args_str(&k->a);
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	c->signed_in = 0;
	if ((st = sd_session_login(c->core, login, pw, &c->sess, k->err)) !=
	    SD_OK)
		return st;
	c->signed_in = 1;
	res_session(k);
	return SD_OK;
}

int
sd_rpc_call(struct sd_rpc_srv *c, const struct sd_wire_msg *m,
    struct sd_buf *res, struct sd_err *err)
{
	struct call k;
	int op = (int)sd_wire_int(m, SD_W_OP, -1), st;

	k.c = c;
	k.s = &c->sess;
	k.res = res;
	k.err = err;
	sd_args_init(&k.a, m);
	sd_err_clear(err);
	if (c->core == NULL)
		return sd_err_set(err, SD_EINTERNAL, "data directory: no "
		    "simdesk database here (create one with 'simdeskctl "
		    "init')");
	/* Before signing in: signing in, and what the login screen says. */
	if (op != SD_RPC_SESSION_PEER && op != SD_RPC_SESSION_LOGIN &&
	    op != SD_RPC_LOGIN_NOTE && !c->signed_in)
		return sd_err_set(err, SD_EPERM, "not signed in");
	switch (op) {
	case SD_RPC_SESSION_PEER:	st = op_session_peer(&k); break;
	case SD_RPC_SESSION_LOGIN:	st = op_session_login(&k); break;
	case SD_RPC_AUTHORIZE:		st = op_authorize(&k); break;
	case SD_RPC_CUSTOMER_GET:	st = op_customer_get(&k); break;
	case SD_RPC_CUSTOMER_FIND:	st = op_customer_find(&k); break;
	case SD_RPC_CUSTOMER_ADD:	st = op_customer_add(&k); break;
	case SD_RPC_CUSTOMER_UPDATE:	st = op_customer_update(&k); break;
	case SD_RPC_CUSTOMER_CLAIM:
		st = op_id(&k, sd_customer_claim);
		break;
	case SD_RPC_CUSTOMER_CHECK_SVC_PASSWORD:
		st = op_id_str(&k, sd_customer_check_svc_password);
		break;
	case SD_RPC_CUSTOMER_PAGE:	st = op_customer_page(&k); break;
	case SD_RPC_CUSTOMER_IMPORT:	st = op_customer_import(&k); break;
	case SD_RPC_NOTE_ADD:		st = op_note_add(&k); break;
	case SD_RPC_NOTE_LIST:		st = op_note_list(&k); break;
	case SD_RPC_REMINDER_DUE:	st = op_reminder_due(&k); break;
	case SD_RPC_REMINDER_SEEN:
		st = op_id(&k, sd_reminder_seen);
		break;
	case SD_RPC_TICKET_LIST:	st = op_ticket_list(&k); break;
	case SD_RPC_TICKET_ADD:		st = op_ticket_add(&k); break;
	case SD_RPC_TICKET_UPDATE:
		st = op_id_str(&k, sd_ticket_update);
		break;
	case SD_RPC_TICKET_CLOSE:	st = op_ticket_close(&k); break;
	case SD_RPC_USER_GET:		st = op_user_get(&k); break;
	case SD_RPC_USER_PAGE:		st = op_user_page(&k); break;
	case SD_RPC_USER_ADD:		st = op_user_add(&k); break;
	case SD_RPC_USER_UPDATE:	st = op_user_update(&k); break;
	case SD_RPC_USER_SET_STATUS:
		st = op_str_int(&k, sd_user_set_status);
		break;
	case SD_RPC_USER_UNLOCK:	st = op_str(&k, sd_user_unlock); break;
	case SD_RPC_USER_PASSWD:	st = op_user_passwd(&k); break;
	case SD_RPC_USER_MAY_PASSWD:	st = op_user_may_passwd(&k); break;
	case SD_RPC_SIM_FIND:		st = op_sim_find(&k); break;
	case SD_RPC_SIM_PAGE:		st = op_sim_page(&k); break;
	case SD_RPC_SIM_ACTIVATE:	st = op_sim_activate(&k); break;
	case SD_RPC_SIM_COUNTS:		st = op_sim_counts(&k); break;
	case SD_RPC_SIM_IMPORT:		st = op_sim_import(&k); break;
	case SD_RPC_SIM_STOCKTAKE:	st = op_sim_stocktake(&k); break;
	case SD_RPC_AGENT_TREE:		st = op_agent_tree(&k); break;
	case SD_RPC_STMT_LIST:		st = op_stmt_list(&k); break;
	case SD_RPC_STMT_APPROVE:	st = op_id(&k, sd_stmt_approve); break;
	case SD_RPC_STMT_PAY:		st = op_stmt_pay(&k); break;
	case SD_RPC_COMM_LIST:		st = op_comm_list(&k); break;
	case SD_RPC_AGENT_AGING:	st = op_agent_aging(&k); break;
	case SD_RPC_REPORT_CALLS:	st = op_report(&k, 1); break;
	case SD_RPC_REPORT_SALES:	st = op_report(&k, 0); break;
	case SD_RPC_SCHEME_SUMMARY:	st = op_scheme_summary(&k); break;
	case SD_RPC_SCHEME_LIST:	st = op_scheme_list(&k); break;
	case SD_RPC_SCHEME_ADD:		st = op_scheme_add(&k); break;
	case SD_RPC_SCHEME_BOUNTY:	st = op_scheme_bounty(&k); break;
	case SD_RPC_SCHEME_TIER:	st = op_scheme_tier(&k); break;
	case SD_RPC_AGENT_STATS:	st = op_agent_stats(&k); break;
	case SD_RPC_AGENT_SET_STATUS:
		st = op_str_int(&k, sd_agent_set_status);
		break;
	case SD_RPC_SUBSCRIPTION_LIST:	st = op_subscription_list(&k); break;
	case SD_RPC_ORDER_ADD:		st = op_order_add(&k); break;
	case SD_RPC_ORDER_LIST:		st = op_order_list(&k); break;
	case SD_RPC_ORDER_APPROVE:
		st = op_id(&k, sd_order_approve);
		break;
	case SD_RPC_ORDER_DELIVER:
		st = op_id(&k, sd_order_deliver);
		break;
	case SD_RPC_ORDER_SHIP:		st = op_order_ship(&k); break;
	case SD_RPC_ORDER_END:		st = op_order_end(&k); break;
	case SD_RPC_TARIFF_LIST:	st = op_tariff_list(&k); break;
	case SD_RPC_TARIFF_RATES:	st = op_tariff_rates(&k); break;
	case SD_RPC_TARIFF_RATE:	st = op_tariff_rate(&k); break;
	case SD_RPC_TARIFF_QUOTE:	st = op_tariff_quote(&k); break;
	case SD_RPC_CDR_PAGE:		st = op_cdr_page(&k); break;
	case SD_RPC_BILL_PAGE:		st = op_bill_page(&k); break;
	case SD_RPC_BILL_GET:		st = op_bill_get(&k); break;
	case SD_RPC_BILL_HISTORY:	st = op_bill_history(&k); break;
	case SD_RPC_BALANCE_GET:	st = op_balance_get(&k); break;
	case SD_RPC_DISK_GET:		st = op_disk_get(&k); break;
	case SD_RPC_LOGIN_NOTE:
		/* The server's configuration says it, for every client. */
		RES_RAW(&k, k.c->core->cfg.login_note);
		st = SD_OK;
		break;
	case SD_RPC_PAY:		st = op_pay(&k); break;
	case SD_RPC_RECEIPT_PRINTED:	st = op_receipt_printed(&k); break;
	case SD_RPC_PRINT_QUEUE:	st = op_print_queue(&k); break;
	case SD_RPC_SHIFT_CLOSE:	st = op_shift_close(&k); break;
	case SD_RPC_SHIFT_REPORT:	st = op_shift_report(&k); break;
	case SD_RPC_VERIFY:		st = op_verify(&k); break;
	case SD_RPC_RECEIPT_LIST:	st = op_receipt_list(&k); break;
	case SD_RPC_RECEIPT_VOID:	st = op_receipt_void(&k); break;
	case SD_RPC_TICKET_ASSIGN:
		st = op_id_str(&k, sd_ticket_assign);
		break;
	case SD_RPC_CUSTOMER_TRANSFER:	st = op_customer_transfer(&k); break;
	case SD_RPC_CDR_IMPORT:		st = op_cdr_import(&k); break;
	case SD_RPC_BILL_RUN:		st = op_bill_run(&k); break;
	case SD_RPC_BILL_ADJUST:	st = op_bill_adjust(&k); break;
	case SD_RPC_PLAN_LIST:		st = op_plan_list(&k); break;
	case SD_RPC_PLAN_ADD:		st = op_plan_add(&k); break;
	case SD_RPC_VAS_LIST:		st = op_vas_list(&k); break;
	case SD_RPC_VAS_ADD:		st = op_vas_add(&k); break;
	case SD_RPC_AGENT_ADD:		st = op_agent_add(&k); break;
	case SD_RPC_AUDIT_PAGE:		st = op_audit_page(&k); break;
	case SD_RPC_AUDIT_GET:		st = op_audit_get(&k); break;
	case SD_RPC_CALL_GET:		st = op_call_get(&k); break;
	case SD_RPC_CALL_LIST:		st = op_call_list(&k); break;
	case SD_RPC_CALL_DIAL:		st = op_call_dial(&k); break;
	case SD_RPC_CALL_ANSWER:
		st = op_id(&k, sd_call_answer);
		break;
	case SD_RPC_CALL_HANGUP:
		st = op_id(&k, sd_call_hangup);
		break;
	case SD_RPC_CALL_DTMF:
		st = op_id_str(&k, sd_call_dtmf);
		break;
	case SD_RPC_CALL_SET_OUTCOME:
		st = op_id_str(&k, sd_call_set_outcome);
		break;
	case SD_RPC_MODEM_LIST:		st = op_modem_list(&k); break;
	case SD_RPC_MODEM_SWITCH:	st = op_modem_switch(&k); break;
	case SD_RPC_PRESENCE_BEAT:	st = op_presence_beat(&k); break;
	case SD_RPC_PRESENCE_LIST:	st = op_presence_list(&k); break;
	case SD_RPC_TEL_EVENTS:		st = op_tel_events(&k); break;
	case SD_RPC_BACKUP_CREATE:	st = op_backup_create(&k); break;
	case SD_RPC_BACKUP_LIST:	st = op_backup_list(&k); break;
	case SD_RPC_BACKUP_VERIFY:	st = op_backup_verify(&k); break;
	case SD_RPC_STATUS_GET:		st = op_status_get(&k); break;
	default:
		st = sd_err_set(err, SD_EINVAL, "simdeskd: no operation %d "
		    "(is this simdesk of another build?)", op);
	}
	if (st != SD_OK && err->status == SD_OK)
		err->status = st;
	return st;
}
