/*
 * fuzz_wire.c -- libFuzzer target: bytes a client sends simdeskd.  They go
 * through a real socket into the server's frame reader and decoder, frame
 * after frame; whatever comes, each call ends in a message or an error,
 * and a decoded message's fields stay inside what was read; a CALL's
 * positional arguments (core/rpc/rpc.c) read whatever they hold without
 * reading past it; an error's formats and arguments (a RESULT's, as
 * simdesk reads them) are taken only when they add up, and render, as
 * they are or through a hostile "translation", inside the output.
 */
#include <sys/socket.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A catalogue that answers every format with a hostile one. */
static const char *
hostile(const char *fmt)
{
	static const char *const bad[] = { "%n%s", "%s%s%s%s%s%s%s%s%s",
	    "%9$s", "%1$s %s", "%.*s", "%", "%1$s%2$s%3$s%4$s" };

	return bad[strlen(fmt) % (sizeof bad / sizeof bad[0])];
}

/* The error of a message as simdesk would take it and show it. */
static void
error_of(const struct sd_wire_msg *m)
{
	struct sd_err e;
	char out[SD_ERRMSG_MAX], small[7];

	sd_wire_err_get(m, (int)sd_wire_int(m, SD_W_EXIT, SD_EINTERNAL), &e);
	if (strlen(e.msg) >= sizeof e.msg || e.nlevels < 0 ||
	    e.nlevels > SD_ERR_LEVELS)
		abort();
	/* Levels are taken only when they render as they are. */
	if (e.nlevels > 0 && sd_err_render(&e, 0, NULL, out, sizeof out) != 0)
		abort();
	for (int l = 0; l < e.nlevels; l++) {
		const char *f, *args[SD_ERR_ARGS];
		int n;

		if (sd_err_level(&e, l, &f, args, &n) != 0 || n > SD_ERR_ARGS)
			abort();
		for (int i = 0; i < n; i++)
			if (args[i] < e.text || args[i] >= e.text + sizeof e.text)
				abort();
	}
	(void)sd_err_render(&e, 0, hostile, out, sizeof out);
	if (strlen(out) >= sizeof out)
		abort();
	(void)sd_err_render(&e, e.nlevels > 1 ? 1 : 0, NULL, small,
	    sizeof small);
	if (strlen(small) >= sizeof small)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sd_buf frame = SD_BUF_INIT;
	struct sd_wire_msg m;
	struct sd_err err;
	int sv[2];

	if (size > 60000 || socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0)
		return 0;
	if (size > 0 && write(sv[0], data, size) != (ssize_t)size)
		abort();
	close(sv[0]);
	while (sd_wire_recv_msg(sv[1], &frame, 2048, &m, NULL, NULL, 0,
	    &err) == SD_OK) {
		for (int i = 0; i < m.n; i++)
			if (m.f[i].s != NULL && (m.f[i].len > frame.len ||
			    strlen(m.f[i].s) > m.f[i].len))
				abort();
		(void)sd_wire_str(&m, SD_W_ARG);
		(void)sd_wire_int(&m, SD_W_EXIT, 0);
		error_of(&m);
		/* A CALL's positional arguments, read as a server would:
		 * whatever kind is asked for, a value or "bad", never more. */
		{
			struct sd_args a;
			char raw[64];
			int k = 0;

			sd_args_init(&a, &m);
			while (sd_args_more(&a) && k++ < 64) {
				size_t n;
				const void *p;

				switch (k % 4) {
				case 0: (void)sd_args_int(&a); break;
				case 1:
					if (strlen(sd_args_str(&a)) > frame.len)
						abort();
					break;
				case 2:
					p = sd_args_rawp(&a, &n);
					if (p != NULL && n > frame.len)
						abort();
					break;
				default:
					(void)sd_args_raw(&a, raw, sizeof raw);
				}
			}
		}
		sd_wire_msg_free(&m);
	}
	close(sv[1]);
	sd_buf_free(&frame);
	return 0;
}
