/*
 * test_db.c -- the storage layer on a real environment in a temp
 * directory: secondary indexes (unique and multi-key) kept by associate,
 * cursors, sequences, the deadlock-retry wrapper, aborts leaving nothing,
 * and data surviving a reopen.
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "db/db.h"

/* A test table: key = be64 id; record tag 1 = name, tag 2.. = phones. */
static int
by_name(const void *pk, size_t pkl, const void *rec, size_t len,
    struct sd_keys *out)
{
	struct sd_rec_reader r;

	(void)pk; (void)pkl;
	if (sd_rec_open(&r, rec, len) != SD_OK)
		return -1;
	while (sd_rec_next(&r) == 1)
		if (r.tag == 1)
			sd_keys_add(out, r.bytes, r.blen);
	return 0;
}

static int
by_phone(const void *pk, size_t pkl, const void *rec, size_t len,
    struct sd_keys *out)
{
	struct sd_rec_reader r;

	(void)pk; (void)pkl;
	if (sd_rec_open(&r, rec, len) != SD_OK)
		return -1;
	while (sd_rec_next(&r) == 1)
		if (r.tag == 2)
			sd_keys_add(out, r.bytes, r.blen);
	return 0;
}

static const struct sd_table_def schema[] = {
	{ "person", 2, { { "name", 1, by_name }, { "phone", 0, by_phone } } },
};

struct fx {
	char		 dir[64];
	struct sd_db	*db;
};

static int
open_db(struct fx *f, int create)
{
	struct sd_db_opts o;
	struct sd_err e;

	memset(&o, 0, sizeof o);
	o.home = f->dir;
	o.create = create;
	o.cache_mb = 8;
	int st = sd_db_open(&f->db, &o, schema, 1, &e);
	if (st != SD_OK)
		print_error("open: %s\n", e.msg);
	return st;
}

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);

	snprintf(f->dir, sizeof f->dir, "/tmp/sdtest-db.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	rmdir(f->dir);		/* sd_db_open creates it */
	if (open_db(f, 1) != SD_OK)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	sd_db_close(f->db);
	snprintf(cmd, sizeof cmd, "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

struct put_arg {
	uint64_t	 id;
	const char	*name;
	const char	*phones[3];
	int		 fail_after;	/* return an error after writing */
	int		 calls;
	int		 deadlocks;	/* pretend this many deadlocks first */
};

static int
put_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct put_arg *a = arg;
	struct sd_buf b = SD_BUF_INIT;
	uint8_t key[8];
	int st;

	a->calls++;
	sd_rec_begin(&b);
	sd_rec_str(&b, 1, a->name);
	for (int i = 0; i < 3 && a->phones[i]; i++)
		sd_rec_str(&b, 2, a->phones[i]);
	sd_be64_put(key, a->id);
	st = sd_put(t, 0, key, 8, b.p, b.len, 0, err);
	sd_buf_free(&b);
	if (st != SD_OK)
		return st;
	if (a->deadlocks > 0) {
		a->deadlocks--;
		return SD_ERETRY;
	}
	if (a->fail_after)
		return sd_err_set(err, SD_EINVAL, "made to fail");
	return SD_OK;
}

static int
put(struct fx *f, uint64_t id, const char *name, const char *p1,
    const char *p2, struct sd_err *e)
{
	struct put_arg a = { id, name, { p1, p2, NULL }, 0, 0, 0 };

	return sd_db_run(f->db, put_txn, &a, e);
}

struct find_arg {
	int		 index;
	const char	*key;
	uint64_t	 id;
	uint64_t	 count;
};

static int
find_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct find_arg *a = arg;
	struct sd_buf pk = SD_BUF_INIT;
	int st;

	st = sd_get_by(t, 0, a->index, a->key, strlen(a->key), &pk, NULL, 0,
	    err);
	if (st == SD_OK)
		a->id = sd_be64_get((const uint8_t *)pk.p);
	sd_buf_free(&pk);
	if (st == SD_OK)
		st = sd_count(t, 0, a->index, &a->count, err);
	return st;
}

static int
find(struct fx *f, int index, const char *key, uint64_t *id)
{
	struct find_arg a = { index, key, 0, 0 };
	struct sd_err e;
	int st = sd_db_read(f->db, find_txn, &a, &e);

	*id = a.id;
	return st;
}

static void
secondary_indexes(void **state)
{
	struct fx *f = *state;
	struct sd_err e;
	uint64_t id;

	assert_int_equal(put(f, 1, "wang", "138", "139", &e), SD_OK);
	assert_int_equal(put(f, 2, "li", "137", NULL, &e), SD_OK);
	assert_int_equal(find(f, 0, "wang", &id), SD_OK);
	assert_int_equal(id, 1);
	assert_int_equal(find(f, 1, "139", &id), SD_OK);	/* 2nd phone */
	assert_int_equal(id, 1);
	assert_int_equal(find(f, 1, "137", &id), SD_OK);
	assert_int_equal(id, 2);
	/* A unique index refuses a duplicate; nothing is written. */
	assert_int_equal(put(f, 3, "wang", "100", NULL, &e), SD_EEXIST);
	assert_int_equal(find(f, 1, "100", &id), SD_ENOTFOUND);
	/* Updating a record moves its index entries. */
	assert_int_equal(put(f, 1, "wang", "150", NULL, &e), SD_OK);
	assert_int_equal(find(f, 1, "138", &id), SD_ENOTFOUND);
	assert_int_equal(find(f, 1, "150", &id), SD_OK);
	assert_int_equal(id, 1);
}

static void
abort_leaves_nothing(void **state)
{
	struct fx *f = *state;
	struct put_arg a = { 7, "zhao", { "188", NULL, NULL }, 1, 0, 0 };
	struct sd_err e;
	uint64_t id;

	assert_int_equal(sd_db_run(f->db, put_txn, &a, &e), SD_EINVAL);
	assert_string_equal(e.msg, "made to fail");
	assert_int_equal(find(f, 0, "zhao", &id), SD_ENOTFOUND);
	assert_int_equal(find(f, 1, "188", &id), SD_ENOTFOUND);
}

static void
retry_wrapper(void **state)
{
	struct fx *f = *state;
	struct put_arg a = { 8, "qian", { NULL }, 0, 0, 3 };
	unsigned long before = sd_db_retries();
	struct sd_err e;
	uint64_t id;

	assert_int_equal(sd_db_run(f->db, put_txn, &a, &e), SD_OK);
	assert_int_equal(a.calls, 4);
	assert_int_equal(sd_db_retries() - before, 3);
	assert_int_equal(find(f, 0, "qian", &id), SD_OK);
	assert_int_equal(id, 8);
}

static void
sequences(void **state)
{
	struct fx *f = *state;
	struct sd_err e;
	uint64_t a, b, c;

	assert_int_equal(sd_seq_next(f->db, "x", &a, &e), SD_OK);
	assert_int_equal(sd_seq_next(f->db, "x", &b, &e), SD_OK);
	assert_int_equal(sd_seq_next(f->db, "y", &c, &e), SD_OK);
	assert_int_equal(a, 1);
	assert_int_equal(b, 2);
	assert_int_equal(c, 1);
	/* Sequences survive a reopen. */
	sd_db_close(f->db);
	assert_int_equal(open_db(f, 0), SD_OK);
	assert_int_equal(sd_seq_next(f->db, "x", &a, &e), SD_OK);
	assert_int_equal(a, 3);
}

struct walk_arg {
	char	seen[256];
};

static int
walk_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct walk_arg *a = arg;
	struct sd_cursor *c;
	size_t n;
	int st;

	a->seen[0] = '\0';
	if ((st = sd_cursor_open(t, 0, 0, &c, err)) != SD_OK)
		return st;
	/* From "l" forward, then one step back from the end. */
	for (st = sd_cursor_seek(c, SD_SEEK_GE, "l", 1, err); st == SD_OK;
	    st = sd_cursor_step(c, 1, err)) {
		const char *k = sd_cursor_key(c, &n);

		strncat(a->seen, k, n);
		strcat(a->seen, ",");
	}
	assert_int_equal(st, SD_ENOTFOUND);
	assert_int_equal(sd_cursor_seek(c, SD_SEEK_LAST, NULL, 0, err), SD_OK);
	assert_int_equal(sd_cursor_step(c, -1, err), SD_OK);
	{
		const char *k = sd_cursor_key(c, &n);

		strncat(a->seen, k, n);
	}
	sd_cursor_pkey(c, &n);
	assert_int_equal(n, 8);
	sd_cursor_close(c);
	return SD_OK;
}

static void
cursors(void **state)
{
	struct fx *f = *state;
	struct walk_arg a;
	struct sd_err e;

	assert_int_equal(put(f, 1, "ma", NULL, NULL, &e), SD_OK);
	assert_int_equal(put(f, 2, "li", NULL, NULL, &e), SD_OK);
	assert_int_equal(put(f, 3, "zhou", NULL, NULL, &e), SD_OK);
	assert_int_equal(put(f, 4, "an", NULL, NULL, &e), SD_OK);
	assert_int_equal(sd_db_read(f->db, walk_txn, &a, &e), SD_OK);
	assert_string_equal(a.seen, "li,ma,zhou,ma");
}

static void
open_errors(void **state)
{
	struct sd_db_opts o;
	struct sd_db *db;
	struct sd_err e;

	(void)state;
	memset(&o, 0, sizeof o);
	o.home = "/nonexistent/simdesk";
	assert_int_equal(sd_db_open(&db, &o, schema, 1, &e), SD_EINTERNAL);
	assert_non_null(strstr(e.msg, "/nonexistent/simdesk"));
	o.home = "/tmp";
	assert_int_equal(sd_db_open(&db, &o, schema, 1, &e), SD_EINTERNAL);
	assert_non_null(strstr(e.msg, "no simdesk database"));
}

/* The environment is one opener's alone, even within one process, until
 * that opener closes it. */
static void
one_owner(void **state)
{
	struct fx *f = *state;
	struct sd_db *first = f->db;

	f->db = NULL;
	assert_int_equal(open_db(f, 0), SD_EREFUSED);
	assert_null(f->db);
	sd_db_close(first);
	assert_int_equal(open_db(f, 0), SD_OK);
	assert_non_null(f->db);
}

/* ---------------------------------------------------------------- backup */

static int
count_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	return sd_count(t, 0, -1, arg, err);
}

static uint64_t
rows(struct sd_db *db)
{
	uint64_t n = 0;
	struct sd_err e;

	assert_int_equal(sd_db_read(db, count_txn, &n, &e), SD_OK);
	return n;
}

static void
sh(const char *fmt, const char *a, const char *b)
{
	char cmd[256];

	snprintf(cmd, sizeof cmd, fmt, a, b);
	assert_int_equal(system(cmd), 0);
}

/*
 * The restore drill on one process: a full backup, more writes, an
 * incremental one, writes that no backup has; the data directory is then
 * destroyed.  Restored to the end, the backups hold exactly what was
 * committed before the last of them; restored to a time between, exactly
 * what was committed by then.  And both indexes agree with their rows.
 */
static void
backup_restore(void **state)
{
	struct fx *f = *state;
	struct sd_db_opts o;
	struct sd_backup_point pt;
	struct sd_err e;
	char bak[80], r1[80], r2[80], name[16];
	struct fx g;
	time_t mid;
	uint64_t id;

	/* Incremental backups need the logs the default environment drops. */
	snprintf(bak, sizeof bak, "%.60s.bak", f->dir);
	assert_int_equal(sd_db_backup(f->db, bak, 1, &pt, &e), SD_EINVAL);
	sd_db_close(f->db);
	f->db = NULL;
	memset(&o, 0, sizeof o);
	o.home = f->dir;
	o.cache_mb = 8;
	o.keep_logs = 1;
	assert_int_equal(sd_db_open(&f->db, &o, schema, 1, &e), SD_OK);

	for (id = 1; id <= 50; id++) {
		snprintf(name, sizeof name, "n%llu", (unsigned long long)id);
		assert_int_equal(put(f, id, name, NULL, NULL, &e), SD_OK);
	}
	assert_int_equal(sd_db_backup(f->db, bak, 0, &pt, &e), SD_OK);
	assert_true(pt.file >= 1);
	/* A full backup never overwrites one. */
	assert_int_equal(sd_db_backup(f->db, bak, 0, &pt, &e), SD_EEXIST);
	for (; id <= 100; id++) {
		snprintf(name, sizeof name, "n%llu", (unsigned long long)id);
		assert_int_equal(put(f, id, name, NULL, NULL, &e), SD_OK);
	}
	sleep(2);
	mid = time(NULL);
	sleep(2);
	for (; id <= 150; id++) {
		snprintf(name, sizeof name, "n%llu", (unsigned long long)id);
		assert_int_equal(put(f, id, name, NULL, NULL, &e), SD_OK);
	}
	assert_int_equal(sd_db_backup(f->db, bak, 1, &pt, &e), SD_OK);
	for (; id <= 200; id++) {
		snprintf(name, sizeof name, "n%llu", (unsigned long long)id);
		assert_int_equal(put(f, id, name, NULL, NULL, &e), SD_OK);
	}
	sd_db_close(f->db);
	f->db = NULL;
	sh("rm -rf %s%s", f->dir, "");

	snprintf(r1, sizeof r1, "%.60s.r1", f->dir);
	snprintf(r2, sizeof r2, "%.60s.r2", f->dir);
	sh("cp -r %s %s", bak, r1);
	sh("cp -r %s %s", bak, r2);
	assert_int_equal(sd_db_restore(r1, NULL, 0, &pt, &e), SD_OK);
	assert_int_equal(sd_db_restore(r2, NULL, (int64_t)mid, &pt, &e), SD_OK);

	memset(&g, 0, sizeof g);
	snprintf(g.dir, sizeof g.dir, "%.63s", r1);
	assert_int_equal(open_db(&g, 0), SD_OK);
	assert_int_equal(rows(g.db), 150);
	f->db = g.db;
	assert_int_equal(find(f, 0, "n150", &id), SD_OK);
	assert_int_equal(id, 150);
	assert_int_equal(find(f, 0, "n151", &id), SD_ENOTFOUND);
	sd_db_close(g.db);

	snprintf(g.dir, sizeof g.dir, "%.63s", r2);
	assert_int_equal(open_db(&g, 0), SD_OK);
	assert_int_equal(rows(g.db), 100);
	f->db = g.db;
	assert_int_equal(find(f, 0, "n100", &id), SD_OK);
	assert_int_equal(find(f, 0, "n101", &id), SD_ENOTFOUND);
	sd_db_close(g.db);
	f->db = NULL;
	sh("rm -rf %s.bak %s.r1", f->dir, f->dir);
	sh("rm -rf %s.r2 %s", f->dir, f->dir);
	/* teardown closes f->db and removes f->dir: give it one again. */
	assert_int_equal(open_db(f, 1), SD_OK);
}

/* A writer that puts rows until told to stop. */
struct writer {
	struct fx	*f;
	_Atomic int	 stop;
	uint64_t	 next;		/* the next id */
	int		 failed;
};

static void *
writer_main(void *arg)
{
	struct writer *w = arg;
	struct sd_err e;
	char name[24];

	while (!w->stop) {
		snprintf(name, sizeof name, "w%llu", (unsigned long long)w->next);
		if (put(w->f, w->next, name, NULL, NULL, &e) != SD_OK)
			w->failed++;
		else
			w->next++;
	}
	return NULL;
}

static int
count_at(struct sd_txn *t, void *arg, struct sd_err *err)
{
	return sd_count(t, 0, -1, arg, err);
}

/*
 * A backup's end is exact while a writer runs: what its at() callback
 * counts with the writers held is what the restored copy holds, in a
 * full backup and in an incremental one.  Afterwards the log files the
 * backup has are removed from the environment, and only then.
 */
static void
backup_exact_end(void **state)
{
	struct fx *f = *state;
	struct sd_db_opts o;
	struct sd_backup_point pt;
	struct sd_err e;
	struct writer w;
	pthread_t th;
	char bak[80], r1[80];
	uint64_t at_full = 0, at_incr = 0;
	int removed = -1, st;
	struct fx g;

	sd_db_close(f->db);
	memset(&o, 0, sizeof o);
	o.home = f->dir;
	o.cache_mb = 8;
	o.keep_logs = 1;
	assert_int_equal(sd_db_open(&f->db, &o, schema, 1, &e), SD_OK);
	memset(&w, 0, sizeof w);
	w.f = f;
	w.next = 1;
	assert_int_equal(pthread_create(&th, NULL, writer_main, &w), 0);
	while (w.next < 200)
		usleep(1000);
	snprintf(bak, sizeof bak, "%.60s.bak", f->dir);
	assert_int_equal(sd_db_backup_at(f->db, bak, 0, count_at, &at_full,
	    &pt, &e), SD_OK);
	assert_true(at_full >= 199);
	while (w.next < at_full + 200)
		usleep(1000);
	st = sd_db_backup_at(f->db, bak, 1, count_at, &at_incr, &pt, &e);
	if (st != SD_OK)
		print_error("incremental: %s\n", e.msg);
	assert_int_equal(st, SD_OK);
	assert_true(at_incr > at_full);
	w.stop = 1;
	pthread_join(th, NULL);
	assert_int_equal(w.failed, 0);
	assert_true(w.next - 1 > at_incr);	/* it went on writing */
	assert_int_equal(sd_db_log_archive(f->db, &removed, &e), SD_OK);
	assert_true(removed >= 0);

	snprintf(r1, sizeof r1, "%.60s.r1", f->dir);
	sh("cp -r %s %s", bak, r1);
	assert_int_equal(sd_db_restore(r1, NULL, 0, &pt, &e), SD_OK);
	memset(&g, 0, sizeof g);
	snprintf(g.dir, sizeof g.dir, "%.63s", r1);
	assert_int_equal(open_db(&g, 0), SD_OK);
	assert_int_equal(rows(g.db), at_incr);
	sd_db_close(g.db);
	sh("rm -rf %s.bak %s.r1", f->dir, f->dir);
}

/* A writer started while the writers are paused, and a check meanwhile. */
struct still_arg {
	struct fx	*f;
	uint64_t	 before, after;	/* rows the check counts */
	_Atomic int	 started, wrote;
	int		 st;		/* the writer's status */
};

static void *
still_writer(void *arg)
{
	struct still_arg *a = arg;
	struct sd_err e;

	a->started = 1;
	a->st = put(a->f, 100000, "new", NULL, NULL, &e);
	a->wrote = 1;
	return NULL;
}

static int
still_txn(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct still_arg *a = arg;
	int st;

	if ((st = sd_count(t, 0, -1, &a->before, err)) != SD_OK)
		return st;
	return sd_count(t, 0, -1, &a->after, err);
}

static int
still_start(struct sd_txn *t, void *arg, struct sd_err *err)
{
	struct still_arg *a = arg;
	pthread_t *th = (pthread_t *)(a + 1);
	int st;

	if (pthread_create(th, NULL, still_writer, a) != 0)
		return SD_EINTERNAL;
	while (!a->started)
		sched_yield();
	/* Time enough for an unheld writer to commit (no clock: yields). */
	for (int i = 0; i < 20000 && !a->wrote; i++)
		sched_yield();
	/* The writer is held at its transaction while this one reads. */
	if ((st = still_txn(t, a, err)) == SD_OK && a->wrote)
		st = sd_err_set(err, SD_EINTERNAL, "a writer wrote meanwhile");
	return st;
}

/*
 * A read with the writers paused (verify's): a writer that starts
 * meanwhile waits for it, so the rows it counts twice are the same; the
 * writer goes on after it.  Inside a write transaction it is refused.
 */
static void
read_still(void **state)
{
	struct fx *f = *state;
	struct {
		struct still_arg	a;
		pthread_t		th;
	} x;
	struct sd_err e;
	char name[24];

	for (uint64_t i = 1; i <= 2000; i++) {
		snprintf(name, sizeof name, "person%06llu", (unsigned long long)i);
		assert_int_equal(put(f, i, name, NULL, NULL, &e), SD_OK);
	}
	memset(&x, 0, sizeof x);
	x.a.f = f;
	assert_int_equal(sd_db_read_still(f->db, 5000, still_start, &x.a,
	    &e), SD_OK);
	assert_int_equal(x.a.before, 2000);
	assert_int_equal(x.a.after, 2000);
	pthread_join(x.th, NULL);
	assert_int_equal(x.a.st, SD_OK);
	assert_int_equal(rows(f->db), 2001);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(secondary_indexes, setup, teardown),
		cmocka_unit_test_setup_teardown(abort_leaves_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(retry_wrapper, setup, teardown),
		cmocka_unit_test_setup_teardown(sequences, setup, teardown),
		cmocka_unit_test_setup_teardown(cursors, setup, teardown),
		cmocka_unit_test(open_errors),
		cmocka_unit_test_setup_teardown(one_owner, setup, teardown),
		cmocka_unit_test_setup_teardown(backup_restore, setup, teardown),
		cmocka_unit_test_setup_teardown(backup_exact_end, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(read_still, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
