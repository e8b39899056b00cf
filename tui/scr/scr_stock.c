/*
 * scr_stock.c -- the 号卡 side at a terminal: the stock menu, the stock
 * browser (counts per state, filters by state, plan, grade, warehouse and
 * agent), the agent tree, the supervisors' order queue, the activation
 * form at the counter and the stocktake screen that takes scanned ICCIDs.
 * Every rule and refusal comes from core; these screens show and ask.
 */
#include <stdlib.h>
#include <string.h>

#include "scr.h"

/* ---------------------------------------------------------------- menu */

static const struct menu_item stock_items[] = {
	{ N_("Stock browser"), SD_OP_SIM_SHOW, scr_stock_new },
	{ N_("Sell a card (activation)"), SD_OP_SIM_ACTIVATE, scr_activate_new },
	{ N_("Orders"), SD_OP_ORDER_SHOW, scr_orders_new },
	{ N_("Agent tree"), SD_OP_AGENT_SHOW, scr_agents_new },
	{ N_("Stocktake"), SD_OP_SIM_STOCKTAKE, scr_stocktake_new },
	{ N_("Plans"), SD_OP_PLAN_SHOW, scr_plans_new },
	{ N_("Value-added services"), SD_OP_PLAN_SHOW, scr_vas_new },
};

struct screen *
scr_stock_menu_new(void)
{
	return scr_menu_new(N_("Stock"),
	    N_("SIM cards, agents and their orders"), stock_items,
	    (int)(sizeof stock_items / sizeof stock_items[0]));
}

/* A one-line filter value asked on the message line; "" clears it. */
static int
ask_filter(const char *prompt, char *buf, size_t size)
{
	char v[64];

	sd_strlcpy(v, buf, sizeof v);
	if (!ask_text(prompt, v, sizeof v))
		return 0;
	sd_strlcpy(buf, v, size);
	return 1;
}

/* ---------------------------------------------------------------- stock browser */

static const struct lv_col sim_cols[] = {
	{ N_("ICCID"), 20, 0 },
	{ N_("MSISDN"), 11, 0 },
	{ N_("State"), 10, 0 },
	{ N_("Plan"), 8, 0 },
	{ N_("Grade"), 6, 0 },
	{ N_("Price"), 9, 1 },
	{ N_("Warehouse"), 10, 0 },
	{ N_("Agent"), 0, 0 },
};

struct stock_data {
	struct listview	 lv;
	int		 status;		/* -1: every state */
	char		 plan[SD_CODE_MAX + 1], grade[17], warehouse[33], agent[SD_CODE_MAX + 1];
	long		 counts[SD_SIM__COUNT];
	struct sd_sim	 cur;			/* the selected card */
	char		 curkey[SD_PAGEKEY_MAX];
};

static void
stock_filter(const struct stock_data *d, const char *typed,
    struct sd_sim_filter *f)
{
	memset(f, 0, sizeof *f);
	f->status = d->status;
	f->plan = d->plan[0] ? d->plan : NULL;
	f->grade = d->grade[0] ? d->grade : NULL;
	f->warehouse = d->warehouse[0] ? d->warehouse : NULL;
	f->agent = d->agent[0] ? d->agent : NULL;
	f->msisdn_prefix = typed != NULL && typed[0] ? typed : NULL;
}

static int
stock_fetch(void *ctx, const char *filter, const char *anchor, int dir,
    int max, struct lv_row *rows, int *n, struct sd_err *err)
{
	struct stock_data *d = ctx;
	struct sd_sim_filter f;
	struct sd_sim *c = xcalloc((size_t)max, sizeof *c);
	char (*keys)[SD_PAGEKEY_MAX] = xcalloc((size_t)max, sizeof *keys);
	int st;

	stock_filter(d, filter, &f);
	st = rpc_sim_page(&app.sess, &f, anchor, dir, c, keys, max, n, err);
	for (int i = 0; st == SD_OK && i < *n; i++) {
		struct lv_row *r = &rows[i];
		char price[32];

		memset(r, 0, sizeof *r);
		sd_strlcpy(r->key, keys[i], sizeof r->key);
		sd_money_format(c[i].price_fen, price, sizeof price);
		sd_strlcpy(r->cells[0], c[i].iccid, LV_CELL_MAX);
		sd_strlcpy(r->cells[1], c[i].msisdn, LV_CELL_MAX);
		sd_strlcpy(r->cells[2], _(sd_sim_status_name(c[i].status)),
		    LV_CELL_MAX);
		sd_strlcpy(r->cells[3], c[i].plan, LV_CELL_MAX);
		sd_strlcpy(r->cells[4], c[i].grade, LV_CELL_MAX);
		sd_strlcpy(r->cells[5], price, LV_CELL_MAX);
		sd_strlcpy(r->cells[6], c[i].warehouse, LV_CELL_MAX);
		sd_strlcpy(r->cells[7], c[i].agent, LV_CELL_MAX);
		r->attr = c[i].status == SD_SIM_TERMINATED ? TH_DIM :
		    c[i].status == SD_SIM_SUSPENDED ? TH_ERROR : 0;
		r->mark = c[i].grade[0] && c[i].grade[0] != '4' ? TH_OK : 0;
	}
	free(c);
	free(keys);
	return st;
}

static void
stock_count(struct stock_data *d)
{
	struct sd_sim_filter f;
	struct sd_err err;

	stock_filter(d, d->lv.filter, &f);
	if (rpc_sim_counts(&app.sess, &f, d->counts, &err) != SD_OK)
		app_error(&err);
}

static const struct keybind stock_keys[] = {
	{ '\t', ACT_NEXT, N_("State"), "Tab" },
	{ KEY_BTAB, ACT_PREV, NULL, NULL },
	{ '/', ACT_FILTER, N_("Number"), "/" },
	{ 'p', ACT_NONE, N_("Plan"), "p" },
	{ 'd', ACT_NONE, N_("Grade"), "d" },
	{ 'w', ACT_NONE, N_("Warehouse"), "w" },
	{ 'a', ACT_NONE, N_("Agent"), "a" },
	{ 'x', ACT_NONE, N_("Clear"), "x" },
	KEY_CMD('i', ACT_NONE, "i", "sim import"),
	KEY_CMD('\r', ACT_OPEN, "Enter", "sim activate"),
	KEY_CMD('\n', ACT_OPEN, NULL, "sim activate"),
	KEY_CMD(KEY_ENTER, ACT_OPEN, NULL, "sim activate"),
	{ 'r', ACT_REFRESH, N_("Refresh"), "r" },
	{ 27, ACT_BACK, N_("Back"), "Esc" },
	{ 'q', ACT_BACK, NULL, NULL },
	{ 0 }
};

static const char stock_help[] = N_("Every card you may see, paged from "
    "the database. The line at the top counts the cards of each state under "
    "the filters. Tab and Shift-Tab step through the states; / and a number "
    "prefix finds by MSISDN as you type; p, d, w and a filter by plan, grade "
    "(靓号), warehouse and agent (empty clears one), x clears them all. Enter "
    "sells the selected card if it can be sold. i imports cards from a CSV "
    "or .xlsx file (iccid, msisdn, plan, price, batch, warehouse), all or "
    "nothing. Agents see their own "
    "branch only.");

static void
stock_reload(struct stock_data *d)
{
	stock_count(d);
	lv_reload(&d->lv);
}

static void
stock_open(struct screen *s)
{
	struct stock_data *d = s->data;

	stock_count(d);
	lv_refresh(&d->lv);
}

static void
stock_draw(struct screen *s)
{
	struct stock_data *d = s->data;
	const struct lv_row *row;
	struct sd_buf b = SD_BUF_INIT;
	int x = 0, y;

	lv_draw(&d->lv);
	/* Counts per state; the state shown is highlighted. */
	{
		struct sd_buf all = SD_BUF_INIT;
		long total = 0;

		for (int k = 0; k < SD_SIM__COUNT; k++)
			total += d->counts[k];
		sd_buf_printf(&all, "%s %ld ", _("all"), total);
		put_text(2, x, sd_width(sd_buf_cstr(&all)), sd_buf_cstr(&all),
		    d->status < 0 ? theme_attr(TH_SELECTED) : theme_attr(TH_NORMAL));
		x += sd_width(sd_buf_cstr(&all)) + 1;
		sd_buf_free(&all);
	}
	for (int k = 0; k < SD_SIM__COUNT && x < COLS; k++) {
		sd_buf_reset(&b);
		sd_buf_printf(&b, "%s %ld", _(sd_sim_status_name(k)), d->counts[k]);
		put_text(2, x, sd_width(sd_buf_cstr(&b)), sd_buf_cstr(&b),
		    d->status == k ? theme_attr(TH_SELECTED) : theme_attr(TH_NORMAL));
		x += sd_width(sd_buf_cstr(&b)) + 2;
	}
	/* The filters, then the selected card's details. */
	y = LINES - 5;
	sd_buf_reset(&b);
	if (d->plan[0])
		sd_buf_printf(&b, "%s=%s  ", _("plan"), d->plan);
	if (d->grade[0])
		sd_buf_printf(&b, "%s=%s  ", _("grade"), d->grade);
	if (d->warehouse[0])
		sd_buf_printf(&b, "%s=%s  ", _("warehouse"), d->warehouse);
	if (d->agent[0])
		sd_buf_printf(&b, "%s=%s  ", _("agent"), d->agent);
	put_text(y, 0, COLS, b.len ? sd_buf_cstr(&b) : _("no filters"),
	    theme_attr(TH_DIM));
	row = lv_selected(&d->lv);
	if (row != NULL && strcmp(row->key, d->curkey) != 0) {
		struct sd_err err;

		if (rpc_sim_find(&app.sess, row->cells[0], &d->cur, &err) != SD_OK)
			memset(&d->cur, 0, sizeof d->cur);
		sd_strlcpy(d->curkey, row->key, sizeof d->curkey);
	}
	if (row != NULL && d->cur.iccid[0]) {
		char upd[32];

		sd_time_format(d->cur.updated, upd, sizeof upd);
		sd_buf_reset(&b);
		sd_buf_printf(&b, "%s %s  IMSI %s  %s %s  %s %s", d->cur.iccid,
		    d->cur.msisdn, d->cur.imsi[0] ? d->cur.imsi : "-",
		    _("batch"), d->cur.batch[0] ? d->cur.batch : "-",
		    _("changed"), upd);
		put_text(y + 1, 0, COLS, sd_buf_cstr(&b), theme_attr(TH_NORMAL));
		sd_buf_reset(&b);
		if (d->cur.customer)
			sd_buf_printf(&b, "%s #%llu  ", _("customer"),
			    (unsigned long long)d->cur.customer);
		if (d->cur.order)
			sd_buf_printf(&b, "%s #%llu  ", _("order"),
			    (unsigned long long)d->cur.order);
		if (d->cur.reason[0])
			sd_buf_printf(&b, "%s: %s", _("reason"), d->cur.reason);
		put_text(y + 2, 0, COLS, sd_buf_cstr(&b), theme_attr(TH_NORMAL));
	}
	sd_buf_free(&b);
}

/* Cards from a file, the same all-or-nothing import as the CLI's. */
static void
stock_import(struct stock_data *d)
{
	char path[256] = "";
	struct sd_table t;
	struct sd_import_result r;
	struct sd_err err;

	if (!ask_text(_("Import cards from file:"), path, sizeof path) ||
	    path[0] == '\0')
		return;
	sd_err_clear(&err);
	if (rpc_authorize(&app.sess, SD_OP_SIM_ADD, path, &err) != SD_OK ||
	    sd_table_read(path, SD_ENC_AUTO, &t, &err) != SD_OK) {
		app_error(&err);
		return;
	}
	app_message(0, "%s", _("Importing..."));
	chrome_draw(screen_top());
	refresh();
	if (rpc_sim_import(&app.sess, path, &t, NULL, &r, &err) != SD_OK)
		app_error(&err);
	else
		app_message(0, _("%ld cards imported."), r.imported);
	sd_table_free(&t);
	stock_reload(d);
}

static void
stock_key(struct screen *s, enum action a, wint_t ch)
{
	struct stock_data *d = s->data;
	const struct lv_row *row;

	if (lv_key(&d->lv, a, ch)) {
		s->text_input = d->lv.filtering;
		if (a == ACT_REFRESH || ch != 0 || a == ACT_DELETE ||
		    a == ACT_BACK)
			stock_count(d);
		return;
	}
	switch (a) {
	case ACT_BACK:
		screen_pop();
		return;
	case ACT_NEXT:
	case ACT_PREV:
		d->status += a == ACT_NEXT ? 1 : -1;
		if (d->status >= SD_SIM__COUNT)
			d->status = -1;
		if (d->status < -1)
			d->status = SD_SIM__COUNT - 1;
		lv_reload(&d->lv);
		return;
	case ACT_OPEN:
		row = lv_selected(&d->lv);
		if (row == NULL)
			return;
		/* Whether it can be sold is core's to say, at F2; the form
		 * shows the card's state below it. */
		{
			struct screen *f = scr_activate_new();

			/* The form's first field is the ICCID. */
			scr_activate_preset(f, row->cells[0]);
			screen_push(f);
		}
		return;
	default:
		break;
	}
	switch (ch) {
	case 'p':
		if (ask_filter(_("Plan (empty: any):"), d->plan, sizeof d->plan))
			stock_reload(d);
		break;
	case 'd':
		if (ask_filter(_("Grade (empty: any):"), d->grade,
		    sizeof d->grade))
			stock_reload(d);
		break;
	case 'w':
		if (ask_filter(_("Warehouse (empty: any):"), d->warehouse,
		    sizeof d->warehouse))
			stock_reload(d);
		break;
	case 'a':
		if (ask_filter(_("Agent (empty: any):"), d->agent,
		    sizeof d->agent))
			stock_reload(d);
		break;
	case 'i':
		stock_import(d);
		break;
	case 'x':
		d->plan[0] = d->grade[0] = d->warehouse[0] = d->agent[0] = '\0';
		d->status = -1;
		d->lv.filter[0] = '\0';
		stock_reload(d);
		break;
	default:
		break;
	}
}

static const struct screen_ops stock_ops = {
	stock_open, stock_draw, stock_key, NULL
};

struct screen *
scr_stock_new(void)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct stock_data *d = xcalloc(1, sizeof *d);

	d->status = -1;
	lv_init(&d->lv, sim_cols, 8, stock_fetch, d);
	d->lv.extra_top = 1;		/* the counts */
	d->lv.extra_bottom = 3;		/* the filters, the card */
	s->ops = &stock_ops;
	s->title = N_("Stock browser");
	s->keys = stock_keys;
	s->nav = 1;
	s->help = stock_help;
	s->data = d;
	return s;
}

/* ---------------------------------------------------------------- lists held in memory */

/*
 * Agents and orders are few (hundreds, not millions): their screens load
 * them whole and page the array.  A row's anchor is its index.
 */
static int
array_page(int total, const char *anchor, int dir, int max, int *from,
    int *n)
{
	int a = anchor != NULL && anchor[0] ? atoi(anchor) : (dir > 0 ? -1 :
	    total);
	int lo, hi;

	if (dir > 0) {
		lo = a + 1;
		hi = lo + max < total ? lo + max : total;
	} else {
		hi = a < total ? a : total;
		lo = hi - max > 0 ? hi - max : 0;
	}
	*from = lo;
	*n = hi > lo ? hi - lo : 0;
	return SD_OK;
}

/* ---------------------------------------------------------------- agent tree */

static const struct lv_col agent_cols[] = {
	{ N_("Agent"), 0, 0 },
	{ N_("Status"), 9, 0 },
	{ N_("Held"), 8, 1 },
	{ N_("Sold/month"), 10, 1 },
	{ N_("Credit"), 11, 1 },
	{ N_("Discount"), 8, 1 },
	{ N_("Region"), 10, 0 },
};

struct agents_data {
	struct listview		 lv;
	struct sd_agent		*a;
	int			 n, cap;
	struct sd_agent_stats	 st;
	char			 stcode[SD_CODE_MAX + 1];
};

static int
agents_collect(const struct sd_agent *a, void *arg)
{
	struct agents_data *d = arg;

	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 64;
		d->a = xrealloc(d->a, (size_t)d->cap * sizeof *d->a);
	}
	d->a[d->n++] = *a;
	return 0;
}

static void
agents_load(struct agents_data *d)
{
	struct sd_err err;

	d->n = 0;
	d->stcode[0] = '\0';
	if (rpc_agent_tree(&app.sess, NULL, agents_collect, d, &err) != SD_OK)
		app_error(&err);
}

static int
agents_fetch(void *ctx, const char *filter, const char *anchor, int dir,
    int max, struct lv_row *rows, int *n, struct sd_err *err)
{
	struct agents_data *d = ctx;
	int from, k = 0, cnt;

	(void)err;
	(void)filter;
	array_page(d->n, anchor, dir, max, &from, &cnt);
	for (int i = from; i < from + cnt; i++) {
		const struct sd_agent *a = &d->a[i];
		struct lv_row *r = &rows[k++];
		struct sd_buf b = SD_BUF_INIT;
		char credit[32];

		memset(r, 0, sizeof *r);
		snprintf(r->key, sizeof r->key, "%d", i);
		for (int j = 0; j < a->depth; j++)
			sd_buf_adds(&b, "  ");
		sd_buf_printf(&b, "%s %s", a->code, a->name);
		sd_strlcpy(r->cells[0], sd_buf_cstr(&b), LV_CELL_MAX);
		sd_buf_free(&b);
		sd_strlcpy(r->cells[1], _(sd_agent_status_name(a->status)),
		    LV_CELL_MAX);
		snprintf(r->cells[2], LV_CELL_MAX, "%ld", a->held);
		snprintf(r->cells[3], LV_CELL_MAX, "%ld", a->sold_month);
		sd_money_format(a->credit_fen, credit, sizeof credit);
		sd_strlcpy(r->cells[4], credit, LV_CELL_MAX);
		snprintf(r->cells[5], LV_CELL_MAX, "%d.%02d%%",
		    a->discount_bp / 100, a->discount_bp % 100);
		sd_strlcpy(r->cells[6], a->region, LV_CELL_MAX);
		r->attr = a->status == SD_AGENT_SUSPENDED ? TH_ERROR :
		    a->status == SD_AGENT_APPLIED ? TH_DIM : 0;
	}
	*n = k;
	return SD_OK;
}

static const struct keybind agents_keys[] = {
	KEY_CMD('n', ACT_ADD, "n", "agent add"),
	KEY_CMD('A', ACT_NONE, "A", "agent approve"),
	KEY_CMD('S', ACT_NONE, "S", "agent suspend"),
	{ 'r', ACT_REFRESH, N_("Refresh"), "r" },
	{ 27, ACT_BACK, N_("Back"), "Esc" },
	{ 'q', ACT_BACK, NULL, NULL },
	{ 0 }
};

static const char agents_help[] = N_("The distributor tree, each agent "
    "under its parent: cards held (allocated, unsold), activations this "
    "month, credit limit and discount. The line below shows the selected "
    "agent's receivable and orders. A supervisor adds an agent with n "
    "(applied, under the parent agent named), approves an applied agent "
    "with A and suspends one with S. An agent sees its own branch.");

static void
agents_open(struct screen *s)
{
	struct agents_data *d = s->data;

	agents_load(d);
	lv_refresh(&d->lv);
}

static void
agents_draw(struct screen *s)
{
	struct agents_data *d = s->data;
	const struct lv_row *row;

	lv_draw(&d->lv);
	if ((row = lv_selected(&d->lv)) != NULL) {
		const struct sd_agent *a = &d->a[atoi(row->key)];
		struct sd_buf b = SD_BUF_INIT;
		struct sd_err err;
		char recv[32];

		if (strcmp(d->stcode, a->code) != 0) {
			if (rpc_agent_stats(&app.sess, a->code, &d->st, &err) != SD_OK)
				memset(&d->st, 0, sizeof d->st);
			sd_strlcpy(d->stcode, a->code, sizeof d->stcode);
		}
		sd_money_format(d->st.receivable_fen, recv, sizeof recv);
		sd_buf_printf(&b, "%s: %s  %s %s  %s %ld (%ld %s)  %s %ld",
		    a->code, a->name, _("receivable"), recv, _("orders"),
		    d->st.orders, d->st.orders_open, _("open"), _("sold in all"),
		    d->st.sold_total);
		put_text(LINES - 3, 0, COLS, sd_buf_cstr(&b), theme_attr(TH_NORMAL));
		sd_buf_free(&b);
	}
}

static void
agents_key(struct screen *s, enum action a, wint_t ch)
{
	struct agents_data *d = s->data;
	const struct lv_row *row;
	struct sd_err err;
	int st = SD_OK, to;

	if (a == ACT_REFRESH) {
		agents_load(d);
		lv_refresh(&d->lv);
		return;
	}
	if (lv_key(&d->lv, a, ch)) {
		s->text_input = d->lv.filtering;
		return;
	}
	if (a == ACT_BACK) {
		screen_pop();
		return;
	}
	if (a == ACT_ADD) {
		screen_push(scr_agent_form_new());
		return;
	}
	if ((ch != 'A' && ch != 'S') || (row = lv_selected(&d->lv)) == NULL)
		return;
	to = ch == 'A' ? SD_AGENT_APPROVED : SD_AGENT_SUSPENDED;
	if (to == SD_AGENT_SUSPENDED && !ask_yes_no(_("Suspend this agent?")))
		return;
	sd_err_clear(&err);
	st = rpc_agent_set_status(&app.sess, d->a[atoi(row->key)].code, to, &err);
	if (st != SD_OK)
		app_error(&err);
	else
		app_message(0, _("Agent %s is %s."), d->a[atoi(row->key)].code,
		    _(sd_agent_status_name(to)));
	agents_load(d);
	lv_refresh(&d->lv);
}

static void
agents_close(struct screen *s)
{
	struct agents_data *d = s->data;

	free(d->a);
}

static const struct screen_ops agents_ops = {
	agents_open, agents_draw, agents_key, agents_close
};

struct screen *
scr_agents_new(void)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct agents_data *d = xcalloc(1, sizeof *d);

	lv_init(&d->lv, agent_cols, 7, agents_fetch, d);
	d->lv.extra_bottom = 2;
	s->ops = &agents_ops;
	s->title = N_("Agent tree");
	s->keys = agents_keys;
	s->nav = 1;
	s->help = agents_help;
	s->data = d;
	return s;
}

/* ---------------------------------------------------------------- order queue */

static const struct lv_col order_cols[] = {
	{ N_("Order"), 7, 1 },
	{ N_("Agent"), 10, 0 },
	{ N_("Plan"), 8, 0 },
	{ N_("Cards"), 6, 1 },
	{ N_("Value"), 11, 1 },
	{ N_("Status"), 10, 0 },
	{ N_("Updated"), 16, 0 },
	{ N_("Shipment / reason"), 0, 0 },
};

struct orders_data {
	struct listview	 lv;
	struct sd_order	*o;		/* iccids not kept */
	int		 n, cap;
	int		 all;		/* 0: the queue (open orders) */
};

static int
orders_collect(const struct sd_order *o, void *arg)
{
	struct orders_data *d = arg;

	if (!d->all && o->status != SD_ORDER_SUBMITTED &&
	    o->status != SD_ORDER_APPROVED && o->status != SD_ORDER_SHIPPED)
		return 0;
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 64;
		d->o = xrealloc(d->o, (size_t)d->cap * sizeof *d->o);
	}
	d->o[d->n] = *o;
	d->o[d->n].iccids = NULL;
	d->o[d->n].niccids = 0;
	d->n++;
	return 0;
}

static void
orders_load(struct orders_data *d)
{
	struct sd_err err;

	d->n = 0;
	if (rpc_order_list(&app.sess, -1, orders_collect, d, &err) != SD_OK)
		app_error(&err);
}

static int
orders_fetch(void *ctx, const char *filter, const char *anchor, int dir,
    int max, struct lv_row *rows, int *n, struct sd_err *err)
{
	struct orders_data *d = ctx;
	int from, cnt, k = 0;

	(void)filter;
	(void)err;
	array_page(d->n, anchor, dir, max, &from, &cnt);
	for (int i = from; i < from + cnt; i++) {
		const struct sd_order *o = &d->o[i];
		struct lv_row *r = &rows[k++];
		char v[32], upd[32];

		memset(r, 0, sizeof *r);
		snprintf(r->key, sizeof r->key, "%d", i);
		snprintf(r->cells[0], LV_CELL_MAX, "%llu",
		    (unsigned long long)o->id);
		sd_strlcpy(r->cells[1], o->agent, LV_CELL_MAX);
		sd_strlcpy(r->cells[2], o->named ? _("(named)") : o->plan,
		    LV_CELL_MAX);
		snprintf(r->cells[3], LV_CELL_MAX, "%d", o->count);
		sd_money_format(o->value_fen, v, sizeof v);
		sd_strlcpy(r->cells[4], o->status == SD_ORDER_SUBMITTED ? "-" : v,
		    LV_CELL_MAX);
		sd_strlcpy(r->cells[5], _(sd_order_status_name(o->status)),
		    LV_CELL_MAX);
		sd_time_format(o->updated, upd, sizeof upd);
		upd[16] = '\0';
		sd_strlcpy(r->cells[6], upd, LV_CELL_MAX);
		if (o->carrier[0])
			snprintf(r->cells[7], LV_CELL_MAX, "%s %s", o->carrier,
			    o->tracking);
		else
			sd_strlcpy(r->cells[7], o->reason, LV_CELL_MAX);
		r->attr = o->status == SD_ORDER_SUBMITTED ? TH_OK :
		    o->status >= SD_ORDER_REJECTED ? TH_DIM : 0;
	}
	*n = k;
	return SD_OK;
}

static const struct keybind orders_keys[] = {
	KEY_CMD('n', ACT_NONE, "n", "order add"),
	KEY_CMD('a', ACT_NONE, "a", "order approve"),
	KEY_CMD('s', ACT_NONE, "s", "order ship"),
	KEY_CMD('d', ACT_NONE, "d", "order deliver"),
	/* order reject for staff, order cancel for an agent: one op */
	{ 'x', ACT_NONE, N_("Reject/cancel"), "x", KEY_NEEDS(SD_OP_ORDER_ADD) },
	{ '\t', ACT_TOGGLE, N_("Queue/all"), "Tab" },
	{ 'r', ACT_REFRESH, N_("Refresh"), "r" },
	{ 27, ACT_BACK, N_("Back"), "Esc" },
	{ 'q', ACT_BACK, NULL, NULL },
	{ 0 }
};

static const char orders_help[] = N_("Agents' stock orders. The queue "
    "shows the open ones (submitted, approved, shipped) oldest first; Tab "
    "shows every order. n orders cards of a plan (an agent for itself, "
    "staff for an agent they name). A supervisor approves with a (stock and the agent's "
    "credit are checked, the cards reserved), ships with s (carrier and "
    "tracking number), delivers with d (cards to the agent, the value on its "
    "account) and rejects with x. An agent cancels its own with x.");

static void
orders_open(struct screen *s)
{
	struct orders_data *d = s->data;

	orders_load(d);
	lv_refresh(&d->lv);
}

static void
orders_draw(struct screen *s)
{
	struct orders_data *d = s->data;

	lv_draw(&d->lv);
	put_text(1, COLS - 24, 24, d->all ? _("all orders") : _("open orders"),
	    theme_attr(TH_DIM));
}

/* A new order: the agent (staff name it), the plan, how many. */
static void
orders_new(struct orders_data *d)
{
	char agent[SD_CODE_MAX + 1] = "", plan[SD_CODE_MAX + 1] = "", count[12] = "";
	struct sd_err err;
	uint64_t id;

	if (app.sess.user.role != SD_ROLE_AGENT &&
	    !ask_text(_("For agent:"), agent, sizeof agent))
		return;
	if (!ask_text(_("Plan:"), plan, sizeof plan) ||
	    !ask_text(_("How many cards:"), count, sizeof count))
		return;
	sd_err_clear(&err);
	if (rpc_order_add(&app.sess, agent[0] ? agent : NULL, plan, atoi(count),
	    NULL, 0, &id, &err) != SD_OK) {
		app_error(&err);
		return;
	}
	app_message(0, _("Order %llu submitted."), (unsigned long long)id);
	orders_load(d);
	lv_refresh(&d->lv);
}

static void
orders_key(struct screen *s, enum action a, wint_t ch)
{
	struct orders_data *d = s->data;
	const struct lv_row *row;
	const struct sd_order *o;
	struct sd_err err;
	char carrier[33] = "", tracking[65] = "", reason[129] = "";
	int st;

	if (a == ACT_REFRESH || a == ACT_TOGGLE) {
		if (a == ACT_TOGGLE)
			d->all = !d->all;
		orders_load(d);
		lv_reload(&d->lv);
		return;
	}
	if (lv_key(&d->lv, a, ch)) {
		s->text_input = d->lv.filtering;
		return;
	}
	if (a == ACT_BACK) {
		screen_pop();
		return;
	}
	if (ch == 'n') {
		orders_new(d);
		return;
	}
	if ((row = lv_selected(&d->lv)) == NULL)
		return;
	o = &d->o[atoi(row->key)];
	sd_err_clear(&err);
	switch (ch) {
	case 'a':
		st = rpc_order_approve(&app.sess, o->id, &err);
		break;
	case 's':
		if (!ask_text(_("Carrier:"), carrier, sizeof carrier) ||
		    !ask_text(_("Tracking number:"), tracking, sizeof tracking))
			return;
		st = rpc_order_ship(&app.sess, o->id, carrier, tracking, &err);
		break;
	case 'd':
		if (!ask_yes_no(_("The agent has the cards: deliver?")))
			return;
		st = rpc_order_deliver(&app.sess, o->id, &err);
		break;
	case 'x':
		if (!ask_text(_("Why?"), reason, sizeof reason))
			return;
		st = rpc_order_end(&app.sess, o->id,
		    app.sess.user.role == SD_ROLE_AGENT ? SD_ORDER_CANCELLED :
		    SD_ORDER_REJECTED, reason, &err);
		break;
	default:
		return;
	}
	if (st != SD_OK)
		app_error(&err);
	else
		app_message(0, _("Order %llu done."), (unsigned long long)o->id);
	orders_load(d);
	lv_refresh(&d->lv);
}

static void
orders_close(struct screen *s)
{
	struct orders_data *d = s->data;

	free(d->o);
}

static const struct screen_ops orders_ops = {
	orders_open, orders_draw, orders_key, orders_close
};

struct screen *
scr_orders_new(void)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct orders_data *d = xcalloc(1, sizeof *d);

	lv_init(&d->lv, order_cols, 8, orders_fetch, d);
	s->ops = &orders_ops;
	s->title = N_("Orders");
	s->keys = orders_keys;
	s->nav = 1;
	s->help = orders_help;
	s->data = d;
	return s;
}

/* ---------------------------------------------------------------- activation */

static const char *const channel_choices[] = { "store", "telesales", "agent",
    "online", NULL };

enum { A_ICCID, A_CUSTOMER, A_NAME, A_CHANNEL, A_AGENT, A_PRICE, A_VAS,
    A__COUNT };

struct act_data {
	struct form	 form;
	struct ff_field	 f[A__COUNT];
	char		 looked[SD_ICCID_MAX + 1];	/* the ICCID shown below */
	char		 card[256];
	int		 sold;
};

static int
act_submit(struct form *f, struct sd_err *err)
{
	struct act_data *d = f->ctx;
	struct ff_field *fl = d->f;
	struct sd_activation a;
	uint64_t sub;
	int st;

	memset(&a, 0, sizeof a);
	a.iccid = fl[A_ICCID].value;
	a.customer_key = fl[A_CUSTOMER].value;
	a.channel = fl[A_CHANNEL].value;
	a.agent = fl[A_AGENT].value[0] ? fl[A_AGENT].value : NULL;
	a.price = fl[A_PRICE].value[0] ? fl[A_PRICE].value : NULL;
	a.vas = fl[A_VAS].value;
	st = rpc_sim_activate(&app.sess, &a, &sub, err);
	if (st == SD_ENOTFOUND && strncmp(err->msg, "customer:", 9) == 0) {
		struct sd_cust_fields cf;
		uint64_t id;

		/* A new customer at the counter: the name makes them. */
		if (fl[A_NAME].value[0] == '\0')
			return sd_err_set(err, SD_EINVAL, "customer: no customer "
			    "%s; type a name below to add them", a.customer_key);
		sd_cust_fields_init(&cf);
		cf.name = fl[A_NAME].value;
		cf.phones = a.customer_key;
		if ((st = rpc_customer_add(&app.sess, &cf, &id, err)) != SD_OK) {
			/* On the form's customer field. */
			if (strncmp(err->msg, "phone", 5) == 0)
				sd_err_nest(err, st, err, N_("customer: %s"),
				    err->msg);
			return st;
		}
		a.customer = id;
		a.customer_key = NULL;
		st = rpc_sim_activate(&app.sess, &a, &sub, err);
	}
	if (st == SD_OK) {
		app_message(0, _("Sold: subscription #%llu, card %s. Next card."),
		    (unsigned long long)sub, a.iccid);
		d->sold++;
	}
	return st;
}

static void
act_lookup(struct act_data *d)
{
	const char *v = d->f[A_ICCID].value;
	struct sd_sim c;
	struct sd_err err;
	char price[32];

	if (strcmp(v, d->looked) == 0)
		return;
	sd_strlcpy(d->looked, v, sizeof d->looked);
	d->card[0] = '\0';
	if (strlen(v) < 11)
		return;
	if (rpc_sim_find(&app.sess, v, &c, &err) != SD_OK) {
		app_err_text(&err, d->card, sizeof d->card);
		return;
	}
	sd_money_format(c.price_fen, price, sizeof price);
	snprintf(d->card, sizeof d->card, "%s %s  %s %s  %s %s  %s %s%s%s",
	    c.iccid, c.msisdn, _("plan"), c.plan, _("price"), price, _("state"),
	    _(sd_sim_status_name(c.status)), c.agent[0] ? "  " : "", c.agent);
}

static void
act_draw(struct screen *s)
{
	struct act_data *d = s->data;

	form_draw(&d->form);
	act_lookup(d);
	if (d->card[0])
		put_text(LINES - 4, 2, COLS - 4, d->card, theme_attr(TH_OK));
}

static void
act_key(struct screen *s, enum action a, wint_t ch)
{
	struct act_data *d = s->data;

	if (!form_key(&d->form, a, ch))
		return;
	if (d->form.done) {
		/* Ready for the next card: keep the channel and agent. */
		d->f[A_ICCID].value[0] = d->f[A_CUSTOMER].value[0] = '\0';
		d->f[A_NAME].value[0] = d->f[A_PRICE].value[0] = '\0';
		d->f[A_VAS].value[0] = '\0';
		d->form.done = 0;
		d->form.cur = A_ICCID;
		return;
	}
	screen_pop();
}

static const struct screen_ops act_ops = {
	NULL, act_draw, act_key, NULL
};

void
scr_activate_preset(struct screen *s, const char *iccid)
{
	struct act_data *d = s->data;

	sd_strlcpy(d->f[A_ICCID].value, iccid, FF_VALUE_MAX);
	d->form.cur = A_CUSTOMER;
}

struct screen *
scr_activate_new(void)
{
	struct screen *s = xcalloc(1, sizeof *s);
	struct act_data *d = xcalloc(1, sizeof *d);
	int role = app.sess.user.role;

	ff_init(&d->f[A_ICCID], N_("Card"), "iccid", FF_TEXT, 1, SD_ICCID_MAX);
	ff_init(&d->f[A_CUSTOMER], N_("Customer"), "customer",
	    FF_TEXT, 1, 24);
	ff_init(&d->f[A_NAME], N_("New name"), "name", FF_TEXT, 0,
	    SD_NAME_MAX);
	ff_init(&d->f[A_CHANNEL], N_("Channel"), "channel", FF_CHOICE, 1, 0);
	d->f[A_CHANNEL].choices = channel_choices;
	sd_strlcpy(d->f[A_CHANNEL].value, role == SD_ROLE_AGENT ? "agent" :
	    role == SD_ROLE_OPERATOR ? "telesales" : "store", FF_VALUE_MAX);
	ff_init(&d->f[A_AGENT], N_("Agent"),
	    "agent", FF_TEXT, 0, 16);
	ff_init(&d->f[A_PRICE], N_("Price (yuan)"),
	    "price", FF_TEXT, 0, 12);
	ff_init(&d->f[A_VAS], N_("Services"), "vas", FF_TEXT,
	    0, 100);
	form_init(&d->form, N_("Sell a card (开卡)"), d->f, A__COUNT, act_submit,
	    d);
	s->ops = &act_ops;
	s->title = N_("Sell a card");
	s->keys = form_keys;
	s->help = N_("Card: scan or type the ICCID (or the card's number); the "
	    "card is shown below the form. Customer: their id, phone or name; a phone "
	    "not on file with a New name typed adds the customer. The plan "
	    "comes from the card, the price from its list price unless typed; "
	    "Agent is the selling agent (default: the card's); Services are the "
	    "plan's value-added services, comma-separated. "
	    "F2 sells: the card becomes active, the subscription starts and the "
	    "price goes on the customer's account. The form then waits for the "
	    "next card.");
	s->data = d;
	s->text_input = 1;
	return s;
}

/* ---------------------------------------------------------------- stocktake */

#define TAKE_MAX 200000

struct take_data {
	char		  warehouse[33];
	char		  line[64];
	char		(*ids)[SD_ICCID_MAX + 1];
	int		 *lines;
	int		  n;
	int		  dups;
	int		  ran;			/* a report is shown */
	struct sd_stocktake_result r;
	struct sd_stocktake_diff *d;
	int		  nd, capd;
};

static int
take_collect(const struct sd_stocktake_diff *x, void *arg)
{
	struct take_data *d = arg;

	if (d->nd == d->capd) {
		d->capd = d->capd ? d->capd * 2 : 64;
		d->d = xrealloc(d->d, (size_t)d->capd * sizeof *d->d);
	}
	d->d[d->nd++] = *x;
	return 0;
}

static void
take_run(struct take_data *d, int apply)
{
	struct sd_err err;
	char reason[61] = "";

	if (d->n == 0) {
		app_message(1, "%s", _("Scan some cards first."));
		return;
	}
	if (apply && (!ask_yes_no(_("Record the adjustments: cards found move "
	    "here, missing ones are written off?")) ||
	    !ask_text(_("Reason:"), reason, sizeof reason)))
		return;
	d->nd = 0;
	sd_err_clear(&err);
	if (rpc_sim_stocktake(&app.sess, d->warehouse, d->ids, d->lines, d->n,
	    apply, reason[0] ? reason : NULL, take_collect, d, &d->r,
	    &err) != SD_OK) {
		app_error(&err);
		return;
	}
	d->ran = 1;
	if (apply)
		app_message(0, _("%ld adjustments recorded."), d->r.adjusted);
}

static void
take_add(struct take_data *d)
{
	struct sd_err err;
	char id[SD_ICCID_MAX + 1];
	int app_;

	if (d->line[0] == '\0')
		return;
	if (d->warehouse[0] == '\0') {
		sd_strlcpy(d->warehouse, d->line, sizeof d->warehouse);
		d->line[0] = '\0';
		return;
	}
	if (sd_iccid_check(d->line, id, &app_, &err) != SD_OK) {
		beep();
		app_error(&err);
		return;
	}
	if (d->n >= TAKE_MAX) {
		app_message(1, "%s", _("Too many cards for one count."));
		return;
	}
	for (int i = 0; i < d->n; i++)
		if (strcmp(d->ids[i], id) == 0) {
			beep();
			d->dups++;
			app_message(1, _("%s was scanned already."), id);
			d->line[0] = '\0';
			return;
		}
	if (d->n % 1024 == 0) {
		d->ids = xrealloc(d->ids, (size_t)(d->n + 1024) * sizeof *d->ids);
		d->lines = xrealloc(d->lines, (size_t)(d->n + 1024) *
		    sizeof *d->lines);
	}
	memcpy(d->ids[d->n], id, sizeof id);
	d->lines[d->n] = d->n + 1;
	d->n++;
	d->line[0] = '\0';
	d->ran = 0;
}

static const struct keybind take_keys[] = {
	{ '\r', ACT_OPEN, N_("Add"), "Enter" },
	{ '\n', ACT_OPEN, NULL, NULL },
	{ KEY_ENTER, ACT_OPEN, NULL, NULL },
	KEY_CMD(KEY_F(5), ACT_RUN, "F5", "sim stocktake"),
	/* sim stocktake --apply: a supervisor's */
	{ KEY_F(2), ACT_SAVE, N_("Apply"), "F2", KEY_NEEDS(SD_OP_SIM_ADJUST) },
	{ KEY_BACKSPACE, ACT_DELETE, NULL, NULL },
	{ 127, ACT_DELETE, NULL, NULL },
	{ 8, ACT_DELETE, NULL, NULL },
	{ 27, ACT_BACK, N_("Back"), "Esc" },
	{ 0 }
};

static void
take_draw(struct screen *s)
{
	struct take_data *d = s->data;
	struct sd_buf b = SD_BUF_INIT;
	int y = 2;

	sd_buf_printf(&b, "%s: %s", _("Warehouse"), d->warehouse[0] ?
	    d->warehouse : _("(type its name and press Enter)"));
	put_text(y++, 2, COLS - 4, sd_buf_cstr(&b), theme_attr(TH_HEADER));
	sd_buf_reset(&b);
	sd_buf_printf(&b, "> %s_", d->line);
	put_text(y++, 2, COLS - 4, sd_buf_cstr(&b), theme_attr(TH_FIELD_CUR));
	sd_buf_reset(&b);
	sd_buf_printf(&b, _("%d scanned, %d scanned twice"), d->n, d->dups);
	put_text(y++, 2, COLS - 4, sd_buf_cstr(&b), theme_attr(TH_NORMAL));
	y++;
	if (!d->ran) {
		put_text(y++, 2, COLS - 4, _("Last scanned:"), theme_attr(TH_DIM));
		for (int i = d->n - 1; i >= 0 && y < LINES - 3; i--)
			put_text(y++, 4, 24, d->ids[i], theme_attr(TH_NORMAL));
		sd_buf_free(&b);
		return;
	}
	sd_buf_reset(&b);
	sd_buf_printf(&b, _("On the books %ld, matched %ld; missing %ld, "
	    "unexpected %ld, wrong warehouse %ld, wrong state %ld"),
	    d->r.booked, d->r.matched, d->r.count[SD_ST_MISSING],
	    d->r.count[SD_ST_UNEXPECTED], d->r.count[SD_ST_WRONG_WAREHOUSE],
	    d->r.count[SD_ST_WRONG_STATE]);
	put_text(y++, 2, COLS - 4, sd_buf_cstr(&b), theme_attr(TH_HEADER));
	for (int i = 0; i < d->nd && y < LINES - 3; i++) {
		const struct sd_stocktake_diff *x = &d->d[i];

		sd_buf_reset(&b);
		sd_buf_printf(&b, "%-16s %s  %s %s %s%s", _(sd_stocktake_kind_name(
		    x->kind)), x->iccid, x->status >= 0 ?
		    _(sd_sim_status_name(x->status)) : "-", x->warehouse,
		    x->agent, x->adjusted ? _("  (adjusted)") : "");
		put_text(y++, 4, COLS - 6, sd_buf_cstr(&b),
		    x->kind == SD_ST_MISSING ? theme_attr(TH_ERROR) :
		    theme_attr(TH_NORMAL));
	}
	sd_buf_free(&b);
}

static void
take_key(struct screen *s, enum action a, wint_t ch)
{
	struct take_data *d = s->data;

	if (ch != 0) {
		utf8_append(d->line, sizeof d->line, ch);
		return;
	}
	switch (a) {
	case ACT_DELETE:
		utf8_backspace(d->line);
		break;
	case ACT_OPEN:
		take_add(d);
		break;
	case ACT_RUN:
		take_run(d, 0);
		break;
	case ACT_SAVE:
		take_run(d, 1);
		break;
	case ACT_BACK:
		if (d->n > 0 && !ask_yes_no(_("Leave and forget the scans?")))
			break;
		screen_pop();
		break;
	default:
		break;
	}
}

static void
take_close(struct screen *s)
{
	struct take_data *d = s->data;

	free(d->ids);
	free(d->lines);
	free(d->d);
}

static const struct screen_ops take_ops = {
	NULL, take_draw, take_key, take_close
};

struct screen *
scr_stocktake_new(void)
{
	struct screen *s = xcalloc(1, sizeof *s);

	s->ops = &take_ops;
	s->title = N_("Stocktake");
	s->keys = take_keys;
	s->help = N_("Count a warehouse (盘点). Type the warehouse's name and "
	    "press Enter, then scan each card: a scanner types the ICCID and "
	    "Enter. A bad or repeated scan beeps. F5 compares the scans with the "
	    "books: cards missing, unknown, booked in another warehouse or in "
	    "another state. F2 (supervisor) records the adjustments with a "
	    "reason.");
	s->data = xcalloc(1, sizeof(struct take_data));
	s->text_input = 2;	/* a warehouse, then ICCIDs: ? is help */
	return s;
}
