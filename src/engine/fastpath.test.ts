// The fast path and the history options: runFast moves exactly as forward() does, a run without
// history ends in the same world, and the chunked log goes back, branches and finds writers.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { loadRun } from '../host/load';
import { nodeCParser, readKernel, shippedKernelPath } from '../host/node';
import { parseScenario } from '../scenario/parse';
import { History } from './history';
import { Run } from './run';

// the reduced port's four-way close (examples/ teach the release)
const FOUR_WAY = join(__dirname, '..', '..', 'test', 'fixtures', 'reduced-examples', 'four-way.tcpscenario');

function fields(run: Run): string {
  return JSON.stringify([...run.world.sockets.values()].map((s) => s.sk.f.filter((x) => typeof x === 'number')));
}

test('runFast records the same stops as forward(), and ends in the same world', async () => {
  const a = await loadRun({ scenarioPath: FOUR_WAY });
  const b = await loadRun({ scenarioPath: FOUR_WAY });
  const seen: string[] = [];
  for (;;) {
    const s = a.forward();
    seen.push(`${s.kind} ${s.socket} ${s.loc?.line ?? ''} ${s.clock}`);
    if (s.kind === 'end' || s.kind === 'error') break;
  }
  let moved = 0;
  for (const chunk of [1, 7, 1000, 3, Infinity]) moved += b.runFast(chunk);
  assert.equal(b.stopCount, a.stopCount);
  assert.equal(moved, a.stopCount - 1);
  assert.equal(b.runFast(), 0, 'at the end nothing moves');
  assert.equal(fields(b), fields(a));
  for (let n = 0; n < b.stopCount; n++) {
    const s = b.goto(n);
    assert.equal(`${s.kind} ${s.socket} ${s.loc?.line ?? ''} ${s.clock}`, seen[n - 1] ?? `${a.goto(0).kind} ${a.goto(0).socket} ${a.goto(0).loc?.line ?? ''} ${a.goto(0).clock}`, `stop ${n}`);
  }
  // until: stops after the first stop in tcp_fin
  const c = await loadRun({ scenarioPath: FOUR_WAY });
  c.runFast(Infinity, (n) => c.lineOf(n).fn === 'tcp_fin');
  assert.equal(c.stopInfo(c.stopIndex).fn?.name, 'tcp_fin');
});

test('a run without history ends in the same world and keeps only the current stop', async () => {
  const a = await loadRun({ scenarioPath: FOUR_WAY });
  a.runFast();
  const text = readFileSync(FOUR_WAY, 'utf8');
  const b = new Run({ scenario: parseScenario(text, FOUR_WAY), scenarioText: text, kernel: readKernel(shippedKernelPath()), parse: await nodeCParser(), history: false });
  b.runFast();
  assert.equal(b.stopCount, a.stopCount);
  assert.equal(b.stopInfo(b.stopIndex).kind, 'end');
  assert.equal(b.world.failures.length, 0);
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
