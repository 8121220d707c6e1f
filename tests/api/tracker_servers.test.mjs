// tracker_servers.test.mjs: running servers and the running-server credential
// (readmin-compat.md §1.4, §1.5, §3.7 #31-#33, §4.6; §6 checklist 91-97, 113, 114 and the
// conventions items 3, 4, 11-15, 17 on these routes).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { raw, parseResponses } from './lib/harness.mjs';
import { setup, ok, reason, until, STAFF } from './lib/tracker.mjs';

let t;
before(async () => { t = await setup(); });
after(async () => { await t?.stop(); });

test('91: createServer answers RA-GAMES- internal id, 24-hex runningGameId, workspace', async () => {
  const res = await t.ra(t.L.A, 'POST', '/activity/createServer', { gameId: 555, placeId: '666', jobId: 'job-91', placeVersion: '12', privateServerOwnerId: 0 });
  const d = ok(res);
  assert.match(d.gameId, /^RA-GAMES-[0-9a-f]{20}-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.match(d.runningGameId, /^[0-9a-f]{24}$/);
  assert.equal(d.workspace._id, t.A.id);
  assert.equal(d.workspace.loaderId, 'no-sir');
  assert.equal(d.groupId, '777');
  assert.deepEqual(d.afkReportingSettings, { altTab: { active: true }, movement: { active: true } });
  assert.deepEqual(d.applicationCenter, { enabled: false, displayMode: 'windowed', backdrop: false });
  assert.deepEqual(d.privacy, { trackStaffOnly: false, requireConsent: false });
  assert.deepEqual(d.orders, { enabled: false });
  assert.equal(d.afkTime, 45);
  const row = t.server(d.runningGameId);
  assert.equal(row.workspace_id, t.A.id);
  assert.equal(row.internal_id, d.gameId);
  assert.equal(row.universe_id, '555');
  assert.equal(row.place_version, 12);
  assert.equal(row.ended_at, null);
  assert.ok(Math.abs(row.last_ping_at - t.now()) < 5000);
});

test('92: empty or absent jobId -> 400 Job ID was not provided', async () => {
  const n = t.sql('SELECT COUNT(*) AS n FROM running_servers')[0].n;
  for (const body of [{ gameId: 1, placeId: 2, jobId: '' }, { gameId: 1, placeId: 2 }])
    reason(await t.ra(t.L.A, 'POST', '/activity/createServer', body), 400, 'Job ID was not provided - must not run in studio.');
  reason(await t.ra(t.L.A, 'POST', '/activity/createServer', { placeId: 2, jobId: 'j' }), 400, 'Missing gameId');
  reason(await t.ra(t.L.A, 'POST', '/activity/createServer', { gameId: 'abc', placeId: 2, jobId: 'j' }), 400, 'Invalid gameId');
  reason(await t.ra(t.L.A, 'POST', '/activity/createServer', { gameId: 1, placeId: 2, jobId: 'j', placeVersion: -1 }), 400, 'Invalid placeVersion');
  reason(await t.ra(t.L.A, 'POST', '/activity/createServer', { gameId: 1, placeId: 2, jobId: 'x'.repeat(101) }), 400, 'Invalid jobId');
  assert.equal(t.sql('SELECT COUNT(*) AS n FROM running_servers')[0].n, n);
});

test('93: createServer retried with the same jobId -> same ids; another workspace gets its own', async () => {
  const a = await t.createServer(t.L.A, 'job-93');
  const b = await t.createServer(t.L.A, 'job-93');
  assert.equal(b.gameId, a.gameId);
  assert.equal(b.runningGameId, a.runningGameId);
  const c = await t.createServer(t.L.B, 'job-93');
  assert.notEqual(c.runningGameId, a.runningGameId);
  assert.equal(t.sql(`SELECT COUNT(*) AS n FROM running_servers WHERE job_id = 'job-93'`)[0].n, 2);
});

test('12: createServer with 20 unknown extra fields -> 200', async () => {
  const body = { gameId: 1, placeId: 2, jobId: 'job-12' };
  for (let i = 0; i < 20; i++) body[`extra${i}`] = { nested: [i] };
  ok(await t.ra(t.L.A, 'POST', '/activity/createServer', body));
});

test('94: gameId missing -> 401 Game ID was not provided; unknown or malformed -> not correct', async () => {
  reason(await t.ra(t.L.A, 'POST', '/activity/getServer', {}), 401, 'Game ID was not provided');
  reason(await t.ra(t.L.A, 'POST', '/activity/getServer', { gameId: '' }), 401, 'Game ID was not provided');
  reason(await t.ra(t.L.A, 'POST', '/activity/getServer', { gameId: '0123456789abcdef01234567' }), 401, 'Internal game ID was not correct');
  reason(await t.ra(t.L.A, 'POST', '/activity/getServer', { gameId: 'nope' }), 401, 'Internal game ID was not correct');
  reason(await t.ra(t.L.A, 'POST', '/activity/getServer', { gameId: 12 }), 401, 'Internal game ID was not correct');
  // sendData repeats the text under `error`.
  reason(await t.ra(t.L.A, 'POST', '/activity/sendData', { events: [] }), 401, 'Game ID was not provided', 'error');
});

test('95: A gameId with B loader key -> 401 mismatch; A unchanged', async () => {
  const a = await t.createServer(t.L.A, 'job-95');
  const before = t.server(a.runningGameId);
  t.clk.advance(1000);
  for (const [m, p] of [['POST', '/activity/getServer'], ['POST', '/activity/playerJoin'], ['DELETE', '/activity/endServer'], ['POST', '/activity/sendData']])
    reason(await t.ra(t.L.B, m, p, { gameId: a.runningGameId, playerId: 9, events: [] }), 401, 'Internal game ID was not correct - mismatch',
      p === '/activity/sendData' ? 'error' : undefined);
  assert.deepEqual(t.server(a.runningGameId), before);
  assert.equal(t.sql(`SELECT COUNT(*) AS n FROM running_players WHERE server_id = '${a.runningGameId}'`)[0].n, 0);
});

test('96: gameId in the query works; body and query different -> 400', async () => {
  const a = await t.createServer(t.L.A, 'job-96');
  ok(await t.ra(t.L.A, 'POST', '/activity/getServer', {}, { query: `?gameId=${a.runningGameId}` }));
  ok(await t.ra(t.L.A, 'POST', '/activity/getServer', { gameId: a.runningGameId }, { query: `?gameId=${a.runningGameId}` }));
  reason(await t.ra(t.L.A, 'POST', '/activity/getServer', { gameId: a.runningGameId }, { query: '?gameId=0123456789abcdef01234567' }), 400, 'Conflicting gameId');
});

test('97: getServer advances lastPing and answers the workspace', async () => {
  const a = await t.createServer(t.L.A, 'job-97');
  const p0 = t.server(a.runningGameId).last_ping_at;
  t.clk.advance(5000);
  const d = ok(await t.ra(t.L.A, 'POST', '/activity/getServer', { gameId: a.runningGameId }));
  assert.equal(d.workspace._id, t.A.id);
  assert.deepEqual(Object.keys(d), ['success', 'workspace']);
  const p1 = t.server(a.runningGameId).last_ping_at;
  assert.ok(p1 >= p0 + 5000, `${p1} vs ${p0}`);
});

test('3, 4: running-server routes: no loader-id -> not provided; unknown, long, non-ASCII -> not correct', async () => {
  const a = await t.createServer(t.L.A, 'job-3');
  const r = (headers) => t.call('POST', '/activity/getServer', { headers: { 'Content-Type': 'application/json', ...headers }, body: { gameId: a.runningGameId } });
  reason(await r({}), 401, 'Loader ID was not provided');
  reason(await r({ 'loader-id': '' }), 401, 'Loader ID was not provided');
  const unknown = 'ReAdmin_Loader_ID=' + 'a'.repeat(200);
  for (const v of [unknown, 'x'.repeat(600), 'ReAdmin_Loader_ID=\u00e9'])
    reason(await r({ 'loader-id': Buffer.from(v).toString('latin1') }), 401, 'Loader ID was not correct');
  // A revoked key: the same answer as an unknown one, on the next call.
  const made = ok(await t.mgmt(t.A, 'POST', '/loader-keys', { body: { name: 'temp' } }));
  const b = await t.createServer(made.secret, 'job-3-revoked');
  ok(await t.ra(made.secret, 'POST', '/activity/getServer', { gameId: b.runningGameId }));
  const kid = t.sql(`SELECT id FROM loader_keys WHERE workspace_id = '${t.A.id}' AND name = 'temp'`)[0].id;
  ok(await t.mgmt(t.A, 'DELETE', `/loader-keys/${kid}`));
  reason(await t.ra(made.secret, 'POST', '/activity/getServer', { gameId: b.runningGameId }), 401, 'Loader ID was not correct');
  // Another of the workspace's keys still reaches its servers (any unrevoked key, §4.3).
  ok(await t.ra(t.L.A, 'POST', '/activity/getServer', { gameId: b.runningGameId }));
  // createServer is a loader route: the loader texts.
  reason(await t.call('POST', '/activity/createServer', { headers: { 'Content-Type': 'application/json' }, body: {} }), 401, 'Loader ID header was not provided.');
  reason(await t.ra(unknown, 'POST', '/activity/createServer', {}), 401, 'Workspace not found');
});

test('11: invalid JSON, duplicate keys, array body -> 400 with reason (and error on sendData)', async () => {
  const a = await t.createServer(t.L.A, 'job-11');
  const raw = (path, body) => t.call('POST', path, { headers: { 'loader-id': t.L.A, 'Content-Type': 'application/json' }, body });
  reason(await raw('/activity/sendData', '{"gameId":'), 400, 'Invalid JSON body', 'error');
  reason(await raw('/activity/sendData', `{"gameId":"${a.runningGameId}","events":[],"events":[]}`), 400, 'Invalid JSON body', 'error');
  reason(await raw('/activity/sendData', '[]'), 400, 'Body must be a JSON object', 'error');
  reason(await raw('/activity/createServer', '{'), 400, 'Invalid JSON body');
  reason(await t.call('POST', '/activity/getServer', { headers: { 'loader-id': t.L.A, 'Content-Type': 'text/plain' }, body: `{"gameId":"${a.runningGameId}"}` }), 400, 'Invalid content type');
});

test('13: body over 4 MiB -> 413, decided from Content-Length', async () => {
  const a = await t.createServer(t.L.A, 'job-13');
  const { text } = await raw(t.srv, ['POST /activity/sendData HTTP/1.1', `Host: 127.0.0.1:${t.srv.port}`,
    `loader-id: ${t.L.A}`, 'Content-Type: application/json', `Content-Length: ${4 * 1024 * 1024 + 1}`, '', ''].join('\r\n'));
  const [big] = parseResponses(text).responses;
  assert.equal(big.status, 413, text.slice(0, 300));
  assert.equal(JSON.parse(big.body).success, false);
  assert.equal(t.server(a.runningGameId).last_ping_at <= t.now(), true);
});

test('14: answers carry the no-store headers and JSON content type', async () => {
  const a = await t.createServer(t.L.A, 'job-14');
  for (const res of [await t.ra(t.L.A, 'POST', '/activity/getServer', { gameId: a.runningGameId }),
    await t.ra(t.L.A, 'POST', '/activity/getServer', {})]) {
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(res.headers.get('cache-control'), 'no-store, no-cache, must-revalidate, max-age=0');
    assert.equal(res.headers.get('pragma'), 'no-cache');
    assert.equal(res.headers.get('expires'), '0');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.match(res.headers.get('x-request-id'), /.+/);
  }
});

test('other module routes -> 404 Route not found; wrong method -> 405', async () => {
  for (const p of ['/activity/commands', '/activity/reportError', '/activity/verifyLink', '/activity/support/x', '/v2/anything', '/sessions/v2/x'])
    reason(await t.ra(t.L.A, 'POST', p, {}), 404, 'Route not found');
  const res = await t.call('GET', '/activity/sendData', { headers: { 'loader-id': t.L.A } });
  assert.equal(res.status, 405);
  assert.match(res.headers.get('allow'), /POST/);
});

test('113: endServer ends sessions, expires actions; again -> 200; sendData then -> 401', async () => {
  const a = await t.createServer(t.L.A, 'job-113');
  const j = ok(await t.join(t.L.A, a.runningGameId, STAFF));
  const act = ok(await t.mgmt(t.A, 'POST', `/servers/${a.runningGameId}/actions`, { body: { type: 'notifyAll', message: 'hi' } })).action;
  t.clk.advance(60000);
  assert.deepEqual(ok(await t.ra(t.L.A, 'DELETE', '/activity/endServer', { gameId: a.runningGameId })), { success: true });
  const s = t.session(j.sessionId);
  assert.equal(s.removal_method, 'serverClose');
  assert.ok(s.ended_at >= s.started_at + 60000 - 10);
  assert.equal(t.sql(`SELECT status FROM queued_actions WHERE id = '${act.id}'`)[0].status, 'expired');
  const row = t.server(a.runningGameId);
  assert.equal(row.end_reason, 'endServer');
  assert.ok(row.ended_at > 0);
  assert.equal(t.sql(`SELECT COUNT(*) AS n FROM running_players WHERE server_id = '${a.runningGameId}'`)[0].n, 0);
  assert.equal(t.sql(`SELECT in_game FROM workspace_members WHERE workspace_id = '${t.A.id}' AND roblox_user_id = '${STAFF}'`)[0].in_game, 0);
  const tot = t.totals(t.A, STAFF);
  assert.equal(tot.length, 1);
  // Replay: 200 no-op, nothing moves.
  t.clk.advance(1000);
  ok(await t.ra(t.L.A, 'DELETE', '/activity/endServer', { gameId: a.runningGameId }));
  assert.deepEqual(t.server(a.runningGameId), row);
  assert.deepEqual(t.totals(t.A, STAFF), tot);
  reason(await t.send(t.L.A, a.runningGameId, []), 401, 'Internal game ID was not correct', 'error');
  reason(await t.ra(t.L.A, 'POST', '/activity/getServer', { gameId: a.runningGameId }), 401, 'Internal game ID was not correct');
  // A new createServer with the same jobId starts a new server.
  const b = await t.createServer(t.L.A, 'job-113');
  assert.notEqual(b.runningGameId, a.runningGameId);
});

test('114: 20 min without ping -> stale job ends the server; sessions end at the last ping', async () => {
  const a = await t.createServer(t.L.A, 'job-114');
  const live = await t.createServer(t.L.A, 'job-114-live');
  const j = ok(await t.join(t.L.A, a.runningGameId, '13'));
  t.clk.advance(120000);
  ok(await t.send(t.L.A, a.runningGameId, []));
  ok(await t.ra(t.L.A, 'POST', '/activity/getServer', { gameId: live.runningGameId }));
  const lastPing = t.server(a.runningGameId).last_ping_at;
  t.clk.advance(19 * 60000);
  ok(await t.ra(t.L.A, 'POST', '/activity/getServer', { gameId: live.runningGameId }));
  t.clk.advance(70000); // past 20 min silence and past the job's one-minute lease
  ok(await t.ra(t.L.A, 'POST', '/activity/getServer', { gameId: live.runningGameId }));
  await until(() => t.server(a.runningGameId).ended_at);
  const row = t.server(a.runningGameId);
  assert.equal(row.end_reason, 'stale');
  const s = t.session(j.sessionId);
  assert.equal(s.removal_method, 'stale');
  assert.equal(s.ended_at, lastPing);
  assert.equal(s.active_ms, lastPing - s.started_at);
  assert.equal(t.server(live.runningGameId).ended_at, null, 'a server that pinged stays live');
  reason(await t.ra(t.L.A, 'POST', '/activity/getServer', { gameId: a.runningGameId }), 401, 'Internal game ID was not correct');
});

test('15: a running server exceeding its bucket -> 429 with Retry-After 1-30', async () => {
  const a = await t.createServer(t.L.A, 'job-15');
  // Concurrent rounds until refused: sent one by one, a slow (sanitizer) build refills the
  // bucket (10 a second) about as fast as it drains it.
  let res;
  for (let i = 0; i < 200 && res?.status !== 429; i++)
    res = (await Promise.all(Array.from({ length: 20 }, () => t.send(t.L.A, a.runningGameId, []))))
      .find((r) => r.status === 429) ?? { status: 200 };
  reason(res, 429, 'Too many requests', 'error');
  const ra = Number(res.headers.get('retry-after'));
  assert.ok(ra >= 1 && ra <= 30, `Retry-After ${ra}`);
  // Another server of the same key has its own bucket.
  const b = await t.createServer(t.L.A, 'job-15b');
  ok(await t.send(t.L.A, b.runningGameId, []));
});
