/*
 * modemsim.c -- the modem simulator behind "sim:N": N virtual GSM modems,
 * each at the far end of a socketpair, answering AT like a real modem
 * (echo on after power-up, +CME ERROR codes, the SMS prompt, URCs), each
 * holding two virtual SIMs, placing calls to each other and to outside
 * numbers, delivering SMS, answering USSD, streaming a call's audio
 * (8 kHz 16-bit PCM on a second socketpair after AT^DDSETEX=2, like a
 * Huawei voice port), and injecting faults on request.  Used by the tests and by `make demo`; it runs in the loop of
 * whoever owns the bank (simdeskd, or a test).
 */
#include <sys/socket.h>

#include <ctype.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "drivers/drivers_int.h"

#define MSIM_OUTBOX 64
#define MSIM_DELAYED 8

enum { C_NONE = -1, C_ACTIVE = 0, C_DIALING = 2, C_ALERTING = 3,
    C_INCOMING = 4 };

struct msim_modem {
	int		 fd;		/* our end; -1 while gone */
	int		 drv_fd;	/* the driver's end, until it takes it */
	char		 in[1024];
	size_t		 inn;
	int		 echo, cmee, clip, creg_n, huawei;
	int		 slot;
	char		 iccid[2][SD_ICCID_MAX + 1];
	int64_t		 ready_at;	/* SIM and registration after a switch */
	int64_t		 cme10_until;
	/* the call */
	int		 cstate, cdir, peer;
	char		 cnum[33];
	int64_t		 t_next;	/* alert, answer, busy, next RING */
	int64_t		 t_hangup;	/* an unanswered outside caller gives up */
	/* +CMGS */
	int		 in_pdu;
	char		 pdu[600];
	size_t		 pdun;
	int		 mr;
	/* USSD */
	char		 ussd[64];
	int64_t		 ussd_at;
	/* replies held back by the "late" fault */
	struct { int64_t at; char text[1024]; } delayed[MSIM_DELAYED];
	/* faults */
	int		 f_echo, f_garbage, f_drop, f_late, f_cme10, f_reset_sms;
	int64_t		 back_at;	/* vanished until then */
	/* the voice port: PCM while a call is up and AT^DDSETEX=2 was sent */
	int		 afd, drv_afd;
	int		 audio_on;
	int64_t		 a_start, a_next;
	long		 a_sent;	/* samples since a_start */
};

struct msim_bank {
	int			 n;
	int			 answer_ms;
	unsigned		 seed;
	struct msim_modem	*m;
	char			 outbox[MSIM_OUTBOX][400];
	int			 nout;
};

static unsigned
rnd(struct msim_bank *b)
{
	b->seed = b->seed * 1103515245u + 12345u;
	return (b->seed >> 16) & 0x7fff;
}

static void
luhn_finish(char *d)
{
	size_t n = strlen(d);
	int sum = 0;

	for (size_t i = 0; i < n; i++) {
		int v = d[n - 1 - i] - '0';

		if (i % 2 == 0) {
			v *= 2;
			if (v > 9)
				v -= 9;
		}
		sum += v;
	}
	d[n] = (char)('0' + (10 - sum % 10) % 10);
	d[n + 1] = '\0';
}

void
msim_sim_ids(int modem, int slot, char *iccid, char *imsi, char *msisdn)
{
	char d[32];
	unsigned mo = (unsigned)modem % 1000u, sl = (unsigned)slot % 2u;

	/* 19 digits and a Luhn check; IMSI 15; an 11-digit mobile number. */
	snprintf(d, sizeof d, "8986002%u%03u%u0000000", sl, mo, sl);
	luhn_finish(d);
	if (iccid != NULL)
		strcpy(iccid, d);
	if (imsi != NULL)
		snprintf(imsi, 16, "46000%u%03u%u00000", sl, mo, sl);
	if (msisdn != NULL)
		snprintf(msisdn, 12, "139%03u%u0000", mo, sl);
}

static void
modem_reset(struct msim_modem *m, int64_t now)
{
	m->inn = 0;
	m->echo = 1;
	m->cmee = 0;
	m->clip = 0;
	m->creg_n = 0;
	m->cstate = C_NONE;
	m->peer = -1;
	/* No call, no call timers (a past deadline keeps simdeskd's
	 * poll from sleeping). */
	m->t_next = m->t_hangup = 0;
	m->a_start = m->a_next = 0;
	m->in_pdu = 0;
	m->ussd_at = 0;
	m->ready_at = now;
	for (int i = 0; i < MSIM_DELAYED; i++)
		m->delayed[i].at = 0;
}

static int
modem_plug(struct msim_modem *m)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return -1;
	fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK);
	m->fd = sv[0];
	m->drv_fd = sv[1];
	return 0;
}

struct msim_bank *
msim_bank_new(int n, unsigned seed)
{
	struct msim_bank *b = xcalloc(1, sizeof *b);

	b->n = n;
	b->seed = seed;
	b->answer_ms = 2000;
	b->m = xcalloc((size_t)n, sizeof *b->m);
	for (int i = 0; i < n; i++) {
		struct msim_modem *m = &b->m[i];

		msim_sim_ids(i, 0, m->iccid[0], NULL, NULL);
		msim_sim_ids(i, 1, m->iccid[1], NULL, NULL);
		m->huawei = i % 2;	/* odd modems speak ^ORIG/^CONN/^CEND */
		m->fd = m->drv_fd = -1;
		m->afd = m->drv_afd = -1;
		modem_reset(m, 0);
		{
			int sv[2];

			if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0,
			    sv) == 0) {
				fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) |
				    O_NONBLOCK);
				m->afd = sv[0];
				m->drv_afd = sv[1];
			}
		}
		if (modem_plug(m) != 0) {
			msim_bank_free(b);
			return NULL;
		}
	}
	return b;
}

void
msim_bank_free(struct msim_bank *b)
{
	if (b == NULL)
		return;
	for (int i = 0; i < b->n; i++) {
		if (b->m[i].fd >= 0)
			close(b->m[i].fd);
		if (b->m[i].drv_fd >= 0)
			close(b->m[i].drv_fd);
		if (b->m[i].afd >= 0)
			close(b->m[i].afd);
		if (b->m[i].drv_afd >= 0)
			close(b->m[i].drv_afd);
	}
	free(b->m);
	free(b);
}

int
msim_count(const struct msim_bank *b)
{
	return b->n;
}

int
msim_fd(struct msim_bank *b, int i)
{
	int fd;

	if (i < 0 || i >= b->n || b->m[i].fd < 0)
		return -1;
	fd = b->m[i].drv_fd;
	b->m[i].drv_fd = -1;	/* the driver owns it now */
	return fd;
}

int
msim_audio_fd(struct msim_bank *b, int i)
{
	int fd;

	if (i < 0 || i >= b->n)
		return -1;
	fd = b->m[i].drv_afd;
	b->m[i].drv_afd = -1;
	return fd;
}

/*
 * The far end talking: a 400 Hz tone (a sine of 20 samples at 8 kHz),
 * louder and softer by the second, as little-endian 16-bit PCM, paced by
 * the clock.  A driver that does not read loses samples, as on a serial
 * voice port.
 */
static void
audio_service(struct msim_modem *m, int64_t now)
{
	static const short sine[20] = { 0, 2472, 4702, 6472, 7608, 8000, 7608,
	    6472, 4702, 2472, 0, -2472, -4702, -6472, -7608, -8000, -7608,
	    -6472, -4702, -2472 };
	unsigned char buf[1600];
	long owed;

	if (m->cstate != C_ACTIVE || !m->audio_on || m->afd < 0) {
		m->a_start = m->a_next = 0;
		m->a_sent = 0;
		if (m->cstate != C_ACTIVE)
			m->audio_on = 0;
		return;
	}
	if (m->a_start == 0)
		m->a_start = now;
	owed = (long)(now - m->a_start) * 8 - m->a_sent;
	if (owed > 800)
		owed = 800;	/* 100 ms at most a turn */
	for (long k = 0; k < owed; k++) {
		long n = m->a_sent + k;
		int v = sine[n % 20] / ((n / 8000) % 2 ? 4 : 1);

		buf[2 * k] = (unsigned char)(v & 0xff);
		buf[2 * k + 1] = (unsigned char)((v >> 8) & 0xff);
	}
	if (owed > 0 && write(m->afd, buf, (size_t)owed * 2) < 0) {
		;	/* full: those samples are lost */
	}
	m->a_sent += owed;
	m->a_next = now + 20;
}

int
msim_pollfds(struct msim_bank *b, int *fds, int max)
{
	int k = 0;

	for (int i = 0; i < b->n && k < max; i++)
		if (b->m[i].fd >= 0)
			fds[k++] = b->m[i].fd;
	return k;
}

void
msim_set_answer_ms(struct msim_bank *b, int ms)
{
	b->answer_ms = ms;
}

int
msim_outbox(const struct msim_bank *b, int k, char *out, size_t size)
{
	if (k < 0 || k >= b->nout)
		return -1;
	sd_strlcpy(out, b->outbox[k], size);
	return 0;
}

/* ---------------------------------------------------------------- output */

static void
raw_out(struct msim_modem *m, const char *s)
{
	size_t n = strlen(s), off = 0;

	if (m->fd < 0)
		return;
	while (off < n) {
		ssize_t w = write(m->fd, s + off, n - off);

		if (w <= 0)
			return;	/* a driver that stopped reading loses bytes */
		off += (size_t)w;
	}
}

/* An unsolicited line. */
static void
urc(struct msim_modem *m, const char *line)
{
	raw_out(m, "\r\n");
	raw_out(m, line);
	raw_out(m, "\r\n");
}

/* One command's whole reply, through the faults. */
static void
reply(struct msim_bank *b, struct msim_modem *m, const char *text,
    int64_t now)
{
	if (m->f_drop) {
		m->f_drop = 0;
		return;
	}
	if (m->f_garbage) {
		static const char junk[] = "\x00\xff~#\x01\x7f%\x1b";
		char g[12];
		int n = 1 + (int)(rnd(b) % 8);

		for (int i = 0; i < n; i++)
			g[i] = junk[rnd(b) % (sizeof junk - 1)];
		if (m->fd >= 0 && write(m->fd, g, (size_t)n) < 0)
			return;
	}
	if (m->f_late) {
		m->f_late = 0;
		for (int i = 0; i < MSIM_DELAYED; i++)
			if (m->delayed[i].at == 0) {
				m->delayed[i].at = now + 4000;
				sd_strlcpy(m->delayed[i].text, text,
				    sizeof m->delayed[i].text);
				return;
			}
	}
	raw_out(m, text);
}

static void
err_reply(struct msim_bank *b, struct msim_modem *m, struct sd_buf *r,
    int cme, int64_t now)
{
	if (m->cmee)
		sd_buf_printf(r, "\r\n+CME ERROR: %d\r\n", cme);
	else
		sd_buf_adds(r, "\r\nERROR\r\n");
	reply(b, m, sd_buf_cstr(r), now);
}

/* ---------------------------------------------------------------- calls */

static int
modem_by_msisdn(struct msim_bank *b, const char *num)
{
	const char *d = num;

	if (strncmp(d, "+86", 3) == 0)
		d += 3;
	for (int i = 0; i < b->n; i++) {
		char msisdn[16];

		msim_sim_ids(i, b->m[i].slot, NULL, NULL, msisdn);
		if (strcmp(msisdn, d) == 0)
			return i;
	}
	return -1;
}

static void
call_end(struct msim_bank *b, struct msim_modem *m, const char *why)
{
	if (m->cstate == C_NONE)
		return;
	if (why != NULL)
		urc(m, why);
	if (m->huawei)
		urc(m, "^CEND:1,0,16,16");
	m->cstate = C_NONE;
	/* No call, no call timers: one left set would be a deadline in
	 * the past for simdeskd's poll, which then never sleeps. */
	m->t_next = m->t_hangup = 0;
	if (m->peer >= 0) {
		struct msim_modem *p = &b->m[m->peer];

		m->peer = -1;
		if (p->peer >= 0) {
			p->peer = -1;
			call_end(b, p, "NO CARRIER");
		}
	}
}

static void
ring(struct msim_modem *m)
{
	char l[64];

	urc(m, "RING");
	if (m->clip) {
		snprintf(l, sizeof l, "+CLIP: \"%s\",%d", m->cnum,
		    m->cnum[0] == '+' ? 145 : 129);
		urc(m, l);
	}
}

int
msim_ring(struct msim_bank *b, int i, const char *from, int64_t now)
{
	struct msim_modem *m;

	if (i < 0 || i >= b->n || b->m[i].fd < 0 || b->m[i].cstate != C_NONE)
		return -1;
	m = &b->m[i];
	m->cstate = C_INCOMING;
	m->cdir = 1;
	m->peer = -1;
	sd_strlcpy(m->cnum, from, sizeof m->cnum);
	m->t_next = now + 3000;
	m->t_hangup = now + 30000;
	ring(m);
	return 0;
}

static void
dial(struct msim_bank *b, struct msim_modem *m, int self, const char *num,
    int64_t now)
{
	int j = modem_by_msisdn(b, num);

	m->cstate = C_DIALING;
	m->cdir = 0;
	sd_strlcpy(m->cnum, num, sizeof m->cnum);
	m->t_next = now + 500;
	m->peer = -1;
	if (m->huawei)
		urc(m, "^ORIG:1,0");
	if (j >= 0 && j != self && b->m[j].cstate == C_NONE && b->m[j].fd >= 0) {
		char me[16];

		msim_sim_ids(self, m->slot, NULL, NULL, me);
		m->peer = j;
		b->m[j].peer = self;
		b->m[j].cstate = C_INCOMING;
		b->m[j].cdir = 1;
		sd_strlcpy(b->m[j].cnum, me, sizeof b->m[j].cnum);
		b->m[j].t_next = now + 3000;
		b->m[j].t_hangup = 0;
		ring(&b->m[j]);
	}
}

/* Timers of one modem's call. */
static void
call_timers(struct msim_bank *b, struct msim_modem *m, int64_t now)
{
	size_t l = strlen(m->cnum);

	if (m->cstate == C_NONE || m->t_next == 0 || now < m->t_next)
		goto hangup;
	if (m->cstate == C_DIALING) {
		if (l >= 4 && strcmp(m->cnum + l - 4, "0000") == 0 &&
		    m->peer < 0) {
			call_end(b, m, "BUSY");
			return;
		}
		m->cstate = C_ALERTING;
		if (m->huawei)
			urc(m, "^CONF:1");
		m->t_next = m->peer >= 0 ? 0 : now + b->answer_ms;
		if (l >= 4 && strcmp(m->cnum + l - 4, "9999") == 0)
			m->t_next = now + 4000;
	} else if (m->cstate == C_ALERTING && m->peer < 0) {
		if (l >= 4 && strcmp(m->cnum + l - 4, "9999") == 0) {
			call_end(b, m, "NO ANSWER");
			return;
		}
		m->cstate = C_ACTIVE;	/* the outside number answers */
		m->t_next = 0;
		if (m->huawei)
			urc(m, "^CONN:1,0");
	} else if (m->cstate == C_INCOMING) {
		ring(m);
		m->t_next = now + 3000;
	}
hangup:
	if (m->cstate == C_INCOMING && m->t_hangup != 0 && now >= m->t_hangup)
		call_end(b, m, "NO CARRIER");
}

/* ---------------------------------------------------------------- SMS */

static void
sms_submit(struct msim_bank *b, struct msim_modem *m, int self,
    const char *hex, int64_t now)
{
	struct drv_sms *s = xmalloc(sizeof *s);
	struct sd_buf r = SD_BUF_INIT, d = SD_BUF_INIT;
	struct sd_buf full = SD_BUF_INIT;
	int j;

	sd_buf_adds(&full, hex);
	if (drv_pdu_decode(sd_buf_cstr(&full), s, NULL) != SD_OK ||
	    s->type != DRV_SMS_SUBMIT) {
		err_reply(b, m, &r, 304, now);	/* invalid PDU parameter */
		goto out;
	}
	j = modem_by_msisdn(b, s->addr);
	if (j >= 0 && b->m[j].fd >= 0) {
		char me[16], head[32];

		msim_sim_ids(self, m->slot, NULL, NULL, me);
		if (drv_pdu_deliver(sd_buf_cstr(&full), me, time(NULL), &d,
		    NULL) == SD_OK) {
			snprintf(head, sizeof head, "+CMT: ,%zu", d.len / 2 - 1);
			raw_out(&b->m[j], "\r\n");
			raw_out(&b->m[j], head);
			raw_out(&b->m[j], "\r\n");
			raw_out(&b->m[j], sd_buf_cstr(&d));
			raw_out(&b->m[j], "\r\n");
		}
	} else if (b->nout < MSIM_OUTBOX) {
		struct sd_buf o = SD_BUF_INIT;

		sd_buf_printf(&o, "%s\t%d/%d\t%s", s->addr,
		    s->concat_total ? s->concat_part : 1,
		    s->concat_total ? s->concat_total : 1, s->text);
		sd_strlcpy(b->outbox[b->nout++], o.p, sizeof b->outbox[0]);
		sd_buf_free(&o);
	}
	m->mr = (m->mr + 1) % 256;
	sd_buf_printf(&r, "\r\n+CMGS: %d\r\n\r\nOK\r\n", m->mr);
	reply(b, m, r.p, now);
out:
	free(s);
	sd_buf_free(&r);
	sd_buf_free(&d);
	sd_buf_free(&full);
}

int
msim_sms_in(struct msim_bank *b, int i, const char *from, const char *text,
    int64_t now)
{
	struct drv_pdu_out p[8];
	int n;

	(void)now;
	if (i < 0 || i >= b->n || b->m[i].fd < 0)
		return -1;
	if (drv_pdu_submit(text, "10086", rnd(b) % 256, 0, p, 8, &n, NULL) != SD_OK)
		return -1;
	for (int k = 0; k < n; k++) {
		struct sd_buf d = SD_BUF_INIT;
		char head[32];

		if (drv_pdu_deliver(p[k].hex, from, time(NULL), &d, NULL) == SD_OK) {
			snprintf(head, sizeof head, "+CMT: ,%zu", d.len / 2 - 1);
			urc(&b->m[i], head);
			raw_out(&b->m[i], sd_buf_cstr(&d));
			raw_out(&b->m[i], "\r\n");
		}
		sd_buf_free(&d);
	}
	return 0;
}

/* ---------------------------------------------------------------- USSD */

static void
ussd_answer(struct msim_modem *m)
{
	static const uint16_t bal[] = { 0x60a8, 0x7684, 0x4f59, 0x989d, 0x4e3a,
	    ' ', '1', '2', '.', '3', '4', ' ', 0x5143 };	/* 您的余额为 12.34 元 */
	struct sd_buf r = SD_BUF_INIT;

	if (strcmp(m->ussd, "*100#") == 0) {
		sd_buf_adds(&r, "+CUSD: 0,\"");
		for (size_t i = 0; i < sizeof bal / sizeof bal[0]; i++)
			sd_buf_printf(&r, "%04X", bal[i]);
		sd_buf_adds(&r, "\",72");
	} else if (strcmp(m->ussd, "*101#") == 0) {
		/* "Minutes left: 120" packed GSM 7-bit, as Huawei sticks send. */
		sd_buf_adds(&r, "+CUSD: 0,\"CDB4BB4E2FCF41ECB299AE03C56430\",15");
	} else
		sd_buf_adds(&r, "+CUSD: 4");
	urc(m, sd_buf_cstr(&r));
	sd_buf_free(&r);
	m->ussd_at = 0;
}

/* ---------------------------------------------------------------- commands */

static int
sim_ready(struct msim_modem *m, int64_t now)
{
	return now >= m->ready_at && now >= m->cme10_until;
}

static void
slot_switch(struct msim_modem *m, int slot, int64_t now)
{
	m->slot = slot;
	m->ready_at = now + 800;
	if (m->f_cme10) {
		m->cme10_until = now + 2500;
		m->f_cme10 = 0;
	}
	urc(m, "+CPIN: NOT READY");
}

static void
command(struct msim_bank *b, int self, char *cmd, int64_t now)
{
	struct msim_modem *m = &b->m[self];
	struct sd_buf r = SD_BUF_INIT;
	char iccid[SD_ICCID_MAX + 1], imsi[16], msisdn[16];
	const char *c;
	int v;

	if (m->echo || m->f_echo) {
		raw_out(m, cmd);
		raw_out(m, "\r");
	}
	if (strncasecmp(cmd, "AT", 2) != 0) {
		sd_buf_free(&r);
		return;		/* noise: a real modem ignores it */
	}
	c = cmd + 2;
	msim_sim_ids(self, m->slot, NULL, imsi, msisdn);
	sd_strlcpy(iccid, m->iccid[m->slot], sizeof iccid);

#define IS(s)	(strcasecmp(c, s) == 0)
#define PRE(s)	(strncasecmp(c, s, strlen(s)) == 0)
	if (*c == '\0' || IS("Z") || IS("&F")) {
		if (IS("Z"))
			m->echo = 1;
	} else if (IS("E0") || IS("E1")) {
		m->echo = c[1] == '1';
	} else if (PRE("+CMEE=")) {
		m->cmee = atoi(c + 6);
	} else if (PRE("+CLIP=")) {
		m->clip = atoi(c + 6);
	} else if (PRE("+CREG=")) {
		m->creg_n = atoi(c + 6);
	} else if (PRE("+CMGF=") || PRE("+CNMI=") || PRE("+CSCS=") ||
	    PRE("+CMGD=") || PRE("^CURC=")) {
		;
	} else if (IS("+CGSN") || IS("+GSN")) {
		sd_buf_printf(&r, "\r\n86%06d%06d%d\r\n", 481600, self, 7);
	} else if (IS("+CGMI")) {
		sd_buf_adds(&r, m->huawei ? "\r\nhuawei\r\n" : "\r\nSIMDESK\r\n");
	} else if (IS("+CGMM")) {
		sd_buf_adds(&r, m->huawei ? "\r\nE160\r\n" : "\r\nSIM-GSM\r\n");
	} else if (IS("+CPIN?")) {
		if (!sim_ready(m, now)) {
			err_reply(b, m, &r, now < m->cme10_until ? 10 : 14, now);
			goto done;
		}
		sd_buf_adds(&r, "\r\n+CPIN: READY\r\n");
	} else if (IS("+CCID") || IS("+ICCID") || IS("^ICCID?") ||
	    PRE("+CRSM=176,12258")) {
		if (!sim_ready(m, now)) {
			err_reply(b, m, &r, now < m->cme10_until ? 10 : 14, now);
			goto done;
		}
		if (PRE("+CRSM")) {
			char sw[24];
			size_t n = strlen(iccid), k = 0;

			/* EF ICCID holds the digits nibble-swapped, F-padded. */
			for (size_t i = 0; i < 20; i += 2) {
				sw[k++] = i + 1 < n ? iccid[i + 1] : 'F';
				sw[k++] = i < n ? iccid[i] : 'F';
			}
			sw[k] = '\0';
			sd_buf_printf(&r, "\r\n+CRSM: 144,0,\"%s\"\r\n", sw);
		} else if (m->huawei)
			sd_buf_printf(&r, "\r\n^ICCID: \"%s\"\r\n", iccid);
		else
			sd_buf_printf(&r, "\r\n+CCID: %s\r\n", iccid);
	} else if (IS("+CIMI")) {
		if (!sim_ready(m, now)) {
			err_reply(b, m, &r, 10, now);
			goto done;
		}
		sd_buf_printf(&r, "\r\n%s\r\n", imsi);
	} else if (IS("+CNUM")) {
		sd_buf_printf(&r, "\r\n+CNUM: \"\",\"%s\",129\r\n", msisdn);
	} else if (IS("+COPS?")) {
		if (sim_ready(m, now))
			sd_buf_printf(&r, "\r\n+COPS: 0,0,\"%s\"\r\n",
			    m->slot ? "CHN-UNICOM" : "CHINA MOBILE");
		else
			sd_buf_adds(&r, "\r\n+COPS: 0\r\n");
	} else if (IS("+CSQ")) {
		sd_buf_printf(&r, "\r\n+CSQ: %d,99\r\n", 14 + self % 12);
	} else if (IS("+CREG?")) {
		sd_buf_printf(&r, "\r\n+CREG: %d,%d,\"%04X\",\"%07X\"\r\n",
		    m->creg_n, sim_ready(m, now) ? 1 : 2, 0x5e25 + self,
		    0x605f00 + self);
	} else if (PRE("D") && c[strlen(c) - 1] == ';') {
		char num[33];
		size_t n = strlen(c) - 2;

		if (!sim_ready(m, now) || m->cstate != C_NONE) {
			sd_buf_adds(&r, !sim_ready(m, now) ? "\r\nNO DIALTONE\r\n" :
			    "\r\nBUSY\r\n");
			goto send;
		}
		if (n == 0 || n >= sizeof num) {
			sd_buf_adds(&r, "\r\nERROR\r\n");
			goto send;
		}
		memcpy(num, c + 1, n);
		num[n] = '\0';
		dial(b, m, self, num, now);
	} else if (IS("A")) {
		if (m->cstate != C_INCOMING) {
			sd_buf_adds(&r, "\r\nNO CARRIER\r\n");
			goto send;
		}
		m->cstate = C_ACTIVE;
		m->t_next = m->t_hangup = 0;
		if (m->huawei)
			urc(m, "^CONN:1,1");
		if (m->peer >= 0) {
			struct msim_modem *p = &b->m[m->peer];

			p->cstate = C_ACTIVE;
			p->t_next = 0;
			if (p->huawei)
				urc(p, "^CONN:1,0");
		}
	} else if (PRE("^DDSETEX=")) {
		/* Huawei: PCM on the voice port for the call in progress. */
		if (m->cstate != C_ACTIVE) {
			err_reply(b, m, &r, 3, now);
			goto done;
		}
		m->audio_on = atoi(c + 9) == 2;
	} else if (IS("H") || IS("H0") || IS("+CHUP")) {
		call_end(b, m, NULL);
	} else if (IS("+CLCC")) {
		if (m->cstate != C_NONE)
			sd_buf_printf(&r, "\r\n+CLCC: 1,%d,%d,0,0,\"%s\",%d\r\n",
			    m->cdir, m->cstate, m->cnum,
			    m->cnum[0] == '+' ? 145 : 129);
	} else if (PRE("+VTS=")) {
		if (m->cstate != C_ACTIVE) {
			err_reply(b, m, &r, 3, now);
			goto done;
		}
	} else if (PRE("+CMGS=")) {
		if (!sim_ready(m, now)) {
			sd_buf_adds(&r, m->cmee ? "\r\n+CMS ERROR: 310\r\n" :
			    "\r\nERROR\r\n");
			goto send;
		}
		m->in_pdu = 1;
		m->pdun = 0;
		raw_out(m, "\r\n> ");
		sd_buf_free(&r);
		return;
	} else if (PRE("+CUSD=")) {
		char f[3][128];

		if (!sim_ready(m, now)) {
			err_reply(b, m, &r, 10, now);
			goto done;
		}
		drv_at_fields(c, f, 3);
		sd_strlcpy(m->ussd, f[1], sizeof m->ussd);
		m->ussd_at = now + 300;
	} else if (PRE("+CSUS=") || PRE("^SIMSLOT=") || PRE("+QDSIM=")) {
		v = atoi(strchr(c, '=') + 1);
		if (v < 0 || v > 1) {
			err_reply(b, m, &r, 3, now);
			goto done;
		}
		sd_buf_adds(&r, "\r\nOK\r\n");
		reply(b, m, r.p, now);
		slot_switch(m, v, now);
		sd_buf_free(&r);
		return;
	} else {
		err_reply(b, m, &r, 4, now);	/* operation not supported */
		goto done;
	}
	sd_buf_adds(&r, "\r\nOK\r\n");
send:
	reply(b, m, r.p, now);
done:
	sd_buf_free(&r);
#undef IS
#undef PRE
}

/* ---------------------------------------------------------------- faults */

static void
vanish(struct msim_modem *m, int64_t now, int ms)
{
	if (m->fd >= 0)
		close(m->fd);
	if (m->drv_fd >= 0)
		close(m->drv_fd);
	m->fd = m->drv_fd = -1;
	m->back_at = now + ms;
}

int
msim_fault(struct msim_bank *b, int i, const char *kind, int64_t now)
{
	struct msim_modem *m;

	if (i < 0 || i >= b->n)
		return -1;
	m = &b->m[i];
	if (strcmp(kind, "echo") == 0)
		m->f_echo = 1;
	else if (strcmp(kind, "garbage") == 0)
		m->f_garbage = 1;
	else if (strcmp(kind, "drop") == 0)
		m->f_drop = 1;
	else if (strcmp(kind, "late") == 0)
		m->f_late = 1;
	else if (strcmp(kind, "cme10") == 0)
		m->f_cme10 = 1;
	else if (strcmp(kind, "reset-sms") == 0)
		m->f_reset_sms = 1;
	else if (strcmp(kind, "vanish") == 0) {
		if (m->cstate != C_NONE)
			call_end(b, m, NULL);
		vanish(m, now, 3000);
	} else if (strcmp(kind, "hangup") == 0)
		call_end(b, m, "NO CARRIER");	/* the far end hangs up */
	else if (strcmp(kind, "swap-sim") == 0) {
		/* Somebody put another card in slot 0. */
		msim_sim_ids(9000 + i, 0, m->iccid[0], NULL, NULL);
	} else if (strcmp(kind, "clear") == 0) {
		m->f_echo = m->f_garbage = m->f_drop = m->f_late = 0;
		m->f_cme10 = m->f_reset_sms = 0;
		msim_sim_ids(i, 0, m->iccid[0], NULL, NULL);
	} else
		return -1;
	return 0;
}

/* ---------------------------------------------------------------- the loop */

static void
input(struct msim_bank *b, int self, int64_t now)
{
	struct msim_modem *m = &b->m[self];
	char buf[512];
	ssize_t n = -1;

	while (m->fd >= 0 && (n = read(m->fd, buf, sizeof buf)) > 0) {
		for (ssize_t i = 0; i < n && m->fd >= 0; i++) {
			char ch = buf[i];

			if (m->in_pdu) {
				if (ch == 0x1a) {
					m->pdu[m->pdun] = '\0';
					m->in_pdu = 0;
					if (m->f_reset_sms) {
						/* Power lost before the PDU went
						 * out: nothing was sent. */
						m->f_reset_sms = 0;
						vanish(m, now, 2000);
						return;
					}
					sms_submit(b, m, self, m->pdu, now);
				} else if (ch == 0x1b) {
					m->in_pdu = 0;
					reply(b, m, "\r\nOK\r\n", now);
				} else if (isxdigit((unsigned char)ch) &&
				    m->pdun + 1 < sizeof m->pdu)
					m->pdu[m->pdun++] = ch;
				continue;
			}
			if (ch == '\r' || ch == '\n') {
				if (m->inn > 0) {
					m->in[m->inn] = '\0';
					m->inn = 0;
					command(b, self, m->in, now);
				}
			} else if (m->inn + 1 < sizeof m->in)
				m->in[m->inn++] = ch;
		}
	}
	if (m->fd >= 0 && n == 0 && m->drv_fd < 0) {
		/* The driver closed its end: the port is free again. */
		close(m->fd);
		m->fd = -1;
		m->back_at = now;
	}
}

void
msim_service(struct msim_bank *b, int64_t now)
{
	for (int i = 0; i < b->n; i++) {
		struct msim_modem *m = &b->m[i];

		if (m->fd < 0) {
			if (m->back_at != 0 && now >= m->back_at) {
				/* Power back: a fresh modem on a new port. */
				m->back_at = 0;
				call_end(b, m, NULL);	/* its peer's too */
				modem_reset(m, now);
				m->slot = 0;
				if (modem_plug(m) != 0)
					m->back_at = now + 1000;
			}
			continue;
		}
		input(b, i, now);
		if (m->fd < 0)
			continue;
		for (int k = 0; k < MSIM_DELAYED; k++)
			if (m->delayed[k].at != 0 && now >= m->delayed[k].at) {
				m->delayed[k].at = 0;
				raw_out(m, m->delayed[k].text);
			}
		if (m->ussd_at != 0 && now >= m->ussd_at)
			ussd_answer(m);
		if (m->ready_at != 0 && now >= m->ready_at &&
		    now >= m->cme10_until) {
			m->ready_at = 0;
			urc(m, "+CPIN: READY");
			if (m->creg_n > 0)
				urc(m, "+CREG: 1");
		}
		call_timers(b, m, now);
		audio_service(m, now);
	}
}

int64_t
msim_next_event(const struct msim_bank *b)
{
	int64_t t = -1;

#define TAKE(x) do { if ((x) != 0 && (t < 0 || (x) < t)) t = (x); } while (0)
	for (int i = 0; i < b->n; i++) {
		const struct msim_modem *m = &b->m[i];

		TAKE(m->back_at);
		TAKE(m->ussd_at);
		TAKE(m->ready_at);
		TAKE(m->t_next);
		TAKE(m->t_hangup);
		TAKE(m->a_next);
		for (int k = 0; k < MSIM_DELAYED; k++)
			TAKE(m->delayed[k].at);
	}
#undef TAKE
	return t;
}
