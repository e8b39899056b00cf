/*
 * drivers.h -- the hardware layer's public interface: transports, the AT
 * engine, modem and SIM-bank drivers, the printer, and simdeskd's timed
 * jobs.  Today it holds the daemon's housekeeping and the receipt
 * printer; modems arrive with the telephony work.
 */
#ifndef SD_DRIVERS_H
#define SD_DRIVERS_H

#include "core/core.h"

/* Run one round of housekeeping: failchk, and a checkpoint when due. */
int	drv_housekeeping(struct sd_core *core, int checkpoint, struct sd_err *err);
/* Return customers without a follow-up for pool_days to the pool. */
int	drv_sweep(struct sd_core *core, int *moved, struct sd_err *err);

/* ESC/POS bytes of a UTF-8 receipt text: init, Chinese mode, GB18030,
 * feed, cut. */
int	drv_escpos_receipt(const char *text, struct sd_buf *out,
	    struct sd_err *err);
/* Write bytes to a printer's port (or a file). */
int	drv_escpos_write(const char *path, const struct sd_buf *bytes,
	    struct sd_err *err);

#endif
