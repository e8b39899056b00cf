/*
 * cmd_ticket.c -- simdeskctl ticket: service requests (客户受理).
 */
#include <stdlib.h>
#include <string.h>

#include "tui/tui.h"

static int
ticket_id(struct ctl_ctx *c, const char *s, uint64_t *id)
{
	char *end;

	*id = strtoull(s, &end, 10);
	if (*s == '\0' || *end != '\0' || *id == 0)
		return sd_err_set(&c->err, SD_EINVAL, "ticket: '%s' is not a "
		    "ticket number", s);
	return SD_OK;
}

int
cmd_ticket_add(struct ctl_ctx *c)
{
	struct sd_customer cu;
	const char *type = ctl_opt(c, "type");
	uint64_t id;
	int t, st;

	if ((t = sd_ticket_type_parse(type)) < 0)
		return sd_err_set(&c->err, SD_EINVAL, "--type: '%s' is not "
		    "inquiry, complaint, after-sales or change", type);
	if ((st = sd_customer_find(&c->sess, c->args[0], &cu, &c->err)) != SD_OK ||
	    (st = sd_ticket_add(&c->sess, cu.id, t, ctl_opt(c, "text"), &id,
	    &c->err)) != SD_OK)
		return st;
	fprintf(ctl_out(), "%llu\n", (unsigned long long)id);
	return SD_OK;
}

struct list_state {
	struct out_table	t;
	struct out_json		j;
	int			json;
};

static int
ticket_row(const struct sd_ticket *tk, void *arg)
{
	struct list_state *s = arg;
	char id[24], cust[24], due[32];
	const char *cells[8];

	if (s->json) {
		out_ticket_json(&s->j, tk);
		return 0;
	}
	snprintf(id, sizeof id, "%llu", (unsigned long long)tk->id);
	snprintf(cust, sizeof cust, "%llu", (unsigned long long)tk->customer);
	sd_time_format(tk->due, due, sizeof due);
	cells[0] = id;
	cells[1] = sd_ticket_type_name(tk->type);
	cells[2] = sd_ticket_status_name(tk->status);
	cells[3] = tk->cname;
	cells[4] = tk->phone;
	cells[5] = tk->handler;
	cells[6] = due;
	cells[7] = sd_ticket_overdue(tk, sd_now()) ? "OVERDUE" : "";
	out_table_row(&s->t, cells);
	return 0;
}

int
cmd_ticket_list(struct ctl_ctx *c)
{
	static const char *const heads[] = { "ID", "TYPE", "STATUS", "CUSTOMER",
	    "PHONE", "HANDLER", "DUE", "" };
	struct sd_ticket_filter f;
	struct list_state s;
	const char *status = ctl_opt(c, "status"), *cust = ctl_opt(c, "customer");
	int st;

	memset(&f, 0, sizeof f);
	f.status = -1;
	f.handler = ctl_opt(c, "mine") ? c->sess.user.login : ctl_opt(c, "handler");
	f.overdue = ctl_opt(c, "overdue") != NULL;
	if (status != NULL) {
		if (strcmp(status, "active") == 0)
			f.status = -2;
		else if ((f.status = sd_ticket_status_parse(status)) < 0)
			return sd_err_set(&c->err, SD_EINVAL, "--status: '%s' is "
			    "not open, in_progress, resolved, closed or active",
			    status);
	}
	if (cust != NULL) {
		struct sd_customer cu;

		if ((st = sd_customer_find(&c->sess, cust, &cu, &c->err)) != SD_OK)
			return st;
		f.customer = cu.id;
	}
	memset(&s, 0, sizeof s);
	s.json = c->json;
	out_table_init(&s.t, 8, heads);
	s.t.right[0] = 1;
	if (s.json) {
		json_begin(&s.j, ctl_out());
		json_arr_open(&s.j, NULL);
	}
	st = sd_ticket_list(&c->sess, &f, ticket_row, &s, &c->err);
	if (st == SD_OK) {
		if (s.json) {
			json_arr_close(&s.j);
			json_end(&s.j);
		} else
			out_table_print(&s.t, ctl_out());
	}
	out_table_free(&s.t);
	return st;
}

int
cmd_ticket_show(struct ctl_ctx *c)
{
	struct sd_ticket tk;
	char t1[32], t2[32], t3[32];
	uint64_t id;
	int st;

	if ((st = ticket_id(c, c->args[0], &id)) != SD_OK ||
	    (st = sd_ticket_get(&c->sess, id, &tk, &c->err)) != SD_OK)
		return st;
	if (c->json) {
		struct out_json j;

		json_begin(&j, ctl_out());
		out_ticket_json(&j, &tk);
		json_end(&j);
		return SD_OK;
	}
	sd_time_format(tk.created, t1, sizeof t1);
	sd_time_format(tk.due, t2, sizeof t2);
	sd_time_format(tk.closed_at, t3, sizeof t3);
	fprintf(ctl_out(), "ticket:      %llu (%s, %s%s)\ncustomer:    %llu %s\n"
	    "phone:       %s\nhandler:     %s\naccepted:    %s by %s\n"
	    "due:         %s\nclosed:      %s\nresolution:  %s\nscore:       %d\n"
	    "content:\n%s\n", (unsigned long long)tk.id,
	    sd_ticket_type_name(tk.type), sd_ticket_status_name(tk.status),
	    sd_ticket_overdue(&tk, sd_now()) ? ", OVERDUE" : "",
	    (unsigned long long)tk.customer, tk.cname, tk.phone, tk.handler, t1,
	    tk.created_by, t2, t3, tk.resolution, tk.score, tk.text);
	return SD_OK;
}

int
cmd_ticket_assign(struct ctl_ctx *c)
{
	uint64_t id;
	int st;

	if ((st = ticket_id(c, c->args[0], &id)) != SD_OK)
		return st;
	return sd_ticket_assign(&c->sess, id, c->args[1], &c->err);
}

int
cmd_ticket_update(struct ctl_ctx *c)
{
	uint64_t id;
	int st;

	if ((st = ticket_id(c, c->args[0], &id)) != SD_OK)
		return st;
	return sd_ticket_update(&c->sess, id, ctl_opt(c, "text"), &c->err);
}

int
cmd_ticket_close(struct ctl_ctx *c)
{
	uint64_t id;
	int score = 0, st;

	if ((st = ticket_id(c, c->args[0], &id)) != SD_OK ||
	    (st = ctl_opt_int(c, "score", 1, 5, &score)) != SD_OK)
		return st;
	return sd_ticket_close(&c->sess, id, ctl_opt(c, "resolution"), score,
	    &c->err);
}

int
cmd_ticket_reopen(struct ctl_ctx *c)
{
	uint64_t id;
	int st;

	if ((st = ticket_id(c, c->args[0], &id)) != SD_OK)
		return st;
	return sd_ticket_reopen(&c->sess, id, ctl_opt(c, "reason"), &c->err);
}
