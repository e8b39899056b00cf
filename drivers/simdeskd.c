/*
 * simdeskd.c -- the server: one per data directory (a lock file refuses a
 * second).  It serves simdeskctl's requests on its socket (drivers/
 * server.c), drives the modems (--modems, else the config's) and the
 * receipt printers from one poll loop, and runs the timed jobs (the
 * scheduled backups in a thread of their own, so nobody waits on them);
 * logs at log_level and up to log_file when the configuration names one
 * (SIGHUP reopens it, for logrotate), else to syslog (journald), stderr
 * with -f, DATADIR/simdeskd.log when a client started it with --auto;
 * stops cleanly on SIGTERM.  On a data directory without a
 * database it serves only init, then exits so the next start opens it.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "drivers.h"
#include "tui/tui.h"

static volatile sig_atomic_t stop;
static volatile sig_atomic_t reopen;	/* SIGHUP: logrotate moved the log */
static int foreground;
static FILE *logfile;
static char logpath[SD_PATH_MAX + 32];	/* logfile's, for reopening */
static int loglevel = LOG_INFO;
static int journal;		/* stderr is the journal's: "<3>" prefixes */
static pthread_mutex_t loglock = PTHREAD_MUTEX_INITIALIZER;
void	logmsg(int prio, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

/* SIGUSR2 holds the modems' and printers' loop, or lets it go again:
 * for tests of work queued while it is away (requests are still served). */
static volatile sig_atomic_t held;

static void
on_signal(int sig)
{
	if (sig == SIGUSR2)
		held = !held;
	else if (sig == SIGHUP)
		reopen = 1;
	else
		stop = 1;
}

void
logmsg(int prio, const char *fmt, ...)
{
	va_list ap;

	/* Errors are counted for the admins' status, logged or not. */
	if (prio <= LOG_ERR)
		sd_status_error_note();
	if (prio > loglevel)
		return;
	va_start(ap, fmt);
	pthread_mutex_lock(&loglock);	/* logfile is swapped on SIGHUP */
	if (foreground || logfile != NULL) {
		FILE *f = logfile != NULL ? logfile : stderr;
		char when[32];
		time_t now = time(NULL);
		struct tm tm;

		if (logfile != NULL && strftime(when, sizeof when,
		    "%Y-%m-%d %H:%M:%S ", localtime_r(&now, &tm)) > 0)
			fputs(when, f);
		else if (logfile == NULL && journal)
			fprintf(f, "<%d>", prio);	/* sd-daemon(3) */
		fputs("simdeskd: ", f);
		fputs(prio <= LOG_ERR ? "error: " : prio == LOG_WARNING ?
		    "warning: " : prio >= LOG_DEBUG ? "debug: " : "", f);
		vfprintf(f, fmt, ap);
		fputc('\n', f);
		fflush(f);
	} else
		vsyslog(prio, fmt, ap);
	pthread_mutex_unlock(&loglock);
	va_end(ap);
}

/* Is standard error the journal's stream (systemd's JOURNAL_STREAM names
 * its device and inode; a redirected stderr is not)? */
static int
stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat sb;

	return js != NULL && sscanf(js, "%llu:%llu", &dev, &ino) == 2 &&
	    fstat(STDERR_FILENO, &sb) == 0 &&
	    (unsigned long long)sb.st_dev == dev &&
	    (unsigned long long)sb.st_ino == ino;
}

/* log_level's name as a syslog priority. */
static int
level_of(const char *name)
{
	return strcmp(name, "error") == 0 ? LOG_ERR :
	    strcmp(name, "warning") == 0 ? LOG_WARNING :
	    strcmp(name, "debug") == 0 ? LOG_DEBUG : LOG_INFO;
}

/*
 * (Re)open the log file: at the start, and on SIGHUP after logrotate
 * moved it away.  The old one stays in use if the new one cannot be
 * opened.
 */
static void
log_open(void)
{
	FILE *f, *old;
	int fd;

	if (logpath[0] == '\0')
		return;
	fd = open(logpath, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0 || (f = fdopen(fd, "a")) == NULL) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		logmsg(LOG_ERR, "log file %s: %s", logpath, strerror(e));
		return;
	}
	/* Closed under the lock: a thread that is logging holds it, so
	 * none writes to the old FILE once it is gone. */
	pthread_mutex_lock(&loglock);
	old = logfile;
	logfile = f;
	if (old != NULL)
		fclose(old);
	pthread_mutex_unlock(&loglock);
}

/* ---------------------------------------------------------------- backups */

/*
 * The scheduled backup runs in a thread of its own: the clients' threads
 * go on being served (the writers wait only for the moment its end is
 * fixed, as with simdeskctl backup create), and so do the modems.
 */
static pthread_t backup_thread;
static _Atomic int backup_busy;		/* 1 running, 2 done: join it */
static struct sd_core *backup_core;
static int backup_incr;

static void *
backup_main(void *arg)
{
	struct sd_backup_info b;
	struct sd_err err;
	sigset_t all;
	int st, vfy;
	const char *kind = backup_incr ? "incremental" : "full";

	(void)arg;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, NULL);
	logmsg(LOG_INFO, "scheduled backup starting");
	memset(&b, 0, sizeof b);
	st = sd_backup_scheduled(backup_core, backup_incr, &b, &vfy, &err);
	if (st == SD_OK)
		logmsg(LOG_INFO, "scheduled backup %s (%s): %d files, %lld "
		    "bytes, log %lu/%lu; %s", b.name, b.incrementals > 0 ?
		    "incremental" : "full", b.files, (long long)b.bytes,
		    (unsigned long)b.lsn_file, (unsigned long)b.lsn_offset,
		    vfy > 0 ? "verified" : "not verified (backup.verify is "
		    "false)");
	else if (vfy < 0)
		logmsg(LOG_ERR, "scheduled backup %s failed verification: %s",
		    b.name, err.msg);
	else
		logmsg(LOG_ERR, "scheduled backup (%s) failed: %s", kind,
		    err.msg);
	backup_busy = 2;
	return NULL;
}

/* Start the backup due now; -1 when the last one still runs. */
static int
backup_start(struct sd_core *core, int incremental)
{
	if (backup_busy == 1) {
		logmsg(LOG_WARNING, "scheduled backup put off a minute: the "
		    "last one is still running");
		return -1;
	}
	if (backup_busy == 2)
		pthread_join(backup_thread, NULL);
	backup_core = core;
	backup_incr = incremental;
	backup_busy = 1;
	if (pthread_create(&backup_thread, NULL, backup_main, NULL) != 0) {
		backup_busy = 0;
		logmsg(LOG_ERR, "scheduled backup: thread: %s", strerror(errno));
	}
	return 0;
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
	    "[--modems SPEC,...] [--auto]\n"
	    "  SPEC: a serial device (/dev/ttyUSB0), tcp:HOST:PORT, or sim:N "
	    "(N simulated modems)\n", stderr);
	exit(SD_EUSAGE);
}

/*
 * Hold an exclusive lock on DATADIR/simdeskd.pid for our lifetime; the
 * file says our pid and "auto" when a client started us.  A server started
 * by hand takes over from one a client started: it asks it to stop and
 * waits (up to 35 s) for the lock.
 */
/* Does the pid the file says hold its lock (F_GETLK names the holder)? */
static int
holder_wrote(int fd, const char *pid)
{
	struct flock q;
	long said;

	memset(&q, 0, sizeof q);
	q.l_type = F_WRLCK;
	q.l_whence = SEEK_SET;
	if (fcntl(fd, F_GETLK, &q) != 0 || q.l_type == F_UNLCK)
		return 1;	/* free again: the next try takes it */
	return sscanf(pid, "%ld", &said) == 1 && said == (long)q.l_pid;
}

static int
single_instance(const char *dir, int autostart, struct sd_err *err)
{
	struct sd_buf path = SD_BUF_INIT;
	struct flock fl;
	char pid[32];
	int fd, n;

	sd_buf_printf(&path, "%s/simdeskd.pid", dir);
	fd = open(path.p, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		sd_err_set(err, SD_EINTERNAL, "%s: %s", path.p, strerror(errno));
		sd_buf_free(&path);
		return -1;
	}
	memset(&fl, 0, sizeof fl);
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	for (int tries = 0; fcntl(fd, F_SETLK, &fl) != 0; tries++) {
		long other;

		n = (int)pread(fd, pid, sizeof pid - 1, 0);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		/*
		 * An empty file, or one still saying who held it before: its
		 * holder has just taken the lock and not yet said who it is
		 * (a client may be starting one right now).  Ask again in a
		 * moment, then decide.
		 */
		if (!autostart && tries < 20 && (pid[0] == '\0' ||
		    !holder_wrote(fd, pid))) {
			usleep(100000);
			continue;
		}
		if (!autostart && strstr(pid, " auto") != NULL && tries < 350 &&
		    sscanf(pid, "%ld", &other) == 1 && other > 1) {
			/* Asked each second: a client may have started
			 * another in the meantime. */
			if (tries % 10 == 0)
				kill((pid_t)other, SIGTERM);
			usleep(100000);
			continue;
		}
		pid[strcspn(pid, " ")] = '\0';
		sd_err_set(err, SD_EREFUSED, "already running on %s (pid %s)",
		    dir, pid[0] ? pid : "?");
		close(fd);
		sd_buf_free(&path);
		return -1;
	}
	n = snprintf(pid, sizeof pid, "%ld%s\n", (long)getpid(),
	    autostart ? " auto" : "");
	if (ftruncate(fd, 0) != 0 || write(fd, pid, (size_t)n) != n)
		logmsg(LOG_WARNING, "cannot write %s", path.p);
	sd_buf_free(&path);
	return fd;
}

/*
 * Warn of a filling disk before writes start failing: when free space
 * falls below free_space_warn_mb, then every hour while it stays low, and
 * once when it is back (admins' TUIs show it too: sd_disk_get).
 */
static void
disk_check(struct sd_core *core)
{
	static time_t warned;
	struct sd_disk d;
	struct sd_err err;

	if (sd_disk_status(core, &d, &err) != SD_OK)
		return;
	if (d.low && (warned == 0 || time(NULL) - warned >= 3600)) {
		logmsg(LOG_WARNING, "only %lld MB free on the data directory's "
		    "filesystem (free_space_warn_mb %lld): writes fail when it "
		    "is full", (long long)d.free_mb, (long long)d.warn_mb);
		warned = time(NULL);
	} else if (!d.low && warned != 0) {
		logmsg(LOG_INFO, "%lld MB free on the data directory's "
		    "filesystem again", (long long)d.free_mb);
		warned = 0;
	}
}

/* The data directory was removed or replaced under us (a test's). */
static int
gone(const char *dir, const struct stat *was)
{
	struct stat now;

	return stat(dir, &now) != 0 || now.st_ino != was->st_ino ||
	    now.st_dev != was->st_dev;
}

/*
 * No database yet: serve init alone, then go on with the database it made
 * (*core).  A server nobody inits goes away after ten idle minutes.
 */
static int
serve_init(const struct sd_config *cfg, struct drv_server **srv,
    struct sd_core **core)
{
	struct sd_err err;
	time_t started = time(NULL);

	if (drv_server_open(NULL, cfg, logmsg, srv, &err) != SD_OK) {
		logmsg(LOG_ERR, "%s", err.msg);
		return sd_status_exit(err.status);
	}
	logmsg(LOG_INFO, "waiting for init on %s", cfg->data_dir);
	while (!stop && (*core = drv_server_core(*srv)) == NULL &&
	    (drv_server_clients(*srv) > 0 || time(NULL) - started < 600))
		usleep(20000);
	if (*core == NULL) {
		drv_server_close(*srv);
		logmsg(LOG_INFO, "stopping: no init");
		return 0;
	}
	logmsg(LOG_INFO, "initialized %s", cfg->data_dir);
	return -1;
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
		{ "auto", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct drv_tel *tel = NULL;
	struct drv_server *srv = NULL;
	struct sigaction sa;
	struct stat home;
	time_t last_ckp, last_sweep, last_house;
	int64_t backup_next;
	time_t print_retry = 0;	/* printing failed: when to try again */
	int c, lockfd, autostart = 0, next_incr;

	sd_process_sanitize();
	umask(077);		/* the data directory is ours alone */
	while ((c = getopt_long(argc, argv, "fD:C:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': foreground = 1; break;
		case 'D': datadir = optarg; break;
		case 'C': conf = optarg; break;
		case 'm': modems = optarg; break;
		case 'a': autostart = 1; break;
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
	 * stays: fcntl locks belong to a pid.
	 */
	if ((lockfd = single_instance(cfg.data_dir, autostart, &err)) < 0) {
		/* Started by a client while another serves: nothing to say. */
		if (autostart && err.status == SD_EREFUSED)
			return 0;
		fprintf(stderr, "simdeskd: %s\n", err.msg);
		return sd_status_exit(err.status);
	}
	if (!foreground) {
		close(lockfd);
		if (daemon(1, 0) != 0) {
			fprintf(stderr, "simdeskd: daemon: %s\n", strerror(errno));
			return SD_EINTERNAL;
		}
		if ((lockfd = single_instance(cfg.data_dir, autostart, &err)) < 0) {
			logmsg(LOG_ERR, "%s", err.msg);
			return sd_status_exit(err.status);
		}
	}
	loglevel = level_of(cfg.log_level);
	/* Under systemd (-f): each line's priority for the journal. */
	journal = stderr_is_journal();
	setlogmask(LOG_UPTO(loglevel));
	if (cfg.log_file[0] != '\0')
		sd_strlcpy(logpath, cfg.log_file, sizeof logpath);
	else if (autostart && !foreground)
		snprintf(logpath, sizeof logpath, "%s/simdeskd.log",
		    cfg.data_dir);
	log_open();
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	if (stat(cfg.data_dir, &home) != 0) {
		logmsg(LOG_ERR, "%s: %s", cfg.data_dir, strerror(errno));
		return SD_EINTERNAL;
	}
	if (!sd_db_exists(cfg.data_dir) &&
	    (c = serve_init(&cfg, &srv, &core)) >= 0)
		return c;
	if (core == NULL && sd_core_open(&core, &cfg, 0, &err) != SD_OK) {
		logmsg(LOG_ERR, "%s", err.msg);
		return sd_status_exit(err.status);
	}
	/*
	 * A server a client started serves the data alone: the modems and
	 * printers are driven by a simdeskd started on purpose (by hand or
	 * systemd), which takes over from it.
	 */
	if (!autostart && drv_tel_open(core, modems, logmsg, &tel, &err) !=
	    SD_OK) {
		logmsg(LOG_ERR, "%s", err.msg);
		sd_core_close(core);
		return sd_status_exit(err.status);
	}
	if (srv == NULL && drv_server_open(core, &cfg, logmsg, &srv, &err) !=
	    SD_OK) {
		logmsg(LOG_ERR, "%s", err.msg);
		if (tel != NULL)
			drv_tel_close(tel);
		sd_core_close(core);
		return sd_status_exit(err.status);
	}
	logmsg(LOG_INFO, "started on %s", cfg.data_dir);
	sd_status_server_set(sd_now(), ctl_serve_clients);
	if ((backup_next = sd_backup_next(&cfg, sd_now(), &next_incr)) != 0) {
		char when[32];

		sd_time_format(backup_next, when, sizeof when);
		logmsg(LOG_INFO, "next scheduled backup (%s): %s", next_incr ?
		    "incremental" : "full", when);
	}
	sd_status_backup_set(backup_next, next_incr, 0);
	last_ckp = time(NULL);
	last_sweep = 0;
	last_house = 0;
	while (!stop) {
		int ckp = time(NULL) - last_ckp >= cfg.checkpoint_seconds;
		int moved, printed, failed, np;
		struct pollfd pfd[160];
		int64_t now = drv_now_ms(), next;

		/* Modems first: poll wakes on their bytes, a job or receipt
		 * queued (drv_tel's eventfd), or at the next deadline; at
		 * least once a second for the timed jobs below. */
		np = 0;
		next = 1000;	/* data alone: only the timed jobs */
		if (held) {
			usleep(100000);
			continue;
		}
		if (tel != NULL) {
			drv_tel_run(tel, now);
			np = drv_tel_pollfds(tel, pfd, 160);
			next = drv_tel_next(tel) - drv_now_ms();
		}
		if (next > 1000)
			next = 1000;
		if (next < 0)
			next = 0;
		if (poll(pfd, (nfds_t)np, (int)next) < 0 && errno != EINTR)
			logmsg(LOG_ERR, "poll: %s", strerror(errno));
		if (reopen) {
			reopen = 0;
			log_open();
			logmsg(LOG_INFO, "log reopened");
		}
		if (tel == NULL || (!drv_tel_print_due(tel) &&
		    (print_retry == 0 || time(NULL) < print_retry)))
			;	/* no printers, or nothing queued for them */
		else if (sd_print_run(core, print_receipt, &printed, &failed,
		    &err) != SD_OK) {
			/* Receipts still queued: tried again in a while,
			 * not only when the next one is queued. */
			logmsg(LOG_ERR, "printing: %s", err.msg);
			print_retry = time(NULL) + 5;
		} else {
			print_retry = 0;
			if (printed + failed > 0)
				logmsg(failed ? LOG_ERR : LOG_INFO, "printed "
				    "%d receipt%s, %d failed (see audit "
				    "print.failed)", printed, printed == 1 ?
				    "" : "s", failed);
		}
		if (time(NULL) - last_house < cfg.failchk_seconds)
			continue;
		last_house = time(NULL);
		if (gone(cfg.data_dir, &home)) {
			logmsg(LOG_ERR, "%s is gone; stopping", cfg.data_dir);
			break;
		}

		if (time(NULL) - last_sweep >= 3600) {
			if (drv_sweep(core, &moved, &err) != SD_OK)
				logmsg(LOG_ERR, "sweep: %s", err.msg);
			else if (moved > 0)
				logmsg(LOG_INFO, "%d customers returned to the "
				    "shared pool", moved);
			last_sweep = time(NULL);
		}

		if (backup_next != 0 && sd_now() >= backup_next) {
			/* One still running: this one is due again in a
			 * minute, not dropped until its next time. */
			if (backup_start(core, next_incr) != 0)
				backup_next = sd_now() + 60;
			else
				backup_next = sd_backup_next(&cfg, sd_now(),
				    &next_incr);
		}
		sd_status_backup_set(backup_next, next_incr, backup_busy == 1);
		if (drv_housekeeping(core, ckp, &err) != SD_OK)
			logmsg(LOG_ERR, "%s", err.msg);
		if (ckp)
			last_ckp = time(NULL);
		disk_check(core);
	}
	logmsg(LOG_INFO, "stopping");
	if (backup_busy != 0) {
		if (backup_busy == 1)
			logmsg(LOG_INFO, "waiting for the scheduled backup to "
			    "end");
		pthread_join(backup_thread, NULL);
	}
	drv_server_close(srv);
	if (tel != NULL)
		drv_tel_close(tel);
	sd_core_close(core);
	close(lockfd);
	return 0;
}
