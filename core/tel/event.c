/*
 * event.c -- each operator's inbox of screen pops (a call ringing, its
 * progress, an SMS from their customer, a quota warning): written inside
 * the transaction that causes them, taken by the operator's screen.
 */
#include <string.h>

#include "core/tel/tel_int.h"

/* ---------------------------------------------------------------- events */

int
event_put(struct sd_txn *t, struct sd_core *core, const char *login,
    struct sd_tel_event *ev, struct sd_err *err)
{
	struct sd_buf k = SD_BUF_INIT;
	uint8_t id[8];
	int st;

	if (login[0] == '\0')
		return SD_OK;
	if ((st = sd_seq_next(core->db, "televent", &ev->id, err)) != SD_OK)
		return st;
	ev->at = sd_now();
	key64(id, ev->id);
	sd_buf_add(&k, login, strlen(login) + 1);
	sd_buf_add(&k, id, 8);
	st = rec_store(t, T_TELEVENT, k.p, k.len, ev_f, REC_N(ev_f), ev, err);
	sd_buf_free(&k);
	if (st == SD_OK)
		sd_inbox_notify(t, SD_INBOX_TEL, login);
	return st;
}

struct ev_arg {
	struct sd_session	*s;
	struct sd_tel_event	*out;
	int			 max, n;
	int			 peek;		/* read only: are there any? */
};

/* The session user's events: keys are login NUL id. */
static int
event_take(struct sd_txn *t, const void *key, size_t kl, void *rec, void *arg,
    struct sd_err *err)
{
	struct ev_arg *a = arg;
	size_t ml = strlen(a->s->user.login) + 1;

	(void)t;
	(void)err;
	if (kl < ml || memcmp(key, a->s->user.login, ml) != 0)
		return REC_STOP;
	a->out[a->n++] = *(struct sd_tel_event *)rec;
	return a->n < a->max ? REC_NEXT : REC_STOP;
}

static int
events_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct ev_arg *a = arg;
	const char *me = a->s->user.login;
	size_t ml = strlen(me) + 1;
	struct sd_tel_event ev;
	int st;

	a->n = 0;
	if (a->max <= 0)
		return SD_OK;
	if ((st = rec_walk(t, T_TELEVENT, 1, me, ml, ev_f, REC_N(ev_f), &ev,
	    sizeof ev, event_take, a, err)) != SD_OK)
		return st;
	if (a->peek)
		return SD_OK;
	/* Taken: gone from the inbox. */
	for (int i = 0; i < a->n; i++) {
		struct sd_buf k = SD_BUF_INIT;
		uint8_t id[8];

		key64(id, a->out[i].id);
		sd_buf_add(&k, me, ml);
		sd_buf_add(&k, id, 8);
		st = sd_del(t, T_TELEVENT, k.p, k.len, err);
		sd_buf_free(&k);
		if (st != SD_OK && st != SD_ENOTFOUND)
			return st;
	}
	sd_err_clear(err);
	return SD_OK;
}

int
sd_tel_events(struct sd_session *s, struct sd_tel_event *out, int max, int *n,
    struct sd_err *err)
{
	struct ev_arg a = { s, out, max, 0, 1 };
	int st;

	/* Every screen polls a few times a second: look before writing. */
	*n = 0;
	if ((st = sd_db_read(s->core->db, events_txn, &a, err)) != SD_OK ||
	    a.n == 0)
		return st;
	a.peek = 0;
	st = sd_db_run(s->core->db, events_txn, &a, err);
	*n = a.n;
	return st;
}
