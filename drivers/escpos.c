/*
 * escpos.c -- receipts for ESC/POS printers: initialise (ESC @), Chinese
 * mode (FS &), the text in GB18030, feed and cut (GS V).  The bytes go to
 * the printer's port, or to a file for testing.
 */
#include <errno.h>
#include <fcntl.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drivers/drivers.h"

int
drv_escpos_receipt(const char *text, struct sd_buf *out, struct sd_err *err)
{
	iconv_t cd = iconv_open("GB18030", "UTF-8");
	size_t inleft = strlen(text), cap = inleft * 2 + 16;
	char *buf, *in = (char *)text, *o;
	size_t outleft = cap;

	if (cd == (iconv_t)-1)
		return sd_err_set(err, SD_EINTERNAL, "printer: no GB18030 "
		    "converter (iconv)");
	buf = o = xmalloc(cap);
	if (iconv(cd, &in, &inleft, &o, &outleft) == (size_t)-1) {
		iconv_close(cd);
		free(buf);
		return sd_err_set(err, SD_EINVAL, "printer: the receipt's text is "
		    "not valid UTF-8");
	}
	iconv_close(cd);
	sd_buf_add(out, "\x1b@", 2);		/* ESC @: initialise */
	sd_buf_add(out, "\x1c&", 2);		/* FS &: Chinese characters */
	sd_buf_add(out, buf, cap - outleft);
	free(buf);
	sd_buf_add(out, "\x1b" "d\x04", 3);	/* ESC d 4: feed four lines */
	sd_buf_add(out, "\x1dV\x42\x00", 4);	/* GS V 66 0: feed and cut */
	return SD_OK;
}

int
drv_escpos_write(const char *path, const struct sd_buf *bytes,
    struct sd_err *err)
{
	int fd = open(path, O_WRONLY | O_NOCTTY | O_CREAT | O_TRUNC, 0644);
	size_t off = 0;

	if (fd < 0)
		return sd_err_set(err, SD_EINVAL, "printer: %s: %s", path,
		    strerror(errno));
	while (off < bytes->len) {
		ssize_t n = write(fd, bytes->p + off, bytes->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = errno;

			close(fd);
			return sd_err_set(err, SD_EINTERNAL, "printer: %s: %s",
			    path, strerror(e));
		}
		off += (size_t)n;
	}
	if (close(fd) != 0)
		return sd_err_set(err, SD_EINTERNAL, "printer: %s: %s", path,
		    strerror(errno));
	return SD_OK;
}
