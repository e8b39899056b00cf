/*
 * core/rpc/rpc.h -- the wire between simdeskd and its clients, and the operation
 * table the server dispatches.
 */
#ifndef SD_RPC_H
#define SD_RPC_H

#include "core/ops/ops.h"

/* ---------------------------------------------------------------- wire */

/*
 * Frames between simdeskd and its clients (core/rpc/wire.c): a 4-byte
 * big-endian length, then one sd_rec record whose tag SD_W_TYPE is the
 * message type.  SD_WIRE_VERSION changes whenever a message changes.
 */
#define SD_WIRE_VERSION	3
#define SD_WIRE_MAX	(1u << 20)	/* largest frame a server reads */
#define SD_WIRE_FIELDS	256
#define SD_WIRE_FDS	8
#define SD_WIRE_BUSY_SECONDS	5	/* BUSY this often while a request runs */

enum sd_wire_type {
	SD_MSG_HELLO = 1,	/* c->s: version, pid, ttys, env, kind */
	SD_MSG_WELCOME,		/* s->c: version, server pid */
	SD_MSG_REQUEST,		/* c->s: id, args, json, files (+ fds) */
	SD_MSG_QUERY,		/* c->s: id: what became of it? */
	SD_MSG_OUT,		/* s->c: standard output bytes */
	SD_MSG_ERR,		/* s->c: standard error bytes */
	SD_MSG_PROMPT,		/* s->c: question, secret */
	SD_MSG_ANSWER,		/* c->s: text, or none: no answer */
	SD_MSG_DONE,		/* s->c: exit, files used */
	SD_MSG_UNKNOWN,		/* s->c: no such request committed */
	SD_MSG_REFUSED,		/* s->c: text: the connection is refused */
	SD_MSG_BUSY,		/* s->c: still at it (every few seconds) */
	/* simdesk (the TUI): calls of the operation table, sd_rpc below */
	SD_MSG_CALL,		/* c->s: id, op, arguments (+ fds) */
	SD_MSG_ROWS,		/* s->c: rows of a list the call returns */
	SD_MSG_PROGRESS,	/* s->c: done, total of a long call */
	SD_MSG_RESULT,		/* s->c: status, error (sd_wire_err_put), results */
	SD_MSG_EVENT		/* s->c: a TUI's inbox rang: SD_INBOX_* (a push) */
};

enum sd_wire_tag {
	SD_W_TYPE = 1,
	SD_W_VERSION,
	SD_W_ID,		/* the client's request id */
	SD_W_ARG,		/* repeated: NOUN [VERB] ARGS... */
	SD_W_JSON,
	SD_W_ENV,		/* repeated: NAME=VALUE */
	SD_W_TTYS,		/* bit n: the client's fd n is a terminal */
	SD_W_CANPROMPT,
	SD_W_FILE,		/* repeated: "r:PATH" / "w:PATH", fds in order */
	SD_W_TEXT,
	SD_W_SECRET,
	SD_W_EXIT,
	SD_W_STATE,		/* DONE of a QUERY: 1 done, 2 reply lost */
	SD_W_USED,		/* bit n: file n was opened */
	SD_W_PID,
	SD_W_KIND,
	SD_W_NONE,		/* ANSWER: the person gave none */
	SD_W_OP,		/* CALL: the operation */
	SD_W_BUILD,		/* HELLO of a TUI: its build (sd_rpc_build) */
	/* positional arguments and results of a CALL / RESULT / ROWS */
	SD_W_AINT,
	SD_W_ASTR,
	SD_W_ANULL,		/* a NULL string */
	SD_W_ARAW,		/* a fixed-layout struct of the same build */
	/* an error for a translator, after its TEXT: per level, its format,
	 * its arguments and the argument the next level stands for */
	SD_W_EFMT,
	SD_W_EARG,		/* repeated */
	SD_W_ENEST
};

struct sd_wire_field {
	int		 tag;
	int64_t		 ival;
	const char	*s;		/* bytes field, NUL-terminated; or NULL */
	size_t		 len;
};

struct sd_wire_msg {
	int			type;
	int			n;
	struct sd_wire_field	f[SD_WIRE_FIELDS];
	char			*arena;
};

void	sd_wire_begin(struct sd_buf *b, int type);
/* Patch the length in: b is then ready to send. */
void	sd_wire_finish(struct sd_buf *b);
/* Decode one frame's record (after the length); m owns copies. */
int	sd_wire_decode(const void *data, size_t len, struct sd_wire_msg *m,
	    struct sd_err *err);
void	sd_wire_msg_free(struct sd_wire_msg *m);
/* The nth field with tag, or NULL. */
const struct sd_wire_field *sd_wire_get(const struct sd_wire_msg *m, int tag,
	    int nth);
const char *sd_wire_str(const struct sd_wire_msg *m, int tag);
int64_t	sd_wire_int(const struct sd_wire_msg *m, int tag, int64_t dflt);
/* Send a finished frame, with descriptors on its first byte. */
int	sd_wire_send(int fd, const struct sd_buf *frame, const int *fds,
	    int nfds, struct sd_err *err);
/*
 * Read one frame of at most max bytes into frame, and the descriptors
 * that came with it (at most maxfds; more are closed).  SD_ENOTFOUND:
 * the peer closed between frames; SD_EINVAL: over the limit, truncated;
 * SD_EINTERNAL: a socket error or timeout.
 */
int	sd_wire_recv(int fd, struct sd_buf *frame, size_t max, int *fds,
	    int *nfds, int maxfds, struct sd_err *err);
/* sd_wire_recv and sd_wire_decode. */
int	sd_wire_recv_msg(int fd, struct sd_buf *frame, size_t max,
	    struct sd_wire_msg *m, int *fds, int *nfds, int maxfds,
	    struct sd_err *err);
/*
 * An error into a frame: its TEXT (err's msg, or status's name when
 * empty), then its levels for a translator when they render.  _get reads
 * them back into err with the status and returns it: the text always, the
 * levels only when every field is where, what and as long as it must be
 * and each level's format fits its arguments (else none: the English).
 */
void	sd_wire_err_put(struct sd_buf *b, int status, const struct sd_err *err);
int	sd_wire_err_get(const struct sd_wire_msg *m, int status,
	    struct sd_err *err);

/* ---------------------------------------------------------------- rpc */

/*
 * The operation table simdesk (the TUI) calls through simdeskd
 * (core/rpc/rpc.c): a CALL names one of these and carries the function's
 * arguments positionally; the RESULT carries its status, error and
 * results.  Structs travel as their bytes, so a TUI speaks only to a
 * server of its own build (sd_rpc_build, checked at hello).
 */
#define SD_RPC_OPS(X)							\
	X(SESSION_PEER) X(SESSION_LOGIN) X(AUTHORIZE)			\
	X(CUSTOMER_GET) X(CUSTOMER_FIND) X(CUSTOMER_ADD)		\
	X(CUSTOMER_UPDATE) X(CUSTOMER_CLAIM)				\
	X(CUSTOMER_CHECK_SVC_PASSWORD) X(CUSTOMER_PAGE)			\
	X(CUSTOMER_IMPORT) X(NOTE_ADD) X(NOTE_LIST) X(REMINDER_DUE)	\
	X(REMINDER_SEEN) X(TICKET_LIST) X(TICKET_ADD) X(TICKET_UPDATE)	\
	X(TICKET_CLOSE) X(USER_GET) X(USER_PAGE) X(USER_ADD)		\
	X(USER_UPDATE) X(USER_SET_STATUS) X(USER_UNLOCK) X(USER_PASSWD)	\
	X(USER_MAY_PASSWD) X(SIM_FIND) X(SIM_PAGE) X(SIM_ACTIVATE)	\
	X(SIM_COUNTS) X(SIM_IMPORT) X(SIM_STOCKTAKE) X(AGENT_TREE)	\
	X(AGENT_STATS) X(AGENT_SET_STATUS) X(SUBSCRIPTION_LIST)		\
	X(ORDER_ADD) X(ORDER_LIST) X(ORDER_APPROVE) X(ORDER_DELIVER)	\
	X(ORDER_SHIP) X(ORDER_END) X(TARIFF_LIST) X(TARIFF_RATES)	\
	X(TARIFF_RATE) X(TARIFF_QUOTE) X(CDR_PAGE) X(BILL_PAGE)		\
	X(BILL_GET) X(BILL_HISTORY) X(BALANCE_GET) X(PAY)		\
	X(RECEIPT_PRINTED) X(PRINT_QUEUE) X(SHIFT_CLOSE) X(CALL_GET)	\
	X(CALL_LIST) X(CALL_DIAL) X(CALL_ANSWER) X(CALL_HANGUP)		\
	X(CALL_DTMF) X(CALL_SET_OUTCOME) X(MODEM_LIST) X(MODEM_SWITCH)	\
	X(PRESENCE_BEAT) X(PRESENCE_LIST) X(TEL_EVENTS) X(DISK_GET)	\
	X(LOGIN_NOTE) X(SHIFT_REPORT) X(VERIFY) X(RECEIPT_LIST)		\
	X(RECEIPT_VOID) X(TICKET_ASSIGN) X(CUSTOMER_TRANSFER)		\
	X(CDR_IMPORT) X(BILL_RUN) X(BILL_ADJUST)				\
	X(PLAN_LIST) X(PLAN_ADD) X(VAS_LIST) X(VAS_ADD) X(AGENT_ADD)		\
	X(AUDIT_PAGE) X(AUDIT_GET)					\
	X(BACKUP_CREATE) X(BACKUP_LIST) X(BACKUP_VERIFY) X(STATUS_GET)	\
	X(STMT_LIST) X(STMT_APPROVE) X(STMT_PAY) X(COMM_LIST) X(AGENT_AGING) \
	X(REPORT_CALLS) X(REPORT_SALES)					\
	X(SCHEME_SUMMARY) X(SCHEME_LIST) X(SCHEME_ADD) X(SCHEME_BOUNTY)	\
	X(SCHEME_TIER)

enum sd_rpc_op {
#define SD_RPC_ENUM(n) SD_RPC_##n,
	SD_RPC_OPS(SD_RPC_ENUM)
#undef SD_RPC_ENUM
	SD_RPC__COUNT
};

/* This build's identity: the version and a checksum of its headers. */
const char *sd_rpc_build(void);

/* Positional fields: writers, and a reader over a decoded message. */
void	sd_arg_int(struct sd_buf *b, int64_t v);
void	sd_arg_str(struct sd_buf *b, const char *s);	/* NULL kept */
void	sd_arg_raw(struct sd_buf *b, const void *p, size_t n);
struct sd_args {
	const struct sd_wire_msg *m;
	int			 i;
	int			 bad;	/* a field missing or of another kind */
};
void	sd_args_init(struct sd_args *a, const struct sd_wire_msg *m);
int	sd_args_more(struct sd_args *a);
int64_t	sd_args_int(struct sd_args *a);
/* A string; NULL (ANULL) makes the call malformed.  _opt: NULL kept. */
const char *sd_args_str(struct sd_args *a);
const char *sd_args_opt(struct sd_args *a);
const void *sd_args_rawp(struct sd_args *a, size_t *n);
/* Copy a struct of exactly n bytes; -1 (and bad) otherwise. */
int	sd_args_raw(struct sd_args *a, void *out, size_t n);
/* The input structs with pointers, field by field. */
void	sd_arg_user_fields(struct sd_buf *b, const struct sd_user_fields *f);
void	sd_arg_cust_fields(struct sd_buf *b, const struct sd_cust_fields *f);
void	sd_arg_sim_filter(struct sd_buf *b, const struct sd_sim_filter *f);
void	sd_arg_activation(struct sd_buf *b, const struct sd_activation *f);
void	sd_arg_rate_fields(struct sd_buf *b, const struct sd_rate_fields *f);
void	sd_arg_plan_fields(struct sd_buf *b, const struct sd_plan_fields *f);
void	sd_arg_agent_fields(struct sd_buf *b,
	    const struct sd_agent_fields *f);

/* The server's side of one simdesk connection. */
struct sd_rpc_srv {
	struct sd_core		*core;
	uid_t			 uid;		/* the peer's (SO_PEERCRED) */
	struct sd_session	 sess;
	int			 signed_in;
	/* Finish and send one frame (ROWS, PROGRESS); 0 or -1.  now:
	 * on its way at once (progress), else it may go with the next. */
	int			(*send)(void *arg, struct sd_buf *frame, int now);
	void			*send_arg;
};
/*
 * Carry out one CALL: ROWS and PROGRESS frames go out through c->send
 * as it runs; the results are appended to res (a RESULT frame begun by
 * the caller).  The status; err says why.
 */
int	sd_rpc_call(struct sd_rpc_srv *c, const struct sd_wire_msg *m,
	    struct sd_buf *res, struct sd_err *err);

#endif
