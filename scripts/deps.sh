#!/bin/sh
# deps.sh -- check the Debian packages simdesk needs to build and test, and
# the zh_CN.UTF-8 locale the TUI tests use.  As root, install what is
# missing; otherwise print the exact command and fail.
set -eu

PKGS="gcc make pkg-config libc6-dev libdb5.3-dev libncurses-dev
libserialport-dev libconfig-dev zlib1g-dev libcrypt-dev libcmocka-dev
libminizip-dev libexpat1-dev libsndfile1-dev nettle-dev libxlsxwriter-dev
gettext locales tmux sqlite3 clang libclang-rt-dev llvm procps util-linux
faketime strace unzip python3"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done

if [ -n "$missing" ]; then
	if [ "$(id -u)" = 0 ]; then
		echo "deps: installing:$missing"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		# shellcheck disable=SC2086
		apt-get install -y -qq --no-install-recommends $missing >/dev/null
	else
		echo "deps: missing packages:$missing" >&2
		echo "deps: run: sudo apt-get install -y$missing" >&2
		exit 1
	fi
fi

# The TUI is tested in Chinese too; generate the locale when absent.
if ! locale -a 2>/dev/null | grep -qi '^zh_CN\.utf-\?8$'; then
	if [ "$(id -u)" = 0 ]; then
		echo "deps: generating the zh_CN.UTF-8 locale"
		localedef -i zh_CN -c -f UTF-8 zh_CN.UTF-8 || {
			echo "deps: localedef failed" >&2; exit 1; }
	else
		echo "deps: missing locale zh_CN.UTF-8" >&2
		echo "deps: run: sudo localedef -i zh_CN -c -f UTF-8 zh_CN.UTF-8" >&2
		exit 1
	fi
fi
