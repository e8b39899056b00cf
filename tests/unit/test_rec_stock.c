/*
 * test_rec_stock.c -- the stored bytes of stock's records do not change:
 * each record (plan, VAS, agent, SIM card, subscription, order) filled
 * with distinctive values encodes to the bytes today's encoder wrote
 * (captured once, hard-coded here) and those bytes decode back to it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/stock/stock_int.h"

/* b's bytes as lower-case hex (caller frees). */
static char *
hex_of(const struct sd_buf *b)
{
	char *s = malloc(b->len * 2 + 1);

	for (size_t i = 0; i < b->len; i++)
		snprintf(s + 2 * i, 3, "%02x", ((const uint8_t *)b->p)[i]);
	s[b->len * 2] = '\0';
	return s;
}

/* The bytes of a hex string (caller frees). */
static uint8_t *
bytes_of(const char *hex, size_t *n)
{
	size_t len = strlen(hex) / 2;
	uint8_t *p = malloc(len + 1);

	for (size_t i = 0; i < len; i++) {
		unsigned v;

		sscanf(hex + 2 * i, "%2x", &v);
		p[i] = (uint8_t)v;
	}
	*n = len;
	return p;
}

static void
check_hex(const struct sd_buf *b, const char *want, const char *what)
{
	char *got = hex_of(b);

	if (getenv("GOLDEN_PRINT") != NULL)
		printf("%s: \"%s\"\n", what, got);
	assert_string_equal(got, want);
	free(got);
}

/* ---------------------------------------------------------------- plan */

static const char plan_hex[] =
    "010a0c5033392de5a597e9a4905f781228e79585e4baab20333920e58583e5a5"
    "97e9a49020e2809420e2809c71756f746564e2809d20e2988e18818080808080"
    "802020fdffffff0f2880897a3208542de9809ae794a83a0956302de5bda9e993"
    "833a0956312de5bda9e993833a0956322de5bda9e993833a0956332de5bda9e9"
    "93833a0956342de5bda9e993833a0956352de5bda9e993833a0956362de5bda9"
    "e993833a0956372de5bda9e99383400248f0ffffffffffffffff01";

static void
plan_fill(struct sd_plan *p)
{
	memset(p, 0, sizeof *p);
	sd_strlcpy(p->code, "P39-套餐_x", sizeof p->code);
	sd_strlcpy(p->name, "畅享 39 元套餐 — “quoted” ☎", sizeof p->name);
	p->monthly_fen = -9007199254740993LL;
	p->minutes = -2147483647;
	p->sms = 1000000;
	sd_strlcpy(p->tariff, "T-通用", sizeof p->tariff);
	for (int i = 0; i < 8; i++)
		snprintf(p->vas[i], sizeof p->vas[i], "V%c-彩铃", '0' + i);
	p->nvas = 8;
	p->retired = 1;
	p->created = INT64_MAX - 7;
}

static void
plan_bytes(void **state)
{
	struct sd_plan p, q;
	struct sd_buf b = SD_BUF_INIT;
	uint8_t *raw;
	size_t n;

	(void)state;
	plan_fill(&p);
	plan_encode(&p, &b);
	check_hex(&b, plan_hex, "plan");
	raw = bytes_of(plan_hex, &n);
	assert_int_equal(plan_decode(raw, n, &q), SD_OK);
	assert_memory_equal(&p, &q, sizeof p);
	free(raw);
	sd_buf_free(&b);
}

/* A plan with only some services and no tariff. */
static const char plan2_hex[] =
    "010a02503818c00c200028003a04435242543a0ce69da5e794b5e698bee7a4ba"
    "40004800";

static void
plan_short(void **state)
{
	struct sd_plan p, q;
	struct sd_buf b = SD_BUF_INIT;
	uint8_t *raw;
	size_t n;

	(void)state;
	memset(&p, 0, sizeof p);
	sd_strlcpy(p.code, "P8", sizeof p.code);
	sd_strlcpy(p.vas[0], "CRBT", sizeof p.vas[0]);
	sd_strlcpy(p.vas[1], "来电显示", sizeof p.vas[1]);
	p.nvas = 2;
	p.monthly_fen = 800;
	plan_encode(&p, &b);
	check_hex(&b, plan2_hex, "plan2");
	raw = bytes_of(plan2_hex, &n);
	assert_int_equal(plan_decode(raw, n, &q), SD_OK);
	assert_memory_equal(&p, &q, sizeof p);
	free(raw);
	sd_buf_free(&b);
}

/* ---------------------------------------------------------------- vas */

static const char vas_hex[] =
    "010a0b435242542de5bda9e99383121ae5bda9e993832052696e672d6261636b"
    "20746f6e6520f09f8eb518a7e8c8e99707";

static void
vas_bytes(void **state)
{
	struct sd_vas v, w;
	struct sd_buf b = SD_BUF_INIT;
	uint8_t *raw;
	size_t n;

	(void)state;
	memset(&v, 0, sizeof v);
	sd_strlcpy(v.code, "CRBT-彩铃", sizeof v.code);
	sd_strlcpy(v.name, "彩铃 Ring-back tone 🎵", sizeof v.name);
	v.monthly_fen = -123456789012LL;
	vas_encode(&v, &b);
	check_hex(&b, vas_hex, "vas");
	raw = bytes_of(vas_hex, &n);
	assert_int_equal(vas_decode(raw, n, &w), SD_OK);
	assert_memory_equal(&v, &w, sizeof v);
	free(raw);
	sd_buf_free(&b);
}

/* ---------------------------------------------------------------- agent */

static const char agent_hex[] =
    "010a0b412de58d8ee4b89c5f3031121de4b88ae6b5b7e6b5a6e4b89ce4bba3e7"
    "9086e5958620c2ab4c7464c2bb1a0b524f4f542de680bbe983a8200528808080"
    "808080808080013213e4b88ae6b5b72fe6b5a6e4b89ce696b0e58cba38ffc39f"
    "d50c40dc0b";

static void
agent_bytes(void **state)
{
	struct sd_agent a, c;
	struct sd_buf b = SD_BUF_INIT;
	uint8_t *raw;
	size_t n;

	(void)state;
	/* depth, held and sold_month are filled by tree walks, not stored. */
	memset(&a, 0, sizeof a);
	sd_strlcpy(a.code, "A-华东_01", sizeof a.code);
	sd_strlcpy(a.name, "上海浦东代理商 «Ltd»", sizeof a.name);
	sd_strlcpy(a.parent, "ROOT-总部", sizeof a.parent);
	a.status = -3;
	a.credit_fen = 4611686018427387904LL;
	sd_strlcpy(a.region, "上海/浦东新区", sizeof a.region);
	a.discount_bp = 750;
	a.created = -1700000000LL;
	agent_encode(&a, &b);
	check_hex(&b, agent_hex, "agent");
	raw = bytes_of(agent_hex, &n);
	assert_int_equal(agent_decode(raw, n, &c), SD_OK);
	assert_memory_equal(&a, &c, sizeof a);
	free(raw);
	sd_buf_free(&b);
}

/* ---------------------------------------------------------------- sim */

static const char sim_hex[] =
    "010a143839383630303132333435363738393031323338120b31333830303133"
    "383030301a0f343630303031323334353637383930220b6e616e6f2de58f8ce6"
    "a8a12a0a5033392de5a597e9a49030fd9fb787e9053a09e8b1b9e5ad90e58fb7"
    "420f42323032342de689b9e6aca12d30374a14e4bb93e5ba93205368616e6768"
    "616920e2849633520b412de58d8ee4b89c5f303158feffffff0f60016a26e980"
    "80e59b9e3a20e2809c64616d61676564e2809d20e2809420e9878de696b0e585"
    "a5e5ba9370f6a1abfef96278538001fdffffffffffffffff01";
/* The same card without an order: the order field is not written. */
static const char sim2_hex[] =
    "010a143839383630303132333435363738393031323338120b31333830303133"
    "383030301a0f343630303031323334353637383930220b6e616e6f2de58f8ce6"
    "a8a12a0a5033392de5a597e9a49030fd9fb787e9053a09e8b1b9e5ad90e58fb7"
    "420f42323032342de689b9e6aca12d30374a14e4bb93e5ba93205368616e6768"
    "616920e2849633520b412de58d8ee4b89c5f303158feffffff0f60016a26e980"
    "80e59b9e3a20e2809c64616d61676564e2809d20e2809420e9878de696b0e585"
    "a5e5ba9370f6a1abfef9627853";

static void
sim_fill(struct sd_sim *c)
{
	memset(c, 0, sizeof *c);
	sd_strlcpy(c->iccid, "89860012345678901238", sizeof c->iccid);
	sd_strlcpy(c->msisdn, "13800138000", sizeof c->msisdn);
	sd_strlcpy(c->imsi, "460001234567890", sizeof c->imsi);
	sd_strlcpy(c->card_type, "nano-双模", sizeof c->card_type);
	sd_strlcpy(c->plan, "P39-套餐", sizeof c->plan);
	c->price_fen = -99999999999LL;
	sd_strlcpy(c->grade, "豹子号", sizeof c->grade);
	sd_strlcpy(c->batch, "B2024-批次-07", sizeof c->batch);
	sd_strlcpy(c->warehouse, "仓库 Shanghai №3", sizeof c->warehouse);
	sd_strlcpy(c->agent, "A-华东_01", sizeof c->agent);
	c->status = 2147483647;
	c->customer = 18446744073709551615ULL;
	c->order = 9223372036854775809ULL;
	sd_strlcpy(c->reason, "退回: “damaged” — 重新入库", sizeof c->reason);
	c->updated = 1700000000123LL;
	c->created = -42;
}

static void
sim_bytes(void **state)
{
	struct sd_sim c, d;
	struct sd_buf b = SD_BUF_INIT;
	uint8_t *raw;
	size_t n;

	(void)state;
	sim_fill(&c);
	sim_encode(&c, &b);
	check_hex(&b, sim_hex, "sim");
	raw = bytes_of(sim_hex, &n);
	assert_int_equal(sim_decode(raw, n, &d), SD_OK);
	assert_memory_equal(&c, &d, sizeof c);
	free(raw);

	c.order = 0;
	sim_encode(&c, &b);
	check_hex(&b, sim2_hex, "sim2");
	raw = bytes_of(sim2_hex, &n);
	assert_int_equal(sim_decode(raw, n, &d), SD_OK);
	assert_memory_equal(&c, &d, sizeof c);
	free(raw);
	sd_buf_free(&b);
}

/* ---------------------------------------------------------------- subscription */

static const char sub_hex[] =
    "010803121438393836303031323334353637383930313233581a0b3139393132"
    "33343536373820fdffffffffffffffff012a0a5035392de6b581e9878f320c53"
    "302de696b0e4b89ae58aa1320c53312de696b0e4b89ae58aa1320c53322de696"
    "b0e4b89ae58aa1320c53332de696b0e4b89ae58aa1320c53342de696b0e4b89a"
    "e58aa1320c53352de696b0e4b89ae58aa1320c53362de696b0e4b89ae58aa132"
    "0c53372de696b0e4b89ae58aa138ffc50a420974656c6573616c65734a10e78e"
    "8be5b08fe6988e2d73656c6c65725208412de58d8ee58d97580160fdffffffff"
    "ffffffff01";

static void
sub_bytes(void **state)
{
	struct sd_subscription u, w;
	struct sd_buf b = SD_BUF_INIT;
	uint8_t *raw;
	size_t n;

	(void)state;
	memset(&u, 0, sizeof u);
	u.id = 18446744073709551614ULL;
	sd_strlcpy(u.iccid, "8986001234567890123X", sizeof u.iccid);
	sd_strlcpy(u.msisdn, "19912345678", sizeof u.msisdn);
	u.customer = 0x8000000000000001ULL;
	sd_strlcpy(u.plan, "P59-流量", sizeof u.plan);
	for (int i = 0; i < 8; i++)
		snprintf(u.vas[i], sizeof u.vas[i], "S%c-新业务", '0' + i);
	u.nvas = 8;
	u.from = -86400;
	sd_strlcpy(u.channel, "telesales", sizeof u.channel);
	sd_strlcpy(u.seller, "王小明-seller", sizeof u.seller);
	sd_strlcpy(u.agent, "A-华南", sizeof u.agent);
	u.price_fen = -1;
	u.ended = INT64_MIN + 1;
	sub_encode(&u, &b);
	check_hex(&b, sub_hex, "sub");
	raw = bytes_of(sub_hex, &n);
	assert_int_equal(sub_decode(raw, n, &w), SD_OK);
	assert_memory_equal(&u, &w, sizeof u);
	free(raw);
	sd_buf_free(&b);
}

/* ---------------------------------------------------------------- order */

static const char order_hex[] =
    "0108dfb7de9af1d9a2a302120b412de58d8ee4b89c5f30311a0a5033392de5a5"
    "97e9a490200d280a30f2fdeee09092383a0fe9a1bae4b8b0e9809fe8bf902053"
    "4642135346313233343536373839302de8b79fe8b8aa4a16e5ba93e5ad98e4b8"
    "8de8b6b320c2ab73686f7274c2bb520ce69d8ee59b9b2d61646d696e580260fe"
    "ffffffffffffffff017002789e9c018001fcffffff0f88018f4e9001006a1438"
    "393836303031323334353637383930313233386a143839383630303132333435"
    "3637383930313234366a1338393836303031323334353637383930313235";

static void
order_bytes(void **state)
{
	static char iccids[3][21] = { "89860012345678901238",
	    "89860012345678901246", "8986001234567890125" };
	struct sd_order o, p;
	struct sd_buf b = SD_BUF_INIT;
	uint8_t *raw;
	size_t n;

	(void)state;
	memset(&o, 0, sizeof o);
	o.id = 0xfedcba9876543210ULL;
	sd_strlcpy(o.agent, "A-华东_01", sizeof o.agent);
	sd_strlcpy(o.plan, "P39-套餐", sizeof o.plan);
	o.count = -7;
	o.status = 5;
	o.value_fen = 123456789012345LL;
	o.discount_bp = 9999;
	o.named = 1;
	o.returned = 2147483646;
	o.returned_fen = -5000;
	sd_strlcpy(o.carrier, "顺丰速运 SF", sizeof o.carrier);
	sd_strlcpy(o.tracking, "SF1234567890-跟踪", sizeof o.tracking);
	sd_strlcpy(o.reason, "库存不足 «short»", sizeof o.reason);
	sd_strlcpy(o.by, "李四-admin", sizeof o.by);
	o.created = 1;
	o.updated = INT64_MAX;
	o.delivered = 0;	/* not yet: field 18 written as 0 (900100) */
	o.iccids = iccids;
	o.niccids = 3;
	order_encode(&o, &b);
	check_hex(&b, order_hex, "order");
	raw = bytes_of(order_hex, &n);
	assert_int_equal(order_decode(raw, n, &p), SD_OK);
	assert_int_equal(p.niccids, 3);
	assert_non_null(p.iccids);
	assert_memory_equal(p.iccids, iccids, sizeof iccids);
	sd_order_free(&p);
	p.iccids = o.iccids;
	p.niccids = o.niccids;
	assert_memory_equal(&o, &p, sizeof o);
	free(raw);
	sd_buf_free(&b);

	/* No cards: no ICCID fields, nothing allocated. */
	o.iccids = NULL;
	o.niccids = 0;
	order_encode(&o, &b);
	raw = bytes_of(order_hex, &n);
	assert_true(b.len < n);
	assert_memory_equal(b.p, raw, b.len);
	assert_int_equal(order_decode(b.p, b.len, &p), SD_OK);
	assert_null(p.iccids);
	assert_memory_equal(&o, &p, sizeof o);
	free(raw);
	sd_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plan_bytes),
		cmocka_unit_test(plan_short),
		cmocka_unit_test(vas_bytes),
		cmocka_unit_test(agent_bytes),
		cmocka_unit_test(sim_bytes),
		cmocka_unit_test(sub_bytes),
		cmocka_unit_test(order_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
