// Setting a value from what the user typed (the Variables view's Set Value, setVariable): a number
// in C syntax (decimal, hex, octal, negative, with u/l suffixes), a character literal, a kernel
// constant's name (TCP_CLOSE), names or-ed (RCV_SHUTDOWN|SEND_SHUTDOWN), NULL, a function's name
// for a function pointer, `&global` for a pointer. It is written through the run's Memory stores
// (or the History for a local kept in a frame slot), so every change is logged and going back in
// time shows the value as it was.

import type { History } from '../history';
import { sizeOf, typeName, type CT } from '../cmachine/types';
import type { CValue, Values } from './values';

/** What the user wrote cannot be set there; the message names what was wrong. */
export class SetValueError extends Error {
  override name = 'SetValueError';
}

/**
 * Around the stores of a what-if: `branch` before them (forget the future when stopped in the past,
 * so the log is at its live end), `record` after them (a stop at the same place holds the change,
 * so going back to the stop before shows the old value).
 */
export interface WriteHooks {
  branch(): void;
  record(): void;
}

/** The hooks a run without its own uses: truncate the History, then record the current stop again. */
export function historyHooks(H: History): WriteHooks {
  return {
    branch: () => {
      if (H.recording) H.truncate();
    },
    record: () => {
      if (!H.recording || H.stopCount === 0) return;
      const { code, pc } = H.stopAt(H.currentStop);
      H.recordStop(code, pc);
    },
  };
}

/** Why a value of type `t` cannot be set, or undefined when it can. */
function refusal(t: CT): string | undefined {
  switch (t.k) {
    case 'record':
      return `a ${t.union ? 'union' : 'struct'} cannot be set as a whole: set its fields`;
    case 'array':
      return 'an array cannot be set as a whole: set its elements';
    case 'func':
      return 'a function cannot be set';
    case 'void':
      return 'a void value cannot be set';
    case 'float':
      return `a ${t.name} cannot be set here (the kernel computes no floating point)`;
  }
  return undefined;
}

const NUMBER = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)([uU][lL]{0,2}|[lL]{1,2}[uU]?)?$/;
const CHAR_ESC: Record<string, number> = { n: 10, t: 9, r: 13, '0': 0, a: 7, b: 8, f: 12, v: 11, '\\': 92, "'": 39, '"': 34, '?': 63 };

/** One term of the text: a number, a char literal, a constant, NULL, a function or `&global`. */
function term(values: Values, text: string, t: CT): bigint {
  let s = text.trim();
  if (!s) throw new SetValueError('no value given');
  let neg = false;
  if (/^[-+]/.test(s)) {
    neg = s[0] === '-';
    s = s.slice(1).trim();
  }
  const sign = (v: bigint): bigint => (neg ? -v : v);
  const num = NUMBER.exec(s);
  if (num) {
    const d = num[1];
    return sign(BigInt(/^0[0-7]+$/.test(d) ? '0o' + d.slice(1) : d));
  }
  const ch = /^'(?:([^\\'])|\\([ntr0abfv\\'"?])|\\x([0-9a-fA-F]{1,2})|\\([0-7]{1,3}))'$/.exec(s);
  if (ch) {
    const c = ch[1] !== undefined ? ch[1].charCodeAt(0) : ch[2] !== undefined ? CHAR_ESC[ch[2]] : ch[3] !== undefined ? parseInt(ch[3], 16) : parseInt(ch[4], 8);
    if (c > 255) throw new SetValueError(`${s} is not a one-byte character`);
    return sign(BigInt(c));
  }
  if (!neg && s === 'NULL') return 0n;
  if (/^[A-Za-z_]\w*$/.test(s)) {
    const c = values.constants.byName.get(s);
    if (c !== undefined) return sign(BigInt(c));
    if (!neg && t.k === 'ptr' && t.to.k === 'func') {
      // an external function, else the one static function of that name
      const ext = values.kernel.externFns.get(s);
      const fs = ext ? [ext] : values.kernel.allFns.filter((f) => f.name === s && f.static);
      if (fs.length > 1) throw new SetValueError(`'${s}' names ${fs.length} static functions (${fs.map((f) => f.loc.file).join(', ')})`);
      if (fs.length === 1 && fs[0].addr) return BigInt(fs[0].addr);
      throw new SetValueError(`'${s}' is not a function of the kernel`);
    }
  }
  const amp = /^&\s*([A-Za-z_][\w/.:]*)$/.exec(s);
  if (amp && !neg && t.k === 'ptr') {
    try {
      return BigInt(values.kernel.addressOf(amp[1]));
    } catch {
      throw new SetValueError(`'${amp[1]}' is not a global of the kernel`);
    }
  }
  throw new SetValueError(`'${text.trim()}' is not a number or a kernel constant`);
}

/** The value `text` gives for a place of type `t` (a bitfield: `width` bits), range-checked. */
export function parseValue(values: Values, text: string, t: CT, width?: number): number | bigint {
  const why = refusal(t);
  if (why) throw new SetValueError(why);
  const terms = text.split('|');
  let v = 0n;
  for (const x of terms) v |= term(values, x, t);
  const bits = width ?? (t.k === 'ptr' ? 32 : sizeOf(t)! * 8);
  const signed = t.k === 'int' && t.signed;
  // a value in the type's range; an unsigned place also takes a negative one (C converts -1 to
  // all ones), a signed place a bit pattern written in hex (0xffff for a short's -1)
  const lo = -(1n << BigInt(bits - 1));
  const hi = !signed || /0[xX]/.test(text) ? (1n << BigInt(bits)) - 1n : (1n << BigInt(bits - 1)) - 1n;
  if (v < lo || v > hi) {
    const range = signed ? `${lo}..${(1n << BigInt(bits - 1)) - 1n}` : `0..${hi}`;
    throw new SetValueError(`${text.trim()} does not fit in ${typeName(t)}${width !== undefined ? ` : ${width}` : ''} (${range})`);
  }
  if (t.k === 'int' && t.size === 8) return signed ? BigInt.asIntN(64, v) : BigInt.asUintN(64, v);
  const n = Number(signed ? BigInt.asIntN(bits, v) : BigInt.asUintN(bits, v));
  return t.k === 'ptr' ? n >>> 0 : n;
}

/**
 * Sets `v` from `text` and returns it read back. The stores go through the run's Memory (a slot
 * local through the History), between `hooks.branch()` and `hooks.record()`; nothing is changed
 * when the text or the place is refused.
 */
export function setValue(values: Values, v: CValue, text: string, H: History, hooks: WriteHooks = historyHooks(H)): CValue {
  const p = v.place;
  if (p.k === 'value') throw new SetValueError(`'${v.name}' is a computed value, not a place that can be set`);
  const width = p.k === 'memory' ? p.bits?.width : undefined;
  const x = parseValue(values, text, p.t, width);
  if (p.k === 'memory') {
    const size = p.bits ? Math.ceil((p.bits.offset + p.bits.width) / 8) : sizeOf(p.t)!;
    const where = values.check(p.addr, size);
    if (where) throw new SetValueError(`'${v.name}' cannot be set: it is in ${where}`);
  }
  if (H.sealed) throw new SetValueError(`'${v.name}' cannot be set during a read-only evaluation`);
  hooks.branch();
  if (p.k === 'slot') H.set(p.cells, p.index, x);
  else store(values, p.addr, p.t, x, p.bits);
  hooks.record();
  return values.reread(v);
}

/** Stores `x` (already in range) as a value of `t` at `addr`, through the Memory's logged stores. */
function store(values: Values, addr: number, t: CT, x: number | bigint, bits?: { width: number; offset: number }): void {
  const m = values.mem;
  if (bits) {
    const nbytes = Math.ceil((bits.offset + bits.width) / 8);
    let raw = 0;
    for (let i = nbytes - 1; i >= 0; i--) raw = raw * 256 + m.u8(addr + i);
    const div = 2 ** bits.offset;
    const mod = 2 ** bits.width;
    const field = (((Number(x) % mod) + mod) % mod) * div;
    raw = raw - (Math.floor(raw / div) % mod) * div + field;
    for (let i = 0; i < nbytes; i++) {
      m.st8(addr + i, raw % 256);
      raw = Math.floor(raw / 256);
    }
    return;
  }
  if (typeof x === 'bigint') {
    m.st32(addr, Number(BigInt.asIntN(32, x)));
    m.st32(addr + 4, Number(BigInt.asIntN(32, x >> 32n)));
    return;
  }
  const size = t.k === 'ptr' ? 4 : sizeOf(t)!;
  if (size === 1) m.st8(addr, x);
  else if (size === 2) m.st16(addr, x);
  else m.st32(addr, x);
}
