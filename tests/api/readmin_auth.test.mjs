// readmin_auth.test.mjs: ReAdmin-compatible authentication and the two key routes built so far
// (readmin-compat.md §6 items 1-10, 14, 18, 47): GET /ranking (keyInfo) and GET
// /activity/workspace (W), with keys made through /api/workspaces/{wsId}/{kind}. Workspace A
// and B each get a loader and a ranking key; A's key must never see B.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, ownerSession, raw, parseResponses } from './lib/harness.mjs';
import { cliKey } from './lib/helpers.mjs';

let srv, ownerKey, A, B;
const S = {};
const call = (m, p, o = {}) => api(srv, m, p, o);
function ok(res) {
  assert.equal(res.status, 200, res.text);
  return res.json.success === true && res.json.data ? res.json.data : res.json;
}
function reason(res, status, text) {
  assert.equal(res.status, status, res.text);
  assert.deepEqual(res.json, { success: false, reason: text });
  assert.match(res.headers.get('content-type'), /^application\/json; charset=utf-8$/);
  assert.equal(res.headers.get('cache-control'), 'no-store, no-cache, must-revalidate, max-age=0');
}
const loader = (key, path = '/activity/workspace') => call('GET', path, { headers: key === undefined ? {} : { 'loader-id': key } });
const ranking = (key, path = '/ranking') => call('GET', path, { headers: key === undefined ? {} : { 'api-key': key } });

before(async () => {
  srv = await startServer();
  await ownerSession(srv);
  ownerKey = cliKey(srv, 'owner', 'all', ['workspaces:write']);
  A = ok(await call('POST', '/api/workspaces', { key: ownerKey, body: { name: 'Alpha', robloxGroupId: '777', minSyncRank: 100, timezone: 'Europe/London' } })).workspace;
  B = ok(await call('POST', '/api/workspaces', { key: ownerKey, body: { name: 'Bravo' } })).workspace;
  for (const [ws, tag] of [[A, 'A'], [B, 'B']]) {
    const base = `/api/workspaces/${ws.id}`;
    ok(await call('PUT', `${base}/ranks/300`, { key: ownerKey, body: { rank: 150, name: `${tag} Staff` } }));
    ok(await call('PUT', `${base}/ranks/200`, { key: ownerKey, body: { rank: 50, name: `${tag} Member` } }));
    ok(await call('PUT', `${base}/ranks/9007199254740993`, { key: ownerKey, body: { rank: 120, name: `${tag} Big` } }));
    ok(await call('PUT', `${base}/members/${tag === 'A' ? 11 : 21}`, { key: ownerKey, body: { username: `${tag}staff`, robloxRoleId: '300' } }));
    ok(await call('PUT', `${base}/members/${tag === 'A' ? 12 : 22}`, { key: ownerKey, body: { username: `${tag}member`, robloxRoleId: '200' } }));
    const l = ok(await call('POST', `${base}/loader-keys`, { key: ownerKey, body: { name: 'game' } }));
    const r = ok(await call('POST', `${base}/ranking-keys`, { key: ownerKey,
      body: { name: 'bot', rankingEnabled: true, enableShouting: true, allowedRanks: ['300', '200', '9007199254740993', '555'] } }));
    S[tag] = { loader: l.secret, loaderId: l.loaderKey.id, ranking: r.secret, rankingId: r.rankingKey.id };
  }
});
after(async () => { await srv.stop(); });

test('1-2: unknown path 404 Route not found; POST /ranking 405 + Allow; /ranking/ equals /ranking', async () => {
  reason(await call('GET', '/ranking/nope', { headers: { 'api-key': S.A.ranking } }), 404, 'Route not found');
  reason(await call('GET', '/activity/nothing'), 404, 'Route not found');
  const res = await call('POST', '/ranking', { headers: { 'api-key': S.A.ranking } });
  reason(res, 405, 'Method not allowed');
  assert.equal(res.headers.get('allow'), 'GET');
  assert.deepEqual(ok(await ranking(S.A.ranking, '/ranking/')), ok(await ranking(S.A.ranking)));
});

test('3-4: loader route without key; unknown, revoked, 600-byte, non-ASCII keys answer alike', async () => {
  reason(await loader(), 401, 'Loader ID header was not provided.');
  reason(await loader(''), 401, 'Loader ID header was not provided.');
  reason(await loader('ReAdmin_Loader_ID=' + '0'.repeat(200)), 401, 'Workspace not found');
  reason(await loader('ReAdmin_Loader_ID=' + 'a'.repeat(582)), 401, 'Workspace not found');
  const nonAscii = await rawGet('/activity/workspace', [['loader-id', 'ReAdmin_Loader_ID=\xe9' + 'a'.repeat(199)]]);
  assert.equal(nonAscii.status, 401);
  assert.deepEqual(JSON.parse(nonAscii.body), { success: false, reason: 'Workspace not found' });
  const base = `/api/workspaces/${B.id}`;
  const l = ok(await call('POST', `${base}/loader-keys`, { key: ownerKey, body: { name: 'old' } }));
  ok(await loader(l.secret));
  ok(await call('DELETE', `${base}/loader-keys/${l.loaderKey.id}`, { key: ownerKey }));
  reason(await loader(l.secret), 401, 'Workspace not found');
});

test('5-6: ranking route with no or unknown key; keys of the other family are refused', async () => {
  reason(await ranking(), 401, 'Unauthorized');
  reason(await ranking('DO_NOT_SHARE_ReAdmin_Ranking_Key_Id_DO_NOT_SHARE=' + '0'.repeat(300)), 401, 'Unauthorized');
  reason(await ranking(S.A.loader), 401, 'Unauthorized');
  reason(await loader(S.A.ranking), 401, 'Workspace not found');
  reason(await call('GET', '/ranking', { headers: { 'loader-id': S.A.ranking } }), 401, 'Unauthorized');
});

test('7: prapi_ key on a ReAdmin route and a loader key on /api/workspaces are 401', async () => {
  reason(await call('GET', '/activity/workspace', { key: ownerKey }), 401, 'Loader ID header was not provided.');
  reason(await call('GET', '/ranking', { headers: { Authorization: `Bearer ${ownerKey}` } }), 401, 'Unauthorized');
  for (const h of [{ 'loader-id': S.A.loader }, { 'x-api-key': S.A.loader }, { 'api-key': S.A.ranking }]) {
    const res = await call('GET', '/api/workspaces', { headers: h });
    assert.equal(res.status, 401, res.text);
    assert.equal(res.json.error.code, 'unauthenticated');
  }
});

test('8: credentials in the query are refused before anything reads them', async () => {
  reason(await call('GET', `/activity/workspace?loader-id=${S.A.loader}`, { headers: { 'loader-id': S.A.loader } }), 400,
    'Credentials must not be sent in the URL');
  reason(await call('GET', `/ranking?api-key=${S.A.ranking}`, { headers: { 'api-key': S.A.ranking } }), 400,
    'Credentials must not be sent in the URL');
  assert.ok(!srv.readLogs().includes(S.A.loader.slice(20)), 'the value is never logged');
});

async function rawGet(path, headers) {
  const lines = [`GET ${path} HTTP/1.1`, `Host: 127.0.0.1:${srv.port}`, 'Connection: close',
    ...headers.map(([k, v]) => `${k}: ${v}`)];
  const { text } = await raw(srv, lines.join('\r\n') + '\r\n\r\n');
  return parseResponses(text).responses[0];
}

test('9: two different loader-id headers are Conflicting credentials; two equal ones pass', async () => {
  const r1 = await rawGet('/activity/workspace', [['loader-id', S.A.loader], ['loader-id', S.B.loader]]);
  assert.equal(r1.status, 400);
  assert.deepEqual(JSON.parse(r1.body), { success: false, reason: 'Conflicting credentials' });
  const r2 = await rawGet('/ranking', [['api-key', S.A.ranking], ['api-key', S.B.ranking]]);
  assert.equal(r2.status, 400);
  assert.deepEqual(JSON.parse(r2.body), { success: false, reason: 'Conflicting credentials' });
  const r3 = await rawGet('/activity/workspace', [['loader-id', S.A.loader], ['loader-id', S.A.loader]]);
  assert.equal(r3.status, 200);
});

test('10: rotated keys: the old secret fails on the next call, the new one works', async () => {
  const lr = ok(await call('POST', `/api/workspaces/${A.id}/loader-keys/${S.A.loaderId}/rotate`, { key: ownerKey }));
  reason(await loader(S.A.loader), 401, 'Workspace not found');
  ok(await loader(lr.secret));
  S.A.loader = lr.secret;
  const rr = ok(await call('POST', `/api/workspaces/${A.id}/ranking-keys/${S.A.rankingId}/rotate`, { key: ownerKey }));
  reason(await ranking(S.A.ranking), 401, 'Unauthorized');
  ok(await ranking(rr.secret));
  S.A.ranking = rr.secret;
});

test('14: every answer has the no-store header set and the JSON content type', async () => {
  for (const res of [await ranking(S.A.ranking), await loader(S.A.loader), await loader(), await ranking('x')]) {
    assert.equal(res.headers.get('cache-control'), 'no-store, no-cache, must-revalidate, max-age=0');
    assert.equal(res.headers.get('pragma'), 'no-cache');
    assert.equal(res.headers.get('expires'), '0');
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(res.headers.get('x-request-id'));
  }
});

test('18: GET /ranking answers keyInfo with expanded, sorted ranks and no secret', async () => {
  const res = await ranking(S.A.ranking);
  const body = ok(res);
  assert.deepEqual(Object.keys(body), ['success', 'keyInfo']);
  const k = body.keyInfo;
  assert.equal(k._id, S.A.rankingId);
  assert.equal(k.id, S.A.rankingId);
  assert.equal(k.groupId, '777');
  assert.equal(k.key, false);
  assert.equal(k.name, 'bot');
  assert.equal(k.rankingEnabled, true);
  assert.equal(k.enableShouting, true);
  assert.equal(k.enableJoinRequestManagement, false);
  assert.equal(k.enableExile, false);
  assert.match(k.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  // 555 has no local rank: omitted; sorted by rank ascending; ids are numbers with every digit.
  assert.deepEqual(k.allowedRanks.map((r) => [r.name, r.rank, r.apiId]),
    [['A Member', 50, 50], ['A Big', 120, 120], ['A Staff', 150, 150]]);
  assert.ok(res.text.includes('"id":9007199254740993'));
  assert.ok(!res.text.includes(S.A.ranking.slice(50)) && !/[0-9a-f]{64}/.test(res.text));
  // A's key never sees B's ranks, and B's key sees B's.
  assert.ok(!res.text.includes('B Staff'));
  assert.ok(ok(await ranking(S.B.ranking)).keyInfo.allowedRanks.every((r) => r.name.startsWith('B ')));
});

test('47: GET /activity/workspace answers W wrapped and mirrored; loaderId no-sir', async () => {
  const body = ok(await loader(S.A.loader));
  const w = body.workspace;
  const keys = ['_id', 'groupId', 'groupName', 'owner', 'minSyncRole', 'loaderId', 'currentDistribution',
    'distributionPeriod', 'distributionDay', 'distributionTimezone', 'distributionDMs', 'premium', 'tags', 'created',
    'syncing', 'lastSynced', 'trackedStaff', 'brandColor', 'overrideRoleMaximumSize', 'banStatus', 'privacySettings',
    'enabledModules', 'enableModerationDashboard', 'afkTime'];
  assert.deepEqual(Object.keys(w), keys);
  for (const k of keys) assert.deepEqual(body[k], w[k], `top-level ${k} mirrors workspace.${k}`);
  assert.equal(body.success, true);
  assert.equal(w._id, A.id);
  assert.equal(w.groupId, '777');
  assert.equal(w.groupName, 'Alpha');
  assert.equal(w.loaderId, 'no-sir');
  assert.equal(w.minSyncRole, 100);
  assert.equal(w.currentDistribution, 1);
  assert.equal(w.distributionPeriod, 'manual');
  assert.equal(w.distributionTimezone, 'Europe/London');
  assert.deepEqual(w.premium, { is: true, subscriptionId: '', planType: 'enterprise', managedBy: { robloxId: '', customerId: '' } });
  assert.deepEqual(w.banStatus, { is: false, reason: '', bannedBy: '' });
  assert.deepEqual(w.trackedStaff, ['11']);
  assert.deepEqual(w.enabledModules, { orders: false });
  assert.equal(w.enableModerationDashboard, true);
  assert.equal(w.afkTime, 45);
  assert.equal(typeof w.owner.reAdminId, 'string');
  assert.equal(w.owner.robloxId, '');
  const wb = ok(await loader(S.B.loader)).workspace;
  assert.equal(wb._id, B.id);
  assert.equal(wb.groupId, '');
  assert.deepEqual(wb.trackedStaff, ['21', '22']); // B keeps minSyncRank 1: both are staff
});
