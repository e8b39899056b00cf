/*
 * test_at.c -- the AT engine, fed byte by byte as modems send them (echo,
 * bare CR or LF, NULs and garbage, URCs inside replies, the SMS prompt, a
 * late reply after a timeout), and then against the simulator over a
 * socketpair through the fd transport with each fault it injects.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <unistd.h>

#include <cmocka.h>

#include "drivers/drivers_int.h"

struct rec {
	int		 n;
	int		 final[16];
	char		 info[16][256];
	int		 code[16];
	int		 nurc;
	char		 urc[16][256];
	char		 pdu[256];
	struct sd_buf	 wrote;
};

static void
wr(void *io, const void *p, size_t n)
{
	struct rec *r = io;

	sd_buf_add(&r->wrote, p, n);
}

static void
done(void *arg, const struct at_result *res)
{
	struct rec *r = arg;

	r->final[r->n] = res->final;
	r->code[r->n] = res->code;
	r->info[r->n][0] = '\0';
	for (int i = 0; i < res->ninfo; i++) {
		strncat(r->info[r->n], res->info[i], 200);
		strcat(r->info[r->n], "|");
	}
	r->n++;
}

static void
urc(void *arg, const char *line, const char *pdu)
{
	struct rec *r = arg;

	sd_strlcpy(r->urc[r->nurc++ % 16], line, 256);
	if (pdu != NULL)
		sd_strlcpy(r->pdu, pdu, sizeof r->pdu);
}

#define FEED(s)	at_feed(&e, s, sizeof s - 1, now)

static void
lines_and_urcs(void **state)
{
	struct at_engine e;
	struct rec r;
	int64_t now = 0;

	(void)state;
	memset(&r, 0, sizeof r);
	at_engine_init(&e, wr, &r, urc, &r);
	at_queue(&e, "AT+CSQ", NULL, 1000, done, &r, now);
	assert_string_equal(sd_buf_cstr(&r.wrote), "AT+CSQ\r");
	/* Echo, a NUL, a URC inside the reply, bare LF endings, blank lines. */
	FEED("AT+CSQ\r\r\n\0\r\n+CSQ: 17,99\nRING\r\n\r\n+CLIP: \"13812345678\",129\r");
	assert_int_equal(r.n, 0);
	FEED("\r\nOK\r\n");
	assert_int_equal(r.n, 1);
	assert_int_equal(r.final[0], AT_R_OK);
	assert_string_equal(r.info[0], "+CSQ: 17,99|");
	assert_int_equal(r.nurc, 2);
	assert_string_equal(r.urc[0], "RING");
	assert_string_equal(r.urc[1], "+CLIP: \"13812345678\",129");

	/* +CME ERROR and +CMS ERROR with their numbers. */
	at_queue(&e, "AT+CIMI", NULL, 1000, done, &r, now);
	FEED("\r\n+CME ERROR: 10\r\n");
	assert_int_equal(r.final[1], AT_R_CME);
	assert_int_equal(r.code[1], 10);
	at_queue(&e, "AT+CMGS=5", "0011", 1000, done, &r, now);
	/* The prompt ends no line: the PDU and ^Z go out on it. */
	FEED("\r\n> ");
	assert_non_null(strstr(sd_buf_cstr(&r.wrote), "AT+CMGS=5\r0011\x1a"));
	FEED("\r\n+CMGS: 7\r\n\r\nOK\r\n");
	assert_int_equal(r.final[2], AT_R_OK);
	assert_string_equal(r.info[2], "+CMGS: 7|");
	at_queue(&e, "AT+CMGS=5", "0011", 1000, done, &r, now);
	FEED("\r\n> \r\n+CMS ERROR: 304\r\n");
	assert_int_equal(r.final[3], AT_R_CMS);
	assert_int_equal(r.code[3], 304);

	/* +CMT carries its PDU on the next line; garbage bytes are dropped. */
	FEED("\x01\xff\r\n+CMT: ,24\r\n0791683108200105F0\r\n");
	assert_string_equal(r.urc[2], "+CMT: ,24");
	assert_string_equal(r.pdu, "0791683108200105F0");
	/* +CREG is an answer while AT+CREG? is out, else a URC. */
	FEED("\r\n+CREG: 1\r\n");
	assert_string_equal(r.urc[3], "+CREG: 1");
	at_queue(&e, "AT+CREG?", NULL, 1000, done, &r, now);
	FEED("\r\n+CREG: 2,1,\"5E25\",\"605F\"\r\nOK\r\n");
	assert_string_equal(r.info[4], "+CREG: 2,1,\"5E25\",\"605F\"|");
	/* NO CARRIER with nothing asked is call progress. */
	FEED("\r\nNO CARRIER\r\n");
	assert_string_equal(r.urc[4], "NO CARRIER");
	/* Call progress finals of ATD. */
	at_queue(&e, "ATD13800000000;", NULL, 1000, done, &r, now);
	FEED("\r\nBUSY\r\n");
	assert_int_equal(r.final[5], AT_R_BUSY);
	at_engine_free(&e);
	sd_buf_free(&r.wrote);
}

static void
deadlines_and_late(void **state)
{
	struct at_engine e;
	struct rec r;
	int64_t now = 0;

	(void)state;
	memset(&r, 0, sizeof r);
	at_engine_init(&e, wr, &r, urc, &r);
	at_queue(&e, "AT+CGSN", NULL, 1000, done, &r, now);
	at_queue(&e, "AT+CIMI", NULL, 1000, done, &r, now);
	/* URCs at 900 ms do not move the deadline. */
	now = 900;
	FEED("\r\nRING\r\n^RSSI:17\r\n");
	at_tick(&e, 999);
	assert_int_equal(r.n, 0);
	at_tick(&e, 1000);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.final[0], AT_R_TIMEOUT);
	/* The next command waits for the drain; the late answer of the
	 * first arrives and is not taken for the second's. */
	assert_int_equal(e.busy, 0);
	now = 1200;
	FEED("\r\n864816000000007\r\nOK\r\n");
	assert_int_equal(r.n, 1);
	assert_int_equal(e.late, 1);
	assert_true(e.busy);		/* AT+CIMI went out after it */
	FEED("\r\n460000000000000\r\nOK\r\n");
	assert_int_equal(r.n, 2);
	assert_int_equal(r.final[1], AT_R_OK);
	assert_string_equal(r.info[1], "460000000000000|");
	/* A drain with no late answer ends by time. */
	at_queue(&e, "AT+CGSN", NULL, 100, done, &r, now);
	at_queue(&e, "AT", NULL, 100, done, &r, now);
	at_tick(&e, now + 100);
	assert_int_equal(r.final[2], AT_R_TIMEOUT);
	at_tick(&e, now + 300);
	assert_int_equal(e.busy, 0);
	at_tick(&e, now + 700);
	assert_true(e.busy);
	/* The modem vanishes: everything queued ends. */
	at_queue(&e, "AT+CSQ", NULL, 100, done, &r, now);
	at_fail_all(&e, now + 700);
	assert_int_equal(r.final[3], AT_R_GONE);
	assert_int_equal(r.final[4], AT_R_GONE);
	assert_int_equal(e.qlen, 0);
	at_engine_free(&e);
	sd_buf_free(&r.wrote);
}

/* ---------------------------------------------------------------- simulator */

struct live {
	struct msim_bank	*b;
	struct drv_transport	*t;
	struct at_engine	 e;
	struct rec		 r;
};

static void
twr(void *io, const void *p, size_t n)
{
	drv_transport_write(io, p, n);
}

static int
live_open(struct live *l, int idx)
{
	char spec[16];
	struct sd_err err;

	snprintf(spec, sizeof spec, "fd:%d", msim_fd(l->b, idx));
	if (drv_transport_open(spec, 0, 0, &l->t, &err) != SD_OK)
		return -1;
	at_engine_init(&l->e, twr, l->t, urc, &l->r);
	return 0;
}

/* Run the loop until n results or ms pass; -1 on the modem gone. */
static int
run(struct live *l, int n, int ms)
{
	int64_t end = drv_now_ms() + ms;

	while (l->r.n < n && drv_now_ms() < end) {
		char buf[512];
		long k;
		struct pollfd p = { l->t->fd, POLLIN, 0 };

		msim_service(l->b, drv_now_ms());
		poll(&p, 1, 5);
		while ((k = drv_transport_read(l->t, buf, sizeof buf)) > 0)
			at_feed(&l->e, buf, (size_t)k, drv_now_ms());
		if (k < 0)
			return -1;
		at_tick(&l->e, drv_now_ms());
	}
	return l->r.n >= n ? 0 : 1;
}

static void
simulator_faults(void **state)
{
	struct live l;
	int64_t now = drv_now_ms();

	(void)state;
	memset(&l, 0, sizeof l);
	l.b = msim_bank_new(2, 7);
	assert_int_equal(live_open(&l, 0), 0);
	/* Echo on after power-up is skipped; identity answers. */
	at_queue(&l.e, "AT+CGSN", NULL, 1000, done, &l.r, now);
	assert_int_equal(run(&l, 1, 2000), 0);
	assert_int_equal(l.r.final[0], AT_R_OK);
	assert_string_equal(l.r.info[0], "864816000000007|");
	at_queue(&l.e, "ATE0", NULL, 1000, done, &l.r, now);
	at_queue(&l.e, "AT+CMEE=1", NULL, 1000, done, &l.r, now);
	assert_int_equal(run(&l, 3, 2000), 0);

	/* Echo forced back on, garbage before replies: still right. */
	msim_fault(l.b, 0, "echo", now);
	msim_fault(l.b, 0, "garbage", now);
	at_queue(&l.e, "AT+CIMI", NULL, 1000, done, &l.r, drv_now_ms());
	assert_int_equal(run(&l, 4, 2000), 0);
	assert_int_equal(l.r.final[3], AT_R_OK);
	assert_string_equal(l.r.info[3], "460000000000000|");
	msim_fault(l.b, 0, "clear", now);

	/* A dropped reply times out; the next command is answered. */
	msim_fault(l.b, 0, "drop", now);
	at_queue(&l.e, "AT+CSQ", NULL, 300, done, &l.r, drv_now_ms());
	at_queue(&l.e, "AT+CGSN", NULL, 1000, done, &l.r, drv_now_ms());
	assert_int_equal(run(&l, 6, 3000), 0);
	assert_int_equal(l.r.final[4], AT_R_TIMEOUT);
	assert_int_equal(l.r.final[5], AT_R_OK);
	assert_string_equal(l.r.info[5], "864816000000007|");

	/* A late reply (4 s) to +CSQ with a 300 ms deadline, a long drain:
	 * the next command's answer is its own. */
	l.e.drain_ms = 5000;
	msim_fault(l.b, 0, "late", now);
	at_queue(&l.e, "AT+CSQ", NULL, 300, done, &l.r, drv_now_ms());
	at_queue(&l.e, "AT+CIMI", NULL, 1000, done, &l.r, drv_now_ms());
	assert_int_equal(run(&l, 8, 8000), 0);
	assert_int_equal(l.r.final[6], AT_R_TIMEOUT);
	assert_int_equal(l.r.final[7], AT_R_OK);
	assert_string_equal(l.r.info[7], "460000000000000|");
	assert_int_equal(l.e.late, 1);
	l.e.drain_ms = 500;

	/* +CME ERROR: 10 after a slot switch until the SIM is ready. */
	msim_fault(l.b, 0, "cme10", now);
	at_queue(&l.e, "AT^SIMSLOT=1", NULL, 1000, done, &l.r, drv_now_ms());
	at_queue(&l.e, "AT+CCID", NULL, 1000, done, &l.r, drv_now_ms());
	assert_int_equal(run(&l, 10, 2000), 0);
	assert_int_equal(l.r.final[9], AT_R_CME);
	assert_int_equal(l.r.code[9], 10);
	usleep(2700000);
	at_queue(&l.e, "AT+CCID", NULL, 1000, done, &l.r, drv_now_ms());
	assert_int_equal(run(&l, 11, 2000), 0);
	assert_string_equal(l.r.info[10], "+CCID: 89860021000100000005|");

	/* Vanishing: the transport reads EOF. */
	msim_fault(l.b, 0, "vanish", drv_now_ms());
	at_queue(&l.e, "AT", NULL, 1000, done, &l.r, drv_now_ms());
	assert_int_equal(run(&l, 12, 2000), -1);
	at_fail_all(&l.e, drv_now_ms());
	assert_int_equal(l.r.final[11], AT_R_GONE);
	drv_transport_close(l.t);
	at_engine_free(&l.e);
	/* ... and comes back on a new fd, fresh (echo on again). */
	usleep(3100000);
	msim_service(l.b, drv_now_ms());
	l.r.n = 0;
	assert_int_equal(live_open(&l, 0), 0);
	at_queue(&l.e, "AT+CGSN", NULL, 1000, done, &l.r, drv_now_ms());
	assert_int_equal(run(&l, 1, 2000), 0);
	assert_string_equal(l.r.info[0], "864816000000007|");
	drv_transport_close(l.t);
	at_engine_free(&l.e);
	sd_buf_free(&l.r.wrote);
	msim_bank_free(l.b);
}

static void
transports(void **state)
{
	struct drv_transport *t;
	struct sd_err e;
	char **names;
	int n;

	(void)state;
	assert_int_equal(drv_transport_open("/dev/ttyNOSUCH9", 0, 0, &t, &e),
	    SD_EINVAL);
	assert_non_null(strstr(e.msg, "/dev/ttyNOSUCH9"));
	assert_int_equal(drv_transport_open("/dev/null", 0, 0, &t, &e),
	    SD_EINVAL);
	assert_int_equal(drv_transport_open("fd:999", 0, 0, &t, &e), SD_EINVAL);
	assert_int_equal(drv_transport_open("tcp:nohostport", 0, 0, &t, &e),
	    SD_EINVAL);
	assert_int_equal(drv_transport_open("tcp:127.0.0.1:1", 0, 0, &t, &e),
	    SD_EINVAL);
	assert_int_equal(drv_serial_list(&names, &n, &e), SD_OK);
	drv_serial_list_free(names, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lines_and_urcs),
		cmocka_unit_test(deadlines_and_late),
		cmocka_unit_test(simulator_faults),
		cmocka_unit_test(transports),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
