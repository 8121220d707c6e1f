// tracker_group.test.mjs: the tracker's writes run through group commit (store/group.c):
// concurrent writes from many game servers share commits and each is answered only after
// its commit; a refused request in a shared transaction undoes its own writes only; a write
// blocked by another process is 503 with Retry-After and nothing applied (checklist 16).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { setup, ok, reason, STAFF, SENIOR } from './lib/tracker.mjs';
import { metrics, metricValue } from './lib/helpers.mjs';

let t;
before(async () => { t = await setup(); });
after(() => t.stop());

test('40 concurrent sendData from 8 servers share commits; every acknowledged event is stored', async () => {
  const servers = [];
  for (let i = 0; i < 8; i++) servers.push((await t.createServer(t.L.A, `grp-${i}`)).runningGameId);
  const joined = ok(await t.join(t.L.A, servers[0], SENIOR, { datetime: t.now() }));
  const m0 = await metrics(t.srv);
  const c0 = metricValue(m0, 'roster_db_group_commits_total');
  const j0 = metricValue(m0, 'roster_db_group_jobs_total');
  const base = t.now();
  const calls = [];
  for (let k = 0; k < 5; k++)
    for (const rg of servers)
      calls.push(t.send(t.L.A, rg, rg === servers[0] ? [{ id: `m${k}`, type: 'message', user: SENIOR, userKey: SENIOR, datetime: base + k }] : []));
  for (const res of await Promise.all(calls)) ok(res);
  const m1 = await metrics(t.srv);
  const commits = metricValue(m1, 'roster_db_group_commits_total') - c0;
  const jobs = metricValue(m1, 'roster_db_group_jobs_total') - j0;
  assert.ok(jobs >= 40, `all 40 writes went through group commit (${jobs})`);
  assert.ok(commits >= 1 && commits <= jobs, `${commits} commits for ${jobs} writes`);
  assert.equal(t.sql(`SELECT COUNT(*) AS n FROM play_events WHERE session_id = '${joined.sessionId}' AND type = 'message'`)[0].n, 5);
});

test('a refused request in a shared batch leaves no heartbeat or row behind', async () => {
  const rg = (await t.createServer(t.L.A, 'grp-refused')).runningGameId;
  const before = t.server(rg).last_ping_at;
  t.clk.advance(5000);
  // Each request goes through its own savepoint: the bad ones (missing playerId) roll back
  // their heartbeat while good ones around them commit.
  const res = await Promise.all([
    t.join(t.L.A, rg, STAFF, { datetime: t.now() }),
    t.ra(t.L.A, 'POST', '/activity/playerJoin', { gameId: rg }),
    t.ra(t.L.A, 'POST', '/activity/playerJoin', { gameId: rg, playerId: 'abc' }),
  ]);
  ok(res[0]);
  reason(res[1], 400, 'Missing playerId');
  reason(res[2], 400, 'Invalid playerId');
  const after = t.server(rg).last_ping_at;
  assert.ok(after > before, 'the good request heartbeat is stored');
  assert.equal(t.sql(`SELECT COUNT(*) AS n FROM play_sessions WHERE server_id = '${rg}'`)[0].n, 1);
  t.clk.advance(5000);
  reason(await t.ra(t.L.A, 'POST', '/activity/playerJoin', { gameId: rg }), 400, 'Missing playerId');
  assert.equal(t.server(rg).last_ping_at, after, 'a refused request keeps no heartbeat');
});

test('16: a tracker write blocked by another process is 503 + Retry-After, nothing applied', async () => {
  const rg = (await t.createServer(t.L.A, 'grp-locked')).runningGameId;
  const p = spawn('sqlite3', [t.srv.dbPath], { stdio: ['pipe', 'pipe', 'pipe'] });
  p.stdin.write(".bail on\n.timeout 5000\nBEGIN EXCLUSIVE;\nSELECT 'locked';\n");
  await new Promise((resolve) => { let out = ''; p.stdout.on('data', (c) => { out += c; if (out.includes('locked')) resolve(); }); });
  let res;
  try {
    res = await t.join(t.L.A, rg, STAFF, { datetime: t.now() });
  } finally {
    p.stdin.end('COMMIT;\n');
    await new Promise((resolve) => p.on('exit', resolve));
  }
  assert.equal(res.status, 503, res.text);
  assert.deepEqual(res.json, { success: false, reason: 'Storage temporarily unavailable' });
  assert.ok(Number(res.headers.get('retry-after')) >= 1);
  assert.equal(t.sql(`SELECT COUNT(*) AS n FROM play_sessions WHERE server_id = '${rg}'`)[0].n, 0, 'no session');
  ok(await t.join(t.L.A, rg, STAFF, { datetime: t.now() })); // and the writer recovers
});
