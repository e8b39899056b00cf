/*
 * drivers.h -- the hardware layer's public interface: transports, the AT
 * engine, modem and SIM-bank drivers, the printer, and simdeskd's timed
 * jobs.  Today it holds the daemon's housekeeping and the receipt
 * printer; modems arrive with the telephony work.
 */
#ifndef SD_DRIVERS_H
#define SD_DRIVERS_H

#include "core/core.h"

/* ---------------------------------------------------------------- server */

typedef void (*drv_log_fn)(int prio, const char *fmt, ...);
struct drv_server;

/*
 * Listen on the configured socket (sd_config_socket) and serve every
 * client from a thread of its own.  core NULL: the data directory has no
 * database yet and only init is served.
 */
int	drv_server_open(struct sd_core *core, const struct sd_config *cfg,
	    drv_log_fn log, struct drv_server **out, struct sd_err *err);
int	drv_server_clients(struct drv_server *s);
/* The database the server serves: the one init made, or NULL. */
struct sd_core *drv_server_core(struct drv_server *s);
void	drv_server_close(struct drv_server *s);

/* Run one round of housekeeping: failchk, and a checkpoint when due. */
int	drv_housekeeping(struct sd_core *core, int checkpoint, struct sd_err *err);
/* Return customers without a follow-up for pool_days to the pool. */
int	drv_sweep(struct sd_core *core, int *moved, struct sd_err *err);

/* ESC/POS bytes of a UTF-8 receipt text: init, Chinese mode, GB18030,
 * feed, cut. */
int	drv_escpos_receipt(const char *text, struct sd_buf *out,
	    struct sd_err *err);
/* Write bytes to a printer's port (or a file). */
int	drv_escpos_write(const char *path, const struct sd_buf *bytes,
	    struct sd_err *err);


/* ---------------------------------------------------------------- modems */

struct drv_tel;
struct pollfd;

/*
 * The modems of specs ("PATH,tcp:H:P,sim:N"; NULL: the config's
 * telephony.modems), each driven from the shared environment's jobs.
 */
int	drv_tel_open(struct sd_core *core, const char *specs,
	    void (*log)(int prio, const char *fmt, ...), struct drv_tel **out,
	    struct sd_err *err);
void	drv_tel_close(struct drv_tel *d);
/* The fds to poll, and the next time drv_tel_run has work (ms). */
int	drv_tel_pollfds(struct drv_tel *d, struct pollfd *p, int max);
int64_t	drv_tel_next(struct drv_tel *d);
/* Serial ports the system has (sp_list_ports); names are allocated. */
int	drv_serial_list(char ***names, int *n, struct sd_err *err);
void	drv_serial_list_free(char **names, int n);
/* Monotonic milliseconds. */
int64_t	drv_now_ms(void);
/* Read, answer, time out, take jobs, report state.  Jobs are taken when
 * a committed transaction queued one (the db's notify hook rings
 * drv_tel_pollfds' eventfd), not by looking at the queue on a timer. */
void	drv_tel_run(struct drv_tel *d, int64_t now);
/* Receipts to print: once at the start, then after each print job
 * committed (the notify hook); clears what it says. */
int	drv_tel_print_due(struct drv_tel *d);

/* ---------------------------------------------------------------- SMS PDUs */

enum drv_sms_type { DRV_SMS_DELIVER, DRV_SMS_SUBMIT, DRV_SMS_STATUS };
enum drv_sms_enc { DRV_ENC_GSM7, DRV_ENC_8BIT, DRV_ENC_UCS2 };

#define DRV_SMS_UNITS	160		/* UTF-16 units of one part */
#define DRV_CONCAT_PARTS 16
#define DRV_CONCAT_UNITS (DRV_CONCAT_PARTS * DRV_SMS_UNITS)
#define DRV_SMS_TEXT	(DRV_CONCAT_UNITS * 3 + 1)

/* One decoded message (or, after drv_concat_add, a reassembled one). */
struct drv_sms {
	int	 type;
	char	 smsc[24];
	char	 addr[48];		/* sender (deliver), else recipient */
	int64_t	 timestamp;		/* UTC; deliver and status report */
	int	 tz_minutes;		/* the SMSC's zone */
	int64_t	 discharge;		/* status report */
	int	 status;		/* status report TP-ST */
	int	 mr;			/* message reference */
	int	 srr;			/* status report requested */
	int	 pid, dcs, enc, klass;	/* klass -1: none */
	int	 concat_ref, concat_part, concat_total, concat_16bit;
	int	 concat_received;	/* parts that arrived (reassembled) */
	int	 truncated;		/* user data shorter than its length */
	int	 port_src, port_dst;	/* -1: none */
	uint16_t units[DRV_SMS_UNITS];	/* the text of this part */
	int	 nunits;
	uint8_t	 data[140];		/* 8-bit user data */
	int	 ndata;
	uint16_t long_units[DRV_CONCAT_UNITS];	/* reassembled */
	int	 nlong;
	char	 text[DRV_SMS_TEXT];	/* UTF-8 (8-bit data as hex) */
};

/* Decode one PDU in hex, SMSC first (+CMGR, +CMT, sms decode). */
int	drv_pdu_decode(const char *hex, struct drv_sms *out, struct sd_err *err);
const char *drv_sms_enc_name(int enc);
const char *drv_sms_type_name(int type);
void	drv_sms_time_format(int64_t utc, int tzmin, char *out, size_t size);
int	drv_hex_decode(const char *hex, size_t len, struct sd_buf *out,
	    struct sd_err *err);
/* UTF-16 units as UTF-8; a lone surrogate becomes U+FFFD. */
void	drv_units_to_utf8(const uint16_t *u, int n, struct sd_buf *out);

/* One SMS-SUBMIT part: hex with a "00" SMSC, and its AT+CMGS length. */
struct drv_pdu_out {
	char	hex[2 * 180 + 3];
	int	tpdu_len;
};

/*
 * Encode text (UTF-8) to number as SUBMIT PDUs: GSM 7-bit when every
 * character is in the default alphabet or its extension, else UCS2;
 * over one part, concatenated with 8-bit reference ref (153 septets or
 * 67 units a part; an escape or a surrogate pair is never split).
 */
int	drv_pdu_submit(const char *utf8, const char *number, int ref, int srr,
	    struct drv_pdu_out *out, int max, int *nparts, struct sd_err *err);

/* The DELIVER a recipient gets for a SUBMIT (the simulator's network). */
int	drv_pdu_deliver(const char *submit_hex, const char *sender, int64_t when,
	    struct sd_buf *out, struct sd_err *err);

/* Reassembly of concatenated messages, with a timeout for missing parts. */
#define DRV_CONCAT_MAX 8
struct drv_concat_msg {
	int		 used;
	int		 ref, total, got;
	int64_t		 started;
	unsigned char	 have[DRV_CONCAT_PARTS];
	struct {
		uint16_t units[DRV_SMS_UNITS];
		int	 nunits;
	}		 parts[DRV_CONCAT_PARTS];
	struct drv_sms	 first;
};
struct drv_concat {
	int			timeout_s;
	struct drv_concat_msg	msgs[DRV_CONCAT_MAX];
};
void	drv_concat_init(struct drv_concat *c, int timeout_s);
/* 1 when out holds a whole message (a single part, or the last one). */
int	drv_concat_add(struct drv_concat *c, const struct drv_sms *m,
	    int64_t now, struct drv_sms *out);
/* 1 when a message timed out: out holds it with U+FFFD for each gap. */
int	drv_concat_expire(struct drv_concat *c, int64_t now, struct drv_sms *out);

/* ---------------------------------------------------------------- AT replies */

/* Registration (+CREG): stat 0 none, 1 home, 2 searching, 3 denied,
 * 4 unknown, 5 roaming; -1 when the reply had none. */
struct drv_creg {
	int	n, stat;
	long	lac, ci;		/* -1 when absent */
	int	act;
};
/* reply: the answer to AT+CREG? (n first) rather than the URC. */
int	drv_creg_parse(const char *line, int reply, struct drv_creg *out,
	    struct sd_err *err);
const char *drv_creg_name(int stat);

struct drv_ussd {
	int	 status;		/* 0 done, 1 more, 2 ended by network... */
	int	 dcs;			/* -1 when absent */
	char	 text[1024];
};
int	drv_cusd_parse(const char *line, struct drv_ussd *out, struct sd_err *err);
/* +CLIP: "number",type: the number, "" when withheld. */
int	drv_clip_parse(const char *line, char *number, size_t size);
struct drv_clcc {
	int	id, dir, stat;		/* stat: 0 active ... 4 incoming */
	char	number[33];
};
int	drv_clcc_parse(const char *line, struct drv_clcc *out);
/* An ICCID from +CCID/+ICCID/^ICCID/bare digits or +CRSM (swapped BCD). */
int	drv_iccid_parse(const char *line, char *out, size_t size);
/* The +CMGR reply of lines[0..n): the PDU after the +CMGR line. */
int	drv_cmgr_parse(char *const *lines, int n, struct drv_sms *out,
	    struct sd_err *err);
/* Split an AT reply's fields after "+XXX:", honouring quotes; a reply with
 * unbalanced quotes is split on commas alone.  Returns the count. */
int	drv_at_fields(const char *line, char fields[][128], int max);

#endif
