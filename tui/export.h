/*
 * export.h -- a small typed table written for people who open it in a
 * spreadsheet: CSV in UTF-8 with a BOM, CSV in GB18030, or .xlsx.  Used by
 * settlement export, the Reports screen and `simdeskctl report --export`.
 */
#ifndef SD_EXPORT_H
#define SD_EXPORT_H

#include <stdint.h>
#include <stdio.h>

#include "core/core.h"

/* What a column holds; decides how each writer shows its cells. */
enum exp_kind {
	EXP_TEXT,	/* text as it is */
	EXP_DIGITS,	/* text Excel must keep as text: phones, ICCIDs */
	EXP_COUNT,	/* a whole number */
	EXP_FEN,	/* money in fen, shown as yuan with two decimals */
	EXP_DATE,	/* a day, "YYYY-MM-DD" */
	EXP_SECONDS,	/* a duration in seconds, shown H:MM:SS */
	EXP_BP,		/* basis points (1/10000), shown as "12.34%" */
};

enum exp_format {
	EXP_CSV,	/* UTF-8 with a BOM, CRLF (Excel on Chinese Windows) */
	EXP_CSV_GB,	/* GB18030, CRLF, no BOM (older tools) */
	EXP_XLSX,	/* an Excel workbook, one sheet */
};

struct exp_table;

/*
 * A new empty table (never NULL: allocation failure aborts).  name is the
 * sheet's name in .xlsx (NULL or a name Excel refuses: "Sheet1").
 */
struct exp_table *exp_new(const char *name);
void	exp_free(struct exp_table *t);
/* Add a column (at most 64); title is copied.  Columns come before rows. */
void	exp_col(struct exp_table *t, const char *title, enum exp_kind kind);
/*
 * Start a row; its cells follow in column order, one call each: exp_str
 * for TEXT, DIGITS and DATE columns (s copied; NULL: empty), exp_int for
 * COUNT, FEN, SECONDS and BP, exp_empty for a cell left blank.  Cells
 * past the last column are ignored; a row's missing cells are empty.
 */
void	exp_row(struct exp_table *t);
void	exp_str(struct exp_table *t, const char *s);
void	exp_int(struct exp_table *t, int64_t v);
void	exp_empty(struct exp_table *t);
int	exp_nrows(const struct exp_table *t);

/* "csv", "csv-gbk" or "xlsx"; SD_EINVAL naming "format" otherwise. */
int	exp_format_parse(const char *s, enum exp_format *fmt,
	    struct sd_err *err);

/*
 * Write t to path: into a temporary file beside it, renamed over path
 * only when all is written, so a failed export leaves nothing.  Errors
 * are one line naming the file and, for a cell, its row (as a spreadsheet
 * counts them: the titles are row 1) and column title: bad UTF-8, a date
 * that is not YYYY-MM-DD, a text in a number column, a full disk.
 */
int	exp_write(const struct exp_table *t, enum exp_format fmt,
	    const char *path, struct sd_err *err);
/*
 * The same to an open stream (simdeskd's side of a file the client
 * opened); name is used in errors.  The caller closes fp; the file's
 * temporary name and rename are the client's (tui/ctl/client.c).
 */
int	exp_write_fp(const struct exp_table *t, enum exp_format fmt, FILE *fp,
	    const char *name, struct sd_err *err);

#endif
