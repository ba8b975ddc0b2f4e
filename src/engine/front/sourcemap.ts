// From a position of the preprocessed text back to where it was written: for each output token its
// file, line and column, and for a token produced by a macro the place of the outermost invocation
// (the line the reader sees, where a stop or a breakpoint belongs).

import type { Tok } from './lex';

export interface Origin {
  /** the file the token was written in (a macro body's tokens: the file of the #define) */
  file: string;
  line: number;
  col: number;
  /** for a token produced by a macro: where the outermost invocation is written */
  site?: { file: string; line: number; col: number };
}

/** fields of one token's entry, in a flat Int32Array of entries */
const START = 0;
const LEN = 1;
const FILE = 2;
const LINE = 3;
const COL = 4;
const S_FILE = 5;
const S_LINE = 6;
const S_COL = 7;
const STRIDE = 8;

export class SourceMap {
  files: string[] = [];
  private n = 0;
  private e = new Int32Array(4096 * STRIDE);

  get size(): number {
    return this.n;
  }

  add(offset: number, length: number, t: Tok): void {
    let e = this.e;
    const at = this.n * STRIDE;
    if (at === e.length) {
      const b = new Int32Array(e.length * 2);
      b.set(e);
      this.e = e = b;
    }
    this.n++;
    e[at + START] = offset;
    e[at + LEN] = length;
    e[at + FILE] = t.file;
    e[at + LINE] = t.line;
    e[at + COL] = t.col;
    const from = t.from;
    if (from) {
      e[at + S_FILE] = from.file;
      e[at + S_LINE] = from.line;
      e[at + S_COL] = from.col;
    } else e[at + S_FILE] = -1;
  }

  /** the entries as a flat array (a copy; `SourceMap.fromEntries` makes the map again) */
  entries(): Int32Array {
    return this.e.slice(0, this.n * STRIDE);
  }

  /** A map from a file table and `entries()`'s array (for a cache). */
  static fromEntries(files: string[], entries: Int32Array<ArrayBuffer>): SourceMap {
    if (entries.length % STRIDE) throw new Error(`source map: ${entries.length} values is not a whole number of entries`);
    const m = new SourceMap();
    m.files = files;
    m.e = entries.length ? entries : new Int32Array(STRIDE);
    m.n = entries.length / STRIDE;
    return m;
  }

  /** the index of the token at or before `offset` of the output, or -1 */
  private tokenAt(offset: number): number {
    const e = this.e;
    let lo = 0;
    let hi = this.n - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (e[mid * STRIDE + START] <= offset) {
        best = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return best;
  }

  /** where the output text at `offset` (a UTF-16 index of the preprocessed text) was written */
  origin(offset: number): Origin | undefined {
    const i = this.tokenAt(offset);
    if (i < 0) return undefined;
    const e = this.e;
    const at = i * STRIDE;
    const inside = Math.min(offset - e[at + START], e[at + LEN]);
    const o: Origin = { file: this.files[e[at + FILE]], line: e[at + LINE], col: e[at + COL] + inside };
    if (e[at + S_FILE] >= 0) o.site = { file: this.files[e[at + S_FILE]], line: e[at + S_LINE], col: e[at + S_COL] };
    return o;
  }

  /** the line a reader sees for the output at `offset`: the invocation's for macro output, else the token's own */
  visible(offset: number): { file: string; line: number; col: number } | undefined {
    const o = this.origin(offset);
    return o?.site ?? o;
  }
}
