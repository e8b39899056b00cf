/*
 * cmd_customer.c -- simdeskctl customer, note and reminder: arguments in,
 * tables or JSON out.  Rules and permission checks are core's.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/tui.h"

/* CUSTOMER on the command line: an id or any of its phone numbers. */
static int
resolve(struct ctl_ctx *c, const char *key, struct sd_customer *out)
{
	return sd_customer_find(&c->sess, key, out, &c->err);
}

static int
fields_from_opts(struct ctl_ctx *c, struct sd_cust_fields *f, int update)
{
	const char *dnc = ctl_opt(c, "dnc"), *status = ctl_opt(c, "status");

	sd_cust_fields_init(f);
	f->name = ctl_opt(c, "name");
	f->phones = ctl_opt(c, "phone");
	f->city = ctl_opt(c, "city");
	f->address = ctl_opt(c, "address");
	f->id_no = ctl_opt(c, "id-no");
	f->cls = ctl_opt(c, "class");
	f->source = ctl_opt(c, "source");
	f->tags = ctl_opt(c, "tags");
	if (!update) {
		f->owner = ctl_opt(c, "owner");
		f->dnc = dnc != NULL;
		return SD_OK;
	}
	if (dnc != NULL) {
		if (strcmp(dnc, "yes") != 0 && strcmp(dnc, "no") != 0)
			return sd_err_set(&c->err, SD_EINVAL, "--dnc: '%s' is not "
			    "yes or no", dnc);
		f->dnc = dnc[0] == 'y';
	}
	if (status != NULL && (f->status = sd_cust_status_parse(status)) < 0)
		return sd_err_set(&c->err, SD_EINVAL, "--status: '%s' is not "
		    "prospect, active, suspended or closed", status);
	return SD_OK;
}

int
cmd_customer_add(struct ctl_ctx *c)
{
	struct sd_cust_fields f;
	uint64_t id;
	int st;

	if ((st = fields_from_opts(c, &f, 0)) != SD_OK ||
	    (st = sd_customer_add(&c->sess, &f, &id, &c->err)) != SD_OK)
		return st;
	fprintf(ctl_out(), "%llu\n", (unsigned long long)id);
	return SD_OK;
}

int
cmd_customer_update(struct ctl_ctx *c)
{
	struct sd_cust_fields f;
	struct sd_customer cu;
	int st;

	if ((st = fields_from_opts(c, &f, 1)) != SD_OK ||
	    (st = resolve(c, c->args[0], &cu)) != SD_OK)
		return st;
	return sd_customer_update(&c->sess, cu.id, &f, &c->err);
}

static void
show_text(const struct sd_customer *cu)
{
	char t1[32], t2[32], t3[32];
	struct sd_buf phones = SD_BUF_INIT, tags = SD_BUF_INIT;

	for (int i = 0; i < cu->nphones; i++)
		sd_buf_printf(&phones, "%s%s", i ? ", " : "", cu->phones[i]);
	for (int i = 0; i < cu->ntags; i++)
		sd_buf_printf(&tags, "%s%s", i ? ", " : "", cu->tags[i]);
	sd_time_format(cu->next_at, t1, sizeof t1);
	sd_time_format(cu->last_contact, t2, sizeof t2);
	sd_time_format(cu->created, t3, sizeof t3);
	fprintf(ctl_out(), "id:            %llu\nname:          %s\nphones:        %s\n"
	    "city:          %s\naddress:       %s\nid_no:         %s\n"
	    "class:         %s\nsource:        %s\ntags:          %s\n"
	    "owner:         %s\ndo not call:   %s\nstatus:        %s\n"
	    "next contact:  %s (%s)\nlast contact:  %s\ncreated:       %s\n",
	    (unsigned long long)cu->id, cu->name, sd_buf_cstr(&phones),
	    cu->city, cu->address, cu->id_no, cu->cls, cu->source,
	    sd_buf_cstr(&tags), cu->owner[0] ? cu->owner : "(shared pool)",
	    cu->dnc ? "yes" : "no", sd_cust_status_name(cu->status), t1,
	    sd_cust_light(cu, sd_now()), t2, t3);
	sd_buf_free(&phones);
	sd_buf_free(&tags);
}

static int
sub_line(const struct sd_subscription *u, void *arg)
{
	char from[32], price[32];

	(void)arg;
	sd_time_format(u->from, from, sizeof from);
	sd_money_format(u->price_fen, price, sizeof price);
	fprintf(ctl_out(), "subscription:  #%llu %s %s plan %s from %.10s, %s, "
	    "%s%s%s%s%s\n", (unsigned long long)u->id, u->msisdn, u->iccid,
	    u->plan, from, u->channel, price, u->agent[0] ? ", agent " : "",
	    u->agent, u->seller[0] ? ", sold by " : "", u->seller);
	return 0;
}

int
cmd_customer_show(struct ctl_ctx *c)
{
	struct sd_customer cu;
	int st;

	if ((st = resolve(c, c->args[0], &cu)) != SD_OK)
		return st;
	if (c->json) {
		struct out_json j;

		json_begin(&j, ctl_out());
		out_customer_json(&j, &cu);
		json_end(&j);
		return SD_OK;
	}
	show_text(&cu);
	return sd_subscription_list(&c->sess, cu.id, sub_line, NULL, &c->err);
}

/* Page through an index, printing as we go: memory stays flat. */
static int
list_by(struct ctl_ctx *c, enum sd_cust_by by, const char *key, long limit)
{
	static const char *const heads[] = { "ID", "NAME", "PHONE", "CITY",
	    "CLASS", "OWNER", "STATUS", "NEXT" };
	struct sd_customer *rows = xcalloc(200, sizeof *rows);
	char (*keys)[SD_PAGEKEY_MAX] = xcalloc(200, SD_PAGEKEY_MAX);
	char anchor[SD_PAGEKEY_MAX] = "";
	struct out_table t;
	struct out_json j;
	long shown = 0;
	int n, st;

	out_table_init(&t, 8, heads);
	t.right[0] = 1;
	if (c->json) {
		json_begin(&j, ctl_out());
		json_arr_open(&j, NULL);
	}
	do {
		int want = limit - shown < 200 ? (int)(limit - shown) : 200;

		st = sd_customer_page(&c->sess, by, key, anchor, 1, rows, keys,
		    want, &n, &c->err);
		if (st != SD_OK)
			break;
		for (int i = 0; i < n; i++, shown++) {
			char id[24];
			const char *cells[8];

			if (c->json) {
				out_customer_json(&j, &rows[i]);
				continue;
			}
			snprintf(id, sizeof id, "%llu",
			    (unsigned long long)rows[i].id);
			cells[0] = id;
			cells[1] = rows[i].name;
			cells[2] = rows[i].nphones ? rows[i].phones[0] : "";
			cells[3] = rows[i].city;
			cells[4] = rows[i].cls;
			cells[5] = rows[i].owner[0] ? rows[i].owner : "(pool)";
			cells[6] = sd_cust_status_name(rows[i].status);
			cells[7] = sd_cust_light(&rows[i], sd_now());
			out_table_row(&t, cells);
		}
		if (n > 0)
			memcpy(anchor, keys[n - 1], SD_PAGEKEY_MAX);
	} while (n == 200 && shown < limit);
	if (st == SD_OK) {
		if (c->json) {
			json_arr_close(&j);
			json_end(&j);
		} else
			out_table_print(&t, ctl_out());
	}
	out_table_free(&t);
	free(rows);
	free(keys);
	return st;
}

int
cmd_customer_list(struct ctl_ctx *c)
{
	int limit = 1000000000, st;
	const char *v;

	if ((st = ctl_opt_int(c, "limit", 1, 1000000000, &limit)) != SD_OK)
		return st;
	if (ctl_opt(c, "mine") != NULL)
		return list_by(c, SD_CUST_BY_OWNER, c->sess.user.login, limit);
	if ((v = ctl_opt(c, "owner")) != NULL)
		return list_by(c, SD_CUST_BY_OWNER, v, limit);
	if (ctl_opt(c, "pool") != NULL)
		return list_by(c, SD_CUST_BY_OWNER, "", limit);
	if ((v = ctl_opt(c, "class")) != NULL)
		return list_by(c, SD_CUST_BY_CLASS, v, limit);
	if ((v = ctl_opt(c, "city")) != NULL)
		return list_by(c, SD_CUST_BY_CITY, v, limit);
	if ((v = ctl_opt(c, "tag")) != NULL)
		return list_by(c, SD_CUST_BY_TAG, v, limit);
	return list_by(c, SD_CUST_BY_ID, NULL, limit);
}

int
cmd_customer_search(struct ctl_ctx *c)
{
	const char *by = ctl_opt(c, "by"), *text = c->args[0];
	int limit = 100, phone, st;

	if ((st = ctl_opt_int(c, "limit", 1, 1000000, &limit)) != SD_OK)
		return st;
	phone = strspn(text, "+0123456789 -") == strlen(text);
	if (by != NULL) {
		if (strcmp(by, "name") != 0 && strcmp(by, "phone") != 0)
			return sd_err_set(&c->err, SD_EINVAL, "--by: '%s' is not "
			    "name or phone", by);
		phone = by[0] == 'p';
	}
	return list_by(c, phone ? SD_CUST_BY_PHONE : SD_CUST_BY_NAME, text,
	    limit);
}

int
cmd_customer_import(struct ctl_ctx *c)
{
	struct sd_table t;
	struct sd_import_opts o;
	struct sd_import_result r;
	int st;

	if ((st = ctl_read_table(c, c->args[0], &t)) != SD_OK)
		return st;
	memset(&o, 0, sizeof o);
	o.map = ctl_opt(c, "map");
	o.owner = ctl_opt(c, "owner");
	o.rejects = ctl_opt(c, "skip-bad");
	if (ctl_isatty(STDERR_FILENO) && t.nrows > 20000) {
		o.progress = ctl_progress;
		o.progress_arg = (void *)"importing";
	}
	st = sd_customer_import(&c->sess, c->args[0], &t, &o, &r, &c->err);
	if (st == SD_OK) {
		if (c->json) {
			struct out_json j;

			json_begin(&j, ctl_out());
			json_obj_open(&j, NULL);
			json_int(&j, "imported", r.imported);
			json_int(&j, "rejected", r.rejected);
			json_int(&j, "duplicates", r.duplicates);
			json_int(&j, "import", (long long)r.import_id);
			json_str(&j, "encoding", t.encoding);
			json_obj_close(&j);
			json_end(&j);
		} else
			fprintf(ctl_out(), "imported %ld, rejected %ld (%ld duplicates), "
			    "encoding %s\n", r.imported, r.rejected,
			    r.duplicates, t.encoding);
	}
	sd_table_free(&t);
	return st;
}

int
cmd_customer_claim(struct ctl_ctx *c)
{
	struct sd_customer cu;
	int st;

	if ((st = resolve(c, c->args[0], &cu)) != SD_OK)
		return st;
	return sd_customer_claim(&c->sess, cu.id, &c->err);
}

int
cmd_customer_transfer(struct ctl_ctx *c)
{
	uint64_t ids[CTL_ARGS_MAX];
	int moved, st, all = ctl_opt(c, "all") != NULL;

	if (all == (c->nargs > 0))
		return sd_err_set(&c->err, SD_EUSAGE, "customer transfer: give "
		    "--all or the customers, not both");
	for (int i = 0; i < c->nargs; i++) {
		struct sd_customer cu;

		if ((st = resolve(c, c->args[i], &cu)) != SD_OK)
			return st;
		ids[i] = cu.id;
	}
	st = sd_customer_transfer(&c->sess, ctl_opt(c, "from"), ctl_opt(c, "to"),
	    all ? NULL : ids, c->nargs, &moved, &c->err);
	if (st == SD_OK)
		fprintf(ctl_out(), "%d\n", moved);
	return st;
}

int
cmd_customer_sweep(struct ctl_ctx *c)
{
	int moved, days = -1, st;

	if ((st = ctl_opt_int(c, "days", 0, 3650, &days)) != SD_OK)
		return st;
	if ((st = sd_customer_sweep(&c->sess, days, &moved, &c->err)) == SD_OK)
		fprintf(ctl_out(), "%d\n", moved);
	return st;
}

int
cmd_customer_passwd(struct ctl_ctx *c)
{
	struct sd_customer cu;
	char pw[256];
	int st;

	if ((st = resolve(c, c->args[0], &cu)) != SD_OK ||
	    (st = prompt_new_password(pw, sizeof pw, &c->err)) != SD_OK)
		return st;
	st = sd_customer_set_svc_password(&c->sess, cu.id, pw, &c->err);
	explicit_bzero(pw, sizeof pw);
	return st;
}

/* ---------------------------------------------------------------- notes */

int
cmd_note_add(struct ctl_ctx *c)
{
	struct sd_customer cu;
	const char *next = ctl_opt(c, "next");
	int64_t at;
	uint64_t id;
	int st;

	/* No --next keeps the planned contact; --next none drops it. */
	if ((st = sd_note_next_parse("--next", next, &at, &c->err)) != SD_OK ||
	    (st = resolve(c, c->args[0], &cu)) != SD_OK ||
	    (st = sd_note_add(&c->sess, cu.id, c->args[1], ctl_opt(c, "outcome"),
	    at, &id, &c->err)) != SD_OK)
		return st;
	fprintf(ctl_out(), "%llu\n", (unsigned long long)id);
	return SD_OK;
}

struct notes_state {
	struct out_json	j;
	int		json;
};

static int
note_row(const struct sd_note *n, void *arg)
{
	struct notes_state *s = arg;
	char at[32], next[32];

	if (s->json) {
		json_obj_open(&s->j, NULL);
		json_int(&s->j, "id", (long long)n->id);
		json_int(&s->j, "at", n->at);
		json_str(&s->j, "by", n->by);
		json_str(&s->j, "text", n->text);
		json_str(&s->j, "outcome", n->outcome);
		json_int(&s->j, "next_at", n->next_at);
		json_obj_close(&s->j);
		return 0;
	}
	sd_time_format(n->at, at, sizeof at);
	sd_time_format(n->next_at, next, sizeof next);
	fprintf(ctl_out(), "%s  %s%s%s%s%s\n    %s\n", at, n->by,
	    n->outcome[0] ? "  [" : "", n->outcome, n->outcome[0] ? "]" : "",
	    n->next_at ? "" : "", n->text);
	if (n->next_at)
		fprintf(ctl_out(), "    next contact: %s\n", next);
	return 0;
}

int
cmd_note_list(struct ctl_ctx *c)
{
	struct sd_customer cu;
	struct notes_state s;
	int st;

	if ((st = resolve(c, c->args[0], &cu)) != SD_OK)
		return st;
	memset(&s, 0, sizeof s);
	s.json = c->json;
	if (s.json) {
		json_begin(&s.j, ctl_out());
		json_arr_open(&s.j, NULL);
	}
	st = sd_note_list(&c->sess, cu.id, note_row, &s, &c->err);
	if (s.json) {
		json_arr_close(&s.j);
		json_end(&s.j);
	}
	return st;
}

static int
reminder_row(const struct sd_reminder *r, void *arg)
{
	struct notes_state *s = arg;
	char due[32];

	if (s->json) {
		json_obj_open(&s->j, NULL);
		json_int(&s->j, "id", (long long)r->id);
		json_int(&s->j, "customer", (long long)r->customer);
		json_str(&s->j, "customer_name", r->cname);
		json_str(&s->j, "phone", r->phone);
		json_str(&s->j, "owner", r->owner);
		json_int(&s->j, "due_at", r->due);
		json_str(&s->j, "text", r->text);
		json_obj_close(&s->j);
		return 0;
	}
	sd_time_format(r->due, due, sizeof due);
	fprintf(ctl_out(), "%s  %-10s %6llu  %s  %s  %s\n", due, r->owner,
	    (unsigned long long)r->customer, r->cname, r->phone, r->text);
	return 0;
}

int
cmd_reminder_list(struct ctl_ctx *c)
{
	struct notes_state s;
	const char *until = ctl_opt(c, "until");
	int64_t t = sd_now();
	int st;

	if (until != NULL && sd_time_parse(until, &t) != SD_OK)
		return sd_err_set(&c->err, SD_EINVAL, "--until: '%s' is not "
		    "YYYY-MM-DD[ HH:MM]", until);
	memset(&s, 0, sizeof s);
	s.json = c->json;
	if (s.json) {
		json_begin(&s.j, ctl_out());
		json_arr_open(&s.j, NULL);
	}
	st = sd_reminder_due(&c->sess, NULL, t, ctl_opt(c, "team") != NULL,
	    reminder_row, &s, &c->err);
	if (s.json) {
		json_arr_close(&s.j);
		json_end(&s.j);
	}
	return st;
}
