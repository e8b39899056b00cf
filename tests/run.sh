#!/usr/bin/env bash
# run.sh -- runs every test suite of `make check` and ends with one line for
# the whole run, "N passed, N failed"; exits non-zero on any failure.
# Suites: cmocka unit tests (plain and ASan+UBSan), CLI, multi-process,
# TUI (tmux) and a short fuzz smoke run.  TESTS=name,... runs a subset.
set -u
cd "$(dirname "$0")/.."
B=build
export LC_ALL=C.UTF-8 LANG=C.UTF-8
export PATH="$PWD/$B/bin:$PATH"
unset SIMDESK_USER SIMDESK_PASSWORD SIMDESK_NEW_PASSWORD SIMDESK_DATA SIMDESK_CONF

total_pass=0
total_fail=0
total_skip=0
failed=()
only="${TESTS:-}"

want() { [ -z "$only" ] || [[ ",$only," == *",$1,"* ]]; }

add() {	# suite passed failed [skipped]
	local skip=${4:-0}
	total_pass=$((total_pass + $2))
	total_fail=$((total_fail + $3))
	total_skip=$((total_skip + skip))
	[ "$3" -eq 0 ] || failed+=("$1")
	printf '%-28s %4d passed, %d failed%s\n' "$1" "$2" "$3" \
	    "$([ "$skip" -eq 0 ] || echo ", $skip skipped")"
}

run_cmocka() {	# name binary
	local out p f rc
	out=$("$2" 2>&1); rc=$?
	p=$(grep -oE '\[  PASSED  \] [0-9]+' <<<"$out" | grep -oE '[0-9]+$' | tail -1)
	f=$(grep -oE '\[  FAILED  \] [0-9]+' <<<"$out" | grep -oE '[0-9]+$' | tail -1)
	p=${p:-0}; f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi	# crashed
	[ "$f" -eq 0 ] || printf '%s\n' "$out" | grep -vE '^\[ +(RUN|OK) +\]' | tail -40
	add "$1" "$p" "$f"
}

run_tap() {	# name script
	local out p f s rc
	out=$(bash "$2" 2>&1); rc=$?
	p=$(grep -cE '^ok ' <<<"$out")
	f=$(grep -cE '^not ok ' <<<"$out")
	# TAP's "ok N - # SKIP why": not run, so not passed either.
	s=$(grep -cE '^ok [0-9]+ - # SKIP' <<<"$out")
	grep -E '^ok [0-9]+ - # SKIP' <<<"$out"
	p=$((p - s))
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
	[ "$f" -eq 0 ] || printf '%s\n' "$out" | grep -vE '^ok ' | tail -40
	add "$1" "$p" "$f" "$s"
}

for t in $B/tests/test_*; do
	n=$(basename "$t")
	want "$n" && run_cmocka "unit/$n" "$t"
done
for t in $B/tests-asan/test_*; do
	n=$(basename "$t")
	want "$n" && ASAN_OPTIONS=detect_leaks=1 run_cmocka "asan/$n" "$t"
done
for kind in cli mp tui fuzz; do
	for t in tests/$kind/test_*.sh; do
		[ -e "$t" ] || continue
		n=$(basename "$t" .sh)
		want "$n" && run_tap "$kind/$n" "$t"
	done
done

echo
[ ${#failed[@]} -eq 0 ] || echo "failed suites: ${failed[*]}"
[ "$total_skip" -eq 0 ] || echo "$total_skip skipped (not run here, not counted as passed)"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ] && [ "$total_pass" -gt 0 ]
