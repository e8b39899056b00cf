/*
 * import.c -- bringing customers in from a table (CSV or .xlsx): columns
 * mapped by their headers (English or Chinese) or --map, every row checked
 * before anything is written, duplicates inside the file and against the
 * database reported (never merged), one bad row refusing the file unless
 * the bad rows go to a rejects file.  Rows are written in batches tagged
 * with the import's id; an import that fails or whose process dies is
 * undone, so a file is either in or out.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/crm/crm_int.h"

enum {
	F_NAME, F_PHONE, F_PHONE2, F_PHONE3, F_CITY, F_ADDRESS, F_IDNO, F_CLASS,
	F_SOURCE, F_TAGS, F_OWNER, F_DNC, F__COUNT
};

const char *const sd_import_fields[] = { "name", "phone", "phone2", "phone3",
    "city", "address", "id_no", "class", "source", "tags", "owner", "dnc",
    NULL };

/* Headers people write, in the field order above. */
static const char *const aliases[F__COUNT][10] = {
	{ "name", "姓名", "客户姓名", "客户名称", "名称", "联系人", "客户" },
	{ "phone", "mobile", "tel", "电话", "手机", "手机号", "手机号码",
	    "联系电话", "电话号码" },
	{ "phone2", "电话2", "备用电话", "其他电话", "手机2" },
	{ "phone3", "电话3" },
	{ "city", "城市", "地市", "所在城市" },
	{ "address", "地址", "联系地址", "详细地址" },
	{ "id_no", "idno", "id_card", "身份证", "身份证号", "身份证号码",
	    "证件号码" },
	{ "class", "类别", "客户类别", "等级", "客户等级", "级别" },
	{ "source", "来源", "客户来源", "渠道" },
	{ "tags", "tag", "标签" },
	{ "owner", "归属", "负责人", "归属人", "所属员工", "业务员" },
	{ "dnc", "do_not_call", "免打扰", "勿扰" },
};

/* ---------------------------------------------------------------- mapping */

static void
trim(const char *in, char *out, size_t size)
{
	size_t n;

	while (*in == ' ' || *in == '\t')
		in++;
	sd_strlcpy(out, in, size);
	/* Line breaks typed into a cell (Alt+Enter) become spaces. */
	for (char *p = out; *p; p++)
		if (*p == '\r' || *p == '\n' || *p == '\t')
			*p = ' ';
	n = strlen(out);
	while (n > 0 && (out[n - 1] == ' ' || out[n - 1] == '\t' ||
	    out[n - 1] == '\r'))
		out[--n] = '\0';
}

static int
field_by_name(const char *name)
{
	for (int f = 0; f < F__COUNT; f++)
		for (int i = 0; i < 10 && aliases[f][i] != NULL; i++)
			if (strcasecmp(name, aliases[f][i]) == 0)
				return f;
	return -1;
}

int
sd_import_mapping(const struct sd_table *t, const char *map, int *colfield,
    struct sd_err *err)
{
	char buf[1024], *item, *save = NULL;
	int have[F__COUNT] = { 0 };

	if (t->nrows < 1)
		return sd_err_set(err, SD_EINVAL, "the file is empty");
	for (int c = 0; c < t->ncols; c++) {
		char h[128];

		trim(c < t->ncells[0] ? t->cells[0][c] : "", h, sizeof h);
		colfield[c] = field_by_name(h);
	}
	if (map != NULL) {
		if (sd_strlcpy(buf, map, sizeof buf) != 0)
			return sd_err_set(err, SD_EINVAL, "map: too long");
		for (item = strtok_r(buf, ",", &save); item != NULL;
		    item = strtok_r(NULL, ",", &save)) {
			char *eq = strchr(item, '='), col[128], fld[32];
			int c = -1, f;

			if (eq == NULL)
				return sd_err_set(err, SD_EINVAL, "map: '%s' is "
				    "not COLUMN=field", item);
			*eq = '\0';
			trim(item, col, sizeof col);
			trim(eq + 1, fld, sizeof fld);
			if (col[0] >= '1' && col[0] <= '9' &&
			    strspn(col, "0123456789") == strlen(col))
				c = atoi(col) - 1;
			else
				for (int k = 0; k < t->ncols && k < t->ncells[0]; k++) {
					char h[128];

					trim(t->cells[0][k], h, sizeof h);
					if (strcmp(h, col) == 0)
						c = k;
				}
			if (c < 0 || c >= t->ncols)
				return sd_err_set(err, SD_EINVAL, "map: no column "
				    "'%s' in the header", col);
			if (strcmp(fld, "-") == 0 || strcmp(fld, "ignore") == 0)
				f = -1;
			else if ((f = field_by_name(fld)) < 0)
				return sd_err_set(err, SD_EINVAL, "map: '%s' is "
				    "not a customer field (name, phone, phone2, "
				    "phone3, city, address, id_no, class, source, "
				    "tags, owner, dnc)", fld);
			colfield[c] = f;
		}
	}
	for (int c = 0; c < t->ncols; c++) {
		if (colfield[c] < 0)
			continue;
		if (have[colfield[c]]++)
			return sd_err_set(err, SD_EINVAL, "header: two columns "
			    "map to %s; map COLUMN=- drops one",
			    sd_import_fields[colfield[c]]);
	}
	if (!have[F_NAME] || !have[F_PHONE])
		return sd_err_set(err, SD_EINVAL, "header: no column for %s; "
		    "name one with map COLUMN=%s", sd_import_fields[!have[F_NAME] ?
		    F_NAME : F_PHONE], sd_import_fields[!have[F_NAME] ? F_NAME :
		    F_PHONE]);
	return SD_OK;
}

/* ---------------------------------------------------------------- phones seen */

/*
 * Phones seen in the file -> the line they were first on: an open-addressing
 * table of offsets into one arena of the phone strings, exact and compact
 * (about 30 bytes a phone), growing as it fills.
 */
struct phoneset {
	uint32_t	*off;		/* offset + 1 into arena; 0 = empty */
	uint32_t	*line;
	size_t		 cap, n;
	struct sd_buf	 arena;
};

static uint64_t
hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void
phoneset_init(struct phoneset *ps, size_t cap)
{
	memset(ps, 0, sizeof *ps);
	ps->cap = cap;
	ps->off = xcalloc(cap, sizeof *ps->off);
	ps->line = xcalloc(cap, sizeof *ps->line);
}

static void
phoneset_free(struct phoneset *ps)
{
	free(ps->off);
	free(ps->line);
	sd_buf_free(&ps->arena);
}

static void
phoneset_put(struct phoneset *ps, uint32_t off, uint32_t line)
{
	size_t i = hash(ps->arena.p + off - 1) & (ps->cap - 1);

	while (ps->off[i] != 0)
		i = (i + 1) & (ps->cap - 1);
	ps->off[i] = off;
	ps->line[i] = line;
}

/* 0 if added, else the line it was first seen on. */
static int
phoneset_add(struct phoneset *ps, const char *phone, int line)
{
	size_t i = hash(phone) & (ps->cap - 1);
	uint32_t off;

	while (ps->off[i] != 0) {
		if (strcmp(ps->arena.p + ps->off[i] - 1, phone) == 0)
			return (int)ps->line[i];
		i = (i + 1) & (ps->cap - 1);
	}
	if ((ps->n + 1) * 10 > ps->cap * 7) {
		struct phoneset big;

		phoneset_init(&big, ps->cap * 2);
		big.arena = ps->arena;
		for (size_t k = 0; k < ps->cap; k++)
			if (ps->off[k] != 0)
				phoneset_put(&big, ps->off[k], ps->line[k]);
		big.n = ps->n;
		free(ps->off);
		free(ps->line);
		*ps = big;
	}
	off = (uint32_t)ps->arena.len + 1;
	sd_buf_add(&ps->arena, phone, strlen(phone) + 1);
	phoneset_put(ps, off, (uint32_t)line);
	ps->n++;
	return 0;
}

/* ---------------------------------------------------------------- rows */

#define CELLS_COPY 512	/* a trimmed cell; longer than any field allows */

/* One row being checked or written (only ever one at a time). */
struct row {
	struct sd_customer	c;
	int			bad;		/* 0 ok, 1 bad, 2 duplicate */
	struct sd_err		why;
};

/* What is kept per row: its state, and the reason only for bad rows. */
enum { ROW_OK = 0, ROW_BAD = 1, ROW_DUP = 2 };

struct bad {
	int	row;		/* 0-based data row */
	char	why[200];
};

struct badlist {
	struct bad	*v;
	size_t		 n, cap;
	/* The first bad row in the file's order, as an error: the one
	 * the import's message names. */
	int		 has_first;
	int		 first_row;
	struct sd_err	 first;
};

static void
bad_add(struct badlist *b, int row, const char *why)
{
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 64;
		b->v = xrealloc(b->v, b->cap * sizeof *b->v);
	}
	b->v[b->n].row = row;
	sd_strlcpy(b->v[b->n].why, why, sizeof b->v[0].why);
	b->n++;
}

static void
bad_first(struct badlist *b, int row, const struct sd_err *why)
{
	if (!b->has_first || row < b->first_row) {
		b->has_first = 1;
		b->first_row = row;
		b->first = *why;
	}
}

static int
bad_cmp(const void *a, const void *b)
{
	return ((const struct bad *)a)->row - ((const struct bad *)b)->row;
}

static int
parse_dnc(const char *v)
{
	static const char *const yes[] = { "1", "y", "yes", "true", "是", "Y",
	    "YES", "TRUE", NULL };
	static const char *const no[] = { "", "0", "n", "no", "false", "否",
	    "N", "NO", "FALSE", NULL };

	for (int i = 0; yes[i]; i++)
		if (strcmp(v, yes[i]) == 0)
			return 1;
	for (int i = 0; no[i]; i++)
		if (strcmp(v, no[i]) == 0)
			return 0;
	return -1;
}

/* Check one row into r; the message is "file:line: field: reason". */
static void
check_row(struct sd_core *core, const char *file, const struct sd_table *t,
    int ri, const int *colfield, const char *default_owner, struct row *r)
{
	const char *v[F__COUNT] = { 0 };
	struct sd_cust_fields f;
	struct sd_buf phones = SD_BUF_INIT;
	struct sd_err e;
	char cells[F__COUNT][CELLS_COPY];

	memset(r, 0, sizeof *r);
	for (int c = 0; c < t->ncols; c++) {
		int fi = colfield[c];

		if (fi < 0)
			continue;
		trim(c < t->ncells[ri] ? t->cells[ri][c] : "", cells[fi],
		    sizeof cells[fi]);
		v[fi] = cells[fi];
	}
	sd_cust_fields_init(&f);
	f.name = v[F_NAME] ? v[F_NAME] : "";
	for (int fi = F_PHONE; fi <= F_PHONE3; fi++)
		if (v[fi] != NULL && v[fi][0] != '\0')
			sd_buf_printf(&phones, "%s%s", phones.len ? "," : "", v[fi]);
	f.phones = sd_buf_cstr(&phones);
	f.city = v[F_CITY];
	f.address = v[F_ADDRESS];
	f.id_no = v[F_IDNO];
	f.cls = v[F_CLASS];
	f.source = v[F_SOURCE];
	f.tags = v[F_TAGS];
	if (v[F_DNC] != NULL && (f.dnc = parse_dnc(v[F_DNC])) < 0) {
		r->bad = 1;
		sd_err_set(&r->why, SD_EINVAL, "%s:%d: dnc: '%.20s' is not "
		    "yes or no", file, t->lines[ri], v[F_DNC]);
		sd_buf_free(&phones);
		return;
	}
	if (customer_apply(core, &f, &r->c, &e) != SD_OK) {
		r->bad = 1;
		sd_err_nest(&r->why, SD_EINVAL, &e, "%s:%d: %.150s", file,
		    t->lines[ri], e.msg);
	}
	sd_strlcpy(r->c.owner, v[F_OWNER] && v[F_OWNER][0] ? v[F_OWNER] :
	    default_owner ? default_owner : "", sizeof r->c.owner);
	sd_buf_free(&phones);
}

/* ---------------------------------------------------------------- database checks */

struct owners {
	char	names[64][SD_LOGIN_MAX + 1];
	int	ok[64];
	int	n;
};

struct dbcheck_arg {
	struct sd_core		*core;
	unsigned char		*state;
	int			 from, to;
	const struct sd_table	*t;
	const int		*colfield;
	const char		*file;
	const char		*default_owner;
	struct owners		*owners;
	struct badlist		 found;		/* this batch's, reset per try */
	long			 dups;
};

static int
dbcheck_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct dbcheck_arg *a = arg;
	struct row r;
	int st;

	a->dups = 0;
	a->found.n = 0;
	a->found.has_first = 0;
	for (int i = a->from; i < a->to; i++) {
		if (a->state[i] != ROW_OK)
			continue;
		check_row(a->core, a->file, a->t, i + 1, a->colfield,
		    a->default_owner, &r);
		for (int p = 0; p < r.c.nphones; p++) {
			uint64_t id;

			if ((st = customer_by_phone(t, r.c.phones[p], &id, err)) != SD_OK)
				return st;
			if (id != 0) {
				r.bad = ROW_DUP;
				a->dups++;
				sd_err_set(&r.why, SD_EREFUSED, "%.60s:%d: phone: "
				    "%s already belongs to customer %llu", a->file,
				    a->t->lines[i + 1], r.c.phones[p],
				    (unsigned long long)id);
				break;
			}
		}
		if (!r.bad && r.c.owner[0] != '\0') {
			/* Owners: each distinct one checked once. */
			struct owners *o = a->owners;
			int k, ok = -1;

			for (k = 0; k < o->n; k++)
				if (strcmp(o->names[k], r.c.owner) == 0)
					ok = o->ok[k];
			if (ok < 0) {
				struct sd_user u;
				struct sd_err e;

				ok = user_load(t, r.c.owner, &u, 0, &e) == SD_OK &&
				    u.status == SD_USER_ACTIVE &&
				    (u.role == SD_ROLE_OPERATOR ||
				    u.role == SD_ROLE_SUPERVISOR ||
				    u.role == SD_ROLE_ADMIN);
				if (o->n < 64) {
					sd_strlcpy(o->names[o->n], r.c.owner,
					    sizeof o->names[0]);
					o->ok[o->n++] = ok;
				}
			}
			if (!ok) {
				r.bad = ROW_BAD;
				sd_err_set(&r.why, SD_EINVAL, "%.60s:%d: owner: "
				    "%s is not an active operator or supervisor",
				    a->file, a->t->lines[i + 1], r.c.owner);
			}
		}
		if (r.bad) {
			bad_add(&a->found, i, r.why.msg);
			bad_first(&a->found, i, &r.why);
		}
	}
	return SD_OK;
}

/* ---------------------------------------------------------------- imports table */

enum { I_ID = 1, I_FILE, I_BY, I_STARTED, I_STATUS, I_COUNT, I_PID };
static const struct rec_field imp_f[] = {
	REC_I(I_ID, imp, id),
	REC_S(I_FILE, imp, file),
	REC_S(I_BY, imp, by),
	REC_I(I_STARTED, imp, started),
	REC_I(I_STATUS, imp, status),
	REC_I(I_COUNT, imp, count),
	REC_I(I_PID, imp, pid),
};

int
imp_store(struct sd_txn *t, const struct imp *m, struct sd_err *err)
{
	return REC_STORE64(t, T_IMPORT, m->id, imp_f, m, err);
}

int
imp_decode(const void *p, size_t n, struct imp *m)
{
	return rec_decode(imp_f, REC_N(imp_f), p, n, m, sizeof *m);
}

struct imp_arg {
	struct imp	*m;
	const char	*actor;
	const char	*detail;
};

static int
imp_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct imp_arg *a = arg;
	char obj[32];
	int st;

	if ((st = imp_store(t, a->m, err)) != SD_OK)
		return st;
	if (a->detail == NULL)
		return SD_OK;
	snprintf(obj, sizeof obj, "import:%llu", (unsigned long long)a->m->id);
	return sd_audit_write(t, a->actor, "customer.import", obj,
	    a->m->status == IMP_DONE ? SD_OUTCOME_OK : SD_OUTCOME_FAILED, "",
	    a->detail, err);
}

/* Delete up to 1000 customers of an import; *n how many. */
struct undo_arg {
	uint64_t	id;
	int		n;
};

static int
undo_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct undo_arg *a = arg;
	struct sd_cursor *c;
	uint64_t ids[1000];
	uint8_t pfx[8];
	int st;

	a->n = 0;
	key64(pfx, a->id);
	if ((st = sd_cursor_open(t, T_CUSTOMER, IX_CUST_IMPORT, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_GE, pfx, 8, err);
	    st == SD_OK && a->n < 1000; st = sd_cursor_step(c, 1, err)) {
		size_t kl, pl;
		const void *k = sd_cursor_key(c, &kl);
		const void *pk = sd_cursor_pkey(c, &pl);

		if (kl != 16 || memcmp(k, pfx, 8) != 0)
			break;
		ids[a->n++] = sd_be64_get(pk);
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	/* Customers gone: if one had been billed, its bills change. */
	if (a->n > 0 && (st = rec_bill_touch(t, 0, err)) != SD_OK)
		return st;
	for (int i = 0; i < a->n; i++) {
		uint8_t k[8];

		key64(k, ids[i]);
		if ((st = sd_del(t, T_CUSTOMER, k, 8, err)) != SD_OK)
			return st;
	}
	return SD_OK;
}

static int
undo_import(struct sd_db *db, uint64_t id, struct sd_err *err)
{
	struct undo_arg a = { id, 0 };
	int st;

	do {
		if ((st = sd_db_run(db, undo_txn, &a, err)) != SD_OK)
			return st;
	} while (a.n > 0);
	return SD_OK;
}

struct scan_arg {
	struct imp	stale[16];
	int		n;
	int		all;	/* every running one is stale */
};

static int
scan_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct scan_arg *a = arg;
	struct sd_cursor *c;
	int st;

	a->n = 0;
	if ((st = sd_cursor_open(t, T_IMPORT, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err);
	    st == SD_OK && a->n < 16; st = sd_cursor_step(c, 1, err)) {
		size_t vl;
		const void *v = sd_cursor_val(c, &vl);
		struct imp m;

		if (imp_decode(v, vl, &m) != SD_OK || m.status != IMP_RUNNING)
			continue;
		/* Running, but its process is gone: half-written. */
		if (a->all ||
		    (m.pid > 0 && kill((pid_t)m.pid, 0) != 0 && errno == ESRCH))
			a->stale[a->n++] = m;
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	return SD_OK;
}

int
sd_import_cleanup(struct sd_core *core, int all, struct sd_err *err)
{
	struct scan_arg a = { .all = all };
	int st;

	/* Sixteen at a time: each undone one is no longer running. */
	do {
		if ((st = sd_db_read(core->db, scan_txn, &a, err)) != SD_OK)
			return st;
		for (int i = 0; i < a.n; i++) {
			struct imp_arg ia = { &a.stale[i], "system",
			    "undone: the importing process died" };

			if ((st = undo_import(core->db, a.stale[i].id, err)) !=
			    SD_OK)
				return st;
			a.stale[i].status = IMP_FAILED;
			a.stale[i].count = 0;
			if ((st = sd_db_run(core->db, imp_txn, &ia, err)) !=
			    SD_OK)
				return st;
		}
	} while (a.n == 16);
	return SD_OK;
}

/* ---------------------------------------------------------------- writing */

/*
 * Rows a batch: each batch is checked against the database in a read
 * transaction, then written in one transaction whose commit does not wait
 * for the disk (the import's last, synced commit writes them all; a crash
 * before it is undone by the cleanup like any half-written import).
 */
#define BATCH 5000

struct write_arg {
	struct sd_core		*core;
	const unsigned char	*state;
	const struct sd_table	*t;
	const int		*colfield;
	const char		*file;
	const char		*default_owner;
	int			 from, to;
	uint64_t		 import_id;
	uint64_t		 next_id;
	int64_t			 now;
	long			 written;
	int			 one_by_one;	/* after a clash: say whose */
	struct sd_buf		 vals;		/* the batch's records */
	struct sd_kv		*kv;
	uint8_t			(*keys)[8];
};

static int
write_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct write_arg *a = arg;
	uint64_t id = a->next_id;
	size_t n = 0, *off;
	struct row r;
	int st;

	a->written = 0;
	sd_buf_reset(&a->vals);
	off = xcalloc((size_t)(a->to - a->from), sizeof *off);
	for (int i = a->from; i < a->to; i++) {
		if (a->state[i] != ROW_OK)
			continue;
		check_row(a->core, a->file, a->t, i + 1, a->colfield,
		    a->default_owner, &r);
		r.c.id = id++;
		r.c.import_id = a->import_id;
		r.c.created = r.c.updated = r.c.last_contact = a->now;
		if (a->one_by_one) {
			if ((st = customer_put(t, &r.c, "", err)) != SD_OK) {
				free(off);
				return st;
			}
		} else {
			struct sd_buf one = SD_BUF_INIT;

			customer_encode(&r.c, "", &one);
			off[n] = a->vals.len;
			sd_buf_add(&a->vals, one.p, one.len);
			key64(a->keys[n], r.c.id);
			a->kv[n].key = a->keys[n];
			a->kv[n].klen = 8;
			a->kv[n].vlen = one.len;
			n++;
			sd_buf_free(&one);
		}
		a->written++;
	}
	/* The records and each index in key order, in bulk. */
	for (size_t k = 0; k < n; k++)
		a->kv[k].val = a->vals.p + off[k];
	free(off);
	if (n > 0 && (st = sd_put_new(t, T_CUSTOMER, a->kv, n, err)) != SD_OK) {
		/* A phone taken since it was checked: the batch again, row
		 * by row, to name the customer who has it. */
		if (st == SD_EEXIST)
			a->one_by_one = 1;
		return st;
	}
	return SD_OK;
}

/* The rejects file: the original rows, each with its reason. */
static int
write_rejects(const char *path, const struct sd_table *t,
    const struct badlist *bads, struct sd_err *err)
{
	struct rejects w;
	int st;

	if ((st = rejects_open(&w, path, t, 1, err)) != SD_OK)
		return st;
	for (size_t b = 0; b < bads->n; b++)
		rejects_row(&w, bads->v[b].row + 1, bads->v[b].why);
	return rejects_close(&w, err);
}

int
sd_customer_import(struct sd_session *s, const char *file,
    const struct sd_table *t, const struct sd_import_opts *o,
    struct sd_import_result *res, struct sd_err *err)
{
	struct phoneset ps;
	struct owners owners;
	struct badlist bads = { 0 };
	unsigned char *state = NULL;
	struct imp m;
	int *colfield = NULL, nrows = t->nrows - 1, st;
	size_t cap;
	struct sd_kv *kv = NULL;
	uint8_t (*keys)[8] = NULL;

	memset(res, 0, sizeof *res);
	if ((st = sd_authorize(s, SD_OP_CUST_IMPORT, file, err)) != SD_OK)
		return st;
	if ((st = sd_import_cleanup(s->core, 0, err)) != SD_OK)
		return st;
	colfield = xcalloc((size_t)(t->ncols > 0 ? t->ncols : 1), sizeof *colfield);
	if ((st = sd_import_mapping(t, o->map, colfield, err)) != SD_OK) {
		sd_err_nest(err, st, err, "%.100s: %.400s", file, err->msg);
		goto out;
	}
	if (nrows <= 0) {
		st = sd_err_set(err, SD_EINVAL, "%s: no rows under the header",
		    file);
		goto out;
	}
	state = xcalloc((size_t)nrows, 1);
	for (cap = 1024; cap < (size_t)nrows * 2; cap *= 2)
		;
	phoneset_init(&ps, cap);

	/* 1. Every row on its own, and duplicates inside the file. */
	for (int i = 0; i < nrows; i++) {
		struct row r;

		check_row(s->core, file, t, i + 1, colfield, o->owner, &r);
		for (int p = 0; !r.bad && p < r.c.nphones; p++) {
			int first = phoneset_add(&ps, r.c.phones[p], t->lines[i + 1]);

			if (first != 0) {
				r.bad = ROW_DUP;
				sd_err_set(&r.why, SD_EREFUSED, "%.60s:%d: phone: "
				    "%s is also on line %d", file, t->lines[i + 1],
				    r.c.phones[p], first);
				res->duplicates++;
			}
		}
		if (r.bad) {
			state[i] = (unsigned char)r.bad;
			bad_add(&bads, i, r.why.msg);
			bad_first(&bads, i, &r.why);
		}
	}
	phoneset_free(&ps);
	/* 2. Against the database, a read transaction per batch. */
	memset(&owners, 0, sizeof owners);
	for (int i = 0; i < nrows; i += BATCH) {
		struct dbcheck_arg a = { s->core, state, i, i + BATCH < nrows ?
		    i + BATCH : nrows, t, colfield, file, o->owner, &owners,
		    { 0 }, 0 };

		st = sd_db_read(s->core->db, dbcheck_txn, &a, err);
		for (size_t k = 0; st == SD_OK && k < a.found.n; k++) {
			state[a.found.v[k].row] = ROW_BAD;
			bad_add(&bads, a.found.v[k].row, a.found.v[k].why);
		}
		if (st == SD_OK && a.found.has_first)
			bad_first(&bads, a.found.first_row, &a.found.first);
		free(a.found.v);
		if (st != SD_OK)
			goto out;
		res->duplicates += a.dups;
	}
	if (bads.n > 0)
		qsort(bads.v, bads.n, sizeof *bads.v, bad_cmp);
	if (bads.n > 0 && o->rejects == NULL) {
		/* The first row's reason as the rejects file has it. */
		if (bads.n == 1)
			st = sd_err_nest(err, SD_EINVAL, &bads.first, "%.199s (1 "
			    "bad row in all; nothing imported; set the bad rows "
			    "aside (skip-bad) to import the rest)",
			    bads.first.msg);
		else
			st = sd_err_nest(err, SD_EINVAL, &bads.first, "%.199s "
			    "(%zu bad rows in all; nothing imported; set the bad "
			    "rows aside (skip-bad) to import the rest)",
			    bads.first.msg, bads.n);
		goto out;
	}
	if (bads.n > 0 && (st = write_rejects(o->rejects, t, &bads, err)) != SD_OK)
		goto out;
	res->rejected = (long)bads.n;

	/* 3. Write, in batches tagged with the import; undo on failure. */
	memset(&m, 0, sizeof m);
	if ((st = sd_seq_next(s->core->db, "import", &m.id, err)) != SD_OK)
		goto out;
	sd_strlcpy(m.file, file, sizeof m.file);
	sd_strlcpy(m.by, s->user.login, sizeof m.by);
	m.started = sd_now();
	m.status = IMP_RUNNING;
	m.pid = (long)getpid();
	{
		struct imp_arg ia = { &m, s->user.login, NULL };

		if ((st = sd_db_run(s->core->db, imp_txn, &ia, err)) != SD_OK)
			goto out;
	}
	res->import_id = m.id;
	kv = xcalloc(BATCH, sizeof *kv);
	keys = xcalloc(BATCH, sizeof *keys);
	for (int i = 0; i < nrows; i += BATCH) {
		struct write_arg a = { s->core, state, t, colfield, file, o->owner,
		    i, i + BATCH < nrows ? i + BATCH : nrows, m.id, 0, m.started,
		    0, 0, SD_BUF_INIT, NULL, NULL };
		unsigned good = 0;

		for (int k = a.from; k < a.to; k++)
			good += state[k] == ROW_OK;
		if (good == 0)
			continue;
		if ((st = sd_seq_take(s->core->db, "customer", good, &a.next_id,
		    err)) == SD_OK) {
			a.kv = kv;
			a.keys = keys;
			st = sd_db_run_nosync(s->core->db, write_txn, &a, err);
			if (st == SD_EEXIST && a.one_by_one)
				st = sd_db_run_nosync(s->core->db, write_txn, &a,
				    err);
			sd_buf_free(&a.vals);
		}
		if (st != SD_OK) {
			struct sd_err e2;
			struct imp_arg ia = { &m, s->user.login, "undone" };

			undo_import(s->core->db, m.id, &e2);
			m.status = IMP_FAILED;
			m.count = 0;
			sd_db_run(s->core->db, imp_txn, &ia, &e2);
			res->imported = 0;
			sd_err_nest(err, st == SD_EEXIST ? SD_EREFUSED : st, err,
			    "%.100s: %.350s (nothing imported)", file, err->msg);
			goto out;
		}
		res->imported += a.written;
		if (o->progress != NULL)
			o->progress(a.to, nrows, o->progress_arg);
	}
	m.status = IMP_DONE;
	m.count = res->imported;
	{
		char detail[400];
		struct imp_arg ia = { &m, s->user.login, detail };

		snprintf(detail, sizeof detail, "%ld customers from %.200s (%s), "
		    "%ld rejected", res->imported, file,
		    t->encoding ? t->encoding : "?", res->rejected);
		st = sd_db_run(s->core->db, imp_txn, &ia, err);
	}
out:
	free(kv);
	free(keys);
	free(state);
	free(bads.v);
	free(colfield);
	return st;
}
