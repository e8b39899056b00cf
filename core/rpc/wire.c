/*
 * wire.c -- the frames between simdeskd and its clients: a 4-byte
 * big-endian length, then one record in the project's record encoding
 * (db/db.h's sd_rec_*) whose tag 1 is the message type.  Descriptors
 * travel beside a frame as SCM_RIGHTS.  Nothing here trusts the peer: a
 * frame over the limit, a truncated one or a malformed record is an error
 * for that connection only.
 */
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"

void
sd_wire_begin(struct sd_buf *b, int type)
{
	sd_buf_reset(b);
	sd_buf_add(b, "\0\0\0\0", 4);	/* the length, by sd_wire_finish */
	sd_buf_addc(b, SD_REC_VERSION);	/* what sd_rec_begin starts with */
	sd_rec_int(b, SD_W_TYPE, type);
}

void
sd_wire_finish(struct sd_buf *b)
{
	uint32_t n = (uint32_t)(b->len - 4);
	uint8_t *p = (uint8_t *)b->p;

	p[0] = (uint8_t)(n >> 24);
	p[1] = (uint8_t)(n >> 16);
	p[2] = (uint8_t)(n >> 8);
	p[3] = (uint8_t)n;
}

void
sd_wire_msg_free(struct sd_wire_msg *m)
{
	free(m->arena);
	memset(m, 0, sizeof *m);
}

int
sd_wire_decode(const void *data, size_t len, struct sd_wire_msg *m,
    struct sd_err *err)
{
	struct sd_rec_reader r;
	char *a;
	int more;

	memset(m, 0, sizeof *m);
	m->type = -1;
	if (sd_rec_open(&r, data, len) != SD_OK)
		return sd_err_set(err, SD_EINVAL, "frame: not a record");
	/* Every bytes field gets a NUL after it: at most len + fields. */
	a = m->arena = xmalloc(len + SD_WIRE_FIELDS + 1);
	while ((more = sd_rec_next(&r)) == 1) {
		struct sd_wire_field *f;

		if (r.tag == SD_W_TYPE && r.type == SD_REC_INT) {
			m->type = (int)r.ival;
			continue;
		}
		if (m->n >= SD_WIRE_FIELDS) {
			sd_wire_msg_free(m);
			return sd_err_set(err, SD_EINVAL, "frame: over %d fields",
			    SD_WIRE_FIELDS);
		}
		f = &m->f[m->n++];
		f->tag = (int)r.tag;
		f->ival = r.ival;
		f->s = NULL;
		f->len = 0;
		if (r.type == SD_REC_BYTES) {
			memcpy(a, r.bytes, r.blen);
			a[r.blen] = '\0';
			f->s = a;
			f->len = r.blen;
			a += r.blen + 1;
		}
	}
	if (more < 0 || m->type < 0) {
		sd_wire_msg_free(m);
		return sd_err_set(err, SD_EINVAL, "frame: malformed record");
	}
	return SD_OK;
}

const struct sd_wire_field *
sd_wire_get(const struct sd_wire_msg *m, int tag, int nth)
{
	for (int i = 0; i < m->n; i++)
		if (m->f[i].tag == tag && nth-- == 0)
			return &m->f[i];
	return NULL;
}

const char *
sd_wire_str(const struct sd_wire_msg *m, int tag)
{
	const struct sd_wire_field *f = sd_wire_get(m, tag, 0);

	return f != NULL && f->s != NULL ? f->s : NULL;
}

int64_t
sd_wire_int(const struct sd_wire_msg *m, int tag, int64_t dflt)
{
	const struct sd_wire_field *f = sd_wire_get(m, tag, 0);

	return f != NULL && f->s == NULL ? f->ival : dflt;
}

/* ---------------------------------------------------------------- errors */

void
sd_wire_err_put(struct sd_buf *b, int status, const struct sd_err *err)
{
	char tmp[SD_ERRMSG_MAX];

	sd_rec_str(b, SD_W_TEXT, err->msg[0] != '\0' ? err->msg :
	    sd_status_name(status));
	/* All the levels or none: only what renders goes out. */
	if (err->msg[0] == '\0' ||
	    sd_err_render(err, 0, NULL, tmp, sizeof tmp) != 0)
		return;
	for (int l = 0; l < err->nlevels; l++) {
		const char *f, *args[SD_ERR_ARGS];
		int n;

		/* Empty ones too (sd_rec_str leaves them out): each is
		 * an argument in its place. */
		(void)sd_err_level(err, l, &f, args, &n);
		sd_rec_bytes(b, SD_W_EFMT, f, strlen(f));
		for (int i = 0; i < n; i++)
			sd_rec_bytes(b, SD_W_EARG, args[i], strlen(args[i]));
		sd_rec_int(b, SD_W_ENEST, err->nest[l]);
	}
}

/* A string field into e->text: whole, one line, or -1. */
static int
err_text_add(struct sd_err *e, size_t *used, const struct sd_wire_field *f,
    size_t max)
{
	if (f->s == NULL || f->len >= max || memchr(f->s, '\0', f->len) != NULL ||
	    f->len + 1 > sizeof e->text - *used)
		return -1;
	memcpy(e->text + *used, f->s, f->len + 1);
	for (char *p = e->text + *used; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	*used += f->len + 1;
	return 0;
}

int
sd_wire_err_get(const struct sd_wire_msg *m, int status, struct sd_err *err)
{
	const char *text = sd_wire_str(m, SD_W_TEXT);
	char tmp[SD_ERRMSG_MAX];
	size_t used = 0;
	int l = -1, bad = 0;

	sd_err_clear(err);
	err->status = status;
	sd_strlcpy(err->msg, text != NULL && text[0] != '\0' ? text :
	    sd_status_name(status), sizeof err->msg);
	for (char *p = err->msg; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	for (int i = 0; i < m->n && !bad; i++) {
		const struct sd_wire_field *f = &m->f[i];

		switch (f->tag) {
		case SD_W_EFMT:
			if (++l >= SD_ERR_LEVELS || err_text_add(err, &used, f,
			    SD_ERRFMT_MAX) != 0) {
				bad = 1;
				break;
			}
			err->fmt[l] = NULL;	/* its text leads the level's */
			err->nargs[l] = 0;
			err->nest[l] = -2;	/* not yet given */
			break;
		case SD_W_EARG:
			if (l < 0 || err->nargs[l] >= SD_ERR_ARGS ||
			    err_text_add(err, &used, f, SD_ERRMSG_MAX) != 0)
				bad = 1;
			else
				err->nargs[l]++;
			break;
		case SD_W_ENEST:
			if (l < 0 || f->s != NULL || err->nest[l] != -2 ||
			    f->ival < -1 || f->ival >= SD_ERR_ARGS)
				bad = 1;
			else
				err->nest[l] = (signed char)f->ival;
			break;
		default:
			break;
		}
	}
	/* Every level says which argument the next one is; the last, none
	 * (sd_err_render checks that they are its arguments). */
	for (int k = 0; k <= l && !bad; k++)
		if (err->nest[k] == -2 || (k == l) != (err->nest[k] == -1))
			bad = 1;
	err->nlevels = bad ? 0 : l + 1;
	if (err->nlevels > 0 && sd_err_render(err, 0, NULL, tmp,
	    sizeof tmp) != 0)
		err->nlevels = 0;
	return status;
}

/* ---------------------------------------------------------------- sockets */

int
sd_wire_send(int fd, const struct sd_buf *frame, const int *fds, int nfds,
    struct sd_err *err)
{
	union {
		struct cmsghdr	h;
		char		buf[CMSG_SPACE(sizeof(int) * SD_WIRE_FDS)];
	} u;
	size_t off = 0;

	if (nfds > SD_WIRE_FDS)
		return sd_err_set(err, SD_EINTERNAL, "too many files for one "
		    "request (at most %d)", SD_WIRE_FDS);
	while (off < frame->len) {
		struct iovec iov = { frame->p + off, frame->len - off };
		struct msghdr mh;
		ssize_t n;

		memset(&mh, 0, sizeof mh);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		if (off == 0 && nfds > 0) {
			struct cmsghdr *c;

			memset(&u, 0, sizeof u);
			mh.msg_control = u.buf;
			mh.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)nfds);
			c = CMSG_FIRSTHDR(&mh);
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)nfds);
			memcpy(CMSG_DATA(c), fds, sizeof(int) * (size_t)nfds);
		}
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return sd_err_set(err, SD_EINTERNAL, "send: timed out");
		if (n < 0)
			return sd_err_set(err, SD_EINTERNAL, "send: %s",
			    strerror(errno));
		off += (size_t)n;
	}
	return SD_OK;
}

/* Read exactly n bytes, collecting descriptors that come with them. */
static int
recv_exact(int fd, char *p, size_t n, int *fds, int *nfds, int maxfds,
    int *got_any, struct sd_err *err)
{
	size_t off = 0;

	while (off < n) {
		union {
			struct cmsghdr	h;
			char		buf[CMSG_SPACE(sizeof(int) * SD_WIRE_FDS)];
		} u;
		struct iovec iov = { p + off, n - off };
		struct msghdr mh;
		struct cmsghdr *c;
		ssize_t r;

		memset(&mh, 0, sizeof mh);
		mh.msg_iov = &iov;
		mh.msg_iovlen = 1;
		mh.msg_control = u.buf;
		mh.msg_controllen = sizeof u.buf;
		r = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			return sd_err_set(err, SD_EINTERNAL,
			    "receive: timed out");
		if (r < 0)
			return sd_err_set(err, SD_EINTERNAL, "receive: %s",
			    strerror(errno));
		for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
			int k, *in;

			if (c->cmsg_level != SOL_SOCKET ||
			    c->cmsg_type != SCM_RIGHTS)
				continue;
			k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			in = (int *)(void *)CMSG_DATA(c);
			for (int i = 0; i < k; i++) {
				if (fds != NULL && *nfds < maxfds)
					fds[(*nfds)++] = in[i];
				else
					close(in[i]);
			}
		}
		if (r == 0) {
			if (off == 0 && !*got_any)
				return sd_err_set(err, SD_ENOTFOUND,
				    "connection closed");
			return sd_err_set(err, SD_EINVAL, "frame: truncated");
		}
		if (mh.msg_flags & MSG_CTRUNC)
			return sd_err_set(err, SD_EINVAL,
			    "frame: too many descriptors");
		off += (size_t)r;
		*got_any = 1;
	}
	return SD_OK;
}

int
sd_wire_recv(int fd, struct sd_buf *frame, size_t max, int *fds, int *nfds,
    int maxfds, struct sd_err *err)
{
	uint8_t h[4];
	uint32_t n;
	int st, got = 0, dummy = 0;

	if (nfds == NULL)
		nfds = &dummy;
	*nfds = 0;
	if ((st = recv_exact(fd, (char *)h, 4, fds, nfds, maxfds, &got,
	    err)) != SD_OK)
		goto fail;
	n = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 |
	    (uint32_t)h[2] << 8 | h[3];
	if (n > max) {
		st = sd_err_set(err, SD_EINVAL, "frame: %lu bytes, over the "
		    "limit of %lu", (unsigned long)n, (unsigned long)max);
		goto fail;
	}
	sd_buf_reset(frame);
	sd_buf_reserve(frame, n + 1);
	if ((st = recv_exact(fd, frame->p, n, fds, nfds, maxfds, &got,
	    err)) != SD_OK)
		goto fail;
	frame->len = n;
	return SD_OK;
fail:
	for (int i = 0; i < *nfds; i++)
		close(fds[i]);
	*nfds = 0;
	return st;
}

int
sd_wire_recv_msg(int fd, struct sd_buf *frame, size_t max,
    struct sd_wire_msg *m, int *fds, int *nfds, int maxfds,
    struct sd_err *err)
{
	int st;

	memset(m, 0, sizeof *m);
	if ((st = sd_wire_recv(fd, frame, max, fds, nfds, maxfds, err)) !=
	    SD_OK)
		return st;
	if ((st = sd_wire_decode(frame->p, frame->len, m, err)) != SD_OK) {
		for (int i = 0; nfds != NULL && i < *nfds; i++)
			close(fds[i]);
		if (nfds != NULL)
			*nfds = 0;
	}
	return st;
}

/* ---------------------------------------------------------------- files */

static _Thread_local sd_file_hook file_hook;
static _Thread_local void *file_hook_arg;

void
sd_file_hook_set(sd_file_hook fn, void *arg)
{
	file_hook = fn;
	file_hook_arg = arg;
}

FILE *
sd_file_open(const char *path, const char *mode, struct sd_err *err)
{
	FILE *f;

	if (file_hook != NULL)
		return file_hook(file_hook_arg, path, mode, err);
	if ((f = fopen(path, mode)) == NULL)
		sd_err_set(err, SD_EINVAL, "%s: %s", path, strerror(errno));
	return f;
}
