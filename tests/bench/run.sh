#!/usr/bin/env bash
# run.sh -- make bench: each figure beside the same job done by the sqlite3
# CLI (WAL, synchronous=FULL) in the same run on the same machine.
# BENCH_USERS, BENCH_LOOKUPS, BENCH_POSTS scale it.
set -eu
cd "$(dirname "$0")/../.."
N=${BENCH_USERS:-200000}
L=${BENCH_LOOKUPS:-20000}
P=${BENCH_POSTS:-2000}
B=build/tests/bench_platform
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 is missing (scripts/deps.sh)"; exit 1; }
make --no-print-directory -s "$B"
W=$(mktemp -d "${TMPDIR:-/tmp}/simdesk-bench.XXXXXX")
trap 'rm -rf "$W"' EXIT

echo "bench: $N users, $L lookups, $P durable postings; $(nproc) cores"
/usr/bin/time -f "%M" -o "$W/rss" "$B" "$W/data" "$N" "$L" "$P" >"$W/ours"

# The TUI on the same data: log in, open the user list, page through it.
tui_rss=n/a
if command -v tmux >/dev/null; then
	sock="simdesk-bench-$$"
	tmux -L "$sock" new-session -d -x 120 -y 40 \
	    "LANG=C.UTF-8 build/bin/simdesk -l -D $W/data"
	sleep 0.5
	tmux -L "$sock" send-keys admin Tab benchpw1 Enter
	sleep 1
	tmux -L "$sock" send-keys Enter
	sleep 0.5
	for _ in 1 2 3 4 5 6 7 8 9 10; do tmux -L "$sock" send-keys NPage; done
	tmux -L "$sock" send-keys G
	sleep 0.5
	pid=$(tmux -L "$sock" list-panes -F '#{pane_pid}')
	tui_rss=$(awk '/VmRSS/ { print $2 }' /proc/"$pid"/status 2>/dev/null || echo n/a)
	tmux -L "$sock" capture-pane -p | grep -q "u0" || tui_rss="n/a (list not shown)"
	tmux -L "$sock" kill-server
fi
get() { awk -v k="$1" '$1 == k { print $2 }' "$W/ours"; }

# ---- the same jobs in SQLite
S="$W/ref.db"
ms() { date +%s%N; }
sqlite3 "$S" "PRAGMA journal_mode=WAL;" >/dev/null
cat >"$W/schema.sql" <<SQL
PRAGMA synchronous=FULL;
CREATE TABLE user(id INTEGER PRIMARY KEY, login TEXT UNIQUE, name TEXT,
    os_login TEXT UNIQUE, phone TEXT, role INTEGER, pwhash TEXT);
CREATE TABLE account(code TEXT PRIMARY KEY, balance INTEGER, postings INTEGER);
CREATE TABLE posting(id INTEGER PRIMARY KEY, at INTEGER, actor TEXT, memo TEXT, ref TEXT);
CREATE TABLE line(posting INTEGER, account TEXT, amount INTEGER);
CREATE INDEX line_account ON line(account, posting);
CREATE TABLE audit(at INTEGER, id INTEGER PRIMARY KEY, user TEXT, op TEXT,
    object TEXT, outcome INTEGER, before TEXT, after TEXT);
CREATE INDEX audit_user ON audit(user, at, id);
SQL
sqlite3 "$S" <"$W/schema.sql"
awk -v n="$N" 'BEGIN {
	print "PRAGMA synchronous=FULL;"
	for (i = 0; i < n; i++) {
		if (i % 1000 == 0) print "BEGIN;"
		printf "INSERT INTO user VALUES(%d,\"u%07d\",\"用户%07d\",\"os%07d\",\"138%08d\",3,\"$y$j9T$abcdefghijklmnopqrstuv$0123456789012345678901234567890123456789012\");\n", i + 100, i, i, i, i
		if (i % 1000 == 999 || i == n - 1) print "COMMIT;"
	}
}' >"$W/insert.sql"
t=$(ms); sqlite3 "$S" <"$W/insert.sql"; ref_insert=$(( $(ms) - t ))
awk -v l="$L" -v n="$N" 'BEGIN { srand(42); for (i = 0; i < l; i++)
	printf "SELECT * FROM user WHERE login = \"u%07d\";\n", int(rand() * n) }' >"$W/lookup.sql"
t=$(ms); sqlite3 "$S" <"$W/lookup.sql" >/dev/null; ref_lookup=$(( $(ms) - t ))
awk -v p="$P" 'BEGIN {
	print "PRAGMA synchronous=FULL;"
	for (i = 0; i < p; i++) {
		a = "cust:" (i % 1000)
		print "BEGIN;"
		printf "INSERT INTO posting VALUES(%d,strftime(\"%%s\"),\"admin\",\"payment\",\"bench\");\n", i
		printf "INSERT INTO line VALUES(%d,\"cash\",3900),(%d,\"%s\",-3900);\n", i, i, a
		print "INSERT INTO account VALUES(\"cash\",3900,1) ON CONFLICT(code) DO UPDATE SET balance=balance+3900, postings=postings+1;"
		printf "INSERT INTO account VALUES(\"%s\",-3900,1) ON CONFLICT(code) DO UPDATE SET balance=balance-3900, postings=postings+1;\n", a
		printf "INSERT INTO audit VALUES(strftime(\"%%s\"),NULL,\"admin\",\"ledger.post\",\"posting:%d\",0,\"payment\",\"cash 39.00; %s -39.00\");\n", i, a
		print "COMMIT;"
	}
}' >"$W/post.sql"
t=$(ms); sqlite3 "$S" <"$W/post.sql"; ref_post=$(( $(ms) - t ))

ratio() {	# ours ref -> "0.52x" (ours / reference: below 1 is faster)
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'
}
ins=$(get insert_users); lm=$(get lookup_mean); pst=$(get durable_posts)
ins_ms=$(awk -v s="$ins" 'BEGIN { printf "%d", s * 1000 }')
pst_ms=$(awk -v s="$pst" 'BEGIN { printf "%d", s * 1000 }')
ref_lm=$(awk -v t="$ref_lookup" -v l="$L" 'BEGIN { printf "%.1f", t / 1e3 / l }')
printf '\n%-44s %14s %14s %9s\n' "figure" "simdesk" "sqlite3" "ratio"
printf '%-44s %11s ms %11s ms %9s\n' "insert $N users, 1000 per txn" "$ins_ms" "$((ref_insert / 1000000))" "$(ratio "$ins_ms" "$((ref_insert / 1000000))")"
printf '%-44s %11s/s %11s/s %9s\n' "  = users inserted per second" \
    "$(awk -v n="$N" -v s="$ins" 'BEGIN { printf "%d", n / s }')" \
    "$(awk -v n="$N" -v t="$ref_insert" 'BEGIN { printf "%d", n / (t / 1e9) }')" ""
printf '%-44s %11s us %11s us %9s\n' "lookup by login, mean ($L random)" "$lm" "$ref_lm" "$(ratio "$lm" "$ref_lm")"
printf '%-44s %11s us %14s %9s\n' "lookup by login, p50" "$(get lookup_p50)" "n/a" ""
printf '%-44s %11s us %14s %9s\n' "lookup by login, p99" "$(get lookup_p99)" "n/a" ""
printf '%-44s %11s us %14s %9s\n' "list page of 30 rows, random anchor, p50" "$(get page_p50)" "" ""
printf '%-44s %11s us %14s %9s\n' "list page of 30 rows, random anchor, p99" "$(get page_p99)" "" ""
printf '%-44s %11s ms %11s ms %9s\n' "$P durable postings, 1 per txn" "$pst_ms" "$((ref_post / 1000000))" "$(ratio "$pst_ms" "$((ref_post / 1000000))")"
printf '%-44s %11s KB\n' "simdesk bench process max RSS" "$(cat "$W/rss")"
printf '%-44s %11s KB\n' "simdesk TUI RSS, $N-user list paged to the end" "$tui_rss"
echo
echo "ratio = simdesk / sqlite3 (below 1.00x simdesk is faster).  sqlite3's"
echo "lookup mean includes its CLI's per-statement output; its p50/p99 cannot"
echo "be taken from the CLI.  Lookups go through core (role check, read txn)."
