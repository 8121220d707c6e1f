// sessions_manage.test.mjs: the management API of platform.md §6.6 (permission
// manage_sessions; reads view_workspace): role groups, templates, sessions (one-offs and
// occurrences with id null), session servers with links to running servers, claims with
// override, cancellations, audit, limits and workspace isolation. The clock starts at
// Monday 2027-02-01 12:00Z and only moves forward.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setup, ok, reason, iso } from './lib/sessions.mjs';
import { expectError } from './lib/harness.mjs';

let F, now, G, T;
const HOUR = 3600000;
const audit = (action, target) => F.sql(`SELECT action, before_json, after_json FROM audit_log WHERE action = '${action}'${target ? ` AND target_id = '${target}'` : ''}`);
const sub = (g, name) => g.subroles.find((s) => s.name === name);

before(async () => {
  F = await setup();
  now = F.clock.at('2027-02-01T12:00:00.000Z');
});
after(async () => { await F?.srv.stop(); });

test('role groups: create, list, validation, audit', async () => {
  G = await F.group(F.A, 'Staff', [{ name: 'Host', maxUsers: 1, minRank: 50, claimOnce: true }, { name: 'Guard', maxUsers: 3 }]);
  assert.match(G.id, /^[0-9a-f-]{36}$/);
  assert.deepEqual(G.subroles.map((s) => [s.name, s.maxUsers, s.minRank, s.claimOnce]), [['Host', 1, 50, true], ['Guard', 3, 0, false]]);
  assert.deepEqual(G.usedBy, []);
  assert.equal(audit('workspace.sessionRoleGroup.create', G.id).length, 1);
  const list = ok(await F.mgmt(F.A, 'GET', '/session-role-groups', { key: F.readKey })).roleGroups;
  assert.deepEqual(list.map((g) => g.id), [G.id]);
  assert.deepEqual(ok(await F.mgmt(F.B, 'GET', '/session-role-groups')).roleGroups, []);
  const bad = (body, code) => F.mgmt(F.A, 'POST', '/session-role-groups', { body }).then((r) => expectError(r, 400, code));
  await bad({ subroles: [] }, 'missing_field');
  await bad({ name: '' }, 'invalid_field');
  await bad({ name: 'x', subroles: [{ name: 'a', maxUsers: 101 }] }, 'invalid_field');
  await bad({ name: 'x', subroles: [{ name: 'a', minRank: 256 }] }, 'invalid_field');
  await bad({ name: 'x', subroles: [{ maxUsers: 1 }] }, 'missing_field');
  await bad({ name: 'x', subroles: [{ name: 'a', colour: 'red' }] }, 'unknown_field');
  await bad({ name: 'x', subroles: ['a'] }, 'invalid_field');
  await bad({ name: 'x', subroles: [{ name: 'a', id: 'nope' }] }, 'invalid_field');
  await bad({ name: 'x', extra: 1 }, 'unknown_field');
  const r = await F.mgmt(F.A, 'POST', '/session-role-groups', { body: { name: 'x', subroles: [{ name: 'a', maxUsers: 101 }] } });
  assert.equal(r.json.error.details.field, 'subroles[0].maxUsers');
  expectError(await F.mgmt(F.A, 'POST', '/session-role-groups', { key: F.readKey, body: { name: 'ro' } }), 403, 'scope_missing');
  assert.equal(F.sql(`SELECT COUNT(*) AS n FROM session_role_groups WHERE workspace_id = '${F.A.id}'`)[0].n, 1);
});

test('role groups: PATCH matches subroles by id, adds new ones, drops missing; foreign ids refused', async () => {
  const host = sub(G, 'Host');
  const g = ok(await F.mgmt(F.A, 'PATCH', `/session-role-groups/${G.id}`, {
    body: { subroles: [{ id: host.id, name: 'Lead', maxUsers: 2, minRank: 50, claimOnce: true }, { name: 'Medic' }] } })).roleGroup;
  assert.equal(g.name, 'Staff');
  assert.deepEqual(g.subroles.map((s) => s.name), ['Lead', 'Medic']);
  assert.equal(g.subroles[0].id, host.id);
  assert.notEqual(g.subroles[1].id, sub(G, 'Guard').id);
  const other = await F.group(F.A, 'Other', [{ name: 'O' }]);
  expectError(await F.mgmt(F.A, 'PATCH', `/session-role-groups/${G.id}`, { body: { subroles: [{ id: other.subroles[0].id, name: 'steal' }] } }), 400, 'invalid_field');
  expectError(await F.mgmt(F.A, 'PATCH', `/session-role-groups/${G.id}`, { body: { subroles: [{ id: host.id, name: 'a' }, { id: host.id, name: 'b' }] } }), 400, 'invalid_field');
  G = ok(await F.mgmt(F.A, 'PATCH', `/session-role-groups/${G.id}`, { body: { name: 'Crew' } })).roleGroup;
  assert.equal(G.name, 'Crew');
  assert.equal(G.subroles.length, 2, 'subroles kept when not given');
  expectError(await F.mgmt(F.B, 'PATCH', `/session-role-groups/${G.id}`, { body: { name: 'B' } }), 404, 'resource_not_found');
  expectError(await F.mgmt(F.A, 'PATCH', '/session-role-groups/not-a-uuid', { body: { name: 'B' } }), 400, 'invalid_field');
  assert.equal(audit('workspace.sessionRoleGroup.update', G.id).length, 2);
  ok(await F.mgmt(F.A, 'DELETE', `/session-role-groups/${other.id}`));
  assert.equal(F.sql(`SELECT COUNT(*) AS n FROM session_subroles WHERE group_id = '${other.id}'`)[0].n, 0);
});

test('templates: create, validation, list, usedBy', async () => {
  T = await F.template(F.A, { name: 'Patrol', roleGroupIds: [G.id], recurrence: 'weekly', weekdays: ['mon', 'wed'], localTime: '18:30', timezone: 'Europe/Paris', description: 'x', appearsMinutesBefore: 20, placeId: '42', gameId: '43' });
  assert.deepEqual(
    { ...T, id: undefined, createdAt: undefined, updatedAt: undefined },
    { id: undefined, name: 'Patrol', description: 'x', roleGroupIds: [G.id], timezone: 'Europe/Paris', recurrence: 'weekly', weekdays: ['mon', 'wed'],
      localTime: '18:30', durationMinutes: 60, appearsMinutesBefore: 20, placeId: '42', gameId: '43', createdAt: undefined, updatedAt: undefined });
  const bad = async (body, code, field) => {
    const res = await F.mgmt(F.A, 'POST', '/session-templates', { body: { name: 'B', timezone: 'UTC', recurrence: 'daily', localTime: '10:00', durationMinutes: 10, ...body } });
    expectError(res, 400, code);
    if (field) assert.equal(res.json.error.details.field ?? res.json.error.details.ids, field);
  };
  await bad({ recurrence: 'weekly' }, 'invalid_field', 'weekdays');
  await bad({ weekdays: ['mon'] }, 'invalid_field', 'weekdays');
  await bad({ recurrence: 'weekly', weekdays: ['monday'] }, 'invalid_field', 'weekdays');
  await bad({ recurrence: 'monthly' }, 'invalid_field', 'recurrence');
  await bad({ localTime: '24:00' }, 'invalid_field', 'localTime');
  await bad({ durationMinutes: 1441 }, 'invalid_field', 'durationMinutes');
  await bad({ appearsMinutesBefore: -1 }, 'invalid_field', 'appearsMinutesBefore');
  await bad({ placeId: 'abc' }, 'invalid_field', 'placeId');
  await bad({ timezone: 'Nowhere/City' }, 'invalid_field', 'timezone');
  await bad({ roleGroupIds: ['00000000-0000-4000-8000-000000000000'] }, 'unknown_ids');
  await bad({ durationMinutes: undefined }, 'missing_field', 'durationMinutes');
  const list = ok(await F.mgmt(F.A, 'GET', '/session-templates')).templates;
  assert.deepEqual(list.map((t) => t.id), [T.id]);
  assert.deepEqual(ok(await F.mgmt(F.A, 'GET', '/session-role-groups')).roleGroups[0].usedBy, [T.id]);
  expectError(await F.mgmt(F.A, 'DELETE', `/session-role-groups/${G.id}`), 409, 'in_use');
  assert.equal(audit('workspace.sessionTemplate.create', T.id).length, 1);
  assert.deepEqual(ok(await F.mgmt(F.B, 'GET', '/session-templates')).templates, []);
});

test('sessions: the default window lists occurrences with id null; paging; span and filters', async () => {
  // Patrol: Mon and Wed 18:30 Paris (17:30Z in February). Now is Monday 12:00Z; the default
  // window (now - 1 d ... now + 7 d) ends before Monday 8 February 17:30Z.
  const res = ok(await F.mgmt(F.A, 'GET', '/sessions'));
  assert.deepEqual(res.sessions.map((s) => s.startsAt), ['2027-02-01T17:30:00.000Z', '2027-02-03T17:30:00.000Z']);
  const wide = ok(await F.mgmt(F.A, 'GET', '/sessions?from=2027-02-01T00:00:00Z&to=2027-02-09T00:00:00Z'));
  assert.deepEqual(wide.sessions.map((s) => s.startsAt),
    ['2027-02-01T17:30:00.000Z', '2027-02-03T17:30:00.000Z', '2027-02-08T17:30:00.000Z']);
  const s = res.sessions[0];
  assert.deepEqual(s, { id: null, occurrenceKey: `${T.id}-${Date.parse('2027-02-01T17:30:00Z') / 1000}`, templateId: T.id, name: 'Patrol', description: 'x',
    startsAt: '2027-02-01T17:30:00.000Z', endsAt: '2027-02-01T18:30:00.000Z', appearsAt: '2027-02-01T17:10:00.000Z', durationMinutes: 60, oneOff: false,
    roleGroupIds: [G.id], placeId: '42', gameId: '43', createdAt: null, createdBy: null, servers: [] });
  const page = ok(await F.mgmt(F.A, 'GET', '/sessions?from=2027-02-01T00:00:00Z&to=2027-02-09T00:00:00Z&pageSize=2&page=2'));
  assert.deepEqual([page.total, page.page, page.pageSize, page.sessions.length], [3, 2, 2, 1]);
  assert.equal(page.sessions[0].startsAt, '2027-02-08T17:30:00.000Z');
  expectError(await F.mgmt(F.A, 'GET', '/sessions?from=2027-01-01T00:00:00Z&to=2027-02-02T00:00:01Z'), 400, 'invalid_parameter');
  expectError(await F.mgmt(F.A, 'GET', '/sessions?from=2027-02-02T00:00:00Z&to=2027-02-01T00:00:00Z'), 400, 'invalid_parameter');
  expectError(await F.mgmt(F.A, 'GET', '/sessions?templateId=xyz'), 400, 'invalid_parameter');
  expectError(await F.mgmt(F.A, 'GET', '/sessions?bogus=1'), 400, 'unknown_parameter');
  assert.equal(ok(await F.mgmt(F.A, 'GET', '/sessions?templateId=0123456789abcdef01234567')).total, 0);
  assert.equal(ok(await F.mgmt(F.B, 'GET', '/sessions')).total, 0);
});

test('sessions: materialise by templateId + startsAt, 409 when it exists, 400 when no occurrence; one-offs', async () => {
  const s = ok(await F.mgmt(F.A, 'POST', '/sessions', { body: { templateId: T.id, startsAt: '2027-02-03T18:30:00+01:00' } })).session;
  assert.match(s.id, /^[0-9a-f]{24}$/);
  assert.equal(s.startsAt, '2027-02-03T17:30:00.000Z');
  assert.equal(s.createdBy, F.sql(`SELECT id FROM users WHERE username = 'owner'`)[0].id);
  expectError(await F.mgmt(F.A, 'POST', '/sessions', { body: { templateId: T.id, startsAt: '2027-02-03T17:30:00Z' } }), 409, 'already_exists');
  expectError(await F.mgmt(F.A, 'POST', '/sessions', { body: { templateId: T.id, startsAt: '2027-02-02T17:30:00Z' } }), 400, 'not_an_occurrence');
  expectError(await F.mgmt(F.A, 'POST', '/sessions', { body: { templateId: T.id, startsAt: 'soon' } }), 400, 'invalid_field');
  expectError(await F.mgmt(F.A, 'POST', '/sessions', { body: { templateId: T.id, startsAt: '2027-02-08T17:30:00Z', name: 'x' } }), 400, 'invalid_field');
  expectError(await F.mgmt(F.B, 'POST', '/sessions', { body: { templateId: T.id, startsAt: '2027-02-08T17:30:00Z' } }), 400, 'invalid_field');
  const listed = ok(await F.mgmt(F.A, 'GET', '/sessions')).sessions;
  assert.deepEqual(listed.map((x) => x.id), [null, s.id], 'the materialised one replaces its placeholder');
  const one = await F.oneOff(F.A, { name: 'Training', startsAt: iso(now + 2 * HOUR), durationMinutes: 45, roleGroupIds: [G.id], placeId: '7', appearsMinutesBefore: 5 });
  assert.deepEqual([one.oneOff, one.templateId, one.occurrenceKey, one.endsAt, one.appearsAt],
    [true, null, null, iso(now + 2 * HOUR + 45 * 60000), iso(now + 2 * HOUR - 5 * 60000)]);
  expectError(await F.mgmt(F.A, 'POST', '/sessions', { body: { startsAt: iso(now), durationMinutes: 5 } }), 400, 'missing_field');
  expectError(await F.mgmt(F.A, 'POST', '/sessions', { body: { name: 'n', startsAt: iso(now) } }), 400, 'missing_field');
  expectError(await F.mgmt(F.A, 'POST', '/sessions', { body: { name: 'n', startsAt: iso(now), durationMinutes: 5, roleGroupIds: ['00000000-0000-4000-8000-000000000000'] } }), 400, 'unknown_ids');
  assert.equal(audit('workspace.session.create').length, 2);
});

test('templates: edits change only unmaterialised occurrences; deletion keeps materialised sessions', async () => {
  const mat = F.sql(`SELECT id, template_json FROM sessions WHERE template_id = '${T.id}'`)[0];
  const t = ok(await F.mgmt(F.A, 'PATCH', `/session-templates/${T.id}`, { body: { localTime: '19:00', name: 'Patrol 2' } })).template;
  assert.deepEqual([t.localTime, t.name, t.timezone, t.weekdays], ['19:00', 'Patrol 2', 'Europe/Paris', ['mon', 'wed']]);
  const list = ok(await F.mgmt(F.A, 'GET', `/sessions?templateId=${T.id}`)).sessions;
  assert.deepEqual(list.map((s) => [s.startsAt, s.name, s.id]), [
    ['2027-02-01T18:00:00.000Z', 'Patrol 2', null],
    ['2027-02-03T17:30:00.000Z', 'Patrol', mat.id],
    ['2027-02-03T18:00:00.000Z', 'Patrol 2', null]]);
  assert.equal(F.sql(`SELECT template_json FROM sessions WHERE id = '${mat.id}'`)[0].template_json, mat.template_json);
  assert.equal(JSON.parse(mat.template_json).schedule.hour, 18);
  expectError(await F.mgmt(F.A, 'PATCH', `/session-templates/${T.id}`, { body: { recurrence: 'daily' } }), 400, 'invalid_field');
  const before = JSON.parse(audit('workspace.sessionTemplate.update', T.id)[0].before_json);
  assert.equal(before.localMinute, 18 * 60 + 30);
  const tmp = await F.template(F.A, { name: 'Temp', localTime: '13:00' });
  ok(await F.mgmt(F.A, 'POST', '/sessions', { body: { templateId: tmp.id, startsAt: '2027-02-01T13:00:00Z' } }));
  ok(await F.mgmt(F.A, 'DELETE', `/session-templates/${tmp.id}`));
  const left = ok(await F.mgmt(F.A, 'GET', `/sessions?templateId=${tmp.id}`)).sessions;
  assert.deepEqual(left.map((s) => [s.name, s.startsAt]), [['Temp', '2027-02-01T13:00:00.000Z']]);
  assert.equal(ok(await F.rmA.get(`/sessions/${left[0].id}`)).session.template.name, 'Temp');
  expectError(await F.mgmt(F.A, 'DELETE', `/session-templates/${tmp.id}`), 404, 'resource_not_found');
  expectError(await F.mgmt(F.B, 'DELETE', `/session-templates/${T.id}`), 404, 'resource_not_found');
});

test('servers: add (materialising an occurrence), rename, link to a running server, delete', async () => {
  const key = `${T.id}-${Date.parse('2027-02-01T18:00:00Z') / 1000}`;
  const x = ok(await F.mgmt(F.A, 'POST', `/sessions/${key}/servers`, { body: { nickname: 'Alpha 1' } })).server;
  assert.deepEqual({ ...x, id: undefined }, { id: undefined, nickname: 'Alpha 1', linkedServerId: null, claims: [] });
  const s = ok(await F.mgmt(F.A, 'GET', `/sessions/${key}`)).session;
  assert.match(s.id, /^[0-9a-f]{24}$/);
  assert.deepEqual(s.servers.map((v) => v.id), [x.id]);
  const running = ok(await F.call('POST', '/activity/createServer', { headers: { 'loader-id': F.L.Alpha, 'Content-Type': 'application/json' }, body: { gameId: 555, placeId: '666', jobId: 'job-1' } }));
  const rid = running.runningGameId;
  const linked = ok(await F.mgmt(F.A, 'PATCH', `/sessions/${s.id}/servers/${x.id}`, { body: { linkedServerId: rid } })).server;
  assert.deepEqual([linked.nickname, linked.linkedServerId], ['Alpha 1', rid]);
  const rm = ok(await F.rmA.get(`/sessions/${s.id}`)).session.servers[x.id];
  assert.deepEqual([rm.linkedToServer, rm.linkedServerReAdminId, rm.linkedServerJobId], [true, rid, 'job-1']);
  expectError(await F.mgmt(F.A, 'PATCH', `/sessions/${s.id}/servers/${x.id}`, { body: { linkedServerId: '0123456789abcdef01234567' } }), 400, 'invalid_field');
  const bRun = ok(await F.call('POST', '/activity/createServer', { headers: { 'loader-id': F.L.Bravo, 'Content-Type': 'application/json' }, body: { gameId: 555, placeId: '666', jobId: 'job-b' } }));
  expectError(await F.mgmt(F.A, 'PATCH', `/sessions/${s.id}/servers/${x.id}`, { body: { linkedServerId: bRun.runningGameId } }), 400, 'invalid_field');
  const un = ok(await F.mgmt(F.A, 'PATCH', `/sessions/${s.id}/servers/${x.id}`, { body: { linkedServerId: null, nickname: 'A-1' } })).server;
  assert.deepEqual([un.nickname, un.linkedServerId], ['A-1', null]);
  expectError(await F.mgmt(F.A, 'PATCH', `/sessions/${s.id}/servers/00000000-0000-4000-8000-000000000000`, { body: { nickname: 'n' } }), 404, 'resource_not_found');
  expectError(await F.mgmt(F.B, 'PATCH', `/sessions/${s.id}/servers/${x.id}`, { body: { nickname: 'n' } }), 404, 'resource_not_found');
  const y = ok(await F.mgmt(F.A, 'POST', `/sessions/${s.id}/servers`, { body: {} })).server;
  ok(await F.mgmt(F.A, 'DELETE', `/sessions/${s.id}/servers/${y.id}`));
  assert.equal(F.sql(`SELECT COUNT(*) AS n FROM session_servers WHERE session_id = '${s.id}'`)[0].n, 1);
  assert.deepEqual(audit('workspace.sessionServer.update', x.id).length, 2);
});

test('claims: PUT with and without override, PATCH state, DELETE; subrole_full always', async () => {
  const s = ok(await F.mgmt(F.A, 'GET', '/sessions')).sessions.find((v) => v.id && v.servers.length === 1);
  const server = s.servers[0].id;
  const base = `/sessions/${s.id}/servers/${server}/claims`;
  const lead = { roleGroupId: G.id, subroleId: sub(G, 'Lead').id };
  const medic = { roleGroupId: G.id, subroleId: sub(G, 'Medic').id };
  expectError(await F.mgmt(F.A, 'PUT', `${base}/14`, { body: lead }), 409, 'rank_too_low');
  const k = ok(await F.mgmt(F.A, 'PUT', `${base}/14`, { body: { ...lead, override: true } })).claim;
  assert.deepEqual([k.robloxUserId, k.roleGroupId, k.subroleId, k.state], ['14', G.id, lead.subroleId, 'none']);
  assert.equal(k.claimedBy, F.sql(`SELECT id FROM users WHERE username = 'owner'`)[0].id);
  ok(await F.mgmt(F.A, 'PUT', `${base}/13`, { body: lead }));
  expectError(await F.mgmt(F.A, 'PUT', `${base}/11`, { body: { ...lead, override: true } }), 409, 'subrole_full');
  expectError(await F.mgmt(F.A, 'PUT', `${base}/14`, { body: medic }), 409, 'already_claimed');
  const moved = ok(await F.mgmt(F.A, 'PUT', `${base}/14`, { body: { ...medic, override: true } })).claim;
  assert.equal(moved.subroleId, medic.subroleId);
  const done = ok(await F.mgmt(F.A, 'PATCH', `${base}/14`, { body: { state: 'completed' } })).claim;
  assert.equal(done.state, 'completed');
  expectError(await F.mgmt(F.A, 'PATCH', `${base}/14`, { body: { state: 'done' } }), 400, 'invalid_field');
  expectError(await F.mgmt(F.A, 'PATCH', `${base}/99`, { body: { state: 'passed' } }), 404, 'resource_not_found');
  expectError(await F.mgmt(F.A, 'PUT', `${base}/abc`, { body: lead }), 400, 'invalid_field');
  expectError(await F.mgmt(F.A, 'PUT', `${base}/11`, { body: { roleGroupId: G.id, subroleId: '00000000-0000-4000-8000-000000000000' } }), 400, 'invalid_field');
  const got = ok(await F.mgmt(F.A, 'GET', `/sessions/${s.id}`)).session.servers[0].claims;
  assert.deepEqual(got.map((c) => [c.robloxUserId, c.state]).sort(), [['13', 'none'], ['14', 'completed']]);
  ok(await F.mgmt(F.A, 'DELETE', `${base}/13`));
  expectError(await F.mgmt(F.A, 'DELETE', `${base}/13`), 404, 'resource_not_found');
  expectError(await F.mgmt(F.B, 'DELETE', `${base}/14`), 404, 'resource_not_found');
  assert.deepEqual(F.sql(`SELECT roblox_user_id, state FROM session_claims WHERE server_id = '${server}'`), [{ roblox_user_id: '14', state: 'completed' }]);
  assert.equal(audit('workspace.sessionClaim.update').length, 1);
  assert.equal(audit('workspace.sessionClaim.delete').length, 1);
});

test('cancellation: a session and an unmaterialised occurrence disappear from both surfaces', async () => {
  const one = await F.oneOff(F.A, { name: 'Cancel me', startsAt: iso(now + 3 * HOUR) });
  const c = ok(await F.mgmt(F.A, 'DELETE', `/sessions/${one.id}`)).session;
  assert.equal(c.id, one.id);
  expectError(await F.mgmt(F.A, 'GET', `/sessions/${one.id}`), 404, 'resource_not_found');
  expectError(await F.mgmt(F.A, 'DELETE', `/sessions/${one.id}`), 404, 'resource_not_found');
  assert.equal(ok(await F.rmA.get(`/sessions/${one.id}`)).session, null);
  assert.ok(!ok(await F.rmA.get('/sessions')).sessions.some((s) => s._id === one.id));
  const key = `${T.id}-${Date.parse('2027-02-03T18:00:00Z') / 1000}`;
  const p = ok(await F.mgmt(F.A, 'DELETE', `/sessions/${key}`)).session;
  assert.equal(p.id, null);
  assert.ok(!ok(await F.mgmt(F.A, 'GET', '/sessions')).sessions.some((s) => s.occurrenceKey === key));
  assert.equal(ok(await F.rmA.get(`/sessions/${key}`)).session, null);
  reason(await F.rmA.post(`/sessions/${key}/servers`), 404, 'Session not found');
  assert.equal(F.sql(`SELECT COUNT(*) AS n FROM session_servers s JOIN sessions x ON x.id = s.session_id WHERE x.cancelled_at IS NOT NULL`)[0].n, 0);
  assert.equal(audit('workspace.session.cancel').length, 2);
  expectError(await F.mgmt(F.A, 'DELETE', '/sessions/abc'), 400, 'invalid_field');
});

test('limits: 100 role groups per workspace, then limit_reached', async () => {
  const have = F.sql(`SELECT COUNT(*) AS n FROM session_role_groups WHERE workspace_id = '${F.A.id}'`)[0].n;
  for (let i = have; i < 100; i++) ok(await F.mgmt(F.A, 'POST', '/session-role-groups', { body: { name: `g${i}` } }));
  expectError(await F.mgmt(F.A, 'POST', '/session-role-groups', { body: { name: 'one too many' } }), 409, 'limit_reached');
  ok(await F.mgmt(F.B, 'POST', '/session-role-groups', { body: { name: 'B is separate' } }));
});
