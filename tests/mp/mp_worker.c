/*
 * mp_worker.c -- a program that opens the environment itself, as only
 * simdeskd may: the multi-process test checks that it is refused while a
 * server has it, and that an owner killed inside a transaction leaves
 * nothing at the next open.
 *   mp_worker DIR work ID N   log in as admin, add 2 users and post N
 *                             ledger entries against the shared "cash"
 *                             account, in alternating lock order so that
 *                             deadlocks happen and must be retried
 *   mp_worker DIR hang        post inside a transaction, print "ready",
 *                             then wait to be killed holding its locks
 *   mp_worker DIR stats       print "<cash balance> <postings> <users>"
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/base/base_int.h"
#include "core/crm/crm_int.h"
#include "core/stock/stock_int.h"
#include "core/billing/billing_int.h"
#include "core/tel/tel_int.h"

static struct sd_core *core;
static struct sd_session sess;

static void
die(const char *what, const struct sd_err *e)
{
	fprintf(stderr, "mp_worker[%ld]: %s: %s\n", (long)getpid(), what, e->msg);
	exit(1);
}

static int
hang_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct sd_posting_line l[2] = { { "cash", 1000000 }, { "victim", -1000000 } };
	int st;

	(void)arg;
	if ((st = sd_ledger_post(t, "admin", "never committed", "hang", l, 2,
	    NULL, err)) != SD_OK)
		return st;
	printf("ready\n");
	fflush(stdout);
	for (;;)
		pause();
}

static int
count_cb(const struct sd_audit *a, void *arg)
{
	(void)a;
	(*(long *)arg)++;
	return 0;
}

static int
count_users(const struct sd_user *u, void *arg)
{
	(void)u;
	(*(long *)arg)++;
	return 0;
}

int
main(int argc, char **argv)
{
	struct sd_config cfg;
	struct sd_err e;
	const char *mode;

	if (argc < 3)
		return 2;
	mode = argv[2];
	sd_config_defaults(&cfg);
	sd_strlcpy(cfg.data_dir, argv[1], sizeof cfg.data_dir);
	cfg.durable = 0;
	if (sd_core_open(&core, &cfg, 0, &e) != SD_OK)
		die("open", &e);
	if (sd_session_login(core, "admin", "adminpw1", &sess, &e) != SD_OK)
		die("login", &e);

	if (strcmp(mode, "hang") == 0) {
		sd_db_run(core->db, hang_txn, NULL, &e);
		die("hang returned", &e);
	}
	if (strcmp(mode, "stats") == 0) {
		struct sd_audit_filter f;
		struct sd_user rows[256];
		struct sd_user_filter uf;
		int64_t cash;
		long posts = 0, users = 0;
		char anchor[64] = "";
		int n;

		if (sd_ledger_balance_as(&sess, "cash", &cash, &e) != SD_OK)
			die("balance", &e);
		memset(&f, 0, sizeof f);
		f.op = "ledger.post";
		if (sd_audit_list(&sess, &f, count_cb, &posts, &e) != SD_OK)
			die("audit", &e);
		memset(&uf, 0, sizeof uf);
		do {
			if (sd_user_page(&sess, &uf, anchor, 1, rows, 256, &n,
			    &e) != SD_OK)
				die("users", &e);
			for (int i = 0; i < n; i++)
				count_users(&rows[i], &users);
			if (n > 0)
				sd_strlcpy(anchor, rows[n - 1].login, sizeof anchor);
		} while (n == 256);
		printf("%lld %ld %ld\n", (long long)cash, posts, users);
		sd_core_close(core);
		return 0;
	}
	if (strcmp(mode, "work") == 0 && argc == 5) {
		int id = atoi(argv[3]), n = atoi(argv[4]);
		char mine[32], login[32];
		struct sd_user_fields uf;

		snprintf(mine, sizeof mine, "worker:%d", id);
		for (int k = 0; k < 2; k++) {
			snprintf(login, sizeof login, "w%d-%d", id, k);
			sd_user_fields_init(&uf);
			uf.role = SD_ROLE_OPERATOR;
			uf.team = "mp";
			if (sd_user_add(&sess, login, &uf, "secret12", NULL,
			    &e) != SD_OK)
				die("user add", &e);
		}
		for (int i = 0; i < n; i++) {
			/* Alternate the order the two accounts are locked in. */
			struct sd_posting_line l[2];

			l[i % 2].account = "cash";
			l[i % 2].amount_fen = 100;
			l[1 - i % 2].account = mine;
			l[1 - i % 2].amount_fen = -100;
			if (sd_ledger_post_as(&sess, "mp", mine, l, 2, NULL,
			    &e) != SD_OK)
				die("post", &e);
		}
		printf("retries %lu\n", sd_db_retries());
		sd_core_close(core);
		return 0;
	}
	return 2;
}
