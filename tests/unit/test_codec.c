/*
 * test_codec.c -- the record codec, big-endian keys, index key sets and
 * buffers: round trips, forward compatibility (unknown tags skipped) and
 * rejection of every kind of malformed record.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "db/db.h"

static void
roundtrip_ints(void **state)
{
	static const int64_t v[] = { 0, 1, -1, 63, -64, 64, 300, -300,
	    INT64_MAX, INT64_MIN, 1234567890123LL };
	struct sd_buf b = SD_BUF_INIT;
	struct sd_rec_reader r;
	size_t n = sizeof v / sizeof v[0];

	(void)state;
	sd_rec_begin(&b);
	for (size_t i = 0; i < n; i++)
		sd_rec_int(&b, (unsigned)i + 1, v[i]);
	assert_int_equal(sd_rec_open(&r, b.p, b.len), SD_OK);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(sd_rec_next(&r), 1);
		assert_int_equal(r.tag, i + 1);
		assert_int_equal(r.type, SD_REC_INT);
		assert_true(r.ival == v[i]);
	}
	assert_int_equal(sd_rec_next(&r), 0);
	sd_buf_free(&b);
}

static void
roundtrip_strings_and_skip_unknown(void **state)
{
	struct sd_buf b = SD_BUF_INIT;
	struct sd_rec_reader r;
	char out[8];
	int seen = 0;

	(void)state;
	sd_rec_begin(&b);
	sd_rec_str(&b, 1, "王小明");
	sd_rec_int(&b, 900, 42);		/* a field from the future */
	sd_rec_bytes(&b, 901, "\0\1\2", 3);
	sd_rec_str(&b, 2, "");			/* defaults are left out */
	sd_rec_str(&b, 3, "0123456789");
	sd_rec_bytes(&b, 4, "ab\0cd", 5);	/* found by fuzz_record */
	assert_int_equal(sd_rec_open(&r, b.p, b.len), SD_OK);
	while (sd_rec_next(&r) == 1) {
		if (r.tag == 1) {
			assert_int_equal(r.blen, strlen("王小明"));
			assert_memory_equal(r.bytes, "王小明", r.blen);
			seen++;
		} else if (r.tag == 3) {
			sd_rec_copystr(&r, out, sizeof out);
			assert_string_equal(out, "0123456");	/* truncated */
			seen++;
		} else if (r.tag == 4) {
			memset(out, 'x', sizeof out);
			sd_rec_copystr(&r, out, sizeof out);
			assert_memory_equal(out, "ab\0\0\0\0\0\0", 8);	/* stops at NUL */
			seen++;
		} else
			assert_true(r.tag == 900 || r.tag == 901);
		assert_int_not_equal(r.tag, 2);
	}
	assert_int_equal(seen, 3);
	sd_buf_free(&b);
}

static void
malformed_records(void **state)
{
	struct sd_rec_reader r;
	/* wrong version */
	static const uint8_t v2[] = { 2, 8, 2 };
	/* truncated varint */
	static const uint8_t tv[] = { 1, 8, 0x80 };
	/* bytes longer than the record */
	static const uint8_t lo[] = { 1, 0x0a, 5, 'a', 'b' };
	/* an unknown wire type */
	static const uint8_t ty[] = { 1, 0x0b, 1 };
	/* a varint of more than 64 bits */
	static const uint8_t big[] = { 1, 8, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0x7f };

	(void)state;
	assert_int_not_equal(sd_rec_open(&r, v2, sizeof v2), SD_OK);
	assert_int_not_equal(sd_rec_open(&r, v2, 0), SD_OK);
	assert_int_equal(sd_rec_open(&r, tv, sizeof tv), SD_OK);
	assert_int_equal(sd_rec_next(&r), -1);
	assert_int_equal(sd_rec_open(&r, lo, sizeof lo), SD_OK);
	assert_int_equal(sd_rec_next(&r), -1);
	assert_int_equal(sd_rec_open(&r, ty, sizeof ty), SD_OK);
	assert_int_equal(sd_rec_next(&r), -1);
	assert_int_equal(sd_rec_open(&r, big, sizeof big), SD_OK);
	assert_int_equal(sd_rec_next(&r), -1);
}

static void
be64_orders_numerically(void **state)
{
	uint8_t a[8], b[8];

	(void)state;
	sd_be64_put(a, 255);
	sd_be64_put(b, 256);
	assert_true(memcmp(a, b, 8) < 0);
	sd_be64_put(a, 0x0102030405060708ULL);
	assert_int_equal(a[0], 1);
	assert_int_equal(a[7], 8);
	assert_true(sd_be64_get(a) == 0x0102030405060708ULL);
}

static void
keys_dedupe(void **state)
{
	struct sd_keys k;

	(void)state;
	memset(&k, 0, sizeof k);
	sd_keys_add(&k, "a", 1);
	sd_keys_add(&k, "b", 1);
	sd_keys_add(&k, "a", 1);
	assert_int_equal(k.n, 2);
	for (int i = 0; i < 40; i++) {
		char c = (char)('c' + i);

		sd_keys_add(&k, &c, 1);
	}
	assert_int_equal(k.n, SD_KEYS_MAX);
	sd_buf_free(&k.buf);
}

static void
buffers(void **state)
{
	struct sd_buf b = SD_BUF_INIT;
	struct sd_err e;

	(void)state;
	assert_string_equal(sd_buf_cstr(&b), "");
	for (int i = 0; i < 1000; i++)
		sd_buf_printf(&b, "%d,", i);
	assert_int_equal(b.len, strlen(b.p));
	assert_memory_equal(b.p + b.len - 4, "999,", 4);
	sd_buf_reset(&b);
	assert_string_equal(sd_buf_cstr(&b), "");
	sd_buf_free(&b);
	assert_int_equal(sd_err_set(&e, SD_EINVAL, "x: %s", "bad"), SD_EINVAL);
	assert_string_equal(e.msg, "x: bad");
	assert_int_equal(sd_status_exit(SD_EEXIST), 6);
	assert_int_equal(sd_status_exit(SD_ERETRY), 9);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(roundtrip_ints),
		cmocka_unit_test(roundtrip_strings_and_skip_unknown),
		cmocka_unit_test(malformed_records),
		cmocka_unit_test(be64_orders_numerically),
		cmocka_unit_test(keys_dedupe),
		cmocka_unit_test(buffers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
