// The tokens of a packetdrill script (.pkt): numbers, words, punctuation, strings, backtick shell
// commands and %{ }% Python blocks, each with its 1-based line and column. Comments (`//` to the end
// of the line, `/* */`) are dropped. A newline ends a statement only outside brackets, so a system
// call's arguments may span lines as packetdrill allows.

import type { Diagnostic, Position, Range } from '../ast';

export type TokKind = 'num' | 'word' | 'punct' | 'string' | 'shell' | 'python' | 'newline' | 'ellipsis';

export interface Tok {
  kind: TokKind;
  text: string;
  range: Range;
  /** whitespace (or a comment) came right before it */
  spaced: boolean;
}

/** The most a script may hold: packetdrill's own scripts are a few KiB. */
export const MAX_PKT_BYTES = 1 << 20;
export const MAX_PKT_TOKENS = 200_000;

const PUNCT = '<>()[]{},=:+-~*|.!&/;"';
const TIME = String.raw`\+?(?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)`;
const STATEMENT_START = new RegExp(String.raw`^[ \t]*(?:\*|${TIME}(?:~${TIME}|\.\.\.${TIME})?)[ \t]+(?:[<>]|[A-Za-z_]\w*\(|\x60|%\{)`);

/** Splits `text` into tokens; problems (an unterminated string, block or comment, a stray character) go to `diags`. */
export function lexPkt(text: string, file: string, diags: Diagnostic[]): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  let line = 1;
  let col = 1;
  let depth = 0;
  let spaced = true;
  const pos = (): Position => ({ line, column: col });
  const advance = (n: number) => {
    for (let k = 0; k < n; k++, i++) {
      if (text[i] === '\n') {
        line++;
        col = 1;
      } else col++;
    }
  };
  const push = (kind: TokKind, start: Position, from: number) => {
    toks.push({ kind, text: text.slice(from, i), range: { start, end: pos() }, spaced });
    spaced = false;
  };
  const error = (start: Position, message: string) => {
    diags.push({ file, range: { start, end: pos() }, severity: 'error', message });
  };
  while (i < text.length) {
    if (toks.length >= MAX_PKT_TOKENS) {
      error(pos(), `the script has more than ${MAX_PKT_TOKENS} tokens: it is not read further`);
      break;
    }
    const c = text[i];
    const start = pos();
    const from = i;
    if (c === '\n') {
      advance(1);
      // inside brackets a newline continues the statement, unless the next line starts one (a
      // time, then a call, a segment, a shell command or a Python block): an unclosed '(' does
      // not swallow the rest of the script
      if (depth > 0 && STATEMENT_START.test(text.slice(i, i + 200))) depth = 0;
      if (depth === 0) push('newline', start, from);
      spaced = true;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      advance(1);
      spaced = true;
    } else if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      advance((end < 0 ? text.length : end) - i);
      spaced = true;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) {
        advance(text.length - i);
        error(start, "a comment opened with '/*' is never closed with '*/'");
      } else advance(end + 2 - i);
      spaced = true;
    } else if (text.startsWith('%{', i) || c === '`') {
      // a Python block or a shell command: one token to its closing mark (an unclosed one ends the script)
      const [open, close, kind, what] = c === '`' ? ['`', '`', 'shell' as const, 'a shell command opened with ` is never closed'] : ['%{', '}%', 'python' as const, "a Python block opened with '%{' is never closed with '}%'"];
      const end = text.indexOf(close, i + open.length);
      if (end < 0) {
        advance(text.length - i);
        error(start, what);
        break;
      }
      advance(end + close.length - i);
      push(kind, start, from);
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"' && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      if (text[j] !== '"') {
        advance(j - i);
        error(start, 'a string is not closed on its line');
        continue;
      }
      advance(j + 1 - i);
      push('string', start, from);
    } else if (text.startsWith('...', i)) {
      advance(3);
      push('ellipsis', start, from);
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const m = /^(0[xX][0-9a-fA-F]+|[0-9]+(\.[0-9]+)?|\.[0-9]+)/.exec(text.slice(i, i + 64))!;
      advance(m[0].length);
      push('num', start, from);
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i, i + 256))!;
      advance(m[0].length);
      push('word', start, from);
    } else if (PUNCT.includes(c)) {
      if ('([{'.includes(c)) depth++;
      else if (')]}'.includes(c)) depth = Math.max(0, depth - 1);
      advance(1);
      push('punct', start, from);
    } else {
      advance(1);
      error(start, `unexpected character ${JSON.stringify(c)}`);
    }
  }
  toks.push({ kind: 'newline', text: '', range: { start: pos(), end: pos() }, spaced: true });
  return toks;
}
