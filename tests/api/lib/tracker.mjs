// tracker.mjs: fixtures for the activity-tracker tests (tracker*.test.mjs): a server with a
// fast job loop, workspaces A and B (minSyncRank 50) with ranks, staff and non-staff members
// and loader keys, and small helpers for the ReAdmin tracker routes and the management API.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, api, ownerSession, sql } from './harness.mjs';
import { cliKey, clock } from './helpers.mjs';

// Staff in A: 9 (rank 50), 13 (rank 150); 14 is a member below minSyncRank; 15 has no record.
export const STAFF = '9', SENIOR = '13', MEMBER = '14', STRANGER = '15';

export async function setup({ env = {} } = {}) {
  const srv = await startServer({ env: { ROSTER_TEST_JOBS_INTERVAL_MS: '50', ...env } });
  const owner = await ownerSession(srv);
  const ownerKey = cliKey(srv, 'owner', 'all', ['workspaces:write']);
  const t = { srv, owner, ownerKey, clk: clock(srv), L: {} };
  t.call = (m, p, o = {}) => api(srv, m, p, o);
  t.mgmt = (ws, method, rest, opts = {}) => t.call(method, `/api/workspaces/${ws.id}${rest}`, { key: ownerKey, ...opts });
  t.sql = (q) => sql(srv, q);
  // A write behind the server's back (fixtures too big for the rate limits), waiting out its locks.
  t.exec = (q) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.dbPath, q]);
  const mk = async (name, group) => {
    const ws = ok(await t.call('POST', '/api/workspaces', { key: ownerKey, body: { name, robloxGroupId: group, minSyncRank: 50 } })).workspace;
    for (const [id, rank] of [['100', 10], ['200', 50], ['300', 150]])
      ok(await t.mgmt(ws, 'PUT', `/ranks/${id}`, { body: { rank, name: `R${rank}` } }));
    t.L[name] = ok(await t.mgmt(ws, 'POST', '/loader-keys', { body: { name: 'game' } })).secret;
    return ws;
  };
  t.A = await mk('A', '777');
  t.B = await mk('B', '888');
  for (const [id, role] of [[STAFF, '200'], [SENIOR, '300'], [MEMBER, '100']])
    ok(await t.mgmt(t.A, 'PUT', `/members/${id}`, { body: { username: `user${id}`, robloxRoleId: role } }));
  ok(await t.mgmt(t.B, 'PUT', '/members/21', { body: { username: 'bstaff', robloxRoleId: '300' } }));
  // ReAdmin calls: loader key header, JSON body; `gameId` goes in the body unless query says.
  t.ra = (key, method, path, body, { query = '', headers = {} } = {}) =>
    t.call(method, path + query, { headers: { 'loader-id': key, 'Content-Type': 'application/json', ...headers }, body: body ?? {} });
  t.createServer = async (key, jobId, extra = {}) =>
    ok(await t.ra(key, 'POST', '/activity/createServer', { gameId: 555, placeId: '666', jobId, ...extra }));
  t.join = (key, gameId, playerId, extra = {}) => t.ra(key, 'POST', '/activity/playerJoin', { gameId, playerId, ...extra });
  t.leave = (key, gameId, playerId, extra = {}) =>
    t.ra(key, 'DELETE', '/activity/playerLeave', { gameId, playerId, events: [], leftTime: t.nowS(), ...extra });
  t.send = (key, gameId, events, extra = {}) => t.ra(key, 'POST', '/activity/sendData', { gameId, events, ...extra });
  // The server's clock (real time + the offset the test moved it by).
  t.now = () => Date.now() + t.clk.offset;
  t.nowS = () => t.now() / 1000;
  t.session = (id) => t.sql(`SELECT * FROM play_sessions WHERE id = '${id}'`)[0];
  t.totals = (ws, user) => t.sql(`SELECT * FROM minute_totals WHERE workspace_id = '${ws.id}' AND roblox_user_id = '${user}'`);
  t.server = (id) => t.sql(`SELECT * FROM running_servers WHERE id = '${id}'`)[0];
  t.stop = () => srv.stop();
  return t;
}

export function ok(res) {
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.success, true, res.text);
  return res.json.data ?? res.json;
}

export function reason(res, status, text, extra) {
  assert.equal(res.status, status, res.text);
  const want = { success: false, reason: text };
  if (extra) want[extra] = text;
  assert.deepEqual(res.json, want);
}

// Waits (real time) until fn() is truthy; the job loop runs every 50 ms.
export async function until(fn, ms = 5000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) assert.fail('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

// Event helpers: times in seconds from a base (ms), as the module sends them.
export const ev = (type, base, secs, extra = {}) => ({ type, datetime: base + secs * 1000, ...extra });
