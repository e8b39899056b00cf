#!/usr/bin/env bash
# test_backup.sh -- backups and restore with a real server and real
# processes.  The restore drill: cashiers take payments while a full and
# two incremental backups are taken; the data directory is then destroyed
# (server killed, directory removed); restored to the last backup, every
# payment acknowledged before it finished is there and none started after
# it, and verify passes; restored to a point in time between two backups,
# exactly what was committed by then.  Then: verify catches a damaged
# backup (a byte of a database, a byte of a log), restore refuses a
# directory in use, an operator may not back up, an incremental backup
# needs a full one, keep removes the oldest.  Bounded: every command runs
# under a timeout, every wait is polled with a limit.
. "$(dirname "$0")/../lib.sh"
t_tmp
export TZ=Asia/Shanghai
export SIMDESK_CONF="$T_DIR/simdesk.conf"
printf 'backup = { keep = 3; };\n' >"$SIMDESK_CONF"
t_seed || { t_ok "seed" 1; exit 1; }
D="$T_DIR/data"
BK="$T_DIR/data-backups"
ctl() { timeout 120 simdeskctl "$@"; }
cashier() { SIMDESK_USER=cashier SIMDESK_PASSWORD=cashierpw1 timeout 60 simdeskctl "$@"; }
now() { date +%s.%N; }

awk 'BEGIN { print "name,phone"; for (i = 0; i < 20; i++) printf "客户%02d,1360000%04d\n", i, i }' >"$T_DIR/cust.csv"
ctl customer import "$T_DIR/cust.csv" >/dev/null

# ---------------------------------------------------------------- refusals first
t_rc 6 "an incremental backup without a full one is refused" ctl backup create --incremental
t_oneline "... in one line"
t_grep "... saying so" "no full backup in .* to add to" "$T_DIR/err"
[ ! -e "$BK" ] || [ -z "$(ls -A "$BK")" ]; t_ok "... and made nothing" $?
t_rc 4 "an operator may not back up" as operator operatorpw1 simdeskctl backup create
t_oneline "... in one line"
t_grep "... the refusal is audited" "operator +backup .*denied" <(ctl audit list --op backup)
t_rc 4 "... nor list the backups" as operator operatorpw1 simdeskctl backup list
printf 'backup = { dir = "%s/x"; };\n' "$D" >"$T_DIR/inside.conf"
t_rc 5 "backup.dir inside the data directory is a configuration error" ctl -C "$T_DIR/inside.conf" backup list
t_grep "... naming file:line" "inside.conf:1: backup.dir: .* is inside the data directory" "$T_DIR/err"

# ---------------------------------------------------------------- the drill
# Each cashier loop logs: start, end, exit status, receipt.
writer() {
	local n=$1 t0 out rc
	while [ ! -e "$T_DIR/stop" ]; do
		t0=$(now)
		out=$(cashier pay "1360000$(printf %04d $((RANDOM % 20)))" 1 --method cash 2>>"$T_DIR/w$n.err")
		rc=$?
		echo "$t0 $(now) $rc $out" >>"$T_DIR/w$n.log"
		sleep 0.05
	done
}
acked() { cat "$T_DIR"/w*.log 2>/dev/null | awk '$3 == 0 && $4 ~ /^R[0-9]+$/' | wc -l; }
# wait_acked N: until N more payments than now are acknowledged (60 s at most).
wait_acked() {
	local want=$(($(acked) + $1))
	for _ in $(seq 600); do [ "$(acked)" -ge "$want" ] && return 0; sleep 0.1; done
	return 1
}
t_start=$(date +%s)
for n in 1 2 3 4; do writer $n & echo $! >>"$T_DIR/writers"; done
wait_acked 40; t_ok "four cashiers take payments" $?
# A backup's end: the moment its writers were held (until_ms), when its
# log was copied to the last record.  Every payment acknowledged before
# it is in the backup; none that began after it.
field() { sed -n "s/.*\"$1\": \"\{0,1\}\([^\",]*\).*/\1/p" "$2" | head -1; }
ctl --json backup create >"$T_DIR/b0" 2>"$T_DIR/err"; rc=$?
B=$(field name "$T_DIR/b0")
[ $rc -eq 0 ] && [[ $B =~ ^[0-9]{8}-[0-9]{6}$ ]]; t_ok "a full backup while they work: $B" $?
wait_acked 30
sleep 2
MID=$(date +%s)
sleep 3
wait_acked 20
ctl --json backup create --incremental >"$T_DIR/b1" 2>"$T_DIR/err"; rc=$?
[ $rc -eq 0 ] && [ "$(field name "$T_DIR/b1")" = "$B" ]; t_ok "an incremental backup, added to it" $?
wait_acked 30
c0=$(now)
ctl --json backup create --incremental >"$T_DIR/b2" 2>"$T_DIR/err"; rc=$?
c1=$(now)
t_ok "a second incremental backup" $rc
p_last=$(field until_ms "$T_DIR/b2")
awk -v a="$c0" -v p="$p_last" -v b="$c1" 'BEGIN { exit !(a * 1000 <= p && p <= b * 1000) }'
t_ok "... its end is within the command's run" $?
wait_acked 20; t_ok "payments go on after the last backup" $?
touch "$T_DIR/stop"
for p in $(cat "$T_DIR/writers"); do wait "$p"; done
cat "$T_DIR"/w*.log >"$T_DIR/pays"
n_all=$(awk '$3 == 0' "$T_DIR/pays" | wc -l)
n_fail=$(awk '$3 != 0' "$T_DIR/pays" | wc -l)
[ "$n_fail" -eq 0 ]; t_ok "every payment was acknowledged ($n_all, $n_fail refused)" $?
[ "$n_fail" -eq 0 ] || head -3 "$T_DIR"/w*.err | sed 's/^/# /'
ctl backup list >"$T_DIR/out"
t_grep "backup list: the full backup with two incrementals" "^$B +full\+2 " "$T_DIR/out"
ctl --json backup list >"$T_DIR/out"
t_grep "... --json" "\"name\": \"$B\"" "$T_DIR/out"
t_rc 0 "backup verify passes while the server runs" ctl backup verify "$B"
t_grep "... says what it checked" "backup $B passed" "$T_DIR/out"
t_grep "backup list says verified" "^$B .* passed$" <(ctl backup list)

# The disaster: the server dies, the data directory goes.
pid=$(cut -d' ' -f1 "$D/simdeskd.pid")
kill -9 "$pid"
for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
rm -rf "$D"
[ ! -e "$D" ]; t_ok "the data directory is destroyed (server killed, directory removed)" $?

# present|absent DIR: of the receipts on stdin, how many receipt show finds.
count_present() {
	local dir=$1 r n=0
	while read -r r; do
		timeout 30 simdeskctl -D "$dir" receipt show "$r" >/dev/null 2>&1 &&
		    n=$((n + 1))
	done
	echo $n
}
r0=$(now)
t_rc 0 "restore the last backup into the data directory's place" ctl restore "$B" --to "$D"
secs=$(awk -v a="$r0" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')
t_grep "... it says up to when" "^restored .* to $D up to .*the full backup of .* and 2 incremental" "$T_DIR/out"
awk -v t="$p_last" '$3 == 0 && $2 * 1000 < t { print $4 }' "$T_DIR/pays" >"$T_DIR/before"
awk -v t="$p_last" '$3 == 0 && $1 * 1000 > t { print $4 }' "$T_DIR/pays" >"$T_DIR/after"
# Acknowledged after the end, while the command still ran (its manifest,
# the log archived, the audit row): in the backup or not, as they fell.
awk -v t="$p_last" -v b="$c1" '$3 == 0 && $1 * 1000 <= t && $2 * 1000 >= t && $2 <= b { print $4 }' "$T_DIR/pays" >"$T_DIR/window"
nb=$(wc -l <"$T_DIR/before"); na=$(wc -l <"$T_DIR/after"); nw=$(wc -l <"$T_DIR/window")
pb=$(count_present "$D" <"$T_DIR/before")
pa=$(count_present "$D" <"$T_DIR/after")
pw=$(count_present "$D" <"$T_DIR/window")
[ "$pb" -eq "$nb" ] && [ "$nb" -gt 0 ]; t_ok "every payment acknowledged before the last backup's end is there ($pb of $nb)" $?
[ "$pa" -eq 0 ] && [ "$na" -gt 0 ]; t_ok "none started after it is ($pa of $na)" $?
t_rc 0 "verify passes on the restored data (receipts without a gap)" ctl verify
t_grep "... the receipts" "ok +receipts" "$T_DIR/out"
echo "# drill: $n_all payments acknowledged; $nb before the last backup's end, $pb present after restore; $na begun after it, $pa present; $nw in flight at it, $pw present; restore took ${secs}s"

# To a point in time between the full and the first incremental backup.
R2="$T_DIR/r2"
until=$(sdate -d "@$MID" '+%Y-%m-%d %H:%M:%S')
t_rc 0 "restore to a point in time ($until)" ctl restore "$B" --to "$R2" --until "$until"
t_grep "... up to it" "up to $until, the last transaction committed by then" "$T_DIR/out"
awk -v t=$((MID - 2)) '$3 == 0 && $2 <= t { print $4 }' "$T_DIR/pays" >"$T_DIR/before"
awk -v t=$((MID + 2)) '$3 == 0 && $1 >= t { print $4 }' "$T_DIR/pays" >"$T_DIR/after"
nb=$(wc -l <"$T_DIR/before"); na=$(wc -l <"$T_DIR/after")
pb=$(count_present "$R2" <"$T_DIR/before")
pa=$(count_present "$R2" <"$T_DIR/after")
[ "$pb" -eq "$nb" ] && [ "$nb" -gt 0 ]; t_ok "every payment acknowledged 2 s before it is there ($pb of $nb)" $?
[ "$pa" -eq 0 ] && [ "$na" -gt 0 ]; t_ok "none started 2 s after it is ($pa of $na)" $?
t_rc 0 "verify passes on it too" ctl -D "$R2" verify
echo "# point in time: $nb acknowledged by $until - 2 s, $pb present; $na started from + 2 s, $pa present"
t_stop_servers "$R2"

# ---------------------------------------------------------------- damaged backups
# flip FILE OFFSET: one byte changed.
flip() {
	local b
	b=$(od -An -tu1 -j"$2" -N1 "$1" | tr -d ' ')
	printf "\\$(printf %03o $((b ^ 0x5a)))" | dd of="$1" bs=1 seek="$2" conv=notrunc 2>/dev/null
}
C1=20000101-000001; C2=20000101-000002
cp -a "$BK/$B" "$BK/$C1"; cp -a "$BK/$B" "$BK/$C2"
rm -f "$BK/$C1/VERIFIED" "$BK/$C2/VERIFIED"
flip "$BK/$C1/db/customer.db" 5000
log=$(ls "$BK/$C2/db" | grep '^log\.' | head -1)
flip "$BK/$C2/db/$log" 300
t_rc 9 "backup verify catches a byte changed in a database file" ctl backup verify "$C1"
t_oneline "... in one line"
t_grep "... naming it" "backup $C1 failed verification: db/customer.db: its checksum" "$T_DIR/err"
t_rc 9 "... and one changed in a log file" ctl backup verify "$C2"
t_grep "... naming it" "backup $C2 failed verification: db/$log" "$T_DIR/err"
t_grep "backup list shows them failed" "^$C1 .* FAILED$" <(ctl backup list)
t_rc 9 "restore refuses a damaged backup" ctl restore "$BK/$C1" --to "$T_DIR/r3"
[ ! -e "$T_DIR/r3" ]; t_ok "... writing nothing" $?
rm -rf "${BK:?}/$C1" "${BK:?}/$C2"
t_rc 3 "backup verify of no such backup" ctl backup verify 20000101-000009
t_rc 5 "... or of something that is no backup's name" ctl backup verify ../data
t_oneline "... in one line"

# ---------------------------------------------------------------- restore's refusals
mkdir -p "$T_DIR/used" && echo keep >"$T_DIR/used/notes.txt"
t_rc 5 "restore refuses a directory that is not empty" ctl restore "$B" --to "$T_DIR/used"
t_oneline "... in one line"
t_grep "... naming it" "^simdeskctl: --to: $T_DIR/used is not empty" "$T_DIR/err"
[ "$(ls -A "$T_DIR/used")" = notes.txt ]; t_ok "... nothing written there" $?
t_rc 5 "restore refuses the data directory a server is serving" ctl restore "$B" --to "$D"
t_rc 3 "restore of a backup that does not exist" ctl restore 20000101-000009 --to "$T_DIR/r4"
t_oneline "... in one line"
t_rc 5 "restore with a bad time" ctl restore "$B" --to "$T_DIR/r4" --until "yesterday-ish"
t_oneline "... in one line"
t_grep "... naming --until" "^simdeskctl: --until: 'yesterday-ish' is not a time" "$T_DIR/err"
t_rc 5 "restore to a time before the backup" ctl restore "$B" --to "$T_DIR/r4" --until "2020-01-01 00:00"
[ ! -e "$T_DIR/r4" ]; t_ok "... nothing written" $?

# ---------------------------------------------------------------- keep
for i in 1 2 3; do ctl backup create >>"$T_DIR/fulls" || echo "# full $i failed: $(cat "$T_DIR/err")"; done
ls "$BK" | grep -E '^[0-9]{8}-[0-9]{6}$' >"$T_DIR/left"
[ "$(wc -l <"$T_DIR/left")" -eq 3 ]; t_ok "keep = 3: three full backups left after a fourth" $?
t_nogrep "... the oldest one removed, whole" "^$B$" "$T_DIR/left"
cmp -s "$T_DIR/fulls" "$T_DIR/left"; t_ok "... the three newest stay" $?
t_grep "the removal is in the audit trail" "backup.create .* 1 old backups removed" <(ctl audit list --op backup.create)
echo "# drill run took $(( $(date +%s) - t_start )) s in all"

# ---------------------------------------------------------------- archives
# backup create --to: the backup as one .tar.gz (SHA-256 manifest), which
# verify and restore read; a byte flipped in it is caught.
A="$T_DIR/arch"; mkdir -p "$A"
t_rc 2 "--full and --incremental together are refused" ctl backup create --full --incremental
t_oneline "... in one line"
t_rc 0 "backup create --full --to DIR writes one archive" ctl backup create --full --to "$A"
AN=$(sed -n 1p "$T_DIR/out"); AR=$(sed -n 2p "$T_DIR/out")
[[ $AR == "$A"/simdesk-*.tar.gz ]] && [ -f "$AR" ]; t_ok "... $A/simdesk-TIME.tar.gz (backup $AN)" $?
[ "$(stat -c %a "$AR")" = 600 ]; t_ok "... mode 0600" $?
tar tzf "$AR" >"$T_DIR/list" 2>&1; t_ok "... tar and gzip read it" $?
[ "$(head -1 "$T_DIR/list")" = MANIFEST ]; t_ok "... the manifest first" $?
tar xzOf "$AR" MANIFEST >"$T_DIR/mf"
t_grep "... the manifest has SHA-256s" "^file db/customer\.db [0-9]+ [0-9a-f]{64}$" "$T_DIR/mf"
t_grep "... the LSN and the time" "^backup full [0-9]+ lsn [0-9]+/[0-9]+ ms [0-9]+ " "$T_DIR/mf"
t_grep "... the version" "^version [0-9]" "$T_DIR/mf"
tar xzf "$AR" -C "$A" db/customer.db && sha256sum "$A/db/customer.db" | cut -d' ' -f1 >"$T_DIR/sum"
grep -q "^file db/customer.db [0-9]* $(cat "$T_DIR/sum")$" "$T_DIR/mf"; t_ok "... sha256sum agrees with it" $?
rm -rf "${A:?}/db"
t_rc 0 "backup verify reads the archive" ctl backup verify "$AR"
t_grep "... it passed" "^backup $AR passed" "$T_DIR/out"
t_rc 0 "restore from the archive" ctl restore "$AR" --to "$T_DIR/ra"
t_grep "... says up to when" "^restored $AR to $T_DIR/ra up to " "$T_DIR/out"
t_rc 0 "... and verify passes there" ctl -D "$T_DIR/ra" verify
t_rc 0 "... a receipt of the drill is there" simdeskctl -D "$T_DIR/ra" receipt show "$(head -1 "$T_DIR/before")"
t_stop_servers "$T_DIR/ra"
[ -z "$(ls -A "$T_DIR" | grep '^\.simdesk-restore')" ]; t_ok "... nothing of the unpacked copy is left" $?
cp "$AR" "$T_DIR/bad.tar.gz"
flip "$T_DIR/bad.tar.gz" $(( $(stat -c %s "$AR") / 2 ))
t_rc 9 "backup verify catches one byte flipped in an archive" ctl backup verify "$T_DIR/bad.tar.gz"
t_oneline "... in one line"
t_grep "... saying it is damaged" "^simdeskctl: backup $T_DIR/bad.tar.gz failed verification: .*(damaged|checksum)" "$T_DIR/err"
t_rc 9 "restore refuses the damaged archive" ctl restore "$T_DIR/bad.tar.gz" --to "$T_DIR/rb"
[ ! -e "$T_DIR/rb" ] && [ -z "$(ls -A "$T_DIR" | grep '^\.simdesk-restore')" ]; t_ok "... writing nothing" $?
cp "$AR" "$T_DIR/cut.tar.gz"; truncate -s $(( $(stat -c %s "$AR") - 100 )) "$T_DIR/cut.tar.gz"
t_rc 9 "... and one cut short" ctl backup verify "$T_DIR/cut.tar.gz"
printf 'not a backup\n' | gzip >"$T_DIR/other.tar.gz"
t_rc 9 "verify refuses a gzip that is no backup" ctl backup verify "$T_DIR/other.tar.gz"
t_oneline "... in one line"
t_rc 5 "backup create --to a directory that does not exist" ctl backup create --to "$T_DIR/nowhere/x.tar.gz"
t_oneline "... in one line"
t_grep "... naming --to" "^simdeskctl: --to .*nowhere" "$T_DIR/err"

# ---------------------------------------------------------------- CRC-32 manifests
# A backup taken before manifests had SHA-256s: its MANIFEST says
# "checksum crc32" and each file's CRC-32 (zlib's; gzip's trailer has it).
O=20000101-000003
cp -a "$BK/$AN" "$BK/$O"; rm -f "$BK/$O/VERIFIED"
crc() { gzip -c <"$1" | tail -c8 | od -An -tx4 -N4 | tr -d ' '; }
while read -r kw a b c; do
	case $kw in
	checksum) echo "checksum crc32" ;;
	file) echo "file $a $b $(crc "$BK/$O/$a")" ;;
	*) echo "$kw${a:+ $a}${b:+ $b}${c:+ $c}" ;;
	esac
done <"$BK/$AN/MANIFEST" >"$BK/$O/MANIFEST"
t_grep "an old manifest (CRC-32s) made from the new one" "^file db/customer\.db [0-9]+ [0-9a-f]{8}$" "$BK/$O/MANIFEST"
t_rc 0 "backup verify still reads it" ctl backup verify "$O"
t_rc 0 "... restore too" ctl restore "$O" --to "$T_DIR/rc"
t_stop_servers "$T_DIR/rc"
flip "$BK/$O/db/customer.db" 5000
t_rc 9 "... and a byte changed under a CRC-32 is still caught" ctl backup verify "$O"
t_grep "... naming the file" "db/customer.db: its checksum" "$T_DIR/err"
rm -rf "${BK:?}/$O"

# ---------------------------------------------------------------- encrypted
# The archive of an encrypted environment is encrypted whole with its key
# (AES-256-GCM, the key derived from key_file's): restored without it or
# with another, refused at once; with it, whole; a changed byte is caught.
E="$T_DIR/enc"; mkdir -p "$E"
echo "backup-key-0123456" >"$E/key"
printf 'key_file = "%s";\n' "$E/key" >"$E/conf"
printf '\n' >"$E/nokey.conf"
ectl() { timeout 120 simdeskctl -C "$E/conf" -D "$E/data" "$@"; }
t_rc 0 "an encrypted environment (key_file)" env SIMDESK_PASSWORD=adminpw1 simdeskctl -C "$E/conf" -D "$E/data" init --admin admin
ectl customer add --name 加密客户 --phone 13700001111 >/dev/null
t_rc 0 "... backed up to an archive" ectl backup create --to "$E/enc.tar.gz"
[ "$(head -c 8 "$E/enc.tar.gz")" = SDBKAES1 ] && ! gzip -t "$E/enc.tar.gz" 2>/dev/null
t_ok "... encrypted whole: no gzip to read without the key" $?
! grep -qa -e 13700001111 -e simdesk-backup "$E/enc.tar.gz"; t_ok "... no phone, no manifest in clear" $?
echo "another-key-98765" >"$E/key2"
printf 'key_file = "%s";\n' "$E/key2" >"$E/key2.conf"
t_rc 9 "restore without the key is refused" simdeskctl -C "$E/nokey.conf" restore "$E/enc.tar.gz" --to "$E/r1"
t_oneline "... in one line"
t_grep "... saying it is encrypted" "encrypt" "$T_DIR/err"
[ ! -e "$E/r1" ]; t_ok "... writing nothing" $?
t_rc 9 "... and with another key" simdeskctl -C "$E/key2.conf" restore "$E/enc.tar.gz" --to "$E/r1"
t_grep "... saying so" "encrypted with another key" "$T_DIR/err"
[ ! -e "$E/r1" ]; t_ok "... writing nothing" $?
cp "$E/enc.tar.gz" "$E/bad.tar.gz"; flip "$E/bad.tar.gz" $(( $(stat -c %s "$E/enc.tar.gz") / 2 ))
t_rc 9 "a byte flipped in the encrypted archive fails verify" ectl backup verify "$E/bad.tar.gz"
t_grep "... saying it is damaged" "failed verification: archive .* is damaged" "$T_DIR/err"
t_rc 0 "restore with the key" simdeskctl -C "$E/conf" restore "$E/enc.tar.gz" --to "$E/r2"
t_rc 0 "... the customer is there" simdeskctl -C "$E/conf" -D "$E/r2" customer show 13700001111
t_rc 0 "... verify passes" simdeskctl -C "$E/conf" -D "$E/r2" verify
t_rc 0 "backup verify of the encrypted archive (the server has the key)" ectl backup verify "$E/enc.tar.gz"
t_stop_servers "$E"
