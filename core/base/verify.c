/*
 * verify.c -- the invariants of DESIGN.md section 4 that exist so far:
 * every posting balances, every account balance equals the replay of its
 * postings, all balances sum to zero, every secondary index matches its
 * primary exactly, and user records are sane.  Read-only.
 */
#include <sys/statvfs.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core_int.h"

struct verify_arg {
	sd_verify_cb	 cb;
	void		*cbarg;
	int		 failed;
};

static void
report(struct verify_arg *a, const char *check, int ok, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
report(struct verify_arg *a, const char *check, int ok, const char *fmt, ...)
{
	char detail[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof detail, fmt, ap);
	va_end(ap);
	if (!ok)
		a->failed++;
	if (a->cb != NULL)
		a->cb(check, ok, detail, a->cbarg);
}

/* Sum a posting's lines; with account, only that account's lines. */
static int
posting_sum(const void *rec, size_t len, const char *account, int64_t *sum,
    int *nlines)
{
	struct sd_rec_reader r;
	int ok, match = 0;

	*sum = 0;
	*nlines = 0;
	if (sd_rec_open(&r, rec, len) != SD_OK)
		return -1;
	while ((ok = sd_rec_next(&r)) == 1) {
		if (r.tag == 10) {
			match = account == NULL || (r.blen == strlen(account) &&
			    memcmp(r.bytes, account, r.blen) == 0);
			(*nlines)++;
		} else if (r.tag == 11 && match)
			*sum += r.ival;
	}
	return ok;
}

static int
check_postings(struct sd_txn *t, struct verify_arg *a, struct sd_err *err)
{
	struct sd_cursor *c;
	uint64_t n = 0, bad = 0;
	int st;

	if ((st = sd_cursor_open(t, T_POSTING, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t len;
		const void *v = sd_cursor_val(c, &len);
		int64_t sum;
		int lines;

		n++;
		if (posting_sum(v, len, NULL, &sum, &lines) != 0 || sum != 0 ||
		    lines < 2)
			bad++;
	}
	sd_cursor_close(c);
	if (st != SD_ENOTFOUND)
		return st;
	report(a, "postings balance", bad == 0, "%llu postings, %llu unbalanced",
	    (unsigned long long)n, (unsigned long long)bad);
	return SD_OK;
}

static int
check_balances(struct sd_txn *t, struct verify_arg *a, struct sd_err *err)
{
	struct sd_cursor *c, *ix;
	uint64_t n = 0, bad = 0;
	int64_t total = 0;
	char first_bad[200] = "";
	int st, st2;

	if ((st = sd_cursor_open(t, T_ACCOUNT, -1, &c, err)) != SD_OK)
		return st;
	if ((st = sd_cursor_open(t, T_POSTING, IX_POSTING_ACCOUNT, &ix,
	    err)) != SD_OK) {
		sd_cursor_close(c);
		return st;
	}
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t klen, vlen;
		const char *k = sd_cursor_key(c, &klen);
		const void *v = sd_cursor_val(c, &vlen);
		char account[80];
		struct sd_rec_reader r;
		int64_t balance = 0, replay = 0;

		n++;
		snprintf(account, sizeof account, "%.*s", (int)klen, k);
		if (sd_rec_open(&r, v, vlen) == SD_OK)
			while (sd_rec_next(&r) == 1)
				if (r.tag == 1)
					balance = r.ival;
		total += balance;
		/* Replay: every posting that names the account. */
		st2 = sd_cursor_seek(ix, SD_SEEK_GE, account, strlen(account) + 1,
		    err);
		while (st2 == SD_OK) {
			size_t ik, pv;
			const char *key = sd_cursor_key(ix, &ik);
			const void *pval = sd_cursor_val(ix, &pv);
			int64_t part;
			int lines;

			if (ik <= strlen(account) ||
			    memcmp(key, account, strlen(account) + 1) != 0)
				break;
			posting_sum(pval, pv, account, &part, &lines);
			replay += part;
			st2 = sd_cursor_step(ix, 1, err);
		}
		if (st2 != SD_OK && st2 != SD_ENOTFOUND) {
			st = st2;
			break;
		}
		if (replay != balance) {
			bad++;
			if (first_bad[0] == '\0')
				snprintf(first_bad, sizeof first_bad,
				    " (first: %s %lld vs %lld)", account,
				    (long long)balance, (long long)replay);
		}
	}
	sd_cursor_close(ix);
	sd_cursor_close(c);
	if (st != SD_ENOTFOUND)
		return st;
	report(a, "balances replay", bad == 0,
	    "%llu accounts, %llu differ%s", (unsigned long long)n,
	    (unsigned long long)bad, first_bad);
	report(a, "balances sum to zero", total == 0, "sum %lld fen",
	    (long long)total);
	return SD_OK;
}

static int
check_index(struct sd_txn *t, struct verify_arg *a, int table, int index,
    struct sd_err *err)
{
	struct sd_db *db = sd_txn_db(t);
	const struct sd_table_def *def = sd_db_table(db, table);
	struct sd_cursor *c;
	uint64_t expected = 0, found = 0, bad = 0;
	char name[96];
	int st;

	snprintf(name, sizeof name, "index %s.%s", def->name,
	    def->indexes[index].name);
	/* Keys the primaries call for. */
	if ((st = sd_cursor_open(t, table, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		struct sd_keys k;
		size_t pl, vl;
		const void *pk = sd_cursor_key(c, &pl);
		const void *v = sd_cursor_val(c, &vl);

		memset(&k, 0, sizeof k);
		if (sd_index_extract(db, table, index, pk, pl, v, vl, &k) == 0)
			expected += (uint64_t)k.n;
		else
			bad++;
		sd_buf_free(&k.buf);
	}
	sd_cursor_close(c);
	if (st != SD_ENOTFOUND)
		return st;
	/* Every index entry points at a primary that calls for that key. */
	if ((st = sd_cursor_open(t, table, index, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		struct sd_keys k;
		size_t kl, pl, vl;
		const void *key = sd_cursor_key(c, &kl);
		const void *pk = sd_cursor_pkey(c, &pl);
		const void *v = sd_cursor_val(c, &vl);
		int hit = 0;

		found++;
		memset(&k, 0, sizeof k);
		sd_index_extract(db, table, index, pk, pl, v, vl, &k);
		for (int i = 0; i < k.n; i++)
			if (k.len[i] == kl && memcmp(k.buf.p + k.off[i], key, kl) == 0)
				hit = 1;
		if (!hit)
			bad++;
		sd_buf_free(&k.buf);
	}
	sd_cursor_close(c);
	if (st != SD_ENOTFOUND)
		return st;
	report(a, name, bad == 0 && found == expected,
	    "%llu entries, %llu expected, %llu stray",
	    (unsigned long long)found, (unsigned long long)expected,
	    (unsigned long long)bad);
	return SD_OK;
}

static int
check_users(struct sd_txn *t, struct verify_arg *a, struct sd_err *err)
{
	struct sd_cursor *c;
	uint64_t n = 0, bad = 0, admins = 0;
	int st;

	if ((st = sd_cursor_open(t, T_USER, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t pl, vl;
		const void *pk = sd_cursor_key(c, &pl);
		const void *v = sd_cursor_val(c, &vl);
		struct sd_user u;

		n++;
		if (user_decode(v, vl, &u) != SD_OK || pl != 8 ||
		    sd_be64_get(pk) != u.id || u.role <= SD_ROLE_NONE ||
		    u.role >= SD_ROLE__COUNT || u.login[0] == '\0')
			bad++;
		else if (u.role == SD_ROLE_ADMIN && u.status == SD_USER_ACTIVE)
			admins++;
	}
	sd_cursor_close(c);
	if (st != SD_ENOTFOUND)
		return st;
	report(a, "users", bad == 0 && admins > 0,
	    "%llu users, %llu malformed, %llu active admins",
	    (unsigned long long)n, (unsigned long long)bad,
	    (unsigned long long)admins);
	return SD_OK;
}

/* Customers: owners exist; none comes from an import that did not finish. */
static int
check_customers(struct sd_txn *t, struct verify_arg *a, struct sd_err *err)
{
	struct sd_cursor *c;
	uint64_t n = 0, orphans = 0, stray = 0;
	int st;

	if ((st = sd_cursor_open(t, T_CUSTOMER, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t vl;
		const void *v = sd_cursor_val(c, &vl);
		struct sd_customer cu;
		struct sd_user u;
		struct sd_err e;

		n++;
		if (customer_decode(v, vl, &cu) != SD_OK)
			continue;	/* the index checks count it */
		if (cu.owner[0] && user_load(t, cu.owner, &u, 0, &e) != SD_OK)
			orphans++;
		if (cu.import_id) {
			struct sd_buf val = SD_BUF_INIT;
			uint8_t k[8];

			key64(k, cu.import_id);
			/* tag 5 of an import record is its status; 1 = done */
			if (sd_get(t, T_IMPORT, k, 8, &val, 0, &e) != SD_OK)
				stray++;
			else {
				struct sd_rec_reader r;
				int done = 0;

				if (sd_rec_open(&r, val.p, val.len) == SD_OK)
					while (sd_rec_next(&r) == 1)
						if (r.tag == 5 && r.ival == 1)
							done = 1;
				stray += !done;
			}
			sd_buf_free(&val);
		}
	}
	sd_cursor_close(c);
	if (st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	report(a, "customers", orphans == 0 && stray == 0, "%llu customers, "
	    "%llu with an unknown owner, %llu from unfinished imports",
	    (unsigned long long)n, (unsigned long long)orphans,
	    (unsigned long long)stray);
	return SD_OK;
}

/* Each card in exactly one known state with an owner that fits it. */
static int
check_sims(struct sd_txn *t, struct verify_arg *a, struct sd_err *err)
{
	struct sd_cursor *c;
	uint64_t n = 0, bad = 0;
	int st;

	if ((st = sd_cursor_open(t, T_SIM, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t kl, vl;
		const char *k = sd_cursor_key(c, &kl);
		const void *v = sd_cursor_val(c, &vl);
		struct sd_sim s;

		n++;
		if (sim_decode(v, vl, &s) != SD_OK || kl != strlen(s.iccid) ||
		    memcmp(k, s.iccid, kl) != 0 || s.status < 0 ||
		    s.status >= SD_SIM__COUNT ||
		    ((s.status == SD_SIM_IN_STOCK || s.status == SD_SIM_RESERVED) &&
		    s.agent[0] != '\0') ||
		    (s.status == SD_SIM_ALLOCATED && s.agent[0] == '\0') ||
		    (s.status == SD_SIM_RESERVED && s.order == 0))
			bad++;
		/* A reserved card's order must be approved or shipped and
		 * list it. */
		if (s.status == SD_SIM_RESERVED && s.order != 0) {
			struct sd_buf val = SD_BUF_INIT;
			struct sd_order o;
			struct sd_err e;
			uint8_t ok8[8];
			int listed = 0;

			key64(ok8, s.order);
			if (sd_get(t, T_ORDER, ok8, 8, &val, 0, &e) == SD_OK &&
			    order_decode(val.p, val.len, &o) == SD_OK) {
				for (int i = 0; i < o.niccids; i++)
					listed |= strcmp(o.iccids[i], s.iccid) == 0;
				listed &= o.status == SD_ORDER_APPROVED ||
				    o.status == SD_ORDER_SHIPPED;
				sd_order_free(&o);
			}
			sd_buf_free(&val);
			bad += !listed;
		}
	}
	sd_cursor_close(c);
	if (st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	report(a, "sim cards", bad == 0, "%llu cards, %llu in an inconsistent "
	    "state", (unsigned long long)n, (unsigned long long)bad);
	return SD_OK;
}

/* Each approved or shipped order's cards are reserved for it. */
static int
check_orders(struct sd_txn *t, struct verify_arg *a, struct sd_err *err)
{
	struct sd_cursor *c;
	uint64_t n = 0, bad = 0;
	int st;

	if ((st = sd_cursor_open(t, T_ORDER, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t vl;
		const void *v = sd_cursor_val(c, &vl);
		struct sd_order o;

		n++;
		if (order_decode(v, vl, &o) != SD_OK) {
			bad++;
			continue;
		}
		if (o.status == SD_ORDER_APPROVED || o.status == SD_ORDER_SHIPPED) {
			int ok = o.niccids == o.count;

			for (int i = 0; i < o.niccids && ok; i++) {
				struct sd_sim s;
				struct sd_err e;

				ok = sim_load(t, o.iccids[i], &s, 0, &e) == SD_OK &&
				    s.status == SD_SIM_RESERVED && s.order == o.id;
			}
			bad += !ok;
		}
		sd_order_free(&o);
	}
	sd_cursor_close(c);
	if (st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	report(a, "orders", bad == 0, "%llu orders, %llu whose reserved cards "
	    "do not match", (unsigned long long)n, (unsigned long long)bad);
	return SD_OK;
}

/* Each bill equals its lines, and posted what it charges. */
static int
check_bills(struct sd_txn *t, struct verify_arg *a, struct sd_err *err)
{
	struct sd_cursor *c;
	uint64_t n = 0, bad = 0;
	int st;

	if ((st = sd_cursor_open(t, T_BILL, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t vl;
		const void *v = sd_cursor_val(c, &vl);
		struct sd_bill b;
		int64_t sum = 0;

		n++;
		if (bill_decode(v, vl, &b) != SD_OK) {
			bad++;
			continue;
		}
		for (int i = 0; i < b.nlines; i++)
			sum += b.lines[i].amount_fen;
		bad += sum != b.total_fen || b.total_fen != b.plan_fee_fen +
		    b.vas_fee_fen + b.call_fee_fen + b.one_off_fen +
		    b.adjust_fen || b.posted_plan_fen != b.plan_fee_fen ||
		    b.posted_vas_fen != b.vas_fee_fen ||
		    b.posted_call_fen != b.call_fee_fen || b.paid_fen < 0;
	}
	sd_cursor_close(c);
	if (st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	report(a, "bills", bad == 0, "%llu bills, %llu not equal to their lines",
	    (unsigned long long)n, (unsigned long long)bad);
	return SD_OK;
}

/* Each month's usage of a subscription equals the calls on file for it:
 * an import killed half-way left nothing counted twice. */
struct use_key {
	uint64_t sub;
	int	 month;
	long	 calls;
	int64_t	 fee;
};

static int
use_cmp(const void *x, const void *y)
{
	const struct use_key *a = x, *b = y;

	if (a->sub != b->sub)
		return a->sub < b->sub ? -1 : 1;
	return (a->month > b->month) - (a->month < b->month);
}

static int
check_usage(struct sd_txn *t, struct verify_arg *a, struct sd_err *err)
{
	struct sd_cursor *c;
	struct use_key *u = NULL;
	size_t n = 0, cap = 0, bad = 0, nu = 0;
	int st;

	/* Sum the calls per subscription and month... */
	if ((st = sd_cursor_open(t, T_CDR, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t vl;
		const void *v = sd_cursor_val(c, &vl);
		struct sd_cdr x;

		if (cdr_decode(v, vl, &x) != SD_OK) {
			bad++;
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			u = xrealloc(u, cap * sizeof *u);
		}
		u[n++] = (struct use_key){ x.sub, x.month, 1, x.cost_fen };
	}
	sd_cursor_close(c);
	if (st != SD_ENOTFOUND) {
		free(u);
		return st;
	}
	sd_err_clear(err);
	if (n > 0)
		qsort(u, n, sizeof *u, use_cmp);
	{
		size_t w = 0;

		for (size_t i = 0; i < n; i++)
			if (w > 0 && use_cmp(&u[w - 1], &u[i]) == 0) {
				u[w - 1].calls++;
				u[w - 1].fee += u[i].fee;
			} else
				u[w++] = u[i];
		n = w;
	}
	/* ...and hold them against the usage records. */
	if ((st = sd_cursor_open(t, T_USAGE, -1, &c, err)) != SD_OK) {
		free(u);
		return st;
	}
	for (st = sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t kl;
		const uint8_t *k = sd_cursor_key(c, &kl);
		struct sd_usage us;
		struct use_key key, *hit;
		struct sd_err e;

		if (kl != 12) {
			bad++;
			continue;
		}
		key.sub = sd_be64_get(k);
		key.month = (int)((uint32_t)k[8] << 24 | (uint32_t)k[9] << 16 |
		    (uint32_t)k[10] << 8 | k[11]);
		nu++;
		if (usage_load(t, key.sub, key.month, &us, 0, &e) != SD_OK) {
			bad++;
			continue;
		}
		hit = n > 0 ? bsearch(&key, u, n, sizeof *u, use_cmp) : NULL;
		if (us.calls == 0 && hit == NULL)
			continue;
		if (hit == NULL || hit->calls != us.calls ||
		    hit->fee != us.call_fee_fen)
			bad++;
	}
	sd_cursor_close(c);
	free(u);
	if (st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	if (nu < n)
		bad += n - nu;		/* calls with no usage record */
	report(a, "usage", bad == 0, "%zu subscription-months, %zu not equal to "
	    "their calls", nu, bad);
	return SD_OK;
}

/* Receipt numbers have no gaps: 1 to the series' counter, all there. */
static int
check_receipts(struct sd_txn *t, struct verify_arg *a, struct sd_err *err)
{
	struct sd_cursor *c;
	uint64_t n = 0, missing = 0, series = 0;
	int st;

	if ((st = sd_cursor_open(t, T_META, -1, &c, err)) != SD_OK)
		return st;
	for (st = sd_cursor_seek(c, SD_SEEK_GE, "receipt:", 8, err);
	    st == SD_OK; st = sd_cursor_step(c, 1, err)) {
		size_t kl, vl;
		const char *k = sd_cursor_key(c, &kl);
		const uint8_t *v = sd_cursor_val(c, &vl);
		char name[24], num[40];
		uint64_t last;

		if (kl < 8 || memcmp(k, "receipt:", 8) != 0)
			break;
		if (vl != 8 || kl - 8 >= sizeof name) {
			missing++;
			continue;
		}
		memcpy(name, k + 8, kl - 8);
		name[kl - 8] = '\0';
		last = sd_be64_get(v);
		series++;
		for (uint64_t i = 1; i <= last + 1; i++) {
			struct sd_buf val = SD_BUF_INIT;
			struct sd_err e;
			int got;

			snprintf(num, sizeof num, "%s%08llu", name,
			    (unsigned long long)i);
			got = sd_get(t, T_RECEIPT, num, strlen(num), &val, 0, &e) ==
			    SD_OK;
			sd_buf_free(&val);
			if (i <= last) {
				n++;
				missing += !got;
			} else
				missing += got;		/* beyond the counter */
		}
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND)
		return st;
	sd_err_clear(err);
	report(a, "receipts", missing == 0, "%llu receipts in %llu series, "
	    "%llu gaps", (unsigned long long)n, (unsigned long long)series,
	    (unsigned long long)missing);
	return SD_OK;
}

static int
verify_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct verify_arg *a = arg;
	int st;

	a->failed = 0;
	if ((st = check_postings(t, a, err)) != SD_OK)
		return st;
	if ((st = check_balances(t, a, err)) != SD_OK)
		return st;
	if ((st = check_users(t, a, err)) != SD_OK)
		return st;
	if ((st = check_customers(t, a, err)) != SD_OK)
		return st;
	if ((st = check_sims(t, a, err)) != SD_OK)
		return st;
	if ((st = check_orders(t, a, err)) != SD_OK)
		return st;
	if ((st = check_bills(t, a, err)) != SD_OK)
		return st;
	if ((st = check_receipts(t, a, err)) != SD_OK)
		return st;
	if ((st = check_usage(t, a, err)) != SD_OK)
		return st;
	for (int i = 0; i < T__COUNT; i++)
		for (int j = 0; j < sd_schema[i].nindexes; j++)
			if ((st = check_index(t, a, i, j, err)) != SD_OK)
				return st;
	return SD_OK;
}

int
sd_verify(struct sd_session *s, sd_verify_cb cb, void *arg, struct sd_err *err)
{
	struct verify_arg a = { cb, arg, 0 };
	int st;

	if ((st = sd_authorize(s, SD_OP_VERIFY, "", err)) != SD_OK)
		return -1;
	/*
	 * Full (degree 3) isolation: a balance and the postings replayed
	 * against it must come from one moment, even while cashiers post.
	 * Read locks make writers wait for the check, not the reverse.
	 */
	if ((st = sd_db_run(s->core->db, verify_txn, &a, err)) != SD_OK)
		return -1;
	return a.failed;
}

/* ---------------------------------------------------------------- disk */

int
sd_disk_status(struct sd_core *core, struct sd_disk *out, struct sd_err *err)
{
	struct statvfs v;

	memset(out, 0, sizeof *out);
	if (statvfs(core->cfg.data_dir, &v) != 0)
		return sd_err_set(err, SD_EINTERNAL, "%s: %s", core->cfg.data_dir,
		    strerror(errno));
	out->free_mb = (int64_t)((unsigned long long)v.f_bavail *
	    (unsigned long long)v.f_frsize / (1024 * 1024));
	out->warn_mb = core->cfg.free_space_warn_mb;
	out->low = out->warn_mb > 0 && out->free_mb < out->warn_mb;
	return SD_OK;
}

int
sd_disk_get(struct sd_session *s, struct sd_disk *out, struct sd_err *err)
{
	int st;

	if ((st = sd_authorize(s, SD_OP_VERIFY, "disk", err)) != SD_OK)
		return st;
	return sd_disk_status(s->core, out, err);
}
