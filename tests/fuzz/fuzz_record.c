/*
 * fuzz_record.c -- libFuzzer target: records read from the database are
 * decoded defensively; a record that decodes must re-encode and decode to
 * the same user.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/base_int.h"
#include "core/crm/crm_int.h"
#include "core/stock/stock_int.h"
#include "core/billing/billing_int.h"
#include "core/tel/tel_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sd_rec_reader r;
	struct sd_user u, u2;
	struct sd_audit a;
	struct sd_buf b = SD_BUF_INIT;

	if (sd_rec_open(&r, data, size) == SD_OK)
		while (sd_rec_next(&r) == 1)
			if (r.type == SD_REC_BYTES && r.blen > size)
				abort();
	audit_decode(data, size, &a);
	if (user_decode(data, size, &u) == SD_OK) {
		user_encode(&u, "", &b);
		if (user_decode(b.p, b.len, &u2) != SD_OK ||
		    memcmp(&u, &u2, sizeof u) != 0)
			abort();
	}
	sd_buf_free(&b);
	return 0;
}
