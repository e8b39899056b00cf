/*
 * cmd_stock.c -- simdeskctl plan, vas, agent and sim: arguments in, tables
 * or JSON out.  The rules (Luhn, grading, the card state machine, agents'
 * branches) are core's (core/stock/stock.c).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/tui.h"

/* ---------------------------------------------------------------- plans */

/* Minutes and SMS arrive as numbers: core's rule reads the typed text. */
static int
plan_qty(struct ctl_ctx *c, const char *name, int *out)
{
	const char *v = ctl_opt(c, name);
	int st;

	if (v == NULL)
		return SD_OK;
	if ((st = sd_plan_check(name, v, &c->err)) != SD_OK)
		return st;
	*out = atoi(v);
	return SD_OK;
}

static int
plan_fields(struct ctl_ctx *c, struct sd_plan_fields *f)
{
	int st;

	sd_plan_fields_init(f);
	f->name = ctl_opt(c, "name");
	f->monthly_fee = ctl_opt(c, "monthly-fee");
	f->tariff = ctl_opt(c, "tariff");
	f->vas = ctl_opt(c, "vas");
	if ((st = plan_qty(c, "minutes", &f->minutes)) != SD_OK)
		return st;
	return plan_qty(c, "sms", &f->sms);
}

int
cmd_plan_add(struct ctl_ctx *c)
{
	struct sd_plan_fields f;
	int st;

	if ((st = plan_fields(c, &f)) != SD_OK ||
	    (st = sd_plan_add(&c->sess, c->args[0], &f, &c->err)) != SD_OK)
		return st;
	fprintf(ctl_out(), "%s\n", c->args[0]);
	return SD_OK;
}

int
cmd_plan_update(struct ctl_ctx *c)
{
	struct sd_plan_fields f;
	int st;

	if ((st = plan_fields(c, &f)) != SD_OK)
		return st;
	return sd_plan_update(&c->sess, c->args[0], &f, &c->err);
}

int
cmd_plan_retire(struct ctl_ctx *c)
{
	return sd_plan_retire(&c->sess, c->args[0], &c->err);
}

static void
plan_json(struct out_json *j, const struct sd_plan *p)
{
	json_obj_open(j, NULL);
	json_str(j, "code", p->code);
	json_str(j, "name", p->name);
	json_int(j, "monthly_fee_fen", p->monthly_fen);
	json_int(j, "minutes", p->minutes);
	json_int(j, "sms", p->sms);
	json_str(j, "tariff", p->tariff);
	json_arr_open(j, "vas");
	for (int i = 0; i < p->nvas; i++)
		json_str(j, NULL, p->vas[i]);
	json_arr_close(j);
	json_bool(j, "retired", p->retired);
	json_obj_close(j);
}

static int
plan_row(const struct sd_plan *p, void *arg)
{
	struct out_list *o = arg;
	char fee[32], min[16], sms[16];
	const char *cells[6];

	if (o->json) {
		plan_json(&o->j, p);
		return 0;
	}
	sd_money_format(p->monthly_fen, fee, sizeof fee);
	snprintf(min, sizeof min, "%d", p->minutes);
	snprintf(sms, sizeof sms, "%d", p->sms);
	cells[0] = p->code;
	cells[1] = p->name;
	cells[2] = fee;
	cells[3] = min;
	cells[4] = sms;
	cells[5] = p->retired ? "retired" : "on sale";
	out_table_row(&o->t, cells);
	return 0;
}

int
cmd_plan_list(struct ctl_ctx *c)
{
	static const char *const heads[] = { "CODE", "NAME", "MONTHLY", "MINUTES",
	    "SMS", "STATUS" };
	struct out_list o;

	out_list_begin(&o, c->json, 6, heads);
	o.t.right[2] = o.t.right[3] = o.t.right[4] = 1;
	return out_list_end(&o, sd_plan_list(&c->sess, plan_row, &o, &c->err));
}

int
cmd_plan_show(struct ctl_ctx *c)
{
	struct sd_plan p;
	struct out_json j;
	int st;

	if ((st = sd_plan_get(&c->sess, c->args[0], &p, &c->err)) != SD_OK)
		return st;
	json_begin(&j, ctl_out());
	if (c->json) {
		plan_json(&j, &p);
		json_end(&j);
	} else {
		char fee[32];

		sd_money_format(p.monthly_fen, fee, sizeof fee);
		fprintf(ctl_out(), "plan:     %s\nname:     %s\nmonthly:  %s\nminutes:  %d\n"
		    "sms:      %d\ntariff:   %s\nstatus:   %s\nvas:     ",
		    p.code, p.name, fee, p.minutes, p.sms, p.tariff,
		    p.retired ? "retired" : "on sale");
		for (int i = 0; i < p.nvas; i++)
			fprintf(ctl_out(), " %s", p.vas[i]);
		fprintf(ctl_out(), "\n");
	}
	return SD_OK;
}

int
cmd_vas_add(struct ctl_ctx *c)
{
	int st;

	if ((st = sd_vas_add(&c->sess, c->args[0], ctl_opt(c, "name"),
	    ctl_opt(c, "monthly-fee"), &c->err)) != SD_OK)
		return st;
	fprintf(ctl_out(), "%s\n", c->args[0]);
	return SD_OK;
}

static int
vas_row(const struct sd_vas *v, void *arg)
{
	struct out_list *o = arg;
	char fee[32];
	const char *cells[3];

	if (o->json) {
		json_obj_open(&o->j, NULL);
		json_str(&o->j, "code", v->code);
		json_str(&o->j, "name", v->name);
		json_int(&o->j, "monthly_fee_fen", v->monthly_fen);
		json_obj_close(&o->j);
		return 0;
	}
	sd_money_format(v->monthly_fen, fee, sizeof fee);
	cells[0] = v->code;
	cells[1] = v->name;
	cells[2] = fee;
	out_table_row(&o->t, cells);
	return 0;
}

int
cmd_vas_list(struct ctl_ctx *c)
{
	static const char *const heads[] = { "CODE", "NAME", "MONTHLY" };
	struct out_list o;

	out_list_begin(&o, c->json, 3, heads);
	o.t.right[2] = 1;
	return out_list_end(&o, sd_vas_list(&c->sess, vas_row, &o, &c->err));
}

/* ---------------------------------------------------------------- agents */

static void
agent_fields(const struct ctl_ctx *c, struct sd_agent_fields *f)
{
	sd_agent_fields_init(f);
	f->name = ctl_opt(c, "name");
	f->parent = ctl_opt(c, "parent");
	f->credit_limit = ctl_opt(c, "credit-limit");
	f->discount = ctl_opt(c, "discount");
	f->region = ctl_opt(c, "region");
}

int
cmd_agent_add(struct ctl_ctx *c)
{
	struct sd_agent_fields f;
	int st;

	agent_fields(c, &f);
	if ((st = sd_agent_add(&c->sess, c->args[0], &f, &c->err)) != SD_OK)
		return st;
	fprintf(ctl_out(), "%s\n", c->args[0]);
	return SD_OK;
}

int
cmd_agent_update(struct ctl_ctx *c)
{
	struct sd_agent_fields f;
	const char *scheme = ctl_opt(c, "scheme");
	int st;

	agent_fields(c, &f);
	if (scheme != NULL && f.name == NULL && f.credit_limit == NULL &&
	    f.discount == NULL && f.region == NULL)
		return cmd_agent_scheme(c);
	if ((st = sd_agent_update(&c->sess, c->args[0], &f, &c->err)) != SD_OK ||
	    scheme == NULL)
		return st;
	return cmd_agent_scheme(c);
}

int
cmd_agent_approve(struct ctl_ctx *c)
{
	return sd_agent_set_status(&c->sess, c->args[0], SD_AGENT_APPROVED,
	    &c->err);
}

int
cmd_agent_suspend(struct ctl_ctx *c)
{
	return sd_agent_set_status(&c->sess, c->args[0], SD_AGENT_SUSPENDED,
	    &c->err);
}

static void
agent_json(struct out_json *j, const struct sd_agent *a,
    const struct sd_agent_stats *st, const char *scheme, int inherited)
{
	json_obj_open(j, NULL);
	json_str(j, "code", a->code);
	json_str(j, "name", a->name);
	json_str(j, "parent", a->parent);
	json_str(j, "status", sd_agent_status_name(a->status));
	json_int(j, "credit_limit_fen", a->credit_fen);
	json_int(j, "discount_bp", a->discount_bp);
	json_str(j, "region", a->region);
	json_int(j, "depth", a->depth);
	json_int(j, "held", st ? st->held : a->held);
	json_int(j, "sold_month", st ? st->sold_month : a->sold_month);
	if (st != NULL) {
		json_int(j, "sold_total", st->sold_total);
		json_int(j, "orders", st->orders);
		json_int(j, "orders_open", st->orders_open);
		json_int(j, "receivable_fen", st->receivable_fen);
	}
	if (scheme != NULL) {
		json_str(j, "scheme", scheme);
		json_bool(j, "scheme_inherited", inherited);
	}
	json_obj_close(j);
}

int
cmd_agent_show(struct ctl_ctx *c)
{
	struct sd_agent a;
	struct sd_agent_stats s;
	struct out_json j;
	char credit[32], recv[32], scheme[SD_CODE_MAX + 1];
	int st, inh;

	if ((st = sd_agent_get(&c->sess, c->args[0], &a, &c->err)) != SD_OK ||
	    (st = sd_agent_stats(&c->sess, c->args[0], &s, &c->err)) != SD_OK ||
	    (st = sd_agent_scheme_get(&c->sess, c->args[0], scheme,
	    sizeof scheme, &inh, &c->err)) != SD_OK)
		return st;
	if (c->json) {
		json_begin(&j, ctl_out());
		agent_json(&j, &a, &s, scheme, inh);
		json_end(&j);
		return SD_OK;
	}
	sd_money_format(a.credit_fen, credit, sizeof credit);
	sd_money_format(s.receivable_fen, recv, sizeof recv);
	fprintf(ctl_out(), "agent:         %s\nname:          %s\nparent:        %s\n"
	    "status:        %s\ncredit limit:  %s\ndiscount:      %d.%02d%%\n"
	    "region:        %s\nreceivable:    %s\ncards held:    %ld\n"
	    "sold:          %ld this month, %ld in all\n"
	    "orders:        %ld (%ld open)\n", a.code, a.name,
	    a.parent[0] ? a.parent : "-", sd_agent_status_name(a.status), credit,
	    a.discount_bp / 100, a.discount_bp % 100, a.region, recv, s.held,
	    s.sold_month, s.sold_total, s.orders, s.orders_open);
	return SD_OK;
}

struct tree_state {
	struct ctl_ctx	*c;
	struct out_json	 j;
	int		 indent;	/* tree: indent; list: table */
	struct out_table t;
};

static int
agent_row(const struct sd_agent *a, void *arg)
{
	struct tree_state *ts = arg;

	if (ts->c->json) {
		agent_json(&ts->j, a, NULL, NULL, 0);
		return 0;
	}
	if (ts->indent) {
		struct sd_buf b = SD_BUF_INIT;

		for (int i = 0; i < a->depth; i++)
			sd_buf_adds(&b, "    ");
		sd_buf_printf(&b, "%s %s  [%s]  held %ld, sold %ld this month",
		    a->code, a->name, sd_agent_status_name(a->status), a->held,
		    a->sold_month);
		fprintf(ctl_out(), "%s\n", sd_buf_cstr(&b));
		sd_buf_free(&b);
	} else {
		char n[24], m[24];
		const char *cells[6];

		snprintf(n, sizeof n, "%ld", a->held);
		snprintf(m, sizeof m, "%ld", a->sold_month);
		cells[0] = a->code;
		cells[1] = a->name;
		cells[2] = a->parent;
		cells[3] = sd_agent_status_name(a->status);
		cells[4] = n;
		cells[5] = m;
		out_table_row(&ts->t, cells);
	}
	return 0;
}

static int
agents(struct ctl_ctx *c, const char *root, int indent)
{
	static const char *const heads[] = { "CODE", "NAME", "PARENT", "STATUS",
	    "HELD", "SOLD/MONTH" };
	struct tree_state ts;
	int st;

	memset(&ts, 0, sizeof ts);
	ts.c = c;
	ts.indent = indent;
	out_table_init(&ts.t, 6, heads);
	ts.t.right[4] = ts.t.right[5] = 1;
	if (c->json) {
		json_begin(&ts.j, ctl_out());
		json_arr_open(&ts.j, NULL);
	}
	st = sd_agent_tree(&c->sess, root, agent_row, &ts, &c->err);
	if (st == SD_OK) {
		if (c->json) {
			json_arr_close(&ts.j);
			json_end(&ts.j);
		} else if (!indent)
			out_table_print(&ts.t, ctl_out());
	}
	out_table_free(&ts.t);
	return st;
}

int
cmd_agent_list(struct ctl_ctx *c)
{
	return agents(c, "", 0);
}

int
cmd_agent_tree(struct ctl_ctx *c)
{
	return agents(c, c->nargs ? c->args[0] : "", 1);
}

/* ---------------------------------------------------------------- cards */

static void
sim_json(struct out_json *j, const struct sd_sim *s)
{
	json_obj_open(j, NULL);
	json_str(j, "iccid", s->iccid);
	json_str(j, "msisdn", s->msisdn);
	json_str(j, "imsi", s->imsi);
	json_str(j, "status", sd_sim_status_name(s->status));
	json_str(j, "agent", s->agent);
	json_str(j, "plan", s->plan);
	json_str(j, "grade", s->grade);
	json_int(j, "price_fen", s->price_fen);
	json_str(j, "batch", s->batch);
	json_str(j, "warehouse", s->warehouse);
	json_int(j, "customer", (long long)s->customer);
	json_str(j, "reason", s->reason);
	json_obj_close(j);
}

int
cmd_sim_add(struct ctl_ctx *c)
{
	struct sd_sim_fields f;
	char iccid[SD_ICCID_MAX + 1];
	int st;

	sd_sim_fields_init(&f);
	f.iccid = ctl_opt(c, "iccid");
	f.msisdn = ctl_opt(c, "msisdn");
	f.plan = ctl_opt(c, "plan");
	f.imsi = ctl_opt(c, "imsi");
	f.price = ctl_opt(c, "price");
	f.batch = ctl_opt(c, "batch");
	f.warehouse = ctl_opt(c, "warehouse");
	f.card_type = ctl_opt(c, "card-type");
	sd_err_clear(&c->err);
	if ((st = sd_sim_add(&c->sess, &f, iccid, &c->err)) != SD_OK)
		return st;
	if (c->err.msg[0])	/* a check digit was appended: say so */
		fprintf(ctl_errf(), "simdeskctl: %s\n", c->err.msg);
	fprintf(ctl_out(), "%s\n", iccid);
	return SD_OK;
}

static void
import_result(const struct ctl_ctx *c, const char *what,
    const struct sd_import_result *r)
{
	if (c->json)
		fprintf(ctl_out(), "{\"%s\": %ld, \"rejected\": %ld}\n", what, r->imported,
		    r->rejected);
	else
		fprintf(ctl_out(), "%s %ld, rejected %ld\n", what, r->imported, r->rejected);
}

int
cmd_sim_import(struct ctl_ctx *c)
{
	struct sd_table t;
	struct sd_import_result r;
	int st;

	if ((st = ctl_read_table(c, c->args[0], &t)) != SD_OK)
		return st;
	st = sd_sim_import(&c->sess, c->args[0], &t, ctl_opt(c, "skip-bad"), &r,
	    &c->err);
	if (st == SD_OK)
		import_result(c, "imported", &r);
	sd_table_free(&t);
	return st;
}

static int
sim_row(const struct sd_sim *s, void *arg)
{
	struct out_list *o = arg;
	char price[32];
	const char *cells[8];

	if (o->json) {
		sim_json(&o->j, s);
		return 0;
	}
	sd_money_format(s->price_fen, price, sizeof price);
	cells[0] = s->iccid;
	cells[1] = s->msisdn;
	cells[2] = sd_sim_status_name(s->status);
	cells[3] = s->plan;
	cells[4] = s->grade;
	cells[5] = price;
	cells[6] = s->agent;
	cells[7] = s->warehouse;
	out_table_row(&o->t, cells);
	return 0;
}

int
cmd_sim_list(struct ctl_ctx *c)
{
	static const char *const heads[] = { "ICCID", "MSISDN", "STATUS", "PLAN",
	    "GRADE", "PRICE", "AGENT", "WAREHOUSE" };
	struct sd_sim_filter f;
	struct out_list o;
	const char *status = ctl_opt(c, "status");

	memset(&f, 0, sizeof f);
	f.status = -1;
	if (status != NULL && (f.status = sd_sim_status_parse(status)) < 0)
		return sd_err_set(&c->err, SD_EINVAL, "--status: '%s' is not a "
		    "card state", status);
	f.agent = ctl_opt(c, "agent");
	f.plan = ctl_opt(c, "plan");
	f.grade = ctl_opt(c, "grade");
	f.warehouse = ctl_opt(c, "warehouse");
	f.msisdn_prefix = ctl_opt(c, "msisdn-prefix");
	out_list_begin(&o, c->json, 8, heads);
	o.t.right[5] = 1;
	return out_list_end(&o, sd_sim_list(&c->sess, &f, sim_row, &o, &c->err));
}

int
cmd_sim_show(struct ctl_ctx *c)
{
	struct sd_sim s;
	struct out_json j;
	char price[32];
	int st;

	if ((st = sd_sim_find(&c->sess, c->args[0], &s, &c->err)) != SD_OK)
		return st;
	if (c->json) {
		json_begin(&j, ctl_out());
		sim_json(&j, &s);
		json_end(&j);
		return SD_OK;
	}
	sd_money_format(s.price_fen, price, sizeof price);
	fprintf(ctl_out(), "iccid:      %s\nmsisdn:     %s\nimsi:       %s\nstatus:     %s\n"
	    "plan:       %s\ngrade:      %s\nprice:      %s\nagent:      %s\n"
	    "warehouse:  %s\nbatch:      %s\nreason:     %s\n", s.iccid, s.msisdn,
	    s.imsi, sd_sim_status_name(s.status), s.plan, s.grade[0] ? s.grade :
	    "ordinary", price, s.agent, s.warehouse, s.batch, s.reason);
	return SD_OK;
}

int
cmd_sim_grade(struct ctl_ctx *c)
{
	struct sd_grade g;
	char premium[32];
	int st;

	if ((st = sd_msisdn_check(c->args[0], &c->err)) != SD_OK)
		return st;
	sd_grade_msisdn(c->cfg, c->args[0], &g);
	sd_money_format(g.premium_fen, premium, sizeof premium);
	if (c->json)
		fprintf(ctl_out(), "{\"msisdn\": \"%s\", \"grade\": \"%s\", \"rule\": \"%s\", "
		    "\"premium_fen\": %lld}\n", c->args[0], g.grade, g.rule,
		    (long long)g.premium_fen);
	else if (g.grade[0])
		fprintf(ctl_out(), "%s: %s (%s), premium %s\n", c->args[0], g.grade, g.rule,
		    premium);
	else
		fprintf(ctl_out(), "%s: ordinary (no rule matched)\n", c->args[0]);
	return SD_OK;
}

static int
move(struct ctl_ctx *c, int to)
{
	return sd_sim_move(&c->sess, c->args[0], to, ctl_opt(c, "reason"),
	    &c->err);
}

int cmd_sim_suspend(struct ctl_ctx *c) { return move(c, SD_SIM_SUSPENDED); }
int cmd_sim_resume(struct ctl_ctx *c) { return move(c, SD_SIM_ACTIVE); }
int cmd_sim_terminate(struct ctl_ctx *c) { return move(c, SD_SIM_TERMINATED); }
int cmd_sim_return(struct ctl_ctx *c) { return move(c, SD_SIM_RETURNED); }
int cmd_sim_restock(struct ctl_ctx *c) { return move(c, SD_SIM_IN_STOCK); }

int
cmd_sim_allocate(struct ctl_ctx *c)
{
	int count = 0, n, st;

	if ((st = ctl_opt_int(c, "count", 1, 10000000, &count)) != SD_OK)
		return st;
	if ((st = sd_sim_allocate(&c->sess, ctl_opt(c, "agent"), c->args,
	    c->nargs, ctl_opt(c, "range"), count, ctl_opt(c, "plan"), &n,
	    &c->err)) != SD_OK)
		return st;
	fprintf(ctl_out(), "%d\n", n);
	return SD_OK;
}

int
cmd_sim_transfer(struct ctl_ctx *c)
{
	return sd_sim_transfer(&c->sess, ctl_opt(c, "to-agent"), c->args,
	    c->nargs, &c->err);
}

/* The monthly batch an agent hands in: one command, one transaction. */
static int
activate_file(struct ctl_ctx *c, const char *file)
{
	static const char *const single[] = { "customer", "channel", "agent",
	    "price", "vas", "date", "operator" };
	struct sd_table t;
	struct sd_import_result r;
	int st;

	if (c->nargs > 0)
		return sd_err_set(&c->err, SD_EINVAL, "--file: not with an ICCID "
		    "on the command line");
	for (size_t i = 0; i < sizeof single / sizeof single[0]; i++)
		if (ctl_opt(c, single[i]) != NULL)
			return sd_err_set(&c->err, SD_EINVAL, "--%s: with --file "
			    "it is a column of the file", single[i]);
	if ((st = ctl_read_table(c, file, &t)) != SD_OK)
		return st;
	st = sd_sim_activate_file(&c->sess, file, &t, ctl_opt(c, "skip-bad"),
	    ctl_isatty(STDERR_FILENO) && t.nrows > 5000 ? ctl_progress : NULL,
	    (void *)"activating", &r, &c->err);
	if (st == SD_OK)
		import_result(c, "activated", &r);
	sd_table_free(&t);
	return st;
}

int
cmd_sim_activate(struct ctl_ctx *c)
{
	struct sd_activation a;
	const char *date = ctl_opt(c, "date");
	uint64_t id;
	int st;

	if (ctl_opt(c, "file") != NULL)
		return activate_file(c, ctl_opt(c, "file"));
	if (c->nargs != 1 || ctl_opt(c, "customer") == NULL)
		return sd_err_set(&c->err, SD_EINVAL, "sim activate: give ICCID "
		    "and --customer, or --file FILE");
	memset(&a, 0, sizeof a);
	a.iccid = c->args[0];
	a.channel = ctl_opt(c, "channel");
	a.agent = ctl_opt(c, "agent");
	a.price = ctl_opt(c, "price");
	a.vas = ctl_opt(c, "vas");
	a.operator = ctl_opt(c, "operator");
	if (date != NULL && sd_time_parse(date, &a.date) != SD_OK)
		return sd_err_set(&c->err, SD_EINVAL, "--date: '%s' is not "
		    "YYYY-MM-DD", date);
	a.customer_key = ctl_opt(c, "customer");
	if ((st = sd_sim_activate(&c->sess, &a, &id, &c->err)) != SD_OK)
		return st;
	fprintf(ctl_out(), "%llu\n", (unsigned long long)id);
	return SD_OK;
}

/* ---------------------------------------------------------------- stocktake */

static int
take_row(const struct sd_stocktake_diff *d, void *arg)
{
	struct out_list *o = arg;
	char line[16];
	const char *cells[7];

	if (o->json) {
		json_obj_open(&o->j, NULL);
		json_str(&o->j, "kind", sd_stocktake_kind_name(d->kind));
		json_str(&o->j, "iccid", d->iccid);
		json_int(&o->j, "line", d->line);
		json_str(&o->j, "status", d->status >= 0 ?
		    sd_sim_status_name(d->status) : "");
		json_str(&o->j, "warehouse", d->warehouse);
		json_str(&o->j, "agent", d->agent);
		json_bool(&o->j, "adjusted", d->adjusted);
		json_obj_close(&o->j);
		return 0;
	}
	snprintf(line, sizeof line, "%d", d->line);
	cells[0] = sd_stocktake_kind_name(d->kind);
	cells[1] = d->iccid;
	cells[2] = d->line ? line : "-";
	cells[3] = d->status >= 0 ? sd_sim_status_name(d->status) : "-";
	cells[4] = d->warehouse[0] ? d->warehouse : "-";
	cells[5] = d->agent[0] ? d->agent : "-";
	cells[6] = d->adjusted ? "yes" : "";
	out_table_row(&o->t, cells);
	return 0;
}

int
cmd_sim_stocktake(struct ctl_ctx *c)
{
	static const char *const heads[] = { "DIFFERENCE", "ICCID", "LINE",
	    "BOOKS: STATE", "WAREHOUSE", "AGENT", "ADJUSTED" };
	struct sd_stocktake_result r;
	struct out_list o;
	char (*ids)[SD_ICCID_MAX + 1];
	int *lines, n, st;
	int apply = ctl_opt(c, "apply") != NULL;

	/* The dispatch checked stocktake; booking it is a supervisor's:
	 * refused before the file is read. */
	if ((apply && (st = sd_authorize(&c->sess, SD_OP_SIM_ADJUST,
	    c->args[0], &c->err)) != SD_OK) ||
	    (st = sd_iccid_file(c->args[0], &ids, &lines, &n, &c->err)) != SD_OK)
		return st;
	memset(&o, 0, sizeof o);
	o.json = c->json;
	out_table_init(&o.t, 7, heads);
	if (o.json) {
		json_begin(&o.j, ctl_out());
		json_obj_open(&o.j, NULL);
		json_arr_open(&o.j, "differences");
	}
	st = sd_sim_stocktake(&c->sess, ctl_opt(c, "warehouse"), ids, lines, n,
	    apply, ctl_opt(c, "reason"), take_row, &o, &r, &c->err);
	if (st == SD_OK && o.json) {
		json_arr_close(&o.j);
		json_int(&o.j, "scanned", r.scanned);
		json_int(&o.j, "booked", r.booked);
		json_int(&o.j, "matched", r.matched);
		for (int k = 0; k < SD_ST__COUNT; k++)
			json_int(&o.j, sd_stocktake_kind_name(k), r.count[k]);
		json_int(&o.j, "adjusted", r.adjusted);
		json_obj_close(&o.j);
		json_end(&o.j);
	} else if (st == SD_OK) {
		fprintf(ctl_out(), "warehouse %s: scanned %ld, on the books %ld, matched %ld; "
		    "missing %ld, unexpected %ld, wrong warehouse %ld, wrong "
		    "state %ld, scanned twice %ld%s\n", ctl_opt(c, "warehouse"),
		    r.scanned, r.booked, r.matched, r.count[SD_ST_MISSING],
		    r.count[SD_ST_UNEXPECTED], r.count[SD_ST_WRONG_WAREHOUSE],
		    r.count[SD_ST_WRONG_STATE], r.count[SD_ST_DUPLICATE],
		    apply ? "" : " (a report: --apply records the adjustments)");
		if (apply)
			fprintf(ctl_out(), "adjusted %ld\n", r.adjusted);
		if (o.t.nrows > 0)
			out_table_print(&o.t, ctl_out());
	}
	out_table_free(&o.t);
	free(ids);
	free(lines);
	return st;
}

/* ---------------------------------------------------------------- orders */

static int
order_id(struct ctl_ctx *c, uint64_t *id)
{
	char *end;

	*id = strtoull(c->args[0], &end, 10);
	if (c->args[0][0] == '\0' || *end != '\0' || *id == 0)
		return sd_err_set(&c->err, SD_EINVAL, "order: '%s' is not an "
		    "order number", c->args[0]);
	return SD_OK;
}

/* ICCIDs from --iccids FILE, else the arguments from first on. */
static int
iccid_args(struct ctl_ctx *c, int first, const char ***ids, int *n,
    char (**store)[SD_ICCID_MAX + 1])
{
	const char *file = ctl_opt(c, "iccids");
	int st;

	*store = NULL;
	*ids = NULL;
	*n = 0;
	if (file == NULL) {
		*n = c->nargs - first;
		*ids = xcalloc((size_t)*n + 1, sizeof **ids);
		for (int i = 0; i < *n; i++)
			(*ids)[i] = c->args[first + i];
		return SD_OK;
	}
	if (c->nargs > first)
		return sd_err_set(&c->err, SD_EINVAL, "--iccids: not with ICCIDs "
		    "on the command line");
	if ((st = sd_iccid_file(file, store, NULL, n, &c->err)) != SD_OK)
		return st;
	*ids = xcalloc((size_t)*n, sizeof **ids);
	for (int i = 0; i < *n; i++)
		(*ids)[i] = (*store)[i];
	return SD_OK;
}

int
cmd_order_add(struct ctl_ctx *c)
{
	char (*store)[SD_ICCID_MAX + 1];
	const char **ids;
	uint64_t id;
	int count = 0, n, st;

	if (ctl_opt(c, "count") != NULL &&
	    (st = ctl_opt_int(c, "count", 1, 100000, &count)) != SD_OK)
		return st;
	if (ctl_opt(c, "iccids") == NULL && (ctl_opt(c, "plan") == NULL ||
	    count == 0))
		return sd_err_set(&c->err, SD_EINVAL, "order add: give --plan "
		    "and --count, or --iccids FILE");
	if ((st = iccid_args(c, 0, &ids, &n, &store)) != SD_OK)
		return st;
	st = sd_order_add(&c->sess, ctl_opt(c, "agent"), ctl_opt(c, "plan"),
	    count, ids, n, &id, &c->err);
	free(ids);
	free(store);
	if (st != SD_OK)
		return st;
	fprintf(ctl_out(), "%llu\n", (unsigned long long)id);
	return SD_OK;
}

int
cmd_order_return(struct ctl_ctx *c)
{
	char (*store)[SD_ICCID_MAX + 1];
	const char **ids;
	uint64_t id;
	int n, st;

	if ((st = order_id(c, &id)) != SD_OK ||
	    (st = iccid_args(c, 1, &ids, &n, &store)) != SD_OK)
		return st;
	st = sd_order_return(&c->sess, id, ids, n, ctl_opt(c, "reason"),
	    &c->err);
	free(ids);
	free(store);
	if (st == SD_OK)
		fprintf(ctl_out(), "%d card%s returned\n", n, n == 1 ? "" : "s");
	return st;
}

#define ORDER_STEP(fn, call) \
int \
fn(struct ctl_ctx *c) \
{ \
	uint64_t id; \
	int st; \
\
	if ((st = order_id(c, &id)) != SD_OK) \
		return st; \
	return call; \
}

ORDER_STEP(cmd_order_approve, sd_order_approve(&c->sess, id, &c->err))
ORDER_STEP(cmd_order_ship, sd_order_ship(&c->sess, id, ctl_opt(c, "carrier"),
    ctl_opt(c, "tracking"), &c->err))
ORDER_STEP(cmd_order_deliver, sd_order_deliver(&c->sess, id, &c->err))
ORDER_STEP(cmd_order_reject, sd_order_end(&c->sess, id, SD_ORDER_REJECTED,
    ctl_opt(c, "reason"), &c->err))
ORDER_STEP(cmd_order_cancel, sd_order_end(&c->sess, id, SD_ORDER_CANCELLED,
    ctl_opt(c, "reason"), &c->err))

static void
order_json(struct out_json *j, const struct sd_order *o)
{
	json_obj_open(j, NULL);
	json_int(j, "id", (long long)o->id);
	json_str(j, "status", sd_order_status_name(o->status));
	json_str(j, "agent", o->agent);
	json_str(j, "plan", o->plan);
	json_int(j, "count", o->count);
	json_int(j, "value_fen", o->value_fen);
	json_int(j, "discount_bp", o->discount_bp);
	json_int(j, "returned", o->returned);
	json_int(j, "returned_fen", o->returned_fen);
	json_str(j, "carrier", o->carrier);
	json_str(j, "tracking", o->tracking);
	json_str(j, "reason", o->reason);
	json_arr_open(j, "iccids");
	for (int i = 0; i < o->niccids; i++)
		json_str(j, NULL, o->iccids[i]);
	json_arr_close(j);
	json_obj_close(j);
}

static int
order_row(const struct sd_order *o, void *arg)
{
	struct out_list *st = arg;
	char id[24], n[16], v[32];
	const char *cells[6];

	if (st->json) {
		order_json(&st->j, o);
		return 0;
	}
	snprintf(id, sizeof id, "%llu", (unsigned long long)o->id);
	snprintf(n, sizeof n, "%d", o->count);
	sd_money_format(o->value_fen, v, sizeof v);
	cells[0] = id;
	cells[1] = o->agent;
	cells[2] = o->plan;
	cells[3] = n;
	cells[4] = v;
	cells[5] = sd_order_status_name(o->status);
	out_table_row(&st->t, cells);
	return 0;
}

int
cmd_order_list(struct ctl_ctx *c)
{
	static const char *const heads[] = { "ID", "AGENT", "PLAN", "COUNT",
	    "VALUE", "STATUS" };
	const char *status = ctl_opt(c, "status");
	struct out_list o;
	int want = -1;

	if (status != NULL) {
		for (int i = 0; i < SD_ORDER__COUNT; i++)
			if (strcmp(status, sd_order_status_name(i)) == 0)
				want = i;
		if (want < 0)
			return sd_err_set(&c->err, SD_EINVAL, "--status: '%s' is "
			    "not an order status", status);
	}
	out_list_begin(&o, c->json, 6, heads);
	o.t.right[0] = o.t.right[3] = o.t.right[4] = 1;
	return out_list_end(&o, sd_order_list(&c->sess, want, order_row, &o, &c->err));
}

int
cmd_order_show(struct ctl_ctx *c)
{
	struct sd_order o;
	struct out_json j;
	uint64_t id;
	int st;

	if ((st = order_id(c, &id)) != SD_OK ||
	    (st = sd_order_get(&c->sess, id, &o, &c->err)) != SD_OK)
		return st;
	json_begin(&j, ctl_out());
	if (c->json) {
		order_json(&j, &o);
		json_end(&j);
	} else {
		char v[32], r[32];

		sd_money_format(o.value_fen, v, sizeof v);
		sd_money_format(o.returned_fen, r, sizeof r);
		fprintf(ctl_out(), "order:     %llu\nstatus:    %s\nagent:     %s\n"
		    "plan:      %s x %d%s\nvalue:     %s (discount %d.%02d%%)\n"
		    "returned:  %d (credited %s)\ncarrier:   %s %s\n"
		    "reason:    %s\ncards:    ", (unsigned long long)o.id,
		    sd_order_status_name(o.status), o.agent, o.plan, o.count,
		    o.named ? " (named cards)" : "", v, o.discount_bp / 100,
		    o.discount_bp % 100, o.returned, r, o.carrier, o.tracking,
		    o.reason);
		for (int i = 0; i < o.niccids; i++)
			fprintf(ctl_out(), " %s", o.iccids[i]);
		fprintf(ctl_out(), "\n");
	}
	sd_order_free(&o);
	return SD_OK;
}
