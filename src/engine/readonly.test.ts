// The engine's read-only evaluation (the history sealed, natives declaring purity) and pointers
// kept in integers (kept, or refused with file:line:col where their numeric value is needed).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileProgram, type NativeSpec, type Program } from './compile';
import { History } from './history';
import { Machine } from './machine';
import { CError, ReadOnlyRefusal, type CFunction } from './code';
import { CStruct } from './ctypes';
import { nodeCParser } from '../host/node';

async function load(text: string, natives: Record<string, NativeSpec> = {}): Promise<{ prog: Program; H: History; m: Machine }> {
  const parse = await nodeCParser();
  const H = new History();
  const prog = compileProgram({ files: [{ path: '/t/x.c', text }], main: '/t/x.c', parse, readInclude: () => undefined, history: H, natives: new Map(Object.entries(natives)) });
  return { prog, H, m: new Machine(prog, H) };
}

function call(env: { prog: Program; m: Machine; H: History }, name: string, args: any[] = []): any {
  env.m.enter(env.prog.fnByName.get(name) as CFunction, args);
  let skip = false;
  while (env.m.advance(skip) === 'statement') {
    env.H.recordStop(env.m.top!.fn.index, env.m.pc);
    skip = true;
  }
  return env.m.lastReturn;
}

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

const SRC = `struct timer_list { unsigned long expires; };
struct sock { unsigned long rto; int state; struct timer_list timer; };
extern int peek(struct sock *sk);
extern int poke(struct sock *sk);
extern int sneaky(struct sock *sk);
int f(struct sock *sk)
{
	sk->rto = 300;
	return sk->rto;
}
`;

test('read-only expressions: impure natives and kernel C refused by name; a native wrongly declared pure still cannot write', async () => {
  let pokes = 0;
  const env = await load(SRC, {
    peek: { impl: ([sk]) => (sk as CStruct).get('rto'), pure: true },
    poke: { impl: () => ++pokes, effect: 'pokes the socket' },
    sneaky: { impl: ([sk]) => env.H.set((sk as CStruct).f, 1, 99), pure: true },
  });
  const sk = new CStruct(env.prog.structs.get('struct sock')!);
  const fn = env.prog.fnByName.get('f') as CFunction;
  env.m.enter(fn, [sk]);
  env.m.advance(false);
  env.H.recordStop(fn.index, env.m.pc);
  const fr = env.m.top!;
  const compile = (t: string) => env.prog.compileExpression!(t, fn, env.m.pc, false);
  assert.equal(compile('peek(sk) + 1').ev(fr), 1);
  assert.throws(() => compile('peek(sk) + poke(sk)'), (e: unknown) => e instanceof ReadOnlyRefusal && /^<expression>:1:12: poke\(\) is not allowed here: it pokes the socket/.test(e.message));
  assert.throws(() => compile('f(sk)'), (e: unknown) => e instanceof ReadOnlyRefusal && /f\(\) is kernel C/.test(e.message));
  assert.throws(() => compile('nosuch(sk)'), /the kernel source has no function 'nosuch'/);
  assert.throws(() => compile('sk->state = 1'), ReadOnlyRefusal);
  // the history is the last word: a write by a native declared pure is refused, placed at the expression
  const sneaky = compile('sneaky(sk)');
  const writes = env.H.writeCount;
  assert.throws(() => sneaky.ev(fr), (e: unknown) => e instanceof ReadOnlyRefusal && /^<expression>:1:1: a store to memory is not allowed in a read-only evaluation/.test(e.message));
  assert.equal(sk.get('state'), 0);
  assert.equal(env.H.writeCount, writes);
  // an impure native refuses while the history is sealed, whoever calls it
  const poke = env.prog.fnByName.get('poke')!;
  env.H.seal();
  assert.throws(() => (poke as any).impl([sk], fn.loc), ReadOnlyRefusal);
  env.H.unseal();
  assert.equal(pokes, 0);
  assert.equal((poke as any).impl([sk], fn.loc), 1, 'outside an evaluation the native runs');
  // with the expression done, the run goes on writing
  env.m.advance(true);
  assert.equal(sk.get('rto'), 300);
});

const SRC_PTR = `struct sock { unsigned long rto; int state; unsigned short window; };
unsigned long keep(struct sock *sk) { unsigned long v = (unsigned long) sk; return v; }
int back(struct sock *sk) { unsigned long v = (unsigned long) sk; struct sock *p = (struct sock *) v; return p == sk && v == (unsigned long) sk && v != 0 && !!v; }
int null(void) { struct sock *n = 0; unsigned long v = (unsigned long) n; return v == 0 && v + 1 == 1; }
int order(struct sock *sk) { unsigned long v = (unsigned long) sk; return v > 5; }
void store(struct sock *sk) { unsigned long v = (unsigned long) sk; sk->rto = v; }
int arith(struct sock *sk) { unsigned long v = (unsigned long) sk; return v + 1 > 0; }
void narrow(struct sock *sk) { unsigned long v = (unsigned long) sk; sk->window = v; }
void inc(struct sock *sk) { unsigned long v = (unsigned long) sk; v++; }
int sw(struct sock *sk) { unsigned long v = (unsigned long) sk; switch (v) { case 0: return 0; default: return 1; } }
int neg(struct sock *sk) { unsigned long v = (unsigned long) sk; return -v; }
`;

test('a pointer kept in an unsigned long: copied, stored, compared, cast back; arithmetic, ordering and narrowing refused with file:line:col', async () => {
  const env = await load(SRC_PTR);
  const sk = new CStruct(env.prog.structs.get('struct sock')!);
  assert.equal(call(env, 'keep', [sk]), sk, 'the value is kept, not 0');
  assert.equal(call(env, 'back', [sk]), 1);
  assert.equal(call(env, 'null'), 1, 'a NULL pointer in an integer is 0');

  const lines = SRC_PTR.split('\n');
  /** file:line:col of `snippet` on the line defining `fn` */
  const at = (fn: string, snippet: string) => {
    const i = lines.findIndex((l) => l.includes(` ${fn}(struct sock *sk)`));
    return `/t/x.c:${i + 1}:${lines[i].indexOf(snippet) + 1}: `;
  };
  const faults: [string, string, string][] = [
    ['order', 'v > 5', `'>' needs a number, but the value is a pointer kept in an integer ((struct sock *) #`],
    ['arith', 'v + 1', `'+' needs a number`],
    ['narrow', 'sk->window = v', `converting to 'unsigned short' needs a number`],
    ['inc', 'v++', `'++' needs a number`],
    ['sw', 'switch', `switch needs a number`],
    ['neg', '-v', `'-' needs a number`],
  ];
  for (const [fn, snippet, msg] of faults) {
    env.m.frames.length = 0;
    const want = at(fn, snippet) + msg;
    assert.throws(() => call(env, fn, [sk]), (e: unknown) => e instanceof CError && e.message.startsWith(want), `${fn}: ${want}`);
  }
  env.m.frames.length = 0;
  call(env, 'store', [sk]);
  assert.equal(sk.get('rto'), sk, 'sk->rto = v keeps the pointer, it is not set to 0');
  env.m.frames.length = 0;
  assert.throws(() => call(env, 'order', [sk]), /'>' needs a number/, 'and v > 5 on it is refused, not false');
});
