/*
 * core/stock/stock.h -- plans and VAS, distributor agents, SIM cards (stock, grading,
 * stocktake, allocation, activation) and agents' orders.
 */
#ifndef SD_STOCK_H
#define SD_STOCK_H

#include "core/crm/crm.h"

/* ---------------------------------------------------------------- plans, VAS */

struct sd_plan {
	char	 code[SD_CODE_MAX + 1];
	char	 name[SD_NAME_MAX + 1];
	int64_t	 monthly_fen;
	int	 minutes;
	int	 sms;
	char	 tariff[SD_CODE_MAX + 1];
	char	 vas[8][SD_CODE_MAX + 1];		/* value-added services it allows */
	int	 nvas;
	int	 retired;
	int64_t	 created;
};

struct sd_vas {
	char	 code[SD_CODE_MAX + 1];
	char	 name[SD_NAME_MAX + 1];
	int64_t	 monthly_fen;
};

/* Fields of a plan; NULL / -1 = not given.  Money as yuan strings. */
struct sd_plan_fields {
	const char	*name;
	const char	*monthly_fee;
	int		 minutes;
	int		 sms;
	const char	*tariff;
	const char	*vas;		/* comma-separated codes */
};

/* The most included minutes or SMS a plan may have. */
#define SD_PLAN_QTY_MAX	1000000

void	sd_plan_fields_init(struct sd_plan_fields *f);
/*
 * One field of a plan as typed (not empty), by the name its messages give
 * it: "plan" (the code), "name", "monthly-fee", "minutes", "sms", "tariff",
 * "vas".  The checks sd_plan_add makes without the database (a taken code,
 * an unknown service need it); SD_EINVAL names the field and the rule.
 * sd_vas_check ("vas", "name", "monthly-fee") and sd_agent_check ("agent",
 * "name", "parent", "credit-limit", "discount", "region") do the same for
 * sd_vas_add and sd_agent_add.
 */
int	sd_plan_check(const char *field, const char *value, struct sd_err *err);
int	sd_vas_check(const char *field, const char *value, struct sd_err *err);
int	sd_agent_check(const char *field, const char *value,
	    struct sd_err *err);
int	sd_plan_add(struct sd_session *s, const char *code,
	    const struct sd_plan_fields *f, struct sd_err *err);
int	sd_plan_update(struct sd_session *s, const char *code,
	    const struct sd_plan_fields *f, struct sd_err *err);
/* Retired plans stay for existing subscriptions but cannot be sold. */
int	sd_plan_retire(struct sd_session *s, const char *code,
	    struct sd_err *err);
int	sd_plan_get(struct sd_session *s, const char *code, struct sd_plan *out,
	    struct sd_err *err);
typedef int (*sd_plan_cb)(const struct sd_plan *p, void *arg);
int	sd_plan_list(struct sd_session *s, sd_plan_cb cb, void *arg,
	    struct sd_err *err);
int	sd_vas_add(struct sd_session *s, const char *code, const char *name,
	    const char *monthly_fee, struct sd_err *err);
typedef int (*sd_vas_cb)(const struct sd_vas *v, void *arg);
int	sd_vas_list(struct sd_session *s, sd_vas_cb cb, void *arg,
	    struct sd_err *err);

/* ---------------------------------------------------------------- agents */

#define SD_REGION_MAX	48

enum sd_agent_status { SD_AGENT_APPLIED = 0, SD_AGENT_APPROVED,
    SD_AGENT_SUSPENDED };

struct sd_agent {
	char	 code[SD_CODE_MAX + 1];
	char	 name[SD_NAME_MAX + 1];
	char	 parent[SD_CODE_MAX + 1];		/* "" = top level */
	int	 status;
	int64_t	 credit_fen;
	char	 region[SD_REGION_MAX + 1];
	int	 discount_bp;		/* off list price on orders, 1/100 % */
	int	 depth;			/* filled by tree walks */
	long	 held;			/* tree walks: cards allocated to it */
	long	 sold_month;		/* and its activations this month */
	int64_t	 created;
};

const char *sd_agent_status_name(int status);
/* Fields of an agent; NULL = not given.  Credit limit in yuan, discount
 * in percent ("7.5"). */
struct sd_agent_fields {
	const char	*name;
	const char	*parent;
	const char	*credit_limit;
	const char	*discount;
	const char	*region;
};

void	sd_agent_fields_init(struct sd_agent_fields *f);
/* Add an agent (applied). */
int	sd_agent_add(struct sd_session *s, const char *code,
	    const struct sd_agent_fields *f, struct sd_err *err);
/* Change name, credit limit, discount or region (supervisor). */
int	sd_agent_update(struct sd_session *s, const char *code,
	    const struct sd_agent_fields *f, struct sd_err *err);
int	sd_agent_set_status(struct sd_session *s, const char *code, int status,
	    struct sd_err *err);
int	sd_agent_get(struct sd_session *s, const char *code,
	    struct sd_agent *out, struct sd_err *err);
typedef int (*sd_agent_cb)(const struct sd_agent *a, void *arg);
/* The subtree under root ("" = all), depth first, each with its depth. */
int	sd_agent_tree(struct sd_session *s, const char *root, sd_agent_cb cb,
	    void *arg, struct sd_err *err);
/* The figures later issues rank agents by. */
struct sd_agent_stats {
	long	 held;			/* cards allocated to it, unsold */
	long	 sold_month;		/* activations this calendar month */
	long	 sold_total;
	long	 orders_open;		/* submitted, approved or shipped */
	long	 orders;
	int64_t	 receivable_fen;	/* what it owes for delivered stock */
};
int	sd_agent_stats(struct sd_session *s, const char *code,
	    struct sd_agent_stats *out, struct sd_err *err);
/* The start of the calendar month holding t, local time. */
int64_t	sd_month_start(int64_t t);
/* 1 if agent code is in the subtree of root (root itself included). */
int	sd_agent_in_subtree(struct sd_session *s, const char *root,
	    const char *code);

/* ---------------------------------------------------------------- SIM cards */

enum sd_sim_status {
	SD_SIM_IN_STOCK = 0, SD_SIM_RESERVED, SD_SIM_ALLOCATED, SD_SIM_ACTIVE,
	SD_SIM_SUSPENDED, SD_SIM_TERMINATED, SD_SIM_RETURNED,
	SD_SIM__COUNT
};

struct sd_sim {
	char	 iccid[SD_ICCID_MAX + 1];
	char	 msisdn[SD_MSISDN_MAX + 1];
	char	 imsi[16];
	char	 card_type[17];
	char	 plan[SD_CODE_MAX + 1];
	int64_t	 price_fen;
	char	 grade[17];		/* "" = ordinary */
	char	 batch[33];
	char	 warehouse[33];
	char	 agent[SD_CODE_MAX + 1];
	int	 status;
	uint64_t customer;
	uint64_t order;			/* the order reserving or delivering it */
	char	 reason[129];		/* of the last move */
	int64_t	 updated;
	int64_t	 created;
};

const char *sd_sim_status_name(int status);
int	sd_sim_status_parse(const char *s);
/*
 * A 20-digit ICCID must pass the Luhn check; a 19-digit one gets its
 * check digit appended (*appended set).  out holds SD_ICCID_MAX + 1
 * bytes.
 */
int	sd_iccid_check(const char *in, char *out, int *appended,
	    struct sd_err *err);
/* 11-digit mainland mobile number 1[3-9]xxxxxxxxx. */
int	sd_msisdn_check(const char *s, struct sd_err *err);
/*
 * The number grade (靓号) of an MSISDN by the rules, best first: the grade
 * name ("" = ordinary), the rule that matched, and its price premium.
 */
struct sd_grade {
	char	 grade[17];
	char	 rule[64];
	int64_t	 premium_fen;
};
void	sd_grade_msisdn(const struct sd_config *c, const char *msisdn,
	    struct sd_grade *out);
/*
 * A grading rule: "tail PATTERN" (the number ends in PATTERN: the same
 * letter is the same digit, different letters different digits, digits
 * themselves, ? any), "run N" (the last N digits count up or down by one)
 * or "count D N" (digit D at least N times after the network prefix).
 * 1 if msisdn matches; -1 if the rule is malformed.
 */
int	sd_grade_rule_match(const char *rule, const char *msisdn);

struct sd_sim_fields {
	const char	*iccid;
	const char	*msisdn;
	const char	*imsi;
	const char	*card_type;
	const char	*plan;
	const char	*price;		/* yuan; default: the plan has none, 0 */
	const char	*batch;
	const char	*warehouse;
};

void	sd_sim_fields_init(struct sd_sim_fields *f);
/* Add one card to stock; iccid_out (SD_ICCID_MAX + 1 bytes, or NULL)
 * gets its ICCID as stored.  When a 19-digit one got its check digit,
 * err holds SD_OK and says so. */
int	sd_sim_add(struct sd_session *s, const struct sd_sim_fields *f,
	    char *iccid_out, struct sd_err *err);
/* By ICCID or MSISDN. */
int	sd_sim_find(struct sd_session *s, const char *key, struct sd_sim *out,
	    struct sd_err *err);
/*
 * The state machine, the only way a card changes state: in_stock ->
 * reserved -> allocated -> active -> suspended -> terminated, returned
 * back to stock.  SD_EREFUSED names the current and the wanted state.
 */
int	sd_sim_move(struct sd_session *s, const char *iccid, int to,
	    const char *reason, struct sd_err *err);
int	sd_sim_transition_ok(int from, int to);

struct sd_sim_filter {
	int		 status;	/* -1 any */
	const char	*agent;
	const char	*plan;
	const char	*grade;
	const char	*warehouse;
	const char	*msisdn_prefix;
};

typedef int (*sd_sim_cb)(const struct sd_sim *c, void *arg);
int	sd_sim_list(struct sd_session *s, const struct sd_sim_filter *f,
	    sd_sim_cb cb, void *arg, struct sd_err *err);
/* A page of cards as the list screens scroll (see sd_customer_page). */
int	sd_sim_page(struct sd_session *s, const struct sd_sim_filter *f,
	    const char *anchor, int dir, struct sd_sim *rows,
	    char (*page_keys)[SD_PAGEKEY_MAX], int max, int *n,
	    struct sd_err *err);
/* How many cards of each state match f (its status ignored). */
int	sd_sim_counts(struct sd_session *s, const struct sd_sim_filter *f,
	    long counts[SD_SIM__COUNT], struct sd_err *err);
/*
 * Allocate in-stock cards to an approved agent: the listed ICCIDs, a range
 * FIRST-LAST of ICCIDs, or the first count in stock of a plan.  All or
 * nothing; *n is how many.
 */
int	sd_sim_allocate(struct sd_session *s, const char *agent,
	    const char *const *iccids, int nids, const char *range, int count,
	    const char *plan, int *n, struct sd_err *err);
/* Move allocated cards to another agent of the same branch (admin: any). */
int	sd_sim_transfer(struct sd_session *s, const char *to_agent,
	    const char *const *iccids, int nids, struct sd_err *err);

struct sd_subscription {
	uint64_t id;
	char	 iccid[SD_ICCID_MAX + 1];
	char	 msisdn[SD_MSISDN_MAX + 1];
	uint64_t customer;
	char	 plan[SD_CODE_MAX + 1];
	char	 vas[8][SD_CODE_MAX + 1];
	int	 nvas;
	int64_t	 from;			/* active from */
	char	 channel[16];		/* store, agent, online, telesales */
	char	 seller[SD_LOGIN_MAX + 1];
	char	 agent[SD_CODE_MAX + 1];
	int64_t	 price_fen;
	int64_t	 ended;			/* terminated at, 0 = running */
};

struct sd_activation {
	const char	*iccid;
	uint64_t	 customer;
	const char	*customer_key;	/* or by id or phone, resolved in core:
					 * an agent may sell without browsing */
	const char	*channel;	/* NULL = store */
	const char	*agent;		/* NULL = the card's */
	const char	*price;		/* yuan; NULL = the card's list price */
	const char	*vas;		/* comma-separated, allowed by the plan */
	int64_t		 date;		/* 0 = now */
	const char	*operator;	/* who made the sale (sub.seller);
					 * NULL = the acting user.  Admins
					 * and supervisors may name another */
};

/*
 * Sell a card: it must be in stock or allocated (exit 6 otherwise).  The
 * subscription starts, the card becomes active for the customer, and the
 * price is posted to the customer's account.  *id is the subscription.
 */
int	sd_sim_activate(struct sd_session *s, const struct sd_activation *a,
	    uint64_t *id, struct sd_err *err);
/*
 * Activations from a table (iccid, customer (id or phone), channel, agent,
 * price, vas, date, operator): all in one transaction, or none; with rejects the
 * bad rows go there and the rest go in.
 */
int	sd_sim_activate_file(struct sd_session *s, const char *file,
	    const struct sd_table *t, const char *rejects,
	    void (*progress)(long done, long total, void *arg),
	    void *progress_arg, struct sd_import_result *r, struct sd_err *err);
typedef int (*sd_sub_cb)(const struct sd_subscription *sub, void *arg);
int	sd_subscription_list(struct sd_session *s, uint64_t customer,
	    sd_sub_cb cb, void *arg, struct sd_err *err);

/* ---------------------------------------------------------------- orders */

enum sd_order_status { SD_ORDER_SUBMITTED = 0, SD_ORDER_APPROVED,
    SD_ORDER_SHIPPED, SD_ORDER_DELIVERED, SD_ORDER_REJECTED,
    SD_ORDER_CANCELLED, SD_ORDER__COUNT };

struct sd_order {
	uint64_t id;
	char	 agent[SD_CODE_MAX + 1];
	char	 plan[SD_CODE_MAX + 1];
	int	 count;
	int	 status;
	int64_t	 value_fen;		/* the reserved cards' prices to the
					 * agent: list less its discount */
	int	 discount_bp;		/* the agent's, at approval */
	int	 named;			/* the cards were named when ordered */
	int	 returned;		/* cards sent back after delivery */
	int64_t	 returned_fen;		/* and the value credited for them */
	char	 carrier[33];
	char	 tracking[65];
	char	 reason[129];
	char	 by[SD_LOGIN_MAX + 1];
	int64_t	 created;
	int64_t	 updated;
	int64_t	 delivered;		/* when it was delivered, 0: not yet */
	char	 (*iccids)[SD_ICCID_MAX + 1];		/* reserved cards, owned; see free */
	int	 niccids;
};

const char *sd_order_status_name(int status);
void	sd_order_free(struct sd_order *o);
/*
 * An agent (or staff for one) orders count cards of a plan, or the nids
 * cards named in iccids (plan and count then NULL / 0).
 */
int	sd_order_add(struct sd_session *s, const char *agent, const char *plan,
	    int count, const char *const *iccids, int nids, uint64_t *id,
	    struct sd_err *err);
/*
 * Cards of a delivered order come back from the agent (supervisor): they
 * must still be unsold; each becomes returned, and its price to the agent
 * is credited back to the agent's receivable.
 */
int	sd_order_return(struct sd_session *s, uint64_t id,
	    const char *const *iccids, int nids, const char *reason,
	    struct sd_err *err);
/*
 * Approve: enough cards in stock, and the agent's receivable plus this
 * order's value within its credit limit (SD_EREFUSED with the figures);
 * the cards are reserved for the order.
 */
int	sd_order_approve(struct sd_session *s, uint64_t id, struct sd_err *err);
int	sd_order_ship(struct sd_session *s, uint64_t id, const char *carrier,
	    const char *tracking, struct sd_err *err);
/* Cards to the agent; the value to the agent's receivable. */
int	sd_order_deliver(struct sd_session *s, uint64_t id, struct sd_err *err);
/* Reject (supervisor) or cancel: reservations are released. */
int	sd_order_end(struct sd_session *s, uint64_t id, int status,
	    const char *reason, struct sd_err *err);
int	sd_order_get(struct sd_session *s, uint64_t id, struct sd_order *out,
	    struct sd_err *err);
typedef int (*sd_order_cb)(const struct sd_order *o, void *arg);
int	sd_order_list(struct sd_session *s, int status, sd_order_cb cb,
	    void *arg, struct sd_err *err);

/*
 * A file of ICCIDs, one per line (or the first column of a CSV; a header
 * and blank lines are skipped): each checked and normalised (a 19-digit
 * one gets its check digit).  Errors name file:line.  *lines (may be NULL)
 * gets each ICCID's line.  Free *out and *lines.
 */
int	sd_iccid_file(const char *path, char (**out)[SD_ICCID_MAX + 1], int **lines, int *n,
	    struct sd_err *err);

/*
 * Stocktake (盘点) of a warehouse: the scanned ICCIDs against the books,
 * whose cards there are those in stock, reserved or returned.  Each
 * difference goes to cb: missing (on the books, not scanned), unexpected
 * (no such card), wrong_warehouse (booked elsewhere), wrong_state (booked
 * as allocated, sold ...), duplicate (scanned twice).  With apply
 * (supervisor) the adjustments are recorded in one transaction, audited
 * with the reason: a card found here moves to this warehouse, a missing
 * card in stock or returned is written off (terminated).  Unexpected and
 * wrong-state cards need a person and are only reported.
 */
enum sd_stocktake_kind { SD_ST_MISSING, SD_ST_UNEXPECTED,
    SD_ST_WRONG_WAREHOUSE, SD_ST_WRONG_STATE, SD_ST_DUPLICATE, SD_ST__COUNT };

struct sd_stocktake_diff {
	int		 kind;
	char		 iccid[SD_ICCID_MAX + 1];
	int		 line;		/* in the scan file; 0 for missing */
	int		 status;	/* the books' state, -1 unknown */
	char		 warehouse[33];	/* the books' warehouse */
	char		 agent[SD_CODE_MAX + 1];
	int		 adjusted;	/* recorded by apply */
};

struct sd_stocktake_result {
	long	 scanned;		/* distinct ICCIDs scanned */
	long	 booked;		/* cards on the books here */
	long	 matched;
	long	 count[SD_ST__COUNT];
	long	 adjusted;
};

const char *sd_stocktake_kind_name(int kind);
typedef int (*sd_stocktake_cb)(const struct sd_stocktake_diff *d, void *arg);
int	sd_sim_stocktake(struct sd_session *s, const char *warehouse,
	    char (*iccids)[SD_ICCID_MAX + 1], const int *lines, int n, int apply,
	    const char *reason, sd_stocktake_cb cb, void *arg,
	    struct sd_stocktake_result *r, struct sd_err *err);

/* Import cards from a table (iccid,msisdn,imsi,plan,price,batch,warehouse). */
int	sd_sim_import(struct sd_session *s, const char *file,
	    const struct sd_table *t, const char *rejects,
	    struct sd_import_result *r, struct sd_err *err);

#endif
