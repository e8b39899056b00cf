/*
 * rpc_args.c -- the positional fields of a CALL, RESULT and ROWS frame:
 * writers (sd_arg_*), the reader over a decoded message (sd_args_*), and
 * the input structs that carry pointers, field by field.
 */
#include <stdlib.h>
#include <string.h>

#include "core/rpc/rpc_int.h"

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

void
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

void
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

void
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

void
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
	f->operator = NULL;	/* the TUI records its own user */
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

void
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

void
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

void
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

