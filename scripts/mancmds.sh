#!/usr/bin/env bash
# mancmds.sh -- regenerate the COMMANDS list of man/simdeskctl.8 from the
# command table (simdeskctl --mdoc-commands), between its BEGIN/END marks.
set -eu
cd "$(dirname "$0")/.."
page=man/simdeskctl.8
gen=$(build/bin/simdeskctl --mdoc-commands)
awk -v gen="$gen" '
	/^\.\\" BEGIN COMMANDS/ { print; print gen; skip = 1; next }
	/^\.\\" END COMMANDS/ { skip = 0 }
	!skip { print }
' "$page" >"$page.tmp"
mv "$page.tmp" "$page"
echo "updated $page"
