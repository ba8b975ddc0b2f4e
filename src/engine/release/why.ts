// "Why is this value this value?" (pure: no vscode, no I/O): a value's provenance over the
// recorded run, as a chain of moments. The statement that wrote it; the values that statement
// read (the compiler lists them on each statement: code.ts's Read), each with its own writer;
// and so on back to what the scenario did: a segment that arrived, a close(), a timer that
// fired, the scenario's setup. Read from the logs (History, the byte memory's stores) by going to
// each writer's stop and reading there; the run is put back where it was.

import type { CFunction, Frame, Instr, Read } from '../code';
import { Op } from '../code';
import type { CT } from '../cmachine/types';
import { stopOfStore } from './fieldHistory';
import { loadScalar } from '../cvalues/values';
import type { ReleaseItem, ReleaseRun } from './run';

/** Where a value came from. */
export type WhyOrigin =
  /** a kernel statement wrote it during the step of `stop` */
  | { kind: 'statement'; stop: number; fn: string; file: string; line: number; column: number; during?: string }
  /** a parameter: the call at `stop` (in `fn`, at file:line:column) passed it as argument `index` of `callee` */
  | { kind: 'argument'; stop: number; fn: string; file: string; line: number; column: number; callee: string; index: number }
  /** the scenario's driver wrote it at the event of `stop` (a segment arriving, a close(), a timer…) */
  | { kind: 'event'; stop: number; line: number; what: string }
  /** no step of the recorded run wrote it: the load image's value, or the scenario's setup before the first stop */
  | { kind: 'initial'; what: string };

/** One link of the chain: a value, where it came from, and what that origin read. */
export interface WhyLink {
  /** the C that reads the value (the root: what was asked about) */
  expr: string;
  value: string;
  /** the stop at which the value is read (the root: the stop asked about) */
  stop: number;
  /** where the read is in the source (none for the root) */
  at?: { file: string; line: number; column: number };
  origin: WhyOrigin;
  /** the values the origin read (a statement's reads; an argument's reads in the caller) */
  reads: WhyLink[];
  /** where the value is, when it is in memory (a field, a global, an address-taken local), and its bytes */
  addr?: number;
  size?: number;
  /** the value a call returned (its origin: the step that returned it) */
  returned?: boolean;
  /** the value is a pointer */
  pointer?: boolean;
  /** read by the branch just before the origin's statement (an if, switch or loop test that led there), not by the statement itself */
  control?: string;
  /** why this link's own reads are not listed */
  cut?: string;
}

/** What the chain is asked about, at the current stop. */
export type WhyTarget =
  | { kind: 'memory'; name: string; addr: number; t: CT; bits?: { w: number; bitOffset: number; signed: boolean } }
  /** a local in a slot of frame `frame` (0: the outermost) of the machine */
  | { kind: 'slot'; name: string; frame: number; slot: number; t: CT };

export interface WhyOptions {
  /** at most this many links (default 60) */
  links?: number;
  /** at most this many links deep (default 12) */
  depth?: number;
}

/** How far ahead a call's result is looked for in the log (its callee's writes are between). */
const RESULT_LOOKAHEAD = 1 << 22;

/**
 * The provenance of `target`'s value at the current stop: a tree, breadth first within the
 * budget, each value's origin followed once (a value read again is cut "seen above"). Pointers
 * are listed with their origin, but what a pointer's origin read is not followed: the chain
 * explains data, not the addresses it is reached through.
 */
export function why(run: ReleaseRun, target: WhyTarget, opts: WhyOptions = {}): WhyLink {
  const maxLinks = opts.links ?? 60;
  const maxDepth = opts.depth ?? 12;
  const home = run.stopIndex;
  const seen = new Set<string>();
  let links = 1;
  try {
    const root = rootLink(run, target, home);
    const queue: { link: WhyLink; depth: number }[] = [{ link: root, depth: 0 }];
    for (let q = 0; q < queue.length; q++) {
      const { link, depth } = queue[q];
      const o = link.origin;
      if (o.kind !== 'statement' && o.kind !== 'argument') continue;
      if (link.cut) continue;
      const key = `${o.kind}:${o.stop}:${o.kind === 'argument' ? o.index : ''}`;
      if (seen.has(key)) {
        link.cut = `explained elsewhere in this chain (the same ${o.kind === 'argument' ? 'call' : 'statement'}, stop ${o.stop})`;
        continue;
      }
      seen.add(key);
      if (depth >= maxDepth) {
        link.cut = `the chain is cut at ${maxDepth} links deep`;
        continue;
      }
      if (links >= maxLinks) {
        link.cut = `the chain is cut at ${maxLinks} links`;
        continue;
      }
      const reads = originReads(run, o);
      if (typeof reads === 'string') {
        link.cut = reads;
        continue;
      }
      for (const r of reads) {
        if (links >= maxLinks) {
          link.cut = `the chain is cut at ${maxLinks} links: more values are read here`;
          break;
        }
        links++;
        link.reads.push(r);
        if (r.origin.kind === 'statement' || r.origin.kind === 'argument') {
          if (r.pointer) r.cut = 'a pointer: the chain explains the values, not the addresses they are reached through';
          queue.push({ link: r, depth: depth + 1 });
        }
      }
    }
    return root;
  } finally {
    if (run.stopIndex !== home) run.goto(home);
  }
}

/** The chain's first link: the target as the current stop shows it. */
function rootLink(run: ReleaseRun, target: WhyTarget, n: number): WhyLink {
  if (target.kind === 'memory') {
    const size = target.bits ? Math.ceil((target.bits.bitOffset + target.bits.w) / 8) : sizeOfScalar(target.t);
    return { expr: target.name, addr: target.addr, size, value: show(readMemory(run, target.addr, target.t, target.bits), target.t), stop: n, origin: memoryOrigin(run, target.addr, size, n), reads: [] };
  }
  const fr = run.machine.frames[target.frame];
  if (!fr) throw new Error(`no frame ${target.frame} at this stop`);
  return { expr: target.name, value: show(fr.s[target.slot], target.t), stop: n, origin: slotOrigin(run, target.frame, target.slot, n), reads: [] };
}

/** The reads of an origin, each a link with its own origin: the run is moved to the origin's stop. */
function originReads(run: ReleaseRun, o: Extract<WhyOrigin, { kind: 'statement' | 'argument' }>): WhyLink[] | string {
  run.goto(o.stop);
  const frames = run.machine.frames;
  const depth = frames.length - 1;
  const fr = frames[depth];
  const { code, pc } = run.H.stopAt(o.stop);
  if (!fr || code !== fr.fn.index) return 'the statement is not in the frame on top at its stop';
  const ins = fr.fn.code[pc];
  let reads: Read[] = ins?.op === Op.STMT ? (ins.reads ?? []) : [];
  if (o.kind === 'argument') {
    // the reads inside the argument the call passes
    const call = callOf(fr.fn, o);
    const arg = call?.argLocs?.[o.index];
    if (!arg) return `the call of ${o.callee} is not found in ${fr.fn.name}`;
    reads = reads.filter((r) => within(r.loc, arg));
  }
  const out = reads.map((r) => readLink(run, r, fr, depth, o.stop));
  // the branch that led here: the statement this frame ran just before, when it is a test
  const made = frameMade(run, depth, o.stop);
  const prev = run.H.previousStop(o.stop, made.stop, (c) => c === fr.fn.index);
  if (prev >= 0) {
    const p = fr.fn.code[run.H.stopAt(prev).pc];
    if (p?.op === Op.STMT && p.what && BRANCHES.has(p.what) && p.reads?.length) {
      run.goto(prev);
      const pf = run.machine.frames[depth];
      if (pf && pf.fn === fr.fn) {
        const control = `read by the ${p.what} at ${fr.fn.name}:${p.loc.line}, the test that led to this statement`;
        for (const r of p.reads) out.push({ ...readLink(run, r, pf, depth, prev), control });
      }
    }
  }
  if (!out.length) return o.kind === 'argument' ? 'the argument reads no variable: a constant, or an address' : 'the statement reads no variable: the value is a constant, or made of addresses';
  return out;
}

/** the kinds of statement (STMT's `what`) that test a value to choose the path */
const BRANCHES = new Set(['if', 'switch', 'while', 'for']);

/** The CALL of `o.callee` at `o`'s place in `fn` (the argument's origin names the call's location). */
function callOf(fn: CFunction, o: { line: number; column: number }) {
  return fn.code.find((i) => i.op === Op.CALL && i.loc.line === o.line && i.loc.column === o.column);
}

function within(r: { file: string; line: number; column: number }, l: { file: string; line: number; column: number; endLine: number; endColumn: number }): boolean {
  if (r.file !== l.file) return false;
  const after = r.line > l.line || (r.line === l.line && r.column >= l.column);
  const before = r.line < l.endLine || (r.line === l.endLine && r.column < l.endColumn);
  return after && before;
}

/** A read of the statement at stop `n` in frame `fr` (frame number `depth`): its value there and its origin. */
function readLink(run: ReleaseRun, r: Read, fr: Frame, depth: number, n: number): WhyLink {
  const at = { file: r.loc.file, line: r.loc.line, column: r.loc.column };
  const base = { expr: r.text, stop: n, at, reads: [] as WhyLink[], ...(r.t.k === 'ptr' ? { pointer: true } : {}) };
  if (r.result && r.slot !== undefined) {
    // the value the call returned: the write into its result slot, made after this stop
    const H = run.H;
    // the frame's next stop: the call has returned by then
    const back = H.nextStop(n, H.stopCount, (c) => c === fr.fn.index);
    const here = H.logPosition(n) ?? 0;
    const a = H.nextWriteOf(fr.s, r.slot, n, back < 0 ? RESULT_LOOKAHEAD : (H.logPosition(back) ?? here) - here);
    let s: number;
    let value: string;
    if (a >= 0) {
      s = H.stopOfWrite(a);
      value = show(H.valueWritten(a), r.t);
    } else if (back > 0) {
      // the result slot held the same value already (a write of an equal value is not logged): the step before the frame's next stop returned it
      s = back - 1;
      run.goto(back);
      value = show(run.machine.frames[depth]?.s[r.slot], r.t);
      run.goto(n);
    } else return { ...base, returned: true, value: '?', origin: { kind: 'initial', what: 'the call had not returned in the recorded run' }, cut: 'the call had not returned in the recorded run' };
    // returned with no stop between: a native or the machine layer's C, from the values the statement reads
    if (s === n) return { ...base, returned: true, value, origin: statementOrigin(run, s), cut: 'returned by a function with no statements to stop at (a native or the machine layer\'s C): computed from the values this statement passes it' };
    return { ...base, returned: true, value, origin: statementOrigin(run, s) };
  }
  if (r.slot !== undefined) return { ...base, value: show(fr.s[r.slot], r.t), origin: slotOrigin(run, depth, r.slot, n) };
  let addr: number;
  try {
    addr = r.addr!(fr);
  } catch (e) {
    return { ...base, value: '?', origin: { kind: 'initial', what: 'not read at this stop' }, cut: `not read at this stop: ${(e as Error).message}` };
  }
  const size = r.bits ? Math.ceil((r.bits.bitOffset + r.bits.w) / 8) : sizeOfScalar(r.t);
  return { ...base, addr, size, value: show(readMemory(run, addr, r.t, r.bits), r.t), origin: memoryOrigin(run, addr, size, n) };
}

/** Where the bytes [addr, addr+size) as stop `n` shows them came from. */
function memoryOrigin(run: ReleaseRun, addr: number, size: number, n: number): WhyOrigin {
  const H = run.H;
  const end = H.attachedPosition(n);
  const first = H.attachedPosition(0);
  if (end === undefined || first === undefined) return { kind: 'initial', what: 'this run keeps no history' };
  const at = run.run.mem.lastStore(addr, size, 0, end);
  if (at === undefined) return { kind: 'initial', what: 'never stored to since the kernel was loaded: the value of its definition (or zero)' };
  if (at < first) return { kind: 'initial', what: "set before the first stop: the kernel's boot and the scenario's setup (its socket lines)" };
  const s = stopOfStore(run, at);
  const o = statementOrigin(run, s);
  // a statement that assigns nothing and calls nothing did not store: the C beneath it did (the
  // machine layer's, whose statements are not stops) or the driver, in the same step
  if (o.kind === 'statement') {
    const { code, pc } = run.H.stopAt(s);
    const fn = run.image.kernel.functions[code] as unknown as CFunction;
    if (fn.code[pc]?.writes === false) {
      const how = `stored by the machine layer's C in the step after ${o.fn}:${o.line} (which stores nothing itself)`;
      const e = run.H.previousStop(s + 1, 0, (c) => c < 0);
      return e >= 0 ? eventOrigin(run, e, `${how}, for`) : { kind: 'initial', what: how };
    }
  }
  return o;
}

/** Where slot `slot` of frame number `depth`, as stop `n` shows it, came from. */
function slotOrigin(run: ReleaseRun, depth: number, slot: number, n: number): WhyOrigin {
  const frames = run.machine.frames;
  const fr = frames[depth];
  const made = frameMade(run, depth, n);
  const a = run.H.lastWriteIn(fr.s, slot, made.stop, n);
  if (a >= 0) return statementOrigin(run, run.H.stopOfWrite(a));
  // never written since the frame was made: a parameter, passed by the caller
  const params = fr.fn.vars.filter((v) => v.param && !v.name.startsWith('<'));
  const index = params.findIndex((v) => v.slot === slot);
  if (index < 0) return { kind: 'initial', what: `not written since ${fr.fn.name}() was called` };
  const caller = frames[depth - 1];
  if (!caller) return made.stop > 0 || run.stopInfo(0).kind === 'event' ? eventOrigin(run, made.stop, `passed to ${fr.fn.name}() by the scenario's driver`) : { kind: 'initial', what: `passed to ${fr.fn.name}() by the scenario's driver` };
  if (caller.fn.hidden) {
    const how = `passed to ${fr.fn.name}() by ${caller.fn.name}(), C of the machine layer (its statements are not stops), for`;
    return made.stop >= 0 && run.stopInfo(made.stop).kind !== 'statement' ? eventOrigin(run, made.stop, how) : { kind: 'initial', what: how };
  }
  const call = made.call;
  if (!call) return { kind: 'initial', what: `passed to ${fr.fn.name}() by ${caller.fn.name}()` };
  return { kind: 'argument', stop: made.stop, fn: caller.fn.name, file: call.loc.file, line: call.loc.line, column: call.loc.column, callee: fr.fn.name, index };
}

/**
 * The stop at which frame number `depth` was made, as far as the stops tell: the caller's
 * statement that calls it (the caller stays at that statement while the frame lives), with the
 * CALL; for the outermost frame, the last event stop at or before `n` (the driver's call).
 */
function frameMade(run: ReleaseRun, depth: number, n: number): { stop: number; call?: Instr } {
  const frames = run.machine.frames;
  const caller = frames[depth - 1];
  const H = run.H;
  if (!caller) return { stop: Math.max(0, H.previousStop(n + 1, 0, (code) => code < 0)) };
  if (caller.fn.hidden) return { stop: Math.max(0, H.previousStop(n + 1, 0, (code) => code < 0)) };
  const callPc = caller.s[0] as number;
  let stmtPc = callPc;
  while (stmtPc > 0 && caller.fn.code[stmtPc].op !== Op.STMT) stmtPc--;
  const c = H.previousStop(n + 1, 0, (code, pc) => code === caller.fn.index && pc === stmtPc);
  const call = caller.fn.code[callPc];
  return c < 0 ? { stop: 0 } : { stop: c, call: call?.op === Op.CALL ? call : undefined };
}

/** The origin "written during the step of stop `s`": a kernel statement, or the driver at an event. */
function statementOrigin(run: ReleaseRun, s: number): WhyOrigin {
  const at = run.stopInfo(s);
  if (at.kind === 'statement' && at.fn && at.loc) return { kind: 'statement', stop: s, fn: at.fn.name, file: at.loc.file, line: at.loc.line, column: at.loc.column, during: itemAt(run, s) };
  return eventOrigin(run, s, 'written by the scenario\'s driver');
}

/** The event of stop `s`, described (the run goes there to know its item). */
function eventOrigin(run: ReleaseRun, s: number, how: string): WhyOrigin {
  const item = itemOf(run, s);
  const what = item ? `${how}: ${describeItem(item)}` : how;
  return { kind: 'event', stop: s, line: item?.kind === 'event' ? item.event.line : run.lineOf(s).line, what };
}

/** What the scenario's driver was doing at stop `s` (the event, the timer or the delivery whose C runs there). */
function itemOf(run: ReleaseRun, s: number): ReleaseItem | undefined {
  const here = run.stopIndex;
  if (here === s) return run.current;
  run.goto(s);
  const item = run.current;
  run.goto(here);
  return item;
}

function itemAt(run: ReleaseRun, s: number): string | undefined {
  const item = itemOf(run, s);
  return item ? describeItem(item) : undefined;
}

function describeItem(item: ReleaseItem): string {
  if (item.kind === 'event') return `${describeAction(item.event.action.kind)} of ${item.socket} (scenario line ${item.event.line})`;
  if (item.kind === 'timer') return `${item.socket}'s ${item.which || 'timer'} firing at jiffy ${item.time}`;
  return `segment ${item.seg} arriving at ${item.socket} at jiffy ${item.time}`;
}

function describeAction(kind: string): string {
  switch (kind) {
    case 'rcv':
      return 'the segment arriving';
    case 'close':
      return 'the close()';
    case 'set':
      return 'the field set';
    default:
      return `the ${kind}`;
  }
}

function sizeOfScalar(t: CT): number {
  return t.k === 'int' ? t.size : 4;
}

function readMemory(run: ReleaseRun, a: number, t: CT, bits?: { w: number; bitOffset: number; signed: boolean }): unknown {
  return loadScalar(run.run.mem, a, t, bits && { width: bits.w, offset: bits.bitOffset, signed: bits.signed });
}

/** A value as the chain shows it: integers in decimal, pointers in hex. */
function show(v: unknown, t: CT): string {
  if (t.k === 'ptr') return typeof v === 'number' ? `0x${(v >>> 0).toString(16)}` : '?';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return v === undefined ? '?' : String(v);
}
