/*
 * core/money/money.h -- agent money (结算管理): commission schemes and
 * their versions, the commission entries accrued at activation and at
 * payment, the monthly run and the agents' statements (结算单).
 *
 * Amounts are fen, percentages basis points (1% = 100), never floating
 * point; every split is rounded half-up to the fen on its own.
 */
#ifndef SD_MONEY_H
#define SD_MONEY_H

#include "core/base/base.h"

#define SD_SCHEME_PLANS		16
#define SD_SCHEME_TIERS		8
#define SD_SCHEME_LEVELS	4
/* The scheme of every agent that has none of its own up its branch. */
#define SD_SCHEME_DEFAULT	"DEFAULT"

struct sd_scheme_plan {
	char	 plan[SD_CODE_MAX + 1];
	int64_t	 bounty_fen;		/* 激活奖励, per activated card */
	int	 share_bp;		/* 月租分成 of what the customer pays */
	int	 share_months;		/* for the first N billing months */
};

struct sd_scheme_tier {
	int	 from_nth;		/* from the Nth activation of a month */
	int64_t	 bonus_fen;		/* each, 阶梯 */
};

/* One version of a scheme: a change makes a new one, never an edit. */
struct sd_scheme {
	char	 code[SD_CODE_MAX + 1];
	int	 version;		/* 1, 2, ... */
	char	 name[SD_NAME_MAX + 1];
	int64_t	 from;			/* effective from (local midnight) */
	int	 frozen_days;		/* 冻结期 */
	int	 protect_days;		/* protection window */
	int	 override_bp[SD_SCHEME_LEVELS];	/* 多级分佣, level 1 = parent */
	int	 noverride;
	struct sd_scheme_plan plans[SD_SCHEME_PLANS];
	int	 nplans;
	struct sd_scheme_tier tiers[SD_SCHEME_TIERS];
	int	 ntiers;
	char	 by[SD_LOGIN_MAX + 1];
	int64_t	 created;
};

/* What `commission scheme add` and friends change. */
struct sd_scheme_fields {
	const char	*name;
	const char	*from;		/* YYYY-MM-DD, or NULL: today */
	const char	*frozen_days, *protect_days;
	const char	*overrides;	/* "20,10": percent per level */
};

enum sd_comm_kind { SD_COMM_BOUNTY = 0, SD_COMM_SHARE, SD_COMM_TIER,
    SD_COMM_OVERRIDE, SD_COMM_CLAWBACK, SD_COMM__KINDS };
enum sd_comm_state { SD_COMM_PENDING = 0, SD_COMM_PAYABLE, SD_COMM_SETTLED,
    SD_COMM_CANCELLED, SD_COMM__STATES };

/* One commission entry (佣金明细): never edited but for its state and the
 * statement it is on; a correction is a new entry. */
struct sd_comm {
	uint64_t id;
	char	 agent[SD_CODE_MAX + 1];
	int	 kind;
	int	 state;
	int64_t	 amount_fen;
	int64_t	 base_fen;		/* what a share or override is of */
	int	 rate_bp;		/* the share's or override's rate */
	char	 scheme[SD_CODE_MAX + 1];
	int	 version;		/* the scheme version it used */
	char	 iccid[SD_ICCID_MAX + 1];
	char	 plan[SD_CODE_MAX + 1];
	uint64_t sub;
	char	 source[40];		/* card:ICCID, payment:RECEIPT, entry:ID */
	uint64_t parent;		/* override, clawback: the entry it is of */
	int	 level;			/* override: 1 = parent */
	int64_t	 at;			/* the event's date */
	int	 month;			/* YYYYMM of at */
	int64_t	 matures;		/* at + frozen days */
	int	 protect_days;		/* copied from the version */
	uint64_t stmt;			/* the statement it is on, 0: none */
	int	 clawed;		/* a bounty or share: clawed back or
					 * cancelled */
	int64_t	 created;
};

const char *sd_comm_kind_name(int kind);
const char *sd_comm_state_name(int state);
int	sd_comm_state_parse(const char *s);

enum sd_stmt_state { SD_STMT_DRAFT = 0, SD_STMT_APPROVED, SD_STMT_PAID };

/* An agent's statement for a month (结算单): one per agent and month. */
struct sd_stmt {
	uint64_t id;
	char	 agent[SD_CODE_MAX + 1];
	int	 month;			/* YYYYMM */
	int	 state;
	int64_t	 total_fen;
	long	 lines;
	char	 method[12];		/* bank, cash, offset */
	char	 ref[65];
	char	 approved_by[SD_LOGIN_MAX + 1], paid_by[SD_LOGIN_MAX + 1];
	int64_t	 approved_at, paid_at, created;
};

const char *sd_stmt_state_name(int state);
int	sd_stmt_state_parse(const char *s);

/* ---------------------------------------------------------------- schemes */

void	sd_scheme_fields_init(struct sd_scheme_fields *f);
/* A new scheme, or a new version of one with these fields changed. */
int	sd_scheme_add(struct sd_session *s, const char *code,
	    const struct sd_scheme_fields *f, int *version, struct sd_err *err);
/* A new version with plan's bounty (yuan), and with share (percent) over
 * months billing months when share is not NULL. */
int	sd_scheme_bounty(struct sd_session *s, const char *code,
	    const char *plan, const char *amount, const char *share,
	    const char *months, const char *from, int *version,
	    struct sd_err *err);
/* A new version with the tier from the from_nth activation on. */
int	sd_scheme_tier(struct sd_session *s, const char *code,
	    const char *from_nth, const char *amount, const char *from,
	    int *version, struct sd_err *err);
/* Every version of code (NULL: the latest version of every scheme). */
typedef int (*sd_scheme_cb)(const struct sd_scheme *v, void *arg);
int	sd_scheme_list(struct sd_session *s, const char *code, sd_scheme_cb cb,
	    void *arg, struct sd_err *err);
/* A scheme at a glance (the TUI's list): its latest version, how many
 * versions it has, the one in force now, and how many of the agents the
 * caller may see have it in force (own or inherited) and as their own. */
struct sd_scheme_summary {
	struct sd_scheme latest;
	int	 versions;
	int	 current;		/* in force now; 0: none yet */
	int64_t	 current_from;
	long	 agents, agents_own;
};
typedef int (*sd_scheme_summary_cb)(const struct sd_scheme_summary *sm,
    void *arg);
int	sd_scheme_summary(struct sd_session *s, sd_scheme_summary_cb cb,
	    void *arg, struct sd_err *err);
/* Give an agent a scheme ("" or "-": none, it inherits). */
int	sd_agent_scheme_set(struct sd_session *s, const char *agent,
	    const char *scheme, struct sd_err *err);
/* The scheme in force for an agent: its own or inherited. */
int	sd_agent_scheme_get(struct sd_session *s, const char *agent,
	    char *scheme, size_t size, int *inherited, struct sd_err *err);

/* ---------------------------------------------------------------- entries */

struct sd_comm_filter {
	const char	*agent;		/* this agent's subtree, or NULL */
	int		 month;		/* YYYYMM or 0 */
	int		 state;		/* or -1 */
	uint64_t	 stmt;		/* on this statement, or 0 */
};

typedef int (*sd_comm_cb)(const struct sd_comm *e, void *arg);
int	sd_comm_list(struct sd_session *s, const struct sd_comm_filter *f,
	    sd_comm_cb cb, void *arg, struct sd_err *err);

/* ---------------------------------------------------------------- the run, statements */

struct sd_comm_run_result {
	long	 agents;		/* with a statement for the month */
	long	 tiers;			/* tier entries of the month */
	long	 payable;		/* entries payable, not yet settled */
	int64_t	 total_fen;		/* the month's draft statements */
};

int	sd_comm_run(struct sd_session *s, int month,
	    struct sd_comm_run_result *r, struct sd_err *err);

typedef int (*sd_stmt_cb)(const struct sd_stmt *st, void *arg);
int	sd_stmt_list(struct sd_session *s, const char *agent, int month,
	    int state, sd_stmt_cb cb, void *arg, struct sd_err *err);
int	sd_stmt_get(struct sd_session *s, uint64_t id, struct sd_stmt *out,
	    struct sd_err *err);
int	sd_stmt_approve(struct sd_session *s, uint64_t id, struct sd_err *err);
/* method: bank, cash or offset (against the agent's receivable). */
int	sd_stmt_pay(struct sd_session *s, uint64_t id, const char *method,
	    const char *ref, struct sd_err *err);

/* ---------------------------------------------------------------- invoices */

enum sd_invoice_state { SD_INV_ISSUED = 0, SD_INV_VOID };

/* A sales invoice (发票), one per delivered order, numbered gapless in
 * its series (INV00000001...), or one of a customer's bill on request (in
 * the series BINV00000001...); a void leaves it on file and issues a
 * reversing (red, 红字) invoice of the negative amount in its series. */
struct sd_invoice {
	char	 number[24];
	int	 state;
	uint64_t order;			/* the order it is of, or 0 */
	char	 agent[SD_CODE_MAX + 1];	/* the buyer of an order */
	uint64_t customer;		/* a bill's: its customer */
	int	 month;			/* ... and month, YYYYMM */
	char	 name[SD_NAME_MAX + 1];	/* ... the customer's name */
	char	 plan[SD_CODE_MAX + 1];
	int	 count;
	int64_t	 amount_fen;
	char	 reverses[24];		/* a reversing invoice: the voided one */
	char	 reversed_by[24];	/* a voided one: its reversal */
	char	 fapiao[33];		/* the tax system's number, once issued */
	char	 void_reason[129];
	char	 by[SD_LOGIN_MAX + 1];
	int64_t	 at;
};

typedef int (*sd_invoice_cb)(const struct sd_invoice *inv, void *arg);
int	sd_invoice_list(struct sd_session *s, sd_invoice_cb cb, void *arg,
	    struct sd_err *err);
int	sd_invoice_get(struct sd_session *s, const char *number,
	    struct sd_invoice *out, struct sd_err *err);
/* Void with a reason: a reversing invoice; its number in *rev. */
int	sd_invoice_void(struct sd_session *s, const char *number,
	    const char *reason, char *rev, size_t size, struct sd_err *err);
/* Invoice a customer's bill of month ("YYYY-MM") on request: its total,
 * one live invoice a bill; the number in *number. */
int	sd_invoice_bill(struct sd_session *s, const char *customer,
	    const char *month, char *number, size_t size, struct sd_err *err);
/* Queue the invoice, laid out cols wide, for printer (ESC/POS, printed by
 * simdeskd as a receipt is). */
int	sd_invoice_print_queue(struct sd_session *s, const char *printer,
	    const char *number, int cols, struct sd_err *err);
/* The official fapiao number, once the tax system has issued it. */
int	sd_invoice_fapiao(struct sd_session *s, const char *number,
	    const char *fapiao, struct sd_err *err);
/* The invoice as plain text cols wide, or as CSV (csv non-zero). */
void	sd_invoice_text(const struct sd_invoice *inv, int cols, int csv,
	    struct sd_buf *out);

/* ---------------------------------------------------------------- collections */

#define SD_AGRCPT_ALLOC_MAX 32

/* An agent's payment of its receivable (收款), numbered gapless in the
 * agent series (AR00000001...). */
struct sd_agent_receipt {
	char	 number[24];
	char	 agent[SD_CODE_MAX + 1];
	int64_t	 amount_fen;
	char	 method[12];		/* bank, cash, transfer */
	char	 ref[65];
	char	 by[SD_LOGIN_MAX + 1];
	int64_t	 at;
	uint64_t orders[SD_AGRCPT_ALLOC_MAX];	/* the delivered orders paid */
	int64_t	 alloc_fen[SD_AGRCPT_ALLOC_MAX];
	int	 nalloc;
	int64_t	 unallocated_fen;	/* more than the orders owed */
	int64_t	 receivable_after_fen;
};

/* Take an agent's payment: the oldest delivered orders first; posted
 * (pay:METHOD against agent:CODE:recv), which frees its credit. */
int	sd_agent_pay(struct sd_session *s, const char *agent,
	    const char *amount, const char *method, const char *ref,
	    struct sd_agent_receipt *out, struct sd_err *err);
int	sd_agent_receipt_get(struct sd_session *s, const char *number,
	    struct sd_agent_receipt *out, struct sd_err *err);
/* The receipt as plain text, cols wide. */
void	sd_agent_receipt_text(const struct sd_agent_receipt *r, int cols,
	    struct sd_buf *out);

/* What an agent owes by age of the delivered orders (0-30, 31-60, 61-90,
 * over 90 days). */
struct sd_aging {
	char	 agent[SD_CODE_MAX + 1];
	int64_t	 bucket_fen[4];
	int64_t	 total_fen;
	int64_t	 receivable_fen;	/* the ledger's */
};
typedef int (*sd_aging_cb)(const struct sd_aging *a, void *arg);
/* Of agent and its branch (NULL: every agent the caller may see). */
int	sd_agent_aging(struct sd_session *s, const char *agent, sd_aging_cb cb,
	    void *arg, struct sd_err *err);

#endif
