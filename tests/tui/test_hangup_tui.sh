#!/usr/bin/env bash
# test_hangup_tui.sh -- simdesk leaves when its terminal goes away or it is
# told to: under each kind of modal screen (the main loop on a menu, a
# reminder pop-up, a confirmation, a prompt, a one-key choice, a form with
# unsaved changes and its discard question, help) the tmux session is
# killed, which closes the pty as an SSH drop does, and the simdesk process
# must be gone within a second; so must one that gets no SIGHUP (setsid)
# and only finds its terminal gone; SIGTERM and SIGHUP to a simdesk sitting
# in a reminder pop-up end it the same way, restoring the terminal.
. "$(dirname "$0")/../lib.sh"
t_tmp
t_seed || { t_ok "seed data" 1; exit 1; }
export TZ=Asia/Shanghai
: >"$T_DIR/simdesk.conf"	# tui_session passes SIMDESK_CONF on
export SIMDESK_CONF="$T_DIR/simdesk.conf"
OP="as operator operatorpw1"
$OP simdeskctl customer add --name 王小明 --phone 13800138000 >/dev/null
TUI_SOCK="simdesk-hup-$$"
cleanup_tmux() { tm kill-server 2>/dev/null; t_cleanup; }
trap cleanup_tmux EXIT
# A limit generous enough for a loaded machine yet far below "for ever".
LIMIT_MS=1000

# simdesk_pid SESSION: the simdesk under the session's pane (the pane runs
# a shell that runs simdesk).
simdesk_pid() {
	local pane pid
	pane=$(tm display -p -t "$1" '#{pane_pid}') || return 1
	for _ in $(seq 100); do
		pid=$(pgrep -P "$pane" -x simdesk) && { echo "$pid"; return 0; }
		sleep 0.05
	done
	return 1
}

# alive PID: the process runs (a zombie has exited: only its reaping, by
# whoever adopted it, is left).
alive() {
	[ -r "/proc/$1/stat" ] &&
	    ! grep -qE '^[0-9]+ \(.*\) Z' "/proc/$1/stat" 2>/dev/null
}
ms_now() { echo $(( $(date +%s%N) / 1000000 )); }

# gone_within DESC PID: the process ends within LIMIT_MS of now (watched
# for up to 5 s, so a slow exit shows how slow).
gone_within() {
	local t0 ms
	[ -n "$2" ] || { echo "# $1: no simdesk to watch"; t_ok "$1" 1; return 1; }
	t0=$(ms_now)
	while alive "$2" && [ $(( $(ms_now) - t0 )) -lt 5000 ]; do
		sleep 0.02
	done
	ms=$(( $(ms_now) - t0 ))
	if alive "$2"; then
		echo "# $1: simdesk $2 still running after ${ms} ms:"
		ps -o pid,stat,pcpu,time,cmd -p "$2" | sed 's/^/#   /'
		kill -KILL "$2" 2>/dev/null
		t_ok "$1" 1
		return 1
	fi
	echo "# $1: gone after ${ms} ms"
	[ "$ms" -le "$LIMIT_MS" ]
	t_ok "$1" $?
}

# open NAME LOGIN PASSWORD [READY]: a session logged in as LOGIN at its
# first screen (READY, else the home menu); PID is its simdesk, PIDS all.
PIDS=
open() {
	W=$1
	tui_session "$1"
	PID=$(simdesk_pid "$1") || { t_ok "$1: simdesk starts" 1; return 1; }
	PIDS="$PIDS $PID"
	wait_for "$1: the login screen" "Log in" 300 || return 1
	keys "$2" Tab "$3" Enter
	wait_for "$1: logged in" "${4:-My account}" 300
}

# hang_up DESC: close the session's terminal; simdesk must go.
hang_up() {
	tm kill-session -t "$W"
	gone_within "$1" "$PID"
}

# ---- the main loop (the home menu)
open home operator operatorpw1
hang_up "home menu: a closed terminal ends simdesk"

# ---- a submenu (stock, agents and orders)
open menu admin adminpw1
keys 8
wait_for "menu: the stock menu" "Stock browser" 300
hang_up "submenu: a closed terminal ends simdesk"

# ---- help
open help operator operatorpw1
keys '?'
wait_for "help: the help screen" "Press any key to go back" 300
hang_up "help: a closed terminal ends simdesk"

# ---- a confirmation (F10: leave?)
open confirm operator operatorpw1
keys F10
wait_for "confirm: the question" "Leave simdesk\? \(y/n\)" 300
hang_up "confirmation: a closed terminal ends simdesk"

# ---- a prompt (F6: the number to dial)
open prompt operator operatorpw1
keys F6
wait_for "prompt: the question" "Number to dial: _" 300
keys 1380
wait_for "prompt: typing shows" "Number to dial: 1380_" 300
hang_up "prompt: a closed terminal ends simdesk"

# ---- a one-key choice (the cashier's payment method)
open choice cashier cashierpw1 "Phone or customer id:"
keys 13800138000 Enter
wait_for "choice: the customer at the desk" "#1  王小明" 300
keys F2
wait_for "choice: the amount" "Amount in yuan" 300
keys 10 Enter	# nothing is due: an amount (an empty one is refused at once)
wait_for "choice: the method, one key" "Method: 1 cash" 300
hang_up "one-key choice: a closed terminal ends simdesk"

# ---- a form with unsaved changes, then its discard question
open form operator operatorpw1
keys 1
wait_for "form: my customers" "王小明" 300
keys a
wait_for "form: the new-customer form" "New customer" 300
keys 赵四
wait_for "form: typed but not saved" "赵四" 300
hang_up "form with unsaved changes: a closed terminal ends simdesk"

open discard operator operatorpw1
keys 1
wait_for "discard: my customers" "王小明" 300
keys a
wait_for "discard: the new-customer form" "New customer" 300
keys 赵四 Escape
wait_for "discard: the question" "Discard your changes\? \(y/n\)" 300
hang_up "discard question: a closed terminal ends simdesk"
$OP simdeskctl customer list >"$T_DIR/o" 2>&1
t_nogrep "... and nothing half-typed was saved" "赵四" "$T_DIR/o"

# ---- no SIGHUP at all: simdesk in a session of its own (setsid) is not
# signalled when the terminal closes; it must see the terminal gone.
TUI_WRAP=setsid
open nosig operator operatorpw1
hang_up "no SIGHUP, home menu: a closed terminal ends simdesk"
open nosig-prompt operator operatorpw1
keys F6
wait_for "nosig-prompt: the question" "Number to dial: _" 300
hang_up "no SIGHUP, prompt: a closed terminal ends simdesk"
TUI_WRAP=

# ---- reminder pop-ups: closed terminal, SIGTERM, SIGHUP
remind() {	# TEXT: a reminder for the operator, due in two seconds
	$OP simdeskctl note add 13800138000 "$1" \
	    --next "$(sdate -d '+2 seconds' '+%Y-%m-%d %H:%M:%S')" >/dev/null
}
remind "回电一"
open popup operator operatorpw1
wait_for "popup: the reminder pops up" "Reminder  .*" 300
wait_for "popup: ... with its text" "回电一" 300
hang_up "reminder pop-up: a closed terminal ends simdesk"

# Left unseen by the closed terminal, the same reminder pops up again.
for sig in TERM HUP; do
	open "popup-$sig" operator operatorpw1
	wait_for "popup-$sig: the reminder, unseen, pops up again" \
	    "Reminder  " 300
	kill -"$sig" "$PID"
	gone_within "reminder pop-up: SIG$sig ends simdesk" "$PID"
	wait_for "... cleanly: exit status 0, the terminal given back" \
	    "^EXITED 0" 300
	tm kill-session -t "$W"
done

TUI_WRAP=setsid
open nosig-popup operator operatorpw1
wait_for "nosig-popup: the reminder pops up" "Reminder  " 300
hang_up "no SIGHUP, reminder pop-up: a closed terminal ends simdesk"
TUI_WRAP=

# ---- afterwards: no simdesk left, the database opens as usual
left=
for p in $PIDS; do alive "$p" && left="$left $p"; done
[ -z "$left" ] || echo "# still running:$left"
t_ok "no simdesk of this test is left running" "$([ -z "$left" ]; echo $?)"
t_rc 0 "the database opens as usual afterwards" $OP simdeskctl customer list
