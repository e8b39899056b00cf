/*
 * cmds.c -- the one table of simdeskctl operations (tmux's cmd_entry idea):
 * dispatch, --help and the man page's synopses are all generated from it.
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
	{ "init", NULL, "", 0, 0,
	  "create the data directory and its first admin", 0, cmd_init,
	  { { "admin", "LOGIN", "login of the first admin", 1 },
	    { "name", "NAME", "the admin's full name" } } },
	{ "user", "add", "LOGIN", 1, 1, "add a staff user", 1, cmd_user_add,
	  { { "role", "ROLE", "admin, supervisor, operator, cashier or agent", 1 },
	    USER_FIELD_OPTS,
	    { "os-login", "UNIXUSER", "bind a Unix login for peer authentication" } } },
	{ "user", "list", "[PREFIX]", 0, 1, "list users by login", 1,
	  cmd_user_list,
	  { { "role", "ROLE", "only this role" },
	    { "team", "TEAM", "only this team" } } },
	{ "user", "show", "LOGIN", 1, 1, "show one user", 1, cmd_user_show,
	  { { 0 } } },
	{ "user", "update", "LOGIN", 1, 1, "change a user's fields", 1,
	  cmd_user_update,
	  { { "role", "ROLE", "new role" }, USER_FIELD_OPTS } },
	{ "user", "passwd", "[LOGIN]", 0, 1,
	  "change a password (yours, or as admin anyone's)", 1,
	  cmd_user_passwd, { { 0 } } },
	{ "user", "disable", "LOGIN", 1, 1, "stop a user from logging in", 1,
	  cmd_user_disable, { { 0 } } },
	{ "user", "enable", "LOGIN", 1, 1, "allow a disabled user again", 1,
	  cmd_user_enable, { { 0 } } },
	{ "user", "unlock", "LOGIN", 1, 1,
	  "clear a lockout after wrong passwords", 1, cmd_user_unlock,
	  { { 0 } } },
	{ "user", "bind", "LOGIN UNIXUSER", 2, 2,
	  "bind a Unix login for peer authentication (\"\" unbinds)", 1,
	  cmd_user_bind, { { 0 } } },
	{ "audit", "list", "", 0, 0, "list the audit trail, oldest first", 1,
	  cmd_audit_list,
	  { { "since", "TIME", "from this local time (YYYY-MM-DD[ HH:MM[:SS]], "
	      "12-05, 15:30, today, +2d; a day from its start)" },
	    { "until", "TIME", "up to this local time, included (the same "
	      "forms; a day to its end)" },
	    { "user", "LOGIN", "only this user's actions" },
	    { "object", "PREFIX", "only objects starting with PREFIX" },
	    { "op", "PREFIX", "only operations starting with PREFIX" },
	    { "limit", "N", "only the newest N rows" } } },
	{ "customer", "add", "", 0, 0, "add a customer (a phone already "
	  "on file is refused, naming its customer)", 1, cmd_customer_add,
	  { { "name", "NAME", "name", 1 }, { "phone", "PHONES",
	    "phone numbers, comma-separated", 1 }, CUST_FIELD_OPTS,
	    { "owner", "LOGIN", "owner (default: you if an operator, else "
	    "the shared pool)" }, { "dnc", NULL, "do not call" } } },
	{ "customer", "update", "CUSTOMER", 1, 1, "change a customer's fields "
	  "(owner, owner's supervisor or admin)", 1, cmd_customer_update,
	  { { "name", "NAME", "name" }, { "phone", "PHONES",
	    "phone numbers (replace all)" }, CUST_FIELD_OPTS,
	    { "dnc", "yes|no", "do not call" },
	    { "status", "STATUS", "prospect, active, suspended or closed" } } },
	{ "customer", "show", "CUSTOMER", 1, 1, "show a customer by id or any "
	  "phone number", 1, cmd_customer_show, { { 0 } } },
	{ "customer", "list", "", 0, 0, "list customers (all, by id, unless "
	  "filtered)", 1, cmd_customer_list,
	  { { "mine", NULL, "only mine" }, { "owner", "LOGIN", "only LOGIN's" },
	    { "pool", NULL, "only the shared pool" },
	    { "class", "CLASS", "only this class" },
	    { "city", "CITY", "only this city" }, { "tag", "TAG", "only this tag" },
	    { "limit", "N", "at most N rows" } } },
	{ "customer", "search", "TEXT", 1, 1, "customers whose phone (digits) or "
	  "name (otherwise) starts with TEXT", 1, cmd_customer_search,
	  { { "by", "name|phone", "force the kind of search" },
	    { "limit", "N", "at most N rows (default 100)" } } },
	{ "customer", "import", "FILE", 1, 1, "import customers from CSV or .xlsx "
	  "(all or nothing unless --skip-bad)", 1, cmd_customer_import,
	  { { "map", "COL=field,...", "map columns (header or number) to fields" },
	    { "encoding", "auto|utf-8|gb18030", "CSV encoding (default auto)" },
	    { "skip-bad", "REJECTS.csv", "import the good rows; bad ones with "
	    "their reason go here" },
	    { "owner", "LOGIN", "owner of rows without one" } } },
	{ "customer", "claim", "CUSTOMER", 1, 1, "take a customer from the "
	  "shared pool", 1, cmd_customer_claim, { { 0 } } },
	{ "customer", "transfer", "[CUSTOMER...]", 0, CTL_ARGS_MAX, "move "
	  "customers with their reminders and open tickets (supervisor)", 1,
	  cmd_customer_transfer,
	  { { "from", "LOGIN", "current owner", 1 },
	    { "to", "LOGIN", "new owner", 1 },
	    { "all", NULL, "all of --from's customers" } } },
	{ "customer", "sweep", "", 0, 0, "return customers without a follow-up "
	  "for pool_days to the shared pool", 1, cmd_customer_sweep,
	  { { "days", "N", "instead of pool_days from the config" } } },
	{ "customer", "passwd", "CUSTOMER", 1, 1, "set the customer's service "
	  "password (SIMDESK_NEW_PASSWORD or asked)", 1, cmd_customer_passwd,
	  { { 0 } } },
	{ "note", "add", "CUSTOMER TEXT", 2, 2, "record a follow-up; --next "
	  "plans the next contact with a reminder for the owner, --next none "
	  "drops the planned one (audited), without --next it stays", 1,
	  cmd_note_add,
	  { { "next", "TIME|none", "next contact, YYYY-MM-DD HH:MM "
	      "(none: drop the planned one)" },
	    { "outcome", "CODE", "outcome code" } } },
	{ "note", "list", "CUSTOMER", 1, 1, "a customer's notes, newest first",
	  1, cmd_note_list, { { 0 } } },
	{ "reminder", "list", "", 0, 0, "your reminders due now (or by --until)",
	  1, cmd_reminder_list,
	  { { "until", "TIME", "due by this time (default now)" },
	    { "team", NULL, "your team's overdue ones (supervisor)" } } },
	{ "ticket", "add", "CUSTOMER", 1, 1, "accept a service request", 1,
	  cmd_ticket_add,
	  { { "type", "TYPE", "inquiry, complaint, after-sales or change", 1 },
	    { "text", "TEXT", "what the customer asked for", 1 } } },
	{ "ticket", "list", "", 0, 0, "list tickets", 1, cmd_ticket_list,
	  { { "mine", NULL, "only those you handle" },
	    { "handler", "LOGIN", "only LOGIN's" },
	    { "customer", "CUSTOMER", "only this customer's" },
	    { "status", "STATUS", "open, in_progress, resolved, closed or active" },
	    { "overdue", NULL, "only those past their SLA" } } },
	{ "ticket", "show", "ID", 1, 1, "show a ticket", 1, cmd_ticket_show,
	  { { 0 } } },
	{ "ticket", "assign", "ID LOGIN", 2, 2, "give a ticket to a handler "
	  "(supervisor)", 1, cmd_ticket_assign, { { 0 } } },
	{ "ticket", "update", "ID", 1, 1, "add to a ticket's content", 1,
	  cmd_ticket_update, { { "text", "TEXT", "what was done", 1 } } },
	{ "ticket", "close", "ID", 1, 1, "resolve and close a ticket", 1,
	  cmd_ticket_close,
	  { { "resolution", "TEXT", "how it was resolved", 1 },
	    { "score", "1-5", "the customer's satisfaction" } } },
	{ "ticket", "reopen", "ID", 1, 1, "reopen a resolved or closed ticket",
	  1, cmd_ticket_reopen, { { "reason", "TEXT", "why" } } },
	{ "plan", "add", "CODE", 1, 1, "add a plan (套餐)", 1, cmd_plan_add,
	  { { "name", "NAME", "name", 1 },
	    { "monthly-fee", "YUAN", "monthly fee, e.g. 39", 1 },
	    { "minutes", "N", "included minutes" }, { "sms", "N", "included SMS" },
	    { "tariff", "CODE", "tariff for usage beyond the bundle" },
	    { "vas", "CODES", "value-added services it allows, comma-separated" } } },
	{ "plan", "update", "CODE", 1, 1, "change a plan", 1, cmd_plan_update,
	  { { "name", "NAME", "name" }, { "monthly-fee", "YUAN", "monthly fee" },
	    { "minutes", "N", "included minutes" }, { "sms", "N", "included SMS" },
	    { "tariff", "CODE", "tariff" }, { "vas", "CODES", "allowed services" } } },
	{ "plan", "list", "", 0, 0, "list plans", 1, cmd_plan_list, { { 0 } } },
	{ "plan", "show", "CODE", 1, 1, "show a plan", 1, cmd_plan_show, { { 0 } } },
	{ "plan", "retire", "CODE", 1, 1, "stop selling a plan (existing "
	  "subscriptions keep it)", 1, cmd_plan_retire, { { 0 } } },
	{ "vas", "add", "CODE", 1, 1, "add a value-added service (新业务)", 1,
	  cmd_vas_add, { { "name", "NAME", "name", 1 },
	    { "monthly-fee", "YUAN", "monthly fee", 1 } } },
	{ "vas", "list", "", 0, 0, "list value-added services", 1, cmd_vas_list,
	  { { 0 } } },
	{ "agent", "add", "CODE", 1, 1, "add a distributor agent (代理商), "
	  "applied", 1, cmd_agent_add,
	  { { "name", "NAME", "name", 1 }, { "parent", "CODE", "parent agent" },
	    { "credit-limit", "YUAN", "credit limit" },
	    { "discount", "PERCENT", "off list price on its orders (e.g. 7.5)" },
	    { "region", "REGION", "region" } } },
	{ "agent", "update", "CODE", 1, 1, "change an agent's name, credit "
	  "limit, discount or region", 1, cmd_agent_update,
	  { { "name", "NAME", "name" }, { "credit-limit", "YUAN", "credit limit" },
	    { "discount", "PERCENT", "off list price on its orders" },
	    { "region", "REGION", "region" } } },
	{ "agent", "approve", "CODE", 1, 1, "approve an agent", 1,
	  cmd_agent_approve, { { 0 } } },
	{ "agent", "suspend", "CODE", 1, 1, "suspend an agent", 1,
	  cmd_agent_suspend, { { 0 } } },
	{ "agent", "show", "CODE", 1, 1, "show an agent", 1, cmd_agent_show,
	  { { 0 } } },
	{ "agent", "list", "", 0, 0, "list agents (an agent user: their branch)",
	  1, cmd_agent_list, { { 0 } } },
	{ "agent", "tree", "[CODE]", 0, 1, "the agent tree, indented, with cards "
	  "held and activations this month", 1, cmd_agent_tree, { { 0 } } },
	{ "sim", "add", "", 0, 0, "add a card to stock (a 19-digit ICCID gets "
	  "its check digit)", 1, cmd_sim_add,
	  { { "iccid", "ICCID", "19 or 20 digits, Luhn-checked", 1 },
	    { "msisdn", "MSISDN", "11-digit mobile number", 1 },
	    { "plan", "CODE", "plan", 1 }, { "imsi", "IMSI", "15 digits" },
	    { "price", "YUAN", "list price (default: the grade's premium)" },
	    { "batch", "BATCH", "batch" }, { "warehouse", "NAME", "warehouse" },
	    { "card-type", "TYPE", "card type" } } },
	{ "sim", "import", "FILE", 1, 1, "import cards from CSV or .xlsx (iccid, "
	  "msisdn, plan, ...; all or nothing unless --skip-bad)", 1,
	  cmd_sim_import,
	  { { "encoding", "auto|utf-8|gb18030", "CSV encoding" },
	    { "skip-bad", "REJECTS.csv", "import the good rows" } } },
	{ "sim", "list", "", 0, 0, "list cards", 1, cmd_sim_list,
	  { { "status", "STATUS", "in_stock, reserved, allocated, active, "
	    "suspended, terminated or returned" },
	    { "agent", "CODE", "held by this agent" }, { "plan", "CODE", "plan" },
	    { "grade", "GRADE", "number grade" },
	    { "warehouse", "NAME", "warehouse" },
	    { "msisdn-prefix", "DIGITS", "numbers starting with DIGITS" } } },
	{ "sim", "show", "ICCID|MSISDN", 1, 1, "show a card", 1, cmd_sim_show,
	  { { 0 } } },
	{ "sim", "grade", "MSISDN", 1, 1, "the number's grade (靓号) and the "
	  "rule that gave it", 0, cmd_sim_grade, { { 0 } } },
	{ "sim", "allocate", "[ICCID...]", 0, CTL_ARGS_MAX, "allocate cards in "
	  "stock to an approved agent (all or nothing)", 1, cmd_sim_allocate,
	  { { "agent", "CODE", "the agent", 1 },
	    { "range", "FIRST-LAST", "every card of this ICCID range" },
	    { "count", "N", "the first N in stock of --plan" },
	    { "plan", "CODE", "with --count" } } },
	{ "sim", "transfer", "ICCID...", 1, CTL_ARGS_MAX, "pass allocated cards "
	  "to another agent of the branch", 1, cmd_sim_transfer,
	  { { "to-agent", "CODE", "the receiving agent", 1 } } },
	{ "sim", "activate", "ICCID | --file FILE", 0, 1, "sell a card to a "
	  "customer (开卡): subscription, active card, price on the account; "
	  "--file: a batch (columns iccid, customer, channel, agent, price, vas, "
	  "date), all or nothing", 1, cmd_sim_activate,
	  { { "customer", "CUSTOMER", "id or phone" },
	    { "file", "FILE", "CSV or .xlsx of activations" },
	    { "skip-bad", "FILE", "with --file: bad rows to FILE, the rest in" },
	    { "encoding", "ENC", "with --file: auto, utf-8 or gb18030" },
	    { "channel", "CHANNEL", "store, agent, online or telesales" },
	    { "agent", "CODE", "selling agent (default: the card's)" },
	    { "price", "YUAN", "price (default: the card's list price)" },
	    { "vas", "CODES", "value-added services, comma-separated" },
	    { "date", "YYYY-MM-DD", "active from" } } },
	{ "sim", "stocktake", "FILE", 1, 1, "stocktake (盘点): scanned ICCIDs, one "
	  "per line, against a warehouse's books; a report unless --apply", 1,
	  cmd_sim_stocktake, { { "warehouse", "NAME", "the warehouse counted", 1 },
	    { "apply", NULL, "record the adjustments (supervisor): found cards "
	      "move here, missing ones are written off" },
	    { "reason", "TEXT", "with --apply: why, for the audit" } } },
	{ "order", "add", "", 0, 0, "order cards for an agent: a count of a plan, "
	  "or named cards (an agent user: for itself)", 1, cmd_order_add,
	  { { "agent", "CODE", "the ordering agent" },
	    { "plan", "CODE", "plan" }, { "count", "N", "how many" },
	    { "iccids", "FILE", "the cards wanted, one ICCID per line" } } },
	{ "order", "return", "ID [ICCID...]", 1, CTL_ARGS_MAX, "unsold cards of a "
	  "delivered order come back; their value is credited to the agent", 1,
	  cmd_order_return, { { "reason", "TEXT", "why", 1 },
	    { "iccids", "FILE", "the cards, one ICCID per line" } } },
	{ "order", "approve", "ID", 1, 1, "approve: checks stock and credit, "
	  "reserves the cards", 1, cmd_order_approve, { { 0 } } },
	{ "order", "ship", "ID", 1, 1, "record the shipment", 1, cmd_order_ship,
	  { { "carrier", "NAME", "carrier", 1 },
	    { "tracking", "NO", "tracking number", 1 } } },
	{ "order", "deliver", "ID", 1, 1, "cards to the agent, value to its "
	  "receivable", 1, cmd_order_deliver, { { 0 } } },
	{ "order", "reject", "ID", 1, 1, "reject (releases reserved cards)", 1,
	  cmd_order_reject, { { "reason", "TEXT", "why", 1 } } },
	{ "order", "cancel", "ID", 1, 1, "cancel (releases reserved cards)", 1,
	  cmd_order_cancel, { { "reason", "TEXT", "why", 1 } } },
	{ "order", "list", "", 0, 0, "list orders", 1, cmd_order_list,
	  { { "status", "STATUS", "submitted, approved, shipped, delivered, "
	    "rejected or cancelled" } } },
	{ "order", "show", "ID", 1, 1, "show an order", 1, cmd_order_show,
	  { { 0 } } },
	{ "tariff", "add", "TCODE", 1, 1, "add a tariff (资费)", 1, cmd_tariff_add,
	  { { "name", "NAME", "name", 1 },
	    { "rounding", "MODE", "up (default), half-up or down, once per call" } } },
	{ "tariff", "rate", "TCODE PREFIX", 2, 2, "set the rate of a prefix "
	  "(and band): replaces the one there", 1, cmd_tariff_rate,
	  { { "per-minute", "YUAN", "price a minute, up to 5 decimals", 1 },
	    { "connect", "YUAN", "connect fee" },
	    { "first-block", "SECONDS", "first block (default 60)" },
	    { "increment", "SECONDS", "then per increment (default 60)" },
	    { "name", "NAME", "destination name" },
	    { "band", "BAND", "\"Mon-Fri 08:00-18:00\", \"22:00-07:00\"" },
	    { "bundle", NULL, "plan minutes apply (domestic)" } } },
	{ "tariff", "list", "", 0, 0, "list tariffs", 1, cmd_tariff_list,
	  { { 0 } } },
	{ "tariff", "show", "TCODE", 1, 1, "a tariff's rates", 1, cmd_tariff_show,
	  { { 0 } } },
	{ "tariff", "import", "TCODE FILE", 2, 2, "rates from CSV or .xlsx "
	  "(prefix, per_minute, connect, first_block, increment, name, band, "
	  "bundle), all or nothing", 1, cmd_tariff_import,
	  { { "skip-bad", "REJECTS.csv", "import the good rows" },
	    { "encoding", "ENC", "auto, utf-8 or gb18030" } } },
	{ "tariff", "quote", "TCODE NUMBER SECONDS", 3, 3, "what a call would "
	  "cost: the rate, billable seconds and the cost", 1, cmd_tariff_quote,
	  { { "at", "TIME", "answered at (default now)" },
	    { "plan-minutes", "N", "plan minutes left" } } },
	{ "cdr", "import", "FILE", 1, 1, "import call records: matched to "
	  "subscriptions, rated, each call once", 1, cmd_cdr_import,
	  { { "format", "FORMAT", "asterisk (Master.csv), freeswitch (cdr_csv) "
	      "or simdesk (a CSV with the header call_id, msisdn, direction "
	      "(out or in), number, start, answer, billsec, duration; times "
	      "YYYY-MM-DD HH:MM:SS local, answer empty when unanswered)", 1 },
	    { "skip-bad", "REJECTS.csv", "import the good rows" },
	    { "encoding", "ENC", "auto, utf-8 or gb18030" } } },
	{ "cdr", "list", "", 0, 0, "a number's calls", 1, cmd_cdr_list,
	  { { "msisdn", "NUMBER", "the subscriber's number", 1 },
	    { "month", "YYYY-MM", "one month" } } },
	{ "cdr", "show", "ID", 1, 1, "one call record", 1, cmd_cdr_show,
	  { { 0 } } },
	{ "cdr", "usage", "", 0, 0, "a number's usage in a month: calls, plan "
	  "minutes, charged seconds, call fee", 1, cmd_cdr_usage,
	  { { "msisdn", "NUMBER", "the subscriber's number", 1 },
	    { "month", "YYYY-MM", "default: this month" } } },
	{ "bill", "run", "YYYY-MM", 1, 1, "bill a month: plan, services, "
	  "calls, one-off charges and adjustments, posted; a rerun posts only "
	  "what changed", 1, cmd_bill_run, { { 0 } } },
	{ "bill", "show", "CUSTOMER YYYY-MM", 2, 2, "a customer's bill (by id or "
	  "phone)", 1, cmd_bill_show, { { 0 } } },
	{ "bill", "list", "", 0, 0, "a month's bills, or one customer's", 1,
	  cmd_bill_list, { { "month", "YYYY-MM", "the month" },
	    { "customer", "CUSTOMER", "one customer's bills, oldest first" },
	    { "unpaid", NULL, "only bills not fully paid" } } },
	{ "bill", "adjust", "CUSTOMER YYYY-MM AMOUNT", 3, 3, "adjust a bill (yuan; "
	  "negative credits): a posting, never an edit", 1, cmd_bill_adjust,
	  { { "reason", "TEXT", "why", 1 } } },
	{ "balance", NULL, "CUSTOMER", 1, 1, "a customer's balance, unpaid bills "
	  "and credit limit", 1, cmd_balance, { { 0 } } },
	{ "pay", NULL, "CUSTOMER AMOUNT", 2, 2, "take a payment (yuan): the "
	  "oldest unpaid bills first, the rest as credit; prints the receipt "
	  "number", 1, cmd_pay,
	  { { "method", "METHOD", "cash, card, wechat or alipay", 1 },
	    { "note", "TEXT", "a note on the receipt" } } },
	{ "receipt", "show", "NUMBER", 1, 1, "a receipt as printed", 1,
	  cmd_receipt_show, { { "paper", "COLUMNS", "32 or 48 (default: the "
	  "config's)" } } },
	{ "receipt", "print", "NUMBER", 1, 1, "print a receipt (a reprint says "
	  "COPY): queued for simdeskd's printer, ESC/POS to a file, or the text",
	  1, cmd_receipt_print,
	  { { "printer", "NAME", "a printer of the config's printers group "
	      "(default: receipts.printer)" },
	    { "file", "FILE", "write the ESC/POS bytes to FILE" },
	    { "paper", "COLUMNS", "32 or 48" } } },
	{ "receipt", "list", "", 0, 0, "the receipts of a cashier's desk on a "
	  "day, with the day's takings", 1, cmd_receipt_list,
	  { { "cashier", "LOGIN", "whose (default: yours; a supervisor or "
	      "admin may name anyone)" },
	    { "day", "YYYY-MM-DD", "which day (default: today)" } } },
	{ "receipt", "void", "NUMBER", 1, 1, "void a receipt (supervisor): a "
	  "reversing posting, the number stays used", 1, cmd_receipt_void,
	  { { "reason", "TEXT", "why", 1 } } },
	{ "shift", "close", "", 0, 0, "close your shift: receipts, totals by "
	  "method, voids, cash expected and counted", 1, cmd_shift_close,
	  { { "counted", "YUAN", "the cash counted in the drawer" } } },
	{ "sim", "suspend", "ICCID", 1, 1, "suspend an active card", 1,
	  cmd_sim_suspend, { { "reason", "TEXT", "why", 1 } } },
	{ "sim", "resume", "ICCID", 1, 1, "resume a suspended card", 1,
	  cmd_sim_resume, { { "reason", "TEXT", "why" } } },
	{ "sim", "terminate", "ICCID", 1, 1, "terminate a card (history kept)",
	  1, cmd_sim_terminate, { { "reason", "TEXT", "why", 1 } } },
	{ "sim", "return", "ICCID", 1, 1, "take a card back from an agent", 1,
	  cmd_sim_return, { { "reason", "TEXT", "why", 1 } } },
	{ "sim", "restock", "ICCID", 1, 1, "put a returned card back in stock",
	  1, cmd_sim_restock, { { "reason", "TEXT", "why" } } },
	{ "modem", "list", "", 0, 0, "modems simdeskd drives: SIM, signal, "
	  "registration, state, minutes and SMS against the SIM's quota", 1,
	  cmd_modem_list, { { 0 } } },
	{ "presence", "list", "", 0, 0, "who is at the desks for incoming "
	  "calls: available, paused (why), on a call, or away", 1,
	  cmd_presence_list, { { 0 } } },
	{ "modem", "ports", "", 0, 0, "serial ports on this host "
	  "(libserialport)", 0, cmd_modem_ports, { { 0 } } },
	{ "modem", "switch", "MODEM SLOT", 2, 2, "switch a SIM bank to a slot; "
	  "then its ICCID is checked against the books", 1, cmd_modem_switch,
	  { { 0 } } },
	{ "modem", "fault", "MODEM KIND", 2, 2, "simulated modems: inject echo, "
	  "garbage, drop, late, cme10, vanish, reset-sms, swap-sim, hangup or "
	  "clear", 1, cmd_modem_fault, { { 0 } } },
	{ "modem", "ring", "MODEM FROM", 2, 2, "simulated modems: an outside "
	  "number calls MODEM", 1, cmd_modem_ring, { { 0 } } },
	{ "modem", "text", "MODEM FROM TEXT", 3, 3, "simulated modems: an "
	  "outside number sends MODEM an SMS", 1, cmd_modem_text, { { 0 } } },
	{ "call", "dial", "NUMBER", 1, 1, "dial through simdeskd; prints the "
	  "call id", 1, cmd_call_dial,
	  { { "modem", "MODEM", "this modem (default: the least used SIM of the "
	    "callee's carrier)" },
	    { "as", "OPERATOR", "on behalf of an operator (supervisors)" } } },
	{ "call", "hangup", "CALL", 1, 1, "hang up a call", 1, cmd_call_hangup,
	  { { 0 } } },
	{ "call", "answer", "CALL", 1, 1, "take a ringing incoming call", 1,
	  cmd_call_answer, { { 0 } } },
	{ "call", "list", "", 0, 0, "calls through the modems, oldest first", 1,
	  cmd_call_list,
	  { { "operator", "LOGIN", "only this operator's" },
	    { "date", "YYYY-MM-DD", "only this day" },
	    { "customer", "ID", "only this customer's" },
	    { "missed", NULL, "only missed incoming calls" } } },
	{ "call", "show", "CALL", 1, 1, "one call with its fee", 1, cmd_call_show,
	  { { 0 } } },
	{ "call", "dtmf", "CALL TONES", 2, 2, "send tones (0-9 * # A-D) on a "
	  "call that is talking", 1, cmd_call_dtmf, { { 0 } } },
	{ "call", "recording", "CALL", 1, 1, "write a call's recording (G.711 "
	  "A-law WAV) to a file", 1, cmd_call_recording,
	  { { "out", "FILE", "where to write it (- for standard output)" } } },
	{ "call", "stats", "", 0, 0, "per operator: calls, answered, talk time",
	  1, cmd_call_stats, { { "date", "YYYY-MM-DD", "only this day" } } },
	{ "sms", "send", "NUMBER TEXT", 2, 2, "send an SMS through simdeskd "
	  "(UCS2 and concatenated as needed); prints its id", 1, cmd_sms_send,
	  { { "modem", "MODEM", "this modem" } } },
	{ "sms", "list", "", 0, 0, "messages sent and received, newest first", 1,
	  cmd_sms_list, { { "limit", "N", "only the newest N" } } },
	{ "sms", "decode", "HEXPDU", 1, 1, "decode an SMS PDU (deliver, submit, "
	  "status report)", 0, cmd_sms_decode, { { 0 } } },
	{ "ussd", NULL, "MODEM CODE", 2, 2, "send a USSD code (*100#) and print "
	  "the network's reply", 1, cmd_ussd, { { 0 } } },
	{ "verify", NULL, "", 0, 0,
	  "check every invariant; exit 0 only if all hold", 1, cmd_verify,
	  { { 0 } } },
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

static void
usage_one(FILE *f, const struct ctl_cmd *cmd, int verbose)
{
	fprintf(f, "simdeskctl %s%s%s", cmd->noun, cmd->verb ? " " : "",
	    cmd->verb ? cmd->verb : "");
	if (cmd->args[0] != '\0')
		fprintf(f, " %s", cmd->args);
	for (int i = 0; i < CTL_OPTS_MAX && cmd->opts[i].name; i++) {
		const struct ctl_opt *o = &cmd->opts[i];
		if (o->metavar)
			fprintf(f, o->required ? " --%s %s" : " [--%s %s]",
			    o->name, o->metavar);
		else
			fprintf(f, " [--%s]", o->name);
	}
	fputc('\n', f);
	if (!verbose) {
		fprintf(f, "    %s\n", cmd->summary);
		return;
	}
	fprintf(f, "\n%s.\n", cmd->summary);
	for (int i = 0; i < CTL_OPTS_MAX && cmd->opts[i].name; i++) {
		const struct ctl_opt *o = &cmd->opts[i];
		char left[64];

		snprintf(left, sizeof left, "--%s%s%s", o->name,
		    o->metavar ? " " : "", o->metavar ? o->metavar : "");
		fprintf(f, "  %-22s %s\n", left, o->help);
	}
	fputs("  --json                 output for scripts\n"
	    "  --help                 this text\n", f);
}

void
ctl_usage(FILE *f, const char *noun, const char *verb)
{
	int shown = 0;

	if (noun == NULL)
		fputs("usage: simdeskctl [-D DATADIR] [-C CONFIG] [--json] "
		    "NOUN VERB [ARGS...]\n\n", f);
	for (int i = 0; i < ctl_ncmds; i++) {
		const struct ctl_cmd *cmd = &ctl_cmds[i];

		if (noun != NULL && strcmp(cmd->noun, noun) != 0)
			continue;
		if (verb != NULL && (cmd->verb == NULL ||
		    strcmp(cmd->verb, verb) != 0))
			continue;
		usage_one(f, cmd, verb != NULL || cmd->verb == NULL ?
		    noun != NULL : 0);
		shown++;
	}
	if (noun == NULL)
		fputs("\nExit status: 0 ok, 2 usage, 3 not found, "
		    "4 permission denied,\n5 invalid input (nothing written), "
		    "6 refused by a business rule, 9 internal error.\n"
		    "See simdeskctl(8).\n", f);
}

void
ctl_mdoc(FILE *f)
{
	for (int i = 0; i < ctl_ncmds; i++) {
		const struct ctl_cmd *cmd = &ctl_cmds[i];
		char args[128], *tok, *save = NULL;

		fprintf(f, ".It Xo Cm %s%s%s\n", cmd->noun, cmd->verb ? " " : "",
		    cmd->verb ? cmd->verb : "");
		sd_strlcpy(args, cmd->args, sizeof args);
		for (tok = strtok_r(args, " ", &save); tok != NULL;
		    tok = strtok_r(NULL, " ", &save)) {
			size_t n = strlen(tok);

			if (tok[0] == '[' && n > 2 && tok[n - 1] == ']')
				fprintf(f, ".Op Ar %.*s\n", (int)n - 2, tok + 1);
			else
				fprintf(f, ".Ar %s\n", tok);
		}
		for (int j = 0; j < CTL_OPTS_MAX && cmd->opts[j].name; j++) {
			const struct ctl_opt *o = &cmd->opts[j];

			if (o->metavar)
				fprintf(f, o->required ? ".Fl -%s Ar %s\n" :
				    ".Op Fl -%s Ar %s\n", o->name, o->metavar);
			else
				fprintf(f, ".Op Fl -%s\n", o->name);
		}
		fprintf(f, ".Xc\n%c%s.\n", (cmd->summary[0] >= 'a' &&
		    cmd->summary[0] <= 'z') ? cmd->summary[0] - 32 :
		    cmd->summary[0], cmd->summary + 1);
	}
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
	{ "call", "recording", -1, "out", 'w' },
};

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
static const char *const flagged[] = { "admin", "agent", "carrier", "count",
    "counted", "credit-limit", "discount", "iccids", "map", "method",
    "minutes", "monthly-fee", "name", "note", "parent", "plan", "printer",
    "range", "reason", "region", "rounding", "since", "skip-bad", "sms",
    "tariff", "to", "tracking", "until", "vas", "warehouse", NULL };

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
	if (strcmp(noun, "help") == 0) {
		ctl_usage(ctl_out(), i < argc ? argv[i] : NULL,
		    i + 1 < argc ? argv[i + 1] : NULL);
		return -1;
	}
	verb = i < argc ? argv[i] : NULL;
	c->cmd = ctl_find_cmd(noun, verb, &noun_known);
	if (c->cmd == NULL && !noun_known)
		return bad_usage("unknown command '%s'", noun);
	if (c->cmd == NULL) {
		if (verb != NULL && strcmp(verb, "--help") == 0) {
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
