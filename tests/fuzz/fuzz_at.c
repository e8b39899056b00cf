/*
 * fuzz_at.c -- libFuzzer target: arbitrary modem output into the AT engine
 * with commands in flight (prompts, deadlines, URCs with PDUs), and every
 * information line through the reply parsers (+CREG, +CUSD, +CLIP,
 * +CLCC, ICCIDs).  The engine's queue never overflows or leaks.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/drivers_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
nowrite(void *io, const void *p, size_t n)
{
	(void)io; (void)p; (void)n;
}

static void
parse_all(const char *line)
{
	struct drv_creg c;
	struct drv_ussd u;
	struct drv_clcc l;
	char out[64];

	(void)drv_creg_parse(line, 0, &c, NULL);
	(void)drv_creg_parse(line, 1, &c, NULL);
	(void)drv_cusd_parse(line, &u, NULL);
	(void)drv_clcc_parse(line, &l);
	(void)drv_clip_parse(line, out, sizeof out);
	(void)drv_iccid_parse(line, out, sizeof out);
}

static void
done(void *arg, const struct at_result *r)
{
	(void)arg;
	for (int i = 0; i < r->ninfo; i++)
		parse_all(r->info[i]);
}

static void
urc(void *arg, const char *line, const char *pdu)
{
	(void)arg;
	parse_all(line);
	if (pdu != NULL) {
		struct drv_sms *m = malloc(sizeof *m);

		(void)drv_pdu_decode(pdu, m, NULL);
		free(m);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const cmds[] = { "AT+CREG?", "AT+CLCC", "AT+CSQ",
	    "AT+CMGS=20", "AT+CCID", "ATD10086;" };
	struct at_engine *e = malloc(sizeof *e);
	int64_t now = 0;

	at_engine_init(e, nowrite, NULL, urc, NULL);
	for (size_t i = 0; i < size;) {
		size_t n = 1 + data[i] % 32;

		if (data[i] % 5 == 0)
			at_queue(e, cmds[data[i] % 6], data[i] % 6 == 3 ? "00" :
			    NULL, 100, done, NULL, now);
		i++;
		if (i + n > size)
			n = size - i;
		at_feed(e, (const char *)data + i, n, now);
		i += n;
		now += 37;
		at_tick(e, now);
	}
	at_fail_all(e, now);
	at_engine_free(e);
	free(e);
	return 0;
}
