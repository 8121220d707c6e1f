// admin_accounts.test.mjs: set-password (staff-admin.md A14, §8) and removed accounts (A15-A17,
// §7): soft delete records, listing, restore, erase with the audit scrub, the retention purge
// job, and the §10 checklist items and SECURITY.md rows E01-E03, R03 and R04 for these routes.
// Actors at fixed levels are made through the API and get keys from `roster key create`. Every
// refusal is checked against a read of the stored rows (sqlite3, read-only) and the audit log,
// so "refused" also means "nothing changed". Logins carry their own X-Forwarded-For address (the
// loopback is a trusted proxy here), so the per-address login throttle never interferes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, ownerSession, cookieFrom, expectError, sql } from './lib/harness.mjs';
import { clock, cliKey, rawRequest, withoutRequestId } from './lib/helpers.mjs';

const PW = 'fixture-pass-123';
const PW2 = 'fixture-pass-456';
const ALL = ['staff:write', 'users:write'];
const DAY = 24 * 3600 * 1000;
const RA_KEYS = ['canErase', 'canRestore', 'deletedAt', 'deletedBy', 'deletionId', 'email', 'id', 'level',
  'reason', 'restoreReason', 'restoredAt', 'restoredBy', 'retentionExpiresAt', 'robloxUserId', 'role',
  'status', 'username'];

let srv;
let clk;
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

let ipSeq = 0;
function nextIp() {
  ipSeq++;
  return `10.${(ipSeq >> 16) & 255}.${(ipSeq >> 8) & 255}.${ipSeq & 255}`;
}

async function signInRes(username, password, headers = {}) {
  return call('POST', '/api/auth/login', { body: { username, password }, headers: { 'X-Forwarded-For': nextIp(), ...headers } });
}

function sessionOf(res) {
  assert.equal(res.status, 200, res.text);
  return { cookie: cookieFrom(res).value, csrf: res.json.data.csrfToken, user: res.json.data.user };
}

async function signIn(username, password, headers = {}) {
  return sessionOf(await signInRes(username, password, headers));
}

// Replaces the password every new account must change; returns the new session.
async function firstLogin(username, headers = {}) {
  const s = await signIn(username, PW, headers);
  return sessionOf(await call('POST', '/api/auth/password', { session: s, body: { currentPassword: PW, newPassword: PW2 } }));
}

async function mkRole(name, level, permissions = []) {
  const role = ok(await call('POST', '/api/admin/roles', { key: ownerKey, body: { name, level } })).role;
  if (permissions.length) ok(await call('PUT', '/api/admin/permissions', { key: ownerKey, body: { roleId: role.id, permissions } }));
  return role;
}

async function mkUser(username, roleId, extra = {}) {
  const body = { username, password: PW, ...extra };
  if (roleId) body.roleId = roleId;
  return ok(await call('POST', '/api/users', { key: ownerKey, body })).user;
}

// An account that replaced its first password and holds a key for every route here.
async function mkActor(username, roleId) {
  const u = await mkUser(username, roleId);
  await firstLogin(username);
  K[username] = cliKey(srv, username, 'k', ALL);
  return u;
}

async function softDelete(id, reason, key = ownerKey) {
  return ok(await call('DELETE', `/api/users/${id}`, { key, body: reason === undefined ? undefined : { reason } })).user;
}

// What a refusal must leave alone: accounts, records, keys and sessions.
function dbState() {
  return {
    users: sql(srv, 'SELECT id, username, email, roblox_user_id, password_hash, role_id, status,'
      + ' password_change_required, erased_at FROM users ORDER BY id'),
    records: sql(srv, 'SELECT * FROM account_deletions ORDER BY id'),
    keys: sql(srv, 'SELECT id, revoked_at FROM api_keys ORDER BY id'),
    sessions: sql(srv, 'SELECT id FROM login_sessions ORDER BY id'),
    allow: sql(srv, 'SELECT * FROM community_allowed_users ORDER BY community_id, user_id'),
  };
}

async function audit(query) {
  return ok(await call('GET', `/api/audit?${query}`, { key: ownerKey }));
}

async function auditTotal(action) {
  return (await audit(`pageSize=1${action ? `&action=${action}` : ''}`)).total;
}

async function lastAudit(action) {
  return (await audit(`pageSize=1&action=${action}`)).entries[0];
}

async function refusal(status, code, send) {
  const before = dbState();
  const a0 = await auditTotal();
  const res = await send();
  expectError(res, status, code);
  assert.deepEqual(dbState(), before, 'nothing stored changed');
  assert.equal(await auditTotal(), a0, 'a refusal writes no audit entry');
  return res;
}

async function audited(send, action) {
  const a0 = await auditTotal();
  const a1 = await auditTotal(action);
  const data = ok(await send());
  assert.equal(await auditTotal(), a0 + 1, 'exactly one audit entry');
  assert.equal(await auditTotal(action), a1 + 1, `the entry is ${action}`);
  return data;
}

const setPassword = (key, body, opts = {}) => call('POST', '/api/admin/users/set-password', { key, body, ...opts });
const restore = (key, body, query = '', opts = {}) => call('PATCH', `/api/admin/removed-accounts${query}`, { key, body, ...opts });
const erase = (key, body, query = '', opts = {}) => call('DELETE', `/api/admin/removed-accounts${query}`, { key, body, ...opts });
const list = (key, query = '') => call('GET', `/api/admin/removed-accounts${query}`, { key });

async function removed(search, key = ownerKey) {
  return ok(await list(key, `?pageSize=100&search=${encodeURIComponent(search)}`));
}

let seq = 0;
const uniq = (p) => `${p}${++seq}`;

before(async () => {
  srv = await startServer({ args: ['--trusted-proxy', '127.0.0.1/32'], env: { ROSTER_TEST_JOBS_INTERVAL_MS: '100' } });
  clk = clock(srv);
  owner = await ownerSession(srv);
  ownerKey = cliKey(srv, 'owner', 'owner-all', [...ALL, 'audit:read']);
  R.helper = await mkRole('Helper', 20);
  R.viewer = await mkRole('Viewer', 30, ['view_users', 'view_removed_accounts']);
  R.mod = await mkRole('Mod', 40, ['view_users', 'delete_users']);
  R.lead = await mkRole('Lead', 60, ['view_staff', 'view_users', 'manage_users', 'assign_roles', 'delete_users',
    'reset_passwords', 'view_removed_accounts', 'restore_accounts', 'erase_accounts']);
  R.admin = await mkRole('Admin', 80, ['administrator']);
  U.lead = await mkActor('lead', R.lead.id);
  U.peer = await mkActor('peer', R.lead.id);
  U.admin = await mkActor('admin', R.admin.id);
  U.viewer = await mkActor('viewer', R.viewer.id);
  U.mod = await mkActor('mod', R.mod.id);
  U.zero = await mkActor('zero', null);
  K.leadStaff = cliKey(srv, 'lead', 'staff-write', ['staff:write']);
  K.leadStaffRead = cliKey(srv, 'lead', 'staff-read', ['staff:read']);
  K.leadUsersRead = cliKey(srv, 'lead', 'users-read', ['users:read']);
  K.leadUsersWrite = cliKey(srv, 'lead', 'users-write', ['users:write']);
});
after(async () => { await srv.stop(); });

// --- every route --------------------------------------------------------------------------------

test('§10 #1: A14-A17 without a cookie or key answer 401 with the envelope', async () => {
  const z = await mkUser(uniq('noauth'));
  await softDelete(z.id);
  await refusal(401, 'unauthenticated', () => setPassword(undefined, { userId: z.id, newPassword: 'whatever-99' }));
  await refusal(401, 'unauthenticated', () => list(undefined));
  await refusal(401, 'unauthenticated', () => restore(undefined, { userId: z.id }));
  await refusal(401, 'unauthenticated', () => erase(undefined, { userId: z.id, confirm: z.username }));
  expectError(await call('PUT', '/api/admin/removed-accounts', { key: ownerKey, body: {} }), 405, 'method_not_allowed');
  expectError(await call('GET', '/api/admin/users/set-password', { key: ownerKey }), 405, 'method_not_allowed');
});

// --- A14 set-password ---------------------------------------------------------------------------

test('A14 #53 #54: an admin sets a level-0 password; sessions and keys end; the new one must be changed', async () => {
  const name = uniq('reset');
  const u = await mkUser(name, null, { robloxUserId: '700100' });
  const s0 = await firstLogin(name);
  const s1 = await signIn(name, PW2);
  const key = cliKey(srv, name, 'mine', ['users:read']);
  ok(await call('GET', '/api/auth/me', { key }));
  // Ten failures lock the username; the reset clears the lock (§8).
  for (let i = 0; i < 10; i++) expectError(await signInRes(name, 'wrong-password-0'), 401, 'invalid_credentials');
  expectError(await signInRes(name, PW2), 429, 'rate_limited');
  const d = await audited(() => setPassword(K.admin, { userId: u.id, newPassword: 'Brand-New-Pass-1' }), 'user.password_set');
  assert.deepEqual(d, {
    user: { id: u.id, username: name, robloxUserId: '700100', role: null, level: 0, status: 'active', passwordChangeRequired: true },
    revoked: { sessions: 2, apiKeys: 1 },
  });
  for (const s of [s0, s1]) expectError(await call('GET', '/api/auth/me', { session: s }), 401, 'unauthenticated');
  expectError(await call('GET', '/api/auth/me', { key }), 401, 'unauthenticated');
  expectError(await signInRes(name, PW2), 401, 'invalid_credentials');
  const s2 = await signIn(name, 'Brand-New-Pass-1');
  assert.equal(s2.user.passwordChangeRequired, true);
  expectError(await call('GET', '/api/admin/roles', { session: s2 }), 403, 'password_change_required');
  expectError(await call('GET', '/api/admin/removed-accounts', { session: s2 }), 403, 'password_change_required');
  const entry = await lastAudit('user.password_set');
  assert.equal(entry.targetType, 'user');
  assert.equal(entry.targetId, u.id);
  assert.equal(entry.actor.user.id, U.admin.id);
  assert.deepEqual(entry.after, { passwordChangeRequired: true, sessionsRevoked: 2, apiKeysRevoked: 1 });
  const text = JSON.stringify(entry);
  assert.ok(!text.includes('Brand-New-Pass-1') && !text.includes('argon2'), 'no password or hash');
  assert.ok(!srv.readLogs().includes('Brand-New-Pass-1'), 'never logged');
  // Changing it through /api/auth/password unlocks the account.
  const s3 = sessionOf(await call('POST', '/api/auth/password', { session: s2, body: { currentPassword: 'Brand-New-Pass-1', newPassword: 'Chosen-Pass-22' } }));
  assert.equal(s3.user.passwordChangeRequired, false);
});

test('A14 #52 #59, H11: a peer, oneself, a higher account and the Owner are refused', async () => {
  await refusal(403, 'hierarchy', () => setPassword(K.lead, { userId: U.peer.id, newPassword: 'peer-pass-77' }));
  await refusal(403, 'hierarchy', () => setPassword(K.lead, { userId: U.lead.id, newPassword: 'self-pass-77' }));
  await refusal(403, 'hierarchy', () => setPassword(K.lead, { userId: U.admin.id, newPassword: 'high-pass-77' }));
  // H13: administrator at 80 does not outrank the Owner at 100.
  await refusal(403, 'hierarchy', () => setPassword(K.admin, { userId: owner.user.id, newPassword: 'owner-pass-77' }));
  // The hierarchy answers before the username rule, so nothing is learnt about a higher name.
  await refusal(403, 'hierarchy', () => setPassword(K.lead, { userId: U.admin.id, newPassword: 'ADMIN-xyz' }));
  const below = await mkUser(uniq('below'), R.mod.id);
  const d = await audited(() => setPassword(K.lead, { userId: below.id, newPassword: 'mod-reset-77' }), 'user.password_set');
  assert.equal(d.user.level, 40);
  assert.deepEqual(d.user.role, { id: R.mod.id, name: 'Mod', level: 40, color: null });
});

test('A14 #23 #24: scope, CSRF and permission; key mode needs no CSRF token', async () => {
  const z = await mkUser(uniq('scoped'));
  let res = await refusal(403, 'scope_missing', () => setPassword(K.leadStaff, { userId: z.id, newPassword: 'scope-pass-1' }));
  assert.deepEqual(res.json.error.details, { scope: 'users:write' });
  res = await refusal(403, 'scope_missing', () => setPassword(K.leadUsersRead, { userId: z.id, newPassword: 'scope-pass-1' }));
  assert.deepEqual(res.json.error.details, { scope: 'users:write' });
  res = await refusal(403, 'forbidden', () => setPassword(K.viewer, { userId: z.id, newPassword: 'scope-pass-1' }));
  assert.deepEqual(res.json.error.details, { permission: 'reset_passwords' });
  const zs = await signIn('zero', PW2);
  await refusal(403, 'forbidden', () => setPassword(undefined, { userId: z.id, newPassword: 'scope-pass-1' }, { session: zs }));
  const ls = await signIn('lead', PW2);
  await refusal(403, 'csrf_failed', () => setPassword(undefined, { userId: z.id, newPassword: 'scope-pass-1' }, { session: ls, csrf: false }));
  await refusal(403, 'csrf_failed', () => setPassword(undefined, { userId: z.id, newPassword: 'scope-pass-1' },
    { session: ls, headers: { Origin: 'https://evil.example' } }));
  await refusal(403, 'csrf_failed', () => setPassword(undefined, { userId: z.id, newPassword: 'scope-pass-1' },
    { session: { ...ls, csrf: 'f'.repeat(64) } }));
  await audited(() => setPassword(undefined, { userId: z.id, newPassword: 'scope-pass-1' }, { session: ls }), 'user.password_set');
  await audited(() => setPassword(K.leadUsersWrite, { userId: z.id, newPassword: 'scope-pass-2' }), 'user.password_set');
});

test('A14 #99: input rules; 404 for unknown or removed accounts', async () => {
  const name = uniq('input');
  const z = await mkUser(name);
  const cases = [
    [{ userId: z.id, newPassword: 'seven77' }, 'newPassword'],
    [{ userId: z.id, newPassword: 'p'.repeat(257) }, 'newPassword'],
    [{ userId: z.id, newPassword: 12345678 }, 'newPassword'],
    [{ userId: z.id, newPassword: null }, null],
    [{ userId: 'not-an-id', newPassword: 'valid-pass-1' }, 'userId'],
    [{ userId: z.id.toUpperCase(), newPassword: 'valid-pass-1' }, 'userId'],
    [{ userId: 42, newPassword: 'valid-pass-1' }, 'userId'],
    // Equal to the username, ASCII case-insensitively.
    [{ userId: z.id, newPassword: name.toUpperCase() }, 'newPassword'],
  ];
  for (const [body, field] of cases) {
    if (field === null) {
      await refusal(400, 'missing_field', () => setPassword(K.lead, body));
      continue;
    }
    const res = await refusal(400, 'invalid_field', () => setPassword(K.lead, body));
    assert.equal(res.json.error.details.field, field, JSON.stringify(body));
  }
  let res = await refusal(400, 'missing_field', () => setPassword(K.lead, { newPassword: 'valid-pass-1' }));
  assert.deepEqual(res.json.error.details, { field: 'userId' });
  res = await refusal(400, 'unknown_field', () => setPassword(K.lead, { userId: z.id, newPassword: 'valid-pass-1', passwordChangeRequired: false }));
  assert.deepEqual(res.json.error.details, { field: 'passwordChangeRequired' });
  const JSON_CT = { headers: { 'Content-Type': 'application/json' } };
  await refusal(400, 'invalid_json', () => setPassword(K.lead, '{"userId":"' + z.id + '","newPassword":"nul\\u0000pass-1"}', JSON_CT));
  await refusal(400, 'invalid_json', () => setPassword(K.lead, `{"userId":"${z.id}","userId":"${z.id}","newPassword":"valid-pass-1"}`, JSON_CT));
  await refusal(400, 'invalid_json', () => setPassword(K.lead, `{"userId":"${z.id}","newPassword":"valid-pass-1"} x`, JSON_CT));
  await refusal(400, 'invalid_json', () => setPassword(K.lead, `["${z.id}"]`, JSON_CT));
  await refusal(400, 'unsupported_media_type', () => setPassword(K.lead, JSON.stringify({ userId: z.id, newPassword: 'valid-pass-1' }),
    { headers: { 'Content-Type': 'text/plain' } }));
  await refusal(404, 'user_not_found', () => setPassword(K.lead, { userId: 'ffffffffffffffffffffffff', newPassword: 'valid-pass-1' }));
  const gone = await mkUser(uniq('gone'));
  await softDelete(gone.id);
  await refusal(404, 'user_not_found', () => setPassword(K.lead, { userId: gone.id, newPassword: 'valid-pass-1' }));
  // 256 code points is the limit whatever their size (4-byte characters: 1024 bytes); used byte-exact.
  await audited(() => setPassword(K.lead, { userId: z.id, newPassword: 'é'.repeat(256) }), 'user.password_set');
  await audited(() => setPassword(K.lead, { userId: z.id, newPassword: '😀'.repeat(256) }), 'user.password_set');
  expectError(await signInRes(name, '😀'.repeat(255)), 401, 'invalid_credentials');
  await audited(() => setPassword(K.lead, { userId: z.id, newPassword: ' spaced pass ' }), 'user.password_set');
  expectError(await signInRes(name, 'spaced pass'), 401, 'invalid_credentials');
  assert.equal((await signIn(name, ' spaced pass ')).user.passwordChangeRequired, true);
});

test('R04: a login racing a reset never leaves a live session; one begun after the 200 fails', async () => {
  for (let round = 0; round < 5; round++) {
    const name = uniq('race');
    const u = await mkUser(name);
    await firstLogin(name);
    const [login, reset] = await Promise.all([
      signInRes(name, PW2),
      setPassword(K.lead, { userId: u.id, newPassword: `reset-pass-${round}x` }),
    ]);
    ok(reset);
    if (login.status === 200) {
      expectError(await call('GET', '/api/auth/me', { session: sessionOf(login) }), 401, 'unauthenticated');
    } else {
      expectError(login, 401, 'invalid_credentials');
    }
    expectError(await signInRes(name, PW2), 401, 'invalid_credentials');
  }
});

// --- soft delete and A15 ------------------------------------------------------------------------

test('soft delete writes a record: the full RemovedAccount, a deletion id, one audit entry', async () => {
  const name = uniq('rec');
  const u = await mkUser(name, R.helper.id, { email: 'rec@example.com', robloxUserId: '700200' });
  const d = await audited(() => call('DELETE', `/api/users/${u.id}`, { key: K.lead, body: { reason: 'Duplicate account' } }), 'user.delete');
  const r = d.user;
  assert.deepEqual(Object.keys(r).sort(), RA_KEYS);
  assert.match(r.deletionId, /^[0-9a-f]{24}$/);
  assert.notEqual(r.deletionId, u.id);
  assert.equal(r.id, u.id);
  assert.equal(r.username, name);
  assert.equal(r.email, 'rec@example.com');
  assert.equal(r.robloxUserId, '700200');
  assert.deepEqual(r.role, { id: R.helper.id, name: 'Helper', level: 20, color: null });
  assert.equal(r.level, 20);
  assert.equal(r.status, 'soft_deleted');
  assert.equal(r.reason, 'Duplicate account');
  assert.deepEqual(r.deletedBy, { id: U.lead.id, username: 'lead' });
  assert.equal(Date.parse(r.retentionExpiresAt) - Date.parse(r.deletedAt), 30 * DAY);
  assert.equal(r.restoredAt, null);
  assert.equal(r.restoredBy, null);
  assert.equal(r.restoreReason, null);
  assert.equal(r.canRestore, true, 'Lead holds restore_accounts and outranks 20');
  assert.equal(r.canErase, true);
  const stored = sql(srv, `SELECT * FROM account_deletions WHERE user_id = '${u.id}'`);
  assert.equal(stored.length, 1);
  assert.equal(stored[0].id, r.deletionId);
  assert.equal(stored[0].role_id, R.helper.id);
  const entry = await lastAudit('user.delete');
  assert.equal(entry.after.deletionId, r.deletionId);
  assert.equal(entry.after.status, 'soft_deleted');
  assert.deepEqual((await removed(u.id)).users, [r]);
});

test('E01: a soft-deleted account cannot sign in (the wrong-password 401); restored ones sign in again', async () => {
  const name = uniq('e01');
  const u = await mkUser(name, R.helper.id);
  const s = await firstLogin(name);
  const key = cliKey(srv, name, 'mine', ['users:read']);
  await softDelete(u.id, 'E01');
  const deleted = await signInRes(name, PW2);
  const wrong = await signInRes(uniq('nobody'), PW2);
  expectError(deleted, 401, 'invalid_credentials');
  expectError(wrong, 401, 'invalid_credentials');
  assert.deepEqual(withoutRequestId(deleted.json), withoutRequestId(wrong.json));
  expectError(await call('GET', '/api/auth/me', { session: s }), 401, 'unauthenticated');
  expectError(await call('GET', '/api/auth/me', { key }), 401, 'unauthenticated');
  await audited(() => restore(K.lead, { userId: u.id }), 'account.restore');
  // Old credentials stay dead; the password signs in and makes new ones.
  expectError(await call('GET', '/api/auth/me', { session: s }), 401, 'unauthenticated');
  expectError(await call('GET', '/api/auth/me', { key }), 401, 'unauthenticated');
  const s2 = await signIn(name, PW2);
  assert.equal(s2.user.role.id, R.helper.id, 'role back');
  ok(await call('GET', '/api/auth/me', { session: s2 }));
});

test('A15 #86: newest first, search by reason, username, email and exact id; status filter', async () => {
  const made = [];
  for (const [suffix, reason, email] of [['a', 'Spam Wave 7', 'alpha@rmlist.example'], ['b', '100% spam', null], ['c', null, 'gamma@rmlist.example']]) {
    const u = await mkUser(`rmlist_${suffix}`, null, email ? { email } : {});
    clk.advance(1000);
    made.push(await softDelete(u.id, reason));
  }
  const all = await removed('rmlist_');
  assert.equal(all.total, 3);
  assert.deepEqual(all.users.map((x) => x.username), ['rmlist_c', 'rmlist_b', 'rmlist_a']);
  assert.deepEqual(all.users, [made[2], made[1], made[0]]);
  const names = async (q) => (await removed(q)).users.map((x) => x.username).filter((n) => n.startsWith('rmlist_')).sort();
  assert.deepEqual(await names('spam wave'), ['rmlist_a'], 'reason, any case');
  assert.deepEqual(await names('SPAM'), ['rmlist_a', 'rmlist_b']);
  assert.deepEqual(await names('%'), ['rmlist_b'], '% is literal');
  assert.deepEqual(await names('ALPHA@RMLIST'), ['rmlist_a'], 'email, any case');
  assert.deepEqual(await names('RMLIST_C'), ['rmlist_c'], 'username, any case');
  assert.deepEqual((await removed(made[1].id)).users.map((x) => x.id), [made[1].id], 'exact id');
  assert.equal((await removed(made[1].id.slice(0, 12))).total, 0, 'an id prefix matches nothing');
  await audited(() => restore(K.lead, { userId: made[0].id, reason: 'Appeal accepted' }), 'account.restore');
  const soft = ok(await list(ownerKey, '?search=rmlist_&status=soft_deleted')).users.map((x) => x.username);
  const back = ok(await list(ownerKey, '?search=rmlist_&status=restored')).users;
  assert.deepEqual(soft, ['rmlist_c', 'rmlist_b']);
  assert.equal(back.length, 1);
  assert.equal(back[0].username, 'rmlist_a');
  assert.equal(back[0].status, 'restored');
  assert.equal(back[0].restoreReason, 'Appeal accepted');
  assert.equal(back[0].canRestore, false);
  assert.equal(back[0].canErase, false);
  // Paging: page, pageSize and total; a page past the end is empty with the real total.
  const pages = [];
  for (let page = 1; page <= 3; page++) {
    const d = ok(await list(ownerKey, `?search=rmlist_&pageSize=2&page=${page}`));
    assert.equal(d.page, page);
    assert.equal(d.pageSize, 2);
    assert.equal(d.total, 3);
    pages.push(d.users.map((x) => x.username));
  }
  assert.deepEqual(pages, [['rmlist_c', 'rmlist_b'], ['rmlist_a'], []]);
  const far = ok(await list(ownerKey, '?page=500'));
  assert.deepEqual(far.users, []);
  assert.ok(far.total >= 3);
  const dflt = ok(await list(ownerKey));
  assert.equal(dflt.page, 1);
  assert.equal(dflt.pageSize, 20);
});

test('A15 #82-#85: query parameters, scope and permission', async () => {
  for (const q of ['pageSize=0', 'pageSize=101', 'pageSize=-1', 'pageSize=abc', 'pageSize=1e2', 'pageSize=%2010',
    'page=0', 'page=10001', 'status=erased', 'status=', 'search=', `search=${'q'.repeat(101)}`, 'search=a%E2%80%AEb']) {
    const res = await refusal(400, 'invalid_parameter', () => list(K.lead, `?${q}`));
    assert.equal(res.json.error.details.parameter, q.split('=')[0], q);
  }
  let res = await refusal(400, 'duplicate_parameter', () => list(K.lead, '?pageSize=10&pageSize=20'));
  assert.deepEqual(res.json.error.details, { parameter: 'pageSize' });
  res = await refusal(400, 'unknown_parameter', () => list(K.lead, '?userId=ffffffffffffffffffffffff'));
  assert.deepEqual(res.json.error.details, { parameter: 'userId' });
  await refusal(400, 'credential_in_query', () => list(K.lead, `?search=${K.lead}`));
  res = await refusal(403, 'forbidden', () => list(K.mod));
  assert.deepEqual(res.json.error.details, { permission: 'view_removed_accounts' });
  res = await refusal(403, 'scope_missing', () => list(K.leadUsersWrite));
  assert.deepEqual(res.json.error.details, { scope: 'staff:read' });
  ok(await list(K.leadStaffRead));
  ok(await list(K.leadStaff, '?status=soft_deleted'));
  ok(await list(K.viewer));
  const vs = await signIn('viewer', PW2);
  ok(await call('GET', '/api/admin/removed-accounts', { session: vs }));
  await refusal(400, 'unexpected_body', () => rawRequest(srv, 'GET', '/api/admin/removed-accounts',
    { 'x-api-key': K.lead, 'Content-Type': 'application/json' }, '{}'));
});

test('A15: canRestore and canErase follow the caller (permission, H11 on the retained role)', async () => {
  const u = await mkUser(uniq('flags'), R.lead.id);
  await softDelete(u.id, undefined, K.admin);
  const asLead = (await removed(u.id, K.lead)).users[0];
  assert.equal(asLead.level, 60);
  assert.equal(asLead.canRestore, false, 'a peer of the retained role');
  assert.equal(asLead.canErase, false);
  const asAdmin = (await removed(u.id, K.admin)).users[0];
  assert.equal(asAdmin.canRestore, true);
  assert.equal(asAdmin.canErase, true);
  const asViewer = (await removed(u.id, K.viewer)).users[0];
  assert.equal(asViewer.canRestore, false, 'lacks restore_accounts');
  assert.equal(asViewer.canErase, false);
});

// --- A16 restore --------------------------------------------------------------------------------

test('A16 #89: restore brings the account back with its role; body or query id', async () => {
  const name = uniq('back');
  const u = await mkUser(name, R.helper.id);
  const del = await softDelete(u.id, 'Mistake');
  const d = await audited(() => restore(K.lead, { userId: u.id, reason: 'Deleted by mistake' }), 'account.restore');
  const r = d.user;
  assert.deepEqual(Object.keys(r).sort(), RA_KEYS);
  assert.equal(r.deletionId, del.deletionId);
  assert.equal(r.status, 'restored');
  assert.equal(r.reason, 'Mistake');
  assert.equal(r.restoreReason, 'Deleted by mistake');
  assert.deepEqual(r.restoredBy, { id: U.lead.id, username: 'lead' });
  assert.ok(Date.parse(r.restoredAt) >= Date.parse(r.deletedAt));
  assert.equal(r.canRestore, false);
  assert.equal(r.canErase, false);
  const back = ok(await call('GET', `/api/users/${u.id}`, { key: ownerKey })).user;
  assert.equal(back.status, 'active');
  assert.deepEqual(back.role, { id: R.helper.id, name: 'Helper', level: 20, color: null });
  const entry = await lastAudit('account.restore');
  assert.equal(entry.targetId, u.id);
  assert.deepEqual(entry.before, { status: 'soft_deleted' });
  assert.deepEqual(entry.after, { status: 'active', deletionId: del.deletionId, reason: 'Deleted by mistake', roleId: R.helper.id });
  // The identifier in the query (I-10), the same in both places, and an empty body.
  const v = await mkUser(uniq('q'));
  await softDelete(v.id);
  await audited(() => restore(K.lead, undefined, `?userId=${v.id}`), 'account.restore');
  const w = await mkUser(uniq('q'));
  await softDelete(w.id);
  await audited(() => restore(K.lead, { userId: w.id, reason: null }, `?userId=${w.id}`), 'account.restore');
});

test('A16 #87 #88: missing and mismatched ids, active and unknown accounts, H11 on the retained role', async () => {
  const u = await mkUser(uniq('rr'));
  await softDelete(u.id);
  const other = await mkUser(uniq('rr'));
  let res = await refusal(400, 'missing_field', () => restore(K.lead, {}));
  assert.deepEqual(res.json.error.details, { field: 'userId' });
  await refusal(400, 'missing_field', () => restore(K.lead, undefined));
  res = await refusal(400, 'id_mismatch', () => restore(K.lead, { userId: u.id }, `?userId=${other.id}`));
  assert.deepEqual(res.json.error.details, { field: 'userId' });
  res = await refusal(400, 'invalid_field', () => restore(K.lead, { userId: 'nope' }));
  assert.equal(res.json.error.details.field, 'userId');
  await refusal(400, 'invalid_parameter', () => restore(K.lead, undefined, '?userId=NOPE'));
  await refusal(400, 'unknown_field', () => restore(K.lead, { id: u.id }));
  await refusal(400, 'unknown_field', () => restore(K.lead, { userId: u.id, confirm: u.username }));
  await refusal(400, 'invalid_field', () => restore(K.lead, { userId: u.id, reason: 'r'.repeat(501) }));
  await refusal(400, 'invalid_field', () => restore(K.lead, { userId: u.id, reason: 'bad\u202e' }));
  await refusal(404, 'account_not_found', () => restore(K.lead, { userId: 'ffffffffffffffffffffffff' }));
  await refusal(409, 'account_not_removed', () => restore(K.lead, { userId: other.id }));
  await refusal(409, 'account_not_removed', () => restore(K.lead, { userId: U.zero.id }));
  // #55: the retained role counts; a peer is refused before the state is looked at.
  const high = await mkUser(uniq('high'), R.lead.id);
  await softDelete(high.id, undefined, K.admin);
  await refusal(403, 'hierarchy', () => restore(K.lead, { userId: high.id }));
  await refusal(403, 'hierarchy', () => restore(K.lead, { userId: U.peer.id }));
  await refusal(403, 'hierarchy', () => restore(K.admin, { userId: owner.user.id }));
  // Gate refusals: permission, scope, CSRF.
  res = await refusal(403, 'forbidden', () => restore(K.viewer, { userId: u.id }));
  assert.deepEqual(res.json.error.details, { permission: 'restore_accounts' });
  res = await refusal(403, 'scope_missing', () => restore(K.leadStaffRead, { userId: u.id }));
  assert.deepEqual(res.json.error.details, { scope: 'staff:write' });
  await refusal(403, 'scope_missing', () => restore(K.leadUsersWrite, { userId: u.id }));
  const ls = await signIn('lead', PW2);
  await refusal(403, 'csrf_failed', () => restore(undefined, { userId: u.id }, '', { session: ls, csrf: false }));
  await refusal(403, 'csrf_failed', () => restore(undefined, { userId: u.id }, '', { session: ls, headers: { 'Sec-Fetch-Site': 'cross-site' } }));
  await audited(() => restore(undefined, { userId: u.id }, '', { session: ls }), 'account.restore');
  // Already restored: the account is active again.
  await refusal(409, 'account_not_removed', () => restore(K.lead, { userId: u.id }));
  await audited(() => restore(K.admin, { userId: high.id }), 'account.restore');
});

test('A16: a role deleted during the window is not given back; the account is level 0', async () => {
  const temp = await mkRole(uniq('Temp'), 15);
  const u = await mkUser(uniq('temp'), temp.id);
  const del = await softDelete(u.id);
  assert.equal(del.role.id, temp.id);
  ok(await call('DELETE', `/api/admin/roles?roleId=${temp.id}`, { key: ownerKey }));
  const listed = (await removed(u.id)).users[0];
  assert.equal(listed.role, null);
  assert.equal(listed.level, 0);
  const d = await audited(() => restore(K.lead, { userId: u.id }), 'account.restore');
  assert.equal(d.user.role, null);
  const back = ok(await call('GET', `/api/users/${u.id}`, { key: ownerKey })).user;
  assert.equal(back.role, null);
  assert.equal(back.level, 0);
});

test('delete, restore, delete: two records, both listed, neither overwritten', async () => {
  const u = await mkUser(uniq('cycle'), R.helper.id);
  const first = await softDelete(u.id, 'First time');
  clk.advance(1000);
  await audited(() => restore(K.lead, { userId: u.id, reason: 'Came back' }), 'account.restore');
  clk.advance(1000);
  const second = await softDelete(u.id, 'Second time');
  assert.notEqual(first.deletionId, second.deletionId);
  const d = await removed(u.id);
  assert.equal(d.total, 2);
  const [newer, older] = d.users;
  assert.equal(newer.deletionId, second.deletionId);
  assert.equal(newer.status, 'soft_deleted');
  assert.equal(newer.reason, 'Second time');
  assert.equal(newer.restoreReason, null);
  assert.equal(newer.restoredAt, null);
  assert.equal(older.deletionId, first.deletionId);
  assert.equal(older.status, 'restored');
  assert.equal(older.reason, 'First time');
  assert.equal(older.restoreReason, 'Came back');
  assert.equal(older.deletedAt, first.deletedAt);
  assert.ok(Date.parse(newer.deletedAt) > Date.parse(older.restoredAt));
  // Only the open record is restored.
  const r = ok(await restore(K.lead, { userId: u.id }));
  assert.equal(r.user.deletionId, second.deletionId);
  assert.equal((await removed(u.id)).users.filter((x) => x.status === 'restored').length, 2);
});

// --- A17 erase ----------------------------------------------------------------------------------

// Every (table, column) whose text holds one of the values, ignoring case.
function findEverywhere(values) {
  const hits = [];
  const tables = sql(srv, "SELECT name FROM sqlite_master WHERE type = 'table'").map((t) => t.name);
  for (const t of tables) {
    for (const { name: col } of sql(srv, `PRAGMA table_info("${t}")`)) {
      for (const v of values) {
        const [{ n }] = sql(srv, `SELECT COUNT(*) AS n FROM "${t}" WHERE instr(lower(CAST("${col}" AS TEXT)), lower('${v}')) > 0`);
        if (n > 0) hits.push(`${t}.${col} holds ${v}`);
      }
    }
  }
  return hits;
}

test('A17 E03 #90-#92: erase scrubs every trace of the account; the tombstone keeps its id', async () => {
  const device = 'q7devicesharedbytwo_ab';
  const oldName = uniq('erase_old_q');
  const name = uniq('erase_me_q');
  const email = 'erase.me.q7@example.org';
  const oldEmail = 'old.q7@example.org';
  const rbx = '48291305711'; // long enough never to occur inside a stored timestamp
  const values = [name, oldName, email, oldEmail, rbx];
  assert.deepEqual(findEverywhere(values), [], 'fixture values are fresh');
  const u = await mkUser(oldName, R.helper.id, { email: oldEmail, robloxUserId: rbx });
  ok(await call('PATCH', `/api/users/${u.id}`, { key: ownerKey, body: { username: name, email } }));
  // Signals: two sign-ins on one device, shared with a partner account, make one cluster.
  await firstLogin(name, { Cookie: `roster_device=${device}` });
  await signIn(name, PW2, { Cookie: `roster_device=${device}` });
  const partner = await mkUser(uniq('partner_q'));
  await firstLogin(partner.username, { Cookie: `roster_device=${device}` });
  const alts = ok(await call('POST', '/api/admin/recompute-alts', { key: ownerKey, body: {} })).alts;
  const cluster = alts.find((a) => a.users.some((x) => x.id === u.id));
  assert.ok(cluster, 'a cluster holds the account');
  assert.deepEqual(cluster.users.map((x) => x.id).sort(), [u.id, partner.id].sort());
  cliKey(srv, name, 'victim-key', ['users:read']);
  const community = ok(await call('POST', '/api/admin/communities', { key: ownerKey, body: { name: uniq('Erasure'), allowedUserIds: [u.id] } })).community;
  assert.equal(sql(srv, `SELECT COUNT(*) AS n FROM community_allowed_users WHERE user_id = '${u.id}'`)[0].n, 1);
  const del = await softDelete(u.id, `Requested by ${name}`);

  // #90: confirm is required and compared exactly; both refusals change nothing.
  let res = await refusal(400, 'missing_field', () => erase(K.lead, { userId: u.id }));
  assert.deepEqual(res.json.error.details, { field: 'confirm' });
  await refusal(400, 'confirmation_required', () => erase(K.lead, { userId: u.id, confirm: name.toUpperCase() }));
  await refusal(400, 'confirmation_required', () => erase(K.lead, { userId: u.id, confirm: `${name} ` }));
  await refusal(400, 'confirmation_required', () => erase(K.lead, { userId: u.id, confirm: oldName }));
  await refusal(400, 'invalid_field', () => erase(K.lead, { userId: u.id, confirm: 'x'.repeat(65) }));
  await refusal(400, 'invalid_field', () => erase(K.lead, { userId: u.id, confirm: '' }));

  const a0 = await auditTotal();
  const d = ok(await erase(K.lead, { userId: u.id, confirm: name, reason: 'GDPR request' }));
  assert.equal(await auditTotal(), a0 + 1, 'exactly one audit entry');
  const e = d.deletion;
  assert.deepEqual(Object.keys(e).sort(), ['deletionId', 'erasedAt', 'erasedBy', 'removed', 'status', 'userId']);
  assert.equal(e.userId, u.id);
  assert.equal(e.deletionId, del.deletionId);
  assert.equal(e.status, 'erased');
  assert.deepEqual(e.erasedBy, { id: U.lead.id, username: 'lead' });
  assert.ok(Math.abs(Date.parse(e.erasedAt) - (Date.now() + clk.offset)) < 60000);
  assert.deepEqual(Object.keys(e.removed).sort(), ['allowlistEntries', 'apiKeys', 'auditEntriesScrubbed',
    'clusterMemberships', 'identitySignals', 'sessions']);
  assert.equal(e.removed.sessions, 0, 'ended at soft delete already');
  assert.equal(e.removed.apiKeys, 1);
  assert.equal(e.removed.identitySignals, 3, 'two sign-in addresses and one device');
  assert.equal(e.removed.clusterMemberships, 1);
  assert.equal(e.removed.allowlistEntries, 1);
  assert.ok(e.removed.auditEntriesScrubbed >= 6, JSON.stringify(e.removed));

  // #92: no table holds the username (old or new), email (old or new) or Roblox id, apart from
  // the ignored-player set, which keeps the bare Roblox id (readmin-compat.md §4.5).
  assert.deepEqual(findEverywhere(values), [`ignored_players.roblox_user_id holds ${rbx}`]);
  assert.deepEqual(sql(srv, `SELECT reason FROM ignored_players WHERE roblox_user_id = '${rbx}'`), [{ reason: 'erasure' }]);
  const [tomb] = sql(srv, `SELECT * FROM users WHERE id = '${u.id}'`);
  assert.equal(tomb.status, 'erased');
  for (const col of ['username', 'username_key', 'email', 'roblox_user_id', 'password_hash', 'role_id']) assert.equal(tomb[col], null, col);
  assert.ok(tomb.erased_at > 0);
  assert.equal(tomb.erased_by, U.lead.id);
  for (const rec of sql(srv, `SELECT * FROM account_deletions WHERE user_id = '${u.id}'`)) {
    assert.equal(rec.status, 'erased');
    assert.equal(rec.reason, null);
    assert.equal(rec.restore_reason, null);
  }
  for (const t of ['login_sessions', 'api_keys', 'identity_signals', 'alt_cluster_members', 'community_allowed_users']) {
    assert.equal(sql(srv, `SELECT COUNT(*) AS n FROM ${t} WHERE user_id = '${u.id}'`)[0].n, 0, t);
  }
  // The partner is alone now: the cluster is gone at once, not at the next rebuild.
  const stored = ok(await call('GET', '/api/alts?pageSize=100', { key: ownerKey })).alts;
  assert.ok(!stored.some((a) => a.users.some((x) => x.id === u.id || x.id === partner.id)));
  const cm = ok(await call('GET', '/api/admin/communities', { key: ownerKey })).communities.find((c) => c.id === community.id);
  assert.deepEqual(cm.allowedUserIds, []);

  // The audit log keeps ids and scrubs what named the account.
  const erased = await lastAudit('account.erase');
  assert.equal(erased.targetType, 'user');
  assert.equal(erased.targetId, u.id);
  assert.deepEqual(erased.before, { status: 'soft_deleted' });
  assert.deepEqual(erased.after, { status: 'erased', deletionId: del.deletionId, reason: 'GDPR request', removed: e.removed });
  const about = (await audit(`targetType=user&targetId=${u.id}&pageSize=100`)).entries;
  const create = about.find((x) => x.action === 'user.create');
  assert.equal(create.after.username, '[erased]');
  assert.equal(create.after.email, '[erased]');
  assert.equal(create.after.robloxUserId, '[erased]');
  assert.equal(create.after.roleId, R.helper.id, 'ids stay');
  const update = about.find((x) => x.action === 'user.update');
  assert.deepEqual(update.before, { username: '[erased]', email: '[erased]' });
  assert.deepEqual(update.after, { username: '[erased]', email: '[erased]' });
  const deletion = about.find((x) => x.action === 'user.delete');
  assert.equal(deletion.after.reason, '[erased]', 'the deletion reason goes as the record\'s does');
  assert.equal(deletion.after.deletionId, del.deletionId);
  const own = (await audit(`actorId=${u.id}&pageSize=100`)).entries;
  assert.ok(own.length >= 3, 'the account\'s own sign-ins and password change');
  for (const x of own) {
    assert.deepEqual(x.actor.user, { id: u.id, username: null });
    assert.equal(x.ip, null);
  }

  // #91: twice → 404; restore of an erased account → 404; not listed.
  await refusal(404, 'account_not_found', () => erase(K.lead, { userId: u.id, confirm: name }));
  await refusal(404, 'account_not_found', () => restore(K.lead, { userId: u.id }));
  assert.equal((await removed(u.id)).total, 0);
  expectError(await call('GET', `/api/users/${u.id}`, { key: ownerKey }), 404, 'user_not_found');
  // The name is free again.
  await mkUser(name);
});

test('A17 #91: check order, state, hierarchy and gate refusals', async () => {
  const active = await mkUser(uniq('live'));
  const u = await mkUser(uniq('todel'));
  await softDelete(u.id);
  const high = await mkUser(uniq('high'), R.lead.id);
  await softDelete(high.id, undefined, K.admin);
  // confirm is compared last: state and hierarchy answer first.
  await refusal(409, 'account_not_removed', () => erase(K.lead, { userId: active.id, confirm: active.username }));
  await refusal(409, 'account_not_removed', () => erase(K.lead, { userId: active.id, confirm: 'wrong' }));
  await refusal(403, 'hierarchy', () => erase(K.lead, { userId: high.id, confirm: 'wrong' }));
  await refusal(403, 'hierarchy', () => erase(K.lead, { userId: high.id, confirm: high.username }));
  await refusal(403, 'hierarchy', () => erase(K.lead, { userId: U.peer.id, confirm: 'peer' }));
  await refusal(404, 'account_not_found', () => erase(K.lead, { userId: 'ffffffffffffffffffffffff', confirm: 'x' }));
  let res = await refusal(400, 'missing_field', () => erase(K.lead, { confirm: u.username }));
  assert.deepEqual(res.json.error.details, { field: 'userId' });
  await refusal(400, 'id_mismatch', () => erase(K.lead, { userId: u.id, confirm: u.username }, `?userId=${active.id}`));
  await refusal(400, 'unknown_field', () => erase(K.lead, { userId: u.id, confirm: u.username, id: u.id }));
  await refusal(400, 'invalid_field', () => erase(K.lead, { userId: u.id, confirm: u.username, reason: 'r'.repeat(501) }));
  // confirm is body-only (I-10).
  await refusal(400, 'unknown_parameter', () => erase(K.lead, { userId: u.id }, `?confirm=${u.username}`));
  res = await refusal(403, 'forbidden', () => erase(K.viewer, { userId: u.id, confirm: u.username }));
  assert.deepEqual(res.json.error.details, { permission: 'erase_accounts' });
  res = await refusal(403, 'scope_missing', () => erase(K.leadStaffRead, { userId: u.id, confirm: u.username }));
  assert.deepEqual(res.json.error.details, { scope: 'staff:write' });
  const ls = await signIn('lead', PW2);
  await refusal(403, 'csrf_failed', () => erase(undefined, { userId: u.id, confirm: u.username }, '', { session: ls, csrf: false }));
  await audited(() => erase(undefined, { confirm: u.username }, `?userId=${u.id}`, { session: ls }), 'account.erase');
  await audited(() => erase(K.admin, { userId: high.id, confirm: high.username }), 'account.erase');
});

test('R03 #93: restore and erase of one account at once, 50 rounds: exactly one succeeds each round', async () => {
  const wins = { restore: 0, erase: 0 };
  for (let round = 0; round < 50; round++) {
    const u = await mkUser(uniq('racer'));
    await softDelete(u.id);
    const a0 = await auditTotal();
    const [r, e] = await Promise.all([
      restore(K.lead, { userId: u.id }),
      erase(K.lead, { userId: u.id, confirm: u.username }),
    ]);
    assert.equal([r, e].filter((x) => x.status === 200).length, 1, `round ${round}: ${r.text} ${e.text}`);
    const [row] = sql(srv, `SELECT status FROM users WHERE id = '${u.id}'`);
    if (r.status === 200) {
      wins.restore++;
      expectError(e, 409, 'account_not_removed');
      assert.equal(row.status, 'active');
    } else {
      wins.erase++;
      expectError(r, 404, 'account_not_found');
      assert.equal(row.status, 'erased');
    }
    assert.equal(await auditTotal(), a0 + 1, 'one audit entry per round');
  }
  assert.equal(wins.restore + wins.erase, 50);
});

// --- retention (moves the clock 30 days: keep it last) -----------------------------------------

function purgeRuns() {
  return srv.logs.filter((l) => l.includes('"job.run"') && l.includes("job 'retention_purge' ran")).length;
}

async function waitFor(what, pred) {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > 15000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test('E02 #88: past the window restore is retention_expired until the job erases the account, then 404', async () => {
  const name = uniq('expire');
  const u = await mkUser(name, R.helper.id, { email: 'expire@example.org', robloxUserId: '48291305722' });
  const del = await softDelete(u.id, 'Left the team');
  const t0 = Date.parse(del.deletedAt) - (Date.now() + clk.offset);
  // One minute before expiry the job runs (its lease from start-up has lapsed; accounts deleted
  // earlier may go now) and leaves this one; its new lease lasts 15 minutes, so the window can
  // close before it runs again.
  let runs = purgeRuns();
  clk.advance(t0 + 30 * DAY - 60000);
  await waitFor('a retention run', () => purgeRuns() > runs);
  assert.equal(sql(srv, `SELECT status FROM users WHERE id = '${u.id}'`)[0].status, 'soft_deleted');
  assert.equal((await removed(u.id)).users[0].canRestore, true);
  clk.advance(2 * 60000);
  await refusal(409, 'retention_expired', () => restore(K.lead, { userId: u.id }));
  const item = (await removed(u.id)).users[0];
  assert.equal(item.canRestore, false, 'outside the window');
  assert.equal(item.canErase, true);
  assert.equal(sql(srv, `SELECT status FROM users WHERE id = '${u.id}'`)[0].status, 'soft_deleted');
  // Past the lease the job runs again and erases it as actor `system`.
  runs = purgeRuns();
  const a0 = await auditTotal('account.erase');
  clk.advance(16 * 60000);
  await waitFor('the purge', () => purgeRuns() > runs);
  const [tomb] = sql(srv, `SELECT * FROM users WHERE id = '${u.id}'`);
  assert.equal(tomb.status, 'erased');
  assert.equal(tomb.username, null);
  assert.equal(tomb.erased_by, null);
  assert.ok(await auditTotal('account.erase') > a0);
  const entry = (await audit(`action=account.erase&targetId=${u.id}`)).entries[0];
  assert.equal(entry.actor.type, 'system');
  assert.equal(entry.actor.user, null);
  assert.equal(entry.after.reason, 'retention_expired');
  assert.equal(entry.after.deletionId, del.deletionId);
  await refusal(404, 'account_not_found', () => restore(K.lead, { userId: u.id }));
  await refusal(404, 'account_not_found', () => erase(K.lead, { userId: u.id, confirm: name }));
  // Only the ignored-player set keeps the bare Roblox id (readmin-compat.md §4.5).
  assert.deepEqual(findEverywhere([name, 'expire@example.org', '48291305722']), ['ignored_players.roblox_user_id holds 48291305722']);
  // Every other account past its window went with it; restored ones stay.
  assert.equal(sql(srv, "SELECT COUNT(*) AS n FROM account_deletions WHERE status = 'soft_deleted'")[0].n, 0);
  assert.ok(sql(srv, "SELECT COUNT(*) AS n FROM account_deletions WHERE status = 'restored'")[0].n > 0);
});
