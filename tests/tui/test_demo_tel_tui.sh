#!/usr/bin/env bash
# test_demo_tel_tui.sh -- the telephone end to end on the demo's own data
# and modems: scripts/demo.sh (what `make demo` runs) makes the data and
# starts simdeskd --modems sim:4; qian dials her customer 王小明 from his
# card in the TUI, the simulated callee answers, she hangs up, and the call
# shows on his card rated by the demo's tariff (0.15 a minute); 王小明
# calling in pops his card on qian's screen (his owner), not on sun's.
. "$(dirname "$0")/../lib.sh"
t_tmp
export TZ=Asia/Shanghai
DEMO="$T_DIR/demo"
DEMO_DATA="$DEMO" bash "$T_TOP/scripts/demo.sh" </dev/null >"$T_DIR/demo.log" 2>&1
t_ok "scripts/demo.sh makes the demo data and starts simdeskd" $?
export SIMDESK_DATA="$DEMO" SIMDESK_CONF="$DEMO/simdesk.conf"
TUI_SOCK="simdesk-demotel-$$"
cleanup_tmux() {
	tm kill-server 2>/dev/null
	[ -f "$DEMO/simdeskd.pid" ] && kill "$(cat "$DEMO/simdeskd.pid")" 2>/dev/null
	sleep 0.3; t_cleanup
}
trap cleanup_tmux EXIT
grep -q "simdeskd runs" "$T_DIR/demo.log"; t_ok "... and says simdeskd runs" $?
for _ in $(seq 100); do simdeskctl modem list 2>/dev/null | grep -c " ready " | grep -q 4 && break; sleep 0.1; done
[ "$(simdeskctl modem list | grep -c ' ready ')" -eq 4 ]; t_ok "the demo's four simulated modems are ready" $?

for w in qian sun; do tui_session $w; done
W=qian
# The demo's logins stay on the login screen (issue 12: the TUI covered
# the list the demo printed): the server's configuration says them, so a
# TUI started without it (simdesk -l -D demo-data) shows them too.
wait_for "the login screen lists the demo's logins" "Demo logins, password demo1234: zhao" 300
W=note
tm new-session -d -s note -x 100 -y 30 \
    "env -u SIMDESK_CONF LANG=C.UTF-8 LC_ALL=C.UTF-8 $T_TOP/build/bin/simdesk -l -D $DEMO; sleep 30"
wait_for "... from the server's configuration, for a TUI without it" "Demo logins, password demo1234" 300
keys F1
wait_for "... and in the login screen's help" "unlock it\.  Demo logins, password demo1234" 300
tm kill-session -t note
W=qian
W=sun; keys sun Tab demo1234 Enter; wait_for "sun is at his desk" "Available +孙伟"
W=qian; keys qian Tab demo1234 Enter
wait_for "qian is at her desk, available for calls" "Available +钱小芳"
keys 1
wait_for "her customers" "王小明 +13912345678"
keys Enter
wait_for "王小明's card" "王小明  #1"
keys d
wait_for "d dials him" "☎ (queued|dialling|ringing) 13912345678 王小明"
wait_for "... the simulated callee answers" "☎ talking 13912345678 王小明"
sleep 1.2
keys F7
wait_for "F7 hangs up: the after-call note" "After the call"
keys "他要办 39 元套餐" F2
wait_for "the call on his card, rated by the demo's tariff" "out 13912345678 +answered +0:0[0-9] 0\.15 qian answered"
CALL=$(simdeskctl call list --customer 1 --json | grep -oE '"id": [0-9]+' | tail -1 | grep -oE '[0-9]+')
simdeskctl call show "$CALL" >"$T_DIR/o"
t_grep "... its record: 0.15 a minute, one minute" "^total fee: +0\.15$" "$T_DIR/o"
simdeskctl call recording "$CALL" --out "$T_DIR/call.wav" >/dev/null 2>&1
[ -s "$T_DIR/call.wav" ]; t_ok "... and recorded" $?
keys Escape Escape

simdeskctl modem ring sim2 13912345678 >/dev/null
wait_for "王小明 calls in: his card pops on qian's screen" "☎ incoming 13912345678 王小明"
W=sun; seen=1
for _ in $(seq 10); do screen | grep -q "☎ incoming" && { seen=0; break; }; sleep 0.1; done
[ $seen -eq 1 ]; t_ok "... not on sun's" $?
W=qian; keys F7
wait_for "qian answers" "☎ talking 13912345678"
keys F7
wait_for "... and hangs up" "After the call"
keys Escape
keys F10 y
wait_for "F10 leaves" "EXITED 0"

# The demo's data and files are its user's alone, and `make demo` on a
# machine with no locale set (a fresh Debian) still opens simdesk.
[ "$(stat -c %a "$DEMO")" = 700 ] && [ "$(stat -c %a "$DEMO/simdesk.conf")" = 600 ] &&
    [ "$(stat -c %a "$DEMO/calls.csv")" = 600 ]
t_ok "the demo's directory is 0700 and its files 0600" $?
W=nolocale
tm new-session -d -s nolocale -x 100 -y 30 \
    "env -u LANG -u LC_ALL -u LC_CTYPE -u LANGUAGE DEMO_DATA=$DEMO bash $T_TOP/scripts/demo.sh; echo EXITED \$?; sleep 30"
wait_for "with no locale set, the demo still opens simdesk" "User administration" 300
keys F10 y
wait_for "... and leaves with status 0" "EXITED 0" 300
tm capture-pane -p -S -200 -t nolocale >"$T_DIR/scroll"
t_grep "... having said it used C.UTF-8" "using LANG=C.UTF-8" "$T_DIR/scroll"
