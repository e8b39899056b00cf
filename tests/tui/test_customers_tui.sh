#!/usr/bin/env bash
# test_customers_tui.sh -- the operators' screens in tmux: a reminder due in
# a few seconds pops up in its owner's running session and not in another
# operator's; the card, a follow-up note, the list's filter by name and by
# phone, a refusal on someone else's customer, and the import preview.
. "$(dirname "$0")/../lib.sh"
t_tmp
t_seed || { t_ok "seed" 1; exit 1; }
SIMDESK_NEW_PASSWORD=op2pw1234 simdeskctl user add op2 --role operator --team east --name 孙伟 >/dev/null
OP="as operator operatorpw1"
$OP simdeskctl customer add --name 王小明 --phone 13800138000 --city 北京 --class A >/dev/null
as op2 op2pw1234 simdeskctl customer add --name 李娜 --phone 13900139000 --city 上海 >/dev/null
NEXT=$(sdate -d '+6 seconds' '+%Y-%m-%d %H:%M:%S')
$OP simdeskctl note add 13800138000 "约好今天回电" --next "$NEXT" >/dev/null

N=0
tmx() { tmux -L "simdesk-ct-$$-$1" "${@:2}"; }
start() {	# NAME LOGIN PASSWORD [LANG]
	tmx "$1" new-session -d -s s -x 110 -y 32 \
	    "env LANG=${4:-C.UTF-8} LC_ALL=${4:-C.UTF-8} SIMDESK_DATA=$SIMDESK_DATA $T_TOP/build/bin/simdesk -l; sleep 30"
	sleep 0.4
	tmx "$1" send-keys -t s "$2" Tab "$3" Enter
}
cleanup() { for x in a b c d; do tmx $x kill-server 2>/dev/null; done; t_cleanup; }
trap cleanup EXIT
wait_for() {	# SESSION DESC REGEX [TRIES]
	for _ in $(seq "${4:-50}"); do
		tmx "$1" capture-pane -p -t s >"$T_DIR/screen"
		grep -qE -- "$3" "$T_DIR/screen" && { t_ok "$2" 0; return 0; }
		sleep 0.2
	done
	echo "# $2: /$3/ not on screen:"; sed 's/^/#   |/' "$T_DIR/screen"
	t_ok "$2" 1
}

start a operator operatorpw1
start b op2 op2pw1234
wait_for a "the operator's home shows the due follow-up" "约好今天回电"
wait_for b "op2's home" "Operator desk"
wait_for a "within seconds of the due time the reminder pops up" "Reminder  " 80
wait_for a "... naming the customer and the note" "王小明  13800138000"
tmx b capture-pane -p -t s >"$T_DIR/other"
! grep -q "Reminder  " "$T_DIR/other"; t_ok "... but not in another operator's session" $?
tmx a send-keys -t s Enter
wait_for a "Enter opens the customer card" "王小明  #1"
wait_for a "... with the notes timeline" "约好今天回电"
wait_for a "... the title bar counts what is due" "1 due"

# A follow-up from the card.
tmx a send-keys -t s n
wait_for a "n opens the note form" "What was said"
tmx a send-keys -t s "客户同意办理" Tab "2099-01-01 10:00" Tab Right Right F2
wait_for a "F2 saves the note" "Note saved"
wait_for a "... the card shows it" "客户同意办理"
$OP simdeskctl --json customer show 13800138000 >"$T_DIR/o"
grep -q '"light": "planned"' "$T_DIR/o"; t_ok "... and the next contact is planned" $?

# The list: filter as you type, by name and by phone.
tmx a send-keys -t s Escape
wait_for a "back home" "My customers"
tmx a send-keys -t s 3
wait_for a "find a customer lists everyone" "李娜"
tmx a send-keys -t s / 王
wait_for a "typing a name filters" "^/ 王_"
sleep 0.3
tmx a capture-pane -p -t s >"$T_DIR/screen"
! grep -q "李娜" "$T_DIR/screen"; t_ok "... hiding the others" $?
# The last digits, as people remember them (issue 12): 9000 is 李娜's.
tmx a send-keys -t s Escape / 9000
wait_for a "a phone's last digits find the customer" "李娜 .*13900139000"
sleep 0.3
tmx a capture-pane -p -t s >"$T_DIR/screen"
! grep -q "王小明" "$T_DIR/screen"; t_ok "... and only that one" $?
tmx a send-keys -t s Escape / '*8000'
wait_for a "*8000 says so explicitly" "王小明 .*13800138000"
tmx a send-keys -t s Escape / 1390
wait_for a "a phone prefix finds by phone" "李娜"
tmx a send-keys -t s Enter Enter
wait_for a "Enter opens op2's customer" "李娜  #2"
tmx a send-keys -t s e
wait_for a "the edit form opens" "Edit customer"
tmx a send-keys -t s Tab Tab "改" F2
wait_for a "saving someone else's customer is refused, in words" "Not allowed: customer 2 belongs to op2"
tmx a capture-pane -p -t s | grep -q "customer.update"; t_ok "... not naming core's operation" $((! $?))

# The import screen: a preview before anything is written.
printf '姓名,手机号,城市\n新客户甲,13700000001,杭州\n新客户乙,13700000002,南京\n' >"$T_DIR/in.csv"
start c admin adminpw1 zh_CN.UTF-8
wait_for c "the admin's home, in Chinese" "导入客户"
tmx c send-keys -t s 6
wait_for c "the import screen" "文件"
tmx c send-keys -t s "$T_DIR/in.csv" F2
wait_for c "F2 previews the encoding" "预览: 2 行, utf-8"
wait_for c "... the mapping" "姓名 +-> name"
wait_for c "... and the first rows" "新客户甲"
simdeskctl --json customer list >"$T_DIR/o"
! grep -q 新客户甲 "$T_DIR/o"; t_ok "... having written nothing" $?
tmx c send-keys -t s F5
wait_for c "F5 imports" "已导入 2 位客户"
simdeskctl customer show 13700000002 >/dev/null; t_ok "... and they are there" $?

# A supervisor is told of the team's overdue tickets without asking.
printf 'tickets = { sla_hours = { complaint = 1; }; };\n' >"$T_DIR/sla.conf"
export SIMDESK_CONF="$T_DIR/sla.conf"
# The configuration is the server's: start it afresh, with no TUI left to
# start one of the old configuration when it reconnects.
for x in a b c; do tmx $x kill-server 2>/dev/null; done
t_stop_servers
T=$(as cashier cashierpw1 simdeskctl customer add --name 过期 --phone 13300001111 >/dev/null;
    as cashier cashierpw1 simdeskctl ticket add 13300001111 --type complaint --text 投诉)
as supervisor supervisorpw1 simdeskctl ticket assign "$T" operator
t_rc 0 "a complaint is not overdue within its hour" simdeskctl --json ticket list --overdue
t_nogrep "... none" "\"id\": $T," "$T_DIR/out"
# Two hours on (libfaketime; its pthread wrappers left alone, or Berkeley
# DB's shared mutexes break), it is.
# The clock is the server's: simdeskd runs two hours on for these.
later() { DONT_FAKE_MONOTONIC=1 faketime -f '+2h' "$@"; }
t_stop_servers
later simdeskd -f -D "$SIMDESK_DATA" 2>/dev/null &
t_server_wait "$SIMDESK_DATA"
t_rc 0 "two hours later it is overdue" simdeskctl --json ticket list --overdue
t_grep "... listed" "\"id\": $T," "$T_DIR/out"
t_grep "... flagged" '"overdue": true' "$T_DIR/out"
t_stop_servers
tmx d new-session -d -s s -x 110 -y 32 \
    "env LANG=C.UTF-8 SIMDESK_CONF=$T_DIR/sla.conf SIMDESK_DATA=$SIMDESK_DATA DONT_FAKE_MONOTONIC=1 faketime -f '+2h' $T_TOP/build/bin/simdesk -l; sleep 30"
sleep 0.6
tmx d send-keys -t s supervisor Tab supervisorpw1 Enter
wait_for d "... and the supervisor's title bar says so unasked" "tickets overdue 1"
tmx d send-keys -t s 5 T
wait_for d "... the tickets screen shows it in the team's list" "OVERDUE"
