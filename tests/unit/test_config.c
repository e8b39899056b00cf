/*
 * test_config.c -- simdesk.conf: defaults, a good file, and every kind of
 * bad file giving one message that names file:line and the setting.
 */
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

#include "core/core.h"

static void
defaults(void **state)
{
	struct sd_config c;

	(void)state;
	sd_config_defaults(&c);
	assert_string_equal(c.timezone, "Asia/Shanghai");
	assert_string_equal(c.data_dir, "/var/lib/simdesk");
	assert_int_equal(c.lock_failures, 5);
	assert_int_equal(c.lock_minutes, 15);
	assert_int_equal(c.durable, 1);
}

static void
good_text(void **state)
{
	struct sd_config c;
	struct sd_err e;

	(void)state;
	sd_config_defaults(&c);
	assert_int_equal(sd_config_parse(&c,
	    "# comment\ndata_dir = \"/srv/simdesk\";\ntimezone = \"UTC\";\n"
	    "lock_failures = 3;\ndurable = false;\nmodems = { };\n",
	    "t.conf", &e), SD_OK);
	assert_string_equal(c.data_dir, "/srv/simdesk");
	assert_string_equal(c.timezone, "UTC");
	assert_int_equal(c.lock_failures, 3);
	assert_int_equal(c.durable, 0);
	assert_int_equal(c.lock_minutes, 15);	/* default kept */
}

static void
bad_text(void **state)
{
	static const struct { const char *text, *want; } v[] = {
		{ "data_dir = \"/x\"\ntimezone = ;\n", "t.conf:2:" },
		{ "\n\ncolour = \"red\";\n", "t.conf:3: colour: unknown setting" },
		{ "lock_failures = \"five\";\n", "t.conf:1: lock_failures: must be an integer" },
		{ "lock_minutes = 0;\n", "t.conf:1: lock_minutes: 0 is outside 1..10080" },
		{ "log_level = \"loud\";\n", "log_level: 'loud'" },
		{ "data_dir = \"\";\n", "data_dir: must not be empty" },
		{ "timezone = 5;\n", "timezone: must be a string" },
		/* found by fuzz_config: quoted newlines broke the one line */
		{ "log_level = \"a\nb\";\n", "t.conf:1: log_level: control characters" },
		{ "data_dir = \"\xb0\xa1\";\n", "data_dir: not valid UTF-8" },
		{ "backup = { dir = \"/b\"; every = 3; };\n",
		  "t.conf:1: backup.every: unknown setting" },
		{ "backup = { keep = 0; };\n", "t.conf:1: keep: 0 is outside 1..1000" },
		{ "\nbackup = { dir = \"\"; };\n", "t.conf:2: backup.dir: must not be empty" },
		{ "backup = \"/b\";\n", "t.conf:1: backup: must be a group" },
	};
	struct sd_config c;
	struct sd_err e;

	(void)state;
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		sd_config_defaults(&c);
		assert_int_equal(sd_config_parse(&c, v[i].text, "t.conf", &e),
		    SD_EINVAL);
		if (strstr(e.msg, v[i].want) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, e.msg, v[i].want);
		assert_null(strchr(e.msg, '\n'));
	}
}

/* backup.dir: by default beside the data directory, never inside it. */
static void
backup_dir(void **state)
{
	struct sd_config c;
	struct sd_err e;
	char out[SD_PATH_MAX];

	(void)state;
	sd_config_defaults(&c);
	assert_int_equal(c.backup_keep, 7);
	assert_int_equal(c.backup_set, 0);
	sd_strlcpy(c.data_dir, "/nonexistent/data/", sizeof c.data_dir);
	assert_int_equal(sd_config_backup_dir(&c, out, sizeof out, &e), SD_OK);
	assert_string_equal(out, "/nonexistent/data-backups");
	assert_int_equal(sd_config_parse(&c, "\n\nbackup = {\n dir = "
	    "\"/nonexistent/data/bak\"; keep = 3; };\n", "t.conf", &e), SD_OK);
	assert_int_equal(c.backup_set, 1);
	assert_int_equal(c.backup_keep, 3);
	sd_strlcpy(c.path, "t.conf", sizeof c.path);
	assert_int_equal(sd_config_backup_dir(&c, out, sizeof out, &e),
	    SD_EINVAL);
	assert_non_null(strstr(e.msg, "t.conf:4: backup.dir: "
	    "/nonexistent/data/bak is inside the data directory"));
	sd_strlcpy(c.backup_dir, "/nonexistent/data", sizeof c.backup_dir);
	assert_int_equal(sd_config_backup_dir(&c, out, sizeof out, &e),
	    SD_EINVAL);
	sd_strlcpy(c.backup_dir, "/nonexistent/database", sizeof c.backup_dir);
	assert_int_equal(sd_config_backup_dir(&c, out, sizeof out, &e), SD_OK);
}

/* backup's schedule: times of day, every_seconds, verify; and when the
 * next scheduled backup falls (sd_backup_next, in the zone's local time). */
static void
backup_schedule(void **state)
{
	struct sd_config c;
	struct sd_err e;
	struct tm tm;
	time_t t;
	int incr;

	(void)state;
	sd_config_defaults(&c);
	assert_int_equal(c.backup_verify, 1);
	assert_int_equal(sd_backup_next(&c, 1000, &incr), 0);
	assert_int_equal(sd_config_parse(&c, "backup = { full = [ \"02:00\" ];\n"
	    " incremental = [ \"12:30\", \"02:00\" ]; verify = false; };\n",
	    "t.conf", &e), SD_OK);
	assert_int_equal(c.nbackup_full, 1);
	assert_int_equal(c.backup_full[0], 120);
	assert_int_equal(c.nbackup_incr, 2);
	assert_int_equal(c.backup_incr[0], 750);
	assert_int_equal(c.backup_verify, 0);
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	memset(&tm, 0, sizeof tm);
	tm.tm_year = 2026 - 1900;
	tm.tm_mon = 11;
	tm.tm_mday = 7;
	tm.tm_hour = 10;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	/* 10:00: the incremental at 12:30 comes first... */
	assert_int_equal(sd_backup_next(&c, t, &incr), t + 150 * 60);
	assert_int_equal(incr, 1);
	/* ...at 12:30 itself, the full one at 02:00 tomorrow: a full one
	 * wins its minute over an incremental one. */
	assert_int_equal(sd_backup_next(&c, t + 150 * 60, &incr),
	    t + 16 * 3600);
	assert_int_equal(incr, 0);
	/* every_seconds, when it comes first. */
	assert_int_equal(sd_config_parse(&c, "backup = { full = [ \"02:00\" ]; "
	    "every_seconds = 60; };\n", "t.conf", &e), SD_OK);
	assert_int_equal(sd_backup_next(&c, t, &incr), t + 60);
	assert_int_equal(incr, 1);
	/* Bad ones name file:line and the setting. */
	assert_int_equal(sd_config_parse(&c, "\nbackup = { full = [ \"25:00\" ]; };\n",
	    "t.conf", &e), SD_EINVAL);
	assert_string_equal(e.msg, "t.conf:2: backup.full[0]: '25:00' is not "
	    "a time of day HH:MM");
	assert_int_equal(sd_config_parse(&c, "backup = { incremental = "
	    "[ \"2:0x\" ]; };\n", "t.conf", &e), SD_EINVAL);
	assert_non_null(strstr(e.msg, "backup.incremental[0]: '2:0x'"));
	assert_int_equal(sd_config_parse(&c, "backup = { full = \"02:00\"; };\n",
	    "t.conf", &e), SD_EINVAL);
	assert_non_null(strstr(e.msg, "backup.full: at most 8 local times"));
	assert_int_equal(sd_config_parse(&c, "backup = { every_seconds = -1; };\n",
	    "t.conf", &e), SD_EINVAL);
	assert_non_null(strstr(e.msg, "every_seconds: -1 is outside"));
	assert_int_equal(sd_config_parse(&c, "backup = { verify = 1; };\n",
	    "t.conf", &e), SD_EINVAL);
	assert_non_null(strstr(e.msg, "backup.verify: must be true or false"));
	assert_int_equal(sd_config_parse(&c, "log_file = \"/var/log/simdesk/"
	    "simdeskd.log\";\n", "t.conf", &e), SD_OK);
	assert_string_equal(c.log_file, "/var/log/simdesk/simdeskd.log");
}

static void
files(void **state)
{
	struct sd_config c;
	struct sd_err e;
	char path[] = "/tmp/sdtest-conf.XXXXXX";
	int fd;

	(void)state;
	sd_config_defaults(&c);
	assert_int_equal(sd_config_load(&c, "/nonexistent.conf", 0, &e), SD_OK);
	assert_int_equal(sd_config_load(&c, "/nonexistent.conf", 1, &e),
	    SD_EINVAL);
	assert_non_null(strstr(e.msg, "/nonexistent.conf: No such file"));
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "timezone = \"UTC\";\n\x00junk", 23), 23);
	close(fd);
	assert_int_equal(sd_config_load(&c, path, 1, &e), SD_EINVAL);
	assert_non_null(strstr(e.msg, "not a text file"));
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults),
		cmocka_unit_test(good_text),
		cmocka_unit_test(bad_text),
		cmocka_unit_test(backup_dir),
		cmocka_unit_test(backup_schedule),
		cmocka_unit_test(files),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
