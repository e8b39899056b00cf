#!/usr/bin/env bash
# test_cmds.sh -- the command table's operations against the dispatch
# (issue 14): for each role, the commands simdeskctl lets it start are the
# ones 'simdeskctl help' lists for it and the ones whose 'NOUN VERB --help'
# names its role (all three from the row's .op and core's permission
# table); every other command is refused before it starts, in core's one
# line, and the refusal is audited.
. "$(dirname "$0")/../lib.sh"
t_tmp
# Five hundred short runs: commits need not reach the disk.
printf 'durable = false;\n' >"$T_DIR/simdesk.conf"
export SIMDESK_CONF="$T_DIR/simdesk.conf"
t_seed || { t_ok "seed data" 1; exit 1; }
ME=$(id -un)
: >"$T_DIR/empty.csv"

# Every command of the table but init, with arguments that pass usage:
# each positional argument and required option as "1" (a FILE, a file
# that exists: simdeskctl opens it before it sends the command).
set -f	# [PREFIX] and the like are not patterns
simdeskctl --help | grep '^simdeskctl [a-z]' | while read -r _ noun rest; do
	# shellcheck disable=SC2086
	set -- $rest
	verb=""
	case "${1:-}" in [a-z]*) verb=$1; shift;; esac
	case "${1:-}" in [a-z]*) verb="$verb $1"; shift;; esac	# of two words
	[ "$noun" = init ] && continue
	argv="$noun${verb:+ $verb}"
	while [ $# -gt 0 ]; do
		case "$1" in
		\[*\]) shift;;				# optional
		\[*)	while [ $# -gt 0 ] && [ "${1%]}" = "$1" ]; do shift; done
			shift;;
		"|") shift 3;;				# ICCID | --file FILE
		--*) case "$2" in *FILE*|*.csv) argv="$argv $1 $T_DIR/empty.csv";;
		     *) argv="$argv $1 1";; esac; shift 2;;
		*FILE*) argv="$argv $T_DIR/empty.csv"; shift;;
		*) argv="$argv 1"; shift;;
		esac
	done
	echo "$argv"
done >"$T_DIR/cmds"
n=$(wc -l <"$T_DIR/cmds")
[ "$n" -gt 100 ]; t_ok "the table's commands, with arguments ($n)" $?
# NOUN [VERB] of a line of them, or of a usage line, in $name.
name_of() {
	# shellcheck disable=SC2086
	set -- $1
	name=$1
	case "${2:-}" in [a-z]*) name="$1 $2";; esac
	# a verb of two words: "commission scheme add"
	case "${2:-}/${3:-}" in [a-z]*/[a-z]*) name="$1 $2 $3";; esac
}
# Each command's 'roles:' line, as its --help says.
while read -r line; do
	name_of "$line"
	# shellcheck disable=SC2086
	echo "$name|$(simdeskctl $name --help </dev/null | sed -n 's/^roles: //p')"
done <"$T_DIR/cmds" >"$T_DIR/roles.all"

prev=admin
for role in admin supervisor operator cashier agent; do
	# Signed in as the role's user by the Unix login (no password to
	# hash on every one of a hundred runs).
	if [ "$role" != "$prev" ]; then
		as admin adminpw1 simdeskctl user bind "$prev" "" >/dev/null &&
		    as admin adminpw1 simdeskctl user bind "$role" "$ME" >/dev/null
		t_ok "$role: bound to this Unix user" $?
		prev=$role
	fi
	simdeskctl help >"$T_DIR/help" 2>"$T_DIR/help.err"
	t_grep "$role: help lists for the role" "^The commands $role \\(role $role\\) may run" "$T_DIR/help"
	sed -n 's/^simdeskctl //p' "$T_DIR/help" | while read -r line; do
		name_of "$line"
		echo "$name"
	done >"$T_DIR/listed"
	grep -E "\|.*\\b$role\\b|\|anyone" "$T_DIR/roles.all" | cut -d'|' -f1 >"$T_DIR/roles"
	: >"$T_DIR/bad"; : >"$T_DIR/started"
	while read -r line; do
		name_of "$line"
		# shellcheck disable=SC2086
		timeout 60 simdeskctl $line </dev/null >"$T_DIR/o" 2>"$T_DIR/e"
		rc=$?
		if grep -q "permission denied: role $role may not do this" "$T_DIR/e"; then
			# refused: exit 4, core's one line and nothing else
			[ "$rc" -eq 4 ] && [ "$(wc -l <"$T_DIR/e")" -eq 1 ] &&
			    grep -qE "^simdeskctl: [a-z.]+: permission denied: role $role may not do this\$" "$T_DIR/e" &&
			    [ ! -s "$T_DIR/o" ] ||
			    echo "$line: exit $rc: $(head -c 200 "$T_DIR/e")" >>"$T_DIR/bad"
		elif [ "$rc" -eq 124 ] || grep -qE "see simdeskctl --help|usage:" "$T_DIR/e"; then
			# simdeskctl's usage check, before the dispatch: the
			# arguments made above are wrong
			echo "$line: exit $rc: timed out or bad usage" >>"$T_DIR/bad"
		else
			echo "$name" >>"$T_DIR/started"
		fi
	done <"$T_DIR/cmds"
	[ ! -s "$T_DIR/bad" ]
	t_ok "$role: each refusal exits 4 with core's one line, before any output; the rest start" $?
	[ -s "$T_DIR/bad" ] && sed 's/^/#   /' "$T_DIR/bad"
	sort -o "$T_DIR/listed" "$T_DIR/listed"
	sort -o "$T_DIR/roles" "$T_DIR/roles"
	sort -o "$T_DIR/started" "$T_DIR/started"
	diff "$T_DIR/started" "$T_DIR/listed" >"$T_DIR/d1"
	t_ok "$role: the commands it may start are those help lists ($(wc -l <"$T_DIR/started") of $n)" $?
	sed 's/^/#   /' "$T_DIR/d1"
	diff "$T_DIR/started" "$T_DIR/roles" >"$T_DIR/d2"
	t_ok "$role: ... and those whose --help names the role" $?
	sed 's/^/#   /' "$T_DIR/d2"
	if [ "$role" = admin ]; then
		[ "$(wc -l <"$T_DIR/started")" -eq "$n" ]
		t_ok "admin: may start every command" $?
		t_nogrep "admin: help leaves nothing out" "left out" "$T_DIR/help"
	else
		left=$((n - $(wc -l <"$T_DIR/started")))
		t_grep "$role: help says how many it left out ($left)" "^$left commands left out that role $role may not run\\.\$" "$T_DIR/help"
	fi
done

# The refusal is core's: audited, with the command's first argument.
as admin adminpw1 simdeskctl audit list --user agent --op order.approve >"$T_DIR/a"
t_grep "an agent's refused order approve is audited" "order\\.approve +1 +denied +role agent may not do this" "$T_DIR/a"
# Nothing was read or asked first: a cashier's import names a file that
# is not CSV; refused all the same, as its role.
printf '\377\376garbage' >"$T_DIR/bin.csv"
t_rc 4 "a cashier's customer import is refused before the file is read" as cashier cashierpw1 simdeskctl customer import "$T_DIR/bin.csv"
t_grep "... as core refuses it" "^simdeskctl: customer\\.import: permission denied: role cashier may not do this\$" "$T_DIR/err"
as admin adminpw1 simdeskctl user bind agent "" >/dev/null
as admin adminpw1 simdeskctl user bind admin "$ME" >/dev/null

# help without a known user: every command, and why.
simdeskctl user bind admin "" >/dev/null
t_rc 0 "help as an unbound Unix user" simdeskctl help
simdeskctl --help >"$T_DIR/full"
diff -q "$T_DIR/out" "$T_DIR/full" >/dev/null; t_ok "... lists every command, as --help" $?
t_grep "... saying why on stderr" "^simdeskctl: every command listed: .*not bound" "$T_DIR/err"
t_rc 0 "help with SIMDESK_USER but no password: never prompts" env SIMDESK_USER=agent simdeskctl help
t_grep "... says why" "SIMDESK_PASSWORD is not" "$T_DIR/err"
t_rc 0 "help for a data directory that does not exist" simdeskctl -D "$T_DIR/none" help
diff -q "$T_DIR/out" "$T_DIR/full" >/dev/null; t_ok "... every command" $?
[ ! -e "$T_DIR/none" ]; t_ok "... and nothing made" $?
t_rc 0 "help as a user with a password" as cashier cashierpw1 simdeskctl help
t_grep "... lists for the cashier" "^The commands cashier \\(role cashier\\)" "$T_DIR/out"
t_rc 0 "help NOUN is the table's, for any role" as agent agentpw1 simdeskctl help order
t_grep "... order approve among them" "^simdeskctl order approve ID" "$T_DIR/out"
