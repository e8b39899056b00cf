/*
 * core/tel/tel.h -- telephony in the books: modems, jobs, calls, ACD, SMS, presence,
 * events and SIM usage; and simdeskd's side of them.
 */
#ifndef SD_TEL_H
#define SD_TEL_H

#include "core/billing/billing.h"

/* ---------------------------------------------------------------- telephony */

/*
 * The modems simdeskd drives, as it last reported them.  Usage and quota
 * are filled by sd_modem_list/get from the SIM's month.
 */
struct sd_modem {
	char	 name[33];
	char	 port[128];
	char	 imei[20];
	char	 iccid[SD_ICCID_MAX + 1];
	char	 imsi[20];
	char	 msisdn[16];		/* as the SIM says (+CNUM): may be
					 * +86..., not SD_MSISDN_MAX */
	char	 carrier[33];
	int	 signal;		/* +CSQ 0-31, 99 unknown */
	int	 reg;			/* +CREG stat, -1 unknown */
	char	 state[16];		/* init, ready, call, down, out */
	int	 slot, nslots;
	uint64_t call;			/* the call it carries, 0 none */
	char	 message[160];		/* why it is out of service */
	int64_t	 updated;
	int	 simulated;
	/* filled on reading */
	long	 used_s, quota_s;	/* this month's call seconds */
	long	 sms_used, sms_quota;
	int	 level;			/* 0 ok, 1 and 2 warnings, 3 resting */
};

enum sd_job_kind { SD_JOB_DIAL, SD_JOB_HANGUP, SD_JOB_ANSWER, SD_JOB_SMS,
    SD_JOB_USSD, SD_JOB_SWITCH, SD_JOB_FAULT, SD_JOB_RING, SD_JOB_SMS_IN,
    SD_JOB_DTMF };
enum sd_job_status { SD_JOB_QUEUED, SD_JOB_DONE, SD_JOB_FAILED };

/* Work for simdeskd, taken in id order. */
struct sd_teljob {
	uint64_t id;
	int	 kind;
	char	 modem[33];
	char	 number[33];
	char	 text[1024];
	uint64_t ref;			/* the call or SMS */
	int	 slot;
	char	 by[SD_LOGIN_MAX + 1];
	int64_t	 created;
	int	 status;
	char	 result[1024];
	int64_t	 done_at;
};

enum sd_call_state { SD_CALL_QUEUED, SD_CALL_DIALING, SD_CALL_RINGING,
    SD_CALL_ACTIVE, SD_CALL_ENDED };

/* A call through the modems (通话信息). */
struct sd_call {
	uint64_t id;
	int	 direction;		/* SD_DIR_OUT / SD_DIR_IN */
	char	 caller[33];		/* 来电号码 */
	char	 callee[33];		/* 去电号码 */
	char	 modem[33];
	char	 iccid[SD_ICCID_MAX + 1];		/* the SIM that carried it */
	char	 operator[SD_LOGIN_MAX + 1];
	uint64_t customer;
	int64_t	 created, start, answer, end;
	int	 duration, billsec;
	int	 state;
	char	 disposition[16];	/* answered, busy, no-answer, failed,
					 * missed, cancelled */
	int64_t	 unit_mfen;		/* 单位费用, per minute */
	int64_t	 cost_fen;		/* 总费用 */
	char	 rate_name[49];
	char	 offered[160];		/* operators it rang for */
	char	 outcome[33];
	char	 recording[64];		/* under DATADIR/recordings/, "" none */
	int	 rec_seconds;
};

const char *sd_call_state_name(int state);

/* Dial number (click-to-dial): the call id at once; simdeskd places it
 * on modem (NULL: the least used SIM of the callee's carrier) for as
 * (NULL: the caller; supervisors and admins may name an operator).  A
 * customer on the do-not-call list is refused. */
int	sd_call_dial(struct sd_session *s, const char *number, const char *modem,
	    const char *as, uint64_t *id, struct sd_err *err);
int	sd_call_hangup(struct sd_session *s, uint64_t id, struct sd_err *err);
/* Send tones (0-9 * # A-D, up to 16) on a call that is talking: menus
 * of the far end (press 1 for ...). */
int	sd_call_dtmf(struct sd_session *s, uint64_t id, const char *digits,
	    struct sd_err *err);
/* The operator takes a ringing incoming call (the first one wins). */
int	sd_call_answer(struct sd_session *s, uint64_t id, struct sd_err *err);
int	sd_call_get(struct sd_session *s, uint64_t id, struct sd_call *out,
	    struct sd_err *err);
struct sd_call_filter {
	const char	*operator;	/* NULL any */
	int64_t		 from, to;	/* start in [from, to); 0 = open */
	uint64_t	 customer;	/* 0 any */
	int		 missed;	/* only missed incoming calls */
};
typedef int (*sd_call_cb)(const struct sd_call *c, void *arg);
/* Calls by start time; an operator sees their own. */
int	sd_call_list(struct sd_session *s, const struct sd_call_filter *f,
	    sd_call_cb cb, void *arg, struct sd_err *err);
struct sd_call_stats {
	char	operator[SD_LOGIN_MAX + 1];
	long	calls, answered, talk_s;
	long	in, missed;
};
typedef int (*sd_stats_cb)(const struct sd_call_stats *st, void *arg);
/* Per operator over [from, to). */
int	sd_call_stats(struct sd_session *s, int64_t from, int64_t to,
	    sd_stats_cb cb, void *arg, struct sd_err *err);
/*
 * Call history from a file (`call import`, call_import.c): columns start,
 * direction (in, out), number, and optionally operator, ring and talk
 * (seconds), disposition, customer, modem, iccid.  All rows or none
 * (rejects: bad rows to that file, the rest in).  Admins and supervisors.
 */
int	sd_call_import(struct sd_session *s, const char *file,
	    const struct sd_table *t, const char *rejects,
	    void (*progress)(long, long, void *), void *progress_arg,
	    struct sd_import_result *r, struct sd_err *err);

struct sd_sms {
	uint64_t id;
	int	 direction;
	char	 modem[33];
	char	 iccid[SD_ICCID_MAX + 1];
	char	 number[33];
	char	 text[2048];
	int	 parts;
	int64_t	 at;
	char	 status[16];		/* queued, sent, failed, received */
	char	 by[SD_LOGIN_MAX + 1];
	char	 error[160];
	uint64_t customer;
};
int	sd_sms_send(struct sd_session *s, const char *number, const char *text,
	    const char *modem, uint64_t *id, struct sd_err *err);
typedef int (*sd_sms_cb)(const struct sd_sms *m, void *arg);
/* Newest first; limit 0 = all. */
int	sd_sms_list(struct sd_session *s, int limit, sd_sms_cb cb, void *arg,
	    struct sd_err *err);
int	sd_sms_get(struct sd_session *s, uint64_t id, struct sd_sms *out,
	    struct sd_err *err);

/* Ask a modem for a USSD code; the reply arrives on the job. */
int	sd_ussd(struct sd_session *s, const char *modem, const char *code,
	    uint64_t *job, struct sd_err *err);
/* Switch a SIM-bank modem to slot; then the ICCID is checked. */
int	sd_modem_switch(struct sd_session *s, const char *modem, int slot,
	    uint64_t *job, struct sd_err *err);
/* Simulated modems only (admin): a fault, an outside caller, an SMS in. */
int	sd_modem_simulate(struct sd_session *s, const char *modem, int kind,
	    const char *arg, const char *text, uint64_t *job, struct sd_err *err);
int	sd_job_get(struct sd_session *s, uint64_t id, struct sd_teljob *out,
	    struct sd_err *err);
/* Wait up to seconds for a job to be done (polls; for the CLI). */
int	sd_job_wait(struct sd_session *s, uint64_t id, int seconds,
	    struct sd_teljob *out, struct sd_err *err);

typedef int (*sd_modem_cb)(const struct sd_modem *m, void *arg);
int	sd_modem_list(struct sd_session *s, sd_modem_cb cb, void *arg,
	    struct sd_err *err);
int	sd_modem_get(struct sd_session *s, const char *name, struct sd_modem *out,
	    struct sd_err *err);

/* A call's recording (G.711 A-law WAV): its path, for whoever may see the
 * call. */
int	sd_call_recording(struct sd_session *s, uint64_t id, char *path,
	    size_t size, struct sd_err *err);
/* An operator's availability for incoming calls (the TUI beats; a beat
 * older than 15 s is away).  Operators and supervisors take calls. */
int	sd_presence_beat(struct sd_session *s, int paused, const char *reason,
	    struct sd_err *err);
/* Who is at the desks, for supervisors: away (no beat for 15 s, or
 * signed out), available, paused (with the reason) or on a call. */
enum sd_presence_state { SD_PRES_AWAY, SD_PRES_AVAILABLE, SD_PRES_PAUSED,
    SD_PRES_ON_CALL };
struct sd_presence {
	char	 login[SD_LOGIN_MAX + 1];
	char	 name[SD_NAME_MAX + 1];
	int	 state;
	char	 reason[65];
	int64_t	 beat, last_end;
	uint64_t call;
};
typedef int (*sd_presence_cb)(const struct sd_presence *p, void *arg);
int	sd_presence_list(struct sd_session *s, sd_presence_cb cb, void *arg,
	    struct sd_err *err);
const char *sd_presence_state_name(int state);
/* The outcome of a call (answered, no_answer, sale, ...), from the
 * after-call note: the call's operator, or a supervisor.  A call from a
 * number that was unknown is linked to the customer who has it now. */
int	sd_call_set_outcome(struct sd_session *s, uint64_t id, const char *outcome,
	    struct sd_err *err);

/* What reaches an operator's screen: a pop, a call's end, a message. */
enum sd_event_kind { SD_EV_POP, SD_EV_STATE, SD_EV_ENDED, SD_EV_MISSED,
    SD_EV_QUOTA, SD_EV_SMS };
struct sd_tel_event {
	uint64_t id;
	int	 kind;
	uint64_t call;
	char	 number[33];
	uint64_t customer;
	char	 text[256];
	int64_t	 at;
};
/* Take (and delete) up to max of the session user's events, oldest first. */
int	sd_tel_events(struct sd_session *s, struct sd_tel_event *out, int max,
	    int *n, struct sd_err *err);

/* ---- simdeskd's side (a system session) */
/* A committed transaction that queued job id tells the db's notify hooks
 * "J:id" (sd_db_notify_hook): 1 and *id when key is one. */
int	sd_job_notified(const char *key, uint64_t *id);
int	sd_job_next(struct sd_core *core, uint64_t after, struct sd_teljob *out,
	    int *found, struct sd_err *err);
int	sd_job_finish(struct sd_core *core, uint64_t id, int status,
	    const char *result, struct sd_err *err);
int	sd_modem_report(struct sd_core *core, const struct sd_modem *m,
	    struct sd_err *err);
/* Candidate SIMs for an outgoing call; the choice in *pick (-1: none). */
struct sd_sim_cand {
	const char	*iccid;
	const char	*carrier;
};
int	sd_sim_choose(struct sd_core *core, const char *number,
	    const struct sd_sim_cand *c, int n, int *pick, struct sd_err *err);
/* "mobile", "unicom", "telecom" or "" from a number or operator name. */
const char *sd_carrier_of_number(const char *number);
const char *sd_carrier_of_name(const char *name);
/* simdeskd takes a queued call to dial it: SD_EREFUSED when it was
 * cancelled (hung up) while queued. */
int	sd_call_claim(struct sd_core *core, uint64_t id, const char *modem,
	    const char *iccid, struct sd_err *err);
int	sd_call_progress(struct sd_core *core, uint64_t id, int state,
	    const char *modem, const char *iccid, int64_t when,
	    struct sd_err *err);
/* simdeskd wrote the call's recording: recordings/name, seconds long. */
int	sd_call_recorded(struct sd_core *core, uint64_t id, const char *name,
	    long seconds, struct sd_err *err);
/* End a call: usage of the SIM, rating (and a CDR when the SIM is a line
 * in the books), the operator's ENDED event; a missed incoming call is a
 * callback reminder for the owner (or the pool). */
int	sd_call_end(struct sd_core *core, uint64_t id, const char *disposition,
	    int64_t when, struct sd_err *err);
/* A call rings on modem from number: the customer's owner if available,
 * else operators by the strategy; each gets a POP.  *id is the call. */
int	sd_call_incoming(struct sd_core *core, const char *modem,
	    const char *iccid, const char *msisdn, const char *number,
	    uint64_t *id, struct sd_err *err);
int	sd_sms_update(struct sd_core *core, uint64_t id, const char *status,
	    int parts, const char *modem, const char *iccid, const char *error,
	    struct sd_err *err);
int	sd_sms_received(struct sd_core *core, const char *modem,
	    const char *iccid, const char *number, const char *text, int parts,
	    int64_t at, struct sd_err *err);

/* Free this thread's compiled tariffs (a server thread that ends). */
void	sd_tariff_cache_free(void);

#endif
