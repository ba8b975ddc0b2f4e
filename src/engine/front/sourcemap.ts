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

export class SourceMap {
  files: string[] = [];
  private n = 0;
  private start = new Int32Array(1024);
  private len = new Int32Array(1024);
  private file = new Int32Array(1024);
  private line = new Int32Array(1024);
  private col = new Int32Array(1024);
  private sFile = new Int32Array(1024);
  private sLine = new Int32Array(1024);
  private sCol = new Int32Array(1024);

  get size(): number {
    return this.n;
  }

  private grow(): void {
    const g = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.start = g(this.start);
    this.len = g(this.len);
    this.file = g(this.file);
    this.line = g(this.line);
    this.col = g(this.col);
    this.sFile = g(this.sFile);
    this.sLine = g(this.sLine);
    this.sCol = g(this.sCol);
  }

  add(offset: number, length: number, t: Tok): void {
    if (this.n === this.start.length) this.grow();
    const i = this.n++;
    this.start[i] = offset;
    this.len[i] = length;
    this.file[i] = t.file;
    this.line[i] = t.line;
    this.col[i] = t.col;
    this.sFile[i] = t.from ? t.from.file : -1;
    this.sLine[i] = t.from ? t.from.line : 0;
    this.sCol[i] = t.from ? t.from.col : 0;
  }

  /** the index of the token at or before `offset` of the output, or -1 */
  private tokenAt(offset: number): number {
    let lo = 0;
    let hi = this.n - 1;
    let best = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.start[mid] <= offset) {
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
    const inside = Math.min(offset - this.start[i], this.len[i]);
    const o: Origin = { file: this.files[this.file[i]], line: this.line[i], col: this.col[i] + inside };
    if (this.sFile[i] >= 0) o.site = { file: this.files[this.sFile[i]], line: this.sLine[i], col: this.sCol[i] };
    return o;
  }

  /** the line a reader sees for the output at `offset`: the invocation's for macro output, else the token's own */
  visible(offset: number): { file: string; line: number; col: number } | undefined {
    const o = this.origin(offset);
    return o?.site ?? o;
  }
}
