/*
 * cmd_billing.c -- simdeskctl tariff: tariffs, their rates and quotes.
 * The pricing is core's (core/rating.c, core/tariff.c).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
	printf("%s\n", c->args[0]);
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
		printf("tariff %s %s, rounding %s, %d rate%s\n", t.code, t.name,
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

	if ((st = sd_authorize(&c->sess, SD_OP_TARIFF_EDIT, c->args[1],
	    &c->err)) != SD_OK ||
	    (st = ctl_read_table(c, c->args[1], &t)) != SD_OK)
		return st;
	st = sd_tariff_import(&c->sess, c->args[0], c->args[1], &t,
	    ctl_opt(c, "skip-bad"), &r, &c->err);
	if (st == SD_OK) {
		if (c->json)
			printf("{\"imported\": %ld, \"rejected\": %ld}\n",
			    r.imported, r.rejected);
		else
			printf("imported %ld rates, rejected %ld\n", r.imported,
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
		json_begin(&j, stdout);
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
	printf("prefix %s%s%s: %s/min, connect %s, block %d/%d s\n",
	    q.rate.prefix, q.rate.name[0] ? " " : "", q.rate.name, pm, conn,
	    q.rate.first_block_s, q.rate.increment_s);
	printf("%ld s -> %d s billable%s", secs, q.rating.billable_s,
	    q.rating.parts > 1 ? " across bands" : "");
	if (q.rating.bundle_min)
		printf(", %d plan minute%s", q.rating.bundle_min,
		    q.rating.bundle_min == 1 ? "" : "s");
	printf(": %s\n", cost);
	return SD_OK;
}
