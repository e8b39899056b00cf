#!/usr/bin/env bash
# test_billing_tui.sh -- the billing screens in tmux: the menu, the bill
# viewer month by month with a bill's lines, one customer's bills, the
# call-record viewer narrowing as a number is typed, and the tariff editor
# with its quote box and a rate set from the screen.
. "$(dirname "$0")/../lib.sh"
t_tmp
t_seed || { t_ok "seed data" 1; exit 1; }
export TZ=Asia/Shanghai
simdeskctl tariff add STD --name 标准 >/dev/null
simdeskctl tariff rate STD 1 --per-minute 0.15 --name 手机 --bundle >/dev/null
simdeskctl plan add P39 --name 39元卡 --monthly-fee 39 --tariff STD >/dev/null
printf 'iccid,msisdn,plan,price\n8986007000000000001,13900001111,P39,0\n8986007000000000002,13900002222,P39,0\n' >"$T_DIR/c.csv"
simdeskctl sim import "$T_DIR/c.csv" >/dev/null
as operator operatorpw1 simdeskctl customer add --name 账单甲 --phone 13600001111 >/dev/null
as operator operatorpw1 simdeskctl customer add --name 账单乙 --phone 13600002222 >/dev/null
simdeskctl sim activate 13900001111 --customer 13600001111 --date 2026-11-01 >/dev/null
simdeskctl sim activate 13900002222 --customer 13600002222 --date 2026-11-16 >/dev/null
printf 'call_id,msisdn,direction,number,start,answer,billsec\nk1,13900001111,out,13800138000,2026-11-10 09:00:00,2026-11-10 09:00:01,61\nk2,13900002222,out,13800138001,2026-11-20 09:00:00,2026-11-20 09:00:01,30\n' >"$T_DIR/cdr.csv"
simdeskctl cdr import "$T_DIR/cdr.csv" --format simdesk >/dev/null
simdeskctl bill run 2026-11 >/dev/null

SOCK="simdesk-billing-$$"
tm() { tmux -L "$SOCK" "$@"; }
cleanup_tmux() { tm kill-server 2>/dev/null; t_cleanup; }
trap cleanup_tmux EXIT
tm new-session -d -s s -x 120 -y 34 \
    "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=$TZ SIMDESK_DATA=$SIMDESK_DATA $T_TOP/build/bin/simdesk -l; echo EXITED \$?; sleep 30"
screen() { tm capture-pane -p -t s; }
keys() { tm send-keys -t s "$@"; }
wait_for() {	# DESC REGEX
	for _ in $(seq 50); do
		screen >"$T_DIR/screen"
		grep -qE -- "$2" "$T_DIR/screen" && { t_ok "$1" 0; return 0; }
		sleep 0.1
	done
	echo "# $1: /$2/ not on screen:"; sed 's/^/#   |/' "$T_DIR/screen"
	t_ok "$1" 1
	return 1
}

sleep 0.3
keys admin Tab adminpw1 Enter
wait_for "the admin's home has billing" "9  Billing and payments"
keys 9
wait_for "the billing menu" "4  Tariffs"
keys 2 m 2026-11 Enter
wait_for "the bill viewer shows the month's bills" "Bills of 2026-11"
wait_for "... one row a customer, with the due" "2026-11 #1 账单甲 +13900001111 +39元卡 +0.30 +0.00 +39.30 +39.30"
wait_for "... the half month prorated: 19.50 + 0.15" "#2 账单乙 .* 0.15 +0.00 +19.65 +19.65"
wait_for "... the selected bill's lines below" "plan +13900001111 +39元卡 +39.00"
keys Left
wait_for "← steps back a month" "Bills of 2026-10"
keys c 13600002222 Enter
wait_for "c shows one customer month by month" "Customer 13600002222, month by month"
keys Escape Escape 3
wait_for "the call records" "Start +Number"
keys / 139000022
wait_for "typing a number narrows the calls" "13900002222 out 13800138001"
tm capture-pane -p -t s | grep -q "13900001111 out"; t_ok "... hiding the other number" $((! $?))
keys Escape Escape 4
wait_for "the tariff editor lists the rates" "1 +手机 +0.15000"
# Each prompt is checked as Enter leaves it (issue 12).
keys Q 13800138000 Enter abc Enter
wait_for "a duration that is not a number is refused at once" "seconds: 'abc' is not a whole number from 0 to 86400"
keys BSpace BSpace BSpace 61 Enter "2026-11-25 10:00" Enter
wait_for "Q quotes a call: 61 s -> 120 s, 0.30" "13800138000 for 61 s: prefix 1 手机 at 0.15000 a minute, 120 s billable -> 0.30"
keys a 010 Enter abc Enter
wait_for "a bad price is refused as it is typed" "Yuan a minute: abc_  per_minute: 'abc' is not a price"
keys BSpace BSpace BSpace 0.30 Enter Enter n Enter
wait_for "a sets a rate from the screen" "Rate for 010 set"
wait_for "... and it is listed" "010 .* 0.30000"
simdeskctl --json tariff quote STD 01012345678 60 >"$T_DIR/o"
grep -q '"cost_fen": 30' "$T_DIR/o"; t_ok "... and it prices calls" $?
