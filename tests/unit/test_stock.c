/*
 * test_stock.c -- SIM card rules with vectors worked out by hand: the ICCID
 * Luhn check digit, mainland MSISDNs, the default number-grading rules,
 * the whole state-machine matrix, and the field checks of plans, services
 * and agents that every front end says as a field is left.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"

static void
iccid_luhn(void **state)
{
	char out[21];
	int appended;
	struct sd_err e;

	(void)state;
	/* The published example ICCID 8901 4103 2111 1851 0720. */
	assert_int_equal(sd_iccid_check("89014103211118510720", out, &appended,
	    &e), SD_OK);
	assert_false(appended);
	assert_int_equal(sd_iccid_check("89014103211118510721", out, &appended,
	    &e), SD_EINVAL);
	assert_non_null(strstr(e.msg, "should be 0"));
	/* 19 digits: the check digit is computed and appended.  By hand, from
	 * the right, doubling 3,1,9,7,5,3,1,0,8 and adding the rest gives 52:
	 * check digit 8. */
	assert_int_equal(sd_iccid_check("8986001234567890123", out, &appended,
	    &e), SD_OK);
	assert_true(appended);
	assert_string_equal(out, "89860012345678901238");
	assert_int_equal(sd_iccid_check("898600123456789012", out, &appended,
	    &e), SD_EINVAL);
	assert_int_equal(sd_iccid_check("8986001234567890X23", out, &appended,
	    &e), SD_EINVAL);
}

/* The message names the field first, then the rule. */
static void
field_error(int st, const struct sd_err *e, const char *want)
{
	assert_int_equal(st, SD_EINVAL);
	assert_string_equal(e->msg, want);
}

static void
catalog_fields(void **state)
{
	struct sd_err e;

	(void)state;
	assert_int_equal(sd_plan_check("plan", "P39-a_1", &e), SD_OK);
	field_error(sd_plan_check("plan", "P 39", &e), &e,
	    "plan: 'P 39' may hold only letters, digits, '_' and '-'");
	field_error(sd_plan_check("plan", "P1234567890123456", &e), &e,
	    "plan: must be 1 to 16 characters");
	assert_int_equal(sd_plan_check("monthly-fee", "0", &e), SD_OK);
	assert_int_equal(sd_plan_check("monthly-fee", "39.50", &e), SD_OK);
	field_error(sd_plan_check("monthly-fee", "abc", &e), &e,
	    "monthly-fee: 'abc' is not an amount in yuan like 39 or 39.50");
	field_error(sd_plan_check("monthly-fee", "39.555", &e), &e,
	    "monthly-fee: '39.555' is not an amount in yuan like 39 or 39.50");
	field_error(sd_plan_check("monthly-fee", "-1", &e), &e,
	    "monthly-fee: must not be negative");
	/* The limit simdeskctl's option parser kept to itself before. */
	assert_int_equal(sd_plan_check("minutes", "1000000", &e), SD_OK);
	field_error(sd_plan_check("minutes", "1000001", &e), &e,
	    "minutes: '1000001' is not a whole number from 0 to 1000000");
	field_error(sd_plan_check("sms", "x", &e), &e,
	    "sms: 'x' is not a whole number from 0 to 1000000");
	assert_int_equal(sd_plan_check("vas", "CRBT,CLIP", &e), SD_OK);
	field_error(sd_plan_check("vas", "A,B,C,D,E,F,G,H,I", &e), &e,
	    "vas: at most 8");
	field_error(sd_plan_check("vas", "CRBT,彩铃", &e), &e,
	    "vas: '彩铃' may hold only letters, digits, '_' and '-'");
	assert_int_equal(sd_plan_check("name", "39元畅聊", &e), SD_OK);
	assert_int_equal(sd_plan_check("colour", "x", &e), SD_EINTERNAL);

	assert_int_equal(sd_vas_check("vas", "CRBT", &e), SD_OK);
	field_error(sd_vas_check("monthly-fee", "5.001", &e), &e,
	    "monthly-fee: '5.001' is not an amount in yuan like 39 or 39.50");

	assert_int_equal(sd_agent_check("parent", "A1-1", &e), SD_OK);
	field_error(sd_agent_check("parent", "A1/1", &e), &e,
	    "parent: 'A1/1' may hold only letters, digits, '_' and '-'");
	assert_int_equal(sd_agent_check("credit-limit", "5000", &e), SD_OK);
	field_error(sd_agent_check("credit-limit", "lots", &e), &e,
	    "credit-limit: 'lots' is not an amount in yuan like 39 or 39.50");
	assert_int_equal(sd_agent_check("discount", "7.5", &e), SD_OK);
	assert_int_equal(sd_agent_check("discount", "100", &e), SD_OK);
	field_error(sd_agent_check("discount", "100.01", &e), &e,
	    "discount: '100.01' is not a percentage 0 to 100");
	assert_int_equal(sd_agent_check("region", "浙江", &e), SD_OK);
}

static void
msisdns(void **state)
{
	struct sd_err e;

	(void)state;
	assert_int_equal(sd_msisdn_check("13800138000", &e), SD_OK);
	assert_int_equal(sd_msisdn_check("19912345678", &e), SD_OK);
	assert_int_equal(sd_msisdn_check("12800138000", &e), SD_EINVAL);
	assert_int_equal(sd_msisdn_check("1380013800", &e), SD_EINVAL);
	assert_int_equal(sd_msisdn_check("138001380001", &e), SD_EINVAL);
	assert_int_equal(sd_msisdn_check("1380013800a", &e), SD_EINVAL);
	assert_int_equal(sd_msisdn_check("+8613800138", &e), SD_EINVAL);
}

static void
grading(void **state)
{
	static const struct { const char *m, *grade; int64_t premium; } v[] = {
		{ "13912399999", "AAAAA", 500000 },
		{ "13912348888", "AAAA", 100000 },
		{ "13900045678", "ABCDE", 80000 },
		{ "13900098765", "ABCDE", 80000 },
		{ "13900021234", "ABCD", 30000 },
		{ "13900024321", "ABCD", 30000 },
		{ "13900021133", "AABB", 20000 },
		{ "13900021777", "AAA", 20000 },
		{ "13900021313", "ABAB", 10000 },
		{ "13988180828", "8s", 10000 },
		{ "13966106162", "6s", 8000 },
		{ "13940410427", "4s", -2000 },
		{ "13902715930", "", 0 },
	};
	struct sd_grade g;
	struct sd_config cfg;

	(void)state;
	sd_config_defaults(&cfg);
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		sd_grade_msisdn(&cfg, v[i].m, &g);
		if (strcmp(g.grade, v[i].grade) != 0 || g.premium_fen != v[i].premium)
			fail_msg("%s: %s %lld, want %s %lld", v[i].m, g.grade,
			    (long long)g.premium_fen, v[i].grade,
			    (long long)v[i].premium);
	}
}

/* The rule language, and grading from a config's own rules. */
static void
grading_config(void **state)
{
	static const struct { const char *rule, *m; int want; } v[] = {
		{ "tail AABB", "13900021133", 1 },
		{ "tail AABB", "13900021111", 0 },	/* A and B differ */
		{ "tail 520", "13900021520", 1 },
		{ "tail 1314", "13900021314", 1 },
		{ "tail A?A", "13900021414", 1 },
		{ "run 3", "13900021789", 1 },
		{ "run 3", "13900021788", 0 },
		{ "count 9 5", "13999999234", 1 },
		{ "count 9 5", "13999921234", 0 },
		{ "tail aa", "13900021133", -1 },
		{ "run 1", "13900021133", -1 },
		{ "count 10 2", "13900021133", -1 },
		{ "tail", "13900021133", -1 },
		{ "wild 4", "13900021133", -1 },
		{ "run 4 x", "13900021133", -1 },
	};
	static const char conf[] =
	    "grading = (\n"
	    "  { grade = \"love\"; rule = \"tail 520\"; premium = 52; },\n"
	    "  { grade = \"AAAA\"; rule = \"tail AAAA\"; premium = 2000; }\n"
	    ");\n";
	struct sd_config cfg;
	struct sd_grade g;
	struct sd_err e;

	(void)state;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		if (sd_grade_rule_match(v[i].rule, v[i].m) != v[i].want)
			fail_msg("%s on %s: want %d", v[i].rule, v[i].m, v[i].want);
	sd_config_defaults(&cfg);
	assert_int_equal(sd_config_parse(&cfg, conf, "t.conf", &e), SD_OK);
	assert_int_equal(cfg.ngrades, 2);
	sd_grade_msisdn(&cfg, "13900021520", &g);
	assert_string_equal(g.grade, "love");
	assert_int_equal(g.premium_fen, 5200);
	sd_grade_msisdn(&cfg, "13912345678", &g);	/* no run rule now */
	assert_string_equal(g.grade, "");
	sd_config_defaults(&cfg);
	assert_int_equal(sd_config_parse(&cfg, "grading = ( { grade = \"x\"; "
	    "rule = \"tail AB C\"; premium = 1; } );\n", "t.conf", &e),
	    SD_EINVAL);
	assert_non_null(strstr(e.msg, "t.conf:1: grading: entry 1: rule"));
	assert_int_equal(sd_config_parse(&cfg, "grading = ( { grade = \"x\"; "
	    "rule = \"run 3\"; premium = 1; colour = 2; } );\n", "t.conf", &e),
	    SD_EINVAL);
	assert_non_null(strstr(e.msg, "unknown setting"));
}

static void
transitions(void **state)
{
	/* Rows: from; columns: to, in enum order (in_stock, reserved,
	 * allocated, active, suspended, terminated, returned). */
	static const char *const ok[SD_SIM__COUNT] = {
		".yy..y.",	/* in_stock: or written off */
		"y.y....",	/* reserved: released, or allocated */
		"y..y..y",	/* allocated */
		"....yy.",	/* active */
		"...y.y.",	/* suspended */
		".......",	/* terminated: final */
		"y....y.",	/* returned: back in stock, or written off */
	};

	(void)state;
	for (int f = 0; f < SD_SIM__COUNT; f++)
		for (int t = 0; t < SD_SIM__COUNT; t++)
			if (sd_sim_transition_ok(f, t) != (ok[f][t] == 'y'))
				fail_msg("%s -> %s: %d", sd_sim_status_name(f),
				    sd_sim_status_name(t), !(ok[f][t] == 'y'));
	assert_int_equal(sd_sim_status_parse("returned"), SD_SIM_RETURNED);
	assert_int_equal(sd_sim_status_parse("lost"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(iccid_luhn),
		cmocka_unit_test(msisdns),
		cmocka_unit_test(grading),
		cmocka_unit_test(grading_config),
		cmocka_unit_test(transitions),
		cmocka_unit_test(catalog_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
