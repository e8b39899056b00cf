/*
 * core/tel/tel_int.h -- private to core/tel/: its tables, indexes, record
 * fields, and what its files share (the usage of a SIM, presence records,
 * jobs for simdeskd, the inbox).
 */
#ifndef SD_TEL_INT_H
#define SD_TEL_INT_H

#include "core/tel/tel_txn.h"

/* Tables (numbers in core/rec/rec.h). */
enum { T_MODEM = SD_T_TEL, T_TELJOB, T_CALL, T_SMS, T_SIMUSE, T_PRESENCE,
    T_TELEVENT };
enum { IX_CALL_START, IX_CALL_OPERATOR, IX_CALL_CUSTOMER };

struct simuse {
	long	seconds, minutes, calls, sms;
	int	warned;			/* the highest warning level sent */
};

struct presence {
	char	login[SD_LOGIN_MAX + 1];
	int	paused;
	char	reason[65];
	int64_t	beat, last_end, last_offer;
	uint64_t on_call;
};

/* Each record's fields (tel_schema.c), sized so that REC_N() sees them:
 * a count that does not match its table fails to compile. */
#define MODEM_NF	16
#define JOB_NF		12
#define CALL_NF		23
#define SMS_NF		12
#define USE_NF		5
#define PRES_NF		7
#define EV_NF		7
extern const struct rec_field modem_f[MODEM_NF];
extern const struct rec_field job_f[JOB_NF];
extern const struct rec_field call_f[CALL_NF];
extern const struct rec_field sms_f[SMS_NF];
extern const struct rec_field use_f[USE_NF];
extern const struct rec_field pres_f[PRES_NF];
extern const struct rec_field ev_f[EV_NF];

/* A call record decoded (tel_schema.c). */
int	call_peek(const void *rec, size_t len, struct sd_call *c);
/* Call index extractors (tel_schema.c). */
int	call_start_key(const void *pk, size_t pklen, const void *rec, size_t len,
	    struct sd_keys *out);
int	call_operator_key(const void *pk, size_t pklen, const void *rec,
	    size_t len, struct sd_keys *out);
int	call_customer_key(const void *pk, size_t pklen, const void *rec,
	    size_t len, struct sd_keys *out);

/* A SIM's month (simuse.c): a record not there yet loads as zeros. */
int	use_load(struct sd_txn *t, const char *iccid, int month,
	    struct simuse *u, int rmw, struct sd_err *err);
int	use_store(struct sd_txn *t, const char *iccid, int month,
	    const struct simuse *u, struct sd_err *err);
void	sim_quota(struct sd_txn *t, const struct sd_config *cfg,
	    const char *iccid, long *minutes, long *sms);
int	use_level(const struct sd_config *cfg, long used, long quota);

/* A screen pop in login's inbox (event.c); none for an empty login. */
int	event_put(struct sd_txn *t, struct sd_core *core, const char *login,
	    struct sd_tel_event *ev, struct sd_err *err);

/* The modem of that name, or SD_ENOTFOUND saying so (modem.c). */
int	need_modem(struct sd_txn *t, const char *name, struct sd_modem *m,
	    struct sd_err *err);

/* A job for simdeskd, queued with the call or SMS it makes (job.c). */
struct job_arg {
	struct sd_session	*s;
	struct sd_core		*core;
	struct sd_teljob	 j;
	struct sd_call		 call;
	struct sd_sms		 sms;
	int			 with_call, with_sms;
	const char		*as;
	int			 found;
	uint64_t		 after;
};
int	job_queue(struct sd_session *s, struct job_arg *a, uint64_t *id,
	    struct sd_err *err);
int	check_number(const char *field, const char *in, char *out,
	    size_t size, struct sd_err *err);

/* What the readers of modems, calls and SMS take (modem.c, call.c, sms.c). */
struct list_arg {
	struct sd_session		*s;
	const struct sd_call_filter	*f;
	struct rowbuf			 rows;	/* lists: for the callback
						 * after the commit */
	const char			*name;
	struct sd_modem			 m;
	struct sd_call			 c;
	struct sd_sms			 sms;
	uint64_t			 id;
	int				 limit;
	int64_t				 from, to;
	struct sd_call_stats		*stats;
	int				 nstats;
};

/* Presence (presence.c): a desk's state now; an operator busy on a call. */
int	presence_state(struct sd_txn *t, const struct presence *p,
	    int64_t now, int *state, struct sd_err *err);
int	presence_on_call(struct sd_txn *t, const char *login, uint64_t id,
	    struct sd_err *err);

#endif
