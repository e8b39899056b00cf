#!/usr/bin/env bash
# test_multiprocess.sh -- real concurrent processes on one environment:
# 16 workers add users and post to one hot account (deadlocks retried),
# while a 17th is killed with SIGKILL in the middle of a transaction.  The
# others must carry on without error and without recovery, the dead one's
# transaction must be rolled back, and the counts and verify must be right.
. "$(dirname "$0")/../lib.sh"
t_tmp
W="$T_TOP/build/tests/mp_worker"
D="$T_DIR/data"
N=40
P=16
printf 'failchk_seconds = 1;\ncheckpoint_seconds = 2;\ndurable = false;\n' >"$T_DIR/conf"
export SIMDESK_CONF="$T_DIR/conf"
SIMDESK_PASSWORD=adminpw1 simdeskctl -D "$D" init --admin admin >/dev/null
t_ok "init" $?

simdeskd -f -D "$D" 2>"$T_DIR/daemon.log" &
dpid=$!
sleep 0.3
t_rc 6 "a second simdeskd on the same data dir refuses" simdeskd -f -D "$D"

# The victim takes write locks on "cash" and holds them.
coproc VICTIM { exec "$W" "$D" hang; }
read -r -t 20 line <&"${VICTIM[0]}"
[ "$line" = ready ]; t_ok "victim holds an open transaction" $?
vpid=$VICTIM_PID

pids=()
for i in $(seq 1 $P); do
	timeout 120 "$W" "$D" work "$i" "$N" >"$T_DIR/w$i.out" 2>"$T_DIR/w$i.err" &
	pids+=($!)
done
sleep 1
{ kill -9 "$vpid"; wait "$vpid"; } 2>/dev/null
t_ok "victim killed with SIGKILL mid-transaction" 0

bad=0
for i in "${!pids[@]}"; do
	wait "${pids[$i]}" || { bad=$((bad + 1)); cat "$T_DIR/w$((i + 1)).err"; }
done
[ "$bad" -eq 0 ]; t_ok "all $P workers finished without error" $?
! grep -qi "recover" "$T_DIR"/w*.err; t_ok "... and none was told to run recovery" $?
retries=$(awk '{s += $2} END {print s + 0}' "$T_DIR"/w*.out)
echo "# deadlocks retried by the workers: $retries"

read -r cash posts users < <("$W" "$D" stats)
[ "$cash" -eq $((P * N * 100)) ]; t_ok "cash balance is exactly the workers' postings ($cash fen): the victim's was rolled back" $?
[ "$posts" -eq $((P * N)) ]; t_ok "posting count $posts = $P x $N" $?
[ "$users" -eq $((P * 2 + 1)) ]; t_ok "user count $users = $P x 2 + admin" $?
t_rc 0 "verify holds afterwards" simdeskctl -D "$D" verify
t_rc 0 "a new process opens normally afterwards" simdeskctl -D "$D" user show admin

kill -TERM "$dpid"
wait "$dpid"; t_ok "simdeskd stops cleanly on SIGTERM" $?
grep -q "stopping" "$T_DIR/daemon.log"; t_ok "... saying so" $?

# Without simdeskd: the next process to open the environment notices the
# dead one (DB_REGISTER) and runs failchk instead of a recovery.
coproc VICTIM2 { exec "$W" "$D" hang; }
read -r -t 20 line <&"${VICTIM2[0]}"
[ "$line" = ready ]; t_ok "a second victim holds an open transaction" $?
v2=$VICTIM2_PID
{ kill -9 "$v2"; wait "$v2"; } 2>/dev/null
t_rc 0 "with no daemon, the next process to open cleans up after it" timeout 60 "$W" "$D" work 99 5
read -r cash posts users < <("$W" "$D" stats)
[ "$cash" -eq $((P * N * 100 + 500)) ]; t_ok "... and the dead transaction left nothing" $?
t_rc 0 "verify holds" simdeskctl -D "$D" verify

# Opening the environment reads no table.  Customers with no class, city or
# tag leave those indexes empty; an open that rebuilt every empty index
# scanned all customers and waited on any record a writer had locked.
for i in 1 2 3; do
	SIMDESK_USER=admin SIMDESK_PASSWORD=adminpw1 \
	    simdeskctl -D "$D" customer add --name "无分类$i" --phone "1590000000$i" >/dev/null
done
coproc HOLDER { exec "$W" "$D" wait 15900000003; }
read -r -t 30 line <&"${HOLDER[0]}"
[ "$line" = holding ]; t_ok "a writer holds a lock on the newest customer" $?
# (Btree locks are per page: the user table is the one to read meanwhile.)
t_rc 0 "a new process opens and reads meanwhile, not waiting on it" \
    timeout 20 simdeskctl -D "$D" user show admin
t_grep "... and shows the user" "admin" "$T_DIR/out"
hpid=$HOLDER_PID
exec {HOLDER[1]}>&-
wait "$hpid" 2>/dev/null
t_rc 0 "verify holds" timeout 60 simdeskctl -D "$D" verify
