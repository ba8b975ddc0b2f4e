// The changes found from the write log are the changes a full comparison of every socket finds:
// at every stop of the examples, forward one stop, back one stop, across many stops, and not
// across a branch of history.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readdirSync } from 'node:fs';
import { loadRun } from '../host/load';
import { allViews, diffViews } from './inspect';
import { SocketChanges } from './changes';

// the examples as the reduced port runs them (examples/ teach the release)
const EXAMPLES = join(__dirname, '..', '..', 'test', 'fixtures', 'reduced-examples');
const scenarios = readdirSync(EXAMPLES).filter((f) => f.endsWith('.tcpscenario'));
const text = (cs: { socket: string; field: string; before: string; after: string }[]) => cs.map((c) => `${c.socket}.${c.field}: ${c.before} -> ${c.after}`);

test('forward a stop at a time: the log-found changes equal diffViews, in the same order', async () => {
  let compared = 0;
  let nonEmpty = 0;
  let timers = 0;
  for (const f of scenarios) {
    const run = await loadRun({ scenarioPath: join(EXAMPLES, f) });
    const ch = new SocketChanges(run);
    let views = allViews(run);
    for (;;) {
      const mark = ch.mark();
      const s = run.forward();
      const now = allViews(run);
      const want = text(diffViews(run, views, now));
      const got = ch.since(mark);
      assert.ok(got, `${f} stop ${s.index}`);
      assert.deepEqual(text(got.changes), want, `${f} stop ${s.index}`);
      compared++;
      if (want.length) nonEmpty++;
      timers += want.filter((c) => /^\w+\.(timer|retransmit_timer):/.test(c)).length;
      views = now;
      if (s.kind === 'end' || s.kind === 'error') break;
    }
  }
  assert.ok(nonEmpty > 100, `only ${nonEmpty} of ${compared} stops changed something`);
  assert.ok(timers > 10, `only ${timers} timer changes`);
});

test('backward and across many stops: the changes are those between the two moments', async () => {
  const run = await loadRun({ scenarioPath: join(EXAMPLES, 'four-way.tcpscenario') });
  const ch = new SocketChanges(run);
  run.runFast();
  const end = run.stopIndex;
  const endViews = allViews(run);
  const endMark = ch.mark();
  for (const n of [end - 1, Math.floor(end / 2), 3, 0]) {
    run.goto(n);
    const here = allViews(run);
    assert.deepEqual(text(ch.since(endMark)!.changes), text(diffViews(run, endViews, here)), `back from the end to ${n}`);
    const m = ch.mark();
    run.goto(end);
    assert.deepEqual(text(ch.since(m)!.changes), text(diffViews(run, here, endViews)), `forward from ${n} to the end`);
  }
  run.goto(0);
  // a limit on the writes to read, and the touched sockets
  assert.equal(ch.since(endMark, 10), undefined);
  assert.deepEqual([...ch.since(endMark)!.touched].sort(), [...run.world.sockets.keys()].sort());
});

test('after a what-if write (a branch of history) the log cannot say: since() is undefined', async () => {
  const run = await loadRun({ scenarioPath: join(EXAMPLES, 'passive-close.tcpscenario') });
  const ch = new SocketChanges(run);
  for (let i = 0; i < 20; i++) run.forward();
  const m = ch.mark();
  const sk = run.world.sockets.get('server')!.sk;
  run.write(sk.f, sk.type.byName.get('fin_seq')!.index, 77);
  assert.equal(ch.since(m), undefined);
  const after = ch.mark();
  const before = allViews(run);
  run.forward();
  assert.deepEqual(text(ch.since(after)!.changes), text(diffViews(run, before, allViews(run))));
});
