/*
 * test_regress.c -- regression tests for bugs found in core/, each named
 * after what it keeps true: rows of a list are handed out once even when
 * the transaction reading them is rerun after a deadlock; an audit row
 * that cannot be written aborts (or retries) what it records; a rejects
 * file reads back as the rows that were rejected, or the import stops; no
 * reply of the server carries a password hash; an ICCID, an MSISDN, a
 * login and a code are each one size everywhere; verify runs the checks
 * its opening comment lists.
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

struct fx {
	char			 dir[64];
	struct sd_core		*core;
	struct sd_session	 admin;
	uint64_t		 customer;
};

static void
must(int st, const char *what, const struct sd_err *e)
{
	if (st != SD_OK)
		fail_msg("%s: %s", what, e->msg);
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct sd_config cfg;
	struct sd_err e;

	snprintf(f->dir, sizeof f->dir, "/tmp/sdtest-regress.XXXXXX");
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

	sd_db_fault_retry(f->core->db, 0);
	sd_core_close(f->core);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* A plan, a customer with two cards and two notes, a ticket. */
static void
some_business(struct fx *f)
{
	static const char *const iccid[] = { "8986001234567890123",
	    "8986001234567890131" };
	static const char *const msisdn[] = { "13912348888", "13912348889" };
	struct sd_plan_fields pf;
	struct sd_cust_fields cf;
	struct sd_err e;

	sd_plan_fields_init(&pf);
	pf.name = "39元畅聊";
	pf.monthly_fee = "39";
	must(sd_plan_add(&f->admin, "P39", &pf, &e), "plan", &e);
	sd_cust_fields_init(&cf);
	cf.name = "张三";
	cf.phones = "13800000001";
	must(sd_customer_add(&f->admin, &cf, &f->customer, &e), "customer", &e);
	for (int i = 0; i < 2; i++) {
		struct sd_sim_fields sf;
		struct sd_activation a;
		char id[32];
		uint64_t sub;

		sd_sim_fields_init(&sf);
		sf.iccid = iccid[i];
		sf.msisdn = msisdn[i];
		sf.plan = "P39";
		must(sd_sim_add(&f->admin, &sf, id, &e), "sim", &e);
		memset(&a, 0, sizeof a);
		a.iccid = id;
		a.customer = f->customer;
		must(sd_sim_activate(&f->admin, &a, &sub, &e), "activate", &e);
		must(sd_note_add(&f->admin, f->customer, i ? "second" : "first",
		    NULL, 0, NULL, &e), "note", &e);
	}
	must(sd_ticket_add(&f->admin, f->customer, 0, "no signal", NULL, &e),
	    "ticket", &e);
}

/* Callbacks counting rows, and noticing one handed out twice. */
struct seen {
	uint64_t	id[64];
	int		n, twice;
};

static void
saw(struct seen *s, uint64_t id)
{
	for (int i = 0; i < s->n; i++)
		s->twice += s->id[i] == id;
	if (s->n < 64)
		s->id[s->n++] = id;
}

static int
on_sub(const struct sd_subscription *u, void *arg)
{
	saw(arg, u->id);
	return 0;
}

static int
on_note(const struct sd_note *n, void *arg)
{
	saw(arg, n->id);
	return 0;
}

static int
on_ticket(const struct sd_ticket *t, void *arg)
{
	saw(arg, t->id);
	return 0;
}

static int
on_audit(const struct sd_audit *a, void *arg)
{
	saw(arg, a->id);
	return 0;
}

static int
on_plan(const struct sd_plan *p, void *arg)
{
	(void)p;
	saw(arg, (uint64_t)((struct seen *)arg)->n + 1);
	return 0;
}

static int
on_sim(const struct sd_sim *c, void *arg)
{
	saw(arg, strtoull(c->iccid + 8, NULL, 10));
	return 0;
}

static void
on_check(const char *check, int ok, const char *detail, void *arg)
{
	(void)check;
	(void)detail;
	if (!ok)
		fail_msg("verify: %s: %s", check, detail);
	((struct seen *)arg)->n++;
}

/*
 * sd_db_read and sd_db_run rerun their function after a deadlock; a list
 * that called its callback inside handed the rows read before the
 * deadlock out again (customer show printed its cards twice).  With every
 * transaction rerun once, each list gives each row once.
 */
static void
list_rows_once_after_retry(void **state)
{
	struct fx *f = *state;
	struct sd_audit_filter af;
	struct sd_sim_filter sf;
	struct sd_ticket_filter tf;
	struct seen s;
	struct sd_err e;
	unsigned long retries;
	int checks;

	some_business(f);
	memset(&s, 0, sizeof s);
	checks = sd_verify(&f->admin, on_check, &s, &e);
	assert_int_equal(checks, 0);
	checks = s.n;

	sd_db_fault_retry(f->core->db, 1000);
	retries = sd_db_retries();

	memset(&s, 0, sizeof s);
	must(sd_subscription_list(&f->admin, f->customer, on_sub, &s, &e),
	    "subscriptions", &e);
	assert_int_equal(s.twice, 0);
	assert_int_equal(s.n, 2);

	memset(&s, 0, sizeof s);
	must(sd_note_list(&f->admin, f->customer, on_note, &s, &e), "notes",
	    &e);
	assert_int_equal(s.twice, 0);
	assert_int_equal(s.n, 2);

	memset(&s, 0, sizeof s);
	memset(&tf, 0, sizeof tf);
	tf.status = -1;
	must(sd_ticket_list(&f->admin, &tf, on_ticket, &s, &e), "tickets", &e);
	assert_int_equal(s.twice, 0);
	assert_int_equal(s.n, 1);

	memset(&s, 0, sizeof s);
	must(sd_plan_list(&f->admin, on_plan, &s, &e), "plans", &e);
	assert_int_equal(s.n, 1);

	memset(&s, 0, sizeof s);
	memset(&sf, 0, sizeof sf);
	sf.status = -1;
	must(sd_sim_list(&f->admin, &sf, on_sim, &s, &e), "cards", &e);
	assert_int_equal(s.twice, 0);
	assert_int_equal(s.n, 2);

	memset(&s, 0, sizeof s);
	memset(&af, 0, sizeof af);
	af.op = "sim.activate";
	must(sd_audit_list(&f->admin, &af, on_audit, &s, &e), "audit", &e);
	assert_int_equal(s.twice, 0);
	assert_int_equal(s.n, 2);

	memset(&s, 0, sizeof s);
	assert_int_equal(sd_verify(&f->admin, on_check, &s, &e), 0);
	assert_int_equal(s.n, checks);

	/* Every one of them was rerun. */
	assert_true(sd_db_retries() - retries >= 7);
}

static struct sd_session
login_as(struct fx *f, const char *login, int role)
{
	struct sd_user_fields uf;
	struct sd_session s;
	struct sd_err e;

	sd_user_fields_init(&uf);
	uf.role = role;
	uf.team = "t1";
	must(sd_user_add(&f->admin, login, &uf, "secret12", NULL, &e), login,
	    &e);
	must(sd_session_login(f->core, login, "secret12", &s, &e), login, &e);
	return s;
}

static int
audits(struct fx *f, const char *op)
{
	struct sd_audit_filter af;
	struct seen s;
	struct sd_err e;

	memset(&af, 0, sizeof af);
	af.op = op;
	memset(&s, 0, sizeof s);
	must(sd_audit_list(&f->admin, &af, on_audit, &s, &e), "audit", &e);
	return s.n;
}

static int
on_presence(const struct sd_presence *p, void *arg)
{
	if (strcmp(p->login, "op1") == 0)
		*(int *)arg = p->state;
	return 0;
}

/*
 * tel.c ignored what sd_audit_write returned: a pause, a modem's state or
 * a SIM's quota warning whose audit row failed was kept without it, and a
 * deadlock met there was not retried (the change went in unaudited).
 */
static void
audit_failure_aborts(void **state)
{
	struct fx *f = *state;
	struct sd_session op = login_as(f, "op1", SD_ROLE_OPERATOR);
	struct sd_plan_fields pf;
	struct sd_modem m, got;
	struct sd_err e;
	unsigned long retries;
	int pres = -1;

	/* A failed audit row: nothing changes. */
	sd_db_fault_put(f->core->db, T_AUDIT, SD_EINTERNAL, 1);
	assert_int_equal(sd_presence_beat(&op, 1, "lunch", &e), SD_EINTERNAL);
	must(sd_presence_list(&f->admin, on_presence, &pres, &e), "presence",
	    &e);
	assert_int_equal(pres, -1);
	assert_int_equal(audits(f, "presence.pause"), 0);

	/* A deadlock met writing it: run again, audited once. */
	retries = sd_db_retries();
	sd_db_fault_put(f->core->db, T_AUDIT, SD_ERETRY, 1);
	must(sd_presence_beat(&op, 1, "lunch", &e), "pause", &e);
	assert_int_equal(sd_db_retries() - retries, 1);
	must(sd_presence_list(&f->admin, on_presence, &pres, &e), "presence",
	    &e);
	assert_int_equal(pres, SD_PRES_PAUSED);
	assert_int_equal(audits(f, "presence.pause"), 1);

	/* A modem coming up is audited, or not recorded at all. */
	memset(&m, 0, sizeof m);
	sd_strlcpy(m.name, "gsm1", sizeof m.name);
	sd_strlcpy(m.state, "up", sizeof m.state);
	sd_db_fault_put(f->core->db, T_AUDIT, SD_EINTERNAL, 1);
	assert_int_equal(sd_modem_report(f->core, &m, &e), SD_EINTERNAL);
	assert_int_equal(sd_modem_get(&f->admin, "gsm1", &got, &e),
	    SD_ENOTFOUND);
	must(sd_modem_report(f->core, &m, &e), "modem", &e);
	assert_int_equal(audits(f, "modem.state"), 1);

	/* A refusal stays a refusal, and says it went unaudited. */
	sd_plan_fields_init(&pf);
	pf.name = "x";
	pf.monthly_fee = "9";
	sd_db_fault_put(f->core->db, T_AUDIT, SD_EINTERNAL, 1);
	assert_int_equal(sd_plan_add(&op, "P9", &pf, &e), SD_EPERM);
	assert_non_null(strstr(e.msg, "not audited"));
	sd_db_fault_put(f->core->db, T_AUDIT, SD_EINTERNAL, 0);
}

/* Import the CSV text as cards, CDRs or customers, bad rows to rej. */
enum { IMP_SIM, IMP_CDR, IMP_CUST };

static int
import(struct fx *f, int kind, const char *text, const char *rej,
    struct sd_import_result *r, struct sd_err *e)
{
	struct sd_import_opts o;
	struct sd_table t;
	int st;

	if (sd_table_parse_csv("in.csv", text, strlen(text), SD_ENC_AUTO, &t,
	    e) != SD_OK)
		fail_msg("parse: %s", e->msg);
	memset(&o, 0, sizeof o);
	o.rejects = rej;
	st = kind == IMP_SIM ? sd_sim_import(&f->admin, "in.csv", &t, rej, r, e) :
	    kind == IMP_CDR ? sd_cdr_import(&f->admin, "in.csv", &t,
	    SD_CDR_SIMDESK, rej, NULL, NULL, r, e) :
	    sd_customer_import(&f->admin, "in.csv", &t, &o, r, e);
	sd_table_free(&t);
	return st;
}

/* rej read back is text's header and its rows bad[0..nbad), each cell
 * the same, with a last column whose reasons say want. */
static void
reads_back(const char *text, const char *rej, const int *bad, int nbad,
    const char *want)
{
	struct sd_table in, out;
	struct sd_err e;

	must(sd_table_parse_csv("in.csv", text, strlen(text), SD_ENC_AUTO, &in,
	    &e), "parse", &e);
	must(sd_table_read(rej, SD_ENC_AUTO, &out, &e), "rejects", &e);
	assert_int_equal(out.nrows, 1 + nbad);
	for (int r = 0; r < out.nrows; r++) {
		int from = r == 0 ? 0 : bad[r - 1];

		assert_int_equal(out.ncells[r], in.ncols + 1);
		for (int c = 0; c < in.ncols; c++)
			assert_string_equal(out.cells[r][c], c < in.ncells[from] ?
			    in.cells[from][c] : "");
		if (r == 0)
			assert_string_equal(out.cells[0][in.ncols], "reason");
		else if (strstr(out.cells[r][in.ncols], want) == NULL)
			fail_msg("reason %s: no %s", out.cells[r][in.ncols], want);
	}
	sd_table_free(&in);
	sd_table_free(&out);
}

/*
 * The card and CDR imports wrote "row,reason" with the reason in quotes
 * that were not doubled (a reason quoting a cell with a quote broke the
 * file) and never checked fclose (a full disk lost the rejects while the
 * good rows went in).  One writer now serves all three imports.
 */
static void
rejects_read_back(void **state)
{
	static const char sims[] = "iccid,msisdn,plan,batch\r\n"
	    "8986002222333344445,13800003333,P39,b1\r\n"
	    "8986002222333344447,13800004444,\"NO\"\"PE, X\",\"say \"\"hi\"\", "
	    "twice\"\r\n";
	static const char cdrs[] = "call_id,msisdn,number,start,billsec\r\n"
	    "\"c\"\"1, a\",13911112222,13800138000,2026-11-13 09:00:01,60\r\n";
	static const char custs[] = "name,phone,city\r\n"
	    "\"王, \"\"五\"\"\",13800000009,杭州\r\n"
	    "\"赵六\",13800000001,\"x\"\"y\"\r\n";
	struct fx *f = *state;
	struct sd_plan_fields pf;
	struct sd_cust_fields cf;
	struct sd_import_result r;
	struct sd_sim c;
	struct sd_err e;
	char rej[96];
	int two = 2, one = 1;

	sd_plan_fields_init(&pf);
	pf.name = "39";
	pf.monthly_fee = "39";
	must(sd_plan_add(&f->admin, "P39", &pf, &e), "plan", &e);
	snprintf(rej, sizeof rej, "%s/rej.csv", f->dir);

	/* A full disk: the import stops and nothing goes in. */
	assert_int_equal(import(f, IMP_SIM, sims, "/dev/full", &r, &e),
	    SD_EINVAL);
	assert_non_null(strstr(e.msg, "/dev/full"));
	assert_int_equal(sd_sim_find(&f->admin, "13800003333", &c, &e),
	    SD_ENOTFOUND);

	must(import(f, IMP_SIM, sims, rej, &r, &e), "sim import", &e);
	assert_int_equal(r.imported, 1);
	assert_int_equal(r.rejected, 1);
	reads_back(sims, rej, &two, 1, "no plan NO\"PE, X");

	must(import(f, IMP_CDR, cdrs, rej, &r, &e), "cdr import", &e);
	assert_int_equal(r.rejected, 1);
	reads_back(cdrs, rej, &one, 1, "no subscription has 13911112222");

	sd_cust_fields_init(&cf);
	cf.name = "张三";
	cf.phones = "13800000001";
	must(sd_customer_add(&f->admin, &cf, &f->customer, &e), "customer", &e);
	must(import(f, IMP_CUST, custs, rej, &r, &e), "customer import", &e);
	assert_int_equal(r.rejected, 1);
	reads_back(custs, rej, &two, 1, "already belongs");
}

/* Every frame the server sends, and every RESULT, end to end in all. */
static int
keep_frame(void *arg, struct sd_buf *frame, int now)
{
	(void)now;
	sd_buf_add(arg, frame->p, frame->len);
	sd_buf_reset(frame);
	return 0;
}

/* One CALL of op through the server's dispatch; args: 's' a string
 * (NULL kept), 'i' an int. */
static int
rpc(struct sd_rpc_srv *srv, struct sd_buf *all, int op, const char *args,
    ...)
{
	struct sd_buf call = SD_BUF_INIT, res = SD_BUF_INIT;
	struct sd_wire_msg m;
	struct sd_err e;
	va_list ap;
	int st;

	sd_wire_begin(&call, SD_MSG_CALL);
	sd_rec_str(&call, SD_W_ID, "t");
	sd_rec_int(&call, SD_W_OP, op);
	va_start(ap, args);
	for (const char *a = args; *a != '\0'; a++)
		if (*a == 's')
			sd_arg_str(&call, va_arg(ap, const char *));
		else
			sd_arg_int(&call, va_arg(ap, int64_t));
	va_end(ap);
	sd_wire_finish(&call);
	must(sd_wire_decode(call.p + 4, call.len - 4, &m, &e), "decode", &e);
	sd_wire_begin(&res, SD_MSG_RESULT);
	st = sd_rpc_call(srv, &m, &res, &e);
	sd_wire_finish(&res);
	sd_buf_add(all, res.p, res.len);
	sd_wire_msg_free(&m);
	sd_buf_free(&call);
	sd_buf_free(&res);
	return st;
}

/*
 * Password hashes sat in struct sd_user and struct sd_customer, blanked
 * by hand before each was handed out; the structs travel to a TUI as
 * their bytes.  They now have no such field.  Whatever a TUI asks about
 * users and customers, no reply holds a yescrypt hash ("$y$...").
 */
static void
no_hash_on_the_wire(void **state)
{
	struct fx *f = *state;
	struct sd_rpc_srv srv;
	struct sd_cust_fields cf;
	struct sd_buf all = SD_BUF_INIT;
	struct sd_session op = login_as(f, "op1", SD_ROLE_OPERATOR);
	struct sd_err e;

	(void)op;
	sd_cust_fields_init(&cf);
	cf.name = "张三";
	cf.phones = "13800000001";
	must(sd_customer_add(&f->admin, &cf, &f->customer, &e), "customer", &e);
	must(sd_customer_set_svc_password(&f->admin, f->customer, "svc12345",
	    &e), "service password", &e);
	must(sd_customer_check_svc_password(&f->admin, f->customer, "svc12345",
	    &e), "service password kept", &e);

	memset(&srv, 0, sizeof srv);
	srv.core = f->core;
	srv.uid = getuid();
	srv.send = keep_frame;
	srv.send_arg = &all;
	assert_int_equal(rpc(&srv, &all, SD_RPC_SESSION_LOGIN, "ss", "root1",
	    "adminpw1"), SD_OK);
	assert_int_equal(rpc(&srv, &all, SD_RPC_USER_GET, "s", "op1"), SD_OK);
	assert_int_equal(rpc(&srv, &all, SD_RPC_USER_GET, "s", "root1"), SD_OK);
	assert_int_equal(rpc(&srv, &all, SD_RPC_USER_PAGE, "sisssii", NULL,
	    (int64_t)SD_ROLE_NONE, NULL, NULL, NULL, (int64_t)1, (int64_t)50),
	    SD_OK);
	assert_int_equal(rpc(&srv, &all, SD_RPC_CUSTOMER_GET, "i",
	    (int64_t)f->customer), SD_OK);
	assert_int_equal(rpc(&srv, &all, SD_RPC_CUSTOMER_FIND, "s",
	    "13800000001"), SD_OK);
	assert_int_equal(rpc(&srv, &all, SD_RPC_CUSTOMER_PAGE, "issii",
	    (int64_t)SD_CUST_BY_NAME, NULL, NULL, (int64_t)1, (int64_t)50),
	    SD_OK);
	/* The replies are there: both users and the customer. */
	assert_non_null(memmem(all.p, all.len, "op1", 3));
	assert_non_null(memmem(all.p, all.len, "root1", 5));
	assert_non_null(memmem(all.p, all.len, "张三", strlen("张三")));
	assert_null(memmem(all.p, all.len, "$y$", 3));
	sd_buf_free(&all);
}

#define FIELD(st, f) sizeof(((struct st *)0)->f)

/*
 * An ICCID was [21] in the cards' structs and [24] in the modems', calls'
 * and messages' (and the config's expected ones): each kind of identifier
 * now has one size, from base.h.  And a 20-digit ICCID a modem reports
 * goes through its record whole.
 */
static void
sizes_from_one_place(void **state)
{
	static const size_t iccid[] = { FIELD(sd_sim, iccid),
	    FIELD(sd_subscription, iccid), FIELD(sd_stocktake_diff, iccid),
	    FIELD(sd_modem, iccid), FIELD(sd_call, iccid), FIELD(sd_sms, iccid),
	    FIELD(sd_config, modems[0].expect[0]) };
	static const size_t msisdn[] = { FIELD(sd_sim, msisdn),
	    FIELD(sd_subscription, msisdn), FIELD(sd_cdr, msisdn),
	    FIELD(sd_bill_line, msisdn), FIELD(sd_bill, phone) };
	static const size_t code[] = { FIELD(sd_plan, code),
	    FIELD(sd_plan, tariff), FIELD(sd_plan, vas[0]), FIELD(sd_vas, code),
	    FIELD(sd_agent, code), FIELD(sd_agent, parent), FIELD(sd_sim, plan),
	    FIELD(sd_sim, agent), FIELD(sd_subscription, plan),
	    FIELD(sd_subscription, vas[0]), FIELD(sd_subscription, agent),
	    FIELD(sd_order, agent), FIELD(sd_order, plan),
	    FIELD(sd_stocktake_diff, agent), FIELD(sd_tariff, code),
	    FIELD(sd_bill_line, code), FIELD(sd_config, call_tariff) };
	static const size_t login[] = { FIELD(sd_user, login),
	    FIELD(sd_user, os_login), FIELD(sd_audit, user),
	    FIELD(sd_customer, owner), FIELD(sd_ticket, handler),
	    FIELD(sd_receipt, cashier), FIELD(sd_call, operator),
	    FIELD(sd_presence, login), FIELD(sd_subscription, seller),
	    FIELD(sd_order, by) };
	struct fx *f = *state;
	struct sd_modem m, got;
	struct sd_err e;

	for (size_t i = 0; i < sizeof iccid / sizeof iccid[0]; i++)
		if (iccid[i] != SD_ICCID_MAX + 1)
			fail_msg("ICCID %zu: %zu bytes", i, iccid[i]);
	for (size_t i = 0; i < sizeof msisdn / sizeof msisdn[0]; i++)
		if (msisdn[i] != SD_MSISDN_MAX + 1)
			fail_msg("MSISDN %zu: %zu bytes", i, msisdn[i]);
	for (size_t i = 0; i < sizeof code / sizeof code[0]; i++)
		if (code[i] != SD_CODE_MAX + 1)
			fail_msg("code %zu: %zu bytes", i, code[i]);
	for (size_t i = 0; i < sizeof login / sizeof login[0]; i++)
		if (login[i] != SD_LOGIN_MAX + 1)
			fail_msg("login %zu: %zu bytes", i, login[i]);

	memset(&m, 0, sizeof m);
	sd_strlcpy(m.name, "gsm1", sizeof m.name);
	sd_strlcpy(m.state, "ready", sizeof m.state);
	sd_strlcpy(m.iccid, "89860012345678901234", sizeof m.iccid);
	must(sd_modem_report(f->core, &m, &e), "modem", &e);
	must(sd_modem_get(&f->admin, "gsm1", &got, &e), "modem get", &e);
	assert_string_equal(got.iccid, "89860012345678901234");
}

/* The kinds of check verify reports ("index T.I" is one kind). */
struct kinds {
	char	name[32][64];
	int	n;
};

static void
on_kind(const char *check, int ok, const char *detail, void *arg)
{
	struct kinds *k = arg;
	const char *name = strncmp(check, "index ", 6) == 0 ? "index" : check;

	if (!ok)
		fail_msg("verify: %s: %s", check, detail);
	for (int i = 0; i < k->n; i++)
		if (strcmp(k->name[i], name) == 0)
			return;
	if (k->n < 32)
		sd_strlcpy(k->name[k->n++], name, sizeof k->name[0]);
}

/*
 * verify.c's opening said five checks while sd_verify ran eleven kinds.
 * It lists them now; this keeps the list and the checks together.
 */
static void
verify_checks_as_listed(void **state)
{
	static const char *const listed[] = { "postings balance",
	    "balances replay", "balances sum to zero", "users", "index",
	    "customers", "sim cards", "orders", "bills", "receipts", "usage",
	    "commission.payable", "statement.total", "statement.lines",
	    "agent.receipts", "invoices", "report.calls", "report.sales" };
	struct fx *f = *state;
	struct kinds k;
	struct sd_err e;

	memset(&k, 0, sizeof k);
	assert_int_equal(sd_verify(&f->admin, on_kind, &k, &e), 0);
	assert_int_equal(k.n, (int)(sizeof listed / sizeof listed[0]));
	for (size_t i = 0; i < sizeof listed / sizeof listed[0]; i++) {
		int found = 0;

		for (int j = 0; j < k.n; j++)
			found |= strcmp(k.name[j], listed[i]) == 0;
		if (!found)
			fail_msg("verify has no check %s", listed[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(list_rows_once_after_retry,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(audit_failure_aborts, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(rejects_read_back, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(no_hash_on_the_wire, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(sizes_from_one_place, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(verify_checks_as_listed, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
