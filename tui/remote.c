/*
 * remote.c -- where a command's input and output are: the process's own
 * terminal and environment, or, while simdeskd runs a command for a client,
 * that client's connection (set per thread by tui/ctl/serve.c).  Commands
 * print through ctl_out()/ctl_errf() and read the environment through
 * ctl_getenv() so the same code serves both.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui.h"

static _Thread_local const struct ctl_remote *cur;

void
ctl_remote_set(const struct ctl_remote *r)
{
	cur = r;
}

const struct ctl_remote *
ctl_remote_get(void)
{
	return cur;
}

FILE *
ctl_out(void)
{
	return cur != NULL ? cur->out : stdout;
}

FILE *
ctl_errf(void)
{
	return cur != NULL ? cur->err : stderr;
}

const char *
ctl_getenv(const char *name)
{
	if (cur == NULL)
		return getenv(name);
	for (int i = 0; i < cur->nenv; i++)
		if (strcmp(cur->env[i].name, name) == 0)
			return cur->env[i].value;
	return NULL;
}

int
ctl_isatty(int fd)
{
	if (cur == NULL)
		return isatty(fd);
	return fd >= 0 && fd < 3 && (cur->ttys & (1 << fd));
}

uid_t
ctl_peer_uid(void)
{
	return cur != NULL ? cur->uid : getuid();
}
