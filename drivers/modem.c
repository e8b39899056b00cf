/*
 * modem.c -- simdeskd's modems: one state machine per modem over the AT
 * engine (init and identity, signal and registration polls, calls with
 * +CLCC and Huawei ^ORIG/^CONF/^CONN/^CEND, SMS in PDU mode with parts
 * retried after a reset but never sent twice, USSD, SIM-bank slot
 * switches checked against the ICCID the books expect; a modem whose
 * device went away found again on another port by its IMEI or ICCID),
 * the jobs the
 * front ends queue, and the state written back for them.  One poll loop
 * drives every modem and, for sim:N, the simulator too.
 */
#include <sys/eventfd.h>

#include <errno.h>
#include <glob.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>

#include "drivers/drivers_int.h"

enum { M_DOWN, M_INIT, M_READY, M_SWITCH, M_OUT };
static const char *const state_names[] = { "down", "init", "ready", "switch",
    "out" };

#define INIT_STEPS 16

struct drv_modem;

struct step {
	struct drv_modem	*m;
	int			 k;
};

struct drv_modem {
	struct drv_tel		*d;
	char			 name[33];
	char			 spec[SD_PATH_MAX];
	const struct sd_modem_conf *conf;
	int			 sim_idx;	/* -1: not simulated */
	struct drv_transport	*tr;
	struct at_engine	 at;
	int			 state;
	int64_t			 next_try, next_poll, next_report;
	int			 dirty;
	struct sd_modem		 rep;
	struct step		 steps[INIT_STEPS];
	int			 init_failed;
	/* the call */
	uint64_t		 call;
	int			 cstate;	/* SD_CALL_* */
	int			 incoming;
	int64_t			 ring_at, call_at;
	char			 clip[33];
	/* SMS being sent */
	uint64_t		 sms_id, sms_job;
	struct drv_pdu_out	 parts[8];
	int			 nparts, part, tries, sms_busy;
	/* USSD, slot switch */
	uint64_t		 ussd_job, switch_job;
	int64_t			 ussd_until, switch_until;
	int			 switch_slot;
	struct drv_concat	*concat;
	/* the voice port and the call's recording */
	struct drv_transport	*audio;
	struct drv_rec		*rec;
	/* looking for the modem on other ports while its own is gone */
	struct probe		*probe;
	char			**cands;
	int			 ncands, cand;
	int64_t			 down_since, next_scan;
	int64_t			 backoff;	/* ms to the next open */
	char			 wrong[160];	/* the port holds another modem */
};

/* One candidate port being asked who it is. */
struct probe {
	struct drv_modem	*m;
	struct drv_transport	*tr;
	struct at_engine	 at;
	char			 spec[SD_PATH_MAX];
	char			 imei[20], iccid[SD_ICCID_MAX + 1];
	int			 pending;	/* replies still to come */
};

static void probe_free(struct probe *p);

#define JOBS_NONE	UINT64_MAX

struct drv_tel {
	struct sd_core		*core;
	struct drv_modem	*m;
	int			 n;
	struct msim_bank	*bank;
	/* The job queue: read from just after job_from once something was
	 * queued (JOBS_NONE: nothing new); wake rings for it. */
	_Atomic uint64_t	 job_from;
	_Atomic int		 print_due;
	int			 wake;		/* eventfd */
	int64_t			 next_jobs;	/* a retry; INT64_MAX none */
	void			(*log)(int prio, const char *fmt, ...);
};

static void
mlog(struct drv_modem *m, int prio, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (m->d->log != NULL)
		m->d->log(prio, "modem %s: %s", m->name, buf);
}

static void
tr_write(void *io, const void *p, size_t n)
{
	struct drv_modem *m = io;

	if (m->tr != NULL)
		drv_transport_write(m->tr, p, n);
}

static void
set_state(struct drv_modem *m, int st, const char *msg)
{
	if (m->state != st)
		mlog(m, st == M_OUT || st == M_DOWN ? LOG_WARNING : LOG_INFO,
		    "%s%s%s", state_names[st], msg && msg[0] ? ": " : "",
		    msg ? msg : "");
	m->state = st;
	sd_strlcpy(m->rep.state, m->call && st == M_READY ? "call" :
	    state_names[st], sizeof m->rep.state);
	sd_strlcpy(m->rep.message, msg ? msg : "", sizeof m->rep.message);
	m->dirty = 1;
}

static int
queue(struct drv_modem *m, const char *cmd, const char *body, at_done_fn fn,
    void *arg, int64_t now)
{
	return at_queue(&m->at, cmd, body, m->d->core->cfg.at_timeout_ms, fn,
	    arg, now);
}

static void job_done(struct drv_tel *d, uint64_t id, int ok, const char *fmt,
    ...) __attribute__((format(printf, 4, 5)));

static void
job_done(struct drv_tel *d, uint64_t id, int ok, const char *fmt, ...)
{
	char buf[1024];
	struct sd_err e;
	va_list ap;

	if (id == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (sd_job_finish(d->core, id, ok ? SD_JOB_DONE : SD_JOB_FAILED, buf,
	    &e) != SD_OK && d->log != NULL)
		d->log(LOG_ERR, "job %llu: %s", (unsigned long long)id, e.msg);
}

/* ---------------------------------------------------------------- calls */

static void
call_set(struct drv_modem *m, int state, int64_t now)
{
	struct sd_err e;

	if (m->call == 0 || m->cstate == state)
		return;
	m->cstate = state;
	if (sd_call_progress(m->d->core, m->call, state, m->name, m->rep.iccid,
	    sd_now(), &e) != SD_OK)
		mlog(m, LOG_ERR, "call %llu: %s", (unsigned long long)m->call,
		    e.msg);
	/* Talking: record from the voice port. */
	if (state == SD_CALL_ACTIVE && m->audio != NULL && m->rec == NULL) {
		if (drv_rec_start(m->d->core->cfg.data_dir, m->call, &m->rec,
		    &e) != SD_OK)
			mlog(m, LOG_ERR, "call %llu: not recorded: %s",
			    (unsigned long long)m->call, e.msg);
		else
			queue(m, "AT^DDSETEX=2", NULL, NULL, NULL, now);
	}
}

static void
rec_end(struct drv_modem *m)
{
	struct sd_err e;
	char name[64];
	long secs;

	if (m->rec == NULL)
		return;
	if (drv_rec_finish(m->rec, name, sizeof name, &secs, &e) != SD_OK)
		mlog(m, LOG_WARNING, "call %llu: no recording: %s",
		    (unsigned long long)m->call, e.msg);
	else if (sd_call_recorded(m->d->core, m->call, name, secs, &e) != SD_OK)
		mlog(m, LOG_ERR, "call %llu: %s", (unsigned long long)m->call,
		    e.msg);
	m->rec = NULL;
}

static void
call_over(struct drv_modem *m, const char *disposition)
{
	struct sd_err e;

	if (m->call == 0)
		return;
	rec_end(m);
	if (sd_call_end(m->d->core, m->call, disposition, sd_now(), &e) != SD_OK)
		mlog(m, LOG_ERR, "call %llu: %s", (unsigned long long)m->call,
		    e.msg);
	m->call = 0;
	m->cstate = 0;
	m->incoming = 0;
	m->ring_at = 0;
	m->clip[0] = '\0';
	m->rep.call = 0;
	if (m->state == M_READY)
		set_state(m, M_READY, "");
	m->dirty = 1;
}

static void
incoming(struct drv_modem *m, const char *number)
{
	struct sd_err e;
	uint64_t id;

	if (m->call != 0)
		return;
	if (sd_call_incoming(m->d->core, m->name, m->rep.iccid, m->rep.msisdn,
	    number, &id, &e) != SD_OK) {
		mlog(m, LOG_ERR, "incoming call from %s: %s", number, e.msg);
		return;
	}
	m->call = id;
	m->cstate = SD_CALL_RINGING;
	m->incoming = 1;
	m->call_at = drv_now_ms();
	m->rep.call = id;
	set_state(m, M_READY, "");
}

static void
clcc_done(void *arg, const struct at_result *r)
{
	struct drv_modem *m = arg;
	int any = 0;

	if (r->final != AT_R_OK || m->call == 0)
		return;
	for (int i = 0; i < r->ninfo; i++) {
		struct drv_clcc c;

		if (drv_clcc_parse(r->info[i], &c) != 0)
			continue;
		any = 1;
		if (c.stat == 0)
			call_set(m, SD_CALL_ACTIVE, 0);
		else if (c.stat == 2 || c.stat == 3)
			call_set(m, SD_CALL_DIALING, 0);
	}
	/* No call listed: it ended without a word (some modems). */
	if (!any && m->cstate >= SD_CALL_DIALING && !m->incoming)
		call_over(m, "no-answer");
}

static void
dial_done(void *arg, const struct at_result *r)
{
	struct drv_modem *m = arg;

	if (r->final == AT_R_OK) {
		call_set(m, SD_CALL_DIALING, 0);
		return;
	}
	mlog(m, LOG_INFO, "dial: %s", r->final_text);
	call_over(m, r->final == AT_R_BUSY ? "busy" :
	    r->final == AT_R_NO_ANSWER ? "no-answer" : "failed");
}

static void
hangup_done(void *arg, const struct at_result *r)
{
	struct drv_modem *m = arg;

	(void)r;
	call_over(m, "cancelled");
}

static void
answer_done(void *arg, const struct at_result *r)
{
	struct drv_modem *m = arg;

	if (r->final == AT_R_OK)
		call_set(m, SD_CALL_ACTIVE, 0);
	else
		call_over(m, "missed");
}

/* ---------------------------------------------------------------- SMS */

static void sms_next(struct drv_modem *m, int64_t now);

static void
sms_part_done(void *arg, const struct at_result *r)
{
	struct drv_modem *m = arg;
	struct sd_err e;

	m->sms_busy = 0;
	if (r->final == AT_R_OK) {
		m->part++;
		m->tries = 0;
		if (m->part == m->nparts) {
			sd_sms_update(m->d->core, m->sms_id, "sent", m->nparts,
			    m->name, m->rep.iccid, "", &e);
			job_done(m->d, m->sms_job, 1, "sent in %d part%s on %s",
			    m->nparts, m->nparts == 1 ? "" : "s", m->name);
			m->sms_id = m->sms_job = 0;
			return;
		}
		sms_next(m, drv_now_ms());
		return;
	}
	/* A timeout or a vanished modem: that part did not go out (no
	 * +CMGS came back); it is sent again once the modem is back. */
	if (r->final == AT_R_TIMEOUT || r->final == AT_R_GONE) {
		if (++m->tries <= 3) {
			mlog(m, LOG_WARNING, "sms %llu part %d: %s, will retry",
			    (unsigned long long)m->sms_id, m->part + 1,
			    r->final_text);
			return;
		}
	}
	sd_sms_update(m->d->core, m->sms_id, "failed", m->part, m->name,
	    m->rep.iccid, r->final_text, &e);
	job_done(m->d, m->sms_job, 0, "sms: part %d of %d: %s", m->part + 1,
	    m->nparts, r->final_text);
	m->sms_id = m->sms_job = 0;
}

static void
sms_next(struct drv_modem *m, int64_t now)
{
	char cmd[32];

	if (m->sms_id == 0 || m->sms_busy || m->state != M_READY)
		return;
	snprintf(cmd, sizeof cmd, "AT+CMGS=%d", m->parts[m->part].tpdu_len);
	m->sms_busy = 1;
	if (queue(m, cmd, m->parts[m->part].hex, sms_part_done, m, now) != 0)
		m->sms_busy = 0;
}

static void
sms_in(struct drv_modem *m, const char *pdu)
{
	struct drv_sms *s = xmalloc(sizeof *s), *whole = xmalloc(sizeof *whole);
	struct sd_err e;

	if (drv_pdu_decode(pdu, s, &e) != SD_OK)
		mlog(m, LOG_WARNING, "received SMS not decoded: %s", e.msg);
	else if (drv_concat_add(m->concat, s, sd_now(), whole) == 1 &&
	    sd_sms_received(m->d->core, m->name, m->rep.iccid, whole->addr,
	    whole->text, whole->concat_received, whole->timestamp, &e) != SD_OK)
		mlog(m, LOG_ERR, "received SMS: %s", e.msg);
	free(s);
	free(whole);
}

/* ---------------------------------------------------------------- URCs */

static void
on_urc(void *arg, const char *line, const char *pdu)
{
	struct drv_modem *m = arg;
	struct drv_creg cr;
	struct drv_ussd u;
	char num[33];

	if (strcmp(line, "RING") == 0 || strncmp(line, "+CRING:", 7) == 0) {
		if (m->call == 0 && m->ring_at == 0)
			m->ring_at = drv_now_ms();
	} else if (drv_clip_parse(line, num, sizeof num) == 0) {
		if (m->call == 0)
			incoming(m, num);
	} else if (strcmp(line, "NO CARRIER") == 0 || strcmp(line, "BUSY") == 0 ||
	    strcmp(line, "NO ANSWER") == 0 || strncmp(line, "^CEND:", 6) == 0) {
		call_over(m, line[0] == 'B' ? "busy" : line[3] == 'A' ?
		    "no-answer" : "ended");
	} else if (strncmp(line, "^CONN:", 6) == 0) {
		call_set(m, SD_CALL_ACTIVE, 0);
	} else if (strncmp(line, "^ORIG:", 6) == 0 ||
	    strncmp(line, "^CONF:", 6) == 0) {
		call_set(m, SD_CALL_DIALING, 0);
	} else if (strncmp(line, "+CMT:", 5) == 0 && pdu != NULL) {
		sms_in(m, pdu);
	} else if (strncmp(line, "+CUSD:", 6) == 0) {
		struct sd_err e;

		if (drv_cusd_parse(line, &u, &e) != SD_OK)
			job_done(m->d, m->ussd_job, 0, "%s", e.msg);
		else if (u.status == 4)
			job_done(m->d, m->ussd_job, 0, "the network does not "
			    "support this code");
		else
			job_done(m->d, m->ussd_job, 1, "%s", u.text);
		m->ussd_job = 0;
	} else if (strncmp(line, "+CREG:", 6) == 0) {
		if (drv_creg_parse(line, 0, &cr, NULL) == SD_OK) {
			m->rep.reg = cr.stat;
			m->dirty = 1;
		}
	} else if (strncmp(line, "^RSSI:", 6) == 0) {
		m->rep.signal = atoi(line + 6);
		m->dirty = 1;
	}
}

/* ---------------------------------------------------------------- init */

static const char *const init_cmds[] = {
	"AT", "ATE0", "AT+CMEE=1", "AT+CGSN", "AT+CCID", "AT+CIMI", "AT+COPS?",
	"AT+CNUM", "AT+CLIP=1", "AT+CREG=2", "AT+CMGF=0", "AT+CNMI=2,2,0,1,0",
	"AT+CSQ", "AT+CREG?",
};
#define NINIT ((int)(sizeof init_cmds / sizeof init_cmds[0]))

static void init_done(void *arg, const struct at_result *r);

/* The step after init_cmds: EF ICCID when +CCID is not there. */
static const char *const crsm_cmd = "AT+CRSM=176,12258,0,0,10";

static void
iccid_checked(struct drv_modem *m)
{
	const char *want = m->conf != NULL && m->rep.slot < 4 ?
	    m->conf->expect[m->rep.slot] : "";
	char msg[160];

	if (want[0] != '\0' && strcmp(want, m->rep.iccid) != 0) {
		snprintf(msg, sizeof msg, "slot %d holds SIM %s, the books expect "
		    "%s", m->rep.slot, m->rep.iccid[0] ? m->rep.iccid : "(none)",
		    want);
		set_state(m, M_OUT, msg);
		return;
	}
	set_state(m, M_READY, "");
}

static void
init_done(void *arg, const struct at_result *r)
{
	struct step *s = arg;
	struct drv_modem *m = s->m;
	const char *cmd = s->k < NINIT ? init_cmds[s->k] : crsm_cmd, *l;
	int64_t now = drv_now_ms();

	if (r->final == AT_R_GONE)
		return;
	if (s->k == 1 && r->final == AT_R_TIMEOUT) {
		/* Nothing answers: drop the rest and try again later. */
		m->init_failed = 1;
		at_fail_all(&m->at, now);
		return;
	}
	if (r->final == AT_R_CME && r->code == 10 &&
	    (strcmp(cmd, "AT+CCID") == 0 || strcmp(cmd, "AT+CIMI") == 0)) {
		set_state(m, M_OUT, "SIM not inserted (+CME ERROR: 10)");
		m->init_failed = 1;
		return;
	}
	if (strcmp(cmd, "AT+CGSN") == 0 && (l = at_info(r, NULL)) != NULL) {
		l += strncmp(l, "+CGSN:", 6) == 0 ? 6 : 0;
		while (*l == ' ')
			l++;
		sd_strlcpy(m->rep.imei, l, sizeof m->rep.imei);
		if (m->conf != NULL && m->conf->imei[0] != '\0' &&
		    strcmp(m->conf->imei, m->rep.imei) != 0) {
			/* Device names moved: this is another modem. */
			snprintf(m->wrong, sizeof m->wrong, "%.64s is the modem "
			    "with IMEI %.16s, not %.16s; looking for it", m->spec,
			    m->rep.imei, m->conf->imei);
			at_fail_all(&m->at, now);
			return;
		}
	} else if (strcmp(cmd, "AT+CCID") == 0) {
		int ok = 0;

		for (int i = 0; i < r->ninfo && !ok; i++)
			ok = drv_iccid_parse(r->info[i], m->rep.iccid,
			    sizeof m->rep.iccid) == 0;
		if (!ok && r->final != AT_R_OK)
			/* No +CCID here: read EF ICCID (swapped BCD). */
			queue(m, crsm_cmd, NULL, init_done,
			    &m->steps[INIT_STEPS - 1], now);
	} else if (cmd == crsm_cmd) {
		if ((l = at_info(r, "+CRSM:")) != NULL)
			drv_iccid_parse(l, m->rep.iccid, sizeof m->rep.iccid);
	} else if (strcmp(cmd, "AT+CIMI") == 0 && (l = at_info(r, NULL)) != NULL) {
		sd_strlcpy(m->rep.imsi, l, sizeof m->rep.imsi);
	} else if (strcmp(cmd, "AT+COPS?") == 0 &&
	    (l = at_info(r, "+COPS:")) != NULL) {
		char f[3][128];

		if (drv_at_fields(l, f, 3) >= 3)
			sd_strlcpy(m->rep.carrier, f[2], sizeof m->rep.carrier);
	} else if (strcmp(cmd, "AT+CNUM") == 0 &&
	    (l = at_info(r, "+CNUM:")) != NULL) {
		char f[3][128];

		if (drv_at_fields(l, f, 3) >= 2)
			sd_strlcpy(m->rep.msisdn, f[1], sizeof m->rep.msisdn);
	} else if (strcmp(cmd, "AT+CSQ") == 0 && (l = at_info(r, "+CSQ:")) != NULL) {
		m->rep.signal = atoi(l + 6);
	} else if (strcmp(cmd, "AT+CREG?") == 0) {
		struct drv_creg cr;

		if ((l = at_info(r, "+CREG:")) != NULL &&
		    drv_creg_parse(l, 1, &cr, NULL) == SD_OK)
			m->rep.reg = cr.stat;
		if (m->init_failed)
			return;
		if (m->state == M_INIT || m->state == M_SWITCH) {
			iccid_checked(m);
			if (m->state == M_READY)
				job_done(m->d, m->switch_job, 1, "slot %d: SIM %s",
				    m->rep.slot, m->rep.iccid);
			else
				job_done(m->d, m->switch_job, 0, "%s",
				    m->rep.message);
			m->switch_job = 0;
			if (m->state != M_READY)
				m->next_try = now + 10000;
			sms_next(m, now);
		}
	}
	m->dirty = 1;
}

/* Queue init command cmd again (the signal and registration polls). */
static void
init_again(struct drv_modem *m, const char *cmd, int64_t now)
{
	for (int k = 0; k < NINIT; k++)
		if (strcmp(init_cmds[k], cmd) == 0) {
			m->steps[k].m = m;
			m->steps[k].k = k;
			queue(m, cmd, NULL, init_done, &m->steps[k], now);
			return;
		}
}

static void
init_start(struct drv_modem *m, int64_t now, int from)
{
	m->init_failed = 0;
	for (int k = from; k < NINIT; k++) {
		m->steps[k].m = m;
		m->steps[k].k = k;
		queue(m, init_cmds[k], NULL, init_done, &m->steps[k], now);
	}
	m->steps[INIT_STEPS - 1].m = m;
	m->steps[INIT_STEPS - 1].k = NINIT;	/* the +CRSM fallback */
}


/* ---------------------------------------------------------------- open */

static void
modem_gone(struct drv_modem *m, int64_t now, const char *why)
{
	at_fail_all(&m->at, now);
	drv_transport_close(m->tr);
	m->tr = NULL;
	if (m->call != 0)
		call_over(m, "failed");	/* unplugged mid-call */
	if (m->ussd_job) {
		job_done(m->d, m->ussd_job, 0, "modem gone");
		m->ussd_job = 0;
	}
	set_state(m, M_DOWN, why);
	m->next_try = now + 1000;
}

/* The voice port: the simulator's, or the config's audio device. */
static void
audio_open(struct drv_modem *m)
{
	struct sd_err e;
	char spec[32];
	const char *sp = m->conf != NULL ? m->conf->audio : "";

	if (m->audio != NULL)
		return;
	if (m->sim_idx >= 0) {
		int fd = msim_audio_fd(m->d->bank, m->sim_idx);

		if (fd < 0)
			return;
		snprintf(spec, sizeof spec, "fd:%d", fd);
		sp = spec;
	}
	if (sp[0] == '\0')
		return;
	if (drv_transport_open(sp, 115200, 0, &m->audio, &e) != SD_OK) {
		mlog(m, LOG_WARNING, "voice port: %s; calls are not recorded",
		    e.msg);
		m->audio = NULL;
	}
}

/* Whatever the voice port has: into the recording, or away. */
static void
audio_read(struct drv_modem *m)
{
	char buf[4096];
	long n;

	if (m->audio == NULL)
		return;
	while ((n = drv_transport_read(m->audio, buf, sizeof buf)) > 0)
		if (m->rec != NULL)
			drv_rec_pcm(m->rec, buf, (size_t)n);
	if (n < 0) {
		mlog(m, LOG_WARNING, "voice port went away");
		drv_transport_close(m->audio);
		m->audio = NULL;
	}
}

static void
modem_open(struct drv_modem *m, int64_t now)
{
	struct sd_err e;
	char spec[32];
	const char *sp = m->spec;

	m->next_try = now + 2000;
	if (m->sim_idx >= 0) {
		int fd = msim_fd(m->d->bank, m->sim_idx);

		if (fd < 0)
			return;	/* still unplugged */
		snprintf(spec, sizeof spec, "fd:%d", fd);
		sp = spec;
	}
	if (drv_transport_open(sp, m->conf ? m->conf->baud : 115200,
	    m->conf ? m->conf->rtscts : 0, &m->tr, &e) != SD_OK) {
		if (m->state != M_DOWN || m->rep.message[0] == '\0')
			set_state(m, M_DOWN, e.msg);
		/* A device that stays away is tried less and less often. */
		m->backoff = m->backoff < 1000 ? 1000 : m->backoff * 2 > 30000 ?
		    30000 : m->backoff * 2;
		m->next_try = now + m->backoff;
		return;
	}
	m->backoff = 0;
	m->at.lbn = 0;
	set_state(m, M_INIT, "");
	init_start(m, now, 0);
	audio_open(m);
}

/*
 * The db's notify hook (any thread, after a commit): a job queued or a
 * receipt to print wakes the loop.  The lowest job id rung is where the
 * next read of the queue starts, so a job whose transaction committed
 * after a later one's is not passed over.
 */
static void
tel_ring(void *arg, const char *key)
{
	struct drv_tel *d = arg;
	uint64_t id, from;

	if (sd_job_notified(key, &id)) {
		from = atomic_load(&d->job_from);
		while ((from == JOBS_NONE || id - 1 < from) &&
		    !atomic_compare_exchange_weak(&d->job_from, &from, id - 1))
			;
	} else if (strcmp(key, SD_PRINT_NOTIFY) == 0)
		d->print_due = 1;
	else
		return;
	if (write(d->wake, &(uint64_t){ 1 }, sizeof(uint64_t)) < 0) {
		/* the counter is full: it is rung already */
	}
}

int
drv_tel_print_due(struct drv_tel *d)
{
	return atomic_exchange(&d->print_due, 0);
}

int
drv_tel_open(struct sd_core *core, const char *specs,
    void (*log)(int prio, const char *fmt, ...), struct drv_tel **out,
    struct sd_err *err)
{
	struct drv_tel *d = xcalloc(1, sizeof *d);
	const struct sd_config *cfg = &core->cfg;
	int nsim = 0, max = 64;

	d->core = core;
	d->log = log;
	d->wake = -1;
	d->m = xcalloc((size_t)max, sizeof *d->m);
	if (specs != NULL) {
		char *copy = xstrdup(specs), *save = NULL;

		for (char *t = strtok_r(copy, ",", &save); t != NULL;
		    t = strtok_r(NULL, ",", &save)) {
			if (strncmp(t, "sim:", 4) == 0) {
				int k = atoi(t + 4);

				if (k < 1 || k > 64 || d->n + k > max) {
					free(copy);
					drv_tel_close(d);
					return sd_err_set(err, SD_EUSAGE, "--modems: "
					    "sim:N takes 1 to 64 modems");
				}
				for (int i = 0; i < k; i++) {
					struct drv_modem *m = &d->m[d->n++];

					snprintf(m->name, sizeof m->name, "sim%d", i);
					m->sim_idx = nsim++;
				}
				continue;
			}
			if (d->n == max) {
				free(copy);
				drv_tel_close(d);
				return sd_err_set(err, SD_EUSAGE, "--modems: at most "
				    "%d modems", max);
			}
			struct drv_modem *m = &d->m[d->n++];
			const char *base = strrchr(t, '/');

			snprintf(m->name, sizeof m->name, "%s",
			    base != NULL ? base + 1 : t);
			sd_strlcpy(m->spec, t, sizeof m->spec);
			m->sim_idx = -1;
		}
		free(copy);
	} else {
		for (int i = 0; i < cfg->nmodems; i++) {
			struct drv_modem *m = &d->m[d->n++];

			sd_strlcpy(m->name, cfg->modems[i].name, sizeof m->name);
			sd_strlcpy(m->spec, cfg->modems[i].device, sizeof m->spec);
			m->conf = &cfg->modems[i];
			m->sim_idx = -1;
			if (strncmp(m->spec, "sim:", 4) == 0) {
				m->sim_idx = atoi(m->spec + 4);
				if (m->sim_idx + 1 > nsim)
					nsim = m->sim_idx + 1;
			}
		}
	}
	if (nsim > 0 && (d->bank = msim_bank_new(nsim, 1)) == NULL) {
		drv_tel_close(d);
		return sd_err_set(err, SD_EINTERNAL, "simulator: cannot make "
		    "socketpairs");
	}
	for (int i = 0; i < d->n; i++) {
		struct drv_modem *m = &d->m[i];

		m->d = d;
		at_engine_init(&m->at, tr_write, m, on_urc, m);
		m->concat = xmalloc(sizeof *m->concat);
		drv_concat_init(m->concat, 120);
		sd_strlcpy(m->rep.name, m->name, sizeof m->rep.name);
		sd_strlcpy(m->rep.port, m->sim_idx >= 0 && m->spec[0] == '\0' ?
		    "sim" : m->spec, sizeof m->rep.port);
		m->rep.simulated = m->sim_idx >= 0;
		m->rep.signal = 99;
		m->rep.reg = -1;
		m->rep.nslots = m->sim_idx >= 0 ? 2 : m->conf ? m->conf->slots : 1;
		m->state = -1;
		set_state(m, M_DOWN, "");
	}
	/* Everything queued while simdeskd was away, then what rings. */
	d->job_from = 0;
	d->print_due = 1;
	d->next_jobs = INT64_MAX;
	if ((d->wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
		drv_tel_close(d);
		return sd_err_set(err, SD_EINTERNAL, "eventfd: %s",
		    strerror(errno));
	}
	sd_db_notify_hook(core->db, tel_ring, d);
	*out = d;
	return SD_OK;
}

void
drv_tel_close(struct drv_tel *d)
{
	if (d == NULL)
		return;
	sd_db_notify_unhook(d->core->db, tel_ring);
	for (int i = 0; i < d->n; i++) {
		struct drv_modem *m = &d->m[i];
		struct sd_err e;

		if (m->d == NULL)
			continue;
		if (m->call != 0)
			call_over(m, "failed");
		drv_transport_close(m->tr);
		drv_transport_close(m->audio);
		probe_free(m->probe);
		for (int k = 0; k < m->ncands; k++)
			free(m->cands[k]);
		free(m->cands);
		at_engine_free(&m->at);
		free(m->concat);
		set_state(m, M_DOWN, "simdeskd stopped");
		sd_modem_report(d->core, &m->rep, &e);
	}
	msim_bank_free(d->bank);
	if (d->wake >= 0)
		close(d->wake);
	free(d->m);
	free(d);
}

/* ---------------------------------------------------------------- jobs */

static struct drv_modem *
by_name(struct drv_tel *d, const char *name)
{
	for (int i = 0; i < d->n; i++)
		if (strcmp(d->m[i].name, name) == 0)
			return &d->m[i];
	return NULL;
}

static struct drv_modem *
carrying(struct drv_tel *d, uint64_t call)
{
	for (int i = 0; i < d->n; i++)
		if (d->m[i].call == call)
			return &d->m[i];
	return NULL;
}

static int
idle(const struct drv_modem *m)
{
	return m->state == M_READY && m->call == 0 && m->sms_id == 0 &&
	    m->ussd_job == 0;
}

/* The modem for an outgoing call or SMS: the one named, or the least
 * used SIM of the callee's carrier with quota left. */
static struct drv_modem *
pick(struct drv_tel *d, const struct sd_teljob *j, char *why, size_t size)
{
	struct sd_sim_cand c[64];
	struct drv_modem *mm[64];
	struct sd_err e;
	int n = 0, k;

	if (j->modem[0] != '\0') {
		struct drv_modem *m = by_name(d, j->modem);

		if (m == NULL)
			snprintf(why, size, "modem %s is not driven by simdeskd",
			    j->modem);
		else if (!idle(m))
			snprintf(why, size, "modem %s is %s", m->name,
			    m->call ? "on a call" : state_names[m->state]);
		return m != NULL && idle(m) ? m : NULL;
	}
	for (int i = 0; i < d->n && n < 64; i++)
		if (idle(&d->m[i])) {
			mm[n] = &d->m[i];
			c[n].iccid = d->m[i].rep.iccid;
			c[n].carrier = sd_carrier_of_name(d->m[i].rep.carrier);
			n++;
		}
	if (n == 0) {
		snprintf(why, size, "no modem is free");
		return NULL;
	}
	if (sd_sim_choose(d->core, j->number, c, n, &k, &e) != SD_OK) {
		sd_strlcpy(why, e.msg, size);
		return NULL;
	}
	if (k < 0) {
		snprintf(why, size, "every free SIM is resting at its quota");
		return NULL;
	}
	return mm[k];
}

static void
job_run(struct drv_tel *d, const struct sd_teljob *j, int64_t now)
{
	struct drv_modem *m;
	char why[200], cmd[128];
	struct sd_err e;

	why[0] = '\0';
	switch (j->kind) {
	case SD_JOB_DIAL:
		/* Click-to-dial is now or never: not a call queued while
		 * simdeskd was away. */
		if (sd_now() - j->created > 30) {
			sd_call_end(d->core, j->ref, "cancelled", sd_now(), &e);
			job_done(d, j->id, 0, "not dialled: queued %lld s ago",
			    (long long)(sd_now() - j->created));
			return;
		}
		if ((m = pick(d, j, why, sizeof why)) == NULL) {
			sd_call_end(d->core, j->ref, "failed", sd_now(), &e);
			job_done(d, j->id, 0, "%s", why);
			return;
		}
		/* Hung up while queued: it stays undialled. */
		if (sd_call_claim(d->core, j->ref, m->name, m->rep.iccid, &e) !=
		    SD_OK) {
			job_done(d, j->id, 0, "%s", e.msg);
			return;
		}
		m->call = j->ref;
		m->rep.call = j->ref;
		m->incoming = 0;
		m->cstate = SD_CALL_DIALING;	/* claimed as such */
		m->call_at = now;
		snprintf(cmd, sizeof cmd, "ATD%s;", j->number);
		queue(m, cmd, NULL, dial_done, m, now);
		m->next_poll = now + 1000;	/* +CLCC from now on */
		set_state(m, M_READY, "");
		job_done(d, j->id, 1, "dialing on %s", m->name);
		break;
	case SD_JOB_DTMF:
		if ((m = carrying(d, j->ref)) == NULL) {
			job_done(d, j->id, 0, "call %llu is on no modem",
			    (unsigned long long)j->ref);
			return;
		}
		/* One +VTS a tone: every modem takes that form. */
		{
			size_t sent = 0;

			for (const char *t = j->text; *t != '\0'; t++) {
				char vts[16];

				snprintf(vts, sizeof vts, "AT+VTS=%c", *t);
				if (queue(m, vts, NULL, NULL, NULL, now) != 0)
					break;
				sent++;
			}
			job_done(d, j->id, sent == strlen(j->text), "%zu of %zu "
			    "tones on %s", sent, strlen(j->text), m->name);
		}
		break;
	case SD_JOB_HANGUP:
	case SD_JOB_ANSWER:
		if ((m = carrying(d, j->ref)) == NULL) {
			if (j->kind == SD_JOB_HANGUP)
				sd_call_end(d->core, j->ref, "cancelled", sd_now(),
				    &e);
			job_done(d, j->id, j->kind == SD_JOB_HANGUP,
			    "call %llu is on no modem", (unsigned long long)j->ref);
			return;
		}
		if (j->kind == SD_JOB_HANGUP)
			queue(m, "ATH", NULL, hangup_done, m, now);
		else
			queue(m, "ATA", NULL, answer_done, m, now);
		m->next_poll = now + 1000;
		job_done(d, j->id, 1, "%s on %s", j->kind == SD_JOB_HANGUP ?
		    "hanging up" : "answering", m->name);
		break;
	case SD_JOB_SMS:
		if ((m = pick(d, j, why, sizeof why)) == NULL) {
			sd_sms_update(d->core, j->ref, "failed", 0, NULL, NULL, why,
			    &e);
			job_done(d, j->id, 0, "%s", why);
			return;
		}
		if (drv_pdu_submit(j->text, j->number, (int)(j->ref % 256), 0,
		    m->parts, 8, &m->nparts, &e) != SD_OK) {
			sd_sms_update(d->core, j->ref, "failed", 0, m->name, NULL,
			    e.msg, &e);
			job_done(d, j->id, 0, "%s", e.msg);
			return;
		}
		m->sms_id = j->ref;
		m->sms_job = j->id;
		m->part = m->tries = 0;
		sms_next(m, now);
		break;
	case SD_JOB_USSD:
		if ((m = by_name(d, j->modem)) == NULL || !idle(m)) {
			job_done(d, j->id, 0, "modem %s is not free", j->modem);
			return;
		}
		snprintf(cmd, sizeof cmd, "AT+CUSD=1,\"%.40s\",15", j->text);
		m->ussd_job = j->id;
		m->ussd_until = now + 20000;
		queue(m, cmd, NULL, NULL, NULL, now);
		break;
	case SD_JOB_SWITCH:
		/* A modem out of service for its SIM may still switch. */
		if ((m = by_name(d, j->modem)) == NULL || (!idle(m) &&
		    !(m->state == M_OUT && m->tr != NULL && m->call == 0))) {
			job_done(d, j->id, 0, "modem %s is not free", j->modem);
			return;
		}
		if (j->slot >= m->rep.nslots) {
			job_done(d, j->id, 0, "modem %s has %d slot%s", m->name,
			    m->rep.nslots, m->rep.nslots == 1 ? "" : "s");
			return;
		}
		snprintf(cmd, sizeof cmd, m->conf && m->conf->slot_command[0] ?
		    m->conf->slot_command : "AT^SIMSLOT=%d", j->slot);
		m->switch_job = j->id;
		m->switch_slot = j->slot;
		m->switch_until = now + 30000;
		m->rep.slot = j->slot;
		m->rep.iccid[0] = m->rep.imsi[0] = '\0';
		set_state(m, M_SWITCH, "");
		queue(m, cmd, NULL, NULL, NULL, now);
		m->next_poll = now + 1500;
		break;
	case SD_JOB_FAULT:
	case SD_JOB_RING:
	case SD_JOB_SMS_IN:
		if ((m = by_name(d, j->modem)) == NULL || m->sim_idx < 0 ||
		    d->bank == NULL) {
			job_done(d, j->id, 0, "modem %s is not simulated here",
			    j->modem);
			return;
		}
		if ((j->kind == SD_JOB_FAULT ? msim_fault(d->bank, m->sim_idx,
		    j->text, now) : j->kind == SD_JOB_RING ? msim_ring(d->bank,
		    m->sim_idx, j->number, now) : msim_sms_in(d->bank, m->sim_idx,
		    j->number, j->text, now)) != 0)
			job_done(d, j->id, 0, "the simulator refused it");
		else
			job_done(d, j->id, 1, "done");
		break;
	default:
		job_done(d, j->id, 0, "unknown job");
	}
}

/* ---------------------------------------------------------------- the loop */

/* One fd (if open) for poll's read set. */
static void
want_read(struct pollfd *p, int *n, int max, const struct drv_transport *t)
{
	if (t == NULL || *n >= max)
		return;
	p[*n] = (struct pollfd){ t->fd, POLLIN, 0 };
	(*n)++;
}

int
drv_tel_pollfds(struct drv_tel *d, struct pollfd *p, int max)
{
	int n = 0, fds[64];

	if (max > 0)
		p[n++] = (struct pollfd){ d->wake, POLLIN, 0 };
	for (int i = 0; i < d->n; i++) {
		want_read(p, &n, max, d->m[i].tr);
		want_read(p, &n, max, d->m[i].probe ? d->m[i].probe->tr : NULL);
		want_read(p, &n, max, d->m[i].audio);
	}
	if (d->bank != NULL) {
		int k = msim_pollfds(d->bank, fds, 64);

		for (int i = 0; i < k && n < max; i++)
			p[n++] = (struct pollfd){ fds[i], POLLIN, 0 };
	}
	return n;
}

int64_t
drv_tel_next(struct drv_tel *d)
{
	int64_t t = d->next_jobs;

	for (int i = 0; i < d->n; i++) {
		int64_t a = at_next_event(&d->m[i].at);

		if (a >= 0 && a < t)
			t = a;
		if (d->m[i].probe != NULL &&
		    (a = at_next_event(&d->m[i].probe->at)) >= 0 && a < t)
			t = a;
	}
	if (d->bank != NULL) {
		int64_t b = msim_next_event(d->bank);

		if (b >= 0 && b < t)
			t = b;
	}
	return t;
}

/* ---------------------------------------------------------------- rebinding */

/* The IMEI (else ICCID) that says a port holds this modem. */
static const char *
want_imei(const struct drv_modem *m)
{
	return m->conf != NULL && m->conf->imei[0] ? m->conf->imei : m->rep.imei;
}

static int
port_in_use(const struct drv_tel *d, const char *spec)
{
	for (int i = 0; i < d->n; i++)
		if (d->m[i].tr != NULL && strcmp(d->m[i].spec, spec) == 0)
			return 1;
	return 0;
}

/* The ports to try: telephony.search (globs expanded), else every serial
 * port there is; never this modem's own nor one another modem holds. */
static void
scan_ports(struct drv_modem *m)
{
	const struct sd_config *cfg = &m->d->core->cfg;
	int max = 64;

	for (int i = 0; i < m->ncands; i++)
		free(m->cands[i]);
	free(m->cands);
	m->cands = xcalloc((size_t)max, sizeof *m->cands);
	m->ncands = m->cand = 0;
#define ADD(x) do { if (m->ncands < max && strcmp((x), m->spec) != 0 && \
	!port_in_use(m->d, (x))) m->cands[m->ncands++] = xstrdup(x); } while (0)
	if (cfg->nsearch > 0) {
		for (int i = 0; i < cfg->nsearch; i++) {
			glob_t g;

			if (strncmp(cfg->search[i], "tcp:", 4) == 0 ||
			    strpbrk(cfg->search[i], "*?[") == NULL) {
				ADD(cfg->search[i]);
				continue;
			}
			if (glob(cfg->search[i], 0, NULL, &g) == 0)
				for (size_t k = 0; k < g.gl_pathc; k++)
					ADD(g.gl_pathv[k]);
			globfree(&g);
		}
	} else {
		char **names;
		int n;
		struct sd_err e;

		if (drv_serial_list(&names, &n, &e) == SD_OK) {
			for (int i = 0; i < n; i++)
				ADD(names[i]);
			drv_serial_list_free(names, n);
		}
	}
#undef ADD
}

static void
probe_free(struct probe *p)
{
	if (p == NULL)
		return;
	at_engine_free(&p->at);
	drv_transport_close(p->tr);
	free(p);
}

static void
probe_write(void *io, const void *p, size_t n)
{
	struct probe *pr = io;

	if (pr->tr != NULL)
		drv_transport_write(pr->tr, p, n);
}

static void
probe_done(void *arg, const struct at_result *r)
{
	struct probe *p = arg;
	const char *l;

	p->pending--;
	if (r->final != AT_R_OK)
		return;
	for (int i = 0; i < r->ninfo; i++) {
		l = r->info[i];
		if (strncmp(l, "+CGSN:", 6) == 0)
			l += 6;
		while (*l == ' ')
			l++;
		if (strlen(l) == 15 && strspn(l, "0123456789") == 15)
			sd_strlcpy(p->imei, l, sizeof p->imei);
		else
			drv_iccid_parse(r->info[i], p->iccid, sizeof p->iccid);
	}
}

static void
probe_start(struct drv_modem *m, const char *spec, int64_t now)
{
	struct probe *p = xcalloc(1, sizeof *p);
	struct sd_err e;

	p->m = m;
	sd_strlcpy(p->spec, spec, sizeof p->spec);
	if (drv_transport_open(spec, m->conf ? m->conf->baud : 115200,
	    m->conf ? m->conf->rtscts : 0, &p->tr, &e) != SD_OK) {
		free(p);
		return;
	}
	at_engine_init(&p->at, probe_write, p, NULL, NULL);
	/* Short deadlines: a port that says nothing is not our modem. */
	at_queue(&p->at, "ATE0", NULL, 1500, probe_done, p, now);
	at_queue(&p->at, "AT+CGSN", NULL, 1500, probe_done, p, now);
	at_queue(&p->at, "AT+CCID", NULL, 1500, probe_done, p, now);
	p->pending = 3;
	m->probe = p;
}

/* While the modem's own port is gone: ask the other ports, one at a time,
 * for the IMEI (or ICCID) it had; the one that has it is the modem. */
static void
probe_poll(struct drv_modem *m, int64_t now)
{
	struct probe *p = m->probe;
	const char *imei = want_imei(m);

	if (p == NULL) {
		if (m->sim_idx >= 0 || (imei[0] == '\0' && m->rep.iccid[0] ==
		    '\0') || m->down_since == 0 || now - m->down_since < 2000)
			return;
		if (m->cand >= m->ncands) {
			if (now < m->next_scan)
				return;
			scan_ports(m);
			m->next_scan = now + 5000;
		}
		while (m->probe == NULL && m->cand < m->ncands)
			probe_start(m, m->cands[m->cand++], now);
		return;
	}
	for (;;) {
		char buf[512];
		long n = drv_transport_read(p->tr, buf, sizeof buf);

		if (n < 0) {
			at_fail_all(&p->at, now);
			break;
		}
		if (n == 0)
			break;
		at_feed(&p->at, buf, (size_t)n, now);
	}
	at_tick(&p->at, now);
	if (p->pending > 0)
		return;
	if ((imei[0] != '\0' && strcmp(p->imei, imei) == 0) ||
	    (imei[0] == '\0' && p->iccid[0] != '\0' &&
	    strcmp(p->iccid, m->rep.iccid) == 0)) {
		mlog(m, LOG_WARNING, "found again on %s (%s %s), was %s", p->spec,
		    imei[0] ? "IMEI" : "ICCID", imei[0] ? imei : p->iccid,
		    m->spec);
		sd_strlcpy(m->spec, p->spec, sizeof m->spec);
		sd_strlcpy(m->rep.port, p->spec, sizeof m->rep.port);
		m->tr = p->tr;
		p->tr = NULL;
		probe_free(p);
		m->probe = NULL;
		m->down_since = 0;
		m->cand = m->ncands;	/* rescan next time */
		m->at.lbn = 0;
		set_state(m, M_INIT, "");
		init_start(m, now, 0);
		audio_open(m);
		return;
	}
	probe_free(p);
	m->probe = NULL;
}

static void
modem_poll(struct drv_modem *m, int64_t now)
{
	const struct sd_config *cfg = &m->d->core->cfg;
	struct sd_err e;

	if (m->state == M_DOWN || (m->state == M_OUT && m->tr == NULL)) {
		if (m->down_since == 0)
			m->down_since = now;
		if (now >= m->next_try && m->probe == NULL)
			modem_open(m, now);
		if (m->tr == NULL)
			probe_poll(m, now);
		else if (m->probe != NULL) {
			probe_free(m->probe);	/* its own port came back */
			m->probe = NULL;
		}
		return;
	}
	m->down_since = 0;
	/* Input; a read of -1 is the modem unplugged. */
	for (;;) {
		char buf[1024];
		long n = drv_transport_read(m->tr, buf, sizeof buf);

		if (n < 0) {
			modem_gone(m, now, "the modem went away; waiting for it");
			return;
		}
		if (n == 0)
			break;
		at_feed(&m->at, buf, (size_t)n, now);
		if (m->wrong[0] != '\0')
			break;
	}
	if (m->wrong[0] != '\0') {
		/* Device names moved: this is another modem; leave its port
		 * alone a while and look for ours. */
		modem_gone(m, now, m->wrong);
		m->wrong[0] = '\0';
		m->next_try = now + 30000;
		return;
	}
	audio_read(m);
	at_tick(&m->at, now);
	if (m->init_failed && m->at.qlen == 0) {
		m->init_failed = 0;
		if (m->state == M_INIT && m->rep.message[0] == '\0')
			set_state(m, M_INIT, "no answer to AT; retrying");
		m->next_try = now + 3000;
		m->state = M_OUT;
	}
	if (m->state == M_OUT && now >= m->next_try && m->at.qlen == 0) {
		set_state(m, M_INIT, "");
		init_start(m, now, 0);
	}
	if (m->state == M_SWITCH && now >= m->next_poll && m->at.qlen == 0) {
		if (now > m->switch_until) {
			job_done(m->d, m->switch_job, 0, "slot %d: no SIM became "
			    "ready", m->switch_slot);
			m->switch_job = 0;
			set_state(m, M_OUT, "no SIM ready after the slot switch");
			m->next_try = now + 10000;
		} else {
			/* Identity again: the ICCID tells which card it is. */
			init_start(m, now, 4);
			m->next_poll = now + 1000;
		}
	}
	/* No +CLIP after a RING: a caller without an identity. */
	if (m->ring_at != 0 && m->call == 0 && now - m->ring_at > 1000) {
		m->ring_at = 0;
		incoming(m, "");
	}
	if (m->call != 0 && m->incoming && m->cstate == SD_CALL_RINGING &&
	    now - m->call_at > (int64_t)cfg->ring_seconds * 1000) {
		queue(m, "ATH", NULL, NULL, NULL, now);
		call_over(m, "missed");
	}
	if (m->ussd_job != 0 && now > m->ussd_until) {
		job_done(m->d, m->ussd_job, 0, "no USSD reply in 20 s");
		m->ussd_job = 0;
	}
	if (m->state == M_READY && now >= m->next_poll && m->at.qlen == 0) {
		if (m->call != 0 && m->cstate >= SD_CALL_DIALING)
			queue(m, "AT+CLCC", NULL, clcc_done, m, now);
		else {
			init_again(m, "AT+CSQ", now);
			init_again(m, "AT+CREG?", now);
		}
		m->next_poll = now + (m->call ? 1000 : 15000);
		sms_next(m, now);
	}
	if (m->state == M_READY && m->sms_id != 0)
		sms_next(m, now);
	{
		struct drv_sms *whole = NULL;

		if (m->concat->msgs[0].used || m->concat->msgs[1].used) {
			whole = xmalloc(sizeof *whole);
			if (drv_concat_expire(m->concat, sd_now(), whole) == 1)
				sd_sms_received(m->d->core, m->name, m->rep.iccid,
				    whole->addr, whole->text,
				    whole->concat_received, whole->timestamp, &e);
			free(whole);
		}
	}
}

/* A job being worked on (an SMS, USSD or slot switch stays queued until
 * its modem is done with it): not to be taken again. */
static int
in_hand(const struct drv_tel *d, uint64_t id)
{
	for (int i = 0; i < d->n; i++)
		if (d->m[i].sms_job == id || d->m[i].ussd_job == id ||
		    d->m[i].switch_job == id)
			return 1;
	return 0;
}

/* The queued jobs after job_from, sixteen a turn. */
static void
jobs_take(struct drv_tel *d, int64_t now)
{
	uint64_t after = atomic_exchange(&d->job_from, JOBS_NONE);
	struct sd_teljob j;
	struct sd_err e;
	int found = 1;

	if (after == JOBS_NONE)
		return;
	for (int k = 0; k < 16 && found; k++) {
		if (sd_job_next(d->core, after, &j, &found, &e) != SD_OK) {
			if (d->log != NULL)
				d->log(LOG_ERR, "jobs: %s", e.msg);
			d->next_jobs = now + 1000;	/* read again then */
			break;
		}
		if (!found)
			break;
		after = j.id;
		if (!in_hand(d, j.id))
			job_run(d, &j, now);
	}
	if (found) {
		/* More may wait (or the read failed): from here again. */
		uint64_t from = atomic_load(&d->job_from);

		while ((from == JOBS_NONE || after < from) &&
		    !atomic_compare_exchange_weak(&d->job_from, &from, after))
			;
		if (d->next_jobs == INT64_MAX)
			d->next_jobs = now;
	}
}

void
drv_tel_run(struct drv_tel *d, int64_t now)
{
	struct sd_err e;

	if (d->bank != NULL)
		msim_service(d->bank, now);
	for (int i = 0; i < d->n; i++)
		modem_poll(&d->m[i], now);
	if (d->bank != NULL)
		msim_service(d->bank, now);
	if (read(d->wake, &(uint64_t){ 0 }, sizeof(uint64_t)) < 0) {
		/* not rung */
	}
	if (now >= d->next_jobs)
		d->next_jobs = INT64_MAX;	/* the retry is now */
	jobs_take(d, now);
	for (int i = 0; i < d->n; i++) {
		struct drv_modem *m = &d->m[i];

		if ((m->dirty && now >= m->next_report) ||
		    now >= m->next_report + 10000) {
			m->rep.updated = sd_now();
			if (sd_modem_report(d->core, &m->rep, &e) != SD_OK &&
			    d->log != NULL)
				d->log(LOG_ERR, "modem %s: %s", m->name, e.msg);
			m->dirty = 0;
			m->next_report = now + 300;
		}
	}
}
