/*
 * drivers_int.h -- private to drivers/: the AT engine, transports, the
 * modem simulator and the modem driver that simdeskd's loop runs.
 */
#ifndef SD_DRIVERS_INT_H
#define SD_DRIVERS_INT_H

#include "drivers/drivers.h"

/* ---------------------------------------------------------------- AT engine */

enum at_final_code {
	AT_R_OK, AT_R_ERROR, AT_R_CME, AT_R_CMS, AT_R_NO_CARRIER, AT_R_BUSY,
	AT_R_NO_ANSWER, AT_R_NO_DIALTONE, AT_R_TIMEOUT, AT_R_GONE
};

#define AT_LINE_MAX	1024
#define AT_QUEUE_MAX	32
#define AT_INFO_MAX	24

struct at_result {
	int		  final;	/* AT_R_* */
	int		  code;		/* +CME / +CMS error number */
	int		  ninfo;
	const char	**info;		/* the information lines, in order */
	char		  final_text[64];
	int64_t		  latency_ms;
};

typedef void (*at_done_fn)(void *arg, const struct at_result *r);
/* A URC: the line, and for +CMT/+CDS the PDU line after it. */
typedef void (*at_urc_fn)(void *arg, const char *line, const char *pdu);
typedef void (*at_write_fn)(void *io, const void *p, size_t n);

struct at_cmd {
	char		 cmd[512];
	char		 body[400];	/* sent after the "> " prompt, + ^Z */
	int		 timeout_ms;
	at_done_fn	 done;
	void		*arg;
};

struct at_engine {
	at_write_fn	 write;
	void		*io;
	at_urc_fn	 urc;
	void		*urc_arg;
	char		 lb[AT_LINE_MAX];
	size_t		 lbn;
	char		 pdu_for[AT_LINE_MAX];	/* a +CMT waiting for its PDU */
	struct at_cmd	 q[AT_QUEUE_MAX];
	int		 qhead, qlen;
	int		 busy, prompt_wait, write_blocked;
	int64_t		 deadline, sent_at;
	int		 draining;
	int64_t		 drain_until;
	int		 drain_ms;
	struct sd_buf	 info;
	size_t		 info_off[AT_INFO_MAX];
	int		 ninfo;
	/* counters */
	long		 sent, timeouts, late, stray, garbage, urcs;
};

void	at_engine_init(struct at_engine *e, at_write_fn wr, void *io,
	    at_urc_fn urc, void *urc_arg);
void	at_engine_free(struct at_engine *e);
/* Queue a command ("AT+CSQ", no CR); body for +CMGS.  -1 when full. */
int	at_queue(struct at_engine *e, const char *cmd, const char *body,
	    int timeout_ms, at_done_fn done, void *arg, int64_t now);
/* Bytes from the modem. */
void	at_feed(struct at_engine *e, const char *buf, size_t n, int64_t now);
/* Deadlines and the drain; call when at_next_event's time has come. */
void	at_tick(struct at_engine *e, int64_t now);
/* The next time at_tick has work (ms), or -1. */
int64_t	at_next_event(const struct at_engine *e);
/* The modem is gone: every queued command ends with AT_R_GONE. */
void	at_fail_all(struct at_engine *e, int64_t now);
const char *at_info(const struct at_result *r, const char *prefix);
const char *at_final_name(int final);
int	at_line_final(const char *line, int *code);
int	at_line_urc(const char *line, const char *cmd);

/* ---------------------------------------------------------------- transports */

enum drv_tr_kind { DRV_TR_FD, DRV_TR_SERIAL, DRV_TR_TCP };

struct drv_transport {
	int	 kind;
	int	 fd;
	void	*port;			/* struct sp_port * for serial */
	char	 spec[SD_PATH_MAX];
};

/*
 * Open "fd:N", "tcp:HOST:PORT" or a serial device (libserialport, 8N1 at
 * baud, RTS/CTS when flow is set).  The fd is non-blocking.
 */
int	drv_transport_open(const char *spec, int baud, int flow,
	    struct drv_transport **out, struct sd_err *err);
/* >0 bytes, 0 nothing now, -1 gone (EOF or error). */
long	drv_transport_read(struct drv_transport *t, void *buf, size_t n);
int	drv_transport_write(struct drv_transport *t, const void *p, size_t n);
void	drv_transport_close(struct drv_transport *t);

/* ---------------------------------------------------------------- recording */

/* A call's recording: 8 kHz 16-bit LE PCM in, G.711 A-law WAV out
 * (DATADIR/recordings/<call>.wav; .part until finished). */
struct drv_rec;
int	drv_rec_start(const char *data_dir, uint64_t call, struct drv_rec **out,
	    struct sd_err *err);
void	drv_rec_pcm(struct drv_rec *r, const void *p, size_t n);
/* Close it; its file name (under recordings/) and length.  A call that
 * brought no audio leaves no file (SD_ENOTFOUND). */
int	drv_rec_finish(struct drv_rec *r, char *name, size_t size, long *seconds,
	    struct sd_err *err);

/* ---------------------------------------------------------------- simulator */

struct msim_bank;

/*
 * n virtual modems, each behind a socketpair: drivers talk to msim_fd(i)
 * through the fd transport; msim_service answers them.  Modem i holds
 * two SIMs (slots 0 and 1).  Outside numbers answer after answer_ms;
 * one ending in 0000 is busy, in 9999 never answers.
 */
struct msim_bank *msim_bank_new(int n, unsigned seed);
void	msim_bank_free(struct msim_bank *b);
int	msim_count(const struct msim_bank *b);
/* The driver side's fd of modem i (a new one after it came back). */
int	msim_fd(struct msim_bank *b, int i);
/* The driver side of modem i's voice port (once; -1 after). */
int	msim_audio_fd(struct msim_bank *b, int i);
/* The simulator's own fds, for the caller's poll set. */
int	msim_pollfds(struct msim_bank *b, int *fds, int max);
/* Read what drivers wrote, answer, run timers. */
void	msim_service(struct msim_bank *b, int64_t now_ms);
int64_t	msim_next_event(const struct msim_bank *b);
/* Faults: "echo", "garbage", "drop", "late", "cme10", "vanish",
 * "reset-sms", "swap-sim", "clear".  0, or -1 if unknown. */
int	msim_fault(struct msim_bank *b, int i, const char *kind, int64_t now_ms);
/* An outside number calls modem i; an outside number texts it. */
int	msim_ring(struct msim_bank *b, int i, const char *from, int64_t now_ms);
int	msim_sms_in(struct msim_bank *b, int i, const char *from,
	    const char *text, int64_t now_ms);
/* Identity of modem i's SIM in a slot (for demo data and tests). */
void	msim_sim_ids(int modem, int slot, char *iccid, char *imsi,
	    char *msisdn);
/* The simulator's knob for answer delay (ms). */
void	msim_set_answer_ms(struct msim_bank *b, int ms);
/* Messages sent to outside numbers, in order: "number\ttext". */
int	msim_outbox(const struct msim_bank *b, int k, char *out, size_t size);


#endif
