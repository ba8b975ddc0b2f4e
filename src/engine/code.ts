// The compiled form of the kernel C: instructions per function, source locations, frames, errors.

import type { CT, FnT } from './cmachine/types';

/** A place in a source file; 1-based line and column, end exclusive. */
export interface Loc {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export function formatLoc(l: Loc): string {
  return `${l.file}:${l.line}:${l.column}`;
}

/**
 * `text` with control and invisible formatting characters escaped (bidirectional overrides such as
 * U+202E, zero-width characters, C0/C1 controls but newline and tab): what a message echoes of
 * what the user wrote shows as written and cannot reorder the rest of the message.
 */
export function printable(text: string): string {
  return text.replace(/[\p{Cf}\p{Zl}\p{Zp}]|(?![\n\t])\p{Cc}/gu, (ch) => {
    const n = ch.codePointAt(0)!;
    return n <= 0xff ? '\\x' + n.toString(16).padStart(2, '0') : `\\u{${n.toString(16)}}`;
  });
}

/** A C source file the interpreter refuses (syntax it cannot run), or a run-time fault. */
export class CError extends Error {
  /** the message without the location (what the user wrote in it escaped, see printable) */
  readonly detail: string;
  constructor(
    readonly loc: Loc,
    detail: string,
  ) {
    const d = printable(detail);
    super(`${printable(formatLoc(loc))}: ${d}`);
    this.detail = d;
  }
}

/** A fault while the C runs (a NULL function pointer, runaway recursion…), at the statement that faulted. */
export class RuntimeFault extends CError {}

/** A C function value (a function pointer's target): a function defined in C or a native. */
export interface FunctionRef {
  kind: 'c' | 'native';
  name: string;
  type: FnT;
}

/** Where a refusal raised below the compiler (the history) is placed until the expression's location is known. */
export const UNPLACED: Loc = { file: '<evaluation>', line: 1, column: 1, endLine: 1, endColumn: 1 };

/**
 * An evaluation in a read-only context (a hover, a watch, a breakpoint condition, a logpoint, the
 * value of a what-if) tried to change the run: a store, a call to a native primitive not declared
 * pure, or a history record. Thrown before the change is made, so the run is exactly as it was.
 */
export class ReadOnlyRefusal extends CError {}

/** All problems found while loading the kernel source. */
export class LoadErrors extends Error {
  constructor(readonly errors: CError[]) {
    super(errors.map((e) => e.message).join('\n'));
  }
}

export const enum Op {
  /** a statement begins: the place where execution stops */
  STMT,
  /** evaluate for side effects */
  EXPR,
  /** call a function (C: push a frame; native: call now) and store the result in `dest` */
  CALL,
  JUMP,
  /** jump when the condition is false */
  JUMPF,
  /** jump when the condition is true */
  JUMPT,
  SWITCH,
  RET,
}

export type Ev = (fr: Frame) => any;

export interface Instr {
  op: Op;
  loc: Loc;
  ev?: Ev;
  target?: number;
  /** CALL: the callee (a FunctionRef) and its arguments, already converted to parameter types */
  callee?: Ev;
  args?: Ev[];
  /** CALL: slot receiving the result (-1: none) */
  dest?: number;
  /** SWITCH: case value to instruction index; `target` is the default */
  cases?: Map<number, number>;
  /** STMT: the kind of statement (for display), and whether it is the implicit return at `}` */
  what?: string;
  /** where a memory fault in `ev` or `callee` is reported (the machine's catch names it; default `loc`) */
  floc?: Loc;
  /** STMT: the values the statement reads (compile-time facts, for "why is this value this value?") */
  reads?: Read[];
  /** STMT: whether it assigns, increments or calls (a store in its step when it does not is the machine layer's or the driver's) */
  writes?: boolean;
  /** CALL: where each argument the C passes is written (the parameters' provenance) */
  argLocs?: Loc[];
}

/**
 * A value a statement reads: a variable, a field, an element or what `*p` points at (a scalar),
 * or the result of a call it makes. Where it is, as the frame of the statement finds it.
 */
export interface Read {
  /** the C that reads it, as written (after the preprocessor) */
  text: string;
  loc: Loc;
  t: CT;
  /** a variable kept in a frame slot */
  slot?: number;
  /** a value in memory: its address in the frame (may read memory; may throw) */
  addr?: (fr: Frame) => number;
  bits?: { w: number; bitOffset: number; signed: boolean };
  /** the value a call of the statement returned (in slot `slot` once the call is done) */
  result?: boolean;
}

/**
 * `i` with every field present, in one order: the machine's loop then reads instructions of one
 * shape (a monomorphic property load) instead of one shape per kind of instruction.
 */
export function uniformInstr(i: Instr): Instr {
  return {
    op: i.op,
    loc: i.loc,
    ev: i.ev,
    target: i.target ?? -1,
    callee: i.callee,
    args: i.args,
    dest: i.dest ?? -1,
    cases: i.cases,
    what: i.what,
    floc: i.floc ?? i.loc,
    reads: i.reads,
    writes: i.writes,
    argLocs: i.argLocs,
  };
}

/** A local variable or parameter, with the instructions where its name is in scope. */
export interface VarInfo {
  name: string;
  type: CT;
  slot: number;
  param: boolean;
  /** instruction range [from, to) in which the name is visible */
  from: number;
  to: number;
  loc: Loc;
}

export interface CFunction extends FunctionRef {
  kind: 'c';
  name: string;
  type: FnT;
  code: Instr[];
  nslots: number;
  vars: VarInfo[];
  loc: Loc;
  /** first and last line of the definition */
  firstLine: number;
  lastLine: number;
  file: string;
  /** index in the kernel's list of functions */
  index: number;
  /** the slot holding the stop count when a frame was made (set by the prologue) */
  bornSlot?: number;
  /** a variadic function's slot for the arguments past its parameters (the machine fills it at a call) */
  varargsSlot?: number;
  /** its statements are run without stopping there (the machine layer's C, under the kernel's) */
  hidden?: boolean;
}

export interface NativeFunction extends FunctionRef {
  kind: 'native';
  impl: (args: any[], loc: Loc) => any;
  /** declared pure: it only reads (a read-only evaluation may call it) */
  pure: boolean;
  /** what an impure native changes, for the refusal's message ("removes a pending timer") */
  effect?: string;
}

/** One activation of a C function. Slot 0 holds the caller's resume point; params follow. */
export interface Frame {
  fn: CFunction;
  s: any[];
  /** the frame's number in the History's registry, once pushed (History.pushFrame); -1 before */
  hid: number;
}
