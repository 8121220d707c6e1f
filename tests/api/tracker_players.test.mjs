// tracker_players.test.mjs: playerJoin, playerLeave (+v2), consent and presence sync
// (readmin-compat.md §3.7 #34-#36, §3.8, §4.4, §4.7, §4.10; §6 checklist 98-103, 107, 108,
// 110, 111, 115, 116).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, ok, reason, ev, STAFF, SENIOR, MEMBER, STRANGER } from './lib/tracker.mjs';

let t;
before(async () => { t = await setup(); });
after(async () => { await t?.stop(); });

const count = (q) => t.sql(`SELECT COUNT(*) AS n FROM ${q}`)[0].n;

test('98: staff join -> tracked, isStaff, ids; repeated join -> same ids, nothing new', async () => {
  const a = await t.createServer(t.L.A, 'p-98');
  const j = ok(await t.join(t.L.A, a.runningGameId, Number(STAFF), { username: 'NewName', tzOffset: '+0530', platform: 'Phone' }));
  assert.deepEqual(Object.keys(j).sort(), ['banned', 'isStaff', 'needsConsent', 'reason', 'runningPlayerId', 'sessionId', 'success', 'tracked']);
  assert.equal(j.banned, false);
  assert.equal(j.reason, null);
  assert.equal(j.isStaff, true);
  assert.equal(j.tracked, true);
  assert.equal(j.needsConsent, false);
  assert.match(j.sessionId, /^[0-9a-f]{24}$/);
  assert.match(j.runningPlayerId, /^[0-9a-f]{24}$/);
  const s = t.session(j.sessionId);
  assert.equal(s.server_id, a.runningGameId);
  assert.equal(s.roblox_user_id, STAFF);
  assert.equal(s.staff, 1);
  assert.equal(s.distribution, 1);
  assert.equal(s.user_key, STAFF);
  const m = t.sql(`SELECT in_game, username, timezone FROM workspace_members WHERE workspace_id = '${t.A.id}' AND roblox_user_id = '${STAFF}'`)[0];
  assert.deepEqual(m, { in_game: 1, username: 'NewName', timezone: '+05:30' });
  assert.equal(t.sql(`SELECT platform FROM running_players WHERE id = '${j.runningPlayerId}'`)[0].platform, 'Phone');
  const again = ok(await t.join(t.L.A, a.runningGameId, STAFF));
  assert.equal(again.sessionId, j.sessionId);
  assert.equal(again.runningPlayerId, j.runningPlayerId);
  assert.equal(count(`play_sessions WHERE roblox_user_id = '${STAFF}' AND workspace_id = '${t.A.id}'`), 1);
  assert.equal(count(`play_events WHERE session_id = '${j.sessionId}'`), 1);
  ok(await t.leave(t.L.A, a.runningGameId, STAFF));
});

test('99: no member record and no groupRank -> isStaff false; groupRank decides without a record', async () => {
  const a = await t.createServer(t.L.A, 'p-99');
  const j = ok(await t.join(t.L.A, a.runningGameId, STRANGER));
  assert.equal(j.isStaff, false);
  assert.equal(j.tracked, true); // trackStaffOnly is off
  assert.equal(t.session(j.sessionId).staff, 0);
  const g = ok(await t.join(t.L.A, a.runningGameId, '16', { groupRank: 60 }));
  assert.equal(g.isStaff, true);
  // A member record wins over groupRank (14 is rank 10).
  assert.equal(ok(await t.join(t.L.A, a.runningGameId, MEMBER, { groupRank: 200 })).isStaff, false);
  reason(await t.join(t.L.A, a.runningGameId, 'abc'), 400, 'Invalid playerId');
  reason(await t.ra(t.L.A, 'POST', '/activity/playerJoin', { gameId: a.runningGameId }), 400, 'Missing playerId');
  reason(await t.join(t.L.A, a.runningGameId, '17', { groupRank: 256 }), 400, 'Invalid groupRank');
  reason(await t.join(t.L.A, a.runningGameId, '17', { username: 'x'.repeat(51) }), 400, 'Invalid username');
  assert.equal(count(`running_players WHERE roblox_user_id = '17'`), 0);
});

test('100: banned player -> banned, reason, expiration; no session', async () => {
  const a = await t.createServer(t.L.A, 'p-100');
  const now = t.now();
  const res = await t.ra(t.L.A, 'POST', '/games/bans', { userId: '31', reason: 'exploiting', bannedByUserId: '9', expiresInDays: 1 });
  assert.equal(res.status, 201, res.text);
  const j = ok(await t.join(t.L.A, a.runningGameId, '31'));
  assert.equal(j.banned, true);
  assert.equal(j.reason, 'exploiting');
  assert.ok(Math.abs(Date.parse(j.expiration) - (now + 86400000)) < 10000, j.expiration);
  assert.equal(j.tracked, false);
  assert.equal(j.sessionId, null);
  assert.equal(j.runningPlayerId, null);
  assert.equal(count(`play_sessions WHERE roblox_user_id = '31'`), 0);
  assert.equal(count(`running_players WHERE roblox_user_id = '31'`), 0);
  // Permanent ban: "never". B's bans never apply in A.
  assert.equal((await t.ra(t.L.A, 'POST', '/games/bans', { userId: '32', reason: 'perm', bannedByUserId: '9' })).status, 201);
  assert.equal(ok(await t.join(t.L.A, a.runningGameId, '32')).expiration, 'never');
  assert.equal((await t.ra(t.L.B, 'POST', '/games/bans', { userId: '33', reason: 'b only', bannedByUserId: '9' })).status, 201);
  assert.equal(ok(await t.join(t.L.A, a.runningGameId, '33')).banned, false);
});

test('101: trackStaffOnly with a non-staff player -> tracked false, no session', async () => {
  const { A } = t;
  ok(await t.mgmt(A, 'PATCH', '', { body: { privacy: { trackStaffOnly: true } } }));
  try {
    const a = await t.createServer(t.L.A, 'p-101');
    const j = ok(await t.join(t.L.A, a.runningGameId, MEMBER));
    assert.deepEqual({ ...j }, { success: true, banned: false, reason: null, isStaff: false, tracked: false, sessionId: null, runningPlayerId: null });
    assert.equal(count(`play_sessions WHERE server_id = '${a.runningGameId}'`), 0);
    assert.equal(count(`running_players WHERE server_id = '${a.runningGameId}'`), 1, 'presence kept so a ban can kick');
    assert.equal(ok(await t.join(t.L.A, a.runningGameId, STAFF)).tracked, true);
  } finally {
    ok(await t.mgmt(A, 'PATCH', '', { body: { privacy: { trackStaffOnly: false } } }));
  }
});

test('102: ignored player -> GDPR_IGNORED ids, nothing stored', async () => {
  const r = t.srv.cli(['admin', 'ignore-player', '--roblox-id', '41']);
  assert.equal(r.status, 0, r.stderr);
  const a = await t.createServer(t.L.A, 'p-102');
  const j = ok(await t.join(t.L.A, a.runningGameId, '41', { groupRank: 200 }));
  assert.deepEqual({ ...j }, { success: true, banned: false, isStaff: false, tracked: false, sessionId: 'GDPR_IGNORED', runningPlayerId: 'GDPR_IGNORED' });
  assert.equal(count(`running_players WHERE roblox_user_id = '41'`), 0);
  assert.equal(count(`play_sessions WHERE roblox_user_id = '41'`), 0);
});

test('103: join on server 2 while open on server 1 -> first ends (movedServer); no overlap', async () => {
  const s1 = await t.createServer(t.L.A, 'p-103a');
  const s2 = await t.createServer(t.L.A, 'p-103b');
  const j1 = ok(await t.join(t.L.A, s1.runningGameId, SENIOR));
  t.clk.advance(120000);
  const j2 = ok(await t.join(t.L.A, s2.runningGameId, SENIOR, { datetime: t.now() - 30000 }));
  const a = t.session(j1.sessionId), b = t.session(j2.sessionId);
  assert.equal(a.removal_method, 'movedServer');
  assert.ok(a.ended_at <= b.started_at, `${a.ended_at} <= ${b.started_at}`);
  assert.equal(b.ended_at, null);
  assert.equal(count(`running_players WHERE roblox_user_id = '${SENIOR}' AND workspace_id = '${t.A.id}'`), 1);
  assert.equal(a.active_ms, a.ended_at - a.started_at);
  ok(await t.leave(t.L.A, s2.runningGameId, SENIOR));
});

test('107: playerLeave without events -> 400; twice or without join -> 200, no change', async () => {
  const a = await t.createServer(t.L.A, 'p-107');
  const j = ok(await t.join(t.L.A, a.runningGameId, STAFF));
  reason(await t.ra(t.L.A, 'DELETE', '/activity/playerLeave', { gameId: a.runningGameId, playerId: STAFF, leftTime: t.nowS() }), 400, 'Missing required paramater', 'error');
  reason(await t.ra(t.L.A, 'DELETE', '/activity/playerLeave', { gameId: a.runningGameId, events: [], leftTime: t.nowS() }), 400, 'Missing required paramater', 'error');
  reason(await t.ra(t.L.A, 'DELETE', '/activity/playerLeave', { gameId: a.runningGameId, playerId: STAFF, events: [] }), 400, 'Missing required paramater', 'error');
  reason(await t.ra(t.L.A, 'DELETE', '/activity/playerLeave', { gameId: a.runningGameId, playerId: STAFF, events: 'x', leftTime: 1 }), 400, 'Invalid events', 'error');
  reason(await t.leave(t.L.A, a.runningGameId, STAFF, { events: new Array(20001).fill(0) }), 400, 'Too many events', 'error');
  assert.equal(t.session(j.sessionId).ended_at, null);
  const before = t.totals(t.A, STAFF);
  t.clk.advance(60000);
  assert.deepEqual(ok(await t.leave(t.L.A, a.runningGameId, STAFF)), { success: true });
  const s = t.session(j.sessionId);
  assert.equal(s.removal_method, 'normalPlayerLeave');
  const after1 = t.totals(t.A, STAFF);
  assert.equal(after1[0].sessions, (before[0]?.sessions ?? 0) + 1);
  t.clk.advance(1000);
  ok(await t.leave(t.L.A, a.runningGameId, STAFF));
  ok(await t.leave(t.L.A, a.runningGameId, '999'));
  assert.deepEqual(t.session(j.sessionId), s);
  assert.deepEqual(t.totals(t.A, STAFF), after1);
  assert.equal(count(`running_players WHERE server_id = '${a.runningGameId}'`), 0);
});

test('108: v2 two non-final chunks then final -> finalized; minutes equal a single v1 leave', async () => {
  const a = await t.createServer(t.L.A, 'p-108');
  const base = t.now();
  const events = [ev('idle', base, 60), ev('active', base, 180), ev('typing', base, 200), ev('message', base, 210)];
  const j1 = ok(await t.join(t.L.A, a.runningGameId, STAFF, { datetime: base }));
  const j2 = ok(await t.join(t.L.A, a.runningGameId, SENIOR, { datetime: base }));
  t.clk.advance(260000);
  const v2 = (body) => t.ra(t.L.A, 'POST', '/activity/playerLeave/v2', { gameId: a.runningGameId, playerId: STAFF, ...body });
  assert.deepEqual(ok(await v2({ events: events.slice(0, 2), final: false })), { success: true, finalized: false });
  assert.deepEqual(ok(await v2({ events: events.slice(2, 3), final: false })), { success: true, finalized: false });
  reason(await v2({ events: events.slice(3), final: true }), 400, 'Missing required paramater', 'error');
  reason(await v2({ events: [], leftTime: 1 }), 400, 'Missing required paramater', 'error');
  reason(await v2({ events: new Array(501).fill({}), final: false }), 400, 'Too many events', 'error');
  assert.deepEqual(ok(await v2({ events: events.slice(3), final: true, leftTime: (base + 260000) / 1000 })), { success: true, finalized: true });
  ok(await t.leave(t.L.A, a.runningGameId, SENIOR, { events, leftTime: (base + 260000) / 1000 }));
  const s1 = t.session(j1.sessionId), s2 = t.session(j2.sessionId);
  for (const k of ['active_ms', 'idle_ms', 'typing_ms', 'messages', 'started_at', 'ended_at']) assert.equal(s1[k], s2[k], k);
  assert.deepEqual([s1.active_ms, s1.idle_ms, s1.typing_ms, s1.messages], [80000, 120000, 60000, 1]);
  assert.deepEqual(ok(await v2({ events: [], final: true, leftTime: t.nowS() })), { success: true, finalized: false });
});

test('110: absent from players, joined > 30 s ago -> syncRemoval; newer join kept', async () => {
  const a = await t.createServer(t.L.A, 'p-110');
  const old = ok(await t.join(t.L.A, a.runningGameId, STAFF, { userKey: 'key-9' }));
  t.clk.advance(40000);
  const fresh = ok(await t.join(t.L.A, a.runningGameId, SENIOR));
  const stay = ok(await t.join(t.L.A, a.runningGameId, MEMBER));
  t.clk.advance(5000);
  ok(await t.send(t.L.A, a.runningGameId, [], { players: { [MEMBER]: 'user14' } }));
  const s = t.session(old.sessionId);
  assert.equal(s.removal_method, 'syncRemoval');
  assert.equal(s.ended_at, t.sql(`SELECT ended_received_at AS x FROM play_sessions WHERE id = '${old.sessionId}'`)[0].x);
  assert.equal(t.session(fresh.sessionId).ended_at, null, 'a join under 30 s old is kept');
  assert.equal(t.session(stay.sessionId).ended_at, null, 'a listed userKey is kept');
  assert.equal(count(`running_players WHERE server_id = '${a.runningGameId}' AND roblox_user_id = '${STAFF}'`), 0);
  // Without `players`, nothing is removed.
  t.clk.advance(60000);
  ok(await t.send(t.L.A, a.runningGameId, []));
  assert.equal(t.session(fresh.sessionId).ended_at, null);
  reason(await t.send(t.L.A, a.runningGameId, [], { players: [] }), 400, 'Invalid players', 'error');
});

test('111: leave arriving after syncRemoval -> recomputed to leftTime', async () => {
  const a = await t.createServer(t.L.A, 'p-111');
  const base = t.now();
  const j = ok(await t.join(t.L.A, a.runningGameId, SENIOR, { datetime: base }));
  t.clk.advance(100000);
  ok(await t.send(t.L.A, a.runningGameId, [ev('idle', base, 50, { user: SENIOR })], { players: {} }));
  const synced = t.session(j.sessionId);
  assert.equal(synced.removal_method, 'syncRemoval');
  assert.equal(synced.idle_ms, synced.ended_at - (base + 50000));
  const before = t.totals(t.A, SENIOR)[0];
  t.clk.advance(2000);
  ok(await t.leave(t.L.A, a.runningGameId, SENIOR, { events: [ev('active', base, 70)], leftTime: (base + 80000) / 1000,
    sessionIds: { userGameSession: j.sessionId } }));
  const s = t.session(j.sessionId);
  assert.equal(s.ended_at, base + 80000);
  assert.equal(s.active_ms, 50000 + 10000);
  assert.equal(s.idle_ms, 20000);
  const after1 = t.totals(t.A, SENIOR)[0];
  assert.equal(after1.sessions, before.sessions, 'recomputed, not a second session');
  assert.equal(after1.active_ms + after1.idle_ms - before.active_ms - before.idle_ms, 80000 - (synced.ended_at - base));
  // Past the 10-minute window the ended session takes nothing.
  const j2 = ok(await t.join(t.L.A, a.runningGameId, SENIOR));
  t.clk.advance(40000);
  ok(await t.send(t.L.A, a.runningGameId, [], { players: {} }));
  t.clk.advance(11 * 60000);
  const frozen = t.session(j2.sessionId);
  ok(await t.leave(t.L.A, a.runningGameId, SENIOR, { leftTime: (t.now() - 11 * 60000 - 20000) / 1000 }));
  assert.deepEqual(t.session(j2.sessionId), frozen);
});

test('115: non-staff session deleted; requireConsent without consent deleted; with consent kept', async () => {
  const a = await t.createServer(t.L.A, 'p-115');
  const j = ok(await t.join(t.L.A, a.runningGameId, MEMBER));
  t.clk.advance(60000);
  ok(await t.leave(t.L.A, a.runningGameId, MEMBER));
  assert.equal(t.session(j.sessionId), undefined);
  assert.equal(count(`play_events WHERE session_id = '${j.sessionId}'`), 0);
  assert.equal(t.totals(t.A, MEMBER).length, 0);
  ok(await t.mgmt(t.A, 'PATCH', '', { body: { privacy: { requireConsent: true } } }));
  try {
    const b = await t.createServer(t.L.A, 'p-115b');
    const n1 = ok(await t.join(t.L.A, b.runningGameId, STAFF));
    assert.equal(n1.needsConsent, true);
    const before = t.totals(t.A, STAFF)[0];
    t.clk.advance(60000);
    ok(await t.leave(t.L.A, b.runningGameId, STAFF));
    assert.equal(t.session(n1.sessionId), undefined, 'no consent: deleted uncredited');
    assert.deepEqual(t.totals(t.A, STAFF)[0], before);
    const n2 = ok(await t.join(t.L.A, b.runningGameId, STAFF));
    ok(await t.ra(t.L.A, 'POST', '/activity/consent', { gameId: b.runningGameId, playerId: STAFF, consent: 'granted' }));
    assert.equal(ok(await t.join(t.L.A, b.runningGameId, STAFF)).needsConsent, false);
    t.clk.advance(60000);
    ok(await t.leave(t.L.A, b.runningGameId, STAFF));
    assert.ok(t.session(n2.sessionId).credited === 1);
    assert.equal(t.totals(t.A, STAFF)[0].sessions, before.sessions + 1);
  } finally {
    ok(await t.mgmt(t.A, 'PATCH', '', { body: { privacy: { requireConsent: false } } }));
  }
});

test('116: consent denied then playerJoin -> consent denied, tracked false', async () => {
  const a = await t.createServer(t.L.A, 'p-116');
  const c = (body) => t.ra(t.L.A, 'POST', '/activity/consent', { gameId: a.runningGameId, ...body });
  assert.deepEqual(ok(await c({ playerId: SENIOR, consent: 'denied' })), { success: true });
  ok(await c({ playerId: SENIOR, consent: 'denied' }));
  const j = ok(await t.join(t.L.A, a.runningGameId, SENIOR));
  assert.deepEqual({ ...j }, { success: true, banned: false, reason: null, isStaff: true, tracked: false, consent: 'denied', sessionId: null, runningPlayerId: null });
  assert.equal(count(`play_sessions WHERE server_id = '${a.runningGameId}'`), 0);
  reason(await c({ playerId: SENIOR, consent: 'maybe' }), 400, 'Invalid consent');
  reason(await c({ playerId: SENIOR }), 400, 'Invalid consent');
  reason(await c({ consent: true }), 400, 'Missing playerId');
  ok(await c({ playerId: SENIOR, granted: true }));
  assert.equal(t.sql(`SELECT consent FROM player_consent WHERE workspace_id = '${t.A.id}' AND roblox_user_id = '${SENIOR}'`)[0].consent, 'granted');
  assert.equal(count(`player_consent WHERE workspace_id = '${t.B.id}'`), 0, 'consent is per workspace');
  assert.equal(ok(await t.join(t.L.A, a.runningGameId, SENIOR)).tracked, true);
  ok(await t.leave(t.L.A, a.runningGameId, SENIOR));
});
