// harness.mjs: starts a real `roster serve` on a random loopback port with a fresh SQLite
// database per test file, and gives tests small helpers for HTTP, sessions and raw sockets.
// The binary comes from ROSTER_BIN (the Makefile sets it to the normal or sanitizer build).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import assert from 'node:assert/strict';

const BIN = process.env.ROSTER_BIN || new URL('../../../build/roster', import.meta.url).pathname;

export const OWNER_PASSWORD = 'owner-password-42';

export async function startServer({ args = [], env = {} } = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'roster-test-'));
  const clockFile = join(dataDir, 'clock');
  writeFileSync(clockFile, '0');
  const fullEnv = { ...process.env, ROSTER_TEST_CLOCK_FILE: clockFile, ...env };
  const common = ['--data-dir', dataDir];
  execFileSync(BIN, ['migrate', ...common], { env: fullEnv, stdio: ['ignore', 'ignore', 'pipe'] });
  const ownerOtp = execFileSync(BIN, ['admin', 'create-owner', '--username', 'owner', ...common],
    { env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim();
  const proc = spawn(BIN, ['serve', ...common, '--listen', '127.0.0.1:0', '--threads', '2', ...args],
    { env: fullEnv, stdio: ['ignore', 'ignore', 'pipe'] });
  const logs = [];
  let buffer = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start:\n' + logs.join('\n'))), 15000);
    proc.stderr.on('data', (chunk) => {
      buffer += chunk.toString();
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        logs.push(line);
        try {
          const ev = JSON.parse(line);
          if (ev.event === 'server.listening') { clearTimeout(timer); resolve(ev.port); }
        } catch { /* sanitizer output is not JSON */ }
      }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}:\n${logs.join('\n')}`)); });
  });
  const base = `http://127.0.0.1:${port}`;
  const server = {
    base, port, proc, dataDir, logs, bin: BIN, env: fullEnv, ownerOtp,
    // Moves the server's clock seam: offset in milliseconds from real time.
    setClockOffset(ms) { writeFileSync(clockFile, String(Math.trunc(ms))); },
    async stop() {
      proc.removeAllListeners('exit');
      const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
      proc.kill('SIGTERM');
      const { code, signal } = await exited;
      rmSync(dataDir, { recursive: true, force: true });
      assert.equal(signal, null, 'server died by signal ' + signal);
      assert.equal(code, 0, 'server exit code (sanitizer reports make it non-zero):\n' +
        logs.filter((l) => !l.startsWith('{')).join('\n'));
    },
    // Runs a CLI command against this server's database; returns { status, stdout, stderr }.
    cli(cmdArgs) {
      try {
        const out = execFileSync(BIN, [...cmdArgs, ...common], { env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
        return { status: 0, stdout: out.toString(), stderr: '' };
      } catch (e) {
        return { status: e.status, stdout: e.stdout?.toString() ?? '', stderr: e.stderr?.toString() ?? '' };
      }
    },
    dbPath: join(dataDir, 'roster.db'),
    readLogs() { return logs.join('\n'); },
  };
  return server;
}

// One HTTP request. opts: body (object or string), headers, session ({cookie, csrf}), key.
export async function api(server, method, path, opts = {}) {
  const headers = { ...(opts.headers || {}) };
  let body = opts.body;
  if (body !== undefined && typeof body !== 'string') {
    body = JSON.stringify(body);
    if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
  }
  if (opts.session) {
    headers.Cookie = `roster_session=${opts.session.cookie}`;
    if (opts.csrf !== false && method !== 'GET') headers['x-csrf-token'] = opts.session.csrf;
  }
  if (opts.key) headers['x-api-key'] = opts.key;
  const res = await fetch(server.base + path, { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, text, json };
}

export function cookieFrom(res, name = 'roster_session') {
  const all = res.headers.getSetCookie ? res.headers.getSetCookie() : [res.headers.get('set-cookie')];
  for (const c of all) {
    if (!c) continue;
    const m = c.match(new RegExp(`^${name}=([^;]*)`));
    if (m) return { value: m[1], raw: c };
  }
  return null;
}

export async function login(server, username, password) {
  const res = await api(server, 'POST', '/api/auth/login', { body: { username, password } });
  assert.equal(res.status, 200, `login ${username}: ${res.text}`);
  return { cookie: cookieFrom(res).value, csrf: res.json.data.csrfToken, user: res.json.data.user };
}

// Signs in as the owner and replaces the one-time password (required before anything else).
export async function ownerSession(server) {
  let s = await login(server, 'owner', server.ownerOtp);
  const res = await api(server, 'POST', '/api/auth/password', {
    session: s, body: { currentPassword: server.ownerOtp, newPassword: OWNER_PASSWORD },
  });
  assert.equal(res.status, 200, res.text);
  return { cookie: cookieFrom(res).value, csrf: res.json.data.csrfToken, user: res.json.data.user };
}

export async function createKey(server, session, body) {
  const res = await api(server, 'POST', '/api/keys', { session, body });
  assert.equal(res.status, 200, res.text);
  return res.json.data;
}

// Sends raw bytes and collects everything the server answers until it closes or goes quiet.
export function raw(server, data, { quietMs = 1500 } = {}) {
  return new Promise((resolve) => {
    const sock = net.connect(server.port, '127.0.0.1');
    const chunks = [];
    let timer;
    const done = (closed) => { clearTimeout(timer); sock.destroy(); resolve({ text: Buffer.concat(chunks).toString('latin1'), closed }); };
    const arm = () => { clearTimeout(timer); timer = setTimeout(() => done(false), quietMs); };
    sock.on('data', (c) => { chunks.push(c); arm(); });
    sock.on('end', () => done(true));
    sock.on('error', () => done(true));
    sock.on('connect', () => { sock.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data); arm(); });
  });
}

export function expectError(res, status, code) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.json?.success, false, res.text);
  assert.equal(res.json?.data, null);
  assert.equal(res.json?.error?.code, code, res.text);
  assert.equal(res.json.error.requestId, res.headers.get('x-request-id'));
}

// Reads rows from the test database with the sqlite3 CLI (a real file, read-only).
export function sql(server, query) {
  const out = execFileSync('sqlite3', ['-json', server.dbPath, query]).toString().trim();
  return out ? JSON.parse(out) : [];
}

// Splits what raw() collected into HTTP responses, framed by Content-Length (or chunked, or
// close-delimited). Returns { responses: [{ status, reason, headers (Map, lower-case names,
// first value), headerList ([name, value] in order), body, complete }], rest }: `rest` holds
// whatever could not be read as a further response (garbage, a truncated or repeated head).
export function parseResponses(text) {
  const responses = [];
  let i = 0;
  while (i < text.length) {
    const m = /^HTTP\/1\.[01] (\d{3})(?: ([^\r\n]*))?\r\n/.exec(text.slice(i, i + 256));
    const headEnd = text.indexOf('\r\n\r\n', i);
    if (!m || headEnd < 0) break;
    const headerList = [];
    const headers = new Map();
    for (const line of text.slice(i + m[0].length, headEnd).split('\r\n')) {
      if (line === '') continue;
      const colon = line.indexOf(':');
      const name = (colon < 0 ? line : line.slice(0, colon)).trim().toLowerCase();
      const value = colon < 0 ? '' : line.slice(colon + 1).trim();
      headerList.push([name, value]);
      if (!headers.has(name)) headers.set(name, value);
    }
    const status = Number(m[1]);
    let j = headEnd + 4;
    let body = '';
    let complete = true;
    if ((status >= 100 && status < 200) || status === 204 || status === 304) {
      body = '';
    } else if ((headers.get('transfer-encoding') || '').toLowerCase() === 'chunked') {
      for (;;) {
        const eol = text.indexOf('\r\n', j);
        if (eol < 0) { complete = false; j = text.length; break; }
        const size = parseInt(text.slice(j, eol), 16);
        if (!Number.isFinite(size)) { complete = false; break; }
        j = eol + 2;
        if (size === 0) { const end = text.indexOf('\r\n', j); j = end < 0 ? text.length : end + 2; break; }
        body += text.slice(j, j + size);
        j += size + 2;
      }
    } else if (headers.has('content-length')) {
      const n = Number(headers.get('content-length'));
      body = text.slice(j, j + n);
      complete = body.length === n;
      j += body.length;
    } else {
      body = text.slice(j);
      j = text.length;
    }
    responses.push({ status, reason: m[2] ?? '', headers, headerList, body, complete });
    i = j;
  }
  return { responses, rest: text.slice(i) };
}
