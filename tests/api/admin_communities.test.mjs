// admin_communities.test.mjs: /api/admin/communities (staff-admin.md A8-A12), the community
// rules of §5 (default flag, who may moderate, the allow-list lock rule H12 with its exceptions,
// self-lockout, limits), the §4 worked example about allow-lists and the §10 checklist items
// 1, 7, 56-58 and 69-76 as far as they concern these routes. Actors at fixed levels are made
// through the API (POST /api/users, first login) and get keys from `roster key create`. Every
// refusal is checked against a fresh read of every community and against the audit log, so
// "refused" also means "nothing stored"; the database is only ever touched through the API.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, ownerSession, expectError } from './lib/harness.mjs';
import { cliKey, firstLogin, rawRequest, auditQuery, withoutRequestId } from './lib/helpers.mjs';

const PW = 'fixture-pass-123';
const PW2 = 'fixture-pass-456';
const ALL = ['staff:write', 'staff:read', 'users:write', 'users:read'];
const PATH = '/api/admin/communities';
const SEARCH = '/api/admin/communities/user-search';
const UNKNOWN_ID = 'dddddddddddddddddddddddd';

let srv;
let owner;
let ownerKey;
let ownerRoleId;
let main; // the default community `roster migrate` made
const R = {};
const U = {};
const K = {};
let leadSession;

const call = (method, path, opts = {}) => api(srv, method, path, opts);

function ok(res) {
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.success, true);
  assert.equal(res.json.error, null);
  return res.json.data;
}

async function mkRole(name, level, permissions = []) {
  const role = ok(await call('POST', '/api/admin/roles', { key: ownerKey, body: { name, level } })).role;
  if (permissions.length) {
    ok(await call('PUT', '/api/admin/permissions', { key: ownerKey, body: { roleId: role.id, permissions } }));
  }
  return role;
}

async function mkUser(username, roleId, extra = {}) {
  const body = { username, password: PW, ...extra };
  if (roleId) body.roleId = roleId;
  return ok(await call('POST', '/api/users', { key: ownerKey, body })).user;
}

// An account that replaced its one-time password, with a key for every staff and users route.
async function mkActor(username, roleId) {
  const u = await mkUser(username, roleId);
  await firstLogin(srv, username, PW, PW2);
  K[username] = cliKey(srv, username, 'k', ALL);
  return u;
}

// What is stored: every community (the Owner is an administrator and sees them all).
async function state() {
  return ok(await call('GET', PATH, { key: ownerKey })).communities;
}

async function community(id) {
  return (await state()).find((c) => c.id === id);
}

async function visible(key) {
  return ok(await call('GET', PATH, { key })).communities;
}

async function auditTotal(action = 'community.') {
  return (await auditQuery(srv, owner, `action=${action}&pageSize=1`)).total;
}

async function lastAudit(action) {
  return (await auditQuery(srv, owner, `action=${action}&pageSize=1`)).entries[0];
}

// A refused request: the error, every community unchanged, no audit entry.
async function refusal(status, code, send) {
  const before = await state();
  const a0 = await auditTotal();
  const res = await send();
  expectError(res, status, code);
  assert.deepEqual(await state(), before, 'stored communities unchanged');
  assert.equal(await auditTotal(), a0, 'a refusal writes no audit entry');
  return res;
}

// A success that must write exactly one community.* audit entry.
async function audited(send) {
  const a0 = await auditTotal();
  const data = ok(await send());
  assert.equal(await auditTotal(), a0 + 1, 'exactly one audit entry');
  return data;
}

// A success that changes nothing and so writes nothing.
async function unchanged(send) {
  const before = await state();
  const a0 = await auditTotal();
  const data = ok(await send());
  assert.deepEqual(await state(), before, 'nothing stored');
  assert.equal(await auditTotal(), a0, 'a 200 that changes nothing writes no audit entry');
  return data;
}

let seq = 0;
const uniq = (p) => `${p}${++seq}`;

// A community made by the Owner with the given lists (no audit assertions here).
async function mkCommunity(allowedRoleIds = [], allowedUserIds = [], extra = {}) {
  return ok(await call('POST', PATH, {
    key: ownerKey, body: { name: uniq('Community '), allowedRoleIds, allowedUserIds, ...extra } })).community;
}

function put(key, body) {
  return call('PUT', PATH, { key, body });
}

const sorted = (a) => [...a].sort();

before(async () => {
  srv = await startServer();
  owner = await ownerSession(srv);
  ownerKey = cliKey(srv, 'owner', 'owner-all', [...ALL, 'audit:read']);
  ownerRoleId = ok(await call('GET', '/api/admin/roles', { key: ownerKey })).roles[0].id;
  R.admin = await mkRole('Admin', 80, ['administrator']);
  R.lead = await mkRole('Lead', 60, ['view_staff', 'manage_communities']);
  R.mod = await mkRole('Mod', 40, ['view_staff', 'manage_communities']);
  R.viewer = await mkRole('Viewer', 30, ['view_staff']);
  R.helper = await mkRole('Helper', 20);
  U.admin = await mkActor('admin', R.admin.id);
  U.lead = await mkActor('lead', R.lead.id);
  U.peer = await mkActor('peer', R.lead.id);
  U.mod = await mkActor('mod', R.mod.id);
  U.viewer = await mkActor('viewer', R.viewer.id);
  U.helper = await mkActor('helper', R.helper.id);
  U.zero = await mkActor('zero');
  K.leadRead = cliKey(srv, 'lead', 'read-only', ['staff:read']);
  K.leadUsers = cliKey(srv, 'lead', 'users-only', ['users:write']);
  leadSession = await login(srv, 'lead', PW2);
});
after(async () => { await srv.stop(); });

// --- A8 on a fresh install --------------------------------------------------------------------

test('69: a fresh install lists exactly one community, the default Main, with the §1.8 shape', async () => {
  const list = await visible(ownerKey);
  assert.equal(list.length, 1);
  main = list[0];
  assert.deepEqual(Object.keys(main).sort(), ['allowedRoleIds', 'allowedUserIds', 'canDelete', 'canEdit',
    'canModerate', 'createdAt', 'iconUrl', 'id', 'isDefault', 'name', 'robloxGroupId', 'updatedAt']);
  assert.match(main.id, /^[0-9a-f]{24}$/);
  assert.equal(main.name, 'Main');
  assert.equal(main.isDefault, true);
  assert.equal(main.iconUrl, null);
  assert.equal(main.robloxGroupId, null);
  assert.deepEqual(main.allowedRoleIds, []);
  assert.deepEqual(main.allowedUserIds, []);
  assert.equal(main.canModerate, true);
  assert.equal(main.canEdit, true);
  assert.equal(main.canDelete, false, 'the default cannot be deleted');
  assert.match(main.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  // An administrator below the Owner sees it too, through a session as well.
  assert.deepEqual((await visible(K.admin)).map((c) => c.id), [main.id]);
  const s = ok(await call('GET', PATH, { session: owner }));
  assert.deepEqual(s.communities, list);
});

test('74, X-12: empty allow-lists mean administrators only; others get an empty list', async () => {
  for (const k of [K.lead, K.leadRead, K.mod, K.viewer]) assert.deepEqual(await visible(k), []);
  const me = ok(await call('GET', '/api/auth/me', { key: K.lead }));
  assert.deepEqual(me.user.communities, []);
  const adminMe = ok(await call('GET', '/api/auth/me', { key: K.admin }));
  assert.deepEqual(adminMe.user.communities, [{ id: main.id, name: 'Main', isDefault: true }]);
});

// --- authentication, scope, CSRF, permission ----------------------------------------------------

const ROUTES = [['GET', PATH], ['POST', PATH], ['PUT', PATH], ['DELETE', PATH], ['GET', `${SEARCH}?q=a`]];

test('1: no cookie and no key on each of A8-A12 is 401 with the envelope', async () => {
  for (const [m, p] of ROUTES) {
    const res = await call(m, p, m === 'GET' ? {} : { body: { id: main.id, name: 'X' } });
    expectError(res, 401, 'unauthenticated');
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(res.headers.get('cache-control'), 'no-store');
  }
});

test('7, CSRF: cookie writes need the token and a same-origin request; GETs do not', async () => {
  const c = await mkCommunity([R.lead.id]);
  const body = { id: c.id, name: 'Evil rename' };
  await refusal(403, 'csrf_failed', () => call('PUT', PATH, { session: leadSession, body, headers: { Origin: 'https://evil.example' } }));
  await refusal(403, 'csrf_failed', () => call('PUT', PATH, { session: leadSession, body, csrf: false }));
  await refusal(403, 'csrf_failed', () => call('PUT', PATH, {
    session: leadSession, body, csrf: false, headers: { 'x-csrf-token': 'f'.repeat(64) } }));
  await refusal(403, 'csrf_failed', () => call('POST', PATH, {
    session: leadSession, body: { name: uniq('Csrf'), allowedRoleIds: [R.lead.id] }, headers: { 'Sec-Fetch-Site': 'cross-site' } }));
  await refusal(403, 'csrf_failed', () => call('DELETE', PATH, { session: leadSession, body: { id: c.id }, csrf: false }));
  assert.equal((await community(c.id)).name, c.name);
  ok(await call('GET', PATH, { session: leadSession }));
  ok(await call('GET', `${SEARCH}?q=lead`, { session: leadSession }));
  const d = await audited(() => call('PUT', PATH, { session: leadSession, body: { id: c.id, name: uniq('Renamed ') } }));
  assert.notEqual(d.community.name, c.name);
});

test('scopes: staff:read cannot write, staff:write includes read, users scopes do not cover staff', async () => {
  let res = await refusal(403, 'scope_missing', () => call('POST', PATH, {
    key: K.leadRead, body: { name: uniq('Scoped'), allowedRoleIds: [R.lead.id] } }));
  assert.deepEqual(res.json.error.details, { scope: 'staff:write' });
  res = await refusal(403, 'scope_missing', () => call('DELETE', PATH, { key: K.leadRead, body: { id: main.id } }));
  assert.deepEqual(res.json.error.details, { scope: 'staff:write' });
  ok(await call('GET', PATH, { key: K.leadRead }));
  ok(await call('GET', `${SEARCH}?q=lead`, { key: K.leadRead }));
  ok(await call('GET', `${SEARCH}?q=lead`, { key: K.lead }));
  for (const [m, p] of ROUTES) {
    res = await call(m, p, m === 'GET' ? { key: K.leadUsers } : { key: K.leadUsers, body: {} });
    expectError(res, 403, 'scope_missing');
    assert.deepEqual(res.json.error.details, { scope: m === 'GET' ? 'staff:read' : 'staff:write' });
  }
});

test('permissions: view_staff for A8, manage_communities for A9-A12; level 0 holds nothing', async () => {
  const c = await mkCommunity([R.viewer.id]);
  // Viewer moderates c (its role is listed) but may not edit it.
  const seen = await visible(K.viewer);
  assert.deepEqual(seen.map((x) => x.id), [c.id]);
  assert.equal(seen[0].canModerate, true);
  assert.equal(seen[0].canEdit, false);
  assert.equal(seen[0].canDelete, false);
  for (const [m, p, body] of [['POST', PATH, { name: uniq('V'), allowedRoleIds: [R.viewer.id] }],
    ['PUT', PATH, { id: c.id, name: 'Viewer edit' }], ['DELETE', PATH, { id: c.id }], ['GET', `${SEARCH}?q=lead`]]) {
    const res = await refusal(403, 'forbidden', () => call(m, p, { key: K.viewer, body }));
    assert.deepEqual(res.json.error.details, { permission: 'manage_communities' });
  }
  const z = await call('GET', PATH, { key: K.zero });
  expectError(z, 403, 'forbidden');
  assert.deepEqual(z.json.error.details, { permission: 'view_staff' });
  // Before its first password change an account may use nothing here.
  const name = uniq('fresh');
  await mkUser(name, R.lead.id);
  const s = await login(srv, name, PW);
  expectError(await call('GET', PATH, { session: s }), 403, 'password_change_required');
});

// --- A9 create ---------------------------------------------------------------------------------

test('A9: the Owner creates a community; Community shape, audit community.create, visible to the listed', async () => {
  const body = { name: 'Raiders', iconUrl: 'https://cdn.example.com/icons/raiders.png?v=2',
    allowedRoleIds: [R.mod.id, R.lead.id], allowedUserIds: [U.helper.id] };
  const d = await audited(() => call('POST', PATH, { key: ownerKey, body }));
  const c = d.community;
  assert.match(c.id, /^[0-9a-f]{24}$/);
  assert.equal(c.name, 'Raiders');
  assert.equal(c.iconUrl, body.iconUrl);
  assert.equal(c.isDefault, false);
  assert.deepEqual(c.allowedRoleIds, [R.lead.id, R.mod.id], 'roles in display order');
  assert.deepEqual(c.allowedUserIds, [U.helper.id]);
  assert.equal(c.robloxGroupId, null);
  assert.deepEqual([c.canModerate, c.canEdit, c.canDelete], [true, true, true]);
  assert.equal(c.createdAt, c.updatedAt);
  const entry = await lastAudit('community.create');
  assert.equal(entry.targetType, 'community');
  assert.equal(entry.targetId, c.id);
  assert.equal(entry.workspaceId, c.id, 'a community is a workspace (same id)');
  assert.equal(entry.actor.user.id, owner.user.id);
  assert.equal(entry.before, null);
  assert.deepEqual(entry.after, { name: 'Raiders', iconUrl: body.iconUrl, isDefault: false,
    allowedRoleIds: [R.lead.id, R.mod.id], allowedUserIds: [U.helper.id], robloxGroupId: null });
  // The listed role's holders and the listed user now moderate it; others do not.
  for (const k of [K.lead, K.mod]) assert.ok((await visible(k)).some((x) => x.id === c.id));
  assert.ok(!(await visible(K.viewer)).some((x) => x.id === c.id));
  const me = ok(await call('GET', '/api/auth/me', { key: K.helper })).user;
  assert.deepEqual(me.communities, [{ id: c.id, name: 'Raiders', isDefault: false }]);
  // Every field but the name is optional; absent lists start empty.
  const bare = (await audited(() => call('POST', PATH, { key: K.admin, body: { name: uniq('Bare ') } }))).community;
  assert.deepEqual([bare.iconUrl, bare.isDefault, bare.allowedRoleIds, bare.allowedUserIds], [null, false, [], []]);
  // A8 orders the default first, then by name ignoring ASCII case.
  const names = (await state()).map((x) => x.name);
  assert.equal(names[0], 'Main');
  const rest = names.slice(1);
  assert.deepEqual(rest, [...rest].sort((a, b) => a.toLowerCase() < b.toLowerCase() ? -1 : 1));
});

test('A9 by Lead: self_lockout without an own entry; own role and own user id may be added', async () => {
  await refusal(400, 'self_lockout', () => call('POST', PATH, { key: K.lead, body: { name: uniq('Locked ') } }));
  await refusal(400, 'self_lockout', () => call('POST', PATH, {
    key: K.lead, body: { name: uniq('Locked '), allowedRoleIds: [R.mod.id], allowedUserIds: [U.helper.id] } }));
  const a = (await audited(() => call('POST', PATH, { key: K.lead, body: { name: uniq('OwnRole '), allowedRoleIds: [R.lead.id] } }))).community;
  assert.deepEqual(a.allowedRoleIds, [R.lead.id]);
  assert.ok((await visible(K.peer)).some((x) => x.id === a.id), 'the peer shares the role');
  const b = (await audited(() => call('POST', PATH, {
    key: K.lead, body: { name: uniq('OwnUser '), allowedUserIds: [U.lead.id, U.helper.id], allowedRoleIds: [R.mod.id] } }))).community;
  assert.deepEqual(sorted(b.allowedUserIds), sorted([U.lead.id, U.helper.id]));
  assert.ok(!(await visible(K.peer)).some((x) => x.id === b.id), 'the peer is not listed');
  assert.ok((await visible(K.lead)).some((x) => x.id === b.id));
});

test('§4 example, 56: Lead (60) may not add a role or user at or above its level (403 hierarchy, details.ids)', async () => {
  let res = await refusal(403, 'hierarchy', () => call('POST', PATH, {
    key: K.lead, body: { name: uniq('High '), allowedRoleIds: [R.lead.id, R.admin.id] } }));
  assert.deepEqual(res.json.error.details, { ids: [R.admin.id] });
  res = await refusal(403, 'hierarchy', () => call('POST', PATH, {
    key: K.lead, body: { name: uniq('High '), allowedRoleIds: [ownerRoleId, R.admin.id, R.lead.id] } }));
  assert.deepEqual(sorted(res.json.error.details.ids), sorted([ownerRoleId, R.admin.id]));
  res = await refusal(403, 'hierarchy', () => call('POST', PATH, {
    key: K.lead, body: { name: uniq('High '), allowedUserIds: [U.lead.id, U.peer.id, U.admin.id, U.mod.id] } }));
  assert.deepEqual(sorted(res.json.error.details.ids), sorted([U.peer.id, U.admin.id]), 'a peer user is locked too');
  // The worked example on an existing community, through A10 and a session.
  const c = await mkCommunity([R.lead.id]);
  res = await refusal(403, 'hierarchy', () => call('PUT', PATH, {
    session: leadSession, body: { id: c.id, name: c.name, allowedRoleIds: [R.lead.id, R.admin.id] } }));
  assert.deepEqual(res.json.error.details, { ids: [R.admin.id] });
});

test('§1.6 step 12: a request that breaks the lock rule and self-lockout answers 403', async () => {
  const res = await refusal(403, 'hierarchy', () => call('POST', PATH, {
    key: K.lead, body: { name: uniq('Both '), allowedRoleIds: [R.admin.id] } }));
  assert.deepEqual(res.json.error.details, { ids: [R.admin.id] });
  const c = await mkCommunity([R.mod.id], [U.lead.id, U.admin.id]);
  // Removing itself (self-lockout) together with the Admin user (locked): 403 wins.
  await refusal(403, 'hierarchy', () => put(K.lead, { id: c.id, name: c.name, allowedUserIds: [] }));
  await refusal(400, 'self_lockout', () => put(K.lead, { id: c.id, name: c.name, allowedUserIds: [U.admin.id] }));
});

test('57-58, §5.3: removing locked entries, own role id, own user id; kept locked entries are fine', async () => {
  const c = await mkCommunity([R.admin.id, R.lead.id, R.mod.id], [U.admin.id, U.lead.id, U.peer.id, U.helper.id]);
  // 57: an Admin user (80) cannot be removed by Lead (60), nor a peer, nor the Admin role.
  let res = await refusal(403, 'hierarchy', () => put(K.lead, {
    id: c.id, name: c.name, allowedUserIds: [U.lead.id, U.peer.id, U.helper.id] }));
  assert.deepEqual(res.json.error.details, { ids: [U.admin.id] });
  res = await refusal(403, 'hierarchy', () => put(K.lead, { id: c.id, name: c.name, allowedUserIds: [U.admin.id, U.lead.id] }));
  assert.deepEqual(res.json.error.details, { ids: [U.peer.id] }, 'the level-20 helper may go, the peer may not');
  res = await refusal(403, 'hierarchy', () => put(K.lead, { id: c.id, name: c.name, allowedRoleIds: [R.lead.id, R.mod.id] }));
  assert.deepEqual(res.json.error.details, { ids: [R.admin.id] });
  // Its own role id may not be removed (peers share it), even while its user id still grants access.
  res = await refusal(403, 'hierarchy', () => put(K.lead, { id: c.id, name: c.name, allowedRoleIds: [R.admin.id, R.mod.id] }));
  assert.deepEqual(res.json.error.details, { ids: [R.lead.id] });
  // Below-level entries come and go freely; locked ones sent back unchanged are not touched.
  let d = await audited(() => put(K.lead, { id: c.id, name: c.name, allowedRoleIds: [R.helper.id, R.admin.id, R.lead.id],
    allowedUserIds: [U.admin.id, U.lead.id, U.peer.id, U.mod.id] }));
  assert.deepEqual(d.community.allowedRoleIds, [R.admin.id, R.lead.id, R.helper.id]);
  assert.deepEqual(sorted(d.community.allowedUserIds), sorted([U.admin.id, U.lead.id, U.peer.id, U.mod.id]));
  const entry = await lastAudit('community.update');
  assert.deepEqual(entry.before.allowedRoleIds, [R.admin.id, R.lead.id, R.mod.id]);
  assert.deepEqual(entry.after.allowedRoleIds, [R.admin.id, R.lead.id, R.helper.id]);
  assert.deepEqual(entry.after.allowedRoleIdsAdded, [R.helper.id]);
  assert.deepEqual(entry.after.allowedRoleIdsRemoved, [R.mod.id]);
  assert.deepEqual(entry.after.allowedUserIdsAdded, [U.mod.id]);
  assert.deepEqual(entry.after.allowedUserIdsRemoved, [U.helper.id]);
  assert.equal(entry.before.name, undefined, 'only changed fields');
  // Its own user id may be removed while the role still grants access.
  d = await audited(() => put(K.lead, { id: c.id, name: c.name, allowedUserIds: [U.admin.id, U.peer.id, U.mod.id] }));
  assert.ok(!d.community.allowedUserIds.includes(U.lead.id));
  assert.ok((await visible(K.lead)).some((x) => x.id === c.id));
  // ...and added back.
  d = await audited(() => put(K.lead, { id: c.id, name: c.name, allowedUserIds: [U.admin.id, U.peer.id, U.mod.id, U.lead.id] }));
  assert.ok(d.community.allowedUserIds.includes(U.lead.id));
});

test('58: Lead removing the only entry that gives it access is self_lockout; the Admin never locks out', async () => {
  const c = await mkCommunity([R.mod.id], [U.lead.id]);
  const res = await refusal(400, 'self_lockout', () => put(K.lead, { id: c.id, name: c.name, allowedUserIds: [] }));
  assert.equal(res.json.error.details, undefined);
  assert.ok((await visible(K.lead)).some((x) => x.id === c.id));
  // Mod (40) is listed by role; Lead (60) may remove that role, after which Mod loses access.
  assert.ok((await visible(K.mod)).some((x) => x.id === c.id));
  await audited(() => put(K.lead, { id: c.id, name: c.name, allowedRoleIds: [] }));
  assert.ok(!(await visible(K.mod)).some((x) => x.id === c.id));
  // Mod cannot moderate it any more, so for Mod it does not exist.
  await refusal(404, 'community_not_found', () => put(K.mod, { id: c.id, name: c.name, allowedRoleIds: [R.mod.id] }));
  // An administrator moderates every community, so emptying both lists is fine for it.
  const d = await audited(() => put(K.admin, { id: c.id, name: c.name, allowedRoleIds: [], allowedUserIds: [] }));
  assert.deepEqual([d.community.allowedRoleIds, d.community.allowedUserIds], [[], []]);
  assert.equal(d.community.canModerate, true);
  assert.ok(!(await visible(K.lead)).some((x) => x.id === c.id));
});

test('H12 for an administrator: entries at or above 80 are locked for the Admin as well', async () => {
  const c = await mkCommunity([], [owner.user.id]);
  let res = await refusal(403, 'hierarchy', () => put(K.admin, { id: c.id, name: c.name, allowedUserIds: [] }));
  assert.deepEqual(res.json.error.details, { ids: [owner.user.id] });
  res = await refusal(403, 'hierarchy', () => put(K.admin, { id: c.id, name: c.name, allowedRoleIds: [ownerRoleId] }));
  assert.deepEqual(res.json.error.details, { ids: [ownerRoleId] });
  const d = await audited(() => put(K.admin, { id: c.id, name: c.name, allowedRoleIds: [R.admin.id, R.lead.id] }));
  assert.deepEqual(d.community.allowedRoleIds, [R.admin.id, R.lead.id]);
  // The Owner (100) may add and remove its own entries.
  await audited(() => put(ownerKey, { id: c.id, name: c.name, allowedRoleIds: [ownerRoleId], allowedUserIds: [] }));
});

// --- A10 update --------------------------------------------------------------------------------

test('A10: name is required; other absent fields stay; iconUrl null clears; no-op writes nothing', async () => {
  const c = await mkCommunity([R.lead.id], [U.helper.id], { iconUrl: 'https://example.com/a.png' });
  let res = await refusal(400, 'missing_field', () => put(K.lead, { id: c.id }));
  assert.deepEqual(res.json.error.details, { field: 'name' });
  res = await refusal(400, 'missing_field', () => put(K.lead, { id: c.id, name: null }));
  assert.deepEqual(res.json.error.details, { field: 'name' });
  res = await refusal(400, 'missing_field', () => put(K.lead, { name: 'No id' }));
  assert.deepEqual(res.json.error.details, { field: 'id' });
  const name = uniq('Renamed ');
  let d = await audited(() => put(K.lead, { id: c.id, name }));
  assert.equal(d.community.name, name);
  assert.equal(d.community.iconUrl, c.iconUrl, 'absent iconUrl unchanged');
  assert.deepEqual(d.community.allowedRoleIds, [R.lead.id]);
  assert.deepEqual(d.community.allowedUserIds, [U.helper.id]);
  assert.equal(d.community.createdAt, c.createdAt);
  let entry = await lastAudit('community.update');
  assert.deepEqual(entry.before, { name: c.name });
  assert.deepEqual(entry.after, { name });
  assert.equal(entry.workspaceId, c.id);
  d = await audited(() => put(K.lead, { id: c.id, name, iconUrl: null }));
  assert.equal(d.community.iconUrl, null);
  entry = await lastAudit('community.update');
  assert.deepEqual(entry.before, { iconUrl: c.iconUrl });
  assert.deepEqual(entry.after, { iconUrl: null });
  // The current values again, the lists in another order, isDefault false on a non-default.
  const same = await unchanged(() => put(K.lead, { id: c.id, name, iconUrl: null, isDefault: false,
    allowedRoleIds: [R.lead.id], allowedUserIds: [U.helper.id] }));
  assert.equal(same.community.name, name);
  // A case-only rename is a change.
  await audited(() => put(K.lead, { id: c.id, name: name.toUpperCase() }));
});

test('X-6: names are unique ignoring ASCII case (409 name_taken), on create and on rename', async () => {
  const a = await mkCommunity([R.lead.id]);
  const b = await mkCommunity([R.lead.id]);
  await refusal(409, 'name_taken', () => call('POST', PATH, { key: K.lead, body: { name: a.name.toUpperCase(), allowedRoleIds: [R.lead.id] } }));
  await refusal(409, 'name_taken', () => call('POST', PATH, { key: ownerKey, body: { name: 'main' } }));
  await refusal(409, 'name_taken', () => put(K.lead, { id: b.id, name: a.name.toLowerCase() }));
  // Non-ASCII letters are compared exactly: Ä and ä are different names.
  await audited(() => call('POST', PATH, { key: ownerKey, body: { name: 'Ärger' } }));
  await audited(() => call('POST', PATH, { key: ownerKey, body: { name: 'ärger' } }));
});

test('75, §5.2: a community Lead cannot moderate is 404 on PUT and DELETE, like an unknown id, and absent from A8', async () => {
  const hidden = await mkCommunity([R.admin.id], [U.mod.id]);
  assert.ok(!(await visible(K.lead)).some((x) => x.id === hidden.id));
  const me = ok(await call('GET', '/api/auth/me', { key: K.lead })).user;
  assert.ok(!me.communities.some((x) => x.id === hidden.id));
  const a = await refusal(404, 'community_not_found', () => put(K.lead, { id: hidden.id, name: 'Mine' }));
  const b = await refusal(404, 'community_not_found', () => put(K.lead, { id: UNKNOWN_ID, name: 'Mine' }));
  assert.deepEqual(withoutRequestId(a.json), withoutRequestId(b.json));
  assert.equal(a.json.error.message, 'Community not found');
  const c = await refusal(404, 'community_not_found', () => call('DELETE', PATH, { key: K.lead, body: { id: hidden.id } }));
  const d = await refusal(404, 'community_not_found', () => call('DELETE', `${PATH}?id=${UNKNOWN_ID}`, { key: K.lead }));
  assert.deepEqual(withoutRequestId(c.json), withoutRequestId(d.json));
  // Even a request that would lock Lead out or break the lock rule answers 404 first.
  await refusal(404, 'community_not_found', () => put(K.lead, { id: hidden.id, name: 'x', allowedRoleIds: [R.admin.id] }));
  // Mod is listed by user id and may edit it.
  await audited(() => put(K.mod, { id: hidden.id, name: uniq('Mod edit ') }));
});

// --- default community (§5.1) --------------------------------------------------------------------

test('70-72, §5.1: exactly one default; the flag moves only by making another community default', async () => {
  // 71, 70: the default cannot be un-defaulted or deleted.
  await refusal(409, 'default_required', () => put(ownerKey, { id: main.id, name: 'Main', isDefault: false }));
  await refusal(409, 'default_undeletable', () => call('DELETE', PATH, { key: ownerKey, body: { id: main.id } }));
  // isDefault true on the current default changes nothing.
  await unchanged(() => put(ownerKey, { id: main.id, name: 'Main', isDefault: true }));
  // 72: A9 with isDefault true moves the flag in the same transaction.
  const d = await audited(() => call('POST', PATH, { key: ownerKey, body: { name: uniq('New default '), isDefault: true } }));
  assert.equal(d.community.isDefault, true);
  assert.equal(d.community.canDelete, false);
  let all = await state();
  assert.deepEqual(all.filter((x) => x.isDefault).map((x) => x.id), [d.community.id], 'exactly one default');
  assert.equal(all[0].id, d.community.id, 'listed first');
  assert.equal(all.find((x) => x.id === main.id).isDefault, false);
  assert.equal(all.find((x) => x.id === main.id).canDelete, true);
  let entry = await lastAudit('community.create');
  assert.equal(entry.after.isDefault, true);
  assert.equal(entry.after.previousDefaultId, main.id, 'the entry records the previous default');
  // A10 moves it back; the entry records the previous default again.
  const back = await audited(() => put(ownerKey, { id: main.id, name: 'Main', isDefault: true }));
  assert.equal(back.community.isDefault, true);
  entry = await lastAudit('community.update');
  assert.deepEqual(entry.before, { isDefault: false });
  assert.deepEqual(entry.after, { isDefault: true, previousDefaultId: d.community.id });
  all = await state();
  assert.deepEqual(all.filter((x) => x.isDefault).map((x) => x.id), [main.id]);
  // The old default may now be deleted.
  await audited(() => call('DELETE', PATH, { key: ownerKey, body: { id: d.community.id } }));
});

test('§5.1: forbidden to move the flag away from a default the actor cannot moderate', async () => {
  const c = await mkCommunity([R.lead.id]);
  // Main has empty lists: only administrators moderate it.
  let res = await refusal(403, 'forbidden', () => put(K.lead, { id: c.id, name: c.name, isDefault: true }));
  assert.equal(res.json.error.details, undefined);
  res = await refusal(403, 'forbidden', () => call('POST', PATH, {
    key: K.lead, body: { name: uniq('Wannabe '), isDefault: true, allowedRoleIds: [R.lead.id] } }));
  // The lock rule is judged first; self-lockout after the default rule.
  await refusal(403, 'hierarchy', () => call('POST', PATH, {
    key: K.lead, body: { name: uniq('Wannabe '), isDefault: true, allowedRoleIds: [R.admin.id, R.lead.id] } }));
  await refusal(403, 'forbidden', () => call('POST', PATH, { key: K.lead, body: { name: uniq('Wannabe '), isDefault: true } }));
  // Once Lead may moderate Main as well, it may move the flag.
  await audited(() => put(ownerKey, { id: main.id, name: 'Main', allowedRoleIds: [R.lead.id] }));
  const d = await audited(() => put(K.lead, { id: c.id, name: c.name, isDefault: true }));
  assert.equal(d.community.isDefault, true);
  assert.equal((await community(main.id)).isDefault, false);
  // Restore the fixture: Main default again, administrators only.
  await audited(() => put(ownerKey, { id: main.id, name: 'Main', isDefault: true, allowedRoleIds: [] }));
  assert.equal((await community(c.id)).isDefault, false);
});

// --- A11 delete --------------------------------------------------------------------------------

test('A11: delete by body or query id; the answer is the community as it was; audit with row counts', async () => {
  const c = await mkCommunity([R.lead.id, R.mod.id], [U.helper.id, U.lead.id], { iconUrl: 'http://example.org/x.png' });
  const d = await audited(() => call('DELETE', PATH, { key: K.lead, body: { id: c.id } }));
  assert.deepEqual(d.community, { ...c, canModerate: true, canEdit: true, canDelete: true });
  assert.equal(await community(c.id), undefined);
  assert.ok(!(await visible(K.lead)).some((x) => x.id === c.id));
  const me = ok(await call('GET', '/api/auth/me', { key: K.helper })).user;
  assert.ok(!me.communities.some((x) => x.id === c.id));
  const entry = await lastAudit('community.delete');
  assert.equal(entry.targetId, c.id);
  assert.equal(entry.workspaceId, c.id);
  assert.deepEqual(entry.before, { name: c.name, iconUrl: c.iconUrl, isDefault: false,
    allowedRoleIds: c.allowedRoleIds, allowedUserIds: c.allowedUserIds, robloxGroupId: null,
    rowsRemoved: { allowedRoles: 2, allowedUsers: 2, loaderKeys: 0, rankingKeys: 0 } });
  assert.equal(entry.after, null);
  await refusal(404, 'community_not_found', () => call('DELETE', PATH, { key: K.lead, body: { id: c.id } }));
  // The id in the query; both places with the same value; the name is free again.
  const q = await mkCommunity([R.lead.id]);
  await audited(() => call('DELETE', `${PATH}?id=${q.id}`, { key: K.lead }));
  const both = await mkCommunity([R.lead.id]);
  await audited(() => call('DELETE', `${PATH}?id=${both.id}`, { key: K.lead, body: { id: both.id } }));
  await audited(() => call('POST', PATH, { key: K.lead, body: { name: q.name, allowedRoleIds: [R.lead.id] } }));
});

test('A11: id_mismatch, missing id, malformed ids, unknown and repeated parameters', async () => {
  const c = await mkCommunity([R.lead.id]);
  let res = await refusal(400, 'id_mismatch', () => call('DELETE', `${PATH}?id=${c.id}`, { key: K.lead, body: { id: main.id } }));
  assert.deepEqual(res.json.error.details, { field: 'id' });
  res = await refusal(400, 'missing_field', () => call('DELETE', PATH, { key: K.lead }));
  assert.deepEqual(res.json.error.details, { field: 'id' });
  res = await refusal(400, 'invalid_parameter', () => call('DELETE', `${PATH}?id=${c.id.toUpperCase()}`, { key: K.lead }));
  assert.equal(res.json.error.details.parameter, 'id');
  res = await refusal(400, 'invalid_field', () => call('DELETE', PATH, { key: K.lead, body: { id: 'community_1' } }));
  assert.deepEqual(res.json.error.details, { field: 'id', reason: 'must be a 24-character lowercase hex id' });
  await refusal(400, 'duplicate_parameter', () => call('DELETE', `${PATH}?id=${c.id}&id=${c.id}`, { key: K.lead }));
  await refusal(400, 'unknown_parameter', () => call('DELETE', `${PATH}?communityId=${c.id}`, { key: K.lead }));
  await refusal(400, 'unknown_field', () => call('DELETE', PATH, { key: K.lead, body: { id: c.id, force: true } }));
  await refusal(409, 'default_undeletable', () => call('DELETE', `${PATH}?id=${main.id}`, { key: ownerKey }));
  // 73 (community_in_use) needs an unrevoked loader or ranking key, which only the workspace key
  // routes (platform.md §6.3, not built yet) can make; tests/unit/test_communities.c covers it.
  await audited(() => call('DELETE', PATH, { key: K.lead, body: { id: c.id } }));
});

// --- allow-list references (§5.4) -----------------------------------------------------------------

test('unknown_ids: unknown roles and users, and accounts that are not active, are named together', async () => {
  const gone = await mkUser(uniq('gone'), R.helper.id);
  ok(await call('DELETE', `/api/users/${gone.id}`, { key: ownerKey }));
  const res = await refusal(400, 'unknown_ids', () => call('POST', PATH, { key: K.lead, body: {
    name: uniq('Refs '), allowedRoleIds: [R.lead.id, UNKNOWN_ID], allowedUserIds: [U.helper.id, 'eeeeeeeeeeeeeeeeeeeeeeee', gone.id] } }));
  assert.deepEqual(res.json.error.details, { ids: [UNKNOWN_ID, 'eeeeeeeeeeeeeeeeeeeeeeee', gone.id] });
  // Unknown ids are reported before the lock rule (step 11 before step 12).
  await refusal(400, 'unknown_ids', () => call('POST', PATH, { key: K.lead, body: {
    name: uniq('Refs '), allowedRoleIds: [R.admin.id, UNKNOWN_ID] } }));
  const c = await mkCommunity([R.lead.id]);
  await refusal(400, 'unknown_ids', () => put(K.lead, { id: c.id, name: c.name, allowedUserIds: [gone.id] }));
  // A user id is not a role id.
  await refusal(400, 'unknown_ids', () => put(K.lead, { id: c.id, name: c.name, allowedRoleIds: [R.lead.id, U.helper.id] }));
});

test('§5.4: a soft-deleted account keeps its entry; deleting a role removes it from every list', async () => {
  const name = uniq('later');
  const u = await mkUser(name, R.helper.id);
  const c = await mkCommunity([R.lead.id], [u.id]);
  ok(await call('DELETE', `/api/users/${u.id}`, { key: ownerKey }));
  assert.deepEqual((await community(c.id)).allowedUserIds, [u.id], 'kept for a restore');
  // Sending the stored list back keeps the entry; the account is not a new reference.
  await audited(() => put(K.lead, { id: c.id, name: uniq('Kept '), allowedUserIds: [u.id, U.helper.id] }));
  assert.deepEqual(sorted((await community(c.id)).allowedUserIds), sorted([u.id, U.helper.id]));
  // It may be removed (it keeps its level-20 role, below Lead).
  await audited(() => put(K.lead, { id: c.id, name: c.name, allowedUserIds: [U.helper.id] }));
  await refusal(400, 'unknown_ids', () => put(K.lead, { id: c.id, name: c.name, allowedUserIds: [U.helper.id, u.id] }));
  const temp = await mkRole(uniq('Temp'), 10);
  await audited(() => put(K.lead, { id: c.id, name: c.name, allowedRoleIds: [R.lead.id, temp.id] }));
  ok(await call('DELETE', '/api/admin/roles', { key: ownerKey, body: { roleId: temp.id } }));
  assert.deepEqual((await community(c.id)).allowedRoleIds, [R.lead.id]);
});

// --- input handling ----------------------------------------------------------------------------

test('names: 1-100 code points of name text; control, bidi and outer whitespace are invalid', async () => {
  for (const name of ['', 'x'.repeat(101), 'é'.repeat(101), ' Lead', 'Tab\tName', 'Evil\u202Eeman', 'Zero\u200Bwidth', 'Line\nbreak']) {
    const res = await refusal(400, 'invalid_field', () => call('POST', PATH, { key: ownerKey, body: { name } }));
    assert.equal(res.json.error.details.field, 'name', name);
  }
  for (const name of [7, true, ['a'], { a: 1 }]) {
    await refusal(400, 'invalid_field', () => call('POST', PATH, { key: ownerKey, body: { name } }));
  }
  await refusal(400, 'missing_field', () => call('POST', PATH, { key: ownerKey, body: {} }));
  await refusal(400, 'missing_field', () => call('POST', PATH, { key: ownerKey, body: { name: null } }));
  const long = (await audited(() => call('POST', PATH, { key: ownerKey, body: { name: 'é'.repeat(99) + 'x' } }))).community;
  assert.equal([...long.name].length, 100);
  await audited(() => call('POST', PATH, { key: ownerKey, body: { name: 'Q' } }));
});

test('iconUrl: absolute http(s) URL with a host, at most 2048 characters, no whitespace; null clears', async () => {
  const bad = ['', 'ftp://example.com/a.png', 'javascript:alert(1)', 'data:image/png;base64,AAAA', '//example.com/a.png',
    '/icons/a.png', 'https://', 'https:///a.png', 'https://:443/a.png', 'https://user@/a.png', 'https://exa mple.com/a.png',
    'https://example.com/a b.png', 'https://example.com/\u00e4.png', 'https://example.com/a.png\u00a0', 'https://example.com/"><script>',
    'https://example.com/%zz', 'https://example.com/%4', 'https://example.com/\u202e', 'https://example.com/a\\b',
    'https://example.com/' + 'a'.repeat(2029)];
  for (const iconUrl of bad) {
    const res = await refusal(400, 'invalid_field', () => call('POST', PATH, { key: ownerKey, body: { name: uniq('Icon '), iconUrl } }));
    assert.equal(res.json.error.details.field, 'iconUrl', iconUrl);
  }
  assert.equal(('https://example.com/' + 'a'.repeat(2029)).length, 2049);
  for (const iconUrl of [7, false, ['https://example.com/a.png']]) {
    await refusal(400, 'invalid_field', () => call('POST', PATH, { key: ownerKey, body: { name: uniq('Icon '), iconUrl } }));
  }
  const good = ['https://example.com/' + 'a'.repeat(2028), 'HTTP://EXAMPLE.COM', 'http://127.0.0.1:8080/i.png',
    'https://[::1]/i.png', 'https://cdn.example.com/a%20b.png?size=64&fmt=png#top', "https://example.com/~me/(1)!$'*+,;=@:"];
  for (const iconUrl of good) {
    const d = await audited(() => call('POST', PATH, { key: ownerKey, body: { name: uniq('Icon '), iconUrl } }));
    assert.equal(d.community.iconUrl, iconUrl, 'stored as sent');
  }
  const n = await audited(() => call('POST', PATH, { key: ownerKey, body: { name: uniq('Icon '), iconUrl: null } }));
  assert.equal(n.community.iconUrl, null);
  const c = n.community;
  await refusal(400, 'invalid_field', () => put(ownerKey, { id: c.id, name: c.name, iconUrl: 'mailto:x@example.com' }));
});

test('unknown fields, server-owned fields, duplicates, bad ids, wrong types and oversize lists', async () => {
  const c = await mkCommunity([R.lead.id]);
  for (const [field, value] of [['robloxGroupId', '4567890'], ['id', c.id], ['canEdit', true], ['createdAt', c.createdAt],
    ['allowedRoles', []], ['workspaceId', c.id]]) {
    const res = await refusal(400, 'unknown_field', () => call('POST', PATH, { key: ownerKey, body: { name: uniq('U '), [field]: value } }));
    assert.deepEqual(res.json.error.details, { field });
  }
  let res = await refusal(400, 'unknown_field', () => put(ownerKey, { id: c.id, name: c.name, robloxGroupId: '1' }));
  assert.deepEqual(res.json.error.details, { field: 'robloxGroupId' });
  res = await refusal(400, 'invalid_field', () => call('POST', PATH, { key: ownerKey, body: { name: uniq('D '), allowedRoleIds: [R.lead.id, R.lead.id] } }));
  assert.deepEqual(res.json.error.details, { field: 'allowedRoleIds', reason: 'duplicate' });
  res = await refusal(400, 'invalid_field', () => put(ownerKey, { id: c.id, name: c.name, allowedUserIds: [U.lead.id, U.helper.id, U.lead.id] }));
  assert.deepEqual(res.json.error.details, { field: 'allowedUserIds', reason: 'duplicate' });
  for (const bad of ['role_id', R.lead.id.toUpperCase(), R.lead.id.slice(1), `${R.lead.id}0`, '']) {
    res = await refusal(400, 'invalid_field', () => call('POST', PATH, { key: ownerKey, body: { name: uniq('B '), allowedRoleIds: [bad] } }));
    assert.equal(res.json.error.details.field, 'allowedRoleIds');
    res = await refusal(400, 'invalid_field', () => put(ownerKey, { id: c.id, name: c.name, allowedUserIds: [bad] }));
    assert.equal(res.json.error.details.field, 'allowedUserIds');
    res = await refusal(400, 'invalid_field', () => put(ownerKey, { id: bad, name: 'x' }));
    assert.equal(res.json.error.details.field, 'id');
  }
  for (const body of [{ isDefault: 'true' }, { isDefault: null }, { isDefault: 1 }, { allowedRoleIds: null },
    { allowedRoleIds: R.lead.id }, { allowedUserIds: [7] }, { allowedUserIds: {} }]) {
    await refusal(400, 'invalid_field', () => call('POST', PATH, { key: ownerKey, body: { name: uniq('T '), ...body } }));
  }
  const roles = Array.from({ length: 251 }, (_, i) => 'c' + i.toString(16).padStart(23, '0'));
  res = await refusal(400, 'invalid_field', () => call('POST', PATH, { key: ownerKey, body: { name: uniq('L '), allowedRoleIds: roles } }));
  assert.deepEqual(res.json.error.details, { field: 'allowedRoleIds', reason: 'has too many items' });
  const users = Array.from({ length: 1001 }, (_, i) => 'b' + i.toString(16).padStart(23, '0'));
  res = await refusal(400, 'invalid_field', () => put(ownerKey, { id: c.id, name: c.name, allowedUserIds: users }));
  assert.deepEqual(res.json.error.details, { field: 'allowedUserIds', reason: 'has too many items' });
  // Within the limits, unknown ids are what is wrong: 250 and 1000 well-formed unknown ids.
  res = await refusal(400, 'unknown_ids', () => call('POST', PATH, { key: ownerKey, body: { name: uniq('L '), allowedRoleIds: roles.slice(0, 250) } }));
  assert.equal(res.json.error.details.ids.length, 250);
  res = await refusal(400, 'unknown_ids', () => put(ownerKey, { id: c.id, name: c.name, allowedUserIds: users.slice(0, 1000) }));
  assert.equal(res.json.error.details.ids.length, 1000);
});

test('malformed bodies, media types and methods change nothing', async () => {
  const JSON_CT = { 'Content-Type': 'application/json' };
  for (const body of ['{"name":"Trunc"', '{"name":"T"} x', '[1]', '{"name":"Dup","name":"Dup2"}', '{"name":"N\\u0000ul"}']) {
    await refusal(400, 'invalid_json', () => call('POST', PATH, { key: ownerKey, headers: JSON_CT, body }));
  }
  await refusal(400, 'unsupported_media_type', () => call('POST', PATH, {
    key: ownerKey, body: JSON.stringify({ name: 'Plain' }), headers: { 'Content-Type': 'text/plain' } }));
  const g = await rawRequest(srv, 'GET', PATH, { 'x-api-key': ownerKey, 'Content-Type': 'application/json' }, '{}');
  expectError(g, 400, 'unexpected_body');
  expectError(await call('GET', `${PATH}?page=1`, { key: ownerKey }), 400, 'unknown_parameter');
  const m = await call('PATCH', PATH, { key: ownerKey, body: {} });
  expectError(m, 405, 'method_not_allowed');
  assert.equal(m.headers.get('allow'), 'GET, POST, PUT, DELETE');
  const s = await call('POST', SEARCH, { key: ownerKey, body: {} });
  expectError(s, 405, 'method_not_allowed');
  assert.equal(s.headers.get('allow'), 'GET');
});

// --- A12 user-search ---------------------------------------------------------------------------

async function search(q, key = K.lead) {
  return ok(await call('GET', `${SEARCH}?q=${encodeURIComponent(q)}`, { key })).users;
}

test('76, A12: q is required, 1-100 code points after trimming; other parameters are refused', async () => {
  for (const path of [SEARCH, `${SEARCH}?q=`, `${SEARCH}?q=%20%20%09`, `${SEARCH}?q=${'a'.repeat(101)}`,
    `${SEARCH}?q=${encodeURIComponent('é'.repeat(101))}`, `${SEARCH}?q=${'a'.repeat(2001)}`]) {
    const res = await call('GET', path, { key: K.lead });
    expectError(res, 400, 'invalid_parameter');
    assert.equal(res.json.error.details.parameter, 'q');
  }
  assert.ok(Array.isArray(await search('a'.repeat(100))));
  assert.ok(Array.isArray(await search(`   ${'a'.repeat(100)}   `)), 'padding does not count');
  expectError(await call('GET', `${SEARCH}?q=a&q=b`, { key: K.lead }), 400, 'duplicate_parameter');
  expectError(await call('GET', `${SEARCH}?q=a&limit=5`, { key: K.lead }), 400, 'unknown_parameter');
  expectError(await call('GET', `${SEARCH}?q=${encodeURIComponent('a\u0001')}`, { key: K.lead }), 400, 'invalid_parameter');
  const res = await rawRequest(srv, 'GET', `${SEARCH}?q=a`, { 'x-api-key': K.lead, 'Content-Type': 'application/json' }, '{}');
  expectError(res, 400, 'unexpected_body');
});

test('76, A12: exact id, exact Roblox id, username substring; exact, prefix, substring, each by name', async () => {
  const made = {};
  for (const [name, roblox] of [['zeta_scout', '7001'], ['scout', '7002'], ['Scouter', '7003'], ['alpha.scout', '7004'],
    ['ascout', null], ['bscout', null], ['s_c_o_u_t', null], ['x7001x', null]]) {
    made[name] = await mkUser(name, name === 'Scouter' ? R.mod.id : null, roblox ? { robloxUserId: roblox } : {});
  }
  let users = await search('SCOUT');
  assert.deepEqual(users.map((u) => u.username), ['scout', 'Scouter', 'alpha.scout', 'ascout', 'bscout', 'zeta_scout']);
  // The UserSummary of §1.8: no email, no password data.
  const s = users[1];
  assert.deepEqual(s, { id: made.Scouter.id, username: 'Scouter', robloxUserId: '7003',
    role: { id: R.mod.id, name: 'Mod', level: 40, color: null }, level: 40, status: 'active' });
  assert.deepEqual(users[0].role, null);
  assert.equal(users[0].level, 0);
  // Exact id and exact Roblox id come first, then substring matches of the username.
  users = await search('7001');
  assert.deepEqual(users.map((u) => u.username), ['zeta_scout', 'x7001x']);
  users = await search(made.ascout.id);
  assert.deepEqual(users.map((u) => u.id), [made.ascout.id]);
  assert.deepEqual(await search(made.ascout.id.slice(0, 20)), [], 'ids match exactly, not as substrings');
  assert.deepEqual((await search('700')).map((u) => u.username), ['x7001x'], 'Roblox ids match exactly');
  // Trimmed before matching.
  assert.deepEqual((await search('  scouter\t')).map((u) => u.username), ['Scouter']);
  // %, _ and \ are literal: _ matches only an underscore, % and \ match nothing here.
  assert.deepEqual(await search('%'), []);
  assert.deepEqual(await search('\\'), []);
  assert.deepEqual(await search('s%t'), []);
  assert.deepEqual((await search('_')).map((u) => u.username), ['s_c_o_u_t', 'zeta_scout']);
  assert.deepEqual((await search('c_o')).map((u) => u.username), ['s_c_o_u_t']);
  assert.deepEqual((await search('.')).map((u) => u.username), ['alpha.scout']);
  // Cookie mode works too, without a CSRF token.
  const viaSession = ok(await call('GET', `${SEARCH}?q=scout`, { session: leadSession })).users;
  assert.equal(viaSession.length, 6);
});

test('76, A12: soft-deleted accounts are absent; at most 20 answer', async () => {
  const doomed = await mkUser('gonescout', null, { robloxUserId: '8001' });
  assert.deepEqual((await search('gonescout')).map((u) => u.id), [doomed.id]);
  ok(await call('DELETE', `/api/users/${doomed.id}`, { key: ownerKey }));
  assert.deepEqual(await search('gonescout'), []);
  assert.deepEqual(await search(doomed.id), []);
  assert.deepEqual(await search('8001'), []);
  for (let i = 0; i < 22; i++) await mkUser(`bulk${String(i).padStart(2, '0')}`);
  const users = await search('bulk');
  assert.equal(users.length, 20);
  assert.deepEqual(users.map((u) => u.username), Array.from({ length: 20 }, (_, i) => `bulk${String(i).padStart(2, '0')}`));
  // An exact match outranks the alphabetical order of the others.
  assert.equal((await search('bulk21'))[0].username, 'bulk21');
});

// --- /api/auth/me follows the allow-lists ------------------------------------------------------------

test('/api/auth/me communities follow the allow-lists on the next request', async () => {
  const c = await mkCommunity([], []);
  const mine = async () => ok(await call('GET', '/api/auth/me', { key: K.mod })).user.communities.map((x) => x.id);
  assert.ok(!(await mine()).includes(c.id));
  await audited(() => put(ownerKey, { id: c.id, name: c.name, allowedUserIds: [U.mod.id] }));
  assert.ok((await mine()).includes(c.id));
  await audited(() => put(ownerKey, { id: c.id, name: c.name, allowedUserIds: [], allowedRoleIds: [R.mod.id] }));
  assert.ok((await mine()).includes(c.id));
  const entry = ok(await call('GET', '/api/auth/me', { key: K.mod })).user.communities.find((x) => x.id === c.id);
  assert.deepEqual(entry, { id: c.id, name: c.name, isDefault: false });
  await audited(() => put(ownerKey, { id: c.id, name: c.name, allowedRoleIds: [] }));
  assert.ok(!(await mine()).includes(c.id));
  // A role change moves access with it, on the next request.
  const byRole = await mkCommunity([R.lead.id]);
  assert.ok(!(await mine()).includes(byRole.id));
  ok(await call('PUT', `/api/users/${U.mod.id}/role`, { key: ownerKey, body: { roleId: R.lead.id } }));
  assert.ok((await mine()).includes(byRole.id));
  ok(await call('PUT', `/api/users/${U.mod.id}/role`, { key: ownerKey, body: { roleId: R.mod.id } }));
  assert.ok(!(await mine()).includes(byRole.id));
});
