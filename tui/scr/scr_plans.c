/*
 * scr_plans.c -- the catalogue at a terminal: the plans (套餐) and the
 * value-added services (新业务) with an admin's forms to add them, and the
 * form that adds an agent (代理商) from the agent tree.  Each field is
 * checked as it is left with core's own rule (sd_plan_check and kin);
 * what needs the data (a taken code, an unknown parent) core says on F2.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scr.h"

/* ---------------------------------------------------------------- lists */

enum { CAT_PLANS, CAT_VAS };

static const struct lv_col plan_cols[] = {
	{ N_("Code"), 8, 0 },
	{ N_("Plan name"), 0, 0 },
	{ N_("Monthly"), 9, 1 },
	{ N_("Minutes"), 7, 1 },
	{ N_("SMS"), 6, 1 },
	{ N_("Tariff"), 8, 0 },
	{ N_("Services"), 12, 0 },
	{ N_("Status"), 8, 0 },
};

static const struct lv_col vas_cols[] = {
	{ N_("Code"), 16, 0 },
	{ N_("Service name"), 0, 0 },
	{ N_("Monthly"), 10, 1 },
};

struct cat_data {
	struct listview	 lv;
	int		 kind;			/* CAT_PLANS, CAT_VAS */
	struct sd_plan	*p;
	struct sd_vas	*v;
	int		 n, cap;
};

static int
cat_plan_collect(const struct sd_plan *p, void *arg)
{
	struct cat_data *d = arg;

	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 32;
		d->p = xrealloc(d->p, (size_t)d->cap * sizeof *d->p);
	}
	d->p[d->n++] = *p;
	return 0;
}

static int
cat_vas_collect(const struct sd_vas *v, void *arg)
{
	struct cat_data *d = arg;

	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 32;
		d->v = xrealloc(d->v, (size_t)d->cap * sizeof *d->v);
	}
	d->v[d->n++] = *v;
	return 0;
}

static void
cat_load(struct cat_data *d)
{
	struct sd_err err;
	int st;

	d->n = 0;
	sd_err_clear(&err);
	st = d->kind == CAT_PLANS ?
	    rpc_plan_list(&app.sess, cat_plan_collect, d, &err) :
	    rpc_vas_list(&app.sess, cat_vas_collect, d, &err);
	if (st != SD_OK)
		app_error(&err);
}

/* The typed filter: the start of the code, or anywhere in the name. */
static int
cat_match(const char *filter, const char *code, const char *name)
{
	return filter[0] == '\0' ||
	    strncasecmp(code, filter, strlen(filter)) == 0 ||
	    strstr(name, filter) != NULL;
}

static void
cat_row(const struct cat_data *d, int i, struct lv_row *r)
{
	char fee[32];

	memset(r, 0, sizeof *r);
	snprintf(r->key, sizeof r->key, "%08d", i);
	if (d->kind == CAT_VAS) {
		const struct sd_vas *v = &d->v[i];

		sd_money_format(v->monthly_fen, fee, sizeof fee);
		sd_strlcpy(r->cells[0], v->code, LV_CELL_MAX);
		sd_strlcpy(r->cells[1], v->name, LV_CELL_MAX);
		sd_strlcpy(r->cells[2], fee, LV_CELL_MAX);
	} else {
		const struct sd_plan *p = &d->p[i];
		struct sd_buf b = SD_BUF_INIT;

		sd_money_format(p->monthly_fen, fee, sizeof fee);
		sd_strlcpy(r->cells[0], p->code, LV_CELL_MAX);
		sd_strlcpy(r->cells[1], p->name, LV_CELL_MAX);
		sd_strlcpy(r->cells[2], fee, LV_CELL_MAX);
		snprintf(r->cells[3], LV_CELL_MAX, "%d", p->minutes);
		snprintf(r->cells[4], LV_CELL_MAX, "%d", p->sms);
		sd_strlcpy(r->cells[5], p->tariff[0] ? p->tariff : "-",
		    LV_CELL_MAX);
		for (int k = 0; k < p->nvas; k++)
			sd_buf_printf(&b, "%s%s", k ? "," : "", p->vas[k]);
		sd_strlcpy(r->cells[6], p->nvas ? sd_buf_cstr(&b) : "-",
		    LV_CELL_MAX);
		sd_buf_free(&b);
		sd_strlcpy(r->cells[7], p->retired ? _("retired") : _("on sale"),
		    LV_CELL_MAX);
		r->attr = p->retired ? TH_DIM : 0;
	}
}

static int
cat_fetch(void *ctx, const char *filter, const char *anchor, int dir,
    int max, struct lv_row *rows, int *n, struct sd_err *err)
{
	struct cat_data *d = ctx;
	int k = 0;

	(void)err;
	for (int i = dir > 0 ? 0 : d->n - 1; i >= 0 && i < d->n && k < max;
	    i += dir > 0 ? 1 : -1) {
		char key[16];

		snprintf(key, sizeof key, "%08d", i);
		if (anchor[0] && (dir > 0 ? strcmp(key, anchor) <= 0 :
		    strcmp(key, anchor) >= 0))
			continue;
		if (!cat_match(filter, d->kind == CAT_PLANS ? d->p[i].code :
		    d->v[i].code, d->kind == CAT_PLANS ? d->p[i].name :
		    d->v[i].name))
			continue;
		cat_row(d, i, &rows[k++]);
	}
	/* Rows come in ascending order, whichever way they were read. */
	if (dir < 0)
		for (int a = 0, b = k - 1; a < b; a++, b--) {
			struct lv_row t = rows[a];

			rows[a] = rows[b];
			rows[b] = t;
		}
	*n = k;
	return SD_OK;
}

static const struct keybind plans_keys[] = {
	KEY_CMD('n', ACT_ADD, "n", "plan add"),
	{ '/', ACT_FILTER, N_("Filter"), "/" },
	{ 'r', ACT_REFRESH, N_("Refresh"), "r" },
	{ 27, ACT_BACK, N_("Back"), "Esc" },
	{ 'q', ACT_BACK, NULL, NULL },
	{ 0 }
};

static const struct keybind vas_keys[] = {
	KEY_CMD('n', ACT_ADD, "n", "vas add"),
	{ '/', ACT_FILTER, N_("Filter"), "/" },
	{ 'r', ACT_REFRESH, N_("Refresh"), "r" },
	{ 27, ACT_BACK, N_("Back"), "Esc" },
	{ 'q', ACT_BACK, NULL, NULL },
	{ 0 }
};

static void
cat_open(struct screen *s)
{
	struct cat_data *d = s->data;

	cat_load(d);
	lv_reload(&d->lv);
}

static void
cat_draw(struct screen *s)
{
	struct cat_data *d = s->data;

	lv_draw(&d->lv);
}

static struct screen *cform_new(int kind);

static void
cat_key(struct screen *s, enum action a, wint_t ch)
{
	struct cat_data *d = s->data;

	if (a == ACT_REFRESH) {
		cat_load(d);
		lv_reload(&d->lv);
		return;
	}
	if (lv_key(&d->lv, a, ch)) {
		s->text_input = d->lv.filtering;
		return;
	}
	if (a == ACT_BACK)
		screen_pop();
	else if (a == ACT_ADD)
		screen_push(cform_new(d->kind));
}

static void
cat_close(struct screen *s)
{
	struct cat_data *d = s->data;

	free(d->p);
	free(d->v);
}

static const struct screen_ops cat_ops = {
	cat_open, cat_draw, cat_key, cat_close
};

static struct screen *
cat_new(int kind)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct cat_data *d = xcalloc(1, sizeof *d);

	d->kind = kind;
	if (kind == CAT_PLANS)
		lv_init(&d->lv, plan_cols, 8, cat_fetch, d);
	else
		lv_init(&d->lv, vas_cols, 3, cat_fetch, d);
	s->ops = &cat_ops;
	s->title = kind == CAT_PLANS ? N_("Plans") : N_("Value-added services");
	s->keys = kind == CAT_PLANS ? plans_keys : vas_keys;
	s->nav = 1;
	s->help = kind == CAT_PLANS ? N_("The plans (套餐): monthly fee in "
	    "yuan, the minutes and SMS included, the tariff for usage beyond "
	    "them, the value-added services they allow; retired ones are dim. "
	    "/ filters as you type (the start of the code, or any part of the "
	    "name). An admin adds a plan with n.") :
	    N_("The value-added services (新业务) a plan may allow, with "
	    "their monthly fees in yuan. / filters as you type. An admin adds "
	    "one with n.");
	s->data = d;
	return s;
}

struct screen *
scr_plans_new(void)
{
	return cat_new(CAT_PLANS);
}

struct screen *
scr_vas_new(void)
{
	return cat_new(CAT_VAS);
}

/* ---------------------------------------------------------------- forms */

enum { CF_PLAN = CAT_PLANS, CF_VAS = CAT_VAS, CF_AGENT };

enum { P_CODE, P_NAME, P_FEE, P_MINUTES, P_SMS, P_TARIFF, P_VAS, P__COUNT };
enum { V_CODE, V_NAME, V_FEE, V__COUNT };
enum { G_CODE, G_NAME, G_PARENT, G_CREDIT, G_DISCOUNT, G_REGION, G__COUNT };

struct cform_data {
	struct form	 form;
	struct ff_field	 f[P__COUNT];
	int		 kind;			/* CF_PLAN, CF_VAS, CF_AGENT */
};

/* An empty field is one not given (NULL), as the CLI's absent option. */
static const char *
given(const struct ff_field *fl)
{
	return fl->value[0] ? fl->value : NULL;
}

static int
cform_submit(struct form *f, struct sd_err *err)
{
	struct cform_data *d = f->ctx;
	struct ff_field *fl = d->f;

	if (d->kind == CF_PLAN) {
		struct sd_plan_fields pf;

		sd_plan_fields_init(&pf);
		pf.name = fl[P_NAME].value;
		pf.monthly_fee = fl[P_FEE].value;
		if (fl[P_MINUTES].value[0])
			pf.minutes = atoi(fl[P_MINUTES].value);
		if (fl[P_SMS].value[0])
			pf.sms = atoi(fl[P_SMS].value);
		pf.tariff = given(&fl[P_TARIFF]);
		pf.vas = given(&fl[P_VAS]);
		return rpc_plan_add(&app.sess, fl[P_CODE].value, &pf, err);
	}
	if (d->kind == CF_VAS)
		return rpc_vas_add(&app.sess, fl[V_CODE].value,
		    fl[V_NAME].value, fl[V_FEE].value, err);
	{
		struct sd_agent_fields af;

		sd_agent_fields_init(&af);
		af.name = fl[G_NAME].value;
		af.parent = given(&fl[G_PARENT]);
		af.credit_limit = given(&fl[G_CREDIT]);
		af.discount = given(&fl[G_DISCOUNT]);
		af.region = given(&fl[G_REGION]);
		return rpc_agent_add(&app.sess, fl[G_CODE].value, &af, err);
	}
}

static void
cform_draw(struct screen *s)
{
	struct cform_data *d = s->data;

	form_draw(&d->form);
}

static void
cform_key(struct screen *s, enum action a, wint_t ch)
{
	struct cform_data *d = s->data;

	if (!form_key(&d->form, a, ch))
		return;
	if (d->form.done)
		app_message(0, d->kind == CF_PLAN ? _("Plan %s added.") :
		    d->kind == CF_VAS ? _("Service %s added.") :
		    _("Agent %s added (applied; A approves it)."),
		    d->f[0].value);
	screen_pop();
}

static const struct screen_ops cform_ops = {
	NULL, cform_draw, cform_key, NULL
};

/* A text field checked by check (core's rule for it, by key). */
static void
cfield(struct ff_field *fl, const char *label, const char *key, int required,
    int maxlen, int (*check)(const char *, const char *, struct sd_err *))
{
	ff_init(fl, label, key, FF_TEXT, required, maxlen);
	fl->check = check;
}

static struct screen *
cform_new(int kind)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct cform_data *d = xcalloc(1, sizeof *d);
	struct ff_field *fl = d->f;
	int n;

	d->kind = kind;
	if (kind == CF_PLAN) {
		cfield(&fl[P_CODE], N_("Plan code"), "plan", 1, 16,
		    sd_plan_check);
		cfield(&fl[P_NAME], N_("Plan name"), "name", 1, SD_NAME_MAX,
		    sd_plan_check);
		cfield(&fl[P_FEE], N_("Monthly fee"), "monthly-fee", 1, 16,
		    sd_plan_check);
		cfield(&fl[P_MINUTES], N_("Minutes included"), "minutes", 0, 8,
		    sd_plan_check);
		cfield(&fl[P_SMS], N_("SMS included"), "sms", 0, 8,
		    sd_plan_check);
		cfield(&fl[P_TARIFF], N_("Tariff"), "tariff", 0, 16,
		    sd_plan_check);
		cfield(&fl[P_VAS], N_("Services"), "vas", 0, 120, sd_plan_check);
		n = P__COUNT;
		s->title = N_("New plan");
		s->help = N_("Plan code: letters, digits, _ and -, at most 16, "
		    "not taken. Monthly fee in yuan (39 or 39.50). Minutes and "
		    "SMS included: 0 to 1000000, empty for none. Tariff: the "
		    "code of the tariff for usage beyond them (empty: none). "
		    "Services: the codes of the value-added services it "
		    "allows, comma-separated, at most 8. Each field is checked "
		    "as you leave it (Tab, Enter); F2 adds the plan; Esc asks "
		    "before throwing changes away.");
	} else if (kind == CF_VAS) {
		cfield(&fl[V_CODE], N_("Service code"), "vas", 1, 16,
		    sd_vas_check);
		cfield(&fl[V_NAME], N_("Service name"), "name", 1, SD_NAME_MAX,
		    sd_vas_check);
		cfield(&fl[V_FEE], N_("Monthly fee"), "monthly-fee", 1, 16,
		    sd_vas_check);
		n = V__COUNT;
		s->title = N_("New value-added service");
		s->help = N_("Service code: letters, digits, _ and -, at most "
		    "16, not taken. Monthly fee in yuan (5 or 4.50), billed "
		    "each month to the subscriptions that have the service. "
		    "Each field is checked as you leave it; F2 adds the "
		    "service; Esc asks before throwing changes away.");
	} else {
		cfield(&fl[G_CODE], N_("Agent code"), "agent", 1, 16,
		    sd_agent_check);
		cfield(&fl[G_NAME], N_("Agent name"), "name", 1, SD_NAME_MAX,
		    sd_agent_check);
		cfield(&fl[G_PARENT], N_("Parent agent"), "parent", 0, 16,
		    sd_agent_check);
		cfield(&fl[G_CREDIT], N_("Credit limit"), "credit-limit", 0,
		    16, sd_agent_check);
		cfield(&fl[G_DISCOUNT], N_("Discount (%)"), "discount", 0, 8,
		    sd_agent_check);
		cfield(&fl[G_REGION], N_("Region"), "region", 0, SD_REGION_MAX,
		    sd_agent_check);
		n = G__COUNT;
		s->title = N_("New agent");
		s->help = N_("Agent code: letters, digits, _ and -, at most 16, "
		    "not taken. Parent agent: the code of the agent it sits "
		    "under, empty for the top level; it cannot move later. "
		    "Credit limit in yuan; discount in percent off list price "
		    "on its orders (0 to 100, like 7.5). Each field is checked "
		    "as you leave it; F2 adds the agent as applied, and A on "
		    "the tree approves it. Esc asks before throwing changes "
		    "away.");
	}
	form_init(&d->form, s->title, fl, n, cform_submit, d);
	s->ops = &cform_ops;
	s->keys = form_keys;
	s->data = d;
	/* No code, amount or number holds '?': it is help here. */
	s->text_input = 2;
	return s;
}

struct screen *
scr_agent_form_new(void)
{
	return cform_new(CF_AGENT);
}
