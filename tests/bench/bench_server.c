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
 * writersW: on the 1M-customer import's data (phone 13<9 digits>, name
 * 客户<7 digits>), phone and name-prefix lookups by turns while W clients
 * add customers through the server: w_phone_p50_us w_phone_p99_us
 * w_name_p50_us w_name_p99_us w_writers_per_s.
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
static int nwriters;		/* writersW: W clients add customers meanwhile */
static _Atomic int lookups_done;
static long wadded[64], wfailed;

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

/* One request of argv (NULL-ended); its exit code, -1 when it broke. */
static int
request(int fd, struct sd_buf *b, struct sd_buf *in, const char *const *argv)
{
	struct sd_wire_msg m;
	struct sd_err err;

	sd_wire_begin(b, SD_MSG_REQUEST);
	sd_rec_str(b, SD_W_ID, "");
	for (int i = 0; argv[i]; i++)
		sd_rec_bytes(b, SD_W_ARG, argv[i], strlen(argv[i]));
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

static int
roundtrip(int fd, struct sd_buf *b, struct sd_buf *in, const char *ph)
{
	const char *argv[] = { "customer", "show", ph, NULL };

	return request(fd, b, in, argv);
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

static int
server_fd(void)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s/simdesk.sock", datadir);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof sun) != 0) {
		perror(sun.sun_path);
		exit(1);
	}
	return fd;
}

static int
hello(int fd, struct sd_buf *b, struct sd_buf *in)
{
	struct sd_wire_msg m;
	struct sd_err err;
	int ok;

	sd_wire_begin(b, SD_MSG_HELLO);
	sd_rec_int(b, SD_W_VERSION, SD_WIRE_VERSION);
	sd_wire_finish(b);
	if (sd_wire_send(fd, b, NULL, 0, &err) != SD_OK ||
	    sd_wire_recv_msg(fd, in, SD_WIRE_MAX, &m, NULL, NULL, 0, &err) !=
	    SD_OK)
		return -1;
	ok = m.type == SD_MSG_WELCOME;
	sd_wire_msg_free(&m);
	return ok ? 0 : -1;
}

/*
 * writersW: lookups of the 1M-customer import (phone 13<9 digits>, name
 * 客户<7 digits>) through the server, a phone and a name prefix (a page of
 * 20) by turns, while W other clients add customers one request each.
 */
static void *
wlookup(void *arg)
{
	int id = (int)(long)arg, fd = server_fd();
	unsigned seed = (unsigned)id * 7919u + 1;
	struct sd_buf b = SD_BUF_INIT, in = SD_BUF_INIT;
	char ph[32], pre[32];

	if (hello(fd, &b, &in) != 0)
		exit(1);
	for (int i = 0; i < nreq; i++) {
		const char *byphone[] = { "customer", "show", ph, NULL };
		const char *byname[] = { "customer", "search", pre, "--by",
		    "name", "--limit", "20", NULL };
		long t0;

		snprintf(ph, sizeof ph, "13%09d", (int)(rand_r(&seed) %
		    (unsigned)ncust));
		snprintf(pre, sizeof pre, "客户%05d", (int)(rand_r(&seed) %
		    (unsigned)(ncust / 100 > 0 ? ncust / 100 : 1)));
		t0 = now_us();
		if (request(fd, &b, &in, i % 2 ? byname : byphone) != 0)
			failed++;
		lat[id * nreq + i] = now_us() - t0;
	}
	close(fd);
	sd_buf_free(&b);
	sd_buf_free(&in);
	return NULL;
}

static void *
wwriter(void *arg)
{
	int w = (int)(long)arg, fd = server_fd();
	struct sd_buf b = SD_BUF_INIT, in = SD_BUF_INIT;
	char ph[32], name[64];

	if (hello(fd, &b, &in) != 0)
		exit(1);
	for (long n = 0; !lookups_done; n++) {
		const char *add[] = { "customer", "add", "--name", name,
		    "--phone", ph, NULL };

		snprintf(ph, sizeof ph, "145%02d%06ld", w % 100, n % 1000000);
		snprintf(name, sizeof name, "服务端新客户%02d-%06ld", w, n);
		if (request(fd, &b, &in, add) == 0)
			wadded[w]++;
		else
			wfailed++;
	}
	close(fd);
	sd_buf_free(&b);
	sd_buf_free(&in);
	return NULL;
}

static int
cmpl(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

static void
with_writers(int nclients)
{
	pthread_t t[64], wt[64];
	size_t n = (size_t)nclients * (size_t)nreq, np = 0, nn = 0;
	long *ph = xcalloc(n, sizeof *ph), *nm = xcalloc(n, sizeof *nm);
	long t0, el, added = 0;

	for (int i = 0; i < nwriters; i++)
		pthread_create(&wt[i], NULL, wwriter, (void *)(long)i);
	usleep(300000);		/* the writers under way */
	t0 = now_us();
	for (int i = 0; i < nclients; i++)
		pthread_create(&t[i], NULL, wlookup, (void *)(long)i);
	for (int i = 0; i < nclients; i++)
		pthread_join(t[i], NULL);
	el = now_us() - t0;
	lookups_done = 1;
	for (int i = 0; i < nwriters; i++)
		pthread_join(wt[i], NULL);
	for (int i = 0; i < nwriters; i++)
		added += wadded[i];
	for (size_t i = 0; i < n; i++)
		if (i % (size_t)nreq % 2)
			nm[nn++] = lat[i];
		else
			ph[np++] = lat[i];
	qsort(ph, np, sizeof *ph, cmpl);
	qsort(nm, nn, sizeof *nm, cmpl);
	printf("w_phone_p50_us %ld\nw_phone_p99_us %ld\n", ph[np / 2],
	    ph[np * 99 / 100]);
	printf("w_name_p50_us %ld\nw_name_p99_us %ld\n", nm[nn / 2],
	    nm[nn * 99 / 100]);
	printf("w_lookups_per_s %ld\nw_writers_per_s %ld\nw_failed %d\n"
	    "w_writes_failed %ld\n", el > 0 ? (long)((double)n * 1e6 /
	    (double)el) : 0, el > 0 ? (long)((double)added * 1e6 /
	    (double)el) : 0, (int)failed, wfailed);
	free(ph);
	free(nm);
}

static void *
client(void *arg)
{
	int id = (int)(long)arg, fd;
	unsigned seed = (unsigned)id * 7919u + 1;
	struct sd_buf b = SD_BUF_INIT, in = SD_BUF_INIT;
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
	} else
		fd = server_fd();
	if (hello(fd, &b, &in) != 0) {
		fprintf(stderr, "bench_server: no welcome\n");
		exit(1);
	}
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
	if (argc == 6 && strncmp(argv[5], "writers", 7) == 0) {
		nwriters = atoi(argv[5] + 7);
		if (nwriters < 1 || nwriters > 64)
			return 2;
		with_writers(nclients);
		return failed ? 1 : 0;
	}
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
