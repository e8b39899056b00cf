#!/usr/bin/env bash
# test_platform.sh -- simdeskctl's contract (DESIGN.md section 6) for the
# platform: init, users, audit, verify; every exit code reached on purpose;
# bad input gives one line naming the field or file:line and writes nothing.
. "$(dirname "$0")/../lib.sh"
t_tmp
D="$T_DIR/data"

# ---------------------------------------------------------------- init
t_rc 2 "init without --admin is a usage error" simdeskctl -D "$D" init
t_rc 5 "init with a bad login is refused" env SIMDESK_PASSWORD=adminpw1 simdeskctl -D "$D" init --admin "Bad Name"
t_oneline "... with one line"
[ ! -e "$D" ]; t_ok "... and creates nothing" $?
t_rc 5 "init with a short password is refused" env SIMDESK_PASSWORD=abc simdeskctl -D "$D" init --admin admin
[ ! -e "$D" ]; t_ok "... and creates nothing" $?
t_rc 5 "init with no password and no terminal is refused" simdeskctl -D "$D" init --admin admin
t_rc 0 "init creates the environment" env SIMDESK_PASSWORD=adminpw1 simdeskctl -D "$D" init --admin admin --name "管理员"
[ "$(cat "$T_DIR/out")" = admin ]; t_ok "init prints the admin's login alone" $?
[ "$(stat -c %a "$D")" = 700 ] && [ "$(stat -c %a "$D/user.db")" = 600 ]
t_ok "data directory 0700, files 0600 (only simdeskd opens them)" $?
t_rc 6 "init twice is refused" env SIMDESK_PASSWORD=adminpw1 simdeskctl -D "$D" init --admin other
mkdir -m 755 "$T_DIR/pre"
env SIMDESK_PASSWORD=adminpw1 simdeskctl -D "$T_DIR/pre" init --admin admin >/dev/null
[ "$(stat -c %a "$T_DIR/pre")" = 700 ]; t_ok "init in a directory made beforehand (0755) makes it 0700" $?
t_stop_servers "$T_DIR/pre"
export SIMDESK_DATA="$D"

# ---------------------------------------------------------------- peer auth
t_rc 0 "the invoking Unix user is bound to the admin" simdeskctl --json user show admin
t_grep "... whose os_login is $(id -un)" "\"os_login\": \"$(id -un)\"" "$T_DIR/out"

# ---------------------------------------------------------------- users
simdeskctl agent add A1 --name 华东总代 >/dev/null
for r in supervisor operator cashier agent; do
	SIMDESK_NEW_PASSWORD=${r}pw1 simdeskctl user add "$r" --role "$r" --team east --name "$r 一号" $([ $r = agent ] && echo --agent A1) >/dev/null
done
SIMDESK_NEW_PASSWORD=westpw11 simdeskctl user add west1 --role operator --team west >/dev/null
t_rc 5 "a login that is not ASCII is refused" env SIMDESK_NEW_PASSWORD=secret12 simdeskctl user add 王 --role operator
t_rc 0 "user add with every field" env SIMDESK_NEW_PASSWORD=secret12 simdeskctl user add zhang --role cashier --name 张三 --team east --phone 13800138000 --age 30
[ "$(cat "$T_DIR/out")" = zhang ]; t_ok "... prints the key alone" $?
t_rc 6 "a duplicate login is refused (6)" env SIMDESK_NEW_PASSWORD=secret12 simdeskctl user add zhang --role cashier
t_grep "... naming it" "zhang: already exists" "$T_DIR/err"
t_rc 5 "a bad role is invalid input (5)" env SIMDESK_NEW_PASSWORD=secret12 simdeskctl user add li --role king
t_grep "... naming the field" "^simdeskctl: --role:" "$T_DIR/err"
t_rc 5 "a bad age is invalid input" env SIMDESK_NEW_PASSWORD=secret12 simdeskctl user add li --role operator --age 200
t_grep "... naming the field" "--age" "$T_DIR/err"
t_rc 5 "a bad phone is invalid input" env SIMDESK_NEW_PASSWORD=secret12 simdeskctl user add li --role operator --phone 12ab
t_grep "... naming the field" "phone:" "$T_DIR/err"
t_rc 5 "a 5-digit staff phone is refused (issue 12)" env SIMDESK_NEW_PASSWORD=secret12 simdeskctl user add li --role operator --phone 12345
t_grep "... saying which rule" "phone: '12345' is not a mobile number" "$T_DIR/err"
t_rc 5 "a short password is invalid input" env SIMDESK_NEW_PASSWORD=12 simdeskctl user add li --role operator
t_rc 3 "an unknown user is not found (3)" simdeskctl user show li
t_oneline "... in one line"

t_rc 0 "user show --json" simdeskctl --json user show zhang
for k in login name role status team phone age; do
	t_grep "... has $k" "\"$k\":" "$T_DIR/out"
done
t_grep "... status is active" '"status": "active"' "$T_DIR/out"
t_grep "... name in UTF-8" '"name": "张三"' "$T_DIR/out"
t_rc 0 "user list" simdeskctl user list
t_grep "... aligns CJK names by width" '^zhang  *张三  *cashier' "$T_DIR/out"
# Every row's role column starts at the same display column.
while IFS= read -r line; do
	if [[ $line =~ ^(.*[^\ ]\ +)(ROLE|admin|supervisor|operator|cashier|agent)\ \  ]]; then
		printf '%s' "${BASH_REMATCH[1]}" | wc -L
	fi
done <"$T_DIR/out" | sort -u >"$T_DIR/cols"
[ "$(wc -l <"$T_DIR/cols")" -eq 1 ]; t_ok "... role column lines up (display width)" $?
t_rc 0 "user list PREFIX filters by login" simdeskctl --json user list z
[ "$(grep -c '"login"' "$T_DIR/out")" -eq 1 ]; t_ok "... to one user" $?
t_rc 0 "user list --role" simdeskctl --json user list --role operator
[ "$(grep -c '"login"' "$T_DIR/out")" -eq 2 ]; t_ok "... the two operators" $?

t_rc 0 "user update" simdeskctl user update zhang --name "张三丰" --team west
simdeskctl --json user show zhang >"$T_DIR/o2"
t_grep "... changed the name" '"name": "张三丰"' "$T_DIR/o2"
t_rc 4 "a cashier adding a user is refused (4)" as cashier cashierpw1 env SIMDESK_NEW_PASSWORD=secret12 simdeskctl user add evil --role admin
t_oneline "... in one line"
t_rc 0 "audit list --json" simdeskctl --json audit list --user cashier
t_grep "... has the refusal" '"operation": "user.add"' "$T_DIR/out"
t_grep "... as denied" '"outcome": "denied"' "$T_DIR/out"
for k in user operation object at outcome; do
	t_grep "... objects have $k" "\"$k\":" "$T_DIR/out"
done
t_rc 3 "... and evil does not exist" simdeskctl user show evil

# ---------------------------------------------------------------- who is acting
t_rc 4 "an unknown SIMDESK_USER is refused (4)" as ghost x simdeskctl user list
t_grep "... naming the user" "ghost" "$T_DIR/err"
t_rc 4 "SIMDESK_USER without a password and no terminal" env SIMDESK_USER=cashier simdeskctl user list
t_rc 4 "a wrong password is refused" as cashier nope simdeskctl user show cashier
t_rc 0 "a cashier may show themselves" as cashier cashierpw1 simdeskctl user show cashier
t_rc 4 "... but not others" as cashier cashierpw1 simdeskctl user show admin
t_rc 0 "a supervisor lists their team" as supervisor supervisorpw1 simdeskctl --json user list
t_nogrep "... not the west team" '"west1"' "$T_DIR/out"
t_grep "... but the east team" '"operator"' "$T_DIR/out"

# ---------------------------------------------------------------- lockout
for i in 1 2 3 4; do as operator wrong simdeskctl user show operator 2>/dev/null; done
t_rc 4 "the fifth wrong password locks" as operator wrong simdeskctl user show operator
t_grep "... saying so" "locked for 15 minutes" "$T_DIR/err"
t_rc 4 "the right password is refused while locked" as operator operatorpw1 simdeskctl user show operator
t_grep "... until when" "locked until" "$T_DIR/err"
simdeskctl --json user show operator >"$T_DIR/o3"
t_grep "status shows locked" '"status": "locked"' "$T_DIR/o3"
t_rc 0 "a supervisor of the team may unlock" as supervisor supervisorpw1 simdeskctl user unlock operator
t_rc 0 "the password works again" as operator operatorpw1 simdeskctl user show operator
simdeskctl audit list --user operator --op login >"$T_DIR/o4"
[ "$(grep -c ' failed ' "$T_DIR/o4")" -eq 5 ]; t_ok "five failures audited" $?
t_grep "the lock audited" "login.lock" "$T_DIR/o4"

# ---------------------------------------------------------------- passwords, disable
t_rc 0 "an operator changes their own password" as operator operatorpw1 env SIMDESK_NEW_PASSWORD=newpass12 simdeskctl user passwd
t_rc 0 "... and logs in with it" as operator newpass12 simdeskctl user show operator
t_rc 4 "... but not someone else's" as operator newpass12 env SIMDESK_NEW_PASSWORD=newpass12 simdeskctl user passwd cashier
t_rc 0 "an admin sets anyone's" env SIMDESK_NEW_PASSWORD=cashpw22 simdeskctl user passwd cashier
t_rc 0 "... which works" as cashier cashpw22 simdeskctl user show cashier
t_rc 6 "an admin cannot disable themselves (6)" simdeskctl user disable admin
t_rc 0 "disable a user" simdeskctl user disable cashier
t_rc 4 "... who can no longer log in" as cashier cashpw22 simdeskctl user show cashier
t_grep "... told why" "disabled" "$T_DIR/err"
t_rc 0 "enable again" simdeskctl user enable cashier
t_rc 0 "... and they can" as cashier cashpw22 simdeskctl user show cashier

# ---------------------------------------------------------------- bind
t_rc 6 "a Unix login bound twice is refused" simdeskctl user bind zhang "$(id -un)"
t_rc 0 "unbind the admin's Unix login" simdeskctl user bind admin ""
t_rc 4 "an unbound Unix user without SIMDESK_USER is refused" simdeskctl user list
t_grep "... saying it is not bound" "not bound" "$T_DIR/err"
t_rc 0 "bind it again" as admin adminpw1 simdeskctl user bind admin "$(id -un)"
t_rc 0 "... and peer authentication is back" simdeskctl user list

# ---------------------------------------------------------------- usage, help
t_rc 2 "an unknown command is a usage error (2)" simdeskctl frobnicate
t_oneline "... in one line"
t_rc 2 "an unknown verb" simdeskctl user frob
t_rc 2 "an unknown option" simdeskctl user list --colour
t_rc 2 "a missing argument" simdeskctl user show
t_rc 2 "no command at all" simdeskctl
t_rc 0 "--help" simdeskctl --help
t_grep "... lists exit statuses" "4 permission denied" "$T_DIR/out"
simdeskctl --help | grep '^simdeskctl [a-z]' | while read -r _ noun verb _; do
	case "$verb" in [A-Z]*|\[*|--*|"") verb="";; esac
	# shellcheck disable=SC2086
	simdeskctl $noun $verb --help >"$T_DIR/h" 2>&1 && grep -q "^simdeskctl $noun" "$T_DIR/h" ||
	    echo "FAIL $noun $verb"
done >"$T_DIR/helpfails"
[ ! -s "$T_DIR/helpfails" ]; t_ok "--help works for every command of the table" $?
simdeskctl --mdoc-commands >"$T_DIR/mdoc"
sed -n '/^\.\\" BEGIN COMMANDS/,/^\.\\" END COMMANDS/p' "$T_TOP/man/simdeskctl.8" | sed '1d;$d' >"$T_DIR/man"
diff -u "$T_DIR/mdoc" "$T_DIR/man" >"$T_DIR/mandiff"
t_ok "the man page's synopses are the table's (make man)" $?

# ---------------------------------------------------------------- bad environment
printf 'timezone = "UTC";\nbogus = 1;\n' >"$T_DIR/bad.conf"
t_rc 5 "an unknown setting in the config" simdeskctl -C "$T_DIR/bad.conf" user list
t_grep "... names file:line" "bad.conf:2: bogus: unknown setting" "$T_DIR/err"
t_oneline "... in one line"
printf 'timezone = ;\n' >"$T_DIR/bad2.conf"
t_rc 5 "a config syntax error" simdeskctl -C "$T_DIR/bad2.conf" user list
t_grep "... names file:line" "bad2.conf:1: " "$T_DIR/err"
t_rc 5 "a missing -C config" simdeskctl -C "$T_DIR/none.conf" user list
t_grep "... names the file" "none.conf: No such file" "$T_DIR/err"
t_rc 5 "a bad config leaves init undone" env SIMDESK_PASSWORD=adminpw1 simdeskctl -C "$T_DIR/bad.conf" -D "$T_DIR/new" init --admin a
[ ! -e "$T_DIR/new" ]; t_ok "... nothing created" $?
t_rc 9 "a missing data directory" simdeskctl -D "$T_DIR/nope" user list
t_grep "... says to run init" "simdeskctl init" "$T_DIR/err"
[ ! -e "$T_DIR/nope" ]; t_ok "... and is not created" $?
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
	chmod 711 "$T_DIR"
	# A copy nobody can run (a clone under root's 0700 home is not).
	mkdir -p "$T_DIR/bin" && chmod 755 "$T_DIR/bin"
	cp "$T_TOP/build/bin/simdeskctl" "$T_DIR/bin/" && chmod 755 "$T_DIR/bin/simdeskctl"
	t_rc 9 "a data directory without permission" setpriv --reuid=nobody --regid=nogroup --clear-groups "$T_DIR/bin/simdeskctl" -D "$D" user list
	t_grep "... says so" "data directory .*: Permission denied" "$T_DIR/err"
	t_oneline "... in one line"
	chmod 700 "$T_DIR"
fi

# ---------------------------------------------------------------- verify
t_rc 0 "verify holds" simdeskctl verify
t_grep "... checks the indexes" "index user.login" "$T_DIR/out"
t_rc 4 "verify is not for operators" as operator newpass12 simdeskctl verify
t_rc 0 "audit list --limit 3 gives the newest three" simdeskctl --json audit list --limit 3
[ "$(grep -c '"operation"' "$T_DIR/out")" -eq 3 ]; t_ok "... three rows" $?
t_rc 0 "audit list --since the future is empty" simdeskctl --json audit list --since "2099-01-01"
[ "$(grep -c '"operation"' "$T_DIR/out")" -eq 0 ]; t_ok "... no rows" $?
t_rc 5 "audit list --since garbage" simdeskctl audit list --since yesterday
t_grep "... names the option" "^simdeskctl: --since:" "$T_DIR/err"
t_rc 0 "audit list --until a past day is empty" simdeskctl --json audit list --until 2000-01-01
[ "$(grep -c '"operation"' "$T_DIR/out")" -eq 0 ]; t_ok "... no rows" $?
simdeskctl --json audit list >"$T_DIR/all"
t_rc 0 "audit list --since today --until today: all of today" simdeskctl --json audit list --since today --until today
[ "$(grep -c '"operation"' "$T_DIR/out")" -eq "$(grep -c '"operation"' "$T_DIR/all")" ]; t_ok "... every row, made today" $?
t_rc 5 "audit list --until before --since" simdeskctl audit list --since 2026-12-05 --until 2026-12-04
t_grep "... names the option" "^simdeskctl: --until: before since" "$T_DIR/err"

# ---------------------------------------------------------------- docs
t_rc 0 "the shipped example config parses" simdeskctl -C "$T_TOP/scripts/simdesk.conf.example" user list
for k in $(grep -oE '^[a-z_]+ =' "$T_TOP/scripts/simdesk.conf.example" | cut -d' ' -f1); do
	grep -q "Va $k " "$T_TOP/man/simdesk.conf.5" || echo "$k"
done >"$T_DIR/undoc"
[ ! -s "$T_DIR/undoc" ]; t_ok "simdesk.conf(5) documents every setting of the example" $?

# ---------------------------------------------------------------- encryption
E="$T_DIR/enc"
mkdir -p "$E" && echo "s3cret-key-0123" >"$E/key" && echo "other-key-99999" >"$E/key2"
printf 'key_file = "%s";\n' "$E/key" >"$E/conf"
printf 'key_file = "%s";\n' "$E/key2" >"$E/conf2"
t_rc 0 "init an encrypted environment (key_file)" env SIMDESK_PASSWORD=adminpw1 simdeskctl -C "$E/conf" -D "$E/data" init --admin zhangsan --name 张三丰
t_rc 0 "... which works with its key" simdeskctl -C "$E/conf" -D "$E/data" user show zhangsan
# Database, index and log files are encrypted; the live cache is in the
# server's memory (see key_file in simdesk.conf(5)).
! grep -q zhangsan "$E"/data/*.db "$E"/data/*.idx "$E"/data/log.*
t_ok "... and no database, index or log file holds a login in clear" $?
# The key is the server's: each case below starts the data directory's
# server afresh with the configuration given.
t_stop_servers "$E"
t_rc 9 "without the key it is refused" simdeskctl -D "$E/data" user list
t_grep "... saying it is encrypted" "is encrypted: set key_file" "$T_DIR/err"
t_stop_servers "$E"
t_rc 9 "with another key it is refused" simdeskctl -C "$E/conf2" -D "$E/data" user list
t_grep "... saying the key is wrong" "wrong encryption key" "$T_DIR/err"
t_stop_servers "$D"
t_rc 9 "a key for a plain environment is refused" simdeskctl -C "$E/conf" -D "$D" user list
t_grep "... saying so" "is not encrypted" "$T_DIR/err"
printf 'key_file = "%s";\n' "$E/nokey" >"$E/conf3"
t_stop_servers "$E"
t_rc 9 "a missing key file" simdeskctl -C "$E/conf3" -D "$E/data" user list
t_grep "... names it" "key_file .*nokey: No such file" "$T_DIR/err"
# core's messages name fields, never a front end's options (issue 12):
# each front end labels them its own way (simdeskctl: --count).
n=$(grep -nE '"[^"]*--[a-z][a-z-]*' "$T_TOP"/core/*/*.c | grep -vE '^[^:]+:[0-9]+:\s*(/\*|\*)' | wc -l)
[ "$n" -eq 0 ]; t_ok "no message of core names a command-line option ($n do)" $?
if command -v xgettext >/dev/null; then
	PO="$T_TOP/tui/po/zh_CN.po"
	xgettext --from-code=UTF-8 -k_ -kN_ -o "$T_DIR/tui.pot" "$T_TOP"/tui/scr/*.c "$T_TOP"/tui/*.c "$T_TOP"/tui/ctl/cmds.c 2>/dev/null
	# core's and db's errors reach the TUI as their formats (db/err.c):
	# every format given to sd_err_set, sd_err_nest, sd_deny or sd_refuse.
	xgettext --from-code=UTF-8 -k -ksd_err_set:3 -ksd_err_nest:4 -ksd_deny:5 -ksd_refuse:2 \
	    --flag=sd_err_set:3:c-format --flag=sd_err_nest:4:c-format \
	    --flag=sd_deny:5:c-format --flag=sd_refuse:2:c-format -o "$T_DIR/core.pot" \
	    $(find "$T_TOP/core" "$T_TOP/db" -name '*.c' | sort) 2>/dev/null
	n=$(($(grep -c '^msgid ' "$T_DIR/core.pot") - 1))
	[ "$n" -gt 300 ]; t_ok "xgettext finds core's and db's error formats ($n)" $?
	msgcat --use-first -o "$T_DIR/simdesk.pot" "$T_DIR/tui.pot" "$T_DIR/core.pot"
	msgcmp "$PO" "$T_DIR/simdesk.pot" 2>"$T_DIR/msgcmp"; rc=$?
	[ $rc -eq 0 ] || sed 's/^/#   /' "$T_DIR/msgcmp" | head -20
	t_ok "every string of the TUI and every error format of core and db is in the zh_CN catalogue" $rc
	# Each translation of a format keeps its conversions (the flags come
	# from the sources, whatever the catalogue says), and the catalogue
	# builds without a warning.
	# (msgmerge marks fuzzy a translation whose conversions differ).
	msgmerge -q --no-fuzzy-matching -o "$T_DIR/merged.po" "$PO" "$T_DIR/core.pot" 2>/dev/null &&
	    msgfmt -c -o /dev/null "$T_DIR/merged.po" 2>"$T_DIR/msgfmt" &&
	    msgattrib --only-fuzzy --no-obsolete "$T_DIR/merged.po" >"$T_DIR/fuzzy" &&
	    ! grep -q '^msgid "[^"]' "$T_DIR/fuzzy"; rc=$?
	[ $rc -eq 0 ] || sed 's/^/#   /' "$T_DIR/msgfmt" "$T_DIR/fuzzy" | head -20
	t_ok "... each translation's conversions match its format's (msgfmt -c)" $rc
	msgfmt -c -o /dev/null "$PO" 2>"$T_DIR/msgfmt"; rc=$?
	[ $rc -eq 0 ] && [ ! -s "$T_DIR/msgfmt" ]; rc=$?
	[ $rc -eq 0 ] || sed 's/^/#   /' "$T_DIR/msgfmt" | head -20
	t_ok "msgfmt -c builds the catalogue without a warning" $rc
	[ -z "$(msgattrib --untranslated --no-obsolete "$T_TOP/tui/po/zh_CN.po" 2>/dev/null | grep -c '^msgid "[^"]')" ] ||
	    [ "$(msgattrib --untranslated --no-obsolete "$T_TOP/tui/po/zh_CN.po" | grep -c '^msgid "[^"]')" -eq 0 ]
	t_ok "... and translated" $?
fi
