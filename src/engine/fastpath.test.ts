// The fast path and the history options: runFast moves exactly as forward() does, a run without
// history ends in the same memory, and the chunked log goes back, branches and finds writers.
// On the release (ReleaseRun).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadReleaseRun, releaseImage } from '../host/load';
import { History } from './history';
import { ReleaseRun } from './release/run';

const FOUR_WAY = join(__dirname, '..', '..', 'examples', 'four-way.tcpscenario');

/** every sock's watched fields and timers, as numbers */
function fields(run: ReleaseRun): string {
  const names = ['state', 'shutdown', 'fin_seq', 'write_seq', 'sent_seq', 'acked_seq', 'rcv_ack_seq', 'rtt', 'rto', 'retransmits'];
  return JSON.stringify(run.socks.map((s) => [...names.map((n) => run.field(s.sk, n)), ...(['timer', 'retransmit_timer'] as const).map((w) => [run.timerPending(run.timerAddress(s.sk, w)), run.timerExpires(run.timerAddress(s.sk, w))])]));
}

const line = (s: { kind: string; socket: string; loc?: { line: number }; clock: number }) => `${s.kind} ${s.socket} ${s.loc?.line ?? ''} ${s.clock}`;

test('runFast records the same stops as forward(), and ends in the same memory', async () => {
  const a = (await loadReleaseRun({ scenarioPath: FOUR_WAY })).run;
  const b = (await loadReleaseRun({ scenarioPath: FOUR_WAY })).run;
  const seen: string[] = [line(a.stopInfo(0))];
  for (;;) {
    const s = a.forward();
    seen.push(line(s));
    if (s.kind === 'end' || s.kind === 'error') break;
  }
  let moved = 0;
  for (const chunk of [1, 7, 1000, 3, Infinity]) moved += b.runFast(chunk);
  assert.equal(b.stopCount, a.stopCount);
  assert.equal(moved, a.stopCount - 1);
  assert.equal(b.runFast(), 0, 'at the end nothing moves');
  assert.equal(fields(b), fields(a));
  for (let n = 0; n < b.stopCount; n++) assert.equal(line(b.goto(n)), seen[n], `stop ${n}`);
});

test('a run without history ends in the same memory and keeps only the current stop', async () => {
  const { run: a } = await loadReleaseRun({ scenarioPath: FOUR_WAY });
  a.runFast();
  const b = new ReleaseRun(await releaseImage(), a.bound, { history: false });
  b.runFast();
  assert.equal(b.stopCount, a.stopCount);
  assert.equal(b.stopInfo(b.stopIndex).kind, 'end');
  assert.equal(b.failures.length, 0);
  assert.equal(fields(b), fields(a));
  assert.equal(b.H.writeCount, 0);
  assert.throws(() => b.backward(), RangeError);
  assert.throws(() => b.goto(0), RangeError);
});

test('the chunked log: long runs of writes undone, redone, truncated across chunks; lastWriter', () => {
  const H = new History();
  const o: number[] = [0, 0, 0];
  const arr: number[] = [];
  const truth: string[] = [];
  H.recordStop(0, 0);
  truth.push(JSON.stringify([o, arr]));
  for (let i = 1; i <= 50_000; i++) {
    H.set(o, i % 3, i);
    if (i % 5 === 0) H.push(arr, i);
    if (i % 11 === 0 && arr.length) H.pop(arr);
    H.recordStop(0, i);
    truth.push(JSON.stringify([o, arr]));
  }
  for (const n of [0, 49_999, 17, 33_333, 50_000, 1, 25_000]) {
    H.goto(n);
    assert.equal(JSON.stringify([o, arr]), truth[n], `stop ${n}`);
  }
  // the writer of o[1] as seen at stop 25,000: the last i <= 25,000 with i % 3 == 1 (25,000), written during stop i - 1
  assert.equal(H.lastWriter(o, 1, 25_000), 24_999);
  assert.equal(H.lastWriter(o, 1, 24_999), 24_996);
  // branch at 20,000 (a chunk boundary is not required) and write a new future
  H.goto(20_000);
  H.truncate();
  H.set(o, 0, -1);
  H.recordStop(0, 0);
  assert.equal(H.stopCount, 20_002);
  H.goto(20_000);
  assert.equal(JSON.stringify([o, arr]), truth[20_000]);
  H.goto(20_001);
  assert.equal(o[0], -1);
  assert.equal(H.lastWriter(o, 0, 20_001), 20_000);
  // and at an exact chunk boundary
  H.goto(0);
  H.truncate();
  for (let i = 0; i < 1 << 14; i++) H.set(o, 0, i + 1);
  H.recordStop(0, 0);
  H.goto(0);
  H.truncate();
  H.set(o, 2, 7);
  H.recordStop(0, 0);
  H.goto(0);
  assert.equal(JSON.stringify(o), JSON.stringify(JSON.parse(truth[0])[0]));
});

test('lastWriter answers whatever the length of the log, a whole number of chunks included', () => {
  // the log grows in fixed-size chunks (4096 entries today): lengths on both sides of a few multiples
  for (const writes of [1, 4095, 4096, 4097, 8191, 8192, 12_288]) {
    const H = new History();
    const o = [0, 0];
    H.recordStop(0, 0);
    for (let i = 1; i <= writes; i++) {
      H.set(o, i % 2, i);
      H.recordStop(0, i);
    }
    // the last write of o[writes % 2] was the last one, made during the stop before the last
    assert.equal(H.lastWriter(o, writes % 2, writes), writes - 1, `${writes} writes`);
    assert.equal(H.lastWriter([0], 0, writes), undefined, `${writes} writes: an array never written`);
  }
});
