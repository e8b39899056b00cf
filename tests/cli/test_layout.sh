#!/usr/bin/env bash
# test_layout.sh -- core/'s layout stays what core/README says: a domain's
# tables and indexes (T_*, IX_*) are named only inside its folder, its
# private header is included only there, and dependencies run one way
# (rec <- base <- crm <- stock <- billing <- tel <- money <- report <- ops <- rpc).  No server needed.
. "$(dirname "$0")/../lib.sh"
cd "$T_TOP" || exit 1

order=(rec base crm stock billing tel money report ops rpc)
rank() { local i; for i in "${!order[@]}"; do [ "${order[$i]}" = "$1" ] && echo "$i"; done; }

# Every folder of core/ is a known domain, so none escapes the checks.
for d in core/*/; do
	d=${d%/}; d=${d#core/}
	[ -n "$(rank "$d")" ]; t_ok "core/$d is a domain in the dependency order" $?
done

# Tables and indexes: the names a domain's private header defines appear
# in no file outside its folder (rec's T_META: only in core/rec/).
names_of() {	# domain -> the T_ and IX_ names it defines
	local h
	if [ "$1" = rec ]; then echo T_META; return; fi
	h="core/$1/$1_int.h"
	[ -f "$h" ] || return
	grep -oE '\b(T|IX)_[A-Z_]+\b' "$h" | grep -v '^T__COUNT$' | sort -u
}
for d in "${order[@]}"; do
	n=0; bad=""
	for name in $(names_of "$d"); do
		n=$((n + 1))
		hits=$(grep -rlw --include='*.c' --include='*.h' "$name" core tui drivers db |
		    grep -v "^core/$d/" | grep -v '^core/domains.c$')
		[ -z "$hits" ] || bad="$bad $name:$(echo $hits | tr ' ' ,)"
	done
	[ -z "$bad" ]; t_ok "$d's $n table and index names are used only in core/$d/${bad:+ (not:$bad)}" $?
done

# Private headers are included only inside their folder.
for d in "${order[@]}"; do
	[ "$d" = rec ] && continue
	hits=$(grep -rl --include='*.c' --include='*.h' "\"core/$d/${d}_int.h\"" core tui drivers db | grep -v "^core/$d/")
	[ -z "$hits" ]; t_ok "core/$d/${d}_int.h is included only in core/$d/${hits:+ (also: $hits)}" $?
done

# One way: a file of domain d includes no header of a later domain.  Only
# core/core.h (the front ends' header) and core/domains.c (the registry)
# know every domain.
bad=""
for f in core/*/*.c core/*/*.h; do
	d=$(basename "$(dirname "$f")"); r=$(rank "$d")
	for inc in $(grep -oE '#include "core/[a-z]+/[a-z_]+\.h"' "$f" | grep -oE 'core/[a-z]+/' | sort -u); do
		e=${inc#core/}; e=${e%/}
		[ "$(rank "$e")" -le "$r" ] || bad="$bad $f->$e"
	done
done
[ -z "$bad" ]; t_ok "no domain includes a later domain's header${bad:+ (not:$bad)}" $?
# No file of core/ over about a thousand lines.
big=$(wc -l core/*.c core/*/*.c | awk '$2 != "total" && $1 > 1000 { printf " %s:%d", $2, $1 }')
[ -z "$big" ]; t_ok "no file of core/ is over 1000 lines${big:+ (not:$big)}" $?

