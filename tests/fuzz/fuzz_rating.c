/*
 * fuzz_rating.c -- libFuzzer target for what tariff files and call records
 * feed the rater: time bands, dialled numbers and grading rules from
 * arbitrary bytes; a parsed band formats back to one that parses the same;
 * rating a random number on a small tariff never fails but by "no rate".
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sd_ratetab *rt;

static void
setup(void)
{
	struct sd_tariff t;
	struct sd_rate r[3];
	struct sd_err e;

	memset(&t, 0, sizeof t);
	memset(r, 0, sizeof r);
	strcpy(r[0].prefix, "1");
	r[0].per_minute_mfen = 15000;
	r[0].first_block_s = 60;
	r[0].increment_s = 6;
	r[0].bundle = 1;
	strcpy(r[1].prefix, "10");
	r[1].per_minute_mfen = 30000;
	r[1].first_block_s = 1;
	r[1].increment_s = 1;
	sd_band_parse("Fri-Tue 22:00-07:30", &r[1].band, &e);
	strcpy(r[2].prefix, "10");
	r[2].per_minute_mfen = 90000;
	r[2].connect_fen = 10;
	t.rounding = SD_ROUND_HALF_UP;
	rt = sd_ratetab_build(&t, r, 3);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sd_band b, b2;
	struct sd_rating rating;
	struct sd_err e;
	char *s, out[64], digits[48];
	int left;

	if (rt == NULL)
		setup();
	if (size < 5 || size > 512)
		return 0;
	s = malloc(size - 4);
	memcpy(s, data + 4, size - 5);
	s[size - 5] = '\0';
	if (sd_band_parse(s, &b, &e) == SD_OK) {
		sd_band_format(&b, out, sizeof out);
		if (sd_band_parse(out, &b2, &e) != SD_OK || b2.days != b.days ||
		    b2.from != b.from || b2.to != b.to || b2.set != b.set)
			abort();
	}
	(void)sd_grade_rule_match(s, "13912345678");
	if (sd_number_normalize(s, digits, sizeof digits) == 0) {
		int64_t at = (int64_t)(data[0] | data[1] << 8 | data[2] << 16) * 7;
		int secs = data[3] * 37;

		left = data[0] % 5;
		int st = sd_rate_call(rt, digits, at, secs, &left, &rating);

		if (st != SD_OK && st != SD_ENOTFOUND)
			abort();
		if (st == SD_OK && (rating.cost_fen < 0 || left < 0 ||
		    (secs > 0 && rating.billable_s == 0 && rating.bundle_min == 0)))
			abort();
	}
	free(s);
	return 0;
}
