/*
 * bench_tel.c -- the AT layer's side of `make bench`: M modems on one poll
 * loop, one command outstanding on each, for S seconds.
 *   raw:  M socketpairs whose far end answers every "AT+CSQ\r" with a
 *         fixed "+CSQ: 14,99 / OK" at once and whose near end waits for
 *         "OK\r\n": what the kernel and a poll loop cost, nothing else;
 *   ours: M simulated modems (sim:M) behind the fd transport, each driven
 *         by an AT engine (queue, deadline, line splitting, final-result
 *         and URC parsing) sending AT+CSQ, the simulator parsing and
 *         answering as a modem would.
 * Prints "name value unit" lines for tests/bench/run.sh: round trips per
 * second and p50/p99 latency in microseconds for each.
 */
#include <sys/socket.h>

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "drivers/drivers_int.h"

#define MAXM	256
#define MAXLAT	(4 * 1024 * 1024)

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int32_t *lat;
static long nlat;

static void
record(int64_t us)
{
	if (nlat < MAXLAT)
		lat[nlat++] = (int32_t)us;
}

static int
cmp32(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return x < y ? -1 : x > y;
}

static void
report(const char *name, double secs)
{
	qsort(lat, (size_t)nlat, sizeof lat[0], cmp32);
	printf("%s_per_s %.0f /s\n", name, (double)nlat / secs);
	printf("%s_p50 %d us\n", name, nlat ? lat[nlat / 2] : 0);
	printf("%s_p99 %d us\n", name, nlat ? lat[nlat * 99 / 100] : 0);
	nlat = 0;
}

static void
nonblock(int fd)
{
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* ---------------------------------------------------------------- raw */

static void
bench_raw(int m, double secs)
{
	static const char cmd[] = "AT+CSQ\r";
	static const char rep[] = "\r\n+CSQ: 14,99\r\n\r\nOK\r\n";
	int near[MAXM], far[MAXM];
	int64_t sent[MAXM], end;
	struct pollfd p[2 * MAXM];
	char buf[512];

	for (int i = 0; i < m; i++) {
		int sv[2];

		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
			perror("socketpair");
			exit(1);
		}
		near[i] = sv[0];
		far[i] = sv[1];
		nonblock(near[i]);
		nonblock(far[i]);
	}
	end = now_us() + (int64_t)(secs * 1e6);
	for (int i = 0; i < m; i++) {
		sent[i] = now_us();
		if (write(near[i], cmd, sizeof cmd - 1) < 0)
			exit(1);
	}
	while (now_us() < end) {
		for (int i = 0; i < m; i++) {
			p[i] = (struct pollfd){ far[i], POLLIN, 0 };
			p[m + i] = (struct pollfd){ near[i], POLLIN, 0 };
		}
		if (poll(p, (nfds_t)(2 * m), 10) < 0)
			exit(1);
		for (int i = 0; i < m; i++) {
			long n;

			if ((p[i].revents & POLLIN) &&
			    (n = read(far[i], buf, sizeof buf)) > 0 &&
			    memchr(buf, '\r', (size_t)n) != NULL &&
			    write(far[i], rep, sizeof rep - 1) < 0)
				exit(1);
			if ((p[m + i].revents & POLLIN) &&
			    (n = read(near[i], buf, sizeof buf)) > 0 &&
			    n >= 4 && memcmp(buf + n - 4, "OK\r\n", 4) == 0) {
				int64_t t = now_us();

				record(t - sent[i]);
				sent[i] = t;
				if (write(near[i], cmd, sizeof cmd - 1) < 0)
					exit(1);
			}
		}
	}
	for (int i = 0; i < m; i++) {
		close(near[i]);
		close(far[i]);
	}
	report("raw", secs);
}

/* ---------------------------------------------------------------- ours */

struct bmodem {
	struct at_engine	 at;
	struct drv_transport	*tr;
	int64_t			 sent;
	long			 errors;
};

static int64_t ours_end;

static void
wr(void *io, const void *p, size_t n)
{
	drv_transport_write(io, p, n);
}

static void csq_done(void *arg, const struct at_result *r);

static void
send_csq(struct bmodem *b)
{
	b->sent = now_us();
	at_queue(&b->at, "AT+CSQ", NULL, 5000, csq_done, b, drv_now_ms());
}

static void
csq_done(void *arg, const struct at_result *r)
{
	struct bmodem *b = arg;

	if (r->final != AT_R_OK || at_info(r, "+CSQ:") == NULL)
		b->errors++;
	else
		record(now_us() - b->sent);
	if (now_us() < ours_end)
		send_csq(b);
}

static void
first_done(void *arg, const struct at_result *r)
{
	(void)r;
	send_csq(arg);
}

static void
bench_ours(int m, double secs)
{
	struct msim_bank *bank = msim_bank_new(m, 1);
	struct bmodem *bm = calloc((size_t)m, sizeof *bm);
	struct pollfd p[2 * MAXM + 8];
	int sfd[2 * MAXM];
	long errors = 0;
	int64_t start;

	if (bank == NULL || bm == NULL)
		exit(1);
	for (int i = 0; i < m; i++) {
		struct sd_err e;
		char spec[32];

		snprintf(spec, sizeof spec, "fd:%d", msim_fd(bank, i));
		if (drv_transport_open(spec, 115200, 0, &bm[i].tr, &e) != SD_OK) {
			fprintf(stderr, "bench: %s\n", e.msg);
			exit(1);
		}
		at_engine_init(&bm[i].at, wr, bm[i].tr, NULL, NULL);
	}
	start = now_us();
	ours_end = start + (int64_t)(secs * 1e6);
	/* Echo off first, as simdeskd's init does; then AT+CSQ for ever. */
	for (int i = 0; i < m; i++)
		at_queue(&bm[i].at, "ATE0", NULL, 5000, first_done, &bm[i],
		    drv_now_ms());
	nlat = 0;
	while (now_us() < ours_end) {
		int n = 0, k = msim_pollfds(bank, sfd, 2 * MAXM);
		int64_t now;

		for (int i = 0; i < m; i++)
			p[n++] = (struct pollfd){ bm[i].tr->fd, POLLIN, 0 };
		for (int i = 0; i < k; i++)
			p[n++] = (struct pollfd){ sfd[i], POLLIN, 0 };
		if (poll(p, (nfds_t)n, 10) < 0)
			exit(1);
		now = drv_now_ms();
		msim_service(bank, now);
		for (int i = 0; i < m; i++) {
			char buf[1024];
			long r;

			if (!(p[i].revents & POLLIN))
				continue;
			while ((r = drv_transport_read(bm[i].tr, buf,
			    sizeof buf)) > 0)
				at_feed(&bm[i].at, buf, (size_t)r, now);
			at_tick(&bm[i].at, now);
		}
	}
	for (int i = 0; i < m; i++) {
		errors += bm[i].errors;
		at_engine_free(&bm[i].at);
		drv_transport_close(bm[i].tr);
	}
	msim_bank_free(bank);
	free(bm);
	report("ours", secs);
	printf("ours_errors %ld n\n", errors);
}

int
main(int argc, char **argv)
{
	int m = argc > 1 ? atoi(argv[1]) : 64;
	double secs = argc > 2 ? atof(argv[2]) : 3.0;

	if (m < 1 || m > MAXM || secs <= 0) {
		fprintf(stderr, "usage: bench_tel [MODEMS (1-%d)] [SECONDS]\n",
		    MAXM);
		return 2;
	}
	if ((lat = malloc(sizeof *lat * MAXLAT)) == NULL)
		return 1;
	printf("modems %d n\n", m);
	bench_raw(m, secs);
	bench_ours(m, secs);
	free(lat);
	return 0;
}
