// users.test.mjs: /api/users (platform.md §5): listing with paging, search and role filters, one
// account, creation with a given or a one-time password, profile edits, role assignment (H10),
// soft delete (staff-admin.md §7.2) and ending sessions (H11). Every refusal is checked against a
// fresh read of the account list and the audit log, so "refused" also means "nothing stored".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, ownerSession, expectError } from './lib/harness.mjs';
import { cliKey, firstLogin, loginRes, auditQuery } from './lib/helpers.mjs';

const PW = 'fixture-pass-123';
const PW2 = 'fixture-pass-456';
const ALL = ['staff:write', 'users:write'];

let srv;
let owner;
let ownerKey;
const R = {};
const U = {};
const K = {};

const call = (method, path, opts = {}) => api(srv, method, path, opts);

function ok(res) {
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.success, true);
  assert.equal(res.json.error, null);
  return res.json.data;
}

async function mkRole(name, level, permissions = [], extra = {}) {
  const role = ok(await call('POST', '/api/admin/roles', { key: ownerKey, body: { name, level, ...extra } })).role;
  if (permissions.length) ok(await call('PUT', '/api/admin/permissions', { key: ownerKey, body: { roleId: role.id, permissions } }));
  return role;
}

async function mkUser(username, roleId, extra = {}) {
  const body = { username, password: PW, ...extra };
  if (roleId) body.roleId = roleId;
  return ok(await call('POST', '/api/users', { key: ownerKey, body })).user;
}

// An account that replaced its one-time password, with a key for every users/staff route.
async function mkActor(username, roleId) {
  const u = await mkUser(username, roleId);
  await firstLogin(srv, username, PW, PW2);
  K[username] = cliKey(srv, username, 'k', ALL);
  return u;
}

async function getUser(id) {
  const res = await call('GET', `/api/users/${id}`, { key: ownerKey });
  return res.status === 200 ? res.json.data.user : null;
}

async function everyone() {
  const d = ok(await call('GET', '/api/users?pageSize=100', { key: ownerKey }));
  assert.ok(d.total <= 100);
  return d.users;
}

async function auditTotal(action = 'user.') {
  return (await auditQuery(srv, owner, `action=${action}&pageSize=1`)).total;
}

async function lastAudit(action) {
  return (await auditQuery(srv, owner, `action=${action}&pageSize=1`)).entries[0];
}

async function refusal(status, code, send) {
  const before = await everyone();
  const a0 = await auditTotal();
  const res = await send();
  expectError(res, status, code);
  assert.deepEqual(await everyone(), before, 'accounts unchanged');
  assert.equal(await auditTotal(), a0, 'a refusal writes no audit entry');
  return res;
}

async function audited(send, action = 'user.') {
  const a0 = await auditTotal(action);
  const data = ok(await send());
  assert.equal(await auditTotal(action), a0 + 1, 'exactly one audit entry');
  return data;
}

let seq = 0;
const uniq = (p) => `${p}${++seq}`;

before(async () => {
  srv = await startServer();
  owner = await ownerSession(srv);
  ownerKey = cliKey(srv, 'owner', 'owner-all', ALL);
  R.junior = await mkRole('Junior', 10);
  R.helper = await mkRole('Helper', 20);
  R.reader = await mkRole('Reader', 30, ['view_users']);
  R.mod = await mkRole('Mod', 40, ['view_staff', 'view_users', 'assign_roles', 'manage_users'],
    { enforceWhitelistedRoles: true, assignableRoles: [R.helper.id] });
  R.fifty = await mkRole('Fifty', 50);
  R.lead = await mkRole('Lead', 60, ['view_staff', 'view_users', 'manage_users', 'assign_roles',
    'delete_users', 'revoke_sessions']);
  R.admin = await mkRole('Admin', 80, ['administrator']);
  U.lead = await mkActor('lead', R.lead.id);
  U.peer = await mkActor('peer', R.lead.id);
  U.mod = await mkActor('mod', R.mod.id);
  U.reader = await mkActor('reader', R.reader.id);
  U.admin = await mkActor('admin', R.admin.id);
  K.readOnly = cliKey(srv, 'lead', 'read-only', ['users:read']);
  K.staffOnly = cliKey(srv, 'lead', 'staff-only', ['staff:write']);
});
after(async () => { await srv.stop(); });

// --- POST /api/users -------------------------------------------------------------------------

test('create with a password: the User shape, passwordChangeRequired, audit without secrets', async () => {
  const a0 = await auditTotal('user.create');
  const d = ok(await call('POST', '/api/users', { key: K.lead, body: {
    username: 'River.2', password: 'river-secret-77', email: 'river@example.com', robloxUserId: '123456789' } }));
  assert.equal(d.oneTimePassword, undefined, 'no one-time password when one was given');
  const u = d.user;
  assert.deepEqual(Object.keys(u).sort(), ['createdAt', 'email', 'id', 'lastLoginAt', 'level',
    'passwordChangeRequired', 'robloxUserId', 'role', 'status', 'username']);
  assert.match(u.id, /^[0-9a-f]{24}$/);
  assert.equal(u.username, 'River.2');
  assert.equal(u.email, 'river@example.com');
  assert.equal(u.robloxUserId, '123456789');
  assert.equal(u.role, null);
  assert.equal(u.level, 0);
  assert.equal(u.status, 'active');
  assert.equal(u.passwordChangeRequired, true);
  assert.equal(u.lastLoginAt, null);
  assert.deepEqual(await getUser(u.id), u);
  assert.equal(await auditTotal('user.create'), a0 + 1);
  const entry = await lastAudit('user.create');
  assert.equal(entry.targetId, u.id);
  assert.equal(entry.actor.user.id, U.lead.id);
  assert.equal(entry.after.username, 'River.2');
  const text = JSON.stringify(entry);
  assert.ok(!text.includes('river-secret-77') && !text.includes('argon2'), 'no password or hash');
  // The given password signs in and must be changed first.
  const s = await login(srv, 'river.2', 'river-secret-77');
  assert.equal(s.user.passwordChangeRequired, true);
});

test('create without a password returns a 20-character one-time password once', async () => {
  const d = ok(await call('POST', '/api/users', { session: owner, body: { username: 'otp_user' } }));
  assert.match(d.oneTimePassword, /^[A-Za-z0-9]{20}$/);
  assert.equal(d.user.passwordChangeRequired, true);
  const s = await login(srv, 'otp_user', d.oneTimePassword);
  expectError(await call('GET', '/api/users', { session: s }), 403, 'password_change_required');
  const entry = await lastAudit('user.create');
  assert.ok(!JSON.stringify(entry).includes(d.oneTimePassword));
  assert.equal((await getUser(d.user.id)).username, 'otp_user');
});

test('create with a role: assign_roles and H10 apply; role_not_found for an unknown role', async () => {
  const d = await audited(() => call('POST', '/api/users', { key: K.lead, body: { username: uniq('withrole'), password: PW, roleId: R.fifty.id } }));
  assert.deepEqual(d.user.role, { id: R.fifty.id, name: 'Fifty', level: 50, color: null });
  assert.equal(d.user.level, 50);
  await refusal(403, 'hierarchy', () => call('POST', '/api/users', { key: K.lead, body: { username: uniq('xx'), password: PW, roleId: R.lead.id } }));
  await refusal(403, 'hierarchy', () => call('POST', '/api/users', { key: K.lead, body: { username: uniq('xx'), password: PW, roleId: R.admin.id } }));
  await refusal(404, 'role_not_found', () => call('POST', '/api/users', { key: K.lead, body: { username: uniq('xx'), password: PW, roleId: 'eeeeeeeeeeeeeeeeeeeeeeee' } }));
  await refusal(403, 'not_assignable', () => call('POST', '/api/users', { key: K.mod, body: { username: uniq('xx'), password: PW, roleId: R.junior.id } }));
  await audited(() => call('POST', '/api/users', { key: K.mod, body: { username: uniq('helped'), password: PW, roleId: R.helper.id } }));
  // Without assign_roles a roleId is forbidden even when the role is low.
  const noAssign = await mkRole(uniq('Maker'), 35, ['view_users', 'manage_users']);
  const name = uniq('maker');
  await mkActor(name, noAssign.id);
  const res = await refusal(403, 'forbidden', () => call('POST', '/api/users', { key: K[name], body: { username: uniq('xx'), password: PW, roleId: R.junior.id } }));
  assert.deepEqual(res.json.error.details, { permission: 'assign_roles' });
  await audited(() => call('POST', '/api/users', { key: K[name], body: { username: uniq('plain'), password: PW } }));
});

test('create: each field is validated before anything is hashed or stored', async () => {
  const base = () => ({ username: uniq('valid'), password: PW });
  const cases = [
    [{ username: 'ab' }, 'username'], [{ username: 'a'.repeat(33) }, 'username'],
    [{ username: 'bad name' }, 'username'], [{ username: 'bad/name' }, 'username'], [{ username: 'élan' }, 'username'],
    [{ password: 'short77' }, 'password'], [{ password: 'p'.repeat(257) }, 'password'],
    [{ email: 'no-at.example' }, 'email'], [{ email: 'a@b@c' }, 'email'], [{ email: 'a b@c' }, 'email'],
    [{ email: 'a\u00a0b@c' }, 'email'], [{ email: `${'e'.repeat(250)}@b.cd` }, 'email'], [{ email: '' }, 'email'],
    [{ robloxUserId: '0123' }, 'robloxUserId'], [{ robloxUserId: '1'.repeat(20) }, 'robloxUserId'],
    [{ robloxUserId: 'abc' }, 'robloxUserId'], [{ robloxUserId: 123 }, 'robloxUserId'],
    [{ roleId: 'ROLE' }, 'roleId'], [{ roleId: 'EEEEEEEEEEEEEEEEEEEEEEEE' }, 'roleId'],
  ];
  for (const [patch, field] of cases) {
    const res = await refusal(400, 'invalid_field', () => call('POST', '/api/users', { key: K.lead, body: { ...base(), ...patch } }));
    assert.equal(res.json.error.details.field, field, JSON.stringify(patch));
  }
  await refusal(400, 'missing_field', () => call('POST', '/api/users', { key: K.lead, body: { password: PW } }));
  const res = await refusal(400, 'unknown_field', () => call('POST', '/api/users', { key: K.lead, body: { ...base(), status: 'active' } }));
  assert.deepEqual(res.json.error.details, { field: 'status' });
  await refusal(400, 'unknown_field', () => call('POST', '/api/users', { key: K.lead, body: { ...base(), passwordChangeRequired: false } }));
  // 256 code points (multi-byte) is the upper bound; null email and Roblox id mean none.
  const d = await audited(() => call('POST', '/api/users', { key: K.lead, body: { username: uniq('long'), password: 'é'.repeat(256), email: null, robloxUserId: null } }));
  assert.equal(d.user.email, null);
  await audited(() => call('POST', '/api/users', { key: K.lead, body: { username: uniq('mail'), password: PW, email: `${'e'.repeat(249)}@b.cd` } }));
});

test('create: usernames are unique ignoring ASCII case; Roblox ids are unique', async () => {
  await mkUser('Taken_Name', null, { robloxUserId: '55501' });
  await refusal(409, 'username_taken', () => call('POST', '/api/users', { key: K.lead, body: { username: 'taken_name', password: PW } }));
  await refusal(409, 'username_taken', () => call('POST', '/api/users', { key: K.lead, body: { username: 'OWNER', password: PW } }));
  await refusal(409, 'roblox_id_taken', () => call('POST', '/api/users', { key: K.lead, body: { username: uniq('rbx'), password: PW, robloxUserId: '55501' } }));
});

test('create: permission, scope and CSRF are checked by the gate', async () => {
  const res = await refusal(403, 'forbidden', () => call('POST', '/api/users', { key: K.reader, body: { username: uniq('xx'), password: PW } }));
  assert.deepEqual(res.json.error.details, { permission: 'manage_users' });
  const s = await refusal(403, 'scope_missing', () => call('POST', '/api/users', { key: K.readOnly, body: { username: uniq('xx'), password: PW } }));
  assert.deepEqual(s.json.error.details, { scope: 'users:write' });
  const t = await refusal(403, 'scope_missing', () => call('GET', '/api/users', { key: K.staffOnly }));
  assert.deepEqual(t.json.error.details, { scope: 'users:read' });
  await refusal(403, 'csrf_failed', () => call('POST', '/api/users', { session: owner, csrf: false, body: { username: uniq('xx'), password: PW } }));
  await refusal(401, 'unauthenticated', () => call('POST', '/api/users', { body: { username: uniq('xx'), password: PW } }));
  await audited(() => call('POST', '/api/users', { session: owner, body: { username: uniq('bycookie'), password: PW } }));
});

// --- GET ---------------------------------------------------------------------------------------

test('get one: 404 for unknown or removed, 400 for a malformed id, view_users needed', async () => {
  const u = await getUser(U.peer.id);
  assert.equal(u.username, 'peer');
  assert.equal(u.role.name, 'Lead');
  assert.equal(u.passwordChangeRequired, false);
  expectError(await call('GET', '/api/users/ffffffffffffffffffffffff', { key: ownerKey }), 404, 'user_not_found');
  expectError(await call('GET', '/api/users/nope', { key: ownerKey }), 400, 'invalid_field');
  expectError(await call('GET', '/api/users/FFFFFFFFFFFFFFFFFFFFFFFF', { key: ownerKey }), 400, 'invalid_field');
  const name = uniq('noview');
  const role = await mkRole(uniq('NoView'), 5, ['view_staff']);
  await mkActor(name, role.id);
  const res = await call('GET', `/api/users/${U.peer.id}`, { key: K[name] });
  expectError(res, 403, 'forbidden');
  assert.deepEqual(res.json.error.details, { permission: 'view_users' });
  expectError(await call('GET', '/api/users', { key: K[name] }), 403, 'forbidden');
  await ok(await call('GET', `/api/users/${U.peer.id}`, { key: K.readOnly }));
});

test('list: paging with page, pageSize and total; a page past the end is empty', async () => {
  for (let i = 0; i < 5; i++) await mkUser(`pg${i}x`);
  const pages = [];
  for (let page = 1; page <= 4; page++) {
    const d = ok(await call('GET', `/api/users?search=pg&pageSize=2&page=${page}`, { key: K.readOnly }));
    assert.equal(d.page, page);
    assert.equal(d.pageSize, 2);
    assert.equal(d.total, 5);
    pages.push(d.users.map((u) => u.username));
  }
  assert.deepEqual(pages, [['pg0x', 'pg1x'], ['pg2x', 'pg3x'], ['pg4x'], []]);
  const d = ok(await call('GET', '/api/users', { key: K.readOnly }));
  assert.equal(d.page, 1);
  assert.equal(d.pageSize, 20);
  assert.equal(d.users.length, Math.min(20, d.total));
  for (const q of ['page=0', 'page=10001', 'pageSize=0', 'pageSize=101', 'pageSize=-1', 'pageSize=abc', 'pageSize=1e2', 'pageSize=%2010']) {
    const res = await call('GET', `/api/users?${q}`, { key: K.readOnly });
    expectError(res, 400, 'invalid_parameter');
  }
  expectError(await call('GET', '/api/users?pageSize=10&pageSize=20', { key: K.readOnly }), 400, 'duplicate_parameter');
  expectError(await call('GET', '/api/users?sort=name', { key: K.readOnly }), 400, 'unknown_parameter');
  expectError(await call('GET', '/api/users?search=', { key: K.readOnly }), 400, 'invalid_parameter');
  expectError(await call('GET', `/api/users?search=${'q'.repeat(101)}`, { key: K.readOnly }), 400, 'invalid_parameter');
});

test('list: search matches username or email substrings, exact id and exact Roblox id; % and _ are literal', async () => {
  const a = await mkUser('a_b', null, { email: 'per%cent@example.com', robloxUserId: '777001' });
  const b = await mkUser('axb', null, { email: 'Plain@Example.com' });
  const find = async (q) => ok(await call('GET', `/api/users?search=${encodeURIComponent(q)}&pageSize=100`, { key: K.readOnly }))
    .users.map((u) => u.username).sort();
  const under = await find('_');
  assert.ok(under.includes('a_b'));
  assert.ok(under.every((n) => n.includes('_')), 'underscore matches only names holding one');
  assert.ok(!under.includes('axb'));
  assert.deepEqual(await find('%'), ['a_b']);
  assert.deepEqual(await find('A_B'), ['a_b'], 'case-insensitive');
  assert.deepEqual(await find('PLAIN@'), ['axb'], 'email, any case');
  assert.deepEqual(await find(a.id), ['a_b']);
  assert.deepEqual(await find('777001'), ['a_b']);
  assert.deepEqual(await find('77700'), [], 'Roblox id is exact');
  assert.deepEqual(await find(b.id.slice(0, 10)), [], 'id is exact');
  assert.deepEqual(await find('\\'), []);
});

test('list: roleId filter is repeatable up to 10, with none for accounts without a role', async () => {
  const h = await mkUser(uniq('hlp'), R.helper.id);
  const get = async (q) => ok(await call('GET', `/api/users?pageSize=100&${q}`, { key: K.readOnly })).users;
  const helpers = await get(`roleId=${R.helper.id}`);
  assert.ok(helpers.some((u) => u.id === h.id));
  assert.ok(helpers.every((u) => u.role?.id === R.helper.id));
  const none = await get('roleId=none');
  assert.ok(none.length > 0 && none.every((u) => u.role === null));
  const both = await get(`roleId=${R.helper.id}&roleId=none`);
  assert.equal(both.length, helpers.length + none.length);
  const leads = await get(`roleId=${R.lead.id}&roleId=${R.fifty.id}`);
  assert.ok(leads.every((u) => [R.lead.id, R.fifty.id].includes(u.role?.id)));
  assert.ok(leads.some((u) => u.id === U.peer.id));
  const ten = Array.from({ length: 10 }, () => `roleId=${R.helper.id}`).join('&');
  await get(ten);
  let res = await call('GET', `/api/users?${ten}&roleId=none`, { key: K.readOnly });
  expectError(res, 400, 'invalid_parameter');
  assert.equal(res.json.error.details.parameter, 'roleId');
  res = await call('GET', '/api/users?roleId=admins', { key: K.readOnly });
  expectError(res, 400, 'invalid_parameter');
  assert.deepEqual(await get('roleId=eeeeeeeeeeeeeeeeeeeeeeee'), []);
});

// --- PATCH /api/users/{id} --------------------------------------------------------------------

test('patch: username, email and Roblox id; null clears; unchanged writes nothing', async () => {
  const u = await mkUser(uniq('edit'), null, { email: 'e@x.y', robloxUserId: '900100' });
  let d = await audited(() => call('PATCH', `/api/users/${u.id}`, { key: K.lead, body: { username: 'Edited_1', email: null } }));
  assert.equal(d.user.username, 'Edited_1');
  assert.equal(d.user.email, null);
  assert.equal(d.user.robloxUserId, '900100', 'absent fields unchanged');
  const entry = await lastAudit('user.update');
  assert.deepEqual(entry.before, { username: u.username, email: 'e@x.y' });
  assert.deepEqual(entry.after, { username: 'Edited_1', email: null });
  d = await audited(() => call('PATCH', `/api/users/${u.id}`, { key: K.lead, body: { robloxUserId: null, email: 'new@x.y' } }));
  assert.equal(d.user.robloxUserId, null);
  assert.equal((await getUser(u.id)).email, 'new@x.y');
  // Only the case of its own name changes: allowed.
  await audited(() => call('PATCH', `/api/users/${u.id}`, { key: K.lead, body: { username: 'EDITED_1' } }));
  const a0 = await auditTotal();
  ok(await call('PATCH', `/api/users/${u.id}`, { key: K.lead, body: { username: 'EDITED_1' } }));
  ok(await call('PATCH', `/api/users/${u.id}`, { key: K.lead, body: {} }));
  assert.equal(await auditTotal(), a0);
  await refusal(409, 'username_taken', () => call('PATCH', `/api/users/${u.id}`, { key: K.lead, body: { username: 'PEER' } }));
  await mkUser(uniq('rbx'), null, { robloxUserId: '900200' });
  await refusal(409, 'roblox_id_taken', () => call('PATCH', `/api/users/${u.id}`, { key: K.lead, body: { robloxUserId: '900200' } }));
  await refusal(400, 'invalid_field', () => call('PATCH', `/api/users/${u.id}`, { key: K.lead, body: { username: null } }));
  await refusal(400, 'invalid_field', () => call('PATCH', `/api/users/${u.id}`, { key: K.lead, body: { email: 'two@@x' } }));
  await refusal(400, 'unknown_field', () => call('PATCH', `/api/users/${u.id}`, { key: K.lead, body: { roleId: null } }));
  await refusal(404, 'user_not_found', () => call('PATCH', '/api/users/ffffffffffffffffffffffff', { key: K.lead, body: { email: null } }));
});

test('patch, H11: peers, higher accounts and oneself are refused', async () => {
  await refusal(403, 'hierarchy', () => call('PATCH', `/api/users/${U.peer.id}`, { key: K.lead, body: { email: 'p@x.y' } }));
  await refusal(403, 'hierarchy', () => call('PATCH', `/api/users/${U.admin.id}`, { key: K.lead, body: { email: 'p@x.y' } }));
  await refusal(403, 'hierarchy', () => call('PATCH', `/api/users/${U.lead.id}`, { key: K.lead, body: { email: 'me@x.y' } }));
  // H13: administrator at 80 still cannot act on the Owner at 100.
  await refusal(403, 'hierarchy', () => call('PATCH', `/api/users/${owner.user.id}`, { key: K.admin, body: { email: 'o@x.y' } }));
  await refusal(403, 'forbidden', () => call('PATCH', `/api/users/${U.peer.id}`, { key: K.reader, body: { email: 'p@x.y' } }));
});

// --- PUT /api/users/{id}/role ------------------------------------------------------------------

test('role, §4: a level-50 role to a level-0 user is allowed; to a level-60 user is hierarchy', async () => {
  const z = await mkUser(uniq('zero'));
  const d = await audited(() => call('PUT', `/api/users/${z.id}/role`, { key: K.lead, body: { roleId: R.fifty.id } }));
  assert.equal(d.user.level, 50);
  assert.equal(d.user.role.id, R.fifty.id);
  const entry = await lastAudit('user.role');
  assert.deepEqual(entry.before, { roleId: null, level: 0 });
  assert.deepEqual(entry.after, { roleId: R.fifty.id, level: 50 });
  await refusal(403, 'hierarchy', () => call('PUT', `/api/users/${U.peer.id}/role`, { key: K.lead, body: { roleId: R.fifty.id } }));
  await refusal(403, 'hierarchy', () => call('PUT', `/api/users/${U.peer.id}/role`, { key: K.lead, body: { roleId: null } }));
  await refusal(403, 'hierarchy', () => call('PUT', `/api/users/${z.id}/role`, { key: K.lead, body: { roleId: R.lead.id } }));
  await refusal(403, 'hierarchy', () => call('PUT', `/api/users/${U.lead.id}/role`, { key: K.lead, body: { roleId: R.fifty.id } }));
  // Removing the role: null.
  const r = await audited(() => call('PUT', `/api/users/${z.id}/role`, { key: K.lead, body: { roleId: null } }));
  assert.equal(r.user.role, null);
  assert.equal(r.user.level, 0);
  const a0 = await auditTotal();
  ok(await call('PUT', `/api/users/${z.id}/role`, { key: K.lead, body: { roleId: null } }));
  assert.equal(await auditTotal(), a0, 'no change, no audit');
});

test('role, H6/H10: a whitelisted actor assigns and removes only listed roles', async () => {
  const z = await mkUser(uniq('wl'));
  const j = await mkUser(uniq('jr'), R.junior.id);
  await audited(() => call('PUT', `/api/users/${z.id}/role`, { key: K.mod, body: { roleId: R.helper.id } }));
  await refusal(403, 'not_assignable', () => call('PUT', `/api/users/${z.id}/role`, { key: K.mod, body: { roleId: R.junior.id } }));
  await refusal(403, 'not_assignable', () => call('PUT', `/api/users/${j.id}/role`, { key: K.mod, body: { roleId: null } }));
  await refusal(403, 'not_assignable', () => call('PUT', `/api/users/${j.id}/role`, { key: K.mod, body: { roleId: R.helper.id } }));
  await audited(() => call('PUT', `/api/users/${z.id}/role`, { key: K.mod, body: { roleId: null } }));
});

test('role: missing, malformed and unknown roleId; unknown user; permission', async () => {
  const z = await mkUser(uniq('rr'));
  let res = await refusal(400, 'missing_field', () => call('PUT', `/api/users/${z.id}/role`, { key: K.lead, body: {} }));
  assert.deepEqual(res.json.error.details, { field: 'roleId' });
  await refusal(400, 'invalid_field', () => call('PUT', `/api/users/${z.id}/role`, { key: K.lead, body: { roleId: 'Helper' } }));
  await refusal(404, 'role_not_found', () => call('PUT', `/api/users/${z.id}/role`, { key: K.lead, body: { roleId: 'eeeeeeeeeeeeeeeeeeeeeeee' } }));
  await refusal(404, 'user_not_found', () => call('PUT', '/api/users/ffffffffffffffffffffffff/role', { key: K.lead, body: { roleId: null } }));
  res = await refusal(403, 'forbidden', () => call('PUT', `/api/users/${z.id}/role`, { key: K.reader, body: { roleId: null } }));
  assert.deepEqual(res.json.error.details, { permission: 'assign_roles' });
  expectError(await call('POST', `/api/users/${z.id}/role`, { key: K.lead, body: {} }), 405, 'method_not_allowed');
});

// --- DELETE /api/users/{id}/sessions ------------------------------------------------------------

test('sessions: every login session of a lower account ends; H11 and no-op audit', async () => {
  const name = uniq('sess');
  const u = await mkUser(name, R.junior.id);
  const s0 = await firstLogin(srv, name, PW, PW2); // the password change leaves one session
  const s1 = await login(srv, name, PW2);
  const s2 = await login(srv, name, PW2);
  const key = cliKey(srv, name, 'k', ['users:read']);
  const d = await audited(() => call('DELETE', `/api/users/${u.id}/sessions`, { key: K.lead }));
  assert.deepEqual(d, { revoked: { sessions: 3 } });
  for (const s of [s0, s1, s2]) expectError(await call('GET', '/api/auth/me', { session: s }), 401, 'unauthenticated');
  ok(await call('GET', '/api/auth/me', { key })); // keys are not sessions: they stay
  const entry = await lastAudit('user.sessions_revoke');
  assert.deepEqual(entry.after, { sessions: 3 });
  const a0 = await auditTotal();
  assert.deepEqual(ok(await call('DELETE', `/api/users/${u.id}/sessions`, { key: K.lead })), { revoked: { sessions: 0 } });
  assert.equal(await auditTotal(), a0);
  await refusal(403, 'hierarchy', () => call('DELETE', `/api/users/${U.peer.id}/sessions`, { key: K.lead }));
  await refusal(403, 'hierarchy', () => call('DELETE', `/api/users/${U.lead.id}/sessions`, { key: K.lead }));
  await refusal(403, 'forbidden', () => call('DELETE', `/api/users/${u.id}/sessions`, { key: K.mod }));
  await refusal(404, 'user_not_found', () => call('DELETE', '/api/users/ffffffffffffffffffffffff/sessions', { key: K.lead }));
  await refusal(400, 'unknown_field', () => call('DELETE', `/api/users/${u.id}/sessions`, { key: K.lead, body: { all: true } }));
});

// --- DELETE /api/users/{id} ---------------------------------------------------------------------

test('soft delete: RemovedAccount answer, sessions and keys end, hidden, username kept', async () => {
  const name = uniq('gone');
  const u = await mkActor(name, R.helper.id);
  const s = await login(srv, name, PW2);
  const key = K[name];
  await ok(await call('GET', '/api/auth/me', { key }));
  const d = await audited(() => call('DELETE', `/api/users/${u.id}`, { key: K.lead, body: { reason: 'Duplicate account' } }));
  const r = d.user;
  assert.equal(r.id, u.id);
  assert.equal(r.username, name);
  assert.equal(r.status, 'soft_deleted');
  assert.equal(r.reason, 'Duplicate account');
  assert.deepEqual(r.role, { id: R.helper.id, name: 'Helper', level: 20, color: null }, 'role retained');
  assert.equal(r.level, 20);
  assert.deepEqual(r.deletedBy, { id: U.lead.id, username: 'lead' });
  assert.equal(Date.parse(r.retentionExpiresAt) - Date.parse(r.deletedAt), 30 * 24 * 3600e3);
  assert.equal(r.restoredAt, null);
  assert.equal(r.restoredBy, null);
  assert.equal(r.restoreReason, null);
  assert.equal(r.canRestore, false, 'Lead lacks restore_accounts');
  assert.equal(r.canErase, false);
  // Effects: no session, no key, no login, not listed, not readable, name reserved.
  expectError(await call('GET', '/api/auth/me', { session: s }), 401, 'unauthenticated');
  expectError(await call('GET', '/api/auth/me', { key }), 401, 'unauthenticated');
  expectError(await loginRes(srv, name, PW2), 401, 'invalid_credentials');
  assert.equal(await getUser(u.id), null);
  assert.ok(!(await everyone()).some((x) => x.id === u.id));
  await refusal(409, 'username_taken', () => call('POST', '/api/users', { key: K.lead, body: { username: name.toUpperCase(), password: PW } }));
  await refusal(404, 'user_not_found', () => call('DELETE', `/api/users/${u.id}`, { key: K.lead }));
  const entry = await lastAudit('user.delete');
  assert.equal(entry.targetId, u.id);
  assert.deepEqual(entry.before, { status: 'active' });
  assert.equal(entry.after.status, 'soft_deleted');
  assert.equal(entry.after.reason, 'Duplicate account');
  assert.equal(entry.after.sessionsRevoked, 2, 'the one left by the password change and s');
  // The owner holds every permission and outranks the account: both flags true.
  const v = await mkUser(uniq('gone'));
  const o = ok(await call('DELETE', `/api/users/${v.id}`, { session: owner }));
  assert.equal(o.user.canRestore, true);
  assert.equal(o.user.canErase, true);
  assert.equal(o.user.reason, null);
});

test('soft delete, H11: peers, higher accounts and oneself are refused; reason is free text ≤ 500', async () => {
  await refusal(403, 'hierarchy', () => call('DELETE', `/api/users/${U.peer.id}`, { key: K.lead }));
  await refusal(403, 'hierarchy', () => call('DELETE', `/api/users/${U.lead.id}`, { key: K.lead }));
  await refusal(403, 'hierarchy', () => call('DELETE', `/api/users/${U.admin.id}`, { key: K.lead }));
  await refusal(403, 'forbidden', () => call('DELETE', `/api/users/${U.mod.id}`, { key: K.mod }));
  const v = await mkUser(uniq('rsn'));
  await refusal(400, 'invalid_field', () => call('DELETE', `/api/users/${v.id}`, { key: K.lead, body: { reason: 'r'.repeat(501) } }));
  await refusal(400, 'invalid_field', () => call('DELETE', `/api/users/${v.id}`, { key: K.lead, body: { reason: 'bad\u202e' } }));
  await refusal(400, 'unknown_field', () => call('DELETE', `/api/users/${v.id}`, { key: K.lead, body: { userId: v.id } }));
  await refusal(400, 'invalid_field', () => call('DELETE', '/api/users/not-an-id', { key: K.lead }));
  await refusal(403, 'csrf_failed', () => call('DELETE', `/api/users/${v.id}`, { session: owner, csrf: false }));
  const d = await audited(() => call('DELETE', `/api/users/${v.id}`, { key: K.lead, body: { reason: 'line one\nline two\ttab' } }));
  assert.equal(d.user.reason, 'line one\nline two\ttab');
});

test('a soft-deleted user\'s key is 401 everywhere, with the body of an unknown key', async () => {
  const name = uniq('keyed');
  const u = await mkActor(name, R.reader.id);
  const key = K[name];
  await ok(await call('GET', '/api/users', { key }));
  await ok(await call('DELETE', `/api/users/${u.id}`, { key: K.lead }));
  const a = await call('GET', '/api/users', { key });
  const b = await call('GET', '/api/users', { key: 'prapi_' + 'Z'.repeat(43) });
  expectError(a, 401, 'unauthenticated');
  expectError(b, 401, 'unauthenticated');
  assert.equal(a.json.error.message, b.json.error.message);
});
