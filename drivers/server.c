/*
 * server.c -- simdeskd's listening socket: one thread accepts, and every
 * client is served by a thread of its own (tui/ctl/serve.c), so a slow or
 * stuck client holds up nobody else.  A client that closes or dies is a
 * closed socket: its thread ends and nothing in the database waits on it.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "drivers.h"
#include "tui/tui.h"

#define CLIENTS_MAX	512

struct drv_server {
	struct sd_core		*core;		/* NULL: no database yet */
	const struct sd_config	*cfg;
	int			 lfd;
	int			 wake[2];	/* closing: stop accepting */
	pthread_t		 acceptor;
	char			 path[SD_PATH_MAX];
	drv_log_fn		 log;
	_Atomic int		 clients;
	_Atomic int64_t		 last_active;
};

struct client {
	struct drv_server	*s;
	int			 fd;
	uid_t			 uid;
};

static void *
client_main(void *arg)
{
	struct client *cl = arg;
	struct drv_server *s = cl->s;

	ctl_serve(&s->core, s->cfg, cl->fd, cl->uid);
	close(cl->fd);
	s->last_active = time(NULL);
	s->clients--;
	free(cl);
	return NULL;
}

static void *
acceptor_main(void *arg)
{
	struct drv_server *s = arg;
	sigset_t all;

	/* Signals are the main loop's. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	for (;;) {
		struct pollfd p[2] = { { s->lfd, POLLIN, 0 },
		    { s->wake[0], POLLIN, 0 } };
		struct ucred cr;
		socklen_t crlen = sizeof cr;
		struct client *cl;
		pthread_attr_t at;
		pthread_t t;
		int fd;

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents)
			break;
		if ((fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC)) < 0) {
			if (errno == EMFILE || errno == ENFILE)
				usleep(100000);	/* let clients finish */
			continue;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cr, &crlen) != 0 ||
		    s->clients >= CLIENTS_MAX) {
			s->log(LOG_WARNING, "client refused: %s",
			    s->clients >= CLIENTS_MAX ? "too many clients" :
			    strerror(errno));
			close(fd);
			continue;
		}
		cl = xcalloc(1, sizeof *cl);
		cl->s = s;
		cl->fd = fd;
		cl->uid = cr.uid;
		s->clients++;
		s->last_active = time(NULL);
		pthread_attr_init(&at);
		pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
		if (pthread_create(&t, &at, client_main, cl) != 0) {
			s->log(LOG_ERR, "client thread: %s", strerror(errno));
			s->clients--;
			close(fd);
			free(cl);
		}
		pthread_attr_destroy(&at);
	}
	return NULL;
}

int
drv_server_open(struct sd_core *core, const struct sd_config *cfg,
    drv_log_fn log, struct drv_server **out, struct sd_err *err)
{
	struct drv_server *s;
	struct sockaddr_un sun;
	mode_t old;
	int st;

	*out = NULL;
	s = xcalloc(1, sizeof *s);
	s->core = core;
	s->cfg = cfg;
	s->log = log;
	s->last_active = time(NULL);
	if ((st = sd_config_socket(cfg, s->path, sizeof s->path, err)) !=
	    SD_OK) {
		free(s);
		return st;
	}
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	sd_strlcpy(sun.sun_path, s->path, sizeof sun.sun_path);
	if ((s->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		free(s);
		return sd_err_set(err, SD_EINTERNAL, "socket: %s",
		    strerror(errno));
	}
	/* We hold the data directory's lock: a socket left there is stale. */
	unlink(s->path);
	old = umask(0117);		/* the socket's group may connect */
	if (bind(s->lfd, (struct sockaddr *)&sun, sizeof sun) != 0 ||
	    listen(s->lfd, 128) != 0) {
		umask(old);
		st = sd_err_set(err, SD_EINTERNAL, "socket %s: %s", s->path,
		    strerror(errno));
		close(s->lfd);
		free(s);
		return st;
	}
	umask(old);
	if (pipe2(s->wake, O_CLOEXEC) != 0 ||
	    pthread_create(&s->acceptor, NULL, acceptor_main, s) != 0) {
		close(s->lfd);
		unlink(s->path);
		free(s);
		return sd_err_set(err, SD_EINTERNAL, "server: %s",
		    strerror(errno));
	}
	*out = s;
	return SD_OK;
}

int
drv_server_clients(struct drv_server *s)
{
	return s->clients;
}

struct sd_core *
drv_server_core(struct drv_server *s)
{
	return __atomic_load_n(&s->core, __ATOMIC_ACQUIRE);
}

void
drv_server_close(struct drv_server *s)
{
	if (s == NULL)
		return;
	if (write(s->wake[1], "x", 1) < 0)
		s->log(LOG_ERR, "server: wake: %s", strerror(errno));
	pthread_join(s->acceptor, NULL);
	close(s->lfd);
	unlink(s->path);
	/* Idle connections end now (a TUI connects again, to whoever
	 * serves next); requests being served are let finish, up to 30 s. */
	ctl_serve_stop();
	for (int i = 0; i < 300 && s->clients > 0; i++)
		usleep(100000);
	close(s->wake[0]);
	close(s->wake[1]);
	if (s->clients > 0) {
		/* Never close the database under a thread still in it: leave
		 * as a crash would, which the next start recovers from. */
		s->log(LOG_WARNING, "%d clients still being served; exiting "
		    "without closing the database", (int)s->clients);
		_exit(0);
	}
	free(s);
}
