#!/bin/sh
# bench/readmin.sh: the ReAdmin reads of issue 7 over a seeded workspace: the leaderboard over
# 1,000,000 minute rows (10,000 members x 100 distributions; target p50 < 20 ms, one client)
# and GET /ranking against nginx serving the same answer (target >= 0.5x, 64 connections).
# Keys are written straight into the database with their BLAKE2b-256 (b2sum), as Roster
# stores them.
#
#   sh bench/readmin.sh [seconds=10]
set -eu
cd "$(dirname "$0")/.."
DUR=${1:-10}
PORT_R=18485
PORT_N=18486
. bench/lib.sh
bench_tools
T=$(mktemp -d)
trap 'kill $RPID $NPID 2>/dev/null; rm -rf "$T"' EXIT
bench_roster "$T"
NOW=$(($(date +%s) * 1000))
LOADER="ReAdmin_Loader_ID=$(head -c 100 /dev/urandom | od -An -v -tx1 | tr -d ' \n')"
RANKING="DO_NOT_SHARE_ReAdmin_Ranking_Key_Id_DO_NOT_SHARE=$(head -c 150 /dev/urandom | od -An -v -tx1 | tr -d ' \n')"
LH=$(printf '%s' "$LOADER" | b2sum -l 256 | cut -d' ' -f1)
RH=$(printf '%s' "$RANKING" | b2sum -l 256 | cut -d' ' -f1)
sqlite3 "$T/data/roster.db" <<SQL
BEGIN;
UPDATE communities SET distribution_current = 100 WHERE is_default = 1;
INSERT INTO loader_keys (id, workspace_id, name, secret_hash, prefix, created_at)
SELECT printf('%024x', 1), id, 'bench', '$LH', 'ReAdmin_Loader_ID=', $NOW FROM communities WHERE is_default = 1;
INSERT INTO ranking_keys (id, workspace_id, name, secret_hash, prefix, ranking_enabled, created_at)
SELECT '00000000-0000-4000-8000-000000000001', id, 'bench', '$RH', 'DO_NOT_SHARE', 1, $NOW
FROM communities WHERE is_default = 1;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
INSERT INTO workspace_members (workspace_id, roblox_user_id, username, username_key, rank, updated_at)
SELECT c.id, CAST(1000 + i AS TEXT), 'player' || i, 'player' || i, 1 + i % 200, $NOW
FROM n, communities c WHERE c.is_default = 1;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 999999)
INSERT INTO minute_totals (workspace_id, distribution, roblox_user_id, active_ms, idle_ms,
	typing_ms, messages, sessions, created_at, updated_at)
SELECT c.id, 1 + i / 10000, CAST(1000 + 1 + i % 10000 AS TEXT), (i * 7919) % 36000000,
	(i * 104729) % 3600000, (i * 31) % 600000, i % 50, 1 + i % 7, $NOW, $NOW
FROM n, communities c WHERE c.is_default = 1;
COMMIT;
SQL
bench_serve "$T" $PORT_R
echo "rows: $(sqlite3 "$T/data/roster.db" 'SELECT COUNT(*) FROM minute_totals') minute totals"
# 500 sequential requests stay inside the loader key's 600/min bucket, so every one of them
# is a real answer (wrk would measure 429s after the first 600).
echo "== leaderboard, one client, 500 requests"
for i in $(seq 500); do
	curl -s -o /dev/null -w '%{http_code} %{time_total}\n' -H "loader-id: $LOADER" \
		"http://127.0.0.1:$PORT_R/activity/workspace/leaderboard"
done | sort -k2 -n | awk '$1 != 200 {bad++} {t[NR] = $2} END {
	printf "p50=%.2fms p99=%.2fms non200=%d\n", t[int(NR/2)] * 1000, t[int(NR*0.99)] * 1000, bad }'
curl -s -H "api-key: $RANKING" "http://127.0.0.1:$PORT_R/ranking" > "$T/ranking.json"
bench_nginx "$T" $PORT_N "$T/ranking.json"
echo "== nginx static ($(wc -c < "$T/ranking.json") bytes)"
N_OUT=$(wrk -t2 -c64 -d"${DUR}s" --latency "http://127.0.0.1:$PORT_N/ranking.json")
echo "$N_OUT" | grep -E 'Requests/sec|99%'
# Each ranking key has its own bucket of 120 a minute (§1.6), so a fair run spreads the load
# over enough keys that none runs dry: 3,000 keys hold 360,000 tokens, several times what a
# run can send. wrk picks one at random per request (bench/ranking_keys.lua). lastUsedAt is
# set to now: a key's first use in a minute writes it (§1.4), which with 3,000 keys would
# make the run measure those writes rather than the steady state of a key in use.
NKEYS=3000
prefix=DO_NOT_SHARE_ReAdmin_Ranking_Key_Id_DO_NOT_SHARE=
head -c $((150 * NKEYS)) /dev/urandom | od -An -v -tx1 | tr -d ' \n' | fold -w 300 |
	sed "s/^/$prefix/" > "$T/keys.txt"
i=0
{
	echo "BEGIN;"
	while read -r k; do
		i=$((i + 1))
		h=$(printf '%s' "$k" | b2sum -l 256 | cut -d' ' -f1)
		printf "INSERT INTO ranking_keys (id, workspace_id, name, secret_hash, prefix, ranking_enabled, created_at, last_used_at) SELECT '00000000-0000-4000-8000-%012x', id, 'bench', '%s', 'DO_NOT_SHARE', 1, %s, %s FROM communities WHERE is_default = 1;\n" "$((i + 1))" "$h" "$NOW" "$NOW"
	done < "$T/keys.txt"
	echo "COMMIT;"
} | sqlite3 "$T/data/roster.db"
echo "== roster GET /ranking ($NKEYS keys, one at random per request)"
R_OUT=$(cd "$T" && wrk -t2 -c64 -d"${DUR}s" --latency -s "$OLDPWD/bench/ranking_keys.lua" "http://127.0.0.1:$PORT_R/ranking")
echo "$R_OUT" | grep -E 'Requests/sec|99%|Non-2xx'
N_RPS=$(echo "$N_OUT" | awk '/Requests\/sec/ {print $2}')
R_RPS=$(echo "$R_OUT" | awk '/Requests\/sec/ {print $2}')
echo "ranking ratio=$(bench_ratio "$R_RPS" "$N_RPS") commit=$(git rev-parse --short HEAD)"
