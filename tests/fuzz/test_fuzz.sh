#!/usr/bin/env bash
# test_fuzz.sh -- a bounded smoke run of every libFuzzer target on its seed
# corpus (make fuzz runs them for longer).
. "$(dirname "$0")/../lib.sh"
t_tmp
for f in "$T_TOP"/build/fuzz/fuzz_*; do
	n=$(basename "$f")
	mkdir -p "$T_DIR/$n"
	LSAN_OPTIONS=suppressions=$T_TOP/tests/fuzz/lsan.supp \
	    "$f" -runs=20000 -max_len=4096 "$T_DIR/$n" "$T_TOP/tests/fuzz/corpus/$n" \
	    >"$T_DIR/$n.log" 2>&1
	rc=$?
	[ $rc -eq 0 ] || tail -20 "$T_DIR/$n.log" | sed 's/^/# /'
	t_ok "fuzz target $n: 20000 runs without a finding" $rc
done
