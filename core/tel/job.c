/*
 * job.c -- the work the front ends hand simdeskd (dial, hang up, tones,
 * SMS, USSD, slot switch, simulations): queued in a transaction with the
 * records they concern, waited for, taken and finished by simdeskd.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/tel/tel_int.h"

/* ---------------------------------------------------------------- jobs */

/* simdeskd reports every modem at least every 10 s. */
#define MODEM_FRESH_S 30

static int
modem_dials(const struct sd_modem *m)
{
	return strcmp(m->state, "ready") == 0 &&
	    sd_now() - m->updated <= MODEM_FRESH_S;
}

static int
any_dials(struct sd_txn *t, const void *key, size_t kl, void *rec, void *arg,
    struct sd_err *err)
{
	(void)t;
	(void)key;
	(void)kl;
	(void)err;
	if (!modem_dials(rec))
		return REC_NEXT;
	*(int *)arg = 1;
	return REC_STOP;
}

/* A call is placed at once or not at all: a modem must be up and free
 * (the one named, or any), else the dial is refused, never left queued. */
static int
dial_possible(struct sd_txn *t, const struct sd_modem *named,
    struct sd_err *err)
{
	struct sd_modem m;
	int any = 0, st;

	if (named != NULL) {
		if (modem_dials(named))
			return SD_OK;
		if (sd_now() - named->updated > MODEM_FRESH_S)
			return sd_err_set(err, SD_EREFUSED, "modem %s: not "
			    "reported lately (is simdeskd running?), not ready "
			    "to dial", named->name);
		if (named->message[0] != '\0')
			return sd_err_set(err, SD_EREFUSED, "modem %s: %s, not "
			    "ready to dial: %s", named->name, named->state,
			    named->message);
		return sd_err_set(err, SD_EREFUSED, "modem %s: %s, not ready to "
		    "dial", named->name, named->state);
	}
	if ((st = rec_walk(t, T_MODEM, 1, NULL, 0, modem_f, REC_N(modem_f), &m,
	    sizeof m, any_dials, &any, err)) != SD_OK)
		return st;
	if (!any)
		return sd_err_set(err, SD_EREFUSED, "no modem is ready to dial "
		    "(is simdeskd running? see simdeskctl modem list)");
	return SD_OK;
}

static int
job_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct job_arg *a = arg;
	struct sd_modem m;
	char obj[80];
	int st;

	if (a->j.modem[0] != '\0' &&
	    (st = need_modem(t, a->j.modem, &m, err)) != SD_OK)
		return st;
	if (a->j.kind >= SD_JOB_FAULT && a->j.kind <= SD_JOB_SMS_IN &&
	    !m.simulated)
		return sd_err_set(err, SD_EREFUSED, "modem %s: not a simulated "
		    "modem", a->j.modem);
	if (a->with_call) {
		/* A number on file belongs to its customer: do-not-call is
		 * honoured here, for every front end. */
		uint64_t cid = 0;

		if ((st = customer_by_phone(t, a->call.callee, &cid, err)) != SD_OK)
			return st;
		if (cid != 0) {
			struct sd_customer cu;

			if ((st = customer_load(t, cid, &cu, 0, err)) != SD_OK)
				return st;
			if (cu.dnc)
				return sd_err_set(err, SD_EREFUSED, "number %s: "
				    "customer %llu (%s) is on the do-not-call list",
				    a->call.callee, (unsigned long long)cid,
				    cu.name);
			a->call.customer = cid;
		}
		if ((st = dial_possible(t, a->j.modem[0] ? &m : NULL, err)) !=
		    SD_OK)
			return st;
		if ((st = REC_STORE64(t, T_CALL, a->call.id, call_f, &a->call, err)) !=
		    SD_OK)
			return st;
	}
	if (a->with_sms && (st = REC_STORE64(t, T_SMS, a->sms.id, sms_f, &a->sms,
	    err)) != SD_OK)
		return st;
	if ((st = REC_STORE64(t, T_TELJOB, a->j.id, job_f, &a->j, err)) != SD_OK)
		return st;
	/* simdeskd's loop wakes for it once this commits. */
	snprintf(obj, sizeof obj, "J:%llu", (unsigned long long)a->j.id);
	sd_txn_notify(t, obj);
	snprintf(obj, sizeof obj, "%s%s%s", a->j.modem, a->j.modem[0] &&
	    a->j.number[0] ? " " : "", a->j.number);
	return sd_audit_write(t, a->s->user.login, a->with_call ? "call.dial" :
	    a->with_sms ? "sms.send" : a->j.kind == SD_JOB_DTMF ? "call.dtmf" :
	    "modem.job", obj, SD_OUTCOME_OK, "",
	    /* Tones may be a PIN: not in the audit log. */
	    a->j.text[0] && !a->with_sms && a->j.kind != SD_JOB_DTMF ?
	    a->j.text : "", err);
}

int
job_queue(struct sd_session *s, struct job_arg *a, uint64_t *id,
    struct sd_err *err)
{
	int st;

	a->s = s;
	sd_strlcpy(a->j.by, s->user.login, sizeof a->j.by);
	a->j.created = sd_now();
	a->j.status = SD_JOB_QUEUED;
	if ((st = sd_seq_next(s->core->db, "teljob", &a->j.id, err)) != SD_OK)
		return st;
	if ((st = sd_db_run(s->core->db, job_txn, a, err)) != SD_OK)
		return st;
	if (id != NULL)
		*id = a->j.id;
	return SD_OK;
}


/* Digits, with + in front at most: 3 to 20 of them. */
int
check_number(const char *field, const char *in, char *out, size_t size,
    struct sd_err *err)
{
	size_t n = strlen(in), k = 0;

	if (n < 3 || n > 21 || size < 22)
		return sd_err_set(err, SD_EINVAL, "%s: '%.24s' must have 3 to 20 "
		    "digits", field, in);
	for (size_t i = 0; i < n; i++) {
		if ((in[i] >= '0' && in[i] <= '9') || in[i] == '*' || in[i] == '#' ||
		    (i == 0 && in[i] == '+'))
			out[k++] = in[i];
		else
			return sd_err_set(err, SD_EINVAL, "%s: '%.24s' is not a "
			    "phone number", field, in);
	}
	out[k] = '\0';
	return SD_OK;
}


static int
jobget_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct job_arg *a = arg;
	int st = REC_LOAD64(t, T_TELJOB, a->j.id, job_f, &a->j, 0, err);

	if (st == SD_ENOTFOUND)
		return sd_err_set(err, SD_ENOTFOUND, "job %llu: no such job",
		    (unsigned long long)a->j.id);
	return st;
}

int
sd_job_get(struct sd_session *s, uint64_t id, struct sd_teljob *out,
    struct sd_err *err)
{
	struct job_arg a;
	int st;

	memset(&a, 0, sizeof a);
	a.j.id = id;
	if ((st = sd_db_read(s->core->db, jobget_txn, &a, err)) == SD_OK)
		*out = a.j;
	return st;
}

int
sd_job_wait(struct sd_session *s, uint64_t id, int seconds,
    struct sd_teljob *out, struct sd_err *err)
{
	for (int i = 0; i < seconds * 10; i++) {
		int st = sd_job_get(s, id, out, err);

		if (st != SD_OK || out->status != SD_JOB_QUEUED)
			return st;
		usleep(100000);
	}
	return sd_err_set(err, SD_EINTERNAL, "job %llu: no answer from simdeskd "
	    "in %d s (is it running on this data directory?)",
	    (unsigned long long)id, seconds);
}

/* ---------------------------------------------------------------- simdeskd */

int
sd_job_notified(const char *key, uint64_t *id)
{
	char *end;

	if (key[0] != 'J' || key[1] != ':')
		return 0;
	*id = strtoull(key + 2, &end, 10);
	return *end == '\0' && *id > 0;
}


/* The first job after a->after still queued. */
static int
job_queued(struct sd_txn *t, const void *key, size_t kl, void *rec, void *arg,
    struct sd_err *err)
{
	struct job_arg *a = arg;

	(void)t;
	(void)key;
	(void)kl;
	(void)err;
	if (((struct sd_teljob *)rec)->status != SD_JOB_QUEUED)
		return REC_NEXT;
	a->found = 1;
	return REC_STOP;
}

static int
jobnext_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct job_arg *a = arg;
	uint8_t k[8];

	a->found = 0;
	key64(k, a->after + 1);
	return rec_walk(t, T_TELJOB, 1, k, 8, job_f, REC_N(job_f), &a->j, sizeof a->j,
	    job_queued, a, err);
}

int
sd_job_next(struct sd_core *core, uint64_t after, struct sd_teljob *out,
    int *found, struct sd_err *err)
{
	struct job_arg a;
	int st;

	memset(&a, 0, sizeof a);
	a.after = after;
	if ((st = sd_db_read(core->db, jobnext_txn, &a, err)) != SD_OK)
		return st;
	*found = a.found;
	if (a.found)
		*out = a.j;
	return SD_OK;
}

static int
jobfin_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct job_arg *a = arg;
	struct sd_teljob j;
	int st = REC_LOAD64(t, T_TELJOB, a->j.id, job_f, &j, 1, err);

	if (st != SD_OK)
		return st;
	j.status = a->j.status;
	sd_strlcpy(j.result, a->j.result, sizeof j.result);
	j.done_at = sd_now();
	return REC_STORE64(t, T_TELJOB, j.id, job_f, &j, err);
}

int
sd_job_finish(struct sd_core *core, uint64_t id, int status, const char *result,
    struct sd_err *err)
{
	struct job_arg a;

	memset(&a, 0, sizeof a);
	a.j.id = id;
	a.j.status = status;
	sd_strlcpy(a.j.result, result != NULL ? result : "", sizeof a.j.result);
	return sd_db_run(core->db, jobfin_txn, &a, err);
}
