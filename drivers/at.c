/*
 * at.c -- the AT engine: one command at a time per modem from a queue,
 * each with its own deadline; lines split on CR, LF or both, blank lines,
 * NULs and control bytes dropped; echo skipped; unsolicited result codes
 * recognised wherever they arrive (between replies or inside one) and
 * handed to the modem driver without touching the command's deadline; the
 * SMS prompt; and after a timeout a drain, so a late reply is never taken
 * as the answer to the next command.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "drivers/drivers_int.h"

static const struct { const char *text; int final; } finals[] = {
	{ "OK", AT_R_OK }, { "ERROR", AT_R_ERROR },
	{ "NO CARRIER", AT_R_NO_CARRIER }, { "BUSY", AT_R_BUSY },
	{ "NO ANSWER", AT_R_NO_ANSWER }, { "NO DIALTONE", AT_R_NO_DIALTONE },
	{ "NO DIAL TONE", AT_R_NO_DIALTONE },
};

const char *
at_final_name(int final)
{
	static const char *const n[] = { "OK", "ERROR", "+CME ERROR",
	    "+CMS ERROR", "NO CARRIER", "BUSY", "NO ANSWER", "NO DIALTONE",
	    "timeout", "modem gone" };

	return final >= 0 && final <= AT_R_GONE ? n[final] : "?";
}

/* The final result code a line is, or -1; *code gets the CME/CMS number. */
int
at_line_final(const char *line, int *code)
{
	*code = 0;
	for (size_t i = 0; i < sizeof finals / sizeof finals[0]; i++)
		if (strcmp(line, finals[i].text) == 0)
			return finals[i].final;
	if (strncmp(line, "+CME ERROR:", 11) == 0) {
		*code = atoi(line + 11);
		return AT_R_CME;
	}
	if (strncmp(line, "+CMS ERROR:", 11) == 0) {
		*code = atoi(line + 11);
		return AT_R_CMS;
	}
	return -1;
}

/* Prefixes that are URCs unless the command in flight asked for them. */
static const struct { const char *prefix; const char *cmd; int pdu; } urcs[] = {
	{ "RING", NULL, 0 }, { "+CRING:", NULL, 0 }, { "+CLIP:", NULL, 0 },
	{ "+CMTI:", NULL, 0 }, { "+CMT:", NULL, 1 }, { "+CDS:", NULL, 1 },
	{ "+CDSI:", NULL, 0 }, { "+CUSD:", NULL, 0 }, { "+CIEV:", NULL, 0 },
	{ "+CREG:", "AT+CREG", 0 }, { "+CLCC:", "AT+CLCC", 0 },
	{ "+CPIN:", "AT+CPIN", 0 }, { "^RSSI:", NULL, 0 }, { "^ORIG:", NULL, 0 },
	{ "^CONF:", NULL, 0 }, { "^CONN:", NULL, 0 }, { "^CEND:", NULL, 0 },
	{ "^BOOT:", NULL, 0 }, { "^MODE:", NULL, 0 }, { "^SRVST:", NULL, 0 },
	{ "^SIMST:", NULL, 0 }, { "+SIMSLOT:", NULL, 0 },
};

int
at_line_urc(const char *line, const char *cmd)
{
	for (size_t i = 0; i < sizeof urcs / sizeof urcs[0]; i++) {
		size_t n = strlen(urcs[i].prefix);

		if (strncmp(line, urcs[i].prefix, n) != 0)
			continue;
		if (n == 4 && line[4] != '\0')	/* "RING" alone */
			continue;
		if (urcs[i].cmd != NULL && cmd != NULL &&
		    strncasecmp(cmd, urcs[i].cmd, strlen(urcs[i].cmd)) == 0)
			return 0;
		return urcs[i].pdu ? 2 : 1;
	}
	return 0;
}

void
at_engine_init(struct at_engine *e, at_write_fn wr, void *io, at_urc_fn urc,
    void *urc_arg)
{
	memset(e, 0, sizeof *e);
	e->write = wr;
	e->io = io;
	e->urc = urc;
	e->urc_arg = urc_arg;
	e->drain_ms = 500;
}

void
at_engine_free(struct at_engine *e)
{
	sd_buf_free(&e->info);
}

static struct at_cmd *
cur(struct at_engine *e)
{
	return e->busy ? &e->q[e->qhead] : NULL;
}

static void
send_next(struct at_engine *e, int64_t now)
{
	struct at_cmd *c;

	if (e->busy || e->qlen == 0 || e->write_blocked ||
	    (e->draining && now < e->drain_until))
		return;
	e->draining = 0;
	c = &e->q[e->qhead];
	e->busy = 1;
	e->deadline = now + c->timeout_ms;
	e->sent_at = now;
	e->prompt_wait = c->body[0] != '\0';
	sd_buf_reset(&e->info);
	e->ninfo = 0;
	e->write(e->io, c->cmd, strlen(c->cmd));
	e->write(e->io, "\r", 1);
	e->sent++;
}

int
at_queue(struct at_engine *e, const char *cmd, const char *body,
    int timeout_ms, at_done_fn done, void *arg, int64_t now)
{
	struct at_cmd *c;

	if (e->qlen == AT_QUEUE_MAX || strlen(cmd) >= sizeof c->cmd ||
	    (body != NULL && strlen(body) >= sizeof c->body))
		return -1;
	c = &e->q[(e->qhead + e->qlen) % AT_QUEUE_MAX];
	sd_strlcpy(c->cmd, cmd, sizeof c->cmd);
	sd_strlcpy(c->body, body != NULL ? body : "", sizeof c->body);
	c->timeout_ms = timeout_ms;
	c->done = done;
	c->arg = arg;
	e->qlen++;
	send_next(e, now);
	return 0;
}

/* End the command in flight with a final result. */
static void
complete(struct at_engine *e, int final, int code, const char *text,
    int64_t now)
{
	struct at_cmd c = e->q[e->qhead];
	struct at_result r;
	const char *lines[AT_INFO_MAX];

	e->qhead = (e->qhead + 1) % AT_QUEUE_MAX;
	e->qlen--;
	e->busy = 0;
	e->prompt_wait = 0;
	memset(&r, 0, sizeof r);
	r.final = final;
	r.code = code;
	r.ninfo = e->ninfo;
	for (int i = 0; i < e->ninfo; i++)
		lines[i] = e->info.p + e->info_off[i];
	r.info = lines;
	sd_strlcpy(r.final_text, text, sizeof r.final_text);
	r.latency_ms = now - e->sent_at;
	if (final == AT_R_TIMEOUT) {
		/* Whatever answer is still coming belongs to this command. */
		e->draining = 1;
		e->drain_until = now + e->drain_ms;
		e->timeouts++;
	}
	if (c.done != NULL)
		c.done(c.arg, &r);
	send_next(e, now);
}

static void
line_in(struct at_engine *e, char *line, int64_t now)
{
	struct at_cmd *c = cur(e);
	int final, code, u, alnum = 0;

	/* A line with no letter or digit is line noise, never an answer. */
	for (const char *p = line; *p && !alnum; p++)
		alnum = (*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= 'a' && *p <= 'z');
	if (!alnum) {
		e->garbage++;
		return;
	}
	if (e->pdu_for[0] != '\0') {
		/* The second line of +CMT / +CDS. */
		char head[AT_LINE_MAX];

		sd_strlcpy(head, e->pdu_for, sizeof head);
		e->pdu_for[0] = '\0';
		if (e->urc != NULL)
			e->urc(e->urc_arg, head, line);
		return;
	}
	/* Echo of the command (or of any AT line when echo was turned on
	 * behind our back). */
	if (c != NULL && strcasecmp(line, c->cmd) == 0)
		return;
	if (strncasecmp(line, "AT", 2) == 0 && (c == NULL ||
	    strncasecmp(line, c->cmd, strlen(line)) == 0 || e->draining))
		return;
	if ((u = at_line_urc(line, c != NULL ? c->cmd : NULL)) != 0) {
		if (u == 2) {
			sd_strlcpy(e->pdu_for, line, sizeof e->pdu_for);
			return;
		}
		e->urcs++;
		if (e->urc != NULL)
			e->urc(e->urc_arg, line, NULL);
		return;
	}
	final = at_line_final(line, &code);
	if (e->draining && c == NULL) {
		/* The late answer of a command that timed out: done with it. */
		if (final >= 0) {
			e->draining = 0;
			e->late++;
			send_next(e, now);
		}
		return;
	}
	if (c == NULL) {
		/* Call progress arrives as final codes with nothing asked. */
		if (final == AT_R_NO_CARRIER || final == AT_R_BUSY ||
		    final == AT_R_NO_ANSWER || final == AT_R_NO_DIALTONE) {
			if (e->urc != NULL)
				e->urc(e->urc_arg, line, NULL);
		} else
			e->stray++;
		return;
	}
	if (final >= 0) {
		complete(e, final, code, line, now);
		return;
	}
	if (e->ninfo < AT_INFO_MAX) {
		e->info_off[e->ninfo++] = e->info.len;
		sd_buf_add(&e->info, line, strlen(line) + 1);
	}
}

void
at_feed(struct at_engine *e, const char *buf, size_t n, int64_t now)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)buf[i];
		struct at_cmd *c = cur(e);

		if (ch == '\r' || ch == '\n') {
			if (e->lbn > 0) {
				e->lb[e->lbn] = '\0';
				/* Trailing spaces carry nothing. */
				while (e->lbn > 0 && e->lb[e->lbn - 1] == ' ')
					e->lb[--e->lbn] = '\0';
				e->lbn = 0;
				if (e->lb[0] != '\0')
					line_in(e, e->lb, now);
			}
			continue;
		}
		if (ch == 0 || (ch < 0x20 && ch != '\t') || ch == 0x7f) {
			e->garbage++;
			continue;
		}
		if (e->lbn == 0 && ch == ' ')
			continue;
		if (e->lbn + 1 >= sizeof e->lb) {
			/* An endless line is noise: drop it. */
			e->garbage += e->lbn;
			e->lbn = 0;
			continue;
		}
		e->lb[e->lbn++] = (char)ch;
		/* The SMS prompt "> " ends no line. */
		if (c != NULL && e->prompt_wait && e->lbn == 1 && ch == '>') {
			e->lbn = 0;
			e->prompt_wait = 0;
			e->write(e->io, c->body, strlen(c->body));
			e->write(e->io, "\x1a", 1);
		}
	}
}

void
at_tick(struct at_engine *e, int64_t now)
{
	if (e->busy && now >= e->deadline)
		complete(e, AT_R_TIMEOUT, 0, "timeout", now);
	else if (!e->busy)
		send_next(e, now);
}

int64_t
at_next_event(const struct at_engine *e)
{
	if (e->busy)
		return e->deadline;
	if (e->qlen > 0 && e->draining)
		return e->drain_until;
	return -1;
}

void
at_fail_all(struct at_engine *e, int64_t now)
{
	int n = e->qlen;

	e->draining = 0;
	e->lbn = 0;
	e->pdu_for[0] = '\0';
	e->write_blocked = 1;
	/* Callbacks may queue again; those wait for the modem to return. */
	while (n-- > 0 && e->qlen > 0) {
		if (!e->busy) {
			e->busy = 1;
			e->sent_at = now;
			e->ninfo = 0;
		}
		complete(e, AT_R_GONE, 0, "modem gone", now);
	}
	e->write_blocked = 0;
}

/* The first info line starting with prefix (NULL: the first), or NULL. */
const char *
at_info(const struct at_result *r, const char *prefix)
{
	for (int i = 0; i < r->ninfo; i++)
		if (prefix == NULL || strncmp(r->info[i], prefix,
		    strlen(prefix)) == 0)
			return r->info[i];
	return NULL;
}
