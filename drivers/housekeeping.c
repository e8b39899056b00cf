/*
 * housekeeping.c -- simdeskd's timed jobs on the shared environment:
 * failchk (release what dead terminals held) and checkpoints (keep the log
 * short so recovery and log removal stay cheap).
 */
#include "drivers.h"

int
drv_housekeeping(struct sd_core *core, int checkpoint, struct sd_err *err)
{
	int st;

	if ((st = sd_db_failchk(core->db, err)) != SD_OK)
		return st;
	if (checkpoint)
		return sd_db_checkpoint(core->db, 0, err);
	return SD_OK;
}
