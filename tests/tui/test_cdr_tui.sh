#!/usr/bin/env bash
# test_cdr_tui.sh -- Billing → Import call records in tmux at 80x24: F5
# before F2 and a missing file refused, a file with a bad row refused whole
# naming its line (nothing written), the bad rows set aside to a file of
# their own, a 60,000-call import showing its progress as it runs and what
# came of it, the same file again counted as duplicates and charged
# nothing; offered to admins only; the labels in zh_CN.
. "$(dirname "$0")/../lib.sh"
t_tmp
t_seed || { t_ok "seed data" 1; exit 1; }
export TZ=Asia/Shanghai
simdeskctl tariff add STD --name 标准 >/dev/null
simdeskctl tariff rate STD 1 --per-minute 0.15 --name 手机 >/dev/null
simdeskctl plan add P39 --name 39元卡 --monthly-fee 39 --tariff STD >/dev/null
printf 'iccid,msisdn,plan,price\n8986007000000000001,13900001111,P39,0\n8986007000000000002,13900002222,P39,0\n' >"$T_DIR/c.csv"
simdeskctl sim import "$T_DIR/c.csv" >/dev/null
as operator operatorpw1 simdeskctl customer add --name 话单甲 --phone 13600001111 >/dev/null
as operator operatorpw1 simdeskctl customer add --name 话单乙 --phone 13600002222 >/dev/null
simdeskctl sim activate 13900001111 --customer 13600001111 --date 2026-10-01 >/dev/null
simdeskctl sim activate 13900002222 --customer 13600002222 --date 2026-10-01 >/dev/null
t_ok "two subscribers" $?

H='call_id,msisdn,direction,number,start,answer,billsec'
# Line 3 is a number nobody has.
printf '%s\nb1,13900001111,out,13800138000,2026-11-10 09:00:00,2026-11-10 09:00:01,61\nb2,13911112222,out,13800138001,2026-11-10 10:00:00,2026-11-10 10:00:01,30\n' "$H" >"$T_DIR/bad.csv"
# 60,000 calls, a minute each (0.15 a call), over November.
awk -v h="$H" 'BEGIN { print h
	for (i = 0; i < 60000; i++) {
		d = 1 + int(i / 2000); s = i % 2000
		printf "g%d,139000%s,out,138%08d,2026-11-%02d %02d:%02d:%02d,2026-11-%02d %02d:%02d:%02d,60\n",
		    i, (i % 2 ? "01111" : "02222"), i, d, int(s / 120), int(s / 2) % 60, (s * 7) % 60,
		    d, int(s / 120), int(s / 2) % 60, (s * 7) % 60 + 0
	} }' >"$T_DIR/big.csv"

TUI_SOCK="simdesk-cdr-$$"
cleanup_tmux() { tm kill-server 2>/dev/null; t_cleanup; }
trap cleanup_tmux EXIT
start() {	# NAME LOGIN PASSWORD [LANG]
	tm new-session -d -s "$1" -x 80 -y 24 \
	    "env LANG=${4:-C.UTF-8} LC_ALL=${4:-C.UTF-8} TZ=$TZ SIMDESK_DATA=$SIMDESK_DATA $T_TOP/build/bin/simdesk -l; echo EXITED \$?; sleep 30"
	W=$1
	wait_for "$1: the login screen" "Log in|登录" 300
	keys "$2" Tab "$3" Enter
}
calls() { simdeskctl --json cdr list --msisdn "$1" --month 2026-11 | grep -c '"id"'; }

start a admin adminpw1
wait_for "the admin's home" "Billing and payments" 300
keys 9
wait_for "the billing menu offers the import" "6  Import call records"
keys 6
wait_for "the import form at 80x24" "CDR file"
wait_for "... the format, asterisk first" "Format.*asterisk"
wait_for "... F5 Import on the key bar" "F5 Import"
keys F1
wait_for "F1 explains it (? is typed into the file name)" "One bad row refuses the whole"
keys q
wait_for "... and goes back" "CDR file"
keys F5
wait_for "F5 before F2 says to check first" "Press F2 to check the file first\."
keys "$T_DIR/nosuch.csv" F2
wait_for "a missing file is refused naming it" "nosuch.csv.*(No such file|not found)"
keys C-u
for _ in $(seq 40); do keys BSpace; done
keys "$T_DIR/bad.csv" Tab Right Right
wait_for "←/→ choose the simdesk format" "Format.*simdesk"
keys F2
wait_for "F2 reads the file" "Checked: 2 call records, utf-8"
wait_for "... showing its first rows" "b1, 13900001111"
keys F5
wait_for "F5: a bad row refuses the file, naming its line" "bad.csv:3"
wait_for "... and says nothing was imported" "Nothing was imported"
[ "$(calls 13900001111)" -eq 0 ]; t_ok "... nothing written (the CLI lists no call)" $?
keys Tab "$T_DIR/rejects.csv"
keys F2
wait_for "F2 again, bad rows to a file" "Checked: 2 call records"
keys F5
wait_for "F5 imports the good row" "Imported and rated: 1\. Duplicates"
wait_for "... one rejected" "Rejected: 1\."
wait_for "... naming where the bad ones are" "rows, with why, are in .*rejects.csv"
grep -q 'bad.csv:3: ' "$T_DIR/rejects.csv"; t_ok "... the rejects file has line 3 with why" $?
[ "$(calls 13900001111)" -eq 1 ]; t_ok "... one call in" $?

# The big file: progress while it runs, then what came of it.
keys Tab
for _ in $(seq 60); do keys BSpace; done
keys "$T_DIR/big.csv" Tab Tab
for _ in $(seq 60); do keys BSpace; done
keys F2
wait_for "60,000 calls checked" "Checked: 60000 call records" 300
keys F5
wait_for "the progress shows while it runs" "Importing: [0-9]+ of 60000 calls" 300
wait_for "... then what came of it" "Imported and rated: 60000\. Duplicates" 1200
wait_for "... the bar full" "Imported: 60000 of 60000 calls \(100%\)"
[ "$(calls 13900001111)" -eq 30001 ]; t_ok "... the CLI lists them (30,000 + 1)" $?
simdeskctl --json cdr usage --msisdn 13900002222 --month 2026-11 >"$T_DIR/u"
t_grep "... rated: 30,000 minutes at 0.15 is 4500.00" '"call_fee_fen": 450000' "$T_DIR/u"
keys F5
wait_for "the same file again: all duplicates" "Imported and rated: 0\. Duplicates" 1200
wait_for "... 60000 of them" "charged nothing\): 60000\."
simdeskctl --json cdr usage --msisdn 13900002222 --month 2026-11 >"$T_DIR/u2"
cmp -s "$T_DIR/u" "$T_DIR/u2"; t_ok "... charged nothing twice (the usage unchanged)" $?
simdeskctl audit list --op cdr.import >"$T_DIR/o"
t_grep "... each import audited" "60000 calls" "$T_DIR/o"
simdeskctl verify >/dev/null; t_ok "verify passes" $?

# Not for a supervisor or a cashier (core: admins import call records).
start b supervisor supervisorpw1
wait_for "the supervisor's home" "Billing and payments" 300
keys 9
wait_for "the supervisor's billing menu" "Bills"
screen | grep -q "Import call records"; t_ok "... has no import" $((! $?))

# zh_CN
start c admin adminpw1 zh_CN.UTF-8
wait_for "zh_CN: the admin's home" "收费" 300
keys 9
wait_for "zh_CN: the billing menu offers it" "导入话单"
keys 6
wait_for "zh_CN: the form's labels" "格式"
