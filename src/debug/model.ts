// What the DAP session (session.ts) asks of the engine it runs, beyond moving: the call stack's C
// frames, the Variables view's scopes and children, evaluate and setVariable, data breakpoints,
// exceptions and the panel's stop event. The session keeps the protocol (ids, paths, lines,
// events); a model keeps the engine's values: releaseModel.ts, the unmodified 1.2.13 release.

import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Frame, Loc } from '../engine/code';
import type { StopEventBody, StopSnapshot } from '../common/protocol';
import type { DataInfo, Debuggee, StopLike } from './debuggee';
import type { Refs } from './refs';
import type { LookaheadBudget, LookaheadState } from '../engine/lookahead';
import type { WhyLink } from '../engine/release/why';

/** One value of a field over the run: from stop `stop` on, as shown, and the statement that wrote it. */
export interface FieldValue {
  stop: number;
  value: string;
  writer?: { stop: number; fn: string; file: string; line: number };
}

/** A C activation of the current stop, as the Call Stack shows it. */
export interface CFrameView {
  frame: Frame;
  /** its instruction: the machine's pc for the top frame, the call's for a caller */
  pc: number;
  name: string;
  loc: Loc;
}

/** A handle the Variables view expands (each model has its own kinds). */
export type Container = unknown;

/** What evaluate answers. */
export interface Evaluated {
  result: string;
  type?: string;
  variablesReference: number;
  /** a what-if assignment changed the run: the views are refreshed */
  changed?: boolean;
}

/** evaluate's and setVariable's value format (DAP's ValueFormat). */
export interface Format {
  hex?: boolean;
}

export interface SessionModel {
  readonly debuggee: Debuggee;
  /** the sockets, as threads, in the scenario's order */
  readonly socketOrder: readonly string[];
  /** the kernel C files run, by absolute path, with their text (a copy opened elsewhere is found by its text) */
  readonly kernelFiles: ReadonlyMap<string, string>;
  readonly stopCount: number;
  /** the C frames of the current stop, top first (the machine layer's left out) */
  cFrames(): CFrameView[];
  /** where the fault of an error stop is */
  errorLoc(s: StopLike): Loc | undefined;
  /** what the stop's agenda item is (`scenario: server close`, `timer: …`), the bottom frame's name */
  itemName(s: StopLike): string;
  /** the scenario line that declares a socket */
  socketLine(socket: string): number;
  /** the scenario's last event's line */
  readonly lastLine: number;
  /** where the run first leaves the scenario as written (its `fate` lines), moved there; undefined without one (ReleaseRun.divergence) */
  divergence(): { stop: number; line: number; what: 'fate' | 'close' } | undefined;
  /** the Variables view's scopes for a frame (null: the agenda item's or an idle socket's) */
  scopes(at: CFrameView | null, socket: string, vars: Refs<Container>): DebugProtocol.Scope[];
  variables(c: Container, vars: Refs<Container>, args: DebugProtocol.VariablesArguments): DebugProtocol.Variable[];
  /** every value an integer took over the recorded run (the first: the value at stop 0), with the stop showing it and its writer: a socket's field, or a Variables entry (`name` in `container`) kept in memory */
  fieldHistory(at: { socket: string; field: string } | { container: Container; name: string }): FieldValue[];
  /** why a socket's field or a Variables entry holds its value: the chain of its writers, each with what it read, back to the scenario (src/engine/release/why.ts) */
  why(at: { socket: string; field: string } | { container: Container; name: string }): WhyLink;
  /** where the value a Variables entry shows was written (its `valueLocationReference`): the statement's file and line, and the stop */
  writerLocation(c: Container): { file: string; line: number; stop: number } | string;
  /** a what-if write of `value` to `name` in `c`; returns the value as now shown */
  setVariable(c: Container, name: string, value: string, format: Format): string;
  /** a read-only C expression at a frame (null: file scope), or, in the REPL, an assignment */
  evaluate(text: string, at: CFrameView | null, repl: boolean, vars: Refs<Container>, format: Format): Evaluated;
  /** the data breakpoint on `name` in `c` */
  dataInfo(c: Container | undefined, name: string): DataInfo;
  /** the panel's stop event body at the current stop */
  stopEvent(): StopEventBody;
  /** records stops until stop `n` exists (walkthroughs), keeping the current one */
  ensureStops(n: number): void;
  /** one slice of recording the run ahead of the current stop, which is kept (src/engine/lookahead.ts) */
  lookAhead(budget: LookaheadBudget): LookaheadState;
  /** makes the history's summaries (History.summarize) until performance.now() passes `until`; true when all are made */
  summarize(until: number): boolean;
  /** what is still to come from the current stop (segments, timers), once the run's end is recorded */
  laterNow(): Pick<StopSnapshot, 'later' | 'laterTimers'> | undefined;
  dispose(): void;
}
