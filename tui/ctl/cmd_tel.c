/*
 * cmd_tel.c -- simdeskctl's telephony: modems and their SIMs' quota,
 * click-to-dial and hang-up, call lists and per-operator statistics, SMS
 * send/list/decode, USSD.  The work is queued for simdeskd in core; here
 * is only argument parsing and output.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drivers/drivers.h"
#include "tui/tui.h"

static int
parse_id(struct ctl_ctx *c, const char *what, const char *s, uint64_t *id)
{
	char *end;

	*id = strtoull(s, &end, 10);
	if (s[0] == '\0' || *end != '\0' || *id == 0)
		return sd_err_set(&c->err, SD_EINVAL, "%s: '%.30s' is not a %s id",
		    what, s, what);
	return SD_OK;
}

/* ---------------------------------------------------------------- modems */

static const char *const level_names[] = { "", "warn", "WARN", "REST" };

static int
modem_row(const struct sd_modem *m, void *arg)
{
	struct out_list *o = arg;
	char sig[16], use[48], sms[32];
	const char *cells[11];

	if (o->json) {
		json_obj_open(&o->j, NULL);
		json_str(&o->j, "name", m->name);
		json_str(&o->j, "port", m->port);
		json_str(&o->j, "imei", m->imei);
		json_str(&o->j, "iccid", m->iccid);
		json_str(&o->j, "imsi", m->imsi);
		json_str(&o->j, "msisdn", m->msisdn);
		json_str(&o->j, "carrier", m->carrier);
		json_int(&o->j, "signal", m->signal);
		json_str(&o->j, "registration", drv_creg_name(m->reg));
		json_str(&o->j, "state", m->state);
		json_int(&o->j, "slot", m->slot);
		json_int(&o->j, "call", (long long)m->call);
		json_int(&o->j, "used_s", m->used_s);
		json_int(&o->j, "quota_s", m->quota_s);
		json_int(&o->j, "sms_used", m->sms_used);
		json_int(&o->j, "sms_quota", m->sms_quota);
		json_str(&o->j, "warning", level_names[m->level]);
		json_str(&o->j, "message", m->message);
		json_obj_close(&o->j);
		return 0;
	}
	snprintf(sig, sizeof sig, m->signal == 99 ? "-" : "%d", m->signal);
	snprintf(use, sizeof use, "%ld/%ld min %s", (m->used_s + 59) / 60,
	    m->quota_s / 60, level_names[m->level]);
	snprintf(sms, sizeof sms, "%ld/%ld", m->sms_used, m->sms_quota);
	cells[0] = m->name;
	cells[1] = m->port;
	cells[2] = m->imei;
	cells[3] = m->iccid;
	cells[4] = m->msisdn;
	cells[5] = m->carrier;
	cells[6] = sig;
	cells[7] = drv_creg_name(m->reg);
	cells[8] = m->message[0] ? m->message : m->state;
	cells[9] = use;
	cells[10] = sms;
	out_table_row(&o->t, cells);
	return 0;
}

int
cmd_modem_list(struct ctl_ctx *c)
{
	static const char *const heads[] = { "MODEM", "PORT", "IMEI", "ICCID",
	    "MSISDN", "CARRIER", "SIGNAL", "REG", "STATE", "MINUTES", "SMS" };
	struct out_list o;

	out_list_begin(&o, c->json, 11, heads);
	o.t.right[6] = 1;
	return out_list_end(&o, sd_modem_list(&c->sess, modem_row, &o, &c->err));
}

static int
presence_row(const struct sd_presence *p, void *arg)
{
	struct out_list *o = arg;
	char beat[24], call[24];
	const char *cells[6];

	if (o->json) {
		json_obj_open(&o->j, NULL);
		json_str(&o->j, "login", p->login);
		json_str(&o->j, "name", p->name);
		json_str(&o->j, "state", sd_presence_state_name(p->state));
		json_str(&o->j, "reason", p->reason);
		json_int(&o->j, "call", (long long)p->call);
		json_int(&o->j, "beat", p->beat);
		json_int(&o->j, "last_call_end", p->last_end);
		json_obj_close(&o->j);
		return 0;
	}
	sd_time_format(p->beat, beat, sizeof beat);
	snprintf(call, sizeof call, p->call ? "%llu" : "-",
	    (unsigned long long)p->call);
	cells[0] = p->login;
	cells[1] = p->name;
	cells[2] = sd_presence_state_name(p->state);
	cells[3] = p->reason[0] ? p->reason : "-";
	cells[4] = call;
	cells[5] = beat;
	out_table_row(&o->t, cells);
	return 0;
}

int
cmd_presence_list(struct ctl_ctx *c)
{
	static const char *const heads[] = { "LOGIN", "NAME", "STATE", "REASON",
	    "CALL", "LAST SEEN" };
	struct out_list o;

	out_list_begin(&o, c->json, 6, heads);
	return out_list_end(&o, sd_presence_list(&c->sess, presence_row, &o,
	    &c->err));
}

int
cmd_modem_ports(struct ctl_ctx *c)
{
	char **names;
	int n, st;
	struct out_json j;

	if ((st = drv_serial_list(&names, &n, &c->err)) != SD_OK)
		return st;
	if (c->json) {
		json_begin(&j, ctl_out());
		json_arr_open(&j, NULL);
		for (int i = 0; i < n; i++)
			json_str(&j, NULL, names[i]);
		json_arr_close(&j);
		json_end(&j);
	} else
		for (int i = 0; i < n; i++)
			fprintf(ctl_out(), "%s\n", names[i]);
	drv_serial_list_free(names, n);
	return SD_OK;
}

static int
wait_job(struct ctl_ctx *c, uint64_t job, int seconds)
{
	struct sd_teljob j;
	int st;

	if ((st = sd_job_wait(&c->sess, job, seconds, &j, &c->err)) != SD_OK)
		return st;
	if (j.status == SD_JOB_FAILED)
		return sd_err_set(&c->err, SD_EREFUSED, "%s", j.result);
	fprintf(ctl_out(), "%s\n", j.result);
	return SD_OK;
}

int
cmd_modem_switch(struct ctl_ctx *c)
{
	char *end;
	long slot = strtol(c->args[1], &end, 10);
	uint64_t job;
	int st;

	if (c->args[1][0] == '\0' || *end != '\0')
		return sd_err_set(&c->err, SD_EINVAL, "slot: '%.10s' is not a "
		    "number", c->args[1]);
	if ((st = sd_modem_switch(&c->sess, c->args[0], (int)slot, &job,
	    &c->err)) != SD_OK)
		return st;
	return wait_job(c, job, 40);
}

int
cmd_modem_fault(struct ctl_ctx *c)
{
	uint64_t job;
	int st;

	if ((st = sd_modem_simulate(&c->sess, c->args[0], SD_JOB_FAULT,
	    c->args[1], NULL, &job, &c->err)) != SD_OK)
		return st;
	return wait_job(c, job, 10);
}

int
cmd_modem_ring(struct ctl_ctx *c)
{
	uint64_t job;
	int st;

	if ((st = sd_modem_simulate(&c->sess, c->args[0], SD_JOB_RING,
	    c->args[1], NULL, &job, &c->err)) != SD_OK)
		return st;
	return wait_job(c, job, 10);
}

int
cmd_modem_text(struct ctl_ctx *c)
{
	uint64_t job;
	int st;

	if ((st = sd_modem_simulate(&c->sess, c->args[0], SD_JOB_SMS_IN,
	    c->args[1], c->args[2], &job, &c->err)) != SD_OK)
		return st;
	return wait_job(c, job, 10);
}

int
cmd_ussd(struct ctl_ctx *c)
{
	uint64_t job;
	int st;

	if ((st = sd_ussd(&c->sess, c->args[0], c->args[1], &job, &c->err)) !=
	    SD_OK)
		return st;
	return wait_job(c, job, 30);
}

/* ---------------------------------------------------------------- calls */

int
cmd_call_dial(struct ctl_ctx *c)
{
	uint64_t id;
	int st;

	if ((st = sd_call_dial(&c->sess, c->args[0], ctl_opt(c, "modem"),
	    ctl_opt(c, "as"), &id, &c->err)) != SD_OK)
		return st;
	fprintf(ctl_out(), "%llu\n", (unsigned long long)id);
	return SD_OK;
}

int
cmd_call_hangup(struct ctl_ctx *c)
{
	uint64_t id;
	int st;

	if ((st = parse_id(c, "call", c->args[0], &id)) != SD_OK)
		return st;
	return sd_call_hangup(&c->sess, id, &c->err);
}

int
cmd_call_answer(struct ctl_ctx *c)
{
	uint64_t id;
	int st;

	if ((st = parse_id(c, "call", c->args[0], &id)) != SD_OK)
		return st;
	return sd_call_answer(&c->sess, id, &c->err);
}

static void
call_json(struct out_json *j, const struct sd_call *x)
{
	json_obj_open(j, NULL);
	json_int(j, "id", (long long)x->id);
	json_str(j, "direction", x->direction == SD_DIR_IN ? "in" : "out");
	json_str(j, "caller", x->caller);
	json_str(j, "callee", x->callee);
	json_int(j, "duration_s", x->duration);
	json_int(j, "billsec_s", x->billsec);
	json_str(j, "modem", x->modem);
	json_str(j, "iccid", x->iccid);
	json_str(j, "operator", x->operator);
	json_int(j, "customer", (long long)x->customer);
	json_int(j, "start", x->start);
	json_int(j, "answer", x->answer);
	json_int(j, "end", x->end);
	json_str(j, "state", sd_call_state_name(x->state));
	json_str(j, "disposition", x->disposition);
	json_int(j, "unit_mfen", x->unit_mfen);
	json_int(j, "cost_fen", x->cost_fen);
	json_str(j, "outcome", x->outcome);
	json_str(j, "recording", x->recording);
	json_int(j, "recording_s", x->rec_seconds);
	json_str(j, "offered", x->offered);
	json_obj_close(j);
}

static int
call_row(const struct sd_call *x, void *arg)
{
	struct out_list *o = arg;
	char id[24], st[24], dur[16], cust[24];
	const char *cells[10];

	if (o->json) {
		call_json(&o->j, x);
		return 0;
	}
	snprintf(id, sizeof id, "%llu", (unsigned long long)x->id);
	sd_time_format(x->start ? x->start : x->created, st, sizeof st);
	snprintf(dur, sizeof dur, "%d/%d", x->billsec, x->duration);
	snprintf(cust, sizeof cust, x->customer ? "%llu" : "-",
	    (unsigned long long)x->customer);
	cells[0] = id;
	cells[1] = st;
	cells[2] = x->direction == SD_DIR_IN ? "in" : "out";
	cells[3] = x->caller;
	cells[4] = x->callee;
	cells[5] = x->modem;
	cells[6] = x->operator[0] ? x->operator : "-";
	cells[7] = cust;
	cells[8] = x->state == SD_CALL_ENDED ? x->disposition :
	    sd_call_state_name(x->state);
	cells[9] = dur;
	out_table_row(&o->t, cells);
	return 0;
}

/* call recording ID --out FILE: the WAV, written whole or not at all. */
int
cmd_call_dtmf(struct ctl_ctx *c)
{
	uint64_t id;
	int rc;

	if ((rc = parse_id(c, "call", c->args[0], &id)) != SD_OK)
		return rc;
	return sd_call_dtmf(&c->sess, id, c->args[1], &c->err);
}

int
cmd_call_recording(struct ctl_ctx *c)
{
	const char *out = ctl_opt(c, "out");
	char path[SD_PATH_MAX + 64], buf[65536];
	uint64_t id;
	FILE *in, *o;
	size_t n;
	int rc, bad = 0;

	if (out == NULL || out[0] == '\0')
		return sd_err_set(&c->err, SD_EUSAGE, "call recording: --out FILE "
		    "is required (- for standard output)");
	if ((rc = parse_id(c, "call", c->args[0], &id)) != SD_OK ||
	    (rc = sd_call_recording(&c->sess, id, path, sizeof path,
	    &c->err)) != SD_OK)
		return rc;
	if ((in = fopen(path, "rb")) == NULL)
		return sd_err_set(&c->err, SD_ENOTFOUND, "%s: %s", path,
		    strerror(errno));
	if (strcmp(out, "-") == 0) {
		while ((n = fread(buf, 1, sizeof buf, in)) > 0)
			if (fwrite(buf, 1, n, ctl_out()) != n)
				bad = 1;
		fclose(in);
		if (bad || fflush(ctl_out()) != 0)
			return sd_err_set(&c->err, SD_EINTERNAL, "standard output: "
			    "%s", strerror(errno));
		return SD_OK;
	}
	/* The file is the client's (written whole or not at all by it). */
	if ((o = sd_file_open(out, "wb", &c->err)) == NULL) {
		fclose(in);
		return sd_err_set(&c->err, SD_EINVAL, "--out %s", c->err.msg);
	}
	errno = 0;	/* the message names this copy's failure, no older one */
	while ((n = fread(buf, 1, sizeof buf, in)) > 0)
		if (fwrite(buf, 1, n, o) != n)
			bad = 1;
	bad |= ferror(in);
	fclose(in);
	if (fclose(o) != 0 || bad)
		return sd_err_set(&c->err, SD_EINVAL, "--out %s: %s", out,
		    strerror(errno ? errno : EIO));
	fprintf(ctl_out(), "%s\n", out);
	return SD_OK;
}

/* --date YYYY-MM-DD: that local day. */
static int
day_range(struct ctl_ctx *c, int64_t *from, int64_t *to)
{
	const char *d = ctl_opt(c, "date");

	*from = *to = 0;
	if (d == NULL)
		return SD_OK;
	if (strlen(d) != 10 || sd_time_parse(d, from) != SD_OK)
		return sd_err_set(&c->err, SD_EINVAL, "--date: '%.20s' is not "
		    "YYYY-MM-DD", d);
	*to = *from + 86400;
	return SD_OK;
}

int
cmd_call_list(struct ctl_ctx *c)
{
	static const char *const heads[] = { "CALL", "START", "DIR", "CALLER",
	    "CALLEE", "MODEM", "OPERATOR", "CUSTOMER", "RESULT", "TALK/ALL" };
	struct sd_call_filter f;
	struct out_list o;
	const char *cu = ctl_opt(c, "customer");
	int st;

	memset(&f, 0, sizeof f);
	f.operator = ctl_opt(c, "operator");
	f.missed = ctl_opt(c, "missed") != NULL;
	if ((st = day_range(c, &f.from, &f.to)) != SD_OK)
		return st;
	if (cu != NULL && (st = parse_id(c, "customer", cu, &f.customer)) != SD_OK)
		return st;
	out_list_begin(&o, c->json, 10, heads);
	o.t.right[9] = 1;
	return out_list_end(&o, sd_call_list(&c->sess, &f, call_row, &o,
	    &c->err));
}

int
cmd_call_show(struct ctl_ctx *c)
{
	struct sd_call x;
	struct out_json j;
	uint64_t id;
	char st[24], an[24], en[24], unit[32], cost[32];
	int rc;

	if ((rc = parse_id(c, "call", c->args[0], &id)) != SD_OK ||
	    (rc = sd_call_get(&c->sess, id, &x, &c->err)) != SD_OK)
		return rc;
	if (c->json) {
		json_begin(&j, ctl_out());
		call_json(&j, &x);
		json_end(&j);
		return SD_OK;
	}
	sd_time_format(x.start ? x.start : x.created, st, sizeof st);
	if (x.answer)
		sd_time_format(x.answer, an, sizeof an);
	else
		sd_strlcpy(an, "-", sizeof an);
	if (x.end)
		sd_time_format(x.end, en, sizeof en);
	else
		sd_strlcpy(en, "-", sizeof en);
	sd_money_format(x.unit_mfen / 1000, unit, sizeof unit);
	sd_money_format(x.cost_fen, cost, sizeof cost);
	fprintf(ctl_out(), "call:      %llu (%s)\ncaller:    %s\ncallee:    %s\n"
	    "modem:     %s (SIM %s)\noperator:  %s\ncustomer:  %llu\n"
	    "start:     %s\nanswer:    %s\nend:       %s\n"
	    "seconds:   %d talk, %d in all\nstate:     %s %s\n"
	    "unit fee:  %s/min %s\ntotal fee: %s\noutcome:   %s\n",
	    (unsigned long long)x.id, x.direction == SD_DIR_IN ? "in" : "out",
	    x.caller, x.callee, x.modem[0] ? x.modem : "-",
	    x.iccid[0] ? x.iccid : "-", x.operator[0] ? x.operator : "-",
	    (unsigned long long)x.customer, st, an, en, x.billsec, x.duration,
	    sd_call_state_name(x.state), x.disposition, unit, x.rate_name, cost,
	    x.outcome[0] ? x.outcome : "-");
	if (x.offered[0] != '\0')
		fprintf(ctl_out(), "offered:   %s\n", x.offered);
	if (x.recording[0] != '\0')
		fprintf(ctl_out(), "recording: %s (%d s; simdeskctl call recording %llu "
		    "--out FILE)\n", x.recording, x.rec_seconds,
		    (unsigned long long)x.id);
	return SD_OK;
}

static int
stats_row(const struct sd_call_stats *s, void *arg)
{
	struct out_list *o = arg;
	char calls[16], ans[16], talk[24], in[16], missed[16];
	const char *cells[6];

	if (o->json) {
		json_obj_open(&o->j, NULL);
		json_str(&o->j, "operator", s->operator);
		json_int(&o->j, "calls", s->calls);
		json_int(&o->j, "answered", s->answered);
		json_int(&o->j, "talk_s", s->talk_s);
		json_int(&o->j, "incoming", s->in);
		json_int(&o->j, "missed", s->missed);
		json_obj_close(&o->j);
		return 0;
	}
	snprintf(calls, sizeof calls, "%ld", s->calls);
	snprintf(ans, sizeof ans, "%ld", s->answered);
	snprintf(talk, sizeof talk, "%ld:%02ld", s->talk_s / 60, s->talk_s % 60);
	snprintf(in, sizeof in, "%ld", s->in);
	snprintf(missed, sizeof missed, "%ld", s->missed);
	cells[0] = s->operator;
	cells[1] = calls;
	cells[2] = ans;
	cells[3] = talk;
	cells[4] = in;
	cells[5] = missed;
	out_table_row(&o->t, cells);
	return 0;
}

int
cmd_call_stats(struct ctl_ctx *c)
{
	static const char *const heads[] = { "OPERATOR", "CALLS", "ANSWERED",
	    "TALK", "IN", "MISSED" };
	struct out_list o;
	int64_t from, to;
	int st;

	if ((st = day_range(c, &from, &to)) != SD_OK)
		return st;
	out_list_begin(&o, c->json, 6, heads);
	for (int i = 1; i < 6; i++)
		o.t.right[i] = 1;
	return out_list_end(&o, sd_call_stats(&c->sess, from, to, stats_row, &o,
	    &c->err));
}

/* ---------------------------------------------------------------- SMS */

int
cmd_sms_send(struct ctl_ctx *c)
{
	uint64_t id;
	int st;

	if ((st = sd_sms_send(&c->sess, c->args[0], c->args[1],
	    ctl_opt(c, "modem"), &id, &c->err)) != SD_OK)
		return st;
	fprintf(ctl_out(), "%llu\n", (unsigned long long)id);
	return SD_OK;
}

static int
sms_row(const struct sd_sms *m, void *arg)
{
	struct out_list *o = arg;
	char id[24], at[24], parts[8];
	const char *cells[7];
	struct sd_buf t = SD_BUF_INIT;

	if (o->json) {
		json_obj_open(&o->j, NULL);
		json_int(&o->j, "id", (long long)m->id);
		json_str(&o->j, "direction", m->direction == SD_DIR_IN ? "in" :
		    "out");
		json_str(&o->j, "number", m->number);
		json_str(&o->j, "text", m->text);
		json_int(&o->j, "parts", m->parts);
		json_str(&o->j, "modem", m->modem);
		json_str(&o->j, "status", m->status);
		json_str(&o->j, "error", m->error);
		json_int(&o->j, "at", m->at);
		json_obj_close(&o->j);
		return 0;
	}
	snprintf(id, sizeof id, "%llu", (unsigned long long)m->id);
	sd_time_format(m->at, at, sizeof at);
	snprintf(parts, sizeof parts, "%d", m->parts);
	sd_width_fit(&t, m->text, 40, 0);
	cells[0] = id;
	cells[1] = at;
	cells[2] = m->direction == SD_DIR_IN ? "in" : "out";
	cells[3] = m->number;
	cells[4] = m->error[0] ? m->error : m->status;
	cells[5] = parts;
	cells[6] = sd_buf_cstr(&t);
	out_table_row(&o->t, cells);
	sd_buf_free(&t);
	return 0;
}

int
cmd_sms_list(struct ctl_ctx *c)
{
	static const char *const heads[] = { "SMS", "TIME", "DIR", "NUMBER",
	    "STATUS", "PARTS", "TEXT" };
	struct out_list o;
	int limit = 0, st;

	if ((st = ctl_opt_int(c, "limit", 1, 1000000, &limit)) != SD_OK)
		return st;
	out_list_begin(&o, c->json, 7, heads);
	return out_list_end(&o, sd_sms_list(&c->sess, limit, sms_row, &o,
	    &c->err));
}

int
cmd_sms_decode(struct ctl_ctx *c)
{
	struct drv_sms *m = xmalloc(sizeof *m);
	struct out_json j;
	char ts[40];
	int st;

	if ((st = drv_pdu_decode(c->args[0], m, &c->err)) != SD_OK) {
		free(m);
		return st;
	}
	ts[0] = '\0';
	if (m->type != DRV_SMS_SUBMIT)
		drv_sms_time_format(m->timestamp, m->tz_minutes, ts, sizeof ts);
	if (c->json) {
		json_begin(&j, ctl_out());
		json_obj_open(&j, NULL);
		json_str(&j, "type", drv_sms_type_name(m->type));
		json_str(&j, m->type == DRV_SMS_DELIVER ? "sender" : "recipient",
		    m->addr);
		json_str(&j, "smsc", m->smsc);
		if (ts[0])
			json_str(&j, "timestamp", ts);
		json_str(&j, "encoding", drv_sms_enc_name(m->enc));
		json_str(&j, "text", m->text);
		if (m->concat_total > 0) {
			json_int(&j, "concat_ref", m->concat_ref);
			json_int(&j, "concat_part", m->concat_part);
			json_int(&j, "concat_total", m->concat_total);
		}
		if (m->type == DRV_SMS_STATUS)
			json_int(&j, "status", m->status);
		if (m->port_dst >= 0)
			json_int(&j, "port", m->port_dst);
		json_obj_close(&j);
		json_end(&j);
	} else {
		fprintf(ctl_out(), "type:      %s\n%s %s\nsmsc:      %s\n",
		    drv_sms_type_name(m->type), m->type == DRV_SMS_DELIVER ?
		    "sender:   " : "recipient:", m->addr, m->smsc);
		if (ts[0])
			fprintf(ctl_out(), "timestamp: %s\n", ts);
		fprintf(ctl_out(), "encoding:  %s\n", drv_sms_enc_name(m->enc));
		if (m->concat_total > 0)
			fprintf(ctl_out(), "part:      %d of %d (reference %d)\n",
			    m->concat_part, m->concat_total, m->concat_ref);
		if (m->type == DRV_SMS_STATUS)
			fprintf(ctl_out(), "status:    %d\n", m->status);
		fprintf(ctl_out(), "text:      %s\n", m->text);
	}
	free(m);
	return SD_OK;
}

/* Call history from another system: one transaction for the file. */
int
cmd_call_import(struct ctl_ctx *c)
{
	struct sd_table t;
	struct sd_import_result r;
	int st;

	if ((st = ctl_read_table(c, c->args[0], &t)) != SD_OK)
		return st;
	st = sd_call_import(&c->sess, c->args[0], &t, ctl_opt(c, "skip-bad"),
	    ctl_isatty(STDERR_FILENO) && t.nrows > 5000 ? ctl_progress : NULL,
	    (void *)"importing", &r, &c->err);
	if (st == SD_OK) {
		if (c->json)
			fprintf(ctl_out(), "{\"imported\": %ld, \"rejected\": %ld}\n",
			    r.imported, r.rejected);
		else
			fprintf(ctl_out(), "imported %ld, rejected %ld\n",
			    r.imported, r.rejected);
	}
	sd_table_free(&t);
	return st;
}
