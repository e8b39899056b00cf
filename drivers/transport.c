/*
 * transport.c -- the byte pipes modems sit behind, one interface: a raw fd
 * ("fd:N": ptys and socketpairs, the simulator), TCP ("tcp:HOST:PORT":
 * ser2net, network GSM gateways) and serial ports through libserialport.
 * Every fd is non-blocking; the caller polls it.
 */
#include <sys/socket.h>
#include <sys/types.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libserialport.h>

#include "drivers/drivers_int.h"

int64_t
drv_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static int
tcp_open(const char *hostport, int *fd, struct sd_err *err)
{
	char host[256];
	const char *colon = strrchr(hostport, ':');
	struct addrinfo hints, *res, *ai;
	int s = -1, rc;

	if (colon == NULL || colon == hostport || colon[1] == '\0' ||
	    (size_t)(colon - hostport) >= sizeof host)
		return sd_err_set(err, SD_EINVAL, "modem tcp:%s: want "
		    "tcp:HOST:PORT", hostport);
	memcpy(host, hostport, (size_t)(colon - hostport));
	host[colon - hostport] = '\0';
	memset(&hints, 0, sizeof hints);
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, colon + 1, &hints, &res)) != 0)
		return sd_err_set(err, SD_EINVAL, "modem tcp:%s: %s", hostport,
		    gai_strerror(rc));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		s = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (s < 0)
			continue;
		if (connect(s, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(s);
		s = -1;
	}
	freeaddrinfo(res);
	if (s < 0)
		return sd_err_set(err, SD_EINVAL, "modem tcp:%s: %s", hostport,
		    strerror(errno));
	{
		int one = 1;

		setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	}
	*fd = s;
	return SD_OK;
}

static int
serial_open(const char *path, int baud, int flow, struct drv_transport *t,
    struct sd_err *err)
{
	struct sp_port *p;
	enum sp_return r;

	if ((r = sp_get_port_by_name(path, &p)) != SP_OK)
		return sd_err_set(err, SD_EINVAL, "modem %s: no such serial port",
		    path);
	if ((r = sp_open(p, SP_MODE_READ_WRITE)) != SP_OK) {
		char *m = sp_last_error_message();

		sd_err_set(err, SD_EINVAL, "modem %s: cannot open: %s", path,
		    r == SP_ERR_FAIL && m != NULL ? m : "not a serial port");
		sp_free_error_message(m);
		sp_free_port(p);
		return SD_EINVAL;
	}
	if (sp_set_baudrate(p, baud) != SP_OK || sp_set_bits(p, 8) != SP_OK ||
	    sp_set_parity(p, SP_PARITY_NONE) != SP_OK ||
	    sp_set_stopbits(p, 1) != SP_OK ||
	    sp_set_flowcontrol(p, flow ? SP_FLOWCONTROL_RTSCTS :
	    SP_FLOWCONTROL_NONE) != SP_OK ||
	    sp_get_port_handle(p, &t->fd) != SP_OK) {
		sp_close(p);
		sp_free_port(p);
		return sd_err_set(err, SD_EINVAL, "modem %s: cannot set %d 8N1",
		    path, baud);
	}
	t->port = p;
	return SD_OK;
}

int
drv_transport_open(const char *spec, int baud, int flow,
    struct drv_transport **out, struct sd_err *err)
{
	struct drv_transport *t = xcalloc(1, sizeof *t);
	int st = SD_OK;

	sd_strlcpy(t->spec, spec, sizeof t->spec);
	t->fd = -1;
	if (strncmp(spec, "fd:", 3) == 0) {
		char *end;
		long fd = strtol(spec + 3, &end, 10);

		t->kind = DRV_TR_FD;
		if (*end != '\0' || fd < 0 || fcntl((int)fd, F_GETFD) < 0)
			st = sd_err_set(err, SD_EINVAL, "modem %s: not an open "
			    "file descriptor", spec);
		t->fd = (int)fd;
	} else if (strncmp(spec, "tcp:", 4) == 0) {
		t->kind = DRV_TR_TCP;
		st = tcp_open(spec + 4, &t->fd, err);
	} else {
		t->kind = DRV_TR_SERIAL;
		st = serial_open(spec, baud > 0 ? baud : 115200, flow, t, err);
	}
	if (st == SD_OK && set_nonblock(t->fd) != 0)
		st = sd_err_set(err, SD_EINTERNAL, "modem %s: %s", spec,
		    strerror(errno));
	if (st != SD_OK) {
		if (t->kind == DRV_TR_TCP && t->fd >= 0)
			close(t->fd);
		free(t);
		return st;
	}
	*out = t;
	return SD_OK;
}

long
drv_transport_read(struct drv_transport *t, void *buf, size_t n)
{
	ssize_t r = read(t->fd, buf, n);

	if (r > 0)
		return (long)r;
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return 0;
	return -1;
}

int
drv_transport_write(struct drv_transport *t, const void *p, size_t n)
{
	const char *c = p;
	int spins = 0;

	while (n > 0) {
		/* On a socket, a vanished peer is an error, not a SIGPIPE. */
		ssize_t w = t->kind != DRV_TR_SERIAL ?
		    send(t->fd, c, n, MSG_NOSIGNAL) : write(t->fd, c, n);

		if (w < 0 && errno == ENOTSOCK)
			w = write(t->fd, c, n);

		if (w < 0 && (errno == EAGAIN || errno == EINTR) && spins++ < 200) {
			struct timespec ts = { 0, 1000000 };

			nanosleep(&ts, NULL);
			continue;
		}
		if (w <= 0)
			return -1;
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

void
drv_transport_close(struct drv_transport *t)
{
	if (t == NULL)
		return;
	if (t->kind == DRV_TR_SERIAL && t->port != NULL) {
		sp_close(t->port);
		sp_free_port(t->port);
	} else if (t->fd >= 0)
		close(t->fd);
	free(t);
}

int
drv_serial_list(char ***names, int *n, struct sd_err *err)
{
	struct sp_port **ports;
	int k = 0;

	*names = NULL;
	*n = 0;
	if (sp_list_ports(&ports) != SP_OK) {
		/* No sysfs (a container, a chroot): libserialport has nothing
		 * to enumerate, which is no ports rather than a fault. */
		if (access("/sys/class/tty", F_OK) != 0) {
			*names = xcalloc(1, sizeof **names);
			return SD_OK;
		}
		{
			char *why = sp_last_error_message();
			int st = sd_err_set(err, SD_EINTERNAL, "cannot list serial "
			    "ports: %s", why != NULL ? why : "?");

			sp_free_error_message(why);
			return st;
		}
	}
	while (ports[k] != NULL)
		k++;
	*names = xcalloc((size_t)k + 1, sizeof **names);
	for (int i = 0; i < k; i++)
		(*names)[i] = xstrdup(sp_get_port_name(ports[i]));
	*n = k;
	sp_free_port_list(ports);
	return SD_OK;
}

void
drv_serial_list_free(char **names, int n)
{
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
}
