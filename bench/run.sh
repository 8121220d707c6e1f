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
. bench/lib.sh
bench_tools
T=$(mktemp -d)
trap 'kill $RPID $NPID 2>/dev/null; rm -rf "$T"' EXIT
bench_roster "$T"
KEY=$("$BIN" key create --user owner --name bench --scope staff:read --data-dir "$T/data" 2>/dev/null)
bench_serve "$T" $PORT_R
# Idle RSS after start-up, before any load.
RSS_KB=$(awk '/VmRSS/ {print $2}' /proc/$RPID/status)

# The baseline answers a file of the same size as Roster's response.
curl -s -H "x-api-key: $KEY" "http://127.0.0.1:$PORT_R/api/auth/me" > "$T/me.json"
bench_nginx "$T" $PORT_N "$T/me.json"

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
echo "nginx_rps=$N_RPS roster_rps=$R_RPS ratio=$(bench_ratio "$R_RPS" "$N_RPS")"
echo "roster_idle_rss_kb=$RSS_KB commit=$(git rev-parse --short HEAD) cores=$(nproc) connections=$CONN"
