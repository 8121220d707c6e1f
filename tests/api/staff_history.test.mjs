// staff_history.test.mjs: Staff History on both surfaces: ReAdmin #8 and #9
// (readmin-compat.md §3.2; §6 checklist items 38-46) and the management routes of
// platform.md §6.4, against the fake Roblox of lib/fake-roblox.mjs. Workspace A is linked
// (group 777 and Open Cloud key), B is linked to group 888, C has a group but no key.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, ownerSession, sql, expectError } from './lib/harness.mjs';
import { cliKey, clock } from './lib/helpers.mjs';
import { startFakeRoblox } from './lib/fake-roblox.mjs';

let srv, fake, ownerKey, readKey, clk, A, B, C;
const L = {};
const call = (m, p, o = {}) => api(srv, m, p, o);
function ok(res) {
  assert.equal(res.status, 200, res.text);
  return res.json.success === true && res.json.data ? res.json.data : res.json;
}
function reason(res, status, text) {
  assert.equal(res.status, status, res.text);
  assert.deepEqual(res.json, { success: false, reason: text });
}
const post = (key, body) => call('POST', '/staff/history', { headers: { 'loader-id': key, 'Content-Type': 'application/json' }, body });
const list = (key, q = '') => call('GET', `/staff/history${q}`, { headers: { 'loader-id': key } });
const count = (ws) => sql(srv, `SELECT COUNT(*) AS n FROM staff_history WHERE workspace_id = '${ws.id}'`)[0].n;
const patches = () => fake.state.calls.filter((c) => c.method === 'PATCH').length;
const mgmt = (ws, method, rest = '', opts = {}) => call(method, `/api/workspaces/${ws.id}/staff-history${rest}`, { key: ownerKey, ...opts });
const full = (extra = {}) => ({ actioningUser: '1002', userId: 1001, reason: 'Good work', type: 'promotion', approval_required: false, ...extra });

before(async () => {
  fake = await startFakeRoblox({ apiKey: 'oc-key' });
  fake.addGroup(777, 'Alpha Group', [
    { id: '10', name: 'Guest', rank: 0 }, { id: '100', name: 'Member', rank: 1 }, { id: '200', name: 'Staff', rank: 50 },
    { id: '300', name: 'Senior', rank: 100 }, { id: '400', name: 'Admin', rank: 200 }, { id: '900', name: 'Owner', rank: 255 }]);
  fake.addGroup(888, 'Bravo Group', [{ id: '555', name: 'B only', rank: 60 }, { id: '556', name: 'B low', rank: 5 }]);
  fake.addUser(1001, 'alice', 777, '100');
  fake.addUser(1002, 'bob', 777, '400');
  fake.addUser(1004, 'dave', 777, '100');
  fake.addUser(1006, 'frank', 777, '200');
  fake.addUser(1007, 'gina', 777, '100');
  fake.addUser(1008, 'hank', 777, '100');
  srv = await startServer({ args: ['--roblox-api-url', fake.url, '--roblox-legacy-api-url', fake.url] });
  clk = clock(srv);
  await ownerSession(srv);
  ownerKey = cliKey(srv, 'owner', 'all', ['workspaces:write']);
  readKey = cliKey(srv, 'owner', 'ro', ['workspaces:read']);
  const mk = async (name, group, settings) => {
    const ws = ok(await call('POST', '/api/workspaces', { key: ownerKey, body: { name, robloxGroupId: group, minSyncRank: 50 } })).workspace;
    ok(await call('PATCH', `/api/workspaces/${ws.id}`, { key: ownerKey, body: settings }));
    return ws;
  };
  A = await mk('Alpha', '777', { robloxOpenCloudKey: 'oc-key' });
  B = await mk('Bravo', '888', { robloxOpenCloudKey: 'oc-key' });
  C = await mk('Charlie', '999', { timezone: 'UTC' });
  for (const [id, rank, name] of [['10', 0, 'Guest'], ['100', 1, 'Member'], ['200', 50, 'Staff'], ['300', 100, 'Senior'], ['400', 200, 'Admin'], ['900', 255, 'Owner']])
    ok(await call('PUT', `/api/workspaces/${A.id}/ranks/${id}`, { key: ownerKey, body: { rank, name } }));
  ok(await call('PUT', `/api/workspaces/${B.id}/ranks/555`, { key: ownerKey, body: { rank: 60, name: 'B only' } }));
  ok(await call('PUT', `/api/workspaces/${C.id}/ranks/300`, { key: ownerKey, body: { rank: 100, name: 'Senior' } }));
  for (const [k, ws] of [['A', A], ['B', B], ['C', C]])
    L[k] = ok(await call('POST', `/api/workspaces/${ws.id}/loader-keys`, { key: ownerKey, body: { name: 'game' } })).secret;
  L.ranking = ok(await call('POST', `/api/workspaces/${A.id}/ranking-keys`, { key: ownerKey, body: { name: 'r' } })).secret;
});
after(async () => { await srv?.stop(); await fake?.stop(); });

test('38: a full POST re-ranks on Roblox, then stores the item with rankFrom, rankTo, distribution, expires', async () => {
  const res = ok(await post(L.A, full({ role: 100, expiresInDays: 1.5, notify: true })));
  assert.equal(res.success, true);
  const h = res.history;
  assert.match(h._id, /^[0-9a-f]{24}$/);
  assert.equal(h.groupId, '777');
  assert.equal(h.type, 'promotion');
  assert.equal(h.userId, 1001);
  assert.equal(h.disciplinarianId, 1002);
  assert.equal(h.rankFrom, '100');
  assert.equal(h.rankTo, '300');
  assert.equal(h.distribution, 1);
  assert.equal(h.notify, true);
  assert.equal(h.pendingApproval, false);
  assert.equal(Date.parse(h.expires) - Date.parse(h.created), 1.5 * 86400000);
  assert.deepEqual(h.evidence, []);
  assert.equal(h.visibility, 'public');
  assert.equal(fake.roleOf(777, 1001), '300');
  const m = ok(await call('GET', `/api/workspaces/${A.id}/members/1001`, { key: ownerKey })).member;
  assert.equal(m.robloxRoleId, '300');
  assert.equal(m.rank, 100);
  const audit = sql(srv, `SELECT action, game_key_id, actor_roblox_user_id FROM audit_log WHERE target_id = '${h._id}'`);
  assert.equal(audit.length, 1);
  assert.equal(audit[0].action, 'workspace.staffHistory.create');
  assert.ok(audit[0].game_key_id);
  assert.equal(audit[0].actor_roblox_user_id, '1002');
  // Without role and without expiry: rankTo false, expires null, rankFrom from the member record.
  const plain = ok(await post(L.A, full({ type: 'writeup', reason: 'Late' }))).history;
  assert.equal(plain.rankTo, false);
  assert.equal(plain.expires, null);
  assert.equal(plain.rankFrom, '300');
  const unknown = ok(await post(L.A, full({ type: 'writeup', userId: 4242 }))).history;
  assert.equal(unknown.rankFrom, '0');
});

test('39: each missing required field, then each invalid one; nothing stored', async () => {
  const n = count(A);
  for (const f of ['actioningUser', 'userId', 'reason', 'type', 'approval_required']) {
    const body = full();
    delete body[f];
    reason(await post(L.A, body), 400, `Missing ${f}`);
    reason(await post(L.A, { ...full(), [f]: null }), 400, `Missing ${f}`);
  }
  reason(await post(L.A, {}), 400, 'Missing actioningUser');
  reason(await post(L.A, full({ type: 'promote' })), 400, 'Invalid type');
  reason(await post(L.A, full({ userId: 'abc' })), 400, 'Invalid userId');
  reason(await post(L.A, full({ actioningUser: 0 })), 400, 'Invalid actioningUser');
  reason(await post(L.A, full({ reason: '' })), 400, 'Invalid reason');
  reason(await post(L.A, full({ reason: 'x'.repeat(1001) })), 400, 'Invalid reason');
  reason(await post(L.A, full({ approval_required: 'no' })), 400, 'Invalid approval_required');
  reason(await post(L.A, full({ notify: 1 })), 400, 'Invalid notify');
  reason(await post(L.A, full({ role: 256 })), 400, 'Invalid role');
  reason(await post(L.A, full({ role: '100' })), 400, 'Invalid role');
  reason(await post(L.A, full({ expiresInDays: 0 })), 400, 'Invalid expiresInDays');
  reason(await post(L.A, full({ expiresInDays: 3650.5 })), 400, 'Invalid expiresInDays');
  reason(await post(L.A, '[1]'), 400, 'Body must be a JSON object');
  reason(await post(L.A, '{"a":'), 400, 'Invalid JSON body');
  assert.equal(count(A), n);
});

test('40: a role matching no rank is 404, rank 0 or 255 is 400, before any Roblox call', async () => {
  const n = count(A), p = patches(), calls = fake.state.calls.length;
  reason(await post(L.A, full({ role: 77 })), 404, 'Rank not found.');
  reason(await post(L.A, full({ role: 60 })), 404, 'Rank not found.'); // B's rank only
  reason(await post(L.A, full({ role: 0 })), 400, 'Rank cannot be assigned.');
  reason(await post(L.A, full({ role: 255, approval_required: true })), 400, 'Rank cannot be assigned.');
  assert.equal(count(A), n);
  assert.equal(patches(), p);
  assert.equal(fake.state.calls.length, calls);
});

test('41: approval_required with role is stored pending, with no Roblox call', async () => {
  const calls = fake.state.calls.length;
  const h = ok(await post(L.A, full({ userId: 1004, role: 50, approval_required: true, type: 'promotion' }))).history;
  assert.equal(h.pendingApproval, true);
  assert.equal(h.rankTo, '200');
  assert.equal(h.rankFrom, '0');
  assert.equal(fake.state.calls.length, calls);
  assert.equal(fake.roleOf(777, 1004), '100');
});

test('42: an actor who does not outrank the target rank or the subject is 403; nothing stored', async () => {
  const n = count(A), p = patches();
  // frank (rank 50) ranking dave (rank 1) to Senior (100): below the target rank.
  reason(await post(L.A, full({ actioningUser: 1006, userId: 1004, role: 100 })), 403, 'Actioning user cannot rank to this role.');
  // frank ranking alice (rank 100) to Member (1): below the subject.
  reason(await post(L.A, full({ actioningUser: 1006, userId: 1001, role: 1 })), 403, 'Actioning user cannot rank to this role.');
  // An actor outside the group.
  reason(await post(L.A, full({ actioningUser: 5555, userId: 1004, role: 1 })), 403, 'Actioning user cannot rank to this role.');
  assert.equal(count(A), n);
  assert.equal(patches(), p);
  assert.equal(fake.roleOf(777, 1004), '100');
  // The other §3.2 #9 answers of the re-rank step.
  reason(await post(L.A, full({ userId: 9999, role: 1 })), 400, 'User not found.');
  reason(await post(L.C, full({ role: 100 })), 400, 'Roblox bot not linked.');
  assert.equal(count(A), n);
  assert.equal(count(C), 0);
});

test('43: Roblox down during a re-rank is 503 with Retry-After; nothing stored', async () => {
  const n = count(A);
  fake.state.failWith = 503;
  try {
    const res = await post(L.A, full({ userId: 1007, role: 50 }));
    reason(res, 503, 'Roblox API unavailable');
    assert.equal(res.headers.get('retry-after'), '5');
    fake.state.failWith = 401;
    reason(await post(L.A, full({ userId: 1007, role: 50 })), 400, 'Bot is logged out, action has been marked as failed.');
  } finally { fake.state.failWith = null; }
  assert.equal(count(A), n);
  assert.equal(fake.roleOf(777, 1007), '100');
  assert.equal((await call('GET', `/api/workspaces/${A.id}/members/1007`, { key: ownerKey })).status, 404);
});

test('44: an identical POST within 60 s answers the same item with one Roblox call; later it is new', async () => {
  const n = count(A), p = patches();
  const body = full({ userId: 1008, role: 50, reason: 'replay' });
  const a = ok(await post(L.A, body)).history;
  const b = ok(await post(L.A, body)).history;
  assert.deepEqual(b, a);
  assert.equal(count(A), n + 1);
  assert.equal(patches(), p + 1);
  clk.advance(61000);
  const c = ok(await post(L.A, body)).history;
  assert.notEqual(c._id, a._id);
  assert.equal(count(A), n + 2);
  assert.equal(patches(), p + 1); // the role is already held: no second PATCH
});

test('45: GET is oldest first, hides hidden items, blanks reasonHidden ones, filters by userId', async () => {
  ok(await mgmt(A, 'POST', '', { body: { type: 'writeup', robloxUserId: '1001', actorRobloxUserId: '1002', reason: 'secret one', approvalRequired: false, visibility: 'hidden' } }));
  const rh = ok(await mgmt(A, 'POST', '', { body: { type: 'writeup', robloxUserId: '1001', actorRobloxUserId: '1002', reason: 'quiet one', approvalRequired: false, visibility: 'reasonHidden' } })).entry;
  const all = ok(await list(L.A)).history;
  assert.equal(all.length, count(A) - 1);
  for (let i = 1; i < all.length; i++)
    assert.ok(all[i - 1].created < all[i].created || (all[i - 1].created === all[i].created && all[i - 1]._id < all[i]._id));
  assert.ok(!all.some((h) => h.reason === 'secret one'));
  const q = all.find((h) => h._id === rh.id);
  assert.equal(q.reason, '');
  assert.equal(q.visibility, 'reasonHidden');
  const mine = ok(await list(L.A, '?userId=1004')).history;
  assert.ok(mine.length >= 1);
  assert.ok(mine.every((h) => h.userId === 1004));
  reason(await list(L.A, '?userId=abc'), 400, 'Invalid userId');
});

test('46: a workspace key never sees or reaches another workspace\'s items', async () => {
  const bItem = ok(await post(L.B, full({ userId: 1001, type: 'writeup', reason: 'B only' }))).history;
  const a = ok(await list(L.A)).history;
  assert.ok(!a.some((h) => h._id === bItem._id));
  const b = ok(await list(L.B)).history;
  assert.deepEqual(b.map((h) => h._id), [bItem._id]);
  assert.equal(b[0].groupId, '888');
  // A's identical body does not replay B's item.
  const a2 = ok(await post(L.A, full({ userId: 1001, type: 'writeup', reason: 'B only' }))).history;
  assert.notEqual(a2._id, bItem._id);
  // B's entry through A's management routes: 404 exactly like an unknown id, and untouched.
  const row = () => sql(srv, `SELECT * FROM staff_history WHERE id = '${bItem._id}'`);
  const stored = row();
  assert.equal(stored.length, 1);
  assert.equal(stored[0].workspace_id, B.id);
  const unknown = '0123456789abcdef01234567';
  const audits = () => sql(srv, 'SELECT COUNT(*) AS n FROM audit_log')[0]?.n;
  for (const [method, rest, opts] of [['POST', '/approve', { body: {} }], ['POST', '/end', { body: {} }], ['DELETE', '', {}]]) {
    const nAudit = audits();
    const viaA = await mgmt(A, method, `/${bItem._id}${rest}`, opts);
    expectError(viaA, 404, 'resource_not_found');
    const none = await mgmt(A, method, `/${unknown}${rest}`, opts);
    expectError(none, 404, 'resource_not_found');
    assert.deepEqual(viaA.json.error.details, none.json.error.details);
    assert.equal(audits(), nAudit);
  }
  assert.deepEqual(row(), stored);
  assert.ok(!ok(await mgmt(A, 'GET', '?pageSize=100')).entries.some((e) => e.id === bItem._id));
  assert.equal(ok(await list(L.B)).history.length, 1);
});

test('auth: missing, unknown and ranking-key loader ids are refused', async () => {
  reason(await call('GET', '/staff/history'), 401, 'Loader ID header was not provided.');
  reason(await post('', full()), 401, 'Loader ID header was not provided.');
  reason(await list('ReAdmin_Loader_ID=' + '0'.repeat(200)), 401, 'Workspace not found');
  reason(await list(L.ranking), 401, 'Workspace not found');
  reason(await call('GET', '/staff/history', { headers: { 'api-key': L.ranking } }), 401, 'Loader ID header was not provided.');
  reason(await call('PUT', '/staff/history', { headers: { 'loader-id': L.A } }), 405, 'Method not allowed');
});

test('management: list with filters and paging, newest first', async () => {
  const all = ok(await mgmt(A, 'GET', '?pageSize=100'));
  assert.equal(all.total, count(A));
  for (let i = 1; i < all.entries.length; i++) assert.ok(all.entries[i - 1].createdAt >= all.entries[i].createdAt);
  const e = all.entries[0];
  for (const k of ['id', 'type', 'robloxUserId', 'actorRobloxUserId', 'reason', 'rankFrom', 'rankTo', 'pendingApproval', 'approvedBy', 'notify', 'visibility', 'distribution', 'expiresAt', 'endedAt', 'endedBy', 'createdAt', 'createdBy'])
    assert.ok(k in e, k);
  const pending = ok(await mgmt(A, 'GET', '?state=pending')).entries;
  assert.ok(pending.length >= 1 && pending.every((x) => x.pendingApproval && x.endedAt === null));
  const writeups = ok(await mgmt(A, 'GET', '?type=writeup&robloxUserId=1001')).entries;
  assert.ok(writeups.length >= 1 && writeups.every((x) => x.type === 'writeup' && x.robloxUserId === '1001'));
  const p1 = ok(await mgmt(A, 'GET', '?pageSize=2&page=2'));
  assert.equal(p1.entries.length, 2);
  assert.equal(p1.entries[0].id, all.entries[2].id);
  expectError(await mgmt(A, 'GET', '?state=open'), 400, 'invalid_parameter');
  expectError(await mgmt(A, 'GET', '?type=x'), 400, 'invalid_parameter');
  expectError(await mgmt(A, 'GET', '?robloxUserId=abc'), 400, 'invalid_parameter');
  expectError(await mgmt(A, 'GET', '?other=1'), 400, 'unknown_parameter');
  // The read scope suffices for the list, not for writes.
  assert.equal(ok(await mgmt(A, 'GET', '', { key: readKey })).total, count(A));
  expectError(await mgmt(A, 'POST', '', { key: readKey, body: {} }), 403, 'scope_missing');
  expectError(await call('GET', `/api/workspaces/${A.id}/staff-history`), 401, 'unauthenticated');
  expectError(await call('GET', `/api/workspaces/${'0'.repeat(24)}/staff-history`, { key: ownerKey }), 404, 'community_not_found');
  expectError(await call('GET', '/api/workspaces/zz/staff-history', { key: ownerKey }), 400, 'invalid_field');
  // ReAdmin loader keys never work on /api.
  expectError(await call('GET', `/api/workspaces/${A.id}/staff-history`, { headers: { 'loader-id': L.A } }), 401, 'unauthenticated');
});

test('management: create, then approve applies rankTo on Roblox; end; delete', async () => {
  const body = { type: 'promotion', robloxUserId: '1007', actorRobloxUserId: '1002', reason: 'Earned it', approvalRequired: true, rankTo: 50, expiresInDays: 2 };
  const e = ok(await mgmt(A, 'POST', '', { body })).entry;
  assert.equal(e.pendingApproval, true);
  assert.equal(e.rankTo, '200');
  assert.equal(e.visibility, 'public');
  assert.equal(e.distribution, 1);
  assert.equal(Date.parse(e.expiresAt) - Date.parse(e.createdAt), 2 * 86400000);
  assert.equal(fake.roleOf(777, 1007), '100');
  expectError(await mgmt(A, 'POST', `/${e.id}/end`, { body: { reason: 1 } }), 400, 'invalid_field');
  fake.state.failWith = 503;
  try {
    const res = await mgmt(A, 'POST', `/${e.id}/approve`, { body: {} });
    expectError(res, 503, 'upstream_unavailable');
    assert.equal(res.headers.get('retry-after'), '5');
  } finally { fake.state.failWith = null; }
  assert.equal(ok(await mgmt(A, 'GET', '?state=pending')).entries.filter((x) => x.id === e.id).length, 1);
  const ap = ok(await mgmt(A, 'POST', `/${e.id}/approve`, { body: {} })).entry;
  assert.equal(ap.pendingApproval, false);
  assert.ok(ap.approvedBy);
  assert.equal(fake.roleOf(777, 1007), '200');
  assert.equal(ok(await call('GET', `/api/workspaces/${A.id}/members/1007`, { key: ownerKey })).member.robloxRoleId, '200');
  const again = await mgmt(A, 'POST', `/${e.id}/approve`, { body: {} });
  expectError(again, 409, 'invalid_transition');
  assert.equal(again.json.error.details.from, 'active');
  const ended = ok(await mgmt(A, 'POST', `/${e.id}/end`, { body: { reason: 'Stepped down' } })).entry;
  assert.ok(ended.endedAt);
  assert.ok(ended.endedBy);
  expectError(await mgmt(A, 'POST', `/${e.id}/end`, { body: {} }), 409, 'invalid_transition');
  expectError(await mgmt(A, 'POST', `/${e.id}/approve`, { body: {} }), 409, 'invalid_transition');
  assert.ok(ok(await mgmt(A, 'GET', '?state=ended')).entries.some((x) => x.id === e.id));
  const gone = ok(await mgmt(A, 'DELETE', `/${e.id}`)).entry;
  assert.equal(gone.id, e.id);
  expectError(await mgmt(A, 'DELETE', `/${e.id}`), 404, 'resource_not_found');
  expectError(await mgmt(A, 'DELETE', '/abc'), 400, 'invalid_field');
  const acts = sql(srv, `SELECT action FROM audit_log WHERE target_id = '${e.id}' ORDER BY at, id`).map((x) => x.action);
  assert.deepEqual(acts, ['workspace.staffHistory.create', 'workspace.staffHistory.approve', 'workspace.staffHistory.end', 'workspace.staffHistory.delete']);
});

test('management: a non-pending create with rankTo re-ranks first; its errors store nothing', async () => {
  const n = count(A);
  const base = { type: 'demotion', robloxUserId: '1007', actorRobloxUserId: '1002', reason: 'Down', approvalRequired: false };
  expectError(await mgmt(A, 'POST', '', { body: { ...base, reason: undefined } }), 400, 'missing_field');
  expectError(await mgmt(A, 'POST', '', { body: { ...base, type: 'x' } }), 400, 'invalid_field');
  expectError(await mgmt(A, 'POST', '', { body: { ...base, robloxUserId: 'abc' } }), 400, 'invalid_field');
  expectError(await mgmt(A, 'POST', '', { body: { ...base, visibility: 'secret' } }), 400, 'invalid_field');
  expectError(await mgmt(A, 'POST', '', { body: { ...base, expiresInDays: 0 } }), 400, 'invalid_field');
  expectError(await mgmt(A, 'POST', '', { body: { ...base, extra: 1 } }), 400, 'unknown_field');
  expectError(await mgmt(A, 'POST', '', { body: { ...base, rankTo: 0 } }), 400, 'invalid_field');
  expectError(await mgmt(A, 'POST', '', { body: { ...base, rankTo: 255, approvalRequired: true } }), 400, 'invalid_field');
  expectError(await mgmt(A, 'POST', '', { body: { ...base, rankTo: 77 } }), 400, 'invalid_field');
  fake.state.failWith = 503;
  try { expectError(await mgmt(A, 'POST', '', { body: { ...base, rankTo: 1 } }), 503, 'upstream_unavailable'); }
  finally { fake.state.failWith = null; }
  expectError(await mgmt(C, 'POST', '', { body: { ...base, rankTo: 100 } }), 409, 'roblox_not_linked');
  assert.equal(count(A), n);
  assert.equal(count(C), 0);
  assert.equal(fake.roleOf(777, 1007), '200');
  const e = ok(await mgmt(A, 'POST', '', { body: { ...base, rankTo: 1 } })).entry;
  assert.equal(e.rankFrom, '200');
  assert.equal(e.rankTo, '100');
  assert.equal(e.pendingApproval, false);
  assert.equal(fake.roleOf(777, 1007), '100');
  // Pending or without rankTo: no Roblox call, even where the workspace is not linked.
  const c = ok(await mgmt(C, 'POST', '', { body: { ...base, rankTo: 100, approvalRequired: true } })).entry;
  assert.equal(c.pendingApproval, true);
  expectError(await mgmt(C, 'POST', `/${c.id}/approve`, { body: {} }), 409, 'roblox_not_linked');
  assert.equal(ok(await mgmt(C, 'GET')).entries[0].pendingApproval, true);
});

test('distribution: after a rollover new items on both surfaces carry the current distribution', async () => {
  const before = ok(await post(L.B, full({ type: 'writeup', reason: 'Before rollover' }))).history;
  assert.equal(before.distribution, 1);
  const next = ok(await call('POST', `/api/workspaces/${B.id}/distributions`, { key: ownerKey, body: {} })).distribution;
  assert.equal(next.number, 2);
  const after = ok(await post(L.B, full({ type: 'writeup', reason: 'After rollover' }))).history;
  assert.equal(after.distribution, 2);
  const body = { type: 'writeup', robloxUserId: '1001', actorRobloxUserId: '1002', reason: 'After rollover, dashboard', approvalRequired: false };
  assert.equal(ok(await mgmt(B, 'POST', '', { body })).entry.distribution, 2);
  // Items already stored keep their distribution; workspace A has not rolled over.
  const items = ok(await list(L.B)).history;
  assert.equal(items.find((h) => h._id === before._id).distribution, 1);
  assert.equal(ok(await post(L.A, full({ type: 'writeup', reason: 'A stays on 1' }))).history.distribution, 1);
});
