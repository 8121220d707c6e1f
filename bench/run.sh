#!/bin/sh
# bench/run.sh: GET /api/auth/me authenticated by API key against nginx serving a static file
# of the same size, in one run on this machine, with wrk. Prints requests/s, p99 latency,
# the ratio, and Roster's idle RSS. Not part of CI (STYLE.md §10: never timed in CI).
#
#   sh bench/run.sh [seconds] [connections]
set -eu
cd "$(dirname "$0")/.."
DUR=${1:-10}
CONN=${2:-64}
PORT_R=18480
PORT_N=18481
for p in wrk nginx-light; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$p"; }
done
make -s release >/dev/null
BIN=$PWD/build-release/roster
T=$(mktemp -d)
trap 'kill $RPID $NPID 2>/dev/null; rm -rf "$T"' EXIT

"$BIN" migrate --data-dir "$T/data" 2>/dev/null
"$BIN" admin create-owner --username owner --data-dir "$T/data" >/dev/null 2>&1
KEY=$("$BIN" key create --user owner --name bench --scope staff:read --data-dir "$T/data" 2>/dev/null)
"$BIN" serve --data-dir "$T/data" --listen 127.0.0.1:$PORT_R --threads "$(nproc)" 2>"$T/roster.log" &
RPID=$!
sleep 1
# Idle RSS after start-up, before any load.
RSS_KB=$(awk '/VmRSS/ {print $2}' /proc/$RPID/status)

# The baseline answers a file of the same size as Roster's response.
curl -s -H "x-api-key: $KEY" "http://127.0.0.1:$PORT_R/api/auth/me" > "$T/me.json"
mkdir -p "$T/www"
cp "$T/me.json" "$T/www/me.json"
cat > "$T/nginx.conf" <<NGX
worker_processes $(nproc);
pid $T/nginx.pid;
error_log $T/nginx.err;
events { worker_connections 1024; }
http {
	access_log off;
	server {
		listen 127.0.0.1:$PORT_N;
		root $T/www;
		location / { default_type application/json; }
	}
}
NGX
nginx -c "$T/nginx.conf" -g 'daemon off;' &
NPID=$!
sleep 1

run() {
	wrk -t2 -c"$CONN" -d"${DUR}s" --latency "$@" 2>&1
}
echo "== nginx static ($(wc -c < "$T/me.json") bytes)"
N_OUT=$(run "http://127.0.0.1:$PORT_N/me.json")
echo "$N_OUT" | grep -E 'Requests/sec|99%|Latency  '
echo "== roster GET /api/auth/me (API key)"
R_OUT=$(run -H "x-api-key: $KEY" "http://127.0.0.1:$PORT_R/api/auth/me")
echo "$R_OUT" | grep -E 'Requests/sec|99%|Latency  |Non-2xx'
N_RPS=$(echo "$N_OUT" | awk '/Requests\/sec/ {print $2}')
R_RPS=$(echo "$R_OUT" | awk '/Requests\/sec/ {print $2}')
echo "== summary"
echo "nginx_rps=$N_RPS roster_rps=$R_RPS ratio=$(echo "$R_RPS $N_RPS" | awk '{printf "%.2f", $1/$2}')"
echo "roster_idle_rss_kb=$RSS_KB commit=$(git rev-parse --short HEAD) cores=$(nproc) connections=$CONN"
