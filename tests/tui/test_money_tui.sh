#!/usr/bin/env bash
# test_money_tui.sh -- agent money in simdesk (issue 16): an admin's
# settlement queue approves a draft statement and pays it, each after a
# confirmation showing the total (a declined one writes nothing); the
# agent user sees its figures and its statement, and no keys to change it;
# its home shows them beside the menu at 80x24, in English and in Chinese:
# this month's commissions pending and payable, its latest statement, its
# receivable by age.
. "$(dirname "$0")/../lib.sh"
t_tmp
t_seed || { t_ok "seed data" 1; exit 1; }
export TZ=Asia/Shanghai
: >"$T_DIR/simdesk.conf"
export SIMDESK_CONF="$T_DIR/simdesk.conf"
LAST=$(sdate -d "$(sdate +%Y-%m-01) -1 month" +%Y-%m)
simdeskctl agent approve A1 >/dev/null
simdeskctl plan add P39 --name 39元卡 --monthly-fee 39 >/dev/null
printf 'iccid,msisdn,plan\n8986007000000000001,13900001111,P39\n8986007000000000002,13900002222,P39\n' >"$T_DIR/c.csv"
simdeskctl sim import "$T_DIR/c.csv" >/dev/null
as operator operatorpw1 simdeskctl customer add --name 甲 --phone 13600001111 >/dev/null
as operator operatorpw1 simdeskctl customer add --name 乙 --phone 13600002222 >/dev/null
simdeskctl commission scheme add S1 --name 方案 --frozen-days 3 >/dev/null
simdeskctl commission scheme bounty S1 P39 12.5 >/dev/null
simdeskctl agent update A1 --scheme S1 >/dev/null
# Two cards of last month (payable) and none this month: a draft of 25.00.
simdeskctl sim activate 13900001111 --customer 13600001111 --agent A1 --date "$LAST-02" >/dev/null
simdeskctl sim activate 13900002222 --customer 13600002222 --agent A1 --date "$LAST-05" >/dev/null
simdeskctl commission run "$LAST" >/dev/null
simdeskctl --json settlement list | grep -q '"total_fen": 2500'; t_ok "a draft statement of 25.00 for A1" $?
# This month: card 3 sold today inside the frozen 3 days (12.50 pending);
# then versions without a frozen period and at 20.00, and card 4 (20.00
# payable at once).
printf 'iccid,msisdn,plan\n8986007000000000003,13900003333,P39\n8986007000000000004,13900004444,P39\n' >"$T_DIR/c2.csv"
simdeskctl sim import "$T_DIR/c2.csv" >/dev/null
as operator operatorpw1 simdeskctl customer add --name 丙 --phone 13600003333 >/dev/null
as operator operatorpw1 simdeskctl customer add --name 丁 --phone 13600004444 >/dev/null
simdeskctl sim activate 13900003333 --customer 13600003333 --agent A1 --date "$(sdate +%F)" >/dev/null
simdeskctl commission scheme add S1 --frozen-days 0 >/dev/null
simdeskctl commission scheme bounty S1 P39 20 >/dev/null
simdeskctl sim activate 13900004444 --customer 13600004444 --agent A1 --date "$(sdate +%F)" >/dev/null
simdeskctl --json commission list --agent A1 --month "$(sdate +%Y-%m)" | tr -d '\n' | grep -q '"state": "pending", *"amount_fen": 1250,.*"state": "payable", *"amount_fen": 2000,'
t_ok "this month: 12.50 pending, 20.00 payable" $?
# Its receivable: an order of two P59 cards at 30.00 delivered (60.00),
# 15.00 paid: 45.00 owed, 0-30 days.
simdeskctl plan add P59 --name 59元卡 --monthly-fee 59 >/dev/null
printf 'iccid,msisdn,plan,price\n8986007100000000001,13910001111,P59,30\n8986007100000000002,13910002222,P59,30\n' >"$T_DIR/c3.csv"
simdeskctl sim import "$T_DIR/c3.csv" >/dev/null
O=$(simdeskctl order add --agent A1 --plan P59 --count 2)
simdeskctl order approve "$O" >/dev/null && simdeskctl order ship "$O" --carrier 顺丰 --tracking SF1 >/dev/null &&
    simdeskctl order deliver "$O" >/dev/null && simdeskctl agent pay A1 15 --method bank >/dev/null
simdeskctl --json agent aging A1 | grep -q '"receivable_fen": 4500'; t_ok "A1 owes 45.00" $?

TUI_SOCK="simdesk-money-$$"
cleanup_tmux() { tm kill-server 2>/dev/null; t_cleanup; }
trap cleanup_tmux EXIT
pick() {	# LABEL: the menu entry's number key
	local n
	n=$(screen | grep -oE "[0-9]+  $1" | head -1 | grep -oE '^[0-9]+')
	keys "$n"
}
W=adm
tui_session adm
wait_for "an admin" "Log in" 300 || exit 1
keys admin Tab adminpw1 Enter
wait_for "... signed in" "Settlements and commissions" 300 || exit 1
pick "Settlements and commissions"
wait_for "the settlement queue" "A1 .*draft .*25\\.00"
keys a
wait_for "approve asks with the total" "Approve statement 1 of A1 .*total 25\\.00"
keys n
wait_for "... declined" "A1 .*draft"
simdeskctl --json settlement show 1 | grep -q '"state": "draft"'; t_ok "... nothing written" $?
keys a
wait_for "... again" "Approve statement 1"
keys y
wait_for "... approved" "A1 .*approved"
simdeskctl --json settlement show 1 | grep -q '"state": "approved"'; t_ok "... as the CLI shows" $?
keys p
wait_for "pay asks the method" "Pay by"
keys Enter
wait_for "... the reference" "Reference"
keys 网银001 Enter
wait_for "... and confirms with the total" "Pay statement 1 of A1, total 25\\.00, by bank"
keys y
wait_for "... paid" "A1 .*paid"
simdeskctl --json settlement show 1 >"$T_DIR/o"
grep -q '"method": "bank"' "$T_DIR/o" && grep -q '"ref": "网银001"' "$T_DIR/o"; t_ok "... by bank, with its reference" $?
t_rc 0 "verify holds" simdeskctl verify

start() {	# NAME LANG: simdesk at 80x24
	tm new-session -d -s "$1" -x 80 -y 24 \
	    "env LANG=$2 LC_ALL=$2 TZ=$TZ SIMDESK_CONF=$SIMDESK_CONF SIMDESK_DATA=$SIMDESK_DATA $T_TOP/build/bin/simdesk -l; echo EXITED \$?; sleep 30"
}
W=ag
start ag C.UTF-8
wait_for "the agent user at 80x24" "Log in" 300 || exit 1
keys agent Tab agentpw1 Enter
wait_for "... signed in: its money beside the menu" "Stock, agents and orders +My commissions this month" 300 || exit 1
screen >"$T_DIR/home"
t_grep "... this month's pending" "  pending +12\\.50$" "$T_DIR/home"
t_grep "... and payable" "  payable +20\\.00$" "$T_DIR/home"
t_grep "... its latest statement: month, state, total" "  $LAST paid out 25\\.00$" "$T_DIR/home"
t_grep "... its receivable" "  owed +45\\.00$" "$T_DIR/home"
t_grep "... by age: 0-30 days" "  0-30 days +45\\.00$" "$T_DIR/home"
t_grep "... 31-60" "  31-60 days +0\\.00$" "$T_DIR/home"
t_grep "... 61-90" "  61-90 days +0\\.00$" "$T_DIR/home"
t_grep "... over 90" "  over 90 days +0\\.00$" "$T_DIR/home"
t_grep "... the whole menu is still there" "My account \\(change password\\)" "$T_DIR/home"
[ "$(wc -l <"$T_DIR/home")" -le 24 ]; t_ok "... in 24 lines" $?
pick "Settlements and commissions"
wait_for "... its figures" "This month's commissions: 12\\.50 pending, 20\\.00 payable"
wait_for "... its receivable by age" "Receivable 45\\.00: 0-30 days 45\\.00"
wait_for "... its statement" "A1 .*paid .*25\\.00"
not_on "... and no key to approve or pay" "Approve|Pay " 2
tm kill-session -t ag

W=agzh
start agzh zh_CN.UTF-8
wait_for "the agent user in Chinese" "登录" 300 || exit 1
keys agent Tab agentpw1 Enter
wait_for "... 本月我的佣金" "本月我的佣金" 300
wait_for "... 冻结中 12.50" "冻结中 +12\\.50"
wait_for "... 最近结算单: 已付款" "$LAST 已付款 25\\.00"
wait_for "... 应收货款, 0-30 天 45.00" "0-30 天 +45\\.00"
tm kill-session -t agzh
