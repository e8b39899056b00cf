/*
 * test_rec_billing.c -- the stored bytes of billing's records do not
 * change: each record filled with distinctive values (UTF-8 strings,
 * negative and large integers, full arrays) encodes to the bytes today's
 * code wrote (hex captured before the codecs moved to rec_field tables)
 * and decodes back to an equal struct.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/billing/billing_int.h"

/* ---------------------------------------------------------------- today's bytes */

#define TARIFF_HEX \
    "010a09e8b584e8b4b92d41311224e59bbde58685e6a087e58786207461726966" \
    "6620e2809ce5a49ce997b4e2809d20e29c93180420dfb7de9af1d9a2a302280d" \
    "30ffc39fd50c"
#define RATE_HEX \
    "010a183030383631333830303133383030303132333435363738391214e995bf" \
    "e9809420c2b720e59bbde9998520e282ac18a7e8c8e9970720feffffffffffff" \
    "ffff01283b30feffffff0f38fc0340fff3034880f40350025802"
#define CDR_HEX \
    "0108fdffffffffffffffff0110808080802018f2c001220b3133383030313338" \
    "3030302801321b2b3836313020e2809ce58c97e4baace2809d20313233343536" \
    "37383880e4ad950d400948feffffff0f50ffffffff0f5a1d617374657269736b" \
    "2d313736373232353630302e34322de594afe4b880620a667265657377697463" \
    "686a033836317215e59bbde58685e9809ae8af9d206e6174696f6e616c78e0a7" \
    "1280017a8801069001fd9fb787e9059801e8dd18"
#define USAGE_HEX \
    "01089693d89fee4710071880ce891e2001288080808080c00430ffffffffffff" \
    "ffffff013854"
#define BILL_HEX \
    "01080110d4dd181a1de5bca0e4b889205a68616e672053616e20e6a0aae5bc8f" \
    "e4bc9ae7a4be220b31333931323334353637382a1ee79585e8818a20353820e5" \
    "8583e5a597e9a4902c20e6b581e9878fe58c8530003880c0a8ca9a3a420b3133" \
    "3930303030303030304a07e5a597e9a490305216e7acac203020e8a18c206c69" \
    "6e6520e2809c30e2809d580030023882c0a8ca9a3a420b313339303030303030" \
    "30314a07e5a597e9a490315216e7acac203120e8a18c206c696e6520e2809c31" \
    "e2809d58c90130043884c0a8ca9a3a420b31333930303030303030324a07e5a5" \
    "97e9a490325216e7acac203220e8a18c206c696e6520e2809c32e2809d588080" \
    "8080800160d05a680170808080808080800478ffffffffffffff038001f30388" \
    "01aab4de759001009801ce5aa00103a801feffffffffffffffff01b00180e4ad" \
    "950d"
#define BILL_FULL_LEN 3134
#define BILL_FULL_HASH 0x3079faf7e4c5ec36ULL
#define ADJUST_HEX \
    "0108ff880f1222e8af9de8b4b9e5878fe5858d20676f6f6477696c6c20e2809c" \
    "e8a1a5e581bfe2809d1a11e8b685e7baa7e794a8e688b761646d696e"
#define RECEIPT_HEX \
    "010a0fe69f9ce58fb04130303030303034321082808080808080201a0ee69d8e" \
    "e59b9b204cc7902053c3ac22112b3836203133392d303030302d3030303028c7" \
    "0132067765636861743a1be9a284e5ad98207072657061696420e2809ce5b9b4" \
    "e8b4b9e2809d4210e694b6e993b6e59198636173686965724880e4ad950d5088" \
    "dc185800508adc18580160fdffffffffffffffff01680970027a16e9878de5a4" \
    "8de694b6e8b4b9206475706c6963617465820110e4b8bbe7aea1737570657276" \
    "69736f728801a09cae950d900106"
#define RECEIPT_FULL_LEN 404
#define RECEIPT_FULL_HASH 0xe383949cd9f672c2ULL
#define SHIFT_HEX \
    "010a0fe69f9ce58fb0413030303030303031120fe69f9ce58fb0413030303030" \
    "30393918c60120808080808080102801"
#define PRINTJOB_HEX \
    "010a0de5898de58fb07072696e746572120fe69f9ce58fb04130303030303034" \
    "321a212020e694b6e68dae20524543454950540ae98791e9a29d20c2a52d312e" \
    "30300a0a2080e4ad950d"

/* ---------------------------------------------------------------- helpers */

static char *
hex_of(const struct sd_buf *b)
{
	static const char digits[] = "0123456789abcdef";
	char *out = malloc(b->len * 2 + 1);

	assert_non_null(out);
	for (size_t i = 0; i < b->len; i++) {
		out[2 * i] = digits[(uint8_t)b->p[i] >> 4];
		out[2 * i + 1] = digits[(uint8_t)b->p[i] & 15];
	}
	out[b->len * 2] = '\0';
	return out;
}

/* The bytes are exactly want (hex); prints what they are when not. */
static void
expect_hex(const char *what, const struct sd_buf *b, const char *want)
{
	char *got = hex_of(b);

	if (strcmp(got, want) != 0)
		fprintf(stderr, "%s: got %s\n", what, got);
	assert_string_equal(got, want);
	free(got);
}

/* Long records are pinned by length and FNV-1a 64. */
static uint64_t
fnv64(const struct sd_buf *b)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < b->len; i++) {
		h ^= (uint8_t)b->p[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void
expect_hash(const char *what, const struct sd_buf *b, size_t len,
    uint64_t hash)
{
	if (b->len != len || fnv64(b) != hash)
		fprintf(stderr, "%s: got len %zu hash 0x%016llxULL\n", what,
		    b->len, (unsigned long long)fnv64(b));
	assert_int_equal(b->len, len);
	assert_true(fnv64(b) == hash);
}

#define SET(dst, s) snprintf(dst, sizeof dst, "%s", s)

/* ---------------------------------------------------------------- tariff, rate */

static void
tariff_bytes(void **state)
{
	struct sd_tariff t, d;
	struct sd_buf b = SD_BUF_INIT;

	(void)state;
	memset(&t, 0, sizeof t);
	SET(t.code, "资费-A1");
	SET(t.name, "国内标准 tariff “夜间” ✓");
	t.rounding = SD_ROUND_DOWN;
	t.version = 0xfedcba9876543210ULL;
	t.nrates = -7;
	t.created = -1700000000LL;
	tariff_encode(&t, &b);
	expect_hex("tariff", &b, TARIFF_HEX);
	assert_int_equal(tariff_decode(b.p, b.len, &d), SD_OK);
	assert_memory_equal(&t, &d, sizeof t);
	sd_buf_free(&b);
}

static void
rate_bytes(void **state)
{
	struct sd_rate r, d;
	struct sd_buf b = SD_BUF_INIT;

	(void)state;
	memset(&r, 0, sizeof r);
	SET(r.prefix, "008613800138000123456789");
	SET(r.name, "长途 · 国际 €");
	r.per_minute_mfen = -123456789012LL;
	r.connect_fen = INT64_MAX;
	r.first_block_s = -30;
	r.increment_s = 2147483647;
	r.band.days = 0xfe;
	r.band.from = -32000;
	r.band.to = 32000;
	r.band.set = 1;
	r.bundle = 1;
	rate_encode(&r, &b);
	expect_hex("rate", &b, RATE_HEX);
	assert_int_equal(rate_decode(b.p, b.len, &d), SD_OK);
	assert_memory_equal(&r, &d, sizeof r);

	/* Band set and bundle read as flags: any non-zero is 1. */
	r.band.set = 7;
	r.bundle = -2;
	rate_encode(&r, &b);
	assert_int_equal(rate_decode(b.p, b.len, &d), SD_OK);
	assert_int_equal(d.band.set, 1);
	assert_int_equal(d.bundle, 1);
	sd_buf_free(&b);
}

/* ---------------------------------------------------------------- cdr, usage */

static void
cdr_bytes(void **state)
{
	struct sd_cdr c, d;
	struct sd_buf b = SD_BUF_INIT;

	(void)state;
	memset(&c, 0, sizeof c);
	c.id = 0x8000000000000001ULL;
	c.sub = 4294967296ULL;
	c.customer = 12345;
	SET(c.msisdn, "13800138000");
	c.direction = -1;
	SET(c.other, "+8610 “北京” 12345678");
	c.start = 1767225600LL;
	c.answer = -5;
	c.duration = 2147483647;
	c.billsec = -2147483647 - 1;
	SET(c.uniq, "asterisk-1767225600.42-唯一");
	SET(c.source, "freeswitch");
	SET(c.prefix, "861");
	SET(c.rate_name, "国内通话 national");
	c.unit_mfen = 150000;
	c.billable_s = 61;
	c.bundle_min = 3;
	c.cost_fen = -99999999999LL;
	c.month = 202612;
	cdr_encode(&c, &b);
	expect_hex("cdr", &b, CDR_HEX);
	assert_int_equal(cdr_decode(b.p, b.len, &d), SD_OK);
	assert_memory_equal(&c, &d, sizeof c);
	sd_buf_free(&b);
}

static void
usage_fill(struct sd_usage *u)
{
	memset(u, 0, sizeof *u);
	u->sub = 77;
	u->month = 202601;
	u->calls = 1234567890123L;
	u->answered = -4;
	u->seconds = 86400L * 365;
	u->bundle_min = -1;
	u->billable_s = 9L << 40;
	u->call_fee_fen = INT64_MIN;
	u->sms = 42;
}

static void
usage_bytes(void **state)
{
	struct sd_usage u, d;
	struct sd_buf b = SD_BUF_INIT;

	(void)state;
	usage_fill(&u);
	usage_encode(&u, &b);
	/* As usage_store wrote it (cdr.c): the figures, not sub and month. */
	expect_hex("usage", &b, USAGE_HEX);
	memset(&d, 0, sizeof d);
	d.sub = u.sub;
	d.month = u.month;
	assert_int_equal(usage_decode(b.p, b.len, &d), SD_OK);
	assert_memory_equal(&u, &d, sizeof u);
	sd_buf_free(&b);
}

/* ---------------------------------------------------------------- bill */

static void
bill_line_fill(struct sd_bill_line *l, int i)
{
	l->kind = i % (SD_BL_ADJUST + 1);
	l->sub = 1000000000000ULL + (uint64_t)i;
	snprintf(l->msisdn, sizeof l->msisdn, "1390000%04u",
	    (unsigned)(i % 10000) & 0x1fff);
	snprintf(l->code, sizeof l->code, "套餐%d", i);
	snprintf(l->text, sizeof l->text, "第 %d 行 line “%d”", i, i);
	l->amount_fen = i % 2 ? -(int64_t)i * 101 : (int64_t)i << 33;
}

static void
bill_fill(struct sd_bill *x, int nlines)
{
	memset(x, 0, sizeof *x);
	x->customer = 0xffffffffffffffffULL;
	x->month = 202602;
	SET(x->name, "张三 Zhang San 株式会社");
	SET(x->phone, "13912345678");
	SET(x->plans, "畅聊 58 元套餐, 流量包");
	for (int i = 0; i < nlines; i++)
		bill_line_fill(&x->lines[i], i);
	x->nlines = nlines;
	x->plan_fee_fen = 5800;
	x->vas_fee_fen = -1;
	x->call_fee_fen = 1LL << 50;
	x->one_off_fen = -(1LL << 50);
	x->adjust_fen = -250;
	x->total_fen = 123456789;
	x->paid_fen = 0;
	x->posted_plan_fen = 5799;
	x->posted_vas_fen = -2;
	x->posted_call_fen = INT64_MAX;
	x->created = 1767225600LL;
}

static void
bill_bytes(void **state)
{
	struct sd_bill *x = malloc(sizeof *x), *d = malloc(sizeof *d);
	struct sd_buf b = SD_BUF_INIT;

	(void)state;
	assert_non_null(x);
	assert_non_null(d);
	bill_fill(x, 3);
	bill_encode(x, &b);
	expect_hex("bill", &b, BILL_HEX);
	assert_int_equal(bill_decode(b.p, b.len, d), SD_OK);
	assert_memory_equal(x, d, sizeof *x);

	/* Every line. */
	bill_fill(x, SD_BILL_LINES_MAX);
	bill_encode(x, &b);
	expect_hash("bill, full", &b, BILL_FULL_LEN, BILL_FULL_HASH);
	assert_int_equal(bill_decode(b.p, b.len, d), SD_OK);
	assert_memory_equal(x, d, sizeof *x);

	/* No lines. */
	bill_fill(x, 0);
	bill_encode(x, &b);
	assert_int_equal(bill_decode(b.p, b.len, d), SD_OK);
	assert_memory_equal(x, d, sizeof *x);

	/* A line's fields before its kind, and lines past the last that fits,
	 * are passed over. */
	{
		struct sd_bill_line l;

		sd_rec_begin(&b);
		sd_rec_int(&b, 7, 99);		/* B_L_SUB, no line yet */
		for (int i = 0; i <= SD_BILL_LINES_MAX; i++) {
			memset(&l, 0, sizeof l);
			bill_line_fill(&l, i);
			sd_rec_int(&b, 6, l.kind);
			sd_rec_int(&b, 7, (int64_t)l.sub);
			sd_rec_str(&b, 8, l.msisdn);
			sd_rec_str(&b, 9, l.code);
			sd_rec_str(&b, 10, l.text);
			sd_rec_int(&b, 11, l.amount_fen);
		}
		sd_rec_int(&b, 17, 5);		/* B_TOTAL after them */
		assert_int_equal(bill_decode(b.p, b.len, d), SD_OK);
		bill_fill(x, SD_BILL_LINES_MAX);
		assert_int_equal(d->nlines, SD_BILL_LINES_MAX);
		assert_memory_equal(x->lines, d->lines, sizeof x->lines);
		assert_true(d->total_fen == 5);
	}
	sd_buf_free(&b);
	free(x);
	free(d);
}

/* ---------------------------------------------------------------- adjust */

static void
adjust_bytes(void **state)
{
	struct adjust_rec a, d;
	struct sd_buf b = SD_BUF_INIT;

	(void)state;
	memset(&a, 0, sizeof a);
	a.amount_fen = -123456;
	SET(a.reason, "话费减免 goodwill “补偿”");
	SET(a.by, "超级用户admin");
	/* As adjust_txn wrote it (bill_show.c): amount, reason, by. */
	adjust_encode(&a, &b);
	expect_hex("adjust", &b, ADJUST_HEX);
	assert_int_equal(adjust_decode(b.p, b.len, &d), SD_OK);
	assert_memory_equal(&a, &d, sizeof a);
	sd_buf_free(&b);
}

/* ---------------------------------------------------------------- receipt, shift, print job */

static void
receipt_fill(struct sd_receipt *r, int nalloc)
{
	memset(r, 0, sizeof *r);
	SET(r->number, "柜台A00000042");
	r->customer = 9007199254740993ULL;
	SET(r->name, "李四 Lǐ Sì");
	SET(r->phone, "+86 139-0000-0000");
	r->amount_fen = -100;
	SET(r->method, "wechat");
	SET(r->note, "预存 prepaid “年费”");
	SET(r->cashier, "收银员cashier");
	r->at = 1767225600LL;
	for (int i = 0; i < nalloc; i++) {
		r->months[i] = 202500 + i;
		r->alloc_fen[i] = i % 2 ? -(int64_t)i : (int64_t)i << 40;
	}
	r->nalloc = nalloc;
	r->credit_fen = INT64_MIN + 1;
	r->balance_after_fen = -5;
	r->voided = 1;
	SET(r->void_reason, "重复收费 duplicate");
	SET(r->void_by, "主管supervisor");
	r->void_at = 1767229200LL;
	r->prints = 3;
}

static void
receipt_bytes(void **state)
{
	struct sd_receipt r, d;
	struct sd_buf b = SD_BUF_INIT;

	(void)state;
	receipt_fill(&r, 2);
	receipt_encode(&r, &b);
	expect_hex("receipt", &b, RECEIPT_HEX);
	assert_int_equal(receipt_decode(b.p, b.len, &d), SD_OK);
	assert_memory_equal(&r, &d, sizeof r);

	receipt_fill(&r, SD_RECEIPT_ALLOC_MAX);
	receipt_encode(&r, &b);
	expect_hash("receipt, full", &b, RECEIPT_FULL_LEN, RECEIPT_FULL_HASH);
	assert_int_equal(receipt_decode(b.p, b.len, &d), SD_OK);
	assert_memory_equal(&r, &d, sizeof r);

	receipt_fill(&r, 0);
	receipt_encode(&r, &b);
	assert_int_equal(receipt_decode(b.p, b.len, &d), SD_OK);
	assert_memory_equal(&r, &d, sizeof r);
	sd_buf_free(&b);
}

static void
shift_bytes(void **state)
{
	struct sd_shift sh, d, want;
	struct sd_buf b = SD_BUF_INIT;

	(void)state;
	memset(&sh, 0, sizeof sh);
	SET(sh.cashier, "收银员cashier");
	sh.from = -1;
	sh.to = 1767225600LL;
	SET(sh.first, "柜台A00000001");
	SET(sh.last, "柜台A00000099");
	sh.receipts = 99L;
	sh.voids = 7;
	sh.voided_fen = -3;
	for (int i = 0; i < 4; i++)
		sh.by_method[i] = 100 * (i + 1);
	sh.expected_cash_fen = 1LL << 45;
	sh.counted_cash_fen = -1;
	/* As shift_txn wrote it (pay.c): first, last, receipts, expected and
	 * counted cash; the rest is not stored. */
	shift_encode(&sh, &b);
	expect_hex("shift", &b, SHIFT_HEX);
	assert_int_equal(shift_decode(b.p, b.len, &d), SD_OK);
	memset(&want, 0, sizeof want);
	memcpy(want.first, sh.first, sizeof want.first);
	memcpy(want.last, sh.last, sizeof want.last);
	want.receipts = sh.receipts;
	want.expected_cash_fen = sh.expected_cash_fen;
	want.counted_cash_fen = sh.counted_cash_fen;
	assert_memory_equal(&want, &d, sizeof d);
	sd_buf_free(&b);
}

static void
printjob_bytes(void **state)
{
	struct printjob j = { "", "", SD_BUF_INIT, 0 };
	struct printjob d = { "x", "y", SD_BUF_INIT, 5 };
	struct sd_buf b = SD_BUF_INIT;

	(void)state;
	SET(j.printer, "前台printer");
	SET(j.number, "柜台A00000042");
	sd_buf_adds(&j.text, "  收据 RECEIPT\n金额 ¥-1.00\n\n");
	j.at = 1767225600LL;
	/* As job_txn wrote it (pay.c): printer, number, text, queued at. */
	printjob_encode(&j, &b);
	expect_hex("printjob", &b, PRINTJOB_HEX);
	sd_buf_adds(&d.text, "left over");
	assert_int_equal(printjob_decode(b.p, b.len, &d), SD_OK);
	assert_string_equal(d.printer, j.printer);
	assert_string_equal(d.number, j.number);
	assert_int_equal(d.text.len, j.text.len);
	assert_memory_equal(d.text.p, j.text.p, j.text.len);
	assert_true(d.at == j.at);
	assert_int_equal(printjob_decode("", 0, &d), SD_EINTERNAL);
	sd_buf_free(&j.text);
	sd_buf_free(&d.text);
	sd_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tariff_bytes),
		cmocka_unit_test(rate_bytes),
		cmocka_unit_test(cdr_bytes),
		cmocka_unit_test(usage_bytes),
		cmocka_unit_test(bill_bytes),
		cmocka_unit_test(adjust_bytes),
		cmocka_unit_test(receipt_bytes),
		cmocka_unit_test(shift_bytes),
		cmocka_unit_test(printjob_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
