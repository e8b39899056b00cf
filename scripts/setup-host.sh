#!/bin/sh
# setup-host.sh -- make a host ready for simdesk after `make install`:
# the service user and group, the data, backup, run and configuration
# directories with their modes, the configuration, and the first admin.
# Says each step it takes; a second run changes nothing and says so.
#
#   SIMDESK_PASSWORD=... setup-host.sh --admin LOGIN [--name NAME]
#       [--no-admin] [--root DIR] [--simdeskctl PATH]
#
# --no-admin leaves the data directory empty, for a restore into it (a
# data directory moved from another host).
# --root DIR works on DIR as the root of another system (an image, a
# chroot, a test's directory): users and groups through useradd/groupadd
# --root, every path under DIR.  Run as root.  See simdeskd(8), RUNNING
# SIMDESK FOR A TEAM.
set -eu

PREFIX="@PREFIX@"
SYSCONFDIR="@SYSCONFDIR@"
case $PREFIX in @*) PREFIX=/usr/local ;; esac
case $SYSCONFDIR in @*) SYSCONFDIR=/etc ;; esac

ROOT=""
SVC=simdesk
DATA=/var/lib/simdesk
RUN=/run/simdesk
LOG=/var/log/simdesk
CONFDIR=$SYSCONFDIR/simdesk
ADMIN=""
NAME=""
CTL=""
NOADMIN=""

say() { printf 'setup-host: %s\n' "$*"; }
die() { printf 'setup-host: %s\n' "$*" >&2; exit 1; }
usage() {
	sed -n '7,8p' "$0" | sed 's/^#  *//' >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--root) [ $# -ge 2 ] || usage; ROOT=$2; shift 2 ;;
	--admin) [ $# -ge 2 ] || usage; ADMIN=$2; shift 2 ;;
	--name) [ $# -ge 2 ] || usage; NAME=$2; shift 2 ;;
	--simdeskctl) [ $# -ge 2 ] || usage; CTL=$2; shift 2 ;;
	--no-admin) NOADMIN=1; shift ;;
	-h|--help) usage ;;
	*) die "unknown argument: $1 (see --help)" ;;
	esac
done

[ "$(id -u)" = 0 ] || die "run as root (it adds a user and sets owners)"
if [ -n "$ROOT" ]; then
	case $ROOT in /*) ;; *) die "--root $ROOT: an absolute path is needed" ;; esac
	[ -d "$ROOT/etc" ] || die "--root $ROOT: no etc/ there (not a system's root)"
	ROOT=${ROOT%/}
fi
[ -n "$CTL" ] || CTL=$(command -v simdeskctl 2>/dev/null || echo "$PREFIX/bin/simdeskctl")
[ -x "$CTL" ] || die "simdeskctl: $CTL is not a program (make install first, or --simdeskctl PATH)"

rootopt() { [ -z "$ROOT" ] || printf -- '--root\n%s\n' "$ROOT"; }
# The NAME's field F of ROOT/etc/FILE, or nothing.
field() { awk -F: -v n="$2" -v f="$3" '$1 == n { print $f }' "$ROOT/etc/$1" 2>/dev/null; }

# ---------------------------------------------------------------- user, group
if [ -n "$(field group "$SVC" 1)" ]; then
	say "group $SVC: already there"
else
	# shellcheck disable=SC2046
	groupadd --system $(rootopt) "$SVC"
	say "group $SVC: created (who may connect to simdeskd's socket)"
fi
if [ -n "$(field passwd "$SVC" 1)" ]; then
	say "user $SVC: already there"
else
	# shellcheck disable=SC2046
	useradd --system $(rootopt) --gid "$SVC" --home-dir "$DATA" \
	    --no-create-home --shell /usr/sbin/nologin \
	    --comment "simdesk server" "$SVC"
	say "user $SVC: created (system user, no login shell, home $DATA)"
fi
uid=$(field passwd "$SVC" 3)
gid=$(field group "$SVC" 3)
[ -n "$uid" ] && [ -n "$gid" ] || die "user $SVC: not in $ROOT/etc/passwd after useradd"

# ---------------------------------------------------------------- directories
# dir PATH MODE OWNER GROUP WHAT: PATH (under ROOT) exactly so.
dir() {
	p=$ROOT$1
	if [ -d "$p" ]; then
		have=$(stat -c '%a %u %g' "$p")
		if [ "$have" = "$2 $3 $4" ]; then
			say "$1: already there ($2, $5)"
			return
		fi
		chown "$3:$4" "$p"
		chmod "$2" "$p"
		say "$1: mode and owner set to $2 ($5; was $have)"
		return
	fi
	mkdir -p "$p"
	chown "$3:$4" "$p"
	chmod "$2" "$p"
	say "$1: made, $2 ($5)"
}
dir "$DATA" 700 "$uid" "$gid" "the data: simdeskd alone opens it"
dir "$DATA-backups" 700 "$uid" "$gid" "backups: backup.dir by default"
dir "$RUN" 750 "$uid" "$gid" "the socket; systemd makes it again at each start"
dir "$LOG" 750 "$uid" "$gid" "for log_file; /etc/logrotate.d/simdesk rotates it"
dir "$CONFDIR" 755 0 0 "the configuration"

# ---------------------------------------------------------------- configuration
conf=$CONFDIR/simdesk.conf
if [ -e "$ROOT$conf" ]; then
	say "$conf: already there (left as it is)"
else
	umask 027
	cat >"$ROOT$conf.tmp" <<EOF
# simdesk.conf -- written by setup-host.sh; every setting is in
# $PREFIX/share/doc/simdesk/simdesk.conf.example and simdesk.conf(5).
socket = "$RUN/simdesk.sock";
# The journal keeps simdeskd's log; or a file, rotated by logrotate:
# log_file = "$LOG/simdeskd.log";
EOF
	chown "0:$gid" "$ROOT$conf.tmp"
	chmod 640 "$ROOT$conf.tmp"
	mv "$ROOT$conf.tmp" "$ROOT$conf"
	say "$conf: written (socket $RUN/simdesk.sock), 640 root:$SVC"
fi

# ---------------------------------------------------------------- first admin
# A database is there once init made its user table.
if [ -e "$ROOT$DATA/user.db" ]; then
	say "first admin: the database is already initialized (left as it is)"
	exit 0
fi
if [ -n "$NOADMIN" ]; then
	say "first admin: none (--no-admin): $DATA stays empty for a restore"
	exit 0
fi
[ -n "$ADMIN" ] || die "first admin: --admin LOGIN is needed (and SIMDESK_PASSWORD), or --no-admin"
[ -n "${SIMDESK_PASSWORD:-}" ] || die "first admin: set SIMDESK_PASSWORD to the admin's password"
# As the service user: the data directory is its own.
as_svc() {
	setpriv --reuid="$uid" --regid="$gid" --clear-groups \
	    env -i PATH=/usr/bin:/bin HOME="$ROOT$DATA" LANG=C.UTF-8 "$@"
}
if [ -n "$ROOT" ]; then
	# The configuration's paths are the other system's: simdeskctl
	# starts a server of its own on the data directory's socket.
	as_svc SIMDESK_PASSWORD="$SIMDESK_PASSWORD" "$CTL" -D "$ROOT$DATA" \
	    init --admin "$ADMIN" ${NAME:+--name "$NAME"} >/dev/null
else
	# The configuration's socket is the service's: a simdeskd started
	# here with it serves init, and is stopped after it.
	sd=$(dirname "$CTL")/simdeskd
	[ -x "$sd" ] || sd=$(dirname "$CTL")/../sbin/simdeskd
	[ -x "$sd" ] || sd=$PREFIX/sbin/simdeskd
	[ -x "$sd" ] || die "simdeskd: not found beside $CTL nor in $PREFIX/sbin"
	sock=$(sed -n 's/^[[:space:]]*socket[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' "$conf" | tail -1)
	[ -n "$sock" ] || sock=$DATA/simdesk.sock
	# (Not through as_svc: $! must be simdeskd's pid, not a subshell's.)
	setpriv --reuid="$uid" --regid="$gid" --clear-groups \
	    env -i PATH=/usr/bin:/bin HOME="$DATA" LANG=C.UTF-8 \
	    "$sd" -f -D "$DATA" -C "$conf" 2>"$DATA.setup.log" &
	spid=$!
	n=0
	while [ ! -S "$sock" ] && kill -0 "$spid" 2>/dev/null && [ $n -lt 100 ]; do
		sleep 0.1; n=$((n + 1))
	done
	[ -S "$sock" ] || { kill "$spid" 2>/dev/null; die "first admin: simdeskd did not start: $(tail -1 "$DATA.setup.log")"; }
	rc=0
	as_svc SIMDESK_PASSWORD="$SIMDESK_PASSWORD" "$CTL" -C "$conf" -D "$DATA" \
	    init --admin "$ADMIN" ${NAME:+--name "$NAME"} >/dev/null || rc=$?
	kill "$spid" 2>/dev/null || true
	wait "$spid" 2>/dev/null || true
	rm -f "$DATA.setup.log"
	[ $rc -eq 0 ] || die "first admin: init failed (exit $rc)"
fi
say "first admin: $ADMIN created in $DATA"
[ -n "$ROOT" ] || say "the simdeskd that served init ($spid) is stopped: start the service (systemctl enable --now simdeskd)"
# init started a server of its own for the data directory; the service's
# simdeskd takes over from it, but it is stopped here so nothing of this
# run stays behind.
pidf=$ROOT$DATA/simdeskd.pid
if [ -r "$pidf" ] && grep -q ' auto' "$pidf"; then
	pid=$(cut -d' ' -f1 "$pidf")
	kill "$pid" 2>/dev/null || true
	n=0
	while kill -0 "$pid" 2>/dev/null && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
	say "the server init started ($pid) is stopped: start the service (systemctl enable --now simdeskd)"
fi
