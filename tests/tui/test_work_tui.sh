#!/usr/bin/env bash
# test_work_tui.sh -- the work lists in tmux with more rows than they hold
# (200): the tickets and the reminders say "the first 200 of 205" instead
# of stopping silently, and scroll to a row below the screen's last.
. "$(dirname "$0")/../lib.sh"
t_tmp
t_seed || { t_ok "seed" 1; exit 1; }
export TZ=Asia/Shanghai
: >"$T_DIR/simdesk.conf"	# tui_session passes SIMDESK_CONF on: the defaults
export SIMDESK_CONF="$T_DIR/simdesk.conf"
{
	echo "name,phone,owner"
	for i in $(seq 205); do printf '客户%03d,139%08d,operator\n' "$i" "$i"; done
} >"$T_DIR/c.csv"
simdeskctl customer import "$T_DIR/c.csv" >/dev/null
t_ok "205 customers of the operator's" $?
# By the admin (no password to hash each time), eight at a time;
# customer i's follow-up is i minutes after 10:00.
BASE=$(sdate -d "tomorrow 10:00" +%s)
: >"$T_DIR/bad"
for i in $(seq 205); do
	(
		simdeskctl ticket add "$i" --type inquiry --text "工单$i" >/dev/null &&
		    simdeskctl note add "$i" "回访$i" --next "@$((BASE + i * 60))" >/dev/null ||
		    echo "$i" >>"$T_DIR/bad"
	) &
	[ $((i % 8)) -ne 0 ] || wait
done
wait
[ ! -s "$T_DIR/bad" ]; t_ok "... each with an open ticket and a follow-up planned for tomorrow" $?

TUI_SOCK="simdesk-work-$$"
cleanup_tmux() { tm kill-server 2>/dev/null; t_cleanup; }
trap cleanup_tmux EXIT
W=op
tui_session op
wait_for "the login screen" "Log in" 300 || exit 1
keys operator Tab operatorpw1 Enter
wait_for "the operator's desk" "Operator desk" 300 || exit 1

keys 5
wait_for "the tickets say how many they hold of how many" "Your open tickets \(the first 200 of 205\)" 300
wait_for "... the first ticket at the top" "#1 +inquiry" 300
for _ in $(seq 29); do keys Down; done
wait_for "... Down past the screen's last row scrolls to the 30th" "#30 +inquiry" 300
t_nogrep "... the first has scrolled off" "#1 +inquiry" "$T_DIR/screen"
keys Escape
wait_for "back home" "Operator desk" 300

keys 4
wait_for "the reminders say how many they hold of how many" "Your reminders for the coming week \(the first 200 of 205\)" 300
for _ in $(seq 39); do keys Down; done
wait_for "... and scroll to the 40th" "客户040" 300
t_nogrep "... the first has scrolled off" "客户001" "$T_DIR/screen"
keys Escape
wait_for "back home" "Operator desk" 300

# The same in Chinese.
tm kill-session -t op 2>/dev/null
tm new-session -d -s zh -x 120 -y 32 \
    "env LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 TZ=$TZ SIMDESK_CONF=$SIMDESK_CONF SIMDESK_DATA=$SIMDESK_DATA $T_TOP/build/bin/simdesk -l; echo EXITED \$?; sleep 30"
W=zh
wait_for "a Chinese session" "登录" 300 || exit 1
keys operator Tab operatorpw1 Enter
keys 5
wait_for "... its tickets: 前 200 条，共 205 条" "前 200 条，共 205 条" 300
