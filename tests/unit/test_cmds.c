/*
 * test_cmds.c -- simdeskctl's command table against core's permission
 * table (issue 14): every row names its operation (an .op left out reads
 * as user.add), only the five commands that need nobody signed in go
 * without one, and for every role the commands 'simdeskctl help' lists and
 * the ones the dispatch lets start (ctl_authorize) are those sd_role_may
 * allows; the others are refused in core's words, and audited.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tui/export.h"
#include "tui/tui.h"

static void
name_of(const struct ctl_cmd *c, char *out, size_t size)
{
	snprintf(out, size, "%s%s%s", c->noun, c->verb ? " " : "",
	    c->verb ? c->verb : "");
}

static void
rows_name_their_op(void **state)
{
	/* restore: run in simdeskctl itself, on no server's data. */
	static const char *const no_sign_in[] = { "init", "sim grade",
	    "modem ports", "sms decode", "restore" };
	int none = 0;

	(void)state;
	for (int i = 0; i < ctl_ncmds; i++) {
		const struct ctl_cmd *c = &ctl_cmds[i];
		char name[64];
		int listed = 0;

		name_of(c, name, sizeof name);
		if (c->op != CTL_OP_NONE && (c->op < 0 || c->op >= SD_OP__COUNT))
			fail_msg("%s: .op %d is no operation", name, c->op);
		/* 0 is user.add: a row that left .op out reads as it. */
		if (c->op == SD_OP_USER_ADD && strcmp(name, "user add") != 0)
			fail_msg("%s: .op is user.add (left out?)", name);
		for (size_t j = 0; j < sizeof no_sign_in / sizeof no_sign_in[0];
		    j++)
			listed |= strcmp(name, no_sign_in[j]) == 0;
		if ((c->op == CTL_OP_NONE) != listed)
			fail_msg("%s: %s a sign-in", name, listed ?
			    "should need no" : "needs");
		none += c->op == CTL_OP_NONE;
		if (c->label != NULL && c->op == CTL_OP_NONE)
			fail_msg("%s: a TUI key's label without an operation",
			    name);
		assert_non_null(c->args);
		assert_non_null(c->summary);
		assert_non_null(c->exec);
		/* ctl_cmd_named finds each row again, and only it. */
		assert_ptr_equal(ctl_cmd_named(name), c);
	}
	assert_int_equal(none, 5);
	assert_null(ctl_cmd_named("order"));
	assert_null(ctl_cmd_named("order frob"));
}

/* Does the listing have the line of command c? */
static int
lists(const char *text, const struct ctl_cmd *c)
{
	char want[80];
	const char *p = text;
	size_t n;

	snprintf(want, sizeof want, "\nsimdeskctl %s%s%s", c->noun,
	    c->verb ? " " : "", c->verb ? c->verb : "");
	n = strlen(want);
	while ((p = strstr(p, want)) != NULL) {
		if (p[n] == ' ' || p[n] == '\n')
			return 1;
		p += n;
	}
	return 0;
}

static void
help_lists_by_role(void **state)
{
	(void)state;
	for (int role = SD_ROLE_NONE; role < SD_ROLE__COUNT; role++) {
		char *text = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&text, &len);
		int shown = 0;

		assert_non_null(f);
		ctl_usage_role(f, role, "someone");
		fclose(f);
		for (int i = 0; i < ctl_ncmds; i++) {
			const struct ctl_cmd *c = &ctl_cmds[i];
			int want = role == SD_ROLE_NONE || (c->exec != cmd_init &&
			    (c->op == CTL_OP_NONE || sd_role_may(role, c->op)));

			if (lists(text, c) != want)
				fail_msg("role %s: %s %s %s", sd_role_name(role),
				    c->noun, c->verb ? c->verb : "", want ?
				    "not listed" : "listed");
			shown += want;
		}
		if (role != SD_ROLE_NONE && role != SD_ROLE_ADMIN) {
			char tail[96];

			snprintf(tail, sizeof tail, "\n%d commands left out that "
			    "role %s may not run.\n", ctl_ncmds - 1 - shown,
			    sd_role_name(role));
			assert_non_null(strstr(text, tail));
		}
		free(text);
	}
}

struct fx {
	char			 dir[64];
	struct sd_core		*core;
	struct sd_session	 sess[SD_ROLE__COUNT];
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct sd_config cfg;
	struct sd_err e;

	snprintf(f->dir, sizeof f->dir, "/tmp/sdtest-cmds.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	rmdir(f->dir);
	sd_config_defaults(&cfg);
	sd_strlcpy(cfg.data_dir, f->dir, sizeof cfg.data_dir);
	cfg.durable = 0;
	if (sd_core_open(&f->core, &cfg, 1, &e) != SD_OK ||
	    sd_init_admin(f->core, "admin", "管理员", "adminpw1", NULL, &e) !=
	    SD_OK || sd_session_login(f->core, "admin", "adminpw1",
	    &f->sess[SD_ROLE_ADMIN], &e) != SD_OK ||
	    sd_agent_add(&f->sess[SD_ROLE_ADMIN], "A1", &(struct
	    sd_agent_fields){ .name = "华东" }, &e) != SD_OK) {
		print_error("setup: %s\n", e.msg);
		return -1;
	}
	for (int r = SD_ROLE_SUPERVISOR; r < SD_ROLE__COUNT; r++) {
		struct sd_user_fields uf;

		sd_user_fields_init(&uf);
		uf.role = r;
		uf.team = "east";
		uf.agent = r == SD_ROLE_AGENT ? "A1" : NULL;
		if (sd_user_add(&f->sess[SD_ROLE_ADMIN], sd_role_name(r), &uf,
		    "secret12", NULL, &e) != SD_OK ||
		    sd_session_login(f->core, sd_role_name(r), "secret12",
		    &f->sess[r], &e) != SD_OK) {
			print_error("setup %s: %s\n", sd_role_name(r), e.msg);
			return -1;
		}
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	sd_core_close(f->core);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

struct denials {
	const char	*login;
	int		 n;
};

static int
count_denied(const struct sd_audit *a, void *arg)
{
	struct denials *d = arg;

	if (strcmp(a->user, d->login) == 0 && a->outcome == SD_OUTCOME_DENIED)
		d->n++;
	return 0;
}

static void
dispatch_starts_by_role(void **state)
{
	struct fx *f = *state;

	for (int r = SD_ROLE_ADMIN; r < SD_ROLE__COUNT; r++) {
		struct denials d = { sd_role_name(r), 0 };
		struct sd_audit_filter af;
		struct sd_err e;
		int refused = 0;

		for (int i = 0; i < ctl_ncmds; i++) {
			const struct ctl_cmd *c = &ctl_cmds[i];
			struct ctl_ctx x;
			char want[160];
			int may = c->op == CTL_OP_NONE || sd_role_may(r, c->op);

			memset(&x, 0, sizeof x);
			x.cmd = c;
			x.core = f->core;
			x.sess = f->sess[r];
			x.nargs = 1;
			x.args[0] = "x1";
			if ((ctl_authorize(&x) == SD_OK) != may)
				fail_msg("role %s, %s %s: %s", sd_role_name(r),
				    c->noun, c->verb ? c->verb : "", may ?
				    "refused" : "let start");
			if (may)
				continue;
			refused++;
			snprintf(want, sizeof want, "%s: permission denied: "
			    "role %s may not do this", sd_op_get(c->op)->name,
			    sd_role_name(r));
			assert_int_equal(x.err.status, SD_EPERM);
			assert_string_equal(x.err.msg, want);
		}
		memset(&af, 0, sizeof af);
		assert_int_equal(sd_audit_list(&f->sess[SD_ROLE_ADMIN], &af,
		    count_denied, &d, &e), SD_OK);
		assert_int_equal(d.n, refused);
		if (r == SD_ROLE_ADMIN)
			assert_int_equal(refused, 0);
		else
			assert_true(refused > 0);
	}
}

/*
 * A report's typed table as people read it and as an export takes it:
 * seconds h:mm:ss, per mille as a percent with one decimal (basis points
 * in the export), fen as yuan, a change from nothing empty.
 */
static void
report_table_types(void **state)
{
	struct rep_table t;
	struct rep_cell *c;
	struct exp_table *x;
	struct sd_err e;
	char path[] = "/tmp/test_cmds_rep.XXXXXX", buf[512], txt[32];
	int fd;
	ssize_t n;

	(void)state;
	rep_table_init(&t);
	rep_col(&t, "operator", "OPERATOR", REP_TEXT);
	rep_col(&t, "talk_s", "TALK", REP_SECONDS);
	rep_col(&t, "reached_permille", "REACHED", REP_PERMILLE);
	rep_col(&t, "revenue_fen", "REVENUE", REP_FEN);
	c = rep_row(&t);
	sd_strlcpy(c[0].text, "王小明", sizeof c[0].text);
	c[1].v = 3725;
	c[2].v = 667;
	c[3].v = 12345;
	c = rep_row(&t);
	sd_strlcpy(c[0].text, "total", sizeof c[0].text);
	c[2].null = 1;
	c[3].v = -5;
	rep_cell_text(&t.cells[1], REP_SECONDS, txt, sizeof txt);
	assert_string_equal(txt, "1:02:05");
	rep_cell_text(&t.cells[2], REP_PERMILLE, txt, sizeof txt);
	assert_string_equal(txt, "66.7%");
	rep_cell_text(&t.cells[3], REP_FEN, txt, sizeof txt);
	assert_string_equal(txt, "123.45");
	rep_cell_text(&t.cells[6], REP_PERMILLE, txt, sizeof txt);
	assert_string_equal(txt, "-");
	rep_cell_text(&t.cells[7], REP_FEN, txt, sizeof txt);
	assert_string_equal(txt, "-0.05");

	x = rep_export(&t, "calls");
	assert_int_equal(exp_nrows(x), 2);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(exp_write(x, EXP_CSV, path, &e), SD_OK);
	fd = open(path, O_RDONLY);
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	unlink(path);
	assert_true(n > 0);
	buf[n] = '\0';
	if (strstr(buf, "王小明") == NULL || strstr(buf, "1:02:05") == NULL ||
	    strstr(buf, "66.70%") == NULL || strstr(buf, "123.45") == NULL ||
	    strstr(buf, "-0.05") == NULL)
		fail_msg("the export: %s", buf);
	exp_free(x);
	rep_table_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rows_name_their_op),
		cmocka_unit_test(report_table_types),
		cmocka_unit_test(help_lists_by_role),
		cmocka_unit_test_setup_teardown(dispatch_starts_by_role, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
