// Splits scenario text into lines and each line into whitespace-separated tokens with 1-based ranges (comments dropped).
import type { Range } from './ast.js';

/** One token of a line: `start` and `end` are 1-based columns, `end` exclusive (UTF-16 units, as an editor counts). */
export interface Token {
  text: string;
  line: number;
  start: number;
  end: number;
}

/**
 * The longest line the lexer considers, in UTF-16 units (README): a scenario line is a time, a
 * socket and a few fields. The parser reports a longer line as one error without lexing it, so a
 * 10 MB line costs one diagnostic, not millions of tokens.
 */
export const MAX_LINE_LENGTH = 16384;

/** Splits on LF, CRLF or a lone CR; a leading byte-order mark is dropped. */
export function splitLines(text: string): string[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return text.split(/\r\n|\r|\n/);
}

function isSpace(code: number): boolean {
  return (
    code === 0x20 || code === 0x09 || code === 0x0b || code === 0x0c || code === 0x0d || code === 0xa0 || code === 0xfeff
  );
}

/**
 * The tokens of one line. Whitespace (spaces, tabs) separates tokens, `#` starts a comment anywhere on the line,
 * and `<` and `>` are always tokens of their own (so `server <F.` reads like `server < F.`).
 */
export function lexLine(text: string, line: number): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const n = Math.min(text.length, MAX_LINE_LENGTH);
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x23 /* # */) break;
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === 0x3c /* < */ || c === 0x3e /* > */) {
      tokens.push({ text: text[i], line, start: i + 1, end: i + 2 });
      i++;
      continue;
    }
    const from = i;
    while (i < n) {
      const d = text.charCodeAt(i);
      if (d === 0x23 || d === 0x3c || d === 0x3e || isSpace(d)) break;
      i++;
    }
    tokens.push({ text: text.slice(from, i), line, start: from + 1, end: i + 1 });
  }
  return tokens;
}

export function range(line: number, start: number, end: number): Range {
  return { start: { line, column: start }, end: { line, column: end } };
}

export function tokenRange(t: Token): Range {
  return range(t.line, t.start, t.end);
}

/** From the start of `a` to the end of `b` (both on the same line). */
export function spanRange(a: Token, b: Token): Range {
  return range(a.line, a.start, b.end);
}

/** A name for a message, shortened when long (names are already checked to be plain identifiers). */
export function short(text: string, max = 40): string {
  return text.length > max ? text.slice(0, max) + '…' : text;
}

/**
 * A token's text for a message: quoted, shortened when long, and with control and invisible
 * formatting characters escaped (C0/C1 controls as \\xNN; bidirectional overrides such as U+202E,
 * zero-width and other format characters, line and paragraph separators as \\u{NNNN}), so a
 * message shows exactly what was written and cannot be reordered by it.
 */
export function quote(text: string, max = 40): string {
  let s = text.length > max ? text.slice(0, max) + '…' : text;
  s = s.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (ch) => {
    const n = ch.codePointAt(0)!;
    return n <= 0xff ? '\\x' + n.toString(16).padStart(2, '0') : `\\u{${n.toString(16)}}`;
  });
  return `'${s}'`;
}
