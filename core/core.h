/*
 * core.h -- the one header the front ends (tui/) and drivers (drivers/)
 * include: the public interface of every domain of core/, in their
 * dependency order (see core/README).  Every operation takes a session and
 * checks the role in core, never above it.
 */
#ifndef SD_CORE_H
#define SD_CORE_H

#include "core/base/base.h"
#include "core/crm/crm.h"
#include "core/stock/stock.h"
#include "core/billing/billing.h"
#include "core/tel/tel.h"
#include "core/money/money.h"
#include "core/report/report.h"
#include "core/ops/ops.h"
#include "core/rpc/rpc.h"

#endif
