/*
 * test_export.c -- tui/export.c's writers byte for byte: CSV in UTF-8
 * (BOM, RFC 4180 quoting, CRLF, money from fen, digits kept as text),
 * GB18030 back through iconv, and .xlsx unzipped and read as XML (number
 * and string cells, the date style, the frozen header).  Expected bytes
 * are written out by hand here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dirent.h>
#include <errno.h>
#include <iconv.h>
#include <unistd.h>

#include <cmocka.h>
#include <minizip/unzip.h>

#include "tui/export.h"

static char dir[] = "/tmp/test_export.XXXXXX";

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char p[512];

	(void)state;
	while (d != NULL && (e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' || (strcmp(e->d_name, ".") != 0 &&
		    strcmp(e->d_name, "..") != 0)) {
			snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
			unlink(p);
		}
	if (d != NULL)
		closedir(d);
	return rmdir(dir);
}

static void
path_of(char *out, size_t size, const char *name)
{
	snprintf(out, size, "%s/%s", dir, name);
}

/* The file's bytes into b. */
static void
slurp(const char *path, struct sd_buf *b)
{
	FILE *f = fopen(path, "rb");
	char chunk[4096];
	size_t n;

	assert_non_null(f);
	sd_buf_reset(b);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		sd_buf_add(b, chunk, n);
	fclose(f);
}

/* Entries of dir (not . and ..). */
static int
entries(void)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* The table most tests write: every kind of column. */
static struct exp_table *
sample(void)
{
	struct exp_table *t = exp_new("结算");

	exp_col(t, "名称", EXP_TEXT);
	exp_col(t, "phone", EXP_DIGITS);
	exp_col(t, "n", EXP_COUNT);
	exp_col(t, "amount", EXP_FEN);
	exp_col(t, "day", EXP_DATE);
	exp_col(t, "talk", EXP_SECONDS);
	exp_col(t, "rate", EXP_BP);
	exp_row(t);
	exp_str(t, "杭州二级代理,西湖");
	exp_str(t, "13900000001");
	exp_int(t, 3);
	exp_int(t, 12345);
	exp_str(t, "2026-11-05");
	exp_int(t, 3723);
	exp_int(t, 1234);
	exp_row(t);
	exp_str(t, "say \"hi\"\nthere");
	exp_str(t, "89860080000000000001");
	exp_int(t, 0);
	exp_int(t, -5);
	exp_empty(t);
	exp_int(t, 59);
	exp_int(t, -50);
	exp_row(t);
	exp_str(t, "=1+1");
	exp_str(t, NULL);
	exp_int(t, -7);
	exp_int(t, -123456);
	exp_str(t, "2024-02-29");		/* missing cells: empty */
	exp_row(t);
	exp_empty(t);
	exp_empty(t);
	exp_empty(t);
	exp_int(t, 0);
	return t;
}

static const char sample_csv[] =
    "名称,phone,n,amount,day,talk,rate\r\n"
    "\"杭州二级代理,西湖\",\t13900000001,3,123.45,2026-11-05,1:02:03,12.34%\r\n"
    "\"say \"\"hi\"\"\nthere\",\t89860080000000000001,0,-0.05,,0:00:59,-0.50%\r\n"
    "\t=1+1,,-7,-1234.56,2024-02-29,,\r\n"
    ",,,0.00,,,\r\n";

static void
csv_bytes(void **state)
{
	struct exp_table *t = sample();
	struct sd_buf b = SD_BUF_INIT, want = SD_BUF_INIT;
	struct sd_err err;
	char p[512];

	(void)state;
	path_of(p, sizeof p, "a.csv");
	assert_int_equal(exp_write(t, EXP_CSV, p, &err), SD_OK);
	slurp(p, &b);
	sd_buf_adds(&want, "\xef\xbb\xbf");
	sd_buf_adds(&want, sample_csv);
	assert_int_equal(b.len, want.len);
	assert_memory_equal(b.p, want.p, want.len);
	assert_int_equal(entries(), 1);		/* no temporary left */
	unlink(p);
	sd_buf_free(&b);
	sd_buf_free(&want);
	exp_free(t);
}

static void
money_exact(void **state)
{
	static const struct { int64_t fen; const char *s; } v[] = {
		{ 0, "0.00" }, { 5, "0.05" }, { -5, "-0.05" }, { 100, "1.00" },
		{ -100, "-1.00" }, { 199, "1.99" }, { 10000000000LL,
		"100000000.00" }, { INT64_MAX, "92233720368547758.07" },
		{ INT64_MIN, "-92233720368547758.08" },
	};
	struct sd_buf b = SD_BUF_INIT, want = SD_BUF_INIT;
	struct exp_table *t = exp_new(NULL);
	struct sd_err err;
	char p[512];

	(void)state;
	exp_col(t, "amount", EXP_FEN);
	sd_buf_adds(&want, "\xef\xbb\xbf" "amount\r\n");
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		exp_row(t);
		exp_int(t, v[i].fen);
		sd_buf_printf(&want, "%s\r\n", v[i].s);
	}
	path_of(p, sizeof p, "m.csv");
	assert_int_equal(exp_write(t, EXP_CSV, p, &err), SD_OK);
	slurp(p, &b);
	assert_string_equal(b.p, want.p);
	unlink(p);
	sd_buf_free(&b);
	sd_buf_free(&want);
	exp_free(t);
}

/* A bad cell: one line naming the file, row and column; no file left. */
static void
bad_cells(void **state)
{
	static const struct { enum exp_kind k; const char *s; const char *msg;
	    } v[] = {
		{ EXP_DATE, "2026-02-29", "row 3, column c: '2026-02-29' is "
		    "not a date YYYY-MM-DD" },
		{ EXP_DATE, "2026-1-05", "row 3, column c: '2026-1-05' is not "
		    "a date YYYY-MM-DD" },
		{ EXP_COUNT, "12", "row 3, column c: '12' is text in a number "
		    "column" },
		{ EXP_TEXT, "a\xff", "row 3, column c: not valid UTF-8" },
	};
	enum exp_format fmts[] = { EXP_CSV, EXP_CSV_GB, EXP_XLSX };
	struct sd_err err;
	char p[512], want[600];

	(void)state;
	path_of(p, sizeof p, "bad.out");
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		for (size_t f = 0; f < 3; f++) {
			struct exp_table *t = exp_new(NULL);

			exp_col(t, "c", v[i].k);
			exp_row(t);
			if (v[i].k == EXP_COUNT)
				exp_int(t, 1);
			else
				exp_str(t, v[i].k == EXP_DATE ? "2026-01-01" :
				    "1");
			exp_row(t);
			exp_str(t, v[i].s);
			memset(&err, 0, sizeof err);
			assert_int_equal(exp_write(t, fmts[f], p, &err),
			    SD_EINVAL);
			snprintf(want, sizeof want, "%s: %s", p, v[i].msg);
			assert_string_equal(err.msg, want);
			assert_int_equal(entries(), 0);
			exp_free(t);
		}
}

static void
bad_path(void **state)
{
	struct exp_table *t = sample();
	struct sd_err err;
	char p[512];

	(void)state;
	path_of(p, sizeof p, "no/such/dir.xlsx");
	assert_int_not_equal(exp_write(t, EXP_XLSX, p, &err), SD_OK);
	assert_non_null(strstr(err.msg, p));
	assert_null(strchr(err.msg, '\n'));
	assert_int_equal(exp_write(t, EXP_CSV, p, &err), SD_EINVAL);
	assert_non_null(strstr(err.msg, "No such file"));
	assert_int_equal(entries(), 0);
	exp_free(t);
}

/* A failed export over an older file leaves the older file as it was. */
static void
old_file_kept(void **state)
{
	struct exp_table *t = sample();
	struct sd_buf a = SD_BUF_INIT, b = SD_BUF_INIT;
	enum exp_format fmts[] = { EXP_CSV, EXP_CSV_GB, EXP_XLSX };
	struct sd_err err;
	char p[512];

	(void)state;
	path_of(p, sizeof p, "old.out");
	assert_int_equal(exp_write(t, EXP_CSV, p, &err), SD_OK);
	slurp(p, &a);
	exp_row(t);
	exp_str(t, "x");
	exp_str(t, "1");
	exp_int(t, 1);
	exp_int(t, 1);
	exp_str(t, "2026-13-01");
	for (int f = 0; f < 3; f++) {
		assert_int_equal(exp_write(t, fmts[f], p, &err), SD_EINVAL);
		assert_non_null(strstr(err.msg, "row 6, column day"));
		slurp(p, &b);
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.p, b.p, a.len);
		assert_int_equal(entries(), 1);
	}
	unlink(p);
	sd_buf_free(&a);
	sd_buf_free(&b);
	exp_free(t);
}

static void
formats(void **state)
{
	enum exp_format f;
	struct sd_err err;

	(void)state;
	assert_int_equal(exp_format_parse(NULL, &f, &err), SD_OK);
	assert_int_equal(f, EXP_CSV);
	assert_int_equal(exp_format_parse("csv-gbk", &f, &err), SD_OK);
	assert_int_equal(f, EXP_CSV_GB);
	assert_int_equal(exp_format_parse("xlsx", &f, &err), SD_OK);
	assert_int_equal(f, EXP_XLSX);
	assert_int_equal(exp_format_parse("xls", &f, &err), SD_EINVAL);
	assert_string_equal(err.msg, "format: 'xls' is not csv, csv-gbk or "
	    "xlsx");
}

/* ---------------------------------------------------------------- GB18030 */

static void
gb18030_round_trip(void **state)
{
	struct exp_table *t = sample();
	struct sd_buf b = SD_BUF_INIT, back = SD_BUF_INIT;
	struct sd_err err;
	iconv_t cd;
	char p[512], *ip, *op;
	size_t il, ol;

	(void)state;
	/* Beyond the BMP: GB18030's four-byte form. */
	exp_row(t);
	exp_str(t, "王小明😀");
	path_of(p, sizeof p, "g.csv");
	assert_int_equal(exp_write(t, EXP_CSV_GB, p, &err), SD_OK);
	slurp(p, &b);
	/* No BOM; 名称 is C3FB B3C6 in GBK, which GB18030 keeps. */
	assert_memory_equal(b.p, "\xc3\xfb\xb3\xc6,phone", 10);
	assert_non_null(memmem(b.p, b.len, "\xcd\xf5", 2));	/* 王 */
	assert_non_null(memmem(b.p, b.len, "\x94\x39\xfc\x36", 4)); /* 😀 */
	cd = iconv_open("UTF-8", "GB18030");
	assert_true(cd != (iconv_t)-1);
	sd_buf_reserve(&back, b.len * 4 + 1);
	ip = b.p;
	il = b.len;
	op = back.p;
	ol = back.cap - 1;
	assert_true(iconv(cd, &ip, &il, &op, &ol) != (size_t)-1);
	*op = '\0';
	iconv_close(cd);
	{
		struct sd_buf want = SD_BUF_INIT;

		sd_buf_adds(&want, sample_csv);
		sd_buf_adds(&want, "王小明😀,,,,,,\r\n");
		assert_string_equal(back.p, want.p);
		sd_buf_free(&want);
	}
	unlink(p);
	sd_buf_free(&b);
	sd_buf_free(&back);
	exp_free(t);
}

/* ---------------------------------------------------------------- .xlsx */

static void
zip_member(const char *path, const char *member, struct sd_buf *out)
{
	unzFile zf = unzOpen(path);
	char chunk[4096];
	int n;

	assert_non_null(zf);
	sd_buf_reset(out);
	assert_int_equal(unzLocateFile(zf, member, 0), UNZ_OK);
	assert_int_equal(unzOpenCurrentFile(zf), UNZ_OK);
	while ((n = unzReadCurrentFile(zf, chunk, sizeof chunk)) > 0)
		sd_buf_add(out, chunk, (size_t)n);
	assert_int_equal(n, 0);
	unzCloseCurrentFile(zf);
	unzClose(zf);
	sd_buf_cstr(out);
}

/* The XML of cell ref ("B2") in sheet, up to its end, into out. */
static void
cell_xml(const char *sheet, const char *ref, char *out, size_t size)
{
	char key[32];
	const char *p, *e;

	snprintf(key, sizeof key, "<c r=\"%s\"", ref);
	p = strstr(sheet, key);
	if (p == NULL)
		fail_msg("no cell %s", ref);
	e = strstr(p, "</c>");
	if (e == NULL || strstr(p, "/>") < e)
		e = strstr(p, "/>");
	snprintf(out, size, "%.*s", (int)(e - p), p);
}

/* The s="N" of a cell's XML, -1 without. */
static int
style_of(const char *cell)
{
	const char *s = strstr(cell, " s=\"");

	return s != NULL ? atoi(s + 4) : -1;
}

/* The numFmtId of the n-th <xf> of cellXfs in styles.xml. */
static int
xf_numfmt(const char *styles, int n)
{
	const char *p = strstr(styles, "<cellXfs");

	assert_non_null(p);
	for (int i = 0; i <= n; i++) {
		p = strstr(p + 1, "<xf ");
		assert_non_null(p);
	}
	p = strstr(p, "numFmtId=\"");
	return atoi(p + 10);
}

static void
xlsx_cells(void **state)
{
	struct exp_table *t = sample();
	struct sd_buf sheet = SD_BUF_INIT, strs = SD_BUF_INIT,
	    styles = SD_BUF_INIT;
	struct sd_err err;
	char p[512], c[512];
	const char *f;
	int datefmt;

	(void)state;
	path_of(p, sizeof p, "s.xlsx");
	assert_int_equal(exp_write(t, EXP_XLSX, p, &err), SD_OK);
	assert_int_equal(entries(), 1);
	zip_member(p, "xl/worksheets/sheet1.xml", &sheet);
	zip_member(p, "xl/sharedStrings.xml", &strs);
	zip_member(p, "xl/styles.xml", &styles);

	/* The header row frozen: a pane below row 1. */
	assert_non_null(strstr(sheet.p, "<pane ySplit=\"1\""));
	assert_non_null(strstr(sheet.p, "state=\"frozen\""));
	/* The header in bold: a font with <b/>, A1's style not the default. */
	cell_xml(sheet.p, "A1", c, sizeof c);
	assert_non_null(strstr(c, "t=\"s\""));
	assert_true(style_of(c) > 0);
	assert_non_null(strstr(styles.p, "<b/>"));

	/* Counts and money: number cells (no t=), money in "0.00". */
	cell_xml(sheet.p, "C2", c, sizeof c);
	assert_null(strstr(c, "t=\""));
	assert_non_null(strstr(c, "<v>3</v>"));
	cell_xml(sheet.p, "D2", c, sizeof c);
	assert_null(strstr(c, "t=\""));
	assert_non_null(strstr(c, "<v>123.45</v>"));
	f = strstr(styles.p, "formatCode=\"0.00\"");
	assert_non_null(f);
	assert_int_equal(xf_numfmt(styles.p, style_of(c)),
	    atoi(strstr(f - 20, "numFmtId=\"") + 10));
	cell_xml(sheet.p, "D3", c, sizeof c);
	assert_non_null(strstr(c, "<v>-0.05</v>"));
	cell_xml(sheet.p, "D4", c, sizeof c);
	assert_non_null(strstr(c, "<v>-1234.56</v>"));

	/* Phones and ICCIDs: shared strings, all their digits. */
	cell_xml(sheet.p, "B2", c, sizeof c);
	assert_non_null(strstr(c, "t=\"s\""));
	cell_xml(sheet.p, "B3", c, sizeof c);
	assert_non_null(strstr(c, "t=\"s\""));
	assert_non_null(strstr(strs.p, "<t>13900000001</t>"));
	assert_non_null(strstr(strs.p, "<t>89860080000000000001</t>"));
	assert_non_null(strstr(strs.p, "杭州二级代理,西湖"));
	/* The formula-looking text stays text, without CSV's tab. */
	assert_non_null(strstr(strs.p, "<t>=1+1</t>"));

	/* A date: Excel's day number with the yyyy-mm-dd style. */
	cell_xml(sheet.p, "E2", c, sizeof c);
	assert_null(strstr(c, "t=\""));
	assert_non_null(strstr(c, "<v>46331</v>"));	/* 2026-11-05 */
	f = strstr(styles.p, "formatCode=\"yyyy-mm-dd\"");
	assert_non_null(f);
	datefmt = atoi(strstr(f - 20, "numFmtId=\"") + 10);
	assert_true(datefmt >= 164);
	assert_int_equal(xf_numfmt(styles.p, style_of(c)), datefmt);
	cell_xml(sheet.p, "E4", c, sizeof c);
	assert_non_null(strstr(c, "<v>45351</v>"));	/* 2024-02-29 */
	assert_int_equal(style_of(c), style_of(strstr(sheet.p, "<c r=\"E2\"")));
	/* An empty cell is not written. */
	assert_null(strstr(sheet.p, "<c r=\"E3\""));

	/* Durations are days, basis points a fraction. */
	cell_xml(sheet.p, "F3", c, sizeof c);
	assert_null(strstr(c, "t=\""));
	cell_xml(sheet.p, "G2", c, sizeof c);
	assert_non_null(strstr(c, "<v>0.1234</v>"));

	/* Widths by display width: 名称's column holds 杭州二级代理,西湖
	 * (8 CJK + 1 = 17 columns) plus 2; phone's the ICCID (20 + 2). */
	assert_non_null(strstr(sheet.p, "<col min=\"1\" max=\"1\" width=\"19."));
	assert_non_null(strstr(sheet.p, "<col min=\"2\" max=\"2\" width=\"22."));
	/* The sheet's name. */
	zip_member(p, "xl/workbook.xml", &sheet);
	assert_non_null(strstr(sheet.p, "name=\"结算\""));

	unlink(p);
	sd_buf_free(&sheet);
	sd_buf_free(&strs);
	sd_buf_free(&styles);
	exp_free(t);
}

/* To an open stream (simdeskd's side): the same bytes as to a path. */
static void
to_stream(void **state)
{
	struct exp_table *t = sample();
	struct sd_buf a = SD_BUF_INIT, b = SD_BUF_INIT;
	struct sd_err err;
	char p[512], q[512];
	FILE *fp;

	(void)state;
	path_of(p, sizeof p, "p.csv");
	path_of(q, sizeof q, "q.csv");
	assert_int_equal(exp_write(t, EXP_CSV_GB, p, &err), SD_OK);
	fp = fopen(q, "wb");
	assert_non_null(fp);
	assert_int_equal(exp_write_fp(t, EXP_CSV_GB, fp, q, &err), SD_OK);
	fclose(fp);
	slurp(p, &a);
	slurp(q, &b);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.p, b.p, a.len);
	unlink(p);
	unlink(q);
	/* .xlsx goes through a private temporary file, removed after. */
	assert_int_equal(setenv("TMPDIR", dir, 1), 0);
	path_of(q, sizeof q, "q.xlsx");
	fp = fopen(q, "wb");
	assert_non_null(fp);
	assert_int_equal(exp_write_fp(t, EXP_XLSX, fp, q, &err), SD_OK);
	fclose(fp);
	assert_int_equal(entries(), 1);
	zip_member(q, "xl/worksheets/sheet1.xml", &a);
	assert_non_null(strstr(a.p, "<v>123.45</v>"));
	unlink(q);
	/* ... also when the table is refused. */
	exp_row(t);
	exp_str(t, "x");
	exp_str(t, "1");
	exp_str(t, "2");		/* text in the count column */
	fp = fopen(q, "wb");
	assert_non_null(fp);
	assert_int_equal(exp_write_fp(t, EXP_XLSX, fp, q, &err), SD_EINVAL);
	fclose(fp);
	assert_int_equal(strncmp(err.msg, q, strlen(q)), 0);
	assert_string_equal(err.msg + strlen(q), ": row 6, column n: '2' is "
	    "text in a number column");
	assert_int_equal(entries(), 1);		/* q.xlsx, empty */
	unlink(q);
	unsetenv("TMPDIR");
	sd_buf_free(&a);
	sd_buf_free(&b);
	exp_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csv_bytes),
		cmocka_unit_test(money_exact),
		cmocka_unit_test(bad_cells),
		cmocka_unit_test(bad_path),
		cmocka_unit_test(old_file_kept),
		cmocka_unit_test(formats),
		cmocka_unit_test(gb18030_round_trip),
		cmocka_unit_test(xlsx_cells),
		cmocka_unit_test(to_stream),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
