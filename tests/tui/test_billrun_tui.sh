#!/usr/bin/env bash
# test_billrun_tui.sh -- a month's bill run and a bill's adjustment from the
# Bills screen at 80x24 (issue 12: screens that existed only in the CLI):
# the month asked (last month shown) and refused when it is not one, a
# declined confirmation that writes nothing, the run and its summary
# matching the CLI's bills, a rerun that says it changed nothing, an
# adjustment refused with a bad amount and one posted, verify holding; and
# the roles core refuses are not offered the keys.
. "$(dirname "$0")/../lib.sh"
t_tmp
t_seed || { t_ok "seed data" 1; exit 1; }
export TZ=Asia/Shanghai
: >"$T_DIR/simdesk.conf"	# tui_session passes SIMDESK_CONF on: the defaults
export SIMDESK_CONF="$T_DIR/simdesk.conf"
# Last month, the run's default, in the configured zone.
LAST=$(sdate -d "$(sdate +%Y-%m-01) -1 month" +%Y-%m)
simdeskctl tariff add STD --name 标准 >/dev/null
simdeskctl tariff rate STD 1 --per-minute 0.15 --name 手机 --bundle >/dev/null
simdeskctl plan add P39 --name 39元卡 --monthly-fee 39 --tariff STD >/dev/null
printf 'iccid,msisdn,plan,price\n8986007000000000001,13900001111,P39,0\n8986007000000000002,13900002222,P39,0\n' >"$T_DIR/c.csv"
simdeskctl sim import "$T_DIR/c.csv" >/dev/null
as operator operatorpw1 simdeskctl customer add --name 账单甲 --phone 13600001111 >/dev/null
as operator operatorpw1 simdeskctl customer add --name 账单乙 --phone 13600002222 >/dev/null
simdeskctl sim activate 13900001111 --customer 13600001111 --date "$LAST-01" >/dev/null
simdeskctl sim activate 13900002222 --customer 13600002222 --date "$LAST-16" >/dev/null
printf 'call_id,msisdn,direction,number,start,answer,billsec\nk1,13900001111,out,13800138000,%s-10 09:00:00,%s-10 09:00:01,61\n' \
    "$LAST" "$LAST" >"$T_DIR/cdr.csv"
simdeskctl cdr import "$T_DIR/cdr.csv" --format simdesk >/dev/null
t_ok "a month of two customers, not billed yet" $?

TUI_SOCK="simdesk-billrun-$$"
cleanup_tmux() { tm kill-server 2>/dev/null; t_cleanup; }
trap cleanup_tmux EXIT
# session NAME [LANG]: simdesk -l at 80x24.
session() {
	tm new-session -d -s "$1" -x 80 -y 24 \
	    "env LANG=${2:-C.UTF-8} LC_ALL=${2:-C.UTF-8} TZ=$TZ SIMDESK_CONF=$SIMDESK_CONF SIMDESK_DATA=$SIMDESK_DATA $T_TOP/build/bin/simdesk -l; echo EXITED \$?; sleep 30"
}
pick() {	# LABEL: the menu entry's number key
	local n
	n=$(screen | grep -oE "[0-9]  $1" | head -1 | cut -c1)
	keys "$n"
}
bspace() { for _ in $(seq "$1"); do keys BSpace; done; }
# The month's bills' totals summed, in fen, as the CLI lists them.
cli_total() {
	simdeskctl --json bill list --month "$LAST" |
	    grep -oE '"total_fen": -?[0-9]+' | awk '{ s += $2 } END { print s + 0 }'
}
yuan() { printf '%d.%02d' $(($1 / 100)) $(($1 % 100)); }

# ---------------------------------------------------------------- the run
W=adm
session adm
wait_for "an admin at 80x24" "Log in" 300 || exit 1
keys admin Tab adminpw1 Enter
wait_for "... signed in" "Billing and payments" 300 || exit 1
pick "Billing and payments"
wait_for "the billing menu" "Bills"
pick "Bills"
wait_for "the bills of last month: none yet" "Bills of $LAST"
keys '?'
wait_for "? lists R (Run bills) for an admin" "R +Run bills"
wait_for "... and a (Adjust)" "a +Adjust"
keys Escape
wait_gone "... help closed" "Press any key to go back"
keys R
wait_for "R asks the month, last month shown" "Month to bill \(YYYY-MM\): $LAST"
bspace 7
keys 2026-13 Enter
wait_for "... 2026-13 is refused as Enter leaves it, naming the month" \
    "2026-13_ +month: '2026-13' is not YYYY-MM"
bspace 7
keys 2099-01 Enter
wait_for "... a month that has not begun too" "month: 2099-01 has not begun"
bspace 7
keys "$LAST" Enter
wait_for "... then asks to confirm" "Run bills for $LAST\? \(y/n\)"
keys n
wait_for "n: not run" "Not run: nothing was billed"
simdeskctl --json bill list --month "$LAST" >"$T_DIR/o"
t_nogrep "... no bill was made" '"customer"' "$T_DIR/o"
simdeskctl audit list --op bill.run >"$T_DIR/o"
t_nogrep "... and no run audited" "bill.run" "$T_DIR/o"

keys R
wait_for "R again" "Month to bill \(YYYY-MM\): $LAST"
keys Enter
wait_for "... Enter takes last month" "Run bills for $LAST\? \(y/n\)"
keys y
wait_for "y runs it: the summary" "Bill run for $LAST: done"
TOTAL=$(cli_total)
wait_for "... 2 bills" "Bills +2$"
wait_for "... both new" "New or changed +2$"
wait_for "... the total billed, as the CLI's bills add up ($(yuan "$TOTAL"))" \
    "Total billed \(yuan\) +$(yuan "$TOTAL")$"
wait_for "... all of it posted by this run" "Posted by this run \(yuan\) +$(yuan "$TOTAL")$"
wait_for "... and how a rerun works" "Running the month again"
[ "$TOTAL" -gt 0 ]; t_ok "... the CLI lists the bills ($TOTAL fen)" $?
simdeskctl audit list --op bill.run >"$T_DIR/o"
t_grep "... the run is audited as the admin's" "admin +bill.run +bills:$LAST" "$T_DIR/o"
keys Enter
wait_for "Enter: the month's bills" "#1 账单"
wait_for "... both" "#2 账单"

# A rerun changes nothing and says so.
keys R Enter
wait_for "a rerun says the bills exist and nothing is posted twice" \
    "Bills for $LAST exist: run again \(posts only changes\)\? \(y/n\)"
keys y
wait_for "... the summary: nothing new or changed" "New or changed +0$"
wait_for "... nothing posted" "Posted by this run \(yuan\) +0.00$"
wait_for "... the same total" "Total billed \(yuan\) +$(yuan "$TOTAL")$"
wait_for "... said in words" "A rerun that changed nothing"
[ "$(cli_total)" -eq "$TOTAL" ]; t_ok "... the CLI's bills are unchanged" $?
simdeskctl --json balance 13600001111 >"$T_DIR/o"
B1=$(simdeskctl --json bill show 13600001111 "$LAST" | grep -oE '"total_fen": [0-9]+' | grep -oE '[0-9]+$')
t_grep "... the customer was charged once" "\"balance_fen\": -$B1," "$T_DIR/o"
keys Escape
wait_for "Esc: the bills again" "#1 账单"

# ---------------------------------------------------------------- adjustment
keys a
wait_for "a asks the amount of the selected bill's adjustment" "Adjustment, yuan \(- credits\):"
keys abc Enter
wait_for "... abc is refused as Enter leaves it, naming the amount" \
    "abc_ +amount: 'abc' is not an amount in yuan"
bspace 3
keys 99999999 Enter
wait_for "... too much is refused, with the limit" \
    "99999999_ +amount: the limit is 1000000.00 yuan"
bspace 8
keys -- -5 Enter
wait_for "... then the reason" "Reason:"
keys Enter
wait_for "... which is required" "reason: required"
keys 话费补偿 Enter
wait_for "... then a confirmation" "Adjust the $LAST bill of #1 账单甲 by -5.00\? \(y/n\)"
keys n
wait_for "n: not adjusted" "Not adjusted: nothing was posted"
simdeskctl --json bill show 13600001111 "$LAST" >"$T_DIR/o"
t_nogrep "... no line on the bill" '"kind": "adjust"' "$T_DIR/o"
keys a
keys -- -5 Enter 话费补偿 Enter
wait_for "a again, -5 and a reason" "Adjust the $LAST bill of #1 账单甲 by -5.00\? \(y/n\)"
keys y
B2=$((B1 - 500))
wait_for "y adjusts: the new total said" "Adjusted by -5.00 \(a new line, posted\): the bill's total is now $(yuan "$B2")"
wait_for "... the list shows the new total" "#1 账单… .* $(yuan "$B2") +$(yuan "$B2")$"
wait_for "... the bill's lines show the adjustment" "adjust +话费补偿 +-5.00"
simdeskctl --json bill show 13600001111 "$LAST" >"$T_DIR/o"
t_grep "... the CLI's bill has the adjustment" '"adjust_fen": -500,' "$T_DIR/o"
t_grep "... as a line with its reason" '"text": "话费补偿",' "$T_DIR/o"
t_grep "... and the new total" "\"total_fen\": $B2," "$T_DIR/o"
simdeskctl audit list --op ledger.post >"$T_DIR/o"
t_grep "... a new posting, the admin's" "admin +ledger.post .*cust:1 -5.00; rev:adjust 5.00" "$T_DIR/o"
# From one customer's bills (c) too: a charge this time.
C2=$(simdeskctl --json bill show 13600002222 "$LAST" | grep -oE '"total_fen": [0-9]+' | grep -oE '[0-9]+$')
keys c 13600002222 Enter
wait_for "c: one customer's bills" "Customer 13600002222, month by month"
keys a 3 Enter 补收卡费 Enter
wait_for "... a adjusts the selected one" "Adjust the $LAST bill of #2 账单乙 by 3.00\? \(y/n\)"
keys y
wait_for "... charged" "Adjusted by 3.00 \(a new line, posted\): the bill's total is now $(yuan $((C2 + 300)))"
simdeskctl --json bill show 13600002222 "$LAST" >"$T_DIR/o"
t_grep "... as the CLI shows" "\"total_fen\": $((C2 + 300))," "$T_DIR/o"
keys Escape
wait_for "Esc: back to the month" "Bills of $LAST"
t_rc 0 "... verify holds" simdeskctl verify

# ---------------------------------------------------------------- roles
# A supervisor adjusts but does not run bills (core: bill.run is the
# admin's); a cashier and an operator are offered neither.
for who in supervisor cashier operator; do
	W=$who
	session "$who"
	wait_for "$who at 80x24" "Log in" 300 || continue
	keys "$who" Tab "${who}pw1" Enter
	wait_for "... signed in" "Billing and payments|Payment desk" 300
	screen | grep -q "Billing and payments" || keys Escape
	wait_for "... home" "Billing and payments"
	pick "Billing and payments"
	wait_for "... the billing menu" "Bills"
	pick "Bills"
	wait_for "... the bills" "Bills of"
	keys '?'
	wait_for "... help" "Press any key to go back"
	screen >"$T_DIR/screen"
	t_nogrep "... ? does not offer R (Run bills)" "Run bills" "$T_DIR/screen"
	if [ "$who" = supervisor ]; then
		t_grep "... but offers a (Adjust)" "a +Adjust" "$T_DIR/screen"
	else
		t_nogrep "... nor a (Adjust)" "Adjust" "$T_DIR/screen"
	fi
	keys Escape
	wait_gone "... help closed" "Press any key to go back"
	keys R
	wait_for "... R is not for the $who's role" "That key is not for your role"
	if [ "$who" != supervisor ]; then
		keys Right
		wait_gone "... (the message cleared by a key)" "not for your role"
		keys a
		wait_for "... nor a" "That key is not for your role"
	fi
	tm kill-session -t "$who"
done
simdeskctl audit list --op bill.run >"$T_DIR/o"
[ "$(grep -c 'bill.run' "$T_DIR/o")" -eq 2 ]; t_ok "two runs in all, both the admin's" $?

# ---------------------------------------------------------------- zh_CN
W=zh
session zh zh_CN.UTF-8
wait_for "an admin in zh_CN at 80x24" "登录" 300 || exit 1
keys admin Tab adminpw1 Enter
wait_for "... signed in" "计费与收费" 300
pick "计费与收费"
wait_for "... the billing menu" "账单"
pick "账单"
wait_for "... the bills" "$LAST"
keys '?'
wait_for "... ? lists R and a, translated" "R +出账"
wait_for "... and a" "a +调账"
keys Escape
wait_gone "... help closed" "按任意键返回"
keys R
wait_for "... R asks the month in Chinese, last month shown" "出账月份（YYYY-MM）： $LAST"
bspace 7
keys 2026-13 Enter
wait_for "... 2026-13 refused, in Chinese (core's message translated)" "月份：'2026-13' 不是 YYYY-MM"
keys Escape
wait_gone "... Esc leaves the prompt" "出账月份"
keys a
wait_for "... a asks the amount in Chinese" "调账金额（元，负数为减免）："
keys Escape
wait_gone "... Esc leaves it" "调账金额"
simdeskctl audit list --op bill.run >"$T_DIR/o"
[ "$(grep -c 'bill.run' "$T_DIR/o")" -eq 2 ]; t_ok "... nothing run from it" $?
