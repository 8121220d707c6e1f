// rollover.test.mjs: the distribution rollover job (platform.md §11, §6.1 `distribution`;
// readmin-compat.md §4.8): a scheduled workspace starts its next distribution at the boundary
// in its own zone, marked automated; a manual one never rolls over by itself; another
// workspace is untouched.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, ownerSession, sql } from './lib/harness.mjs';
import { cliKey, clock } from './lib/helpers.mjs';

let srv, key, clk;
const ok = (res) => { assert.equal(res.status, 200, res.text); return res.json.data; };
const mgmt = (ws, m, rest, o = {}) => api(srv, m, `/api/workspaces/${ws.id}${rest}`, { key, ...o });
const dists = async (ws) => ok(await mgmt(ws, 'GET', '/distributions')).distributions;

before(async () => {
  srv = await startServer({ env: { ROSTER_TEST_JOBS_INTERVAL_MS: '100' } });
  clk = clock(srv);
  await ownerSession(srv);
  key = cliKey(srv, 'owner', 'all', ['workspaces:write']);
});
after(() => srv.stop());

async function until(fn, ms = 4000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('a weekly workspace rolls over at its local boundary; a manual one and others do not', async () => {
  const mk = async (name, distribution, timezone) =>
    ok(await api(srv, 'POST', '/api/workspaces', { key, body: { name, timezone, distribution } })).workspace;
  // The boundary is the next local Monday 09:00 in New York after now.
  const weekly = await mk('Weekly', { period: 'weekly', weekday: 1, time: '09:00' }, 'America/New_York');
  const manual = await mk('Manual', { period: 'manual', weekday: 1, time: '09:00' }, 'America/New_York');
  await new Promise((r) => setTimeout(r, 400)); // several job runs: nothing is due yet
  assert.equal((await dists(weekly)).length, 1, 'nothing rolls over before the boundary');

  // Find the boundary: the first Monday 09:00 New York time after now (EST or EDT).
  const now = Date.now() + clk.offset;
  let b = null;
  for (let d = 0; d <= 7 && b === null; d++) {
    for (const off of [4, 5]) {
      const day = new Date(now + d * 86400000);
      const t = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 9 + off);
      const local = new Date(t).toLocaleString('en-US', { timeZone: 'America/New_York', weekday: 'short', hour: '2-digit', minute: '2-digit', hour12: false });
      if (t > now && local.replace(',', '') === 'Mon 09:00') { b = t; break; }
    }
  }
  assert.ok(b, 'a boundary within a week');
  clk.advance(b - now + 60_000); // a minute past the boundary
  const rolled = await until(async () => (await dists(weekly)).length === 2);
  assert.ok(rolled, 'the job started distribution 2');
  const [second, first] = await dists(weekly);
  assert.equal(second.number, 2);
  assert.equal(second.automated, true);
  assert.equal(Date.parse(second.startedAt), b, 'it starts exactly at the boundary, not when the job ran');
  assert.equal(Date.parse(first.endedAt), b);
  assert.equal(ok(await mgmt(weekly, 'GET', '')).workspace.distribution.current, 2);
  await new Promise((r) => setTimeout(r, 400));
  assert.equal((await dists(weekly)).length, 2, 'one rollover per boundary, not one per job run');
  assert.equal((await dists(manual)).length, 1, 'a manual workspace never rolls over by itself');
  const audit = sql(srv, `SELECT actor_type FROM audit_log WHERE action = 'workspace.distribution.create' AND workspace_id = '${weekly.id}'`);
  assert.deepEqual(audit.map((r) => r.actor_type), ['system'], 'audited as the system');
});
