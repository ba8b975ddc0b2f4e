// The small pieces statements are made of: values (numbers, names, a|b), name=value assignments and tcpdump-style flags.
import type { Assignment, Flags, Range, Value } from './ast.js';
import { quote, range, tokenRange, type Token } from './lexer.js';

export type Report = (range: Range, message: string) => void;

/** tcpdump flag letters: S SYN, F FIN, R RST, P PSH, '.' ACK. */
export const FLAG_LETTERS = 'SFRP.';
const FLAG_NAMES: Record<string, string> = { S: 'SYN', F: 'FIN', R: 'RST', P: 'PSH', '.': 'ACK' };

export const U32_MAX = 0xffffffff;
export const S32_MIN = -0x80000000;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const DECIMAL = /^-?[0-9]+$/;
const HEX = /^0[xX][0-9a-fA-F]+$/;

export function isName(text: string): boolean {
  return NAME.test(text);
}

export function isFieldName(text: string): boolean {
  return FIELD_NAME.test(text);
}

/**
 * A value at `column` of `line`: a decimal or hex number, a name, or several of them or'ed with `|`.
 * Only the syntax is checked; numbers are not range-checked here (see `check32`).
 */
export function parseValue(text: string, line: number, column: number, report: Report): Value | undefined {
  const parts: Value[] = [];
  let from = 0;
  for (;;) {
    const bar = text.indexOf('|', from);
    const partText = bar < 0 ? text.slice(from) : text.slice(from, bar);
    const start = column + from;
    if (partText === '') {
      const at = bar < 0 ? start - 1 : start; // the offending '|': this one, or the trailing one before the end
      report(
        range(line, at, at + 1),
        `expected a number or name ${bar < 0 ? "after '|'" : "before '|'"} in ${quote(text)}`,
      );
      return undefined;
    }
    const r = range(line, start, start + partText.length);
    if (DECIMAL.test(partText) || HEX.test(partText)) {
      parts.push({ kind: 'number', value: Number(partText), range: r });
    } else if (NAME.test(partText)) {
      parts.push({ kind: 'name', name: partText, range: r });
    } else {
      report(r, `expected a number (decimal or 0x hex) or a name such as TCP_CLOSE, found ${quote(partText)}`);
      return undefined;
    }
    if (bar < 0) break;
    from = bar + 1;
  }
  if (parts.length === 1) return parts[0];
  return { kind: 'or', parts, range: range(line, column, column + text.length) };
}

/** `name=value` in one token (no spaces around `=`); `name` may be dotted (`timer.expires`). */
export function parseAssignment(tok: Token, report: Report): Assignment | undefined {
  const eq = tok.text.indexOf('=');
  if (eq < 0) {
    report(tokenRange(tok), `expected field=value, found ${quote(tok.text)}`);
    return undefined;
  }
  const name = tok.text.slice(0, eq);
  const valueText = tok.text.slice(eq + 1);
  if (name === '') {
    report(tokenRange(tok), `expected a field name before '=' in ${quote(tok.text)}`);
    return undefined;
  }
  const nameRange = range(tok.line, tok.start, tok.start + eq);
  if (!FIELD_NAME.test(name)) {
    report(nameRange, `${quote(name)} is not a field name (letters, digits, '_' and '.' between names)`);
    return undefined;
  }
  if (valueText === '') {
    report(tokenRange(tok), `expected a value after '${name.length > 40 ? name.slice(0, 40) + '…' : name}='`);
    return undefined;
  }
  const value = parseValue(valueText, tok.line, tok.start + eq + 1, report);
  if (!value) return undefined;
  return { name, nameRange, value, range: tokenRange(tok) };
}

/** Every number in `v` must fit a 32-bit kernel field (signed or unsigned). Returns false after reporting. */
export function check32(v: Value, report: Report): boolean {
  if (v.kind === 'or') return v.parts.every((p) => check32(p, report));
  if (v.kind === 'number' && (v.value > U32_MAX || v.value < S32_MIN)) {
    report(v.range, `the number does not fit in 32 bits (${S32_MIN}..${U32_MAX})`);
    return false;
  }
  return true;
}

/** tcpdump-style flags such as `F.`, `S`, `R.`, `FP.` or `.`: each of S F R P '.' at most once. */
export function parseFlags(tok: Token, report: Report): Flags | undefined {
  const text = tok.text;
  if (text.includes('=')) {
    report(tokenRange(tok), `expected flags such as F., S. or R before the fields, found ${quote(text)}`);
    return undefined;
  }
  const seen = new Set<string>();
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const at = range(tok.line, tok.start + i, tok.start + i + 1);
    if (!FLAG_LETTERS.includes(ch)) {
      let hint = '';
      if (ch === 'A' || ch === 'a') hint = " (ACK is written '.')";
      else if (FLAG_LETTERS.includes(ch.toUpperCase())) hint = ` (flags are upper case: ${ch.toUpperCase()})`;
      report(at, `${quote(ch)} is not a flag: flags are S (SYN), F (FIN), R (RST), P (PSH) and '.' (ACK)${hint}`);
      return undefined;
    }
    if (seen.has(ch)) {
      report(at, `flag '${ch}' (${FLAG_NAMES[ch]}) is given twice`);
      return undefined;
    }
    seen.add(ch);
  }
  return {
    syn: seen.has('S'),
    fin: seen.has('F'),
    rst: seen.has('R'),
    psh: seen.has('P'),
    ack: seen.has('.'),
    text,
    range: tokenRange(tok),
  };
}
