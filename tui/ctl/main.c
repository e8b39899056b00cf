/*
 * main.c -- simdeskctl, the batch CLI: global options, configuration, who
 * is acting, dispatch through the command table, one-line errors on stderr
 * and the exit statuses of DESIGN.md section 6.
 */
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/tui.h"

static void
die_usage(const char *fmt, const char *arg)
{
	fputs("simdeskctl: ", stderr);
	fprintf(stderr, fmt, arg);
	fputs(" (see simdeskctl --help)\n", stderr);
	exit(SD_EUSAGE);
}

static const struct ctl_cmd *
find_cmd(const char *noun, const char *verb, int *noun_known)
{
	*noun_known = 0;
	for (int i = 0; i < ctl_ncmds; i++) {
		const struct ctl_cmd *c = &ctl_cmds[i];

		if (strcmp(c->noun, noun) != 0)
			continue;
		*noun_known = 1;
		if (c->verb == NULL)
			return c;
		if (verb != NULL && strcmp(c->verb, verb) == 0)
			return c;
	}
	return NULL;
}

/* Options and arguments after NOUN [VERB]; exits 2 on a usage error. */
static void
parse_args(struct ctl_ctx *c, int argc, char **argv)
{
	const struct ctl_cmd *cmd = c->cmd;
	int only_args = 0;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!only_args && strcmp(a, "--") == 0) {
			only_args = 1;
			continue;
		}
		if (!only_args && strncmp(a, "--", 2) == 0) {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t len = eq ? (size_t)(eq - name) : strlen(name);
			int found = -1;

			if (len == 4 && strncmp(name, "json", 4) == 0) {
				c->json = 1;
				continue;
			}
			if (len == 4 && strncmp(name, "help", 4) == 0) {
				ctl_usage(stdout, cmd->noun, cmd->verb);
				exit(0);
			}
			for (int j = 0; j < CTL_OPTS_MAX && cmd->opts[j].name; j++)
				if (strlen(cmd->opts[j].name) == len &&
				    strncmp(cmd->opts[j].name, name, len) == 0)
					found = j;
			if (found < 0)
				die_usage("unknown option %s", a);
			if (cmd->opts[found].metavar == NULL) {
				if (eq != NULL)
					die_usage("option %s takes no value", a);
				c->optval[found] = "";
				continue;
			}
			if (eq != NULL)
				c->optval[found] = eq + 1;
			else if (i + 1 < argc)
				c->optval[found] = argv[++i];
			else
				die_usage("option %s needs a value", a);
			continue;
		}
		if (c->nargs >= cmd->max_args || c->nargs >= CTL_ARGS_MAX)
			die_usage("unexpected argument '%s'", a);
		c->args[c->nargs++] = a;
	}
	for (int j = 0; j < CTL_OPTS_MAX && cmd->opts[j].name; j++)
		if (cmd->opts[j].required && c->optval[j] == NULL)
			die_usage("--%s is required", cmd->opts[j].name);
	if (c->nargs < cmd->min_args) {
		fprintf(stderr, "simdeskctl: missing argument; usage:\n");
		ctl_usage(stderr, cmd->noun, cmd->verb);
		exit(SD_EUSAGE);
	}
}

/*
 * Who is acting: SIMDESK_USER (+ SIMDESK_PASSWORD or a prompt), else the
 * Unix user bound to an app user, else a prompt, else permission denied.
 */
static int
authenticate(struct ctl_ctx *c)
{
	const char *login = getenv("SIMDESK_USER");
	const char *pw = getenv("SIMDESK_PASSWORD");
	char lbuf[64], pbuf[256];
	struct sd_err peer;
	int st;

	if (login != NULL && *login != '\0') {
		if (pw == NULL) {
			if (!prompt_available())
				return sd_err_set(&c->err, SD_EPERM,
				    "SIMDESK_USER is set but SIMDESK_PASSWORD "
				    "is not, and there is no terminal to ask");
			prompt_line("Password: ", 1, pbuf, sizeof pbuf);
			pw = pbuf;
		}
		st = sd_session_login(c->core, login, pw, &c->sess, &c->err);
		explicit_bzero(pbuf, sizeof pbuf);
		return st;
	}
	if (sd_session_peer(c->core, &c->sess, &peer) == SD_OK)
		return SD_OK;
	if (peer.status != SD_EPERM || !prompt_available()) {
		c->err = peer;
		return peer.status;
	}
	if (prompt_line("Login: ", 0, lbuf, sizeof lbuf) != 0 ||
	    prompt_line("Password: ", 1, pbuf, sizeof pbuf) != 0)
		return sd_err_set(&c->err, SD_EPERM, "login: cannot read");
	st = sd_session_login(c->core, lbuf, pbuf, &c->sess, &c->err);
	explicit_bzero(pbuf, sizeof pbuf);
	return st;
}

int
main(int argc, char **argv)
{
	struct ctl_ctx c;
	const char *conf = NULL, *datadir = NULL, *noun, *verb;
	int i, st, noun_known;

	sd_process_sanitize();
	setlocale(LC_ALL, "");
	memset(&c, 0, sizeof c);
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];

		if ((strcmp(a, "-D") == 0 || strcmp(a, "-C") == 0) &&
		    i + 1 < argc) {
			if (a[1] == 'D')
				datadir = argv[++i];
			else
				conf = argv[++i];
		} else if (strcmp(a, "--json") == 0)
			c.json = 1;
		else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			ctl_usage(stdout, NULL, NULL);
			return 0;
		} else if (strcmp(a, "--version") == 0) {
			puts("simdeskctl " SD_VERSION);
			return 0;
		} else if (strcmp(a, "--mdoc-commands") == 0) {
			ctl_mdoc(stdout);
			return 0;
		} else
			die_usage("unknown option %s", a);
	}
	if (i >= argc) {
		ctl_usage(stderr, NULL, NULL);
		return SD_EUSAGE;
	}
	noun = argv[i++];
	if (strcmp(noun, "help") == 0) {
		ctl_usage(stdout, i < argc ? argv[i] : NULL,
		    i + 1 < argc ? argv[i + 1] : NULL);
		return 0;
	}
	verb = i < argc ? argv[i] : NULL;
	c.cmd = find_cmd(noun, verb, &noun_known);
	if (c.cmd == NULL && !noun_known)
		die_usage("unknown command '%s'", noun);
	if (c.cmd == NULL) {
		if (verb != NULL && strcmp(verb, "--help") == 0) {
			ctl_usage(stdout, noun, NULL);
			return 0;
		}
		fprintf(stderr, "simdeskctl: %s: %s verb '%s'; one of:\n", noun,
		    verb ? "unknown" : "missing", verb ? verb : "");
		ctl_usage(stderr, noun, NULL);
		return SD_EUSAGE;
	}
	if (c.cmd->verb != NULL)
		i++;
	parse_args(&c, argc - i, argv + i);

	if (sd_config_resolve(&c.cfg, conf, datadir, &c.err) != SD_OK)
		goto fail;

	if (c.cmd->exec == cmd_init)
		st = c.cmd->exec(&c);	/* creates the environment itself */
	else {
		if (sd_core_open(&c.core, &c.cfg, 0, &c.err) != SD_OK)
			goto fail;
		if (c.cmd->session && authenticate(&c) != SD_OK)
			goto fail;
		st = c.cmd->exec(&c);
	}
	if (st != SD_OK) {
		if (c.err.status == SD_OK)
			c.err.status = st;
		goto fail;
	}
	sd_core_close(c.core);
	if (fflush(stdout) != 0)
		return SD_EINTERNAL;
	return 0;
fail:
	fprintf(stderr, "simdeskctl: %s\n", c.err.msg[0] ? c.err.msg :
	    sd_status_name(c.err.status));
	sd_core_close(c.core);
	return sd_status_exit(c.err.status ? c.err.status : SD_EINTERNAL);
}
