#!/usr/bin/env bash
# test_import_crash.sh -- kill -9 an import half-way: verify sees the
# half-written rows, the next import (or simdeskd) undoes them, and the
# file then imports whole.  Nothing is ever left half in.
. "$(dirname "$0")/../lib.sh"
t_tmp
export SIMDESK_DATA="$T_DIR/data"
SIMDESK_PASSWORD=adminpw1 simdeskctl init --admin admin >/dev/null
N=300000
awk -v n=$N 'BEGIN { print "name,phone,city"; for (i = 0; i < n; i++) printf "客户%06d,136%08d,杭州\n", i, i }' >"$T_DIR/big.csv"
printf 'name,phone\n小文件,13512345678\n' >"$T_DIR/small.csv"

simdeskctl customer import "$T_DIR/big.csv" >/dev/null 2>&1 &
pid=$!
# Wait until some batches are in, then kill it mid-write.
# (row 5000 is in the third batch of 2000)
for _ in $(seq 2000); do
	simdeskctl customer show 13600005000 >/dev/null 2>&1 && break
	sleep 0.01
done
kill -9 "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
n=$(simdeskctl --json customer list --limit 1000000 | grep -c '"id":')
[ "$n" -gt 0 ] && [ "$n" -lt $N ]; t_ok "killed with SIGKILL half-way ($n of $N rows written)" $?
t_rc 9 "verify sees rows of an unfinished import" simdeskctl verify
t_grep "... and says so" "from unfinished imports" "$T_DIR/out"
t_rc 0 "the next import undoes them first" simdeskctl customer import "$T_DIR/small.csv"
n=$(simdeskctl --json customer list --limit 1000000 | grep -c '"id":')
[ "$n" -eq 1 ]; t_ok "... leaving only its own row ($n)" $?
t_rc 0 "verify holds" simdeskctl verify
t_grep "... the undo is audited" "undone: the importing process died" <(simdeskctl audit list --op customer.import)
t_rc 0 "the file then imports whole" simdeskctl --json customer import "$T_DIR/big.csv"
t_grep "... all $N" "\"imported\": $N" "$T_DIR/out"
t_rc 0 "verify holds" simdeskctl verify
