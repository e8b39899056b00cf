/*
 * ledger.c -- double-entry bookkeeping for every money feature: a posting
 * is one balanced set of lines (sum zero) written in the caller's
 * transaction together with the account balances it moves and an audit
 * row.  Amounts are integer fen; overflow is refused, never wrapped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/base/base_int.h"

#define AMOUNT_MAX	((int64_t)1 << 53)	/* 90 trillion yuan: absurd */

static const struct rec_field account_f[] = {
	REC_I(AC_BALANCE, account, balance),
	REC_I(AC_POSTINGS, account, postings),
};

int
account_decode(const void *p, size_t n, struct account *a)
{
	return rec_decode(account_f, REC_N(account_f), p, n, a, sizeof *a);
}

static int
account_load(struct sd_txn *t, const char *account, int64_t *balance,
    int64_t *postings, int rmw, struct sd_err *err)
{
	struct sd_buf val = SD_BUF_INIT;
	struct account a;
	int st;

	*balance = 0;
	*postings = 0;
	st = sd_get(t, T_ACCOUNT, account, strlen(account), &val,
	    rmw ? SD_GET_RMW : 0, err);
	if (st == SD_ENOTFOUND) {
		sd_err_clear(err);
		sd_buf_free(&val);
		return SD_OK;	/* a new account starts at zero */
	}
	if (st != SD_OK) {
		sd_buf_free(&val);
		return st;
	}
	st = account_decode(val.p, val.len, &a);
	sd_buf_free(&val);
	if (st != SD_OK)
		return sd_err_set(err, SD_EINTERNAL, "account %s: corrupt",
		    account);
	*balance = a.balance;
	*postings = a.postings;
	return SD_OK;
}

int
sd_ledger_balance(struct sd_txn *t, const char *account, int64_t *out,
    struct sd_err *err)
{
	int64_t n;

	return account_load(t, account, out, &n, 0, err);
}

int
sd_ledger_post(struct sd_txn *t, const char *actor, const char *memo,
    const char *ref, const struct sd_posting_line *lines, int n,
    uint64_t *id, struct sd_err *err)
{
	struct sd_buf rec = SD_BUF_INIT, desc = SD_BUF_INIT;
	struct account acc;
	uint64_t pid;
	uint8_t key[8];
	int64_t sum = 0;
	int st;

	if (n < 2 || n > SD_POSTING_LINES_MAX)
		return sd_err_set(err, SD_EINVAL,
		    "posting: needs 2 to %d lines, got %d",
		    SD_POSTING_LINES_MAX, n);
	for (int i = 0; i < n; i++) {
		if (lines[i].account == NULL || lines[i].account[0] == '\0' ||
		    strlen(lines[i].account) > 64)
			return sd_err_set(err, SD_EINVAL,
			    "posting: line %d: bad account", i + 1);
		if (lines[i].amount_fen > AMOUNT_MAX ||
		    lines[i].amount_fen < -AMOUNT_MAX)
			return sd_err_set(err, SD_EINVAL,
			    "posting: line %d: amount out of range", i + 1);
		sum += lines[i].amount_fen;
	}
	if (sum != 0)
		return sd_err_set(err, SD_EINVAL,
		    "posting: lines sum to %lld fen, not zero", (long long)sum);
	if ((st = sd_seq_next(sd_txn_db(t), "posting", &pid, err)) != SD_OK)
		return st;
	sd_rec_begin(&rec);
	sd_rec_int(&rec, P_ID, (int64_t)pid);
	sd_rec_int(&rec, P_AT, sd_now());
	sd_rec_str(&rec, P_ACTOR, actor);
	sd_rec_str(&rec, P_MEMO, memo);
	sd_rec_str(&rec, P_REF, ref);
	sd_rec_int(&rec, P_NLINES, n);
	for (int i = 0; i < n; i++) {
		int64_t bal, cnt;
		char amt[32];

		sd_rec_str(&rec, P_LINE_ACCOUNT, lines[i].account);
		sd_rec_int(&rec, P_LINE_AMOUNT, lines[i].amount_fen);
		if ((st = account_load(t, lines[i].account, &bal, &cnt, 1,
		    err)) != SD_OK)
			goto out;
		if (__builtin_add_overflow(bal, lines[i].amount_fen, &bal) ||
		    bal > AMOUNT_MAX || bal < -AMOUNT_MAX) {
			st = sd_err_set(err, SD_EINVAL,
			    "posting: account %s would overflow",
			    lines[i].account);
			goto out;
		}
		acc.balance = bal;
		acc.postings = cnt + 1;
		if ((st = rec_store(t, T_ACCOUNT, lines[i].account,
		    strlen(lines[i].account), account_f, REC_N(account_f), &acc,
		    err)) != SD_OK)
			goto out;
		sd_money_format(lines[i].amount_fen, amt, sizeof amt);
		sd_buf_printf(&desc, "%s%s %s", i ? "; " : "",
		    lines[i].account, amt);
	}
	sd_be64_put(key, pid);
	if ((st = sd_put(t, T_POSTING, key, sizeof key, rec.p, rec.len,
	    SD_PUT_NOOVERWRITE, err)) != SD_OK)
		goto out;
	{
		char obj[32];

		snprintf(obj, sizeof obj, "posting:%llu",
		    (unsigned long long)pid);
		st = sd_audit_write(t, actor, "ledger.post", obj,
		    SD_OUTCOME_OK, memo, sd_buf_cstr(&desc), err);
	}
	if (st == SD_OK && id != NULL)
		*id = pid;
out:
	sd_buf_free(&rec);
	sd_buf_free(&desc);
	return st;
}

/* ---------------------------------------------------------------- in bulk */

/* One line of a bulk posting, for its account's turn. */
struct many_line {
	const char	*account;
	int64_t		 amount_fen;
	int		 order;		/* in the postings, as given */
};

static int
many_line_cmp(const void *x, const void *y)
{
	const struct many_line *a = x, *b = y;
	int c = strcmp(a->account, b->account);

	return c != 0 ? c : (a->order > b->order) - (a->order < b->order);
}

struct many_audit {
	const struct sd_posting	*p;
	uint64_t		 first;
	const char		*memo;
};

static void
many_audit_row(void *arg, int i, char *object, size_t osize, char *before,
    size_t bsize, char *after, size_t asize)
{
	const struct many_audit *m = arg;
	const struct sd_posting *p = &m->p[i];
	size_t at = 0;

	snprintf(object, osize, "posting:%llu",
	    (unsigned long long)(m->first + (uint64_t)i));
	sd_strlcpy(before, m->memo, bsize);
	after[0] = '\0';
	for (int j = 0; j < p->n && at < asize; j++) {
		char amt[32];
		int w;

		sd_money_format(p->lines[j].amount_fen, amt, sizeof amt);
		w = snprintf(after + at, asize - at, "%s%s %s", j ? "; " : "",
		    p->lines[j].account, amt);
		if (w < 0)
			break;
		at += (size_t)w;
	}
}

int
ledger_post_many(struct sd_txn *t, const char *actor, const char *memo,
    const struct sd_posting *p, int np, struct sd_err *err)
{
	struct sd_buf recs = SD_BUF_INIT;
	struct many_line *ml;
	struct sd_kv *kv;
	uint8_t (*keys)[8];
	size_t *off, nl = 0;
	uint64_t first;
	int64_t now = sd_now();
	int st = SD_OK;

	if (np <= 0)
		return SD_OK;
	for (int i = 0; i < np; i++) {
		int64_t sum = 0;

		if (p[i].n < 2 || p[i].n > SD_POSTING_LINES_MAX)
			return sd_err_set(err, SD_EINVAL,
			    "posting: needs 2 to %d lines, got %d",
			    SD_POSTING_LINES_MAX, p[i].n);
		for (int j = 0; j < p[i].n; j++) {
			const struct sd_posting_line *l = &p[i].lines[j];

			if (l->account == NULL || l->account[0] == '\0' ||
			    strlen(l->account) > 64)
				return sd_err_set(err, SD_EINVAL,
				    "posting: line %d: bad account", j + 1);
			if (l->amount_fen > AMOUNT_MAX ||
			    l->amount_fen < -AMOUNT_MAX)
				return sd_err_set(err, SD_EINVAL,
				    "posting: line %d: amount out of range",
				    j + 1);
			sum += l->amount_fen;
		}
		if (sum != 0)
			return sd_err_set(err, SD_EINVAL, "posting: lines sum "
			    "to %lld fen, not zero", (long long)sum);
		nl += (size_t)p[i].n;
	}
	if ((st = sd_seq_take(sd_txn_db(t), "posting", (unsigned)np, &first,
	    err)) != SD_OK)
		return st;
	/* Each account once: its lines in the postings' order. */
	ml = xcalloc(nl, sizeof *ml);
	nl = 0;
	for (int i = 0; i < np; i++)
		for (int j = 0; j < p[i].n; j++) {
			ml[nl].account = p[i].lines[j].account;
			ml[nl].amount_fen = p[i].lines[j].amount_fen;
			ml[nl].order = (int)nl;
			nl++;
		}
	qsort(ml, nl, sizeof *ml, many_line_cmp);
	for (size_t i = 0; i < nl && st == SD_OK;) {
		struct account acc;
		int64_t bal, cnt;
		size_t j;

		if ((st = account_load(t, ml[i].account, &bal, &cnt, 1,
		    err)) != SD_OK)
			break;
		for (j = i; j < nl && strcmp(ml[j].account, ml[i].account) == 0;
		    j++) {
			if (__builtin_add_overflow(bal, ml[j].amount_fen, &bal) ||
			    bal > AMOUNT_MAX || bal < -AMOUNT_MAX) {
				st = sd_err_set(err, SD_EINVAL, "posting: "
				    "account %s would overflow", ml[j].account);
				break;
			}
			cnt++;
		}
		if (st != SD_OK)
			break;
		acc.balance = bal;
		acc.postings = cnt;
		st = rec_store(t, T_ACCOUNT, ml[i].account,
		    strlen(ml[i].account), account_f, REC_N(account_f), &acc,
		    err);
		i = j;
	}
	free(ml);
	if (st != SD_OK)
		return st;
	/* The postings, their ids in order, in bulk with their index. */
	kv = xcalloc((size_t)np, sizeof *kv);
	keys = xcalloc((size_t)np, sizeof *keys);
	off = xcalloc((size_t)np, sizeof *off);
	for (int i = 0; i < np; i++) {
		size_t at = recs.len;
		struct sd_buf one = SD_BUF_INIT;

		sd_rec_begin(&one);
		sd_rec_int(&one, P_ID, (int64_t)(first + (uint64_t)i));
		sd_rec_int(&one, P_AT, now);
		sd_rec_str(&one, P_ACTOR, actor);
		sd_rec_str(&one, P_MEMO, memo);
		sd_rec_str(&one, P_REF, p[i].ref);
		sd_rec_int(&one, P_NLINES, p[i].n);
		for (int j = 0; j < p[i].n; j++) {
			sd_rec_str(&one, P_LINE_ACCOUNT, p[i].lines[j].account);
			sd_rec_int(&one, P_LINE_AMOUNT,
			    p[i].lines[j].amount_fen);
		}
		sd_buf_add(&recs, one.p, one.len);
		sd_buf_free(&one);
		off[i] = at;
		kv[i].vlen = recs.len - at;
		sd_be64_put(keys[i], first + (uint64_t)i);
		kv[i].key = keys[i];
		kv[i].klen = 8;
	}
	for (int i = 0; i < np; i++)
		kv[i].val = recs.p + off[i];
	st = sd_put_new(t, T_POSTING, kv, (size_t)np, err);
	free(kv);
	free(keys);
	free(off);
	sd_buf_free(&recs);
	if (st == SD_OK) {
		struct many_audit m = { p, first, memo };

		st = audit_write_many(t, actor, "ledger.post", np,
		    many_audit_row, &m, err);
	}
	return st;
}

struct post_arg {
	struct sd_session		*s;
	const char			*memo, *ref;
	const struct sd_posting_line	*lines;
	int				 n;
	uint64_t			 id;
	const char			*account;
	int64_t				 balance;
};

static int
post_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct post_arg *a = arg;

	return sd_ledger_post(t, a->s->user.login, a->memo, a->ref, a->lines,
	    a->n, &a->id, err);
}

int
sd_ledger_post_as(struct sd_session *s, const char *memo, const char *ref,
    const struct sd_posting_line *lines, int n, uint64_t *id,
    struct sd_err *err)
{
	struct post_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_LEDGER_POST, ref, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.s = s;
	a.memo = memo;
	a.ref = ref;
	a.lines = lines;
	a.n = n;
	if ((st = sd_db_run(s->core->db, post_txn, &a, err)) != SD_OK)
		return st;
	if (id != NULL)
		*id = a.id;
	return SD_OK;
}

static int
balance_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct post_arg *a = arg;

	return sd_ledger_balance(t, a->account, &a->balance, err);
}

int
sd_ledger_balance_as(struct sd_session *s, const char *account, int64_t *out,
    struct sd_err *err)
{
	struct post_arg a;
	int st;

	if ((st = sd_authorize(s, SD_OP_LEDGER_SHOW, account, err)) != SD_OK)
		return st;
	memset(&a, 0, sizeof a);
	a.account = account;
	if ((st = sd_db_read(s->core->db, balance_txn, &a, err)) != SD_OK)
		return st;
	*out = a.balance;
	return SD_OK;
}
