// minutes.test.mjs: the minutes store and its read routes: ReAdmin #11 GET
// /activity/workspace/leaderboard and #12 GET /activity/workspace/users/{userId}/minutes
// (readmin-compat.md §3.3, §4.8; §6 checklist items 48-51, 53) and the minutes and
// distribution routes of platform.md §6.5. Minutes here are
// seeded through manual adjustments, which count in totals. Workspace A (minSyncRank 50) and
// B each have staff; C holds 52 staff for the 50-entry cap.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, ownerSession, sql, expectError } from './lib/harness.mjs';
import { cliKey } from './lib/helpers.mjs';

let srv, ownerKey, readKey, A, B, C;
const L = {};
const call = (m, p, o = {}) => api(srv, m, p, o);
function ok(res) {
  assert.equal(res.status, 200, res.text);
  return res.json.success === true && res.json.data ? res.json.data : res.json;
}
function reason(res, status, text) {
  assert.equal(res.status, status, res.text);
  assert.deepEqual(res.json, { success: false, reason: text });
}
const board = (key) => call('GET', '/activity/workspace/leaderboard', { headers: { 'loader-id': key } });
const userMin = (key, id) => call('GET', `/activity/workspace/users/${id}/minutes`, { headers: { 'loader-id': key } });
const mgmt = (ws, method, rest, opts = {}) => call(method, `/api/workspaces/${ws.id}${rest}`, { key: ownerKey, ...opts });
const adjust = async (ws, robloxUserId, minutes, kind = 'active') =>
  ok(await mgmt(ws, 'POST', '/minutes/adjustments', { body: { robloxUserId, kind, minutes, reason: 'seed' } })).adjustment;
const adjCount = (ws) => sql(srv, `SELECT COUNT(*) AS n FROM minute_adjustments WHERE workspace_id = '${ws.id}'`)[0].n;
const ids = (lb) => lb.map((s) => s.userId);

before(async () => {
  srv = await startServer();
  await ownerSession(srv);
  ownerKey = cliKey(srv, 'owner', 'all', ['workspaces:write']);
  readKey = cliKey(srv, 'owner', 'ro', ['workspaces:read']);
  const mk = async (name, group) => {
    const ws = ok(await call('POST', '/api/workspaces', { key: ownerKey, body: { name, robloxGroupId: group, minSyncRank: 50 } })).workspace;
    for (const [id, rank] of [['100', 10], ['200', 50], ['300', 150]])
      ok(await mgmt(ws, 'PUT', `/ranks/${id}`, { body: { rank, name: `R${rank}` } }));
    L[name] = ok(await mgmt(ws, 'POST', '/loader-keys', { body: { name: 'game' } })).secret;
    return ws;
  };
  A = await mk('Alpha', '777');
  B = await mk('Bravo', '888');
  C = await mk('Charlie', '999');
  // A: staff 9, 11 (rank 50), 13 (rank 150); 14 is a member below minSyncRank; 15 has no record.
  for (const [id, role] of [['9', '200'], ['11', '200'], ['13', '300'], ['14', '100']])
    ok(await mgmt(A, 'PUT', `/members/${id}`, { body: { username: `user${id}`, robloxRoleId: role } }));
  ok(await mgmt(B, 'PUT', '/members/21', { body: { username: 'bstaff', robloxRoleId: '300' } }));
});
after(async () => { await srv?.stop(); });

test('48: leaderboard holds staff only, current distribution, total desc, ties by numeric id', async () => {
  await adjust(A, '11', 30);
  await adjust(A, '9', 30);
  await adjust(A, '13', 45.5, 'idle');
  await adjust(A, '14', 100);
  await adjust(A, '15', 200);
  await adjust(B, '21', 500);
  const res = ok(await board(L.Alpha));
  assert.equal(res.success, true);
  assert.deepEqual(ids(res.leaderboard), ['13', '9', '11']); // "9" before "11": numeric order
  const s = res.leaderboard[0];
  assert.equal(s._id, '1-13');
  assert.equal(s.distribution, '1');
  assert.equal(s.groupId, '777');
  assert.deepEqual(s.minutes, { total: 45.5, active: 0, inactive: 45.5, typing: 0, messages: 0, manual: 45.5 });
  assert.deepEqual(s.sessions, []);
  assert.deepEqual(s.goals, {});
  assert.equal(s.attendedSessions, 0);
  assert.ok(Date.parse(s.created) > 0 && Date.parse(s.updated) >= Date.parse(s.created));
  // The management view: positions, usernames, the same order.
  const m = ok(await mgmt(A, 'GET', '/leaderboard'));
  assert.equal(m.total, 3);
  assert.deepEqual(m.entries.map((e) => [e.position, e.robloxUserId, e.username]), [[1, '13', 'user13'], [2, '9', 'user9'], [2, '11', 'user11']]);
  assert.deepEqual(m.entries[1].minutes, { active: 30, idle: 0, typing: 0, manual: 30, total: 30, messages: 0 });
  assert.equal(m.entries[1].sessions, 0);
  assert.deepEqual(ok(await mgmt(A, 'GET', '/leaderboard?page=2&pageSize=2')).entries.map((e) => [e.position, e.robloxUserId]), [[2, '11']]);
});

test('51: a negative adjustment larger than tracked time gives total 0; parts floored at 0', async () => {
  const adj = await adjust(A, '9', -100.25, 'typing');
  assert.equal(adj.minutes, -100.25);
  const s = ok(await userMin(L.Alpha, 9)).summary;
  assert.deepEqual(s.minutes, { total: 0, active: 30, inactive: 0, typing: 0, messages: 0, manual: -70.25 });
  assert.deepEqual(ids(ok(await board(L.Alpha)).leaderboard), ['13', '11', '9']);
  ok(await mgmt(A, 'DELETE', `/minutes/adjustments/${adj.id}`));
});

test('50: user minutes: position = 1 + staff with more; unknown user gives summary null', async () => {
  let res = ok(await userMin(L.Alpha, 11));
  assert.equal(res.success, true);
  assert.equal(res.workspace_position, 2);
  assert.equal(res.summary.userId, '11');
  assert.equal(ok(await userMin(L.Alpha, 9)).workspace_position, 2); // tied with 11
  assert.equal(ok(await userMin(L.Alpha, 13)).workspace_position, 1);
  res = ok(await userMin(L.Alpha, 777777));
  assert.deepEqual({ p: res.workspace_position, s: res.summary }, { p: 4, s: null });
  // A non-staff user is ranked against staff only: 14 (100) beats every staff total.
  res = ok(await userMin(L.Alpha, 14));
  assert.equal(res.workspace_position, 1);
  assert.equal(res.summary.minutes.total, 100);
  reason(await userMin(L.Alpha, 'abc'), 400, 'Invalid userId');
  reason(await userMin(L.Alpha, '0'), 400, 'Invalid userId');
  // Management detail.
  const d = ok(await mgmt(A, 'GET', '/minutes/13'));
  assert.equal(d.position, 1);
  assert.equal(d.minutes.idle, 45.5);
  assert.equal(d.adjustments.length, 1);
  assert.equal(d.adjustments[0].kind, 'idle');
  assert.deepEqual(d.gameSessions, []);
  const none = ok(await mgmt(A, 'GET', '/minutes/424242'));
  assert.deepEqual({ m: none.minutes.total, p: none.position, a: none.adjustments }, { m: 0, p: 4, a: [] });
  expectError(await mgmt(A, 'GET', '/minutes/abc'), 400, 'invalid_field');
});

test('minutes list: everyone with a summary, total desc, search by name or id', async () => {
  const all = ok(await mgmt(A, 'GET', '/minutes'));
  assert.deepEqual(all.entries.map((e) => e.robloxUserId), ['15', '14', '13', '9', '11']);
  assert.equal(all.entries[0].username, null);
  assert.deepEqual(ok(await mgmt(A, 'GET', '/minutes?search=USER1')).entries.map((e) => e.robloxUserId), ['14', '13', '11']);
  assert.deepEqual(ok(await mgmt(A, 'GET', '/minutes?search=9')).entries.map((e) => e.robloxUserId), ['9']);
  assert.deepEqual(ok(await mgmt(A, 'GET', '/minutes?search=%25')).entries, []);
  assert.equal(ok(await mgmt(A, 'GET', '/minutes', { key: readKey })).total, 5);
});

test('49: demoted staff leave the leaderboard', async () => {
  ok(await mgmt(A, 'PUT', '/members/13', { body: { username: 'user13', robloxRoleId: '100' } }));
  assert.deepEqual(ids(ok(await board(L.Alpha)).leaderboard), ['9', '11']);
  assert.equal(ok(await userMin(L.Alpha, 9)).workspace_position, 1);
  ok(await mgmt(A, 'PUT', '/members/13', { body: { username: 'user13', robloxRoleId: '300' } }));
  assert.deepEqual(ids(ok(await board(L.Alpha)).leaderboard), ['13', '9', '11']);
});

test('T13: adjustment validation; nothing stored on a refusal', async () => {
  const before = adjCount(A);
  const body = (extra) => ({ body: { robloxUserId: '11', kind: 'active', minutes: 5, reason: 'r', ...extra } });
  for (const minutes of [0, 100001, -100001, 1.234, 0.001, '5', true])
    expectError(await mgmt(A, 'POST', '/minutes/adjustments', body({ minutes })), 400, 'invalid_field');
  expectError(await mgmt(A, 'POST', '/minutes/adjustments', body({ kind: 'afk' })), 400, 'invalid_field');
  expectError(await mgmt(A, 'POST', '/minutes/adjustments', body({ robloxUserId: 'abc' })), 400, 'invalid_field');
  expectError(await mgmt(A, 'POST', '/minutes/adjustments', body({ reason: '' })), 400, 'invalid_field');
  expectError(await mgmt(A, 'POST', '/minutes/adjustments', body({ reason: 'x'.repeat(501) })), 400, 'invalid_field');
  expectError(await mgmt(A, 'POST', '/minutes/adjustments', body({ reason: null })), 400, 'missing_field');
  expectError(await mgmt(A, 'POST', '/minutes/adjustments', body({ extra: 1 })), 400, 'unknown_field');
  expectError(await mgmt(A, 'POST', '/minutes/adjustments', { key: readKey, ...body({}) }), 403, 'scope_missing');
  expectError(await call('POST', `/api/workspaces/${A.id}/minutes/adjustments`, body({})), 401, 'unauthenticated');
  assert.equal(adjCount(A), before);
  // Bounds accepted: 100000, -100000, 1.23, 1.1 (exact hundredths).
  for (const minutes of [100000, -100000, 1.23, 1.1]) {
    const a = await adjust(A, '11', minutes);
    assert.equal(a.minutes, minutes);
    assert.equal(a.distribution, 1);
    assert.match(a.id, /^[0-9a-f]{24}$/);
    const del = ok(await mgmt(A, 'DELETE', `/minutes/adjustments/${a.id}`)).adjustment;
    assert.equal(del.id, a.id);
    expectError(await mgmt(A, 'DELETE', `/minutes/adjustments/${a.id}`), 404, 'resource_not_found');
  }
  assert.equal(adjCount(A), before);
  expectError(await mgmt(A, 'DELETE', '/minutes/adjustments/nothex'), 400, 'invalid_field');
  const audit = sql(srv, `SELECT action, COUNT(*) AS n FROM audit_log WHERE workspace_id = '${A.id}' AND action LIKE 'workspace.minutes.%' GROUP BY action ORDER BY action`);
  assert.deepEqual(audit, [{ action: 'workspace.minutes.adjust', n: 10 }, { action: 'workspace.minutes.unadjust', n: 5 }]);
});

test('a summary follows its adjustments: created by the first, removed with the last', async () => {
  const uid = '777';
  assert.equal(ok(await userMin(L.Alpha, uid)).summary, null);
  const a1 = await adjust(A, uid, 2.5, 'active');
  const a2 = await adjust(A, uid, -1.25, 'idle');
  let s = ok(await userMin(L.Alpha, uid)).summary;
  assert.deepEqual([s.minutes.active, s.minutes.inactive, s.minutes.manual, s.minutes.total], [2.5, 0, 1.25, 1.25]);
  ok(await mgmt(A, 'DELETE', `/minutes/adjustments/${a1.id}`));
  s = ok(await userMin(L.Alpha, uid)).summary;
  assert.deepEqual([s.minutes.active, s.minutes.manual, s.minutes.total], [0, -1.25, 0], 'the other adjustment still counts');
  ok(await mgmt(A, 'DELETE', `/minutes/adjustments/${a2.id}`));
  assert.equal(ok(await userMin(L.Alpha, uid)).summary, null, 'no adjustment and no play: no summary');
  assert.equal(sql(srv, `SELECT COUNT(*) AS n FROM minute_totals WHERE workspace_id = '${A.id}' AND roblox_user_id = '${uid}'`)[0].n, 0);
});

test('53: isolation: B never appears in A, and A cannot touch B', async () => {
  const bAdj = sql(srv, `SELECT id FROM minute_adjustments WHERE workspace_id = '${B.id}'`)[0].id;
  assert.ok(!ids(ok(await board(L.Alpha)).leaderboard).includes('21'));
  assert.equal(ok(await userMin(L.Alpha, 21)).summary, null);
  assert.equal(ok(await userMin(L.Alpha, 13)).workspace_position, 1); // B's 500 does not count
  assert.deepEqual(ids(ok(await board(L.Bravo)).leaderboard), ['21']);
  assert.equal(ok(await userMin(L.Bravo, 13)).summary, null);
  expectError(await mgmt(A, 'DELETE', `/minutes/adjustments/${bAdj}`), 404, 'resource_not_found');
  assert.equal(adjCount(B), 1);
  assert.ok(!ok(await mgmt(A, 'GET', '/minutes')).entries.some((e) => e.robloxUserId === '21'));
  expectError(await call('GET', `/api/workspaces/${'0'.repeat(24)}/leaderboard`, { key: ownerKey }), 404, 'community_not_found');
});

test('distribution rollover: POST closes the current and starts the next', async () => {
  let d = ok(await mgmt(A, 'GET', '/distributions'));
  assert.equal(d.total, 1);
  assert.equal(d.distributions[0].number, 1);
  assert.equal(d.distributions[0].endedAt, null);
  assert.equal(d.distributions[0].automated, false);
  expectError(await mgmt(A, 'POST', '/distributions', { key: readKey, body: {} }), 403, 'scope_missing');
  const next = ok(await mgmt(A, 'POST', '/distributions', { body: {} })).distribution;
  assert.equal(next.number, 2);
  assert.equal(next.endedAt, null);
  d = ok(await mgmt(A, 'GET', '/distributions'));
  assert.deepEqual(d.distributions.map((x) => x.number), [2, 1]);
  assert.ok(Date.parse(d.distributions[1].endedAt) >= Date.parse(d.distributions[1].startedAt));
  assert.deepEqual(ok(await mgmt(A, 'GET', '/distributions?page=2&pageSize=1')).distributions.map((x) => x.number), [1]);
  assert.equal(ok(await call('GET', '/activity/workspace', { headers: { 'loader-id': L.Alpha } })).currentDistribution, 2);
  // The new distribution starts empty; the old one stays readable.
  assert.deepEqual(ok(await board(L.Alpha)).leaderboard, []);
  assert.equal(ok(await userMin(L.Alpha, 13)).summary, null);
  assert.deepEqual(ok(await mgmt(A, 'GET', '/leaderboard?distribution=1')).entries.map((e) => e.robloxUserId), ['13', '9', '11']);
  expectError(await mgmt(A, 'GET', '/leaderboard?distribution=3'), 404, 'resource_not_found');
  const a = await adjust(A, '11', 2.5);
  assert.equal(a.distribution, 2);
  const s = ok(await board(L.Alpha)).leaderboard;
  assert.deepEqual({ ids: ids(s), id: s[0]._id, dist: s[0].distribution }, { ids: ['11'], id: '2-11', dist: '2' });
  // B is untouched.
  assert.deepEqual(ok(await mgmt(B, 'GET', '/distributions')).distributions.map((x) => x.number), [1]);
  assert.equal(sql(srv, `SELECT COUNT(*) AS n FROM audit_log WHERE workspace_id = '${A.id}' AND action = 'workspace.distribution.create'`)[0].n, 1);
});

test('48: at most 50 leaderboard entries', async () => {
  for (let i = 0; i < 52; i++) {
    const id = String(5000 + i);
    ok(await mgmt(C, 'PUT', `/members/${id}`, { body: { username: `c${id}`, robloxRoleId: '200' } }));
    await adjust(C, id, 1 + (i % 7));
  }
  const lb = ok(await board(L.Charlie)).leaderboard;
  assert.equal(lb.length, 50);
  for (let i = 1; i < lb.length; i++) {
    const [p, q] = [lb[i - 1], lb[i]];
    assert.ok(p.minutes.total > q.minutes.total || (p.minutes.total === q.minutes.total && Number(p.userId) < Number(q.userId)));
  }
  assert.equal(ok(await mgmt(C, 'GET', '/leaderboard')).total, 52);
});

test('§1.6: #10, #11 and #12 share the loader key\'s bucket of 600 a minute; 429 with Retry-After 1-30', async () => {
  const ws = ok(await call('POST', '/api/workspaces', { key: ownerKey, body: { name: 'Rate', minSyncRank: 50 } })).workspace;
  const key = ok(await mgmt(ws, 'POST', '/loader-keys', { body: { name: 'rate' } })).secret;
  const h = { headers: { 'loader-id': key } };
  const paths = ['/activity/workspace', '/activity/workspace/leaderboard', '/activity/workspace/users/13/minutes'];
  // Rounds of 20 until 50 refusals: the bucket refills 10 a second while a slow run goes on.
  const results = [];
  for (let i = 0; results.filter((x) => x.res.status === 429).length < 50 && i < 150; i++)
    results.push(...await Promise.all(Array.from({ length: 20 }, async (_, j) => ({ path: paths[(i + j) % 3], res: await call('GET', paths[(i + j) % 3], h) }))));
  const limited = results.filter((x) => x.res.status === 429);
  assert.ok(limited.length >= 50, `429s: ${limited.length}`);
  assert.ok(results.filter((x) => x.res.status === 200).length >= 600);
  for (const p of paths) assert.ok(limited.some((x) => x.path === p), `${p} is limited too`);
  assert.deepEqual(limited[0].res.json, { success: false, reason: 'Too many requests' });
  const ra = Number(limited[0].res.headers.get('retry-after'));
  assert.ok(Number.isInteger(ra) && ra >= 1 && ra <= 30, String(ra));
  // Another key's bucket is its own.
  assert.equal((await board(L.Alpha)).status, 200);
});
