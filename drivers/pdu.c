/*
 * pdu.c -- SMS in PDU mode (3GPP TS 23.040, alphabets from TS 23.038):
 * decoding SMS-DELIVER, SMS-SUBMIT and SMS-STATUS-REPORT with GSM 7-bit,
 * 8-bit and UCS2 user data, concatenation and port headers; encoding
 * SMS-SUBMIT split into parts; reassembly of concatenated messages.
 * Text is carried as UTF-16 units between parts, so a character outside
 * the BMP whose surrogates were split across two parts joins up again.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "drivers/drivers.h"

/* ---------------------------------------------------------------- GSM 7-bit */

static const uint16_t gsm7_basic[128] = {
	'@', 0xa3, '$', 0xa5, 0xe8, 0xe9, 0xf9, 0xec,
	0xf2, 0xc7, '\n', 0xd8, 0xf8, '\r', 0xc5, 0xe5,
	0x394, '_', 0x3a6, 0x393, 0x39b, 0x3a9, 0x3a0, 0x3a8,
	0x3a3, 0x398, 0x39e, 0x1b, 0xc6, 0xe6, 0xdf, 0xc9,
	' ', '!', '"', '#', 0xa4, '%', '&', '\'',
	'(', ')', '*', '+', ',', '-', '.', '/',
	'0', '1', '2', '3', '4', '5', '6', '7',
	'8', '9', ':', ';', '<', '=', '>', '?',
	0xa1, 'A', 'B', 'C', 'D', 'E', 'F', 'G',
	'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O',
	'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W',
	'X', 'Y', 'Z', 0xc4, 0xd6, 0xd1, 0xdc, 0xa7,
	0xbf, 'a', 'b', 'c', 'd', 'e', 'f', 'g',
	'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
	'p', 'q', 'r', 's', 't', 'u', 'v', 'w',
	'x', 'y', 'z', 0xe4, 0xf6, 0xf1, 0xfc, 0xe0,
};

/* The extension table, reached through 0x1B. */
static const struct { uint8_t code; uint16_t ch; } gsm7_ext[] = {
	{ 0x0a, 0x0c }, { 0x14, '^' }, { 0x28, '{' }, { 0x29, '}' },
	{ 0x2f, '\\' }, { 0x3c, '[' }, { 0x3d, '~' }, { 0x3e, ']' },
	{ 0x40, '|' }, { 0x65, 0x20ac },
};

#define NEXT (sizeof gsm7_ext / sizeof gsm7_ext[0])

/* Septets of one character: 1 (basic), 2 (extension) or 0 (none). */
static int
gsm7_code(uint32_t ch, uint8_t out[2])
{
	if (ch != 0x1b)
		for (int i = 0; i < 128; i++)
			if (gsm7_basic[i] == ch) {
				out[0] = (uint8_t)i;
				return 1;
			}
	for (size_t i = 0; i < NEXT; i++)
		if (gsm7_ext[i].ch == ch) {
			out[0] = 0x1b;
			out[1] = gsm7_ext[i].code;
			return 2;
		}
	return 0;
}

/* Septets to UTF-16 units; an unknown escape is a space (23.038 6.2.1.1). */
static int
gsm7_to_units(const uint8_t *sept, int n, uint16_t *u, int max)
{
	int k = 0;

	for (int i = 0; i < n && k < max; i++) {
		uint8_t c = sept[i] & 0x7f;

		if (c == 0x1b && i + 1 < n) {
			uint16_t ch = ' ';

			i++;
			for (size_t j = 0; j < NEXT; j++)
				if (gsm7_ext[j].code == (sept[i] & 0x7f))
					ch = gsm7_ext[j].ch;
			u[k++] = ch;
		} else
			u[k++] = c == 0x1b ? ' ' : gsm7_basic[c];
	}
	return k;
}

/* Unpack n septets starting skip septets into packed. */
static void
gsm7_unpack(const uint8_t *p, size_t plen, int skip, int n, uint8_t *out)
{
	for (int i = 0; i < n; i++) {
		size_t bit = (size_t)(skip + i) * 7;
		size_t byte = bit / 8;
		unsigned sh = bit % 8, v = 0;

		if (byte < plen)
			v = p[byte] >> sh;
		if (sh > 1 && byte + 1 < plen)
			v |= (unsigned)p[byte + 1] << (8 - sh);
		out[i] = v & 0x7f;
	}
}

/* Pack n septets at septet offset skip (the octets before are zero). */
static size_t
gsm7_pack(const uint8_t *sept, int n, int skip, uint8_t *out, size_t max)
{
	size_t total = ((size_t)(skip + n) * 7 + 7) / 8;

	if (total > max)
		total = max;
	memset(out, 0, total);
	for (int i = 0; i < n; i++) {
		size_t bit = (size_t)(skip + i) * 7;
		size_t byte = bit / 8;
		unsigned sh = bit % 8;

		if (byte < total)
			out[byte] |= (uint8_t)(sept[i] << sh);
		if (sh > 1 && byte + 1 < total)
			out[byte + 1] |= (uint8_t)(sept[i] >> (8 - sh));
	}
	return total;
}

/* ---------------------------------------------------------------- UTF-8 / UTF-16 */

void
drv_units_to_utf8(const uint16_t *u, int n, struct sd_buf *out)
{
	for (int i = 0; i < n; i++) {
		uint32_t c = u[i];
		char b[4];

		if (c >= 0xd800 && c <= 0xdbff && i + 1 < n &&
		    u[i + 1] >= 0xdc00 && u[i + 1] <= 0xdfff) {
			c = 0x10000 + ((c - 0xd800) << 10) + (u[i + 1] - 0xdc00);
			i++;
		} else if (c >= 0xd800 && c <= 0xdfff)
			c = 0xfffd;	/* a lone surrogate */
		if (c == 0)
			c = 0xfffd;	/* keep the text a C string */
		if (c < 0x80) {
			sd_buf_addc(out, (char)c);
		} else if (c < 0x800) {
			b[0] = (char)(0xc0 | c >> 6);
			b[1] = (char)(0x80 | (c & 0x3f));
			sd_buf_add(out, b, 2);
		} else if (c < 0x10000) {
			b[0] = (char)(0xe0 | c >> 12);
			b[1] = (char)(0x80 | ((c >> 6) & 0x3f));
			b[2] = (char)(0x80 | (c & 0x3f));
			sd_buf_add(out, b, 3);
		} else {
			b[0] = (char)(0xf0 | c >> 18);
			b[1] = (char)(0x80 | ((c >> 12) & 0x3f));
			b[2] = (char)(0x80 | ((c >> 6) & 0x3f));
			b[3] = (char)(0x80 | (c & 0x3f));
			sd_buf_add(out, b, 4);
		}
	}
}

/* Code points of UTF-8 text; -1 if it is not valid UTF-8. */
static int
utf8_decode(const char *s, uint32_t **out)
{
	size_t n = strlen(s);
	uint32_t *cp = xmalloc((n + 1) * sizeof *cp);
	int k = 0;

	for (size_t i = 0; i < n;) {
		const unsigned char *p = (const unsigned char *)s + i;
		uint32_t c;
		int len;

		if (p[0] < 0x80) {
			c = p[0];
			len = 1;
		} else if ((p[0] & 0xe0) == 0xc0 && i + 1 < n &&
		    (p[1] & 0xc0) == 0x80) {
			c = (uint32_t)(p[0] & 0x1f) << 6 | (p[1] & 0x3f);
			len = 2;
			if (c < 0x80)
				goto bad;
		} else if ((p[0] & 0xf0) == 0xe0 && i + 2 < n &&
		    (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80) {
			c = (uint32_t)(p[0] & 0x0f) << 12 |
			    (uint32_t)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
			len = 3;
			if (c < 0x800 || (c >= 0xd800 && c <= 0xdfff))
				goto bad;
		} else if ((p[0] & 0xf8) == 0xf0 && i + 3 < n &&
		    (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80 &&
		    (p[3] & 0xc0) == 0x80) {
			c = (uint32_t)(p[0] & 0x07) << 18 |
			    (uint32_t)(p[1] & 0x3f) << 12 |
			    (uint32_t)(p[2] & 0x3f) << 6 | (p[3] & 0x3f);
			len = 4;
			if (c < 0x10000 || c > 0x10ffff)
				goto bad;
		} else
			goto bad;
		cp[k++] = c;
		i += (size_t)len;
	}
	*out = cp;
	return k;
bad:
	free(cp);
	return -1;
}

/* ---------------------------------------------------------------- reading */

struct rd {
	const uint8_t	*p;
	size_t		 n, i;
	const char	*what;		/* the field being read, for errors */
};

static int
rd_byte(struct rd *r, int *out)
{
	if (r->i >= r->n)
		return -1;
	*out = r->p[r->i++];
	return 0;
}

int
drv_hex_decode(const char *hex, size_t len, struct sd_buf *out,
    struct sd_err *err)
{
	if (len % 2 != 0)
		return sd_err_set(err, SD_EINVAL, "PDU: odd number of hex "
		    "digits (%zu)", len);
	for (size_t i = 0; i < len; i += 2) {
		int hi = hex[i], lo = hex[i + 1];

		if (!isxdigit(hi) || !isxdigit(lo))
			return sd_err_set(err, SD_EINVAL, "PDU: not a hex digit "
			    "at offset %zu", isxdigit(hi) ? i + 1 : i);
		hi = isdigit(hi) ? hi - '0' : (tolower(hi) - 'a' + 10);
		lo = isdigit(lo) ? lo - '0' : (tolower(lo) - 'a' + 10);
		sd_buf_addc(out, (char)(hi << 4 | lo));
	}
	return SD_OK;
}

static const char bcd_digits[] = "0123456789*#abc";

/* A BCD number of ndigits semi-octets, or alphanumeric for TON 5. */
static int
rd_address(struct rd *r, int ndigits, int toa, char *out, size_t size,
    struct sd_err *err)
{
	size_t octets = ((size_t)ndigits + 1) / 2, k = 0;

	if (r->i + octets > r->n)
		return sd_err_set(err, SD_EINVAL, "PDU: %s runs past the end",
		    r->what);
	if (((toa >> 4) & 7) == 5) {
		uint8_t sept[24];
		uint16_t u[24];
		int ns = (int)(octets * 8 / 7), nu;
		struct sd_buf b = SD_BUF_INIT;

		if (ns > 24)
			ns = 24;
		gsm7_unpack(r->p + r->i, octets, 0, ns, sept);
		nu = gsm7_to_units(sept, ns, u, 24);
		drv_units_to_utf8(u, nu, &b);
		sd_strlcpy(out, sd_buf_cstr(&b), size);
		sd_buf_free(&b);
		r->i += octets;
		return SD_OK;
	}
	if (((toa >> 4) & 7) == 1 && ndigits > 0 && k + 1 < size)
		out[k++] = '+';
	for (int d = 0; d < ndigits; d++) {
		int byte = r->p[r->i + (size_t)d / 2];
		int nib = d % 2 == 0 ? byte & 0x0f : byte >> 4;

		if (nib == 0x0f) {
			if (d != ndigits - 1)
				return sd_err_set(err, SD_EINVAL, "PDU: %s has a "
				    "filler digit inside it", r->what);
			break;
		}
		if (k + 1 < size)
			out[k++] = bcd_digits[nib];
	}
	out[k] = '\0';
	r->i += octets;
	return SD_OK;
}

static int
bcd2(int byte)
{
	int lo = byte & 0x0f, hi = byte >> 4;

	if (lo > 9 || hi > 9)
		return -1;
	return lo * 10 + hi;
}

/* A 7-octet service-centre time stamp: UTC epoch and its zone in minutes. */
static int
rd_timestamp(struct rd *r, int64_t *utc, int *tzmin, struct sd_err *err)
{
	int v[6], tzb, tz;
	struct tm tm;

	if (r->i + 7 > r->n)
		return sd_err_set(err, SD_EINVAL, "PDU: %s runs past the end",
		    r->what);
	for (int i = 0; i < 6; i++)
		if ((v[i] = bcd2(r->p[r->i + (size_t)i])) < 0)
			return sd_err_set(err, SD_EINVAL, "PDU: %s: not a "
			    "decimal digit in octet %d", r->what, i + 1);
	tzb = r->p[r->i + 6];
	if ((tzb & 0x07) > 9 || (tzb >> 4) > 9)
		return sd_err_set(err, SD_EINVAL, "PDU: %s: bad time zone",
		    r->what);
	tz = ((tzb & 0x07) * 10 + (tzb >> 4)) * 15;
	if (tzb & 0x08)
		tz = -tz;
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 ||
	    v[4] > 59 || v[5] > 59)
		return sd_err_set(err, SD_EINVAL, "PDU: %s: no such date or "
		    "time", r->what);
	memset(&tm, 0, sizeof tm);
	tm.tm_year = (v[0] < 70 ? 2000 + v[0] : 1900 + v[0]) - 1900;
	tm.tm_mon = v[1] - 1;
	tm.tm_mday = v[2];
	tm.tm_hour = v[3];
	tm.tm_min = v[4];
	tm.tm_sec = v[5];
	*utc = (int64_t)timegm(&tm) - (int64_t)tz * 60;
	*tzmin = tz;
	r->i += 7;
	return SD_OK;
}

/* The alphabet and class of a data coding scheme (23.038 section 4). */
static int
dcs_parse(int dcs, int *enc, int *klass, struct sd_err *err)
{
	*klass = -1;
	*enc = DRV_ENC_GSM7;
	if ((dcs & 0xc0) == 0x00 || (dcs & 0xc0) == 0x40) {
		if (dcs & 0x20)
			return sd_err_set(err, SD_EINVAL, "PDU: compressed text "
			    "(DCS 0x%02X) is not supported", dcs);
		if (dcs & 0x10)
			*klass = dcs & 3;
		switch ((dcs >> 2) & 3) {
		case 1: *enc = DRV_ENC_8BIT; break;
		case 2: *enc = DRV_ENC_UCS2; break;
		default: *enc = DRV_ENC_GSM7; break;
		}
	} else if ((dcs & 0xf0) == 0xe0)
		*enc = DRV_ENC_UCS2;
	else if ((dcs & 0xf0) == 0xf0) {
		*enc = dcs & 4 ? DRV_ENC_8BIT : DRV_ENC_GSM7;
		*klass = dcs & 3;
	}
	return SD_OK;
}

const char *
drv_sms_enc_name(int enc)
{
	switch (enc) {
	case DRV_ENC_8BIT: return "8bit";
	case DRV_ENC_UCS2: return "ucs2";
	default: return "gsm7";
	}
}

const char *
drv_sms_type_name(int type)
{
	switch (type) {
	case DRV_SMS_SUBMIT: return "submit";
	case DRV_SMS_STATUS: return "status-report";
	default: return "deliver";
	}
}

/* The user data header's elements: concatenation and ports. */
static int
udh_parse(const uint8_t *h, int hl, struct drv_sms *m, struct sd_err *err)
{
	for (int i = 0; i < hl;) {
		int iei, iel;

		if (i + 2 > hl)
			return sd_err_set(err, SD_EINVAL, "PDU: user data header "
			    "element cut short");
		iei = h[i];
		iel = h[i + 1];
		if (i + 2 + iel > hl)
			return sd_err_set(err, SD_EINVAL, "PDU: user data header "
			    "element 0x%02X runs past the header", iei);
		const uint8_t *v = h + i + 2;
		if (iei == 0x00 && iel == 3) {
			m->concat_ref = v[0];
			m->concat_total = v[1];
			m->concat_part = v[2];
		} else if (iei == 0x08 && iel == 4) {
			m->concat_ref = v[0] << 8 | v[1];
			m->concat_total = v[2];
			m->concat_part = v[3];
			m->concat_16bit = 1;
		} else if (iei == 0x04 && iel == 2) {
			m->port_dst = v[0];
			m->port_src = v[1];
		} else if (iei == 0x05 && iel == 4) {
			m->port_dst = v[0] << 8 | v[1];
			m->port_src = v[2] << 8 | v[3];
		}
		i += 2 + iel;
	}
	if (m->concat_total > 0 && (m->concat_part < 1 ||
	    m->concat_part > m->concat_total)) {
		/* Seen in the wild: keep the text, drop the bad header. */
		m->concat_ref = m->concat_total = m->concat_part = 0;
	}
	return SD_OK;
}

/* TP-UDL and TP-UD into m (text as units and UTF-8). */
static int
rd_user_data(struct rd *r, int udhi, struct drv_sms *m, struct sd_err *err)
{
	int udl, hl = 0, hoct = 0;
	size_t need;
	const uint8_t *ud;
	size_t avail;

	r->what = "user data length";
	if (rd_byte(r, &udl) != 0)
		return sd_err_set(err, SD_EINVAL, "PDU: user data length "
		    "missing");
	ud = r->p + r->i;
	avail = r->n - r->i;
	need = m->enc == DRV_ENC_GSM7 ? ((size_t)udl * 7 + 7) / 8 : (size_t)udl;
	if (m->enc == DRV_ENC_GSM7 && udl > 160)
		return sd_err_set(err, SD_EINVAL, "PDU: user data length %d "
		    "septets is over 160", udl);
	if (m->enc != DRV_ENC_GSM7 && udl > 140)
		return sd_err_set(err, SD_EINVAL, "PDU: user data length %d "
		    "octets is over 140", udl);
	if (need > avail && avail == 0)
		return sd_err_set(err, SD_EINVAL, "PDU: user data length %d but "
		    "no user data", udl);
	if (need > avail) {
		/* Modems cut the last octets off long messages; keep what
		 * came (as Gammu does) rather than lose the message. */
		if (m->enc == DRV_ENC_GSM7)
			udl = (int)(avail * 8 / 7);
		else
			udl = (int)avail;
		need = avail;
		m->truncated = 1;
	}
	if (udhi && udl > 0) {
		hl = ud[0];
		hoct = hl + 1;
		if ((size_t)hoct > need)
			return sd_err_set(err, SD_EINVAL, "PDU: user data header "
			    "of %d octets is longer than the user data", hoct);
		int st = udh_parse(ud + 1, hl, m, err);

		if (st != SD_OK)
			return st;
	}
	if (m->enc == DRV_ENC_GSM7) {
		int skip = (hoct * 8 + 6) / 7, ns = udl - skip;
		uint8_t sept[160];

		if (ns < 0)
			ns = 0;
		gsm7_unpack(ud, need, skip, ns, sept);
		m->nunits = gsm7_to_units(sept, ns, m->units, DRV_SMS_UNITS);
	} else if (m->enc == DRV_ENC_UCS2) {
		int n = (udl - hoct) / 2;

		for (int i = 0; i < n && i < DRV_SMS_UNITS; i++)
			m->units[i] = (uint16_t)(ud[hoct + 2 * i] << 8 |
			    ud[hoct + 2 * i + 1]);
		m->nunits = n;
	} else {
		m->ndata = udl - hoct;
		memcpy(m->data, ud + hoct, (size_t)m->ndata);
	}
	r->i += need;
	return SD_OK;
}

static void
sms_set_text(struct drv_sms *m)
{
	struct sd_buf b = SD_BUF_INIT;

	if (m->enc == DRV_ENC_8BIT) {
		for (int i = 0; i < m->ndata; i++)
			sd_buf_printf(&b, "%02X", m->data[i]);
	} else
		drv_units_to_utf8(m->units, m->nunits, &b);
	sd_strlcpy(m->text, sd_buf_cstr(&b), sizeof m->text);
	sd_buf_free(&b);
}

int
drv_pdu_decode(const char *hex, struct drv_sms *m, struct sd_err *err)
{
	struct sd_buf raw = SD_BUF_INIT;
	struct rd r;
	int smsc_len = 0, fo = 0, mti, v = 0, toa = 0, st = SD_OK;
	size_t hl = strlen(hex);

	memset(m, 0, sizeof *m);
	m->port_src = m->port_dst = -1;
	m->klass = -1;
	/* Trailing spaces, and the stray quote some modems leave. */
	while (hl > 0 && (isspace((unsigned char)hex[hl - 1]) ||
	    hex[hl - 1] == '"'))
		hl--;
	if (hl == 0)
		return sd_err_set(err, SD_EINVAL, "PDU: empty");
	if (hl > 2 * 200)
		return sd_err_set(err, SD_EINVAL, "PDU: %zu hex digits is too "
		    "long for one message", hl);
	if ((st = drv_hex_decode(hex, hl, &raw, err)) != SD_OK)
		goto out;
	r.p = (const uint8_t *)raw.p;
	r.n = raw.len;
	r.i = 0;
	r.what = "SMSC";

	/* The service centre: length in octets, type, BCD digits. */
	if (rd_byte(&r, &smsc_len) != 0 || smsc_len > 11) {
		st = sd_err_set(err, SD_EINVAL, "PDU: SMSC length %d is over 11 "
		    "octets", smsc_len);
		goto out;
	}
	if (smsc_len > 0) {
		if (rd_byte(&r, &toa) != 0) {
			st = sd_err_set(err, SD_EINVAL, "PDU: SMSC cut short");
			goto out;
		}
		if ((st = rd_address(&r, (smsc_len - 1) * 2, toa, m->smsc,
		    sizeof m->smsc, err)) != SD_OK)
			goto out;
	}
	r.what = "first octet";
	if (rd_byte(&r, &fo) != 0) {
		st = sd_err_set(err, SD_EINVAL, "PDU: no first octet after the "
		    "SMSC");
		goto out;
	}
	mti = fo & 3;
	if (mti == 3) {
		st = sd_err_set(err, SD_EINVAL, "PDU: reserved message type "
		    "(first octet 0x%02X)", fo);
		goto out;
	}
	m->type = mti == 0 ? DRV_SMS_DELIVER : mti == 1 ? DRV_SMS_SUBMIT :
	    DRV_SMS_STATUS;
	if (m->type == DRV_SMS_SUBMIT || m->type == DRV_SMS_STATUS) {
		r.what = "message reference";
		if (rd_byte(&r, &m->mr) != 0) {
			st = sd_err_set(err, SD_EINVAL, "PDU: message reference "
			    "missing");
			goto out;
		}
	}
	m->srr = (fo >> 5) & 1;

	/* The other end's address: length in digits, type, digits. */
	r.what = m->type == DRV_SMS_DELIVER ? "sender" : "recipient";
	if (rd_byte(&r, &v) != 0 || rd_byte(&r, &toa) != 0) {
		st = sd_err_set(err, SD_EINVAL, "PDU: %s missing", r.what);
		goto out;
	}
	if (v > 20 && ((toa >> 4) & 7) != 5) {
		st = sd_err_set(err, SD_EINVAL, "PDU: %s of %d digits is over "
		    "20", r.what, v);
		goto out;
	}
	if (v > 22) {
		st = sd_err_set(err, SD_EINVAL, "PDU: %s of %d semi-octets is "
		    "over 22", r.what, v);
		goto out;
	}
	if ((st = rd_address(&r, v, toa, m->addr, sizeof m->addr, err)) != SD_OK)
		goto out;

	if (m->type == DRV_SMS_STATUS) {
		r.what = "service centre time stamp";
		if ((st = rd_timestamp(&r, &m->timestamp, &m->tz_minutes,
		    err)) != SD_OK)
			goto out;
		r.what = "discharge time";
		if ((st = rd_timestamp(&r, &m->discharge, &v, err)) != SD_OK)
			goto out;
		if (rd_byte(&r, &m->status) != 0) {
			st = sd_err_set(err, SD_EINVAL, "PDU: status missing");
			goto out;
		}
		/* Optional parameter indicator and what it announces. */
		if (rd_byte(&r, &v) == 0 && v != 0xff) {
			int pid = 0, dcs = 0;

			if ((v & 1) && rd_byte(&r, &pid) == 0)
				m->pid = pid;
			if ((v & 2) && rd_byte(&r, &dcs) == 0) {
				m->dcs = dcs;
				if ((st = dcs_parse(dcs, &m->enc, &m->klass,
				    err)) != SD_OK)
					goto out;
			}
			if ((v & 4) && r.i < r.n &&
			    (st = rd_user_data(&r, (fo >> 6) & 1, m, err)) != SD_OK)
				goto out;
		}
		sms_set_text(m);
		goto out;
	}

	r.what = "protocol identifier";
	if (rd_byte(&r, &m->pid) != 0 || rd_byte(&r, &m->dcs) != 0) {
		st = sd_err_set(err, SD_EINVAL, "PDU: protocol identifier or "
		    "coding missing");
		goto out;
	}
	if ((st = dcs_parse(m->dcs, &m->enc, &m->klass, err)) != SD_OK)
		goto out;
	if (m->type == DRV_SMS_DELIVER) {
		r.what = "service centre time stamp";
		if ((st = rd_timestamp(&r, &m->timestamp, &m->tz_minutes,
		    err)) != SD_OK)
			goto out;
	} else {
		int vpf = (fo >> 3) & 3;
		size_t skip = vpf == 2 ? 1 : vpf == 0 ? 0 : 7;

		if (r.i + skip > r.n) {
			st = sd_err_set(err, SD_EINVAL, "PDU: validity period "
			    "runs past the end");
			goto out;
		}
		r.i += skip;
	}
	if ((st = rd_user_data(&r, (fo >> 6) & 1, m, err)) != SD_OK)
		goto out;
	sms_set_text(m);
out:
	sd_buf_free(&raw);
	return st;
}

/* "2026-12-01T20:54:07+08:00": the stamp in the zone the SMSC gave. */
void
drv_sms_time_format(int64_t utc, int tzmin, char *out, size_t size)
{
	time_t t = (time_t)(utc + (int64_t)tzmin * 60);
	struct tm tm;
	int a = tzmin < 0 ? -tzmin : tzmin;

	gmtime_r(&t, &tm);
	snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02d%c%02d:%02d",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, tzmin < 0 ? '-' : '+', a / 60, a % 60);
}

/* ---------------------------------------------------------------- encoding */

static void
hex_add(struct sd_buf *b, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sd_buf_printf(b, "%02X", p[i]);
}

/* The destination address: digits (a leading + makes it international). */
static int
address_encode(const char *number, uint8_t *out, size_t *len,
    struct sd_err *err)
{
	const char *d = number;
	int toa = 0x81, nd = 0;

	if (*d == '+') {
		toa = 0x91;
		d++;
	}
	for (const char *p = d; *p; p++)
		if (!isdigit((unsigned char)*p) && *p != '*' && *p != '#')
			return sd_err_set(err, SD_EINVAL, "number: '%s' is not a "
			    "phone number", number);
	nd = (int)strlen(d);
	if (nd == 0 || nd > 20)
		return sd_err_set(err, SD_EINVAL, "number: '%s' must have 1 to 20 "
		    "digits", number);
	out[0] = (uint8_t)nd;
	out[1] = (uint8_t)toa;
	for (int i = 0; i < nd; i += 2) {
		int lo = (int)(strchr(bcd_digits, d[i]) - bcd_digits);
		int hi = i + 1 < nd ?
		    (int)(strchr(bcd_digits, d[i + 1]) - bcd_digits) : 0x0f;

		out[2 + i / 2] = (uint8_t)(hi << 4 | lo);
	}
	*len = 2 + ((size_t)nd + 1) / 2;
	return SD_OK;
}

int
drv_pdu_submit(const char *utf8, const char *number, int ref, int srr,
    struct drv_pdu_out *out, int max, int *nparts, struct sd_err *err)
{
	uint32_t *cp = NULL;
	uint8_t addr[16], sept[2 * 1600];
	uint16_t units[1600];
	size_t alen = 0;
	int ncp, gsm = 1, nsept = 0, nunits = 0, st;
	int per, total, parts = 0;

	*nparts = 0;
	if ((st = address_encode(number, addr, &alen, err)) != SD_OK)
		return st;
	if ((ncp = utf8_decode(utf8, &cp)) < 0)
		return sd_err_set(err, SD_EINVAL, "text: not valid UTF-8");
	if (ncp == 0) {
		free(cp);
		return sd_err_set(err, SD_EINVAL, "text: empty message");
	}
	for (int i = 0; i < ncp && gsm; i++) {
		uint8_t c[2];
		int k = gsm7_code(cp[i], c);

		if (k == 0 || nsept + k > (int)sizeof sept)
			gsm = 0;
		else {
			memcpy(sept + nsept, c, (size_t)k);
			nsept += k;
		}
	}
	if (!gsm)
		for (int i = 0; i < ncp; i++) {
			uint32_t c = cp[i];

			if (nunits + 2 > (int)(sizeof units / sizeof units[0])) {
				free(cp);
				return sd_err_set(err, SD_EINVAL, "text: too long "
				    "(over %d UCS2 characters)", 1600);
			}
			if (c >= 0x10000) {
				c -= 0x10000;
				units[nunits++] = (uint16_t)(0xd800 + (c >> 10));
				units[nunits++] = (uint16_t)(0xdc00 + (c & 0x3ff));
			} else
				units[nunits++] = (uint16_t)c;
		}
	free(cp);

	/* Parts: 160 septets or 70 units alone, 153 or 67 with a header;
	 * never split an escape or a surrogate pair. */
	int len = gsm ? nsept : nunits;
	int single = gsm ? 160 : 70;
	per = gsm ? 153 : 67;
	int starts[256], lens[256];
	if (len <= single) {
		starts[0] = 0;
		lens[0] = len;
		total = 1;
	} else {
		total = 0;
		for (int at = 0; at < len;) {
			int n = len - at < per ? len - at : per;

			if (at + n < len) {
				if (gsm && sept[at + n - 1] == 0x1b)
					n--;
				if (!gsm && units[at + n - 1] >= 0xd800 &&
				    units[at + n - 1] <= 0xdbff)
					n--;
			}
			if (total >= 255)
				return sd_err_set(err, SD_EINVAL, "text: too long "
				    "for 255 parts");
			starts[total] = at;
			lens[total] = n;
			total++;
			at += n;
		}
	}
	if (total > max)
		return sd_err_set(err, SD_EINVAL, "text: needs %d parts, at most "
		    "%d are sent", total, max);

	for (parts = 0; parts < total; parts++) {
		uint8_t tp[180];
		size_t n = 0, udl_at;
		int multi = total > 1;
		struct sd_buf hex = SD_BUF_INIT;

		tp[n++] = (uint8_t)(0x01 | (multi ? 0x40 : 0) | (srr ? 0x20 : 0));
		tp[n++] = 0;			/* TP-MR: the modem sets it */
		memcpy(tp + n, addr, alen);
		n += alen;
		tp[n++] = 0;			/* PID */
		tp[n++] = gsm ? 0x00 : 0x08;	/* DCS */
		udl_at = n++;
		if (gsm) {
			uint8_t udh[6] = { 5, 0, 3, (uint8_t)ref,
			    (uint8_t)total, (uint8_t)(parts + 1) };
			int hs = multi ? 7 : 0;	/* 6 octets = 7 septets */
			size_t packed = gsm7_pack(sept + starts[parts],
			    lens[parts], hs, tp + n, sizeof tp - n);

			if (multi)
				memcpy(tp + n, udh, 6);
			tp[udl_at] = (uint8_t)(hs + lens[parts]);
			n += packed;
		} else {
			if (multi) {
				tp[n++] = 5; tp[n++] = 0; tp[n++] = 3;
				tp[n++] = (uint8_t)ref;
				tp[n++] = (uint8_t)total;
				tp[n++] = (uint8_t)(parts + 1);
			}
			for (int i = 0; i < lens[parts]; i++) {
				uint16_t u = units[starts[parts] + i];

				tp[n++] = (uint8_t)(u >> 8);
				tp[n++] = (uint8_t)u;
			}
			tp[udl_at] = (uint8_t)(n - udl_at - 1);
		}
		sd_buf_adds(&hex, "00");	/* the modem's own SMSC */
		hex_add(&hex, tp, n);
		sd_strlcpy(out[parts].hex, sd_buf_cstr(&hex), sizeof out[parts].hex);
		out[parts].tpdu_len = (int)n;
		sd_buf_free(&hex);
	}
	*nparts = total;
	return SD_OK;
}

/* ---------------------------------------------------------------- reassembly */

void
drv_concat_init(struct drv_concat *c, int timeout_s)
{
	memset(c, 0, sizeof *c);
	c->timeout_s = timeout_s;
}

static void
concat_emit(struct drv_concat_msg *g, struct drv_sms *out)
{
	int k = 0;

	*out = g->first;
	for (int i = 0; i < g->total; i++) {
		if (!g->have[i]) {
			/* A missing part shows as one replacement mark. */
			if (k < DRV_CONCAT_UNITS)
				out->long_units[k++] = 0xfffd;
			continue;
		}
		for (int j = 0; j < g->parts[i].nunits && k < DRV_CONCAT_UNITS; j++)
			out->long_units[k++] = g->parts[i].units[j];
	}
	out->nlong = k;
	out->concat_received = g->got;
	{
		struct sd_buf b = SD_BUF_INIT;

		drv_units_to_utf8(out->long_units, k, &b);
		sd_strlcpy(out->text, sd_buf_cstr(&b), sizeof out->text);
		sd_buf_free(&b);
	}
}

int
drv_concat_add(struct drv_concat *c, const struct drv_sms *m, int64_t now,
    struct drv_sms *out)
{
	struct drv_concat_msg *g = NULL;
	int i;

	if (m->concat_total <= 1) {
		*out = *m;
		out->concat_received = 1;
		memcpy(out->long_units, m->units,
		    (size_t)m->nunits * sizeof m->units[0]);
		out->nlong = m->nunits;
		return 1;
	}
	for (i = 0; i < DRV_CONCAT_MAX; i++)
		if (c->msgs[i].used && c->msgs[i].ref == m->concat_ref &&
		    c->msgs[i].total == m->concat_total &&
		    strcmp(c->msgs[i].first.addr, m->addr) == 0) {
			g = &c->msgs[i];
			break;
		}
	if (g == NULL) {
		for (i = 0; i < DRV_CONCAT_MAX && c->msgs[i].used; i++)
			;
		if (i == DRV_CONCAT_MAX) {
			/* Full: the oldest is given up as it is. */
			int old = 0;

			for (int j = 1; j < DRV_CONCAT_MAX; j++)
				if (c->msgs[j].started < c->msgs[old].started)
					old = j;
			i = old;
			memset(&c->msgs[i], 0, sizeof c->msgs[i]);
		}
		g = &c->msgs[i];
		g->used = 1;
		g->ref = m->concat_ref;
		g->total = m->concat_total > DRV_CONCAT_PARTS ? DRV_CONCAT_PARTS :
		    m->concat_total;
		g->started = now;
		g->first = *m;
	}
	if (m->concat_part > g->total || g->have[m->concat_part - 1])
		return 0;	/* a duplicate part */
	g->have[m->concat_part - 1] = 1;
	g->parts[m->concat_part - 1].nunits = m->nunits;
	memcpy(g->parts[m->concat_part - 1].units, m->units,
	    (size_t)m->nunits * sizeof m->units[0]);
	if (m->concat_part == 1)
		g->first = *m;
	g->got++;
	if (g->got < g->total)
		return 0;
	concat_emit(g, out);
	g->used = 0;
	return 1;
}

int
drv_concat_expire(struct drv_concat *c, int64_t now, struct drv_sms *out)
{
	for (int i = 0; i < DRV_CONCAT_MAX; i++) {
		struct drv_concat_msg *g = &c->msgs[i];

		if (g->used && now - g->started >= c->timeout_s) {
			concat_emit(g, out);
			g->used = 0;
			return 1;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------- the network's side */

int
drv_pdu_deliver(const char *submit_hex, const char *sender, int64_t when,
    struct sd_buf *out, struct sd_err *err)
{
	struct sd_buf raw = SD_BUF_INIT;
	const uint8_t *p;
	uint8_t oa[16];
	size_t i, alen = 0, n;
	int fo, vpf, st;
	time_t t = (time_t)when + 8 * 3600;	/* stamped in China time */
	struct tm tm;

	if ((st = drv_hex_decode(submit_hex, strlen(submit_hex), &raw, err)) != SD_OK)
		return st;
	p = (const uint8_t *)raw.p;
	n = raw.len;
	i = n > 0 ? 1 + p[0] : 0;		/* past the SMSC */
	if (i + 4 > n || (p[i] & 3) != 1) {
		sd_buf_free(&raw);
		return sd_err_set(err, SD_EINVAL, "PDU: not an SMS-SUBMIT");
	}
	fo = p[i];
	vpf = (fo >> 3) & 3;
	i += 2;					/* first octet, MR */
	i += 2 + ((size_t)p[i] + 1) / 2;	/* DA */
	if (i + 2 > n) {
		sd_buf_free(&raw);
		return sd_err_set(err, SD_EINVAL, "PDU: SMS-SUBMIT cut short");
	}
	if ((st = address_encode(sender, oa, &alen, err)) != SD_OK) {
		sd_buf_free(&raw);
		return st;
	}
	sd_buf_printf(out, "00%02X", 0x04 | (fo & 0x40));
	hex_add(out, oa, alen);
	hex_add(out, p + i, 2);			/* PID, DCS */
	i += 2 + (vpf == 2 ? 1 : vpf == 0 ? 0 : 7);
	gmtime_r(&t, &tm);
	{
		int v[6] = { tm.tm_year % 100, tm.tm_mon + 1, tm.tm_mday,
		    tm.tm_hour, tm.tm_min, tm.tm_sec };

		for (int k = 0; k < 6; k++)
			sd_buf_printf(out, "%d%d", v[k] % 10, v[k] / 10);
		sd_buf_adds(out, "23");		/* +08:00 */
	}
	if (i < n)
		hex_add(out, p + i, n - i);	/* UDL and UD */
	sd_buf_free(&raw);
	return SD_OK;
}
