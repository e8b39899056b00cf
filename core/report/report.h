/*
 * core/report/report.h -- reports (报表统计) over rollups kept in the
 * same transaction as the events they count: calls per day and operator,
 * activations per day, agent, plan, channel and seller.  One frame for
 * every report: a period of whole local days, a grouping, filters, role
 * scope and an optional comparison with the period before.
 *
 * Counts are whole numbers, money fen, rates per mille; no floating point.
 */
#ifndef SD_REPORT_H
#define SD_REPORT_H

#include "core/money/money.h"

/* ---------------------------------------------------------------- days, periods */

/*
 * A day is the number of local calendar days since 1970-01-01 (that day
 * is 0): the server's zone (timezone in simdesk.conf, the TZ of every
 * process of core) turns a time into its day, as everywhere in core.
 */
int	sd_days_from_civil(int y, int m, int d);
void	sd_civil_from_days(int day, int *y, int *m, int *d);
/* The local day of time t; the local midnight that starts day. */
int	sd_day_of(int64_t t);
int64_t	sd_day_start(int day);
/* "YYYY-MM-DD" (at least 11 bytes). */
void	sd_day_text(int day, char *out, size_t size);
/* 0 Monday .. 6 Sunday. */
int	sd_day_weekday(int day);

enum sd_period_kind { SD_PERIOD_DAY, SD_PERIOD_WEEK, SD_PERIOD_MONTH,
    SD_PERIOD_YEAR, SD_PERIOD_RANGE };

/* Days [from, to) and the period before it of the same kind: the day,
 * week, month or year before; a from-to range the same number of days
 * right before it. */
struct sd_period {
	int	 kind;
	int	 from, to;
	int	 prev_from, prev_to;
};

/* The longest period a report covers (days). */
#define SD_PERIOD_MAX_DAYS	3700

/*
 * period: today, yesterday, this-week, last-week (weeks start Monday),
 * this-month, last-month, YYYY, YYYY-MM or YYYY-MM-DD; or from and to
 * (YYYY-MM-DD, to inclusive).  Neither: this month.  today is the day of
 * now (sd_day_of(sd_now())).  SD_EINVAL naming period, from or to.
 */
int	sd_period_parse(const char *period, const char *from, const char *to,
	    int today, struct sd_period *out, struct sd_err *err);

/* ---------------------------------------------------------------- reports */

/* What a report groups by. */
enum sd_report_by { SD_BY_OPERATOR, SD_BY_TEAM, SD_BY_DAY, SD_BY_WEEK,
    SD_BY_MONTH, SD_BY_PLAN, SD_BY_CHANNEL, SD_BY_AGENT, SD_BY__COUNT };
const char *sd_report_by_name(int by);
/* "operator", ...: the grouping of report ("calls" or "sales"), or -1. */
int	sd_report_by_parse(const char *report, const char *s);

struct sd_report_query {
	const char	*period, *from, *to;	/* as sd_period_parse takes */
	const char	*by;		/* NULL: operator (calls), plan (sales) */
	const char	*team;		/* calls, sales: operators of this team */
	const char	*agent;		/* sales: this agent's subtree */
	int		 compare;	/* the period before beside it */
};

/* The figures of a calls row (v[] and prev[]). */
enum { SD_RC_OUT, SD_RC_IN, SD_RC_ANSWERED, SD_RC_OUT_ANSWERED, SD_RC_TALK_S,
    SD_RC_LONGEST_S, SD_RC_MISSED, SD_RC__N };
/* The figures of a sales row. */
enum { SD_RS_ACTIVATIONS, SD_RS_REVENUE_FEN, SD_RS__N };

#define SD_REPORT_VALS	8

/* One row of a report: the group's label and its figures; the last row
 * (total set) sums them all (longest: the longest). */
struct sd_report_row {
	char	 group[72];
	int	 total;
	int64_t	 v[SD_REPORT_VALS];
	int64_t	 prev[SD_REPORT_VALS];	/* with compare */
};

/* What the rows are of: the period as asked, its grouping. */
struct sd_report_head {
	struct sd_period p;
	int	 by;
	int	 compare;
};

typedef int (*sd_report_cb)(const struct sd_report_row *r, void *arg);
/*
 * The calls report (report.calls: admins, supervisors, operators): an
 * operator sees their own rows, a supervisor their team's.  Rows in the
 * grouping's order, then the total row.
 */
int	sd_report_calls(struct sd_session *s, const struct sd_report_query *q,
	    struct sd_report_head *head, sd_report_cb cb, void *arg,
	    struct sd_err *err);
/* The sales report (report.sales): an operator sees their own sales, a
 * supervisor their team's, an agent its subtree's. */
int	sd_report_sales(struct sd_session *s, const struct sd_report_query *q,
	    struct sd_report_head *head, sd_report_cb cb, void *arg,
	    struct sd_err *err);

/* Reached rate (answered of out) per mille, rounded half up; 0 of 0. */
int64_t	sd_permille(int64_t part, int64_t whole);

/* Recompute every rollup from the events, in one transaction (admins):
 * the rows written into *calls and *sales. */
int	sd_report_rebuild(struct sd_session *s, long *calls, long *sales,
	    struct sd_err *err);

#endif
