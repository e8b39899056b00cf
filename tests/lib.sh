# lib.sh -- helpers for the shell test suites: TAP lines ("ok N - what"),
# a fresh data directory per suite, and running simdeskctl as a given user.
set -u
T_N=0
T_TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH="$T_TOP/build/bin:$PATH"
# simdesk reads and shows times in the configured zone (Asia/Shanghai).
sdate() { TZ=Asia/Shanghai date "$@"; }

t_tmp() {
	T_DIR=$(mktemp -d "${TMPDIR:-/tmp}/simdesk-test.XXXXXX")
	trap 't_cleanup' EXIT
}

# Stop every simdeskd serving a data directory under DIR (default T_DIR):
# SIGTERM, then SIGKILL after 10 s.
t_stop_servers() {
	local f pid n
	for f in $(find "${1:-$T_DIR}" -name simdeskd.pid 2>/dev/null); do
		pid=$(cut -d' ' -f1 "$f" 2>/dev/null)
		[ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] || continue
		tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q simdeskd || continue
		kill "$pid" 2>/dev/null
		for n in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null
	done
	return 0
}

# Wait (up to 10 s) for a simdeskd started by hand on DIR to serve it.
t_server_wait() {
	for _ in $(seq 100); do
		[ -S "$1/simdesk.sock" ] && grep -qvE ' auto' "$1/simdeskd.pid" 2>/dev/null &&
		    return 0
		sleep 0.1
	done
	return 1
}

t_cleanup() {
	t_stop_servers
	[ -n "${T_KEEP:-}" ] || rm -rf "$T_DIR"
}

t_ok() {	# description, then the exit status of the last check
	T_N=$((T_N + 1))
	if [ "$2" -eq 0 ]; then
		echo "ok $T_N - $1"
	else
		echo "not ok $T_N - $1"
	fi
}

# t_skip WHY: a check that cannot run here (TAP's SKIP); tests/run.sh
# counts it as skipped, neither passed nor failed.
t_skip() {
	T_N=$((T_N + 1))
	echo "ok $T_N - # SKIP $1"
}

# t_rc WANT DESC CMD...: the command exits with WANT.
t_rc() {
	local want=$1 desc=$2 rc
	shift 2
	"$@" >"$T_DIR/out" 2>"$T_DIR/err"; rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "# $desc: exit $rc, wanted $want; stderr: $(head -c 300 "$T_DIR/err")"
		t_ok "$desc" 1
		return 1
	fi
	t_ok "$desc" 0
}

# t_grep DESC PATTERN FILE: FILE matches the extended regex.
t_grep() {
	if grep -qE -- "$2" "$3"; then t_ok "$1" 0; else
		echo "# $1: /$2/ not in $3:"; sed 's/^/#   /' "$3" | head -20
		t_ok "$1" 1
	fi
}

t_nogrep() {
	if grep -qE -- "$2" "$3"; then
		echo "# $1: /$2/ unexpectedly in $3"; t_ok "$1" 1
	else t_ok "$1" 0; fi
}

# One-line error check: stderr is exactly one line.
t_oneline() {
	local n
	n=$(wc -l <"$T_DIR/err")
	if [ "$n" -eq 1 ]; then t_ok "$1" 0; else
		echo "# $1: stderr has $n lines"; sed 's/^/#   /' "$T_DIR/err"; t_ok "$1" 1
	fi
}

# as LOGIN PASSWORD simdeskctl ARGS...
as() {
	local u=$1 p=$2
	shift 2
	SIMDESK_USER=$u SIMDESK_PASSWORD=$p "$@"
}

# A data dir with an admin (bound to this Unix user) and one user per role.
t_seed() {
	export SIMDESK_DATA="$T_DIR/data"
	SIMDESK_PASSWORD=adminpw1 simdeskctl init --admin admin --name "管理员" >/dev/null || return 1
	local r
	simdeskctl agent add A1 --name 华东总代 --credit-limit 100000 >/dev/null || return 1
	for r in supervisor operator cashier agent; do
		SIMDESK_NEW_PASSWORD=${r}pw1 simdeskctl user add "$r" --role "$r" \
		    --team east --name "$r one" $([ $r = agent ] && echo --agent A1) \
		    >/dev/null || return 1
	done
}

# ---- the TUI in tmux: a server of its own (TUI_SOCK), sessions by name;
# W names the session the helpers act on.
tm() { tmux -L "$TUI_SOCK" "$@"; }
screen() { tm capture-pane -p -t "$W"; }
keys() { tm send-keys -t "$W" "$@"; }
# wait_for DESC REGEX [TENTHS]: the screen shows REGEX within TENTHS/10 s.
wait_for() {
	for _ in $(seq "${3:-60}"); do
		screen >"$T_DIR/screen"
		grep -qE -- "$2" "$T_DIR/screen" && { t_ok "$1" 0; return 0; }
		sleep 0.1
	done
	echo "# $1: /$2/ not on screen $W:"; sed 's/^/#   |/' "$T_DIR/screen"
	t_ok "$1" 1
	return 1
}
# not_on DESC REGEX SECONDS: the screen never shows REGEX in that time.
not_on() {
	for _ in $(seq $(($3 * 10))); do
		screen >"$T_DIR/screen"
		if grep -qE -- "$2" "$T_DIR/screen"; then
			echo "# $1: /$2/ on screen $W:"; sed 's/^/#   |/' "$T_DIR/screen"
			t_ok "$1" 1; return 1
		fi
		sleep 0.1
	done
	t_ok "$1" 0
}
# wait_gone DESC REGEX [TENTHS]: the screen stops showing REGEX within
# TENTHS/10 s (a key's effect, once the TUI has read it).
wait_gone() {
	for _ in $(seq "${3:-60}"); do
		screen >"$T_DIR/screen"
		grep -qE -- "$2" "$T_DIR/screen" || { t_ok "$1" 0; return 0; }
		sleep 0.1
	done
	echo "# $1: /$2/ still on screen $W:"; sed 's/^/#   |/' "$T_DIR/screen"
	t_ok "$1" 1
	return 1
}
# tui_session NAME: simdesk -l in a new 120x32 session, with the test's
# data, configuration and zone; run through TUI_WRAP when set (a command
# that execs its arguments, as setsid).
tui_session() {
	tm new-session -d -s "$1" -x 120 -y 32 \
	    "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TZ=${TZ:-Asia/Shanghai} SIMDESK_CONF=${SIMDESK_CONF:-} SIMDESK_DATA=$SIMDESK_DATA ${TUI_WRAP:-} $T_TOP/build/bin/simdesk -l; echo EXITED \$?; sleep 30"
}
