#!/usr/bin/env bash
# test_money_tui.sh -- agent money in simdesk (issue 16): an admin's
# settlement queue approves a draft statement and pays it, each after a
# confirmation showing the total (a declined one writes nothing); the
# agent user sees its figures and its statement, and no keys to change it.
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

W=ag
tui_session ag
wait_for "the agent user" "Log in" 300 || exit 1
keys agent Tab agentpw1 Enter
wait_for "... signed in" "Settlements and commissions" 300 || exit 1
pick "Settlements and commissions"
wait_for "... its figures" "This month's commissions: 0\\.00 pending, 0\\.00 payable"
wait_for "... its receivable by age" "Receivable 0\\.00: 0-30 days 0\\.00"
wait_for "... its statement" "A1 .*paid .*25\\.00"
not_on "... and no key to approve or pay" "Approve|Pay " 2
