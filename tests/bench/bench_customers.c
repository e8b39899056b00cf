/*
 * bench_customers.c -- simdesk's side of the customers benchmark.
 *   bench_customers DIR lookups N WRITERS
 * With WRITERS threads adding customers as fast as they can, look up N
 * random customers by phone and N by name prefix (a 20-row page) through
 * core, and print p50/p99/mean for each and the writers' rate.  One
 * process, as in simdeskd: the environment is one process's alone.
 * Customers are those of the import: phone 13<9 digits of i>, name 客户<i>.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static struct sd_core *
open_core(const char *dir, struct sd_session *s)
{
	struct sd_config cfg;
	struct sd_core *core;
	struct sd_err e;

	sd_config_defaults(&cfg);
	sd_strlcpy(cfg.data_dir, dir, sizeof cfg.data_dir);
	if (sd_core_open(&core, &cfg, 0, &e) != SD_OK) {
		fprintf(stderr, "bench: %s\n", e.msg);
		exit(1);
	}
	sd_session_system(core, s, "bench");
	return core;
}

static _Atomic int stop;
static struct sd_core *core;
static long added[64];

/* A writer thread: add customers until told to stop; count them. */
static void *
writer(void *arg)
{
	int w = (int)(long)arg;
	struct sd_session s;
	long n = 0;

	sd_session_system(core, &s, "bench");
	while (!stop) {
		struct sd_cust_fields f;
		char phone[32], name[64];
		struct sd_err e;

		snprintf(phone, sizeof phone, "147%02d%06ld", w % 100, n % 1000000);
		snprintf(name, sizeof name, "新客户%02d-%06ld", w, n);
		sd_cust_fields_init(&f);
		f.name = name;
		f.phones = phone;
		f.city = "杭州";
		if (sd_customer_add(&s, &f, NULL, &e) != SD_OK) {
			fprintf(stderr, "writer %d: %s\n", w, e.msg);
			break;
		}
		n++;
	}
	added[w] = n;
	return NULL;
}

static void
report(const char *what, double *lat, int n)
{
	double sum = 0;

	for (int i = 0; i < n; i++)
		sum += lat[i];
	qsort(lat, (size_t)n, sizeof *lat, cmp);
	printf("%s_p50 %.1f us\n%s_p99 %.1f us\n%s_mean %.1f us\n", what,
	    lat[n / 2] * 1e6, what, lat[n * 99 / 100] * 1e6, what,
	    sum / n * 1e6);
}

int
main(int argc, char **argv)
{
	struct sd_session s;
	struct sd_customer rows[20];
	int n, writers;
	long total;
	pthread_t tids[64];
	double *lat;

	double tstart = now();

	if (argc != 5 || strcmp(argv[2], "lookups") != 0)
		return 2;
	n = atoi(argv[3]);
	writers = atoi(argv[4]);
	total = 1000000;
	if (getenv("BENCH_CUSTOMERS"))
		total = atol(getenv("BENCH_CUSTOMERS"));
	if (writers > 64)
		writers = 64;
	core = open_core(argv[1], &s);
	for (int w = 0; w < writers; w++)
		pthread_create(&tids[w], NULL, writer, (void *)(long)w);
	usleep(300000);		/* writers running */
	lat = calloc((size_t)n, sizeof *lat);
	srand(7);
	for (int i = 0; i < n; i++) {
		struct sd_customer c;
		struct sd_err e;
		char phone[24];
		double t;

		snprintf(phone, sizeof phone, "13%09ld", rand() % total);
		t = now();
		if (sd_customer_find(&s, phone, &c, &e) != SD_OK) {
			fprintf(stderr, "bench: %s\n", e.msg);
			return 1;
		}
		lat[i] = now() - t;
	}
	report("phone", lat, n);
	for (int i = 0; i < n; i++) {
		struct sd_err e;
		char prefix[64];
		int got;
		double t;

		/* 客户 + the first 5 of 7 digits: a prefix matching 100 */
		snprintf(prefix, sizeof prefix, "客户%05ld", (rand() % total) / 100);
		t = now();
		if (sd_customer_page(&s, SD_CUST_BY_NAME, prefix, "", 1, rows, NULL,
		    20, &got, &e) != SD_OK || got == 0) {
			fprintf(stderr, "bench: name %s: %s\n", prefix, got ? e.msg :
			    "nothing found");
			return 1;
		}
		lat[i] = now() - t;
	}
	report("name", lat, n);
	{
		long sum = 0;

		stop = 1;
		for (int w = 0; w < writers; w++) {
			pthread_join(tids[w], NULL);
			sum += added[w];
		}
		/* Over the writers' whole life, start to stop. */
		printf("writers_per_s %.0f /s\n", sum / (now() - tstart));
	}
	free(lat);
	sd_core_close(core);
	return 0;
}
