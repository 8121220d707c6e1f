// ops.test.mjs: operational endpoints (platform.md §8), the envelope and security headers every
// /api answer carries (staff-admin.md §1.1), unknown routes (P07) and a clean SIGTERM exit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, ownerSession, expectError, OWNER_PASSWORD } from './lib/harness.mjs';
import { metricValue, metrics } from './lib/helpers.mjs';

let srv;
let owner;

before(async () => {
  srv = await startServer();
  owner = await ownerSession(srv);
});
after(async () => { await srv.stop(); });

// Request counters are bumped when the answer has been sent, so a read right after may race.
async function waitForMetric(name, labels, atLeast) {
  let v = 0;
  for (let i = 0; i < 40; i++) {
    v = metricValue(await metrics(srv), name, labels);
    if (v >= atLeast) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
  return v;
}

test('/healthz answers {"status":"ok"} without credentials', async () => {
  const res = await api(srv, 'GET', '/healthz');
  assert.equal(res.status, 200);
  assert.equal(res.text, '{"status":"ok"}');
  assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.equal(res.headers.get('cache-control'), 'no-store');
  // Credentials, even bad ones, are not looked at.
  const withKey = await api(srv, 'GET', '/healthz', { key: 'prapi_' + 'x'.repeat(43) });
  assert.equal(withKey.status, 200);
  assert.deepEqual(withKey.json, { status: 'ok' });
  assert.ok(await waitForMetric('roster_http_requests_total', { route: '/healthz', status: '200' }, 2) >= 2);
});

test('/readyz answers {"status":"ready"} while storage answers', async () => {
  const res = await api(srv, 'GET', '/readyz');
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json, { status: 'ready' });
  assert.equal(res.headers.get('retry-after'), null);
  assert.equal(metricValue(await metrics(srv), 'roster_db_up'), 1);
});

test('/metrics is Prometheus text with build info, request counts and process start', async () => {
  const res = await api(srv, 'GET', '/metrics');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const text = res.text;
  assert.ok(text.endsWith('\n'));
  // Every line is a comment or a well-formed sample.
  const types = new Map();
  for (const line of text.split('\n').filter(Boolean)) {
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      types.set(name, type);
      continue;
    }
    if (line.startsWith('# HELP ')) continue;
    assert.match(line, /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? -?[0-9.e+Inf-]+$/, line);
  }
  assert.equal(types.get('roster_build_info'), 'gauge');
  assert.equal(types.get('roster_http_requests_total'), 'counter');
  assert.equal(types.get('roster_http_request_duration_seconds'), 'histogram');
  assert.equal(types.get('process_start_time_seconds'), 'gauge');
  assert.match(text, /^roster_build_info\{version="[^"]+",db="sqlite"\} 1$/m);
  const start = metricValue(text, 'process_start_time_seconds');
  assert.ok(Math.abs(start - Date.now() / 1000) < 3600, `process_start_time_seconds ${start}`);
  assert.ok(metricValue(text, 'roster_http_requests_total', { surface: 'api', method: 'POST', route: '/api/auth/login', status: '200' }) >= 1);
});

test('/metrics reflects a request made just before, labelled by route template', async () => {
  const labels = { surface: 'api', method: 'GET', route: '/api/auth/me', status: '401' };
  const before = metricValue(await metrics(srv), 'roster_http_requests_total', labels);
  expectError(await api(srv, 'GET', '/api/auth/me'), 401, 'unauthenticated');
  assert.equal(await waitForMetric('roster_http_requests_total', labels, before + 1), before + 1);
  // Ids never become labels: a key id path is counted under its template.
  const id = 'abcdef0123456789abcdef01';
  const tpl = { surface: 'api', method: 'GET', route: '/api/keys/{keyId}', status: '404' };
  const b2 = metricValue(await metrics(srv), 'roster_http_requests_total', tpl);
  expectError(await api(srv, 'GET', `/api/keys/${id}`, { session: owner }), 404, 'key_not_found');
  assert.equal(await waitForMetric('roster_http_requests_total', tpl, b2 + 1), b2 + 1);
  // Unknown paths share the "unmatched" route.
  const um = { route: 'unmatched', status: '404' };
  const b3 = metricValue(await metrics(srv), 'roster_http_requests_total', um);
  await api(srv, 'GET', '/api/nope-' + id);
  assert.equal(await waitForMetric('roster_http_requests_total', um, b3 + 1), b3 + 1);
  const text = await metrics(srv);
  assert.ok(!text.includes(id), 'no id in any label');
  assert.ok(!text.includes(owner.user.id));
});

test('/metrics exports every metric named in platform.md §8', async () => {
  const text = await metrics(srv);
  const want = {
    roster_build_info: 'gauge', roster_http_requests_total: 'counter', roster_http_request_duration_seconds: 'histogram',
    roster_http_rejected_total: 'counter', roster_auth_logins_total: 'counter', roster_auth_key_checks_total: 'counter',
    roster_csrf_failures_total: 'counter', roster_rate_limited_total: 'counter', roster_password_hash_seconds: 'histogram',
    roster_db_query_duration_seconds: 'histogram', roster_db_errors_total: 'counter', roster_http_requests_in_flight: 'gauge',
    roster_password_hash_in_flight: 'gauge', roster_sessions_active: 'gauge', roster_db_up: 'gauge',
    roster_game_servers_running: 'gauge', roster_players_online: 'gauge', roster_queued_actions_pending: 'gauge',
    roster_alt_clusters: 'gauge', roster_queued_actions_delivered_total: 'counter', roster_alt_rebuild_duration_seconds: 'histogram',
    roster_audit_entries_total: 'counter', roster_jobs_runs_total: 'counter', process_start_time_seconds: 'gauge',
    process_resident_memory_bytes: 'gauge', process_open_fds: 'gauge',
  };
  const missing = Object.entries(want).filter(([n, t]) => !text.includes(`# TYPE ${n} ${t}\n`)).map(([n]) => n);
  assert.deepEqual(missing, []);
});

test('--metrics off: /metrics is 404 and the server still exits cleanly', async () => {
  const off = await startServer({ args: ['--metrics', 'off'] });
  try {
    const res = await api(off, 'GET', '/metrics');
    assert.equal(res.status, 404);
    assert.ok(!res.text.includes('roster_http_requests_total'));
    assert.equal((await api(off, 'GET', '/healthz')).status, 200);
  } finally {
    await off.stop(); // asserts exit code 0 after SIGTERM
  }
  assert.equal(off.proc.exitCode, 0);
});

test('/openapi.json is OpenAPI 3.1.0 with every route these tests use', async () => {
  const res = await api(srv, 'GET', '/openapi.json');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  assert.ok(res.json, 'valid JSON');
  assert.equal(res.json.openapi, '3.1.0');
  assert.equal(typeof res.json.info?.title, 'string');
  const build = (await metrics(srv)).match(/roster_build_info\{version="([^"]+)"/)[1];
  assert.equal(res.json.info.version, build);
  const want = {
    '/healthz': ['get'], '/readyz': ['get'], '/metrics': ['get'], '/openapi.json': ['get'],
    '/api/auth/login': ['post'], '/api/auth/logout': ['post'], '/api/auth/me': ['get'],
    '/api/auth/csrf': ['get'], '/api/auth/password': ['post'],
    '/api/keys': ['get', 'post'], '/api/keys/{keyId}': ['get', 'delete'], '/api/audit': ['get'],
  };
  for (const [path, methods] of Object.entries(want)) {
    assert.ok(res.json.paths[path], `path ${path}`);
    for (const m of methods) assert.ok(res.json.paths[path][m], `${m.toUpperCase()} ${path}`);
  }
  // The documented body of key creation matches the server's field table.
  const schema = res.json.paths['/api/keys'].post.requestBody.content['application/json'].schema;
  assert.deepEqual([...schema.required].sort(), ['name', 'scopes']);
  assert.equal(schema.additionalProperties, false);
});

test('P07: unknown /api paths are 404 not_found', async () => {
  for (const [method, path] of [['GET', '/api/nope'], ['POST', '/api/nope'], ['GET', '/api/auth'], ['GET', '/api/keys/a/b'], ['GET', '/api']]) {
    const res = await api(srv, method, path, { session: owner, body: method === 'POST' ? {} : undefined });
    expectError(res, 404, 'not_found');
    assert.equal(res.json.error.message, 'Not found');
  }
});

test('every /api answer carries the security headers and X-Request-Id equal to error.requestId', async () => {
  const responses = [
    await api(srv, 'GET', '/api/auth/me', { session: owner }),
    await api(srv, 'GET', '/api/auth/me'),
    await api(srv, 'POST', '/api/auth/login', { body: { username: 'owner', password: OWNER_PASSWORD } }),
    await api(srv, 'POST', '/api/auth/login', { body: { username: 'owner', password: 'wrong-password' } }),
    await api(srv, 'POST', '/api/auth/login', { body: '{bad json', headers: { 'Content-Type': 'application/json' } }),
    await api(srv, 'POST', '/api/auth/login', { body: { username: 'owner' } }),
    await api(srv, 'GET', '/api/nope'),
    await api(srv, 'GET', '/api/auth/logout'),
    await api(srv, 'GET', '/api/auth/me?token=x'),
    await api(srv, 'POST', '/api/keys', { session: owner, csrf: false, body: { name: 'x', scopes: ['staff:read'] } }),
    await api(srv, 'GET', '/api/audit?pageSize=0', { session: owner }),
    await api(srv, 'GET', '/api/audit?pageSize=1', { session: owner }),
  ];
  const ids = new Set();
  for (const res of responses) {
    const h = res.headers;
    const what = `${res.status} ${res.text.slice(0, 80)}`;
    assert.equal(h.get('content-type'), 'application/json; charset=utf-8', what);
    assert.equal(h.get('cache-control'), 'no-store', what);
    assert.equal(h.get('x-content-type-options'), 'nosniff', what);
    assert.equal(h.get('referrer-policy'), 'no-referrer', what);
    assert.equal(h.get('content-security-policy'), "default-src 'none'; frame-ancestors 'none'", what);
    assert.equal(h.get('server'), null, what);
    assert.equal(h.get('x-powered-by'), null, what);
    for (const [name] of h) assert.ok(!name.startsWith('access-control-'), `${name}: ${what}`);
    const rid = h.get('x-request-id');
    assert.match(rid, /^[0-9a-f]{16}$/, what);
    ids.add(rid);
    assert.equal(typeof res.json?.success, 'boolean', what);
    if (res.json.success) {
      assert.equal(res.status, 200);
      assert.equal(res.json.error, null);
    } else {
      assert.equal(res.json.data, null, what);
      assert.equal(res.json.error.requestId, rid, what);
      assert.equal(typeof res.json.error.message, 'string');
    }
  }
  assert.equal(ids.size, responses.length, 'request ids are unique');
  assert.deepEqual(responses.map((r) => r.status), [200, 401, 200, 401, 400, 400, 404, 405, 400, 403, 400, 200]);
  // The ops endpoints are no-store too (SECURITY.md §3: everywhere).
  for (const p of ['/healthz', '/readyz', '/metrics', '/openapi.json']) {
    const r = await api(srv, 'GET', p);
    assert.equal(r.headers.get('cache-control'), 'no-store', p);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', p);
    assert.equal(r.headers.get('server'), null, p);
  }
});

test('SIGTERM makes a server exit 0 after answering what it was asked', async () => {
  const s2 = await startServer();
  const res = await api(s2, 'GET', '/readyz');
  assert.equal(res.status, 200);
  await s2.stop(); // sends SIGTERM and asserts exit code 0, no signal
  assert.equal(s2.proc.exitCode, 0);
  assert.equal(s2.proc.signalCode, null);
  await assert.rejects(fetch(s2.base + '/healthz'), 'no longer listening');
});

test('ReAdmin prefixes answer in ReAdmin\'s envelope with its no-cache headers (readmin-compat.md §1.1-1.2)', async () => {
  const srv2 = await startServer();
  try {
    for (const path of ['/ranking/nope', '/staff/nothing', '/activity/commands', '/v2/x', '/sessions/v2/y']) {
      const res = await fetch(srv2.base + path);
      assert.equal(res.status, 404, path);
      assert.deepEqual(await res.json(), { success: false, reason: 'Route not found' }, path);
      assert.equal(res.headers.get('cache-control'), 'no-store, no-cache, must-revalidate, max-age=0');
      assert.equal(res.headers.get('pragma'), 'no-cache');
      assert.equal(res.headers.get('expires'), '0');
      assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.ok(res.headers.get('x-request-id'));
    }
    // The route check comes before the credential check (§1.5): no ReAdmin route exists yet.
    const cred = await fetch(srv2.base + '/ranking/x?api-key=x');
    assert.equal(cred.status, 404);
    assert.deepEqual(await cred.json(), { success: false, reason: 'Route not found' });
    const other = await fetch(srv2.base + '/no-such-page');
    assert.equal(other.status, 404);
    assert.equal(other.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.equal(await other.text(), 'Not found\n', 'dashboard paths are plain text (platform.md §8)');
  } finally {
    await srv2.stop();
  }
});
