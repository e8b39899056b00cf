/*
 * usage.c -- what the command table prints: simdeskctl's --help, one
 * command's help with the roles that may run it, "simdeskctl help" for
 * the acting user's role, and the man page's COMMANDS list.
 */
#include <string.h>

#include "tui/tui.h"

#define USAGE_HEAD	"usage: simdeskctl [-D DATADIR] [-C CONFIG] [--json] " \
			"NOUN VERB [ARGS...]\n\n"
#define USAGE_TAIL	"\nExit status: 0 ok, 2 usage, 3 not found, " \
			"4 permission denied,\n5 invalid input (nothing " \
			"written), 6 refused by a business rule, 9 internal " \
			"error.\nSee simdeskctl(8).\n"

const struct ctl_cmd ctl_help_cmd = {
	.noun = "help", .args = "",
	.op = CTL_OP_NONE, .exec = cmd_help,
	.summary = "the commands your role may run",
};

/* May role start cmd?  A command without an operation: anyone. */
static int
role_may_run(const struct ctl_cmd *cmd, int role)
{
	return cmd->op == CTL_OP_NONE || sd_role_may(role, cmd->op);
}

void
ctl_roles(const struct ctl_cmd *cmd, struct sd_buf *out)
{
	sd_buf_reset(out);
	if (cmd->op == CTL_OP_NONE) {
		sd_buf_adds(out, "anyone, without signing in");
		return;
	}
	for (int r = SD_ROLE_ADMIN; r < SD_ROLE__COUNT; r++)
		if (sd_role_may(r, cmd->op))
			sd_buf_printf(out, "%s%s", out->len ? ", " : "",
			    sd_role_name(r));
}

static void
usage_one(FILE *f, const struct ctl_cmd *cmd, int verbose)
{
	struct sd_buf roles = SD_BUF_INIT;

	fprintf(f, "simdeskctl %s%s%s", cmd->noun, cmd->verb ? " " : "",
	    cmd->verb ? cmd->verb : "");
	if (cmd->args[0] != '\0')
		fprintf(f, " %s", cmd->args);
	for (int i = 0; i < CTL_OPTS_MAX && cmd->opts[i].name; i++) {
		const struct ctl_opt *o = &cmd->opts[i];
		if (o->metavar)
			fprintf(f, o->required ? " --%s %s" : " [--%s %s]",
			    o->name, o->metavar);
		else
			fprintf(f, " [--%s]", o->name);
	}
	fputc('\n', f);
	if (!verbose) {
		fprintf(f, "    %s\n", cmd->summary);
		return;
	}
	ctl_roles(cmd, &roles);
	fprintf(f, "\n%s.\nroles: %s.\n", cmd->summary, sd_buf_cstr(&roles));
	sd_buf_free(&roles);
	for (int i = 0; i < CTL_OPTS_MAX && cmd->opts[i].name; i++) {
		const struct ctl_opt *o = &cmd->opts[i];
		char left[64];

		snprintf(left, sizeof left, "--%s%s%s", o->name,
		    o->metavar ? " " : "", o->metavar ? o->metavar : "");
		fprintf(f, "  %-22s %s\n", left, o->help);
	}
	fputs("  --json                 output for scripts\n"
	    "  --help                 this text\n", f);
}

void
ctl_usage(FILE *f, const char *noun, const char *verb)
{
	if (noun == NULL) {
		ctl_usage_role(f, SD_ROLE_NONE, NULL);
		return;
	}
	for (int i = 0; i < ctl_ncmds; i++) {
		const struct ctl_cmd *cmd = &ctl_cmds[i];

		if (strcmp(cmd->noun, noun) != 0)
			continue;
		if (verb != NULL && (cmd->verb == NULL ||
		    strcmp(cmd->verb, verb) != 0))
			continue;
		usage_one(f, cmd, verb != NULL || cmd->verb == NULL);
	}
}

void
ctl_usage_role(FILE *f, int role, const char *who)
{
	int left_out = 0;

	fputs(USAGE_HEAD, f);
	if (role != SD_ROLE_NONE)
		fprintf(f, "The commands %s (role %s) may run; simdeskctl --help "
		    "lists every command.\n\n", who, sd_role_name(role));
	for (int i = 0; i < ctl_ncmds; i++) {
		if (role == SD_ROLE_NONE) {
			usage_one(f, &ctl_cmds[i], 0);
			continue;
		}
		/* Someone signed in: the database is there, init is done. */
		if (ctl_cmds[i].exec == cmd_init)
			continue;
		if (role_may_run(&ctl_cmds[i], role))
			usage_one(f, &ctl_cmds[i], 0);
		else
			left_out++;
	}
	if (left_out > 0)
		fprintf(f, "\n%d commands left out that role %s may not run.\n",
		    left_out, sd_role_name(role));
	fputs(USAGE_TAIL, f);
}

/*
 * simdeskd runs it with the acting user's session when that is known
 * without asking (a bound Unix user, SIMDESK_USER with its password);
 * otherwise, or when no server answers, c->err says why and every command
 * is listed.
 */
int
cmd_help(struct ctl_ctx *c)
{
	if (c->sess.user.login[0] != '\0') {
		ctl_usage_role(ctl_out(), c->sess.user.role, c->sess.user.login);
		return SD_OK;
	}
	ctl_usage_role(ctl_out(), SD_ROLE_NONE, NULL);
	if (c->err.msg[0] != '\0')
		fprintf(ctl_errf(), "simdeskctl: every command listed: %s\n",
		    c->err.msg);
	sd_err_clear(&c->err);
	return SD_OK;
}

void
ctl_mdoc(FILE *f)
{
	struct sd_buf roles = SD_BUF_INIT;

	for (int i = 0; i < ctl_ncmds; i++) {
		const struct ctl_cmd *cmd = &ctl_cmds[i];
		char args[128], *tok, *save = NULL;

		fprintf(f, ".It Xo Cm %s%s%s\n", cmd->noun, cmd->verb ? " " : "",
		    cmd->verb ? cmd->verb : "");
		sd_strlcpy(args, cmd->args, sizeof args);
		for (tok = strtok_r(args, " ", &save); tok != NULL;
		    tok = strtok_r(NULL, " ", &save)) {
			size_t n = strlen(tok);

			if (tok[0] == '[' && n > 2 && tok[n - 1] == ']')
				fprintf(f, ".Op Ar %.*s\n", (int)n - 2, tok + 1);
			else
				fprintf(f, ".Ar %s\n", tok);
		}
		for (int j = 0; j < CTL_OPTS_MAX && cmd->opts[j].name; j++) {
			const struct ctl_opt *o = &cmd->opts[j];

			if (o->metavar)
				fprintf(f, o->required ? ".Fl -%s Ar %s\n" :
				    ".Op Fl -%s Ar %s\n", o->name, o->metavar);
			else
				fprintf(f, ".Op Fl -%s\n", o->name);
		}
		ctl_roles(cmd, &roles);
		fprintf(f, ".Xc\n%c%s.\nRoles: %s.\n", (cmd->summary[0] >= 'a' &&
		    cmd->summary[0] <= 'z') ? cmd->summary[0] - 32 :
		    cmd->summary[0], cmd->summary + 1, sd_buf_cstr(&roles));
	}
	sd_buf_free(&roles);
}
