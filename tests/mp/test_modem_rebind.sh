#!/usr/bin/env bash
# test_modem_rebind.sh -- a modem unplugged mid-call that comes back under
# another device name is found again by its IMEI (simdeskd asks the ports of
# telephony.search, skipping one that holds another modem); a device name
# that now holds another modem than the configured IMEI is left for the
# right one.  The modems are the simulator's, served over TCP by a separate
# process (build/tests/simtcp) that is killed and restarted: real processes
# and sockets, no hardware.
. "$(dirname "$0")/../lib.sh"
t_tmp
t_seed || { t_ok "seed data" 1; exit 1; }
SIMTCP="$T_TOP/build/tests/simtcp"
base=$(( 20000 + ($$ % 20000) ))
P1=$base P2=$((base + 1)) P3=$((base + 2))
IMEI0=864816000000007 IMEI1=864816000000017

serve() {	# PORT:K ...: start simtcp, wait for "ready"
	"$SIMTCP" "$@" >"$T_DIR/simtcp.out" 2>&1 &
	SPID=$!
	for _ in $(seq 50); do grep -q ready "$T_DIR/simtcp.out" 2>/dev/null && return 0; sleep 0.1; done
	return 1
}
D=""
stop_all() { kill $SPID $D 2>/dev/null; wait $SPID $D 2>/dev/null; }
trap 'stop_all; t_cleanup' EXIT
waitfor() {	# SECONDS CMD...
	local n=$(($1 * 10)); shift
	while [ $n -gt 0 ]; do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; n=$((n - 1)); done
	return 1
}
row() { simdeskctl modem list | grep -E "^usb0 "; }
ready_on() { row | grep -E "tcp:127.0.0.1:$1 " | grep -q " ready "; }
state_is() { simdeskctl call show "$1" | grep -qE "^state: +$2"; }

cat >"$T_DIR/simdesk.conf" <<EOF
telephony = {
	search = [ "tcp:127.0.0.1:$P3", "tcp:127.0.0.1:$P2" ];
	modems = ( { name = "usb0"; device = "tcp:127.0.0.1:$P1"; } );
};
EOF
export SIMDESK_CONF="$T_DIR/simdesk.conf"

serve "$P1:0"; t_ok "a modem served on port $P1" $?
simdeskd -f -D "$SIMDESK_DATA" 2>"$T_DIR/d.log" &
D=$!
waitfor 10 ready_on "$P1"; t_ok "simdeskd brings it up on tcp:127.0.0.1:$P1" $?
row | grep -q "$IMEI0"; t_ok "... with its IMEI" $?

C=$(simdeskctl call dial 13812345678)
waitfor 8 state_is "$C" active; t_ok "a call on it is answered" $?
kill $SPID; wait $SPID 2>/dev/null
waitfor 5 state_is "$C" "ended"; t_ok "unplugged mid-call: the call ends" $?
simdeskctl call show "$C" >"$T_DIR/o"
t_grep "... answered, counted up to the unplugging" "^state: +ended answered" "$T_DIR/o"
waitfor 5 sh -c "simdeskctl --json modem list | grep -q '\"state\": \"down\"'"
t_ok "... and the modem is down" $?
t_grep "... saying why" "usb0 .*the modem went away; waiting for it" <(simdeskctl modem list)

# Back, as another modem on P3 (first in the search) and ours on P2.
serve "$P3:1" "$P2:0"; t_ok "the modem comes back on port $P2, another modem on $P3" $?
waitfor 15 ready_on "$P2"; t_ok "simdeskd finds it again by IMEI on tcp:127.0.0.1:$P2" $?
t_grep "... and logs where it was found" "usb0: found again on tcp:127.0.0.1:$P2 \(IMEI $IMEI0\), was tcp:127.0.0.1:$P1" "$T_DIR/d.log"
t_nogrep "... not taking the other modem" "found again on tcp:127.0.0.1:$P3" "$T_DIR/d.log"
C2=$(simdeskctl call dial 13812345678 --modem usb0)
waitfor 8 state_is "$C2" active; t_ok "calls go through it again" $?
simdeskctl call hangup "$C2" >/dev/null
waitfor 5 state_is "$C2" ended; t_ok "... and hang up" $?
kill $D; wait $D 2>/dev/null; D=""

# The configured IMEI: the device holds another modem, ours is elsewhere.
cat >"$T_DIR/simdesk.conf" <<EOF
telephony = {
	search = [ "tcp:127.0.0.1:$P3" ];
	modems = ( { name = "usb0"; device = "tcp:127.0.0.1:$P2"; imei = "$IMEI1"; } );
};
EOF
ps -eo pid,ppid,etimes,args | grep "[s]imdeskd" >"$T_DIR/ps2"
simdeskd -f -D "$SIMDESK_DATA" 2>"$T_DIR/d2.log" &
D=$!
waitfor 15 ready_on "$P3"; r=$?
t_ok "with imei set, the modem is found where it is (tcp:127.0.0.1:$P3)" $r
[ $r -eq 0 ] || { echo "# simdeskd processes before it started:"; sed 's/^/#   /' "$T_DIR/ps2"; }
t_grep "... after saying the device holds another modem" "tcp:127.0.0.1:$P2 is the modem with IMEI $IMEI0, not $IMEI1; looking for it" "$T_DIR/d2.log"
row | grep -q "$IMEI1"; t_ok "... the modem list shows the configured IMEI" $?

printf 'telephony = { modems = ( { name = "x"; device = "/dev/null"; imei = "12345"; } ); };\n' >"$T_DIR/bad.conf"
t_rc 5 "a bad imei in the config (5)" simdeskctl -C "$T_DIR/bad.conf" modem list
t_grep "... names file:line and the key" "bad.conf:1: telephony.modems: imei '12345': 15 digits" "$T_DIR/err"
