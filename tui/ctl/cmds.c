/*
 * cmds.c -- the one table of simdeskctl operations (tmux's cmd_entry idea):
 * dispatch, the permission each command needs, --help and the man page's
 * synopses (usage.c) and the labels of the TUI's keys for the same
 * commands all come from its rows; and the parsing of a command line.
 */
#include <stdlib.h>
#include <string.h>

#include "tui/tui.h"

#define USER_FIELD_OPTS \
	{ "name", "NAME", "full name (UTF-8)" }, \
	{ "team", "TEAM", "team, for supervisors' scope" }, \
	{ "phone", "PHONE", "contact phone" }, \
	{ "age", "N", "age in years" }, \
	{ "agent", "CODE", "agent code, for role agent" }

#define CUST_FIELD_OPTS \
	{ "city", "CITY", "city" }, \
	{ "address", "ADDRESS", "address" }, \
	{ "id-no", "ID", "18-digit resident ID (check digit verified)" }, \
	{ "class", "CLASS", "class (see customers.classes in the config)" }, \
	{ "source", "SOURCE", "where the customer came from" }, \
	{ "tags", "TAGS", "tags, comma-separated" }

const struct ctl_cmd ctl_cmds[] = {
	{ .noun = "init", .args = "",
	  .op = CTL_OP_NONE, .exec = cmd_init,
	  .summary = "create the data directory and its first admin",
	  .opts = {
	    { "admin", "LOGIN", "login of the first admin", 1 },
	    { "name", "NAME", "the admin's full name" } } },
	{ .noun = "user", .verb = "add", .args = "LOGIN", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_USER_ADD, .label = N_("Add"), .exec = cmd_user_add,
	  .summary = "add a staff user",
	  .opts = {
	    { "role", "ROLE", "admin, supervisor, operator, cashier or agent", 1 },
	    USER_FIELD_OPTS,
	    { "os-login", "UNIXUSER", "bind a Unix login for peer authentication" } } },
	{ .noun = "user", .verb = "list", .args = "[PREFIX]", .max_args = 1,
	  .op = SD_OP_USER_LIST, .exec = cmd_user_list,
	  .summary = "list users by login",
	  .opts = {
	    { "role", "ROLE", "only this role" },
	    { "team", "TEAM", "only this team" } } },
	{ .noun = "user", .verb = "show", .args = "LOGIN", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_USER_SHOW, .exec = cmd_user_show,
	  .summary = "show one user" },
	{ .noun = "user", .verb = "update", .args = "LOGIN", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_USER_UPDATE, .label = N_("Edit"), .exec = cmd_user_update,
	  .summary = "change a user's fields",
	  .opts = {
	    { "role", "ROLE", "new role" }, USER_FIELD_OPTS } },
	{ .noun = "user", .verb = "passwd", .args = "[LOGIN]", .max_args = 1,
	  .op = SD_OP_USER_PASSWD, .exec = cmd_user_passwd,
	  .summary = "change a password (yours, or as admin anyone's)" },
	{ .noun = "user", .verb = "disable", .args = "LOGIN", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_USER_DISABLE, .exec = cmd_user_disable,
	  .summary = "stop a user from logging in" },
	{ .noun = "user", .verb = "enable", .args = "LOGIN", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_USER_ENABLE, .exec = cmd_user_enable,
	  .summary = "allow a disabled user again" },
	{ .noun = "user", .verb = "unlock", .args = "LOGIN", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_USER_UNLOCK, .label = N_("Unlock"),
	  .exec = cmd_user_unlock,
	  .summary = "clear a lockout after wrong passwords" },
	{ .noun = "user", .verb = "bind", .args = "LOGIN UNIXUSER",
	  .min_args = 2, .max_args = 2,
	  .op = SD_OP_USER_BIND, .exec = cmd_user_bind,
	  .summary = "bind a Unix login for peer authentication (\"\" "
	    "unbinds)" },
	{ .noun = "audit", .verb = "list", .args = "",
	  .op = SD_OP_AUDIT_LIST, .exec = cmd_audit_list,
	  .summary = "list the audit trail, oldest first",
	  .opts = {
	    { "since", "TIME", "from this local time (YYYY-MM-DD[ HH:MM[:SS]], "
	      "12-05, 15:30, today, +2d; a day from its start)" },
	    { "until", "TIME", "up to this local time, included (the same "
	      "forms; a day to its end)" },
	    { "user", "LOGIN", "only this user's actions" },
	    { "object", "PREFIX", "only objects starting with PREFIX" },
	    { "op", "PREFIX", "only operations starting with PREFIX" },
	    { "limit", "N", "only the newest N rows" } } },
	{ .noun = "customer", .verb = "add", .args = "",
	  .op = SD_OP_CUST_ADD, .label = N_("Add"), .exec = cmd_customer_add,
	  .summary = "add a customer (a phone already on file is refused, "
	    "naming its customer)",
	  .opts = {
	    { "name", "NAME", "name", 1 }, { "phone", "PHONES",
	    "phone numbers, comma-separated", 1 }, CUST_FIELD_OPTS,
	    { "owner", "LOGIN", "owner (default: you if an operator, else "
	    "the shared pool)" }, { "dnc", NULL, "do not call" } } },
	{ .noun = "customer", .verb = "update", .args = "CUSTOMER",
	  .min_args = 1, .max_args = 1,
	  .op = SD_OP_CUST_UPDATE, .label = N_("Edit"),
	  .exec = cmd_customer_update,
	  .summary = "change a customer's fields (owner, owner's supervisor "
	    "or admin)",
	  .opts = {
	    { "name", "NAME", "name" }, { "phone", "PHONES",
	    "phone numbers (replace all)" }, CUST_FIELD_OPTS,
	    { "dnc", "yes|no", "do not call" },
	    { "status", "STATUS", "prospect, active, suspended or closed" } } },
	{ .noun = "customer", .verb = "show", .args = "CUSTOMER", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_CUST_SHOW, .exec = cmd_customer_show,
	  .summary = "show a customer by id or any phone number" },
	{ .noun = "customer", .verb = "list", .args = "",
	  .op = SD_OP_CUST_SHOW, .exec = cmd_customer_list,
	  .summary = "list customers (all, by id, unless filtered)",
	  .opts = {
	    { "mine", NULL, "only mine" }, { "owner", "LOGIN", "only LOGIN's" },
	    { "pool", NULL, "only the shared pool" },
	    { "class", "CLASS", "only this class" },
	    { "city", "CITY", "only this city" }, { "tag", "TAG", "only this tag" },
	    { "limit", "N", "at most N rows" } } },
	{ .noun = "customer", .verb = "search", .args = "TEXT", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_CUST_SHOW, .exec = cmd_customer_search,
	  .summary = "customers whose phone (digits) or name (otherwise) "
	    "starts with TEXT",
	  .opts = {
	    { "by", "name|phone", "force the kind of search" },
	    { "limit", "N", "at most N rows (default 100)" } } },
	{ .noun = "customer", .verb = "import", .args = "FILE", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_CUST_IMPORT, .exec = cmd_customer_import,
	  .summary = "import customers from CSV or .xlsx (all or nothing "
	    "unless --skip-bad)",
	  .opts = {
	    { "map", "COL=field,...", "map columns (header or number) to fields" },
	    { "encoding", "auto|utf-8|gb18030", "CSV encoding (default auto)" },
	    { "skip-bad", "REJECTS.csv", "import the good rows; bad ones with "
	    "their reason go here" },
	    { "owner", "LOGIN", "owner of rows without one" } } },
	{ .noun = "customer", .verb = "claim", .args = "CUSTOMER",
	  .min_args = 1, .max_args = 1,
	  .op = SD_OP_CUST_CLAIM, .label = N_("Claim"),
	  .exec = cmd_customer_claim,
	  .summary = "take a customer from the shared pool" },
	{ .noun = "customer", .verb = "transfer", .args = "[CUSTOMER...]",
	  .max_args = CTL_ARGS_MAX,
	  .op = SD_OP_CUST_TRANSFER, .label = N_("Transfer customers"),
	  .exec = cmd_customer_transfer,
	  .summary = "move customers with their reminders and open tickets "
	    "(supervisor)",
	  .opts = {
	    { "from", "LOGIN", "current owner", 1 },
	    { "to", "LOGIN", "new owner", 1 },
	    { "all", NULL, "all of --from's customers" } } },
	{ .noun = "customer", .verb = "sweep", .args = "",
	  .op = SD_OP_CUST_SWEEP, .exec = cmd_customer_sweep,
	  .summary = "return customers without a follow-up for pool_days to "
	    "the shared pool",
	  .opts = {
	    { "days", "N", "instead of pool_days from the config" } } },
	{ .noun = "customer", .verb = "passwd", .args = "CUSTOMER",
	  .min_args = 1, .max_args = 1,
	  .op = SD_OP_CUST_ADD, .exec = cmd_customer_passwd,
	  .summary = "set the customer's service password "
	    "(SIMDESK_NEW_PASSWORD or asked)" },
	{ .noun = "note", .verb = "add", .args = "CUSTOMER TEXT", .min_args = 2,
	  .max_args = 2,
	  .op = SD_OP_NOTE_ADD, .label = N_("Note"), .exec = cmd_note_add,
	  .summary = "record a follow-up; --next plans the next contact "
	    "with a reminder for the owner, --next none drops the planned one "
	    "(audited), without --next it stays",
	  .opts = {
	    { "next", "TIME|none", "next contact, YYYY-MM-DD HH:MM "
	      "(none: drop the planned one)" },
	    { "outcome", "CODE", "outcome code" } } },
	{ .noun = "note", .verb = "list", .args = "CUSTOMER", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_NOTE_LIST, .exec = cmd_note_list,
	  .summary = "a customer's notes, newest first" },
	{ .noun = "reminder", .verb = "list", .args = "",
	  .op = SD_OP_NOTE_LIST, .exec = cmd_reminder_list,
	  .summary = "your reminders due now (or by --until)",
	  .opts = {
	    { "until", "TIME", "due by this time (default now)" },
	    { "team", NULL, "your team's overdue ones (supervisor)" } } },
	{ .noun = "ticket", .verb = "add", .args = "CUSTOMER", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_TICKET_ADD, .label = N_("Ticket"), .exec = cmd_ticket_add,
	  .summary = "accept a service request",
	  .opts = {
	    { "type", "TYPE", "inquiry, complaint, after-sales or change", 1 },
	    { "text", "TEXT", "what the customer asked for", 1 } } },
	{ .noun = "ticket", .verb = "list", .args = "",
	  .op = SD_OP_TICKET_SHOW, .exec = cmd_ticket_list,
	  .summary = "list tickets",
	  .opts = {
	    { "mine", NULL, "only those you handle" },
	    { "handler", "LOGIN", "only LOGIN's" },
	    { "customer", "CUSTOMER", "only this customer's" },
	    { "status", "STATUS", "open, in_progress, resolved, closed or active" },
	    { "overdue", NULL, "only those past their SLA" } } },
	{ .noun = "ticket", .verb = "show", .args = "ID", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_TICKET_SHOW, .exec = cmd_ticket_show,
	  .summary = "show a ticket" },
	{ .noun = "ticket", .verb = "assign", .args = "ID LOGIN", .min_args = 2,
	  .max_args = 2,
	  .op = SD_OP_TICKET_ASSIGN, .label = N_("Assign"),
	  .exec = cmd_ticket_assign,
	  .summary = "give a ticket to a handler (supervisor)" },
	{ .noun = "ticket", .verb = "update", .args = "ID", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_TICKET_UPDATE, .label = N_("Add progress"),
	  .exec = cmd_ticket_update,
	  .summary = "add to a ticket's content",
	  .opts = {
	    { "text", "TEXT", "what was done", 1 } } },
	{ .noun = "ticket", .verb = "close", .args = "ID", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_TICKET_CLOSE, .label = N_("Close"),
	  .exec = cmd_ticket_close,
	  .summary = "resolve and close a ticket",
	  .opts = {
	    { "resolution", "TEXT", "how it was resolved", 1 },
	    { "score", "1-5", "the customer's satisfaction" } } },
	{ .noun = "ticket", .verb = "reopen", .args = "ID", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_TICKET_REOPEN, .exec = cmd_ticket_reopen,
	  .summary = "reopen a resolved or closed ticket",
	  .opts = {
	    { "reason", "TEXT", "why" } } },
	{ .noun = "plan", .verb = "add", .args = "CODE", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_PLAN_EDIT, .label = N_("New plan"), .exec = cmd_plan_add,
	  .summary = "add a plan (套餐)",
	  .opts = {
	    { "name", "NAME", "name", 1 },
	    { "monthly-fee", "YUAN", "monthly fee, e.g. 39", 1 },
	    { "minutes", "N", "included minutes" }, { "sms", "N", "included SMS" },
	    { "tariff", "CODE", "tariff for usage beyond the bundle" },
	    { "vas", "CODES", "value-added services it allows, comma-separated" } } },
	{ .noun = "plan", .verb = "update", .args = "CODE", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_PLAN_EDIT, .exec = cmd_plan_update,
	  .summary = "change a plan",
	  .opts = {
	    { "name", "NAME", "name" }, { "monthly-fee", "YUAN", "monthly fee" },
	    { "minutes", "N", "included minutes" }, { "sms", "N", "included SMS" },
	    { "tariff", "CODE", "tariff" }, { "vas", "CODES", "allowed services" } } },
	{ .noun = "plan", .verb = "list", .args = "",
	  .op = SD_OP_PLAN_SHOW, .exec = cmd_plan_list,
	  .summary = "list plans" },
	{ .noun = "plan", .verb = "show", .args = "CODE", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_PLAN_SHOW, .exec = cmd_plan_show,
	  .summary = "show a plan" },
	{ .noun = "plan", .verb = "retire", .args = "CODE", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_PLAN_EDIT, .exec = cmd_plan_retire,
	  .summary = "stop selling a plan (existing subscriptions keep it)" },
	{ .noun = "vas", .verb = "add", .args = "CODE", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_PLAN_EDIT, .label = N_("New service"),
	  .exec = cmd_vas_add,
	  .summary = "add a value-added service (新业务)",
	  .opts = {
	    { "name", "NAME", "name", 1 },
	    { "monthly-fee", "YUAN", "monthly fee", 1 } } },
	{ .noun = "vas", .verb = "list", .args = "",
	  .op = SD_OP_PLAN_SHOW, .exec = cmd_vas_list,
	  .summary = "list value-added services" },
	{ .noun = "agent", .verb = "add", .args = "CODE", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_AGENT_EDIT, .label = N_("New agent"),
	  .exec = cmd_agent_add,
	  .summary = "add a distributor agent (代理商), applied",
	  .opts = {
	    { "name", "NAME", "name", 1 }, { "parent", "CODE", "parent agent" },
	    { "credit-limit", "YUAN", "credit limit" },
	    { "discount", "PERCENT", "off list price on its orders (e.g. 7.5)" },
	    { "region", "REGION", "region" } } },
	{ .noun = "agent", .verb = "update", .args = "CODE", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_AGENT_APPROVE, .exec = cmd_agent_update,
	  .summary = "change an agent's name, credit limit, discount, "
	    "region or commission scheme",
	  .opts = {
	    { "name", "NAME", "name" }, { "credit-limit", "YUAN", "credit limit" },
	    { "discount", "PERCENT", "off list price on its orders" },
	    { "region", "REGION", "region" },
	    { "scheme", "CODE", "its commission scheme (- : inherit)" } } },
	{ .noun = "agent", .verb = "approve", .args = "CODE", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_AGENT_APPROVE, .label = N_("Approve"),
	  .exec = cmd_agent_approve,
	  .summary = "approve an agent" },
	{ .noun = "agent", .verb = "suspend", .args = "CODE", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_AGENT_APPROVE, .label = N_("Suspend"),
	  .exec = cmd_agent_suspend,
	  .summary = "suspend an agent" },
	{ .noun = "agent", .verb = "show", .args = "CODE", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_AGENT_SHOW, .exec = cmd_agent_show,
	  .summary = "show an agent" },
	{ .noun = "agent", .verb = "list", .args = "",
	  .op = SD_OP_AGENT_SHOW, .exec = cmd_agent_list,
	  .summary = "list agents (an agent user: their branch)" },
	{ .noun = "agent", .verb = "tree", .args = "[CODE]", .max_args = 1,
	  .op = SD_OP_AGENT_SHOW, .exec = cmd_agent_tree,
	  .summary = "the agent tree, indented, with cards held and "
	    "activations this month" },
	{ .noun = "agent", .verb = "pay", .args = "CODE AMOUNT", .min_args = 2,
	  .max_args = 2,
	  .op = SD_OP_AGENT_PAY, .exec = cmd_agent_pay,
	  .summary = "take an agent's payment of its receivable (收款): the "
	    "oldest delivered orders first; prints the receipt number",
	  .opts = {
	    { "method", "METHOD", "bank, cash or transfer", 1 },
	    { "ref", "REF", "the bank reference or voucher" } } },
	{ .noun = "agent", .verb = "receipt", .args = "NUMBER", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_AGENT_PAY, .exec = cmd_agent_receipt,
	  .summary = "an agent's receipt, as printed" },
	{ .noun = "agent", .verb = "aging", .args = "[CODE]", .max_args = 1,
	  .op = SD_OP_AGENT_SHOW, .exec = cmd_agent_aging,
	  .summary = "what agents owe by the age of their delivered orders "
	    "(0-30, 31-60, 61-90, 90+ days)" },
	{ .noun = "invoice", .verb = "list", .args = "",
	  .op = SD_OP_INVOICE_SHOW, .exec = cmd_invoice_list,
	  .summary = "sales invoices (发票): one per delivered order, and of "
	    "customer bills on request" },
	{ .noun = "invoice", .verb = "show", .args = "NUMBER", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_INVOICE_SHOW, .exec = cmd_invoice_show,
	  .summary = "an invoice" },
	{ .noun = "invoice", .verb = "print", .args = "NUMBER", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_INVOICE_SHOW, .exec = cmd_invoice_print,
	  .summary = "print an invoice: queued for simdeskd's receipt printer "
	    "(ESC/POS), ESC/POS to a file, the plain text, or --csv",
	  .opts = {
	    { "csv", NULL, "as CSV" },
	    { "printer", "NAME", "a printer of the config's printers group "
	      "(default: receipts.printer)" },
	    { "file", "FILE", "write the ESC/POS bytes to FILE" },
	    { "paper", "COLUMNS", "32 or 48 (80 mm; default: receipts.paper "
	      "for a printer or a file, else 32)" } } },
	{ .noun = "invoice", .verb = "bill", .args = "CUSTOMER YYYY-MM",
	  .min_args = 2, .max_args = 2,
	  .op = SD_OP_INVOICE_ISSUE, .exec = cmd_invoice_bill,
	  .summary = "invoice a customer's bill on request (numbered in the "
	    "BINV series, one live invoice a bill); prints its number" },
	{ .noun = "invoice", .verb = "void", .args = "NUMBER", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_INVOICE_VOID, .exec = cmd_invoice_void,
	  .summary = "void an invoice: a reversing (红字) invoice is issued; "
	    "prints its number",
	  .opts = {
	    { "reason", "TEXT", "why", 1 } } },
	{ .noun = "invoice", .verb = "fapiao", .args = "NUMBER FAPIAO",
	  .min_args = 2, .max_args = 2,
	  .op = SD_OP_INVOICE_VOID, .exec = cmd_invoice_fapiao,
	  .summary = "record the official fapiao number the tax system issued" },
	{ .noun = "commission", .verb = "scheme add", .args = "CODE",
	  .min_args = 1, .max_args = 1,
	  .op = SD_OP_COMM_SCHEME, .label = N_("Add"), .exec = cmd_scheme_add,
	  .summary = "a commission scheme (佣金方案), or a new version of one",
	  .opts = {
	    { "name", "NAME", "name (required for a new scheme)" },
	    { "from", "YYYY-MM-DD", "effective from (first version: always; "
	      "later: as the latest version)" },
	    { "frozen-days", "N", "days an entry stays pending (冻结期)" },
	    { "protect-days", "N", "days a termination takes the bounty back" },
	    { "override", "PCT,PCT", "override percent per level up (多级分佣)" } } },
	{ .noun = "commission", .verb = "scheme bounty",
	  .args = "CODE PLAN AMOUNT", .min_args = 3, .max_args = 3,
	  .op = SD_OP_COMM_SCHEME, .label = N_("Bounty"),
	  .exec = cmd_scheme_bounty,
	  .summary = "a new version with a plan's activation bounty (yuan) and "
	    "revenue share",
	  .opts = {
	    { "share", "PCT", "percent of what the customer pays (月租分成)" },
	    { "share-months", "N", "for the first N billing months" },
	    { "from", "YYYY-MM-DD", "effective from (default: as the latest "
	      "version)" } } },
	{ .noun = "commission", .verb = "scheme tier",
	  .args = "CODE FROM_NTH AMOUNT", .min_args = 3, .max_args = 3,
	  .op = SD_OP_COMM_SCHEME, .label = N_("Tier"),
	  .exec = cmd_scheme_tier,
	  .summary = "a new version with a volume tier (阶梯): from the Nth "
	    "activation of a month, AMOUNT each",
	  .opts = {
	    { "from", "YYYY-MM-DD", "effective from (default: as the latest "
	      "version)" } } },
	{ .noun = "commission", .verb = "scheme show", .args = "CODE",
	  .min_args = 1, .max_args = 1,
	  .op = SD_OP_COMM_SHOW, .exec = cmd_scheme_show,
	  .summary = "every version of a scheme" },
	{ .noun = "commission", .verb = "scheme list", .args = "",
	  .op = SD_OP_COMM_SHOW, .exec = cmd_scheme_list,
	  .summary = "the schemes, each at its latest version" },
	{ .noun = "commission", .verb = "list", .args = "",
	  .op = SD_OP_COMM_SHOW, .exec = cmd_comm_list,
	  .summary = "commission entries (an agent user: its branch's)",
	  .opts = {
	    { "agent", "CODE", "this agent and its branch" },
	    { "month", "YYYY-MM", "of this month" },
	    { "state", "STATE", "pending, payable, settled or cancelled" } } },
	{ .noun = "commission", .verb = "run", .args = "YYYY-MM",
	  .min_args = 1, .max_args = 1,
	  .op = SD_OP_COMM_RUN, .exec = cmd_comm_run,
	  .summary = "the monthly run: tiers, matured entries payable, draft "
	    "statements (a rerun changes nothing)" },
	{ .noun = "settlement", .verb = "list", .args = "",
	  .op = SD_OP_COMM_SHOW, .exec = cmd_stmt_list,
	  .summary = "agents' statements (结算单)",
	  .opts = {
	    { "agent", "CODE", "this agent and its branch" },
	    { "month", "YYYY-MM", "of this month" },
	    { "state", "STATE", "draft, approved or paid" } } },
	{ .noun = "settlement", .verb = "show", .args = "ID", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_COMM_SHOW, .exec = cmd_stmt_show,
	  .summary = "a statement with its lines" },
	{ .noun = "settlement", .verb = "approve", .args = "ID", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_STMT_APPROVE, .label = N_("Approve"),
	  .exec = cmd_stmt_approve,
	  .summary = "approve a draft statement: its lines are settled" },
	{ .noun = "settlement", .verb = "pay", .args = "ID", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_STMT_PAY, .label = N_("Pay"), .exec = cmd_stmt_pay,
	  .summary = "pay an approved statement",
	  .opts = {
	    { "method", "METHOD", "bank, cash or offset (抵扣货款)", 1 },
	    { "ref", "REF", "the bank reference or voucher" } } },
	{ .noun = "settlement", .verb = "export", .args = "ID", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_COMM_SHOW, .exec = cmd_stmt_export,
	  .summary = "a statement as a CSV or Excel file",
	  .opts = {
	    { "format", "FORMAT", "csv (UTF-8), csv-gbk (GB18030) or xlsx" },
	    { "out", "FILE", "the file to write", 1 } } },
	{ .noun = "sim", .verb = "add", .args = "",
	  .op = SD_OP_SIM_ADD, .exec = cmd_sim_add,
	  .summary = "add a card to stock (a 19-digit ICCID gets its check "
	    "digit)",
	  .opts = {
	    { "iccid", "ICCID", "19 or 20 digits, Luhn-checked", 1 },
	    { "msisdn", "MSISDN", "11-digit mobile number", 1 },
	    { "plan", "CODE", "plan", 1 }, { "imsi", "IMSI", "15 digits" },
	    { "price", "YUAN", "list price (default: the grade's premium)" },
	    { "batch", "BATCH", "batch" }, { "warehouse", "NAME", "warehouse" },
	    { "card-type", "TYPE", "card type" } } },
	{ .noun = "sim", .verb = "import", .args = "FILE", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_SIM_ADD, .label = N_("Import"), .exec = cmd_sim_import,
	  .summary = "import cards from CSV or .xlsx (iccid, msisdn, plan, "
	    "...; all or nothing unless --skip-bad)",
	  .opts = {
	    { "encoding", "auto|utf-8|gb18030", "CSV encoding" },
	    { "skip-bad", "REJECTS.csv", "import the good rows" } } },
	{ .noun = "sim", .verb = "list", .args = "",
	  .op = SD_OP_SIM_SHOW, .exec = cmd_sim_list,
	  .summary = "list cards",
	  .opts = {
	    { "status", "STATUS", "in_stock, reserved, allocated, active, "
	    "suspended, terminated or returned" },
	    { "agent", "CODE", "held by this agent" }, { "plan", "CODE", "plan" },
	    { "grade", "GRADE", "number grade" },
	    { "warehouse", "NAME", "warehouse" },
	    { "msisdn-prefix", "DIGITS", "numbers starting with DIGITS" } } },
	{ .noun = "sim", .verb = "show", .args = "ICCID|MSISDN", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_SIM_SHOW, .exec = cmd_sim_show,
	  .summary = "show a card" },
	{ .noun = "sim", .verb = "grade", .args = "MSISDN", .min_args = 1,
	  .max_args = 1,
	  .op = CTL_OP_NONE, .exec = cmd_sim_grade,
	  .summary = "the number's grade (靓号) and the rule that gave it" },
	{ .noun = "sim", .verb = "allocate", .args = "[ICCID...]",
	  .max_args = CTL_ARGS_MAX,
	  .op = SD_OP_SIM_ALLOCATE, .exec = cmd_sim_allocate,
	  .summary = "allocate cards in stock to an approved agent (all or "
	    "nothing)",
	  .opts = {
	    { "agent", "CODE", "the agent", 1 },
	    { "range", "FIRST-LAST", "every card of this ICCID range" },
	    { "count", "N", "the first N in stock of --plan" },
	    { "plan", "CODE", "with --count" } } },
	{ .noun = "sim", .verb = "transfer", .args = "ICCID...", .min_args = 1,
	  .max_args = CTL_ARGS_MAX,
	  .op = SD_OP_SIM_TRANSFER, .exec = cmd_sim_transfer,
	  .summary = "pass allocated cards to another agent of the branch",
	  .opts = {
	    { "to-agent", "CODE", "the receiving agent", 1 } } },
	{ .noun = "sim", .verb = "activate", .args = "ICCID | --file FILE",
	  .max_args = 1,
	  .op = SD_OP_SIM_ACTIVATE, .label = N_("Sell"),
	  .exec = cmd_sim_activate,
	  .summary = "sell a card to a customer (开卡): subscription, active "
	    "card, price on the account; --file: a batch (columns iccid, "
	    "customer, channel, agent, price, vas, date, operator), all or "
	    "nothing",
	  .opts = {
	    { "customer", "CUSTOMER", "id or phone" },
	    { "file", "FILE", "CSV or .xlsx of activations" },
	    { "skip-bad", "FILE", "with --file: bad rows to FILE, the rest in" },
	    { "encoding", "ENC", "with --file: auto, utf-8 or gb18030" },
	    { "channel", "CHANNEL", "store, agent, online or telesales" },
	    { "agent", "CODE", "selling agent (default: the card's)" },
	    { "price", "YUAN", "price (default: the card's list price)" },
	    { "vas", "CODES", "value-added services, comma-separated" },
	    { "date", "YYYY-MM-DD", "active from" },
	    { "operator", "LOGIN", "who made the sale, for the reports "
	      "(default: you; admins and supervisors may name another)" } } },
	{ .noun = "sim", .verb = "stocktake", .args = "FILE", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_SIM_STOCKTAKE, .label = N_("Compare"),
	  .exec = cmd_sim_stocktake,
	  .summary = "stocktake (盘点): scanned ICCIDs, one per line, against "
	    "a warehouse's books; a report unless --apply",
	  .opts = {
	    { "warehouse", "NAME", "the warehouse counted", 1 },
	    { "apply", NULL, "record the adjustments (supervisor): found cards "
	      "move here, missing ones are written off" },
	    { "reason", "TEXT", "with --apply: why, for the audit" } } },
	{ .noun = "order", .verb = "add", .args = "",
	  .op = SD_OP_ORDER_ADD, .label = N_("New"), .exec = cmd_order_add,
	  .summary = "order cards for an agent: a count of a plan, or named "
	    "cards (an agent user: for itself)",
	  .opts = {
	    { "agent", "CODE", "the ordering agent" },
	    { "plan", "CODE", "plan" }, { "count", "N", "how many" },
	    { "iccids", "FILE", "the cards wanted, one ICCID per line" } } },
	{ .noun = "order", .verb = "return", .args = "ID [ICCID...]",
	  .min_args = 1, .max_args = CTL_ARGS_MAX,
	  .op = SD_OP_ORDER_APPROVE, .exec = cmd_order_return,
	  .summary = "unsold cards of a delivered order come back; their "
	    "value is credited to the agent",
	  .opts = {
	    { "reason", "TEXT", "why", 1 },
	    { "iccids", "FILE", "the cards, one ICCID per line" } } },
	{ .noun = "order", .verb = "approve", .args = "ID", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_ORDER_APPROVE, .label = N_("Approve"),
	  .exec = cmd_order_approve,
	  .summary = "approve: checks stock and credit, reserves the cards" },
	{ .noun = "order", .verb = "ship", .args = "ID", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_ORDER_SHIP, .label = N_("Ship"), .exec = cmd_order_ship,
	  .summary = "record the shipment",
	  .opts = {
	    { "carrier", "NAME", "carrier", 1 },
	    { "tracking", "NO", "tracking number", 1 } } },
	{ .noun = "order", .verb = "deliver", .args = "ID", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_ORDER_DELIVER, .label = N_("Deliver"),
	  .exec = cmd_order_deliver,
	  .summary = "cards to the agent, value to its receivable" },
	{ .noun = "order", .verb = "reject", .args = "ID", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_ORDER_ADD, .exec = cmd_order_reject,
	  .summary = "reject (releases reserved cards)",
	  .opts = {
	    { "reason", "TEXT", "why", 1 } } },
	{ .noun = "order", .verb = "cancel", .args = "ID", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_ORDER_ADD, .exec = cmd_order_cancel,
	  .summary = "cancel (releases reserved cards)",
	  .opts = {
	    { "reason", "TEXT", "why", 1 } } },
	{ .noun = "order", .verb = "list", .args = "",
	  .op = SD_OP_ORDER_SHOW, .exec = cmd_order_list,
	  .summary = "list orders",
	  .opts = {
	    { "status", "STATUS", "submitted, approved, shipped, delivered, "
	    "rejected or cancelled" } } },
	{ .noun = "order", .verb = "show", .args = "ID", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_ORDER_SHOW, .exec = cmd_order_show,
	  .summary = "show an order" },
	{ .noun = "tariff", .verb = "add", .args = "TCODE", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_TARIFF_EDIT, .exec = cmd_tariff_add,
	  .summary = "add a tariff (资费)",
	  .opts = {
	    { "name", "NAME", "name", 1 },
	    { "rounding", "MODE", "up (default), half-up or down, once per call" } } },
	{ .noun = "tariff", .verb = "rate", .args = "TCODE PREFIX",
	  .min_args = 2, .max_args = 2,
	  .op = SD_OP_TARIFF_EDIT, .label = N_("Set a rate"),
	  .exec = cmd_tariff_rate,
	  .summary = "set the rate of a prefix (and band): replaces the one "
	    "there",
	  .opts = {
	    { "per-minute", "YUAN", "price a minute, up to 5 decimals", 1 },
	    { "connect", "YUAN", "connect fee" },
	    { "first-block", "SECONDS", "first block (default 60)" },
	    { "increment", "SECONDS", "then per increment (default 60)" },
	    { "name", "NAME", "destination name" },
	    { "band", "BAND", "\"Mon-Fri 08:00-18:00\", \"22:00-07:00\"" },
	    { "bundle", NULL, "plan minutes apply (domestic)" } } },
	{ .noun = "tariff", .verb = "list", .args = "",
	  .op = SD_OP_TARIFF_SHOW, .exec = cmd_tariff_list,
	  .summary = "list tariffs" },
	{ .noun = "tariff", .verb = "show", .args = "TCODE", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_TARIFF_SHOW, .exec = cmd_tariff_show,
	  .summary = "a tariff's rates" },
	{ .noun = "tariff", .verb = "import", .args = "TCODE FILE",
	  .min_args = 2, .max_args = 2,
	  .op = SD_OP_TARIFF_EDIT, .exec = cmd_tariff_import,
	  .summary = "rates from CSV or .xlsx (prefix, per_minute, connect, "
	    "first_block, increment, name, band, bundle), all or nothing",
	  .opts = {
	    { "skip-bad", "REJECTS.csv", "import the good rows" },
	    { "encoding", "ENC", "auto, utf-8 or gb18030" } } },
	{ .noun = "tariff", .verb = "quote", .args = "TCODE NUMBER SECONDS",
	  .min_args = 3, .max_args = 3,
	  .op = SD_OP_TARIFF_SHOW, .label = N_("Quote"),
	  .exec = cmd_tariff_quote,
	  .summary = "what a call would cost: the rate, billable seconds "
	    "and the cost",
	  .opts = {
	    { "at", "TIME", "answered at (default now)" },
	    { "plan-minutes", "N", "plan minutes left" } } },
	{ .noun = "cdr", .verb = "import", .args = "FILE", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_CDR_IMPORT, .exec = cmd_cdr_import,
	  .summary = "import call records: matched to subscriptions, rated, "
	    "each call once",
	  .opts = {
	    { "format", "FORMAT", "asterisk (Master.csv), freeswitch (cdr_csv) "
	      "or simdesk (a CSV with the header call_id, msisdn, direction "
	      "(out or in), number, start, answer, billsec, duration; times "
	      "YYYY-MM-DD HH:MM:SS local, answer empty when unanswered)", 1 },
	    { "skip-bad", "REJECTS.csv", "import the good rows" },
	    { "encoding", "ENC", "auto, utf-8 or gb18030" } } },
	{ .noun = "cdr", .verb = "list", .args = "",
	  .op = SD_OP_CDR_SHOW, .exec = cmd_cdr_list,
	  .summary = "a number's calls",
	  .opts = {
	    { "msisdn", "NUMBER", "the subscriber's number", 1 },
	    { "month", "YYYY-MM", "one month" } } },
	{ .noun = "cdr", .verb = "show", .args = "ID", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_CDR_SHOW, .exec = cmd_cdr_show,
	  .summary = "one call record" },
	{ .noun = "cdr", .verb = "usage", .args = "",
	  .op = SD_OP_CDR_SHOW, .exec = cmd_cdr_usage,
	  .summary = "a number's usage in a month: calls, plan minutes, "
	    "charged seconds, call fee",
	  .opts = {
	    { "msisdn", "NUMBER", "the subscriber's number", 1 },
	    { "month", "YYYY-MM", "default: this month" } } },
	{ .noun = "bill", .verb = "run", .args = "YYYY-MM", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_BILL_RUN, .label = N_("Run bills"), .exec = cmd_bill_run,
	  .summary = "bill a month: plan, services, calls, one-off charges "
	    "and adjustments, posted; a rerun posts only what changed" },
	{ .noun = "bill", .verb = "show", .args = "CUSTOMER YYYY-MM",
	  .min_args = 2, .max_args = 2,
	  .op = SD_OP_BILL_SHOW, .exec = cmd_bill_show,
	  .summary = "a customer's bill (by id or phone)" },
	{ .noun = "bill", .verb = "list", .args = "",
	  .op = SD_OP_BILL_SHOW, .exec = cmd_bill_list,
	  .summary = "a month's bills, or one customer's",
	  .opts = {
	    { "month", "YYYY-MM", "the month" },
	    { "customer", "CUSTOMER", "one customer's bills, oldest first" },
	    { "unpaid", NULL, "only bills not fully paid" } } },
	{ .noun = "bill", .verb = "adjust", .args = "CUSTOMER YYYY-MM AMOUNT",
	  .min_args = 3, .max_args = 3,
	  .op = SD_OP_BILL_ADJUST, .label = N_("Adjust"),
	  .exec = cmd_bill_adjust,
	  .summary = "adjust a bill (yuan; negative credits): a posting, "
	    "never an edit",
	  .opts = {
	    { "reason", "TEXT", "why", 1 } } },
	{ .noun = "balance", .args = "CUSTOMER", .min_args = 1, .max_args = 1,
	  .op = SD_OP_BILL_SHOW, .exec = cmd_balance,
	  .summary = "a customer's balance, unpaid bills and credit limit" },
	{ .noun = "pay", .args = "CUSTOMER AMOUNT", .min_args = 2,
	  .max_args = 2,
	  .op = SD_OP_PAY, .label = N_("Pay"), .exec = cmd_pay,
	  .summary = "take a payment (yuan): the oldest unpaid bills first, "
	    "the rest as credit; prints the receipt number",
	  .opts = {
	    { "method", "METHOD", "cash, card, wechat or alipay", 1 },
	    { "note", "TEXT", "a note on the receipt" } } },
	{ .noun = "receipt", .verb = "show", .args = "NUMBER", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_BILL_SHOW, .exec = cmd_receipt_show,
	  .summary = "a receipt as printed",
	  .opts = {
	    { "paper", "COLUMNS", "32 or 48 (default: the "
	  "config's)" } } },
	{ .noun = "receipt", .verb = "print", .args = "NUMBER", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_PAY, .label = N_("Reprint"), .exec = cmd_receipt_print,
	  .summary = "print a receipt (a reprint says COPY): queued for "
	    "simdeskd's printer, ESC/POS to a file, or the text",
	  .opts = {
	    { "printer", "NAME", "a printer of the config's printers group "
	      "(default: receipts.printer)" },
	    { "file", "FILE", "write the ESC/POS bytes to FILE" },
	    { "paper", "COLUMNS", "32 or 48" } } },
	{ .noun = "receipt", .verb = "list", .args = "",
	  .op = SD_OP_PAY, .exec = cmd_receipt_list,
	  .summary = "the receipts of a cashier's desk on a day, with the "
	    "day's takings",
	  .opts = {
	    { "cashier", "LOGIN", "whose (default: yours; a supervisor or "
	      "admin may name anyone)" },
	    { "day", "YYYY-MM-DD", "which day (default: today)" } } },
	{ .noun = "receipt", .verb = "void", .args = "NUMBER", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_RECEIPT_VOID, .label = N_("Void"),
	  .exec = cmd_receipt_void,
	  .summary = "void a receipt (supervisor): a reversing posting, the "
	    "number stays used; the revenue shares it accrued are cancelled "
	    "while frozen, else clawed back (a negative entry, payable at "
	    "once)",
	  .opts = {
	    { "reason", "TEXT", "why", 1 } } },
	{ .noun = "shift", .verb = "close", .args = "",
	  .op = SD_OP_PAY, .label = N_("Close shift"), .exec = cmd_shift_close,
	  .summary = "close your shift: receipts, totals by method, voids, "
	    "cash expected and counted",
	  .opts = {
	    { "counted", "YUAN", "the cash counted in the drawer" } } },
	{ .noun = "sim", .verb = "suspend", .args = "ICCID", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_SIM_MOVE, .exec = cmd_sim_suspend,
	  .summary = "suspend an active card",
	  .opts = {
	    { "reason", "TEXT", "why", 1 } } },
	{ .noun = "sim", .verb = "resume", .args = "ICCID", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_SIM_MOVE, .exec = cmd_sim_resume,
	  .summary = "resume a suspended card",
	  .opts = {
	    { "reason", "TEXT", "why" } } },
	{ .noun = "sim", .verb = "terminate", .args = "ICCID", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_SIM_MOVE, .exec = cmd_sim_terminate,
	  .summary = "terminate a card (history kept)",
	  .opts = {
	    { "reason", "TEXT", "why", 1 } } },
	{ .noun = "sim", .verb = "return", .args = "ICCID", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_SIM_MOVE, .exec = cmd_sim_return,
	  .summary = "take a card back from an agent",
	  .opts = {
	    { "reason", "TEXT", "why", 1 } } },
	{ .noun = "sim", .verb = "restock", .args = "ICCID", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_SIM_MOVE, .exec = cmd_sim_restock,
	  .summary = "put a returned card back in stock",
	  .opts = {
	    { "reason", "TEXT", "why" } } },
	{ .noun = "modem", .verb = "list", .args = "",
	  .op = SD_OP_MODEM_SHOW, .exec = cmd_modem_list,
	  .summary = "modems simdeskd drives: SIM, signal, registration, "
	    "state, minutes and SMS against the SIM's quota" },
	{ .noun = "presence", .verb = "list", .args = "",
	  .op = SD_OP_PRESENCE_SHOW, .exec = cmd_presence_list,
	  .summary = "who is at the desks for incoming calls: available, "
	    "paused (why), on a call, or away" },
	{ .noun = "modem", .verb = "ports", .args = "",
	  .op = CTL_OP_NONE, .exec = cmd_modem_ports,
	  .summary = "serial ports on this host (libserialport)" },
	{ .noun = "modem", .verb = "switch", .args = "MODEM SLOT",
	  .min_args = 2, .max_args = 2,
	  .op = SD_OP_MODEM_SWITCH, .label = N_("Switch SIM slot"),
	  .exec = cmd_modem_switch,
	  .summary = "switch a SIM bank to a slot; then its ICCID is "
	    "checked against the books" },
	{ .noun = "modem", .verb = "fault", .args = "MODEM KIND", .min_args = 2,
	  .max_args = 2,
	  .op = SD_OP_MODEM_SIMULATE, .exec = cmd_modem_fault,
	  .summary = "simulated modems: inject echo, garbage, drop, late, "
	    "cme10, vanish, reset-sms, swap-sim, hangup or clear" },
	{ .noun = "modem", .verb = "ring", .args = "MODEM FROM", .min_args = 2,
	  .max_args = 2,
	  .op = SD_OP_MODEM_SIMULATE, .exec = cmd_modem_ring,
	  .summary = "simulated modems: an outside number calls MODEM" },
	{ .noun = "modem", .verb = "text", .args = "MODEM FROM TEXT",
	  .min_args = 3, .max_args = 3,
	  .op = SD_OP_MODEM_SIMULATE, .exec = cmd_modem_text,
	  .summary = "simulated modems: an outside number sends MODEM an SMS" },
	{ .noun = "call", .verb = "dial", .args = "NUMBER", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_CALL_DIAL, .label = N_("Dial"), .exec = cmd_call_dial,
	  .summary = "dial through simdeskd; prints the call id",
	  .opts = {
	    { "modem", "MODEM", "this modem (default: the least used SIM of the "
	    "callee's carrier)" },
	    { "as", "OPERATOR", "on behalf of an operator (supervisors)" } } },
	{ .noun = "call", .verb = "hangup", .args = "CALL", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_CALL_DIAL, .exec = cmd_call_hangup,
	  .summary = "hang up a call" },
	{ .noun = "call", .verb = "answer", .args = "CALL", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_CALL_DIAL, .exec = cmd_call_answer,
	  .summary = "take a ringing incoming call" },
	{ .noun = "call", .verb = "list", .args = "",
	  .op = SD_OP_CALL_SHOW, .exec = cmd_call_list,
	  .summary = "calls through the modems, oldest first",
	  .opts = {
	    { "operator", "LOGIN", "only this operator's" },
	    { "date", "YYYY-MM-DD", "only this day" },
	    { "customer", "ID", "only this customer's" },
	    { "missed", NULL, "only missed incoming calls" } } },
	{ .noun = "call", .verb = "show", .args = "CALL", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_CALL_SHOW, .exec = cmd_call_show,
	  .summary = "one call with its fee" },
	{ .noun = "call", .verb = "dtmf", .args = "CALL TONES", .min_args = 2,
	  .max_args = 2,
	  .op = SD_OP_CALL_DIAL, .exec = cmd_call_dtmf,
	  .summary = "send tones (0-9 * # A-D) on a call that is talking" },
	{ .noun = "call", .verb = "recording", .args = "CALL", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_CALL_SHOW, .exec = cmd_call_recording,
	  .summary = "write a call's recording (G.711 A-law WAV) to a file",
	  .opts = {
	    { "out", "FILE", "where to write it (- for standard output)" } } },
	{ .noun = "call", .verb = "stats", .args = "",
	  .op = SD_OP_CALL_SHOW, .exec = cmd_call_stats,
	  .summary = "per operator: calls, answered, talk time",
	  .opts = {
	    { "date", "YYYY-MM-DD", "only this day" } } },
	{ .noun = "call", .verb = "import", .args = "FILE", .min_args = 1,
	  .max_args = 1,
	  .op = SD_OP_CALL_IMPORT, .exec = cmd_call_import,
	  .summary = "call history from another system (CSV or .xlsx with the "
	    "columns start, direction (in or out), number, and optionally "
	    "operator, ring, talk (seconds), disposition, customer, modem, "
	    "iccid): stored as ended calls, all rows or none",
	  .opts = {
	    { "skip-bad", "REJECTS.csv", "bad rows to this file, the rest in" },
	    { "encoding", "ENC", "auto, utf-8 or gb18030" } } },
	/* Reports (issue 17): over the rollups, each role its own rows.
	 * Every report takes the period first and the ways to show it last. */
#define REPORT_PERIOD_OPTS \
	    { "period", "P", "today, yesterday, this-week, last-week, " \
	      "this-month (the default), last-month, YYYY, YYYY-MM or " \
	      "YYYY-MM-DD" }, \
	    { "from", "YYYY-MM-DD", "from this day (with --to)" }, \
	    { "to", "YYYY-MM-DD", "to this day, inclusive" }
#define REPORT_SHOW_OPTS \
	    { "compare", NULL, "beside the period before: its value, the " \
	      "difference and the change" }, \
	    { "export", "FORMAT", "write the table to --out as csv (UTF-8), " \
	      "csv-gbk (GB18030) or xlsx instead of printing it" }, \
	    { "out", "FILE", "the file --export writes" }
	{ .noun = "report", .verb = "calls", .args = "",
	  .op = SD_OP_REPORT_CALLS, .exec = cmd_report_calls,
	  .summary = "calls per operator, team, day, week or month: out, in, "
	    "answered, reached rate, talk time, missed (话务报表)",
	  .opts = {
	    REPORT_PERIOD_OPTS,
	    { "by", "FIELD", "operator (the default), team, day, week or "
	      "month" },
	    { "team", "TEAM", "only this team's operators" },
	    REPORT_SHOW_OPTS } },
	{ .noun = "report", .verb = "sales", .args = "",
	  .op = SD_OP_REPORT_SALES, .exec = cmd_report_sales,
	  .summary = "activations and revenue per plan, channel, agent, "
	    "operator, day, week or month (销售报表)",
	  .opts = {
	    REPORT_PERIOD_OPTS,
	    { "by", "FIELD", "plan (the default), channel, agent, operator, "
	      "day, week or month" },
	    { "agent", "CODE", "only this agent's subtree" },
	    { "team", "TEAM", "only sales by this team's operators" },
	    REPORT_SHOW_OPTS } },
	{ .noun = "report", .verb = "rebuild", .args = "",
	  .op = SD_OP_REPORT_REBUILD, .exec = cmd_report_rebuild,
	  .summary = "recompute every report rollup from the calls and "
	    "activations, in one transaction" },
	{ .noun = "sms", .verb = "send", .args = "NUMBER TEXT", .min_args = 2,
	  .max_args = 2,
	  .op = SD_OP_SMS_SEND, .exec = cmd_sms_send,
	  .summary = "send an SMS through simdeskd (UCS2 and concatenated "
	    "as needed); prints its id",
	  .opts = {
	    { "modem", "MODEM", "this modem" } } },
	{ .noun = "sms", .verb = "list", .args = "",
	  .op = SD_OP_SMS_SHOW, .exec = cmd_sms_list,
	  .summary = "messages sent and received, newest first",
	  .opts = {
	    { "limit", "N", "only the newest N" } } },
	{ .noun = "sms", .verb = "decode", .args = "HEXPDU", .min_args = 1,
	  .max_args = 1,
	  .op = CTL_OP_NONE, .exec = cmd_sms_decode,
	  .summary = "decode an SMS PDU (deliver, submit, status report)" },
	{ .noun = "ussd", .args = "MODEM CODE", .min_args = 2, .max_args = 2,
	  .op = SD_OP_USSD, .exec = cmd_ussd,
	  .summary = "send a USSD code (*100#) and print the network's reply" },
	{ .noun = "verify", .args = "",
	  .op = SD_OP_VERIFY, .exec = cmd_verify,
	  .summary = "check every invariant at one moment: writers wait "
	    "while it reads (over a minute with 3M call records: there, "
	    "backup verify checks a copy instead); exit 0 only if all hold" },
	/* Backups (admins): simdeskd takes them; restore runs here. */
	{ .noun = "backup", .verb = "create", .args = "",
	  .op = SD_OP_BACKUP, .exec = cmd_backup_create,
	  .summary = "back up the data directory while everyone works, into "
	    "backup.dir (see BACKUPS AND RESTORE); prints the backup's name",
	  .opts = {
	    { "full", NULL, "a new full backup (the default)" },
	    { "incremental", NULL, "add the log written since to the newest "
	      "full backup" },
	    { "to", "DIR|FILE", "also write it as one .tar.gz archive: FILE, or "
	      "simdesk-NAME.tar.gz in DIR; prints its path" } } },
	{ .noun = "backup", .verb = "list", .args = "",
	  .op = SD_OP_BACKUP, .exec = cmd_backup_list,
	  .summary = "the backups of backup.dir: kind, up to when, log "
	    "position, size, verified" },
	{ .noun = "backup", .verb = "verify", .args = "NAME|ARCHIVE",
	  .min_args = 1, .max_args = 1,
	  .op = SD_OP_BACKUP, .exec = cmd_backup_verify,
	  .summary = "check a backup of backup.dir or an archive (a path with "
	    "a / or a dot): its files against the manifest, then a copy "
	    "recovered, counted and verified" },
	{ .noun = "status", .args = "",
	  .op = SD_OP_STATUS, .exec = cmd_status,
	  .summary = "the server's health: version and uptime, clients by "
	    "role, data size and free space, last checkpoint, log files kept, "
	    "last backup and its verification, modems ready, errors in the "
	    "last hour" },
	{ .noun = "restore", .args = "BACKUP", .min_args = 1, .max_args = 1,
	  .op = CTL_OP_NONE, .exec = cmd_restore,
	  .summary = "make a backup (a directory, an archive, or a name in "
	    "backup.dir) a new data directory, offline; prints what it "
	    "restored up to",
	  .opts = {
	    { "to", "DIR", "the new data directory (absent or empty)", 1 },
	    { "until", "TIME", "only what was committed by this local time "
	      "(YYYY-MM-DD HH:MM[:SS])" } } },
};

const int ctl_ncmds = sizeof ctl_cmds / sizeof ctl_cmds[0];

const char *
ctl_opt(const struct ctl_ctx *c, const char *name)
{
	for (int i = 0; i < CTL_OPTS_MAX && c->cmd->opts[i].name != NULL; i++)
		if (strcmp(c->cmd->opts[i].name, name) == 0)
			return c->optval[i];
	return NULL;
}

int
ctl_opt_int(struct ctl_ctx *c, const char *name, int lo, int hi, int *out)
{
	const char *v = ctl_opt(c, name);
	char *end;
	long n;

	if (v == NULL)
		return SD_OK;
	n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0' || n < lo || n > hi)
		return sd_err_set(&c->err, SD_EINVAL,
		    "--%s: '%s' is not a whole number from %d to %d", name, v,
		    lo, hi);
	*out = (int)n;
	return SD_OK;
}

int
ctl_read_table(struct ctl_ctx *c, const char *path, struct sd_table *t)
{
	const char *enc = ctl_opt(c, "encoding");
	enum sd_encoding e = SD_ENC_AUTO;

	if (enc != NULL) {
		if (strcmp(enc, "utf-8") == 0 || strcmp(enc, "utf8") == 0)
			e = SD_ENC_UTF8;
		else if (strcmp(enc, "gb18030") == 0 || strcmp(enc, "gbk") == 0)
			e = SD_ENC_GB18030;
		else if (strcmp(enc, "auto") != 0)
			return sd_err_set(&c->err, SD_EINVAL, "--encoding: '%s' is "
			    "not auto, utf-8 or gb18030", enc);
	}
	return sd_table_read(path, e, t, &c->err);
}

void
ctl_progress(long done, long total, void *arg)
{
	fprintf(ctl_errf(), "\r%s: %ld/%ld (%ld%%)", (const char *)arg, done, total,
	    total ? done * 100 / total : 100);
	if (done == total)
		fputc('\n', ctl_errf());
}

/* ---------------------------------------------------------------- parsing */

/*
 * The files each command names: simdeskctl opens them with the user's own
 * rights and passes the descriptors; simdeskd never opens such a path.
 * arg >= 0: that positional argument; else the option opt.
 */
static const struct {
	const char	*noun, *verb;
	int		 arg;
	const char	*opt;
	char		 mode;		/* 'r' read, 'w' written */
} ctl_files[] = {
	{ "customer", "import", 0, NULL, 'r' },
	{ "customer", "import", -1, "skip-bad", 'w' },
	{ "sim", "import", 0, NULL, 'r' },
	{ "sim", "import", -1, "skip-bad", 'w' },
	{ "sim", "activate", -1, "file", 'r' },
	{ "sim", "activate", -1, "skip-bad", 'w' },
	{ "sim", "stocktake", 0, NULL, 'r' },
	{ "order", "add", -1, "iccids", 'r' },
	{ "order", "return", -1, "iccids", 'r' },
	{ "tariff", "import", 1, NULL, 'r' },
	{ "tariff", "import", -1, "skip-bad", 'w' },
	{ "cdr", "import", 0, NULL, 'r' },
	{ "cdr", "import", -1, "skip-bad", 'w' },
	{ "receipt", "print", -1, "file", 'w' },
	{ "invoice", "print", -1, "file", 'w' },
	{ "call", "recording", -1, "out", 'w' },
	{ "call", "import", 0, NULL, 'r' },
	{ "call", "import", -1, "skip-bad", 'w' },
	{ "backup", "create", -1, "to", 'w' },
	{ "backup", "verify", 0, NULL, 'r' },	/* an archive's path only */
	{ "settlement", "export", -1, "out", 'w' },
	{ "report", "calls", -1, "out", 'w' },
	{ "report", "sales", -1, "out", 'w' },
};

/* backup verify's argument is an archive, not a name in backup.dir. */
int
ctl_backup_is_archive(const char *arg)
{
	return strchr(arg, '/') != NULL || strchr(arg, '.') != NULL;
}

int
ctl_files_of(const struct ctl_ctx *c, const char **paths, char *modes,
    const char **opts, int max)
{
	int n = 0;

	for (size_t i = 0; i < sizeof ctl_files / sizeof ctl_files[0]; i++) {
		const char *p;

		if (strcmp(ctl_files[i].noun, c->cmd->noun) != 0 ||
		    c->cmd->verb == NULL ||
		    strcmp(ctl_files[i].verb, c->cmd->verb) != 0)
			continue;
		p = ctl_files[i].arg >= 0 ? (ctl_files[i].arg < c->nargs ?
		    c->args[ctl_files[i].arg] : NULL) :
		    ctl_opt(c, ctl_files[i].opt);
		if (p == NULL || p[0] == '\0' || n >= max)
			continue;
		if (ctl_files[i].opt == NULL &&
		    strcmp(c->cmd->noun, "backup") == 0 &&
		    !ctl_backup_is_archive(p))
			continue;
		paths[n] = p;
		if (opts != NULL)
			opts[n] = ctl_files[i].opt;
		modes[n++] = ctl_files[i].mode;
	}
	return n;
}

const struct ctl_cmd *
ctl_find_cmd(const char *noun, const char *verb, int *noun_known)
{
	*noun_known = 0;
	for (int i = 0; i < ctl_ncmds; i++) {
		const struct ctl_cmd *c = &ctl_cmds[i];

		if (strcmp(c->noun, noun) != 0)
			continue;
		*noun_known = 1;
		if (c->verb == NULL)
			return c;
		if (verb != NULL && strcmp(c->verb, verb) == 0)
			return c;
	}
	return NULL;
}

const struct ctl_cmd *
ctl_cmd_named(const char *name)
{
	size_t n = strcspn(name, " ");

	for (int i = 0; i < ctl_ncmds; i++) {
		const struct ctl_cmd *c = &ctl_cmds[i];

		if (strlen(c->noun) != n || strncmp(c->noun, name, n) != 0)
			continue;
		if (name[n] == '\0' ? c->verb == NULL : c->verb != NULL &&
		    strcmp(c->verb, name + n + 1) == 0)
			return c;
	}
	return NULL;
}

int
ctl_authorize(struct ctl_ctx *c)
{
	if (c->cmd->op == CTL_OP_NONE)
		return SD_OK;
	/* The object, as the command's first argument names it. */
	return sd_authorize(&c->sess, c->cmd->op, c->nargs > 0 ?
	    c->args[0] : "", &c->err);
}

static int
bad_usage(const char *fmt, const char *arg)
{
	fputs("simdeskctl: ", ctl_errf());
	fprintf(ctl_errf(), fmt, arg);
	fputs(" (see simdeskctl --help)\n", ctl_errf());
	return SD_EUSAGE;
}

/* Options and arguments after NOUN [VERB]. */
static int
parse_args(struct ctl_ctx *c, int argc, char **argv)
{
	const struct ctl_cmd *cmd = c->cmd;
	int only_args = 0;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!only_args && strcmp(a, "--") == 0) {
			only_args = 1;
			continue;
		}
		if (!only_args && strncmp(a, "--", 2) == 0) {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			int found = -1;

			if (len == 4 && strncmp(name, "json", 4) == 0) {
				c->json = 1;
				continue;
			}
			if (len == 4 && strncmp(name, "help", 4) == 0) {
				ctl_usage(ctl_out(), cmd->noun, cmd->verb);
				return -1;
			}
			for (int j = 0; j < CTL_OPTS_MAX && cmd->opts[j].name; j++)
				if (strlen(cmd->opts[j].name) == len &&
				    strncmp(cmd->opts[j].name, name, len) == 0)
					found = j;
			if (found < 0)
				return bad_usage("unknown option %s", a);
			if (cmd->opts[found].metavar == NULL) {
				if (eq != NULL)
					return bad_usage("option %s takes no "
					    "value", a);
				c->optval[found] = "";
				continue;
			}
			if (eq != NULL)
				c->optval[found] = eq + 1;
			else if (i + 1 < argc)
				c->optval[found] = argv[++i];
			else
				return bad_usage("option %s needs a value", a);
			continue;
		}
		if (c->nargs >= cmd->max_args || c->nargs >= CTL_ARGS_MAX)
			return bad_usage("unexpected argument '%s'", a);
		c->args[c->nargs++] = a;
	}
	for (int j = 0; j < CTL_OPTS_MAX && cmd->opts[j].name; j++)
		if (cmd->opts[j].required && c->optval[j] == NULL) {
			fprintf(ctl_errf(), "simdeskctl: --%s is required (see "
			    "simdeskctl --help)\n", cmd->opts[j].name);
			return SD_EUSAGE;
		}
	if (c->nargs < cmd->min_args) {
		fprintf(ctl_errf(), "simdeskctl: missing argument; usage:\n");
		ctl_usage(ctl_errf(), cmd->noun, cmd->verb);
		return SD_EUSAGE;
	}
	return 0;
}

/*
 * The fields core names that simdeskctl has always shown as options
 * ("--count: 1 to 100000"); others ("phone: ...", "band: ...") stay as
 * they were, so that every message reads as before.
 */
static const char *const flagged[] = { "admin", "agent", "by", "carrier",
    "count", "counted", "credit-limit", "discount", "from", "iccids", "map",
    "method", "minutes", "monthly-fee", "name", "note", "parent", "period",
    "plan", "printer", "range", "reason", "region", "rounding", "since",
    "skip-bad", "sms", "tariff", "to", "tracking", "until", "vas",
    "warehouse", NULL };

static const struct ctl_opt *
opt_named(const struct ctl_cmd *cmd, const char *name, size_t n)
{
	int known = 0;

	for (int i = 0; flagged[i] != NULL; i++)
		if (strlen(flagged[i]) == n && strncmp(flagged[i], name, n) == 0)
			known = 1;
	for (int i = 0; known && cmd != NULL && i < CTL_OPTS_MAX &&
	    cmd->opts[i].name; i++)
		if (strlen(cmd->opts[i].name) == n &&
		    strncmp(cmd->opts[i].name, name, n) == 0)
			return &cmd->opts[i];
	return NULL;
}

void
ctl_err_flags(const struct ctl_cmd *cmd, const char *msg, struct sd_buf *out)
{
	const char *colon = strstr(msg, ": "), *p = msg, *sb;

	sd_buf_reset(out);
	/* The leading fields: words of a-z and '-', joined by " and ". */
	if (colon != NULL && strspn(msg, "abcdefghijklmnopqrstuvwxyz- ") >=
	    (size_t)(colon - msg)) {
		while (p < colon) {
			const char *end = strstr(p, " and ");
			size_t n;

			if (end == NULL || end > colon)
				end = colon;
			n = (size_t)(end - p);
			if (opt_named(cmd, p, n) != NULL)
				sd_buf_adds(out, "--");
			sd_buf_add(out, p, n);
			if (end < colon)
				sd_buf_adds(out, " and ");
			p = end < colon ? end + 5 : colon;
		}
	}
	if ((sb = strstr(p, "(skip-bad)")) != NULL &&
	    opt_named(cmd, "skip-bad", 8) != NULL) {
		sd_buf_add(out, p, (size_t)(sb - p));
		sd_buf_adds(out, "(--skip-bad FILE)");
		p = sb + 10;
	}
	sd_buf_adds(out, p);
}

/* Is word the first of a verb of two words of noun ("scheme")? */
static int
verb_first_word(const char *noun, const char *word)
{
	size_t n = strlen(word);

	for (int i = 0; i < ctl_ncmds; i++)
		if (strcmp(ctl_cmds[i].noun, noun) == 0 && ctl_cmds[i].verb &&
		    strncmp(ctl_cmds[i].verb, word, n) == 0 &&
		    ctl_cmds[i].verb[n] == ' ')
			return 1;
	return 0;
}

int
ctl_prepare(struct ctl_ctx *c, int argc, char **argv)
{
	const char *noun, *verb;
	int noun_known, i = 0;

	if (argc < 1) {
		ctl_usage(ctl_errf(), NULL, NULL);
		return SD_EUSAGE;
	}
	noun = argv[i++];
	/* help alone is for the acting user (simdeskd knows who that is);
	 * help NOUN [VERB] is the table's, here. */
	if (strcmp(noun, "help") == 0 && i == argc) {
		c->cmd = &ctl_help_cmd;
		return 0;
	}
	if (strcmp(noun, "help") == 0) {
		ctl_usage(ctl_out(), argv[i], i + 1 < argc ? argv[i + 1] :
		    NULL);
		return -1;
	}
	verb = i < argc ? argv[i] : NULL;
	c->cmd = NULL;
	if (i + 1 < argc) {	/* a verb of two words: "commission scheme add" */
		char two[64];

		snprintf(two, sizeof two, "%s %s", argv[i], argv[i + 1]);
		c->cmd = ctl_find_cmd(noun, two, &noun_known);
		if (c->cmd != NULL && (c->cmd->verb == NULL ||
		    strchr(c->cmd->verb, ' ') == NULL))
			c->cmd = NULL;
		else if (c->cmd != NULL)
			i++;
	}
	if (c->cmd == NULL)
		c->cmd = ctl_find_cmd(noun, verb, &noun_known);
	if (c->cmd == NULL && !noun_known)
		return bad_usage("unknown command '%s'", noun);
	if (c->cmd == NULL) {
		/* NOUN --help, and NOUN WORD --help for verbs of two words */
		if (verb != NULL && (strcmp(verb, "--help") == 0 ||
		    (i + 1 < argc && strcmp(argv[i + 1], "--help") == 0 &&
		    verb_first_word(noun, verb)))) {
			ctl_usage(ctl_out(), noun, NULL);
			return -1;
		}
		fprintf(ctl_errf(), "simdeskctl: %s: %s verb '%s'; one of:\n",
		    noun, verb ? "unknown" : "missing", verb ? verb : "");
		ctl_usage(ctl_errf(), noun, NULL);
		return SD_EUSAGE;
	}
	if (c->cmd->verb != NULL)
		i++;
	return parse_args(c, argc - i, argv + i);
}
