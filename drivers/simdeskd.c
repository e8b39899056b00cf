/*
 * simdeskd.c -- the daemon: one per data directory (a lock file refuses a
 * second); drives the modems (--modems, else the config's) and the
 * receipt printers from one poll loop; runs failchk and checkpoints on
 * the shared environment; logs to syslog (or stderr with -f); stops
 * cleanly on SIGTERM.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "drivers.h"

static volatile sig_atomic_t stop;
static int foreground;
void	logmsg(int prio, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

void
logmsg(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (foreground) {
		fputs("simdeskd: ", stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	} else
		vsyslog(prio, fmt, ap);
	va_end(ap);
}

/* One queued receipt to its printer as ESC/POS. */
static int
print_receipt(const char *device, const char *text, struct sd_err *err)
{
	struct sd_buf bytes = SD_BUF_INIT;
	int st;

	if ((st = drv_escpos_receipt(text, &bytes, err)) == SD_OK)
		st = drv_escpos_write(device, &bytes, err);
	sd_buf_free(&bytes);
	return st;
}

static void
usage(void)
{
	fputs("usage: simdeskd [-f] [-D DATADIR] [-C CONFIG] "
	    "[--modems SPEC,...]\n"
	    "  SPEC: a serial device (/dev/ttyUSB0), tcp:HOST:PORT, or sim:N "
	    "(N simulated modems)\n", stderr);
	exit(SD_EUSAGE);
}

/* Hold an exclusive lock on DATADIR/simdeskd.pid for our lifetime. */
static int
single_instance(const char *dir, struct sd_err *err)
{
	struct sd_buf path = SD_BUF_INIT;
	struct flock fl;
	char pid[32];
	int fd, n;

	sd_buf_printf(&path, "%s/simdeskd.pid", dir);
	fd = open(path.p, O_RDWR | O_CREAT | O_CLOEXEC, 0660);
	if (fd < 0) {
		sd_err_set(err, SD_EINTERNAL, "%s: %s", path.p, strerror(errno));
		sd_buf_free(&path);
		return -1;
	}
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_SETLK, &fl) != 0) {
		n = (int)read(fd, pid, sizeof pid - 1);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		sd_err_set(err, SD_EREFUSED, "already running on %s (pid %s)",
		    dir, pid[0] ? pid : "?");
		close(fd);
		sd_buf_free(&path);
		return -1;
	}
	n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) != 0 || write(fd, pid, (size_t)n) != n)
		logmsg(LOG_WARNING, "cannot write %s", path.p);
	sd_buf_free(&path);
	return fd;
}

int
main(int argc, char **argv)
{
	struct sd_config cfg;
	struct sd_core *core = NULL;
	struct sd_err err;
	const char *conf = NULL, *datadir = NULL, *modems = NULL;
	static const struct option longopts[] = {
		{ "modems", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct drv_tel *tel = NULL;
	struct sigaction sa;
	time_t last_ckp, last_sweep, last_house;
	int c, lockfd;

	sd_process_sanitize();
	while ((c = getopt_long(argc, argv, "fD:C:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': foreground = 1; break;
		case 'D': datadir = optarg; break;
		case 'C': conf = optarg; break;
		case 'm': modems = optarg; break;
		case 'h':
			fputs("simdeskd drives modems, SIM banks and receipt "
			    "printers for simdesk; see simdeskd(8).\n", stdout);
			usage();
			break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	openlog("simdeskd", LOG_PID, LOG_DAEMON);
	if (sd_config_resolve(&cfg, conf, datadir, &err) != SD_OK) {
		fprintf(stderr, "simdeskd: %s\n", err.msg);
		return sd_status_exit(err.status);
	}
	/*
	 * Check before detaching so a second instance fails on the terminal,
	 * then take the lock and open the environment in the process that
	 * stays: fcntl locks and DB_REGISTER belong to a pid.
	 */
	if ((lockfd = single_instance(cfg.data_dir, &err)) < 0) {
		fprintf(stderr, "simdeskd: %s\n", err.msg);
		return sd_status_exit(err.status);
	}
	if (!foreground) {
		close(lockfd);
		if (daemon(1, 0) != 0) {
			fprintf(stderr, "simdeskd: daemon: %s\n", strerror(errno));
			return SD_EINTERNAL;
		}
		if ((lockfd = single_instance(cfg.data_dir, &err)) < 0) {
			logmsg(LOG_ERR, "%s", err.msg);
			return sd_status_exit(err.status);
		}
	}
	if (sd_core_open(&core, &cfg, 0, &err) != SD_OK) {
		logmsg(LOG_ERR, "%s", err.msg);
		return sd_status_exit(err.status);
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (drv_tel_open(core, modems, logmsg, &tel, &err) != SD_OK) {
		logmsg(LOG_ERR, "%s", err.msg);
		sd_core_close(core);
		return sd_status_exit(err.status);
	}
	logmsg(LOG_INFO, "started on %s", cfg.data_dir);
	last_ckp = time(NULL);
	last_sweep = 0;
	last_house = 0;
	while (!stop) {
		int ckp = time(NULL) - last_ckp >= cfg.checkpoint_seconds;
		int moved, printed, failed, np;
		struct pollfd pfd[160];
		int64_t now = drv_now_ms(), next;

		/* Modems first: poll wakes on their bytes, or at the next
		 * deadline, at most 100 ms for the queues and printers. */
		drv_tel_run(tel, now);
		np = drv_tel_pollfds(tel, pfd, 160);
		next = drv_tel_next(tel) - drv_now_ms();
		if (next > 100)
			next = 100;
		if (next < 0)
			next = 0;
		if (poll(pfd, (nfds_t)np, (int)next) < 0 && errno != EINTR)
			logmsg(LOG_ERR, "poll: %s", strerror(errno));
		if (sd_print_run(core, print_receipt, &printed, &failed,
		    &err) != SD_OK)
			logmsg(LOG_ERR, "printing: %s", err.msg);
		else if (printed + failed > 0)
			logmsg(failed ? LOG_ERR : LOG_INFO, "printed %d "
			    "receipt%s, %d failed (see audit print.failed)",
			    printed, printed == 1 ? "" : "s", failed);
		if (time(NULL) - last_house < cfg.failchk_seconds)
			continue;
		last_house = time(NULL);

		if (time(NULL) - last_sweep >= 3600) {
			if (drv_sweep(core, &moved, &err) != SD_OK)
				logmsg(LOG_ERR, "sweep: %s", err.msg);
			else if (moved > 0)
				logmsg(LOG_INFO, "%d customers returned to the "
				    "shared pool", moved);
			last_sweep = time(NULL);
		}

		if (drv_housekeeping(core, ckp, &err) != SD_OK)
			logmsg(LOG_ERR, "%s", err.msg);
		if (ckp)
			last_ckp = time(NULL);
	}
	logmsg(LOG_INFO, "stopping");
	drv_tel_close(tel);
	sd_core_close(core);
	close(lockfd);
	return 0;
}
