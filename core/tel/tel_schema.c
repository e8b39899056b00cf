/*
 * tel_schema.c -- tel's tables and their secondary indexes, with the
 * extractors that compute index keys from records: modems, jobs for
 * simdeskd, calls (by start, operator, customer), SMS, SIM usage, presence,
 * events; and each record's fields for the codec (core/rec/rec.h). Tables are added at the end of a domain's range (core/rec/rec.h);
 * fields are added to records without a migration (see db/db.h).
 */
#include <stdio.h>
#include <string.h>

#include "core/tel/tel_int.h"

const struct sd_table_def tel_tables[7] = {
	/* Telephony: modems by name, jobs for simdeskd and SMS by be64 id,
	 * SIM usage by ICCID\0 be32 YYYYMM, presence by login, each
	 * operator's inbox by login\0 be64 id. */
	[T_MODEM - SD_T_TEL] = { "modem", 0, { { 0 } } },
	[T_TELJOB - SD_T_TEL] = { "teljob", 0, { { 0 } } },
	[T_CALL - SD_T_TEL] = { "call", 3, {
		{ "start", 1, call_start_key },
		{ "operator", 1, call_operator_key },
		{ "customer", 1, call_customer_key },
	} },
	[T_SMS - SD_T_TEL] = { "sms", 0, { { 0 } } },
	[T_SIMUSE - SD_T_TEL] = { "simuse", 0, { { 0 } } },
	[T_PRESENCE - SD_T_TEL] = { "presence", 0, { { 0 } } },
	[T_TELEVENT - SD_T_TEL] = { "televent", 0, { { 0 } } },

};

/* ---------------------------------------------------------------- records */

const struct rec_field modem_f[] = {
	REC_S(1, sd_modem, name), REC_S(2, sd_modem, port),
	REC_S(3, sd_modem, imei), REC_S(4, sd_modem, iccid),
	REC_S(5, sd_modem, imsi), REC_S(6, sd_modem, msisdn),
	REC_S(7, sd_modem, carrier), REC_I(8, sd_modem, signal),
	REC_I(9, sd_modem, reg), REC_S(10, sd_modem, state),
	REC_I(11, sd_modem, slot), REC_I(12, sd_modem, nslots),
	REC_I(13, sd_modem, call), REC_S(14, sd_modem, message),
	REC_I(15, sd_modem, updated), REC_I(16, sd_modem, simulated),
};
const struct rec_field job_f[] = {
	REC_I(1, sd_teljob, id), REC_I(2, sd_teljob, kind),
	REC_S(3, sd_teljob, modem), REC_S(4, sd_teljob, number),
	REC_S(5, sd_teljob, text), REC_I(6, sd_teljob, ref),
	REC_I(7, sd_teljob, slot), REC_S(8, sd_teljob, by),
	REC_I(9, sd_teljob, created), REC_I(10, sd_teljob, status),
	REC_S(11, sd_teljob, result), REC_I(12, sd_teljob, done_at),
};
const struct rec_field call_f[] = {
	REC_I(1, sd_call, id), REC_I(2, sd_call, direction),
	REC_S(3, sd_call, caller), REC_S(4, sd_call, callee),
	REC_S(5, sd_call, modem), REC_S(6, sd_call, iccid),
	REC_S(7, sd_call, operator), REC_I(8, sd_call, customer),
	REC_I(9, sd_call, created), REC_I(10, sd_call, start),
	REC_I(11, sd_call, answer), REC_I(12, sd_call, end),
	REC_I(13, sd_call, duration), REC_I(14, sd_call, billsec),
	REC_I(15, sd_call, state), REC_S(16, sd_call, disposition),
	REC_I(17, sd_call, unit_mfen), REC_I(18, sd_call, cost_fen),
	REC_S(19, sd_call, rate_name), REC_S(20, sd_call, offered),
	REC_S(21, sd_call, outcome), REC_S(22, sd_call, recording),
	REC_I(23, sd_call, rec_seconds),
};
const struct rec_field sms_f[] = {
	REC_I(1, sd_sms, id), REC_I(2, sd_sms, direction),
	REC_S(3, sd_sms, modem), REC_S(4, sd_sms, iccid),
	REC_S(5, sd_sms, number), REC_S(6, sd_sms, text),
	REC_I(7, sd_sms, parts), REC_I(8, sd_sms, at), REC_S(9, sd_sms, status),
	REC_S(10, sd_sms, by), REC_S(11, sd_sms, error),
	REC_I(12, sd_sms, customer),
};

const struct rec_field use_f[] = {
	REC_I(1, simuse, seconds), REC_I(2, simuse, minutes),
	REC_I(3, simuse, calls), REC_I(4, simuse, sms),
	REC_I(5, simuse, warned),
};

const struct rec_field pres_f[] = {
	REC_S(1, presence, login), REC_I(2, presence, paused),
	REC_S(3, presence, reason), REC_I(4, presence, beat),
	REC_I(5, presence, last_end), REC_I(6, presence, last_offer),
	REC_I(7, presence, on_call),
};
const struct rec_field ev_f[] = {
	REC_I(1, sd_tel_event, id), REC_I(2, sd_tel_event, kind),
	REC_I(3, sd_tel_event, call), REC_S(4, sd_tel_event, number),
	REC_I(5, sd_tel_event, customer), REC_S(6, sd_tel_event, text),
	REC_I(7, sd_tel_event, at),
};

/* ---------------------------------------------------------------- call indexes */

int
call_peek(const void *rec, size_t len, struct sd_call *c)
{
	return rec_decode(call_f, REC_N(call_f), rec, len, c, sizeof *c);
}

/*
 * A call's index key: [part NUL] be64 v, then the call's id, so that keys
 * are unique and page exactly (by start: the start, or when it was made;
 * by operator: their login, then the start; by customer: their id).
 */
static void
call_key(struct sd_keys *out, const char *part, uint64_t v, const void *pk)
{
	uint8_t k[SD_LOGIN_MAX + 1 + 16];
	size_t n = part != NULL ? strlen(part) + 1 : 0;

	if (n > 0)
		memcpy(k, part, n);
	key64(k + n, v);
	memcpy(k + n + 8, pk, 8);
	sd_keys_add(out, k, n + 16);
}

#define CALL_EXTRACTOR(fn, body) \
int \
fn(const void *pk, size_t pklen, const void *rec, size_t len, \
    struct sd_keys *out) \
{ \
	struct sd_call c; \
\
	if (pklen != 8 || call_peek(rec, len, &c) != SD_OK) \
		return -1; \
	body \
	return 0; \
}

CALL_EXTRACTOR(call_start_key,
	call_key(out, NULL, (uint64_t)(c.start ? c.start : c.created), pk);)
CALL_EXTRACTOR(call_operator_key,
	if (c.operator[0] != '\0')
		call_key(out, c.operator, (uint64_t)(c.start ? c.start :
		    c.created), pk);)
CALL_EXTRACTOR(call_customer_key,
	if (c.customer != 0)
		call_key(out, NULL, c.customer, pk);)
