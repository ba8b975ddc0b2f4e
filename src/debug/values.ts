// Showing and computing C values for the debugger: values as text, C expressions evaluated in a
// frame of the run, and what-if assignments written through the run's history.

import { CError, type CFunction, type Frame } from '../engine/code';
import { CStruct, intConverter, isInt, typeName, type CType, type FunctionRef } from '../engine/ctypes';
import type { Run } from '../engine/run';

/** Where an expression is evaluated: a C frame at an instruction, or no frame (globals only). */
export interface Scope {
  fn: CFunction | null;
  pc: number;
  frame: Frame;
}

/** The scope of no C frame: globals and constants only. */
export function globalScope(): Scope {
  return { fn: null, pc: 0, frame: { fn: null as unknown as CFunction, s: [] } };
}

/** The scope of the top C frame at the current stop, or the global scope when no C runs. */
export function topScope(run: Run): Scope {
  const fr = run.machine.top;
  return fr ? { fn: fr.fn, pc: run.machine.pc, frame: fr } : globalScope();
}

export function isFunctionRef(v: unknown): v is FunctionRef {
  return !!v && typeof v === 'object' && !(v instanceof CStruct) && ((v as FunctionRef).kind === 'c' || (v as FunctionRef).kind === 'native') && typeof (v as FunctionRef).name === 'string';
}

/** A value as the Variables view shows it: sockets by name, NULL, functions by name. */
export function formatValue(run: Run, t: CType, v: unknown): string {
  if (v === null || v === undefined) return t.k === 'int' ? '0' : 'NULL';
  if (typeof v === 'number') return t.k === 'ptr' ? `0x${(v >>> 0).toString(16)}` : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (v instanceof CStruct) {
    if (t.k === 'struct') return `struct ${v.type.name} {…}`;
    const owner = run.world.byStruct.get(v);
    return owner ? `(struct sock *) ${owner.name}` : `(struct ${v.type.name} *) #${v.id}`;
  }
  if (isFunctionRef(v)) return `${v.name}()`;
  return String(v);
}

/** C truth: nonzero numbers and non-NULL pointers. */
export function truthy(v: unknown): boolean {
  return v !== 0 && v !== null && v !== undefined && v !== false;
}

/** The message of an error from compiling or evaluating an expression. */
export function errorText(e: unknown): string {
  if (e instanceof CError) return e.detail;
  return (e as Error)?.message ?? String(e);
}

/** Evaluates a C expression (no writes) in a scope; throws with a clear message. */
export function evaluate(run: Run, text: string, at: Scope): { value: unknown; type: CType } {
  const compile = run.prog.compileExpression;
  if (!compile) throw new Error('this kernel build cannot evaluate expressions');
  const c = compile(text, at.fn, at.pc, false);
  return { value: c.ev(at.frame), type: c.t };
}

/** `lhs = rhs` or `lhs op= rhs` at the top level of an expression, split; undefined when none. */
export function splitAssignment(text: string): { lhs: string; rhs: string } | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === '=' && depth === 0) {
      const prev = text[i - 1] ?? '';
      const next = text[i + 1] ?? '';
      if (next === '=' || prev === '=' || prev === '!') continue;
      if ((prev === '<' || prev === '>') && text[i - 2] !== prev) continue; // <= >=
      let op = '';
      let end = i;
      if ('+-*/%&|^'.includes(prev) && prev) {
        op = prev;
        end = i - 1;
      } else if ((prev === '<' || prev === '>') && text[i - 2] === prev) {
        op = prev + prev;
        end = i - 2;
      }
      const lhs = text.slice(0, end).trim();
      const rhs = text.slice(i + 1).trim();
      if (!lhs || !rhs) return undefined;
      return { lhs, rhs: op ? `(${lhs}) ${op} (${rhs})` : rhs };
    }
  }
  return undefined;
}

/** An integer place a what-if may write: the cells, the index and its C type. */
export interface IntPlace {
  cells: any[];
  index: number;
  type: CType;
  bits?: number;
}

/**
 * Writes `valueText` (a C expression: `TCP_CLOSE`, `5001`, `sk->rto * 2`) into an integer place,
 * converted to the place's type, as a what-if through `run.write`. Returns the value written.
 */
export function writeInt(run: Run, place: IntPlace, valueText: string, at: Scope): number {
  if (!isInt(place.type)) throw new Error(`only integers can be changed here (this is ${typeName(place.type)})`);
  const { value } = evaluate(run, valueText, at);
  if (typeof value !== 'number') throw new Error(`'${valueText}' is not an integer`);
  const v = intConverter(place.type, place.bits ?? place.type.bits)(value);
  run.write(place.cells, place.index, v);
  return v;
}

/** Assigns in the REPL: `sk->rto = 600` evaluated in a scope, written through the history. */
export function assign(run: Run, text: string, at: Scope): { value: number; type: CType } | undefined {
  const parts = splitAssignment(text);
  if (!parts) return undefined;
  const compile = run.prog.compileExpression;
  if (!compile) throw new Error('this kernel build cannot evaluate expressions');
  const target = compile(parts.lhs, at.fn, at.pc, false);
  if (!target.lvalue) throw new Error(`'${parts.lhs}' is not something that can be assigned`);
  const cells = target.lvalue.cells(at.frame);
  const index = target.lvalue.index;
  // a bitfield's width, when the place is a struct field
  let bits: number | undefined;
  const owner = findStructOwning(run, cells);
  if (owner) bits = owner.type.fields.find((f) => f.index === index)?.bits;
  const v = writeInt(run, { cells, index, type: target.t, bits }, parts.rhs, at);
  return { value: v, type: target.t };
}

function findStructOwning(run: Run, cells: any[]): CStruct | undefined {
  for (const info of run.world.sockets.values()) if (info.sk.f === cells) return info.sk;
  return undefined;
}
