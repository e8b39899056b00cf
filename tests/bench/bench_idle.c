/*
 * bench_idle.c -- history for the idle-server benchmark.
 *   bench_idle DIR REMINDERS CALLS
 * On a data directory with customers (the 1M-customer import of make
 * bench), adds REMINDERS follow-ups due over the next 30 days and CALLS
 * outbound calls, each dialled, claimed, answered, ended and its job done
 * the way simdeskd does it (so the teljob and call tables hold a month of
 * history).  Run with no simdeskd on DIR: the environment is one
 * process's alone.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

static void
check(int st, const char *what, const struct sd_err *e)
{
	if (st != SD_OK) {
		fprintf(stderr, "bench_idle: %s: %s\n", what, e->msg);
		exit(1);
	}
}

static void
report_modem(struct sd_core *core)
{
	struct sd_modem m;
	struct sd_err e;

	memset(&m, 0, sizeof m);
	sd_strlcpy(m.name, "sim0", sizeof m.name);
	sd_strlcpy(m.port, "sim", sizeof m.port);
	sd_strlcpy(m.iccid, "89860020000000000007", sizeof m.iccid);
	sd_strlcpy(m.carrier, "CHINA MOBILE", sizeof m.carrier);
	sd_strlcpy(m.state, "ready", sizeof m.state);
	m.signal = 20;
	m.reg = 1;
	m.nslots = 1;
	m.simulated = 1;
	m.updated = sd_now();
	check(sd_modem_report(core, &m, &e), "modem", &e);
}

int
main(int argc, char **argv)
{
	struct sd_config cfg;
	struct sd_core *core;
	struct sd_session s;
	struct sd_err e;
	long nrem, ncall;
	uint64_t last_job = 0;
	int64_t now;

	if (argc != 4) {
		fputs("usage: bench_idle DIR REMINDERS CALLS\n", stderr);
		return 2;
	}
	nrem = atol(argv[2]);
	ncall = atol(argv[3]);
	sd_config_defaults(&cfg);
	sd_strlcpy(cfg.data_dir, argv[1], sizeof cfg.data_dir);
	cfg.durable = 0;	/* history, not business: no fsync a row */
	check(sd_core_open(&core, &cfg, 0, &e), "open", &e);
	sd_session_system(core, &s, "bench");
	now = sd_now();
	for (long i = 0; i < nrem; i++) {
		uint64_t id;

		/* Customers 1.. of the import; due from in an hour to 30 days. */
		check(sd_note_add(&s, (uint64_t)(i % 1000000) + 1, "bench",
		    "interested", now + 3600 + (i * 2591) % (30 * 86400), &id,
		    &e), "note add", &e);
	}
	for (long i = 0; i < ncall; i++) {
		struct sd_teljob j;
		uint64_t call;
		char num[16];
		int found;

		if (i % 1000 == 0)	/* a modem to dial on, reported lately */
			report_modem(core);
		snprintf(num, sizeof num, "13%09ld", i % 1000000);
		check(sd_call_dial(&s, num, NULL, NULL, &call, &e), "dial", &e);
		check(sd_job_next(core, last_job, &j, &found, &e), "job", &e);
		if (!found) {
			fputs("bench_idle: the dial queued no job\n", stderr);
			return 1;
		}
		last_job = j.id;
		check(sd_call_claim(core, call, "sim0", "89860020000000000007",
		    &e), "claim", &e);
		check(sd_call_progress(core, call, SD_CALL_ACTIVE, "sim0",
		    "89860020000000000007", sd_now(), &e), "progress", &e);
		check(sd_call_end(core, call, "answered", sd_now(), &e), "end",
		    &e);
		check(sd_job_finish(core, j.id, SD_JOB_DONE, "", &e), "finish",
		    &e);
	}
	sd_core_close(core);
	printf("reminders %ld\ncalls %ld\n", nrem, ncall);
	return 0;
}
