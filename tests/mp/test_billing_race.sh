#!/usr/bin/env bash
# test_billing_race.sh -- the counter keeps working through the month-end:
# 8 processes take payments while a bill run and a call-record import run;
# afterwards no payment is lost, receipt numbers have no gaps and verify
# holds (postings balance, balances replay, bills equal their lines, usage
# equals its calls).  Then a kill -9 in the middle of an import and of a
# bill run: a rerun charges nothing twice.
. "$(dirname "$0")/../lib.sh"
t_tmp
t_seed || { t_ok "seed" 1; exit 1; }
export TZ=Asia/Shanghai
N=40
simdeskctl tariff add STD --name 标准 >/dev/null
simdeskctl tariff rate STD 1 --per-minute 0.15 --bundle >/dev/null
simdeskctl plan add P39 --name 39元卡 --monthly-fee 39 --minutes 10 --tariff STD >/dev/null
awk -v n=$N 'BEGIN { print "iccid,msisdn,plan"; for (i = 0; i < n; i++) printf "8986001%012d,139%08d,P39\n", i, i }' >"$T_DIR/sims.csv"
awk -v n=$N 'BEGIN { print "name,phone"; for (i = 0; i < n; i++) printf "客户%04d,136%08d\n", i, i }' >"$T_DIR/cust.csv"
awk -v n=$N 'BEGIN { print "iccid,customer,date"; for (i = 0; i < n; i++) printf "8986001%012d,136%08d,2026-10-01\n", i, i }' >"$T_DIR/act.csv"
simdeskctl sim import "$T_DIR/sims.csv" >/dev/null
simdeskctl customer import "$T_DIR/cust.csv" >/dev/null
simdeskctl sim activate --file "$T_DIR/act.csv" >/dev/null
cdrs() {	# MONTH COUNT TAG
	awk -v m="$1" -v n="$2" -v t="$3" -v s=$N 'BEGIN { srand(3); for (i = 0; i < n; i++) {
		d = int(rand() * 28) + 1; h = int(rand() * 12) + 8; sec = int(rand() * 300) + 1
		printf "\"\",\"139%08d\",\"138%08d\",\"x\",\"\",\"a\",\"b\",\"Dial\",\"\",\"%s-%02d %02d:00:00\",\"%s-%02d %02d:00:02\",\"%s-%02d %02d:10:00\",%d,%d,\"ANSWERED\",\"DOCUMENTATION\",\"%s%d\",\"\"\n", i % s, i, m, d, h, m, d, h, m, d, h, sec + 2, sec, t, i } }'
}
cdrs 2026-10 2000 oct >"$T_DIR/oct.csv"
cdrs 2026-11 3000 nov >"$T_DIR/nov.csv"
simdeskctl cdr import "$T_DIR/oct.csv" --format asterisk >/dev/null
simdeskctl bill run 2026-10 >/dev/null

# ---------------------------------------------------------------- the race
for w in 0 1 2 3 4 5 6 7; do
	(
		rc=0
		for i in 0 1 2 3 4 5 6 7 8 9; do
			SIMDESK_USER=cashier SIMDESK_PASSWORD=cashierpw1 \
			    simdeskctl pay "136$(printf %08d $(((w * 10 + i) % N)))" 1 \
			    --method cash >/dev/null 2>>"$T_DIR/pay$w.err" || rc=1
		done
		exit $rc
	) &
	echo $! >>"$T_DIR/payers"
done
simdeskctl cdr import "$T_DIR/nov.csv" --format asterisk >"$T_DIR/imp" 2>&1 &
pimp=$!
simdeskctl bill run 2026-11 >"$T_DIR/run" 2>&1 &
prun=$!
fail=0
for p in $(cat "$T_DIR/payers"); do wait "$p" || fail=1; done
[ $fail -eq 0 ]; t_ok "8 payers x 10 payments, every one accepted" $?
[ $fail -eq 0 ] || cat "$T_DIR"/pay*.err | head -5 | sed 's/^/# /'
wait $pimp; t_ok "the import ran alongside ($(cat "$T_DIR/imp"))" $?
wait $prun; t_ok "the bill run ran alongside ($(cat "$T_DIR/run"))" $?
simdeskctl bill run 2026-11 >/dev/null		# the calls that came in after it
t_rc 0 "verify holds" simdeskctl verify
t_grep "... 80 receipts, no gaps" "80 receipts in 1 series, 0 gaps" "$T_DIR/out"
t_grep "... bills equal their lines" "ok +bills" "$T_DIR/out"
t_grep "... usage equals its calls" "ok +usage" "$T_DIR/out"
SIMDESK_USER=cashier SIMDESK_PASSWORD=cashierpw1 simdeskctl --json shift close >"$T_DIR/shift"
t_grep "no payment lost: 80.00 in cash" '"receipts": 80, .*"cash_fen": 8000' "$T_DIR/shift"
simdeskctl --json cdr usage --msisdn 13900000001 --month 2026-11 >"$T_DIR/u"
t_grep "the import's calls are all there" '"calls": 75' "$T_DIR/u"

# ---------------------------------------------------------------- kill -9
cdrs 2026-11 60000 big >"$T_DIR/big.csv"
simdeskctl cdr import "$T_DIR/big.csv" --format asterisk >/dev/null 2>&1 &
p=$!
# Let it write a few batches, then kill it mid-way.
for _ in $(seq 100); do
	sleep 0.1
	n=$(simdeskctl --json cdr usage --msisdn 13900000001 --month 2026-11 2>/dev/null | grep -oE '"calls": [0-9]+' | grep -oE '[0-9]+')
	[ "${n:-0}" -gt 200 ] && break
done
kill -9 $p 2>/dev/null; wait $p 2>/dev/null
t_rc 0 "after a kill -9 mid-import the data opens and verifies" timeout 60 simdeskctl verify
t_rc 0 "the import again" timeout 120 simdeskctl --json cdr import "$T_DIR/big.csv" --format asterisk
t_grep "... takes the rest, skipping what was in" '"duplicates": [1-9][0-9]*' "$T_DIR/out"
simdeskctl --json cdr usage --msisdn 13900000001 --month 2026-11 >"$T_DIR/u"
t_grep "... every call once: 75 + 1500" '"calls": 1575' "$T_DIR/u"
simdeskctl bill run 2026-11 >/dev/null &
p=$!
sleep 0.3
kill -9 $p 2>/dev/null; wait $p 2>/dev/null
t_rc 0 "after a kill -9 mid bill run the data verifies" timeout 60 simdeskctl verify
t_rc 0 "the run again" simdeskctl --json bill run 2026-11
t_rc 0 "... and again" simdeskctl --json bill run 2026-11
t_grep "... posts nothing twice" '"changed": 0, "posted_fen": 0' "$T_DIR/out"
t_rc 0 "verify holds at the end" simdeskctl verify
