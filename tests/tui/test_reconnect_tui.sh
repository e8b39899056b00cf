#!/usr/bin/env bash
# test_reconnect_tui.sh -- simdesk is a client of simdeskd (issue 13): it
# opens no database file itself; when its server is killed it says it is
# reconnecting, and when a server is started again (as systemd would) it
# signs in again by itself (a password user too) and carries on where it
# was; a server stopped for good lets F10 leave.
. "$(dirname "$0")/../lib.sh"
t_tmp
t_seed || { t_ok "seed" 1; exit 1; }
export TZ=Asia/Shanghai
as operator operatorpw1 simdeskctl customer add --name 王小明 --phone 13912340000 >/dev/null
t_ok "a customer of the operator's" $?

# The server is started by hand, as systemd would, on a socket of the
# configuration's: no client starts one of its own for it.
t_stop_servers
printf 'socket = "%s";\n' "$T_DIR/s.sock" >"$T_DIR/simdesk.conf"
export SIMDESK_CONF="$T_DIR/simdesk.conf"
start_server() {
	"$T_TOP/build/bin/simdeskd" -f -D "$SIMDESK_DATA" 2>>"$T_DIR/daemon.log" &
	SERVER=$!
	for _ in $(seq 100); do [ -S "$T_DIR/s.sock" ] && return 0; sleep 0.1; done
	return 1
}
start_server
t_ok "simdeskd started by hand" $?

TUI_SOCK="simdesk-reconnect-$$"
cleanup_tmux() { tm kill-server 2>/dev/null; kill -9 "$SERVER" 2>/dev/null; t_cleanup; }
trap cleanup_tmux EXIT
W=op
tui_session op
wait_for "the login screen" "Log in" 300 || exit 1
keys operator Tab operatorpw1 Enter
wait_for "the operator signs in with a password" "Operator desk" 300 || exit 1
keys 1
wait_for "my customers, listed through the server" "王小明 +13912340000" 300

TUI=
for p in $(pgrep -x simdesk); do
	tr '\0' '\n' <"/proc/$p/environ" 2>/dev/null | grep -qx "SIMDESK_DATA=$SIMDESK_DATA" && TUI=$p
done
[ -n "$TUI" ]; t_ok "the TUI's pid" $?
if ls -l "/proc/$TUI/fd" 2>/dev/null | grep -qE '\.db$|__db\.'; then bad=1; else bad=0; fi
t_ok "simdesk holds no database file open" $bad
if grep -qE "$SIMDESK_DATA/(__db|.*\.db)" "/proc/$TUI/maps" 2>/dev/null; then bad=1; else bad=0; fi
t_ok "... and maps none" $bad
grep -q 'libdb-5.3' "/proc/$TUI/maps" 2>/dev/null
bdb=$?
echo "# Berkeley DB library mapped in simdesk: $([ $bdb -eq 0 ] && echo yes, unused || echo no)"

# kill -9 of the server: the TUI says so and keeps trying.
kill -9 "$SERVER"
wait "$SERVER" 2>/dev/null
wait_for "a killed server: the TUI says it is reconnecting" "reconnecting…" 300
kill -0 "$TUI" 2>/dev/null; t_ok "... and is still running" $?

# The server comes back: the TUI is back where it was, signed in again.
gone_from() {	# DESC REGEX: the screen stops showing REGEX within 30 s
	for _ in $(seq 300); do
		screen >"$T_DIR/screen"
		grep -qE -- "$2" "$T_DIR/screen" || { t_ok "$1" 0; return 0; }
		sleep 0.1
	done
	echo "# $1: /$2/ still on screen $W:"; sed 's/^/#   |/' "$T_DIR/screen"
	t_ok "$1" 1
}
t0=$(date +%s%N)
start_server
t1=$(date +%s%N)
gone_from "a server again: the TUI is no longer reconnecting" "reconnecting…"
t2=$(date +%s%N)
echo "# simdeskd took $(( (t1 - t0) / 1000000 )) ms to listen; the TUI was back $(( (t2 - t1) / 1000000 )) ms after that"
wait_for "... with the list where it was" "王小明 +13912340000" 300
keys Enter
wait_for "... a call after it works (the card opens)" "王小明  #1" 300
wait_for "... still as the operator" "operator one \(operator\)" 300
n=$(simdeskctl audit list --op login 2>/dev/null | grep -cE " operator +login +operator +ok")
[ "$n" -ge 2 ]; t_ok "... having signed in again by itself (audited: $n logins)" $?

# A note written after the reconnect is there once.
keys n
wait_for "the note form" "Follow-up note" 300
keys "重连后的记录" F2
wait_for "... saved" "王小明  #1" 300
for _ in $(seq 50); do
	c=$(simdeskctl note list 13912340000 2>/dev/null | grep -c "重连后的记录")
	[ "$c" -ge 1 ] && break; sleep 0.1
done
[ "$c" -eq 1 ]; t_ok "... the note is stored once" $?

# Stopped for good: reconnecting, and F10 leaves.
kill "$SERVER"
wait "$SERVER" 2>/dev/null
wait_for "a stopped server: reconnecting" "reconnecting…" 300
keys F10
wait_for "F10 leaves while reconnecting" "EXITED" 300
for _ in $(seq 50); do kill -0 "$TUI" 2>/dev/null || break; sleep 0.1; done
! kill -0 "$TUI" 2>/dev/null; t_ok "... the process is gone" $?
