/*
 * rejects.c -- the --skip-bad rejects file of every import (see rec.h):
 * the bad rows as they were read, each with its reason.
 */
#include <errno.h>
#include <string.h>

#include "core/rec/rec.h"

static void
cell(FILE *f, const char *v, int first)
{
	if (!first)
		fputc(',', f);
	fputc('"', f);
	for (; *v != '\0'; v++) {
		if (*v == '"')
			fputc('"', f);
		fputc(*v, f);
	}
	fputc('"', f);
}

static void
line(struct rejects *w, int r, const char *why)
{
	const struct sd_table *t = w->t;

	for (int c = 0; c < t->ncols; c++)
		cell(w->f, c < t->ncells[r] ? t->cells[r][c] : "", c == 0);
	cell(w->f, why, t->ncols == 0);
	fputs("\r\n", w->f);
}

int
rejects_open(struct rejects *w, const char *path, const struct sd_table *t,
    int header, struct sd_err *err)
{
	struct sd_err ferr;

	memset(w, 0, sizeof *w);
	w->path = path;
	w->t = t;
	if ((w->f = sd_file_open(path, "w", &ferr)) == NULL)
		return sd_err_nest(err, SD_EINVAL, &ferr, "skip-bad: %s",
		    ferr.msg);
	fputs("\xef\xbb\xbf", w->f);
	if (header && t->nrows > 0)
		line(w, 0, "reason");
	return SD_OK;
}

void
rejects_row(struct rejects *w, int r, const char *why)
{
	line(w, r, why);
}

int
rejects_close(struct rejects *w, struct sd_err *err)
{
	int bad = fflush(w->f) != 0 || ferror(w->f);
	int e = errno;

	if (fclose(w->f) != 0 && !bad) {
		bad = 1;
		e = errno;
	}
	w->f = NULL;
	if (bad)
		return sd_err_set(err, SD_EINVAL, "skip-bad: %s: %s", w->path,
		    strerror(e ? e : EIO));
	return SD_OK;
}
