// What both halves of the compiler use: the fault type, literals' values.

import type { CNode as TSNode } from '../front/decltree';
import { CError, type Loc } from '../code';
import { MemoryFault } from '../memory/memory';
import { INT, LLONG, LONG, UINT, ULLONG, ULONG, type CT } from './types';

/** A run-time fault in the C (NULL dereference, division by zero, a refusal reached). */
export class CFault extends CError {}

/** A JS error from memory or a native turned into a fault at the C location. */
export function asFault(e: unknown, loc: Loc): unknown {
  if (e instanceof CError) return e;
  if (e instanceof MemoryFault) return new CFault(loc, e.message);
  return e;
}

/** The bytes of a string literal or concatenated string node (escapes decoded). */
export function decodeString(node: TSNode): number[] {
  const parts = node.type === 'concatenated_string' ? node.namedChildren.filter((c): c is TSNode => !!c && c.type === 'string_literal') : [node];
  const out: number[] = [];
  for (const p of parts) {
    const t = p.text;
    const body = t.slice(t.indexOf('"') + 1, t.lastIndexOf('"'));
    for (let i = 0; i < body.length; i++) {
      const c = body[i];
      if (c !== '\\') {
        out.push(body.charCodeAt(i) & 0xff);
        continue;
      }
      const m = /^\\(x[0-9a-fA-F]+|[0-7]{1,3}|[\s\S])/.exec(body.slice(i))!;
      const e = m[1];
      i += m[0].length - 1;
      if (e === '\n') continue; // a line continuation
      if (e[0] === 'x') out.push(parseInt(e.slice(1), 16) & 0xff);
      else if (/^[0-7]/.test(e)) out.push(parseInt(e, 8) & 0xff);
      else out.push(SIMPLE_ESC[e] ?? e.charCodeAt(0));
    }
  }
  return out;
}

const SIMPLE_ESC: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, e: 27, '\\': 92, "'": 39, '"': 34, '?': 63 };

/** An integer literal's value and type (C89 with gcc's long long), or undefined if it is not one. */
export function parseIntLiteral(text: string): { v: number | bigint; t: CT } | undefined {
  const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)([uUlL]*)$/.exec(text);
  if (!m) return undefined;
  const digits = m[1];
  const suf = m[2].toLowerCase();
  const big = digits.length > 1 && digits[0] === '0' && /[xX]/.test(digits[1]) ? BigInt(digits) : digits.length > 1 && digits[0] === '0' ? BigInt('0o' + digits.slice(1)) : BigInt(digits);
  const decimal = !/^0/.test(digits) || digits === '0';
  const u = suf.includes('u');
  const l = (suf.match(/l/g) ?? []).length;
  const cands: CT[] = [];
  if (l < 2) {
    if (l === 0) {
      if (!u) cands.push(INT);
      if (u || !decimal) cands.push(UINT);
    }
    if (!u) cands.push(LONG);
    cands.push(ULONG); // gcc (gnu89): a decimal constant past long is unsigned long
  }
  if (!u) cands.push(LLONG);
  cands.push(ULLONG);
  for (const t of cands) {
    const ti = t as { size: number; signed: boolean };
    const max = ti.signed ? 2n ** BigInt(ti.size * 8 - 1) - 1n : 2n ** BigInt(ti.size * 8) - 1n;
    if (big <= max) return { v: ti.size === 8 ? big : Number(big), t };
  }
  return { v: BigInt.asUintN(64, big), t: ULLONG };
}

