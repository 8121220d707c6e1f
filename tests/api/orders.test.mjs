// orders.test.mjs: orders on both surfaces: ReAdmin #22-#30 (readmin-compat.md §3.6, §4.13;
// §6 checklist items 81-90 and conventions 3, 4, 11, 14, 15 on these routes) and the
// management routes of platform.md §6.7 (…/orders). Workspace A (orders on, timezone
// America/New_York) and B (orders on) hold orders; C has the module off; D numbers by day.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startServer, api, ownerSession, sql, expectError } from './lib/harness.mjs';
import { cliKey, clock } from './lib/helpers.mjs';

let srv, ownerKey, readKey, clk, A, B, C, D;
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
const H = (key) => ({ 'loader-id': key, ...JSONH });
const create = (key, body) => call('POST', '/orders', { headers: H(key), body });
const list = (key, q = '') => call('GET', `/orders${q}`, { headers: { 'loader-id': key } });
const move = (key, id, action, actorId) => call('PUT', `/orders/${id}/${action}`, { headers: H(key), body: actorId === undefined ? {} : { actorId } });
const mgmt = (ws, method, rest = '', opts = {}) => call(method, `/api/workspaces/${ws.id}/orders${rest}`, { key: ownerKey, ...opts });
const hex = (n) => randomBytes(n).toString('hex');
const count = (ws) => sql(srv, `SELECT COUNT(*) AS n FROM orders WHERE workspace_id = '${ws.id}'`)[0].n;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const basic = (extra = {}) => ({ customerId: '100', items: [{ name: 'Burger', quantity: 2, unitPrice: 5 }], ...extra });
const newOrder = async (key = L.A, extra = {}) => ok(await create(key, basic(extra))).order;
const now = () => Date.now() + clk.offset;

const STATES = ['submitted', 'claimed', 'released', 'completed', 'awaiting_customer', 'handed_to_customer', 'cancelled'];
const ALLOWED = {
  claim: ['submitted', 'released'],
  release: ['claimed'],
  complete: ['submitted', 'claimed', 'released'],
  setAwaitingPickup: ['claimed', 'completed'],
  setHandedToCustomer: ['submitted', 'claimed', 'released', 'completed', 'awaiting_customer'],
  cancel: ['submitted', 'claimed', 'released', 'completed', 'awaiting_customer'],
};
const TARGET = { claim: 'claimed', release: 'released', complete: 'completed', setAwaitingPickup: 'awaiting_customer', setHandedToCustomer: 'handed_to_customer', cancel: 'cancelled' };
// The moves that bring a new order to each state (by actor 900).
const PATH = {
  submitted: [], claimed: ['claim'], released: ['claim', 'release'], completed: ['complete'],
  awaiting_customer: ['claim', 'setAwaitingPickup'], handed_to_customer: ['setHandedToCustomer'], cancelled: ['cancel'],
};
async function orderIn(state, key = L.A) {
  const o = await newOrder(key);
  for (const a of PATH[state]) ok(await move(key, o._id, a, '900'));
  return o._id;
}

// UTC ms of a wall-clock time in America/New_York (the zone is 4 or 5 hours behind UTC).
function nyTime(y, mo, d, h, mi) {
  for (const off of [4, 5]) {
    const t = Date.UTC(y, mo - 1, d, h + off, mi);
    const parts = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour12: false, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).formatToParts(new Date(t));
    const g = (k) => Number(parts.find((p) => p.type === k).value);
    if (g('year') === y && g('month') === mo && g('day') === d && g('hour') % 24 === h && g('minute') === mi) return t;
  }
  throw new Error('no such New York time');
}

before(async () => {
  srv = await startServer();
  clk = clock(srv);
  await ownerSession(srv);
  ownerKey = cliKey(srv, 'owner', 'all', ['workspaces:write']);
  readKey = cliKey(srv, 'owner', 'ro', ['workspaces:read']);
  const mk = async (name, group, settings) => {
    const ws = ok(await call('POST', '/api/workspaces', { key: ownerKey, body: { name, robloxGroupId: group } })).workspace;
    ok(await call('PATCH', `/api/workspaces/${ws.id}`, { key: ownerKey, body: settings }));
    L[name] = ok(await call('POST', `/api/workspaces/${ws.id}/loader-keys`, { key: ownerKey, body: { name: 'game' } })).secret;
    return ws;
  };
  A = await mk('A', '777', { modules: { orders: true }, timezone: 'America/New_York' });
  B = await mk('B', '888', { modules: { orders: true } });
  C = await mk('C', '999', { modules: { orders: false } });
  D = await mk('D', '555', { modules: { orders: true }, timezone: 'America/New_York' });
});
after(async () => { await srv?.stop(); });

test('82: create answers 200 submitted; numbers 1, 2 per New York day, across the UTC date line, restarting the next local day', async () => {
  // Noon in New York tomorrow, then 19:30 the same local day (00:30 UTC the day after), then 00:30 the next local day.
  const t = new Date(now() + 86400000);
  const fmt = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(t).split('-').map(Number);
  const noon = nyTime(fmt[0], fmt[1], fmt[2], 12, 0);
  clk.advance(noon - now());
  const first = await create(L.D, basic({ cashierId: 200 }));
  const o1 = ok(first).order;
  assert.deepEqual(Object.keys(ok(first)).sort(), ['order', 'success']);
  assert.equal(o1.status, 'submitted');
  assert.equal(o1.orderNumber, 1);
  assert.equal((await newOrder(L.D)).orderNumber, 2);
  assert.equal(ok(await create(L.A, basic())).order.orderNumber, 1); // A numbers on its own
  clk.advance(nyTime(fmt[0], fmt[1], fmt[2], 19, 30) - now());
  const late = await newOrder(L.D);
  assert.equal(late.orderNumber, 3);
  assert.notEqual(late.created.slice(0, 10), o1.created.slice(0, 10)); // another UTC date
  const next = new Date(noon + 86400000);
  const f2 = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/New_York' }).format(next).split('-').map(Number);
  clk.advance(nyTime(f2[0], f2[1], f2[2], 0, 30) - now());
  assert.equal((await newOrder(L.D)).orderNumber, 1);
  assert.equal((await newOrder(L.D)).orderNumber, 2);
  // B has no timezone setting of its own: UTC days.
  assert.equal((await newOrder(L.B)).orderNumber >= 1, true);
});

test('24: a full create stores items, computes total, logs `created` by cashier, else customer; audited', async () => {
  const body = {
    customerId: 1234, cashierId: '5678', placeId: 42, gameId: '43', source: 'kiosk', note: 'No onions',
    items: [{ productId: 'burger-1', name: 'Burger', quantity: 2, unitPrice: 250 }, { productId: 7, name: 'Fries', quantity: 1, unitPrice: 0 }],
    unknownField: true,
  };
  const o = ok(await create(L.A, body)).order;
  assert.deepEqual(Object.keys(o).sort(), ['_id', 'cashierId', 'claimed', 'completed', 'created', 'customerId', 'distribution', 'finished', 'gameId', 'groupId', 'involvedUsers', 'items', 'lastModified', 'log', 'note', 'orderNumber', 'placeId', 'preparedBy', 'source', 'status', 'total'].sort());
  assert.match(o._id, /^[0-9a-f]{24}$/);
  assert.equal(o.groupId, '777');
  assert.equal(o.customerId, '1234');
  assert.equal(o.cashierId, '5678');
  assert.equal(o.placeId, '42');
  assert.equal(o.gameId, '43');
  assert.equal(o.source, 'kiosk');
  assert.equal(o.note, 'No onions');
  assert.equal(o.total, 500);
  assert.equal(o.distribution, 1);
  assert.equal(o.preparedBy, null);
  assert.deepEqual(o.items, [{ productId: 'burger-1', name: 'Burger', unitPrice: 250, quantity: 2 }, { productId: '7', name: 'Fries', unitPrice: 0, quantity: 1 }]);
  assert.equal(o.log.length, 1);
  assert.deepEqual([o.log[0].event, o.log[0].userId], ['created', '5678']);
  assert.match(o.log[0].date, ISO);
  assert.deepEqual(o.involvedUsers, ['5678']);
  assert.equal(o.created, o.lastModified);
  for (const k of ['claimed', 'completed', 'finished']) assert.equal(o[k], null);
  // Unpriced item: total null; no cashier: log by the customer; source defaults to api.
  const u = ok(await create(L.A, { customerId: '99', items: [{ name: 'Mystery', quantity: 1 }, { name: 'Soda', quantity: 3, unitPrice: 2 }] })).order;
  assert.equal(u.total, null);
  assert.equal(u.source, 'api');
  assert.equal(u.items[0].unitPrice, null);
  assert.equal(u.items[0].productId, null);
  assert.deepEqual(o.log.map((l) => l.event), ['created']);
  assert.equal(u.log[0].userId, '99');
  assert.equal(u.cashierId, null);
  assert.equal(u.placeId, null);
  const audit = sql(srv, `SELECT action, game_key_id, actor_roblox_user_id FROM audit_log WHERE target_id = '${o._id}'`);
  assert.deepEqual(audit.map((a) => a.action), ['workspace.order.create']);
  assert.ok(audit[0].game_key_id);
  assert.equal(audit[0].actor_roblox_user_id, '5678');
});

test('83: missing customerId, empty items, quantity 0 and every other bad value are 400; nothing stored', async () => {
  const n = count(A);
  reason(await create(L.A, {}), 400, 'Missing customerId');
  reason(await create(L.A, { items: basic().items }), 400, 'Missing customerId');
  reason(await create(L.A, { customerId: null, items: basic().items }), 400, 'Missing customerId');
  reason(await create(L.A, { customerId: '1' }), 400, 'Missing items');
  reason(await create(L.A, { customerId: '1', items: null }), 400, 'Missing items');
  reason(await create(L.A, basic({ customerId: 'abc' })), 400, 'Invalid customerId');
  const badItems = [[], {}, 'x', [1], Array(51).fill({ name: 'a', quantity: 1 }),
    [{ name: 'a', quantity: 0 }], [{ name: 'a', quantity: 100 }], [{ name: 'a', quantity: 1.5 }], [{ name: 'a', quantity: '1' }],
    [{ name: 'a' }], [{ quantity: 1 }], [{ name: '', quantity: 1 }], [{ name: 'x'.repeat(101), quantity: 1 }], [{ name: 'a\u0001', quantity: 1 }],
    [{ name: 'a', quantity: 1, unitPrice: -1 }], [{ name: 'a', quantity: 1, unitPrice: 1e9 + 1 }], [{ name: 'a', quantity: 1, unitPrice: 1.5 }],
    [{ name: 'a', quantity: 1, productId: 'p'.repeat(65) }], [{ name: 'a', quantity: 1, productId: '' }], [{ name: 'a', quantity: 1, productId: true }]];
  for (const items of badItems) reason(await create(L.A, { customerId: '1', items }), 400, 'Invalid items');
  reason(await create(L.A, basic({ cashierId: 'x' })), 400, 'Invalid cashierId');
  reason(await create(L.A, basic({ placeId: 0 })), 400, 'Invalid placeId');
  reason(await create(L.A, basic({ gameId: 'g' })), 400, 'Invalid gameId');
  reason(await create(L.A, basic({ source: 'phone' })), 400, 'Invalid source');
  reason(await create(L.A, basic({ note: 'n'.repeat(501) })), 400, 'Invalid note');
  reason(await create(L.A, basic({ note: 5 })), 400, 'Invalid note');
  for (const k of ['', 'k'.repeat(65), 'ключ', 'a\nb', 7])
    reason(await create(L.A, basic({ idempotencyKey: k })), 400, 'Invalid idempotencyKey');
  assert.equal(count(A), n);
  // Limits themselves are accepted.
  const edge = ok(await create(L.A, { customerId: '1', items: Array(50).fill({ name: 'x'.repeat(100), quantity: 99, unitPrice: 1e9, productId: 'p'.repeat(64) }), note: 'n'.repeat(500), idempotencyKey: 'k'.repeat(64) })).order;
  assert.equal(edge.items.length, 50);
  assert.equal(edge.total, 50 * 99 * 1e9);
});

test('84: a repeated idempotencyKey answers the original order for 24 h; keys are per workspace', async () => {
  const n = count(A);
  const first = ok(await create(L.A, basic({ idempotencyKey: 'till-1:42' }))).order;
  const again = ok(await create(L.A, basic({ idempotencyKey: 'till-1:42', note: 'different body' }))).order;
  assert.deepEqual(again, first);
  assert.equal(count(A), n + 1);
  const inB = ok(await create(L.B, basic({ idempotencyKey: 'till-1:42' }))).order;
  assert.notEqual(inB._id, first._id);
  // The original is answered as it is now, after a move.
  ok(await move(L.A, first._id, 'claim', '900'));
  assert.equal(ok(await create(L.A, basic({ idempotencyKey: 'till-1:42' }))).order.status, 'claimed');
  clk.advance(24 * 3600 * 1000 + 1000);
  const later = ok(await create(L.A, basic({ idempotencyKey: 'till-1:42' }))).order;
  assert.notEqual(later._id, first._id);
  assert.equal(count(A), n + 2);
});

test('85: every allowed move of §4.13 answers 200 with the new status, a log entry, the actor involved; audited', async () => {
  for (const [action, froms] of Object.entries(ALLOWED)) {
    for (const from of froms) {
      const id = await orderIn(from);
      const before = ok(await mgmt(A, 'GET', `/${id}`)).order;
      clk.advance(1000);
      const res = await move(L.A, id, action, 4242);
      const o = ok(res).order;
      assert.deepEqual(Object.keys(ok(res)).sort(), ['order', 'success']);
      assert.equal(o.status, TARGET[action], `${action} from ${from}`);
      const last = o.log[o.log.length - 1];
      assert.deepEqual([last.event, last.userId], [action, '4242']);
      assert.equal(Date.parse(last.date), Date.parse(o.lastModified));
      assert.equal(o.log.length, before.log.length + 1);
      assert.ok(o.involvedUsers.includes('4242'));
      assert.ok(Date.parse(o.lastModified) > Date.parse(before.updatedAt));
      if (action === 'claim') { assert.equal(o.preparedBy, '4242'); assert.equal(o.claimed, o.lastModified); }
      if (action === 'release') assert.equal(o.preparedBy, null);
      if (action === 'complete') assert.equal(o.completed, o.lastModified);
      if (action === 'setHandedToCustomer' || action === 'cancel') assert.equal(o.finished, o.lastModified);
      else assert.equal(o.finished, null);
      const audit = sql(srv, `SELECT action, actor_roblox_user_id, game_key_id FROM audit_log WHERE target_id = '${id}' ORDER BY at DESC, rowid DESC LIMIT 1`)[0];
      assert.equal(audit.action, `workspace.order.${action}`);
      assert.equal(audit.actor_roblox_user_id, '4242');
      assert.ok(audit.game_key_id);
    }
  }
});

test('86: every other (action, state) pair is 409 with `status`; nothing changes', async () => {
  let pairs = 0;
  for (const [action, froms] of Object.entries(ALLOWED)) {
    for (const state of STATES.filter((s) => !froms.includes(s))) {
      const id = await orderIn(state);
      const before = ok(await mgmt(A, 'GET', `/${id}`)).order;
      const res = await move(L.A, id, action, '31337');
      assert.equal(res.status, 409, `${action} from ${state}: ${res.text}`);
      assert.deepEqual(res.json, { success: false, reason: `Cannot ${action} an order that is ${state}.`, status: state });
      assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
      assert.deepEqual(ok(await mgmt(A, 'GET', `/${id}`)).order, before);
      pairs++;
    }
  }
  assert.equal(pairs, 6 * 7 - 18);
});

test('87: 32 parallel claims by different actors: one 200, the rest 409; preparedBy is the winner', async () => {
  for (let round = 0; round < 3; round++) {
    const o = await newOrder();
    const res = await Promise.all(Array.from({ length: 32 }, (_, i) => move(L.A, o._id, 'claim', String(1000 + i))));
    const won = res.filter((r) => r.status === 200);
    assert.equal(won.length, 1, res.map((r) => r.status).join(','));
    for (const r of res.filter((x) => x.status !== 200)) {
      assert.equal(r.status, 409, r.text);
      assert.deepEqual(r.json, { success: false, reason: 'Cannot claim an order that is claimed.', status: 'claimed' });
    }
    const winner = won[0].json.order.preparedBy;
    const stored = ok(await mgmt(A, 'GET', `/${o._id}`)).order;
    assert.equal(stored.preparedBy, winner);
    assert.deepEqual(stored.log.filter((l) => l.action === 'claim').map((l) => l.by), [winner]);
  }
});

test('88: the same actor repeating a claim is 200 unchanged; another actor is 409', async () => {
  const o = await newOrder();
  const first = ok(await move(L.A, o._id, 'claim', '77')).order;
  clk.advance(5000);
  const again = ok(await move(L.A, o._id, 'claim', 77)).order;
  assert.deepEqual(again, first);
  const other = await move(L.A, o._id, 'claim', '78');
  assert.equal(other.status, 409);
  assert.equal(other.json.status, 'claimed');
  // The replay holds only while the last entry is that move: after release and a re-claim by 78, 77 is refused.
  ok(await move(L.A, o._id, 'release', '77'));
  ok(await move(L.A, o._id, 'claim', '78'));
  assert.equal((await move(L.A, o._id, 'claim', '77')).status, 409);
  // Terminal replays too: a repeated cancel by the same actor is 200, by another 409.
  const c = await newOrder();
  const cancelled = ok(await move(L.A, c._id, 'cancel', '5')).order;
  assert.deepEqual(ok(await move(L.A, c._id, 'cancel', '5')).order, cancelled);
  assert.equal((await move(L.A, c._id, 'cancel', '6')).status, 409);
  assert.equal(sql(srv, `SELECT COUNT(*) AS n FROM audit_log WHERE target_id = '${c._id}'`)[0].n, 2);
});

test('89: no actorId is 400; unknown or B\'s order is 404; malformed id is 400', async () => {
  const o = await newOrder();
  for (const a of Object.keys(ALLOWED)) {
    reason(await move(L.A, o._id, a), 400, 'Missing actorId');
    reason(await move(L.A, o._id, a, null), 400, 'Missing actorId');
    reason(await move(L.A, o._id, a, 'abc'), 400, 'Invalid actorId');
    reason(await move(L.A, hex(12), a, '1'), 404, 'Order not found');
    reason(await move(L.A, 'nothex', a, '1'), 400, 'Invalid orderId');
    reason(await move(L.A, hex(12).toUpperCase(), a, '1'), 400, 'Invalid orderId');
  }
  const inB = await newOrder(L.B);
  for (const a of Object.keys(ALLOWED)) reason(await move(L.A, inB._id, a, '1'), 404, 'Order not found');
  assert.equal(ok(await mgmt(B, 'GET', `/${inB._id}`)).order.status, 'submitted');
  assert.equal(ok(await mgmt(A, 'GET', `/${o._id}`)).order.status, 'submitted');
});

test('90: GET /orders lists active orders oldest first by default; status=all adds terminal; B never sees A', async () => {
  const X = ok(await call('POST', '/api/workspaces', { key: ownerKey, body: { name: 'Listing' } })).workspace;
  ok(await call('PATCH', `/api/workspaces/${X.id}`, { key: ownerKey, body: { modules: { orders: true } } }));
  const k = ok(await call('POST', `/api/workspaces/${X.id}/loader-keys`, { key: ownerKey, body: { name: 'g' } })).secret;
  const ids = {};
  for (const s of STATES) { ids[s] = await orderIn(s, k); clk.advance(1000); }
  const res = ok(await list(k));
  assert.deepEqual(Object.keys(res).sort(), ['orders', 'success']);
  assert.deepEqual(res.orders.map((o) => o.status), STATES.slice(0, 5));
  assert.deepEqual(res.orders.map((o) => o._id), STATES.slice(0, 5).map((s) => ids[s]));
  assert.deepEqual(ok(await list(k, '?status=active')).orders.map((o) => o._id), STATES.slice(0, 5).map((s) => ids[s]));
  assert.deepEqual(ok(await list(k, '?status=all')).orders.map((o) => o.status), STATES);
  assert.deepEqual(ok(await list(k, '?status=cancelled')).orders.map((o) => o._id), [ids.cancelled]);
  assert.deepEqual(ok(await list(k, '?status=all&limit=2')).orders.map((o) => o._id), [ids.submitted, ids.claimed]);
  reason(await list(k, '?status=open'), 400, 'Invalid status');
  reason(await list(k, '?limit=0'), 400, 'Invalid limit');
  reason(await list(k, '?limit=201'), 400, 'Invalid limit');
  reason(await list(k, '?limit=x'), 400, 'Invalid limit');
  assert.equal(ok(await list(L.A, '?status=all&limit=200')).orders.every((o) => o.groupId === '777'), true);
  const inB = ok(await list(L.B, '?status=all&limit=200')).orders;
  assert.ok(inB.length >= 1);
  assert.ok(inB.every((o) => o.groupId === '888'));
  assert.ok(!inB.some((o) => Object.values(ids).includes(o._id)));
});

test('81: module off: authenticate is 200 enabled:false; every other order route is 403 after field validation', async () => {
  const auth = ok(await call('GET', '/orders/authenticate', { headers: { 'loader-id': L.C } }));
  assert.deepEqual(auth, { success: true, authenticated: true, groupId: '999', groupName: 'C', orders: { enabled: false }, statuses: STATES });
  assert.equal(ok(await call('GET', '/orders/authenticate', { headers: { 'loader-id': L.A } })).orders.enabled, true);
  const text = 'Orders module is not enabled for this workspace.';
  const n = count(C);
  reason(await list(L.C), 403, text);
  reason(await create(L.C, basic()), 403, text);
  for (const a of Object.keys(ALLOWED)) reason(await move(L.C, hex(12), a, '1'), 403, text);
  // Field validation comes first (§1.5).
  reason(await create(L.C, {}), 400, 'Missing customerId');
  reason(await move(L.C, 'bad', 'claim', '1'), 400, 'Invalid orderId');
  reason(await list(L.C, '?status=x'), 400, 'Invalid status');
  assert.equal(count(C), n);
  // Turning it off later locks existing orders too.
  const o = await newOrder(L.B);
  ok(await call('PATCH', `/api/workspaces/${B.id}`, { key: ownerKey, body: { modules: { orders: false } } }));
  reason(await move(L.B, o._id, 'claim', '1'), 403, text);
  ok(await call('PATCH', `/api/workspaces/${B.id}`, { key: ownerKey, body: { modules: { orders: true } } }));
  ok(await move(L.B, o._id, 'claim', '1'));
});

test('conventions 3, 4, 11, 14: keys, bad JSON and the no-store JSON headers on every order route', async () => {
  const routes = [['GET', '/orders/authenticate'], ['GET', '/orders'], ['POST', '/orders'], ...Object.keys(ALLOWED).map((a) => ['PUT', `/orders/${hex(12)}/${a}`])];
  for (const [m, p] of routes) {
    reason(await call(m, p, { headers: JSONH, body: m === 'GET' ? undefined : {} }), 401, 'Loader ID header was not provided.');
    for (const k of ['ReAdmin_Loader_ID=' + 'a'.repeat(200), 'x'.repeat(600)])
      reason(await call(m, p, { headers: { 'loader-id': k, ...JSONH }, body: m === 'GET' ? undefined : {} }), 401, 'Workspace not found');
  }
  reason(await create(L.A, '{"customerId":'), 400, 'Invalid JSON body');
  reason(await create(L.A, '{"customerId":"1","customerId":"2"}'), 400, 'Invalid JSON body');
  reason(await create(L.A, '[]'), 400, 'Body must be a JSON object');
  reason(await call('PUT', `/orders/${hex(12)}/claim`, { headers: { 'loader-id': L.A, ...JSONH }, body: '"x"' }), 400, 'Body must be a JSON object');
  const o = await newOrder();
  const answers = [await list(L.A), await create(L.A, basic()), await move(L.A, o._id, 'release', '1'), await move(L.A, hex(12), 'claim', '1'), await create(L.A, {}),
    await call('GET', '/orders/authenticate', { headers: { 'loader-id': L.A } }), await list(L.C)];
  assert.deepEqual(answers.map((a) => a.status), [200, 200, 409, 404, 400, 200, 403]);
  for (const a of answers) {
    assert.equal(a.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(a.headers.get('cache-control'), 'no-store, no-cache, must-revalidate, max-age=0');
    assert.equal(a.headers.get('x-content-type-options'), 'nosniff');
  }
  // Unknown paths under /orders, other methods.
  reason(await call('GET', `/orders/${hex(12)}`, { headers: { 'loader-id': L.A } }), 404, 'Route not found');
  const m = await call('DELETE', '/orders', { headers: { 'loader-id': L.A } });
  assert.equal(m.status, 405);
});

test('convention 15: order routes draw on the loader key\'s bucket; 429 with Retry-After, before the module check', async () => {
  const ws = ok(await call('POST', '/api/workspaces', { key: ownerKey, body: { name: 'RateO' } })).workspace;
  const key = ok(await call('POST', `/api/workspaces/${ws.id}/loader-keys`, { key: ownerKey, body: { name: 'r' } })).secret;
  const kinds = ['list', 'auth', 'claim'];
  const send = (kind) => (kind === 'list' ? list(key) : kind === 'auth'
    ? call('GET', '/orders/authenticate', { headers: { 'loader-id': key } }) : move(key, hex(12), 'claim', '1'));
  // Rounds of 20 until 50 refusals (the bucket refills 10 a second while a slow run goes on).
  const results = [];
  const t0 = Date.now();
  while (results.filter((x) => x.res.status === 429).length < 50 && results.length < 3000)
    results.push(...await Promise.all(Array.from({ length: 20 }, async (_, j) => ({ kind: kinds[j % 3], res: await send(kinds[j % 3]) }))));
  const refill = Math.ceil(((Date.now() - t0) / 1000) * 10);
  const limited = results.filter((x) => x.res.status === 429);
  assert.ok(limited.length >= 50, `429s: ${limited.length}`);
  const admitted = results.length - limited.length;
  assert.ok(admitted >= 600 && admitted <= 600 + refill + 1, `admitted ${admitted}, refill ${refill}`);
  for (const k of kinds) assert.ok(limited.some((x) => x.kind === k), `${k} is limited too`);
  // The module is off here: below the limit list and claim are 403, authenticate 200.
  for (const x of results.filter((r) => r.res.status !== 429))
    assert.equal(x.res.status, x.kind === 'auth' ? 200 : 403, x.kind);
  assert.deepEqual(limited[0].res.json, { success: false, reason: 'Too many requests' });
  const ra = Number(limited[0].res.headers.get('retry-after'));
  assert.ok(Number.isInteger(ra) && ra >= 1 && ra <= 30, String(ra));
});

// --- management API (platform.md §6.7) ---------------------------------------------------------

test('§6.7 GET …/orders and …/orders/{orderId}: newest first, paging, status; other workspace 404', async () => {
  const o1 = await newOrder(); clk.advance(1000);
  const o2 = await newOrder(); clk.advance(1000);
  const page = ok(await mgmt(A, 'GET', '?pageSize=2'));
  assert.deepEqual(page.orders.map((o) => o.id), [o2._id, o1._id]);
  assert.equal(page.total, count(A));
  assert.equal(page.page, 1);
  assert.equal(page.pageSize, 2);
  const one = ok(await mgmt(A, 'GET', `/${o1._id}`)).order;
  assert.deepEqual(Object.keys(one).sort(), ['createdAt', 'customerRobloxUserId', 'id', 'items', 'log', 'number', 'placeId', 'preparedBy', 'status', 'total', 'updatedAt']);
  assert.equal(one.number, o1.orderNumber);
  assert.deepEqual(one.items, [{ name: 'Burger', quantity: 2, unitPrice: 5 }]);
  assert.equal(one.total, 10);
  assert.deepEqual(one.log.map((l) => [l.action, l.by]), [['created', '100']]);
  assert.ok(ok(await mgmt(A, 'GET', '?status=submitted&pageSize=100')).orders.every((o) => o.status === 'submitted'));
  expectError(await mgmt(A, 'GET', '?status=open'), 400, 'invalid_parameter');
  expectError(await mgmt(B, 'GET', `/${o1._id}`), 404, 'resource_not_found');
  expectError(await mgmt(A, 'GET', '/xyz'), 400, 'invalid_field');
  const inB = ok(await mgmt(B, 'GET', '?pageSize=100&status=all'));
  assert.ok(!inB.orders.some((o) => o.id === o1._id || o.id === o2._id));
  assert.equal((await call('GET', `/api/workspaces/${A.id}/orders`, { key: readKey })).status, 200);
});

test('§6.7 POST …/orders/{orderId}/transitions: api action names, actor, 409 invalid_transition, 404 elsewhere', async () => {
  const o = await newOrder();
  const path = `/${o._id}/transitions`;
  const c = ok(await mgmt(A, 'POST', path, { body: { action: 'claim', actorRobloxUserId: '321' } })).order;
  assert.equal(c.status, 'claimed');
  assert.equal(c.preparedBy, '321');
  assert.deepEqual(c.log.at(-1).action, 'claim');
  // Same actor and action again: 200 unchanged; another actor: 409 with from/action.
  assert.deepEqual(ok(await mgmt(A, 'POST', path, { body: { action: 'claim', actorRobloxUserId: '321' } })).order, c);
  const bad = await mgmt(A, 'POST', path, { body: { action: 'claim', actorRobloxUserId: '322' } });
  expectError(bad, 409, 'invalid_transition');
  assert.equal(bad.json.error.details.from, 'claimed');
  assert.equal(bad.json.error.details.action, 'claim');
  const aw = ok(await mgmt(A, 'POST', path, { body: { action: 'set_awaiting_pickup', actorRobloxUserId: '321' } })).order;
  assert.equal(aw.status, 'awaiting_customer');
  assert.equal(ok(await mgmt(A, 'POST', path, { body: { action: 'hand_to_customer', actorRobloxUserId: '321' } })).order.status, 'handed_to_customer');
  expectError(await mgmt(A, 'POST', path, { body: { action: 'cancel', actorRobloxUserId: '1' } }), 409, 'invalid_transition');
  // The owner has no linked Roblox account: an actor must be named.
  const o2 = await newOrder();
  expectError(await mgmt(A, 'POST', `/${o2._id}/transitions`, { body: { action: 'claim' } }), 400, 'missing_field');
  expectError(await mgmt(A, 'POST', `/${o2._id}/transitions`, { body: { action: 'setAwaitingPickup', actorRobloxUserId: '1' } }), 400, 'invalid_field');
  expectError(await mgmt(A, 'POST', `/${o2._id}/transitions`, { body: { action: 'claim', actorRobloxUserId: 'x' } }), 400, 'invalid_field');
  expectError(await mgmt(A, 'POST', `/${o2._id}/transitions`, { body: { action: 'claim', actorRobloxUserId: '1', extra: 1 } }), 400, 'unknown_field');
  expectError(await mgmt(B, 'POST', `/${o2._id}/transitions`, { body: { action: 'claim', actorRobloxUserId: '1' } }), 404, 'resource_not_found');
  expectError(await call('POST', `/api/workspaces/${A.id}/orders/${o2._id}/transitions`, { key: readKey, body: { action: 'claim', actorRobloxUserId: '1' } }), 403, 'scope_missing');
  assert.equal(ok(await mgmt(A, 'GET', `/${o2._id}`)).order.status, 'submitted');
  const audit = sql(srv, `SELECT action, actor_user_id FROM audit_log WHERE target_id = '${o._id}' ORDER BY at, rowid`).map((a) => a.action);
  assert.deepEqual(audit, ['workspace.order.create', 'workspace.order.claim', 'workspace.order.setAwaitingPickup', 'workspace.order.setHandedToCustomer']);
});
