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
t_grep "... the rejects name the line" "^4,.*bundle: 'maybe'" "$T_DIR/rej.csv"
t_grep "every rate change is audited" "tariff.rate .*tariff:STD:010" <(simdeskctl audit list --op tariff.rate)
t_rc 0 "verify holds" simdeskctl verify
