/*
 * atparse.c -- the information lines of AT replies (3GPP TS 27.007 and
 * 27.005): registration (+CREG, with the odd quoting real modems send),
 * USSD (+CUSD: GSM 7-bit packed hex, UCS2 hex or plain text by DCS),
 * caller ID, call lists, ICCIDs in their several forms and +CMGR.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/drivers.h"

int
drv_at_fields(const char *line, char fields[][128], int max)
{
	const char *p = strchr(line, ':');
	int n = 0, quotes = 0, inq = 0;
	size_t k = 0;

	p = p != NULL ? p + 1 : line;
	while (*p == ' ')
		p++;
	for (const char *q = p; *q; q++)
		quotes += *q == '"';
	if (max <= 0)
		return 0;
	fields[0][0] = '\0';
	for (; *p; p++) {
		if (*p == '"') {
			if (quotes % 2 == 0)
				inq = !inq;
			continue;	/* unbalanced: quotes are dropped */
		}
		if (*p == ',' && !inq) {
			if (n + 1 == max)
				break;	/* the rest is not wanted */
			fields[n][k] = '\0';
			n++;
			k = 0;
			fields[n][0] = '\0';
			continue;
		}
		if (*p == '\r' || *p == '\n')
			break;
		if (k + 1 < 128)
			fields[n][k++] = *p;
	}
	fields[n][k] = '\0';
	/* Trim the spaces modems put after commas. */
	for (int i = 0; i <= n; i++) {
		char *f = fields[i];
		size_t a = strspn(f, " "), l;

		memmove(f, f + a, strlen(f + a) + 1);
		l = strlen(f);
		while (l > 0 && f[l - 1] == ' ')
			f[--l] = '\0';
	}
	return n + 1;
}

static int
int_field(const char *f, int *out)
{
	char *end;
	long v;

	if (*f == '\0')
		return -1;
	v = strtol(f, &end, 10);
	if (*end != '\0' || v < 0 || v > 100000)
		return -1;
	*out = (int)v;
	return 0;
}

/* LAC and cell id are hex, quoted or not; "" is absent. */
static long
hex_field(const char *f)
{
	char *end;
	long v;

	if (*f == '\0' || strlen(f) > 8)
		return -1;
	v = strtol(f, &end, 16);
	return *end == '\0' ? v : -1;
}

const char *
drv_creg_name(int stat)
{
	static const char *const n[] = { "not registered", "home",
	    "searching", "denied", "unknown", "roaming" };

	return stat >= 0 && stat <= 5 ? n[stat] : "-";
}

int
drv_creg_parse(const char *line, int reply, struct drv_creg *out,
    struct sd_err *err)
{
	char f[6][128];
	int n, i = 0;

	memset(out, 0, sizeof *out);
	out->n = out->stat = -1;
	out->lac = out->ci = -1;
	out->act = -1;
	if (strncmp(line, "+CREG:", 6) != 0)
		return sd_err_set(err, SD_EINVAL, "+CREG: not a registration "
		    "line: %.40s", line);
	n = drv_at_fields(line, f, 6);
	/*
	 * The reply to AT+CREG? starts with the mode n; the URC does not.
	 * A reply of "n,stat,lac,ci" and a URC of "stat,lac,ci,act" both
	 * have four fields: the caller says which it is.
	 */
	if (reply) {
		if (int_field(f[0], &out->n) != 0 || out->n > 3)
			return sd_err_set(err, SD_EINVAL, "+CREG: mode '%.10s' is "
			    "not 0-3", f[0]);
		i = 1;
	}
	if (i >= n || int_field(f[i], &out->stat) != 0 || out->stat > 5)
		return sd_err_set(err, SD_EINVAL, "+CREG: state '%.10s' is not "
		    "0-5", i < n ? f[i] : "");
	if (i + 1 < n)
		out->lac = hex_field(f[i + 1]);
	if (i + 2 < n)
		out->ci = hex_field(f[i + 2]);
	if (i + 3 < n && int_field(f[i + 3], &out->act) != 0)
		out->act = -1;
	return SD_OK;
}

/* ---------------------------------------------------------------- USSD */

static int
all_hex(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n % 2 != 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return 1;
}

static void
ucs2_hex(const char *s, size_t skip_octets, struct sd_buf *out)
{
	struct sd_buf raw = SD_BUF_INIT;
	uint16_t *u;
	int n;

	if (drv_hex_decode(s, strlen(s), &raw, NULL) != SD_OK)
		return;
	n = raw.len > skip_octets ? (int)((raw.len - skip_octets) / 2) : 0;
	u = xmalloc(((size_t)n + 1) * sizeof *u);
	for (int i = 0; i < n; i++)
		u[i] = (uint16_t)((uint8_t)raw.p[skip_octets + 2 * (size_t)i] << 8 |
		    (uint8_t)raw.p[skip_octets + 2 * (size_t)i + 1]);
	drv_units_to_utf8(u, n, out);
	free(u);
	sd_buf_free(&raw);
}

/* Hex that reads as UCS2 text: whole units, no surrogates or controls,
 * and most of them in the Latin or Cyrillic blocks (00xx, 04xx). */
static int
looks_ucs2(const char *s)
{
	size_t n = strlen(s) / 4, low = 0;

	if (n < 2 || strlen(s) % 4 != 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		char u[5];

		memcpy(u, s + 4 * i, 4);
		u[4] = '\0';
		v = (unsigned)strtoul(u, NULL, 16);
		if ((v >= 0xd800 && v <= 0xdfff) || (v < 0x20 && v != '\n' &&
		    v != '\r'))
			return 0;
		low += (v >> 8) == 0x00 || (v >> 8) == 0x04;
	}
	return low * 4 >= n * 3;
}

/* Packed GSM 7-bit in hex (what Huawei sticks send without +CSCS),
 * read through the PDU decoder inside a minimal SMS-DELIVER. */
static int
gsm7_hex(const char *s, struct sd_buf *out)
{
	struct sd_buf raw = SD_BUF_INIT, pdu = SD_BUF_INIT;
	struct drv_sms *m;
	int nsept, st;

	if (drv_hex_decode(s, strlen(s), &raw, NULL) != SD_OK || raw.len > 140) {
		sd_buf_free(&raw);
		return -1;
	}
	nsept = (int)(raw.len * 8 / 7);
	/* SMSC none, DELIVER, empty sender, PID 0, DCS 0, a valid stamp. */
	sd_buf_printf(&pdu, "00040081000001010100000000%02X", nsept);
	for (size_t i = 0; i < raw.len; i++)
		sd_buf_printf(&pdu, "%02X", (uint8_t)raw.p[i]);
	m = xmalloc(sizeof *m);
	st = drv_pdu_decode(pdu.p, m, NULL);
	if (st == SD_OK) {
		/* A CR pads the last septet (23.038 6.1.2.3.1); seven full
		 * octets leave an eighth septet of zero bits. */
		if (m->nunits > 0 && m->units[m->nunits - 1] == '\r')
			m->nunits--;
		else if (raw.len % 7 == 0 && m->nunits > 0 &&
		    m->units[m->nunits - 1] == '@')
			m->nunits--;
		drv_units_to_utf8(m->units, m->nunits, out);
	}
	free(m);
	sd_buf_free(&pdu);
	sd_buf_free(&raw);
	return st == SD_OK ? 0 : -1;
}

int
drv_cusd_parse(const char *line, struct drv_ussd *out, struct sd_err *err)
{
	char f[1][128];
	const char *p, *q, *e;
	struct sd_buf text = SD_BUF_INIT, str = SD_BUF_INIT;
	int dcs_given = 0;

	memset(out, 0, sizeof *out);
	out->dcs = -1;
	if (strncmp(line, "+CUSD:", 6) != 0)
		return sd_err_set(err, SD_EINVAL, "+CUSD: not a USSD line: %.40s",
		    line);
	/* The status is the first field; the string is taken below. */
	if (drv_at_fields(line, f, 1) < 1 || int_field(f[0], &out->status) != 0 ||
	    out->status > 5)
		return sd_err_set(err, SD_EINVAL, "+CUSD: status '%.10s' is not "
		    "0-5", f[0]);
	/* The string may be longer than a field and hold commas: take it
	 * whole, between the first quote and the last. */
	p = strchr(line + 6, ',');
	if (p == NULL) {
		out->text[0] = '\0';
		return SD_OK;
	}
	p++;
	while (*p == ' ')
		p++;
	if (*p == '"' && (q = strrchr(p + 1, '"')) != NULL) {
		sd_buf_add(&str, p + 1, (size_t)(q - p - 1));
		e = q + 1;
	} else {
		q = strchr(p, ',');
		sd_buf_add(&str, p, q != NULL ? (size_t)(q - p) : strlen(p));
		e = q != NULL ? q : p + strlen(p);
	}
	while (str.len > 0 && (str.p[str.len - 1] == '\r' ||
	    str.p[str.len - 1] == ' '))
		str.p[--str.len] = '\0';
	if (*e == ',') {
		if (int_field(e + 1 + strspn(e + 1, " "), &out->dcs) == 0)
			dcs_given = 1;
		else
			out->dcs = -1;
	}
	{
		int d = out->dcs;
		int ucs2 = dcs_given && (d == 72 || (d & 0xfc) == 0x48 ||
		    d == 0x11 || (d & 0xf0) == 0xe0);
		const char *s = sd_buf_cstr(&str);

		if (!ucs2 && all_hex(s) && looks_ucs2(s))
			ucs2 = 1;	/* +CSCS="UCS2" whatever the DCS says */
		if (ucs2 && all_hex(s))
			ucs2_hex(s, d == 0x11 ? 2 : 0, &text);
		else if (!ucs2 && all_hex(s) && strlen(s) >= 8 &&
		    (!dcs_given || d == 15 || d == 0 || (d & 0xf0) == 0x00 ||
		    (d & 0xf0) == 0xf0) && gsm7_hex(s, &text) == 0)
			;
		else
			sd_buf_adds(&text, s);
	}
	sd_strlcpy(out->text, sd_buf_cstr(&text), sizeof out->text);
	sd_buf_free(&text);
	sd_buf_free(&str);
	return SD_OK;
}

/* ---------------------------------------------------------------- calls */

int
drv_clip_parse(const char *line, char *number, size_t size)
{
	char f[2][128];

	if (strncmp(line, "+CLIP:", 6) != 0 && strncmp(line, "+CRING:", 7) != 0)
		return -1;
	drv_at_fields(line, f, 2);
	sd_strlcpy(number, f[0], size);
	return 0;
}

int
drv_clcc_parse(const char *line, struct drv_clcc *out)
{
	char f[7][128];
	int n;

	memset(out, 0, sizeof *out);
	if (strncmp(line, "+CLCC:", 6) != 0)
		return -1;
	n = drv_at_fields(line, f, 7);
	if (n < 5 || int_field(f[0], &out->id) != 0 ||
	    int_field(f[1], &out->dir) != 0 || int_field(f[2], &out->stat) != 0)
		return -1;
	if (n >= 6)
		sd_strlcpy(out->number, f[5], sizeof out->number);
	return 0;
}

int
drv_iccid_parse(const char *line, char *out, size_t size)
{
	const char *p = line;
	char d[24];
	size_t k = 0;
	int swapped = 0;

	if (strncmp(p, "+CRSM:", 6) == 0) {
		char f[3][128];

		/* +CRSM: 144,0,"98681031..." : EF ICCID, nibbles swapped. */
		if (drv_at_fields(p, f, 3) < 3 || strcmp(f[0], "144") != 0)
			return -1;
		p = f[2];
		for (size_t i = 0; p[i] && p[i + 1] && k + 2 < sizeof d; i += 2) {
			d[k++] = p[i + 1];
			d[k++] = p[i];
		}
		d[k] = '\0';
		swapped = 1;
	} else {
		const char *c = strchr(p, ':');

		if (c != NULL && (p[0] == '+' || p[0] == '^'))
			p = c + 1;
		while (*p == ' ' || *p == '"')
			p++;
		while (*p && *p != '"' && k + 1 < sizeof d)
			d[k++] = *p++;
		d[k] = '\0';
	}
	/* Digits, with a trailing F pad; some modems send the whole field
	 * still swapped ("98..." for an "89..." ICCID). */
	k = strlen(d);
	while (k > 0 && (d[k - 1] == 'F' || d[k - 1] == 'f'))
		d[--k] = '\0';
	if (k < 18 || k > 20)
		return -1;
	for (size_t i = 0; i < k; i++)
		if (!isdigit((unsigned char)d[i]))
			return -1;
	if (!swapped && d[0] == '9' && d[1] == '8' && k % 2 == 0) {
		for (size_t i = 0; i + 1 < k; i += 2) {
			char t = d[i];

			d[i] = d[i + 1];
			d[i + 1] = t;
		}
	}
	sd_strlcpy(out, d, size);
	return 0;
}

int
drv_cmgr_parse(char *const *lines, int n, struct drv_sms *out,
    struct sd_err *err)
{
	for (int i = 0; i < n; i++) {
		if (strncmp(lines[i], "+CMGR:", 6) != 0)
			continue;
		if (i + 1 >= n)
			return sd_err_set(err, SD_EINVAL, "+CMGR: no PDU line after "
			    "it");
		return drv_pdu_decode(lines[i + 1], out, err);
	}
	return sd_err_set(err, SD_EINVAL, "+CMGR: no +CMGR line in the reply");
}
