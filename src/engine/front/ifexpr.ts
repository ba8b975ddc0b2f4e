// The value of an `#if` / `#elif` expression, after macro expansion and `defined`: C's integer
// constant expression over the preprocessor's widest types (64-bit `intmax_t` / `uintmax_t` here),
// with C's usual arithmetic conversions between signed and unsigned.

import { escapeValue } from './escape';
import { K, type Tok } from './lex';

interface Val {
  v: bigint;
  unsigned: boolean;
}

const MASK = (1n << 64n) - 1n;
const wrap = (v: bigint, unsigned: boolean): Val => ({ v: unsigned ? v & MASK : BigInt.asIntN(64, v), unsigned });

export class IfError extends Error {
  constructor(
    message: string,
    readonly at: Tok | undefined,
  ) {
    super(message);
  }
}

/** A pp-number or character constant as an integer; undefined when it is not an integer constant. */
export function integerValue(t: Tok): Val | undefined {
  if (t.k === K.Char) {
    const body = t.text.replace(/^L?'/, '').replace(/'$/, '');
    const c = charValue(body);
    return c === undefined ? undefined : { v: BigInt(c), unsigned: false };
  }
  const m = /^(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)([uUlL]*)$/.exec(t.text);
  if (!m || !/^(u?l{0,2}|l{0,2}u?)$/i.test(m[2])) return undefined;
  const digits = m[1];
  const v = /^0[0-7]+$/.test(digits) ? BigInt('0o' + digits.slice(1)) : BigInt(digits);
  const unsigned = /u/i.test(m[2]) || v > (1n << 63n) - 1n;
  return { v: v & MASK, unsigned };
}

function charValue(body: string): number | undefined {
  if (!body.length) return undefined;
  if (body[0] !== '\\') return body.length === 1 ? body.charCodeAt(0) : undefined;
  return escapeValue(body);
}

const BINARY: Record<string, number> = {
  '*': 10, '/': 10, '%': 10,
  '+': 9, '-': 9,
  '<<': 8, '>>': 8,
  '<': 7, '>': 7, '<=': 7, '>=': 7,
  '==': 6, '!=': 6,
  '&': 5, '^': 4, '|': 3, '&&': 2, '||': 1,
};

/**
 * Evaluates the expanded tokens of a conditional. Identifiers left after expansion are 0, as C
 * says. Throws IfError naming the token at fault.
 */
export function evaluateIf(toks: readonly Tok[], first: Tok): boolean {
  let i = 0;
  const peek = (): Tok | undefined => toks[i];
  const fail = (message: string, at: Tok | undefined = toks[i] ?? toks[toks.length - 1] ?? first): never => {
    throw new IfError(message, at);
  };
  const expect = (p: string): void => {
    const t = toks[i];
    if (t?.k !== K.Punct || t.text !== p) fail(t ? `expected '${p}' in #if, found '${t.text}'` : `expected '${p}' at the end of #if`);
    i++;
  };
  let depth = 0;

  const primary = (evaluate: boolean): Val => {
    const t = toks[i];
    if (!t) return toks.length ? fail(`expected a value after '${toks[toks.length - 1].text}' in #if`, toks[toks.length - 1]) : fail('#if with no expression', first);
    if (++depth > 500) fail('#if expression nested too deeply (over 500 levels)', t);
    try {
      if (t.k === K.Punct) {
        if (t.text === '(') {
          i++;
          const v = conditional(evaluate);
          expect(')');
          return v;
        }
        if (t.text === '!' || t.text === '~' || t.text === '-' || t.text === '+') {
          i++;
          const v = primary(evaluate);
          if (t.text === '!') return { v: v.v === 0n ? 1n : 0n, unsigned: false };
          if (t.text === '~') return wrap(~v.v, v.unsigned);
          if (t.text === '-') return wrap(-v.v, v.unsigned);
          return v;
        }
      }
      if (t.k === K.Ident) {
        i++;
        return { v: 0n, unsigned: false };
      }
      if (t.k === K.Number || t.k === K.Char) {
        const v = integerValue(t);
        if (!v) fail(`'${t.text}' is not an integer constant (in #if)`, t);
        i++;
        return v!;
      }
      return fail(t.k === K.String ? `a string literal cannot be used in #if` : `unexpected '${t.text}' in #if`, t);
    } finally {
      depth--;
    }
  };

  const binary = (minPrec: number, evaluate: boolean): Val => {
    let left = primary(evaluate);
    for (;;) {
      const op = peek();
      if (!op || op.k !== K.Punct) return left;
      const prec = BINARY[op.text];
      if (prec === undefined || prec < minPrec) return left;
      i++;
      if (op.text === '&&' || op.text === '||') {
        const shortCircuit = op.text === '&&' ? left.v === 0n : left.v !== 0n;
        const right = binary(prec + 1, evaluate && !shortCircuit);
        const truth = op.text === '&&' ? left.v !== 0n && right.v !== 0n : left.v !== 0n || right.v !== 0n;
        left = { v: truth ? 1n : 0n, unsigned: false };
        continue;
      }
      const right = binary(prec + 1, evaluate);
      left = apply(op, left, right, evaluate);
    }
  };

  const apply = (op: Tok, a: Val, b: Val, evaluate: boolean): Val => {
    const unsigned = a.unsigned || b.unsigned;
    const x = unsigned ? a.v & MASK : BigInt.asIntN(64, a.v);
    const y = unsigned ? b.v & MASK : BigInt.asIntN(64, b.v);
    const bool = (c: boolean): Val => ({ v: c ? 1n : 0n, unsigned: false });
    switch (op.text) {
      case '*': return wrap(x * y, unsigned);
      case '/':
      case '%':
        if (y === 0n) {
          if (!evaluate) return { v: 0n, unsigned };
          fail(`division by zero in #if`, op);
        }
        return wrap(op.text === '/' ? x / y : x % y, unsigned);
      case '+': return wrap(x + y, unsigned);
      case '-': return wrap(x - y, unsigned);
      case '<<':
      case '>>': {
        const l = a.unsigned ? a.v & MASK : BigInt.asIntN(64, a.v);
        const n = b.v & 63n;
        return wrap(op.text === '<<' ? l << n : l >> n, a.unsigned);
      }
      case '<': return bool(x < y);
      case '>': return bool(x > y);
      case '<=': return bool(x <= y);
      case '>=': return bool(x >= y);
      case '==': return bool(x === y);
      case '!=': return bool(x !== y);
      case '&': return wrap(x & y, unsigned);
      case '^': return wrap(x ^ y, unsigned);
      case '|': return wrap(x | y, unsigned);
    }
    return fail(`unexpected '${op.text}' in #if`, op);
  };

  const conditional = (evaluate: boolean): Val => {
    const c = binary(1, evaluate);
    const q = peek();
    if (q?.k !== K.Punct || q.text !== '?') return c;
    i++;
    const yes = conditional(evaluate && c.v !== 0n);
    expect(':');
    const no = conditional(evaluate && c.v === 0n);
    const unsigned = yes.unsigned || no.unsigned;
    return c.v !== 0n ? wrap(yes.v, unsigned) : wrap(no.v, unsigned);
  };

  if (!toks.length) fail('#if with no expression', first);
  const v = conditional(true);
  if (i < toks.length) fail(`unexpected '${toks[i].text}' after the #if expression`, toks[i]);
  return v.v !== 0n;
}
