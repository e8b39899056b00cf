/*
 * test_core.c -- core on a real environment: init, password hashing,
 * logins and the lockout, the permission table, refusals audited, team
 * visibility, paging, the ledger and verify (including that it notices a
 * corrupted balance), that a note keeps the planned next contact
 * unless told to clear it, that a refusal crossing the wire keeps its
 * formats and arguments, and that sd_op_run audits a refusal once, after
 * the abort.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/base/base_int.h"
#include "core/crm/crm_int.h"
#include "core/stock/stock_int.h"
#include "core/billing/billing_int.h"
#include "core/tel/tel_int.h"

struct fx {
	char			 dir[64];
	struct sd_core		*core;
	struct sd_session	 admin;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct sd_config cfg;
	struct sd_err e;

	snprintf(f->dir, sizeof f->dir, "/tmp/sdtest-core.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	rmdir(f->dir);
	sd_config_defaults(&cfg);
	sd_strlcpy(cfg.data_dir, f->dir, sizeof cfg.data_dir);
	cfg.durable = 0;
	if (sd_core_open(&f->core, &cfg, 1, &e) != SD_OK ||
	    sd_init_admin(f->core, "root1", "管理员", "adminpw1", NULL, &e) != SD_OK ||
	    sd_session_login(f->core, "root1", "adminpw1", &f->admin, &e) != SD_OK) {
		print_error("setup: %s\n", e.msg);
		return -1;
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	sd_core_close(f->core);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void
add(struct fx *f, const char *login, int role, const char *team)
{
	struct sd_user_fields uf;
	struct sd_err e;

	sd_user_fields_init(&uf);
	uf.role = role;
	uf.team = team;
	if (sd_user_add(&f->admin, login, &uf, "secret12", NULL, &e) != SD_OK)
		fail_msg("add %s: %s", login, e.msg);
}

struct count_arg {
	const char	*op;
	int		 outcome;
	int		 n;
};

static int
count_audit(const struct sd_audit *a, void *arg)
{
	struct count_arg *c = arg;

	if (strcmp(a->op, c->op) == 0 && a->outcome == c->outcome)
		c->n++;
	return 0;
}

static int
audits(struct fx *f, const char *op, int outcome, const char *user)
{
	struct sd_audit_filter af;
	struct count_arg c = { op, outcome, 0 };
	struct sd_err e;

	memset(&af, 0, sizeof af);
	af.user = user;
	assert_int_equal(sd_audit_list(&f->admin, &af, count_audit, &c, &e),
	    SD_OK);
	return c.n;
}

struct collect {
	char	ops[16][48];
	char	users[16][40];
	int	n;
};

static int
collect_audit(const struct sd_audit *a, void *arg)
{
	struct collect *c = arg;

	if (c->n < 16) {
		sd_strlcpy(c->ops[c->n], a->object, sizeof c->ops[0]);
		sd_strlcpy(c->users[c->n], a->user, sizeof c->users[0]);
		c->n++;
	}
	return 0;
}

static void
audit_newest(void **state)
{
	struct fx *f = *state;
	struct sd_audit_filter af;
	struct collect c;
	struct sd_err e;
	char obj[16];

	for (int i = 0; i < 6; i++) {
		snprintf(obj, sizeof obj, "o%d", i);
		sd_audit_log(f->core, i % 2 ? "odd" : "even", "test.op", obj,
		    SD_OUTCOME_OK, "");
	}
	memset(&af, 0, sizeof af);
	af.op = "test.";
	af.limit = 2;
	memset(&c, 0, sizeof c);
	assert_int_equal(sd_audit_list(&f->admin, &af, collect_audit, &c, &e),
	    SD_OK);
	assert_int_equal(c.n, 2);			/* the newest two, */
	assert_string_equal(c.ops[0], "o4");		/* oldest first */
	assert_string_equal(c.ops[1], "o5");
	af.user = "even";
	af.limit = 5;
	memset(&c, 0, sizeof c);
	assert_int_equal(sd_audit_list(&f->admin, &af, collect_audit, &c, &e),
	    SD_OK);
	assert_int_equal(c.n, 3);
	assert_string_equal(c.ops[0], "o0");
	assert_string_equal(c.ops[2], "o4");
	af.limit = 0;
	af.since = sd_now() + 3600;
	memset(&c, 0, sizeof c);
	assert_int_equal(sd_audit_list(&f->admin, &af, collect_audit, &c, &e),
	    SD_OK);
	assert_int_equal(c.n, 0);
}

/*
 * The audit trail as the TUI pages it: pages in both directions meet, a
 * filter that matches little goes on where the bounded read stopped, the
 * user and the times are checked, a page key gets its row.
 */
static void
audit_pages(void **state)
{
	struct fx *f = *state;
	struct sd_audit_filter af;
	struct sd_audit rows[8], one;
	char keys[8][SD_PAGEKEY_MAX], resume[SD_PAGEKEY_MAX], obj[16];
	struct sd_err e;
	int n, calls = 0, found = 0;
	int64_t t;

	for (int i = 0; i < 6000; i++) {
		snprintf(obj, sizeof obj, i == 10 || i == 5990 ? "rare:%d" :
		    "o%d", i);
		sd_audit_log(f->core, i % 2 ? "odd" : "even", "page.op", obj,
		    SD_OUTCOME_OK, "");
	}
	memset(&af, 0, sizeof af);
	/* The newest three, oldest first; then the three before them. */
	assert_int_equal(sd_audit_page(&f->admin, &af, "", -1, rows, keys, 3,
	    &n, resume, &e), SD_OK);
	assert_int_equal(n, 3);
	assert_string_equal(rows[2].object, "o5999");
	assert_string_equal(rows[0].object, "o5997");
	assert_string_equal(resume, "");
	assert_int_equal(sd_audit_page(&f->admin, &af, keys[0], -1, rows, keys,
	    3, &n, resume, &e), SD_OK);
	assert_int_equal(n, 3);
	assert_string_equal(rows[0].object, "o5994");
	assert_string_equal(rows[2].object, "o5996");
	/* ... and forward from the first of those, the ones after it. */
	assert_int_equal(sd_audit_page(&f->admin, &af, keys[0], 1, rows, keys,
	    2, &n, resume, &e), SD_OK);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].object, "o5995");
	/* A page key (of the user index too) gets its row. */
	af.user = "even";
	assert_int_equal(sd_audit_page(&f->admin, &af, "", -1, rows, keys, 1,
	    &n, resume, &e), SD_OK);
	assert_int_equal(n, 1);
	assert_string_equal(rows[0].object, "o5998");
	assert_int_equal(sd_audit_get(&f->admin, keys[0], &one, &e), SD_OK);
	assert_int_equal(one.id, rows[0].id);
	assert_string_equal(one.object, "o5998");
	/* Two rows in 6000: each call reads a bounded number and says where
	 * it stopped; going on from there finds the other. */
	af.user = NULL;
	af.object = "rare:";
	resume[0] = '\0';
	do {
		assert_int_equal(sd_audit_page(&f->admin, &af, resume, 1,
		    rows + found, keys + found, 8 - found, &n, resume, &e),
		    SD_OK);
		found += n;
		calls++;
	} while (resume[0] != '\0' && calls < 10);
	assert_int_equal(found, 2);
	assert_true(calls > 1);
	assert_string_equal(rows[0].object, "rare:10");
	assert_string_equal(rows[1].object, "rare:5990");
	/* Checks: a user nobody is, a to before the from, a future from. */
	memset(&af, 0, sizeof af);
	af.user = "nobody";
	assert_int_equal(sd_audit_page(&f->admin, &af, "", 1, rows, keys, 1,
	    &n, resume, &e), SD_EINVAL);
	assert_memory_equal(e.msg, "user: ", 6);
	af.user = "odd";	/* no user, but rows: a failed login's, say */
	assert_int_equal(sd_audit_page(&f->admin, &af, "", 1, rows, keys, 1,
	    &n, resume, &e), SD_OK);
	assert_int_equal(n, 1);
	af.user = NULL;
	af.since = sd_now() + 3600;
	af.until = sd_now();
	assert_int_equal(sd_audit_page(&f->admin, &af, "", 1, rows, keys, 1,
	    &n, resume, &e), SD_EINVAL);
	assert_memory_equal(e.msg, "until: ", 7);
	af.until = 0;
	assert_int_equal(sd_audit_page(&f->admin, &af, "", -1, rows, keys, 1,
	    &n, resume, &e), SD_OK);
	assert_int_equal(n, 0);
	/* A day is all of it; a to's minute is all of it. */
	assert_int_equal(sd_time_parse("2026-12-05", &t), SD_OK);
	assert_int_equal(sd_audit_bound_parse("since", "2026-12-05", 0, 0,
	    &one.at, &e), SD_OK);
	assert_int_equal(one.at, t);
	assert_int_equal(sd_audit_bound_parse("until", "2026-12-05", 0, 1,
	    &one.at, &e), SD_OK);
	assert_int_equal(one.at, t + 86399);
	assert_int_equal(sd_audit_bound_parse("until", "2026-12-05 10:00", 0, 1,
	    &one.at, &e), SD_OK);
	assert_int_equal(one.at, t + 10 * 3600 + 59);
	assert_int_equal(sd_audit_bound_parse("since", "yesterday", 0, 0,
	    &one.at, &e), SD_EINVAL);
	assert_memory_equal(e.msg, "since: ", 7);
}

static void
passwords(void **state)
{
	char h[160];
	struct sd_err e;

	(void)state;
	assert_int_equal(password_hash("pässwörd", h, sizeof h, &e), SD_OK);
	assert_memory_equal(h, "$y$", 3);	/* yescrypt */
	assert_true(password_check("pässwörd", h));
	assert_false(password_check("password", h));
	assert_false(password_check("", h));
	assert_false(password_check("x", ""));
}

static void
login_and_lockout(void **state)
{
	struct fx *f = *state;
	struct sd_session s;
	struct sd_user u;
	struct sd_err e;

	add(f, "op1", SD_ROLE_OPERATOR, "east");
	assert_int_equal(sd_session_login(f->core, "op1", "secret12", &s, &e),
	    SD_OK);
	assert_int_equal(s.user.role, SD_ROLE_OPERATOR);
	assert_null(memmem(&s, sizeof s, "$y$", 3));	/* no hash kept */
	assert_int_equal(sd_session_login(f->core, "OP1", "secret12", &s, &e),
	    SD_OK);					/* case-folded */
	for (int i = 0; i < 4; i++)
		assert_int_equal(sd_session_login(f->core, "op1", "wrong", &s,
		    &e), SD_EPERM);
	assert_int_equal(sd_user_get(&f->admin, "op1", &u, &e), SD_OK);
	assert_string_equal(sd_user_state(&u, sd_now()), "active");
	/* The fifth wrong password locks the account for 15 minutes. */
	assert_int_equal(sd_session_login(f->core, "op1", "wrong", &s, &e),
	    SD_EPERM);
	assert_non_null(strstr(e.msg, "locked"));
	assert_int_equal(sd_user_get(&f->admin, "op1", &u, &e), SD_OK);
	assert_string_equal(sd_user_state(&u, sd_now()), "locked");
	assert_true(u.locked_until >= sd_now() + 15 * 60 - 5);
	/* Even the right password is refused while locked. */
	assert_int_equal(sd_session_login(f->core, "op1", "secret12", &s, &e),
	    SD_EPERM);
	assert_non_null(strstr(e.msg, "locked until"));
	assert_int_equal(audits(f, "login", SD_OUTCOME_FAILED, "op1"), 5);
	assert_int_equal(audits(f, "login.lock", SD_OUTCOME_OK, "op1"), 1);
	assert_int_equal(audits(f, "login", SD_OUTCOME_DENIED, "op1"), 1);
	/* An admin unlocks; the password works again. */
	assert_int_equal(sd_user_unlock(&f->admin, "op1", &e), SD_OK);
	assert_int_equal(sd_session_login(f->core, "op1", "secret12", &s, &e),
	    SD_OK);
	/* Unknown users and disabled users. */
	assert_int_equal(sd_session_login(f->core, "nobody", "x", &s, &e),
	    SD_EPERM);
	assert_non_null(strstr(e.msg, "no such user"));
	assert_int_equal(sd_user_set_status(&f->admin, "op1",
	    SD_USER_DISABLED, &e), SD_OK);
	assert_int_equal(sd_session_login(f->core, "op1", "secret12", &s, &e),
	    SD_EPERM);
	assert_non_null(strstr(e.msg, "disabled"));
}

static void
permission_table(void **state)
{
	/* Written out by hand: which roles may do what (DESIGN.md 5). */
	static const struct { int op; const char *roles; } want[] = {
		{ SD_OP_USER_ADD, "A...." },
		{ SD_OP_USER_LIST, "AS..." },
		{ SD_OP_USER_SHOW, "ASOCG" },
		{ SD_OP_USER_UPDATE, "A...." },
		{ SD_OP_USER_PASSWD, "ASOCG" },
		{ SD_OP_USER_DISABLE, "A...." },
		{ SD_OP_USER_ENABLE, "A...." },
		{ SD_OP_USER_BIND, "A...." },
		{ SD_OP_USER_UNLOCK, "AS..." },
		{ SD_OP_AUDIT_LIST, "AS..." },
		{ SD_OP_VERIFY, "AS..." },
		{ SD_OP_LEDGER_POST, "A...." },
		{ SD_OP_LEDGER_SHOW, "AS..." },
		{ SD_OP_CUST_ADD, "ASOC." },
		{ SD_OP_CUST_SHOW, "ASOC." },
		{ SD_OP_CUST_UPDATE, "ASO.." },
		{ SD_OP_CUST_CLAIM, "ASO.." },
		{ SD_OP_CUST_TRANSFER, "AS..." },
		{ SD_OP_CUST_SWEEP, "AS..." },
		{ SD_OP_CUST_IMPORT, "AS..." },
		{ SD_OP_NOTE_ADD, "ASO.." },
		{ SD_OP_NOTE_LIST, "ASOC." },
		{ SD_OP_TICKET_ADD, "ASOC." },
		{ SD_OP_TICKET_SHOW, "ASOC." },
		{ SD_OP_TICKET_ASSIGN, "AS..." },
		{ SD_OP_TICKET_UPDATE, "ASOC." },
		{ SD_OP_TICKET_CLOSE, "ASOC." },
		{ SD_OP_TICKET_REOPEN, "ASOC." },
		{ SD_OP_PLAN_EDIT, "A...." },
		{ SD_OP_PLAN_SHOW, "ASOCG" },
		{ SD_OP_AGENT_EDIT, "AS..." },
		{ SD_OP_AGENT_APPROVE, "AS..." },
		{ SD_OP_AGENT_SHOW, "AS..G" },
		{ SD_OP_SIM_ADD, "AS..." },
		{ SD_OP_SIM_SHOW, "ASOCG" },
		{ SD_OP_SIM_MOVE, "AS.C." },
		{ SD_OP_SIM_ALLOCATE, "AS..." },
		{ SD_OP_SIM_TRANSFER, "AS..G" },
		{ SD_OP_SIM_ACTIVATE, "ASOCG" },
		{ SD_OP_ORDER_ADD, "AS..G" },
		{ SD_OP_ORDER_APPROVE, "AS..." },
		{ SD_OP_ORDER_SHIP, "AS..." },
		{ SD_OP_ORDER_DELIVER, "AS..." },
		{ SD_OP_ORDER_SHOW, "AS..G" },
		{ SD_OP_SIM_STOCKTAKE, "AS.C." },
		{ SD_OP_SIM_ADJUST, "AS..." },
		{ SD_OP_TARIFF_EDIT, "A...." },
		{ SD_OP_TARIFF_SHOW, "ASOC." },
		{ SD_OP_CDR_IMPORT, "A...." },
		{ SD_OP_CDR_SHOW, "ASOC." },
		{ SD_OP_BILL_RUN, "A...." },
		{ SD_OP_BILL_SHOW, "ASOC." },
		{ SD_OP_BILL_ADJUST, "AS..." },
		{ SD_OP_PAY, "AS.C." },
		{ SD_OP_RECEIPT_VOID, "AS..." },
		{ SD_OP_MODEM_SHOW, "ASO.." },
		{ SD_OP_MODEM_SWITCH, "AS..." },
		{ SD_OP_MODEM_SIMULATE, "A...." },
		{ SD_OP_CALL_DIAL, "ASO.." },
		{ SD_OP_CALL_SHOW, "ASO.." },
		{ SD_OP_SMS_SEND, "ASO.." },
		{ SD_OP_SMS_SHOW, "ASO.." },
		{ SD_OP_USSD, "AS..." },
		{ SD_OP_CALL_TAKE, ".SO.." },
		{ SD_OP_PRESENCE_SHOW, "AS..." },
		{ SD_OP_BACKUP, "A...." },
		{ SD_OP_STATUS, "A...." },
		{ SD_OP_COMM_SCHEME, "AS..." },
		{ SD_OP_COMM_SHOW, "AS..G" },
		{ SD_OP_COMM_RUN, "AS..." },
		{ SD_OP_STMT_APPROVE, "AS..." },
		{ SD_OP_STMT_PAY, "AS..." },
		{ SD_OP_AGENT_PAY, "AS.C." },
		{ SD_OP_INVOICE_SHOW, "AS.C." },
		{ SD_OP_INVOICE_VOID, "AS..." },
		{ SD_OP_CALL_IMPORT, "A...." },
		{ SD_OP_INVOICE_ISSUE, "AS.C." },
		{ SD_OP_REPORT_CALLS, "ASO.." },
		{ SD_OP_REPORT_SALES, "ASO.G" },
		{ SD_OP_REPORT_REBUILD, "A...." },
	};
	static const int roles[5] = { SD_ROLE_ADMIN, SD_ROLE_SUPERVISOR,
	    SD_ROLE_OPERATOR, SD_ROLE_CASHIER, SD_ROLE_AGENT };

	(void)state;
	assert_int_equal(sizeof want / sizeof want[0], SD_OP__COUNT);
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
		for (int r = 0; r < 5; r++) {
			int may = want[i].roles[r] != '.';

			if (sd_role_may(roles[r], want[i].op) != may)
				fail_msg("%s by %s: %d, want %d",
				    sd_op_get(want[i].op)->name,
				    sd_role_name(roles[r]), !may, may);
		}
	assert_false(sd_role_may(SD_ROLE_NONE, SD_OP_USER_SHOW));
	assert_false(sd_role_may(99, SD_OP_USER_SHOW));
	assert_int_equal(sd_role_parse("cashier"), SD_ROLE_CASHIER);
	assert_int_equal(sd_role_parse("root"), SD_ROLE_NONE);
}

static void
refusals_are_audited(void **state)
{
	struct fx *f = *state;
	struct sd_user_fields uf;
	struct sd_session cash;
	struct sd_user u;
	struct sd_err e;

	add(f, "cash1", SD_ROLE_CASHIER, "");
	assert_int_equal(sd_session_login(f->core, "cash1", "secret12", &cash,
	    &e), SD_OK);
	sd_user_fields_init(&uf);
	uf.role = SD_ROLE_ADMIN;
	assert_int_equal(sd_user_add(&cash, "evil", &uf, "secret12", NULL, &e),
	    SD_EPERM);
	assert_int_equal(audits(f, "user.add", SD_OUTCOME_DENIED, "cash1"), 1);
	/* Nothing was written. */
	assert_int_equal(sd_user_get(&f->admin, "evil", &u, &e), SD_ENOTFOUND);
	/* Others' passwords are an admin's business. */
	assert_int_equal(sd_user_passwd(&cash, "root1", NULL, "newpass1", &e),
	    SD_EPERM);
	/* One's own needs the old password. */
	assert_int_equal(sd_user_passwd(&cash, "cash1", NULL, "newpass1", &e),
	    SD_EINVAL);
	assert_int_equal(sd_user_passwd(&cash, "cash1", "bad", "newpass1", &e),
	    SD_EINVAL);
	assert_int_equal(sd_user_passwd(&cash, "cash1", "secret12", "newpass1",
	    &e), SD_OK);
	assert_int_equal(sd_session_login(f->core, "cash1", "newpass1", &cash,
	    &e), SD_OK);
	/* A cashier sees only themselves. */
	assert_int_equal(sd_user_get(&cash, "root1", &u, &e), SD_EPERM);
	assert_int_equal(sd_user_get(&cash, "cash1", &u, &e), SD_OK);
}

static void
supervisor_sees_team(void **state)
{
	struct fx *f = *state;
	struct sd_session sup;
	struct sd_user rows[10], u;
	struct sd_user_filter flt;
	struct sd_err e;
	int n;

	add(f, "sup", SD_ROLE_SUPERVISOR, "east");
	add(f, "e1", SD_ROLE_OPERATOR, "east");
	add(f, "e2", SD_ROLE_OPERATOR, "east");
	add(f, "w1", SD_ROLE_OPERATOR, "west");
	assert_int_equal(sd_session_login(f->core, "sup", "secret12", &sup, &e),
	    SD_OK);
	memset(&flt, 0, sizeof flt);
	assert_int_equal(sd_user_page(&sup, &flt, "", 1, rows, 10, &n, &e),
	    SD_OK);
	assert_int_equal(n, 3);
	assert_string_equal(rows[0].login, "e1");
	assert_string_equal(rows[2].login, "sup");
	assert_int_equal(sd_user_get(&sup, "w1", &u, &e), SD_EPERM);
	assert_int_equal(sd_user_unlock(&sup, "w1", &e), SD_EPERM);
	assert_int_equal(sd_user_unlock(&sup, "e1", &e), SD_OK);
}

static void
paging(void **state)
{
	struct fx *f = *state;
	struct sd_user rows[4];
	struct sd_user_filter flt;
	struct sd_err e;
	char login[16];
	int n;

	for (int i = 0; i < 9; i++) {
		snprintf(login, sizeof login, "p%d", i);
		add(f, login, SD_ROLE_OPERATOR, "");
	}
	memset(&flt, 0, sizeof flt);
	flt.prefix = "p";
	assert_int_equal(sd_user_page(&f->admin, &flt, "", 1, rows, 4, &n, &e),
	    SD_OK);
	assert_int_equal(n, 4);
	assert_string_equal(rows[3].login, "p3");
	assert_int_equal(sd_user_page(&f->admin, &flt, "p3", 1, rows, 4, &n,
	    &e), SD_OK);
	assert_string_equal(rows[0].login, "p4");
	assert_int_equal(sd_user_page(&f->admin, &flt, "p4", -1, rows, 2, &n,
	    &e), SD_OK);
	assert_int_equal(n, 2);
	assert_string_equal(rows[0].login, "p2");
	assert_string_equal(rows[1].login, "p3");
	/* The last page, backwards from the end of the prefix. */
	assert_int_equal(sd_user_page(&f->admin, &flt, "", -1, rows, 3, &n,
	    &e), SD_OK);
	assert_int_equal(n, 3);
	assert_string_equal(rows[2].login, "p8");
	flt.prefix = "q";
	assert_int_equal(sd_user_page(&f->admin, &flt, "", 1, rows, 4, &n, &e),
	    SD_OK);
	assert_int_equal(n, 0);
}

static void
noop_cb(const char *c, int ok, const char *d, void *a)
{
	(void)c; (void)ok; (void)d; (void)a;
}

struct corrupt_arg {
	int64_t	amount;
};

static int
corrupt_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct corrupt_arg *a = arg;
	struct sd_buf b = SD_BUF_INIT;
	int st;

	sd_rec_begin(&b);
	sd_rec_int(&b, 1, a->amount);
	st = sd_put(t, T_ACCOUNT, "cash", 4, b.p, b.len, 0, err);
	sd_buf_free(&b);
	return st;
}

static void
ledger_and_verify(void **state)
{
	struct fx *f = *state;
	struct sd_posting_line ok[] = { { "cash", 3900 }, { "cust:1", -3900 } };
	struct sd_posting_line bad[] = { { "cash", 100 }, { "cust:1", -99 } };
	struct sd_posting_line big[] = { { "cash", INT64_MAX }, { "x", 1 } };
	struct corrupt_arg c = { 1 };
	struct sd_err e;
	int64_t bal;
	uint64_t id;

	(void)noop_cb;
	assert_int_equal(sd_ledger_post_as(&f->admin, "payment", "r1", ok, 2,
	    &id, &e), SD_OK);
	assert_int_equal(sd_ledger_post_as(&f->admin, "payment", "r2", ok, 2,
	    &id, &e), SD_OK);
	assert_int_equal(sd_ledger_balance_as(&f->admin, "cash", &bal, &e),
	    SD_OK);
	assert_true(bal == 7800);
	assert_int_equal(sd_ledger_post_as(&f->admin, "bad", "r3", bad, 2, &id,
	    &e), SD_EINVAL);
	assert_non_null(strstr(e.msg, "sum to 1 fen"));
	assert_int_equal(sd_ledger_post_as(&f->admin, "big", "r4", big, 2, &id,
	    &e), SD_EINVAL);
	assert_int_equal(sd_ledger_post_as(&f->admin, "one", "r5", ok, 1, &id,
	    &e), SD_EINVAL);
	assert_int_equal(sd_ledger_balance_as(&f->admin, "cash", &bal, &e),
	    SD_OK);
	assert_true(bal == 7800);			/* unchanged */
	assert_int_equal(audits(f, "ledger.post", SD_OUTCOME_OK, "root1"), 2);
	assert_int_equal(sd_verify(&f->admin, noop_cb, NULL, &e), 0);
	/* Break a balance behind the ledger's back: verify must see it. */
	assert_int_equal(sd_db_run(f->core->db, corrupt_txn, &c, &e), SD_OK);
	assert_int_equal(sd_verify(&f->admin, noop_cb, NULL, &e), 2);
	assert_int_equal(sd_verify(&f->admin, NULL, NULL, &e), 2);
}

/* ---------------------------------------------------------------- notes */

struct dues {
	int	n;
	int64_t	due[8];
};

static int
collect_due(const struct sd_reminder *r, void *arg)
{
	struct dues *d = arg;

	if (d->n < 8)
		d->due[d->n] = r->due;
	d->n++;
	return 0;
}

static struct dues
pending(struct sd_session *s)
{
	struct dues d;
	struct sd_err e;

	memset(&d, 0, sizeof d);
	assert_int_equal(sd_reminder_due(s, NULL, sd_now() + 30 * 86400, 0,
	    collect_due, &d, &e), SD_OK);
	return d;
}

static int64_t
next_of(struct fx *f, uint64_t id)
{
	struct sd_customer c;
	struct sd_err e;

	assert_int_equal(sd_customer_get(&f->admin, id, &c, &e), SD_OK);
	return c.next_at;
}

struct callback_arg {
	uint64_t	customer;
};

/* A missed call's call-back task, as simdeskd leaves it. */
static int
callback_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct callback_arg *a = arg;
	struct sd_reminder r;
	int st;

	memset(&r, 0, sizeof r);
	if ((st = sd_seq_next(sd_txn_db(t), "reminder", &r.id, err)) != SD_OK)
		return st;
	r.customer = a->customer;
	sd_strlcpy(r.owner, "op1", sizeof r.owner);
	r.due = sd_now() - 10;
	sd_strlcpy(r.text, "call back", sizeof r.text);
	return reminder_store(t, &r, err);
}

static void
note_keeps_or_clears_next(void **state)
{
	struct fx *f = *state;
	struct sd_cust_fields cf;
	struct sd_session op;
	struct callback_arg cb;
	struct dues d;
	struct sd_err e;
	int64_t plan = sd_now() + 86400, plan2 = plan + 3600, t;
	uint64_t id, nid;

	add(f, "op1", SD_ROLE_OPERATOR, "east");
	assert_int_equal(sd_session_login(f->core, "op1", "secret12", &op, &e),
	    SD_OK);
	sd_cust_fields_init(&cf);
	cf.name = "王小明";
	cf.phones = "13912340000";
	cf.owner = "op1";
	assert_int_equal(sd_customer_add(&f->admin, &cf, &id, &e), SD_OK);
	assert_int_equal(sd_note_add(&op, id, "约好明天", NULL, plan, &nid, &e),
	    SD_OK);
	assert_true(next_of(f, id) == plan);
	d = pending(&op);
	assert_int_equal(d.n, 1);
	assert_true(d.due[0] == plan);

	/* No next given: the plan and its reminder stay; a pending call-back
	 * is settled by the contact. */
	cb.customer = id;
	assert_int_equal(sd_db_run(f->core->db, callback_txn, &cb, &e), SD_OK);
	assert_int_equal(pending(&op).n, 2);
	assert_int_equal(sd_note_add(&op, id, "客户没接", "no_answer",
	    SD_NOTE_NEXT_KEEP, &nid, &e), SD_OK);
	assert_true(next_of(f, id) == plan);
	d = pending(&op);
	assert_int_equal(d.n, 1);
	assert_true(d.due[0] == plan);

	/* A new time replaces the plan: one reminder, at the new time. */
	assert_int_equal(sd_note_add(&op, id, "改到下午", NULL, plan2, &nid, &e),
	    SD_OK);
	assert_true(next_of(f, id) == plan2);
	d = pending(&op);
	assert_int_equal(d.n, 1);
	assert_true(d.due[0] == plan2);
	assert_int_equal(audits(f, "note.next_clear", SD_OUTCOME_OK, "op1"), 0);

	/* Clearing is explicit, and audited with what was dropped. */
	assert_int_equal(sd_note_add(&op, id, "不用再联系", NULL,
	    SD_NOTE_NEXT_CLEAR, &nid, &e), SD_OK);
	assert_true(next_of(f, id) == 0);
	assert_int_equal(pending(&op).n, 0);
	assert_int_equal(audits(f, "note.next_clear", SD_OUTCOME_OK, "op1"), 1);
	assert_int_equal(audits(f, "note.add", SD_OUTCOME_OK, "op1"), 4);
	/* Nothing planned: nothing to clear, nothing more audited. */
	assert_int_equal(sd_note_add(&op, id, "再说", NULL, SD_NOTE_NEXT_CLEAR,
	    &nid, &e), SD_OK);
	assert_int_equal(audits(f, "note.next_clear", SD_OUTCOME_OK, "op1"), 1);
	/* Neither sentinel nor a time to come. */
	assert_int_equal(sd_note_add(&op, id, "x", NULL, -2, &nid, &e),
	    SD_EINVAL);
	assert_int_equal(sd_note_add(&op, id, "x", NULL, sd_now() - 3600, &nid,
	    &e), SD_EINVAL);

	/* What the front ends type. */
	assert_int_equal(sd_note_next_parse("next", NULL, &t, &e), SD_OK);
	assert_true(t == SD_NOTE_NEXT_KEEP);
	assert_int_equal(sd_note_next_parse("next", "", &t, &e), SD_OK);
	assert_true(t == SD_NOTE_NEXT_KEEP);
	assert_int_equal(sd_note_next_parse("next", "none", &t, &e), SD_OK);
	assert_true(t == SD_NOTE_NEXT_CLEAR);
	assert_int_equal(sd_note_next_parse("next", "NONE", &t, &e), SD_OK);
	assert_true(t == SD_NOTE_NEXT_CLEAR);
	assert_int_equal(sd_note_next_parse("next", "-", &t, &e), SD_OK);
	assert_true(t == SD_NOTE_NEXT_CLEAR);
	assert_int_equal(sd_note_next_parse("next", "2030-01-02 10:00", &t, &e),
	    SD_OK);
	assert_true(t > 0);
	assert_int_equal(sd_note_next_parse("--next", "soon", &t, &e),
	    SD_EINVAL);
	assert_string_equal(e.msg,
	    "--next: 'soon' is not a time (2026-12-05 10:00, 12-05 10:00, "
	    "15:30, tomorrow 10:00, +2d) or none");
}

/* One CALL through sd_rpc_call, as simdeskd runs it, and its error into
 * a RESULT and out again, as simdesk reads it. */
static int
rpc_error(struct sd_rpc_srv *c, int op, int64_t arg, int nobject,
    struct sd_err *got)
{
	struct sd_buf call = SD_BUF_INIT, res = SD_BUF_INIT;
	struct sd_wire_msg m;
	struct sd_err err;
	int st;

	sd_wire_begin(&call, SD_MSG_CALL);
	sd_rec_int(&call, SD_W_OP, op);
	sd_arg_int(&call, arg);
	if (nobject)
		sd_arg_str(&call, NULL);	/* an object not given */
	sd_wire_finish(&call);
	assert_int_equal(sd_wire_decode(call.p + 4, call.len - 4, &m, &err),
	    SD_OK);
	sd_wire_begin(&res, SD_MSG_RESULT);
	st = sd_rpc_call(c, &m, &res, &err);
	sd_wire_msg_free(&m);
	sd_rec_int(&res, SD_W_EXIT, st);
	if (st != SD_OK)
		sd_wire_err_put(&res, st, &err);
	sd_wire_finish(&res);
	assert_int_equal(sd_wire_decode(res.p + 4, res.len - 4, &m, &err),
	    SD_OK);
	st = sd_wire_err_get(&m, (int)sd_wire_int(&m, SD_W_EXIT, -1), got);
	sd_wire_msg_free(&m);
	sd_buf_free(&call);
	sd_buf_free(&res);
	return st;
}

/*
 * A refusal crossing the wire keeps its formats and arguments: the
 * operation's name, then the reason's own format, for simdesk to say in
 * its user's language; the English is what it was.
 */
static void
refusal_crosses_the_wire(void **state)
{
	struct fx *f = *state;
	struct sd_cust_fields cf;
	struct sd_rpc_srv c;
	struct sd_err e, got;
	const char *fmt, *args[SD_ERR_ARGS];
	uint64_t id;
	int n;

	add(f, "op1", SD_ROLE_OPERATOR, "east");
	add(f, "op2", SD_ROLE_OPERATOR, "east");
	sd_cust_fields_init(&cf);
	cf.name = "王小明";
	cf.phones = "13912340000";
	cf.owner = "op1";
	assert_int_equal(sd_customer_add(&f->admin, &cf, &id, &e), SD_OK);
	memset(&c, 0, sizeof c);
	c.core = f->core;
	assert_int_equal(sd_session_login(f->core, "op2", "secret12", &c.sess,
	    &e), SD_OK);
	c.signed_in = 1;

	/* Claiming op1's customer: refused for a reason with arguments. */
	assert_int_equal(rpc_error(&c, SD_RPC_CUSTOMER_CLAIM, (int64_t)id, 0,
	    &got), SD_EPERM);
	assert_int_equal(got.status, SD_EPERM);
	assert_non_null(strstr(got.msg, "customer.claim: permission denied: "
	    "customer "));
	assert_non_null(strstr(got.msg, " belongs to op1"));
	assert_int_equal(got.nlevels, 2);
	assert_int_equal(sd_err_level(&got, 0, &fmt, args, &n), 0);
	assert_string_equal(fmt, SD_DENY_FMT);
	assert_int_equal(n, 2);
	assert_string_equal(args[0], "customer.claim");
	assert_int_equal(got.nest[0], 1);
	assert_int_equal(sd_err_level(&got, 1, &fmt, args, &n), 0);
	assert_string_equal(fmt, "customer %llu belongs to %s");
	assert_int_equal(n, 2);
	assert_int_equal((uint64_t)strtoull(args[0], NULL, 10), id);
	assert_string_equal(args[1], "op1");

	/* A role's refusal: the role as its argument. */
	assert_int_equal(rpc_error(&c, SD_RPC_AUTHORIZE, SD_OP_BILL_RUN, 1, &got),
	    SD_EPERM);
	assert_string_equal(got.msg, "bill.run: permission denied: role "
	    "operator may not do this");
	assert_int_equal(sd_err_level(&got, 1, &fmt, args, &n), 0);
	assert_string_equal(fmt, SD_DENY_ROLE_FMT);
	assert_string_equal(args[0], "operator");

	/* Not found: one level, its id an argument. */
	assert_int_equal(rpc_error(&c, SD_RPC_CUSTOMER_CLAIM, 999999, 0, &got),
	    SD_ENOTFOUND);
	assert_string_equal(got.msg, "customer 999999: not found");
	assert_int_equal(sd_err_level(&got, 0, &fmt, args, &n), 0);
	assert_string_equal(fmt, "customer %llu: not found");
	assert_string_equal(args[0], "999999");
}

/* sd_op_run: a refusal inside the transaction aborts what it wrote and is
 * audited once, after the abort; one set by an attempt that a deadlock
 * reran counts for nothing (each attempt starts without one). */
struct oprun_arg {
	int			 attempts;
	int			 mode;	/* 0 refuse, 1 refuse then retry, then a plain EPERM */
	struct sd_refusal	 no;
};

static int
oprun_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct oprun_arg *a = arg;
	int st;

	a->attempts++;
	if ((st = rec_meta_put(t, "oprun", "x", 1, err)) != SD_OK)
		return st;
	if (a->mode == 0)
		return sd_refuse(&a->no, "customer %d belongs to %s", 7, "qian");
	if (a->attempts == 1) {
		sd_refuse(&a->no, "a refusal a deadlock took back");
		return SD_ERETRY;
	}
	return sd_err_set(err, SD_EPERM, "not a refusal");
}

static int
meta_has_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct sd_buf v = SD_BUF_INIT;
	int st = rec_meta_get(t, "oprun", &v, 0, err);

	*(int *)arg = st == SD_OK;
	sd_buf_free(&v);
	return st == SD_ENOTFOUND ? SD_OK : st;
}

static void
op_run_refusal(void **state)
{
	struct fx *f = *state;
	struct oprun_arg a;
	struct sd_err e;
	int has = 1;

	memset(&a, 0, sizeof a);
	assert_int_equal(sd_op_run(&f->admin, SD_OP_CUST_UPDATE, "customer:7",
	    0, oprun_txn, &a, &a.no, &e), SD_EPERM);
	assert_non_null(strstr(e.msg, "customer 7 belongs to qian"));
	assert_int_equal(audits(f, "customer.update", SD_OUTCOME_DENIED,
	    "root1"), 1);
	assert_int_equal(sd_db_read(f->core->db, meta_has_txn, &has, &e),
	    SD_OK);
	assert_int_equal(has, 0);

	memset(&a, 0, sizeof a);
	a.mode = 1;
	assert_int_equal(sd_op_run(&f->admin, SD_OP_CUST_CLAIM, "customer:8",
	    0, oprun_txn, &a, &a.no, &e), SD_EPERM);
	assert_int_equal(a.attempts, 2);
	assert_string_equal(e.msg, "not a refusal");
	assert_int_equal(audits(f, "customer.claim", SD_OUTCOME_DENIED,
	    "root1"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(passwords),
		cmocka_unit_test(permission_table),
		cmocka_unit_test_setup_teardown(login_and_lockout, setup, teardown),
		cmocka_unit_test_setup_teardown(refusals_are_audited, setup, teardown),
		cmocka_unit_test_setup_teardown(supervisor_sees_team, setup, teardown),
		cmocka_unit_test_setup_teardown(paging, setup, teardown),
		cmocka_unit_test_setup_teardown(ledger_and_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(audit_newest, setup, teardown),
		cmocka_unit_test_setup_teardown(audit_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(op_run_refusal, setup, teardown),
		cmocka_unit_test_setup_teardown(note_keeps_or_clears_next, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(refusal_crosses_the_wire, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
