/*
 * connect.c -- a client's connection to the data directory's simdeskd:
 * connect, and like tmux start a server for a data directory this user
 * owns when none answers; then the hello.  simdeskctl and simdesk both.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tui/tui.h"

#define START_SECONDS	30	/* for a server to come up (recovery) */
#define HELLO_SECONDS	10	/* for a running server's welcome */

/* ---------------------------------------------------------------- connecting */

static int
try_connect(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	sd_strlcpy(sun.sun_path, path, sizeof sun.sun_path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) != 0) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* simdeskd beside this program (build/bin, or bin/../sbin), else PATH. */
static void
server_path(char *out, size_t size)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	char *slash;

	sd_strlcpy(out, "simdeskd", size);
	if (n <= 0)
		return;
	self[n] = '\0';
	if ((slash = strrchr(self, '/')) == NULL)
		return;
	*slash = '\0';
	snprintf(out, size, "%s/simdeskd", self);
	if (access(out, X_OK) == 0)
		return;
	snprintf(out, size, "%s/../sbin/simdeskd", self);
	if (access(out, X_OK) == 0)
		return;
	sd_strlcpy(out, "simdeskd", size);
}

static void
start_server(struct ctl_conn *k)
{
	char prog[PATH_MAX + 32];
	pid_t pid;

	server_path(prog, sizeof prog);
	if ((pid = fork()) < 0)
		return;
	if (pid == 0) {
		const char *argv[8];
		char dir[PATH_MAX], conf[PATH_MAX];
		int n = 0, null = open("/dev/null", O_RDWR);

		/* Absolute: the server works from / (see below). */
		argv[n++] = prog;
		argv[n++] = "-D";
		argv[n++] = realpath(k->cfg->data_dir, dir) ? dir :
		    k->cfg->data_dir;
		if (k->conf != NULL && k->conf[0] != '\0') {
			argv[n++] = "-C";
			argv[n++] = realpath(k->conf, conf) ? conf : k->conf;
		}
		argv[n++] = "--auto";
		argv[n] = NULL;
		if (null >= 0) {
			dup2(null, STDIN_FILENO);
			dup2(null, STDOUT_FILENO);
		}	/* stderr: its start-up errors, until it detaches */
		/* The server keeps none of this client's secrets or files. */
		unsetenv("SIMDESK_PASSWORD");
		unsetenv("SIMDESK_NEW_PASSWORD");
		unsetenv("SIMDESK_USER");
		for (int fd = 3; fd < 1024; fd++)
			close(fd);
		if (chdir("/") != 0)
			_exit(127);
		execvp(prog, (char *const *)argv);
		_exit(127);
	}
	/* simdeskd detaches itself; this child returns at once. */
	waitpid(pid, NULL, 0);
}

/* A server we started did not come up: its last word, from its log. */
static void
start_failed(struct ctl_conn *k, struct sd_err *err)
{
	const char *dir = k->cfg->data_dir;
	struct sd_buf path = SD_BUF_INIT;
	char line[SD_ERRMSG_MAX], last[SD_ERRMSG_MAX] = "";
	const char *msg;
	FILE *f;

	sd_buf_printf(&path, "%s/simdeskd.log", dir);
	if ((f = fopen(path.p, "r")) != NULL) {
		while (fgets(line, sizeof line, f) != NULL)
			sd_strlcpy(last, line, sizeof last);
		fclose(f);
	}
	last[strcspn(last, "\n")] = '\0';
	msg = strstr(last, "simdeskd: ");
	if (msg != NULL)
		sd_err_set(err, SD_EINTERNAL, "%s", msg + 10);
	else
		sd_err_set(err, SD_EINTERNAL, "simdeskd did not start for %s "
		    "(see %s)", dir, path.p);
	sd_buf_free(&path);
}

/*
 * Connect to the data directory's simdeskd.  A data directory of this
 * user's gets a server started when none answers (init makes the
 * directory first); any other waits for its server (systemd restarts it).
 */
int
ctl_connect(struct ctl_conn *k, int is_init, struct sd_err *err)
{
	const struct sd_config *cfg = k->cfg;
	struct timespec t0, now;
	struct stat st;
	int may_start = 0, started = 0;

	if (sd_config_socket(cfg, k->sock, sizeof k->sock, err) != SD_OK)
		return -1;
	if ((k->fd = try_connect(k->sock)) >= 0)
		return 0;
	if (errno == EACCES && cfg->socket[0] == '\0') {
		sd_err_set(err, SD_EINTERNAL, "data directory %s: %s",
		    cfg->data_dir, strerror(errno));
		return -1;
	}
	if (errno != ENOENT && errno != ECONNREFUSED) {
		sd_err_set(err, SD_EINTERNAL, "simdeskd at %s: %s", k->sock,
		    strerror(errno));
		return -1;
	}
	if (cfg->socket[0] == '\0') {
		if (stat(cfg->data_dir, &st) == 0)
			may_start = S_ISDIR(st.st_mode) && st.st_uid == getuid();
		else if (errno == ENOENT && is_init) {
			if (mkdir(cfg->data_dir, 0700) != 0) {
				sd_err_set(err, SD_EINTERNAL, "data directory "
				    "%s: %s", cfg->data_dir, strerror(errno));
				return -1;
			}
			may_start = k->made_dir = 1;
		} else if (errno == ENOENT) {
			sd_err_set(err, SD_EINTERNAL, "data directory %s: does "
			    "not exist (create it with 'simdeskctl init')",
			    cfg->data_dir);
			return -1;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		if (may_start && !started) {
			start_server(k);
			started = 1;
		}
		usleep(20000);
		if ((k->fd = try_connect(k->sock)) >= 0)
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec >= (k->wait_seconds > 0 ?
		    k->wait_seconds : START_SECONDS))
			break;
		/* A server we started that died (another won the lock and
		 * went away?) is started once more a second later. */
		if (may_start && now.tv_sec - t0.tv_sec >= 1 && started == 1 &&
		    errno == ENOENT) {
			start_server(k);
			started = 2;
		}
	}
	if (may_start)
		start_failed(k, err);
	else
		sd_err_set(err, SD_EINTERNAL, "simdeskd is not running for %s "
		    "(socket %s: %s)", cfg->data_dir, k->sock, strerror(errno));
	return -1;
}

int
ctl_hello(struct ctl_conn *k, struct sd_err *err)
{
	static const char *const names[] = { "SIMDESK_USER",
	    "SIMDESK_PASSWORD", "SIMDESK_NEW_PASSWORD" };
	struct sd_buf b = SD_BUF_INIT;
	struct sd_wire_msg m;
	int ttys = 0, st;

	for (int i = 0; i < 3; i++)
		if (isatty(i))
			ttys |= 1 << i;
	sd_wire_begin(&b, SD_MSG_HELLO);
	sd_rec_int(&b, SD_W_VERSION, SD_WIRE_VERSION);
	sd_rec_int(&b, SD_W_PID, getpid());
	sd_rec_str(&b, SD_W_KIND, k->kind);
	if (strcmp(k->kind, "tui") == 0)
		sd_rec_str(&b, SD_W_BUILD, sd_rpc_build());
	sd_rec_int(&b, SD_W_TTYS, ttys);
	sd_rec_int(&b, SD_W_CANPROMPT, k->send_env && prompt_available());
	for (size_t i = 0; k->send_env && i < sizeof names / sizeof names[0];
	    i++) {
		const char *v = getenv(names[i]);
		struct sd_buf e = SD_BUF_INIT;

		if (v == NULL)
			continue;
		sd_buf_printf(&e, "%s=%s", names[i], v);
		sd_rec_bytes(&b, SD_W_ENV, e.p, e.len);
		explicit_bzero(e.p, e.len);
		sd_buf_free(&e);
	}
	sd_wire_finish(&b);
	st = sd_wire_send(k->fd, &b, NULL, 0, err);
	explicit_bzero(b.p, b.len);
	sd_buf_free(&b);
	if (st != SD_OK)
		return st;
	/* A server that does not even say welcome is stuck: say so. */
	setsockopt(k->fd, SOL_SOCKET, SO_RCVTIMEO,
	    &(struct timeval){ HELLO_SECONDS, 0 }, sizeof(struct timeval));
	st = sd_wire_recv_msg(k->fd, &k->frame, SD_WIRE_MAX, &m, NULL, NULL, 0,
	    err);
	setsockopt(k->fd, SOL_SOCKET, SO_RCVTIMEO, &(struct timeval){ 0, 0 },
	    sizeof(struct timeval));
	if (st == SD_EINTERNAL && strstr(err->msg, "timed out") != NULL)
		return sd_err_set(err, SD_EINTERNAL, "simdeskd at %s does not "
		    "answer (pid in %s/simdeskd.pid)", k->sock,
		    k->cfg->data_dir);
	if (st != SD_OK)
		return st;
	if (m.type == SD_MSG_REFUSED)
		st = sd_err_set(err, SD_EREFUSED, "%s", sd_wire_str(&m,
		    SD_W_TEXT) ? sd_wire_str(&m, SD_W_TEXT) : "refused");
	else if (m.type != SD_MSG_WELCOME)
		st = sd_err_set(err, SD_EINTERNAL, "simdeskd: unexpected reply");
	else
		k->server = (pid_t)sd_wire_int(&m, SD_W_PID, 0);
	sd_wire_msg_free(&m);
	return st;
}

