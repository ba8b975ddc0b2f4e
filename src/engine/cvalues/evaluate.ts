// Hovers, watches and the debug console's read-only evaluation: a C expression compiled in the
// scope of a frame (kernel.compileExpression: the frame's visible locals, then the file's names)
// and run with the History sealed, its result turned into the same value tree as the Variables
// view's. A store, an allocation or a call is refused with a message, before anything changes.

import { CError, ReadOnlyRefusal, type CFunction, type Frame } from '../code';
import type { History } from '../history';
import type { Kernel } from '../cmachine/kernel';
import { MAX_NESTING, tooDeep } from '../front/nesting';
import { MemoryFault } from '../memory/memory';
import { RUN, type RunState } from '../cmachine/runstate';
import { INT, type CT } from '../cmachine/types';
import type { Family } from './constants';
import type { CValue, Place, Values } from './values';

/** An expression that cannot be evaluated; the message says why (without a location). */
export class EvaluationError extends Error {
  override name = 'EvaluationError';
}

/**
 * Evaluates `text` at `frame` (its function's scope at instruction `pc`), or at file scope when
 * `frame` is null (`run` then gives the memory the expression reads). `name` is the value's name
 * (the expression by default).
 */
export function evaluate(values: Values, run: RunState, text: string, frame: Frame | null, pc: number, name = text.trim()): CValue {
  const H: History = run.H;
  const fn: CFunction | null = frame?.fn ?? null;
  const fr: Frame = frame ?? ({ fn: null, s: [0, run], hid: -1 } as unknown as Frame);
  if (frame && frame.s[RUN] !== run) throw new EvaluationError('the frame belongs to another run');
  let c: ReturnType<typeof values.kernel.compileExpression>;
  try {
    c = compileReadOnly(values.kernel, text, fn, pc);
  } catch (e) {
    throw new EvaluationError(message(e));
  }
  let place: Place;
  H.seal();
  try {
    if (c.addr && c.t.k !== 'func') {
      const addr = c.addr(fr) >>> 0;
      place = { k: 'memory', addr, t: c.bits ? fieldType(values, text, fn, pc) ?? c.t : c.t, bits: c.bits ? { width: c.bits.w, offset: c.bits.bitOffset, signed: c.bits.signed } : undefined };
    } else {
      const v = c.ev(fr);
      // an aggregate's value is its address
      place = c.t.k === 'record' || c.t.k === 'array' ? { k: 'memory', addr: (v as number) >>> 0, t: c.t } : { k: 'value', v, t: c.t };
    }
  } catch (e) {
    throw new EvaluationError(message(e));
  } finally {
    H.unseal();
  }
  const value = values.make(name, place, text.trim(), memberFamily(values, text, fn, pc));
  // a computed value has no place to set; a place the expression names can be read, not written here
  return value;
}

/** Levels of the syntax tree the function body around an expression adds (translation unit … parenthesized expression). */
const WRAPPER_DEPTH = 6;

/** What the compiler says of a call where no code may run (an expression is compiled as a constant one). */
const CALL_IN_CONSTANT = 'a function call in a constant expression';

/**
 * `text` compiled as an expression the debugger evaluates (a hover, a watch, a breakpoint's
 * condition) in `fn`'s scope at `pc`. A call is refused as it is compiled, named: evaluating cannot
 * run kernel code.
 */
export function compileReadOnly(kernel: Kernel, text: string, fn: CFunction | null, pc: number): ReturnType<Kernel['compileExpression']> {
  // parsed as the compiler parses it (inside a function body: a bare expression is no C file)
  const prefix = 'void __expression__(void) { (';
  const tree = kernel.opts.parse(`${prefix}${text}\n); }`);
  try {
    const deep = tooDeep(tree.rootNode, MAX_NESTING + WRAPPER_DEPTH);
    if (deep) {
      const col = Math.max(1, deep.startIndex - prefix.length + 1);
      throw new CError({ file: '<expression>', line: 1, column: col, endLine: 1, endColumn: col + 1 }, `the expression is nested too deeply: the debugger takes expressions nested up to ${MAX_NESTING} levels`);
    }
  } finally {
    tree.delete();
  }
  try {
    return kernel.compileExpression(text, fn, pc);
  } catch (e) {
    if (!(e instanceof CError) || e.detail !== CALL_IN_CONSTANT) throw e;
    const name = /^\s*([A-Za-z_]\w*)\s*\(/.exec(text.slice(e.loc.column - 1, e.loc.endColumn - 1))?.[1];
    throw new CError(e.loc, `${name ? `calling ${name}()` : 'a function call'} is not allowed here: evaluating an expression cannot run kernel code`);
  }
}

function message(e: unknown): string {
  if (e instanceof ReadOnlyRefusal) return `${e.detail.replace(/ is not allowed in a read-only evaluation.*/, '')} is not allowed here: evaluating an expression cannot change the run`;
  if (e instanceof CError) return e.detail;
  if (e instanceof MemoryFault) return e.message;
  return (e as Error)?.message ?? String(e);
}

/** `owner->field` / `owner.field`: the owner's record and the field's name, when the text is one. */
function member(values: Values, text: string, fn: CFunction | null, pc: number): { tag: string; field: string; t: CT } | undefined {
  const m = /^([\s\S]*?)\s*(->|\.)\s*([A-Za-z_]\w*)\s*$/.exec(text.trim());
  if (!m || !m[1]) return undefined;
  let t: CT;
  try {
    t = values.kernel.compileExpression(m[1], fn, pc).t;
  } catch {
    return undefined;
  }
  const r = m[2] === '->' ? (t.k === 'ptr' ? t.to : t.k === 'array' ? t.of : undefined) : t;
  if (!r || r.k !== 'record') return undefined;
  const f = r.byName.get(m[3]);
  return f ? { tag: r.tag, field: m[3], t: f.type } : undefined;
}

/** The family of constants an expression naming a field (`sk->state`) or a local holds. */
function memberFamily(values: Values, text: string, fn: CFunction | null, pc: number): Family | undefined {
  const t = text.trim();
  if (fn && /^[A-Za-z_]\w*$/.test(t)) return values.constants.localFamily(fn.name, t);
  const m = member(values, text, fn, pc);
  return m ? values.constants.fieldFamily(m.tag, m.field) : undefined;
}

/** A bitfield's declared type (the expression's is int, as it promotes). */
function fieldType(values: Values, text: string, fn: CFunction | null, pc: number): CT | undefined {
  return member(values, text, fn, pc)?.t ?? INT;
}
