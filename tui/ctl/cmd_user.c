/*
 * cmd_user.c -- simdeskctl user ...: argument handling and output only;
 * the rules and permission checks are core's (core/base/user.c).
 */
#include <stdlib.h>
#include <string.h>

#include "tui/tui.h"

/* Collect --name/--role/... into core's field set. */
static int
fields_from_opts(struct ctl_ctx *c, struct sd_user_fields *f)
{
	const char *role = ctl_opt(c, "role");
	int st;

	sd_user_fields_init(f);
	if (role != NULL && (f->role = sd_role_parse(role)) == SD_ROLE_NONE)
		return sd_err_set(&c->err, SD_EINVAL,
		    "--role: '%s' is not admin, supervisor, operator, cashier "
		    "or agent", role);
	f->name = ctl_opt(c, "name");
	f->team = ctl_opt(c, "team");
	f->phone = ctl_opt(c, "phone");
	f->agent = ctl_opt(c, "agent");
	f->os_login = ctl_opt(c, "os-login");
	if ((st = ctl_opt_int(c, "age", 0, 150, &f->age)) != SD_OK)
		return st;
	return SD_OK;
}

int
cmd_user_add(struct ctl_ctx *c)
{
	struct sd_user_fields f;
	char pw[256];
	uint64_t id;
	int st;

	if ((st = fields_from_opts(c, &f)) != SD_OK)
		return st;
	if (f.role == SD_ROLE_NONE)
		return sd_err_set(&c->err, SD_EINVAL, "--role: required");
	if ((st = sd_check_login("login", c->args[0], &c->err)) != SD_OK)
		return st;
	if ((st = prompt_new_password(pw, sizeof pw, &c->err)) != SD_OK)
		return st;
	st = sd_user_add(&c->sess, c->args[0], &f, pw, &id, &c->err);
	explicit_bzero(pw, sizeof pw);
	if (st != SD_OK)
		return st;
	if (c->json) {
		struct out_json j;

		json_begin(&j, ctl_out());
		json_obj_open(&j, NULL);
		json_str(&j, "login", c->args[0]);
		json_int(&j, "id", (long long)id);
		json_obj_close(&j);
		json_end(&j);
	} else
		fprintf(ctl_out(), "%s\n", c->args[0]);
	return SD_OK;
}

struct list_state {
	struct out_table	t;
	struct out_json		j;
	int			json;
	int			n;
};

static void
list_row(struct list_state *ls, const struct sd_user *u)
{
	const char *cells[7];

	ls->n++;
	if (ls->json) {
		out_user_json(&ls->j, u);
		return;
	}
	cells[0] = u->login;
	cells[1] = u->name;
	cells[2] = sd_role_name(u->role);
	cells[3] = u->team;
	cells[4] = u->phone;
	cells[5] = u->os_login;
	cells[6] = sd_user_state(u, sd_now());
	out_table_row(&ls->t, cells);
}

int
cmd_user_list(struct ctl_ctx *c)
{
	static const char *const heads[] = { "LOGIN", "NAME", "ROLE", "TEAM",
	    "PHONE", "UNIX", "STATUS" };
	struct sd_user_filter f;
	struct sd_user rows[256];
	struct list_state ls;
	char anchor[SD_LOGIN_MAX + 1] = "";
	const char *role = ctl_opt(c, "role");
	int n, st;

	memset(&f, 0, sizeof f);
	f.prefix = c->nargs > 0 ? c->args[0] : NULL;
	f.team = ctl_opt(c, "team");
	if (role != NULL && (f.role = sd_role_parse(role)) == SD_ROLE_NONE)
		return sd_err_set(&c->err, SD_EINVAL,
		    "--role: '%s' is not a role", role);
	memset(&ls, 0, sizeof ls);
	ls.json = c->json;
	out_table_init(&ls.t, 7, heads);
	if (ls.json) {
		json_begin(&ls.j, ctl_out());
		json_arr_open(&ls.j, NULL);
	}
	/* Page through the index: memory stays flat however many users. */
	do {
		st = sd_user_page(&c->sess, &f, anchor, 1, rows,
		    (int)(sizeof rows / sizeof rows[0]), &n, &c->err);
		if (st != SD_OK)
			break;
		for (int i = 0; i < n; i++)
			list_row(&ls, &rows[i]);
		if (n > 0)
			sd_strlcpy(anchor, rows[n - 1].login, sizeof anchor);
	} while (n == (int)(sizeof rows / sizeof rows[0]));
	if (st == SD_OK) {
		if (ls.json) {
			json_arr_close(&ls.j);
			json_end(&ls.j);
		} else
			out_table_print(&ls.t, ctl_out());
	}
	out_table_free(&ls.t);
	return st;
}

int
cmd_user_show(struct ctl_ctx *c)
{
	struct sd_user u;
	char t1[32], t2[32], t3[32];
	int st;

	if ((st = sd_user_get(&c->sess, c->args[0], &u, &c->err)) != SD_OK)
		return st;
	if (c->json) {
		struct out_json j;

		json_begin(&j, ctl_out());
		out_user_json(&j, &u);
		json_end(&j);
		return SD_OK;
	}
	sd_time_format(u.created, t1, sizeof t1);
	sd_time_format(u.last_login, t2, sizeof t2);
	sd_time_format(u.locked_until, t3, sizeof t3);
	fprintf(ctl_out(), "login:        %s\nname:         %s\nrole:         %s\n"
	    "team:         %s\nphone:        %s\nage:          %d\n"
	    "unix login:   %s\nagent:        %s\nstatus:       %s\n"
	    "failed:       %d\nlocked until: %s\ncreated:      %s\n"
	    "last login:   %s\n", u.login, u.name, sd_role_name(u.role),
	    u.team, u.phone, u.age, u.os_login, u.agent,
	    sd_user_state(&u, sd_now()), u.failed,
	    u.locked_until > sd_now() ? t3 : "-", t1, t2);
	return SD_OK;
}

int
cmd_user_update(struct ctl_ctx *c)
{
	struct sd_user_fields f;
	int st;

	if ((st = fields_from_opts(c, &f)) != SD_OK)
		return st;
	return sd_user_update(&c->sess, c->args[0], &f, &c->err);
}

int
cmd_user_passwd(struct ctl_ctx *c)
{
	const char *login = c->nargs > 0 ? c->args[0] : c->sess.user.login;
	const char *old = NULL;
	char oldbuf[256] = "", pw[256];
	int need_old, st;

	/* Refuse before asking anything (audited in core). */
	if ((st = sd_user_may_passwd(&c->sess, login, &need_old,
	    &c->err)) != SD_OK)
		return st;
	if (need_old) {
		old = ctl_getenv("SIMDESK_PASSWORD");
		if (old == NULL) {
			if (!prompt_available())
				return sd_err_set(&c->err, SD_EINVAL,
				    "old password: set SIMDESK_PASSWORD or run "
				    "on a terminal");
			prompt_line("Old password: ", 1, oldbuf, sizeof oldbuf);
			old = oldbuf;
		}
	}
	if ((st = prompt_new_password(pw, sizeof pw, &c->err)) != SD_OK)
		return st;
	st = sd_user_passwd(&c->sess, login, old, pw, &c->err);
	explicit_bzero(pw, sizeof pw);
	explicit_bzero(oldbuf, sizeof oldbuf);
	return st;
}

int
cmd_user_disable(struct ctl_ctx *c)
{
	return sd_user_set_status(&c->sess, c->args[0], SD_USER_DISABLED,
	    &c->err);
}

int
cmd_user_enable(struct ctl_ctx *c)
{
	return sd_user_set_status(&c->sess, c->args[0], SD_USER_ACTIVE,
	    &c->err);
}

int
cmd_user_unlock(struct ctl_ctx *c)
{
	return sd_user_unlock(&c->sess, c->args[0], &c->err);
}

int
cmd_user_bind(struct ctl_ctx *c)
{
	return sd_user_bind(&c->sess, c->args[0], c->args[1], &c->err);
}
