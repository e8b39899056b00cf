/*
 * test_pdu.c -- the SMS/USSD/registration decoders: the recorded replies of
 * real modems in ../shared/conformance (fed through the AT engine as a
 * modem would send them), and vectors of our own worked out by hand:
 * UCS2 Chinese, 16-bit references, a character outside the BMP split
 * across two parts, and the encoder's splitting rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>

#include <cmocka.h>

#include "drivers/drivers_int.h"

/* ---------------------------------------------------------------- helpers */

static char *
slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long len;

	if (f == NULL)
		return NULL;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)len + 1);
	*n = fread(p, 1, (size_t)len, f);
	p[*n] = '\0';
	fclose(f);
	return p;
}

static const char *
conf_dir(void)
{
	const char *d = getenv("SD_CONFORMANCE");

	return d != NULL ? d : "../shared/conformance/gammu";
}

static void
nowrite(void *io, const void *p, size_t n)
{
	(void)io; (void)p; (void)n;
}

struct got {
	int		 done;
	struct sd_buf	 lines;		/* info lines, \n after each */
	int		 final;
	char		 urc[2048];
};

static void
on_done(void *arg, const struct at_result *r)
{
	struct got *g = arg;

	g->done = 1;
	g->final = r->final;
	for (int i = 0; i < r->ninfo; i++) {
		sd_buf_adds(&g->lines, r->info[i]);
		sd_buf_addc(&g->lines, '\n');
	}
}

static void
on_urc(void *arg, const char *line, const char *pdu)
{
	struct got *g = arg;

	(void)pdu;
	sd_strlcpy(g->urc, line, sizeof g->urc);
}

/* Feed a dump into an engine with cmd in flight; info lines in g. */
static void
replay(const char *path, const char *cmd, struct got *g)
{
	struct at_engine e;
	size_t n = 0;
	char *text = slurp(path, &n);

	memset(g, 0, sizeof *g);
	if (text == NULL)
		fail_msg("cannot read %s (set SD_CONFORMANCE)", path);
	at_engine_init(&e, nowrite, NULL, on_urc, g);
	if (cmd != NULL)
		assert_int_equal(at_queue(&e, cmd, NULL, 5000, on_done, g, 0), 0);
	at_feed(&e, text, n, 1);
	at_feed(&e, "\r\n", 2, 1);
	at_engine_free(&e);
	free(text);
}

static int
split_lines(struct sd_buf *b, char **out, int max)
{
	int n = 0;
	char *p = b->p;

	while (p != NULL && *p && n < max) {
		char *nl = strchr(p, '\n');

		out[n++] = p;
		if (nl == NULL)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	return n;
}

typedef void (*file_fn)(const char *path, const char *name, int *ok, int *bad);

static void
each_dump(const char *sub, file_fn fn, int *ok, int *bad)
{
	char dir[1024];
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof dir, "%s/%s", conf_dir(), sub);
	if ((d = opendir(dir)) == NULL)
		fail_msg("no conformance folder %s (set SD_CONFORMANCE)", dir);
	while ((de = readdir(d)) != NULL) {
		char path[2048];

		if (strstr(de->d_name, ".dump") == NULL)
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		fn(path, de->d_name, ok, bad);
	}
	closedir(d);
}

/* ---------------------------------------------------------------- conformance */

static void
sms_one(const char *path, const char *name, int *ok, int *bad)
{
	struct got g;
	char *lines[AT_INFO_MAX];
	struct drv_sms *m = malloc(sizeof *m);
	struct sd_err e;
	int n;

	replay(path, "AT+CMGR=1", &g);
	n = split_lines(&g.lines, lines, AT_INFO_MAX);
	if (drv_cmgr_parse(lines, n, m, &e) == SD_OK &&
	    sd_utf8_valid(m->text, strlen(m->text))) {
		(*ok)++;
	} else {
		(*bad)++;
		print_message("# %s: %s\n", name, e.msg);
	}
	sd_buf_free(&g.lines);
	free(m);
}

static void
sms_fail_one(const char *path, const char *name, int *ok, int *bad)
{
	struct got g;
	char *lines[AT_INFO_MAX];
	struct drv_sms *m = malloc(sizeof *m);
	struct sd_err e;
	int n;

	replay(path, "AT+CMGR=1", &g);
	n = split_lines(&g.lines, lines, AT_INFO_MAX);
	sd_err_clear(&e);
	if (drv_cmgr_parse(lines, n, m, &e) != SD_OK && e.msg[0] != '\0' &&
	    strchr(e.msg, '\n') == NULL) {
		(*ok)++;	/* rejected, with a one-line reason */
	} else {
		(*bad)++;
		print_message("# %s: accepted (%s)\n", name, m->text);
	}
	sd_buf_free(&g.lines);
	free(m);
}

static void
conformance_sms(void **state)
{
	int ok = 0, bad = 0;

	(void)state;
	each_dump("at-sms", sms_one, &ok, &bad);
	print_message("# at-sms: %d of %d parse\n", ok, ok + bad);
	assert_int_equal(bad, 0);
	assert_true(ok >= 36);
	ok = bad = 0;
	each_dump("at-sms-failing", sms_fail_one, &ok, &bad);
	print_message("# at-sms-failing: %d of %d rejected\n", ok, ok + bad);
	assert_int_equal(bad, 0);
	assert_true(ok >= 10);
}

static void
ussd_one(const char *path, const char *name, int *ok, int *bad)
{
	struct got g;
	struct drv_ussd u;
	struct sd_err e;

	replay(path, NULL, &g);
	if (drv_cusd_parse(g.urc, &u, &e) == SD_OK && u.text[0] != '\0' &&
	    sd_utf8_valid(u.text, strlen(u.text))) {
		(*ok)++;
		print_message("# %s: [%d] %.70s\n", name, u.dcs, u.text);
	} else {
		(*bad)++;
		print_message("# %s: %s\n", name, e.msg);
	}
	sd_buf_free(&g.lines);
}

static void
conformance_ussd(void **state)
{
	int ok = 0, bad = 0;
	struct drv_ussd u;

	(void)state;
	each_dump("at-ussd", ussd_one, &ok, &bad);
	print_message("# at-ussd: %d of %d decode\n", ok, ok + bad);
	assert_int_equal(bad, 0);
	assert_int_equal(ok, 8);
	/* Known texts: GSM 7-bit packed hex (E160) and UCS2 (DCS 72). */
	assert_int_equal(drv_cusd_parse("+CUSD: 0,\"0414043B044F\",72", &u,
	    NULL), SD_OK);
	assert_string_equal(u.text, "Для");
	assert_int_equal(drv_cusd_parse("+CUSD: 0,\"C8329BFD06\",15", &u,
	    NULL), SD_OK);
	assert_string_equal(u.text, "Hello");
	assert_int_equal(drv_cusd_parse("+CUSD: 2,\"Balance 3.00\",0", &u,
	    NULL), SD_OK);
	assert_string_equal(u.text, "Balance 3.00");
	assert_int_equal(u.status, 2);
	assert_int_equal(drv_cusd_parse("+CUSD: 7,\"x\",15", &u, NULL),
	    SD_EINVAL);
	/* A status alone (the network does not support it), spaces kept out. */
	assert_int_equal(drv_cusd_parse("+CUSD: 4", &u, NULL), SD_OK);
	assert_int_equal(u.status, 4);
	assert_string_equal(u.text, "");
	assert_int_equal(drv_cusd_parse("+CUSD:  1 , \"Reply 1 or 2\", 15", &u,
	    NULL), SD_OK);
	assert_int_equal(u.status, 1);
	assert_string_equal(u.text, "Reply 1 or 2");
	{
		char f[2][128];

		/* Fewer fields than there are: the last one wanted is trimmed. */
		assert_int_equal(drv_at_fields("+X:  a ,b,c", f, 1), 1);
		assert_string_equal(f[0], "a");
		assert_int_equal(drv_at_fields("+X: a, b ,c", f, 2), 2);
		assert_string_equal(f[1], "b");
	}
}

static void
creg_one(const char *path, const char *name, int *ok, int *bad)
{
	struct got g;
	struct drv_creg c;
	struct sd_err e;
	const char *line;

	replay(path, "AT+CREG?", &g);
	line = g.lines.p != NULL ? strstr(g.lines.p, "+CREG:") : NULL;
	if (!g.done || g.final != AT_R_OK) {
		(*bad)++;
		print_message("# %s: no OK\n", name);
	} else if (line == NULL) {
		(*ok)++;	/* no registration line: state unknown */
	} else {
		char one[256];

		sd_strlcpy(one, line, sizeof one);
		one[strcspn(one, "\n")] = '\0';
		if (drv_creg_parse(one, 1, &c, &e) == SD_OK)
			(*ok)++;
		else {
			(*bad)++;
			print_message("# %s: %s\n", name, e.msg);
		}
	}
	sd_buf_free(&g.lines);
}

static void
conformance_creg(void **state)
{
	int ok = 0, bad = 0;
	struct drv_creg c;

	(void)state;
	each_dump("at-creg", creg_one, &ok, &bad);
	each_dump("at-creg-corner", creg_one, &ok, &bad);
	print_message("# at-creg + at-creg-corner: %d of %d parse\n", ok,
	    ok + bad);
	assert_int_equal(bad, 0);
	assert_int_equal(ok, 9);
	/* Values, by hand from the dumps' text. */
	assert_int_equal(drv_creg_parse("+CREG: 2,1,4CA,81DE445", 1, &c, NULL),
	    SD_OK);
	assert_int_equal(c.stat, 1);
	assert_int_equal(c.lac, 0x4ca);
	assert_int_equal(c.ci, 0x81de445);
	assert_int_equal(drv_creg_parse("+CREG: 2,5,\"2AF5\",\"0B88E350\",2", 1,
	    &c, NULL), SD_OK);
	assert_int_equal(c.stat, 5);
	assert_int_equal(c.lac, 0x2af5);
	assert_int_equal(c.act, 2);
	assert_int_equal(drv_creg_parse("+CREG: 2,1,\"\",\"605F\"", 1, &c, NULL),
	    SD_OK);
	assert_int_equal(c.lac, -1);
	assert_int_equal(c.ci, 0x605f);
	assert_int_equal(drv_creg_parse("+CREG: 2,1,\"0B,\"0100701\",7", 1, &c,
	    NULL), SD_OK);
	assert_int_equal(c.lac, 0x0b);
	assert_int_equal(c.ci, 0x100701);
	assert_int_equal(drv_creg_parse("+CREG: 2,1,\"5E25", 1, &c, NULL), SD_OK);
	assert_int_equal(c.lac, 0x5e25);
	/* The URC form has no mode. */
	assert_int_equal(drv_creg_parse("+CREG: 5,\"2AF5\",\"0B88E350\"", 0, &c,
	    NULL), SD_OK);
	assert_int_equal(c.stat, 5);
	assert_int_equal(drv_creg_parse("+CREG: 9", 0, &c, NULL), SD_EINVAL);
}

/* ---------------------------------------------------------------- own vectors */

static void
known_pdus(void **state)
{
	struct drv_sms *m = malloc(sizeof *m);
	char ts[40];

	(void)state;
	/* The textbook SUBMIT: "hellohello" to +46708251358. */
	assert_int_equal(drv_pdu_decode("0011000B916407281553F80000AA0A"
	    "E8329BFD4697D9EC37", m, NULL), SD_OK);
	assert_int_equal(m->type, DRV_SMS_SUBMIT);
	assert_string_equal(m->addr, "+46708251358");
	assert_string_equal(m->text, "hellohello");
	assert_int_equal(m->enc, DRV_ENC_GSM7);

	/* UCS2 Chinese DELIVER, stamped 2026-12-01 20:54:01 +08:00. */
	assert_int_equal(drv_pdu_decode("0891683108200105F0040D91683158810621F5"
	    "000862211002451023044F60597D", m, NULL), SD_OK);
	assert_int_equal(m->type, DRV_SMS_DELIVER);
	assert_string_equal(m->smsc, "+8613800210500");
	assert_string_equal(m->addr, "+8613851860125");
	assert_string_equal(m->text, "你好");
	assert_int_equal(m->enc, DRV_ENC_UCS2);
	assert_int_equal(m->tz_minutes, 480);
	assert_int_equal(m->timestamp, 1796129641);	/* 12:54:01 UTC */
	drv_sms_time_format(m->timestamp, m->tz_minutes, ts, sizeof ts);
	assert_string_equal(ts, "2026-12-01T20:54:01+08:00");

	/* 16-bit reference 0x1234, part 1 of 2, GSM 7-bit "Hi" after a
	 * 7-octet header (no fill bits). */
	assert_int_equal(drv_pdu_decode("0044" "0B813108100000F0" "0000"
	    "62211002451023" "0A" "06080412340201" "C834", m, NULL), SD_OK);
	assert_int_equal(m->concat_ref, 0x1234);
	assert_int_equal(m->concat_16bit, 1);
	assert_int_equal(m->concat_total, 2);
	assert_int_equal(m->concat_part, 1);
	assert_string_equal(m->addr, "13800100000");
	assert_string_equal(m->text, "Hi");

	/* Rejected, each with its reason. */
	{
		static const char *const bad[] = {
			"", "0", "zz", "00", "0004", "00040B81",
			"0004008100000101010000000005",		/* UD missing */
			"0004008100000A01010000000000",		/* month 0 */
			"00070081000001010100000000",		/* MTI 3 */
			"0C9168310820010500000000000000000000",	/* SMSC > 11 */
		};
		struct sd_err e;

		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			sd_err_clear(&e);
			if (drv_pdu_decode(bad[i], m, &e) == SD_OK)
				fail_msg("accepted bad PDU %zu '%s'", i, bad[i]);
			assert_true(strncmp(e.msg, "PDU:", 4) == 0);
		}
	}
	free(m);
}

static void
split_surrogate(void **state)
{
	struct drv_sms *a = malloc(sizeof *a), *b = malloc(sizeof *b);
	struct drv_sms *out = malloc(sizeof *out);
	struct drv_concat *c = malloc(sizeof *c);

	(void)state;
	/* 好 D83D | DE00 的: U+1F600 cut between its surrogates. */
	assert_int_equal(drv_pdu_decode("0044" "0B813108100000F0" "0008"
	    "62211002451023" "0A" "0500037A0201" "597DD83D", a, NULL), SD_OK);
	assert_int_equal(drv_pdu_decode("0044" "0B813108100000F0" "0008"
	    "62211002451023" "0A" "0500037A0202" "DE007684", b, NULL), SD_OK);
	/* Alone, each half shows a replacement mark, never a broken byte. */
	assert_string_equal(a->text, "好\xef\xbf\xbd");
	assert_string_equal(b->text, "\xef\xbf\xbd的");
	drv_concat_init(c, 60);
	/* Out of order, with a duplicate. */
	assert_int_equal(drv_concat_add(c, b, 100, out), 0);
	assert_int_equal(drv_concat_add(c, b, 101, out), 0);
	assert_int_equal(drv_concat_add(c, a, 102, out), 1);
	assert_string_equal(out->text, "好\xf0\x9f\x98\x80的");
	assert_int_equal(out->concat_received, 2);

	/* A missing part: given up after the timeout, the gap marked. */
	drv_concat_init(c, 60);
	assert_int_equal(drv_concat_add(c, a, 100, out), 0);
	assert_int_equal(drv_concat_expire(c, 150, out), 0);
	assert_int_equal(drv_concat_expire(c, 160, out), 1);
	assert_int_equal(out->concat_received, 1);
	assert_true(strncmp(out->text, "好", 3) == 0);
	free(a); free(b); free(out); free(c);
}

/* Encode, decode every part, reassemble: the text comes back. */
static void
roundtrip(const char *text, int want_parts, int want_enc, int first_units)
{
	struct drv_pdu_out *p = malloc(16 * sizeof *p);
	struct drv_sms *m = malloc(sizeof *m), *out = malloc(sizeof *out);
	struct drv_concat *c = malloc(sizeof *c);
	int n, done = 0;
	struct sd_err e;

	assert_int_equal(drv_pdu_submit(text, "+8613800138000", 77, 0, p, 16, &n,
	    &e), SD_OK);
	assert_int_equal(n, want_parts);
	drv_concat_init(c, 60);
	for (int i = 0; i < n; i++) {
		assert_int_equal((int)strlen(p[i].hex), 2 + 2 * p[i].tpdu_len);
		assert_int_equal(drv_pdu_decode(p[i].hex, m, &e), SD_OK);
		assert_int_equal(m->type, DRV_SMS_SUBMIT);
		assert_string_equal(m->addr, "+8613800138000");
		assert_int_equal(m->enc, want_enc);
		if (i == 0 && first_units >= 0)
			assert_int_equal(m->nunits, first_units);
		if (n > 1) {
			assert_int_equal(m->concat_ref, 77);
			assert_int_equal(m->concat_part, i + 1);
		}
		done = drv_concat_add(c, m, 0, out);
	}
	assert_int_equal(done, 1);
	assert_string_equal(out->text, text);
	free(p); free(m); free(out); free(c);
}

static void
encoder(void **state)
{
	char s[2048];
	struct drv_pdu_out p[4];
	int n;
	struct sd_err e;

	(void)state;
	roundtrip("hello", 1, DRV_ENC_GSM7, 5);
	roundtrip("价格 €5 [优惠]", 1, DRV_ENC_UCS2, -1);
	roundtrip("Price: €5 [net] {ok} ~^|\\", 1, DRV_ENC_GSM7, -1);
	/* 160 septets fit one part; 161 take two of 153 + 8. */
	memset(s, 'a', 160); s[160] = '\0';
	roundtrip(s, 1, DRV_ENC_GSM7, 160);
	memset(s, 'a', 161); s[161] = '\0';
	roundtrip(s, 2, DRV_ENC_GSM7, 153);
	/* An escape is never split: 152 a's and a euro sign. */
	memset(s, 'a', 152); strcpy(s + 152, "€bbbbbbbbbb");
	roundtrip(s, 2, DRV_ENC_GSM7, 152);
	/* UCS2: 70 Chinese characters in one part, 71 in 67 + 4. */
	s[0] = '\0';
	for (int i = 0; i < 70; i++) strcat(s, "中");
	roundtrip(s, 1, DRV_ENC_UCS2, 70);
	strcat(s, "文");
	roundtrip(s, 2, DRV_ENC_UCS2, 67);
	/* A surrogate pair at the cut moves whole to the next part. */
	s[0] = '\0';
	for (int i = 0; i < 66; i++) strcat(s, "中");
	strcat(s, "😀尾巴尾巴尾巴尾巴尾巴");
	roundtrip(s, 2, DRV_ENC_UCS2, 66);
	/* Bad input, named. */
	assert_int_equal(drv_pdu_submit("hi", "13x", 1, 0, p, 4, &n, &e),
	    SD_EINVAL);
	assert_true(strncmp(e.msg, "number:", 7) == 0);
	assert_int_equal(drv_pdu_submit("", "138", 1, 0, p, 4, &n, &e),
	    SD_EINVAL);
	assert_int_equal(drv_pdu_submit("\xff", "138", 1, 0, p, 4, &n, &e),
	    SD_EINVAL);
	memset(s, 'a', 1000); s[1000] = '\0';
	assert_int_equal(drv_pdu_submit(s, "138", 1, 0, p, 4, &n, &e),
	    SD_EINVAL);
}

static void
iccids(void **state)
{
	char out[24];

	(void)state;
	assert_int_equal(drv_iccid_parse("+CCID: 89860012345678901234", out,
	    sizeof out), 0);
	assert_string_equal(out, "89860012345678901234");
	assert_int_equal(drv_iccid_parse("^ICCID: \"8986001234567890123F\"", out,
	    sizeof out), 0);
	assert_string_equal(out, "8986001234567890123");
	/* EF ICCID as read with +CRSM: swapped BCD with an F pad. */
	assert_int_equal(drv_iccid_parse("+CRSM: 144,0,\"986800214365870921F3\"",
	    out, sizeof out), 0);
	assert_string_equal(out, "8986001234567890123");
	/* Some modems hand the swapped form straight from +CCID. */
	assert_int_equal(drv_iccid_parse("+CCID: 98680021436587092143", out,
	    sizeof out), 0);
	assert_string_equal(out, "89860012345678901234");
	assert_int_equal(drv_iccid_parse("89860012345678901234", out,
	    sizeof out), 0);
	assert_int_equal(drv_iccid_parse("+CCID: 1234", out, sizeof out), -1);
	assert_int_equal(drv_iccid_parse("+CRSM: 148,4,\"\"", out, sizeof out),
	    -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(conformance_sms),
		cmocka_unit_test(conformance_ussd),
		cmocka_unit_test(conformance_creg),
		cmocka_unit_test(known_pdus),
		cmocka_unit_test(split_surrogate),
		cmocka_unit_test(encoder),
		cmocka_unit_test(iccids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
