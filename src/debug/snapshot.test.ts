// The panel's snapshots, built incrementally (the sockets a step did not write are kept, the
// changes come from the write log), are the snapshots built from scratch: forward, backward,
// across a jump and a branch; past MAX_SOCKETS sockets they show a window that holds the
// socket whose code runs and its peer, and the changes of every socket.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { loadRun } from '../host/load';
import { allViews, diffViews } from '../engine/inspect';
import type { Run } from '../engine/run';
import type { StopSnapshot } from '../common/protocol';
import { MAX_SOCKETS, SnapshotBuilder, socketSnapshot } from './snapshot';

/** the examples as written for the reduced port (this builder's engine), while it exists */
const EXAMPLES = join(__dirname, '..', '..', 'test', 'fixtures', 'reduced-examples');

/** The same stop built by a builder that has seen nothing (every socket read, changes by comparison). */
const fresh = (run: Run, prev: StopSnapshot | undefined) => new SnapshotBuilder(run).build(prev);

test('forward, stop by stop: every incremental snapshot equals one built from scratch', async () => {
  let withChanges = 0;
  let withTransitions = 0;
  for (const f of readdirSync(EXAMPLES).filter((x) => x.endsWith('.tcpscenario'))) {
    const run = await loadRun({ scenarioPath: join(EXAMPLES, f) });
    const b = new SnapshotBuilder(run);
    let prev = b.build(undefined);
    assert.deepEqual(prev, fresh(run, undefined), f);
    while (!run.finished) {
      run.forward();
      const snap = b.build(prev);
      assert.deepEqual(snap, fresh(run, prev), `${f} stop ${run.stopIndex}`);
      if (snap.changed.length) withChanges++;
      withTransitions += snap.transitions.length;
      prev = snap;
    }
  }
  assert.ok(withChanges > 100 && withTransitions > 20, `${withChanges} stops with changes, ${withTransitions} transitions`);
});

test('backward, by jumps and after a what-if write: still equal to snapshots built from scratch', async () => {
  const run = await loadRun({ scenarioPath: join(EXAMPLES, 'four-way.tcpscenario') });
  const b = new SnapshotBuilder(run);
  let prev = b.build(undefined);
  run.runFast();
  const end = run.stopIndex;
  const check = (what: string) => {
    const snap = b.build(prev);
    assert.deepEqual(snap, fresh(run, prev), what);
    prev = snap;
  };
  check('to the end');
  for (let i = 0; i < 30; i++) {
    run.backward();
    check(`back to ${run.stopIndex}`);
  }
  for (const n of [3, end - 5, Math.floor(end / 2), 0, end]) {
    run.goto(n);
    check(`goto ${n}`);
  }
  run.goto(Math.floor(end / 3));
  check('before the write');
  const sk = run.world.sockets.get('server')!.sk;
  run.write(sk.f, sk.type.byName.get('state')!.index, 1);
  check('after a write');
  for (let i = 0; i < 20; i++) {
    run.forward();
    check(`forward on the new branch, ${run.stopIndex}`);
  }
});

test(`past ${MAX_SOCKETS} sockets: a window with the running socket and its peer, every socket's changes, socketCount`, async () => {
  const pairs = 30;
  const L: string[] = [];
  for (let i = 0; i < pairs; i++) L.push(`socket c${i} TCP_ESTABLISHED write_seq=1000`, `socket s${i} TCP_ESTABLISHED write_seq=5000`, `link c${i} s${i} delay=10ms`);
  for (let i = 0; i < pairs; i++) L.push(`0 c${i} close`);
  for (let i = 0; i < pairs; i++) L.push(`1s s${i} close`);
  const run = await loadRun({ scenarioPath: join(EXAMPLES, 'generated.tcpscenario'), scenarioText: L.join('\n') + '\n' });
  const b = new SnapshotBuilder(run);
  let prev = b.build(undefined);
  let views = allViews(run);
  const seen = new Set<string>();
  for (let i = 0; i < 3000 && !run.finished; i++) {
    const stop = run.forward();
    const snap = b.build(prev);
    const names = Object.keys(snap.sockets);
    assert.equal(names.length, MAX_SOCKETS);
    assert.equal(snap.socketCount, 2 * pairs);
    if (stop.socket) {
      assert.ok(names.includes(stop.socket), `stop ${stop.index}: ${stop.socket} shown`);
      assert.ok(names.includes(run.world.sockets.get(stop.socket)!.peer!), `stop ${stop.index}: the peer of ${stop.socket} shown`);
    }
    for (const n of names) seen.add(n);
    const now = allViews(run);
    const want = diffViews(run, views, now).map((c) => `${c.socket}.${c.field}: ${c.before} -> ${c.after}`);
    assert.deepEqual(snap.changed.map((c) => `${c.socket}.${c.field}: ${c.before} -> ${c.after}`), want, `stop ${stop.index}`);
    for (const c of snap.changed) assert.ok(c.socket in snap.sockets, `stop ${stop.index}: ${c.socket}, changed, is shown`);
    for (const n of names) assert.deepEqual(snap.sockets[n], socketSnapshot(run, run.world.sockets.get(n)!), `stop ${stop.index} ${n}`);
    views = now;
    prev = snap;
  }
  assert.ok(seen.size > MAX_SOCKETS, `the window moved with the run (${seen.size} sockets shown)`);
});
