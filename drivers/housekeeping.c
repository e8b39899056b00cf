/*
 * housekeeping.c -- simdeskd's timed jobs on the environment it owns:
 * undoing imports that did not finish (a server killed during one),
 * checkpoints (keep the log short, and so the recovery at the next start),
 * and the hourly return of customers without a follow-up to the shared
 * pool.
 */
#include <time.h>

#include "drivers.h"

int
drv_housekeeping(struct sd_core *core, int checkpoint, struct sd_err *err)
{
	int st;

	/* An import whose process died is undone. */
	if ((st = sd_import_cleanup(core, 0, err)) != SD_OK)
		return st;
	if (checkpoint)
		return sd_db_checkpoint(core->db, 0, err);
	return SD_OK;
}

int
drv_sweep(struct sd_core *core, int *moved, struct sd_err *err)
{
	struct sd_session s;

	sd_session_system(core, &s, "simdeskd");
	/* Request ids are kept a day, for clients that lost a reply. */
	if (sd_db_request_expire(core->db, (int64_t)time(NULL) - 86400,
	    &(int){ 0 }, err) != SD_OK)
		return err->status;
	return sd_customer_sweep(&s, -1, moved, err);
}
