// admin_roles.test.mjs: /api/admin/roles and /api/admin/permissions (staff-admin.md A1-A7), the
// hierarchy rules H1-H9 with the worked examples of §4, and the §10 checklist items that concern
// these routes. Actors at fixed levels are made through the API (POST /api/users) and get keys
// from `roster key create`; every refused escalation is checked against a fresh read of every
// role and against the audit log, so "refused" also means "nothing stored".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, api, login, ownerSession, cookieFrom, expectError, raw, parseResponses, OWNER_PASSWORD,
} from './lib/harness.mjs';
import { clock, cliKey, firstLogin, rawRequest, auditQuery, assertCookieCleared } from './lib/helpers.mjs';

const PW = 'fixture-pass-123';
const PW2 = 'fixture-pass-456';
const LEAD_PERMS = ['view_staff', 'manage_roles', 'manage_permissions', 'view_users', 'manage_users',
  'assign_roles', 'delete_users', 'revoke_sessions'];
const ALL = ['staff:write', 'staff:read', 'users:write', 'users:read'];

let srv;
let clk;
let owner;
let ownerKey;
const R = {};
const U = {};
const K = {};
let leadSession;

const call = (method, path, opts = {}) => api(srv, method, path, opts);

async function ok(res) {
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.success, true);
  assert.equal(res.json.error, null);
  return res.json.data;
}

async function mkRole(body, key = ownerKey) {
  return (await ok(await call('POST', '/api/admin/roles', { key, body }))).role;
}

async function setPerms(roleId, permissions, key = ownerKey) {
  return ok(await call('PUT', '/api/admin/permissions', { key, body: { roleId, permissions } }));
}

async function mkUser(username, roleId) {
  const body = { username, password: PW };
  if (roleId) body.roleId = roleId;
  return (await ok(await call('POST', '/api/users', { session: owner, body }))).user;
}

// An account that has replaced its one-time password, so its keys and sessions may act (§1.4).
async function mkActor(username, roleId) {
  const u = await mkUser(username, roleId);
  await firstLogin(srv, username, PW, PW2);
  return u;
}

const JSON_CT = { 'Content-Type': 'application/json' };

async function listRoles(key = ownerKey) {
  return ok(await call('GET', '/api/admin/roles', { key }));
}

// What is stored, without the per-caller flags.
async function state() {
  return (await listRoles()).roles.map(({ canEdit, canAssign, ...rest }) => rest);
}

async function role(id) {
  return (await state()).find((r) => r.id === id);
}

async function auditTotal(action = 'role.') {
  return (await auditQuery(srv, owner, `action=${action}&pageSize=1`)).total;
}

async function lastAudit(action) {
  return (await auditQuery(srv, owner, `action=${action}&pageSize=1`)).entries[0];
}

// A refused request: the error, every role unchanged, no audit entry.
async function refusal(status, code, send) {
  const before = await state();
  const a0 = await auditTotal();
  const res = await send();
  expectError(res, status, code);
  assert.deepEqual(await state(), before, 'stored roles unchanged');
  assert.equal(await auditTotal(), a0, 'a refusal writes no audit entry');
  return res;
}

// A success that must write exactly one role.* audit entry.
async function audited(send) {
  const a0 = await auditTotal();
  const res = await send();
  const data = await ok(res);
  assert.equal(await auditTotal(), a0 + 1, 'exactly one audit entry');
  return data;
}

let seq = 0;
const uniq = (p) => `${p}${++seq}`;

before(async () => {
  srv = await startServer({ args: ['--trusted-proxy', '127.0.0.1/32'] });
  clk = clock(srv);
  owner = await ownerSession(srv);
  ownerKey = cliKey(srv, 'owner', 'owner-all', ALL);
  R.junior = await mkRole({ name: 'Junior', level: 10 });
  R.helper = await mkRole({ name: 'Helper', level: 20 });
  R.thirty = await mkRole({ name: 'Thirty', level: 30 });
  R.mod = await mkRole({ name: 'Mod', level: 40, enforceWhitelistedRoles: true, assignableRoles: [R.helper.id] });
  R.fifty = await mkRole({ name: 'Fifty', level: 50 });
  R.lead = await mkRole({ name: 'Lead', level: 60 });
  R.lite = await mkRole({ name: 'LeadLite', level: 60 });
  R.admin = await mkRole({ name: 'Admin', level: 80 });
  await setPerms(R.admin.id, ['administrator']);
  await setPerms(R.lead.id, LEAD_PERMS);
  await setPerms(R.lite.id, ['view_staff', 'manage_roles']);
  await setPerms(R.mod.id, ['view_staff', 'manage_roles', 'view_users', 'assign_roles']);
  await setPerms(R.helper.id, ['view_audit_log']);
  U.lead = await mkUser('lead', R.lead.id);
  U.peer = await mkActor('peer', R.lead.id);
  U.lite = await mkActor('lite', R.lite.id);
  U.mod = await mkActor('mod', R.mod.id);
  U.admin = await mkActor('admin', R.admin.id);
  U.zero = await mkUser('zero'); // keeps its one-time password until test 33
  for (const name of ['lead', 'lite', 'mod', 'admin', 'zero']) K[name] = cliKey(srv, name, 'k', ALL);
  K.leadRead = cliKey(srv, 'lead', 'read-only', ['staff:read']);
  leadSession = await firstLogin(srv, 'lead', PW, PW2);
});
after(async () => { await srv.stop(); });

// --- A1 -------------------------------------------------------------------------------------

test('A1 lists every role by position with the caller\'s flags and the actor sibling', async () => {
  const data = await listRoles(K.lead);
  const roles = data.roles;
  assert.deepEqual(roles.map((r) => r.position), roles.map((_, i) => i), 'contiguous from 0');
  const levels = roles.map((r) => r.level);
  assert.deepEqual(levels, [...levels].sort((a, b) => b - a), 'inserted by level, highest first');
  const ownerRole = roles[0];
  assert.equal(ownerRole.name, 'Owner');
  assert.equal(ownerRole.isSystem, true);
  assert.equal(ownerRole.level, 100);
  assert.deepEqual(ownerRole.permissions, ['administrator']);
  assert.equal(ownerRole.canEdit, false);
  assert.deepEqual(Object.keys(ownerRole).sort(), ['assignableRoles', 'canAssign', 'canEdit', 'color',
    'createdAt', 'enforceWhitelistedRoles', 'id', 'isSystem', 'level', 'memberCount', 'name',
    'permissions', 'position', 'updatedAt']);
  assert.match(ownerRole.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  const byId = Object.fromEntries(roles.map((r) => [r.id, r]));
  assert.equal(byId[R.helper.id].canEdit, true, 'below Lead');
  assert.equal(byId[R.helper.id].canAssign, true);
  assert.equal(byId[R.lead.id].canEdit, false, 'own role');
  assert.equal(byId[R.lite.id].canEdit, false, 'peer role');
  assert.equal(byId[R.admin.id].canEdit, false, 'higher role');
  assert.equal(byId[R.lead.id].memberCount, 2);
  assert.equal(byId[R.mod.id].isSystem, false);
  assert.deepEqual(byId[R.mod.id].assignableRoles, [R.helper.id]);
  assert.deepEqual(byId[R.lead.id].permissions, LEAD_PERMS, 'catalogue order');
  assert.deepEqual(data.actor, { userId: U.lead.id, level: 60, roleId: R.lead.id,
    enforceWhitelistedRoles: false, assignableRoleIds: [] });
});

test('A1 canEdit follows the whitelist and canAssign needs assign_roles', async () => {
  const mod = await listRoles(K.mod);
  const m = Object.fromEntries(mod.roles.map((r) => [r.id, r]));
  assert.equal(m[R.helper.id].canEdit, true, 'listed and below');
  assert.equal(m[R.helper.id].canAssign, true);
  assert.equal(m[R.junior.id].canEdit, false, 'below but not listed');
  assert.equal(m[R.junior.id].canAssign, false);
  assert.deepEqual(mod.actor, { userId: U.mod.id, level: 40, roleId: R.mod.id,
    enforceWhitelistedRoles: true, assignableRoleIds: [R.helper.id] });
  const lite = await listRoles(K.lite);
  const l = Object.fromEntries(lite.roles.map((r) => [r.id, r]));
  assert.equal(l[R.helper.id].canEdit, true);
  assert.equal(l[R.helper.id].canAssign, false, 'no assign_roles');
});

// --- authentication, scopes, CSRF (checklist 1-33) -------------------------------------------

const ROUTES = [
  ['GET', '/api/admin/roles'], ['POST', '/api/admin/roles'], ['PUT', '/api/admin/roles'],
  ['PATCH', '/api/admin/roles'], ['DELETE', '/api/admin/roles'], ['GET', '/api/admin/permissions'],
  ['PUT', '/api/admin/permissions'],
];

test('1: no cookie and no key on each of A1-A7 is 401 with the envelope', async () => {
  for (const [m, p] of ROUTES) {
    const res = await call(m, p, m === 'GET' ? {} : { body: {} });
    expectError(res, 401, 'unauthenticated');
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(res.headers.get('cache-control'), 'no-store');
  }
});

test('2-5, 8: cookie mutations without a valid CSRF token are refused and change nothing', async () => {
  const body = { name: uniq('Csrf'), level: 5 };
  await refusal(403, 'csrf_failed', () => call('POST', '/api/admin/roles', { session: owner, csrf: false, body }));
  await refusal(403, 'csrf_failed', () => call('POST', '/api/admin/roles', {
    session: owner, csrf: false, body, headers: { 'x-csrf-token': 'f'.repeat(64) } }));
  const other = await login(srv, 'owner', OWNER_PASSWORD);
  await refusal(403, 'csrf_failed', () => call('POST', '/api/admin/roles', {
    session: owner, csrf: false, body, headers: { 'x-csrf-token': other.csrf } }));
  // A token issued before re-login belongs to the old session.
  const relog = await api(srv, 'POST', '/api/auth/login', {
    body: { username: 'owner', password: OWNER_PASSWORD }, headers: { Cookie: `roster_session=${other.cookie}` } });
  const fresh = { cookie: cookieFrom(relog).value, csrf: relog.json.data.csrfToken };
  await refusal(403, 'csrf_failed', () => call('POST', '/api/admin/roles', {
    session: fresh, csrf: false, body, headers: { 'x-csrf-token': other.csrf } }));
  await refusal(403, 'csrf_failed', () => call('POST',
    `/api/admin/roles?x-csrf-token=${fresh.csrf}`, { session: fresh, csrf: false, body }));
  await audited(() => call('POST', '/api/admin/roles', { session: fresh, body }));
});

test('6-7: cross-site Fetch-Metadata or a foreign Origin fail CSRF on A5 and A3', async () => {
  const victim = await mkRole({ name: uniq('Victim'), level: 5 });
  await refusal(403, 'csrf_failed', () => call('DELETE', '/api/admin/roles', {
    session: owner, body: { roleId: victim.id }, headers: { 'Sec-Fetch-Site': 'cross-site' } }));
  await refusal(403, 'csrf_failed', () => call('PUT', '/api/admin/roles', {
    session: owner, body: { roleId: victim.id, name: 'Evil' }, headers: { Origin: 'https://evil.example' } }));
  assert.ok(await role(victim.id), 'role still there');
});

test('9-10: cookie GET needs no token; key POST needs no token', async () => {
  await ok(await call('GET', '/api/admin/roles', { session: owner }));
  const r = await audited(() => call('POST', '/api/admin/roles', { key: K.lead, body: { name: uniq('KeyMade'), level: 7 } }));
  assert.equal(r.role.level, 7);
});

test('13-14: a cookie named session, or two roster_session cookies, is 401', async () => {
  expectError(await call('GET', '/api/admin/roles', { headers: { Cookie: `session=${owner.cookie}` } }),
    401, 'unauthenticated');
  expectError(await call('GET', '/api/admin/roles', {
    headers: { Cookie: `roster_session=${owner.cookie}; roster_session=${owner.cookie}` } }), 401, 'unauthenticated');
});

test('15-20: key headers, ambiguity, key wins over cookie, credentials in the URL', async () => {
  const a = await call('GET', '/api/admin/roles', { headers: { Authorization: `Bearer ${K.lead}` } });
  const b = await call('GET', '/api/admin/roles', { headers: { 'x-api-key': K.lead } });
  const c = await call('GET', '/api/admin/roles', { headers: { 'x-api-token': K.lead } });
  const d = await call('GET', '/api/admin/roles', { headers: { authorization: `bearer ${K.lead}` } });
  for (const res of [a, b, c, d]) assert.equal(res.status, 200, res.text);
  assert.deepEqual(b.json.data, a.json.data);
  assert.deepEqual(c.json.data, a.json.data);
  expectError(await call('GET', '/api/admin/roles', {
    headers: { Authorization: `Bearer ${K.lead}`, 'x-api-key': K.mod } }), 400, 'ambiguous_credentials');
  expectError(await call('GET', '/api/admin/roles', {
    headers: { 'x-api-key': 'prapi_' + 'A'.repeat(43), Cookie: `roster_session=${owner.cookie}` } }), 401, 'unauthenticated');
  expectError(await call('GET', `/api/admin/roles?api_key=${K.lead}`, { key: K.lead }), 400, 'credential_in_query');
  expectError(await call('GET', '/api/admin/roles?x=prapi_abc', { key: K.lead }), 400, 'credential_in_query');
});

test('21-22: scopes: staff:read cannot write, staff:write includes read, users scopes do not cover staff', async () => {
  const res = await refusal(403, 'scope_missing', () => call('POST', '/api/admin/roles', {
    key: K.leadRead, body: { name: uniq('Scoped'), level: 5 } }));
  assert.deepEqual(res.json.error.details, { scope: 'staff:write' });
  const s = await refusal(403, 'scope_missing', () => call('PUT', '/api/admin/permissions', {
    key: K.leadRead, body: { roleId: R.helper.id, permissions: [] } }));
  assert.deepEqual(s.json.error.details, { scope: 'staff:write' });
  await ok(await call('GET', '/api/admin/permissions', { key: K.leadRead }));
  const usersOnly = cliKey(srv, 'lead', 'users-only', ['users:write']);
  const u = await call('GET', '/api/admin/roles', { key: usersOnly });
  expectError(u, 403, 'scope_missing');
  assert.deepEqual(u.json.error.details, { scope: 'staff:read' });
});

test('26-27, 32: revoked and malformed keys are 401; an allow-list outside the address is 403', async () => {
  const made = await ok(await call('POST', '/api/keys', { session: owner, body: { name: 'tmp', scopes: ['staff:read'] } }));
  await ok(await call('GET', '/api/admin/roles', { key: made.secret }));
  await ok(await call('DELETE', `/api/keys/${made.key.id}`, { session: owner }));
  expectError(await call('GET', '/api/admin/roles', { key: made.secret }), 401, 'unauthenticated');
  for (const bad of ['prapi-' + 'a'.repeat(43), 'prapi_' + 'a'.repeat(10000), 'prapi_' + '!'.repeat(43)]) {
    expectError(await call('GET', '/api/admin/roles', { key: bad }), 401, 'unauthenticated');
  }
  const fenced = cliKey(srv, 'lead', 'fenced', ['staff:read'], ['--allow-ip', '10.9.9.0/24']);
  expectError(await call('GET', '/api/admin/roles', { key: fenced }), 403, 'ip_not_allowed');
  // 28: the same key through the trusted proxy fixture, from an allowed address.
  await ok(await call('GET', '/api/admin/roles', { key: fenced, headers: { 'X-Forwarded-For': '10.9.9.7' } }));
});

test('30: a key whose user lost manage_roles is refused on the next request', async () => {
  const flipRole = await mkRole({ name: uniq('Flip'), level: 15 });
  await setPerms(flipRole.id, ['view_staff', 'manage_roles']);
  const name = uniq('flip');
  await mkActor(name, flipRole.id);
  const key = cliKey(srv, name, 'k', ALL);
  await audited(() => call('POST', '/api/admin/roles', { key, body: { name: uniq('ByFlip'), level: 3 } }));
  await setPerms(flipRole.id, ['view_staff']);
  const res = await refusal(403, 'forbidden', () => call('POST', '/api/admin/roles', {
    key, body: { name: uniq('ByFlip'), level: 3 } }));
  assert.deepEqual(res.json.error.details, { permission: 'manage_roles' });
});

test('33, 54: a level-0 user is forbidden; before its password change it is password_change_required', async () => {
  const s = await login(srv, 'zero', PW);
  expectError(await call('GET', '/api/admin/roles', { session: s }), 403, 'password_change_required');
  const changed = await firstLogin(srv, 'zero', PW, PW2);
  const res = await call('GET', '/api/admin/roles', { session: changed });
  expectError(res, 403, 'forbidden');
  assert.deepEqual(res.json.error.details, { permission: 'view_staff' });
  expectError(await call('GET', '/api/admin/permissions', { key: K.zero }), 403, 'forbidden');
});

// --- hierarchy: worked examples of §4 (actor Lead at 60) and checklist 34-51 -------------------

test('§4/34: Lead creates at 59; 60 and 61 are hierarchy and nothing is created', async () => {
  const r = await audited(() => call('POST', '/api/admin/roles', { key: K.lead, body: { name: uniq('At59'), level: 59 } }));
  assert.equal(r.role.level, 59);
  assert.deepEqual(r.role.permissions, []);
  assert.equal(r.role.canEdit, true);
  for (const level of [60, 61]) {
    await refusal(403, 'hierarchy', () => call('POST', '/api/admin/roles', { key: K.lead, body: { name: uniq('Hi'), level } }));
  }
  // The same through a session.
  await refusal(403, 'hierarchy', () => call('POST', '/api/admin/roles', { session: leadSession, body: { name: uniq('Hi'), level: 60 } }));
});

test('§4/35: raising a level-30 (or 20) role to 60 is hierarchy, level unchanged', async () => {
  await refusal(403, 'hierarchy', () => call('PUT', '/api/admin/roles', { key: K.lead, body: { roleId: R.thirty.id, level: 60 } }));
  await refusal(403, 'hierarchy', () => call('PUT', '/api/admin/roles', { key: K.lead, body: { roleId: R.helper.id, level: 60 } }));
  assert.equal((await role(R.thirty.id)).level, 30);
  assert.equal((await role(R.helper.id)).level, 20);
});

test('§4/36-38: own role, a higher role and a peer role cannot be edited or deleted', async () => {
  await refusal(403, 'hierarchy', () => call('PUT', '/api/admin/roles', { key: K.lead, body: { roleId: R.lead.id, name: 'Boss' } }));
  await refusal(403, 'hierarchy', () => call('PUT', '/api/admin/roles', { session: leadSession, body: { roleId: R.lead.id, name: 'Boss' } }));
  await refusal(403, 'hierarchy', () => call('PUT', '/api/admin/roles', { key: K.lead, body: { roleId: R.admin.id, color: '#000' } }));
  await refusal(403, 'hierarchy', () => call('DELETE', '/api/admin/roles', { key: K.lead, body: { roleId: R.lite.id } }));
  await refusal(403, 'hierarchy', () => call('DELETE', `/api/admin/roles?roleId=${R.admin.id}`, { key: K.lead }));
  await refusal(403, 'hierarchy', () => call('PUT', '/api/admin/permissions', { key: K.lead, body: { roleId: R.lite.id, permissions: [] } }));
});

test('§4/39-40, 42: no elevation: adding or removing keys not held is permission_not_held', async () => {
  let res = await refusal(403, 'permission_not_held', () => call('PUT', '/api/admin/permissions', {
    key: K.lead, body: { roleId: R.thirty.id, permissions: ['view_users', 'view_removed_accounts', 'erase_accounts'] } }));
  assert.deepEqual(res.json.error.details, { permissions: ['view_removed_accounts', 'erase_accounts'] });
  res = await refusal(403, 'permission_not_held', () => call('PUT', '/api/admin/permissions', {
    key: K.lead, body: { roleId: R.helper.id, permissions: [] } }));
  assert.deepEqual(res.json.error.details, { permissions: ['view_audit_log'] }, 'removing a key not held');
  res = await refusal(403, 'permission_not_held', () => call('PUT', '/api/admin/permissions', {
    key: K.lead, body: { roleId: R.thirty.id, permissions: ['administrator'] } }));
  assert.deepEqual(res.json.error.details, { permissions: ['administrator'] });
  res = await refusal(403, 'permission_not_held', () => call('PUT', '/api/admin/roles', {
    key: K.lead, body: { roleId: R.thirty.id, permissions: ['administrator'] } }));
  // Keys the role keeps are not checked: Helper keeps view_audit_log while Lead adds view_users.
  const d = await audited(() => call('PUT', '/api/admin/permissions', {
    key: K.lead, body: { roleId: R.helper.id, permissions: ['view_users', 'view_audit_log'] } }));
  assert.deepEqual(d, { permissions: ['view_users', 'view_audit_log'], roleId: R.helper.id });
  await setPerms(R.helper.id, ['view_audit_log']);
});

test('41: permissions on A3 without manage_permissions is forbidden', async () => {
  const res = await refusal(403, 'forbidden', () => call('PUT', '/api/admin/roles', {
    key: K.lite, body: { roleId: R.junior.id, permissions: [] } }));
  assert.deepEqual(res.json.error.details, { permission: 'manage_permissions' });
  const a7 = await refusal(403, 'forbidden', () => call('PUT', '/api/admin/permissions', {
    key: K.lite, body: { roleId: R.junior.id, permissions: [] } }));
  assert.deepEqual(a7.json.error.details, { permission: 'manage_permissions' });
  // Without permissions the same actor may edit the role.
  await audited(() => call('PUT', '/api/admin/roles', { key: K.lite, body: { roleId: R.junior.id, color: '#123' } }));
  assert.equal((await role(R.junior.id)).color, '#112233');
});

test('43-45, 47: a whitelist-enforcing actor creates nothing and touches only listed roles', async () => {
  await refusal(403, 'not_assignable', () => call('POST', '/api/admin/roles', { key: K.mod, body: { name: uniq('ByMod'), level: 5 } }));
  await refusal(403, 'not_assignable', () => call('PUT', '/api/admin/roles', { key: K.mod, body: { roleId: R.junior.id, name: 'Renamed' } }));
  await refusal(403, 'not_assignable', () => call('DELETE', '/api/admin/roles', { key: K.mod, body: { roleId: R.junior.id } }));
  const res = await refusal(403, 'not_assignable', () => call('PUT', '/api/admin/roles', {
    key: K.mod, body: { roleId: R.helper.id, assignableRoles: [R.junior.id] } }));
  assert.deepEqual(res.json.error.details, { ids: [R.junior.id] });
  // Above Mod: hierarchy comes before the whitelist.
  await refusal(403, 'hierarchy', () => call('PUT', '/api/admin/roles', { key: K.mod, body: { roleId: R.fifty.id, name: 'Xx' } }));
  const d = await audited(() => call('PUT', '/api/admin/roles', { key: K.mod, body: { roleId: R.helper.id, color: '#5865F2' } }));
  assert.equal(d.role.color, '#5865f2');
  assert.equal(d.role.canEdit, true);
});

test('46: assignableRoles entries must be below the role; unknown ids are unknown_ids', async () => {
  let res = await refusal(400, 'assignable_not_below', () => call('PUT', '/api/admin/roles', {
    key: K.lead, body: { roleId: R.helper.id, assignableRoles: [R.junior.id, R.thirty.id] } }));
  assert.deepEqual(res.json.error.details, { ids: [R.thirty.id] });
  res = await refusal(400, 'assignable_not_below', () => call('PUT', '/api/admin/roles', {
    key: K.lead, body: { roleId: R.helper.id, assignableRoles: [R.helper.id] } }));
  assert.deepEqual(res.json.error.details, { ids: [R.helper.id] }, 'a role is never assignable by itself');
  // Also when the same request raises its level (the list is judged at the resulting level).
  res = await refusal(400, 'assignable_not_below', () => call('PUT', '/api/admin/roles', {
    key: K.lead, body: { roleId: R.helper.id, level: 25, assignableRoles: [R.helper.id] } }));
  assert.deepEqual(res.json.error.details, { ids: [R.helper.id] }, 'not even with a level raise');
  res = await refusal(400, 'assignable_not_below', () => call('POST', '/api/admin/roles', {
    key: K.lead, body: { name: uniq('Low'), level: 20, assignableRoles: [R.helper.id] } }));
  const ghost = 'aaaaaaaaaaaaaaaaaaaaaaaa';
  res = await refusal(400, 'unknown_ids', () => call('POST', '/api/admin/roles', {
    key: K.lead, body: { name: uniq('Ghost'), level: 25, assignableRoles: [R.junior.id, ghost] } }));
  assert.deepEqual(res.json.error.details, { ids: [ghost] });
  await refusal(400, 'invalid_field', () => call('POST', '/api/admin/roles', {
    key: K.lead, body: { name: uniq('Dup'), level: 25, assignableRoles: [R.junior.id, R.junior.id] } }));
  const d = await audited(() => call('POST', '/api/admin/roles', {
    key: K.lead, body: { name: uniq('WithList'), level: 25, assignableRoles: [R.helper.id, R.junior.id] } }));
  assert.deepEqual(d.role.assignableRoles, [R.helper.id, R.junior.id], 'display order');
});

test('§4/48-51: reorder locks, free moves, duplicates, unknown ids and a stale list', async () => {
  const ids = (await state()).map((r) => r.id);
  const moved = [ids[1], ids[0], ...ids.slice(2)];
  let res = await refusal(403, 'hierarchy', () => call('PATCH', '/api/admin/roles', { key: K.lead, body: { orderedRoleIds: moved } }));
  assert.deepEqual(res.json.error.details.ids.sort(), [ids[0], ids[1]].sort());
  // Swap Thirty and Junior (both below Lead, not whitelisted).
  const levelsBefore = Object.fromEntries((await state()).map((r) => [r.id, r.level]));
  const i = ids.indexOf(R.thirty.id);
  const j = ids.indexOf(R.junior.id);
  const swapped = [...ids];
  [swapped[i], swapped[j]] = [swapped[j], swapped[i]];
  const d = await audited(() => call('PATCH', '/api/admin/roles', { key: K.lead, body: { orderedRoleIds: swapped } }));
  assert.deepEqual(d.roles.map((r) => r.id), swapped);
  assert.deepEqual(d.roles.map((r) => r.position), swapped.map((_, k) => k));
  assert.equal(d.actor, undefined, 'A4 answers without actor');
  assert.deepEqual(Object.fromEntries((await state()).map((r) => [r.id, r.level])), levelsBefore, 'levels unchanged');
  const entry = await lastAudit('role.reorder');
  assert.deepEqual(entry.before, { order: ids });
  assert.deepEqual(entry.after, { order: swapped });
  // The same order again changes nothing and writes nothing.
  const a0 = await auditTotal();
  await ok(await call('PATCH', '/api/admin/roles', { key: K.lead, body: { orderedRoleIds: swapped } }));
  assert.equal(await auditTotal(), a0);
  // Mod may move only Helper; Junior is locked for it.
  const mi = swapped.indexOf(R.helper.id);
  const mj = swapped.indexOf(R.junior.id);
  const modOrder = [...swapped];
  [modOrder[mi], modOrder[mj]] = [modOrder[mj], modOrder[mi]];
  await refusal(403, 'hierarchy', () => call('PATCH', '/api/admin/roles', { key: K.mod, body: { orderedRoleIds: modOrder } }));
  res = await refusal(400, 'invalid_order', () => call('PATCH', '/api/admin/roles', {
    key: K.lead, body: { orderedRoleIds: [...swapped, swapped[3]] } }));
  assert.deepEqual(res.json.error.details, { duplicates: [swapped[3]] });
  const ghost = 'bbbbbbbbbbbbbbbbbbbbbbbb';
  res = await refusal(400, 'unknown_ids', () => call('PATCH', '/api/admin/roles', {
    key: K.lead, body: { orderedRoleIds: [...swapped.slice(0, -1), ghost] } }));
  assert.deepEqual(res.json.error.details, { ids: [ghost] });
  await refusal(400, 'invalid_field', () => call('PATCH', '/api/admin/roles', { key: K.lead, body: { orderedRoleIds: [1, 2] } }));
  await refusal(400, 'missing_field', () => call('PATCH', '/api/admin/roles', { key: K.lead, body: {} }));
  // A role created after the client read the list makes the list stale.
  await mkRole({ name: uniq('Late'), level: 2 });
  await refusal(409, 'stale_order', () => call('PATCH', '/api/admin/roles', { key: K.lead, body: { orderedRoleIds: swapped } }));
});

// --- A2-A7 behaviour (checklist 60-68) ---------------------------------------------------------

test('60: level must be a JSON integer in 1-100', async () => {
  for (const level of ['', 50.5, '50', 0, 101, -1, true, null]) {
    await refusal(400, level === null ? 'missing_field' : 'invalid_field', () =>
      call('POST', '/api/admin/roles', { key: K.lead, body: { name: uniq('Lvl'), level } }));
  }
  for (const raw of ['50.0', '5e1']) {
    const res = await refusal(400, 'invalid_field', () => call('POST', '/api/admin/roles', {
      key: K.lead, headers: JSON_CT, body: `{"name":"${uniq('Raw')}","level":${raw}}` }));
    assert.deepEqual(res.json.error.details, { field: 'level', reason: 'must be an integer' });
  }
  await refusal(400, 'missing_field', () => call('POST', '/api/admin/roles', { key: K.lead, body: { name: uniq('NoLvl') } }));
});

test('61, X-7: colours #rgb and #rrggbb in any case are stored lowercase; others are invalid', async () => {
  let d = await audited(() => call('POST', '/api/admin/roles', { key: K.lead, body: { name: uniq('Col'), level: 5, color: '#ABC' } }));
  assert.equal(d.role.color, '#aabbcc');
  d = await audited(() => call('POST', '/api/admin/roles', { key: K.lead, body: { name: uniq('Col'), level: 5, color: '#A1b2C3' } }));
  assert.equal(d.role.color, '#a1b2c3');
  assert.equal((await role(d.role.id)).color, '#a1b2c3');
  for (const color of ['example-color', '', '#abcd', '#ggg', 'abc', '#12345', '#1234567', 5]) {
    const res = await refusal(400, 'invalid_field', () => call('POST', '/api/admin/roles', {
      key: K.lead, body: { name: uniq('Col'), level: 5, color } }));
    assert.equal(res.json.error.details.field, 'color');
  }
  d = await audited(() => call('PUT', '/api/admin/roles', { key: K.lead, body: { roleId: d.role.id, color: null } }));
  assert.equal(d.role.color, null, 'null clears');
  d = await audited(() => call('POST', '/api/admin/roles', { key: K.lead, body: { name: uniq('NoCol'), level: 5, color: null } }));
  assert.equal(d.role.color, null);
});

test('62, 100: role names are 2-50 code points of name text, unique ignoring ASCII case', async () => {
  for (const name of ['A', 'x'.repeat(51), 'é'.repeat(51), ' Lead2', 'Lead2 ', 'Bad\u202Ename', 'Bad\u0007', 'Zero\u200Bwidth', 'Tab\tname']) {
    const res = await refusal(400, 'invalid_field', () => call('POST', '/api/admin/roles', { key: K.lead, body: { name, level: 5 } }));
    assert.equal(res.json.error.details.field, 'name');
  }
  await audited(() => call('POST', '/api/admin/roles', { key: K.lead, body: { name: 'é'.repeat(50), level: 5 } }));
  await audited(() => call('POST', '/api/admin/roles', { key: K.lead, body: { name: 'Ok', level: 5 } }));
  await refusal(409, 'name_taken', () => call('POST', '/api/admin/roles', { key: K.lead, body: { name: 'JUNIOR', level: 5 } }));
  await refusal(409, 'name_taken', () => call('PUT', '/api/admin/roles', { key: K.lead, body: { roleId: R.thirty.id, name: 'hElPeR' } }));
  // Only ASCII letters fold: É is not é.
  await audited(() => call('POST', '/api/admin/roles', { key: K.lead, body: { name: 'É'.repeat(50), level: 5 } }));
  // Renaming a role to another case of its own name is allowed.
  const d = await audited(() => call('PUT', '/api/admin/roles', { key: K.lead, body: { roleId: R.thirty.id, name: 'THIRTY' } }));
  assert.equal(d.role.name, 'THIRTY');
  await audited(() => call('PUT', '/api/admin/roles', { key: K.lead, body: { roleId: R.thirty.id, name: 'Thirty' } }));
});

test('A2: position goes directly above the first lower role; audit role.create holds the role', async () => {
  const before = await state();
  const level = 35;
  const expect = before.findIndex((r) => r.level < level);
  const d = await audited(() => call('POST', '/api/admin/roles', {
    key: K.lead, body: { name: uniq('Pos'), level, enforceWhitelistedRoles: true, assignableRoles: [R.thirty.id] } }));
  assert.equal(d.role.position, expect);
  assert.equal(d.role.enforceWhitelistedRoles, true);
  assert.equal(d.role.memberCount, 0);
  assert.equal(d.role.isSystem, false);
  const after = await state();
  assert.deepEqual(after.map((r) => r.position), after.map((_, i) => i), 'still contiguous');
  assert.deepEqual(after.filter((r) => r.id !== d.role.id).map((r) => r.id), before.map((r) => r.id), 'others shift down');
  const entry = await lastAudit('role.create');
  assert.equal(entry.targetId, d.role.id);
  assert.equal(entry.targetType, 'role');
  assert.equal(entry.actor.user.id, U.lead.id);
  assert.equal(entry.after.level, level);
  assert.deepEqual(entry.after.assignableRoles, [R.thirty.id]);
  // The lowest level goes to the bottom.
  const low = await mkRole({ name: uniq('Bottom'), level: 1 });
  assert.equal(low.position, after.length);
  await refusal(400, 'unknown_field', () => call('POST', '/api/admin/roles', {
    key: K.lead, body: { name: uniq('Sys'), level: 5, isSystem: true } }));
  await refusal(400, 'unknown_field', () => call('POST', '/api/admin/roles', {
    key: K.lead, body: { name: uniq('Pos'), level: 5, position: 0 } }));
});

test('A3: partial update, at least one field, role_not_found and malformed ids', async () => {
  const r = await mkRole({ name: uniq('Upd'), level: 12 });
  await refusal(400, 'missing_field', () => call('PUT', '/api/admin/roles', { key: K.lead, body: { roleId: r.id } }));
  await refusal(400, 'missing_field', () => call('PUT', '/api/admin/roles', { key: K.lead, body: { name: 'X1' } }));
  await refusal(404, 'role_not_found', () => call('PUT', '/api/admin/roles', { key: K.lead, body: { roleId: 'cccccccccccccccccccccccc', name: 'Nope' } }));
  for (const roleId of ['role_id', 'CCCCCCCCCCCCCCCCCCCCCCCC', 'ccc', 7]) {
    await refusal(400, 'invalid_field', () => call('PUT', '/api/admin/roles', { key: K.lead, body: { roleId, name: 'Nope' } }));
  }
  const before = await role(r.id);
  const d = await audited(() => call('PUT', '/api/admin/roles', {
    key: K.lead, body: { roleId: r.id, name: uniq('Renamed'), enforceWhitelistedRoles: true } }));
  assert.equal(d.role.level, 12, 'absent fields unchanged');
  assert.equal(d.role.enforceWhitelistedRoles, true);
  assert.equal(d.role.createdAt, before.createdAt);
  const entry = await lastAudit('role.update');
  assert.deepEqual(entry.before, { name: before.name, enforceWhitelistedRoles: false });
  assert.deepEqual(entry.after, { name: d.role.name, enforceWhitelistedRoles: true });
  // Sending the current values changes nothing and writes nothing.
  const a0 = await auditTotal();
  await ok(await call('PUT', '/api/admin/roles', { key: K.lead, body: { roleId: r.id, level: 12, name: d.role.name } }));
  assert.equal(await auditTotal(), a0);
  // A permission change inside A3 is validated like A7 and recorded in the same entry.
  await refusal(400, 'unknown_permissions', () => call('PUT', '/api/admin/roles', {
    key: K.lead, body: { roleId: r.id, permissions: ['nope'] } }));
  await refusal(400, 'missing_prerequisites', () => call('PUT', '/api/admin/roles', {
    key: K.lead, body: { roleId: r.id, permissions: ['manage_users'] } }));
  const p = await audited(() => call('PUT', '/api/admin/roles', {
    key: K.lead, body: { roleId: r.id, level: 11, permissions: ['view_users', 'manage_users'] } }));
  assert.deepEqual(p.role.permissions, ['view_users', 'manage_users']);
  const e2 = await lastAudit('role.update');
  assert.deepEqual(e2.after, { level: 11, permissions: ['view_users', 'manage_users'] });
});

test('67: a level change prunes assignable pairs and the audit lists them', async () => {
  const q = await mkRole({ name: uniq('Q'), level: 31 });
  const s = await mkRole({ name: uniq('S'), level: 21 });
  const p = await mkRole({ name: uniq('P'), level: 51, assignableRoles: [q.id, s.id] });
  const v = await mkRole({ name: uniq('V'), level: 55, assignableRoles: [p.id, q.id] });
  // Lowering P to 25: its own entry Q (31) goes; V (55) keeps P.
  let d = await audited(() => call('PUT', '/api/admin/roles', { key: K.lead, body: { roleId: p.id, level: 25 } }));
  assert.deepEqual(d.role.assignableRoles, [s.id]);
  let entry = await lastAudit('role.update');
  assert.deepEqual(entry.after.prunedAssignable, [{ roleId: p.id, assignableId: q.id }]);
  assert.deepEqual((await role(v.id)).assignableRoles, [p.id, q.id]);
  // Raising S to 45: P (25) and Q... only roles at or below 45 that list S lose it: P.
  d = await audited(() => call('PUT', '/api/admin/roles', { key: K.lead, body: { roleId: s.id, level: 45 } }));
  entry = await lastAudit('role.update');
  assert.deepEqual(entry.after.prunedAssignable, [{ roleId: p.id, assignableId: s.id }]);
  assert.deepEqual((await role(p.id)).assignableRoles, []);
  // Raising Q to 58 takes it off V's list (55 <= 58).
  await audited(() => call('PUT', '/api/admin/roles', { key: K.lead, body: { roleId: q.id, level: 58 } }));
  assert.deepEqual((await role(v.id)).assignableRoles, [p.id]);
  // An explicit list is checked against the new level instead of being pruned.
  await refusal(400, 'assignable_not_below', () => call('PUT', '/api/admin/roles', {
    key: K.lead, body: { roleId: v.id, level: 20, assignableRoles: [p.id] } }));
});

test('63-65, A7: catalogue keys, prerequisite closure, replace semantics', async () => {
  const r = await mkRole({ name: uniq('Perm'), level: 9 });
  let res = await refusal(400, 'unknown_permissions', () => call('PUT', '/api/admin/permissions', {
    key: K.lead, body: { roleId: r.id, permissions: ['view_staff', 'fly', 'teleport'] } }));
  assert.deepEqual(res.json.error.details, { permissions: ['fly', 'teleport'] });
  res = await refusal(400, 'missing_prerequisites', () => call('PUT', '/api/admin/permissions', {
    key: K.lead, body: { roleId: r.id, permissions: ['manage_permissions', 'view_staff', 'assign_roles'] } }));
  assert.deepEqual(res.json.error.details, { missing: [
    { permission: 'manage_permissions', requires: ['manage_roles'] },
    { permission: 'assign_roles', requires: ['view_users'] },
  ] });
  // Unknown keys are reported before the target is looked up.
  await refusal(400, 'unknown_permissions', () => call('PUT', '/api/admin/permissions', {
    key: K.lead, body: { roleId: 'dddddddddddddddddddddddd', permissions: ['fly'] } }));
  await refusal(404, 'role_not_found', () => call('PUT', '/api/admin/permissions', {
    key: K.lead, body: { roleId: 'dddddddddddddddddddddddd', permissions: [] } }));
  res = await refusal(400, 'invalid_field', () => call('PUT', '/api/admin/permissions', {
    key: K.lead, body: { roleId: r.id, permissions: ['view_staff', 'view_staff'] } }));
  assert.deepEqual(res.json.error.details, { field: 'permissions', reason: 'duplicate' });
  await refusal(400, 'invalid_field', () => call('PUT', '/api/admin/permissions', {
    key: K.lead, body: { roleId: r.id, permissions: Array.from({ length: 65 }, (_, i) => `p${i}`) } }));
  await refusal(400, 'missing_field', () => call('PUT', '/api/admin/permissions', { key: K.lead, body: { roleId: r.id } }));
  const set = ['view_users', 'manage_roles', 'view_staff', 'manage_permissions'];
  const d = await audited(() => call('PUT', '/api/admin/permissions', { key: K.lead, body: { roleId: r.id, permissions: set } }));
  assert.deepEqual(d, { permissions: ['view_staff', 'manage_roles', 'manage_permissions', 'view_users'], roleId: r.id });
  assert.deepEqual((await role(r.id)).permissions, d.permissions);
  const entry = await lastAudit('role.permissions');
  assert.deepEqual(entry.before, { permissions: [] });
  assert.deepEqual(entry.after, { permissions: d.permissions });
  const a0 = await auditTotal();
  await ok(await call('PUT', '/api/admin/permissions', { key: K.lead, body: { roleId: r.id, permissions: set } }));
  assert.equal(await auditTotal(), a0, 'unchanged set: no audit');
  const e = await audited(() => call('PUT', '/api/admin/permissions', { key: K.lead, body: { roleId: r.id, permissions: [] } }));
  assert.deepEqual(e.permissions, []);
  assert.deepEqual((await role(r.id)).permissions, []);
});

test('A7 changes what holders may do on their next request', async () => {
  const r = await mkRole({ name: uniq('Live'), level: 8 });
  const name = uniq('live');
  await mkActor(name, r.id);
  const key = cliKey(srv, name, 'k', ALL);
  expectError(await call('GET', '/api/admin/roles', { key }), 403, 'forbidden');
  await setPerms(r.id, ['view_staff'], K.lead);
  await ok(await call('GET', '/api/admin/roles', { key }));
});

test('66: deleting a role with members drops them to level 0 and out of every list', async () => {
  const r = await mkRole({ name: uniq('Doomed'), level: 14 });
  const holder = await mkRole({ name: uniq('Holder'), level: 16, assignableRoles: [r.id] });
  const m1 = await mkUser(uniq('doomed'), r.id);
  const m2 = await mkUser(uniq('doomed'), r.id);
  const d = await audited(() => call('DELETE', '/api/admin/roles', { key: K.lead, body: { roleId: r.id } }));
  assert.equal(d.role.id, r.id);
  assert.equal(d.role.memberCount, 2, 'members who lost it');
  const after = await state();
  assert.equal(after.find((x) => x.id === r.id), undefined);
  assert.deepEqual(after.map((x) => x.position), after.map((_, i) => i), 'positions compacted');
  assert.deepEqual(after.find((x) => x.id === holder.id).assignableRoles, []);
  for (const m of [m1, m2]) {
    const u = (await ok(await call('GET', `/api/users/${m.id}`, { key: ownerKey }))).user;
    assert.equal(u.role, null);
    assert.equal(u.level, 0);
  }
  const entry = await lastAudit('role.delete');
  assert.equal(entry.before.name, r.name);
  assert.equal(entry.after.usersLost, 2);
  assert.deepEqual(entry.after.userIds.sort(), [m1.id, m2.id].sort());
  await refusal(404, 'role_not_found', () => call('DELETE', '/api/admin/roles', { key: K.lead, body: { roleId: r.id } }));
});

test('A5: roleId in the query, id_mismatch, missing id, and the Owner role', async () => {
  const r = await mkRole({ name: uniq('Q'), level: 4 });
  const other = await mkRole({ name: uniq('Q'), level: 4 });
  let res = await refusal(400, 'id_mismatch', () => call('DELETE', `/api/admin/roles?roleId=${r.id}`, {
    key: K.lead, body: { roleId: other.id } }));
  assert.deepEqual(res.json.error.details, { field: 'roleId' });
  res = await refusal(400, 'missing_field', () => call('DELETE', '/api/admin/roles', { key: K.lead }));
  assert.deepEqual(res.json.error.details, { field: 'roleId' });
  await refusal(400, 'invalid_parameter', () => call('DELETE', '/api/admin/roles?roleId=nope', { key: K.lead }));
  await refusal(400, 'invalid_field', () => call('DELETE', '/api/admin/roles', { key: K.lead, body: { roleId: 'nope' } }));
  await refusal(400, 'duplicate_parameter', () => call('DELETE', `/api/admin/roles?roleId=${r.id}&roleId=${r.id}`, { key: K.lead }));
  await refusal(400, 'unknown_parameter', () => call('DELETE', `/api/admin/roles?id=${r.id}`, { key: K.lead }));
  await audited(() => call('DELETE', `/api/admin/roles?roleId=${r.id}`, { key: K.lead }));
  await audited(() => call('DELETE', `/api/admin/roles?roleId=${other.id}`, { key: K.lead, body: { roleId: other.id } }));
  const ownerRole = (await state())[0];
  await refusal(403, 'hierarchy', () => call('DELETE', '/api/admin/roles', { session: owner, body: { roleId: ownerRole.id } }));
  await refusal(403, 'hierarchy', () => call('PUT', '/api/admin/roles', { key: K.admin, body: { roleId: ownerRole.id, name: 'Mine' } }));
});

test('68, A6: the catalogue has 29 entries in order with acyclic dependsOn', async () => {
  const { permissions } = await ok(await call('GET', '/api/admin/permissions', { key: K.leadRead }));
  assert.equal(permissions.length, 29);
  assert.equal(permissions[0].key, 'administrator');
  const mp = permissions.find((p) => p.key === 'manage_permissions');
  assert.deepEqual(mp, { key: 'manage_permissions', label: 'Manage permissions',
    description: mp.description, category: 'staff', dependsOn: ['manage_roles'] });
  assert.deepEqual(permissions.find((p) => p.key === 'assign_roles').dependsOn, ['view_staff', 'view_users']);
  const deps = Object.fromEntries(permissions.map((p) => [p.key, p.dependsOn]));
  const state2 = {};
  const visit = (k) => {
    assert.notEqual(state2[k], 1, `cycle at ${k}`);
    if (state2[k] === 2) return;
    state2[k] = 1;
    for (const d of deps[k]) { assert.ok(d in deps, `${d} exists`); visit(d); }
    state2[k] = 2;
  };
  for (const k of Object.keys(deps)) visit(k);
});

// --- input handling (checklist 94-104) -----------------------------------------------------------

test('94-98: malformed, duplicate-key, wrong-type and oversize bodies change nothing', async () => {
  for (const body of ['{"name":"Trunc","level":5', '{"name":"T","level":5} x', '[1,2]', '"str"',
    '{"name":"Dup","level":10,"level":99}', '{"name":"N\\u0000ul","level":5}']) {
    await refusal(400, 'invalid_json', () => call('POST', '/api/admin/roles', { key: K.lead, headers: JSON_CT, body }));
  }
  await refusal(400, 'unsupported_media_type', () => call('POST', '/api/admin/roles', {
    key: K.lead, body: JSON.stringify({ name: 'Plain', level: 5 }), headers: { 'Content-Type': 'text/plain' } }));
  // Decided from Content-Length before any of the body is read.
  const before = await state();
  const { text } = await raw(srv, ['POST /api/admin/roles HTTP/1.1', `Host: 127.0.0.1:${srv.port}`,
    `x-api-key: ${K.lead}`, 'Content-Type: application/json', `Content-Length: ${1024 * 1024 + 1}`, '', ''].join('\r\n'));
  const [big] = parseResponses(text).responses;
  assert.equal(big.status, 413, text.slice(0, 300));
  assert.equal(JSON.parse(big.body).error.code, 'body_too_large');
  assert.deepEqual(await state(), before);
  await refusal(400, 'unknown_field', () => call('PUT', '/api/admin/permissions', {
    key: K.lead, body: { roleId: R.helper.id, permissions: [], extra: 1 } }));
});

test('102-103: GET with a body, and a method the path lacks', async () => {
  const res = await rawRequest(srv, 'GET', '/api/admin/roles', { 'x-api-key': K.lead, 'Content-Type': 'application/json' }, '{}');
  expectError(res, 400, 'unexpected_body');
  const m = await call('POST', '/api/admin/permissions', { key: K.lead, body: {} });
  expectError(m, 405, 'method_not_allowed');
  assert.equal(m.headers.get('allow'), 'GET, PUT');
  expectError(await call('GET', '/api/admin/roles?page=1', { key: K.lead }), 400, 'unknown_parameter');
});

test('A2 limit: 250 roles, then 409 limit_reached', async () => {
  const n = (await state()).length;
  for (let i = n; i < 250; i++) await mkRole({ name: `Bulk ${i}`, level: 3 });
  assert.equal((await state()).length, 250);
  const res = await refusal(409, 'limit_reached', () => call('POST', '/api/admin/roles', { key: K.lead, body: { name: 'One more', level: 3 } }));
  assert.deepEqual(res.json.error.details, { limit: '250' });
  await refusal(409, 'name_taken', () => call('POST', '/api/admin/roles', { key: K.lead, body: { name: 'bulk 200', level: 3 } }));
});

// --- sessions over time (checklist 11-12); these end every session, so they run last ----------

test('11-12, 25: idle and absolute session limits; an expired key answers like an unknown one', async () => {
  const expiring = cliKey(srv, 'lead', 'one-day', ['staff:read'], ['--expires', '1d']);
  await ok(await call('GET', '/api/admin/roles', { key: expiring }));
  const s = await login(srv, 'owner', OWNER_PASSWORD);
  await ok(await call('GET', '/api/admin/roles', { session: s }));
  clk.advance(31 * 60e3);
  const res = await call('GET', '/api/admin/roles', { session: s });
  expectError(res, 401, 'unauthenticated');
  assertCookieCleared(res);
  const t = await login(srv, 'owner', OWNER_PASSWORD);
  let last;
  for (let i = 0; i < 73; i++) {
    clk.advance(10 * 60e3);
    last = await call('GET', '/api/admin/roles', { session: t });
    if (last.status !== 200) break;
  }
  expectError(last, 401, 'unauthenticated');
  // Keys do not expire with time unless they say so.
  await ok(await call('GET', '/api/admin/roles', { key: K.lead }));
  clk.advance(12 * 3600e3);
  const gone = await call('GET', '/api/admin/roles', { key: expiring });
  const unknown = await call('GET', '/api/admin/roles', { key: 'prapi_' + 'Q'.repeat(43) });
  expectError(gone, 401, 'unauthenticated');
  expectError(unknown, 401, 'unauthenticated');
  assert.equal(gone.text.replace(gone.json.error.requestId, ''), unknown.text.replace(unknown.json.error.requestId, ''));
  owner = await login(srv, 'owner', OWNER_PASSWORD);
});
