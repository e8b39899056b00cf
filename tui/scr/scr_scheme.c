/*
 * scr_scheme.c -- the commission schemes (佣金方案) for admins and
 * supervisors, from the Settlements screen: each scheme with its versions
 * and the agents it is in force for; a scheme's versions one by one (its
 * bounties and shares by plan, its tiers, overrides, frozen and protected
 * days); and the forms that make a new version (a, b, t) as simdeskctl's
 * commission scheme add|bounty|tier do.  Every rule is core's.
 */
#include <stdlib.h>
#include <string.h>

#include "scr.h"

#define SCHEMES_MAX	500

/* ---------------------------------------------------------------- helpers */

/* A version's start as YYYY-MM-DD, "-" for from the start. */
static void
from_text(int64_t from, char *out, size_t size)
{
	char t[32];

	if (from <= 0) {
		snprintf(out, size, "-");
		return;
	}
	sd_time_format(from, t, sizeof t);
	t[10] = '\0';
	sd_strlcpy(out, t, size);
}

static void
pct_text(int bp, char *out, size_t size)
{
	snprintf(out, size, "%d.%02d%%", bp / 100, bp % 100);
}

enum { SF_ADD, SF_BOUNTY, SF_TIER };
static struct screen *sform_new(int kind, const char *code);

/* ---------------------------------------------------------------- the list */

struct schemes_data {
	struct sd_scheme_summary *rows;
	int			 n, sel, top;
};

static int
schemes_keep(const struct sd_scheme_summary *sm, void *arg)
{
	struct schemes_data *d = arg;

	if (d->n >= SCHEMES_MAX)
		return 1;
	d->rows[d->n++] = *sm;
	return 0;
}

static void
schemes_open(struct screen *s)
{
	struct schemes_data *d = s->data;
	struct sd_err err;

	d->n = 0;
	sd_err_clear(&err);
	if (rpc_scheme_summary(&app.sess, schemes_keep, d, &err) != SD_OK)
		app_error(&err);
	if (d->sel >= d->n)
		d->sel = d->n > 0 ? d->n - 1 : 0;
}

static void
schemes_draw(struct screen *s)
{
	struct schemes_data *d = s->data;
	struct sd_buf b = SD_BUF_INIT;
	int y = 2, rows;

	cell_fit(&b, _("Code"), 16);
	sd_buf_adds(&b, " ");
	cell_fit(&b, _("Scheme name"), 22);
	sd_buf_adds(&b, " ");
	cell_fit(&b, _("Versions"), 8);
	sd_buf_adds(&b, " ");
	cell_fit(&b, _("In force"), 8);
	sd_buf_adds(&b, " ");
	cell_fit(&b, _("Agents"), 7);
	sd_buf_adds(&b, " ");
	cell_fit(&b, _("Own"), 5);
	put_text(y++, 2, COLS - 4, sd_buf_cstr(&b), theme_attr(TH_HEADER));
	rows = LINES - 3 - y;
	if (d->sel < d->top)
		d->top = d->sel;
	if (rows > 0 && d->sel >= d->top + rows)
		d->top = d->sel - rows + 1;
	if (d->n == 0)
		put_text(y, 2, COLS - 4, _("No schemes yet: a adds one."),
		    theme_attr(TH_DIM));
	for (int i = d->top; i < d->n && y < LINES - 3; i++, y++) {
		const struct sd_scheme_summary *sm = &d->rows[i];
		char cur[16];

		if (sm->current > 0)
			snprintf(cur, sizeof cur, "v%d", sm->current);
		else
			snprintf(cur, sizeof cur, "-");
		sd_buf_reset(&b);
		cell_fit(&b, sm->latest.code, 16);
		sd_buf_adds(&b, " ");
		cell_fit(&b, sm->latest.name, 22);
		sd_buf_printf(&b, " %8d ", sm->versions);
		cell_fit(&b, cur, 8);
		sd_buf_printf(&b, " %7ld %5ld", sm->agents, sm->agents_own);
		put_text(y, 2, COLS - 4, sd_buf_cstr(&b), i == d->sel ?
		    theme_attr(TH_SELECTED) : theme_attr(TH_NORMAL));
	}
	sd_buf_free(&b);
}

static struct screen *scheme_view_new(const char *code);

static void
schemes_key(struct screen *s, enum action a, wint_t ch)
{
	struct schemes_data *d = s->data;
	const char *code = d->n > 0 ? d->rows[d->sel].latest.code : "";

	(void)ch;
	if (sel_move(a, &d->sel, d->n, 0))
		return;
	switch (a) {
	case ACT_BACK:
		screen_pop();
		return;
	case ACT_REFRESH:
		schemes_open(s);
		return;
	case ACT_OPEN:
		if (d->n > 0)
			screen_push(scheme_view_new(code));
		return;
	case ACT_ADD:
		/* A new scheme: the code is typed (one taken: a new version). */
		screen_push(sform_new(SF_ADD, ""));
		return;
	case ACT_EDIT:
		screen_push(sform_new(SF_BOUNTY, code));
		return;
	case ACT_RUN:
		screen_push(sform_new(SF_TIER, code));
		return;
	default:
		return;
	}
}

static void
schemes_close(struct screen *s)
{
	struct schemes_data *d = s->data;

	free(d->rows);
}

static const struct keybind schemes_keys[] = {
	{ '\r', ACT_OPEN, N_("Open"), "Enter" },
	KEY_CMD('a', ACT_ADD, "a", "commission scheme add"),
	KEY_CMD('b', ACT_EDIT, "b", "commission scheme bounty"),
	KEY_CMD('t', ACT_RUN, "t", "commission scheme tier"),
	{ 'r', ACT_REFRESH, N_("Refresh"), "r" },
	{ 27, ACT_BACK, N_("Back"), "Esc" },
	{ 'q', ACT_BACK, NULL, NULL },
	{ 0 }
};

static const struct screen_ops schemes_ops = {
	schemes_open, schemes_draw, schemes_key, schemes_close
};

struct screen *
scr_schemes_new(void)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct schemes_data *d = xcalloc(1, sizeof *d);

	d->rows = xcalloc(SCHEMES_MAX, sizeof *d->rows);
	s->ops = &schemes_ops;
	s->title = N_("Commission schemes");
	s->keys = schemes_keys;
	s->help = N_("The commission schemes (佣金方案), each with its number "
	    "of versions, the version in force today, and the agents it is in "
	    "force for (own: given to the agent itself; the others inherit it "
	    "from a parent, or have the default scheme). Enter shows a "
	    "scheme's versions. a adds a scheme, or a new version of one "
	    "whose code you type; b sets a plan's activation bounty and "
	    "revenue share, t a volume tier, each in a new version of the "
	    "selected scheme. A change never edits a version: entries already "
	    "accrued keep the figures they used.");
	s->data = d;
	s->nav = 1;
	return s;
}

/* ---------------------------------------------------------------- one scheme */

struct view_data {
	char		 code[SD_CODE_MAX + 1];
	struct sd_scheme *v;		/* every version, oldest first */
	int		 n, cap, sel, cur;	/* cur: in force now, or -1 */
};

static int
view_keep(const struct sd_scheme *v, void *arg)
{
	struct view_data *d = arg;

	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->v = xrealloc(d->v, (size_t)d->cap * sizeof *d->v);
	}
	d->v[d->n++] = *v;
	return 0;
}

/* The version in force, as core counts it (sd_scheme_summary). */
static int
view_current(const struct sd_scheme_summary *sm, void *arg)
{
	struct view_data *d = arg;

	if (strcmp(sm->latest.code, d->code) != 0)
		return 0;
	for (int i = 0; i < d->n; i++)
		if (d->v[i].version == sm->current)
			d->cur = i;
	return 1;
}

static void
view_open(struct screen *s)
{
	struct view_data *d = s->data;
	struct sd_err err;
	int had = d->n;

	d->n = 0;
	d->cur = -1;
	sd_err_clear(&err);
	if (rpc_scheme_list(&app.sess, d->code, view_keep, d, &err) != SD_OK ||
	    rpc_scheme_summary(&app.sess, view_current, d, &err) != SD_OK)
		app_error(&err);
	/* First, or after a new version: the one in force, else the last. */
	if (had != d->n || d->sel >= d->n)
		d->sel = d->cur >= 0 ? d->cur : d->n - 1;
	if (d->sel < 0)
		d->sel = 0;
}

/* The version's state in a word: in force, not yet, or replaced. */
static const char *
view_state(const struct view_data *d, int i)
{
	if (i == d->cur)
		return _("in force");
	if (d->cur < 0 || d->v[i].from > d->v[d->cur].from ||
	    (d->v[i].from == d->v[d->cur].from && i > d->cur))
		return _("not yet");
	return _("replaced");
}

static void
view_draw(struct screen *s)
{
	struct view_data *d = s->data;
	const struct sd_scheme *v;
	struct sd_buf b = SD_BUF_INIT;
	char from[16], p[16], m[32];
	int y = 2, y0, left = 46, hx = 50;

	if (d->n == 0) {
		put_text(y, 2, COLS - 4, _("No versions."), theme_attr(TH_DIM));
		return;
	}
	v = &d->v[d->sel];
	from_text(v->from, from, sizeof from);
	sd_buf_printf(&b, _("%s %s: version %d of %d, from %s (%s)"), v->code,
	    v->name, v->version, d->n, from, view_state(d, d->sel));
	put_text(y++, 2, COLS - 4, sd_buf_cstr(&b), theme_attr(TH_HEADER));
	sd_buf_reset(&b);
	sd_buf_printf(&b, _("Frozen %d days, protected %d days; overrides:"),
	    v->frozen_days, v->protect_days);
	for (int i = 0; i < v->noverride; i++) {
		pct_text(v->override_bp[i], p, sizeof p);
		sd_buf_printf(&b, "%s%s", i ? ", " : " ", p);
	}
	if (v->noverride == 0)
		sd_buf_printf(&b, " %s", _("none"));
	put_text(y++, 2, COLS - 4, sd_buf_cstr(&b), theme_attr(TH_NORMAL));
	y++;
	y0 = y;
	/* Left: the plans' bounties and shares, then the tiers. */
	sd_buf_reset(&b);
	cell_fit(&b, _("Plan"), 12);
	sd_buf_adds(&b, " ");
	cell_fit(&b, _("Bounty"), 10);
	sd_buf_adds(&b, " ");
	cell_fit(&b, _("Share"), 8);
	sd_buf_adds(&b, " ");
	cell_fit(&b, _("Months"), 6);
	put_text(y++, 2, left, sd_buf_cstr(&b), theme_attr(TH_HEADER));
	if (v->nplans == 0 && y < LINES - 3)
		put_text(y++, 2, left, _("no bounties"), theme_attr(TH_DIM));
	for (int i = 0; i < v->nplans && y < LINES - 3; i++) {
		sd_money_format(v->plans[i].bounty_fen, m, sizeof m);
		pct_text(v->plans[i].share_bp, p, sizeof p);
		sd_buf_reset(&b);
		cell_fit(&b, v->plans[i].plan, 12);
		sd_buf_printf(&b, " %10s %8s %6d", m, p,
		    v->plans[i].share_months);
		put_text(y++, 2, left, sd_buf_cstr(&b), theme_attr(TH_NORMAL));
	}
	y++;
	if (y < LINES - 3) {
		sd_buf_reset(&b);
		cell_fit(&b, _("Tier from no."), 14);
		sd_buf_adds(&b, " ");
		cell_fit(&b, _("Each"), 10);
		put_text(y++, 2, left, sd_buf_cstr(&b), theme_attr(TH_HEADER));
	}
	if (v->ntiers == 0 && y < LINES - 3)
		put_text(y++, 2, left, _("no tiers"), theme_attr(TH_DIM));
	for (int i = 0; i < v->ntiers && y < LINES - 3; i++) {
		sd_money_format(v->tiers[i].bonus_fen, m, sizeof m);
		sd_buf_reset(&b);
		sd_buf_printf(&b, "%14d %10s", v->tiers[i].from_nth, m);
		put_text(y++, 2, left, sd_buf_cstr(&b), theme_attr(TH_NORMAL));
	}
	/* Right: the versions, the one shown highlighted (j/k move). */
	y = y0;
	put_text(y++, hx, COLS - hx - 2, _("Versions"), theme_attr(TH_HEADER));
	{
		int rows = LINES - 3 - y, top = 0;

		if (rows > 0 && d->sel >= rows)
			top = d->sel - rows + 1;
		for (int i = top; i < d->n && y < LINES - 3; i++, y++) {
			from_text(d->v[i].from, from, sizeof from);
			sd_buf_reset(&b);
			sd_buf_printf(&b, "v%-3d %-10s ", d->v[i].version, from);
			cell_fit(&b, view_state(d, i), 10);
			put_text(y, hx, COLS - hx - 2, sd_buf_cstr(&b),
			    i == d->sel ? theme_attr(TH_SELECTED) :
			    i == d->cur ? theme_attr(TH_NORMAL) :
			    theme_attr(TH_DIM));
		}
	}
	sd_buf_free(&b);
}

static void
view_key(struct screen *s, enum action a, wint_t ch)
{
	struct view_data *d = s->data;

	(void)ch;
	if (sel_move(a, &d->sel, d->n, 0))
		return;
	switch (a) {
	case ACT_BACK:
		screen_pop();
		return;
	case ACT_REFRESH:
		view_open(s);
		return;
	case ACT_ADD:
		screen_push(sform_new(SF_ADD, d->code));
		return;
	case ACT_EDIT:
		screen_push(sform_new(SF_BOUNTY, d->code));
		return;
	case ACT_RUN:
		screen_push(sform_new(SF_TIER, d->code));
		return;
	default:
		return;
	}
}

static void
view_close(struct screen *s)
{
	struct view_data *d = s->data;

	free(d->v);
}

static const struct keybind view_keys[] = {
	KEY_CMD('a', ACT_ADD, "a", "commission scheme add"),
	KEY_CMD('b', ACT_EDIT, "b", "commission scheme bounty"),
	KEY_CMD('t', ACT_RUN, "t", "commission scheme tier"),
	{ 'r', ACT_REFRESH, N_("Refresh"), "r" },
	{ 27, ACT_BACK, N_("Back"), "Esc" },
	{ 'q', ACT_BACK, NULL, NULL },
	{ 0 }
};

static const struct screen_ops view_ops = {
	view_open, view_draw, view_key, view_close
};

static struct screen *
scheme_view_new(const char *code)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct view_data *d = xcalloc(1, sizeof *d);

	sd_strlcpy(d->code, code, sizeof d->code);
	s->ops = &view_ops;
	s->title = N_("Commission scheme");
	s->keys = view_keys;
	s->help = N_("One scheme's versions: on the right each version with "
	    "the day it takes effect from, the one in force today, later ones "
	    "not yet, earlier ones replaced; j and k (or the arrows) show "
	    "another. On the left the version shown: each plan's activation "
	    "bounty (激活奖励), its revenue share (月租分成) and for how many "
	    "billing months, the volume tiers (阶梯: from the Nth activation "
	    "of a month, so much each), the overrides per level up (多级分佣), "
	    "the frozen days (冻结期) and the protection window. a makes a new "
	    "version with other fields, b with a plan's bounty, t with a "
	    "tier; with a later effective date the version in force stays as "
	    "it is until then.");
	s->data = d;
	s->nav = 1;
	return s;
}

/* ---------------------------------------------------------------- forms */

enum { FA_CODE, FA_NAME, FA_FROM, FA_FROZEN, FA_PROTECT, FA_OVERRIDE,
    FA__COUNT };
enum { FB_CODE, FB_PLAN, FB_AMOUNT, FB_SHARE, FB_MONTHS, FB_FROM, FB__COUNT };
enum { FT_CODE, FT_NTH, FT_AMOUNT, FT_FROM, FT__COUNT };

struct sform_data {
	struct form	 form;
	struct ff_field	 f[FA__COUNT];
	int		 kind;
	int		 version;
};

/* An empty field is one not given (NULL), as the CLI's absent option. */
static const char *
given(const struct ff_field *fl)
{
	return fl->value[0] ? fl->value : NULL;
}

static int
sform_submit(struct form *f, struct sd_err *err)
{
	struct sform_data *d = f->ctx;
	struct ff_field *fl = d->f;

	if (d->kind == SF_ADD) {
		struct sd_scheme_fields sf;

		sd_scheme_fields_init(&sf);
		sf.name = given(&fl[FA_NAME]);
		sf.from = given(&fl[FA_FROM]);
		sf.frozen_days = given(&fl[FA_FROZEN]);
		sf.protect_days = given(&fl[FA_PROTECT]);
		sf.overrides = given(&fl[FA_OVERRIDE]);
		return rpc_scheme_add(&app.sess, fl[FA_CODE].value, &sf,
		    &d->version, err);
	}
	if (d->kind == SF_BOUNTY)
		return rpc_scheme_bounty(&app.sess, fl[FB_CODE].value,
		    fl[FB_PLAN].value, fl[FB_AMOUNT].value, given(&fl[FB_SHARE]),
		    given(&fl[FB_MONTHS]), given(&fl[FB_FROM]), &d->version, err);
	return rpc_scheme_tier(&app.sess, fl[FT_CODE].value, fl[FT_NTH].value,
	    fl[FT_AMOUNT].value, given(&fl[FT_FROM]), &d->version, err);
}

static void
sform_draw(struct screen *s)
{
	struct sform_data *d = s->data;

	form_draw(&d->form);
}

static void
sform_key(struct screen *s, enum action a, wint_t ch)
{
	struct sform_data *d = s->data;

	if (!form_key(&d->form, a, ch))
		return;
	if (d->form.done)
		app_message(0, _("Scheme %s: version %d."), d->f[0].value,
		    d->version);
	screen_pop();
}

static const struct screen_ops sform_ops = {
	NULL, sform_draw, sform_key, NULL
};

static struct screen *
sform_new(int kind, const char *code)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct sform_data *d = xcalloc(1, sizeof *d);
	struct ff_field *fl = d->f;
	int n;

	d->kind = kind;
	/* Core's names for the fields: its errors land under them. */
	ff_init(&fl[0], N_("Scheme code"), "scheme", FF_TEXT, 1, SD_CODE_MAX);
	sd_strlcpy(fl[0].value, code, sizeof fl[0].value);
	if (kind == SF_ADD) {
		ff_init(&fl[FA_NAME], N_("Scheme name"), "name", FF_TEXT, 0,
		    SD_NAME_MAX);
		ff_init(&fl[FA_FROM], N_("Effective from"), "from", FF_TEXT, 0,
		    10);
		ff_init(&fl[FA_FROZEN], N_("Frozen days"), "frozen-days",
		    FF_TEXT, 0, 8);
		ff_init(&fl[FA_PROTECT], N_("Protect days"), "protect-days",
		    FF_TEXT, 0, 8);
		ff_init(&fl[FA_OVERRIDE], N_("Overrides (%)"), "override",
		    FF_TEXT, 0, 60);
		n = FA__COUNT;
		s->title = N_("New scheme or version");
		s->help = N_("A new scheme, or a new version of the scheme "
		    "whose code is given. Scheme name: required for a new "
		    "scheme. Effective from: YYYY-MM-DD, empty for as the latest "
		    "version (a new scheme: from the start); a later day leaves "
		    "the version in force as it is until then. Frozen days: how "
		    "long an entry stays pending (冻结期); protect days: a card "
		    "ended within them takes its bounty back; 0 to 3650. "
		    "Overrides: the percent each level up earns of an entry "
		    "(多级分佣), comma-separated, like 20,10. An empty field "
		    "keeps the latest version's. F2 saves; Esc asks before "
		    "throwing changes away.");
	} else if (kind == SF_BOUNTY) {
		ff_init(&fl[FB_PLAN], N_("Plan"), "plan", FF_TEXT, 1,
		    SD_CODE_MAX);
		ff_init(&fl[FB_AMOUNT], N_("Bounty (yuan)"), "amount", FF_TEXT,
		    1, 16);
		ff_init(&fl[FB_SHARE], N_("Share (%)"), "share", FF_TEXT, 0, 8);
		ff_init(&fl[FB_MONTHS], N_("Share months"), "share-months",
		    FF_TEXT, 0, 4);
		ff_init(&fl[FB_FROM], N_("Effective from"), "from", FF_TEXT, 0,
		    10);
		n = FB__COUNT;
		s->title = N_("Plan bounty and share");
		s->help = N_("A new version of the scheme with a plan's "
		    "activation bounty (激活奖励) in yuan, paid per activated "
		    "card, and optionally its revenue share (月租分成): the "
		    "percent (0 to 100) of what the customer pays for the first "
		    "share months (1 to 120) of billing; both or neither. "
		    "Effective from: YYYY-MM-DD, empty for as the latest "
		    "version. F2 saves; Esc asks before throwing changes away.");
	} else {
		ff_init(&fl[FT_NTH], N_("From activation"), "from", FF_TEXT, 1,
		    8);
		ff_init(&fl[FT_AMOUNT], N_("Each (yuan)"), "amount", FF_TEXT, 1,
		    16);
		ff_init(&fl[FT_FROM], N_("Effective from"), "from", FF_TEXT, 0,
		    10);
		n = FT__COUNT;
		s->title = N_("Volume tier");
		s->help = N_("A new version of the scheme with a volume tier "
		    "(阶梯): from the Nth activation of an agent in a calendar "
		    "month on, each earns this bonus in yuan (until the next "
		    "tier); the same N again replaces that tier. Effective from: "
		    "YYYY-MM-DD, empty for as the latest version. F2 saves; Esc "
		    "asks before throwing changes away.");
	}
	form_init(&d->form, s->title, fl, n, sform_submit, d);
	/* A form for a scheme shown starts at its first field to fill. */
	if (code[0] != '\0')
		d->form.cur = 1;
	s->ops = &sform_ops;
	s->keys = form_keys;
	s->data = d;
	/* No code, amount, date or percentage holds '?': it is help. */
	s->text_input = 2;
	return s;
}
