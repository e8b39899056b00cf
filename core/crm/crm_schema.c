/*
 * crm_schema.c -- crm's tables and their secondary indexes, with the
 * extractors that compute index keys from records: customers by phone, name,
 * owner, city, class, tag, last contact and import; reminders; tickets.
 * Tables are added at the end of a domain's range (core/rec/rec.h); fields
 * are added to records without a migration (see db/db.h).
 */
#include <stdio.h>
#include <string.h>

#include "core/crm/crm_int.h"

/*
 * One put of a customer calls all eight extractors on the same record,
 * and an update calls them on the old record and the new one in turn:
 * decode each once (two records kept, the older one replaced).  The
 * cache is keyed by the record's bytes themselves, so a different record
 * at the same address is never taken for it.
 */
static _Thread_local struct {
	char			 bytes[4096];
	size_t			 len;
	int			 ok;
	struct sd_customer	 c;
} last[2];
static _Thread_local int last_next;

static const struct sd_customer *
decode_cached(const void *rec, size_t len)
{
	int i;

	for (i = 0; i < 2; i++)
		if (len == last[i].len && last[i].len > 0 &&
		    memcmp(rec, last[i].bytes, len) == 0)
			return last[i].ok ? &last[i].c : NULL;
	i = last_next;
	last_next = !last_next;
	last[i].ok = customer_decode(rec, len, &last[i].c) == SD_OK;
	last[i].len = len <= sizeof last[i].bytes ? len : 0;
	if (last[i].len)
		memcpy(last[i].bytes, rec, len);
	return last[i].ok ? &last[i].c : NULL;
}

/* A be64 value (a customer's id, a time), then the record's own be64 id:
 * the records of one value are one range of the index. */
static void
be64_key_suffixed(struct sd_keys *out, uint64_t v, const void *pk,
    size_t pklen)
{
	uint8_t k[16] = { 0 };

	sd_be64_put(k, v);
	memcpy(k + 8, pk, pklen < 8 ? pklen : 8);
	sd_keys_add(out, k, 16);
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
CUSTOMER_EXTRACTOR(cust_name_key, rec_key_suffixed(out, cp->name, pk, pklen, 1);)
CUSTOMER_EXTRACTOR(cust_owner_key,
	rec_key_suffixed(out, cp->owner[0] ? cp->owner : POOL_KEY, pk, pklen, 1);)
CUSTOMER_EXTRACTOR(cust_city_key,
	if (cp->city[0]) rec_key_suffixed(out, cp->city, pk, pklen, 1);)
CUSTOMER_EXTRACTOR(cust_class_key,
	if (cp->cls[0]) rec_key_suffixed(out, cp->cls, pk, pklen, 1);)
CUSTOMER_EXTRACTOR(cust_tag_key,
	for (int i = 0; i < cp->ntags; i++) rec_key_suffixed(out, cp->tags[i], pk, pklen, 1);)
/* Owned customers by last contact, for the return to the pool. */
CUSTOMER_EXTRACTOR(cust_contact_key,
	if (cp->owner[0])
		be64_key_suffixed(out, (uint64_t)cp->last_contact, pk, pklen);)
CUSTOMER_EXTRACTOR(cust_import_key,
	if (cp->import_id)
		be64_key_suffixed(out, cp->import_id, pk, pklen);)

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

	if (reminder_decode(rec, len, &r) != SD_OK)
		return -1;
	if (r.status == SD_REM_PENDING)
		be64_key_suffixed(out, r.customer, pk, pklen);
	return 0;
}

static int
ticket_handler_key(const void *pk, size_t pklen, const void *rec, size_t len,
    struct sd_keys *out)
{
	struct sd_ticket t;

	if (ticket_decode(rec, len, &t) != SD_OK)
		return -1;
	rec_key_suffixed(out, t.handler, pk, pklen, 1);
	return 0;
}

static int
ticket_customer_key(const void *pk, size_t pklen, const void *rec, size_t len,
    struct sd_keys *out)
{
	struct sd_ticket t;

	if (ticket_decode(rec, len, &t) != SD_OK)
		return -1;
	be64_key_suffixed(out, t.customer, pk, pklen);
	return 0;
}

const struct sd_table_def crm_tables[5] = {
	[T_CUSTOMER - SD_T_CRM] = { "customer", 8, {
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
	[T_NOTE - SD_T_CRM] = { "note", 0, { { 0 } } },
	[T_REMINDER - SD_T_CRM] = { "reminder", 2, {
		{ "due", 1, rem_due_key },
		{ "customer", 1, rem_customer_key },
	} },
	[T_TICKET - SD_T_CRM] = { "ticket", 2, {
		{ "handler", 1, ticket_handler_key },
		{ "customer", 1, ticket_customer_key },
	} },
	[T_IMPORT - SD_T_CRM] = { "import", 0, { { 0 } } },
};
