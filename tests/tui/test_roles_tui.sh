#!/usr/bin/env bash
# test_roles_tui.sh -- who is offered which key (issue 14): a key that does
# what a simdeskctl command does takes its label and its roles from that
# command's row, as simdeskctl's help and dispatch do; the others name the
# operation they need.  For each role, the help screen of the screens it
# opens lists the keys its role may use and no other: an agent is not
# offered Approve or Ship, an admin is; a cashier on a customer's card is
# offered a ticket but no note, edit, claim or dial; a supervisor may
# unlock users but not add or edit them; only an admin sets a rate; a
# cashier counts the shelves but does not book the differences.  A key not
# offered says so and asks core nothing.
. "$(dirname "$0")/../lib.sh"
t_tmp
t_seed || { t_ok "seed data" 1; exit 1; }
: >"$T_DIR/simdesk.conf"	# tui_session's SIMDESK_CONF: the defaults
export SIMDESK_CONF="$T_DIR/simdesk.conf"
simdeskctl agent approve A1 >/dev/null
as operator operatorpw1 simdeskctl customer add --name 角色甲 \
    --phone 13600001111 >/dev/null
simdeskctl tariff add STD --name 标准 >/dev/null
t_ok "a customer, a tariff and an approved agent" $?

TUI_SOCK="simdesk-roles-$$"
cleanup_tmux() { tm kill-server 2>/dev/null; t_cleanup; }
trap cleanup_tmux EXIT
# signin LOGIN PASSWORD [LANG]: simdesk -l in a 120x50 session named
# LOGIN (LOGIN-zh with a LANG), W, signing in.
signin() {
	W=$1${3:+-zh}
	tm new-session -d -s "$W" -x 120 -y 50 \
	    "env LANG=${3:-C.UTF-8} LC_ALL=${3:-C.UTF-8} TZ=Asia/Shanghai SIMDESK_CONF=$SIMDESK_CONF SIMDESK_DATA=$SIMDESK_DATA $T_TOP/build/bin/simdesk -l; echo EXITED \$?; sleep 30"
	wait_for "$1: the login screen" "Log in|登录" 300 || exit 1
	keys "$1" Tab "$2" Enter
}
pick() {	# LABEL: the menu entry's number key
	local n
	n=$(screen | grep -oE "[0-9]  $1" | head -1 | cut -c1)
	keys "$n"
}
# help_of DESC: the screen's help, its key list kept in $T_DIR/help.
help_of() {
	keys '?'
	wait_for "$1" "Press any key to go back|按任意键返回" 300 || return 1
	screen >"$T_DIR/help"
	keys Escape
	wait_gone "... help closed" "Press any key to go back|按任意键返回" 300
}
offered() {	# DESC KEYNAME LABEL: the help lists KEYNAME LABEL
	if grep -qE "^ +$2 +$3 *\$" "$T_DIR/help"; then t_ok "$1" 0; else
		echo "# $1: '$2 $3' not among the keys:"
		sed 's/^/#   |/' "$T_DIR/help"
		t_ok "$1" 1
	fi
}
not_offered() {	# DESC KEYNAME LABEL
	if grep -qE "^ +$2 +$3 *\$" "$T_DIR/help"; then
		echo "# $1: '$2 $3' among the keys:"
		sed 's/^/#   |/' "$T_DIR/help"
		t_ok "$1" 1
	else t_ok "$1" 0; fi
}

# ---------------------------------------------------------------- orders
signin agent agentpw1
wait_for "the agent's home" "Stock, agents and orders" 300
pick "Stock, agents and orders"
wait_for "... its stock menu" "Orders" 300
pick "Orders"
wait_for "... its orders" "open orders" 300
help_of "the agent's orders help"
offered "an agent is offered New (order add's label)" n New
offered "... and Reject/cancel" x "Reject/cancel"
not_offered "... not Approve (order approve: admin, supervisor)" a Approve
not_offered "... not Ship" s Ship
not_offered "... not Deliver" d Deliver
not_offered "... nor Pause/available (no incoming calls for agents)" F8 "Pause/available"
keys s
wait_for "s: not for the agent's role" "That key is not for your role" 300
keys a
wait_for "... nor a" "That key is not for your role" 300
simdeskctl audit list --user agent --op order >"$T_DIR/o"
! grep -q denied "$T_DIR/o"; t_ok "... and core was asked nothing (no refusal audited)" $?

signin admin adminpw1
wait_for "the admin's home" "Stock, agents and orders" 300
pick "Stock, agents and orders"
wait_for "... the stock menu" "Orders" 300
pick "Orders"
wait_for "... the orders" "open orders" 300
help_of "the admin's orders help"
offered "an admin is offered Approve" a Approve
offered "... Ship" s Ship
offered "... Deliver" d Deliver
offered "... New" n New
offered "... Reject/cancel" x "Reject/cancel"
not_offered "... but not Pause/available (calls go to operators and supervisors)" F8 "Pause/available"
keys Escape
wait_for "... the stock menu again" "Stocktake" 300
keys Escape
wait_for "... home again" "User administration" 300

# ---------------------------------------------------------------- users
pick "User administration"
wait_for "the admin's users" "supervisor" 300
help_of "the admin's users help"
offered "an admin is offered Add (user add)" a Add
offered "... Edit (user update)" Enter Edit
offered "... Disable/enable" d "Disable/enable"
offered "... Unlock" u Unlock
offered "... Reset password" p "Reset password"
offered "... Transfer customers (customer transfer)" t "Transfer customers"
keys Escape
wait_for "... home again" "User administration" 300
pick "Billing and payments"
wait_for "the admin's billing menu" "Tariffs" 300
pick "Tariffs"
wait_for "... the tariffs" "STD" 300
help_of "the admin's tariffs help"
offered "an admin is offered Set a rate (tariff rate)" a "Set a rate"
offered "... and Quote (tariff quote)" Q Quote

signin supervisor supervisorpw1
wait_for "the supervisor's home" "User administration" 300
pick "User administration"
wait_for "the supervisor's users" "cashier" 300
help_of "the supervisor's users help"
offered "a supervisor is offered Unlock (user unlock)" u Unlock
offered "... and Transfer customers" t "Transfer customers"
not_offered "... not Add (user add: admin)" a Add
not_offered "... not Edit (user update: admin)" Enter Edit
not_offered "... not Disable/enable" d "Disable/enable"
not_offered "... not Reset password" p "Reset password"
offered "... and Pause/available, taking calls" F8 "Pause/available"
keys Enter
wait_for "Enter: not for the supervisor's role" "That key is not for your role" 300
keys Escape
wait_for "... home again" "Billing and payments" 300
pick "Billing and payments"
wait_for "the supervisor's billing menu" "Tariffs" 300
pick "Tariffs"
wait_for "... the tariffs" "STD" 300
help_of "the supervisor's tariffs help"
offered "a supervisor is offered Quote" Q Quote
not_offered "... not Set a rate (tariff rate: admin)" a "Set a rate"
keys Escape
wait_for "... the billing menu again" "Call records" 300
keys Escape
wait_for "... home again" "Stock, agents and orders" 300
pick "Stock, agents and orders"
wait_for "... the stock menu" "Stocktake" 300
pick "Stocktake"
wait_for "the supervisor's stocktake" "Warehouse" 300
help_of "the supervisor's stocktake help"
offered "a supervisor is offered Compare (sim stocktake)" F5 Compare
offered "... and Apply (sim.adjust)" F2 Apply

# ---------------------------------------------------------------- customers
signin cashier cashierpw1
wait_for "a cashier starts at the payment desk" "Close shift" 300
keys Escape
wait_for "... Esc: the cashier's home" "Find a customer" 300
pick "Find a customer"
wait_for "the cashier's customer list" "角色甲" 300
help_of "the cashier's customer list help"
offered "a cashier is offered Add (customer add)" a Add
not_offered "... not Claim (customer claim)" c Claim
not_offered "... not Dial (call dial)" d Dial
keys Enter
wait_for "the customer's card" "Next contact" 300
help_of "the cashier's card help"
offered "a cashier is offered Ticket (ticket add)" t Ticket
not_offered "... not Note (note add)" n Note
not_offered "... not Edit (customer update)" e Edit
not_offered "... not Claim" c Claim
not_offered "... not Move (customer transfer)" o Move
not_offered "... not Dial" d Dial
keys e
wait_for "e: not for the cashier's role" "That key is not for your role" 300
keys Escape
wait_for "... the list again" "角色甲" 300
keys Escape
wait_for "... home again" "Stock, agents and orders" 300
pick "Stock, agents and orders"
wait_for "the cashier's stock menu" "Stocktake" 300
pick "Stocktake"
wait_for "the cashier's stocktake" "Warehouse" 300
help_of "the cashier's stocktake help"
offered "a cashier is offered Compare" F5 Compare
not_offered "... not Apply (booking the differences: supervisor)" F2 Apply

signin operator operatorpw1
wait_for "the operator's home" "Find a customer" 300
pick "Find a customer"
wait_for "the operator's customer list" "角色甲" 300
keys Enter
wait_for "... its customer's card" "Next contact" 300
help_of "the operator's card help"
offered "an operator is offered Note" n Note
offered "... Edit" e Edit
offered "... Dial" d Dial
offered "... Ticket" t Ticket
not_offered "... not Move (supervisors and admins)" o Move
offered "... and Pause/available" F8 "Pause/available"

# ---------------------------------------------------------------- zh_CN
signin admin adminpw1 zh_CN.UTF-8
wait_for "the admin in Chinese" "号卡、代理与订单" 300
pick "号卡、代理与订单"
wait_for "... the stock menu" "订单" 300
pick "订单"
wait_for "... the orders" "待办订单|全部订单" 300
help_of "the admin's orders help in Chinese"
offered "the table's label, translated: a 批准 (Approve)" a 批准
offered "... s 发货 (Ship)" s 发货
