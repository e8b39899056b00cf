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
t_grep "... the rule" "last 4 digits the same" "$T_DIR/out"
t_rc 0 "sim list --grade" simdeskctl --json sim list --grade AAAA
[ "$(grep -c '"iccid"' "$T_DIR/out")" -eq 1 ]; t_ok "... one card" $?
t_rc 0 "sim list --warehouse" simdeskctl --json sim list --warehouse 杭州仓
t_grep "... that card" '89014103211118510720' "$T_DIR/out"
t_rc 6 "a card in stock cannot be suspended (6)" simdeskctl sim suspend 89014103211118510720 --reason x
t_grep "... naming both states" "is in_stock: it cannot become suspended" "$T_DIR/err"
t_rc 2 "terminating needs a reason (usage)" simdeskctl sim terminate 89014103211118510720
t_rc 6 "nor terminated from stock" simdeskctl sim terminate 89014103211118510720 --reason x
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
t_rc 0 "verify holds" simdeskctl verify
