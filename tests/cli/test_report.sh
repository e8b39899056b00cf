#!/usr/bin/env bash
# test_report.sh -- reports (issue 17) over their rollups: sales of a
# month by plan, channel, agent and operator with every figure worked out
# by hand below; --compare with the month before; --json; calls of today
# made through simdeskd's simulated modems, per operator and team; role
# scope (an operator only their own rows, a supervisor their team, an
# agent its subtree and no calls); bad --period and --by refused in one
# line with nothing written; the rollups equal verify's recount after
# activations from several client processes at once; report rebuild
# gives the same figures.  Calls imported from another system count too.
. "$(dirname "$0")/../lib.sh"
t_tmp
t_seed || { echo "not ok 1 - seed"; exit 1; }
OP="as operator operatorpw1"
SU="as supervisor supervisorpw1"
AG="as agent agentpw1"

verify() { t_rc 0 "verify holds: $1" simdeskctl verify; }
# The row of GROUP in the last output: row GROUP -> its cells, one space.
row() { awk -v g="$1" '$1 == g { $1 = $1; print }' "$T_DIR/out"; }
is() {	# is DESC GROUP WANT: the row of GROUP is WANT exactly
	local got
	got=$(row "$2")
	if [ "$got" = "$3" ]; then t_ok "$1" 0; else
		echo "# $1: row '$got', wanted '$3'"; sed 's/^/#   /' "$T_DIR/out"
		t_ok "$1" 1
	fi
}

cat >"$T_DIR/simdesk.conf" <<'CONF'
telephony = {
	ring_seconds = 3;
	modems = (
		{ name = "m0"; device = "sim:0"; },
		{ name = "m1"; device = "sim:1"; }
	);
};
CONF
export SIMDESK_CONF="$T_DIR/simdesk.conf"

# ---------------------------------------------------------------- the data
# Agents A1 (the seed's) > A1-1, and B1.  Operators: operator (east, the
# seed's), op2 (west), op3 (east); the supervisor is of east.
simdeskctl agent add A1-1 --name 杭州二级 --parent A1 >/dev/null
simdeskctl agent add B1 --name 华南总代 >/dev/null
for a in A1 A1-1 B1; do simdeskctl agent approve $a >/dev/null; done
SIMDESK_NEW_PASSWORD=op2pw1234 simdeskctl user add op2 --role operator --team west --name 王二 >/dev/null
SIMDESK_NEW_PASSWORD=op3pw1234 simdeskctl user add op3 --role operator --team east --name 张三 >/dev/null
simdeskctl plan add P39 --name 39元卡 --monthly-fee 39 >/dev/null
simdeskctl plan add P59 --name 59元卡 --monthly-fee 59 >/dev/null
{
	echo iccid,msisdn,plan
	for i in 1 2 3 4 5 6 7; do echo "898600800000000000$i,1390000000$i,P$([ $i = 3 ] || [ $i = 4 ] && echo 59 || echo 39)"; done
	for i in $(seq 10 29); do echo "89860080000000000$i,139000000$i,P39"; done
} >"$T_DIR/cards.csv"
simdeskctl sim import "$T_DIR/cards.csv" >/dev/null
for i in 1 2 3 4 5 6 7; do
	simdeskctl customer add --name 客户$i --phone 1360000000$i >/dev/null
done
simdeskctl customer add --name 批量客户 --phone 13700000000 >/dev/null
act() {	# act WHO CARD PRICE DATE CHANNEL [AGENT]
	local who=$1 card=$2
	shift 2
	$who simdeskctl sim activate 1390000000$card --customer 1360000000$card \
	    --price "$1" --date "$2" --channel "$3" ${4:+--agent $4}
}
ADM=""
OP2="as op2 op2pw1234"
OP3="as op3 op3pw1234"
t_rc 0 "admin sells card 1 (P39) at 39.00 on 11-03, in store, for A1" act "$ADM" 1 39 2026-11-03 store A1
t_rc 0 "operator sells card 2 (P39) at 35.50 on 11-03 by telesales" act "$OP" 2 35.5 2026-11-03 telesales
t_rc 0 "op2 sells card 3 (P59) at 59.00 on 11-15 online, for B1" act "$OP2" 3 59 2026-11-15 online B1
t_rc 0 "operator sells card 4 (P59) at 50.00 on 10-20, the month before, for A1-1" act "$OP" 4 50 2026-10-20 telesales A1-1
t_rc 0 "admin sells card 5 (P39) at 30.00 on 11-28 through an agent, A1-1" act "$ADM" 5 30 2026-11-28 agent A1-1
t_rc 0 "op3 sells card 6 (P39) at 20.00 on 11-05 in store" act "$OP3" 6 20 2026-11-05 store
verify "after six activations"

# ---------------------------------------------------------------- sales by hand
# November: P39 cards 1, 2, 5, 6: 4 sold, 39 + 35.50 + 30 + 20 = 124.50,
# 31.125 each -> 31.13 (half up); P59 card 3: 59.00.  Total 5, 183.50,
# 36.70 each.
t_rc 0 "report sales --period 2026-11 (by plan)" simdeskctl report sales --period 2026-11
t_grep "... names the period and grouping" "^Sales 2026-11-01 to 2026-11-30, by plan$" "$T_DIR/out"
t_grep "... a head" "^PLAN +ACTIVATIONS +REVENUE +AVG PRICE$" "$T_DIR/out"
is "... P39: 4, 124.50, 31.13" P39 "P39 4 124.50 31.13"
is "... P59: 1, 59.00, 59.00" P59 "P59 1 59.00 59.00"
is "... total: 5, 183.50, 36.70" total "total 5 183.50 36.70"
t_rc 0 "by channel" simdeskctl report sales --period 2026-11 --by channel
is "... store: cards 1 and 6" store "store 2 59.00 29.50"
is "... telesales: card 2" telesales "telesales 1 35.50 35.50"
is "... online: card 3" online "online 1 59.00 59.00"
is "... agent: card 5" agent "agent 1 30.00 30.00"
t_rc 0 "by agent" simdeskctl report sales --period 2026-11 --by agent
is "... A1: card 1" A1 "A1 1 39.00 39.00"
is "... A1-1: card 5" A1-1 "A1-1 1 30.00 30.00"
is "... B1: card 3" B1 "B1 1 59.00 59.00"
is "... no agent: cards 2 and 6" - "- 2 55.50 27.75"
t_rc 0 "by operator (the seller)" simdeskctl report sales --period 2026-11 --by operator
is "... admin: cards 1 and 5" admin "admin 2 69.00 34.50"
is "... operator: card 2" operator "operator 1 35.50 35.50"
is "... op2: card 3" op2 "op2 1 59.00 59.00"
is "... op3: card 6" op3 "op3 1 20.00 20.00"
t_rc 0 "--from 2026-11-03 --to 2026-11-05 (inclusive)" simdeskctl report sales --from 2026-11-03 --to 2026-11-05 --by day
is "... 11-03: cards 1 and 2" 2026-11-03 "2026-11-03 2 74.50 37.25"
is "... 11-04: nothing, but listed" 2026-11-04 "2026-11-04 0 0.00 0.00"
is "... 11-05: card 6" 2026-11-05 "2026-11-05 1 20.00 20.00"
is "... total" total "total 3 94.50 31.50"
t_rc 0 "by week: weeks start on Monday" simdeskctl report sales --period 2026-11 --by week
# 2026-11-01 is a Sunday: its week starts 10-26.  11-03 and 11-05 are in
# the week of 11-02; 11-15 (a Sunday) in that of 11-09; 11-28 in 11-23's.
is "... the week of 10-26 (11-01 only): nothing" 2026-10-26 "2026-10-26 0 0.00 0.00"
is "... the week of 11-02: cards 1, 2, 6" 2026-11-02 "2026-11-02 3 94.50 31.50"
is "... the week of 11-09: card 3" 2026-11-09 "2026-11-09 1 59.00 59.00"
is "... the week of 11-23: card 5" 2026-11-23 "2026-11-23 1 30.00 30.00"
t_rc 0 "a year by month" simdeskctl report sales --period 2026 --by month
is "... October: card 4" 2026-10 "2026-10 1 50.00 50.00"
is "... November" 2026-11 "2026-11 5 183.50 36.70"
[ "$(grep -c '^2026-' "$T_DIR/out")" -eq 12 ]; t_ok "... twelve months listed" $?

# A sale recorded for someone else (--operator) counts for them.
t_rc 0 "admin records op3's sale of card 7 on 08-10 (--operator)" simdeskctl sim activate 13900000007 --customer 13600000007 --price 25 --date 2026-08-10 --channel telesales --operator op3
t_rc 0 "August by operator" simdeskctl report sales --period 2026-08 --by operator
is "... op3's" op3 "op3 1 25.00 25.00"
is "... nobody else's" total "total 1 25.00 25.00"
t_rc 0 "the supervisor of east sees it" $SU simdeskctl report sales --period 2026-08
is "... op3 is of east" total "total 1 25.00 25.00"

# ---------------------------------------------------------------- compare
# October had card 4 (P59, 50.00).  P59: 1 then 1, 0, 0.0%; 50.00 then
# 59.00, +9.00, +18.0%.  P39: nothing before: no change.  Total: 1 then 5,
# +4, +400.0%; 50.00 then 183.50, +133.50, +267.0%.
t_rc 0 "--compare: beside October" simdeskctl report sales --period 2026-11 --compare
t_grep "... names the period before" "compared with 2026-10-01 to 2026-10-31" "$T_DIR/out"
is "... P59" P59 "P59 1 59.00 59.00 1 0 0.0% 50.00 9.00 18.0%"
is "... P39: nothing before" P39 "P39 4 124.50 31.13 0 4 - 0.00 124.50 -"
is "... total" total "total 5 183.50 36.70 1 4 400.0% 50.00 133.50 267.0%"
t_rc 0 "--compare --json" simdeskctl --json report sales --period 2026-11 --compare
tr -d ' \n' <"$T_DIR/out" >"$T_DIR/flat"
t_grep "... from, to, by, the period before" '"report":"sales","from":"2026-11-01","to":"2026-11-30","by":"plan","prev_from":"2026-10-01","prev_to":"2026-10-31"' "$T_DIR/flat"
t_grep "... integer fen and counts, per mille" '\{"plan":"P59","activations":1,"revenue_fen":5900,"avg_price_fen":5900,"prev_activations":1,"delta_activations":0,"change_activations_permille":0,"prev_revenue_fen":5000,"delta_revenue_fen":900,"change_revenue_permille":180\}' "$T_DIR/flat"
t_grep "... null where nothing was before" '"change_activations_permille":null' "$T_DIR/flat"
t_grep "... the total" '"total":\{"plan":"total","activations":5,"revenue_fen":18350,"avg_price_fen":3670,' "$T_DIR/flat"

# ---------------------------------------------------------------- scope
t_rc 0 "an operator's sales report" $OP simdeskctl report sales --period 2026-11 --by operator
is "... their own row" operator "operator 1 35.50 35.50"
is "... and a total of theirs" total "total 1 35.50 35.50"
[ "$(grep -cvE '^(Sales|OPERATOR|operator|total) ' "$T_DIR/out")" -eq 0 ]; t_ok "... nobody else's" $?
t_rc 0 "an operator asking for another team's" $OP simdeskctl report sales --period 2026-11 --by operator --team west
is "... still only their own" total "total 1 35.50 35.50"
t_rc 0 "the supervisor of east" $SU simdeskctl report sales --period 2026-11 --by operator
is "... operator" operator "operator 1 35.50 35.50"
is "... op3" op3 "op3 1 20.00 20.00"
is "... east only" total "total 2 55.50 27.75"
t_rc 0 "the supervisor asking for west" $SU simdeskctl report sales --period 2026-11 --team west
is "... gets nothing of west" total "total 0 0.00 0.00"
t_rc 0 "an admin, for team west" simdeskctl report sales --period 2026-11 --team west --by operator
is "... op2's" total "total 1 59.00 59.00"
t_rc 0 "agent A1's sales report" $AG simdeskctl report sales --period 2026-11 --by agent
is "... A1" A1 "A1 1 39.00 39.00"
is "... its subtree's A1-1" A1-1 "A1-1 1 30.00 30.00"
is "... nothing of B1 or of no agent" total "total 2 69.00 34.50"
t_rc 0 "the agent asking for B1's" $AG simdeskctl report sales --period 2026-11 --agent B1
is "... gets none of it" total "total 0 0.00 0.00"
t_rc 0 "an admin, for A1-1's subtree" simdeskctl report sales --period 2026-11 --agent A1-1
is "... card 5" total "total 1 30.00 30.00"
t_rc 4 "an agent asking for the calls report is refused (4)" $AG simdeskctl report calls
t_oneline "... in one line"
t_rc 4 "a cashier has no reports (4)" as cashier cashierpw1 simdeskctl report sales
t_rc 4 "report rebuild is for admins (4)" $SU simdeskctl report rebuild
t_rc 3 "an unknown --agent (3)" simdeskctl report sales --agent NOPE
t_grep "... naming it" "agent: no agent NOPE" "$T_DIR/err"

# ---------------------------------------------------------------- bad input
simdeskctl audit list >"$T_DIR/a0"
simdeskctl --json report sales --period 2026 >"$T_DIR/r0"
for p in 2026-13 2026-02-29 next-week 26 ""; do
	t_rc 5 "--period '$p' is refused (5)" simdeskctl report sales --period "$p"
	t_grep "... naming --period" "^simdeskctl: --period: '$p' is not today, yesterday, this-week" "$T_DIR/err"
	t_oneline "... in one line"
	[ ! -s "$T_DIR/out" ]; t_ok "... nothing printed" $?
done
t_rc 5 "--by plan is not a grouping of calls (5)" simdeskctl report calls --by plan
t_grep "... naming --by" "^simdeskctl: --by: 'plan' is not operator, team, day, week or month$" "$T_DIR/err"
t_oneline "... in one line"
t_rc 5 "--by team is not one of sales (5)" simdeskctl report sales --by team
t_grep "... naming --by" "^simdeskctl: --by: 'team' is not plan, channel" "$T_DIR/err"
t_rc 5 "--to before --from (5)" simdeskctl report sales --from 2026-11-05 --to 2026-11-01
t_grep "... naming --to" "^simdeskctl: --to: 2026-11-01 is before from 2026-11-05$" "$T_DIR/err"
t_rc 5 "--from without --to (5)" simdeskctl report sales --from 2026-11-05
t_grep "... naming --to" "^simdeskctl: --to: required" "$T_DIR/err"
t_rc 5 "--period with --from (5)" simdeskctl report sales --period 2026 --from 2026-11-05 --to 2026-11-06
t_oneline "... in one line"
simdeskctl audit list | grep -v ' report\.' >"$T_DIR/a1"
grep -v ' report\.' "$T_DIR/a0" | cmp -s - "$T_DIR/a1"; t_ok "... nothing written (the audit as before)" $?
simdeskctl --json report sales --period 2026 | cmp -s - "$T_DIR/r0"; t_ok "... the figures as before" $?

# ---------------------------------------------------------------- calls
waitfor() {	# SECONDS CMD...: until CMD succeeds
	local n=$(($1 * 10)); shift
	while [ $n -gt 0 ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; n=$((n - 1)); done
	return 1
}
ready() { simdeskctl modem list | grep -E "^$1 " | grep -q " ready "; }
state_is() { simdeskctl call show "$1" | grep -qE "^state: +$2"; }
simdeskd -f -D "$SIMDESK_DATA" 2>"$T_DIR/d.log" &
D=$!
trap 'kill $D 2>/dev/null; wait $D 2>/dev/null; t_cleanup' EXIT
waitfor 30 ready m0 && waitfor 30 ready m1
t_ok "simdeskd brings the simulated modems up" $?
simdeskctl customer add --name 王小明 --phone 13812345678 --owner operator >/dev/null
talk() {	# talk WHO MODEM: a call answered, talked over a second, hung up
	local id
	id=$($1 simdeskctl call dial 13812345678 --modem "$2") || return 1
	waitfor 30 state_is "$id" active || return 1
	sleep 1.2
	$1 simdeskctl call hangup "$id" >/dev/null || return 1
	waitfor 30 state_is "$id" "ended answered"
}
talk "$OP" m0; t_ok "operator: a call answered" $?
B=$($OP simdeskctl call dial 13800000000 --modem m1)
waitfor 30 state_is "$B" "ended busy"; t_ok "operator: a busy number" $?
talk "$OP2" m1; t_ok "op2: a call answered" $?
simdeskctl modem ring m0 13812345678 >/dev/null
waitfor 30 sh -c "simdeskctl call list --missed | grep -q 13812345678"
t_ok "an incoming call nobody takes: missed" $?
# By hand: operator out 2, answered 1 (50.0%); op2 out 1, answered 1
# (100.0%); the missed call has no operator ("-"): in 1, missed 1.  Talk
# times are the calls' own billsec (simulated calls last what they last).
simdeskctl --json call list >"$T_DIR/calls.json"
secs() {	# the billsec of the answered calls of an operator, one a line
	tr -d ' \n' <"$T_DIR/calls.json" | grep -oE '\{[^{}]*\}' |
	    grep "\"operator\":\"$1\"" | grep -oE '"billsec_s":[0-9]+' | cut -d: -f2
}
hms() { printf '%d:%02d:%02d' $(($1 / 3600)) $(($1 / 60 % 60)) $(($1 % 60)); }
opt=$(secs operator | awk '{s += $1} END {print s + 0}')
o2t=$(secs op2 | awk '{s += $1} END {print s + 0}')
[ "$opt" -ge 1 ] && [ "$o2t" -ge 1 ]; t_ok "the answered calls talked ($opt s, $o2t s)" $?
t_rc 0 "report calls --period today" simdeskctl report calls --period today
t_grep "... a head" "^OPERATOR +OUT +IN +ANSWERED +REACHED +TALK +AVG TALK +LONGEST +MISSED$" "$T_DIR/out"
is "... operator: 2 out, 1 answered, 50.0%" operator "operator 2 0 1 50.0% $(hms $opt) $(hms $opt) $(hms $opt) 0"
is "... op2: 1 out, 1 answered, 100.0%" op2 "op2 1 0 1 100.0% $(hms $o2t) $(hms $o2t) $(hms $o2t) 0"
is "... the missed call" - "- 0 1 0 0.0% 0:00:00 0:00:00 0:00:00 1"
lo=$((opt > o2t ? opt : o2t)); tot=$((opt + o2t))
is "... total: 3 out, 1 in, 2 answered, 66.7%" total "total 3 1 2 66.7% $(hms $tot) $(hms $(((tot + 1) / 2))) $(hms $lo) 1"
t_rc 0 "by team" simdeskctl report calls --period today --by team
is "... east: the operator's" east "east 2 0 1 50.0% $(hms $opt) $(hms $opt) $(hms $opt) 0"
is "... west: op2's" west "west 1 0 1 100.0% $(hms $o2t) $(hms $o2t) $(hms $o2t) 0"
t_rc 0 "--json" simdeskctl --json report calls --period today
tr -d ' \n' <"$T_DIR/out" >"$T_DIR/flat"
t_grep "... the operator's row" "\{\"operator\":\"operator\",\"out\":2,\"in\":0,\"answered\":1,\"reached_permille\":500,\"talk_s\":$opt,\"avg_talk_s\":$opt,\"longest_s\":$opt,\"missed\":0\}" "$T_DIR/flat"
t_grep "... by, from and to" '"report":"calls","from":"[0-9-]{10}","to":"[0-9-]{10}","by":"operator"' "$T_DIR/flat"
t_rc 0 "--compare with yesterday (no calls)" simdeskctl report calls --period today --compare
is "... nothing before: no change" op2 "op2 1 0 1 100.0% $(hms $o2t) $(hms $o2t) $(hms $o2t) 0 0 1 - 0 1 - 0:00:00 $(hms $o2t) -"
t_rc 0 "an operator's calls report" $OP simdeskctl report calls --period today
is "... their own row" total "total 2 0 1 50.0% $(hms $opt) $(hms $opt) $(hms $opt) 0"
t_rc 0 "the supervisor's" $SU simdeskctl report calls --period today --by operator
is "... east's operator only" total "total 2 0 1 50.0% $(hms $opt) $(hms $opt) $(hms $opt) 0"
verify "after the calls"

# ---------------------------------------------------------------- imported calls
# Call history from another system goes into the rollups as it is stored.
cat >"$T_DIR/calls.csv" <<'CSV'
start,direction,operator,number,ring,talk,disposition
2026-10-05 09:00:00,out,op2,13812345678,5,125,
2026-10-05 09:10:00,out,op2,13800001111,20,0,no-answer
2026-10-05 10:00:00,in,op3,13812345678,3,61,answered
2026-10-05 11:00:00,in,,13700002222,15,0,
2026-10-06 09:00:00,out,op2,13812345678,5,3600,
2025-10-31 20:00:00,out,op2,13812345678,5,60,
CSV
t_rc 0 "call import: five calls of October, one of October 2025" simdeskctl call import "$T_DIR/calls.csv"
# op2: 3 out, 2 answered (66.7%), 125 + 3600 = 3725 s (1:02:05), 1862.5
# -> 1863 s a call (0:31:03), longest 1:00:00.  op3: 1 in answered, 61 s.
# The missed call in: no operator.  Total: 3 out, 2 in, 3 answered, 3786 s
# (1:03:06), 1262 s a call (0:21:02).
t_rc 0 "report calls --period 2026-10" simdeskctl report calls --period 2026-10
is "... op2" op2 "op2 3 0 2 66.7% 1:02:05 0:31:03 1:00:00 0"
is "... op3" op3 "op3 0 1 1 0.0% 0:01:01 0:01:01 0:01:01 0"
is "... the missed call" - "- 0 1 0 0.0% 0:00:00 0:00:00 0:00:00 1"
is "... total" total "total 3 2 3 66.7% 1:03:06 0:21:02 1:00:00 1"
t_rc 0 "by day" simdeskctl report calls --from 2026-10-05 --to 2026-10-06 --by day
is "... 10-05" 2026-10-05 "2026-10-05 2 2 2 50.0% 0:03:06 0:01:33 0:02:05 1"
is "... 10-06" 2026-10-06 "2026-10-06 1 0 1 100.0% 1:00:00 1:00:00 1:00:00 0"
t_rc 0 "by team" simdeskctl report calls --period 2026-10 --by team
is "... west: op2" west "west 3 0 2 66.7% 1:02:05 0:31:03 1:00:00 0"
is "... east: op3" east "east 0 1 1 0.0% 0:01:01 0:01:01 0:01:01 0"
t_rc 0 "the supervisor of east, for October" $SU simdeskctl report calls --period 2026-10
is "... op3 only" total "total 0 1 1 0.0% 0:01:01 0:01:01 0:01:01 0"
# November 2025 by day beside October 2025: October's 31st has no day of
# November beside it, but the total row still counts it.
t_rc 0 "a month by day beside a longer month" simdeskctl report calls --period 2025-11 --by day --compare
is "... the total counts the 31st before" total "total 0 0 0 0.0% 0:00:00 0:00:00 0:00:00 0 1 -1 -100.0% 1 -1 -100.0% 0:01:00 -0:01:00 -100.0%"
verify "after the import"

# ---------------------------------------------------------------- concurrent writers
# Four clients at once, five cards each, 10.00 a card on 2026-09-0N.
pids=()
for w in 1 2 3 4; do
	(
		for k in 0 1 2 3 4; do
			n=$((10 + (w - 1) * 5 + k))
			simdeskctl sim activate 139000000$n --customer 13700000000 \
			    --price 10 --date 2026-09-0$w --channel online >/dev/null || echo "fail $n"
		done
	) >"$T_DIR/w$w" 2>&1 &
	pids+=($!)
done
wait "${pids[@]}"
cat "$T_DIR"/w[1-4] >"$T_DIR/wall"
[ ! -s "$T_DIR/wall" ]; t_ok "four clients sell twenty cards at once" $?
t_rc 0 "report sales --period 2026-09 --by day" simdeskctl report sales --period 2026-09 --by day
for w in 1 2 3 4; do
	is "... 09-0$w: five" 2026-09-0$w "2026-09-0$w 5 50.00 10.00"
done
is "... total: twenty, 200.00" total "total 20 200.00 10.00"
verify "the rollups equal a recount after concurrent writers"
t_grep "... the sales rollups checked" "^ok +report.sales" "$T_DIR/out"
t_grep "... and the calls'" "^ok +report.calls" "$T_DIR/out"

# ---------------------------------------------------------------- rebuild
snap() {
	simdeskctl --json report sales --period 2026 --by month
	simdeskctl --json report calls --period 2026 --by month
	simdeskctl --json report sales --period 2026-11 --by agent --compare
	simdeskctl --json report calls --period today --by team
	simdeskctl --json report calls --period today --compare
}
snap >"$T_DIR/before"
t_rc 0 "report rebuild" simdeskctl report rebuild
t_grep "... counts the rows it wrote" "^rollups rebuilt: [0-9]+ call rows, [0-9]+ sales rows$" "$T_DIR/out"
snap >"$T_DIR/after"
cmp -s "$T_DIR/before" "$T_DIR/after"; t_ok "... the same figures after" $?
t_grep "... audited" "report.rebuild" <(simdeskctl audit list --op report.rebuild)
verify "after the rebuild"

# ---------------------------------------------------------------- --export
# The table as the report prints it, written to the client's file: CSV
# with a BOM, GB18030, .xlsx with number cells and the head row frozen.
t_rc 0 "report sales --export csv --out FILE" simdeskctl report sales --period 2026-11 --by agent --export csv --out "$T_DIR/r.csv"
[ ! -s "$T_DIR/out" ]; t_ok "... prints nothing" $?
[ "$(head -c3 "$T_DIR/r.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ]; t_ok "... the file begins with a BOM" $?
head -1 "$T_DIR/r.csv" | grep -q $'AGENT,ACTIVATIONS,REVENUE,AVG PRICE\r$'; t_ok "... the head, CRLF" $?
grep -q $'^A1-1,1,30.00,30.00\r$' "$T_DIR/r.csv"; t_ok "... A1-1's row as the table has it" $?
grep -q $'^\t-,2,55.50,27.75\r$' "$T_DIR/r.csv"; t_ok "... the sales of no agent (-, after a tab: not a formula)" $?
t_rc 0 "--export csv-gbk" simdeskctl report sales --period 2026-11 --by agent --export csv-gbk --out "$T_DIR/r-gb.csv"
iconv -f GB18030 -t UTF-8 "$T_DIR/r-gb.csv" >"$T_DIR/r-gb.utf8" &&
    cmp -s "$T_DIR/r-gb.utf8" <(tail -c +4 "$T_DIR/r.csv")
t_ok "... GB18030 that iconv turns back into the UTF-8 file's text" $?
t_rc 0 "--export xlsx with --compare" simdeskctl report sales --period 2026-11 --by agent --compare --export xlsx --out "$T_DIR/r.xlsx"
unzip -p "$T_DIR/r.xlsx" xl/worksheets/sheet1.xml >"$T_DIR/sheet.xml"
t_grep "... the head row frozen" 'state="frozen"' "$T_DIR/sheet.xml"
# Row 2 is the sales of no agent, row 3 A1's: 1 card, 39.00 (a number
# cell in yuan), and A1-1's change from 50.00 before: -40.0%.
t_grep "... a count as a number cell" '<c r="B3"[^>]*><v>1</v>' "$T_DIR/sheet.xml"
t_grep "... money as a number cell" '<c r="C3"[^>]*><v>39</v>' "$T_DIR/sheet.xml"
t_grep "... a change as a number cell" '<c r="J4"[^>]*><v>-0.4</v>' "$T_DIR/sheet.xml"
t_grep "... the group as text" '<c r="A2"[^>]*t="s"' "$T_DIR/sheet.xml"
unzip -p "$T_DIR/r.xlsx" xl/sharedStrings.xml | grep -q "PREV REVENUE"; t_ok "... the compare columns" $?
t_rc 0 "report calls --export csv" simdeskctl report calls --period 2026-10 --export csv --out "$T_DIR/c.csv"
grep -q $'^op2,3,0,2,66.70%,1:02:05,0:31:03,1:00:00,0\r$' "$T_DIR/c.csv"; t_ok "... op2's row (reached a percent, talk H:MM:SS)" $?
t_rc 5 "a bad --export is refused (5)" simdeskctl report sales --export xls --out "$T_DIR/bad.xls"
[ "$(wc -l <"$T_DIR/err")" -eq 1 ]; t_ok "... in one line" $?
t_grep "... naming the format" "format: 'xls' is not csv, csv-gbk or xlsx" "$T_DIR/err"
[ ! -e "$T_DIR/bad.xls" ]; t_ok "... and no file written" $?
t_rc 5 "--export without --out (5)" simdeskctl report sales --export csv
t_grep "... names out" "^simdeskctl: out: " "$T_DIR/err"
t_rc 5 "--out without --export (5)" simdeskctl report sales --out "$T_DIR/no.csv"
t_grep "... names export" "export: " "$T_DIR/err"
[ ! -e "$T_DIR/no.csv" ]; t_ok "... and no file written" $?
