/*
 * config.c -- simdesk.conf through libconfig: built-in defaults, then the
 * file over them.  Every error names file:line; unknown settings are errors
 * so a misspelt option is not silently ignored.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libconfig.h>

#include "core/core.h"

/* The built-in number grades (靓号), best first.  Numbers heavy with 4s
 * (四 sounds like "death") are graded down. */
static const struct { const char *grade, *rule; int yuan; } default_grades[] = {
	{ "AAAAA", "tail AAAAA", 5000 },
	{ "AAAA", "tail AAAA", 1000 },
	{ "ABCDE", "run 5", 800 },
	{ "ABCD", "run 4", 300 },
	{ "AABB", "tail AABB", 200 },
	{ "AAA", "tail AAA", 200 },
	{ "ABAB", "tail ABAB", 100 },
	{ "8s", "count 8 4", 100 },
	{ "6s", "count 6 4", 80 },
	{ "4s", "count 4 3", -20 },
};

void
sd_config_defaults(struct sd_config *c)
{
	memset(c, 0, sizeof *c);
	sd_strlcpy(c->data_dir, "/var/lib/simdesk", sizeof c->data_dir);
	sd_strlcpy(c->timezone, "Asia/Shanghai", sizeof c->timezone);
	sd_strlcpy(c->log_level, "info", sizeof c->log_level);
	c->cache_mb = 64;
	c->durable = 1;
	c->keep_logs = 0;
	c->lock_failures = 5;
	c->lock_minutes = 15;
	c->min_password = 6;
	c->failchk_seconds = 5;
	c->free_space_warn_mb = 200;
	c->checkpoint_seconds = 60;
	c->backup_keep = 7;
	c->backup_verify = 1;
	sd_strlcpy(c->classes[0], "A", sizeof c->classes[0]);
	sd_strlcpy(c->classes[1], "B", sizeof c->classes[1]);
	sd_strlcpy(c->classes[2], "C", sizeof c->classes[2]);
	c->pool_days = 30;
	c->escalate_minutes = 60;
	c->quota_minutes = 1000;
	c->quota_sms = 500;
	c->warn_pct[0] = 80;
	c->warn_pct[1] = 95;
	c->rest_pct = 98;
	sd_strlcpy(c->acd_strategy, "ringall", sizeof c->acd_strategy);
	c->ring_seconds = 20;
	c->at_timeout_ms = 5000;
	c->sla_hours[0] = 24;		/* inquiry */
	c->sla_hours[1] = 48;		/* complaint */
	c->sla_hours[2] = 72;		/* after-sales */
	c->sla_hours[3] = 24;		/* business change */
	c->credit_limit_fen = 0;
	sd_strlcpy(c->receipt_series, "R", sizeof c->receipt_series);
	c->receipt_paper = 48;
	sd_strlcpy(c->receipt_header, "simdesk", sizeof c->receipt_header);
	for (size_t i = 0; i < sizeof default_grades / sizeof default_grades[0];
	    i++) {
		sd_strlcpy(c->grades[i].grade, default_grades[i].grade,
		    sizeof c->grades[i].grade);
		sd_strlcpy(c->grades[i].rule, default_grades[i].rule,
		    sizeof c->grades[i].rule);
		c->grades[i].premium_fen = default_grades[i].yuan * 100;
		c->ngrades++;
	}
}

/* An integer inside a group, checked for range; absent keeps the default. */
static int
group_int(config_setting_t *g, const char *key, int lo, int hi, int *out,
    const char *name, struct sd_err *err)
{
	config_setting_t *st = config_setting_get_member(g, key);

	if (st == NULL)
		return SD_OK;
	if (config_setting_type(st) != CONFIG_TYPE_INT)
		return sd_err_set(err, SD_EINVAL, "%s:%d: %s: must be an integer",
		    name, config_setting_source_line(st), key);
	*out = config_setting_get_int(st);
	if (*out < lo || *out > hi)
		return sd_err_set(err, SD_EINVAL, "%s:%d: %s: %d is outside %d..%d",
		    name, config_setting_source_line(st), key, *out, lo, hi);
	return SD_OK;
}

/* Reject members of a group that are not in allowed. */
static int
group_known(config_setting_t *g, const char *const *allowed, const char *name,
    struct sd_err *err)
{
	int n = config_setting_length(g);

	for (int i = 0; i < n; i++) {
		config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
		const char *k = config_setting_name(m);
		int ok = 0;

		for (int j = 0; allowed[j] != NULL; j++)
			if (k != NULL && strcmp(k, allowed[j]) == 0)
				ok = 1;
		if (!ok)
			return sd_err_set(err, SD_EINVAL,
			    "%s:%d: %s.%s: unknown setting", name,
			    config_setting_source_line(m),
			    config_setting_name(g), k ? k : "?");
	}
	return SD_OK;
}

static int
apply_customers(struct sd_config *c, config_setting_t *g, const char *name,
    struct sd_err *err)
{
	static const char *const known[] = { "classes", "pool_days",
	    "escalate_minutes", NULL };
	config_setting_t *cl;
	int st;

	if ((st = group_known(g, known, name, err)) != SD_OK ||
	    (st = group_int(g, "pool_days", 1, 3650, &c->pool_days, name,
	    err)) != SD_OK ||
	    (st = group_int(g, "escalate_minutes", 1, 100000,
	    &c->escalate_minutes, name, err)) != SD_OK)
		return st;
	if ((cl = config_setting_get_member(g, "classes")) != NULL) {
		int n = config_setting_length(cl);

		if (config_setting_type(cl) != CONFIG_TYPE_ARRAY || n < 1 || n > 8)
			return sd_err_set(err, SD_EINVAL, "%s:%d: classes: must "
			    "be 1 to 8 strings like [\"A\", \"B\"]", name,
			    config_setting_source_line(cl));
		memset(c->classes, 0, sizeof c->classes);
		for (int i = 0; i < n; i++) {
			const char *v = config_setting_get_string_elem(cl, i);

			if (v == NULL || v[0] == '\0' ||
			    sd_strlcpy(c->classes[i], v, sizeof c->classes[i]) != 0)
				return sd_err_set(err, SD_EINVAL, "%s:%d: classes: "
				    "entry %d must be a string of 1 to 8 bytes",
				    name, config_setting_source_line(cl), i + 1);
		}
	}
	return SD_OK;
}

static int
apply_tickets(struct sd_config *c, config_setting_t *g, const char *name,
    struct sd_err *err)
{
	static const char *const known[] = { "sla_hours", NULL };
	static const char *const types[] = { "inquiry", "complaint",
	    "after_sales", "change", NULL };
	config_setting_t *sla;
	int st;

	if ((st = group_known(g, known, name, err)) != SD_OK)
		return st;
	if ((sla = config_setting_get_member(g, "sla_hours")) == NULL)
		return SD_OK;
	if (config_setting_type(sla) != CONFIG_TYPE_GROUP)
		return sd_err_set(err, SD_EINVAL, "%s:%d: sla_hours: must be a "
		    "group like { complaint = 48; }", name,
		    config_setting_source_line(sla));
	if ((st = group_known(sla, types, name, err)) != SD_OK)
		return st;
	for (int i = 0; types[i] != NULL; i++)
		if ((st = group_int(sla, types[i], 1, 10000, &c->sla_hours[i],
		    name, err)) != SD_OK)
			return st;
	return SD_OK;
}

/* grading = ( { grade = "AAAA"; rule = "tail AAAA"; premium = 1000; }, ... ):
 * replaces the built-in list; premium in yuan (negative grades down). */
static int
apply_grading(struct sd_config *c, config_setting_t *g, const char *name,
    struct sd_err *err)
{
	static const char *const known[] = { "grade", "rule", "premium", NULL };
	int n = config_setting_length(g);

	if ((config_setting_type(g) != CONFIG_TYPE_LIST &&
	    config_setting_type(g) != CONFIG_TYPE_ARRAY) || n > 32)
		return sd_err_set(err, SD_EINVAL, "%s:%d: grading: must be a list "
		    "of at most 32 ( { grade = \"AAAA\"; rule = \"tail AAAA\"; "
		    "premium = 1000; }, ... )", name,
		    config_setting_source_line(g));
	memset(c->grades, 0, sizeof c->grades);
	c->ngrades = 0;
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(g, (unsigned)i);
		struct sd_grade_rule *r = &c->grades[i];
		int line = config_setting_source_line(e), st;
		const char *grade = NULL, *rule = NULL;
		long long yuan = 0;

		if (config_setting_type(e) != CONFIG_TYPE_GROUP)
			return sd_err_set(err, SD_EINVAL, "%s:%d: grading: entry "
			    "%d must be a group { grade; rule; premium; }", name,
			    line, i + 1);
		if ((st = group_known(e, known, name, err)) != SD_OK)
			return st;
		if (!config_setting_lookup_string(e, "grade", &grade) ||
		    grade[0] == '\0' ||
		    sd_strlcpy(r->grade, grade, sizeof r->grade) != 0)
			return sd_err_set(err, SD_EINVAL, "%s:%d: grading: entry %d: "
			    "grade must be a name of 1 to 16 bytes", name, line,
			    i + 1);
		if (!config_setting_lookup_string(e, "rule", &rule) ||
		    sd_strlcpy(r->rule, rule, sizeof r->rule) != 0 ||
		    sd_grade_rule_match(rule, NULL) < 0)
			return sd_err_set(err, SD_EINVAL, "%s:%d: grading: entry %d: "
			    "rule '%s' is not \"tail PATTERN\", \"run N\" or "
			    "\"count DIGIT N\"", name, line, i + 1,
			    rule ? rule : "");
		if (!config_setting_lookup_int64(e, "premium", &yuan) ||
		    yuan < -100000 || yuan > 10000000)
			return sd_err_set(err, SD_EINVAL, "%s:%d: grading: entry %d: "
			    "premium must be whole yuan, -100000..10000000", name,
			    line, i + 1);
		r->premium_fen = (int64_t)yuan * 100;
		c->ngrades++;
	}
	return SD_OK;
}

/* A string inside a group, checked for length; absent keeps the default. */
static int
group_str(config_setting_t *g, const char *key, char *out, size_t size,
    const char *name, struct sd_err *err)
{
	config_setting_t *st = config_setting_get_member(g, key);
	const char *v;

	if (st == NULL)
		return SD_OK;
	if (config_setting_type(st) != CONFIG_TYPE_STRING ||
	    (v = config_setting_get_string(st)) == NULL)
		return sd_err_set(err, SD_EINVAL, "%s:%d: %s: must be a string",
		    name, config_setting_source_line(st), key);
	if (sd_strlcpy(out, v, size) != 0)
		return sd_err_set(err, SD_EINVAL, "%s:%d: %s: longer than %zu "
		    "bytes", name, config_setting_source_line(st), key, size - 1);
	return SD_OK;
}

static int
apply_billing(struct sd_config *c, config_setting_t *g, const char *name,
    struct sd_err *err)
{
	static const char *const known[] = { "credit_limit", NULL };
	int yuan = (int)(c->credit_limit_fen / 100), st;

	if ((st = group_known(g, known, name, err)) != SD_OK ||
	    (st = group_int(g, "credit_limit", 0, 1000000, &yuan, name,
	    err)) != SD_OK)
		return st;
	c->credit_limit_fen = (int64_t)yuan * 100;
	return SD_OK;
}

static int
apply_receipts(struct sd_config *c, config_setting_t *g, const char *name,
    struct sd_err *err)
{
	static const char *const known[] = { "series", "paper", "header",
	    "printer", NULL };
	int st;

	if ((st = group_known(g, known, name, err)) != SD_OK ||
	    (st = group_str(g, "series", c->receipt_series,
	    sizeof c->receipt_series, name, err)) != SD_OK ||
	    (st = group_str(g, "header", c->receipt_header,
	    sizeof c->receipt_header, name, err)) != SD_OK ||
	    (st = group_str(g, "printer", c->receipt_printer,
	    sizeof c->receipt_printer, name, err)) != SD_OK ||
	    (st = group_int(g, "paper", 32, 48, &c->receipt_paper, name,
	    err)) != SD_OK)
		return st;
	if (c->receipt_paper != 32 && c->receipt_paper != 48)
		return sd_err_set(err, SD_EINVAL, "%s: receipts.paper: %d is not "
		    "32 or 48", name, c->receipt_paper);
	for (const char *p = c->receipt_series; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			return sd_err_set(err, SD_EINVAL, "%s: receipts.series: "
			    "'%s' may hold only A-Z and 0-9", name,
			    c->receipt_series);
	if (c->receipt_series[0] == '\0')
		return sd_err_set(err, SD_EINVAL, "%s: receipts.series: must not "
		    "be empty", name);
	return SD_OK;
}

/*
 * A list of local times of day, [ "02:00", "14:30" ], into minutes of the
 * day; absent keeps the default (none).
 */
static int
group_times(config_setting_t *g, const char *key, int *out, int max, int *n,
    const char *name, struct sd_err *err)
{
	config_setting_t *x = config_setting_get_member(g, key);
	int len;

	if (x == NULL)
		return SD_OK;
	len = config_setting_length(x);
	if (config_setting_type(x) != CONFIG_TYPE_ARRAY || len > max)
		return sd_err_set(err, SD_EINVAL, "%s:%d: backup.%s: at most %d "
		    "local times of day, like [ \"02:00\" ]", name,
		    config_setting_source_line(x), key, max);
	*n = 0;
	for (int i = 0; i < len; i++) {
		const char *v = config_setting_get_string_elem(x, i);
		int h, m, used = 0;

		if (v == NULL || sscanf(v, "%2d:%2d%n", &h, &m, &used) != 2 ||
		    v[used] != '\0' || h < 0 || h > 23 || m < 0 || m > 59)
			return sd_err_set(err, SD_EINVAL, "%s:%d: backup.%s[%d]: "
			    "'%s' is not a time of day HH:MM", name,
			    config_setting_source_line(x), key, i,
			    v != NULL ? v : "?");
		out[(*n)++] = h * 60 + m;
	}
	return SD_OK;
}

/*
 * backup = { dir = "/srv/simdesk-backups"; keep = 7; full = [ "02:00" ];
 * incremental = [ "12:00", "18:00" ]; every_seconds = 0; verify = true; }
 */
static int
apply_backup(struct sd_config *c, config_setting_t *g, const char *name,
    struct sd_err *err)
{
	static const char *const known[] = { "dir", "keep", "full",
	    "incremental", "every_seconds", "verify", NULL };
	config_setting_t *d;
	int st;

	if ((st = group_known(g, known, name, err)) != SD_OK ||
	    (st = group_str(g, "dir", c->backup_dir, sizeof c->backup_dir, name,
	    err)) != SD_OK ||
	    (st = group_int(g, "keep", 1, 1000, &c->backup_keep, name,
	    err)) != SD_OK ||
	    (st = group_times(g, "full", c->backup_full, 8, &c->nbackup_full,
	    name, err)) != SD_OK ||
	    (st = group_times(g, "incremental", c->backup_incr, 24,
	    &c->nbackup_incr, name, err)) != SD_OK ||
	    (st = group_int(g, "every_seconds", 0, 7 * 86400, &c->backup_every,
	    name, err)) != SD_OK)
		return st;
	if ((d = config_setting_get_member(g, "verify")) != NULL) {
		if (config_setting_type(d) != CONFIG_TYPE_BOOL)
			return sd_err_set(err, SD_EINVAL, "%s:%d: backup.verify: "
			    "must be true or false", name,
			    config_setting_source_line(d));
		c->backup_verify = config_setting_get_bool(d);
	}
	c->backup_set = 1;
	c->backup_line = config_setting_source_line(g);
	if ((d = config_setting_get_member(g, "dir")) != NULL) {
		c->backup_line = config_setting_source_line(d);
		if (c->backup_dir[0] == '\0')
			return sd_err_set(err, SD_EINVAL, "%s:%d: backup.dir: must "
			    "not be empty (leave it out for the data directory's "
			    "path + \"-backups\")", name, c->backup_line);
	}
	return SD_OK;
}

/* printers = { counter1 = "/dev/ttyUSB0"; ... } */
static int
apply_printers(struct sd_config *c, config_setting_t *g, const char *name,
    struct sd_err *err)
{
	int n = config_setting_length(g);

	if (n > 8)
		return sd_err_set(err, SD_EINVAL, "%s:%d: printers: at most 8",
		    name, config_setting_source_line(g));
	c->nprinters = 0;
	for (int i = 0; i < n; i++) {
		config_setting_t *e = config_setting_get_elem(g, (unsigned)i);
		const char *k = config_setting_name(e), *v;
		struct sd_printer *p = &c->printers[c->nprinters];

		if (config_setting_type(e) != CONFIG_TYPE_STRING ||
		    (v = config_setting_get_string(e)) == NULL || v[0] == '\0')
			return sd_err_set(err, SD_EINVAL, "%s:%d: printers.%s: must "
			    "be the printer's device, like \"/dev/ttyUSB0\"", name,
			    config_setting_source_line(e), k ? k : "?");
		if (sd_strlcpy(p->name, k, sizeof p->name) != 0 ||
		    sd_strlcpy(p->device, v, sizeof p->device) != 0)
			return sd_err_set(err, SD_EINVAL, "%s:%d: printers.%s: too "
			    "long", name, config_setting_source_line(e), k);
		c->nprinters++;
	}
	return SD_OK;
}

/* modems = ( { name = "m1"; device = "/dev/ttyUSB0"; baud = 115200;
 *              slot_command = "AT^SIMSLOT=%d"; slots = 2;
 *              expect = [ "8986...", "8986..." ]; } ) */
static int
apply_modem(struct sd_config *c, config_setting_t *e, const char *name,
    struct sd_err *err)
{
	static const char *const known[] = { "name", "device", "baud", "rtscts",
	    "slot_command", "slots", "expect", "audio", "imei", NULL };
	struct sd_modem_conf *m = &c->modems[c->nmodems];
	config_setting_t *x;
	int line = (int)config_setting_source_line(e), st, b = 0;
	const char *pct;

	memset(m, 0, sizeof *m);
	m->baud = 115200;
	m->slots = 1;
	if (config_setting_type(e) != CONFIG_TYPE_GROUP)
		return sd_err_set(err, SD_EINVAL, "%s:%d: telephony.modems: each "
		    "modem is a group { name = ...; device = ...; }", name, line);
	if ((st = group_known(e, known, name, err)) != SD_OK ||
	    (st = group_str(e, "name", m->name, sizeof m->name, name, err)) != SD_OK ||
	    (st = group_str(e, "device", m->device, sizeof m->device, name, err)) != SD_OK ||
	    (st = group_str(e, "slot_command", m->slot_command,
	    sizeof m->slot_command, name, err)) != SD_OK ||
	    (st = group_str(e, "audio", m->audio, sizeof m->audio, name,
	    err)) != SD_OK ||
	    (st = group_str(e, "imei", m->imei, sizeof m->imei, name,
	    err)) != SD_OK ||
	    (st = group_int(e, "baud", 300, 4000000, &m->baud, name, err)) != SD_OK ||
	    (st = group_int(e, "slots", 1, 4, &m->slots, name, err)) != SD_OK)
		return st;
	if ((x = config_setting_get_member(e, "rtscts")) != NULL)
		m->rtscts = config_setting_get_bool(x);
	if (m->name[0] == '\0' || m->device[0] == '\0')
		return sd_err_set(err, SD_EINVAL, "%s:%d: telephony.modems: a modem "
		    "needs a name and a device", name, line);
	for (const char *p = m->name; *p; p++)
		if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') &&
		    !(*p >= '0' && *p <= '9') && *p != '-' && *p != '_')
			return sd_err_set(err, SD_EINVAL, "%s:%d: telephony.modems: "
			    "name '%s': letters, digits, - and _ only", name, line,
			    m->name);
	if (m->imei[0] != '\0' && (strlen(m->imei) != 15 ||
	    strspn(m->imei, "0123456789") != 15))
		return sd_err_set(err, SD_EINVAL, "%s:%d: telephony.modems: imei "
		    "'%s': 15 digits", name, line, m->imei);
	/* The slot command takes the slot number once, as %d. */
	pct = strchr(m->slot_command, '%');
	if (m->slot_command[0] != '\0' && (pct == NULL || pct[1] != 'd' ||
	    strchr(pct + 2, '%') != NULL))
		return sd_err_set(err, SD_EINVAL, "%s:%d: telephony.modems: "
		    "slot_command '%s' must hold one %%d for the slot", name, line,
		    m->slot_command);
	if ((x = config_setting_get_member(e, "expect")) != NULL) {
		int n = config_setting_length(x);

		for (int i = 0; i < n && i < 4; i++) {
			const char *v = config_setting_get_string_elem(x, i);

			if (v == NULL || strlen(v) < 19 || strlen(v) > 20)
				return sd_err_set(err, SD_EINVAL, "%s:%d: telephony."
				    "modems: expect[%d]: an ICCID of 19-20 digits",
				    name, line, i);
			sd_strlcpy(m->expect[i], v, sizeof m->expect[i]);
			b++;
		}
	}
	(void)b;
	for (int i = 0; i < c->nmodems; i++)
		if (strcmp(c->modems[i].name, m->name) == 0)
			return sd_err_set(err, SD_EINVAL, "%s:%d: telephony.modems: "
			    "name '%s' twice", name, line, m->name);
	c->nmodems++;
	return SD_OK;
}

static int
apply_telephony(struct sd_config *c, config_setting_t *g, const char *name,
    struct sd_err *err)
{
	static const char *const known[] = { "quota_minutes", "quota_sms",
	    "warn", "rest", "strategy", "ring_seconds", "tariff",
	    "at_timeout_ms", "modems", "search", NULL };
	config_setting_t *x;
	int st;

	if ((st = group_known(g, known, name, err)) != SD_OK ||
	    (st = group_int(g, "quota_minutes", 0, 1000000, &c->quota_minutes,
	    name, err)) != SD_OK ||
	    (st = group_int(g, "quota_sms", 0, 1000000, &c->quota_sms, name,
	    err)) != SD_OK ||
	    (st = group_int(g, "rest", 1, 100, &c->rest_pct, name, err)) != SD_OK ||
	    (st = group_int(g, "ring_seconds", 3, 600, &c->ring_seconds, name,
	    err)) != SD_OK ||
	    (st = group_int(g, "at_timeout_ms", 100, 120000, &c->at_timeout_ms,
	    name, err)) != SD_OK ||
	    (st = group_str(g, "strategy", c->acd_strategy,
	    sizeof c->acd_strategy, name, err)) != SD_OK ||
	    (st = group_str(g, "tariff", c->call_tariff, sizeof c->call_tariff,
	    name, err)) != SD_OK)
		return st;
	if (strcmp(c->acd_strategy, "ringall") != 0 &&
	    strcmp(c->acd_strategy, "leastrecent") != 0 &&
	    strcmp(c->acd_strategy, "rrmemory") != 0) {
		x = config_setting_get_member(g, "strategy");
		return sd_err_set(err, SD_EINVAL, "%s:%d: telephony.strategy: '%s' "
		    "is not ringall, leastrecent or rrmemory", name,
		    config_setting_source_line(x), c->acd_strategy);
	}
	if ((x = config_setting_get_member(g, "warn")) != NULL) {
		if (config_setting_length(x) != 2 ||
		    config_setting_get_int_elem(x, 0) < 1 ||
		    config_setting_get_int_elem(x, 1) <
		    config_setting_get_int_elem(x, 0) ||
		    config_setting_get_int_elem(x, 1) > 100)
			return sd_err_set(err, SD_EINVAL, "%s:%d: telephony.warn: "
			    "two percentages, rising, like [ 80, 95 ]", name,
			    config_setting_source_line(x));
		c->warn_pct[0] = config_setting_get_int_elem(x, 0);
		c->warn_pct[1] = config_setting_get_int_elem(x, 1);
	}
	if ((x = config_setting_get_member(g, "search")) != NULL) {
		int n = config_setting_length(x);

		if (config_setting_type(x) != CONFIG_TYPE_ARRAY || n > 16)
			return sd_err_set(err, SD_EINVAL, "%s:%d: telephony.search: "
			    "at most 16 ports or patterns, like [ \"/dev/ttyUSB*\" ]",
			    name, config_setting_source_line(x));
		c->nsearch = 0;
		for (int i = 0; i < n; i++) {
			const char *v = config_setting_get_string_elem(x, i);

			if (v == NULL || v[0] == '\0' || strlen(v) >=
			    sizeof c->search[0])
				return sd_err_set(err, SD_EINVAL, "%s:%d: telephony."
				    "search[%d]: a device path, pattern or "
				    "tcp:HOST:PORT", name,
				    config_setting_source_line(x), i);
			sd_strlcpy(c->search[c->nsearch++], v, sizeof c->search[0]);
		}
	}
	if ((x = config_setting_get_member(g, "modems")) != NULL) {
		int n = config_setting_length(x);

		if (config_setting_type(x) != CONFIG_TYPE_LIST || n > 32)
			return sd_err_set(err, SD_EINVAL, "%s:%d: telephony.modems: "
			    "a list ( { ... }, ... ) of at most 32", name,
			    config_setting_source_line(x));
		c->nmodems = 0;
		for (int i = 0; i < n; i++)
			if ((st = apply_modem(c, config_setting_get_elem(x,
			    (unsigned)i), name, err)) != SD_OK)
				return st;
	}
	return SD_OK;
}

struct setting_def {
	const char	*name;
	int		 type;		/* CONFIG_TYPE_STRING, _INT, _BOOL */
	size_t		 off;
	size_t		 size;		/* strings: buffer size */
	int		 min, max;	/* ints */
};

#define S(n, f)		{ n, CONFIG_TYPE_STRING, offsetof(struct sd_config, f), \
			  sizeof(((struct sd_config *)0)->f), 0, 0 }
#define I(n, f, lo, hi)	{ n, CONFIG_TYPE_INT, offsetof(struct sd_config, f), 0, lo, hi }
#define B(n, f)		{ n, CONFIG_TYPE_BOOL, offsetof(struct sd_config, f), 0, 0, 1 }

static const struct setting_def settings[] = {
	S("data_dir", data_dir),
	S("timezone", timezone),
	S("key_file", key_file),
	S("socket", socket),
	S("log_level", log_level),
	S("log_file", log_file),
	S("login_note", login_note),
	I("cache_mb", cache_mb, 4, 65536),
	B("durable", durable),
	B("keep_logs", keep_logs),
	I("lock_failures", lock_failures, 1, 100),
	I("lock_minutes", lock_minutes, 1, 10080),
	I("min_password", min_password, 1, 128),
	I("failchk_seconds", failchk_seconds, 1, 3600),
	I("free_space_warn_mb", free_space_warn_mb, 0, 10000000),
	I("checkpoint_seconds", checkpoint_seconds, 1, 86400),
};

#define NSETTINGS (sizeof settings / sizeof settings[0])

/* Sections later features read (modems, printers...): allowed, read there. */
static const char *const sections[] = { "modems", "simbanks" };

static int
apply(struct sd_config *c, config_t *cf, const char *name, struct sd_err *err)
{
	config_setting_t *root = config_root_setting(cf);
	int n = config_setting_length(root);

	for (int i = 0; i < n; i++) {
		config_setting_t *st = config_setting_get_elem(root, (unsigned)i);
		const char *key = config_setting_name(st);
		const struct setting_def *d = NULL;
		int line = (int)config_setting_source_line(st);
		int known = 0;

		for (size_t j = 0; j < NSETTINGS; j++)
			if (strcmp(settings[j].name, key) == 0)
				d = &settings[j];
		if (strcmp(key, "billing") == 0 || strcmp(key, "receipts") == 0) {
			int r;

			if (config_setting_type(st) != CONFIG_TYPE_GROUP)
				return sd_err_set(err, SD_EINVAL,
				    "%s:%d: %s: must be a group { ... }", name,
				    line, key);
			r = key[0] == 'b' ? apply_billing(c, st, name, err) :
			    apply_receipts(c, st, name, err);
			if (r != SD_OK)
				return r;
			continue;
		}
		if (strcmp(key, "telephony") == 0) {
			int r;

			if (config_setting_type(st) != CONFIG_TYPE_GROUP)
				return sd_err_set(err, SD_EINVAL,
				    "%s:%d: telephony: must be a group { ... }",
				    name, line);
			if ((r = apply_telephony(c, st, name, err)) != SD_OK)
				return r;
			continue;
		}
		if (strcmp(key, "backup") == 0) {
			int r;

			if (config_setting_type(st) != CONFIG_TYPE_GROUP)
				return sd_err_set(err, SD_EINVAL,
				    "%s:%d: backup: must be a group { dir = "
				    "\"DIR\"; keep = 7; }", name, line);
			if ((r = apply_backup(c, st, name, err)) != SD_OK)
				return r;
			continue;
		}
		if (strcmp(key, "printers") == 0) {
			int r;

			if (config_setting_type(st) != CONFIG_TYPE_GROUP)
				return sd_err_set(err, SD_EINVAL,
				    "%s:%d: printers: must be a group { NAME = "
				    "\"DEVICE\"; }", name, line);
			if ((r = apply_printers(c, st, name, err)) != SD_OK)
				return r;
			continue;
		}
		if (strcmp(key, "grading") == 0) {
			int r = apply_grading(c, st, name, err);

			if (r != SD_OK)
				return r;
			continue;
		}
		if (strcmp(key, "customers") == 0 || strcmp(key, "tickets") == 0) {
			int r;

			if (config_setting_type(st) != CONFIG_TYPE_GROUP)
				return sd_err_set(err, SD_EINVAL,
				    "%s:%d: %s: must be a group { ... }", name,
				    line, key);
			r = key[0] == 'c' ? apply_customers(c, st, name, err) :
			    apply_tickets(c, st, name, err);
			if (r != SD_OK)
				return r;
			continue;
		}
		for (size_t j = 0; j < sizeof sections / sizeof sections[0]; j++)
			if (strcmp(sections[j], key) == 0)
				known = 1;
		if (known)
			continue;
		if (d == NULL)
			return sd_err_set(err, SD_EINVAL,
			    "%s:%d: %s: unknown setting", name, line, key);
		if (config_setting_type(st) != d->type &&
		    !(d->type == CONFIG_TYPE_BOOL &&
		    config_setting_type(st) == CONFIG_TYPE_INT))
			return d->type == CONFIG_TYPE_STRING ?
			    sd_err_set(err, SD_EINVAL, "%s:%d: %s: must be a "
			    "string", name, line, key) :
			    d->type == CONFIG_TYPE_INT ?
			    sd_err_set(err, SD_EINVAL, "%s:%d: %s: must be an "
			    "integer", name, line, key) :
			    sd_err_set(err, SD_EINVAL, "%s:%d: %s: must be true "
			    "or false", name, line, key);
		if (d->type == CONFIG_TYPE_STRING) {
			const char *v = config_setting_get_string(st);
			struct sd_err why;

			if (sd_check_text(key, v, d->size - 1, &why) != SD_OK)
				return sd_err_nest(err, SD_EINVAL, &why,
				    "%s:%d: %s", name, line, why.msg);

			if (sd_strlcpy((char *)c + d->off, v, d->size) != 0)
				return sd_err_set(err, SD_EINVAL,
				    "%s:%d: %s: too long", name, line, key);
		} else {
			int v = config_setting_get_int(st);

			if (config_setting_type(st) == CONFIG_TYPE_BOOL)
				v = config_setting_get_bool(st);
			if (v < d->min || v > d->max)
				return sd_err_set(err, SD_EINVAL,
				    "%s:%d: %s: %d is outside %d..%d", name,
				    line, key, v, d->min, d->max);
			*(int *)((char *)c + d->off) = v;
		}
	}
	if (strcmp(c->log_level, "error") != 0 &&
	    strcmp(c->log_level, "warning") != 0 &&
	    strcmp(c->log_level, "info") != 0 &&
	    strcmp(c->log_level, "debug") != 0)
		return sd_err_set(err, SD_EINVAL,
		    "%s: log_level: '%s' is not error, warning, info or debug",
		    name, c->log_level);
	if (c->data_dir[0] == '\0')
		return sd_err_set(err, SD_EINVAL, "%s: data_dir: must not be empty",
		    name);
	return SD_OK;
}

int
sd_config_parse(struct sd_config *c, const char *text, const char *name,
    struct sd_err *err)
{
	config_t cf;
	int st;

	config_init(&cf);
	if (config_read_string(&cf, text) != CONFIG_TRUE) {
		st = sd_err_set(err, SD_EINVAL, "%s:%d: %s", name,
		    config_error_line(&cf), config_error_text(&cf));
		config_destroy(&cf);
		return st;
	}
	st = apply(c, &cf, name, err);
	config_destroy(&cf);
	return st;
}

int
sd_config_load(struct sd_config *c, const char *path, int must_exist,
    struct sd_err *err)
{
	FILE *f;
	struct sd_buf text = SD_BUF_INIT;
	char chunk[4096];
	size_t n;
	int st;

	f = fopen(path, "r");
	if (f == NULL) {
		if (errno == ENOENT && !must_exist)
			return SD_OK;
		return sd_err_set(err, SD_EINVAL, "%s: %s", path, strerror(errno));
	}
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		sd_buf_add(&text, chunk, n);
	if (ferror(f)) {
		fclose(f);
		sd_buf_free(&text);
		return sd_err_set(err, SD_EINVAL, "%s: read error", path);
	}
	fclose(f);
	if (memchr(sd_buf_cstr(&text), '\0', text.len) != NULL) {
		sd_buf_free(&text);
		return sd_err_set(err, SD_EINVAL, "%s: not a text file", path);
	}
	st = sd_config_parse(c, sd_buf_cstr(&text), path, err);
	sd_buf_free(&text);
	if (st == SD_OK)
		sd_strlcpy(c->path, path, sizeof c->path);
	return st;
}

int
sd_config_resolve(struct sd_config *c, const char *conf_flag,
    const char *datadir_flag, struct sd_err *err)
{
	const char *conf = conf_flag, *dir = datadir_flag;
	int explicit = 1, st;

	sd_config_defaults(c);
	if (conf == NULL && (conf = getenv("SIMDESK_CONF")) == NULL) {
		conf = SD_CONFIG_DEFAULT_PATH;
		explicit = 0;
	}
	if ((st = sd_config_load(c, conf, explicit, err)) != SD_OK)
		return st;
	if (dir == NULL)
		dir = getenv("SIMDESK_DATA");
	if (dir != NULL && (dir[0] == '\0' ||
	    sd_strlcpy(c->data_dir, dir, sizeof c->data_dir) != 0))
		return sd_err_set(err, SD_EINVAL, "data directory: '%.64s' is "
		    "empty or too long", dir);
	/* Now that the data directory is known: backups are never in it. */
	if (c->backup_dir[0] != '\0') {
		char out[SD_PATH_MAX];

		return sd_config_backup_dir(c, out, sizeof out, err);
	}
	return SD_OK;
}

/* path made absolute and without . and .. where it exists, else as it
 * is; trailing slashes dropped. */
static void
path_canon(const char *path, char *out, size_t size)
{
	char *r = realpath(path, NULL);
	size_t n;

	sd_strlcpy(out, r != NULL ? r : path, size);
	free(r);
	n = strlen(out);
	while (n > 1 && out[n - 1] == '/')
		out[--n] = '\0';
}

int
sd_config_backup_dir(const struct sd_config *c, char *out, size_t size,
    struct sd_err *err)
{
	char data[SD_PATH_MAX], bak[SD_PATH_MAX], where[SD_PATH_MAX + 16];
	size_t n;

	if (c->backup_dir[0] != '\0') {
		if (sd_strlcpy(out, c->backup_dir, size) != 0)
			return sd_err_set(err, SD_EINVAL, "backup.dir: too long");
	} else {
		sd_strlcpy(data, c->data_dir, sizeof data);
		n = strlen(data);
		while (n > 1 && data[n - 1] == '/')
			data[--n] = '\0';
		if ((size_t)snprintf(out, size, "%s-backups", data) >= size)
			return sd_err_set(err, SD_EINVAL, "backup.dir: the data "
			    "directory's path is too long");
	}
	path_canon(c->data_dir, data, sizeof data);
	path_canon(out, bak, sizeof bak);
	n = strlen(data);
	if (strcmp(bak, data) == 0 || (strncmp(bak, data, n) == 0 &&
	    (bak[n] == '/' || n == 1))) {
		if (c->path[0] != '\0' && c->backup_line > 0)
			snprintf(where, sizeof where, "%s:%d: ", c->path,
			    c->backup_line);
		else
			where[0] = '\0';
		return sd_err_set(err, SD_EINVAL, "%sbackup.dir: %s is inside the "
		    "data directory %s (a backup must survive losing it)",
		    where, out, c->data_dir);
	}
	return SD_OK;
}

int
sd_config_socket(const struct sd_config *c, char *out, size_t size,
    struct sd_err *err)
{
	struct sockaddr_un sun;
	int n;

	if (c->socket[0] != '\0')
		n = snprintf(out, size, "%s", c->socket);
	else
		n = snprintf(out, size, "%s/simdesk.sock", c->data_dir);
	if (n < 0 || (size_t)n >= size || (size_t)n >= sizeof sun.sun_path)
		return sd_err_set(err, SD_EINVAL, "socket %s: path too long "
		    "(at most %zu bytes; set socket in the configuration)", out,
		    sizeof sun.sun_path - 1);
	return SD_OK;
}

int
sd_config_key(const struct sd_config *c, char *out, size_t size,
    struct sd_err *err)
{
	const char *path = c->key_file;
	FILE *f;
	size_t n;

	out[0] = '\0';
	if (path[0] == '\0')
		return SD_OK;
	if ((f = fopen(path, "r")) == NULL)
		return sd_err_set(err, SD_EINTERNAL, "key_file %s: %s", path,
		    strerror(errno));
	if (fgets(out, (int)size, f) == NULL) {
		fclose(f);
		out[0] = '\0';
		return sd_err_set(err, SD_EINTERNAL, "key_file %s: empty", path);
	}
	fclose(f);
	n = strlen(out);
	while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == '\r' ||
	    out[n - 1] == ' '))
		out[--n] = '\0';
	if (n < 8) {
		explicit_bzero(out, size);
		return sd_err_set(err, SD_EINTERNAL,
		    "key_file %s: key shorter than 8 characters", path);
	}
	return SD_OK;
}
