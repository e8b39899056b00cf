#!/usr/bin/env bash
# test_i18n_tui.sh -- core's refusals and errors in the user's language
# (issue 12): under zh_CN an operator editing another operator's customer,
# a phone that is no mobile number and a phone already on file are told in
# Chinese, the reason and the values it names, on the message line and
# beside the field; under LANG=C the same in English; the audit trail and
# the CLI keep the English.
. "$(dirname "$0")/../lib.sh"
t_tmp
t_seed || { t_ok "seed" 1; exit 1; }
SIMDESK_NEW_PASSWORD=op2pw1234 simdeskctl user add op2 --role operator --team east --name 孙伟 >/dev/null
as operator operatorpw1 simdeskctl customer add --name 王小明 --phone 13800138000 >/dev/null
as op2 op2pw1234 simdeskctl customer add --name 李娜 --phone 13900139000 >/dev/null

TUI_SOCK="simdesk-i18n-$$"
cleanup_tmux() { tm kill-server 2>/dev/null; t_cleanup; }
trap cleanup_tmux EXIT
start() {	# NAME LANG
	tm new-session -d -s "$1" -x 100 -y 30 \
	    "env LANG=$2 LC_ALL=$2 SIMDESK_DATA=$SIMDESK_DATA $T_TOP/build/bin/simdesk -l; echo EXITED \$?; sleep 30"
}

# Each language: the refusal on op2's customer, then a new customer with a
# phone that is no mobile number, then with 王小明's phone.
for lang in zh_CN.UTF-8 C.UTF-8; do
	W=${lang%%_*}; W=${W%%.*}
	start "$W" "$lang"
	case $lang in
	zh*)	home="查找客户" edit="编辑客户" new="新客户"
		deny="不允许：客户 2 属于 op2"
		mobile="'1391234' 不是手机号码：11 位数字，以 13 到 19 开头"
		dup="电话：13800138000 已属于客户 1 王小明（归属 operator）"
		dupfield="^ +13800138000 已属于客户 1 王小明（归属 operator）"
		english="belongs to|is not a mobile number" ;;
	*)	home="Find a customer" edit="Edit customer" new="New customer"
		deny="Not allowed: customer 2 belongs to op2"
		mobile="'1391234' is not a mobile number: 11 digits starting 13 to 19"
		dup="phone: 13800138000 already belongs to customer 1 王小明 \(owner operator\)"
		dupfield="^ +13800138000 already belongs to customer 1 王小明 \(owner operator\)"
		english="属于|不是手机号码" ;;
	esac
	wait_for "$lang: the login screen" "Log in|登录" 300 || continue
	keys operator Tab operatorpw1 Enter
	wait_for "$lang: the operator's home" "$home" 300 || continue
	keys 3
	wait_for "$lang: every customer listed" "李娜" 300
	keys / 1390
	wait_for "$lang: op2's customer found by phone" "李娜 .*13900139000" 300
	keys Enter Enter
	wait_for "$lang: her card" "李娜  #2" 300
	keys e
	wait_for "$lang: the edit form" "$edit" 300
	keys Tab Tab "改" F2
	wait_for "$lang: simdeskd's refusal, its reason in the language" "$deny" 300
	screen | grep -qE "customer\.update|permission denied"
	t_ok "$lang: ... not naming core's operation" $((! $?))
	keys Escape
	wait_for "$lang: Esc asks before dropping the change" "\(y/n\)" 300
	keys y
	wait_for "$lang: back on the card" "李娜  #2" 300
	keys Escape
	wait_for "$lang: back on the list" "李娜 .*13900139000" 300
	keys a
	wait_for "$lang: a new customer's form" "$new" 300
	keys 张三 Tab 1391234 F2
	wait_for "$lang: a phone that is no mobile number, said in the language" "$mobile" 300
	for _ in 1 2 3 4 5 6 7; do keys BSpace; done
	keys 13800138000 F2
	wait_for "$lang: a phone on file, with its customer and owner" "$dup" 300
	wait_for "$lang: ... beside the phone field, without the field's name" "$dupfield" 300
	screen >"$T_DIR/screen"
	! grep -qE -- "$english" "$T_DIR/screen"
	t_ok "$lang: ... and nothing of the other language on the screen" $?
	tm kill-session -t "$W" 2>/dev/null
done

# The English stays where it was: the audit trail and the CLI.
simdeskctl audit list --user operator >"$T_DIR/audit"
t_grep "the audit trail keeps the refusal's reason in English" \
    "customer\.update +customer:2 +denied .*customer 2 belongs to op2" "$T_DIR/audit"
LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 t_rc 6 "simdeskctl refuses the phone on file" \
    as operator operatorpw1 simdeskctl customer add --name 张三 --phone 13800138000
t_grep "... in English, whatever the locale" \
    "phone: 13800138000 already belongs to customer 1 王小明 \(owner operator\)" "$T_DIR/err"
