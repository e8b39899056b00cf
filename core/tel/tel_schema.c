/*
 * tel_schema.c -- tel's tables and their secondary indexes, with the
 * extractors that compute index keys from records: modems, jobs for
 * simdeskd, calls (by start, operator, customer), SMS, SIM usage, presence,
 * events. Tables are added at the end of a domain's range (core/rec/rec.h);
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
