/*
 * rpc_base.c -- the operations of core/base the server dispatches: users,
 * verify, the audit trail, the disk.
 */
#include <stdlib.h>
#include <string.h>

#include "core/rpc/rpc_int.h"

int
op_user_page(struct call *k)
{
	struct sd_user_filter f;
	const char *anchor;
	int dir, max, n = 0, st;
	struct sd_user *rows;

	f.prefix = sd_args_opt(&k->a);
	f.role = (int)sd_args_int(&k->a);
	f.team = sd_args_opt(&k->a);
	f.match = sd_args_opt(&k->a);
	anchor = sd_args_opt(&k->a);
	dir = (int)sd_args_int(&k->a);
	max = page_max(k);
	if (ARGS_OK(k))
		return k->err->status;
	rows = xcalloc((size_t)max, sizeof *rows);
	st = sd_user_page(k->s, &f, anchor, dir, rows, max, &n, k->err);
	if (st == SD_OK)
		page_send(k, rows, sizeof *rows, NULL, n);
	free(rows);
	return st;
}

int
op_user_get(struct call *k)
{
	const char *login = sd_args_str(&k->a);
	struct sd_user out;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_user_get(k->s, login, &out, k->err)) == SD_OK)
		RES_RAW(k, out);
	return st;
}

int
op_user_add(struct call *k)
{
	const char *login = sd_args_str(&k->a);
	struct sd_user_fields f;
	const char *pw;
	uint64_t id = 0;
	int st;

	user_fields(&k->a, &f);
	pw = sd_args_opt(&k->a);
	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_user_add(k->s, login, &f, pw, &id, k->err)) == SD_OK)
		RES_INT(k, id);
	return st;
}

int
op_user_update(struct call *k)
{
	const char *login = sd_args_str(&k->a);
	struct sd_user_fields f;

	user_fields(&k->a, &f);
	if (ARGS_OK(k))
		return k->err->status;
	return sd_user_update(k->s, login, &f, k->err);
}

int
op_user_passwd(struct call *k)
{
	const char *login = sd_args_str(&k->a);
	const char *old = sd_args_opt(&k->a);
	const char *new = sd_args_str(&k->a);

	if (ARGS_OK(k))
		return k->err->status;
	return sd_user_passwd(k->s, login, old, new, k->err);
}

int
op_user_may_passwd(struct call *k)
{
	const char *login = sd_args_str(&k->a);
	int need_old = 0, st;

	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_user_may_passwd(k->s, login, &need_old, k->err)) == SD_OK)
		RES_INT(k, need_old);
	return st;
}

int
op_disk_get(struct call *k)
{
	struct sd_disk out;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_disk_get(k->s, &out, k->err)) == SD_OK)
		RES_RAW(k, out);
	return st;
}

static void
row_verify(const char *check, int ok, const char *detail, void *arg)
{
	struct sd_verify_row v;

	memset(&v, 0, sizeof v);
	sd_strlcpy(v.check, check, sizeof v.check);
	v.ok = ok;
	sd_strlcpy(v.detail, detail != NULL ? detail : "", sizeof v.detail);
	(void)rows_add(arg, &v, sizeof v, NULL);
}

/* Its rows, then the number of checks that failed. */
int
op_verify(struct call *k)
{
	struct rows r;
	int failed;

	if (ARGS_OK(k))
		return k->err->status;
	rows_init(&r, k->c);
	failed = sd_verify(k->s, row_verify, &r, k->err);
	rows_end(&r);
	if (failed < 0)
		return k->err->status ? k->err->status : SD_EINTERNAL;
	RES_INT(k, failed);
	return SD_OK;
}

/* A page of the audit trail: the rows, their count, then where a walk
 * that stopped at its budget goes on ("" when it did not). */
int
op_audit_page(struct call *k)
{
	struct sd_audit_filter f;
	const char *anchor;
	char resume[SD_PAGEKEY_MAX];
	int dir, max, n = 0, st;
	struct sd_audit *rows;
	char (*keys)[SD_PAGEKEY_MAX];

	memset(&f, 0, sizeof f);
	f.since = sd_args_int(&k->a);
	f.until = sd_args_int(&k->a);
	f.user = sd_args_opt(&k->a);
	f.object = sd_args_opt(&k->a);
	f.op = sd_args_opt(&k->a);
	anchor = sd_args_opt(&k->a);
	dir = (int)sd_args_int(&k->a);
	max = page_max(k);
	if (ARGS_OK(k))
		return k->err->status;
	rows = xcalloc((size_t)max, sizeof *rows);
	keys = xcalloc((size_t)max, sizeof *keys);
	st = sd_audit_page(k->s, &f, anchor, dir, rows, keys, max, &n, resume,
	    k->err);
	if (st == SD_OK) {
		page_send(k, rows, sizeof *rows, keys, n);
		sd_arg_str(k->res, resume);
	}
	free(rows);
	free(keys);
	return st;
}

int
op_audit_get(struct call *k)
{
	const char *key = sd_args_str(&k->a);
	struct sd_audit out;
	int st;

	if (ARGS_OK(k))
		return k->err->status;
	if ((st = sd_audit_get(k->s, key, &out, k->err)) == SD_OK)
		RES_RAW(k, out);
	return st;
}
