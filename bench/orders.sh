#!/bin/sh
# bench/orders.sh: concurrent order claims (issue 6 target): 64 concurrent clients claim the
# same 1,000 orders through PUT /orders/{orderId}/claim; every order must be claimed exactly
# once (0 double claims), checked both on the answers (one 200 per order) and in the database
# (one `claim` log row per order). Prints claim attempts per second, latency percentiles and
# the winners per second.
#
# The loader-key bucket is 600 a minute (readmin-compat.md §1.6), so each client has its own
# loader key in the one workspace (as 64 game servers would) and each key makes at most 500
# requests: orders 1-500 are contended by clients with keys 1-64, orders 501-1000 by clients
# with keys 65-128. Every client walks its half in the same order, so the 64 claims of one
# order arrive together. Orders are seeded straight into the database.
#
#   sh bench/orders.sh [orders=1000] [clients=64]
#   ROSTER_BENCH_BIN=path/to/roster sh bench/orders.sh   (skip the release build)
set -eu
cd "$(dirname "$0")/.."
N=${1:-1000}
CLIENTS=${2:-64}
PORT_R=18487
. bench/lib.sh
T=$(mktemp -d)
RPID=
trap 'kill $RPID 2>/dev/null; [ -n "${BENCH_KEEP:-}" ] || rm -rf "$T"' EXIT
if [ -n "${ROSTER_BENCH_BIN:-}" ]; then
	BIN=$ROSTER_BENCH_BIN
	"$BIN" migrate --data-dir "$T/data" 2>/dev/null
	"$BIN" admin create-owner --username owner --data-dir "$T/data" >/dev/null 2>&1
else
	bench_roster "$T"
fi
# The owner's one-time password is never changed here; let its key act (as bench/staff.sh does).
sqlite3 "$T/data/roster.db" "UPDATE users SET password_change_required = 0"
KEY=$("$BIN" key create --user owner --name bench --scope workspaces:write --data-dir "$T/data" 2>/dev/null)
bench_serve "$T" $PORT_R
BASE=http://127.0.0.1:$PORT_R
WS=$(curl -sf -H "x-api-key: $KEY" -H 'Content-Type: application/json' \
	-d '{"name":"Bench","robloxGroupId":"4242"}' "$BASE/api/workspaces" |
	sed 's/.*"workspace":{"id":"\([0-9a-f]*\)".*/\1/')
curl -sf -X PATCH -H "x-api-key: $KEY" -H 'Content-Type: application/json' \
	-d '{"modules":{"orders":true}}' "$BASE/api/workspaces/$WS" >/dev/null
: > "$T/keys"
i=0
while [ $i -lt $((CLIENTS * 2)) ]; do
	curl -sf -H "x-api-key: $KEY" -H 'Content-Type: application/json' -d "{\"name\":\"server $i\"}" \
		"$BASE/api/workspaces/$WS/loader-keys" | sed 's/.*"secret":"\([^"]*\)".*/\1/' >> "$T/keys"
	echo >> "$T/keys"
	i=$((i + 1))
done
NOW=$(($(date +%s) * 1000))
sqlite3 -cmd ".timeout 5000" "$T/data/roster.db" <<SQL
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $N)
INSERT INTO orders (workspace_id, id, local_day, number, status, customer_id, source,
	distribution, created_at, updated_at)
SELECT '$WS', printf('%024x', i), 'bench', i, 'submitted', '1', 'api', 1, $NOW + i, $NOW + i FROM n;
INSERT INTO order_log (workspace_id, order_id, seq, event, user_id, at)
SELECT workspace_id, id, 1, 'created', '1', created_at FROM orders WHERE workspace_id = '$WS';
COMMIT;
SQL
cat > "$T/drive.mjs" <<'JS'
// Each client is one keep-alive connection from its own loopback address (127.0.1.<c>), so
// Roster's cap of 64 connections per client IP never closes one under the load.
import { readFileSync } from 'node:fs';
import http from 'node:http';
const [base, keysFile, n, clients] = [new URL(process.argv[2]), process.argv[3], Number(process.argv[4]), Number(process.argv[5])];
const keys = readFileSync(keysFile, 'utf8').trim().split('\n');
const ids = Array.from({ length: n }, (_, i) => (i + 1).toString(16).padStart(24, '0'));
const half = Math.ceil(n / 2);
const wins = new Map(), statuses = {}, lat = [];
function put(agent, key, id, actor) {
  const body = JSON.stringify({ actorId: actor });
  return new Promise((resolve, reject) => {
    const req = http.request({ host: base.hostname, port: base.port, path: `/orders/${id}/claim`, method: 'PUT', agent,
      headers: { 'loader-id': key, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
async function client(c, key, orders) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: `127.0.1.${c + 1}` });
  for (const id of orders) {
    const t0 = performance.now();
    const res = await put(agent, key, id, String(10000 + c));
    lat.push(performance.now() - t0);
    statuses[res.status] = (statuses[res.status] || 0) + 1;
    if (res.status === 200) wins.set(id, (wins.get(id) || 0) + 1);
    else if (res.status !== 409 || res.json.status !== 'claimed') throw new Error(`${res.status} ${JSON.stringify(res.json)}`);
  }
  agent.destroy();
}
const t0 = performance.now();
for (let phase = 0; phase < 2; phase++) {
  const orders = ids.slice(phase * half, (phase + 1) * half);
  await Promise.all(Array.from({ length: clients }, (_, c) => client(c, keys[phase * clients + c], orders)));
}
const secs = (performance.now() - t0) / 1000;
lat.sort((a, b) => a - b);
const pct = (p) => lat[Math.min(lat.length - 1, Math.floor(lat.length * p))].toFixed(1);
const doubles = [...wins.values()].filter((v) => v > 1).length;
console.log(`attempts=${lat.length} seconds=${secs.toFixed(2)} attempts_per_s=${(lat.length / secs).toFixed(0)}` +
  ` claims_per_s=${(wins.size / secs).toFixed(0)} p50_ms=${pct(0.5)} p99_ms=${pct(0.99)}`);
console.log(`statuses=${JSON.stringify(statuses)} orders_won=${wins.size}/${n} double_claims=${doubles}`);
if (doubles || wins.size !== n) process.exit(1);
JS
echo "== $CLIENTS concurrent clients claiming $N orders (each order claimed by $CLIENTS clients at once)"
node "$T/drive.mjs" "$BASE" "$T/keys" "$N" "$CLIENTS"
DB=$(sqlite3 "$T/data/roster.db" "SELECT
	(SELECT COUNT(*) FROM orders WHERE workspace_id = '$WS' AND status = 'claimed'),
	(SELECT COUNT(*) FROM (SELECT order_id FROM order_log WHERE workspace_id = '$WS'
		AND event = 'claim' GROUP BY order_id HAVING COUNT(*) > 1))")
echo "db: claimed_orders=${DB%%|*} orders_with_two_claims=${DB##*|}"
echo "commit=$(git rev-parse --short HEAD) cores=$(nproc) clients=$CLIENTS orders=$N"
[ "${DB##*|}" = 0 ]
