#!/usr/bin/env bash
# run.sh -- make bench: each figure beside the same job done by the sqlite3
# CLI (WAL, synchronous=FULL) in the same run on the same machine.
# BENCH_USERS, BENCH_LOOKUPS, BENCH_POSTS scale it; BENCH_ONLY=server runs
# only the round trips through simdeskd; BENCH_ONLY=imports only the
# customer, SIM-card and activation imports and the range allocation (with
# the customer lookups under writers that follow the customer import);
# BENCH_ONLY=rest simdeskd at rest, the terminals' memory and the lookups
# with writers through it; BENCH_ONLY takes a list too
# (users,customers,sims,bills,tel,server,rest).
# The billing data directory is backed up too (bills: tests/bench/backup.sh;
# BENCH_BACKUP_ARCHIVE=1 adds its .tar.gz beside tar czf).
set -eu
cd "$(dirname "$0")/../.."
# BENCH_ONLY=money: the commission run beside sqlite3 alone.
[ "${BENCH_ONLY:-}" != money ] || exec bash tests/bench/money.sh
# BENCH_ONLY=reports: each report for a month and a year beside sqlite3.
[ "${BENCH_ONLY:-}" != reports ] || exec bash tests/bench/reports.sh
N=${BENCH_USERS:-200000}
L=${BENCH_LOOKUPS:-20000}
P=${BENCH_POSTS:-2000}
B=build/tests/bench_platform
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 is missing (scripts/deps.sh)"; exit 1; }
make --no-print-directory -s "$B"
W=$(mktemp -d "${TMPDIR:-/tmp}/simdesk-bench.XXXXXX")
# The server a client started for DIR stops (and lets go of the
# environment, which a process measuring in-process access opens itself).
stop_server() {	# DIR
	local pid
	pid=$(cut -d' ' -f1 "$1/simdeskd.pid" 2>/dev/null) || return 0
	[ -n "$pid" ] && kill "$pid" 2>/dev/null || return 0
	for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
}
trap 'for d in "$W"/*/; do stop_server "$d"; done; rm -rf "$W"' EXIT

ms() { date +%s%N; }
# CPU seconds, so that a figure can be read on a busy machine too: the
# server's own (utime + stime of DIR's simdeskd; 0 when none runs) and a
# command's (qtime FILE cmd...: user + system, into FILE).
srvcpu() {	# DIR
	local pid
	pid=$(cut -d' ' -f1 "$1/simdeskd.pid" 2>/dev/null)
	awk -v t="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / t }' \
	    /proc/"${pid:-0}"/stat 2>/dev/null || echo 0
}
qtime() { local f=$1; shift; /usr/bin/time -f "%U %S" -o "$f" "$@"; }
qcpu() { awk '{ printf "%.2f", $1 + $2 }' "$1"; }
cpudiff() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
ratio() {	# ours ref -> "0.52x" (ours / reference: below 1 is faster)
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'
}

# BENCH_ONLY=server: the round trips through simdeskd alone (a minute).
want() {	# SECTION: is it to run?
	local only=",${BENCH_ONLY:-},"
	only=${only//,imports,/,customers,sims,}
	[ -z "${BENCH_ONLY:-}" ] || [[ "$only" == *",$1,"* ]]
}
if want users || want customers || want sims || want bills || want tel; then
if want users; then
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
	tmux -L "$sock" send-keys 7	# user administration
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

fi	# users

# ---------------------------------------------------------------- customers
if want customers; then
C=${BENCH_CUSTOMERS:-1000000}
LW=${BENCH_CUSTOMER_LOOKUPS:-20000}
NW=${BENCH_CUSTOMER_WRITERS:-16}	# the issue's 16 writers
make --no-print-directory -s build/tests/bench_customers
echo
echo "bench: import $C customers; lookups with $NW concurrent writers"
awk -v n="$C" 'BEGIN { print "name,phone,city,class"
	split("北京 上海 广州 深圳 杭州 南京 成都 武汉", c, " ")
	for (i = 0; i < n; i++)
		printf "客户%07d,13%09d,%s,%s\n", i, i, c[i % 8 + 1], substr("ABC", i % 3 + 1, 1) }' >"$W/customers.csv"
SIMDESK_PASSWORD=benchpw1 build/bin/simdeskctl -D "$W/cdata" init --admin admin >/dev/null
c0=$(srvcpu "$W/cdata"); t=$(ms)
/usr/bin/time -f "%M" -o "$W/imprss" build/bin/simdeskctl -D "$W/cdata" customer import "$W/customers.csv" >/dev/null </dev/null
imp_ms=$(( ($(ms) - t) / 1000000 )); imp_cpu=$(cpudiff "$c0" "$(srvcpu "$W/cdata")")
stop_server "$W/cdata"
BENCH_CUSTOMERS=$C build/tests/bench_customers "$W/cdata" lookups "$LW" "$NW" >"$W/cust"
cget() { awk -v k="$1" '$1 == k { print $2 }' "$W/cust"; }

Q="$W/cref.db"
sqlite3 "$Q" "PRAGMA journal_mode=WAL;" >/dev/null
sqlite3 "$Q" "CREATE TABLE customer(id INTEGER PRIMARY KEY, name TEXT, phone TEXT UNIQUE, city TEXT, class TEXT);
    CREATE INDEX c_name ON customer(name); CREATE INDEX c_city ON customer(city);
    CREATE INDEX c_class ON customer(class);
    CREATE TABLE audit(at INTEGER, id INTEGER PRIMARY KEY, user TEXT, op TEXT, object TEXT, after TEXT);"
t=$(ms)
qtime "$W/qimpcpu" sqlite3 "$Q" ".mode csv" "PRAGMA synchronous=FULL;" "CREATE TEMP TABLE raw(name, phone, city, class);" \
    ".import --skip 1 $W/customers.csv raw" \
    "INSERT INTO customer(name, phone, city, class) SELECT * FROM raw;"
ref_imp_ms=$(( ($(ms) - t) / 1000000 ))
# NW writers, each adding customers one durable transaction at a time;
# their rate is what they add while the lookups run.
for w in $(seq 0 $((NW - 1))); do
	awk -v w="$w" 'BEGIN { print ".timeout 10000"; print "PRAGMA synchronous=FULL;"
		for (i = 0; i < 200000; i++) {
			printf "BEGIN IMMEDIATE; INSERT INTO customer(name, phone, city) VALUES(\"新客户%02d-%06d\", \"147%02d%06d\", \"杭州\");", w, i, w, i
			printf " INSERT INTO audit VALUES(strftime(\"%%s\"), NULL, \"bench\", \"customer.add\", \"c\", \"x\"); COMMIT;\n" } }' >"$W/qw$w.sql"
done
for w in $(seq 0 $((NW - 1))); do
	sqlite3 "$Q" <"$W/qw$w.sql" >/dev/null 2>&1 &
	echo $! >>"$W/qpids"
done
sleep 0.3
awk -v l="$LW" -v n="$C" 'BEGIN { print ".timeout 10000"; srand(7); for (i = 0; i < l; i++)
	printf "SELECT * FROM customer WHERE phone = \"13%09d\";\n", int(rand() * n) }' >"$W/qphone.sql"
awk -v l="$LW" -v n="$C" 'BEGIN { print ".timeout 10000"; srand(8); for (i = 0; i < l; i++) {
	p = sprintf("客户%05d", int(rand() * n / 100))
	printf "SELECT * FROM customer WHERE name >= \"%s\" AND name < \"%s\" || char(1114111) ORDER BY name LIMIT 20;\n", p, p } }' >"$W/qname.sql"
count0=$(printf '.timeout 10000\nSELECT count(*) FROM customer WHERE phone LIKE "147%%";\n' | sqlite3 "$Q")
t=$(ms); sqlite3 "$Q" <"$W/qphone.sql" >/dev/null; ref_phone=$(( $(ms) - t ))
t=$(ms); sqlite3 "$Q" <"$W/qname.sql" >/dev/null; ref_name=$(( $(ms) - t ))
count1=$(printf '.timeout 10000\nSELECT count(*) FROM customer WHERE phone LIKE "147%%";\n' | sqlite3 "$Q")
tw=$(( ref_phone + ref_name ))
kill $(cat "$W/qpids") 2>/dev/null; wait 2>/dev/null
ref_added=$(( count1 - count0 ))
ref_pm=$(awk -v t="$ref_phone" -v l="$LW" 'BEGIN { printf "%.1f", t / 1e3 / l }')
ref_nm=$(awk -v t="$ref_name" -v l="$LW" 'BEGIN { printf "%.1f", t / 1e3 / l }')

printf '\n%-44s %14s %14s %9s\n' "figure" "simdesk" "sqlite3" "ratio"
printf '%-44s %11s ms %11s ms %9s\n' "import $C customers (CSV, indexes kept)" "$imp_ms" "$ref_imp_ms" "$(ratio "$imp_ms" "$ref_imp_ms")"
printf '%-44s %11s/s %11s/s %9s\n' "  = rows imported per second" \
    "$(awk -v n="$C" -v t="$imp_ms" 'BEGIN { printf "%d", n / (t / 1000) }')" \
    "$(awk -v n="$C" -v t="$ref_imp_ms" 'BEGIN { printf "%d", n / (t / 1000) }')" ""
printf '%-44s %11s s %12s s %9s\n' "  CPU: simdeskd / sqlite3 (user + sys)" "$imp_cpu" "$(qcpu "$W/qimpcpu")" "$(ratio "$imp_cpu" "$(qcpu "$W/qimpcpu")")"
printf '%-44s %11s KB\n' "simdeskctl import max RSS" "$(cat "$W/imprss")"
printf '%-44s %11s us %11s us %9s\n' "lookup by phone, mean, $NW writers" "$(cget phone_mean)" "$ref_pm" "$(ratio "$(cget phone_mean)" "$ref_pm")"
printf '%-44s %11s us %14s\n' "lookup by phone, p50" "$(cget phone_p50)" "n/a"
printf '%-44s %11s us %14s\n' "lookup by phone, p99 (target <= 1000)" "$(cget phone_p99)" "n/a"
printf '%-44s %11s us %11s us %9s\n' "name prefix, 20 rows, mean, $NW writers" "$(cget name_mean)" "$ref_nm" "$(ratio "$(cget name_mean)" "$ref_nm")"
printf '%-44s %11s us %14s\n' "name prefix, p50" "$(cget name_p50)" "n/a"
printf '%-44s %11s us %14s\n' "name prefix, p99 (target <= 1000)" "$(cget name_p99)" "n/a"
# The TUI on the million: all customers, paged, to the end, and a search.
tui_crss=n/a
tui_uss=n/a
if command -v tmux >/dev/null; then
	sock="simdesk-cbench-$$"
	tmux -L "$sock" new-session -d -x 120 -y 40 \
	    "LANG=C.UTF-8 build/bin/simdesk -l -D $W/cdata"
	sleep 0.5
	tmux -L "$sock" send-keys admin Tab benchpw1 Enter
	sleep 1
	tmux -L "$sock" send-keys 3	# find a customer: everyone
	sleep 0.5
	for _ in 1 2 3 4 5 6 7 8 9 10; do tmux -L "$sock" send-keys NPage; done
	tmux -L "$sock" send-keys G / 客户05
	sleep 0.8
	pid=$(tmux -L "$sock" list-panes -F '#{pane_pid}')
	# The pane's shell may have forked it rather than exec'd it.
	[ "$(cat /proc/"$pid"/comm 2>/dev/null)" = simdesk ] || pid=$(pgrep -x -P "$pid" simdesk | head -1)
	tui_crss=$(awk '/VmRSS/ { print $2 }' /proc/"$pid"/status 2>/dev/null || echo n/a)
	# USS: the pages only this process has (smaps_rollup's private ones).
	tui_uss=$(awk '/^Private_(Clean|Dirty):/ { s += $2 } END { print s }' /proc/"$pid"/smaps_rollup 2>/dev/null)
	tmux -L "$sock" capture-pane -p | grep -q "客户05" || { tui_crss="n/a (list not shown)"; tui_uss=n/a; }
	tmux -L "$sock" kill-server
fi
printf '%-44s %11s KB %14s\n' "TUI RSS, $C customers paged + filtered" "$tui_crss" "(target 16384)"
printf '%-44s %11s KB %14s\n' "TUI USS (a client of simdeskd), the same" "${tui_uss:-n/a}" "(target 4096)"
printf '%-44s %11s/s %11s/s %9s\n' "the $NW writers' adds meanwhile" "$(cget writers_per_s)" \
    "$(awk -v n="$ref_added" -v t="$tw" 'BEGIN { printf "%d", n / (t / 1e9) }')" ""

fi	# customers

# ---------------------------------------------------------------- SIM stock
if want sims; then
S_N=${BENCH_SIMS:-1000000}
S_A=${BENCH_ALLOCATE:-100000}
echo
echo "bench: import $S_N SIM cards; allocate $S_A by ICCID range"
# 19-digit ICCIDs (the check digit is computed on import), graded MSISDNs.
awk -v n="$S_N" 'BEGIN { print "iccid,msisdn,plan,batch,warehouse"
	for (i = 0; i < n; i++)
		printf "8986001%012d,13%09d,P39,B%d,W%d\n", i, i, i % 50, i % 4 }' >"$W/sims.csv"
SIMDESK_PASSWORD=benchpw1 build/bin/simdeskctl -D "$W/sdata" init --admin admin >/dev/null
build/bin/simdeskctl -D "$W/sdata" plan add P39 --name bench --monthly-fee 39 >/dev/null
build/bin/simdeskctl -D "$W/sdata" agent add AG --name bench --credit-limit 1 >/dev/null
build/bin/simdeskctl -D "$W/sdata" agent approve AG >/dev/null
c0=$(srvcpu "$W/sdata"); t=$(ms)
/usr/bin/time -f "%M" -o "$W/simrss" build/bin/simdeskctl -D "$W/sdata" sim import "$W/sims.csv" >/dev/null </dev/null
simp_ms=$(( ($(ms) - t) / 1000000 )); simp_cpu=$(cpudiff "$c0" "$(srvcpu "$W/sdata")")
first=$(build/bin/simdeskctl -D "$W/sdata" --json sim show 13000000000 | awk -F'"' '/"iccid"/ { print $4 }')
last=$(build/bin/simdeskctl -D "$W/sdata" --json sim show "$(printf '13%09d' $((S_A - 1)))" | awk -F'"' '/"iccid"/ { print $4 }')
c0=$(srvcpu "$W/sdata"); t=$(ms)
build/bin/simdeskctl -D "$W/sdata" sim allocate --agent AG --range "$first-$last" >"$W/alloc" </dev/null
salloc_ms=$(( ($(ms) - t) / 1000000 )); salloc_cpu=$(cpudiff "$c0" "$(srvcpu "$W/sdata")")
[ "$(cat "$W/alloc")" = "$S_A" ] || echo "bench: allocate moved $(cat "$W/alloc") cards, wanted $S_A"

R="$W/sref.db"
sqlite3 "$R" "PRAGMA journal_mode=WAL;" >/dev/null
sqlite3 "$R" "CREATE TABLE sim(iccid TEXT PRIMARY KEY, msisdn TEXT UNIQUE, plan TEXT,
    batch TEXT, warehouse TEXT, status INTEGER DEFAULT 0, agent TEXT DEFAULT '', updated INTEGER) WITHOUT ROWID;
    CREATE INDEX s_status ON sim(status, iccid); CREATE INDEX s_agent ON sim(agent, iccid);
    CREATE INDEX s_plan ON sim(plan, iccid);
    CREATE TABLE audit(at INTEGER, id INTEGER PRIMARY KEY, user TEXT, op TEXT, object TEXT, after TEXT);"
t=$(ms)
qtime "$W/qsimpcpu" sqlite3 "$R" ".mode csv" "PRAGMA synchronous=FULL;" "CREATE TEMP TABLE raw(iccid, msisdn, plan, batch, warehouse);" \
    ".import --skip 1 $W/sims.csv raw" \
    "BEGIN; INSERT INTO sim(iccid, msisdn, plan, batch, warehouse) SELECT * FROM raw;
     INSERT INTO audit VALUES(strftime('%s'), NULL, 'admin', 'sim.import', 'file', '$S_N cards'); COMMIT;"
ref_simp_ms=$(( ($(ms) - t) / 1000000 ))
t=$(ms)
qtime "$W/qalloccpu" sqlite3 "$R" "PRAGMA synchronous=FULL; BEGIN;
    INSERT INTO audit SELECT strftime('%s'), NULL, 'admin', 'sim.allocate', iccid, 'AG' FROM sim
        WHERE iccid BETWEEN '$(printf '8986001%012d' 0)' AND '$(printf '8986001%012d' $((S_A - 1)))' AND status = 0;
    UPDATE sim SET status = 2, agent = 'AG', updated = strftime('%s')
        WHERE iccid BETWEEN '$(printf '8986001%012d' 0)' AND '$(printf '8986001%012d' $((S_A - 1)))' AND status = 0;
    COMMIT;"
ref_salloc_ms=$(( ($(ms) - t) / 1000000 ))

# Activations from a file: S_V cards (the allocated ones among them) sold
# to as many customers, imported first (untimed) into both.  As many as
# the range allocated by default: a million in one transaction runs out of
# Berkeley DB's lock table (200000 entries) before and after issue 18.
S_V=${BENCH_ACTIVATIONS:-$S_A}
awk -v n="$S_V" 'BEGIN { print "name,phone"
	for (i = 0; i < n; i++) printf "客户%07d,15%09d\n", i, i }' >"$W/acust.csv"
awk -v n="$S_V" 'BEGIN { print "iccid,customer,date"
	for (i = 0; i < n; i++) printf "8986001%012d,15%09d,2026-10-01\n", i, i }' >"$W/act.csv"
build/bin/simdeskctl -D "$W/sdata" customer import "$W/acust.csv" >/dev/null </dev/null
c0=$(srvcpu "$W/sdata"); t=$(ms)
/usr/bin/time -f "%M" -o "$W/actrss" build/bin/simdeskctl -D "$W/sdata" sim activate --file "$W/act.csv" >"$W/act" </dev/null
sact_ms=$(( ($(ms) - t) / 1000000 )); sact_cpu=$(cpudiff "$c0" "$(srvcpu "$W/sdata")")
grep -q "^activated $S_V," "$W/act" || echo "bench: activation: $(cat "$W/act"), wanted $S_V"
sqlite3 "$R" "CREATE TABLE customer(id INTEGER PRIMARY KEY, name TEXT, phone TEXT UNIQUE, status INTEGER DEFAULT 0);
    CREATE INDEX c_name ON customer(name);
    CREATE TABLE subscription(id INTEGER PRIMARY KEY, iccid TEXT, msisdn TEXT, plan TEXT, customer INTEGER,
        agent TEXT, start TEXT);
    CREATE INDEX sub_customer ON subscription(customer, id); CREATE INDEX sub_agent ON subscription(agent, start, id);
    CREATE INDEX sub_msisdn ON subscription(msisdn, start, id);"
sqlite3 "$R" ".mode csv" "CREATE TEMP TABLE raw(name, phone);" ".import --skip 1 $W/acust.csv raw" \
    "INSERT INTO customer(name, phone) SELECT * FROM raw;"
t=$(ms)
qtime "$W/qactcpu" sqlite3 "$R" ".mode csv" "PRAGMA synchronous=FULL;" "CREATE TEMP TABLE raw(iccid, customer, date);" \
    ".import --skip 1 $W/act.csv raw" \
    "BEGIN;
     INSERT INTO subscription(iccid, msisdn, plan, customer, agent, start)
         SELECT s.iccid, s.msisdn, s.plan, c.id, s.agent, r.date FROM raw r JOIN sim s ON s.iccid = r.iccid
         JOIN customer c ON c.phone = r.customer WHERE s.status IN (0, 2);
     UPDATE sim SET status = 3, updated = strftime('%s') WHERE iccid IN (SELECT iccid FROM raw) AND status IN (0, 2);
     UPDATE customer SET status = 1 WHERE phone IN (SELECT customer FROM raw) AND status = 0;
     INSERT INTO audit SELECT strftime('%s'), NULL, 'admin', 'sim.activate', 'sim:' || iccid, 'status=active' FROM raw;
     COMMIT;"
ref_sact_ms=$(( ($(ms) - t) / 1000000 ))
[ "$(sqlite3 "$R" "SELECT count(*) FROM subscription")" = "$S_V" ] || echo "bench: sqlite3 activated $(sqlite3 "$R" "SELECT count(*) FROM subscription"), wanted $S_V"
printf '\n%-44s %14s %14s %9s\n' "figure" "simdesk" "sqlite3" "ratio"
printf '%-44s %11s ms %11s ms %9s\n' "import $S_N SIM cards (4 indexes, 1 txn)" "$simp_ms" "$ref_simp_ms" "$(ratio "$simp_ms" "$ref_simp_ms")"
printf '%-44s %11s/s %11s/s %9s\n' "  = cards imported per second" \
    "$(awk -v n="$S_N" -v t="$simp_ms" 'BEGIN { printf "%d", n / (t / 1000) }')" \
    "$(awk -v n="$S_N" -v t="$ref_simp_ms" 'BEGIN { printf "%d", n / (t / 1000) }')" ""
printf '%-44s %11s s %12s s %9s\n' "  CPU: simdeskd / sqlite3 (user + sys)" "$simp_cpu" "$(qcpu "$W/qsimpcpu")" "$(ratio "$simp_cpu" "$(qcpu "$W/qsimpcpu")")"
printf '%-44s %11s KB\n' "simdeskctl sim import max RSS" "$(cat "$W/simrss")"
printf '%-44s %11s ms %11s ms %9s\n' "allocate $S_A by range (audited, 1 txn)" "$salloc_ms" "$ref_salloc_ms" "$(ratio "$salloc_ms" "$ref_salloc_ms")"
printf '%-44s %11s s %12s s %9s\n' "  CPU: simdeskd / sqlite3 (user + sys)" "$salloc_cpu" "$(qcpu "$W/qalloccpu")" "$(ratio "$salloc_cpu" "$(qcpu "$W/qalloccpu")")"
printf '%-44s %11s ms %11s ms %9s\n' "activate $S_V cards from a file (1 txn)" "$sact_ms" "$ref_sact_ms" "$(ratio "$sact_ms" "$ref_sact_ms")"
printf '%-44s %11s s %12s s %9s\n' "  CPU: simdeskd / sqlite3 (user + sys)" "$sact_cpu" "$(qcpu "$W/qactcpu")" "$(ratio "$sact_cpu" "$(qcpu "$W/qactcpu")")"
printf '%-44s %11s KB\n' "simdeskctl sim activate max RSS" "$(cat "$W/actrss")"

fi	# sims

# ---------------------------------------------------------------- call records, bills
if want bills; then
SUBS=${BENCH_SUBSCRIBERS:-100000}
C1=${BENCH_CDRS:-1000000}
C3=${BENCH_CDRS_BILLED:-3000000}
echo
echo "bench: $SUBS subscribers; import and rate $C1 Asterisk CDRs; bill run with $C3 CDRs"
D="$W/bdata"
SIMDESK_PASSWORD=benchpw1 build/bin/simdeskctl -D "$D" init --admin admin >/dev/null
# A tariff of 400 prefixes: mobiles by network, long distance by area code,
# international by country.
awk 'BEGIN { print "prefix,per_minute,first_block,increment,bundle"
	for (i = 130; i < 200; i++) printf "%d,0.15,60,60,yes\n", i
	for (i = 10; i < 300; i++) printf "0%d,0.30,60,60,yes\n", i
	for (i = 1; i < 41; i++) printf "00%d,%d.00,30,6,\n", i, i % 5 + 1 }' >"$W/rates.csv"
build/bin/simdeskctl -D "$D" tariff add STD --name bench >/dev/null
build/bin/simdeskctl -D "$D" tariff import STD "$W/rates.csv" >/dev/null
build/bin/simdeskctl -D "$D" plan add P39 --name bench --monthly-fee 39 --minutes 100 --tariff STD >/dev/null
awk -v n="$SUBS" 'BEGIN { print "iccid,msisdn,plan"; for (i = 0; i < n; i++) printf "8986001%012d,139%08d,P39\n", i, i }' >"$W/bsims.csv"
awk -v n="$SUBS" 'BEGIN { print "name,phone"; for (i = 0; i < n; i++) printf "客户%07d,136%08d\n", i, i }' >"$W/bcust.csv"
awk -v n="$SUBS" 'BEGIN { print "iccid,customer,date"; for (i = 0; i < n; i++) printf "8986001%012d,136%08d,2026-10-01\n", i, i }' >"$W/bact.csv"
build/bin/simdeskctl -D "$D" sim import "$W/bsims.csv" >/dev/null
build/bin/simdeskctl -D "$D" customer import "$W/bcust.csv" >/dev/null </dev/null
build/bin/simdeskctl -D "$D" sim activate --file "$W/bact.csv" >/dev/null </dev/null
cdrgen() {	# FROM COUNT
	awk -v f="$1" -v n="$2" -v s="$SUBS" 'BEGIN { srand(f + 1)
	for (i = f; i < f + n; i++) {
		r = rand(); sub_ = int(rand() * s)
		if (r < 0.7) dst = sprintf("1%d%08d", 30 + int(rand() * 70), int(rand() * 1e8))
		else if (r < 0.95) dst = sprintf("0%d%08d", 10 + int(rand() * 290), int(rand() * 1e8))
		else dst = sprintf("00%d%09d", 1 + int(rand() * 40), int(rand() * 1e9))
		d = int(rand() * 28) + 1; h = int(rand() * 14) + 8; m = int(rand() * 60)
		sec = rand() < 0.1 ? 0 : int(rand() * 600) + 1
		ans = sec ? sprintf("2026-10-%02d %02d:%02d:05", d, h, m) : ""
		printf "\"\",\"139%08d\",\"%s\",\"from-internal\",\"\",\"SIP/1\",\"SIP/2\",\"Dial\",\"\",\"2026-10-%02d %02d:%02d:00\",\"%s\",\"2026-10-%02d %02d:%02d:59\",%d,%d,\"%s\",\"DOCUMENTATION\",\"c%d\",\"\"\n", sub_, dst, d, h, m, ans, d, h, m, sec + 5, sec, sec ? "ANSWERED" : "NO ANSWER", i } }'
}
cdrgen 0 "$C1" >"$W/cdr1.csv"
# The import runs in simdeskd: a fresh one, whose peak RSS is the import's.
stop_server "$D"
t=$(ms)
/usr/bin/time -f "%M" -o "$W/cdrrss" build/bin/simdeskctl -D "$D" cdr import "$W/cdr1.csv" --format asterisk >/dev/null </dev/null
cdr_ms=$(( ($(ms) - t) / 1000000 ))
cdr_srss=$(awk '/VmHWM/ { print $2 }' /proc/"$(cut -d' ' -f1 "$D/simdeskd.pid")"/status 2>/dev/null || echo n/a)
cdrgen "$C1" $((C3 - C1)) >"$W/cdr2.csv"
build/bin/simdeskctl -D "$D" cdr import "$W/cdr2.csv" --format asterisk >/dev/null </dev/null
t=$(ms)
build/bin/simdeskctl -D "$D" --json bill run 2026-10 >"$W/billrun" </dev/null
bill_ms=$(( ($(ms) - t) / 1000000 ))
bill_fen=$(grep -oE '"posted_fen": -?[0-9]+' "$W/billrun" | grep -oE -- '-?[0-9]+$')
t=$(ms)
build/bin/simdeskctl -D "$D" bill run 2026-10 >/dev/null </dev/null
rebill_ms=$(( ($(ms) - t) / 1000000 ))
# verify on the whole directory (issue 18: it ran out of locks here).
t=$(ms)
if build/bin/simdeskctl -D "$D" verify >"$W/verify" 2>&1 </dev/null; then verify_ok=ok; else verify_ok="FAILED: $(grep -v '^ok' "$W/verify" | head -1)"; fi
verify_ms=$(( ($(ms) - t) / 1000000 ))

# The same in SQLite: import, longest-prefix rating in SQL, grouped totals.
Q2="$W/bref.db"
sqlite3 "$Q2" "PRAGMA journal_mode=WAL;" >/dev/null
sqlite3 "$Q2" <<SQL
.mode csv
CREATE TABLE rate(prefix TEXT PRIMARY KEY, per_min INTEGER, first INTEGER, inc INTEGER, bundle TEXT);
CREATE TEMP TABLE r(prefix, per_minute, first_block, increment, bundle);
.import --skip 1 $W/rates.csv r
INSERT INTO rate SELECT prefix, CAST(round(per_minute * 100000) AS INTEGER), first_block, increment, bundle FROM r;
CREATE TABLE sub(id INTEGER PRIMARY KEY, msisdn TEXT UNIQUE, customer INTEGER, plan TEXT, monthly INTEGER);
CREATE TABLE cdr(id INTEGER PRIMARY KEY, uniq TEXT UNIQUE, msisdn TEXT, dst TEXT, start TEXT, billsec INTEGER,
    sub INTEGER, prefix TEXT, cost INTEGER);
CREATE INDEX cdr_msisdn ON cdr(msisdn, start);
CREATE TABLE bill(customer INTEGER, month TEXT, plan_fee INTEGER, call_fee INTEGER, total INTEGER, PRIMARY KEY(customer, month));
SQL
awk -v n="$SUBS" 'BEGIN { print "BEGIN;"; for (i = 0; i < n; i++) printf "INSERT INTO sub VALUES(%d, \"139%08d\", %d, \"P39\", 3900);\n", i + 1, i, i + 1; print "COMMIT;" }' | sqlite3 "$Q2"
rate_sql() {	# FILE
	cat <<SQL
.mode csv
PRAGMA synchronous=FULL;
CREATE TEMP TABLE raw(accountcode, src, dst, dcontext, clid, channel, dstchannel, lastapp, lastdata, start, answer, "end",
    duration, billsec, disposition, amaflags, uniqueid, userfield);
.import $1 raw
BEGIN;
INSERT OR IGNORE INTO cdr(uniq, msisdn, dst, start, billsec, sub, prefix)
    SELECT uniqueid, src, dst, start, CAST(billsec AS INTEGER), (SELECT id FROM sub WHERE msisdn = src),
        (SELECT prefix FROM rate WHERE prefix IN (substr(dst, 1, 1), substr(dst, 1, 2), substr(dst, 1, 3),
            substr(dst, 1, 4), substr(dst, 1, 5)) ORDER BY length(prefix) DESC LIMIT 1)
    FROM raw;
-- As simdesk rates: the plan's 100 minutes go first, to bundle rates, in
-- the order the calls came in, whole minutes a call; the rest of a call
-- is billed as a call of its own in the rate's blocks, rounded up once.
CREATE TEMP TABLE used AS SELECT o.sub AS sub, min(100, sum(CASE WHEN o.billsec > 0 AND r.bundle = 'yes'
	THEN (o.billsec + 59) / 60 ELSE 0 END)) AS m
    FROM cdr o JOIN rate r ON r.prefix = o.prefix WHERE o.cost IS NOT NULL GROUP BY o.sub;
CREATE UNIQUE INDEX temp.used_sub ON used(sub);
CREATE TEMP TABLE costs(id INTEGER PRIMARY KEY, cost INTEGER);
INSERT INTO costs WITH c AS (
	SELECT cdr.id, cdr.sub, cdr.billsec, r.per_min, r.first, r.inc,
	    CASE WHEN cdr.billsec > 0 AND r.bundle = 'yes' THEN (cdr.billsec + 59) / 60 ELSE 0 END AS need
	FROM cdr JOIN rate r ON r.prefix = cdr.prefix WHERE cdr.cost IS NULL
), w AS (
	SELECT c.*, max(0, 100 - coalesce(u.m, 0)
	    - coalesce(sum(need) OVER (PARTITION BY c.sub ORDER BY c.id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)) AS lft
	FROM c LEFT JOIN used u ON u.sub = c.sub
), x AS (
	SELECT id, per_min, first, inc, CASE WHEN billsec <= 0 THEN 0 WHEN need > 0 AND lft >= need THEN 0
	    WHEN need > 0 THEN billsec - 60 * lft ELSE billsec END AS rest FROM w
)
SELECT id, CASE WHEN rest <= 0 THEN 0 ELSE
	((CASE WHEN rest <= first THEN first ELSE first + (rest - first + inc - 1) / inc * inc END) * per_min + 59999) / 60000 END
    FROM x;
UPDATE cdr SET cost = (SELECT cost FROM costs WHERE costs.id = cdr.id) WHERE cost IS NULL;
DROP TABLE costs;
DROP TABLE used;
COMMIT;
SQL
}
t=$(ms)
rate_sql "$W/cdr1.csv" | sqlite3 "$Q2"
ref_cdr_ms=$(( ($(ms) - t) / 1000000 ))
rate_sql "$W/cdr2.csv" | sqlite3 "$Q2"
t=$(ms)
sqlite3 "$Q2" "PRAGMA synchronous=FULL; BEGIN;
    INSERT OR REPLACE INTO bill SELECT s.customer, '2026-10', s.monthly, coalesce(c.fee, 0), s.monthly + coalesce(c.fee, 0)
    FROM sub s LEFT JOIN (SELECT sub, sum(cost) AS fee FROM cdr WHERE start LIKE '2026-10%' GROUP BY sub) c ON c.sub = s.id;
    COMMIT;"
ref_bill_ms=$(( ($(ms) - t) / 1000000 ))
ref_bill_fen=$(sqlite3 "$Q2" "SELECT sum(total) FROM bill WHERE month = '2026-10';")
printf '\n%-44s %14s %14s %9s\n' "figure" "simdesk" "sqlite3" "ratio"
printf '%-44s %11s ms %11s ms %9s\n' "import + rate $C1 CDRs (durable)" "$cdr_ms" "$ref_cdr_ms" "$(ratio "$cdr_ms" "$ref_cdr_ms")"
printf '%-44s %11s/s %11s/s %9s\n' "  = CDRs per second (target 200000)" \
    "$(awk -v n="$C1" -v t="$cdr_ms" 'BEGIN { printf "%d", n / (t / 1000) }')" \
    "$(awk -v n="$C1" -v t="$ref_cdr_ms" 'BEGIN { printf "%d", n / (t / 1000) }')" ""
printf '%-44s %11s KB\n' "simdeskctl cdr import max RSS" "$(cat "$W/cdrrss")"
printf '%-44s %11s KB %14s\n' "simdeskd max RSS through the import" "$cdr_srss" "(target 204800)"
printf '%-44s %11s ms %11s ms %9s\n' "bill run, $SUBS subscribers, $C3 CDRs" "$bill_ms" "$ref_bill_ms" "$(ratio "$bill_ms" "$ref_bill_ms")"
if [ "$bill_fen" = "$ref_bill_fen" ]; then bill_tot="totals match: $bill_fen fen"; else bill_tot="totals DIFFER: ours $bill_fen fen, sqlite3 $ref_bill_fen fen"; fi
printf '%-44s %s\n' "  the month's bills, both" "$bill_tot"
printf '%-44s %11s ms %14s\n' "  the same run again (nothing changes)" "$rebill_ms" "(target 500)"
printf '%-44s %11s ms %14s\n' "verify, the whole directory" "$verify_ms" "$verify_ok"

# ---------------------------------------------------------------- backups
# Of the same data directory: beside tar cf, and the writers meanwhile
# (tests/bench/backup.sh; BENCH_BACKUP_ARCHIVE=1 adds the .tar.gz).
bash tests/bench/backup.sh "$D"
fi	# bills

# ---------------------------------------------------------------- telephony
if want tel; then
T_M=${BENCH_MODEMS:-64}
T_S=${BENCH_AT_SECONDS:-3}
make --no-print-directory -s build/tests/bench_tel
echo
echo "bench: AT round trips, $T_M modems on one poll loop, ${T_S} s each; reference: raw echo over the same sockets"
build/tests/bench_tel "$T_M" "$T_S" >"$W/tel"
tget() { awk -v k="$1" '$1 == k { print $2 }' "$W/tel"; }
# The screen pop: an incoming call on a simulated modem until the TUI of
# the customer's owner shows it (issue: within 1 s of RING/+CLIP).
pop_ms=n/a
if command -v tmux >/dev/null; then
	PD="$W/popdata"
	export SIMDESK_DATA="$PD"
	SIMDESK_PASSWORD=benchpw1 build/bin/simdeskctl init --admin admin --name 管理员 >/dev/null
	SIMDESK_NEW_PASSWORD=benchpw1 build/bin/simdeskctl user add op --role operator --name 话务员 >/dev/null
	SIMDESK_USER=op SIMDESK_PASSWORD=benchpw1 build/bin/simdeskctl customer add --name 王小明 --phone 13912345678 >/dev/null
	build/bin/simdeskd -f -D "$PD" --modems sim:2 2>/dev/null &
	dpid=$!
	sock="simdesk-pbench-$$"
	tmux -L "$sock" new-session -d -x 120 -y 40 "LANG=C.UTF-8 build/bin/simdesk -l -D $PD"
	sleep 0.5
	tmux -L "$sock" send-keys op Tab benchpw1 Enter
	for _ in $(seq 50); do build/bin/simdeskctl modem list 2>/dev/null | grep -q 'sim1 .* ready' && break; sleep 0.1; done
	sleep 1
	total=0; n=0
	for k in 1 2 3 4 5; do
		t0=$(ms)
		build/bin/simdeskctl modem ring sim1 13912345678 >/dev/null
		for _ in $(seq 400); do
			tmux -L "$sock" capture-pane -p | grep -q "☎ incoming" && break
			sleep 0.005
		done
		total=$(( total + ($(ms) - t0) / 1000000 )); n=$((n + 1))
		tmux -L "$sock" send-keys F7; sleep 0.8; tmux -L "$sock" send-keys F7; sleep 1.5
		tmux -L "$sock" send-keys Escape Escape; sleep 0.5
	done
	pop_ms=$(( total / n ))
	tmux -L "$sock" kill-server
	kill "$dpid" 2>/dev/null; wait "$dpid" 2>/dev/null
	unset SIMDESK_DATA
fi
printf '\n%-44s %14s %14s %9s\n' "figure" "simdesk" "raw echo" "ratio"
printf '%-44s %11s/s %11s/s %9s\n' "AT round trips, $T_M modems, one loop" "$(tget ours_per_s)" "$(tget raw_per_s)" "$(ratio "$(tget ours_per_s)" "$(tget raw_per_s)")"
printf '%-44s %11s us %11s us %9s\n' "  latency p50" "$(tget ours_p50)" "$(tget raw_p50)" "$(ratio "$(tget ours_p50)" "$(tget raw_p50)")"
printf '%-44s %11s us %11s us %9s\n' "  latency p99" "$(tget ours_p99)" "$(tget raw_p99)" "$(ratio "$(tget ours_p99)" "$(tget raw_p99)")"
printf '%-44s %11s us\n' "  added p99 latency (ours - raw)" "$(( $(tget ours_p99) - $(tget raw_p99) ))"
printf '%-44s %11s\n' "  commands that failed" "$(tget ours_errors)"
printf '%-44s %11s ms %14s\n' "screen pop after RING, mean of 5 (TUI)" "$pop_ms" "(target 1000)"
echo "raw echo: the far end answers a fixed reply with no parsing; ours adds the"
echo "AT engine and the simulator (which parses and answers like a modem)."
echo "ratio for round trips: below 1.00x simdesk does fewer; for latency, below"
echo "1.00x simdesk is faster."
fi	# tel
fi

# ------------------------------------------------- at rest, per terminal
# On the customers' data directory (made here for BENCH_ONLY=rest): its
# history grown by BENCH_IDLE_REMINDERS follow-ups and BENCH_IDLE_CALLS
# calls, then simdeskd with BENCH_IDLE_MODEMS simulated modems: lookups
# through it with BENCH_CUSTOMER_WRITERS writers; its CPU at rest with an
# idle TUI signed in, measured over BENCH_IDLE_SECONDS and scaled to a
# minute; BENCH_TERMINALS TUIs each paging the list and opening a card,
# their USS and PSS (smaps_rollup).
if want rest; then
C=${BENCH_CUSTOMERS:-1000000}
NW=${BENCH_CUSTOMER_WRITERS:-16}
I_M=${BENCH_IDLE_MODEMS:-64}
I_R=${BENCH_IDLE_REMINDERS:-100000}
I_C=${BENCH_IDLE_CALLS:-30000}
I_S=${BENCH_IDLE_SECONDS:-30}
I_T=${BENCH_TERMINALS:-100}
make --no-print-directory -s build/tests/bench_idle build/tests/bench_server build/bin/simdeskd
ms() { date +%s%N; }
ID="$W/cdata"
if [ ! -d "$ID" ]; then
	awk -v n="$C" 'BEGIN { print "name,phone"; for (i = 0; i < n; i++) printf "客户%07d,13%09d\n", i, i }' >"$W/rest.csv"
	SIMDESK_PASSWORD=benchpw1 build/bin/simdeskctl -D "$ID" init --admin admin >/dev/null
	build/bin/simdeskctl -D "$ID" customer import "$W/rest.csv" >/dev/null </dev/null
fi
stop_server "$ID"
echo
echo "bench: simdeskd on $C customers, $I_R reminders and $I_C calls of history, $I_M simulated modems"
t=$(ms)
build/tests/bench_idle "$ID" "$I_R" "$I_C" >/dev/null
gen_s=$(( ($(ms) - t) / 1000000000 ))
build/bin/simdeskd -D "$ID" --modems "sim:$I_M" 2>/dev/null
ipid=$(cut -d' ' -f1 "$ID/simdeskd.pid")
for _ in $(seq 120); do
	[ "$(build/bin/simdeskctl -D "$ID" modem list 2>/dev/null | grep -c ' ready ')" -ge "$I_M" ] && break
	sleep 0.5
done
ready=$(build/bin/simdeskctl -D "$ID" modem list 2>/dev/null | grep -c ' ready ')
build/tests/bench_server "$ID" "$C" 4 1000 "writers$NW" >"$W/wsrv" || echo "bench: lookups with writers: some failed"
wget() { awk -v k="$1" '$1 == k { print $2 }' "$W/wsrv"; }
cputicks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
hz=$(getconf CLK_TCK)
per_min() {	# TICKS -> CPU seconds a minute
	awk -v t="$1" -v hz="$hz" -v s="$I_S" 'BEGIN { printf "%.2f", t / hz * 60 / s }'
}
pct() { awk -v t="$1" -v hz="$hz" -v s="$I_S" 'BEGIN { printf "%.2f%%", t / hz / s * 100 }'; }
d_rest=n/a; t_rest=n/a; d_pct=n/a; t_pct=n/a
uss_line=n/a; pss_line=n/a; uss_max=n/a; pss_sum=n/a; nterm=0
if command -v tmux >/dev/null; then
	sock="simdesk-rbench-$$"
	# The bench's user is bound to the admin: no password to hash.
	tmux -L "$sock" new-session -d -s t0 -x 120 -y 40 \
	    "LANG=C.UTF-8 exec build/bin/simdesk -D $ID"
	sleep 5		# signed in, its first screens drawn
	tpid=$(tmux -L "$sock" list-panes -t t0 -F '#{pane_pid}')
	d0=$(cputicks "$ipid"); t0=$(cputicks "$tpid")
	sleep "$I_S"
	d1=$(cputicks "$ipid"); t1=$(cputicks "$tpid")
	d_rest=$(per_min $((d1 - d0))); d_pct=$(pct $((d1 - d0)))
	t_rest=$(per_min $((t1 - t0))); t_pct=$(pct $((t1 - t0)))
	# The terminals: each pages the list of everyone and opens a card.
	for i in $(seq 1 $((I_T - 1))); do
		tmux -L "$sock" new-window -d -t "t0:$i" \
		    "LANG=C.UTF-8 exec build/bin/simdesk -D $ID"
	done
	sleep 3
	for i in $(seq 0 $((I_T - 1))); do
		tmux -L "$sock" send-keys -t "t0:$i" 3
	done
	sleep 2
	for i in $(seq 0 $((I_T - 1))); do
		tmux -L "$sock" send-keys -t "t0:$i" NPage NPage NPage
	done
	sleep 2
	for i in $(seq 0 $((I_T - 1))); do
		tmux -L "$sock" send-keys -t "t0:$i" Enter
	done
	sleep 3
	for i in $(seq 0 $((I_T - 1))); do
		p=$(tmux -L "$sock" list-panes -t "t0:$i" -F '#{pane_pid}')
		tmux -L "$sock" capture-pane -p -t "t0:$i" | grep -q "Phone  *13" || continue
		awk '/^Pss:/ { p = $2 } /^Private_(Clean|Dirty):/ { u += $2 }
		    END { print u, p }' "/proc/$p/smaps_rollup" 2>/dev/null
	done >"$W/mem"
	tmux -L "$sock" kill-server
	nterm=$(wc -l <"$W/mem")
	if [ "$nterm" -gt 0 ]; then
		uss_line=$(sort -n "$W/mem" | awk '{ u[NR] = $1 } END { printf "%d / %d / %d", u[1], u[int((NR + 1) / 2)], u[NR] }')
		pss_line=$(sort -k2 -n "$W/mem" | awk '{ p[NR] = $2 } END { printf "%d / %d / %d", p[1], p[int((NR + 1) / 2)], p[NR] }')
		uss_max=$(sort -n "$W/mem" | tail -1 | cut -d' ' -f1)
		pss_sum=$(awk '{ s += $2 } END { print s }' "$W/mem")
		uss_sum=$(awk '{ s += $1 } END { print s }' "$W/mem")
	fi
fi
stop_server "$ID"
printf '\n%-44s %14s %14s %9s\n' "figure" "via server" "sqlite3" "ratio"
printf '%-44s %11s us %11s us %9s\n' "lookup by phone, $NW writers, p50" "$(wget w_phone_p50_us)" "${ref_pm:-n/a}" "(sqlite3: mean)"
printf '%-44s %11s us %14s\n' "  p99 (target <= 1000)" "$(wget w_phone_p99_us)" ""
printf '%-44s %11s us %11s us %9s\n' "name prefix, 20 rows, $NW writers, p50" "$(wget w_name_p50_us)" "${ref_nm:-n/a}" "(sqlite3: mean)"
printf '%-44s %11s us %14s\n' "  p99 (target <= 1000)" "$(wget w_name_p99_us)" ""
printf '%-44s %11s/s\n' "  lookups served (4 clients)" "$(wget w_lookups_per_s)"
printf '%-44s %11s/s %11s/s\n' "  the $NW writers' adds meanwhile" "$(wget w_writers_per_s)" "${ref_added:+$(awk -v n="$ref_added" -v t="$tw" 'BEGIN { printf "%d", n / (t / 1e9) }')}"
printf '%-44s %11s s\n' "history written (bench_idle)" "$gen_s"
printf '%-44s %11s\n' "modems ready" "$ready of $I_M"
printf '%-44s %11s s %14s\n' "simdeskd at rest, CPU s a minute" "$d_rest" "(target 0.60)"
printf '%-44s %11s %14s\n' "  = share of one core" "$d_pct" "(target 1%)"
printf '%-44s %11s s %14s\n' "idle TUI signed in, CPU s a minute" "$t_rest" "(target 0.30)"
printf '%-44s %11s %14s\n' "  = share of one core" "$t_pct" "(target 0.5%)"
printf '%-44s %14s %14s\n' "terminals paged and on a card" "$nterm of $I_T" ""
printf '%-44s %11s KB %14s\n' "  USS per terminal, min / median / max" "$uss_line" "(target 4096)"
printf '%-44s %11s KB\n' "  PSS per terminal, min / median / max" "$pss_line"
printf '%-44s %11s KB %14s\n' "  PSS of all $nterm summed" "$pss_sum" "(target 307200)"
printf '%-44s %11s KB\n' "  USS of all $nterm summed" "${uss_sum:-n/a}"
echo "At rest: measured over $I_S s (not a whole minute) and scaled to one;"
echo "clock ticks of 1/$hz s, so a figure under $(awk -v hz="$hz" -v s="$I_S" 'BEGIN { printf "%.2f", 60 / hz / s }') s a minute reads as 0."
echo "Lookups: 4 clients through the server, a phone and a name prefix by"
echo "turns, while $NW clients add customers one request each; sqlite3's"
echo "figure is its CLI's mean with its $NW writers (the customers section)."
echo "The environment's cache: cache_mb (simdesk.conf(5)), 64 MiB unless set."
fi

# ---------------------------------------------------------------- the server
if want server; then
# A small operation's round trip through simdeskd: 16 clients, each on one
# connection, "customer show PHONE"; beside it the same lookups made
# in-process on the environment (the direct access of the earlier design).
R_N=${BENCH_SERVER_CUSTOMERS:-100000}
R_C=${BENCH_SERVER_CLIENTS:-16}
R_R=${BENCH_SERVER_REQUESTS:-2000}
R_PACE=${BENCH_SERVER_PACE_US:-5000}	# paced: each client every 5 ms
R_PACE2=${BENCH_SERVER_PACE2_US:-1000}	# and five times as busy
make --no-print-directory -s build/tests/bench_server
RD="$W/srvdata"
SIMDESK_PASSWORD=benchpw1 build/bin/simdeskctl -D "$RD" init --admin admin >/dev/null
awk -v n="$R_N" 'BEGIN { print "name,phone"; for (i = 0; i < n; i++) printf "客户%d,139%08d\n", i, i }' >"$W/srv.csv"
build/bin/simdeskctl -D "$RD" customer import "$W/srv.csv" >/dev/null
echo
echo "bench: round trips through simdeskd, $R_C clients x $R_R requests, $R_N customers"
build/tests/bench_server "$RD" "$R_N" "$R_C" "$R_R" >"$W/srv"
build/tests/bench_server "$RD" "$R_N" "$R_C" "$R_R" "$R_PACE" >>"$W/srv"
build/tests/bench_server "$RD" "$R_N" "$R_C" "$R_R" "$R_PACE2" | sed 's/^paced_/paced2_/' >>"$W/srv"
build/tests/bench_server "$RD" "$R_N" "$R_C" "$R_R" echo >>"$W/srv"
build/tests/bench_server "$RD" "$R_N" "$R_C" "$R_R" echo >>"$W/srv"
build/tests/bench_server "$RD" "$R_N" "$R_C" "$R_R" "echo$R_PACE" >>"$W/srv"
build/tests/bench_server "$RD" "$R_N" "$R_C" "$R_R" "echo$R_PACE2" | sed 's/^echopaced_/echopaced2_/' >>"$W/srv"
stop_server "$RD"
build/tests/bench_server "$RD" "$R_N" "$R_C" "$R_R" direct >>"$W/srv"
rget() { awk -v k="$1" '$1 == k { v = $2 } END { print v }' "$W/srv"; }
printf '\n%-44s %14s %14s %9s\n' "figure" "via server" "in-process" "ratio"
printf '%-44s %11s us %11s us %9s\n' "customer show by phone, back to back, p50" "$(rget rt_p50_us)" "$(rget direct_p50_us)" "$(ratio "$(rget rt_p50_us)" "$(rget direct_p50_us)")"
printf '%-44s %11s us %11s us %9s\n' "  p99" "$(rget rt_p99_us)" "$(rget direct_p99_us)" "$(ratio "$(rget rt_p99_us)" "$(rget direct_p99_us)")"
printf '%-44s %11s/s %11s/s\n' "  throughput" "$(rget rt_per_s)" "$(rget direct_per_s)"
printf '\n%-44s %14s %14s %9s\n' "figure" "via server" "echo floor" "ratio"
printf '%-44s %11s us %11s us %9s\n' "back to back, p50" "$(rget rt_p50_us)" "$(rget echo_p50_us)" "$(ratio "$(rget rt_p50_us)" "$(rget echo_p50_us)")"
printf '%-44s %11s us %11s us %9s\n' "  p99" "$(rget rt_p99_us)" "$(rget echo_p99_us)" "$(ratio "$(rget rt_p99_us)" "$(rget echo_p99_us)")"
printf '%-44s %11s/s %11s/s\n' "  throughput" "$(rget rt_per_s)" "$(rget echo_per_s)"
printf '%-44s %11s us %11s us %9s\n' "paced (each client every $((R_PACE / 1000)) ms), p50" "$(rget paced_p50_us)" "$(rget echopaced_p50_us)" "$(ratio "$(rget paced_p50_us)" "$(rget echopaced_p50_us)")"
printf '%-44s %11s us %11s us %9s\n' "  p99 (target 300 us)" "$(rget paced_p99_us)" "$(rget echopaced_p99_us)" "$(ratio "$(rget paced_p99_us)" "$(rget echopaced_p99_us)")"
printf '%-44s %11s/s\n' "  offered and served" "$(rget paced_per_s)"
printf '%-44s %11s us %11s us %9s\n' "paced (each client every $((R_PACE2 / 1000)) ms), p50" "$(rget paced2_p50_us)" "$(rget echopaced2_p50_us)" "$(ratio "$(rget paced2_p50_us)" "$(rget echopaced2_p50_us)")"
printf '%-44s %11s us %11s us %9s\n' "  p99 (target 300 us)" "$(rget paced2_p99_us)" "$(rget echopaced2_p99_us)" "$(ratio "$(rget paced2_p99_us)" "$(rget echopaced2_p99_us)")"
printf '%-44s %11s/s\n' "  offered and served" "$(rget paced2_per_s)"
printf '%-44s %11s\n' "  requests that failed" "$(( $(rget rt_failed) + $(rget paced_failed) + $(rget paced2_failed) ))"
printf '%-44s %11s ns %11s ns\n' "CPU a request: the clients / simdeskd" "$(rget rt_cpu_ns)" "$(rget rt_server_cpu_ns)"
printf '%-44s %11s ns\n' "  echo floor, clients and echo threads" "$(rget echo_cpu_ns)"
cores=$(nproc)
bound=$(awk -v c="$R_C" -v k="$cores" -v ns="$(rget rt_cpu_ns)" 'BEGIN { if (ns > 0) printf "%d", c * ns / 1000 / k; else print "n/a" }')
printf '%-44s %11s us\n' "  back-to-back mean wait, zero-cost server" "$bound"
printf '%-44s %11s us\n' "  back-to-back mean wait at these costs" \
    "$(awk -v c="$R_C" -v k="$cores" -v a="$(rget rt_cpu_ns)" -v b="$(rget rt_server_cpu_ns)" 'BEGIN { if (a > 0 && b > 0) printf "%d", c * (a + b) / 1000 / k; else print "n/a" }')"
echo "Back to back, $R_C clients queue for $cores cores: by Little's law each"
echo "waits on average $R_C / throughput, and the clients' own CPU alone caps"
echo "the throughput at $cores cores / their CPU a request, whatever the server"
echo "(the lines above: the mean wait if simdeskd cost nothing, and at the"
echo "CPU both sides took here).  Paced"
echo "figures are what $R_C terminals see at the offered rate."
echo "via server: the whole request (authentication by peer credentials, the"
echo "command, its formatted reply); in-process: the core lookup alone, with"
echo "the server stopped (only one process may open the environment); echo"
echo "floor: the same client threads and frames against a thread per"
echo "connection that answers at once with a card-sized reply, no database"
echo "(the best any server on this machine's sockets could do; the second of"
echo "two runs).  Paced is $R_C clients at $((R_C * 1000000 / R_PACE)) and at"
echo "$((R_C * 1000000 / R_PACE2)) requests/s together."
echo
echo "ratio = simdesk / sqlite3 (below 1.00x simdesk is faster).  sqlite3's"
echo "lookup mean includes its CLI's per-statement output; its p50/p99 cannot"
echo "be taken from the CLI.  Lookups go through core (role check, read txn)."
fi	# server

# Agent money (issue 16): commission run beside sqlite3 (tests/bench/money.sh;
# BENCH_AGENTS, BENCH_ACTS scale it), in a whole run.
if [ -z "${BENCH_ONLY:-}" ]; then
	echo
	bash tests/bench/money.sh
fi
# Reports (issue 17): a year of calls and sales, each report beside sqlite3
# (tests/bench/reports.sh; BENCH_REPORT_CALLS, BENCH_REPORT_SALES scale it).
if [ -z "${BENCH_ONLY:-}" ]; then
	echo
	bash tests/bench/reports.sh
fi
