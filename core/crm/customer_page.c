/*
 * customer_page.c -- reading customers: one by id, phone or name, and
 * pages through any of the indexes, redacted for who reads them (the ID
 * number masked unless an admin asks).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crm/crm_int.h"

/* ---------------------------------------------------------------- read */

struct get_arg {
	uint64_t		 id;
	const char		*phone;
	struct sd_customer	*out;
	const char		*name;		/* or by this exact name */
};

static int
get_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct get_arg *a = arg;
	int st;

	if (a->name != NULL &&
	    (st = customer_name_resolve(t, a->name, &a->id, err)) != SD_OK)
		return st;
	if (a->phone != NULL) {
		if ((st = customer_by_phone(t, a->phone, &a->id, err)) != SD_OK)
			return st;
		if (a->id == 0)
			return sd_err_set(err, SD_ENOTFOUND,
			    "customer with phone %s: not found", a->phone);
	}
	return customer_load(t, a->id, a->out, 0, err);
}

/* What a session may read of a customer: the ID masked but for admins
 * (the service password's hash is in no struct sd_customer). */
static void
redact(const struct sd_session *s, struct sd_customer *c)
{
	char masked[20];

	if (s->user.role != SD_ROLE_ADMIN) {
		sd_idno_mask(c->id_no, masked, sizeof masked);
		sd_strlcpy(c->id_no, masked, sizeof c->id_no);
	}
}

int
sd_customer_get(struct sd_session *s, uint64_t id, struct sd_customer *out,
    struct sd_err *err)
{
	struct get_arg a = { id, NULL, out };
	int st;

	if ((st = sd_authorize(s, SD_OP_CUST_SHOW, "", err)) != SD_OK)
		return st;
	if ((st = sd_db_read(s->core->db, get_txn, &a, err)) != SD_OK)
		return st;
	redact(s, out);
	return SD_OK;
}

int
sd_customer_find(struct sd_session *s, const char *key,
    struct sd_customer *out, struct sd_err *err)
{
	struct get_arg a = { 0, NULL, out };
	char phone[24];
	char *end;
	int st;

	if ((st = sd_authorize(s, SD_OP_CUST_SHOW, key, err)) != SD_OK)
		return st;
	/* Short all-digit keys are ids; longer ones are phone numbers; a
	 * key without a digit is a name. */
	a.id = strtoull(key, &end, 10);
	if (*key != '\0' && !has_digit(key))
		a.name = key;
	else if (*key == '\0' || *end != '\0' || strlen(key) > 9 || a.id == 0) {
		if (phone_normalize(key, phone, sizeof phone, 0, err) != SD_OK)
			return sd_err_set(err, SD_EINVAL, "customer: '%.40s' is "
			    "neither an id nor a phone number", key);
		a.phone = phone;
	}
	if ((st = sd_db_read(s->core->db, get_txn, &a, err)) != SD_OK)
		return st;
	redact(s, out);
	return SD_OK;
}


/* ---------------------------------------------------------------- paging */

struct page_arg {
	int			 index;	/* -1: primary (by id) */
	char			 suffix[24];	/* BY_PHONE_END: its digits */
	struct sd_buf		 prefix;
	struct sd_buf		 anchor;
	int			 dir;
	struct sd_customer	*rows;
	char			(*keys)[SD_PAGEKEY_MAX];
	int			 max;
	int			 n;
};

static int
page_take(struct sd_txn *t, const void *v, size_t vl, int i, void *ctx)
{
	struct page_arg *a = ctx;
	struct sd_customer *c = &a->rows[i];
	size_t sl = strlen(a->suffix);

	(void)t;
	if (customer_decode(v, vl, c) != SD_OK)
		return 0;
	if (sl == 0)
		return 1;
	for (int p = 0; p < c->nphones; p++) {
		size_t pl = strlen(c->phones[p]);

		if (pl >= sl && strcmp(c->phones[p] + pl - sl, a->suffix) == 0)
			return 1;
	}
	return 0;
}

static int
page_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct page_arg *a = arg;
	struct page_walk w = { T_CUSTOMER, a->index, &a->prefix, &a->anchor,
	    a->dir, a->max, page_take, a, a->keys };
	int st;

	if ((st = page_walk(t, &w, &a->n, err)) == SD_OK && a->dir < 0)
		page_reverse(a->rows, sizeof *a->rows, a->keys, a->n);
	return st;
}

int
sd_customer_page(struct sd_session *s, enum sd_cust_by by, const char *key,
    const char *anchor, int dir, struct sd_customer *rows,
    char (*page_keys)[SD_PAGEKEY_MAX], int max, int *n, struct sd_err *err)
{
	struct page_arg a;
	char phone[24];
	int st;

	*n = 0;
	if ((st = sd_authorize(s, SD_OP_CUST_SHOW, "", err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.dir = dir >= 0 ? 1 : -1;
	a.rows = rows;
	a.keys = page_keys;
	a.max = max;
	key = key != NULL ? key : "";
	switch (by) {
	case SD_CUST_BY_NAME:
		a.index = IX_CUST_NAME;
		sd_buf_adds(&a.prefix, key);
		break;
	case SD_CUST_BY_PHONE: {
		/* A prefix: keep only its digits. */
		size_t o = 0;

		for (const char *p = key; *p && o + 1 < sizeof phone; p++)
			if (isdigit((unsigned char)*p) || (*p == '+' && o == 0))
				phone[o++] = *p;
		phone[o] = '\0';
		a.index = IX_CUST_PHONE;
		sd_buf_adds(&a.prefix, phone);
		break;
	}
	case SD_CUST_BY_PHONE_END: {
		size_t o = 0;

		for (const char *p = key; *p && o + 1 < sizeof a.suffix; p++)
			if (isdigit((unsigned char)*p))
				a.suffix[o++] = *p;
		a.suffix[o] = '\0';
		if (o == 0)
			return sd_err_set(err, SD_EINVAL, "phone: the last digits "
			    "to look for");
		a.index = -1;		/* every customer, in id order */
		break;
	}
	case SD_CUST_BY_OWNER:
		a.index = IX_CUST_OWNER;
		sd_buf_add(&a.prefix, key[0] ? key : POOL_KEY,
		    strlen(key[0] ? key : POOL_KEY) + 1);
		break;
	case SD_CUST_BY_CITY:
	case SD_CUST_BY_CLASS:
	case SD_CUST_BY_TAG:
		a.index = by == SD_CUST_BY_CITY ? IX_CUST_CITY :
		    by == SD_CUST_BY_CLASS ? IX_CUST_CLASS : IX_CUST_TAG;
		sd_buf_add(&a.prefix, key, strlen(key) + 1);
		break;
	default:
		a.index = -1;
		break;
	}
	if (anchor != NULL && anchor[0] != '\0' &&
	    page_hex_decode(anchor, &a.anchor) != 0) {
		sd_buf_free(&a.prefix);
		sd_buf_free(&a.anchor);
		return sd_err_set(err, SD_EINVAL, "page: bad anchor");
	}
	st = sd_db_read(s->core->db, page_txn, &a, err);
	for (int i = 0; st == SD_OK && i < a.n; i++)
		redact(s, &rows[i]);
	*n = a.n;
	sd_buf_free(&a.prefix);
	sd_buf_free(&a.anchor);
	return st;
}
