/*
 * export.c -- the typed table of export.h and its three writers: CSV in
 * UTF-8 with a BOM, CSV in GB18030 (iconv) and .xlsx (libxlsxwriter).
 * Money stays integer fen up to the .xlsx number cell (see cell_number).
 */
#include <sys/stat.h>

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "tui/export.h"

#define EXP_MAXCOLS	64

enum { CELL_EMPTY, CELL_INT, CELL_STR };

struct exp_cell {
	int	 tag;
	int64_t	 i;
	char	*s;
};

struct exp_table {
	char		*name;
	int		 ncols;
	char		*title[EXP_MAXCOLS];
	enum exp_kind	 kind[EXP_MAXCOLS];
	int		 nrows, cap;
	struct exp_cell	*cells;		/* nrows * ncols */
	int		 at;		/* the next cell of the last row */
};

/* ---------------------------------------------------------------- the table */

struct exp_table *
exp_new(const char *name)
{
	struct exp_table *t = xcalloc(1, sizeof *t);

	t->name = name != NULL ? xstrdup(name) : NULL;
	return t;
}

void
exp_free(struct exp_table *t)
{
	if (t == NULL)
		return;
	for (int i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i].s);
	for (int i = 0; i < t->ncols; i++)
		free(t->title[i]);
	free(t->cells);
	free(t->name);
	free(t);
}

void
exp_col(struct exp_table *t, const char *title, enum exp_kind kind)
{
	if (t->ncols >= EXP_MAXCOLS || t->nrows > 0)
		return;
	t->title[t->ncols] = xstrdup(title != NULL ? title : "");
	t->kind[t->ncols++] = kind;
}

void
exp_row(struct exp_table *t)
{
	if (t->ncols == 0)
		return;
	if (t->nrows == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		t->cells = xrealloc(t->cells, (size_t)t->cap *
		    (size_t)t->ncols * sizeof *t->cells);
	}
	memset(&t->cells[t->nrows * t->ncols], 0,
	    (size_t)t->ncols * sizeof *t->cells);
	t->nrows++;
	t->at = 0;
}

static struct exp_cell *
next_cell(struct exp_table *t)
{
	if (t->nrows == 0 || t->at >= t->ncols)
		return NULL;
	return &t->cells[(t->nrows - 1) * t->ncols + t->at++];
}

void
exp_str(struct exp_table *t, const char *s)
{
	struct exp_cell *c = next_cell(t);

	if (c != NULL && s != NULL && s[0] != '\0') {
		c->tag = CELL_STR;
		c->s = xstrdup(s);
	}
}

void
exp_int(struct exp_table *t, int64_t v)
{
	struct exp_cell *c = next_cell(t);

	if (c != NULL) {
		c->tag = CELL_INT;
		c->i = v;
	}
}

void
exp_empty(struct exp_table *t)
{
	(void)next_cell(t);
}

int
exp_nrows(const struct exp_table *t)
{
	return t->nrows;
}

int
exp_format_parse(const char *s, enum exp_format *fmt, struct sd_err *err)
{
	if (s == NULL || strcmp(s, "csv") == 0)
		*fmt = EXP_CSV;
	else if (strcmp(s, "csv-gbk") == 0)
		*fmt = EXP_CSV_GB;
	else if (strcmp(s, "xlsx") == 0)
		*fmt = EXP_XLSX;
	else
		return sd_err_set(err, SD_EINVAL, "format: '%s' is not csv, "
		    "csv-gbk or xlsx", s);
	return SD_OK;
}

/* ---------------------------------------------------------------- cells as text */

static const struct exp_cell *
cell_at(const struct exp_table *t, int r, int c)
{
	return &t->cells[r * t->ncols + c];
}

static int
is_number_kind(enum exp_kind k)
{
	return k == EXP_COUNT || k == EXP_FEN || k == EXP_SECONDS ||
	    k == EXP_BP;
}

/* "YYYY-MM-DD" of a real day: 0 and its parts, else -1. */
static int
date_parse(const char *s, int *y, int *m, int *d)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int leap;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	*y = atoi(s);
	*m = atoi(s + 5);
	*d = atoi(s + 8);
	if (*y < 1900 || *m < 1 || *m > 12 || *d < 1 || *d > mdays[*m - 1])
		return -1;
	leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
	return *m == 2 && *d == 29 && !leap ? -1 : 0;
}

/* |v| without overflow at INT64_MIN. */
static uint64_t
mag(int64_t v)
{
	return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

/*
 * A cell as text: what CSV writes (before quoting) and what .xlsx column
 * widths are measured on.  SD_EINVAL naming the row and column when the
 * cell does not fit its column.
 */
static int
cell_text(const struct exp_table *t, int r, int c, struct sd_buf *out,
    struct sd_err *err)
{
	const struct exp_cell *x = cell_at(t, r, c);
	enum exp_kind k = t->kind[c];
	int y, m, d;

	if (x->tag == CELL_EMPTY)
		return SD_OK;
	if (x->tag == CELL_STR && is_number_kind(k))
		return sd_err_set(err, SD_EINVAL, "row %d, column %s: '%s' is "
		    "text in a number column", r + 2, t->title[c], x->s);
	if (x->tag == CELL_STR && !sd_utf8_valid(x->s, strlen(x->s)))
		return sd_err_set(err, SD_EINVAL, "row %d, column %s: not "
		    "valid UTF-8", r + 2, t->title[c]);
	if (x->tag == CELL_STR && k == EXP_DATE &&
	    date_parse(x->s, &y, &m, &d) != 0)
		return sd_err_set(err, SD_EINVAL, "row %d, column %s: '%s' is "
		    "not a date YYYY-MM-DD", r + 2, t->title[c], x->s);
	if (x->tag == CELL_STR) {
		sd_buf_adds(out, x->s);
		return SD_OK;
	}
	switch (k) {
	case EXP_FEN: {
		char m2[32];

		sd_money_format(x->i, m2, sizeof m2);
		sd_buf_adds(out, m2);
		break;
	}
	case EXP_SECONDS: {
		uint64_t a = mag(x->i);

		sd_buf_printf(out, "%s%llu:%02llu:%02llu", x->i < 0 ? "-" : "",
		    (unsigned long long)(a / 3600),
		    (unsigned long long)(a / 60 % 60),
		    (unsigned long long)(a % 60));
		break;
	}
	case EXP_BP: {
		uint64_t a = mag(x->i);

		sd_buf_printf(out, "%s%llu.%02llu%%", x->i < 0 ? "-" : "",
		    (unsigned long long)(a / 100),
		    (unsigned long long)(a % 100));
		break;
	}
	case EXP_DATE:
		return sd_err_set(err, SD_EINVAL, "row %d, column %s: a "
		    "number in a date column", r + 2, t->title[c]);
	default:
		sd_buf_printf(out, "%lld", (long long)x->i);
	}
	return SD_OK;
}

/* ---------------------------------------------------------------- CSV */

/*
 * One CSV field, RFC 4180: quoted when it holds a comma, a quote, CR or
 * LF, quotes doubled.
 *
 * Long digit strings (phones, ICCIDs) get a leading tab.  Excel opening a
 * CSV turns 89860080000000000001 into 8.986E+19 and 013912345678 into a
 * number without its 0; a cell that starts with a tab it keeps as text.
 * This is what the CSV bills of WeChat Pay and Alipay do, and unlike the
 * other common form ="0139..." the cell stays data, not a formula: a
 * script reading the file back trims the tab as whitespace.  Text that
 * starts with = + - or @ gets the same tab, so Excel does not run a name
 * someone typed as a formula (CSV injection).
 */
static void
csv_field(struct sd_buf *row, const char *s, enum exp_kind kind)
{
	int quote = strpbrk(s, ",\"\r\n") != NULL;
	int keep_text = s[0] != '\0' && (kind == EXP_DIGITS ||
	    (kind == EXP_TEXT && strchr("=+-@", s[0]) != NULL));

	if (quote)
		sd_buf_addc(row, '"');
	if (keep_text)
		sd_buf_addc(row, '\t');
	for (; *s; s++) {
		if (*s == '"')
			sd_buf_addc(row, '"');
		sd_buf_addc(row, *s);
	}
	if (quote)
		sd_buf_addc(row, '"');
}

/* UTF-8 in -> GB18030 appended to out; SD_EINVAL naming where. */
static int
to_gb(iconv_t cd, const char *in, size_t n, struct sd_buf *out, int r,
    const char *col, struct sd_err *err)
{
	char *ip = (char *)in;
	size_t left = n;

	(void)iconv(cd, NULL, NULL, NULL, NULL);
	while (left > 0) {
		char chunk[256], *op = chunk;
		size_t room = sizeof chunk;
		size_t rc = iconv(cd, &ip, &left, &op, &room);

		sd_buf_add(out, chunk, (size_t)(op - chunk));
		if (rc == (size_t)-1 && errno != E2BIG)
			return sd_err_set(err, SD_EINVAL, "row %d, column %s: "
			    "cannot be written in GB18030 (%s)", r, col,
			    strerror(errno));
	}
	return SD_OK;
}

static int
csv_write(const struct exp_table *t, int gb, FILE *fp, struct sd_err *err)
{
	struct sd_buf row = SD_BUF_INIT, cell = SD_BUF_INIT, enc = SD_BUF_INIT;
	iconv_t cd = (iconv_t)-1;
	int st = SD_OK, bad = 0;

	if (gb && (cd = iconv_open("GB18030", "UTF-8")) == (iconv_t)-1)
		return sd_err_set(err, SD_EINTERNAL, "GB18030: %s",
		    strerror(errno));
	if (!gb)
		sd_buf_adds(&row, "\xef\xbb\xbf");
	for (int r = -1; r < t->nrows && st == SD_OK; r++) {
		for (int c = 0; c < t->ncols && st == SD_OK; c++) {
			sd_buf_reset(&cell);
			if (r < 0) {
				if (!sd_utf8_valid(t->title[c],
				    strlen(t->title[c]))) {
					st = sd_err_set(err, SD_EINVAL, "row 1, "
					    "column %d: not valid UTF-8", c + 1);
					break;
				}
				sd_buf_adds(&cell, t->title[c]);
			} else if ((st = cell_text(t, r, c, &cell, err)) !=
			    SD_OK)
				break;
			if (c > 0)
				sd_buf_addc(&row, ',');
			csv_field(&row, sd_buf_cstr(&cell), r < 0 ? EXP_TEXT :
			    t->kind[c]);
			if (gb) {
				st = to_gb(cd, row.p, row.len, &enc, r + 2,
				    t->title[c], err);
				sd_buf_reset(&row);
			}
		}
		if (st != SD_OK)
			break;
		if (gb) {
			sd_buf_adds(&enc, "\r\n");
			bad = fwrite(enc.p, 1, enc.len, fp) != enc.len;
			sd_buf_reset(&enc);
		} else {
			sd_buf_adds(&row, "\r\n");
			bad = fwrite(row.p, 1, row.len, fp) != row.len;
			sd_buf_reset(&row);
		}
		if (bad)
			st = sd_err_set(err, SD_EINTERNAL, "write failed: %s",
			    strerror(errno));
	}
	if (cd != (iconv_t)-1)
		iconv_close(cd);
	sd_buf_free(&row);
	sd_buf_free(&cell);
	sd_buf_free(&enc);
	return st;
}

/* ---------------------------------------------------------------- .xlsx */

struct xlsx_formats {
	lxw_format	*head, *money, *date, *secs, *bp;
};

/*
 * A number cell.  Money is integer fen everywhere else in simdesk; here,
 * at the export boundary only, "123.45" built from the fen is read with
 * strtod: Excel stores every number as a double, and this is the same
 * double Excel makes when a user types 123.45 into the cell.
 */
static double
cell_number(enum exp_kind k, int64_t v)
{
	char s[32];

	switch (k) {
	case EXP_FEN:
		sd_money_format(v, s, sizeof s);
		return strtod(s, NULL);
	case EXP_SECONDS:
		return (double)v / 86400.0;	/* Excel's times are days */
	case EXP_BP:
		return (double)v / 10000.0;
	default:
		return (double)v;	/* exact up to 2^53 */
	}
}

static lxw_error
xlsx_cell(lxw_worksheet *ws, const struct exp_table *t, int r, int c,
    const struct xlsx_formats *f)
{
	const struct exp_cell *x = cell_at(t, r, c);
	lxw_row_t row = (lxw_row_t)r + 1;
	lxw_col_t col = (lxw_col_t)c;
	enum exp_kind k = t->kind[c];

	if (x->tag == CELL_EMPTY)
		return LXW_NO_ERROR;
	if (k == EXP_DATE) {
		lxw_datetime dt;
		int y, m, d;

		(void)date_parse(x->s, &y, &m, &d);	/* cell_text checked it */
		memset(&dt, 0, sizeof dt);
		dt.year = y;
		dt.month = (uint8_t)m;
		dt.day = (uint8_t)d;
		return worksheet_write_datetime(ws, row, col, &dt, f->date);
	}
	if (x->tag == CELL_STR)
		return worksheet_write_string(ws, row, col, x->s, NULL);
	if (!is_number_kind(k)) {	/* a number in a text column: as text */
		char s[24];

		snprintf(s, sizeof s, "%lld", (long long)x->i);
		return worksheet_write_string(ws, row, col, s, NULL);
	}
	return worksheet_write_number(ws, row, col, cell_number(k, x->i),
	    k == EXP_FEN ? f->money : k == EXP_SECONDS ? f->secs :
	    k == EXP_BP ? f->bp : NULL);
}

/* Column widths in characters by display width (CJK 2), within 6 to 60. */
static int
xlsx_widths(const struct exp_table *t, int *width, struct sd_err *err)
{
	struct sd_buf b = SD_BUF_INIT;
	int st = SD_OK;

	for (int c = 0; c < t->ncols && st == SD_OK; c++) {
		width[c] = sd_width(t->title[c]);
		for (int r = 0; r < t->nrows; r++) {
			int w;

			sd_buf_reset(&b);
			if ((st = cell_text(t, r, c, &b, err)) != SD_OK)
				break;
			if ((w = sd_width(sd_buf_cstr(&b))) > width[c])
				width[c] = w;
		}
		width[c] += 2;
		width[c] = width[c] < 6 ? 6 : width[c] > 60 ? 60 : width[c];
	}
	sd_buf_free(&b);
	return st;
}

/* The workbook to a path libxlsxwriter opens itself. */
static int
xlsx_write(const struct exp_table *t, const char *file, struct sd_err *err)
{
	lxw_workbook *wb;
	lxw_worksheet *ws;
	struct xlsx_formats f;
	lxw_error e = LXW_NO_ERROR;
	int width[EXP_MAXCOLS], st, bad_r = 0, bad_c = 0;

	for (int c = 0; c < t->ncols; c++)
		if (!sd_utf8_valid(t->title[c], strlen(t->title[c])))
			return sd_err_set(err, SD_EINVAL, "row 1, column %d: "
			    "not valid UTF-8", c + 1);
	if ((st = xlsx_widths(t, width, err)) != SD_OK)
		return st;
	if ((wb = workbook_new(file)) == NULL)
		return sd_err_set(err, SD_EINTERNAL, "cannot start a workbook");
	if ((ws = workbook_add_worksheet(wb, t->name)) == NULL &&
	    (ws = workbook_add_worksheet(wb, NULL)) == NULL) {
		workbook_close(wb);
		return sd_err_set(err, SD_EINTERNAL, "cannot add a worksheet");
	}
	f.head = workbook_add_format(wb);
	format_set_bold(f.head);
	f.money = workbook_add_format(wb);
	format_set_num_format(f.money, "0.00");
	f.date = workbook_add_format(wb);
	format_set_num_format(f.date, "yyyy-mm-dd");
	f.secs = workbook_add_format(wb);
	format_set_num_format(f.secs, "[h]:mm:ss");
	f.bp = workbook_add_format(wb);
	format_set_num_format(f.bp, "0.00%");
	for (int c = 0; c < t->ncols && e == LXW_NO_ERROR; c++) {
		e = worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c,
		    width[c], NULL);
		if (e == LXW_NO_ERROR)
			e = worksheet_write_string(ws, 0, (lxw_col_t)c,
			    t->title[c], f.head);
	}
	for (int r = 0; r < t->nrows && e == LXW_NO_ERROR; r++)
		for (int c = 0; c < t->ncols && e == LXW_NO_ERROR; c++)
			if ((e = xlsx_cell(ws, t, r, c, &f)) != LXW_NO_ERROR) {
				bad_r = r + 2;
				bad_c = c;
			}
	if (e == LXW_NO_ERROR)
		worksheet_freeze_panes(ws, 1, 0);
	if (e != LXW_NO_ERROR) {
		workbook_close(wb);
		if (bad_r > 0)
			return sd_err_set(err, SD_EINVAL, "row %d, column %s: "
			    "%s", bad_r, t->title[bad_c], lxw_strerror(e));
		return sd_err_set(err, SD_EINVAL, "%s", lxw_strerror(e));
	}
	if ((e = workbook_close(wb)) != LXW_NO_ERROR)
		return sd_err_set(err, SD_EINTERNAL, "%s", lxw_strerror(e));
	return SD_OK;
}

/* ---------------------------------------------------------------- files */

/* An error of the writers, given the file's name in front. */
static int
name_error(struct sd_err *err, const char *name)
{
	char msg[sizeof err->msg];

	snprintf(msg, sizeof msg, "%s", err->msg);
	return sd_err_set(err, err->status, "%s: %s", name, msg);
}

/* Copy the file at src to fp. */
static int
copy_to(const char *src, FILE *fp, struct sd_err *err)
{
	FILE *in = fopen(src, "rb");
	char buf[65536];
	size_t n;
	int st = SD_OK;

	if (in == NULL)
		return sd_err_set(err, SD_EINTERNAL, "%s", strerror(errno));
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		if (fwrite(buf, 1, n, fp) != n) {
			st = sd_err_set(err, SD_EINTERNAL, "write failed: %s",
			    strerror(errno));
			break;
		}
	if (st == SD_OK && ferror(in))
		st = sd_err_set(err, SD_EINTERNAL, "%s", strerror(errno));
	fclose(in);
	return st;
}

int
exp_write_fp(const struct exp_table *t, enum exp_format fmt, FILE *fp,
    const char *name, struct sd_err *err)
{
	struct sd_buf tmp = SD_BUF_INIT;
	const char *dir = getenv("TMPDIR");
	int fd, st;

	if (fmt != EXP_XLSX)
		st = csv_write(t, fmt == EXP_CSV_GB, fp, err);
	else {
		/*
		 * libxlsxwriter 1.1.4 (Debian 12) writes only to a path:
		 * a private temporary file, copied to fp, then removed.
		 */
		sd_buf_printf(&tmp, "%s/simdesk-export.XXXXXX",
		    dir != NULL && dir[0] == '/' ? dir : "/tmp");
		if ((fd = mkstemp(tmp.p)) < 0)
			st = sd_err_set(err, SD_EINTERNAL, "%s: %s", tmp.p,
			    strerror(errno));
		else {
			close(fd);
			if ((st = xlsx_write(t, tmp.p, err)) == SD_OK)
				st = copy_to(tmp.p, fp, err);
			unlink(tmp.p);
		}
		sd_buf_free(&tmp);
	}
	if (st == SD_OK && fflush(fp) != 0)
		st = sd_err_set(err, SD_EINTERNAL, "write failed: %s",
		    strerror(errno));
	return st == SD_OK ? SD_OK : name_error(err, name);
}

int
exp_write(const struct exp_table *t, enum exp_format fmt, const char *path,
    struct sd_err *err)
{
	struct sd_buf tmp = SD_BUF_INIT;
	const char *slash = strrchr(path, '/');
	mode_t mask = umask(0);
	FILE *fp;
	int fd, st;

	umask(mask);
	if (slash != NULL)
		sd_buf_printf(&tmp, "%.*s/.%s.XXXXXX", (int)(slash - path),
		    path, slash + 1);
	else
		sd_buf_printf(&tmp, ".%s.XXXXXX", path);
	if ((fd = mkstemp(tmp.p)) < 0) {
		st = sd_err_set(err, SD_EINVAL, "%s: %s", path,
		    strerror(errno));
		sd_buf_free(&tmp);
		return st;
	}
	(void)fchmod(fd, 0666 & ~mask);
	if (fmt == EXP_XLSX) {
		if ((st = xlsx_write(t, tmp.p, err)) != SD_OK)
			st = name_error(err, path);
		else if (fsync(fd) != 0)	/* the same file, rewritten */
			st = sd_err_set(err, SD_EINTERNAL, "%s: %s", path,
			    strerror(errno));
		close(fd);
	} else if ((fp = fdopen(fd, "wb")) == NULL) {
		st = sd_err_set(err, SD_EINTERNAL, "%s: %s", path,
		    strerror(errno));
		close(fd);
	} else {
		st = exp_write_fp(t, fmt, fp, path, err);
		if (st == SD_OK && fsync(fileno(fp)) != 0)
			st = sd_err_set(err, SD_EINTERNAL, "%s: %s", path,
			    strerror(errno));
		if (fclose(fp) != 0 && st == SD_OK)
			st = sd_err_set(err, SD_EINTERNAL, "%s: write failed: "
			    "%s", path, strerror(errno));
	}
	if (st == SD_OK && rename(tmp.p, path) != 0)
		st = sd_err_set(err, SD_EINVAL, "%s: %s", path,
		    strerror(errno));
	if (st != SD_OK)
		unlink(tmp.p);
	sd_buf_free(&tmp);
	return st;
}
