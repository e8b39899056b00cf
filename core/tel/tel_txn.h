/*
 * core/tel/tel_txn.h -- what core/domains.c needs of tel.
 */
#ifndef SD_TEL_TXN_H
#define SD_TEL_TXN_H

#include "core/billing/billing_txn.h"

extern const struct sd_table_def tel_tables[7];

#endif
