#!/usr/bin/env bash
# test_audit_tui.sh -- the audit trail in the TUI (issue 12) at 80x24: a
# supervisor reaches it from the home menu, an operator is not offered it;
# rows newest first, paged from the server; the filters by user (an unknown
# one refused, naming the field), by object (/ as you type) and by time
# (a date that does not parse refused, naming the field; the forms the TUI
# takes, echoed) each show what `simdeskctl audit list` shows for the same
# filter; Enter shows a row in full, its detail wrapped; ? help; zh_CN.
. "$(dirname "$0")/../lib.sh"
t_tmp
t_seed || { t_ok "seed" 1; exit 1; }
export TZ=Asia/Shanghai
: >"$T_DIR/simdesk.conf"	# tui_session passes SIMDESK_CONF on: the defaults
export SIMDESK_CONF="$T_DIR/simdesk.conf"
OP="as operator operatorpw1"

# The operator's rows: customers 1..12 (customer:1 is a prefix of 10..12),
# a refusal; then, a second later, more: the time filter splits them.
for i in $(seq 1 12); do
	$OP simdeskctl customer add --name "客户$i" --phone "1391234$(printf %04d "$i")" >/dev/null
done
$OP simdeskctl audit list >/dev/null 2>&1
sleep 1.2
SPLIT=$(sdate '+%F %T')
sleep 1.2
$OP simdeskctl customer update 1 --city 北京 >/dev/null
$OP simdeskctl customer add --name 客户13 --phone 13912349013 >/dev/null
[ "$(simdeskctl audit list --user operator | wc -l)" -gt 30 ]; t_ok "the operator's rows: more than a screen's" $?

# simdeskctl's rows for a filter as the screen shows them, newest first:
# time (MM-DD HH:MM:SS), user, operation and object cut to their columns.
cli_rows() {
	simdeskctl audit list "$@" | awk '
	NR == 1 { a = index($0, "AT"); u = index($0, "USER"); o = index($0, "OPERATION");
		  b = index($0, "OBJECT"); e = index($0, "OUTCOME"); next }
	{ t = substr($0, a + 5, 14)
	  us = substr($0, u, o - u); op = substr($0, o, b - o); ob = substr($0, b, e - b)
	  gsub(/ +$/, "", us); gsub(/ +$/, "", op); gsub(/ +$/, "", ob)
	  printf "%s|%s|%s|%s\n", t, substr(us, 1, 9), substr(op, 1, 17), substr(ob, 1, 11) }' | tac
}
# The list on screen the same way (the columns by their heads).
scr_rows() {
	screen | awk '
	/^Time +User +Operation +Object/ { u = index($0, "User"); o = index($0, "Operation");
		b = index($0, "Object"); e = index($0, "Result"); on = 1; next }
	on && /^[0-9][0-9]-[0-9][0-9] / {
	  us = substr($0, u, o - u); op = substr($0, o, b - o); ob = substr($0, b, e - b)
	  gsub(/ +$/, "", us); gsub(/ +$/, "", op); gsub(/ +$/, "", ob)
	  printf "%s|%s|%s|%s\n", substr($0, 1, 14), substr(us, 1, 9), substr(op, 1, 17), substr(ob, 1, 11) }'
}
# same DESC CLI-ARGS...: the screen's rows are the first of the CLI's (all
# of them when they fit), waiting for the screen to settle.
same() {
	local desc=$1 n
	shift
	if [ -n "${REV:-}" ]; then cli_rows "$@" | tac; else cli_rows "$@"; fi >"$T_DIR/want"
	for _ in $(seq 50); do
		scr_rows >"$T_DIR/got"
		n=$(wc -l <"$T_DIR/got")
		[ "$n" -gt 0 ] && head -n "$n" "$T_DIR/want" | cmp -s - "$T_DIR/got" &&
		    { [ "$n" -ge 15 ] || [ "$n" -eq "$(wc -l <"$T_DIR/want")" ]; } &&
		    { t_ok "$desc ($n rows)" 0; return 0; }
		sleep 0.1
	done
	echo "# $desc: the screen's rows differ from simdeskctl audit list $*:"
	diff <(head -n "$(wc -l <"$T_DIR/got")" "$T_DIR/want") "$T_DIR/got" | sed 's/^/#   /' | head -20
	t_ok "$desc" 1
	return 1
}

TUI_SOCK="simdesk-audit-$$"
cleanup_tmux() { tm kill-server 2>/dev/null; t_cleanup; }
trap cleanup_tmux EXIT
start80() {	# NAME LANG [COLS ROWS]
	tm new-session -d -s "$1" -x "${3:-80}" -y "${4:-24}" \
	    "env LANG=$2 LC_ALL=$2 TZ=$TZ SIMDESK_CONF=$SIMDESK_CONF SIMDESK_DATA=$SIMDESK_DATA $T_TOP/build/bin/simdesk -l; echo EXITED \$?; sleep 30"
}
# open_menu ENTRY: pick ENTRY of the home menu with the arrow keys.
open_menu() {
	local first at
	screen >"$T_DIR/home"
	first=$(grep -nE '^ +1  ' "$T_DIR/home" | head -1 | cut -d: -f1)
	# (an admin's home has the server's status beside the menu)
	at=$(grep -nE "^ +[0-9]?  $1( {2,}.*)?\$" "$T_DIR/home" | head -1 | cut -d: -f1)
	[ -n "$first" ] && [ -n "$at" ] || return 1
	for _ in $(seq $((at - first))); do keys Down; done
	keys Enter
}

# ---------------------------------------------------------------- roles
W=op
start80 op C.UTF-8
wait_for "an operator at 80x24" "Log in" 300 || exit 1
keys operator Tab operatorpw1 Enter
wait_for "... signed in" "Operator desk" 300
t_nogrep "... is not offered the audit trail" "Audit trail" "$T_DIR/screen"
tm kill-session -t op

W=sup
start80 sup C.UTF-8
wait_for "a supervisor at 80x24" "Log in" 300 || exit 1
keys supervisor Tab supervisorpw1 Enter
wait_for "... has the audit trail on the home menu" "  Audit trail$" 300
open_menu "Audit trail"
wait_for "... which opens it" "^Time +User +Operation +Object +Result +Detail" 100
wait_for "... newest first, the filters shown" "User anyone  From -  To -  newest first" 100
screen | tail -1 >"$T_DIR/bar"
t_grep "... the key bar keeps Esc, Help and Quit, … for the keys left out" "… .*Esc Back +F1 Help +F10 Quit" "$T_DIR/bar"
keys r
same "... its rows are the CLI's, newest first"
scr_rows | head -1 >"$T_DIR/top"
grep -q "|superviso|" "$T_DIR/top"; t_ok "... the newest the supervisor's own (signing in)" $?
wait_for "... a refusal is listed" "operator +audit\.list +denied" 100
wait_for "... a detail too long for its column ends in …" "name=客户.*…$" 100
keys '?'
wait_for "? explains the screen" "The audit trail: who did what" 100
wait_for "... and lists its keys" "Clear filters" 100
keys Escape
wait_for "... and goes back" "^Time +User +Operation" 100

# ---------------------------------------------------------------- user
keys u
wait_for "u asks for a user" "User \(empty: anyone\):" 100
keys nobody Enter
wait_for "... an unknown user is refused on Enter, naming the field" "user: no user 'nobody'" 100
keys BSpace BSpace BSpace BSpace BSpace BSpace operator Enter
wait_for "... then the operator's rows" "User operator  From -" 100
same "... are the CLI's for --user operator, newest first" --user operator
keys G
wait_for "G pages to the end from the server: the operator's first sign-in" "operator +login +operator" 100
same_end() {
	cli_rows --user operator | tail -1 >"$T_DIR/want1"
	for _ in $(seq 50); do
		scr_rows | tail -1 | cmp -s - "$T_DIR/want1" && return 0
		sleep 0.1
	done
	scr_rows | tail -1; cat "$T_DIR/want1"
	return 1
}
same_end; t_ok "... the last row on screen is the CLI's oldest" $?
keys g
same "g goes back to the newest" --user operator
keys o
wait_for "o turns the order" "User operator  From -  To -  oldest first" 100
REV=1 same "... the CLI's rows, oldest first" --user operator
keys o
wait_for "... and back" "newest first" 100

# ---------------------------------------------------------------- object
keys /
wait_for "/ filters by object as you type" "^/ _" 100
keys customer:1
wait_for "... typed" "^/ customer:1_" 100
same "... the operator's rows on customer:1* are the CLI's" --user operator --object customer:1
keys Enter
wait_for "... Enter keeps the filter" "^/ customer:1 *$" 100

# ---------------------------------------------------------------- time
keys f
wait_for "f asks from when" "From: _" 100
keys yesterday Enter
wait_for "... a date that does not parse is refused, naming the field" "from: 'yesterday' is not a time" 100
keys BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace "$SPLIT" Enter
wait_for "... a time as typed, echoed" "From ${SPLIT:0:16}" 100
same "... the rows from it are the CLI's for --since" --user operator --object customer:1 --since "$SPLIT"
keys t
wait_for "t asks to when" "To: _" 100
keys 2026-01-01 Enter
wait_for "... a to before from is refused, naming the field" "to: before from \(${SPLIT:0:16}\)" 100
keys Escape
keys c
wait_for "c clears every filter" "User anyone  From -  To -" 100
keys t
keys "$SPLIT" Enter
wait_for "t: to a time" "To ${SPLIT:0:16}" 100
same "... the rows up to it are the CLI's for --until" --until "$SPLIT"
keys c f today Enter
wait_for "f today: from today's start, echoed" "From $(sdate +%F) 00:00  To -" 100
same "... as the CLI's --since today" --since today
keys c f "$(sdate +%m-%d)" Enter
wait_for "f MM-DD: this year's day, echoed" "From $(sdate +%F) 00:00  To -" 100

# ---------------------------------------------------------------- one row
keys c u operator Enter
wait_for "the operator's rows again" "User operator  From -" 100
keys /
keys customer:1
keys Enter
keys G
wait_for "the first row of customer:1 is its adding" "operator +customer\.add +customer:1 +ok" 100
keys Enter
wait_for "Enter shows the row in full" "Operation: customer\.add" 100
wait_for "... its object" "Object: customer:1$" 100
wait_for "... its detail wrapped, the end on a line of its own" "^ +dnc=0 id_no= tags=0$" 100
t_grep "... the start too" "name=客户1 phone=13912340001" "$T_DIR/screen"
keys '?'
wait_for "... ? explains it" "One row of the audit trail in full" 100
keys Escape
keys Escape
wait_for "Esc goes back to the list" "^Time +User +Operation" 100
tm kill-session -t sup

# ---------------------------------------------------------------- zh_CN
W=zh
start80 zh zh_CN.UTF-8
wait_for "zh_CN at 80x24" "登录|Log in" 300 || exit 1
keys supervisor Tab supervisorpw1 Enter
wait_for "... the home menu has 审计日志" "  审计日志$" 300
open_menu "审计日志"
wait_for "... which opens with translated heads" "^时间 +用户 +操作 +对象 +结果 +详情" 100
screen | tail -1 >"$T_DIR/bar"
t_grep "... the key bar keeps Esc, Help and Quit" "Esc 返回 .*F1 帮助 +F10 退出" "$T_DIR/bar"
wait_for "... and filters" "用户 所有人  从 -  到 -  最新的在前" 100
keys '?'
wait_for "... its help translated, o among its keys" "^ +o +切换顺序" 100
keys Escape
wait_for "... and back" "^时间 +用户" 100
keys f
keys 明天x Enter
wait_for "... a bad date in Chinese words" "从：“明天x”不是时间" 100
keys Escape
tm kill-session -t zh

# ---------------------------------------------------------------- 160x48
W=wide
start80 wide C.UTF-8 160 48
wait_for "at 160x48" "Log in" 300 || exit 1
keys supervisor Tab supervisorpw1 Enter
wait_for "... signed in" "  Audit trail$" 300
open_menu "Audit trail"
wait_for "... the audit trail" "^Time +User +Operation +Object" 100
wait_for "... its key bar whole" "Turn the order.*Esc Back.*F10 Quit" 100
b=$(screen | tail -1)
r=0; [[ $b != *"…"* ]] || [ "${#b}" -ge 130 ] || r=1
t_ok "... every key on it, or it fills the width" $r
[ "$(screen | sed -n '25,46p' | grep -cE '^[0-9][0-9]-[0-9][0-9] ')" -gt 0 ]; t_ok "... its rows use the height" $?
tm kill-session -t wide
