#!/usr/bin/env bash
# test_install.sh -- `make install DESTDIR=... PREFIX=/usr` puts the
# expected files in place with sane modes and nothing set-uid or set-gid;
# scripts/setup-host.sh, run twice on a fresh root (--root: users and
# groups through useradd --root, every path under it), makes the service
# user and group, the directories with their modes, the configuration and
# the first admin the first time, and changes nothing the second.
# setup-host needs root (useradd, chown): without it those checks are
# reported as skipped, and counted so.
. "$(dirname "$0")/../lib.sh"
t_tmp
DEST="$T_DIR/dest"

# ---------------------------------------------------------------- make install
make -s -C "$T_TOP" install DESTDIR="$DEST" PREFIX=/usr >"$T_DIR/install.log" 2>&1
t_ok "make install DESTDIR=... PREFIX=/usr" $?
(cd "$DEST" && find . -type f | sed 's|^\./|/|' | sort) >"$T_DIR/files"
cat >"$T_DIR/want" <<'LIST'
/etc/logrotate.d/simdesk 644
/usr/bin/simdesk 755
/usr/bin/simdeskctl 755
/usr/lib/systemd/system/simdeskd.service 644
/usr/sbin/simdeskd 755
/usr/share/doc/simdesk/simdesk.conf.example 644
/usr/share/locale/zh_CN/LC_MESSAGES/simdesk.mo 644
/usr/share/man/man1/simdesk.1 644
/usr/share/man/man5/simdesk.conf.5 644
/usr/share/man/man8/simdeskctl.8 644
/usr/share/man/man8/simdeskd.8 644
/usr/share/simdesk/setup-host.sh 755
LIST
(cd "$DEST" && while read -r f _; do printf '%s %s\n' "$f" "$(stat -c %a ".$f")"; done <"$T_DIR/files") >"$T_DIR/have"
if diff -u "$T_DIR/want" "$T_DIR/have" >"$T_DIR/diff"; then t_ok "exactly the expected files, with their modes" 0
else sed 's/^/#   /' "$T_DIR/diff"; t_ok "exactly the expected files, with their modes" 1; fi
[ -z "$(find "$DEST" -perm /6000)" ]; t_ok "nothing set-uid or set-gid" $?
[ -z "$(find "$DEST" -perm /022 -type f)" ]; t_ok "no file writable by group or others" $?
t_grep "the unit starts the installed simdeskd with /etc's configuration" \
    "^ExecStart=/usr/sbin/simdeskd -f -D /var/lib/simdesk -C /etc/simdesk/simdesk.conf$" "$DEST/usr/lib/systemd/system/simdeskd.service"
t_nogrep "... no placeholder is left in what was installed" "@[A-Z]+@" <(cat "$DEST/usr/lib/systemd/system/simdeskd.service" "$DEST/usr/share/simdesk/setup-host.sh")
msgunfmt "$DEST/usr/share/locale/zh_CN/LC_MESSAGES/simdesk.mo" >"$T_DIR/mo" 2>&1
t_grep "the catalogue is a catalogue" "msgstr \"备份" "$T_DIR/mo"
t_grep "the logrotate file names simdeskd's logs" "^/var/log/simdesk/simdeskd.log /var/lib/simdesk/simdeskd.log \{" "$DEST/etc/logrotate.d/simdesk"
t_grep "the unit lets simdeskd write /var/log/simdesk" "^LogsDirectory=simdesk$" "$DEST/usr/lib/systemd/system/simdeskd.service"
# Its postrotate, run on a server of our own: simdeskd writes its
# log_file anew after the move.
L="$T_DIR/lr"; mkdir -p "$L/data"
printf 'log_file = "%s/simdeskd.log";\n' "$L" >"$L/conf"
SIMDESK_PASSWORD=adminpw1 simdeskctl -C "$L/conf" -D "$L/data" init --admin admin >/dev/null 2>&1
t_stop_servers "$L"
simdeskd -C "$L/conf" -D "$L/data" 2>/dev/null
t_server_wait "$L/data"
mv "$L/simdeskd.log" "$L/simdeskd.log.1"
sed -n '/postrotate/,/endscript/p' "$DEST/etc/logrotate.d/simdesk" | sed '1d;$d' | sed "s|/var/lib/simdesk|$L/data|g" >"$L/post.sh"
sh "$L/post.sh"; t_ok "... its postrotate runs" $?
for _ in $(seq 100); do grep -q "log reopened" "$L/simdeskd.log" 2>/dev/null && break; sleep 0.1; done
t_grep "... and simdeskd opens its log file again under its name" "log reopened" "$L/simdeskd.log"
t_stop_servers "$L"
if command -v logrotate >/dev/null; then
	sed "s|/var/lib/simdesk|$T_DIR|; /^\tsu /d" "$DEST/etc/logrotate.d/simdesk" >"$T_DIR/lr.conf"
	logrotate -d -s "$T_DIR/lr.state" "$T_DIR/lr.conf" >"$T_DIR/lr" 2>&1
	t_ok "... logrotate reads it" $?
fi
man -l "$DEST/usr/share/man/man8/simdeskd.8" 2>/dev/null | col -b >"$T_DIR/man" 2>/dev/null || groff -mandoc -Tutf8 "$DEST/usr/share/man/man8/simdeskd.8" >"$T_DIR/man" 2>/dev/null
t_grep "simdeskd(8) has RUNNING SIMDESK FOR A TEAM" "RUNNING SIMDESK FOR A TEAM" "$T_DIR/man"

# ---------------------------------------------------------------- setup-host.sh
SETUP="$DEST/usr/share/simdesk/setup-host.sh"
if [ "$(id -u)" != 0 ] || ! command -v useradd >/dev/null || ! command -v setpriv >/dev/null; then
	t_skip "setup-host.sh twice in a fresh root: needs root, useradd and setpriv"
	exit 0
fi
R="$T_DIR/root"
mkdir -p "$R/etc" "$R/run" "$R/var/lib"
chmod 755 "$T_DIR"	# the service user walks into the root's data directory
printf 'root:x:0:0:root:/root:/bin/bash\n' >"$R/etc/passwd"
printf 'root:x:0:\n' >"$R/etc/group"
printf 'root:*:19000:0:99999:7:::\n' >"$R/etc/shadow"
printf 'root:*::\n' >"$R/etc/gshadow"
chmod 640 "$R/etc/shadow" "$R/etc/gshadow"
cp -a "$R/etc" "$T_DIR/etc.before"
run_setup() { SIMDESK_PASSWORD=adminpw1 timeout 120 sh "$SETUP" --root "$R" --simdeskctl "$T_TOP/build/bin/simdeskctl" "$@"; }
t_rc 1 "setup-host.sh refuses a relative --root" sh "$SETUP" --root rel
t_oneline "... in one line"
t_rc 0 "setup-host.sh on a fresh root" run_setup --admin boss --name 老板
cp "$T_DIR/out" "$T_DIR/run1"
sed 's/^/# /' "$T_DIR/run1"
t_grep "... creates the group" "^setup-host: group simdesk: created" "$T_DIR/run1"
t_grep "... and the user" "^setup-host: user simdesk: created" "$T_DIR/run1"
t_grep "... a system user without a login shell, home the data directory" "^simdesk:x:[0-9]+:[0-9]+:simdesk server:/var/lib/simdesk:/usr/sbin/nologin$" "$R/etc/passwd"
uid=$(awk -F: '$1 == "simdesk" { print $3 }' "$R/etc/passwd")
gid=$(awk -F: '$1 == "simdesk" { print $3 }' "$R/etc/group")
modes() { for d in var/lib/simdesk var/lib/simdesk-backups run/simdesk var/log/simdesk etc/simdesk etc/simdesk/simdesk.conf; do
	printf '%s %s\n' "$d" "$(stat -c '%a %u %g' "$R/$d")"; done; }
modes >"$T_DIR/modes"
printf '%s\n' "var/lib/simdesk 700 $uid $gid" "var/lib/simdesk-backups 700 $uid $gid" \
    "run/simdesk 750 $uid $gid" "var/log/simdesk 750 $uid $gid" "etc/simdesk 755 0 0" "etc/simdesk/simdesk.conf 640 0 $gid" >"$T_DIR/modes.want"
diff -u "$T_DIR/modes.want" "$T_DIR/modes" >"$T_DIR/diff"; rc=$?
[ $rc -eq 0 ] || sed 's/^/#   /' "$T_DIR/diff"
t_ok "... the directories and the configuration with their modes and owners" $rc
t_grep "... the configuration names the run directory's socket" '^socket = "/run/simdesk/simdesk.sock";$' "$R/etc/simdesk/simdesk.conf"
t_grep "... the first admin is made" "^setup-host: first admin: boss created" "$T_DIR/run1"
t_grep "... the server init started is stopped" "^setup-host: the server init started .* is stopped" "$T_DIR/run1"
[ -z "$(find "$R/var/lib/simdesk" ! -user "$uid")" ]; t_ok "... every file of the data directory is the service user's" $?
[ -z "$(find "$R/var/lib/simdesk" -type f -perm /077)" ]; t_ok "... and none readable by others" $?
t_rc 0 "... the admin signs in with the password" env SIMDESK_USER=boss SIMDESK_PASSWORD=adminpw1 \
    setpriv --reuid="$uid" --regid="$gid" --clear-groups "$T_TOP/build/bin/simdeskctl" -D "$R/var/lib/simdesk" user show boss
t_grep "... as admin" "admin" "$T_DIR/out"
t_stop_servers "$R"
( cd "$R" && find . -printf '%p %m %u %g %s\n' | grep -v -e '/simdeskd\.' -e '/log\.' -e '\.db ' -e '\.idx ' -e 'simdesk.sock' | sort ) >"$T_DIR/tree1"
t_rc 0 "setup-host.sh a second time" run_setup --admin boss
cp "$T_DIR/out" "$T_DIR/run2"
sed 's/^/# /' "$T_DIR/run2"
t_nogrep "... takes no step" ": (created|made|written|mode and owner set)" "$T_DIR/run2"
[ "$(grep -c 'already' "$T_DIR/run2")" -eq 9 ]; t_ok "... and says of each of the nine that it is already so" $?
( cd "$R" && find . -printf '%p %m %u %g %s\n' | grep -v -e '/simdeskd\.' -e '/log\.' -e '\.db ' -e '\.idx ' -e 'simdesk.sock' | sort ) >"$T_DIR/tree2"
cmp -s "$T_DIR/tree1" "$T_DIR/tree2"; t_ok "... the root is as it was (files, modes, owners, sizes)" $?
cmp -s "$R/etc/passwd" <(sed -n p "$R/etc/passwd") && [ "$(grep -c '^simdesk:' "$R/etc/passwd")" -eq 1 ]
t_ok "... one simdesk user, as before" $?
chmod 755 "$R/var/lib/simdesk"
t_rc 0 "a third run after someone opened the data directory to all" run_setup
t_grep "... sets its mode back, saying so" "^setup-host: /var/lib/simdesk: mode and owner set to 700 .*was 755" "$T_DIR/out"
t_stop_servers "$R"

# ---------------------------------------------------------------- moving host
# The data directory moved to a fresh root: an archive taken there by the
# service user, setup-host.sh --no-admin on the new root, restore as its
# service user into the empty data directory; the admin signs in there.
X="$T_DIR/xfer"; mkdir -m 700 "$X"; chown "$uid:$gid" "$X"
# (The root's uids have no name on this host: the admin signs in by password.)
svc() { setpriv --reuid="$uid" --regid="$gid" --clear-groups env -i PATH=/usr/bin:/bin SIMDESK_USER=boss SIMDESK_PASSWORD=adminpw1 "$@"; }
t_rc 0 "the service user takes a backup archive of the old root" svc timeout 120 "$T_TOP/build/bin/simdeskctl" -D "$R/var/lib/simdesk" backup create --to "$X/move.tar.gz"
t_stop_servers "$R"
R2="$T_DIR/root2"
mkdir -p "$R2/etc" "$R2/run" "$R2/var/lib"
cp -a "$T_DIR/etc.before/." "$R2/etc/"
t_rc 0 "setup-host.sh --no-admin on a new root" env SIMDESK_PASSWORD= timeout 120 sh "$SETUP" --root "$R2" --simdeskctl "$T_TOP/build/bin/simdeskctl" --no-admin
t_grep "... leaves the data directory empty for a restore" "^setup-host: first admin: none" "$T_DIR/out"
[ -z "$(ls -A "$R2/var/lib/simdesk")" ]; t_ok "... it is empty" $?
uid2=$(awk -F: '$1 == "simdesk" { print $3 }' "$R2/etc/passwd")
gid2=$(awk -F: '$1 == "simdesk" { print $3 }' "$R2/etc/group")
chown "$uid2:$gid2" "$X" "$X/move.tar.gz"
t_rc 0 "the new service user restores the archive into it" setpriv --reuid="$uid2" --regid="$gid2" --clear-groups env -i PATH=/usr/bin:/bin \
    timeout 120 "$T_TOP/build/bin/simdeskctl" restore "$X/move.tar.gz" --to "$R2/var/lib/simdesk"
[ "$(stat -c '%a %u' "$R2/var/lib/simdesk")" = "700 $uid2" ] && [ -z "$(find "$R2/var/lib/simdesk" ! -user "$uid2")" ] &&
    [ -z "$(find "$R2/var/lib" -name '.simdesk-restore*')" ]
t_ok "... the data directory keeps its mode, every file the service user's, nothing of the unpacked archive left" $?
t_rc 0 "... the admin signs in there" env SIMDESK_USER=boss SIMDESK_PASSWORD=adminpw1 \
    setpriv --reuid="$uid2" --regid="$gid2" --clear-groups "$T_TOP/build/bin/simdeskctl" -D "$R2/var/lib/simdesk" user show boss
t_rc 0 "... and verify passes" env SIMDESK_USER=boss SIMDESK_PASSWORD=adminpw1 \
    setpriv --reuid="$uid2" --regid="$gid2" --clear-groups "$T_TOP/build/bin/simdeskctl" -D "$R2/var/lib/simdesk" verify
t_stop_servers "$R2"
