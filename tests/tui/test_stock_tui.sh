#!/usr/bin/env bash
# test_stock_tui.sh -- the stock screens in tmux: the browser's counts and
# filters, selling a card from it to a new customer, the order queue
# (approve, ship, deliver with keys), the agent tree, a stocktake of
# scanned ICCIDs, an agent seeing only its branch, and a clean exit when
# the terminal hangs up.
. "$(dirname "$0")/../lib.sh"
t_tmp
t_seed || { t_ok "seed data" 1; exit 1; }
simdeskctl vas add CRBT --name 彩铃 --monthly-fee 5 >/dev/null
simdeskctl plan add P39 --name 39元卡 --monthly-fee 39 --vas CRBT >/dev/null
printf 'iccid,msisdn,plan,price,warehouse\n' >"$T_DIR/cards.csv"
i=0
for m in 13902715930 13905830261 13907341234 13909166041 13903508888 13904472517; do
	i=$((i + 1))
	printf '898600%013d,%s,P39,,南仓\n' "$i" "$m" >>"$T_DIR/cards.csv"
done
simdeskctl sim import "$T_DIR/cards.csv" >/dev/null
simdeskctl agent approve A1 >/dev/null		# t_seed's, with user "agent"
simdeskctl agent add B1 --name 华南总代 >/dev/null
simdeskctl agent approve B1 >/dev/null
ic() { simdeskctl --json sim show "$1" | grep -oE '"iccid": "[0-9]+"' | grep -oE '[0-9]{20}'; }
simdeskctl sim allocate --agent B1 "$(ic 13902715930)" >/dev/null
ORDER=$(as agent agentpw1 simdeskctl order add --plan P39 --count 2)

NSOCK=0
SOCK="simdesk-stock-$$-0"
tm() { tmux -L "$SOCK" "$@"; }
cleanup_tmux() { tm kill-server 2>/dev/null; t_cleanup; }
trap cleanup_tmux EXIT
start() {	# LOGIN PASSWORD
	tm kill-server 2>/dev/null
	NSOCK=$((NSOCK + 1))
	SOCK="simdesk-stock-$$-$NSOCK"
	tm new-session -d -s s -x 120 -y 32 \
	    "env LANG=C.UTF-8 LC_ALL=C.UTF-8 SIMDESK_DATA=$SIMDESK_DATA $T_TOP/build/bin/simdesk -l; echo EXITED \$?; sleep 30"
	sleep 0.3
	tm send-keys -t s "$1" Tab "$2" Enter
}
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
not_on_screen() {	# DESC REGEX
	sleep 0.3
	screen >"$T_DIR/screen"
	! grep -qE -- "$2" "$T_DIR/screen"; t_ok "$1" $?
}

# ---------------------------------------------------------------- browser
start admin adminpw1
wait_for "the admin's home has the stock menu" "Stock, agents and orders"
keys 8
wait_for "the stock menu" "Stock browser"
wait_for "... with the stocktake" "Stocktake"
keys 1
wait_for "the browser counts the cards per state" "all 6 +in_stock 5 +reserved 0 +allocated 1"
wait_for "... and lists them with grade and price" "13903508888 in_stock +P39 +AAAA +1000.00 南仓"
wait_for "... the selected card's details below" "batch -"
keys Tab
wait_for "Tab shows the cards in stock" "13903508888 in_stock"
not_on_screen "... and hides the allocated one" "13902715930"
keys x d
wait_for "d asks for a grade" "Grade \(empty: any\):"
keys AAAA Enter
wait_for "... the grade filter shows its count" "all 1 +in_stock 1"
wait_for "... and names the filter" "grade=AAAA"
not_on_screen "... hiding ordinary numbers" "13905830261"
keys x / 139055
not_on_screen "a number prefix typed after / narrows the list" "13903508888"
keys Escape

printf 'iccid,msisdn,plan,warehouse\n8986009000000000001,13800990001,P39,北仓\n' >"$T_DIR/more.csv"
keys i "$T_DIR/more.csv" Enter
wait_for "i imports cards from a file" "1 cards imported"
wait_for "... and the counts follow" "all 7 +in_stock 6"
printf 'iccid,msisdn,plan\n8986009000000000002,12345,P39\n' >"$T_DIR/bad.csv"
keys i "$T_DIR/bad.csv" Enter
wait_for "a bad file is refused, naming file:line and the field" "bad.csv:2: msisdn: '12345'"

# ---------------------------------------------------------------- sell from the browser
keys x
wait_for "cleared" "all 7"
keys Tab / 139044
wait_for "found by number" "13904472517"
keys Enter Enter
wait_for "Enter on a card in stock opens the sale with the card filled in" "Card \* +8986000000000000006[0-9]"
wait_for "... showing the card below the form" "13904472517 +plan P39"
keys 13300001111 Tab 新客户甲 F2
wait_for "F2 sells it to a new customer made from the phone and name" "Sold: subscription #[0-9]+, card 8986"
simdeskctl --json sim show 13904472517 >"$T_DIR/o"
grep -q '"status": "active"' "$T_DIR/o"; t_ok "... the card is active" $?
simdeskctl customer show 13300001111 >"$T_DIR/o" 2>&1
grep -q "新客户甲" "$T_DIR/o"; t_ok "... the customer exists" $?
keys 13905830261 Tab 13399999999 F2
wait_for "an unknown phone without a name is refused, naming the field" "customer: no customer 13399999999; type a name"
keys Escape y Escape Escape	# the form, the filter, the browser

# ---------------------------------------------------------------- orders
keys 3
wait_for "the order queue shows the agent's order" " $ORDER +A1 +P39 +2 +- +submitted"
keys a
wait_for "a approves: the value is filled in (an ABCD card at 300)" " $ORDER +A1 +P39 +2 +300.00 +approved"
keys s 顺丰 Enter SF123 Enter
wait_for "s ships with carrier and tracking number" "shipped .*顺丰 SF123"
keys d y
wait_for "d delivers" "Order $ORDER done"
not_on_screen "... and the delivered order leaves the queue" " $ORDER +A1 .*shipped"
keys Tab
wait_for "Tab shows every order, the delivered one too" " $ORDER +A1 .*delivered"
keys Escape

# ---------------------------------------------------------------- agent tree
keys 4
wait_for "the agent tree lists both branches" "B1 华南总代"
wait_for "... with the cards A1 holds now" "A1 华东总代 +approved +2 +0"
keys Escape

# ---------------------------------------------------------------- stocktake
keys 5
wait_for "the stocktake asks for the warehouse" "Warehouse: \(type its name"
keys '?'
wait_for "? opens the stocktake's help, not a typed ? (issue 12)" "the adjustments"
keys Escape
wait_for "... and any key comes back" "Warehouse: \(type its name"
keys 南仓 Enter
wait_for "... then takes scans" "Warehouse: 南仓"
keys 12345 Enter
wait_for "a bad scan is refused" "must have 19 or 20 digits"
keys C-u
keys BSpace BSpace BSpace BSpace BSpace "$(ic 13909166041)" Enter "$(ic 13909166041)" Enter "$(ic 13907341234)" Enter
wait_for "a repeated scan is counted, not added" "2 scanned, 1 scanned twice"
keys F5
wait_for "F5 compares with the books" "On the books 2, matched 1; missing 1, unexpected 0, wrong warehouse 0, wrong state 1"
wait_for "... naming the missing card" "missing +$(ic 13903508888) +in_stock 南仓"
wait_for "... and the card the agent holds" "wrong_state +$(ic 13907341234) +allocated 南仓 A1"
keys F2 y 盘亏 Enter
wait_for "F2 records the adjustments" "1 adjustments recorded"
simdeskctl --json sim show 13903508888 >"$T_DIR/o"
grep -q '"status": "terminated"' "$T_DIR/o"; t_ok "... the missing card is written off" $?
keys Escape y Escape q
sleep 0.3

# ---------------------------------------------------------------- the agent's view
start agent agentpw1
agent_from=$(date +%s)
wait_for "the agent's home has the stock menu" "Stock, agents and orders"
keys 1
wait_for "the agent's stock menu" "Stock browser"
keys 1
wait_for "the agent sees its own cards" "all 2 +in_stock 0 +reserved 0 +allocated 2"
not_on_screen "... never another branch's" "13902715930"
keys Escape 3 n P39 Enter 1 Enter
wait_for "the agent orders one more card with n" "Order [0-9]+ submitted"
wait_for "... it waits in its queue" "A1 +P39 +1 +- +submitted"
# Keys are offered only to roles core lets use them (issue 12).
tm capture-pane -p -t s | tail -1 >"$T_DIR/bar"
grep -q "n New" "$T_DIR/bar" && ! grep -qE "Approve|Ship|Deliver" "$T_DIR/bar"
t_ok "the agent's order queue offers New, not Approve, Ship or Deliver ($(cat "$T_DIR/bar"))" $?
keys d
wait_for "... d says it is not for the agent" "That key is not for your role"
simdeskctl audit list --user agent --op order >"$T_DIR/o"
! grep -q denied "$T_DIR/o"; t_ok "... and asks core nothing (no refusal audited)" $?
keys Escape
wait_for "the stock menu again" "Agent tree"
not_on_screen "an agent has no stocktake" "Stocktake"
# An agent has no reminders: its TUI must not ask for them every 2 s and
# fill the audit trail with refusals (issue 12).  Give it 5 s at least.
while [ $(( $(date +%s) - agent_from )) -lt 5 ]; do sleep 0.5; done
simdeskctl audit list --user agent --op note.list >"$T_DIR/o"
n=$(grep -c denied "$T_DIR/o")
[ "$n" -eq 0 ]; t_ok "the agent's open TUI is not refused reminders over and over ($n refusals audited)" $?

# ---------------------------------------------------------------- hang up
pid=$(tm list-panes -F '#{pane_pid}')
sim=$(pgrep -P "$pid" -f build/bin/simdesk)
kill -HUP "$sim"
wait_for "a hangup leaves simdesk cleanly (exit 0)" "EXITED 0"
t_rc 0 "... and the next program opens the data at once" timeout 10 simdeskctl verify
