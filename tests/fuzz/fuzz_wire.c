/*
 * fuzz_wire.c -- libFuzzer target: bytes a client sends simdeskd.  They go
 * through a real socket into the server's frame reader and decoder, frame
 * after frame; whatever comes, each call ends in a message or an error,
 * and a decoded message's fields stay inside what was read; a CALL's
 * positional arguments (core/rpc/rpc.c) read whatever they hold without
 * reading past it.
 */
#include <sys/socket.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
