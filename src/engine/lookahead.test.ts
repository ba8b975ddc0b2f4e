// Looking ahead: the run recorded past the user's stop, in slices, within a budget of stops and
// time; the user's stop is kept, stepping into the known future gives the stops the live run
// gives, and a what-if in the past recomputes the future from there.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadReleaseKernel } from '../host/node';
import type { ReleaseImage } from './release/image';
import { runRecord } from './release/record';
import { type ReleaseRun, type ReleaseStop } from './release/run';
import { lookAhead } from './lookahead';
import { startExample } from '../host/startExample.testkit';

let image: ReleaseImage;
before(async () => {
  image = await loadReleaseKernel();
});



const said = (s: ReleaseStop) => `${s.index} ${s.kind} ${s.socket} ${s.fn?.name ?? ''}:${s.loc?.line ?? ''} @${s.clock}`;

/** Every stop from the current one to the end, stepping forward. */
function toEnd(run: ReleaseRun): string[] {
  const out = [said(run.stopInfo(run.stopIndex))];
  for (;;) {
    const before = run.stopIndex;
    const s = run.forward();
    if (s.index === before) return out;
    out.push(said(s));
  }
}

const FIELDS = ['state', 'shutdown', 'fin_seq', 'write_seq', 'acked_seq', 'rcv_ack_seq', 'rtt', 'rto'];

for (const example of ['four-way.tcpscenario', 'lost-fin.tcpscenario', 'zero-window-close.tcpscenario']) {
  test(`${example}: the whole run known at the first stop; stepping through it gives the live run's stops and end`, () => {
    const live = startExample(image, example);
    const liveStops = toEnd(live);
    const run = startExample(image, example);
    const first = said(run.stopInfo(0));
    const s = lookAhead(run, { maxStops: 1e7, until: Infinity });
    assert.deepEqual(s, { stops: liveStops.length, whole: true, capped: false, summarized: true });
    assert.equal(run.stopIndex, 0, 'the user is still at the first stop');
    assert.equal(said(run.stopInfo(0)), first);
    assert.deepEqual(toEnd(run), liveStops);
    assert.deepEqual(runRecord(run, example, FIELDS), runRecord(live, example, FIELDS));
    // at the end, looking ahead again finds nothing more
    assert.deepEqual(lookAhead(run, { maxStops: 1e7, until: Infinity }), s);
  });
}

test('the budget of stops caps the history; the clock ends a slice after its batch; slices go on from where the last stopped', () => {
  const run = startExample(image, 'four-way.tcpscenario');
  assert.deepEqual(lookAhead(run, { maxStops: 50, until: Infinity }), { stops: 50, whole: false, capped: true, summarized: true });
  assert.equal(run.stopIndex, 0);
  assert.deepEqual(lookAhead(run, { maxStops: 50, until: Infinity }), { stops: 50, whole: false, capped: true, summarized: true }, 'capped: nothing more');
  // a slice whose time is up records one batch
  const s = lookAhead(run, { maxStops: 1e7, until: 0, batch: 10 });
  // (a run this short fills no whole chunk of the logs: nothing to summarize)
  assert.deepEqual(s, { stops: 60, whole: false, capped: false, summarized: true });
  let slices = 0;
  while (!lookAhead(run, { maxStops: 1e7, until: 0, batch: 500 }).whole) slices++;
  assert.ok(slices > 1, `${slices} slices`);
  assert.equal(run.stopIndex, 0);
  assert.equal(run.stopCount, toEnd(startExample(image, 'four-way.tcpscenario')).length);
});

test('from a stop in the middle: the position is kept; a what-if there forgets the future and looking ahead recomputes it as the live run with that change', () => {
  const run = startExample(image, 'passive-close.tcpscenario');
  const whole = lookAhead(run, { maxStops: 1e7, until: Infinity });
  const mid = Math.floor(whole.stops / 3);
  run.goto(mid);
  const here = said(run.stopInfo(mid));
  assert.deepEqual(lookAhead(run, { maxStops: 1e7, until: Infinity }), whole);
  assert.equal(said(run.stopInfo(run.stopIndex)), here);
  // the what-if: the server's fin_seq changed at this stop, in the known run and in a live one
  const fin = run.sock.byName.get('fin_seq')!;
  const change = (r: ReleaseRun) => r.whatIf(() => r.setField(r.socks[0].sk, fin, 4242));
  change(run);
  assert.equal(run.stopCount, mid + 2, 'the future is forgotten, the change is a stop of its own');
  const again = lookAhead(run, { maxStops: 1e7, until: Infinity });
  assert.ok(again.whole);
  const live = startExample(image, 'passive-close.tcpscenario');
  while (live.stopIndex < mid) live.forward();
  change(live);
  const liveStops = toEnd(live);
  assert.equal(again.stops, live.stopCount);
  assert.deepEqual(toEnd(run), liveStops);
  assert.deepEqual(runRecord(run, 'p', FIELDS), runRecord(live, 'p', FIELDS));
});
