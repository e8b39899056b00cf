#!/usr/bin/env bash
# test_status.sh -- simdeskd's scheduled backups, the log kept for them,
# its log file, and `simdeskctl status`, with a real server and real
# processes.  Without backups the log is removed by Berkeley DB
# (DB_LOG_AUTO_REMOVE); with them it stays until a backup has it.  A
# simdeskd started by hand with backup.every_seconds takes backups by
# itself, verifies them and says so in its log and in status (text and
# --json), which only admins may ask for; clients are served while one
# runs; a backup that fails (its destination is not a directory) is an
# alarm in status until one succeeds; the last result outlives a restart;
# SIGHUP reopens the log file (logrotate) and log_level filters it.
# Bounded: every command runs under a timeout, every wait is polled with a
# limit (30 s); nothing depends on how long a step took.
. "$(dirname "$0")/../lib.sh"
t_tmp
export TZ=Asia/Shanghai
ctl() { timeout 60 simdeskctl "$@"; }
# poll SECONDS CMD...: until CMD succeeds, at most SECONDS.
poll() {
	local n=$(($1 * 10))
	shift
	for _ in $(seq "$n"); do "$@" && return 0; sleep 0.1; done
	return 1
}
# customers N FILE: a CSV of N new customers (40000 write three log files).
customers() {
	awk -v n="$1" -v p="$3" 'BEGIN { print "name,phone"; for (i = 0; i < n; i++) printf "客户%05d,%s%08d\n", i, p, i }' >"$2"
}
logs_in() { ls "$1" | grep -c '^log\.'; }
has_log1() { [ -e "$1/log.0000000001" ]; }
no_log1() { [ ! -e "$1/log.0000000001" ]; }

# ---------------------------------------------------------------- no backups
# No backup group and no backup: the library removes the log itself.
D0="$T_DIR/plain"
printf 'checkpoint_seconds = 1;\n' >"$T_DIR/plain.conf"
export SIMDESK_CONF="$T_DIR/plain.conf" SIMDESK_DATA="$D0"
SIMDESK_PASSWORD=adminpw1 ctl init --admin admin >/dev/null
customers 40000 "$T_DIR/c0.csv" 137
n_before=$(logs_in "$D0")
ctl customer import "$T_DIR/c0.csv" >/dev/null; t_ok "no backups: 40000 customers imported" $?
[ -e "$D0/log.0000000003" ]; t_ok "... the log runs to three files or more" $?
poll 30 no_log1 "$D0"; t_ok "... those a checkpoint no longer needs are removed by themselves" $?
ctl --json status >"$T_DIR/s0"
t_grep "... status says so" '"logs_auto_removed": true' "$T_DIR/s0"
t_grep "... and that no backups are configured" '"backups_configured": false' "$T_DIR/s0"
t_stop_servers "$D0"

# ---------------------------------------------------------------- with backups
D="$T_DIR/data"
BK="$T_DIR/data-backups"
export SIMDESK_CONF="$T_DIR/simdesk.conf" SIMDESK_DATA="$D"
cat >"$SIMDESK_CONF" <<EOF
checkpoint_seconds = 1;
log_file = "$T_DIR/log/simdeskd.log";
backup = { keep = 2; };
EOF
mkdir "$T_DIR/log"
t_seed || { t_ok "seed" 1; exit 1; }
customers 40000 "$T_DIR/c1.csv" 138
ctl customer import "$T_DIR/c1.csv" >/dev/null; t_ok "backups configured: 40000 customers imported" $?
n_before=$(logs_in "$D")
[ "$n_before" -ge 3 ]; t_ok "... the log runs to $n_before files" $?
# Checkpoints run each second: give them a few, then the log must still be whole.
ctl --json status >"$T_DIR/s1"
c1=$(sed -n 's/.*"checkpoint": "\(.*\)".*/\1/p' "$T_DIR/s1")
later_ckp() { ctl --json status | grep -q "\"checkpoint\": \"$c1\"" && return 1 || return 0; }
poll 30 later_ckp; t_ok "... a checkpoint after the import" $?
has_log1 "$D"; t_ok "... and log.0000000001 is still there: no backup has it yet" $?
t_grep "... status says the log is kept for backups" '"logs_auto_removed": false' "$T_DIR/s1"

# ---------------------------------------------------------------- a server by hand, scheduled
# every_seconds: a backup each few seconds (the first full, then
# incremental ones added to it), each verified.
cat >>"$SIMDESK_CONF" <<EOF
backup = { keep = 2; every_seconds = 3; };
EOF
sed -i '/^backup = { keep = 2; };$/d' "$SIMDESK_CONF"
simdeskd -f >"$T_DIR/stderr" 2>&1 &
SRV=$!
t_server_wait "$D"; t_ok "simdeskd started by hand with a backup every 3 s" $?
sched_ok() {
	ctl --json status >"$T_DIR/s2" 2>/dev/null &&
	    grep -q '"scheduled": true' "$T_DIR/s2" &&
	    grep -q '"verified": "passed"' "$T_DIR/s2"
}
poll 30 sched_ok; t_ok "a scheduled backup is taken and verified" $?
B=$(sed -n 's/.*"name": "\([0-9-]*\)".*/\1/p' "$T_DIR/s2" | head -1)
[[ $B =~ ^[0-9]{8}-[0-9]{6}$ ]]; t_ok "... named $B" $?
ctl backup list >"$T_DIR/list"
t_grep "... backup list has it" "^$B " "$T_DIR/list"
t_grep "... the log says it was taken and verified" "scheduled backup $B \((full|incremental)\): .* files, .*; verified" "$T_DIR/log/simdeskd.log"
poll 30 no_log1 "$D"; t_ok "... and the log files it holds are gone from the data directory" $?
[ "$(logs_in "$D")" -lt "$n_before" ]; t_ok "... fewer log files than before it ($(logs_in "$D") < $n_before)" $?
inc_ok() { ctl backup list | grep -qE "^$B +full\+[0-9]+ "; }
poll 30 inc_ok; t_ok "... the next ones are incremental, added to it" $?

# ---------------------------------------------------------------- status, text and JSON
# Taken when no backup runs: each is verified once taken.
settled() { ctl status >"$T_DIR/st" 2>"$T_DIR/err" && grep -q "^last backup .*, verified$" "$T_DIR/st"; }
poll 30 settled; t_ok "status (admin), between two backups" $?
t_grep "... server version and uptime" "^server +simdeskd [0-9.]+, up [0-9]+[smhd]" "$T_DIR/st"
t_grep "... clients by role" "^clients +[0-9]+: admin [0-9]+" "$T_DIR/st"
t_grep "... data size and free space" "^data +$D: [0-9.]+ MB; [0-9]+ MB free" "$T_DIR/st"
t_grep "... last checkpoint" "^checkpoint +20[0-9-]+ [0-9:]+ \(log [0-9]+/[0-9]+\)" "$T_DIR/st"
t_grep "... log files kept" "^log files +[0-9]+ kept \([0-9.]+ MB\); kept until a backup has them" "$T_DIR/st"
t_grep "... last backup and its verification" "^last backup +$B 20[0-9-]+ [0-9:]+ \((full|incremental), scheduled\), verified" "$T_DIR/st"
t_grep "... the next one" "^next backup +20[0-9-]+ [0-9:]+ \(incremental\)" "$T_DIR/st"
t_grep "... modems ready" "^modems +[0-9]+ of [0-9]+ ready" "$T_DIR/st"
t_grep "... errors in the last hour" "^errors +0 in the last hour" "$T_DIR/st"
ctl --json status >"$T_DIR/sj"; t_ok "status --json" $?
for k in '"version": "[0-9.]+"' '"uptime_seconds": [0-9]+' '"admin": [1-9]' \
    '"total": [1-9]' '"data_bytes": [1-9][0-9]*' '"free_mb": [0-9]+' \
    '"checkpoint": "20' '"log_files": [1-9]' '"logs_auto_removed": false' \
    '"backups_configured": true' "\"name\": \"$B\"" '"ok": true' \
    '"scheduled": true' '"verified": "passed"' '"backup_alarm": false' \
    '"backup_next": "20' '"modems": 0' '"modems_ready": 0' \
    '"errors_last_hour": 0'; do
	t_grep "... $k" "$k" "$T_DIR/sj"
done
t_rc 4 "an operator may not ask for status" as operator operatorpw1 simdeskctl status
t_oneline "... in one line"
t_grep "... saying so" "status" "$T_DIR/err"
t_rc 4 "... nor a supervisor" as supervisor supervisorpw1 simdeskctl --json status
t_grep "... the refusals are audited" "operator +status .*denied" <(ctl audit list --op status)
ctl help >"$T_DIR/help"
t_grep "simdeskctl help lists status for an admin" "^simdeskctl status" "$T_DIR/help"
as operator operatorpw1 simdeskctl help >"$T_DIR/help-op"
t_nogrep "... and not for an operator" "^simdeskctl status" "$T_DIR/help-op"

# ---------------------------------------------------------------- served during a backup
# A status that says a backup runs, a write, and a status that says the
# same backup (the same next one) still runs: the write was served while
# it ran.  Tried until a backup is caught running (30 s at most).
during() {
	local a b
	a=$(ctl --json status 2>/dev/null) || return 1
	grep -q '"backup_running": true' <<<"$a" || return 1
	ctl note add 13900000001 "在备份时写的" >/dev/null 2>&1 || return 2
	b=$(ctl --json status 2>/dev/null) || return 1
	grep -q '"backup_running": true' <<<"$b" &&
	    [ "$(grep '"backup_next"' <<<"$a")" = "$(grep '"backup_next"' <<<"$b")" ]
}
ctl customer add --name 备份中 --phone 13900000001 >/dev/null
# A backup takes longer with recordings to copy: make it so.
mkdir -p "$D/recordings"
head -c 50000000 /dev/urandom >"$D/recordings/big.wav"
poll 30 during; t_ok "a client's write is served while a scheduled backup runs" $?
t_nogrep "... no request waited long enough to be told BUSY" "BUSY|timed out" "$T_DIR/stderr"

# ---------------------------------------------------------------- a failed backup
# The destination is a file, not a directory: every backup fails.
rm -f "$D/recordings/big.wav"
kill "$SRV"; wait "$SRV" 2>/dev/null
rm -rf "$BK"; echo "not a directory" >"$BK"
simdeskd -f >>"$T_DIR/stderr" 2>&1 &
SRV=$!
t_server_wait "$D"; t_ok "simdeskd again, its backup directory replaced by a file" $?
failed() { ctl --json status >"$T_DIR/sf" 2>/dev/null && grep -q '"backup_alarm": true' "$T_DIR/sf"; }
poll 30 failed; t_ok "a failed scheduled backup is an alarm in status --json" $?
t_grep "... with its error" '"error": ".*data-backups' "$T_DIR/sf"
t_grep "... not ok" '"ok": false' "$T_DIR/sf"
ctl status >"$T_DIR/st"
t_grep "... and in the text" "^last backup +FAILED 20[0-9-]+ [0-9:]+ \((full|incremental), scheduled\): .*data-backups" "$T_DIR/st"
t_grep "... the log says so, as an error" "error: scheduled backup .*failed: .*data-backups" "$T_DIR/log/simdeskd.log"
errs() { ctl --json status | grep -qE '"errors_last_hour": [1-9]'; }
poll 30 errs; t_ok "... counted among the errors of the last hour" $?
rm -f "$BK"
recovered() { ctl --json status >"$T_DIR/sr" 2>/dev/null && grep -q '"backup_alarm": false' "$T_DIR/sr" && grep -q '"verified": "passed"' "$T_DIR/sr"; }
poll 30 recovered; t_ok "a directory again: the next backup succeeds and the alarm is gone" $?

# ---------------------------------------------------------------- after a restart
# No schedule but a time of day: the last result is still there.
kill "$SRV"; wait "$SRV" 2>/dev/null
B2=$(sed -n 's/.*"name": "\([0-9-]*\)".*/\1/p' "$T_DIR/sr" | head -1)
sed -i 's/every_seconds = 3;/full = [ "03:17" ];/' "$SIMDESK_CONF"
simdeskd -f >>"$T_DIR/stderr" 2>&1 &
SRV=$!
t_server_wait "$D"; t_ok "simdeskd restarted with a full backup at 03:17 only" $?
ctl status >"$T_DIR/st"
t_grep "... the last backup and its verification outlive the restart" "^last backup +$B2 .*verified" "$T_DIR/st"
t_grep "... the next one is at 03:17, full" "^next backup +20[0-9-]+ 03:17:00 \(full\)" "$T_DIR/st"

# ---------------------------------------------------------------- the log file
# logrotate moves the file and sends SIGHUP: simdeskd writes a new one.
mv "$T_DIR/log/simdeskd.log" "$T_DIR/log/simdeskd.log.1"
kill -HUP "$SRV"
reopened() { grep -q "simdeskd: log reopened" "$T_DIR/log/simdeskd.log" 2>/dev/null; }
poll 30 reopened; t_ok "SIGHUP: the log file is opened again under its name" $?
ctl customer add --name 轮转 --phone 13900000009 >/dev/null; t_ok "... and simdeskd serves on" $?
t_grep "... the rotated file kept the earlier lines" "simdeskd: started on" "$T_DIR/log/simdeskd.log.1"
t_nogrep "... and got nothing after the move" "log reopened" "$T_DIR/log/simdeskd.log.1"

# log_level warning: errors are written, the info lines are not.
kill "$SRV"; wait "$SRV" 2>/dev/null
mv "$T_DIR/log/simdeskd.log" "$T_DIR/log/simdeskd.log.2"
sed -i 's/full = \[ "03:17" \];/every_seconds = 3;/' "$SIMDESK_CONF"
echo 'log_level = "warning";' >>"$SIMDESK_CONF"
rm -rf "$BK"; echo "not a directory" >"$BK"
simdeskd -f >>"$T_DIR/stderr" 2>&1 &
SRV=$!
t_server_wait "$D"; t_ok "simdeskd at log_level warning, its backups failing" $?
logged_err() { grep -q "error: scheduled backup" "$T_DIR/log/simdeskd.log" 2>/dev/null; }
poll 30 logged_err; t_ok "... the failure is logged" $?
t_nogrep "... no info line is" "simdeskd: (started on|next scheduled backup|scheduled backup starting)" "$T_DIR/log/simdeskd.log"
kill "$SRV"; wait "$SRV" 2>/dev/null
rm -f "$BK"
exit 0
