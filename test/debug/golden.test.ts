// Golden transcripts that step through the kernel C: each example in examples/ is driven over DAP
// by one script of motions, the same for every example:
//   - at each scenario event, `stepIn` (into the C the event runs, or on to the next event);
//   - from there `stepToNextEvent`, which function breakpoints on tcp_fin and tcp_close_state and
//     a conditional breakpoint on the LAST_ACK block of tcp_ack (sk->state == TCP_LAST_ACK) stop;
//   - inside one of those: `stepIn` line by line; right after the first step, `stepBack` and
//     `stepIn` again (the stop and the fields must be the same as the first time); `stepOut` of
//     each callee they enter (tcp_set_state...) and of tcp_ack once past the LAST_ACK block; when
//     the function returns, `stepToNextEvent` again.
// Each stop is written as `#index [clock] kind socket function file:line (motion -> reason)` with
// the sk fields that changed, and the key sk fields at each stop inside the three functions.
//
// The session runs the unmodified 1.2.13 release (the default). Checked independently of the
// transcript (UPDATE_GOLDEN=1 cannot rewrite these):
//   - at the event stop of every `expect` line, the fields the DAP Variables view shows for that
//     socket hold the values the line names (the line parsed here, its constant names read from
//     the release's headers by this test: include/linux/tcp.h's enum, net/inet/sock.h's defines);
//   - at the end stop, every socket's integer fields, timers and every segment equal the i386 gcc
//     build of the same release files run on the same scenario (test/differential/release/);
//   - each transcript steps on lines of tcp_fin or tcp_close_state or the LAST_ACK block, and uses
//     stepIn, stepOut and stepBack; stepping back restores the stop's fields exactly.
// The text itself is compared with test/debug/golden/<example>.txt; UPDATE_GOLDEN=1 rewrites it, a
// mismatch leaves <example>.actual beside it.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { spawnSync } from 'node:child_process';
import { releaseImage } from '../../src/host/load';
import type { RunRecord } from '../../src/engine/release/record';
import { ROOT, KERNEL, connect, lineOf, startServer, type Client } from './harness';
import { serialise } from '../differential/release/protocol';
import { releaseCases } from '../differential/release/cases';
import { buildRelease, checkToolchain, releaseFields } from '../differential/release/gcc';

type Outcome = RunRecord;

const EXAMPLES = join(ROOT, 'examples');
const GOLDEN = join(__dirname, 'golden');
const MAX_MOTIONS = 3000;
const TARGETS = ['tcp_fin', 'tcp_close_state'];
const KEY = ['state', 'shutdown', 'fin_seq', 'write_seq', 'sent_seq', 'acked_seq', 'rcv_ack_seq', 'dead', 'timer', 'retransmit_timer'];

// ---- independent sources: tcp.h's constants, the expect lines, the gcc build ----

/** The release headers' `#define NAME number` and `NAME = number,` enum entries, read here (not through the interpreter). */
function headerConstants(): Map<string, number> {
  const m = new Map<string, number>();
  const release = join(ROOT, 'src', 'kernel', 'linux-1.2.13');
  for (const h of ['include/linux/tcp.h', 'net/inet/sock.h', 'net/inet/tcp.h']) {
    const text = readFileSync(join(release, h), 'utf8');
    for (const l of text.split('\n')) {
      const d = /^#define\s+(\w+)\s+(\d+)\b/.exec(l);
      if (d && !m.has(d[1])) m.set(d[1], Number(d[2]));
    }
    // enum { TCP_ESTABLISHED = 1, TCP_SYN_SENT, ... }: each entry one more than the one before
    for (const [, body] of text.matchAll(/\benum\s*\{([^}]*)\}/g)) {
      let next = 0;
      for (const entry of body.replace(/\/\*[\s\S]*?\*\//g, '').split(',')) {
        const e = /^\s*(\w+)\s*(?:=\s*(\d+))?\s*$/.exec(entry);
        if (!e) continue;
        next = e[2] !== undefined ? Number(e[2]) : next;
        if (!m.has(e[1])) m.set(e[1], next);
        next++;
      }
    }
  }
  return m;
}
const CONSTANTS = headerConstants();

function constant(v: string): number {
  if (/^-?\d+$/.test(v)) return Number(v);
  const k = CONSTANTS.get(v) ?? CONSTANTS.get(`TCP_${v}`);
  if (k === undefined) throw new Error(`the release headers define no ${v}`);
  return k;
}

interface Expect {
  line: number;
  socket: string;
  fields: [string, string][];
}

/** The `expect SOCK k=v ...` lines of a scenario, by line number. */
function expectLines(file: string): Map<number, Expect> {
  const out = new Map<number, Expect>();
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((raw, i) => {
      const m = /^\s*\S+\s+expect\s+(\S+)\s+(.*)$/.exec(raw.replace(/#.*$/, ''));
      if (m) out.set(i + 1, { line: i + 1, socket: m[1], fields: m[2].trim().split(/\s+/).map((p) => p.split('=') as [string, string]) });
    });
  return out;
}

/** The number a Variables value shows: `TCP_CLOSE_WAIT (8)`, `RCV_SHUTDOWN|SEND_SHUTDOWN (3)`, `5001`, a char's `1 '\001'`. */
function shownNumber(v: string): number {
  const m = /\((-?\d+)\)$/.exec(v) ?? /^(-?\d+)( '.*')?$/.exec(v);
  if (!m) throw new Error(`not a number: ${v}`);
  return Number(m[1]);
}

/** `TIME_CLOSE, expires at 6204 (in ...)` or `not pending` */
function shownTimer(v: string): { reason: string; expires?: number } {
  if (v === 'not pending') return { reason: 'none' };
  const m = /^(\w+), expires at (\d+)/.exec(v);
  if (!m) throw new Error(`not a timer: ${v}`);
  return { reason: m[1], expires: Number(m[2]) };
}

// ---- reading the session over DAP ----

interface Where {
  kind: string;
  index: number;
  clock: number;
  socket: string;
  fn?: string;
  file?: string;
  line?: number;
  item?: string;
  threadId: number;
  /** C frames on the stack */
  depth: number;
  /** the scenario line of an event stop */
  scenarioLine?: number;
}

class Walker {
  readonly out: string[] = [];
  readonly motions = new Set<string>();
  readonly targetLines = new Set<string>();
  private order: string[] = [];
  private seen = new Set<number>();

  constructor(
    readonly c: Client,
    readonly file: string,
  ) {}

  async start(): Promise<{ stopped: DebugProtocol.StoppedEvent; snap: any }> {
    const lastAck = lineOf(KERNEL, 'if (sk->state == TCP_LAST_ACK)', 'int tcp_ack(struct sock *sk, struct tcphdr *th');
    const stopped = await this.c.launch({ scenario: this.file, stepBy: 'line' }, async (dc) => {
      await dc.setFunctionBreakpointsRequest({ breakpoints: TARGETS.map((name) => ({ name })) });
      await dc.setBreakpointsRequest({ source: { path: KERNEL }, breakpoints: [{ line: lastAck, condition: 'sk->state == TCP_LAST_ACK' }] });
    });
    this.order = (await this.c.dc.threadsRequest()).body.threads.map((t) => t.name);
    return { stopped, snap: (await this.c.next('tcpClose/stop')).body };
  }

  async where(stopped: DebugProtocol.StoppedEvent, snap: any): Promise<Where> {
    const threadId = stopped.body.threadId ?? 1;
    const frames = await this.c.frames(threadId);
    const top = frames[0];
    const scenarioLine = snap.kind !== 'statement' && top?.source?.path === this.file ? top.line : undefined;
    return { kind: snap.kind, index: snap.index, clock: snap.clock, socket: snap.socket, fn: snap.fn, file: snap.file, line: snap.line, item: snap.item, threadId, depth: Math.max(0, frames.length - 1), scenarioLine };
  }

  /** The Variables of socket `name` (its thread's top frame, scope Socket), by field. */
  async socketVars(name: string): Promise<Record<string, DebugProtocol.Variable>> {
    const tid = this.order.indexOf(name) + 1;
    assert.ok(tid > 0, `no thread for socket ${name}`);
    const f = await this.c.top(tid);
    const s = await this.c.scope(f.id, 'Socket');
    const vs = (await this.c.dc.variablesRequest({ variablesReference: s.variablesReference })).body.variables;
    return Object.fromEntries(vs.map((v) => [v.name, v]));
  }

  async child(v: DebugProtocol.Variable, name: string): Promise<string> {
    const vs = (await this.c.dc.variablesRequest({ variablesReference: v.variablesReference })).body.variables;
    const x = vs.find((k) => k.name === name);
    if (!x) throw new Error(`${v.name} has no ${name}`);
    return x.value;
  }

  /** Problems found while reading: a timer's time left that is not its expiry minus the clock. */
  readonly problems: string[] = [];

  /** The key fields of a socket as the Variables view shows them (a timer's time left checked). */
  async keyFields(socket: string, clock: number): Promise<string> {
    const v = await this.socketVars(socket);
    for (const k of ['timer', 'retransmit_timer']) {
      const m = /expires at (\d+) \(in (-?\d+) jiffies = (-?[\d.]+) s\)$/.exec(v[k]?.value ?? '');
      if (v[k]?.value !== 'not pending' && !m) this.problems.push(`${socket}.${k} shows ${v[k]?.value}`);
      if (m && (Number(m[2]) !== Number(m[1]) - clock || m[3] !== (Number(m[2]) / 100).toFixed(2)))
        this.problems.push(`at ${clock}j ${socket}.${k} shows ${v[k].value}: expiry ${m[1]} minus the clock is ${Number(m[1]) - clock}`);
    }
    return KEY.map((k) => `${k}=${v[k]?.value.replace(/ \(in [^)]*\)$/, '')}`).join(' ');
  }

  line(w: Where, motion: string, stopped: DebugProtocol.StoppedEvent, snap: any): void {
    const place = w.fn ? `${w.fn} ${basename(w.file!)}:${w.line}` : w.scenarioLine ? `${basename(this.file)}:${w.scenarioLine} ${w.item ?? ''}` : (w.item ?? '');
    const why = stopped.body.description ?? stopped.body.reason;
    this.out.push(`#${w.index} [${w.clock}j] ${w.kind} ${w.socket || '-'} ${place} (${motion} -> ${why})`);
    for (const ch of snap.changed ?? []) this.out.push(`    ${ch.socket}.${ch.field}: ${ch.before} -> ${ch.after}`);
    for (const s of snap.segments ?? []) {
      if (this.seen.has(s.id)) continue;
      this.seen.add(s.id);
      this.out.push(`    segment ${s.from} -> ${s.to}: ${s.flags} seq=${s.seq} ack=${s.ack}${s.len ? ` len=${s.len}` : ''}${s.dropped ? ' (dropped)' : ''}`);
    }
  }

  async move(motion: 'stepIn' | 'stepOut' | 'stepBack' | 'stepToNextEvent'): Promise<{ stopped: DebugProtocol.StoppedEvent; snap: any }> {
    this.motions.add(motion);
    const stopped = await this.c.step(motion);
    return { stopped, snap: (await this.c.next('tcpClose/stop')).body };
  }

  /** Checks the values an expect line names against what the Variables view shows now. */
  async checkExpect(e: Expect, failures: string[]): Promise<void> {
    const v = await this.socketVars(e.socket);
    const shown: string[] = [];
    for (const [k, want] of e.fields) {
      let ok: boolean;
      let got: string;
      const [base, sub] = k.split('.');
      if (base === 'timer' || base === 'retransmit_timer') {
        const t = shownTimer(v[base].value);
        if (sub === 'expires') {
          got = await this.child(v[base], 'expires');
          ok = Number(got) === constant(want);
        } else {
          got = t.reason;
          ok = want === 'none' ? t.reason === 'none' : t.reason === (want.startsWith('TIME_') ? want : `TIME_${want}`);
        }
      } else {
        got = v[k]?.value ?? '(missing)';
        const n = want.split('|').reduce((acc, p) => acc | constant(p), 0) >>> 0;
        ok = v[k] !== undefined && shownNumber(got) >>> 0 === n;
      }
      shown.push(`${k}=${want}${ok ? '' : ` MISMATCH (shown ${got})`}`);
      if (!ok) failures.push(`${basename(this.file)}:${e.line}: expect ${e.socket} ${k}=${want}, the Variables view shows ${got}`);
    }
    this.out.push(`    checked expect ${e.socket}: ${shown.join(' ')}`);
  }

  /** Checks every socket and segment at the end stop against the gcc build's record. */
  async checkEnd(gcc: Outcome, snap: any, failures: string[]): Promise<void> {
    for (const s of gcc.sockets) {
      if (!this.order.includes(s.name)) continue; // an accepted sock with no name of its own
      const v = await this.socketVars(s.name);
      for (const [k, want] of Object.entries(s.fields)) {
        const got = v[k] ? shownNumber(v[k].value) : undefined;
        if (got !== want) failures.push(`end: ${s.name}.${k}: the Variables view shows ${v[k]?.value}, gcc ${want}`);
      }
      for (const [k, t] of Object.entries(s.timers)) {
        const shown = shownTimer(v[k].value);
        const got = shown.reason === 'none' ? 'not pending' : `pending, expires at ${shown.expires}`;
        const want = t.pending ? `pending, expires at ${t.expires}` : 'not pending';
        if (got !== want) failures.push(`end: ${s.name}.${k}: the Variables view shows ${got}, gcc ${want}`);
      }
    }
    const seg = (x: any) => `${x.from}>${x.to}@${x.time} ${x.flags} seq=${x.seq} ack=${x.ack} len=${x.len}${x.dropped ? ' dropped' : ''}`;
    const got = (snap.segments as any[]).map(seg);
    const want = gcc.segments.map((x) => seg({ ...x, dropped: !!x.dropped }));
    if (got.join('\n') !== want.join('\n')) failures.push(`end: the segments differ from gcc's:\n  shown ${got.join(', ')}\n  gcc   ${want.join(', ')}`);
    this.out.push(`    checked against gcc: ${gcc.sockets.length} socket(s), ${want.length} segment(s)`);
  }
}

async function transcript(file: string, gcc: Outcome): Promise<{ text: string; failures: string[]; walker: Walker }> {
  const c = await connect(server.port);
  const w = new Walker(c, file);
  const failures: string[] = [];
  const expects = expectLines(file);
  const checked = new Set<number>();
  const lastAck = lineOf(KERNEL, 'if (sk->state == TCP_LAST_ACK)', 'int tcp_ack(struct sock *sk, struct tcphdr *th');
  const blockEnd = lastAck + blockLength(lastAck);
  try {
    let { stopped, snap } = await w.start();
    let motion = 'launch';
    /** the target function being stepped through: its name and depth */
    let visit: { fn: string; depth: number; first: boolean } | undefined;
    for (let i = 0; i < MAX_MOTIONS; i++) {
      const at = await w.where(stopped, snap);
      w.line(at, motion, stopped, snap);
      if (at.kind === 'end' || at.kind === 'error') {
        if (at.kind === 'end') await w.checkEnd(gcc, snap, failures);
        else failures.push(`the run faulted: ${stopped.body.text ?? stopped.body.description}`);
        break;
      }
      let next: 'stepIn' | 'stepOut' | 'stepBack' | 'stepToNextEvent';
      if (at.kind !== 'statement') {
        visit = undefined;
        const e = at.scenarioLine ? expects.get(at.scenarioLine) : undefined;
        if (e && !checked.has(e.line)) {
          checked.add(e.line);
          await w.checkExpect(e, failures);
        }
        next = 'stepIn';
      } else {
        const inTarget = TARGETS.includes(at.fn!) || (at.fn === 'tcp_ack' && at.line! >= lastAck && at.line! <= blockEnd);
        if (!visit && inTarget) visit = { fn: at.fn!, depth: at.depth, first: true };
        if (!visit) next = 'stepToNextEvent';
        else if (at.depth < visit.depth) {
          visit = undefined;
          next = 'stepToNextEvent';
        } else if (at.depth > visit.depth) next = 'stepOut';
        else if (at.fn === 'tcp_ack' && at.line! > blockEnd) next = 'stepOut';
        else {
          w.targetLines.add(`${at.fn}:${at.line}`);
          const key = await w.keyFields(at.socket, at.clock);
          if (visit.first) w.out.push(`    sk: ${key}`);
          if (visit.first) {
            // step in, step back onto this stop, step in again: the same stops, the same fields
            visit.first = false;
            const ahead = await w.move('stepIn');
            const aheadAt = await w.where(ahead.stopped, ahead.snap);
            const aheadKey = aheadAt.kind === 'statement' ? await w.keyFields(aheadAt.socket, aheadAt.clock) : '';
            const back = await w.move('stepBack');
            const backAt = await w.where(back.stopped, back.snap);
            w.line(backAt, 'stepIn, stepBack', back.stopped, { ...back.snap, changed: [] });
            if ((back.snap.segments ?? []).length !== (snap.segments ?? []).length) failures.push(`stepBack to #${at.index}: ${(back.snap.segments ?? []).length} segments shown, ${(snap.segments ?? []).length} the first time`);
            if (`${backAt.fn}:${backAt.line}` !== `${at.fn}:${at.line}` || backAt.index !== at.index) failures.push(`stepBack from #${aheadAt.index} reached #${backAt.index} ${backAt.fn}:${backAt.line}, not #${at.index} ${at.fn}:${at.line}`);
            else if ((await w.keyFields(at.socket, at.clock)) !== key) failures.push(`stepBack to #${at.index} ${at.fn}:${at.line} did not restore the fields: ${await w.keyFields(at.socket, at.clock)} (were ${key})`);
            ({ stopped, snap } = await w.move('stepIn'));
            const again = await w.where(stopped, snap);
            if (again.index !== aheadAt.index || `${again.fn}:${again.line}` !== `${aheadAt.fn}:${aheadAt.line}`) failures.push(`stepIn after stepBack reached #${again.index} ${again.fn}:${again.line}, the first stepIn #${aheadAt.index} ${aheadAt.fn}:${aheadAt.line}`);
            else if (again.kind === 'statement' && (await w.keyFields(again.socket, again.clock)) !== aheadKey) failures.push(`stepIn after stepBack: the fields at #${again.index} differ from the first time`);
            motion = 'stepIn';
            continue;
          }
          next = 'stepIn';
        }
      }
      ({ stopped, snap } = await w.move(next));
      motion = next;
    }
  } finally {
    await c.close();
  }
  c.assertValid();
  failures.push(...w.problems);
  return { text: w.out.join('\n') + '\n', failures, walker: w };
}

/** Lines from the `if` to the closing brace of its block (matched in the kernel's text). */
function blockLength(ifLine: number): number {
  const lines = readFileSync(KERNEL, 'utf8').split('\n');
  let depth = 0;
  let opened = false;
  for (let i = ifLine - 1; i < lines.length; i++) {
    for (const ch of lines[i]) {
      if (ch === '{') {
        depth++;
        opened = true;
      } else if (ch === '}') depth--;
    }
    if (opened && depth === 0) return i - (ifLine - 1);
  }
  throw new Error(`no end of the block at ${KERNEL}:${ifLine}`);
}

/** what the per-example scripts used, together */
const allMotions = new Set<string>();
const allPlaces = new Set<string>();

let server: Awaited<ReturnType<typeof startServer>>;
const gccByExample = new Map<string, Outcome>();
before(async () => {
  server = await startServer();
  // gcc's i386 build of the same release files, run on every example (test/differential/release/)
  checkToolchain();
  const image = await releaseImage();
  const cases = releaseCases((n) => image.constant(n)).filter((c) => c.name.startsWith('examples/'));
  const build = buildRelease((await releaseFields()).header);
  const g = spawnSync('qemu-i386', [build.bin], { input: serialise(cases), encoding: 'utf8', maxBuffer: 1 << 28 });
  build.dispose();
  assert.equal(g.status, 0, g.stderr);
  for (const l of g.stdout.trim().split('\n')) {
    const o = JSON.parse(l) as Outcome;
    gccByExample.set(o.case, o);
  }
});
after(async () => {
  await server.close();
});

const examples = existsSync(EXAMPLES) ? readdirSync(EXAMPLES).filter((f) => f.endsWith('.tcpscenario')).sort() : [];

for (const name of examples) {
  test(`golden transcript stepping through the C: ${name}`, async () => {
    const file = join(EXAMPLES, name);
    const gcc = gccByExample.get(`examples/${name}`);
    assert.ok(gcc, `the gcc build produced no record for ${name}`);
    const { text, failures, walker } = await transcript(file, gcc);
    walker.motions.forEach((m) => allMotions.add(m));
    walker.targetLines.forEach((l) => allPlaces.add(l.split(':')[0]));
    // independent checks first: they hold whatever the golden file says
    assert.deepEqual(failures, [], `${name}: the stops disagree with the scenario's expect lines or with gcc:\n${failures.join('\n')}`);
    const expects = expectLines(file).size;
    const checkedCount = (text.match(/^ {4}checked expect /gm) ?? []).length;
    assert.equal(checkedCount, expects, `${name}: ${expects} expect lines, ${checkedCount} checked at their stops`);
    assert.match(text, /^ {4}checked against gcc: /m, `${name}: the end stop was not reached`);
    assert.ok(walker.targetLines.size > 0, `${name}: no stop on a line of tcp_fin, tcp_close_state or the LAST_ACK block`);
    for (const m of ['stepIn', 'stepBack']) assert.ok(walker.motions.has(m), `${name}: the script never used ${m}`);
    const golden = join(GOLDEN, name.replace(/\.tcpscenario$/, '.txt'));
    const actual = golden.replace(/\.txt$/, '.actual');
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(golden)) {
      writeFileSync(golden, text);
      rmSync(actual, { force: true });
      if (process.env.UPDATE_GOLDEN !== '1') assert.fail(`no golden transcript for ${name}: wrote ${golden}; check it and commit it`);
      return;
    }
    if (readFileSync(golden, 'utf8') !== text) {
      writeFileSync(actual, text);
      assert.fail(`${name}: the transcript differs from ${golden}; see ${actual}`);
    }
    rmSync(actual, { force: true });
  });
}

test('the golden scripts together step in, out and back through all three places of the seed', async () => {
  // the union over the examples above (walked again here when they were filtered out)
  if (!allMotions.size)
    for (const name of examples) {
      const { walker } = await transcript(join(EXAMPLES, name), gccByExample.get(`examples/${name}`)!);
      walker.motions.forEach((m) => allMotions.add(m));
      walker.targetLines.forEach((l) => allPlaces.add(l.split(':')[0]));
    }
  assert.deepEqual([...allMotions].sort(), ['stepBack', 'stepIn', 'stepOut', 'stepToNextEvent']);
  assert.deepEqual([...allPlaces].sort(), ['tcp_ack', 'tcp_close_state', 'tcp_fin']);
});
