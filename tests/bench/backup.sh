#!/usr/bin/env bash
# backup.sh DATADIR -- make bench's backup figures on a data directory
# (run.sh passes the billing one: its customers, cards and call records):
# a full backup into backup.dir beside `tar cf` of the same directory
# (the floor: a copy that neither holds the writers nor checks anything)
# and, with BENCH_BACKUP_ARCHIVE=1, one written as a .tar.gz beside `tar
# czf`; then the throughput of writers (BENCH_BACKUP_WRITERS simdeskctl
# loops adding customers) without a backup, and while a full one is taken.
# BENCH_BACKUP_CUSTOMERS (900000) customers are imported first, so the
# directory holds a million customers beside its 3M call records.
set -eu
cd "$(dirname "$0")/../.."
D=$1
BW=${BENCH_BACKUP_WRITERS:-4}
BS=${BENCH_BACKUP_SECONDS:-10}
W=$(mktemp -d "${TMPDIR:-/tmp}/simdesk-bbench.XXXXXX")
trap 'touch "$W/stop"; wait; rm -rf "$W" "$D-backups"' EXIT
ctl() { build/bin/simdeskctl -D "$D" "$@"; }
ms() { date +%s%N; }
mb() { du -sm "$1" | cut -f1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'; }

# writer PHASE N: customers added until $W/stop, one line each in $W/wN;
# their phones 13 RUN PHASE N NNNNN, new in each run on the same data.
RUN=$(( $(date +%s) % 90 + 10 ))
writer() {
	local i=0
	while [ ! -e "$W/stop" ]; do
		ctl customer add --name "写$RUN$1$2-$i" --phone "13$RUN$1$2$(printf %05d $i)" \
		    >/dev/null 2>&1 </dev/null && echo >>"$W/w$2"
		i=$((i + 1))
	done
}
writers_start() {	# PHASE
	rm -f "$W/stop" "$W"/w[0-9]*
	for w in $(seq "$BW"); do writer "$1" "$w" & done
}
writers_stop() {	# -> writes acknowledged
	touch "$W/stop"
	wait
	cat "$W"/w[0-9]* 2>/dev/null | wc -l
}

# The issue's size: a million customers beside the call records, the
# billing directory's own topped up by BENCH_BACKUP_CUSTOMERS more
# (phones 199..., apart from everyone else's).
BC=${BENCH_BACKUP_CUSTOMERS:-900000}
if [ "$BC" -gt 0 ]; then
	awk -v n="$BC" 'BEGIN { print "name,phone"; for (i = 0; i < n; i++) printf "备份客户%07d,199%08d\n", i, i }' >"$W/more.csv"
	ctl customer import "$W/more.csv" >/dev/null </dev/null
	rm -f "$W/more.csv"
fi
echo
echo "bench: backups of a data directory of $(mb "$D") MB, $BW writers"
ctl user list >/dev/null	# the server is up
writers_start 1
sleep "$BS"
n0=$(writers_stop)
rate0=$(awk -v n="$n0" -v s="$BS" 'BEGIN { printf "%.1f", n / s }')

t=$(ms); ctl backup create >/dev/null; full_ms=$(( ($(ms) - t) / 1000000 ))
full_mb=$(mb "$D-backups")
# What it holds: the big tables' rows, as its manifest counted them.
echo "  rows: $(awk '$1 == "count" && $3 >= 1000 { printf "%s%s %s", sep, $2, $3; sep = ", " }' "$D-backups"/*/MANIFEST)"
t=$(ms); tar cf "$W/t.tar" -C "$D" . 2>/dev/null || true; tarc_ms=$(( ($(ms) - t) / 1000000 ))
rm -f "$W/t.tar"
# Compressed: some minutes for the bench's directory, so on demand.
if [ -n "${BENCH_BACKUP_ARCHIVE:-}" ]; then
	t=$(ms); ctl backup create --to "$W/b.tar.gz" >/dev/null; arch_ms=$(( ($(ms) - t) / 1000000 ))
	arch_mb=$(mb "$W/b.tar.gz")
	rm -f "$W/b.tar.gz"
	t=$(ms); tar czf "$W/t.tar.gz" -C "$D" . 2>/dev/null || true; tar_ms=$(( ($(ms) - t) / 1000000 ))
	tar_mb=$(mb "$W/t.tar.gz")
	rm -f "$W/t.tar.gz"
fi

writers_start 2
t=$(ms); ctl backup create >/dev/null; during_ms=$(( ($(ms) - t) / 1000000 ))
n1=$(writers_stop)
rate1=$(awk -v n="$n1" -v t="$during_ms" 'BEGIN { printf "%.1f", n / (t / 1000) }')

printf '\n%-44s %14s %14s %9s\n' "figure" "simdesk" "tar" "ratio"
printf '%-44s %11s ms %11s ms %9s\n' "full backup to a directory ($full_mb MB), tar cf" "$full_ms" "$tarc_ms" "$(ratio "$full_ms" "$tarc_ms")"
if [ -n "${BENCH_BACKUP_ARCHIVE:-}" ]; then
	printf '%-44s %11s ms %11s ms %9s\n' "full backup + .tar.gz ($arch_mb MB), tar czf ($tar_mb MB)" "$arch_ms" "$tar_ms" "$(ratio "$arch_ms" "$tar_ms")"
else
	echo "(BENCH_BACKUP_ARCHIVE=1 adds the .tar.gz beside tar czf: minutes more)"
fi
printf '\n%-44s %14s %14s %9s\n' "figure" "during backup" "without" "ratio"
printf '%-44s %11s/s %11s/s %9s\n' "writers' customers added" "$rate1" "$rate0" "$(ratio "$rate1" "$rate0")"
printf '%-44s %11s ms\n' "  the full backup taken meanwhile" "$during_ms"
echo "tar: the same directory, unchecked and not consistent while written (the"
echo "floor); ours: Berkeley DB's hot backup, the log to its end with the"
echo "writers held a moment, SHA-256 of every file, (+ .tar.gz) the same"
echo "compressed by zlib at level 6.  Writers: $BW simdeskctl processes adding"
echo "customers back to back (a process and a signed-in request each); the"
echo "ratio is during / without (1.00x: the backup costs them nothing)."
