#!/usr/bin/env bash
# make-datadir-fixture.sh -- build tests/data/datadir-v1.tar.gz and the
# outputs tests/cli/test_upgrade.sh expects from it (datadir-v1.expected),
# with the programs of the tree it runs in.  Run it from a checkout of the
# release whose stored format the fixture is to keep (it was made at
# 9bd516f, before core/ was split by domain), then copy both files here:
#   git worktree add /tmp/old 9bd516f && cd /tmp/old && make -j2 all &&
#   bash /path/to/tests/data/make-datadir-fixture.sh /tmp/fixture
set -eu
OUT=${1:?usage: make-datadir-fixture.sh OUTDIR}
TOP=$(pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
export PATH="$TOP/build/bin:$PATH" TZ=Asia/Shanghai LANG=C.UTF-8 LC_ALL=C.UTF-8
rm -rf "$OUT" && mkdir -p "$OUT"
D="$OUT/data"
export SIMDESK_DATA="$D"
DEMO_DATA="$D" bash scripts/demo.sh </dev/null >/dev/null
export SIMDESK_CONF="$D/simdesk.conf"
PW=demo1234
as() { SIMDESK_USER=$1 SIMDESK_PASSWORD=$PW "${@:2}"; }
# What the demo leaves out: an order approved and shipped, an adjustment,
# a payment with its receipt printed to a queue, a closed shift, a
# ticket closed, a call through a simulated modem and an SMS received.
simdeskctl order approve 1 >/dev/null
simdeskctl order ship 1 --carrier 顺丰 --tracking SF100200300 >/dev/null
month=$(date '+%Y-%m')
simdeskctl bill adjust 13912345678 "$month" -1.50 --reason "话费补偿" >/dev/null
r=$(as zhou simdeskctl pay 13912345678 20 --method cash --note 柜台 | grep -oE 'R[0-9]+' | head -1)
as zhou simdeskctl receipt print "$r" --file "$OUT/receipt.txt" >/dev/null
as zhou simdeskctl shift close --counted 20 >/dev/null
simdeskctl ticket close 1 --resolution "已核实并补偿 1.50 元" --score 5 >/dev/null
c=$(as qian simdeskctl call dial 13800138000 --modem sim1)
sleep 3
as qian simdeskctl call hangup "$c" >/dev/null || true
simdeskctl modem text sim2 13700002222 "余额查询 收到" >/dev/null
sleep 2
simdeskctl verify >/dev/null
simdeskctl presence list >/dev/null
# The outputs that must not change, as the new code must print them
# (the commands and the filter are test_upgrade.sh's too).
. "$HERE/datadir-v1.cmds"
fixture_outputs "$month" "$r" "$c" >"$OUT/datadir-v1.expected"
printf '%s %s %s\n' "$month" "$r" "$c" >"$OUT/datadir-v1.args"
pid=$(cut -d" " -f1 "$D/simdeskd.pid"); kill "$pid"
for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
(cd "$D" && tar --exclude='__db.*' --exclude='*.sock' --exclude=simdeskd.pid \
    --exclude=simdeskd.log --exclude=simdesk.lock --owner=0 --group=0 \
    -czf "$OUT/datadir-v1.tar.gz" .)

ls -l "$OUT"
