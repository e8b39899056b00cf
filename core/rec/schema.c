/*
 * schema.c -- every table and secondary index of the environment, with the
 * extractors that compute index keys from records.  Tables are added at the
 * end; fields are added to records without a migration (see db/db.h).
 */
#include <stdio.h>
#include <string.h>

#include "core/core_int.h"

static int
user_login_key(const void *pk, size_t pklen, const void *rec, size_t len,
    struct sd_keys *out)
{
	struct sd_user u;

	(void)pk;
	(void)pklen;
	if (user_decode(rec, len, &u) != SD_OK)
		return -1;
	sd_keys_add(out, u.login, strlen(u.login));
	return 0;
}

static int
user_oslogin_key(const void *pk, size_t pklen, const void *rec, size_t len,
    struct sd_keys *out)
{
	struct sd_user u;

	(void)pk;
	(void)pklen;
	if (user_decode(rec, len, &u) != SD_OK)
		return -1;
	if (u.os_login[0] != '\0')
		sd_keys_add(out, u.os_login, strlen(u.os_login));
	return 0;
}

/* Audit by user: login, NUL, then the primary key (time, id), so one
 * user's rows are in time order and --since is a range seek. */
static int
audit_user_key(const void *pk, size_t pklen, const void *rec, size_t len,
    struct sd_keys *out)
{
	struct sd_audit a;
	struct sd_buf b = SD_BUF_INIT;

	if (audit_decode(rec, len, &a) != SD_OK)
		return -1;
	sd_buf_add(&b, a.user, strlen(a.user) + 1);
	sd_buf_add(&b, pk, pklen);
	sd_keys_add(out, b.p, b.len);
	sd_buf_free(&b);
	return 0;
}

/* Postings by account: account, NUL, posting id. */
static int
posting_account_key(const void *pk, size_t pklen, const void *rec, size_t len,
    struct sd_keys *out)
{
	struct sd_rec_reader r;
	struct sd_buf b = SD_BUF_INIT;
	int ok;

	if (sd_rec_open(&r, rec, len) != SD_OK)
		return -1;
	while ((ok = sd_rec_next(&r)) == 1) {
		/* tag 10: a line's account (see ledger.c) */
		if (r.tag != 10 || r.type != SD_REC_BYTES)
			continue;
		sd_buf_reset(&b);
		sd_buf_add(&b, r.bytes, r.blen);
		sd_buf_addc(&b, '\0');
		sd_buf_add(&b, pk, pklen);
		sd_keys_add(out, b.p, b.len);
	}
	sd_buf_free(&b);
	return ok < 0 ? -1 : 0;
}

/* "part\0" + primary key: unique index keys that page exactly. */
static void
suffixed(struct sd_keys *out, const char *part, const void *pk, size_t pklen,
    int with_nul)
{
	struct sd_buf b = SD_BUF_INIT;

	sd_buf_add(&b, part, strlen(part) + (with_nul ? 1 : 0));
	sd_buf_add(&b, pk, pklen);
	sd_keys_add(out, b.p, b.len);
	sd_buf_free(&b);
}

/*
 * One put of a customer calls all eight extractors on the same record:
 * decode it once.  The cache is keyed by the record's bytes themselves,
 * so a different record at the same address is never taken for it.
 */
static _Thread_local struct {
	char			 bytes[4096];
	size_t			 len;
	int			 ok;
	struct sd_customer	 c;
} last;

static const struct sd_customer *
decode_cached(const void *rec, size_t len)
{
	if (len == last.len && len <= sizeof last.bytes && last.len > 0 &&
	    memcmp(rec, last.bytes, len) == 0)
		return last.ok ? &last.c : NULL;
	last.ok = customer_decode(rec, len, &last.c) == SD_OK;
	last.len = len <= sizeof last.bytes ? len : 0;
	if (last.len)
		memcpy(last.bytes, rec, len);
	return last.ok ? &last.c : NULL;
}

#define CUSTOMER_EXTRACTOR(fn, body) \
static int \
fn(const void *pk, size_t pklen, const void *rec, size_t len, \
    struct sd_keys *out) \
{ \
	const struct sd_customer *cp = decode_cached(rec, len); \
\
	(void)pklen; \
	if (cp == NULL) \
		return -1; \
	body \
	return 0; \
}

/* Phones are unique across customers: the key is the phone alone. */
CUSTOMER_EXTRACTOR(cust_phone_key,
	(void)pk;
	for (int i = 0; i < cp->nphones; i++)
		sd_keys_add(out, cp->phones[i], strlen(cp->phones[i]));)
/* Name bytes then NUL: a prefix of the name finds it. */
CUSTOMER_EXTRACTOR(cust_name_key, suffixed(out, cp->name, pk, pklen, 1);)
CUSTOMER_EXTRACTOR(cust_owner_key,
	suffixed(out, cp->owner[0] ? cp->owner : POOL_KEY, pk, pklen, 1);)
CUSTOMER_EXTRACTOR(cust_city_key,
	if (cp->city[0]) suffixed(out, cp->city, pk, pklen, 1);)
CUSTOMER_EXTRACTOR(cust_class_key,
	if (cp->cls[0]) suffixed(out, cp->cls, pk, pklen, 1);)
CUSTOMER_EXTRACTOR(cust_tag_key,
	for (int i = 0; i < cp->ntags; i++) suffixed(out, cp->tags[i], pk, pklen, 1);)
/* Owned customers by last contact, for the return to the pool. */
CUSTOMER_EXTRACTOR(cust_contact_key,
	if (cp->owner[0]) {
		uint8_t k[16];

		sd_be64_put(k, (uint64_t)cp->last_contact);
		memcpy(k + 8, pk, 8);
		sd_keys_add(out, k, 16);
	})
CUSTOMER_EXTRACTOR(cust_import_key,
	if (cp->import_id) {
		uint8_t k[16];

		sd_be64_put(k, cp->import_id);
		memcpy(k + 8, pk, 8);
		sd_keys_add(out, k, 16);
	})

/* Pending reminders by owner and due time: owner\0 due id. */
static int
rem_due_key(const void *pk, size_t pklen, const void *rec, size_t len,
    struct sd_keys *out)
{
	struct sd_reminder r;
	struct sd_buf b = SD_BUF_INIT;
	uint8_t due[8];

	if (reminder_decode(rec, len, &r) != SD_OK)
		return -1;
	if (r.status != SD_REM_PENDING)
		return 0;
	sd_be64_put(due, (uint64_t)r.due);
	sd_buf_add(&b, r.owner, strlen(r.owner) + 1);
	sd_buf_add(&b, due, 8);
	sd_buf_add(&b, pk, pklen);
	sd_keys_add(out, b.p, b.len);
	sd_buf_free(&b);
	return 0;
}

static int
rem_customer_key(const void *pk, size_t pklen, const void *rec, size_t len,
    struct sd_keys *out)
{
	struct sd_reminder r;
	uint8_t k[16];

	if (reminder_decode(rec, len, &r) != SD_OK)
		return -1;
	if (r.status != SD_REM_PENDING)
		return 0;
	sd_be64_put(k, r.customer);
	memcpy(k + 8, pk, pklen < 8 ? pklen : 8);
	sd_keys_add(out, k, 16);
	return 0;
}

static int
ticket_handler_key(const void *pk, size_t pklen, const void *rec, size_t len,
    struct sd_keys *out)
{
	struct sd_ticket t;

	if (ticket_decode(rec, len, &t) != SD_OK)
		return -1;
	suffixed(out, t.handler, pk, pklen, 1);
	return 0;
}

static int
ticket_customer_key(const void *pk, size_t pklen, const void *rec, size_t len,
    struct sd_keys *out)
{
	struct sd_ticket t;
	uint8_t k[16];

	if (ticket_decode(rec, len, &t) != SD_OK)
		return -1;
	sd_be64_put(k, t.customer);
	memcpy(k + 8, pk, pklen < 8 ? pklen : 8);
	sd_keys_add(out, k, 16);
	return 0;
}

/* Agents by parent: parent\0code ("" parent for the top level). */
static int
agent_parent_key(const void *pk, size_t pklen, const void *rec, size_t len,
    struct sd_keys *out)
{
	struct sd_agent a;

	if (agent_decode(rec, len, &a) != SD_OK)
		return -1;
	suffixed(out, a.parent, pk, pklen, 1);
	return 0;
}

#define SIM_EXTRACTOR(fn, body) \
static int \
fn(const void *pk, size_t pklen, const void *rec, size_t len, \
    struct sd_keys *out) \
{ \
	struct sd_sim c; \
\
	if (sim_decode(rec, len, &c) != SD_OK) \
		return -1; \
	body \
	return 0; \
}

SIM_EXTRACTOR(sim_msisdn_key, (void)pk; (void)pklen;
	if (c.msisdn[0]) sd_keys_add(out, c.msisdn, strlen(c.msisdn));)
SIM_EXTRACTOR(sim_status_key,
	char st[16]; snprintf(st, sizeof st, "%02d", c.status & 0x3f);
	suffixed(out, st, pk, pklen, 1);)
SIM_EXTRACTOR(sim_agent_key,
	if (c.agent[0]) suffixed(out, c.agent, pk, pklen, 1);)
SIM_EXTRACTOR(sim_plan_key,
	if (c.plan[0]) suffixed(out, c.plan, pk, pklen, 1);)

/* Subscriptions by customer: customer id then subscription id. */
static int
sub_customer_key(const void *pk, size_t pklen, const void *rec, size_t len,
    struct sd_keys *out)
{
	struct sd_subscription u;
	uint8_t k[16];

	if (sub_decode(rec, len, &u) != SD_OK)
		return -1;
	sd_be64_put(k, u.customer);
	memcpy(k + 8, pk, pklen < 8 ? pklen : 8);
	sd_keys_add(out, k, 16);
	return 0;
}

/* Subscriptions by selling agent: agent\0, when it started, id. */
static int
sub_agent_key(const void *pk, size_t pklen, const void *rec, size_t len,
    struct sd_keys *out)
{
	struct sd_subscription u;
	uint8_t k[17 + 16];
	size_t n;

	if (sub_decode(rec, len, &u) != SD_OK)
		return -1;
	if (u.agent[0] == '\0')
		return 0;		/* no keys: not indexed */
	n = strlen(u.agent) + 1;
	memcpy(k, u.agent, n);
	sd_be64_put(k + n, (uint64_t)u.from ^ (1ULL << 63));
	memcpy(k + n + 8, pk, pklen < 8 ? pklen : 8);
	sd_keys_add(out, k, n + 16);
	return 0;
}

/* Subscriptions by number: msisdn\0, when it started, id. */
static int
sub_msisdn_key(const void *pk, size_t pklen, const void *rec, size_t len,
    struct sd_keys *out)
{
	struct sd_subscription u;
	uint8_t k[12 + 16];
	size_t n;

	if (sub_decode(rec, len, &u) != SD_OK)
		return -1;
	if (u.msisdn[0] == '\0')
		return 0;
	n = strlen(u.msisdn) + 1;
	memcpy(k, u.msisdn, n);
	sd_be64_put(k + n, (uint64_t)u.from ^ (1ULL << 63));
	memcpy(k + n + 8, pk, pklen < 8 ? pklen : 8);
	sd_keys_add(out, k, n + 16);
	return 0;
}

/* Call records: by their source's unique id (a second import of the same
 * call finds it), and by number and time. */
static int
cdr_uniq_key(const void *pk, size_t pklen, const void *rec, size_t len,
    struct sd_keys *out)
{
	struct sd_cdr c;

	(void)pk;
	(void)pklen;
	if (cdr_decode(rec, len, &c) != SD_OK)
		return -1;
	sd_keys_add(out, c.uniq, strlen(c.uniq));
	return 0;
}

static int
cdr_msisdn_key(const void *pk, size_t pklen, const void *rec, size_t len,
    struct sd_keys *out)
{
	struct sd_cdr c;
	uint8_t k[12 + 16];
	size_t n;

	if (cdr_decode(rec, len, &c) != SD_OK)
		return -1;
	n = strlen(c.msisdn) + 1;
	memcpy(k, c.msisdn, n);
	sd_be64_put(k + n, (uint64_t)c.start ^ (1ULL << 63));
	memcpy(k + n + 8, pk, pklen < 8 ? pklen : 8);
	sd_keys_add(out, k, n + 16);
	return 0;
}

/* Bills by month: be32 YYYYMM then the customer. */
static int
bill_month_key(const void *pk, size_t pklen, const void *rec, size_t len,
    struct sd_keys *out)
{
	uint8_t k[12];

	(void)rec;
	(void)len;
	if (pklen != 12)
		return -1;
	memcpy(k, (const uint8_t *)pk + 8, 4);
	memcpy(k + 4, pk, 8);
	sd_keys_add(out, k, 12);
	return 0;
}

/* Receipts by cashier and time, for the shift close. */
static int
receipt_cashier_key(const void *pk, size_t pklen, const void *rec, size_t len,
    struct sd_keys *out)
{
	struct sd_receipt r;
	uint8_t k[SD_LOGIN_MAX + 1 + 8 + 24];
	size_t n;

	if (receipt_decode(rec, len, &r) != SD_OK)
		return -1;
	n = strlen(r.cashier) + 1;
	memcpy(k, r.cashier, n);
	sd_be64_put(k + n, (uint64_t)r.at ^ (1ULL << 63));
	if (pklen > 24)
		pklen = 24;
	memcpy(k + n + 8, pk, pklen);
	sd_keys_add(out, k, n + 8 + pklen);
	return 0;
}

const struct sd_table_def sd_schema[T__COUNT] = {
	[T_META] = { "meta", 0, { { 0 } } },
	[T_USER] = { "user", 2, {
		{ "login", 1, user_login_key },
		{ "oslogin", 1, user_oslogin_key },
	} },
	[T_AUDIT] = { "audit", 1, {
		{ "user", 0, audit_user_key },
	} },
	[T_ACCOUNT] = { "account", 0, { { 0 } } },
	[T_POSTING] = { "posting", 1, {
		{ "account", 0, posting_account_key },
	} },
	[T_CUSTOMER] = { "customer", 8, {
		{ "phone", 1, cust_phone_key },
		{ "name", 1, cust_name_key },
		{ "owner", 1, cust_owner_key },
		{ "city", 1, cust_city_key },
		{ "class", 1, cust_class_key },
		{ "tag", 1, cust_tag_key },
		{ "contact", 1, cust_contact_key },
		{ "import", 1, cust_import_key },
	} },
	/* Notes are keyed by customer then id: a customer's are one range. */
	[T_NOTE] = { "note", 0, { { 0 } } },
	[T_REMINDER] = { "reminder", 2, {
		{ "due", 1, rem_due_key },
		{ "customer", 1, rem_customer_key },
	} },
	[T_TICKET] = { "ticket", 2, {
		{ "handler", 1, ticket_handler_key },
		{ "customer", 1, ticket_customer_key },
	} },
	[T_IMPORT] = { "import", 0, { { 0 } } },
	[T_PLAN] = { "plan", 0, { { 0 } } },
	[T_VAS] = { "vas", 0, { { 0 } } },
	[T_AGENT] = { "agent", 1, {
		{ "parent", 1, agent_parent_key },
	} },
	[T_SIM] = { "sim", 4, {
		{ "msisdn", 1, sim_msisdn_key },
		{ "status", 1, sim_status_key },
		{ "agent", 1, sim_agent_key },
		{ "plan", 1, sim_plan_key },
	} },
	[T_SUBSCRIPTION] = { "subscription", 3, {
		{ "customer", 1, sub_customer_key },
		{ "agent", 1, sub_agent_key },
		{ "msisdn", 1, sub_msisdn_key },
	} },
	[T_ORDER] = { "order", 0, { { 0 } } },
	[T_TARIFF] = { "tariff", 0, { { 0 } } },
	/* Rates keyed tariff\0prefix\0band: a tariff's are one range. */
	[T_RATE] = { "rate", 0, { { 0 } } },
	[T_CDR] = { "cdr", 2, {
		{ "uniq", 1, cdr_uniq_key },
		{ "msisdn", 1, cdr_msisdn_key },
	} },
	/* Usage per subscription per month: be64 sub, be32 YYYYMM. */
	[T_USAGE] = { "usage", 0, { { 0 } } },
	/* Bills: be64 customer, be32 YYYYMM (a customer's in month order). */
	[T_BILL] = { "bill", 1, {
		{ "month", 1, bill_month_key },
	} },
	/* Adjustments: be64 customer, be32 YYYYMM, be64 id. */
	[T_ADJUST] = { "adjust", 0, { { 0 } } },
	/* Receipts by number (series + 8 digits: in order within a series). */
	[T_RECEIPT] = { "receipt", 1, {
		{ "cashier", 1, receipt_cashier_key },
	} },
	/* Closed shifts: cashier\0 be64 closed at. */
	[T_SHIFT] = { "shift", 0, { { 0 } } },
	/* Print jobs waiting for simdeskd: be64 id. */
	[T_PRINTJOB] = { "printjob", 0, { { 0 } } },
	/* Telephony: modems by name, jobs for simdeskd and SMS by be64 id,
	 * SIM usage by ICCID\0 be32 YYYYMM, presence by login, each
	 * operator's inbox by login\0 be64 id. */
	[T_MODEM] = { "modem", 0, { { 0 } } },
	[T_TELJOB] = { "teljob", 0, { { 0 } } },
	[T_CALL] = { "call", 3, {
		{ "start", 1, call_start_key },
		{ "operator", 1, call_operator_key },
		{ "customer", 1, call_customer_key },
	} },
	[T_SMS] = { "sms", 0, { { 0 } } },
	[T_SIMUSE] = { "simuse", 0, { { 0 } } },
	[T_PRESENCE] = { "presence", 0, { { 0 } } },
	[T_TELEVENT] = { "televent", 0, { { 0 } } },
};
