#!/usr/bin/env bash
# test_billing.sh -- tariffs through simdeskctl: rates by prefix and band,
# quotes worked out by hand (the same path as rating), an all-or-nothing
# rate import, permissions and clear one-line errors.
. "$(dirname "$0")/../lib.sh"
t_tmp
t_seed || { t_ok "seed" 1; exit 1; }
export TZ=Asia/Shanghai

# ---------------------------------------------------------------- tariffs
t_rc 0 "a tariff" simdeskctl tariff add STD --name 标准资费
t_rc 6 "... not twice" simdeskctl tariff add STD --name 标准资费
t_rc 5 "an unknown rounding" simdeskctl tariff add X --name x --rounding sideways
t_grep "... names the option" "^simdeskctl: --rounding: 'sideways' is not up, half-up or down" "$T_DIR/err"
t_rc 4 "only an admin sets tariffs" as supervisor supervisorpw1 simdeskctl tariff add Y --name y
t_rc 0 "a mobile rate, bundle" simdeskctl tariff rate STD 1 --per-minute 0.15 --name 国内手机 --bundle
t_rc 0 "a per-6-second rate" simdeskctl tariff rate STD 139 --per-minute 0.125 --first-block 6 --increment 6
t_rc 0 "international with a connect fee" simdeskctl tariff rate STD 00 --per-minute 1.00 --connect 0.50 --first-block 30 --increment 6 --name 国际
t_rc 0 "Beijing off-peak" simdeskctl tariff rate STD 010 --per-minute 0.30
t_rc 0 "... and at peak" simdeskctl tariff rate STD 010 --per-minute 0.60 --band "Mon-Fri 08:00-18:00"
t_rc 5 "a bad band names the field" simdeskctl tariff rate STD 021 --per-minute 0.3 --band "weekdays 9-5"
t_grep "... one line" "^simdeskctl: band: 'weekdays 9-5' is not like" "$T_DIR/err"
t_rc 5 "a price with too many decimals" simdeskctl tariff rate STD 021 --per-minute 0.123456
t_grep "... names per_minute" "per_minute: '0.123456'" "$T_DIR/err"
t_rc 5 "a prefix that is not digits" simdeskctl tariff rate STD 0x1 --per-minute 0.3
t_rc 3 "a rate for a tariff that does not exist" simdeskctl tariff rate NOPE 1 --per-minute 0.3
t_rc 0 "tariff show" simdeskctl tariff show STD
t_grep "... counts the rates" "rounding up, 5 rates" "$T_DIR/out"
t_grep "... the peak band" "010 .*0.60 .*Mon-Fri 08:00-18:00" "$T_DIR/out"
t_rc 0 "tariff list --json" simdeskctl --json tariff list
t_grep "... with the rate count" '"rates": 5' "$T_DIR/out"
t_rc 0 "replacing a rate keeps the count" simdeskctl tariff rate STD 010 --per-minute 0.35
simdeskctl --json tariff list >"$T_DIR/o"
t_grep "... still 5" '"rates": 5' "$T_DIR/o"
simdeskctl tariff rate STD 010 --per-minute 0.30 >/dev/null

# ---------------------------------------------------------------- quotes (by hand)
q() { simdeskctl --json tariff quote STD "$@"; }
# 61 s on the 0.15 mobile rate: 60 + 60 = 120 s, 120 * 0.15 / 60 = 0.30.
t_rc 0 "a quote" simdeskctl --json tariff quote STD 13800138000 61
for k in prefix billable_s cost_fen; do t_grep "... has $k" "\"$k\":" "$T_DIR/out"; done
t_grep "... the longest prefix" '"prefix": "1"' "$T_DIR/out"
t_grep "... 120 billable seconds" '"billable_s": 120' "$T_DIR/out"
t_grep "... 30 fen" '"cost_fen": 30' "$T_DIR/out"
# 139: per 6 s at 0.125: 61 s -> 66 s -> 13.75 fen, rounded up to 14.
q 13912345678 61 >"$T_DIR/o"
t_grep "per 6 seconds: 66 s billable" '"billable_s": 66' "$T_DIR/o"
t_grep "... 13.75 rounded up to 14 fen" '"cost_fen": 14' "$T_DIR/o"
# International: 10 s -> first block 30 s = 0.50; plus connect 0.50 = 1.00.
q "0044 20 7946 0000" 10 >"$T_DIR/o"
t_grep "international: first block and connect fee" '"cost_fen": 100' "$T_DIR/o"
t_grep "... from the 00 prefix" '"prefix": "00"' "$T_DIR/o"
q 01012345678 120 --at "2026-11-25 10:00" >"$T_DIR/o"
t_grep "Beijing at peak: 120 s at 0.60" '"cost_fen": 120' "$T_DIR/o"
q 01012345678 120 --at "2026-11-25 20:00" >"$T_DIR/o"
t_grep "... off-peak at 0.30" '"cost_fen": 60' "$T_DIR/o"
q 01012345678 180 --at "2026-11-25 17:59:00" >"$T_DIR/o"
t_grep "across 18:00: 60 s at 0.60 + 120 s at 0.30 = 1.20" '"cost_fen": 120' "$T_DIR/o"
t_grep "... in two parts" '"parts": 2' "$T_DIR/o"
q 13800138000 150 --plan-minutes 1 >"$T_DIR/o"
t_grep "one plan minute left for 150 s: the other 90 s cost 120 s" '"cost_fen": 30' "$T_DIR/o"
t_grep "... one plan minute used" '"bundle_min": 1' "$T_DIR/o"
q 13800138000 0 >"$T_DIR/o"
t_grep "an unanswered call costs nothing" '"cost_fen": 0' "$T_DIR/o"
t_rc 3 "a number no prefix matches" simdeskctl tariff quote STD 95555 60
t_grep "... says so" "tariff STD has no rate for 95555" "$T_DIR/err"
t_rc 5 "seconds that are not a number" simdeskctl tariff quote STD 13800138000 abc
t_rc 0 "the plain quote reads as a sentence" simdeskctl tariff quote STD 13800138000 61
t_grep "... rate, billable and cost" "61 s -> 120 s billable: 0.30" "$T_DIR/out"
t_rc 0 "an operator may quote" as operator operatorpw1 simdeskctl tariff quote STD 13800138000 61
t_rc 4 "an agent may not" as agent agentpw1 simdeskctl tariff quote STD 13800138000 61

# ---------------------------------------------------------------- import
t_rc 0 "a second tariff" simdeskctl tariff add CHEAP --name 优惠资费 --rounding half-up
printf 'prefix,per_minute,connect,first_block,increment,name,band,bundle\n1,0.10,,,,手机,,yes\n020,0.20,,,,广州,,\n020,0.05,,,,广州夜间,22:00-07:00,\n' >"$T_DIR/rates.csv"
t_rc 0 "rates from CSV" simdeskctl tariff import CHEAP "$T_DIR/rates.csv"
t_grep "... three" "imported 3 rates" "$T_DIR/out"
q() { simdeskctl --json tariff quote CHEAP "$@"; }
q 02087654321 60 --at "2026-11-30 23:30" >"$T_DIR/o"
t_grep "the imported night band: 0.05 a minute" '"cost_fen": 5' "$T_DIR/o"
q 02087654321 60 --at "2026-12-01 06:00" >"$T_DIR/o"
t_grep "... still night at 06:00 the next day" '"cost_fen": 5' "$T_DIR/o"
printf 'prefix,per_minute,bundle\n86,0.10,yes\n87,abc,\n88,0.10,maybe\n' >"$T_DIR/bad.csv"
t_rc 5 "a file with bad rows: nothing imported" simdeskctl tariff import CHEAP "$T_DIR/bad.csv"
t_grep "... the first bad row by file:line and field" "bad.csv:3: per_minute: 'abc'" "$T_DIR/err"
t_grep "... counting them" "2 bad rows in all" "$T_DIR/err"
simdeskctl --json tariff list >"$T_DIR/o"
t_grep "... the tariff still has 3 rates" '"rates": 3' "$T_DIR/o"
t_rc 0 "--skip-bad takes the good row" simdeskctl tariff import CHEAP "$T_DIR/bad.csv" --skip-bad "$T_DIR/rej.csv"
t_grep "... one in, two out" "imported 1 rates, rejected 2" "$T_DIR/out"
t_grep "... the rejects: the row as read, the line and why" "^\"88\",\"0.10\",\"maybe\",\".*bad.csv:4: bundle: 'maybe'" "$T_DIR/rej.csv"
t_grep "every rate change is audited" "tariff.rate .*tariff:STD:010" <(simdeskctl audit list --op tariff.rate)
t_rc 0 "verify holds" simdeskctl verify

# ---------------------------------------------------------------- call records
simdeskctl plan add P39 --name 39元卡 --monthly-fee 39 --minutes 2 --tariff STD >/dev/null
printf 'iccid,msisdn,plan\n8986007000000000001,13900001111,P39\n' >"$T_DIR/c.csv"
simdeskctl sim import "$T_DIR/c.csv" >/dev/null
as operator operatorpw1 simdeskctl customer add --name 话单客户 --phone 13600001111 >/dev/null
simdeskctl sim activate 13900001111 --customer 13600001111 --date 2026-11-01 >/dev/null
# Asterisk Master.csv: 18 columns (with uniqueid and userfield), no header.
ast() {	# src dst start answer end duration billsec disposition uniqueid
	printf '"","%s","%s","from-internal","""客户"" <%s>","SIP/100-01","SIP/gw-02","Dial","SIP/gw/%s,30","%s","%s","%s",%s,%s,"%s","DOCUMENTATION","%s",""\n' \
	    "$1" "$2" "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$9"
}
{
	ast 13900001111 13800138000 "2026-11-10 09:00:00" "2026-11-10 09:00:05" "2026-11-10 09:01:10" 70 65 ANSWERED u1
	ast 13900001111 13800138001 "2026-11-10 10:00:00" "2026-11-10 10:00:02" "2026-11-10 10:00:32" 32 30 ANSWERED u2
	ast 13900001111 00442079460000 "2026-11-10 11:00:00" "2026-11-10 11:00:03" "2026-11-10 11:00:13" 13 10 ANSWERED u3
	ast 13900001111 13800138002 "2026-11-10 12:00:00" "" "2026-11-10 12:00:20" 20 0 "NO ANSWER" u4
	ast 13700000000 13900001111 "2026-11-10 13:00:00" "2026-11-10 13:00:04" "2026-11-10 13:01:44" 104 100 ANSWERED u5
} >"$T_DIR/Master.csv"
t_rc 0 "import an Asterisk Master.csv" simdeskctl --json cdr import "$T_DIR/Master.csv" --format asterisk
for k in imported rejected duplicates; do t_grep "... has $k" "\"$k\":" "$T_DIR/out"; done
t_grep "... five calls" '"imported": 5' "$T_DIR/out"
simdeskctl --json cdr list --msisdn 13900001111 --month 2026-11 >"$T_DIR/o"
# By hand: 65 s on the bundle rate with 2 plan minutes: both used, free.
# 30 s: no plan minutes left, 60 s at 0.15 = 0.15.  International 10 s:
# first block 30 s at 1.00 + 0.50 connect = 1.00.  Unanswered: 0.
# Incoming: 0.
t_grep "the first call used the two plan minutes" '"bundle_min": 2' "$T_DIR/o"
grep -o '"cost_fen": [0-9]*' "$T_DIR/o" | tr '\n' ' ' >"$T_DIR/costs"
t_grep "... the costs in order: 0, 15, 100, 0, 0" '"cost_fen": 0 "cost_fen": 15 "cost_fen": 100 "cost_fen": 0 "cost_fen": 0 ' "$T_DIR/costs"
t_grep "... the incoming call is marked in" '"direction": "in"' "$T_DIR/o"
t_grep "... with the unit fee stored" '"unit_fee_mfen": 100000' "$T_DIR/o"
t_rc 0 "the same file again" simdeskctl --json cdr import "$T_DIR/Master.csv" --format asterisk
t_grep "... charges nothing twice: all duplicates" '"imported": 0, "rejected": 0, "duplicates": 5' "$T_DIR/out"
# A batch is written without looking for each call first; one already on
# file (or twice in the file) makes it start again, looking.
{
	ast 13900001111 13800138005 "2026-12-01 09:00:00" "2026-12-01 09:00:05" "2026-12-01 09:01:05" 65 60 ANSWERED u6
	ast 13900001111 13800138001 "2026-11-10 10:00:00" "2026-11-10 10:00:02" "2026-11-10 10:00:32" 32 30 ANSWERED u2
	ast 13900001111 13800138005 "2026-12-01 09:00:00" "2026-12-01 09:00:05" "2026-12-01 09:01:05" 65 60 ANSWERED u6
} >"$T_DIR/mixed.csv"
t_rc 0 "a file with a new call, one on file and the new one twice" simdeskctl --json cdr import "$T_DIR/mixed.csv" --format asterisk
t_grep "... one in, two duplicates" '"imported": 1, "rejected": 0, "duplicates": 2' "$T_DIR/out"
t_rc 0 "... its month's usage" simdeskctl --json cdr usage --msisdn 13900001111 --month 2026-12
t_grep "... counts the call once" '"calls": 1, "answered": 1' "$T_DIR/out"
t_rc 0 "... November's usage unchanged" simdeskctl --json cdr usage --msisdn 13900001111 --month 2026-11
t_grep "... five calls" '"calls": 5, "answered": 4' "$T_DIR/out"
# A file is read a slice at a time when it is UTF-8; GB18030 (the caller
# id's 客户) is read whole, a BOM and CRLF line ends are UTF-8.
ast 13900001111 13800138006 "2026-12-02 09:00:00" "2026-12-02 09:00:05" "2026-12-02 09:01:05" 65 60 ANSWERED u7 |
    iconv -f UTF-8 -t GB18030 >"$T_DIR/gb.csv"
t_rc 0 "a GB18030 file" simdeskctl --json cdr import "$T_DIR/gb.csv" --format asterisk
t_grep "... one in" '"imported": 1, "rejected": 0, "duplicates": 0' "$T_DIR/out"
{ printf '\357\273\277'; ast 13900001111 13800138007 "2026-12-03 09:00:00" "2026-12-03 09:00:05" "2026-12-03 09:01:05" 65 60 ANSWERED u8 | sed 's/$/\r/'; } >"$T_DIR/bom.csv"
t_rc 0 "a file with a BOM and CRLF" simdeskctl --json cdr import "$T_DIR/bom.csv" --format asterisk
t_grep "... one in" '"imported": 1, "rejected": 0, "duplicates": 0' "$T_DIR/out"
simdeskctl --json cdr usage --msisdn 13900001111 --month 2026-12 >"$T_DIR/out"
t_grep "... December has three calls" '"calls": 3, "answered": 3' "$T_DIR/out"
# FreeSWITCH's default cdr_csv template.
printf '"客户","13900001111","13800138003","default","2026-11-11 09:00:00","2026-11-11 09:00:02","2026-11-11 09:02:02","122","120","NORMAL_CLEARING","a1b2c3d4","","","PCMA","PCMA"\n' >"$T_DIR/fs.csv"
t_rc 0 "a FreeSWITCH cdr_csv file" simdeskctl --json cdr import "$T_DIR/fs.csv" --format freeswitch
t_grep "... one call" '"imported": 1' "$T_DIR/out"
printf 'call_id,msisdn,direction,number,start,answer,billsec\nm-1,13900001111,out,13800138004,2026-11-12 09:00:00,2026-11-12 09:00:01,59\n' >"$T_DIR/sd.csv"
t_rc 0 "our own CSV" simdeskctl --json cdr import "$T_DIR/sd.csv" --format simdesk
t_rc 0 "usage for the month" simdeskctl --json cdr usage --msisdn 13900001111 --month 2026-11
# 0.15 + 1.00 + 120 s at 0.15 (0.30) + 59 s -> 60 s (0.15) = 1.60.
t_grep "... the call fee sums the calls: 160 fen" '"call_fee_fen": 160' "$T_DIR/out"
t_grep "... seven calls, six answered" '"calls": 7, "answered": 6' "$T_DIR/out"
t_grep "... two plan minutes used" '"bundle_min": 2' "$T_DIR/out"
{
	ast 13900001111 13800138009 "2026-11-13 09:00:00" "2026-11-13 09:00:01" "2026-11-13 09:01:01" 61 60 ANSWERED u9
	ast 13911112222 13800138000 "2026-11-13 09:00:00" "2026-11-13 09:00:01" "2026-11-13 09:01:01" 61 60 ANSWERED u10
	ast 13900001111 13800138000 "2026-10-30 09:00:00" "2026-10-30 09:00:01" "2026-10-30 09:01:01" 61 60 ANSWERED u11
	ast 13900001111 13800138000 "yesterday" "" "" 0 0 "NO ANSWER" u12
} >"$T_DIR/bad.csv"
t_rc 5 "a file with calls nobody made: nothing imported" simdeskctl cdr import "$T_DIR/bad.csv" --format asterisk
t_grep "... names the first by file:line" "bad.csv:2: no subscription has 13911112222 or 13800138000 at 2026-11-13 09:00:01" "$T_DIR/err"
t_grep "... counting them" "3 bad rows in all" "$T_DIR/err"
simdeskctl --json cdr list --msisdn 13900001111 --month 2026-11 >"$T_DIR/o"
[ "$(grep -c '"id"' "$T_DIR/o")" -eq 7 ]; t_ok "... still seven calls on file" $?
t_rc 0 "--skip-bad imports the good call" simdeskctl --json cdr import "$T_DIR/bad.csv" --format asterisk --skip-bad "$T_DIR/rej.csv"
t_grep "... one in, three rejected" '"imported": 1, "rejected": 3' "$T_DIR/out"
t_grep "... a call before the subscription began is rejected" "^\"\",\"13900001111\",\"13800138000\",.*\"u11\",\"\",\".*bad.csv:3: no subscription has 13900001111 or 13800138000 at 2026-10-30" "$T_DIR/rej.csv"
t_grep "... a malformed time is named" "^\"\",.*\"u12\",\"\",\".*bad.csv:4: .*start: 'yesterday'" "$T_DIR/rej.csv"
t_grep "... its cells as read (the caller id's quotes doubled)" '^"","13900001111","13800138000","from-internal","""客户"" <13900001111>",' "$T_DIR/rej.csv"
printf 'call_id,msisdn,number,start,billsec\n"c""1, a",13911112222,13800138000,2026-11-13 09:00:01,60\n' >"$T_DIR/q.csv"
t_rc 0 "--skip-bad with a quote and a comma in a bad call" simdeskctl cdr import "$T_DIR/q.csv" --format simdesk --skip-bad "$T_DIR/rej.csv"
t_grep "... the rejects: the header, then reason" '^.?.?.?"call_id","msisdn","number","start","billsec","reason"' "$T_DIR/rej.csv"
t_grep "... the row quoted as RFC 4180 says" '^"c""1, a","13911112222","13800138000","2026-11-13 09:00:01","60",".*no subscription has 13911112222' "$T_DIR/rej.csv"
t_rc 5 "... and it reads back: importing the rejects refuses the same call" simdeskctl cdr import "$T_DIR/rej.csv" --format simdesk
t_grep "... naming its line" "rej.csv:2: no subscription has 13911112222 or 13800138000" "$T_DIR/err"
t_rc 5 "an unknown format" simdeskctl cdr import "$T_DIR/bad.csv" --format cisco
t_rc 4 "a supervisor cannot import call records" as supervisor supervisorpw1 simdeskctl cdr import "$T_DIR/fs.csv" --format freeswitch
t_rc 0 "cdr show" simdeskctl cdr show "$(grep -o '"id": [0-9]*' "$T_DIR/o" | sed -n 3p | grep -oE '[0-9]+')"
t_grep "... the international call with its rate" "00 国际, 1.00/min" "$T_DIR/out"
t_rc 0 "a cashier lists a number's calls" as cashier cashierpw1 simdeskctl cdr list --msisdn 13900001111
t_rc 0 "verify holds after the imports" simdeskctl verify

# ---------------------------------------------------------------- bills
simdeskctl vas add CRBT --name 彩铃 --monthly-fee 5 >/dev/null
simdeskctl plan add P39V --name 39元彩铃卡 --monthly-fee 39 --tariff STD --vas CRBT >/dev/null
printf 'iccid,msisdn,plan,price\n8986007000000000002,13900002222,P39V,50\n' >"$T_DIR/c2.csv"
simdeskctl sim import "$T_DIR/c2.csv" >/dev/null
as operator operatorpw1 simdeskctl customer add --name 半月客户 --phone 13600002222 >/dev/null
simdeskctl sim activate 13900002222 --customer 13600002222 --date "2026-11-16 10:00" --vas CRBT >/dev/null
t_rc 6 "a month that has not begun is refused" simdeskctl bill run 2099-01
t_rc 4 "a cashier cannot run bills" as cashier cashierpw1 simdeskctl bill run 2026-11
t_rc 0 "bill run" simdeskctl --json bill run 2026-11
t_grep "... two customers, both new" '"customers": 2, "changed": 2' "$T_DIR/out"
# Posted: 39.00 + calls 1.75 (160 fen before, 15 more from --skip-bad) for
# the first; 19.50 + 2.50 for the half month of the second = 62.75.
t_grep "... posting plan, services and calls: 62.75" '"posted_fen": 6275' "$T_DIR/out"
t_rc 0 "bill show --json" simdeskctl --json bill show 13600001111 2026-11
for k in plan_fee_fen vas_fee_fen call_fee_fen total_fen paid_fen; do t_grep "... has $k" "\"$k\":" "$T_DIR/out"; done
t_grep "... the plan's full month" '"plan_fee_fen": 3900' "$T_DIR/out"
t_grep "... the calls" '"call_fee_fen": 175' "$T_DIR/out"
# The AAAA number's list price (its grade premium) was charged at the sale.
t_grep "... the card's price as a one-off" '"one_off_fen": 100000' "$T_DIR/out"
t_grep "... the total" '"total_fen": 104075' "$T_DIR/out"
simdeskctl --json bill show 13600002222 2026-11 >"$T_DIR/o"
t_grep "half a month: 39 x 15/30 = 19.50" '"plan_fee_fen": 1950' "$T_DIR/o"
t_grep "... and the service 5 x 15/30 = 2.50" '"vas_fee_fen": 250' "$T_DIR/o"
t_grep "... the line says the days" '"text": "39元彩铃卡 \(15/30 days\)"' "$T_DIR/o"
t_rc 0 "the seed's fields, in Chinese" simdeskctl bill show 13600001111 2026-11
for k in 电话号码 客户姓名 通话费 新业务费 费用合计 套餐名称 实缴; do t_grep "... $k" "^$k" "$T_DIR/out"; done
simdeskctl bill show 13600001111 2026-11 >"$T_DIR/b1"
simdeskctl --json bill list --month 2026-11 >"$T_DIR/l1"
t_rc 0 "the run again" simdeskctl --json bill run 2026-11
t_grep "... changes nothing and posts nothing" '"customers": 2, "changed": 0, "posted_fen": 0' "$T_DIR/out"
simdeskctl bill show 13600001111 2026-11 >"$T_DIR/b2"
simdeskctl --json bill list --month 2026-11 >"$T_DIR/l2"
cmp -s "$T_DIR/b1" "$T_DIR/b2" && cmp -s "$T_DIR/l1" "$T_DIR/l2"; t_ok "... the bills are byte for byte the same" $?
t_rc 0 "balance --json" simdeskctl --json balance 13600001111
for k in balance_fen status; do t_grep "... has $k" "\"$k\":" "$T_DIR/out"; done
t_grep "... charges make it negative: -1040.75" '"balance_fen": -104075' "$T_DIR/out"
t_grep "... below the credit limit: suspended" '"status": "suspended"' "$T_DIR/out"
simdeskctl --json sim show 13900001111 >"$T_DIR/o"
t_grep "... the card is suspended (停机) for debt" '"reason": "欠费停机' "$T_DIR/o"
t_grep "... audited" "sim.suspend_debt" <(simdeskctl audit list --op sim.suspend_debt)
# A call found late: the rerun posts only the difference.
printf 'call_id,msisdn,direction,number,start,answer,billsec\nlate-1,13900002222,out,13800138005,2026-11-20 09:00:00,2026-11-20 09:00:01,120\n' >"$T_DIR/late.csv"
simdeskctl cdr import "$T_DIR/late.csv" --format simdesk >/dev/null
t_rc 0 "a late call, then the run again" simdeskctl --json bill run 2026-11
t_grep "... one bill changed, 0.30 posted" '"changed": 1, "posted_fen": 30' "$T_DIR/out"
t_rc 4 "an operator cannot adjust" as operator operatorpw1 simdeskctl bill adjust 13600001111 2026-11 -5 --reason x
t_rc 5 "an adjustment needs an amount" simdeskctl bill adjust 13600001111 2026-11 abc --reason x
t_rc 5 "... one within the limit" simdeskctl bill adjust 13600001111 2026-11 99999999 --reason x
t_grep "... which is said" "amount: the limit is 1000000.00 yuan$" "$T_DIR/err"
t_rc 5 "... and not 0" simdeskctl bill adjust 13600001111 2026-11 0 --reason x
t_rc 0 "a supervisor credits 5 yuan" as supervisor supervisorpw1 simdeskctl bill adjust 13600001111 2026-11 -5 --reason 话费补偿
simdeskctl --json bill show 13600001111 2026-11 >"$T_DIR/o"
t_grep "... a line on the bill" '"kind": "adjust"' "$T_DIR/o"
t_grep "... the total follows" '"total_fen": 103575' "$T_DIR/o"
t_grep "... a ledger posting" "supervisor +ledger.post .*cust:1 -5.00; rev:adjust 5.00" <(simdeskctl audit list --op ledger.post)
t_rc 3 "a bill that does not exist" simdeskctl bill show 13600001111 2026-10
t_rc 0 "bill list --unpaid" simdeskctl bill list --month 2026-11 --unpaid
t_grep "... both" "半月客户" "$T_DIR/out"
# A rerun with nothing a bill reads changed since the last run (issue 18):
# the bills, postings and balances stay as they are, only the run's audit
# row is written, and it says so.
simdeskctl --json bill list --month 2026-11 >"$T_DIR/l1"
simdeskctl --json balance 13600001111 >"$T_DIR/a1"
simdeskctl audit list --op ledger.post >"$T_DIR/p1"
t_rc 0 "a run with nothing changed since the last" simdeskctl --json bill run 2026-11
t_grep "... the last run's bills, nothing changed or posted" '"customers": 2, "changed": 0, "posted_fen": 0' "$T_DIR/out"
simdeskctl --json bill list --month 2026-11 >"$T_DIR/l2"
simdeskctl --json balance 13600001111 >"$T_DIR/a2"
simdeskctl audit list --op ledger.post >"$T_DIR/p2"
cmp -s "$T_DIR/l1" "$T_DIR/l2" && cmp -s "$T_DIR/a1" "$T_DIR/a2" && cmp -s "$T_DIR/p1" "$T_DIR/p2"
t_ok "... bills, balance and postings byte for byte the same" $?
t_grep "... audited as a run that found nothing changed" "nothing billed changed since the last run" <(simdeskctl audit list --op bill.run)
# Each kind of input a bill reads makes the next run a whole one.
simdeskctl customer update 13600002222 --name 半月客户乙 >/dev/null
t_rc 0 "a customer renamed, then the run" simdeskctl --json bill run 2026-11
t_grep "... that bill changed, nothing posted" '"changed": 1, "posted_fen": 0' "$T_DIR/out"
t_grep "... the bill has the new name" '"name": "半月客户乙"' <(simdeskctl --json bill show 13600002222 2026-11)
simdeskctl customer update 13600002222 --name 半月客户 >/dev/null
t_rc 0 "the name back, then the run" simdeskctl --json bill run 2026-11
t_grep "... changed back" '"changed": 1, "posted_fen": 0' "$T_DIR/out"
simdeskctl customer update 13600002222 --city 杭州 >/dev/null
t_rc 0 "a change no bill shows (the city), then the run" simdeskctl --json bill run 2026-11
t_grep "... nothing changed" '"changed": 0, "posted_fen": 0' "$T_DIR/out"
simdeskctl plan update P39V --name 39元彩铃卡新 >/dev/null
t_rc 0 "a plan renamed, then the run" simdeskctl --json bill run 2026-11
t_grep "... its subscriber's bill changed" '"changed": 1, "posted_fen": 0' "$T_DIR/out"
simdeskctl plan update P39V --name 39元彩铃卡 >/dev/null
simdeskctl bill run 2026-11 >/dev/null
t_rc 0 "verify holds after billing" simdeskctl verify

# ---------------------------------------------------------------- payments, receipts
CS="as cashier cashierpw1"
t_rc 5 "a payment of nothing" $CS simdeskctl pay 13600001111 0 --method cash
t_rc 5 "an unknown method" $CS simdeskctl pay 13600001111 10 --method bitcoin
t_grep "... names it" "method: 'bitcoin' is not cash, card, wechat or alipay" "$T_DIR/err"
t_rc 3 "an unknown customer" $CS simdeskctl pay 13699999999 10 --method cash
t_rc 4 "an operator takes no money" as operator operatorpw1 simdeskctl pay 13600001111 10 --method cash
t_rc 0 "the cashier takes 1000 in cash" $CS simdeskctl pay 13600001111 1000 --method cash
[ "$(cat "$T_DIR/out")" = R00000001 ]; t_ok "... and prints the receipt number alone" $?
simdeskctl --json balance 13600001111 >"$T_DIR/o"
t_grep "... 35.75 still owed" '"balance_fen": -3575' "$T_DIR/o"
t_grep "... still suspended" '"status": "suspended"' "$T_DIR/o"
t_rc 0 "then 50 by WeChat" $CS simdeskctl --json pay 13600001111 50 --method wechat
t_grep "... the rest, 14.25, is credit" '"credit_fen": 1425' "$T_DIR/out"
simdeskctl --json balance 13600001111 >"$T_DIR/o"
t_grep "... the balance is positive" '"balance_fen": 1425' "$T_DIR/o"
t_grep "... service restored (复机)" '"status": "active"' "$T_DIR/o"
simdeskctl --json sim show 13900001111 >"$T_DIR/o"
t_grep "... the card is active again" '"status": "active"' "$T_DIR/o"
simdeskctl --json bill show 13600001111 2026-11 >"$T_DIR/o"
t_grep "... the bill is paid in full" '"paid_fen": 103575' "$T_DIR/o"
t_rc 0 "receipt show" simdeskctl receipt show R00000002
t_grep "... the shop's header" "simdesk" "$T_DIR/out"
t_grep "... the bill it paid" "2026-11 账单 +35.75" "$T_DIR/out"
t_grep "... the credit" "预存 +14.25" "$T_DIR/out"
t_rc 0 "on 32-column paper" simdeskctl receipt show R00000002 --paper 32
w=$(LC_ALL=C.UTF-8 wc -L <"$T_DIR/out")
[ "$w" -le 32 ]; t_ok "... no line wider than 32 columns, Chinese counted double ($w)" $?
t_rc 0 "receipt print" $CS simdeskctl receipt print R00000001
t_rc 1 "... the first print is no copy" grep -q COPY "$T_DIR/out"
t_rc 0 "a reprint" $CS simdeskctl receipt print R00000001
t_grep "... says COPY" "COPY" "$T_DIR/out"
t_rc 0 "ESC/POS bytes to a file" $CS simdeskctl receipt print R00000001 --file "$T_DIR/r.bin"
[ "$(head -c 4 "$T_DIR/r.bin" | od -An -tx1 | tr -d ' \n')" = 1b401c26 ]; t_ok "... starting ESC @, FS &" $?
[ "$(tail -c 4 "$T_DIR/r.bin" | od -An -tx1 | tr -d ' \n')" = 1d564200 ]; t_ok "... ending with the cut GS V" $?
printf '收据' | iconv -f UTF-8 -t GB18030 >"$T_DIR/gb"
grep -q -F -f "$T_DIR/gb" "$T_DIR/r.bin"; t_ok "... the Chinese in GB18030" $?
t_rc 4 "a cashier cannot void" $CS simdeskctl receipt void R00000002 --reason 收错
t_rc 0 "a supervisor voids the WeChat receipt" as supervisor supervisorpw1 simdeskctl receipt void R00000002 --reason 重复收费
simdeskctl --json balance 13600001111 >"$T_DIR/o"
t_grep "... the balance goes back to -35.75" '"balance_fen": -3575' "$T_DIR/o"
t_grep "... and the card is suspended again" '"status": "suspended"' "$T_DIR/o"
simdeskctl --json bill show 13600001111 2026-11 >"$T_DIR/o"
t_grep "... the bill owes 35.75 again" '"paid_fen": 100000' "$T_DIR/o"
t_rc 6 "... not twice" as supervisor supervisorpw1 simdeskctl receipt void R00000002 --reason again
simdeskctl receipt show R00000002 >"$T_DIR/o"
t_grep "... the number stays, marked VOID" "VOID" "$T_DIR/o"
t_rc 0 "the cashier closes the shift, counting 1000 in the drawer" $CS simdeskctl --json shift close --counted 1000
t_grep "... two receipts, one void" '"receipts": 2, "voids": 1' "$T_DIR/out"
t_grep "... cash expected 1000, counted 1000, no difference" '"expected_cash_fen": 100000, "counted_cash_fen": 100000, "difference_fen": 0' "$T_DIR/out"
$CS simdeskctl pay 13600001111 35.75 --method card >/dev/null
t_rc 0 "the next shift starts after the close" $CS simdeskctl --json shift close
t_grep "... one receipt, by card" '"receipts": 1, .*"card_fen": 3575' "$T_DIR/out"
t_rc 0 "verify: bills equal their lines, receipts without gaps" simdeskctl verify
t_grep "... bills" "bills" "$T_DIR/out"
t_grep "... receipts" "3 receipts in 1 series, 0 gaps" "$T_DIR/out"

# ---------------------------------------------------------------- simdeskd prints
printf 'printers = { front = "%s"; };\nreceipts = { header = "前台"; };\n' "$T_DIR/front.bin" >"$T_DIR/print.conf"
export SIMDESK_CONF="$T_DIR/print.conf"
t_stop_servers	# the configuration is the server's: start it afresh
t_rc 5 "a printer the configuration does not have" $CS simdeskctl receipt print R00000001 --printer back
t_grep "... says so" "no printer back in the configuration's printers group" "$T_DIR/err"
t_rc 0 "a receipt queued for the front printer" $CS simdeskctl receipt print R00000003 --printer front
t_grep "... says queued" "R00000003 queued for printer front" "$T_DIR/out"
"$T_TOP/build/bin/simdeskd" -f >"$T_DIR/daemon.log" 2>&1 &
DAEMON=$!
for _ in $(seq 50); do [ -s "$T_DIR/front.bin" ] && break; sleep 0.1; done
kill "$DAEMON"; wait "$DAEMON"
[ "$(head -c 4 "$T_DIR/front.bin" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 1b401c26 ]; t_ok "simdeskd prints it on the printer's port (ESC/POS)" $?
printf '前台' | iconv -f UTF-8 -t GB18030 >"$T_DIR/gb2"
grep -q -F -f "$T_DIR/gb2" "$T_DIR/front.bin"; t_ok "... with the counter's header in GB18030" $?
t_grep "... and logs it" "printed 1 receipt" "$T_DIR/daemon.log"
unset SIMDESK_CONF
