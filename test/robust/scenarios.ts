// Scenario generators and mutators for the scenario fuzzer (fast-check arbitraries), and the
// checks every run must pass: well-formed diagnostics, the step budget, and the close-path
// invariants checked at every stop (on the release: ReleaseRun).

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import type { Diagnostic } from '../../src/scenario/ast';
import { splitLines } from '../../src/scenario/lexer';
import type { ReleaseItem, ReleaseRun, ReleaseStop } from '../../src/engine/release/run';
import { ROOT } from './common';

// ---- the seed corpus: the shipped examples and the grammar fixtures ----

export const CORPUS: { name: string; text: string }[] = [
  ...readdirSync(join(ROOT, 'examples'))
    .filter((f) => f.endsWith('.tcpscenario'))
    .sort()
    .map((f) => ({ name: f, text: readFileSync(join(ROOT, 'examples', f), 'utf8') })),
  ...readdirSync(join(ROOT, 'test', 'grammar'))
    .filter((f) => f.endsWith('.tcpscenario'))
    .sort()
    .map((f) => ({ name: `grammar/${f}`, text: readFileSync(join(ROOT, 'test', 'grammar', f), 'utf8') })),
];

// ---- values that stress the parser and the engine ----

const U32 = 0xffffffff;
/** numbers at the edges: 32-bit wrap, beyond it, beyond doubles, negative, hex forms */
export const HUGE_NUMBERS = [
  '4294967295', '4294967296', '4294967294', '0xffffffff', '0x100000000', '0XFFFFFFFF', '-1', '-2147483648', '-2147483649',
  '2147483647', '2147483648', '9007199254740993', '99999999999999999999999999999', '1e400', '0x', '00000000000000000000001',
  '0xDEADBEEFDEADBEEF', '1' + '0'.repeat(400), '-0', '+5', '0.5', 'NaN', 'Infinity',
];
const TIMES = ['0', '+0', '+10ms', '+1s', '+20j', '1.5s', '+2m', '4294967295j', '4294967296j', '+4294967295j', '42949672.95s', '0.001s', '+0.005s', '1e3s', '+', '++1s', '-1s', '3h', '10', '+99999999999999999999s'];
const WORDS = ['socket', 'link', 'expect', 'drop', 'set', 'wait', 'close', 'call', '<', '>', 'F.', 'S', 'R.', 'FF', 'A', '.', 'seq=', '=5', 'timer=none', 'state=CLOSE', 'shutdown=RCV_SHUTDOWN|', '|', 'TCP_NOPE', 'delay=10ms', 'listener=x', 'partial=-1', 'timer.expires=1', 'a.b.c=1', 'tcp_fin', 'no_such_fn', 'printk', 'add_timer'];
const JUNK_CHARS = ['\u0000', '\r', '\t', '\u00a0', '\ufeff', '\u2028', '#', '=', '|', '<', '>', '+', '.', 'é', '😀', '\ud800', '"', '\\', '\u001b[31m', ' '];

/** One small edit of a scenario's text. */
export type Mutation =
  | { k: 'deleteToken' | 'duplicateToken' | 'deleteLine' | 'duplicateLine'; at: number }
  | { k: 'swapTokens' | 'swapLines'; at: number; to: number }
  | { k: 'corruptToken'; at: number; pos: number; ch: string }
  | { k: 'replaceToken'; at: number; with: string }
  | { k: 'insertBytes'; at: number; bytes: string }
  | { k: 'truncate'; at: number };

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ k: fc.constantFrom('deleteToken', 'duplicateToken', 'deleteLine', 'duplicateLine') as fc.Arbitrary<'deleteToken'>, at: fc.nat() }),
  fc.record({ k: fc.constantFrom('swapTokens', 'swapLines') as fc.Arbitrary<'swapTokens'>, at: fc.nat(), to: fc.nat() }),
  fc.record({ k: fc.constant('corruptToken' as const), at: fc.nat(), pos: fc.nat(), ch: fc.oneof(fc.constantFrom(...JUNK_CHARS), fc.string({ unit: 'binary', minLength: 1, maxLength: 2 })) }),
  fc.record({ k: fc.constant('replaceToken' as const), at: fc.nat(), with: fc.oneof(fc.constantFrom(...HUGE_NUMBERS, ...TIMES, ...WORDS), fc.constantFrom('seq=', 'ack=', 'len=', 'win=', 'write_seq=', 'state=', 'dead=', 'rto=').chain((p) => fc.constantFrom(...HUGE_NUMBERS).map((n) => p + n))) }),
  fc.record({ k: fc.constant('insertBytes' as const), at: fc.nat(), bytes: fc.oneof(fc.string({ unit: 'binary', maxLength: 24 }), fc.uint8Array({ maxLength: 24 }).map((b) => Buffer.from(b).toString('latin1'))) }),
  fc.record({ k: fc.constant('truncate' as const), at: fc.nat() }),
);

/** Applies one mutation (positions are taken modulo what is there, so every mutation applies). */
export function mutate(text: string, m: Mutation): string {
  switch (m.k) {
    case 'deleteLine':
    case 'duplicateLine':
    case 'swapLines': {
      const lines = text.split('\n');
      const i = m.at % lines.length;
      if (m.k === 'deleteLine') lines.splice(i, 1);
      else if (m.k === 'duplicateLine') lines.splice(i, 0, lines[i]);
      else {
        const j = (m as { to: number }).to % lines.length;
        [lines[i], lines[j]] = [lines[j], lines[i]];
      }
      return lines.join('\n');
    }
    case 'insertBytes': {
      const i = m.at % (text.length + 1);
      return text.slice(0, i) + m.bytes + text.slice(i);
    }
    case 'truncate':
      return text.slice(0, m.at % (text.length + 1));
  }
  // token edits: tokens are the runs of non-whitespace
  const parts = text.split(/(\s+)/);
  const tokenIdx: number[] = [];
  parts.forEach((p, i) => {
    if (p && !/^\s+$/.test(p)) tokenIdx.push(i);
  });
  if (!tokenIdx.length) return text;
  const ti = tokenIdx[m.at % tokenIdx.length];
  switch (m.k) {
    case 'deleteToken':
      parts[ti] = '';
      break;
    case 'duplicateToken':
      parts[ti] = `${parts[ti]} ${parts[ti]}`;
      break;
    case 'swapTokens': {
      const tj = tokenIdx[m.to % tokenIdx.length];
      [parts[ti], parts[tj]] = [parts[tj], parts[ti]];
      break;
    }
    case 'corruptToken': {
      const t = parts[ti];
      const p = m.pos % t.length;
      parts[ti] = t.slice(0, p) + m.ch + t.slice(p + 1);
      break;
    }
    case 'replaceToken':
      parts[ti] = m.with;
      break;
  }
  return parts.join('');
}

export const mutatedScenarioArb = fc
  .tuple(fc.nat({ max: CORPUS.length - 1 }), fc.array(mutationArb, { minLength: 1, maxLength: 6 }))
  .map(([i, ms]) => ({ base: CORPUS[i].name, text: ms.reduce(mutate, CORPUS[i].text), mutations: ms }));

/** Random bytes and random lines of scenario words: mostly nonsense, sometimes nearly valid. */
export const noiseScenarioArb = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 400 }),
  fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b).toString('utf8')),
  fc.array(fc.array(fc.constantFrom(...WORDS, ...TIMES, ...HUGE_NUMBERS, 'server', 'client', 'TCP_ESTABLISHED', 'ESTABLISHED', 'CLOSE', '#x', '\t'), { maxLength: 8 }).map((ws) => ws.join(' ')), { maxLength: 30 }).map((ls) => ls.join('\n')),
);

// ---- valid scenarios, generated ----

const STATES = ['ESTABLISHED', 'SYN_SENT', 'SYN_RECV', 'FIN_WAIT1', 'FIN_WAIT2', 'TIME_WAIT', 'CLOSE', 'CLOSE_WAIT', 'LAST_ACK', 'LISTEN', 'CLOSING'];
const FLAGS = ['F.', '.', 'R.', 'R', 'S', 'S.', 'SF.', 'FR.', 'FP.', 'P.', 'F'];

/** A sequence number near the 2^32 wrap, near zero, or anywhere. */
const seqArb = fc.oneof(fc.integer({ min: U32 - 40, max: U32 }), fc.integer({ min: 0, max: 40 }), fc.nat({ max: U32 }));

interface SockGen {
  state: string;
  prefix: boolean;
  write_seq: number;
  acked_seq: number;
  extra: string[];
}

const sockArb: fc.Arbitrary<SockGen> = fc.record({
  state: fc.constantFrom(...STATES),
  prefix: fc.boolean(),
  write_seq: seqArb,
  acked_seq: seqArb,
  extra: fc
    .tuple(
      fc.subarray(['keepopen=1', 'dead=1', 'rtt=50', 'debug=1', 'retransmits=14', 'ack_backlog=1', 'inuse=1', 'err=-5', 'window=0']),
      fc.constantFrom([], ['rto=600'], ['rto=1']),
      fc.constantFrom([], ['shutdown=SEND_SHUTDOWN'], ['shutdown=RCV_SHUTDOWN|SEND_SHUTDOWN']),
    )
    .map(([a, b, c]) => [...a, ...b, ...c]),
});

/** One event line, given the sockets (names and write_seq) and which are linked. */
function eventArb(names: string[], seqs: number[], linked: Set<string>): fc.Arbitrary<string> {
  const sock = fc.nat({ max: names.length - 1 });
  const near = (i: number) => fc.integer({ min: -3, max: 3 }).map((d) => ((seqs[i] + d) >>> 0).toString());
  const seg = (i: number) =>
    fc.tuple(fc.constantFrom(...FLAGS), near((i + 1) % names.length), near(i), fc.constantFrom('', ' len=0', ' len=1', ' len=100', ' win=0')).map(([f, s, a, l]) => `${f} seq=${s} ack=${a}${l}`);
  const withSock = (f: (i: number) => fc.Arbitrary<string>) => sock.chain((i) => f(i).map((rest) => rest.replace('$S', names[i])));
  return fc.oneof(
    { weight: 6, arbitrary: withSock((i) => seg(i).map((s) => `$S < ${s}`)) },
    { weight: 3, arbitrary: withSock(() => fc.constantFrom('$S close', '$S close timeout=1', '$S close timeout=0')) },
    { weight: 2, arbitrary: fc.constant('wait') },
    { weight: 2, arbitrary: withSock(() => fc.constantFrom('expect $S state=CLOSE', 'expect $S timer=none', 'expect $S shutdown=SHUTDOWN_MASK retransmit_timer=TIME_WRITE', 'expect $S timer.expires=0')) },
    { weight: 1, arbitrary: withSock((i) => seg(i).map((s) => `$S > ${s.replace(/ len=\d+| win=0/, '')}`)) },
    { weight: 1, arbitrary: withSock(() => fc.constantFrom('set $S state=ESTABLISHED', 'set $S state=CLOSE', 'set $S shutdown=0', 'set $S rto=600', 'set $S dead=1', 'set $S state=FIN_WAIT2 shutdown=SEND_SHUTDOWN')) },
    {
      weight: 2,
      arbitrary: withSock((i) =>
        fc.oneof(
          seg(i).map((s) => `$S call tcp_fin ${s}`),
          seg(i).map((s) => `$S call tcp_rcv ${s}`),
          seg(i).map((s) => `$S call tcp_ack ${s}`),
          fc.constantFrom('$S call tcp_close_state dead=0', '$S call tcp_close_state dead=1', '$S call tcp_send_fin', '$S call release_sock', '$S call tcp_time_wait', '$S call tcp_close timeout=1', '$S call tcp_set_state state=TCP_ESTABLISHED', '$S call destroy_sock', '$S call tcp_write_timeout', '$S call tcp_send_partial'),
        ),
      ),
    },
    ...(linked.size ? [{ weight: 1, arbitrary: fc.constantFrom(...linked).chain((s) => fc.constantFrom(...FLAGS).map((f) => `drop ${s} > ${f}`)) }] : []),
  );
}

const timeArb = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('+0', '+10ms', '+20ms', '+1s', '+3s', '+60s', '+180s', '+5j') },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 2000 }).map((j) => `+${j}j`) },
);

/** A valid scenario: declarations (states, sequence numbers near the wrap, links, listeners) then events in time order. */
export const validScenarioArb: fc.Arbitrary<string> = fc
  .record({
    socks: fc.array(sockArb, { minLength: 1, maxLength: 6 }),
    link: fc.boolean(),
    delay: fc.constantFrom('0', '10ms', '1j', '250ms'),
    lateStart: fc.oneof({ weight: 9, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.constant(U32 - 600_000) }),
    n: fc.integer({ min: 1, max: 25 }),
    seed: fc.nat(),
  })
  .chain(({ socks, link, delay, lateStart, n }) => {
    const names = socks.map((_, i) => `s${i}`);
    const lines: string[] = [];
    socks.forEach((s, i) => {
      const extra = [...s.extra];
      // a LISTEN socket may have the next one as a pending child
      if (i > 0 && socks[i - 1].state === 'LISTEN' && s.state !== 'LISTEN') extra.push(`listener=s${i - 1}`);
      lines.push(`socket s${i} ${s.prefix ? 'TCP_' : ''}${s.state} write_seq=${s.write_seq} acked_seq=${s.acked_seq} ${extra.join(' ')}`.trim());
    });
    const linked = new Set<string>();
    if (link && names.length >= 2) {
      lines.push(`link s0 s1 delay=${delay}`);
      linked.add('s0');
      linked.add('s1');
    }
    const seqs = socks.map((s) => s.write_seq);
    return fc.array(fc.tuple(timeArb, eventArb(names, seqs, linked)), { minLength: n, maxLength: n }).map((evs) => {
      lines.push(`${lateStart}j wait`);
      for (const [t, e] of evs) lines.push(`${t} ${e}`);
      lines.push('+200s wait');
      return lines.join('\n') + '\n';
    });
  });

/** Thousands of sockets, each closing: a large but valid file. */
export function manySockets(n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(`socket k${i} ESTABLISHED write_seq=${(U32 - i) >>> 0} acked_seq=${i}`);
  for (let i = 0; i < n; i++) lines.push(`+0 k${i} close`);
  lines.push('+1s wait');
  return lines.join('\n') + '\n';
}

// ---- checks ----

/** Problems with one diagnostic of a scenario of `text` at `file`, or an empty list. */
export function diagnosticProblems(d: Diagnostic, file: string, text: string): string[] {
  const out: string[] = [];
  const lines = splitLines(text).length;
  const s = d.range?.start;
  const e = d.range?.end;
  if (d.file !== file) out.push(`file is ${JSON.stringify(d.file)}, not the scenario's path`);
  if (!s || !Number.isInteger(s.line) || s.line < 1 || s.line > lines + 1) out.push(`line ${s?.line} outside 1..${lines + 1}`);
  if (!s || !Number.isInteger(s.column) || s.column < 1) out.push(`column ${s?.column} < 1`);
  if (!e || e.line < s!.line || (e.line === s!.line && e.column < s!.column)) out.push(`end ${JSON.stringify(e)} before start ${JSON.stringify(s)}`);
  if (typeof d.message !== 'string' || !d.message.trim()) out.push('empty message');
  if (/internal error/i.test(d.message)) out.push(`internal error: ${d.message}`);
  if (d.severity !== 'error' && d.severity !== 'warning') out.push(`severity ${d.severity}`);
  return out;
}

const TCP_CLOSE = 7;
/** `call`s that set sk->state unconditionally (they bypass the checks of the receive path): a state reset */
const STATE_RESET_CALLS = new Set(['tcp_set_state', 'tcp_time_wait']);

export interface RunReport {
  outcome: 'end' | 'error' | 'budget' | 'stop-cap';
  stops: number;
  failures: number;
  violations: string[];
}

/** the calls and socket-layer actions after which a sock may leave TCP_CLOSE (a sock from nothing is CLOSED until listen, connect or accept) */
const STATE_RESETS = new Set(['listen', 'connect']);

/**
 * Runs to the end, checking at every stop:
 * - the call chain has not run more statements than the budget (a budget stop says so);
 * - a socket in TCP_CLOSE stays there, unless the item that ran is a state reset: a `set` of its
 *   state, a `call` of tcp_set_state / tcp_time_wait on it, a listen or connect on it, or an
 *   accept that fills it;
 * - sk->shutdown only gains bits (the kernel only ever assigns SHUTDOWN_MASK or ors bits in),
 *   unless the item is a `set` of its shutdown;
 * - the clock never goes back.
 * (The order in which timers and deliveries run is the machine's agenda, checked against gcc's
 * build of the same files by test/differential/release/.)
 */
export function runChecked(run: ReleaseRun, budget: number, maxStops: number): RunReport {
  const violations: string[] = [];
  const v = (s: ReleaseStop, msg: string) => {
    if (violations.length < 20) violations.push(`stop ${s.index} (${s.fn?.name ?? s.kind}${s.loc ? ':' + s.loc.line : ''}): ${msg}`);
  };
  const socks = run.socks;
  const prevState = socks.map((s) => run.field(s.sk, 'state'));
  const prevShutdown = socks.map((s) => run.field(s.sk, 'shutdown'));
  let prevClock = run.jiffies;
  let item: ReleaseItem | undefined;
  let stop: ReleaseStop = run.stopInfo(run.stopIndex);
  let failures = 0;
  let n = 0;
  for (;;) {
    if (stop.kind === 'end') break;
    if (stop.kind === 'error') {
      if (/step budget/.test(stop.message ?? '')) {
        if (!stop.message!.includes(String(budget))) v(stop, `budget stop does not name the budget ${budget}: ${stop.message}`);
        return { outcome: 'budget', stops: n, failures, violations };
      }
      return { outcome: 'error', stops: n, failures, violations };
    }
    if (n >= maxStops) return { outcome: 'stop-cap', stops: n, failures, violations };
    item = run.current;
    stop = run.forward();
    n++;
    if (stop.kind === 'failure') failures++;
    // (the budget stop counts the statement it refuses to run: budget + 1)
    if (stop.kind !== 'error' && run.machine.statements > budget) v(stop, `${run.machine.statements} statements run, over the budget ${budget}`);
    const resetState = new Set<number>();
    const resetShutdown = new Set<number>();
    if (item?.kind === 'event') {
      const a = item.event.action;
      const k = item.event.sock;
      if (a.kind === 'set') {
        if (a.fields.some((f) => f.name === 'state')) resetState.add(k);
        if (a.fields.some((f) => f.name === 'shutdown')) resetShutdown.add(k);
      }
      if (a.kind === 'call' && STATE_RESET_CALLS.has(a.fn)) resetState.add(k);
      if (STATE_RESETS.has(a.kind)) resetState.add(k);
      if (a.kind === 'accept' && a.child >= 0) resetState.add(a.child);
    }
    // an accepted sock with no name takes a slot of its own: the socks of the scenario are checked
    for (let k = 0; k < socks.length; k++) {
      const state = run.field(socks[k].sk, 'state');
      const shutdown = run.field(socks[k].sk, 'shutdown');
      if (prevState[k] === TCP_CLOSE && state !== TCP_CLOSE && !resetState.has(k)) v(stop, `${socks[k].name} left TCP_CLOSE for state ${state} (item: ${describeItem(item)})`);
      if (prevShutdown[k] & ~shutdown && !resetShutdown.has(k)) v(stop, `${socks[k].name}.shutdown lost bits: ${prevShutdown[k]} -> ${shutdown} (item: ${describeItem(item)})`);
      prevState[k] = state;
      prevShutdown[k] = shutdown;
    }
    if (run.jiffies < prevClock) v(stop, `the clock went back: ${prevClock} -> ${run.jiffies}`);
    prevClock = run.jiffies;
  }
  return { outcome: 'end', stops: n, failures, violations };
}

function describeItem(item: ReleaseItem | undefined): string {
  if (!item) return 'none';
  if (item.kind === 'event') return `scenario line ${item.event.line} (${item.event.action.kind}${item.event.action.kind === 'call' ? ' ' + item.event.action.fn : ''})`;
  if (item.kind === 'timer') return `${item.which || 'a timer'} of ${item.socket}`;
  return `delivery to ${item.socket}`;
}
