/*
 * money_schema.c -- the tables of core/money/, their indexes and record
 * codecs: scheme versions, agents' schemes, commission entries and
 * statements.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/money/money_int.h"

/* ---------------------------------------------------------------- schemes */

/* As stored: a plan's figures and a tier as text, one per repeat. */
struct scheme_rec {
	struct sd_scheme v;
	char	 plans[SD_SCHEME_PLANS][64];
	int	 nplans;
	char	 tiers[SD_SCHEME_TIERS][40];
	int	 ntiers;
};

enum { S_CODE = 1, S_VERSION, S_NAME, S_FROM, S_FROZEN, S_PROTECT, S_OV1,
    S_OV2, S_OV3, S_OV4, S_NOV, S_PLANS, S_TIERS, S_BY, S_CREATED };

static const struct rec_field scheme_f[] = {
	REC_S(S_CODE, scheme_rec, v.code), REC_I(S_VERSION, scheme_rec, v.version),
	REC_S(S_NAME, scheme_rec, v.name), REC_I(S_FROM, scheme_rec, v.from),
	REC_I(S_FROZEN, scheme_rec, v.frozen_days),
	REC_I(S_PROTECT, scheme_rec, v.protect_days),
	REC_I(S_OV1, scheme_rec, v.override_bp[0]),
	REC_I(S_OV2, scheme_rec, v.override_bp[1]),
	REC_I(S_OV3, scheme_rec, v.override_bp[2]),
	REC_I(S_OV4, scheme_rec, v.override_bp[3]),
	REC_I(S_NOV, scheme_rec, v.noverride),
	REC_STRS(S_PLANS, scheme_rec, plans, nplans),
	REC_STRS(S_TIERS, scheme_rec, tiers, ntiers),
	REC_S(S_BY, scheme_rec, v.by), REC_I(S_CREATED, scheme_rec, v.created),
};

void
scheme_encode(const struct sd_scheme *v, struct sd_buf *b)
{
	struct scheme_rec r;

	memset(&r, 0, sizeof r);
	r.v = *v;
	for (int i = 0; i < v->nplans && i < SD_SCHEME_PLANS; i++)
		snprintf(r.plans[r.nplans++], sizeof r.plans[0], "%s %lld %d %d",
		    v->plans[i].plan, (long long)v->plans[i].bounty_fen,
		    v->plans[i].share_bp, v->plans[i].share_months);
	for (int i = 0; i < v->ntiers && i < SD_SCHEME_TIERS; i++)
		snprintf(r.tiers[r.ntiers++], sizeof r.tiers[0], "%d %lld",
		    v->tiers[i].from_nth, (long long)v->tiers[i].bonus_fen);
	rec_encode(scheme_f, REC_N(scheme_f), &r, b);
}

int
scheme_decode(const void *p, size_t n, struct sd_scheme *v)
{
	struct scheme_rec r;
	int st = rec_decode(scheme_f, REC_N(scheme_f), p, n, &r, sizeof r);

	if (st != SD_OK)
		return st;
	*v = r.v;
	v->nplans = v->ntiers = 0;
	for (int i = 0; i < r.nplans; i++) {
		struct sd_scheme_plan *sp = &v->plans[v->nplans];
		long long fen;

		if (sscanf(r.plans[i], "%16s %lld %d %d", sp->plan, &fen,
		    &sp->share_bp, &sp->share_months) != 4)
			return SD_EINVAL;
		sp->bounty_fen = fen;
		v->nplans++;
	}
	for (int i = 0; i < r.ntiers; i++) {
		struct sd_scheme_tier *tp = &v->tiers[v->ntiers];
		long long fen;

		if (sscanf(r.tiers[i], "%d %lld", &tp->from_nth, &fen) != 2)
			return SD_EINVAL;
		tp->bonus_fen = fen;
		v->ntiers++;
	}
	if (v->noverride < 0 || v->noverride > SD_SCHEME_LEVELS)
		return SD_EINVAL;
	return SD_OK;
}

/* ---------------------------------------------------------------- entries */

enum { C_ID = 1, C_AGENT, C_KIND, C_STATE, C_AMOUNT, C_BASE, C_RATE, C_SCHEME,
    C_VERSION, C_ICCID, C_PLAN, C_SUB, C_SOURCE, C_PARENT, C_LEVEL, C_AT,
    C_MONTH, C_MATURES, C_PROTECT, C_STMT, C_CLAWED, C_CREATED };

static const struct rec_field comm_f[] = {
	REC_I(C_ID, sd_comm, id), REC_S(C_AGENT, sd_comm, agent),
	REC_I(C_KIND, sd_comm, kind), REC_I(C_STATE, sd_comm, state),
	REC_I(C_AMOUNT, sd_comm, amount_fen), REC_I(C_BASE, sd_comm, base_fen),
	REC_I(C_RATE, sd_comm, rate_bp), REC_S(C_SCHEME, sd_comm, scheme),
	REC_I(C_VERSION, sd_comm, version), REC_S(C_ICCID, sd_comm, iccid),
	REC_S(C_PLAN, sd_comm, plan), REC_I(C_SUB, sd_comm, sub),
	REC_S(C_SOURCE, sd_comm, source), REC_I(C_PARENT, sd_comm, parent),
	REC_I(C_LEVEL, sd_comm, level), REC_I(C_AT, sd_comm, at),
	REC_I(C_MONTH, sd_comm, month), REC_I(C_MATURES, sd_comm, matures),
	REC_I(C_PROTECT, sd_comm, protect_days), REC_I(C_STMT, sd_comm, stmt),
	REC_I(C_CLAWED, sd_comm, clawed), REC_I(C_CREATED, sd_comm, created),
};

REC_CODEC(comm, struct sd_comm, comm_f)

/* ---------------------------------------------------------------- statements */

enum { M_ID = 1, M_AGENT, M_MONTH, M_STATE, M_TOTAL, M_LINES, M_METHOD, M_REF,
    M_ABY, M_PBY, M_AAT, M_PAT, M_CREATED };

static const struct rec_field stmt_f[] = {
	REC_I(M_ID, sd_stmt, id), REC_S(M_AGENT, sd_stmt, agent),
	REC_I(M_MONTH, sd_stmt, month), REC_I(M_STATE, sd_stmt, state),
	REC_I(M_TOTAL, sd_stmt, total_fen), REC_I(M_LINES, sd_stmt, lines),
	REC_S(M_METHOD, sd_stmt, method), REC_S(M_REF, sd_stmt, ref),
	REC_S(M_ABY, sd_stmt, approved_by), REC_S(M_PBY, sd_stmt, paid_by),
	REC_I(M_AAT, sd_stmt, approved_at), REC_I(M_PAT, sd_stmt, paid_at),
	REC_I(M_CREATED, sd_stmt, created),
};

REC_CODEC(stmt, struct sd_stmt, stmt_f)

/* ---------------------------------------------------------------- load, store */

int
comm_load(struct sd_txn *t, uint64_t id, struct sd_comm *e, int rmw,
    struct sd_err *err)
{
	int st = REC_LOAD64(t, T_COMM, id, comm_f, e, rmw, err);

	if (st == SD_ENOTFOUND)
		return sd_err_set(err, SD_ENOTFOUND, "commission entry %llu: "
		    "not found", (unsigned long long)id);
	return st;
}

int
comm_store(struct sd_txn *t, const struct sd_comm *e, struct sd_err *err)
{
	return REC_STORE64(t, T_COMM, e->id, comm_f, e, err);
}

int
stmt_load(struct sd_txn *t, uint64_t id, struct sd_stmt *sm, int rmw,
    struct sd_err *err)
{
	int st = REC_LOAD64(t, T_STMT, id, stmt_f, sm, rmw, err);

	if (st == SD_ENOTFOUND)
		return sd_err_set(err, SD_ENOTFOUND, "statement %llu: not found",
		    (unsigned long long)id);
	return st;
}

int
stmt_store(struct sd_txn *t, const struct sd_stmt *sm, struct sd_err *err)
{
	int st = REC_STORE64(t, T_STMT, sm->id, stmt_f, sm, err);

	/* The agent and month index is unique. */
	if (st == SD_EEXIST)
		st = sd_err_set(err, SD_EREFUSED, "agent %s has a statement for "
		    "%04d-%02d already", sm->agent, sm->month / 100,
		    sm->month % 100);
	return st;
}

int
comm_gather(struct sd_txn *t, int ix, const void *pfx, size_t pl,
    struct sd_comm **out, size_t *n, struct sd_err *err)
{
	struct sd_cursor *c;
	size_t cap = 0;
	int st;

	*out = NULL;
	*n = 0;
	if ((st = sd_cursor_open(t, T_COMM, ix, &c, err)) != SD_OK)
		return st;
	for (st = pl ? sd_cursor_seek(c, SD_SEEK_GE, pfx, pl, err) :
	    sd_cursor_seek(c, SD_SEEK_FIRST, NULL, 0, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		size_t kl, vl;
		const void *k = sd_cursor_key(c, &kl);
		const void *v = sd_cursor_val(c, &vl);

		if (kl < pl || memcmp(k, pfx, pl) != 0)
			break;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			*out = xrealloc(*out, cap * sizeof **out);
		}
		if (comm_decode(v, vl, &(*out)[*n]) == SD_OK)
			(*n)++;
	}
	sd_cursor_close(c);
	if (st != SD_OK && st != SD_ENOTFOUND) {
		free(*out);
		*out = NULL;
		*n = 0;
		return st;
	}
	sd_err_clear(err);
	return SD_OK;
}

/* ---------------------------------------------------------------- indexes */

#define COMM_EXTRACTOR(fn, body) \
static int \
fn(const void *pk, size_t pklen, const void *rec, size_t len, \
    struct sd_keys *out) \
{ \
	struct sd_comm e; \
\
	if (comm_decode(rec, len, &e) != SD_OK) \
		return -1; \
	body \
	return 0; \
}

/* Entries by agent, by card, by statement (be64 then id), by state (one
 * byte then id): the run walks the pending and payable ones. */
COMM_EXTRACTOR(comm_agent_key, rec_key_suffixed(out, e.agent, pk, pklen, 1);)
COMM_EXTRACTOR(comm_card_key,
	if (e.iccid[0]) rec_key_suffixed(out, e.iccid, pk, pklen, 1);)
COMM_EXTRACTOR(comm_stmt_key,
	uint8_t k[16];
	if (e.stmt == 0) return 0;
	sd_be64_put(k, e.stmt); memcpy(k + 8, pk, pklen < 8 ? pklen : 8);
	sd_keys_add(out, k, 16);)
COMM_EXTRACTOR(comm_state_key,
	uint8_t k[9];
	k[0] = (uint8_t)e.state; memcpy(k + 1, pk, pklen < 8 ? pklen : 8);
	sd_keys_add(out, k, 9);)

/* One statement per agent and month: agent\0 then the month, unique. */
static int
stmt_agent_key(const void *pk, size_t pklen, const void *rec, size_t len,
    struct sd_keys *out)
{
	struct sd_stmt st;
	uint8_t k[SD_CODE_MAX + 1 + 4];
	size_t n;

	(void)pk;
	(void)pklen;
	if (stmt_decode(rec, len, &st) != SD_OK)
		return -1;
	n = strlen(st.agent) + 1;
	memcpy(k, st.agent, n);
	k[n] = (uint8_t)(st.month >> 24);
	k[n + 1] = (uint8_t)(st.month >> 16);
	k[n + 2] = (uint8_t)(st.month >> 8);
	k[n + 3] = (uint8_t)st.month;
	sd_keys_add(out, k, n + 4);
	return 0;
}

const struct sd_table_def money_tables[7] = {
	[T_SCHEME - SD_T_MONEY] = { "scheme", 0, { { 0 } } },
	[T_AGSCHEME - SD_T_MONEY] = { "agscheme", 0, { { 0 } } },
	[T_COMM - SD_T_MONEY] = { "commission", 4, {
		{ "agent", 1, comm_agent_key },
		{ "card", 1, comm_card_key },
		{ "stmt", 1, comm_stmt_key },
		{ "state", 1, comm_state_key },
	} },
	[T_STMT - SD_T_MONEY] = { "statement", 1, {
		{ "agent", 1, stmt_agent_key },
	} },
	[T_AGRCPT - SD_T_MONEY] = { "agreceipt", 0, { { 0 } } },
	[T_ORDPAID - SD_T_MONEY] = { "orderpaid", 0, { { 0 } } },
	[T_INVOICE - SD_T_MONEY] = { "invoice", 0, { { 0 } } },
};
