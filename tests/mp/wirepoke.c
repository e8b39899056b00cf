/*
 * wirepoke.c -- test helper: connect to a simdeskd socket, send stdin's
 * bytes as they are (a frame made by hand: malformed, oversized, cut
 * short), optionally hang without sending for SECONDS, then report
 * whether the server closed the connection: prints "closed" or "open".
 * usage: wirepoke SOCKET [SECONDS]
 *
 * With --request, speak as simdeskctl does instead: hello, then one
 * REQUEST of ARGs with standard input passed as the file PATH names
 * (its descriptor, as the client passes it), printing a line for each
 * frame until DONE: "out", "err", "busy", "done EXIT".
 * usage: wirepoke SOCKET --request PATH ARG...
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/core.h"

static int
request(int fd, const char *path, int argc, char **argv)
{
	struct sd_buf b = SD_BUF_INIT, in = SD_BUF_INIT;
	struct sd_wire_msg m;
	struct sd_err err;
	int file = STDIN_FILENO;

	sd_wire_begin(&b, SD_MSG_HELLO);
	sd_rec_int(&b, SD_W_VERSION, SD_WIRE_VERSION);
	sd_wire_finish(&b);
	if (sd_wire_send(fd, &b, NULL, 0, &err) != SD_OK ||
	    sd_wire_recv_msg(fd, &in, SD_WIRE_MAX, &m, NULL, NULL, 0, &err) !=
	    SD_OK || m.type != SD_MSG_WELCOME) {
		puts("no welcome");
		return 1;
	}
	sd_wire_msg_free(&m);
	sd_wire_begin(&b, SD_MSG_REQUEST);
	sd_rec_str(&b, SD_W_ID, "");
	for (int i = 0; i < argc; i++)
		sd_rec_bytes(&b, SD_W_ARG, argv[i], strlen(argv[i]));
	sd_buf_reset(&in);
	sd_buf_printf(&in, "r:%s", path);
	sd_rec_bytes(&b, SD_W_FILE, in.p, in.len);
	sd_wire_finish(&b);
	if (sd_wire_send(fd, &b, &file, 1, &err) != SD_OK) {
		printf("send: %s\n", err.msg);
		return 1;
	}
	for (;;) {
		if (sd_wire_recv_msg(fd, &in, SD_WIRE_MAX, &m, NULL, NULL, 0,
		    &err) != SD_OK) {
			puts("closed");
			return 1;
		}
		switch (m.type) {
		case SD_MSG_OUT:  puts("out"); break;
		case SD_MSG_ERR:  puts("err"); break;
		case SD_MSG_BUSY: puts("busy"); break;
		case SD_MSG_DONE:
			printf("done %d\n", (int)sd_wire_int(&m, SD_W_EXIT, -1));
			sd_wire_msg_free(&m);
			return 0;
		default: printf("frame %d\n", m.type); break;
		}
		fflush(stdout);
		sd_wire_msg_free(&m);
	}
}

int
main(int argc, char **argv)
{
	struct sockaddr_un sun;
	char buf[65536];
	ssize_t n;
	int fd, wait = argc > 2 ? atoi(argv[2]) : 5;
	struct pollfd p;

	if (argc < 2) {
		fputs("usage: wirepoke SOCKET [SECONDS]\n", stderr);
		return 2;
	}
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", argv[1]);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof sun) != 0) {
		perror(argv[1]);
		return 1;
	}
	if (argc > 3 && strcmp(argv[2], "--request") == 0)
		return request(fd, argv[3], argc - 4, argv + 4);
	while ((n = read(STDIN_FILENO, buf, sizeof buf)) > 0)
		if (send(fd, buf, (size_t)n, MSG_NOSIGNAL) != n)
			break;
	/* Whatever the server answers, read to its close or the deadline. */
	p.fd = fd;
	p.events = POLLIN;
	for (;;) {
		if (poll(&p, 1, wait * 1000) <= 0) {
			puts("open");
			return 0;
		}
		if ((n = read(fd, buf, sizeof buf)) <= 0) {
			puts("closed");
			return 0;
		}
	}
}
