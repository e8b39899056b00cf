/*
 * cmd_money.c -- simdeskctl's agent money: commission schemes, entries,
 * the monthly run and statements (settlement list|show|approve|pay|export).
 */
#include <stdlib.h>
#include <string.h>

#include "drivers/drivers.h"
#include "tui/export.h"
#include "tui/tui.h"

static void
month_text(int month, char *out, size_t size)
{
	snprintf(out, size, "%04d-%02d", month / 100, month % 100);
}

static int
month_opt(struct ctl_ctx *c, int *month)
{
	const char *m = ctl_opt(c, "month");

	*month = 0;
	if (m != NULL && (*month = sd_month_parse(m)) < 0)
		return sd_err_set(&c->err, SD_EINVAL, "month: '%s' is not "
		    "YYYY-MM", m);
	return SD_OK;
}

static int
id_arg(struct ctl_ctx *c, const char *s, uint64_t *id)
{
	long v;
	int st;

	if ((st = sd_int_check("id", s, 1, 2000000000L, &v, &c->err)) != SD_OK)
		return st;
	*id = (uint64_t)v;
	return SD_OK;
}

/* ---------------------------------------------------------------- schemes */

static int
print_version(int st, const char *code, const int *version)
{
	if (st == SD_OK)
		fprintf(ctl_out(), "%s v%d\n", code, *version);
	return st;
}

int
cmd_scheme_add(struct ctl_ctx *c)
{
	struct sd_scheme_fields f;
	int v = 0;

	sd_scheme_fields_init(&f);
	f.name = ctl_opt(c, "name");
	f.from = ctl_opt(c, "from");
	f.frozen_days = ctl_opt(c, "frozen-days");
	f.protect_days = ctl_opt(c, "protect-days");
	f.overrides = ctl_opt(c, "override");
	return print_version(sd_scheme_add(&c->sess, c->args[0], &f, &v,
	    &c->err), c->args[0], &v);
}

int
cmd_scheme_bounty(struct ctl_ctx *c)
{
	int v = 0;

	return print_version(sd_scheme_bounty(&c->sess, c->args[0],
	    c->args[1], c->args[2], ctl_opt(c, "share"),
	    ctl_opt(c, "share-months"), ctl_opt(c, "from"), &v, &c->err),
	    c->args[0], &v);
}

int
cmd_scheme_tier(struct ctl_ctx *c)
{
	int v = 0;

	return print_version(sd_scheme_tier(&c->sess, c->args[0],
	    c->args[1], c->args[2], ctl_opt(c, "from"), &v, &c->err),
	    c->args[0], &v);
}

struct scheme_state {
	struct ctl_ctx	*c;
	struct out_json	 j;
};

static int
scheme_row(const struct sd_scheme *v, void *arg)
{
	struct scheme_state *ss = arg;
	char from[24], m[32];

	if (v->from > 0) {
		sd_time_format(v->from, from, sizeof from);
		from[10] = '\0';
	} else
		snprintf(from, sizeof from, "-");
	if (ss->c->json) {
		struct out_json *j = &ss->j;

		json_obj_open(j, NULL);
		json_str(j, "code", v->code);
		json_int(j, "version", v->version);
		json_str(j, "name", v->name);
		json_str(j, "from", from);
		json_int(j, "frozen_days", v->frozen_days);
		json_int(j, "protect_days", v->protect_days);
		json_arr_open(j, "override_bp");
		for (int i = 0; i < v->noverride; i++)
			json_int(j, NULL, v->override_bp[i]);
		json_arr_close(j);
		json_arr_open(j, "plans");
		for (int i = 0; i < v->nplans; i++) {
			json_obj_open(j, NULL);
			json_str(j, "plan", v->plans[i].plan);
			json_int(j, "bounty_fen", v->plans[i].bounty_fen);
			json_int(j, "share_bp", v->plans[i].share_bp);
			json_int(j, "share_months", v->plans[i].share_months);
			json_obj_close(j);
		}
		json_arr_close(j);
		json_arr_open(j, "tiers");
		for (int i = 0; i < v->ntiers; i++) {
			json_obj_open(j, NULL);
			json_int(j, "from_nth", v->tiers[i].from_nth);
			json_int(j, "bonus_fen", v->tiers[i].bonus_fen);
			json_obj_close(j);
		}
		json_arr_close(j);
		json_str(j, "by", v->by);
		json_obj_close(j);
		return 0;
	}
	fprintf(ctl_out(), "%s v%d  %s  from %s  frozen %d days, protected "
	    "%d days, overrides", v->code, v->version, v->name, from,
	    v->frozen_days, v->protect_days);
	for (int i = 0; i < v->noverride; i++)
		fprintf(ctl_out(), "%s%d.%02d%%", i ? ", " : " ",
		    v->override_bp[i] / 100, v->override_bp[i] % 100);
	fprintf(ctl_out(), "%s\n", v->noverride ? "" : " none");
	for (int i = 0; i < v->nplans; i++) {
		sd_money_format(v->plans[i].bounty_fen, m, sizeof m);
		fprintf(ctl_out(), "  plan %-16s bounty %s, share %d.%02d%% for "
		    "%d months\n", v->plans[i].plan, m,
		    v->plans[i].share_bp / 100, v->plans[i].share_bp % 100,
		    v->plans[i].share_months);
	}
	for (int i = 0; i < v->ntiers; i++) {
		sd_money_format(v->tiers[i].bonus_fen, m, sizeof m);
		fprintf(ctl_out(), "  tier from activation no. %d: %s each\n",
		    v->tiers[i].from_nth, m);
	}
	return 0;
}

static int
scheme_list(struct ctl_ctx *c, const char *code)
{
	struct scheme_state ss = { c, { 0 } };
	int st;

	if (c->json) {
		json_begin(&ss.j, ctl_out());
		json_arr_open(&ss.j, NULL);
	}
	st = sd_scheme_list(&c->sess, code, scheme_row, &ss, &c->err);
	if (c->json) {
		json_arr_close(&ss.j);
		json_end(&ss.j);
	}
	return st;
}

int
cmd_scheme_show(struct ctl_ctx *c)
{
	return scheme_list(c, c->args[0]);
}

int
cmd_scheme_list(struct ctl_ctx *c)
{
	return scheme_list(c, NULL);
}

int
cmd_agent_scheme(struct ctl_ctx *c)
{
	return sd_agent_scheme_set(&c->sess, c->args[0], ctl_opt(c, "scheme"),
	    &c->err);
}

/* ---------------------------------------------------------------- entries */

static void
comm_json(struct out_json *j, const struct sd_comm *e)
{
	char m[16], at[24];

	month_text(e->month, m, sizeof m);
	sd_time_format(e->at, at, sizeof at);
	json_obj_open(j, NULL);
	json_int(j, "id", (long long)e->id);
	json_str(j, "agent", e->agent);
	json_str(j, "kind", sd_comm_kind_name(e->kind));
	json_str(j, "state", sd_comm_state_name(e->state));
	json_int(j, "amount_fen", e->amount_fen);
	json_str(j, "source", e->source);
	json_int(j, "base_fen", e->base_fen);
	json_int(j, "rate_bp", e->rate_bp);
	json_str(j, "scheme", e->scheme);
	json_int(j, "version", e->version);
	json_str(j, "iccid", e->iccid);
	json_str(j, "plan", e->plan);
	json_int(j, "level", e->level);
	json_str(j, "at", at);
	json_str(j, "month", m);
	json_int(j, "statement", (long long)e->stmt);
	json_obj_close(j);
}

struct comm_state {
	struct ctl_ctx	*c;
	struct out_json	 j;
	struct out_table t;
	int64_t		 total;
	struct exp_table *xt;		/* settlement export: rows go here */
	const char	*name;		/* ... and the agent's name */
};

/* settlement export's columns; the last row is the statement's total. */
static void
stmt_export_cols(struct exp_table *t)
{
	exp_col(t, "statement", EXP_COUNT);
	exp_col(t, "agent", EXP_TEXT);
	exp_col(t, "name", EXP_TEXT);
	exp_col(t, "month", EXP_TEXT);
	exp_col(t, "id", EXP_COUNT);
	exp_col(t, "kind", EXP_TEXT);
	exp_col(t, "state", EXP_TEXT);
	exp_col(t, "amount", EXP_FEN);
	exp_col(t, "date", EXP_DATE);
	exp_col(t, "source", EXP_TEXT);
	exp_col(t, "iccid", EXP_DIGITS);
	exp_col(t, "plan", EXP_TEXT);
	exp_col(t, "base", EXP_FEN);
	exp_col(t, "rate", EXP_BP);
}

static void
stmt_export_row(struct exp_table *t, const struct sd_comm *e,
    const char *name, const char *day)
{
	char m[16];

	month_text(e->month, m, sizeof m);
	exp_row(t);
	exp_int(t, (int64_t)e->stmt);
	exp_str(t, e->agent);
	exp_str(t, name);
	exp_str(t, m);
	exp_int(t, (int64_t)e->id);
	exp_str(t, sd_comm_kind_name(e->kind));
	exp_str(t, sd_comm_state_name(e->state));
	exp_int(t, e->amount_fen);
	exp_str(t, day);
	exp_str(t, e->source);
	exp_str(t, e->iccid);
	exp_str(t, e->plan);
	if (e->rate_bp != 0) {
		exp_int(t, e->base_fen);
		exp_int(t, e->rate_bp);
	}
}

static int
comm_row(const struct sd_comm *e, void *arg)
{
	struct comm_state *cs = arg;
	char id[24], amt[32], at[24], lvl[8];
	const char *cells[8];

	cs->total += e->amount_fen;
	if (cs->c->json) {
		comm_json(&cs->j, e);
		return 0;
	}
	snprintf(id, sizeof id, "%llu", (unsigned long long)e->id);
	sd_money_format(e->amount_fen, amt, sizeof amt);
	sd_time_format(e->at, at, sizeof at);
	at[10] = '\0';
	snprintf(lvl, sizeof lvl, "%d", e->level);
	if (cs->xt != NULL) {
		stmt_export_row(cs->xt, e, cs->name, at);
		return 0;
	}
	cells[0] = id;
	cells[1] = e->agent;
	cells[2] = sd_comm_kind_name(e->kind);
	cells[3] = sd_comm_state_name(e->state);
	cells[4] = amt;
	cells[5] = at;
	cells[6] = e->source;
	cells[7] = lvl;
	out_table_row(&cs->t, cells);
	return 0;
}

static const char *const comm_heads[] = { "ID", "AGENT", "KIND", "STATE",
    "AMOUNT", "DATE", "SOURCE", "LEVEL" };

static int
comm_print(struct ctl_ctx *c, const struct sd_comm_filter *f,
    struct exp_table *xt, const char *name)
{
	struct comm_state cs;
	char tot[32];
	int st;

	memset(&cs, 0, sizeof cs);
	cs.c = c;
	cs.xt = xt;
	cs.name = name;
	out_table_init(&cs.t, 8, comm_heads);
	cs.t.right[4] = 1;
	st = sd_comm_list(&c->sess, f, comm_row, &cs, &c->err);
	if (st == SD_OK && !c->json && xt == NULL) {
		out_table_print(&cs.t, ctl_out());
		sd_money_format(cs.total, tot, sizeof tot);
		fprintf(ctl_out(), "total %s\n", tot);
	}
	out_table_free(&cs.t);
	return st;
}

int
cmd_comm_list(struct ctl_ctx *c)
{
	struct sd_comm_filter f;
	struct comm_state cs;
	const char *s = ctl_opt(c, "state");
	int st;

	memset(&f, 0, sizeof f);
	f.agent = ctl_opt(c, "agent");
	f.state = -1;
	if ((st = month_opt(c, &f.month)) != SD_OK)
		return st;
	if (s != NULL && (f.state = sd_comm_state_parse(s)) < 0)
		return sd_err_set(&c->err, SD_EINVAL, "state: '%s' is not "
		    "pending, payable, settled or cancelled", s);
	if (!c->json)
		return comm_print(c, &f, NULL, NULL);
	memset(&cs, 0, sizeof cs);
	cs.c = c;
	json_begin(&cs.j, ctl_out());
	json_arr_open(&cs.j, NULL);
	st = sd_comm_list(&c->sess, &f, comm_row, &cs, &c->err);
	json_arr_close(&cs.j);
	json_end(&cs.j);
	return st;
}

int
cmd_comm_run(struct ctl_ctx *c)
{
	struct sd_comm_run_result r;
	char tot[32];
	int month, st;

	if ((month = sd_month_parse(c->args[0])) < 0)
		return sd_err_set(&c->err, SD_EINVAL, "month: '%s' is not "
		    "YYYY-MM", c->args[0]);
	if ((st = sd_comm_run(&c->sess, month, &r, &c->err)) != SD_OK)
		return st;
	sd_money_format(r.total_fen, tot, sizeof tot);
	if (c->json)
		fprintf(ctl_out(), "{\"month\": \"%s\", \"statements\": %ld, "
		    "\"total_fen\": %lld, \"tiers\": %ld}\n", c->args[0],
		    r.agents, (long long)r.total_fen, r.tiers);
	else
		fprintf(ctl_out(), "%s: %ld statements, %s in all, %ld tier "
		    "bonuses\n", c->args[0], r.agents, tot, r.tiers);
	return SD_OK;
}

/* ---------------------------------------------------------------- statements */

static void
stmt_json_head(struct out_json *j, const struct sd_stmt *s)
{
	char m[16];

	month_text(s->month, m, sizeof m);
	json_int(j, "id", (long long)s->id);
	json_str(j, "agent", s->agent);
	json_str(j, "month", m);
	json_str(j, "state", sd_stmt_state_name(s->state));
	json_int(j, "total_fen", s->total_fen);
	json_int(j, "line_count", s->lines);
	json_str(j, "method", s->method);
	json_str(j, "ref", s->ref);
	json_str(j, "approved_by", s->approved_by);
	json_str(j, "paid_by", s->paid_by);
}

struct stmt_state {
	struct ctl_ctx	*c;
	struct out_json	 j;
	struct out_table t;
};

static int
stmt_row(const struct sd_stmt *s, void *arg)
{
	struct stmt_state *ss = arg;
	char id[24], m[16], tot[32], n[16];
	const char *cells[6];

	if (ss->c->json) {
		json_obj_open(&ss->j, NULL);
		stmt_json_head(&ss->j, s);
		json_obj_close(&ss->j);
		return 0;
	}
	snprintf(id, sizeof id, "%llu", (unsigned long long)s->id);
	month_text(s->month, m, sizeof m);
	sd_money_format(s->total_fen, tot, sizeof tot);
	snprintf(n, sizeof n, "%ld", s->lines);
	cells[0] = id;
	cells[1] = s->agent;
	cells[2] = m;
	cells[3] = sd_stmt_state_name(s->state);
	cells[4] = tot;
	cells[5] = n;
	out_table_row(&ss->t, cells);
	return 0;
}

int
cmd_stmt_list(struct ctl_ctx *c)
{
	static const char *const heads[] = { "ID", "AGENT", "MONTH", "STATE",
	    "TOTAL", "LINES" };
	struct stmt_state ss;
	const char *s = ctl_opt(c, "state");
	int month, state = -1, st;

	if ((st = month_opt(c, &month)) != SD_OK)
		return st;
	if (s != NULL && (state = sd_stmt_state_parse(s)) < 0)
		return sd_err_set(&c->err, SD_EINVAL, "state: '%s' is not "
		    "draft, approved or paid", s);
	memset(&ss, 0, sizeof ss);
	ss.c = c;
	out_table_init(&ss.t, 6, heads);
	ss.t.right[4] = 1;
	if (c->json) {
		json_begin(&ss.j, ctl_out());
		json_arr_open(&ss.j, NULL);
	}
	st = sd_stmt_list(&c->sess, ctl_opt(c, "agent"), month, state,
	    stmt_row, &ss, &c->err);
	if (c->json) {
		json_arr_close(&ss.j);
		json_end(&ss.j);
	} else if (st == SD_OK)
		out_table_print(&ss.t, ctl_out());
	out_table_free(&ss.t);
	return st;
}

int
cmd_stmt_show(struct ctl_ctx *c)
{
	struct sd_comm_filter f;
	struct sd_stmt s;
	struct comm_state cs;
	char m[16], tot[32];
	uint64_t id;
	int st;

	if ((st = id_arg(c, c->args[0], &id)) != SD_OK ||
	    (st = sd_stmt_get(&c->sess, id, &s, &c->err)) != SD_OK)
		return st;
	memset(&f, 0, sizeof f);
	f.state = -1;
	f.stmt = id;
	f.agent = s.agent;
	if (!c->json) {
		month_text(s.month, m, sizeof m);
		sd_money_format(s.total_fen, tot, sizeof tot);
		fprintf(ctl_out(), "statement:  %llu\nagent:      %s\nmonth:      "
		    "%s\nstate:      %s\ntotal:      %s\n",
		    (unsigned long long)s.id, s.agent, m,
		    sd_stmt_state_name(s.state), tot);
		if (s.state == SD_STMT_PAID)
			fprintf(ctl_out(), "paid:       %s %s by %s\n", s.method,
			    s.ref, s.paid_by);
		return comm_print(c, &f, NULL, NULL);
	}
	memset(&cs, 0, sizeof cs);
	cs.c = c;
	json_begin(&cs.j, ctl_out());
	json_obj_open(&cs.j, NULL);
	stmt_json_head(&cs.j, &s);
	json_arr_open(&cs.j, "lines");
	st = sd_comm_list(&c->sess, &f, comm_row, &cs, &c->err);
	json_arr_close(&cs.j);
	json_obj_close(&cs.j);
	json_end(&cs.j);
	return st;
}

int
cmd_stmt_approve(struct ctl_ctx *c)
{
	uint64_t id;
	int st;

	if ((st = id_arg(c, c->args[0], &id)) != SD_OK)
		return st;
	return sd_stmt_approve(&c->sess, id, &c->err);
}

int
cmd_stmt_pay(struct ctl_ctx *c)
{
	uint64_t id;
	int st;

	if ((st = id_arg(c, c->args[0], &id)) != SD_OK)
		return st;
	return sd_stmt_pay(&c->sess, id, ctl_opt(c, "method"),
	    ctl_opt(c, "ref"), &c->err);
}

/*
 * The statement's lines, one a row, then a row "total" with the
 * statement's state and total; as CSV (UTF-8 with a BOM, or GB18030) or
 * .xlsx (tui/export.c).
 */
int
cmd_stmt_export(struct ctl_ctx *c)
{
	const char *out = ctl_opt(c, "out");
	struct sd_comm_filter f;
	struct exp_table *xt;
	enum exp_format fmt;
	struct sd_agent a;
	struct sd_stmt s;
	char m[16];
	uint64_t id;
	FILE *fp;
	int st;

	if ((st = exp_format_parse(ctl_opt(c, "format"), &fmt, &c->err)) !=
	    SD_OK)
		return st;
	if ((st = id_arg(c, c->args[0], &id)) != SD_OK ||
	    (st = sd_stmt_get(&c->sess, id, &s, &c->err)) != SD_OK ||
	    (st = sd_agent_get(&c->sess, s.agent, &a, &c->err)) != SD_OK)
		return st;
	xt = exp_new("settlement");
	stmt_export_cols(xt);
	memset(&f, 0, sizeof f);
	f.state = -1;
	f.stmt = id;
	f.agent = s.agent;
	if ((st = comm_print(c, &f, xt, a.name)) == SD_OK) {
		month_text(s.month, m, sizeof m);
		exp_row(xt);
		exp_int(xt, (int64_t)s.id);
		exp_str(xt, s.agent);
		exp_str(xt, a.name);
		exp_str(xt, m);
		exp_empty(xt);
		exp_str(xt, "total");
		exp_str(xt, sd_stmt_state_name(s.state));
		exp_int(xt, s.total_fen);
		if ((fp = sd_file_open(out, "wb", &c->err)) == NULL)
			st = c->err.status;
		else {
			st = exp_write_fp(xt, fmt, fp, out, &c->err);
			if (fclose(fp) != 0 && st == SD_OK)
				st = sd_err_set(&c->err, SD_EINVAL, "out: %s: "
				    "write failed", out);
		}
	}
	exp_free(xt);
	return st;
}

/* ---------------------------------------------------------------- collections */

int
cmd_agent_pay(struct ctl_ctx *c)
{
	struct sd_agent_receipt r;
	int st;

	if ((st = sd_agent_pay(&c->sess, c->args[0], c->args[1],
	    ctl_opt(c, "method"), ctl_opt(c, "ref"), &r, &c->err)) != SD_OK)
		return st;
	if (c->json) {
		struct out_json j;

		json_begin(&j, ctl_out());
		json_obj_open(&j, NULL);
		json_str(&j, "number", r.number);
		json_str(&j, "agent", r.agent);
		json_int(&j, "amount_fen", r.amount_fen);
		json_int(&j, "unallocated_fen", r.unallocated_fen);
		json_int(&j, "receivable_after_fen", r.receivable_after_fen);
		json_arr_open(&j, "orders");
		for (int i = 0; i < r.nalloc; i++) {
			json_obj_open(&j, NULL);
			json_int(&j, "order", (long long)r.orders[i]);
			json_int(&j, "amount_fen", r.alloc_fen[i]);
			json_obj_close(&j);
		}
		json_arr_close(&j);
		json_obj_close(&j);
		json_end(&j);
	} else
		fprintf(ctl_out(), "%s\n", r.number);
	return SD_OK;
}

int
cmd_agent_receipt(struct ctl_ctx *c)
{
	struct sd_agent_receipt r;
	struct sd_buf b = SD_BUF_INIT;
	int st;

	if ((st = sd_agent_receipt_get(&c->sess, c->args[0], &r, &c->err)) !=
	    SD_OK)
		return st;
	sd_agent_receipt_text(&r, 32, &b);
	fputs(sd_buf_cstr(&b), ctl_out());
	sd_buf_free(&b);
	return SD_OK;
}

struct aging_state {
	struct ctl_ctx	*c;
	struct out_json	 j;
	struct out_table t;
};

static int
aging_row(const struct sd_aging *g, void *arg)
{
	struct aging_state *as = arg;
	char m[6][32];
	const char *cells[7];

	if (as->c->json) {
		json_obj_open(&as->j, NULL);
		json_str(&as->j, "agent", g->agent);
		json_int(&as->j, "d0_30_fen", g->bucket_fen[0]);
		json_int(&as->j, "d31_60_fen", g->bucket_fen[1]);
		json_int(&as->j, "d61_90_fen", g->bucket_fen[2]);
		json_int(&as->j, "d90_plus_fen", g->bucket_fen[3]);
		json_int(&as->j, "total_fen", g->total_fen);
		json_int(&as->j, "receivable_fen", g->receivable_fen);
		json_obj_close(&as->j);
		return 0;
	}
	cells[0] = g->agent;
	for (int i = 0; i < 4; i++) {
		sd_money_format(g->bucket_fen[i], m[i], sizeof m[i]);
		cells[i + 1] = m[i];
	}
	sd_money_format(g->total_fen, m[4], sizeof m[4]);
	sd_money_format(g->receivable_fen, m[5], sizeof m[5]);
	cells[5] = m[4];
	cells[6] = m[5];
	out_table_row(&as->t, cells);
	return 0;
}

int
cmd_agent_aging(struct ctl_ctx *c)
{
	static const char *const heads[] = { "AGENT", "0-30", "31-60", "61-90",
	    "90+", "TOTAL", "RECEIVABLE" };
	struct aging_state as;
	int st;

	memset(&as, 0, sizeof as);
	as.c = c;
	out_table_init(&as.t, 7, heads);
	for (int i = 1; i < 7; i++)
		as.t.right[i] = 1;
	if (c->json) {
		json_begin(&as.j, ctl_out());
		json_arr_open(&as.j, NULL);
	}
	st = sd_agent_aging(&c->sess, c->nargs > 0 ? c->args[0] : NULL,
	    aging_row, &as, &c->err);
	if (c->json) {
		json_arr_close(&as.j);
		json_end(&as.j);
	} else if (st == SD_OK)
		out_table_print(&as.t, ctl_out());
	out_table_free(&as.t);
	return st;
}

/* ---------------------------------------------------------------- invoices */

static void
invoice_json(struct out_json *j, const struct sd_invoice *inv)
{
	char at[24], bill[16] = "";

	sd_time_format(inv->at, at, sizeof at);
	if (inv->month != 0)
		snprintf(bill, sizeof bill, "%04d-%02d", inv->month / 100,
		    inv->month % 100);
	json_obj_open(j, NULL);
	json_str(j, "number", inv->number);
	json_str(j, "state", inv->state == SD_INV_VOID ? "void" : "issued");
	json_int(j, "order", (long long)inv->order);
	json_str(j, "agent", inv->agent);
	json_str(j, "plan", inv->plan);
	json_int(j, "count", inv->count);
	json_int(j, "amount_fen", inv->amount_fen);
	json_int(j, "customer", (long long)inv->customer);
	json_str(j, "bill", bill);
	json_str(j, "name", inv->name);
	json_str(j, "reverses", inv->reverses);
	json_str(j, "reversed_by", inv->reversed_by);
	json_str(j, "fapiao", inv->fapiao);
	json_str(j, "void_reason", inv->void_reason);
	json_str(j, "at", at);
	json_obj_close(j);
}

struct inv_state {
	struct ctl_ctx	*c;
	struct out_json	 j;
	struct out_table t;
};

static int
invoice_row(const struct sd_invoice *inv, void *arg)
{
	struct inv_state *is = arg;
	char order[24], amt[32], at[24];
	const char *cells[7];

	if (is->c->json) {
		invoice_json(&is->j, inv);
		return 0;
	}
	/* A bill's: its customer and month where an order's id would be. */
	if (inv->order != 0)
		snprintf(order, sizeof order, "%llu",
		    (unsigned long long)inv->order);
	else
		snprintf(order, sizeof order, "%llu/%04d-%02d",
		    (unsigned long long)inv->customer, inv->month / 100,
		    inv->month % 100);
	sd_money_format(inv->amount_fen, amt, sizeof amt);
	sd_time_format(inv->at, at, sizeof at);
	at[10] = '\0';
	cells[0] = inv->number;
	cells[1] = at;
	cells[2] = order;
	cells[3] = inv->order != 0 ? inv->agent : inv->name;
	cells[4] = amt;
	cells[5] = inv->state == SD_INV_VOID ? "void" : inv->reverses[0] ?
	    inv->reverses : "issued";
	cells[6] = inv->fapiao;
	out_table_row(&is->t, cells);
	return 0;
}

int
cmd_invoice_list(struct ctl_ctx *c)
{
	static const char *const heads[] = { "NUMBER", "DATE", "ORDER",
	    "BUYER", "AMOUNT", "STATE", "FAPIAO" };
	struct inv_state is;
	int st;

	memset(&is, 0, sizeof is);
	is.c = c;
	out_table_init(&is.t, 7, heads);
	is.t.right[4] = 1;
	if (c->json) {
		json_begin(&is.j, ctl_out());
		json_arr_open(&is.j, NULL);
	}
	st = sd_invoice_list(&c->sess, invoice_row, &is, &c->err);
	if (c->json) {
		json_arr_close(&is.j);
		json_end(&is.j);
	} else if (st == SD_OK)
		out_table_print(&is.t, ctl_out());
	out_table_free(&is.t);
	return st;
}

int
cmd_invoice_show(struct ctl_ctx *c)
{
	struct sd_invoice inv;
	struct out_json j;
	struct sd_buf b = SD_BUF_INIT;
	int st;

	if ((st = sd_invoice_get(&c->sess, c->args[0], &inv, &c->err)) !=
	    SD_OK)
		return st;
	if (c->json) {
		json_begin(&j, ctl_out());
		invoice_json(&j, &inv);
		json_end(&j);
		return SD_OK;
	}
	sd_invoice_text(&inv, 32, 0, &b);
	fputs(sd_buf_cstr(&b), ctl_out());
	sd_buf_free(&b);
	return SD_OK;
}

int
cmd_invoice_print(struct ctl_ctx *c)
{
	const char *file = ctl_opt(c, "file"), *printer = ctl_opt(c, "printer");
	struct sd_invoice inv;
	struct sd_buf b = SD_BUF_INIT, bytes = SD_BUF_INIT;
	int csv = ctl_opt(c, "csv") != NULL, cols, st;

	if (file != NULL && printer != NULL)
		return sd_err_set(&c->err, SD_EINVAL, "--file and --printer: one "
		    "or the other");
	if (csv && (file != NULL || printer != NULL))
		return sd_err_set(&c->err, SD_EINVAL, "--csv: not for a printer "
		    "or a file");
	/* As a receipt: the counter's printer when it has one. */
	if (!csv && printer == NULL && file == NULL &&
	    c->cfg->receipt_printer[0])
		printer = c->cfg->receipt_printer;
	cols = printer != NULL || file != NULL ? c->cfg->receipt_paper : 32;
	if ((st = ctl_opt_int(c, "paper", 32, 48, &cols)) != SD_OK)
		return st;
	if (cols != 32 && cols != 48)
		return sd_err_set(&c->err, SD_EINVAL, "--paper: 32 or 48 columns");
	if (printer != NULL) {
		if ((st = sd_invoice_print_queue(&c->sess, printer, c->args[0],
		    cols, &c->err)) == SD_OK)
			fprintf(ctl_out(), "%s queued for printer %s\n",
			    c->args[0], printer);
		return st;
	}
	if ((st = sd_invoice_get(&c->sess, c->args[0], &inv, &c->err)) !=
	    SD_OK)
		return st;
	sd_invoice_text(&inv, cols, csv, &b);
	if (file == NULL)
		fputs(sd_buf_cstr(&b), ctl_out());
	else if ((st = drv_escpos_receipt(sd_buf_cstr(&b), &bytes,
	    &c->err)) == SD_OK) {
		FILE *f = sd_file_open(file, "wb", &c->err);

		if (f == NULL)
			st = c->err.status;
		else if ((fwrite(bytes.p, 1, bytes.len, f) != bytes.len) |
		    (fclose(f) != 0))
			st = sd_err_set(&c->err, SD_EINTERNAL, "%s: not written",
			    file);
	}
	sd_buf_free(&b);
	sd_buf_free(&bytes);
	return st;
}

int
cmd_invoice_bill(struct ctl_ctx *c)
{
	char number[24];
	int st;

	if ((st = sd_invoice_bill(&c->sess, c->args[0], c->args[1], number,
	    sizeof number, &c->err)) != SD_OK)
		return st;
	if (c->json)
		fprintf(ctl_out(), "{\"number\": \"%s\"}\n", number);
	else
		fprintf(ctl_out(), "%s\n", number);
	return SD_OK;
}

int
cmd_invoice_void(struct ctl_ctx *c)
{
	char rev[24];
	int st;

	if ((st = sd_invoice_void(&c->sess, c->args[0], ctl_opt(c, "reason"),
	    rev, sizeof rev, &c->err)) != SD_OK)
		return st;
	fprintf(ctl_out(), "%s\n", rev);
	return SD_OK;
}

int
cmd_invoice_fapiao(struct ctl_ctx *c)
{
	return sd_invoice_fapiao(&c->sess, c->args[0], c->args[1], &c->err);
}
