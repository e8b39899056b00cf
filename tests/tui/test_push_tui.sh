#!/usr/bin/env bash
# test_push_tui.sh -- the inbox is pushed, not polled: an idle simdesk asks
# the server nothing; a reminder added for its user, and one coming due
# later with nothing written meanwhile, reach the screen because simdeskd
# pushed them; after the server is killed and started again the pushes
# come again.  SIMDESK_RPC_LOG shows every call the TUI makes.
. "$(dirname "$0")/../lib.sh"
t_tmp
t_seed || { t_ok "seed" 1; exit 1; }
export TZ=Asia/Shanghai
: >"$T_DIR/simdesk.conf"	# tui_session passes SIMDESK_CONF on: the defaults
export SIMDESK_CONF="$T_DIR/simdesk.conf"
OP="as operator operatorpw1"
LOG="$T_DIR/calls"
$OP simdeskctl customer add --name 王小明 --phone 13912340000 >/dev/null
t_ok "a customer of the operator's" $?

TUI_SOCK="simdesk-push-$$"
cleanup_tmux() { tm kill-server 2>/dev/null; t_cleanup; }
trap cleanup_tmux EXIT
W=op
TUI_WRAP="env SIMDESK_RPC_LOG=$LOG" tui_session op
wait_for "the login screen" "Log in" 300 || exit 1
keys operator Tab operatorpw1 Enter
wait_for "the operator's desk" "Operator desk" 300 || exit 1
calls() { grep -c "${1:-.}" "$LOG"; }

# Idle: nothing asked but the operator's presence beat (every 5 s).
# (Before pushes: 4 event polls a second, reminders every 2 s, the home
# screen every 5 s.)
asked() { grep -vc PRESENCE_BEAT "$LOG"; }
sleep 2
c1=$(asked)
sleep 6
c2=$(asked)
[ "$c2" -eq "$c1" ]; t_ok "an idle simdesk asks the server nothing for 6 s but its presence ($((c2 - c1)) calls)" $?

# A reminder coming due in 8 s: the note's write rings the inbox (a look,
# nothing due yet), then the server rings again at the due time.
due=$(( $(date +%s) + 8 ))
$OP simdeskctl note add 13912340000 "八秒后回电" --next "@$due" >/dev/null
t_ok "a follow-up due in 8 s" $?
wrote=$(date +%s)
wait_for "when it comes due, the reminder pops up" "Reminder  " 300
wait_for "... with its text" "八秒后回电" 50
[ "$(date +%s)" -ge "$due" ]; t_ok "... not before its time" $?
# Between the write's look and the due time's, nothing asked: a poll
# every 2 s would ask at least twice in that window.
sod() { TZ=Asia/Shanghai date -d "@$1" +%H:%M:%S; }
lo=$(sod $((wrote + 2))); hi=$(sod $((due - 1)))
mid=$(awk -v lo="$lo" -v hi="$hi" '$2 == "REMINDER_DUE" && substr($1, 1, 8) >= lo && substr($1, 1, 8) < hi' "$LOG" | wc -l)
[ "$mid" -eq 0 ]; t_ok "... through pushes: no look at the reminders from $lo to $hi ($mid)" $?
keys Escape
wait_gone "Esc: later closes it" "Reminder  " 300

# A ticket given to the operator reaches their home screen at once (the
# home's own reload is a minute away).
TK=$(simdeskctl ticket add 13912340000 --type inquiry --text "推送的工单" | grep -oE '[0-9]+' | head -1)
t_rc 0 "a ticket, given to the operator" simdeskctl ticket assign "$TK" operator
W=op wait_for "... is on the operator's home within seconds" "#$TK +inquiry +王小明" 100

# A supervisor assigns it on from the tickets screen at 80x24 (a, the
# handler's login, F2); the operator's home loses it at once.  The
# operator is not offered the key.
keys 5
W=op wait_for "the operator's tickets" "Your open tickets" 100
keys a
W=op wait_for "... a (assign) is not for the operator's role" "not for your role" 100
keys Escape
tm new-session -d -s sup -x 80 -y 24 \
    "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=$TZ SIMDESK_CONF=$SIMDESK_CONF SIMDESK_DATA=$SIMDESK_DATA $T_TOP/build/bin/simdesk -l; echo EXITED \$?; sleep 30"
W=sup wait_for "a supervisor at 80x24" "Log in" 300
W=sup keys supervisor Tab supervisorpw1 Enter
W=sup wait_for "... signed in" "Tickets" 300
W=sup keys 5 T
W=sup wait_for "... everyone's open tickets, the operator's among them" "#$TK +inquiry .*operator" 100
W=sup keys '?'
W=sup wait_for "... ? lists a (Assign) for a supervisor (the 80-column footer is cut)" "Assign" 100
W=sup keys Escape
W=sup wait_gone "... help closed" "Assign" 100
W=sup keys a
W=sup wait_for "... a asks for the handler" "Handler \(login\)" 100
W=sup keys nobody F2
W=sup wait_for "... an unknown login is refused, naming the field" "handler: no user nobody" 100
W=sup keys BSpace BSpace BSpace BSpace BSpace BSpace supervisor F2
W=sup wait_for "... then assigned" "Ticket assigned" 100
W=sup wait_for "... the list shows the new handler" "#$TK +inquiry .*supervisor" 100
simdeskctl --json ticket list >"$T_DIR/tk"
grep -q "\"handler\": \"supervisor\"" "$T_DIR/tk"; t_ok "... and so does the CLI" $?
simdeskctl audit list --op ticket.assign --object "ticket:$TK" >"$T_DIR/au" 2>&1
grep -q "supervisor.*handler=supervisor" "$T_DIR/au"; t_ok "... audited as the supervisor's" $?
W=op wait_gone "... and the operator's home lost it at once" "#$TK +inquiry" 100
tm kill-session -t sup

# The server killed with SIGKILL and started again: simdesk notices the
# closed connection by itself, reconnects, and pushes come again.
logins=$(calls SESSION_LOGIN)
pid=$(cut -d' ' -f1 "$SIMDESK_DATA/simdeskd.pid")
kill -9 "$pid"
t_ok "the server killed with SIGKILL" $?
# simdesk sees the closed connection by itself (no key is pressed) and
# signs in again once a server answers (its own start of one, or this).
timeout 30 simdeskctl customer show 1 >/dev/null
t_ok "a server again" $?
again=1
for _ in $(seq 300); do
	[ "$(calls SESSION_LOGIN)" -gt "$logins" ] && { again=0; break; }
	sleep 0.1
done
t_ok "... simdesk has signed in again by itself" $again
wait_gone "... and is back on its screen, no reconnecting line" "reconnect" 300
due=$(( $(date +%s) + 6 ))
$OP simdeskctl note add 13912340000 "重启后回电" --next "@$due" >/dev/null
wait_for "after the restart, a reminder coming due pops up again" "重启后回电" 300
keys Escape
wait_gone "Esc closes it" "Reminder  " 300
sleep 1
c1=$(asked)
sleep 6
c2=$(asked)
[ "$c2" -eq "$c1" ]; t_ok "... and idle again, it asks nothing more ($((c2 - c1)) calls)" $?
