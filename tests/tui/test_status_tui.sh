#!/usr/bin/env bash
# test_status_tui.sh -- the admin's home screen shows the server at a
# glance (what simdeskctl status says) beside the menu at 80x24: uptime,
# clients, data, checkpoint, log files, "last backup HH:MM, verified" once
# simdeskd's schedule took and verified one, the modems, the errors; a
# failed scheduled backup is an alarm there; an operator sees none of it.
# A real simdeskd with a backup every 3 s; every wait polls, up to 30 s.
. "$(dirname "$0")/../lib.sh"
t_tmp
export TZ=Asia/Shanghai
export SIMDESK_CONF="$T_DIR/simdesk.conf"
printf 'backup = { keep = 2; every_seconds = 3; };\n' >"$SIMDESK_CONF"
t_seed || { t_ok "seed" 1; exit 1; }
D="$SIMDESK_DATA"
BK="$D-backups"
t_stop_servers
simdeskd -f >"$T_DIR/stderr" 2>&1 &
SRV=$!
t_server_wait "$D"; t_ok "simdeskd started by hand, a backup every 3 s" $?

TUI_SOCK="simdesk-status-$$"
cleanup_tmux() { tm kill-server 2>/dev/null; kill "$SRV" 2>/dev/null; t_cleanup; }
trap cleanup_tmux EXIT
start() {	# NAME LANG
	tm new-session -d -s "$1" -x 80 -y 24 \
	    "env LANG=$2 LC_ALL=$2 TZ=$TZ SIMDESK_CONF=$SIMDESK_CONF SIMDESK_DATA=$SIMDESK_DATA $T_TOP/build/bin/simdesk -l; echo EXITED \$?; sleep 30"
}

W=admin
start admin C.UTF-8
wait_for "an admin at 80x24" "Log in" 300 || exit 1
keys admin Tab adminpw1 Enter
wait_for "... signed in: the server beside the menu" "Administrator.*|  Server$" 300
wait_for "... the last backup, verified" "last backup [0-9]{2}:[0-9]{2}, verified" 300
screen >"$T_DIR/home"
t_grep "... version and uptime" "simdeskd [0-9.]+, up [0-9]+" "$T_DIR/home"
t_grep "... clients by role" "clients [0-9]+: admin [0-9]+" "$T_DIR/home"
t_grep "... data and free space" "data [0-9]+ MB, [0-9]+ MB free" "$T_DIR/home"
t_grep "... the last checkpoint" "last checkpoint [0-9]{2}:[0-9]{2}" "$T_DIR/home"
t_grep "... log files kept" "log files kept: [0-9]+" "$T_DIR/home"
t_grep "... modems ready" "modems ready: 0 of 0" "$T_DIR/home"
t_grep "... errors in the last hour" "errors in the last hour: 0" "$T_DIR/home"
t_grep "... the whole menu is still there" "My account \(change password\)" "$T_DIR/home"
t_grep "... beside it on one line" "^ +1  My customers +Server$" "$T_DIR/home"
t_grep "... and the key bar" "Quit" "$T_DIR/home"
[ "$(wc -l <"$T_DIR/home")" -le 24 ]; t_ok "... in 24 lines" $?

# The backups fail: their directory is a file now.
kill "$SRV"; wait "$SRV" 2>/dev/null
rm -rf "$BK"; echo "not a directory" >"$BK"
simdeskd -f >>"$T_DIR/stderr" 2>&1 &
SRV=$!
t_server_wait "$D"; t_ok "simdeskd again, its backup directory a file" $?
wait_for "a failed scheduled backup is an alarm on the admin home" "ALARM: backup [0-9]{2}:[0-9]{2} FAILED" 300
wait_for "... with why" "Not a( |$)|File exists" 300
rm -f "$BK"
wait_for "a backup that succeeds again ends the alarm" "last backup [0-9]{2}:[0-9]{2}, verified" 300
t_nogrep "... no ALARM left" "ALARM" "$T_DIR/screen"
tm kill-session -t admin

W=admin-zh
start admin-zh zh_CN.UTF-8
wait_for "an admin in Chinese" "登录" 300 || exit 1
keys admin Tab adminpw1 Enter
wait_for "... 最近备份 …，已校验" "最近备份 [0-9]{2}:[0-9]{2}，已校验" 300
tm kill-session -t admin-zh

W=op
start op C.UTF-8
wait_for "an operator" "Log in" 300 || exit 1
keys operator Tab operatorpw1 Enter
wait_for "... signed in" "Operator desk" 300
t_nogrep "... sees no server status" "Server|last backup|ALARM" "$T_DIR/screen"
tm kill-session -t op
exit 0
