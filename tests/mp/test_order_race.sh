#!/usr/bin/env bash
# test_order_race.sh -- two processes approve orders for the last cards at
# the same moment: exactly one gets them, the other is refused, and no
# card is in two orders.
. "$(dirname "$0")/../lib.sh"
t_tmp
export SIMDESK_DATA="$T_DIR/data"
SIMDESK_PASSWORD=adminpw1 simdeskctl init --admin admin >/dev/null
simdeskctl plan add P --name p --monthly-fee 10 >/dev/null
printf 'iccid,msisdn,plan\n' >"$T_DIR/c.csv"
for i in 1 2 3 4 5; do printf '898600500000000000%d,1350000000%d,P\n' "$i" "$i"; done >>"$T_DIR/c.csv"
simdeskctl sim import "$T_DIR/c.csv" >/dev/null
for a in X Y; do
	simdeskctl agent add $a --name $a --credit-limit 100000 >/dev/null
	simdeskctl agent approve $a >/dev/null
done
ox=$(simdeskctl order add --agent X --plan P --count 4)
oy=$(simdeskctl order add --agent Y --plan P --count 4)
for round in 1 2 3; do
	simdeskctl order approve "$ox" >"$T_DIR/x" 2>&1 &
	px=$!
	simdeskctl order approve "$oy" >"$T_DIR/y" 2>&1 &
	py=$!
	wait $px; rx=$?
	wait $py; ry=$?
	[ "$round" -lt 3 ] || break
	# Put the cards back for another round: cancel whichever won.
	[ $rx -eq 0 ] && simdeskctl order cancel "$ox" --reason again >/dev/null
	[ $ry -eq 0 ] && simdeskctl order cancel "$oy" --reason again >/dev/null
	ox=$(simdeskctl order add --agent X --plan P --count 4)
	oy=$(simdeskctl order add --agent Y --plan P --count 4)
done
[ $((rx == 0)) -ne $((ry == 0)) ]; t_ok "exactly one of two racing approvals wins ($rx, $ry)" $?
grep -hq "asked for, 1 in stock" "$T_DIR/x" "$T_DIR/y"; t_ok "... the other is refused for stock" $?
[ "$(simdeskctl --json sim list --status reserved | grep -c '"iccid"')" -eq 4 ]; t_ok "... four cards reserved, not eight" $?
t_rc 0 "verify: no card in two orders" simdeskctl verify
