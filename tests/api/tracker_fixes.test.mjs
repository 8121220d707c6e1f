// tracker_fixes.test.mjs: review findings on the activity tracker (Roster issue 5), each a
// black-box check that failed before its fix: the per-server player cap and indexed event
// grouping (readmin-compat.md §3.7 #34 #36), a retried or late playerLeave never touching the
// player's newer session (§3.7 #35, §4.7; checklist 111), the pending-action cap and the
// 100-per-sendData hand-out (§3.7 #36, §4.10; checklist 76, 112), groupRole checked beside a
// numeric userKey (#34), view_workspace reads of §6.5 (platform.md §6), and consent of an
// ignored player stored nowhere (§3.8, §4.5). Decisions: docs/tracker.md.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { expectError } from './lib/harness.mjs';
import { cliKey, firstLogin } from './lib/helpers.mjs';
import { setup, ok, reason, ev, STAFF, SENIOR } from './lib/tracker.mjs';

let t;
before(async () => { t = await setup(); });
after(async () => { await t?.stop(); });

const count = (q) => t.sql(`SELECT COUNT(*) AS n FROM ${q}`)[0].n;
const inGame = (user) => t.sql(`SELECT in_game FROM workspace_members WHERE workspace_id = '${t.A.id}' AND roblox_user_id = '${user}'`)[0].in_game;
const keysOf = (from, n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [String(from + i), `u${from + i}`]));

// `n` presence rows on a server, users from+1 ... from+n, joined long ago (ids from `hexBase`).
function fillPlayers(ws, sid, from, n, hexBase) {
  t.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${n})
    INSERT INTO running_players (id, workspace_id, server_id, roblox_user_id, user_key, joined_at)
    SELECT printf('%024x', ${hexBase} + i), '${ws.id}', '${sid}', CAST(${from} + i AS TEXT), CAST(${from} + i AS TEXT), 0 FROM n`);
}

test('#36 players: over 1 000 members -> 400 Invalid players; 1 000 accepted', async () => {
  const s = await t.createServer(t.L.A, 'fix-cap-keys');
  reason(await t.send(t.L.A, s.runningGameId, [], { players: keysOf(1000, 1001) }), 400, 'Invalid players', 'error');
  assert.deepEqual(ok(await t.send(t.L.A, s.runningGameId, [], { players: keysOf(1000, 1000) })),
    { success: true, queuedActions: [], ongoingChats: [] });
});

test('#34 a server holding 1 000 players takes no newcomer (409); a rejoin still works; sync uses the sorted keys', async () => {
  const s = await t.createServer(t.L.A, 'fix-cap-join');
  const sid = s.runningGameId;
  fillPlayers(t.A, sid, 5000000, 1000, 0x1000000);
  reason(await t.join(t.L.A, sid, '61'), 409, 'Too many players');
  assert.equal(count(`running_players WHERE server_id = '${sid}'`), 1000);
  assert.equal(count(`play_sessions WHERE server_id = '${sid}'`), 0, 'nothing stored for the refused join');
  const re = ok(await t.join(t.L.A, sid, '5000001'));
  assert.equal(re.tracked, true);
  assert.equal(count(`running_players WHERE server_id = '${sid}'`), 1000, 'a rejoin replaces its own row');
  // 999 listed (5000001 ... 5000999): only 5001000, joined long ago and unlisted, is removed.
  ok(await t.send(t.L.A, sid, [], { players: keysOf(5000001, 999) }));
  assert.equal(count(`running_players WHERE server_id = '${sid}'`), 999);
  assert.equal(count(`running_players WHERE server_id = '${sid}' AND roblox_user_id = '5001000'`), 0);
  assert.equal(ok(await t.join(t.L.A, sid, '61')).tracked, true, 'room again after the sync');
  // Workspace B's servers are counted on their own.
  const b = await t.createServer(t.L.B, 'fix-cap-join-b');
  assert.equal(ok(await t.join(t.L.B, b.runningGameId, '61')).tracked, true);
});

test('#36 events go to their own sessions in arrival order: user first, else userKey', async () => {
  const s = await t.createServer(t.L.A, 'fix-group');
  const base = t.now();
  const j9 = ok(await t.join(t.L.A, s.runningGameId, STAFF, { userKey: 'k9', datetime: base }));
  const j13 = ok(await t.join(t.L.A, s.runningGameId, SENIOR, { datetime: base }));
  ok(await t.send(t.L.A, s.runningGameId, [
    ev('idle', base, 1, { user: STAFF }),
    ev('active', base, 2, { userKey: SENIOR }),
    ev('typing', base, 3, { user: Number(STAFF) }),
    ev('message', base, 4, { userKey: 'k9' }),
    ev('idle', base, 5, { user: '999', userKey: 'k9' }), // a `user` decides: no session -> skipped
    ev('active', base, 6, { userKey: 'nokey' }),
    ev('message', base, 7, { user: SENIOR }),
    ev('typing', base, 8, { userKey: 'k9' }),
  ]));
  const of = (id) => t.sql(`SELECT type, at - ${base} AS at, ord FROM play_events WHERE session_id = '${id}' AND type != 'join' ORDER BY ord`);
  assert.deepEqual(of(j9.sessionId), [{ type: 'idle', at: 1000, ord: 0 }, { type: 'typing', at: 3000, ord: 1 },
    { type: 'message', at: 4000, ord: 2 }, { type: 'typing', at: 8000, ord: 3 }]);
  assert.deepEqual(of(j13.sessionId), [{ type: 'active', at: 2000, ord: 0 }, { type: 'message', at: 7000, ord: 1 }]);
  assert.equal(t.session(j9.sessionId).active, 1, 'last state typing');
  ok(await t.leave(t.L.A, s.runningGameId, STAFF));
  ok(await t.leave(t.L.A, s.runningGameId, SENIOR));
});

test('#35: a retried playerLeave naming the ended session changes nothing (the new session stays)', async () => {
  const s = await t.createServer(t.L.A, 'fix-retry');
  const j1 = ok(await t.join(t.L.A, s.runningGameId, STAFF));
  t.clk.advance(20000);
  ok(await t.leave(t.L.A, s.runningGameId, STAFF, { sessionIds: { userGameSession: j1.sessionId } }));
  const ended = t.session(j1.sessionId);
  assert.equal(ended.removal_method, 'normalPlayerLeave');
  t.clk.advance(5000);
  const j2 = ok(await t.join(t.L.A, s.runningGameId, STAFF));
  assert.notEqual(j2.sessionId, j1.sessionId);
  t.clk.advance(5000);
  const totals = t.totals(t.A, STAFF);
  assert.deepEqual(ok(await t.leave(t.L.A, s.runningGameId, STAFF, { sessionIds: { userGameSession: j1.sessionId } })), { success: true });
  assert.deepEqual(ok(await t.ra(t.L.A, 'POST', '/activity/playerLeave/v2', { gameId: s.runningGameId, playerId: STAFF,
    events: [], final: true, leftTime: t.nowS(), sessionIds: { userGameSession: j1.sessionId } })), { success: true, finalized: false });
  assert.equal(t.session(j2.sessionId).ended_at, null, 'the new session is still open');
  assert.deepEqual(t.session(j1.sessionId), ended);
  assert.equal(count(`running_players WHERE id = '${j2.runningPlayerId}'`), 1);
  assert.equal(inGame(STAFF), 1);
  assert.deepEqual(t.totals(t.A, STAFF), totals);
  // The hint of the open session still ends it.
  ok(await t.leave(t.L.A, s.runningGameId, STAFF, { sessionIds: { userGameSession: j2.sessionId } }));
  assert.equal(t.session(j2.sessionId).removal_method, 'normalPlayerLeave');
  assert.equal(count(`running_players WHERE server_id = '${s.runningGameId}'`), 0);
  assert.equal(inGame(STAFF), 0);
});

test('111 + §4.7: a late leave after syncRemoval recomputes the old session and keeps the rejoined one', async () => {
  const s = await t.createServer(t.L.A, 'fix-late');
  const base = t.now();
  const j1 = ok(await t.join(t.L.A, s.runningGameId, SENIOR, { datetime: base }));
  t.clk.advance(40000);
  ok(await t.send(t.L.A, s.runningGameId, [], { players: {} }));
  assert.equal(t.session(j1.sessionId).removal_method, 'syncRemoval');
  const j2 = ok(await t.join(t.L.A, s.runningGameId, SENIOR));
  assert.equal(inGame(SENIOR), 1);
  t.clk.advance(2000);
  ok(await t.leave(t.L.A, s.runningGameId, SENIOR, { leftTime: (base + 20000) / 1000, sessionIds: { userGameSession: j1.sessionId } }));
  const late = t.session(j1.sessionId);
  assert.equal(late.ended_at, base + 20000, 'recomputed to leftTime');
  assert.equal(late.active_ms, 20000);
  assert.equal(t.session(j2.sessionId).ended_at, null);
  assert.equal(count(`running_players WHERE id = '${j2.runningPlayerId}' AND session_id = '${j2.sessionId}'`), 1, 'the new row stays');
  assert.equal(inGame(SENIOR), 1, 'still in game');
  // The new session's leave clears both.
  ok(await t.leave(t.L.A, s.runningGameId, SENIOR));
  assert.equal(t.session(j2.sessionId).removal_method, 'normalPlayerLeave');
  assert.equal(count(`running_players WHERE server_id = '${s.runningGameId}'`), 0);
  assert.equal(inGame(SENIOR), 0);
});

test('§4.10: 1 000 pending per server (409 limit_reached, ban kicks skip); sendData hands out 100 by ord', async () => {
  const s = await t.createServer(t.L.A, 'fix-actions');
  const sid = s.runningGameId;
  const queue = (body) => t.mgmt(t.A, 'POST', `/servers/${sid}/actions`, { body });
  t.exec(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 999)
    INSERT INTO queued_actions (id, workspace_id, server_id, ord, type, message, status, created_at, created_by)
    SELECT printf('%024x', ${0x2000000} + i), '${t.A.id}', '${sid}', i, 'notifyAll', 'm' || i, 'pending', 0, 'test' FROM n`);
  const last = ok(await queue({ type: 'notifyAll', message: 'm1000' })).action;
  const full = await queue({ type: 'notifyAll', message: 'one too many' });
  expectError(full, 409, 'limit_reached');
  assert.equal(count(`queued_actions WHERE server_id = '${sid}' AND status = 'pending'`), 1000);
  assert.equal(count(`audit_log WHERE action = 'workspace.action.create' AND workspace_id = '${t.A.id}' AND target_id NOT IN (SELECT id FROM queued_actions)`), 0);
  // A ban on a player in the full server still bans; no kick is queued there.
  ok(await t.join(t.L.A, sid, '71'));
  const ban = await t.ra(t.L.A, 'POST', '/games/bans', { userId: '71', reason: 'cheating', bannedByUserId: '9' });
  assert.equal(ban.status, 201, ban.text);
  assert.equal(ban.json.queuedKicks, 0);
  assert.equal(count(`game_bans WHERE workspace_id = '${t.A.id}' AND roblox_user_id = '71'`), 1);
  assert.equal(count(`queued_actions WHERE server_id = '${sid}' AND roblox_user_id = '71'`), 0);
  // Hand-out: 100 per call, lowest ord first, each once.
  const first = ok(await t.send(t.L.A, sid, [])).queuedActions;
  assert.deepEqual(first.map((a) => a.message), Array.from({ length: 100 }, (_, i) => `m${i + 1}`));
  const second = ok(await t.send(t.L.A, sid, [])).queuedActions;
  assert.deepEqual(second.map((a) => a.message), Array.from({ length: 100 }, (_, i) => `m${i + 101}`));
  assert.equal(count(`queued_actions WHERE server_id = '${sid}' AND status = 'delivered'`), 200);
  assert.equal(t.sql(`SELECT MAX(ord) AS m FROM queued_actions WHERE server_id = '${sid}' AND status = 'delivered'`)[0].m, 200);
  // Room again: 800 pending.
  assert.equal(ok(await queue({ type: 'notifyAll', message: 'again' })).action.status, 'pending');
  // Workspace B's server is not counted with A's.
  const b = await t.createServer(t.L.B, 'fix-actions-b');
  ok(await t.mgmt(t.B, 'POST', `/servers/${b.runningGameId}/actions`, { body: { type: 'notifyAll', message: 'b' } }));
  // Parallel calls still take each action exactly once (checklist 112).
  const res = await Promise.all(Array.from({ length: 8 }, () => t.send(t.L.A, sid, [])));
  const got = res.flatMap((r) => ok(r).queuedActions.map((a) => a._id));
  assert.equal(got.length, new Set(got).size, 'no action twice');
  assert.equal(got.length, 800);
  assert.ok(got.includes(last.id));
  assert.equal(count(`queued_actions WHERE server_id = '${sid}' AND status = 'pending'`), 1);
  assert.equal(ok(await t.send(t.L.A, sid, [])).queuedActions.length, 1);
});

test('#34: an invalid groupRole is refused whatever userKey is; a numeric userKey is its text', async () => {
  const s = await t.createServer(t.L.A, 'fix-role');
  reason(await t.join(t.L.A, s.runningGameId, '81', { groupRole: 5, userKey: 42 }), 400, 'Invalid groupRole');
  reason(await t.join(t.L.A, s.runningGameId, '81', { groupRole: 'x'.repeat(101), userKey: 42 }), 400, 'Invalid groupRole');
  reason(await t.join(t.L.A, s.runningGameId, '81', { groupRole: 'Officer', userKey: 1.5 }), 400, 'Invalid userKey');
  reason(await t.join(t.L.A, s.runningGameId, '81', { groupRole: 'Officer', userKey: {} }), 400, 'Invalid userKey');
  assert.equal(count(`running_players WHERE roblox_user_id = '81'`), 0);
  const j = ok(await t.join(t.L.A, s.runningGameId, '81', { groupRole: 'Officer', userKey: 42 }));
  assert.equal(t.session(j.sessionId).user_key, '42');
  const k = ok(await t.join(t.L.A, s.runningGameId, '82', { groupRole: 'x'.repeat(100), userKey: 'key-82' }));
  assert.equal(t.session(k.sessionId).user_key, 'key-82');
});

test('platform §6: §6.5 reads need view_workspace (+ workspaces:read), writes manage_game_servers', async () => {
  const s = await t.createServer(t.L.A, 'fix-perm');
  const b = await t.createServer(t.L.B, 'fix-perm-b');
  ok(await t.join(t.L.A, s.runningGameId, STAFF));
  const admin = cliKey(t.srv, 'owner', 'admin', ['workspaces:write', 'staff:write', 'users:write']);
  const role = ok(await t.call('POST', '/api/admin/roles', { key: admin, body: { name: 'Viewer', level: 40 } })).role;
  ok(await t.call('PUT', '/api/admin/permissions', { key: admin, body: { roleId: role.id, permissions: ['view_workspace'] } }));
  const user = ok(await t.call('POST', '/api/users', { key: admin, body: { username: 'viewer', password: 'viewer-password-1', roleId: role.id } })).user;
  await firstLogin(t.srv, 'viewer', 'viewer-password-1', 'viewer-password-2');
  ok(await t.call('PUT', '/api/admin/communities', { key: admin, body: { id: t.A.id, name: 'A', allowedUserIds: [t.owner.user.id, user.id] } }));
  const ro = cliKey(t.srv, 'viewer', 'view-ro', ['workspaces:read']);
  const rw = cliKey(t.srv, 'viewer', 'view-rw', ['workspaces:write']);
  const at = (ws, rest) => `/api/workspaces/${ws.id}${rest}`;
  const list = ok(await t.call('GET', at(t.A, '/servers'), { key: ro }));
  assert.ok(list.servers.some((x) => x.id === s.runningGameId));
  const one = ok(await t.call('GET', at(t.A, `/servers/${s.runningGameId}`), { key: ro }));
  assert.deepEqual(one.players.map((p) => p.robloxUserId), [STAFF]);
  assert.deepEqual(ok(await t.call('GET', at(t.A, `/servers/${s.runningGameId}/actions`), { key: ro })).actions, []);
  assert.ok(ok(await t.call('GET', at(t.A, '/players?staffOnly=true&pageSize=100'), { key: ro })).players.some((p) => p.robloxUserId === STAFF));
  for (const [m, p, body] of [['POST', `/servers/${s.runningGameId}/actions`, { type: 'notifyAll', message: 'x' }],
    ['DELETE', `/servers/${s.runningGameId}`, undefined]]) {
    const r = await t.call(m, at(t.A, p), { key: rw, body });
    expectError(r, 403, 'forbidden');
    assert.equal(r.json.error.details.permission, 'manage_game_servers');
  }
  expectError(await t.call('POST', at(t.A, `/servers/${s.runningGameId}/actions`), { key: ro, body: { type: 'notifyAll', message: 'x' } }), 403, 'scope_missing');
  assert.equal(t.server(s.runningGameId).ended_at, null);
  assert.equal(count(`queued_actions WHERE server_id = '${s.runningGameId}'`), 0);
  // B is not the viewer's: it looks like no workspace at all.
  for (const p of ['/servers', `/servers/${b.runningGameId}`, `/servers/${b.runningGameId}/actions`, '/players'])
    expectError(await t.call('GET', at(t.B, p), { key: ro }), 404, 'community_not_found');
  ok(await t.leave(t.L.A, s.runningGameId, STAFF));
});

test('§3.8 + §4.5: consent of an ignored player answers 200 and stores nothing', async () => {
  const s = await t.createServer(t.L.A, 'fix-consent');
  const r = t.srv.cli(['admin', 'ignore-player', '--roblox-id', '91']);
  assert.equal(r.status, 0, r.stderr);
  for (const body of [{ consent: 'granted' }, { consent: false }, { granted: true }])
    assert.deepEqual(ok(await t.ra(t.L.A, 'POST', '/activity/consent', { gameId: s.runningGameId, playerId: '91', ...body })), { success: true });
  assert.equal(count(`player_consent WHERE roblox_user_id = '91'`), 0);
  // Validation still comes first; a player not ignored is stored.
  reason(await t.ra(t.L.A, 'POST', '/activity/consent', { gameId: s.runningGameId, playerId: '91', consent: 'maybe' }), 400, 'Invalid consent');
  ok(await t.ra(t.L.A, 'POST', '/activity/consent', { gameId: s.runningGameId, playerId: '92', consent: 'denied' }));
  assert.equal(t.sql(`SELECT consent FROM player_consent WHERE workspace_id = '${t.A.id}' AND roblox_user_id = '92'`)[0].consent, 'denied');
});
