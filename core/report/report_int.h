/*
 * core/report/report_int.h -- private to core/report/: the rollup tables
 * and what the files share of them.
 */
#ifndef SD_REPORT_INT_H
#define SD_REPORT_INT_H

#include "core/report/report_txn.h"

/* Tables (numbers in core/rec/rec.h): calls per (day, operator), sales
 * per (day, agent, plan, channel, seller). */
enum { T_RCALL = SD_T_REPORT, T_RSALE };

/* A rollup key: the day (be32) then the names, each ending in a NUL. */
#define RKEY_MAX	96
#define RNAMES		4
struct rkey {
	int	 day;
	char	 name[RNAMES][SD_LOGIN_MAX + 1];	/* operator; or agent,
							 * plan, channel, seller */
};
size_t	rkey_encode(const struct rkey *k, int nnames, uint8_t *out);
int	rkey_decode(const void *p, size_t n, int nnames, struct rkey *k);

/* A rollup's figures: SD_RC__N of calls, SD_RS__N of sales. */
struct rvals {
	int64_t	 v[SD_REPORT_VALS];
};
void	rvals_encode(const struct rvals *r, int n, struct sd_buf *b);
int	rvals_decode(const void *p, size_t len, int n, struct rvals *r);
/* Add b into a: sums, but the longest call (calls' SD_RC_LONGEST_S) is
 * the larger. */
void	rvals_add(struct rvals *a, const struct rvals *b, int table);

/* The day's key of a call and what it adds. */
void	call_rollup(const struct sd_call *c, struct rkey *k, struct rvals *r);
void	sale_rollup(const struct sd_subscription *u, struct rkey *k,
	    struct rvals *r);

/* The rollup's key names and figures per table. */
#define RT_NAMES(tb)	((tb) == T_RCALL ? 1 : 4)
#define RT_VALS(tb)	((tb) == T_RCALL ? SD_RC__N : SD_RS__N)

#endif
