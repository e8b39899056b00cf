#!/usr/bin/env bash
# test_security.sh -- one server owns the data: who may connect and act,
# files opened with the user's own rights, nothing set-gid, and frames a
# client makes by hand (malformed, oversized, truncated, too slow) close
# that connection only.
. "$(dirname "$0")/../lib.sh"
t_tmp
t_seed || { t_ok "seed" 1; exit 1; }
D="$SIMDESK_DATA"
POKE="$T_TOP/build/tests/wirepoke"
simdeskctl customer add --name 王五 --phone 13900001111 >/dev/null
R=$(as cashier cashierpw1 simdeskctl pay 1 5.00 --method cash)

# ---------------------------------------------------------------- the data directory
[ "$(stat -c %a "$D")" = 700 ]; t_ok "the data directory is the server's alone (0700)" $?
bad=$(find "$D" -type f -perm /077 | wc -l)
[ "$bad" -eq 0 ]; t_ok "no file in it is open to group or others ($bad are)" $?
[ -S "$D/simdesk.sock" ]; t_ok "the socket lives in the data directory" $?

# ---------------------------------------------------------------- frames made by hand
frame_ok() {	# DESC BYTES(printf) WANT SECONDS
	local got t0=$(date +%s%N)
	got=$(printf "$2" | timeout 30 "$POKE" "$D/simdesk.sock" "$4")
	local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	[ "$got" = "$3" ]; t_ok "$1 ($got after $ms ms)" $?
}
frame_ok "an oversized frame closes the connection" '\377\377\377\377\001' closed 5
frame_ok "a malformed record closes it" '\000\000\000\003\007\007\007' closed 5
frame_ok "a request before the hello closes it" '\000\000\000\003\001\010\006' closed 5
frame_ok "another protocol version is told and closed" '\000\000\000\006\001\010\002\020\306\001' closed 5
frame_ok "a frame of a type no client sends, after the hello, closes it" \
    '\000\000\000\005\001\010\002\020\002\000\000\000\003\001\010\022' closed 5
# A truncated frame and a client that says nothing: dropped after the
# hello's 10 s, while everyone else is served at once.
printf '\000\000\000\040\001\010' | timeout 30 "$POKE" "$D/simdesk.sock" 20 >"$T_DIR/trunc" &
P1=$!
timeout 30 "$POKE" "$D/simdesk.sock" 20 </dev/null >"$T_DIR/silent" &
P2=$!
sleep 0.5
t0=$(date +%s%N)
t_rc 0 "meanwhile another client is served" simdeskctl customer show 13900001111
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$ms" -lt 2000 ]; t_ok "... at once ($ms ms)" $?
wait $P1 $P2
[ "$(cat "$T_DIR/trunc")" = closed ]; t_ok "a truncated frame is dropped after the hello's deadline" $?
[ "$(cat "$T_DIR/silent")" = closed ]; t_ok "a client that says nothing is dropped too" $?
t_rc 0 "the server is still there" simdeskctl verify

# ---------------------------------------------------------------- other Unix users
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
	NOBODY="setpriv --reuid=nobody --regid=nogroup --clear-groups"
	chmod 711 "$T_DIR"
	# The client from where another user can run it: a clone under
	# root's 0700 home is out of nobody's reach.
	mkdir -p "$T_DIR/bin" && chmod 755 "$T_DIR/bin"
	cp "$T_TOP/build/bin/simdeskctl" "$T_DIR/bin/" && chmod 755 "$T_DIR/bin/simdeskctl"
	$NOBODY ls "$D" >/dev/null 2>&1
	[ $? -ne 0 ]; t_ok "another Unix user cannot read the data directory" $?
	# A shared host: the socket where the group may reach it.
	t_stop_servers
	mkdir -p "$T_DIR/run" && chmod 755 "$T_DIR/run"
	printf 'socket = "%s";\n' "$T_DIR/run/simdesk.sock" >"$T_DIR/shared.conf"
	simdeskd -D "$D" -C "$T_DIR/shared.conf"
	for _ in $(seq 50); do [ -S "$T_DIR/run/simdesk.sock" ] && break; sleep 0.1; done
	[ "$(stat -c %a "$T_DIR/run/simdesk.sock")" = 660 ]; t_ok "a shared socket is for its group (0660)" $?
	chmod 666 "$T_DIR/run/simdesk.sock"	# as if nobody were in the group
	t_rc 4 "an unbound user without a password is refused (4)" \
	    $NOBODY env -u SIMDESK_USER "$T_DIR/bin/simdeskctl" -C "$T_DIR/shared.conf" -D "$D" customer show 1
	t_grep "... saying why" "not bound to a simdesk user" "$T_DIR/err"
	t_rc 0 "with a password the same user works" \
	    $NOBODY env SIMDESK_USER=cashier SIMDESK_PASSWORD=cashierpw1 "$T_DIR/bin/simdeskctl" -C "$T_DIR/shared.conf" -D "$D" receipt show "$R"
	mkdir -p "$T_DIR/private" && chmod 700 "$T_DIR/private"
	t_rc 5 "receipt print --file where the user may not write is refused (5)" \
	    $NOBODY env SIMDESK_USER=cashier SIMDESK_PASSWORD=cashierpw1 "$T_DIR/bin/simdeskctl" -C "$T_DIR/shared.conf" -D "$D" receipt print "$R" --file "$T_DIR/private/r.bin"
	t_grep "... with the user's own Permission denied" "private/r.bin: Permission denied" "$T_DIR/err"
	[ ! -e "$T_DIR/private/r.bin" ]; t_ok "... and nothing is written there (the server could have)" $?
	t_rc 5 "an import the user may not read is refused (5)" \
	    $NOBODY env SIMDESK_USER=admin SIMDESK_PASSWORD=adminpw1 "$T_DIR/bin/simdeskctl" -C "$T_DIR/shared.conf" -D "$D" customer import "$D/user.db"
	t_grep "... with the user's own Permission denied" "user.db: Permission denied" "$T_DIR/err"
	mkdir -p "$T_DIR/pub" && chmod 777 "$T_DIR/pub"
	t_rc 0 "receipt print --file where the user may write" \
	    $NOBODY env SIMDESK_USER=cashier SIMDESK_PASSWORD=cashierpw1 "$T_DIR/bin/simdeskctl" -C "$T_DIR/shared.conf" -D "$D" receipt print "$R" --file "$T_DIR/pub/r.bin"
	[ "$(stat -c %U "$T_DIR/pub/r.bin")" = nobody ]; t_ok "... the file is the user's, not the server's" $?
	t_stop_servers
fi

# ---------------------------------------------------------------- hostile CALLs
# A TUI's CALL with NULL where core takes a string: refused, the server up.
RPOKE="$T_TOP/build/tests/rpcpoke"
simdeskctl -D "$D" customer show 1 >/dev/null 2>&1	# a server for $D
for call in "SESSION_LOGIN 2 login" "CUSTOMER_FIND 1 customer find" "USER_GET 1 user get" "CALL_DIAL 3 call dial" \
    "SCHEME_ADD 6 commission scheme add" "SCHEME_BOUNTY 6 commission scheme bounty" "SCHEME_TIER 4 commission scheme tier"; do
	set -- $call
	got=$(timeout 30 "$RPOKE" "$D/simdesk.sock" "$1" "$2")
	case $got in *"malformed call"*) r=0 ;; *) r=1; echo "# got: $got" ;; esac
	t_ok "a CALL of ${*:3} with NULL strings is refused as malformed" $r
done
t_rc 0 "... and the server is still serving" timeout 30 simdeskctl -D "$D" customer show 1

# ---------------------------------------------------------------- BUSY
# A request that runs long and says nothing (an import whose file comes
# slowly through a pipe) gets BUSY every few seconds, from the server's
# one ticker, and then its reply; another client is served meanwhile.
mkfifo "$T_DIR/slow"
printf 'name,phone\n' >"$T_DIR/slow.csv"
{ sleep 12; printf '慢客户,13900002222\n'; } >"$T_DIR/slow" &
timeout 60 "$POKE" "$D/simdesk.sock" --request "$T_DIR/in.csv" customer import "$T_DIR/in.csv" \
    < <(cat "$T_DIR/slow.csv" "$T_DIR/slow") >"$T_DIR/busy" &
P3=$!
sleep 1
t_rc 0 "while a request runs long, another client is served" timeout 5 simdeskctl -D "$D" customer show 1
wait "$P3"
nb=$(grep -c '^busy$' "$T_DIR/busy")
[ "$nb" -ge 1 ]; t_ok "the long request got BUSY while silent ($nb times in 12 s)" $?
t_grep "... and then its reply, done 0" "^done 0$" "$T_DIR/busy"
t_rc 0 "... the row it imported is there" simdeskctl -D "$D" customer show 13900002222

# ---------------------------------------------------------------- no password hash goes out
SIMDESK_NEW_PASSWORD=svc12345 simdeskctl customer passwd 13900001111 >/dev/null
for c in "user show admin" "user show operator" "user list" "customer show 13900001111" "customer list" "audit list"; do
	{ simdeskctl --json $c && simdeskctl $c; } >"$T_DIR/o" 2>&1
	t_ok "$c, as a table and in JSON" $?
	t_nogrep "... shows no password hash" '\$y\$' "$T_DIR/o"
done

# ---------------------------------------------------------------- installed programs
make -s -C "$T_TOP" install DESTDIR="$T_DIR/root" PREFIX=/usr >/dev/null 2>&1
t_ok "make install into DESTDIR" $?
n=$(find "$T_DIR/root" -type f -perm /6000 | wc -l)
[ "$n" -eq 0 ] && [ -x "$T_DIR/root/usr/sbin/simdeskd" ]
t_ok "no installed program is set-gid or set-uid ($n are)" $?
