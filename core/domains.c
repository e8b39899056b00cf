/*
 * domains.c -- the one file that knows every domain of core/: their tables
 * in number order (the environment opens them so), and each one's share of
 * sd_verify, in dependency order (core/rec/rec.h).
 */
#include <pthread.h>

#include "core/report/report_txn.h"
#include "core/ops/ops.h"

static const struct sd_table_def rec_tables[1] = {
	{ "meta", 0, { { 0 } } },
};

const struct core_domain core_domains[] = {
	{ "rec", T_META, 1, rec_tables, NULL },
	{ "base", SD_T_BASE, 4, base_tables, NULL },
	{ "crm", SD_T_CRM, 5, crm_tables, crm_verify },
	{ "stock", SD_T_STOCK, 6, stock_tables, stock_verify },
	{ "billing", SD_T_BILLING, 9, billing_tables, billing_verify },
	{ "tel", SD_T_TEL, 7, tel_tables, NULL },
	{ "money", SD_T_MONEY, 7, money_tables, money_verify },
	{ "report", SD_T_REPORT, 2, report_tables, report_verify },
};
const int core_ndomains = (int)(sizeof core_domains / sizeof core_domains[0]);

/* A card sold: money's commission, then report's rollup. */
static int
card_activated(struct sd_txn *t, const char *actor,
    const struct sd_subscription *u, struct sd_err *err)
{
	int st = money_card_activated(t, actor, u, err);

	return st != SD_OK ? st : report_card_activated(t, actor, u, err);
}

const struct core_hooks core_hooks = {
	.agent_exists = agent_exists,
	.tariff_exists = tariff_exists,
	.card_activated = card_activated,
	.card_ended = money_card_ended,
	.order_delivered = money_order_delivered,
	.bill_paid = money_bill_paid,
	.receipt_voided = money_receipt_voided,
	.call_ended = report_call_ended,
	.opened = report_opened,
	.keeps_logs = sd_backup_keeps_logs,
};

static struct sd_table_def schema[T__COUNT];
static pthread_once_t schema_once = PTHREAD_ONCE_INIT;

static void
schema_build(void)
{
	for (int i = 0; i < core_ndomains; i++)
		for (int j = 0; j < core_domains[i].ntables; j++)
			schema[core_domains[i].first + j] =
			    core_domains[i].tables[j];
}

const struct sd_table_def *
core_schema(void)
{
	pthread_once(&schema_once, schema_build);
	return schema;
}

const char *
rec_table_name(int table)
{
	return table >= 0 && table < T__COUNT ? core_schema()[table].name : "?";
}
