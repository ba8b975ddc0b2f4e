// What the controller (control.ts) steps through and breaks on: the 1.2.13 release's ReleaseRun
// (releaseDebuggee.ts, for releaseModel.ts).
// The controller only moves between recorded stops, compares C frames by identity, and asks
// for a condition's truth or a watched value at the current stop; the engine answers from its
// own memory.

import type { CFunction, Frame, Loc } from '../engine/code';
import type { History } from '../engine/history';

export type StopKindLike = 'statement' | 'event' | 'failure' | 'error' | 'end';

/** A stop as the controller reads it (the release's ReleaseStop is one). */
export interface StopLike {
  index: number;
  kind: StopKindLike;
  /** the socket whose code runs (the thread) */
  socket: string;
  /** the agenda item being handled: a scenario event (with its line), a timer, a segment's arrival */
  item?: { kind: 'event'; event: { line: number }; socket: string } | { kind: 'timer' | 'delivery'; socket: string };
  fn?: CFunction;
  loc?: Loc;
  message?: string;
}

/** A data breakpoint's watched value: read at every stop, shown when it changes. */
export interface Watch {
  label: string;
  read(): unknown;
  show(v: unknown): string;
}

/** What a data breakpoint may watch (the session finds it in the Variables view). */
export type DataInfo = { dataId: string; description: string } | { reason: string };

/** What a stop is, from its record alone (Debuggee.placeAt): no need to go to it. */
export type StopPlace =
  | { kind: 'statement'; fn: CFunction; file: string; line: number }
  | { kind: 'event' | 'failure' | 'error' | 'end'; line: number }
  | { kind: 'unknown' };

export interface Debuggee<S extends StopLike = StopLike> {
  readonly stopIndex: number;
  stopInfo(n: number): S;
  forward(): S;
  backward(): S;
  goto(n: number): S;
  /** the C frames, outermost first; a frame object is the same one for as long as it lives */
  readonly frames: readonly Frame[];
  /** the top frame's instruction */
  readonly pc: number;
  /** the function, file and line of stop `n` (a scenario line for an event stop) */
  lineOf(n: number): { fn?: string; file?: string; line: number };
  /** the scenario's absolute path and its events' lines, in order */
  readonly scenarioFile: string;
  readonly eventLines: readonly number[];
  /** the kernel C functions one can stop in (the machine layer's are not) */
  readonly functions: readonly CFunction[];
  /** is `file` (absolute) one of the kernel C files being run? */
  isKernelFile(file: string): boolean;
  /** a kernel C function one can break in, or why `name` is none */
  cfunction(name: string): CFunction | string;
  /** the lines of `file` that hold a statement, ascending (undefined: not a kernel file) */
  executableLines(file: string): readonly number[] | undefined;
  /** the top frame's function and instruction (null: no C runs at this stop) */
  top(): { fn: CFunction | null; pc: number };
  /**
   * `text` compiled as a read-only C expression in `fn` at `pc` (null: file scope); its result
   * tests it at the current stop, in the top frame. Throws a CError when it does not compile; the
   * test throws when it cannot be read.
   */
  condition(text: string, fn: CFunction | null, pc: number): () => boolean;
  /** `text`'s value in the top frame, as the Variables view shows it (a logpoint's `{expr}`); throws */
  show(text: string): string;
  /** the watch a data breakpoint id names, or why there is none */
  watch(dataId: string): Watch | string;
  /** the last stop before `from` and at or after `floor` whose code and pc `want` accepts (nothing moved), or -1 (History.previousStop) */
  previousStop(from: number, floor: number, want: (code: number, pc: number) => boolean): number;
  /** the first stop after `from` and before `ceil` whose code and pc `want` accepts (nothing moved), or -1 (History.nextStop) */
  nextStop(from: number, ceil: number, want: (code: number, pc: number) => boolean): number;
  /** the number of stops recorded */
  readonly stopCount: number;
  /** what a stop of this code and pc is (History.stopAt): a C statement, with its function and line, or a scenario stop of a kind, with its line */
  placeAt(code: number, pc: number): StopPlace;
}

/** What the release's run offers the controller as it is: recorded stops, the C machine, each stop's line. */
interface SteppableRun<S> {
  readonly stopIndex: number;
  stopInfo(n: number): S;
  forward(): S;
  backward(): S;
  goto(n: number): S;
  readonly machine: { readonly frames: Frame[]; readonly pc: number };
  lineOf(n: number): { fn?: string; file?: string; line: number };
  readonly H: History;
}

/** The part of a Debuggee that is the run's own: moving between stops, and the C frames. */
export abstract class RunDebuggee<S extends StopLike, R extends SteppableRun<S>> {
  constructor(readonly run: R) {}
  get stopIndex(): number {
    return this.run.stopIndex;
  }
  stopInfo(n: number): S {
    return this.run.stopInfo(n);
  }
  forward(): S {
    return this.run.forward();
  }
  backward(): S {
    return this.run.backward();
  }
  goto(n: number): S {
    return this.run.goto(n);
  }
  get frames(): readonly Frame[] {
    return this.run.machine.frames;
  }
  get pc(): number {
    return this.run.machine.pc;
  }
  lineOf(n: number): { fn?: string; file?: string; line: number } {
    return this.run.lineOf(n);
  }
  previousStop(from: number, floor: number, want: (code: number, pc: number) => boolean): number {
    return this.run.H.previousStop(from, floor, want);
  }
  nextStop(from: number, ceil: number, want: (code: number, pc: number) => boolean): number {
    return this.run.H.nextStop(from, ceil, want);
  }
  get stopCount(): number {
    return this.run.H.stopCount;
  }
}
