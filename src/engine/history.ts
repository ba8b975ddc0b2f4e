// The execution history: an undo/redo log of every write the engine makes, and a record per stop.
// Going back to an earlier stop undoes writes; going forward again redoes them. Nothing is copied.
//
// The log keeps both values of a write, the old and the new: undoing it puts the old one in the
// cell, redoing it the new one, whatever the other entries' state, so a whole chunk of entries can
// be crossed by its summary (each cell it writes set once: to the old value of its first write
// going back, to the new value of its last going forward) instead of entry by entry. Its columns
// are typed arrays, so the garbage collector has nothing in them to trace: the cells written as a
// number in a registry of the objects the log names (a frame's slots, an engine array; one of the
// last few written keeps its number), the index, each value as a double with a byte saying what
// it is: a number, null or undefined (a pointer local before its first store), an element pushed
// or popped that is not a number (a frame: registered too), or any other value (a BigInt, an
// object), kept in a per-chunk map. A write costs 26 bytes, and a cells array 8 more when it is
// registered.
//
// A History made with `{ record: false }` records nothing: writes go straight to the cells and
// only the current stop is kept (no going back). The run's benchmarks use it for throughput
// without history; see `RunOptions.history`.
//
// While sealed (`seal`/`unseal`, around a read-only evaluation: hover, watch, breakpoint
// condition, logpoint, a what-if's value) every write, push, pop, stop record, move in time and
// truncation throws a ReadOnlyRefusal before it changes anything. Every change to the run's
// memory goes through here, so this holds whatever the memory is made of.

import { ReadOnlyRefusal, UNPLACED, type Frame } from './code';
import { countBelow } from './sorted';

/** A special index meaning "push onto the array" (undo pops). */
const PUSH = -2;
/** A special index meaning "pop from the array" (undo pushes the old value back). */
const POP = -3;
// What an entry's value is (its tag): a number (in the doubles), null, undefined, a value kept in
// the chunk's map, or an element pushed or popped that is not a number (its number in the registry).
const NUM = 0;
const NULL = 1;
const UNDEF = 2;
const BOX = 3;
const REF = 4;
/** Int32 per stop record; a code and pc pack into one as code << 16 | pc + 1 when they fit, else WIDE. */
const SR = 3;
const CODE_LIMIT = 1 << 15;
const PC_LIMIT = (1 << 16) - 1;
const WIDE = -0x80000000;
/** How many cells arrays the log remembers the numbers of (a call writes the caller's slots, the frame stack, the callee's slots). */
const RECENT = 4;

const CHUNK_BITS = 12;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;

/**
 * One number for a stop's code and pc (History.stopAt), the same for the same pair and different
 * for different ones: for memos keyed by where a stop is. A pc is a scenario line for an event
 * stop, so it can pass 2^16; codes and pcs here stay far below 2^20 and 2^32.
 */
export function placeKey(code: number, pc: number): number {
  return code * 4294967296 + (pc + 1);
}

/** Anything the log can write into: struct field arrays, frame slot arrays, engine arrays. */
export type Cells = any[];

/** What crossing a whole chunk of the log changes (History.summary): entry offsets in the chunk. */
interface ChunkSummary {
  /** per cell written by index (in arrays nothing pushes or pops in the chunk): its first write */
  first: Int32Array;
  /** and its last, in the same order */
  last: Int32Array;
  /** every entry of the arrays something both pushes or pops and writes by index in the chunk, in order */
  walk: Int32Array;
  /** the arrays only pushed and popped (the frames, the lists): what the chunk did to each, as a stack */
  stacks: StackChange[];
}

/**
 * A chunk's pushes and pops of one array, as a stack: it went down to `low` elements below its
 * length at the chunk's start (0 or negative), and ended `end` away from it. Undoing the chunk cuts
 * the array to `low` and pushes back the elements the chunk popped from below its start (`popped`,
 * entry offsets, from the deepest up); redoing it cuts it to `low` and pushes the elements standing
 * at the end (`pushed`, entry offsets, from the deepest up).
 */
interface StackChange {
  o: Cells;
  low: number;
  end: number;
  popped: Int32Array;
  pushed: Int32Array;
}

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
  /** make the summaries of its whole chunks not made yet, until performance.now() passes `until`; true when all are made */
  summarize(until: number): boolean;
}

export interface HistoryOptions {
  /** false: keep no log and only the current stop (default true) */
  record?: boolean;
}

export class History {
  /** whether writes are logged and every stop is kept */
  readonly recording: boolean;
  // The write log, in parallel columns kept in fixed-size chunks (growing never copies): the
  // cells written (their number in `cellsOf`), the index (or PUSH/POP), and one value: the value
  // the cell does not hold now (the old one while the write is applied, the new one while it is
  // undone); for PUSH/POP the element pushed or popped; what the value is (`wt`: NUM, NULL,
  // UNDEF, BOX in the chunk's `wb`, REF in the registry). Entry `a` is at chunk `a >> CHUNK_BITS`,
  // `a & CHUNK_MASK`.
  private wo: Int32Array[] = [];
  private wi: Int32Array[] = [];
  // the old value (for PUSH/POP: the element) and the new one
  private wv: Float64Array[] = [];
  private wt: Uint8Array[] = [];
  private wb: (Map<number, unknown> | undefined)[] = [];
  private nv: Float64Array[] = [];
  private nt: Uint8Array[] = [];
  private nb: (Map<number, unknown> | undefined)[] = [];
  /** per whole chunk, what crossing it changes (made by summarize, between requests; dropped by truncate) */
  private summaries: (ChunkSummary | undefined)[] = [];
  /** the chunks below this one have their summaries */
  private summarizedBelow = 0;
  // the chunk the next entry goes to, and its position in it
  private co: Int32Array = new Int32Array(0);
  private ci: Int32Array = new Int32Array(0);
  private cv: Float64Array = new Float64Array(0);
  private ct: Uint8Array = new Uint8Array(0);
  private cn: Float64Array = new Float64Array(0);
  private cnt: Uint8Array = new Uint8Array(0);
  private cc = 0;
  private cpos = CHUNK;
  // The objects the log names, by number (the cells arrays written, the elements pushed and
  // popped that are not numbers), each with the log position of the entry that registered it:
  // the entries naming a number are all at or after it, so truncate forgets the numbers of the
  // forgotten future. An object may have several numbers.
  private readonly cellsOf: any[] = [];
  private readonly firstAt: number[] = [];
  // the last RECENT cells arrays written and their numbers (a ring)
  private readonly recent: (Cells | undefined)[] = new Array(RECENT).fill(undefined);
  private readonly recentNumber = new Int32Array(RECENT);
  private recentNext = 0;
  /** number of log entries */
  private len = 0;
  /** number of log entries currently applied (entries past it are the redo future) */
  private applied = 0;

  // One record per stop: where the log stood, and where execution was; three Int32 per stop
  // (log position, the attached log's position, code and pc in one: `packStop`) in chunks of
  // CHUNK stops (growing never copies). A code or pc too wide to pack is kept in `wide`.
  private sr: Int32Array[] = [new Int32Array(SR * CHUNK)];
  private readonly wide = new Map<number, { code: number; pc: number }>();
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
    if (this.recording) this.log(o, i, old, v);
  }

  /**
   * `set` into a frame's slots `o`, the frame made when the stop count was `born`: while no stop
   * has been recorded since (`born` is the count now) the write is not logged. No stop shows the
   * slots' earlier values (the frame did not exist at any recorded stop), going back past the
   * frame's making pops it, and a later write is logged with the value the next stop showed.
   */
  setSlot(o: Cells, i: number, v: unknown, born: number): void {
    if (born === this.stops && !this.sealDepth) o[i] = v;
    else this.set(o, i, v);
  }

  push(o: Cells, v: unknown): void {
    if (this.sealDepth) throw this.refusal('a store to memory');
    o.push(v);
    if (this.recording) this.logElement(o, PUSH, v);
  }

  pop(o: Cells): unknown {
    if (this.sealDepth) throw this.refusal('a store to memory');
    const v = o.pop();
    if (this.recording) this.logElement(o, POP, v);
    return v;
  }

  /**
   * `push` of a call's frame onto the machine's frames: the frame keeps its number in the registry
   * (`hid`), so its pop names it by the same number instead of registering it again.
   */
  pushFrame(o: Frame[], fr: Frame): void {
    if (this.sealDepth) throw this.refusal('a store to memory');
    o.push(fr);
    if (this.recording) this.logRef(o, PUSH, (fr.hid = this.register(fr, this.len)));
  }

  /** `pop` of the machine's frames (see pushFrame). */
  popFrame(o: Frame[]): Frame | undefined {
    if (this.sealDepth) throw this.refusal('a store to memory');
    const fr = o.pop();
    // the number given at the push still stands: truncate forgets only the numbers registered
    // after the current stop, and every frame on the stack then was pushed before it
    if (this.recording && fr) this.logRef(o, POP, fr.hid >= 0 ? fr.hid : (fr.hid = this.register(fr, this.len)));
    else if (this.recording) this.logElement(o, POP, fr);
    return fr;
  }

  /** A write of `nu` over `old` into `o[i]`. */
  private log(o: Cells, i: number, old: unknown, nu: unknown): void {
    const n = this.len;
    const k = this.entry(o, i, n);
    if (typeof old === 'number') {
      this.cv[k] = old;
      this.ct[k] = NUM;
    } else this.put(this.wv, this.wt, this.wb, this.cc, k, old);
    if (typeof nu === 'number') {
      this.cn[k] = nu;
      this.cnt[k] = NUM;
    } else this.put(this.nv, this.nt, this.nb, this.cc, k, nu);
    this.cpos = k + 1;
    this.len = this.applied = n + 1;
  }

  /** A PUSH or POP of element `v` (not a number: registered). */
  private logElement(o: Cells, i: number, v: unknown): void {
    if (typeof v === 'number') this.logTagged(o, i, v, NUM);
    else this.logRef(o, i, this.register(v, this.len));
  }

  /** A PUSH or POP entry whose element has registry number `id`. */
  private logRef(o: Cells, i: number, id: number): void {
    this.logTagged(o, i, id, REF);
  }

  /** An entry holding one double with its tag (a PUSH's or POP's element). */
  private logTagged(o: Cells, i: number, v: number, tag: number): void {
    const n = this.len;
    const k = this.entry(o, i, n);
    this.cv[k] = v;
    this.ct[k] = tag;
    this.cpos = k + 1;
    this.len = this.applied = n + 1;
  }

  /** The place of log entry `n` (the chunk started if need be), its cells and index columns set. */
  private entry(o: Cells, i: number, n: number): number {
    if (this.applied !== n) throw new Error('history: a write while not at the live end');
    let k = this.cpos;
    if (k === CHUNK) {
      this.startChunk(n);
      k = 0;
    }
    const r = this.recent;
    this.co[k] = o === r[0] ? this.recentNumber[0] : o === r[1] ? this.recentNumber[1] : o === r[2] ? this.recentNumber[2] : o === r[3] ? this.recentNumber[3] : this.cellsNumber(o, n);
    this.ci[k] = i;
    return k;
  }

  /** A new number for `x`, registered by the entry at log position `at`. */
  private register(x: unknown, at: number): number {
    this.cellsOf.push(x);
    this.firstAt.push(at);
    return this.cellsOf.length - 1;
  }

  /** A number for cells array `o`, which is not among the recent ones: registered now, then recent. */
  private cellsNumber(o: Cells, at: number): number {
    const id = this.register(o, at);
    const j = this.recentNext;
    this.recent[j] = o;
    this.recentNumber[j] = id;
    this.recentNext = (j + 1) % RECENT;
    return id;
  }

  /** Sets entry `k` of chunk `c` in one value column (old or new) to `v` (a cell's value: never REF). */
  private put(vals: Float64Array[], tags: Uint8Array[], boxes: (Map<number, unknown> | undefined)[], c: number, k: number, v: unknown): void {
    const t = tags[c];
    if (typeof v === 'number') {
      vals[c][k] = v;
      t[k] = NUM;
    } else if (v === null) t[k] = NULL;
    else if (v === undefined) t[k] = UNDEF;
    else {
      t[k] = BOX;
      (boxes[c] ??= new Map()).set(k, v);
    }
  }

  /** The value in one column of entry `k` of chunk `c`. */
  private valueIn(vals: Float64Array[], tags: Uint8Array[], boxes: (Map<number, unknown> | undefined)[], c: number, k: number): unknown {
    switch (tags[c][k]) {
      case NUM:
        return vals[c][k];
      case NULL:
        return null;
      case UNDEF:
        return undefined;
      case BOX:
        return boxes[c]!.get(k);
      default:
        return this.cellsOf[vals[c][k]];
    }
  }

  /** The old value of entry `k` of chunk `c` (a PUSH's or POP's element). */
  private oldAt(c: number, k: number): unknown {
    return this.wt[c][k] === NUM ? this.wv[c][k] : this.valueIn(this.wv, this.wt, this.wb, c, k);
  }

  /** The new value of write `k` of chunk `c`. */
  private newAt(c: number, k: number): unknown {
    return this.nt[c][k] === NUM ? this.nv[c][k] : this.valueIn(this.nv, this.nt, this.nb, c, k);
  }

  /** Undoes entry `k` of chunk `c`. */
  private undo(c: number, k: number): void {
    const o = this.cellsOf[this.wo[c][k]];
    const i = this.wi[c][k];
    if (i >= 0) o[i] = this.oldAt(c, k);
    else if (i === PUSH) o.pop();
    else o.push(this.oldAt(c, k));
  }

  /** Redoes entry `k` of chunk `c`. */
  private redo(c: number, k: number): void {
    const o = this.cellsOf[this.wo[c][k]];
    const i = this.wi[c][k];
    if (i >= 0) o[i] = this.newAt(c, k);
    else if (i === PUSH) o.push(this.oldAt(c, k));
    else o.pop();
  }

  /**
   * What crossing whole chunk `c` changes: the cells written by index in arrays nothing pushes or
   * pops in the chunk, each once (its first write and its last); the arrays only pushed and popped,
   * as stacks; and, in order, every entry of the arrays both pushed or popped and written by index
   * (a push, then a write at that index, then a pop: only the entries in order give the contents).
   */
  private summary(c: number): ChunkSummary {
    const wo = this.wo[c];
    const wi = this.wi[c];
    const cells = this.cellsOf;
    // per array: 1 written by index, 2 pushed or popped
    const kind = new Map<Cells, number>();
    for (let k = 0; k < CHUNK; k++) {
      const o = cells[wo[k]];
      kind.set(o, (kind.get(o) ?? 0) | (wi[k] < 0 ? 2 : 1));
    }
    const at = new Map<Cells, Map<number, number>>();
    const sim = new Map<Cells, { d: number; low: number; popped: number[]; pushed: Map<number, number> }>();
    const first: number[] = [];
    const last: number[] = [];
    const walk: number[] = [];
    let lastObj: Cells | undefined;
    let lastMap: Map<number, number> | undefined;
    for (let k = 0; k < CHUNK; k++) {
      const o = cells[wo[k]];
      const i = wi[k];
      const kd = kind.get(o)!;
      if (kd === 3) {
        walk.push(k);
        continue;
      }
      if (kd === 2) {
        let st = sim.get(o);
        if (!st) sim.set(o, (st = { d: 0, low: 0, popped: [], pushed: new Map() }));
        if (i === PUSH) st.pushed.set(st.d++, k);
        else if (--st.d < st.low) {
          // an element the array held when the chunk began (nothing pushed at that depth yet)
          st.low = st.d;
          st.popped.push(k);
        }
        continue;
      }
      let m: Map<number, number> | undefined;
      if (o === lastObj) m = lastMap;
      else {
        m = at.get(o);
        if (!m) at.set(o, (m = new Map()));
        lastObj = o;
        lastMap = m;
      }
      const j = m!.get(i);
      if (j === undefined) {
        m!.set(i, first.length);
        first.push(k);
        last.push(k);
      } else last[j] = k;
    }
    const stacks: StackChange[] = [];
    for (const [o, st] of sim) {
      const pushed: number[] = [];
      for (let r = st.low; r < st.d; r++) pushed.push(st.pushed.get(r)!);
      // popped deepest last: pushed back deepest first
      stacks.push({ o, low: st.low, end: st.d, popped: Int32Array.from(st.popped.reverse()), pushed: Int32Array.from(pushed) });
    }
    return { first: Int32Array.from(first), last: Int32Array.from(last), walk: Int32Array.from(walk), stacks };
  }

  /**
   * Makes the summaries of the whole chunks that have none yet (this log's, then the attached
   * one's), oldest first, until performance.now() passes `until` (each chunk takes a fraction of
   * a millisecond); true when every whole chunk has one. The look-ahead calls it between the
   * client's requests: a move crosses a whole chunk by its summary when it has one, entry by entry
   * when not, so nothing waits for this.
   */
  summarize(until: number): boolean {
    if (!this.recording) return true;
    const whole = this.len >> CHUNK_BITS;
    for (let c = this.summarizedBelow; c < whole; c++) {
      if (performance.now() >= until) return false;
      this.summaries[c] ??= this.summary(c);
      this.summarizedBelow = c + 1;
    }
    return this.attached ? this.attached.summarize(until) : true;
  }

  /** Makes the chunk holding entry `n` (a multiple of CHUNK, or after truncate) the current one. */
  private startChunk(n: number): void {
    const c = n >> CHUNK_BITS;
    if (c === this.wo.length) {
      // the six columns in one buffer: the doubles first (aligned), then the two Int32 columns, then the tags
      const buf = new ArrayBuffer(CHUNK * 26);
      this.wv.push(new Float64Array(buf, 0, CHUNK));
      this.nv.push(new Float64Array(buf, CHUNK * 8, CHUNK));
      this.wo.push(new Int32Array(buf, CHUNK * 16, CHUNK));
      this.wi.push(new Int32Array(buf, CHUNK * 20, CHUNK));
      this.wt.push(new Uint8Array(buf, CHUNK * 24, CHUNK));
      this.nt.push(new Uint8Array(buf, CHUNK * 25, CHUNK));
      this.wb.push(undefined);
      this.nb.push(undefined);
    }
    this.co = this.wo[c];
    this.ci = this.wi[c];
    this.cv = this.wv[c];
    this.ct = this.wt[c];
    this.cn = this.nv[c];
    this.cnt = this.nt[c];
    this.cc = c;
    this.cpos = n & CHUNK_MASK;
  }

  /** Record a stop at the current log position; `code`/`pc` say where execution stands. */
  recordStop(code: number, pc: number): number {
    if (this.sealDepth) throw this.refusal('recording a stop in the history');
    const n = this.stops;
    // without a log only the current stop is kept, in slot 0
    const k = this.recording ? n : 0;
    const c = k >> CHUNK_BITS;
    if (c === this.sr.length) this.sr.push(new Int32Array(SR * CHUNK));
    const r = this.sr[c];
    const i = (k & CHUNK_MASK) * SR;
    r[i] = this.applied;
    r[i + 1] = this.attached ? this.attached.position() : 0;
    if (code > -CODE_LIMIT && code < CODE_LIMIT && pc >= -1 && pc < PC_LIMIT) r[i + 2] = (code << 16) | (pc + 1);
    else {
      r[i + 2] = WIDE;
      this.wide.set(k, { code, pc });
    }
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
    return this.sr[n >> CHUNK_BITS][(n & CHUNK_MASK) * SR];
  }

  /** Stop slot `k`'s code and pc, packed (WIDE: in `wide`). */
  private packed(k: number): number {
    return this.sr[k >> CHUNK_BITS][(k & CHUNK_MASK) * SR + 2];
  }

  stopAt(n: number): { code: number; pc: number } {
    const k = this.slot(n);
    const p = this.packed(k);
    return p === WIDE ? { ...this.wide.get(k)! } : { code: p >> 16, pc: (p & 0xffff) - 1 };
  }

  /**
   * The last stop before `from` and at or after `floor` whose code and pc (as stopAt gives them)
   * `want` accepts, or -1: the stop records scanned, nothing moved (a reverse continue finds the
   * stops a breakpoint could stop at this way, then goes to each).
   */
  previousStop(from: number, floor: number, want: (code: number, pc: number) => boolean): number {
    if (!this.recording) return -1;
    for (let k = Math.min(from, this.stops) - 1; k >= Math.max(0, floor); k--) if (this.wanted(k, want)) return k;
    return -1;
  }

  /** Does `want` accept stop `k`'s code and pc (a recorded stop)? */
  private wanted(k: number, want: (code: number, pc: number) => boolean): boolean {
    const p = this.sr[k >> CHUNK_BITS][(k & CHUNK_MASK) * SR + 2];
    if (p !== WIDE) return want(p >> 16, (p & 0xffff) - 1);
    const w = this.wide.get(k)!;
    return want(w.code, w.pc);
  }

  /** The first stop after `from` and before `ceil` whose code and pc `want` accepts, or -1 (see previousStop). */
  nextStop(from: number, ceil: number, want: (code: number, pc: number) => boolean): number {
    if (!this.recording) return -1;
    const end = Math.min(ceil, this.stops);
    for (let k = Math.max(from + 1, 0); k < end; k++) if (this.wanted(k, want)) return k;
    return -1;
  }

  /** `stopAt(n).code` without building an object. */
  codeAt(n: number): number {
    const k = this.slot(n);
    const p = this.packed(k);
    return p === WIDE ? this.wide.get(k)!.code : p >> 16;
  }

  /** `stopAt(n).pc` without building an object. */
  pcAt(n: number): number {
    const k = this.slot(n);
    const p = this.packed(k);
    return p === WIDE ? this.wide.get(k)!.pc : (p & 0xffff) - 1;
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
    this.attached?.moveTo(this.sr[n >> CHUNK_BITS][(n & CHUNK_MASK) * SR + 1]);
    this.moveLog(target);
    this.current = n;
  }

  /** Undoes (`back`) or redoes every entry of whole chunk `c` through its summary `sm`. */
  private crossChunk(c: number, sm: ChunkSummary, back: boolean): void {
    const cells = this.cellsOf;
    const wo = this.wo[c];
    const wi = this.wi[c];
    // each cell once: the old value of its first write going back, the new one of its last going forward
    const ks = back ? sm.first : sm.last;
    for (let j = 0; j < ks.length; j++) {
      const k = ks[j];
      cells[wo[k]][wi[k]] = back ? this.oldAt(c, k) : this.newAt(c, k);
    }
    const walk = sm.walk;
    if (back) for (let j = walk.length - 1; j >= 0; j--) this.undo(c, walk[j]);
    else for (let j = 0; j < walk.length; j++) this.redo(c, walk[j]);
    for (const st of sm.stacks) {
      const o = st.o;
      // cut to the lowest depth the chunk reached, then the elements standing at its start (or end)
      o.length += back ? st.low - st.end : st.low;
      const els = back ? st.popped : st.pushed;
      for (let j = 0; j < els.length; j++) o.push(this.oldAt(c, els[j]));
    }
  }

  /** Undoes or redoes entries until `target` are applied: whole chunks by their summaries, the rest entry by entry. */
  private moveLog(target: number): void {
    let a = this.applied;
    while (a > target) {
      const c = (a - 1) >> CHUNK_BITS;
      const base = c << CHUNK_BITS;
      const sm = this.summaries[c];
      if (sm && a === base + CHUNK && target <= base) {
        this.crossChunk(c, sm, true);
        a = base;
        continue;
      }
      const stop = Math.max(target, base) - base;
      for (let k = a - base; k > stop; ) this.undo(c, --k);
      a = base + stop;
    }
    while (a < target) {
      const c = a >> CHUNK_BITS;
      const base = c << CHUNK_BITS;
      const sm = this.summaries[c];
      if (sm && a === base && target >= base + CHUNK) {
        this.crossChunk(c, sm, false);
        a = base + CHUNK;
        continue;
      }
      const stop = Math.min(target - base, CHUNK);
      for (let k = a - base; k < stop; k++) this.redo(c, k);
      a = base + stop;
    }
    this.applied = a;
  }

  /**
   * Forget everything after the current stop: the next write starts a new branch of history
   * (used when the user changes a value in the past: the old future no longer holds).
   */
  truncate(): void {
    if (this.sealDepth) throw this.refusal('forgetting the future');
    const n = this.applied;
    // clear the forgotten entries' values (so they hold nothing alive) and drop whole chunks past them
    const keep = (n + CHUNK_MASK) >> CHUNK_BITS;
    for (let a = n; a < Math.min(this.len, keep << CHUNK_BITS); a++) {
      this.wb[a >> CHUNK_BITS]?.delete(a & CHUNK_MASK);
      this.nb[a >> CHUNK_BITS]?.delete(a & CHUNK_MASK);
    }
    this.wo.length = this.wi.length = this.wv.length = this.wt.length = this.wb.length = keep;
    this.nv.length = this.nt.length = this.nb.length = keep;
    // a chunk the branch cuts into is whole no more
    this.summaries.length = Math.min(this.summaries.length, n >> CHUNK_BITS);
    this.summarizedBelow = Math.min(this.summarizedBelow, n >> CHUNK_BITS);
    // the numbers registered in the forgotten future are forgotten
    let m = this.firstAt.length;
    while (m && this.firstAt[m - 1] >= n) m--;
    this.firstAt.length = this.cellsOf.length = m;
    this.recent.fill(undefined);
    this.len = n;
    if (n & CHUNK_MASK || n === 0) {
      if (n === 0) this.cpos = CHUNK;
      else this.startChunk(n);
    } else this.cpos = CHUNK; // at a chunk boundary: the next write starts a new chunk
    this.stops = this.current + 1;
    this.sr.length = ((this.stops - 1) >> CHUNK_BITS) + 1;
    for (const k of this.wide.keys()) if (k >= this.stops) this.wide.delete(k);
    this.writerIndex = new WeakMap();
    this.attached?.truncate();
  }

  /** The attached log's position at stop `n` (undefined without a log or an attached one). */
  attachedPosition(n: number): number | undefined {
    if (!this.recording || !this.attached || n < 0 || n >= this.stops) return undefined;
    return this.sr[n >> CHUNK_BITS][(n & CHUNK_MASK) * SR + 1];
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
      if (this.cellsOf[this.wo[a >> CHUNK_BITS][a & CHUNK_MASK]] !== o) continue;
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
    const lo = countBelow(list, end);
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
      if (i >= 0) visit(this.cellsOf[this.wo[a >> CHUNK_BITS][a & CHUNK_MASK]], i, a < this.applied ? this.oldAt(a >> CHUNK_BITS, a & CHUNK_MASK) : this.newAt(a >> CHUNK_BITS, a & CHUNK_MASK), a);
    }
  }

  /**
   * The log position of the last write to `o[i]` in the steps of stops `from` up to `to` (the
   * writes made before stop `to` is shown), or -1: a backward scan of that span of the log (a
   * frame's life, for a local in a slot), so a write made long ago costs its distance.
   */
  lastWriteIn(o: Cells, i: number, from: number, to: number): number {
    if (!this.recording || to <= 0) return -1;
    const lo = this.posAt(Math.max(0, Math.min(from, this.stops - 1)));
    for (let a = this.posAt(Math.min(to, this.stops - 1)) - 1; a >= lo; a--) {
      const c = a >> CHUNK_BITS;
      const k = a & CHUNK_MASK;
      if (this.wi[c][k] === i && this.cellsOf[this.wo[c][k]] === o) return a;
    }
    return -1;
  }

  /** The log position of the first write to `o[i]` made in the step of stop `from` or after it, looking at most `limit` entries ahead, or -1. */
  nextWriteOf(o: Cells, i: number, from: number, limit: number): number {
    if (!this.recording || from < 0 || from >= this.stops) return -1;
    const start = this.posAt(from);
    const end = Math.min(this.len, start + limit);
    for (let a = start; a < end; a++) {
      const c = a >> CHUNK_BITS;
      const k = a & CHUNK_MASK;
      if (this.wi[c][k] === i && this.cellsOf[this.wo[c][k]] === o) return a;
    }
    return -1;
  }

  /** The value log entry `a` (a write, not a PUSH or POP) wrote. */
  valueWritten(a: number): unknown {
    if (a < 0 || a >= this.len) throw new RangeError(`no log entry ${a}`);
    return this.newAt(a >> CHUNK_BITS, a & CHUNK_MASK);
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
    const boxed = [...this.wb, ...this.nb].reduce((n, b) => n + (b ? b.size * 32 : 0), 0);
    const summaries = this.summaries.reduce((n, sm) => n + (sm ? (sm.first.length * 2 + sm.walk.length) * 4 + sm.stacks.reduce((m, st) => m + 48 + (st.popped.length + st.pushed.length) * 4, 0) : 0), 0);
    return this.wo.length * CHUNK * 26 + boxed + summaries + this.cellsOf.length * 16 + this.sr.length * CHUNK * SR * 4 + this.wide.size * 48;
  }
}
