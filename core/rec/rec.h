/*
 * core/rec/rec.h -- private to core/: the record layer every domain builds
 * on.  Table numbers (each domain's private header names its own), the one
 * table-driven record codec, loading, storing and walking records through
 * it, key helpers, paging and batches.  And the registry of domains
 * (core/domains.c): each domain's tables, its share of verify, and the
 * hooks through which a lower domain reaches a later one.
 *
 * Domains depend one way: rec <- base <- crm <- stock <- billing <- tel <-
 * money <- report <- ops <- rpc.  A domain's tables (T_*, IX_*) are private to its folder; other
 * domains call its *_txn.h functions (tests/cli/test_layout.sh checks it).
 */
#ifndef SD_REC_H
#define SD_REC_H

#include <stddef.h>
#include <stdio.h>

#include "core/core.h"

/* ---------------------------------------------------------------- tables */

/*
 * Each domain's tables take a range of numbers, in dependency order; the
 * environment opens them in this order, so the numbers never change.
 */
enum {
	T_META = 0,		/* rec's own: created, counters */
	SD_T_BASE = 1,		/* user audit account posting */
	SD_T_CRM = 5,		/* customer note reminder ticket import */
	SD_T_STOCK = 10,	/* plan vas agent sim subscription order */
	SD_T_BILLING = 16,	/* tariff rate cdr usage bill adjust receipt
				   shift printjob */
	SD_T_TEL = 25,		/* modem teljob call sms simuse presence
				   televent */
	SD_T_MONEY = 32,	/* scheme agscheme commission statement
				   agreceipt orderpaid invoice */
	SD_T_REPORT = 39,	/* rcall rsale */
	T__COUNT = 41
};

/* Every table of the environment, in number order (core/domains.c). */
const struct sd_table_def *core_schema(void);
const char *rec_table_name(int table);

/* A value of T_META by name (8 bytes, big-endian counters); SD_ENOTFOUND. */
int	rec_meta_get(struct sd_txn *t, const char *key, struct sd_buf *val,
	    int rmw, struct sd_err *err);
int	rec_meta_put(struct sd_txn *t, const char *key, const void *val,
	    size_t len, struct sd_err *err);
/* A cursor over T_META (keys are "name" or "kind:name"). */
int	rec_meta_cursor(struct sd_txn *t, struct sd_cursor **c,
	    struct sd_err *err);
/*
 * What a bill run reads, counted (T_META "billin:YYYYMM", one month's
 * usage and adjustments; "billin:all", month 0, what every month's bills
 * read: customers' names, subscriptions, plans and services).  A write
 * that changes any of it bumps the counter in its own transaction (once a
 * transaction), so a run that kept the counters it saw at its start can
 * tell at the next whether anything it read has changed since.
 */
int	rec_bill_touch(struct sd_txn *t, int month, struct sd_err *err);
/* The counter's value (0 when never bumped). */
int	rec_bill_counter(struct sd_txn *t, int month, uint64_t *v,
	    struct sd_err *err);

/* ---------------------------------------------------------------- the codec */

/*
 * A record is described by a table of its fields: each field's tag, its
 * kind and where it sits in the struct.  Encoding writes them in order;
 * decoding fills the ones it finds and leaves the rest zero, so fields can
 * be added without a migration (db/db.h's record encoding).
 */
enum { F_I64, F_INT, F_STR, F_STRS };
struct rec_field {
	unsigned	tag;
	int		type;
	size_t		off, size;
	/* F_STRS: an array of max strings of size bytes each, repeated under
	 * one tag; the int at cnt_off says how many are in use. */
	size_t		cnt_off;
	int		max;
};

#define REC_I(t, st, f)	{ t, sizeof(((struct st *)0)->f) == 8 ? F_I64 : 			  F_INT, offsetof(struct st, f), 0 }
#define REC_S(t, st, f)	{ t, F_STR, offsetof(struct st, f), 			  sizeof(((struct st *)0)->f) }
#define REC_STRS(t, st, f, n) { t, F_STRS, offsetof(struct st, f), \
			  sizeof(((struct st *)0)->f[0]), offsetof(struct st, n), \
			  (int)(sizeof(((struct st *)0)->f) / \
			  sizeof(((struct st *)0)->f[0])) }
#define REC_N(d)	((int)(sizeof d / sizeof d[0]))

void	rec_encode(const struct rec_field *d, int n, const void *obj,
	    struct sd_buf *b);
/* Define NAME_encode(const TYPE *, struct sd_buf *) and NAME_decode(const
 * void *, size_t, TYPE *) for a record the table tab describes whole. */
#define REC_CODEC(name, type, tab)					\
void									\
name##_encode(const type *o, struct sd_buf *b)				\
{									\
	rec_encode(tab, REC_N(tab), o, b);				\
}									\
int									\
name##_decode(const void *p, size_t n, type *o)				\
{									\
	return rec_decode(tab, REC_N(tab), p, n, o, sizeof *o);		\
}
int	rec_decode(const struct rec_field *d, int n, const void *p, size_t len,
	    void *obj, size_t size);

/* Load (SD_ENOTFOUND when absent) or store one record of table by key. */
int	rec_load(struct sd_txn *t, int table, const void *key, size_t kl,
	    const struct rec_field *d, int n, void *obj, size_t size, int rmw,
	    struct sd_err *err);
int	rec_store(struct sd_txn *t, int table, const void *key, size_t kl,
	    const struct rec_field *d, int n, const void *obj,
	    struct sd_err *err);
/* The same by a be64 id. */
int	rec_load64(struct sd_txn *t, int table, uint64_t id,
	    const struct rec_field *d, int n, void *obj, size_t size, int rmw,
	    struct sd_err *err);
int	rec_store64(struct sd_txn *t, int table, uint64_t id,
	    const struct rec_field *d, int n, const void *obj,
	    struct sd_err *err);
#define REC_LOAD64(t, tb, id, d, o, rmw, e) \
	rec_load64(t, tb, id, d, REC_N(d), o, sizeof *(o), rmw, e)
#define REC_STORE64(t, tb, id, d, o, e) \
	rec_store64(t, tb, id, d, REC_N(d), o, e)

/*
 * Each record of table in key order (dir 1) or backwards (dir -1), from
 * key (NULL: the first or last) on, decoded into rec: fn's REC_NEXT goes
 * on, REC_STOP ends the walk, anything else is an error it returns.
 * Records that do not decode are passed over.
 */
#define REC_NEXT 0
#define REC_STOP (-1)
typedef int (*rec_walk_fn)(struct sd_txn *t, const void *key, size_t kl,
    void *rec, void *arg, struct sd_err *err);
int	rec_walk(struct sd_txn *t, int table, int dir, const void *key,
	    size_t kl, const struct rec_field *d, int n, void *rec, size_t size,
	    rec_walk_fn fn, void *arg, struct sd_err *err);

/* ---------------------------------------------------------------- keys */

/* A be64 key. */
void	key64(uint8_t out[8], uint64_t v);
/* "part\0" (with_nul) or "part", then the primary key: unique index keys
 * that page exactly. */
void	rec_key_suffixed(struct sd_keys *out, const char *part, const void *pk,
	    size_t pklen, int with_nul);

/* ---------------------------------------------------------------- rows of a list */

/*
 * The rows a list function collects inside its transaction and hands to
 * its caller's callback after the commit (rowbuf.c).  sd_db_run and
 * sd_db_read rerun the function after a deadlock, so a row handed out from
 * inside could be handed out twice; the function resets its rowbuf first.
 */
struct rowbuf {
	char	*p;
	size_t	 size;			/* bytes of one row */
	size_t	 n, cap;
	void	(*clear)(void *row);	/* frees what a row owns, or NULL */
};

void	rowbuf_init(struct rowbuf *b, size_t size, void (*clear)(void *row));
/* Forget every row: the first thing a transaction function does. */
void	rowbuf_reset(struct rowbuf *b);
/* Copy one row in; the rowbuf then owns what the row points to. */
void	rowbuf_add(struct rowbuf *b, const void *row);
/* Row i (i < n), valid until the next add, reset or free. */
void	*rowbuf_at(const struct rowbuf *b, size_t i);
void	rowbuf_free(struct rowbuf *b);

/* ---------------------------------------------------------------- pages, batches */

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
	/*
	 * 1: the row function probes the database for its keys only when
	 * batch_probing says so; a run that finds a key there after all
	 * (batch_put_new's check) or a bad row is run again probing, so
	 * every row's fate and words are as if it had probed.
	 */
	int			 optimistic;
	/* private */
	unsigned char		*bad;
	char			(*why)[200];
	struct sd_err		 first;		/* the first bad row's */
	long			 nbad, written;
	int			 dry;
	int			 probe, conflict;	/* optimistic's */
	/* batch_put_new's and batch_put_replace's records not yet written
	 * (a table's new ones, a table's replaced ones), batch_seen's sets */
	struct batch_pend {
		int		 table, replace;
		size_t		 n;
		struct sd_buf	 data;
	}			 pend[4];
	int			 npend;
	struct batch_set {
		uint32_t	*off;		/* offset + 1 into arena */
		size_t		 cap, n;
		struct sd_buf	 arena;
	}			 seen[2];
};

/* Find the columns names[0..n) in the header; required ones must be.
 * A table without even a header is refused ("FILE: empty").  A caller
 * fills the batch with a designated initializer (the rest zero). */
int	batch_columns(struct table_batch *b, const char *const *names, int n,
	    const char *const *required, struct sd_err *err);
/* The cell of row r under names[k], or NULL. */
const char *batch_cell(const struct table_batch *b, int r, int k);
int	batch_run(struct table_batch *b, const char *rejects,
	    struct sd_import_result *r, struct sd_err *err);
/*
 * In a row function: a new record of table, written with the rows'
 * others in bulk (sd_put_new: in key order, each index in key order)
 * before the transaction ends; in a dry run, nothing.  The keys must be
 * new: the row function checked them, against the database and against
 * the file's earlier rows (batch_seen).  An error aborts the file.
 */
int	batch_put_new(struct sd_txn *t, struct table_batch *b, int table,
	    const void *key, size_t kl, const void *val, size_t vl,
	    struct sd_err *err);
/* The same for a record there (sd_put_replace): old is what it holds, or
 * an encoding of it with the same index keys.  A key once a flush. */
int	batch_put_replace(struct sd_txn *t, struct table_batch *b, int table,
	    const void *key, size_t kl, const void *val, size_t vl,
	    const void *old, size_t ol, struct sd_err *err);
/* Must the row function look for its keys in the database (optimistic)? */
int	batch_probing(const struct table_batch *b);
/* Whether s is in set (0 or 1) of this run's rows; batch_see adds it.
 * Both sets start empty with each run of the rows. */
int	batch_seen(const struct table_batch *b, int set, const char *s);
void	batch_see(struct table_batch *b, int set, const char *s);

/*
 * The one writer of a --skip-bad rejects file, for every import
 * (rejects.c): the file's own header and each rejected row as it was
 * read, cell for cell, then a last column "reason".  RFC 4180 (every cell
 * quoted, quotes doubled, CRLF), UTF-8 with a BOM so Excel opens it.  The
 * file is written completely or the import stops with an error.
 */
struct rejects {
	FILE			*f;
	const char		*path;
	const struct sd_table	*t;
};

/* Open path (sd_file_open) for rows of t; header: t's row 0 is its
 * header, written first with "reason" after it.  SD_EINVAL on failure. */
int	rejects_open(struct rejects *w, const char *path,
	    const struct sd_table *t, int header, struct sd_err *err);
/* Row r of t as read (padded to t's widest row), then why. */
void	rejects_row(struct rejects *w, int r, const char *why);
/* Flush and close: SD_OK only when every byte reached the file, else
 * SD_EINVAL naming it (and nothing of the import is written). */
int	rejects_close(struct rejects *w, struct sd_err *err);

/* ---------------------------------------------------------------- domains */

/* What sd_verify found so far (core/base/verify.c): the checks' results
 * (struct sd_verify_row), for the caller after the commit. */
struct rec_verify {
	struct rowbuf	 rows;
	int		 failed;
};
/* One check's result: counted when it failed, kept for the caller. */
void	rec_verify_report(struct rec_verify *v, const char *check, int ok,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * The registry of domains (core/domains.c): each one's tables (numbers
 * first .. first + ntables - 1) and its share of sd_verify, which reports
 * each of its checks, passed or not, with rec_verify_report.
 */
struct core_domain {
	const char			*name;
	int				 first, ntables;
	const struct sd_table_def	*tables;
	int				(*verify)(struct sd_txn *t,
					    struct rec_verify *v,
					    struct sd_err *err);
};
extern const struct core_domain core_domains[];
extern const int core_ndomains;

/*
 * Where a lower domain needs a later one's answer (a user of role agent
 * names an agent; a plan names a tariff), the later domain answers through
 * these (set in core/domains.c), so that dependencies run one way.  Each
 * is SD_OK when the thing exists, SD_ENOTFOUND when not.
 */
struct core_hooks {
	int	(*agent_exists)(struct sd_txn *t, const char *code,
		    struct sd_err *err);
	int	(*tariff_exists)(struct sd_txn *t, const char *code,
		    struct sd_err *err);
	/* Agent money (core/money): a card activated, a card terminated or
	 * returned at when, fen of payment r allocated to bill b. */
	int	(*card_activated)(struct sd_txn *t, const char *actor,
		    const struct sd_subscription *u, struct sd_err *err);
	int	(*card_ended)(struct sd_txn *t, const char *actor,
		    const char *iccid, int64_t when, struct sd_err *err);
	/* An order delivered: its sales invoice (发票). */
	int	(*order_delivered)(struct sd_txn *t, const char *actor,
		    const struct sd_order *o, struct sd_err *err);
	int	(*bill_paid)(struct sd_txn *t, struct sd_session *s,
		    const struct sd_bill *b, int64_t fen,
		    const struct sd_receipt *r, struct sd_err *err);
	/* Voided receipt r had paid bill b: the shares it accrued undone. */
	int	(*receipt_voided)(struct sd_txn *t, struct sd_session *s,
		    const struct sd_bill *b, const struct sd_receipt *r,
		    struct sd_err *err);
	/* Reports (core/report): a call ended, as stored; after the
	 * environment opened (created: a new one), its rollups brought up
	 * to date when they never were (an upgrade). */
	int	(*call_ended)(struct sd_txn *t, const struct sd_call *c,
		    struct sd_err *err);
	int	(*opened)(struct sd_core *core, int created,
		    struct sd_err *err);
	/* 1 when the environment must keep its log for backups (ops):
	 * sd_core_open opens it with keep_logs. */
	int	(*keeps_logs)(const struct sd_config *cfg);
};
extern const struct core_hooks core_hooks;

#endif
