// The C preprocessor's lexer: one source file's text into preprocessing tokens (identifiers,
// pp-numbers, character and string literals, punctuators), each with its file, line and column in
// the file as written (backslash-newline splices and comments removed, positions kept), a line at a
// time so that the directive processor can switch modes between lines.

/** Token kinds of the preprocessing grammar (C89 6.1, plus what gcc 2.x accepted). */
export const enum K {
  Ident,
  Number,
  Char,
  String,
  Punct,
  /** a character that is no token of C (`@`, `` ` ``, a stray `\`) */
  Other,
  /** end of a source line: ends a directive */
  Newline,
  End,
}

export interface Tok {
  k: K;
  text: string;
  /** index into the preprocessor's file table */
  file: number;
  /** 1-based position where the token starts in that file */
  line: number;
  col: number;
  /** whitespace (or a comment) before it on the same line */
  space: boolean;
  /** the first token of its source line */
  bol: boolean;
  /** macros that must not expand this token again (Prosser's hide set) */
  hide?: ReadonlySet<string>;
  /** where the outermost macro invocation that produced this token was written */
  from?: Site;
  /** an identifier that rescanning must never expand (it named a macro inside that macro's own expansion) */
  blue?: boolean;
  /** a malformed token (unterminated literal): reported if it reaches the output */
  bad?: string;
}

export interface Site {
  file: number;
  line: number;
  col: number;
}

/** How a line is lexed: ordinary text, a directive's line, or a line of a group being skipped. */
export const enum Mode {
  Text,
  Directive,
  Skip,
}

const PUNCT3 = new Set(['...', '<<=', '>>=']);
const PUNCT2 = new Set(['->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '*=', '/=', '%=', '+=', '-=', '&=', '^=', '|=', '##']);
const PUNCT1 = '[](){}.&*+-~!/%<>^|?:;=,#';

function isIdStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36;
}
function isIdChar(c: number): boolean {
  return isIdStart(c) || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export interface LexProblem {
  line: number;
  col: number;
  message: string;
}

/**
 * Lexes one file. Splices (backslash-newline) are removed first; `phys` maps a position of the
 * spliced text back to the file's own line and column.
 */
export class Lexer {
  private readonly s: string;
  private i = 0;
  /** spliced-text offsets where a splice was removed, ascending */
  private readonly splices: number[] = [];
  private nextSplice = 0;
  private line = 1;
  private lineStart = 0;
  private atBol = true;
  readonly problems: LexProblem[] = [];

  constructor(
    text: string,
    readonly file: number,
  ) {
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.includes('\\')) {
      let out = '';
      let last = 0;
      const re = /\\\r?\n/g;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        out += text.slice(last, m.index);
        this.splices.push(out.length);
        last = m.index + m[0].length;
      }
      text = last ? out + text.slice(last) : text;
    }
    this.s = text;
  }

  private col(at: number): number {
    return at - this.lineStart + 1;
  }

  /** advances the line count over splices that lie before `at` */
  private passSplices(at: number): void {
    while (this.nextSplice < this.splices.length && this.splices[this.nextSplice] <= at) {
      this.line++;
      this.lineStart = this.splices[this.nextSplice++];
    }
  }

  private newline(at: number): void {
    this.line++;
    this.lineStart = at + 1;
  }

  /** skips spaces and comments; a comment is a space. Stops before a newline. */
  private skipSpace(mode: Mode): boolean {
    const s = this.s;
    let space = false;
    for (;;) {
      const c = s.charCodeAt(this.i);
      if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) {
        this.i++;
        space = true;
      } else if (c === 47 && s.charCodeAt(this.i + 1) === 42) {
        const start = this.i;
        this.passSplices(start);
        const line = this.line;
        const col = this.col(start);
        const end = s.indexOf('*/', this.i + 2);
        const stop = end < 0 ? s.length : end + 2;
        for (let j = s.indexOf('\n', this.i); j >= 0 && j < stop; j = s.indexOf('\n', j + 1)) {
          this.passSplices(j);
          this.newline(j);
        }
        this.passSplices(stop);
        if (end < 0) this.problems.push({ line, col, message: 'unterminated comment' });
        this.i = stop;
        space = true;
      } else if (c === 47 && s.charCodeAt(this.i + 1) === 47 && mode !== Mode.Skip) {
        const nl = s.indexOf('\n', this.i);
        this.i = nl < 0 ? s.length : nl;
        space = true;
      } else if (c === 47 && s.charCodeAt(this.i + 1) === 47) {
        // `//` in a skipped group: the rest of the line is nothing (a quote there is not a literal)
        const nl = s.indexOf('\n', this.i);
        this.i = nl < 0 ? s.length : nl;
        space = true;
      } else return space;
    }
  }

  /** the next token of the file; Newline at each line end, End once at the end */
  next(mode: Mode): Tok {
    const space = this.skipSpace(mode);
    const s = this.s;
    const start = this.i;
    this.passSplices(start);
    const bol = this.atBol;
    const tok = (k: K, text: string, bad?: string): Tok => {
      this.atBol = false;
      const t: Tok = { k, text, file: this.file, line, col, space, bol };
      if (bad) t.bad = bad;
      return t;
    };
    const line = this.line;
    const col = this.col(start);
    if (start >= s.length) {
      return { k: K.End, text: '', file: this.file, line, col, space, bol: true };
    }
    const c = s.charCodeAt(start);
    if (c === 10) {
      this.i++;
      this.newline(start);
      this.atBol = true;
      return { k: K.Newline, text: '\n', file: this.file, line, col, space, bol };
    }
    if (isIdStart(c)) {
      let j = start + 1;
      while (j < s.length && isIdChar(s.charCodeAt(j))) j++;
      // L'x' and L"x": a wide literal
      if (j === start + 1 && c === 76 && (s.charCodeAt(j) === 39 || s.charCodeAt(j) === 34)) return this.literal(start, j, mode, tok);
      this.i = j;
      return tok(K.Ident, s.slice(start, j));
    }
    if (isDigit(c) || (c === 46 && isDigit(s.charCodeAt(start + 1)))) {
      let j = start + 1;
      for (;;) {
        const d = s.charCodeAt(j);
        if ((d === 43 || d === 45) && /[eEpP]/.test(s[j - 1])) j++;
        else if (isIdChar(d) || d === 46) j++;
        else break;
      }
      this.i = j;
      return tok(K.Number, s.slice(start, j));
    }
    if (c === 39 || c === 34) return this.literal(start, start, mode, tok);
    const three = s.substr(start, 3);
    if (PUNCT3.has(three)) {
      this.i += 3;
      return tok(K.Punct, three);
    }
    const two = s.substr(start, 2);
    if (PUNCT2.has(two)) {
      this.i += 2;
      return tok(K.Punct, two);
    }
    this.i++;
    const ch = s[start];
    return tok(PUNCT1.includes(ch) ? K.Punct : K.Other, ch);
  }

  /**
   * A character constant or string literal starting at `start` (its quote at `q`). In text, a
   * string may run over raw newlines, as gcc 2.x allowed (1.2.13's tcp.c has 54 such strings, all in
   * `__asm__`); in a directive or a skipped line a literal ends at the line's end.
   */
  private literal(start: number, q: number, mode: Mode, tok: (k: K, text: string, bad?: string) => Tok): Tok {
    const s = this.s;
    const quote = s.charCodeAt(q);
    const kind = quote === 39 ? K.Char : K.String;
    const multiline = kind === K.String && mode === Mode.Text;
    let j = q + 1;
    let raw = false;
    for (;;) {
      if (j >= s.length) break;
      const d = s.charCodeAt(j);
      if (d === quote) {
        j++;
        const text = s.slice(start, j);
        const t = tok(kind, raw ? text.replace(/\n/g, '\\n') : text);
        this.i = j;
        return t;
      }
      if (d === 92 && j + 1 < s.length && s.charCodeAt(j + 1) !== 10) j += 2;
      else if (d === 10) {
        if (!multiline) break;
        this.passSplices(j);
        this.newline(j);
        raw = true;
        j++;
      } else j++;
    }
    // unterminated: the rest of the line, reported only if it reaches the output
    const end = Math.min(j, s.indexOf('\n', q) < 0 ? s.length : s.indexOf('\n', q));
    this.i = end;
    return tok(kind, s.slice(start, end), kind === K.Char ? 'missing terminating \' character' : 'missing terminating " character');
  }

  /** the rest of the current line as raw text (for #error), without consuming the newline */
  restOfLine(): string {
    const nl = this.s.indexOf('\n', this.i);
    const end = nl < 0 ? this.s.length : nl;
    const text = this.s.slice(this.i, end);
    this.i = end;
    return text.trim();
  }
}
