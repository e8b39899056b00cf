/*
 * core_int.h -- private to core/: the schema (tables and indexes by number),
 * record codecs and helpers shared between core's files.
 */
#ifndef SD_CORE_INT_H
#define SD_CORE_INT_H

#include "core.h"

/* Tables, in the order of sd_schema[]. */
enum {
	T_META,
	T_USER,
	T_AUDIT,
	T_ACCOUNT,
	T_POSTING,
	T_CUSTOMER,
	T_NOTE,
	T_REMINDER,
	T_TICKET,
	T_IMPORT,
	T_PLAN,
	T_VAS,
	T_AGENT,
	T_SIM,
	T_SUBSCRIPTION,
	T_ORDER,
	T_TARIFF,
	T_RATE,
	T_CDR,
	T_USAGE,
	T_BILL,
	T_ADJUST,
	T_RECEIPT,
	T_SHIFT,
	T_PRINTJOB,
	T_MODEM,
	T_TELJOB,
	T_CALL,
	T_SMS,
	T_SIMUSE,
	T_PRESENCE,
	T_TELEVENT,
	T__COUNT
};

/* Indexes of each table, in the order of its definition. */
enum { IX_USER_LOGIN, IX_USER_OSLOGIN };
enum { IX_AUDIT_USER };
enum { IX_POSTING_ACCOUNT };
/* Customer index keys end in the id, so each key is unique and a page
 * anchor is the whole key. */
enum { IX_CUST_PHONE, IX_CUST_NAME, IX_CUST_OWNER, IX_CUST_CITY,
    IX_CUST_CLASS, IX_CUST_TAG, IX_CUST_CONTACT, IX_CUST_IMPORT };
enum { IX_REM_DUE, IX_REM_CUSTOMER };
enum { IX_TICKET_HANDLER, IX_TICKET_CUSTOMER };
enum { IX_AGENT_PARENT };
/* SIM index keys end in the ICCID (unique, exact paging). */
enum { IX_SIM_MSISDN, IX_SIM_STATUS, IX_SIM_AGENT, IX_SIM_PLAN };
enum { IX_SUB_CUSTOMER, IX_SUB_AGENT, IX_SUB_MSISDN };
enum { IX_CDR_UNIQ, IX_CDR_MSISDN };
enum { IX_BILL_MONTH };
enum { IX_RECEIPT_CASHIER };
enum { IX_CALL_START, IX_CALL_OPERATOR, IX_CALL_CUSTOMER };

/* Call index extractors (tel.c). */
int	call_start_key(const void *pk, size_t pklen, const void *rec, size_t len,
	    struct sd_keys *out);
int	call_operator_key(const void *pk, size_t pklen, const void *rec,
	    size_t len, struct sd_keys *out);
int	call_customer_key(const void *pk, size_t pklen, const void *rec,
	    size_t len, struct sd_keys *out);

/* One page of a table or index (page.c). */
struct page_walk {
	int			 table;
	int			 index;		/* -1: the primary keys */
	const struct sd_buf	*prefix;	/* keys start with it, or NULL */
	const struct sd_buf	*anchor;	/* after (before) it, or NULL */
	int			 dir;		/* 1 forward, -1 backward */
	int			 max;
	/* Fill row i from the record; 0 skips it (filtered out). */
	int			(*take)(struct sd_txn *t, const void *v,
				    size_t vl, int i, void *ctx);
	void			*ctx;
	char			(*keys)[SD_PAGEKEY_MAX];	/* or NULL */
};

int	page_walk(struct sd_txn *t, const struct page_walk *w, int *n,
	    struct sd_err *err);
/* Backward pages come out last first: put rows (and keys) in order. */
void	page_reverse(void *rows, size_t size, char (*keys)[SD_PAGEKEY_MAX],
	    int n);
void	page_hex_encode(const uint8_t *p, size_t n, char *out, size_t size);
int	page_hex_decode(const char *s, struct sd_buf *out);

/* A table applied row by row in one transaction (batch.c). */
#define BATCH_COLS 12
struct table_batch {
	struct sd_session	*s;
	const struct sd_table	*t;
	const char		*file;
	const char		*op;		/* audit op of the whole file */
	const char		*what;		/* "cards", "activations" */
	/* One row: SD_OK, or its error in e (SD_ERETRY / SD_EINTERNAL
	 * abort the file). */
	int			(*row)(struct sd_txn *t, struct table_batch *b, int r,
				    struct sd_err *e);
	void			*ctx;
	int			 col[BATCH_COLS];	/* column of each name */
	void			(*progress)(long done, long total, void *arg);
	void			*progress_arg;
	/* private */
	unsigned char		*bad;
	char			(*why)[200];
	long			 nbad, written;
	int			 dry;
};

/* Find the columns names[0..n) in the header; required ones must be. */
int	batch_columns(struct table_batch *b, const char *const *names, int n,
	    const char *const *required, struct sd_err *err);
/* The cell of row r under names[k], or NULL. */
const char *batch_cell(const struct table_batch *b, int r, int k);
int	batch_run(struct table_batch *b, const char *rejects,
	    struct sd_import_result *r, struct sd_err *err);

/* Each subscription of a customer, in order: fn returns SD_OK to go on,
 * SUB_STOP to stop, or an error that ends the walk. */
#define SUB_STOP (-1000)
typedef int (*sub_each_fn)(struct sd_txn *t, const struct sd_subscription *u,
    void *arg, struct sd_err *err);
int	subs_each(struct sd_txn *t, uint64_t customer, sub_each_fn fn, void *arg,
	    struct sd_err *err);
/* End the running subscription of a card (it was terminated). */
int	subscription_end(struct sd_txn *t, uint64_t customer, const char *iccid,
	    int64_t when, struct sd_err *err);
int	order_decode(const void *p, size_t n, struct sd_order *o);
void	bill_encode(const struct sd_bill *b, struct sd_buf *out);
int	bill_decode(const void *p, size_t n, struct sd_bill *b);
/* Usage of a subscription in a month, zero when none (cdr.c). */
int	usage_load(struct sd_txn *t, uint64_t sub, int month, struct sd_usage *u,
	    int rmw, struct sd_err *err);
/* Suspend a customer's cards below the credit limit, restore them above
 * (bill.c); *suspended counts cards newly suspended. */
int	balance_enforce(struct sd_txn *t, const struct sd_config *cfg,
	    const char *actor, uint64_t customer, long *suspended,
	    struct sd_err *err);
void	receipt_encode(const struct sd_receipt *r, struct sd_buf *b);
int	receipt_decode(const void *p, size_t n, struct sd_receipt *r);
void	cdr_encode(const struct sd_cdr *c, struct sd_buf *b);
int	cdr_decode(const void *p, size_t n, struct sd_cdr *c);
/* The subscription of msisdn running at time when (0 if none). */
int	subscription_at(struct sd_txn *t, const char *msisdn, int64_t when,
	    struct sd_subscription *out, struct sd_err *err);
/* The compiled tariff checked against its version inside t. */
int	tariff_ratetab_txn(struct sd_txn *t, const char *code,
	    const struct sd_ratetab **out, struct sd_err *err);
int64_t	order_net_price(int64_t price_fen, int discount_bp);
void	sub_encode(const struct sd_subscription *u, struct sd_buf *b);
int	sub_decode(const void *p, size_t n, struct sd_subscription *u);

void	plan_encode(const struct sd_plan *p, struct sd_buf *b);
int	plan_decode(const void *p, size_t n, struct sd_plan *out);
void	agent_encode(const struct sd_agent *a, struct sd_buf *b);
int	agent_decode(const void *p, size_t n, struct sd_agent *out);
void	sim_encode(const struct sd_sim *c, struct sd_buf *b);
/* Cards and agents inside a transaction (stock.c). */
int	sim_load(struct sd_txn *t, const char *iccid, struct sd_sim *c, int rmw,
	    struct sd_err *err);
/* Codes of plans, agents, tariffs: A-Z a-z 0-9 _ -, 1 to 16. */
int	check_code(const char *field, const char *s, struct sd_err *err);
/* By ICCID (19 or 20 digits) or MSISDN (11). */
int	sim_load_key(struct sd_txn *t, const char *key, struct sd_sim *c,
	    int rmw, struct sd_err *err);
int	sim_store(struct sd_txn *t, const struct sd_sim *c, int create,
	    struct sd_err *err);
int	agent_load(struct sd_txn *t, const char *code, struct sd_agent *a,
	    int rmw, struct sd_err *err);
int	sim_decode(const void *p, size_t n, struct sd_sim *out);

#define POOL_KEY "-"	/* the owner index's key for the shared pool */

extern const struct sd_table_def sd_schema[T__COUNT];

/* Record codecs. */
void	customer_encode(const struct sd_customer *c, struct sd_buf *b);
int	customer_decode(const void *p, size_t n, struct sd_customer *c);
void	reminder_encode(const struct sd_reminder *r, struct sd_buf *b);
int	reminder_decode(const void *p, size_t n, struct sd_reminder *r);
void	ticket_encode(const struct sd_ticket *t, struct sd_buf *b);
int	ticket_decode(const void *p, size_t n, struct sd_ticket *t);
/* Customers inside a transaction. */
int	customer_load(struct sd_txn *t, uint64_t id, struct sd_customer *c,
	    int rmw, struct sd_err *err);
int	customer_store(struct sd_txn *t, const struct sd_customer *c,
	    struct sd_err *err);
/* Check and apply fields to c (name, phones...); err names the field. */
int	customer_apply(struct sd_core *core, const struct sd_cust_fields *f,
	    struct sd_customer *c, struct sd_err *err);
/* A customer by id or by phone (digits kept); SD_ENOTFOUND naming it. */
int	customer_key_resolve(struct sd_txn *t, const char *key, uint64_t *id,
	    struct sd_err *err);
/* Which customer owns phone, if any (0). */
int	customer_by_phone(struct sd_txn *t, const char *phone, uint64_t *id,
	    struct sd_err *err);
/* May s change c (owner, owner's supervisor, admin)?  why filled if not. */
int	customer_may_edit(struct sd_txn *t, const struct sd_session *s,
	    const struct sd_customer *c, char *why, size_t size);
/* Close the pending reminders of a customer (done), but for one due at
 * keep_due (0: close them all). */
int	reminders_close(struct sd_txn *t, uint64_t customer, int64_t keep_due,
	    struct sd_err *err);
/* Give them to owner instead (NULL: close them). */
int	reminders_move(struct sd_txn *t, uint64_t customer, const char *owner,
	    struct sd_err *err);
int	reminder_store(struct sd_txn *t, const struct sd_reminder *r,
	    struct sd_err *err);
/* A be64 key. */
void	key64(uint8_t out[8], uint64_t v);
void	user_encode(const struct sd_user *u, struct sd_buf *b);
int	user_decode(const void *p, size_t n, struct sd_user *u);
void	audit_encode(const struct sd_audit *a, struct sd_buf *b);
int	audit_decode(const void *p, size_t n, struct sd_audit *a);

/* Users by login inside a transaction (with the password hash). */
int	user_load(struct sd_txn *t, const char *login, struct sd_user *u,
	    int rmw, struct sd_err *err);
int	user_store(struct sd_txn *t, const struct sd_user *u, int create,
	    struct sd_err *err);
/* A short "field=value ..." picture of a user for the audit. */
void	user_describe(const struct sd_user *u, char *out, size_t size);

/* Password hashing (yescrypt). */
int	password_hash(const char *password, char *out, size_t size,
	    struct sd_err *err);
int	password_check(const char *password, const char *hash);

/* Refuse op on object for a reason: audited, SD_EPERM. */
int	sd_deny(struct sd_session *s, int op, const char *object,
	    const char *reason, struct sd_err *err);

/* Lowercased copy of an ASCII login into out. */
void	login_fold(const char *in, char *out, size_t size);

#endif
