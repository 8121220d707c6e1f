// fake-roblox.mjs: a small Open Cloud v2 stand-in for API tests (readmin-compat.md §1.8). It
// speaks the documented paths and shapes under /cloud/v2/ on a random loopback port, plus the
// two legacy groups calls (exile, shout) under /v1/ with the .ROBLOSECURITY cookie and the
// X-CSRF-TOKEN handshake; keeps its state in memory for the test to set, can be told to answer
// every call with one status (429, 503, 401...), and logs each call. Start roster with
// `--roblox-api-url ${fake.url} --roblox-legacy-api-url ${fake.url}`.
import http from 'node:http';

const CSRF_TOKEN = 'fake-csrf-token';

export async function startFakeRoblox({ apiKey = null, botCookie = null } = {}) {
  const state = {
    groups: new Map(), // groupId -> { name, roles: [{id, name, rank}], members: Map(userId -> roleId), joinRequests: Map(userId -> createTime) }
    users: new Map(), // userId -> { name, displayName }
    failWith: null, // a status every call answers with
    botCookie, // the .ROBLOSECURITY value the legacy calls accept (null: any)
    csrfBroken: false, // answer 403 + a fresh token forever
    drop: false, // close every connection without an answer (a network failure)
    huge: false, // answer 200 with a body over 1 MiB
    calls: [], // { method, path, query, body, apiKey }
    failOn: [], // [{ method, re, status }]: calls whose method and path match answer status
    hostileRoleId: null, // a role id the roles list answers for its first role (hardening tests)
    hostilePath: null, // a membership `path` the memberships list answers (hardening tests)
    hostileMemberRole: null, // a membership `role` the memberships list answers (hardening tests)
  };
  const send = (res, status, obj) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(obj === undefined ? '' : JSON.stringify(obj));
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      const u = new URL(req.url, 'http://fake');
      const call = { method: req.method, path: u.pathname, query: Object.fromEntries(u.searchParams), body,
        apiKey: req.headers['x-api-key'], cookie: req.headers.cookie, csrf: req.headers['x-csrf-token'] };
      state.calls.push(call);
      if (state.drop) return req.socket.destroy();
      if (state.huge) return send(res, 200, { pad: 'x'.repeat(1100000) });
      if (state.failWith) return send(res, state.failWith, { code: 'FAILED', message: 'forced' });
      const forced = state.failOn.find((f) => f.method === req.method && f.re.test(u.pathname));
      if (forced) return send(res, forced.status, { code: 'FAILED', message: 'forced' });
      if (u.pathname.startsWith('/v1/')) return legacy(req.method, u.pathname, body, call, res);
      if (apiKey !== null && call.apiKey !== apiKey) return send(res, 401, { code: 'UNAUTHENTICATED' });
      route(req.method, decodeURIComponent(u.pathname), u.searchParams, body, res);
    });
  });
  const page = (items, size, token) => {
    const start = token ? Number(token) : 0;
    const slice = items.slice(start, start + size);
    return { slice, next: start + size < items.length ? String(start + size) : '' };
  };
  function route(method, path, q, body, res) {
    let m;
    if (method === 'GET' && (m = path.match(/^\/cloud\/v2\/users\/(\d+)$/))) {
      const u = state.users.get(m[1]);
      return u ? send(res, 200, { path: `users/${m[1]}`, id: m[1], name: u.name, displayName: u.displayName ?? u.name })
        : send(res, 404, { code: 'NOT_FOUND' });
    }
    if (!(m = path.match(/^\/cloud\/v2\/groups\/(\d+)(\/.*)?$/))) return send(res, 404, { code: 'NOT_FOUND' });
    const gid = m[1];
    const g = state.groups.get(gid);
    const rest = m[2] || '';
    if (!g) return send(res, 404, { code: 'NOT_FOUND' });
    if (method === 'GET' && rest === '') return send(res, 200, { path: `groups/${gid}`, id: gid, displayName: g.name });
    if (method === 'GET' && rest === '/roles') {
      const { slice, next } = page(g.roles, Number(q.get('maxPageSize') || 10), q.get('pageToken'));
      return send(res, 200, { groupRoles: slice.map((r, i) => ({ path: `groups/${gid}/roles/${r.id}`, id: i === 0 && !q.get('pageToken') && state.hostileRoleId !== null ? state.hostileRoleId : r.id, displayName: r.name, rank: r.rank, memberCount: 0 })), nextPageToken: next });
    }
    if (method === 'GET' && rest === '/memberships') {
      const f = (q.get('filter') || '').match(/^user == 'users\/(\d+)'$/);
      const ids = [...g.members.keys()].filter((id) => !f || id === f[1]);
      return send(res, 200, { groupMemberships: ids.map((id) => ({ path: state.hostilePath ?? `groups/${gid}/memberships/m${id}`, user: `users/${id}`, role: state.hostileMemberRole ?? `groups/${gid}/roles/${g.members.get(id)}` })), nextPageToken: '' });
    }
    if (method === 'PATCH' && (m = rest.match(/^\/memberships\/m(\d+)$/))) {
      if (!g.members.has(m[1])) return send(res, 404, { code: 'NOT_FOUND' });
      const role = JSON.parse(body || '{}').role || '';
      const r = role.match(new RegExp(`^groups/${gid}/roles/(\\d+)$`));
      if (!r || !g.roles.some((x) => x.id === r[1])) return send(res, 400, { code: 'INVALID_ARGUMENT' });
      g.members.set(m[1], r[1]);
      return send(res, 200, { path: `groups/${gid}/memberships/m${m[1]}`, user: `users/${m[1]}`, role });
    }
    if (method === 'GET' && rest === '/join-requests') {
      const items = [...g.joinRequests.entries()];
      const { slice, next } = page(items, Math.min(Number(q.get('maxPageSize') || 10), 20), q.get('pageToken'));
      return send(res, 200, { groupJoinRequests: slice.map(([id, t]) => ({ path: `groups/${gid}/join-requests/${id}`, createTime: t, user: `users/${id}` })), nextPageToken: next });
    }
    if (method === 'POST' && (m = rest.match(/^\/join-requests\/(\d+):(accept|decline)$/))) {
      if (!g.joinRequests.has(m[1])) return send(res, 404, { code: 'NOT_FOUND' });
      g.joinRequests.delete(m[1]);
      if (m[2] === 'accept') g.members.set(m[1], g.roles.find((r) => r.rank > 0)?.id ?? '0');
      return send(res, 200, {});
    }
    return send(res, 404, { code: 'NOT_FOUND' });
  }
  // The legacy groups API: cookie first (401), then the CSRF handshake (403 + token).
  function legacy(method, path, body, call, res) {
    const cookie = (call.cookie || '').match(/^\.ROBLOSECURITY=(.+)$/);
    if (!cookie || (state.botCookie !== null && cookie[1] !== state.botCookie)) return send(res, 401, { errors: [{ code: 0 }] });
    if (state.csrfBroken || call.csrf !== CSRF_TOKEN) {
      res.writeHead(403, { 'Content-Type': 'application/json', 'x-csrf-token': CSRF_TOKEN });
      return res.end(JSON.stringify({ errors: [{ code: 0, message: 'Token Validation Failed' }] }));
    }
    let m;
    if (method === 'DELETE' && (m = path.match(/^\/v1\/groups\/(\d+)\/users\/(\d+)$/))) {
      const g = state.groups.get(m[1]);
      if (!g || !g.members.has(m[2])) return send(res, 400, { errors: [{ code: 3 }] });
      g.members.delete(m[2]);
      return send(res, 200, {});
    }
    if (method === 'PATCH' && (m = path.match(/^\/v1\/groups\/(\d+)\/status$/))) {
      const g = state.groups.get(m[1]);
      if (!g) return send(res, 400, { errors: [{ code: 1 }] });
      g.shout = JSON.parse(body || '{}').message;
      return send(res, 200, { body: g.shout });
    }
    return send(res, 404, { errors: [{ code: 0 }] });
  }
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    addGroup(id, name, roles) { state.groups.set(String(id), { name, roles, members: new Map(), joinRequests: new Map() }); },
    addUser(id, name, groupId = null, roleId = null) {
      state.users.set(String(id), { name });
      if (groupId) state.groups.get(String(groupId)).members.set(String(id), String(roleId));
    },
    roleOf(groupId, userId) { return state.groups.get(String(groupId)).members.get(String(userId)); },
    callsTo(re) { return state.calls.filter((c) => re.test(c.path)); },
    async stop() { await new Promise((resolve) => server.close(resolve)); },
  };
}
