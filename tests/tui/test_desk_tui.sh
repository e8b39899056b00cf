#!/usr/bin/env bash
# test_desk_tui.sh -- the cashier's payment desk in tmux: a cashier starts
# there, finds a customer by phone, sees the balance and unpaid bill, takes
# the payment with F2, Enter and a method key, the receipt printed (ESC/POS
# to the configured printer, and on screen), a reprint says COPY, the
# customer's own view behind their service password, the shift close.
. "$(dirname "$0")/../lib.sh"
t_tmp
t_seed || { t_ok "seed data" 1; exit 1; }
export TZ=Asia/Shanghai
printf 'printers = { counter = "%s"; };\nreceipts = { series = "A"; header = "星光营业厅"; printer = "counter"; };\n' "$T_DIR/printer.bin" >"$T_DIR/simdesk.conf"
export SIMDESK_CONF="$T_DIR/simdesk.conf"
simdeskctl tariff add STD --name 标准 >/dev/null
simdeskctl tariff rate STD 1 --per-minute 0.15 --bundle >/dev/null
simdeskctl plan add P39 --name 39元卡 --monthly-fee 39 --tariff STD >/dev/null
printf 'iccid,msisdn,plan,price\n8986007000000000001,13900001111,P39,50\n' >"$T_DIR/c.csv"
simdeskctl sim import "$T_DIR/c.csv" >/dev/null
as operator operatorpw1 simdeskctl customer add --name 柜台客户 --phone 13600001111 >/dev/null
SIMDESK_NEW_PASSWORD=svc12345 simdeskctl customer passwd 13600001111 >/dev/null
simdeskctl sim activate 13900001111 --customer 13600001111 --date 2026-11-01 >/dev/null
simdeskctl bill run 2026-11 >/dev/null

# simdeskd drives the printer.
"$T_TOP/build/bin/simdeskd" -f >"$T_DIR/daemon.log" 2>&1 &
DAEMON=$!
SOCK="simdesk-desk-$$"
tm() { tmux -L "$SOCK" "$@"; }
cleanup_tmux() { tm kill-server 2>/dev/null; kill "$DAEMON" 2>/dev/null; wait "$DAEMON" 2>/dev/null; t_cleanup; }
trap cleanup_tmux EXIT
tm new-session -d -s s -x 120 -y 32 \
    "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=$TZ SIMDESK_CONF=$SIMDESK_CONF SIMDESK_DATA=$SIMDESK_DATA $T_TOP/build/bin/simdesk -l; echo EXITED \$?; sleep 30"
screen() { tm capture-pane -p -t s; }
keys() { tm send-keys -t s "$@"; }
wait_for() {	# DESC REGEX
	for _ in $(seq 50); do
		screen >"$T_DIR/screen"
		grep -qE -- "$2" "$T_DIR/screen" && { t_ok "$1" 0; return 0; }
		sleep 0.1
	done
	echo "# $1: /$2/ not on screen:"; sed 's/^/#   |/' "$T_DIR/screen"
	t_ok "$1" 1
	return 1
}

sleep 0.3
keys cashier Tab cashierpw1 Enter
wait_for "a cashier starts at the payment desk" "Phone or customer id:"
keys '?'
wait_for "? opens the desk's help, not a typed ? (issue 12)" "marked COPY"
keys Escape
wait_for "... and any key comes back" "Phone or customer id:"
t_nogrep "... with no ? typed into the phone" "Phone or customer id: *[^ _]" "$T_DIR/screen"
keys 13600001111 Enter
wait_for "the phone finds the customer" "#1  柜台客户  13600001111"
wait_for "... the balance and the unpaid bill" "Balance -89.00 +unpaid bills 1 \(89.00\)"
wait_for "... that the service is suspended" "Service suspended for debt"
wait_for "... the bill's line: plan 39 + the card 50" "2026-11 +39元卡 .* 89.00 +0.00 +89.00"
keys F2
wait_for "F2 asks the amount, what is due filled in" "Amount in yuan \(Enter: what is due\): 89.00_"
# A bad amount is refused as Enter leaves it, before the method (issue 12).
keys BSpace BSpace BSpace BSpace BSpace abc Enter
wait_for "a bad amount is refused at once" "abc_  amount: 'abc' is not an amount in yuan \(like 50 or 12.50\)"
not_on "... not asking the method" "Method: 1 cash" 1
keys BSpace BSpace BSpace 99999999 Enter
wait_for "too much says what the limit is" "amount: 99999999 is over the limit of 1000000.00 yuan"
keys BSpace BSpace BSpace BSpace BSpace BSpace BSpace BSpace 89.00 Enter
wait_for "... then the method" "Method: 1 cash"
keys 3
wait_for "three keys take the payment" "Receipt A00000001: 89.00 received"
wait_for "... the receipt shows on the right" "收据 RECEIPT"
wait_for "... with the shop's name" "星光营业厅"
wait_for "... the balance is settled" "Balance 0.00 +unpaid bills 0"
wait_for "... nothing unpaid" "Nothing unpaid"
for _ in $(seq 50); do [ -s "$T_DIR/printer.bin" ] && break; sleep 0.1; done
[ "$(head -c 4 "$T_DIR/printer.bin" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 1b401c26 ]; t_ok "... simdeskd printed it as ESC/POS on the counter's printer" $?
grep -q "print.done" <(simdeskctl audit list --op print) ; t_ok "... and audited the print" $?
simdeskctl --json sim show 13900001111 >"$T_DIR/o"
grep -q '"status": "active"' "$T_DIR/o"; t_ok "... and the card is back in service (复机)" $?
keys F3
wait_for "F3 reprints, marked COPY" "COPY"
keys F4 wrongpw Enter
wait_for "F4: a wrong service password is refused" "service password: does not match"
keys F4 svc12345 Enter
wait_for "... the right one shows the customer their account" "Your account"
wait_for "... their bills" "2026-11 +39元卡"
keys Escape
wait_for "Esc returns to the cashier" "Phone or customer id: _"
keys F5
wait_for "F5 shows the shift's report before closing it" "Shift so far \(not closed\)"
wait_for "... the receipts" "Receipts A00000001\.\.A00000001: 1"
wait_for "... each method's takings" "WeChat +89\.00"
wait_for "... and the cash expected in the drawer" "Cash expected: 0\.00"
keys lots Enter
wait_for "a count that is not an amount is refused at once" "counted: 'lots' is not an amount in yuan"
keys BSpace BSpace BSpace BSpace 5 Enter
wait_for "... the count and the difference" "Difference: +5\.00"
wait_for "... then it asks to confirm" "Close the shift with these figures\? \(y/n\)"
keys n
wait_for "n: the shift stays open" "The shift stays open"
simdeskctl audit list --op shift.close >"$T_DIR/o"
t_nogrep "... nothing closed" "shift.close" "$T_DIR/o"
keys F5
wait_for "F5 again" "Cash counted in the drawer"
keys 0 Enter
wait_for "... asks to confirm" "Close the shift with these figures\?"
keys y
wait_for "y closes the shift, counting the drawer" "Shift closed: 1 receipts \(0 void\); cash 0.00 card 0.00 WeChat 89.00"
wait_for "... the report says closed" "Shift closed *$"
keys 13699999999 Enter
wait_for "an unknown phone says so" "customer: no customer 13699999999"
keys Escape Escape
wait_for "Esc twice: the home menu, billing in it" "Billing and payments"
simdeskctl audit list --op customer.svc_check >"$T_DIR/o"
grep -q "denied" "$T_DIR/o" && grep -q "matched" "$T_DIR/o"; t_ok "service password checks are audited, both ways" $?
t_rc 0 "verify holds" simdeskctl verify

# ---------------------------------------------------------------- receipts
# The day's receipts (issue 12): the cashier's own, a day at a time;
# voiding is a supervisor's (below, at 80x24).
pick() {	# LABEL: the menu entry's number key
	local n
	n=$(screen | grep -oE "[0-9]  $1" | head -1 | cut -c1)
	keys "$n"
}
pick "Billing and payments"
wait_for "the billing menu" "Receipts"
pick "Receipts"
wait_for "Receipts: the cashier's day" "cashier on [0-9-]{10}: 1 receipts, 89\.00 taken"
wait_for "... each receipt with its time, customer, amount, method" "A00000001 +[0-9]{2}:[0-9]{2} +柜台客户 +89\.00 wechat"
keys v
wait_for "... voiding is not the cashier's" "That key is not for your role"
keys Left
wait_for "← the day before: none" "No receipts on this day"
keys Right
wait_for "→ back to today" "A00000001 "
keys Escape Escape
wait_for "Esc, Esc: home" "Billing and payments"
t_rc 0 "receipt list (CLI): a supervisor lists the cashier's day" \
    as supervisor supervisorpw1 simdeskctl receipt list --cashier cashier
t_grep "... the receipt" "^A00000001 .* 柜台客户 +89\.00 +wechat" "$T_DIR/out"
t_grep "... and the day's takings" "^1 receipts, 89\.00 taken" "$T_DIR/out"
t_rc 4 "... a cashier may not list another's (4)" \
    as cashier cashierpw1 simdeskctl receipt list --cashier supervisor
t_rc 5 "... a day that is not a date is refused (5)" \
    as cashier cashierpw1 simdeskctl receipt list --day 2026-13-01
t_grep "... naming the field" "day: '2026-13-01' is not a date" "$T_DIR/err"

# ---------------------------------------------------------------- 80x24
# At 80x24 (issue 12): the bill's line keeps its Due column, and the
# receipt, with no room on the right, shows below the bills.
simdeskctl bill run 2026-12 >/dev/null
tm kill-server 2>/dev/null
SOCK="simdesk-desk80-$$"
tm new-session -d -s s -x 80 -y 24 \
    "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=$TZ SIMDESK_CONF=$SIMDESK_CONF SIMDESK_DATA=$SIMDESK_DATA $T_TOP/build/bin/simdesk -l; echo EXITED \$?; sleep 30"
wait_for "80x24: the login screen" "Log in"
keys cashier Tab cashierpw1 Enter
wait_for "80x24: the payment desk" "Phone or customer id:"
keys 13600001111 Enter
wait_for "80x24: the bill's line shows what is due, last column and all" "2026-12 +39元卡 +0.00 +0.00 +39.00 +0.00 +39.00 *$"
keys F2 Enter 1
wait_for "80x24: cash asks what the customer hands over" "Cash received \(Enter: exact\):"
keys 30 Enter
wait_for "... less than the amount is refused at once" "received: 30 is less than 39\.00"
keys BSpace BSpace 50 Enter
wait_for "80x24: the payment is taken, with the change due" "39.00 received\. Change due: 11\.00\."
wait_for "80x24: the receipt shows below the bills" "收据 RECEIPT"
wait_for "... with its number" "No\. +A00000002"

# A supervisor voids a receipt from the Receipts screen (issue 12), at
# 80x24: a reason, a confirmation; the number stays, the takings drop.
# (A tmux server of its own: a new session on one being killed may die.)
tm kill-server 2>/dev/null
SOCK="simdesk-desksup-$$"
tm new-session -d -s s -x 80 -y 24 \
    "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=$TZ SIMDESK_CONF=$SIMDESK_CONF SIMDESK_DATA=$SIMDESK_DATA $T_TOP/build/bin/simdesk -l; echo EXITED \$?; sleep 30"
wait_for "a supervisor's login screen" "Log in"
keys supervisor Tab supervisorpw1 Enter
wait_for "the supervisor's home" "Billing and payments"
pick "Billing and payments"
wait_for "the billing menu" "Receipts"
pick "Receipts"
wait_for "Receipts: the supervisor's own day first" "supervisor on [0-9-]{10}: 0 receipts"
keys c
wait_for "c asks whose" "Whose receipts"
for _ in $(seq 12); do keys BSpace; done
keys cashier Enter
wait_for "... the cashier's day" "cashier on [0-9-]{10}: 2 receipts, 128\.00 taken"
keys v
wait_for "v asks the reason" "Void receipt A00000001: the reason:"
keys 重复收费 Enter
wait_for "... then to confirm" "Void A00000001 \(a reversing posting; the number stays used\)\? \(y/n\)"
keys y
wait_for "y voids it" "Receipt A00000001 is void\."
wait_for "... listed still, with the reason" "A00000001 .*void: 重复收费"
wait_for "... and the day's takings without it" "2 receipts, 39\.00 taken"
simdeskctl audit list --op receipt.void >"$T_DIR/o"
t_grep "... audited" "receipt.void.*A00000001" "$T_DIR/o"
t_rc 0 "... verify holds (a reversing posting, receipts gapless)" simdeskctl verify
