/*
 * call_import.c -- call history brought in from a file (`call import`):
 * the calls a team made before simdesk, or on phones simdesk does not
 * drive, so that the books and the reports know them.  One transaction for
 * the file (core/rec/batch.c): every row is in, or none (--skip-bad puts
 * the bad ones in a rejects file and the rest in).
 *
 * An imported call is history: it is stored ended, with its times, the
 * operator and the customer, and counted where the call records are
 * counted (the reports' rollups through core_hooks.call_ended).  It rings
 * no one, makes no call-back task, is not rated and does not count
 * against a SIM's minutes this month: those are things that happen when a
 * call is live.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/tel/tel_int.h"
#include "core/base/base_txn.h"
#include "core/crm/crm_txn.h"

static const char *const callcols[] = { "start", "direction", "operator",
    "number", "ring", "talk", "disposition", "customer", "modem", "iccid" };
enum { C_START, C_DIR, C_OPER, C_NUMBER, C_RING, C_TALK, C_DISP, C_CUST,
    C_MODEM, C_ICCID };

static const char *const outdisp[] = { "answered", "busy", "no-answer",
    "failed", "cancelled", NULL };

struct callfile {
	uint64_t	first;
};

static const char *
cell(const struct table_batch *b, int r, int k)
{
	const char *v = batch_cell(b, r, k);

	return v != NULL ? v : "";
}

/* Whole seconds, 0 to a day; "" is 0. */
static int
seconds(const char *field, const char *v, int *out, struct sd_err *e)
{
	long n = 0;

	if (v[0] == '\0') {
		*out = 0;
		return SD_OK;
	}
	for (const char *p = v; *p; p++) {
		if (*p < '0' || *p > '9' || n > 86400)
			return sd_err_set(e, SD_EINVAL, "%s: '%.24s' is not whole "
			    "seconds from 0 to 86400", field, v);
		n = n * 10 + (*p - '0');
	}
	if (n > 86400)
		return sd_err_set(e, SD_EINVAL, "%s: '%.24s' is not whole "
		    "seconds from 0 to 86400", field, v);
	*out = (int)n;
	return SD_OK;
}

/* The disposition of the row: given, or what ring and talk say. */
static int
disposition(const char *v, int dir, int talk, char *out, size_t size,
    struct sd_err *e)
{
	int ok = 0;

	if (v[0] == '\0') {
		sd_strlcpy(out, talk > 0 ? "answered" : dir == SD_DIR_IN ?
		    "missed" : "no-answer", size);
		return SD_OK;
	}
	if (dir == SD_DIR_IN)
		ok = strcmp(v, "answered") == 0 || strcmp(v, "missed") == 0;
	else
		for (int i = 0; outdisp[i]; i++)
			ok |= strcmp(v, outdisp[i]) == 0;
	if (!ok)
		return sd_err_set(e, SD_EINVAL, dir == SD_DIR_IN ?
		    "disposition: '%.24s' is not answered or missed (a call in)" :
		    "disposition: '%.24s' is not answered, busy, no-answer, "
		    "failed or cancelled (a call out)", v);
	if (talk > 0 && strcmp(v, "answered") != 0)
		return sd_err_set(e, SD_EINVAL, "talk: %d seconds of a call "
		    "that was %s", talk, v);
	sd_strlcpy(out, v, size);
	return SD_OK;
}

static int
callfile_row(struct sd_txn *t, struct table_batch *b, int r, struct sd_err *e)
{
	struct callfile *cf = b->ctx;
	const char *dir = cell(b, r, C_DIR), *oper = cell(b, r, C_OPER);
	const char *cust = cell(b, r, C_CUST);
	struct sd_call c;
	struct sd_user u;
	struct sd_buf val;
	char num[33];
	uint8_t key[8];
	int ring, talk, st;

	memset(&c, 0, sizeof c);
	c.id = cf->first + (uint64_t)r - 1;
	if (sd_time_parse(cell(b, r, C_START), &c.start) != SD_OK)
		return sd_err_set(e, SD_EINVAL, "start: '%.30s' is not "
		    "YYYY-MM-DD HH:MM[:SS]", cell(b, r, C_START));
	if (c.start > sd_now())
		return sd_err_set(e, SD_EINVAL, "start: '%.30s' is in the "
		    "future", cell(b, r, C_START));
	if (strcmp(dir, "out") == 0)
		c.direction = SD_DIR_OUT;
	else if (strcmp(dir, "in") == 0)
		c.direction = SD_DIR_IN;
	else
		return sd_err_set(e, SD_EINVAL, "direction: '%.24s' is not in "
		    "or out", dir);
	if ((st = check_number("number", cell(b, r, C_NUMBER), num, sizeof num,
	    e)) != SD_OK)
		return st;
	if ((st = seconds("ring", cell(b, r, C_RING), &ring, e)) != SD_OK ||
	    (st = seconds("talk", cell(b, r, C_TALK), &talk, e)) != SD_OK ||
	    (st = disposition(cell(b, r, C_DISP), c.direction, talk,
	    c.disposition, sizeof c.disposition, e)) != SD_OK)
		return st;
	if (oper[0] != '\0') {
		if ((st = user_load(t, oper, &u, 0, e)) == SD_ENOTFOUND)
			return sd_err_set(e, SD_EINVAL, "operator: no user '%.32s'",
			    oper);
		if (st != SD_OK)
			return st;
		sd_strlcpy(c.operator, u.login, sizeof c.operator);
	} else if (strcmp(c.disposition, "answered") == 0)
		return sd_err_set(e, SD_EINVAL, "operator: required for an "
		    "answered call");
	sd_strlcpy(c.modem, cell(b, r, C_MODEM), sizeof c.modem);
	if (strlen(cell(b, r, C_ICCID)) >= sizeof c.iccid)
		return sd_err_set(e, SD_EINVAL, "iccid: '%.24s' is too long",
		    cell(b, r, C_ICCID));
	sd_strlcpy(c.iccid, cell(b, r, C_ICCID), sizeof c.iccid);
	if (c.direction == SD_DIR_OUT)
		sd_strlcpy(c.callee, num, sizeof c.callee);
	else
		sd_strlcpy(c.caller, num, sizeof c.caller);
	/* The customer: named, or whoever has the number. */
	if (cust[0] != '\0')
		st = customer_key_resolve(t, cust, &c.customer, e);
	else
		st = customer_by_phone(t, num, &c.customer, e);
	if (st != SD_OK)
		return st;
	c.created = c.start;
	if (strcmp(c.disposition, "answered") == 0)
		c.answer = c.start + ring;
	c.end = c.start + ring + talk;
	c.duration = ring + talk;
	c.billsec = talk;
	c.state = SD_CALL_ENDED;
	memset(&val, 0, sizeof val);
	rec_encode(call_f, REC_N(call_f), &c, &val);
	key64(key, c.id);
	st = batch_put_new(t, b, T_CALL, key, sizeof key, val.p, val.len, e);
	sd_buf_free(&val);
	/* The reports' rollups (core/report), as for a call that ends. */
	if (st == SD_OK && core_hooks.call_ended != NULL)
		st = core_hooks.call_ended(t, &c, e);
	return st;
}

int
sd_call_import(struct sd_session *s, const char *file,
    const struct sd_table *t, const char *rejects,
    void (*progress)(long, long, void *), void *progress_arg,
    struct sd_import_result *r, struct sd_err *err)
{
	static const char *const required[] = { "start", "direction",
	    "number", NULL };
	struct callfile cf = { 0 };
	struct table_batch b = { .s = s, .t = t, .file = file,
	    .op = "call.import", .what = "calls", .row = callfile_row,
	    .ctx = &cf, .progress = progress, .progress_arg = progress_arg };
	int st;

	memset(r, 0, sizeof *r);
	if ((st = sd_authorize(s, SD_OP_CALL_IMPORT, file, err)) != SD_OK)
		return st;
	if ((st = batch_columns(&b, callcols, 10, required, err)) != SD_OK)
		return st;
	/* One block of call numbers for the file. */
	if (t->nrows > 1 && (st = sd_seq_take(s->core->db, "call",
	    (uint64_t)t->nrows - 1, &cf.first, err)) != SD_OK)
		return st;
	return batch_run(&b, rejects, r, err);
}
