#!/usr/bin/env bash
# test_multiprocess.sh -- one process owns the environment.  While simdeskd
# serves it, no other process can open it (a second simdeskd, or a program
# linking core); 16 concurrent clients write through it, contending on one
# customer's account (deadlocks retried in the server), with exact counts.
# A process that owned it and was killed with SIGKILL inside a transaction
# leaves nothing at the next open (recovery at open, always safe now), and a
# server killed in the middle of an import has its rows undone when it is
# started again.
. "$(dirname "$0")/../lib.sh"
t_tmp
W="$T_TOP/build/tests/mp_worker"
D="$T_DIR/data"
N=20
P=16
printf 'failchk_seconds = 1;\ncheckpoint_seconds = 2;\ndurable = false;\n' >"$T_DIR/conf"
export SIMDESK_CONF="$T_DIR/conf"
SIMDESK_PASSWORD=adminpw1 simdeskctl -D "$D" init --admin admin >/dev/null
t_ok "init" $?
t_stop_servers "$D"

simdeskd -f -D "$D" 2>"$T_DIR/daemon.log" &
dpid=$!
t_server_wait "$D"
t_rc 6 "a second simdeskd on the same data dir refuses" simdeskd -f -D "$D"
t_rc 1 "a program opening the environment itself is refused while simdeskd has it" \
    timeout 30 "$W" "$D" stats
t_grep "... saying another process has it open" "is open in another process" "$T_DIR/err"
! ls "$D" | grep -q '^__db\.'; t_ok "the environment has no region files (it is in simdeskd's memory)" $?
[ -z "$(find "$D" -maxdepth 1 -mindepth 1 -perm /077 ! -type l ! -type s)" ] && [ "$(stat -c %a "$D")" = 700 ]
t_ok "the data directory and its files are the server user's alone" $?

CTL="simdeskctl -D $D"
$CTL customer add --name 热门客户 --phone 13900000000 >/dev/null
t_ok "a customer every client pays for" $?

# 16 clients at once: each adds 2 users and pays N times for the same
# customer (one account, one cash drawer, one receipt sequence).
for i in $(seq 1 $P); do
	( set -e
	  for u in a b; do
		SIMDESK_NEW_PASSWORD=workerpw1 timeout 60 $CTL user add "w$i$u" --role operator >/dev/null
	  done
	  for j in $(seq 1 $N); do
		timeout 60 $CTL pay 13900000000 1.00 --method cash --note "w$i-$j" >/dev/null
	  done ) >"$T_DIR/w$i.out" 2>"$T_DIR/w$i.err" &
	pids+=($!)
done
bad=0
for i in "${!pids[@]}"; do
	wait "${pids[$i]}" || { bad=$((bad + 1)); cat "$T_DIR/w$((i + 1)).err"; }
done
[ "$bad" -eq 0 ]; t_ok "all $P clients finished without error" $?
bal=$($CTL --json balance 13900000000 | grep -oE '"balance_fen": -?[0-9]+' | grep -oE -- '-?[0-9]+$')
[ "$bal" = $((P * N * 100)) ]; t_ok "the customer's balance is exactly the clients' payments ($bal fen)" $?
t_rc 0 "the last receipt is R$(printf %08d $((P * N))) ($P x $N)" $CTL receipt show "R$(printf %08d $((P * N)))"
t_rc 3 "... and there is none after it" $CTL receipt show "R$(printf %08d $((P * N + 1)))"
nusers=$($CTL --json user list | grep -c '"login":')
[ "$nusers" -eq $((P * 2 + 1)) ]; t_ok "user count $nusers = $P x 2 + admin" $?
t_rc 0 "verify holds afterwards (receipts gapless, postings balanced)" $CTL verify

kill -TERM "$dpid"
wait "$dpid"; t_ok "simdeskd stops cleanly on SIGTERM" $?
grep -q "stopping" "$T_DIR/daemon.log"; t_ok "... saying so" $?

# No server: a program that owns the environment is killed with SIGKILL
# inside a transaction, holding its locks.  Nobody else could have been
# waiting on them; the next owner's open recovers, and the transaction
# never happened.
read -r cash0 _ _ < <("$W" "$D" stats)
coproc VICTIM { exec "$W" "$D" hang; }
read -r -t 20 line <&"${VICTIM[0]}"
[ "$line" = ready ]; t_ok "an owner holds an open transaction" $?
v=$VICTIM_PID
{ kill -9 "$v"; wait "$v"; } 2>/dev/null
t_rc 0 "killed with SIGKILL, the next process opens at once and works" timeout 20 "$W" "$D" work 99 5
read -r cash posts _ < <("$W" "$D" stats)
[ "$cash" -eq $((cash0 + 500)) ]; t_ok "... and the dead transaction left nothing (cash $cash0 -> $cash)" $?
t_rc 0 "verify holds" $CTL verify

# A server killed with SIGKILL in the middle of an import: the rows it had
# written are undone when the next server opens the environment, and the
# file then imports whole.
M=200000
awk -v n=$M 'BEGIN { print "name,phone,city"; for (i = 0; i < n; i++) printf "客户%06d,136%08d,杭州\n", i, i }' >"$T_DIR/big.csv"
t_stop_servers "$D"
simdeskd -f -D "$D" 2>>"$T_DIR/daemon.log" &
dpid=$!
t_server_wait "$D"
$CTL customer import "$T_DIR/big.csv" >/dev/null 2>"$T_DIR/imp.err" &
ipid=$!
seen=1
for _ in $(seq 1500); do
	$CTL customer show 13600005000 >/dev/null 2>&1 && { seen=0; break; }
	sleep 0.02
done
{ kill -9 "$dpid"; wait "$dpid"; } 2>/dev/null
wait "$ipid"; irc=$?
t_ok "an import's rows are being written" $seen
[ "$irc" -ne 0 ]; t_ok "... when the server is killed with SIGKILL (the client's exit $irc)" $?
simdeskd -f -D "$D" 2>>"$T_DIR/daemon.log" &
dpid=$!
t_server_wait "$D"
t_rc 3 "started again, the half-written rows are gone" $CTL customer show 13600005000
t_grep "... and the undo is audited" "undone: the importing process died" <($CTL audit list --op customer.import)
t_rc 0 "verify holds" $CTL verify
t_rc 0 "the file then imports whole" $CTL --json customer import "$T_DIR/big.csv"
t_grep "... all $M" "\"imported\": $M" "$T_DIR/out"
t_rc 0 "verify holds" $CTL verify

# Readers do not block writers: a client that stops reading a long list
# (its server's send is stuck on a full socket) while others update the
# customers that list is walking, and pay.
$CTL --json customer list 2>/dev/null | { read -r _; sleep 25; } &
rpid=$!
sleep 2	# the list is under way and its client has stopped reading
for w in "customer update 13600000002 --name 改名一" "note add 13600000003 读者不挡写" \
    "customer update 13600199990 --name 改名二" "pay 13600000004 5.00 --method cash"; do
	t0=$(date +%s%N)
	timeout 10 $CTL $w >/dev/null 2>"$T_DIR/w.err"; rc=$?
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	t_ok "while a list's reader stalls, $w (${ms} ms)" $rc
done
pgrep -f -- "-D $D --json customer list" >/dev/null
t_ok "... the list all the while unfinished, its reader stopped" $?
pkill -f -- "-D $D --json customer list"; pkill -P "$rpid"; wait "$rpid" 2>/dev/null
t_grep "... the update is there" "改名一" <($CTL customer show 13600000002)
kill -TERM "$dpid"
wait "$dpid"; t_ok "simdeskd stops cleanly" $?
