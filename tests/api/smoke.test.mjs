// smoke.test.mjs: the owner's first sign-in, end to end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, login, ownerSession, expectError } from './lib/harness.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

test('owner must change the one-time password before anything else', async () => {
  const s = await login(srv, 'owner', srv.ownerOtp);
  assert.equal(s.user.passwordChangeRequired, true);
  const audit = await api(srv, 'GET', '/api/audit', { session: s });
  expectError(audit, 403, 'password_change_required');
  const me = await api(srv, 'GET', '/api/auth/me', { session: s });
  assert.equal(me.status, 200);
  assert.equal(me.json.data.user.username, 'owner');
});

test('after the change the owner holds every permission', async () => {
  const s = await ownerSession(srv);
  assert.equal(s.user.passwordChangeRequired, false);
  assert.equal(s.user.level, 100);
  assert.ok(s.user.permissions.includes('administrator'));
  const audit = await api(srv, 'GET', '/api/audit', { session: s });
  assert.equal(audit.status, 200);
  assert.ok(audit.json.data.entries.some((e) => e.action === 'user.password_change'));
});
