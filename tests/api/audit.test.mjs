// audit.test.mjs: GET /api/audit (platform.md §7): entries written by auth and key actions,
// filters, paging, strict query parsing (catalogue Q01-Q05, J15) and access rules.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, ownerSession, cookieFrom, expectError, OWNER_PASSWORD } from './lib/harness.mjs';
import { clock, cliOwner, cliKey, auditQuery, rawRequest } from './lib/helpers.mjs';

let srv;
let clk;
let owner;
const secrets = []; // every password, token and key secret this file handles

before(async () => {
  srv = await startServer();
  clk = clock(srv);
  owner = await ownerSession(srv);
  secrets.push(OWNER_PASSWORD, srv.ownerOtp, owner.cookie, owner.csrf);
});
after(async () => { await srv.stop(); });

const ENTRY_KEYS = ['action', 'actor', 'after', 'at', 'before', 'id', 'ip', 'requestId', 'targetId', 'targetType', 'workspaceId'];

async function allEntries(query = '') {
  const out = [];
  for (let page = 1; ; page++) {
    const d = await auditQuery(srv, owner, `${query}${query ? '&' : ''}page=${page}&pageSize=100`);
    out.push(...d.entries);
    if (out.length >= d.total || d.entries.length === 0) return out;
  }
}

function assertUserEntry(e, { action, targetType, targetId, requestId, user }) {
  assert.deepEqual(Object.keys(e).sort(), ENTRY_KEYS);
  assert.match(e.id, /^[0-9a-f]{24}$/);
  assert.match(e.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(e.action, action);
  assert.equal(e.targetType, targetType);
  assert.equal(e.targetId, targetId);
  assert.equal(e.workspaceId, null);
  assert.equal(e.ip, '127.0.0.1');
  assert.equal(e.requestId, requestId);
  assert.deepEqual(e.actor, { type: 'user', user, apiKeyId: null, gameKeyId: null, robloxUserId: null });
}

test('login, password change, key create and key revoke are audited with actor, ip and request id', async () => {
  const ownerRef = { id: owner.user.id, username: 'owner' };
  // auth.login
  const lg = await api(srv, 'POST', '/api/auth/login', { body: { username: 'owner', password: OWNER_PASSWORD } });
  assert.equal(lg.status, 200);
  secrets.push(cookieFrom(lg).value, lg.json.data.csrfToken);
  const lgE = (await auditQuery(srv, owner, 'action=auth.login&pageSize=1')).entries[0];
  assertUserEntry(lgE, { action: 'auth.login', targetType: 'user', targetId: owner.user.id, requestId: lg.headers.get('x-request-id'), user: ownerRef });

  // user.password_change, by a second account
  const otp = cliOwner(srv, 'second_owner');
  secrets.push(otp, 'second-owner-password');
  const s2 = await login(srv, 'second_owner', otp);
  const pw = await api(srv, 'POST', '/api/auth/password', {
    session: s2, body: { currentPassword: otp, newPassword: 'second-owner-password' },
  });
  assert.equal(pw.status, 200, pw.text);
  secrets.push(cookieFrom(pw).value, pw.json.data.csrfToken);
  const pwE = (await auditQuery(srv, owner, `action=user.password_change&targetId=${s2.user.id}`)).entries;
  assert.equal(pwE.length, 1);
  assertUserEntry(pwE[0], { action: 'user.password_change', targetType: 'user', targetId: s2.user.id,
    requestId: pw.headers.get('x-request-id'), user: { id: s2.user.id, username: 'second_owner' } });
  assert.equal(pwE[0].before, null);
  assert.equal(pwE[0].after, null);

  // key.create
  const kc = await api(srv, 'POST', '/api/keys', { session: owner, body: { name: 'audited', scopes: ['audit:read'] } });
  assert.equal(kc.status, 200, kc.text);
  const { key, secret } = kc.json.data;
  secrets.push(secret);
  const kcE = (await auditQuery(srv, owner, `action=key.create&targetId=${key.id}`)).entries;
  assert.equal(kcE.length, 1);
  assertUserEntry(kcE[0], { action: 'key.create', targetType: 'apiKey', targetId: key.id, requestId: kc.headers.get('x-request-id'), user: ownerRef });
  assert.equal(kcE[0].after.name, 'audited');

  // key.revoke
  const kr = await api(srv, 'DELETE', `/api/keys/${key.id}`, { session: owner });
  assert.equal(kr.status, 200, kr.text);
  const krE = (await auditQuery(srv, owner, `action=key.revoke&targetId=${key.id}`)).entries;
  assert.equal(krE.length, 1);
  assertUserEntry(krE[0], { action: 'key.revoke', targetType: 'apiKey', targetId: key.id, requestId: kr.headers.get('x-request-id'), user: ownerRef });
  assert.deepEqual(krE[0].before, { status: 'active' });
  assert.deepEqual(krE[0].after, { status: 'revoked' });

  // Newest first: the revoke is the latest entry of all.
  const latest = (await auditQuery(srv, owner, 'pageSize=1')).entries[0];
  assert.equal(latest.id, krE[0].id);
});

test('CLI actions are audited with actor type cli and no user or address', async () => {
  const e = (await auditQuery(srv, owner, 'action=user.create&targetId=' + owner.user.id)).entries;
  assert.equal(e.length, 1);
  assert.deepEqual(e[0].actor, { type: 'cli', user: null, apiKeyId: null, gameKeyId: null, robloxUserId: null });
  assert.equal(e[0].ip, null);
  assert.equal(e[0].requestId, null);
  assert.equal(e[0].after.username, 'owner');
});

test('failed logins and refused requests write no entry', async () => {
  const before = (await auditQuery(srv, owner, 'pageSize=1')).total;
  assert.equal((await api(srv, 'POST', '/api/auth/login', { body: { username: 'owner', password: 'wrong-password' } })).status, 401);
  assert.equal((await api(srv, 'POST', '/api/keys', { session: owner, csrf: false, body: { name: 'x', scopes: ['staff:read'] } })).status, 403);
  assert.equal((await api(srv, 'POST', '/api/keys', { session: owner, body: { name: 'x', scopes: ['nope'] } })).status, 400);
  assert.equal((await auditQuery(srv, owner, 'pageSize=1')).total, before);
});

test('no entry ever holds a password, token or key secret', async () => {
  const secret = (await api(srv, 'POST', '/api/keys', { session: owner, body: { name: 'secretive', scopes: ['staff:read'] } })).json.data.secret;
  secrets.push(secret);
  cliKey(srv, 'owner', 'cli-secretive');
  const entries = await allEntries();
  assert.ok(entries.length >= 8);
  const text = JSON.stringify(entries);
  for (const s of secrets) assert.ok(!text.includes(s), 'an audit entry holds a secret');
  assert.ok(!/prapi_[A-Za-z0-9_-]{43}/.test(text));
  for (const e of entries) {
    for (const side of [e.before, e.after]) {
      if (side === null) continue;
      assert.equal(typeof side, 'object');
      for (const k of Object.keys(side)) assert.ok(!/password|secret|token|hash/i.test(k), `field ${k} in ${e.action}`);
    }
  }
});

test('filters: actorId, action exact and prefix, targetType, targetId, workspaceId', async () => {
  const other = await login(srv, 'second_owner', 'second-owner-password');
  const k = (await api(srv, 'POST', '/api/keys', { session: other, body: { name: 'by-second', scopes: ['staff:read'] } })).json.data.key;
  const all = await allEntries();

  const byOwner = await allEntries(`actorId=${owner.user.id}`);
  assert.deepEqual(byOwner.map((e) => e.id), all.filter((e) => e.actor.user?.id === owner.user.id).map((e) => e.id));
  assert.ok(byOwner.length > 0);
  const bySecond = await allEntries(`actorId=${other.user.id}`);
  assert.ok(bySecond.some((e) => e.targetId === k.id));
  assert.ok(bySecond.every((e) => e.actor.user.id === other.user.id));

  const exact = await allEntries('action=key.create');
  assert.deepEqual(exact.map((e) => e.id), all.filter((e) => e.action === 'key.create').map((e) => e.id));
  const prefix = await allEntries('action=key.');
  assert.deepEqual(prefix.map((e) => e.id), all.filter((e) => e.action.startsWith('key.')).map((e) => e.id));
  assert.ok(prefix.some((e) => e.action === 'key.revoke') && prefix.some((e) => e.action === 'key.create'));
  assert.equal((await auditQuery(srv, owner, 'action=key')).total, 0, 'without the dot the match is exact');
  assert.equal((await auditQuery(srv, owner, 'action=ke')).total, 0);
  assert.equal((await auditQuery(srv, owner, 'action=%25')).total, 0, '% is literal');
  assert.equal((await auditQuery(srv, owner, 'action=k_y.')).total, 0, '_ is literal');

  const type = await allEntries('targetType=apiKey');
  assert.deepEqual(type.map((e) => e.id), all.filter((e) => e.targetType === 'apiKey').map((e) => e.id));
  const target = await allEntries(`targetId=${k.id}`);
  assert.deepEqual(target.map((e) => e.action), ['key.create']);
  const both = await allEntries(`actorId=${other.user.id}&action=key.&targetType=apiKey`);
  assert.deepEqual(both.map((e) => e.targetId), [k.id]);

  const ws = all.find((e) => e.workspaceId !== null);
  assert.ok(ws, 'the migration audits the default community with its workspace id');
  const byWs = await allEntries(`workspaceId=${ws.workspaceId}`);
  assert.deepEqual(byWs.map((e) => e.id), all.filter((e) => e.workspaceId === ws.workspaceId).map((e) => e.id));
  assert.equal((await auditQuery(srv, owner, `workspaceId=${'0'.repeat(24)}`)).total, 0);
});

test('filters: from and to bound the time, inclusive', async () => {
  clk.advance(10 * 60e3);
  owner = await login(srv, 'owner', OWNER_PASSWORD);
  const a = (await api(srv, 'POST', '/api/keys', { session: owner, body: { name: 'time-a', scopes: ['staff:read'] } })).json.data.key;
  clk.advance(10 * 60e3);
  const b = (await api(srv, 'POST', '/api/keys', { session: owner, body: { name: 'time-b', scopes: ['staff:read'] } })).json.data.key;
  clk.advance(10 * 60e3);
  owner = await login(srv, 'owner', OWNER_PASSWORD);
  const ea = (await auditQuery(srv, owner, `targetId=${a.id}`)).entries[0];
  const eb = (await auditQuery(srv, owner, `targetId=${b.id}`)).entries[0];
  const mid = new Date(Date.parse(ea.at) + 5 * 60e3).toISOString();
  const ids = async (q) => (await allEntries(`action=key.create&${q}`)).map((e) => e.targetId);
  assert.deepEqual(await ids(`from=${mid}`), [b.id]);
  const untilMid = await ids(`to=${mid}`);
  assert.ok(untilMid.includes(a.id) && !untilMid.includes(b.id));
  assert.deepEqual(await ids(`from=${ea.at}&to=${eb.at}`), [b.id, a.id], 'both ends inclusive, newest first');
  assert.deepEqual(await ids(`from=${ea.at}&to=${ea.at}`), [a.id]);
  // A numeric offset is normalised to UTC.
  const at = new Date(Date.parse(eb.at) + 2 * 3600e3).toISOString().replace('Z', '+02:00');
  assert.deepEqual(await ids(`from=${encodeURIComponent(at)}`), [b.id]);
});

test('paging: page and pageSize walk the list newest first without gaps', async () => {
  const all = await allEntries();
  for (let i = 1; i < all.length; i++)
    assert.ok(all[i - 1].at >= all[i].at, 'newest first');
  const def = await auditQuery(srv, owner);
  assert.equal(def.page, 1);
  assert.equal(def.pageSize, 20);
  assert.equal(def.total, all.length);
  const seen = [];
  for (let p = 1; p <= Math.ceil(all.length / 3); p++) {
    const d = await auditQuery(srv, owner, `page=${p}&pageSize=3`);
    assert.equal(d.page, p);
    assert.equal(d.pageSize, 3);
    assert.equal(d.total, all.length);
    seen.push(...d.entries.map((e) => e.id));
  }
  assert.deepEqual(seen, all.map((e) => e.id));
  const past = await auditQuery(srv, owner, 'page=10000&pageSize=100');
  assert.deepEqual(past.entries, []);
  assert.equal(past.total, all.length);
});

test('bad query parameters are 400 with the right code and parameter', async () => {
  const total = (await auditQuery(srv, owner, 'pageSize=1')).total;
  const cases = [
    ['pageSize=0', 'invalid_parameter', 'pageSize'],
    ['pageSize=101', 'invalid_parameter', 'pageSize'],
    ['pageSize=abc', 'invalid_parameter', 'pageSize'],
    ['pageSize=1e2', 'invalid_parameter', 'pageSize'],
    ['pageSize=-1', 'invalid_parameter', 'pageSize'],
    ['pageSize=10abc', 'invalid_parameter', 'pageSize'],
    ['pageSize=%2010', 'invalid_parameter', 'pageSize'],
    ['pageSize=0x10', 'invalid_parameter', 'pageSize'],
    ['pageSize=10.5', 'invalid_parameter', 'pageSize'],
    ['pageSize=', 'invalid_parameter', 'pageSize'],
    ['page=0', 'invalid_parameter', 'page'],
    ['page=10001', 'invalid_parameter', 'page'],
    ['page=9223372036854775808', 'invalid_parameter', 'page'],
    ['actorId=xyz', 'invalid_parameter', 'actorId'],
    ['actorId=' + 'A'.repeat(24), 'invalid_parameter', 'actorId'],
    ['workspaceId=1', 'invalid_parameter', 'workspaceId'],
    ['action=' + 'a'.repeat(101), 'invalid_parameter', 'action'],
    ['from=2024-02-30T00:00:00Z', 'invalid_parameter', 'from'],
    ['from=2024-01-01T00:00:00', 'invalid_parameter', 'from'],
    ['from=1969-12-31T23:59:59Z', 'invalid_parameter', 'from'],
    ['to=yesterday', 'invalid_parameter', 'to'],
    ['to=2024-13-01T00:00:00Z', 'invalid_parameter', 'to'],
    ['from=2025-02-01T00:00:00Z&to=2025-01-01T00:00:00Z', 'invalid_parameter', 'from'],
    ['foo=1', 'unknown_parameter', 'foo'],
    ['userId=' + owner.user.id, 'unknown_parameter', 'userId'],
    ['page=2&page=2', 'duplicate_parameter', 'page'],
    ['action=key.&action=auth.', 'duplicate_parameter', 'action'],
  ];
  for (const [q, code, parameter] of cases) {
    const res = await api(srv, 'GET', `/api/audit?${q}`, { session: owner });
    assert.equal(res.status, 400, `${q}: ${res.text}`);
    expectError(res, 400, code);
    assert.equal(res.json.error.details.parameter, parameter, q);
    assert.equal(res.json.data, null);
  }
  assert.equal((await auditQuery(srv, owner, 'pageSize=1')).total, total, 'nothing written');
});

test('J15: a GET with a body is 400 unexpected_body', async () => {
  const res = await rawRequest(srv, 'GET', '/api/audit', {
    Cookie: `roster_session=${owner.cookie}`, 'Content-Type': 'application/json',
  }, '{}');
  assert.equal(res.status, 400, res.text);
  assert.equal(res.json.error.code, 'unexpected_body');
  assert.equal(res.json.error.requestId, res.headers.get('x-request-id'));
  const ok = await rawRequest(srv, 'GET', '/api/audit?pageSize=1', { Cookie: `roster_session=${owner.cookie}` });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.data.entries.length, 1);
});

test('the log is read-only: other methods are 405 with Allow: GET', async () => {
  const total = (await auditQuery(srv, owner, 'pageSize=1')).total;
  const latest = (await auditQuery(srv, owner, 'pageSize=1')).entries[0];
  for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
    const res = await api(srv, method, '/api/audit', { session: owner, body: {} });
    expectError(res, 405, 'method_not_allowed');
    assert.equal(res.headers.get('allow'), 'GET');
  }
  const after = await auditQuery(srv, owner, 'pageSize=1');
  assert.equal(after.total, total);
  assert.deepEqual(after.entries[0], latest);
});

test('access: 401 without credentials; a key needs audit:read (403 scope_missing)', async () => {
  expectError(await api(srv, 'GET', '/api/audit'), 401, 'unauthenticated');
  const noScope = (await api(srv, 'POST', '/api/keys', { session: owner, body: { name: 'no-audit', scopes: ['staff:write', 'users:read'] } })).json.data;
  const withScope = (await api(srv, 'POST', '/api/keys', { session: owner, body: { name: 'audit', scopes: ['audit:read'] } })).json.data;
  const denied = await api(srv, 'GET', '/api/audit', { key: noScope.secret });
  expectError(denied, 403, 'scope_missing');
  assert.equal(denied.json.error.details.scope, 'audit:read');
  const ok = await api(srv, 'GET', '/api/audit?pageSize=5', { key: withScope.secret });
  assert.equal(ok.status, 200, ok.text);
  const viaSession = await auditQuery(srv, owner, 'pageSize=5');
  assert.deepEqual(ok.json.data, viaSession, 'a key sees what its user sees');
  const noScopeKey = (await api(srv, 'GET', `/api/keys/${noScope.key.id}`, { session: owner })).json.data.key;
  assert.equal(noScopeKey.lastUsedAt, null, 'a refused key is not marked used');
});

test('a user without view_audit_log gets 403 forbidden', {
  skip: 'no way to make such a user yet: there is no users/roles API and the CLI only creates Owners',
}, () => {});
