// storage.test.mjs: storage failure answers 503 + Retry-After and loses nothing
// (SECURITY.md §6, §10 "database locked" (a)); reads go on while writes wait.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { startServer, api, ownerSession, createKey, expectError, sql } from './lib/harness.mjs';

let srv, owner, key;
before(async () => {
  srv = await startServer();
  owner = await ownerSession(srv);
  key = (await createKey(srv, owner, { name: 'reader', scopes: ['audit:read'] })).secret;
});
after(async () => { await srv.stop(); });

// Holds the SQLite write lock from another process until release() is called.
function holdWriteLock(dbPath) {
  const p = spawn('sqlite3', [dbPath], { stdio: ['pipe', 'pipe', 'pipe'] });
  // .timeout prints nothing, so the marker is the first output and appears only once the
  // exclusive lock is held (a failed BEGIN would stop at .bail).
  p.stdin.write(".bail on\n.timeout 5000\nBEGIN EXCLUSIVE;\nSELECT 'locked';\n");
  let out = '';
  const ready = new Promise((resolve, reject) => {
    p.stdout.on('data', (c) => { out += c; if (out.includes('locked')) resolve(); });
    p.on('exit', (code) => reject(new Error(`sqlite3 exited ${code} before locking`)));
  });
  return {
    ready,
    release() {
      p.stdin.end('COMMIT;\n');
      return new Promise((resolve) => p.on('exit', resolve));
    },
  };
}

test('a write blocked by another process gets 503 with Retry-After; reads go on', async () => {
  const before = sql(srv, 'SELECT COUNT(*) AS n FROM api_keys')[0].n;
  const lock = holdWriteLock(srv.dbPath);
  await lock.ready;
  try {
    const t0 = Date.now();
    const res = await api(srv, 'POST', '/api/keys', { session: owner, body: { name: 'blocked', scopes: ['staff:read'] } });
    const waited = Date.now() - t0;
    expectError(res, 503, 'storage_unavailable');
    assert.ok(Number(res.headers.get('retry-after')) >= 1, 'Retry-After present');
    assert.ok(waited >= 1500 && waited < 15000, `waited ${waited} ms for the busy timeout`);
    assert.doesNotMatch(res.text, /sqlite|database is locked/i, 'no library text leaks');
    const read = await api(srv, 'GET', '/api/audit?pageSize=1', { key });
    assert.equal(read.status, 200, 'reads still answer while a writer holds the lock');
  } finally {
    await lock.release();
  }
  assert.equal(sql(srv, 'SELECT COUNT(*) AS n FROM api_keys')[0].n, before, 'nothing written');
  const again = await api(srv, 'POST', '/api/keys', { session: owner, body: { name: 'after', scopes: ['staff:read'] } });
  assert.equal(again.status, 200, 'the next write succeeds without a restart');
  assert.equal(sql(srv, 'SELECT COUNT(*) AS n FROM api_keys')[0].n, before + 1);
});

test('staff-admin.md #105: storage unavailable during A2 is 503 with Retry-After and no role', async () => {
  const lock = holdWriteLock(srv.dbPath);
  await lock.ready;
  let res;
  try {
    res = await api(srv, 'POST', '/api/admin/roles', { session: owner, body: { name: 'Blocked', level: 10 } });
  } finally {
    await lock.release();
  }
  expectError(res, 503, 'storage_unavailable');
  assert.ok(Number(res.headers.get('retry-after')) >= 1);
  assert.equal(sql(srv, "SELECT COUNT(*) AS n FROM roles WHERE name = 'Blocked'")[0].n, 0, 'no role created');
  const again = await api(srv, 'POST', '/api/admin/roles', { session: owner, body: { name: 'Blocked', level: 10 } });
  assert.equal(again.status, 200, again.text);
});

test('readyz reports ready once the lock is gone', async () => {
  const res = await api(srv, 'GET', '/readyz');
  assert.equal(res.status, 200);
  assert.deepEqual(res.json, { status: 'ready' });
});
