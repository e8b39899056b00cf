#!/usr/bin/env bash
# test_server_faults.sh -- one server owns the data: clients killed with
# SIGKILL at random, then the server itself killed with SIGKILL while
# clients write.  Every acknowledged payment and note is there exactly
# once, every write a client saw fail is absent, nobody waits, verify
# passes, receipt numbers stay gapless.  Bounded in time throughout.
. "$(dirname "$0")/../lib.sh"
t_tmp
D="$T_DIR/data"
export SIMDESK_DATA="$D"

t_seed || { t_ok "seed" 1; exit 1; }
CTL="simdeskctl -D $D"
NCLIENTS=${NCLIENTS:-16}
for i in $(seq "$NCLIENTS"); do
	$CTL customer add --name "客户$i" --phone "1390000$(printf %04d "$i")" >/dev/null
done

# A client loop: pays 1.00, adds a note and a customer, each with a tag of
# its own, and logs "kind tag rc ms" for every attempt.
client_loop() {	# N SECONDS LOG PHASE (or until $T_DIR/stop appears)
	local n=$1 end=$(( $(date +%s) + $2 )) i=${4:-0}000 t0 rc kind
	while [ "$(date +%s)" -lt "$end" ] && [ ! -e "$T_DIR/stop" ]; do
		i=$((i + 1))
		case $((i % 3)) in
		0) kind=pay; t0=$(date +%s%N)
		   $CTL pay "$n" 1.00 --method cash --note "p-$n-$i" >/dev/null 2>"$3.err"; rc=$? ;;
		1) kind=note; t0=$(date +%s%N)
		   $CTL note add "$n" "n-$n-$i" >/dev/null 2>"$3.err"; rc=$? ;;
		2) kind=cust; t0=$(date +%s%N)
		   $CTL customer add --name "c-$n-$i" --phone "13$(printf %02d "$n")$(printf %07d "$i")" >/dev/null 2>"$3.err"; rc=$? ;;
		esac
		# The client said it cannot know (its server died after the
		# write, before the reply): like a killed client, either way.
		grep -q 'outcome is unknown' "$3.err" 2>/dev/null && rc=137
		[ -s "$3.err" ] && sed "s/^/$kind $n-$i: /" "$3.err" >>"$3.errs"
		echo "$kind $n-$i $rc $(( ($(date +%s%N) - t0) / 1000000 ))" >>"$3"
	done
}

# The ledger of acknowledged work against the database.
check_books() {	# PHASE LOGS...
	local phase=$1 bad=0 n ack killed paid
	shift
	cat "$@" >"$T_DIR/all.log"
	echo "# $phase: $(awk '$3==137' "$T_DIR/all.log" | wc -l) outcomes unknown to their client (killed, or its server died mid-reply)"
	# notes: acknowledged once, failed (not killed) never, none twice
	for n in $(seq "$NCLIENTS"); do $CTL --json note list "$n"; done |
	    grep -oE '"n-[0-9]+-[0-9]+"' | tr -d '"' | sort >"$T_DIR/notes"
	dup=$(uniq -d "$T_DIR/notes" | wc -l)
	[ "$dup" -eq 0 ]; t_ok "$phase: no note is there twice ($dup)" $?
	awk '$1=="note" && $3==0 {print "n-"$2}' "$T_DIR/all.log" | sort >"$T_DIR/ack"
	miss=$(comm -23 "$T_DIR/ack" "$T_DIR/notes" | wc -l)
	nack=$(wc -l <"$T_DIR/ack")
	[ "$miss" -eq 0 ]; t_ok "$phase: every acknowledged note is there ($nack acknowledged, $miss missing)" $?
	awk '$1=="note" && $3!=0 && $3!=137 {print "n-"$2}' "$T_DIR/all.log" | sort >"$T_DIR/failed"
	extra=$(comm -12 "$T_DIR/failed" "$T_DIR/notes" | wc -l)
	nfail=$(wc -l <"$T_DIR/failed")
	[ "$extra" -eq 0 ]; t_ok "$phase: no note a client saw fail is there ($nfail failed, $extra present)" $?
	# payments: per customer, acknowledged <= paid <= acknowledged + killed
	for n in $(seq "$NCLIENTS"); do
		ack=$(awk -v n="$n" '$1=="pay" && $3==0 && index($2, n"-")==1' "$T_DIR/all.log" | wc -l)
		killed=$(awk -v n="$n" '$1=="pay" && $3==137 && index($2, n"-")==1' "$T_DIR/all.log" | wc -l)
		paid=$($CTL --json balance "$n" | grep -oE '"balance_fen": -?[0-9]+' | grep -oE -- '-?[0-9]+$')
		if [ $((paid)) -lt $((ack * 100 + base[n])) ] || [ $((paid)) -gt $(((ack + killed) * 100 + base[n])) ]; then
			echo "# customer $n: paid $paid fen, $ack acknowledged, $killed killed, base ${base[n]}"
			bad=1
		fi
		base[n]=$paid
	done
	npay=$(awk '$1=="pay" && $3==0' "$T_DIR/all.log" | wc -l)
	t_ok "$phase: every acknowledged payment taken exactly once ($npay payments)" $bad
	slow=$(awk '$3!=137 && $4>5000' "$T_DIR/all.log" | wc -l)
	max=$(awk '$3!=137 && $4>m {m=$4} END {print m+0}' "$T_DIR/all.log")
	echo "# $phase: $(wc -l <"$T_DIR/all.log") operations, slowest $max ms, $slow over 5 s"
	# Killing clients makes nobody else wait; a killed server is waited
	# for (restart and recovery), which is what its clients must do.
	[ "$phase" != "client kills" ] || [ "$slow" -eq 0 ]
	t_ok "$phase: no surviving client's operation waited over 5 s ($slow did)" $?
	$CTL verify >"$T_DIR/verify" 2>&1
	t_ok "$phase: verify passes (receipts gapless, postings balanced)" $?
}
declare -a base
for n in $(seq "$NCLIENTS"); do base[n]=0; done

# Two TUIs in tmux (the admin, bound to this Unix user), each started
# again whenever it is killed; a driver keeps them browsing.
TUI_SOCK="simdesk-faults-$$"
cleanup_tmux() { tm kill-server 2>/dev/null; t_cleanup; }
trap cleanup_tmux EXIT
for w in tui1 tui2; do
	tm new-session -d -s "$w" -x 100 -y 30 \
	    "while :; do env LANG=C.UTF-8 LC_ALL=C.UTF-8 SIMDESK_DATA=$D simdesk; sleep 0.2; done"
done
tui_check() {	# DESC: both TUIs show the customer list when asked
	local w
	for w in tui1 tui2; do
		W=$w
		keys Escape Escape Escape
		sleep 0.3
		keys n	# "Leave simdesk?": no
		sleep 0.3
		keys 3
		wait_for "$1 ($w)" "客户1 " 300
		keys Escape
	done
}
tui_check "the TUIs list customers through the server"

# ---------------------------------------------------------------- kill -9 of clients
# At least SECS seconds and at least 100 kills; a loaded machine, whose
# clients start slowly, gets up to three times as long for them.
SECS=${KILL_SECONDS:-120}
HARD=$((SECS * 3))
rm -f "$T_DIR/stop"
for n in $(seq "$NCLIENTS"); do client_loop "$n" "$HARD" "$T_DIR/c$n.log" & done
( end=$(( $(date +%s) + HARD - 2 ))
  while [ "$(date +%s)" -lt "$end" ] && [ ! -e "$T_DIR/stop" ]; do
	for w in tui1 tui2; do tm send-keys -t "$w" Escape n 3 End 2>/dev/null; done
	sleep 0.3
  done ) &
# a fresh client works at every moment
( end=$(( $(date +%s) + HARD - 2 ))
  while [ "$(date +%s)" -lt "$end" ] && [ ! -e "$T_DIR/stop" ]; do
	timeout 5 $CTL customer show 1 >/dev/null 2>&1 || echo bad
	sleep 0.2
  done >"$T_DIR/fresh" ) &
FRESH=$!
kills=0
tui_kills=0
next_tui=$(( $(date +%s) + 2 ))
end=$(( $(date +%s) + SECS - 2 ))
hard_end=$(( $(date +%s) + HARD - 2 ))
kill_start=$(date +%s)
# 500 clients, and at least 4 TUIs: a fast machine reaches 500 client
# kills before the TUIs' turn has come often enough
while { [ "$(date +%s)" -lt "$end" ] || [ "$kills" -lt 100 ]; } &&
      [ "$(date +%s)" -lt "$hard_end" ] &&
      { [ "$kills" -lt 500 ] || [ "$tui_kills" -lt 4 ]; }; do
	# every client in flight at a random moment, whatever it is doing
	if [ "$kills" -lt 500 ]; then
		n=$(pkill -9 -e -f "^simdeskctl -D $D (pay|note|customer add)" | wc -l)
		kills=$((kills + n))
	fi
	# every few seconds one of the TUIs, whatever it is waiting for
	if [ "$(date +%s)" -ge "$next_tui" ]; then
		p=$(for q in $(pgrep -x simdesk); do
			tr '\0' '\n' <"/proc/$q/environ" 2>/dev/null |
			    grep -qx "SIMDESK_DATA=$D" && echo "$q"
		    done | shuf -n 1)
		[ -n "$p" ] && kill -9 "$p" 2>/dev/null && tui_kills=$((tui_kills + 1))
		next_tui=$(( $(date +%s) + RANDOM % 4 + 2 ))
	fi
	sleep 0.0$((RANDOM % 9 + 1))
done
touch "$T_DIR/stop"
wait
rm -f "$T_DIR/stop"
fresh_bad=$(grep -c bad "$T_DIR/fresh")
echo "# $kills clients and $tui_kills TUIs killed with SIGKILL in $(( $(date +%s) - kill_start )) s"
kills=$((kills + tui_kills))
[ "$tui_kills" -ge 2 ]; t_ok "TUIs among those killed ($tui_kills)" $?
tui_check "after the kills, both TUIs answer"
[ "$kills" -ge 100 ]; t_ok "clients killed at random while writing ($kills)" $?
[ "$fresh_bad" -eq 0 ]; t_ok "a fresh client answered within 5 s throughout ($fresh_bad did not)" $?
# A killed client's exit status is 137 (the loop logged it so).
check_books "client kills" "$T_DIR"/c*.log
rm -f "$T_DIR"/c*.log

# ---------------------------------------------------------------- kill -9 of the server
SKILLS=${SERVER_KILLS:-20}
for n in $(seq "$NCLIENTS"); do client_loop "$n" $((SKILLS * 2 + 4)) "$T_DIR/s$n.log" 5 & done
restarted=0
for k in $(seq "$SKILLS"); do
	sleep 1.$((RANDOM % 10))
	pid=$(cut -d' ' -f1 "$D/simdeskd.pid" 2>/dev/null)
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	# started again, as systemd would (or a client already did)
	simdeskd -D "$D" 2>/dev/null && restarted=$((restarted + 1))
done
wait
echo "# server killed $SKILLS times, restarted by the test $restarted times"
tui_check "after the server kills, both TUIs are back"
grep -c 'reply was lost' "$T_DIR"/s*.log >/dev/null 2>&1
check_books "server kills" "$T_DIR"/s*.log
t_stop_servers
