/*
 * fuzz_csv.c -- libFuzzer target: CSV as users bring it (any bytes, any
 * quoting, UTF-8 or GB18030) is read or refused with file:line, never a
 * crash; every cell that comes out is valid UTF-8.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sd_table t;
	struct sd_err e;

	if (size > 65536)
		return 0;
	if (sd_table_parse_csv("fuzz.csv", (const char *)data, size,
	    SD_ENC_AUTO, &t, &e) != SD_OK) {
		if (strncmp(e.msg, "fuzz.csv:", 9) != 0 || strchr(e.msg, '\n'))
			abort();	/* errors name file:line, in one line */
		return 0;
	}
	for (int r = 0; r < t.nrows; r++) {
		if (t.ncells[r] < 1 || t.ncells[r] > t.ncols || t.lines[r] < 1)
			abort();
		for (int c = 0; c < t.ncells[r]; c++)
			if (!sd_utf8_valid(t.cells[r][c], strlen(t.cells[r][c])))
				abort();
	}
	sd_table_free(&t);
	return 0;
}
