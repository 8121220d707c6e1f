// duplicate_headers.test.mjs: header lines repeated with other values (SECURITY.md S02, CSRF,
// media types): a second Cookie, Origin, Sec-Fetch-Site, x-csrf-token or Content-Type line is
// refused even when the first one is right, and nothing is written. Raw sockets, since fetch
// folds repeated headers into one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, ownerSession, raw, parseResponses, sql } from './lib/harness.mjs';

let srv, s;
before(async () => {
  srv = await startServer();
  s = await ownerSession(srv);
});
after(() => srv.stop());

async function send(method, path, lines, body = '') {
  const head = [`${method} ${path} HTTP/1.1`, `Host: 127.0.0.1:${srv.port}`, 'Connection: close', ...lines];
  if (method !== 'GET') head.push(`Content-Length: ${Buffer.byteLength(body)}`);
  const r = await raw(srv, head.join('\r\n') + '\r\n\r\n' + body);
  const [res] = parseResponses(r.text).responses;
  return { status: res.status, json: JSON.parse(res.body || 'null') };
}
const keyCount = () => sql(srv, 'SELECT COUNT(*) AS n FROM api_keys')[0].n;
const body = JSON.stringify({ name: 'second', scopes: ['staff:read'] });

test('S02: a second Cookie line is refused even when the first holds a valid session', async () => {
  const ok = await send('GET', '/api/auth/me', [`Cookie: roster_session=${s.cookie}`]);
  assert.equal(ok.status, 200, 'control: one line passes');
  for (const second of ['roster_session=garbage', 'other=1', `roster_session=${s.cookie}`]) {
    const res = await send('GET', '/api/auth/me', [`Cookie: roster_session=${s.cookie}`, `Cookie: ${second}`]);
    assert.equal(res.status, 401, second);
    assert.equal(res.json.error.code, 'unauthenticated');
  }
});

test('CSRF: a repeated Origin, Sec-Fetch-Site or x-csrf-token line is 403 and writes nothing', async () => {
  const base = [`Cookie: roster_session=${s.cookie}`, 'Content-Type: application/json'];
  const origin = `Origin: http://127.0.0.1:${srv.port}`;
  const before = keyCount();
  const ok = await send('POST', '/api/keys', [...base, `x-csrf-token: ${s.csrf}`, origin], body);
  assert.equal(ok.status, 200, 'control: one of each passes');
  const n = keyCount();
  assert.equal(n, before + 1);
  for (const extra of [
    [`x-csrf-token: ${s.csrf}`, origin, 'Origin: https://evil.example'],
    [`x-csrf-token: ${s.csrf}`, 'Sec-Fetch-Site: same-origin', 'Sec-Fetch-Site: cross-site'],
    [`x-csrf-token: ${s.csrf}`, `x-csrf-token: ${'0'.repeat(64)}`],
  ]) {
    const res = await send('POST', '/api/keys', [...base, ...extra], body);
    assert.equal(res.status, 403, extra.join(' | '));
    assert.equal(res.json.error.code, 'csrf_failed');
  }
  assert.equal(keyCount(), n, 'nothing written');
});

test('J13: a second Content-Type line is 400 unsupported_media_type', async () => {
  const before = keyCount();
  const res = await send('POST', '/api/keys', [`Cookie: roster_session=${s.cookie}`, `x-csrf-token: ${s.csrf}`,
    'Content-Type: application/json', 'Content-Type: text/plain'], body);
  assert.equal(res.status, 400);
  assert.equal(res.json.error.code, 'unsupported_media_type');
  assert.equal(keyCount(), before, 'nothing written');
});
