// In-process benchmarks of the engine, one measurement per process (scripts/bench/run.mjs runs
// this file's bundle once per measurement and reads the JSON line it prints last).
//
//   throughput PAIRS on|off    statements/s over PAIRS four-way closes, history on or off
//   calls ROUNDS on|off        the differential cases (test/differential/cases.txt), ROUNDS times
//   depth                      stepBack and goto(n) after 10, 10,000 and 1,000,000 steps
//   memory                     heap bytes per recorded step at 1,000,000 steps (--expose-gc)
//   first-launch               the first loadRun of a fresh process (wasm, parse, compile)
//   activate                   require(dist/extension.js) and activate() with a stub vscode
//   jscpp                      the JSCPP peer on tcp.c and on reduced samples
//   long-scenario ROUNDS FILE  writes the long two-socket scenario of the DAP benchmark

import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Module from 'node:module';
import { parseScenario } from '../../src/scenario/parse';
import { Run } from '../../src/engine/run';
import { loadRun } from '../../src/host/load';
import { nodeCParser, readKernel, shippedKernelPath } from '../../src/host/node';
import { cleanUpCase, prepareCase, readCases, type Case } from '../../test/differential/cases';
import { CStruct } from '../../src/engine/ctypes';
import type { CFunction } from '../../src/engine/code';
import { fourWayPairs, longTwoSockets } from './scenario';

const ROOT = resolve(process.env.BENCH_ROOT ?? join(__dirname, '..', '..'));
const out = (o: unknown) => console.log(JSON.stringify(o));
const now = () => performance.now();
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function newRun(text: string, history = true): Promise<Run> {
  const scenario = parseScenario(text, join(ROOT, 'bench.tcpscenario'));
  const parse = await nodeCParser();
  return new Run({ scenario, scenarioText: text, kernel: readKernel(shippedKernelPath()), parse, history });
}

async function throughput(pairs: number, history: boolean): Promise<void> {
  const text = fourWayPairs(pairs);
  const t0 = now();
  const run = await newRun(text, history);
  const setupMs = now() - t0;
  const c0 = cpu();
  const t1 = now();
  const stops = run.runFast();
  const ms = now() - t1;
  const cpuMs = cpu() - c0;
  const end = run.stopInfo(run.stopIndex);
  if (end.kind !== 'end' || run.world.failures.length) throw new Error(`the generated scenario did not end cleanly: ${end.kind} ${end.message ?? ''} ${JSON.stringify(run.world.failures.slice(0, 2))}`);
  const statements = run.machine.executed;
  out({ pairs, history, stops, statements, ms, cpuMs, setupMs, perSec: statements / (ms / 1000), writes: run.H.writeCount, heapMB: process.memoryUsage().heapUsed / 2 ** 20 });
}

// ---- the differential cases, as test/differential.test.ts runs them ----

/** One case on a fresh sock, as the harness runs it; a stop is recorded at every statement. */
function runCase(run: Run, c: Case, n: number): number {
  const H = run.H;
  const { target, args } = prepareCase(run, c, n);
  const m = run.machine;
  const t = now();
  m.statements = 0;
  m.enter(target, args);
  // as the run does: a stop at the first statement, then one per statement to the return
  if (m.runStops(false, 0) === 'statement') {
    H.recordStop(target.index, m.pc);
    while (m.runStops(true, 1 << 30) === 'statement');
  }
  callMs += now() - t;
  cleanUpCase(run);
  return m.statements;
}

/** time spent in the calls themselves (enter to return), not in building each case's sock */
let callMs = 0;

async function calls(rounds: number, history: boolean): Promise<void> {
  const cases = readCases(join(ROOT, 'test', 'differential', 'cases.txt'));
  const run = await loadRun({ scenarioPath: join(ROOT, 'examples', 'passive-close.tcpscenario') });
  // a run without history for the `off` variant: the same world, no log
  const r = history ? run : await newRun(readFileSync(join(ROOT, 'examples', 'passive-close.tcpscenario'), 'utf8'), false);
  let statements = 0;
  const perRound: number[] = [];
  const callsPerRound: number[] = [];
  for (let k = 0; k < rounds; k++) {
    const t = now();
    callMs = 0;
    for (let i = 0; i < cases.length; i++) statements += runCase(r, cases[i], i);
    perRound.push(now() - t);
    callsPerRound.push(callMs);
  }
  out({ rounds, cases: cases.length, history, statements, perRoundMs: perRound, callsPerRoundMs: callsPerRound });
}

// ---- going back ----

async function depth(): Promise<void> {
  const run = await newRun(fourWayPairs(1500));
  const res: { depth: number; stepBackMs: number[]; gotoMs: number[]; gotoFarMs: number[]; gotoEndMs: number[]; span: number }[] = [];
  let rng = 12345;
  const rand = (n: number) => {
    rng = (rng * 1103515245 + 12345) & 0x7fffffff;
    return rng % n;
  };
  for (const d of [10, 10_000, 1_000_000]) {
    run.runFast(d - run.stopIndex);
    const at = run.stopIndex;
    const stepBackMs: number[] = [];
    const gotoMs: number[] = [];
    const gotoFarMs: number[] = [];
    const gotoEndMs: number[] = [];
    for (let i = 0; i < 21; i++) {
      let t = now();
      run.backward();
      stepBackMs.push(now() - t);
      run.forward();
      // a jump to an arbitrary earlier stop, and back to where we were
      const target = rand(at + 1);
      t = now();
      run.goto(target);
      gotoMs.push(now() - t);
      t = now();
      run.goto(at);
      gotoEndMs.push(now() - t);
      // the farthest jump: to the first stop, and back
      t = now();
      run.goto(0);
      gotoFarMs.push(now() - t);
      run.goto(at);
    }
    res.push({ depth: at, stepBackMs, gotoMs, gotoFarMs, gotoEndMs, span: run.H.writeCount });
  }
  out({ depths: res });
}

async function memory(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  const run = await newRun(fourWayPairs(1500));
  for (let i = 0; i < 3; i++) gc();
  const before = process.memoryUsage();
  const steps = run.runFast(1_000_000);
  for (let i = 0; i < 3; i++) gc();
  const after = process.memoryUsage();
  const heap = after.heapUsed - before.heapUsed;
  const buffers = after.arrayBuffers - before.arrayBuffers;
  out({ steps, writes: run.H.writeCount, heapBytes: heap, bufferBytes: buffers, perStep: (heap + buffers) / steps, heapPerStep: heap / steps, bufferPerStep: buffers / steps });
}

async function firstLaunch(): Promise<void> {
  const t = now();
  const run = await loadRun({ scenarioPath: join(ROOT, 'examples', 'four-way.tcpscenario') });
  const ms = now() - t;
  out({ ms, stops: run.stopCount });
}

/** A `vscode` module for activate() outside VS Code: every name is a callable, constructible stub. */
function stubVscode(): unknown {
  const get = (_t: unknown, k: string | symbol): unknown => (k === 'then' ? undefined : k === Symbol.toPrimitive ? () => '' : k === 'prototype' ? {} : make());
  // a bundle's `import * as vscode` copies own names and reads the rest through the prototype
  const proto: object = new Proxy({}, { get });
  const make = (): any =>
    new Proxy(function () {}, {
      get,
      getPrototypeOf: () => proto,
      apply: () => make(),
      construct: () => make(),
    });
  return make();
}

async function activate(): Promise<void> {
  const stub = stubVscode();
  const M = Module as unknown as { _resolveFilename: (r: string, ...a: unknown[]) => string; _cache: Record<string, unknown> };
  const orig = M._resolveFilename;
  M._resolveFilename = function (request: string, ...rest: unknown[]) {
    if (request === 'vscode') return 'vscode';
    return orig.call(this, request, ...rest);
  };
  M._cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: stub };
  const ctx = { subscriptions: [] as unknown[], extensionUri: stub, extensionPath: ROOT, globalState: stub, workspaceState: stub, storageUri: undefined, globalStorageUri: stub, asAbsolutePath: (p: string) => join(ROOT, p), extension: stub };
  let t = now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ext = require(join(ROOT, 'dist', 'extension.js'));
  const requireMs = now() - t;
  t = now();
  ext.activate(ctx);
  const activateMs = now() - t;
  out({ requireMs, activateMs, subscriptions: ctx.subscriptions.length });
}

// ---- the peer: JSCPP ----

async function jscpp(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const JSCPP = require('JSCPP').default ?? require('JSCPP');
  const tcpC = readFileSync(join(ROOT, 'src', 'kernel', 'tcp.c'), 'utf8');
  const tcpH = readFileSync(join(ROOT, 'src', 'kernel', 'tcp.h'), 'utf8');
  const attempt = (name: string, code: string, input = '') => {
    let stdout = '';
    const t = now();
    try {
      const exit = JSCPP.run(code, input, { stdio: { write: (s: string) => (stdout += s) }, maxTimeout: 60000 });
      return { name, ok: true, exit, stdout: stdout.slice(0, 200), ms: now() - t };
    } catch (e) {
      return { name, ok: false, error: String((e as Error).message ?? e).split('\n').filter((l) => l.trim() && !/^-+\^?$/.test(l.trim())).slice(0, 3).join(' | ').replace(/\s+/g, ' ').slice(0, 300), ms: now() - t };
    }
  };
  const results = [];
  // 1. the kernel file: as it is, with tcp.h inlined (JSCPP reads no include file), and with
  //    tcp.h's include guard taken out as well; each with an empty main
  const main0 = '\nint main() { return 0; }\n';
  results.push(attempt('tcp.c as it is', tcpC + main0));
  results.push(attempt('tcp.c with tcp.h inlined', tcpC.replace(/#include\s+"tcp\.h"/, tcpH) + main0));
  const unguarded = tcpH.replace(/^#ifndef _TCP_H\n#define _TCP_H\n/m, '').replace(/^#endif\s*\/\* _TCP_H \*\/\n?/m, '');
  results.push(attempt('tcp.c with tcp.h inlined, its include guard removed', tcpC.replace(/#include\s+"tcp\.h"/, unguarded) + main0));
  // 2. a reduced sample: tcp_close_state exactly as in tcp.c, with a minimal struct sock and stubs
  const m = /static int tcp_close_state\(struct sock \*sk, int dead\)\n\{[\s\S]*?\n\}\n/.exec(tcpC);
  if (!m) throw new Error('tcp_close_state not found in tcp.c');
  const closeState = m[0].replace('static int', 'int');
  const defines = [...tcpH.matchAll(/^#define (TCP_[A-Z_0-9]+|TIME_CLOSE)\s+(\d+)/gm)].map((x) => `#define ${x[1]} ${x[2]}`).join('\n') + '\n#define TCP_FIN_TIMEOUT 18000\n';
  const sockSample =
    `#include <stdio.h>\n${defines}struct timer_list { unsigned long expires; };\nstruct sock { int state; struct timer_list timer; };\n` +
    `void tcp_set_state(struct sock *sk, int state) { sk->state = state; }\nint del_timer(struct timer_list *t) { return 0; }\nvoid add_timer(struct timer_list *t) { }\n` +
    `void reset_msl_timer(struct sock *sk, int why, unsigned long when) { }\n${closeState}\n` +
    `int main() { struct sock s; s.state = TCP_ESTABLISHED; int r = tcp_close_state(&s, 0); printf("%d %d\\n", r, s.state); return 0; }\n`;
  results.push(attempt('tcp_close_state (as in tcp.c) with a minimal struct sock', sockSample));
  // 3. the smallest struct: one int field, one statement
  results.push(attempt('struct sock { int state; } and one field read', '#include <stdio.h>\nstruct sock { int state; };\nint main() { struct sock s; s.state = 1; printf("%d\\n", s.state); return 0; }\n'));
  // 4. what does run: tcp_close_state's switch on a state held in an int (no struct), looped
  const N = Number(process.env.BENCH_JSCPP_CALLS ?? 20000);
  const intVersion = closeState
    .replace('int tcp_close_state(struct sock *sk, int dead)', 'int tcp_close_state(int *state, int dead)')
    .replace(/sk->state/g, '*state')
    .replace('tcp_set_state(sk,ns);', '*state = ns;')
    .replace(/if\(dead && ns==TCP_FIN_WAIT2\)\n\t\{[\s\S]*?\n\t\}\n/, '');
  const loop = `#include <stdio.h>\n${defines}${intVersion}\nint main() { int i; int sum = 0; int st; for (i = 0; i < ${N}; i++) { st = (i % 11) + 1; sum += tcp_close_state(&st, 0) + st; } printf("%d\\n", sum); return 0; }\n`;
  const peer = attempt(`tcp_close_state on an int state, ${N} calls in a C loop`, loop);
  results.push(peer);
  // ours: the real tcp_close_state(sk, 0) on a struct sock, the same states, N calls, a stop recorded per statement
  const run = await loadRun({ scenarioPath: join(ROOT, 'examples', 'passive-close.tcpscenario') });
  const fn = run.prog.fnByName.get('tcp_close_state') as CFunction;
  const stateIx = run.world.skType.byName.get('state')!.index;
  const mach = run.machine;
  const sk = new CStruct(run.world.skType);
  let sum = 0;
  const t = now();
  for (let i = 0; i < N; i++) {
    run.H.set(sk.f, stateIx, (i % 11) + 1);
    mach.statements = 0;
    mach.enter(fn, [sk, 0]);
    if (mach.runStops(false, 0) === 'statement') {
      run.H.recordStop(fn.index, mach.pc);
      while (mach.runStops(true, 1 << 30) === 'statement');
    }
    sum += mach.lastReturn + sk.f[stateIx];
  }
  const oursMs = now() - t;
  out({ results, N, intVersion, ours: { ms: oursMs, sum }, peerSum: peer.ok ? Number((peer.stdout ?? '').trim()) : null });
}

async function main(): Promise<void> {
  const [what, a, b] = process.argv.slice(2);
  switch (what) {
    case 'throughput':
      return throughput(Number(a), b !== 'off');
    case 'calls':
      return calls(Number(a), b !== 'off');
    case 'depth':
      return depth();
    case 'memory':
      return memory();
    case 'first-launch':
      return firstLaunch();
    case 'activate':
      return activate();
    case 'jscpp':
      return jscpp();
    case 'long-scenario': {
      // used by the DAP benchmark: writes the long two-socket scenario to the file `b`
      const text = longTwoSockets(Number(a));
      writeFileSync(b, text);
      return void out({ breakLine: text.split('\n').findIndex((l) => l.startsWith('+1s client < F.')) + 1 });
    }
    default:
      throw new Error(`unknown benchmark '${what}'`);
  }
}

main().then(
  // exit once stdout (a pipe) has taken everything
  () => process.stdout.write('', () => process.exit(0)),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
