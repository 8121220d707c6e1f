// limits.test.mjs: connection limits (SECURITY.md §2, catalogue L06): 64 open connections
// per client address, a --trusted-proxy exempt; the idle timeout frees slots.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, raw } from './lib/harness.mjs';

const servers = [];
after(async () => { for (const s of servers) await s.stop(); });

function openIdle(port) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('connect', () => resolve(s));
    s.on('error', reject);
  });
}

// Resolves 'closed' when the server drops the socket without answering, 'open' otherwise.
function fate(sock, ms = 1500) {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve('open'), ms);
    sock.on('close', () => { clearTimeout(t); resolve('closed'); });
    sock.on('error', () => {});
  });
}

async function healthzOn(sock) {
  return new Promise((resolve) => {
    let data = '';
    sock.on('data', (c) => {
      data += c.toString();
      if (data.includes('"ok"')) resolve(data.split('\r\n')[0]);
    });
    sock.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
  });
}

test('L06: the 65th connection from one address is refused; the other 64 still work', async () => {
  const srv = await startServer();
  servers.push(srv);
  // Each admitted connection is served once before the next opens, so the server has
  // accepted and counted it: the kernel may hand queued connections to the worker
  // threads in any order, and the test is about the count, not the accept order.
  const socks = [];
  for (let i = 0; i < 64; i++) {
    const s = await openIdle(srv.port);
    assert.equal(await healthzOn(s), 'HTTP/1.1 200 OK');
    socks.push(s);
  }
  const extra = await openIdle(srv.port);
  assert.equal(await fate(extra), 'closed', 'the 65th is closed without an answer');
  assert.equal(await healthzOn(socks[63]), 'HTTP/1.1 200 OK', 'an admitted connection is served');
  const again = await raw(srv, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n', { quietMs: 1000 });
  assert.equal(again.text, '', 'a new connection is still refused while 64 are open');
  assert.equal(again.closed, true);
  for (const s of socks) s.destroy();
  await new Promise((r) => setTimeout(r, 200));
  const m = await raw(srv, 'GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.match(m.text, /roster_http_rejected_total\{reason="connection_limit"\} [1-9]/);
  const r = await raw(srv, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n', { quietMs: 300 });
  assert.match(r.text, /^HTTP\/1\.1 200/, 'slots come back once the connections close');
});

test('L06: a trusted proxy address is exempt from the per-address cap', async () => {
  const srv = await startServer({ args: ['--trusted-proxy', '127.0.0.1/32'] });
  servers.push(srv);
  const socks = [];
  for (let i = 0; i < 70; i++) socks.push(await openIdle(srv.port));
  assert.equal(await healthzOn(socks[69]), 'HTTP/1.1 200 OK', 'the 70th connection is served');
  for (const s of socks) s.destroy();
});
