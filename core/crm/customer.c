/*
 * customer.c -- customers (客户): the record, field checks (phones, the
 * GB 11643 ID check digit, classes), ownership (客户保护: one owner; others
 * may look but not touch; the shared pool 公海 and claims), transfers,
 * the return to the pool, and paging through any of the indexes.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crm/crm_int.h"

/* Record tags: never reuse or renumber one. */
enum {
	C_ID = 1, C_NAME, C_PHONE, C_CITY, C_ADDRESS, C_IDNO, C_CLASS,
	C_SOURCE, C_TAG, C_OWNER, C_DNC, C_SVCPW, C_STATUS, C_CREATED,
	C_UPDATED, C_LASTCONTACT, C_NEXT, C_IMPORT
};

static const char *const status_names[] = { "prospect", "active",
    "suspended", "closed" };

const char *
sd_cust_status_name(int status)
{
	if (status < 0 || status > SD_CUST_CLOSED)
		return "?";
	return status_names[status];
}

int
sd_cust_status_parse(const char *s)
{
	for (int i = 0; i <= SD_CUST_CLOSED; i++)
		if (strcmp(s, status_names[i]) == 0)
			return i;
	return -1;
}

const char *
sd_cust_light(const struct sd_customer *c, int64_t now)
{
	if (c->next_at == 0)
		return "none";
	return c->next_at < now ? "overdue" : "planned";
}

/* ---------------------------------------------------------------- codec */

/* A customer as stored: the public fields and the service password's
 * hash, which no struct sd_customer carries (this file alone reads it). */
struct customer_rec {
	struct sd_customer	c;
	char			svc_pwhash[160];
};

/* In record order; the last, C_IMPORT, is written only when set. */
static const struct rec_field customer_f[] = {
	REC_I(C_ID, customer_rec, c.id),
	REC_S(C_NAME, customer_rec, c.name),
	REC_STRS(C_PHONE, customer_rec, c.phones, c.nphones),
	REC_S(C_CITY, customer_rec, c.city),
	REC_S(C_ADDRESS, customer_rec, c.address),
	REC_S(C_IDNO, customer_rec, c.id_no),
	REC_S(C_CLASS, customer_rec, c.cls),
	REC_S(C_SOURCE, customer_rec, c.source),
	REC_STRS(C_TAG, customer_rec, c.tags, c.ntags),
	REC_S(C_OWNER, customer_rec, c.owner),
	REC_I(C_DNC, customer_rec, c.dnc),
	REC_S(C_SVCPW, customer_rec, svc_pwhash),
	REC_I(C_STATUS, customer_rec, c.status),
	REC_I(C_CREATED, customer_rec, c.created),
	REC_I(C_UPDATED, customer_rec, c.updated),
	REC_I(C_LASTCONTACT, customer_rec, c.last_contact),
	REC_I(C_NEXT, customer_rec, c.next_at),
	REC_I(C_IMPORT, customer_rec, c.import_id),
};

void
customer_encode(const struct sd_customer *c, const char *svc_pwhash,
    struct sd_buf *b)
{
	struct customer_rec r;

	memset(&r, 0, sizeof r);
	r.c = *c;
	sd_strlcpy(r.svc_pwhash, svc_pwhash != NULL ? svc_pwhash : "",
	    sizeof r.svc_pwhash);
	rec_encode(customer_f, REC_N(customer_f) - (c->import_id ? 0 : 1), &r,
	    b);
	explicit_bzero(r.svc_pwhash, sizeof r.svc_pwhash);
}

int
customer_decode_hash(const void *p, size_t n, struct sd_customer *c,
    char *svc_pwhash, size_t size)
{
	struct customer_rec r;
	int st = rec_decode(customer_f, REC_N(customer_f), p, n, &r, sizeof r);

	*c = r.c;
	c->dnc = c->dnc != 0;
	if (svc_pwhash != NULL)
		sd_strlcpy(svc_pwhash, r.svc_pwhash, size);
	explicit_bzero(r.svc_pwhash, sizeof r.svc_pwhash);
	return st;
}

int
customer_decode(const void *p, size_t n, struct sd_customer *c)
{
	return customer_decode_hash(p, n, c, NULL, 0);
}

int
customer_load(struct sd_txn *t, uint64_t id, struct sd_customer *c, int rmw,
    struct sd_err *err)
{
	struct sd_buf val = SD_BUF_INIT;
	uint8_t key[8];
	int st;

	key64(key, id);
	st = sd_get(t, T_CUSTOMER, key, 8, &val, rmw ? SD_GET_RMW : 0, err);
	if (st == SD_ENOTFOUND)
		st = sd_err_set(err, SD_ENOTFOUND, "customer %llu: not found",
		    (unsigned long long)id);
	else if (st == SD_OK && customer_decode(val.p, val.len, c) != SD_OK)
		st = sd_err_set(err, SD_EINTERNAL, "customer %llu: record corrupt",
		    (unsigned long long)id);
	sd_buf_free(&val);
	return st;
}

int
customer_by_phone(struct sd_txn *t, const char *phone, uint64_t *id,
    struct sd_err *err)
{
	struct sd_buf pk = SD_BUF_INIT;
	int st;

	*id = 0;
	st = sd_get_by(t, T_CUSTOMER, IX_CUST_PHONE, phone, strlen(phone), &pk,
	    NULL, 0, err);
	if (st == SD_OK && pk.len == 8)
		*id = sd_be64_get((const uint8_t *)pk.p);
	sd_buf_free(&pk);
	if (st == SD_ENOTFOUND) {
		sd_err_clear(err);
		return SD_OK;
	}
	return st;
}

/*
 * The customer whose name is exactly name: *id, or 0 when none; *n is how
 * many have it (counted up to 2: more than one is ambiguous).
 */
static int
customer_by_name(struct sd_txn *t, const char *name, uint64_t *id, int *n,
    struct sd_err *err)
{
	struct sd_cursor *c;
	size_t nl = strlen(name) + 1;
	int st;

	*id = 0;
	*n = 0;
	if ((st = sd_cursor_open(t, T_CUSTOMER, IX_CUST_NAME, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_GE, name, nl, err);
	    st == SD_OK && *n < 2; st = sd_cursor_step(c, 1, err)) {
		size_t kl, pl;
		const void *k = sd_cursor_key(c, &kl);
		const void *pk = sd_cursor_pkey(c, &pl);

		if (kl < nl || memcmp(k, name, nl) != 0)
			break;
		if (pl == 8 && (*n)++ == 0)
			*id = sd_be64_get(pk);
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

/* A key with no digit in it is a name: the one customer of that name. */
int
customer_name_resolve(struct sd_txn *t, const char *k, uint64_t *id,
    struct sd_err *err)
{
	int n, st;

	if ((st = customer_by_name(t, k, id, &n, err)) != SD_OK)
		return st;
	if (n > 1) {
		*id = 0;
		return sd_err_set(err, SD_EINVAL, "customer: more than one "
		    "customer is called %s: give the phone or id", k);
	}
	if (n == 0)
		return sd_err_set(err, SD_ENOTFOUND, "customer: no customer %s",
		    k);
	return SD_OK;
}

int
has_digit(const char *s)
{
	for (; *s; s++)
		if (isdigit((unsigned char)*s))
			return 1;
	return 0;
}

int
customer_key_resolve(struct sd_txn *t, const char *k, uint64_t *id,
    struct sd_err *err)
{
	char *end;
	int st;

	*id = 0;
	if (k == NULL || k[0] == '\0')
		return sd_err_set(err, SD_EINVAL, "customer: required (an id, "
		    "a phone or a name)");
	if (!has_digit(k))
		return customer_name_resolve(t, k, id, err);
	*id = strtoull(k, &end, 10);
	if (*end != '\0' || strlen(k) > 9) {
		char phone[24];
		size_t o = 0;

		for (const char *q = k; *q && o + 1 < sizeof phone; q++)
			if (isdigit((unsigned char)*q))
				phone[o++] = *q;
		phone[o] = '\0';
		if ((st = customer_by_phone(t, phone, id, err)) != SD_OK)
			return st;
	}
	if (*id == 0)
		return sd_err_set(err, SD_ENOTFOUND, "customer: no customer %s", k);
	return SD_OK;
}

/* Name the customer who already has one of c's phones. */
static int
phone_clash(struct sd_txn *t, const struct sd_customer *c, struct sd_err *err)
{
	for (int i = 0; i < c->nphones; i++) {
		struct sd_customer other;
		uint64_t id;
		int st;

		if ((st = customer_by_phone(t, c->phones[i], &id, err)) != SD_OK)
			return st;
		if (id == 0 || id == c->id)
			continue;
		if ((st = customer_load(t, id, &other, 0, err)) != SD_OK)
			return st;
		if (other.owner[0] == '\0')
			return sd_err_set(err, SD_EEXIST, "phone: %s already "
			    "belongs to customer %llu %s (in the pool)",
			    c->phones[i], (unsigned long long)id, other.name);
		return sd_err_set(err, SD_EEXIST, "phone: %s already belongs "
		    "to customer %llu %s (owner %s)", c->phones[i],
		    (unsigned long long)id, other.name, other.owner);
	}
	return SD_OK;
}

/* The service password's hash of customer id into out ("" for none or no
 * such customer); with name, its name too (kept as it is when none). */
static int
svc_hash_load(struct sd_txn *t, uint64_t id, char *out, size_t size, int rmw,
    char *name, size_t nsize, struct sd_err *err)
{
	struct sd_buf val = SD_BUF_INIT;
	struct sd_customer c;
	uint8_t key[8];
	int st;

	key64(key, id);
	out[0] = '\0';
	st = sd_get(t, T_CUSTOMER, key, 8, &val, rmw ? SD_GET_RMW : 0, err);
	if (st == SD_OK && customer_decode_hash(val.p, val.len, &c, out,
	    size) != SD_OK)
		st = sd_err_set(err, SD_EINTERNAL, "customer %llu: record corrupt",
		    (unsigned long long)id);
	if (st == SD_OK && name != NULL)
		sd_strlcpy(name, c.name, nsize);
	if (st == SD_ENOTFOUND) {
		sd_err_clear(err);
		st = SD_OK;
	}
	if (val.p != NULL)
		explicit_bzero(val.p, val.len);
	sd_buf_free(&val);
	return st;
}

int
customer_store(struct sd_txn *t, const struct sd_customer *c,
    struct sd_err *err)
{
	char hash[160], name[sizeof c->name];
	int st;

	/* Not in c: the stored one stays.  A new name is on its bills. */
	sd_strlcpy(name, c->name, sizeof name);
	if ((st = svc_hash_load(t, c->id, hash, sizeof hash, 1, name,
	    sizeof name, err)) == SD_OK && strcmp(name, c->name) != 0)
		st = rec_bill_touch(t, 0, err);
	if (st == SD_OK)
		st = customer_put(t, c, hash, err);
	explicit_bzero(hash, sizeof hash);
	return st;
}

int
customer_store_batch(struct sd_txn *t, struct table_batch *b,
    const struct sd_customer *c, struct sd_err *err)
{
	struct sd_buf old = SD_BUF_INIT, val = SD_BUF_INIT;
	struct sd_customer prev;
	char hash[160];
	uint8_t key[8];
	int st;

	if (b == NULL)
		return customer_store(t, c, err);
	key64(key, c->id);
	/* As customer_store: the stored service password hash stays. */
	st = sd_get(t, T_CUSTOMER, key, 8, &old, SD_GET_RMW, err);
	if (st == SD_OK && customer_decode_hash(old.p, old.len, &prev, hash,
	    sizeof hash) != SD_OK)
		st = sd_err_set(err, SD_EINTERNAL, "customer %llu: record corrupt",
		    (unsigned long long)c->id);
	if (st == SD_OK && strcmp(prev.name, c->name) != 0)
		st = rec_bill_touch(t, 0, err);	/* on its bills */
	if (st == SD_OK) {
		customer_encode(c, hash, &val);
		st = batch_put_replace(t, b, T_CUSTOMER, key, 8, val.p, val.len,
		    old.p, old.len, err);
	}
	explicit_bzero(hash, sizeof hash);
	if (old.p != NULL)
		explicit_bzero(old.p, old.len);
	if (val.p != NULL)
		explicit_bzero(val.p, val.len);
	sd_buf_free(&old);
	sd_buf_free(&val);
	return st;
}

int
customer_put(struct sd_txn *t, const struct sd_customer *c,
    const char *svc_pwhash, struct sd_err *err)
{
	struct sd_buf val = SD_BUF_INIT;
	uint8_t key[8];
	int st;

	key64(key, c->id);
	customer_encode(c, svc_pwhash, &val);
	st = sd_put(t, T_CUSTOMER, key, 8, val.p, val.len, 0, err);
	explicit_bzero(val.p, val.len);
	sd_buf_free(&val);
	if (st == SD_EEXIST) {
		/* Another writer took the phone since we looked: say whose. */
		int st2 = phone_clash(t, c, err);

		if (st2 != SD_OK)
			return st2;
		return sd_err_set(err, SD_EEXIST, "phone: already in use");
	}
	return st;
}

/* ---------------------------------------------------------------- checks */

int
sd_idno_valid(const char *s)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10,
	    5, 8, 4, 2 };
	static const char check[] = "10X98765432";
	int sum = 0;

	if (strlen(s) != 18)
		return 0;
	for (int i = 0; i < 17; i++) {
		if (!isdigit((unsigned char)s[i]))
			return 0;
		sum += (s[i] - '0') * w[i];
	}
	return toupper((unsigned char)s[17]) == check[sum % 11];
}

void
sd_idno_mask(const char *id, char *out, size_t size)
{
	size_t n = strlen(id);

	if (n == 0) {
		sd_strlcpy(out, "", size);
		return;
	}
	if (n <= 8) {
		snprintf(out, size, "%.*s", (int)n, "********");
		return;
	}
	snprintf(out, size, "%.4s%.*s%s", id, (int)(n - 8),
	    "****************************", id + n - 4);
}

/*
 * Normalize a phone number: drop spaces, dashes, dots and parentheses, and
 * a +86/0086 country code before a mainland mobile number.  Digits only
 * (a leading + kept for other countries).  A phone to store must pass
 * sd_phone_rule; one to look up (strict 0) only needs 5 to 20 digits, so
 * that numbers stored before the rule are still found.
 */
int
phone_normalize(const char *in, char *out, size_t size, int strict,
    struct sd_err *err)
{
	char buf[64];
	size_t n = 0;

	for (const char *p = in; *p; p++) {
		if (*p == ' ' || *p == '-' || *p == '.' || *p == '(' || *p == ')')
			continue;
		if (!isdigit((unsigned char)*p) && !(*p == '+' && n == 0))
			return sd_err_set(err, SD_EINVAL,
			    "phone: '%.40s' is not a phone number", in);
		if (n + 1 >= sizeof buf)
			return sd_err_set(err, SD_EINVAL,
			    "phone: '%.40s' is too long", in);
		buf[n++] = *p;
	}
	buf[n] = '\0';
	if (strncmp(buf, "+86", 3) == 0 && strlen(buf) == 14 && buf[3] == '1')
		memmove(buf, buf + 3, 12);
	else if (strncmp(buf, "0086", 4) == 0 && strlen(buf) == 15 &&
	    buf[4] == '1')
		memmove(buf, buf + 4, 12);
	n = strlen(buf) - (buf[0] == '+');
	if (strict && sd_phone_rule("phone", buf, in, err) != SD_OK)
		return err->status;
	if (!strict && (n < 5 || n > 20))
		return sd_err_set(err, SD_EINVAL,
		    "phone: '%.40s' needs 5 to 20 digits", in);
	return sd_strlcpy(out, buf, size) == 0 ? SD_OK :
	    sd_err_set(err, SD_EINVAL, "phone: '%.40s' is too long", in);
}

/* Split "a,b，c" (ASCII or full-width commas, or ;) into items. */
static int
split_list(const char *in, char (*items)[25], int max, size_t isize,
    const char *field, int *n, struct sd_err *err)
{
	char buf[512];
	char *p, *save = NULL;

	*n = 0;
	if (sd_strlcpy(buf, in, sizeof buf) != 0)
		return sd_err_set(err, SD_EINVAL, "%s: too long", field);
	/* Full-width comma (U+FF0C) and the ideographic comma (U+3001). */
	for (char *q; (q = strstr(buf, "\xef\xbc\x8c")) != NULL;)
		memcpy(q, ",  ", 3);
	for (char *q; (q = strstr(buf, "\xe3\x80\x81")) != NULL;)
		memcpy(q, ",  ", 3);
	for (p = strtok_r(buf, ",;", &save); p != NULL;
	    p = strtok_r(NULL, ",;", &save)) {
		while (*p == ' ')
			p++;
		for (char *e = p + strlen(p); e > p && e[-1] == ' ';)
			*--e = '\0';
		if (*p == '\0')
			continue;
		if (*n >= max)
			return sd_err_set(err, SD_EINVAL, "%s: at most %d", field,
			    max);
		if (sd_strlcpy(items[*n], p, isize) != 0)
			return sd_err_set(err, SD_EINVAL, "%s: '%.30s' is too long",
			    field, p);
		(*n)++;
	}
	return SD_OK;
}

void
sd_cust_fields_init(struct sd_cust_fields *f)
{
	memset(f, 0, sizeof *f);
	f->dnc = -1;
	f->status = -1;
}

static int
set_text(const char *field, const char *v, char *dst, size_t size,
    struct sd_err *err)
{
	int st;

	if ((st = sd_check_text(field, v, size - 1, err)) != SD_OK)
		return st;
	sd_strlcpy(dst, v, size);
	return SD_OK;
}

/* Legal status changes (prospect -> active -> suspended -> closed). */
static int
status_move_ok(int from, int to)
{
	if (from == to)
		return 1;
	switch (from) {
	case SD_CUST_PROSPECT:	return to == SD_CUST_ACTIVE || to == SD_CUST_CLOSED;
	case SD_CUST_ACTIVE:	return to == SD_CUST_SUSPENDED || to == SD_CUST_CLOSED;
	case SD_CUST_SUSPENDED:	return to == SD_CUST_ACTIVE || to == SD_CUST_CLOSED;
	default:		return 0;
	}
}

int
customer_apply(struct sd_core *core, const struct sd_cust_fields *f,
    struct sd_customer *c, struct sd_err *err)
{
	int st;

	if (f->name != NULL) {
		if (f->name[0] == '\0')
			return sd_err_set(err, SD_EINVAL, "name: must not be empty");
		if ((st = set_text("name", f->name, c->name, sizeof c->name,
		    err)) != SD_OK)
			return st;
	}
	if (f->phones != NULL) {
		char raw[SD_PHONES_MAX][25];
		int n;

		if ((st = split_list(f->phones, raw, SD_PHONES_MAX, sizeof raw[0],
		    "phone", &n, err)) != SD_OK)
			return st;
		char had[SD_PHONES_MAX][sizeof c->phones[0]];
		int nhad = c->nphones;

		/* A number already on the customer (stored before the rule)
		 * stays as it is; new ones must pass the rule. */
		memcpy(had, c->phones, sizeof had);
		c->nphones = 0;
		for (int i = 0; i < n; i++) {
			char norm[24];
			int dup = 0, old = 0;

			if ((st = phone_normalize(raw[i], norm, sizeof norm, 0,
			    err)) != SD_OK)
				return st;
			for (int j = 0; j < nhad; j++)
				old |= strcmp(had[j], norm) == 0;
			if (!old && (st = phone_normalize(raw[i], norm,
			    sizeof norm, 1, err)) != SD_OK)
				return st;
			for (int j = 0; j < c->nphones; j++)
				dup |= strcmp(c->phones[j], norm) == 0;
			if (!dup)
				sd_strlcpy(c->phones[c->nphones++], norm,
				    sizeof c->phones[0]);
		}
	}
	if (f->city != NULL && (st = set_text("city", f->city, c->city,
	    sizeof c->city, err)) != SD_OK)
		return st;
	if (f->address != NULL && (st = set_text("address", f->address,
	    c->address, sizeof c->address, err)) != SD_OK)
		return st;
	if (f->id_no != NULL) {
		if (f->id_no[0] != '\0' && !sd_idno_valid(f->id_no))
			return sd_err_set(err, SD_EINVAL, "id_no: '%.20s' is not an "
			    "18-digit resident ID with a valid check digit",
			    f->id_no);
		sd_strlcpy(c->id_no, f->id_no, sizeof c->id_no);
		if (c->id_no[17] == 'x')
			c->id_no[17] = 'X';
	}
	if (f->cls != NULL) {
		int ok = f->cls[0] == '\0';
		struct sd_buf known = SD_BUF_INIT;

		for (int i = 0; i < 8 && core->cfg.classes[i][0]; i++) {
			ok |= strcmp(core->cfg.classes[i], f->cls) == 0;
			sd_buf_printf(&known, "%s%s", i ? ", " : "",
			    core->cfg.classes[i]);
		}
		if (!ok) {
			st = sd_err_set(err, SD_EINVAL, "class: '%.20s' is not one "
			    "of %s", f->cls, sd_buf_cstr(&known));
			sd_buf_free(&known);
			return st;
		}
		sd_buf_free(&known);
		sd_strlcpy(c->cls, f->cls, sizeof c->cls);
	}
	if (f->source != NULL && (st = set_text("source", f->source, c->source,
	    sizeof c->source, err)) != SD_OK)
		return st;
	if (f->tags != NULL) {
		if ((st = split_list(f->tags, c->tags, SD_TAGS_MAX,
		    sizeof c->tags[0], "tags", &c->ntags, err)) != SD_OK)
			return st;
		for (int i = 0; i < c->ntags; i++)
			if ((st = sd_check_text("tags", c->tags[i],
			    sizeof c->tags[0] - 1, err)) != SD_OK)
				return st;
	}
	if (f->dnc != -1)
		c->dnc = f->dnc != 0;
	if (f->status != -1) {
		if (!status_move_ok(c->status, f->status))
			return sd_err_set(err, SD_EREFUSED,
			    "status: a %s customer cannot become %s",
			    sd_cust_status_name(c->status),
			    sd_cust_status_name(f->status));
		c->status = f->status;
	}
	if (c->name[0] == '\0')
		return sd_err_set(err, SD_EINVAL, "name: required");
	if (c->nphones == 0)
		return sd_err_set(err, SD_EINVAL, "phone: at least one is required");
	return SD_OK;
}

/* ---------------------------------------------------------------- ownership */

/* The team of a staff user, or "" (not found, or no team). */
static void
team_of(struct sd_txn *t, const char *login, char *out, size_t size)
{
	struct sd_user u;
	struct sd_err e;

	out[0] = '\0';
	if (login[0] && user_load(t, login, &u, 0, &e) == SD_OK)
		sd_strlcpy(out, u.team, size);
}

int
customer_may_edit(struct sd_txn *t, const struct sd_session *s,
    const struct sd_customer *c, struct sd_err *why)
{
	char team[65];

	if (s->user.role == SD_ROLE_ADMIN || strcmp(c->owner, s->user.login) == 0)
		return 1;
	if (s->user.role == SD_ROLE_SUPERVISOR) {
		if (c->owner[0] == '\0')
			return 1;
		team_of(t, c->owner, team, sizeof team);
		if (s->user.team[0] && strcmp(team, s->user.team) == 0)
			return 1;
		sd_err_set(why, SD_EPERM, "customer %llu belongs to %s, not "
		    "your team", (unsigned long long)c->id, c->owner);
		return 0;
	}
	if (c->owner[0] == '\0')
		sd_err_set(why, SD_EPERM, "customer %llu is in the shared "
		    "pool: claim it first", (unsigned long long)c->id);
	else
		sd_err_set(why, SD_EPERM, "customer %llu belongs to %s",
		    (unsigned long long)c->id, c->owner);
	return 0;
}

/* An owner must be an active admin, supervisor or operator. */
static int
check_owner(struct sd_txn *t, const char *login, struct sd_err *err)
{
	struct sd_user u;
	int st;

	if ((st = user_load(t, login, &u, 0, err)) != SD_OK)
		return st == SD_ENOTFOUND ? sd_err_set(err, SD_EINVAL,
		    "owner: no user %s", login) : st;
	if (u.status != SD_USER_ACTIVE || (u.role != SD_ROLE_OPERATOR &&
	    u.role != SD_ROLE_SUPERVISOR && u.role != SD_ROLE_ADMIN))
		return sd_err_set(err, SD_EINVAL, "owner: %s is not an active "
		    "operator or supervisor", login);
	return SD_OK;
}

static void
describe(const struct sd_customer *c, char *out, size_t size)
{
	char idm[20];

	sd_idno_mask(c->id_no, idm, sizeof idm);
	snprintf(out, size, "name=%s phone=%s%s%s city=%s class=%s owner=%s "
	    "status=%s dnc=%d id_no=%s tags=%d", c->name,
	    c->nphones ? c->phones[0] : "", c->nphones > 1 ? "," : "",
	    c->nphones > 1 ? c->phones[1] : "", c->city, c->cls, c->owner,
	    sd_cust_status_name(c->status), c->dnc, idm, c->ntags);
}

/* ---------------------------------------------------------------- add, update */

struct cust_arg {
	struct sd_session		*s;
	const struct sd_cust_fields	*f;
	struct sd_customer		 c;
};

static int
add_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct cust_arg *a = arg;
	char desc[512];
	int st;

	if (a->c.owner[0] && (st = check_owner(t, a->c.owner, err)) != SD_OK)
		return st;
	if ((st = phone_clash(t, &a->c, err)) != SD_OK)
		return st;
	if ((st = customer_put(t, &a->c, "", err)) != SD_OK)	/* new */
		return st;
	describe(&a->c, desc, sizeof desc);
	{
		char obj[32];

		snprintf(obj, sizeof obj, "customer:%llu",
		    (unsigned long long)a->c.id);
		return sd_audit_write(t, a->s->user.login, "customer.add", obj,
		    SD_OUTCOME_OK, "", desc, err);
	}
}

int
sd_customer_add(struct sd_session *s, const struct sd_cust_fields *f,
    uint64_t *id, struct sd_err *err)
{
	struct cust_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_CUST_ADD, "", err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	if ((st = customer_apply(s->core, f, &a.c, err)) != SD_OK)
		return st;
	/* Operators add for themselves; others name an owner or leave the
	 * customer in the pool. */
	if (f->owner != NULL && f->owner[0] != '\0') {
		if (s->user.role == SD_ROLE_OPERATOR &&
		    strcmp(f->owner, s->user.login) != 0)
			return sd_deny(s, SD_OP_CUST_ADD, f->owner, err,
			    "operators add customers for themselves");
		sd_strlcpy(a.c.owner, f->owner, sizeof a.c.owner);
	} else if (s->user.role == SD_ROLE_OPERATOR)
		sd_strlcpy(a.c.owner, s->user.login, sizeof a.c.owner);
	a.c.created = a.c.updated = a.c.last_contact = sd_now();
	if ((st = sd_seq_next(s->core->db, "customer", &a.c.id, err)) != SD_OK)
		return st;
	if ((st = sd_db_run(s->core->db, add_txn, &a, err)) != SD_OK)
		return st;
	if (id != NULL)
		*id = a.c.id;
	return SD_OK;
}

struct upd_arg {
	struct sd_session		*s;
	uint64_t			 id;
	const struct sd_cust_fields	*f;
	struct sd_refusal		 no;
};

static int
update_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct upd_arg *a = arg;
	struct sd_customer c;
	char before[512], after[512], obj[32];
	int st;

	if ((st = customer_load(t, a->id, &c, 1, err)) != SD_OK)
		return st;
	if (!customer_may_edit(t, a->s, &c, &a->no.why))
		return sd_refuse_err(&a->no, &a->no.why);
	describe(&c, before, sizeof before);
	if ((st = customer_apply(a->s->core, a->f, &c, err)) != SD_OK)
		return st;
	if (a->f->phones != NULL && (st = phone_clash(t, &c, err)) != SD_OK)
		return st;
	c.updated = sd_now();
	if ((st = customer_store(t, &c, err)) != SD_OK)
		return st;
	describe(&c, after, sizeof after);
	snprintf(obj, sizeof obj, "customer:%llu", (unsigned long long)c.id);
	return sd_audit_write(t, a->s->user.login, "customer.update", obj,
	    SD_OUTCOME_OK, before, after, err);
}

int
sd_customer_update(struct sd_session *s, uint64_t id,
    const struct sd_cust_fields *f, struct sd_err *err)
{
	struct upd_arg a = { .s = s, .id = id, .f = f };
	char obj[32];
	int st;

	snprintf(obj, sizeof obj, "customer:%llu", (unsigned long long)id);
	if ((st = sd_authorize(s, SD_OP_CUST_UPDATE, obj, err)) != SD_OK)
		return st;
	if (f->owner != NULL)
		return sd_err_set(err, SD_EINVAL, "owner: use customer transfer "
		    "or claim to change owners");
	return sd_op_run(s, SD_OP_CUST_UPDATE, obj, SD_RUN_AUTHORIZED,
	    update_txn, &a, &a.no, err);
}


/* ---------------------------------------------------------------- service password */

struct svcpw_arg {
	struct sd_session	*s;
	uint64_t		 id;
	const char		*hash;
	struct sd_refusal	 no;
};

static int
svcpw_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct svcpw_arg *a = arg;
	struct sd_customer c;
	char obj[32];
	int st;

	if ((st = customer_load(t, a->id, &c, 1, err)) != SD_OK)
		return st;
	/* The counter sets it for anyone; otherwise the owner's side. */
	if (a->s->user.role != SD_ROLE_CASHIER &&
	    !customer_may_edit(t, a->s, &c, &a->no.why))
		return sd_refuse_err(&a->no, &a->no.why);
	c.updated = sd_now();
	if ((st = customer_put(t, &c, a->hash, err)) != SD_OK)
		return st;
	snprintf(obj, sizeof obj, "customer:%llu", (unsigned long long)c.id);
	return sd_audit_write(t, a->s->user.login, "customer.svc_password",
	    obj, SD_OUTCOME_OK, "", "service password set", err);
}

int
sd_customer_set_svc_password(struct sd_session *s, uint64_t id,
    const char *password, struct sd_err *err)
{
	struct svcpw_arg a;
	char hash[160], obj[32];
	int st;

	snprintf(obj, sizeof obj, "customer:%llu", (unsigned long long)id);
	if ((st = sd_authorize(s, SD_OP_CUST_ADD, obj, err)) != SD_OK)
		return st;
	if (password == NULL || strlen(password) < 6)
		return sd_err_set(err, SD_EINVAL,
		    "service password: at least 6 characters");
	if ((st = password_hash(password, hash, sizeof hash, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	a.id = id;
	a.hash = hash;
	st = sd_op_run(s, SD_OP_CUST_ADD, obj, SD_RUN_AUTHORIZED, svcpw_txn,
	    &a, &a.no, err);
	explicit_bzero(hash, sizeof hash);
	return st;
}


struct svcchk_arg {
	uint64_t	 id;
	char		 hash[160];
	char		 name[SD_NAME_MAX + 1];
};

static int
svcchk_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct svcchk_arg *a = arg;
	struct sd_customer c;
	int st;

	if ((st = customer_load(t, a->id, &c, 0, err)) != SD_OK)
		return st;
	sd_strlcpy(a->name, c.name, sizeof a->name);
	return svc_hash_load(t, a->id, a->hash, sizeof a->hash, 0, NULL, 0,
	    err);
}

int
sd_customer_check_svc_password(struct sd_session *s, uint64_t id,
    const char *password, struct sd_err *err)
{
	struct svcchk_arg a;
	char obj[32];
	int st, ok;

	snprintf(obj, sizeof obj, "customer:%llu", (unsigned long long)id);
	if ((st = sd_authorize(s, SD_OP_BILL_SHOW, obj, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.id = id;
	if ((st = sd_db_read(s->core->db, svcchk_txn, &a, err)) != SD_OK)
		return st;
	if (a.hash[0] == '\0') {
		explicit_bzero(&a, sizeof a);
		return sd_err_set(err, SD_EREFUSED, "customer %llu has no service "
		    "password: set one first (customer password)",
		    (unsigned long long)id);
	}
	ok = password != NULL && password_check(password, a.hash);
	explicit_bzero(&a, sizeof a);
	/* Both outcomes are audited: guessing leaves a trail, and a match
	 * that leaves none is no match. */
	if ((st = sd_audit_log(s->core, s->user.login, "customer.svc_check",
	    obj, ok ? SD_OUTCOME_OK : SD_OUTCOME_DENIED, ok ? "matched" :
	    "wrong service password")) != SD_OK)
		return ok ? sd_err_set(err, SD_EINTERNAL, "service password: "
		    "matched, but the check could not be audited") :
		    sd_err_set(err, SD_EPERM, "service password: does not "
		    "match (not audited)");
	if (!ok)
		return sd_err_set(err, SD_EPERM, "service password: does not "
		    "match");
	return SD_OK;
}
