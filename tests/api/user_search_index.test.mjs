// user_search_index.test.mjs: the substring index of user search (migration 0018, staff-admin.md
// A12, checklist 76). A12's answers are pinned by admin_communities.test.mjs; this file proves
// that the posting table and its counts stay exactly what the users table implies across every
// write path (create, rename, case-only rename, soft delete, restore, erase, rows written with
// plain SQL, the migration's backfill), and that every answer equals a brute-force LIKE scan
// over the same accounts, for terms of every length that hit, miss, or sit on either side of
// the 3-character boundary where the search switches from the username walk to the postings.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { startServer, api, sql, ownerSession } from './lib/harness.mjs';
import { cliKey } from './lib/helpers.mjs';

const PW = 'fixture-pass-123';
const SEARCH = '/api/admin/communities/user-search';
const MIGRATION = join(dirname(fileURLToPath(import.meta.url)), '../../src/store/sql/sqlite/0018_user_trigrams.sql');

let srv;
let key;
const made = []; // every account this file created: { id, username, robloxUserId }

const call = (method, path, opts = {}) => api(srv, method, path, opts);

function ok(res) {
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.success, true);
  return res.json.data;
}

// A fixed pseudo-random sequence (mulberry32), so a failure reproduces.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(4242);
const pick = (v) => v[Math.floor(rand() * v.length)];

// Pieces that repeat across names (shared trigrams, prefixes of one another, runs like aaaa,
// the literal characters _ . -) so that terms hit many accounts, few, or one.
const PIECES = ['ver', 'Ver', 'river', 'er', 'ma', 'ple', 'an', 'na', 'ana', 'x', 'q', 'z', '_', '.', '-',
  '0', '1', '7', '42', 'Ab', 'CD', 'oo', 'aaaa', 'scout', 'S', 'k9'];
const asciiLower = (s) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
const keys = new Set(['owner']);

function freshName() {
  for (;;) {
    let s = '';
    const n = 1 + Math.floor(rand() * 6);
    for (let i = 0; i < n; i++) s += pick(PIECES);
    s = s.slice(0, 3 + Math.floor(rand() * 30));
    if (s.length < 3 || keys.has(asciiLower(s))) continue;
    keys.add(asciiLower(s));
    return s;
  }
}

async function mkUser(n, username, extra = {}) {
  made[n] = ok(await call('POST', '/api/users', { key, body: { username, password: PW, ...extra } })).user;
}

// --- what the index must hold ---------------------------------------------------------------

// The pieces of a key as 0018 defines them: every 3-character substring; a 2-character key whole.
function pieces(k) {
  if (k.length === 2) return [k];
  const out = [];
  for (let i = 0; i + 3 <= k.length; i++) out.push(k.slice(i, i + 3));
  return out;
}

// user_trigrams and the live counts equal what the users table implies, row for row.
function assertIndexExact(label) {
  const users = sql(srv, 'SELECT id, username_key AS k FROM users WHERE username_key IS NOT NULL');
  const want = new Set();
  const counts = new Map();
  for (const u of users) {
    const mine = new Set(pieces(u.k));
    for (const p of mine) {
      want.add(`${p}|${u.k}|${u.id}`);
      counts.set(p, (counts.get(p) ?? 0) + 1);
    }
  }
  const have = sql(srv, 'SELECT tri, username_key, user_id FROM user_trigrams')
    .map((r) => `${r.tri}|${r.username_key}|${r.user_id}`);
  assert.equal(have.length, new Set(have).size, `${label}: no duplicate postings`);
  assert.deepEqual([...have].sort(), [...want].sort(), `${label}: postings`);
  const haveCounts = sql(srv, 'SELECT tri, n FROM user_trigram_counts WHERE n <> 0').map((r) => `${r.tri}=${r.n}`);
  assert.deepEqual(haveCounts.sort(), [...counts].map(([p, n]) => `${p}=${n}`).sort(), `${label}: counts`);
  assert.deepEqual(sql(srv, 'SELECT tri FROM user_trigram_counts WHERE n < 0'), [], `${label}: no negative count`);
}

// --- the brute-force answer -----------------------------------------------------------------

const lit = (s) => `'${s.replaceAll("'", "''")}'`;
const likeEsc = (s) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

// A12 by a LIKE scan over every account: exact id, exact robloxUserId or exact username first,
// then username prefixes, then other substrings, each by username key, at most 20. SQLite's
// LIKE folds ASCII case only, as A12 does.
function bruteForce(q) {
  const t = q.trim();
  const e = likeEsc(t);
  return sql(srv, `SELECT id FROM users WHERE status = 'active' AND (id = ${lit(t)}
    OR roblox_user_id = ${lit(t)} OR username_key LIKE ${lit(`%${e}%`)} ESCAPE '\\')
    ORDER BY CASE WHEN id = ${lit(t)} OR roblox_user_id = ${lit(t)} OR username_key = ${lit(asciiLower(t))} THEN 0
    WHEN username_key LIKE ${lit(`${e}%`)} ESCAPE '\\' THEN 1 ELSE 2 END, username_key, id LIMIT 20`)
    .map((r) => r.id);
}

async function search(q) {
  return ok(await call('GET', `${SEARCH}?q=${encodeURIComponent(q)}`, { key })).users.map((u) => u.id);
}

// Terms from the live names (every length from 1 to whole names, at the start, the middle and
// the end, in another case), from the pieces, and ones that match nothing.
function terms() {
  const names = sql(srv, "SELECT username, id, roblox_user_id AS r FROM users WHERE username IS NOT NULL ORDER BY id");
  const out = new Set(['a', 'z', 'Q', '_', '.', '-', '%', '\\', '~', 'é', 'zq', 'xq', 'qz', 'aa', 'AAA', 'aaaaa',
    'ver', 'VER', 'ana', 'nan', 'zzz', '%er', 'e_r', 'x7', '1050000', 'owner', 'wne', 'ééé', 'q'.repeat(100)]);
  const r2 = rng(7);
  for (const p of PIECES) out.add(p);
  for (let i = 0; i < 60; i++) {
    const u = names[Math.floor(r2() * names.length)];
    const s = u.username;
    const len = 1 + Math.floor(r2() * Math.min(8, s.length));
    const at = Math.floor(r2() * (s.length - len + 1));
    out.add(s.slice(at, at + len));
    out.add(s.slice(at, at + len).toUpperCase());
    if (i % 6 === 0) out.add(s);
    if (i % 10 === 0) out.add(u.id);
    if (i % 10 === 0 && u.r) out.add(u.r);
    if (i % 10 === 5) out.add(`${s.slice(0, 2)}q`); // a common start, then a miss
  }
  return [...out];
}

async function assertSearchesExact(label) {
  let hits = 0;
  for (const q of terms()) {
    const want = bruteForce(q);
    assert.deepEqual(await search(q), want, `${label}: q=${JSON.stringify(q)}`);
    if (want.length) hits++;
  }
  assert.ok(hits > 40, `${label}: the terms exercise matches (${hits})`);
}

before(async () => {
  srv = await startServer();
  await ownerSession(srv); // replaces the one-time password, which blocks the owner's keys
  key = cliKey(srv, 'owner', 'k', ['staff:write', 'staff:read', 'users:write', 'users:read']);
  // A few hundred accounts, some with a Roblox id; in small parallel batches.
  for (let b = 0; b < 30; b++) {
    const batch = [];
    for (let i = 0; i < 10; i++) {
      const n = b * 10 + i;
      batch.push(mkUser(n, freshName(), n % 4 === 0 ? { robloxUserId: String(700000 + n) } : {}));
    }
    await Promise.all(batch);
  }
});

after(async () => {
  await srv?.stop();
});

test('76, A12: after create, postings and counts equal the users table and answers equal a LIKE scan', async () => {
  assert.ok(made.length >= 300);
  assertIndexExact('create');
  // The searched terms straddle the boundary of the two statements.
  const ts = terms();
  assert.ok(ts.some((t) => t.trim().length === 2) && ts.some((t) => t.trim().length === 3));
  await assertSearchesExact('create');
});

test('76, A12: rename (PATCH /api/users/{id}) moves the postings; a change of case only keeps them', async () => {
  const r2 = rng(11);
  const renamed = [];
  for (let i = 0; i < 40; i++) {
    const u = made[Math.floor(r2() * made.length)];
    if (renamed.includes(u.id)) continue;
    const before = sql(srv, `SELECT username FROM users WHERE id = ${lit(u.id)}`)[0].username;
    const next = i % 4 === 0 ? before.toUpperCase() : freshName();
    ok(await call('PATCH', `/api/users/${u.id}`, { key, body: { username: next } }));
    renamed.push(u.id);
    const k = asciiLower(next);
    const mine = sql(srv, `SELECT tri, username_key FROM user_trigrams WHERE user_id = ${lit(u.id)} ORDER BY tri`);
    assert.deepEqual(mine.map((r) => r.tri), [...new Set(pieces(k))].sort(), `postings of ${next}`);
    assert.ok(mine.every((r) => r.username_key === k));
  }
  // The old name of a renamed account no longer finds it, the new one does.
  const u = made[3];
  const old = sql(srv, `SELECT username FROM users WHERE id = ${lit(u.id)}`)[0].username;
  ok(await call('PATCH', `/api/users/${u.id}`, { key, body: { username: 'Renamed_Zebra_77' } }));
  assert.ok(!(await search(old)).includes(u.id));
  assert.deepEqual(await search('zebra_7'), [u.id]);
  assert.deepEqual(await search('NAMED_ZEB'), [u.id]);
  keys.delete(asciiLower(old));
  assertIndexExact('rename');
  await assertSearchesExact('rename');
});

test('76, A12: soft delete and restore change the answers, not the postings; erase removes them', async () => {
  const postings = () => sql(srv, 'SELECT COUNT(*) AS n FROM user_trigrams')[0].n;
  const victims = made.slice(100, 140);
  const n0 = postings();
  for (const v of victims) ok(await call('DELETE', `/api/users/${v.id}`, { key }));
  assert.equal(postings(), n0, 'soft delete writes no posting');
  assertIndexExact('soft delete');
  await assertSearchesExact('soft delete');
  for (const v of victims) {
    const name = sql(srv, `SELECT username FROM users WHERE id = ${lit(v.id)}`)[0].username;
    assert.ok(!(await search(name)).includes(v.id), `${name} is hidden`);
  }
  // Restore half; erase the other half (confirm = the exact current username).
  for (const v of victims.slice(0, 20)) {
    ok(await call('PATCH', '/api/admin/removed-accounts', { key, body: { userId: v.id } }));
  }
  assert.equal(postings(), n0, 'restore writes no posting');
  const restored = victims[0];
  const rname = sql(srv, `SELECT username FROM users WHERE id = ${lit(restored.id)}`)[0].username;
  assert.equal((await search(rname))[0], restored.id, 'a restored account is found again');
  for (const v of victims.slice(20)) {
    const name = sql(srv, `SELECT username FROM users WHERE id = ${lit(v.id)}`)[0].username;
    ok(await call('DELETE', '/api/admin/removed-accounts', { key, body: { userId: v.id, confirm: name } }));
    assert.deepEqual(sql(srv, `SELECT tri FROM user_trigrams WHERE user_id = ${lit(v.id)}`), [], `erased ${name}`);
  }
  assert.ok(postings() < n0);
  assertIndexExact('erase');
  await assertSearchesExact('erase');
});

test('76, A12: rows written with plain SQL (as bench/staff.sh seeds) are indexed by the triggers', async () => {
  const now = Date.now();
  const rows = [['aaaaaaaaaaaaaaaaaaaaa001', 'Qj', 'qj'], ['aaaaaaaaaaaaaaaaaaaaa002', 'W', 'w'],
    ['aaaaaaaaaaaaaaaaaaaaa003', `Long_${'xy'.repeat(60)}_Tail`, asciiLower(`Long_${'xy'.repeat(60)}_Tail`)],
    ['aaaaaaaaaaaaaaaaaaaaa004', 'plain_sql_river', 'plain_sql_river'], ['aaaaaaaaaaaaaaaaaaaaa005', 'gone_sql', 'gone_sql']];
  const values = rows.map(([id, u, k]) => `(${lit(id)}, ${lit(u)}, ${lit(k)}, 'active', ${now}, ${now})`).join(', ');
  execFileSync('sqlite3', [srv.dbPath, `PRAGMA busy_timeout = 5000;
    INSERT INTO users (id, username, username_key, status, created_at, updated_at) VALUES ${values};
    UPDATE users SET username = 'Plain_SQL_Ocean', username_key = 'plain_sql_ocean' WHERE id = 'aaaaaaaaaaaaaaaaaaaaa004';
    DELETE FROM users WHERE id = 'aaaaaaaaaaaaaaaaaaaaa005';`]);
  assert.deepEqual(sql(srv, "SELECT tri FROM user_trigrams WHERE user_id = 'aaaaaaaaaaaaaaaaaaaaa001'"), [{ tri: 'qj' }],
    'a 2-character key is stored whole');
  assert.deepEqual(sql(srv, "SELECT tri FROM user_trigrams WHERE user_id = 'aaaaaaaaaaaaaaaaaaaaa002'"), []);
  assertIndexExact('plain SQL');
  // No other name holds a j: only the whole-key piece 'qj' tells the 1-character search to walk.
  assert.deepEqual(await search('J'), ['aaaaaaaaaaaaaaaaaaaaa001'], 'position 2 of a 2-character key');
  assert.deepEqual(await search('y'), ['aaaaaaaaaaaaaaaaaaaaa003']);
  assert.deepEqual(await search('xy_ta'), ['aaaaaaaaaaaaaaaaaaaaa003'], 'the end of a 130-character key');
  assert.deepEqual(await search('sql_oce'), ['aaaaaaaaaaaaaaaaaaaaa004']);
  assert.deepEqual(await search('sql_riv'), []);
  assert.deepEqual(await search('gone_sql'), []);
  await assertSearchesExact('plain SQL');
});

test("76, A12: 0018's backfill builds from existing rows what the triggers maintained", () => {
  // The two backfill statements, run on a copy with both tables emptied.
  const text = readFileSync(MIGRATION, 'utf8');
  const fill = text.slice(text.indexOf('INSERT OR IGNORE INTO user_trigrams'), text.indexOf('CREATE TRIGGER'));
  assert.match(fill, /GROUP BY tri;\s*$/);
  const dir = mkdtempSync(join(tmpdir(), 'roster-trigram-'));
  try {
    const copy = join(dir, 'copy.db');
    execFileSync('sqlite3', [srv.dbPath, `.backup ${lit(copy)}`]);
    const dump = (db, q) => execFileSync('sqlite3', [db, q]).toString();
    const tri = 'SELECT tri, username_key, user_id FROM user_trigrams ORDER BY 1, 2, 3';
    const cnt = 'SELECT tri, n FROM user_trigram_counts WHERE n <> 0 ORDER BY 1';
    const wantTri = dump(copy, tri);
    const wantCnt = dump(copy, cnt);
    execFileSync('sqlite3', [copy, `DELETE FROM user_trigrams; DELETE FROM user_trigram_counts; ${fill}`]);
    assert.ok(wantTri.length > 1000);
    assert.equal(dump(copy, tri), wantTri);
    assert.equal(dump(copy, cnt), wantCnt);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
