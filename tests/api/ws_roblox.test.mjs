// ws_roblox.test.mjs: the Roblox-backed routes of platform.md §6.2 on the management API
// (POST …/ranks/sync, PUT …/members/{id}/rank, DELETE …/members/{id}, PUT …/shout) against
// the fake Roblox of lib/fake-roblox.mjs. Workspace A is linked (group 777, Open Cloud key
// and bot cookie) with local ranks; S (group 666, key only) is the one synced; C has a group
// and a cookie but no key; D has a group and a key but no cookie; E has key and cookie but no
// group. "mem" holds manage_members (not manage_workspace) on A only; "view" only views.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, api, ownerSession, sql, expectError } from './lib/harness.mjs';
import { cliKey, firstLogin } from './lib/helpers.mjs';
import { startFakeRoblox } from './lib/fake-roblox.mjs';

const PW = 'member-password-1';
const PW2 = 'member-password-2';
let srv, fake, ownerKey, readKey, A, S, C, D, E;
const K = {};
const call = (m, p, o = {}) => api(srv, m, p, o);
function ok(res) {
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.success, true);
  return res.json.data;
}
const ws = (w, rest, method = 'GET', opts = {}) => call(method, `/api/workspaces/${w.id}${rest}`, { key: ownerKey, ...opts });
const setRank = (w, user, body, opts = {}) => ws(w, `/members/${user}/rank`, 'PUT', { body, ...opts });
const exile = (w, user, opts = {}) => ws(w, `/members/${user}`, 'DELETE', opts);
const shout = (w, message, opts = {}) => ws(w, '/shout', 'PUT', { body: { message }, ...opts });
const sync = (w, opts = {}) => ws(w, '/ranks/sync', 'POST', opts);
const memberRow = (w, user) => sql(srv, `SELECT roblox_role_id, rank, username FROM workspace_members WHERE workspace_id = '${w.id}' AND roblox_user_id = '${user}'`)[0];
const rankRows = (w) => sql(srv, `SELECT roblox_role_id, rank, name, synced_at FROM workspace_ranks WHERE workspace_id = '${w.id}' ORDER BY roblox_role_id`);
const audits = (action) => sql(srv, `SELECT COUNT(*) AS n FROM audit_log WHERE action = '${action}'`)[0].n;
const callsSince = (n) => fake.state.calls.slice(n);

// Runs fn while the fake answers every call with status (or drops every connection).
async function failing(status, fn) {
  if (status === 'drop') fake.state.drop = true; else fake.state.failWith = status;
  try { return await fn(); } finally { fake.state.failWith = null; fake.state.drop = false; }
}

// Each §6.2 mapping of a Roblox failure, for one route call; stored() must not change.
async function eachFailure(fn, stored) {
  const before = stored();
  for (const [status, code, http] of [[429, 'upstream_unavailable', 503], [503, 'upstream_unavailable', 503],
    ['drop', 'upstream_unavailable', 503], [401, 'roblox_not_linked', 409], [403, 'roblox_not_linked', 409],
    [400, 'upstream_rejected', 400], [404, 'upstream_rejected', 400]]) {
    const res = await failing(status, fn);
    expectError(res, http, code);
    if (http === 503) assert.equal(res.headers.get('retry-after'), '5', `${status}`);
    if (code === 'upstream_rejected') assert.deepEqual(res.json.error.details, { robloxStatus: String(status) });
    assert.deepEqual(stored(), before, `${status} stored nothing`);
  }
}

before(async () => {
  fake = await startFakeRoblox({ apiKey: 'oc-key', botCookie: 'bot-cookie' });
  fake.addGroup(777, 'Alpha Group', [
    { id: '10', name: 'Guest', rank: 0 }, { id: '100', name: 'Member', rank: 1 }, { id: '200', name: 'Staff', rank: 50 },
    { id: '300', name: 'Senior', rank: 100 }, { id: '900', name: 'Owner', rank: 255 }]);
  fake.addGroup(666, 'Sync Group', [
    { id: '61', name: 'Guest', rank: 0 }, { id: '62', name: 'Recruit', rank: 5 }, { id: '63', name: 'Officer', rank: 80 },
    { id: '64', name: 'Leader', rank: 255 }]);
  fake.addGroup(888, 'Delta Group', [{ id: '555', name: 'D only', rank: 60 }]);
  fake.addUser(1001, 'alice', 777, '100');
  fake.addUser(1002, 'bob', 777, '100');
  fake.addUser(1003, 'carol');
  fake.addUser(1004, 'dave', 777, '100');
  fake.addUser(1005, 'erin', 777, '200');
  fake.addUser(1006, 'frank', 888, '555');
  srv = await startServer({ args: ['--roblox-api-url', fake.url, '--roblox-legacy-api-url', fake.url] });
  const owner = await ownerSession(srv);
  ownerKey = cliKey(srv, 'owner', 'all', ['workspaces:write', 'staff:write', 'users:write']);
  readKey = cliKey(srv, 'owner', 'ro', ['workspaces:read']);
  const mk = async (name, group, settings) => {
    const w = ok(await call('POST', '/api/workspaces', { key: ownerKey, body: { name, robloxGroupId: group, minSyncRank: 50 } })).workspace;
    ok(await call('PATCH', `/api/workspaces/${w.id}`, { key: ownerKey, body: settings }));
    return w;
  };
  const both = { robloxOpenCloudKey: 'oc-key', robloxBotCookie: 'bot-cookie' };
  A = await mk('Alpha', '777', both);
  S = await mk('Sierra', '666', { robloxOpenCloudKey: 'oc-key' });
  C = await mk('Charlie', '999', { robloxBotCookie: 'bot-cookie' });
  D = await mk('Delta', '888', { robloxOpenCloudKey: 'oc-key' });
  E = await mk('Echo', null, both);
  // 444 is a local rank Roblox does not have: its PATCH is refused with 400.
  for (const [id, rank, name] of [['10', 0, 'Guest'], ['100', 1, 'Member'], ['200', 50, 'Staff'], ['300', 100, 'Senior'], ['444', 150, 'Local only'], ['900', 255, 'Owner']])
    ok(await ws(A, `/ranks/${id}`, 'PUT', { body: { rank, name } }));
  for (const w of [C, E]) ok(await ws(w, '/ranks/300', 'PUT', { body: { rank: 100, name: 'Senior' } }));
  ok(await ws(D, '/ranks/555', 'PUT', { body: { rank: 60, name: 'D only' } }));
  for (const [id, rank, name] of [['62', 10, 'Old recruit'], ['99', 40, 'Gone']])
    ok(await ws(S, `/ranks/${id}`, 'PUT', { body: { rank, name } }));
  ok(await ws(S, '/members/3001', 'PUT', { body: { username: 'stale', robloxRoleId: '99' } }));
  ok(await ws(S, '/members/3002', 'PUT', { body: { username: 'kept', robloxRoleId: '62' } }));
  for (const [w, id, username, role] of [[A, 1002, 'bob', '100'], [A, 1004, 'dave', '100'], [A, 1005, 'erin', '200'], [D, 1006, 'frank', '555'], [C, 1004, 'dave', '300']])
    ok(await ws(w, `/members/${id}`, 'PUT', { body: { username, robloxRoleId: role } }));
  // Two users of A only: "mem" may manage members but not the workspace, "view" may only view.
  for (const [name, perms] of [['mem', ['view_workspace', 'manage_members']], ['view', ['view_workspace']]]) {
    const role = ok(await call('POST', '/api/admin/roles', { key: ownerKey, body: { name: `R ${name}`, level: 40 } })).role;
    ok(await call('PUT', '/api/admin/permissions', { key: ownerKey, body: { roleId: role.id, permissions: perms } }));
    K[`${name}User`] = ok(await call('POST', '/api/users', { key: ownerKey, body: { username: name, password: PW, roleId: role.id } })).user;
    K[name] = cliKey(srv, name, name, ['workspaces:write']);
  }
  K.memSession = await firstLogin(srv, 'mem', PW, PW2);
  await firstLogin(srv, 'view', PW, PW2);
  ok(await call('PUT', '/api/admin/communities', { key: ownerKey,
    body: { id: A.id, name: 'Alpha', allowedUserIds: [owner.user.id, K.memUser.id, K.viewUser.id] } }));
});
after(async () => { await srv?.stop(); await fake?.stop(); });

// --- POST …/ranks/sync ------------------------------------------------------------------------

test('ranks/sync: every Roblox failure maps per §6.2 and stores nothing', async () => {
  const stored = () => ({ ranks: rankRows(S), name: sql(srv, `SELECT roblox_group_name AS n FROM communities WHERE id = '${S.id}'`)[0].n,
    members: [memberRow(S, 3001), memberRow(S, 3002)], audit: audits('workspace.rank.sync') });
  await eachFailure(() => sync(S), stored);
  // The stored key refused by Roblox itself (not a forced status).
  ok(await ws(D, '', 'PATCH', { body: { robloxOpenCloudKey: 'wrong-key' } }));
  const n = fake.state.calls.length;
  expectError(await sync(D), 409, 'roblox_not_linked');
  assert.equal(callsSince(n)[0].apiKey, 'wrong-key');
  ok(await ws(D, '', 'PATCH', { body: { robloxOpenCloudKey: 'oc-key' } }));
  assert.equal(ok(await ws(S, '')).workspace.robloxGroupName, null);
});

test('ranks/sync: no key or no group is 409 roblox_not_linked without a Roblox call', async () => {
  const n = fake.state.calls.length;
  const before = [rankRows(C), rankRows(E)];
  expectError(await sync(C), 409, 'roblox_not_linked');
  expectError(await sync(E), 409, 'roblox_not_linked');
  assert.equal(fake.state.calls.length, n);
  assert.deepEqual([rankRows(C), rankRows(E)], before);
});

test('ranks/sync: replaces the ranks from Open Cloud, fills robloxGroupName, members follow', async () => {
  const n = fake.state.calls.length;
  const a0 = audits('workspace.rank.sync');
  const data = ok(await sync(S));
  assert.deepEqual(data.ranks.map((r) => [r.robloxRoleId, r.rank, r.name, r.isStaff]),
    [['64', 255, 'Leader', true], ['63', 80, 'Officer', true], ['62', 5, 'Recruit', false], ['61', 0, 'Guest', false]]);
  assert.ok(data.ranks.every((r) => r.memberCount === 0));
  const seen = callsSince(n);
  assert.ok(seen.some((c) => c.method === 'GET' && c.path === '/cloud/v2/groups/666'));
  assert.ok(seen.some((c) => c.method === 'GET' && c.path === '/cloud/v2/groups/666/roles'));
  assert.ok(seen.every((c) => c.apiKey === 'oc-key'));
  assert.equal(ok(await ws(S, '')).workspace.robloxGroupName, 'Sync Group');
  assert.deepEqual(ok(await ws(S, '/ranks')).ranks, data.ranks);
  assert.ok(rankRows(S).every((r) => r.synced_at > 0));
  // A role Roblox no longer has leaves its holder without a role; a kept one takes its new rank.
  assert.deepEqual(memberRow(S, 3001), { roblox_role_id: null, rank: 0, username: 'stale' });
  assert.deepEqual(memberRow(S, 3002), { roblox_role_id: '62', rank: 5, username: 'kept' });
  assert.equal(audits('workspace.rank.sync'), a0 + 1);
  // Idempotent: a second sync answers the same ranks.
  assert.deepEqual(ok(await sync(S)).ranks, data.ranks);
});

// --- PUT …/members/{id}/rank ------------------------------------------------------------------

test('rank: by rank number or role id, changed on Roblox, then stored', async () => {
  let n = fake.state.calls.length;
  const m = ok(await setRank(A, 1001, { rank: 100 })).member;
  assert.equal(m.robloxUserId, '1001');
  assert.equal(m.username, 'alice');
  assert.equal(m.robloxRoleId, '300');
  assert.equal(m.rank, 100);
  assert.equal(m.isStaff, true);
  assert.equal(fake.roleOf(777, 1001), '300');
  const patch = callsSince(n).find((c) => c.method === 'PATCH');
  assert.equal(patch.path, '/cloud/v2/groups/777/memberships/m1001');
  assert.deepEqual(JSON.parse(patch.body), { role: 'groups/777/roles/300' });
  assert.deepEqual(memberRow(A, 1001), { roblox_role_id: '300', rank: 100, username: 'alice' });
  n = fake.state.calls.length;
  const m2 = ok(await setRank(A, 1002, { robloxRoleId: '200' })).member;
  assert.equal(m2.robloxRoleId, '200');
  assert.equal(m2.rank, 50);
  assert.equal(fake.roleOf(777, 1002), '200');
  assert.ok(callsSince(n).some((c) => c.method === 'PATCH' && c.path === '/cloud/v2/groups/777/memberships/m1002'));
  assert.equal(sql(srv, `SELECT COUNT(*) AS n FROM audit_log WHERE action = 'workspace.member.update' AND target_id = '1002'`)[0].n, 1);
  // The role already held: no PATCH, same answer.
  n = fake.state.calls.length;
  assert.equal(ok(await setRank(A, 1002, { rank: 50 })).member.robloxRoleId, '200');
  assert.ok(!callsSince(n).some((c) => c.method === 'PATCH'));
});

test('rank: input refusals come before any Roblox call', async () => {
  const n = fake.state.calls.length;
  const before = memberRow(A, 1004);
  for (const [body, code, field] of [
    [{ rank: 0 }, 'invalid_field', 'rank'], [{ rank: 255 }, 'invalid_field', 'rank'],
    [{ robloxRoleId: '10' }, 'invalid_field', 'robloxRoleId'], [{ robloxRoleId: '900' }, 'invalid_field', 'robloxRoleId'],
    [{ rank: 100, robloxRoleId: '300' }, 'invalid_field', 'rank'], [{}, 'missing_field', 'rank'],
    [{ rank: 7 }, 'invalid_field', 'rank'], [{ robloxRoleId: '555' }, 'invalid_field', 'robloxRoleId'],
    [{ robloxRoleId: 'abc' }, 'invalid_field', 'robloxRoleId'], [{ rank: 256 }, 'invalid_field', 'rank'],
    [{ rank: '100' }, 'invalid_field', 'rank'], [{ other: 1 }, 'unknown_field', 'other']]) {
    const res = await setRank(A, 1004, body);
    expectError(res, 400, code);
    assert.equal(res.json.error.details.field, field, JSON.stringify(body));
  }
  expectError(await setRank(A, 'x1', { rank: 100 }), 400, 'invalid_field');
  // Rank 0/255 is refused even where the workspace is not linked (400 before 409).
  expectError(await setRank(C, 1004, { rank: 0 }), 400, 'invalid_field');
  assert.equal(fake.state.calls.length, n);
  assert.deepEqual(memberRow(A, 1004), before);
  assert.equal(fake.roleOf(777, 1004), '100');
});

test('rank: Roblox failures map per §6.2 and store nothing', async () => {
  await eachFailure(() => setRank(A, 1004, { rank: 100 }), () => [memberRow(A, 1004), fake.roleOf(777, 1004)]);
  // Roblox refusing the PATCH itself (a role it does not have).
  let res = await setRank(A, 1004, { robloxRoleId: '444' });
  expectError(res, 400, 'upstream_rejected');
  assert.deepEqual(res.json.error.details, { robloxStatus: '400' });
  // A user Roblox does not know; one not in the group.
  res = await setRank(A, 424242, { rank: 100 });
  expectError(res, 400, 'upstream_rejected');
  assert.deepEqual(res.json.error.details, { robloxStatus: '404' });
  res = await setRank(A, 1003, { rank: 100 });
  expectError(res, 400, 'invalid_field');
  assert.equal(res.json.error.details.field, 'robloxUserId');
  assert.equal(memberRow(A, 1003), undefined);
  assert.equal(memberRow(A, 424242), undefined);
  assert.deepEqual(memberRow(A, 1004), { roblox_role_id: '100', rank: 1, username: 'dave' });
  const n = fake.state.calls.length;
  expectError(await setRank(C, 1004, { rank: 100 }), 409, 'roblox_not_linked');
  expectError(await setRank(E, 1004, { rank: 100 }), 409, 'roblox_not_linked');
  assert.equal(fake.state.calls.length, n);
  assert.deepEqual(memberRow(C, 1004), { roblox_role_id: '300', rank: 100, username: 'dave' });
});

// --- DELETE …/members/{id} --------------------------------------------------------------------

test('exile: failures map per §6.2, the bot cookie rejected is 409, nothing stored', async () => {
  await eachFailure(() => exile(A, 1005), () => [memberRow(A, 1005), fake.roleOf(777, 1005)]);
  fake.state.botCookie = 'rotated-cookie';
  try {
    const n = fake.state.calls.length;
    expectError(await exile(A, 1005), 409, 'roblox_not_linked');
    const del = callsSince(n).find((c) => c.method === 'DELETE');
    assert.equal(del.cookie, '.ROBLOSECURITY=bot-cookie');
  } finally { fake.state.botCookie = 'bot-cookie'; }
  assert.deepEqual(memberRow(A, 1005), { roblox_role_id: '200', rank: 50, username: 'erin' });
  assert.equal(fake.roleOf(777, 1005), '200');
  // No cookie (D), no key (C), no group (E): 409 before any Roblox call.
  const n = fake.state.calls.length;
  expectError(await exile(D, 1006), 409, 'roblox_not_linked');
  expectError(await exile(C, 1004), 409, 'roblox_not_linked');
  assert.equal(fake.state.calls.length, n);
  assert.deepEqual(memberRow(D, 1006), { roblox_role_id: '555', rank: 60, username: 'frank' });
  assert.ok(memberRow(C, 1004));
});

test('exile: exiled on Roblox with the bot cookie, record removed, audited', async () => {
  const n = fake.state.calls.length;
  const m = ok(await exile(A, 1005)).member;
  assert.equal(m.robloxUserId, '1005');
  assert.equal(m.username, 'erin');
  assert.equal(m.robloxRoleId, '200');
  const del = callsSince(n).filter((c) => c.method === 'DELETE' && c.path === '/v1/groups/777/users/1005');
  assert.ok(del.length >= 1);
  assert.equal(del.at(-1).cookie, '.ROBLOSECURITY=bot-cookie');
  assert.equal(fake.roleOf(777, 1005), undefined);
  assert.equal(memberRow(A, 1005), undefined);
  expectError(await ws(A, '/members/1005'), 404, 'resource_not_found');
  assert.equal(sql(srv, `SELECT COUNT(*) AS n FROM audit_log WHERE action = 'workspace.member.delete' AND target_id = '1005'`)[0].n, 1);
  // Unknown record: 404 before Roblox. Malformed id: 400.
  const n2 = fake.state.calls.length;
  expectError(await exile(A, 1005), 404, 'resource_not_found');
  expectError(await exile(A, '0123'), 400, 'invalid_field');
  assert.equal(fake.state.calls.length, n2);
});

test('exile: a user who already left is not exiled again; the stale record goes', async () => {
  ok(await ws(A, '/members/1003', 'PUT', { body: { username: 'carol', robloxRoleId: '100' } }));
  const n = fake.state.calls.length;
  assert.equal(ok(await exile(A, 1003)).member.username, 'carol');
  assert.ok(!callsSince(n).some((c) => c.method === 'DELETE'));
  assert.equal(memberRow(A, 1003), undefined);
});

// --- PUT …/shout ------------------------------------------------------------------------------

test('shout: posted with the bot cookie, answered as shout {message, postedAt}; empty clears', async () => {
  const n = fake.state.calls.length;
  const a0 = audits('workspace.shout.post');
  const s = ok(await shout(A, 'Hello, group')).shout;
  assert.equal(s.message, 'Hello, group');
  assert.match(s.postedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(fake.state.groups.get('777').shout, 'Hello, group');
  const patch = callsSince(n).filter((c) => c.method === 'PATCH' && c.path === '/v1/groups/777/status').at(-1);
  assert.equal(patch.cookie, '.ROBLOSECURITY=bot-cookie');
  assert.equal(audits('workspace.shout.post'), a0 + 1);
  assert.equal(ok(await shout(A, '')).shout.message, '');
  assert.equal(fake.state.groups.get('777').shout, '');
  const long = 'é'.repeat(255);
  assert.equal(ok(await shout(A, long)).shout.message, long);
});

test('shout: input, link and Roblox failures; nothing posted or audited', async () => {
  const n = fake.state.calls.length;
  expectError(await shout(A, 'x'.repeat(256)), 400, 'invalid_field');
  expectError(await ws(A, '/shout', 'PUT', { body: {} }), 400, 'missing_field');
  expectError(await shout(A, 5), 400, 'invalid_field');
  expectError(await shout(D, 'hi'), 409, 'roblox_not_linked');
  expectError(await shout(C, 'hi'), 409, 'roblox_not_linked');
  expectError(await shout(E, 'hi'), 409, 'roblox_not_linked');
  assert.equal(fake.state.calls.length, n);
  await eachFailure(() => shout(A, 'never'), () => [audits('workspace.shout.post'), fake.state.groups.get('777').shout]);
});

// --- permissions, scope, CSRF, isolation --------------------------------------------------------

test('permission, scope and CSRF refusals; another workspace looks like none', async () => {
  const n = fake.state.calls.length;
  const before = [memberRow(A, 1004), rankRows(A)];
  let res = await sync(A, { key: K.mem });
  expectError(res, 403, 'forbidden');
  assert.equal(res.json.error.details.permission, 'manage_workspace');
  for (const r of [await setRank(A, 1004, { rank: 100 }, { key: K.view }), await exile(A, 1004, { key: K.view }),
    await shout(A, 'hi', { key: K.view })]) {
    expectError(r, 403, 'forbidden');
    assert.equal(r.json.error.details.permission, 'manage_members');
  }
  for (const r of [await sync(A, { key: readKey }), await setRank(A, 1004, { rank: 100 }, { key: readKey }),
    await exile(A, 1004, { key: readKey }), await shout(A, 'hi', { key: readKey })]) {
    expectError(r, 403, 'scope_missing');
  }
  const s = { session: K.memSession, csrf: false, key: undefined };
  expectError(await setRank(A, 1004, { rank: 100 }, s), 403, 'csrf_failed');
  expectError(await exile(A, 1004, s), 403, 'csrf_failed');
  expectError(await shout(A, 'hi', s), 403, 'csrf_failed');
  expectError(await call('PUT', `/api/workspaces/${A.id}/shout`, { body: { message: 'hi' } }), 401, 'unauthenticated');
  // "mem" may not moderate D: 404 as for an unknown workspace, before any Roblox call.
  for (const r of [await setRank(D, 1006, { rank: 60 }, { key: K.mem }), await exile(D, 1006, { key: K.mem }),
    await shout(D, 'hi', { key: K.mem })]) {
    expectError(r, 404, 'community_not_found');
  }
  expectError(await call('PUT', `/api/workspaces/${'0'.repeat(24)}/shout`, { key: ownerKey, body: { message: 'x' } }), 404, 'community_not_found');
  // D's rank is not A's; A's member record is not D's.
  expectError(await setRank(A, 1006, { robloxRoleId: '555' }), 400, 'invalid_field');
  expectError(await exile(D, 1004), 404, 'resource_not_found');
  assert.equal(fake.state.calls.length, n);
  assert.deepEqual([memberRow(A, 1004), rankRows(A)], before);
  assert.ok(memberRow(D, 1006));
  // With its permission and a CSRF token, "mem" changes a rank through a session.
  const m = ok(await setRank(A, 1004, { rank: 50 }, { session: K.memSession, key: undefined })).member;
  assert.equal(m.robloxRoleId, '200');
  assert.equal(fake.roleOf(777, 1004), '200');
});
