#!/usr/bin/env bash
# money.sh -- the commission benchmark (issue 16), part of make bench:
# `commission run` for BENCH_AGENTS agents in a tree of depth 5 with
# BENCH_ACTS activations of one month, beside sqlite3 totalling the same
# bounties, tiers and overrides from the same rows; both times, the ratio,
# and the totals checked to the fen.  (Payments and their shares are not
# in it yet.)
set -eu
cd "$(dirname "$0")/../.."
NA=${BENCH_AGENTS:-10000}
NACT=${BENCH_ACTS:-100000}
MONTH=$(TZ=Asia/Shanghai date -d "$(TZ=Asia/Shanghai date +%Y-%m-01) -1 month" +%Y%m)
B=build/tests/bench_money
make --no-print-directory -s "$B"
W=$(mktemp -d "${TMPDIR:-/tmp}/simdesk-bench-money.XXXXXX")
trap 'rm -rf "$W"' EXIT
mkdir "$W/data"
echo "bench money: $NA agents (depth 5), $NACT activations in $MONTH"
TZ=Asia/Shanghai "$B" "$W/data" "$NA" "$NACT" "$MONTH" "$W" >"$W/ours"
get() { awk -v k="$1" '$1 == k { print $2 }' "$W/ours"; }

# The same totals in SQLite: 10.00 a card; a month's 11th to 50th
# activation of an agent 5.00, from the 51st 8.00; 20% of each entry to the
# parent, 10% to the grandparent, half-up to the fen per entry.
t0=$(date +%s%N)
sqlite3 "$W/ref.db" >"$W/ref" <<SQL
CREATE TABLE agent(code TEXT PRIMARY KEY, parent TEXT);
CREATE TABLE act(id INTEGER PRIMARY KEY, agent TEXT, at INTEGER);
.mode csv
.import $W/agents.csv agent
.import $W/acts.csv act
CREATE INDEX act_agent ON act(agent, at, id);
WITH ranked AS (
	SELECT a.agent, ROW_NUMBER() OVER (PARTITION BY a.agent ORDER BY a.at, a.id) AS n
	FROM act a
), entry AS (
	SELECT agent, 1000 AS fen FROM act
	UNION ALL
	SELECT agent, CASE WHEN n >= 51 THEN 800 ELSE 500 END FROM ranked WHERE n >= 11
), withparents AS (
	SELECT e.fen, g.parent AS p1, g2.parent AS p2
	FROM entry e JOIN agent g ON g.code = e.agent
	LEFT JOIN agent g2 ON g2.code = g.parent
)
SELECT SUM(fen)
    + SUM(CASE WHEN p1 <> '' THEN (fen * 2000 + 5000) / 10000 ELSE 0 END)
    + SUM(CASE WHEN p2 <> '' AND p2 IS NOT NULL THEN (fen * 1000 + 5000) / 10000 ELSE 0 END)
FROM withparents;
SQL
t1=$(date +%s%N)
ref_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
ref_total=$(tail -1 "$W/ref")
run_s=$(get run_s)
echo "  accrual at activation (in-process, 1000 a transaction): $(get accrue_s) s"
echo "  commission run: $run_s s, $(get statements) statements, $(get tiers) tier entries"
echo "  sqlite3 (import and total): $ref_s s"
awk -v a="$run_s" -v b="$ref_s" 'BEGIN { if (b > 0) printf "  ratio run/sqlite3: %.2fx\n", a / b }'
if [ "$(get total_fen)" = "$ref_total" ]; then
	echo "  totals match: $ref_total fen"
else
	echo "  totals DIFFER: ours $(get total_fen) fen, sqlite3 $ref_total fen"
	exit 1
fi
