#!/usr/bin/env bash
# demo.sh -- make demo: a demo data directory (./demo-data) with a user of
# every role, then simdesk opened on it.  Reuses ./demo-data when present;
# `make clean` removes it.
set -eu
cd "$(dirname "$0")/.."
export PATH="$PWD/build/bin:$PATH"
# DEMO_DATA: another directory (the tests use one of their own).
export SIMDESK_DATA="${DEMO_DATA:-$PWD/demo-data}"
unset SIMDESK_USER SIMDESK_PASSWORD SIMDESK_CONF
PW=demo1234
# The demo's files are its user's alone, as the server's are.
umask 077
# simdesk needs a UTF-8 locale; a fresh machine may have none set.
if [ "$(locale charmap 2>/dev/null)" != UTF-8 ]; then
	echo "demo: the locale is not UTF-8; using LANG=C.UTF-8 (LANG=zh_CN.UTF-8 for Chinese screens)"
	unset LC_ALL LC_CTYPE
	export LANG=C.UTF-8
fi

mkdir -p "$SIMDESK_DATA"
# The demo's own configuration: modem calls rated by the standard tariff,
# and its logins on the login screen (and its F1 help), where the TUI
# would otherwise cover the list printed below.
if [ ! -e "$SIMDESK_DATA/simdesk.conf" ]; then
	printf '# make demo: simdesk.conf(5)\ntelephony = { tariff = "STD"; };\n' \
	    >"$SIMDESK_DATA/simdesk.conf"
fi
grep -q '^login_note' "$SIMDESK_DATA/simdesk.conf" ||
	printf 'login_note = "Demo logins, password %s: zhao (supervisor), qian, sun and li (operators), zhou (cashier), wu (agent); admin is you, without a password (simdesk -D demo-data).";\n' \
	    "$PW" >>"$SIMDESK_DATA/simdesk.conf"
export SIMDESK_CONF="$SIMDESK_DATA/simdesk.conf"

if [ ! -e "$SIMDESK_DATA/sequences.db" ]; then
	echo "demo: creating $SIMDESK_DATA"
	SIMDESK_PASSWORD=$PW simdeskctl init --admin admin --name "系统管理员" >/dev/null
	add() {	# login role team name
		SIMDESK_NEW_PASSWORD=$PW simdeskctl user add "$1" --role "$2" \
		    --team "$3" --name "$4" --phone "$5" >/dev/null
	}
	add zhao supervisor 电销一组 "赵主管" 13800000001
	add qian operator 电销一组 "钱小芳" 13800000002
	add sun operator 电销一组 "孙伟" 13800000003
	add li operator 客服组 "李娜" 13800000004
	add zhou cashier 营业厅 "周收银" 13800000005
	simdeskctl agent add HZ01 --name 杭州一级代理 --credit-limit 50000 >/dev/null
	simdeskctl agent approve HZ01 >/dev/null
	SIMDESK_NEW_PASSWORD=$PW simdeskctl user add wu --role agent --agent HZ01 \
	    --team 渠道 --name "吴代理" --phone 13800000006 >/dev/null
	# Customers: some for the operators, some in the shared pool.
	as() { SIMDESK_USER=$1 SIMDESK_PASSWORD=$PW "${@:2}"; }
	as qian simdeskctl customer add --name 王小明 --phone 13912345678 \
	    --city 北京 --class A --tags VIP,老客户 --id-no 11010519491231002X >/dev/null
	as qian simdeskctl customer add --name 张丽 --phone 13800001111 \
	    --city 上海 --class B >/dev/null
	as sun simdeskctl customer add --name 刘强 --phone 13700002222 \
	    --city 广州 --class C >/dev/null
	printf '姓名,手机号,城市,类别\n陈静,13600003333,杭州,A\n杨帆,13500004444,南京,B\n黄磊,13400005555,成都,\n' |
	    iconv -f UTF-8 -t GB18030 >"$SIMDESK_DATA/leads-gbk.csv"
	simdeskctl customer import "$SIMDESK_DATA/leads-gbk.csv" >/dev/null
	soon=$(TZ=Asia/Shanghai date -d '+2 minutes' '+%Y-%m-%d %H:%M')
	as qian simdeskctl note add 13912345678 "介绍了 39 元套餐，客户有兴趣" \
	    --outcome interested --next "$soon" >/dev/null
	as qian simdeskctl note add 13800001111 "未接通" --outcome no_answer \
	    --next "$(TZ=Asia/Shanghai date -d 'tomorrow 10:00' '+%Y-%m-%d %H:%M')" >/dev/null
	as zhou simdeskctl ticket add 13912345678 --type complaint \
	    --text "上月话费比平时多 20 元" >/dev/null
	# Stock: a plan, cards (one a 靓号), some allocated to the agent, one sold.
	# A tariff: mobiles and long distance use plan minutes, abroad does not.
	simdeskctl tariff add STD --name 标准资费 >/dev/null
	simdeskctl tariff rate STD 1 --per-minute 0.15 --name 国内手机 --bundle >/dev/null
	simdeskctl tariff rate STD 0 --per-minute 0.30 --name 国内长途 --bundle >/dev/null
	simdeskctl tariff rate STD 0 --per-minute 0.60 --name 国内长途高峰 \
	    --band "Mon-Fri 08:00-18:00" --bundle >/dev/null
	simdeskctl tariff rate STD 00 --per-minute 2.00 --connect 0.50 \
	    --first-block 30 --increment 6 --name 国际 >/dev/null
	simdeskctl vas add CRBT --name 彩铃 --monthly-fee 5 >/dev/null
	simdeskctl plan add P39 --name 39元畅聊 --monthly-fee 39 --minutes 100 \
	    --sms 50 --vas CRBT --tariff STD >/dev/null
	# Agent money: HZ01's sub-agent, a commission scheme (10.00 a P39
	# card, 5% of 3 billing months, 2.00 from a month's 2nd activation,
	# 20% to the parent; no frozen days, so the month end has payables).
	simdeskctl agent add HZ01-1 --name 西湖门店 --parent HZ01 >/dev/null
	simdeskctl agent approve HZ01-1 >/dev/null
	simdeskctl commission scheme add STD --name 标准佣金 --frozen-days 0 \
	    --protect-days 90 --override 20 >/dev/null
	simdeskctl commission scheme bounty STD P39 10 --share 5 \
	    --share-months 3 >/dev/null
	simdeskctl commission scheme tier STD 2 2 >/dev/null
	simdeskctl agent update HZ01 --scheme STD >/dev/null
	printf 'iccid,msisdn,plan,batch,warehouse\n' >"$SIMDESK_DATA/cards.csv"
	i=0
	for m in 13902715930 13905830261 13907341234 13909166041 13903508888 13904472517; do
		i=$((i + 1))
		printf '898600%013d,%s,P39,2026-11,杭州仓\n' "$i" "$m"
	done >>"$SIMDESK_DATA/cards.csv"
	simdeskctl sim import "$SIMDESK_DATA/cards.csv" >/dev/null
	simdeskctl sim allocate --agent HZ01 --count 3 --plan P39 >/dev/null
	first=$(simdeskctl --json sim list --status allocated | grep -oE '"iccid": "[0-9]+"' | head -1 | grep -oE '[0-9]{20}')
	today=$(TZ=Asia/Shanghai date '+%Y-%m-%d')
	SIMDESK_USER=wu SIMDESK_PASSWORD=$PW simdeskctl sim activate "$first" \
	    --customer 13912345678 --channel agent --vas CRBT --date "$today" >/dev/null
	SIMDESK_USER=wu SIMDESK_PASSWORD=$PW simdeskctl order add --plan P39 \
	    --count 2 >/dev/null
	# Two more cards sold: by HZ01 and by its sub-agent HZ01-1.
	for m in 13909166041 13903508888; do
		cust=13800001111; agent=HZ01-1
		[ "$m" = 13909166041 ] && cust=13700002222 && agent=HZ01
		simdeskctl sim activate "$m" --customer "$cust" --channel agent \
		    --agent "$agent" --date "$today" >/dev/null
	done
	# A month of history for the reports: the team's calls of the last
	# 35 days (call import), and telesales and counter sales spread over
	# them (a second plan, 40 more cards, 40 more customers).
	simdeskctl plan add P59 --name 59元畅享 --monthly-fee 59 --minutes 300 \
	    --sms 100 --tariff STD >/dev/null
	now=$(date +%s)
	awk -v now="$now" 'BEGIN {
		srand(17); OFS = ","
		print "start,direction,operator,number,ring,talk,disposition"
		split("qian sun li zhao", ops, " ")
		for (d = 35; d >= 1; d--) {
			day = now - d * 86400
			cmd = "TZ=Asia/Shanghai date -d @" day " +%u"
			cmd | getline wd; close(cmd)
			if (wd > 5) continue
			for (o = 1; o <= 4; o++) {
				n = (o == 4 ? 4 : 14) + int(rand() * 8)
				for (k = 0; k < n; k++) {
					t = day - (day % 86400) + 3600 + int(rand() * 32400)
					cmd = "TZ=Asia/Shanghai date -d @" t " \"+%Y-%m-%d %H:%M:%S\""
					cmd | getline ts; close(cmd)
					num = sprintf("13%09d", int(rand() * 1000000000))
					dir = (o == 3 && rand() < 0.6) ? "in" : "out"
					ring = 3 + int(rand() * 20)
					r = rand()
					if (r < 0.55) { talk = 20 + int(rand() * 400); disp = "answered" }
					else if (dir == "in") { talk = 0; disp = "missed" }
					else if (r < 0.8) { talk = 0; disp = "no-answer" }
					else { talk = 0; disp = "busy" }
					print ts, dir, (disp == "missed" ? "" : ops[o]), num, ring, talk, disp
				}
			}
		}
	}' >"$SIMDESK_DATA/history-calls.csv"
	simdeskctl call import "$SIMDESK_DATA/history-calls.csv" >/dev/null
	printf 'name,phone,city,source\n' >"$SIMDESK_DATA/history-customers.csv"
	printf 'iccid,msisdn,plan,batch,warehouse\n' >"$SIMDESK_DATA/history-cards.csv"
	cities="杭州 上海 北京 南京 苏州 宁波 广州 成都"
	for i in $(seq 1 40); do
		city=$(echo $cities | cut -d' ' -f$(( (i * 7) % 8 + 1 )))
		printf '客户%02d,1350000%04d,%s,%s\n' "$i" "$i" "$city" \
		    "$([ $((i % 3)) -eq 0 ] && echo 转介绍 || echo 电话营销)"
		printf '%s,1370000%04d,%s,2026-H,杭州仓\n' \
		    "$(printf '8986009%012d' "$i")" "$i" \
		    "$([ $((i % 4)) -eq 0 ] && echo P59 || echo P39)" >>"$SIMDESK_DATA/history-cards.csv"
	done >>"$SIMDESK_DATA/history-customers.csv"
	simdeskctl customer import "$SIMDESK_DATA/history-customers.csv" >/dev/null
	simdeskctl sim import "$SIMDESK_DATA/history-cards.csv" >/dev/null
	for who in qian sun zhou; do
		f="$SIMDESK_DATA/history-sales-$who.csv"
		printf 'iccid,customer,channel,price,date\n' >"$f"
		for i in $(seq 1 40); do
			case $who in
			qian) [ $((i % 3)) -eq 0 ] || continue; ch=telesales ;;
			sun) [ $((i % 3)) -eq 1 ] || continue; ch=telesales ;;
			zhou) [ $((i % 3)) -eq 2 ] || continue; ch=store ;;
			esac
			printf '%s,1350000%04d,%s,%s,%s\n' "$(printf '8986009%012d' "$i")" \
			    "$i" "$ch" "$([ $((i % 5)) -eq 0 ] && echo 50 || echo 20)" \
			    "$(TZ=Asia/Shanghai date -d "@$((now - (i * 79 % 34 + 1) * 86400))" +%Y-%m-%d)"
		done >>"$f"
		as "$who" simdeskctl sim activate --file "$f" >/dev/null
	done
	# 王小明's calls this month, rated, and the month's bill to pay.
	num=$(simdeskctl --json sim show "$first" | grep -oE '"msisdn": "[0-9]+"' | grep -oE '1[0-9]{10}')
	{
		echo call_id,msisdn,direction,number,start,answer,billsec
		echo "demo-1,$num,out,13800138000,$today 00:01:00,$today 00:01:03,245"
		echo "demo-2,$num,out,004420794600,$today 00:05:00,$today 00:05:04,95"
		echo "demo-3,$num,in,13700001111,$today 00:09:00,$today 00:09:02,60"
	} >"$SIMDESK_DATA/calls.csv"
	simdeskctl cdr import "$SIMDESK_DATA/calls.csv" --format simdesk >/dev/null
	simdeskctl bill run "$(TZ=Asia/Shanghai date '+%Y-%m')" >/dev/null
	# 张丽 pays her bill (5% of it is HZ01-1's share), then the month end:
	# a draft statement for HZ01 and one for HZ01-1.
	as zhou simdeskctl pay 13800001111 39 --method cash >/dev/null
	# Most of the month's new customers pay at the counter; some still owe.
	for i in $(seq 1 40); do
		[ $((i % 6)) -eq 0 ] && continue
		owe=$(simdeskctl --json balance "1350000$(printf %04d "$i")" |
		    grep -oE '"balance_fen": -?[0-9]+' | grep -oE -- '-?[0-9]+$')
		[ "$owe" -lt 0 ] || continue
		as zhou simdeskctl pay "1350000$(printf %04d "$i")" \
		    "$(printf '%d.%02d' $((-owe / 100)) $((-owe % 100)))" \
		    --method "$([ $((i % 2)) -eq 0 ] && echo wechat || echo cash)" >/dev/null
	done
	simdeskctl commission run "$(TZ=Asia/Shanghai date '+%Y-%m')" >/dev/null
	SIMDESK_NEW_PASSWORD=svc12345 simdeskctl customer passwd 13912345678 >/dev/null
	simdeskctl verify >/dev/null
fi

cat <<EOF2

simdesk demo -- data in $SIMDESK_DATA
  You ($(id -un)) are bound to the admin and log in without a password.
  Every demo user's password is $PW; to act as one:
      build/bin/simdesk -l -D demo-data          (login screen)
      SIMDESK_USER=zhou SIMDESK_PASSWORD=$PW build/bin/simdeskctl -D demo-data user show zhou
  login  role        name
  admin  admin       系统管理员
  zhao   supervisor  赵主管 (电销一组)
  qian   operator    钱小芳
  sun    operator    孙伟
  li     operator    李娜
  zhou   cashier     周收银
  wu     agent       吴代理
  Customers: qian has 王小明 (a follow-up due two minutes after the demo was
  made pops up in her session) and 张丽; the shared pool has three imported
  from a GB18030 CSV.  Try: build/bin/simdesk -l -D demo-data, log in as qian.
  Stock: plan P39, six cards, three allocated to agent HZ01 (user wu), one
  sold to 王小明, and wu's order for two more waiting for approval: in
  simdesk, Stock, agents and orders (as admin or zhao); or
  build/bin/simdeskctl -D demo-data sim list; agent tree; order list.
  Billing: 王小明 made calls today and has this month's bill to pay; log in
  as zhou (cashier): the payment desk opens; type 13912345678, Enter, then
  F2, Enter, 1.  His service password for the customer view (F4) is
  svc12345.  Or: build/bin/simdeskctl -D demo-data bill show 13912345678
  $(TZ=Asia/Shanghai date '+%Y-%m'); balance 13912345678; tariff show STD.
  Agent money: scheme STD (commission scheme show STD) for HZ01 and its
  sub-agent HZ01-1; three cards sold, 张丽's bill paid, this month run: try
  build/bin/simdeskctl -D demo-data commission list; settlement list;
  settlement show 1; settlement approve 1; settlement pay 1 --method bank;
  agent aging.
  In simdesk: ? help, arrows or j/k, Enter, / filter, F10 quit.
  Reports (a month of calls and sales): in simdesk, Reports on the home
  menu: Tab calls/sales, p period, g grouping, c compare; e exports the
  table to Excel (.xlsx) or CSV.  Or: build/bin/simdeskctl -D demo-data
  report sales --by day --export xlsx --out sales.xlsx
  For Chinese screens: LANG=zh_CN.UTF-8 build/bin/simdesk -D demo-data
  Telephony: simdeskd runs four simulated modems (sim0-sim3) while the
  demo is open.  In simdesk as qian: My customers, 王小明, d dials him (he
  answers after 2 s), F7 hangs up, the after-call note takes the outcome;
  F6 dials any number, F8 pauses you for incoming calls.  In another
  terminal: build/bin/simdeskctl -D demo-data modem ring sim2 13912345678
  (王小明 calls: his card pops up on qian's screen, F7 answers); modem list;
  call list; call recording ID --out call.wav; sms send 13812345678 '您好';
  ussd sim1 '*100#'.  As zhao (supervisor): Modem board.
EOF2

# The modem bank: simdeskd with four simulated modems, for the demo's life.
if ! simdeskd -D "$SIMDESK_DATA" --modems sim:4 2>/dev/null; then
	echo "demo: simdeskd already runs on $SIMDESK_DATA (or could not start)"
fi
# simdeskd stays after simdesk is left (the modem hints above keep
# working); make demo-stop stops it.
if [ -t 0 ] && [ -t 1 ]; then
	simdesk
	rc=$?
	echo "demo: simdeskd still runs on $SIMDESK_DATA with its modems; make demo-stop stops it."
	exit $rc
else
	echo "demo: no terminal here, so simdesk was not opened; simdeskd runs"
	echo "demo: on the demo data (make demo-stop stops it)."
fi
