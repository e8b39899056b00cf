/*
 * core/crm/crm.h -- customers (客户), follow-up notes and reminders, service tickets
 * and customer imports.
 */
#ifndef SD_CRM_H
#define SD_CRM_H

#include "core/base/base.h"

/* ---------------------------------------------------------------- customers */

enum sd_cust_status {
	SD_CUST_PROSPECT = 0,
	SD_CUST_ACTIVE,
	SD_CUST_SUSPENDED,
	SD_CUST_CLOSED
};

#define SD_PHONES_MAX	4
#define SD_TAGS_MAX	8

struct sd_customer {
	uint64_t id;
	char	 name[SD_NAME_MAX + 1];
	char	 phones[SD_PHONES_MAX][24];
	int	 nphones;
	char	 city[49];
	char	 address[193];
	char	 id_no[19];		/* masked unless read by an admin */
	char	 cls[9];
	char	 source[49];
	char	 tags[SD_TAGS_MAX][25];
	int	 ntags;
	char	 owner[SD_LOGIN_MAX + 1];	/* "" = in the shared pool */
	int	 dnc;			/* do not call */
	int	 status;
	int64_t	 created;
	int64_t	 updated;
	int64_t	 last_contact;
	int64_t	 next_at;		/* next planned contact, 0 = none */
	uint64_t import_id;
};

const char *sd_cust_status_name(int status);
int	sd_cust_status_parse(const char *s);	/* -1 if unknown */
/* "none", "overdue" or "planned": the traffic light of a customer. */
const char *sd_cust_light(const struct sd_customer *c, int64_t now);
/* GB 11643 check of an 18-digit resident ID (last may be X). */
int	sd_idno_valid(const char *s);
/* "1101**********1234" into out (at least 19 bytes). */
void	sd_idno_mask(const char *id, char *out, size_t size);

/* Fields given to add or update; NULL = not given. */
struct sd_cust_fields {
	const char	*name;
	const char	*phones;	/* comma-separated, replaces all */
	const char	*city;
	const char	*address;
	const char	*id_no;
	const char	*cls;
	const char	*source;
	const char	*tags;		/* comma-separated, replaces all */
	const char	*owner;		/* add: default the acting user */
	int		 dnc;		/* -1 = not given */
	int		 status;	/* -1 = not given */
};

void	sd_cust_fields_init(struct sd_cust_fields *f);
/*
 * Add a customer.  A phone that already belongs to a customer is refused
 * (SD_EEXIST) naming that customer.
 */
int	sd_customer_add(struct sd_session *s, const struct sd_cust_fields *f,
	    uint64_t *id, struct sd_err *err);
int	sd_customer_update(struct sd_session *s, uint64_t id,
	    const struct sd_cust_fields *f, struct sd_err *err);
/* By id ("42") or by any of its phone numbers. */
int	sd_customer_find(struct sd_session *s, const char *key,
	    struct sd_customer *out, struct sd_err *err);
int	sd_customer_get(struct sd_session *s, uint64_t id,
	    struct sd_customer *out, struct sd_err *err);
/* Take a customer from the shared pool. */
int	sd_customer_claim(struct sd_session *s, uint64_t id, struct sd_err *err);
/* Set the service password (手机密码); check it (1 = matches). */
int	sd_customer_set_svc_password(struct sd_session *s, uint64_t id,
	    const char *password, struct sd_err *err);
/* SD_OK when password is the customer's service password (audited). */
int	sd_customer_check_svc_password(struct sd_session *s, uint64_t id,
	    const char *password, struct sd_err *err);
/*
 * Move customers from one owner to another with their pending reminders
 * and open tickets: all of from's (ids == NULL) or the listed ones.
 * *moved is set.  Supervisor or admin.
 */
int	sd_customer_transfer(struct sd_session *s, const char *from,
	    const char *to, const uint64_t *ids, int nids, int *moved,
	    struct sd_err *err);
/* Return customers without a follow-up for days (-1: pool_days) to the pool. */
int	sd_customer_sweep(struct sd_session *s, int days, int *moved,
	    struct sd_err *err);

enum sd_cust_by {
	SD_CUST_BY_NAME,	/* name prefix */
	SD_CUST_BY_PHONE,	/* phone prefix */
	SD_CUST_BY_OWNER,	/* exact owner; "" = the pool */
	SD_CUST_BY_CITY,
	SD_CUST_BY_CLASS,
	SD_CUST_BY_TAG,
	SD_CUST_BY_ID,		/* all, in id order */
	SD_CUST_BY_PHONE_END	/* a phone ending with these digits, as
				 * people remember them (a scan) */
};

/*
 * One page of customers through an index: up to max rows strictly after
 * (dir > 0) or before (dir < 0) anchor (an opaque cursor key from a row's
 * page_key, "" = from the start or the end), whose index key starts with
 * (or for owner/city/class/tag, equals) key.  Rows come back in index
 * order; page_keys[i] (SD_PAGEKEY_MAX bytes each) is each row's anchor.
 */
int	sd_customer_page(struct sd_session *s, enum sd_cust_by by,
	    const char *key, const char *anchor, int dir,
	    struct sd_customer *rows, char (*page_keys)[SD_PAGEKEY_MAX],
	    int max, int *n, struct sd_err *err);

/* ---------------------------------------------------------------- notes */

struct sd_note {
	uint64_t id;
	uint64_t customer;
	int64_t	 at;
	char	 by[SD_LOGIN_MAX + 1];
	char	 text[1024];
	char	 outcome[33];
	int64_t	 next_at;
};

/* next_at of sd_note_add besides a time: keep what is planned, or drop it. */
#define SD_NOTE_NEXT_KEEP	((int64_t)0)
#define SD_NOTE_NEXT_CLEAR	((int64_t)-1)

/*
 * Record a follow-up.  next_at is a time (the customer's next contact,
 * with a reminder for the owner in place of the one planned before),
 * SD_NOTE_NEXT_KEEP (the planned contact and its reminder stay) or
 * SD_NOTE_NEXT_CLEAR (nothing planned any more; audited as note.next_clear
 * with the time dropped).  The customer's other pending reminders (call
 * backs) are done either way.
 */
int	sd_note_add(struct sd_session *s, uint64_t customer, const char *text,
	    const char *outcome, int64_t next_at, uint64_t *id,
	    struct sd_err *err);
/*
 * A "next contact" as typed, for sd_note_add: NULL or "" keeps, "none" or
 * "-" clears, else a local time (sd_time_parse).  SD_EINVAL naming field.
 */
int	sd_note_next_parse(const char *field, const char *s, int64_t *next_at,
	    struct sd_err *err);
typedef int (*sd_note_cb)(const struct sd_note *n, void *arg);
/* Newest first. */
int	sd_note_list(struct sd_session *s, uint64_t customer, sd_note_cb cb,
	    void *arg, struct sd_err *err);

/* ---------------------------------------------------------------- reminders */

enum sd_rem_status { SD_REM_PENDING = 0, SD_REM_DONE = 1 };

struct sd_reminder {
	uint64_t id;
	uint64_t customer;
	char	 owner[SD_LOGIN_MAX + 1];
	int64_t	 due;
	char	 text[256];
	int	 status;
	int	 seen;		/* the owner has had the pop-up */
	char	 cname[SD_NAME_MAX + 1];	/* customer name, for display */
	char	 phone[24];
};

typedef int (*sd_rem_cb)(const struct sd_reminder *r, void *arg);
/*
 * Pending reminders of owner (NULL = the session's user) due by until,
 * oldest first.  With team, the overdue ones (by escalate_minutes) of
 * every member of the supervisor's team.
 */
int	sd_reminder_due(struct sd_session *s, const char *owner, int64_t until,
	    int team, sd_rem_cb cb, void *arg, struct sd_err *err);
/* The owner acknowledges the pop-up. */
int	sd_reminder_seen(struct sd_session *s, uint64_t id, struct sd_err *err);
/* When owner's next pending reminder after `after` comes due (0: none):
 * simdeskd's own question, for the owner's inbox push. */
int	sd_reminder_next(struct sd_core *core, const char *owner, int64_t after,
	    int64_t *when, struct sd_err *err);

/*
 * A user's inbox: what a TUI is pushed (simdeskd, tui/ctl/serve.c).  A
 * transaction that leaves something for login (a telephony event, a
 * reminder) notifies it; once committed, the db's notify hook gets the
 * key, which sd_inbox_key reads back: its kind and the login.
 */
enum { SD_INBOX_TEL = 1, SD_INBOX_REM = 2, SD_INBOX_WORK = 4 /* tickets */ };
void	sd_inbox_notify(struct sd_txn *t, int kind, const char *login);
int	sd_inbox_key(const char *key, char *login, size_t size);	/* 0: not one */

/* ---------------------------------------------------------------- tickets */

enum sd_ticket_type {
	SD_TICKET_INQUIRY = 0,
	SD_TICKET_COMPLAINT,
	SD_TICKET_AFTERSALES,
	SD_TICKET_CHANGE
};

enum sd_ticket_status {
	SD_TICKET_OPEN = 0,
	SD_TICKET_INPROGRESS,
	SD_TICKET_RESOLVED,
	SD_TICKET_CLOSED
};

struct sd_ticket {
	uint64_t id;
	uint64_t customer;
	char	 phone[24];		/* the acceptance record's fields */
	char	 cname[SD_NAME_MAX + 1];
	int	 type;
	int	 status;
	char	 handler[SD_LOGIN_MAX + 1];
	char	 created_by[SD_LOGIN_MAX + 1];
	char	 text[2048];		/* content, updates appended */
	char	 resolution[512];
	int	 score;			/* 1-5, 0 = none */
	int64_t	 created;
	int64_t	 updated;
	int64_t	 due;			/* SLA */
	int64_t	 closed_at;
};

const char *sd_ticket_type_name(int type);
int	sd_ticket_type_parse(const char *s);
const char *sd_ticket_status_name(int status);
int	sd_ticket_status_parse(const char *s);
/* 1 if not resolved or closed and past its SLA. */
int	sd_ticket_overdue(const struct sd_ticket *t, int64_t now);

int	sd_ticket_add(struct sd_session *s, uint64_t customer, int type,
	    const char *text, uint64_t *id, struct sd_err *err);
int	sd_ticket_get(struct sd_session *s, uint64_t id, struct sd_ticket *out,
	    struct sd_err *err);
int	sd_ticket_assign(struct sd_session *s, uint64_t id, const char *handler,
	    struct sd_err *err);
/* Append text; an open ticket moves to in progress. */
int	sd_ticket_update(struct sd_session *s, uint64_t id, const char *text,
	    struct sd_err *err);
/* Resolve and close; score 0 = not given. */
int	sd_ticket_close(struct sd_session *s, uint64_t id,
	    const char *resolution, int score, struct sd_err *err);
int	sd_ticket_reopen(struct sd_session *s, uint64_t id, const char *why,
	    struct sd_err *err);

struct sd_ticket_filter {
	const char	*handler;	/* NULL = any */
	uint64_t	 customer;	/* 0 = any */
	int		 status;	/* -1 = any; -2 = open or in progress */
	int		 overdue;	/* only past their SLA */
};

typedef int (*sd_ticket_cb)(const struct sd_ticket *t, void *arg);
int	sd_ticket_list(struct sd_session *s, const struct sd_ticket_filter *f,
	    sd_ticket_cb cb, void *arg, struct sd_err *err);

/* ---------------------------------------------------------------- import */

enum sd_encoding { SD_ENC_AUTO, SD_ENC_UTF8, SD_ENC_GB18030 };

/* A table read from a CSV or .xlsx file: rows of UTF-8 cells. */
struct sd_table {
	int		  nrows;
	int		  ncols;	/* widest row */
	char		***cells;	/* cells[row][col], "" when empty */
	int		 *ncells;
	int		 *lines;	/* source line (CSV) or row number (xlsx) */
	const char	 *encoding;	/* "utf-8", "utf-8 (BOM)", "gb18030", "xlsx" */
	void		 *priv_arena;	/* owned storage */
	void		 *priv_ptrs;
};

/*
 * Read FILE (CSV by default, .xlsx by its name or zip signature) into t.
 * Errors name file:line.
 */
int	sd_table_read(const char *path, enum sd_encoding enc, struct sd_table *t,
	    struct sd_err *err);
/* The same from memory (CSV only), for tests and fuzzing. */
int	sd_table_parse_csv(const char *name, const char *data, size_t len,
	    enum sd_encoding enc, struct sd_table *t, struct sd_err *err);
void	sd_table_free(struct sd_table *t);

struct sd_import_opts {
	const char	*map;		/* "COL=field,..." or NULL */
	const char	*owner;		/* default owner, or NULL = none (pool) */
	const char	*rejects;	/* --skip-bad file, or NULL */
	void		(*progress)(long done, long total, void *arg);
	void		*progress_arg;
};

struct sd_import_result {
	long	imported;
	long	rejected;
	long	duplicates;
	uint64_t import_id;
};

/* The customer fields a column can map to, for help and the TUI. */
extern const char *const sd_import_fields[];
/*
 * Map the header row of t to customer fields (with opts->map applied);
 * colfield[i] is the field index of column i or -1.
 */
int	sd_import_mapping(const struct sd_table *t, const char *map,
	    int *colfield, struct sd_err *err);
/*
 * Import customers from a table whose first row is the header.  Every row
 * is checked first; without rejects one bad row refuses the whole file
 * (SD_EINVAL naming file:line: field: reason) and nothing is written.
 */
int	sd_customer_import(struct sd_session *s, const char *file,
	    const struct sd_table *t, const struct sd_import_opts *o,
	    struct sd_import_result *r, struct sd_err *err);
/* Undo the rows of imports whose process died half-way (with all: of
 * every import marked running, as at open, when none of ours can be). */
int	sd_import_cleanup(struct sd_core *core, int all, struct sd_err *err);

#endif
