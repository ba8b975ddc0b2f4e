// The execution history: an undo/redo log of every write the engine makes, and a record per stop.
// Going back to an earlier stop undoes writes; going forward again redoes them. Nothing is copied.

/** A special index meaning "push onto the array" (undo pops). */
const PUSH = -2;
/** A special index meaning "pop from the array" (undo pushes the old value back). */
const POP = -3;

/** Anything the log can write into: struct field arrays, frame slot arrays, engine arrays. */
export type Cells = any[];

export class History {
  // The write log: four slots per write (cells, index, old value, new value).
  private w: any[] = [];
  /** number of log entries currently applied (entries past it are the redo future) */
  private applied = 0;

  // One record per stop: where the log stood, and where execution was.
  private stopPos = new Int32Array(1024);
  private stopCode = new Int32Array(1024);
  private stopPc = new Int32Array(1024);
  private stops = 0;
  /** index of the stop the world currently shows */
  private current = -1;

  /** true while every recorded write is applied (we are at the live end of history) */
  get atEnd(): boolean {
    return this.current === this.stops - 1;
  }
  get stopCount(): number {
    return this.stops;
  }
  get currentStop(): number {
    return this.current;
  }
  get writeCount(): number {
    return this.w.length >> 2;
  }

  /** Write `v` into `o[i]`, logging the old value. */
  set(o: Cells, i: number, v: unknown): void {
    const old = o[i];
    if (old === v) return;
    o[i] = v;
    this.log(o, i, old, v);
  }

  push(o: Cells, v: unknown): void {
    o.push(v);
    this.log(o, PUSH, undefined, v);
  }

  pop(o: Cells): unknown {
    const v = o.pop();
    this.log(o, POP, v, undefined);
    return v;
  }

  private log(o: Cells, i: number, old: unknown, v: unknown): void {
    if (this.applied << 2 !== this.w.length) throw new Error('history: a write while not at the live end');
    this.w.push(o, i, old, v);
    this.applied++;
  }

  /** Record a stop at the current log position; `code`/`pc` say where execution stands. */
  recordStop(code: number, pc: number): number {
    if (this.stops === this.stopPos.length) {
      const grow = (a: Int32Array) => {
        const b = new Int32Array(a.length * 2);
        b.set(a);
        return b;
      };
      this.stopPos = grow(this.stopPos);
      this.stopCode = grow(this.stopCode);
      this.stopPc = grow(this.stopPc);
    }
    this.stopPos[this.stops] = this.applied;
    this.stopCode[this.stops] = code;
    this.stopPc[this.stops] = pc;
    this.current = this.stops;
    return this.stops++;
  }

  stopAt(n: number): { code: number; pc: number } {
    return { code: this.stopCode[n], pc: this.stopPc[n] };
  }

  /** Undo or redo writes until the world is as it was at stop `n`. */
  goto(n: number): void {
    if (n < 0 || n >= this.stops) throw new RangeError(`no stop ${n} in history (0..${this.stops - 1})`);
    const target = this.stopPos[n];
    const w = this.w;
    let a = this.applied;
    while (a > target) {
      a--;
      const k = a << 2;
      const o = w[k];
      const i = w[k + 1];
      if (i >= 0) o[i] = w[k + 2];
      else if (i === PUSH) o.pop();
      else o.push(w[k + 2]);
    }
    while (a < target) {
      const k = a << 2;
      const o = w[k];
      const i = w[k + 1];
      if (i >= 0) o[i] = w[k + 3];
      else if (i === PUSH) o.push(w[k + 3]);
      else o.pop();
      a++;
    }
    this.applied = a;
    this.current = n;
  }

  /**
   * Forget everything after the current stop: the next write starts a new branch of history
   * (used when the user changes a value in the past: the old future no longer holds).
   */
  truncate(): void {
    this.w.length = this.applied << 2;
    this.stops = this.current + 1;
  }

  /**
   * The stop whose statement last wrote `o[i]` before stop `n` is shown (undefined if nothing
   * since the start did). Scans the log backwards: cheap for the short runs a reader steps.
   */
  lastWriter(o: Cells, i: number, n: number): number | undefined {
    const end = this.stopPos[n];
    const w = this.w;
    for (let a = end - 1; a >= this.stopPos[0]; a--) {
      if (w[a << 2] === o && w[(a << 2) + 1] === i) return this.stopOfEntry(a);
    }
    return undefined;
  }

  /** The stop during whose step log entry `a` was written (the stop before it). */
  private stopOfEntry(a: number): number {
    let lo = 0;
    let hi = this.stops - 1;
    // last stop with stopPos <= a
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.stopPos[mid] <= a) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Rough retained size of the history in bytes (for benchmarks). */
  approximateBytes(): number {
    return this.w.length * 8 + this.stopPos.length * 12;
  }
}
