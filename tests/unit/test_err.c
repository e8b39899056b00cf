/*
 * test_err.c -- an error as its format and arguments (db/err.c): each
 * argument taken by its conversion, errors inside errors, the renderer a
 * translation goes through (in order, positional, %%, a translation that
 * does not fit its arguments or a hostile one falls back to the English,
 * long text cut on a character), and the same error across the wire.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "core/core.h"

/* A pretend catalogue: the formats these tests translate. */
static const char *const zh[][2] = {
	{ "phone: %s already belongs to customer %llu %s (owner %s)",
	    "电话：%1$s 已属于客户 %2$llu %3$s（负责人 %4$s）" },
	{ "%s:%d: %s", "%s 第 %d 行：%s" },
	{ "%s (%ld bad rows in all)", "%s（共 %ld 行有误）" },
	{ "customer %llu belongs to %s", "客户 %2$s 的 %1$llu" },
	{ "%d%% of %s", "%2$s 的 %1$d%%" },
	{ "too few %s", "%s%s%s" },		/* more specs than arguments */
	{ "too many %s %s", "%s" },		/* fewer */
	{ "bad position %s", "%2$s" },		/* past the arguments */
	{ "unused %s %s", "%1$s %1$s" },	/* the second never used */
	{ "mixed %s %s", "%1$s %s" },
	{ "writes %s", "%n%s" },
	{ "stars %s", "%*s" },
	{ "wide %s", "%ls" },
};

static const char *
tr(const char *s)
{
	for (size_t i = 0; i < sizeof zh / sizeof zh[0]; i++)
		if (strcmp(zh[i][0], s) == 0)
			return zh[i][1];
	return s;
}

static void
args_taken_by_conversion(void **state)
{
	struct sd_err e;
	const char *f, *a[SD_ERR_ARGS];
	int n;

	(void)state;
	sd_err_set(&e, SD_EINVAL, "%d|%5ld|%lld|%llu|%zu|%02x|%c|%.3s",
	    -7, 42L, -1LL, 18446744073709551615ULL, (size_t)9, 255u, 'Z',
	    "abcdef");
	assert_string_equal(e.msg, "-7|   42|-1|18446744073709551615|9|ff|Z|"
	    "abc");
	assert_int_equal(e.status, SD_EINVAL);
	assert_int_equal(e.nlevels, 1);
	assert_int_equal(sd_err_level(&e, 0, &f, a, &n), 0);
	assert_int_equal(n, 8);
	assert_string_equal(a[0], "-7");
	assert_string_equal(a[1], "   42");	/* rendered with its spec */
	assert_string_equal(a[3], "18446744073709551615");
	assert_string_equal(a[5], "ff");
	assert_string_equal(a[7], "abc");
	/* The format is the literal itself: the msgid. */
	assert_string_equal(f, "%d|%5ld|%lld|%llu|%zu|%02x|%c|%.3s");
	sd_err_set(&e, SD_EINVAL, "%-4s|%.2f|%hhd|%%|%jd|%td|%p|%Lg", "ab",
	    3.14159, 300, (intmax_t)5, (ptrdiff_t)-3, (void *)0, 2.5L);
	assert_string_equal(e.msg, "ab  |3.14|44|%|5|-3|(nil)|2.5");
	assert_int_equal(sd_err_level(&e, 0, &f, a, &n), 0);
	assert_int_equal(n, 7);
	assert_string_equal(a[0], "ab  ");
	assert_string_equal(a[1], "3.14");
	assert_string_equal(a[2], "44");
	assert_string_equal(a[4], "-3");
	assert_string_equal(a[6], "2.5");
	/* Rendered untranslated it is the English again. */
	{
		char out[SD_ERRMSG_MAX];

		assert_int_equal(sd_err_render(&e, 0, NULL, out, sizeof out), 0);
		assert_string_equal(out, e.msg);
	}
	/* More arguments than a level keeps: the English alone. */
	sd_err_set(&e, SD_EINVAL, "%d%d%d%d%d%d%d%d%d", 1, 2, 3, 4, 5, 6, 7, 8,
	    9);
	assert_string_equal(e.msg, "123456789");
	assert_int_equal(e.nlevels, 0);
	/* A control character in an argument is one line too. */
	sd_err_set(&e, SD_EINVAL, "name: %s", "a\nb");
	assert_string_equal(e.msg, "name: a?b");
	assert_int_equal(sd_err_level(&e, 0, &f, a, &n), 0);
	assert_string_equal(a[0], "a?b");
	/* Formats it cannot take apart keep only the English. */
	sd_err_set(&e, SD_EINVAL, "%2$s %1$s", "a", "b");
	assert_string_equal(e.msg, "b a");
	assert_int_equal(e.nlevels, 0);
	sd_err_set(&e, SD_EINVAL, "%*d", 4, 7);
	assert_string_equal(e.msg, "   7");
	assert_int_equal(e.nlevels, 0);
	sd_err_clear(&e);
	assert_int_equal(e.nlevels, 0);
	assert_string_equal(e.msg, "");
}

static void
render_in_order_and_positional(void **state)
{
	struct sd_err e;
	char out[SD_ERRMSG_MAX];

	(void)state;
	sd_err_set(&e, SD_EEXIST, "phone: %s already belongs to customer %llu "
	    "%s (owner %s)", "13912340000", 2ULL, "张丽", "op1");
	assert_string_equal(e.msg, "phone: 13912340000 already belongs to "
	    "customer 2 张丽 (owner op1)");
	assert_int_equal(sd_err_render(&e, 0, tr, out, sizeof out), 0);
	assert_string_equal(out, "电话：13912340000 已属于客户 2 张丽（负责人 op1）");
	/* Reordered, and %% */
	sd_err_set(&e, SD_EINVAL, "customer %llu belongs to %s", 7ULL, "wang");
	assert_int_equal(sd_err_render(&e, 0, tr, out, sizeof out), 0);
	assert_string_equal(out, "客户 wang 的 7");
	sd_err_set(&e, SD_EINVAL, "%d%% of %s", 50, "x");
	assert_string_equal(e.msg, "50% of x");
	assert_int_equal(sd_err_render(&e, 0, tr, out, sizeof out), 0);
	assert_string_equal(out, "x 的 50%");
	/* No translation: the format as it is. */
	sd_err_set(&e, SD_EINVAL, "amount: '%s' is not an amount", "abc");
	assert_int_equal(sd_err_render(&e, 0, tr, out, sizeof out), 0);
	assert_string_equal(out, e.msg);
}

static void
render_mismatch_falls_back(void **state)
{
	static const char *const fmts[] = { "too few %s", "too many %s %s",
	    "bad position %s", "unused %s %s", "mixed %s %s", "writes %s",
	    "stars %s", "wide %s" };
	struct sd_err e;
	char out[SD_ERRMSG_MAX];

	(void)state;
	for (size_t i = 0; i < sizeof fmts / sizeof fmts[0]; i++) {
		/* Each with as many arguments as its own %s. */
		if (strstr(fmts[i], "%s %s") != NULL)
			sd_err_set(&e, SD_EINVAL, fmts[i], "A", "B");
		else
			sd_err_set(&e, SD_EINVAL, fmts[i], "A");
		assert_int_equal(e.nlevels, 1);
		assert_int_equal(sd_err_render(&e, 0, tr, out, sizeof out), -1);
		assert_string_equal(out, e.msg);	/* the English */
	}
	/* Hostile formats straight into the renderer. */
	{
		const char *a[] = { "x" };
		char small[16];

		assert_int_equal(sd_fmt_render("%n", 1, a, out, sizeof out), -1);
		assert_int_equal(sd_fmt_render("%s%n", 1, a, out, sizeof out), -1);
		assert_int_equal(sd_fmt_render("%s%s%s", 1, a, out, sizeof out), -1);
		assert_int_equal(sd_fmt_render("%", 1, a, out, sizeof out), -1);
		assert_int_equal(sd_fmt_render("%s %", 1, a, out, sizeof out), -1);
		assert_int_equal(sd_fmt_render("%0$s", 1, a, out, sizeof out), -1);
		assert_int_equal(sd_fmt_render("%99999999999$s", 1, a, out,
		    sizeof out), -1);
		assert_int_equal(sd_fmt_render("%.*s", 1, a, out, sizeof out), -1);
		assert_int_equal(sd_fmt_render("%Ls", 1, a, out, sizeof out), -1);
		assert_int_equal(sd_fmt_render("%m", 0, a, out, sizeof out), -1);
		assert_int_equal(sd_fmt_render(NULL, 0, a, out, sizeof out), -1);
		assert_int_equal(sd_fmt_render("%s", 9, a, out, sizeof out), -1);
		/* Width and precision are the spec's, not applied again. */
		assert_int_equal(sd_fmt_render("[%-20.1s]", 1, a, out,
		    sizeof out), 0);
		assert_string_equal(out, "[x]");
		/* A control character in a translation stays one line. */
		assert_int_equal(sd_fmt_render("a\nb %s", 1, a, small,
		    sizeof small), 0);
		assert_string_equal(small, "a?b x");
	}
}

static void
long_text_cut_safely(void **state)
{
	struct sd_err e;
	char big[2000], out[SD_ERRMSG_MAX], tiny[8];
	const char *f, *a[SD_ERR_ARGS];
	int n;

	(void)state;
	/* "a" and 3-byte characters: a cut never splits one. */
	big[0] = 'a';
	for (size_t i = 1; i + 3 < sizeof big; i += 3)
		memcpy(big + i, "张", 3);
	big[1999] = '\0';
	sd_err_set(&e, SD_EINVAL, "name: %s", big);
	assert_int_equal(sd_err_level(&e, 0, &f, a, &n), 0);
	assert_true(strlen(a[0]) < 256);
	assert_int_equal((strlen(a[0]) - 1) % 3, 0);
	assert_int_equal(sd_err_render(&e, 0, NULL, out, sizeof out), 0);
	assert_true(strlen(out) < sizeof out);
	assert_int_equal((strlen(out) - 7) % 3, 0);	/* "name: a" */
	/* Eight long arguments: the buffer holds what fits, cut. */
	sd_err_set(&e, SD_EINVAL, "%s %s %s %s %s %s %s %s", big, big, big,
	    big, big, big, big, big);
	if (e.nlevels == 1) {
		assert_int_equal(sd_err_level(&e, 0, &f, a, &n), 0);
		assert_int_equal(n, 8);
		for (int i = 0; i < n; i++)
			assert_int_equal(strlen(a[i]) % 3, 1);
	}
	assert_int_equal(sd_err_render(&e, 0, NULL, out, sizeof out) == 0 ||
	    strcmp(out, e.msg) == 0, 1);
	/* A small output: cut on a character, always terminated. */
	sd_err_set(&e, SD_EINVAL, "%s", "张张张张");
	assert_int_equal(sd_err_render(&e, 0, NULL, tiny, sizeof tiny), 0);
	assert_string_equal(tiny, "张张");
	assert_int_equal(sd_fmt_render("x", 0, NULL, tiny, 1), 0);
	assert_string_equal(tiny, "");
}

static void
nested_errors(void **state)
{
	struct sd_err in, e;
	char out[SD_ERRMSG_MAX];

	(void)state;
	sd_err_set(&in, SD_EEXIST, "phone: %s already belongs to customer %llu "
	    "%s (owner %s)", "13912340000", 2ULL, "张丽", "op1");
	sd_err_nest(&e, SD_EINVAL, &in, "%s:%d: %s", "a.csv", 12, in.msg);
	assert_string_equal(e.msg, "a.csv:12: phone: 13912340000 already "
	    "belongs to customer 2 张丽 (owner op1)");
	assert_int_equal(e.nlevels, 2);
	assert_int_equal(e.nest[0], 2);
	/* Wrapped in place again: err is inner. */
	sd_err_nest(&e, SD_EINVAL, &e, "%s (%ld bad rows in all)", e.msg, 3L);
	assert_int_equal(e.nlevels, 3);
	assert_string_equal(e.msg, "a.csv:12: phone: 13912340000 already "
	    "belongs to customer 2 张丽 (owner op1) (3 bad rows in all)");
	assert_int_equal(sd_err_render(&e, 0, tr, out, sizeof out), 0);
	assert_string_equal(out, "a.csv 第 12 行：电话：13912340000 已属于客户 2 "
	    "张丽（负责人 op1）（共 3 行有误）");
	/* From a level in: what a refusal's reason is. */
	assert_int_equal(sd_err_render(&e, 1, tr, out, sizeof out), 0);
	assert_string_equal(out, "a.csv 第 12 行：电话：13912340000 已属于客户 2 "
	    "张丽（负责人 op1）");
	assert_int_equal(sd_err_render(&e, 3, tr, out, sizeof out), -1);
	/* An inner error without levels is an argument like any other. */
	sd_err_set(&in, SD_EINVAL, "%*s", 1, "y");
	sd_err_nest(&e, SD_EINVAL, &in, "%s:%d: %s", "a.csv", 1, in.msg);
	assert_int_equal(e.nlevels, 1);
	assert_int_equal(e.nest[0], -1);
	assert_int_equal(sd_err_render(&e, 0, tr, out, sizeof out), 0);
	assert_string_equal(out, "a.csv 第 1 行：y");
	/* Levels past SD_ERR_LEVELS: the innermost become text. */
	sd_err_set(&e, SD_EINVAL, "x %d", 1);
	for (int i = 0; i < SD_ERR_LEVELS + 2; i++)
		sd_err_nest(&e, SD_EINVAL, &e, "%s:%d: %s", "f", i, e.msg);
	assert_true(e.nlevels >= 1 && e.nlevels <= SD_ERR_LEVELS);
	assert_int_equal(sd_err_render(&e, 0, NULL, out, sizeof out), 0);
	assert_string_equal(out, e.msg);
}

/* The error as simdeskd puts it in a RESULT and simdesk reads it. */
static int
roundtrip(const struct sd_buf *b, struct sd_err *got)
{
	struct sd_wire_msg m;
	struct sd_err err;
	int st;

	if (sd_wire_decode(b->p + 4, b->len - 4, &m, &err) != SD_OK)
		return -1;
	st = sd_wire_err_get(&m, (int)sd_wire_int(&m, SD_W_EXIT, -1), got);
	sd_wire_msg_free(&m);
	return st;
}

static void
wire_keeps_format_and_args(void **state)
{
	struct sd_err in, e, got;
	struct sd_buf b = SD_BUF_INIT;
	const char *f, *a[SD_ERR_ARGS];
	char out[SD_ERRMSG_MAX];
	int n;

	(void)state;
	sd_err_set(&in, SD_EEXIST, "phone: %s already belongs to customer %llu "
	    "%s (owner %s)", "13912340000", 2ULL, "张丽", "op1");
	sd_err_nest(&e, SD_EINVAL, &in, "%s:%d: %s", "a.csv", 12, in.msg);
	sd_wire_begin(&b, SD_MSG_RESULT);
	sd_rec_int(&b, SD_W_EXIT, SD_EINVAL);
	sd_wire_err_put(&b, SD_EINVAL, &e);
	sd_wire_finish(&b);
	assert_int_equal(roundtrip(&b, &got), SD_EINVAL);
	assert_int_equal(got.status, SD_EINVAL);
	assert_string_equal(got.msg, e.msg);
	assert_int_equal(got.nlevels, 2);
	assert_int_equal(sd_err_level(&got, 0, &f, a, &n), 0);
	assert_string_equal(f, "%s:%d: %s");
	assert_int_equal(n, 3);
	assert_string_equal(a[0], "a.csv");
	assert_string_equal(a[1], "12");
	assert_int_equal(sd_err_level(&got, 1, &f, a, &n), 0);
	assert_string_equal(f, "phone: %s already belongs to customer %llu %s "
	    "(owner %s)");
	assert_int_equal(n, 4);
	assert_string_equal(a[2], "张丽");
	assert_int_equal(sd_err_render(&got, 0, tr, out, sizeof out), 0);
	assert_string_equal(out, "a.csv 第 12 行：电话：13912340000 已属于客户 2 "
	    "张丽（负责人 op1）");
	/* A copy is a value: its formats go with it. */
	{
		struct sd_err copy = got;

		memset(&got, 0x55, sizeof got);
		assert_int_equal(sd_err_render(&copy, 0, tr, out, sizeof out), 0);
		assert_string_equal(out, "a.csv 第 12 行：电话：13912340000 已属于"
		    "客户 2 张丽（负责人 op1）");
	}

	/* A peer's fields that do not add up: the English alone. */
	{
		static const struct {
			const char	*fmt;
			int		 nargs;
			int		 nest;
		} bad[] = {
			{ "%s %s", 1, -1 },	/* too few arguments */
			{ "%s", 2, -1 },	/* too many */
			{ "%n", 1, -1 },	/* hostile */
			{ "%s", 1, 0 },		/* nests a level not there */
			{ "%s", 1, 5 },		/* past its arguments */
		};

		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			sd_wire_begin(&b, SD_MSG_RESULT);
			sd_rec_int(&b, SD_W_EXIT, SD_EPERM);
			sd_rec_str(&b, SD_W_TEXT, "english");
			sd_rec_str(&b, SD_W_EFMT, bad[i].fmt);
			for (int k = 0; k < bad[i].nargs; k++)
				sd_rec_str(&b, SD_W_EARG, "a");
			sd_rec_int(&b, SD_W_ENEST, bad[i].nest);
			sd_wire_finish(&b);
			assert_int_equal(roundtrip(&b, &got), SD_EPERM);
			assert_string_equal(got.msg, "english");
			assert_int_equal(got.nlevels, 0);
		}
		/* An argument before any format; a NUL inside; a nest
		 * given twice; too many levels; a format too long. */
		sd_wire_begin(&b, SD_MSG_RESULT);
		sd_rec_str(&b, SD_W_TEXT, "english");
		sd_rec_str(&b, SD_W_EARG, "a");
		sd_rec_str(&b, SD_W_EFMT, "%s");
		sd_rec_int(&b, SD_W_ENEST, -1);
		sd_wire_finish(&b);
		roundtrip(&b, &got);
		assert_int_equal(got.nlevels, 0);
		sd_wire_begin(&b, SD_MSG_RESULT);
		sd_rec_str(&b, SD_W_TEXT, "english");
		sd_rec_bytes(&b, SD_W_EFMT, "%s\0%n", 5);
		sd_rec_str(&b, SD_W_EARG, "a");
		sd_rec_int(&b, SD_W_ENEST, -1);
		sd_wire_finish(&b);
		roundtrip(&b, &got);
		assert_int_equal(got.nlevels, 0);
		sd_wire_begin(&b, SD_MSG_RESULT);
		sd_rec_str(&b, SD_W_TEXT, "english");
		sd_rec_str(&b, SD_W_EFMT, "%s");
		sd_rec_str(&b, SD_W_EARG, "a");
		sd_rec_int(&b, SD_W_ENEST, -1);
		sd_rec_int(&b, SD_W_ENEST, -1);
		sd_wire_finish(&b);
		roundtrip(&b, &got);
		assert_int_equal(got.nlevels, 0);
		sd_wire_begin(&b, SD_MSG_RESULT);
		sd_rec_str(&b, SD_W_TEXT, "english");
		for (int k = 0; k <= SD_ERR_LEVELS; k++) {
			sd_rec_str(&b, SD_W_EFMT, "%s");
			sd_rec_bytes(&b, SD_W_EARG, "", 0);
			sd_rec_int(&b, SD_W_ENEST, k < SD_ERR_LEVELS ? 0 : -1);
		}
		sd_wire_finish(&b);
		roundtrip(&b, &got);
		assert_int_equal(got.nlevels, 0);
		{
			char longf[SD_ERRFMT_MAX + 8];

			memset(longf, 'x', sizeof longf - 1);
			longf[sizeof longf - 1] = '\0';
			sd_wire_begin(&b, SD_MSG_RESULT);
			sd_rec_str(&b, SD_W_TEXT, "english");
			sd_rec_str(&b, SD_W_EFMT, longf);
			sd_rec_int(&b, SD_W_ENEST, -1);
			sd_wire_finish(&b);
			roundtrip(&b, &got);
			assert_int_equal(got.nlevels, 0);
		}
		/* No text at all: the status's name. */
		sd_wire_begin(&b, SD_MSG_RESULT);
		sd_wire_finish(&b);
		assert_int_equal(roundtrip(&b, &got), -1);
		assert_string_equal(got.msg, "internal error");
	}
	sd_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(args_taken_by_conversion),
		cmocka_unit_test(render_in_order_and_positional),
		cmocka_unit_test(render_mismatch_falls_back),
		cmocka_unit_test(long_text_cut_safely),
		cmocka_unit_test(nested_errors),
		cmocka_unit_test(wire_keeps_format_and_args),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
