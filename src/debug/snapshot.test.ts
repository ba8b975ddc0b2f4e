// The panel's snapshots of a release run, built by one builder stop after stop (what it keeps
// between stops: the segments' rows, the window of socks), are the snapshots a builder that has
// seen nothing builds: forward, backward, across jumps and after a what-if. (The window past
// MAX_SOCKETS socks: releaseSnapshot.test.ts.)

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadReleaseRun } from '../host/load';
import type { ReleaseRun } from '../engine/release/run';
import type { StopSnapshot } from '../common/protocol';
import { ReleaseSnapshotBuilder } from './releaseSnapshot';

const EXAMPLES = join(__dirname, '..', '..', 'examples');

/** The same stop built by a builder that has seen nothing. */
const fresh = (run: ReleaseRun, text: string, prev: StopSnapshot | undefined) => new ReleaseSnapshotBuilder(run, text).build(prev);

test('forward, stop by stop: every snapshot of one builder equals one built from scratch', async () => {
  let withChanges = 0;
  let withTransitions = 0;
  for (const f of ['passive-close', 'four-way', 'lost-fin']) {
    const { run, text } = await loadReleaseRun({ scenarioPath: join(EXAMPLES, `${f}.tcpscenario`) });
    const b = new ReleaseSnapshotBuilder(run, text);
    let prev = b.build(undefined);
    assert.deepEqual(prev, fresh(run, text, undefined), f);
    while (!run.finished) {
      run.forward();
      const snap = b.build(prev);
      assert.deepEqual(snap, fresh(run, text, prev), `${f} stop ${run.stopIndex}`);
      if (snap.changed.length) withChanges++;
      withTransitions += snap.transitions.length;
      prev = snap;
    }
  }
  assert.ok(withChanges > 100 && withTransitions > 10, `${withChanges} stops with changes, ${withTransitions} transitions`);
});

test('backward, by jumps and after a what-if write: still equal to snapshots built from scratch', async () => {
  const { run, text } = await loadReleaseRun({ scenarioPath: join(EXAMPLES, 'four-way.tcpscenario') });
  const b = new ReleaseSnapshotBuilder(run, text);
  let prev = b.build(undefined);
  run.runFast();
  const end = run.stopIndex;
  const check = (what: string) => {
    const snap = b.build(prev);
    assert.deepEqual(snap, fresh(run, text, prev), what);
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
  const sk = run.socks.find((s) => s.name === 'server')!.sk;
  run.whatIf(() => run.setField(sk, run.sock.byName.get('state')!, 1));
  check('after a write');
  for (let i = 0; i < 20; i++) {
    run.forward();
    check(`forward on the new branch, ${run.stopIndex}`);
  }
});
