#!/bin/sh
# deps.sh: install the Debian packages Roster builds and tests with, when missing, then the
# npm test tools. Safe to run again; does nothing when all is present.
set -eu
# tzdata: session recurrence and distribution boundaries read /usr/share/zoneinfo at run time.
pkgs="build-essential pkg-config clang libclang-rt-14-dev libmicrohttpd-dev libjansson-dev
libsodium-dev libsqlite3-dev libpq-dev libcurl4-openssl-dev sqlite3 tzdata"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
# Node may come from another packager; only its absence makes us install Debian's.
command -v node >/dev/null 2>&1 || missing="$missing nodejs"
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ -n "$missing" ]; then
	echo "deps: installing$missing" >&2
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo=sudo
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
fi
if [ -f package-lock.json ] && [ ! -d node_modules ]; then
	npm ci --no-audit --no-fund
fi
