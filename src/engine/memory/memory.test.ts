// The byte memory: i386 little-endian loads and stores, faults for NULL and unmapped addresses,
// allocation and free, and going back in time through the History restoring every byte.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { History } from '../history';
import { Memory, MemoryFault, NULL_PAGE } from './memory';
import { ReadOnlyRefusal } from '../code';
import { jumpAround } from '../jumps.testkit';

test('stores and loads are little-endian, with signed and unsigned widths', () => {
  const H = new History();
  const m = new Memory(H);
  const a = m.alloc(8, 4, 'global', 'x');
  assert.ok(a >= NULL_PAGE && a % 4 === 0);
  m.st32(a, 0x80402010);
  assert.deepEqual([...m.read(a, 4)], [0x10, 0x20, 0x40, 0x80]);
  assert.equal(m.u32(a), 0x80402010);
  assert.equal(m.s32(a), 0x80402010 | 0);
  assert.equal(m.u16(a + 2), 0x8040);
  assert.equal(m.s16(a + 2), 0x8040 - 0x10000);
  assert.equal(m.s8(a + 3), -128);
  assert.equal(m.u8(a + 3), 128);
  m.st16(a + 4, -1);
  assert.equal(m.u16(a + 4), 0xffff);
  m.st8(a + 6, 0x1ff);
  assert.equal(m.u8(a + 6), 0xff);
});

test('NULL, unmapped, past-the-end and double-free accesses fault with what happened', () => {
  const H = new History();
  const m = new Memory(H);
  const a = m.alloc(4, 4, 'heap', 'kmalloc');
  const fault = (f: () => unknown, why: string, re: RegExp) =>
    assert.throws(f, (e: unknown) => e instanceof MemoryFault && e.why === why && re.test(e.message));
  fault(() => m.u32(0), 'null', /NULL pointer dereference: a 4-byte load at 0x00000000/);
  fault(() => m.st8(0x10, 1), 'null', /1-byte store at 0x00000010/);
  fault(() => m.u32(a + 2), 'unmapped', /outside every block/);
  fault(() => m.u8(0x7fffffff), 'unmapped', /load/);
  m.free(a);
  fault(() => m.free(a), 'free', /double free .*kmalloc/);
  fault(() => m.free(a + 1), 'free', /not the start of a heap block/);
  const g = m.alloc(4, 4, 'global', 'g');
  fault(() => m.free(g), 'free', /not the start of a heap block/);
  const small = new Memory(new History(), { limit: NULL_PAGE + 64 });
  fault(() => small.alloc(100, 4, 'heap', 'big'), 'limit', /out of memory: big needs 100 bytes/);
});

test('a freed heap block of the same size is reused, zeroed', () => {
  const H = new History();
  const m = new Memory(H);
  const a = m.alloc(12, 4, 'heap', 'one');
  m.st32(a, 7);
  m.free(a);
  const b = m.alloc(12, 4, 'heap', 'two');
  assert.equal(b, a);
  assert.equal(m.u32(b), 0);
  assert.equal(m.blockAt(b + 5)?.label, 'two');
});

test('a sealed history refuses stores, allocation and free before changing a byte', () => {
  const H = new History();
  const m = new Memory(H);
  const a = m.alloc(4, 4, 'heap', 'x');
  m.st32(a, 5);
  H.seal();
  assert.throws(() => m.st32(a, 6), ReadOnlyRefusal);
  assert.throws(() => m.st8(a, 6), ReadOnlyRefusal);
  assert.throws(() => m.alloc(4, 4, 'heap', 'y'), ReadOnlyRefusal);
  assert.throws(() => m.free(a), ReadOnlyRefusal);
  H.unseal();
  assert.equal(m.u32(a), 5);
  assert.equal(m.blockAt(a)?.live, true);
});

type Op = { k: 'alloc'; size: number } | { k: 'free'; pick: number } | { k: 'store'; pick: number; off: number; width: 1 | 2 | 4; v: number } | { k: 'copy'; from: number; to: number; n: number } | { k: 'stop' };

const ops = fc.array(
  fc.oneof(
    fc.record({ k: fc.constant('alloc' as const), size: fc.integer({ min: 1, max: 40 }) }),
    fc.record({ k: fc.constant('free' as const), pick: fc.nat() }),
    fc.record({ k: fc.constant('store' as const), pick: fc.nat(), off: fc.nat(), width: fc.constantFrom(1 as const, 2 as const, 4 as const), v: fc.integer() }),
    fc.record({ k: fc.constant('copy' as const), from: fc.nat(), to: fc.nat(), n: fc.integer({ min: 0, max: 16 }) }),
    fc.constant({ k: 'stop' as const }),
  ),
  { maxLength: 120 },
);

/** Runs `list` on `m`, recording a stop after each 'stop' op; returns the snapshot at every stop. */
function play(H: History, m: Memory, list: Op[]): { bytes: Uint8Array; live: boolean[] }[] {
  const snaps: { bytes: Uint8Array; live: boolean[] }[] = [];
  const snap = () => ({ bytes: m.bytes.slice(0, m.top), live: m.blocks().map((b) => b.live) });
  H.recordStop(0, 0);
  snaps.push(snap());
  for (const op of list) {
    const blocks = m.blocks();
    const live = blocks.filter((b) => b.live);
    if (op.k === 'alloc') m.alloc(op.size, 4, 'heap', 'b');
    else if (op.k === 'free' && live.length) m.free(live[op.pick % live.length].start);
    else if (op.k === 'store' && live.length) {
      const b = live[op.pick % live.length];
      if (b.size < op.width) continue;
      const at = b.start + (op.off % (b.size - op.width + 1));
      if (op.width === 1) m.st8(at, op.v);
      else if (op.width === 2) m.st16(at, op.v);
      else m.st32(at, op.v);
    } else if (op.k === 'copy' && live.length) {
      const s = live[op.from % live.length];
      const d = live[op.to % live.length];
      const n = Math.min(op.n, s.size, d.size);
      m.copy(d.start, s.start, n);
    } else if (op.k === 'stop') {
      H.recordStop(0, 0);
      snaps.push(snap());
    }
  }
  H.recordStop(0, 0);
  snaps.push(snap());
  return snaps;
}

function same(m: Memory, s: { bytes: Uint8Array; live: boolean[] }): void {
  assert.deepEqual(m.bytes.slice(0, s.bytes.length), s.bytes);
  assert.equal(m.top, s.bytes.length);
  assert.deepEqual(
    m.blocks().map((b) => b.live),
    s.live,
  );
}

test('going to any stop, back or forward, shows exactly the bytes and blocks it had', () => {
  fc.assert(
    fc.property(ops, fc.array(fc.nat(), { minLength: 1, maxLength: 12 }), (list, visits) => {
      const H = new History();
      const m = new Memory(H);
      const snaps = play(H, m, list);
      for (const v of visits) {
        const n = v % snaps.length;
        H.goto(n);
        same(m, snaps[n]);
      }
      H.goto(snaps.length - 1);
      same(m, snaps[snaps.length - 1]);
    }),
    { numRuns: 300 },
  );
});

test('jumps across many whole chunks of stores (crossed by their summaries) give every stop\'s bytes, with widths overlapping, after a branch too', () => {
  let seed = 7;
  const rnd = (n: number): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
    return (seed >>> 8) % n;
  };
  const H = new History();
  const m = new Memory(H);
  const base = m.alloc(96, 4, 'heap', 'fields');
  const seen: Uint8Array[] = [];
  const stop = (): void => {
    seen[H.recordStop(0, 0)] = m.bytes.slice(base, base + 96);
  };
  const run = (stops: number): void => {
    for (let s = 0; s < stops; s++) {
      for (let w = rnd(32); w > 0; w--) {
        const width = [1, 2, 4][rnd(3)];
        // unaligned too: a 4-byte store over two earlier 2-byte ones, a byte inside a word
        const at = base + rnd(96 - width + 1);
        const v = rnd(3) ? rnd(0x10000) * 0x10001 : rnd(4);
        if (width === 1) m.st8(at, v);
        else if (width === 2) m.st16(at, v);
        else m.st32(at, v);
      }
      stop();
    }
  };
  stop();
  run(8000);
  // the log's chunks are 8192 stores
  assert.ok(m.stores > 10 * 8192, `${m.stores} stores: more than ten chunks`);
  const check = (n: number, what: string): void => {
    H.goto(n);
    assert.deepEqual(m.bytes.slice(base, base + 96), seen[n], `${what} ${n}`);
  };
  jumpAround({ H, check, rnd, run, forget: (n) => (seen.length = n + 1) }, 3777, 3000);
});

test('after going back, a new branch of stores forgets the old future and can be undone too', () => {
  fc.assert(
    fc.property(ops, ops, fc.nat(), (first, second, back) => {
      const H = new History();
      const m = new Memory(H);
      const snaps = play(H, m, first);
      const n = back % snaps.length;
      H.goto(n);
      H.truncate();
      const before = { bytes: m.bytes.slice(0, m.top), live: m.blocks().map((b) => b.live) };
      const stops = H.stopCount;
      play(H, m, second);
      H.goto(stops - 1);
      same(m, before);
    }),
    { numRuns: 200 },
  );
});

test('lastStore finds the store that last touched any byte of a range', () => {
  const H = new History();
  const m = new Memory(H);
  const a = m.alloc(8, 4, 'global', 'x');
  m.st32(a, 1);
  m.st8(a + 5, 2);
  m.st16(a + 2, 3);
  const end = m.position();
  assert.equal(m.lastStore(a, 1, 0, end), 0);
  assert.equal(m.lastStore(a + 3, 1, 0, end), 2);
  assert.equal(m.lastStore(a + 4, 4, 0, end), 1);
  assert.equal(m.lastStore(a + 4, 1, 0, end), undefined);
  const seen: number[] = [];
  m.forEachStore(0, end, (addr, w) => seen.push(addr - a, w));
  assert.deepEqual(seen, [0, 4, 5, 1, 2, 2]);
});

/** lastStore by reading the whole log in order: the last store in [start, end) that touched the range */
function lastStoreByScan(m: Memory, addr: number, size: number, start: number, end: number): number | undefined {
  let last: number | undefined;
  m.forEachStore(start, end, (a, w, at) => {
    if (a < addr + size && a + w > addr) last = at;
  });
  return last;
}

test('lastStore (through its index of bytes) agrees with a scan of the whole log, before and after a branch forgets the old future', () => {
  const query = fc.record({ addr: fc.nat(), size: fc.integer({ min: 1, max: 8 }), start: fc.nat(), end: fc.nat() });
  fc.assert(
    fc.property(ops, ops, fc.nat(), fc.array(query, { minLength: 1, maxLength: 40 }), fc.boolean(), (first, second, back, queries, between) => {
      const H = new History();
      const m = new Memory(H);
      const check = () => {
        const n = m.stores + 1;
        // addresses over the blocks handed out, and a word past them
        const lo = m.blocks()[0]?.start ?? 0;
        for (const q of queries) {
          const addr = lo + (q.addr % Math.max(1, m.top - lo + 4));
          const [start, end] = [q.start % n, q.end % n].sort((x, y) => x - y);
          assert.equal(m.lastStore(addr, q.size, start, end), lastStoreByScan(m, addr, q.size, start, end), `[${addr}, +${q.size}) in [${start}, ${end})`);
        }
      };
      const snaps = play(H, m, first);
      check();
      H.goto(back % snaps.length);
      H.truncate();
      // asked between the branch and its new stores, or not: the index must not keep the forgotten stores either way
      if (between) check();
      play(H, m, second);
      check();
    }),
    { numRuns: 300 },
  );
});

test('with history off, stores go straight to memory and nothing is logged', () => {
  const H = new History({ record: false });
  const m = new Memory(H);
  const a = m.alloc(4, 4, 'global', 'x');
  m.st32(a, 9);
  assert.equal(m.u32(a), 9);
  assert.equal(m.stores, 0);
});

test('copyNonZero copies every non-zero byte of an image, wherever it lies in a page, and nothing past the end', () => {
  const src = new Uint8Array(5 * 4096 + 64);
  src[0] = 1; // first byte of page 0
  src[2 * 4096 - 1] = 2; // last byte of page 1
  src[3 * 4096 + 1234] = 3; // inside page 3 (page 2 and 4 stay zero)
  const end = 5 * 4096 + 7; // a tail that is not a whole word
  src[end - 1] = 4;
  src[end] = 5; // past the end: not copied
  const mem = new Memory(new History({ record: false }));
  mem.reserveBytes(src.length);
  mem.copyNonZero(src, end);
  assert.deepEqual([...mem.bytes.subarray(0, end)], [...src.subarray(0, end)]);
  assert.equal(mem.bytes[end], 0);
});
