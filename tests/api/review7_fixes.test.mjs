// review7_fixes.test.mjs: review findings of Roster issue 7 on ranking, staff history and
// workspaces (readmin-compat.md §1.7, §1.8, §2 W, §3.1, §3.2; platform.md §6, §6.1-§6.4;
// SECURITY.md §5), each written to fail before its fix: every Roblox write audited (exile of a
// user with no local record, a role change over a stale record), approve resolving rankTo
// before Roblox, robloxGroupName dropped with its group, ids from Roblox answers checked
// (hostile role id / membership path), the membership lookup's 404 not answered "User not
// found.", `expiresInDays: null`, key lists readable with view_workspace, and checklist 52
// (three sessions summed in ms before rounding) through the tracker routes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, ownerSession, sql, expectError } from './lib/harness.mjs';
import { cliKey, firstLogin } from './lib/helpers.mjs';
import { startFakeRoblox } from './lib/fake-roblox.mjs';
import { setup as trackerSetup, ok as tok, SENIOR } from './lib/tracker.mjs';

let srv, fake, ownerKey, A, W, K, L;
const call = (m, p, o = {}) => api(srv, m, p, o);
function ok(res) {
  assert.equal(res.status, 200, res.text);
  return res.json.success === true && res.json.data ? res.json.data : res.json;
}
function reason(res, status, text) {
  assert.equal(res.status, status, res.text);
  assert.deepEqual(res.json, { success: false, reason: text });
}
const rk = (method, path) => call(method, path, { headers: { 'api-key': K, 'Content-Type': 'application/json' } });
const mgmt = (ws, method, rest, opts = {}) => call(method, `/api/workspaces/${ws.id}${rest}`, { key: ownerKey, ...opts });
const audits = (ws, target) => sql(srv, `SELECT action, before_json, after_json FROM audit_log WHERE workspace_id = '${ws.id}'`
  + ` AND target_id = '${target}' ORDER BY at, rowid`);
const memberRow = (ws, id) => sql(srv, `SELECT roblox_role_id, rank FROM workspace_members WHERE workspace_id = '${ws.id}' AND roblox_user_id = '${id}'`);
const patches = () => fake.state.calls.filter((c) => c.method === 'PATCH').length;

before(async () => {
  fake = await startFakeRoblox({ apiKey: 'oc-key', botCookie: 'bot-cookie' });
  fake.addGroup(777, 'Alpha Group', [
    { id: '10', name: 'Guest', rank: 0 }, { id: '100', name: 'Member', rank: 1 }, { id: '200', name: 'Staff', rank: 50 },
    { id: '250', name: 'Temp', rank: 120 }, { id: '260', name: 'Temp2', rank: 130 },
    { id: '300', name: 'Senior', rank: 100 }, { id: '400', name: 'Admin', rank: 200 }, { id: '900', name: 'Owner', rank: 255 }]);
  fake.addGroup(4444, 'Delta Group', [{ id: '41', name: 'Member', rank: 1 }, { id: '42', name: 'Staff', rank: 60 }]);
  fake.addGroup(4445, 'Echo Group', [{ id: '51', name: 'Member', rank: 1 }]);
  fake.addUser(1002, 'bob', 777, '400');
  fake.addUser(1003, 'carol');
  for (const id of [1010, 1011, 1012, 1013, 1014, 1015, 1016, 1017, 1018]) fake.addUser(id, `user${id}`, 777, '100');
  srv = await startServer({ args: ['--roblox-api-url', fake.url, '--roblox-legacy-api-url', fake.url] });
  await ownerSession(srv);
  ownerKey = cliKey(srv, 'owner', 'all', ['workspaces:write', 'users:write', 'staff:write']);
  const mk = async (name, group, settings) => {
    const ws = ok(await call('POST', '/api/workspaces', { key: ownerKey, body: { name, robloxGroupId: group, minSyncRank: 50 } })).workspace;
    ok(await mgmt(ws, 'PATCH', '', { body: settings }));
    return ws;
  };
  A = await mk('Alpha', '777', { robloxOpenCloudKey: 'oc-key', robloxBotCookie: 'bot-cookie' });
  W = await mk('Whiskey', '4444', { robloxOpenCloudKey: 'oc-key' });
  for (const [id, rank, name] of [['10', 0, 'Guest'], ['100', 1, 'Member'], ['200', 50, 'Staff'], ['250', 120, 'Temp'],
    ['260', 130, 'Temp2'], ['300', 100, 'Senior'], ['400', 200, 'Admin'], ['900', 255, 'Owner']])
    ok(await mgmt(A, 'PUT', `/ranks/${id}`, { body: { rank, name } }));
  K = ok(await mgmt(A, 'POST', '/ranking-keys', { body: { name: 'bot', rankingEnabled: true, enableExile: true,
    allowedRanks: ['100', '200', '300'] } })).secret;
  L = ok(await mgmt(W, 'POST', '/loader-keys', { body: { name: 'game' } })).secret;
});
after(async () => { await srv?.stop(); await fake?.stop(); });

// --- 1: every successful Roblox write is audited ---------------------------------------------

test('21: ranking-key exile of a member with no local record -> exiled on Roblox and audited workspace.member.delete', async () => {
  assert.deepEqual(memberRow(A, '1010'), []);
  const res = await rk('DELETE', '/ranking/users/1010');
  assert.deepEqual(ok(res), { success: true, message: 'User has been exiled.' });
  assert.equal(fake.roleOf(777, 1010), undefined, 'removed on Roblox');
  const a = audits(A, '1010');
  assert.equal(a.length, 1);
  assert.equal(a[0].action, 'workspace.member.delete');
  assert.equal(a[0].before_json, null);
  // An existing user who is not in the group: same 200, no Roblox write, nothing audited.
  const n = fake.state.calls.filter((c) => c.method === 'DELETE').length;
  assert.deepEqual(ok(await rk('DELETE', '/ranking/users/1003')), { success: true, message: 'User has been exiled.' });
  assert.equal(fake.state.calls.filter((c) => c.method === 'DELETE').length, n);
  assert.deepEqual(audits(A, '1003'), []);
});

test('19: a role change over a stale local record that already read the new role is still audited', async () => {
  // Local records say role 300 while Roblox holds 100; the profile matches, so member_put writes nothing.
  const ids = ['1011', '1012', '1013', '1018'];
  for (const id of ids)
    ok(await mgmt(A, 'PUT', `/members/${id}`, { body: { username: `user${id}`, displayName: `user${id}`, robloxRoleId: '300' } }));
  const before = (id) => audits(A, id).length;
  const b = Object.fromEntries(ids.map((id) => [id, before(id)]));
  // Ranking key (#2).
  assert.deepEqual(ok(await rk('PUT', '/ranking/users/1011/role/300')), { success: true, message: 'Ranking request completed.' });
  // Management rank change (§6.2).
  ok(await mgmt(A, 'PUT', '/members/1012/rank', { body: { robloxRoleId: '300' } }));
  // Management staff history, not pending (§6.4).
  ok(await mgmt(A, 'POST', '/staff-history', { body: { type: 'promotion', robloxUserId: '1013', actorRobloxUserId: '1002',
    reason: 'r', approvalRequired: false, rankTo: 100 } }));
  // ReAdmin staff history #9, not pending.
  const loaderA = ok(await mgmt(A, 'POST', '/loader-keys', { body: { name: 'game' } })).secret;
  ok(await call('POST', '/staff/history', { headers: { 'loader-id': loaderA, 'Content-Type': 'application/json' },
    body: { actioningUser: '1002', userId: 1018, reason: 'r', type: 'promotion', approval_required: false, role: 100 } }));
  for (const id of ids) {
    assert.equal(fake.roleOf(777, id), '300', `${id} changed on Roblox`);
    const a = audits(A, id).slice(b[id]).filter((x) => x.action.startsWith('workspace.member.'));
    assert.equal(a.length, 1, `${id}: one member audit entry`);
    assert.equal(a[0].action, 'workspace.member.update');
    assert.deepEqual(JSON.parse(a[0].after_json).robloxRoleId, '300');
    assert.deepEqual(memberRow(A, id), [{ roblox_role_id: '300', rank: 100 }]);
  }
  // No Roblox write (already held): nothing audited.
  const n = audits(A, '1011').length;
  ok(await rk('PUT', '/ranking/users/1011/role/300'));
  assert.equal(audits(A, '1011').length, n);
});

// --- 2: approve resolves rankTo before Roblox ---------------------------------------------------

test('§6.4 approve: rankTo whose rank was deleted -> 409 invalid_transition before any Roblox call; entry stays pending', async () => {
  const e = ok(await mgmt(A, 'POST', '/staff-history', { body: { type: 'promotion', robloxUserId: '1014', actorRobloxUserId: '1002',
    reason: 'r', approvalRequired: true, rankTo: 120 } })).entry;
  assert.equal(e.rankTo, '250');
  ok(await mgmt(A, 'DELETE', '/ranks/250'));
  const calls = fake.state.calls.length;
  const res = await mgmt(A, 'POST', `/staff-history/${e.id}/approve`, { body: {} });
  expectError(res, 409, 'invalid_transition');
  assert.deepEqual(res.json.error.details, { from: 'pending', action: 'approve' });
  assert.equal(fake.state.calls.length, calls, 'no Roblox call');
  assert.equal(fake.roleOf(777, 1014), '100');
  assert.deepEqual(sql(srv, `SELECT pending_approval AS pending, approved_by FROM staff_history WHERE id = '${e.id}'`), [{ pending: 1, approved_by: null }]);
  assert.deepEqual(memberRow(A, '1014'), []);
});

test('§6.2/§6.4 approve: rankTo whose rank is now 255 -> 400 invalid_field before any Roblox call', async () => {
  const e = ok(await mgmt(A, 'POST', '/staff-history', { body: { type: 'promotion', robloxUserId: '1015', actorRobloxUserId: '1002',
    reason: 'r', approvalRequired: true, rankTo: 130 } })).entry;
  assert.equal(e.rankTo, '260');
  ok(await mgmt(A, 'PUT', '/ranks/260', { body: { rank: 255, name: 'Temp2' } }));
  const calls = fake.state.calls.length;
  const res = await mgmt(A, 'POST', `/staff-history/${e.id}/approve`, { body: {} });
  expectError(res, 400, 'invalid_field');
  assert.equal(res.json.error.details.field, 'rankTo');
  assert.equal(fake.state.calls.length, calls, 'no Roblox call');
  assert.deepEqual(sql(srv, `SELECT pending_approval AS pending FROM staff_history WHERE id = '${e.id}'`), [{ pending: 1 }]);
  // Back to an assignable rank: the approval goes through, re-ranks and stores the member.
  ok(await mgmt(A, 'PUT', '/ranks/260', { body: { rank: 130, name: 'Temp2' } }));
  const done = ok(await mgmt(A, 'POST', `/staff-history/${e.id}/approve`, { body: {} })).entry;
  assert.equal(done.pendingApproval, false);
  assert.equal(fake.roleOf(777, 1015), '260');
  assert.deepEqual(memberRow(A, '1015'), [{ roblox_role_id: '260', rank: 130 }]);
});

// --- 6: expiresInDays null ----------------------------------------------------------------------

test('§6.4: expiresInDays null is no expiry (the field is nullable)', async () => {
  const e = ok(await mgmt(A, 'POST', '/staff-history', { body: { type: 'writeup', robloxUserId: '1016', actorRobloxUserId: '1002',
    reason: 'r', approvalRequired: false, expiresInDays: null } })).entry;
  assert.equal(e.expiresAt, null);
  assert.deepEqual(sql(srv, `SELECT expires_at FROM staff_history WHERE id = '${e.id}'`), [{ expires_at: null }]);
  const bad = await mgmt(A, 'POST', '/staff-history', { body: { type: 'writeup', robloxUserId: '1016', actorRobloxUserId: '1002',
    reason: 'r', approvalRequired: false, expiresInDays: 0 } });
  expectError(bad, 400, 'invalid_field');
});

// --- 5: the membership lookup's 404 is not "User not found." -----------------------------------

test('19/21: a 404 from the membership lookup answers "Roblox rejected the request.", not "User not found."', async () => {
  fake.state.failOn = [{ method: 'GET', re: /\/memberships$/, status: 404 }];
  try {
    reason(await rk('PUT', '/ranking/users/1017/role/200'), 400, 'Roblox rejected the request.');
    reason(await rk('DELETE', '/ranking/users/1017'), 400, 'Roblox rejected the request.');
  } finally {
    fake.state.failOn = [];
  }
  assert.equal(fake.roleOf(777, 1017), '100');
  // users/{id} 404 keeps its text.
  reason(await rk('PUT', '/ranking/users/1999/role/200'), 400, 'User not found.');
});

// --- 4: ids from Roblox answers -----------------------------------------------------------------

test('SECURITY §5: a hostile membership path is refused -> 503, no PATCH sent, nothing stored', async () => {
  for (const path of ['groups/777/memberships/../../../users/1', 'groups/1/memberships/m1017', 'groups/777/memberships/m1?x=1',
    'groups/7770/memberships/m1017', 'groups/777/memberships/']) {
    fake.state.hostilePath = path;
    const n = patches();
    try {
      const res = await rk('PUT', '/ranking/users/1017/role/200');
      reason(res, 503, 'Roblox API unavailable');
      assert.equal(res.headers.get('retry-after'), '5');
      const m = await mgmt(A, 'PUT', '/members/1017/rank', { body: { robloxRoleId: '200' } });
      expectError(m, 503, 'upstream_unavailable');
    } finally {
      fake.state.hostilePath = null;
    }
    assert.equal(patches(), n, `no PATCH for ${path}`);
  }
  // A hostile role id in the membership: refused the same way.
  for (const role of ['groups/777/roles/1x', 'groups/777/roles/', 'groups/777/roles/0']) {
    fake.state.hostileMemberRole = role;
    const n = patches();
    try {
      reason(await rk('PUT', '/ranking/users/1017/role/200'), 503, 'Roblox API unavailable');
    } finally {
      fake.state.hostileMemberRole = null;
    }
    assert.equal(patches(), n, `no PATCH for ${role}`);
  }
  assert.equal(fake.roleOf(777, 1017), '100');
  assert.deepEqual(memberRow(A, '1017'), []);
  // The PATCH body is the JSON writer's: exactly one role member.
  const n = fake.state.calls.length;
  ok(await rk('PUT', '/ranking/users/1017/role/200'));
  const patch = fake.state.calls.slice(n).find((c) => c.method === 'PATCH');
  assert.equal(patch.path, '/cloud/v2/groups/777/memberships/m1017');
  assert.equal(patch.body, '{"role":"groups/777/roles/200"}');
});

test('SECURITY §5: a hostile role id in the roles list -> rank sync 503 upstream_unavailable, nothing stored', async () => {
  const ranks = () => sql(srv, `SELECT roblox_role_id, rank, name FROM workspace_ranks WHERE workspace_id = '${W.id}' ORDER BY roblox_role_id`);
  const synced = ok(await mgmt(W, 'POST', '/ranks/sync'));
  assert.deepEqual(synced.ranks.map((r) => r.robloxRoleId), ['42', '41']);
  const stored = ranks();
  for (const bad of ['1/../../x', '12a', '0', '-5', 'x"}', '']) {
    fake.state.hostileRoleId = bad;
    try {
      expectError(await mgmt(W, 'POST', '/ranks/sync'), 503, 'upstream_unavailable');
    } finally {
      fake.state.hostileRoleId = null;
    }
    assert.deepEqual(ranks(), stored, `nothing stored for ${JSON.stringify(bad)}`);
  }
});

// --- 3: robloxGroupName follows its group -------------------------------------------------------

test('§6.1/§2 W: changing or clearing robloxGroupId drops the old group\'s robloxGroupName', async () => {
  ok(await mgmt(W, 'POST', '/ranks/sync'));
  const get = async () => ok(await mgmt(W, 'GET', '')).workspace;
  assert.equal((await get()).robloxGroupName, 'Delta Group');
  const wGroupName = async () => ok(await call('GET', '/activity/workspace', { headers: { 'loader-id': L } })).workspace.groupName;
  assert.equal(await wGroupName(), 'Delta Group');
  // The same id again keeps the name.
  assert.equal(ok(await mgmt(W, 'PATCH', '', { body: { robloxGroupId: '4444' } })).workspace.robloxGroupName, 'Delta Group');
  const changed = ok(await mgmt(W, 'PATCH', '', { body: { robloxGroupId: '4445' } })).workspace;
  assert.equal(changed.robloxGroupId, '4445');
  assert.equal(changed.robloxGroupName, null);
  assert.equal((await get()).robloxGroupName, null);
  assert.equal(await wGroupName(), 'Whiskey', 'W.groupName falls back to the workspace name');
  ok(await mgmt(W, 'POST', '/ranks/sync'));
  assert.equal((await get()).robloxGroupName, 'Echo Group');
  const cleared = ok(await mgmt(W, 'PATCH', '', { body: { robloxGroupId: null } })).workspace;
  assert.equal(cleared.robloxGroupId, null);
  assert.equal(cleared.robloxGroupName, null);
  assert.deepEqual(sql(srv, `SELECT roblox_group_name FROM communities WHERE id = '${W.id}'`), [{ roblox_group_name: null }]);
});

// --- 7: key lists are reads ----------------------------------------------------------------------

test('§6/§6.3: a view_workspace-only user lists ranking and loader keys (no secrets); writes stay manage_workspace_keys', async () => {
  const role = ok(await call('POST', '/api/admin/roles', { key: ownerKey, body: { name: 'Viewer', level: 40 } })).role;
  ok(await call('PUT', '/api/admin/permissions', { key: ownerKey, body: { roleId: role.id, permissions: ['view_workspace'] } }));
  const u = ok(await call('POST', '/api/users', { key: ownerKey, body: { username: 'viewer', password: 'fixture-pass-123', roleId: role.id } })).user;
  await firstLogin(srv, 'viewer', 'fixture-pass-123', 'fixture-pass-456');
  const owner = sql(srv, "SELECT id FROM users WHERE username = 'owner'")[0].id;
  ok(await call('PUT', '/api/admin/communities', { key: ownerKey, body: { id: A.id, name: 'Alpha', allowedUserIds: [owner, u.id] } }));
  const read = cliKey(srv, 'viewer', 'v-read', ['workspaces:read']);
  const write = cliKey(srv, 'viewer', 'v-write', ['workspaces:write']);
  const noScope = cliKey(srv, 'viewer', 'v-none', ['staff:read']);
  const rks = ok(await call('GET', `/api/workspaces/${A.id}/ranking-keys`, { key: read }));
  assert.ok(rks.total >= 1);
  assert.ok(rks.rankingKeys.every((k) => !('secret' in k) && !('secretHash' in k)));
  assert.ok(!JSON.stringify(rks).includes(K));
  const lks = ok(await call('GET', `/api/workspaces/${A.id}/loader-keys`, { key: read }));
  assert.ok(Array.isArray(lks.loaderKeys));
  expectError(await call('GET', `/api/workspaces/${A.id}/ranking-keys`, { key: noScope }), 403, 'scope_missing');
  const w = await call('POST', `/api/workspaces/${A.id}/ranking-keys`, { key: write, body: { name: 'nope' } });
  expectError(w, 403, 'forbidden');
  assert.equal(w.json.error.details.permission, 'manage_workspace_keys');
  // Another workspace stays invisible to the viewer.
  expectError(await call('GET', `/api/workspaces/${W.id}/ranking-keys`, { key: read }), 404, 'community_not_found');
});

// --- 8: checklist 52 through the tracker --------------------------------------------------------

test('52: three sessions of 30.2 s, 30.2 s, 30.1 s (90 500 ms) -> #12 minutes 1.51, summed in ms before rounding', async () => {
  const t = await trackerSetup();
  try {
    const a = await t.createServer(t.L.A, 'm-52');
    for (const ms of [30200, 30200, 30100]) {
      const base = t.now();
      tok(await t.join(t.L.A, a.runningGameId, SENIOR, { datetime: base }));
      t.clk.advance(ms + 1000);
      tok(await t.leave(t.L.A, a.runningGameId, SENIOR, { leftTime: (base + ms) / 1000 }));
    }
    const sessions = t.sql(`SELECT active_ms FROM play_sessions WHERE workspace_id = '${t.A.id}' AND roblox_user_id = '${SENIOR}' ORDER BY started_at`);
    assert.equal(sessions.length, 3);
    const sum = sessions.reduce((s, x) => s + x.active_ms, 0);
    assert.ok(sum >= 90300 && sum <= 90500, `summed ${sum} ms`);
    // Rounded per session this would be 0.50 + 0.50 + 0.50 = 1.50.
    const res = tok(await t.call('GET', `/activity/workspace/users/${SENIOR}/minutes`, { headers: { 'loader-id': t.L.A } }));
    assert.equal(res.summary.minutes.active, 1.51);
    assert.equal(res.summary.minutes.total, 1.51);
  } finally {
    await t.stop();
  }
});
