// keys.test.mjs: /api/keys (platform.md §4), key authentication (staff-admin.md §1.2) and the
// CLI `roster key` commands; catalogue rows K01-K12, T05, T12, T14, P09, P10.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { startServer, api, login, ownerSession, cookieFrom, expectError, OWNER_PASSWORD } from './lib/harness.mjs';
import {
  clock, cliOwner, cliKey, firstLogin, keyTotal, auditQuery, withoutRequestId, metrics, metricValue,
} from './lib/helpers.mjs';

let srv;
let clk;
let owner;
let createdThisHour = 0;

before(async () => {
  srv = await startServer();
  clk = clock(srv);
  owner = await ownerSession(srv);
});
after(async () => { await srv.stop(); });

// The owner may create 20 keys an hour; tests that need many start a new hour first.
async function nextHour() {
  clk.advance(61 * 60e3);
  owner = await login(srv, 'owner', OWNER_PASSWORD);
  createdThisHour = 0;
}

async function mk(body) {
  if (createdThisHour >= 20) await nextHour();
  const res = await api(srv, 'POST', '/api/keys', { session: owner, body });
  assert.equal(res.status, 200, res.text);
  createdThisHour++;
  return res.json.data;
}

const iso = (ms) => new Date(ms).toISOString();
// "now" as the server sees it.
const serverNow = () => Date.now() + clk.offset;

async function getKey(id, session = owner) {
  const res = await api(srv, 'GET', `/api/keys/${id}`, { session });
  assert.equal(res.status, 200, res.text);
  return res.json.data.key;
}

const meWithKey = (secret, headers = {}) => api(srv, 'GET', '/api/auth/me', { key: secret, headers });

test('create returns the secret once, in the documented shape', async () => {
  const res = await api(srv, 'POST', '/api/keys', {
    session: owner, body: { name: 'ci deploy', scopes: ['staff:read', 'audit:read'] },
  });
  assert.equal(res.status, 200, res.text);
  createdThisHour++;
  assert.equal(res.json.success, true);
  const { key, secret } = res.json.data;
  assert.match(secret, /^prapi_[A-Za-z0-9_-]{43}$/);
  assert.match(key.id, /^[0-9a-f]{24}$/);
  assert.deepEqual(Object.keys(key).sort(), ['createdAt', 'createdBy', 'expiresAt', 'id', 'ipAllowlist',
    'lastFour', 'lastUsedAt', 'lastUsedIp', 'name', 'prefix', 'revokedAt', 'revokedBy', 'scopes', 'status', 'user'].sort());
  assert.equal(key.name, 'ci deploy');
  assert.equal(key.prefix, secret.slice(0, 12));
  assert.equal(key.lastFour, secret.slice(-4));
  assert.deepEqual([...key.scopes].sort(), ['audit:read', 'staff:read']);
  assert.deepEqual(key.user, { id: owner.user.id, username: 'owner' });
  assert.deepEqual(key.createdBy, { id: owner.user.id, username: 'owner' });
  assert.match(key.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(key.expiresAt, null);
  assert.deepEqual(key.ipAllowlist, []);
  assert.equal(key.lastUsedAt, null);
  assert.equal(key.lastUsedIp, null);
  assert.equal(key.revokedAt, null);
  assert.equal(key.revokedBy, null);
  assert.equal(key.status, 'active');
  // Never shown again.
  const got = await api(srv, 'GET', `/api/keys/${key.id}`, { session: owner });
  assert.equal(got.status, 200);
  assert.ok(!('secret' in got.json.data));
  assert.ok(!got.text.includes(secret.slice(6)));
  assert.deepEqual(got.json.data.key, key);
  const list = await api(srv, 'GET', '/api/keys?pageSize=100', { session: owner });
  assert.ok(!list.text.includes(secret.slice(6)));
  assert.ok(list.json.data.keys.some((k) => k.id === key.id));
  // It works, and its use is recorded.
  const m = await meWithKey(secret);
  assert.equal(m.status, 200);
  const used = await getKey(key.id);
  assert.equal(used.lastUsedIp, '127.0.0.1');
  assert.ok(used.lastUsedAt !== null);
  // Audited, without the secret.
  const a = await auditQuery(srv, owner, `action=key.create&targetId=${key.id}`);
  assert.equal(a.total, 1);
  assert.equal(a.entries[0].requestId, res.headers.get('x-request-id'));
  assert.ok(!JSON.stringify(a.entries).includes(secret.slice(6)));
});

test('expiresAt and ipAllowlist are stored normalised', async () => {
  const at = serverNow() + 5 * 86400e3;
  const local = new Date(at + 2 * 3600e3).toISOString().replace(/\.\d{3}Z$/, '+02:00');
  const { key } = await mk({
    name: 'normalised', scopes: ['staff:read'], expiresAt: local,
    ipAllowlist: ['10.1.2.3', '2001:DB8::1', '192.168.7.9/16'],
  });
  assert.equal(key.expiresAt, iso(Math.floor(at / 1000) * 1000));
  assert.deepEqual(key.ipAllowlist, ['10.1.2.3', '2001:db8::1', '192.168.0.0/16']);
  assert.deepEqual((await getKey(key.id)).ipAllowlist, key.ipAllowlist);
  const never = await mk({ name: 'never', scopes: ['staff:read'], expiresAt: null });
  assert.equal(never.key.expiresAt, null);
});

test('list pages own keys newest first and filters by status', async () => {
  const otp = cliOwner(srv, 'lister');
  let s = await firstLogin(srv, 'lister', otp, 'lister-password-1');
  const ids = [];
  for (let i = 0; i < 5; i++) {
    const r = await api(srv, 'POST', '/api/keys', { session: s, body: { name: `l${i}`, scopes: ['staff:read'] } });
    assert.equal(r.status, 200, r.text);
    ids.push(r.json.data.key.id);
  }
  const page = (q) => api(srv, 'GET', `/api/keys?${q}`, { session: s });
  const all = await page('');
  assert.equal(all.json.data.total, 5);
  assert.equal(all.json.data.page, 1);
  assert.equal(all.json.data.pageSize, 20);
  assert.deepEqual(all.json.data.keys.map((k) => k.id), [...ids].reverse(), 'newest first');
  assert.ok(all.json.data.keys.every((k) => k.user.username === 'lister'), 'only own keys');
  const seen = [];
  for (const p of [1, 2, 3]) {
    const r = await page(`page=${p}&pageSize=2`);
    assert.equal(r.status, 200);
    assert.equal(r.json.data.page, p);
    assert.equal(r.json.data.pageSize, 2);
    assert.equal(r.json.data.total, 5);
    seen.push(...r.json.data.keys.map((k) => k.id));
  }
  assert.deepEqual(seen, [...ids].reverse());
  const past = await page('page=4&pageSize=2');
  assert.deepEqual(past.json.data.keys, []);
  assert.equal(past.json.data.total, 5);

  // One revoked, one expired, the rest active.
  assert.equal((await api(srv, 'DELETE', `/api/keys/${ids[0]}`, { session: s })).status, 200);
  const exp = await api(srv, 'POST', '/api/keys', {
    session: s, body: { name: 'soon', scopes: ['staff:read'], expiresAt: iso(serverNow() + 2 * 60e3) },
  });
  assert.equal(exp.status, 200, exp.text);
  assert.equal(exp.json.data.key.status, 'active');
  clk.advance(3 * 60e3);
  s = await login(srv, 'lister', 'lister-password-1');
  const by = async (st) => (await page(`status=${st}&pageSize=100`)).json.data;
  const active = await by('active');
  const expired = await by('expired');
  const revoked = await by('revoked');
  assert.equal(active.total, 4);
  assert.ok(active.keys.every((k) => k.status === 'active'));
  assert.deepEqual(expired.keys.map((k) => [k.id, k.status]), [[exp.json.data.key.id, 'expired']]);
  assert.deepEqual(revoked.keys.map((k) => [k.id, k.status]), [[ids[0], 'revoked']]);
  assert.equal((await page('')).json.data.total, 6);
  for (const q of ['status=gone', 'status=Active', 'pageSize=0', 'pageSize=101', 'page=0', 'page=10001', 'pageSize=abc']) {
    const r = await page(q);
    expectError(r, 400, 'invalid_parameter');
    assert.equal(r.json.error.details.parameter, q.split('=')[0]);
  }
  expectError(await page('status=active&status=revoked'), 400, 'duplicate_parameter');
  expectError(await page('sort=name'), 400, 'unknown_parameter');
});

test('listing another user at or above your level is 403 hierarchy', async () => {
  const me = await api(srv, 'GET', '/api/auth/me', { session: owner });
  const otp = cliOwner(srv, 'peer_owner');
  const peer = await firstLogin(srv, 'peer_owner', otp, 'peer-password-1');
  cliKey(srv, 'peer_owner', 'peer-key');
  const res = await api(srv, 'GET', `/api/keys?userId=${peer.user.id}`, { session: owner });
  expectError(res, 403, 'hierarchy');
  const self = await api(srv, 'GET', `/api/keys?userId=${me.json.data.user.id}`, { session: owner });
  assert.equal(self.status, 200);
  assert.ok(self.json.data.keys.every((k) => k.user.id === owner.user.id));
  expectError(await api(srv, 'GET', '/api/keys?userId=XYZ', { session: owner }), 400, 'invalid_parameter');
});

test('revoke: 200 with the revoked key, refused on next use, idempotent', async () => {
  const { key, secret } = await mk({ name: 'to revoke', scopes: ['staff:read'] });
  assert.equal((await meWithKey(secret)).status, 200);
  const res = await api(srv, 'DELETE', `/api/keys/${key.id}`, { session: owner });
  assert.equal(res.status, 200, res.text);
  const r = res.json.data.key;
  assert.equal(r.id, key.id);
  assert.equal(r.status, 'revoked');
  assert.ok(r.revokedAt);
  assert.deepEqual(r.revokedBy, { id: owner.user.id, username: 'owner' });
  expectError(await meWithKey(secret), 401, 'unauthenticated');
  const again = await api(srv, 'DELETE', `/api/keys/${key.id}`, { session: owner });
  assert.equal(again.status, 200, again.text);
  assert.deepEqual(again.json.data.key, r, 'unchanged');
  assert.deepEqual(await getKey(key.id), r);
  const a = await auditQuery(srv, owner, `action=key.revoke&targetId=${key.id}`);
  assert.equal(a.total, 1, 'one audit entry for two calls');
  assert.equal(a.entries[0].requestId, res.headers.get('x-request-id'));
  assert.deepEqual(a.entries[0].after, { status: 'revoked' });
});

test('K01: the key works through Bearer, bearer, x-api-key and x-api-token alike', async () => {
  const { key, secret } = await mk({ name: 'k01', scopes: ['staff:read'] });
  const outcomes = [];
  for (const headers of [
    { Authorization: `Bearer ${secret}` }, { Authorization: `bearer ${secret}` },
    { Authorization: `BEARER ${secret}` }, { 'x-api-key': secret }, { 'x-api-token': secret },
    { 'x-api-key': secret, Authorization: `Bearer ${secret}` },
  ]) {
    const res = await api(srv, 'GET', '/api/auth/me', { headers });
    assert.equal(res.status, 200, `${JSON.stringify(Object.keys(headers))}: ${res.text}`);
    outcomes.push([res.json.data.auth.type, res.json.data.auth.keyId, res.json.data.user.id]);
  }
  for (const o of outcomes) assert.deepEqual(o, ['apiKey', key.id, owner.user.id]);
  assert.equal((await getKey(key.id)).lastUsedIp, '127.0.0.1');
});

test('K02: two different keys in the headers are 400 ambiguous_credentials', async () => {
  const k1 = await mk({ name: 'k02a', scopes: ['staff:read'] });
  const k2 = await mk({ name: 'k02b', scopes: ['staff:read'] });
  for (const headers of [
    { Authorization: `Bearer ${k1.secret}`, 'x-api-key': k2.secret },
    { 'x-api-key': k1.secret, 'x-api-token': k2.secret },
    { Authorization: `Bearer ${k1.secret}`, 'x-api-token': k2.secret },
  ]) expectError(await api(srv, 'GET', '/api/auth/me', { headers }), 400, 'ambiguous_credentials');
  // Neither key was used.
  assert.equal((await getKey(k1.key.id)).lastUsedAt, null);
  assert.equal((await getKey(k2.key.id)).lastUsedAt, null);
});

test('K03: a bad key beside a good cookie is 401; the cookie is ignored', async () => {
  const res = await api(srv, 'GET', '/api/auth/me', { session: owner, key: 'prapi_' + 'x'.repeat(43) });
  expectError(res, 401, 'unauthenticated');
  assert.equal(cookieFrom(res), null, 'the cookie is not cleared: key mode ignores it');
  const post = await api(srv, 'POST', '/api/keys', {
    session: owner, key: 'prapi_' + 'y'.repeat(43), body: { name: 'k03', scopes: ['staff:read'] },
  });
  expectError(post, 401, 'unauthenticated');
  assert.equal((await api(srv, 'GET', '/api/auth/me', { session: owner })).status, 200);
  assert.ok(!(await api(srv, 'GET', '/api/keys?pageSize=100', { session: owner })).json.data.keys.some((k) => k.name === 'k03'));
});

test('K04: credentials in the query are 400 credential_in_query and never logged', async () => {
  const { key, secret } = await mk({ name: 'k04', scopes: ['staff:read'] });
  for (const q of ['api_key', 'apiKey', 'key', 'token', 'access_token', 'x-api-key']) {
    const res = await api(srv, 'GET', `/api/auth/me?${q}=${secret}`);
    expectError(res, 400, 'credential_in_query');
    const withHeader = await api(srv, 'GET', `/api/auth/me?${q}=zzz`, { key: secret });
    expectError(withHeader, 400, 'credential_in_query');
  }
  const val = await api(srv, 'GET', `/api/audit?action=${secret}`, { session: owner });
  expectError(val, 400, 'credential_in_query');
  const valPrefix = await api(srv, 'GET', '/api/audit?action=prapi_short', { session: owner });
  expectError(valPrefix, 400, 'credential_in_query');
  assert.equal((await getKey(key.id)).lastUsedAt, null, 'the key was never used');
  assert.ok(!srv.readLogs().includes(secret.slice(6)));
});

test('K05: malformed keys and other schemes are 401 without touching the real key', async () => {
  const { key, secret } = await mk({ name: 'k05', scopes: ['staff:read'] });
  const body = secret.slice(6);
  const shapes = [
    { 'x-api-key': 'prapi-' + body },
    { 'x-api-key': 'PRAPI_' + body },
    { 'x-api-key': 'prapi_' + 'A'.repeat(10 * 1024) },
    { 'x-api-key': 'prapi_' + body.slice(0, 42) + '!' },
    { 'x-api-key': 'prapi_' + body.slice(0, 42) },
    { 'x-api-key': secret + 'A' },
    { 'x-api-key': body },
    { Authorization: 'Basic ' + Buffer.from('owner:' + OWNER_PASSWORD).toString('base64') },
    { Authorization: `Token ${secret}` },
    { Authorization: 'Bearer' },
  ];
  for (const headers of shapes) {
    const res = await api(srv, 'GET', '/api/auth/me', { headers: { ...headers, Cookie: `roster_session=${owner.cookie}` } });
    expectError(res, 401, 'unauthenticated');
  }
  assert.equal((await getKey(key.id)).lastUsedAt, null);
});

test('K06: unknown, expired and revoked keys get identical 401 bodies', async () => {
  const exp = await mk({ name: 'k06 expiring', scopes: ['staff:read'], expiresAt: iso(serverNow() + 2 * 60e3) });
  const rev = await mk({ name: 'k06 revoked', scopes: ['staff:read'] });
  assert.equal((await meWithKey(exp.secret)).status, 200, 'works before expiry');
  assert.equal((await meWithKey(rev.secret)).status, 200);
  assert.equal((await api(srv, 'DELETE', `/api/keys/${rev.key.id}`, { session: owner })).status, 200);
  clk.advance(2 * 60e3 + 1000);
  const unknown = await meWithKey('prapi_' + 'Q'.repeat(43));
  const expired = await meWithKey(exp.secret);
  const revoked = await meWithKey(rev.secret);
  for (const r of [unknown, expired, revoked]) expectError(r, 401, 'unauthenticated');
  assert.deepEqual(withoutRequestId(expired.json), withoutRequestId(unknown.json));
  assert.deepEqual(withoutRequestId(revoked.json), withoutRequestId(unknown.json));
  assert.equal((await getKey(exp.key.id)).status, 'expired');
});

test('K07: the IP allow-list is checked against the peer, not an untrusted X-Forwarded-For', async () => {
  const outside = await mk({ name: 'k07 out', scopes: ['staff:read'], ipAllowlist: ['10.0.0.0/8', '192.0.2.1'] });
  const inside = await mk({ name: 'k07 in', scopes: ['staff:read'], ipAllowlist: ['10.0.0.0/8', '127.0.0.1'] });
  const cidr = await mk({ name: 'k07 cidr', scopes: ['staff:read'], ipAllowlist: ['127.0.0.0/8'] });
  const denied = await meWithKey(outside.secret);
  expectError(denied, 403, 'ip_not_allowed');
  const spoofed = await meWithKey(outside.secret, { 'X-Forwarded-For': '10.1.2.3' });
  expectError(spoofed, 403, 'ip_not_allowed');
  assert.equal((await meWithKey(inside.secret)).status, 200);
  assert.equal((await meWithKey(cidr.secret)).status, 200);
  assert.equal((await meWithKey(inside.secret, { 'X-Forwarded-For': '10.9.9.9' })).status, 200);
  assert.equal((await getKey(outside.key.id)).lastUsedAt, null, 'a denied key is not marked used');
  const m = await metrics(srv);
  assert.ok(metricValue(m, 'roster_auth_key_checks_total', { outcome: 'ip_denied' }) >= 2);
});

test('K08: a key without the endpoint scope is 403 scope_missing', async () => {
  const staff = await mk({ name: 'k08 staff', scopes: ['staff:read', 'users:write'] });
  const audit = await mk({ name: 'k08 audit', scopes: ['audit:read'] });
  const before = await auditQuery(srv, owner, 'pageSize=1');
  const res = await api(srv, 'GET', '/api/audit', { key: staff.secret });
  expectError(res, 403, 'scope_missing');
  assert.deepEqual(res.json.error.details, { scope: 'audit:read' });
  assert.equal(res.json.error.message, 'API key lacks the required scope');
  const ok = await api(srv, 'GET', '/api/audit', { key: audit.secret });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.data.total, before.total);
  // /api/auth/me needs no scope.
  assert.equal((await meWithKey(staff.secret)).status, 200);
});

test('K10: a key cannot manage keys (403 session_required) and nothing changes', async () => {
  const { key, secret } = await mk({ name: 'k10', scopes: ['staff:write', 'users:write', 'workspaces:write', 'audit:read'] });
  const before = await keyTotal(srv, owner);
  for (const [method, path, body] of [
    ['GET', '/api/keys'], ['GET', `/api/keys/${key.id}`],
    ['POST', '/api/keys', { name: 'by key', scopes: ['staff:read'] }], ['DELETE', `/api/keys/${key.id}`],
  ]) expectError(await api(srv, method, path, { key: secret, body }), 403, 'session_required');
  assert.equal(await keyTotal(srv, owner), before);
  assert.equal((await getKey(key.id)).status, 'active');
});

test('K11: the 51st unrevoked key is 409 limit_reached; expired keys count', async () => {
  const otp = cliOwner(srv, 'many_keys');
  for (let i = 0; i < 50; i++)
    cliKey(srv, 'many_keys', 'k' + i, ['staff:read'], i < 10 ? ['--expires', '1d'] : []);
  clk.advance(25 * 3600e3); // ten of them are now expired
  owner = await login(srv, 'owner', OWNER_PASSWORD);
  createdThisHour = 0;
  const s = await firstLogin(srv, 'many_keys', otp, 'many-keys-password');
  assert.equal(await keyTotal(srv, s, 'expired'), 10);
  assert.equal(await keyTotal(srv, s), 50);
  const res = await api(srv, 'POST', '/api/keys', { session: s, body: { name: 'one too many', scopes: ['staff:read'] } });
  expectError(res, 409, 'limit_reached');
  assert.equal(Number(res.json.error.details.limit), 50);
  assert.equal(await keyTotal(srv, s), 50, 'nothing created');
  // Revoking one makes room for exactly one.
  const first = (await api(srv, 'GET', '/api/keys?pageSize=1', { session: s })).json.data.keys[0];
  assert.equal((await api(srv, 'DELETE', `/api/keys/${first.id}`, { session: s })).status, 200);
  const ok = await api(srv, 'POST', '/api/keys', { session: s, body: { name: 'room', scopes: ['staff:read'] } });
  assert.equal(ok.status, 200, ok.text);
  expectError(await api(srv, 'POST', '/api/keys', { session: s, body: { name: 'again', scopes: ['staff:read'] } }), 409, 'limit_reached');
  // The CLI is held to the same limit.
  const cli = srv.cli(['key', 'create', '--user', 'many_keys', '--name', 'cli', '--scope', 'staff:read']);
  assert.notEqual(cli.status, 0);
  assert.equal(cli.stdout, '', 'no secret printed');
  assert.equal(await keyTotal(srv, s), 51);
});

test('K11: the 21st creation within an hour through the API is 429 with Retry-After', async () => {
  const otp = cliOwner(srv, 'hourly');
  let s = await firstLogin(srv, 'hourly', otp, 'hourly-password-1');
  for (let i = 0; i < 20; i++) {
    const r = await api(srv, 'POST', '/api/keys', { session: s, body: { name: 'h' + i, scopes: ['staff:read'] } });
    assert.equal(r.status, 200, `creation ${i + 1}: ${r.text}`);
  }
  const res = await api(srv, 'POST', '/api/keys', { session: s, body: { name: 'h20', scopes: ['staff:read'] } });
  expectError(res, 429, 'rate_limited');
  const ra = Number(res.headers.get('retry-after'));
  assert.ok(Number.isInteger(ra) && ra > 3500 && ra <= 3600, `Retry-After ${res.headers.get('retry-after')}`);
  assert.equal(await keyTotal(srv, s), 20, 'nothing created');
  // Revoking does not give the hour back.
  const first = (await api(srv, 'GET', '/api/keys?pageSize=1', { session: s })).json.data.keys[0];
  await api(srv, 'DELETE', `/api/keys/${first.id}`, { session: s });
  expectError(await api(srv, 'POST', '/api/keys', { session: s, body: { name: 'h21', scopes: ['staff:read'] } }), 429, 'rate_limited');
  // The operator's CLI is not held to the hourly limit.
  cliKey(srv, 'hourly', 'from-cli');
  assert.equal(await keyTotal(srv, s), 21);
  // An hour later creation works again.
  clk.advance(61 * 60e3);
  owner = await login(srv, 'owner', OWNER_PASSWORD);
  createdThisHour = 0;
  s = await login(srv, 'hourly', 'hourly-password-1');
  const later = await api(srv, 'POST', '/api/keys', { session: s, body: { name: 'later', scopes: ['staff:read'] } });
  assert.equal(later.status, 200, later.text);
});

test('create validation: each bad field is 400 with its code and creates nothing', async () => {
  const before = await keyTotal(srv, owner);
  const now = serverNow();
  const cases = [
    [{ scopes: ['staff:read'] }, 'missing_field', 'name'],
    [{ name: null, scopes: ['staff:read'] }, 'missing_field', 'name'],
    [{ name: 'x' }, 'missing_field', 'scopes'],
    [{ name: '', scopes: ['staff:read'] }, 'invalid_field', 'name'],
    [{ name: 'n'.repeat(101), scopes: ['staff:read'] }, 'invalid_field', 'name'],
    [{ name: ' padded', scopes: ['staff:read'] }, 'invalid_field', 'name'],
    [{ name: 'bidi\u202e', scopes: ['staff:read'] }, 'invalid_field', 'name'],
    [{ name: 'zero\u200bwidth', scopes: ['staff:read'] }, 'invalid_field', 'name'],
    [{ name: 7, scopes: ['staff:read'] }, 'invalid_field', 'name'],
    [{ name: 'x', scopes: [] }, 'invalid_field', 'scopes'],
    [{ name: 'x', scopes: ['nope'] }, 'invalid_field', 'scopes'],
    [{ name: 'x', scopes: 'staff:read' }, 'invalid_field', 'scopes'],
    [{ name: 'x', scopes: [1] }, 'invalid_field', 'scopes'],
    [{ name: 'x', scopes: ['staff:read', 'staff:read'] }, 'invalid_field', 'scopes'],
    [{ name: 'x', scopes: ['Staff:Read'] }, 'invalid_field', 'scopes'],
    [{ name: 'x', scopes: ['staff:read'], expiresAt: iso(now - 60e3) }, 'invalid_field', 'expiresAt'],
    [{ name: 'x', scopes: ['staff:read'], expiresAt: iso(now + 30e3) }, 'invalid_field', 'expiresAt'],
    [{ name: 'x', scopes: ['staff:read'], expiresAt: iso(now + 731 * 86400e3) }, 'invalid_field', 'expiresAt'],
    [{ name: 'x', scopes: ['staff:read'], expiresAt: '2025-13-01T00:00:00Z' }, 'invalid_field', 'expiresAt'],
    [{ name: 'x', scopes: ['staff:read'], expiresAt: iso(now + 86400e3).replace('Z', '') }, 'invalid_field', 'expiresAt'],
    [{ name: 'x', scopes: ['staff:read'], expiresAt: 'tomorrow' }, 'invalid_field', 'expiresAt'],
    [{ name: 'x', scopes: ['staff:read'], expiresAt: now + 86400e3 }, 'invalid_field', 'expiresAt'],
    [{ name: 'x', scopes: ['staff:read'], ipAllowlist: ['10.0.0.0/33'] }, 'invalid_field', 'ipAllowlist'],
    [{ name: 'x', scopes: ['staff:read'], ipAllowlist: ['999.1.1.1'] }, 'invalid_field', 'ipAllowlist'],
    [{ name: 'x', scopes: ['staff:read'], ipAllowlist: ['example.com'] }, 'invalid_field', 'ipAllowlist'],
    [{ name: 'x', scopes: ['staff:read'], ipAllowlist: '10.0.0.1' }, 'invalid_field', 'ipAllowlist'],
    [{ name: 'x', scopes: ['staff:read'], ipAllowlist: Array.from({ length: 33 }, (_, i) => `10.0.0.${i}`) }, 'invalid_field', 'ipAllowlist'],
    [{ name: 'x', scopes: ['staff:read'], extra: 1 }, 'unknown_field', 'extra'],
    [{ name: 'x', scopes: ['staff:read'], id: 'a'.repeat(24) }, 'unknown_field', 'id'],
    [{ name: 'x', scopes: ['staff:read'], userId: owner.user.id }, 'unknown_field', 'userId'],
  ];
  for (const [body, code, field] of cases) {
    const res = await api(srv, 'POST', '/api/keys', { session: owner, body });
    assert.equal(res.status, 400, `${JSON.stringify(body).slice(0, 80)}: ${res.text}`);
    expectError(res, 400, code);
    assert.equal(res.json.error.details.field, field, JSON.stringify(body).slice(0, 80));
  }
  // 32 addresses is the limit, not past it (this one is created).
  const ok32 = await mk({ name: 'x32', scopes: ['staff:read'], ipAllowlist: Array.from({ length: 32 }, (_, i) => `10.0.0.${i}`) });
  assert.equal(ok32.key.ipAllowlist.length, 32);
  assert.equal(await keyTotal(srv, owner), before + 1, 'only the valid one created');
});

test('create: body syntax and media type', async () => {
  const before = await keyTotal(srv, owner);
  const post = (body, ct = 'application/json') =>
    api(srv, 'POST', '/api/keys', { session: owner, body, headers: { 'Content-Type': ct } });
  expectError(await post('{"name":"a","name":"b","scopes":["staff:read"]}'), 400, 'invalid_json');
  expectError(await post('{"name":"a","scopes":["staff:read"],"ipAllowlist":[{"a":1,"a":2}]}'), 400, 'invalid_json');
  expectError(await post('{"name":"a","scopes":["staff:read"]'), 400, 'invalid_json');
  expectError(await post('["name"]'), 400, 'invalid_json');
  expectError(await post('{"name":"a\\u0000b","scopes":["staff:read"]}'), 400, 'invalid_json');
  expectError(await post('{"name":"a","scopes":["staff:read"]}', 'text/plain'), 400, 'unsupported_media_type');
  expectError(await post('{"name":"a","scopes":["staff:read"]}', 'application/x-www-form-urlencoded'), 400, 'unsupported_media_type');
  expectError(await post('{"name":"a","scopes":["staff:read"]}', 'application/json; charset=utf-16'), 400, 'unsupported_media_type');
  expectError(await post(''), 400, 'missing_field');
  assert.equal(await keyTotal(srv, owner), before);
  const ok = await post('{"name":"charset","scopes":["staff:read"]}', 'application/json; charset=utf-8');
  assert.equal(ok.status, 200, ok.text);
  createdThisHour++;
});

test('P09/P10: malformed key ids are 400 invalid_field; unknown ones 404 key_not_found', async () => {
  const { key } = await mk({ name: 'p09', scopes: ['staff:read'] });
  for (const id of ['xyz', '1%20OR%201=1', key.id.toUpperCase(), key.id + '0', key.id.slice(1), "1'%20OR%20'1'='1"]) {
    for (const method of ['GET', 'DELETE']) {
      const res = await api(srv, method, `/api/keys/${id}`, { session: owner });
      expectError(res, 400, 'invalid_field');
      assert.equal(res.json.error.details.field, 'keyId');
    }
  }
  const unknown = 'f'.repeat(24);
  for (const method of ['GET', 'DELETE']) {
    const res = await api(srv, method, `/api/keys/${unknown}`, { session: owner });
    expectError(res, 404, 'key_not_found');
    assert.equal(res.json.error.message, 'API key not found');
  }
  assert.equal((await getKey(key.id)).status, 'active', 'the real key untouched');
});

test('GET and DELETE of another user\'s key without outranking them is 404', async () => {
  const otp = cliOwner(srv, 'other_holder');
  await firstLogin(srv, 'other_holder', otp, 'other-holder-pw');
  cliKey(srv, 'other_holder', 'theirs');
  const line = srv.cli(['key', 'list', '--user', 'other_holder']).stdout.trim().split('\n')[0];
  const id = JSON.parse(line).id;
  expectError(await api(srv, 'GET', `/api/keys/${id}`, { session: owner }), 404, 'key_not_found');
  expectError(await api(srv, 'DELETE', `/api/keys/${id}`, { session: owner }), 404, 'key_not_found');
  const after = JSON.parse(srv.cli(['key', 'list', '--user', 'other_holder']).stdout.trim().split('\n')[0]);
  assert.equal(after.status, 'active');
});

test('CLI: key list prints JSON lines without secrets; key revoke revokes', async () => {
  const { key, secret } = await mk({ name: 'cli-visible', scopes: ['staff:read', 'audit:read'] });
  const cliSecret = cliKey(srv, 'owner', 'cli-made', ['audit:read']);
  const out = srv.cli(['key', 'list', '--user', 'owner']);
  assert.equal(out.status, 0, out.stderr);
  const lines = out.stdout.trim().split('\n');
  const rows = lines.map((l) => JSON.parse(l));
  assert.ok(rows.every((r) => r.user === 'owner' && r.status === 'active'));
  const mine = rows.find((r) => r.id === key.id);
  assert.equal(mine.prefix, secret.slice(0, 12));
  assert.equal(mine.name, 'cli-visible');
  const made = rows.find((r) => r.name === 'cli-made');
  assert.ok(made);
  assert.ok(!out.stdout.includes(secret.slice(6)) && !out.stdout.includes(cliSecret.slice(6)), 'no secrets');
  const g = await getKey(made.id);
  assert.equal(g.createdBy, null, 'CLI keys have createdBy null');
  // Revoke with the CLI: refused on next use, audited with actor cli.
  assert.equal((await meWithKey(cliSecret)).status, 200);
  const rv = srv.cli(['key', 'revoke', made.id]);
  assert.equal(rv.status, 0, rv.stderr);
  expectError(await meWithKey(cliSecret), 401, 'unauthenticated');
  assert.equal((await getKey(made.id)).status, 'revoked');
  const a = await auditQuery(srv, owner, `action=key.revoke&targetId=${made.id}`);
  assert.equal(a.total, 1);
  assert.equal(a.entries[0].actor.type, 'cli');
  // --all lists revoked keys too; the default does not.
  assert.ok(!srv.cli(['key', 'list', '--user', 'owner']).stdout.includes(made.id));
  assert.ok(srv.cli(['key', 'list', '--user', 'owner', '--all']).stdout.includes(made.id));
  assert.equal(srv.cli(['key', 'revoke', 'nope']).status, 2, 'usage error');
  assert.equal(srv.cli(['key', 'revoke', 'f'.repeat(24)]).status, 1, 'runtime failure for an unknown key');
});

test('K12: a new secret appears nowhere in the database, its WAL or the logs', async () => {
  const { key, secret } = await mk({ name: 'k12', scopes: ['audit:read'] });
  assert.equal((await meWithKey(secret)).status, 200);
  await api(srv, 'GET', '/api/audit', { key: secret });
  const tail = secret.slice(6);
  const files = [srv.dbPath, srv.dbPath + '-wal', srv.dbPath + '-shm'].filter((f) => existsSync(f));
  assert.ok(files.length >= 1);
  for (const f of files) {
    const bytes = readFileSync(f);
    assert.equal(bytes.indexOf(secret), -1, `${f} holds the secret`);
    assert.equal(bytes.indexOf(tail), -1, `${f} holds the secret body`);
  }
  const logs = srv.readLogs();
  assert.ok(!logs.includes(tail), 'logs hold the secret');
  // The key itself is stored (its id and prefix are there).
  assert.equal((await getKey(key.id)).prefix, secret.slice(0, 12));
  // Neither is a session token stored or logged.
  const s = await login(srv, 'owner', OWNER_PASSWORD);
  for (const f of files) assert.equal(readFileSync(f).indexOf(s.cookie), -1);
  assert.ok(!srv.readLogs().includes(s.cookie));
});

test('lastUsedAt and lastUsedIp are written at most once a minute', async () => {
  const { key, secret } = await mk({ name: 'touch', scopes: ['staff:read'] });
  assert.equal((await meWithKey(secret)).status, 200);
  const first = (await getKey(key.id)).lastUsedAt;
  assert.ok(first);
  clk.advance(30e3);
  assert.equal((await meWithKey(secret)).status, 200);
  assert.equal((await getKey(key.id)).lastUsedAt, first, 'not rewritten within a minute');
  clk.advance(31e3);
  assert.equal((await meWithKey(secret)).status, 200);
  const later = (await getKey(key.id)).lastUsedAt;
  assert.ok(Date.parse(later) >= Date.parse(first) + 60e3, `${first} -> ${later}`);
});

test('check order: the hourly creation limit (step 9) answers before body validation (step 10)',
  async () => {
    const otp = cliOwner(srv, 'order_check');
    const s = await firstLogin(srv, 'order_check', otp, 'order-check-password');
    for (let i = 0; i < 20; i++)
      assert.equal((await api(srv, 'POST', '/api/keys', { session: s, body: { name: 'o' + i, scopes: ['staff:read'] } })).status, 200);
    expectError(await api(srv, 'POST', '/api/keys', { session: s, body: { name: 'ok', scopes: ['staff:read'] } }), 429, 'rate_limited');
    const bad = await api(srv, 'POST', '/api/keys', { session: s, body: { name: 'bad', scopes: ['nope'] } });
    assert.equal(await keyTotal(srv, s), 20, 'nothing created');
    expectError(bad, 429, 'rate_limited');
    assert.ok(Number(bad.headers.get('retry-after')) > 0);
  });

test('keys made with the CLI do not use up the API\'s 20-per-hour allowance',
  async () => {
    const otp = cliOwner(srv, 'cli_then_api');
    const s = await firstLogin(srv, 'cli_then_api', otp, 'cli-then-api-pw');
    for (let i = 0; i < 5; i++) cliKey(srv, 'cli_then_api', 'c' + i);
    const statuses = [];
    for (let i = 0; i < 20; i++)
      statuses.push((await api(srv, 'POST', '/api/keys', { session: s, body: { name: 'a' + i, scopes: ['staff:read'] } })).status);
    const total = await keyTotal(srv, s);
    assert.deepEqual(statuses, Array(20).fill(200));
    assert.equal(total, 25);
    expectError(await api(srv, 'POST', '/api/keys', { session: s, body: { name: 'a20', scopes: ['staff:read'] } }), 429, 'rate_limited');
  });
