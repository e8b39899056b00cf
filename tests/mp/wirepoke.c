/*
 * wirepoke.c -- test helper: connect to a simdeskd socket, send stdin's
 * bytes as they are (a frame made by hand: malformed, oversized, cut
 * short), optionally hang without sending for SECONDS, then report
 * whether the server closed the connection: prints "closed" or "open".
 * usage: wirepoke SOCKET [SECONDS]
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
