/*
 * core/billing/billing.h -- tariffs and rating, call records, monthly bills and balances,
 * payments, receipts, shifts and printing.
 */
#ifndef SD_BILLING_H
#define SD_BILLING_H

#include "core/stock/stock.h"

/* ---------------------------------------------------------------- tariffs, rating */

enum sd_rounding { SD_ROUND_UP = 0, SD_ROUND_HALF_UP, SD_ROUND_DOWN };

const char *sd_rounding_name(int mode);
int	sd_rounding_parse(const char *s);

/* A time band: days (bit 0 Monday .. bit 6 Sunday) and minutes of the day;
 * to <= from runs past midnight. */
struct sd_band {
	unsigned char	 days;
	short		 from, to;
	int		 set;		/* 0: no band, always */
};

/* "Mon-Fri 08:00-18:00", "Sat,Sun 00:00-24:00", "22:00-07:00"; "" = none. */
int	sd_band_parse(const char *s, struct sd_band *b, struct sd_err *err);
void	sd_band_format(const struct sd_band *b, char *out, size_t size);

struct sd_tariff {
	char	 code[SD_CODE_MAX + 1];
	char	 name[SD_NAME_MAX + 1];
	int	 rounding;		/* once per call */
	uint64_t version;		/* bumped by every change of its rates */
	int	 nrates;
	int64_t	 created;
};

struct sd_rate {
	char	 prefix[25];		/* digits of the dialled number */
	char	 name[49];
	int64_t	 per_minute_mfen;
	int64_t	 connect_fen;
	int	 first_block_s;
	int	 increment_s;
	struct sd_band band;
	int	 bundle;		/* plan minutes apply */
};

/* A tariff compiled for rating: a digit trie built once per version. */
struct sd_ratetab;
struct sd_ratetab *sd_ratetab_build(const struct sd_tariff *t,
	    const struct sd_rate *rates, int n);
void	sd_ratetab_free(struct sd_ratetab *rt);
const struct sd_tariff *sd_ratetab_tariff(const struct sd_ratetab *rt);

struct sd_rating {
	const struct sd_rate *rate;	/* in force at answer; inside rt */
	int	 billable_s;		/* seconds charged */
	int	 bundle_min;		/* plan minutes used */
	int	 parts;			/* band segments priced */
	int64_t	 cost_fen;
};

/* Digits of a dialled number ('+' and separators dropped); -1 if none. */
int	sd_number_normalize(const char *in, char *out, size_t size);
/*
 * Price one call answered at answer (UTC seconds) lasting billsec: see
 * DESIGN.md section 4.  *plan_left (NULL: none) is the subscription's
 * included minutes left, and is reduced.  SD_ENOTFOUND when no prefix
 * matches.  Allocates nothing.
 */
int	sd_rate_call(const struct sd_ratetab *rt, const char *number,
	    int64_t answer, int billsec, int *plan_left, struct sd_rating *out);

int	sd_tariff_add(struct sd_session *s, const char *code, const char *name,
	    const char *rounding, struct sd_err *err);
/* Rate fields as typed: money in yuan, seconds, "yes"/"" for bundle. */
struct sd_rate_fields {
	const char	*per_minute;	/* required */
	const char	*connect;
	const char	*first_block;
	const char	*increment;
	const char	*name;
	const char	*band;
	int		 bundle;
};
void	sd_rate_fields_init(struct sd_rate_fields *f);
/* Check one field of a rate as it is typed ("prefix", "per_minute",
 * "connect", "first_block", "increment", "band"), by the rules
 * sd_tariff_rate applies. */
int	sd_rate_field_check(const char *field, const char *value,
	    struct sd_err *err);
/* Add or replace the rate of a prefix (and band) in a tariff. */
int	sd_tariff_rate(struct sd_session *s, const char *code,
	    const char *prefix, const struct sd_rate_fields *f,
	    struct sd_err *err);
int	sd_tariff_get(struct sd_session *s, const char *code,
	    struct sd_tariff *out, struct sd_err *err);
typedef int (*sd_tariff_cb)(const struct sd_tariff *t, void *arg);
int	sd_tariff_list(struct sd_session *s, sd_tariff_cb cb, void *arg,
	    struct sd_err *err);
typedef int (*sd_rate_cb)(const struct sd_rate *r, void *arg);
int	sd_tariff_rates(struct sd_session *s, const char *code, sd_rate_cb cb,
	    void *arg, struct sd_err *err);
/* Rates from a table (prefix, per_minute, connect, first_block, increment,
 * name, band, bundle): all or nothing. */
int	sd_tariff_import(struct sd_session *s, const char *code,
	    const char *file, const struct sd_table *t, const char *rejects,
	    struct sd_import_result *r, struct sd_err *err);
/*
 * The compiled tariff, cached in the process until its version changes
 * (do not free; valid until the next call for the same code).
 */
int	sd_tariff_ratetab(struct sd_session *s, const char *code,
	    const struct sd_ratetab **out, struct sd_err *err);
/* What a call would cost: the same path as rating; rate copied out. */
struct sd_quote {
	struct sd_rating rating;
	struct sd_rate	 rate;
};
int	sd_tariff_quote(struct sd_session *s, const char *code,
	    const char *number, int seconds, int64_t at, int plan_minutes,
	    struct sd_quote *out, struct sd_err *err);

/* ---------------------------------------------------------------- call records */

enum sd_cdr_format { SD_CDR_ASTERISK, SD_CDR_FREESWITCH, SD_CDR_SIMDESK };
enum sd_direction { SD_DIR_OUT = 0, SD_DIR_IN };

struct sd_cdr {
	uint64_t id;
	uint64_t sub;			/* the subscription it was matched to */
	uint64_t customer;
	char	 msisdn[SD_MSISDN_MAX + 1];		/* our number */
	int	 direction;
	char	 other[33];		/* the far end, digits */
	int64_t	 start;
	int64_t	 answer;		/* 0: not answered */
	int	 duration;
	int	 billsec;
	char	 uniq[65];		/* the source's id, or a hash */
	char	 source[12];		/* asterisk, freeswitch, simdesk */
	char	 prefix[25];		/* the rate used */
	char	 rate_name[49];
	int64_t	 unit_mfen;		/* per minute */
	int	 billable_s;
	int	 bundle_min;
	int64_t	 cost_fen;
	int	 month;			/* YYYYMM, local */
};

/* Usage of one subscription in one month. */
struct sd_usage {
	uint64_t sub;
	int	 month;
	long	 calls;
	long	 answered;
	long	 seconds;		/* talk time */
	int	 bundle_min;		/* plan minutes used */
	long	 billable_s;		/* charged seconds */
	int64_t	 call_fee_fen;
	long	 sms;
};

int	sd_cdr_format_parse(const char *s);
/*
 * Import call records: each matched to the subscription whose number made
 * (or received) it at that time, rated, stored, and added to the month's
 * usage.  Every row is checked first; a bad one refuses the file unless
 * rejects is given.  Written in batches; a call already imported (same
 * uniqueid, or the same src, dst, start and duration) is counted in
 * duplicates and charged nothing, so a rerun after a crash is safe.
 */
int	sd_cdr_import(struct sd_session *s, const char *file,
	    const struct sd_table *t, int format, const char *rejects,
	    void (*progress)(long done, long total, void *arg),
	    void *progress_arg, struct sd_import_result *r, struct sd_err *err);
/* The same from a file: a UTF-8 CSV read a slice at a time (what is in
 * memory does not grow with the file), anything else read whole. */
int	sd_cdr_import_file(struct sd_session *s, const char *file,
	    enum sd_encoding enc, int format, const char *rejects,
	    void (*progress)(long done, long total, void *arg),
	    void *progress_arg, struct sd_import_result *r, struct sd_err *err);
typedef int (*sd_cdr_cb)(const struct sd_cdr *c, void *arg);
/* A number's calls in a month (YYYYMM; 0 = all), by time. */
int	sd_cdr_list(struct sd_session *s, const char *msisdn, int month,
	    sd_cdr_cb cb, void *arg, struct sd_err *err);
int	sd_cdr_get(struct sd_session *s, uint64_t id, struct sd_cdr *out,
	    struct sd_err *err);
/* A page of a number's calls (month 0 = all), by time. */
int	sd_cdr_page(struct sd_session *s, const char *msisdn, int month,
	    const char *anchor, int dir, struct sd_cdr *rows,
	    char (*page_keys)[SD_PAGEKEY_MAX], int max, int *n,
	    struct sd_err *err);
int	sd_usage_get(struct sd_session *s, uint64_t sub, int month,
	    struct sd_usage *out, struct sd_err *err);
/* "2026-11" -> 202611; -1 if malformed. */
int	sd_month_parse(const char *s);
/* YYYYMM of t in local time. */
int	sd_month_of(int64_t t);

/* ---------------------------------------------------------------- bills, balances */

enum sd_bill_kind { SD_BL_PLAN, SD_BL_VAS, SD_BL_CALLS, SD_BL_ONE_OFF,
    SD_BL_ADJUST };

struct sd_bill_line {
	int	 kind;
	uint64_t sub;
	char	 msisdn[SD_MSISDN_MAX + 1];
	char	 code[SD_CODE_MAX + 1];		/* plan or service */
	char	 text[97];
	int64_t	 amount_fen;
};

#define SD_BILL_LINES_MAX 48

/* One customer's bill for one month (月账单). */
struct sd_bill {
	uint64_t customer;
	int	 month;			/* YYYYMM */
	char	 name[SD_NAME_MAX + 1];
	char	 phone[SD_MSISDN_MAX + 1];		/* the first number billed */
	char	 plans[97];		/* 套餐名称 */
	struct sd_bill_line lines[SD_BILL_LINES_MAX];
	int	 nlines;
	int64_t	 plan_fee_fen;
	int64_t	 vas_fee_fen;		/* 新业务费 */
	int64_t	 call_fee_fen;		/* 通话费 */
	int64_t	 one_off_fen;		/* charged at the sale */
	int64_t	 adjust_fen;
	int64_t	 total_fen;		/* 费用合计 */
	int64_t	 paid_fen;		/* 实缴 */
	/* What bill runs posted of plan, services and calls. */
	int64_t	 posted_plan_fen, posted_vas_fen, posted_call_fen;
	int64_t	 created;
};

struct sd_bill_run_result {
	long	 customers;		/* billed */
	long	 changed;		/* whose bill was new or changed */
	int64_t	 posted_fen;		/* posted by this run */
	long	 suspended;
	int64_t	 total_fen;		/* the bills' totals (费用合计) */
};

/*
 * Bill month M (YYYYMM) for every customer with a subscription in it.  A
 * rerun recomputes each bill and posts only the difference from what was
 * posted before: nothing changed, nothing posted, byte-identical bills.
 * Customers are billed in small transactions, so cashiers keep working.
 */
int	sd_bill_run(struct sd_session *s, int month,
	    void (*progress)(long done, long total, void *arg), void *arg,
	    struct sd_bill_run_result *r, struct sd_err *err);
/*
 * The month a bill run may bill, as typed ("YYYY-MM"): SD_EINVAL naming
 * the month when it is not one, SD_EREFUSED when it has not begun (the
 * rules sd_bill_run applies).  *month: YYYYMM.
 */
int	sd_bill_month_check(const char *s, int *month, struct sd_err *err);
int	sd_bill_get(struct sd_session *s, const char *customer, int month,
	    struct sd_bill *out, struct sd_err *err);
typedef int (*sd_bill_cb)(const struct sd_bill *b, void *arg);
int	sd_bill_list(struct sd_session *s, int month, int unpaid_only,
	    sd_bill_cb cb, void *arg, struct sd_err *err);
/* Every bill of one customer, oldest first. */
int	sd_bill_history(struct sd_session *s, const char *customer,
	    sd_bill_cb cb, void *arg, struct sd_err *err);
/*
 * A page of bills as list screens scroll: one month's (by customer) or,
 * with customer set, one customer's (by month).  See sd_customer_page.
 */
int	sd_bill_page(struct sd_session *s, int month, const char *customer,
	    const char *anchor, int dir, struct sd_bill *rows,
	    char (*page_keys)[SD_PAGEKEY_MAX], int max, int *n,
	    struct sd_err *err);
/* A supervisor's adjustment (yuan, negative = credit): a posting and a
 * line on the month's bill, never an edit in place. */
int	sd_bill_adjust(struct sd_session *s, const char *customer, int month,
	    const char *amount, const char *reason, struct sd_err *err);
/* The most one adjustment may be, either way: 1,000,000.00 yuan. */
#define SD_ADJUST_MAX_FEN	SD_PAY_MAX_FEN
/* Check one field of an adjustment as it is typed ("amount", "reason"),
 * by the rules sd_bill_adjust applies: SD_EINVAL naming the field. */
int	sd_bill_adjust_field_check(const char *field, const char *value,
	    struct sd_err *err);
const char *sd_bill_kind_name(int kind);

struct sd_balance {
	uint64_t customer;
	char	 name[SD_NAME_MAX + 1];
	int64_t	 balance_fen;		/* payments - charges */
	int64_t	 unpaid_fen;		/* on bills not fully paid */
	int	 unpaid_bills;
	int64_t	 credit_fen;		/* suspended below -credit */
	int	 suspended;		/* any card suspended for debt */
};

int	sd_balance_get(struct sd_session *s, const char *customer,
	    struct sd_balance *out, struct sd_err *err);

/* ---------------------------------------------------------------- payments, receipts */

#define SD_RECEIPT_ALLOC_MAX 24

struct sd_receipt {
	char	 number[24];		/* series + 8 digits, gapless */
	uint64_t customer;
	char	 name[SD_NAME_MAX + 1];
	char	 phone[24];
	int64_t	 amount_fen;
	char	 method[12];		/* cash, card, wechat, alipay */
	char	 note[97];
	char	 cashier[SD_LOGIN_MAX + 1];
	int64_t	 at;
	int	 months[SD_RECEIPT_ALLOC_MAX];	/* bills it paid, YYYYMM */
	int64_t	 alloc_fen[SD_RECEIPT_ALLOC_MAX];
	int	 nalloc;
	int64_t	 credit_fen;		/* left over, on the account */
	int64_t	 balance_after_fen;
	int	 voided;
	char	 void_reason[97];
	char	 void_by[SD_LOGIN_MAX + 1];
	int64_t	 void_at;
	int	 prints;
};

/*
 * Take a payment (收费): the oldest unpaid bills first, the rest as credit;
 * posted; a receipt numbered in this counter's series (receipts.series).
 * Cards suspended for debt are restored when the balance allows.
 */
int	sd_pay(struct sd_session *s, const char *customer, const char *amount,
	    const char *method, const char *note, struct sd_receipt *out,
	    struct sd_err *err);
int	sd_receipt_get(struct sd_session *s, const char *number,
	    struct sd_receipt *out, struct sd_err *err);
/* Count a print: *copy is 1 when it was printed before (a reprint). */
int	sd_receipt_printed(struct sd_session *s, const char *number,
	    struct sd_receipt *out, int *copy, struct sd_err *err);
/* The receipts cashier (NULL: the session's user) took in [from, to),
 * oldest first; a cashier sees only their own. */
typedef int (*sd_receipt_cb)(const struct sd_receipt *r, void *arg);
int	sd_receipt_list(struct sd_session *s, const char *cashier,
	    int64_t from, int64_t to, sd_receipt_cb cb, void *arg,
	    struct sd_err *err);
/* A supervisor voids a receipt: a reversing posting; the number stays. */
int	sd_receipt_void(struct sd_session *s, const char *number,
	    const char *reason, struct sd_err *err);
/*
 * The receipt laid out for paper of cols columns (32 or 48), Chinese
 * double width aware, one line per '\n'; header is the shop's name.
 */
void	sd_receipt_text(const struct sd_receipt *r, const char *header,
	    int cols, int copy, struct sd_buf *out);

struct sd_shift {
	char	 cashier[SD_LOGIN_MAX + 1];
	int64_t	 from, to;
	char	 first[24], last[24];	/* receipt numbers */
	long	 receipts;
	long	 voids;
	int64_t	 voided_fen;
	int64_t	 by_method[4];		/* cash, card, wechat, alipay */
	int64_t	 expected_cash_fen;
	int64_t	 counted_cash_fen;	/* -1: not counted */
};

/*
 * Print a receipt on a configured printer: counted as a print (a reprint
 * says COPY) and queued for simdeskd, which drives the printers.  *out
 * (may be NULL) gets the receipt, *copy whether it was a reprint.
 */
int	sd_print_queue(struct sd_session *s, const char *printer,
	    const char *number, int cols, struct sd_receipt *out, int *copy,
	    struct sd_err *err);
/* simdeskd: print every queued job; *printed and *failed count them. */
/* The notify key (sd_db_notify_hook) of a committed receipt print job. */
#define SD_PRINT_NOTIFY	"P:"
int	sd_print_run(struct sd_core *core,
	    int (*print)(const char *device, const char *text, struct sd_err *e),
	    int *printed, int *failed, struct sd_err *err);

/* Close the cashier's shift: receipts since the last close. */
int	sd_shift_close(struct sd_session *s, const char *counted,
	    struct sd_shift *out, struct sd_err *err);
/* The cash counted at a close: fen, or -1 for empty (not counted). */
int	sd_counted_check(const char *counted, int64_t *fen, struct sd_err *err);
/* The same figures for the shift so far, closing nothing. */
int	sd_shift_report(struct sd_session *s, struct sd_shift *out,
	    struct sd_err *err);
extern const char *const sd_pay_methods[];

#endif
