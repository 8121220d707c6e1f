// tracker_actions.test.mjs: queued actions and the management routes of platform.md §6.5
// (servers, actions, players; manage_game_servers), delivery by sendData exactly once and in
// order (readmin-compat.md §2 QueuedAction, §3.7 #36, §4.10; §6 checklist 76, 112, 113), and
// workspace isolation on both surfaces.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { expectError } from './lib/harness.mjs';
import { cliKey } from './lib/helpers.mjs';
import { setup, ok, reason, STAFF, SENIOR, MEMBER } from './lib/tracker.mjs';

let t, a, b;
before(async () => {
  t = await setup();
  a = await t.createServer(t.L.A, 'act-a');
  b = await t.createServer(t.L.B, 'act-b');
});
after(async () => { await t?.stop(); });

const queue = (ws, sid, body) => t.mgmt(ws, 'POST', `/servers/${sid}/actions`, { body });

test('POST actions: each type, field rules, shapes and audit', async () => {
  const k = ok(await queue(t.A, a.runningGameId, { type: 'kick', robloxUserId: STAFF, message: 'bye' })).action;
  assert.match(k.id, /^[0-9a-f]{24}$/);
  assert.deepEqual({ ...k, id: 0, createdAt: 0 }, { id: 0, serverId: a.runningGameId, type: 'kick', robloxUserId: STAFF, message: 'bye',
    status: 'pending', createdAt: 0, createdBy: k.createdBy, deliveredAt: null });
  assert.match(k.createdBy, /^[0-9a-f]{24}$/);
  const un = ok(await queue(t.A, a.runningGameId, { type: 'unslock' })).action;
  assert.equal(un.message, '');
  assert.equal(un.robloxUserId, null);
  expectError(await queue(t.A, a.runningGameId, { type: 'notify', message: 'x' }), 400, 'missing_field');
  expectError(await queue(t.A, a.runningGameId, { type: 'notifyAll', robloxUserId: STAFF, message: 'x' }), 400, 'invalid_field');
  expectError(await queue(t.A, a.runningGameId, { type: 'slock' }), 400, 'missing_field');
  expectError(await queue(t.A, a.runningGameId, { type: 'explode', message: 'x' }), 400, 'invalid_field');
  expectError(await queue(t.A, a.runningGameId, { type: 'notifyAll', message: 'x'.repeat(201) }), 400, 'invalid_field');
  expectError(await queue(t.A, a.runningGameId, { type: 'notifyAll', message: '' }), 400, 'invalid_field');
  expectError(await queue(t.A, a.runningGameId, { type: 'kick', robloxUserId: 'abc', message: 'x' }), 400, 'invalid_field');
  expectError(await queue(t.A, a.runningGameId, { type: 'shutdown', message: 'x', extra: 1 }), 400, 'unknown_field');
  assert.equal(t.sql(`SELECT COUNT(*) AS n FROM audit_log WHERE action = 'workspace.action.create' AND target_id = '${k.id}' AND workspace_id = '${t.A.id}'`)[0].n, 1);
  // Clean up: deliver both.
  const d = ok(await t.send(t.L.A, a.runningGameId, []));
  assert.deepEqual(d.queuedActions.map((x) => x.type), ['kick', 'unslock']);
});

test('112: a queued action appears in exactly one of 8 parallel sendData responses, in order', async () => {
  const ids = [];
  for (const [type, extra] of [['notify', { robloxUserId: SENIOR }], ['notifyAll', {}], ['slock', {}], ['kick', { robloxUserId: STAFF }]])
    ids.push(ok(await queue(t.A, a.runningGameId, { type, message: `m-${type}`, ...extra })).action.id);
  const res = await Promise.all(Array.from({ length: 8 }, () => t.send(t.L.A, a.runningGameId, [])));
  const got = res.map((r) => ok(r).queuedActions);
  const all = got.flat();
  assert.deepEqual(all.map((x) => x._id).sort(), [...ids].sort(), 'each action exactly once');
  const winner = got.find((g) => g.length > 0);
  assert.deepEqual(winner.map((x) => x._id), ids, 'one response, creation order');
  const n = winner[0];
  assert.deepEqual(Object.keys(n), ['_id', 'internalGameId', 'runningGameId', 'type', 'userId', 'message', 'created']);
  assert.equal(n.userId, Number(SENIOR));
  assert.equal(n.internalGameId, a.gameId);
  assert.equal(n.runningGameId, a.runningGameId);
  assert.equal(winner[1].userId, null);
  for (const id of ids) assert.equal(t.sql(`SELECT status FROM queued_actions WHERE id = '${id}'`)[0].status, 'delivered');
  assert.deepEqual(ok(await t.send(t.L.A, a.runningGameId, [])).queuedActions, []);
});

test('GET actions: newest first, status filter, paging; DELETE cancels while pending', async () => {
  const x = ok(await queue(t.A, a.runningGameId, { type: 'notifyAll', message: 'one' })).action;
  const y = ok(await queue(t.A, a.runningGameId, { type: 'notifyAll', message: 'two' })).action;
  const list = ok(await t.mgmt(t.A, 'GET', `/servers/${a.runningGameId}/actions?status=pending`));
  assert.deepEqual(list.actions.map((q) => q.id), [y.id, x.id]);
  assert.equal(list.total, 2);
  assert.equal(list.pageSize, 20);
  const c = ok(await t.mgmt(t.A, 'DELETE', `/servers/${a.runningGameId}/actions/${x.id}`)).action;
  assert.equal(c.status, 'cancelled');
  expectError(await t.mgmt(t.A, 'DELETE', `/servers/${a.runningGameId}/actions/${x.id}`), 409, 'action_not_pending');
  const d = ok(await t.send(t.L.A, a.runningGameId, []));
  assert.deepEqual(d.queuedActions.map((q) => q._id), [y.id], 'cancelled actions are never delivered');
  expectError(await t.mgmt(t.A, 'DELETE', `/servers/${a.runningGameId}/actions/${y.id}`), 409, 'action_not_pending');
  assert.equal(t.sql(`SELECT COUNT(*) AS n FROM audit_log WHERE action = 'workspace.action.cancel' AND target_id = '${x.id}'`)[0].n, 1);
  expectError(await t.mgmt(t.A, 'DELETE', `/servers/${a.runningGameId}/actions/0123456789abcdef01234567`), 404, 'resource_not_found');
  expectError(await t.mgmt(t.A, 'DELETE', `/servers/${a.runningGameId}/actions/nope`), 400, 'invalid_field');
  expectError(await t.mgmt(t.A, 'GET', `/servers/${a.runningGameId}/actions?status=weird`), 400, 'invalid_parameter');
  const all = ok(await t.mgmt(t.A, 'GET', `/servers/${a.runningGameId}/actions?pageSize=1&page=2`));
  assert.equal(all.actions.length, 1);
  assert.ok(all.total >= 8);
});

test('servers and players: list, get with players, staffOnly, DELETE ends the server', async () => {
  const s = await t.createServer(t.L.A, 'act-list');
  ok(await t.join(t.L.A, s.runningGameId, STAFF, { username: 'nine', platform: 'Desktop' }));
  ok(await t.join(t.L.A, s.runningGameId, MEMBER));
  const list = ok(await t.mgmt(t.A, 'GET', '/servers'));
  assert.ok(list.servers.some((x) => x.id === s.runningGameId));
  assert.ok(!list.servers.some((x) => x.id === b.runningGameId), 'B servers never listed in A');
  const one = ok(await t.mgmt(t.A, 'GET', `/servers/${s.runningGameId}`));
  assert.equal(one.server.gameId, '555');
  assert.equal(one.server.placeId, '666');
  assert.equal(one.server.jobId, 'act-list');
  assert.equal(one.server.playerCount, 2);
  assert.equal(one.server.endedAt, null);
  assert.deepEqual(one.players.map((p) => [p.robloxUserId, p.isStaff, p.active]), [[STAFF, true, true], [MEMBER, false, true]]);
  assert.equal(one.players[0].platform, 'Desktop');
  assert.equal(one.players[0].username, 'nine');
  const staff = ok(await t.mgmt(t.A, 'GET', '/players?staffOnly=true'));
  assert.deepEqual(staff.players.map((p) => p.robloxUserId), [STAFF]);
  assert.equal(ok(await t.mgmt(t.A, 'GET', '/players')).total, 2);
  assert.equal(ok(await t.mgmt(t.B, 'GET', '/players')).total, 0);
  const ended = ok(await t.mgmt(t.A, 'DELETE', `/servers/${s.runningGameId}`)).server;
  assert.equal(ended.endReason, 'dashboard');
  assert.ok(ended.endedAt);
  assert.equal(ended.playerCount, 0);
  assert.equal(ok(await t.mgmt(t.A, 'DELETE', `/servers/${s.runningGameId}`)).server.endedAt, ended.endedAt);
  assert.equal(ok(await t.mgmt(t.A, 'GET', '/players')).total, 0);
  reason(await t.send(t.L.A, s.runningGameId, []), 401, 'Internal game ID was not correct', 'error');
  expectError(await queue(t.A, s.runningGameId, { type: 'notifyAll', message: 'x' }), 404, 'resource_not_found');
  assert.equal(t.sql(`SELECT COUNT(*) AS n FROM audit_log WHERE action = 'workspace.server.end' AND target_id = '${s.runningGameId}'`)[0].n, 1);
});

test('isolation: A key or path never reads or changes B servers; malformed ids 400', async () => {
  for (const [m, p] of [['GET', `/servers/${b.runningGameId}`], ['DELETE', `/servers/${b.runningGameId}`],
    ['GET', `/servers/${b.runningGameId}/actions`], ['POST', `/servers/${b.runningGameId}/actions`]])
    expectError(await t.mgmt(t.A, m, p, m === 'POST' ? { body: { type: 'notifyAll', message: 'x' } } : {}), 404, 'resource_not_found');
  expectError(await t.mgmt(t.A, 'GET', '/servers/abc'), 400, 'invalid_field');
  assert.equal(t.server(b.runningGameId).ended_at, null);
  assert.equal(t.sql(`SELECT COUNT(*) AS n FROM queued_actions WHERE server_id = '${b.runningGameId}'`)[0].n, 0);
});

test('permission manage_game_servers; loader keys never reach /api', async () => {
  const ro = cliKey(t.srv, 'owner', 'ro', ['workspaces:read']);
  expectError(await t.call('POST', `/api/workspaces/${t.A.id}/servers/${a.runningGameId}/actions`, { key: ro, body: { type: 'notifyAll', message: 'x' } }), 403, 'scope_missing');
  expectError(await t.call('GET', `/api/workspaces/${t.A.id}/servers`, { headers: { 'loader-id': t.L.A } }), 401, 'unauthenticated');
  expectError(await t.call('GET', `/api/workspaces/${t.A.id}/servers`), 401, 'unauthenticated');
});

test('76: banning an online player queues one kick, delivered by the next sendData', async () => {
  const s2 = await t.createServer(t.L.A, 'act-76b');
  ok(await t.join(t.L.A, a.runningGameId, '51'));
  ok(await t.join(t.L.A, s2.runningGameId, '52'));
  const res = await t.ra(t.L.A, 'POST', '/games/bans', { userId: '51', reason: 'cheating', bannedByUserId: '9' });
  assert.equal(res.status, 201, res.text);
  const d = ok(await t.send(t.L.A, a.runningGameId, []));
  assert.equal(d.queuedActions.length, 1);
  assert.equal(d.queuedActions[0].type, 'kick');
  assert.equal(d.queuedActions[0].userId, 51);
  assert.equal(d.queuedActions[0].message, 'cheating');
  assert.deepEqual(ok(await t.send(t.L.A, s2.runningGameId, [])).queuedActions, [], 'no kick where the user is not');
  const row = t.sql(`SELECT created_by FROM queued_actions WHERE roblox_user_id = '51'`)[0];
  assert.match(row.created_by, /^loaderKey:/);
});
