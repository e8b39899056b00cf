/*
 * simtcp.c -- test helper: simulated modems on TCP ports, as a network GSM
 * gateway or ser2net would put them.  `simtcp PORT:K ...` serves the
 * simulator's modem K (its IMEI, SIMs and behaviour those of sim:K) on
 * 127.0.0.1:PORT, one client at a time.  Killing it is unplugging the
 * modems; starting it again with other ports is the same modems coming
 * back under other device names.  Prints "ready" once listening.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drivers/drivers_int.h"

#define MAXP 16

struct port {
	int	lfd, cfd, dfd;	/* listening, client, the modem's driver end */
	int	k;
};

static void
pump(int from, int to, int *closed)
{
	char buf[4096];
	ssize_t n = read(from, buf, sizeof buf);

	if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
		*closed = 1;
	else if (n > 0 && to >= 0 && write(to, buf, (size_t)n) < 0) {
		;	/* the client is going: its close comes next */
	}
}

int
main(int argc, char **argv)
{
	struct port p[MAXP];
	struct msim_bank *bank;
	int np = 0, nmodems = 0;

	for (int i = 1; i < argc && np < MAXP; i++) {
		int port, k;

		if (sscanf(argv[i], "%d:%d", &port, &k) != 2 || k < 0 || k > 63) {
			fprintf(stderr, "usage: simtcp PORT:MODEM ...\n");
			return 2;
		}
		p[np].k = k;
		p[np].cfd = -1;
		p[np].lfd = port;	/* the port for now */
		np++;
		if (k + 1 > nmodems)
			nmodems = k + 1;
	}
	if (np == 0 || (bank = msim_bank_new(nmodems, 1)) == NULL) {
		fprintf(stderr, "usage: simtcp PORT:MODEM ...\n");
		return 2;
	}
	for (int i = 0; i < np; i++) {
		struct sockaddr_in a;
		int one = 1, port = p[i].lfd;

		p[i].lfd = socket(AF_INET, SOCK_STREAM, 0);
		setsockopt(p[i].lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		memset(&a, 0, sizeof a);
		a.sin_family = AF_INET;
		a.sin_port = htons((unsigned short)port);
		a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (bind(p[i].lfd, (struct sockaddr *)&a, sizeof a) != 0 ||
		    listen(p[i].lfd, 1) != 0) {
			perror("simtcp: bind");
			return 1;
		}
		p[i].dfd = msim_fd(bank, p[i].k);
		fcntl(p[i].dfd, F_SETFL, fcntl(p[i].dfd, F_GETFL) | O_NONBLOCK);
	}
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		struct pollfd f[3 * MAXP + 64];
		int n = 0, sfd[64], ns = msim_pollfds(bank, sfd, 64);
		int64_t next = msim_next_event(bank), now = drv_now_ms();
		int timeout = next < 0 ? 100 : next <= now ? 0 :
		    (int)(next - now > 100 ? 100 : next - now);

		for (int i = 0; i < np; i++) {
			f[n++] = (struct pollfd){ p[i].lfd, POLLIN, 0 };
			f[n++] = (struct pollfd){ p[i].cfd, POLLIN, 0 };
			f[n++] = (struct pollfd){ p[i].dfd, POLLIN, 0 };
		}
		for (int i = 0; i < ns; i++)
			f[n++] = (struct pollfd){ sfd[i], POLLIN, 0 };
		poll(f, (nfds_t)n, timeout);
		for (int i = 0; i < np; i++) {
			int closed = 0;

			if (f[3 * i].revents & POLLIN) {
				int c = accept(p[i].lfd, NULL, NULL);

				if (p[i].cfd >= 0)
					close(c);	/* one client a port */
				else
					p[i].cfd = c;
			}
			if (p[i].cfd >= 0 && (f[3 * i + 1].revents & (POLLIN |
			    POLLHUP)))
				pump(p[i].cfd, p[i].dfd, &closed);
			if (closed) {
				close(p[i].cfd);
				p[i].cfd = -1;
			}
			if (f[3 * i + 2].revents & POLLIN) {
				char buf[4096];
				ssize_t r = read(p[i].dfd, buf, sizeof buf);

				if (r > 0 && p[i].cfd >= 0 &&
				    write(p[i].cfd, buf, (size_t)r) < 0) {
					;	/* as above */
				}
			}
		}
		msim_service(bank, drv_now_ms());
	}
}
