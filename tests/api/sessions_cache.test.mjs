// sessions_cache.test.mjs: the answer cache of GET /sessions/upcoming (readmin-compat.md §3.4
// #15, checklist item 56; docs/sessions.md "Upcoming cache"). The cached answer must be byte
// for byte what a fresh computation gives: after every kind of write (each bumps the
// workspace's row in sessions_versions in the write's own transaction), across the time
// boundaries of the 12-hour window (clock seam), and across two `roster serve` processes on
// one database file. A "fresh" answer is forced by moving the stored version by hand, which
// changes no data; a "forged" write (data changed, version put back) shows that the cache is
// really used, so these tests can fail. The clock starts at Monday 2027-03-01 12:00Z and only
// moves forward.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { api } from './lib/harness.mjs';
import { setup, ok, iso } from './lib/sessions.mjs';

const MIN = 60000;
const HOUR = 60 * MIN;
let F, now;

// Writes with the sqlite3 CLI (waits for the server's write lock like a second node would).
function dbWrite(query) {
  execFileSync('sqlite3', ['-cmd', '.timeout 5000', F.srv.dbPath, query]);
}
const version = (ws) => F.sql(`SELECT version FROM sessions_versions WHERE workspace_id = '${ws.id}'`)[0]?.version ?? null;

async function upcoming(rm = F.rmA, srv = null) {
  const res = srv ? await api(srv, 'GET', '/sessions/upcoming', { headers: { 'loader-id': F.L.Alpha } }) : await rm.get('/sessions/upcoming');
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.success, true);
  return res.text;
}

// The answer a fresh computation gives now: the stored version moves (no data changes), so
// no node can use what it holds.
async function fresh(ws = F.A, rm = F.rmA) {
  dbWrite(`INSERT INTO sessions_versions (workspace_id, version) VALUES ('${ws.id}', 1)
    ON CONFLICT (workspace_id) DO UPDATE SET version = version + 1000003`);
  return upcoming(rm);
}

// What the server answers (cached or not) equals a fresh computation, and is then served again.
async function same(label, ws = F.A, rm = F.rmA) {
  const served = await upcoming(rm);
  const again = await upcoming(rm);
  assert.equal(again, served, `${label}: repeat`);
  const f = await fresh(ws, rm);
  assert.equal(served, f, `${label}: cached answer equals a fresh one`);
  return JSON.parse(served).sessions;
}

before(async () => {
  F = await setup();
  now = F.clock.at('2027-03-01T12:00:00.000Z');
});
after(async () => { await F?.srv.stop(); });

test('56 cache: a warm answer is served while the stored version matches, dropped when it moves', async () => {
  const s = await F.oneOff(F.A, { name: 'Drill', startsAt: iso(now + HOUR) });
  const v0 = version(F.A);
  assert.equal(typeof v0, 'number');
  const warm = await upcoming();
  assert.deepEqual(JSON.parse(warm).sessions.map((x) => x.name), ['Drill']);
  // Forged: data changed behind the server's back with the version put back -> still cached.
  dbWrite(`UPDATE sessions SET name = 'Forged' WHERE id = '${s.id}';
    UPDATE sessions_versions SET version = ${v0} WHERE workspace_id = '${F.A.id}'`);
  assert.equal(await upcoming(), warm, 'served from the cache');
  // Any version move (here a plain trigger-bumped write) makes the next read fresh.
  dbWrite(`UPDATE sessions SET description = 'x' WHERE id = '${s.id}'`);
  assert.notEqual(version(F.A), v0, 'the trigger bumped the version');
  const names = JSON.parse(await upcoming()).sessions.map((x) => [x.name, x.description]);
  assert.deepEqual(names, [['Forged', 'x']]);
  // B's cache is its own: A's answer never shows in B and B's version did not move.
  const vb = version(F.B);
  assert.deepEqual(JSON.parse(await upcoming(F.rmB)).sessions, []);
  const second = await F.oneOff(F.A, { name: 'Second', startsAt: iso(now + 2 * HOUR) });
  assert.equal(version(F.B), vb, "A's write leaves B's version alone");
  assert.deepEqual(JSON.parse(await upcoming(F.rmB)).sessions, []);
  for (const x of [s, second]) ok(await F.mgmt(F.A, 'DELETE', `/sessions/${x.id}`));
});

test('56 cache: every kind of write invalidates (ReAdmin and /api/workspaces), and the answer equals a fresh one', async () => {
  const mg = (method, rest, body) => F.mgmt(F.A, method, rest, body === undefined ? {} : { body });
  const rmPost = (p, body) => F.rmA.post(p, body);
  let prev = await same('start');
  // Each step: the write, then whether the #15 answer must look different afterwards.
  const ctx = {};
  const steps = [
    ['role group create', async () => { ctx.G = ok(await mg('POST', '/session-role-groups', { name: 'Hosts', subroles: [{ name: 'Host', maxUsers: 2 }, { name: 'Spare' }] })).roleGroup; }, false],
    ['role group update', async () => { ctx.G = ok(await mg('PATCH', `/session-role-groups/${ctx.G.id}`, { name: 'Hosts 2' })).roleGroup; }, false],
    ['template create', async () => { ctx.T = ok(await mg('POST', '/session-templates', { name: 'Daily', timezone: 'UTC', recurrence: 'daily', localTime: '15:00', durationMinutes: 60, roleGroupIds: [ctx.G.id] })).template; }, true],
    ['template update', async () => { ok(await mg('PATCH', `/session-templates/${ctx.T.id}`, { name: 'Daily renamed' })); }, true],
    ['one-off create', async () => { ctx.O = ok(await mg('POST', '/sessions', { name: 'One-off', startsAt: iso(now + 5 * HOUR), durationMinutes: 30, roleGroupIds: [ctx.G.id] })).session; }, true],
    ['ReAdmin #17 materialise + server', async () => {
      const key = `${ctx.T.id}-${Date.parse('2027-03-01T15:00:00Z') / 1000}`;
      const r = ok(await rmPost(`/sessions/${key}/servers`, { nickname: 'Main' }));
      ctx.S = r.session._id; ctx.X = r.newServerId;
    }, true],
    ['management server create', async () => { ctx.X2 = ok(await mg('POST', `/sessions/${ctx.O.id}/servers`, { nickname: 'Side' })).server.id; }, true],
    ['server rename', async () => { ok(await mg('PATCH', `/sessions/${ctx.S}/servers/${ctx.X}`, { nickname: 'Main 2' })); }, true],
    ['server link to a running server', async () => {
      ctx.R = ok(await F.call('POST', '/activity/createServer', { headers: { 'loader-id': F.L.Alpha, 'Content-Type': 'application/json' }, body: { gameId: 555, placeId: '666', jobId: 'job-1' } })).runningGameId;
      ok(await mg('PATCH', `/sessions/${ctx.S}/servers/${ctx.X}`, { linkedServerId: ctx.R }));
    }, true],
    ['running server jobId change (a link shows it)', async () => { dbWrite(`UPDATE running_servers SET job_id = 'job-1b' WHERE id = '${ctx.R}'`); }, true],
    ['ReAdmin #18 claim', async () => {
      ok(await rmPost(`/sessions/${ctx.S}/servers/${ctx.X}/roles`, { userId: '11', roleId: ctx.G.id, subroleId: ctx.G.subroles[0].id }));
    }, true],
    ['management claim put', async () => {
      ok(await mg('PUT', `/sessions/${ctx.S}/servers/${ctx.X}/claims/13`, { roleGroupId: ctx.G.id, subroleId: ctx.G.subroles[1].id }));
    }, true],
    ['management claim state', async () => { ok(await mg('PATCH', `/sessions/${ctx.S}/servers/${ctx.X}/claims/13`, { state: 'current' })); }, true],
    ['management claim delete', async () => { ok(await mg('DELETE', `/sessions/${ctx.S}/servers/${ctx.X}/claims/13`)); }, true],
    ['workspace robloxGroupId change', async () => { ok(await F.call('PATCH', `/api/workspaces/${F.A.id}`, { key: F.ownerKey, body: { robloxGroupId: '7777' } })); }, true],
    ['server delete', async () => { ok(await mg('DELETE', `/sessions/${ctx.O.id}/servers/${ctx.X2}`)); }, true],
    ['cancel a session', async () => { ok(await mg('DELETE', `/sessions/${ctx.O.id}`)); }, true],
    ['cancel an occurrence (materialised cancelled)', async () => {
      ok(await mg('DELETE', `/sessions/${ctx.T.id}-${Date.parse('2027-03-02T15:00:00Z') / 1000}`));
    }, false], // tomorrow 15:00 is outside the 12 h window: no visible change, still a fresh answer
    ['role group subroles replaced', async () => { ok(await mg('PATCH', `/session-role-groups/${ctx.G.id}`, { subroles: [{ id: ctx.G.subroles[0].id, name: 'Host' }] })); }, false],
    ['template delete', async () => {
      ctx.T2 = ok(await mg('POST', '/session-templates', { name: 'Gone soon', timezone: 'UTC', recurrence: 'daily', localTime: '20:00', durationMinutes: 30 })).template;
      assert.ok(JSON.parse(await upcoming()).sessions.some((x) => x.name === 'Gone soon'));
      ok(await mg('DELETE', `/session-templates/${ctx.T2.id}`));
    }, false],
    ['role group delete', async () => {
      const g = ok(await mg('POST', '/session-role-groups', { name: 'Unused', subroles: [{ name: 'U' }] })).roleGroup;
      ok(await mg('DELETE', `/session-role-groups/${g.id}`));
    }, false],
  ];
  for (const [label, write, visible] of steps) {
    await upcoming(); // warm at the current version
    const v = version(F.A);
    await write();
    assert.notEqual(version(F.A), v, `${label}: version bumped`);
    const cur = await same(label);
    if (visible) assert.notDeepEqual(cur, prev, `${label}: the answer shows the write`);
    prev = cur;
  }
  // Spot checks that the final answer carries what the writes made.
  const main = prev.find((x) => x._id === ctx.S);
  assert.equal(main.groupId, '7777');
  assert.equal(main.name, 'Daily renamed');
  assert.deepEqual(Object.values(main.servers).map((x) => [x.nickname, x.linkedServerJobId]), [['Main 2', 'job-1b']]);
  assert.deepEqual(main.claims, ['11']);
  assert.ok(!prev.some((x) => x._id === ctx.O.id), 'cancelled one-off gone');
  assert.ok(!prev.some((x) => x.name === 'Gone soon'), 'deleted template gone');
  // Running-server pings do not touch the version (they are not in the answer).
  const v = version(F.A);
  dbWrite(`UPDATE running_servers SET last_ping_at = last_ping_at + 1 WHERE id = '${ctx.R}'`);
  assert.equal(version(F.A), v, 'a ping leaves the version alone');
  // Clean up A for the time test.
  ok(await mg('DELETE', `/session-templates/${ctx.T.id}`));
  ok(await mg('DELETE', `/sessions/${ctx.S}`));
  assert.deepEqual(await same('cleaned'), []);
});

test('56 cache: occurrences entering and leaving the window as the clock moves (no write in between)', async () => {
  const t0 = now = F.clock.at('2027-03-01T18:00:00.000Z');
  // S1 enters at t0 + 10 min (start = t0 + 12 h 10 min); S2 leaves 1 ms after t0 + 1 h 20 min;
  // the template's occurrence (2027-03-02 06:30Z) enters at t0 + 30 min.
  const s1 = await F.oneOff(F.A, { name: 'S1', startsAt: iso(t0 + 12 * HOUR + 10 * MIN), durationMinutes: 30 });
  const s2 = await F.oneOff(F.A, { name: 'S2', startsAt: iso(t0 + HOUR), durationMinutes: 20 });
  const T = await F.template(F.A, { name: 'Dawn', localTime: '06:30', durationMinutes: 15 });
  const names = (t) => (typeof t === 'string' ? JSON.parse(t).sessions : t).map((x) => x.name);
  const v = version(F.A);
  const a0 = await upcoming();
  assert.deepEqual(names(a0), ['S2']);
  // Before the first change: still the cached answer (forged data stays invisible) ...
  F.clock.at(iso(t0 + 9 * MIN));
  dbWrite(`UPDATE sessions SET name = 'S2 forged' WHERE id = '${s2.id}';
    UPDATE sessions_versions SET version = ${v} WHERE workspace_id = '${F.A.id}'`);
  assert.equal(await upcoming(), a0, 'cached until S1 enters');
  // ... and once S1 enters, a fresh one (which now shows the forged name too).
  F.clock.at(iso(t0 + 10 * MIN));
  assert.deepEqual(names(await upcoming()), ['S2 forged', 'S1']);
  assert.equal(version(F.A), v, 'no write happened: time alone expired the entry');
  assert.deepEqual(names(await same('after S1 entered')), ['S2 forged', 'S1']);
  F.clock.at(iso(t0 + 29 * MIN));
  assert.deepEqual(names(await same('before the occurrence enters')), ['S2 forged', 'S1']);
  F.clock.at(iso(t0 + 30 * MIN));
  const withT = await upcoming();
  assert.deepEqual(names(withT), ['S2 forged', 'S1', 'Dawn']);
  assert.equal(JSON.parse(withT).sessions[2].occurrenceKey, `${T.id}-${Date.parse('2027-03-02T06:30:00Z') / 1000}`);
  assert.equal(withT, await fresh(), 'occurrence entered: equals fresh');
  // S2 ends at t0 + 1 h 20 min: in at that minute, out just after it.
  F.clock.at(iso(t0 + 79 * MIN));
  assert.deepEqual(names(await same('S2 running')), ['S2 forged', 'S1', 'Dawn']);
  F.clock.at(iso(t0 + 81 * MIN));
  assert.deepEqual(names(await upcoming()), ['S1', 'Dawn'], 'S2 ended: gone without a write');
  assert.deepEqual(names(await same('S2 gone')), ['S1', 'Dawn']);
  // A session running now stays until its end, then the next day's occurrence enters.
  F.clock.at('2027-03-02T06:39:00.000Z');
  assert.deepEqual(names(await same('Dawn running')), ['S1', 'Dawn']);
  F.clock.at('2027-03-02T06:46:00.000Z');
  assert.deepEqual(names(await same('Dawn ended')), []);
  now = F.clock.at('2027-03-02T18:31:00.000Z');
  assert.deepEqual(names(await same('next Dawn entered')), ['Dawn']);
  ok(await F.mgmt(F.A, 'DELETE', `/session-templates/${T.id}`));
  assert.deepEqual(names(await same('template gone', F.A)), []);
  assert.equal(F.sql(`SELECT COUNT(*) AS n FROM sessions WHERE id IN ('${s1.id}', '${s2.id}')`)[0].n, 2);
});

// A second `roster serve` on the same database file and clock.
async function startNode2() {
  const proc = spawn(F.srv.bin, ['serve', '--data-dir', F.srv.dataDir, '--listen', '127.0.0.1:0', '--threads', '2'],
    { env: F.srv.env, stdio: ['ignore', 'ignore', 'pipe'] });
  const logs = [];
  let buf = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('node 2 did not start:\n' + logs.join('\n'))), 15000);
    proc.stderr.on('data', (chunk) => {
      buf += chunk.toString();
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        logs.push(line);
        try { if (JSON.parse(line).event === 'server.listening') { clearTimeout(timer); resolve(JSON.parse(line).port); } } catch { /* not JSON */ }
      }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`node 2 exited ${code}:\n${logs.join('\n')}`)); });
  });
  return {
    base: `http://127.0.0.1:${port}`, port,
    async stop() {
      proc.removeAllListeners('exit');
      const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
      proc.kill('SIGTERM');
      const { code, signal } = await exited;
      assert.equal(signal, null);
      assert.equal(code, 0, 'node 2 exit code:\n' + logs.filter((l) => !l.startsWith('{')).join('\n'));
    },
  };
}

test('56 cache: two serve processes on one database: a write through one is seen by the other\'s next read', async () => {
  const n2 = await startNode2();
  try {
    const names = (text) => JSON.parse(text).sessions.map((x) => [x.name, Object.keys(x.servers ?? {}).length]);
    const s = await F.oneOff(F.A, { name: 'Shared', startsAt: iso(now + HOUR) });
    const one = await upcoming();
    assert.equal(await upcoming(F.rmA, n2), one, 'both nodes agree');
    assert.equal(await upcoming(F.rmA, n2), one, 'node 2 warm');
    // Write through node 1 (management rename is not offered for sessions: add a server).
    ok(await F.mgmt(F.A, 'POST', `/sessions/${s.id}/servers`, { body: { nickname: 'N1' } }));
    const afterN1 = await upcoming(F.rmA, n2);
    assert.deepEqual(names(afterN1), [['Shared', 1]], "node 2's next read shows node 1's write");
    assert.equal(await upcoming(), afterN1);
    // Write through node 2 (ReAdmin #17), read on node 1 (warm before the write).
    const r = await api(n2, 'POST', `/sessions/${s.id}/servers`, { headers: { 'loader-id': F.L.Alpha, 'Content-Type': 'application/json' }, body: { nickname: 'N2' } });
    assert.equal(r.status, 200, r.text);
    const afterN2 = await upcoming();
    assert.deepEqual(names(afterN2), [['Shared', 2]], "node 1's next read shows node 2's write");
    assert.equal(await upcoming(F.rmA, n2), afterN2);
    // Interleaved writes and reads on both: each read equals a fresh computation.
    for (let i = 0; i < 3; i++) {
      ok(await F.mgmt(F.A, 'POST', '/sessions', { body: { name: `N1-${i}`, startsAt: iso(now + (2 + i) * HOUR), durationMinutes: 30 } }));
      const a = await upcoming(F.rmA, n2);
      const b = await upcoming();
      assert.equal(a, b, `round ${i}: nodes agree`);
      assert.ok(JSON.parse(a).sessions.some((x) => x.name === `N1-${i}`));
      assert.equal(a, await fresh(), `round ${i}: equals fresh`);
    }
  } finally {
    await n2.stop();
  }
});
