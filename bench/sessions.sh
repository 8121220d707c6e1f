#!/bin/sh
# bench/sessions.sh: GET /sessions/upcoming (readmin-compat.md §3.4 #15; issue 6 target: at
# least 0.5x nginx serving the same answer statically, same run) over a workspace with 500
# templates (a fifth daily, the rest weekly, in four zones) and 10,000 sessions spread over a
# year around now, each with one server and two claims. Everything is seeded straight into
# the database. The loader-key bucket is 600 a minute (§1.6), so the load uses 1000 loader
# keys in turn (a wrk Lua script), as 1000 game servers would: 1000 buckets of 600 plus 10 a
# second each cover a 10-second run at up to 70 000 requests a second. The run reports
# non-2xx answers, which must be 0 for the figure to count (a 429 is cheaper than an answer).
# The answer is cached per workspace (docs/sessions.md "Upcoming cache"); the figure is the
# warm cache, as in production where game servers poll a workspace that rarely changes.
# ROSTER_BENCH_KEYS overrides the key count (200 reproduces the figures before the cache).
#
#   sh bench/sessions.sh [seconds=10]
#   ROSTER_BENCH_BIN=path/to/roster sh bench/sessions.sh   (skip the release build)
set -eu
cd "$(dirname "$0")/.."
DUR=${1:-10}
PORT_R=18488
PORT_N=18489
KEYS=${ROSTER_BENCH_KEYS:-1000}
. bench/lib.sh
bench_tools
T=$(mktemp -d)
RPID=
NPID=
trap 'kill $RPID $NPID 2>/dev/null; rm -rf "$T"' EXIT
if [ -n "${ROSTER_BENCH_BIN:-}" ]; then
	BIN=$ROSTER_BENCH_BIN
	"$BIN" migrate --data-dir "$T/data" 2>/dev/null
	"$BIN" admin create-owner --username owner --data-dir "$T/data" >/dev/null 2>&1
else
	bench_roster "$T"
fi
NOW=$(($(date +%s) * 1000))
: > "$T/keys.sql"
: > "$T/keys.txt"
i=1
while [ $i -le $KEYS ]; do
	K="ReAdmin_Loader_ID=$(head -c 100 /dev/urandom | od -An -v -tx1 | tr -d ' \n')"
	H=$(printf '%s' "$K" | b2sum -l 256 | cut -d' ' -f1)
	echo "$K" >> "$T/keys.txt"
	echo "INSERT INTO loader_keys (id, workspace_id, name, secret_hash, prefix, created_at)" \
		"SELECT printf('%024x', $i), id, 'bench $i', '$H', 'ReAdmin_Loader_ID=', $NOW" \
		"FROM communities WHERE is_default = 1;" >> "$T/keys.sql"
	i=$((i + 1))
done
sqlite3 "$T/data/roster.db" <<SQL
BEGIN;
.read $T/keys.sql
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3)
INSERT INTO session_role_groups (workspace_id, id, name, created_at, updated_at)
SELECT c.id, printf('00000000-0000-4000-8000-%012d', i), 'Group ' || i, $NOW + i, $NOW
FROM n, communities c WHERE c.is_default = 1;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 11)
INSERT INTO session_subroles (workspace_id, group_id, id, ord, name, max_users, min_rank, claim_once)
SELECT c.id, printf('00000000-0000-4000-8000-%012d', 1 + i / 4),
	printf('00000000-0000-4000-9000-%012d', i), i % 4, 'Role ' || i, i % 5, 0, i % 2
FROM n, communities c WHERE c.is_default = 1;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 499)
INSERT INTO session_templates (workspace_id, id, name, description, role_group_ids, timezone,
	recurrence, weekdays, local_minute, duration_minutes, appears_before, place_id, game_id,
	created_at, updated_at)
SELECT c.id, printf('%024x', 1000000 + i), 'Template ' || i, 'Weekly training number ' || i,
	printf('00000000-0000-4000-8000-%012d', 1 + i % 3),
	CASE i % 4 WHEN 0 THEN 'UTC' WHEN 1 THEN 'Europe/London' WHEN 2 THEN 'America/New_York'
		ELSE 'Asia/Tokyo' END,
	CASE WHEN i % 5 = 0 THEN 'daily' ELSE 'weekly' END,
	CASE WHEN i % 5 = 0 THEN 0 ELSE 1 << (i % 7) END,
	(i * 37) % 1440, 60, 15, '1818', '4242', $NOW + i, $NOW
FROM n, communities c WHERE c.is_default = 1;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 9999)
INSERT INTO sessions (workspace_id, id, template_id, name, description, role_group_ids,
	starts_at, ends_at, appears_before, place_id, game_id, template_json, created_at, created_by)
SELECT c.id, printf('%024x', 2000000 + i), NULL, 'Session ' || i, '',
	printf('00000000-0000-4000-8000-%012d', 1 + i % 3),
	$NOW - 300 * 86400000 + i * 3153600, $NOW - 300 * 86400000 + i * 3153600 + 3600000,
	15, '1818', '4242', NULL, $NOW, 'bench'
FROM n, communities c WHERE c.is_default = 1;
INSERT INTO session_servers (workspace_id, session_id, id, ord, nickname, created_at)
SELECT workspace_id, id, printf('00000000-0000-4000-a000-%012d', rowid),
	1, 'Server', $NOW FROM sessions;
INSERT INTO session_claims (workspace_id, session_id, server_id, roblox_user_id, role_group_id,
	subrole_id, state, claim_id, claimed_at, claimed_by)
SELECT v.workspace_id, v.session_id, v.id, CAST(100 + k.j AS TEXT),
	'00000000-0000-4000-8000-000000000001', printf('00000000-0000-4000-9000-%012d', k.j),
	'none', printf('%024x', 3000000 + k.j * 100000 + v.rowid), $NOW, 'bench'
FROM session_servers v, (SELECT 0 AS j UNION ALL SELECT 1) k;
COMMIT;
SQL
bench_serve "$T" $PORT_R
echo "seeded: $(sqlite3 "$T/data/roster.db" 'SELECT COUNT(*) FROM session_templates') templates," \
	"$(sqlite3 "$T/data/roster.db" 'SELECT COUNT(*) FROM sessions') sessions," \
	"$(sqlite3 "$T/data/roster.db" 'SELECT COUNT(*) FROM session_claims') claims"
K1=$(head -n 1 "$T/keys.txt")
curl -sf -H "loader-id: $K1" "http://127.0.0.1:$PORT_R/sessions/upcoming" > "$T/upcoming.json"
echo "answer: $(wc -c < "$T/upcoming.json") bytes," \
	"$(grep -o '"date":' "$T/upcoming.json" | wc -l) sessions and placeholders"
cat > "$T/keys.lua" <<LUA
local keys = {}
for line in io.lines("$T/keys.txt") do keys[#keys + 1] = line end
local n = math.random(#keys)
request = function()
	n = n % #keys + 1
	return wrk.format("GET", "/sessions/upcoming", { ["loader-id"] = keys[n] })
end
LUA
bench_nginx "$T" $PORT_N "$T/upcoming.json"
echo "== nginx static upcoming.json"
N_OUT=$(wrk -t2 -c64 -d"${DUR}s" --latency "http://127.0.0.1:$PORT_N/upcoming.json")
echo "$N_OUT" | grep -E 'Requests/sec|50%|99%'
# Steady state: every game server has polled within the last minute, so the gate's key
# touch (one write a key a minute, LIMIT_TOUCH_INTERVAL_MS) does not fall inside a 10-second
# run; in production that is 1000 keys / 60 s = 17 short writes a second.
sqlite3 "$T/data/roster.db" "UPDATE loader_keys SET last_used_at = $(($(date +%s) * 1000))"
echo "== roster GET /sessions/upcoming ($KEYS loader keys in turn)"
R_OUT=$(wrk -t2 -c64 -d"${DUR}s" --latency -s "$T/keys.lua" "http://127.0.0.1:$PORT_R/sessions/upcoming")
echo "$R_OUT" | grep -E 'Requests/sec|50%|99%|Non-2xx'
N_RPS=$(echo "$N_OUT" | awk '/Requests\/sec/ {print $2}')
R_RPS=$(echo "$R_OUT" | awk '/Requests\/sec/ {print $2}')
echo "upcoming ratio=$(bench_ratio "$R_RPS" "$N_RPS") (target >= 0.5) commit=$(git rev-parse --short HEAD)"
