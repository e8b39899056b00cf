/*
 * printq.c -- the print queue simdeskd empties (sd_print_run): a job is
 * text laid out by whoever queued it, a receipt or (core/money) an
 * invoice, printed as ESC/POS on a printer of the configuration.
 */
#include <string.h>

#include "core/billing/billing_int.h"

int
printjob_begin(struct sd_session *s, const char *printer, uint64_t *id,
    struct sd_err *err)
{
	const struct sd_config *cfg = &s->core->cfg;
	int known = 0;

	for (int i = 0; printer != NULL && i < cfg->nprinters; i++)
		known |= strcmp(cfg->printers[i].name, printer) == 0;
	if (!known)
		return sd_err_set(err, SD_EINVAL, "printer: no printer %s in the "
		    "configuration's printers group", printer ? printer : "");
	return sd_seq_next(s->core->db, "printjob", id, err);
}

int
printjob_queue(struct sd_txn *t, uint64_t id, const char *printer,
    const char *number, const char *text, struct sd_err *err)
{
	struct printjob j = { "", "", SD_BUF_INIT, 0 };
	struct sd_buf val = SD_BUF_INIT;
	uint8_t key[8];
	int st;

	sd_strlcpy(j.printer, printer, sizeof j.printer);
	sd_strlcpy(j.number, number, sizeof j.number);
	sd_buf_adds(&j.text, text);
	j.at = sd_now();
	printjob_encode(&j, &val);
	key64(key, id);
	st = sd_put(t, T_PRINTJOB, key, 8, val.p, val.len, SD_PUT_NOOVERWRITE,
	    err);
	if (st == SD_OK)
		sd_txn_notify(t, SD_PRINT_NOTIFY);	/* simdeskd prints */
	sd_buf_free(&j.text);
	sd_buf_free(&val);
	return st;
}
