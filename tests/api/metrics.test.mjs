// metrics.test.mjs: the /metrics series of platform.md §8 that follow the data: the
// database-derived gauges (game servers running, players online, queued actions pending, alt
// clusters, sessions active), refreshed off the request path at most every 15 s; the delivered
// queued actions by type; the alt-rebuild histogram; job runs by job and outcome. The clock
// seam moves the refresh period; the job loop runs every 50 ms (lib/tracker.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { api, login, OWNER_PASSWORD } from './lib/harness.mjs';
import { metricValue, metrics } from './lib/helpers.mjs';
import { setup, ok, STAFF, SENIOR } from './lib/tracker.mjs';

let t, owner;
before(async () => {
  t = await setup();
  owner = await login(t.srv, 'owner', OWNER_PASSWORD);
});
after(async () => { await t?.stop(); });

const GAUGES = ['roster_game_servers_running', 'roster_players_online', 'roster_queued_actions_pending',
  'roster_alt_clusters', 'roster_sessions_active'];

async function gauges() {
  const text = await metrics(t.srv);
  return Object.fromEntries(GAUGES.map((n) => [n, metricValue(text, n)]));
}

// What the refresh should find, counted straight from the database at the server's clock.
function expected() {
  const now = t.now();
  const one = (q) => t.sql(q)[0].n;
  return {
    roster_game_servers_running: one('SELECT COUNT(*) AS n FROM running_servers WHERE ended_at IS NULL'),
    roster_players_online: one('SELECT COUNT(*) AS n FROM running_players p JOIN running_servers s ON s.id = p.server_id WHERE s.ended_at IS NULL'),
    roster_queued_actions_pending: one("SELECT COUNT(*) AS n FROM queued_actions a JOIN running_servers s ON s.id = a.server_id WHERE a.status = 'pending' AND s.ended_at IS NULL"),
    roster_alt_clusters: one('SELECT COUNT(*) AS n FROM alt_clusters'),
    roster_sessions_active: one(`SELECT COUNT(*) AS n FROM login_sessions WHERE last_seen_at > ${now - 30 * 60000} AND created_at > ${now - 12 * 3600000}`),
  };
}

// Moves the server clock past the 15 s period and waits (real time) for the refresh to show want.
async function refreshTo(want) {
  t.clk.advance(15000);
  let got;
  for (let i = 0; i < 200; i++) {
    got = await gauges();
    if (Object.entries(want).every(([k, v]) => got[k] === v)) return got;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.deepEqual(got, { ...got, ...want }, 'gauges after the refresh');
  return got;
}

// A write to the server's database from outside, waiting out its write lock.
function sqlWrite(q) {
  execFileSync('sqlite3', ['-cmd', '.timeout 5000', t.srv.dbPath, q]);
}

const queue = (ws, sid, body) => t.mgmt(ws, 'POST', `/servers/${sid}/actions`, { body });

test('§8: every metric the spec names has its TYPE line; no ids in any label', async () => {
  const text = await metrics(t.srv);
  for (const [n, type] of [['roster_game_servers_running', 'gauge'], ['roster_players_online', 'gauge'],
    ['roster_queued_actions_pending', 'gauge'], ['roster_alt_clusters', 'gauge'],
    ['roster_queued_actions_delivered_total', 'counter'], ['roster_alt_rebuild_duration_seconds', 'histogram'],
    ['roster_jobs_runs_total', 'counter']])
    assert.ok(text.includes(`# TYPE ${n} ${type}\n`), n);
  // Every action type and every job is present from the start, zeros included.
  for (const type of ['kick', 'notify', 'notifyAll', 'shutdown', 'slock', 'unslock'])
    assert.match(text, new RegExp(`^roster_queued_actions_delivered_total\\{type="${type}"\\} 0$`, 'm'));
  for (const job of ['session_sweep', 'retention_purge', 'distribution_rollover', 'ban_expiry', 'stale_servers'])
    for (const outcome of ['success', 'failure'])
      assert.match(text, new RegExp(`^roster_jobs_runs_total\\{job="${job}",outcome="${outcome}"\\} \\d+$`, 'm'));
  assert.match(text, /^roster_alt_rebuild_duration_seconds_bucket\{le="\+Inf"\} 0$/m);
  assert.match(text, /^roster_alt_rebuild_duration_seconds_count 0$/m);
  assert.match(text, /^roster_alt_rebuild_duration_seconds_sum 0\.000000000$/m);
  for (const ws of [t.A, t.B]) assert.ok(!text.includes(ws.id), 'no workspace id in a label');
});

test('§8: the gauges follow servers, players and sessions, refreshed at most every 15 s', async () => {
  // Each start runs the refresh at once; nothing ran on the tracker yet.
  const g0 = await gauges();
  assert.equal(g0.roster_game_servers_running, 0);
  assert.equal(g0.roster_players_online, 0);
  assert.equal(g0.roster_queued_actions_pending, 0);
  assert.equal(g0.roster_alt_clusters, 0);
  const a = await t.createServer(t.L.A, 'gauge-a');
  await refreshTo({ ...expected(), roster_game_servers_running: 1 });
  // A refresh just happened: new rows stay invisible until the clock passes another 15 s.
  ok(await t.join(t.L.A, a.runningGameId, STAFF));
  ok(await t.join(t.L.A, a.runningGameId, SENIOR));
  const b = await t.createServer(t.L.B, 'gauge-b');
  ok(await t.join(t.L.B, b.runningGameId, '21'));
  await new Promise((r) => setTimeout(r, 500)); // ten turns of the 50 ms job loop
  const held = await gauges();
  assert.equal(held.roster_game_servers_running, 1, 'not refreshed within the 15 s');
  assert.equal(held.roster_players_online, 0, 'not refreshed within the 15 s');
  // Both workspaces count: the gauges are instance-wide.
  const g1 = await refreshTo({ roster_game_servers_running: 2, roster_players_online: 3 });
  assert.deepEqual(g1, expected());
  assert.ok(g1.roster_sessions_active >= 1, 'the owner is signed in');
  // A player leaving and a server ending lower them.
  ok(await t.leave(t.L.A, a.runningGameId, SENIOR));
  ok(await t.ra(t.L.B, 'DELETE', '/activity/endServer', { gameId: b.runningGameId }));
  const g2 = await refreshTo({ roster_game_servers_running: 1, roster_players_online: 1 });
  assert.deepEqual(g2, expected());
  // A new sign-in counts; once it has been idle for 30 minutes it no longer does.
  await login(t.srv, 'owner', OWNER_PASSWORD);
  const g3 = await refreshTo({ roster_sessions_active: g2.roster_sessions_active + 1 });
  assert.deepEqual(g3, expected());
  sqlWrite(`UPDATE login_sessions SET last_seen_at = ${t.now() - 31 * 60000} WHERE id = (SELECT id FROM login_sessions ORDER BY created_at DESC LIMIT 1)`);
  const g4 = await refreshTo({ roster_sessions_active: g2.roster_sessions_active });
  assert.deepEqual(g4, expected());
});

test('§8: pending actions gauge and delivered counter by type (checklist 112)', async () => {
  const s = await t.createServer(t.L.A, 'gauge-actions');
  const e = await t.createServer(t.L.A, 'gauge-ended');
  const base = await refreshTo({ ...expected() });
  const pending0 = base.roster_queued_actions_pending;
  ok(await queue(t.A, s.runningGameId, { type: 'notifyAll', message: 'hello' }));
  ok(await queue(t.A, s.runningGameId, { type: 'kick', robloxUserId: STAFF, message: 'bye' }));
  ok(await queue(t.A, s.runningGameId, { type: 'kick', robloxUserId: SENIOR, message: 'bye' }));
  const gone = ok(await queue(t.A, s.runningGameId, { type: 'shutdown', message: 'x' })).action;
  ok(await t.mgmt(t.A, 'DELETE', `/servers/${s.runningGameId}/actions/${gone.id}`));
  // An ended server's actions expire and are not pending.
  ok(await queue(t.A, e.runningGameId, { type: 'notifyAll', message: 'never' }));
  ok(await t.ra(t.L.A, 'DELETE', '/activity/endServer', { gameId: e.runningGameId }));
  await refreshTo({ roster_queued_actions_pending: pending0 + 3 });
  assert.deepEqual(await gauges(), expected());

  const text0 = await metrics(t.srv);
  const delivered = (text, type) => metricValue(text, 'roster_queued_actions_delivered_total', { type });
  const d = ok(await t.send(t.L.A, s.runningGameId, []));
  assert.deepEqual(d.queuedActions.map((x) => x.type), ['notifyAll', 'kick', 'kick']);
  const text1 = await metrics(t.srv);
  assert.equal(delivered(text1, 'kick'), delivered(text0, 'kick') + 2);
  assert.equal(delivered(text1, 'notifyAll'), delivered(text0, 'notifyAll') + 1);
  for (const type of ['notify', 'shutdown', 'slock', 'unslock'])
    assert.equal(delivered(text1, type), delivered(text0, type), `${type}: cancelled or expired is not delivered`);
  // Nothing left: a second sendData delivers and counts nothing.
  assert.deepEqual(ok(await t.send(t.L.A, s.runningGameId, [])).queuedActions, []);
  const text2 = await metrics(t.srv);
  for (const type of ['kick', 'notifyAll']) assert.equal(delivered(text2, type), delivered(text1, type));
  await refreshTo({ roster_queued_actions_pending: pending0 });
});

test('§8: an alt rebuild observes the histogram and the clusters gauge follows (A13)', async () => {
  // A second account signing in from the owner's address makes one cluster of two.
  const u = await api(t.srv, 'POST', '/api/users', { session: owner, body: { username: 'metrics_alt', password: 'metrics-alt-pw-1' } });
  assert.equal(u.status, 200, u.text);
  await login(t.srv, 'metrics_alt', 'metrics-alt-pw-1');
  const before = await metrics(t.srv);
  const count0 = metricValue(before, 'roster_alt_rebuild_duration_seconds_count');
  const res = await api(t.srv, 'POST', '/api/admin/recompute-alts', { session: owner });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.data.stats.clusterCount, 1);
  const text = await metrics(t.srv);
  assert.equal(metricValue(text, 'roster_alt_rebuild_duration_seconds_count'), count0 + 1);
  assert.equal(metricValue(text, 'roster_alt_rebuild_duration_seconds_bucket', { le: '+Inf' }), count0 + 1);
  const sum = metricValue(text, 'roster_alt_rebuild_duration_seconds_sum');
  assert.ok(sum > 0 && sum < 10, `sum ${sum}`);
  // The histogram times what the stats report, to the millisecond.
  assert.ok(Math.abs(sum * 1000 - res.json.data.stats.durationMs) < 1, `sum ${sum} vs ${res.json.data.stats.durationMs} ms`);
  // A refused rebuild (another node holds the lease) observes nothing.
  sqlWrite(`INSERT INTO job_leases (job, holder, expires_at) VALUES ('alts_rebuild', 'other-node', ${t.now() + 600000})`);
  const busy = await api(t.srv, 'POST', '/api/admin/recompute-alts', { session: owner });
  assert.equal(busy.status, 409, busy.text);
  assert.equal(metricValue(await metrics(t.srv), 'roster_alt_rebuild_duration_seconds_count'), count0 + 1);
  sqlWrite("DELETE FROM job_leases WHERE job = 'alts_rebuild'");
  await refreshTo({ roster_alt_clusters: 1 });
});

test('§8/§11: job runs count by job and outcome; a due job that fails counts as failure', async () => {
  const runs = (text, job, outcome) => metricValue(text, 'roster_jobs_runs_total', { job, outcome });
  // Every job ran once at start; the hourly sweep has not come round again.
  let text = await metrics(t.srv);
  assert.equal(runs(text, 'session_sweep', 'success'), 1);
  assert.equal(runs(text, 'session_sweep', 'failure'), 0);
  const ban0 = runs(text, 'ban_expiry', 'success');
  assert.ok(ban0 >= 1);
  assert.equal(runs(text, 'ban_expiry', 'failure'), 0);
  // Past its 60 s lease the job runs once more, and only once.
  t.clk.advance(61000);
  for (let i = 0; i < 200 && runs(text, 'ban_expiry', 'success') < ban0 + 1; i++) {
    await new Promise((r) => setTimeout(r, 25));
    text = await metrics(t.srv);
  }
  await new Promise((r) => setTimeout(r, 300));
  text = await metrics(t.srv);
  assert.equal(runs(text, 'ban_expiry', 'success'), ban0 + 1);
  assert.equal(runs(text, 'session_sweep', 'success'), 1, 'not due: not counted');
  // The lease claim of a due job fails: each check counts a failure, and no success.
  sqlWrite("CREATE TRIGGER metrics_test_fail BEFORE UPDATE ON job_leases WHEN NEW.job = 'ban_expiry' BEGIN SELECT RAISE(ABORT, 'metrics test'); END");
  t.clk.advance(61000);
  for (let i = 0; i < 200 && runs(text, 'ban_expiry', 'failure') < 2; i++) {
    await new Promise((r) => setTimeout(r, 25));
    text = await metrics(t.srv);
  }
  assert.ok(runs(text, 'ban_expiry', 'failure') >= 2, 'a failure per check while it fails');
  assert.equal(runs(text, 'ban_expiry', 'success'), ban0 + 1);
  assert.equal(runs(text, 'stale_servers', 'failure'), 0, 'other jobs are not affected');
  // Once the cause goes, the next check runs it: one success.
  sqlWrite('DROP TRIGGER metrics_test_fail');
  for (let i = 0; i < 200 && runs(text, 'ban_expiry', 'success') < ban0 + 2; i++) {
    await new Promise((r) => setTimeout(r, 25));
    text = await metrics(t.srv);
  }
  await new Promise((r) => setTimeout(r, 300));
  text = await metrics(t.srv);
  assert.equal(runs(text, 'ban_expiry', 'success'), ban0 + 2);
  const failures = runs(text, 'ban_expiry', 'failure');
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(runs(await metrics(t.srv), 'ban_expiry', 'failure'), failures, 'no failures after the cause went');
});
