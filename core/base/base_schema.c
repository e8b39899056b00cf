/*
 * base_schema.c -- base's tables and their secondary indexes, with the
 * extractors that compute index keys from records: users by login and Unix
 * login, the audit by user, postings by account. Tables are added at the end
 * of a domain's range (core/rec/rec.h); fields are added to records without
 * a migration (see db/db.h).
 */
#include <stdio.h>
#include <string.h>

#include "core/base/base_int.h"

static int
user_login_key(const void *pk, size_t pklen, const void *rec, size_t len,
    struct sd_keys *out)
{
	struct sd_user u;

	(void)pk;
	(void)pklen;
	if (user_decode(rec, len, &u) != SD_OK)
		return -1;
	sd_keys_add(out, u.login, strlen(u.login));
	return 0;
}

static int
user_oslogin_key(const void *pk, size_t pklen, const void *rec, size_t len,
    struct sd_keys *out)
{
	struct sd_user u;

	(void)pk;
	(void)pklen;
	if (user_decode(rec, len, &u) != SD_OK)
		return -1;
	if (u.os_login[0] != '\0')
		sd_keys_add(out, u.os_login, strlen(u.os_login));
	return 0;
}

/* Audit by user: login, NUL, then the primary key (time, id), so one
 * user's rows are in time order and --since is a range seek. */
static int
audit_user_key(const void *pk, size_t pklen, const void *rec, size_t len,
    struct sd_keys *out)
{
	struct sd_audit a;
	struct sd_buf b = SD_BUF_INIT;

	if (audit_decode(rec, len, &a) != SD_OK)
		return -1;
	sd_buf_add(&b, a.user, strlen(a.user) + 1);
	sd_buf_add(&b, pk, pklen);
	sd_keys_add(out, b.p, b.len);
	sd_buf_free(&b);
	return 0;
}

/* Postings by account: account, NUL, posting id. */
static int
posting_account_key(const void *pk, size_t pklen, const void *rec, size_t len,
    struct sd_keys *out)
{
	struct sd_rec_reader r;
	struct sd_buf b = SD_BUF_INIT;
	int ok;

	if (sd_rec_open(&r, rec, len) != SD_OK)
		return -1;
	while ((ok = sd_rec_next(&r)) == 1) {
		if (r.tag != P_LINE_ACCOUNT || r.type != SD_REC_BYTES)
			continue;
		sd_buf_reset(&b);
		sd_buf_add(&b, r.bytes, r.blen);
		sd_buf_addc(&b, '\0');
		sd_buf_add(&b, pk, pklen);
		sd_keys_add(out, b.p, b.len);
	}
	sd_buf_free(&b);
	return ok < 0 ? -1 : 0;
}

const struct sd_table_def base_tables[4] = {
	[T_USER - SD_T_BASE] = { "user", 2, {
		{ "login", 1, user_login_key },
		{ "oslogin", 1, user_oslogin_key },
	} },
	[T_AUDIT - SD_T_BASE] = { "audit", 1, {
		{ "user", 0, audit_user_key },
	} },
	[T_ACCOUNT - SD_T_BASE] = { "account", 0, { { 0 } } },
	[T_POSTING - SD_T_BASE] = { "posting", 1, {
		{ "account", 0, posting_account_key },
	} },
};
