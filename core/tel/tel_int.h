/*
 * core/tel/tel_int.h -- private to core/tel/: its tables, indexes and the call index
 * extractors.
 */
#ifndef SD_TEL_INT_H
#define SD_TEL_INT_H

#include "core/tel/tel_txn.h"

/* Tables (numbers in core/rec/rec.h). */
enum { T_MODEM = SD_T_TEL, T_TELJOB, T_CALL, T_SMS, T_SIMUSE, T_PRESENCE,
    T_TELEVENT };
enum { IX_CALL_START, IX_CALL_OPERATOR, IX_CALL_CUSTOMER };

/* Call index extractors (tel.c). */
int	call_start_key(const void *pk, size_t pklen, const void *rec, size_t len,
	    struct sd_keys *out);
int	call_operator_key(const void *pk, size_t pklen, const void *rec,
	    size_t len, struct sd_keys *out);
int	call_customer_key(const void *pk, size_t pklen, const void *rec,
	    size_t len, struct sd_keys *out);

#endif
