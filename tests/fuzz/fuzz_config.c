/*
 * fuzz_config.c -- libFuzzer target: simdesk.conf parsing must never
 * crash, and an accepted file must leave a usable configuration.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sd_config c;
	struct sd_err e;
	char *text;

	if (size > 65536 || memmem(data, size, "@include", 8) != NULL)
		return 0;	/* includes would read the fuzzing host's files */
	text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	sd_config_defaults(&c);
	if (sd_config_parse(&c, text, "fuzz.conf", &e) == SD_OK) {
		if (c.data_dir[0] == '\0' || c.lock_failures < 1)
			abort();
	} else if (strchr(e.msg, '\n') != NULL)
		abort();	/* errors are one line */
	free(text);
	return 0;
}
