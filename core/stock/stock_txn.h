/*
 * core/stock/stock_txn.h -- what later domains may use of stock inside their transactions:
 * plans, cards, agents and subscriptions.
 */
#ifndef SD_STOCK_TXN_H
#define SD_STOCK_TXN_H

#include "core/crm/crm_txn.h"

/* Each subscription of a customer, in order: fn returns SD_OK to go on,
 * SUB_STOP to stop, or an error that ends the walk. */
#define SUB_STOP (-1000)
typedef int (*sub_each_fn)(struct sd_txn *t, const struct sd_subscription *u,
    void *arg, struct sd_err *err);
int	subs_each(struct sd_txn *t, uint64_t customer, sub_each_fn fn, void *arg,
	    struct sd_err *err);

/* Every subscription, in id order (the same fn as subs_each). */
int	subs_all(struct sd_txn *t, sub_each_fn fn, void *arg,
	    struct sd_err *err);

/* 1 if agent code is root or below it (root "": every agent). */
int	agent_in_subtree(struct sd_txn *t, const char *root, const char *code);

/* End the running subscription of a card (it was terminated). */
int	subscription_end(struct sd_txn *t, uint64_t customer, const char *iccid,
	    int64_t when, struct sd_err *err);

/* The subscription of msisdn running at time when (0 if none). */
int	subscription_at(struct sd_txn *t, const char *msisdn, int64_t when,
	    struct sd_subscription *out, struct sd_err *err);

int64_t	order_net_price(int64_t price_fen, int discount_bp);

/* The customers after `after` that have subscriptions, in id order: up
 * to max into ids (*n of them). */
int	subs_customers_after(struct sd_txn *t, uint64_t after, uint64_t *ids,
	    int max, int *n, struct sd_err *err);
/* A plan, a value-added service by code; SD_ENOTFOUND when none. */
int	plan_load(struct sd_txn *t, const char *code, struct sd_plan *p,
	    struct sd_err *err);
int	vas_load(struct sd_txn *t, const char *code, struct sd_vas *out,
	    struct sd_err *err);
/* core_hooks.agent_exists. */
int	agent_exists(struct sd_txn *t, const char *code, struct sd_err *err);
/* Cards and agents inside a transaction (stock.c). */
/* Cards and agents inside a transaction (stock.c). */
int	sim_load(struct sd_txn *t, const char *iccid, struct sd_sim *c, int rmw,
	    struct sd_err *err);

/* n cards that are on file, stored at once (sd_put_replace: only the
 * index entries that change); each must differ from the others. */
int	sim_store_many(struct sd_txn *t, const struct sd_sim *c, int n,
	    struct sd_err *err);

/* By ICCID (19 or 20 digits) or MSISDN (11). */
int	sim_load_key(struct sd_txn *t, const char *key, struct sd_sim *c,
	    int rmw, struct sd_err *err);

int	sim_store(struct sd_txn *t, const struct sd_sim *c, int create,
	    struct sd_err *err);

int	agent_load(struct sd_txn *t, const char *code, struct sd_agent *a,
	    int rmw, struct sd_err *err);
/* Every agent in code order to fn: SD_OK goes on, SUB_STOP stops,
 * anything else is an error it returns. */
int	agents_each(struct sd_txn *t, int (*fn)(struct sd_txn *,
	    const struct sd_agent *, void *, struct sd_err *), void *arg,
	    struct sd_err *err);

/* Codes of plans, agents, tariffs: A-Z a-z 0-9 _ -, 1 to 16. */
int	check_code(const char *field, const char *s, struct sd_err *err);

/* Each delivered order of agent (NULL: of every agent), in id order
 * (oldest first), to fn: SD_OK
 * goes on, SUB_STOP stops, anything else is an error it returns. */
int	orders_delivered_each(struct sd_txn *t, const char *agent,
	    int (*fn)(struct sd_txn *, const struct sd_order *, void *,
	    struct sd_err *), void *arg, struct sd_err *err);

/* For core/domains.c. */
extern const struct sd_table_def stock_tables[6];
int	stock_verify(struct sd_txn *t, struct rec_verify *v, struct sd_err *err);

#endif
