#!/bin/sh
# bench/staff.sh: staff administration reads over a seeded database (issue 4 targets):
# GET /api/admin/communities/user-search over 100,000 accounts (p50 < 10 ms) and
# GET /api/admin/roles against nginx serving a file of the same size (>= 0.5x).
#
#   sh bench/staff.sh [seconds=10] [accounts=100000]
set -eu
cd "$(dirname "$0")/.."
DUR=${1:-10}
N=${2:-100000}
PORT_R=18483
PORT_N=18484
. bench/lib.sh
bench_tools
T=$(mktemp -d)
trap 'kill $RPID $NPID 2>/dev/null; rm -rf "$T"' EXIT
bench_roster "$T"
NOW=$(($(date +%s) * 1000))
# Accounts named after common words so that searches match many of them; 20 roles.
sqlite3 "$T/data/roster.db" <<SQL
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
INSERT INTO users (id, username, username_key, roblox_user_id, status, created_at, updated_at)
SELECT printf('%024x', i),
       (CASE i % 5 WHEN 0 THEN 'maple' WHEN 1 THEN 'cedar' WHEN 2 THEN 'river' WHEN 3 THEN 'stone'
        ELSE 'ember' END) || '_' || i,
       (CASE i % 5 WHEN 0 THEN 'maple' WHEN 1 THEN 'cedar' WHEN 2 THEN 'river' WHEN 3 THEN 'stone'
        ELSE 'ember' END) || '_' || i,
       CAST(1000000 + i AS TEXT), 'active', $NOW, $NOW FROM n;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20)
INSERT INTO roles (id, name, name_key, level, color, position, created_at, updated_at)
SELECT printf('%024x', 900000 + i), 'Role ' || i, 'role ' || i, 100 - i * 4, '#5865f2', i, $NOW, $NOW
FROM n;
UPDATE users SET password_change_required = 0;
COMMIT;
SQL
KEY=$("$BIN" key create --user owner --name bench --scope staff:read --data-dir "$T/data" 2>/dev/null)
bench_serve "$T" $PORT_R
curl -s -H "x-api-key: $KEY" "http://127.0.0.1:$PORT_R/api/admin/roles" > "$T/roles.json"
bench_nginx "$T" $PORT_N "$T/roles.json"
# Terms of 3+ characters read the posting list of their rarest trigram (0018_user_trigrams);
# 1-2 characters walk the (status, username_key, id) index in order, as before 0018.
echo "== user-search over $N accounts, one client (q=ver: substring of a fifth of them, after 60% of the index)"
wrk -t1 -c1 -d"${DUR}s" --latency -H "x-api-key: $KEY" \
	"http://127.0.0.1:$PORT_R/api/admin/communities/user-search?q=ver" | grep -E 'Requests/sec|50%|99%'
echo "== user-search for a Roblox id, one client (no username contains it)"
wrk -t1 -c1 -d"${DUR}s" --latency -H "x-api-key: $KEY" \
	"http://127.0.0.1:$PORT_R/api/admin/communities/user-search?q=1050000" | grep -E 'Requests/sec|50%|99%'
echo "== user-search, 2 characters, one client (q=ve: the walk passes 60% of the index first)"
wrk -t1 -c1 -d"${DUR}s" --latency -H "x-api-key: $KEY" \
	"http://127.0.0.1:$PORT_R/api/admin/communities/user-search?q=ve" | grep -E 'Requests/sec|50%|99%'
echo "== nginx static ($(wc -c < "$T/roles.json") bytes)"
N_OUT=$(wrk -t2 -c64 -d"${DUR}s" --latency "http://127.0.0.1:$PORT_N/roles.json")
echo "$N_OUT" | grep -E 'Requests/sec|99%'
echo "== roster GET /api/admin/roles"
R_OUT=$(wrk -t2 -c64 -d"${DUR}s" --latency -H "x-api-key: $KEY" "http://127.0.0.1:$PORT_R/api/admin/roles")
echo "$R_OUT" | grep -E 'Requests/sec|99%|Non-2xx'
N_RPS=$(echo "$N_OUT" | awk '/Requests\/sec/ {print $2}')
R_RPS=$(echo "$R_OUT" | awk '/Requests\/sec/ {print $2}')
echo "roles ratio=$(bench_ratio "$R_RPS" "$N_RPS") commit=$(git rev-parse --short HEAD)"
