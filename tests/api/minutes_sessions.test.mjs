// minutes_sessions.test.mjs: the Summary fields filled from the activity tracker and the
// sessions claims (readmin-compat.md §2 Summary, §3.3 #11 #12, §4.7, §4.8; §6 checklist 48,
// 50, 53) and `gameSessions[]` of GET /api/workspaces/{id}/minutes/{robloxUserId}
// (platform.md §6.5; docs/decisions.md "Play sessions in minutes reads"). Play sessions come
// from real tracker traffic (createServer, playerJoin, playerLeave); claims from the management
// sessions routes.
// Workspace A holds staff 9 (rank 50) and 13 (rank 150) and member 14 (rank 10); B holds staff
// 21 and also 9, so the same Roblox user plays in both and must never mix.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { expectError } from './lib/harness.mjs';
import { setup, ok, ev, STAFF, SENIOR, MEMBER } from './lib/tracker.mjs';

const MIN = 60000, HOUR = 60 * MIN;
let t, srvA, srvB;
const board = async (key) => ok(await t.call('GET', '/activity/workspace/leaderboard', { headers: { 'loader-id': key } })).leaderboard;
const userMin = async (key, id) => ok(await t.call('GET', `/activity/workspace/users/${id}/minutes`, { headers: { 'loader-id': key } }));
const entry = (lb, id) => lb.find((s) => s.userId === id);
const gameSessions = async (ws, id, q = '') => ok(await t.mgmt(ws, 'GET', `/minutes/${id}${q}`)).gameSessions;
const iso = (ms) => new Date(ms).toISOString();

// One play session: join at now, idle after 60 s, leave after 150 s -> 1 active, 1.5 idle.
async function play(key, server, user) {
  const base = t.now();
  const j = ok(await t.join(key, server.runningGameId, user, { datetime: base }));
  t.clk.advance(150000);
  ok(await t.leave(key, server.runningGameId, user, { events: [ev('idle', base, 60, { user })], leftTime: (base + 150000) / 1000 }));
  t.clk.advance(1000);
  return j.sessionId;
}

before(async () => {
  t = await setup();
  ok(await t.mgmt(t.B, 'PUT', `/members/${STAFF}`, { body: { username: 'bnine', robloxRoleId: '300' } }));
  srvA = await t.createServer(t.L.A, 'ms-a');
  srvB = await t.createServer(t.L.B, 'ms-b');
});
after(async () => { await t?.stop(); });

const S = {};

test('48/50/53: Summary.sessions = credited play sessions newest first; open, uncredited and B\'s left out', async () => {
  S.s1 = await play(t.L.A, srvA, STAFF);
  S.s2 = await play(t.L.A, srvA, STAFF);
  S.s3 = await play(t.L.A, srvA, STAFF);
  S.x1 = await play(t.L.A, srvA, SENIOR);
  S.b1 = await play(t.L.B, srvB, STAFF);
  S.b2 = await play(t.L.B, srvB, '21');
  const m1 = await play(t.L.A, srvA, MEMBER); // not staff: deleted uncredited at the end (§4.7)
  assert.equal(t.sql(`SELECT COUNT(*) AS n FROM play_sessions WHERE id = '${m1}'`)[0].n, 0);
  // An open session is not credited yet: it counts only once ended (§4.8).
  const open = ok(await t.join(t.L.A, srvA.runningGameId, STAFF, { datetime: t.now() }));
  assert.equal(t.session(open.sessionId).credited, 0);

  const lb = await board(t.L.A);
  assert.deepEqual(lb.map((s) => s.userId).sort(), [SENIOR, STAFF]);
  assert.deepEqual(entry(lb, STAFF).sessions, [S.s3, S.s2, S.s1]);
  assert.deepEqual(entry(lb, SENIOR).sessions, [S.x1]);
  assert.equal(entry(lb, STAFF).attendedSessions, 0);
  assert.deepEqual(entry(lb, STAFF).minutes, { total: 7.5, active: 3, inactive: 4.5, typing: 0, messages: 0, manual: 0 });
  const mine = await userMin(t.L.A, STAFF);
  assert.equal(mine.workspace_position, 1);
  assert.deepEqual(mine.summary.sessions, [S.s3, S.s2, S.s1]);
  assert.equal(mine.summary._id, `1-${STAFF}`);
  // B sees only its own sessions of the same user, and A's routes never show B's.
  assert.deepEqual((await userMin(t.L.B, STAFF)).summary.sessions, [S.b1]);
  const lbB = await board(t.L.B);
  assert.deepEqual(lbB.map((s) => [s.userId, s.sessions]), [['9', [S.b1]], ['21', [S.b2]]]); // tie: numeric id
  assert.equal((await userMin(t.L.A, '21')).summary, null);
  assert.equal((await userMin(t.L.A, MEMBER)).summary, null);

  // Once the open session ends it heads the list.
  t.clk.advance(30000);
  ok(await t.leave(t.L.A, srvA.runningGameId, STAFF, { leftTime: t.nowS() }));
  S.o1 = open.sessionId;
  t.clk.advance(1000);
  assert.deepEqual((await userMin(t.L.A, STAFF)).summary.sessions, [S.o1, S.s3, S.s2, S.s1]);
});

test('§6.5 gameSessions: latest credited sessions with server, bounds, minutes and removal method', async () => {
  const gs = await gameSessions(t.A, STAFF);
  assert.deepEqual(gs.map((g) => g.id), [S.o1, S.s3, S.s2, S.s1]);
  const row = t.session(S.s1);
  assert.deepEqual(gs[3], {
    id: S.s1, serverId: srvA.runningGameId, startedAt: iso(row.started_at), endedAt: iso(row.ended_at),
    minutes: { active: 1, idle: 1.5, typing: 0, total: 2.5 }, messages: 0, removalMethod: 'normalPlayerLeave',
  });
  assert.equal(row.ended_at - row.started_at, 150000);
  // The session's own minutes, rounded from its ms (30 s active -> 0.5).
  assert.deepEqual(gs[0].minutes, { active: 0.5, idle: 0, typing: 0, total: 0.5 });
  // Workspace isolation: B's copy of user 9 and B's staff are not A's.
  assert.deepEqual((await gameSessions(t.B, STAFF)).map((g) => g.id), [S.b1]);
  assert.deepEqual(await gameSessions(t.A, '21'), []);
  assert.deepEqual(await gameSessions(t.A, MEMBER), []);
  expectError(await t.mgmt(t.A, 'GET', '/minutes/abc'), 400, 'invalid_field');
  expectError(await t.mgmt(t.A, 'GET', `/minutes/${STAFF}?distribution=2`), 404, 'resource_not_found');
});

test('caps: a Summary lists the newest 100 sessions, gameSessions the newest 50', async () => {
  const mine = [S.x1];
  for (let i = 0; i < 101; i++) {
    const base = t.now();
    const j = ok(await t.join(t.L.A, srvA.runningGameId, SENIOR, { datetime: base }));
    t.clk.advance(2000);
    ok(await t.leave(t.L.A, srvA.runningGameId, SENIOR, { leftTime: (base + 2000) / 1000 }));
    mine.push(j.sessionId);
  }
  const newest = mine.reverse();
  const sum = (await userMin(t.L.A, SENIOR)).summary;
  assert.equal(sum.sessions.length, 100);
  assert.deepEqual(sum.sessions, newest.slice(0, 100));
  assert.deepEqual(entry(await board(t.L.A), SENIOR).sessions, newest.slice(0, 100));
  assert.deepEqual((await gameSessions(t.A, SENIOR)).map((g) => g.id), newest.slice(0, 50));
  // The leaderboard's per-user count is the same credited sessions, uncapped.
  const m = ok(await t.mgmt(t.A, 'GET', '/leaderboard')).entries;
  assert.equal(m.find((e) => e.robloxUserId === SENIOR).sessions, 102);
});

// A one-off session in ws starting at `at` with one server; returns { id, claims path }.
async function sessionAt(ws, G, at, name) {
  const s = ok(await t.mgmt(ws, 'POST', '/sessions', { body: { name, startsAt: iso(at), durationMinutes: 60, roleGroupIds: [G.id] } })).session;
  const x = ok(await t.mgmt(ws, 'POST', `/sessions/${s.id}/servers`, { body: {} })).server;
  return { id: s.id, path: `/sessions/${s.id}/servers/${x.id}/claims` };
}
async function claim(ws, G, sess, user, state) {
  ok(await t.mgmt(ws, 'PUT', `${sess.path}/${user}`, { body: { roleGroupId: G.id, subroleId: G.subroles[0].id, override: true } }));
  if (state !== 'none') ok(await t.mgmt(ws, 'PATCH', `${sess.path}/${user}`, { body: { state } }));
}
const group = async (ws) => ok(await t.mgmt(ws, 'POST', '/session-role-groups', { body: { name: 'Crew', subroles: [{ name: 'Guard', maxUsers: 0 }] } })).roleGroup;

test('48/50/53: attendedSessions = completed or passed claims of sessions started in the distribution so far', async () => {
  const GA = await group(t.A), GB = await group(t.B);
  const now = t.now();
  await claim(t.A, GA, await sessionAt(t.A, GA, now + 1 * HOUR, 'done'), STAFF, 'completed');
  await claim(t.A, GA, await sessionAt(t.A, GA, now + 2 * HOUR, 'passed'), STAFF, 'passed');
  await claim(t.A, GA, await sessionAt(t.A, GA, now + 2 * HOUR, 'failed'), STAFF, 'failed');
  const mixed = await sessionAt(t.A, GA, now + 3 * HOUR, 'none');
  await claim(t.A, GA, mixed, STAFF, 'none');
  await claim(t.A, GA, mixed, SENIOR, 'completed');
  const cancelled = await sessionAt(t.A, GA, now + 3 * HOUR, 'cancelled');
  await claim(t.A, GA, cancelled, STAFF, 'completed');
  ok(await t.mgmt(t.A, 'DELETE', `/sessions/${cancelled.id}`));
  await claim(t.A, GA, await sessionAt(t.A, GA, now + 30 * HOUR, 'later'), STAFF, 'completed');
  await claim(t.B, GB, await sessionAt(t.B, GB, now + 1 * HOUR, 'b'), STAFF, 'passed');
  await claim(t.B, GB, await sessionAt(t.B, GB, now + 1 * HOUR, 'b2'), STAFF, 'completed');

  // None has started yet: the span of the current distribution ends now.
  assert.equal((await userMin(t.L.A, STAFF)).summary.attendedSessions, 0);
  t.clk.advance(4 * HOUR);
  assert.equal((await userMin(t.L.A, STAFF)).summary.attendedSessions, 2);
  const lb = await board(t.L.A);
  assert.deepEqual([entry(lb, STAFF).attendedSessions, entry(lb, SENIOR).attendedSessions], [2, 1]);
  assert.equal((await userMin(t.L.B, STAFF)).summary.attendedSessions, 2);
  assert.equal(entry(await board(t.L.B), '21').attendedSessions, 0);
  t.clk.advance(27 * HOUR);
  assert.equal((await userMin(t.L.A, STAFF)).summary.attendedSessions, 3);
  assert.equal((await userMin(t.L.B, STAFF)).summary.attendedSessions, 2);
});

test('a new distribution: sessions and attendedSessions restart; gameSessions?distribution=1 keeps the old', async () => {
  const d = ok(await t.mgmt(t.A, 'POST', '/distributions')).distribution;
  assert.equal(d.number, 2);
  assert.equal((await userMin(t.L.A, STAFF)).summary, null);
  assert.deepEqual(await board(t.L.A), []);
  const srv2 = await t.createServer(t.L.A, 'ms-a2'); // ms-a went stale while the clock moved
  const p = await play(t.L.A, srv2, STAFF);
  const GA = ok(await t.mgmt(t.A, 'GET', '/session-role-groups')).roleGroups[0];
  await claim(t.A, GA, await sessionAt(t.A, GA, t.now() + HOUR, 'd2'), STAFF, 'completed');
  let sum = (await userMin(t.L.A, STAFF)).summary;
  assert.deepEqual([sum._id, sum.distribution, sum.sessions, sum.attendedSessions], [`2-${STAFF}`, '2', [p], 0]);
  t.clk.advance(2 * HOUR);
  sum = (await userMin(t.L.A, STAFF)).summary;
  assert.deepEqual([sum.sessions, sum.attendedSessions], [[p], 1]);
  assert.deepEqual(entry(await board(t.L.A), STAFF).sessions, [p]);
  assert.deepEqual((await gameSessions(t.A, STAFF)).map((g) => g.id), [p]);
  assert.deepEqual((await gameSessions(t.A, STAFF, '?distribution=1')).map((g) => g.id), [S.o1, S.s3, S.s2, S.s1]);
  assert.deepEqual((await gameSessions(t.A, STAFF, '?distribution=2')).map((g) => g.id), [p]);
  assert.equal(t.session(p).distribution, 2);
  // B did not roll over: its summary still holds its one session of distribution 1.
  sum = (await userMin(t.L.B, STAFF)).summary;
  assert.deepEqual([sum.distribution, sum.sessions], ['1', [S.b1]]);
});

test('the per-user lookups read play_sessions_user_dist in order (no sort of every session)', () => {
  const plan = execFileSync('sqlite3', [t.srv.dbPath, `EXPLAIN QUERY PLAN SELECT id FROM play_sessions
    WHERE workspace_id = 'w' AND roblox_user_id = '9' AND distribution = 1 AND credited = 1
    ORDER BY started_at DESC, id DESC LIMIT 100`]).toString();
  assert.match(plan, /USING (COVERING )?INDEX play_sessions_user_dist/);
  assert.doesNotMatch(plan, /TEMP B-TREE/);
});
