// The History's typed log against a copy of the world kept at every stop: writes of every kind of
// value a cell holds (numbers, -0, NaN, null, undefined, BigInt, objects, arrays), pushes and
// pops of numbers and of objects (frames go through the registry), into more cells arrays than
// the log remembers the numbers of, across chunks; going to any stop gives that stop's world,
// a branch (truncate) in the past then runs on and is exact too, and setSlot leaves unlogged only
// the writes into slots made since the last stop.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { History, placeKey } from './history';
import { ReadOnlyRefusal, type CFunction, type Frame } from './code';
import { jumpAround } from './jumps.testkit';

const VALUES: unknown[] = [0, 1, -1, 2 ** 31, 2 ** 32 - 1, -0, NaN, 0.5, null, undefined, 5n, -(2n ** 63n), { a: 1 }, [1, 2], 'text'];

/** A copy of every array, element by element (objects by identity). */
const snap = (cells: unknown[][]): unknown[][] => cells.map((c) => [...c]);

function same(a: unknown[][], b: unknown[][], what: string): void {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < a.length; i++) {
    assert.equal(a[i].length, b[i].length, `${what}: array ${i}'s length`);
    for (let k = 0; k < a[i].length; k++) assert.ok(Object.is(a[i][k], b[i][k]), `${what}: array ${i}[${k}] is ${String(a[i][k])}, expected ${String(b[i][k])}`);
  }
}

function random(seed: number): (n: number) => number {
  return (n) => {
    // Math.imul: the product in doubles would lose its low bits, and the sequence its randomness
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    return (seed >>> 8) % n;
  };
}

/** Random writes between stops into `cells`; returns the world at each stop. */
function play(H: History, cells: unknown[][], rnd: (n: number) => number, stops: number, seen: unknown[][][]): void {
  for (let s = 0; s < stops; s++) {
    const writes = rnd(40);
    for (let w = 0; w < writes; w++) {
      const o = cells[rnd(cells.length)];
      const r = rnd(10);
      if (r < 6 && o.length) H.set(o, rnd(o.length), VALUES[rnd(VALUES.length)]);
      else if (r < 8 || !o.length) H.push(o, rnd(2) ? rnd(1000) : { frame: rnd(1000) });
      else H.pop(o);
    }
    seen[H.recordStop(0, s)] = snap(cells);
  }
}

test('every kind of value, pushed, popped and written, is what it was at any stop, after a branch too', () => {
  const rnd = random(11);
  const H = new History();
  // nine arrays: more than the log keeps numbers of, so some are registered again and again
  const cells: unknown[][] = Array.from({ length: 9 }, (_, i) => Array.from({ length: 3 + i }, () => VALUES[rnd(VALUES.length)]));
  const seen: unknown[][][] = [];
  seen[H.recordStop(0, 0)] = snap(cells);
  play(H, cells, rnd, 600, seen);
  assert.ok(H.writeCount > 2 * 4096, `${H.writeCount} writes: more than two chunks`);
  for (let i = 0; i < 300; i++) {
    const n = rnd(H.stopCount);
    H.goto(n);
    same(cells, seen[n], `stop ${n}`);
  }
  // a branch in the past: the future is forgotten, the new one recorded and exact
  const at = 250;
  H.goto(at);
  H.truncate();
  seen.length = at + 1;
  play(H, cells, rnd, 400, seen);
  assert.equal(H.stopCount, at + 401);
  for (let n = H.stopCount - 1; n >= 0; n--) {
    H.goto(n);
    same(cells, seen[n], `stop ${n} after the branch`);
  }
  for (let i = 0; i < 200; i++) {
    const n = rnd(H.stopCount);
    H.goto(n);
    same(cells, seen[n], `stop ${n} after the branch, jumping`);
  }
});

test('jumps across many whole chunks (crossed by their summaries) give every stop exactly, with arrays only written and arrays pushed, popped and written, after a branch too', () => {
  const rnd = random(23);
  const H = new History();
  // 24 arrays written by index only (a sock's fields, a frame's slots), 3 pushed and popped (the frames, the segments), two of them written too
  const fields: unknown[][] = Array.from({ length: 24 }, () => Array.from({ length: 16 }, () => rnd(100)));
  const stacks: unknown[][] = Array.from({ length: 3 }, () => [1, 2, 3]);
  const cells = [...fields, ...stacks];
  const seen: unknown[][][] = [];
  const run = (stops: number): void => {
    for (let s = 0; s < stops; s++) {
      for (let w = rnd(30); w > 0; w--) {
        const r = rnd(20);
        if (r < 14) H.set(fields[rnd(fields.length)], rnd(16), r < 12 ? rnd(1000) : VALUES[rnd(VALUES.length)]);
        else {
          // stacks[0] is only pushed and popped (crossed as a stack), the others written by index too
          const j = rnd(stacks.length);
          const o = stacks[j];
          if (r < 16 || o.length < 2) H.push(o, rnd(2) ? rnd(1000) : { seg: rnd(1000) });
          else if (r < 18 || j === 0) H.pop(o);
          else H.set(o, rnd(o.length), rnd(1000));
        }
      }
      seen[H.recordStop(0, s)] = snap(cells);
    }
  };
  seen[H.recordStop(0, 0)] = snap(cells);
  run(3000);
  assert.ok(H.writeCount > 10 * 4096, `${H.writeCount} writes: more than ten chunks`);
  const check = (n: number, what: string): void => {
    H.goto(n);
    same(cells, seen[n], `${what} ${n}`);
  };
  jumpAround({ H, check, rnd, run, forget: (n) => (seen.length = n + 1) }, 1234, 2000);
});

test('frames pushed and popped keep one registry number each: every stop has its frames, after a branch that forgot numbers too', () => {
  const H = new History();
  const frames: Frame[] = [];
  const frame = (name: string): Frame => ({ fn: { name } as unknown as CFunction, s: [name], hid: -1 });
  const seen: Frame[][] = [];
  const stop = (): void => {
    seen[H.recordStop(0, 0)] = [...frames];
  };
  const rnd = random(5);
  const play = (steps: number, tag: string): void => {
    for (let i = 0; i < steps; i++) {
      if (frames.length && (rnd(3) === 0 || frames.length > 6)) H.popFrame(frames);
      else H.pushFrame(frames, frame(`${tag}${i}`));
      stop();
    }
  };
  stop();
  play(300, 'a');
  const sameFrames = (n: number, what: string): void => {
    assert.equal(frames.length, seen[n].length, `${what}: depth`);
    frames.forEach((f, i) => assert.equal(f, seen[n][i], `${what}: frame ${i} is ${f.s[0]}, expected ${seen[n][i].s[0]}`));
  };
  for (let n = H.stopCount - 1; n >= 0; n--) {
    H.goto(n);
    sameFrames(n, `stop ${n}`);
  }
  // a branch at a stop where frames pushed later are forgotten with their numbers; frames pushed
  // before it and popped after it (their numbers still standing) and new frames then interleave
  H.goto(120);
  H.truncate();
  seen.length = 121;
  play(300, 'b');
  for (let i = 0; i < 400; i++) {
    const n = rnd(H.stopCount);
    H.goto(n);
    sameFrames(n, `stop ${n} after the branch`);
  }
  H.goto(H.stopCount - 1);
  H.seal();
  assert.throws(() => H.pushFrame(frames, frame('x')), /read-only/);
  assert.throws(() => H.popFrame(frames), /read-only/);
  H.unseal();
});

test('setSlot logs a write into a frame made before the last stop, not one made since', () => {
  const H = new History();
  H.recordStop(0, 0);
  const old = [0, 0, 0];
  const oldBorn = H.stopCount - 1;
  const fresh = [0, 0, 0];
  const freshBorn = H.stopCount;
  const writes = H.writeCount;
  H.setSlot(fresh, 1, 7, freshBorn);
  assert.equal(H.writeCount, writes, 'a frame made since the last stop: not logged');
  H.setSlot(old, 1, 7, oldBorn);
  assert.equal(H.writeCount, writes + 1, 'a frame made before it: logged');
  H.recordStop(0, 1);
  H.setSlot(fresh, 1, 8, freshBorn);
  assert.equal(H.writeCount, writes + 2, 'once a stop has shown the frame, its writes are logged');
  H.recordStop(0, 2);
  H.goto(1);
  assert.deepEqual([old[1], fresh[1]], [7, 7]);
  H.goto(0);
  assert.equal(old[1], 0);
  H.goto(2);
  assert.deepEqual([old[1], fresh[1]], [7, 8]);
  H.seal();
  assert.throws(() => H.setSlot(fresh, 1, 9, H.stopCount), /read-only/);
  H.unseal();
});

test('a stop record keeps any code and pc: packed when they fit, kept aside when not, forgotten with the future', () => {
  const H = new History();
  const cases: [number, number][] = [
    [0, 0],
    [-1, -1],
    [-4, 0],
    [-3, -1],
    [32767, 65534],
    [-32767, 12],
    [-32768, -1],
    [-32768, 0],
    [40000, 3],
    [5, 65535],
    [7, 1 << 20],
    [-2, -5],
  ];
  const cells = [0];
  for (const [code, pc] of cases) {
    H.set(cells, 0, code);
    H.recordStop(code, pc);
  }
  cases.forEach(([code, pc], n) => {
    assert.deepEqual(H.stopAt(n), { code, pc }, `stop ${n}`);
    assert.deepEqual([H.codeAt(n), H.pcAt(n)], [code, pc], `stop ${n}`);
  });
  // the scans back and forward see the same codes and pcs, wide ones too
  cases.forEach(([code, pc], n) => {
    const is = (c: number, p: number) => c === code && p === pc;
    const last = cases.length - 1 - [...cases].reverse().findIndex(([c, p]) => is(c, p));
    assert.equal(H.previousStop(cases.length, 0, is), last, `back to stop ${n}`);
    assert.equal(H.nextStop(-1, cases.length, is), cases.findIndex(([c, p]) => is(c, p)), `forward to stop ${n}`);
  });
  assert.equal(H.previousStop(5, 2, () => true), 4);
  assert.equal(H.previousStop(5, 5, () => true), -1, 'nothing at or after the floor before the start');
  assert.equal(H.nextStop(9, 12, () => true), 10);
  assert.equal(H.nextStop(10, 11, () => true), -1, 'nothing after the start and before the ceiling');
  H.goto(3);
  assert.equal(cells[0], -3);
  H.truncate();
  H.recordStop(1, 2);
  assert.deepEqual(H.stopAt(4), { code: 1, pc: 2 }, 'a new stop where a wide one was');
  assert.deepEqual(H.stopAt(3), { code: -3, pc: -1 });
  const off = new History({ record: false });
  off.recordStop(99999, 123456);
  assert.deepEqual(off.stopAt(0), { code: 99999, pc: 123456 });
  off.recordStop(1, 1);
  assert.deepEqual(off.stopAt(1), { code: 1, pc: 1 });
});

test('placeKey tells apart every code and pc a stop record holds, past 2^16 lines and at pc -1', () => {
  const pairs: [number, number][] = [];
  for (const code of [-4, -3, -2, -1, 0, 1, 2, 500, 32767]) for (const pc of [-1, 0, 1, 4464, 65535, 65536, 70000, 1 << 20]) pairs.push([code, pc]);
  const keys = new Map<number, string>();
  for (const [code, pc] of pairs) {
    const k = placeKey(code, pc);
    assert.ok(!keys.has(k), `(${code}, ${pc}) and ${keys.get(k)} have one key`);
    keys.set(k, `(${code}, ${pc})`);
    assert.equal(placeKey(code, pc), k);
  }
});

test('a sealed history refuses every change before making it', () => {
  const H = new History();
  const cells = [1, 2];
  H.set(cells, 0, 5);
  H.recordStop(0, 0);
  H.set(cells, 1, 6);
  H.recordStop(0, 1);
  const writes = H.writeCount;
  H.seal();
  for (const change of [() => H.set(cells, 0, 9), () => H.set(cells, 0, 5), () => H.push(cells, 3), () => H.pop(cells), () => H.recordStop(0, 2), () => H.goto(0), () => H.truncate()]) {
    assert.throws(change, ReadOnlyRefusal);
  }
  H.unseal();
  assert.deepEqual(cells, [5, 6]);
  assert.equal(H.writeCount, writes);
  assert.equal(H.stopCount, 2);
  assert.equal(H.currentStop, 1);
  H.set(cells, 0, 7); // unsealed again: writes go on
  assert.equal(cells[0], 7);
});
