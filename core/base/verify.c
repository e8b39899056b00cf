/*
 * verify.c -- sd_verify: the invariants of DESIGN.md section 4 that exist
 * so far, eighteen kinds of check of one committed state, read with the
 * writers paused (sd_verify says why).  Here: every posting
 * balances, every account balance equals the replay of its postings, all
 * balances sum to zero, user records are sane, and every secondary index
 * of every table matches its primary exactly; through core_domains, each domain's share: crm's
 * customers, stock's cards and orders, billing's bills, receipts (no
 * gaps) and usage, money's commission payables, statement totals and
 * lines, agent receipts and invoices (no gaps), report's call and sales
 * rollups against a recount of the events.  Also the data directory's
 * free space (sd_disk_*).
 */
#include <sys/statvfs.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/base_int.h"

/* How long verify waits for the writers to pause (a batch of an import
 * under way finishes first). */
#define VERIFY_WAIT_MS	60000

void
rec_verify_report(struct rec_verify *a, const char *check, int ok, const char *fmt, ...)
{
	struct sd_verify_row row;
	va_list ap;

	memset(&row, 0, sizeof row);
	sd_strlcpy(row.check, check, sizeof row.check);
	row.ok = ok;
	va_start(ap, fmt);
	vsnprintf(row.detail, sizeof row.detail, fmt, ap);
	va_end(ap);
	if (!ok)
		a->failed++;
	rowbuf_add(&a->rows, &row);
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
		if (r.tag == P_LINE_ACCOUNT) {
			match = account == NULL || (r.blen == strlen(account) &&
			    memcmp(r.bytes, account, r.blen) == 0);
			(*nlines)++;
		} else if (r.tag == P_LINE_AMOUNT && match)
			*sum += r.ival;
	}
	return ok;
}

static int
check_postings(struct sd_txn *t, struct rec_verify *a, struct sd_err *err)
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
	rec_verify_report(a, "postings balance", bad == 0, "%llu postings, %llu unbalanced",
	    (unsigned long long)n, (unsigned long long)bad);
	return SD_OK;
}

static int
check_balances(struct sd_txn *t, struct rec_verify *a, struct sd_err *err)
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
		struct account ac;
		int64_t balance, replay = 0;

		n++;
		snprintf(account, sizeof account, "%.*s", (int)klen, k);
		/* What decodes (a damaged record's balance counts as far as it
		 * reads); the sum then shows the damage. */
		(void)account_decode(v, vlen, &ac);
		balance = ac.balance;
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
	rec_verify_report(a, "balances replay", bad == 0,
	    "%llu accounts, %llu differ%s", (unsigned long long)n,
	    (unsigned long long)bad, first_bad);
	rec_verify_report(a, "balances sum to zero", total == 0, "sum %lld fen",
	    (long long)total);
	return SD_OK;
}

static int
check_index(struct sd_txn *t, struct rec_verify *a, int table, int index,
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
	rec_verify_report(a, name, bad == 0 && found == expected,
	    "%llu entries, %llu expected, %llu stray",
	    (unsigned long long)found, (unsigned long long)expected,
	    (unsigned long long)bad);
	return SD_OK;
}

static int
check_users(struct sd_txn *t, struct rec_verify *a, struct sd_err *err)
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
	rec_verify_report(a, "users", bad == 0 && admins > 0,
	    "%llu users, %llu malformed, %llu active admins",
	    (unsigned long long)n, (unsigned long long)bad,
	    (unsigned long long)admins);
	return SD_OK;
}

static int
verify_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct rec_verify *a = arg;
	int st;

	a->failed = 0;
	rowbuf_reset(&a->rows);
	if ((st = check_postings(t, a, err)) != SD_OK)
		return st;
	if ((st = check_balances(t, a, err)) != SD_OK)
		return st;
	if ((st = check_users(t, a, err)) != SD_OK)
		return st;
	for (int i = 0; i < core_ndomains; i++)
		if (core_domains[i].verify != NULL &&
		    (st = core_domains[i].verify(t, a, err)) != SD_OK)
			return st;
	for (int i = 0; i < T__COUNT; i++)
		for (int j = 0; j < core_schema()[i].nindexes; j++)
			if ((st = check_index(t, a, i, j, err)) != SD_OK)
				return st;
	return SD_OK;
}

int
sd_verify(struct sd_session *s, sd_verify_cb cb, void *arg, struct sd_err *err)
{
	struct rec_verify a;
	int st;

	if ((st = sd_authorize(s, SD_OP_VERIFY, "", err)) != SD_OK)
		return -1;
	memset(&a, 0, sizeof a);
	rowbuf_init(&a.rows, sizeof(struct sd_verify_row), NULL);
	/*
	 * One committed state: a balance and the postings replayed against
	 * it, the usage and the calls summed against it, an index and its
	 * table must come from one moment, even while cashiers post and
	 * imports run.  The writers are paused for the check (each waits
	 * at its next transaction; one under way finishes first), so
	 * nothing changes while it reads, and each check holds or fails
	 * for that one state exactly; its read-committed cursors let go of
	 * every page as they move on.  A degree-3 transaction made the
	 * same promise with a read lock a page kept to the end, and on a
	 * data directory of 3M call records it ran out of the lock table
	 * (200000 locks) before it was half through.  (Multiversion pages,
	 * the other way to read one moment without locks, copied a page at
	 * every transaction's first write to it, check or no check, and
	 * pushed old copies out to freezer files under a CDR import.)
	 */
	if ((st = sd_db_read_still(s->core->db, VERIFY_WAIT_MS, verify_txn,
	    &a, err)) != SD_OK) {
		rowbuf_free(&a.rows);
		return -1;
	}
	for (size_t i = 0; cb != NULL && i < a.rows.n; i++) {
		const struct sd_verify_row *r = rowbuf_at(&a.rows, i);

		cb(r->check, r->ok, r->detail, arg);
	}
	rowbuf_free(&a.rows);
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
