// bans.test.mjs: game bans on both surfaces: ReAdmin #19 GET /games/bans, #20 POST /games/bans
// and #21 DELETE /games/bans/{banId} (readmin-compat.md §3.5, §4.10; §6 checklist items 73-80
// and conventions 3, 4, 11, 14, 15 on these routes) and the management routes of platform.md
// §6.7 (…/bans). Workspaces A and B each have a loader key. Kicks (76) are checked on the
// queued_actions rows: running servers and their players are seeded through the database
// (the tracker's routes are another helper's), see docs/bans-orders.md.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { startServer, api, ownerSession, sql, expectError } from './lib/harness.mjs';
import { cliKey, clock } from './lib/helpers.mjs';

let srv, ownerKey, readKey, clk, A, B;
const L = {};
const call = (m, p, o = {}) => api(srv, m, p, o);
function ok(res, status = 200) {
  assert.equal(res.status, status, res.text);
  return res.json.success === true && res.json.data ? res.json.data : res.json;
}
function reason(res, status, text) {
  assert.equal(res.status, status, res.text);
  assert.deepEqual(res.json, { success: false, reason: text });
}
const JSONH = { 'Content-Type': 'application/json' };
const post = (key, body) => call('POST', '/games/bans', { headers: { 'loader-id': key, ...JSONH }, body });
const list = (key, q = '') => call('GET', `/games/bans${q}`, { headers: { 'loader-id': key } });
const lift = (key, id) => call('DELETE', `/games/bans/${id}`, { headers: { 'loader-id': key, ...JSONH } });
const mgmt = (ws, method, rest = '', opts = {}) => call(method, `/api/workspaces/${ws.id}/bans${rest}`, { key: ownerKey, ...opts });
const row = (id) => sql(srv, `SELECT * FROM game_bans WHERE id = '${id}'`)[0];
const count = (ws) => sql(srv, `SELECT COUNT(*) AS n FROM game_bans WHERE workspace_id = '${ws.id}'`)[0].n;
const kicks = (user) => sql(srv, `SELECT * FROM queued_actions WHERE type = 'kick' AND roblox_user_id = '${user}' ORDER BY created_at, ord`);
const hex = (n) => randomBytes(n).toString('hex');
// Writes to the test database wait for the server's write lock (the jobs run every 50 ms here).
const sqlw = (q) => execFileSync('sqlite3', ['-cmd', '.timeout 10000', srv.dbPath, q]);
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
let nextUser = 5000;
const now = () => Date.now() + clk.offset;
const user = () => String(nextUser++);

// A live running server of ws with the given players online (the tracker's tables).
function seedServer(ws, players, ended = false) {
  const id = hex(12);
  const now = Date.now() + clk.offset;
  sqlw(`INSERT INTO running_servers (id, workspace_id, internal_id, universe_id, place_id, job_id,`
    + ` started_at, last_ping_at, ended_at) VALUES ('${id}', '${ws.id}', 'RA-GAMES-${hex(10)}', '1', '2',`
    + ` '${hex(8)}', ${now}, ${now}, ${ended ? now : 'NULL'})`);
  for (const p of players)
    sqlw(`INSERT INTO running_players (id, workspace_id, server_id, roblox_user_id, user_key, joined_at)`
      + ` VALUES ('${hex(12)}', '${ws.id}', '${id}', '${p}', '${p}', ${now})`);
  return id;
}

before(async () => {
  srv = await startServer({ env: { ROSTER_TEST_JOBS_INTERVAL_MS: '50' } });
  clk = clock(srv);
  await ownerSession(srv);
  ownerKey = cliKey(srv, 'owner', 'all', ['workspaces:write']);
  readKey = cliKey(srv, 'owner', 'ro', ['workspaces:read']);
  const mk = async (name, group) => {
    const ws = ok(await call('POST', '/api/workspaces', { key: ownerKey, body: { name, robloxGroupId: group } })).workspace;
    L[name] = ok(await call('POST', `/api/workspaces/${ws.id}/loader-keys`, { key: ownerKey, body: { name: 'game' } })).secret;
    return ws;
  };
  A = await mk('A', '777');
  B = await mk('B', '888');
});
after(async () => { await srv?.stop(); });

test('73: create answers 201 with the Ban of §2; permanent when no expiry; audited with key and actor', async () => {
  const u = user();
  const res = await post(L.A, { userId: Number(u), reason: 'Exploiting', bannedByUserId: '42' });
  const body = ok(res, 201);
  assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.deepEqual(Object.keys(body).sort(), ['ban', 'queuedKicks', 'success']);
  assert.equal(body.success, true);
  assert.equal(body.queuedKicks, 0);
  const b = body.ban;
  assert.deepEqual(Object.keys(b).sort(), ['_id', 'active', 'created', 'disciplinarianId', 'evidence', 'expires', 'groupId', 'reason', 'userId']);
  assert.match(b._id, /^[0-9a-f]{24}$/);
  assert.equal(b.groupId, '777');
  assert.equal(b.userId, u); // a string, normalised from the number
  assert.equal(b.reason, 'Exploiting');
  assert.equal(b.disciplinarianId, '42');
  assert.equal(b.active, true);
  assert.equal(b.expires, null);
  assert.match(b.created, ISO);
  assert.deepEqual(b.evidence, []);
  const r = row(b._id);
  assert.equal(r.workspace_id, A.id);
  assert.equal(r.active, 1);
  assert.equal(r.expires_at, null);
  assert.equal(r.banned_by, '42');
  assert.match(r.created_by, /^loaderKey:/);
  const audit = sql(srv, `SELECT action, game_key_id, actor_roblox_user_id, workspace_id FROM audit_log WHERE target_id = '${b._id}'`);
  assert.deepEqual(audit.map((a) => a.action), ['workspace.ban.create']);
  assert.ok(audit[0].game_key_id);
  assert.equal(audit[0].actor_roblox_user_id, '42');
  assert.equal(audit[0].workspace_id, A.id);
  // With an expiry: expires = created + days (fractions allowed); null is permanent.
  const t = ok(await post(L.A, { userId: user(), reason: 'Temp', bannedByUserId: 42, expiresInDays: 1.5 }), 201).ban;
  assert.equal(Date.parse(t.expires) - Date.parse(t.created), 1.5 * 86400000);
  assert.equal(t.disciplinarianId, '42');
  const n = ok(await post(L.A, { userId: user(), reason: 'Null expiry', bannedByUserId: '42', expiresInDays: null }), 201).ban;
  assert.equal(n.expires, null);
  const max = ok(await post(L.A, { userId: user(), reason: 'Max', bannedByUserId: '42', expiresInDays: 36500 }), 201).ban;
  assert.equal(Date.parse(max.expires) - Date.parse(max.created), 36500 * 86400000);
});

test('74: each missing field, then each invalid value, is 400; nothing stored', async () => {
  const n = count(A);
  const full = () => ({ userId: '6001', reason: 'x', bannedByUserId: '42' });
  for (const f of ['userId', 'reason', 'bannedByUserId']) {
    const body = full();
    delete body[f];
    reason(await post(L.A, body), 400, `Missing ${f}`);
    reason(await post(L.A, { ...full(), [f]: null }), 400, `Missing ${f}`);
  }
  reason(await post(L.A, {}), 400, 'Missing userId');
  for (const d of [0, -1, 36500.5, '5', true, {}])
    reason(await post(L.A, { ...full(), expiresInDays: d }), 400, 'Invalid expiresInDays');
  for (const v of ['abc', 0, -5, '0123', 2 ** 53, 1.5, true])
    reason(await post(L.A, { ...full(), userId: v }), 400, 'Invalid userId');
  reason(await post(L.A, { ...full(), bannedByUserId: 'x' }), 400, 'Invalid bannedByUserId');
  reason(await post(L.A, { ...full(), reason: '' }), 400, 'Invalid reason');
  reason(await post(L.A, { ...full(), reason: 'x'.repeat(1001) }), 400, 'Invalid reason');
  reason(await post(L.A, { ...full(), reason: 'bell\u0007' }), 400, 'Invalid reason');
  reason(await post(L.A, { ...full(), reason: 12 }), 400, 'Invalid reason');
  assert.equal(count(A), n);
  // 1000 code points (multi-byte) is the limit, and unknown fields are ignored.
  ok(await post(L.A, { ...full(), userId: user(), reason: 'é'.repeat(1000), extra: [1, 2] }), 201);
});

test('75: a second active ban is 409 with the existing ban; an identical retry within 60 s is 201 with the same _id', async () => {
  const u = user();
  const body = { userId: u, reason: 'First', bannedByUserId: '42', expiresInDays: 3 };
  const first = ok(await post(L.A, body), 201).ban;
  const retry = await post(L.A, body);
  const again = ok(retry, 201);
  assert.equal(again.ban._id, first._id);
  assert.equal(again.queuedKicks, 0);
  assert.equal(count(A), sql(srv, `SELECT COUNT(*) AS n FROM game_bans WHERE workspace_id = '${A.id}'`)[0].n);
  assert.equal(sql(srv, `SELECT COUNT(*) AS n FROM game_bans WHERE roblox_user_id = '${u}'`)[0].n, 1);
  const dup = await post(L.A, { userId: Number(u), reason: 'Second', bannedByUserId: '43' });
  assert.equal(dup.status, 409, dup.text);
  assert.equal(dup.headers.get('content-type'), 'application/json; charset=utf-8');
  assert.match(dup.headers.get('cache-control'), /no-store/);
  assert.deepEqual(Object.keys(dup.json).sort(), ['ban', 'reason', 'success']);
  assert.equal(dup.json.success, false);
  assert.equal(dup.json.reason, 'User is already banned.');
  assert.equal(dup.json.ban._id, first._id);
  assert.equal(dup.json.ban.reason, 'First');
  // After 60 s the same body is a new request: the user is still banned.
  clk.advance(61000);
  const late = await post(L.A, body);
  assert.equal(late.status, 409, late.text);
  assert.equal(late.json.ban._id, first._id);
  assert.equal(sql(srv, `SELECT COUNT(*) AS n FROM game_bans WHERE roblox_user_id = '${u}'`)[0].n, 1);
  // The same user in B is a separate ban.
  const inB = ok(await post(L.B, body), 201).ban;
  assert.notEqual(inB._id, first._id);
  assert.equal(inB.groupId, '888');
});

test('76: banning an online player queues one kick per live server where they are online', async () => {
  const u = user(), other = user();
  const s1 = seedServer(A, [u, other]);
  const s2 = seedServer(A, [u]);
  seedServer(A, [u], true); // ended: no kick
  seedServer(B, [u]); // another workspace: no kick
  seedServer(A, [other]);
  const res = ok(await post(L.A, { userId: u, reason: 'Cheating', bannedByUserId: '42' }), 201);
  assert.equal(res.queuedKicks, 2);
  const k = kicks(u);
  assert.equal(k.length, 2);
  assert.deepEqual(k.map((a) => a.server_id).sort(), [s1, s2].sort());
  for (const a of k) {
    assert.equal(a.workspace_id, A.id);
    assert.equal(a.status, 'pending');
    assert.equal(a.message, 'Cheating');
    assert.match(a.created_by, /^loaderKey:/);
  }
  assert.equal(kicks(other).length, 0);
  // The replay queues nothing more.
  assert.equal(ok(await post(L.A, { userId: u, reason: 'Cheating', bannedByUserId: '42' }), 201).queuedKicks, 0);
  assert.equal(kicks(u).length, 2);
  // A reason over 200 code points kicks with the fixed text; exactly 200 is kept.
  const long = user(), edge = user();
  seedServer(A, [long, edge]);
  assert.equal(ok(await post(L.A, { userId: long, reason: 'ü'.repeat(201), bannedByUserId: '42' }), 201).queuedKicks, 1);
  assert.equal(kicks(long)[0].message, 'You are banned from this game.');
  ok(await post(L.A, { userId: edge, reason: 'ü'.repeat(200), bannedByUserId: '42' }), 201);
  assert.equal(kicks(edge)[0].message, 'ü'.repeat(200));
  // A 409 queues nothing.
  const before409 = kicks(u).length;
  assert.equal((await post(L.A, { userId: u, reason: 'Again', bannedByUserId: '42' })).status, 409);
  assert.equal(kicks(u).length, before409);
});

test('77: the list holds active and lifted bans oldest first; active and userId filters; B never sees A', async () => {
  const u = user();
  const b1 = ok(await post(L.A, { userId: u, reason: 'one', bannedByUserId: '42' }), 201).ban;
  clk.advance(1000);
  ok(await lift(L.A, b1._id));
  clk.advance(1000);
  const b2 = ok(await post(L.A, { userId: u, reason: 'two', bannedByUserId: '42' }), 201).ban;
  const all = ok(await list(L.A)).bans;
  assert.deepEqual(Object.keys(ok(await list(L.A))).sort(), ['bans', 'success']);
  for (let i = 1; i < all.length; i++) assert.ok(all[i - 1].created <= all[i].created);
  const ids = all.map((b) => b._id);
  assert.ok(ids.indexOf(b1._id) >= 0 && ids.indexOf(b1._id) < ids.indexOf(b2._id));
  assert.equal(all.length, count(A));
  const mine = ok(await list(L.A, `?userId=${u}`)).bans;
  assert.deepEqual(mine.map((b) => [b._id, b.active]), [[b1._id, false], [b2._id, true]]);
  assert.deepEqual(ok(await list(L.A, `?userId=${u}&active=false`)).bans.map((b) => b._id), [b1._id]);
  assert.deepEqual(ok(await list(L.A, `?userId=${u}&active=true`)).bans.map((b) => b._id), [b2._id]);
  assert.ok(ok(await list(L.A, '?active=false')).bans.every((b) => b.active === false));
  assert.ok(ok(await list(L.A, '?active=true')).bans.every((b) => b.active === true));
  reason(await list(L.A, '?userId=abc'), 400, 'Invalid userId');
  reason(await list(L.A, '?active=yes'), 400, 'Invalid active');
  // B's list never shows A's bans, and A's never shows B's.
  const inB = ok(await list(L.B)).bans;
  assert.ok(inB.length >= 1);
  assert.ok(inB.every((b) => b.groupId === '888'));
  assert.ok(!inB.some((b) => ids.includes(b._id)));
  assert.deepEqual(ok(await list(L.B, `?userId=${u}`)).bans, []);
  assert.ok(all.every((b) => b.groupId === '777'));
});

test('78: lift by ban id answers the post-update ban; by user id the same ban; again is 200 unchanged', async () => {
  const u = user();
  const b = ok(await post(L.A, { userId: u, reason: 'lift me', bannedByUserId: '42' }), 201).ban;
  const res = ok(await lift(L.A, b._id));
  assert.deepEqual(Object.keys(res).sort(), ['ban', 'success']);
  assert.equal(res.ban._id, b._id);
  assert.equal(res.ban.active, false);
  assert.equal(res.ban.reason, 'lift me');
  const r = row(b._id);
  assert.equal(r.active, 0);
  assert.ok(r.lifted_at > 0);
  assert.match(r.lifted_by, /^loaderKey:/);
  const again = ok(await lift(L.A, b._id));
  assert.equal(again.ban.active, false);
  assert.equal(row(b._id).lifted_at, r.lifted_at);
  // By user id: the active ban, else the latest.
  const v = user();
  const old = ok(await post(L.A, { userId: v, reason: 'old', bannedByUserId: '42' }), 201).ban;
  ok(await lift(L.A, old._id));
  clk.advance(1000);
  const cur = ok(await post(L.A, { userId: v, reason: 'current', bannedByUserId: '42' }), 201).ban;
  const byUser = ok(await lift(L.A, v));
  assert.equal(byUser.ban._id, cur._id);
  assert.equal(byUser.ban.active, false);
  assert.equal(ok(await lift(L.A, v)).ban._id, cur._id); // now the latest, unchanged
  const audit = sql(srv, `SELECT action FROM audit_log WHERE target_id = '${cur._id}' ORDER BY at`);
  assert.deepEqual(audit.map((a) => a.action), ['workspace.ban.create', 'workspace.ban.lift']);
  // A lifted user can be banned again.
  ok(await post(L.A, { userId: v, reason: 'third', bannedByUserId: '42' }), 201);
});

test('79: unknown id is 404, malformed 400, B\'s ban through A is 404 and stays active', async () => {
  const text = 'Invalid banId or userId';
  reason(await lift(L.A, hex(12)), 404, text);
  reason(await lift(L.A, '987654321'), 404, text);
  for (const bad of ['abc', '0', '0123', hex(12).toUpperCase(), hex(13), '12345678901234567890'])
    reason(await lift(L.A, bad), 400, text);
  const u = user();
  const inB = ok(await post(L.B, { userId: u, reason: 'B only', bannedByUserId: '42' }), 201).ban;
  reason(await lift(L.A, inB._id), 404, text);
  reason(await lift(L.A, u), 404, text);
  assert.equal(row(inB._id).active, 1);
  assert.equal(row(inB._id).lifted_at, null);
});

test('80: an expired ban stops counting before the job runs; the job switches it off; a lifted ban stays lifted', async () => {
  // Expired but not yet swept: the row still says active = 1.
  const u = user();
  const b = ok(await post(L.A, { userId: u, reason: 'short', bannedByUserId: '42', expiresInDays: 1 }), 201).ban;
  const now = Date.now() + clk.offset;
  sqlw(`UPDATE game_bans SET expires_at = ${now - 1000} WHERE id = '${b._id}' AND active = 1`);
  // A row the job has not reached yet reads as inactive and does not block a new ban.
  const listed = ok(await list(L.A, `?userId=${u}`)).bans;
  assert.equal(listed[0].active, false);
  assert.deepEqual(ok(await list(L.A, `?userId=${u}&active=true`)).bans, []);
  const fresh = ok(await post(L.A, { userId: u, reason: 'new', bannedByUserId: '42' }), 201).ban;
  assert.notEqual(fresh._id, b._id);
  assert.equal(row(b._id).active, 0); // switched off so that one ban per user is active
  assert.equal(row(b._id).lifted_at, null);
  // The job: a ban expiring in 1 day is off once the clock passes it.
  const v = user(), w = user();
  const exp = ok(await post(L.A, { userId: v, reason: 'day', bannedByUserId: '42', expiresInDays: 1 }), 201).ban;
  const lifted = ok(await post(L.A, { userId: w, reason: 'lifted', bannedByUserId: '42', expiresInDays: 2 }), 201).ban;
  ok(await lift(L.A, lifted._id));
  clk.advance(3 * 86400000);
  for (let i = 0; i < 100 && row(exp._id).active === 1; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(row(exp._id).active, 0);
  assert.equal(row(exp._id).lifted_at, null);
  // Never re-activated: the lifted one keeps its lift, the expired one stays off.
  clk.advance(120000);
  await new Promise((r) => setTimeout(r, 300));
  const l = row(lifted._id);
  assert.equal(l.active, 0);
  assert.ok(l.lifted_at > 0);
  assert.equal(row(exp._id).active, 0);
  assert.equal(ok(await lift(L.A, lifted._id)).ban.active, false);
  // Lifting an expired ban is 200 unchanged (nothing to lift).
  const e = ok(await lift(L.A, exp._id)).ban;
  assert.equal(e.active, false);
  assert.equal(row(exp._id).lifted_at, null);
});

// --- with the activity tracker's routes (readmin-compat.md §3.7 #34, #36) ----------------------

const tracker = (key, method, path, body) => call(method, path, { headers: { 'loader-id': key, ...JSONH }, body });
async function liveServer(key) {
  const res = await tracker(key, 'POST', '/activity/createServer', { gameId: 555, placeId: '666', jobId: hex(8) });
  assert.equal(res.status, 200, res.text);
  return res.json.runningGameId;
}
const join = (key, gameId, playerId) => tracker(key, 'POST', '/activity/playerJoin', { gameId, playerId });
const sendData = (key, gameId) => tracker(key, 'POST', '/activity/sendData', { gameId, events: [] });

test('76 end to end: a player who joined is kicked by the next sendData, exactly once; other servers get nothing', async () => {
  const u = user();
  const g = await liveServer(L.A), g2 = await liveServer(L.A);
  const j = await join(L.A, g, u);
  assert.equal(j.status, 200, j.text);
  assert.equal(j.json.banned, false);
  const res = ok(await post(L.A, { userId: u, reason: 'Kicked for cheating', bannedByUserId: '42' }), 201);
  assert.equal(res.queuedKicks, 1);
  const sd = await sendData(L.A, g);
  assert.equal(sd.status, 200, sd.text);
  const acts = sd.json.queuedActions;
  assert.equal(acts.length, 1);
  assert.equal(acts[0].type, 'kick');
  assert.equal(acts[0].userId, Number(u));
  assert.equal(acts[0].message, 'Kicked for cheating');
  assert.equal(acts[0].runningGameId, g);
  assert.deepEqual((await sendData(L.A, g)).json.queuedActions, []);
  assert.deepEqual((await sendData(L.A, g2)).json.queuedActions, []);
  // Joining again while banned is refused with the ban's reason.
  const again = await join(L.A, g2, u);
  assert.equal(again.status, 200, again.text);
  assert.equal(again.json.banned, true);
  assert.equal(again.json.reason, 'Kicked for cheating');
  assert.equal(again.json.expiration, 'never');
});

test('80 end to end: playerJoin admits an expired ban before the job runs, a lifted ban, and B\'s ban; refuses an active one', async () => {
  const g = await liveServer(L.A);
  // Let the expiry job run once at this clock and take its 60-second lease: it cannot run again
  // until the clock moves, so the row below stays active = 1 while the join happens.
  clk.advance(120000);
  await new Promise((r) => setTimeout(r, 400));
  const u = user();
  const b = ok(await post(L.A, { userId: u, reason: 'timed', bannedByUserId: '42', expiresInDays: 1 }), 201).ban;
  const refused = (await join(L.A, g, u)).json;
  assert.equal(refused.banned, true);
  assert.equal(refused.expiration, b.expires);
  sqlw(`UPDATE game_bans SET expires_at = ${now() - 1000} WHERE id = '${b._id}'`);
  const admitted = await join(L.A, g, u);
  assert.equal(admitted.status, 200, admitted.text);
  assert.equal(admitted.json.banned, false);
  assert.equal(row(b._id).active, 1); // the job has not switched it off: ban_active decided
  clk.advance(61000);
  for (let i = 0; i < 100 && row(b._id).active === 1; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(row(b._id).active, 0);
  // Lifted, and another workspace's ban: admitted.
  const v = user();
  const lb = ok(await post(L.A, { userId: v, reason: 'lifted', bannedByUserId: '42', expiresInDays: 5 }), 201).ban;
  assert.equal((await join(L.A, g, v)).json.banned, true);
  ok(await lift(L.A, lb._id));
  assert.equal((await join(L.A, g, v)).json.banned, false);
  const w = user();
  ok(await post(L.B, { userId: w, reason: 'B only', bannedByUserId: '42' }), 201);
  assert.equal((await join(L.A, g, w)).json.banned, false);
});

test('conventions 3, 4: missing, unknown, oversized and non-ASCII loader keys on every ban route', async () => {
  const routes = [['GET', '/games/bans'], ['POST', '/games/bans'], ['DELETE', `/games/bans/${hex(12)}`]];
  for (const [m, p] of routes) {
    reason(await call(m, p, { headers: JSONH, body: m === 'GET' ? undefined : {} }), 401, 'Loader ID header was not provided.');
    reason(await call(m, p, { headers: { 'loader-id': '', ...JSONH } }), 401, 'Loader ID header was not provided.');
    for (const k of ['ReAdmin_Loader_ID=' + 'a'.repeat(200), 'x'.repeat(600), 'ReAdmin_Loader_ID=é'])
      reason(await call(m, p, { headers: { 'loader-id': encodeURI(k) === k ? k : Buffer.from(k).toString('latin1'), ...JSONH } }), 401, 'Workspace not found');
  }
  // A prapi_ key is never a credential here.
  reason(await call('GET', '/games/bans', { key: ownerKey }), 401, 'Loader ID header was not provided.');
});

test('conventions 11, 14: bad JSON and non-object bodies are 400; every answer is no-store JSON', async () => {
  const n = count(A);
  reason(await post(L.A, '{"userId":'), 400, 'Invalid JSON body');
  reason(await post(L.A, '{"userId":"1","userId":"2","reason":"x","bannedByUserId":"3"}'), 400, 'Invalid JSON body');
  reason(await post(L.A, '[1]'), 400, 'Body must be a JSON object');
  reason(await call('POST', '/games/bans', { headers: { 'loader-id': L.A, 'Content-Type': 'text/plain' }, body: '{}' }), 400, 'Invalid content type');
  assert.equal(count(A), n);
  const u = user();
  const answers = [
    await post(L.A, { userId: u, reason: 'x', bannedByUserId: '1' }), // 201
    await post(L.A, { userId: u, reason: 'y', bannedByUserId: '1' }), // 409
    await list(L.A), await lift(L.A, u), await lift(L.A, hex(12)), await lift(L.A, 'bad'), await post(L.A, {}),
  ];
  assert.deepEqual(answers.map((a) => a.status), [201, 409, 200, 200, 404, 400, 400]);
  for (const a of answers) {
    assert.equal(a.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(a.headers.get('cache-control'), 'no-store, no-cache, must-revalidate, max-age=0');
    assert.equal(a.headers.get('pragma'), 'no-cache');
    assert.equal(a.headers.get('expires'), '0');
    assert.equal(a.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(a.headers.get('x-request-id'));
  }
});

test('convention 15: the ban routes share the loader key\'s bucket of 600 a minute; 429 with Retry-After 1-30', async () => {
  const ws = ok(await call('POST', '/api/workspaces', { key: ownerKey, body: { name: 'Rate' } })).workspace;
  const key = ok(await call('POST', `/api/workspaces/${ws.id}/loader-keys`, { key: ownerKey, body: { name: 'rate' } })).secret;
  // Rounds of 20 until 50 refusals: on a slow machine the bucket refills (10 a second) while
  // it runs, so the admitted count is checked against the time the run took.
  const results = [];
  const t0 = Date.now();
  while (results.filter((r) => r.status === 429).length < 50 && results.length < 3000)
    results.push(...await Promise.all(Array.from({ length: 20 }, (_, j) =>
      (j % 2 ? list(key) : lift(key, hex(12))))));
  const refill = Math.ceil(((Date.now() - t0) / 1000) * 10);
  const limited = results.filter((r) => r.status === 429);
  assert.ok(limited.length >= 50, `429s: ${limited.length}`);
  const admitted = results.filter((r) => r.status !== 429).length;
  assert.ok(admitted >= 600 && admitted <= 600 + refill + 1, `admitted ${admitted}, refill ${refill}`);
  assert.deepEqual(limited[0].json, { success: false, reason: 'Too many requests' });
  const ra = Number(limited[0].headers.get('retry-after'));
  assert.ok(Number.isInteger(ra) && ra >= 1 && ra <= 30, String(ra));
  // POST is limited too, before validation, and stores nothing. A burst, since the bucket
  // gains a token every 100 ms: one admitted POST meets validation (the reason is empty).
  const posts = await Promise.all(Array.from({ length: 20 }, () => post(key, { userId: '1', reason: '', bannedByUserId: '2' })));
  const limitedPost = posts.find((r) => r.status === 429);
  assert.ok(limitedPost, 'a POST past the bucket is refused');
  reason(limitedPost, 429, 'Too many requests');
  for (const r of posts.filter((x) => x.status !== 429)) assert.equal(r.status, 400);
  assert.equal(sql(srv, `SELECT COUNT(*) AS n FROM game_bans WHERE workspace_id = '${ws.id}'`)[0].n, 0);
  // Another key's bucket is its own.
  assert.equal((await list(L.B)).status, 200);
});

test('§4.5: an ignored player is answered 200 `User is GDPR ignored`; nothing stored', async () => {
  const r = srv.cli(['admin', 'ignore-player', '--roblox-id', '777000']);
  assert.equal(r.status, 0, r.stderr);
  const n = count(A);
  reason(await post(L.A, { userId: '777000', reason: 'x', bannedByUserId: '42' }), 200, 'User is GDPR ignored');
  assert.equal(count(A), n);
});

// --- management API (platform.md §6.7) ---------------------------------------------------------

test('§6.7 POST …/bans: ban with expiry and evidence, kicks queued, 409 already_banned with banId', async () => {
  const u = user();
  const srvId = seedServer(A, [u]);
  const expiresAt = new Date(Date.now() + clk.offset + 7 * 86400000).toISOString();
  const res = ok(await mgmt(A, 'POST', '', { body: { robloxUserId: u, reason: 'dash', expiresAt, evidence: ['https://example.com/a.png'] } }));
  assert.equal(res.queuedKicks, 1);
  const b = res.ban;
  assert.deepEqual(Object.keys(b).sort(), ['active', 'bannedBy', 'createdAt', 'evidence', 'expiresAt', 'id', 'liftedAt', 'liftedBy', 'reason', 'robloxUserId']);
  assert.equal(b.robloxUserId, u);
  assert.equal(b.active, true);
  assert.equal(b.expiresAt, expiresAt);
  assert.deepEqual(b.evidence, ['https://example.com/a.png']);
  assert.equal(b.bannedBy.robloxUserId, null);
  assert.equal(b.bannedBy.user.username, 'owner');
  assert.equal(b.liftedAt, null);
  const k = kicks(u);
  assert.equal(k.length, 1);
  assert.equal(k[0].server_id, srvId);
  assert.equal(k[0].message, 'dash');
  assert.equal(k[0].created_by, b.bannedBy.user.id);
  // The ReAdmin list shows it with its evidence.
  const viaGame = ok(await list(L.A, `?userId=${u}`)).bans[0];
  assert.equal(viaGame._id, b.id);
  assert.deepEqual(viaGame.evidence, ['https://example.com/a.png']);
  assert.equal(viaGame.expires, expiresAt);
  const dup = await mgmt(A, 'POST', '', { body: { robloxUserId: u, reason: 'again' } });
  expectError(dup, 409, 'already_banned');
  assert.equal(dup.json.error.details.banId, b.id);
  const audit = sql(srv, `SELECT action, actor_user_id FROM audit_log WHERE target_id = '${b.id}'`);
  assert.deepEqual(audit.map((a) => a.action), ['workspace.ban.create']);
});

test('§6.7 POST …/bans: bad input is 400', async () => {
  const n = count(A);
  const bad = async (body, code = 'invalid_field') => expectError(await mgmt(A, 'POST', '', { body }), 400, code);
  await bad({ reason: 'x' }, 'missing_field');
  await bad({ robloxUserId: '1' }, 'missing_field');
  await bad({ robloxUserId: 'abc', reason: 'x' });
  await bad({ robloxUserId: '1', reason: '' });
  await bad({ robloxUserId: '1', reason: 'x'.repeat(1001) });
  await bad({ robloxUserId: '1', reason: 'x', expiresAt: 'tomorrow' });
  await bad({ robloxUserId: '1', reason: 'x', expiresAt: new Date(Date.now() + clk.offset - 1000).toISOString() });
  await bad({ robloxUserId: '1', reason: 'x', evidence: ['ftp://x'] });
  await bad({ robloxUserId: '1', reason: 'x', evidence: ['https://a b'] });
  await bad({ robloxUserId: '1', reason: 'x', evidence: ['https://"x'] });
  await bad({ robloxUserId: '1', reason: 'x', evidence: Array(11).fill('https://x.y') });
  await bad({ robloxUserId: '1', reason: 'x', extra: 1 }, 'unknown_field');
  assert.equal(count(A), n);
  // null expiresAt is permanent.
  const p = ok(await mgmt(A, 'POST', '', { body: { robloxUserId: user(), reason: 'perm', expiresAt: null } })).ban;
  assert.equal(p.expiresAt, null);
});

test('§6.7 GET …/bans: paging, filters, newest first; B\'s path never shows A\'s bans', async () => {
  const u = user();
  const b1 = ok(await mgmt(A, 'POST', '', { body: { robloxUserId: u, reason: 'one' } })).ban;
  ok(await mgmt(A, 'DELETE', `/${b1.id}`));
  clk.advance(1000);
  const b2 = ok(await mgmt(A, 'POST', '', { body: { robloxUserId: u, reason: 'two' } })).ban;
  const mine = ok(await mgmt(A, 'GET', `?robloxUserId=${u}`));
  assert.deepEqual(mine.bans.map((b) => b.id), [b2.id, b1.id]);
  assert.equal(mine.total, 2);
  assert.equal(mine.page, 1);
  assert.equal(mine.pageSize, 20);
  assert.deepEqual(ok(await mgmt(A, 'GET', `?robloxUserId=${u}&active=true`)).bans.map((b) => b.id), [b2.id]);
  assert.deepEqual(ok(await mgmt(A, 'GET', `?robloxUserId=${u}&active=false`)).bans.map((b) => b.id), [b1.id]);
  const p2 = ok(await mgmt(A, 'GET', `?robloxUserId=${u}&page=2&pageSize=1`));
  assert.deepEqual(p2.bans.map((b) => b.id), [b1.id]);
  assert.equal(p2.total, 2);
  const all = ok(await mgmt(A, 'GET', '?pageSize=100'));
  assert.equal(all.total, count(A));
  const inB = ok(await mgmt(B, 'GET', '?pageSize=100'));
  assert.equal(inB.total, count(B));
  assert.ok(!inB.bans.some((b) => b.id === b1.id || b.id === b2.id));
  expectError(await mgmt(A, 'GET', '?robloxUserId=x'), 400, 'invalid_parameter');
  expectError(await mgmt(A, 'GET', '?active=1'), 400, 'invalid_parameter');
  expectError(await mgmt(A, 'GET', '?other=1'), 400, 'unknown_parameter');
  // A read-only key reads but cannot write.
  assert.equal((await call('GET', `/api/workspaces/${A.id}/bans`, { key: readKey })).status, 200);
  expectError(await call('POST', `/api/workspaces/${A.id}/bans`, { key: readKey, body: { robloxUserId: '1', reason: 'x' } }), 403, 'scope_missing');
  // Loader keys never work on /api.
  assert.equal((await call('GET', `/api/workspaces/${A.id}/bans`, { headers: { 'loader-id': L.A } })).status, 401);
});

test('§6.7 PATCH and DELETE …/bans/{banId}: active only, lift kept, other workspace 404', async () => {
  const u = user();
  const b = ok(await mgmt(A, 'POST', '', { body: { robloxUserId: u, reason: 'orig' } })).ban;
  const at = new Date(Date.now() + clk.offset + 86400000).toISOString();
  const p = ok(await mgmt(A, 'PATCH', `/${b.id}`, { body: { reason: 'changed', expiresAt: at } })).ban;
  assert.equal(p.reason, 'changed');
  assert.equal(p.expiresAt, at);
  assert.equal(row(b.id).reason, 'changed');
  const p2 = ok(await mgmt(A, 'PATCH', `/${b.id}`, { body: { expiresAt: null } })).ban;
  assert.equal(p2.expiresAt, null);
  assert.equal(p2.reason, 'changed');
  expectError(await mgmt(A, 'PATCH', `/${b.id}`, { body: { expiresAt: '2000-01-01T00:00:00Z' } }), 400, 'invalid_field');
  // Another workspace's id is 404 on every route, and changes nothing.
  for (const [m, body] of [['PATCH', { reason: 'x' }], ['DELETE', undefined]])
    expectError(await mgmt(B, m, `/${b.id}`, { body }), 404, 'resource_not_found');
  expectError(await mgmt(A, 'DELETE', `/${hex(12)}`), 404, 'resource_not_found');
  expectError(await mgmt(A, 'DELETE', '/nothex'), 400, 'invalid_field');
  assert.equal(row(b.id).active, 1);
  const d = ok(await mgmt(A, 'DELETE', `/${b.id}`)).ban;
  assert.equal(d.active, false);
  assert.match(d.liftedAt, ISO);
  assert.equal(d.liftedBy, row(b.id).lifted_by);
  expectError(await mgmt(A, 'PATCH', `/${b.id}`, { body: { reason: 'late' } }), 409, 'invalid_transition');
  assert.equal(ok(await mgmt(A, 'DELETE', `/${b.id}`)).ban.liftedAt, d.liftedAt);
  const actions = sql(srv, `SELECT action FROM audit_log WHERE target_id = '${b.id}' ORDER BY at, id`).map((a) => a.action);
  assert.deepEqual(actions.sort(), ['workspace.ban.create', 'workspace.ban.lift', 'workspace.ban.update', 'workspace.ban.update'].sort());
});
