/*
 * cmd_billing.c -- simdeskctl tariff: tariffs, their rates and quotes.
 * The pricing is core's (core/billing/rating.c, core/billing/tariff.c).
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drivers/drivers.h"
#include "tui/tui.h"

/* "0.15" yuan a minute from milli-fen. */
static void
rate_format(int64_t mfen, char *out, size_t size)
{
	char *p;

	snprintf(out, size, "%lld.%05lld", (long long)(mfen / 100000),
	    (long long)(mfen % 100000));
	/* Keep two decimals at least: 0.15000 -> 0.15, 0.12345 stays. */
	p = out + strlen(out) - 1;
	while (p > out && *p == '0' && p[-2] != '.')
		*p-- = '\0';
}

int
cmd_tariff_add(struct ctl_ctx *c)
{
	int st;

	if ((st = sd_tariff_add(&c->sess, c->args[0], ctl_opt(c, "name"),
	    ctl_opt(c, "rounding"), &c->err)) != SD_OK)
		return st;
	fprintf(ctl_out(), "%s\n", c->args[0]);
	return SD_OK;
}

int
cmd_tariff_rate(struct ctl_ctx *c)
{
	struct sd_rate_fields f;

	sd_rate_fields_init(&f);
	f.per_minute = ctl_opt(c, "per-minute");
	f.connect = ctl_opt(c, "connect");
	f.first_block = ctl_opt(c, "first-block");
	f.increment = ctl_opt(c, "increment");
	f.name = ctl_opt(c, "name");
	f.band = ctl_opt(c, "band");
	f.bundle = ctl_opt(c, "bundle") != NULL;
	return sd_tariff_rate(&c->sess, c->args[0], c->args[1], &f, &c->err);
}

static int
tariff_row(const struct sd_tariff *t, void *arg)
{
	struct out_list *o = arg;
	char n[16];
	const char *cells[4];

	if (o->json) {
		json_obj_open(&o->j, NULL);
		json_str(&o->j, "code", t->code);
		json_str(&o->j, "name", t->name);
		json_str(&o->j, "rounding", sd_rounding_name(t->rounding));
		json_int(&o->j, "rates", t->nrates);
		json_int(&o->j, "version", (long long)t->version);
		json_obj_close(&o->j);
		return 0;
	}
	snprintf(n, sizeof n, "%d", t->nrates);
	cells[0] = t->code;
	cells[1] = t->name;
	cells[2] = sd_rounding_name(t->rounding);
	cells[3] = n;
	out_table_row(&o->t, cells);
	return 0;
}

int
cmd_tariff_list(struct ctl_ctx *c)
{
	static const char *const heads[] = { "CODE", "NAME", "ROUNDING",
	    "RATES" };
	struct out_list o;

	out_list_begin(&o, c->json, 4, heads);
	o.t.right[3] = 1;
	return out_list_end(&o, sd_tariff_list(&c->sess, tariff_row, &o,
	    &c->err));
}

static int
rate_row(const struct sd_rate *r, void *arg)
{
	struct out_list *o = arg;
	char pm[32], conn[32], band[48], blk[24];
	const char *cells[7];

	rate_format(r->per_minute_mfen, pm, sizeof pm);
	sd_money_format(r->connect_fen, conn, sizeof conn);
	sd_band_format(&r->band, band, sizeof band);
	if (o->json) {
		json_obj_open(&o->j, NULL);
		json_str(&o->j, "prefix", r->prefix);
		json_str(&o->j, "name", r->name);
		json_int(&o->j, "per_minute_mfen", r->per_minute_mfen);
		json_int(&o->j, "connect_fen", r->connect_fen);
		json_int(&o->j, "first_block_s", r->first_block_s);
		json_int(&o->j, "increment_s", r->increment_s);
		json_str(&o->j, "band", band);
		json_bool(&o->j, "bundle", r->bundle);
		json_obj_close(&o->j);
		return 0;
	}
	snprintf(blk, sizeof blk, "%d/%d", r->first_block_s, r->increment_s);
	cells[0] = r->prefix;
	cells[1] = r->name;
	cells[2] = pm;
	cells[3] = conn;
	cells[4] = blk;
	cells[5] = band[0] ? band : "-";
	cells[6] = r->bundle ? "yes" : "";
	out_table_row(&o->t, cells);
	return 0;
}

int
cmd_tariff_show(struct ctl_ctx *c)
{
	static const char *const heads[] = { "PREFIX", "NAME", "PER MINUTE",
	    "CONNECT", "BLOCK/INC", "BAND", "BUNDLE" };
	struct sd_tariff t;
	struct out_list o;
	int st;

	if ((st = sd_tariff_get(&c->sess, c->args[0], &t, &c->err)) != SD_OK)
		return st;
	if (!c->json)
		fprintf(ctl_out(), "tariff %s %s, rounding %s, %d rate%s\n", t.code, t.name,
		    sd_rounding_name(t.rounding), t.nrates, t.nrates == 1 ? "" :
		    "s");
	out_list_begin(&o, c->json, 7, heads);
	o.t.right[2] = o.t.right[3] = 1;
	return out_list_end(&o, sd_tariff_rates(&c->sess, c->args[0], rate_row,
	    &o, &c->err));
}

int
cmd_tariff_import(struct ctl_ctx *c)
{
	struct sd_table t;
	struct sd_import_result r;
	int st;

	if ((st = ctl_read_table(c, c->args[1], &t)) != SD_OK)
		return st;
	st = sd_tariff_import(&c->sess, c->args[0], c->args[1], &t,
	    ctl_opt(c, "skip-bad"), &r, &c->err);
	if (st == SD_OK) {
		if (c->json)
			fprintf(ctl_out(), "{\"imported\": %ld, \"rejected\": %ld}\n",
			    r.imported, r.rejected);
		else
			fprintf(ctl_out(), "imported %ld rates, rejected %ld\n", r.imported,
			    r.rejected);
	}
	sd_table_free(&t);
	return st;
}

int
cmd_tariff_quote(struct ctl_ctx *c)
{
	const char *when = ctl_opt(c, "at");
	struct sd_quote q;
	char *end, pm[32], cost[32], conn[32];
	int64_t at = 0;
	long secs;
	int plan = 0, st;

	secs = strtol(c->args[2], &end, 10);
	if (c->args[2][0] == '\0' || *end != '\0' || secs < 0 || secs > 86400)
		return sd_err_set(&c->err, SD_EINVAL, "seconds: '%s' is not 0 to "
		    "86400", c->args[2]);
	if (when != NULL && sd_time_parse(when, &at) != SD_OK)
		return sd_err_set(&c->err, SD_EINVAL, "--at: '%s' is not "
		    "YYYY-MM-DD HH:MM[:SS]", when);
	if ((st = ctl_opt_int(c, "plan-minutes", 0, 100000, &plan)) != SD_OK ||
	    (st = sd_tariff_quote(&c->sess, c->args[0], c->args[1], (int)secs, at,
	    plan, &q, &c->err)) != SD_OK)
		return st;
	rate_format(q.rate.per_minute_mfen, pm, sizeof pm);
	sd_money_format(q.rating.cost_fen, cost, sizeof cost);
	sd_money_format(q.rate.connect_fen, conn, sizeof conn);
	if (c->json) {
		struct out_json j;
		char band[48];

		sd_band_format(&q.rate.band, band, sizeof band);
		json_begin(&j, ctl_out());
		json_obj_open(&j, NULL);
		json_str(&j, "prefix", q.rate.prefix);
		json_str(&j, "rate_name", q.rate.name);
		json_int(&j, "per_minute_mfen", q.rate.per_minute_mfen);
		json_int(&j, "connect_fen", q.rate.connect_fen);
		json_str(&j, "band", band);
		json_int(&j, "seconds_s", secs);
		json_int(&j, "billable_s", q.rating.billable_s);
		json_int(&j, "bundle_min", q.rating.bundle_min);
		json_int(&j, "parts", q.rating.parts);
		json_int(&j, "cost_fen", q.rating.cost_fen);
		json_obj_close(&j);
		json_end(&j);
		return SD_OK;
	}
	fprintf(ctl_out(), "prefix %s%s%s: %s/min, connect %s, block %d/%d s\n",
	    q.rate.prefix, q.rate.name[0] ? " " : "", q.rate.name, pm, conn,
	    q.rate.first_block_s, q.rate.increment_s);
	fprintf(ctl_out(), "%ld s -> %d s billable%s", secs, q.rating.billable_s,
	    q.rating.parts > 1 ? " across bands" : "");
	if (q.rating.bundle_min)
		fprintf(ctl_out(), ", %d plan minute%s", q.rating.bundle_min,
		    q.rating.bundle_min == 1 ? "" : "s");
	fprintf(ctl_out(), ": %s\n", cost);
	return SD_OK;
}

/* ---------------------------------------------------------------- call records */

int
cmd_cdr_import(struct ctl_ctx *c)
{
	const char *fmt = ctl_opt(c, "format");
	const char *enc = ctl_opt(c, "encoding");
	enum sd_encoding e = SD_ENC_AUTO;
	struct sd_import_result r;
	struct stat sb;
	int format = sd_cdr_format_parse(fmt), st;

	if (format < 0)
		return sd_err_set(&c->err, SD_EINVAL, "--format: '%s' is not "
		    "asterisk, freeswitch or simdesk", fmt);
	if (enc != NULL) {
		if (strcmp(enc, "utf-8") == 0 || strcmp(enc, "utf8") == 0)
			e = SD_ENC_UTF8;
		else if (strcmp(enc, "gb18030") == 0 || strcmp(enc, "gbk") == 0)
			e = SD_ENC_GB18030;
		else if (strcmp(enc, "auto") != 0)
			return sd_err_set(&c->err, SD_EINVAL, "--encoding: '%s' is "
			    "not auto, utf-8 or gb18030", enc);
	}
	/* Read a slice at a time: progress for a file of some megabytes. */
	st = sd_cdr_import_file(&c->sess, c->args[0], e, format,
	    ctl_opt(c, "skip-bad"), ctl_isatty(STDERR_FILENO) &&
	    stat(c->args[0], &sb) == 0 && sb.st_size > (4 << 20) ?
	    ctl_progress : NULL, (void *)"importing", &r, &c->err);
	if (st == SD_OK) {
		if (c->json)
			fprintf(ctl_out(), "{\"imported\": %ld, \"rejected\": %ld, "
			    "\"duplicates\": %ld}\n", r.imported, r.rejected,
			    r.duplicates);
		else
			fprintf(ctl_out(), "imported %ld, rejected %ld, duplicates %ld\n",
			    r.imported, r.rejected, r.duplicates);
	}
	return st;
}

static void
cdr_json(struct out_json *j, const struct sd_cdr *x)
{
	json_obj_open(j, NULL);
	json_int(j, "id", (long long)x->id);
	json_str(j, "msisdn", x->msisdn);
	json_str(j, "direction", x->direction == SD_DIR_IN ? "in" : "out");
	json_str(j, "other", x->other);
	json_int(j, "start", x->start);
	json_int(j, "answer", x->answer);
	json_int(j, "duration_s", x->duration);
	json_int(j, "billsec_s", x->billsec);
	json_int(j, "subscription", (long long)x->sub);
	json_int(j, "customer", (long long)x->customer);
	json_str(j, "prefix", x->prefix);
	json_str(j, "rate_name", x->rate_name);
	json_int(j, "unit_fee_mfen", x->unit_mfen);
	json_int(j, "billable_s", x->billable_s);
	json_int(j, "bundle_min", x->bundle_min);
	json_int(j, "cost_fen", x->cost_fen);
	json_str(j, "uniqueid", x->uniq);
	json_str(j, "source", x->source);
	json_obj_close(j);
}

static int
cdr_row(const struct sd_cdr *x, void *arg)
{
	struct out_list *o = arg;
	char id[24], st[32], sec[16], unit[32], cost[32], bundle[16];
	const char *cells[8];

	if (o->json) {
		cdr_json(&o->j, x);
		return 0;
	}
	snprintf(id, sizeof id, "%llu", (unsigned long long)x->id);
	sd_time_format(x->start, st, sizeof st);
	snprintf(sec, sizeof sec, "%d", x->billsec);
	rate_format(x->unit_mfen, unit, sizeof unit);
	sd_money_format(x->cost_fen, cost, sizeof cost);
	snprintf(bundle, sizeof bundle, "%d", x->bundle_min);
	cells[0] = id;
	cells[1] = st;
	cells[2] = x->direction == SD_DIR_IN ? "in" : "out";
	cells[3] = x->other;
	cells[4] = sec;
	cells[5] = x->direction == SD_DIR_IN ? "-" : unit;
	cells[6] = x->bundle_min ? bundle : "";
	cells[7] = cost;
	out_table_row(&o->t, cells);
	return 0;
}

static int
month_opt(struct ctl_ctx *c, int *month)
{
	const char *m = ctl_opt(c, "month");

	*month = 0;
	if (m != NULL && (*month = sd_month_parse(m)) < 0)
		return sd_err_set(&c->err, SD_EINVAL, "--month: '%s' is not "
		    "YYYY-MM", m);
	return SD_OK;
}

int
cmd_cdr_list(struct ctl_ctx *c)
{
	static const char *const heads[] = { "ID", "START", "DIR", "NUMBER",
	    "SECONDS", "PER MIN", "PLAN MIN", "FEE" };
	struct out_list o;
	int month, st;

	if ((st = month_opt(c, &month)) != SD_OK)
		return st;
	out_list_begin(&o, c->json, 8, heads);
	o.t.right[0] = o.t.right[4] = o.t.right[5] = o.t.right[6] =
	    o.t.right[7] = 1;
	return out_list_end(&o, sd_cdr_list(&c->sess, ctl_opt(c, "msisdn"),
	    month, cdr_row, &o, &c->err));
}

int
cmd_cdr_show(struct ctl_ctx *c)
{
	struct sd_cdr x;
	struct out_json j;
	char *end, st[32], an[32], unit[32], cost[32];
	uint64_t id = strtoull(c->args[0], &end, 10);
	int rc;

	if (c->args[0][0] == '\0' || *end != '\0' || id == 0)
		return sd_err_set(&c->err, SD_EINVAL, "cdr: '%s' is not a call "
		    "record number", c->args[0]);
	if ((rc = sd_cdr_get(&c->sess, id, &x, &c->err)) != SD_OK)
		return rc;
	if (c->json) {
		json_begin(&j, ctl_out());
		cdr_json(&j, &x);
		json_end(&j);
		return SD_OK;
	}
	sd_time_format(x.start, st, sizeof st);
	if (x.answer)
		sd_time_format(x.answer, an, sizeof an);
	else
		sd_strlcpy(an, "not answered", sizeof an);
	rate_format(x.unit_mfen, unit, sizeof unit);
	sd_money_format(x.cost_fen, cost, sizeof cost);
	fprintf(ctl_out(), "call:         %llu (%s %s)\nnumber:       %s %s %s\n"
	    "subscription: #%llu, customer %llu\nstart:        %s\n"
	    "answer:       %s\nseconds:      %d (%d billable, %d plan minutes)\n"
	    "rate:         %s %s, %s/min\nfee:          %s\n",
	    (unsigned long long)x.id, x.source, x.uniq, x.msisdn,
	    x.direction == SD_DIR_IN ? "<-" : "->", x.other,
	    (unsigned long long)x.sub, (unsigned long long)x.customer, st, an,
	    x.billsec, x.billable_s, x.bundle_min, x.prefix, x.rate_name, unit,
	    cost);
	return SD_OK;
}

/* Usage of a number's subscription in a month. */
static int
usage_row(const struct sd_cdr *x, void *arg)
{
	uint64_t *sub = arg;

	*sub = x->sub;
	return 0;
}

int
cmd_cdr_usage(struct ctl_ctx *c)
{
	struct sd_usage u;
	char fee[32];
	uint64_t sub = 0;
	int month, st;

	if ((st = month_opt(c, &month)) != SD_OK)
		return st;
	if (month == 0)
		month = sd_month_of(sd_now());
	if ((st = sd_cdr_list(&c->sess, ctl_opt(c, "msisdn"), month, usage_row,
	    &sub, &c->err)) != SD_OK)
		return st;
	memset(&u, 0, sizeof u);
	if (sub != 0 && (st = sd_usage_get(&c->sess, sub, month, &u,
	    &c->err)) != SD_OK)
		return st;
	sd_money_format(u.call_fee_fen, fee, sizeof fee);
	if (c->json) {
		fprintf(ctl_out(), "{\"msisdn\": \"%s\", \"month\": \"%04d-%02d\", "
		    "\"subscription\": %llu, \"calls\": %ld, \"answered\": %ld, "
		    "\"talk_s\": %ld, \"bundle_min\": %d, \"billable_s\": %ld, "
		    "\"call_fee_fen\": %lld, \"sms\": %ld}\n", ctl_opt(c, "msisdn"),
		    month / 100, month % 100, (unsigned long long)sub, u.calls,
		    u.answered, u.seconds, u.bundle_min, u.billable_s,
		    (long long)u.call_fee_fen, u.sms);
		return SD_OK;
	}
	fprintf(ctl_out(), "%s %04d-%02d: %ld calls (%ld answered), talk %ld s, plan minutes "
	    "%d, charged %ld s, call fee %s, sms %ld\n", ctl_opt(c, "msisdn"),
	    month / 100, month % 100, u.calls, u.answered, u.seconds,
	    u.bundle_min, u.billable_s, fee, u.sms);
	return SD_OK;
}

/* ---------------------------------------------------------------- bills */

static int
month_arg(struct ctl_ctx *c, const char *s, int *month)
{
	if ((*month = sd_month_parse(s)) < 0)
		return sd_err_set(&c->err, SD_EINVAL, "month: '%s' is not YYYY-MM",
		    s);
	return SD_OK;
}

static void
run_progress(long done, long total, void *arg)
{
	(void)total;
	(void)arg;
	fprintf(ctl_errf(), "\rbilling: %ld customers", done);
}

int
cmd_bill_run(struct ctl_ctx *c)
{
	struct sd_bill_run_result r;
	char posted[32];
	int month, st;

	if ((st = month_arg(c, c->args[0], &month)) != SD_OK ||
	    (st = sd_bill_run(&c->sess, month, ctl_isatty(STDERR_FILENO) ?
	    run_progress : NULL, NULL, &r, &c->err)) != SD_OK)
		return st;
	if (ctl_isatty(STDERR_FILENO))
		fputc('\n', ctl_errf());
	sd_money_format(r.posted_fen, posted, sizeof posted);
	if (c->json)
		fprintf(ctl_out(), "{\"customers\": %ld, \"changed\": %ld, \"posted_fen\": %lld, "
		    "\"suspended\": %ld}\n", r.customers, r.changed,
		    (long long)r.posted_fen, r.suspended);
	else
		fprintf(ctl_out(), "%s: %ld bills, %ld new or changed, %s posted, %ld cards "
		    "suspended\n", c->args[0], r.customers, r.changed, posted,
		    r.suspended);
	return SD_OK;
}

static void
bill_json(struct out_json *j, const struct sd_bill *b, int lines)
{
	char month[16];

	snprintf(month, sizeof month, "%04d-%02d", b->month / 100, b->month % 100);
	json_obj_open(j, NULL);
	json_int(j, "customer", (long long)b->customer);
	json_str(j, "name", b->name);
	json_str(j, "phone", b->phone);
	json_str(j, "month", month);
	json_str(j, "plans", b->plans);
	json_int(j, "plan_fee_fen", b->plan_fee_fen);
	json_int(j, "vas_fee_fen", b->vas_fee_fen);
	json_int(j, "call_fee_fen", b->call_fee_fen);
	json_int(j, "one_off_fen", b->one_off_fen);
	json_int(j, "adjust_fen", b->adjust_fen);
	json_int(j, "total_fen", b->total_fen);
	json_int(j, "paid_fen", b->paid_fen);
	json_int(j, "due_fen", b->total_fen - b->paid_fen);
	if (lines) {
		json_arr_open(j, "lines");
		for (int i = 0; i < b->nlines; i++) {
			json_obj_open(j, NULL);
			json_str(j, "kind", sd_bill_kind_name(b->lines[i].kind));
			json_str(j, "msisdn", b->lines[i].msisdn);
			json_str(j, "code", b->lines[i].code);
			json_str(j, "text", b->lines[i].text);
			json_int(j, "amount_fen", b->lines[i].amount_fen);
			json_obj_close(j);
		}
		json_arr_close(j);
	}
	json_obj_close(j);
}

int
cmd_bill_show(struct ctl_ctx *c)
{
	struct sd_bill b;
	struct out_json j;
	char m[8][32];
	int month, st;

	if ((st = month_arg(c, c->args[1], &month)) != SD_OK ||
	    (st = sd_bill_get(&c->sess, c->args[0], month, &b, &c->err)) != SD_OK)
		return st;
	if (c->json) {
		json_begin(&j, ctl_out());
		bill_json(&j, &b, 1);
		json_end(&j);
		return SD_OK;
	}
	sd_money_format(b.call_fee_fen, m[0], sizeof m[0]);
	sd_money_format(b.vas_fee_fen, m[1], sizeof m[1]);
	sd_money_format(b.total_fen, m[2], sizeof m[2]);
	sd_money_format(b.paid_fen, m[3], sizeof m[3]);
	sd_money_format(b.plan_fee_fen, m[4], sizeof m[4]);
	sd_money_format(b.one_off_fen, m[5], sizeof m[5]);
	sd_money_format(b.adjust_fen, m[6], sizeof m[6]);
	fprintf(ctl_out(), "月账单 %04d-%02d\n电话号码: %s\n客户姓名: %s\n套餐名称: %s\n"
	    "套餐费:   %s\n通话费:   %s\n新业务费: %s\n一次性费用: %s\n调整:     %s\n"
	    "费用合计: %s\n实缴:     %s\n", month / 100, month % 100, b.phone,
	    b.name, b.plans, m[4], m[0], m[1], m[5], m[6], m[2], m[3]);
	for (int i = 0; i < b.nlines; i++) {
		char a[32];

		sd_money_format(b.lines[i].amount_fen, a, sizeof a);
		fprintf(ctl_out(), "  %-8s %-11s %-40s %10s\n", sd_bill_kind_name(
		    b.lines[i].kind), b.lines[i].msisdn, b.lines[i].text, a);
	}
	return SD_OK;
}

static int
bill_row(const struct sd_bill *b, void *arg)
{
	struct out_list *o = arg;
	char id[24], calls[32], vas[32], total[32], paid[32], month[16];
	const char *cells[8];

	if (o->json) {
		bill_json(&o->j, b, 0);
		return 0;
	}
	snprintf(id, sizeof id, "%llu", (unsigned long long)b->customer);
	snprintf(month, sizeof month, "%04d-%02d", b->month / 100, b->month % 100);
	sd_money_format(b->call_fee_fen, calls, sizeof calls);
	sd_money_format(b->vas_fee_fen, vas, sizeof vas);
	sd_money_format(b->total_fen, total, sizeof total);
	sd_money_format(b->paid_fen, paid, sizeof paid);
	cells[0] = month;
	cells[1] = id;
	cells[2] = b->name;
	cells[3] = b->phone;
	cells[4] = calls;
	cells[5] = vas;
	cells[6] = total;
	cells[7] = paid;
	out_table_row(&o->t, cells);
	return 0;
}

static const char *const bill_heads[] = { "MONTH", "CUSTOMER", "NAME",
    "PHONE", "CALLS", "VAS", "TOTAL", "PAID" };

int
cmd_bill_list(struct ctl_ctx *c)
{
	struct out_list o;
	int month = 0, st;

	if (ctl_opt(c, "customer") == NULL && ctl_opt(c, "month") == NULL)
		return sd_err_set(&c->err, SD_EINVAL, "bill list: give --month or "
		    "--customer");
	if (ctl_opt(c, "month") != NULL &&
	    (st = month_arg(c, ctl_opt(c, "month"), &month)) != SD_OK)
		return st;
	out_list_begin(&o, c->json, 8, bill_heads);
	for (int i = 4; i < 8; i++)
		o.t.right[i] = 1;
	if (ctl_opt(c, "customer") != NULL)
		return out_list_end(&o, sd_bill_history(&c->sess,
		    ctl_opt(c, "customer"), bill_row, &o, &c->err));
	return out_list_end(&o, sd_bill_list(&c->sess, month,
	    ctl_opt(c, "unpaid") != NULL, bill_row, &o, &c->err));
}

int
cmd_bill_adjust(struct ctl_ctx *c)
{
	int month, st;

	if ((st = month_arg(c, c->args[1], &month)) != SD_OK)
		return st;
	return sd_bill_adjust(&c->sess, c->args[0], month, c->args[2],
	    ctl_opt(c, "reason"), &c->err);
}

int
cmd_balance(struct ctl_ctx *c)
{
	struct sd_balance b;
	char bal[32], unpaid[32], credit[32];
	int st;

	if ((st = sd_balance_get(&c->sess, c->args[0], &b, &c->err)) != SD_OK)
		return st;
	sd_money_format(b.balance_fen, bal, sizeof bal);
	sd_money_format(b.unpaid_fen, unpaid, sizeof unpaid);
	sd_money_format(b.credit_fen, credit, sizeof credit);
	if (c->json)
		fprintf(ctl_out(), "{\"customer\": %llu, \"name\": \"%s\", \"balance_fen\": %lld, "
		    "\"unpaid_fen\": %lld, \"unpaid_bills\": %d, "
		    "\"credit_limit_fen\": %lld, \"status\": \"%s\"}\n",
		    (unsigned long long)b.customer, b.name,
		    (long long)b.balance_fen, (long long)b.unpaid_fen,
		    b.unpaid_bills, (long long)b.credit_fen,
		    b.suspended ? "suspended" : "active");
	else
		fprintf(ctl_out(), "customer %llu %s\nbalance:      %s\nunpaid bills: %d "
		    "(%s)\ncredit limit: %s\nstatus:       %s\n",
		    (unsigned long long)b.customer, b.name, bal, b.unpaid_bills,
		    unpaid, credit, b.suspended ? "suspended (停机) for debt" :
		    "active");
	return SD_OK;
}

/* ---------------------------------------------------------------- payments */

int
cmd_pay(struct ctl_ctx *c)
{
	struct sd_receipt r;
	int st;

	if ((st = sd_pay(&c->sess, c->args[0], c->args[1], ctl_opt(c, "method"),
	    ctl_opt(c, "note"), &r, &c->err)) != SD_OK)
		return st;
	if (c->json)
		fprintf(ctl_out(), "{\"receipt\": \"%s\", \"customer\": %llu, \"amount_fen\": "
		    "%lld, \"credit_fen\": %lld, \"balance_fen\": %lld}\n",
		    r.number, (unsigned long long)r.customer,
		    (long long)r.amount_fen, (long long)r.credit_fen,
		    (long long)r.balance_after_fen);
	else
		fprintf(ctl_out(), "%s\n", r.number);
	return SD_OK;
}

static int
paper(struct ctl_ctx *c, int *cols)
{
	int st;

	*cols = c->cfg->receipt_paper;
	if ((st = ctl_opt_int(c, "paper", 32, 48, cols)) != SD_OK)
		return st;
	if (*cols != 32 && *cols != 48)
		return sd_err_set(&c->err, SD_EINVAL, "--paper: 32 or 48 columns");
	return SD_OK;
}

int
cmd_receipt_show(struct ctl_ctx *c)
{
	struct sd_receipt r;
	struct sd_buf b = SD_BUF_INIT;
	int cols, st;

	if ((st = paper(c, &cols)) != SD_OK ||
	    (st = sd_receipt_get(&c->sess, c->args[0], &r, &c->err)) != SD_OK)
		return st;
	if (c->json) {
		struct out_json j;

		json_begin(&j, ctl_out());
		json_obj_open(&j, NULL);
		json_str(&j, "number", r.number);
		json_int(&j, "customer", (long long)r.customer);
		json_str(&j, "name", r.name);
		json_int(&j, "amount_fen", r.amount_fen);
		json_str(&j, "method", r.method);
		json_str(&j, "cashier", r.cashier);
		json_int(&j, "at", r.at);
		json_int(&j, "credit_fen", r.credit_fen);
		json_int(&j, "balance_fen", r.balance_after_fen);
		json_bool(&j, "voided", r.voided);
		json_int(&j, "prints", r.prints);
		json_arr_open(&j, "bills");
		for (int i = 0; i < r.nalloc; i++) {
			char m[16];

			snprintf(m, sizeof m, "%04d-%02d", r.months[i] / 100,
			    r.months[i] % 100);
			json_obj_open(&j, NULL);
			json_str(&j, "month", m);
			json_int(&j, "paid_fen", r.alloc_fen[i]);
			json_obj_close(&j);
		}
		json_arr_close(&j);
		json_obj_close(&j);
		json_end(&j);
		return SD_OK;
	}
	sd_receipt_text(&r, c->cfg->receipt_header, cols, 0, &b);
	fputs(sd_buf_cstr(&b), ctl_out());
	sd_buf_free(&b);
	return SD_OK;
}

/* The whole of bytes to a file the user named (the client's, in simdeskd). */
static int
write_file(const char *path, const struct sd_buf *bytes, struct sd_err *err)
{
	FILE *f = sd_file_open(path, "wb", err);
	int bad;

	if (f == NULL)
		return err->status;
	bad = fwrite(bytes->p, 1, bytes->len, f) != bytes->len;
	if (fclose(f) != 0 || bad)
		return sd_err_set(err, SD_EINTERNAL, "%s: %s", path,
		    strerror(errno ? errno : EIO));
	return SD_OK;
}

int
cmd_receipt_print(struct ctl_ctx *c)
{
	const char *file = ctl_opt(c, "file"), *printer = ctl_opt(c, "printer");
	struct sd_receipt r;
	struct sd_buf text = SD_BUF_INIT, bytes = SD_BUF_INIT;
	int cols, copy, st;

	if (file != NULL && printer != NULL)
		return sd_err_set(&c->err, SD_EINVAL, "--file and --printer: one "
		    "or the other");
	if (printer == NULL && file == NULL && c->cfg->receipt_printer[0])
		printer = c->cfg->receipt_printer;
	if ((st = paper(c, &cols)) != SD_OK)
		return st;
	/* A printer's: queued for simdeskd, which drives the printers. */
	if (printer != NULL) {
		if ((st = sd_print_queue(&c->sess, printer, c->args[0], cols,
		    NULL, &copy, &c->err)) == SD_OK)
			fprintf(ctl_out(), "%s queued for printer %s%s\n", c->args[0], printer,
			    copy ? " (a copy)" : "");
		return st;
	}
	if ((st = sd_receipt_printed(&c->sess, c->args[0], &r, &copy,
	    &c->err)) != SD_OK)
		return st;
	sd_receipt_text(&r, c->cfg->receipt_header, cols, copy, &text);
	if (file == NULL)
		fputs(sd_buf_cstr(&text), ctl_out());
	else if ((st = drv_escpos_receipt(sd_buf_cstr(&text), &bytes,
	    &c->err)) == SD_OK)
		st = write_file(file, &bytes, &c->err);
	sd_buf_free(&text);
	sd_buf_free(&bytes);
	return st;
}

struct rlist {
	struct out_table	 t;
	struct out_json		 j;
	int			 json;
	long			 n;
	int64_t			 total;	/* not voided */
};

static int
rlist_row(const struct sd_receipt *r, void *arg)
{
	struct rlist *l = arg;
	char at[32], amt[32];

	sd_time_format(r->at, at, sizeof at);
	sd_money_format(r->amount_fen, amt, sizeof amt);
	l->n++;
	if (!r->voided)
		l->total += r->amount_fen;
	if (l->json) {
		json_obj_open(&l->j, NULL);
		json_str(&l->j, "number", r->number);
		json_str(&l->j, "at", at);
		json_int(&l->j, "customer", (int64_t)r->customer);
		json_str(&l->j, "name", r->name);
		json_int(&l->j, "amount_fen", r->amount_fen);
		json_str(&l->j, "method", r->method);
		json_bool(&l->j, "voided", r->voided);
		json_obj_close(&l->j);
	} else {
		char id[24];
		const char *cells[7] = { r->number, at, id, r->name, amt,
		    r->method, r->voided ? "void" : "" };

		snprintf(id, sizeof id, "%llu", (unsigned long long)r->customer);
		out_table_row(&l->t, cells);
	}
	return 0;
}

int
cmd_receipt_list(struct ctl_ctx *c)
{
	static const char *const heads[] = { "NUMBER", "TIME", "CUSTOMER",
	    "NAME", "AMOUNT", "METHOD", "VOID" };
	struct rlist l;
	int64_t from, to;
	int st;

	if ((st = sd_day_range(ctl_opt(c, "day"), sd_now(), &from, &to,
	    &c->err)) != SD_OK)
		return st;
	memset(&l, 0, sizeof l);
	l.json = c->json;
	out_table_init(&l.t, 7, heads);
	l.t.right[2] = l.t.right[4] = 1;
	if (l.json) {
		json_begin(&l.j, ctl_out());
		json_arr_open(&l.j, NULL);
	}
	st = sd_receipt_list(&c->sess, ctl_opt(c, "cashier"), from, to,
	    rlist_row, &l, &c->err);
	if (l.json) {
		json_arr_close(&l.j);
		json_end(&l.j);
	} else if (st == SD_OK) {
		char tot[32];

		out_table_print(&l.t, ctl_out());
		sd_money_format(l.total, tot, sizeof tot);
		fprintf(ctl_out(), "%ld receipts, %s taken (voids not counted)\n",
		    l.n, tot);
	}
	out_table_free(&l.t);
	return st;
}

int
cmd_receipt_void(struct ctl_ctx *c)
{
	return sd_receipt_void(&c->sess, c->args[0], ctl_opt(c, "reason"),
	    &c->err);
}

int
cmd_shift_close(struct ctl_ctx *c)
{
	struct sd_shift sh;
	char m[6][32], from[32], to[32];
	int st;

	if ((st = sd_shift_close(&c->sess, ctl_opt(c, "counted"), &sh,
	    &c->err)) != SD_OK)
		return st;
	for (int i = 0; i < 4; i++)
		sd_money_format(sh.by_method[i], m[i], sizeof m[i]);
	sd_money_format(sh.expected_cash_fen, m[4], sizeof m[4]);
	sd_money_format(sh.counted_cash_fen, m[5], sizeof m[5]);
	if (sh.from)
		sd_time_format(sh.from, from, sizeof from);
	else
		sd_strlcpy(from, "the first receipt", sizeof from);
	sd_time_format(sh.to, to, sizeof to);
	if (c->json) {
		fprintf(ctl_out(), "{\"cashier\": \"%s\", \"first\": \"%s\", \"last\": \"%s\", "
		    "\"receipts\": %ld, \"voids\": %ld, \"voided_fen\": %lld, "
		    "\"cash_fen\": %lld, \"card_fen\": %lld, \"wechat_fen\": %lld, "
		    "\"alipay_fen\": %lld, \"expected_cash_fen\": %lld, "
		    "\"counted_cash_fen\": %lld, \"difference_fen\": %lld}\n",
		    sh.cashier, sh.first, sh.last, sh.receipts, sh.voids,
		    (long long)sh.voided_fen, (long long)sh.by_method[0],
		    (long long)sh.by_method[1], (long long)sh.by_method[2],
		    (long long)sh.by_method[3], (long long)sh.expected_cash_fen,
		    (long long)sh.counted_cash_fen, sh.counted_cash_fen < 0 ? 0LL :
		    (long long)(sh.counted_cash_fen - sh.expected_cash_fen));
		return SD_OK;
	}
	fprintf(ctl_out(), "shift of %s, %s to %s\nreceipts:  %ld (%s .. %s), %ld voided\n"
	    "cash %s  card %s  wechat %s  alipay %s\nexpected cash: %s\n",
	    sh.cashier, from, to, sh.receipts, sh.first[0] ? sh.first : "-",
	    sh.last[0] ? sh.last : "-", sh.voids, m[0], m[1], m[2], m[3], m[4]);
	if (sh.counted_cash_fen >= 0) {
		char d[32];

		sd_money_format(sh.counted_cash_fen - sh.expected_cash_fen, d,
		    sizeof d);
		fprintf(ctl_out(), "counted cash:  %s (difference %s)\n", m[5], d);
	}
	return SD_OK;
}
