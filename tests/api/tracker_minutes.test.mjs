// tracker_minutes.test.mjs: minutes computed on the server from timestamped events, through
// sendData and playerLeave into the summaries (readmin-compat.md §3.7 #36, §4.7, §4.8, §4.9;
// §6 checklist 104-106, 109, 117) and what the ReAdmin minutes routes then answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, ok, reason, ev, STAFF, SENIOR, MEMBER } from './lib/tracker.mjs';

let t;
before(async () => { t = await setup(); });
after(async () => { await t?.stop(); });

const userMinutes = async (key, id) => ok(await t.call('GET', `/activity/workspace/users/${id}/minutes`, { headers: { 'loader-id': key } })).summary;

test('104: join@0 idle@60 active@180 typing@200 leave@260 -> 1.33 / 2 / 1, total 4.33', async () => {
  const a = await t.createServer(t.L.A, 'm-104');
  const base = t.now();
  const j = ok(await t.join(t.L.A, a.runningGameId, STAFF, { datetime: base }));
  t.clk.advance(100000);
  ok(await t.send(t.L.A, a.runningGameId, [ev('idle', base, 60, { user: STAFF }), { type: 'idle', date: (base + 60000) / 1000, user: STAFF }]));
  assert.equal(t.session(j.sessionId).active, 0, 'idle is the state in force');
  t.clk.advance(160000);
  ok(await t.send(t.L.A, a.runningGameId, [ev('active', base, 180, { user: STAFF }), ev('typing', base, 200, { userKey: STAFF }),
    ev('message', base, 201, { user: STAFF, message: 'secret text' }), ev('log', base, 202, { user: STAFF })]));
  assert.equal(t.session(j.sessionId).active, 1);
  ok(await t.leave(t.L.A, a.runningGameId, STAFF, { leftTime: (base + 260000) / 1000 }));
  const s = t.session(j.sessionId);
  assert.deepEqual([s.active_ms, s.idle_ms, s.typing_ms, s.messages], [80000, 120000, 60000, 1]);
  const sum = await userMinutes(t.L.A, STAFF);
  assert.deepEqual(sum.minutes, { total: 4.33, active: 1.33, inactive: 2, typing: 1, messages: 1, manual: 0 });
  assert.equal(sum.distribution, '1');
  // Message text is never stored (§5 row 22).
  assert.equal(t.sql(`SELECT COUNT(*) AS n FROM play_events WHERE dedup_key LIKE '%secret%'`)[0].n, 0);
  assert.equal(t.sql(`SELECT COUNT(*) AS n FROM play_events WHERE session_id = '${j.sessionId}' AND type = 'log'`)[0].n, 0);
  const m = ok(await t.mgmt(t.A, 'GET', `/minutes/${STAFF}`));
  assert.deepEqual(m.minutes, { active: 1.33, idle: 2, typing: 1, manual: 0, total: 4.33, messages: 1 });
});

test('105: the same sendData batch ten times -> minutes and messages counted once', async () => {
  const a = await t.createServer(t.L.A, 'm-105');
  const base = t.now();
  const j = ok(await t.join(t.L.A, a.runningGameId, SENIOR, { datetime: base }));
  t.clk.advance(120000);
  const batch = [ev('idle', base, 30, { user: SENIOR }), ev('active', base, 90, { user: SENIOR }),
    ev('message', base, 95, { user: SENIOR }), ev('message', base, 96, { user: SENIOR, id: 'm1' }),
    ev('message', base, 97, { user: SENIOR, id: 'm1' })];
  for (let i = 0; i < 10; i++) ok(await t.send(t.L.A, a.runningGameId, batch));
  assert.equal(t.sql(`SELECT COUNT(*) AS n FROM play_events WHERE session_id = '${j.sessionId}'`)[0].n, 5); // join + 4
  ok(await t.leave(t.L.A, a.runningGameId, SENIOR, { events: batch, leftTime: (base + 120000) / 1000 }));
  const s = t.session(j.sessionId);
  assert.deepEqual([s.active_ms, s.idle_ms, s.messages], [60000, 60000, 2]);
  const tot = t.totals(t.A, SENIOR)[0];
  assert.equal(tot.messages, 2);
  assert.equal(tot.sessions, 1);
  assert.equal(tot.active_ms + tot.idle_ms + tot.typing_ms, 120000);
});

test('106: timestamps a day ahead or at epoch 0 -> clamped; minutes <= observed span + 6 min', async () => {
  const a = await t.createServer(t.L.A, 'm-106');
  const joinRecv = t.now();
  const j = ok(await t.join(t.L.A, a.runningGameId, '9', { datetime: 0 }));
  const s0 = t.session(j.sessionId);
  assert.ok(Math.abs(s0.started_at - (joinRecv - 5 * 60000)) < 5000, 'start clamped to 5 min before arrival');
  t.clk.advance(10 * 60000);
  ok(await t.send(t.L.A, a.runningGameId, [{ type: 'idle', datetime: t.now() + 86400000, user: '9' }, { type: 'typing', date: 0, user: '9' }]));
  const leaveRecv = t.now();
  ok(await t.leave(t.L.A, a.runningGameId, '9', { leftTime: leaveRecv / 1000 + 86400 }));
  const s = t.session(j.sessionId);
  const total = s.active_ms + s.idle_ms + s.typing_ms;
  assert.ok(s.ended_at <= leaveRecv + 60000 + 2000, 'end clamped to 60 s after arrival');
  assert.ok(total <= (leaveRecv - joinRecv) + 6 * 60000 + 2000, `${total} ms`);
  assert.equal(total, s.ended_at - s.started_at);
});

test('109: sendData without events -> 400 Missing events; one malformed event -> 200, rest applied', async () => {
  const a = await t.createServer(t.L.A, 'm-109');
  reason(await t.ra(t.L.A, 'POST', '/activity/sendData', { gameId: a.runningGameId }), 400, 'Missing events', 'error');
  reason(await t.ra(t.L.A, 'POST', '/activity/sendData', { gameId: a.runningGameId, events: {} }), 400, 'Invalid events', 'error');
  reason(await t.send(t.L.A, a.runningGameId, new Array(20001).fill(1)), 400, 'Too many events', 'error');
  const base = t.now();
  const j = ok(await t.join(t.L.A, a.runningGameId, SENIOR, { datetime: base }));
  t.clk.advance(30000);
  const d = ok(await t.send(t.L.A, a.runningGameId, [
    'not an object', { type: 'idle', user: SENIOR }, { type: 'idle', datetime: 'soon', user: SENIOR },
    { type: 'idle', datetime: base + 1000, user: 'abc' }, { type: 'idle', datetime: -5, user: SENIOR },
    ev('idle', base, 10, { user: SENIOR }), ev('active', base, 20, { user: '424242' })]));
  assert.deepEqual(d, { success: true, queuedActions: [], ongoingChats: [] });
  const rows = t.sql(`SELECT type, at FROM play_events WHERE session_id = '${j.sessionId}' ORDER BY at`);
  assert.deepEqual(rows.map((r) => r.type), ['join', 'idle']);
  assert.equal(rows[1].at, base + 10000);
  ok(await t.leave(t.L.A, a.runningGameId, SENIOR));
});

test('117: distribution rollover mid-session -> minutes go to the starting distribution', async () => {
  const a = await t.createServer(t.L.A, 'm-117');
  const base = t.now();
  const j = ok(await t.join(t.L.A, a.runningGameId, '13', { datetime: base }));
  t.clk.advance(60000);
  const dist = ok(await t.mgmt(t.A, 'POST', '/distributions')).distribution;
  assert.equal(dist.number, 2);
  const j2 = ok(await t.join(t.L.A, a.runningGameId, '9', { datetime: t.now() }));
  t.clk.advance(60000);
  const before = t.sql(`SELECT * FROM minute_totals WHERE workspace_id = '${t.A.id}' AND roblox_user_id = '13' AND distribution = 1`)[0];
  ok(await t.leave(t.L.A, a.runningGameId, '13', { leftTime: (base + 120000) / 1000 }));
  ok(await t.leave(t.L.A, a.runningGameId, '9'));
  assert.equal(t.session(j.sessionId).distribution, 1);
  assert.equal(t.session(j2.sessionId).distribution, 2);
  const after1 = t.sql(`SELECT * FROM minute_totals WHERE workspace_id = '${t.A.id}' AND roblox_user_id = '13' AND distribution = 1`)[0];
  assert.equal(after1.active_ms - (before?.active_ms ?? 0), 120000);
  assert.equal(t.sql(`SELECT COUNT(*) AS n FROM minute_totals WHERE workspace_id = '${t.A.id}' AND roblox_user_id = '13' AND distribution = 2`)[0].n, 0);
  // The current-distribution summary of 9 holds only the new session.
  assert.equal((await userMinutes(t.L.A, '9')).distribution, '2');
});

test('AFK is never inferred from silence; B never sees A minutes', async () => {
  const a = await t.createServer(t.L.A, 'm-afk');
  const base = t.now();
  const j = ok(await t.join(t.L.A, a.runningGameId, '13', { datetime: base }));
  t.clk.advance(15 * 60000);
  ok(await t.send(t.L.A, a.runningGameId, []));
  ok(await t.leave(t.L.A, a.runningGameId, '13', { leftTime: (base + 15 * 60000) / 1000 }));
  const s = t.session(j.sessionId);
  assert.equal(s.active_ms, 15 * 60000);
  assert.equal(s.idle_ms, 0);
  const b = ok(await t.call('GET', '/activity/workspace/users/13/minutes', { headers: { 'loader-id': t.L.B } }));
  assert.equal(b.summary, null);
});

test('20 000 well-formed events in one sendData -> 200, each counted once (the §3.7 #36 limit)', async () => {
  const a = await t.createServer(t.L.A, 'm-20k');
  const base = t.now();
  const j = ok(await t.join(t.L.A, a.runningGameId, '13', { datetime: base }));
  t.clk.advance(30000);
  // The module's event shape, seven members each (140 000 in the body), under 4 MiB.
  const events = Array.from({ length: 20000 }, (_, i) => ({
    id: `e${i}`, user: 13, userKey: '13', type: 'message', datetime: base + i,
    sessionIds: { runningGamePlayer: j.runningPlayerId, userGameSession: j.sessionId },
  }));
  ok(await t.send(t.L.A, a.runningGameId, events));
  ok(await t.leave(t.L.A, a.runningGameId, '13'));
  assert.equal(t.session(j.sessionId).messages, 20000);
});

test('3 000 events in one sendData are all stored, deduplicated on replay', async () => {
  const a = await t.createServer(t.L.A, 'm-3k');
  const base = t.now();
  const j = ok(await t.join(t.L.A, a.runningGameId, '13', { datetime: base }));
  t.clk.advance(10000);
  const events = Array.from({ length: 3000 }, (_, i) => ({ type: 'message', datetime: base + i, user: '13' }));
  ok(await t.send(t.L.A, a.runningGameId, events));
  ok(await t.send(t.L.A, a.runningGameId, events));
  ok(await t.leave(t.L.A, a.runningGameId, '13'));
  assert.equal(t.session(j.sessionId).messages, 3000);
});

test('the state in force is the latest by event time, not by arrival (a non-staff player, credited nothing)', async () => {
  const a = await t.createServer(t.L.A, 'm-late');
  const base = t.now();
  const j = ok(await t.join(t.L.A, a.runningGameId, MEMBER, { datetime: base }));
  t.clk.advance(120000);
  ok(await t.send(t.L.A, a.runningGameId, [ev('typing', base, 100, { user: MEMBER })]));
  ok(await t.send(t.L.A, a.runningGameId, [ev('idle', base, 50, { user: MEMBER })]));
  assert.equal(t.session(j.sessionId).active, 1, 'an idle stamped before the typing in force changes nothing');
  ok(await t.send(t.L.A, a.runningGameId, [ev('active', base, 101, { user: MEMBER }), ev('idle', base, 101, { user: MEMBER })]));
  assert.equal(t.session(j.sessionId).active, 0, 'at equal times the later arrival wins');
  ok(await t.leave(t.L.A, a.runningGameId, MEMBER));
});
