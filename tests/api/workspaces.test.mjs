// workspaces.test.mjs: /api/workspaces management (platform.md §6.1-§6.3, local parts):
// workspace CRUD with every setting and its limits, the write-only Open Cloud key and bot
// cookie, local ranks and members, ranking and loader keys (secret once, rotate, revoke),
// moderation isolation (a workspace the actor cannot moderate is 404 community_not_found;
// A's keys never list or revoke B's), CSRF/scope/permission refusals and audit entries.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, ownerSession, expectError, sql } from './lib/harness.mjs';
import { cliKey, firstLogin, auditQuery } from './lib/helpers.mjs';

const PW = 'fixture-pass-123';
const PW2 = 'fixture-pass-456';
let srv, owner, ownerKey, A, B;
const K = {};

const call = (m, p, o = {}) => api(srv, m, p, o);
function ok(res) {
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.success, true);
  return res.json.data;
}
async function auditCount(action) {
  return (await auditQuery(srv, owner, `action=${action}&pageSize=1`)).total;
}

before(async () => {
  srv = await startServer();
  owner = await ownerSession(srv);
  ownerKey = cliKey(srv, 'owner', 'all', ['workspaces:write', 'staff:write', 'users:write', 'audit:read']);
  A = ok(await call('POST', '/api/workspaces', { key: ownerKey, body: { name: 'Alpha' } })).workspace;
  B = ok(await call('POST', '/api/workspaces', { key: ownerKey, body: { name: 'Bravo' } })).workspace;
  // A manager of workspace A only: manage_workspace_keys and manage_members, not manage_communities.
  const role = ok(await call('POST', '/api/admin/roles', { key: ownerKey, body: { name: 'Ops', level: 50 } })).role;
  ok(await call('PUT', '/api/admin/permissions', { key: ownerKey,
    body: { roleId: role.id, permissions: ['view_workspace', 'manage_workspace', 'manage_workspace_keys', 'manage_members'] } }));
  const u = ok(await call('POST', '/api/users', { key: ownerKey, body: { username: 'opsa', password: PW, roleId: role.id } })).user;
  K.opsSession = await firstLogin(srv, 'opsa', PW, PW2);
  K.ops = cliKey(srv, 'opsa', 'ops', ['workspaces:write']);
  K.opsRead = cliKey(srv, 'opsa', 'ops-read', ['workspaces:read']);
  // Give ops access to A only (community allow-list via the admin API).
  ok(await call('PUT', '/api/admin/communities', { key: ownerKey,
    body: { id: A.id, name: 'Alpha', allowedUserIds: [owner.user.id, u.id] } }));
});
after(async () => { await srv.stop(); });

test('POST creates a workspace with defaults, creator on the allow-list, one audit entry', async () => {
  const a0 = await auditCount('workspace.workspace.create');
  const c0 = await auditCount('community.create');
  const ws = ok(await call('POST', '/api/workspaces', { key: ownerKey, body: { name: 'Charlie' } })).workspace;
  assert.match(ws.id, /^[0-9a-f]{24}$/);
  assert.equal(ws.minSyncRank, 1);
  assert.equal(ws.brandColor, 'blue');
  assert.equal(ws.timezone, 'UTC');
  assert.deepEqual(ws.distribution, { period: 'manual', weekday: 0, time: '00:00', current: 1 });
  assert.deepEqual(ws.privacy, { trackStaffOnly: false, requireConsent: false });
  assert.equal(ws.afkTimeoutSeconds, 45);
  assert.deepEqual(ws.modules, { orders: false, moderation: true });
  assert.equal(ws.robloxOpenCloudKeySet, false);
  assert.equal(ws.robloxBotCookieSet, false);
  assert.equal(ws.robloxGroupId, null);
  const cm = ok(await call('GET', '/api/admin/communities', { key: ownerKey })).communities.find((c) => c.id === ws.id);
  assert.deepEqual(cm.allowedUserIds, [owner.user.id]);
  assert.equal(await auditCount('workspace.workspace.create'), a0 + 1);
  assert.equal(await auditCount('community.create'), c0, 'one entry, under the workspace action');
});

test('PATCH sets every setting; limits refused with invalid_field and nothing stored', async () => {
  const body = { name: 'Alpha', iconUrl: 'https://x.test/i.png', robloxGroupId: '4242', minSyncRank: 200,
    brandColor: 'rose', timezone: 'America/New_York', distribution: { period: 'biweekly', weekday: 6, time: '23:59' },
    privacy: { trackStaffOnly: true, requireConsent: true }, afkTimeoutSeconds: 3600, modules: { orders: true, moderation: false } };
  const ws = ok(await call('PATCH', `/api/workspaces/${A.id}`, { key: ownerKey, body })).workspace;
  assert.equal(ws.minSyncRank, 200);
  assert.equal(ws.brandColor, 'rose');
  assert.equal(ws.timezone, 'America/New_York');
  assert.deepEqual(ws.distribution, { period: 'biweekly', weekday: 6, time: '23:59', current: 1 });
  assert.deepEqual(ws.modules, { orders: true, moderation: false });
  const bad = [
    [{ minSyncRank: 0 }, 'invalid_field'], [{ minSyncRank: 256 }, 'invalid_field'],
    [{ afkTimeoutSeconds: 9 }, 'invalid_field'], [{ afkTimeoutSeconds: 3601 }, 'invalid_field'],
    [{ brandColor: 'black' }, 'invalid_field'], [{ timezone: 'Mars/Olympus' }, 'invalid_field'],
    [{ timezone: '../../etc/passwd' }, 'invalid_field'], [{ distribution: { period: 'daily' } }, 'invalid_field'],
    [{ distribution: { weekday: 7 } }, 'invalid_field'], [{ distribution: { time: '24:00' } }, 'invalid_field'],
    [{ distribution: { current: 3 } }, 'unknown_field'], [{ privacy: { x: true } }, 'unknown_field'],
    [{ modules: { orders: 'yes' } }, 'invalid_field'], [{ robloxGroupId: '0123' }, 'invalid_field'],
    [{ robloxOpenCloudKey: 'k'.repeat(4097) }, 'invalid_field'], [{ robloxGroupName: 'x' }, 'unknown_field'],
    [{ isDefault: true }, 'unknown_field'], [{ name: '' }, 'invalid_field'], [{ minSyncRank: '5' }, 'invalid_field'],
  ];
  for (const [b, code] of bad) {
    expectError(await call('PATCH', `/api/workspaces/${A.id}`, { key: ownerKey, body: b }), 400, code);
  }
  const now = ok(await call('GET', `/api/workspaces/${A.id}`, { key: ownerKey })).workspace;
  assert.deepEqual(now, ws, 'refusals stored nothing');
});

test('group and name uniqueness: 409 group_taken, name_taken', async () => {
  expectError(await call('PATCH', `/api/workspaces/${B.id}`, { key: ownerKey, body: { robloxGroupId: '4242' } }), 409, 'group_taken');
  expectError(await call('POST', '/api/workspaces', { key: ownerKey, body: { name: 'New', robloxGroupId: '4242' } }), 409, 'group_taken');
  expectError(await call('PATCH', `/api/workspaces/${B.id}`, { key: ownerKey, body: { name: 'ALPHA' } }), 409, 'name_taken');
  expectError(await call('POST', '/api/workspaces', { key: ownerKey, body: { name: 'bravo' } }), 409, 'name_taken');
});

test('Open Cloud key and bot cookie are write-only and sealed at rest', async () => {
  const ws = ok(await call('PATCH', `/api/workspaces/${B.id}`, { key: ownerKey,
    body: { robloxOpenCloudKey: 'oc-secret-value', robloxBotCookie: 'cookie-secret' } })).workspace;
  assert.equal(ws.robloxOpenCloudKeySet, true);
  assert.equal(ws.robloxBotCookieSet, true);
  const res = await call('GET', `/api/workspaces/${B.id}`, { key: ownerKey });
  assert.ok(!res.text.includes('oc-secret-value') && !res.text.includes('cookie-secret'));
  const row = sql(srv, `SELECT open_cloud_key_sealed AS k, bot_cookie_sealed AS c FROM communities WHERE id = '${B.id}'`)[0];
  assert.ok(row.k && !row.k.includes('oc-secret'));
  assert.ok(row.c && !row.c.includes('cookie-secret'));
  const audit = await auditQuery(srv, owner, 'action=workspace.workspace.update&pageSize=100');
  assert.ok(!JSON.stringify(audit).includes('oc-secret-value'));
  const cleared = ok(await call('PATCH', `/api/workspaces/${B.id}`, { key: ownerKey, body: { robloxOpenCloudKey: null } })).workspace;
  assert.equal(cleared.robloxOpenCloudKeySet, false);
  assert.equal(cleared.robloxBotCookieSet, true);
});

test('PATCH that changes nothing writes no audit entry', async () => {
  const a0 = await auditCount('workspace.workspace.update');
  ok(await call('PATCH', `/api/workspaces/${A.id}`, { key: ownerKey, body: { brandColor: 'rose' } }));
  assert.equal(await auditCount('workspace.workspace.update'), a0);
});

test('list: paging, search, moderatable only', async () => {
  const all = ok(await call('GET', '/api/workspaces?pageSize=2&page=1', { key: ownerKey }));
  assert.equal(all.workspaces.length, 2);
  assert.ok(all.total >= 4);
  const s = ok(await call('GET', '/api/workspaces?search=alp', { key: ownerKey }));
  assert.deepEqual(s.workspaces.map((w) => w.id), [A.id]);
  const mine = ok(await call('GET', '/api/workspaces', { key: K.ops }));
  assert.deepEqual(mine.workspaces.map((w) => w.id), [A.id]);
  expectError(await call('GET', '/api/workspaces?pageSize=101', { key: ownerKey }), 400, 'invalid_parameter');
  expectError(await call('GET', '/api/workspaces?foo=1', { key: ownerKey }), 400, 'unknown_parameter');
});

test('moderation isolation: B is 404 community_not_found for the A-only actor on every route', async () => {
  const kid = '6b0bfbf7787cd38f1df8344c';
  const uuid = '080ad442-6254-4be2-bd72-2359500c9668';
  const routes = [
    ['GET', `/api/workspaces/${B.id}`], ['PATCH', `/api/workspaces/${B.id}`, {}],
    ['GET', `/api/workspaces/${B.id}/ranks`], ['PUT', `/api/workspaces/${B.id}/ranks/5`, { rank: 1, name: 'x' }],
    ['GET', `/api/workspaces/${B.id}/members`], ['PUT', `/api/workspaces/${B.id}/members/5`, { username: 'abc' }],
    ['GET', `/api/workspaces/${B.id}/ranking-keys`], ['POST', `/api/workspaces/${B.id}/loader-keys`, { name: 'x' }],
    ['DELETE', `/api/workspaces/${B.id}/loader-keys/${kid}`], ['POST', `/api/workspaces/${B.id}/ranking-keys/${uuid}/rotate`],
    ['GET', '/api/workspaces/dddddddddddddddddddddddd'],
  ];
  for (const [m, p, body] of routes) {
    expectError(await call(m, p, { key: m === 'GET' ? K.opsRead : K.ops, body }), 404, 'community_not_found');
  }
  expectError(await call('GET', '/api/workspaces/nothex', { key: ownerKey }), 400, 'invalid_field');
});

test('permissions, scopes and CSRF', async () => {
  expectError(await call('POST', '/api/workspaces', { key: K.ops, body: { name: 'Nope' } }), 403, 'forbidden');
  expectError(await call('DELETE', `/api/workspaces/${A.id}`, { key: K.ops }), 403, 'forbidden');
  expectError(await call('PATCH', `/api/workspaces/${A.id}`, { key: K.opsRead, body: {} }), 403, 'scope_missing');
  expectError(await call('PATCH', `/api/workspaces/${A.id}`, { session: K.opsSession, csrf: false, body: { brandColor: 'red' } }), 403, 'csrf_failed');
  ok(await call('PATCH', `/api/workspaces/${A.id}`, { session: K.opsSession, body: { brandColor: 'rose' } }));
  expectError(await call('GET', '/api/workspaces'), 401, 'unauthenticated');
});

test('ranks and members: local upsert, filters, in_use, rerank follows', async () => {
  const base = `/api/workspaces/${A.id}`;
  ok(await call('PUT', `${base}/ranks/100`, { key: K.ops, body: { rank: 250, name: 'Owner' } }));
  ok(await call('PUT', `${base}/ranks/50`, { key: K.ops, body: { rank: 10, name: 'Guest+' } }));
  const ranks = ok(await call('GET', `${base}/ranks`, { key: K.opsRead })).ranks;
  assert.deepEqual(ranks.map((r) => r.robloxRoleId), ['100', '50']);
  assert.equal(ranks[0].isStaff, true); // minSyncRank 200
  assert.equal(ranks[1].isStaff, false);
  expectError(await call('PUT', `${base}/ranks/100`, { key: K.ops, body: { rank: 256, name: 'x' } }), 400, 'invalid_field');
  expectError(await call('PUT', `${base}/ranks/abc`, { key: K.ops, body: { rank: 1, name: 'x' } }), 400, 'invalid_field');
  expectError(await call('PUT', `${base}/ranks/7`, { key: K.ops, body: { rank: 1 } }), 400, 'missing_field');
  const m = ok(await call('PUT', `${base}/members/900`, { key: K.ops, body: { username: 'Alice_1', displayName: 'Al', robloxRoleId: '100' } })).member;
  assert.equal(m.rank, 250);
  assert.equal(m.isStaff, true);
  ok(await call('PUT', `${base}/members/901`, { key: K.ops, body: { username: 'bob22', robloxRoleId: '50' } }));
  expectError(await call('PUT', `${base}/members/902`, { key: K.ops, body: { username: 'ab' } }), 400, 'invalid_field');
  expectError(await call('PUT', `${base}/members/902`, { key: K.ops, body: { username: 'abc', robloxRoleId: '999' } }), 400, 'unknown_ids');
  expectError(await call('GET', `${base}/members/902`, { key: K.opsRead }), 404, 'resource_not_found');
  const staff = ok(await call('GET', `${base}/members?staffOnly=true`, { key: K.opsRead }));
  assert.deepEqual(staff.members.map((x) => x.robloxUserId), ['900']);
  const s = ok(await call('GET', `${base}/members?search=ALI`, { key: K.opsRead }));
  assert.deepEqual(s.members.map((x) => x.robloxUserId), ['900']);
  const byRole = ok(await call('GET', `${base}/members?robloxRoleId=50`, { key: K.opsRead }));
  assert.deepEqual(byRole.members.map((x) => x.robloxUserId), ['901']);
  expectError(await call('DELETE', `${base}/ranks/50`, { key: K.ops }), 409, 'in_use');
  ok(await call('PUT', `${base}/ranks/50`, { key: K.ops, body: { rank: 220, name: 'Mod' } }));
  assert.equal(ok(await call('GET', `${base}/members/901`, { key: K.opsRead })).member.rank, 220);
  ok(await call('PUT', `${base}/members/901`, { key: K.ops, body: { username: 'bob22', robloxRoleId: null } }));
  ok(await call('DELETE', `${base}/ranks/50`, { key: K.ops }));
  expectError(await call('DELETE', `${base}/ranks/50`, { key: K.ops }), 404, 'resource_not_found');
  assert.ok(await auditCount('workspace.rank.delete') >= 1);
  assert.ok(await auditCount('workspace.member.create') >= 2);
});

test('ranking and loader keys: secret once, hash stored, rotate, revoke, isolation', async () => {
  const base = `/api/workspaces/${A.id}`;
  const c = ok(await call('POST', `${base}/ranking-keys`, { key: K.ops,
    body: { name: 'bot', rankingEnabled: true, enableExile: true, allowedRanks: ['100', '50'] } }));
  assert.match(c.rankingKey.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.match(c.secret, /^DO_NOT_SHARE_ReAdmin_Ranking_Key_Id_DO_NOT_SHARE=[0-9a-f]{300}$/);
  assert.deepEqual(Object.keys(c.rankingKey).sort(), ['allowedRanks', 'createdAt', 'enableExile', 'enableJoinRequestManagement',
    'enableShouting', 'id', 'lastUsedAt', 'name', 'prefix', 'rankingEnabled', 'revokedAt'].sort());
  const row = sql(srv, `SELECT secret_hash FROM ranking_keys WHERE id = '${c.rankingKey.id}'`)[0];
  assert.match(row.secret_hash, /^[0-9a-f]{64}$/);
  assert.ok(!JSON.stringify(sql(srv, 'SELECT * FROM ranking_keys')).includes(c.secret));
  const l = ok(await call('POST', `${base}/loader-keys`, { key: K.ops, body: { name: 'game' } }));
  assert.match(l.loaderKey.id, /^[0-9a-f]{24}$/);
  assert.match(l.secret, /^ReAdmin_Loader_ID=[0-9a-f]{200}$/);
  const list = ok(await call('GET', `${base}/ranking-keys`, { key: K.opsRead }));
  assert.equal(list.total, 1);
  assert.ok(!list.rankingKeys[0].secret && !JSON.stringify(list).includes(c.secret));
  expectError(await call('POST', `${base}/ranking-keys`, { key: K.ops, body: { name: 'x', allowedRanks: ['0'] } }), 400, 'invalid_field');
  expectError(await call('POST', `${base}/ranking-keys`, { key: K.ops, body: { name: 'x', allowedRanks: Array.from({ length: 257 }, (_, i) => String(i + 1)) } }), 400, 'invalid_field');
  expectError(await call('POST', `${base}/loader-keys`, { key: K.ops, body: { name: 'x', rankingEnabled: true } }), 400, 'unknown_field');
  const p = ok(await call('PATCH', `${base}/ranking-keys/${c.rankingKey.id}`, { key: K.ops, body: { enableShouting: true, allowedRanks: [] } }));
  assert.equal(p.rankingKey.enableShouting, true);
  assert.deepEqual(p.rankingKey.allowedRanks, []);
  const r = ok(await call('POST', `${base}/loader-keys/${l.loaderKey.id}/rotate`, { key: K.ops }));
  assert.notEqual(r.secret, l.secret);
  assert.ok(await auditCount('workspace.loaderKey.rotate') === 1);
  // B's key id through A's path is unknown.
  const bKey = ok(await call('POST', `/api/workspaces/${B.id}/loader-keys`, { key: ownerKey, body: { name: 'b' } }));
  expectError(await call('DELETE', `${base}/loader-keys/${bKey.loaderKey.id}`, { key: K.ops }), 404, 'resource_not_found');
  const bl = ok(await call('GET', `${base}/loader-keys`, { key: K.opsRead }));
  assert.ok(!bl.loaderKeys.some((k) => k.id === bKey.loaderKey.id));
  assert.equal(ok(await call('GET', `/api/workspaces/${B.id}/loader-keys`, { key: ownerKey })).loaderKeys[0].revokedAt, null);
  expectError(await call('DELETE', `${base}/ranking-keys/not-a-uuid`, { key: K.ops }), 400, 'invalid_field');
  const v = ok(await call('DELETE', `${base}/ranking-keys/${c.rankingKey.id}`, { key: K.ops }));
  assert.ok(v.rankingKey.revokedAt);
  expectError(await call('POST', `${base}/ranking-keys/${c.rankingKey.id}/rotate`, { key: K.ops }), 409, 'invalid_transition');
  assert.equal(await auditCount('workspace.rankingKey.revoke'), 1);
});

test('DELETE follows A11: default undeletable, in use while keys live, then gone with its rows', async () => {
  const main = ok(await call('GET', '/api/workspaces?search=Main', { key: ownerKey })).workspaces[0];
  expectError(await call('DELETE', `/api/workspaces/${main.id}`, { key: ownerKey }), 409, 'default_undeletable');
  const ws = ok(await call('POST', '/api/workspaces', { key: ownerKey, body: { name: 'Doomed' } })).workspace;
  const lk = ok(await call('POST', `/api/workspaces/${ws.id}/loader-keys`, { key: ownerKey, body: { name: 'x' } }));
  ok(await call('PUT', `/api/workspaces/${ws.id}/ranks/1`, { key: ownerKey, body: { rank: 1, name: 'x' } }));
  const res = await call('DELETE', `/api/workspaces/${ws.id}`, { key: ownerKey });
  expectError(res, 409, 'community_in_use');
  assert.deepEqual(res.json.error.details, { loaderKeys: 1, rankingKeys: 0 });
  ok(await call('DELETE', `/api/workspaces/${ws.id}/loader-keys/${lk.loaderKey.id}`, { key: ownerKey }));
  const d = ok(await call('DELETE', `/api/workspaces/${ws.id}`, { key: ownerKey })).workspace;
  assert.equal(d.id, ws.id);
  expectError(await call('GET', `/api/workspaces/${ws.id}`, { key: ownerKey }), 404, 'community_not_found');
  assert.equal(sql(srv, `SELECT COUNT(*) AS n FROM workspace_ranks WHERE workspace_id = '${ws.id}'`)[0].n, 0);
  assert.equal(await auditCount('workspace.workspace.delete'), 1);
});
