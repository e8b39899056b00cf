#!/usr/bin/env bash
# test_upgrade.sh -- a data directory made by an earlier simdesk opens with
# today's programs and reads back the same: tests/data/datadir-v1.tar.gz
# was made at 9bd516f, before core/ was split by domain and its record
# codecs were rewritten (tests/data/make-datadir-fixture.sh; it covers every
# kind of record the demo, an order, an adjustment, a payment, a shift, a
# call and an SMS write).  Stored bytes have not changed, so every output
# must equal the one those programs printed, and verify must pass.
. "$(dirname "$0")/../lib.sh"
t_tmp
D="$T_DIR/data"
mkdir -m 700 "$D"
tar -xzf "$T_TOP/tests/data/datadir-v1.tar.gz" -C "$D"
t_ok "the fixture unpacks" $?
# Its customers must not go back to the pool however long after it was
# made the test runs (the sweep at the server's start).
printf 'customers = { pool_days = 3650; };\n' >>"$D/simdesk.conf"
export SIMDESK_DATA="$D" SIMDESK_CONF="$D/simdesk.conf" TZ=Asia/Shanghai
export SIMDESK_USER=admin SIMDESK_PASSWORD=demo1234
read -r month receipt call <"$T_TOP/tests/data/datadir-v1.args"
. "$T_TOP/tests/data/datadir-v1.cmds"
fixture_outputs "$month" "$receipt" "$call" >"$T_DIR/got"

# One check per command, so a failure names it.
split() {	# file dir: one file per "$ simdeskctl ..." section
	mkdir -p "$2"
	awk -v d="$2" '/^\$ simdeskctl /{n++} {print > (d "/" sprintf("%03d", n))}' "$1"
}
split "$T_TOP/tests/data/datadir-v1.expected" "$T_DIR/want.d"
split "$T_DIR/got" "$T_DIR/got.d"
for f in "$T_DIR"/want.d/*; do
	g="$T_DIR/got.d/$(basename "$f")"
	what=$(head -1 "$f" | cut -c3-)
	cmp -s "$f" "$g"; rc=$?
	[ "$rc" -eq 0 ] || diff -u "$f" "$g" | head -20
	t_ok "same output: $what" "$rc"
done
[ "$(ls "$T_DIR/want.d" | wc -l)" = "$(ls "$T_DIR/got.d" | wc -l)" ]
t_ok "as many commands as the fixture's" $?
simdeskctl verify >/dev/null
t_ok "verify passes on the old data directory" $?
# And it takes new work: a payment and a note on the old records.
SIMDESK_USER=zhou simdeskctl pay 13912345678 5 --method cash >/dev/null
t_ok "a payment on the old data" $?
SIMDESK_USER=qian simdeskctl note add 13912345678 "回访" >/dev/null
t_ok "a note on the old data" $?
# A bill run: the old directory has no run's mark (issue 18), so the first
# is a whole run; the second finds nothing changed since it.
t_rc 0 "a bill run on the old data" simdeskctl --json bill run 2026-12
t_rc 0 "... and again" simdeskctl --json bill run 2026-12
t_grep "... nothing changed or posted" '"changed": 0, "posted_fen": 0' "$T_DIR/out"
[ "$(simdeskctl audit list --op bill.run | grep -c 'nothing billed changed since the last run')" = 1 ]
t_ok "... the second, not the first, found nothing changed since the last run" $?
simdeskctl verify >/dev/null
t_ok "verify passes after new work" $?
# Report rollups came after the fixture: its first open built them from
# its call (qian's, out, answered, 1 s, 2026-12-07) and its activation
# (P39, agent HZ01, 0.00, the same day), audited by simdeskd.
simdeskctl report calls --period 2026-12-07 >"$T_DIR/rc"
grep -qE '^qian +1 +0 +1 +100\.0% +0:00:01 +0:00:01 +0:00:01 +0$' "$T_DIR/rc"
t_ok "the old call is in the calls report (rollups built at the first open)" $?
simdeskctl report sales --period 2026-12 >"$T_DIR/rs"
grep -qE '^P39 +1 +0\.00 +0\.00$' "$T_DIR/rs"
t_ok "... the old activation in the sales report" $?
simdeskctl audit list --op report.rebuild | grep -q ' simdeskd .*report.rebuild .*1 call rows, 1 sales rows'
t_ok "... and the build audited" $?
