// readmin_ignored.test.mjs: ignored players (readmin-compat.md §4.5; §6 checklist item 29) on
// the user-targeted Ranking Key routes (#2, #3, #5, #6) and Staff History #9, against the fake
// Roblox of lib/fake-roblox.mjs. Ids join the set through `roster admin ignore-player` and through
// account erasure. An ignored user answers HTTP 200 `User is GDPR ignored` at §1.5's step (after
// the lookups), with no Roblox call and nothing stored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, ownerSession, sql } from './lib/harness.mjs';
import { cliKey } from './lib/helpers.mjs';
import { startFakeRoblox } from './lib/fake-roblox.mjs';

let srv, fake, ownerKey, A, RK, RKoff, LK;
const call = (m, p, o = {}) => api(srv, m, p, o);
const IGNORED = { success: false, reason: 'User is GDPR ignored' };
function ok(res) {
  assert.equal(res.status, 200, res.text);
  return res.json.success === true && res.json.data ? res.json.data : res.json;
}
function reason(res, status, text) {
  assert.equal(res.status, status, res.text);
  assert.deepEqual(res.json, { success: false, reason: text });
}
const rk = (key, method, path) => call(method, path, { headers: { 'api-key': key, 'Content-Type': 'application/json' } });
const post = (body) => call('POST', '/staff/history', { headers: { 'loader-id': LK, 'Content-Type': 'application/json' }, body });
const full = (extra = {}) => ({ actioningUser: '1002', userId: 1001, reason: 'Good work', type: 'promotion', approval_required: false, ...extra });
const ignore = (id) => srv.cli(['admin', 'ignore-player', '--roblox-id', String(id)]);
const count = (table) => sql(srv, `SELECT COUNT(*) AS n FROM ${table} WHERE workspace_id = '${A.id}'`)[0].n;
const audits = () => sql(srv, 'SELECT COUNT(*) AS n FROM audit_log')[0].n;

// Runs fn and checks it reached no Roblox endpoint and stored nothing.
async function untouched(fn) {
  const calls = fake.state.calls.length;
  const before = { h: count('staff_history'), m: count('workspace_members'), a: audits() };
  const res = await fn();
  assert.equal(fake.state.calls.length, calls, 'no Roblox call');
  assert.deepEqual({ h: count('staff_history'), m: count('workspace_members'), a: audits() }, before, 'nothing stored');
  return res;
}

before(async () => {
  fake = await startFakeRoblox({ apiKey: 'oc-key', botCookie: 'bot-cookie' });
  fake.addGroup(777, 'Alpha Group', [
    { id: '10', name: 'Guest', rank: 0 }, { id: '100', name: 'Member', rank: 1 }, { id: '200', name: 'Staff', rank: 50 },
    { id: '300', name: 'Senior', rank: 100 }, { id: '400', name: 'Admin', rank: 200 }, { id: '900', name: 'Owner', rank: 255 }]);
  fake.addUser(1001, 'alice', 777, '100');
  fake.addUser(1002, 'bob', 777, '400');
  fake.addUser(1003, 'carol', 777, '100');
  fake.addUser(3001, 'joiner');
  fake.state.groups.get('777').joinRequests.set('3001', '2026-01-01T00:00:00Z');
  srv = await startServer({ args: ['--roblox-api-url', fake.url, '--roblox-legacy-api-url', fake.url] });
  await ownerSession(srv);
  ownerKey = cliKey(srv, 'owner', 'all', ['workspaces:write', 'users:write', 'staff:write']);
  A = ok(await call('POST', '/api/workspaces', { key: ownerKey, body: { name: 'Alpha', robloxGroupId: '777', minSyncRank: 50 } })).workspace;
  ok(await call('PATCH', `/api/workspaces/${A.id}`, { key: ownerKey, body: { robloxOpenCloudKey: 'oc-key', robloxBotCookie: 'bot-cookie' } }));
  for (const [id, rank, name] of [['10', 0, 'Guest'], ['100', 1, 'Member'], ['200', 50, 'Staff'], ['300', 100, 'Senior'], ['400', 200, 'Admin'], ['900', 255, 'Owner']])
    ok(await call('PUT', `/api/workspaces/${A.id}/ranks/${id}`, { key: ownerKey, body: { rank, name } }));
  const mkRk = async (body) => ok(await call('POST', `/api/workspaces/${A.id}/ranking-keys`, { key: ownerKey, body: { name: 'bot', ...body } })).secret;
  RK = await mkRk({ rankingEnabled: true, enableJoinRequestManagement: true, enableExile: true, allowedRanks: ['100', '200', '300'] });
  RKoff = await mkRk({});
  LK = ok(await call('POST', `/api/workspaces/${A.id}/loader-keys`, { key: ownerKey, body: { name: 'game' } })).secret;
});
after(async () => { await srv?.stop(); await fake?.stop(); });

test('operator: ignore-player adds the id once, audited with actor cli; bad input is a usage error', async () => {
  const a0 = audits();
  let r = ignore(1001);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(sql(srv, "SELECT reason FROM ignored_players WHERE roblox_user_id = '1001'"), [{ reason: 'operator' }]);
  const [e] = sql(srv, "SELECT action, actor_type, target_id FROM audit_log WHERE action = 'ignoredPlayer.create'");
  assert.deepEqual(e, { action: 'ignoredPlayer.create', actor_type: 'cli', target_id: '1001' });
  r = ignore(1001); // already in: nothing changes
  assert.equal(r.status, 0, r.stderr);
  assert.equal(audits(), a0 + 1);
  for (const bad of [['admin', 'ignore-player'], ['admin', 'ignore-player', '--roblox-id', 'abc'],
    ['admin', 'ignore-player', '--roblox-id', '0'], ['admin', 'ignore-player', '--username', 'owner']])
    assert.notEqual(srv.cli(bad).status, 0, bad.join(' '));
  assert.equal(sql(srv, 'SELECT COUNT(*) AS n FROM ignored_players')[0].n, 1);
  assert.equal(ignore(3001).status, 0);
});

test('29 #2: set rank answers 200 GDPR ignored after the rank checks, with no Roblox call', async () => {
  await untouched(async () => {
    const res = await rk(RK, 'PUT', '/ranking/users/1001/role/300');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json, IGNORED);
  });
  // Earlier steps of §1.5 still answer first.
  reason(await rk(RK, 'PUT', '/ranking/users/1001/role/12345'), 404, 'Rank not found.');
  reason(await rk(RK, 'PUT', '/ranking/users/1001/role/400'), 401, 'Rank is not allowed to be ranked to for this key.');
  reason(await rk(RKoff, 'PUT', '/ranking/users/1001/role/300'), 401, 'Ranking is not enabled for this key.');
  assert.equal(fake.roleOf(777, 1001), '100');
  // Someone not ignored is still ranked.
  assert.equal(ok(await rk(RK, 'PUT', '/ranking/users/1003/role/300')).message, 'Ranking request completed.');
  assert.equal(fake.roleOf(777, 1003), '300');
});

test('29 #3 #5 #6: exile, decline and accept answer 200 GDPR ignored after the flag check', async () => {
  for (const [method, path] of [['DELETE', '/ranking/users/1001'], ['DELETE', '/ranking/join-requests/3001'], ['PATCH', '/ranking/join-requests/3001']]) {
    await untouched(async () => {
      const res = await rk(RK, method, path);
      assert.equal(res.status, 200, `${method} ${path}: ${res.text}`);
      assert.deepEqual(res.json, IGNORED);
    });
  }
  reason(await rk(RKoff, 'DELETE', '/ranking/users/1001'), 401, 'Exile users is not enabled for this key.');
  reason(await rk(RKoff, 'PATCH', '/ranking/join-requests/3001'), 401, 'Join Request management is not enabled for this key.');
  assert.equal(fake.roleOf(777, 1001), '100');
  assert.ok(fake.state.groups.get('777').joinRequests.has('3001'), 'the request is still pending');
});

test('29 #9: an ignored subject answers 200 GDPR ignored after the rank lookups; nothing stored', async () => {
  for (const body of [full({ role: 100 }), full({ type: 'writeup' }), full({ role: 50, approval_required: true })]) {
    await untouched(async () => {
      const res = await post(body);
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json, IGNORED);
    });
  }
  reason(await post(full({ role: 77 })), 404, 'Rank not found.');
  reason(await post(full({ role: 255 })), 400, 'Rank cannot be assigned.');
  reason(await post(full({ reason: '' })), 400, 'Invalid reason');
  // The actor being ignored does not matter; the subject does.
  assert.equal(ok(await post(full({ userId: 1003, actioningUser: '1001', type: 'writeup' }))).history.userId, 1003);
});

test('erasure: erasing an account linked to a Roblox id adds the id; its routes then answer ignored', async () => {
  const rbx = '1002';
  const u = ok(await call('POST', '/api/users', { key: ownerKey, body: { username: 'linked_q', password: 'linked-password-42', robloxUserId: rbx } })).user;
  assert.equal(sql(srv, `SELECT COUNT(*) AS n FROM ignored_players WHERE roblox_user_id = '${rbx}'`)[0].n, 0);
  assert.equal(ok(await post(full({ userId: 1002, actioningUser: '1003', type: 'writeup' }))).history.userId, 1002);
  ok(await call('DELETE', `/api/users/${u.id}`, { key: ownerKey, body: { reason: 'Leaving' } }));
  assert.equal(sql(srv, `SELECT COUNT(*) AS n FROM ignored_players WHERE roblox_user_id = '${rbx}'`)[0].n, 0, 'soft delete keeps it processable');
  ok(await call('DELETE', '/api/admin/removed-accounts', { key: ownerKey, body: { userId: u.id, confirm: 'linked_q' } }));
  assert.deepEqual(sql(srv, `SELECT reason FROM ignored_players WHERE roblox_user_id = '${rbx}'`), [{ reason: 'erasure' }]);
  await untouched(async () => {
    const res = await rk(RK, 'DELETE', `/ranking/users/${rbx}`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json, IGNORED);
  });
  await untouched(async () => {
    const res = await post(full({ userId: 1002, actioningUser: '1003', type: 'writeup', reason: 'After erasure' }));
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json, IGNORED);
  });
});
