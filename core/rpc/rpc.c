/*
 * rpc.c -- the operation table simdesk (the TUI) calls through simdeskd.
 *
 * A CALL frame names an operation (enum sd_rpc_op) and carries its
 * arguments as positional fields: SD_W_AINT, SD_W_ASTR, SD_W_ANULL (a
 * NULL string) and SD_W_ARAW (a struct of fixed layout, which is why a
 * TUI must be of the server's build: sd_rpc_build, checked at hello).
 * The server runs the core function as the connection's signed-in user
 * (never as anyone the client names), streams the rows of a list as ROWS
 * frames, the progress of an import as PROGRESS frames, and ends with one
 * RESULT: the status, the one-line error and the results, positionally.
 * Every role check is core's own, as for simdeskctl.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/core.h"
#include "build/abi.h"

const char *
sd_rpc_build(void)
{
	return SD_VERSION "/" SD_ABI;
}

/* ---------------------------------------------------------------- fields */

void
sd_arg_int(struct sd_buf *b, int64_t v)
{
	sd_rec_int(b, SD_W_AINT, v);
}

void
sd_arg_str(struct sd_buf *b, const char *s)
{
	if (s == NULL)
		sd_rec_int(b, SD_W_ANULL, 0);
	else
		sd_rec_bytes(b, SD_W_ASTR, s, strlen(s));
}

void
sd_arg_raw(struct sd_buf *b, const void *p, size_t n)
{
	sd_rec_bytes(b, SD_W_ARAW, p, n);
}

static int
positional(int tag)
{
	return tag >= SD_W_AINT && tag <= SD_W_ARAW;
}

void
sd_args_init(struct sd_args *a, const struct sd_wire_msg *m)
{
	a->m = m;
	a->i = 0;
	a->bad = 0;
}

static const struct sd_wire_field *
next_field(struct sd_args *a)
{
	while (a->i < a->m->n && !positional(a->m->f[a->i].tag))
		a->i++;
	if (a->i >= a->m->n) {
		a->bad = 1;
		return NULL;
	}
	return &a->m->f[a->i++];
}

int
sd_args_more(struct sd_args *a)
{
	while (a->i < a->m->n && !positional(a->m->f[a->i].tag))
		a->i++;
	return a->i < a->m->n;
}

int64_t
sd_args_int(struct sd_args *a)
{
	const struct sd_wire_field *f = next_field(a);

	if (f == NULL || f->tag != SD_W_AINT) {
		a->bad = 1;
		return 0;
	}
	return f->ival;
}

/* A string that may be NULL: where core says NULL means "not given". */
const char *
sd_args_opt(struct sd_args *a)
{
	const struct sd_wire_field *f = next_field(a);

	if (f != NULL && f->tag == SD_W_ANULL)
		return NULL;
	if (f == NULL || f->tag != SD_W_ASTR || f->s == NULL ||
	    strlen(f->s) != f->len) {
		a->bad = 1;
		return "";
	}
	return f->s;
}

/* A string that must be there: NULL is a malformed call (core is never
 * handed a NULL it does not take). */
const char *
sd_args_str(struct sd_args *a)
{
	const char *s = sd_args_opt(a);

	if (s == NULL) {
		a->bad = 1;
		return "";
	}
	return s;
}

const void *
sd_args_rawp(struct sd_args *a, size_t *n)
{
	const struct sd_wire_field *f = next_field(a);

	if (f == NULL || f->tag != SD_W_ARAW || f->s == NULL) {
		a->bad = 1;
		*n = 0;
		return NULL;
	}
	*n = f->len;
	return f->s;
}

int
sd_args_raw(struct sd_args *a, void *out, size_t n)
{
	size_t got;
	const void *p = sd_args_rawp(a, &got);

	if (p == NULL || got != n) {
		a->bad = 1;
		memset(out, 0, n);
		return -1;
	}
	memcpy(out, p, n);
	return 0;
}

/* ---------------------------------------------------------------- rows */

#define ROWS_BYTES	(200 * 1024)
#define ROWS_FIELDS	(SD_WIRE_FIELDS - 8)

struct rows {
	struct sd_rpc_srv	*c;
	struct sd_buf		 b;
	int			 fields;
	int			 failed;
	long			 sent;
};

static int
rows_flush(struct rows *r)
{
	if (r->fields == 0 || r->failed)
		return r->failed ? -1 : 0;
	if (r->c->send(r->c->send_arg, &r->b, 0) != 0)
		r->failed = 1;
	r->fields = 0;
	return r->failed ? -1 : 0;
}

/* One row (and its page key, or NULL); -1 once the client is gone. */
static int
rows_add(struct rows *r, const void *p, size_t n, const char *key)
{
	if (r->failed)
		return -1;
	if (r->fields > 0 && (r->b.len + n > ROWS_BYTES ||
	    r->fields + 2 > ROWS_FIELDS))
		if (rows_flush(r) != 0)
			return -1;
	if (r->fields == 0)
		sd_wire_begin(&r->b, SD_MSG_ROWS);
	sd_arg_raw(&r->b, p, n);
	r->fields++;
	if (key != NULL) {
		sd_arg_str(&r->b, key);
		r->fields++;
	}
	r->sent++;
	return 0;
}

static void
rows_init(struct rows *r, struct sd_rpc_srv *c)
{
	memset(r, 0, sizeof *r);
	r->c = c;
}

static int
rows_end(struct rows *r)
{
	int st = rows_flush(r);

	sd_buf_free(&r->b);
	return st;
}

/* A callback of each list's row type: the row goes to the client. */
#define ROW_CB(name, type)						\
	static int name(const struct type *p, void *arg)		\
	{								\
		return rows_add(arg, p, sizeof *p, NULL) ? 1 : 0;	\
	}
ROW_CB(row_note, sd_note)
ROW_CB(row_rem, sd_reminder)
ROW_CB(row_ticket, sd_ticket)
ROW_CB(row_agent, sd_agent)
ROW_CB(row_sub, sd_subscription)
ROW_CB(row_order, sd_order)
ROW_CB(row_diff, sd_stocktake_diff)
ROW_CB(row_tariff, sd_tariff)
ROW_CB(row_rate, sd_rate)
ROW_CB(row_bill, sd_bill)
ROW_CB(row_call, sd_call)
ROW_CB(row_modem, sd_modem)
ROW_CB(row_presence, sd_presence)
ROW_CB(row_receipt, sd_receipt)
ROW_CB(row_plan, sd_plan)
ROW_CB(row_vas, sd_vas)

/* ---------------------------------------------------------------- progress */

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct progress {
	struct sd_rpc_srv	*c;
	int64_t			 last;
};

static void
progress_send(long done, long total, void *arg)
{
	struct progress *p = arg;
	struct sd_buf b = SD_BUF_INIT;
	int64_t now = now_ms();

	/* A few a second is all a screen can show. */
	if (done != total && now - p->last < 200)
		return;
	p->last = now;
	sd_wire_begin(&b, SD_MSG_PROGRESS);
	sd_arg_int(&b, done);
	sd_arg_int(&b, total);
	(void)p->c->send(p->c->send_arg, &b, 1);
	sd_buf_free(&b);
}

/* ---------------------------------------------------------------- calls */

/* A page: at most this many rows a call. */
#define PAGE_MAX	200

struct call {
	struct sd_rpc_srv	*c;
	struct sd_session	*s;
	struct sd_args		 a;
	struct sd_buf		*res;	/* RESULT's result fields */
	struct sd_err		*err;
};

static int
bad_args(struct call *k)
{
	return sd_err_set(k->err, SD_EINVAL, "simdeskd: malformed call");
}

#define ARGS_OK(k)	((k)->a.bad ? bad_args(k) : 0)

static void
user_fields(struct sd_args *a, struct sd_user_fields *f)
{
	f->name = sd_args_opt(a);
	f->role = (int)sd_args_int(a);
	f->team = sd_args_opt(a);
	f->phone = sd_args_opt(a);
	f->age = (int)sd_args_int(a);
	f->os_login = sd_args_opt(a);
	f->agent = sd_args_opt(a);
}

void
sd_arg_user_fields(struct sd_buf *b, const struct sd_user_fields *f)
{
	sd_arg_str(b, f->name);
	sd_arg_int(b, f->role);
	sd_arg_str(b, f->team);
	sd_arg_str(b, f->phone);
	sd_arg_int(b, f->age);
	sd_arg_str(b, f->os_login);
	sd_arg_str(b, f->agent);
}

static void
cust_fields(struct sd_args *a, struct sd_cust_fields *f)
{
	f->name = sd_args_opt(a);
	f->phones = sd_args_opt(a);
	f->city = sd_args_opt(a);
	f->address = sd_args_opt(a);
	f->id_no = sd_args_opt(a);
	f->cls = sd_args_opt(a);
	f->source = sd_args_opt(a);
	f->tags = sd_args_opt(a);
	f->owner = sd_args_opt(a);
	f->dnc = (int)sd_args_int(a);
	f->status = (int)sd_args_int(a);
}

void
sd_arg_cust_fields(struct sd_buf *b, const struct sd_cust_fields *f)
{
	sd_arg_str(b, f->name);
	sd_arg_str(b, f->phones);
	sd_arg_str(b, f->city);
	sd_arg_str(b, f->address);
	sd_arg_str(b, f->id_no);
	sd_arg_str(b, f->cls);
	sd_arg_str(b, f->source);
	sd_arg_str(b, f->tags);
	sd_arg_str(b, f->owner);
	sd_arg_int(b, f->dnc);
	sd_arg_int(b, f->status);
}

static void
sim_filter(struct sd_args *a, struct sd_sim_filter *f)
{
	f->status = (int)sd_args_int(a);
	f->agent = sd_args_opt(a);
	f->plan = sd_args_opt(a);
	f->grade = sd_args_opt(a);
	f->warehouse = sd_args_opt(a);
	f->msisdn_prefix = sd_args_opt(a);
}

void
sd_arg_sim_filter(struct sd_buf *b, const struct sd_sim_filter *f)
{
	sd_arg_int(b, f->status);
	sd_arg_str(b, f->agent);
	sd_arg_str(b, f->plan);
	sd_arg_str(b, f->grade);
	sd_arg_str(b, f->warehouse);
	sd_arg_str(b, f->msisdn_prefix);
}

static void
activation(struct sd_args *a, struct sd_activation *f)
{
	f->iccid = sd_args_str(a);
	f->customer = (uint64_t)sd_args_int(a);
	f->customer_key = sd_args_opt(a);
	f->channel = sd_args_opt(a);
	f->agent = sd_args_opt(a);
	f->price = sd_args_opt(a);
	f->vas = sd_args_opt(a);
	f->date = sd_args_int(a);
}

void
sd_arg_activation(struct sd_buf *b, const struct sd_activation *f)
{
	sd_arg_str(b, f->iccid);
	sd_arg_int(b, (int64_t)f->customer);
	sd_arg_str(b, f->customer_key);
	sd_arg_str(b, f->channel);
	sd_arg_str(b, f->agent);
	sd_arg_str(b, f->price);
	sd_arg_str(b, f->vas);
	sd_arg_int(b, f->date);
}

static void
rate_fields(struct sd_args *a, struct sd_rate_fields *f)
{
	f->per_minute = sd_args_str(a);
	f->connect = sd_args_opt(a);
	f->first_block = sd_args_opt(a);
	f->increment = sd_args_opt(a);
	f->name = sd_args_opt(a);
	f->band = sd_args_opt(a);
	f->bundle = (int)sd_args_int(a);
}

void
sd_arg_rate_fields(struct sd_buf *b, const struct sd_rate_fields *f)
{
	sd_arg_str(b, f->per_minute);
	sd_arg_str(b, f->connect);
	sd_arg_str(b, f->first_block);
	sd_arg_str(b, f->increment);
	sd_arg_str(b, f->name);
	sd_arg_str(b, f->band);
	sd_arg_int(b, f->bundle);
}

static void
plan_fields(struct sd_args *a, struct sd_plan_fields *f)
{
	f->name = sd_args_opt(a);
	f->monthly_fee = sd_args_opt(a);
	f->minutes = (int)sd_args_int(a);
	f->sms = (int)sd_args_int(a);
	f->tariff = sd_args_opt(a);
	f->vas = sd_args_opt(a);
}

void
sd_arg_plan_fields(struct sd_buf *b, const struct sd_plan_fields *f)
{
	sd_arg_str(b, f->name);
	sd_arg_str(b, f->monthly_fee);
	sd_arg_int(b, f->minutes);
	sd_arg_int(b, f->sms);
	sd_arg_str(b, f->tariff);
	sd_arg_str(b, f->vas);
}

static void
agent_fields(struct sd_args *a, struct sd_agent_fields *f)
{
	f->name = sd_args_opt(a);
	f->parent = sd_args_opt(a);
	f->credit_limit = sd_args_opt(a);
	f->discount = sd_args_opt(a);
	f->region = sd_args_opt(a);
}

void
sd_arg_agent_fields(struct sd_buf *b, const struct sd_agent_fields *f)
{
	sd_arg_str(b, f->name);
	sd_arg_str(b, f->parent);
	sd_arg_str(b, f->credit_limit);
	sd_arg_str(b, f->discount);
	sd_arg_str(b, f->region);
}

/* An id result (uint64_t *id) and the like. */
#define RES_INT(k, v)	sd_arg_int((k)->res, (int64_t)(v))
#define RES_RAW(k, v)	sd_arg_raw((k)->res, &(v), sizeof (v))

static int
op_customer_get(struct call *k)
{
	uint64_t id = (uint64_t)sd_args_int(&k->a);
	struct sd_customer out;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_customer_get(k->s, id, &out, k->err)) == SD_OK)
		RES_RAW(k, out);
	return st;
}

static int
op_customer_find(struct call *k)
{
	const char *key = sd_args_str(&k->a);
	struct sd_customer out;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_customer_find(k->s, key, &out, k->err)) == SD_OK)
		RES_RAW(k, out);
	return st;
}

static int
op_customer_add(struct call *k)
{
	struct sd_cust_fields f;
	uint64_t id = 0;
	int st;

	cust_fields(&k->a, &f);
	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_customer_add(k->s, &f, &id, k->err)) == SD_OK)
		RES_INT(k, id);
	return st;
}

static int
op_customer_update(struct call *k)
{
	uint64_t id = (uint64_t)sd_args_int(&k->a);
	struct sd_cust_fields f;

	cust_fields(&k->a, &f);
	if (ARGS_OK(k))
		return k->err->status;
	return sd_customer_update(k->s, id, &f, k->err);
}

static int
op_customer_claim(struct call *k)
{
	uint64_t id = (uint64_t)sd_args_int(&k->a);

	if (ARGS_OK(k))
		return k->err->status;
	return sd_customer_claim(k->s, id, k->err);
}

/* All of from's customers, or the one whose id follows: to whom; the
 * number moved. */
static int
op_customer_transfer(struct call *k)
{
	const char *from = sd_args_str(&k->a);
	const char *to = sd_args_str(&k->a);
	uint64_t id = 0;
	int moved = 0, one = 0, st;

	if (sd_args_more(&k->a)) {
		id = (uint64_t)sd_args_int(&k->a);
		one = 1;
	}
	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_customer_transfer(k->s, from, to, one ? &id : NULL, one,
	    &moved, k->err)) == SD_OK)
		RES_INT(k, moved);
	return st;
}

static int
op_customer_check_svc_password(struct call *k)
{
	uint64_t id = (uint64_t)sd_args_int(&k->a);
	const char *pw = sd_args_str(&k->a);

	if (ARGS_OK(k))
		return k->err->status;
	return sd_customer_check_svc_password(k->s, id, pw, k->err);
}

/* The page functions share a shape: rows, their anchors, a count. */
static int
page_max(struct call *k)
{
	int max = (int)sd_args_int(&k->a);

	return max < 1 ? 1 : max > PAGE_MAX ? PAGE_MAX : max;
}

static int
page_send(struct call *k, const void *rows, size_t size,
    char (*keys)[SD_PAGEKEY_MAX], int n)
{
	struct rows r;

	rows_init(&r, k->c);
	for (int i = 0; i < n; i++)
		if (rows_add(&r, (const char *)rows + (size_t)i * size, size,
		    keys != NULL ? keys[i] : NULL) != 0)
			break;
	rows_end(&r);
	RES_INT(k, n);
	return SD_OK;
}

static int
op_customer_page(struct call *k)
{
	int by = (int)sd_args_int(&k->a);
	const char *key = sd_args_opt(&k->a);	/* NULL: every customer */
	const char *anchor = sd_args_opt(&k->a);
	int dir = (int)sd_args_int(&k->a);
	int max = page_max(k), n = 0, st;
	struct sd_customer *rows;
	char (*keys)[SD_PAGEKEY_MAX];

	if (ARGS_OK(k))
		return k->err->status;
	rows = xcalloc((size_t)max, sizeof *rows);
	keys = xcalloc((size_t)max, sizeof *keys);
	st = sd_customer_page(k->s, (enum sd_cust_by)by, key, anchor, dir,
	    rows, keys, max, &n, k->err);
	if (st == SD_OK)
		page_send(k, rows, sizeof *rows, keys, n);
	free(rows);
	free(keys);
	return st;
}

static int
op_sim_page(struct call *k)
{
	struct sd_sim_filter f;
	const char *anchor;
	int dir, max, n = 0, st;
	struct sd_sim *rows;
	char (*keys)[SD_PAGEKEY_MAX];

	sim_filter(&k->a, &f);
	anchor = sd_args_opt(&k->a);
	dir = (int)sd_args_int(&k->a);
	max = page_max(k);
	if (ARGS_OK(k))
		return k->err->status;
	rows = xcalloc((size_t)max, sizeof *rows);
	keys = xcalloc((size_t)max, sizeof *keys);
	st = sd_sim_page(k->s, &f, anchor, dir, rows, keys, max, &n, k->err);
	if (st == SD_OK)
		page_send(k, rows, sizeof *rows, keys, n);
	free(rows);
	free(keys);
	return st;
}

static int
op_cdr_page(struct call *k)
{
	const char *msisdn = sd_args_str(&k->a);
	int month = (int)sd_args_int(&k->a);
	const char *anchor = sd_args_opt(&k->a);
	int dir = (int)sd_args_int(&k->a);
	int max = page_max(k), n = 0, st;
	struct sd_cdr *rows;
	char (*keys)[SD_PAGEKEY_MAX];

	if (ARGS_OK(k))
		return k->err->status;
	rows = xcalloc((size_t)max, sizeof *rows);
	keys = xcalloc((size_t)max, sizeof *keys);
	st = sd_cdr_page(k->s, msisdn, month, anchor, dir, rows, keys, max, &n,
	    k->err);
	if (st == SD_OK)
		page_send(k, rows, sizeof *rows, keys, n);
	free(rows);
	free(keys);
	return st;
}

static int
op_bill_page(struct call *k)
{
	int month = (int)sd_args_int(&k->a);
	const char *customer = sd_args_opt(&k->a);
	const char *anchor = sd_args_opt(&k->a);
	int dir = (int)sd_args_int(&k->a);
	int max = page_max(k), n = 0, st;
	struct sd_bill *rows;
	char (*keys)[SD_PAGEKEY_MAX];

	if (ARGS_OK(k))
		return k->err->status;
	rows = xcalloc((size_t)max, sizeof *rows);
	keys = xcalloc((size_t)max, sizeof *keys);
	st = sd_bill_page(k->s, month, customer, anchor, dir, rows, keys, max,
	    &n, k->err);
	if (st == SD_OK)
		page_send(k, rows, sizeof *rows, keys, n);
	free(rows);
	free(keys);
	return st;
}

static int
op_user_page(struct call *k)
{
	struct sd_user_filter f;
	const char *anchor;
	int dir, max, n = 0, st;
	struct sd_user *rows;

	f.prefix = sd_args_opt(&k->a);
	f.role = (int)sd_args_int(&k->a);
	f.team = sd_args_opt(&k->a);
	f.match = sd_args_opt(&k->a);
	anchor = sd_args_opt(&k->a);
	dir = (int)sd_args_int(&k->a);
	max = page_max(k);
	if (ARGS_OK(k))
		return k->err->status;
	rows = xcalloc((size_t)max, sizeof *rows);
	st = sd_user_page(k->s, &f, anchor, dir, rows, max, &n, k->err);
	if (st == SD_OK)
		page_send(k, rows, sizeof *rows, NULL, n);
	free(rows);
	return st;
}

static int
op_customer_import(struct call *k)
{
	const char *file = sd_args_str(&k->a);
	struct sd_import_opts o;
	struct sd_import_result r;
	struct progress p = { k->c, 0 };
	struct sd_table t;
	int st;

	memset(&o, 0, sizeof o);
	o.map = sd_args_opt(&k->a);
	o.owner = sd_args_opt(&k->a);
	o.rejects = sd_args_opt(&k->a);
	o.progress = progress_send;
	o.progress_arg = &p;
	if (ARGS_OK(k))
		return k->err->status;
	memset(&r, 0, sizeof r);
	/* Who may import is asked before the file is read at all. */
	if ((st = sd_authorize(k->s, SD_OP_CUST_IMPORT, file, k->err)) !=
	    SD_OK)
		return st;
	/* The client's descriptor, read here (sd_file_open's hook). */
	if ((st = sd_table_read(file, SD_ENC_AUTO, &t, k->err)) != SD_OK)
		return st;
	st = sd_customer_import(k->s, file, &t, &o, &r, k->err);
	sd_table_free(&t);
	RES_RAW(k, r);
	return st;
}

/* Call records from the client's file: its progress as it goes. */
static int
op_cdr_import(struct call *k)
{
	const char *file = sd_args_str(&k->a);
	int format = (int)sd_args_int(&k->a);
	const char *rejects = sd_args_opt(&k->a);
	struct sd_import_result r;
	struct progress p = { k->c, 0 };
	struct sd_table t;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	memset(&r, 0, sizeof r);
	if (format < SD_CDR_ASTERISK || format > SD_CDR_SIMDESK)
		return sd_err_set(k->err, SD_EINVAL, "format: not asterisk, "
		    "freeswitch or simdesk");
	if ((st = sd_authorize(k->s, SD_OP_CDR_IMPORT, file, k->err)) !=
	    SD_OK)
		return st;
	if ((st = sd_table_read(file, SD_ENC_AUTO, &t, k->err)) != SD_OK)
		return st;
	st = sd_cdr_import(k->s, file, &t, format, rejects, progress_send, &p,
	    &r, k->err);
	sd_table_free(&t);
	RES_RAW(k, r);
	return st;
}

static int
op_sim_import(struct call *k)
{
	const char *file = sd_args_str(&k->a);
	const char *rejects = sd_args_opt(&k->a);
	struct sd_import_result r;
	struct sd_table t;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	memset(&r, 0, sizeof r);
	if ((st = sd_authorize(k->s, SD_OP_SIM_ADD, file, k->err)) != SD_OK)
		return st;
	if ((st = sd_table_read(file, SD_ENC_AUTO, &t, k->err)) != SD_OK)
		return st;
	st = sd_sim_import(k->s, file, &t, rejects, &r, k->err);
	sd_table_free(&t);
	RES_RAW(k, r);
	return st;
}

static int
op_note_add(struct call *k)
{
	uint64_t customer = (uint64_t)sd_args_int(&k->a);
	const char *text = sd_args_str(&k->a);
	const char *outcome = sd_args_opt(&k->a);
	int64_t next_at = sd_args_int(&k->a);
	uint64_t id = 0;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_note_add(k->s, customer, text, outcome, next_at, &id,
	    k->err)) == SD_OK)
		RES_INT(k, id);
	return st;
}

static int
op_note_list(struct call *k)
{
	uint64_t customer = (uint64_t)sd_args_int(&k->a);
	struct rows r;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	rows_init(&r, k->c);
	st = sd_note_list(k->s, customer, row_note, &r, k->err);
	rows_end(&r);
	return st;
}

static int
op_reminder_due(struct call *k)
{
	const char *owner = sd_args_opt(&k->a);
	int64_t until = sd_args_int(&k->a);
	int team = (int)sd_args_int(&k->a);
	struct rows r;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	rows_init(&r, k->c);
	st = sd_reminder_due(k->s, owner, until, team, row_rem, &r, k->err);
	rows_end(&r);
	return st;
}

static int
op_reminder_seen(struct call *k)
{
	uint64_t id = (uint64_t)sd_args_int(&k->a);

	if (ARGS_OK(k))
		return k->err->status;
	return sd_reminder_seen(k->s, id, k->err);
}

static int
op_ticket_list(struct call *k)
{
	struct sd_ticket_filter f;
	struct rows r;
	int st;

	f.handler = sd_args_opt(&k->a);
	f.customer = (uint64_t)sd_args_int(&k->a);
	f.status = (int)sd_args_int(&k->a);
	f.overdue = (int)sd_args_int(&k->a);
	if (ARGS_OK(k))
		return k->err->status;
	rows_init(&r, k->c);
	st = sd_ticket_list(k->s, &f, row_ticket, &r, k->err);
	rows_end(&r);
	return st;
}

static int
op_ticket_add(struct call *k)
{
	uint64_t customer = (uint64_t)sd_args_int(&k->a);
	int type = (int)sd_args_int(&k->a);
	const char *text = sd_args_str(&k->a);
	uint64_t id = 0;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_ticket_add(k->s, customer, type, text, &id, k->err)) ==
	    SD_OK)
		RES_INT(k, id);
	return st;
}

static int
op_ticket_update(struct call *k)
{
	uint64_t id = (uint64_t)sd_args_int(&k->a);
	const char *text = sd_args_str(&k->a);

	if (ARGS_OK(k))
		return k->err->status;
	return sd_ticket_update(k->s, id, text, k->err);
}

static int
op_ticket_assign(struct call *k)
{
	uint64_t id = (uint64_t)sd_args_int(&k->a);
	const char *handler = sd_args_str(&k->a);

	if (ARGS_OK(k))
		return k->err->status;
	return sd_ticket_assign(k->s, id, handler, k->err);
}

static int
op_ticket_close(struct call *k)
{
	uint64_t id = (uint64_t)sd_args_int(&k->a);
	const char *resolution = sd_args_opt(&k->a);
	int score = (int)sd_args_int(&k->a);

	if (ARGS_OK(k))
		return k->err->status;
	return sd_ticket_close(k->s, id, resolution, score, k->err);
}

static int
op_user_get(struct call *k)
{
	const char *login = sd_args_str(&k->a);
	struct sd_user out;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_user_get(k->s, login, &out, k->err)) == SD_OK)
		RES_RAW(k, out);
	return st;
}

static int
op_user_add(struct call *k)
{
	const char *login = sd_args_str(&k->a);
	struct sd_user_fields f;
	const char *pw;
	uint64_t id = 0;
	int st;

	user_fields(&k->a, &f);
	pw = sd_args_opt(&k->a);
	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_user_add(k->s, login, &f, pw, &id, k->err)) == SD_OK)
		RES_INT(k, id);
	return st;
}

static int
op_user_update(struct call *k)
{
	const char *login = sd_args_str(&k->a);
	struct sd_user_fields f;

	user_fields(&k->a, &f);
	if (ARGS_OK(k))
		return k->err->status;
	return sd_user_update(k->s, login, &f, k->err);
}

static int
op_user_set_status(struct call *k)
{
	const char *login = sd_args_str(&k->a);
	int status = (int)sd_args_int(&k->a);

	if (ARGS_OK(k))
		return k->err->status;
	return sd_user_set_status(k->s, login, status, k->err);
}

static int
op_user_unlock(struct call *k)
{
	const char *login = sd_args_str(&k->a);

	if (ARGS_OK(k))
		return k->err->status;
	return sd_user_unlock(k->s, login, k->err);
}

static int
op_user_passwd(struct call *k)
{
	const char *login = sd_args_str(&k->a);
	const char *old = sd_args_opt(&k->a);
	const char *new = sd_args_str(&k->a);

	if (ARGS_OK(k))
		return k->err->status;
	return sd_user_passwd(k->s, login, old, new, k->err);
}

static int
op_user_may_passwd(struct call *k)
{
	const char *login = sd_args_str(&k->a);
	int need_old = 0, st;

	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_user_may_passwd(k->s, login, &need_old, k->err)) == SD_OK)
		RES_INT(k, need_old);
	return st;
}

static int
op_sim_find(struct call *k)
{
	const char *key = sd_args_str(&k->a);
	struct sd_sim out;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_sim_find(k->s, key, &out, k->err)) == SD_OK)
		RES_RAW(k, out);
	return st;
}

static int
op_sim_activate(struct call *k)
{
	struct sd_activation f;
	uint64_t id = 0;
	int st;

	activation(&k->a, &f);
	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_sim_activate(k->s, &f, &id, k->err)) == SD_OK)
		RES_INT(k, id);
	return st;
}

static int
op_sim_counts(struct call *k)
{
	struct sd_sim_filter f;
	long counts[SD_SIM__COUNT];
	int st;

	sim_filter(&k->a, &f);
	if (ARGS_OK(k))
		return k->err->status;
	memset(counts, 0, sizeof counts);
	if ((st = sd_sim_counts(k->s, &f, counts, k->err)) == SD_OK)
		RES_RAW(k, counts);
	return st;
}

static int
op_sim_stocktake(struct call *k)
{
	const char *warehouse = sd_args_str(&k->a);
	size_t nid, nline;
	const void *ids = sd_args_rawp(&k->a, &nid);
	const void *lines = sd_args_rawp(&k->a, &nline);
	int n = (int)sd_args_int(&k->a);
	int apply = (int)sd_args_int(&k->a);
	const char *reason = sd_args_opt(&k->a);
	struct sd_stocktake_result res;
	char (*idv)[21];
	int *linev, st;
	struct rows r;

	if (!k->a.bad && (n < 0 || nid != (size_t)n * 21 ||
	    nline != (size_t)n * sizeof(int)))
		k->a.bad = 1;
	if (ARGS_OK(k))
		return k->err->status;
	/* Copies: the arena's bytes are not aligned for int. */
	idv = xcalloc((size_t)n + 1, 21);
	linev = xcalloc((size_t)n + 1, sizeof *linev);
	if (n > 0) {
		memcpy(idv, ids, nid);
		memcpy(linev, lines, nline);
	}
	for (int i = 0; i < n; i++)
		idv[i][20] = '\0';
	memset(&res, 0, sizeof res);
	rows_init(&r, k->c);
	st = sd_sim_stocktake(k->s, warehouse, idv, linev, n, apply, reason,
	    row_diff, &r, &res, k->err);
	rows_end(&r);
	free(idv);
	free(linev);
	if (st == SD_OK)
		RES_RAW(k, res);
	return st;
}

static int
op_agent_tree(struct call *k)
{
	const char *root = sd_args_opt(&k->a);
	struct rows r;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	rows_init(&r, k->c);
	st = sd_agent_tree(k->s, root, row_agent, &r, k->err);
	rows_end(&r);
	return st;
}

static int
op_agent_stats(struct call *k)
{
	const char *code = sd_args_str(&k->a);
	struct sd_agent_stats out;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	memset(&out, 0, sizeof out);
	if ((st = sd_agent_stats(k->s, code, &out, k->err)) == SD_OK)
		RES_RAW(k, out);
	return st;
}

static int
op_agent_set_status(struct call *k)
{
	const char *code = sd_args_str(&k->a);
	int status = (int)sd_args_int(&k->a);

	if (ARGS_OK(k))
		return k->err->status;
	return sd_agent_set_status(k->s, code, status, k->err);
}

static int
op_agent_add(struct call *k)
{
	const char *code = sd_args_str(&k->a);
	struct sd_agent_fields f;

	agent_fields(&k->a, &f);
	if (ARGS_OK(k))
		return k->err->status;
	return sd_agent_add(k->s, code, &f, k->err);
}

static int
op_plan_list(struct call *k)
{
	struct rows r;
	int st;

	rows_init(&r, k->c);
	st = sd_plan_list(k->s, row_plan, &r, k->err);
	rows_end(&r);
	return st;
}

static int
op_plan_add(struct call *k)
{
	const char *code = sd_args_str(&k->a);
	struct sd_plan_fields f;

	plan_fields(&k->a, &f);
	if (ARGS_OK(k))
		return k->err->status;
	return sd_plan_add(k->s, code, &f, k->err);
}

static int
op_vas_list(struct call *k)
{
	struct rows r;
	int st;

	rows_init(&r, k->c);
	st = sd_vas_list(k->s, row_vas, &r, k->err);
	rows_end(&r);
	return st;
}

static int
op_vas_add(struct call *k)
{
	const char *code = sd_args_str(&k->a);
	const char *name = sd_args_opt(&k->a);
	const char *fee = sd_args_opt(&k->a);

	if (ARGS_OK(k))
		return k->err->status;
	return sd_vas_add(k->s, code, name, fee, k->err);
}

static int
op_subscription_list(struct call *k)
{
	uint64_t customer = (uint64_t)sd_args_int(&k->a);
	struct rows r;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	rows_init(&r, k->c);
	st = sd_subscription_list(k->s, customer, row_sub, &r, k->err);
	rows_end(&r);
	return st;
}

static int
op_order_add(struct call *k)
{
	const char *agent = sd_args_opt(&k->a);
	const char *plan = sd_args_str(&k->a);
	int count = (int)sd_args_int(&k->a);
	int nids = (int)sd_args_int(&k->a);
	const char **ids;
	uint64_t id = 0;
	int st;

	if (nids < 0 || nids > SD_WIRE_FIELDS - 16)
		k->a.bad = 1;
	if (ARGS_OK(k))
		return k->err->status;
	ids = xcalloc((size_t)nids + 1, sizeof *ids);
	for (int i = 0; i < nids; i++)
		ids[i] = sd_args_str(&k->a);
	if (ARGS_OK(k))
		st = k->err->status;
	else if ((st = sd_order_add(k->s, agent, plan, count, ids, nids, &id,
	    k->err)) == SD_OK)
		RES_INT(k, id);
	free(ids);
	return st;
}

static int
op_order_list(struct call *k)
{
	int status = (int)sd_args_int(&k->a);
	struct rows r;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	rows_init(&r, k->c);
	st = sd_order_list(k->s, status, row_order, &r, k->err);
	rows_end(&r);
	return st;
}

/* approve, deliver: one id. */
static int
op_order_id(struct call *k, int (*fn)(struct sd_session *, uint64_t,
    struct sd_err *))
{
	uint64_t id = (uint64_t)sd_args_int(&k->a);

	if (ARGS_OK(k))
		return k->err->status;
	return fn(k->s, id, k->err);
}

static int
op_order_ship(struct call *k)
{
	uint64_t id = (uint64_t)sd_args_int(&k->a);
	const char *carrier = sd_args_opt(&k->a);
	const char *tracking = sd_args_opt(&k->a);

	if (ARGS_OK(k))
		return k->err->status;
	return sd_order_ship(k->s, id, carrier, tracking, k->err);
}

static int
op_order_end(struct call *k)
{
	uint64_t id = (uint64_t)sd_args_int(&k->a);
	int status = (int)sd_args_int(&k->a);
	const char *reason = sd_args_opt(&k->a);

	if (ARGS_OK(k))
		return k->err->status;
	return sd_order_end(k->s, id, status, reason, k->err);
}

static int
op_tariff_list(struct call *k)
{
	struct rows r;
	int st;

	rows_init(&r, k->c);
	st = sd_tariff_list(k->s, row_tariff, &r, k->err);
	rows_end(&r);
	return st;
}

static int
op_tariff_rates(struct call *k)
{
	const char *code = sd_args_str(&k->a);
	struct rows r;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	rows_init(&r, k->c);
	st = sd_tariff_rates(k->s, code, row_rate, &r, k->err);
	rows_end(&r);
	return st;
}

static int
op_tariff_rate(struct call *k)
{
	const char *code = sd_args_str(&k->a);
	const char *prefix = sd_args_str(&k->a);
	struct sd_rate_fields f;

	rate_fields(&k->a, &f);
	if (ARGS_OK(k))
		return k->err->status;
	return sd_tariff_rate(k->s, code, prefix, &f, k->err);
}

static int
op_tariff_quote(struct call *k)
{
	const char *code = sd_args_str(&k->a);
	const char *number = sd_args_str(&k->a);
	int seconds = (int)sd_args_int(&k->a);
	int64_t at = sd_args_int(&k->a);
	int plan_minutes = (int)sd_args_int(&k->a);
	struct sd_quote out;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	memset(&out, 0, sizeof out);
	if ((st = sd_tariff_quote(k->s, code, number, seconds, at,
	    plan_minutes, &out, k->err)) == SD_OK)
		RES_RAW(k, out);
	return st;
}

static int
op_bill_get(struct call *k)
{
	const char *customer = sd_args_str(&k->a);
	int month = (int)sd_args_int(&k->a);
	struct sd_bill *out;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	out = xcalloc(1, sizeof *out);
	if ((st = sd_bill_get(k->s, customer, month, out, k->err)) == SD_OK)
		sd_arg_raw(k->res, out, sizeof *out);
	free(out);
	return st;
}

static int
op_bill_history(struct call *k)
{
	const char *customer = sd_args_str(&k->a);
	struct rows r;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	rows_init(&r, k->c);
	st = sd_bill_history(k->s, customer, row_bill, &r, k->err);
	rows_end(&r);
	return st;
}

/* A month's bill run, its progress as PROGRESS frames (customers billed
 * so far; no total is known ahead). */
static int
op_bill_run(struct call *k)
{
	int month = (int)sd_args_int(&k->a);
	struct sd_bill_run_result r;
	struct progress p = { k->c, 0 };
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_bill_run(k->s, month, progress_send, &p, &r, k->err)) ==
	    SD_OK)
		RES_RAW(k, r);
	return st;
}

static int
op_bill_adjust(struct call *k)
{
	const char *customer = sd_args_str(&k->a);
	int month = (int)sd_args_int(&k->a);
	const char *amount = sd_args_str(&k->a);
	const char *reason = sd_args_str(&k->a);

	if (ARGS_OK(k))
		return k->err->status;
	return sd_bill_adjust(k->s, customer, month, amount, reason, k->err);
}

static int
op_balance_get(struct call *k)
{
	const char *customer = sd_args_str(&k->a);
	struct sd_balance out;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	memset(&out, 0, sizeof out);
	if ((st = sd_balance_get(k->s, customer, &out, k->err)) == SD_OK)
		RES_RAW(k, out);
	return st;
}

static int
op_disk_get(struct call *k)
{
	struct sd_disk out;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_disk_get(k->s, &out, k->err)) == SD_OK)
		RES_RAW(k, out);
	return st;
}

static int
op_pay(struct call *k)
{
	const char *customer = sd_args_str(&k->a);
	const char *amount = sd_args_str(&k->a);
	const char *method = sd_args_opt(&k->a);
	const char *note = sd_args_opt(&k->a);
	struct sd_receipt out;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	memset(&out, 0, sizeof out);
	if ((st = sd_pay(k->s, customer, amount, method, note, &out,
	    k->err)) == SD_OK)
		RES_RAW(k, out);
	return st;
}

static int
op_receipt_printed(struct call *k)
{
	const char *number = sd_args_str(&k->a);
	struct sd_receipt out;
	int copy = 0, st;

	if (ARGS_OK(k))
		return k->err->status;
	memset(&out, 0, sizeof out);
	if ((st = sd_receipt_printed(k->s, number, &out, &copy, k->err)) ==
	    SD_OK) {
		RES_RAW(k, out);
		RES_INT(k, copy);
	}
	return st;
}

static int
op_print_queue(struct call *k)
{
	const char *printer = sd_args_opt(&k->a);
	const char *number = sd_args_str(&k->a);
	int cols = (int)sd_args_int(&k->a);
	struct sd_receipt out;
	int copy = 0, st;

	if (ARGS_OK(k))
		return k->err->status;
	memset(&out, 0, sizeof out);
	if ((st = sd_print_queue(k->s, printer, number, cols, &out, &copy,
	    k->err)) == SD_OK) {
		RES_RAW(k, out);
		RES_INT(k, copy);
	}
	return st;
}

static int
op_shift_close(struct call *k)
{
	const char *counted = sd_args_opt(&k->a);
	struct sd_shift out;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	memset(&out, 0, sizeof out);
	if ((st = sd_shift_close(k->s, counted, &out, k->err)) == SD_OK)
		RES_RAW(k, out);
	return st;
}

static int
op_receipt_list(struct call *k)
{
	const char *cashier = sd_args_opt(&k->a);
	int64_t from = sd_args_int(&k->a), to = sd_args_int(&k->a);
	struct rows r;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	rows_init(&r, k->c);
	st = sd_receipt_list(k->s, cashier, from, to, row_receipt, &r, k->err);
	rows_end(&r);
	return st;
}

static int
op_receipt_void(struct call *k)
{
	const char *number = sd_args_str(&k->a);
	const char *reason = sd_args_str(&k->a);

	if (ARGS_OK(k))
		return k->err->status;
	return sd_receipt_void(k->s, number, reason, k->err);
}

static void
row_verify(const char *check, int ok, const char *detail, void *arg)
{
	struct sd_verify_row v;

	memset(&v, 0, sizeof v);
	sd_strlcpy(v.check, check, sizeof v.check);
	v.ok = ok;
	sd_strlcpy(v.detail, detail != NULL ? detail : "", sizeof v.detail);
	(void)rows_add(arg, &v, sizeof v, NULL);
}

/* Its rows, then the number of checks that failed. */
static int
op_verify(struct call *k)
{
	struct rows r;
	int failed;

	if (ARGS_OK(k))
		return k->err->status;
	rows_init(&r, k->c);
	failed = sd_verify(k->s, row_verify, &r, k->err);
	rows_end(&r);
	if (failed < 0)
		return k->err->status ? k->err->status : SD_EINTERNAL;
	RES_INT(k, failed);
	return SD_OK;
}

/* A page of the audit trail: the rows, their count, then where a walk
 * that stopped at its budget goes on ("" when it did not). */
static int
op_audit_page(struct call *k)
{
	struct sd_audit_filter f;
	const char *anchor;
	char resume[SD_PAGEKEY_MAX];
	int dir, max, n = 0, st;
	struct sd_audit *rows;
	char (*keys)[SD_PAGEKEY_MAX];

	memset(&f, 0, sizeof f);
	f.since = sd_args_int(&k->a);
	f.until = sd_args_int(&k->a);
	f.user = sd_args_opt(&k->a);
	f.object = sd_args_opt(&k->a);
	f.op = sd_args_opt(&k->a);
	anchor = sd_args_opt(&k->a);
	dir = (int)sd_args_int(&k->a);
	max = page_max(k);
	if (ARGS_OK(k))
		return k->err->status;
	rows = xcalloc((size_t)max, sizeof *rows);
	keys = xcalloc((size_t)max, sizeof *keys);
	st = sd_audit_page(k->s, &f, anchor, dir, rows, keys, max, &n, resume,
	    k->err);
	if (st == SD_OK) {
		page_send(k, rows, sizeof *rows, keys, n);
		sd_arg_str(k->res, resume);
	}
	free(rows);
	free(keys);
	return st;
}

static int
op_audit_get(struct call *k)
{
	const char *key = sd_args_str(&k->a);
	struct sd_audit out;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_audit_get(k->s, key, &out, k->err)) == SD_OK)
		RES_RAW(k, out);
	return st;
}

static int
op_shift_report(struct call *k)
{
	struct sd_shift out;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_shift_report(k->s, &out, k->err)) == SD_OK)
		RES_RAW(k, out);
	return st;
}

static int
op_call_get(struct call *k)
{
	uint64_t id = (uint64_t)sd_args_int(&k->a);
	struct sd_call out;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_call_get(k->s, id, &out, k->err)) == SD_OK)
		RES_RAW(k, out);
	return st;
}

static int
op_call_list(struct call *k)
{
	struct sd_call_filter f;
	struct rows r;
	int st;

	f.operator = sd_args_opt(&k->a);
	f.from = sd_args_int(&k->a);
	f.to = sd_args_int(&k->a);
	f.customer = (uint64_t)sd_args_int(&k->a);
	f.missed = (int)sd_args_int(&k->a);
	if (ARGS_OK(k))
		return k->err->status;
	rows_init(&r, k->c);
	st = sd_call_list(k->s, &f, row_call, &r, k->err);
	rows_end(&r);
	return st;
}

static int
op_call_dial(struct call *k)
{
	const char *number = sd_args_str(&k->a);
	const char *modem = sd_args_opt(&k->a);
	const char *as = sd_args_opt(&k->a);
	uint64_t id = 0;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_call_dial(k->s, number, modem, as, &id, k->err)) ==
	    SD_OK)
		RES_INT(k, id);
	return st;
}

/* answer, hangup: one call id. */
static int
op_call_id(struct call *k, int (*fn)(struct sd_session *, uint64_t,
    struct sd_err *))
{
	return op_order_id(k, fn);
}

/* set outcome, dtmf: a call id and a string. */
static int
op_call_str(struct call *k, int (*fn)(struct sd_session *, uint64_t,
    const char *, struct sd_err *))
{
	uint64_t id = (uint64_t)sd_args_int(&k->a);
	const char *s = sd_args_str(&k->a);

	if (ARGS_OK(k))
		return k->err->status;
	return fn(k->s, id, s, k->err);
}

static int
op_modem_list(struct call *k)
{
	struct rows r;
	int st;

	rows_init(&r, k->c);
	st = sd_modem_list(k->s, row_modem, &r, k->err);
	rows_end(&r);
	return st;
}

static int
op_modem_switch(struct call *k)
{
	const char *modem = sd_args_opt(&k->a);
	int slot = (int)sd_args_int(&k->a);
	uint64_t job = 0;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_modem_switch(k->s, modem, slot, &job, k->err)) == SD_OK)
		RES_INT(k, job);
	return st;
}

static int
op_presence_beat(struct call *k)
{
	int paused = (int)sd_args_int(&k->a);
	const char *reason = sd_args_opt(&k->a);

	if (ARGS_OK(k))
		return k->err->status;
	return sd_presence_beat(k->s, paused, reason, k->err);
}

static int
op_presence_list(struct call *k)
{
	struct rows r;
	int st;

	rows_init(&r, k->c);
	st = sd_presence_list(k->s, row_presence, &r, k->err);
	rows_end(&r);
	return st;
}

static int
op_tel_events(struct call *k)
{
	int max = page_max(k), n = 0, st;
	struct sd_tel_event *ev;

	if (ARGS_OK(k))
		return k->err->status;
	if (max > 64)
		max = 64;
	ev = xcalloc((size_t)max, sizeof *ev);
	if ((st = sd_tel_events(k->s, ev, max, &n, k->err)) == SD_OK)
		page_send(k, ev, sizeof *ev, NULL, n);
	free(ev);
	return st;
}

static int
op_authorize(struct call *k)
{
	int op = (int)sd_args_int(&k->a);
	const char *object = sd_args_opt(&k->a);

	if (ARGS_OK(k))
		return k->err->status;
	return sd_authorize(k->s, op, object, k->err);
}

/* ---------------------------------------------------------------- sign-in */

/* The session as the client sees it: without the server's pointers. */
static void
res_session(struct call *k)
{
	struct sd_session copy = k->c->sess;

	copy.core = NULL;
	RES_RAW(k, copy);
}

static int
op_session_peer(struct call *k)
{
	struct sd_rpc_srv *c = k->c;
	int st;

	c->signed_in = 0;
	if ((st = sd_session_peer_uid(c->core, c->uid, &c->sess, k->err)) !=
	    SD_OK)
		return st;
	c->signed_in = 1;
	/* Every sign-in is audited, a TUI's signing in again too. */
	sd_audit_log(c->core, c->sess.user.login, "login", c->sess.user.login,
	    SD_OUTCOME_OK, "peer (simdesk)");
	res_session(k);
	return SD_OK;
}

static int
op_session_login(struct call *k)
{
	struct sd_rpc_srv *c = k->c;
	const char *login = sd_args_str(&k->a);
	const char *pw = sd_args_str(&k->a);
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	c->signed_in = 0;
	if ((st = sd_session_login(c->core, login, pw, &c->sess, k->err)) !=
	    SD_OK)
		return st;
	c->signed_in = 1;
	res_session(k);
	return SD_OK;
}

int
sd_rpc_call(struct sd_rpc_srv *c, const struct sd_wire_msg *m,
    struct sd_buf *res, struct sd_err *err)
{
	struct call k;
	int op = (int)sd_wire_int(m, SD_W_OP, -1), st;

	k.c = c;
	k.s = &c->sess;
	k.res = res;
	k.err = err;
	sd_args_init(&k.a, m);
	sd_err_clear(err);
	if (c->core == NULL)
		return sd_err_set(err, SD_EINTERNAL, "data directory: no "
		    "simdesk database here (create one with 'simdeskctl "
		    "init')");
	/* Before signing in: signing in, and what the login screen says. */
	if (op != SD_RPC_SESSION_PEER && op != SD_RPC_SESSION_LOGIN &&
	    op != SD_RPC_LOGIN_NOTE && !c->signed_in)
		return sd_err_set(err, SD_EPERM, "not signed in");
	switch (op) {
	case SD_RPC_SESSION_PEER:	st = op_session_peer(&k); break;
	case SD_RPC_SESSION_LOGIN:	st = op_session_login(&k); break;
	case SD_RPC_AUTHORIZE:		st = op_authorize(&k); break;
	case SD_RPC_CUSTOMER_GET:	st = op_customer_get(&k); break;
	case SD_RPC_CUSTOMER_FIND:	st = op_customer_find(&k); break;
	case SD_RPC_CUSTOMER_ADD:	st = op_customer_add(&k); break;
	case SD_RPC_CUSTOMER_UPDATE:	st = op_customer_update(&k); break;
	case SD_RPC_CUSTOMER_CLAIM:	st = op_customer_claim(&k); break;
	case SD_RPC_CUSTOMER_CHECK_SVC_PASSWORD:
		st = op_customer_check_svc_password(&k);
		break;
	case SD_RPC_CUSTOMER_PAGE:	st = op_customer_page(&k); break;
	case SD_RPC_CUSTOMER_IMPORT:	st = op_customer_import(&k); break;
	case SD_RPC_NOTE_ADD:		st = op_note_add(&k); break;
	case SD_RPC_NOTE_LIST:		st = op_note_list(&k); break;
	case SD_RPC_REMINDER_DUE:	st = op_reminder_due(&k); break;
	case SD_RPC_REMINDER_SEEN:	st = op_reminder_seen(&k); break;
	case SD_RPC_TICKET_LIST:	st = op_ticket_list(&k); break;
	case SD_RPC_TICKET_ADD:		st = op_ticket_add(&k); break;
	case SD_RPC_TICKET_UPDATE:	st = op_ticket_update(&k); break;
	case SD_RPC_TICKET_CLOSE:	st = op_ticket_close(&k); break;
	case SD_RPC_USER_GET:		st = op_user_get(&k); break;
	case SD_RPC_USER_PAGE:		st = op_user_page(&k); break;
	case SD_RPC_USER_ADD:		st = op_user_add(&k); break;
	case SD_RPC_USER_UPDATE:	st = op_user_update(&k); break;
	case SD_RPC_USER_SET_STATUS:	st = op_user_set_status(&k); break;
	case SD_RPC_USER_UNLOCK:	st = op_user_unlock(&k); break;
	case SD_RPC_USER_PASSWD:	st = op_user_passwd(&k); break;
	case SD_RPC_USER_MAY_PASSWD:	st = op_user_may_passwd(&k); break;
	case SD_RPC_SIM_FIND:		st = op_sim_find(&k); break;
	case SD_RPC_SIM_PAGE:		st = op_sim_page(&k); break;
	case SD_RPC_SIM_ACTIVATE:	st = op_sim_activate(&k); break;
	case SD_RPC_SIM_COUNTS:		st = op_sim_counts(&k); break;
	case SD_RPC_SIM_IMPORT:		st = op_sim_import(&k); break;
	case SD_RPC_SIM_STOCKTAKE:	st = op_sim_stocktake(&k); break;
	case SD_RPC_AGENT_TREE:		st = op_agent_tree(&k); break;
	case SD_RPC_AGENT_STATS:	st = op_agent_stats(&k); break;
	case SD_RPC_AGENT_SET_STATUS:	st = op_agent_set_status(&k); break;
	case SD_RPC_SUBSCRIPTION_LIST:	st = op_subscription_list(&k); break;
	case SD_RPC_ORDER_ADD:		st = op_order_add(&k); break;
	case SD_RPC_ORDER_LIST:		st = op_order_list(&k); break;
	case SD_RPC_ORDER_APPROVE:
		st = op_order_id(&k, sd_order_approve);
		break;
	case SD_RPC_ORDER_DELIVER:
		st = op_order_id(&k, sd_order_deliver);
		break;
	case SD_RPC_ORDER_SHIP:		st = op_order_ship(&k); break;
	case SD_RPC_ORDER_END:		st = op_order_end(&k); break;
	case SD_RPC_TARIFF_LIST:	st = op_tariff_list(&k); break;
	case SD_RPC_TARIFF_RATES:	st = op_tariff_rates(&k); break;
	case SD_RPC_TARIFF_RATE:	st = op_tariff_rate(&k); break;
	case SD_RPC_TARIFF_QUOTE:	st = op_tariff_quote(&k); break;
	case SD_RPC_CDR_PAGE:		st = op_cdr_page(&k); break;
	case SD_RPC_BILL_PAGE:		st = op_bill_page(&k); break;
	case SD_RPC_BILL_GET:		st = op_bill_get(&k); break;
	case SD_RPC_BILL_HISTORY:	st = op_bill_history(&k); break;
	case SD_RPC_BALANCE_GET:	st = op_balance_get(&k); break;
	case SD_RPC_DISK_GET:		st = op_disk_get(&k); break;
	case SD_RPC_LOGIN_NOTE:
		/* The server's configuration says it, for every client. */
		RES_RAW(&k, k.c->core->cfg.login_note);
		st = SD_OK;
		break;
	case SD_RPC_PAY:		st = op_pay(&k); break;
	case SD_RPC_RECEIPT_PRINTED:	st = op_receipt_printed(&k); break;
	case SD_RPC_PRINT_QUEUE:	st = op_print_queue(&k); break;
	case SD_RPC_SHIFT_CLOSE:	st = op_shift_close(&k); break;
	case SD_RPC_SHIFT_REPORT:	st = op_shift_report(&k); break;
	case SD_RPC_VERIFY:		st = op_verify(&k); break;
	case SD_RPC_RECEIPT_LIST:	st = op_receipt_list(&k); break;
	case SD_RPC_RECEIPT_VOID:	st = op_receipt_void(&k); break;
	case SD_RPC_TICKET_ASSIGN:	st = op_ticket_assign(&k); break;
	case SD_RPC_CUSTOMER_TRANSFER:	st = op_customer_transfer(&k); break;
	case SD_RPC_CDR_IMPORT:		st = op_cdr_import(&k); break;
	case SD_RPC_BILL_RUN:		st = op_bill_run(&k); break;
	case SD_RPC_BILL_ADJUST:	st = op_bill_adjust(&k); break;
	case SD_RPC_PLAN_LIST:		st = op_plan_list(&k); break;
	case SD_RPC_PLAN_ADD:		st = op_plan_add(&k); break;
	case SD_RPC_VAS_LIST:		st = op_vas_list(&k); break;
	case SD_RPC_VAS_ADD:		st = op_vas_add(&k); break;
	case SD_RPC_AGENT_ADD:		st = op_agent_add(&k); break;
	case SD_RPC_AUDIT_PAGE:		st = op_audit_page(&k); break;
	case SD_RPC_AUDIT_GET:		st = op_audit_get(&k); break;
	case SD_RPC_CALL_GET:		st = op_call_get(&k); break;
	case SD_RPC_CALL_LIST:		st = op_call_list(&k); break;
	case SD_RPC_CALL_DIAL:		st = op_call_dial(&k); break;
	case SD_RPC_CALL_ANSWER:
		st = op_call_id(&k, sd_call_answer);
		break;
	case SD_RPC_CALL_HANGUP:
		st = op_call_id(&k, sd_call_hangup);
		break;
	case SD_RPC_CALL_DTMF:
		st = op_call_str(&k, sd_call_dtmf);
		break;
	case SD_RPC_CALL_SET_OUTCOME:
		st = op_call_str(&k, sd_call_set_outcome);
		break;
	case SD_RPC_MODEM_LIST:		st = op_modem_list(&k); break;
	case SD_RPC_MODEM_SWITCH:	st = op_modem_switch(&k); break;
	case SD_RPC_PRESENCE_BEAT:	st = op_presence_beat(&k); break;
	case SD_RPC_PRESENCE_LIST:	st = op_presence_list(&k); break;
	case SD_RPC_TEL_EVENTS:		st = op_tel_events(&k); break;
	default:
		st = sd_err_set(err, SD_EINVAL, "simdeskd: no operation %d "
		    "(is this simdesk of another build?)", op);
	}
	if (st != SD_OK && err->status == SD_OK)
		err->status = st;
	return st;
}
