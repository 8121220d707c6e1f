// readmin_ranking.test.mjs: the Ranking Key routes that call Roblox (readmin-compat.md §3.1
// #2-#7; §6 checklist items 15, 19-28, 30-37; 29, ignored players, is in readmin_ignored.test.mjs) against
// the fake Roblox of lib/fake-roblox.mjs. Workspace A is linked (group 777, Open Cloud key and
// bot cookie), B is linked to group 888 with a rank only it has and no bot cookie, C has a
// group but no Open Cloud key.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, ownerSession, sql } from './lib/harness.mjs';
import { cliKey } from './lib/helpers.mjs';
import { startFakeRoblox } from './lib/fake-roblox.mjs';

let srv, fake, ownerKey, A, B, C;
const K = {};
const call = (m, p, o = {}) => api(srv, m, p, o);
function ok(res) {
  assert.equal(res.status, 200, res.text);
  return res.json.success === true && res.json.data ? res.json.data : res.json;
}
function reason(res, status, text) {
  assert.equal(res.status, status, res.text);
  assert.deepEqual(res.json, { success: false, reason: text });
}
const rk = (key, method, path) => call(method, path, { headers: { 'api-key': key, 'Content-Type': 'application/json' } });
const setRole = (key, user, rank) => rk(key, 'PUT', `/ranking/users/${user}/role/${rank}`);
const member = async (ws, user) => call('GET', `/api/workspaces/${ws.id}/members/${user}`, { key: ownerKey });

async function rankingKey(ws, body) {
  const r = ok(await call('POST', `/api/workspaces/${ws.id}/ranking-keys`, { key: ownerKey, body: { name: 'bot', ...body } }));
  return r.secret;
}

before(async () => {
  fake = await startFakeRoblox({ apiKey: 'oc-key', botCookie: 'bot-cookie' });
  fake.addGroup(777, 'Alpha Group', [
    { id: '10', name: 'Guest', rank: 0 }, { id: '100', name: 'Member', rank: 1 }, { id: '200', name: 'Staff', rank: 50 },
    { id: '300', name: 'Senior', rank: 100 }, { id: '400', name: 'Admin', rank: 200 }, { id: '900', name: 'Owner', rank: 255 }]);
  fake.addGroup(888, 'Bravo Group', [{ id: '555', name: 'B only', rank: 60 }]);
  fake.addUser(1001, 'alice', 777, '100');
  fake.addUser(1002, 'bob', 777, '400');
  fake.addUser(1003, 'carol');
  fake.addUser(1004, 'dave', 777, '100');
  fake.addUser(1005, 'erin', 777, '100');
  fake.addUser(1006, 'frank', 777, '200');
  fake.addUser(1007, 'gina', 777, '100');
  for (let i = 0; i < 25; i++) {
    fake.addUser(2001 + i, `joiner${i}`);
    fake.state.groups.get('777').joinRequests.set(String(2001 + i), `2026-01-01T00:00:${String(i).padStart(2, '0')}Z`);
  }
  srv = await startServer({ args: ['--roblox-api-url', fake.url, '--roblox-legacy-api-url', fake.url] });
  await ownerSession(srv);
  ownerKey = cliKey(srv, 'owner', 'all', ['workspaces:write']);
  const mk = async (name, group, settings) => {
    const ws = ok(await call('POST', '/api/workspaces', { key: ownerKey, body: { name, robloxGroupId: group, minSyncRank: 50 } })).workspace;
    ok(await call('PATCH', `/api/workspaces/${ws.id}`, { key: ownerKey, body: settings }));
    return ws;
  };
  A = await mk('Alpha', '777', { robloxOpenCloudKey: 'oc-key', robloxBotCookie: 'bot-cookie' });
  B = await mk('Bravo', '888', { robloxOpenCloudKey: 'oc-key' });
  C = await mk('Charlie', '999', { robloxBotCookie: 'bot-cookie' });
  for (const [id, rank, name] of [['10', 0, 'Guest'], ['100', 1, 'Member'], ['200', 50, 'Staff'], ['300', 100, 'Senior'], ['400', 200, 'Admin'], ['900', 255, 'Owner']])
    ok(await call('PUT', `/api/workspaces/${A.id}/ranks/${id}`, { key: ownerKey, body: { rank, name } }));
  ok(await call('PUT', `/api/workspaces/${B.id}/ranks/555`, { key: ownerKey, body: { rank: 60, name: 'B only' } }));
  ok(await call('PUT', `/api/workspaces/${C.id}/ranks/300`, { key: ownerKey, body: { rank: 100, name: 'Senior' } }));
  const all = { rankingEnabled: true, enableJoinRequestManagement: true, enableExile: true, enableShouting: true, allowedRanks: ['100', '200', '300'] };
  K.A = await rankingKey(A, all);
  K.B = await rankingKey(B, all);
  K.noRanks = await rankingKey(A, { enableExile: true });
  K.none = await rankingKey(A, {});
  K.C = await rankingKey(C, all);
  K.rate = await rankingKey(A, {});
});
after(async () => { await srv?.stop(); await fake?.stop(); });

test('19: rank by role id changes the role on Roblox and updates the member record', async () => {
  const before = fake.state.calls.length;
  const res = await setRole(K.A, 1001, 300);
  assert.deepEqual(ok(res), { success: true, message: 'Ranking request completed.' });
  assert.equal(fake.roleOf(777, 1001), '300');
  const patch = fake.state.calls.slice(before).find((c) => c.method === 'PATCH');
  assert.equal(patch.path, '/cloud/v2/groups/777/memberships/m1001');
  assert.deepEqual(JSON.parse(patch.body), { role: 'groups/777/roles/300' });
  assert.equal(patch.apiKey, 'oc-key');
  const filter = fake.state.calls.slice(before).find((c) => c.path.endsWith('/memberships') && c.method === 'GET');
  assert.equal(filter.query.filter, "user == 'users/1001'");
  const m = ok(await member(A, 1001)).member;
  assert.equal(m.robloxRoleId, '300');
  assert.equal(m.rank, 100);
  assert.equal(m.username, 'alice');
  const audit = sql(srv, "SELECT action, game_key_id FROM audit_log WHERE target_id = '1001' ORDER BY at");
  assert.equal(audit.at(-1).action, 'workspace.member.create');
  assert.ok(audit.at(-1).game_key_id);
});

test('20, 30: rank by rank number picks the same role; a repeated change answers 200 again', async () => {
  ok(await setRole(K.A, 1001, 50));
  assert.equal(fake.roleOf(777, 1001), '200');
  const before = fake.state.calls.length;
  assert.deepEqual(ok(await setRole(K.A, 1001, 200)), { success: true, message: 'Ranking request completed.' });
  assert.equal(fake.state.calls.slice(before).filter((c) => c.method === 'PATCH').length, 0);
  assert.equal(ok(await member(A, 1001)).member.robloxRoleId, '200');
});

test('21-26, 37: errors in the order of §3.1 #2', async () => {
  reason(await setRole(K.A, 'abc', 300), 400, 'Invalid userId');
  reason(await setRole(K.A, '0123', 300), 400, 'Invalid userId');
  reason(await setRole(K.A, 1001, 'x1'), 400, 'Invalid rankId');
  reason(await setRole(K.none, 1001, 300), 401, 'Ranking is not enabled for this key.');
  reason(await setRole(K.A, 1001, 12345), 404, 'Rank not found.');
  reason(await setRole(K.A, 1001, 77), 404, 'Rank not found.');
  reason(await setRole(K.A, 1001, 555), 404, 'Rank not found.'); // 37: B's role
  reason(await setRole(K.A, 1001, 10), 400, 'Rank cannot be assigned.');
  reason(await setRole(K.A, 1001, 0), 400, 'Rank cannot be assigned.');
  reason(await setRole(K.A, 1001, 900), 400, 'Rank cannot be assigned.');
  reason(await setRole(K.A, 1001, 400), 401, 'Rank is not allowed to be ranked to for this key.');
  reason(await setRole(K.A, 9999, 300), 400, 'User not found.');
  reason(await setRole(K.A, 1003, 300), 400, 'User is not in the group.');
  reason(await setRole(K.A, 1002, 300), 401, "User's current rank is not manageable by this key.");
  assert.equal(fake.roleOf(777, 1002), '400');
  assert.equal((await member(A, 1002)).status, 404);
});

test('27: no Open Cloud key answers Roblox bot not linked without a call', async () => {
  const before = fake.state.calls.length;
  reason(await setRole(K.C, 1001, 300), 400, 'Roblox bot not linked.');
  reason(await rk(K.C, 'GET', '/ranking/join-requests'), 400, 'Roblox bot not linked.');
  assert.equal(fake.state.calls.length, before);
});

test('28: Roblox 503, 429, network failure, oversized answer: 503 + Retry-After; 401 logged out; nothing stored', async () => {
  for (const [status, code, text] of [[503, 503, 'Roblox API unavailable'], [429, 503, 'Roblox API unavailable'],
    [401, 400, 'Bot is logged out, action has been marked as failed.'], [400, 400, 'Roblox rejected the request.']]) {
    fake.state.failWith = status;
    try {
      const res = await setRole(K.A, 1004, 300);
      reason(res, code, text);
      if (code === 503) assert.equal(res.headers.get('retry-after'), '5');
      reason(await rk(K.A, 'GET', '/ranking/join-requests'), code, text);
    } finally { fake.state.failWith = null; }
  }
  for (const sw of ['drop', 'huge']) {
    fake.state[sw] = true;
    try {
      const res = await setRole(K.A, 1004, 300);
      reason(res, 503, 'Roblox API unavailable');
      assert.equal(res.headers.get('retry-after'), '5');
    } finally { fake.state[sw] = false; }
  }
  assert.equal(fake.roleOf(777, 1004), '100');
  assert.equal((await member(A, 1004)).status, 404);
});

test('31: exile: flag off 401; on 200 User has been exiled. and the record removed; repeat 200', async () => {
  ok(await call('PUT', `/api/workspaces/${A.id}/members/1005`, { key: ownerKey, body: { username: 'erin', robloxRoleId: '100' } }));
  reason(await rk(K.none, 'DELETE', '/ranking/users/1005'), 401, 'Exile users is not enabled for this key.');
  reason(await rk(K.A, 'DELETE', '/ranking/users/abc'), 400, 'Invalid userId');
  reason(await rk(K.A, 'DELETE', '/ranking/users/9999'), 400, 'User not found.');
  reason(await rk(K.A, 'DELETE', '/ranking/users/1002'), 401, "User's current rank is not manageable by this key.");
  reason(await rk(K.B, 'DELETE', '/ranking/users/1005'), 400, 'Roblox bot not linked.');
  const before = fake.state.calls.length;
  for (let i = 0; i < 2; i++)
    assert.deepEqual(ok(await rk(K.A, 'DELETE', '/ranking/users/1005')), { success: true, message: 'User has been exiled.' });
  const legacy = fake.state.calls.slice(before).filter((c) => c.path.startsWith('/v1/'));
  // One exile, done with the CSRF handshake; the repeat finds no membership and calls nothing.
  assert.deepEqual(legacy.map((c) => [c.method, c.path, c.csrf ?? null]), [
    ['DELETE', '/v1/groups/777/users/1005', null], ['DELETE', '/v1/groups/777/users/1005', 'fake-csrf-token']]);
  assert.equal(legacy[0].cookie, '.ROBLOSECURITY=bot-cookie');
  assert.equal(fake.roleOf(777, 1005), undefined);
  assert.equal((await member(A, 1005)).status, 404);
  const audit = sql(srv, "SELECT action FROM audit_log WHERE target_id = '1005' ORDER BY at");
  assert.equal(audit.at(-1).action, 'workspace.member.delete');
});

test('32: a key without allowed ranks exiles non-staff only', async () => {
  reason(await rk(K.noRanks, 'DELETE', '/ranking/users/1006'), 401, "User's current rank is not manageable by this key.");
  assert.equal(fake.roleOf(777, 1006), '200');
  ok(await rk(K.noRanks, 'DELETE', '/ranking/users/1007'));
  assert.equal(fake.roleOf(777, 1007), undefined);
});

test('36: shout: flag off 401; Missing message; too long; "" clears; cookie refused', async () => {
  const shout = (key, body) => call('PATCH', '/ranking/shout', { headers: { 'api-key': key }, body });
  reason(await shout(K.none, { message: 'hi' }), 401, 'Shout management is not enabled for this key.');
  reason(await shout(K.A, {}), 400, 'Missing message');
  reason(await shout(K.A, { message: 5 }), 400, 'Missing message');
  reason(await shout(K.A, { message: 'x'.repeat(256) }), 400, 'Message too long');
  reason(await shout(K.B, { message: 'hi' }), 400, 'Roblox bot not linked.');
  assert.deepEqual(ok(await shout(K.A, { message: 'é'.repeat(255) })), { success: true, message: 'Shout has been posted' });
  assert.equal(fake.state.groups.get('777').shout, 'é'.repeat(255));
  ok(await shout(K.A, { message: '' }));
  assert.equal(fake.state.groups.get('777').shout, '');
  const audit = sql(srv, "SELECT action, after_json FROM audit_log WHERE action = 'workspace.shout.post' ORDER BY at");
  assert.equal(audit.length, 2);
  assert.deepEqual(JSON.parse(audit[1].after_json), { message: '' });
  fake.state.botCookie = 'another';
  try { reason(await shout(K.A, { message: 'x' }), 400, 'Bot is logged out, action has been marked as failed.'); } finally { fake.state.botCookie = 'bot-cookie'; }
  fake.state.csrfBroken = true;
  try { reason(await shout(K.A, { message: 'x' }), 400, 'Bot is logged out, action has been marked as failed.'); } finally { fake.state.csrfBroken = false; }
  assert.equal(fake.state.groups.get('777').shout, '');
});

test('33: join requests: flag off 401; list unwrapped; cursor forwarded as the page token', async () => {
  reason(await rk(K.none, 'GET', '/ranking/join-requests'), 401, 'Join Request management is not enabled for this key.');
  const first = await rk(K.A, 'GET', '/ranking/join-requests');
  assert.equal(first.status, 200, first.text);
  assert.deepEqual(Object.keys(first.json).sort(), ['groupJoinRequests', 'nextPageToken']);
  assert.equal(first.json.groupJoinRequests.length, 20);
  assert.deepEqual(first.json.groupJoinRequests[0], { path: 'groups/777/join-requests/2001', createTime: '2026-01-01T00:00:00Z', user: 'users/2001' });
  assert.equal(first.json.nextPageToken, '20');
  const last = fake.state.calls.at(-1);
  assert.equal(last.query.maxPageSize, '100');
  const second = await rk(K.A, 'GET', `/ranking/join-requests?cursor=${first.json.nextPageToken}`);
  assert.equal(second.status, 200, second.text);
  assert.equal(fake.state.calls.at(-1).query.pageToken, '20');
  assert.equal(second.json.groupJoinRequests.length, 5);
  assert.equal(second.json.nextPageToken, '');
  reason(await rk(K.A, 'GET', `/ranking/join-requests?cursor=${'a'.repeat(513)}`), 400, 'Invalid cursor');
});

test('34: decline answers 200, and 200 again when nothing is pending', async () => {
  reason(await rk(K.none, 'DELETE', '/ranking/join-requests/2001'), 401, 'Join Request management is not enabled for this key.');
  reason(await rk(K.A, 'DELETE', '/ranking/join-requests/abc'), 400, 'Invalid userId');
  reason(await rk(K.A, 'DELETE', '/ranking/join-requests/9999'), 400, 'User not found.');
  for (let i = 0; i < 2; i++)
    assert.deepEqual(ok(await rk(K.A, 'DELETE', '/ranking/join-requests/2001')), { success: true, message: 'Users join request was declined' });
  assert.equal(fake.state.groups.get('777').joinRequests.has('2001'), false);
  assert.equal(fake.roleOf(777, 2001), undefined);
  const audit = sql(srv, "SELECT action FROM audit_log WHERE target_id = '2001'");
  assert.deepEqual(audit.map((a) => a.action), ['workspace.join_request.decline']);
});

test('35: accept answers 200 (again for a member); unknown user 404; no request 404', async () => {
  for (let i = 0; i < 2; i++)
    assert.deepEqual(ok(await rk(K.A, 'PATCH', '/ranking/join-requests/2002')), { success: true, message: 'User was accepted into the group.' });
  assert.equal(fake.roleOf(777, 2002), '100');
  reason(await rk(K.A, 'PATCH', '/ranking/join-requests/9999'), 404, 'User not found.');
  reason(await rk(K.A, 'PATCH', '/ranking/join-requests/1003'), 404, 'Join request not found.');
  const audit = sql(srv, "SELECT action FROM audit_log WHERE target_id = '2002'");
  assert.deepEqual(audit.map((a) => a.action), ['workspace.join_request.accept']);
});

test('15: a ranking key past 120 a minute gets 429 Too many requests with Retry-After 1-30', async () => {
  // Rounds of 10 until 15 refusals: the bucket refills 2 a second while a slow run goes on.
  const results = [];
  for (let i = 0; results.filter((r) => r.status === 429).length < 15 && i < 100; i++)
    results.push(...await Promise.all(Array.from({ length: 10 }, () => rk(K.rate, 'GET', '/ranking'))));
  const limited = results.filter((r) => r.status === 429);
  assert.ok(limited.length >= 15, `429s: ${limited.length}`);
  assert.ok(results.filter((r) => r.status === 200).length >= 120);
  reason(limited[0], 429, 'Too many requests');
  const ra = Number(limited[0].headers.get('retry-after'));
  assert.ok(Number.isInteger(ra) && ra >= 1 && ra <= 30, String(ra));
  // Another key's bucket is its own.
  assert.equal((await rk(K.A, 'GET', '/ranking')).status, 200);
});

test('the Open Cloud key and the bot cookie never reach the log', async () => {
  const logs = srv.readLogs();
  assert.ok(logs.includes('roblox.failed') || logs.includes('client.failed'), 'Roblox failures are logged');
  assert.equal(logs.includes('oc-key'), false);
  assert.equal(logs.includes('bot-cookie'), false);
});
