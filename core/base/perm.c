/*
 * perm.c -- roles and the table of operations: which roles may run each
 * operation.  sd_authorize() is the one check every operation passes;
 * finer rules (own team, own record) call sd_deny() so that every refusal
 * is audited the same way.
 */
#include <stdarg.h>
#include <string.h>

#include "core/base/base_int.h"

#define R(x)	SD_ROLEBIT(SD_ROLE_##x)

static const char *const role_names[SD_ROLE__COUNT] = {
	[SD_ROLE_NONE] = "none",
	[SD_ROLE_ADMIN] = "admin",
	[SD_ROLE_SUPERVISOR] = "supervisor",
	[SD_ROLE_OPERATOR] = "operator",
	[SD_ROLE_CASHIER] = "cashier",
	[SD_ROLE_AGENT] = "agent",
};

static const struct sd_op_def ops[SD_OP__COUNT] = {
	{ SD_OP_USER_ADD, "user.add", R(ADMIN) },
	{ SD_OP_USER_LIST, "user.list", R(ADMIN) | R(SUPERVISOR) },
	/* Everyone may show themselves; others are checked in user.c. */
	{ SD_OP_USER_SHOW, "user.show", SD_ROLES_ALL },
	{ SD_OP_USER_UPDATE, "user.update", R(ADMIN) },
	/* Everyone may change their own password; others' is admin only. */
	{ SD_OP_USER_PASSWD, "user.passwd", SD_ROLES_ALL },
	{ SD_OP_USER_DISABLE, "user.disable", R(ADMIN) },
	{ SD_OP_USER_ENABLE, "user.enable", R(ADMIN) },
	{ SD_OP_USER_BIND, "user.bind", R(ADMIN) },
	{ SD_OP_USER_UNLOCK, "user.unlock", R(ADMIN) | R(SUPERVISOR) },
	{ SD_OP_AUDIT_LIST, "audit.list", R(ADMIN) | R(SUPERVISOR) },
	{ SD_OP_VERIFY, "verify", R(ADMIN) | R(SUPERVISOR) },
	{ SD_OP_LEDGER_POST, "ledger.post", R(ADMIN) },
	{ SD_OP_LEDGER_SHOW, "ledger.show", R(ADMIN) | R(SUPERVISOR) },
	/* Customers: staff who serve them; owner rules in customer.c. */
	{ SD_OP_CUST_ADD, "customer.add",
	    R(ADMIN) | R(SUPERVISOR) | R(OPERATOR) | R(CASHIER) },
	{ SD_OP_CUST_SHOW, "customer.show",
	    R(ADMIN) | R(SUPERVISOR) | R(OPERATOR) | R(CASHIER) },
	{ SD_OP_CUST_UPDATE, "customer.update",
	    R(ADMIN) | R(SUPERVISOR) | R(OPERATOR) },
	{ SD_OP_CUST_CLAIM, "customer.claim",
	    R(ADMIN) | R(SUPERVISOR) | R(OPERATOR) },
	{ SD_OP_CUST_TRANSFER, "customer.transfer", R(ADMIN) | R(SUPERVISOR) },
	{ SD_OP_CUST_SWEEP, "customer.sweep", R(ADMIN) | R(SUPERVISOR) },
	{ SD_OP_CUST_IMPORT, "customer.import", R(ADMIN) | R(SUPERVISOR) },
	{ SD_OP_NOTE_ADD, "note.add", R(ADMIN) | R(SUPERVISOR) | R(OPERATOR) },
	{ SD_OP_NOTE_LIST, "note.list",
	    R(ADMIN) | R(SUPERVISOR) | R(OPERATOR) | R(CASHIER) },
	/* Tickets are accepted at the counter and on the phone alike. */
	{ SD_OP_TICKET_ADD, "ticket.add",
	    R(ADMIN) | R(SUPERVISOR) | R(OPERATOR) | R(CASHIER) },
	{ SD_OP_TICKET_SHOW, "ticket.show",
	    R(ADMIN) | R(SUPERVISOR) | R(OPERATOR) | R(CASHIER) },
	{ SD_OP_TICKET_ASSIGN, "ticket.assign", R(ADMIN) | R(SUPERVISOR) },
	{ SD_OP_TICKET_UPDATE, "ticket.update",
	    R(ADMIN) | R(SUPERVISOR) | R(OPERATOR) | R(CASHIER) },
	{ SD_OP_TICKET_CLOSE, "ticket.close",
	    R(ADMIN) | R(SUPERVISOR) | R(OPERATOR) | R(CASHIER) },
	{ SD_OP_TICKET_REOPEN, "ticket.reopen",
	    R(ADMIN) | R(SUPERVISOR) | R(OPERATOR) | R(CASHIER) },
	/* Plans and stock: admins set them up; agents see their subtree's
	 * cards (checked in stock.c). */
	{ SD_OP_PLAN_EDIT, "plan.edit", R(ADMIN) },
	{ SD_OP_PLAN_SHOW, "plan.show", SD_ROLES_ALL },
	{ SD_OP_AGENT_EDIT, "agent.edit", R(ADMIN) | R(SUPERVISOR) },
	{ SD_OP_AGENT_APPROVE, "agent.approve", R(ADMIN) | R(SUPERVISOR) },
	{ SD_OP_AGENT_SHOW, "agent.show", R(ADMIN) | R(SUPERVISOR) | R(AGENT) },
	{ SD_OP_SIM_ADD, "sim.add", R(ADMIN) | R(SUPERVISOR) },
	{ SD_OP_SIM_SHOW, "sim.show",
	    R(ADMIN) | R(SUPERVISOR) | R(OPERATOR) | R(CASHIER) | R(AGENT) },
	{ SD_OP_SIM_MOVE, "sim.move", R(ADMIN) | R(SUPERVISOR) | R(CASHIER) },
	{ SD_OP_SIM_ALLOCATE, "sim.allocate", R(ADMIN) | R(SUPERVISOR) },
	/* Agents pass cards down their own branch (checked in stock.c). */
	{ SD_OP_SIM_TRANSFER, "sim.transfer", R(ADMIN) | R(SUPERVISOR) | R(AGENT) },
	/* Sold at the counter, on the phone, or by an agent. */
	{ SD_OP_SIM_ACTIVATE, "sim.activate",
	    R(ADMIN) | R(SUPERVISOR) | R(OPERATOR) | R(CASHIER) | R(AGENT) },
	/* Agents order for their own branch; staff approve and ship. */
	{ SD_OP_ORDER_ADD, "order.add", R(ADMIN) | R(SUPERVISOR) | R(AGENT) },
	{ SD_OP_ORDER_APPROVE, "order.approve", R(ADMIN) | R(SUPERVISOR) },
	{ SD_OP_ORDER_SHIP, "order.ship", R(ADMIN) | R(SUPERVISOR) },
	{ SD_OP_ORDER_DELIVER, "order.deliver", R(ADMIN) | R(SUPERVISOR) },
	{ SD_OP_ORDER_SHOW, "order.show", R(ADMIN) | R(SUPERVISOR) | R(AGENT) },
	/* Counting the shelves is counter work; booking the differences is
	 * a supervisor's. */
	{ SD_OP_SIM_STOCKTAKE, "sim.stocktake",
	    R(ADMIN) | R(SUPERVISOR) | R(CASHIER) },
	{ SD_OP_SIM_ADJUST, "sim.adjust", R(ADMIN) | R(SUPERVISOR) },
	/* Tariffs are set up by admins; staff quote a price. */
	{ SD_OP_TARIFF_EDIT, "tariff.edit", R(ADMIN) },
	{ SD_OP_TARIFF_SHOW, "tariff.show",
	    R(ADMIN) | R(SUPERVISOR) | R(OPERATOR) | R(CASHIER) },
	{ SD_OP_CDR_IMPORT, "cdr.import", R(ADMIN) },
	{ SD_OP_CDR_SHOW, "cdr.show",
	    R(ADMIN) | R(SUPERVISOR) | R(OPERATOR) | R(CASHIER) },
	{ SD_OP_BILL_RUN, "bill.run", R(ADMIN) },
	{ SD_OP_BILL_SHOW, "bill.show",
	    R(ADMIN) | R(SUPERVISOR) | R(OPERATOR) | R(CASHIER) },
	{ SD_OP_BILL_ADJUST, "bill.adjust", R(ADMIN) | R(SUPERVISOR) },
	/* The counter takes money; a supervisor undoes it. */
	{ SD_OP_PAY, "pay", R(ADMIN) | R(SUPERVISOR) | R(CASHIER) },
	{ SD_OP_RECEIPT_VOID, "receipt.void", R(ADMIN) | R(SUPERVISOR) },
	/* Telephony: operators dial, text and see their own calls. */
	{ SD_OP_MODEM_SHOW, "modem.show", R(ADMIN) | R(SUPERVISOR) | R(OPERATOR) },
	{ SD_OP_MODEM_SWITCH, "modem.switch", R(ADMIN) | R(SUPERVISOR) },
	{ SD_OP_MODEM_SIMULATE, "modem.simulate", R(ADMIN) },
	{ SD_OP_CALL_DIAL, "call.dial", R(ADMIN) | R(SUPERVISOR) | R(OPERATOR) },
	{ SD_OP_CALL_SHOW, "call.show", R(ADMIN) | R(SUPERVISOR) | R(OPERATOR) },
	{ SD_OP_SMS_SEND, "sms.send", R(ADMIN) | R(SUPERVISOR) | R(OPERATOR) },
	{ SD_OP_SMS_SHOW, "sms.show", R(ADMIN) | R(SUPERVISOR) | R(OPERATOR) },
	{ SD_OP_USSD, "ussd", R(ADMIN) | R(SUPERVISOR) },
	/* Incoming calls are offered to the people at the desks. */
	{ SD_OP_CALL_TAKE, "call.take", R(SUPERVISOR) | R(OPERATOR) },
	{ SD_OP_PRESENCE_SHOW, "presence.show", R(ADMIN) | R(SUPERVISOR) },
	/* Backups copy everything, and verifying one opens all of it. */
	{ SD_OP_BACKUP, "backup", R(ADMIN) },
	/* The server's health: who is connected, the disk, the backups. */
	{ SD_OP_STATUS, "status", R(ADMIN) },
	/* Agent money: admins and supervisors set schemes, run, approve and
	 * pay; an agent reads its own branch's (checked in core/money). */
	{ SD_OP_COMM_SCHEME, "commission.scheme", R(ADMIN) | R(SUPERVISOR) },
	{ SD_OP_COMM_SHOW, "commission.show",
	    R(ADMIN) | R(SUPERVISOR) | R(AGENT) },
	{ SD_OP_COMM_RUN, "commission.run", R(ADMIN) | R(SUPERVISOR) },
	{ SD_OP_STMT_APPROVE, "settlement.approve", R(ADMIN) | R(SUPERVISOR) },
	{ SD_OP_STMT_PAY, "settlement.pay", R(ADMIN) | R(SUPERVISOR) },
	/* An agent's payment is taken like a customer's. */
	{ SD_OP_AGENT_PAY, "agent.pay", R(ADMIN) | R(SUPERVISOR) | R(CASHIER) },
	/* Invoices: the counter prints them, a supervisor voids one. */
	{ SD_OP_INVOICE_SHOW, "invoice.show",
	    R(ADMIN) | R(SUPERVISOR) | R(CASHIER) },
	{ SD_OP_INVOICE_VOID, "invoice.void", R(ADMIN) | R(SUPERVISOR) },
	/* Call history from another system: every operator's calls. */
	{ SD_OP_CALL_IMPORT, "call.import", R(ADMIN) },
	/* A customer's bill invoiced on request, at the counter. */
	{ SD_OP_INVOICE_ISSUE, "invoice.issue",
	    R(ADMIN) | R(SUPERVISOR) | R(CASHIER) },
	/* Reports: each sees its scope's rows (core/report): an operator
	 * their own, a supervisor their team's, an agent its subtree's
	 * sales (agents have no calls); rebuilding the rollups is an
	 * upgrade step. */
	{ SD_OP_REPORT_CALLS, "report.calls",
	    R(ADMIN) | R(SUPERVISOR) | R(OPERATOR) },
	{ SD_OP_REPORT_SALES, "report.sales",
	    R(ADMIN) | R(SUPERVISOR) | R(OPERATOR) | R(AGENT) },
	{ SD_OP_REPORT_REBUILD, "report.rebuild", R(ADMIN) },
};

const char *
sd_role_name(int role)
{
	if (role < 0 || role >= SD_ROLE__COUNT)
		return "none";
	return role_names[role];
}

int
sd_role_parse(const char *name)
{
	for (int r = SD_ROLE_ADMIN; r < SD_ROLE__COUNT; r++)
		if (strcmp(role_names[r], name) == 0)
			return r;
	return SD_ROLE_NONE;
}

const struct sd_op_def *
sd_op_get(int op)
{
	if (op < 0 || op >= SD_OP__COUNT)
		return NULL;
	return &ops[op];
}

int
sd_role_may(int role, int op)
{
	const struct sd_op_def *d = sd_op_get(op);

	if (d == NULL || role <= SD_ROLE_NONE || role >= SD_ROLE__COUNT)
		return 0;
	return (d->roles & SD_ROLEBIT(role)) != 0;
}

int
sd_deny_err(struct sd_session *s, int op, const char *object,
    const struct sd_err *why, struct sd_err *err)
{
	const struct sd_op_def *d = sd_op_get(op);
	const char *name = d != NULL ? d->name : "?";
	int st;

	/* Refused all the same when the refusal cannot be audited; the
	 * reason says so. */
	if ((st = sd_audit_log(s->core, s->user.login, name, object,
	    SD_OUTCOME_DENIED, why->msg)) != SD_OK) {
		struct sd_err both;

		sd_err_nest(&both, SD_EPERM, why, "%s (not audited)",
		    why->msg);
		return sd_err_nest(err, SD_EPERM, &both, SD_DENY_FMT, name,
		    both.msg);
	}
	return sd_err_nest(err, SD_EPERM, why, SD_DENY_FMT, name, why->msg);
}

int
sd_deny(struct sd_session *s, int op, const char *object, struct sd_err *err,
    const char *fmt, ...)
{
	struct sd_err why;
	va_list ap;

	va_start(ap, fmt);
	sd_err_vset(&why, SD_EPERM, fmt, ap);
	va_end(ap);
	return sd_deny_err(s, op, object, &why, err);
}

int
sd_authorize(struct sd_session *s, int op, const char *object,
    struct sd_err *err)
{
	if (s == NULL || s->user.login[0] == '\0')
		return sd_err_set(err, SD_EPERM, "not logged in");
	if (sd_role_may(s->user.role, op))
		return SD_OK;
	return sd_deny(s, op, object != NULL ? object : "", err,
	    SD_DENY_ROLE_FMT, sd_role_name(s->user.role));
}

/* ---------------------------------------------------------------- running an operation */

int
sd_refuse(struct sd_refusal *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sd_err_vset(&r->why, SD_EPERM, fmt, ap);
	va_end(ap);
	r->denied = 1;
	return SD_EPERM;
}

int
sd_refuse_err(struct sd_refusal *r, const struct sd_err *why)
{
	if (why != &r->why)
		r->why = *why;
	r->why.status = SD_EPERM;
	r->denied = 1;
	return SD_EPERM;
}

struct op_ctx {
	sd_txn_fn		 fn;
	void			*arg;
	struct sd_refusal	*r;
};

static int
op_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct op_ctx *c = arg;

	c->r->denied = 0;
	return c->fn(t, c->arg, err);
}

int
sd_op_run(struct sd_session *s, int op, const char *object, int flags,
    sd_txn_fn fn, void *arg, struct sd_refusal *r, struct sd_err *err)
{
	struct op_ctx c = { fn, arg, r };
	int st;

	if (!(flags & SD_RUN_AUTHORIZED) &&
	    (st = sd_authorize(s, op, object, err)) != SD_OK)
		return st;
	r->denied = 0;
	st = flags & SD_RUN_READ ? sd_db_read(s->core->db, op_txn, &c, err) :
	    sd_db_run(s->core->db, op_txn, &c, err);
	if (st == SD_EPERM && r->denied)
		return sd_deny_err(s, op, object != NULL ? object : "", &r->why,
		    err);
	return st;
}
