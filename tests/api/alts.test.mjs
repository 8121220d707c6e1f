// alts.test.mjs: identity signals at sign-in and the alt-cluster rebuild
// (staff-admin.md A13, §6; platform.md §5 GET /api/alts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, ownerSession, cookieFrom, expectError, sql } from './lib/harness.mjs';

let srv, owner;
const PW = 'member-password-1';

before(async () => {
  // Behind a trusted proxy each sign-in can come from its own address.
  srv = await startServer({ args: ['--trusted-proxy', '127.0.0.1/32'] });
  owner = await ownerSession(srv);
});
after(async () => { await srv.stop(); });

async function makeUser(username) {
  const res = await api(srv, 'POST', '/api/users', { session: owner, body: { username, password: PW } });
  assert.equal(res.status, 200, res.text);
  return res.json.data.user.id;
}

async function signIn(username, { ip, device }) {
  const headers = { 'X-Forwarded-For': ip };
  if (device) headers.Cookie = `roster_device=${device}`;
  const res = await api(srv, 'POST', '/api/auth/login', { headers, body: { username, password: PW } });
  assert.equal(res.status, 200, res.text);
  return cookieFrom(res, 'roster_device')?.value ?? device;
}

const ids = {};

test('before the first rebuild there are no clusters and stats is null', async () => {
  const res = await api(srv, 'GET', '/api/alts', { session: owner });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json.data.alts, []);
  assert.equal(res.json.data.stats, null);
  assert.equal(res.json.data.total, 0);
});

test('sign-ins record hashed signals and a device cookie', async () => {
  for (const u of ['maple', 'maple_2', 'cedar', 'cedar_2', 'fir', 'fir_2', 'lone']) ids[u] = await makeUser(u);
  for (let i = 1; i <= 6; i++) ids[`hub${i}`] = await makeUser(`hub${i}`);
  // maple and maple_2 share a device; their addresses differ.
  const dev = await signIn('maple', { ip: '198.51.100.1' });
  assert.match(dev, /^[A-Za-z0-9_-]{22}$/, 'a 16-byte base64url device id is issued');
  await signIn('maple_2', { ip: '198.51.100.2', device: dev });
  // cedar and cedar_2 share an address from different devices.
  await signIn('cedar', { ip: '203.0.113.9' });
  await signIn('cedar_2', { ip: '203.0.113.9' });
  // fir and fir_2 come from one IPv6 /64.
  await signIn('fir', { ip: '2001:db8:1:2::10' });
  await signIn('fir_2', { ip: '2001:db8:1:2:aaaa::7' });
  await signIn('lone', { ip: '192.0.2.77' });
  // six accounts on one device: a hub (threshold 5), ignored.
  const shared = 'SharedCafeDevice000001';
  for (let i = 1; i <= 6; i++) await signIn(`hub${i}`, { ip: `192.0.2.${100 + i}`, device: shared });
  const rows = sql(srv, "SELECT user_id, type, hash FROM identity_signals");
  assert.ok(rows.length >= 26, 'two signals per sign-in');
  const dump = JSON.stringify(rows);
  for (const raw of ['203.0.113.9', '198.51.100.1', shared, dev, '2001:db8']) {
    assert.ok(!dump.includes(raw), `raw value ${raw} is never stored`);
  }
  assert.ok(rows.every((r) => /^[0-9a-f]{64}$/.test(r.hash)));
});

test('A13: the rebuild links shared values, skips hubs, and is deterministic', async () => {
  const res = await api(srv, 'POST', '/api/admin/recompute-alts', { session: owner });
  assert.equal(res.status, 200, res.text);
  const { alts, stats } = res.json.data;
  const sets = alts.map((c) => c.users.map((u) => u.username).sort().join(','));
  assert.deepEqual(sets.sort(), ['cedar,cedar_2', 'fir,fir_2', 'maple,maple_2']);
  for (const c of alts) {
    assert.equal(c.size, 2);
    assert.equal(c.clusterId, c.users.map((u) => u.id).sort()[0], 'clusterId is the smallest member id');
    assert.ok(c.signals.length >= 1);
    for (const s of c.signals) {
      assert.match(s.ref, /^[0-9a-f]{12}$/);
      assert.equal(s.accounts, 2);
      assert.ok(['ip', 'device'].includes(s.type));
    }
    for (const u of c.users) {
      assert.deepEqual(Object.keys(u).sort(), ['id', 'lastLoginAt', 'level', 'robloxUserId', 'role', 'status', 'username']);
      assert.equal(u.status, 'active');
    }
  }
  const byName = Object.fromEntries(alts.map((c) => [c.users[0].username.replace(/_2$/, ''), c]));
  assert.equal(byName.maple.signals[0].type, 'device');
  assert.equal(byName.cedar.signals[0].type, 'ip');
  assert.equal(byName.fir.signals[0].type, 'ip', 'IPv6 addresses in one /64 link');
  assert.equal(stats.clusterCount, 3);
  assert.equal(stats.accountsLinked, 6);
  assert.ok(stats.hubSignalsIgnored >= 1, 'the shared cafe device is a hub');
  assert.equal(stats.hubThreshold, 5);
  assert.equal(stats.windowDays, 90);
  assert.ok(stats.accountsConsidered >= 13);
  // Same input, same output.
  const again = await api(srv, 'POST', '/api/admin/recompute-alts', { session: owner });
  assert.deepEqual(again.json.data.alts.map((c) => [c.clusterId, c.size, c.signals]),
    alts.map((c) => [c.clusterId, c.size, c.signals]));
  const audit = await api(srv, 'GET', '/api/audit?action=alts.recompute', { session: owner });
  assert.equal(audit.json.data.total, 2);
  assert.deepEqual(audit.json.data.entries[0].after, { clusterCount: 3, accountsLinked: 6 });
});

test('GET /api/alts pages the stored clusters with their stats', async () => {
  const res = await api(srv, 'GET', '/api/alts?page=1&pageSize=2', { session: owner });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.data.alts.length, 2);
  assert.equal(res.json.data.total, 3);
  assert.equal(res.json.data.stats.clusterCount, 3);
  const p2 = await api(srv, 'GET', '/api/alts?page=2&pageSize=2', { session: owner });
  assert.equal(p2.json.data.alts.length, 1);
  const bad = await api(srv, 'GET', '/api/alts?pageSize=101', { session: owner });
  expectError(bad, 400, 'invalid_parameter');
});

test('A13 is single-flight: a lease held elsewhere answers 409 and changes nothing', async () => {
  const before = sql(srv, 'SELECT COUNT(*) AS n FROM alt_clusters')[0].n;
  // Another node's rebuild, as it looks in the database.
  sql(srv, `INSERT INTO job_leases (job, holder, expires_at) VALUES ('alts_rebuild', 'other-node', ${Date.now() + 600000})`);
  const res = await api(srv, 'POST', '/api/admin/recompute-alts', { session: owner });
  expectError(res, 409, 'alts_rebuild_running');
  assert.equal(sql(srv, 'SELECT COUNT(*) AS n FROM alt_clusters')[0].n, before);
  sql(srv, "DELETE FROM job_leases WHERE job = 'alts_rebuild'");
  const ok = await api(srv, 'POST', '/api/admin/recompute-alts', { session: owner });
  assert.equal(ok.status, 200);
});

test('permissions, scopes, CSRF and body rules', async () => {
  const member = await api(srv, 'POST', '/api/auth/login', { headers: { 'X-Forwarded-For': '192.0.2.200' }, body: { username: 'lone', password: PW } });
  const s = { cookie: cookieFrom(member).value, csrf: member.json.data.csrfToken };
  // A new account must change its password first.
  expectError(await api(srv, 'POST', '/api/admin/recompute-alts', { session: s }), 403, 'password_change_required');
  expectError(await api(srv, 'POST', '/api/admin/recompute-alts', { session: owner, csrf: false }), 403, 'csrf_failed');
  expectError(await api(srv, 'POST', '/api/admin/recompute-alts', { session: owner, body: { force: true } }), 400, 'unknown_field');
  expectError(await api(srv, 'POST', '/api/admin/recompute-alts?x=1', { session: owner }), 400, 'unknown_parameter');
  const key = srv.cli(['key', 'create', '--user', 'owner', '--name', 'ro', '--scope', 'staff:read', '--scope', 'users:read']).stdout.trim();
  expectError(await api(srv, 'POST', '/api/admin/recompute-alts', { key }), 403, 'scope_missing');
  const read = await api(srv, 'GET', '/api/alts', { key });
  assert.equal(read.status, 200, 'users:read covers GET /api/alts');
  const staffOnly = srv.cli(['key', 'create', '--user', 'owner', '--name', 'st', '--scope', 'staff:read']).stdout.trim();
  expectError(await api(srv, 'GET', '/api/alts', { key: staffOnly }), 403, 'scope_missing');
  expectError(await api(srv, 'GET', '/api/alts'), 401, 'unauthenticated');
});
