// The execution history: an undo/redo log of every write the engine makes, and a record per stop.
// Going back to an earlier stop undoes writes; going forward again redoes them. Nothing is copied.
//
// The log keeps one value per write (not old and new): undoing a write swaps the value in the
// log with the one in the cell, and redoing it swaps them back. Its three columns are parallel
// arrays (the cells, the index in an Int32Array, the value), so a write costs about 20 bytes.
//
// A History made with `{ record: false }` records nothing: writes go straight to the cells and
// only the current stop is kept (no going back). The run's benchmarks use it for throughput
// without history; see `RunOptions.history`.
//
// While sealed (`seal`/`unseal`, around a read-only evaluation: hover, watch, breakpoint
// condition, logpoint, a what-if's value) every write, push, pop, stop record, move in time and
// truncation throws a ReadOnlyRefusal before it changes anything. Every change to the run's
// memory goes through here, so this holds whatever the memory is made of.

import { ReadOnlyRefusal, UNPLACED } from './code';

/** A special index meaning "push onto the array" (undo pops). */
const PUSH = -2;
/** A special index meaning "pop from the array" (undo pushes the old value back). */
const POP = -3;

const CHUNK_BITS = 12;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;

/** Anything the log can write into: struct field arrays, frame slot arrays, engine arrays. */
export type Cells = any[];

/**
 * A log kept beside the History's own (the byte memory's store log): stops record its position
 * too, and moving in time or truncating moves it along. Its entries never touch the History's
 * cells, so the two logs can be moved one after the other.
 */
export interface AttachedLog {
  /** the number of entries applied */
  position(): number;
  /** undo or redo entries until `n` are applied */
  moveTo(n: number): void;
  /** forget the entries past the applied ones */
  truncate(): void;
}

export interface HistoryOptions {
  /** false: keep no log and only the current stop (default true) */
  record?: boolean;
}

export class History {
  /** whether writes are logged and every stop is kept */
  readonly recording: boolean;
  // The write log, in three parallel columns kept in fixed-size chunks (growing never copies):
  // the cells written, the index (or PUSH/POP), and one value: the value the cell does not hold
  // now (the old one while the write is applied, the new one while it is undone); for PUSH/POP
  // the element pushed or popped. Entry `a` is at chunk `a >> CHUNK_BITS`, `a & CHUNK_MASK`.
  private wo: Cells[][] = [];
  private wi: Int32Array[] = [];
  private wv: unknown[][] = [];
  // the chunk the next entry goes to, and its position in it
  private co: Cells[] = [];
  private ci: Int32Array = new Int32Array(0);
  private cv: unknown[] = [];
  private cpos = CHUNK;
  /** number of log entries */
  private len = 0;
  /** number of log entries currently applied (entries past it are the redo future) */
  private applied = 0;

  // One record per stop: where the log stood, and where execution was; four Int32 per stop
  // (log position, code, pc, the attached log's position) in chunks of CHUNK stops (growing
  // never copies).
  private sr: Int32Array[] = [new Int32Array(4 * CHUNK)];
  /** the byte memory's log, if one is attached */
  private attached: AttachedLog | undefined;
  private stops = 0;
  /** index of the stop the world currently shows */
  private current = -1;

  /** per cells array queried by lastWriter: where its writes are in the log (built lazily, dropped by truncate) */
  private writerIndex = new WeakMap<Cells, { upto: number; at: Map<number, number[]> }>();

  constructor(opts: HistoryOptions = {}) {
    this.recording = opts.record !== false;
  }

  /** Attaches a log that moves with this one (at most one; before the first stop). */
  attach(log: AttachedLog): void {
    if (this.attached) throw new Error('history: a log is already attached');
    if (this.stops) throw new Error('history: attach a log before the first stop');
    this.attached = log;
  }

  /** nesting depth of read-only evaluations in progress (0: writes allowed) */
  private sealDepth = 0;

  /** Starts a read-only evaluation: until the matching `unseal`, any change throws a ReadOnlyRefusal. */
  seal(): void {
    this.sealDepth++;
  }

  unseal(): void {
    if (this.sealDepth > 0) this.sealDepth--;
  }

  /** true during a read-only evaluation */
  get sealed(): boolean {
    return this.sealDepth > 0;
  }

  /** The refusal for a change attempted while sealed (`what`: the kind of change). */
  refusal(what: string): ReadOnlyRefusal {
    return new ReadOnlyRefusal(UNPLACED, `${what} is not allowed in a read-only evaluation (hovers, watches, breakpoint conditions, logpoints and what-if values cannot change the run)`);
  }

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
    return this.len;
  }

  /** Write `v` into `o[i]`, logging the old value. */
  set(o: Cells, i: number, v: unknown): void {
    if (this.sealDepth) throw this.refusal('a store to memory');
    const old = o[i];
    if (old === v) return;
    o[i] = v;
    if (this.recording) this.log(o, i, old);
  }

  push(o: Cells, v: unknown): void {
    if (this.sealDepth) throw this.refusal('a store to memory');
    o.push(v);
    if (this.recording) this.log(o, PUSH, v);
  }

  pop(o: Cells): unknown {
    if (this.sealDepth) throw this.refusal('a store to memory');
    const v = o.pop();
    if (this.recording) this.log(o, POP, v);
    return v;
  }

  private log(o: Cells, i: number, v: unknown): void {
    const n = this.len;
    if (this.applied !== n) throw new Error('history: a write while not at the live end');
    let k = this.cpos;
    if (k === CHUNK) {
      this.startChunk(n);
      k = 0;
    }
    this.co[k] = o;
    this.ci[k] = i;
    this.cv[k] = v;
    this.cpos = k + 1;
    this.len = this.applied = n + 1;
  }

  /** Makes the chunk holding entry `n` (a multiple of CHUNK, or after truncate) the current one. */
  private startChunk(n: number): void {
    const c = n >> CHUNK_BITS;
    if (c === this.wo.length) {
      this.wo.push(new Array(CHUNK));
      this.wi.push(new Int32Array(CHUNK));
      this.wv.push(new Array(CHUNK));
    }
    this.co = this.wo[c];
    this.ci = this.wi[c];
    this.cv = this.wv[c];
    this.cpos = n & CHUNK_MASK;
  }

  /** Record a stop at the current log position; `code`/`pc` say where execution stands. */
  recordStop(code: number, pc: number): number {
    if (this.sealDepth) throw this.refusal('recording a stop in the history');
    const n = this.stops;
    // without a log only the current stop is kept, in slot 0
    const k = this.recording ? n : 0;
    const c = k >> CHUNK_BITS;
    if (c === this.sr.length) this.sr.push(new Int32Array(4 * CHUNK));
    const r = this.sr[c];
    const i = (k & CHUNK_MASK) * 4;
    r[i] = this.applied;
    r[i + 1] = code;
    r[i + 2] = pc;
    r[i + 3] = this.attached ? this.attached.position() : 0;
    this.current = n;
    return this.stops++;
  }

  /** The slot holding stop `n`'s record (without a log, only the current stop has one). */
  private slot(n: number): number {
    if (this.recording) return n;
    if (n !== this.current) throw new RangeError(`stop ${n} is not recorded: this run keeps no history (only the current stop, ${this.current})`);
    return 0;
  }

  /** Where the log stood at stop `n` (the number of writes applied). */
  private posAt(n: number): number {
    return this.sr[n >> CHUNK_BITS][(n & CHUNK_MASK) * 4];
  }

  stopAt(n: number): { code: number; pc: number } {
    const k = this.slot(n);
    const r = this.sr[k >> CHUNK_BITS];
    const i = (k & CHUNK_MASK) * 4;
    return { code: r[i + 1], pc: r[i + 2] };
  }

  /** `stopAt(n).code` without building an object. */
  codeAt(n: number): number {
    const k = this.slot(n);
    return this.sr[k >> CHUNK_BITS][(k & CHUNK_MASK) * 4 + 1];
  }

  /** `stopAt(n).pc` without building an object. */
  pcAt(n: number): number {
    const k = this.slot(n);
    return this.sr[k >> CHUNK_BITS][(k & CHUNK_MASK) * 4 + 2];
  }

  /** Undo or redo writes until the world is as it was at stop `n`. */
  goto(n: number): void {
    if (this.sealDepth) throw this.refusal('moving in time');
    if (n < 0 || n >= this.stops) throw new RangeError(`no stop ${n} in history (0..${this.stops - 1})`);
    if (!this.recording) {
      this.slot(n);
      return;
    }
    const target = this.posAt(n);
    this.attached?.moveTo(this.sr[n >> CHUNK_BITS][(n & CHUNK_MASK) * 4 + 3]);
    let a = this.applied;
    // a chunk at a time: its three columns in locals
    while (a > target) {
      const c = (a - 1) >> CHUNK_BITS;
      const base = c << CHUNK_BITS;
      const wo = this.wo[c];
      const wi = this.wi[c];
      const wv = this.wv[c];
      const stop = Math.max(target, base) - base;
      let k = a - base;
      while (k > stop) {
        k--;
        const o = wo[k];
        const i = wi[k];
        if (i >= 0) {
          const cur = o[i];
          o[i] = wv[k];
          wv[k] = cur;
        } else if (i === PUSH) o.pop();
        else o.push(wv[k]);
      }
      a = base + k;
    }
    while (a < target) {
      const c = a >> CHUNK_BITS;
      const base = c << CHUNK_BITS;
      const wo = this.wo[c];
      const wi = this.wi[c];
      const wv = this.wv[c];
      const stop = Math.min(target - base, CHUNK);
      let k = a - base;
      while (k < stop) {
        const o = wo[k];
        const i = wi[k];
        if (i >= 0) {
          const old = o[i];
          o[i] = wv[k];
          wv[k] = old;
        } else if (i === PUSH) o.push(wv[k]);
        else o.pop();
        k++;
      }
      a = base + k;
    }
    this.applied = a;
    this.current = n;
  }

  /**
   * Forget everything after the current stop: the next write starts a new branch of history
   * (used when the user changes a value in the past: the old future no longer holds).
   */
  truncate(): void {
    if (this.sealDepth) throw this.refusal('forgetting the future');
    const n = this.applied;
    // clear the forgotten entries (so they hold nothing alive) and drop whole chunks past them
    const keep = (n + CHUNK_MASK) >> CHUNK_BITS;
    for (let a = n; a < Math.min(this.len, keep << CHUNK_BITS); a++) {
      this.wo[a >> CHUNK_BITS][a & CHUNK_MASK] = undefined as never;
      this.wv[a >> CHUNK_BITS][a & CHUNK_MASK] = undefined;
    }
    this.wo.length = this.wi.length = this.wv.length = keep;
    this.len = n;
    if (n & CHUNK_MASK || n === 0) {
      if (n === 0) this.cpos = CHUNK;
      else this.startChunk(n);
    } else this.cpos = CHUNK; // at a chunk boundary: the next write starts a new chunk
    this.stops = this.current + 1;
    this.sr.length = ((this.stops - 1) >> CHUNK_BITS) + 1;
    this.writerIndex = new WeakMap();
    this.attached?.truncate();
  }

  /** The attached log's position at stop `n` (undefined without a log or an attached one). */
  attachedPosition(n: number): number | undefined {
    if (!this.recording || !this.attached || n < 0 || n >= this.stops) return undefined;
    return this.sr[n >> CHUNK_BITS][(n & CHUNK_MASK) * 4 + 3];
  }

  /**
   * The stop whose statement last wrote `o[i]` before stop `n` is shown (undefined if nothing
   * since the start did). The first query about an array `o` scans the log once and keeps where
   * each of its cells was written; later queries extend that index and binary-search it.
   */
  lastWriter(o: Cells, i: number, n: number): number | undefined {
    if (!this.recording) return undefined;
    const end = this.posAt(n);
    const start = this.posAt(0);
    let ix = this.writerIndex.get(o);
    if (!ix) {
      ix = { upto: 0, at: new Map() };
      this.writerIndex.set(o, ix);
    }
    for (let a = ix.upto; a < this.len; a++) {
      if (this.wo[a >> CHUNK_BITS][a & CHUNK_MASK] !== o) continue;
      const k = this.wi[a >> CHUNK_BITS][a & CHUNK_MASK];
      if (k < 0) continue;
      let list = ix.at.get(k);
      if (!list) ix.at.set(k, (list = []));
      list.push(a);
    }
    ix.upto = this.len;
    const list = ix.at.get(i);
    if (!list) return undefined;
    // the last position < end
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid] < end) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0 || list[lo - 1] < start) return undefined;
    return this.stopOfEntry(list[lo - 1]);
  }

  /**
   * Where the log stood at stop `n`: the number of writes applied when the world shows it
   * (undefined without a log). Two stops' positions bound the writes made between them.
   */
  logPosition(n: number): number | undefined {
    if (!this.recording || n < 0 || n >= this.stops) return undefined;
    return this.posAt(n);
  }

  /**
   * Visits the log entries at positions `from` (included) to `to` (excluded), in log order: the
   * cells written, the index (PUSH and POP entries are skipped), the value the log holds (the
   * value before the write while it is applied, the value it wrote while it is undone) and the
   * position. What changed between two stops is found from these, without reading every cell.
   */
  forEachWrite(from: number, to: number, visit: (o: Cells, i: number, v: unknown, at: number) => void): void {
    for (let a = Math.max(0, from); a < Math.min(to, this.len); a++) {
      const i = this.wi[a >> CHUNK_BITS][a & CHUNK_MASK];
      if (i >= 0) visit(this.wo[a >> CHUNK_BITS][a & CHUNK_MASK], i, this.wv[a >> CHUNK_BITS][a & CHUNK_MASK], a);
    }
  }

  /** The stop during whose step the write at log position `a` was made. */
  stopOfWrite(a: number): number {
    return this.stopOfEntry(a);
  }

  /** The stop during whose step log entry `a` was written (the stop before it). */
  private stopOfEntry(a: number): number {
    let lo = 0;
    let hi = this.stops - 1;
    // last stop with stopPos <= a
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.posAt(mid) <= a) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Rough retained size of the log and stop records in bytes (for benchmarks). */
  approximateBytes(): number {
    return this.wo.length * CHUNK * 20 + this.sr.length * CHUNK * 16;
  }
}
