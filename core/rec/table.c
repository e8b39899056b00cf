/*
 * table.c -- reading the tables users bring: CSV as Excel writes it
 * (RFC 4180 quoting, embedded newlines; UTF-8 with or without a BOM, or
 * GB18030 from Chinese Windows, converted with iconv) and the first sheet
 * of an .xlsx workbook (minizip + expat).  Every cell comes out as UTF-8
 * text: phone and ID numbers keep their leading zeros and every digit.
 */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <expat.h>
#include <minizip/unzip.h>

#include "core/rec/rec.h"

#define CELL_MAX	4096	/* bytes in one cell */

/* ---------------------------------------------------------------- builder */

/* Cells are collected as offsets into one arena, made pointers at the end
 * (the arena moves while it grows). */
struct builder {
	struct sd_buf	 arena;
	size_t		*offs;		/* every cell, row after row */
	size_t		 ncells, capcells;
	int		*rowfirst;	/* first cell of each row */
	int		*rowlen;
	int		*rowline;
	int		 nrows, caprows;
	int		 cur;		/* cells in the row being built */
	int		 line;
};

static void
b_cell(struct builder *b, const char *p, size_t n)
{
	if (b->ncells == b->capcells) {
		b->capcells = b->capcells ? b->capcells * 2 : 1024;
		b->offs = xrealloc(b->offs, b->capcells * sizeof *b->offs);
	}
	b->offs[b->ncells++] = b->arena.len;
	sd_buf_add(&b->arena, p, n);
	sd_buf_addc(&b->arena, '\0');
	b->cur++;
}

static void
b_row(struct builder *b, int line)
{
	if (b->nrows == b->caprows) {
		b->caprows = b->caprows ? b->caprows * 2 : 256;
		b->rowfirst = xrealloc(b->rowfirst, (size_t)b->caprows * sizeof(int));
		b->rowlen = xrealloc(b->rowlen, (size_t)b->caprows * sizeof(int));
		b->rowline = xrealloc(b->rowline, (size_t)b->caprows * sizeof(int));
	}
	b->rowfirst[b->nrows] = (int)(b->ncells - (size_t)b->cur);
	b->rowlen[b->nrows] = b->cur;
	b->rowline[b->nrows] = line;
	b->nrows++;
	b->cur = 0;
}

/* Drop the cells of an unfinished row (a blank line). */
static void
b_discard(struct builder *b)
{
	b->ncells -= (size_t)b->cur;
	b->cur = 0;
}

static void
b_finish(struct builder *b, struct sd_table *t)
{
	char **ptrs = xcalloc(b->ncells + 1, sizeof *ptrs);

	memset(t, 0, sizeof *t);
	for (size_t i = 0; i < b->ncells; i++)
		ptrs[i] = b->arena.p + b->offs[i];
	t->nrows = b->nrows;
	t->cells = xcalloc((size_t)b->nrows + 1, sizeof *t->cells);
	t->ncells = b->rowlen;
	t->lines = b->rowline;
	for (int r = 0; r < b->nrows; r++) {
		t->cells[r] = ptrs + b->rowfirst[r];
		if (b->rowlen[r] > t->ncols)
			t->ncols = b->rowlen[r];
	}
	t->priv_arena = b->arena.p;
	t->priv_ptrs = ptrs;
	free(b->offs);
	free(b->rowfirst);
}

static void
b_free(struct builder *b)
{
	sd_buf_free(&b->arena);
	free(b->offs);
	free(b->rowfirst);
	free(b->rowlen);
	free(b->rowline);
}

void
sd_table_free(struct sd_table *t)
{
	free(t->cells);
	free(t->ncells);
	free(t->lines);
	free(t->priv_arena);
	free(t->priv_ptrs);
	memset(t, 0, sizeof *t);
}

/* ---------------------------------------------------------------- encodings */

static int
line_of(const char *data, size_t off)
{
	int line = 1;

	for (size_t i = 0; i < off; i++)
		line += data[i] == '\n';
	return line;
}

/* Convert GB18030 to UTF-8 into out; err names the line of a bad byte. */
static int
from_gb18030(const char *name, const char *data, size_t len,
    struct sd_buf *out, struct sd_err *err)
{
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	char *in = (char *)data, chunk[8192];
	size_t left = len;

	if (cd == (iconv_t)-1)
		return sd_err_set(err, SD_EINTERNAL, "%s: iconv: GB18030 is not "
		    "available: %s", name, strerror(errno));
	while (left > 0) {
		char *o = chunk;
		size_t room = sizeof chunk;

		if (iconv(cd, &in, &left, &o, &room) == (size_t)-1 &&
		    errno != E2BIG) {
			sd_buf_add(out, chunk, (size_t)(o - chunk));
			iconv_close(cd);
			return sd_err_set(err, SD_EINVAL, "%s:%d: not valid UTF-8 "
			    "or GB18030 text (byte 0x%02x); try the encoding gb18030",
			    name, line_of(data, (size_t)(in - data)),
			    (unsigned char)*in);
		}
		sd_buf_add(out, chunk, (size_t)(o - chunk));
	}
	iconv_close(cd);
	return SD_OK;
}

/* Offset of the first invalid UTF-8 byte, or len. */
static size_t
utf8_bad_at(const char *s, size_t len)
{
	size_t lo = 0;

	/* Validate a line at a time to name where it goes wrong. */
	while (lo < len) {
		const char *nl = memchr(s + lo, '\n', len - lo);
		size_t hi = nl ? (size_t)(nl - s) + 1 : len;

		if (!sd_utf8_valid(s + lo, hi - lo))
			return lo;
		lo = hi;
	}
	return len;
}

/* ---------------------------------------------------------------- CSV */

static int
parse_csv(const char *name, const char *p, size_t len, struct builder *b,
    struct sd_err *err)
{
	struct sd_buf cell = SD_BUF_INIT;
	size_t i = 0;
	int line = 1, rowline = 1;

	while (i < len) {
		int quoted = 0, cellline = line;

		sd_buf_reset(&cell);
		if (b->cur == 0)
			rowline = line;
		if (p[i] == '"') {
			quoted = 1;
			i++;
			for (;;) {
				if (i >= len) {
					sd_buf_free(&cell);
					return sd_err_set(err, SD_EINVAL,
					    "%s:%d: a quoted field is never "
					    "closed", name, cellline);
				}
				if (p[i] == '"') {
					if (i + 1 < len && p[i + 1] == '"') {
						sd_buf_addc(&cell, '"');
						i += 2;
						continue;
					}
					i++;
					break;
				}
				if (p[i] == '\n')
					line++;
				sd_buf_addc(&cell, p[i++]);
			}
		} else {
			while (i < len && p[i] != ',' && p[i] != '\n' &&
			    !(p[i] == '\r' && (i + 1 >= len || p[i + 1] == '\n'))) {
				if (p[i] == '"') {
					sd_buf_free(&cell);
					return sd_err_set(err, SD_EINVAL,
					    "%s:%d: a quote inside an unquoted "
					    "field", name, line);
				}
				sd_buf_addc(&cell, p[i++]);
			}
		}
		if (cell.len > CELL_MAX) {
			sd_buf_free(&cell);
			return sd_err_set(err, SD_EINVAL, "%s:%d: a cell longer "
			    "than %d bytes", name, cellline, CELL_MAX);
		}
		if (memchr(sd_buf_cstr(&cell), '\0', cell.len) != NULL) {
			sd_buf_free(&cell);
			return sd_err_set(err, SD_EINVAL, "%s:%d: a NUL byte",
			    name, cellline);
		}
		b_cell(b, sd_buf_cstr(&cell), cell.len);
		/* After a cell: a comma, an end of line, or the end. */
		if (i < len && p[i] == ',') {
			i++;
			if (i >= len)		/* "a,b," at the very end */
				b_cell(b, "", 0);
			continue;
		}
		if (i < len && p[i] == '\r')
			i++;
		if (i < len && p[i] == '\n') {
			i++;
			line++;
		} else if (i < len) {
			sd_buf_free(&cell);
			return sd_err_set(err, SD_EINVAL, "%s:%d: text after a "
			    "closing quote", name, line);
		}
		/* A blank line is no row at all. */
		if (b->cur == 1 && !quoted && b->arena.p[b->offs[b->ncells - 1]] == '\0')
			b_discard(b);
		else
			b_row(b, rowline);
	}
	if (b->cur > 0)
		b_row(b, rowline);
	sd_buf_free(&cell);
	return SD_OK;
}

int
sd_table_parse_csv(const char *name, const char *data, size_t len,
    enum sd_encoding enc, struct sd_table *t, struct sd_err *err)
{
	struct builder b;
	struct sd_buf conv = SD_BUF_INIT;
	const char *p = data, *encname;
	size_t n = len, bad;
	int st;

	memset(&b, 0, sizeof b);
	memset(t, 0, sizeof *t);
	encname = "utf-8";
	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0 && enc != SD_ENC_GB18030) {
		p += 3;
		n -= 3;
		encname = "utf-8 (BOM)";
		enc = SD_ENC_UTF8;
	} else if (enc == SD_ENC_AUTO)
		enc = sd_utf8_valid(p, n) ? SD_ENC_UTF8 : SD_ENC_GB18030;
	if (enc == SD_ENC_UTF8) {
		if ((bad = utf8_bad_at(p, n)) < n)
			return sd_err_set(err, SD_EINVAL, "%s:%d: not valid UTF-8 "
			    "(try the encoding gb18030)", name, line_of(p, bad));
	} else {
		if ((st = from_gb18030(name, p, n, &conv, err)) != SD_OK) {
			sd_buf_free(&conv);
			return st;
		}
		p = sd_buf_cstr(&conv);
		n = conv.len;
		encname = "gb18030";
	}
	st = parse_csv(name, p, n, &b, err);
	sd_buf_free(&conv);
	if (st != SD_OK) {
		b_free(&b);
		return st;
	}
	b_finish(&b, t);
	t->encoding = encname;
	return SD_OK;
}

/* ---------------------------------------------------------------- xlsx */

/* Read one member of the zip into out; SD_ENOTFOUND if absent. */
static int
zip_member(unzFile zf, const char *member, struct sd_buf *out,
    const char *name, struct sd_err *err)
{
	char chunk[16384];
	int n;

	sd_buf_reset(out);
	if (unzLocateFile(zf, member, 0) != UNZ_OK)
		return SD_ENOTFOUND;
	if (unzOpenCurrentFile(zf) != UNZ_OK)
		return sd_err_set(err, SD_EINVAL, "%s: %s: cannot open in the "
		    "workbook", name, member);
	while ((n = unzReadCurrentFile(zf, chunk, sizeof chunk)) > 0) {
		sd_buf_add(out, chunk, (size_t)n);
		if (out->len > (size_t)512 << 20) {
			unzCloseCurrentFile(zf);
			return sd_err_set(err, SD_EINVAL, "%s: %s: larger than "
			    "512 MiB", name, member);
		}
	}
	unzCloseCurrentFile(zf);
	if (n < 0)
		return sd_err_set(err, SD_EINVAL, "%s: %s: damaged (zip error "
		    "%d)", name, member, n);
	return SD_OK;
}

static const char *
attr(const char **atts, const char *key)
{
	for (int i = 0; atts[i] != NULL; i += 2) {
		const char *k = atts[i], *colon = strchr(k, ':');

		if (strcmp(k, key) == 0)
			return atts[i + 1];
		/* "r:id" under whatever prefix the file chose */
		if (key[0] == ':' && colon != NULL && strcmp(colon, key) == 0)
			return atts[i + 1];
	}
	return NULL;
}

struct xml_state {
	/* workbook / rels */
	char		 rid[64];
	char		 target[256];
	/* shared strings */
	char		**strings;
	int		 nstrings, capstrings;
	int		 in_t, in_rph;
	struct sd_buf	 text;
	/* sheet */
	struct builder	*b;
	int		 row, col, in_v, in_is;
	char		 ctype[16];
	int		 lastcol;
	int		 failed;
	struct sd_err	 why;
};

static void XMLCALL
wb_start(void *ud, const char *el, const char **atts)
{
	struct xml_state *x = ud;
	const char *v;

	if (strcmp(el, "sheet") == 0 && x->rid[0] == '\0' &&
	    (v = attr(atts, ":id")) != NULL)
		sd_strlcpy(x->rid, v, sizeof x->rid);
}

static void XMLCALL
rels_start(void *ud, const char *el, const char **atts)
{
	struct xml_state *x = ud;
	const char *id, *tg;

	if (strcmp(el, "Relationship") == 0 && (id = attr(atts, "Id")) != NULL &&
	    strcmp(id, x->rid) == 0 && (tg = attr(atts, "Target")) != NULL)
		sd_strlcpy(x->target, tg, sizeof x->target);
}

static void XMLCALL
ss_start(void *ud, const char *el, const char **atts)
{
	struct xml_state *x = ud;

	(void)atts;
	if (strcmp(el, "si") == 0)
		sd_buf_reset(&x->text);
	else if (strcmp(el, "rPh") == 0)
		x->in_rph = 1;		/* phonetic guide: not the text */
	else if (strcmp(el, "t") == 0 && !x->in_rph)
		x->in_t = 1;
}

static void XMLCALL
ss_end(void *ud, const char *el)
{
	struct xml_state *x = ud;

	if (strcmp(el, "t") == 0)
		x->in_t = 0;
	else if (strcmp(el, "rPh") == 0)
		x->in_rph = 0;
	else if (strcmp(el, "si") == 0) {
		if (x->nstrings == x->capstrings) {
			x->capstrings = x->capstrings ? x->capstrings * 2 : 256;
			x->strings = xrealloc(x->strings,
			    (size_t)x->capstrings * sizeof *x->strings);
		}
		x->strings[x->nstrings++] = xstrdup(sd_buf_cstr(&x->text));
	}
}

static void XMLCALL
chars(void *ud, const char *s, int len)
{
	struct xml_state *x = ud;

	if ((x->in_t || x->in_v) && x->text.len < CELL_MAX)
		sd_buf_add(&x->text, s, (size_t)len);
}

/* "B12" -> column 1 (0-based); -1 if not a reference. */
static int
ref_col(const char *r)
{
	int col = 0, any = 0;

	for (; *r >= 'A' && *r <= 'Z'; r++, any = 1)
		col = col * 26 + (*r - 'A' + 1);
	return any && col <= 16384 ? col - 1 : -1;
}

/*
 * Excel writes big whole numbers in exponent form ("1.3800138E10"); give
 * them back as the digits they are.  Anything else stays as written.
 */
static void
number_text(const char *v, struct sd_buf *out)
{
	const char *e = strpbrk(v, "eE"), *dot;
	char mant[64];
	int exp, frac;
	size_t n;

	if (e == NULL || (size_t)(e - v) >= sizeof mant || v[0] == '-') {
		sd_buf_adds(out, v);
		return;
	}
	exp = atoi(e + 1);
	memcpy(mant, v, (size_t)(e - v));
	mant[e - v] = '\0';
	dot = strchr(mant, '.');
	frac = dot ? (int)strlen(dot + 1) : 0;
	if (exp < frac || exp > 30) {
		sd_buf_adds(out, v);
		return;
	}
	for (const char *p = mant; *p; p++)
		if (*p != '.')
			sd_buf_addc(out, *p);
	for (int i = frac; i < exp; i++)
		sd_buf_addc(out, '0');
	(void)n;
}

static void XMLCALL
sheet_start(void *ud, const char *el, const char **atts)
{
	struct xml_state *x = ud;
	const char *v;

	if (strcmp(el, "row") == 0) {
		x->row = (v = attr(atts, "r")) ? atoi(v) : x->row + 1;
		x->lastcol = -1;
		x->b->cur = 0;
	} else if (strcmp(el, "c") == 0) {
		x->col = (v = attr(atts, "r")) ? ref_col(v) : x->lastcol + 1;
		v = attr(atts, "t");
		sd_strlcpy(x->ctype, v ? v : "n", sizeof x->ctype);
		sd_buf_reset(&x->text);
	} else if (strcmp(el, "v") == 0)
		x->in_v = 1;
	else if (strcmp(el, "is") == 0)
		x->in_is = 1;
	else if (strcmp(el, "t") == 0 && x->in_is)
		x->in_t = 1;
}

static void XMLCALL
sheet_end(void *ud, const char *el)
{
	struct xml_state *x = ud;

	if (strcmp(el, "v") == 0)
		x->in_v = 0;
	else if (strcmp(el, "t") == 0)
		x->in_t = 0;
	else if (strcmp(el, "is") == 0)
		x->in_is = 0;
	else if (strcmp(el, "c") == 0) {
		struct sd_buf val = SD_BUF_INIT;
		const char *raw = sd_buf_cstr(&x->text);

		if (x->col < 0 || x->col <= x->lastcol) {
			x->failed = 1;
			sd_err_set(&x->why, SD_EINVAL, "row %d: bad cell "
			    "reference", x->row);
			return;
		}
		while (x->lastcol + 1 < x->col) {	/* empty cells between */
			b_cell(x->b, "", 0);
			x->lastcol++;
		}
		if (strcmp(x->ctype, "s") == 0) {
			int i = atoi(raw);

			if (i < 0 || i >= x->nstrings) {
				x->failed = 1;
				sd_err_set(&x->why, SD_EINVAL, "row %d: shared "
				    "string %d does not exist", x->row, i);
				return;
			}
			sd_buf_adds(&val, x->strings[i]);
		} else if (strcmp(x->ctype, "n") == 0)
			number_text(raw, &val);
		else if (strcmp(x->ctype, "b") == 0)
			sd_buf_adds(&val, strcmp(raw, "1") == 0 ? "TRUE" : "FALSE");
		else
			sd_buf_adds(&val, raw);	/* inlineStr, str, e */
		b_cell(x->b, sd_buf_cstr(&val), val.len);
		sd_buf_free(&val);
		x->lastcol = x->col;
	} else if (strcmp(el, "row") == 0) {
		if (x->b->cur > 0)
			b_row(x->b, x->row);
	}
}

static int
xml_run(const char *name, const char *member, const struct sd_buf *doc,
    XML_StartElementHandler st, XML_EndElementHandler en, struct xml_state *x,
    struct sd_err *err)
{
	XML_Parser p = XML_ParserCreate(NULL);
	int ok;

	XML_SetUserData(p, x);
	XML_SetElementHandler(p, st, en);
	XML_SetCharacterDataHandler(p, chars);
	ok = XML_Parse(p, doc->p ? doc->p : "", (int)doc->len, 1) != XML_STATUS_ERROR;
	if (!ok)
		sd_err_set(err, SD_EINVAL, "%s: %s:%lu: %s", name, member,
		    (unsigned long)XML_GetCurrentLineNumber(p),
		    XML_ErrorString(XML_GetErrorCode(p)));
	XML_ParserFree(p);
	if (ok && x->failed)
		return sd_err_nest(err, SD_EINVAL, &x->why, "%s: %s", name,
		    x->why.msg);
	return ok ? SD_OK : SD_EINVAL;
}

/* minizip's open goes through sd_file_open (in simdeskd: the client's fd). */
static voidpf
zip_open(voidpf opaque, const void *filename, int mode)
{
	struct sd_err scratch;

	(void)opaque;
	if ((mode & ZLIB_FILEFUNC_MODE_READWRITEFILTER) !=
	    ZLIB_FILEFUNC_MODE_READ)
		return NULL;
	return sd_file_open(filename, "rb", &scratch);
}

static int
read_xlsx(const char *path, struct sd_table *t, struct sd_err *err)
{
	zlib_filefunc64_def ff;
	unzFile zf;
	struct xml_state x;
	struct builder b;
	struct sd_buf doc = SD_BUF_INIT;
	char sheet[600];
	int st;

	fill_fopen64_filefunc(&ff);
	ff.zopen64_file = zip_open;
	zf = unzOpen2_64(path, &ff);
	if (zf == NULL)
		return sd_err_set(err, SD_EINVAL, "%s: not a readable .xlsx "
		    "(zip) file", path);
	memset(&x, 0, sizeof x);
	memset(&b, 0, sizeof b);
	x.b = &b;
	if ((st = zip_member(zf, "xl/workbook.xml", &doc, path, err)) != SD_OK ||
	    (st = xml_run(path, "xl/workbook.xml", &doc, wb_start, NULL, &x,
	    err)) != SD_OK)
		goto out;
	if ((st = zip_member(zf, "xl/_rels/workbook.xml.rels", &doc, path,
	    err)) != SD_OK || (st = xml_run(path, "workbook.xml.rels", &doc,
	    rels_start, NULL, &x, err)) != SD_OK)
		goto out;
	if (x.target[0] == '\0') {
		st = sd_err_set(err, SD_EINVAL, "%s: the workbook has no sheet",
		    path);
		goto out;
	}
	if (x.target[0] == '/')
		sd_strlcpy(sheet, x.target + 1, sizeof sheet);
	else
		snprintf(sheet, sizeof sheet, "xl/%s", x.target);
	st = zip_member(zf, "xl/sharedStrings.xml", &doc, path, err);
	if (st == SD_OK)
		st = xml_run(path, "xl/sharedStrings.xml", &doc, ss_start,
		    ss_end, &x, err);
	else if (st == SD_ENOTFOUND)
		st = SD_OK;		/* only inline strings */
	if (st != SD_OK)
		goto out;
	if ((st = zip_member(zf, sheet, &doc, path, err)) == SD_ENOTFOUND)
		st = sd_err_set(err, SD_EINVAL, "%s: %s is missing", path, sheet);
	if (st != SD_OK)
		goto out;
	if ((st = xml_run(path, sheet, &doc, sheet_start, sheet_end, &x,
	    err)) != SD_OK)
		goto out;
	b_finish(&b, t);
	t->encoding = "xlsx";
out:
	if (st != SD_OK) {
		if (st == SD_ENOTFOUND)
			st = sd_err_set(err, SD_EINVAL, "%s: not an .xlsx "
			    "workbook", path);
		b_free(&b);
	}
	for (int i = 0; i < x.nstrings; i++)
		free(x.strings[i]);
	free(x.strings);
	sd_buf_free(&x.text);
	sd_buf_free(&doc);
	unzClose(zf);
	return st;
}

#define SD_TABLE_FILE_MAX	(1024 << 20)

int
sd_table_read(const char *path, enum sd_encoding enc, struct sd_table *t,
    struct sd_err *err)
{
	struct sd_buf data = SD_BUF_INIT;
	char chunk[65536];
	size_t n, plen = strlen(path);
	FILE *f;
	int st;

	memset(t, 0, sizeof *t);
	if ((f = sd_file_open(path, "rb", err)) == NULL)
		return err->status;
	n = fread(chunk, 1, 4, f);
	if ((n == 4 && memcmp(chunk, "PK\3\4", 4) == 0) ||
	    (plen > 5 && strcasecmp(path + plen - 5, ".xlsx") == 0)) {
		fclose(f);
		return read_xlsx(path, t, err);
	}
	sd_buf_add(&data, chunk, n);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		/* simdeskd reads it for every client: bounded. */
		if (data.len > SD_TABLE_FILE_MAX) {
			fclose(f);
			sd_buf_free(&data);
			return sd_err_set(err, SD_EINVAL, "%s: over %d MB",
			    path, SD_TABLE_FILE_MAX >> 20);
		}
		sd_buf_add(&data, chunk, n);
	}
	if (ferror(f)) {
		fclose(f);
		sd_buf_free(&data);
		return sd_err_set(err, SD_EINVAL, "%s: read error", path);
	}
	fclose(f);
	st = sd_table_parse_csv(path, sd_buf_cstr(&data), data.len, enc, t, err);
	sd_buf_free(&data);
	return st;
}
