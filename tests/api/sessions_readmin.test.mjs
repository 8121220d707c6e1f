// sessions_readmin.test.mjs: the ReAdmin Sessions routes #13-#18 (readmin-compat.md §3.4,
// §4.11, §4.12; §6 checklist items 54-59, 63-72 and conventions 3, 4, 11, 14, 17 for these
// routes). The clock starts at Monday 2027-01-04 12:00Z and only moves forward.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, ok, reason, iso, secs } from './lib/sessions.mjs';

let F, G1, G2, T1, T3, now;
const HOUR = 3600000;
const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const sub = (g, name) => g.subroles.find((s) => s.name === name);
const claim = (rm, sid, server, body) => rm.post(`/sessions/${sid}/servers/${server}/roles`, body);

before(async () => {
  F = await setup();
  now = F.clock.at('2027-01-04T12:00:00.000Z');
  G1 = await F.group(F.A, 'Hosts', [
    { name: 'Host', maxUsers: 1, claimOnce: true },
    { name: 'Helper', maxUsers: 2, minRank: 50 },
    { name: 'Pair', maxUsers: 2 },
    { name: 'Any' },
  ]);
  G2 = await F.group(F.A, 'Other', [{ name: 'Solo', maxUsers: 1 }]);
  T1 = await F.template(F.A, { name: 'Evening', roleGroupIds: [G1.id], placeId: '123', gameId: '456', appearsMinutesBefore: 15 });
});
after(async () => { await F?.srv.stop(); });

test('conventions 3, 4, 14, 17: key failures carry reason and message; answers are no-store JSON', async () => {
  const none = await F.call('GET', '/sessions/roles');
  reason(none, 401, 'Loader ID header was not provided.');
  for (const bad of ['ReAdmin_Loader_ID=' + 'a'.repeat(200), 'x'.repeat(600), 'ReAdmin_Loader_ID=é'])
    reason(await F.rm(bad).get('/sessions/upcoming'), 401, 'Workspace not found');
  for (const p of ['/sessions/roles', '/sessions', '/sessions/upcoming', `/sessions/${T1.id}-1`]) {
    const res = await F.rmA.get(p);
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8', p);
    assert.equal(res.headers.get('cache-control'), 'no-store, no-cache, must-revalidate, max-age=0', p);
    assert.equal(res.headers.get('pragma'), 'no-cache');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  }
});

test('54: /sessions/roles lists groups with maxUsers, minRank, claimOnce and usedBy; B sees none of A', async () => {
  const res = ok(await F.rmA.get('/sessions/roles'));
  assert.equal(res.success, true);
  assert.deepEqual(res.roles.map((g) => g.name), ['Hosts', 'Other']);
  const g = res.roles[0];
  assert.equal(g._id, G1.id);
  assert.equal(g.id, G1.id);
  assert.match(g.id, uuidRe);
  assert.equal(g.groupId, '777');
  assert.deepEqual(g.usedBy, [T1.id]);
  assert.deepEqual(g.roles[0], { id: sub(G1, 'Host').id, name: 'Host', maxUsers: 1, minRank: 0, claimOnce: true });
  assert.deepEqual(g.roles[1], { id: sub(G1, 'Helper').id, name: 'Helper', maxUsers: 2, minRank: 50, claimOnce: false });
  assert.equal(g.roles[3].maxUsers, 0);
  assert.ok(Date.parse(g.created) > 0);
  assert.deepEqual(res.roles[1].usedBy, []);
  assert.deepEqual(ok(await F.rmB.get('/sessions/roles')).roles, []);
});

test('55: /sessions lists only materialised sessions with date >= now, ascending', async () => {
  const late = await F.oneOff(F.A, { name: 'Late', startsAt: iso(now + 5 * HOUR) });
  const soon = await F.oneOff(F.A, { name: 'Soon', startsAt: iso(now + 2 * HOUR), roleGroupIds: [G1.id] });
  await F.oneOff(F.A, { name: 'Past', startsAt: iso(now - 3 * HOUR) });
  await F.oneOff(F.B, { name: 'B only', startsAt: iso(now + HOUR) });
  const res = ok(await F.rmA.get('/sessions'));
  assert.deepEqual(res.sessions.map((s) => s._id), [soon.id, late.id]);
  const s = res.sessions[0];
  assert.equal(s.id, s._id);
  assert.equal(s.name, 'Soon');
  assert.equal(s.oneOffSession, true);
  assert.equal(s.templateId, null);
  assert.equal(s.template, null);
  assert.equal(s.groupId, '777');
  assert.equal(s.date, iso(now + 2 * HOUR));
  assert.equal(s.endsAt, iso(now + 3 * HOUR));
  assert.deepEqual(s.roles, [G1.id]);
  assert.deepEqual(s.claims, []);
  assert.deepEqual(s.servers, {});
  assert.deepEqual([s.attendees, s.comments, s.sentDMS, s.sentStartMessage, s.sentEndMessage], [[], [], false, false, false]);
  assert.ok(!res.sessions.some((x) => x._id === 'notCreated'));
  assert.deepEqual(ok(await F.rmB.get('/sessions')).sessions.map((x) => x.name), ['B only']);
});

test('56: upcoming shows an unclaimed occurrence in 3 h as a notCreated placeholder with its game', async () => {
  T3 = await F.template(F.A, { name: 'Afternoon', localTime: '15:00', durationMinutes: 30, roleGroupIds: [G1.id], placeId: '321', appearsMinutesBefore: 10, description: 'd' });
  const res = ok(await F.rmA.get('/sessions/upcoming'));
  const p = res.sessions.find((s) => s.templateId === T3.id);
  assert.deepEqual(p, {
    _id: 'notCreated', id: null, occurrenceKey: `${T3.id}-${secs('2027-01-04T15:00:00.000Z')}`, templateId: T3.id,
    name: 'Afternoon', description: 'd', roles: [G1.id], sessionDuration: 30, appearsMinutesBefore: 10,
    placeId: '321', gameId: null, date: '2027-01-04T15:00:00.000Z', endsAt: '2027-01-04T15:30:00.000Z',
    notifyTime: '2027-01-04T14:50:00.000Z',
    template: { _id: T3.id, name: 'Afternoon', description: 'd', roles: [G1.id],
      schedule: { type: 'daily', day: null, days: [], hour: 15, minute: 0, timezone: 'UTC' },
      appearsMinutesBefore: 10, sessionDuration: 30, placeId: '321', gameId: null, createDiscordEvent: false },
    claims: [], servers: {}, oneOffSession: false, game: { gameId: null, placeId: '321' },
  });
});

test('58: upcoming excludes starts after now+12h and ended sessions; includes one in progress', async () => {
  const running = await F.oneOff(F.A, { name: 'Running', startsAt: iso(now - 30 * 60000) });
  const ended = await F.oneOff(F.A, { name: 'Ended', startsAt: iso(now - 2 * HOUR) });
  const far = await F.oneOff(F.A, { name: 'Far', startsAt: iso(now + 12 * HOUR + 60000) });
  const edge = await F.oneOff(F.A, { name: 'Edge', startsAt: iso(now + 12 * HOUR), placeId: '9' });
  const res = ok(await F.rmA.get('/sessions/upcoming'));
  const ids = res.sessions.map((s) => s._id === 'notCreated' ? s.occurrenceKey : s._id);
  assert.ok(ids.includes(running.id), 'in progress');
  assert.ok(!ids.includes(ended.id), 'ended');
  assert.ok(!ids.includes(far.id), 'after now+12h');
  assert.ok(ids.includes(edge.id), 'exactly now+12h');
  assert.ok(ids.includes(`${T1.id}-${secs('2027-01-04T19:00:00.000Z')}`), 'today 19:00');
  assert.ok(!ids.includes(`${T1.id}-${secs('2027-01-03T19:00:00.000Z')}`), 'yesterday 19:00 ended');
  const dates = res.sessions.map((s) => Date.parse(s.date));
  assert.deepEqual(dates, [...dates].sort((a, b) => a - b), 'sorted by date');
  assert.equal(res.sessions.find((s) => s._id === running.id).game, null);
  assert.deepEqual(res.sessions.find((s) => s._id === edge.id).game, { gameId: null, placeId: '9' });
  assert.deepEqual(ok(await F.rmB.get('/sessions/upcoming')).sessions.map((s) => s.name), ['B only']);
});

test('59, 64: create server on an occurrence key materialises it; both paths add a server', async () => {
  const key = `${T3.id}-${secs('2027-01-04T15:00:00.000Z')}`;
  const first = ok(await F.rmA.post(`/sessions/${key}/servers`, { nickname: 'EU 1' }));
  assert.match(first.newServerId, uuidRe);
  const s = first.session;
  assert.match(s._id, /^[0-9a-f]{24}$/);
  assert.equal(s.occurrenceKey, key);
  assert.equal(s.templateId, T3.id);
  assert.equal(s.oneOffSession, false);
  assert.equal(s.template.schedule.hour, 15);
  assert.match(s.createdBy, /^loaderKey:/);
  assert.deepEqual(s.servers[first.newServerId], {
    nickname: 'EU 1', linkedToServer: false, linkedServerReAdminId: null, linkedServerJobId: null,
    linkedByUser: null, claims: {}, attendees: {},
  });
  const second = ok(await F.rmA.post(`/sessions/${s._id}`, { extra: 1 }));
  assert.equal(second.session._id, s._id);
  assert.equal(Object.keys(second.session.servers).length, 2);
  assert.equal(second.session.servers[second.newServerId].nickname, null);
  const third = ok(await F.rmA.post(`/sessions/${key}`, {}));
  assert.equal(third.session._id, s._id, 'the key now names the materialised session');
  const up = ok(await F.rmA.get('/sessions/upcoming')).sessions.filter((x) => x.occurrenceKey === key);
  assert.equal(up.length, 1);
  assert.equal(up[0]._id, s._id);
  assert.equal(Object.keys(up[0].servers).length, 3);
  assert.deepEqual(up[0].game, { gameId: null, placeId: '321' });
  assert.equal(F.sql(`SELECT COUNT(*) AS n FROM sessions WHERE template_id = '${T3.id}'`)[0].n, 1);
  const audit = F.sql(`SELECT action FROM audit_log WHERE workspace_id = '${F.A.id}' AND action LIKE 'workspace.session%' AND target_id IN (SELECT id FROM session_servers) ORDER BY at`);
  assert.equal(audit.length, 3);
  assert.ok(audit.every((a) => a.action === 'workspace.sessionServer.create'));
  reason(await F.rmA.post(`/sessions/${s._id}/servers`, { nickname: 'x'.repeat(51) }), 400, 'Invalid nickname');
  reason(await F.rmA.post(`/sessions/${s._id}/servers`, { nickname: 5 }), 400, 'Invalid nickname');
});

test('65: two concurrent create-server calls on one occurrence key materialise it once', async () => {
  const key = `${T1.id}-${secs('2027-01-05T19:00:00.000Z')}`;
  const [a, b] = await Promise.all([F.rmA.post(`/sessions/${key}/servers`), F.rmA.post(`/sessions/${key}/servers`)]);
  assert.equal(ok(a).session._id, ok(b).session._id);
  const rows = F.sql(`SELECT id FROM sessions WHERE template_id = '${T1.id}'`);
  assert.equal(rows.length, 1);
  assert.equal(F.sql(`SELECT COUNT(*) AS n FROM session_servers WHERE session_id = '${rows[0].id}'`)[0].n, 2);
});

test('63: GET /sessions/{id}: own session, placeholder, B\'s and random ids null, abc 400', async () => {
  const mine = ok(await F.rmA.get('/sessions')).sessions[0];
  const got = ok(await F.rmA.get(`/sessions/${mine._id}`));
  assert.equal(got.session._id, mine._id);
  const bId = F.sql(`SELECT id FROM sessions WHERE workspace_id = '${F.B.id}'`)[0].id;
  assert.deepEqual(ok(await F.rmA.get(`/sessions/${bId}`)), { success: true, session: null });
  assert.equal(ok(await F.rmB.get(`/sessions/${bId}`)).session.name, 'B only');
  assert.deepEqual(ok(await F.rmA.get('/sessions/0123456789abcdef01234567')), { success: true, session: null });
  const key = `${T1.id}-${secs('2027-01-06T19:00:00.000Z')}`;
  const p = ok(await F.rmA.get(`/sessions/${key}`)).session;
  assert.equal(p._id, 'notCreated');
  assert.equal(p.date, '2027-01-06T19:00:00.000Z');
  assert.equal(ok(await F.rmA.get(`/sessions/${T1.id}-${secs('2027-01-06T19:01:00.000Z')}`)).session, null, 'not an occurrence');
  assert.equal(ok(await F.rmB.get(`/sessions/${key}`)).session, null, 'A\'s template through B');
  for (const bad of ['abc', `${T1.id}-0`, `${T1.id}-x`, T1.id.toUpperCase()])
    reason(await F.rmA.get(`/sessions/${bad}`), 400, 'Invalid session id');
});

test('66: create server: B\'s or unknown session 404, ended 409, 51st server 409', async () => {
  const bId = F.sql(`SELECT id FROM sessions WHERE workspace_id = '${F.B.id}'`)[0].id;
  reason(await F.rmA.post(`/sessions/${bId}/servers`), 404, 'Session not found');
  reason(await F.rmA.post('/sessions/0123456789abcdef01234567'), 404, 'Session not found');
  reason(await F.rmA.post(`/sessions/${T1.id}-${secs('2027-01-06T19:01:00.000Z')}`), 404, 'Session not found');
  reason(await F.rmA.post('/sessions/abc/servers'), 400, 'Invalid session id');
  const past = ok(await F.rmA.get('/sessions')).sessions.length;
  assert.ok(past > 0);
  const ended = F.sql(`SELECT id FROM sessions WHERE workspace_id = '${F.A.id}' AND name = 'Ended'`)[0].id;
  reason(await F.rmA.post(`/sessions/${ended}/servers`), 409, 'Session has ended');
  reason(await F.rmA.post(`/sessions/${T1.id}-${secs('2027-01-03T19:00:00.000Z')}`), 409, 'Session has ended');
  assert.equal(F.sql(`SELECT COUNT(*) AS n FROM sessions WHERE starts_at = ${Date.parse('2027-01-03T19:00:00.000Z')}`)[0].n, 0, 'nothing materialised');
  const s = await F.oneOff(F.A, { name: 'Big', startsAt: iso(now + 6 * HOUR) });
  for (let i = 0; i < 50; i++) ok(await F.rmA.post(`/sessions/${s.id}/servers`, { nickname: `S${i}` }));
  reason(await F.rmA.post(`/sessions/${s.id}/servers`), 409, 'Server limit reached');
  assert.equal(F.sql(`SELECT COUNT(*) AS n FROM session_servers WHERE session_id = '${s.id}'`)[0].n, 50);
});

test('11: invalid JSON, duplicate keys and a non-object body answer reason and message', async () => {
  const s = ok(await F.rmA.get('/sessions')).sessions[0];
  const raw = (body) => F.call('POST', `/sessions/${s._id}/servers`, { headers: { 'loader-id': F.L.Alpha, 'Content-Type': 'application/json' }, body });
  reason(await raw('{"nickname":'), 400, 'Invalid JSON body');
  reason(await raw('{"nickname":"a","nickname":"b"}'), 400, 'Invalid JSON body');
  reason(await raw('[1]'), 400, 'Body must be a JSON object');
});

test('67, 68: claim input and lookups: Invalid request, then 404s in order', async () => {
  const s = ok(await F.rmA.get('/sessions')).sessions.find((x) => x.name === 'Soon');
  const server = ok(await F.rmA.post(`/sessions/${s._id}/servers`)).newServerId;
  const body = { userId: '13', roleId: G1.id, subroleId: sub(G1, 'Any').id };
  for (const f of ['userId', 'roleId', 'subroleId']) {
    const b = { ...body };
    delete b[f];
    reason(await claim(F.rmA, s._id, server, b), 400, 'Invalid request');
  }
  reason(await claim(F.rmA, s._id, server, { ...body, userId: 'abc' }), 400, 'Invalid request');
  reason(await claim(F.rmA, s._id, 'not-a-uuid', body), 400, 'Invalid serverId');
  reason(await claim(F.rmA, '0123456789abcdef01234567', server, body), 404, 'Session not found');
  reason(await claim(F.rmA, s._id, '00000000-0000-4000-8000-000000000000', body), 404, 'Server not found');
  reason(await claim(F.rmA, s._id, server, { ...body, roleId: '00000000-0000-4000-8000-000000000000' }), 404, 'Role not found');
  reason(await claim(F.rmA, s._id, server, { ...body, roleId: G2.id, subroleId: G2.subroles[0].id }), 404, 'Role not found');
  reason(await claim(F.rmA, s._id, server, { ...body, subroleId: G2.subroles[0].id }), 404, 'Subrole not found');
  reason(await claim(F.rmB, s._id, server, body), 404, 'Session not found');
  assert.equal(F.sql(`SELECT COUNT(*) AS n FROM session_claims WHERE server_id = '${server}'`)[0].n, 0);
});

test('69: a claim below minRank is 409; rank 50 succeeds', async () => {
  const s = ok(await F.rmA.get('/sessions')).sessions.find((x) => x.name === 'Soon');
  const server = Object.keys(s.servers)[0];
  const helper = { roleId: G1.id, subroleId: sub(G1, 'Helper').id };
  reason(await claim(F.rmA, s._id, server, { ...helper, userId: 14 }), 409, 'Rank below the subrole minimum');
  reason(await claim(F.rmA, s._id, server, { ...helper, userId: '15' }), 409, 'Rank below the subrole minimum');
  const k = ok(await claim(F.rmA, s._id, server, { ...helper, userId: 11 })).claim;
  assert.equal(k.claimedRole, helper.subroleId);
  assert.equal(k.state, 'none');
  assert.equal(k.claimedBy, '11');
  assert.match(k.claimId, /^[0-9a-f]{24}$/);
  assert.ok(Math.abs(Date.parse(k.claimedAt) - now) < 5000, k.claimedAt);
  const audit = F.sql(`SELECT action, actor_roblox_user_id, game_key_id FROM audit_log WHERE target_id = '${k.claimId}'`);
  assert.deepEqual(audit.map((a) => [a.action, a.actor_roblox_user_id]), [['workspace.sessionClaim.create', '11']]);
  assert.ok(audit[0].game_key_id);
});

test('70: maxUsers 2 and ten parallel claims: exactly two succeed', async () => {
  const s = ok(await F.rmA.get('/sessions')).sessions.find((x) => x.name === 'Soon');
  const server = Object.keys(s.servers)[0];
  const pair = { roleId: G1.id, subroleId: sub(G1, 'Pair').id };
  const results = await Promise.all(Array.from({ length: 10 }, (_, i) => claim(F.rmA, s._id, server, { ...pair, userId: String(101 + i) })));
  const wins = results.filter((r) => r.status === 200);
  assert.equal(wins.length, 2);
  for (const r of results.filter((x) => x.status !== 200)) reason(r, 409, 'Subrole is full');
  assert.equal(F.sql(`SELECT COUNT(*) AS n FROM session_claims WHERE server_id = '${server}' AND subrole_id = '${pair.subroleId}'`)[0].n, 2);
  // The last slot of Host (maxUsers 1) under parallel claims: one winner.
  const host = { roleId: G1.id, subroleId: sub(G1, 'Host').id };
  const race = await Promise.all(['201', '202', '203', '204'].map((u) => claim(F.rmA, s._id, server, { ...host, userId: u })));
  assert.equal(race.filter((r) => r.status === 200).length, 1);
  assert.equal(F.sql(`SELECT COUNT(*) AS n FROM session_claims WHERE server_id = '${server}' AND subrole_id = '${host.subroleId}'`)[0].n, 1);
});

test('71, 72: a repeated claim keeps its claimId; leaving a claimOnce subrole is locked; claimants listed', async () => {
  const s = ok(await F.rmA.get('/sessions')).sessions.find((x) => x.name === 'Soon');
  const server = Object.keys(s.servers)[0];
  const any = { roleId: G1.id, subroleId: sub(G1, 'Any').id };
  const a = ok(await claim(F.rmA, s._id, server, { ...any, userId: '301' })).claim;
  now = F.clock.at('2027-01-04T12:05:00.000Z');
  const b = ok(await claim(F.rmA, s._id, server, { ...any, userId: 301 })).claim;
  assert.deepEqual(b, a, 'same claimId and claimedAt');
  // 301 moves from Any to Pair's... Pair is full: still 409 full, old claim kept.
  reason(await claim(F.rmA, s._id, server, { roleId: G1.id, subroleId: sub(G1, 'Pair').id, userId: '301' }), 409, 'Subrole is full');
  // A different subrole replaces the old claim (state none, new claimId): 11 (rank 50) moves
  // from Helper (claimed in 69, set to current here) to Any, which is not claimOnce.
  const old = F.sql(`SELECT subrole_id, claim_id, claimed_at FROM session_claims WHERE server_id = '${server}' AND roblox_user_id = '11'`);
  assert.deepEqual(old.map((k) => k.subrole_id), [sub(G1, 'Helper').id]);
  ok(await F.mgmt(F.A, 'PATCH', `/sessions/${s._id}/servers/${server}/claims/11`, { body: { state: 'current' } }));
  now = F.clock.at('2027-01-04T12:06:00.000Z');
  const mv = ok(await claim(F.rmA, s._id, server, { ...any, userId: '11' })).claim;
  assert.equal(mv.claimedRole, any.subroleId);
  assert.equal(mv.state, 'none');
  assert.equal(mv.claimedBy, '11');
  assert.match(mv.claimId, /^[0-9a-f]{24}$/);
  assert.notEqual(mv.claimId, old[0].claim_id);
  assert.ok(Date.parse(mv.claimedAt) > old[0].claimed_at, mv.claimedAt);
  assert.deepEqual(F.sql(`SELECT subrole_id, claim_id, state FROM session_claims WHERE server_id = '${server}' AND roblox_user_id = '11'`),
    [{ subrole_id: any.subroleId, claim_id: mv.claimId, state: 'none' }], 'the old claim is gone');
  const holder = F.sql(`SELECT roblox_user_id FROM session_claims WHERE server_id = '${server}' AND subrole_id = '${sub(G1, 'Host').id}'`)[0].roblox_user_id;
  reason(await claim(F.rmA, s._id, server, { ...any, userId: holder }), 409, 'Claim is locked');
  const moved = ok(await claim(F.rmA, s._id, '' + server, { roleId: G1.id, subroleId: sub(G1, 'Host').id, userId: holder })).claim;
  assert.equal(moved.claimedRole, sub(G1, 'Host').id, 'claiming the locked subrole again is a replay');
  const got = ok(await F.rmA.get(`/sessions/${s._id}`)).session;
  assert.ok(got.claims.includes('301'));
  assert.ok(got.claims.includes('11'));
  assert.equal(new Set(got.claims).size, got.claims.length, 'each user once');
  assert.deepEqual(got.servers[server].claims['301'], a);
  assert.deepEqual(got.servers[server].claims['11'], mv);
  assert.equal(got.claims.filter((u) => u === '11').length, 1, '11 listed once after the move');
  assert.equal(F.sql(`SELECT COUNT(*) AS n FROM session_claims WHERE server_id = '${server}' AND roblox_user_id = '301'`)[0].n, 1);
});

test('57, 72: at 22:00 upcoming includes 01:00 tomorrow; claims after endsAt are 409', async () => {
  const night = await F.template(F.A, { name: 'Night', localTime: '01:00', roleGroupIds: [G1.id] });
  const soon = ok(await F.rmA.get('/sessions')).sessions.find((x) => x.name === 'Soon');
  const server = Object.keys(soon.servers)[0];
  now = F.clock.at('2027-01-04T22:00:00.000Z');
  const up = ok(await F.rmA.get('/sessions/upcoming')).sessions;
  assert.ok(up.some((s) => s.occurrenceKey === `${night.id}-${secs('2027-01-05T01:00:00.000Z')}`));
  assert.ok(!up.some((s) => s._id === soon._id), 'Soon ended at 15:00');
  reason(await claim(F.rmA, soon._id, server, { roleId: G1.id, subroleId: sub(G1, 'Any').id, userId: '555' }), 409, 'Session has ended');
  assert.equal(F.sql(`SELECT COUNT(*) AS n FROM session_claims WHERE roblox_user_id = '555'`)[0].n, 0);
});
