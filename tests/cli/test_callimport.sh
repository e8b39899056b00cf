#!/usr/bin/env bash
# test_callimport.sh -- `call import`: call history from another system
# stored as ended calls, the whole file or nothing, each bad row named by
# file:line and field, rejects with --skip-bad, admins only.
. "$(dirname "$0")/../lib.sh"
t_tmp
t_seed || { echo "not ok 1 - seed"; exit 1; }
OP="as operator operatorpw1"
SU="as supervisor supervisorpw1"

simdeskctl customer add --name 王小明 --phone 13912345678 >/dev/null
cid=$(simdeskctl --json customer show 13912345678 | grep -oE '"id": [0-9]+' | head -1 | grep -oE '[0-9]+')

cat >"$T_DIR/calls.csv" <<'CSV'
start,direction,operator,number,ring,talk,disposition
2026-11-02 09:00:00,out,operator,13912345678,5,125,
2026-11-02 09:10:00,out,operator,13800001111,20,0,no-answer
2026-11-02 10:00:00,in,supervisor,13912345678,3,61,answered
2026-11-03 11:00:00,in,,13700002222,15,0,
CSV
t_rc 0 "call import: four calls" simdeskctl call import "$T_DIR/calls.csv"
t_grep "... says how many" "^imported 4, rejected 0" "$T_DIR/out"
t_rc 0 "call list --date shows the first day's three" simdeskctl --json call list --date 2026-11-02
[ "$(grep -c '"id"' "$T_DIR/out")" -eq 3 ]; t_ok "... three calls that day" $?
t_grep "... the answered call out: talk 125 s" '"billsec_s": 125' "$T_DIR/out"
t_grep "... matched to the customer by number" "\"customer\": $cid" "$T_DIR/out"
t_rc 0 "the unanswered call in is a missed call" simdeskctl --json call list --missed
t_grep "... from 13700002222" '13700002222' "$T_DIR/out"
t_grep "... disposition missed" '"disposition": "missed"' "$T_DIR/out"
t_rc 0 "call stats for the day count them per operator" simdeskctl call stats --date 2026-11-02
t_grep "... operator: 2 calls, 1 answered" "^operator +2 +1 " "$T_DIR/out"
t_rc 0 "an operator sees only their own imported calls" $OP simdeskctl --json call list --date 2026-11-02
[ "$(grep -c '"id"' "$T_DIR/out")" -eq 2 ]; t_ok "... two" $?

# Bad rows: nothing written, the first named by file:line and field.
before=$(simdeskctl --json call list | grep -c '"id"')
cat >"$T_DIR/bad.csv" <<'CSV'
start,direction,operator,number,ring,talk,disposition
2026-11-04 09:00:00,out,operator,13912345678,5,30,
2026-11-04 09:01:00,sideways,operator,13912345678,5,30,
2026-11-04 09:02:00,out,nobody,13912345678,5,30,
2026-11-04 09:03:00,out,operator,139-abc,5,30,
2026-11-04 09:04:00,out,operator,13912345678,5,-3,
2026-11-04 09:05:00,out,operator,13912345678,5,30,busy
2026-11-04 09:06:00,in,operator,13912345678,5,0,busy
2099-01-01 09:00:00,out,operator,13912345678,5,30,
yesterday,out,operator,13912345678,5,30,
CSV
t_rc 5 "a file with bad rows is refused (5)" simdeskctl call import "$T_DIR/bad.csv"
t_oneline "... in one line"
t_grep "... naming file:line and the field" "bad.csv:3: direction: 'sideways' is not in or out \(8 bad rows in all" "$T_DIR/err"
[ "$(simdeskctl --json call list | grep -c '"id"')" -eq "$before" ]; t_ok "... and nothing is written" $?
t_rc 0 "--skip-bad imports the good row" simdeskctl call import "$T_DIR/bad.csv" --skip-bad "$T_DIR/rej.csv"
t_grep "... one in, eight rejected" "^imported 1, rejected 8" "$T_DIR/out"
t_grep "... unknown operator" "operator: no user 'nobody'" "$T_DIR/rej.csv"
t_grep "... not a number" "number: '139-abc' is not a phone number" "$T_DIR/rej.csv"
t_grep "... negative talk" "talk: '-3' is not whole seconds" "$T_DIR/rej.csv"
t_grep "... talk on a busy call" "talk: 30 seconds of a call that was busy" "$T_DIR/rej.csv"
t_grep "... busy is not for a call in" "disposition: 'busy' is not answered or missed" "$T_DIR/rej.csv"
t_grep "... a call in the future" "start: '2099-01-01 09:00:00' is in the future" "$T_DIR/rej.csv"
t_grep "... a start that is not a time" "start: 'yesterday' is not" "$T_DIR/rej.csv"

printf 'direction,number\nout,13912345678\n' >"$T_DIR/nostart.csv"
t_rc 5 "a file without the start column is refused" simdeskctl call import "$T_DIR/nostart.csv"
t_grep "... naming the column" "start" "$T_DIR/err"
t_rc 4 "a supervisor may not import call history (4)" $SU simdeskctl call import "$T_DIR/calls.csv"
t_rc 4 "nor an operator (4)" $OP simdeskctl call import "$T_DIR/calls.csv"
t_rc 0 "the refusals are audited" simdeskctl audit list --op call.import
t_grep "... denied" "denied" "$T_DIR/out"
t_rc 0 "verify holds" simdeskctl verify

# simdeskd killed (-9) in the middle of a big import: after recovery the
# file is in whole or not at all (the client may carry the command to the
# next simdeskd: then it is in once, never twice), and the reports'
# rollups equal the recount from the calls (verify).
awk 'BEGIN { print "start,direction,operator,number,ring,talk,disposition"
	for (i = 0; i < 150000; i++)
		printf "2026-10-%02d %02d:%02d:%02d,out,operator,139%08d,3,%d,\n",
		    1 + i % 28, 8 + i % 10, i % 60, i % 60, i, i % 300 }' >"$T_DIR/big.csv"
count() { simdeskctl --json report calls --from 2026-10-01 --to 2026-10-31 |
	grep -A3 '"total"' | grep -oE '"out": [0-9]+' | grep -oE '[0-9]+$'; }
# The server's CPU time in clock ticks.
ticks() { awk '{ print $14 + $15 }' /proc/"$(cut -d' ' -f1 "$SIMDESK_DATA/simdeskd.pid")"/stat; }
before=$(ticks)
simdeskctl call import "$T_DIR/big.csv" >"$T_DIR/big.out" 2>&1 &
imp=$!
# Until simdeskd has worked on it for a second of CPU (the whole import
# takes several), or the import is done: then the kill finds it finished.
for _ in $(seq 300); do
	[ $(( $(ticks) - before )) -gt "$(getconf CLK_TCK)" ] && break
	kill -0 $imp 2>/dev/null || break
	sleep 0.1
done
echo "# killing simdeskd after $(( $(ticks) - before )) ticks of its CPU on the import"
kill -9 "$(cut -d' ' -f1 "$SIMDESK_DATA/simdeskd.pid")"
wait $imp; rc=$?
echo "# the import's client: exit $rc, $(head -c 200 "$T_DIR/big.out")"
n=$(count)
[ "${n:-x}" = 0 ] || [ "${n:-x}" = 150000 ]; t_ok "after kill -9 mid-import: the calls of the file all in or none, never twice ($n)" $?
t_rc 0 "... verify holds: every rollup equals its recount" simdeskctl verify
if [ "$n" = 0 ]; then
	t_rc 0 "... the import again goes in" simdeskctl call import "$T_DIR/big.csv"
else
	t_ok "... (the client's import went in, once, after the restart)" 0
fi
[ "$(count)" = 150000 ]; t_ok "... once: 150000 calls in October's report" $?
t_rc 0 "... and verify still holds" simdeskctl verify
