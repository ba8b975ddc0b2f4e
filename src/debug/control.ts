// Stepping and breakpoints over a Debuggee (the release's run), in the kernel's terms and
// without protocol types: next, step in/out, continue, their reverse, stepping by scenario event,
// and line, function, scenario, data and exception breakpoints (conditions, hit counts, logpoints).

import { resolve } from 'node:path';
import { CError, Op, type CFunction, type Frame } from '../engine/code';
import { placeKey } from '../engine/history';
import type { StepBy } from './config';
import type { Debuggee, StopLike, Watch } from './debuggee';
import { errorText } from './values';

export type MotionKind = 'continue' | 'next' | 'stepIn' | 'stepOut' | 'stepBack' | 'reverseContinue' | 'stepToNextEvent';

export type StopReason = 'entry' | 'step' | 'breakpoint' | 'function breakpoint' | 'data breakpoint' | 'exception' | 'pause' | 'goto';

/** Why and where a motion stopped. */
export interface StopReport<S extends StopLike = StopLike> {
  stop: S;
  reason: StopReason;
  /** a sentence for the user (the breakpoint, the changed field, why the run cannot go on) */
  description?: string;
  /** for exceptions: the failure's or fault's message */
  text?: string;
  hitBreakpointIds?: number[];
}

/** The end of a motion: a stop, or 'finished' when asked to go forward past the scenario's end. */
export type Outcome<S extends StopLike = StopLike> = { kind: 'stopped'; report: StopReport<S> } | { kind: 'finished' };

export interface LineBreakpointSpec {
  line: number;
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
}

export interface BreakpointResult {
  id: number;
  verified: boolean;
  file?: string;
  line?: number;
  message?: string;
}

type HitTest = { op: '==' | '>=' | '>' | '<' | '<=' | '%'; n: number };

interface Breakpoint extends Conditions {
  id: number;
  kind: 'line' | 'function' | 'scenario';
  file: string;
  line: number;
  fnName?: string;
  logMessage?: string;
}

/** A watched integer or pointer: a data breakpoint, with its condition and hit count if any. */
interface DataWatch extends Conditions, Watch {
  id: number;
  dataId: string;
}

/** A condition (a read-only C expression) and a hit count, as breakpoints of every kind have them. */
interface Conditions {
  condition?: string;
  hit?: HitTest;
  hits: number;
  /** the condition compiled per (function, instruction), or the error compiling it */
  compiled: Map<string, (() => boolean) | CError>;
}

/** Statements between yields, so a long continue can be paused and the session stays responsive. */
const CHUNK = 2000;
/** a reverse continue's scan back: stop records read between two looks for a pause */
const SCAN_STOPS = 1 << 16;
/** and the longest it runs before the caller hears a pause request */
const SLICE_MS = 20;

export class Controller<S extends StopLike = StopLike> {
  stepBy: StepBy = 'line';
  /** the `expectation` exception filter: stop when an expect or `>` line fails */
  stopOnFailure = true;
  /** set while a motion runs: stop at the next stop */
  pauseRequested = false;
  /** logpoint output */
  onLog: (text: string, stop: S) => void = () => {};

  private readonly byFile = new Map<string, Breakpoint[]>();
  private fnBreakpoints: Breakpoint[] = [];
  private watches: DataWatch[] = [];
  private nextId = 1;
  private readonly scenarioFile: string;

  constructor(readonly run: Debuggee<S>) {
    this.scenarioFile = resolve(run.scenarioFile);
  }

  // ---- breakpoints ----

  /** Replaces the breakpoints of one file (kernel C or the scenario). */
  setBreakpoints(path: string, specs: LineBreakpointSpec[]): BreakpointResult[] {
    const file = resolve(path);
    const out: BreakpointResult[] = [];
    const list: Breakpoint[] = [];
    const scenario = file === this.scenarioFile;
    const kernel = this.run.isKernelFile(file);
    for (const spec of specs) {
      const id = this.nextId++;
      if (!scenario && !kernel) {
        out.push({ id, verified: false, line: spec.line, message: /\.tcpscenario$/.test(file) ? 'not the scenario being debugged' : 'not a file of the kernel source being run' });
        continue;
      }
      const placed = scenario ? this.placeScenarioLine(spec.line) : this.placeKernelLine(file, spec.line);
      if (typeof placed === 'string') {
        out.push({ id, verified: false, line: spec.line, message: placed });
        continue;
      }
      const bp: Breakpoint = { id, kind: scenario ? 'scenario' : 'line', file, line: placed.line, hits: 0, compiled: new Map(), logMessage: spec.logMessage || undefined };
      const messages: string[] = [];
      if (placed.line !== spec.line) messages.push(placed.note);
      this.addConditions(bp, spec, placed.fn, placed.pc, messages);
      list.push(bp);
      out.push({ id, verified: true, file, line: placed.line, message: messages.length ? messages.join('; ') : undefined });
    }
    this.byFile.set(file, list);
    return out;
  }

  /** Takes the condition (compiled now in `fn` at `pc`, unless `fn` is undefined: not known yet) and the hit count. */
  private addConditions(bp: Conditions, spec: { condition?: string; hitCondition?: string }, fn: CFunction | null | undefined, pc: number, messages: string[]): void {
    if (spec.condition?.trim()) {
      bp.condition = spec.condition.trim();
      const c = fn === undefined ? undefined : this.compile(bp, fn, pc);
      if (c instanceof CError) messages.push(`condition '${bp.condition}' is not a C expression the debugger can evaluate here: ${c.detail}`);
    }
    if (spec.hitCondition?.trim()) {
      const h = parseHitCondition(spec.hitCondition);
      if (h) bp.hit = h;
      else messages.push(`hit count '${spec.hitCondition}' not understood (use 5, >= 3, % 2): ignored`);
    }
  }

  /** A C line: itself if it holds a statement, else the next line that does in the same function. */
  private placeKernelLine(file: string, line: number): { line: number; fn: CFunction; pc: number; note: string } | string {
    const fn = this.run.functions.find((f) => f.file === file && f.firstLine <= line && line <= f.lastLine);
    if (!fn) return `line ${line} is outside every function: no statement runs there`;
    let best: { line: number; pc: number } | undefined;
    const lines = new Set(this.run.executableLines(file));
    fn.code.forEach((ins, pc) => {
      if (ins.op === Op.STMT && ins.loc.file === file && lines.has(ins.loc.line) && ins.loc.line >= line && (!best || ins.loc.line < best.line)) best = { line: ins.loc.line, pc };
    });
    if (!best) return `no statement of ${fn.name}() runs on or after line ${line}`;
    return { line: best.line, fn, pc: best.pc, note: `moved from line ${line} (no statement there) to line ${best.line}, the next statement of ${fn.name}()` };
  }

  /** A scenario line: an event's line, else the next event's line. */
  private placeScenarioLine(line: number): { line: number; fn: null; pc: number; note: string } | string {
    const events = this.run.eventLines;
    const e = events.find((x) => x === line) ?? events.find((x) => x > line);
    if (e === undefined) return `no scenario event on or after line ${line}`;
    return { line: e, fn: null, pc: 0, note: `moved from line ${line} (no event there) to line ${e}, the next event` };
  }

  setFunctionBreakpoints(specs: { name: string; condition?: string; hitCondition?: string }[]): BreakpointResult[] {
    const out: BreakpointResult[] = [];
    this.fnBreakpoints = [];
    for (const spec of specs) {
      const id = this.nextId++;
      const c = this.run.cfunction(spec.name.trim());
      if (typeof c === 'string') {
        out.push({ id, verified: false, message: c });
        continue;
      }
      const pc = firstStatement(c);
      const line = c.code[pc].loc.line;
      const bp: Breakpoint = { id, kind: 'function', file: c.file, line, fnName: c.name, hits: 0, compiled: new Map() };
      const messages: string[] = [];
      this.addConditions(bp, spec, c, pc, messages);
      this.fnBreakpoints.push(bp);
      out.push({ id, verified: true, file: c.file, line, message: messages.length ? messages.join('; ') : undefined });
    }
    return out;
  }

  /** Executable lines in [line, endLine] of a file, for the breakpointLocations request. */
  breakpointLocations(path: string, line: number, endLine = line): number[] {
    const file = resolve(path);
    if (file === this.scenarioFile) return this.run.eventLines.filter((l) => l >= line && l <= endLine);
    return (this.run.executableLines(file) ?? []).filter((l) => l >= line && l <= endLine);
  }

  // ---- data breakpoints ----

  /** Data breakpoints by id (the model's dataInfo gave them): each watches one value. */
  setDataBreakpoints(specs: { dataId: string; condition?: string; hitCondition?: string }[]): BreakpointResult[] {
    this.watches = [];
    return specs.map((spec) => {
      const id = this.nextId++;
      const w = this.run.watch(spec.dataId);
      if (typeof w === 'string') return { id, verified: false, message: w };
      const watch: DataWatch = { id, dataId: spec.dataId, label: w.label, read: () => w.read(), show: (v) => w.show(v), hits: 0, compiled: new Map() };
      const messages: string[] = [];
      // the frame a condition is read in is the one that changed the value: compiled when it does
      this.addConditions(watch, spec, undefined, 0, messages);
      this.watches.push(watch);
      return { id, verified: true, message: messages.length ? messages.join('; ') : undefined };
    });
  }

  // ---- moving ----

  /** The stop to report when the session starts: entry, or a breakpoint on the first event. */
  entry(stopOnEntry: boolean): Outcome<S> | undefined {
    const s = this.run.stopInfo(this.run.stopIndex);
    if (stopOnEntry) return stopped(s, 'entry');
    const hit = this.breakpointsAt(s, true);
    return hit ? { kind: 'stopped', report: hit } : undefined;
  }

  /**
   * A motion, run by the caller in chunks (each `next()` of the generator runs up to CHUNK stops;
   * its return value is the outcome). Breakpoints, data breakpoints and exceptions stop every motion.
   */
  *move(kind: MotionKind): Generator<void, Outcome<S>> {
    this.pauseRequested = false;
    const run = this.run;
    const start = run.stopInfo(run.stopIndex);
    const backward = kind === 'stepBack' || kind === 'reverseContinue';
    if (!backward) {
      if (start.kind === 'end') return { kind: 'finished' };
      if (start.kind === 'error') return stopped(start, 'exception', 'the run cannot go forward from a fault: step back, change a value, or restart', start.message);
    } else if (run.stopIndex === 0) {
      return stopped(start, 'step', 'the start of the scenario: nothing before it');
    }
    if (kind === 'reverseContinue' && !this.watches.length && this.scanRecorded) return yield* this.reverseScanning();
    if (kind === 'continue' && !this.watches.length && this.scanRecorded) {
      // through the history recorded ahead; from its end on, stop by stop as the run goes
      const done = yield* this.continueScanning();
      if (done) return done;
    }
    const target = this.targetOf(kind, start);
    let count = 0;
    for (;;) {
      const before = this.watches.map((w) => w.read());
      const s = backward ? run.backward() : run.forward();
      const hit = this.exceptionAt(s) ?? this.watchHit(s, before, backward) ?? this.breakpointsAt(s, !backward);
      if (hit) return { kind: 'stopped', report: hit };
      if (this.pauseRequested) return stopped(s, 'pause');
      if (target(s)) {
        if (kind === 'stepBack') this.toLineStart();
        return stopped(run.stopInfo(run.stopIndex), 'step', describeStep(run.stopInfo(run.stopIndex)));
      }
      if (backward && s.index === 0) return stopped(s, 'step', 'the start of the scenario');
      if (!backward && s.kind === 'end') return stopped(s, 'step', 'end of the scenario');
      if (++count % CHUNK === 0) yield;
    }
  }

  /**
   * false: reverseContinue, and continue through the history recorded ahead, go stop by stop, as
   * with data breakpoints (the tests compare the two ways)
   */
  scanRecorded = true;

  /**
   * reverseContinue without data breakpoints: only a stop on a line with a breakpoint, a function
   * breakpoint's first statement, a scenario event (an event, a failed expectation, a fault) or
   * stop 0 can end it. So the stop records are scanned back for those (History.previousStop moves
   * nothing) and the run goes only to each of them, checked as the walk stop by stop checks it.
   */
  private *reverseScanning(): Generator<void, Outcome<S>> {
    const run = this.run;
    const want = this.breakable();
    let from = run.stopIndex;
    let slice = performance.now();
    for (;;) {
      const floor = Math.max(0, from - SCAN_STOPS);
      const k = run.previousStop(from, floor, want);
      if (k >= 0) {
        const s = run.goto(k);
        const hit = this.exceptionAt(s) ?? this.breakpointsAt(s, false);
        if (hit) return { kind: 'stopped', report: hit };
        from = k;
      } else from = floor;
      if (from === 0) return stopped(this.standAt(0), 'step', 'the start of the scenario');
      if (this.pauseRequested) return stopped(this.standAt(from), 'pause');
      if (performance.now() - slice > SLICE_MS) {
        yield;
        slice = performance.now();
      }
    }
  }

  /**
   * continue through the history recorded ahead (the look-ahead's), without data breakpoints: as
   * reverseScanning, forward, each stop a breakpoint could stop at checked as the walk checks it
   * (hit counts counted, logpoints logged). Returns undefined at the last recorded stop, from
   * which the walk goes on.
   */
  private *continueScanning(): Generator<void, Outcome<S> | undefined> {
    const run = this.run;
    const want = this.breakable();
    let from = run.stopIndex;
    let slice = performance.now();
    while (from < run.stopCount - 1) {
      const ceil = Math.min(run.stopCount, from + 1 + SCAN_STOPS);
      const k = run.nextStop(from, ceil, want);
      if (k >= 0) {
        const s = run.goto(k);
        const hit = this.exceptionAt(s) ?? this.breakpointsAt(s, true);
        if (hit) return { kind: 'stopped', report: hit };
        if (s.kind === 'end') return stopped(s, 'step', 'end of the scenario');
        from = k;
      } else from = ceil - 1;
      if (this.pauseRequested) return stopped(this.standAt(from), 'pause');
      if (performance.now() - slice > SLICE_MS) {
        yield;
        slice = performance.now();
      }
    }
    this.standAt(from);
    return undefined;
  }

  /** Stop `n`, gone to if the run stands elsewhere. */
  private standAt(n: number): S {
    return this.run.stopIndex === n ? this.run.stopInfo(n) : this.run.goto(n);
  }

  /** For one motion: can a breakpoint end it at a stop of this code and pc (mayBreakAt, remembered per code and pc)? */
  private breakable(): (code: number, pc: number) => boolean {
    const may = new Map<number, boolean>();
    return (code, pc) => {
      // not code * 2^16 + pc: an event stop's pc is its scenario line, which can pass 65535
      const key = placeKey(code, pc);
      let w = may.get(key);
      if (w === undefined) may.set(key, (w = this.mayBreakAt(code, pc)));
      return w;
    };
  }

  /**
   * Can a motion that only breakpoints end (continue, reverseContinue) end at a stop of this code and pc? A statement whose line has a
   * breakpoint or that is a function breakpoint's first statement; a scenario event whose line has
   * one; a failed expectation when they stop the run; a fault.
   */
  private mayBreakAt(code: number, pc: number): boolean {
    const at = this.run.placeAt(code, pc);
    switch (at.kind) {
      case 'statement':
        if (this.byFile.get(at.file)?.some((b) => b.line === at.line)) return true;
        return pc === firstStatement(at.fn) && this.fnBreakpoints.some((b) => b.fnName === at.fn.name);
      case 'event':
        return !!this.byFile.get(this.scenarioFile)?.some((b) => b.line === at.line);
      case 'failure':
        return this.stopOnFailure;
      default:
        return true;
    }
  }

  /** The depth (C frames), the top frame and the line of the current stop. */
  private place(s: S): { depth: number; frame?: Frame; line: number } {
    const frames = this.run.frames;
    return { depth: frames.length, frame: frames[frames.length - 1], line: s.kind === 'statement' ? s.loc!.line : -1 };
  }

  /** When a motion that is not stopped by a breakpoint ends. */
  private targetOf(kind: MotionKind, start: S): (s: S) => boolean {
    const p0 = this.place(start);
    const byEvent = this.stepBy === 'event';
    const notStatement = (s: S) => s.kind !== 'statement';
    const frameAt = (depth: number) => this.run.frames[depth - 1];
    switch (kind) {
      case 'continue':
      case 'reverseContinue':
        return () => false;
      case 'stepToNextEvent':
        return (s) => s.kind !== 'statement';
      case 'stepIn':
        if (byEvent) return notStatement;
        return (s) => {
          if (s.kind !== 'statement') return true;
          const p = this.place(s);
          return p.depth !== p0.depth || p.frame !== p0.frame || p.line !== p0.line;
        };
      case 'stepOut':
        if (byEvent) return notStatement;
        // out: the frame has returned (to its caller, or, when the caller is the machine layer's
        // hidden C, to whatever release statement runs next, even a new call at the same depth)
        return (s) => s.kind !== 'statement' || this.place(s).depth < p0.depth || frameAt(p0.depth) !== p0.frame;
      case 'next':
      case 'stepBack': {
        if (byEvent) return notStatement;
        return (s) => {
          if (s.kind !== 'statement') return true;
          const p = this.place(s);
          if (p.depth < p0.depth) return true;
          if (p.depth > p0.depth) return frameAt(p0.depth) !== p0.frame;
          return p.frame !== p0.frame || p.line !== p0.line;
        };
      }
    }
  }

  /** After stepping back onto a line: go to its first statement stop (a line may hold several). */
  private toLineStart(): void {
    const run = this.run;
    const s = run.stopInfo(run.stopIndex);
    if (s.kind !== 'statement' || this.stepBy === 'event') return;
    const p = this.place(s);
    while (run.stopIndex > 0) {
      const prev = run.goto(run.stopIndex - 1);
      const q = this.place(prev);
      if (prev.kind === 'statement' && q.frame === p.frame && q.depth === p.depth && q.line === p.line) continue;
      run.goto(run.stopIndex + 1);
      return;
    }
  }

  private exceptionAt(s: S): StopReport<S> | undefined {
    if (s.kind === 'error') return { stop: s, reason: 'exception', description: `fault: ${s.message}`, text: s.message };
    if (s.kind === 'failure' && this.stopOnFailure) return { stop: s, reason: 'exception', description: `expectation failed: ${s.message}`, text: s.message };
    return undefined;
  }

  /**
   * Data breakpoints fire when a watched value differs between two consecutive stops. Forward, the
   * report is the stop right after the statement that wrote it (where the change is first
   * visible); backward, it is the stop of the statement that wrote it (the value before it ran).
   */
  private watchHit(s: S, before: unknown[], backward: boolean): StopReport<S> | undefined {
    const ids: number[] = [];
    const what: string[] = [];
    const notes: string[] = [];
    this.watches.forEach((w, i) => {
      const now = w.read();
      if (now === before[i]) return;
      // the condition is read at the stop where the change is seen, in its top frame
      if (w.condition) {
        const r = this.test(w);
        if (typeof r === 'string') notes.push(`data breakpoint condition '${w.condition}' could not be evaluated: ${r}`);
        else if (!r) return;
      }
      if (!backward) {
        w.hits++;
        if (w.hit && !hitHolds(w.hit, w.hits)) return;
      }
      ids.push(w.id);
      what.push(backward ? `${w.label}: ${w.show(now)} → ${w.show(before[i])} (written by this statement)` : `${w.label}: ${w.show(before[i])} → ${w.show(now)}`);
    });
    return ids.length ? { stop: s, reason: 'data breakpoint', description: [...what, ...notes].join('; '), hitBreakpointIds: ids } : undefined;
  }

  /** Line, function and scenario breakpoints that hold at stop `s` (logpoints log and do not stop). */
  private breakpointsAt(s: S, forward: boolean): StopReport<S> | undefined {
    const cands: Breakpoint[] = [];
    if (s.kind === 'statement') {
      const list = this.byFile.get(s.loc!.file);
      if (list?.length && this.firstOfLine(s)) for (const b of list) if (b.line === s.loc!.line) cands.push(b);
      if (this.fnBreakpoints.length && this.run.pc === firstStatement(s.fn!)) for (const b of this.fnBreakpoints) if (b.fnName === s.fn!.name) cands.push(b);
    } else if (s.kind === 'event' && s.item?.kind === 'event') {
      const line = s.item.event.line;
      for (const b of this.byFile.get(this.scenarioFile) ?? []) if (b.line === line) cands.push(b);
    }
    if (!cands.length) return undefined;
    const hit: Breakpoint[] = [];
    const notes: string[] = [];
    for (const b of cands) {
      if (b.condition) {
        const r = this.test(b);
        if (typeof r === 'string') {
          hit.push(b);
          notes.push(`breakpoint condition '${b.condition}' could not be evaluated: ${r}`);
          continue;
        }
        if (!r) continue;
      }
      if (forward) {
        b.hits++;
        if (b.hit && !hitHolds(b.hit, b.hits)) continue;
      }
      if (b.logMessage) {
        if (forward) this.onLog(this.interpolate(b.logMessage), s);
        continue;
      }
      hit.push(b);
    }
    if (!hit.length) return undefined;
    const fnHit = hit.find((b) => b.kind === 'function');
    const where = fnHit ? `function breakpoint: ${fnHit.fnName}()` : hit[0].kind === 'scenario' ? `scenario breakpoint, line ${hit[0].line}` : `breakpoint, line ${hit[0].line}`;
    return { stop: s, reason: fnHit && hit.every((b) => b.kind === 'function') ? 'function breakpoint' : 'breakpoint', description: [where, ...notes].join('; '), hitBreakpointIds: hit.map((b) => b.id) };
  }

  /** Is this stop the first of its line (so a breakpoint fires once per visit of the line)? */
  private firstOfLine(s: S): boolean {
    if (s.index === 0) return true;
    const prev = this.run.lineOf(s.index - 1);
    return prev.file !== s.loc!.file || prev.line !== s.loc!.line || prev.fn !== s.fn!.name;
  }

  private compile(b: Conditions, fn: CFunction | null, pc: number): (() => boolean) | CError {
    const key = `${fn?.index ?? -1}:${pc}`;
    let c = b.compiled.get(key);
    if (!c) {
      try {
        c = this.run.condition(b.condition!, fn, pc);
      } catch (e) {
        c = e instanceof CError ? e : new CError({ file: '<expression>', line: 1, column: 1, endLine: 1, endColumn: 1 }, errorText(e));
      }
      b.compiled.set(key, c);
    }
    return c;
  }

  /** The breakpoint's condition in the top frame: true/false, or the error's text. */
  private test(b: Conditions): boolean | string {
    const at = this.run.top();
    const c = this.compile(b, at.fn, at.pc);
    if (c instanceof CError) return c.detail;
    try {
      return c();
    } catch (e) {
      return errorText(e);
    }
  }

  /** A logpoint's message with each `{expr}` replaced by its value in the top frame. */
  interpolate(message: string): string {
    return message.replace(/\{([^{}]+)\}/g, (_, expr: string) => {
      try {
        return this.run.show(expr);
      } catch (e) {
        return `<${expr}: ${errorText(e)}>`;
      }
    });
  }
}

function stopped<S extends StopLike>(stop: S, reason: StopReason, description?: string, text?: string): Outcome<S> {
  return { kind: 'stopped', report: { stop, reason, description, text } };
}

function describeStep(s: StopLike): string | undefined {
  if (s.kind === 'end') return 'end of the scenario';
  if (s.kind === 'failure') return `expectation failed: ${s.message}`;
  return undefined;
}

export function firstStatement(fn: CFunction): number {
  const i = fn.code.findIndex((ins) => ins.op === Op.STMT);
  return i < 0 ? 0 : i;
}

/** `5` (the 5th hit), `== 5`, `>= 3`, `> 3`, `< 3`, `<= 3`, `% 2` (every 2nd hit). */
export function parseHitCondition(text: string): HitTest | undefined {
  const m = /^\s*(==|=|>=|>|<=|<|%)?\s*(\d+)\s*$/.exec(text);
  if (!m) return undefined;
  const op = (m[1] === '=' || !m[1] ? '==' : m[1]) as HitTest['op'];
  const n = Number(m[2]);
  if (op === '%' && n === 0) return undefined;
  return { op, n };
}

function hitHolds(h: HitTest, count: number): boolean {
  switch (h.op) {
    case '==':
      return count === h.n;
    case '>=':
      return count >= h.n;
    case '>':
      return count > h.n;
    case '<':
      return count < h.n;
    case '<=':
      return count <= h.n;
    case '%':
      return count % h.n === 0;
  }
}
