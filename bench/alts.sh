#!/bin/sh
# bench/alts.sh: POST /api/admin/recompute-alts over 100,000 accounts and 1,000,000 identity
# signals (issue 4 target: under 5 s). The data is written straight into a fresh database
# with the sqlite3 shell: values shared by a few accounts, some shared by many (hubs).
#
#   sh bench/alts.sh [accounts=100000] [signals=1000000]
set -eu
cd "$(dirname "$0")/.."
N=${1:-100000}
S=${2:-1000000}
PORT=18482
. bench/lib.sh
T=$(mktemp -d)
trap 'kill $RPID 2>/dev/null; rm -rf "$T"' EXIT
bench_roster "$T"
NOW=$(($(date +%s) * 1000))
sqlite3 "$T/data/roster.db" <<SQL
PRAGMA journal_mode=WAL;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
INSERT INTO users (id, username, username_key, status, created_at, updated_at)
SELECT printf('%024x', i), 'u' || i, 'u' || i, 'active', $NOW, $NOW FROM n;
-- Slot k = i / N is each account's k-th signal. Slot 0 of every tenth pair of accounts is
-- a shared value (one cluster of two per ten accounts); slot 1 of every hundredth account is
-- one of seven hub values; everything else is unique to its account.
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $S - 1)
INSERT OR IGNORE INTO identity_signals (user_id, type, hash, first_seen_at, last_seen_at, count)
SELECT printf('%024x', 1 + i % $N),
       CASE WHEN (i / $N) % 2 = 0 THEN 'ip' ELSE 'device' END,
       CASE WHEN i / $N = 0 AND (i % $N) % 10 < 2 THEN printf('%064x', 1000000000 + (i % $N) / 10)
            WHEN i / $N = 1 AND (i % $N) % 100 = 0 THEN printf('%064x', 2000000000 + (i % $N) % 7)
            ELSE printf('%064x', 3000000000 + i) END,
       $NOW - 86400000, $NOW, 1 FROM n;
UPDATE users SET password_change_required = 0;
COMMIT;
SQL
KEY=$("$BIN" key create --user owner --name bench --scope staff:write --data-dir "$T/data" 2>/dev/null)
bench_serve "$T" $PORT
echo "accounts=$N signals=$(sqlite3 "$T/data/roster.db" 'SELECT COUNT(*) FROM identity_signals')"
for run in 1 2; do
	curl -s -o "$T/out.json" -w "run $run: http=%{http_code} seconds=%{time_total}\n" -X POST \
		-H "x-api-key: $KEY" "http://127.0.0.1:$PORT/api/admin/recompute-alts"
	grep -o '"stats":{[^}]*}' "$T/out.json"
done
echo "response bytes: $(wc -c < "$T/out.json")"
