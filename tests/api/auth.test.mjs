// auth.test.mjs: /api/auth (platform.md §3) — login, logout, me, csrf, password change, session
// lifetime, login throttles, cookie parsing and CSRF (SECURITY.md §3, catalogue S*, C*, W*).
// The server trusts 127.0.0.1 as a proxy so throttle tests can speak from several addresses
// through X-Forwarded-For; requests without that header still come from 127.0.0.1.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startServer, api, login, ownerSession, cookieFrom, expectError, OWNER_PASSWORD,
} from './lib/harness.mjs';
import {
  clock, loginRes, sessionOf, cliOwner, cliKey, firstLogin, metrics, metricValue, keyTotal,
  auditQuery, withoutRequestId, assertCookieCleared,
} from './lib/helpers.mjs';

let srv;
let clk;
let owner;

before(async () => {
  srv = await startServer({ args: ['--trusted-proxy', '127.0.0.1/32'] });
  clk = clock(srv);
  owner = await ownerSession(srv);
});
after(async () => { await srv.stop(); });

async function ownerLogin() {
  return login(srv, 'owner', OWNER_PASSWORD);
}

async function me(session) {
  return api(srv, 'GET', '/api/auth/me', { session });
}

async function loginCount() {
  return (await auditQuery(srv, owner, 'action=auth.login&pageSize=1')).total;
}

test('login sets a session cookie with the documented attributes and returns csrf and session', async () => {
  const before = await loginCount();
  const res = await loginRes(srv, 'owner', OWNER_PASSWORD);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.success, true);
  assert.equal(res.json.error, null);
  const c = cookieFrom(res);
  assert.match(c.value, /^[A-Za-z0-9_-]{43}$/, '256-bit base64url token');
  const attrs = c.raw.split(';').map((s) => s.trim());
  assert.ok(attrs.includes('HttpOnly'), c.raw);
  assert.ok(attrs.includes('SameSite=Lax'), c.raw);
  assert.ok(attrs.includes('Path=/'), c.raw);
  assert.ok(attrs.includes('Max-Age=43200'), c.raw);
  assert.ok(!attrs.some((a) => /^Domain=/i.test(a)), 'no Domain');
  assert.ok(!attrs.includes('Secure'), 'no Secure without an https public URL');
  const d = res.json.data;
  assert.match(d.csrfToken, /^\S{32,}$/);
  assert.equal(d.session.idleTimeoutSeconds, 1800);
  assert.equal(d.user.username, 'owner');
  assert.equal(d.user.passwordChangeRequired, false);
  const exp = Date.parse(d.session.expiresAt);
  assert.match(d.session.expiresAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.ok(Math.abs(exp - Date.parse(d.user.lastLoginAt) - 12 * 3600e3) < 2000, 'expires 12 h after login');
  // Stored effect: the token works and the login is audited.
  const m = await me({ cookie: c.value, csrf: d.csrfToken });
  assert.equal(m.status, 200);
  assert.equal(m.json.data.csrfToken, d.csrfToken);
  assert.equal(await loginCount(), before + 1);
});

test('login sets roster_device when the browser has none, and keeps an existing one', async () => {
  const res = await loginRes(srv, 'owner', OWNER_PASSWORD);
  assert.equal(res.status, 200);
  const dev = cookieFrom(res, 'roster_device');
  assert.ok(dev, 'roster_device cookie set');
  const attrs = dev.raw.split(';').map((a) => a.trim());
  assert.ok(attrs.includes('HttpOnly') && attrs.includes('SameSite=Lax') && attrs.includes('Path=/'), dev.raw);
  assert.match(dev.value, /^\S{8,}$/);
  const again = await loginRes(srv, 'owner', OWNER_PASSWORD, { Cookie: `roster_device=${dev.value}` });
  assert.equal(again.status, 200);
  assert.equal(cookieFrom(again, 'roster_device'), null, 'an existing device id is kept');
  assert.ok(cookieFrom(again), 'the session cookie is still set');
});

test('unknown user and wrong password get identical 401 bodies', async () => {
  const before = await loginCount();
  const a = await loginRes(srv, 'no_such_user', 'whatever-password');
  const b = await loginRes(srv, 'owner', 'wrong-password-1');
  expectError(a, 401, 'invalid_credentials');
  expectError(b, 401, 'invalid_credentials');
  assert.equal(a.json.error.message, 'Invalid username or password');
  assert.deepEqual(withoutRequestId(a.json), withoutRequestId(b.json));
  assert.notEqual(a.json.error.requestId, b.json.error.requestId);
  assert.equal(cookieFrom(a), null);
  assert.equal(cookieFrom(b), null);
  assert.equal(await loginCount(), before, 'no auth.login entry for a failure');
});

test('username lookup is ASCII case-insensitive', async () => {
  const res = await loginRes(srv, 'OWNER', OWNER_PASSWORD);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.data.user.username, 'owner');
  assert.equal(res.json.data.user.id, owner.user.id);
  const s = sessionOf(res);
  assert.equal((await me(s)).json.data.user.id, owner.user.id);
});

test('S05: login with a presented cookie revokes the old token', async () => {
  const old = await ownerLogin();
  const res = await loginRes(srv, 'owner', OWNER_PASSWORD, { Cookie: `roster_session=${old.cookie}` });
  assert.equal(res.status, 200, res.text);
  const fresh = sessionOf(res);
  assert.notEqual(fresh.cookie, old.cookie);
  assert.notEqual(fresh.csrf, old.csrf);
  const o = await me(old);
  expectError(o, 401, 'unauthenticated');
  assertCookieCleared(o);
  assert.equal((await me(fresh)).status, 200);
});

test('S12: cross-site login is refused with csrf_failed', async () => {
  const before = await loginCount();
  for (const headers of [
    { Origin: 'http://evil.example' },
    { Origin: 'null' },
    { 'Sec-Fetch-Site': 'cross-site' },
    { 'Sec-Fetch-Site': 'cross-site', Origin: `http://127.0.0.1:${srv.port}` },
  ]) {
    const res = await loginRes(srv, 'owner', OWNER_PASSWORD, headers);
    expectError(res, 403, 'csrf_failed');
    assert.equal(cookieFrom(res), null, JSON.stringify(headers));
  }
  assert.equal(await loginCount(), before, 'no session made');
  // Same-origin signals are accepted.
  const ok = await loginRes(srv, 'owner', OWNER_PASSWORD,
    { Origin: `http://127.0.0.1:${srv.port}`, 'Sec-Fetch-Site': 'same-origin' });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(await loginCount(), before + 1);
});

test('logout revokes the session and clears the cookie', async () => {
  const s = await ownerLogin();
  const res = await api(srv, 'POST', '/api/auth/logout', { session: s });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json, { success: true, data: { loggedOut: true }, error: null });
  assertCookieCleared(res);
  expectError(await me(s), 401, 'unauthenticated');
  const audit = await auditQuery(srv, owner, 'action=auth.logout');
  assert.equal(audit.entries[0].requestId, res.headers.get('x-request-id'));
});

test('logout without a session is still 200', async () => {
  const none = await api(srv, 'POST', '/api/auth/logout');
  assert.equal(none.status, 200, none.text);
  assert.equal(none.json.data.loggedOut, true);
  assertCookieCleared(none);
  const bogus = await api(srv, 'POST', '/api/auth/logout', { headers: { Cookie: 'roster_session=' + 'A'.repeat(43) } });
  assert.equal(bogus.status, 200, bogus.text);
  assertCookieCleared(bogus);
  assert.equal((await me(owner)).status, 200, 'other sessions untouched');
});

test('logout with a key header is 403 session_required and the cookie session survives', async () => {
  const { secret } = (await api(srv, 'POST', '/api/keys', { session: owner, body: { name: 'logout-key', scopes: ['staff:read'] } })).json.data;
  const s = await ownerLogin();
  const res = await api(srv, 'POST', '/api/auth/logout', { session: s, key: secret });
  expectError(res, 403, 'session_required');
  assert.equal(cookieFrom(res), null);
  assert.equal((await me(s)).status, 200);
  const res2 = await api(srv, 'POST', '/api/auth/logout', { headers: { Authorization: `Bearer ${secret}` } });
  expectError(res2, 403, 'session_required');
  // The key itself is not revoked by this.
  assert.equal((await api(srv, 'GET', '/api/auth/me', { key: secret })).status, 200);
});

test('logout with a valid session but no CSRF token is 403 and the session survives', async () => {
  const s = await ownerLogin();
  const res = await api(srv, 'POST', '/api/auth/logout', { session: s, csrf: false });
  expectError(res, 403, 'csrf_failed');
  assert.equal((await me(s)).status, 200);
  const wrong = await api(srv, 'POST', '/api/auth/logout', { session: { ...s, csrf: 'x'.repeat(64) } });
  expectError(wrong, 403, 'csrf_failed');
  assert.equal((await me(s)).status, 200);
});

test('me in cookie mode describes the session and carries the CSRF token', async () => {
  const s = await ownerLogin();
  const res = await me(s);
  assert.equal(res.status, 200, res.text);
  const d = res.json.data;
  assert.equal(d.user.id, owner.user.id);
  assert.equal(d.user.username, 'owner');
  for (const k of ['id', 'username', 'email', 'robloxUserId', 'role', 'level', 'permissions',
    'passwordChangeRequired', 'communities', 'createdAt', 'lastLoginAt']) assert.ok(k in d.user, k);
  assert.equal(d.auth.type, 'session');
  assert.ok(!('keyId' in d.auth));
  assert.ok(!('scopes' in d.auth));
  assert.ok(Date.parse(d.auth.expiresAt) > Date.parse(d.auth.idleExpiresAt));
  assert.equal(d.csrfToken, s.csrf);
});

test('me in key mode names the key and its scopes and has no CSRF token', async () => {
  const { key, secret } = (await api(srv, 'POST', '/api/keys', {
    session: owner, body: { name: 'me-key', scopes: ['audit:read', 'staff:read'] },
  })).json.data;
  const res = await api(srv, 'GET', '/api/auth/me', { key: secret });
  assert.equal(res.status, 200, res.text);
  const d = res.json.data;
  assert.equal(d.user.id, owner.user.id);
  assert.equal(d.auth.type, 'apiKey');
  assert.equal(d.auth.keyId, key.id);
  assert.deepEqual([...d.auth.scopes].sort(), ['audit:read', 'staff:read']);
  assert.equal(d.auth.expiresAt, null);
  assert.ok(!('csrfToken' in d), 'no csrfToken in key mode');
  assert.equal(cookieFrom(res), null);
});

test('GET /api/auth/csrf returns the session token; without a session 401', async () => {
  const s = await ownerLogin();
  const res = await api(srv, 'GET', '/api/auth/csrf', { session: s });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(Object.keys(res.json.data), ['csrfToken']);
  assert.equal(res.json.data.csrfToken, s.csrf);
  // The token it returns passes CSRF on a mutation.
  const out = await api(srv, 'POST', '/api/auth/logout', { session: { cookie: s.cookie, csrf: res.json.data.csrfToken } });
  assert.equal(out.status, 200);
  expectError(await api(srv, 'GET', '/api/auth/csrf'), 401, 'unauthenticated');
  expectError(await api(srv, 'GET', '/api/auth/csrf', { session: s }), 401, 'unauthenticated');
});

test('S03: a session idle for 31 minutes is refused and the cookie cleared', async () => {
  const s = await ownerLogin();
  clk.advance(29 * 60e3);
  assert.equal((await me(s)).status, 200, 'alive after 29 idle minutes');
  clk.advance(29 * 60e3);
  assert.equal((await me(s)).status, 200, 'the last use restarted the idle window');
  clk.advance(31 * 60e3);
  const res = await me(s);
  expectError(res, 401, 'unauthenticated');
  assertCookieCleared(res);
  // Refused for good, even if the clock were to wait no longer.
  expectError(await me(s), 401, 'unauthenticated');
  owner = await ownerLogin();
});

test('lastSeenAt is written at most once a minute', async () => {
  // Used 30 s after login: too soon to record, so idleness still counts from the login.
  const a = await ownerLogin();
  clk.advance(30e3);
  assert.equal((await me(a)).status, 200);
  clk.advance(29 * 60e3 + 31e3);
  expectError(await me(a), 401, 'unauthenticated');
  // Used 61 s after login: recorded, so the session lives 30 more minutes from then.
  const b = await ownerLogin();
  clk.advance(61e3);
  assert.equal((await me(b)).status, 200);
  clk.advance(29 * 60e3);
  assert.equal((await me(b)).status, 200);
  owner = await ownerLogin();
});

test('S03: a session dies 12 hours after login even when used every 10 minutes', async () => {
  const s = await ownerLogin();
  for (let i = 1; i < 72; i++) {
    clk.advance(10 * 60e3);
    const r = await me(s);
    assert.equal(r.status, 200, `alive at ${i * 10} min`);
  }
  clk.advance(10 * 60e3);
  const res = await me(s);
  expectError(res, 401, 'unauthenticated');
  assertCookieCleared(res);
  owner = await ownerLogin();
});

test('S13: an account that must change its password may only use /api/auth', async () => {
  const otp = cliOwner(srv, 'fresh_owner');
  const s = await login(srv, 'fresh_owner', otp);
  assert.equal(s.user.passwordChangeRequired, true);
  expectError(await api(srv, 'GET', '/api/audit', { session: s }), 403, 'password_change_required');
  expectError(await api(srv, 'GET', '/api/keys', { session: s }), 403, 'password_change_required');
  const post = await api(srv, 'POST', '/api/keys', { session: s, body: { name: 'x', scopes: ['staff:read'] } });
  expectError(post, 403, 'password_change_required');
  const m = await me(s);
  assert.equal(m.status, 200);
  assert.equal(m.json.data.user.passwordChangeRequired, true);
  assert.equal((await api(srv, 'GET', '/api/auth/csrf', { session: s })).status, 200);
  // A key linked to such a user is held to the same rule.
  const secret = cliKey(srv, 'fresh_owner', 'fresh-key', ['audit:read']);
  expectError(await api(srv, 'GET', '/api/audit', { key: secret }), 403, 'password_change_required');
  // Nothing was created by the refused POST.
  const s2 = await firstLogin(srv, 'fresh_owner', otp, 'fresh-owner-password');
  assert.equal(await keyTotal(srv, s2), 1, 'only the CLI key');
});

test('password change: validation errors leave password and sessions unchanged', async () => {
  const user = 'pwcheck_user';
  const otp = cliOwner(srv, user);
  const s = await firstLogin(srv, user, otp, 'first-password-1');
  const other = await login(srv, user, 'first-password-1');
  const change = (body) => api(srv, 'POST', '/api/auth/password', { session: s, body });

  const wrong = await change({ currentPassword: 'not-the-password', newPassword: 'second-password-2' });
  expectError(wrong, 400, 'current_password_incorrect');
  assert.equal(wrong.json.error.message, 'Current password is incorrect');

  const same = await change({ currentPassword: 'first-password-1', newPassword: 'first-password-1' });
  expectError(same, 400, 'invalid_field');
  assert.equal(same.json.error.details.field, 'newPassword');

  const asName = await change({ currentPassword: 'first-password-1', newPassword: user });
  expectError(asName, 400, 'invalid_field');
  assert.equal(asName.json.error.details.field, 'newPassword');

  const short = await change({ currentPassword: 'first-password-1', newPassword: 'seven77' });
  expectError(short, 400, 'invalid_field');
  assert.equal(short.json.error.details.field, 'newPassword');

  const long = await change({ currentPassword: 'first-password-1', newPassword: 'p'.repeat(257) });
  expectError(long, 400, 'invalid_field');
  assert.equal(long.json.error.details.field, 'newPassword');

  const missing = await change({ currentPassword: 'first-password-1' });
  expectError(missing, 400, 'missing_field');
  assert.equal(missing.json.error.details.field, 'newPassword');

  // Nothing changed: both sessions alive, the password still the first one.
  assert.equal((await me(s)).status, 200);
  assert.equal((await me(other)).status, 200);
  const audit = await auditQuery(srv, owner, `action=user.password_change&targetId=${s.user.id}`);
  assert.equal(audit.total, 1, 'only the first-login change');
  await login(srv, user, 'first-password-1');
});

test('password change with a key is 403 session_required', async () => {
  const { secret } = (await api(srv, 'POST', '/api/keys', { session: owner, body: { name: 'pw-key', scopes: ['users:write'] } })).json.data;
  const res = await api(srv, 'POST', '/api/auth/password', {
    key: secret, body: { currentPassword: OWNER_PASSWORD, newPassword: 'another-password-9' },
  });
  expectError(res, 403, 'session_required');
  await ownerLogin(); // password unchanged
});

test('S06: a password change revokes every session and returns a working new one', async () => {
  const user = 'pwchange_user';
  const otp = cliOwner(srv, user);
  const s1 = await firstLogin(srv, user, otp, 'first-password-1');
  const s2 = await login(srv, user, 'first-password-1');
  const secret = cliKey(srv, user, 'stays', ['staff:read']);
  const res = await api(srv, 'POST', '/api/auth/password', {
    session: s1, body: { currentPassword: 'first-password-1', newPassword: 'second-password-2' },
  });
  assert.equal(res.status, 200, res.text);
  const fresh = sessionOf(res);
  assert.match(cookieFrom(res).raw, /HttpOnly; SameSite=Lax; Path=\/; Max-Age=43200/);
  assert.equal(res.json.data.session.idleTimeoutSeconds, 1800);
  assert.notEqual(fresh.cookie, s1.cookie);
  assert.notEqual(fresh.csrf, s1.csrf);
  expectError(await me(s1), 401, 'unauthenticated');
  expectError(await me(s2), 401, 'unauthenticated');
  const m = await me(fresh);
  assert.equal(m.status, 200);
  assert.equal(m.json.data.user.passwordChangeRequired, false);
  // The new CSRF token works on a mutation.
  const k = await api(srv, 'POST', '/api/keys', { session: fresh, body: { name: 'after', scopes: ['staff:read'] } });
  assert.equal(k.status, 200, k.text);
  // API keys stay; the old password is gone.
  assert.equal((await api(srv, 'GET', '/api/auth/me', { key: secret })).status, 200);
  expectError(await loginRes(srv, user, 'first-password-1'), 401, 'invalid_credentials');
  await login(srv, user, 'second-password-2');
  const audit = await auditQuery(srv, owner, `action=user.password_change&targetId=${fresh.user.id}`);
  assert.equal(audit.entries[0].requestId, res.headers.get('x-request-id'));
});

test('S02: malformed or misnamed session cookies are 401', async () => {
  const s = await ownerLogin();
  const cases = [
    ['roster_session=', true],
    ['roster_session=garbage', true],
    ['roster_session=!!!!not-base64!!!!', true],
    [`roster_session=${s.cookie}x`, true],
    [`roster_session=${s.cookie}; roster_session=${s.cookie}`, true],
    [`session=${s.cookie}`, false],
  ];
  for (const [cookie, clears] of cases) {
    const res = await api(srv, 'GET', '/api/auth/me', { headers: { Cookie: cookie } });
    expectError(res, 401, 'unauthenticated');
    if (clears) assertCookieCleared(res);
  }
  // The refusals did not touch the real session.
  assert.equal((await me(s)).status, 200);
});

test('S07: session credentials in the query are 400 credential_in_query and not logged', async () => {
  const s = await ownerLogin();
  for (const q of ['session', 'roster_session']) {
    const marker = `${q}-marker-${Date.now()}`;
    const res = await api(srv, 'GET', `/api/auth/me?${q}=${marker}`, { session: s });
    expectError(res, 400, 'credential_in_query');
    assert.equal(res.json.error.message, 'Credentials must not be sent in the URL');
    assert.ok(!srv.readLogs().includes(marker), 'value never logged');
  }
  const post = await api(srv, 'POST', `/api/auth/logout?roster_session=${s.cookie}`, { session: s });
  expectError(post, 400, 'credential_in_query');
  assert.equal((await me(s)).status, 200, 'logout not performed');
  assert.ok(!srv.readLogs().includes(s.cookie), 'token never logged');
});

test('C05: GET /api/auth/logout is 405 with Allow: POST and the session lives', async () => {
  const s = await ownerLogin();
  const res = await api(srv, 'GET', '/api/auth/logout', { session: s });
  expectError(res, 405, 'method_not_allowed');
  assert.equal(res.headers.get('allow'), 'POST');
  assert.equal(cookieFrom(res), null);
  assert.equal((await me(s)).status, 200);
});

test('C01-C03: cookie mutations without a valid CSRF proof are refused and change nothing', async () => {
  const s = await ownerLogin();
  const other = await ownerLogin();
  const before = await keyTotal(srv, s);
  const body = { name: 'csrf-probe', scopes: ['staff:read'] };
  const csrfFailuresBefore = metricValue(await metrics(srv), 'roster_csrf_failures_total');
  const attempts = [
    ['no token', { session: s, csrf: false }],
    ['wrong token', { session: { ...s, csrf: 'f'.repeat(64) } }],
    ['empty token', { session: { ...s, csrf: '' } }],
    ['token of another session', { session: { ...s, csrf: other.csrf } }],
    ['query-only token', { session: s, csrf: false, query: `?x-csrf-token=${s.csrf}` }],
    ['Sec-Fetch-Site cross-site', { session: s, headers: { 'Sec-Fetch-Site': 'cross-site' } }],
    ['Sec-Fetch-Site same-site', { session: s, headers: { 'Sec-Fetch-Site': 'same-site' } }],
    ['Origin null', { session: s, headers: { Origin: 'null' } }],
    ['foreign Origin', { session: s, headers: { Origin: 'http://evil.example' } }],
    ['Origin on another port', { session: s, headers: { Origin: `http://127.0.0.1:${srv.port + 1}` } }],
  ];
  for (const [what, opts] of attempts) {
    const res = await api(srv, 'POST', '/api/keys' + (opts.query || ''), { ...opts, body });
    assert.equal(res.status, 403, `${what}: ${res.text}`);
    expectError(res, 403, 'csrf_failed');
  }
  assert.equal(await keyTotal(srv, s), before, 'no key created');
  const m = await metrics(srv);
  assert.equal(metricValue(m, 'roster_csrf_failures_total'), csrfFailuresBefore + attempts.length);
  // The same request with a good token and same-origin signals succeeds.
  const ok = await api(srv, 'POST', '/api/keys', {
    session: s, body, headers: { 'Sec-Fetch-Site': 'same-origin', Origin: `http://127.0.0.1:${srv.port}` },
  });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(await keyTotal(srv, s), before + 1);
});

test('C01: DELETE in cookie mode also needs the CSRF token', async () => {
  const s = await ownerLogin();
  const { key } = (await api(srv, 'POST', '/api/keys', { session: s, body: { name: 'del-probe', scopes: ['staff:read'] } })).json.data;
  expectError(await api(srv, 'DELETE', `/api/keys/${key.id}`, { session: s, csrf: false }), 403, 'csrf_failed');
  const g = await api(srv, 'GET', `/api/keys/${key.id}`, { session: s });
  assert.equal(g.json.data.key.status, 'active');
});

test('C04: OPTIONS preflight is 405 and no Access-Control header is ever sent', async () => {
  const before = await keyTotal(srv, owner);
  const res = await api(srv, 'OPTIONS', '/api/keys', {
    headers: { Origin: 'http://evil.example', 'Access-Control-Request-Method': 'POST',
      'Access-Control-Request-Headers': 'content-type,x-csrf-token' },
  });
  expectError(res, 405, 'method_not_allowed');
  assert.ok(res.headers.get('allow').split(/,\s*/).includes('POST'));
  const responses = [
    res,
    await api(srv, 'OPTIONS', '/api/auth/login', { headers: { Origin: 'http://evil.example' } }),
    await api(srv, 'GET', '/api/auth/me', { session: owner, headers: { Origin: 'http://evil.example' } }),
    await api(srv, 'GET', '/api/auth/me', { headers: { Origin: 'http://evil.example' } }),
    await loginRes(srv, 'owner', OWNER_PASSWORD, { Origin: 'http://evil.example' }),
    await api(srv, 'POST', '/api/keys', { session: owner, body: { name: 'x', scopes: ['staff:read'] }, headers: { Origin: 'http://evil.example' } }),
  ];
  for (const r of responses)
    for (const [name] of r.headers) assert.ok(!name.startsWith('access-control-'), `${name} sent`);
  assert.equal(await keyTotal(srv, owner), before, 'no key created');
});

test('W01/W02: oversized usernames and passwords at login are 400 without hashing', async () => {
  const verifies = () => metrics(srv).then((m) => metricValue(m, 'roster_password_hash_seconds_count', { op: 'verify' }));
  const v0 = await verifies();
  const t0 = performance.now();
  const bigName = await loginRes(srv, 'u'.repeat(10 * 1024), 'some-password');
  const dt = performance.now() - t0;
  expectError(bigName, 400, 'invalid_field');
  assert.equal(bigName.json.error.details.field, 'username');
  assert.ok(dt < 500, `answered in ${dt} ms`);
  const longPw = await loginRes(srv, 'owner', 'p'.repeat(257));
  expectError(longPw, 400, 'invalid_field');
  assert.equal(longPw.json.error.details.field, 'password');
  const hugePw = await loginRes(srv, 'owner', 'p'.repeat(1024 * 1024));
  assert.ok([400, 413].includes(hugePw.status), hugePw.text.slice(0, 200));
  assert.equal(hugePw.json.success, false);
  assert.equal(await verifies(), v0, 'no password hash was verified');
  // 256 code points is still a valid length (a wrong password, verified).
  expectError(await loginRes(srv, 'owner', 'p'.repeat(256)), 401, 'invalid_credentials');
  assert.equal(await verifies(), v0 + 1);
});

test('S10: the 11th login after 10 failures for one username is 429, even with the right password', async () => {
  clk.advance(16 * 60e3); // a fresh throttle window
  owner = await ownerLogin();
  // Failures followed by a success are forgotten (platform.md §3: success clears them).
  for (let i = 0; i < 5; i++)
    expectError(await loginRes(srv, 'owner', `early-wrong-${i}`, { 'X-Forwarded-For': '10.0.1.100' }), 401, 'invalid_credentials');
  owner = await ownerLogin();
  const logins = await loginCount();
  for (let i = 0; i < 10; i++) {
    const res = await loginRes(srv, 'owner', `wrong-password-${i}`, { 'X-Forwarded-For': `10.0.1.${i + 1}` });
    expectError(res, 401, 'invalid_credentials');
  }
  const m0 = await metrics(srv);
  const res = await loginRes(srv, 'OWNER', OWNER_PASSWORD, { 'X-Forwarded-For': '10.0.1.11' });
  expectError(res, 429, 'rate_limited');
  const ra = Number(res.headers.get('retry-after'));
  assert.ok(Number.isInteger(ra) && ra > 800 && ra <= 900, `Retry-After ${res.headers.get('retry-after')}`);
  assert.equal(cookieFrom(res), null);
  const m1 = await metrics(srv);
  assert.equal(metricValue(m1, 'roster_password_hash_seconds_count', { op: 'verify' }),
    metricValue(m0, 'roster_password_hash_seconds_count', { op: 'verify' }), 'password not verified');
  assert.equal(metricValue(m1, 'roster_rate_limited_total', { limiter: 'login_user' }),
    metricValue(m0, 'roster_rate_limited_total', { limiter: 'login_user' }) + 1);
  assert.equal(await loginCount(), logins, 'no login happened');
  // Another username from the same addresses is not affected.
  const otp = cliOwner(srv, 'throttle_bystander');
  await login(srv, 'throttle_bystander', otp);
  // A sliding window: once the failures are 15 minutes old the owner gets in.
  clk.advance(15 * 60e3 + 1000);
  owner = await ownerLogin();
});

test('S10: the 31st login after 30 failures from one address is 429', async () => {
  clk.advance(16 * 60e3);
  owner = await ownerLogin();
  const ip = { 'X-Forwarded-For': '10.0.2.1' };
  for (let i = 0; i < 30; i++) {
    const res = await loginRes(srv, `ghost_${i}`, 'wrong-password', ip);
    expectError(res, 401, 'invalid_credentials');
  }
  const res = await loginRes(srv, 'owner', OWNER_PASSWORD, ip);
  expectError(res, 429, 'rate_limited');
  const ra = Number(res.headers.get('retry-after'));
  assert.ok(Number.isInteger(ra) && ra > 800 && ra <= 900, `Retry-After ${res.headers.get('retry-after')}`);
  assert.equal(cookieFrom(res), null);
  expectError(await loginRes(srv, 'ghost_new', 'wrong-password', ip), 429, 'rate_limited');
  // The limit is per address: the owner signs in from elsewhere.
  const elsewhere = await loginRes(srv, 'owner', OWNER_PASSWORD, { 'X-Forwarded-For': '10.0.2.2' });
  assert.equal(elsewhere.status, 200, elsewhere.text);
  const m = await metrics(srv);
  assert.ok(metricValue(m, 'roster_rate_limited_total', { limiter: 'login_ip' }) >= 2);
  clk.advance(16 * 60e3);
  owner = await ownerLogin();
});

test('a wrong current password counts as a login failure for the username', async () => {
  clk.advance(16 * 60e3);
  owner = await ownerLogin();
  const user = 'pwthrottle_user';
  const otp = cliOwner(srv, user);
  const s = await firstLogin(srv, user, otp, 'right-password-1');
  const ip = { 'X-Forwarded-For': '10.0.3.1' };
  for (let i = 0; i < 10; i++) {
    const res = await api(srv, 'POST', '/api/auth/password', {
      session: s, headers: ip, body: { currentPassword: `wrong-current-${i}`, newPassword: 'new-password-22' },
    });
    expectError(res, 400, 'current_password_incorrect');
  }
  // The failures are the username's: login is now throttled, from any address.
  const lg = await loginRes(srv, user, 'right-password-1', { 'X-Forwarded-For': '10.0.3.2' });
  expectError(lg, 429, 'rate_limited');
  assert.ok(Number(lg.headers.get('retry-after')) > 0);
  assert.equal((await me(s)).status, 200, 'the session itself is not revoked');
  clk.advance(16 * 60e3);
  owner = await ownerLogin();
});

test('POST /api/auth/password is throttled like login after 10 wrong current passwords (platform.md §3: 429)',
  async () => {
    const user = 'pwthrottle_two';
    const otp = cliOwner(srv, user);
    const s = await firstLogin(srv, user, otp, 'right-password-1');
    const ip = { 'X-Forwarded-For': '10.0.4.1' };
    for (let i = 0; i < 10; i++) {
      const res = await api(srv, 'POST', '/api/auth/password', {
        session: s, headers: ip, body: { currentPassword: `wrong-current-${i}`, newPassword: 'new-password-22' },
      });
      expectError(res, 400, 'current_password_incorrect');
    }
    const res = await api(srv, 'POST', '/api/auth/password', {
      session: s, headers: ip, body: { currentPassword: 'right-password-1', newPassword: 'new-password-22' },
    });
    try {
      expectError(res, 429, 'rate_limited');
      assert.ok(Number(res.headers.get('retry-after')) > 0);
      assert.equal((await me(s)).status, 200, 'password not changed, session alive');
    } finally {
      clk.advance(16 * 60e3);
      owner = await ownerLogin();
    }
  });

test('behind a trusted proxy the right-most untrusted X-Forwarded-For hop is the client (K07)', async () => {
  const { key, secret } = (await api(srv, 'POST', '/api/keys', {
    session: owner, body: { name: 'xff', scopes: ['staff:read'], ipAllowlist: ['10.5.0.0/16'] },
  })).json.data;
  const withXff = (xff) => api(srv, 'GET', '/api/auth/me', { key: secret, headers: xff ? { 'X-Forwarded-For': xff } : {} });
  expectError(await withXff(null), 403, 'ip_not_allowed');
  expectError(await withXff('10.5.1.1, 192.0.2.9'), 403, 'ip_not_allowed');
  assert.equal((await withXff('10.5.1.1')).status, 200);
  assert.equal((await withXff('192.0.2.9, 10.5.1.1')).status, 200);
  assert.equal((await withXff('10.5.1.1, 127.0.0.1')).status, 200, 'trusted hops are skipped');
  const k = (await api(srv, 'GET', `/api/keys/${key.id}`, { session: owner })).json.data.key;
  assert.equal(k.lastUsedIp, '10.5.1.1');
});

test('with an https --public-url: Secure cookies and Origin checked against that origin', async () => {
  const pub = await startServer({ args: ['--public-url', 'https://roster.example'] });
  try {
    const s = await ownerSession(pub);
    const res = await loginRes(pub, 'owner', OWNER_PASSWORD, { Origin: 'https://roster.example', 'Sec-Fetch-Site': 'same-origin' });
    assert.equal(res.status, 200, res.text);
    assert.ok(cookieFrom(res).raw.split(';').map((a) => a.trim()).includes('Secure'), cookieFrom(res).raw);
    expectError(await loginRes(pub, 'owner', OWNER_PASSWORD, { Origin: `http://127.0.0.1:${pub.port}` }), 403, 'csrf_failed');
    const body = { name: 'pub', scopes: ['staff:read'] };
    expectError(await api(pub, 'POST', '/api/keys', { session: s, body, headers: { Origin: `http://127.0.0.1:${pub.port}` } }), 403, 'csrf_failed');
    assert.equal(await keyTotal(pub, s), 0);
    const ok = await api(pub, 'POST', '/api/keys', { session: s, body, headers: { Origin: 'https://roster.example' } });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(await keyTotal(pub, s), 1);
    const out = await api(pub, 'POST', '/api/auth/logout', { session: s });
    assertCookieCleared(out);
    assert.match(cookieFrom(out).raw, /Secure/);
  } finally {
    await pub.stop();
  }
});

test('route checks come before credential checks: GET /api/auth/logout?token=x is 405', async () => {
  const res = await api(srv, 'GET', '/api/auth/logout?token=x');
  expectError(res, 405, 'method_not_allowed');
  expectError(await api(srv, 'GET', '/api/nope?token=x'), 404, 'not_found');
  expectError(await api(srv, 'GET', '/api/auth/me?api%5Fkey=x'), 400, 'credential_in_query');
  expectError(await api(srv, 'GET', '/api/auth/me?q=prapi%5Fx'), 400, 'credential_in_query');
});
