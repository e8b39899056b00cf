/*
 * client.c -- simdeskctl's side of the socket: connect to simdeskd (and,
 * like tmux, start one for a data directory this user owns when none
 * runs), send the command with its request id and the descriptors of the
 * files it names, print what comes back, answer prompts from this
 * terminal.  A connection that breaks before the reply is resolved by
 * asking the (restarted) server what became of the request id: its reply
 * again, or "never committed" and the request is sent once more.
 */
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tui/tui.h"

#define RESEND_MAX	5
#define SILENT_SECONDS	60	/* a server that sends not even BUSY */
#define HELP_WAIT_SECONDS 3	/* for a server to say who is acting */

struct cfile {
	const char	*path;
	char		 mode;
	int		 fd;
	int		 std;		/* "-": our own standard output */
	char		*tmp;		/* written here, renamed when done */
};

struct client {
	struct ctl_ctx	*c;
	struct ctl_conn	 n;		/* the connection */
	char		 id[33];
	size_t		 out_seen, err_seen;	/* bytes printed so far */
	size_t		 out_skip, err_skip;	/* of a replay, not again */
	int		 write_failed;
	pid_t		 server;	/* the pid WELCOME gave */
	struct cfile	 files[SD_WIRE_FDS];
	int		 nfiles;
};

/* 0, or -1 when fd took not all of it (a full disk, a closed pipe). */
static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * Output of the reply, fd 1 or 2.  A reply replayed after a reconnect
 * starts from its beginning again: what was already printed is skipped.
 */
static void
print_reply(struct client *k, int fd, const char *p, size_t n)
{
	size_t *seen = fd == STDOUT_FILENO ? &k->out_seen : &k->err_seen;
	size_t *skip = fd == STDOUT_FILENO ? &k->out_skip : &k->err_skip;
	size_t drop = *skip < n ? *skip : n;

	*skip -= drop;
	if (n > drop && write_all(fd, p + drop, n - drop) != 0)
		k->write_failed = 1;
	*seen += n - drop;
}

/* ---------------------------------------------------------------- files */

static int
open_files(struct client *k, struct sd_err *err)
{
	const char *paths[SD_WIRE_FDS], *opts[SD_WIRE_FDS];
	char modes[SD_WIRE_FDS], field[64];
	mode_t mask = umask(0);

	umask(mask);
	k->nfiles = ctl_files_of(k->c, paths, modes, opts, SD_WIRE_FDS);
	for (int i = 0; i < k->nfiles; i++) {
		struct cfile *f = &k->files[i];
		struct sd_buf t = SD_BUF_INIT;
		const char *slash;

		f->path = paths[i];
		f->mode = modes[i];
		f->fd = -1;
		/* Errors name the option ("--out FILE: ..."), or the file. */
		snprintf(field, sizeof field, "%s%s%s", opts[i] ? "--" : "",
		    opts[i] ? opts[i] : "", opts[i] ? " " : "");
		if (f->mode == 'r') {
			if ((f->fd = open(f->path, O_RDONLY | O_CLOEXEC)) < 0)
				return sd_err_set(err, SD_EINVAL, "%s%s: %s",
				    field, f->path, strerror(errno));
			continue;
		}
		if (strcmp(f->path, "-") == 0) {
			f->std = 1;
			if ((f->fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3)) < 0)
				return sd_err_set(err, SD_EINVAL, "standard "
				    "output: %s", strerror(errno));
			continue;
		}
		/* An existing file we may not write stays as it is. */
		if (access(f->path, F_OK) == 0 && access(f->path, W_OK) != 0)
			return sd_err_set(err, SD_EINVAL, "%s%s: %s", field,
			    f->path, strerror(errno));
		/* A device, a FIFO: written as it is, no temporary file. */
		{
			struct stat sb;

			if (stat(f->path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
				f->std = 1;
				if ((f->fd = open(f->path, O_WRONLY | O_CLOEXEC |
				    O_NOCTTY)) < 0)
					return sd_err_set(err, SD_EINVAL, "%s%s: "
					    "%s", field, f->path, strerror(errno));
				continue;
			}
		}
		slash = strrchr(f->path, '/');
		if (slash != NULL)
			sd_buf_printf(&t, "%.*s/.%s.XXXXXX",
			    (int)(slash - f->path), f->path, slash + 1);
		else
			sd_buf_printf(&t, ".%s.XXXXXX", f->path);
		f->tmp = t.p;
		if ((f->fd = mkostemp(f->tmp, O_CLOEXEC)) < 0) {
			int e = errno;

			free(f->tmp);
			f->tmp = NULL;
			return sd_err_set(err, SD_EINVAL, "%s%s: %s", field,
			    f->path, strerror(e == EEXIST ? EACCES : e));
		}
		/* A backup's archive holds everyone's data: the user's alone. */
		(void)fchmod(f->fd, strcmp(k->c->cmd->noun, "backup") == 0 ?
		    0600 : 0666 & ~mask);
	}
	return SD_OK;
}

/* For a request sent again: every file from its start, written ones empty. */
static void
rewind_files(struct client *k)
{
	for (int i = 0; i < k->nfiles; i++) {
		(void)lseek(k->files[i].fd, 0, SEEK_SET);
		if (k->files[i].mode == 'w' && !k->files[i].std)
			(void)ftruncate(k->files[i].fd, 0);
	}
}

/* Written files the command made take their names; the rest go. */
static int
finish_files(struct client *k, int ok, unsigned used, struct sd_err *err)
{
	int st = SD_OK;

	for (int i = 0; i < k->nfiles; i++) {
		struct cfile *f = &k->files[i];

		if (f->tmp != NULL) {
			if (ok && (used & (1u << i))) {
				if (fsync(f->fd) != 0 || rename(f->tmp,
				    f->path) != 0) {
					st = sd_err_set(err, SD_EINTERNAL,
					    "%s: %s", f->path, strerror(errno));
					unlink(f->tmp);
				}
			} else
				unlink(f->tmp);
			free(f->tmp);
			f->tmp = NULL;
		}
		if (f->fd >= 0)
			close(f->fd);
		f->fd = -1;
	}
	return st;
}

static int
send_request(struct client *k, int argc, char **argv, struct sd_err *err)
{
	struct sd_buf b = SD_BUF_INIT;
	int fds[SD_WIRE_FDS], st;

	sd_wire_begin(&b, SD_MSG_REQUEST);
	sd_rec_str(&b, SD_W_ID, k->id);
	sd_rec_int(&b, SD_W_JSON, k->c->json);
	for (int i = 0; i < argc; i++)
		sd_rec_bytes(&b, SD_W_ARG, argv[i], strlen(argv[i]));
	for (int i = 0; i < k->nfiles; i++) {
		struct sd_buf f = SD_BUF_INIT;

		sd_buf_printf(&f, "%c:%s", k->files[i].mode, k->files[i].path);
		sd_rec_bytes(&b, SD_W_FILE, f.p, f.len);
		sd_buf_free(&f);
		fds[i] = k->files[i].fd;
	}
	sd_wire_finish(&b);
	if (b.len > SD_WIRE_MAX)
		st = sd_err_set(err, SD_EUSAGE, "the command's arguments are "
		    "over %u bytes", SD_WIRE_MAX);
	else
		st = sd_wire_send(k->n.fd, &b, fds, k->nfiles, err);
	sd_buf_free(&b);
	return st;
}

static int
send_query(struct client *k, struct sd_err *err)
{
	struct sd_buf b = SD_BUF_INIT;
	int st;

	sd_wire_begin(&b, SD_MSG_QUERY);
	sd_rec_str(&b, SD_W_ID, k->id);
	sd_wire_finish(&b);
	st = sd_wire_send(k->n.fd, &b, NULL, 0, err);
	sd_buf_free(&b);
	return st;
}

static void
answer(struct client *k, const struct sd_wire_msg *m)
{
	struct sd_buf b = SD_BUF_INIT;
	struct sd_err err;
	const char *q = sd_wire_str(m, SD_W_TEXT);
	char line[256];
	int ok;

	ok = q != NULL && prompt_line(q, (int)sd_wire_int(m, SD_W_SECRET, 1),
	    line, sizeof line) == 0;
	sd_wire_begin(&b, SD_MSG_ANSWER);
	if (ok)
		sd_rec_str(&b, SD_W_TEXT, line);
	else
		sd_rec_int(&b, SD_W_NONE, 1);
	sd_wire_finish(&b);
	(void)sd_wire_send(k->n.fd, &b, NULL, 0, &err);
	explicit_bzero(line, sizeof line);
	explicit_bzero(b.p, b.len);
	sd_buf_free(&b);
}

/*
 * Read frames to the reply.  0: *code, *used and *state are the reply's;
 * 1: the server answered UNKNOWN; -1: the connection broke.
 */
static int
replies(struct client *k, int *code, unsigned *used, int *state)
{
	struct sd_wire_msg m;
	struct sd_err err;

	/* A running server says BUSY every few seconds. */
	setsockopt(k->n.fd, SOL_SOCKET, SO_RCVTIMEO,
	    &(struct timeval){ SILENT_SECONDS, 0 }, sizeof(struct timeval));
	for (;;) {
		const struct sd_wire_field *f;
		int done = 0;

		if (sd_wire_recv_msg(k->n.fd, &k->n.frame, SD_WIRE_MAX, &m, NULL,
		    NULL, 0, &err) != SD_OK) {
			if (strstr(err.msg, "timed out") == NULL)
				return -1;
			/* Stuck, not gone: sending it again could do it
			 * twice, so its outcome is left unknown. */
			fprintf(stderr, "simdeskctl: simdeskd has said nothing "
			    "for %d s; what became of request %s is unknown\n",
			    SILENT_SECONDS, k->id);
			*code = SD_EINTERNAL;
			*used = 0;
			*state = SD_REQ_DONE;
			return 0;
		}
		switch (m.type) {
		case SD_MSG_OUT:
		case SD_MSG_ERR:
			if ((f = sd_wire_get(&m, SD_W_TEXT, 0)) != NULL &&
			    f->s != NULL)
				print_reply(k, m.type == SD_MSG_OUT ?
				    STDOUT_FILENO : STDERR_FILENO, f->s, f->len);
			break;
		case SD_MSG_PROMPT:
			answer(k, &m);
			break;
		case SD_MSG_DONE:
			*code = (int)sd_wire_int(&m, SD_W_EXIT, SD_EINTERNAL);
			*used = (unsigned)sd_wire_int(&m, SD_W_USED, 0);
			*state = (int)sd_wire_int(&m, SD_W_STATE, SD_REQ_DONE);
			done = 1;
			break;
		case SD_MSG_UNKNOWN:
			done = 2;
			break;
		case SD_MSG_REFUSED:
			fprintf(stderr, "simdeskctl: simdeskd cannot tell what "
			    "became of request %s: %s\n", k->id,
			    sd_wire_str(&m, SD_W_TEXT) ? sd_wire_str(&m,
			    SD_W_TEXT) : "?");
			*code = SD_EINTERNAL;
			*used = 0;
			*state = SD_REQ_DONE;
			done = 1;
			break;
		default:
			break;
		}
		sd_wire_msg_free(&m);
		if (done)
			return done - 1;
	}
}

/*
 * A failed init leaves nothing: the server we started for the directory
 * we made is stopped, and the directory removed with what it left.
 */
static void
unmake_dir(struct client *k)
{
	static const char *const left[] = { "simdesk.sock", "simdeskd.pid",
	    "simdeskd.log" };
	const char *dir = k->c->cfg->data_dir;

	if (k->n.server > 1 && kill(k->n.server, SIGTERM) == 0)
		for (int i = 0; i < 100 && kill(k->n.server, 0) == 0; i++)
			usleep(50000);
	for (size_t i = 0; i < sizeof left / sizeof left[0]; i++) {
		struct sd_buf p = SD_BUF_INIT;

		sd_buf_printf(&p, "%s/%s", dir, left[i]);
		unlink(p.p);
		sd_buf_free(&p);
	}
	rmdir(dir);
}

int
ctl_client_run(struct ctl_ctx *c, const char *conf, int argc, char **argv)
{
	struct client k;
	struct sd_err err;
	unsigned char rnd[16];
	unsigned used = 0;
	int code = SD_EINTERNAL, state = SD_REQ_DONE, r = -1, st;

	memset(&k, 0, sizeof k);
	k.c = c;
	k.n.cfg = c->cfg;
	k.n.conf = conf;
	k.n.kind = "ctl";
	k.n.send_env = 1;
	k.n.fd = -1;
	signal(SIGPIPE, SIG_IGN);
	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
		for (size_t i = 0; i < sizeof rnd; i++)
			rnd[i] = (unsigned char)(rand() ^ getpid() ^ time(NULL));
	for (size_t i = 0; i < sizeof rnd; i++)
		snprintf(k.id + 2 * i, 3, "%02x", rnd[i]);

	if ((st = open_files(&k, &err)) != SD_OK)
		goto fail;
	/* help alone waits little for a server: without one it lists every
	 * command, here. */
	if (c->cmd == &ctl_help_cmd)
		k.n.wait_seconds = HELP_WAIT_SECONDS;
	if (ctl_connect(&k.n, c->cmd->exec == cmd_init, &err) != 0) {
		st = err.status;
		goto fail;
	}
	if ((st = ctl_hello(&k.n, &err)) == SD_EREFUSED)
		goto fail;	/* another version: told, nothing sent */
	/*
	 * From here the request may reach the server: whatever breaks is
	 * resolved by asking the server what became of it, never by
	 * guessing.
	 */
	if (st != SD_OK || send_request(&k, argc, argv, &err) != SD_OK)
		r = -1;
	else
		r = replies(&k, &code, &used, &state);
	for (int tries = 0; r != 0; r = replies(&k, &code, &used, &state)) {
		if (++tries > RESEND_MAX) {
			st = sd_err_set(&err, SD_EINTERNAL, "the connection to "
			    "simdeskd broke %d times: request %s's outcome is "
			    "unknown", tries, k.id);
			goto fail;
		}
		if (r < 0) {
			/* It broke: ask the server, once it is back, what
			 * became of the request. */
			close(k.n.fd);
			k.n.fd = -1;
			if (ctl_connect(&k.n, 0, &err) != 0) {
				struct sd_err why = err;

				st = sd_err_set(&err, SD_EINTERNAL, "%s: request "
				    "%s's outcome is unknown", why.msg, k.id);
				goto fail;
			}
			/* A replayed reply starts over: skip what we have. */
			k.out_skip = k.out_seen;
			k.err_skip = k.err_seen;
			k.out_seen = k.err_seen = 0;
			if (ctl_hello(&k.n, &err) != SD_OK ||
			    send_query(&k, &err) != SD_OK)
				continue;	/* broke again */
			continue;
		}
		/* Never committed: send it again, the same id; its output
		 * comes again too. */
		rewind_files(&k);
		(void)send_request(&k, argc, argv, &err);
	}
	close(k.n.fd);
	k.n.fd = -1;
	if (code != 0 && k.n.made_dir)
		unmake_dir(&k);
	if (state == SD_REQ_STARTED) {
		/* It wrote, and its server died before it finished: part of
		 * it, or all, may stand (an import is undone by the next
		 * server).  Not a success. */
		fprintf(stderr, "simdeskctl: simdeskd stopped after request %s "
		    "had committed changes, before it replied: its outcome is "
		    "unknown\n", k.id);
		code = SD_EINTERNAL;
	}
	if (k.write_failed && code == 0) {
		fprintf(stderr, "simdeskctl: standard output: %s\n",
		    strerror(errno ? errno : EIO));
		code = SD_EINTERNAL;
	}
	if (finish_files(&k, code == 0, used, &err) != SD_OK) {
		fprintf(stderr, "simdeskctl: %s\n", err.msg);
		code = code ? code : SD_EINTERNAL;
	}
	sd_buf_free(&k.n.frame);
	return code;
fail:
	finish_files(&k, 0, 0, &err);
	if (k.n.fd >= 0)
		close(k.n.fd);
	k.n.fd = -1;
	if (k.n.made_dir)
		unmake_dir(&k);
	sd_buf_free(&k.n.frame);
	if (c->cmd == &ctl_help_cmd) {
		c->err = err;
		return cmd_help(c);
	}
	fprintf(stderr, "simdeskctl: %s\n", err.msg);
	return sd_status_exit(st ? st : SD_EINTERNAL);
}
