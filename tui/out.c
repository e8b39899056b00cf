/*
 * out.c -- output for people and for scripts: tables aligned by display
 * width (CJK text lines up), and JSON with proper string escaping.
 */
#include <stdlib.h>
#include <string.h>

#include "tui.h"

/* ---------------------------------------------------------------- tables */

void
out_table_init(struct out_table *t, int ncols, const char *const *heads)
{
	memset(t, 0, sizeof *t);
	t->ncols = ncols;
	for (int i = 0; i < ncols; i++)
		t->heads[i] = heads[i];
}

void
out_table_row(struct out_table *t, const char *const *cells)
{
	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		t->cells = xrealloc(t->cells,
		    (size_t)t->cap * (size_t)t->ncols * sizeof *t->cells);
	}
	for (int i = 0; i < t->ncols; i++)
		t->cells[t->nrows * t->ncols + i] =
		    xstrdup(cells[i] != NULL ? cells[i] : "");
	t->nrows++;
}

static void
print_cell(FILE *f, const char *s, int width, int right, int last)
{
	struct sd_buf b = SD_BUF_INIT;
	int w = sd_width(s);

	if (right)
		for (int i = w; i < width; i++)
			fputc(' ', f);
	sd_width_fit(&b, s, width, !right && !last);
	fputs(sd_buf_cstr(&b), f);
	sd_buf_free(&b);
}

void
out_table_print(struct out_table *t, FILE *f)
{
	int width[OUT_COLS_MAX];

	for (int i = 0; i < t->ncols; i++) {
		width[i] = sd_width(t->heads[i]);
		for (int r = 0; r < t->nrows; r++) {
			int w = sd_width(t->cells[r * t->ncols + i]);

			if (w > width[i])
				width[i] = w;
		}
	}
	for (int i = 0; i < t->ncols; i++) {
		print_cell(f, t->heads[i], width[i], t->right[i],
		    i == t->ncols - 1);
		fputs(i == t->ncols - 1 ? "\n" : "  ", f);
	}
	for (int r = 0; r < t->nrows; r++)
		for (int i = 0; i < t->ncols; i++) {
			print_cell(f, t->cells[r * t->ncols + i], width[i],
			    t->right[i], i == t->ncols - 1);
			fputs(i == t->ncols - 1 ? "\n" : "  ", f);
		}
}

void
out_table_free(struct out_table *t)
{
	for (int i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = t->cap = 0;
}

/* ---------------------------------------------------------------- JSON */

static void
json_escape(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"':	fputs("\\\"", f); break;
		case '\\':	fputs("\\\\", f); break;
		case '\n':	fputs("\\n", f); break;
		case '\r':	fputs("\\r", f); break;
		case '\t':	fputs("\\t", f); break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\u%04x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

static void
json_sep(struct out_json *j, const char *key)
{
	if (j->depth > 0) {
		if (!j->first[j->depth])
			fputc(',', j->f);
		j->first[j->depth] = 0;
		if (j->pretty) {
			fputc('\n', j->f);
			for (int i = 0; i < j->depth; i++)
				fputs("  ", j->f);
		}
	}
	if (key != NULL) {
		json_escape(j->f, key);
		fputs(j->pretty ? ": " : ":", j->f);
	}
}

void
json_begin(struct out_json *j, FILE *f)
{
	memset(j, 0, sizeof *j);
	j->f = f;
	j->pretty = 1;
}

static void
json_open(struct out_json *j, const char *key, char c)
{
	json_sep(j, key);
	fputc(c, j->f);
	if (j->depth < 15)
		j->depth++;
	j->first[j->depth] = 1;
}

static void
json_close(struct out_json *j, char c)
{
	int empty = j->first[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (j->pretty && !empty) {
		fputc('\n', j->f);
		for (int i = 0; i < j->depth; i++)
			fputs("  ", j->f);
	}
	fputc(c, j->f);
}

void json_obj_open(struct out_json *j, const char *key) { json_open(j, key, '{'); }
void json_obj_close(struct out_json *j) { json_close(j, '}'); }
void json_arr_open(struct out_json *j, const char *key) { json_open(j, key, '['); }
void json_arr_close(struct out_json *j) { json_close(j, ']'); }

void
json_str(struct out_json *j, const char *key, const char *v)
{
	json_sep(j, key);
	json_escape(j->f, v != NULL ? v : "");
}

void
json_null(struct out_json *j, const char *key)
{
	json_sep(j, key);
	fputs("null", j->f);
}

void
json_int(struct out_json *j, const char *key, long long v)
{
	json_sep(j, key);
	fprintf(j->f, "%lld", v);
}

void
json_bool(struct out_json *j, const char *key, int v)
{
	json_sep(j, key);
	fputs(v ? "true" : "false", j->f);
}

void
json_end(struct out_json *j)
{
	fputc('\n', j->f);
}

void
out_user_json(struct out_json *j, const struct sd_user *u)
{
	json_obj_open(j, NULL);
	json_int(j, "id", (long long)u->id);
	json_str(j, "login", u->login);
	json_str(j, "name", u->name);
	json_str(j, "role", sd_role_name(u->role));
	json_str(j, "team", u->team);
	json_str(j, "phone", u->phone);
	json_int(j, "age", u->age);
	json_str(j, "os_login", u->os_login);
	json_str(j, "agent", u->agent);
	json_str(j, "status", sd_user_state(u, sd_now()));
	json_int(j, "failed_logins", u->failed);
	json_int(j, "locked_until", u->locked_until);
	json_int(j, "created_at", u->created);
	json_int(j, "last_login_at", u->last_login);
	json_obj_close(j);
}

void
out_customer_json(struct out_json *j, const struct sd_customer *c)
{
	json_obj_open(j, NULL);
	json_int(j, "id", (long long)c->id);
	json_str(j, "name", c->name);
	json_str(j, "phone", c->nphones > 0 ? c->phones[0] : "");
	json_arr_open(j, "phones");
	for (int i = 0; i < c->nphones; i++)
		json_str(j, NULL, c->phones[i]);
	json_arr_close(j);
	json_str(j, "city", c->city);
	json_str(j, "address", c->address);
	json_str(j, "id_no", c->id_no);
	json_str(j, "class", c->cls);
	json_str(j, "source", c->source);
	json_arr_open(j, "tags");
	for (int i = 0; i < c->ntags; i++)
		json_str(j, NULL, c->tags[i]);
	json_arr_close(j);
	json_str(j, "owner", c->owner);
	json_bool(j, "dnc", c->dnc);
	json_str(j, "status", sd_cust_status_name(c->status));
	json_int(j, "next_at", c->next_at);
	json_str(j, "light", sd_cust_light(c, sd_now()));
	json_int(j, "last_contact_at", c->last_contact);
	json_int(j, "created_at", c->created);
	json_obj_close(j);
}

void
out_ticket_json(struct out_json *j, const struct sd_ticket *t)
{
	json_obj_open(j, NULL);
	json_int(j, "id", (long long)t->id);
	json_str(j, "type", sd_ticket_type_name(t->type));
	json_str(j, "status", sd_ticket_status_name(t->status));
	json_int(j, "customer", (long long)t->customer);
	json_str(j, "customer_name", t->cname);
	json_str(j, "phone", t->phone);
	json_str(j, "handler", t->handler);
	json_str(j, "created_by", t->created_by);
	json_str(j, "text", t->text);
	json_str(j, "resolution", t->resolution);
	json_int(j, "score", t->score);
	json_int(j, "created_at", t->created);
	json_int(j, "updated_at", t->updated);
	json_int(j, "due_at", t->due);
	json_bool(j, "overdue", sd_ticket_overdue(t, sd_now()));
	json_int(j, "closed_at", t->closed_at);
	json_obj_close(j);
}

/* ---------------------------------------------------------------- lists */

void
out_list_begin(struct out_list *o, int json, int ncols, const char *const *heads)
{
	memset(o, 0, sizeof *o);
	o->json = json;
	out_table_init(&o->t, ncols, heads);
	if (o->json) {
		json_begin(&o->j, ctl_out());
		json_arr_open(&o->j, NULL);
	}
}

int
out_list_end(struct out_list *o, int st)
{
	if (st == SD_OK) {
		if (o->json) {
			json_arr_close(&o->j);
			json_end(&o->j);
		} else
			out_table_print(&o->t, ctl_out());
	}
	out_table_free(&o->t);
	return st;
}
