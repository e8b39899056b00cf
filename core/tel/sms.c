/*
 * sms.c -- text messages: sent through a job for simdeskd, listed and
 * shown, their delivery as simdeskd reports it, and those received (a
 * customer's reaches their owner's inbox).
 */
#include <string.h>

#include "core/tel/tel_int.h"

int
sd_sms_send(struct sd_session *s, const char *number, const char *text,
    const char *modem, uint64_t *id, struct sd_err *err)
{
	struct job_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_SMS_SEND, number, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	if ((st = check_number("number", number, a.sms.number,
	    sizeof a.sms.number, err)) != SD_OK)
		return st;
	if (text == NULL || text[0] == '\0')
		return sd_err_set(err, SD_EINVAL, "text: empty message");
	if ((st = sd_check_text("text", text, 1000, err)) != SD_OK)
		return st;
	if (modem != NULL)
		sd_strlcpy(a.j.modem, modem, sizeof a.j.modem);
	if ((st = sd_seq_next(s->core->db, "sms", &a.sms.id, err)) != SD_OK)
		return st;
	a.sms.direction = SD_DIR_OUT;
	sd_strlcpy(a.sms.text, text, sizeof a.sms.text);
	a.sms.at = sd_now();
	sd_strlcpy(a.sms.status, "queued", sizeof a.sms.status);
	sd_strlcpy(a.sms.by, s->user.login, sizeof a.sms.by);
	a.with_sms = 1;
	a.j.kind = SD_JOB_SMS;
	a.j.ref = a.sms.id;
	sd_strlcpy(a.j.number, a.sms.number, sizeof a.j.number);
	sd_strlcpy(a.j.text, text, sizeof a.j.text);
	if ((st = job_queue(s, &a, NULL, err)) != SD_OK)
		return st;
	*id = a.sms.id;
	return SD_OK;
}


/* Newest first; an operator sees the messages they sent. */
static int
sms_each(struct sd_txn *t, const void *key, size_t kl, void *rec, void *arg,
    struct sd_err *err)
{
	struct list_arg *a = arg;
	const struct sd_sms *m = rec;

	(void)t;
	(void)key;
	(void)kl;
	(void)err;
	if (a->s->user.role == SD_ROLE_OPERATOR &&
	    strcmp(m->by, a->s->user.login) != 0)
		return REC_NEXT;
	rowbuf_add(&a->rows, m);
	if (a->limit > 0 && a->rows.n >= (size_t)a->limit)
		return REC_STOP;
	return REC_NEXT;
}

static int
smslist_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct list_arg *a = arg;
	int st;

	if (a->id != 0) {
		st = REC_LOAD64(t, T_SMS, a->id, sms_f, &a->sms, 0, err);
		if (st == SD_ENOTFOUND)
			return sd_err_set(err, SD_ENOTFOUND, "sms %llu: no such "
			    "message", (unsigned long long)a->id);
		return st;
	}
	rowbuf_reset(&a->rows);
	return rec_walk(t, T_SMS, -1, NULL, 0, sms_f, REC_N(sms_f), &a->sms,
	    sizeof a->sms, sms_each, a, err);
}

int
sd_sms_list(struct sd_session *s, int limit, sd_sms_cb cb, void *arg,
    struct sd_err *err)
{
	struct list_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_SMS_SHOW, "sms", err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	a.limit = limit;
	rowbuf_init(&a.rows, sizeof(struct sd_sms), NULL);
	st = sd_db_read(s->core->db, smslist_txn, &a, err);
	for (size_t i = 0; st == SD_OK && i < a.rows.n; i++)
		if (cb(rowbuf_at(&a.rows, i), arg) != 0)
			break;
	rowbuf_free(&a.rows);
	return st;
}

int
sd_sms_get(struct sd_session *s, uint64_t id, struct sd_sms *out,
    struct sd_err *err)
{
	struct list_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_SMS_SHOW, "sms", err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	a.id = id;
	if ((st = sd_db_read(s->core->db, smslist_txn, &a, err)) == SD_OK)
		*out = a.sms;
	return st;
}

struct smsup_arg {
	struct sd_core	*core;
	struct sd_sms	 m;
	int		 create;
};

static int
smsup_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct smsup_arg *a = arg;
	struct sd_sms cur;
	int st;

	if (a->create) {
		uint64_t cid = 0;

		if ((st = customer_by_phone(t, a->m.number, &cid, err)) != SD_OK)
			return st;
		a->m.customer = cid;
		cur = a->m;
		if (cid != 0) {
			struct sd_customer cu;
			struct sd_tel_event ev;

			if ((st = customer_load(t, cid, &cu, 0, err)) != SD_OK)
				return st;
			memset(&ev, 0, sizeof ev);
			ev.kind = SD_EV_SMS;
			ev.customer = cid;
			sd_strlcpy(ev.number, a->m.number, sizeof ev.number);
			sd_strlcpy(ev.text, a->m.text, sizeof ev.text);
			if ((st = event_put(t, a->core, cu.owner, &ev, err)) != SD_OK)
				return st;
		}
	} else {
		if ((st = REC_LOAD64(t, T_SMS, a->m.id, sms_f, &cur, 1, err)) != SD_OK)
			return st;
		sd_strlcpy(cur.status, a->m.status, sizeof cur.status);
		sd_strlcpy(cur.error, a->m.error, sizeof cur.error);
		if (a->m.parts)
			cur.parts = a->m.parts;
		if (a->m.modem[0])
			sd_strlcpy(cur.modem, a->m.modem, sizeof cur.modem);
		if (a->m.iccid[0])
			sd_strlcpy(cur.iccid, a->m.iccid, sizeof cur.iccid);
	}
	if (cur.iccid[0] != '\0' && (a->create ||
	    strcmp(cur.status, "sent") == 0)) {
		struct simuse u;
		int month = sd_month_of(sd_now());

		if ((st = use_load(t, cur.iccid, month, &u, 1, err)) != SD_OK)
			return st;
		u.sms += cur.parts > 0 ? cur.parts : 1;
		if ((st = use_store(t, cur.iccid, month, &u, err)) != SD_OK)
			return st;
	}
	return REC_STORE64(t, T_SMS, cur.id, sms_f, &cur, err);
}

int
sd_sms_update(struct sd_core *core, uint64_t id, const char *status, int parts,
    const char *modem, const char *iccid, const char *error, struct sd_err *err)
{
	struct smsup_arg a;

	memset(&a, 0, sizeof a);
	a.core = core;
	a.m.id = id;
	sd_strlcpy(a.m.status, status, sizeof a.m.status);
	a.m.parts = parts;
	sd_strlcpy(a.m.modem, modem != NULL ? modem : "", sizeof a.m.modem);
	sd_strlcpy(a.m.iccid, iccid != NULL ? iccid : "", sizeof a.m.iccid);
	sd_strlcpy(a.m.error, error != NULL ? error : "", sizeof a.m.error);
	return sd_db_run(core->db, smsup_txn, &a, err);
}

int
sd_sms_received(struct sd_core *core, const char *modem, const char *iccid,
    const char *number, const char *text, int parts, int64_t at,
    struct sd_err *err)
{
	struct smsup_arg a;
	int st;

	memset(&a, 0, sizeof a);
	a.core = core;
	a.create = 1;
	if ((st = sd_seq_next(core->db, "sms", &a.m.id, err)) != SD_OK)
		return st;
	a.m.direction = SD_DIR_IN;
	sd_strlcpy(a.m.modem, modem, sizeof a.m.modem);
	sd_strlcpy(a.m.iccid, iccid, sizeof a.m.iccid);
	sd_strlcpy(a.m.number, number, sizeof a.m.number);
	sd_strlcpy(a.m.text, text, sizeof a.m.text);
	a.m.parts = parts;
	a.m.at = at;
	sd_strlcpy(a.m.status, "received", sizeof a.m.status);
	return sd_db_run(core->db, smsup_txn, &a, err);
}
