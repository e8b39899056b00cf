/*
 * bench_money.c -- simdesk's side of the commission benchmark.
 *   bench_money DIR AGENTS ACTIVATIONS YYYYMM OUTDIR
 * A tree of AGENTS agents (agent i's parent is agent (i-1)/10: depth 5 at
 * 10,000), scheme DEFAULT (10.00 a P39 card, tiers 5.00 from a month's
 * 11th activation and 8.00 from the 51st, overrides 20% and 10%, no
 * frozen days), ACTIVATIONS activations of the month spread over the
 * agents, accrued through core's own hook in transactions of 1000; then
 * `commission run` for the month, timed.  The same agents and activations
 * go to OUTDIR/agents.csv and OUTDIR/acts.csv for sqlite3 to total.
 * Prints: accrue_s, run_s, total_fen, statements.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/money/money_txn.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
die(const char *what, const struct sd_err *e)
{
	fprintf(stderr, "bench_money: %s: %s\n", what, e->msg);
	exit(1);
}

struct batch {
	long		 from, to, agents;
	int64_t		 start;
	FILE		*acts;
};

static uint64_t
lcg(uint64_t x)
{
	return x * 6364136223846793005ULL + 1442695040888963407ULL;
}

static int
batch_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct batch *b = arg;
	int st;

	for (long i = b->from; i < b->to; i++) {
		struct sd_subscription u;
		long ag = (long)((lcg((uint64_t)i) >> 33) % (uint64_t)b->agents);

		memset(&u, 0, sizeof u);
		u.id = (uint64_t)i + 1;
		snprintf(u.iccid, sizeof u.iccid, "8986%016d", (int)i);
		snprintf(u.agent, sizeof u.agent, "G%ld", ag);
		sd_strlcpy(u.plan, "P39", sizeof u.plan);
		/* Spread over the first 27 days, never two at one second. */
		u.from = b->start + (i % 27) * 86400 + i / 27 % 86000;
		if ((st = money_card_activated(t, "bench", &u, err)) != SD_OK)
			return st;
	}
	return SD_OK;
}

int
main(int argc, char **argv)
{
	struct sd_config cfg;
	struct sd_core *core;
	struct sd_session s;
	struct sd_plan_fields pf;
	struct sd_scheme_fields sf;
	struct sd_comm_run_result r;
	struct sd_err e;
	char path[4096], mon[32];
	long na, nacts;
	int month;
	double t0, t1, t2;
	int64_t start, to;
	FILE *f;

	if (argc != 6) {
		fprintf(stderr, "usage: bench_money DIR AGENTS ACTIVATIONS "
		    "YYYYMM OUTDIR\n");
		return 2;
	}
	na = atol(argv[2]);
	nacts = atol(argv[3]);
	month = atoi(argv[4]);
	sd_config_defaults(&cfg);
	sd_strlcpy(cfg.data_dir, argv[1], sizeof cfg.data_dir);
	if (sd_core_open(&core, &cfg, 1, &e) != SD_OK)
		die("open", &e);
	if (sd_init_admin(core, "admin", NULL, "benchpw1", NULL, &e) != SD_OK ||
	    sd_session_login(core, "admin", "benchpw1", &s, &e) != SD_OK)
		die("init", &e);
	sd_plan_fields_init(&pf);
	pf.name = "39元卡";
	pf.monthly_fee = "39";
	if (sd_plan_add(&s, "P39", &pf, &e) != SD_OK)
		die("plan", &e);
	sd_scheme_fields_init(&sf);
	sf.name = "bench";
	sf.frozen_days = "0";
	sf.protect_days = "90";
	sf.overrides = "20,10";
	if (sd_scheme_add(&s, SD_SCHEME_DEFAULT, &sf, NULL, &e) != SD_OK ||
	    sd_scheme_bounty(&s, SD_SCHEME_DEFAULT, "P39", "10", NULL, NULL,
	    NULL, NULL, &e) != SD_OK ||
	    sd_scheme_tier(&s, SD_SCHEME_DEFAULT, "11", "5", NULL, NULL,
	    &e) != SD_OK ||
	    sd_scheme_tier(&s, SD_SCHEME_DEFAULT, "51", "8", NULL, NULL,
	    &e) != SD_OK)
		die("scheme", &e);
	snprintf(path, sizeof path, "%s/agents.csv", argv[5]);
	if ((f = fopen(path, "w")) == NULL)
		return 1;
	for (long i = 0; i < na; i++) {
		struct sd_agent_fields af;
		char code[32], parent[32];

		snprintf(code, sizeof code, "G%ld", i);
		snprintf(parent, sizeof parent, "G%ld", (i - 1) / 10);
		sd_agent_fields_init(&af);
		af.name = code;
		af.parent = i > 0 ? parent : NULL;
		if (sd_agent_add(&s, code, &af, &e) != SD_OK)
			die("agent", &e);
		fprintf(f, "%s,%s\n", code, i > 0 ? parent : "");
	}
	fclose(f);
	snprintf(mon, sizeof mon, "%04d-%02d-01", month / 100, month % 100);
	if (sd_day_range(mon, sd_now(), &start, &to, &e) != SD_OK)
		die("month", &e);
	snprintf(path, sizeof path, "%s/acts.csv", argv[5]);
	if ((f = fopen(path, "w")) == NULL)
		return 1;
	for (long i = 0; i < nacts; i++)
		fprintf(f, "%ld,G%ld,%lld\n", i + 1,
		    (long)((lcg((uint64_t)i) >> 33) % (uint64_t)na),
		    (long long)(start + (i % 27) * 86400 + i / 27 % 86000));
	fclose(f);
	t0 = now();
	for (long i = 0; i < nacts; i += 1000) {
		struct batch b = { i, i + 1000 < nacts ? i + 1000 : nacts, na,
		    start, NULL };

		if (sd_db_run(core->db, batch_txn, &b, &e) != SD_OK)
			die("accrue", &e);
	}
	t1 = now();
	if (sd_comm_run(&s, month, &r, &e) != SD_OK)
		die("run", &e);
	t2 = now();
	printf("accrue_s %.3f\nrun_s %.3f\ntotal_fen %lld\nstatements %ld\n"
	    "tiers %ld\n", t1 - t0, t2 - t1, (long long)r.total_fen, r.agents,
	    r.tiers);
	sd_core_close(core);
	return 0;
}
