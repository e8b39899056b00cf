/*
 * test_archive.c -- a backup's archive (core/ops/archive.c, stream.c) and
 * manifest (manifest.c) without a server: written and read back plain
 * and encrypted, its files as they were and as the manifest says; a
 * flipped byte anywhere, a cut archive, no key or another key refused;
 * a manifest of CRC-32s (before SHA-256) still read and checked.  Under
 * ASan as well (make check runs tests-asan/).
 */
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/ops/ops_int.h"

static char root[64];

static void
put(const char *rel, size_t n, unsigned seed)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof p, "%s/b/%s", root, rel);
	assert_non_null(f = fopen(p, "wb"));
	srand(seed);
	for (size_t i = 0; i < n; i++)	/* compressible, not trivially */
		fputc(i % 4096 < 2048 ? 'a' + rand() % 4 : 0, f);
	fclose(f);
}

/* A backup directory root/b with its manifest of sum's kind. */
static void
make_backup(enum mf_sum sum, struct manifest *m)
{
	char p[256];
	struct mf_entry e = { 1, 1796652405, 1796652405532, 1, 28 };
	struct sd_err err;

	snprintf(p, sizeof p, "%s/b", root);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof p, "%s/b/db", root);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof p, "%s/b/recordings", root);
	assert_int_equal(mkdir(p, 0700), 0);
	put("db/customer.db", 300000, 1);
	put("db/log.0000000001", 70001, 2);
	put("recordings/7.wav", 5000, 3);
	put("simdesk.conf", 40, 4);
	memset(m, 0, sizeof *m);
	strcpy(m->version, "test");
	strcpy(m->name, "20261207-111416");
	m->sum = sum;
	mf_add_entry(m, &e);
	snprintf(p, sizeof p, "%s/b", root);
	assert_int_equal(mf_scan(p, m, NULL, NULL, NULL, &err), SD_OK);
	assert_int_equal(m->nfiles, 4);
	assert_int_equal(mf_write(p, m, &err), SD_OK);
}

static int
setup(void **state)
{
	(void)state;
	strcpy(root, "/tmp/simdesk-archive.XXXXXX");
	return mkdtemp(root) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	struct sd_err err;

	(void)state;
	return ops_rmtree(root, &err) == SD_OK ? 0 : -1;
}

/* Write root/b as root/a.tgz; SD_OK or the error. */
static int
write_archive(const struct manifest *m, const char *key, struct sd_err *err)
{
	char p[256], dir[256];
	struct ops_copy cp = { 0, 0, NULL, NULL, -1 };
	FILE *f;
	int st;

	snprintf(p, sizeof p, "%s/a.tgz", root);
	snprintf(dir, sizeof dir, "%s/b", root);
	assert_non_null(f = fopen(p, "wb"));
	st = archive_write(dir, m, f, &cp, key, err);
	fclose(f);
	return st;
}

/* Read root/a.tgz into a new root/x, its files checked against its
 * manifest; SD_OK or the error. */
static int
read_archive(const char *key, struct sd_err *err)
{
	char p[256], to[256], fault[SD_ERRMSG_MAX];
	struct manifest m;
	FILE *f;
	int st;

	snprintf(p, sizeof p, "%s/a.tgz", root);
	snprintf(to, sizeof to, "%s/x", root);
	ops_rmtree(to, err);
	assert_int_equal(mkdir(to, 0700), 0);
	assert_non_null(f = fopen(p, "rb"));
	st = archive_read(f, "a.tgz", to, key, err);
	fclose(f);
	if (st != SD_OK)
		return st;
	assert_int_equal(mf_read(to, &m, err), SD_OK);
	st = mf_check(to, &m, fault, sizeof fault);
	mf_free(&m);
	return st == 0 ? SD_OK : sd_err_set(err, SD_EINTERNAL, "%s", fault);
}

static void
flip(const char *rel, long at)
{
	char p[256];
	FILE *f;
	int c;

	snprintf(p, sizeof p, "%s/%s", root, rel);
	assert_non_null(f = fopen(p, "r+b"));
	if (at < 0) {
		fseek(f, 0, SEEK_END);
		at = ftell(f) / 2;
	}
	fseek(f, at, SEEK_SET);
	c = fgetc(f);
	fseek(f, at, SEEK_SET);
	fputc(c ^ 0x5a, f);
	fclose(f);
}

static long
size_of(const char *rel)
{
	char p[256];
	struct stat sb;

	snprintf(p, sizeof p, "%s/%s", root, rel);
	assert_int_equal(stat(p, &sb), 0);
	return (long)sb.st_size;
}

static void
plain_round_trip(void **state)
{
	struct manifest m;
	struct sd_err err;
	char cmd[512];

	(void)state;
	make_backup(MF_SHA256, &m);
	assert_int_equal(write_archive(&m, NULL, &err), SD_OK);
	assert_true(size_of("a.tgz") < 300000);		/* compressed */
	assert_int_equal(read_archive(NULL, &err), SD_OK);
	/* A key is no matter for a plain one. */
	assert_int_equal(read_archive("some-key-123", &err), SD_OK);
	/* tar reads it too. */
	snprintf(cmd, sizeof cmd, "tar tzf %s/a.tgz >/dev/null 2>&1", root);
	assert_int_equal(system(cmd), 0);
	flip("a.tgz", -1);
	assert_int_not_equal(read_archive(NULL, &err), SD_OK);
	assert_non_null(strstr(err.msg, "damaged"));
	mf_free(&m);
}

static void
cut_short(void **state)
{
	struct manifest m;
	struct sd_err err;
	char p[256];

	(void)state;
	make_backup(MF_SHA256, &m);
	assert_int_equal(write_archive(&m, NULL, &err), SD_OK);
	snprintf(p, sizeof p, "%s/a.tgz", root);
	assert_int_equal(truncate(p, size_of("a.tgz") - 9), 0);
	assert_int_not_equal(read_archive(NULL, &err), SD_OK);
	mf_free(&m);
}

static void
damaged_backup_refused(void **state)
{
	struct manifest m;
	struct sd_err err;

	(void)state;
	make_backup(MF_SHA256, &m);
	flip("b/recordings/7.wav", 100);
	assert_int_not_equal(write_archive(&m, NULL, &err), SD_OK);
	assert_non_null(strstr(err.msg, "recordings/7.wav: its checksum"));
	mf_free(&m);
}

static void
encrypted(void **state)
{
	struct manifest m;
	struct sd_err err;
	char head[8];
	FILE *f;
	char p[256];

	(void)state;
	make_backup(MF_SHA256, &m);
	assert_int_equal(write_archive(&m, "the-env-key-0123", &err), SD_OK);
	snprintf(p, sizeof p, "%s/a.tgz", root);
	assert_non_null(f = fopen(p, "rb"));
	assert_int_equal(fread(head, 1, 8, f), 8);
	fclose(f);
	assert_memory_equal(head, "SDBKAES1", 8);
	assert_int_equal(read_archive(NULL, &err), SD_EINTERNAL);
	assert_non_null(strstr(err.msg, "is encrypted: set key_file"));
	assert_int_equal(read_archive("another-key-9876", &err), SD_EINTERNAL);
	assert_non_null(strstr(err.msg, "another key"));
	assert_int_equal(read_archive("the-env-key-0123", &err), SD_OK);
	/* In the ciphertext, in the tag, in the header's check value. */
	flip("a.tgz", -1);
	assert_int_not_equal(read_archive("the-env-key-0123", &err), SD_OK);
	assert_int_equal(write_archive(&m, "the-env-key-0123", &err), SD_OK);
	flip("a.tgz", size_of("a.tgz") - 3);
	assert_int_not_equal(read_archive("the-env-key-0123", &err), SD_OK);
	assert_non_null(strstr(err.msg, "damaged"));
	assert_int_equal(write_archive(&m, "the-env-key-0123", &err), SD_OK);
	flip("a.tgz", 8 + 16 + 4 + 2);
	assert_int_not_equal(read_archive("the-env-key-0123", &err), SD_OK);
	mf_free(&m);
}

static void
crc32_manifest(void **state)
{
	struct manifest m, back;
	struct sd_err err;
	char dir[256], fault[SD_ERRMSG_MAX];

	(void)state;
	make_backup(MF_CRC32, &m);
	snprintf(dir, sizeof dir, "%s/b", root);
	assert_int_equal(mf_read(dir, &back, &err), SD_OK);
	assert_int_equal(back.sum, MF_CRC32);
	assert_int_equal(back.nfiles, 4);
	assert_int_equal(mf_check(dir, &back, fault, sizeof fault), 0);
	/* Archived and read back as any. */
	assert_int_equal(write_archive(&back, NULL, &err), SD_OK);
	assert_int_equal(read_archive(NULL, &err), SD_OK);
	flip("b/db/customer.db", 1000);
	assert_int_equal(mf_check(dir, &back, fault, sizeof fault), -1);
	assert_non_null(strstr(fault, "db/customer.db: its checksum"));
	mf_free(&back);
	mf_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(plain_round_trip, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(cut_short, setup, teardown),
		cmocka_unit_test_setup_teardown(damaged_backup_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(encrypted, setup, teardown),
		cmocka_unit_test_setup_teardown(crc32_manifest, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
