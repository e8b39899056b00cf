#!/usr/bin/env bash
# reports.sh -- the reports benchmark (issue 17), part of make bench
# (BENCH_ONLY=reports): a year of a business -- BENCH_REPORT_CALLS calls
# (call import) by 50 operators in 5 teams and BENCH_REPORT_SALES
# activations (customers, cards, then sim activate --file) -- and each
# report for the last month and for the year, through simdeskd, beside
# sqlite3 running the same GROUP BY over the same events with indexes.
# Both times, the ratio, and the totals checked equal.
set -eu
cd "$(dirname "$0")/../.."
NC=${BENCH_REPORT_CALLS:-10000000}
NS=${BENCH_REPORT_SALES:-1000000}
CHUNK=200000
export TZ=Asia/Shanghai
# The year: the twelve whole months before this one; the month: the last.
first=$(date -d "$(date +%Y-%m-01) -12 month" +%Y-%m-%d)
last=$(date -d "$(date +%Y-%m-01) -1 day" +%Y-%m-%d)
month=$(date -d "$(date +%Y-%m-01) -1 month" +%Y-%m)
t0s=$(date -d "$first" +%s)
t1s=$(date -d "$last 23:59:59" +%s)
make --no-print-directory -s all
export PATH="$PWD/build/bin:$PATH"
W=$(mktemp -d "${TMPDIR:-/tmp}/simdesk-bench-reports.XXXXXX")
export SIMDESK_DATA="$W/data"
unset SIMDESK_USER SIMDESK_PASSWORD SIMDESK_CONF
stop() {
	local pid
	pid=$(cut -d' ' -f1 "$SIMDESK_DATA/simdeskd.pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || return 0
	for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
}
trap 'stop; rm -rf "$W"' EXIT
ms() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", (b - a) / 1e9 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'; }

echo "bench reports: $NC calls, $NS activations, $first .. $last (month $month); $(nproc) cores"
SIMDESK_PASSWORD=adminpw1 simdeskctl init --admin admin --name 管理员 >/dev/null
for i in $(seq 1 50); do
	SIMDESK_NEW_PASSWORD=pw123456 simdeskctl user add "op$i" --role operator \
	    --team "t$((i % 5))" --name "坐席$i" >/dev/null
done
for p in 1 2 3 4 5; do
	simdeskctl plan add "P$p" --name "套餐$p" --monthly-fee $((p * 10 + 9)) >/dev/null
done

# ---- the events, as CSV files (kept for sqlite3 too)
awk -v n="$NC" -v t0="$t0s" -v t1="$t1s" -v chunk="$CHUNK" -v dir="$W" 'BEGIN {
	srand(11); OFS = ","
	span = t1 - t0 + 1
	for (i = 0; i < n; i++) {
		if (i % chunk == 0) {
			if (f) close(f)
			f = sprintf("%s/calls-%04d.csv", dir, i / chunk)
			print "start,direction,operator,number,ring,talk,disposition" >f
		}
		t = t0 + int(i * (span / n))
		d = rand() < 0.3 ? "in" : "out"
		talk = rand() < 0.6 ? 1 + int(rand() * 600) : 0
		disp = talk > 0 ? "answered" : (d == "in" ? "missed" : "no-answer")
		op = disp == "missed" ? "" : "op" (1 + int(rand() * 50))
		printf "%s,%s,%s,13%09d,%d,%d,%s\n", strftime("%Y-%m-%d %H:%M:%S", t),
		    d, op, int(rand() * 1e9), 5, talk, disp >f
	}
}'
awk -v n="$NS" -v t0="$t0s" -v t1="$t1s" -v chunk="$CHUNK" -v dir="$W" 'BEGIN {
	srand(12); OFS = ","
	span = t1 - t0 + 1
	ch[0] = "store"; ch[1] = "telesales"; ch[2] = "online"
	for (i = 0; i < n; i++) {
		if (i % chunk == 0) {
			if (f) { close(f); close(g); close(h) }
			k = int(i / chunk)
			f = sprintf("%s/cust-%04d.csv", dir, k)
			g = sprintf("%s/cards-%04d.csv", dir, k)
			h = sprintf("%s/acts-%04d.csv", dir, k)
			print "name,phone" >f
			print "iccid,msisdn,plan" >g
			print "iccid,customer,channel,price,date,operator" >h
		}
		iccid = sprintf("8986%015d", i)
		phone = sprintf("15%09d", i)
		plan = "P" (1 + i % 5)
		print "客户" i, phone >f
		print iccid, sprintf("17%09d", i), plan >g
		t = t0 + int(i * (span / n))
		print iccid, phone, ch[i % 3], 10 + (i % 7) * 10,
		    strftime("%Y-%m-%d", t), "op" (1 + i % 50) >h
	}
}'

# ---- loading them (not timed as a report; printed for the record)
t=$(ms)
for f in "$W"/calls-*.csv; do simdeskctl call import "$f" >/dev/null; done
echo "  load: call import of $NC calls: $(secs "$t" "$(ms)") s"
t=$(ms)
for f in "$W"/cust-*.csv; do simdeskctl customer import "$f" >/dev/null; done
for f in "$W"/cards-*.csv; do simdeskctl sim import "$f" >/dev/null; done
for f in "$W"/acts-*.csv; do simdeskctl sim activate --file "$f" >/dev/null; done
echo "  load: $NS customers, cards and activations: $(secs "$t" "$(ms)") s"

# ---- the same events in sqlite3, indexed for the reports
t=$(ms)
{
	echo "CREATE TABLE call(start TEXT, direction TEXT, operator TEXT, number TEXT, ring INT, talk INT, disposition TEXT);"
	echo "CREATE TABLE act(iccid TEXT, customer TEXT, channel TEXT, price INT, date TEXT, operator TEXT);"
	echo ".mode csv"
	for f in "$W"/calls-*.csv; do echo ".import --skip 1 $f call"; done
	for f in "$W"/acts-*.csv; do echo ".import --skip 1 $f act"; done
	echo "ALTER TABLE act ADD COLUMN plan TEXT;"
	echo "UPDATE act SET plan = 'P' || (1 + CAST(substr(iccid, 5) AS INT) % 5);"
	echo "CREATE INDEX call_start ON call(start, operator);"
	echo "CREATE INDEX act_date ON act(date, plan);"
} | sqlite3 "$W/ref.db"
echo "  load: sqlite3 .import and indexes: $(secs "$t" "$(ms)") s"

# ours REPORT ARGS...: wall seconds of the report through simdeskd (best
# of three), its JSON in $W/out.
ours() {
	local best="" s t
	for _ in 1 2 3; do
		t=$(ms)
		simdeskctl --json report "$@" >"$W/out"
		s=$(secs "$t" "$(ms)")
		best=$(awk -v a="$s" -v b="${best:-1e9}" 'BEGIN { print (a < b) ? a : b }')
	done
	echo "$best"
}
theirs() {	# SQL: wall seconds (best of three), the result in $W/ref
	local best="" s t
	for _ in 1 2 3; do
		t=$(ms)
		sqlite3 -csv "$W/ref.db" "$1" >"$W/ref"
		s=$(secs "$t" "$(ms)")
		best=$(awk -v a="$s" -v b="${best:-1e9}" 'BEGIN { print (a < b) ? a : b }')
	done
	echo "$best"
}
# Sum JSON fields over the rows (not the total), by sqlite3's JSON.
jsum() { sqlite3 :memory: "SELECT sum($1) FROM (SELECT json_extract(value, '\$.out') AS out_,
    json_extract(value, '\$.in') AS in_, json_extract(value, '\$.talk_s') AS talk_,
    json_extract(value, '\$.activations') AS acts_, json_extract(value, '\$.revenue_fen') AS fen_
    FROM json_each(readfile('$W/out'), '\$.rows'));"; }
check() {	# WHAT OURS THEIRS
	if [ "$2" = "$3" ]; then echo "    totals match ($1: $2)"
	else echo "    totals DIFFER ($1): ours $2, sqlite3 $3"; fail=1; fi
}
fail=0
for p in month year; do
	if [ $p = month ]; then
		args=(--period "$month"); lo="$month-01"; hi=$(date -d "$month-01 +1 month" +%Y-%m-%d)
	else
		args=(--from "$first" --to "$last"); lo=$first; hi=$(date -d "$last +1 day" +%Y-%m-%d)
	fi
	a=$(ours calls "${args[@]}" --by operator)
	calls=$(jsum "out_ + in_"); talk=$(jsum talk_)
	b=$(theirs "SELECT operator, COUNT(*), SUM(talk) FROM call WHERE start >= '$lo' AND start < '$hi' GROUP BY operator;")
	rc=$(awk -F, '{ c += $2 } END { print c + 0 }' "$W/ref"); rt=$(awk -F, '{ t += $3 } END { print t + 0 }' "$W/ref")
	echo "  report calls, a $p by operator: $a s; sqlite3 GROUP BY: $b s; ratio $(ratio "$a" "$b")"
	check "calls" "$calls" "$rc"; check "talk seconds" "$talk" "$rt"
	a=$(ours sales "${args[@]}" --by plan)
	n=$(jsum acts_); fen=$(jsum fen_)
	b=$(theirs "SELECT plan, COUNT(*), SUM(price) * 100 FROM act WHERE date >= '$lo' AND date < '$hi' GROUP BY plan;")
	rn=$(awk -F, '{ c += $2 } END { print c + 0 }' "$W/ref"); rf=$(awk -F, '{ t += $3 } END { print t + 0 }' "$W/ref")
	echo "  report sales, a $p by plan: $a s; sqlite3 GROUP BY: $b s; ratio $(ratio "$a" "$b")"
	check "activations" "$n" "$rn"; check "revenue fen" "$fen" "$rf"
done
[ "$fail" -eq 0 ]
