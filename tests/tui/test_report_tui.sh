#!/usr/bin/env bash
# test_report_tui.sh -- the Reports screen (issue 17): calls imported and
# cards sold this month and last month, every figure worked out by hand
# below; an admin opens Reports from the home menu and sees the calls by
# operator, switches to sales, the grouping (by day: the trend beside the
# month before) and the period ([ the month before), compares with the
# period before (its figures and the change beside them), sees the bar
# chart of the main figure, and exports the table on screen as .xlsx and
# CSV (the file's cells checked); an operator sees only their own row; in
# zh_CN the heads are Chinese and the columns line up by display width; at
# 80x24 the table, the chart and the key bar fit.
. "$(dirname "$0")/../lib.sh"
t_tmp
t_seed || { t_ok "seed data" 1; exit 1; }
export TZ=Asia/Shanghai
: >"$T_DIR/simdesk.conf"
export SIMDESK_CONF="$T_DIR/simdesk.conf"
THIS=$(sdate +%Y-%m)
LAST=$(sdate -d "$THIS-01 -1 month" +%Y-%m)

# ---------------------------------------------------------------- the data
# op2 (an operator of team 华南组).  Calls: this month on the 1st the
# operator's call out answered (125 s) and one not answered, op2's call in
# answered (61 s); last month the operator's call out answered (600 s).
SIMDESK_NEW_PASSWORD=op2pw1234 simdeskctl user add op2 --role operator --team 华南组 --name 王二 >/dev/null
cat >"$T_DIR/calls.csv" <<CSV
start,direction,operator,number,ring,talk,disposition
$THIS-01 09:00:00,out,operator,13812345678,5,125,
$THIS-01 09:10:00,out,operator,13800001111,20,0,no-answer
$THIS-01 10:00:00,in,op2,13812345678,3,61,answered
$LAST-05 09:00:00,out,operator,13812345678,5,600,
CSV
t_rc 0 "call import: three calls this month, one last month" simdeskctl call import "$T_DIR/calls.csv"
# Sales: the operator sells card 1 (P39) at 39.00 on the 1st, the admin
# card 2 (P59) at 59.00 on the 1st; last month the operator card 3 (P39)
# at 30.00.
simdeskctl plan add P39 --name 39元卡 --monthly-fee 39 >/dev/null
simdeskctl plan add P59 --name 59元卡 --monthly-fee 59 >/dev/null
printf 'iccid,msisdn,plan\n8986009000000000001,13900000001,P39\n8986009000000000002,13900000002,P59\n8986009000000000003,13900000003,P39\n' >"$T_DIR/cards.csv"
simdeskctl sim import "$T_DIR/cards.csv" >/dev/null
for i in 1 2 3; do simdeskctl customer add --name 客户$i --phone 1360000000$i >/dev/null; done
as operator operatorpw1 simdeskctl sim activate 13900000001 --customer 13600000001 --price 39 --date "$THIS-01" >/dev/null &&
    simdeskctl sim activate 13900000002 --customer 13600000002 --price 59 --date "$THIS-01" >/dev/null &&
    as operator operatorpw1 simdeskctl sim activate 13900000003 --customer 13600000003 --price 30 --date "$LAST-10" >/dev/null
t_ok "three cards sold" $?

TUI_SOCK="simdesk-report-$$"
cleanup_tmux() { tm kill-server 2>/dev/null; t_cleanup; }
trap cleanup_tmux EXIT
# session NAME LANG COLSxROWS: simdesk -l in T_DIR (where exports go).
session() {
	W=$1
	tm new-session -d -s "$1" -c "$T_DIR" -x "${3%x*}" -y "${3#*x}" \
	    "env LANG=$2 LC_ALL=$2 TZ=$TZ SIMDESK_CONF=$SIMDESK_CONF SIMDESK_DATA=$SIMDESK_DATA $T_TOP/build/bin/simdesk -l; echo EXITED \$?; sleep 30"
}
# reports LABEL: open the home menu's Reports entry (numbered or not).
reports() {
	local n
	n=$(screen | grep -oE "^ +[0-9]  $1" | head -1 | grep -oE '[0-9]')
	if [ -n "$n" ]; then keys "$n"; return; fi
	# Past the tenth: G selects the last entry, Up the ones above.
	local below
	below=$(screen | sed -n "/    $1/,/^ *\$/p" | grep -cE '^ {6}[^ ]')
	local go=(G)
	for ((i = 1; i < below; i++)); do go+=(Up); done
	keys "${go[@]}" Enter
}
signin() {	# LOGIN PASSWORD: sign in and open Reports
	wait_for "$1: the login screen" "Log in|登录" 300 || exit 1
	keys "$1" Tab "$2" Enter
	wait_for "... signed in" "Reports|报表" 300 || exit 1
	reports "${3:-Reports}"
}
# The line of GROUP on screen, its cells one space apart.
line() { screen | awk -v g="$1" '$1 == g && $2 != "to" { $1 = $1; print; exit }'; }
is() {	# DESC GROUP WANT (the line begins with WANT)
	local got
	for _ in $(seq 300); do
		got=$(line "$2")
		[[ $got == "$3"* ]] && { t_ok "$1" 0; return 0; }
		sleep 0.1
	done
	echo "# $1: '$got', wanted '$3'"; screen | sed 's/^/#   |/'
	t_ok "$1" 1
}

# ---------------------------------------------------------------- admin
session adm C.UTF-8 120x32
signin admin adminpw1
wait_for "Reports opens on the calls of this month by operator" "Calls report.*Sales report" 300
wait_for "... the period and grouping" "$THIS-01 to .*, by OPERATOR \(this month\)"
# operator: 2 out, 0 in, 1 answered, 50.0% reached, 0:02:05 talk, the same
# on average and longest, 0 missed.  op2: 1 in answered, 61 s.
is "... operator: 2 out, 1 answered, 50.0%, 0:02:05" operator "operator 2 0 1 50.0% 0:02:05 0:02:05 0:02:05 0"
is "... op2: 1 in answered, 0:01:01" op2 "op2 0 1 1 0.0% 0:01:01 0:01:01 0:01:01 0"
is "... total: 3 calls, 3:06 of talk" total "total 2 1 2 50.0% 0:03:06 0:01:33 0:02:05 0"
wait_for "... the bar chart of talk time per operator" "Talk time per group"
grep -qE "^ +operator +█+ +0:02:05" "$T_DIR/screen"; t_ok "... operator's bar (█) with its talk time" $?
grep -qE "^ +op2 +█+ +0:01:01" "$T_DIR/screen"; t_ok "... op2's shorter bar" $?
keys c
wait_for "c compares with last month" "compared with $LAST-01 to "
wait_for "... its columns" "PREV OUT +ΔOUT +ΔOUT%"
# operator last month: 1 out, 1 answered: +1 out (+100.0%).
is "... operator: 1 out before, +1, +100.0%" operator "operator 2 0 1 50.0% 0:02:05 0:02:05 0:02:05 0 1 1 100.0%"
keys c
wait_gone "... c again hides them" "PREV OUT"
keys g
wait_for "g groups by team" "by TEAM"
is "... 华南组: op2's call" 华南组 "华南组 0 1 1"
keys g
wait_for "g again: by day" "by DAY"
is "... the 1st: all three calls" "$THIS-01" "$THIS-01 2 1 2 50.0% 0:03:06"
wait_for "... and the trend beside last month" "current +[▁▂▃▄▅▆▇█]+"
grep -qE "previous +[▁▂▃▄▅▆▇█]+" "$T_DIR/screen"; t_ok "... the previous period's sparkline under it" $?
keys '['
wait_for "[ steps to last month" "$LAST-01 to $LAST-[0-9]+, by DAY"
is "... its 5th: the operator's 600 s call" "$LAST-05" "$LAST-05 1 0 1 100.0% 0:10:00"
keys ']' g g g
wait_for "] and g back to this month by operator" "$THIS-01 to .*, by OPERATOR \(this month\)"
keys p
wait_for "p: last month" "by OPERATOR \(last month\)"
keys p
wait_for "p again: this year" "by OPERATOR \(this year\)"
# The year: all four calls (last month's in it but in January).
if [ "${THIS#*-}" = 01 ]; then year="total 2 1 2 50.0% 0:03:06"
else year="total 3 1 3 66.7% 0:13:06 0:04:22 0:10:00 0"; fi
is "... the year's calls" total "$year"
keys P P
wait_for "P P: back to this month" "by OPERATOR \(this month\)"

# Sales: by plan.
keys Tab
wait_for "Tab: the sales report, by plan" "\[2 Sales report\]"
wait_for "... by plan this month" "by PLAN \(this month\)"
is "... P39: card 1, 39.00" P39 "P39 1 39.00 39.00"
is "... P59: card 2, 59.00" P59 "P59 1 59.00 59.00"
is "... total: 2, 98.00, 49.00 each" total "total 2 98.00 49.00"
wait_for "... the bar chart of revenue" "Revenue per group"
grep -qE "^ +P59 +█+ +59\.00" "$T_DIR/screen"; t_ok "... P59's bar with its revenue" $?
keys c
is "c: P39 sold one at 30.00 last month: +9.00, +30.0%" P39 "P39 1 39.00 39.00 1 0 0.0% 30.00 9.00 30.0%"
keys j j k
# Export: .xlsx with the default name, then CSV.
keys e
wait_for "e asks the format" "Export as: 1 CSV"
keys 3
wait_for "... then the file name, this month's by default" "File name: *report-sales-$THIS.xlsx"
keys Enter
wait_for "... written" "written report-sales-$THIS.xlsx"
X="$T_DIR/report-sales-$THIS.xlsx"
[ -s "$X" ]; t_ok "... the .xlsx is there" $?
unzip -p "$X" xl/worksheets/sheet1.xml >"$T_DIR/sheet.xml" 2>/dev/null
grep -q 'state="frozen"' "$T_DIR/sheet.xml"; t_ok "... its head row frozen" $?
# Row 3 is P59 (plans in order): ACTIVATIONS 1 and REVENUE 59.00 as numbers.
grep -qE '<c r="B3"[^>]*><v>1</v>' "$T_DIR/sheet.xml"; t_ok "... P59's count a number cell" $?
grep -qE '<c r="C3"[^>]*><v>59</v>' "$T_DIR/sheet.xml"; t_ok "... its revenue a number cell (59 yuan)" $?
unzip -p "$X" xl/sharedStrings.xml 2>/dev/null | grep -q "PREV REVENUE"
t_ok "... with the compare columns shown" $?
keys e
wait_for "e again" "Export as: 1 CSV"
keys 1
wait_for "... CSV by default" "File name: *report-sales-$THIS.csv"
keys Enter
wait_for "... written" "written report-sales-$THIS.csv"
C="$T_DIR/report-sales-$THIS.csv"
[ "$(head -c3 "$C" | od -An -tx1 | tr -d ' ')" = efbbbf ]; t_ok "... the CSV begins with a BOM" $?
grep -q '^.*PLAN,ACTIVATIONS,REVENUE,AVG PRICE,PREV ACT' "$C"; t_ok "... its head" $?
grep -q '^P39,1,39.00,39.00,1,0,0.00%,30.00,9.00,30.00%' "$C"; t_ok "... P39's row" $?
grep -q '^P59,1,59.00,59.00,0,1,,0.00,59.00,' "$C"; t_ok "... P59's, its change from nothing empty" $?
keys e
wait_for "an export to a directory not there" "Export as"
keys 2
wait_for "... asks the name" "File name:"
bs=(); for _ in $(seq 40); do bs+=(BSpace); done
keys "${bs[@]}"
keys "$T_DIR/nodir/r.csv" Enter
wait_for "... says why in one line" "nodir/r.csv"
[ ! -e "$T_DIR/nodir" ]; t_ok "... and writes nothing" $?
keys q
wait_for "q goes home" "User administration"

# ---------------------------------------------------------------- operator
session op C.UTF-8 120x32
signin operator operatorpw1
wait_for "an operator's Reports: calls" "Calls report"
is "... their own row" operator "operator 2 0 1 50.0% 0:02:05"
screen | grep -qE "^ +op2 "; [ $? -ne 0 ]; t_ok "... and not op2's" $?
is "... the total is theirs" total "total 2 0 1 50.0%"

# ---------------------------------------------------------------- zh_CN, 80x24
session zh zh_CN.UTF-8 80x24
signin admin adminpw1 报表
wait_for "zh_CN: the calls report in Chinese" "话务报表.*销售报表"
wait_for "... Chinese heads" "坐席 +呼出 +呼入 +接通"
keys g
wait_for "... by team" "按小组"
# Each number column ends at the same display column on every line.
screen >"$T_DIR/zh"
python3 - "$T_DIR/zh" <<'PY'
import sys, unicodedata
def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
lines = [l.rstrip() for l in open(sys.argv[1], encoding="utf-8")]
head = next(l for l in lines if "呼出" in l)
rows = [l for l in lines if l.split() and l.split()[0] in ("华南组", "east", "合计") and "█" not in l]
ends = lambda l: [width(l[:i + 1]) for i in range(len(l)) if l[i] != " " and (i + 1 == len(l) or l[i + 1] == " ")]
h = ends(head)
ok = len(rows) >= 2 and all(ends(r)[1:4] == h[1:4] for r in rows)
if not ok:
    print("# head ends", h); [print("# row ends", ends(r), r) for r in rows]
sys.exit(0 if ok else 1)
PY
t_ok "... the columns line up beside 华南组 (display width)" $?
wait_for "... the chart at 80x24" "各组通话时长"
grep -qE "█" "$T_DIR/screen"; t_ok "... with its bars" $?
[ "$(tail -1 "$T_DIR/screen" | grep -c 'Esc 返回')" -eq 1 ]; t_ok "... and the key bar on the last line" $?
keys '?'
wait_for "? lists the keys" "Tab 1 2 +话务/销售"
grep -qE "^ +e +导出" "$T_DIR/screen"; t_ok "... e exports" $?
