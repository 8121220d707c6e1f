// sessions.mjs: fixtures shared by the sessions*.test.mjs files (readmin-compat.md §3.4,
// platform.md §6.6): a server with workspaces A and B (loader keys, ranks, members), and small
// helpers for both surfaces. The clock helper sets the server's clock to an absolute instant;
// tests only ever move it forward within a file.
import assert from 'node:assert/strict';
import { startServer, api, ownerSession, sql } from './harness.mjs';
import { cliKey } from './helpers.mjs';

export function ok(res) {
  assert.equal(res.status, 200, res.text);
  return res.json.success === true && res.json.data ? res.json.data : res.json;
}

// A Sessions error: `reason` and `message` carry the same text (§1.2).
export function reason(res, status, text) {
  assert.equal(res.status, status, res.text);
  assert.deepEqual(res.json, { success: false, reason: text, message: text });
}

export async function setup() {
  const srv = await startServer();
  await ownerSession(srv);
  const ownerKey = cliKey(srv, 'owner', 'all', ['workspaces:write']);
  const readKey = cliKey(srv, 'owner', 'ro', ['workspaces:read']);
  const call = (m, p, o = {}) => api(srv, m, p, o);
  const mgmt = (ws, method, rest, opts = {}) => call(method, `/api/workspaces/${ws.id}${rest}`, { key: ownerKey, ...opts });
  const L = {};
  const mk = async (name, group) => {
    const ws = ok(await call('POST', '/api/workspaces', { key: ownerKey, body: { name, robloxGroupId: group, minSyncRank: 50 } })).workspace;
    for (const [id, rank] of [['100', 10], ['200', 50], ['300', 150]])
      ok(await mgmt(ws, 'PUT', `/ranks/${id}`, { body: { rank, name: `R${rank}` } }));
    L[name] = ok(await mgmt(ws, 'POST', '/loader-keys', { body: { name: 'game' } })).secret;
    return ws;
  };
  const A = await mk('Alpha', '777');
  const B = await mk('Bravo', '888');
  // A: 11 rank 50, 13 rank 150, 14 rank 10; 15 has no member record (rank 0).
  for (const [id, role] of [['11', '200'], ['13', '300'], ['14', '100']])
    ok(await mgmt(A, 'PUT', `/members/${id}`, { body: { username: `user${id}`, robloxRoleId: role } }));
  const rm = (key) => ({
    get: (p) => call('GET', p, { headers: { 'loader-id': key } }),
    post: (p, body = {}) => call('POST', p, { headers: { 'loader-id': key, 'Content-Type': 'application/json' }, body }),
  });
  const clock = {
    at(iso) {
      const target = Date.parse(iso);
      srv.setClockOffset(target - Date.now());
      return target;
    },
  };
  return {
    srv, ownerKey, readKey, call, mgmt, A, B, L, rmA: rm(L.Alpha), rmB: rm(L.Bravo), rm, clock,
    sql: (q) => sql(srv, q),
    async group(ws, name, subroles) {
      return ok(await mgmt(ws, 'POST', '/session-role-groups', { body: { name, subroles } })).roleGroup;
    },
    async template(ws, body) {
      return ok(await mgmt(ws, 'POST', '/session-templates', {
        body: { name: 'T', timezone: 'UTC', recurrence: 'daily', localTime: '19:00', durationMinutes: 60, ...body },
      })).template;
    },
    async oneOff(ws, body) {
      return ok(await mgmt(ws, 'POST', '/sessions', { body: { name: 'One', durationMinutes: 60, ...body } })).session;
    },
  };
}

export const iso = (ms) => new Date(ms).toISOString();
export const secs = (isoText) => Date.parse(isoText) / 1000;
