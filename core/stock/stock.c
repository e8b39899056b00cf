/*
 * stock.c -- what the files of core/stock/ share: the rule for codes of plans,
 * services and agents, the field checks every front end says as a field is
 * left, and reading and writing a stock record by its string key.
 */
#include <ctype.h>
#include <string.h>

#include "core/stock/stock_int.h"

/* ---------------------------------------------------------------- helpers */

/* Codes of plans, services, agents: A-Z a-z 0-9 _ -, 1 to 16. */
int
check_code(const char *field, const char *s, struct sd_err *err)
{
	size_t n = s ? strlen(s) : 0;

	if (n == 0 || n > SD_CODE_MAX)
		return sd_err_set(err, SD_EINVAL, "%s: must be 1 to 16 "
		    "characters", field);
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-')
			return sd_err_set(err, SD_EINVAL, "%s: '%s' may hold "
			    "only letters, digits, '_' and '-'", field, s);
	return SD_OK;
}

/* ---------------------------------------------------------------- field checks */

/*
 * What a plan, a service or an agent takes field by field, without the
 * database: sd_plan_add and its kin apply these, and a form says them as
 * each field is left.
 */

/* A fee or a limit in yuan: 0 or more, to the fen. */
int
yuan_check(const char *field, const char *s, int64_t *fen, struct sd_err *err)
{
	int64_t v;

	if (s == NULL || sd_money_parse(s, &v) != SD_OK)
		return sd_err_set(err, SD_EINVAL, "%s: '%s' is not an amount in "
		    "yuan like 39 or 39.50", field, s != NULL ? s : "");
	if (v < 0)
		return sd_err_set(err, SD_EINVAL, "%s: must not be negative",
		    field);
	if (fen != NULL)
		*fen = v;
	return SD_OK;
}

/* The services a plan allows: codes, comma-separated, at most 8. */
static int
vas_codes_check(const char *field, const char *s, struct sd_err *err)
{
	char buf[256], *tok, *save = NULL;
	int n = 0, st;

	if (strlen(s) >= sizeof buf)
		return sd_err_set(err, SD_EINVAL, "%s: too long", field);
	sd_strlcpy(buf, s, sizeof buf);
	for (tok = strtok_r(buf, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (++n > 8)
			return sd_err_set(err, SD_EINVAL, "%s: at most 8", field);
		if ((st = check_code(field, tok, err)) != SD_OK)
			return st;
	}
	return SD_OK;
}

int
sd_plan_check(const char *field, const char *value, struct sd_err *err)
{
	long n;

	if (strcmp(field, "plan") == 0 || strcmp(field, "tariff") == 0)
		return check_code(field, value, err);
	if (strcmp(field, "name") == 0)
		return sd_check_text(field, value, SD_NAME_MAX, err);
	if (strcmp(field, "monthly-fee") == 0)
		return yuan_check(field, value, NULL, err);
	if (strcmp(field, "minutes") == 0 || strcmp(field, "sms") == 0)
		return sd_int_check(field, value, 0, SD_PLAN_QTY_MAX, &n, err);
	if (strcmp(field, "vas") == 0)
		return vas_codes_check(field, value, err);
	return sd_err_set(err, SD_EINTERNAL, "%s: not a field of a plan", field);
}

int
sd_vas_check(const char *field, const char *value, struct sd_err *err)
{
	if (strcmp(field, "vas") == 0)
		return check_code(field, value, err);
	if (strcmp(field, "name") == 0)
		return sd_check_text(field, value, SD_NAME_MAX, err);
	if (strcmp(field, "monthly-fee") == 0)
		return yuan_check(field, value, NULL, err);
	return sd_err_set(err, SD_EINTERNAL, "%s: not a field of a service",
	    field);
}

int
sd_agent_check(const char *field, const char *value, struct sd_err *err)
{
	int64_t bp;

	if (strcmp(field, "agent") == 0 || strcmp(field, "parent") == 0)
		return check_code(field, value, err);
	if (strcmp(field, "name") == 0)
		return sd_check_text(field, value, SD_NAME_MAX, err);
	if (strcmp(field, "region") == 0)
		return sd_check_text(field, value, SD_REGION_MAX, err);
	if (strcmp(field, "credit-limit") == 0)
		return yuan_check(field, value, NULL, err);
	if (strcmp(field, "discount") == 0) {
		/* Percent with up to two decimals: the money parser's
		 * hundredths are basis points. */
		if (sd_money_parse(value, &bp) != SD_OK || bp < 0 || bp > 10000)
			return sd_err_set(err, SD_EINVAL, "%s: '%s' is not a "
			    "percentage 0 to 100", field, value);
		return SD_OK;
	}
	return sd_err_set(err, SD_EINTERNAL, "%s: not a field of an agent",
	    field);
}

int
stock_get(struct sd_txn *t, int table, const char *key,
    struct sd_buf *val, int rmw, struct sd_err *err)
{
	return sd_get(t, table, key, strlen(key), val, rmw ? SD_GET_RMW : 0, err);
}

int
stock_put(struct sd_txn *t, int table, const char *key,
    const struct sd_buf *val, int create, struct sd_err *err)
{
	return sd_put(t, table, key, strlen(key), val->p, val->len,
	    create ? SD_PUT_NOOVERWRITE : 0, err);
}
