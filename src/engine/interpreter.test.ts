// Unit tests of the C interpreter on small programs: C semantics, refusals with file:line:col,
// the step budget, faults, expressions, and the history going back and forth.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileProgram, type Program } from './compile';
import { History } from './history';
import { Machine } from './machine';
import { LoadErrors, type CFunction } from './code';
import { CStruct } from './ctypes';
import { nodeCParser } from '../host/node';

async function load(text: string, extraFiles: Record<string, string> = {}): Promise<{ prog: Program; H: History; m: Machine }> {
  const parse = await nodeCParser();
  const H = new History();
  const natives = new Map<string, { impl: (args: any[]) => any }>([
    ['printk', { impl: () => 0 }],
    ['twice', { impl: (args) => args[0] * 2 }],
  ]);
  const prog = compileProgram({ files: [{ path: '/t/x.c', text }], main: '/t/x.c', parse, readInclude: (p) => extraFiles[p], history: H, natives });
  return { prog, H, m: new Machine(prog, H) };
}

/** Calls fn(args) to completion; returns its value and the lines of the statements it stopped at. */
function call(env: { prog: Program; m: Machine; H: History }, name: string, args: any[] = []): { ret: any; lines: number[] } {
  const fn = env.prog.fnByName.get(name) as CFunction;
  const lines: number[] = [];
  env.m.enter(fn, args);
  let skip = false;
  while (env.m.advance(skip) === 'statement') {
    lines.push(env.m.instr!.loc.line);
    env.H.recordStop(env.m.top!.fn.index, env.m.pc);
    skip = true;
  }
  return { ret: env.m.lastReturn, lines };
}

async function loadErrors(text: string): Promise<string[]> {
  try {
    await load(text);
  } catch (e) {
    if (e instanceof LoadErrors) return e.errors.map((x) => x.message);
    throw e;
  }
  return [];
}

test('unsigned long arithmetic wraps at 2^32 and before() sees across the wrap', async () => {
  const env = await load(`
static int before(unsigned long seq1, unsigned long seq2)
{
	return (long)(seq1-seq2) < 0;
}
unsigned long add(unsigned long a, unsigned long b) { return a + b; }
int wrapped(void) { return before(4294967290UL, 5); }
int plain(void) { return 4294967290UL < 5; }
`);
  assert.equal(call(env, 'add', [0xfffffffa, 10]).ret, 4);
  assert.equal(call(env, 'wrapped').ret, 1, 'seq 4294967290 is before 5 across the wrap');
  assert.equal(call(env, 'plain').ret, 0);
});

test('int arithmetic: signed division truncates, unsigned comparison converts, shifts, compound ops', async () => {
  const env = await load(`
int f(void) { int a = -7; return a / 2; }
int g(void) { int a = -1; unsigned int b = 1; return a < b; }
int h(void) { int x = 5; x += 3; x <<= 2; x |= 1; x ^= 3; x -= 1; x %= 7; return x; }
unsigned short s(void) { unsigned short v = 65535; v++; return v; }
int neg(void) { unsigned long u = 0; u--; return u == 4294967295UL; }
`);
  assert.equal(call(env, 'f').ret, -3);
  assert.equal(call(env, 'g').ret, 0, '-1 < 1u is false in C: -1 becomes UINT_MAX');
  assert.equal(call(env, 'h').ret, 5, '((((5+3)<<2)|1)^3)-1 = 33, 33 % 7 = 5');
  assert.equal(call(env, 's').ret, 0);
  assert.equal(call(env, 'neg').ret, 1);
});

test('switch falls through case labels, default catches the rest, break leaves', async () => {
  const env = await load(`
int sw(int s)
{
	int r = 0;
	switch (s) {
		case 1:
		case 2:
			r = 12;
			break;
		case 3:
			r = 3;
		case 4:
			r += 40;
			break;
		default:
			r = 99;
	}
	return r;
}
`);
  assert.deepEqual([1, 2, 3, 4, 5].map((s) => call(env, 'sw', [s]).ret), [12, 12, 43, 40, 99]);
});

test('loops: while, for, do-while with break and continue', async () => {
  const env = await load(`
int loops(void)
{
	int i, n = 0;
	for (i = 0; i < 10; i++) {
		if (i == 2) continue;
		if (i == 6) break;
		n += i;
	}
	while (n < 100) n = n * 2;
	do { n++; } while (n % 5);
	return n;
}
`);
  // for: 0+1+3+4+5 = 13; while: 13,26,52,104; do: 105
  assert.equal(call(env, 'loops').ret, 105);
});

test('structs, pointers, bitfields, function pointers and natives', async () => {
  const env = await load(`
struct hdr { unsigned short fin:1, syn:1, doff:4; unsigned long seq; };
struct obj { int state; struct hdr h; void (*cb)(struct obj *o); };
int twice(int x);
static void bump(struct obj *o) { o->state++; }
int run(struct obj *o)
{
	o->cb = bump;
	o->cb(o);
	o->h.fin = 3;
	o->h.doff = 21;
	o->h.seq = twice(o->state);
	return o->h.fin * 100 + o->h.doff;
}
`);
  const t = env.prog.structs.get('struct obj')!;
  const o = new CStruct(t);
  const r = call(env, 'run', [o]);
  assert.equal(r.ret, 105, 'fin:1 keeps 1 of 3, doff:4 keeps 5 of 21');
  assert.equal(o.get('state'), 1);
  assert.equal((o.get('h') as CStruct).get('seq'), 2);
});

test('a C call inside a condition runs as frames; && does not call when the left side is false', async () => {
  const env = await load(`
int calls;
static int one(void)
{
	calls++;
	return 1;
}
int cond(int x)
{
	if (x && one() == 1)
		return 7;
	return 8;
}
`);
  assert.equal(call(env, 'cond', [0]).ret, 8);
  assert.equal(env.prog.G[env.prog.globals.get('calls')!.index], 0);
  const r = call(env, 'cond', [1]);
  assert.equal(r.ret, 7);
  assert.equal(env.prog.G[env.prog.globals.get('calls')!.index], 1);
  assert.deepEqual(r.lines, [10, 5, 6, 11], 'stops on the if, steps into one(), back to the return');
});

test('#define constants, alias macros, #include and #ifndef guards', async () => {
  const env = await load(
    `#include "h.h"
#include "h.h"
#define reset_msl_timer(x,y) reset_timer(x,y)
static int reset_timer(int a, int b) { return a * 10 + b; }
int f(void) { return reset_msl_timer(TWO, TCP_TIMEWAIT_LEN); }
`,
    { '/t/h.h': '#ifndef _H\n#define _H\n#define HZ 100\n#define TCP_TIMEWAIT_LEN (60*HZ)\n#define TWO 2\n#endif\n' },
  );
  assert.equal(call(env, 'f').ret, 20 + 6000);
  assert.equal(env.prog.constants.get('TCP_TIMEWAIT_LEN'), 6000);
});

test('unsupported C is refused at load with file:line:col and the construct named, all of them', async () => {
  const errs = await loadErrors(`int f(void)
{
	int a[3];
lbl:
	goto lbl;
	return sizeof(int);
}
typedef int myint;
union u { int a; long b; };
`);
  const joined = errs.join('\n');
  assert.match(joined, /\/t\/x\.c:3:\d+: arrays are not supported/);
  assert.match(joined, /\/t\/x\.c:8:1: typedef is not supported/);
  assert.match(joined, /\/t\/x\.c:9:\d+: a union with more than one member is not supported/);
  assert.ok(errs.length >= 3, joined);
});

test('calls to undefined functions and syntax errors are reported with their place', async () => {
  const errs = await loadErrors(`int f(void)
{
	return nowhere(1);
}
int g(void) { return 1 +; }
`);
  assert.ok(errs.some((e) => /x\.c:3:9: call to undefined function 'nowhere'/.test(e)), errs.join('\n'));
  assert.ok(errs.some((e) => /x\.c:5:\d+: syntax error/.test(e)), errs.join('\n'));
});

test('an endless loop stops at the step budget with a message, it does not hang', async () => {
  const env = await load(`int spin(void)
{
	int i = 0;
	while (1)
		i++;
	return i;
}
`);
  env.m.budget = 1000;
  env.m.enter(env.prog.fnByName.get('spin') as CFunction, []);
  let skip = false;
  assert.throws(
    () => {
      for (;;) {
        env.m.advance(skip);
        skip = true;
      }
    },
    (e: Error) => /x\.c:\d+:\d+: the step budget of 1000 statements is used up in spin\(\)/.test(e.message),
  );
});

test('a NULL dereference is a fault naming the expression and its place', async () => {
  const env = await load(`struct s { int x; };
int f(struct s *p)
{
	return p->x;
}
`);
  assert.throws(() => call(env, 'f', [null]), /x\.c:4:9: null pointer dereference: 'p' is NULL/);
});

test('expressions are compiled in a frame: locals, fields, constants; read-only unless allowed', async () => {
  const env = await load(`#define LIMIT 10
struct s { int x; };
int f(struct s *p, int k)
{
	int local = k * 2;
	p->x = local;
	return local;
}
`);
  const fn = env.prog.fnByName.get('f') as CFunction;
  const o = new CStruct(env.prog.structs.get('struct s')!);
  env.m.enter(fn, [o, 4]);
  env.m.advance(false); // at `int local = k * 2;`
  env.m.advance(true); // at `p->x = local;`
  const fr = env.m.top!;
  const e = env.prog.compileExpression!('local + p->x + LIMIT', fn, env.m.pc, false);
  assert.equal(e.ev(fr), 8 + 0 + 10);
  assert.throws(() => env.prog.compileExpression!('local = 3', fn, env.m.pc, false), /assignment is not allowed/);
  assert.throws(() => env.prog.compileExpression!('local +', fn, env.m.pc, false), /is not a C expression/);
  assert.throws(() => env.prog.compileExpression!('nosuch', fn, env.m.pc, false), /'nosuch' is not declared/);
  const w = env.prog.compileExpression!('local', fn, env.m.pc, true);
  assert.ok(w.lvalue, 'a local is assignable');
});

test('history: going back restores fields, locals and frames exactly; forward redoes', async () => {
  const env = await load(`struct s { int state; };
static void set(struct s *p, int v)
{
	p->state = v;
}
void f(struct s *p)
{
	set(p, 1);
	set(p, 2);
	p->state = 3;
}
`);
  const o = new CStruct(env.prog.structs.get('struct s')!);
  const fn = env.prog.fnByName.get('f') as CFunction;
  env.m.enter(fn, [o]);
  const seen: { state: number; depth: number; line: number }[] = [];
  let skip = false;
  while (env.m.advance(skip) === 'statement') {
    env.H.recordStop(env.m.top!.fn.index, env.m.pc);
    seen.push({ state: o.get('state'), depth: env.m.frames.length, line: env.m.instr!.loc.line });
    skip = true;
  }
  assert.equal(o.get('state'), 3);
  for (let n = seen.length - 1; n >= 0; n--) {
    env.H.goto(n);
    env.m.restorePosition(env.H.stopAt(n).pc);
    assert.deepEqual({ state: o.get('state'), depth: env.m.frames.length, line: env.m.instr!.loc.line }, seen[n], `stop ${n}`);
  }
  env.H.goto(seen.length - 1);
  assert.equal(o.get('state'), 3, 'redo brings the last stop back: at the closing brace state is 3');
  assert.equal(env.m.frames.length, 1);
});
