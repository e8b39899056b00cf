/*
 * prompt.c -- asking the person at the terminal (passwords with echo off),
 * and gettext set-up shared by both front ends.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <libintl.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "tui.h"

#include "build/paths.h"	/* SD_LOCALEDIR, SD_BUILD_LOCALEDIR (Makefile) */

int
prompt_available(void)
{
	const struct ctl_remote *r = ctl_remote_get();
	int fd;

	if (r != NULL)
		return r->can_prompt && r->prompt != NULL;
	fd = open("/dev/tty", O_RDWR | O_NOCTTY);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

int
prompt_line(const char *question, int secret, char *out, size_t size)
{
	struct termios old, quiet;
	const struct ctl_remote *r = ctl_remote_get();
	int fd, echo_off = 0;
	size_t n = 0;
	char c;

	if (r != NULL)
		return r->can_prompt && r->prompt != NULL ?
		    r->prompt(r->arg, question, secret, out, size) : -1;
	fd = open("/dev/tty", O_RDWR | O_NOCTTY);
	if (fd < 0)
		return -1;
	if (write(fd, question, strlen(question)) < 0) {
		close(fd);
		return -1;
	}
	if (secret && tcgetattr(fd, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		echo_off = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
	}
	while (read(fd, &c, 1) == 1 && c != '\n' && c != '\r')
		if (n + 1 < size)
			out[n++] = c;
	out[n] = '\0';
	if (echo_off) {
		tcsetattr(fd, TCSAFLUSH, &old);
		ssize_t w = write(fd, "\n", 1);	/* the newline echo ate */

		(void)w;
	}
	close(fd);
	return 0;
}

int
prompt_new_password(char *out, size_t size, struct sd_err *err)
{
	const char *env = ctl_getenv("SIMDESK_NEW_PASSWORD");
	char again[256];

	if (env != NULL) {
		if (sd_strlcpy(out, env, size) != 0)
			return sd_err_set(err, SD_EINVAL,
			    "SIMDESK_NEW_PASSWORD: too long");
		return SD_OK;
	}
	if (!prompt_available())
		return sd_err_set(err, SD_EINVAL,
		    "password: set SIMDESK_NEW_PASSWORD or run on a terminal");
	if (prompt_line(_("New password: "), 1, out, size) != 0 ||
	    prompt_line(_("Repeat password: "), 1, again, sizeof again) != 0)
		return sd_err_set(err, SD_EINVAL, "password: cannot read");
	if (strcmp(out, again) != 0) {
		explicit_bzero(again, sizeof again);
		return sd_err_set(err, SD_EINVAL,
		    "password: the two entries differ");
	}
	explicit_bzero(again, sizeof again);
	return SD_OK;
}

void
i18n_init(void)
{
	struct stat st;
	char probe[SD_PATH_MAX];

	setlocale(LC_ALL, "");
	/* Installed catalogues first; a build tree's when not installed. */
	snprintf(probe, sizeof probe, "%s/zh_CN/LC_MESSAGES/simdesk.mo",
	    SD_LOCALEDIR);
	if (stat(probe, &st) == 0)
		bindtextdomain("simdesk", SD_LOCALEDIR);
	else
		bindtextdomain("simdesk", SD_BUILD_LOCALEDIR);
	bind_textdomain_codeset("simdesk", "UTF-8");
	textdomain("simdesk");
}

const char *
i18n_gettext(const char *s)
{
	/* gettext("") is the catalogue's header, never a translation. */
	if (s == NULL || s[0] == '\0')
		return "";
	return dgettext("simdesk", s);
}
