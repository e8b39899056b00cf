#!/usr/bin/env bash
# test_disk_full.sh -- a full disk under the server: writes fail with one
# line and leave nothing half-written, the server stays up and answers
# reads, writes resume once space is freed, and verify is clean.  The data
# directory lives on a small tmpfs of the test's own (root only).
. "$(dirname "$0")/../lib.sh"
t_tmp
if [ "$(id -u)" != 0 ] || ! mkdir -p "$T_DIR/fs" || ! mount -t tmpfs -o size=40m tmpfs "$T_DIR/fs"; then
	echo "ok 1 # skip: needs root to mount a small tmpfs"
	exit 0
fi
TUI_SOCK="simdesk-disk-$$"
full_cleanup() { tm kill-server 2>/dev/null; t_stop_servers "$T_DIR/fs"; umount "$T_DIR/fs"; t_cleanup; }
trap full_cleanup EXIT
export SIMDESK_DATA="$T_DIR/fs/data"
# The server warns below 20 MB free, and looks every second.
printf 'free_space_warn_mb = 20;\nfailchk_seconds = 1;\n' >"$T_DIR/simdesk.conf"
export SIMDESK_CONF="$T_DIR/simdesk.conf"
SIMDESK_PASSWORD=adminpw1 simdeskctl init --admin admin >/dev/null
t_ok "a data directory on a 40 MB tmpfs" $?
simdeskctl customer add --name 甲 --phone 13900000001 >/dev/null
PID=$(cut -d' ' -f1 "$SIMDESK_DATA/simdeskd.pid")
before=$(simdeskctl --json customer list | grep -o '"id":' | wc -l)

# Fill the filesystem to the last 200 KB, then write until a write fails.
avail=$(df --output=avail -k "$T_DIR/fs" | tail -1)
dd if=/dev/zero of="$T_DIR/fs/filler" bs=1k count=$((avail - 200)) 2>/dev/null
# Before anything fails, the server says the disk is filling up: in its
# log, and in an admin's title bar.
for _ in $(seq 100); do grep -q "MB free on the data directory's filesystem" "$SIMDESK_DATA/simdeskd.log" 2>/dev/null && break; sleep 0.1; done
t_grep "the server warns that the disk is nearly full" "only [0-9]+ MB free on the data directory's filesystem \(free_space_warn_mb 20\)" "$SIMDESK_DATA/simdeskd.log"
W=admin
tui_session admin
wait_for "an admin logs in to the TUI" "Log in" 300
keys admin Tab adminpw1 Enter
wait_for "... and an admin's TUI says so in its title bar" "disk: [0-9]+ MB free!" 300
tm kill-server 2>/dev/null
ok=0 failed=0
for i in $(seq 1 2000); do
	if simdeskctl customer add --name "满$i" --phone "137$(printf %08d "$i")" >/dev/null 2>"$T_DIR/err"; then
		ok=$((ok + 1))
	else
		rc=$?; failed=1; break
	fi
done
echo "# $ok customers added before the disk was full"
[ "$failed" = 1 ] && [ "$rc" = 9 ]; t_ok "a write on the full disk fails (exit ${rc:-none})" $?
t_oneline "... with one line"
t_grep "... that says so" "^simdeskctl: no space left on the data directory's filesystem$" "$T_DIR/err"
kill -0 "$PID"; t_ok "the server is still up" $?
t_rc 9 "the next write fails the same way" simdeskctl note add 1 "满了"
t_grep "... and says so" "no space left" "$T_DIR/err"
t_rc 0 "reads keep working" simdeskctl customer show 13900000001
n=$(simdeskctl --json customer list | grep -o '"id":' | wc -l)
[ "$n" -eq $((before + ok)) ]; t_ok "nothing half-written: exactly the $ok acknowledged customers were added ($n - $before)" $?
t_rc 9 "an import on the full disk fails" simdeskctl customer import "$T_TOP/tests/data/customers.xlsx"
n2=$(simdeskctl --json customer list | grep -o '"id":' | wc -l)
[ "$n2" -eq "$n" ]; t_ok "... and imports nothing" $?

rm -f "$T_DIR/fs/filler"
for _ in $(seq 100); do grep -q "filesystem again" "$SIMDESK_DATA/simdeskd.log" 2>/dev/null && break; sleep 0.1; done
t_grep "once space is freed the server says so" "[0-9]+ MB free on the data directory's filesystem again" "$SIMDESK_DATA/simdeskd.log"
t_rc 0 "writes resume once space is freed" simdeskctl customer add --name 乙 --phone 13900000002
t_rc 0 "... a note too" simdeskctl note add 13900000002 "有空间了"
[ "$(cut -d' ' -f1 "$SIMDESK_DATA/simdeskd.pid")" = "$PID" ]; t_ok "... on the same server, never restarted" $?
t_rc 0 "verify is clean" simdeskctl verify
