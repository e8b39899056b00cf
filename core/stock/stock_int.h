/*
 * core/stock/stock_int.h -- private to core/stock/: its tables, indexes and record codecs.
 */
#ifndef SD_STOCK_INT_H
#define SD_STOCK_INT_H

#include "core/stock/stock_txn.h"

/* Tables (numbers in core/rec/rec.h). */
enum { T_PLAN = SD_T_STOCK, T_VAS, T_AGENT, T_SIM, T_SUBSCRIPTION, T_ORDER };
enum { IX_AGENT_PARENT };
/* SIM index keys end in the ICCID (unique, exact paging). */
enum { IX_SIM_MSISDN, IX_SIM_STATUS, IX_SIM_AGENT, IX_SIM_PLAN };
enum { IX_SUB_CUSTOMER, IX_SUB_AGENT, IX_SUB_MSISDN };

void	order_encode(const struct sd_order *o, struct sd_buf *b);
int	order_decode(const void *p, size_t n, struct sd_order *o);
void	vas_encode(const struct sd_vas *v, struct sd_buf *b);
int	vas_decode(const void *p, size_t n, struct sd_vas *out);
void	sub_encode(const struct sd_subscription *u, struct sd_buf *b);
int	sub_decode(const void *p, size_t n, struct sd_subscription *u);
void	plan_encode(const struct sd_plan *p, struct sd_buf *b);
int	plan_decode(const void *p, size_t n, struct sd_plan *out);
void	agent_encode(const struct sd_agent *a, struct sd_buf *b);
int	agent_decode(const void *p, size_t n, struct sd_agent *out);
void	sim_encode(const struct sd_sim *c, struct sd_buf *b);
int	sim_decode(const void *p, size_t n, struct sd_sim *out);

/* A record of a stock table by its string key, raw (SD_ENOTFOUND when
 * absent), and storing one (create: it must not exist yet). */
int	stock_get(struct sd_txn *t, int table, const char *key,
	    struct sd_buf *val, int rmw, struct sd_err *err);
int	stock_put(struct sd_txn *t, int table, const char *key,
	    const struct sd_buf *val, int create, struct sd_err *err);

/*
 * Shared by the files of core/stock/ (each defined where its topic is):
 */
/* A fee or a limit in yuan: 0 or more, to the fen (stock.c). */
int	yuan_check(const char *field, const char *s, int64_t *fen,
	    struct sd_err *err);
/* Is code root or below it?  Walks up the parents (agent.c). */
int	in_subtree(struct sd_txn *t, const char *root, const char *code);
/* The subtree a session may see: all (""), or an agent user's own branch
 * (agent.c). */
int	scope_of(const struct sd_session *s, char *root, size_t size,
	    struct sd_err *err);
/* Keys of index ix on table tab starting with pfx (len bytes); with
 * status >= 0, cards in that status only (agent.c). */
int	count_prefix(struct sd_txn *t, int tab, int ix, const void *pfx,
	    size_t len, int64_t from, int status, long *n, struct sd_err *err);
/* A card's fields checked against the plans in t, into c (sim.c). */
int	sim_build(struct sd_txn *t, const struct sd_config *cfg,
	    const struct sd_sim_fields *f, struct sd_sim *c, int *appended,
	    struct sd_err *err);
/* Allocate the cards first..last (ICCIDs of one length) to agent, each
 * in stock, in bulk; *n how many (alloc.c).  In the caller's transaction,
 * the agent checked. */
int	alloc_range(struct sd_txn *t, struct sd_session *s, const char *agent,
	    const char *first, const char *last, int *n, struct sd_err *err);
/* Plans a file's cards name, each read once a transaction (an import's
 * thousands of cards name a few). */
struct plan_cache {
	int		n;
	struct {
		struct sd_plan	p;
		int		st;	/* SD_OK or SD_ENOTFOUND */
	}		v[16];
};
/* A plan through pc (NULL: plan_load): read once, then copied. */
int	plan_load_cached(struct sd_txn *t, struct plan_cache *pc,
	    const char *code, struct sd_plan *p, struct sd_err *err);
/* The same with the plans read through pc (emptied with each run of
 * the transaction), or plan_load when pc is NULL. */
int	sim_build_pc(struct sd_txn *t, const struct sd_config *cfg,
	    const struct sd_sim_fields *f, struct sd_sim *c, int *appended,
	    struct plan_cache *pc, struct sd_err *err);
/* Name the card already holding c's ICCID or MSISDN (sim.c). */
int	sim_clash(struct sd_txn *t, const struct sd_sim *c, struct sd_err *err);

#endif
