/*
 * presence.c -- operators' presence: the heartbeat of their screens,
 * paused or available, on a call, and the list supervisors watch.
 */
#include <string.h>

#include "core/tel/tel_int.h"

/* ---------------------------------------------------------------- presence */

struct pres_arg {
	struct sd_session	*s;
	int			 paused;
	const char		*reason;
};

static int
pres_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct pres_arg *a = arg;
	const char *me = a->s->user.login;
	struct presence p;
	int st = rec_load(t, T_PRESENCE, me, strlen(me), pres_f, REC_N(pres_f), &p,
	    sizeof p, 1, err);

	if (st == SD_ENOTFOUND) {
		memset(&p, 0, sizeof p);
		sd_strlcpy(p.login, me, sizeof p.login);
		sd_err_clear(err);
	} else if (st != SD_OK)
		return st;
	if (p.paused != a->paused && (st = sd_audit_write(t, me, a->paused ?
	    "presence.pause" : "presence.available", me, SD_OUTCOME_OK, "",
	    a->reason != NULL ? a->reason : "", err)) != SD_OK)
		return st;
	p.paused = a->paused;
	sd_strlcpy(p.reason, a->reason != NULL ? a->reason : "", sizeof p.reason);
	p.beat = sd_now();
	return rec_store(t, T_PRESENCE, me, strlen(me), pres_f, REC_N(pres_f), &p, err);
}

int
sd_presence_beat(struct sd_session *s, int paused, const char *reason,
    struct sd_err *err)
{
	struct pres_arg a = { s, paused, reason };
	int st;

	if ((st = sd_authorize(s, SD_OP_CALL_TAKE, "presence", err)) != SD_OK)
		return st;
	if (reason != NULL && strlen(reason) >= sizeof ((struct presence *)0)->reason)
		return sd_err_set(err, SD_EINVAL, "reason: longer than %zu bytes",
		    sizeof ((struct presence *)0)->reason - 1);
	return sd_db_run(s->core->db, pres_txn, &a, err);
}

const char *
sd_presence_state_name(int state)
{
	switch (state) {
	case SD_PRES_AVAILABLE:	return "available";
	case SD_PRES_PAUSED:	return "paused";
	case SD_PRES_ON_CALL:	return "on call";
	default:		return "away";
	}
}

/* A desk's state now: on a call that is not over (a daemon that died
 * mid-call never said so), away without a beat for 15 s, else paused or
 * available. */
#define PRESENCE_FRESH_S 15

int
presence_state(struct sd_txn *t, const struct presence *p, int64_t now,
    int *state, struct sd_err *err)
{
	if (p->on_call != 0) {
		struct sd_call c;
		int st = REC_LOAD64(t, T_CALL, p->on_call, call_f, &c, 0, err);

		if (st == SD_OK && c.state != SD_CALL_ENDED) {
			*state = SD_PRES_ON_CALL;
			return SD_OK;
		}
		if (st != SD_OK && st != SD_ENOTFOUND)
			return st;
		sd_err_clear(err);
	}
	*state = now - p->beat > PRESENCE_FRESH_S ? SD_PRES_AWAY : p->paused ?
	    SD_PRES_PAUSED : SD_PRES_AVAILABLE;
	return SD_OK;
}

struct preslist_arg {
	sd_presence_cb	 cb;
	void		*arg;
	int64_t		 now;
	struct rowbuf	 rows;		/* for cb after the commit */
};

static int
pres_each(struct sd_txn *t, const void *key, size_t kl, void *rec, void *arg,
    struct sd_err *err)
{
	struct preslist_arg *a = arg;
	const struct presence *p = rec;
	struct sd_presence out;
	struct sd_user u;
	int st;

	(void)key;
	(void)kl;
	memset(&out, 0, sizeof out);
	sd_strlcpy(out.login, p->login, sizeof out.login);
	if (user_load(t, p->login, &u, 0, err) == SD_OK)
		sd_strlcpy(out.name, u.name, sizeof out.name);
	sd_err_clear(err);
	if ((st = presence_state(t, p, a->now, &out.state, err)) != SD_OK)
		return st;
	out.beat = p->beat;
	out.last_end = p->last_end;
	sd_strlcpy(out.reason, p->reason, sizeof out.reason);
	if (out.state == SD_PRES_ON_CALL)
		out.call = p->on_call;
	rowbuf_add(&a->rows, &out);
	return REC_NEXT;
}

static int
preslist_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct preslist_arg *a = arg;
	struct presence p;

	rowbuf_reset(&a->rows);
	return rec_walk(t, T_PRESENCE, 1, NULL, 0, pres_f, REC_N(pres_f), &p, sizeof p,
	    pres_each, arg, err);
}

int
sd_presence_list(struct sd_session *s, sd_presence_cb cb, void *arg,
    struct sd_err *err)
{
	struct preslist_arg a = { cb, arg, sd_now() };
	int st;

	if ((st = sd_authorize(s, SD_OP_PRESENCE_SHOW, "presence", err)) != SD_OK)
		return st;
	rowbuf_init(&a.rows, sizeof(struct sd_presence), NULL);
	st = sd_db_read(s->core->db, preslist_txn, &a, err);
	for (size_t i = 0; st == SD_OK && i < a.rows.n; i++)
		if (cb(rowbuf_at(&a.rows, i), arg) != 0)
			break;
	rowbuf_free(&a.rows);
	return st;
}

/* Mark an operator busy with call id (their presence, when they have one). */
int
presence_on_call(struct sd_txn *t, const char *login, uint64_t id,
    struct sd_err *err)
{
	struct presence p;
	int st = rec_load(t, T_PRESENCE, login, strlen(login), pres_f, REC_N(pres_f),
	    &p, sizeof p, 1, err);

	if (st == SD_ENOTFOUND) {
		sd_err_clear(err);
		return SD_OK;
	}
	if (st != SD_OK || p.on_call == id)
		return st;
	p.on_call = id;
	return rec_store(t, T_PRESENCE, login, strlen(login), pres_f, REC_N(pres_f), &p,
	    err);
}
