#!/usr/bin/env bash
# demo.sh -- make demo: a demo data directory (./demo-data) with a user of
# every role, then simdesk opened on it.  Reuses ./demo-data when present;
# `make clean` removes it.
set -eu
cd "$(dirname "$0")/.."
export PATH="$PWD/build/bin:$PATH"
export SIMDESK_DATA="$PWD/demo-data"
unset SIMDESK_USER SIMDESK_PASSWORD SIMDESK_CONF
PW=demo1234

if [ ! -e demo-data/sequences.db ]; then
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
	add wu agent 渠道 "吴代理" 13800000006
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
  In simdesk: ? help, arrows or j/k, Enter, / filter, F10 quit.
  For Chinese screens: LANG=zh_CN.UTF-8 build/bin/simdesk -D demo-data
EOF2

if [ -t 0 ] && [ -t 1 ]; then
	exec simdesk
else
	echo "demo: no terminal here, so simdesk was not opened."
fi
