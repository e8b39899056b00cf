/*
 * main.c -- simdeskctl, the batch CLI: global options, configuration and
 * usage checked through the command table, then the command sent to
 * simdeskd (client.c), which carries it out; one-line errors on stderr and
 * the exit statuses of DESIGN.md section 6.
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

int
main(int argc, char **argv)
{
	static struct sd_config cfg;	/* 100 KB: not on the stack */
	struct ctl_ctx c;
	const char *conf = NULL, *datadir = NULL;
	int i, st;

	sd_process_sanitize();
	setlocale(LC_ALL, "");
	memset(&c, 0, sizeof c);
	c.cfg = &cfg;
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
	/* Usage errors are found here, before anything is sent. */
	if ((st = ctl_prepare(&c, argc - i, argv + i)) != 0)
		return st < 0 ? 0 : st;
	if (sd_config_resolve(&cfg, conf, datadir, &c.err) != SD_OK) {
		if (c.cmd == &ctl_help_cmd)	/* every command, and why */
			return cmd_help(&c);
		fprintf(stderr, "simdeskctl: %s\n", c.err.msg);
		return sd_status_exit(c.err.status);
	}
	/* backup create --to DIR: the file simdeskctl opens there. */
	if (c.cmd->exec == cmd_backup_create &&
	    (st = ctl_backup_to(&c, argc - i, argv + i)) != SD_OK) {
		fprintf(stderr, "simdeskctl: %s\n", c.err.msg);
		return sd_status_exit(c.err.status);
	}
	/* restore makes a data directory no server serves yet. */
	if (c.cmd->exec == cmd_restore)
		return ctl_run_local(&c);
	/* A server we start reads the same configuration. */
	if (conf == NULL)
		conf = getenv("SIMDESK_CONF");
	/* The command itself is carried out by simdeskd. */
	st = ctl_client_run(&c, conf, argc - i, argv + i);
	if (fflush(stdout) != 0)
		return SD_EINTERNAL;
	return st;
}
