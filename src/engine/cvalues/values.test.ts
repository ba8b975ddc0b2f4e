// The values layer on the real release: the seven 1.2.13 files with the machine layer's kmalloc
// (its arena), string and byte-order C, a sock made by the C's own kmalloc, tcp_close_state run
// statement by statement; what the Variables view, hovers and Set Value would show and do.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { History } from '../history';
import { Machine } from '../machine';
import type { Frame } from '../code';
import { Kernel, type CRun } from '../cmachine/kernel';
import { RELEASE_DEFINES, RELEASE_FILES, preprocessUnits } from '../cmachine/load';
import { i386Asm } from '../world/cpu';
import type { RecT } from '../cmachine/types';
import { nodeCParser } from '../../host/node';
import { Values, frameVariables, setValue, evaluate, machineArena, SetValueError, EvaluationError, type CValue } from './index';

const kernelDir = join(__dirname, '../../kernel');
const release = join(kernelDir, 'linux-1.2.13');
const machineDir = join(kernelDir, 'machine');
const MACHINE_FILES = ['kmalloc.c', 'string.c', 'byteorder.c', 'system.c'].map((f) => join(machineDir, f));

async function load(): Promise<Kernel> {
  const asmAlias = (p: string): string => p.replace(/\/include\/asm\//, '/include/asm-i386/');
  const host = { exists: (p: string) => existsSync(asmAlias(p)) && statSync(asmAlias(p)).isFile(), read: (p: string) => ({ text: readFileSync(asmAlias(p), 'latin1') }) };
  const includePaths = [join(machineDir, 'include'), join(release, 'include'), join(release, 'net/inet'), machineDir];
  const units = preprocessUnits([...RELEASE_FILES.map((f) => join(release, f)), ...MACHINE_FILES], host, { includePaths, defines: RELEASE_DEFINES }, (p) => MACHINE_FILES.includes(p));
  const parse = await nodeCParser();
  const k: Kernel = new Kernel({
    units,
    parse,
    history: new History(),
    asm: i386Asm(() => k.addressOf('machine_eflags')),
    natives: {
      machine_fault: {
        fn: (mem, [text]) => {
          throw new Error(mem.cstring(text));
        },
      },
      printk: { fn: () => 0 },
      wake_up_interruptible: { fn: () => 0 },
    },
  }).load();
  return k;
}

/** Runs `name(args)` to its return as its own call chain (its stops recorded). */
function call(k: Kernel, name: string, args: unknown[], file?: string): number {
  const m = new Machine(k, k.H);
  k.enter(m, k.cfunction(name, file), args);
  while (m.runStops(false, 1 << 30) !== 'returned');
  return m.lastReturn as number;
}

function child(values: Values, v: CValue, ...path: string[]): CValue {
  let c = v;
  for (const p of path) {
    const next = values.child(c, p);
    assert.ok(next, `${c.name} has no child ${p} (it has ${values.children(c).map((x) => x.name).join(' ')})`);
    c = next;
  }
  return c;
}

interface Env {
  k: Kernel;
  run: CRun;
  values: Values;
  sock: RecT;
  sk: number;
  off: (path: string) => number;
}

async function env(): Promise<Env> {
  const k = await load();
  const run = k.run0!;
  const values = new Values(k, run, { heap: machineArena(k, () => run.mem) });
  const sock = k.records.get('sock')!;
  const sk = call(k, 'kmalloc', [sock.size, 0]);
  const off = (path: string): number => {
    let r = sock;
    let a = 0;
    for (const p of path.split('.')) {
      const f = r.byName.get(p)!;
      a += f.offset;
      r = f.type as RecT;
    }
    return sk + a;
  };
  const mem = run.mem;
  mem.st8(off('state'), 1); // TCP_ESTABLISHED
  mem.st32(off('prot'), k.addressOf('tcp_prot'));
  mem.st8(off('dummy_th') + 12, 0x50); // doff 5
  mem.st8(off('dummy_th') + 13, 0x11); // FIN|ACK
  mem.st32(off('timer.function'), k.fnAddress('net_timer'));
  mem.st32(off('ip_xmit_timeout'), 1); // TIME_WRITE
  mem.st8(off('shutdown'), 3);
  return { k, run, values, sock, sk, off };
}

let shared: Promise<Env> | undefined;
const getEnv = (): Promise<Env> => (shared ??= env());

test('a sock in the C kmalloc arena: states and timer reasons by name, bitfields, chars, pointers to globals and functions', async () => {
  const { values, sock, sk, off, k } = await getEnv();
  const v = values.at('*sk', sock, sk, '*sk');
  assert.equal(v.type, 'struct sock');
  assert.equal(v.value, '{...}');
  assert.equal(v.address, sk);
  assert.equal(v.size, sock.size);
  const state = child(values, v, 'state');
  assert.equal(state.value, 'TCP_ESTABLISHED (1)');
  assert.equal(state.type, 'unsigned char');
  assert.equal(state.address, off('state'));
  assert.equal(state.size, 1);
  assert.equal(state.evaluateName, '(*sk).state');
  assert.equal(child(values, v, 'ip_xmit_timeout').value, 'TIME_WRITE (1)');
  assert.equal(child(values, v, 'timeout').value, '0', 'no reason: the number alone');
  assert.equal(child(values, v, 'shutdown').value, 'RCV_SHUTDOWN|SEND_SHUTDOWN (3)');
  // struct tcphdr's bitfields inside the sock, read through their bits
  const th = child(values, v, 'dummy_th');
  assert.equal(th.value, '{...}');
  const doff = child(values, th, 'doff');
  assert.equal(doff.value, '5');
  assert.equal(doff.type, 'unsigned short : 4');
  assert.equal(child(values, th, 'res1').value, '0');
  assert.equal(child(values, th, 'fin').value, '1');
  assert.equal(child(values, th, 'ack').value, '1');
  assert.equal(child(values, th, 'syn').value, '0');
  // a pointer to a global struct: its symbol, expanded into the pointee's fields
  const prot = child(values, v, 'prot');
  assert.equal(prot.type, 'struct proto *');
  assert.equal(prot.value, `0x${k.addressOf('tcp_prot').toString(16)} <tcp_prot>`);
  assert.ok(prot.named > 10);
  const name = child(values, prot, 'name');
  assert.equal(name.value, '"TCP"', 'a char array as a string');
  assert.equal(name.evaluateName, '(*sk).prot->name');
  assert.equal(child(values, name, '[0]').value, "84 'T'");
  assert.equal(child(values, name, '[3]').value, "0 '\\0'");
  // a function pointer by name, NULL, a function pointer of struct proto
  assert.equal(child(values, v, 'timer', 'function').value, `0x${k.fnAddress('net_timer').toString(16)} <net_timer>`);
  assert.equal(child(values, v, 'retransmit_timer', 'function').value, 'NULL');
  assert.match(child(values, prot, 'close').value, /^0x[0-9a-f]+ <tcp_close>$/);
  assert.equal(child(values, v, 'next').value, 'NULL');
  assert.equal(child(values, v, 'next').named, 0, 'NULL does not expand');
  // the hex format
  const hexed = new Values(k, values.run, { hex: true }, values.constants);
  const hv = hexed.at('*sk', sock, sk, '*sk');
  assert.equal(child(hexed, hv, 'state').value, 'TCP_ESTABLISHED (0x1)');
  assert.equal(child(hexed, hv, 'dummy_th', 'doff').value, '0x5');
});

test('arrays: a long one is paged in ranges, and by start/count', async () => {
  const { values, k } = await getEnv();
  const task = values.global('task');
  assert.equal(task.type, 'struct task_struct *[512]');
  assert.equal(task.indexed, 512);
  const ranges = values.children(task);
  assert.deepEqual(ranges.map((r) => r.name), ['[0..99]', '[100..199]', '[200..299]', '[300..399]', '[400..499]', '[500..511]']);
  assert.equal(ranges[5].indexed, 12);
  const last = values.children(ranges[5]);
  assert.deepEqual(last.map((x) => x.name), ['[500]', '[501]', '[502]', '[503]', '[504]', '[505]', '[506]', '[507]', '[508]', '[509]', '[510]', '[511]']);
  assert.equal(last[11].address, k.addressOf('task') + 511 * 4);
  assert.equal(last[11].evaluateName, 'task[511]');
  const page = values.children(task, 0, 3);
  assert.deepEqual(page.map((x) => x.name), ['[0]', '[1]', '[2]']);
  assert.equal(page[0].value, `0x${k.addressOf('init_task').toString(16)} <init_task>`);
  assert.ok(page[0].named > 0, 'task[0] expands into init_task');
  assert.equal(child(values, page[0], 'pid').value, '0');
  assert.equal(page[1].value, 'NULL');
  assert.deepEqual(values.children(task, 510, 10).map((x) => x.name), ['[510]', '[511]'], 'a page past the end is cut at it');
});

test('pointers into freed or unmapped memory say so and do not expand; a freed arena block is found by its header', async () => {
  const { values, sock, sk, off, run, k } = await getEnv();
  const mem = run.mem;
  const other = call(k, 'kmalloc', [sock.size, 0]);
  mem.st32(off('pair'), other);
  const v = values.at('*sk', sock, sk, '*sk');
  assert.equal(child(values, v, 'pair').value, `0x${other.toString(16)}`);
  assert.ok(child(values, v, 'pair').named > 0, 'a live sock expands');
  call(k, 'kfree_s', [other, sock.size]);
  const pair = child(values, v, 'pair');
  assert.match(pair.value, new RegExp(`^0x${other.toString(16)} <freed memory \\(kmalloc, ${sock.size} bytes at 0x${other.toString(16)}\\)>$`));
  assert.equal(pair.named, 0);
  assert.equal(values.children(pair).length, 0);
  assert.ok(pair.problem);
  // unless asked: then the freed sock's last bytes expand, the pointer still saying it is freed
  const post = new Values(k, run, { heap: machineArena(k, () => run.mem), expandFreed: true }, values.constants);
  const pair2 = child(post, post.at('*sk', sock, sk, '*sk'), 'pair');
  assert.equal(pair2.value, pair.value);
  assert.equal(child(post, pair2, 'prot').value, 'NULL');
  // Memory's own heap blocks too
  const blk = mem.alloc(64, 8, 'heap', 'a test block');
  mem.free(blk);
  mem.st32(off('next'), blk);
  assert.match(child(values, v, 'next').value, /<freed memory \(a test block, 64 bytes/);
  mem.st32(off('next'), 0x7f000000);
  assert.equal(child(values, values.at('*sk', sock, sk), 'next').value, '0x7f000000 <unmapped memory>');
  mem.st32(off('next'), 16);
  assert.equal(child(values, values.at('*sk', sock, sk), 'next').value, '0x10 <in the NULL page>');
  // a struct read at an unmapped address: said so, not thrown
  const bad = values.at('*p', sock, 0x7f000000);
  assert.equal(bad.value, '<unmapped memory>');
  assert.equal(bad.named, 0);
  mem.st32(off('next'), 0);
  mem.st32(off('pair'), 0);
});

/** tcp_close_state(sk, 0) run to the statement `stops` statements in (the first is stop 1). */
function closeState(e: Env, stops: number): Machine {
  const m = new Machine(e.k, e.run.H);
  e.k.enter(m, e.k.cfunction('tcp_close_state', 'tcp.c'), [e.sk, 0]);
  assert.equal(m.runStops(false, stops), 'statement');
  return m;
}

const lineOf = (m: Machine): number => m.instr!.loc.line;
const top = (m: Machine): { fr: Frame; pc: number } => ({ fr: m.top!, pc: m.pc });

test('a frame of tcp_close_state: its parameters and the locals in scope, ns by its state name; a caller frame at its call', async () => {
  const e = await getEnv();
  e.run.mem.st8(e.off('state'), 1);
  const m = closeState(e, 1);
  assert.equal(lineOf(m), 2262, 'at int ns=TCP_CLOSE;');
  let { fr, pc } = top(m);
  let vars = frameVariables(e.values, fr, pc);
  assert.deepEqual(vars.args.map((v) => [v.name, v.type]), [['sk', 'struct sock *'], ['dead', 'int']]);
  assert.equal(vars.args[0].value, `0x${e.sk.toString(16)}`);
  assert.equal(vars.args[1].value, '0');
  assert.deepEqual(vars.locals.map((v) => v.name), [], 'ns is not declared yet');
  m.runStops(true, 1);
  ({ fr, pc } = top(m));
  vars = frameVariables(e.values, fr, pc);
  assert.deepEqual(vars.locals.map((v) => [v.name, v.value]), [['ns', 'TCP_CLOSE (7)']]);
  // ... on to tcp_set_state(sk,ns): ESTABLISHED gave FIN_WAIT1 and send_fin
  while (lineOf(m) !== 2287) m.runStops(true, 1);
  ({ fr, pc } = top(m));
  vars = frameVariables(e.values, fr, pc);
  assert.deepEqual(vars.locals.map((v) => [v.name, v.value, v.type]), [['ns', 'TCP_FIN_WAIT1 (4)', 'int'], ['send_fin', '1', 'int']]);
  assert.equal(vars.locals[0].address, undefined, 'a local kept in a slot has no address');
  assert.equal(vars.args[0].evaluateName, 'sk');
  assert.equal(child(e.values, vars.args[0], 'state').evaluateName, 'sk->state');
  assert.equal(child(e.values, vars.args[0], 'state').value, 'TCP_ESTABLISHED (1)');
  // into tcp_set_state: its own frame; the caller's shows its locals at the call
  m.runStops(true, 1);
  assert.equal(m.top!.fn.name, 'tcp_set_state');
  const stack = m.stack();
  const inner = frameVariables(e.values, m.top!, stack[0].pc);
  assert.deepEqual(inner.args.map((v) => [v.name, v.value]), [['sk', `0x${e.sk.toString(16)}`], ['state', 'TCP_FIN_WAIT1 (4)']]);
  const outer = frameVariables(e.values, m.frames[0], stack[1].pc);
  assert.deepEqual(outer.locals.map((v) => [v.name, v.value]), [['ns', 'TCP_FIN_WAIT1 (4)'], ['send_fin', '1']]);
  while (m.runStops(true, 1 << 30) !== 'returned');
  assert.equal(e.run.mem.u8(e.off('state')), 4);
});

test('setting values: a field by constant name, a slot local the run then uses, chars, bitfields, hex and negative; going back shows the old value', async () => {
  const e = await getEnv();
  const H = e.run.H;
  const mem = e.run.mem;
  mem.st8(e.off('state'), 8); // CLOSE_WAIT
  const m = closeState(e, 1);
  while (lineOf(m) !== 2287) m.runStops(true, 1);
  const before = H.currentStop;
  const sk = frameVariables(e.values, m.top!, m.pc).args[0];
  const state = child(e.values, sk, 'state');
  assert.equal(state.value, 'TCP_CLOSE_WAIT (8)');
  const writes = mem.stores;
  const set = setValue(e.values, state, 'TCP_ESTABLISHED', H);
  assert.equal(set.value, 'TCP_ESTABLISHED (1)');
  assert.equal(mem.u8(e.off('state')), 1, 'the byte in memory');
  assert.equal(mem.stores, writes + 1, 'one logged store');
  assert.equal(H.currentStop, before + 1, 'a stop at the same place holds the change');
  assert.equal(H.stopAt(H.currentStop).pc, H.stopAt(before).pc);
  // back: the old value; forward: the new one
  H.goto(before);
  assert.equal(e.values.reread(state).value, 'TCP_CLOSE_WAIT (8)');
  H.goto(before + 1);
  assert.equal(e.values.reread(state).value, 'TCP_ESTABLISHED (1)');
  m.restorePosition(H.stopAt(before + 1).pc);
  // a local in a slot: ns, which tcp_set_state(sk,ns) is about to use
  const ns = frameVariables(e.values, m.top!, m.pc).locals[0];
  assert.equal(ns.value, 'TCP_LAST_ACK (9)');
  const ns2 = setValue(e.values, ns, '0x5', H);
  assert.equal(ns2.value, 'TCP_FIN_WAIT2 (5)');
  H.goto(before);
  assert.equal(e.values.reread(ns).value, 'TCP_LAST_ACK (9)', 'back before both changes');
  H.goto(H.stopCount - 1);
  m.restorePosition(H.stopAt(H.currentStop).pc);
  while (m.runStops(true, 1 << 30) !== 'returned');
  assert.equal(mem.u8(e.off('state')), 5, 'the run went on with the value set: FIN_WAIT2');
  // chars, negative numbers, hex, bitfields
  const v = e.values.at('*sk', e.sock, e.sk, '*sk');
  const mc = child(e.values, v, 'prot', 'name');
  assert.equal(setValue(e.values, child(e.values, mc, '[0]'), "'e'", H).value, "101 'e'");
  assert.equal(setValue(e.values, child(e.values, mc, '[1]'), "'\\x74'", H).value, "116 't'");
  assert.equal(e.values.reread(mc).value, '"etP"');
  setValue(e.values, child(e.values, mc, '[0]'), "'T'", H);
  setValue(e.values, child(e.values, mc, '[1]'), '67', H);
  assert.equal(e.values.reread(mc).value, '"TCP"');
  assert.equal(setValue(e.values, child(e.values, v, 'state'), '-1', H).value, '255', 'C converts -1 to unsigned char');
  assert.equal(setValue(e.values, child(e.values, v, 'err'), '-104', H).value, '-104');
  assert.equal(setValue(e.values, child(e.values, v, 'err'), '0xffff', H).value, '-1', 'a bit pattern in hex');
  assert.equal(setValue(e.values, child(e.values, v, 'write_seq'), '0xdeadbeef', H).value, String(0xdeadbeef));
  assert.equal(setValue(e.values, child(e.values, v, 'shutdown'), 'SEND_SHUTDOWN', H).value, 'SEND_SHUTDOWN (2)');
  const th = child(e.values, v, 'dummy_th');
  assert.equal(setValue(e.values, child(e.values, th, 'doff'), '15', H).value, '15');
  assert.equal(mem.u8(e.off('dummy_th') + 12), 0xf0, 'the four bits only');
  assert.equal(child(e.values, th, 'fin').value, '1', 'the neighbouring bits kept');
  assert.equal(setValue(e.values, child(e.values, v, 'timer', 'function'), 'tcp_close', H).value, `0x${e.k.fnAddress('tcp_close', 'tcp.c').toString(16)} <tcp_close>`);
  assert.equal(setValue(e.values, child(e.values, v, 'prot'), 'NULL', H).value, 'NULL');
  assert.equal(setValue(e.values, child(e.values, v, 'prot'), '&tcp_prot', H).value, `0x${e.k.addressOf('tcp_prot').toString(16)} <tcp_prot>`);
  // a change in the past: the future is forgotten, the change holds from that stop on
  const live = H.currentStop;
  setValue(e.values, child(e.values, v, 'rto'), '300', H);
  assert.equal(H.stopCount, live + 2);
  H.goto(live);
  const rto = child(e.values, v, 'rto');
  assert.notEqual(rto.value, '300');
  assert.equal(setValue(e.values, rto, '600', H).value, '600');
  assert.equal(H.stopCount, live + 2, 'the stop that held 300 is forgotten');
  H.goto(live);
  assert.equal(e.values.reread(rto).value, rto.value);
  H.goto(live + 1);
  assert.equal(e.values.reread(rto).value, '600');
  // refusals name what was wrong, and change nothing
  const stores = mem.stores;
  const stops = H.stopCount;
  assert.throws(() => setValue(e.values, child(e.values, v, 'state'), 'x', H), (err: Error) => err instanceof SetValueError && err.message === "'x' is not a number or a kernel constant");
  assert.throws(() => setValue(e.values, th, '0', H), /^SetValueError: a struct cannot be set as a whole/);
  assert.throws(() => setValue(e.values, mc, '0', H), /an array cannot be set as a whole/);
  assert.throws(() => setValue(e.values, child(e.values, v, 'state'), '256', H), /256 does not fit in unsigned char \(0\.\.255\)/);
  assert.throws(() => setValue(e.values, child(e.values, th, 'doff'), '16', H), /16 does not fit in unsigned short : 4/);
  assert.throws(() => setValue(e.values, child(e.values, v, 'err'), '40000', H), /^SetValueError: 40000 does not fit in short \(-32768\.\.32767\)$/);
  assert.throws(() => setValue(e.values, child(e.values, v, 'timer', 'function'), 'no_such_fn', H), /'no_such_fn' is not a function of the kernel/);
  assert.throws(() => setValue(e.values, child(e.values, v, 'state'), '', H), /no value given/);
  assert.equal(mem.stores, stores);
  assert.equal(H.stopCount, stops);
  assert.equal(child(e.values, v, 'state').value, '255');
});

test('evaluating at a frame: the same tree, constants by the field named, read-only (a store is refused before it changes a byte)', async () => {
  const e = await getEnv();
  const mem = e.run.mem;
  mem.st8(e.off('state'), 1);
  mem.st8(e.off('dummy_th') + 12, 0x50);
  const m = closeState(e, 2);
  const fr = m.top!;
  const state = evaluate(e.values, e.run, 'sk->state', fr, m.pc);
  assert.equal(state.value, 'TCP_ESTABLISHED (1)');
  assert.equal(state.address, e.off('state'), 'an lvalue keeps its address (data breakpoints)');
  assert.equal(state.readOnly, false);
  const doff = evaluate(e.values, e.run, 'sk->dummy_th.doff', fr, m.pc);
  assert.equal(doff.value, '5');
  assert.equal(doff.type, 'unsigned short : 4');
  const whole = evaluate(e.values, e.run, '*sk', fr, m.pc);
  assert.equal(whole.type, 'struct sock');
  assert.equal(child(e.values, whole, 'ip_xmit_timeout').value, mem.u32(e.off('ip_xmit_timeout')) === 1 ? 'TIME_WRITE (1)' : String(mem.u32(e.off('ip_xmit_timeout'))));
  assert.equal(evaluate(e.values, e.run, 'ns', fr, m.pc).value, 'TCP_CLOSE (7)');
  const sum = evaluate(e.values, e.run, 'ns + 1', fr, m.pc);
  assert.equal(sum.value, '8');
  assert.equal(sum.readOnly, true);
  assert.throws(() => setValue(e.values, sum, '3', e.run.H), /'ns \+ 1' is a computed value/);
  assert.equal(evaluate(e.values, e.run, '(char)65', fr, m.pc).value, "65 'A'");
  assert.equal(evaluate(e.values, e.run, 'sk->prot->name', fr, m.pc).value, '"TCP"');
  assert.equal(evaluate(e.values, e.run, '(char *)sk->prot->name', fr, m.pc).value, `0x${(e.k.addressOf('tcp_prot') + e.k.records.get('proto')!.byName.get('name')!.offset).toString(16)} <tcp_prot+${e.k.records.get('proto')!.byName.get('name')!.offset}> "TCP"`);
  assert.equal(evaluate(e.values, e.run, 'jiffies', null, 0).type, 'unsigned long', 'file scope');
  const stores = mem.stores;
  assert.throws(() => evaluate(e.values, e.run, 'sk->state = 2', fr, m.pc), (err: Error) => err instanceof EvaluationError && /cannot change the run/.test(err.message));
  assert.equal(mem.u8(e.off('state')), 1);
  assert.equal(mem.stores, stores);
  assert.equal(e.run.H.sealed, false, 'the history is unsealed again');
  assert.throws(() => evaluate(e.values, e.run, 'nosuch + 1', fr, m.pc), /'nosuch'/);
  assert.throws(() => evaluate(e.values, e.run, 'sk->', fr, m.pc), /not a C expression/);
  while (m.runStops(true, 1 << 30) !== 'returned');
});

test('locals in frame memory (a struct, an array, an int and a parameter whose address is taken): read and set at their addresses', async () => {
  const src = `struct pair { int a; unsigned char tag; };
int peek(int *p) { return *p; }
int f(int x)
{
  struct pair pr;
  int n = 5;
  char name[4] = "ab";
  int *q = &x;
  pr.a = x;
  pr.tag = 'z';
  n = peek(&n) + pr.a;
  return n + *q;
}
`;
  const host = { exists: (p: string) => p === '/f.c', read: (p: string) => (p === '/f.c' ? { text: src } : { error: 'no such file' }) };
  const k = new Kernel({ units: preprocessUnits(['/f.c'], host, { includePaths: [] }), parse: await nodeCParser(), history: new History() }).load();
  const run = k.run0!;
  const values = new Values(k, run);
  const m = new Machine(k, run.H);
  k.enter(m, k.cfunction('f'), [40]);
  while (m.runStops(true, 1) === 'statement' && lineOf(m) !== 12);
  const { args, locals } = frameVariables(values, m.top!, m.pc);
  assert.deepEqual(args.map((v) => [v.name, v.value, v.type]), [['x', '40', 'int']]);
  assert.deepEqual(locals.map((v) => [v.name, v.type]), [['pr', 'struct pair'], ['n', 'int'], ['name', 'char [4]'], ['q', 'int *']]);
  assert.equal(locals[3].address, undefined, 'q: its address is never taken, a slot');
  for (const v of [...args, ...locals.slice(0, 3)]) {
    assert.ok(v.address! >= k.stackBase && v.address! < k.stackTop, `${v.name} is in the frame's memory`);
    assert.equal(run.mem.blockAt(v.address!)!.kind, 'stack');
  }
  const [pr, n, name, q] = locals;
  assert.deepEqual(values.children(pr).map((c) => [c.name, c.value, c.evaluateName]), [['a', '40', 'pr.a'], ['tag', "122 'z'", 'pr.tag']]);
  assert.equal(n.value, '45');
  assert.equal(name.value, '"ab"');
  assert.equal(q.value, `0x${args[0].address!.toString(16)}`);
  assert.deepEqual(values.children(q).map((c) => [c.name, c.value, c.evaluateName, c.address]), [['*q', '40', '*q', args[0].address]]);
  // set the parameter through its address: the run returns n + *q with the new x
  assert.equal(setValue(values, args[0], '-2', run.H).value, '-2');
  assert.equal(values.reread(q).value, q.value);
  assert.equal(values.children(q)[0].value, '-2');
  assert.equal(evaluate(values, run, 'peek', m.top!, m.pc).value, `0x${k.fnAddress('peek').toString(16)} <peek>`);
  assert.throws(() => evaluate(values, run, 'peek(&n)', m.top!, m.pc), EvaluationError);
  while (m.runStops(true, 1 << 30) !== 'returned');
  assert.equal(m.lastReturn, 45 - 2);
});
