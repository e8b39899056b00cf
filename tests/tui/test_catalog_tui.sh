#!/usr/bin/env bash
# test_catalog_tui.sh -- plans, value-added services and agents added from
# the TUI at 80x24 (issue 12: no admin needs the CLI for them): each field
# checked as it is left with core's rule, every bad field reported at once
# on F2 with the cursor on the first, a taken code refused naming the code
# field with nothing written, the new row in the list and in simdeskctl;
# roles core refuses are not offered the keys; one plan added in zh_CN.
. "$(dirname "$0")/../lib.sh"
t_tmp
t_seed || { t_ok "seed data" 1; exit 1; }
simdeskctl tariff add STD --name 标准 >/dev/null
simdeskctl vas add CRBT --name 彩铃 --monthly-fee 5 >/dev/null
simdeskctl plan add P39 --name 39元卡 --monthly-fee 39 --vas CRBT >/dev/null

TUI_SOCK="simdesk-catalog-$$"
trap 'tm kill-server 2>/dev/null; t_cleanup' EXIT
session() {	# NAME LANG LOGIN PASSWORD: simdesk at 80x24, signed in
	tm new-session -d -s "$1" -x 80 -y 24 \
	    "env LANG=$2 LC_ALL=$2 TZ=Asia/Shanghai SIMDESK_DATA=$SIMDESK_DATA $T_TOP/build/bin/simdesk -l; echo EXITED \$?; sleep 30"
	W=$1 wait_for "$3 at 80x24 ($2): the login screen" "Log in|登录" 300
	W=$1 keys "$3" Tab "$4" Enter
}
# under DESC LABEL REGEX: the line under the one with LABEL matches REGEX
# (at 80 columns a long error goes on the free line under its field).
under() {
	for _ in $(seq 50); do
		screen >"$T_DIR/screen"
		grep -A1 -E -- "$2" "$T_DIR/screen" | tail -1 | grep -qE -- "$3" &&
		    { t_ok "$1" 0; return 0; }
		sleep 0.1
	done
	echo "# $1: /$3/ not under /$2/:"; sed 's/^/#   |/' "$T_DIR/screen"
	t_ok "$1" 1
}
# The number the stock menu gives an entry (roles see different ones).
pick() {	# LABEL
	screen | grep -oE "[0-9]  $1" | head -1 | cut -c1
}
codes() {	# NOUN: the codes simdeskctl lists
	simdeskctl --json "$1" list | grep -oE '"code": "[^"]*"' | cut -d'"' -f4 |
	    tr '\n' ' '
}

# ---------------------------------------------------------------- plans
W=adm
session adm C.UTF-8 admin adminpw1
wait_for "the admin's home" "Stock, agents and orders" 300
keys 8
wait_for "the stock menu offers the plans" "[0-9]  Plans"
wait_for "... and the value-added services" "[0-9]  Value-added services"
keys "$(pick Plans)"
wait_for "the plans list at 80 columns" "P39 +39元卡 +39.00 +0 +0 +- +CRBT +on sale"
wait_for "... offers n (New plan) to the admin" "n New plan"
keys '?'
wait_for "? explains the list and n" "An admin adds a plan with n"
keys Escape
wait_gone "... help closed" "An admin adds a plan" 50
keys n
wait_for "n opens the new plan form" "Plan code \*"
keys P39 Tab 新套餐 Tab abc Tab
under "a bad fee is said as the field is left, under the fee" "Monthly fee" \
    "'abc' is not an amount in yuan like 39 or 39.50"
keys x Tab
under "... and a bad count of minutes" "Minutes included" \
    "'x' is not a whole number from 0 to 1000000"
keys '?'
wait_for "? in the form is its help" "at most 8"
keys Escape
wait_gone "... help closed" "at most 8" 50
keys F2
wait_for "F2 reports the bad fields" "Please correct the fields marked in red"
under "... the fee still marked" "Monthly fee" "'abc' is not an amount"
under "... and the minutes" "Minutes included" "'x' is not a whole number"
wait_for "... the cursor on the first of them (the fee)" "Monthly fee \* +abc_"
[ "$(codes plan)" = "P39 " ]; t_ok "... nothing written" $?
keys BSpace BSpace BSpace 59.5 Tab BSpace 300 Tab 100 Tab F2
wait_for "a taken code is refused naming the code field" "plan: P39 already exists"
wait_for "... beside the code, the cursor on it" "Plan code \* +P39_ +P39 already exists"
simdeskctl --json plan show P39 >"$T_DIR/o"
grep -q '"name": "39元卡"' "$T_DIR/o" && [ "$(codes plan)" = "P39 " ]
t_ok "... nothing written (P39 as it was, no other plan)" $?
keys BSpace BSpace 59 Tab Tab Tab Tab Tab NOPE F2
wait_for "an unknown tariff is refused, naming the field" "tariff: no tariff NOPE"
keys BSpace BSpace BSpace BSpace STD Tab CRBT F2
wait_for "a good plan is added" "Plan P59 added"
wait_for "... and the list shows it" "P59 +新套餐 +59.50 +300 +100 +STD +CRBT +on sale"
simdeskctl --json plan show P59 >"$T_DIR/o"
grep -q '"monthly_fee_fen": 5950' "$T_DIR/o" && grep -q '"minutes": 300' "$T_DIR/o" &&
    grep -q '"sms": 100' "$T_DIR/o" && grep -q '"tariff": "STD"' "$T_DIR/o" &&
    grep -q '"CRBT"' "$T_DIR/o"
t_ok "... simdeskctl plan show has it, the fee in fen" $?
simdeskctl audit list --op plan.add --object plan:P59 >"$T_DIR/o" 2>&1
t_grep "... audited as the admin's" "admin" "$T_DIR/o"

# ---------------------------------------------------------------- services
keys Escape
wait_for "back to the stock menu" "[0-9]  Value-added services"
keys "$(pick Value-added)"
wait_for "the services list" "CRBT +彩铃 +5.00"
keys n
wait_for "n opens the new service form" "Service code \*"
keys CRBT Tab 来电显示 Tab -1 Tab
wait_for "a negative fee is refused as it is left" "must not be negative"
keys F2
wait_for "... and on F2, the cursor on it" "Monthly fee \* +-1_"
keys BSpace BSpace 6 F2
wait_for "a taken service code is refused naming the field" "vas: CRBT already exists"
wait_for "... beside the code, the cursor on it" "Service code \* +CRBT_ +CRBT already exists"
[ "$(codes vas)" = "CRBT " ]; t_ok "... nothing written" $?
keys BSpace BSpace BSpace BSpace CLIP F2
wait_for "a good service is added" "Service CLIP added"
wait_for "... and the list shows it" "CLIP +来电显示 +6.00"
simdeskctl --json vas list >"$T_DIR/o"
grep -q '"code": "CLIP"' "$T_DIR/o" && grep -q '"monthly_fee_fen": 600' "$T_DIR/o"
t_ok "... simdeskctl vas list has it, 600 fen" $?

# ---------------------------------------------------------------- agents
keys Escape
wait_for "back to the stock menu" "[0-9]  Agent tree"
keys "$(pick 'Agent tree')"
wait_for "the agent tree" "A1 华东总代"
wait_for "... offers n (New agent) to the admin" "n New agent"
keys n
wait_for "n opens the new agent form" "Agent code \*"
keys A1 Tab 杭州二级 Tab NOPE Tab lots Tab 120 Tab 浙江 F2
wait_for "F2 reports every bad field at once" "Please correct the fields marked in red"
under "... the credit limit" "Credit limit" "'lots' is not an amount in yuan"
under "... and the discount" "Discount" "'120' is not a percentage 0 to 100"
wait_for "... the cursor on the first (the credit limit)" "Credit limit +lots_"
keys BSpace BSpace BSpace BSpace 5000 Tab BSpace BSpace BSpace 7.5 F2
wait_for "a taken agent code is refused naming the field" "agent: A1 already exists"
wait_for "... the cursor on the code" "Agent code \* +A1_"
keys -- -1 F2
wait_for "an unknown parent is refused, naming the field" "parent: no agent NOPE"
[ "$(codes agent)" = "A1 " ]; t_ok "... nothing written" $?
keys BSpace BSpace BSpace BSpace A1 F2
wait_for "a good agent is added, applied" "Agent A1-1 added"
wait_for "... and the tree shows it under its parent" "  A1-1 杭州二级 +applied"
simdeskctl --json agent show A1-1 >"$T_DIR/o"
grep -q '"parent": "A1"' "$T_DIR/o" && grep -q '"credit_limit_fen": 500000' "$T_DIR/o" &&
    grep -q '"discount_bp": 750' "$T_DIR/o" && grep -q '"region": "浙江"' "$T_DIR/o" &&
    grep -q '"status": "applied"' "$T_DIR/o"
t_ok "... simdeskctl agent show has it, the limit in fen" $?
keys Escape Escape q
tm kill-session -t adm

# ---------------------------------------------------------------- roles
W=sup
session sup C.UTF-8 supervisor supervisorpw1
wait_for "the supervisor's home" "Stock, agents and orders" 300
keys "$(screen | grep -oE '[0-9]  Stock, agents' | cut -c1)"
wait_for "the supervisor's stock menu" "[0-9]  Plans"
keys "$(pick Plans)"
wait_for "the supervisor sees the plans" "P59 +新套餐"
screen | tail -1 >"$T_DIR/bar"
t_nogrep "... but is not offered n (plans are the admin's)" "New plan" "$T_DIR/bar"
keys '?'
wait_for "... nor in the help" "Press any key"
t_nogrep "... (no New plan key listed)" "New plan" "$T_DIR/screen"
keys Escape
wait_gone "... help closed" "Press any key" 50
keys n
wait_for "... n says it is not for the supervisor" "That key is not for your role"
simdeskctl audit list --user supervisor --op plan >"$T_DIR/o" 2>&1
t_nogrep "... and asks core nothing (no refusal audited)" "denied" "$T_DIR/o"
keys Escape
wait_for "back to the stock menu" "[0-9]  Agent tree"
keys "$(pick 'Agent tree')"
wait_for "the supervisor's agent tree offers n (New agent)" "n New agent"
keys Escape Escape q
tm kill-session -t sup

W=agt
session agt C.UTF-8 agent agentpw1
wait_for "the agent's home" "Stock, agents and orders" 300
keys "$(screen | grep -oE '[0-9]  Stock, agents' | cut -c1)"
wait_for "the agent's stock menu" "[0-9]  Agent tree"
keys "$(pick 'Agent tree')"
wait_for "the agent sees its branch" "A1 华东总代"
screen | tail -1 >"$T_DIR/bar"
t_nogrep "... and is not offered n" "New agent" "$T_DIR/bar"
keys n
wait_for "... n says it is not for the agent" "That key is not for your role"
[ "$(codes agent)" = "A1 A1-1 " ]; t_ok "... nothing added" $?
keys Escape Escape q
tm kill-session -t agt

# ---------------------------------------------------------------- zh_CN
W=zh
session zh zh_CN.UTF-8 admin adminpw1
wait_for "the admin's home in Chinese" "号卡" 300
keys 8
wait_for "the stock menu in Chinese" "[0-9]  套餐"
keys "$(screen | grep -oE '[0-9]  套餐' | head -1 | cut -c1)"
wait_for "the plans list in Chinese" "P59 +新套餐"
keys n
wait_for "the new plan form in Chinese" "套餐编码 \*"
keys P19 Tab 19元卡 Tab 1.999 Tab
under "... a bad fee said under it, in Chinese (core's message translated)" "月租" "'1.999' 不是以元为单位的金额"
keys Up BSpace BSpace BSpace BSpace BSpace 19 F2
wait_for "... a good plan added" "套餐 P19 已添加"
wait_for "... and listed" "P19 +19元卡 +19.00"
simdeskctl --json plan show P19 >"$T_DIR/o"
t_grep "... simdeskctl has it" '"monthly_fee_fen": 1900' "$T_DIR/o"
keys Escape Escape q
tm kill-session -t zh
t_rc 0 "verify" simdeskctl verify
