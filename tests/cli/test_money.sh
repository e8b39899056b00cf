#!/usr/bin/env bash
# test_money.sh -- agent money (issue 16): versioned commission schemes,
# bounties, revenue shares, two tiers and two override levels over an
# agent tree of depth 3, the frozen period and the protection window
# (cancel before maturity, claw back after), the monthly run (rerun byte
# for byte the same), statements approved and paid by exactly one of two
# racing processes, an agent seeing only its branch, bad input refused with
# one line and nothing written, a voided customer receipt (its pending
# share cancelled, a settled one clawed back); verify after every step.
# Every figure below is worked out by hand in the comments.
. "$(dirname "$0")/../lib.sh"
t_tmp
t_seed || { t_ok "seed" 1; exit 1; }

verify() { t_rc 0 "verify holds: $1" simdeskctl verify; }
# A commission entry's field by card and kind: cfield MSISDN-CARD KIND FIELD
json_sum() {	# the sum of "amount_fen" in a JSON list on stdin
	grep -o '"amount_fen": -\?[0-9]*' | awk '{s += $2} END {print s + 0}'
}
sumof() {	# sumof ARGS...: the entries commission list ARGS lists, summed
	simdeskctl --json commission list "$@" | json_sum
}

# ---------------------------------------------------------------- the tree
# A1 (the seed's) > A1-1 > A1-1-1, and B1 on a branch of its own.
simdeskctl agent add A1-1 --name 杭州二级 --parent A1 >/dev/null
simdeskctl agent add A1-1-1 --name 西湖门店 --parent A1-1 >/dev/null
simdeskctl agent add B1 --name 华南总代 >/dev/null
for a in A1 A1-1 A1-1-1 B1; do simdeskctl agent approve $a >/dev/null; done
SIMDESK_NEW_PASSWORD=agentpw2 simdeskctl user add agb --role agent --agent B1 >/dev/null
simdeskctl plan add P39 --name 39元卡 --monthly-fee 39 >/dev/null
simdeskctl plan add P59 --name 59元卡 --monthly-fee 59 >/dev/null
{
	echo iccid,msisdn,plan
	for i in 1 2 3 4 5 6 7 8 9; do echo "898600800000000000$i,1390000000$i,P39"; done
} >"$T_DIR/cards.csv"
simdeskctl sim import "$T_DIR/cards.csv" >/dev/null
for i in 1 2 3 4 5 6 7 8 9; do
	as operator operatorpw1 simdeskctl customer add --name 客户$i --phone 1360000000$i >/dev/null
done

# ---------------------------------------------------------------- schemes
t_rc 0 "a scheme: frozen 7 days, protected 90, overrides 20% and 10%" \
    simdeskctl commission scheme add S1 --name 标准方案 --frozen-days 7 --protect-days 90 --override 20,10
t_grep "... version 1" "^S1 v1$" "$T_DIR/out"
t_rc 0 "a bounty of 10.00 per P39 card, 5% of 3 billing months" \
    simdeskctl commission scheme bounty S1 P39 10 --share 5 --share-months 3
t_grep "... version 2" "^S1 v2$" "$T_DIR/out"
t_rc 0 "a tier: from the 3rd activation of a month, 2.00 each" simdeskctl commission scheme tier S1 3 2
t_rc 0 "a second tier: from the 5th, 4.00 each" simdeskctl commission scheme tier S1 5 4
t_rc 0 "commission scheme show --json" simdeskctl --json commission scheme show S1
[ "$(grep -c '"version"' "$T_DIR/out")" -eq 4 ]; t_ok "... four versions, none edited" $?
t_grep "... the overrides in basis points" '2000,' <(tr -d ' \n' <"$T_DIR/out")
verify "schemes"

# Bad input: one line, nothing written.
simdeskctl --json commission scheme show S1 >"$T_DIR/s0"
ni=$(simdeskctl --json invoice list | grep -c '"number"')
t_rc 5 "an unknown plan is refused" simdeskctl commission scheme bounty S1 NOPE 10
t_grep "... naming it" "plan: no plan NOPE" "$T_DIR/err"; t_oneline "... in one line"
t_rc 5 "a share over 100% is refused" simdeskctl commission scheme bounty S1 P39 10 --share 100.5 --share-months 3
t_oneline "... in one line"
t_rc 5 "an override over 100% is refused" simdeskctl commission scheme add S1 --override 20,101
t_oneline "... in one line"
t_rc 5 "a negative bounty is refused" simdeskctl commission scheme bounty S1 P39 -5
t_grep "... saying so" "amount: must not be negative" "$T_DIR/err"; t_oneline "... in one line"
t_rc 5 "a negative tier bonus is refused" simdeskctl commission scheme tier S1 7 -1
t_oneline "... in one line"
t_rc 5 "a share without its months is refused" simdeskctl commission scheme bounty S1 P39 10 --share 5
t_rc 6 "a month in the future is refused" simdeskctl commission run 2099-01
t_oneline "... in one line"
t_rc 5 "a month that is not one" simdeskctl commission run 2026-13
t_rc 4 "an operator cannot edit schemes" as operator operatorpw1 simdeskctl commission scheme tier S1 9 1
simdeskctl --json commission scheme show S1 >"$T_DIR/s1"
cmp -s "$T_DIR/s0" "$T_DIR/s1"; t_ok "... nothing of it was written to the scheme" $?
[ "$(simdeskctl audit list --op commission | grep -c ' ok ')" -eq 4 ]; t_ok "... nor audited as a change" $?
t_rc 5 "an unknown scheme for an agent" simdeskctl agent update A1 --scheme NOPE

# ---------------------------------------------------------------- inheritance
t_rc 0 "A1 gets S1" simdeskctl agent update A1 --scheme S1
t_rc 0 "agent show --json: its own" simdeskctl --json agent show A1
t_grep "... scheme S1" '"scheme": "S1"' "$T_DIR/out"
t_grep "... not inherited" '"scheme_inherited": false' "$T_DIR/out"
t_rc 0 "the grandchild inherits it" simdeskctl --json agent show A1-1-1
t_grep "... scheme S1" '"scheme": "S1"' "$T_DIR/out"
t_grep "... inherited" '"scheme_inherited": true' "$T_DIR/out"
t_rc 0 "B1 has none" simdeskctl --json agent show B1
t_grep "... empty" '"scheme": ""' "$T_DIR/out"
simdeskctl commission scheme add DEFAULT --name 默认 >/dev/null
t_rc 0 "... until a DEFAULT scheme exists" simdeskctl --json agent show B1
t_grep "... which it inherits" '"scheme": "DEFAULT"' "$T_DIR/out"

# ---------------------------------------------------------------- activations
act() {	# act N DATE AGENT
	simdeskctl sim activate 1390000000$1 --customer 1360000000$1 --date "$2" --agent "$3" >/dev/null
}
# A1-1-1 sells four cards on 1-10 November at the bounty of 10.00.
act 1 2026-11-01 A1-1-1; act 2 2026-11-03 A1-1-1; act 3 2026-11-05 A1-1-1; act 4 2026-11-10 A1-1-1
t_rc 0 "four activations: their entries" simdeskctl --json commission list --month 2026-11
# 4 bounties of 10.00 (40.00), overrides 20% = 2.00 x 4 to A1-1, 10% =
# 1.00 x 4 to A1: 12 entries, 52.00.
[ "$(grep -c '"kind": "bounty"' "$T_DIR/out")" -eq 4 ]; t_ok "... four bounties" $?
[ "$(grep -c '"kind": "override"' "$T_DIR/out")" -eq 8 ]; t_ok "... eight overrides, two levels" $?
[ "$(json_sum <"$T_DIR/out")" -eq 5200 ]; t_ok "... 52.00 in all" $?
[ "$(sumof --agent A1-1 --month 2026-11)" -eq 4800 ]; t_ok "... A1-1's branch: 40.00 + 8.00" $?
t_grep "... the bounty copies its scheme and version" '"scheme": "S1",' "$T_DIR/out"
t_grep "... a level-2 override names its child entry" '"source": "entry:1"' "$T_DIR/out"
t_grep "... matured (the frozen week is long over)" '"state": "payable"' "$T_DIR/out"
simdeskctl --json commission list --month 2026-11 >"$T_DIR/before-edit"
verify "activations"

# The scheme edited mid-month: 20.00 from 15 November.
t_rc 0 "a new bounty from 2026-11-15" simdeskctl commission scheme bounty S1 P39 20 --from 2026-11-15
t_grep "... version 5" "^S1 v5$" "$T_DIR/out"
t_rc 5 "... a change cannot reach back before it" simdeskctl commission scheme tier S1 9 1 --from 2026-11-14
act 5 2026-11-16 A1-1-1; act 6 2026-11-18 A1-1-1
act 7 2026-11-20 A1-1
simdeskctl --json commission list --month 2026-11 >"$T_DIR/after-edit"
head -c "$(wc -c <"$T_DIR/before-edit" | awk '{print $1 - 3}')" "$T_DIR/after-edit" >"$T_DIR/prefix"
head -c "$(wc -c <"$T_DIR/before-edit" | awk '{print $1 - 3}')" "$T_DIR/before-edit" >"$T_DIR/prefix0"
cmp -s "$T_DIR/prefix" "$T_DIR/prefix0"; t_ok "the earlier entries are unchanged by the edit" $?
# New: 2 x 20.00 for A1-1-1 (overrides 4.00 x 2, 2.00 x 2), 20.00 for
# A1-1's own card (override 4.00 to A1, its only level up).
[ "$(sumof --month 2026-11)" -eq $((5200 + 4000 + 800 + 400 + 2000 + 400)) ]; t_ok "... the later ones at 20.00: 128.00 in all" $?
t_grep "... copying version 5" '"version": 5' "$T_DIR/after-edit"

# ---------------------------------------------------------------- payments: the share
simdeskctl bill run 2026-11 >/dev/null
simdeskctl --json bill show 13600000001 2026-11 >"$T_DIR/o"
t_grep "card 1's bill: the plan's 39.00" '"total_fen": 3900' "$T_DIR/o"
# 39.00 paid: 5% = 1.95; overrides 20% = 0.39 and 10% of 1.95 = 0.195,
# half-up 0.20.
CS="as cashier cashierpw1"
$CS simdeskctl pay 13600000001 39 --method cash >/dev/null
t_rc 0 "a payment against card 1's bill" simdeskctl --json commission list --month "$(sdate +%Y-%m)"
[ "$(grep -c '"kind": "share"' "$T_DIR/out")" -eq 1 ]; t_ok "... one share" $?
t_grep "... 1.95 (5% of 39.00)" '"amount_fen": 195,' "$T_DIR/out"
t_grep "... 0.39 to the parent" '"amount_fen": 39,' "$T_DIR/out"
t_grep "... 0.20 to the grandparent (0.195 half-up)" '"amount_fen": 20,' "$T_DIR/out"
t_grep "... from the payment" '"source": "payment:R00000001"' "$T_DIR/out"
t_grep "... pending its frozen week" '"state": "pending"' "$T_DIR/out"
# 12.34 paid on card 2's bill: 5% = 0.617 -> 0.62; 20% of 0.62 = 0.124 ->
# 0.12; 10% = 0.062 -> 0.06.  Half-up per allocation: 0.80 in all.
$CS simdeskctl pay 13600000002 12.34 --method cash >/dev/null
[ "$(sumof --month "$(sdate +%Y-%m)")" -eq $((195 + 39 + 20 + 62 + 12 + 6)) ]; t_ok "a second payment of 12.34: 0.62 + 0.12 + 0.06" $?
verify "payments"

# ---------------------------------------------------------------- protection window
# Card 8 sold yesterday: its bounty is pending; terminated now, inside the
# 90 days, the bounty and its overrides are cancelled.
act 8 "$(sdate -d '-1 day' +%F)" A1-1-1
simdeskctl --json commission list --state pending >"$T_DIR/o"
[ "$(grep -c '"iccid": "8986008000000000008[0-9]"' "$T_DIR/o")" -eq 3 ]; t_ok "card 8: a pending bounty and two overrides" $?
iccid() { simdeskctl --json sim show "$1" | grep -o '"iccid": "[0-9]*"' | grep -oE '[0-9]{19,}'; }
t_rc 0 "card 8 terminated" simdeskctl sim terminate "$(iccid 13900000008)" --reason 退货
[ "$(simdeskctl --json commission list --state cancelled | grep -c '"kind"')" -eq 3 ]; t_ok "... all three cancelled, none clawed back" $?
[ "$(simdeskctl --json commission list | grep -c '"kind": "clawback"')" -eq 0 ]; t_ok "... (no clawback)" $?
verify "a cancellation"

# ---------------------------------------------------------------- the run
t_rc 4 "a cashier cannot run commissions" $CS simdeskctl commission run 2026-11
t_rc 0 "commission run 2026-11" simdeskctl --json commission run 2026-11
# Tiers: A1-1-1's 3rd and 4th activations earn 2.00, its 5th and 6th 4.00
# (12.00), overrides 20% (2.40) and 10% (1.20).  A1-1 sold one card: no
# tier.  Statements: A1-1-1 40 + 40 + 12 = 92.00; A1-1 8 + 8 + 20 + 2.40 =
# 38.40; A1 4 + 4 + 4 + 1.20 = 13.20: three, 143.60.
t_grep "... three statements, 143.60, four tier bonuses" '"statements": 3, "total_fen": 14360, "tiers": 4' "$T_DIR/out"
cp "$T_DIR/out" "$T_DIR/run1"
[ "$(sumof --month 2026-11)" -eq $((12800 + 1200 + 240 + 120)) ]; t_ok "the month's entries: 143.60" $?
t_rc 0 "settlement list --json" simdeskctl --json settlement list --month 2026-11
for k in id agent month state total_fen; do t_grep "... has $k" "\"$k\":" "$T_DIR/out"; done
t_grep "... A1-1-1: 92.00, draft" '"agent": "A1-1-1",.*' <(tr -d '\n' <"$T_DIR/out")
S3=$(simdeskctl --json settlement list --agent A1-1-1 | grep -o '"id": [0-9]*' | grep -oE '[0-9]+')
S2=$(simdeskctl --json settlement list --agent A1-1 --month 2026-11 | grep -o '"id": [0-9]*' | head -1 | grep -oE '[0-9]+')
S1=$(simdeskctl --json settlement list --agent A1 --month 2026-11 | grep -o '"id": [0-9]*' | head -1 | grep -oE '[0-9]+')
t_rc 0 "settlement show --json" simdeskctl --json settlement show "$S3"
t_grep "... 92.00" '"total_fen": 9200' "$T_DIR/out"
t_grep "... draft" '"state": "draft"' "$T_DIR/out"
[ "$(grep -c '"kind": "bounty"' "$T_DIR/out")" -eq 6 ] && [ "$(grep -c '"kind": "tier"' "$T_DIR/out")" -eq 4 ]
t_ok "... six bounties and four tier lines" $?
[ "$(json_sum <"$T_DIR/out")" -eq 9200 ]; t_ok "... the lines sum to the total" $?
simdeskctl --json settlement show "$S2" | grep -q '"total_fen": 3840'; t_ok "A1-1's: 38.40" $?
simdeskctl --json settlement show "$S1" | grep -q '"total_fen": 1320'; t_ok "A1's: 13.20" $?
simdeskctl --json settlement list >"$T_DIR/l1"; simdeskctl --json commission list >"$T_DIR/c1"
np1=$(simdeskctl audit list --op ledger.post | wc -l)
t_rc 0 "the run again" simdeskctl --json commission run 2026-11
cmp -s "$T_DIR/out" "$T_DIR/run1"; t_ok "... says the same" $?
simdeskctl --json settlement list >"$T_DIR/l2"; simdeskctl --json commission list >"$T_DIR/c2"
cmp -s "$T_DIR/l1" "$T_DIR/l2" && cmp -s "$T_DIR/c1" "$T_DIR/c2"; t_ok "... statements and entries byte for byte the same" $?
[ "$(simdeskctl audit list --op ledger.post | wc -l)" -eq "$np1" ]; t_ok "... and nothing posted twice" $?
verify "the run"

# ---------------------------------------------------------------- who sees what
AG="as agent agentpw1"		# bound to A1: the whole tree below it
AB="as agb agentpw2"		# bound to B1: another branch
t_rc 0 "an agent user lists its branch's entries" $AG simdeskctl --json commission list --month 2026-11
[ "$(json_sum <"$T_DIR/out")" -eq 14360 ]; t_ok "... all of A1's tree" $?
t_rc 0 "... and shows a statement below it" $AG simdeskctl settlement show "$S3"
t_rc 4 "another branch's agent asking for A1-1's entries is refused (4)" $AB simdeskctl commission list --agent A1-1
t_grep "... audited" "agb .*commission.show .*denied" <(simdeskctl audit list --user agb)
t_rc 4 "... and for A1-1-1's statement" $AB simdeskctl settlement show "$S3"
t_rc 0 "... its own list is empty" $AB simdeskctl --json settlement list
t_nogrep "... of other branches' statements" '"id"' "$T_DIR/out"
t_rc 4 "an agent cannot approve" $AG simdeskctl settlement approve "$S3"
t_rc 4 "... nor run" $AG simdeskctl commission run 2026-11

# ---------------------------------------------------------------- export
# Its ten lines and a row "total", under one header row; the CSV in UTF-8
# with a BOM and CRLF, ICCIDs led by a tab so Excel keeps them as text.
t_rc 0 "settlement export --format csv" simdeskctl settlement export "$S3" --format csv --out "$T_DIR/s3.csv"
[ "$(grep -c "^$S3,A1-1-1,西湖门店,2026-11," "$T_DIR/s3.csv")" -eq 11 ]; t_ok "... its ten lines and the total" $?
t_grep "... the total" "^$S3,A1-1-1,西湖门店,2026-11,,total,draft,92.00,,,,,,"$'\r'"\$" "$T_DIR/s3.csv"
[ "$(head -c 3 "$T_DIR/s3.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ]; t_ok "... a BOM first" $?
[ "$(grep -c $'\r$' "$T_DIR/s3.csv")" -eq 12 ]; t_ok "... every line ends CRLF" $?
t_grep "... the header" $'^\xef\xbb\xbfstatement,agent,name,month,id,kind,state,amount,date,source,iccid,plan,base,rate\r$' "$T_DIR/s3.csv"
t_grep "... ICCIDs kept as text (a leading tab)" $',\t898600800000000000[0-9]+,P39,' "$T_DIR/s3.csv"
t_rc 0 "the same without --format" simdeskctl settlement export "$S3" --out "$T_DIR/s3b.csv"
cmp -s "$T_DIR/s3.csv" "$T_DIR/s3b.csv"; t_ok "... the same bytes" $?

t_rc 0 "settlement export --format csv-gbk" simdeskctl settlement export "$S3" --format csv-gbk --out "$T_DIR/s3g.csv"
[ "$(head -c 9 "$T_DIR/s3g.csv")" = statement ]; t_ok "... no BOM" $?
LC_ALL=C grep -qF "$(printf '西湖门店' | iconv -f UTF-8 -t GB18030)" "$T_DIR/s3g.csv"; t_ok "... 西湖门店 in GB18030" $?
iconv -f GB18030 -t UTF-8 "$T_DIR/s3g.csv" >"$T_DIR/s3g.utf8" && tail -c +4 "$T_DIR/s3.csv" | cmp -s - "$T_DIR/s3g.utf8"
t_ok "... back from GB18030, the UTF-8 file's text" $?

t_rc 0 "settlement export --format xlsx" simdeskctl settlement export "$S3" --format xlsx --out "$T_DIR/s3.xlsx"
unzip -p "$T_DIR/s3.xlsx" xl/worksheets/sheet1.xml >"$T_DIR/sheet.xml" 2>/dev/null; t_ok "... a workbook with a sheet" $?
unzip -p "$T_DIR/s3.xlsx" xl/sharedStrings.xml >"$T_DIR/strings.xml" 2>/dev/null
t_grep "... the header frozen" '<pane ySplit="1"[^>]*state="frozen"' "$T_DIR/sheet.xml"
t_grep "... the total a number cell" '<c r="H12" s="[0-9]+"><v>92</v></c>' "$T_DIR/sheet.xml"
t_grep "... dates real dates" '<c r="I2" s="[0-9]+"><v>4[0-9]{4}</v></c>' "$T_DIR/sheet.xml"
t_grep "... ICCIDs strings" '<c r="K2" t="s"' "$T_DIR/sheet.xml"
t_grep "... the agent's name" '<t>西湖门店</t>' "$T_DIR/strings.xml"
t_grep "... all their digits" '<t>898600800000000000[0-9]+</t>' "$T_DIR/strings.xml"
t_grep "... the sheet named" 'name="settlement"' <(unzip -p "$T_DIR/s3.xlsx" xl/workbook.xml)

t_rc 5 "an unknown format is refused (5)" simdeskctl settlement export "$S3" --format xls --out "$T_DIR/s3.xls"
t_grep "... naming the field" "^simdeskctl: format: 'xls' is not csv, csv-gbk or xlsx$" "$T_DIR/err"
[ ! -e "$T_DIR/s3.xls" ] && [ -z "$(ls -A "$T_DIR" | grep '^\.s3')" ]; t_ok "... nothing written, no temporary left" $?
t_rc 5 "a directory that is not there is refused (5)" simdeskctl settlement export "$S3" --format xlsx --out "$T_DIR/nodir/s3.xlsx"
t_oneline "... in one line"
t_grep "... naming the file" "nodir/s3.xlsx" "$T_DIR/err"

# ---------------------------------------------------------------- approve, pay
t_rc 6 "a draft cannot be paid (6)" simdeskctl settlement pay "$S3" --method bank
t_grep "... naming both states" "is draft, not approved" "$T_DIR/err"
t_rc 0 "approve A1-1-1's statement" as supervisor supervisorpw1 simdeskctl settlement approve "$S3"
t_rc 6 "... not twice (6)" simdeskctl settlement approve "$S3"
[ "$(simdeskctl --json settlement show "$S3" | grep -c '"state": "settled"')" -eq 10 ]; t_ok "... its ten lines settled" $?
verify "an approval"
race() {	# race CMD...: two processes at once; their exit codes, sorted
	"$@" >/dev/null 2>"$T_DIR/race1" & p1=$!
	"$@" >/dev/null 2>"$T_DIR/race2" & p2=$!
	wait $p1; r1=$?; wait $p2; r2=$?
	echo "$r1 $r2" | tr ' ' '\n' | sort | tr '\n' ' '
}
t_grep "two approvals of A1-1's at once: one wins, one is refused (6)" '^0 6 $' <(race simdeskctl settlement approve "$S2")
[ "$(simdeskctl audit list --op settlement.approve | grep -c "statement:$S2 ")" -eq 1 ]; t_ok "... one approval on record" $?
t_grep "two payments of it at once: one wins, one is refused (6)" '^0 6 $' <(race simdeskctl settlement pay "$S2" --method bank --ref 网银20261205)
simdeskctl --json settlement show "$S2" >"$T_DIR/o"
t_grep "... paid" '"state": "paid"' "$T_DIR/o"
t_grep "... by bank, with the reference" '"method": "bank", "ref": "网银20261205"' <(tr -d '\n' <"$T_DIR/o" | sed 's/,  */, /g')
[ "$(simdeskctl audit list --op ledger.post | grep -c "agent:A1-1:comm 38.40; pay:bank -38.40")" -eq 1 ]
t_ok "... posted once: its payable debited, the bank credited" $?
verify "a payment"

# ---------------------------------------------------------------- clawback after maturity
# Card 1 (sold 1 November, its 10.00 bounty settled on the approved
# statement) is terminated inside the 90 days: a clawback of -10.00 and its
# overrides -2.00 and -1.00, payable at once; nothing edited.
simdeskctl --json settlement show "$S3" >"$T_DIR/s3a"
t_rc 0 "card 1 terminated after its bounty was settled" simdeskctl sim terminate "$(iccid 13900000001)" --reason 恶意开卡
simdeskctl --json commission list --state payable >"$T_DIR/o"
[ "$(grep -c '"kind": "clawback"' "$T_DIR/o")" -eq 1 ]; t_ok "... one clawback" $?
t_grep "... of -10.00" '"amount_fen": -1000,' "$T_DIR/o"
t_grep "... with its overrides, -2.00" '"amount_fen": -200,' "$T_DIR/o"
t_grep "... and -1.00" '"amount_fen": -100,' "$T_DIR/o"
simdeskctl --json settlement show "$S3" >"$T_DIR/s3b"
cmp -s "$T_DIR/s3a" "$T_DIR/s3b"; t_ok "... the approved statement is untouched" $?
t_rc 0 "... the card's cancellation is not repeated by a second termination" simdeskctl sim show "$(iccid 13900000001)"
verify "a clawback"
t_rc 0 "the run of November again picks up A1's part" simdeskctl --json commission run 2026-11
simdeskctl --json settlement show "$S1" | grep -q '"total_fen": 1220'; t_ok "... on its November draft: 13.20 - 1.00 = 12.20" $?
CUR=$(sdate +%Y-%m)
t_rc 0 "the run of this month" simdeskctl --json commission run "$CUR"
simdeskctl --json settlement list --agent A1-1-1 --month "$CUR" >"$T_DIR/o"
t_grep "... A1-1-1's clawback on its next statement: -10.00" '"total_fen": -1000' "$T_DIR/o"
simdeskctl --json settlement list --agent A1-1 --month "$CUR" >"$T_DIR/o"
t_grep "... A1-1's (its November one is paid): -2.00" '"total_fen": -200' "$T_DIR/o"
t_rc 0 "... the shares, still frozen, stay off it" simdeskctl --json commission list --agent A1-1-1 --state pending
[ "$(grep -c '"kind": "share"' "$T_DIR/out")" -eq 2 ]; t_ok "... two shares pending" $?
verify "the runs after a clawback"
# Paying A1's statement as an offset against its receivable.
simdeskctl settlement approve "$S1" >/dev/null
t_rc 0 "pay A1's by offset against its receivable (抵扣货款)" simdeskctl settlement pay "$S1" --method offset
t_grep "... the receivable credited" "ledger.post .*agent:A1:comm 12.20; agent:A1:recv -12.20" <(simdeskctl audit list --op ledger.post)
t_rc 5 "an unknown payout method" simdeskctl settlement pay "$S3" --method bitcoin
verify "an offset"

# ---------------------------------------------------------------- collections
# Four P59 cards at 100.00 each; A1's credit limit 300.00.  Its receivable
# starts at -12.20 (the statement offset above).
{
	echo iccid,msisdn,plan,price
	for i in 1 2 3 4; do echo "898600810000000000$i,1391000000$i,P59,100"; done
} >"$T_DIR/cards2.csv"
simdeskctl sim import "$T_DIR/cards2.csv" >/dev/null
simdeskctl agent update A1 --credit-limit 300 >/dev/null
simdeskctl order add --agent A1 --plan P59 --count 2 >"$T_DIR/o"; O1=$(cat "$T_DIR/o")
simdeskctl order approve "$O1" >/dev/null && simdeskctl order ship "$O1" --carrier 顺丰 --tracking SF1 >/dev/null &&
    simdeskctl order deliver "$O1" >/dev/null; t_ok "an order of 200.00 delivered to A1" $?
simdeskctl order add --agent A1 --plan P59 --count 2 >"$T_DIR/o"; O2=$(cat "$T_DIR/o")
t_rc 6 "the next order is over the credit limit: 187.80 + 200.00 > 300.00" simdeskctl order approve "$O2"
t_rc 5 "agent pay: a negative amount is refused" simdeskctl agent pay A1 -5 --method bank
t_rc 5 "... an unknown method" simdeskctl agent pay A1 5 --method bitcoin
t_rc 4 "... an operator takes no money" as operator operatorpw1 simdeskctl agent pay A1 5 --method cash
t_rc 0 "A1 pays 150.00 by bank" $CS simdeskctl agent pay A1 150 --method bank --ref 网银0001
t_grep "... the first number of the agent series" "^AR00000001$" "$T_DIR/out"
t_rc 0 "... its receipt" simdeskctl agent receipt AR00000001
t_grep "... allocated to the delivered order" "订单 $O1  150.00" "$T_DIR/out"
t_grep "... the receivable after it: 37.80" "应收余额: 37.80" "$T_DIR/out"
t_rc 0 "the freed credit lets the order through: 37.80 + 200.00 <= 300.00" simdeskctl order approve "$O2"
t_rc 0 "agent aging A1 --json" simdeskctl --json agent aging A1
t_grep "... 50.00 owed on the order, 0-30 days" '"d0_30_fen": 5000' "$T_DIR/out"
t_grep "... the ledger's receivable" '"receivable_fen": 3780' "$T_DIR/out"
t_rc 0 "a second payment" simdeskctl --json agent pay A1 60 --method cash
t_grep "... numbered next" '"number": "AR00000002"' "$T_DIR/out"
t_grep "... 50.00 to the order, 10.00 left over" '"unallocated_fen": 1000' "$T_DIR/out"
t_rc 4 "another branch's agent cannot see A1's aging" $AB simdeskctl agent aging A1
verify "collections"

# ---------------------------------------------------------------- invoices
# The order of two P59 cards delivered above got its sales invoice.
t_rc 0 "invoice list --json" simdeskctl --json invoice list
t_grep "... the delivered order's, numbered first in its series" '"number": "INV00000001"' "$T_DIR/out"
t_grep "... 200.00" '"amount_fen": 20000' "$T_DIR/out"
t_grep "... of that order" "\"order\": $O1," "$T_DIR/out"
t_rc 0 "invoice print: plain text" simdeskctl invoice print INV00000001
t_grep "... 销售发票 and its number" "销售发票 INV00000001" "$T_DIR/out"
t_rc 0 "... and --csv" simdeskctl invoice print INV00000001 --csv
t_grep "... a row" "^INV00000001,.*,$O1,A1,P59,2,200.00,issued" "$T_DIR/out"
t_rc 2 "a void needs a reason" simdeskctl invoice void INV00000001
t_rc 4 "a cashier cannot void" $CS simdeskctl invoice void INV00000001 --reason x
t_rc 0 "void with a reason" simdeskctl invoice void INV00000001 --reason 开票信息有误
t_grep "... a reversing invoice, numbered next" "^INV00000002$" "$T_DIR/out"
simdeskctl --json invoice show INV00000002 >"$T_DIR/o"
t_grep "... of -200.00" '"amount_fen": -20000' "$T_DIR/o"
t_grep "... naming the voided one" '"reverses": "INV00000001"' "$T_DIR/o"
simdeskctl --json invoice show INV00000001 >"$T_DIR/o"
t_grep "... which stays on file, void" '"state": "void"' "$T_DIR/o"
t_rc 6 "... not twice (6)" simdeskctl invoice void INV00000001 --reason x
t_rc 6 "a reversal is not voided" simdeskctl invoice void INV00000002 --reason x
t_rc 5 "a fapiao number must be digits" simdeskctl invoice fapiao INV00000002 ABC
t_rc 0 "the tax system's fapiao number" simdeskctl invoice fapiao INV00000002 04400123456789
t_rc 6 "... once" simdeskctl invoice fapiao INV00000002 04400123456780
verify "invoices"

# ---------------------------------------------------------------- a voided receipt
# One entry object a line: objs <JSON
objs() { tr -d '\n' | sed 's/  */ /g; s/ *}, *{/}\n{/g; s/^\[ *//; s/ *\]$//; s/{ /{/g'; echo; }
# The statement of an agent (not of its branch) for a month: sid AGENT MONTH
sid() {
	simdeskctl --json settlement list --agent "$1" --month "$2" | objs |
	    grep "\"agent\": \"$1\"," | grep -o '"id": [0-9]*' | grep -oE '[0-9]+'
}
SV="as supervisor supervisorpw1"
# R00000001 paid card 1's bill: its share (1.95) and the overrides (0.39,
# 0.20) are still in their frozen week; voiding it cancels all three and
# claws nothing back.
nc=$(simdeskctl --json commission list --state cancelled | json_sum)
ncb=$(simdeskctl --json commission list | grep -c '"kind": "clawback"')
t_rc 0 "a supervisor voids R00000001" $SV simdeskctl receipt void R00000001 --reason 重复收费
simdeskctl --json commission list --state cancelled | objs >"$T_DIR/o"
[ "$(grep '"source": "payment:R00000001"' "$T_DIR/o" | grep -c '"kind": "share"')" -eq 1 ]; t_ok "... its share cancelled" $?
[ "$(grep -c '"source": "entry:[0-9]*".*"plan": "P39".*' "$T_DIR/o")" -ge 2 ]; t_ok "... with its overrides" $?
[ "$(json_sum <"$T_DIR/o")" -eq $((nc + 195 + 39 + 20)) ]; t_ok "... 1.95 + 0.39 + 0.20 more cancelled" $?
[ "$(simdeskctl --json commission list | grep -c '"kind": "clawback"')" -eq "$ncb" ]; t_ok "... no clawback" $?
[ "$(sumof --state pending)" -eq $((62 + 12 + 6)) ]; t_ok "... R00000002's 0.80 alone still pending" $?
t_grep "... posted back off the frozen account" "agent:A1-1-1:comm_frozen 1.95; exp:commission -1.95" <(simdeskctl audit list --op ledger.post)
verify "a voided receipt, its share pending"
t_rc 6 "a receipt is not voided twice (6)" $SV simdeskctl receipt void R00000001 --reason again
[ "$(simdeskctl --json commission list --state cancelled | json_sum)" -eq $((nc + 254)) ]; t_ok "... nor its share cancelled twice" $?

# A version of S1 without a frozen period from today: a share is payable
# at once.  20.30 on card 2's bill: 5% = 1.015 -> 1.02 (half-up); 20% of
# 1.02 = 0.204 -> 0.20; 10% = 0.102 -> 0.10.
t_rc 0 "S1 without a frozen period from today" simdeskctl commission scheme add S1 --frozen-days 0
t_rc 0 "20.30 paid on card 2's bill" $CS simdeskctl pay 13600000002 20.30 --method cash
R3=$(cat "$T_DIR/out")
simdeskctl --json commission list | objs | grep "\"source\": \"payment:$R3\"" >"$T_DIR/o"
t_grep "... a share of 1.02" '"kind": "share", "state": "payable", "amount_fen": 102,' "$T_DIR/o"
SH=$(grep -o '"id": [0-9]*' "$T_DIR/o" | grep -oE '[0-9]+')
simdeskctl --json commission list | objs | grep "\"source\": \"entry:$SH\"" >"$T_DIR/o"
t_grep "... 0.20 to A1-1" '"agent": "A1-1", "kind": "override", "state": "payable", "amount_fen": 20,' "$T_DIR/o"
t_grep "... 0.10 to A1" '"agent": "A1", "kind": "override", "state": "payable", "amount_fen": 10,' "$T_DIR/o"
verify "a payable share"
# The run puts it on A1-1-1's statement of this month (-10.00 + 1.02),
# approved: the share is settled.
simdeskctl commission run "$CUR" >/dev/null
SC=$(sid A1-1-1 "$CUR")
simdeskctl --json settlement show "$SC" | grep -q '"total_fen": -898'; t_ok "this month's run: A1-1-1's statement -10.00 + 1.02 = -8.98" $?
SA=$(sid A1-1 "$CUR")
simdeskctl --json settlement show "$SA" | grep -q '"total_fen": -180'; t_ok "... A1-1's -2.00 + 0.20 = -1.80" $?
t_rc 0 "... A1-1-1's approved" simdeskctl settlement approve "$SC"
simdeskctl --json settlement show "$SC" >"$T_DIR/sca"
t_grep "... the share settled" '"kind": "share", "state": "settled", "amount_fen": 102,' <(objs <"$T_DIR/sca")
# Voiding the payment claws the settled share back: -1.02, with overrides
# -0.20 and -0.10, payable at once; nothing edited.
simdeskctl --json commission list >"$T_DIR/c0"
t_rc 0 "the receipt voided after its share was settled" $SV simdeskctl receipt void "$R3" --reason 收错客户
simdeskctl --json commission list | objs | grep "\"source\": \"entry:$SH\"" >"$T_DIR/o"
t_grep "... a clawback of -1.02, payable" '"agent": "A1-1-1", "kind": "clawback", "state": "payable", "amount_fen": -102,' "$T_DIR/o"
CB=$(grep '"kind": "clawback"' "$T_DIR/o" | grep -o '"id": [0-9]*' | grep -oE '[0-9]+')
simdeskctl --json commission list | objs | grep "\"source\": \"entry:$CB\"" >"$T_DIR/o"
t_grep "... with -0.20 to A1-1" '"agent": "A1-1", "kind": "override", "state": "payable", "amount_fen": -20,' "$T_DIR/o"
t_grep "... and -0.10 to A1" '"agent": "A1", "kind": "override", "state": "payable", "amount_fen": -10,' "$T_DIR/o"
simdeskctl --json commission list | objs | grep "\"id\": $SH," >"$T_DIR/o"
t_grep "... the share itself stays settled" '"state": "settled", "amount_fen": 102,' "$T_DIR/o"
simdeskctl --json settlement show "$SC" | cmp -s - "$T_DIR/sca"; t_ok "... its approved statement untouched" $?
verify "a clawed-back share"
simdeskctl commission run "$CUR" >/dev/null
simdeskctl --json settlement show "$SA" | grep -q '"total_fen": -200'; t_ok "the run again: A1-1's draft takes its -0.20 (-1.80 - 0.20)" $?
simdeskctl --json commission list | objs | grep "\"id\": $CB," >"$T_DIR/o"
t_grep "... A1-1-1's clawback waits for a statement not yet approved" '"statement": 0}' "$T_DIR/o"
verify "the run after a clawed-back share"

# ---------------------------------------------------------------- a customer bill's invoice
# Card 1's November bill (39.00, its payment voided above) invoiced on
# request: numbered first in the bill series, beside the orders' INV ones.
CUST1=$(simdeskctl --json bill show 13600000001 2026-11 | grep -o '"customer": [0-9]*' | grep -oE '[0-9]+')
ni=$(simdeskctl --json invoice list | grep -c '"number"')
t_rc 4 "an operator cannot invoice a bill" as operator operatorpw1 simdeskctl invoice bill 13600000001 2026-11
t_rc 5 "... nor a month that is not one" simdeskctl invoice bill 13600000001 2026-13
t_oneline "... in one line"
t_rc 3 "... nor a bill that is not there" simdeskctl invoice bill 13600000001 2026-10
t_grep "... naming the customer and month" "customer 13600000001 has no bill for 2026-10" "$T_DIR/err"; t_oneline "... in one line"
[ "$(simdeskctl --json invoice list | grep -c '"number"')" -eq "$ni" ] && [ "$(simdeskctl audit list --op invoice.issue | grep -c BINV)" -eq 0 ]
t_ok "... nothing written" $?
t_rc 0 "a cashier invoices card 1's November bill" $CS simdeskctl invoice bill 13600000001 2026-11
t_grep "... the first of the bill series" "^BINV00000001$" "$T_DIR/out"
simdeskctl --json invoice show BINV00000001 | tr -d '\n' | sed 's/  */ /g' >"$T_DIR/o"
t_grep "... 39.00, the bill's total" '"amount_fen": 3900,' "$T_DIR/o"
t_grep "... of that customer and month" "\"order\": 0,.*\"customer\": $CUST1, \"bill\": \"2026-11\", \"name\": \"客户1\"" "$T_DIR/o"
t_rc 6 "... once while it stands (6)" $CS simdeskctl invoice bill 13600000001 2026-11
t_grep "... naming it" "has invoice BINV00000001 already" "$T_DIR/err"; t_oneline "... in one line"
verify "a bill's invoice"
t_rc 0 "invoice print: plain text" simdeskctl invoice print BINV00000001
t_grep "... 销售发票 and its number" "销售发票 BINV00000001" "$T_DIR/out"
t_grep "... the bill" "账单:   2026-11" "$T_DIR/out"
t_grep "... the buyer" "购买方: 客户1 \\(客户 $CUST1\\)" "$T_DIR/out"
t_rc 0 "... --csv" simdeskctl invoice print BINV00000001 --csv
t_grep "... a row" "^BINV00000001,.*,0,$CUST1,39元卡,1,39.00,issued,,,2026-11,客户1" "$T_DIR/out"
t_rc 0 "... ESC/POS bytes to a file, 80 mm" simdeskctl invoice print BINV00000001 --file "$T_DIR/inv.bin" --paper 48
[ "$(head -c 4 "$T_DIR/inv.bin" | od -An -tx1 | tr -d ' \n')" = 1b401c26 ]; t_ok "... starting ESC @, FS &" $?
[ "$(tail -c 4 "$T_DIR/inv.bin" | od -An -tx1 | tr -d ' \n')" = 1d564200 ]; t_ok "... ending with the cut GS V" $?
printf '销售发票' | iconv -f UTF-8 -t GB18030 >"$T_DIR/gb"
grep -q -F -f "$T_DIR/gb" "$T_DIR/inv.bin"; t_ok "... the Chinese in GB18030" $?
grep -q -F "$(printf '=%.0s' $(seq 48))" "$T_DIR/inv.bin"; t_ok "... 48 columns wide" $?
t_rc 5 "... --paper 40 is refused" simdeskctl invoice print BINV00000001 --paper 40
t_rc 4 "a cashier cannot void it" $CS simdeskctl invoice void BINV00000001 --reason x
t_rc 0 "a supervisor voids it" as supervisor supervisorpw1 simdeskctl invoice void BINV00000001 --reason 抬头有误
t_grep "... its reversal, next in the bill series" "^BINV00000002$" "$T_DIR/out"
simdeskctl --json invoice show BINV00000002 | tr -d '\n' >"$T_DIR/o"
t_grep "... of -39.00" '"amount_fen": -3900,' "$T_DIR/o"
t_grep "... reversing it" '"reverses": "BINV00000001"' "$T_DIR/o"
t_rc 0 "the bill invoiced again after the void" $CS simdeskctl invoice bill 13600000001 2026-11
t_grep "... numbered next" "^BINV00000003$" "$T_DIR/out"
simdeskctl verify >"$T_DIR/o"; t_ok "verify after a bill's invoice voided and issued again" $?
t_grep "... each series gapless" "3 of bills 1 to 3" "$T_DIR/o"

# Queued for the receipt printer, printed by simdeskd like a receipt.
printf 'printers = { front = "%s"; };\nreceipts = { printer = "front"; };\n' "$T_DIR/front.bin" >"$T_DIR/print.conf"
export SIMDESK_CONF="$T_DIR/print.conf"
t_stop_servers	# the configuration is the server's: start it afresh
t_rc 5 "a printer the configuration does not have" $CS simdeskctl invoice print BINV00000003 --printer back
t_rc 0 "invoice print queues for the counter's printer" $CS simdeskctl invoice print BINV00000003
t_grep "... says so" "BINV00000003 queued for printer front" "$T_DIR/out"
"$T_TOP/build/bin/simdeskd" -f >"$T_DIR/daemon.log" 2>&1 &
DAEMON=$!
for _ in $(seq 300); do [ -s "$T_DIR/front.bin" ] && grep -q "printed 1 receipt" "$T_DIR/daemon.log" && break; sleep 0.1; done
kill "$DAEMON"; wait "$DAEMON"
[ "$(head -c 4 "$T_DIR/front.bin" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 1b401c26 ]; t_ok "simdeskd prints it on the printer's port (ESC/POS)" $?
grep -q -F -f "$T_DIR/gb" "$T_DIR/front.bin" && grep -q BINV00000003 "$T_DIR/front.bin"; t_ok "... the invoice, in GB18030" $?
t_grep "... audited" "print.done .*BINV00000003" <(simdeskctl audit list --op print)
unset SIMDESK_CONF
verify "invoices printed"
