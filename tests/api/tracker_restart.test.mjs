// tracker_restart.test.mjs: a Roster restart loses nothing (readmin-compat.md §4.6; §6
// checklist 118): servers, sessions, events and actions live in the database, so a session
// open across `roster serve` restarting continues and its minutes come out right.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { setup, ok, ev, SENIOR } from './lib/tracker.mjs';

let t, proc2;
after(async () => {
  if (proc2) {
    const exited = new Promise((r) => proc2.on('exit', (code, signal) => r({ code, signal })));
    proc2.kill('SIGTERM');
    const { code, signal } = await exited;
    rmSync(t.srv.dataDir, { recursive: true, force: true });
    assert.equal(signal, null);
    assert.equal(code, 0, 'second server exit code (sanitizer reports make it non-zero)');
  } else {
    await t?.stop();
  }
});

// Stops the harness's server and starts another on the same data directory.
async function restart() {
  const { srv } = t;
  srv.proc.removeAllListeners('exit');
  const exited = new Promise((r) => srv.proc.on('exit', (code) => r(code)));
  srv.proc.kill('SIGTERM');
  assert.equal(await exited, 0);
  proc2 = spawn(srv.bin, ['serve', '--data-dir', srv.dataDir, '--listen', '127.0.0.1:0', '--threads', '2'],
    { env: srv.env, stdio: ['ignore', 'ignore', 'pipe'] });
  let buf = '';
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('restart did not listen')), 15000);
    proc2.stderr.on('data', (c) => {
      buf += c.toString();
      for (const line of buf.split('\n')) {
        try { const e = JSON.parse(line); if (e.event === 'server.listening') { clearTimeout(timer); resolve(e.port); } } catch { /* partial */ }
      }
    });
  });
  srv.base = `http://127.0.0.1:${port}`;
  srv.port = port;
}

test('118: restarting roster serve mid-session -> session continues, minutes correct', async () => {
  t = await setup();
  const a = await t.createServer(t.L.A, 'r-118');
  const base = t.now();
  const j = ok(await t.join(t.L.A, a.runningGameId, SENIOR, { datetime: base }));
  t.clk.advance(60000);
  ok(await t.send(t.L.A, a.runningGameId, [ev('idle', base, 60, { user: SENIOR })]));
  const act = ok(await t.mgmt(t.A, 'POST', `/servers/${a.runningGameId}/actions`, { body: { type: 'notify', robloxUserId: SENIOR, message: 'hello' } })).action;
  await restart();
  t.clk.advance(60000);
  const d = ok(await t.send(t.L.A, a.runningGameId, [ev('active', base, 120, { user: SENIOR })]));
  assert.deepEqual(d.queuedActions.map((x) => x._id), [act.id], 'the pending action survived');
  const again = ok(await t.join(t.L.A, a.runningGameId, SENIOR));
  assert.equal(again.sessionId, j.sessionId, 'the open session survived');
  t.clk.advance(30000);
  ok(await t.leave(t.L.A, a.runningGameId, SENIOR, { leftTime: (base + 150000) / 1000 }));
  const s = t.session(j.sessionId);
  assert.deepEqual([s.active_ms, s.idle_ms], [60000 + 30000, 60000]);
  assert.equal(s.removal_method, 'normalPlayerLeave');
});
