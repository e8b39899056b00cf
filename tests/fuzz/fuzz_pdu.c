/*
 * fuzz_pdu.c -- libFuzzer target: the SMS PDU decoder on arbitrary hex,
 * reassembly of what it decodes, and the encoder on arbitrary text, whose
 * parts must decode back to SUBMITs of the same number.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/drivers.h"
#include "core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct drv_sms *m = malloc(sizeof *m), *out = malloc(sizeof *out);
	struct drv_concat *c = malloc(sizeof *c);
	struct drv_pdu_out *p = malloc(8 * sizeof *p);
	char *s = malloc(size + 1);
	int n;

	memcpy(s, data, size);
	s[size] = '\0';
	drv_concat_init(c, 10);
	if (drv_pdu_decode(s, m, NULL) == SD_OK) {
		if (!sd_utf8_valid(m->text, strlen(m->text)))
			abort();
		(void)drv_concat_add(c, m, 0, out);
		(void)drv_concat_add(c, m, 1, out);
		(void)drv_concat_expire(c, 100, out);
	}
	if (drv_pdu_submit(s, "+8613800138000", 1, 0, p, 8, &n, NULL) == SD_OK)
		for (int i = 0; i < n; i++)
			if (drv_pdu_decode(p[i].hex, m, NULL) != SD_OK ||
			    m->type != DRV_SMS_SUBMIT ||
			    strcmp(m->addr, "+8613800138000") != 0)
				abort();
	free(m); free(out); free(c); free(p); free(s);
	return 0;
}
