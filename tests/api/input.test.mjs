// input.test.mjs: the JSON, media, type, text and query rows of the bad-input catalogue
// (SECURITY.md §5 and §9: J01-J15, T01/T06/T07, X01-X03, X07, X08, Q01-Q05) on real routes:
// POST /api/keys (name, scopes, expiresAt, ipAllowlist) and GET /api/audit, as a signed-in owner.
// Parsing rules and error codes: staff-admin.md §1.5. Every refusal is checked to leave nothing
// behind: the key count and the key.create audit count are the same before and after.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import {
  startServer, api, raw, ownerSession, expectError, parseResponses, sql,
} from './lib/harness.mjs';

const ASAN = process.env.ROSTER_ASAN === '1';
// SECURITY.md §9 J07/J11: "400 in < 100 ms"; the sanitizer build is allowed 500 ms.
const FAST_MS = ASAN ? 500 : 100;
const SCOPES = ['audit:read'];

let srv;
let owner;

before(async () => {
  srv = await startServer();
  owner = await ownerSession(srv);
});
after(async () => { await srv.stop(); });

// ---- helpers ----

// One request with full control of the body bytes and headers (api() JSON-encodes objects and
// fetch gives string bodies a text/plain type). contentType null sends no Content-Type at all
// (fetch adds none for a Buffer body).
async function send(method, path, { body, contentType = 'application/json', headers = {}, session = owner } = {}) {
  const h = { Cookie: `roster_session=${session.cookie}`, 'x-csrf-token': session.csrf };
  if (contentType !== null) h['Content-Type'] = contentType;
  Object.assign(h, headers);
  const bytes = body === undefined ? undefined
    : Buffer.isBuffer(body) ? body
      : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
  const t0 = performance.now();
  const res = await fetch(srv.base + path, { method, headers: h, body: bytes, redirect: 'manual' });
  const text = await res.text();
  const ms = performance.now() - t0;
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, text, json, ms };
}

// What a refused creation must not change: stored keys and key.create audit entries.
async function keyState() {
  const keys = await api(srv, 'GET', '/api/keys?pageSize=100', { session: owner });
  assert.equal(keys.status, 200, keys.text);
  const audit = await api(srv, 'GET', '/api/audit?action=key.create', { session: owner });
  assert.equal(audit.status, 200, audit.text);
  return { keys: keys.json.data.total, audits: audit.json.data.total, names: keys.json.data.keys.map((k) => k.name) };
}

// Sends a body to POST /api/keys, expects 400 `code` (naming `field` when given), and checks
// that nothing was stored or audited.
async function refusedCreate(body, code, { field, contentType, headers } = {}) {
  const before = await keyState();
  const res = await send('POST', '/api/keys', { body, contentType, headers });
  expectError(res, 400, code);
  if (field !== undefined) assert.equal(res.json.error.details?.field, field, res.text);
  const afterState = await keyState();
  assert.equal(afterState.keys, before.keys, 'no key stored');
  assert.equal(afterState.audits, before.audits, 'no audit entry');
  return res;
}

// Sends a body to POST /api/keys that must be accepted; returns the created key.
async function acceptedCreate(body) {
  const before = await keyState();
  const res = await send('POST', '/api/keys', { body });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.success, true);
  assert.match(res.json.data.secret, /^prapi_[A-Za-z0-9_-]{43}$/);
  const afterState = await keyState();
  assert.equal(afterState.keys, before.keys + 1);
  assert.equal(afterState.audits, before.audits + 1);
  return res;
}

const withName = (name) => ({ name, scopes: SCOPES });
const bytes = (...parts) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

// Best of several tries: the limit is about Roster, not about a busy machine.
async function bestOf(fn, tries = 5) {
  let best = Infinity;
  for (let i = 0; i < tries; i++) best = Math.min(best, await fn());
  return best;
}

async function audit(query) {
  return api(srv, 'GET', '/api/audit' + query, { session: owner });
}

function expectBadParam(res, parameter) {
  expectError(res, 400, 'invalid_parameter');
  assert.equal(res.json.error.details.parameter, parameter, res.text);
  assert.equal(typeof res.json.error.details.reason, 'string');
}

// ---- J01-J11: JSON syntax and structure ----

test('J01 empty body on POST /api/keys: 400 missing_field name', async () => {
  await refusedCreate('', 'missing_field', { field: 'name' });
  await refusedCreate(Buffer.alloc(0), 'missing_field', { field: 'name', contentType: null });
  await refusedCreate('{}', 'missing_field', { field: 'name' });
  await refusedCreate({ name: null, scopes: SCOPES }, 'missing_field', { field: 'name' });
  await refusedCreate({ name: 'n' }, 'missing_field', { field: 'scopes' });
});

test('J02 truncated JSON and trailing data: 400 invalid_json', async () => {
  for (const body of ['{"name":"a"', '{} x', '{}{}', '{"name":"a","scopes":["audit:read"]} x', '{"name":"a","scopes":["audit:read"]}{}']) {
    await refusedCreate(body, 'invalid_json');
  }
});

test('J03 top level not an object: 400 invalid_json', async () => {
  for (const body of ['[]', '"x"', '1', 'null', 'true', '[{"name":"a","scopes":["audit:read"]}]']) {
    await refusedCreate(body, 'invalid_json');
  }
});

test('J04 comment, trailing comma, single quotes, NaN, 01, 0x1, BOM: 400 invalid_json', async () => {
  const ok = '"name":"j04","scopes":["audit:read"]';
  for (const body of [
    `{/* c */${ok}}`, `{${ok}} // c`, `{${ok},}`, '{"name":"j04","scopes":["audit:read",]}',
    "{'name':'j04','scopes':['audit:read']}", `{${ok},"x":NaN}`, `{${ok},"x":Infinity}`,
    `{${ok},"x":01}`, `{${ok},"x":0x1}`, '{"name":0x1,"scopes":["audit:read"]}',
    bytes([0xef, 0xbb, 0xbf], `{${ok}}`),
  ]) {
    await refusedCreate(body, 'invalid_json');
  }
});

test('J05 duplicate keys, top level and nested: 400 invalid_json', async () => {
  for (const body of [
    '{"name":"a","name":"b","scopes":["audit:read"]}',
    '{"name":"a","scopes":["audit:read"],"scopes":["audit:read"]}',
    '{"name":"a","scopes":["audit:read"],"x":{"a":1,"a":2}}',
    '{"name":"a","scopes":["audit:read"],"ipAllowlist":[{"k":1,"k":1}]}',
    '{"name":"a","scopes":["audit:read"],"x":[[{"y":{"z":1,"z":1}}]]}',
  ]) {
    await refusedCreate(body, 'invalid_json');
  }
});

test('J06 33 levels of nesting: 400 invalid_json; 32 levels parse (control)', async () => {
  // The top-level object is level 1, so 32 nested arrays make 33 levels.
  await refusedCreate(`{"name":"a","scopes":["audit:read"],"x":${'['.repeat(32)}${']'.repeat(32)}}`, 'invalid_json');
  await refusedCreate(`{"x":${'{"y":'.repeat(32)}1${'}'.repeat(32)}}`, 'invalid_json');
  // 32 levels are valid JSON for Roster: the refusal is for the unknown field, not the depth.
  const res = await refusedCreate(`{"name":"a","scopes":["audit:read"],"x":${'['.repeat(31)}${']'.repeat(31)}}`, 'unknown_field');
  assert.equal(res.json.error.details.field, 'x');
});

test('J07 100,000 nested `[`: 400 invalid_json, fast', async () => {
  for (const body of ['['.repeat(100000), '{"name":' + '['.repeat(100000), '{"name":"a","x":' + '{"a":'.repeat(50000)]) {
    const buf = Buffer.from(body);
    const best = await bestOf(async () => {
      const res = await send('POST', '/api/keys', { body: buf });
      expectError(res, 400, 'invalid_json');
      return res.ms;
    });
    assert.ok(best < FAST_MS, `answered in ${best.toFixed(1)} ms (limit ${FAST_MS})`);
  }
  await refusedCreate('['.repeat(100000), 'invalid_json');
});

test('J08 invalid UTF-8 and lone surrogates inside a string: 400 invalid_json', async () => {
  for (const bad of [[0xc0, 0xaf], [0xff], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0x80]]) {
    await refusedCreate(bytes('{"name":"a', bad, 'b","scopes":["audit:read"]}'), 'invalid_json');
  }
  for (const esc of ['\\ud800', '\\udc00', '\\ud800x', '\\udbff\\u0041']) {
    await refusedCreate(`{"name":"a${esc}","scopes":["audit:read"]}`, 'invalid_json');
  }
});

test('J09 "admin\\u0000x": 400 invalid_json, never stored as "admin"', async () => {
  await refusedCreate('{"name":"admin\\u0000x","scopes":["audit:read"]}', 'invalid_json');
  await refusedCreate('{"name":"admin","scopes":["audit:read\\u0000"]}', 'invalid_json');
  const state = await keyState();
  assert.ok(!state.names.includes('admin'));
  assert.ok(!state.names.some((n) => n.startsWith('admin')));
});

test('J10 an array of 1,001 items: 400 invalid_field', async () => {
  let res = await refusedCreate({ name: 'a', scopes: SCOPES, ipAllowlist: Array(1001).fill('10.0.0.1') }, 'invalid_field', { field: 'ipAllowlist' });
  assert.match(res.json.error.details.reason, /too many/);
  res = await refusedCreate({ name: 'a', scopes: Array(1001).fill('audit:read') }, 'invalid_field', { field: 'scopes' });
  assert.match(res.json.error.details.reason, /too many/);
});

test('J11 100,000 keys in under 1 MiB: 400, fast', async () => {
  // Refused before jansson hashes them: more than 10,000 members is invalid_json (docs/decisions.md).
  const top = Buffer.from('{' + Array.from({ length: 100000 }, (_, i) => `"${i.toString(36)}":0`).join(',') + '}');
  const nested = Buffer.from('{"name":"a","scopes":["audit:read"],"x":{' +
    Array.from({ length: 100000 }, (_, i) => `"${i.toString(36)}":0`).join(',') + '}}');
  for (const buf of [top, nested]) {
    assert.ok(buf.length < 1024 * 1024);
    const best = await bestOf(async () => {
      const res = await send('POST', '/api/keys', { body: buf });
      expectError(res, 400, 'invalid_json');
      return res.ms;
    });
    assert.ok(best < FAST_MS, `answered in ${best.toFixed(1)} ms (limit ${FAST_MS})`);
  }
  await refusedCreate(top, 'invalid_json');
  // A body with many members under the cap is still parsed and judged field by field.
  const many = Buffer.from('{' + Array.from({ length: 9000 }, (_, i) => `"k${i}":0`).join(',') + '}');
  await refusedCreate(many, 'unknown_field');
});

// ---- J13-J15: media ----

test('J13 no Content-Type, text/plain, form, multipart, charset=utf-16: 400 unsupported_media_type', async () => {
  const body = JSON.stringify(withName('j13'));
  await refusedCreate(Buffer.from(body), 'unsupported_media_type', { contentType: null });
  for (const ct of ['text/plain', 'text/plain;charset=UTF-8', 'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=xyz', 'application/json; charset=utf-16', 'application/json; charset=latin1',
    'application/jsonx', 'application/json-patch+json', 'text/json']) {
    await refusedCreate(body, 'unsupported_media_type', { contentType: ct });
  }
});

test('J13 control: application/json with charset=utf-8 is accepted', async () => {
  const before = await keyState();
  const res = await send('POST', '/api/keys', { body: withName('j13-utf8'), contentType: 'application/json; charset=utf-8' });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.data.key.name, 'j13-utf8');
  assert.equal((await keyState()).keys, before.keys + 1);
});

test('J14 Content-Encoding: gzip: 400 unsupported_media_type, nothing inflated', async () => {
  const body = JSON.stringify(withName('j14'));
  await refusedCreate(gzipSync(Buffer.from(body)), 'unsupported_media_type', { headers: { 'Content-Encoding': 'gzip' } });
  await refusedCreate(body, 'unsupported_media_type', { headers: { 'Content-Encoding': 'gzip' } });
  await refusedCreate(body, 'unsupported_media_type', { headers: { 'Content-Encoding': 'br' } });
  assert.ok(!(await keyState()).names.includes('j14'));
});

test('J15 GET /api/auth/me with a body: 400 unexpected_body', async () => {
  const r = await raw(srv, `GET /api/auth/me HTTP/1.1\r\nHost: roster.test\r\nCookie: roster_session=${owner.cookie}\r\n` +
    'Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}', { quietMs: 800 });
  const { responses } = parseResponses(r.text);
  assert.equal(responses.length, 1, r.text);
  assert.equal(responses[0].status, 400, r.text);
  const body = JSON.parse(responses[0].body);
  assert.equal(body.success, false);
  assert.equal(body.data, null);
  assert.equal(body.error.code, 'unexpected_body');
  assert.equal(body.error.requestId, responses[0].headers.get('x-request-id'));
  assert.doesNotMatch(r.text, /"username"/);
  // The same on a list route, and the session is untouched.
  const list = await raw(srv, `GET /api/keys HTTP/1.1\r\nHost: roster.test\r\nCookie: roster_session=${owner.cookie}\r\n` +
    'Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n', { quietMs: 800 });
  const lr = parseResponses(list.text).responses;
  assert.equal(lr.length, 1, list.text);
  assert.equal(JSON.parse(lr[0].body).error.code, 'unexpected_body');
  const me = await api(srv, 'GET', '/api/auth/me', { session: owner });
  assert.equal(me.status, 200);
});

// ---- T01/T06/T07: types and fields ----

test('T01/T06 wrong types are never coerced: 400 invalid_field naming the field', async () => {
  const cases = [
    [{ name: 5, scopes: SCOPES }, 'name'],
    [{ name: true, scopes: SCOPES }, 'name'],
    [{ name: ['a'], scopes: SCOPES }, 'name'],
    [{ name: { a: 1 }, scopes: SCOPES }, 'name'],
    [{ name: 'a', scopes: 'audit:read' }, 'scopes'],
    [{ name: 'a', scopes: [1] }, 'scopes'],
    [{ name: 'a', scopes: [true] }, 'scopes'],
    [{ name: 'a', scopes: { 'audit:read': true } }, 'scopes'],
    [{ name: 'a', scopes: SCOPES, ipAllowlist: { ip: '10.0.0.1' } }, 'ipAllowlist'],
    [{ name: 'a', scopes: SCOPES, ipAllowlist: '10.0.0.1' }, 'ipAllowlist'],
    [{ name: 'a', scopes: SCOPES, ipAllowlist: [167772161] }, 'ipAllowlist'],
    [{ name: 'a', scopes: SCOPES, expiresAt: 1893456000000 }, 'expiresAt'],
    [{ name: 'a', scopes: SCOPES, expiresAt: true }, 'expiresAt'],
  ];
  for (const [body, field] of cases) {
    const res = await refusedCreate(body, 'invalid_field', { field });
    assert.equal(typeof res.json.error.details.reason, 'string');
  }
});

test('T07 extra and server-owned fields: 400 unknown_field naming the field', async () => {
  for (const field of ['x', 'id', 'createdAt', 'secret', 'prefix', 'status', 'workspaceId', 'userId', 'Name']) {
    await refusedCreate({ name: 't07', scopes: SCOPES, [field]: field === 'x' ? 1 : '6b0000000000000000000001' }, 'unknown_field', { field });
  }
});

// ---- X01-X08: text ----

test('X01 bidi, zero-width and control characters or outer spaces in a name: 400 invalid_field', async () => {
  for (const name of ['a\u202eb', 'a\u2066b', 'a\u200bb', 'a\u200db', 'a\ufeffb', 'a\u0007b', 'a\u0085b', 'a\u009fb',
    'a\nb', 'a\tb', 'a\u007fb', ' ab', 'ab ', '\u00a0ab', 'ab\u3000']) {
    const res = await refusedCreate(withName(name), 'invalid_field', { field: 'name' });
    assert.equal(typeof res.json.error.details.reason, 'string');
  }
});

test('X02 a name of 101 code points (or none): 400 invalid_field', async () => {
  let res = await refusedCreate(withName('a'.repeat(101)), 'invalid_field', { field: 'name' });
  assert.match(res.json.error.details.reason, /long/);
  res = await refusedCreate(withName('é'.repeat(101)), 'invalid_field', { field: 'name' });
  res = await refusedCreate(withName(''), 'invalid_field', { field: 'name' });
  assert.match(res.json.error.details.reason, /short/);
});

test('X03 a name of 100 four-byte emoji is accepted (code points, not bytes); 101 are not', async () => {
  const name = '\u{1f600}'.repeat(100);
  assert.equal(Buffer.byteLength(name), 400);
  const res = await acceptedCreate(withName(name));
  assert.equal(res.json.data.key.name, name);
  const got = await api(srv, 'GET', `/api/keys/${res.json.data.key.id}`, { session: owner });
  assert.equal(got.status, 200);
  assert.equal(got.json.data.key.name, name);
  await refusedCreate(withName('\u{1f600}'.repeat(101)), 'invalid_field', { field: 'name' });
});

test('X07 `"`, `\\`, `</script>`, U+2028 in a name come back byte-identical in valid JSON', async () => {
  const name = 'q"b\\s</script>l\u2028p\u2029e';
  const res = await acceptedCreate(withName(name));
  assert.equal(res.json.data.key.name, name);
  // The writer escapes U+2028/2029 (SECURITY.md §7): no raw line separator on the wire.
  assert.ok(!res.text.includes('\u2028') && !res.text.includes('\u2029'), res.text);
  for (const path of [`/api/keys/${res.json.data.key.id}`, '/api/keys?pageSize=100']) {
    const got = await api(srv, 'GET', path, { session: owner });
    assert.equal(got.status, 200);
    assert.ok(got.json !== null, 'valid JSON');
    const key = got.json.data.key || got.json.data.keys.find((k) => k.id === res.json.data.key.id);
    assert.equal(key.name, name);
  }
  assert.equal(sql(srv, `SELECT name FROM api_keys WHERE id = '${res.json.data.key.id}'`)[0].name, name);
});

test('X08 SQL-looking key names are stored literally; tables unchanged', async () => {
  const tables = sql(srv, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
  const users = sql(srv, 'SELECT COUNT(*) AS n FROM users')[0].n;
  for (const name of ["' OR '1'='1", '"; DROP TABLE users;--', "admin'--"]) {
    const res = await acceptedCreate(withName(name));
    assert.equal(res.json.data.key.name, name);
    assert.equal(sql(srv, `SELECT name FROM api_keys WHERE id = '${res.json.data.key.id}'`)[0].name, name);
  }
  assert.deepEqual(sql(srv, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"), tables);
  assert.equal(sql(srv, 'SELECT COUNT(*) AS n FROM users')[0].n, users);
  const me = await api(srv, 'GET', '/api/auth/me', { session: owner });
  assert.equal(me.status, 200);
});

// ---- Q01-Q05: query parameters on GET /api/audit ----

test('Q01 repeated and unknown parameters: 400 duplicate_parameter / unknown_parameter', async () => {
  let res = await audit('?page=2&page=2');
  expectError(res, 400, 'duplicate_parameter');
  assert.equal(res.json.error.details.parameter, 'page');
  res = await audit('?action=user.&action=user.');
  expectError(res, 400, 'duplicate_parameter');
  assert.equal(res.json.error.details.parameter, 'action');
  for (const [q, name] of [['?foo=1', 'foo'], ['?page=1&Page=1', 'Page'], ['?search=x', 'search'], ['?=1', '']]) {
    res = await audit(q);
    expectError(res, 400, 'unknown_parameter');
    assert.equal(res.json.error.details.parameter, name);
  }
  // control: each of them alone is fine
  res = await audit('?page=2');
  assert.equal(res.status, 200);
  assert.equal(res.json.data.page, 2);
});

test('Q02 bad pageSize values: 400 invalid_parameter naming pageSize', async () => {
  for (const v of ['101', '0', '-1', 'abc', '10abc', '%2010', '10%20', '+10', '1e2', '0x10', '10.5', '', '%EF%BC%91']) {
    expectBadParam(await audit(`?pageSize=${v}`), 'pageSize');
  }
  const ok = await audit('?pageSize=100');
  assert.equal(ok.status, 200);
  assert.equal(ok.json.data.pageSize, 100);
});

test('Q03 page 10001 and 2^63: 400 invalid_parameter, no overflow', async () => {
  for (const v of ['10001', '9223372036854775808', '18446744073709551617', '99999999999999999999999']) {
    expectBadParam(await audit(`?page=${v}`), 'page');
  }
  const last = await audit('?page=10000&pageSize=100');
  assert.equal(last.status, 200);
  assert.deepEqual(last.json.data.entries, []);
  assert.equal(last.json.data.page, 10000);
});

test('Q04 action `%`, `_`, `\\` match literally: no entries, not everything', async () => {
  const all = await audit('');
  assert.equal(all.status, 200);
  assert.ok(all.json.data.total > 0, 'the log has entries to match');
  const prefix = await audit('?action=user.');
  assert.ok(prefix.json.data.total > 0, 'a real prefix matches (control)');
  for (const v of ['%25', '_', '%5C', '%25.', '_%25', 'user_password_change', 'user.%25', '%5C%25']) {
    const res = await audit(`?action=${v}`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.data.total, 0, `action=${v} matched ${res.json.data.total}`);
    assert.deepEqual(res.json.data.entries, []);
  }
});

test('Q05 bad times on from: 400 invalid_parameter naming from', async () => {
  for (const v of ['2024-02-30T00:00:00Z', '2024-02-01T00:00:00', '1969-12-31T23:59:59Z', '2024-13-01T00:00:00Z',
    '2024-02-01', 'yesterday', '1706745600000', '2024-02-01T25:00:00Z', '2024-02-01T00:00:00%2B24:00']) {
    expectBadParam(await audit(`?from=${v}`), 'from');
  }
  expectBadParam(await audit('?from=2025-01-02T00:00:00Z&to=2025-01-01T00:00:00Z'), 'from');
  // control: well-formed times, with Z or an offset
  for (const q of ['?from=2024-02-29T00:00:00Z', '?from=2024-02-01T00:00:00%2B01:00&to=2099-01-01T00:00:00.000Z']) {
    const res = await audit(q);
    assert.equal(res.status, 200, res.text);
    assert.ok(res.json.data.total > 0);
  }
});
