// Translation units linked as a kernel build links them, and what cannot run refused when reached.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Op, ReadOnlyRefusal, type CError, type NativeFunction } from '../../src/engine/code';
import { Kernel } from '../../src/engine/cmachine/kernel';
import { preprocessUnits } from '../../src/engine/cmachine/load';
import { nodeCParser } from '../../src/host/node';
import { MAX_DEPTH, Machine } from '../../src/engine/machine';
import { History } from '../../src/engine/history';
import { call, compileC, machineFor, printNatives } from './harness';

const HEADER = `
extern int shared;
extern __inline__ int twice(int x) { return x * 2; }
static __inline__ int local_helper(void) { return 1; }
int replaced(int x);
`;

test('statics per unit, externs shared, an extern inline from a header merges with the real definition', async () => {
  const out: string[] = [];
  const k = await compileC(
    {
      '/inc/h.h': HEADER,
      '/a.c': `#include "h.h"\nstatic int counter = 10;\nint shared = 5;\nint a_get(void) { return counter + twice(shared) + local_helper() + replaced(1); }\nint replaced(int x) { return x + 1000; }\n`,
      '/b.c': `#include "h.h"\nstatic int counter = 20;\nint b_get(void) { shared++; return counter + twice(3) + local_helper(); }\n`,
    },
    { natives: printNatives(out) },
  );
  assert.equal(call(k, 'b_get'), 20 + 6 + 1);
  assert.equal(k.mem.s32(k.addressOf('shared')), 6, 'b.c changed the one shared');
  assert.equal(call(k, 'a_get'), 10 + 12 + 1 + 1001);
  assert.equal(k.mem.s32(k.addressOf('a.c:counter')), 10);
  assert.equal(k.mem.s32(k.addressOf('b.c:counter')), 20);
});

test('two real definitions of one external function are a load error naming both places', async () => {
  await assert.rejects(
    compileC({ '/a.c': `int f(void) { return 1; }\n`, '/b.c': `\nint f(void) { return 2; }\n` }),
    (e: Error) => /^\/b\.c:2:1: redefinition of f\(\) \(first defined at \/a\.c:1:1\)$/.test(e.message),
  );
});

test('a machine-layer unit replaces the release function of the same name, and is listed', async () => {
  const files: Record<string, string> = {
    '/r.c': `int tcp_check(int x) { __asm__("bswap %0" : "=r"(x) : "0"(x)); return x; }\nint use(void) { return tcp_check(41); }\n`,
    '/machine.c': `int tcp_check(int x) { return x + 1; }\n`,
  };
  const host = { exists: (p: string) => p in files, read: (p: string) => ({ text: files[p] }) };
  const units = preprocessUnits(Object.keys(files), host, { includePaths: [] }, (p) => p === '/machine.c');
  const k = new Kernel({ units, parse: await nodeCParser(), history: new History() }).load();
  assert.deepEqual(k.replaced, ['tcp_check']);
  assert.equal(call(k, 'use'), 42);
});

test('inline asm, an unknown builtin and a function defined nowhere are refused when reached, at the C location', async () => {
  const k = await compileC({
    '/p.c': `int nowhere(int);
static int spin(void) { int x; __asm__ __volatile__("rdtsc" : "=a"(x)); return x; }
int fine(int n) { if (n > 100) return spin(); return n + 1; }
int calls_nowhere(void) { int a = 1;
  return nowhere(a) + 2; }
int builtin(void) { return __builtin_frobnicate(3); }
int (*fp)(int) = nowhere;
int through_pointer(void) { return fp(1); }
`,
  });
  assert.throws(() => call(k, 'through_pointer'), (e: CError) => /^\/p\.c:8:36: call to nowhere\(\)/.test(e.message), 'through a pointer, before any direct call');
  assert.equal(call(k, 'fine', [5]), 6, 'a function with asm that is never reached runs');
  assert.throws(() => call(k, 'fine', [500]), (e: CError) => /^\/p\.c:2:32: inline assembly in spin\(\) cannot run/.test(e.message));
  assert.throws(() => call(k, 'calls_nowhere'), (e: CError) => /^\/p\.c:5:10: call to nowhere\(\), which is declared \(\/p\.c:1:5\) but defined nowhere/.test(e.message));
  assert.throws(() => call(k, 'builtin'), (e: CError) => /^\/p\.c:6:28: __builtin_frobnicate\(\) is a gcc builtin/.test(e.message));
  assert.throws(() => call(k, 'through_pointer'), (e: CError) => /^\/p\.c:8:36: call to nowhere\(\)/.test(e.message));
});

test('asm written through a macro runs the native given for that macro; its output operand gets the result', async () => {
  const seen: number[] = [];
  const k = await compileC(
    {
      '/inc/sys.h': `#define save_flags(x) __asm__ __volatile__("pushfl ; popl %0":"=r" (x): :"memory")\n#define restore_flags(x) __asm__ __volatile__("pushl %0 ; popfl": :"r" (x):"memory")\n#define cli() __asm__ __volatile__ ("cli": : :"memory")\n`,
      '/p.c': `#include <sys.h>\nint f(void) { unsigned long flags; save_flags(flags); cli(); flags += 1; restore_flags(flags); return flags; }\n`,
    },
    {
      asm: {
        save_flags: { fn: () => 0x246 },
        cli: { fn: () => (seen.push(-1), 0) },
        restore_flags: { fn: (_m, [x]) => (seen.push(x), 0) },
      },
    },
  );
  assert.equal(call(k, 'f'), 0x247);
  assert.deepEqual(seen, [-1, 0x247]);
  // each macro invocation is a statement at the line it is written on (and the closing brace one more)
  assert.deepEqual(k.cfunction('f').code.filter((i) => i.op === Op.STMT).map((i) => i.loc.line), [2, 2, 2, 2, 2, 2]);
});

test('the step budget and the call-depth cap still hold', async () => {
  const k = await compileC({ '/p.c': `int forever(void) { int i = 0; for (;;) i++; return i; }\nint deep(int n) { return deep(n + 1); }\n` });
  assert.throws(() => call(k, 'forever', [], undefined, 1000), (e: CError) => /^\/p\.c:1:\d+: the step budget of 1000 statements is used up in forever\(\)/.test(e.message));
  assert.throws(() => call(k, 'deep', [0]), (e: CError) => new RegExp(`call depth above ${MAX_DEPTH}`).test(e.message));
});

test('a function pointer to a native, natives\' purity, a native fault placed at the call', async () => {
  const k = await compileC(
    { '/p.c': `int peek(int *p);\nint poke(int *p, int v);\nint (*f)(int *) = peek;\nint g = 3;\nint run(void) { poke(&g, 9); return f(&g); }\nint bad(void) { return peek(0); }\n` },
    {
      natives: {
        peek: { fn: (mem, [p]) => mem.s32(p), pure: true },
        poke: { fn: (mem, [p, v]) => (mem.st32(p, v), 0), effect: 'writes memory' },
      },
    },
  );
  assert.equal(call(k, 'run'), 9);
  assert.equal((k.fnByName.get('peek') as NativeFunction).pure, true);
  assert.equal((k.fnByName.get('poke') as NativeFunction).pure, false);
  assert.throws(() => call(k, 'bad'), (e: CError) => /^\/p\.c:6:24: NULL pointer dereference: a 4-byte load at 0x00000000/.test(e.message));
  const m = machineFor(k);
  void m;
});

test('stepping back through a run restores every byte (frames in the stack block, globals, heap) and the stack pointer', async () => {
  const H = new History();
  const k = await compileC(
    {
      '/p.c': `struct s { int v[4]; char tag; };
int g[3];
void fill(struct s *p, int n) { int i; for (i = 0; i < 4; i++) p->v[i] = n * i; p->tag = n; }
int sum(struct s x) { return x.v[0] + x.v[1] + x.v[2] + x.v[3] + x.tag; }
int main(void) { struct s a, b; int k = 0; int *pk = &k;
  fill(&a, 3); b = a; b.v[2] = 100; g[1] = sum(b); *pk = sum(a);
  return g[1] * 1000 + k; }
`,
    },
    {},
    H,
  );
  const m = machineFor(k);
  k.enter(m, k.cfunction('main'), []);
  const snaps: { bytes: Uint8Array; sp: number; stop: number }[] = [];
  for (let first = true; ; first = false) {
    const a = m.runStops(!first, 1);
    if (a === 'returned') break;
    snaps.push({ bytes: k.mem.bytes.slice(0, k.mem.top), sp: k.sp[0], stop: H.currentStop });
  }
  assert.equal(m.lastReturn, (0 + 3 + 100 + 9 + 3) * 1000 + (0 + 3 + 6 + 9 + 3));
  assert.ok(snaps.length > 20, `${snaps.length} stops`);
  for (let i = snaps.length - 1; i >= 0; i--) {
    H.goto(snaps[i].stop);
    assert.deepEqual(k.mem.bytes.slice(0, k.mem.top), snaps[i].bytes, `bytes at stop ${i}`);
    assert.equal(k.sp[0], snaps[i].sp, `stack pointer at stop ${i}`);
  }
  H.goto(snaps[snaps.length - 1].stop);
  assert.deepEqual(k.mem.bytes.slice(0, k.mem.top), snaps[snaps.length - 1].bytes, 'and forward again');
});

test('one compile, two runs: interleaved steps never see each other\'s stores; bytes placed by a body compiled late reach both', async () => {
  const k = await compileC({
    '/p.c': `int counter;
struct q { int n; struct q *next; } nodes[4];
int bump(int by) { int i; for (i = 0; i < 3; i++) { counter += by; nodes[i].n = counter; nodes[i].next = &nodes[i + 1]; } return counter; }
const char *late(void) { static char buf[8] = "ab"; buf[0]++; return "literal"; }
`,
  });
  const HA = new History();
  const HB = new History();
  const A = k.newRun(HA);
  const B = k.newRun(HB);
  const mA = new Machine(k, HA);
  const mB = new Machine(k, HB);
  A.enter(mA, k.cfunction('bump'), [1]);
  B.enter(mB, k.cfunction('bump'), [100]);
  let aDone = false;
  let bDone = false;
  for (let first = true; !aDone || !bDone; first = false) {
    if (!aDone) aDone = mA.runStops(!first, 1) === 'returned';
    if (!bDone) bDone = mB.runStops(!first, 1) === 'returned';
  }
  assert.equal(mA.lastReturn, 3);
  assert.equal(mB.lastReturn, 300);
  const counter = k.addressOf('counter');
  assert.equal(A.mem.s32(counter), 3);
  assert.equal(B.mem.s32(counter), 300);
  assert.equal(k.image.s32(counter), 0, 'the image is never run in');
  assert.equal(A.mem.u32(k.addressOf('nodes') + 4), B.mem.u32(k.addressOf('nodes') + 4), 'the same addresses in both runs');
  // a body compiled now, during run A, places its string literal and its static in both runs
  A.enter(mA, k.cfunction('late'), []);
  while (mA.runStops(false, 1 << 30) !== 'returned');
  const s = mA.lastReturn;
  assert.equal(A.mem.cstring(s), 'literal');
  assert.equal(B.mem.cstring(s), 'literal');
  B.enter(mB, k.cfunction('late'), []);
  while (mB.runStops(false, 1 << 30) !== 'returned');
  const buf = k.globals.get('/p.c:late:buf')!.addr;
  assert.equal(A.mem.cstring(buf), 'bb');
  assert.equal(B.mem.cstring(buf), 'bb', 'each run increments its own static once');
  // and going back in one run leaves the other as it is
  HA.goto(0);
  assert.equal(A.mem.s32(counter), 0);
  assert.equal(B.mem.s32(counter), 300);
});

test('an expression compiled in a function\'s scope at a stop reads its locals (slots and frame memory) and globals; sealed, a store is refused', async () => {
  const H = new History();
  const k = await compileC({
    '/p.c': `struct pt { int x, y; } origin = { 3, 4 };
int total;
int f(int n) { struct pt p; int k = n * 2; int *q = &k;
  p.x = k; p.y = *q + 1;
  total = p.x + p.y;
  return total; }
`,
  }, {}, H);
  const fn = k.cfunction('f');
  const m = machineFor(k);
  k.enter(m, fn, [5]);
  // run to the statement `total = ...` (line 5)
  for (let first = true; ; first = false) {
    m.runStops(!first, 1);
    if (m.instr!.loc.line === 5) break;
  }
  const fr = m.top!;
  const ev = (text: string): unknown => k.compileExpression(text, fn, m.pc).ev(fr);
  assert.equal(ev('n'), 5);
  assert.equal(ev('k + 1'), 11, 'an address-taken local, in frame memory');
  assert.equal(ev('p.y * 100 + p.x'), 1110, 'a struct local');
  assert.equal(ev('*q'), 10);
  assert.equal(ev('origin.y - origin.x'), 1, 'a global');
  assert.equal(ev('sizeof(struct pt)'), 8);
  assert.throws(() => k.compileExpression('f(1)', fn, m.pc), /a function call/);
  assert.throws(() => k.compileExpression('nosuch + 1', fn, m.pc), /<expression>:1:1: 'nosuch' is not declared/);
  const store = k.compileExpression('total = 99', fn, m.pc);
  H.seal();
  try {
    assert.throws(() => store.ev(fr), ReadOnlyRefusal);
  } finally {
    H.unseal();
  }
  assert.equal(k.mem.s32(k.addressOf('total')), 0);
});

test('an expression evaluated on the load image reads the globals\' initial values and makes no run; a store or an allocation is refused and changes nothing', async () => {
  const k = await compileC({ '/m.c': 'int limit = 40; int counter; int bump(void) { return ++counter; }' });
  const value = (text: string) => k.evaluateOnImage(k.compileExpression(text, null, 0).ev);
  assert.equal(value('limit * 3 + (int)sizeof(long)'), 124);
  assert.throws(() => value('counter = 7'), ReadOnlyRefusal);
  assert.throws(() => value('limit++'), ReadOnlyRefusal);
  assert.equal(value('limit + counter'), 40, 'nothing was stored');
  // a run made afterwards starts from the same image
  const m = machineFor(k);
  assert.equal(call(k, 'bump', [], m), 1);
  assert.equal(value('counter'), 0, 'a run\'s stores are its own, not the image\'s');
});
