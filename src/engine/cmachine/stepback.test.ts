// Going back in time on the release restores the byte memory and every frame's slots exactly, at
// every depth of the call stack: the History's typed log (numbers in doubles, null and undefined
// by tag, frames pushed and popped through its registry) and the slot writes it leaves unlogged
// (a frame made since the last stop: the machine layer's functions between two release stops)
// give back, at each stop, what the run showed when it first stood there. The examples run live,
// a digest of the memory and the frames is kept per stop sampled, then the run goes to those stops
// in a shuffled order (back and forth, across frames made and popped) and to every stop one at a
// time backwards, and each digest must match.

import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadReleaseKernel } from '../../host/node';
import type { ReleaseImage } from '../release/image';
import { type ReleaseRun } from '../release/run';
import { RUN } from './runstate';
import { startExample } from '../../host/startExample.testkit';

let image: ReleaseImage;
before(async () => {
  image = await loadReleaseKernel();
});



/**
 * FNV-1a over the bytes handed out so far, four at a time, except the block of string literals
 * and static locals: a body compiled for the first time writes its literals there in every run
 * (Kernel.reserve, not a store of the C), and they stay when the run goes back.
 */
function memoryDigest(run: ReleaseRun): string {
  const mem = run.run.mem;
  const words = new Int32Array(mem.bytes.buffer, 0, mem.top >> 2);
  const lits = mem.blocks().filter((b) => b.kind === 'string');
  assert.equal(lits.length, 1);
  const from = lits[0].start >> 2;
  const to = (lits[0].start + lits[0].size + 3) >> 2;
  let h = 0x811c9dc5;
  for (let i = 0; i < words.length; i++) {
    if (i === from) i = to;
    h = Math.imul(h ^ words[i], 0x01000193);
  }
  return `${mem.top}:${(h >>> 0).toString(16)}`;
}

/** Every frame, bottom first: its function, pc and each slot's value (the run's slot as a mark). */
function framesDigest(run: ReleaseRun): string {
  const m = run.machine;
  return JSON.stringify(
    m.frames.map((fr, i) => [fr.fn.name, i === m.frames.length - 1 ? m.pc : fr.s[0], fr.s.map((v, k) => (k === RUN ? 'run' : typeof v === 'bigint' ? `${v}n` : v === undefined ? 'undef' : v))]),
  );
}

const digest = (run: ReleaseRun): string => `${memoryDigest(run)} ${framesDigest(run)}`;

for (const name of ['passive-close.tcpscenario', 'four-way.tcpscenario', 'retransmitted-fin.tcpscenario', 'listen-close.tcpscenario']) {
  test(`${name}: going back and forth to sampled stops gives each one's memory and frames exactly`, () => {
    const run = startExample(image, name);
    const seen = new Map<number, string>();
    let maxDepth = 0;
    const every = 7;
    while (!run.finished) {
      const n = run.stopIndex;
      const depth = run.machine.frames.length;
      if (n % every === 0 || depth > maxDepth) seen.set(n, digest(run));
      maxDepth = Math.max(maxDepth, depth);
      run.forward();
    }
    seen.set(run.stopIndex, digest(run));
    assert.ok(maxDepth >= 5, `${name}: a call stack ${maxDepth} deep at most`);
    assert.ok(seen.size > 20, `${name}: ${seen.size} stops sampled`);
    // a shuffled tour of the samples (a fixed order: the same every run)
    const order = [...seen.keys()];
    let seed = 7;
    for (let i = order.length - 1; i > 0; i--) {
      // Math.imul: the product in doubles would lose its low bits, and the order its shuffle
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      const j = (seed >>> 8) % (i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const n of order) {
      run.goto(n);
      assert.equal(digest(run), seen.get(n), `${name}: stop ${n} after a jump`);
    }
    // from the end, one stop back at a time to the start
    run.goto(run.stopCount - 1);
    for (let n = run.stopCount - 1; n >= 0; n--) {
      if (n !== run.stopCount - 1) run.backward();
      if (seen.has(n)) assert.equal(digest(run), seen.get(n), `${name}: stop ${n} stepping back`);
    }
  });
}

test('a what-if in the past forgets the future; the new branch runs live and steps back exactly too', () => {
  const run = startExample(image, 'passive-close.tcpscenario');
  while (!run.finished) run.forward();
  const end = run.stopCount - 1;
  // the deepest stop of the first half
  let at = 0;
  let depth = 0;
  for (let n = 0; n < end / 2; n++) {
    run.goto(n);
    if (run.machine.frames.length > depth) [at, depth] = [n, run.machine.frames.length];
  }
  run.goto(at);
  const before = digest(run);
  const sk = run.socks[0].sk;
  const f = image.kernel.records.get('sock')!.byName.get('rcv_ack_seq')!;
  run.whatIf(() => run.setField(sk, f, run.field(sk, 'rcv_ack_seq') + 1));
  const seen = new Map<number, string>();
  while (!run.finished) {
    seen.set(run.stopIndex, digest(run));
    run.forward();
  }
  for (const n of [...seen.keys()].reverse()) {
    run.goto(n);
    assert.equal(digest(run), seen.get(n), `stop ${n} of the new branch`);
  }
  run.goto(at);
  assert.equal(digest(run), before, 'the stop before the what-if');
});
