/*
 * bench_platform.c -- simdesk's side of `make bench` for the platform:
 *   insert N users (records with two unique secondary indexes) in
 *   transactions of 1000; look up L random users by login through
 *   core's read path (p50/p99/mean); post P ledger entries, each its own
 *   durable transaction (2 account updates + posting + audit row).
 * Prints "name value unit" lines for tests/bench/run.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/base/base_int.h"
#include "core/crm/crm_int.h"
#include "core/stock/stock_int.h"
#include "core/billing/billing_int.h"
#include "core/tel/tel_int.h"

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
	fprintf(stderr, "bench: %s: %s\n", what, e->msg);
	exit(1);
}

struct batch {
	int		 from, to;
	const char	*hash;
};

static int
insert_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct batch *b = arg;
	struct sd_user u;
	int st;

	for (int i = b->from; i < b->to; i++) {
		memset(&u, 0, sizeof u);
		u.id = (uint64_t)i + 100;
		snprintf(u.login, sizeof u.login, "u%07d", i);
		snprintf(u.name, sizeof u.name, "用户%07d", i);
		snprintf(u.os_login, sizeof u.os_login, "os%07d", i);
		snprintf(u.phone, sizeof u.phone, "138%08d", i);
		u.role = SD_ROLE_OPERATOR;
		if ((st = user_store(t, &u, b->hash, 1, err)) != SD_OK)
			return st;
	}
	return SD_OK;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int
main(int argc, char **argv)
{
	struct sd_config cfg;
	struct sd_core *core;
	struct sd_session s;
	struct sd_err e;
	char hash[160];
	int n, l, p;
	double t0, *lat, sum = 0;

	if (argc != 5) {
		fprintf(stderr, "usage: bench_platform DIR USERS LOOKUPS POSTS\n");
		return 2;
	}
	n = atoi(argv[2]);
	l = atoi(argv[3]);
	p = atoi(argv[4]);
	sd_config_defaults(&cfg);
	sd_strlcpy(cfg.data_dir, argv[1], sizeof cfg.data_dir);
	if (sd_core_open(&core, &cfg, 1, &e) != SD_OK)
		die("open", &e);
	if (sd_init_admin(core, "admin", NULL, "benchpw1", NULL, &e) != SD_OK ||
	    sd_session_login(core, "admin", "benchpw1", &s, &e) != SD_OK)
		die("init", &e);
	if (password_hash("x", hash, sizeof hash, &e) != SD_OK)
		die("hash", &e);

	t0 = now();
	for (int i = 0; i < n; i += 1000) {
		struct batch b = { i, i + 1000 < n ? i + 1000 : n, hash };

		if (sd_db_run(core->db, insert_txn, &b, &e) != SD_OK)
			die("insert", &e);
	}
	printf("insert_users %.3f s\n", now() - t0);

	lat = calloc((size_t)l, sizeof *lat);
	srand(42);
	for (int i = 0; i < l; i++) {
		char login[16];
		struct sd_user u;
		double t;

		snprintf(login, sizeof login, "u%07d", rand() % n);
		t = now();
		if (sd_user_get(&s, login, &u, &e) != SD_OK)
			die("lookup", &e);
		lat[i] = now() - t;
		sum += lat[i];
	}
	qsort(lat, (size_t)l, sizeof *lat, cmp);
	printf("lookup_p50 %.1f us\n", lat[l / 2] * 1e6);
	printf("lookup_p99 %.1f us\n", lat[l * 99 / 100] * 1e6);
	printf("lookup_mean %.1f us\n", sum / l * 1e6);

	/* The list view's data path: one screenful from a random anchor. */
	{
		struct sd_user_filter uf;
		struct sd_user *rows = calloc(30, sizeof *rows);
		int got;

		memset(&uf, 0, sizeof uf);
		sum = 0;
		for (int i = 0; i < l; i++) {
			char anchor[16];
			double t;

			snprintf(anchor, sizeof anchor, "u%07d", rand() % n);
			t = now();
			if (sd_user_page(&s, &uf, anchor, i % 2 ? 1 : -1, rows,
			    30, &got, &e) != SD_OK)
				die("page", &e);
			lat[i] = now() - t;
			sum += lat[i];
		}
		qsort(lat, (size_t)l, sizeof *lat, cmp);
		printf("page_p50 %.1f us\n", lat[l / 2] * 1e6);
		printf("page_p99 %.1f us\n", lat[l * 99 / 100] * 1e6);
		free(rows);
	}

	t0 = now();
	for (int i = 0; i < p; i++) {
		char acct[32];
		struct sd_posting_line lines[2] = { { "cash", 3900 }, { acct, -3900 } };

		snprintf(acct, sizeof acct, "cust:%d", i % 1000);
		if (sd_ledger_post_as(&s, "payment", "bench", lines, 2, NULL,
		    &e) != SD_OK)
			die("post", &e);
	}
	printf("durable_posts %.3f s\n", now() - t0);
	free(lat);
	sd_core_close(core);
	return 0;
}
