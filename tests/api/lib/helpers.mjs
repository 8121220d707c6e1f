// helpers.mjs: small helpers shared by auth, keys, audit and ops tests, on top of harness.mjs
// (which they never change): the clock seam as a running offset, raw requests parsed into
// {status, headers, json}, metric values, and counts of stored objects read through the API.
import assert from 'node:assert/strict';
import { api, login, cookieFrom, raw } from './harness.mjs';

// The server's clock only moves forward in a test file; tests add to one running offset.
export function clock(server) {
  let offset = 0;
  return {
    advance(ms) { offset += ms; server.setClockOffset(offset); return offset; },
    get offset() { return offset; },
  };
}

// Signs in and returns the session like harness.login, plus the raw response.
export async function loginRes(server, username, password, headers = {}) {
  const res = await api(server, 'POST', '/api/auth/login', { body: { username, password }, headers });
  return res;
}

export function sessionOf(res) {
  assert.equal(res.status, 200, res.text);
  return { cookie: cookieFrom(res).value, csrf: res.json.data.csrfToken, user: res.json.data.user };
}

// A second account with the Owner role, made by the CLI; returns its one-time password.
export function cliOwner(server, username) {
  const r = server.cli(['admin', 'create-owner', '--username', username]);
  assert.equal(r.status, 0, r.stderr);
  const otp = r.stdout.trim();
  assert.match(otp, /^\S{20}$/);
  return otp;
}

// A key made with `roster key create`; returns the secret.
export function cliKey(server, user, name, scopes = ['staff:read'], extra = []) {
  const args = ['key', 'create', '--user', user, '--name', name];
  for (const s of scopes) args.push('--scope', s);
  const r = server.cli([...args, ...extra]);
  assert.equal(r.status, 0, r.stderr);
  const secret = r.stdout.trim();
  assert.match(secret, /^prapi_[A-Za-z0-9_-]{43}$/);
  return secret;
}

// Signs in with a one-time password and sets a new one; returns the new session.
export async function firstLogin(server, username, otp, newPassword) {
  const s = await login(server, username, otp);
  const res = await api(server, 'POST', '/api/auth/password', {
    session: s, body: { currentPassword: otp, newPassword },
  });
  assert.equal(res.status, 200, res.text);
  return sessionOf(res);
}

// One request over a raw socket (for what fetch will not send, e.g. a GET with a body).
export async function rawRequest(server, method, path, headers = {}, body = '') {
  const lines = [`${method} ${path} HTTP/1.1`, `Host: 127.0.0.1:${server.port}`, 'Connection: close'];
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
  if (body !== '' || method !== 'GET') lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  const { text } = await raw(server, lines.join('\r\n') + '\r\n\r\n' + body);
  const head = text.slice(0, text.indexOf('\r\n\r\n'));
  const rest = text.slice(text.indexOf('\r\n\r\n') + 4);
  const [statusLine, ...hl] = head.split('\r\n');
  const hdrs = new Map();
  for (const l of hl) {
    const i = l.indexOf(':');
    hdrs.set(l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim());
  }
  let json = null;
  try { json = JSON.parse(rest); } catch { /* not JSON */ }
  return { status: Number(statusLine.split(' ')[1]), headers: { get: (n) => hdrs.get(n.toLowerCase()) ?? null }, text: rest, json };
}

// The value of one Prometheus sample; 0 when the series is absent.
export function metricValue(text, name, labels = {}) {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[^"}]|"(?:[^"\\]|\\.)*")*)\})? (\S+)$/);
    if (!m || m[1] !== name) continue;
    const got = {};
    for (const p of (m[2] || '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) got[p[1]] = p[2];
    if (Object.entries(labels).every(([k, v]) => got[k] === v)) return Number(m[3]);
  }
  return 0;
}

export async function metrics(server) {
  const res = await api(server, 'GET', '/metrics');
  assert.equal(res.status, 200);
  return res.text;
}

// Total of GET /api/keys (own keys) for a session, optionally by status.
export async function keyTotal(server, session, status) {
  const res = await api(server, 'GET', '/api/keys' + (status ? `?status=${status}` : ''), { session });
  assert.equal(res.status, 200, res.text);
  return res.json.data.total;
}

// Audit entries matching a query string (without '?'), read with a session.
export async function auditQuery(server, session, query = '') {
  const res = await api(server, 'GET', '/api/audit' + (query ? '?' + query : ''), { session });
  assert.equal(res.status, 200, res.text);
  return res.json.data;
}

// The error body without its per-request id, for comparing two refusals.
export function withoutRequestId(json) {
  const copy = structuredClone(json);
  if (copy?.error) delete copy.error.requestId;
  return copy;
}

// Asserts the Set-Cookie of a response clears roster_session.
export function assertCookieCleared(res) {
  const c = cookieFrom(res);
  assert.ok(c, 'a Set-Cookie for roster_session');
  assert.equal(c.value, '');
  assert.match(c.raw, /;\s*Max-Age=0(;|$)/);
}
