/*
 * rpc.c -- simdesk's side of the operation table: each rpc_* function
 * has the signature of the core function of the same name and carries it
 * out in simdeskd, which alone opens the database.  One connection, one
 * call at a time.  When the connection breaks, the call waits for the
 * server (telling the screen, which may give up), connects again, signs
 * in again as before, and asks what became of the call by its request
 * id: its stored result, or "never committed" and it is sent once more.
 */
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tui/tui.h"
#include "tui/rpc.h"

#define SILENT_SECONDS	60	/* a server that sends not even BUSY */
#define RPC_INBOX_ALL	(SD_INBOX_TEL | SD_INBOX_REM | SD_INBOX_WORK)

static struct {
	struct ctl_conn		 n;
	struct sd_config	 cfg;
	char			 conf[SD_PATH_MAX];
	int			 up;
	/* how to sign in again */
	int			 how;	/* 0 not yet, 1 peer, 2 password */
	char			 login[64];
	char			 pw[256];
	/* the call being made */
	char			 idbase[17];
	unsigned long		 seq;
	char			 id[40];
	struct sd_buf		 out;
	int			 fds[SD_WIRE_FDS];
	int			 nfds;
	struct sd_wire_msg	 reply;	/* the RESULT */
	struct sd_args		 res;
	rpc_wait_fn		 wait;
	rpc_progress_fn		 progress;
	void			*progress_arg;
	int			 calls;	/* round trips made */
	int			 inbox;	/* SD_INBOX_* pushed, not yet taken */
} R = { .n.fd = -1, .inbox = RPC_INBOX_ALL };

/* Where the rows of a list go. */
struct sink {
	void	(*fn)(const void *p, size_t n, const char *key, void *arg);
	void	*arg;
	long	 seen;		/* rows of this call received so far */
	long	 skip;		/* of a call sent again: already delivered */
};

void
rpc_set_wait(rpc_wait_fn fn)
{
	R.wait = fn;
}

int
rpc_server_pid(void)
{
	return R.up ? (int)R.n.server : 0;
}

static int
connect_once(struct sd_err *err)
{
	if (R.n.fd >= 0)
		close(R.n.fd);
	R.n.fd = -1;
	R.up = 0;
	if (ctl_connect(&R.n, 0, err) != 0)
		return err->status ? err->status : SD_EINTERNAL;
	if (ctl_hello(&R.n, err) != SD_OK) {
		close(R.n.fd);
		R.n.fd = -1;
		return err->status ? err->status : SD_EINTERNAL;
	}
	/* Every later read and write on it is bounded: a server that
	 * sends not even BUSY, or reads nothing, is a broken connection. */
	setsockopt(R.n.fd, SOL_SOCKET, SO_RCVTIMEO,
	    &(struct timeval){ SILENT_SECONDS, 0 }, sizeof(struct timeval));
	setsockopt(R.n.fd, SOL_SOCKET, SO_SNDTIMEO,
	    &(struct timeval){ SILENT_SECONDS, 0 }, sizeof(struct timeval));
	R.up = 1;
	/* Later the screen's hook does the waiting, a second a try. */
	R.n.wait_seconds = 2;
	return SD_OK;
}

int
rpc_open(const struct sd_config *cfg, const char *conf, struct sd_err *err)
{
	unsigned char rnd[8];

	signal(SIGPIPE, SIG_IGN);
	R.cfg = *cfg;
	sd_strlcpy(R.conf, conf != NULL ? conf : "", sizeof R.conf);
	R.n.cfg = &R.cfg;
	R.n.conf = R.conf[0] ? R.conf : NULL;
	R.n.kind = "tui";
	R.n.send_env = 0;
	R.n.wait_seconds = 30;	/* at start: as simdeskctl */
	if (getrandom(rnd, sizeof rnd, 0) != (ssize_t)sizeof rnd)
		for (size_t i = 0; i < sizeof rnd; i++)
			rnd[i] = (unsigned char)(rand() ^ getpid() ^ time(NULL));
	for (size_t i = 0; i < sizeof rnd; i++)
		snprintf(R.idbase + 2 * i, 3, "%02x", rnd[i]);
	return connect_once(err);
}

void
rpc_close(void)
{
	if (R.n.fd >= 0)
		close(R.n.fd);
	R.n.fd = -1;
	R.up = 0;
	explicit_bzero(R.pw, sizeof R.pw);
	sd_wire_msg_free(&R.reply);
	sd_buf_free(&R.out);
	sd_buf_free(&R.n.frame);
}

/* ---------------------------------------------------------------- inbox */

int
rpc_inbox_fd(void)
{
	return R.up ? R.n.fd : -1;
}

/*
 * Between calls the server sends only EVENT (the inbox rang) and BUSY:
 * take what has come.  A closed connection or anything else is a server
 * gone: the next call reconnects, and everything is looked at again.
 */
void
rpc_inbox_read(void)
{
	struct pollfd p = { R.n.fd, POLLIN, 0 };
	struct sd_wire_msg m;
	struct sd_err err;

	while (R.up && poll(&p, 1, 0) == 1) {
		if (!(p.revents & POLLIN) || sd_wire_recv_msg(R.n.fd,
		    &R.n.frame, 65536, &m, NULL, NULL, 0, &err) != SD_OK) {
			close(R.n.fd);
			R.n.fd = -1;
			R.up = 0;
			R.inbox = RPC_INBOX_ALL;
			return;
		}
		if (m.type == SD_MSG_EVENT)
			R.inbox |= (int)sd_wire_int(&m, SD_W_AINT, 0);
		sd_wire_msg_free(&m);
	}
}

int
rpc_inbox_take(void)
{
	int v;

	rpc_inbox_read();
	v = R.inbox;
	R.inbox = 0;
	return v;
}

/* ---------------------------------------------------------------- calls */

/*
 * SIMDESK_RPC_LOG=FILE: a line for every call ("HH:MM:SS.mmm OP"), to see
 * what a terminal asks of the server and when (an idle one asks nothing).
 */
static void
log_call(int op)
{
#define OP_NAME(n) #n,
	static const char *const names[] = { SD_RPC_OPS(OP_NAME) };
#undef OP_NAME
	static FILE *f;
	static int tried;
	struct timespec ts;
	struct tm tm;

	if (!tried) {
		const char *p = getenv("SIMDESK_RPC_LOG");

		tried = 1;
		if (p != NULL && *p != '\0' && (f = fopen(p, "ae")) != NULL)
			setvbuf(f, NULL, _IOLBF, 0);
	}
	if (f == NULL)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	fprintf(f, "%02d:%02d:%02d.%03ld %s\n", tm.tm_hour, tm.tm_min,
	    tm.tm_sec, ts.tv_nsec / 1000000, op >= 0 && op < SD_RPC__COUNT ?
	    names[op] : "?");
}

static void
begin(int op)
{
	log_call(op);
	R.seq++;
	snprintf(R.id, sizeof R.id, "t%s.%lu", R.idbase, R.seq);
	sd_wire_begin(&R.out, SD_MSG_CALL);
	sd_rec_str(&R.out, SD_W_ID, R.id);
	sd_rec_int(&R.out, SD_W_OP, op);
	R.nfds = 0;
}

/* A file the call names: opened here, with this user's own rights. */
static int
attach_file(const char *path, char mode, struct sd_err *err)
{
	struct sd_buf f = SD_BUF_INIT;
	int fd;

	if (R.nfds >= SD_WIRE_FDS)
		return sd_err_set(err, SD_EINVAL, "%s: too many files", path);
	fd = open(path, mode == 'r' ? O_RDONLY | O_CLOEXEC :
	    O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return sd_err_set(err, errno == ENOENT ? SD_ENOTFOUND :
		    SD_EINVAL, "%s: %s", path, strerror(errno));
	sd_buf_printf(&f, "%c:%s", mode, path);
	sd_rec_bytes(&R.out, SD_W_FILE, f.p, f.len);
	sd_buf_free(&f);
	R.fds[R.nfds++] = fd;
	return SD_OK;
}

static void
drop_files(void)
{
	for (int i = 0; i < R.nfds; i++)
		close(R.fds[i]);
	R.nfds = 0;
}

static int
send_call(struct sd_err *err)
{
	struct sd_buf b = SD_BUF_INIT;
	int st;

	/* R.out stays as it is for a resend: send a copy. */
	sd_buf_add(&b, R.out.p, R.out.len);
	sd_wire_finish(&b);
	for (int i = 0; i < R.nfds; i++)	/* a resend reads from the top */
		(void)lseek(R.fds[i], 0, SEEK_SET);
	st = sd_wire_send(R.n.fd, &b, R.fds, R.nfds, err);
	explicit_bzero(b.p, b.len);
	sd_buf_free(&b);
	return st;
}

static void
rows_of(const struct sd_wire_msg *m, struct sink *sk)
{
	struct sd_args a;

	sd_args_init(&a, m);
	while (sd_args_more(&a)) {
		size_t n;
		const void *p = sd_args_rawp(&a, &n);
		const char *key = NULL;

		if (p == NULL)
			return;
		if (sd_args_more(&a) && a.m->f[a.i].tag != SD_W_ARAW)
			key = sd_args_str(&a);
		if (sk != NULL && sk->seen++ >= sk->skip)
			sk->fn(p, n, key, sk->arg);
	}
}

/*
 * The frames of one call until its RESULT (kept in R.reply).  0, or -1
 * when the connection broke (or the server went silent).
 */
static int
replies(struct sink *sk)
{
	struct sd_err err;
	struct sd_wire_msg m;

	for (;;) {
		if (sd_wire_recv_msg(R.n.fd, &R.n.frame, 64u << 20, &m, NULL,
		    NULL, 0, &err) != SD_OK)
			return -1;
		switch (m.type) {
		case SD_MSG_BUSY:
			break;
		case SD_MSG_EVENT:	/* pushed just before the call came */
			R.inbox |= (int)sd_wire_int(&m, SD_W_AINT, 0);
			break;
		case SD_MSG_ROWS:
			rows_of(&m, sk);
			break;
		case SD_MSG_PROGRESS:
			if (R.progress != NULL) {
				struct sd_args a;
				long done, total;

				sd_args_init(&a, &m);
				done = (long)sd_args_int(&a);
				total = (long)sd_args_int(&a);
				R.progress(done, total, R.progress_arg);
			}
			break;
		case SD_MSG_RESULT:
			sd_wire_msg_free(&R.reply);
			R.reply = m;
			return 0;
		default:
			sd_wire_msg_free(&m);
			return -1;
		}
		sd_wire_msg_free(&m);
	}
}

static int
sign_in_again(struct sd_err *err)
{
	struct sd_buf save = R.out;
	char id[sizeof R.id];
	unsigned long seq = R.seq;
	int fds[SD_WIRE_FDS], nfds = R.nfds, st = SD_OK;

	memcpy(id, R.id, sizeof id);
	memcpy(fds, R.fds, sizeof fds);
	memset(&R.out, 0, sizeof R.out);
	if (R.how == 1) {
		begin(SD_RPC_SESSION_PEER);
	} else if (R.how == 2) {
		begin(SD_RPC_SESSION_LOGIN);
		sd_arg_str(&R.out, R.login);
		sd_arg_str(&R.out, R.pw);
	}
	if (R.how != 0) {
		if (send_call(err) != SD_OK || replies(NULL) != 0)
			st = sd_err_set(err, SD_EINTERNAL, "simdeskd: the "
			    "connection broke while signing in again");
		else if ((st = (int)sd_wire_int(&R.reply, SD_W_EXIT, -1)) !=
		    SD_OK)
			sd_wire_err_get(&R.reply, st, err);
		explicit_bzero(R.out.p, R.out.len);
		sd_buf_free(&R.out);
	}
	R.out = save;
	R.seq = seq;
	memcpy(R.id, id, sizeof id);
	memcpy(R.fds, fds, sizeof fds);
	R.nfds = nfds;
	return st;
}

/*
 * Back to a server that answers, signed in as before; the screen is told
 * while it waits and may give up (SD_EINTERNAL then).
 */
static int
reconnect(int *tries, struct sd_err *err)
{
	for (;; (*tries)++) {
		/* The hook waits a second between tries (the count goes on
		 * over one call's reconnects); without one, one try. */
		if (R.wait != NULL ? R.wait(*tries) != 0 : *tries > 0)
			return sd_err_set(err, SD_EINTERNAL, "simdeskd is not "
			    "answering for %s", R.cfg.data_dir);
		if (connect_once(err) == SD_OK && sign_in_again(err) == SD_OK) {
			(*tries)++;
			/* What was pushed while away is not known: look. */
			R.inbox = RPC_INBOX_ALL;
			return SD_OK;
		}
		if (R.up && err->status == SD_EPERM)
			return err->status;	/* its user was disabled */
	}
}

/* What became of the call: 0 its RESULT is in R.reply, 1 never
 * committed, -1 the connection broke again. */
static int
query(struct sd_err *err)
{
	struct sd_buf b = SD_BUF_INIT, text = SD_BUF_INIT;
	struct sd_wire_msg m;
	int r = -1;

	sd_wire_begin(&b, SD_MSG_QUERY);
	sd_rec_str(&b, SD_W_ID, R.id);
	sd_wire_finish(&b);
	if (sd_wire_send(R.n.fd, &b, NULL, 0, err) != SD_OK)
		goto out;
	for (;;) {
		int type;

		if (sd_wire_recv_msg(R.n.fd, &R.n.frame, 64u << 20, &m, NULL,
		    NULL, 0, err) != SD_OK)
			goto out;
		type = m.type;
		if (type == SD_MSG_OUT && sd_wire_get(&m, SD_W_TEXT, 0)) {
			const struct sd_wire_field *f = sd_wire_get(&m,
			    SD_W_TEXT, 0);

			sd_buf_add(&text, f->s, f->len);
		} else if (type == SD_MSG_UNKNOWN) {
			r = 1;
		} else if (type == SD_MSG_DONE &&
		    sd_wire_int(&m, SD_W_STATE, 0) == SD_REQ_DONE &&
		    text.len > 0) {
			sd_wire_msg_free(&R.reply);
			r = sd_wire_decode(text.p, text.len, &R.reply, err) ==
			    SD_OK ? 0 : 2;
		} else if (type == SD_MSG_DONE || type == SD_MSG_REFUSED) {
			/* It committed and its result was not kept, or the
			 * server cannot say: either way, unknown. */
			r = 2;
		} else if (type != SD_MSG_BUSY && type != SD_MSG_EVENT) {
			r = -1;
		}
		sd_wire_msg_free(&m);
		if (type != SD_MSG_OUT && type != SD_MSG_BUSY &&
		    type != SD_MSG_EVENT)
			break;
	}
out:
	sd_buf_free(&b);
	sd_buf_free(&text);
	return r;
}

/*
 * Make the call begun with begin(): rows to sk, the results positioned in
 * R.res.  The call's status, with err set.
 */
static int
run(struct sink *sk, struct sd_err *err)
{
	int st, r, tries = 0;

	sd_err_clear(err);
	R.calls++;
	if (!R.up && reconnect(&tries, err) != SD_OK)
		goto fail;
	r = send_call(err) == SD_OK ? replies(sk) : -1;
	while (r != 0) {
		/* It broke: once back, ask what became of the call. */
		if (reconnect(&tries, err) != SD_OK)
			goto fail;
		if ((r = query(err)) < 0)
			continue;
		if (r == 2) {
			st = sd_err_set(err, SD_EINTERNAL, "the connection to "
			    "simdeskd broke after this was done and before its "
			    "result came: check it before doing it again");
			goto done;
		}
		if (r == 1) {	/* never committed: again, the same id */
			if (sk != NULL) {	/* what any try delivered */
				if (sk->seen > sk->skip)
					sk->skip = sk->seen;
				sk->seen = 0;
			}
			r = send_call(err) == SD_OK ? replies(sk) : -1;
		}
	}
	st = (int)sd_wire_int(&R.reply, SD_W_EXIT, SD_EINTERNAL);
	if (st != SD_OK)	/* its English, and its formats for the screen */
		sd_wire_err_get(&R.reply, st, err);
	sd_args_init(&R.res, &R.reply);
done:
	drop_files();
	explicit_bzero(R.out.p, R.out.len);
	return st;
fail:
	drop_files();
	explicit_bzero(R.out.p, R.out.len);
	return err->status ? err->status : SD_EINTERNAL;
}

static int
malformed(struct sd_err *err)
{
	return sd_err_set(err, SD_EINTERNAL, "simdeskd: malformed reply");
}

static int
res_raw(void *out, size_t n, struct sd_err *err)
{
	if (sd_args_raw(&R.res, out, n) != 0)
		return malformed(err);
	return SD_OK;
}

static int
res_u64(uint64_t *out, struct sd_err *err)
{
	int64_t v = sd_args_int(&R.res);

	if (R.res.bad)
		return malformed(err);
	if (out != NULL)
		*out = (uint64_t)v;
	return SD_OK;
}

/* The usual tail: the status, then one struct or one id. */
#define RUN(sk)		do { int st_ = run((sk), err);			\
			     if (st_ != SD_OK) return st_; } while (0)

/* ---------------------------------------------------------------- sinks */

/* Rows of a callback list: each copied (aligned) and given to cb. */
#define LIST_SINK(name, type, cbtype)					\
	struct name##_arg { cbtype cb; void *arg; int stop; };		\
	static void name(const void *p, size_t n, const char *key,	\
	    void *a)							\
	{								\
		struct name##_arg *x = a;				\
		struct type *row;					\
									\
		(void)key;						\
		if (x->stop || n != sizeof *row)			\
			return;						\
		row = xmalloc(sizeof *row);				\
		memcpy(row, p, n);					\
		if (x->cb(row, x->arg) != 0)				\
			x->stop = 1;					\
		free(row);						\
	}
LIST_SINK(sink_note, sd_note, sd_note_cb)
LIST_SINK(sink_rem, sd_reminder, sd_rem_cb)
LIST_SINK(sink_ticket, sd_ticket, sd_ticket_cb)
LIST_SINK(sink_agent, sd_agent, sd_agent_cb)
LIST_SINK(sink_sub, sd_subscription, sd_sub_cb)
LIST_SINK(sink_order, sd_order, sd_order_cb)
LIST_SINK(sink_diff, sd_stocktake_diff, sd_stocktake_cb)
LIST_SINK(sink_tariff, sd_tariff, sd_tariff_cb)
LIST_SINK(sink_rate, sd_rate, sd_rate_cb)
LIST_SINK(sink_bill, sd_bill, sd_bill_cb)
LIST_SINK(sink_call, sd_call, sd_call_cb)
LIST_SINK(sink_modem, sd_modem, sd_modem_cb)
LIST_SINK(sink_presence, sd_presence, sd_presence_cb)
LIST_SINK(sink_receipt, sd_receipt, sd_receipt_cb)
LIST_SINK(sink_plan, sd_plan, sd_plan_cb)
LIST_SINK(sink_vas, sd_vas, sd_vas_cb)
LIST_SINK(sink_stmt, sd_stmt, sd_stmt_cb)
LIST_SINK(sink_comm, sd_comm, sd_comm_cb)
LIST_SINK(sink_aging, sd_aging, sd_aging_cb)
LIST_SINK(sink_report, sd_report_row, sd_report_cb)
LIST_SINK(sink_scheme, sd_scheme, sd_scheme_cb)
LIST_SINK(sink_scheme_summary, sd_scheme_summary, sd_scheme_summary_cb)

#define LIST_CALL(sinkfn, cbv, argv)					\
	do {								\
		struct sinkfn##_arg x_ = { (cbv), (argv), 0 };		\
		struct sink sk_ = { sinkfn, &x_, 0, 0 };		\
		return run(&sk_, err);					\
	} while (0)

/* A page: rows into the caller's array, their anchors beside. */
struct page {
	void		*rows;
	size_t		 size;
	char		(*keys)[SD_PAGEKEY_MAX];
	int		 max;
	int		 n;
};

static void
sink_page(const void *p, size_t n, const char *key, void *arg)
{
	struct page *pg = arg;

	if (pg->n >= pg->max || n != pg->size)
		return;
	memcpy((char *)pg->rows + (size_t)pg->n * pg->size, p, n);
	if (pg->keys != NULL)
		sd_strlcpy(pg->keys[pg->n], key != NULL ? key : "",
		    SD_PAGEKEY_MAX);
	pg->n++;
}

static int
page_call(void *rows, size_t size, char (*keys)[SD_PAGEKEY_MAX], int max,
    int *n, struct sd_err *err)
{
	struct page pg = { rows, size, keys, max, 0 };
	struct sink sk = { sink_page, &pg, 0, 0 };

	sd_arg_int(&R.out, max);
	RUN(&sk);
	*n = pg.n;
	return SD_OK;
}

/* ---------------------------------------------------------------- sign-in */

int
rpc_session_peer(struct sd_session *s, struct sd_err *err)
{
	begin(SD_RPC_SESSION_PEER);
	RUN(NULL);
	if (res_raw(s, sizeof *s, err) != SD_OK)
		return err->status;
	s->core = NULL;
	R.how = 1;
	return SD_OK;
}

int
rpc_session_login(const char *login, const char *password,
    struct sd_session *s, struct sd_err *err)
{
	begin(SD_RPC_SESSION_LOGIN);
	sd_arg_str(&R.out, login);
	sd_arg_str(&R.out, password);
	RUN(NULL);
	if (res_raw(s, sizeof *s, err) != SD_OK)
		return err->status;
	s->core = NULL;
	/* To sign in again by itself after a server restart. */
	R.how = 2;
	sd_strlcpy(R.login, s->user.login, sizeof R.login);
	sd_strlcpy(R.pw, password, sizeof R.pw);
	return SD_OK;
}

int
rpc_authorize(struct sd_session *s, int op, const char *object,
    struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_AUTHORIZE);
	sd_arg_int(&R.out, op);
	sd_arg_str(&R.out, object);
	return run(NULL, err);
}

/* ---------------------------------------------------------------- customers */

int
rpc_customer_get(struct sd_session *s, uint64_t id, struct sd_customer *out,
    struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_CUSTOMER_GET);
	sd_arg_int(&R.out, (int64_t)id);
	RUN(NULL);
	return res_raw(out, sizeof *out, err);
}

int
rpc_customer_find(struct sd_session *s, const char *key,
    struct sd_customer *out, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_CUSTOMER_FIND);
	sd_arg_str(&R.out, key);
	RUN(NULL);
	return res_raw(out, sizeof *out, err);
}

int
rpc_customer_add(struct sd_session *s, const struct sd_cust_fields *f,
    uint64_t *id, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_CUSTOMER_ADD);
	sd_arg_cust_fields(&R.out, f);
	RUN(NULL);
	return res_u64(id, err);
}

int
rpc_customer_transfer(struct sd_session *s, const char *from, const char *to,
    int *moved, struct sd_err *err)
{
	uint64_t n = 0;
	int st;

	(void)s;
	begin(SD_RPC_CUSTOMER_TRANSFER);
	sd_arg_str(&R.out, from);
	sd_arg_str(&R.out, to);
	RUN(NULL);
	st = res_u64(&n, err);
	*moved = (int)n;
	return st;
}

int
rpc_customer_move(struct sd_session *s, const char *from, const char *to,
    uint64_t id, struct sd_err *err)
{
	uint64_t n = 0;

	(void)s;
	begin(SD_RPC_CUSTOMER_TRANSFER);
	sd_arg_str(&R.out, from);
	sd_arg_str(&R.out, to);
	sd_arg_int(&R.out, (int64_t)id);
	RUN(NULL);
	return res_u64(&n, err);
}

int
rpc_customer_update(struct sd_session *s, uint64_t id,
    const struct sd_cust_fields *f, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_CUSTOMER_UPDATE);
	sd_arg_int(&R.out, (int64_t)id);
	sd_arg_cust_fields(&R.out, f);
	return run(NULL, err);
}

int
rpc_customer_claim(struct sd_session *s, uint64_t id, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_CUSTOMER_CLAIM);
	sd_arg_int(&R.out, (int64_t)id);
	return run(NULL, err);
}

int
rpc_customer_check_svc_password(struct sd_session *s, uint64_t id,
    const char *password, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_CUSTOMER_CHECK_SVC_PASSWORD);
	sd_arg_int(&R.out, (int64_t)id);
	sd_arg_str(&R.out, password);
	return run(NULL, err);
}

int
rpc_customer_page(struct sd_session *s, enum sd_cust_by by, const char *key,
    const char *anchor, int dir, struct sd_customer *rows,
    char (*page_keys)[SD_PAGEKEY_MAX], int max, int *n, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_CUSTOMER_PAGE);
	sd_arg_int(&R.out, by);
	sd_arg_str(&R.out, key);
	sd_arg_str(&R.out, anchor);
	sd_arg_int(&R.out, dir);
	return page_call(rows, sizeof *rows, page_keys, max, n, err);
}

void
rpc_set_progress(rpc_progress_fn fn, void *arg)
{
	R.progress = fn;
	R.progress_arg = arg;
}

int
rpc_customer_import(struct sd_session *s, const char *file,
    const struct sd_table *t, const struct sd_import_opts *o,
    struct sd_import_result *r, struct sd_err *err)
{
	int st;

	(void)s;
	(void)t;	/* the server reads the file itself, as read here */
	begin(SD_RPC_CUSTOMER_IMPORT);
	sd_arg_str(&R.out, file);
	sd_arg_str(&R.out, o->map);
	sd_arg_str(&R.out, o->owner);
	sd_arg_str(&R.out, o->rejects);
	if (attach_file(file, 'r', err) != SD_OK ||
	    (o->rejects != NULL && attach_file(o->rejects, 'w', err) !=
	    SD_OK)) {
		drop_files();
		return err->status;
	}
	rpc_set_progress(o->progress, o->progress_arg);
	st = run(NULL, err);
	rpc_set_progress(NULL, NULL);
	memset(r, 0, sizeof *r);
	if (sd_args_more(&R.res))
		(void)sd_args_raw(&R.res, r, sizeof *r);
	return st;
}

int
rpc_cdr_import(struct sd_session *s, const char *file, int format,
    const char *rejects, rpc_progress_fn progress, void *progress_arg,
    struct sd_import_result *r, struct sd_err *err)
{
	int st;

	(void)s;
	begin(SD_RPC_CDR_IMPORT);
	sd_arg_str(&R.out, file);
	sd_arg_int(&R.out, format);
	sd_arg_str(&R.out, rejects);
	if (attach_file(file, 'r', err) != SD_OK ||
	    (rejects != NULL && attach_file(rejects, 'w', err) != SD_OK)) {
		drop_files();
		return err->status;
	}
	rpc_set_progress(progress, progress_arg);
	st = run(NULL, err);
	rpc_set_progress(NULL, NULL);
	memset(r, 0, sizeof *r);
	if (sd_args_more(&R.res))
		(void)sd_args_raw(&R.res, r, sizeof *r);
	return st;
}

/* ---------------------------------------------------------------- notes, tickets */

int
rpc_note_add(struct sd_session *s, uint64_t customer, const char *text,
    const char *outcome, int64_t next_at, uint64_t *id, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_NOTE_ADD);
	sd_arg_int(&R.out, (int64_t)customer);
	sd_arg_str(&R.out, text);
	sd_arg_str(&R.out, outcome);
	sd_arg_int(&R.out, next_at);
	RUN(NULL);
	return res_u64(id, err);
}

int
rpc_note_list(struct sd_session *s, uint64_t customer, sd_note_cb cb,
    void *arg, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_NOTE_LIST);
	sd_arg_int(&R.out, (int64_t)customer);
	LIST_CALL(sink_note, cb, arg);
}

int
rpc_reminder_due(struct sd_session *s, const char *owner, int64_t until,
    int team, sd_rem_cb cb, void *arg, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_REMINDER_DUE);
	sd_arg_str(&R.out, owner);
	sd_arg_int(&R.out, until);
	sd_arg_int(&R.out, team);
	LIST_CALL(sink_rem, cb, arg);
}

int
rpc_reminder_seen(struct sd_session *s, uint64_t id, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_REMINDER_SEEN);
	sd_arg_int(&R.out, (int64_t)id);
	return run(NULL, err);
}

int
rpc_ticket_list(struct sd_session *s, const struct sd_ticket_filter *f,
    sd_ticket_cb cb, void *arg, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_TICKET_LIST);
	sd_arg_str(&R.out, f->handler);
	sd_arg_int(&R.out, (int64_t)f->customer);
	sd_arg_int(&R.out, f->status);
	sd_arg_int(&R.out, f->overdue);
	LIST_CALL(sink_ticket, cb, arg);
}

int
rpc_ticket_add(struct sd_session *s, uint64_t customer, int type,
    const char *text, uint64_t *id, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_TICKET_ADD);
	sd_arg_int(&R.out, (int64_t)customer);
	sd_arg_int(&R.out, type);
	sd_arg_str(&R.out, text);
	RUN(NULL);
	return res_u64(id, err);
}

int
rpc_ticket_update(struct sd_session *s, uint64_t id, const char *text,
    struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_TICKET_UPDATE);
	sd_arg_int(&R.out, (int64_t)id);
	sd_arg_str(&R.out, text);
	return run(NULL, err);
}

int
rpc_ticket_assign(struct sd_session *s, uint64_t id, const char *handler,
    struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_TICKET_ASSIGN);
	sd_arg_int(&R.out, (int64_t)id);
	sd_arg_str(&R.out, handler);
	return run(NULL, err);
}

int
rpc_ticket_close(struct sd_session *s, uint64_t id, const char *resolution,
    int score, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_TICKET_CLOSE);
	sd_arg_int(&R.out, (int64_t)id);
	sd_arg_str(&R.out, resolution);
	sd_arg_int(&R.out, score);
	return run(NULL, err);
}

/* ---------------------------------------------------------------- users */

int
rpc_user_get(struct sd_session *s, const char *login, struct sd_user *out,
    struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_USER_GET);
	sd_arg_str(&R.out, login);
	RUN(NULL);
	return res_raw(out, sizeof *out, err);
}

int
rpc_user_page(struct sd_session *s, const struct sd_user_filter *f,
    const char *anchor, int dir, struct sd_user *rows, int max, int *n,
    struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_USER_PAGE);
	sd_arg_str(&R.out, f->prefix);
	sd_arg_int(&R.out, f->role);
	sd_arg_str(&R.out, f->team);
	sd_arg_str(&R.out, f->match);
	sd_arg_str(&R.out, anchor);
	sd_arg_int(&R.out, dir);
	return page_call(rows, sizeof *rows, NULL, max, n, err);
}

int
rpc_user_add(struct sd_session *s, const char *login,
    const struct sd_user_fields *f, const char *password, uint64_t *id,
    struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_USER_ADD);
	sd_arg_str(&R.out, login);
	sd_arg_user_fields(&R.out, f);
	sd_arg_str(&R.out, password);
	RUN(NULL);
	return res_u64(id, err);
}

int
rpc_user_update(struct sd_session *s, const char *login,
    const struct sd_user_fields *f, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_USER_UPDATE);
	sd_arg_str(&R.out, login);
	sd_arg_user_fields(&R.out, f);
	return run(NULL, err);
}

int
rpc_user_set_status(struct sd_session *s, const char *login, int status,
    struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_USER_SET_STATUS);
	sd_arg_str(&R.out, login);
	sd_arg_int(&R.out, status);
	return run(NULL, err);
}

int
rpc_user_unlock(struct sd_session *s, const char *login, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_USER_UNLOCK);
	sd_arg_str(&R.out, login);
	return run(NULL, err);
}

int
rpc_user_passwd(struct sd_session *s, const char *login,
    const char *old_password, const char *new_password, struct sd_err *err)
{
	int st;

	(void)s;
	begin(SD_RPC_USER_PASSWD);
	sd_arg_str(&R.out, login);
	sd_arg_str(&R.out, old_password);
	sd_arg_str(&R.out, new_password);
	st = run(NULL, err);
	/* Signing in again after a restart takes the new one. */
	if (st == SD_OK && R.how == 2 && strcmp(login, R.login) == 0)
		sd_strlcpy(R.pw, new_password, sizeof R.pw);
	return st;
}

int
rpc_user_may_passwd(struct sd_session *s, const char *login, int *need_old,
    struct sd_err *err)
{
	int64_t v;

	(void)s;
	begin(SD_RPC_USER_MAY_PASSWD);
	sd_arg_str(&R.out, login);
	RUN(NULL);
	v = sd_args_int(&R.res);
	if (R.res.bad)
		return malformed(err);
	*need_old = (int)v;
	return SD_OK;
}

/* ---------------------------------------------------------------- stock, agents */

int
rpc_sim_find(struct sd_session *s, const char *key, struct sd_sim *out,
    struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_SIM_FIND);
	sd_arg_str(&R.out, key);
	RUN(NULL);
	return res_raw(out, sizeof *out, err);
}

int
rpc_sim_page(struct sd_session *s, const struct sd_sim_filter *f,
    const char *anchor, int dir, struct sd_sim *rows,
    char (*page_keys)[SD_PAGEKEY_MAX], int max, int *n, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_SIM_PAGE);
	sd_arg_sim_filter(&R.out, f);
	sd_arg_str(&R.out, anchor);
	sd_arg_int(&R.out, dir);
	return page_call(rows, sizeof *rows, page_keys, max, n, err);
}

int
rpc_sim_activate(struct sd_session *s, const struct sd_activation *a,
    uint64_t *id, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_SIM_ACTIVATE);
	sd_arg_activation(&R.out, a);
	RUN(NULL);
	return res_u64(id, err);
}

int
rpc_sim_counts(struct sd_session *s, const struct sd_sim_filter *f,
    long counts[SD_SIM__COUNT], struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_SIM_COUNTS);
	sd_arg_sim_filter(&R.out, f);
	RUN(NULL);
	return res_raw(counts, sizeof(long) * SD_SIM__COUNT, err);
}

int
rpc_sim_import(struct sd_session *s, const char *file,
    const struct sd_table *t, const char *rejects,
    struct sd_import_result *r, struct sd_err *err)
{
	int st;

	(void)s;
	(void)t;
	begin(SD_RPC_SIM_IMPORT);
	sd_arg_str(&R.out, file);
	sd_arg_str(&R.out, rejects);
	if (attach_file(file, 'r', err) != SD_OK || (rejects != NULL &&
	    attach_file(rejects, 'w', err) != SD_OK)) {
		drop_files();
		return err->status;
	}
	st = run(NULL, err);
	memset(r, 0, sizeof *r);
	if (sd_args_more(&R.res))
		(void)sd_args_raw(&R.res, r, sizeof *r);
	return st;
}

int
rpc_sim_stocktake(struct sd_session *s, const char *warehouse,
    char (*iccids)[SD_ICCID_MAX + 1], const int *lines, int n, int apply,
    const char *reason, sd_stocktake_cb cb, void *arg,
    struct sd_stocktake_result *r, struct sd_err *err)
{
	struct sink_diff_arg x = { cb, arg, 0 };
	struct sink sk = { sink_diff, &x, 0, 0 };

	(void)s;
	begin(SD_RPC_SIM_STOCKTAKE);
	sd_arg_str(&R.out, warehouse);
	sd_arg_raw(&R.out, iccids, (size_t)n * 21);
	sd_arg_raw(&R.out, lines, (size_t)n * sizeof *lines);
	sd_arg_int(&R.out, n);
	sd_arg_int(&R.out, apply);
	sd_arg_str(&R.out, reason);
	if (cb == NULL)
		sk.fn = NULL;
	RUN(cb != NULL ? &sk : NULL);
	return res_raw(r, sizeof *r, err);
}

int
rpc_agent_tree(struct sd_session *s, const char *root, sd_agent_cb cb,
    void *arg, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_AGENT_TREE);
	sd_arg_str(&R.out, root);
	LIST_CALL(sink_agent, cb, arg);
}

int
rpc_agent_stats(struct sd_session *s, const char *code,
    struct sd_agent_stats *out, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_AGENT_STATS);
	sd_arg_str(&R.out, code);
	RUN(NULL);
	return res_raw(out, sizeof *out, err);
}

int
rpc_agent_set_status(struct sd_session *s, const char *code, int status,
    struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_AGENT_SET_STATUS);
	sd_arg_str(&R.out, code);
	sd_arg_int(&R.out, status);
	return run(NULL, err);
}

int
rpc_agent_add(struct sd_session *s, const char *code,
    const struct sd_agent_fields *f, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_AGENT_ADD);
	sd_arg_str(&R.out, code);
	sd_arg_agent_fields(&R.out, f);
	return run(NULL, err);
}

int
rpc_plan_list(struct sd_session *s, sd_plan_cb cb, void *arg,
    struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_PLAN_LIST);
	LIST_CALL(sink_plan, cb, arg);
}

int
rpc_plan_add(struct sd_session *s, const char *code,
    const struct sd_plan_fields *f, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_PLAN_ADD);
	sd_arg_str(&R.out, code);
	sd_arg_plan_fields(&R.out, f);
	return run(NULL, err);
}

int
rpc_vas_list(struct sd_session *s, sd_vas_cb cb, void *arg,
    struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_VAS_LIST);
	LIST_CALL(sink_vas, cb, arg);
}

int
rpc_vas_add(struct sd_session *s, const char *code, const char *name,
    const char *monthly_fee, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_VAS_ADD);
	sd_arg_str(&R.out, code);
	sd_arg_str(&R.out, name);
	sd_arg_str(&R.out, monthly_fee);
	return run(NULL, err);
}

int
rpc_subscription_list(struct sd_session *s, uint64_t customer, sd_sub_cb cb,
    void *arg, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_SUBSCRIPTION_LIST);
	sd_arg_int(&R.out, (int64_t)customer);
	LIST_CALL(sink_sub, cb, arg);
}

int
rpc_order_add(struct sd_session *s, const char *agent, const char *plan,
    int count, const char *const *iccids, int nids, uint64_t *id,
    struct sd_err *err)
{
	(void)s;
	if (nids > SD_WIRE_FIELDS - 16)
		return sd_err_set(err, SD_EINVAL, "iccids: at most %d in one "
		    "order", SD_WIRE_FIELDS - 16);
	begin(SD_RPC_ORDER_ADD);
	sd_arg_str(&R.out, agent);
	sd_arg_str(&R.out, plan);
	sd_arg_int(&R.out, count);
	sd_arg_int(&R.out, nids);
	for (int i = 0; i < nids; i++)
		sd_arg_str(&R.out, iccids[i]);
	RUN(NULL);
	return res_u64(id, err);
}

int
rpc_order_list(struct sd_session *s, int status, sd_order_cb cb, void *arg,
    struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_ORDER_LIST);
	sd_arg_int(&R.out, status);
	LIST_CALL(sink_order, cb, arg);
}

static int
id_call(int op, uint64_t id, struct sd_err *err)
{
	begin(op);
	sd_arg_int(&R.out, (int64_t)id);
	return run(NULL, err);
}

static int
id_str_call(int op, uint64_t id, const char *str, struct sd_err *err)
{
	begin(op);
	sd_arg_int(&R.out, (int64_t)id);
	sd_arg_str(&R.out, str);
	return run(NULL, err);
}

int
rpc_order_approve(struct sd_session *s, uint64_t id, struct sd_err *err)
{
	(void)s;
	return id_call(SD_RPC_ORDER_APPROVE, id, err);
}

int
rpc_order_deliver(struct sd_session *s, uint64_t id, struct sd_err *err)
{
	(void)s;
	return id_call(SD_RPC_ORDER_DELIVER, id, err);
}

int
rpc_order_ship(struct sd_session *s, uint64_t id, const char *carrier,
    const char *tracking, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_ORDER_SHIP);
	sd_arg_int(&R.out, (int64_t)id);
	sd_arg_str(&R.out, carrier);
	sd_arg_str(&R.out, tracking);
	return run(NULL, err);
}

int
rpc_order_end(struct sd_session *s, uint64_t id, int status,
    const char *reason, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_ORDER_END);
	sd_arg_int(&R.out, (int64_t)id);
	sd_arg_int(&R.out, status);
	sd_arg_str(&R.out, reason);
	return run(NULL, err);
}

/* ---------------------------------------------------------------- tariffs, billing */

int
rpc_tariff_list(struct sd_session *s, sd_tariff_cb cb, void *arg,
    struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_TARIFF_LIST);
	LIST_CALL(sink_tariff, cb, arg);
}

int
rpc_tariff_rates(struct sd_session *s, const char *code, sd_rate_cb cb,
    void *arg, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_TARIFF_RATES);
	sd_arg_str(&R.out, code);
	LIST_CALL(sink_rate, cb, arg);
}

int
rpc_tariff_rate(struct sd_session *s, const char *code, const char *prefix,
    const struct sd_rate_fields *f, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_TARIFF_RATE);
	sd_arg_str(&R.out, code);
	sd_arg_str(&R.out, prefix);
	sd_arg_rate_fields(&R.out, f);
	return run(NULL, err);
}

int
rpc_tariff_quote(struct sd_session *s, const char *code, const char *number,
    int seconds, int64_t at, int plan_minutes, struct sd_quote *out,
    struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_TARIFF_QUOTE);
	sd_arg_str(&R.out, code);
	sd_arg_str(&R.out, number);
	sd_arg_int(&R.out, seconds);
	sd_arg_int(&R.out, at);
	sd_arg_int(&R.out, plan_minutes);
	RUN(NULL);
	return res_raw(out, sizeof *out, err);
}

int
rpc_cdr_page(struct sd_session *s, const char *msisdn, int month,
    const char *anchor, int dir, struct sd_cdr *rows,
    char (*page_keys)[SD_PAGEKEY_MAX], int max, int *n, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_CDR_PAGE);
	sd_arg_str(&R.out, msisdn);
	sd_arg_int(&R.out, month);
	sd_arg_str(&R.out, anchor);
	sd_arg_int(&R.out, dir);
	return page_call(rows, sizeof *rows, page_keys, max, n, err);
}

int
rpc_bill_page(struct sd_session *s, int month, const char *customer,
    const char *anchor, int dir, struct sd_bill *rows,
    char (*page_keys)[SD_PAGEKEY_MAX], int max, int *n, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_BILL_PAGE);
	sd_arg_int(&R.out, month);
	sd_arg_str(&R.out, customer);
	sd_arg_str(&R.out, anchor);
	sd_arg_int(&R.out, dir);
	return page_call(rows, sizeof *rows, page_keys, max, n, err);
}

int
rpc_audit_page(struct sd_session *s, const struct sd_audit_filter *f,
    const char *anchor, int dir, struct sd_audit *rows,
    char (*page_keys)[SD_PAGEKEY_MAX], int max, int *n, char *resume,
    struct sd_err *err)
{
	const char *r;
	int st;

	(void)s;
	resume[0] = '\0';
	begin(SD_RPC_AUDIT_PAGE);
	sd_arg_int(&R.out, f->since);
	sd_arg_int(&R.out, f->until);
	sd_arg_str(&R.out, f->user);
	sd_arg_str(&R.out, f->object);
	sd_arg_str(&R.out, f->op);
	sd_arg_str(&R.out, anchor);
	sd_arg_int(&R.out, dir);
	if ((st = page_call(rows, sizeof *rows, page_keys, max, n, err)) !=
	    SD_OK)
		return st;
	(void)sd_args_int(&R.res);		/* the count: rows came */
	r = sd_args_opt(&R.res);
	if (R.res.bad || r == NULL)
		return malformed(err);
	sd_strlcpy(resume, r, SD_PAGEKEY_MAX);
	return SD_OK;
}

int
rpc_audit_get(struct sd_session *s, const char *page_key,
    struct sd_audit *out, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_AUDIT_GET);
	sd_arg_str(&R.out, page_key);
	RUN(NULL);
	return res_raw(out, sizeof *out, err);
}

int
rpc_bill_get(struct sd_session *s, const char *customer, int month,
    struct sd_bill *out, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_BILL_GET);
	sd_arg_str(&R.out, customer);
	sd_arg_int(&R.out, month);
	RUN(NULL);
	return res_raw(out, sizeof *out, err);
}

int
rpc_bill_history(struct sd_session *s, const char *customer, sd_bill_cb cb,
    void *arg, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_BILL_HISTORY);
	sd_arg_str(&R.out, customer);
	LIST_CALL(sink_bill, cb, arg);
}

/* progress (NULL: none) hears the customers billed so far; total 0. */
int
rpc_bill_run(struct sd_session *s, int month, rpc_progress_fn progress,
    void *arg, struct sd_bill_run_result *r, struct sd_err *err)
{
	int st;

	(void)s;
	begin(SD_RPC_BILL_RUN);
	sd_arg_int(&R.out, month);
	rpc_set_progress(progress, arg);
	st = run(NULL, err);
	rpc_set_progress(NULL, NULL);
	if (st != SD_OK)
		return st;
	return res_raw(r, sizeof *r, err);
}

int
rpc_bill_adjust(struct sd_session *s, const char *customer, int month,
    const char *amount, const char *reason, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_BILL_ADJUST);
	sd_arg_str(&R.out, customer);
	sd_arg_int(&R.out, month);
	sd_arg_str(&R.out, amount);
	sd_arg_str(&R.out, reason);
	return run(NULL, err);
}

int
rpc_balance_get(struct sd_session *s, const char *customer,
    struct sd_balance *out, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_BALANCE_GET);
	sd_arg_str(&R.out, customer);
	RUN(NULL);
	return res_raw(out, sizeof *out, err);
}

int
rpc_login_note(char *out, size_t size, struct sd_err *err)
{
	char note[sizeof ((struct sd_config *)0)->login_note];

	begin(SD_RPC_LOGIN_NOTE);
	RUN(NULL);
	if (res_raw(note, sizeof note, err) != SD_OK)
		return err->status;
	note[sizeof note - 1] = '\0';
	sd_strlcpy(out, note, size);
	return SD_OK;
}

int
rpc_disk_get(struct sd_session *s, struct sd_disk *out, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_DISK_GET);
	RUN(NULL);
	return res_raw(out, sizeof *out, err);
}

int
rpc_status_get(struct sd_session *s, struct sd_server_status *out,
    struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_STATUS_GET);
	RUN(NULL);
	return res_raw(out, sizeof *out, err);
}

int
rpc_pay(struct sd_session *s, const char *customer, const char *amount,
    const char *method, const char *note, struct sd_receipt *out,
    struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_PAY);
	sd_arg_str(&R.out, customer);
	sd_arg_str(&R.out, amount);
	sd_arg_str(&R.out, method);
	sd_arg_str(&R.out, note);
	RUN(NULL);
	return res_raw(out, sizeof *out, err);
}

static int
receipt_copy(struct sd_receipt *out, int *copy, struct sd_err *err)
{
	int64_t v;

	if (res_raw(out, sizeof *out, err) != SD_OK)
		return err->status;
	v = sd_args_int(&R.res);
	if (R.res.bad)
		return malformed(err);
	if (copy != NULL)
		*copy = (int)v;
	return SD_OK;
}

int
rpc_receipt_printed(struct sd_session *s, const char *number,
    struct sd_receipt *out, int *copy, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_RECEIPT_PRINTED);
	sd_arg_str(&R.out, number);
	RUN(NULL);
	return receipt_copy(out, copy, err);
}

int
rpc_print_queue(struct sd_session *s, const char *printer,
    const char *number, int cols, struct sd_receipt *out, int *copy,
    struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_PRINT_QUEUE);
	sd_arg_str(&R.out, printer);
	sd_arg_str(&R.out, number);
	sd_arg_int(&R.out, cols);
	RUN(NULL);
	return receipt_copy(out, copy, err);
}

int
rpc_shift_close(struct sd_session *s, const char *counted,
    struct sd_shift *out, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_SHIFT_CLOSE);
	sd_arg_str(&R.out, counted);
	RUN(NULL);
	return res_raw(out, sizeof *out, err);
}

int
rpc_receipt_list(struct sd_session *s, const char *cashier, int64_t from,
    int64_t to, sd_receipt_cb cb, void *arg, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_RECEIPT_LIST);
	sd_arg_str(&R.out, cashier);
	sd_arg_int(&R.out, from);
	sd_arg_int(&R.out, to);
	LIST_CALL(sink_receipt, cb, arg);
}

int
rpc_receipt_void(struct sd_session *s, const char *number,
    const char *reason, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_RECEIPT_VOID);
	sd_arg_str(&R.out, number);
	sd_arg_str(&R.out, reason);
	return run(NULL, err);
}

struct verify_sink {
	sd_verify_cb	 cb;
	void		*arg;
};

static void
sink_verify(const void *p, size_t n, const char *key, void *a)
{
	struct verify_sink *x = a;
	struct sd_verify_row v;

	(void)key;
	if (n != sizeof v)
		return;
	memcpy(&v, p, n);
	x->cb(v.check, v.ok, v.detail, x->arg);
}

int
rpc_verify(struct sd_session *s, sd_verify_cb cb, void *arg,
    struct sd_err *err)
{
	struct verify_sink x = { cb, arg };
	struct sink sk = { sink_verify, &x, 0, 0 };
	int st;

	(void)s;
	begin(SD_RPC_VERIFY);
	if ((st = run(&sk, err)) != SD_OK)
		return -1;
	return (int)sd_args_int(&R.res);
}

int
rpc_shift_report(struct sd_session *s, struct sd_shift *out,
    struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_SHIFT_REPORT);
	RUN(NULL);
	return res_raw(out, sizeof *out, err);
}

/* ---------------------------------------------------------------- telephony */

int
rpc_call_get(struct sd_session *s, uint64_t id, struct sd_call *out,
    struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_CALL_GET);
	sd_arg_int(&R.out, (int64_t)id);
	RUN(NULL);
	return res_raw(out, sizeof *out, err);
}

int
rpc_call_list(struct sd_session *s, const struct sd_call_filter *f,
    sd_call_cb cb, void *arg, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_CALL_LIST);
	sd_arg_str(&R.out, f->operator);
	sd_arg_int(&R.out, f->from);
	sd_arg_int(&R.out, f->to);
	sd_arg_int(&R.out, (int64_t)f->customer);
	sd_arg_int(&R.out, f->missed);
	LIST_CALL(sink_call, cb, arg);
}

int
rpc_call_dial(struct sd_session *s, const char *number, const char *modem,
    const char *as, uint64_t *id, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_CALL_DIAL);
	sd_arg_str(&R.out, number);
	sd_arg_str(&R.out, modem);
	sd_arg_str(&R.out, as);
	RUN(NULL);
	return res_u64(id, err);
}

int
rpc_call_answer(struct sd_session *s, uint64_t id, struct sd_err *err)
{
	(void)s;
	return id_call(SD_RPC_CALL_ANSWER, id, err);
}

int
rpc_call_hangup(struct sd_session *s, uint64_t id, struct sd_err *err)
{
	(void)s;
	return id_call(SD_RPC_CALL_HANGUP, id, err);
}

int
rpc_call_dtmf(struct sd_session *s, uint64_t id, const char *digits,
    struct sd_err *err)
{
	(void)s;
	return id_str_call(SD_RPC_CALL_DTMF, id, digits, err);
}

int
rpc_call_set_outcome(struct sd_session *s, uint64_t id, const char *outcome,
    struct sd_err *err)
{
	(void)s;
	return id_str_call(SD_RPC_CALL_SET_OUTCOME, id, outcome, err);
}

int
rpc_modem_list(struct sd_session *s, sd_modem_cb cb, void *arg,
    struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_MODEM_LIST);
	LIST_CALL(sink_modem, cb, arg);
}

int
rpc_modem_switch(struct sd_session *s, const char *modem, int slot,
    uint64_t *job, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_MODEM_SWITCH);
	sd_arg_str(&R.out, modem);
	sd_arg_int(&R.out, slot);
	RUN(NULL);
	return res_u64(job, err);
}

int
rpc_presence_beat(struct sd_session *s, int paused, const char *reason,
    struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_PRESENCE_BEAT);
	sd_arg_int(&R.out, paused);
	sd_arg_str(&R.out, reason);
	return run(NULL, err);
}

int
rpc_presence_list(struct sd_session *s, sd_presence_cb cb, void *arg,
    struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_PRESENCE_LIST);
	LIST_CALL(sink_presence, cb, arg);
}

int
rpc_tel_events(struct sd_session *s, struct sd_tel_event *out, int max,
    int *n, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_TEL_EVENTS);
	return page_call(out, sizeof *out, NULL, max, n, err);
}

/* ---------------------------------------------------------------- agent money */

int
rpc_stmt_list(struct sd_session *s, const char *agent, int month, int state,
    sd_stmt_cb cb, void *arg, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_STMT_LIST);
	sd_arg_str(&R.out, agent);
	sd_arg_int(&R.out, month);
	sd_arg_int(&R.out, state);
	LIST_CALL(sink_stmt, cb, arg);
}

int
rpc_stmt_approve(struct sd_session *s, uint64_t id, struct sd_err *err)
{
	(void)s;
	return id_call(SD_RPC_STMT_APPROVE, id, err);
}

int
rpc_stmt_pay(struct sd_session *s, uint64_t id, const char *method,
    const char *ref, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_STMT_PAY);
	sd_arg_int(&R.out, (int64_t)id);
	sd_arg_str(&R.out, method);
	sd_arg_str(&R.out, ref);
	return run(NULL, err);
}

int
rpc_comm_list(struct sd_session *s, const struct sd_comm_filter *f,
    sd_comm_cb cb, void *arg, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_COMM_LIST);
	sd_arg_str(&R.out, f->agent);
	sd_arg_int(&R.out, f->month);
	sd_arg_int(&R.out, f->state);
	sd_arg_int(&R.out, (int64_t)f->stmt);
	LIST_CALL(sink_comm, cb, arg);
}

int
rpc_agent_aging(struct sd_session *s, const char *agent, sd_aging_cb cb,
    void *arg, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_AGENT_AGING);
	sd_arg_str(&R.out, agent);
	LIST_CALL(sink_aging, cb, arg);
}

/* ---------------------------------------------------------------- reports */

static int
report_call(int op, const struct sd_report_query *q,
    struct sd_report_head *head, sd_report_cb cb, void *arg,
    struct sd_err *err)
{
	struct sink_report_arg x = { cb, arg, 0 };
	struct sink sk = { sink_report, &x, 0, 0 };
	struct sd_report_head h;
	int st;

	begin(op);
	sd_arg_str(&R.out, q->period);
	sd_arg_str(&R.out, q->from);
	sd_arg_str(&R.out, q->to);
	sd_arg_str(&R.out, q->by);
	sd_arg_str(&R.out, q->team);
	sd_arg_str(&R.out, q->agent);
	sd_arg_int(&R.out, q->compare);
	if ((st = run(&sk, err)) != SD_OK || (st = res_raw(&h, sizeof h,
	    err)) != SD_OK)
		return st;
	if (head != NULL)
		*head = h;
	return SD_OK;
}

int
rpc_report_calls(struct sd_session *s, const struct sd_report_query *q,
    struct sd_report_head *head, sd_report_cb cb, void *arg,
    struct sd_err *err)
{
	(void)s;
	return report_call(SD_RPC_REPORT_CALLS, q, head, cb, arg, err);
}

int
rpc_report_sales(struct sd_session *s, const struct sd_report_query *q,
    struct sd_report_head *head, sd_report_cb cb, void *arg,
    struct sd_err *err)
{
	(void)s;
	return report_call(SD_RPC_REPORT_SALES, q, head, cb, arg, err);
}

/* ---------------------------------------------------------------- schemes */

/* A new version's number, as the RESULT carries it. */
static int
res_version(int *version, struct sd_err *err)
{
	uint64_t v = 0;
	int st;

	if ((st = res_u64(&v, err)) == SD_OK && version != NULL)
		*version = (int)v;
	return st;
}

int
rpc_scheme_summary(struct sd_session *s, sd_scheme_summary_cb cb, void *arg,
    struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_SCHEME_SUMMARY);
	LIST_CALL(sink_scheme_summary, cb, arg);
}

int
rpc_scheme_list(struct sd_session *s, const char *code, sd_scheme_cb cb,
    void *arg, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_SCHEME_LIST);
	sd_arg_str(&R.out, code);
	LIST_CALL(sink_scheme, cb, arg);
}

int
rpc_scheme_add(struct sd_session *s, const char *code,
    const struct sd_scheme_fields *f, int *version, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_SCHEME_ADD);
	sd_arg_str(&R.out, code);
	sd_arg_str(&R.out, f->name);
	sd_arg_str(&R.out, f->from);
	sd_arg_str(&R.out, f->frozen_days);
	sd_arg_str(&R.out, f->protect_days);
	sd_arg_str(&R.out, f->overrides);
	RUN(NULL);
	return res_version(version, err);
}

int
rpc_scheme_bounty(struct sd_session *s, const char *code, const char *plan,
    const char *amount, const char *share, const char *months,
    const char *from, int *version, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_SCHEME_BOUNTY);
	sd_arg_str(&R.out, code);
	sd_arg_str(&R.out, plan);
	sd_arg_str(&R.out, amount);
	sd_arg_str(&R.out, share);
	sd_arg_str(&R.out, months);
	sd_arg_str(&R.out, from);
	RUN(NULL);
	return res_version(version, err);
}

int
rpc_scheme_tier(struct sd_session *s, const char *code, const char *from_nth,
    const char *amount, const char *from, int *version, struct sd_err *err)
{
	(void)s;
	begin(SD_RPC_SCHEME_TIER);
	sd_arg_str(&R.out, code);
	sd_arg_str(&R.out, from_nth);
	sd_arg_str(&R.out, amount);
	sd_arg_str(&R.out, from);
	RUN(NULL);
	return res_version(version, err);
}
