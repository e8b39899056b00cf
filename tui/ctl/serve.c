/*
 * serve.c -- simdeskd's side of simdeskctl: one connection's requests.
 * A request names a command of the one table with its arguments; the
 * server authenticates the peer (SO_PEERCRED, or a password it sent or is
 * asked for), runs the command with its output sent back as frames, the
 * files it names read and written through the descriptors the client
 * passed, and its request id recorded with its writes so that a client
 * whose connection broke can ask what became of it.
 */
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tui/tui.h"

#define HELLO_SECONDS	10	/* a client has this long to say hello */
#define PROMPT_SECONDS	300	/* and to answer a prompt */
#define IDLE_SECONDS	600	/* between requests */
#define SEND_SECONDS	30	/* a client that reads nothing this long */
#define KEEP_OUT	65536	/* reply bytes kept for a QUERY */

struct conn {
	int			 fd;
	uid_t			 uid;
	const char		*peer;		/* uid's Unix name, NULL: none */
	char			 peerbuf[256];
	struct sd_buf		 frame;
	struct sd_wire_msg	 hello;
	struct ctl_remote	 r;
	_Atomic int		 broken;	/* a send failed: stop talking */
	/* Corked: frames wait in pend and go out together (the last of a
	 * reply with its DONE or RESULT: one write, one wake-up). */
	int			 cork;
	struct sd_buf		 pend;
	pthread_mutex_t		 sendlock;	/* the command's and BUSY's */
	/* BUSY: on the server's one ticker's list while connected; the
	 * ticker looks at those running a request */
	struct conn		*busy_next;
	_Atomic int		 running;	/* a request is being carried out */
	_Atomic int		 role;		/* its user's, once signed in */
	int			 rcvtimeo;	/* SO_RCVTIMEO now, seconds */
	_Atomic int64_t		 last_sent;	/* the last frame's time */
	/* the request being carried out */
	int			 fds[SD_WIRE_FDS];
	int			 nfds;
	const char		*paths[SD_WIRE_FDS];
	char			 modes[SD_WIRE_FDS];
	unsigned		 used;
	struct sd_buf		 keep_out;
	struct sd_buf		 keep_err;
	int			 tui;		/* simdesk: CALLs, not REQUESTs */
	struct sd_rpc_srv	 rpc;
	/* A signed-in TUI's inbox: rung (bell) when something is left for
	 * its user, and when the user's next reminder comes due. */
	struct conn		*inbox_next;
	char			 login[SD_LOGIN_MAX + 1];	/* "": not listed */
	int			 bell;		/* eventfd */
	_Atomic int		 rang;		/* SD_INBOX_* since the last push */
	int64_t			 rem_next;	/* 0: no reminder to come */
};

static void
set_timeout(int fd, int opt, int seconds)
{
	struct timeval tv = { seconds, 0 };

	setsockopt(fd, SOL_SOCKET, opt, &tv, sizeof tv);
}

/* How long a frame may take to come whole; a system call only when it
 * changes (not once a request). */
static void
set_rcvtimeo(struct conn *k, int seconds)
{
	if (k->rcvtimeo == seconds)
		return;
	set_timeout(k->fd, SO_RCVTIMEO, seconds);
	k->rcvtimeo = seconds;
}

#define PEND_MAX	65536	/* corked bytes sent once there are this many */

/* What is corked, sent. */
static int
send_pending(struct conn *k)
{
	struct sd_err err;
	int r = 0;

	if (k->pend.len == 0)
		return k->broken ? -1 : 0;
	pthread_mutex_lock(&k->sendlock);
	if (k->broken || sd_wire_send(k->fd, &k->pend, NULL, 0, &err) !=
	    SD_OK) {
		k->broken = 1;
		r = -1;
	}
	k->last_sent = time(NULL);
	pthread_mutex_unlock(&k->sendlock);
	explicit_bzero(k->pend.p, k->pend.len);	/* a reply may hold secrets */
	sd_buf_reset(&k->pend);
	return r;
}

static int
send_frame(struct conn *k, struct sd_buf *b)
{
	sd_wire_finish(b);
	if (k->broken)
		return -1;
	sd_buf_add(&k->pend, b->p, b->len);
	if (k->cork && k->pend.len < PEND_MAX)
		return 0;
	return send_pending(k);
}

static void
uncork(struct conn *k)
{
	k->cork = 0;
	(void)send_pending(k);
}

/* Bytes as frames the client takes (each well under SD_WIRE_MAX). */
static int
send_text(struct conn *k, int type, const char *p, size_t n)
{
	struct sd_buf b = SD_BUF_INIT;
	int r = 0;

	do {
		size_t part = n < 262144 ? n : 262144;

		sd_wire_begin(&b, type);
		sd_rec_bytes(&b, SD_W_TEXT, p, part);
		r = send_frame(k, &b);
		p += part;
		n -= part;
	} while (r == 0 && n > 0);
	sd_buf_free(&b);
	return r;
}

/* The key a request is kept under: its client's Unix user and its id,
 * so nobody else can ask after it. */
static void
request_key(const struct conn *k, const struct sd_wire_msg *m, char *out,
    size_t size)
{
	const char *id = sd_wire_str(m, SD_W_ID);

	out[0] = '\0';
	if (id != NULL && id[0] != '\0' && strlen(id) <= 40)
		snprintf(out, size, "%lu:%s", (unsigned long)k->uid, id);
}

/* ---------------------------------------------------------------- output */

static void
keep(struct sd_buf *b, const char *p, size_t n)
{
	if (b->len < KEEP_OUT)
		sd_buf_add(b, p, n < KEEP_OUT - b->len ? n : KEEP_OUT - b->len);
}

static ssize_t
out_write(void *cookie, const char *p, size_t n)
{
	struct conn *k = cookie;

	keep(&k->keep_out, p, n);
	send_text(k, SD_MSG_OUT, p, n);
	return (ssize_t)n;	/* a client gone is not the command's failure */
}

static ssize_t
err_write(void *cookie, const char *p, size_t n)
{
	struct conn *k = cookie;

	keep(&k->keep_err, p, n);
	send_text(k, SD_MSG_ERR, p, n);
	return (ssize_t)n;
}

/* ---------------------------------------------------------------- prompts */

static int
remote_prompt(void *arg, const char *question, int secret, char *out,
    size_t size)
{
	struct conn *k = arg;
	struct sd_buf b = SD_BUF_INIT;
	struct sd_wire_msg m;
	struct sd_err err;
	const char *a;
	int r = -1;

	fflush(k->r.out);
	fflush(k->r.err);
	sd_wire_begin(&b, SD_MSG_PROMPT);
	sd_rec_str(&b, SD_W_TEXT, question);
	sd_rec_int(&b, SD_W_SECRET, secret);
	if (send_frame(k, &b) != 0 || send_pending(k) != 0) {
		sd_buf_free(&b);
		return -1;
	}
	set_rcvtimeo(k, PROMPT_SECONDS);
	if (sd_wire_recv_msg(k->fd, &b, 4096, &m, NULL, NULL, 0, &err) ==
	    SD_OK) {
		if (m.type == SD_MSG_ANSWER && !sd_wire_int(&m, SD_W_NONE, 0) &&
		    (a = sd_wire_str(&m, SD_W_TEXT)) != NULL &&
		    sd_strlcpy(out, a, size) == 0)
			r = 0;
		sd_wire_msg_free(&m);
	} else
		k->broken = 1;
	explicit_bzero(b.p, b.cap);
	sd_buf_free(&b);
	return r;
}

/* ---------------------------------------------------------------- files */

static FILE *
file_hook(void *arg, const char *path, const char *mode, struct sd_err *err)
{
	struct conn *k = arg;
	char want = mode[0] == 'r' ? 'r' : 'w';
	FILE *f;
	int fd;

	for (int i = 0; i < k->nfds; i++) {
		if (k->paths[i] == NULL || strcmp(k->paths[i], path) != 0 ||
		    k->modes[i] != want)
			continue;
		if ((fd = dup(k->fds[i])) < 0 || (f = fdopen(fd, mode)) ==
		    NULL) {
			if (fd >= 0)
				close(fd);
			sd_err_set(err, SD_EINTERNAL, "%s: %s", path,
			    strerror(errno));
			return NULL;
		}
		if (want == 'r')	/* opened again: from the start */
			(void)lseek(fd, 0, SEEK_SET);
		k->used |= 1u << i;
		return f;
	}
	sd_err_set(err, SD_EINVAL, "%s: not a file this command names "
	    "(simdeskd opens no path itself)", path);
	return NULL;
}

/* ---------------------------------------------------------------- busy */

/*
 * While a request runs, BUSY every few seconds it sends nothing else tells
 * the client that the server is at it, so a client can tell a long import
 * from a server that stopped (and gives up on one silent for much longer).
 * One ticker thread serves every connection: a request costs no thread.
 */
static pthread_mutex_t busy_lock = PTHREAD_MUTEX_INITIALIZER;
static struct conn *busy_list;
static pthread_once_t busy_once = PTHREAD_ONCE_INIT;

static void *
busy_main(void *arg)
{
	struct sd_buf b = SD_BUF_INIT;
	sigset_t all;

	(void)arg;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	sd_wire_begin(&b, SD_MSG_BUSY);
	sd_wire_finish(&b);
	for (;;) {
		time_t now;

		sleep(1);
		now = time(NULL);
		pthread_mutex_lock(&busy_lock);
		for (struct conn *k = busy_list; k != NULL; k = k->busy_next) {
			struct pollfd p = { k->fd, POLLOUT, 0 };
			struct sd_err err;

			/* Sending now, or its client not reading: the frame
			 * in flight says more than BUSY would. */
			if (!atomic_load(&k->running) ||
			    now - k->last_sent < SD_WIRE_BUSY_SECONDS ||
			    pthread_mutex_trylock(&k->sendlock) != 0)
				continue;
			if (!atomic_load(&k->running)) {
				pthread_mutex_unlock(&k->sendlock);
				continue;
			}
			/* A few bytes into a socket with room: never blocks
			 * (a full one is a client that reads nothing). */
			if (!k->broken && poll(&p, 1, 0) == 1 &&
			    (p.revents & POLLOUT)) {
				if (sd_wire_send(k->fd, &b, NULL, 0, &err) !=
				    SD_OK)
					k->broken = 1;
				k->last_sent = now;
			}
			pthread_mutex_unlock(&k->sendlock);
		}
		pthread_mutex_unlock(&busy_lock);
	}
	return NULL;
}

static void
busy_thread(void)
{
	pthread_attr_t at;
	pthread_t t;

	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &at, busy_main, NULL) != 0)
		abort();	/* at the first request: as out of memory */
	pthread_attr_destroy(&at);
}

/* The connections by the role of their user (status): for admins. */
void
ctl_serve_clients(int by_role[SD_ROLE__COUNT], int *cli)
{
	pthread_mutex_lock(&busy_lock);
	for (struct conn *k = busy_list; k != NULL; k = k->busy_next) {
		int r = atomic_load(&k->role);

		by_role[r > SD_ROLE_NONE && r < SD_ROLE__COUNT ? r :
		    SD_ROLE_NONE]++;
		*cli += !k->tui;
	}
	pthread_mutex_unlock(&busy_lock);
}

/* A connection, on the ticker's list for as long as it lasts. */
static void
busy_join(struct conn *k)
{
	pthread_once(&busy_once, busy_thread);
	pthread_mutex_lock(&busy_lock);
	k->busy_next = busy_list;
	busy_list = k;
	pthread_mutex_unlock(&busy_lock);
}

static void
busy_leave(struct conn *k)
{
	pthread_mutex_lock(&busy_lock);
	for (struct conn **pp = &busy_list; *pp != NULL;
	    pp = &(*pp)->busy_next)
		if (*pp == k) {
			*pp = k->busy_next;
			break;
		}
	pthread_mutex_unlock(&busy_lock);
}

/*
 * A request starts and ends with no lock every connection shares: the
 * ticker reads running under the connection's send lock, so a BUSY it
 * sends always goes before the request's last frame.
 */
static void
busy_start(struct conn *k)
{
	k->last_sent = time(NULL);
	atomic_store(&k->running, 1);
}

static void
busy_stop(struct conn *k)
{
	atomic_store(&k->running, 0);
}

/* ---------------------------------------------------------------- inbox */

/*
 * The TUIs' inbox is pushed, not polled: a committed transaction that
 * left something for a user (core's sd_inbox_notify) rings the bell of
 * each of that user's connections; an idle connection then sends an
 * EVENT frame and its TUI fetches what is new.  Reminders coming due are
 * rung by the connection itself, at the due time of the next one.
 */
static pthread_mutex_t inbox_lock = PTHREAD_MUTEX_INITIALIZER;
static struct conn *inbox_list;

static void
inbox_ring(void *arg, const char *key)
{
	char login[SD_LOGIN_MAX + 1];
	uint64_t one = 1;
	int kind = sd_inbox_key(key, login, sizeof login);

	(void)arg;
	if (kind == 0)
		return;
	pthread_mutex_lock(&inbox_lock);
	for (struct conn *k = inbox_list; k != NULL; k = k->inbox_next)
		if (strcmp(k->login, login) == 0) {
			k->rang |= kind;
			if (write(k->bell, &one, sizeof one) < 0)
				continue;	/* full: it is rung already */
		}
	pthread_mutex_unlock(&inbox_lock);
}

static void
inbox_leave(struct conn *k)
{
	pthread_mutex_lock(&inbox_lock);
	for (struct conn **pp = &inbox_list; *pp != NULL;
	    pp = &(*pp)->inbox_next)
		if (*pp == k) {
			*pp = k->inbox_next;
			break;
		}
	k->login[0] = '\0';
	pthread_mutex_unlock(&inbox_lock);
}

/* When the user's next reminder comes due, from now on. */
static void
inbox_next_due(struct conn *k)
{
	struct sd_err err;

	if (k->rpc.core == NULL || k->login[0] == '\0' ||
	    sd_reminder_next(k->rpc.core, k->login, (int64_t)time(NULL),
	    &k->rem_next, &err) != SD_OK)
		k->rem_next = 0;
}

/* After a call: the connection's user, listed (again) for its bell. */
static void
inbox_join(struct conn *k)
{
	const char *who = k->rpc.signed_in ? k->rpc.sess.user.login : "";

	if (strcmp(who, k->login) == 0)
		return;
	inbox_leave(k);
	if (who[0] == '\0' || k->rpc.core == NULL)
		return;
	if (k->bell < 0 && (k->bell = eventfd(0, EFD_CLOEXEC |
	    EFD_NONBLOCK)) < 0)
		return;		/* no push: the TUI still asks when it starts */
	/* The hook is the server's, set again by every TUI: one value. */
	sd_db_notify_hook(k->rpc.core->db, inbox_ring, NULL);
	pthread_mutex_lock(&inbox_lock);
	sd_strlcpy(k->login, who, sizeof k->login);
	k->inbox_next = inbox_list;
	inbox_list = k;
	pthread_mutex_unlock(&inbox_lock);
	inbox_next_due(k);
}

/* An idle TUI connection: push what rang. */
static void
inbox_push(struct conn *k, int bell_rang)
{
	struct sd_buf b = SD_BUF_INIT;
	uint64_t v;
	int kinds;

	if (bell_rang && read(k->bell, &v, sizeof v) < 0)
		v = 0;
	kinds = atomic_exchange(&k->rang, 0);
	if (kinds & SD_INBOX_REM)	/* one added or moved: when is next? */
		inbox_next_due(k);
	if (k->rem_next != 0 && (int64_t)time(NULL) >= k->rem_next) {
		kinds |= SD_INBOX_REM;
		inbox_next_due(k);
	}
	if (kinds == 0)
		return;
	sd_wire_begin(&b, SD_MSG_EVENT);
	sd_arg_int(&b, kinds);
	send_frame(k, &b);
	sd_buf_free(&b);
}

/* ---------------------------------------------------------------- requests */

/*
 * Who is acting: SIMDESK_USER (+ SIMDESK_PASSWORD or asked), else the peer
 * Unix user bound to an app user, else asked, else permission denied.
 * may_ask 0: nothing is asked (help alone lists by who is acting when
 * that is known without a question).
 */
static int
authenticate(struct ctl_ctx *c, const struct conn *k, int may_ask)
{
	const char *login = ctl_getenv("SIMDESK_USER");
	const char *pw = ctl_getenv("SIMDESK_PASSWORD");
	char lbuf[64], pbuf[256];
	struct sd_err peer;
	int st;

	if (login != NULL && *login != '\0') {
		if (pw == NULL) {
			if (!may_ask || !prompt_available())
				return sd_err_set(&c->err, SD_EPERM,
				    "SIMDESK_USER is set but SIMDESK_PASSWORD "
				    "is not, and there is no terminal to ask");
			if (prompt_line("Password: ", 1, pbuf,
			    sizeof pbuf) != 0)
				return sd_err_set(&c->err, SD_EPERM,
				    "login: cannot read");
			pw = pbuf;
		}
		st = sd_session_login(c->core, login, pw, &c->sess, &c->err);
		explicit_bzero(pbuf, sizeof pbuf);
		return st;
	}
	if (sd_session_peer_name(c->core, k->uid, k->peer, &c->sess, &peer) ==
	    SD_OK)
		return SD_OK;
	if (peer.status != SD_EPERM || !may_ask || !prompt_available()) {
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

/* Run one command as the client asked; its exit status. */
static int
run_command(struct conn *k, struct sd_core **corep, const struct sd_config *cfg,
    const struct sd_wire_msg *m)
{
	struct sd_core *core = __atomic_load_n(corep, __ATOMIC_ACQUIRE);
	struct ctl_ctx *c = xcalloc(1, sizeof *c);
	char *argv[64];
	int argc = 0, st, nfiles;
	const char *paths[SD_WIRE_FDS];
	char modes[SD_WIRE_FDS];

	for (int i = 0; i < m->n && argc < 63; i++)
		if (m->f[i].tag == SD_W_ARG && m->f[i].s != NULL)
			argv[argc++] = (char *)m->f[i].s;
	argv[argc] = NULL;
	c->json = (int)sd_wire_int(m, SD_W_JSON, 0);
	c->cfg = cfg;
	st = ctl_prepare(c, argc, argv);
	if (st != 0) {
		free(c);
		return st < 0 ? 0 : st;
	}
	/* The descriptors must be the files this command names, in order. */
	nfiles = ctl_files_of(c, paths, modes, NULL, SD_WIRE_FDS);
	for (int i = 0, j = 0; i < m->n; i++) {
		const char *f;

		if (m->f[i].tag != SD_W_FILE || (f = m->f[i].s) == NULL ||
		    j >= k->nfds)
			continue;
		if (m->f[i].len < 2 || f[1] != ':') {
			j++;
			continue;
		}
		for (int x = 0; x < nfiles; x++)
			if (strcmp(paths[x], f + 2) == 0 && modes[x] == f[0]) {
				k->paths[j] = paths[x];
				k->modes[j] = modes[x];
			}
		j++;
	}
	if (c->cmd == &ctl_help_cmd) {
		/* Listed by who is acting, when that is known unasked; else
		 * every command, and the reason. */
		c->core = core;
		if (core == NULL)
			sd_err_set(&c->err, SD_EINTERNAL, "data directory %s: "
			    "no simdesk database here", cfg->data_dir);
		else if (authenticate(c, k, 0) != SD_OK)
			memset(&c->sess, 0, sizeof c->sess);
		st = c->cmd->exec(c);
	} else if (c->cmd->exec == cmd_init) {
		if (k->uid != 0 && k->uid != getuid())
			st = sd_err_set(&c->err, SD_EPERM, "init: only the "
			    "server's own Unix user (uid %ld) or root may create "
			    "the database", (long)getuid());
		else if (core != NULL)
			st = sd_err_set(&c->err, SD_EREFUSED, "data directory "
			    "%s: already initialized", cfg->data_dir);
		else if ((st = c->cmd->exec(c)) == SD_OK)
			/* The server goes on with it: before the reply, so
			 * the next client already finds the database. */
			__atomic_store_n(corep, c->core, __ATOMIC_RELEASE);
	} else if (core == NULL)
		st = sd_err_set(&c->err, SD_EINTERNAL, "data directory %s: no "
		    "simdesk database here (create one with 'simdeskctl "
		    "init')", cfg->data_dir);
	else {
		c->core = core;
		if (c->cmd->op == CTL_OP_NONE || (st = authenticate(c, k, 1)) ==
		    SD_OK) {
			char key[SD_REQ_ID_MAX + 1];

			if (c->cmd->op != CTL_OP_NONE)
				atomic_store(&k->role, c->sess.user.role);

			/* Ids mark writes only after the login's own. */
			request_key(k, m, key, sizeof key);
			sd_db_request_begin(key);
			/* A role that may not run it is refused before it
			 * reads a file or asks a question. */
			if ((st = ctl_authorize(c)) == SD_OK)
				st = c->cmd->exec(c);
		}
	}
	if (st != SD_OK) {
		if (c->err.status == SD_OK)
			c->err.status = st;
		struct sd_buf msg = SD_BUF_INIT;

		/* core names the field; here it is the command's option */
		ctl_err_flags(c->cmd, c->err.msg[0] ? c->err.msg :
		    sd_status_name(c->err.status), &msg);
		fprintf(ctl_errf(), "simdeskctl: %s\n", sd_buf_cstr(&msg));
		sd_buf_free(&msg);
		st = sd_status_exit(c->err.status ? c->err.status :
		    SD_EINTERNAL);
	}
	explicit_bzero(c, sizeof *c);
	free(c);
	return st;
}

static void
request(struct conn *k, struct sd_core **corep, const struct sd_config *cfg,
    const struct sd_wire_msg *m)
{
	struct sd_core *core;
	struct sd_buf b = SD_BUF_INIT;
	struct sd_err err;
	int code;

	k->used = 0;
	for (int i = 0; i < SD_WIRE_FDS; i++)
		k->paths[i] = NULL;
	sd_buf_reset(&k->keep_out);
	sd_buf_reset(&k->keep_err);
	k->r.out = fopencookie(k, "w", (cookie_io_functions_t){
	    .write = out_write });
	k->r.err = fopencookie(k, "w", (cookie_io_functions_t){
	    .write = err_write });
	if (k->r.out == NULL || k->r.err == NULL)
		abort();	/* out of memory, as xmalloc */
	setvbuf(k->r.out, NULL, _IOFBF, 65536);
	setvbuf(k->r.err, NULL, _IOLBF, 4096);
	ctl_remote_set(&k->r);
	sd_file_hook_set(file_hook, k);
	busy_start(k);

	code = run_command(k, corep, cfg, m);

	/* The output's last part goes with DONE. */
	k->cork = 1;
	fflush(k->r.out);
	fflush(k->r.err);
	busy_stop(k);
	core = __atomic_load_n(corep, __ATOMIC_ACQUIRE);
	/* Not keeping the reply costs only a later QUERY its text: the
	 * request's own outcome is already the client's. */
	if (core != NULL && sd_db_request_wrote())
		(void)sd_db_request_end(core->db, code, k->used, k->keep_out.p,
		    k->keep_out.len, k->keep_err.p, k->keep_err.len, &err);
	sd_db_request_begin(NULL);
	fclose(k->r.out);
	fclose(k->r.err);
	sd_file_hook_set(NULL, NULL);
	ctl_remote_set(NULL);
	for (int i = 0; i < k->nfds; i++)
		close(k->fds[i]);
	k->nfds = 0;

	sd_wire_begin(&b, SD_MSG_DONE);
	sd_rec_int(&b, SD_W_EXIT, code);
	sd_rec_int(&b, SD_W_USED, k->used);
	sd_rec_int(&b, SD_W_STATE, SD_REQ_DONE);
	send_frame(k, &b);
	uncork(k);
	sd_buf_free(&b);
}

/* ---------------------------------------------------------------- simdesk */

static int
rpc_send(void *arg, struct sd_buf *frame, int now)
{
	struct conn *k = arg;
	int r = send_frame(k, frame);

	return r == 0 && now ? send_pending(k) : r;
}

/*
 * One call of the operation table from simdesk: its rows and progress as
 * it runs, then its RESULT.  A call that wrote keeps its RESULT under its
 * request id, so a TUI whose connection broke learns what became of it.
 */
static void
call(struct conn *k, struct sd_core **corep, const struct sd_wire_msg *m)
{
	struct sd_buf res = SD_BUF_INIT;
	struct sd_err err, kerr;
	char key[SD_REQ_ID_MAX + 1];
	int op = (int)sd_wire_int(m, SD_W_OP, -1), st, j = 0;

	k->rpc.core = __atomic_load_n(corep, __ATOMIC_ACQUIRE);
	k->rpc.uid = k->uid;
	k->rpc.send = rpc_send;
	k->rpc.send_arg = k;
	k->used = 0;
	for (int i = 0; i < SD_WIRE_FDS; i++)
		k->paths[i] = NULL;
	/* The files it names, as the descriptors that came with it. */
	for (int i = 0; i < m->n && j < k->nfds; i++) {
		const char *f = m->f[i].s;

		if (m->f[i].tag != SD_W_FILE || f == NULL)
			continue;
		if (m->f[i].len >= 2 && f[1] == ':' && (f[0] == 'r' ||
		    f[0] == 'w')) {
			struct stat sb;

			/* Read: a file, not a device or FIFO to hold a
			 * thread on (the hook then refuses the path). */
			if (f[0] == 'w' || (fstat(k->fds[j], &sb) == 0 &&
			    S_ISREG(sb.st_mode))) {
				k->paths[j] = f + 2;
				k->modes[j] = f[0];
			}
		}
		j++;
	}
	sd_file_hook_set(file_hook, k);
	busy_start(k);
	k->cork = 1;	/* a page's rows go with its RESULT */
	/* Signing in writes too (audit, lockout): not under the id. */
	if (op != SD_RPC_SESSION_PEER && op != SD_RPC_SESSION_LOGIN) {
		request_key(k, m, key, sizeof key);
		sd_db_request_begin(key);
	}
	sd_wire_begin(&res, SD_MSG_RESULT);
	st = sd_rpc_call(&k->rpc, m, &res, &err);
	atomic_store(&k->role, k->rpc.signed_in ?
	    k->rpc.sess.user.role : SD_ROLE_NONE);
	sd_rec_int(&res, SD_W_EXIT, st);
	if (st != SD_OK)	/* the English, and the same for a translator */
		sd_wire_err_put(&res, st, &err);
	busy_stop(k);
	if (k->rpc.core != NULL && sd_db_request_wrote())
		(void)sd_db_request_end(k->rpc.core->db, st, 0, res.p + 4,
		    res.len - 4, NULL, 0, &kerr);
	sd_db_request_begin(NULL);
	sd_file_hook_set(NULL, NULL);
	send_frame(k, &res);
	uncork(k);
	explicit_bzero(res.p, res.len);
	sd_buf_free(&res);
}

/* What became of an earlier request: its reply again, or UNKNOWN. */
static void
query(struct conn *k, struct sd_core *core, const struct sd_wire_msg *m)
{
	struct sd_buf b = SD_BUF_INIT, out = SD_BUF_INIT, etext = SD_BUF_INIT;
	char key[SD_REQ_ID_MAX + 1];
	int state, code, commits, st = SD_ENOTFOUND;
	unsigned used = 0;
	struct sd_err err;

	request_key(k, m, key, sizeof key);
	if (core != NULL && key[0] != '\0')
		st = sd_db_request_lookup(core->db, key, &state, &code, &commits,
		    &used, &out, &etext, &err);
	if (st == SD_ENOTFOUND) {
		sd_wire_begin(&b, SD_MSG_UNKNOWN);
		send_frame(k, &b);
	} else if (st != SD_OK) {
		/* Not knowing is not "never committed": say so instead. */
		sd_wire_begin(&b, SD_MSG_REFUSED);
		sd_rec_str(&b, SD_W_TEXT, err.msg);
		send_frame(k, &b);
	} else {
		if (out.len > 0)
			send_text(k, SD_MSG_OUT, out.p, out.len);
		if (etext.len > 0)
			send_text(k, SD_MSG_ERR, etext.p, etext.len);
		sd_wire_begin(&b, SD_MSG_DONE);
		sd_rec_int(&b, SD_W_EXIT, code);
		sd_rec_int(&b, SD_W_STATE, state);
		sd_rec_int(&b, SD_W_USED, used);
		send_frame(k, &b);
	}
	sd_buf_free(&b);
	sd_buf_free(&out);
	sd_buf_free(&etext);
}

static int
welcome(struct conn *k)
{
	struct sd_buf b = SD_BUF_INIT;
	struct sd_err err;
	const struct sd_wire_msg *h = &k->hello;
	int64_t v;
	int r;

	set_rcvtimeo(k, HELLO_SECONDS);
	if (sd_wire_recv_msg(k->fd, &k->frame, 65536, &k->hello, NULL, NULL,
	    0, &err) != SD_OK)
		return -1;
	v = sd_wire_int(h, SD_W_VERSION, -1);
	k->tui = sd_wire_str(h, SD_W_KIND) != NULL &&
	    strcmp(sd_wire_str(h, SD_W_KIND), "tui") == 0;
	if (h->type == SD_MSG_HELLO && v == SD_WIRE_VERSION && k->tui &&
	    (sd_wire_str(h, SD_W_BUILD) == NULL ||
	    strcmp(sd_wire_str(h, SD_W_BUILD), sd_rpc_build()) != 0)) {
		sd_wire_begin(&b, SD_MSG_REFUSED);
		sd_buf_reset(&k->frame);
		sd_buf_printf(&k->frame, "this simdeskd is build %s, simdesk "
		    "build %s: run the simdesk installed with this simdeskd",
		    sd_rpc_build(), sd_wire_str(h, SD_W_BUILD) ?
		    sd_wire_str(h, SD_W_BUILD) : "(none)");
		sd_rec_str(&b, SD_W_TEXT, sd_buf_cstr(&k->frame));
		send_frame(k, &b);
		sd_buf_free(&b);
		return -1;
	}
	if (h->type != SD_MSG_HELLO || v != SD_WIRE_VERSION) {
		sd_wire_begin(&b, SD_MSG_REFUSED);
		sd_buf_reset(&k->frame);
		sd_buf_printf(&k->frame, "this simdeskd %s speaks protocol %d, "
		    "the client %lld: run the simdeskctl and simdesk of version "
		    "%s", SD_VERSION, SD_WIRE_VERSION, (long long)v, SD_VERSION);
		sd_rec_str(&b, SD_W_TEXT, sd_buf_cstr(&k->frame));
		send_frame(k, &b);
		sd_buf_free(&b);
		return -1;
	}
	k->r.uid = k->uid;
	k->r.ttys = (int)sd_wire_int(h, SD_W_TTYS, 0);
	k->r.can_prompt = (int)sd_wire_int(h, SD_W_CANPROMPT, 0);
	k->r.prompt = remote_prompt;
	k->r.arg = k;
	for (int i = 0; i < h->n && k->r.nenv < 8; i++) {
		char *eq;

		if (h->f[i].tag != SD_W_ENV || h->f[i].s == NULL ||
		    (eq = strchr(h->f[i].s, '=')) == NULL)
			continue;
		*(char *)eq = '\0';	/* the arena is ours */
		k->r.env[k->r.nenv].name = h->f[i].s;
		k->r.env[k->r.nenv].value = eq + 1;
		k->r.nenv++;
	}
	sd_wire_begin(&b, SD_MSG_WELCOME);
	sd_rec_int(&b, SD_W_VERSION, SD_WIRE_VERSION);
	sd_rec_int(&b, SD_W_PID, getpid());
	r = send_frame(k, &b);
	sd_buf_free(&b);
	return r;
}

static _Atomic int stopping;
static int stop_fd = -1;	/* an eventfd: rung for good when stopping */
static pthread_once_t stop_once = PTHREAD_ONCE_INIT;

static void
stop_init(void)
{
	stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

void
ctl_serve_stop(void)
{
	pthread_once(&stop_once, stop_init);
	stopping = 1;
	if (stop_fd >= 0 && write(stop_fd, &(uint64_t){ 1 }, sizeof(uint64_t)) <
	    0) {
		/* full: rung already */
	}
}

static int64_t
clock_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Wait for the next frame: 0 when one comes, -1 idle too long or the
 * server stopping.  A TUI's inbox is pushed meanwhile.  Asleep until a
 * frame, the bell, the stop, the user's next reminder or the idle limit
 * (and once a minute, should the wall clock move): no tick.
 */
static int
wait_next(struct conn *k)
{
	int64_t idle_end = clock_ms(CLOCK_MONOTONIC) + IDLE_SECONDS * 1000;

	pthread_once(&stop_once, stop_init);
	while (!stopping && !k->broken) {
		struct pollfd p[3] = { { k->fd, POLLIN, 0 },
		    { k->login[0] ? k->bell : -1, POLLIN, 0 },
		    { stop_fd, POLLIN, 0 } };
		int64_t wait = 60000, left;
		int r;

		/* A signed-in TUI waits for its user as long as it takes. */
		if (k->login[0] == '\0') {
			if ((left = idle_end - clock_ms(CLOCK_MONOTONIC)) <= 0)
				return -1;
			if (left < wait)
				wait = left;
		} else if (k->rem_next != 0) {
			left = k->rem_next * 1000 - clock_ms(CLOCK_REALTIME);
			wait = left < 0 ? 0 : left < wait ? left : wait;
		}
		r = poll(p, 3, (int)wait);
		if (r < 0 && errno != EINTR)
			return -1;
		if (k->login[0] != '\0' && (p[1].revents & POLLIN ||
		    (k->rem_next != 0 && (int64_t)time(NULL) >= k->rem_next)))
			inbox_push(k, (p[1].revents & POLLIN) != 0);
		if (r > 0 && p[0].revents)
			return 0;
	}
	return -1;
}

int
ctl_serve(struct sd_core **corep, const struct sd_config *cfg, int fd,
    uid_t uid)
{
	struct conn *k = xcalloc(1, sizeof *k);
	struct sd_wire_msg m;
	struct sd_err err;

	k->fd = fd;
	k->uid = uid;
	k->peer = sd_unix_name(uid, k->peerbuf, sizeof k->peerbuf);
	k->bell = -1;
	pthread_mutex_init(&k->sendlock, NULL);
	set_timeout(fd, SO_SNDTIMEO, SEND_SECONDS);
	if (welcome(k) != 0)
		goto out;
	busy_join(k);
	while (!k->broken) {
		if (wait_next(k) != 0)
			break;
		set_rcvtimeo(k, IDLE_SECONDS);
		if (sd_wire_recv_msg(fd, &k->frame, SD_WIRE_MAX, &m, k->fds,
		    &k->nfds, SD_WIRE_FDS, &err) != SD_OK)
			break;
		if (m.type == SD_MSG_REQUEST && !k->tui)
			request(k, corep, cfg, &m);
		else if (m.type == SD_MSG_CALL && k->tui) {
			call(k, corep, &m);
			inbox_join(k);
		}
		else if (m.type == SD_MSG_QUERY)
			query(k, __atomic_load_n(corep, __ATOMIC_ACQUIRE), &m);
		else
			k->broken = 1;	/* nothing else comes from a client */
		for (int i = 0; i < k->nfds; i++)
			close(k->fds[i]);
		k->nfds = 0;
		sd_wire_msg_free(&m);
	}
out:
	busy_leave(k);
	inbox_leave(k);
	if (k->bell >= 0)
		close(k->bell);
	explicit_bzero(&k->rpc.sess, sizeof k->rpc.sess);
	sd_tariff_cache_free();
	sd_wire_msg_free(&k->hello);
	explicit_bzero(k->frame.p, k->frame.cap);
	sd_buf_free(&k->frame);
	sd_buf_free(&k->keep_out);
	sd_buf_free(&k->keep_err);
	sd_buf_free(&k->pend);
	pthread_mutex_destroy(&k->sendlock);
	free(k);
	return SD_OK;
}
