/*
 * bench_server.c -- a small operation's round trip through simdeskd:
 * CLIENTS threads, each on one connection, send REQUESTS "customer show
 * PHONE" requests for random phones of the first N customers and time
 * each to its reply; beside it, the same lookups made in-process on the
 * environment (the direct access every program used to make).
 * usage: bench_server DATADIR N CLIENTS REQUESTS
 *	[direct | echo | PACE_US | echoPACE_US]
 * prints "key value" lines: rt_p50_us rt_p99_us rt_per_s rt_cpu_ns (this
 * process's own CPU a request) failed, or with
 * direct (the server stopped) direct_p50_us direct_p99_us direct_per_s.
 * echo: the same clients and frames against a server thread per
 * connection that answers at once, with no database (the transport's
 * floor on this machine): echo_p50_us echo_p99_us echo_per_s.
 * PACE_US: each client sends a request every PACE_US microseconds (or at
 * once when behind) instead of back to back: paced_p50_us paced_p99_us;
 * echoPACE_US: the same paced against the echo threads.
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/core.h"

static const char *datadir;
static int ncust, nreq;
static long *lat;		/* CLIENTS * REQUESTS, microseconds */
static _Atomic int failed;
static struct sd_core *core;
static long pace_us;		/* 0: back to back */
static int echo;		/* connect to an echo thread instead */

static long
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000L + ts.tv_nsec / 1000;
}

static void
phone(char *out, size_t n, unsigned *seed)
{
	snprintf(out, n, "139%08d", (int)(rand_r(seed) % (unsigned)ncust));
}

static int
roundtrip(int fd, struct sd_buf *b, struct sd_buf *in, const char *ph)
{
	static const char *argv[] = { "customer", "show", NULL };
	struct sd_wire_msg m;
	struct sd_err err;

	sd_wire_begin(b, SD_MSG_REQUEST);
	sd_rec_str(b, SD_W_ID, "");
	for (int i = 0; argv[i]; i++)
		sd_rec_bytes(b, SD_W_ARG, argv[i], strlen(argv[i]));
	sd_rec_bytes(b, SD_W_ARG, ph, strlen(ph));
	sd_wire_finish(b);
	if (sd_wire_send(fd, b, NULL, 0, &err) != SD_OK)
		return -1;
	for (;;) {
		if (sd_wire_recv_msg(fd, in, SD_WIRE_MAX, &m, NULL, NULL, 0,
		    &err) != SD_OK)
			return -1;
		if (m.type == SD_MSG_DONE) {
			int code = (int)sd_wire_int(&m, SD_W_EXIT, 9);

			sd_wire_msg_free(&m);
			return code;
		}
		sd_wire_msg_free(&m);
	}
}

/*
 * The floor: a thread per connection that takes each frame whole, as
 * simdeskd does, and answers with an OUT frame of a customer card's size
 * and a DONE frame in one write.
 */
static void *
echo_main(void *arg)
{
	int fd = (int)(long)arg;
	struct sd_buf in = SD_BUF_INIT, out = SD_BUF_INIT, b = SD_BUF_INIT;
	struct sd_wire_msg m;
	struct sd_err err;
	char card[400];

	memset(card, 'x', sizeof card);
	while (sd_wire_recv_msg(fd, &in, SD_WIRE_MAX, &m, NULL, NULL, 0, &err) ==
	    SD_OK) {
		int type = m.type;

		sd_wire_msg_free(&m);
		sd_buf_reset(&out);
		if (type == SD_MSG_HELLO) {
			sd_wire_begin(&b, SD_MSG_WELCOME);
			sd_wire_finish(&b);
			sd_buf_add(&out, b.p, b.len);
		} else {
			sd_wire_begin(&b, SD_MSG_OUT);
			sd_rec_bytes(&b, SD_W_TEXT, card, sizeof card);
			sd_wire_finish(&b);
			sd_buf_add(&out, b.p, b.len);
			sd_wire_begin(&b, SD_MSG_DONE);
			sd_rec_int(&b, SD_W_EXIT, 0);
			sd_wire_finish(&b);
			sd_buf_add(&out, b.p, b.len);
		}
		if (sd_wire_send(fd, &out, NULL, 0, &err) != SD_OK)
			break;
	}
	close(fd);
	sd_buf_free(&in);
	sd_buf_free(&out);
	sd_buf_free(&b);
	return NULL;
}

static void *
client(void *arg)
{
	int id = (int)(long)arg, fd;
	unsigned seed = (unsigned)id * 7919u + 1;
	struct sockaddr_un sun;
	struct sd_buf b = SD_BUF_INIT, in = SD_BUF_INIT;
	struct sd_wire_msg m;
	struct sd_err err;
	char ph[32];

	long next;

	if (echo) {
		int sv[2];
		pthread_t t;

		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0 ||
		    pthread_create(&t, NULL, echo_main, (void *)(long)sv[1]) !=
		    0) {
			perror("echo");
			exit(1);
		}
		pthread_detach(t);
		fd = sv[0];
	} else {
		memset(&sun, 0, sizeof sun);
		sun.sun_family = AF_UNIX;
		snprintf(sun.sun_path, sizeof sun.sun_path, "%s/simdesk.sock",
		    datadir);
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof sun) !=
		    0) {
			perror(sun.sun_path);
			exit(1);
		}
	}
	sd_wire_begin(&b, SD_MSG_HELLO);
	sd_rec_int(&b, SD_W_VERSION, SD_WIRE_VERSION);
	sd_wire_finish(&b);
	if (sd_wire_send(fd, &b, NULL, 0, &err) != SD_OK ||
	    sd_wire_recv_msg(fd, &in, SD_WIRE_MAX, &m, NULL, NULL, 0, &err) !=
	    SD_OK || m.type != SD_MSG_WELCOME) {
		fprintf(stderr, "bench_server: no welcome\n");
		exit(1);
	}
	sd_wire_msg_free(&m);
	/* Paced clients start spread over one interval. */
	next = now_us() + (pace_us ? pace_us * id / 16 : 0);
	for (int i = 0; i < nreq; i++) {
		long t0;

		phone(ph, sizeof ph, &seed);
		if (pace_us) {
			long wait = next - now_us();

			if (wait > 0)
				usleep((useconds_t)wait);
			next += pace_us;
		}
		t0 = now_us();
		if (roundtrip(fd, &b, &in, ph) != 0)
			failed++;
		lat[id * nreq + i] = now_us() - t0;
	}
	close(fd);
	sd_buf_free(&b);
	sd_buf_free(&in);
	return NULL;
}

static void *
direct(void *arg)
{
	int id = (int)(long)arg;
	unsigned seed = (unsigned)id * 7919u + 1;
	struct sd_session s;
	struct sd_customer c;
	struct sd_err err;
	char ph[32];

	sd_session_system(core, &s, "bench");
	for (int i = 0; i < nreq; i++) {
		long t0;

		phone(ph, sizeof ph, &seed);
		t0 = now_us();
		if (sd_customer_find(&s, ph, &c, &err) != SD_OK)
			failed++;
		lat[id * nreq + i] = now_us() - t0;
	}
	return NULL;
}

static int
cmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

/* This process's CPU time so far (user + system), microseconds. */
static long
cpu_us(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000L +
	    ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

/* The server's CPU time so far (user + system, its /proc stat), in
 * microseconds; -1 when there is no server to read. */
static long
server_cpu_us(void)
{
	char path[600], line[1024];
	unsigned long ut, stt;
	long pid = 0;
	FILE *f;
	char *p;

	if (echo)
		return -1;
	snprintf(path, sizeof path, "%s/simdeskd.pid", datadir);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = 0;
	fclose(f);
	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	if (pid <= 0 || (f = fopen(path, "r")) == NULL)
		return -1;
	p = fgets(line, sizeof line, f);
	fclose(f);
	/* Fields 14 and 15, after the command's closing parenthesis. */
	if (p == NULL || (p = strrchr(line, ')')) == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
	    &ut, &stt) != 2)
		return -1;
	return (long)((ut + stt) * (1000000UL / (unsigned long)sysconf(_SC_CLK_TCK)));
}

static void
run(void *(*fn)(void *), int nthreads, const char *prefix)
{
	pthread_t t[64];
	long t0 = now_us(), c0 = cpu_us(), s0 = server_cpu_us(), s1, el;
	size_t n = (size_t)nthreads * (size_t)nreq;

	for (int i = 0; i < nthreads; i++)
		pthread_create(&t[i], NULL, fn, (void *)(long)i);
	for (int i = 0; i < nthreads; i++)
		pthread_join(t[i], NULL);
	el = now_us() - t0;
	/* What the clients themselves cost a request (with echo: the echo
	 * threads too): on C cores no server, however fast, serves more
	 * than C / this a second to back-to-back clients. */
	printf("%s_cpu_ns %ld\n", prefix, (cpu_us() - c0) * 1000 / (long)n);
	if (s0 >= 0 && (s1 = server_cpu_us()) >= 0)
		printf("%s_server_cpu_ns %ld\n", prefix,
		    (s1 - s0) * 1000 / (long)n);
	qsort(lat, n, sizeof *lat, cmp);
	printf("%s_p50_us %ld\n%s_p99_us %ld\n%s_per_s %ld\n", prefix,
	    lat[n / 2], prefix, lat[n * 99 / 100], prefix,
	    el > 0 ? (long)((double)n * 1e6 / (double)el) : 0);
}

int
main(int argc, char **argv)
{
	struct sd_config cfg;
	struct sd_err err;
	int nclients;

	if (argc != 5 && argc != 6) {
		fputs("usage: bench_server DATADIR N CLIENTS REQUESTS "
		    "[direct | echo | PACE_US | echoPACE_US]\n", stderr);
		return 2;
	}
	datadir = argv[1];
	ncust = atoi(argv[2]);
	nclients = atoi(argv[3]);
	nreq = atoi(argv[4]);
	if (ncust < 1 || nclients < 1 || nclients > 64 || nreq < 1)
		return 2;
	lat = xcalloc((size_t)nclients * (size_t)nreq, sizeof *lat);
	if (argc == 5 || strcmp(argv[5], "direct") != 0) {
		const char *prefix = "rt";

		if (argc == 6 && strncmp(argv[5], "echo", 4) == 0) {
			echo = 1;
			prefix = "echo";
			if (argv[5][4] != '\0') {	/* echoPACE_US */
				if ((pace_us = atol(argv[5] + 4)) <= 0)
					return 2;
				prefix = "echopaced";
			}
		} else if (argc == 6) {
			if ((pace_us = atol(argv[5])) <= 0)
				return 2;
			prefix = "paced";
		}
		run(client, nclients, prefix);
		printf("%s_failed %d\n", prefix, (int)failed);
		return failed ? 1 : 0;
	}
	/*
	 * The same lookups in-process (the direct access of the earlier
	 * design), the server stopped: the environment is one process's.
	 */
	sd_config_defaults(&cfg);
	sd_strlcpy(cfg.data_dir, datadir, sizeof cfg.data_dir);
	if (sd_core_open(&core, &cfg, 0, &err) != SD_OK) {
		fprintf(stderr, "bench_server: %s\n", err.msg);
		return 1;
	}
	run(direct, nclients, "direct");
	sd_core_close(core);
	return failed ? 1 : 0;
}
