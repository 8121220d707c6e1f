#!/bin/sh
# bench/tracker.sh: activity-tracker ingestion (issue 5): 100 game servers x 40 players
# replaying join, sendData (one state event per player per batch), leave and endServer
# against SQLite with synchronous=FULL. Target >= 10k events/s on 2 cores with sendData
# p99 <= 20 ms; reports writes and events per fsync from /metrics (group commit).
#
#   sh bench/tracker.sh [seconds=10] [servers=100] [players=40] [interval_ms=400]
set -eu
cd "$(dirname "$0")/.."
DUR=${1:-10}
SERVERS=${2:-100}
PLAYERS=${3:-40}
INTERVAL=${4:-400}
PORT=18487
. bench/lib.sh
T=$(mktemp -d)
trap 'kill $RPID 2>/dev/null; rm -rf "$T"' EXIT
bench_roster "$T"
cc -O2 -o "$T/load" bench/tracker_load.c -lpthread
NOW=$(($(date +%s) * 1000))
LOADER="ReAdmin_Loader_ID=$(head -c 100 /dev/urandom | od -An -v -tx1 | tr -d ' \n')"
LH=$(printf '%s' "$LOADER" | b2sum -l 256 | cut -d' ' -f1)
# Every simulated player is a staff member (rank 100 >= minSyncRank 1), so each one's
# minutes are credited: the most write work per event.
sqlite3 "$T/data/roster.db" <<SQL
BEGIN;
INSERT INTO loader_keys (id, workspace_id, name, secret_hash, prefix, created_at)
SELECT printf('%024x', 1), id, 'bench', '$LH', 'ReAdmin_Loader_ID=', $NOW FROM communities WHERE is_default = 1;
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $SERVERS),
p(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM p WHERE j < $PLAYERS - 1)
INSERT INTO workspace_members (workspace_id, roblox_user_id, username, username_key, rank, updated_at)
SELECT c.id, CAST(1000000 + i * 1000 + j AS TEXT), 'p' || (1000000 + i * 1000 + j),
	'p' || (1000000 + i * 1000 + j), 100, $NOW
FROM s, p, communities c WHERE c.is_default = 1;
COMMIT;
SQL
# One address opens a connection per game server: exempt it from the 64-per-address cap.
bench_serve "$T" $PORT --trusted-proxy 127.0.0.1/32
metric() { curl -s "http://127.0.0.1:$PORT/metrics" | awk -v m="$1" '$1 == m {print $2}'; }
C0=$(metric roster_db_group_commits_total)
J0=$(metric roster_db_group_jobs_total)
OUT=$("$T/load" $PORT "$LOADER" "$SERVERS" "$PLAYERS" "$DUR" "$INTERVAL")
echo "$OUT"
C1=$(metric roster_db_group_commits_total)
J1=$(metric roster_db_group_jobs_total)
EVENTS=$(echo "$OUT" | sed -n 's/.*events=\([0-9]*\) .*/\1/p')
echo "group commits=$((C1 - C0)) writes=$((J1 - J0))" \
	"writes/fsync=$(bench_ratio $((J1 - J0)) $((C1 - C0 > 0 ? C1 - C0 : 1)))" \
	"events/fsync=$(bench_ratio "$EVENTS" $((C1 - C0 > 0 ? C1 - C0 : 1)))" \
	"commit=$(git rev-parse --short HEAD)"
