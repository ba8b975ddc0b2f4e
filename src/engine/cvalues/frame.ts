// The parameters and locals of a frame of the C machine at a stop, by their C names and types.
// The compiler (cmachine/body.ts) keeps a scalar whose address is never taken in a frame slot, and
// an aggregate, or a variable whose address is taken, in the frame's memory at an offset from the
// frame's base (held in the function's `baseSlot`); each variable is visible over the
// instructions [from, to) of its block.

import type { CFunction, Frame, VarInfo } from '../code';
import type { CT } from '../cmachine/types';
import type { CValue, Place, Values } from './values';

/** What the compiler records of a variable of the byte-memory machine. */
type CVar = VarInfo & { home?: 'slot' | 'memory'; offset?: number };

export interface FrameVariables {
  /** the parameters, in order */
  args: CValue[];
  /** the locals in scope at the stop, in declaration order (an inner one hides an outer of its name) */
  locals: CValue[];
}

/** The place of a variable of `fr`. */
export function variablePlace(fr: Frame, v: CVar): Place {
  const t = v.type as unknown as CT;
  if (v.home === 'memory') {
    const base = (fr.fn as CFunction & { baseSlot?: number }).baseSlot;
    if (base === undefined) throw new Error(`internal: ${fr.fn.name}() keeps '${v.name}' in frame memory but has no base slot`);
    return { k: 'memory', addr: ((fr.s[base] as number) + (v.offset ?? 0)) >>> 0, t };
  }
  return { k: 'slot', cells: fr.s, index: v.slot, t };
}

/** The variables of `fr` visible at instruction `pc` (the frame's own position: the machine's pc for the top frame, `fr.s[0]` for a caller). */
export function visibleVariables(fr: Frame, pc: number): CVar[] {
  const byName = new Map<string, CVar>();
  for (const v of fr.fn.vars as CVar[]) {
    if (!v.name || v.name.startsWith('<')) continue;
    if (!v.param && (pc < v.from || pc >= v.to)) continue;
    // vars are in declaration order: a later visible one of the same name is the inner one
    byName.delete(v.name);
    byName.set(v.name, v);
  }
  return [...byName.values()];
}

/** The parameters and locals of `fr` at `pc` as values (their evaluate names are their C names). */
export function frameVariables(values: Values, fr: Frame, pc: number): FrameVariables {
  const args: CValue[] = [];
  const locals: CValue[] = [];
  for (const v of visibleVariables(fr, pc)) {
    const value = values.make(v.name, variablePlace(fr, v), v.name, values.constants.localFamily(fr.fn.name, v.name));
    (v.param ? args : locals).push(value);
  }
  return { args, locals };
}
