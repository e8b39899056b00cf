/*
 * stock_schema.c -- stock's tables and their secondary indexes, with the
 * extractors that compute index keys from records: agents by parent; SIM
 * cards by number, status, agent and plan; subscriptions. Tables are added
 * at the end of a domain's range (core/rec/rec.h); fields are added to
 * records without a migration (see db/db.h).
 */
#include <stdio.h>
#include <string.h>

#include "core/stock/stock_int.h"

/* Agents by parent: parent\0code ("" parent for the top level). */
static int
agent_parent_key(const void *pk, size_t pklen, const void *rec, size_t len,
    struct sd_keys *out)
{
	struct sd_agent a;

	if (agent_decode(rec, len, &a) != SD_OK)
		return -1;
	rec_key_suffixed(out, a.parent, pk, pklen, 1);
	return 0;
}

/*
 * One write of a card calls all four extractors on the same record, and
 * an update calls them on the old record and the new one in turn: decode
 * each once (two records kept, the older one replaced).  The cache is
 * keyed by the record's bytes themselves, so a different record at the
 * same address is never taken for it.
 */
static _Thread_local struct {
	char		 bytes[1024];
	size_t		 len;
	int		 ok;
	struct sd_sim	 c;
} last_sim[2];
static _Thread_local int last_sim_next;

static int
sim_decode_cached(const void *rec, size_t len, struct sd_sim *c)
{
	int i;

	for (i = 0; i < 2; i++)
		if (len == last_sim[i].len && last_sim[i].len > 0 &&
		    memcmp(rec, last_sim[i].bytes, len) == 0)
			break;
	if (i == 2) {
		i = last_sim_next;
		last_sim_next = !last_sim_next;
		last_sim[i].ok = sim_decode(rec, len, &last_sim[i].c) == SD_OK;
		last_sim[i].len = len <= sizeof last_sim[i].bytes ? len : 0;
		if (last_sim[i].len)
			memcpy(last_sim[i].bytes, rec, len);
	}
	if (last_sim[i].ok)
		*c = last_sim[i].c;
	return last_sim[i].ok ? SD_OK : SD_EINTERNAL;
}

#define SIM_EXTRACTOR(fn, body) \
static int \
fn(const void *pk, size_t pklen, const void *rec, size_t len, \
    struct sd_keys *out) \
{ \
	struct sd_sim c; \
\
	if (sim_decode_cached(rec, len, &c) != SD_OK) \
		return -1; \
	body \
	return 0; \
}

SIM_EXTRACTOR(sim_msisdn_key, (void)pk; (void)pklen;
	if (c.msisdn[0]) sd_keys_add(out, c.msisdn, strlen(c.msisdn));)
SIM_EXTRACTOR(sim_status_key,
	char st[16]; snprintf(st, sizeof st, "%02d", c.status & 0x3f);
	rec_key_suffixed(out, st, pk, pklen, 1);)
SIM_EXTRACTOR(sim_agent_key,
	if (c.agent[0]) rec_key_suffixed(out, c.agent, pk, pklen, 1);)
SIM_EXTRACTOR(sim_plan_key,
	if (c.plan[0]) rec_key_suffixed(out, c.plan, pk, pklen, 1);)

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

const struct sd_table_def stock_tables[6] = {
	[T_PLAN - SD_T_STOCK] = { "plan", 0, { { 0 } } },
	[T_VAS - SD_T_STOCK] = { "vas", 0, { { 0 } } },
	[T_AGENT - SD_T_STOCK] = { "agent", 1, {
		{ "parent", 1, agent_parent_key },
	} },
	[T_SIM - SD_T_STOCK] = { "sim", 4, {
		{ "msisdn", 1, sim_msisdn_key },
		{ "status", 1, sim_status_key },
		{ "agent", 1, sim_agent_key },
		{ "plan", 1, sim_plan_key },
	} },
	[T_SUBSCRIPTION - SD_T_STOCK] = { "subscription", 3, {
		{ "customer", 1, sub_customer_key },
		{ "agent", 1, sub_agent_key },
		{ "msisdn", 1, sub_msisdn_key },
	} },
	[T_ORDER - SD_T_STOCK] = { "order", 0, { { 0 } } },
};
