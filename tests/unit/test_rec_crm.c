/*
 * test_rec_crm.c -- the stored bytes of crm's and base's records do not
 * change: each record filled with distinctive values encodes to the bytes
 * today's encoder wrote (captured once, hard-coded here), and those bytes
 * decode back to an equal struct.
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

#include "core/core.h"
#include "core/base/base_int.h"
#include "core/crm/crm_int.h"

/* ---------------------------------------------------------------- helpers */

static char *
hex(const void *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *b = p;
	char *s = malloc(2 * n + 1);

	for (size_t i = 0; i < n; i++) {
		s[2 * i] = digits[b[i] >> 4];
		s[2 * i + 1] = digits[b[i] & 15];
	}
	s[2 * n] = '\0';
	return s;
}

/* The bytes are the expected ones (printed when not, to capture anew). */
static void
bytes_are(const char *what, const struct sd_buf *b, const char *want)
{
	char *got = hex(b->p, b->len);

	if (strcmp(got, want) != 0) {
		print_error("%s: got\n%s\n", what, got);
		free(got);
		fail_msg("%s: stored bytes changed", what);
	}
	free(got);
}

static void
unhex(const char *s, struct sd_buf *b)
{
	size_t n = strlen(s) / 2;

	for (size_t i = 0; i < n; i++) {
		unsigned v;

		assert_int_equal(sscanf(s + 2 * i, "%2x", &v), 1);
		unsigned char c = (unsigned char)v;
		sd_buf_add(b, &c, 1);
	}
}

/* ---------------------------------------------------------------- crm */

static void
fill_customer(struct sd_customer *c, int with_import)
{
	memset(c, 0, sizeof *c);
	c->id = 0x0123456789abcdefULL;
	snprintf(c->name, sizeof c->name, "王小明 Ünïcødé");
	for (int i = 0; i < SD_PHONES_MAX; i++)
		snprintf(c->phones[i], sizeof c->phones[0], "1380013800%d", i);
	c->nphones = SD_PHONES_MAX;
	snprintf(c->city, sizeof c->city, "北京");
	snprintf(c->address, sizeof c->address, "朝阳区 建国路 88号");
	snprintf(c->id_no, sizeof c->id_no, "11010519491231002X");
	snprintf(c->cls, sizeof c->cls, "VIP");
	snprintf(c->source, sizeof c->source, "展会");
	for (int i = 0; i < SD_TAGS_MAX; i++)
		snprintf(c->tags[i], sizeof c->tags[0], "标签%d", i);
	c->ntags = SD_TAGS_MAX;
	snprintf(c->owner, sizeof c->owner, "sales01");
	c->dnc = 1;
	c->status = SD_CUST_SUSPENDED;
	c->created = -1234567890123LL;
	c->updated = INT64_MAX;
	c->last_contact = INT64_MIN;
	c->next_at = 1700000000;
	c->import_id = with_import ? 0xfedcba9876543210ULL : 0;
}

static const char customer_hex[] =
    "0108deb7de9af1d9a2a3021215e78e8be5b08fe6988e20c39c6ec3af63c3b864"
    "c3a91a0b31333830303133383030301a0b31333830303133383030311a0b3133"
    "3830303133383030321a0b31333830303133383030332206e58c97e4baac2a19"
    "e69c9de998b3e58cba20e5bbbae59bbde8b7af203838e58fb732123131303130"
    "353139343931323331303032583a035649504206e5b195e4bc9a4a07e6a087e7"
    "adbe304a07e6a087e7adbe314a07e6a087e7adbe324a07e6a087e7adbe334a07"
    "e6a087e7adbe344a07e6a087e7adbe354a07e6a087e7adbe364a07e6a087e7ad"
    "be37520773616c65733031580262102479246a39542473616c74246861736868"
    "04709593d89fee4778feffffffffffffffff018001ffffffffffffffffff0188"
    "0180c49fd50c9001dfb7de9af1d9a2a302";
static const char customer_noimport_hex[] =
    "0108deb7de9af1d9a2a3021215e78e8be5b08fe6988e20c39c6ec3af63c3b864"
    "c3a91a0b31333830303133383030302206e58c97e4baac2a19e69c9de998b3e5"
    "8cba20e5bbbae59bbde8b7af203838e58fb73212313130313035313934393132"
    "3331303032583a035649504206e5b195e4bc9a520773616c6573303158006210"
    "2479246a39542473616c7424686173686804709593d89fee4778feffffffffff"
    "ffffff018001ffffffffffffffffff01880180c49fd50c";

/* The service password's hash: in the record, in no struct. */
#define SVC_HASH "$y$j9T$salt$hash"

static void
customer_bytes(void **state)
{
	struct sd_customer c, d;
	struct sd_buf b = SD_BUF_INIT, u = SD_BUF_INIT;
	char hash[160];

	(void)state;
	fill_customer(&c, 1);
	customer_encode(&c, SVC_HASH, &b);
	bytes_are("customer", &b, customer_hex);
	unhex(customer_hex, &u);
	assert_int_equal(customer_decode_hash(u.p, u.len, &d, hash,
	    sizeof hash), SD_OK);
	assert_memory_equal(&c, &d, sizeof c);
	assert_string_equal(hash, SVC_HASH);

	/* Fewer phones and tags, no import: the import tag is left out. */
	fill_customer(&c, 0);
	c.nphones = 1;
	c.ntags = 0;
	memset(c.phones[1], 0, sizeof c.phones - sizeof c.phones[0]);
	memset(c.tags, 0, sizeof c.tags);
	c.dnc = 0;
	sd_buf_free(&b);
	customer_encode(&c, SVC_HASH, &b);
	bytes_are("customer without import", &b, customer_noimport_hex);
	sd_buf_free(&u);
	unhex(customer_noimport_hex, &u);
	assert_int_equal(customer_decode(u.p, u.len, &d), SD_OK);
	assert_memory_equal(&c, &d, sizeof c);
	sd_buf_free(&b);
	sd_buf_free(&u);
}

static const char note_hex[] =
    "01080110fdffffffffffffffff0118012209e5aea2e69c8d5f30312a24e59b9e"
    "e8aebfefbc9ae5aea2e688b7e6bba1e6848f20e29c9320c2ab71756f746564c2"
    "bb3206e68ea5e9809a3880dcb2c81e";

static void
note_bytes(void **state)
{
	struct sd_note n, d;
	struct sd_buf b = SD_BUF_INIT, u = SD_BUF_INIT;

	(void)state;
	memset(&n, 0, sizeof n);
	n.id = UINT64_MAX;
	n.customer = 0x8000000000000001ULL;
	n.at = -1;
	snprintf(n.by, sizeof n.by, "客服_01");
	snprintf(n.text, sizeof n.text, "回访：客户满意 ✓ «quoted»");
	snprintf(n.outcome, sizeof n.outcome, "接通");
	n.next_at = 4102444800LL;
	note_encode(&n, &b);
	bytes_are("note", &b, note_hex);
	unhex(note_hex, &u);
	assert_int_equal(note_decode(u.p, u.len, &d), SD_OK);
	assert_memory_equal(&n, &d, sizeof n);
	sd_buf_free(&b);
	sd_buf_free(&u);
}

static const char reminder_hex[] =
    "01089a0110fe83f88fe0bf80ff011a06e5bca0e4b88920ffc50a2a17e59b9ee7"
    "94b520f09f939e206265666f7265206e6f6f6e300438024206e69d8ee59b9b4a"
    "0e2b38363133393030313339303030";

static void
reminder_bytes(void **state)
{
	struct sd_reminder r, d;
	struct sd_buf b = SD_BUF_INIT, u = SD_BUF_INIT;

	(void)state;
	memset(&r, 0, sizeof r);
	r.id = 77;
	r.customer = 0x00ff00ff00ff00ffULL;
	snprintf(r.owner, sizeof r.owner, "张三");
	r.due = -86400;
	snprintf(r.text, sizeof r.text, "回电 📞 before noon");
	r.status = 2;
	r.seen = 1;
	snprintf(r.cname, sizeof r.cname, "李四");
	snprintf(r.phone, sizeof r.phone, "+8613900139000");
	reminder_encode(&r, &b);
	bytes_are("reminder", &b, reminder_hex);
	unhex(reminder_hex, &u);
	assert_int_equal(reminder_decode(u.p, u.len, &d), SD_OK);
	assert_memory_equal(&r, &d, sizeof r);
	sd_buf_free(&b);
	sd_buf_free(&u);
}

static const char ticket_hex[] =
    "0108f2fdeee090923810541a0b3133383030313338303030220de78e8be4ba94"
    "20cea96d656761280630043a0868616e646c6572394206e5898de58fb04a28e4"
    "bfa1e58fb7e5b7ae0a5b323032342d30312d30312030393a303020615d20e5b7"
    "b2e6b4bee58d955215e69bb4e68da253494de58da120e2809420646f6e655809"
    "6080c0a8ca9a3a680370feffffffffffffffff0178ffffffffffffffffff01";

static void
ticket_bytes(void **state)
{
	struct sd_ticket t, d;
	struct sd_buf b = SD_BUF_INIT, u = SD_BUF_INIT;

	(void)state;
	memset(&t, 0, sizeof t);
	t.id = 123456789012345ULL;
	t.customer = 42;
	snprintf(t.phone, sizeof t.phone, "13800138000");
	snprintf(t.cname, sizeof t.cname, "王五 Ωmega");
	t.type = SD_TICKET_CHANGE;
	t.status = SD_TICKET_RESOLVED;
	snprintf(t.handler, sizeof t.handler, "handler9");
	snprintf(t.created_by, sizeof t.created_by, "前台");
	snprintf(t.text, sizeof t.text, "信号差\n[2024-01-01 09:00 a] 已派单");
	snprintf(t.resolution, sizeof t.resolution, "更换SIM卡 — done");
	t.score = -5;
	t.created = 1000000000000LL;
	t.updated = -2;
	t.due = INT64_MAX;
	t.closed_at = INT64_MIN;
	ticket_encode(&t, &b);
	bytes_are("ticket", &b, ticket_hex);
	unhex(ticket_hex, &u);
	assert_int_equal(ticket_decode(u.p, u.len, &d), SD_OK);
	assert_memory_equal(&t, &d, sizeof t);
	sd_buf_free(&b);
	sd_buf_free(&u);
}

/* ---------------------------------------------------------------- base */

static const char user_hex[] =
    "0178e5bf88d086c4a0d2420a0777616e672e786d1211e78e8be5b08fe6988e20"
    "4dc3bc6c6c65721806220ce58d8ee58c97e4b880e7bb842a0c3031302d383838"
    "3836363636300d3a0377786d720c41472de58c97e4baac2d3031421a2479246a"
    "39542461626364656667682430313233343536373839480250feffffff0f58fe"
    "ffffffffffffffff0160ffffffffffffffffff016882c49fd50c";

static void
user_bytes(void **state)
{
	struct sd_user x, d;
	struct sd_buf b = SD_BUF_INIT, u = SD_BUF_INIT;
	char hash[160];

	(void)state;
	memset(&x, 0, sizeof x);
	x.id = 0xdeadbeefcafef00dULL;
	snprintf(x.login, sizeof x.login, "wang.xm");
	snprintf(x.name, sizeof x.name, "王小明 Müller");
	x.role = 3;
	snprintf(x.team, sizeof x.team, "华北一组");
	snprintf(x.phone, sizeof x.phone, "010-88886666");
	x.age = -7;
	snprintf(x.os_login, sizeof x.os_login, "wxm");
	snprintf(x.agent, sizeof x.agent, "AG-北京-01");
	x.status = 1;
	x.failed = 2147483647;
	x.locked_until = INT64_MAX;
	x.created = INT64_MIN;
	x.last_login = 1700000001;
	user_encode(&x, "$y$j9T$abcdefgh$0123456789", &b);
	bytes_are("user", &b, user_hex);
	unhex(user_hex, &u);
	assert_int_equal(user_decode_hash(u.p, u.len, &d, hash, sizeof hash),
	    SD_OK);
	assert_memory_equal(&x, &d, sizeof x);
	assert_string_equal(hash, "$y$j9T$abcdefgh$0123456789");
	sd_buf_free(&b);
	sd_buf_free(&u);
}

static const char audit_hex[] =
    "0108fe8fdfc04a10ffc39fd50c1a09e5aea1e8aea1e59198220f637573746f6d"
    "65722e7570646174652a0b637573746f6d65723a343230023a146e616d653de6"
    "97a720636974793de4b88ae6b5b742186e616d653de696b020636974793de6b7"
    "b1e59cb320e29c93";

static void
audit_bytes(void **state)
{
	struct sd_audit a, d;
	struct sd_buf b = SD_BUF_INIT, u = SD_BUF_INIT;

	(void)state;
	memset(&a, 0, sizeof a);
	a.id = 9999999999ULL;
	a.at = -1700000000;
	snprintf(a.user, sizeof a.user, "审计员");
	snprintf(a.op, sizeof a.op, "customer.update");
	snprintf(a.object, sizeof a.object, "customer:42");
	a.outcome = SD_OUTCOME_DENIED;
	snprintf(a.before, sizeof a.before, "name=旧 city=上海");
	snprintf(a.after, sizeof a.after, "name=新 city=深圳 ✓");
	audit_encode(&a, &b);
	bytes_are("audit", &b, audit_hex);
	unhex(audit_hex, &u);
	assert_int_equal(audit_decode(u.p, u.len, &d), SD_OK);
	assert_memory_equal(&a, &d, sizeof a);
	sd_buf_free(&b);
	sd_buf_free(&u);
}

/* ---------------------------------------------------------------- in a db */

/* Records without a codec of their own (an import's row, an account's
 * balance) are written through the db and read back raw. */
struct fx {
	char		 dir[64];
	struct sd_core	*core;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	struct sd_config cfg;
	struct sd_err e;

	snprintf(f->dir, sizeof f->dir, "/tmp/sdtest-reccrm.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	rmdir(f->dir);
	sd_config_defaults(&cfg);
	sd_strlcpy(cfg.data_dir, f->dir, sizeof cfg.data_dir);
	cfg.durable = 0;
	if (sd_core_open(&f->core, &cfg, 1, &e) != SD_OK) {
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

struct raw {
	struct sd_buf	imp, acc_a, acc_b;
};

static int
raw_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct raw *r = arg;
	struct imp m;
	struct sd_posting_line lines[2] = {
		{ "cash:北京", -123456789 }, { "agent:AG01", 123456789 }
	};
	uint8_t key[8];
	uint64_t pid;
	int st;

	memset(&m, 0, sizeof m);
	m.id = 0x0102030405060708ULL;
	snprintf(m.file, sizeof m.file, "/srv/导入/客户 2024.xlsx");
	snprintf(m.by, sizeof m.by, "导入员");
	m.started = -1700000000;
	m.status = IMP_FAILED;
	m.count = 9876543210L;
	m.pid = -4242;
	if ((st = imp_store(t, &m, err)) != SD_OK)
		return st;
	key64(key, m.id);
	if ((st = sd_get(t, T_IMPORT, key, 8, &r->imp, 0, err)) != SD_OK)
		return st;
	if ((st = sd_ledger_post(t, "root1", "memo", "ref", lines, 2, &pid,
	    err)) != SD_OK || (st = sd_ledger_post(t, "root1", "memo", "ref",
	    lines, 2, &pid, err)) != SD_OK)
		return st;
	if ((st = sd_get(t, T_ACCOUNT, lines[0].account,
	    strlen(lines[0].account), &r->acc_a, 0, err)) != SD_OK)
		return st;
	return sd_get(t, T_ACCOUNT, lines[1].account,
	    strlen(lines[1].account), &r->acc_b, 0, err);
}

static const char imp_hex[] =
    "0108909cb0d080c1818202121c2f7372762fe5afbce585a52fe5aea2e688b720"
    "323032342e786c73781a09e5afbce585a5e5919820ffc39fd50c280430d4db80"
    "cb4938a342";
static const char account_a_hex[] =
    "0108d3e8bceb011004";
static const char account_b_hex[] =
    "0108d4e8bceb011004";

static void
db_records_bytes(void **state)
{
	struct fx *f = *state;
	struct raw r = { SD_BUF_INIT, SD_BUF_INIT, SD_BUF_INIT };
	struct imp m, d;
	struct sd_err e;

	assert_int_equal(sd_db_run(f->core->db, raw_txn, &r, &e), SD_OK);
	bytes_are("import", &r.imp, imp_hex);
	bytes_are("account a", &r.acc_a, account_a_hex);
	bytes_are("account b", &r.acc_b, account_b_hex);
	memset(&m, 0, sizeof m);
	m.id = 0x0102030405060708ULL;
	snprintf(m.file, sizeof m.file, "/srv/导入/客户 2024.xlsx");
	snprintf(m.by, sizeof m.by, "导入员");
	m.started = -1700000000;
	m.status = IMP_FAILED;
	m.count = 9876543210L;
	m.pid = -4242;
	assert_int_equal(imp_decode(r.imp.p, r.imp.len, &d), SD_OK);
	assert_memory_equal(&m, &d, sizeof m);
	sd_buf_free(&r.imp);
	sd_buf_free(&r.acc_a);
	sd_buf_free(&r.acc_b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(customer_bytes),
		cmocka_unit_test(note_bytes),
		cmocka_unit_test(reminder_bytes),
		cmocka_unit_test(ticket_bytes),
		cmocka_unit_test(user_bytes),
		cmocka_unit_test(audit_bytes),
		cmocka_unit_test_setup_teardown(db_records_bytes, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
