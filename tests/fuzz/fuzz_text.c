/*
 * fuzz_text.c -- libFuzzer target: width, fitting, money, rate and time
 * parsing on arbitrary bytes.  Fitting never exceeds the columns asked
 * for and always yields valid UTF-8; money round-trips exactly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sd_buf b = SD_BUF_INIT;
	char *s, out[64];
	int64_t v, v2;
	int cols;

	if (size == 0 || size > 4096)
		return 0;
	cols = data[0] % 40;
	s = malloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	(void)sd_width(s);
	if (sd_width_fit(&b, s, cols, 1) != cols ||
	    sd_width(sd_buf_cstr(&b)) != cols ||
	    !sd_utf8_valid(sd_buf_cstr(&b), b.len))
		abort();
	if (sd_money_parse(s, &v) == SD_OK) {
		sd_money_format(v, out, sizeof out);
		if (sd_money_parse(out, &v2) != SD_OK || v2 != v)
			abort();
	}
	(void)sd_rate_parse(s, &v);
	(void)sd_time_parse(s, &v);
	sd_buf_free(&b);
	free(s);
	return 0;
}
