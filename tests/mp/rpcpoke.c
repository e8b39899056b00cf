/*
 * rpcpoke.c -- test helper: speak to simdeskd as a TUI of its build would,
 * but send a CALL whose string arguments are all NULL (SD_W_ANULL): a
 * hostile client's frame.  Prints the RESULT's status and text, or
 * "closed" when the server closed the connection.  It signs in as the
 * peer first (where this Unix user is bound to an app user).
 * usage: rpcpoke SOCKET OP-NAME NARGS (OP-NAME as in SD_RPC_OPS)
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"

static int
roundtrip(int fd, struct sd_buf *b, struct sd_wire_msg *m)
{
	struct sd_buf frame = SD_BUF_INIT;
	struct sd_err err;
	int st;

	sd_wire_finish(b);
	if (sd_wire_send(fd, b, NULL, 0, &err) != SD_OK)
		return -1;
	do
		st = sd_wire_recv_msg(fd, &frame, SD_WIRE_MAX, m, NULL, NULL,
		    0, &err);
	while (st == SD_OK && (m->type == SD_MSG_BUSY ||
	    m->type == SD_MSG_ROWS) && (sd_wire_msg_free(m), 1));
	sd_buf_free(&frame);
	return st == SD_OK ? 0 : -1;
}

#define OP_NAME(n) #n,
static const char *const ops[] = { SD_RPC_OPS(OP_NAME) };

int
main(int argc, char **argv)
{
	struct sockaddr_un sun;
	struct sd_buf b = SD_BUF_INIT;
	struct sd_wire_msg m;
	int fd, op = -1;

	if (argc != 4) {
		fputs("usage: rpcpoke SOCKET OP-NAME NARGS\n", stderr);
		return 2;
	}
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", argv[1]);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof sun) != 0) {
		perror(argv[1]);
		return 2;
	}
	sd_wire_begin(&b, SD_MSG_HELLO);
	sd_rec_int(&b, SD_W_VERSION, SD_WIRE_VERSION);
	sd_rec_str(&b, SD_W_KIND, "tui");
	sd_rec_str(&b, SD_W_BUILD, sd_rpc_build());
	if (roundtrip(fd, &b, &m) != 0 || m.type != SD_MSG_WELCOME) {
		puts("refused");
		return 1;
	}
	sd_wire_msg_free(&m);
	/* Signed in as the peer first, where this Unix user is bound. */
	sd_wire_begin(&b, SD_MSG_CALL);
	sd_rec_str(&b, SD_W_ID, "peer");
	sd_rec_int(&b, SD_W_OP, SD_RPC_SESSION_PEER);
	if (roundtrip(fd, &b, &m) != 0) {
		puts("closed");
		return 1;
	}
	sd_wire_msg_free(&m);
	sd_wire_begin(&b, SD_MSG_CALL);
	sd_rec_str(&b, SD_W_ID, "poke");
	for (int i = 0; i < SD_RPC__COUNT; i++)
		if (strcmp(ops[i], argv[2]) == 0)
			op = i;
	sd_rec_int(&b, SD_W_OP, op);
	for (int i = 0; i < atoi(argv[3]); i++)
		sd_arg_str(&b, NULL);
	if (roundtrip(fd, &b, &m) != 0) {
		puts("closed");
		return 1;
	}
	printf("%lld %s\n", (long long)sd_wire_int(&m, SD_W_EXIT, -1),
	    sd_wire_str(&m, SD_W_TEXT) ? sd_wire_str(&m, SD_W_TEXT) : "");
	sd_wire_msg_free(&m);
	sd_buf_free(&b);
	return 0;
}
