#!/usr/bin/env bash
# test_stock.sh -- plans, value-added services, agents (a tree; an agent
# user sees only their branch) and SIM stock (Luhn, MSISDN, grades, the
# state machine's refusals, all-or-nothing imports) through simdeskctl.
. "$(dirname "$0")/../lib.sh"
t_tmp
t_seed || { t_ok "seed" 1; exit 1; }
AG="as agent agentpw1"

# ---------------------------------------------------------------- plans
t_rc 0 "a value-added service" simdeskctl vas add CRBT --name 彩铃 --monthly-fee 5
t_rc 6 "... not twice" simdeskctl vas add CRBT --name 彩铃 --monthly-fee 5
t_rc 5 "a fee that is not money" simdeskctl vas add X --name x --monthly-fee 5.555
t_rc 0 "a plan" simdeskctl plan add P39 --name 39元畅聊 --monthly-fee 39 --minutes 100 --sms 50 --vas CRBT
[ "$(cat "$T_DIR/out")" = P39 ]; t_ok "... prints its code" $?
t_rc 5 "a plan allowing an unknown service" simdeskctl plan add P59 --name x --monthly-fee 59 --vas NOPE
t_grep "... names it" "no value-added service NOPE" "$T_DIR/err"
t_rc 4 "an operator may not add plans" as operator operatorpw1 simdeskctl plan add P9 --name x --monthly-fee 9
t_rc 0 "plan show --json" simdeskctl --json plan show P39
t_grep "... money in fen" '"monthly_fee_fen": 3900' "$T_DIR/out"
t_grep "... its services" '"CRBT"' "$T_DIR/out"
t_rc 0 "plan update" simdeskctl plan update P39 --minutes 200
t_rc 0 "a second plan, retired" simdeskctl plan add OLD --name 旧套餐 --monthly-fee 19
t_rc 0 "... retire" simdeskctl plan retire OLD
t_rc 6 "... not twice" simdeskctl plan retire OLD

# ---------------------------------------------------------------- agents
t_rc 0 "a child agent" simdeskctl agent add A1-1 --name 杭州二级 --parent A1 --credit-limit 5000
t_rc 0 "a grandchild" simdeskctl agent add A1-1-1 --name 西湖门店 --parent A1-1
t_rc 0 "another branch" simdeskctl agent add B1 --name 华南总代
t_rc 5 "an unknown parent" simdeskctl agent add X --name x --parent NOPE
t_rc 0 "approve" simdeskctl agent approve A1-1
t_rc 6 "... not twice" simdeskctl agent approve A1-1
t_rc 0 "agent show --json" simdeskctl --json agent show A1-1
for k in code parent status; do t_grep "... has $k" "\"$k\":" "$T_DIR/out"; done
t_grep "... approved" '"status": "approved"' "$T_DIR/out"
t_rc 0 "agent tree" simdeskctl agent tree
t_grep "... indents children" "^    A1-1 杭州二级" "$T_DIR/out"
t_grep "... and grandchildren" "^        A1-1-1 西湖门店" "$T_DIR/out"
t_rc 0 "an agent user's tree is their branch" $AG simdeskctl agent tree
t_nogrep "... without the other branch" "B1" "$T_DIR/out"
t_grep "... with their own" "A1-1-1" "$T_DIR/out"
t_rc 4 "an agent asking for another branch is refused (4)" $AG simdeskctl agent show B1
t_grep "... audited" "agent.show" <(simdeskctl audit list --user agent --op agent)
t_rc 5 "a user of role agent needs --agent" env SIMDESK_NEW_PASSWORD=secret12 simdeskctl user add ag2 --role agent
t_rc 5 "... an existing one" env SIMDESK_NEW_PASSWORD=secret12 simdeskctl user add ag2 --role agent --agent NOPE

# ---------------------------------------------------------------- cards
t_rc 0 "a 19-digit ICCID gets its check digit" simdeskctl sim add --iccid 8986001234567890123 --msisdn 13912348888 --plan P39
[ "$(cat "$T_DIR/out")" = 89860012345678901238 ]; t_ok "... printed whole" $?
t_grep "... and says so" "check digit 8 appended" "$T_DIR/err"
t_rc 0 "a valid 20-digit one" simdeskctl sim add --iccid 89014103211118510720 --msisdn 13902715930 --plan P39 --price 50 --warehouse 杭州仓
t_rc 5 "a Luhn failure (5)" simdeskctl sim add --iccid 89014103211118510721 --msisdn 13902715931 --plan P39
t_grep "... with the right digit" "should be 0" "$T_DIR/err"
t_rc 5 "a bad MSISDN" simdeskctl sim add --iccid 8986001234567890124 --msisdn 12345678901 --plan P39
t_rc 6 "a duplicate ICCID (6)" simdeskctl sim add --iccid 89014103211118510720 --msisdn 13902715939 --plan P39
t_rc 6 "a duplicate MSISDN" simdeskctl sim add --iccid 8986001234567890124 --msisdn 13902715930 --plan P39
t_rc 6 "a retired plan cannot be sold" simdeskctl sim add --iccid 8986001234567890124 --msisdn 13902715931 --plan OLD
t_rc 0 "sim show by MSISDN --json" simdeskctl --json sim show 13912348888
for k in iccid msisdn status agent plan grade; do t_grep "... has $k" "\"$k\":" "$T_DIR/out"; done
t_grep "... graded AAAA" '"grade": "AAAA"' "$T_DIR/out"
t_grep "... priced at the grade's premium" '"price_fen": 100000' "$T_DIR/out"
t_grep "... in stock" '"status": "in_stock"' "$T_DIR/out"
t_rc 0 "sim grade explains" simdeskctl sim grade 13912348888
t_grep "... the rule" "tail AAAA" "$T_DIR/out"
t_rc 0 "sim list --grade" simdeskctl --json sim list --grade AAAA
[ "$(grep -c '"iccid"' "$T_DIR/out")" -eq 1 ]; t_ok "... one card" $?
t_rc 0 "sim list --warehouse" simdeskctl --json sim list --warehouse 杭州仓
t_grep "... that card" '89014103211118510720' "$T_DIR/out"
t_rc 6 "a card in stock cannot be suspended (6)" simdeskctl sim suspend 89014103211118510720 --reason x
t_grep "... naming both states" "is in_stock: it cannot become suspended" "$T_DIR/err"
t_rc 2 "terminating needs a reason (usage)" simdeskctl sim terminate 89014103211118510720
t_rc 6 "a card in stock cannot be resumed" simdeskctl sim resume 89014103211118510720 --reason x
t_rc 4 "an agent cannot see stock outside their branch" $AG simdeskctl sim show 13912348888
t_rc 0 "... and lists none of it" $AG simdeskctl --json sim list
[ "$(grep -c '"iccid"' "$T_DIR/out")" -eq 0 ]; t_ok "... (empty)" $?

# ---------------------------------------------------------------- import
printf 'iccid,msisdn,plan,batch\n8986001111222233334,13800001111,P39,B1\n8986001111222233335,13800002222,P39,B1\n' >"$T_DIR/ok.csv"
t_rc 0 "a stock import" simdeskctl sim import "$T_DIR/ok.csv"
t_grep "... two" "imported 2" "$T_DIR/out"
before=$(simdeskctl --json sim list | grep -c '"iccid"')
printf 'iccid,msisdn,plan\n8986002222333344445,13800003333,P39\n8986002222333344446,13800003333,P39\n8986002222333344447,13800004444,NOPE\n' >"$T_DIR/bad.csv"
t_rc 5 "a bad row refuses the file" simdeskctl sim import "$T_DIR/bad.csv"
t_grep "... naming file:line" "bad.csv:3: msisdn: 13800003333 is already on another card" "$T_DIR/err"
[ "$(simdeskctl --json sim list | grep -c '"iccid"')" -eq "$before" ]; t_ok "... nothing imported" $?
t_rc 0 "--skip-bad imports the good" simdeskctl sim import "$T_DIR/bad.csv" --skip-bad "$T_DIR/rej.csv"
t_grep "... one" "imported 1, rejected 2" "$T_DIR/out"
t_grep "... the rejects say why" "no plan NOPE" "$T_DIR/rej.csv"
printf 'iccid,msisdn,plan,batch\n8986002222333344449,13800005555,"NO""PE, X","say ""hi"", twice"\n' >"$T_DIR/q.csv"
t_rc 0 "--skip-bad with a quote and a comma in a bad row" simdeskctl sim import "$T_DIR/q.csv" --skip-bad "$T_DIR/rej.csv"
t_grep "... the rejects: the header, then reason" '^.?.?.?"iccid","msisdn","plan","batch","reason"' "$T_DIR/rej.csv"
t_grep "... the row quoted as RFC 4180 says" '^"8986002222333344449","13800005555","NO""PE, X","say ""hi"", twice",".*no plan NO""PE, X"' "$T_DIR/rej.csv"
t_rc 5 "... and it reads back: importing the rejects refuses the same cell" simdeskctl sim import "$T_DIR/rej.csv"
t_grep "... naming it" 'rej.csv:2: .*no plan NO"PE, X' "$T_DIR/err"
t_rc 0 "verify holds" simdeskctl verify

# ---------------------------------------------------------------- allocate, transfer
iccids=$(simdeskctl --json sim list --status in_stock | grep -oE '"iccid": "[0-9]+"' | grep -oE '[0-9]{20}')
set -- $iccids
I1=$1 I2=$2 I3=$3 I4=$4
t_rc 6 "allocating to an agent not yet approved is refused" simdeskctl sim allocate --agent B1 "$I1"
t_grep "... saying so" "agent B1 is applied, not approved" "$T_DIR/err"
t_rc 0 "approve the top agent" simdeskctl agent approve A1
t_rc 6 "more cards than in stock: nothing allocated" simdeskctl sim allocate --agent A1 --count 99 --plan P39
t_grep "... with the figures" "only [0-9]+ cards of plan P39 in stock, 99 asked for" "$T_DIR/err"
[ "$(simdeskctl --json sim list --status allocated | grep -c '"iccid"')" -eq 0 ]; t_ok "... none moved" $?
t_rc 0 "allocate two by ICCID" simdeskctl sim allocate --agent A1 "$I1" "$I2"
[ "$(cat "$T_DIR/out")" = 2 ]; t_ok "... two" $?
t_rc 6 "allocating a card twice is refused, naming it" simdeskctl sim allocate --agent A1 "$I3" "$I1"
t_grep "... naming the card and its state" "sim $I1 is allocated, not in_stock" "$T_DIR/err"
simdeskctl --json sim show "$I3" >"$T_DIR/o"
t_grep "... and the good card before it was not moved either" '"status": "in_stock"' "$T_DIR/o"
t_rc 0 "allocate by --count --plan" simdeskctl sim allocate --agent A1 --count 1 --plan P39
t_rc 0 "the agent now sees the cards of its branch" $AG simdeskctl --json sim list
[ "$(grep -c '"iccid"' "$T_DIR/out")" -eq 3 ]; t_ok "... three" $?
t_rc 0 "the agent passes a card down its branch" $AG simdeskctl sim transfer --to-agent A1-1 "$I1"
simdeskctl --json sim show "$I1" >"$T_DIR/o"
t_grep "... now A1-1's" '"agent": "A1-1"' "$T_DIR/o"
t_rc 0 "approve the other branch" simdeskctl agent approve B1
t_rc 4 "but not to another branch (4)" $AG simdeskctl sim transfer --to-agent B1 "$I2"
t_rc 4 "a supervisor cannot move cards across branches either" as supervisor supervisorpw1 simdeskctl sim transfer --to-agent B1 "$I2"
t_rc 0 "an admin can" simdeskctl sim transfer --to-agent B1 "$I2"
t_rc 0 "sim list --agent" simdeskctl --json sim list --agent B1
t_grep "... shows it" "$I2" "$T_DIR/out"
t_rc 4 "the A1 agent no longer sees it" $AG simdeskctl sim show "$I2"

# ---------------------------------------------------------------- activate
CUST=$(as operator operatorpw1 simdeskctl customer add --name 开卡客户 --phone 13711112222)
t_rc 5 "a service the plan does not offer" simdeskctl sim activate "$I1" --customer 13711112222 --vas NOPE
t_rc 0 "the agent sells a card of its branch" $AG simdeskctl sim activate "$I1" --customer 13711112222 --channel agent --vas CRBT --price 50
SUB=$(cat "$T_DIR/out")
simdeskctl --json sim show "$I1" >"$T_DIR/o"
t_grep "... the card is active" '"status": "active"' "$T_DIR/o"
t_grep "... for the customer" "\"customer\": $CUST" "$T_DIR/o"
simdeskctl --json customer show "$CUST" >"$T_DIR/o"
t_grep "... who became active" '"status": "active"' "$T_DIR/o"
t_rc 0 "the customer card shows the subscription" simdeskctl customer show "$CUST"
t_grep "... with plan, channel and price" "subscription:  #$SUB .* plan P39 .* agent, 50.00" "$T_DIR/out"
t_grep "the price is posted to the customer's account" "cust:$CUST 50.00" <(simdeskctl audit list --op ledger.post)
t_rc 6 "selling an active card again is refused (6)" simdeskctl sim activate "$I1" --customer 13711112222
t_grep "... naming its state" "is active: only a card in stock or allocated can be sold" "$T_DIR/err"
t_rc 4 "an agent cannot sell another branch's card" $AG simdeskctl sim activate "$I2" --customer 13711112222
t_rc 0 "a cashier sells one from stock at the counter" as cashier cashierpw1 simdeskctl sim activate "$I3" --customer 13711112222
t_rc 0 "suspend an active card" simdeskctl sim suspend "$I1" --reason 欠费
t_rc 0 "resume it" simdeskctl sim resume "$I1"
t_rc 0 "terminate it (history kept)" simdeskctl sim terminate "$I1" --reason 销户
t_rc 6 "a terminated card stays terminated" simdeskctl sim resume "$I1"
t_rc 0 "verify holds: ledger, cards, indexes" simdeskctl verify

# ---------------------------------------------------------------- orders
simdeskctl plan add P19 --name 19元卡 --monthly-fee 19 >/dev/null
printf 'iccid,msisdn,plan,price\n8986003000000000001,13600000001,P19,30\n8986003000000000002,13600000002,P19,30\n8986003000000000003,13600000003,P19,30\n' >"$T_DIR/p19.csv"
simdeskctl sim import "$T_DIR/p19.csv" >/dev/null
simdeskctl agent add SMALL --name 小代理 --credit-limit 20 >/dev/null
simdeskctl agent approve SMALL >/dev/null
t_rc 0 "an agent orders for itself" $AG simdeskctl order add --plan P19 --count 2
O1=$(cat "$T_DIR/out")
t_rc 4 "... not for another agent" $AG simdeskctl order add --agent B1 --plan P19 --count 1
t_rc 4 "an agent cannot approve" $AG simdeskctl order approve "$O1"
t_rc 0 "a supervisor approves" as supervisor supervisorpw1 simdeskctl order approve "$O1"
t_rc 0 "order show --json" simdeskctl --json order show "$O1"
for k in id status value_fen; do t_grep "... has $k" "\"$k\":" "$T_DIR/out"; done
t_grep "... approved" '"status": "approved"' "$T_DIR/out"
t_grep "... valued at the list prices" '"value_fen": 6000' "$T_DIR/out"
[ "$(simdeskctl --json sim list --status reserved | grep -c '"iccid"')" -eq 2 ]; t_ok "... two cards reserved" $?
t_rc 6 "approving twice is refused" simdeskctl order approve "$O1"
t_rc 0 "an order over the credit limit" simdeskctl order add --agent SMALL --plan P19 --count 1
O2=$(cat "$T_DIR/out")
t_rc 6 "... is refused at approval (6)" simdeskctl order approve "$O2"
t_grep "... with the figures" "agent SMALL owes 0.00; with this order's 30.00 that exceeds its credit limit 20" "$T_DIR/err"
t_rc 0 "... and refused again is nothing reserved" simdeskctl --json sim list --status reserved
[ "$(grep -c '"iccid"' "$T_DIR/out")" -eq 2 ]; t_ok "... still only the first order's" $?
t_rc 0 "more than is in stock" simdeskctl order add --agent A1 --plan P19 --count 5
O3=$(cat "$T_DIR/out")
t_rc 6 "... is refused, naming the counts" simdeskctl order approve "$O3"
t_grep "... with the figures" "5 cards of plan P19 asked for, 1 in stock" "$T_DIR/err"
t_rc 0 "cancel it" $AG simdeskctl order cancel "$O3" --reason 太多
t_rc 4 "an agent cannot ship" $AG simdeskctl order ship "$O1" --carrier 顺丰 --tracking SF1
t_grep "... and the refusal names shipping, not approving (issue 12)" "^simdeskctl: order.ship: permission denied" "$T_DIR/err"
t_rc 5 "shipping needs a tracking number" simdeskctl order ship "$O1" --carrier 顺丰 --tracking ""
t_rc 0 "ship" simdeskctl order ship "$O1" --carrier 顺丰 --tracking SF1234567890
t_rc 0 "deliver" simdeskctl order deliver "$O1"
[ "$(simdeskctl --json sim list --status reserved | grep -c '"iccid"')" -eq 0 ]; t_ok "... no card reserved" $?
simdeskctl --json order show "$O1" | grep -oE '[0-9]{20}' | head -1 >"$T_DIR/c1"
simdeskctl --json sim show "$(cat "$T_DIR/c1")" >"$T_DIR/o"
t_grep "... cards allocated to the agent" '"agent": "A1"' "$T_DIR/o"
t_grep "... the value on the agent's receivable" "agent:A1:recv 60.00" <(simdeskctl audit list --op ledger.post)
t_rc 0 "an order rejected after approval" simdeskctl order add --agent A1 --plan P19 --count 1
O4=$(cat "$T_DIR/out")
simdeskctl order approve "$O4" >/dev/null
t_rc 0 "... reject" simdeskctl order reject "$O4" --reason 缺货
[ "$(simdeskctl --json sim list --status in_stock --plan P19 | grep -c '"iccid"')" -eq 1 ]; t_ok "... releases its card" $?
t_rc 0 "verify: reservations match orders" simdeskctl verify

# ---------------------------------------------------------------- discount, named orders, returns
t_rc 0 "agent update: a 10% discount" as supervisor supervisorpw1 simdeskctl agent update A1 --discount 10
t_rc 5 "a discount over 100% is refused" simdeskctl agent update A1 --discount 120
t_grep "... naming the option" "^simdeskctl: --discount: '120' is not a percentage 0 to 100" "$T_DIR/err"
# core names the field; simdeskctl names it as its option (issue 12: the
# TUI shows the same messages without command-line flags).
t_rc 5 "an order of 0 cards is refused" $AG simdeskctl order add --plan P19 --count 0
t_grep "... naming the option" "^simdeskctl: --count: '0' is not a whole number from 1 to 100000$" "$T_DIR/err"
t_rc 5 "a phone that is not one" simdeskctl customer add --name 号码错 --phone 12345
t_grep "... a field that is no option's stays as it was" "^simdeskctl: phone: '12345'" "$T_DIR/err"
t_rc 5 "an update with nothing to change" simdeskctl agent update A1
t_rc 4 "an agent cannot change its own terms" $AG simdeskctl agent update A1 --discount 50
simdeskctl --json agent show A1 >"$T_DIR/o"
t_grep "agent show --json has discount_bp" '"discount_bp": 1000' "$T_DIR/o"
printf 'iccid,msisdn,plan,price\n8986003000000000011,13600000011,P19,30\n8986003000000000012,13600000012,P19,30\n8986003000000000013,13600000013,P19,25.55\n' >"$T_DIR/p19b.csv"
simdeskctl sim import "$T_DIR/p19b.csv" >/dev/null
I11=89860030000000000110; I11=$(simdeskctl --json sim show 13600000011 | grep -oE '"iccid": "[0-9]+"' | grep -oE '[0-9]{20}')
I12=$(simdeskctl --json sim show 13600000012 | grep -oE '"iccid": "[0-9]+"' | grep -oE '[0-9]{20}')
I13=$(simdeskctl --json sim show 13600000013 | grep -oE '"iccid": "[0-9]+"' | grep -oE '[0-9]{20}')
printf 'ICCID\r\n%s\r\n\r\n %s \r\n' "$I11" "${I13%?}" >"$T_DIR/want.txt"
t_rc 0 "order named cards from a scanner file (header, CRLF, a 19-digit ICCID)" $AG simdeskctl order add --iccids "$T_DIR/want.txt"
O5=$(cat "$T_DIR/out")
printf '%s\n12345\n' "$I11" >"$T_DIR/badwant.txt"
t_rc 5 "a bad ICCID in the file names file:line" $AG simdeskctl order add --iccids "$T_DIR/badwant.txt"
t_grep "... file:line" "badwant.txt:2: iccid: '12345' must have 19 or 20 digits" "$T_DIR/err"
printf '%s\n%s\n' "$I11" "$I11" >"$T_DIR/dupwant.txt"
t_rc 5 "a card listed twice is refused" $AG simdeskctl order add --iccids "$T_DIR/dupwant.txt"
t_rc 5 "--iccids and --count together are refused" $AG simdeskctl order add --iccids "$T_DIR/want.txt" --plan P19 --count 1
t_rc 0 "approve the named order" simdeskctl order approve "$O5"
simdeskctl --json order show "$O5" >"$T_DIR/o"
t_grep "... it reserved exactly the named cards" "\"$I13\"" "$T_DIR/o"
t_grep "... valued at list less 10% (27.00 + 23.00, rounded per card)" '"value_fen": 5000' "$T_DIR/o"
t_grep "... with the discount recorded" '"discount_bp": 1000' "$T_DIR/o"
simdeskctl --json sim show "$I12" >"$T_DIR/o"
t_grep "... the card not named stays in stock" '"status": "in_stock"' "$T_DIR/o"
t_rc 0 "a named order for a card already reserved" $AG simdeskctl order add --iccids "$T_DIR/want.txt"
O6=$(cat "$T_DIR/out")
t_rc 6 "... is refused at approval, naming the card" simdeskctl order approve "$O6"
t_grep "... and its state" "sim $I11 is reserved, not in stock" "$T_DIR/err"
simdeskctl order ship "$O5" --carrier EMS --tracking E1 >/dev/null
simdeskctl order deliver "$O5" >/dev/null
recv() { simdeskctl --json agent show A1 | grep -oE '"receivable_fen": -?[0-9]+' | grep -oE -- '-?[0-9]+$'; }
B0=$(recv)
t_rc 6 "returning a card of another order is refused" simdeskctl order return "$O5" "$I12" --reason 多发
t_rc 2 "a return needs a reason" simdeskctl order return "$O5" "$I13"
t_rc 4 "an agent cannot book its own return" $AG simdeskctl order return "$O5" "$I13" --reason 滞销
t_rc 0 "a supervisor takes an unsold card back" as supervisor supervisorpw1 simdeskctl order return "$O5" "$I13" --reason 滞销
simdeskctl --json sim show "$I13" >"$T_DIR/o"
t_grep "... the card is returned" '"status": "returned"' "$T_DIR/o"
B1=$(recv)
[ "$B0" = "11000" ] && [ "$B1" = "8700" ]; t_ok "... its discounted price (23.00) credited to the agent ($B0 -> $B1)" $?
t_rc 6 "the same card cannot come back twice" simdeskctl order return "$O5" "$I13" --reason 再退
simdeskctl --json order show "$O5" >"$T_DIR/o"
t_grep "... the order counts the return" '"returned": 1' "$T_DIR/o"
$AG simdeskctl sim activate "$I11" --customer 13711112222 >/dev/null
t_rc 6 "a card already sold cannot be returned" simdeskctl order return "$O5" "$I11" --reason 退
t_grep "... naming its state" "sim $I11 is active, cannot become returned" "$T_DIR/err"
t_rc 0 "verify still holds" simdeskctl verify

# ---------------------------------------------------------------- grading from the config
cat >"$T_DIR/grades.conf" <<CONF
grading = (
	{ grade = "love"; rule = "tail 520"; premium = 52; },
	{ grade = "AAAA"; rule = "tail AAAA"; premium = 2000; }
);
CONF
t_stop_servers	# the configuration is the server's: start it afresh
SIMDESK_CONF="$T_DIR/grades.conf" t_rc 0 "sim grade under the config's own rules" simdeskctl sim grade 13600000520
t_grep "... names the grade and the rule" "13600000520: love \(tail 520\), premium 52.00" "$T_DIR/out"
SIMDESK_CONF="$T_DIR/grades.conf" t_rc 0 "... a run is ordinary there" simdeskctl sim grade 13600012345
t_grep "... ordinary" "ordinary" "$T_DIR/out"
printf 'grading = ( { grade = "x"; rule = "tail AB C"; premium = 1; } );\n' >"$T_DIR/badgrades.conf"
SIMDESK_CONF="$T_DIR/badgrades.conf" t_rc 5 "a malformed rule is refused at start" simdeskctl sim grade 13600000520
t_grep "... naming file:line" "badgrades.conf:1: grading: entry 1: rule 'tail AB C'" "$T_DIR/err"
t_stop_servers	# back to the default configuration

# ---------------------------------------------------------------- agent figures
t_rc 0 "agent show --json gives the figures" simdeskctl --json agent show A1
for k in held sold_month sold_total orders orders_open receivable_fen; do t_grep "... has $k" "\"$k\":" "$T_DIR/out"; done
t_grep "... receivable after the return" '"receivable_fen": 8700' "$T_DIR/out"
t_grep "... one open order (the refused named one)" '"orders_open": 1' "$T_DIR/out"
t_rc 0 "agent tree shows held cards and this month's sales per node" simdeskctl agent tree
t_grep "... A1 sold two this month" "^A1 .*sold 2 this month" "$T_DIR/out"
t_grep "... A1-1 indented: holds none, sold the card passed down" "^    A1-1 .*held 0, sold 1 this month" "$T_DIR/out"
t_rc 0 "an agent's tree starts at its own node" $AG simdeskctl agent tree
t_rc 1 "... and never shows the other branch" grep -q "^B1" "$T_DIR/out"

# ---------------------------------------------------------------- batch activations
simdeskctl plan add P29 --name 29元卡 --monthly-fee 29 --vas CRBT >/dev/null
{ echo iccid,msisdn,plan,price; for i in 1 2 3 4 5; do echo "898600400000000000$i,1350000000$i,P29,20"; done; } >"$T_DIR/p29.csv"
simdeskctl sim import "$T_DIR/p29.csv" >/dev/null
simdeskctl sim allocate --agent A1 --count 5 --plan P29 >/dev/null
for i in 1 2 3 4 5; do as operator operatorpw1 simdeskctl customer add --name "批量客户$i" --phone "1390000000$i" >/dev/null; done
ic() { simdeskctl --json sim show "1350000000$1" | grep -oE '"iccid": "[0-9]+"' | grep -oE '[0-9]{20}'; }
J1=$(ic 1) J2=$(ic 2) J3=$(ic 3) J4=$(ic 4) J5=$(ic 5)
printf '\xef\xbb\xbficcid,customer,channel,agent,price,vas,date\r\n%s,13900000001,agent,A1,30,CRBT,2026-11-02\r\n%s,139-0000-0002,agent,,,,\r\n%s,13999999999,agent,,,,\r\n%s,13900000004,shop,,,,\r\n%s,13900000005,agent,NOPE,,,\r\n' "$J1" "$J2" "$J3" "$J4" "$J5" >"$T_DIR/act.csv"
t_rc 5 "a batch with bad rows: nothing activated" $AG simdeskctl sim activate --file "$T_DIR/act.csv"
t_grep "... the first bad row by file:line" "act.csv:4: customer: no customer 13999999999 \(3 bad rows in all" "$T_DIR/err"
[ "$(simdeskctl --json sim list --status active --plan P29 | grep -c '"iccid"')" -eq 0 ]; t_ok "... not one card activated" $?
t_rc 0 "--skip-bad: the good rows go in" $AG simdeskctl sim activate --file "$T_DIR/act.csv" --skip-bad "$T_DIR/rej.csv"
t_grep "... two activated, three rejected" "activated 2, rejected 3" "$T_DIR/out"
t_grep "... the rejects: the row as read, the line and the field (channel)" "^\"$J4\",\"13900000004\",\"shop\",.*act.csv:5: channel: 'shop' is not store" "$T_DIR/rej.csv"
t_grep "... and the unknown agent" "^\"$J5\",.*act.csv:6: agent: no agent NOPE" "$T_DIR/rej.csv"
simdeskctl --json sim show "$J1" >"$T_DIR/o"
t_grep "... the card is active" '"status": "active"' "$T_DIR/o"
t_rc 0 "... the customer card shows the subscription with its VAS and date" simdeskctl customer show 13900000001
t_grep "... price 30" "plan P29 .*agent, 30.00" "$T_DIR/out"
t_rc 0 "... a phone typed with dashes found its customer" simdeskctl customer show 13900000002
t_grep "... at the list price" "plan P29 .*20.00" "$T_DIR/out"
t_rc 5 "--file with --customer is refused" simdeskctl sim activate --file "$T_DIR/act.csv" --customer 1
t_rc 5 "neither an ICCID nor --file" simdeskctl sim activate
printf 'iccid,who\n%s,1\n' "$J3" >"$T_DIR/act2.csv"
t_rc 5 "a file without the customer column" simdeskctl sim activate --file "$T_DIR/act2.csv"
t_grep "... names the column" "act2.csv: header: no column customer" "$T_DIR/err"
t_grep "the batch is audited as one file" "sim.activate_file .*2 activations" <(simdeskctl audit list --op sim.activate_file)
t_grep "... sold by the agent that ran the file" "plan P29 .*, sold by agent$" "$(simdeskctl customer show 13900000001 >"$T_DIR/o"; echo "$T_DIR/o")"
# Who made the sale, for the reports: the acting user, or whom an admin or
# supervisor names.
t_rc 4 "an operator may not record a sale for someone else (4)" as operator operatorpw1 simdeskctl sim activate "$J3" --customer 13900000003 --operator supervisor
t_grep "... saying so" "operator: only admins and supervisors record a sale for someone else" "$T_DIR/err"
t_rc 5 "--operator naming no user is refused (5)" simdeskctl sim activate "$J3" --customer 13900000003 --operator nobody
t_grep "... naming the field" "operator: no user 'nobody'" "$T_DIR/err"
t_rc 5 "--operator naming an agent is refused (5)" simdeskctl sim activate "$J3" --customer 13900000003 --operator agent
t_grep "... pointing at --agent" "operator: 'agent' is an agent; an agent's sale names the agent" "$T_DIR/err"
simdeskctl --json sim show "$J3" >"$T_DIR/o"
t_grep "... and the card is still unsold" '"status": "allocated"' "$T_DIR/o"
t_rc 0 "a supervisor records a telesales sale for an operator" as supervisor supervisorpw1 simdeskctl sim activate "$J3" --customer 13900000003 --channel telesales --operator operator
t_grep "... sold by the operator" "plan P29 .*telesales, .*sold by operator$" "$(simdeskctl customer show 13900000003 >"$T_DIR/o"; echo "$T_DIR/o")"
printf 'iccid,customer,channel,operator\n%s,13900000004,store,cashier\n' "$J4" >"$T_DIR/act3.csv"
t_rc 0 "a file's operator column names who sold each card" simdeskctl sim activate --file "$T_DIR/act3.csv"
t_grep "... sold by the cashier" "plan P29 .*store, .*sold by cashier$" "$(simdeskctl customer show 13900000004 >"$T_DIR/o"; echo "$T_DIR/o")"
t_rc 0 "verify holds after the batch" simdeskctl verify

# ---------------------------------------------------------------- stocktake
printf 'iccid,msisdn,plan,warehouse\n8986005000000000001,13700000001,P19,南仓\n8986005000000000002,13700000002,P19,南仓\n8986005000000000003,13700000003,P19,南仓\n8986005000000000004,13700000004,P19,北仓\n' >"$T_DIR/wh.csv"
simdeskctl sim import "$T_DIR/wh.csv" >/dev/null
K() { simdeskctl --json sim show "1370000000$1" | grep -oE '"iccid": "[0-9]+"' | grep -oE '[0-9]{20}'; }
K1=$(K 1) K2=$(K 2) K3=$(K 3) K4=$(K 4)
simdeskctl sim allocate --agent A1 "$K3" >/dev/null
# Scanned on the 南仓 shelf: K1 (twice), K3 (booked as allocated), K4 (booked
# in 北仓), a card nobody knows; K2 is missing.
printf '%s\n%s\n%s\n%s\n8986005000000000999\n' "$K1" "$K1" "$K3" "$K4" >"$T_DIR/scan.txt"
t_rc 0 "a stocktake report by a cashier" as cashier cashierpw1 simdeskctl sim stocktake "$T_DIR/scan.txt" --warehouse 南仓
t_grep "... the summary" "scanned 4, on the books 2, matched 1; missing 1, unexpected 1, wrong warehouse 1, wrong state 1, scanned twice 1" "$T_DIR/out"
t_grep "... the missing card" "^missing +$K2 +- +in_stock +南仓" "$T_DIR/out"
t_grep "... the unknown card with its line" "^unexpected +8986005000000000999[0-9] +5" "$T_DIR/out"
t_grep "... the card booked elsewhere" "^wrong_warehouse +$K4 +4 +in_stock +北仓" "$T_DIR/out"
t_grep "... the card booked to an agent" "^wrong_state +$K3 +3 +allocated .* A1" "$T_DIR/out"
t_grep "... the double scan" "^duplicate +$K1 +2" "$T_DIR/out"
simdeskctl --json sim show "$K2" >"$T_DIR/o"
t_grep "... a report changes nothing" '"status": "in_stock"' "$T_DIR/o"
t_rc 4 "a cashier cannot --apply" as cashier cashierpw1 simdeskctl sim stocktake "$T_DIR/scan.txt" --warehouse 南仓 --apply
t_rc 5 "the warehouse is required" simdeskctl sim stocktake "$T_DIR/scan.txt" --warehouse ""
printf '%s\nnot-an-iccid\n' "$K1" >"$T_DIR/badscan.txt"
t_rc 5 "a bad scan line names file:line" simdeskctl sim stocktake "$T_DIR/badscan.txt" --warehouse 南仓
t_grep "... file:line" "badscan.txt:2: iccid" "$T_DIR/err"
t_rc 0 "a supervisor applies it" as supervisor supervisorpw1 simdeskctl --json sim stocktake "$T_DIR/scan.txt" --warehouse 南仓 --apply --reason 月末盘点
t_grep "... two adjustments" '"adjusted": 2' "$T_DIR/out"
simdeskctl --json sim show "$K2" >"$T_DIR/o"
t_grep "... the missing card is written off" '"status": "terminated"' "$T_DIR/o"
simdeskctl --json sim show "$K4" >"$T_DIR/o"
t_grep "... the card found here moved to 南仓" '"warehouse": "南仓"' "$T_DIR/o"
simdeskctl --json sim show "$K3" >"$T_DIR/o"
t_grep "... the allocated card is left for a person" '"status": "allocated"' "$T_DIR/o"
t_grep "... every adjustment audited with the reason" "sim.stocktake .*$K2 .*status=terminated" <(simdeskctl audit list --op sim.stocktake)
t_rc 0 "a second count after applying" simdeskctl sim stocktake "$T_DIR/scan.txt" --warehouse 南仓
t_grep "... only the cases for a person remain" "missing 0, unexpected 1, wrong warehouse 0, wrong state 1" "$T_DIR/out"
t_rc 0 "a damaged card in stock is written off with sim terminate" simdeskctl sim terminate "$K1" --reason 卡片损坏
t_rc 6 "... and a written-off card cannot be sold" simdeskctl sim activate "$K1" --customer 13711112222
t_rc 0 "verify holds after the stocktake" simdeskctl verify
