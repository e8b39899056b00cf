/*
 * cmd_sys.c -- simdeskctl init, audit and verify.
 */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/tui.h"

int
cmd_init(struct ctl_ctx *c)
{
	const char *login = ctl_opt(c, "admin");
	const char *name = ctl_opt(c, "name");
	const char *env = ctl_getenv("SIMDESK_PASSWORD");
	struct passwd pwbuf, *pw = NULL;
	char pwstr[1024], password[256];
	int st;

	if (getpwuid_r(ctl_peer_uid(), &pwbuf, pwstr, sizeof pwstr, &pw) != 0)
		pw = NULL;
	if (login == NULL)
		return sd_err_set(&c->err, SD_EUSAGE, "init: --admin LOGIN is "
		    "required");
	/* Validate everything before anything is created. */
	if ((st = sd_check_login("--admin", login, &c->err)) != SD_OK)
		return st;
	if (name != NULL && (st = sd_check_text("--name", name, SD_NAME_MAX,
	    &c->err)) != SD_OK)
		return st;
	if (env != NULL) {
		if (sd_strlcpy(password, env, sizeof password) != 0)
			return sd_err_set(&c->err, SD_EINVAL,
			    "SIMDESK_PASSWORD: too long");
	} else {
		if ((st = prompt_new_password(password, sizeof password,
		    &c->err)) != SD_OK)
			return st;
	}
	if ((int)strlen(password) < c->cfg->min_password)
		return sd_err_set(&c->err, SD_EINVAL,
		    "password: shorter than %d characters", c->cfg->min_password);
	if ((st = sd_core_open(&c->core, c->cfg, 1, &c->err)) != SD_OK)
		return st;
	st = sd_init_admin(c->core, login, name, password,
	    pw != NULL ? pw->pw_name : NULL, &c->err);
	explicit_bzero(password, sizeof password);
	if (st != SD_OK)
		return st;
	fprintf(ctl_out(), "%s\n", login);
	if (ctl_isatty(STDERR_FILENO))
		fprintf(ctl_errf(), "simdeskctl: created %s; %s is bound to Unix "
		    "user %s\n", c->cfg->data_dir, login,
		    pw != NULL ? pw->pw_name : "(none)");
	return SD_OK;
}

struct audit_state {
	struct out_table	t;
	struct out_json		j;
	int			json;
};

static int
audit_row(const struct sd_audit *a, void *arg)
{
	struct audit_state *s = arg;
	char at[32], id[24];
	const char *cells[7];

	if (s->json) {
		json_obj_open(&s->j, NULL);
		json_int(&s->j, "id", (long long)a->id);
		json_int(&s->j, "at", a->at);
		json_str(&s->j, "user", a->user);
		json_str(&s->j, "operation", a->op);
		json_str(&s->j, "object", a->object);
		json_str(&s->j, "outcome", sd_outcome_name(a->outcome));
		json_str(&s->j, "before", a->before);
		json_str(&s->j, "after", a->after);
		json_obj_close(&s->j);
		return 0;
	}
	sd_time_format(a->at, at, sizeof at);
	snprintf(id, sizeof id, "%llu", (unsigned long long)a->id);
	cells[0] = id;
	cells[1] = at;
	cells[2] = a->user;
	cells[3] = a->op;
	cells[4] = a->object;
	cells[5] = sd_outcome_name(a->outcome);
	cells[6] = a->after[0] ? a->after : a->before;
	out_table_row(&s->t, cells);
	return 0;
}

int
cmd_audit_list(struct ctl_ctx *c)
{
	static const char *const heads[] = { "ID", "AT", "USER", "OPERATION",
	    "OBJECT", "OUTCOME", "DETAIL" };
	struct sd_audit_filter f;
	struct audit_state s;
	const char *since = ctl_opt(c, "since"), *until = ctl_opt(c, "until");
	int64_t now = sd_now();
	int st;

	memset(&f, 0, sizeof f);
	/* As the TUI's audit trail takes them: a day is all of it. */
	if (since != NULL && (st = sd_audit_bound_parse("since", since, now, 0,
	    &f.since, &c->err)) != SD_OK)
		return st;
	if (until != NULL && (st = sd_audit_bound_parse("until", until, now, 1,
	    &f.until, &c->err)) != SD_OK)
		return st;
	f.user = ctl_opt(c, "user");
	f.object = ctl_opt(c, "object");
	f.op = ctl_opt(c, "op");
	if ((st = ctl_opt_int(c, "limit", 1, 1000000, &f.limit)) != SD_OK)
		return st;
	memset(&s, 0, sizeof s);
	s.json = c->json;
	out_table_init(&s.t, 7, heads);
	s.t.right[0] = 1;
	if (s.json) {
		json_begin(&s.j, ctl_out());
		json_arr_open(&s.j, NULL);
	}
	st = sd_audit_list(&c->sess, &f, audit_row, &s, &c->err);
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

struct verify_state {
	struct out_json	j;
	int		json;
};

static void
verify_row(const char *check, int ok, const char *detail, void *arg)
{
	struct verify_state *s = arg;

	if (s->json) {
		json_obj_open(&s->j, NULL);
		json_str(&s->j, "check", check);
		json_bool(&s->j, "ok", ok);
		json_str(&s->j, "detail", detail);
		json_obj_close(&s->j);
	} else
		fprintf(ctl_out(), "%-4s %-32s %s\n", ok ? "ok" : "FAIL", check, detail);
}

int
cmd_verify(struct ctl_ctx *c)
{
	struct verify_state s;
	int failed;

	memset(&s, 0, sizeof s);
	s.json = c->json;
	if (s.json) {
		json_begin(&s.j, ctl_out());
		json_arr_open(&s.j, NULL);
	}
	failed = sd_verify(&c->sess, verify_row, &s, &c->err);
	if (s.json) {
		json_arr_close(&s.j);
		json_end(&s.j);
	}
	if (failed < 0)
		return c->err.status ? c->err.status : SD_EINTERNAL;
	if (failed > 0)
		return sd_err_set(&c->err, SD_EINTERNAL,
		    "verify: %d invariant%s failed", failed,
		    failed == 1 ? "" : "s");
	return SD_OK;
}
