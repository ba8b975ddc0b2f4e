// The C machine's memory: one little-endian byte array laid out as on i386 (32-bit addresses,
// 32-bit long and pointers), every store logged so going back in time restores the bytes.
//
// Addresses below NULL_PAGE are never mapped, so a NULL (or near-NULL, `((struct sock *)0)->state`)
// dereference faults instead of reading something. Memory is handed out in blocks (globals at
// load, the heap for kmalloc, frames' addressed locals); a load or store outside every block ever
// handed out faults, and the total is bounded by `limit`.
//
// The undo log is typed arrays only (address, the old value XOR the new one, width), in
// fixed-size chunks: a store costs 9 bytes of history and gives the garbage collector nothing to
// trace. It is attached to the run's History (see History.attach), whose stop records keep this
// log's position beside their own, so `History.goto` moves both. Undoing a store and redoing it
// are the same: memory XOR the entry. So a whole chunk of stores is crossed, either way, by its
// summary: each byte it changes XOR what the chunk's stores to that byte XOR together.

import type { AttachedLog, History } from '../history';
import { countBelow } from '../sorted';

/** Addresses [0, NULL_PAGE) are never mapped: a load or store there is a NULL dereference. */
export const NULL_PAGE = 4096;

const CHUNK_BITS = 13;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;

/** A load or store the memory refuses; the compiled code turns it into a CError at the C location. */
export class MemoryFault extends Error {
  constructor(
    readonly addr: number,
    readonly size: number,
    readonly why: 'null' | 'unmapped' | 'limit' | 'free',
    message: string,
  ) {
    super(message);
  }
}

/** What a block of memory was handed out for (shown in faults and the Variables view). */
export type BlockKind = 'global' | 'heap' | 'stack' | 'string' | 'function';

export interface Block {
  start: number;
  size: number;
  kind: BlockKind;
  /** the global's or function's name, or the allocation site */
  label: string;
  /** false once freed */
  live: boolean;
}

export interface MemoryOptions {
  /** the most bytes the run may use (default 64 MiB); past it an allocation faults */
  limit?: number;
}

const hex = (a: number): string => '0x' + (a >>> 0).toString(16).padStart(8, '0');

export class Memory implements AttachedLog {
  /** the bytes; replaced when memory grows, so read `mem.bytes`/`mem.dv` afresh, never keep them */
  bytes: Uint8Array;
  dv: DataView;
  readonly limit: number;
  // What was handed out, kept in cells the History logs (so going back undoes an allocation or a
  // free exactly): [0] is one past the highest address handed out; the blocks in address order
  // (never removed), with per block whether it is live and its label; the freed heap blocks
  // (their indexes) by size, reused by size.
  private readonly state: number[] = [NULL_PAGE];
  private readonly list: { start: number; size: number; kind: BlockKind }[] = [];
  private readonly live: number[] = [];
  private readonly labels: string[] = [];
  private readonly freeBySize = new Map<number, number[]>();

  // the undo log: per entry the address, the old value XOR the new one, and the width
  private la: Int32Array[] = [];
  /** per whole chunk of the log, the bytes it changes and by what (made by summarize, between requests; dropped by truncate) */
  private summaries: ({ addr: Int32Array; xor: Uint8Array } | undefined)[] = [];
  /** the chunks below this one have their summaries */
  private summarizedBelow = 0;
  private lv: Int32Array[] = [];
  private lw: Uint8Array[] = [];
  private ca: Int32Array = new Int32Array(0);
  private cv: Int32Array = new Int32Array(0);
  private cw: Uint8Array = new Uint8Array(0);
  private cpos = CHUNK;
  private len = 0;
  private applied = 0;

  constructor(
    private readonly H: History,
    opts: MemoryOptions = {},
  ) {
    this.limit = opts.limit ?? 64 << 20;
    this.bytes = new Uint8Array(1 << 16);
    this.dv = new DataView(this.bytes.buffer);
    H.attach(this);
  }

  // ---- blocks -------------------------------------------------------------------------------

  /** One past the highest address handed out. */
  get top(): number {
    return this.state[0];
  }

  /** Hands out `size` bytes aligned to `align`, zeroed (a reused heap block is zeroed by logged stores). */
  alloc(size: number, align: number, kind: BlockKind, label: string): number {
    const H = this.H;
    if (H.sealed) throw H.refusal('allocating memory');
    size = Math.max(1, size | 0);
    if (kind === 'heap') {
      const reuse = this.freeBySize.get(size);
      if (reuse?.length) {
        const i = H.pop(reuse) as number;
        H.set(this.live, i, 1);
        H.set(this.labels, i, label);
        const start = this.list[i].start;
        this.fill(start, 0, size);
        return start;
      }
    }
    const start = (this.state[0] + align - 1) & ~(align - 1);
    const end = start + size;
    if (end > this.limit) throw new MemoryFault(start, size, 'limit', `out of memory: ${label} needs ${size} bytes, and the run's limit is ${this.limit} bytes`);
    if (end > this.bytes.length) this.grow(end);
    H.set(this.state, 0, end);
    H.push(this.list, { start, size, kind });
    H.push(this.live, 1);
    H.push(this.labels, label);
    return start;
  }

  /** Frees a heap block; freeing what was not handed out, or twice, faults. */
  free(addr: number): void {
    const H = this.H;
    if (H.sealed) throw H.refusal('freeing memory');
    const i = this.indexAt(addr);
    const b = i < 0 ? undefined : this.list[i];
    if (!b || b.start !== addr || b.kind !== 'heap') throw new MemoryFault(addr, 0, 'free', `free of ${hex(addr)}, which is not the start of a heap block`);
    if (!this.live[i]) throw new MemoryFault(addr, 0, 'free', `double free of ${hex(addr)} (${this.labels[i]})`);
    H.set(this.live, i, 0);
    let list = this.freeBySize.get(b.size);
    if (!list) this.freeBySize.set(b.size, (list = []));
    H.push(list, i);
  }

  /** The block holding `addr` (live or freed), if any. */
  blockAt(addr: number): Block | undefined {
    const i = this.indexAt(addr);
    if (i < 0) return undefined;
    const b = this.list[i];
    return { start: b.start, size: b.size, kind: b.kind, label: this.labels[i], live: this.live[i] === 1 };
  }

  /** Every block handed out so far, in address order. */
  blocks(): Block[] {
    return this.list.map((b, i) => ({ start: b.start, size: b.size, kind: b.kind, label: this.labels[i], live: this.live[i] === 1 }));
  }

  private indexAt(addr: number): number {
    const bs = this.list;
    let lo = 0;
    let hi = bs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const b = bs[mid];
      if (addr < b.start) hi = mid - 1;
      else if (addr >= b.start + b.size) lo = mid + 1;
      else return mid;
    }
    return -1;
  }

  /** Makes room for `end` bytes now, in one step (before laying out blocks whose extent is known: a run's copy of a load image). */
  reserveBytes(end: number): void {
    if (end > this.bytes.length && end <= this.limit) this.grow(end);
  }

  /**
   * Copies `src[0, end)` into these bytes (which must be zero there, as a new memory's are),
   * skipping the 4 KiB pages of `src` that are all zero: a load image is mostly zeroed arenas,
   * whose pages then are never touched here.
   */
  copyNonZero(src: Uint8Array, end: number): void {
    const dst = this.bytes;
    const words = new Int32Array(src.buffer, src.byteOffset, src.byteLength >> 2);
    const PAGE = 4096;
    for (let p = 0; p < end; p += PAGE) {
      const q = Math.min(p + PAGE, end);
      let w = p >> 2;
      const wEnd = q >> 2;
      while (w < wEnd && words[w] === 0) w++;
      let nonZero = w < wEnd;
      for (let b = wEnd << 2; !nonZero && b < q; b++) nonZero = src[b] !== 0;
      if (nonZero) dst.set(src.subarray(p, q), p);
    }
  }

  private grow(end: number): void {
    let n = this.bytes.length;
    while (n < end) n *= 2;
    const next = new Uint8Array(Math.min(n, Math.max(end, this.limit)));
    next.set(this.bytes);
    this.bytes = next;
    this.dv = new DataView(next.buffer);
  }

  /** The fault for an access of `size` bytes at `addr` that is not mapped. */
  fault(addr: number, size: number, access: 'load' | 'store'): MemoryFault {
    addr >>>= 0;
    if (addr < NULL_PAGE) return new MemoryFault(addr, size, 'null', `NULL pointer dereference: a ${size}-byte ${access} at ${hex(addr)}`);
    return new MemoryFault(addr, size, 'unmapped', `a ${size}-byte ${access} at ${hex(addr)}, outside every block of memory`);
  }

  // ---- loads --------------------------------------------------------------------------------

  private check(a: number, size: number, access: 'load' | 'store'): void {
    if (a < NULL_PAGE || a + size > this.state[0]) throw this.fault(a, size, access);
  }

  u8(a: number): number {
    if (a < NULL_PAGE || a >= this.state[0]) throw this.fault(a, 1, 'load');
    return this.bytes[a];
  }
  s8(a: number): number {
    return (this.u8(a) << 24) >> 24;
  }
  u16(a: number): number {
    this.check(a, 2, 'load');
    return this.dv.getUint16(a, true);
  }
  s16(a: number): number {
    this.check(a, 2, 'load');
    return this.dv.getInt16(a, true);
  }
  u32(a: number): number {
    this.check(a, 4, 'load');
    return this.dv.getUint32(a, true);
  }
  s32(a: number): number {
    this.check(a, 4, 'load');
    return this.dv.getInt32(a, true);
  }

  /** A copy of `n` bytes at `a`. */
  read(a: number, n: number): Uint8Array {
    if (n <= 0) return new Uint8Array(0);
    this.check(a, n, 'load');
    return this.bytes.slice(a, a + n);
  }

  /** The NUL-terminated string at `a` (at most `max` bytes; Latin-1). */
  cstring(a: number, max = 4096): string {
    let s = '';
    for (let i = 0; i < max; i++) {
      const c = this.u8(a + i);
      if (c === 0) return s;
      s += String.fromCharCode(c);
    }
    return s;
  }

  // ---- stores (logged) ----------------------------------------------------------------------

  st8(a: number, v: number): void {
    if (a < NULL_PAGE || a >= this.state[0]) throw this.fault(a, 1, 'store');
    if (this.H.sealed) throw this.H.refusal('a store to memory');
    const old = this.bytes[a];
    v &= 0xff;
    if (old === v) return;
    this.bytes[a] = v;
    if (this.H.recording) this.log(a, old ^ v, 1);
  }
  st16(a: number, v: number): void {
    this.check(a, 2, 'store');
    if (this.H.sealed) throw this.H.refusal('a store to memory');
    const dv = this.dv;
    const old = dv.getUint16(a, true);
    v &= 0xffff;
    if (old === v) return;
    dv.setUint16(a, v, true);
    if (this.H.recording) this.log(a, old ^ v, 2);
  }
  st32(a: number, v: number): void {
    this.check(a, 4, 'store');
    if (this.H.sealed) throw this.H.refusal('a store to memory');
    const dv = this.dv;
    const old = dv.getInt32(a, true);
    v |= 0;
    if (old === v) return;
    dv.setInt32(a, v, true);
    if (this.H.recording) this.log(a, old ^ v, 4);
  }

  /** Stores `src` at `a` (logged, four bytes at a time where it can). */
  write(a: number, src: Uint8Array): void {
    const n = src.length;
    if (n === 0) return;
    this.check(a, n, 'store');
    let i = 0;
    for (; i + 4 <= n; i += 4) this.st32(a + i, src[i] | (src[i + 1] << 8) | (src[i + 2] << 16) | (src[i + 3] << 24));
    for (; i < n; i++) this.st8(a + i, src[i]);
  }

  /** memmove: copies `n` bytes from `src` to `dst` (overlap allowed), logged. */
  copy(dst: number, src: number, n: number): void {
    if (n <= 0) return;
    this.write(dst, this.read(src, n));
  }

  /** memset: `n` bytes at `a` set to `byte`, logged. */
  fill(a: number, byte: number, n: number): void {
    if (n <= 0) return;
    this.check(a, n, 'store');
    this.write(a, new Uint8Array(n).fill(byte & 0xff));
  }

  private log(a: number, x: number, width: number): void {
    const n = this.len;
    if (this.applied !== n) throw new Error('memory: a store while not at the live end of history');
    let k = this.cpos;
    if (k === CHUNK) {
      this.startChunk(n);
      k = 0;
    }
    this.ca[k] = a;
    this.cv[k] = x;
    this.cw[k] = width;
    this.cpos = k + 1;
    this.len = this.applied = n + 1;
  }

  private startChunk(n: number): void {
    const c = n >> CHUNK_BITS;
    if (c === this.la.length) {
      this.la.push(new Int32Array(CHUNK));
      this.lv.push(new Int32Array(CHUNK));
      this.lw.push(new Uint8Array(CHUNK));
    }
    this.ca = this.la[c];
    this.cv = this.lv[c];
    this.cw = this.lw[c];
    this.cpos = n & CHUNK_MASK;
  }

  // ---- the attached log (History drives these) ---------------------------------------------

  /** The number of stores applied. */
  position(): number {
    return this.applied;
  }

  /** The number of stores logged (applied and undone). */
  get stores(): number {
    return this.len;
  }

  /** Undo or redo stores until `target` are applied. */
  moveTo(target: number): void {
    let a = this.applied;
    while (a > target) {
      const c = (a - 1) >> CHUNK_BITS;
      const base = c << CHUNK_BITS;
      const sm = this.summaries[c];
      if (sm && a === base + CHUNK && target <= base) {
        this.crossChunk(sm);
        a = base;
        continue;
      }
      const stop = Math.max(target, base);
      while (a > stop) {
        a--;
        this.xorStore(c, a & CHUNK_MASK);
      }
    }
    while (a < target) {
      const c = a >> CHUNK_BITS;
      const base = c << CHUNK_BITS;
      const sm = this.summaries[c];
      if (sm && a === base && target >= base + CHUNK) {
        this.crossChunk(sm);
        a = base + CHUNK;
        continue;
      }
      const stop = Math.min(target, base + CHUNK);
      for (; a < stop; a++) this.xorStore(c, a & CHUNK_MASK);
    }
    this.applied = a;
  }

  /** Undoes or redoes store `k` of chunk `c` (the same thing). */
  private xorStore(c: number, k: number): void {
    const addr = this.la[c][k];
    const x = this.lv[c][k];
    const width = this.lw[c][k];
    const dv = this.dv;
    if (width === 4) dv.setInt32(addr, dv.getInt32(addr, true) ^ x, true);
    else if (width === 2) dv.setUint16(addr, dv.getUint16(addr, true) ^ x, true);
    else this.bytes[addr] ^= x;
  }

  /** Undoes or redoes every store of a whole chunk, through its summary. */
  private crossChunk(sm: { addr: Int32Array; xor: Uint8Array }): void {
    const bytes = this.bytes;
    const { addr, xor } = sm;
    for (let j = 0; j < addr.length; j++) bytes[addr[j]] ^= xor[j];
  }

  /** What whole chunk `c` changes: each byte its stores touch, with their XOR (bytes it leaves as they were left out). */
  private summary(c: number): { addr: Int32Array; xor: Uint8Array } {
    const by = new Map<number, number>();
    const la = this.la[c];
    const lv = this.lv[c];
    const lw = this.lw[c];
    for (let k = 0; k < CHUNK; k++) {
      const a = la[k];
      const x = lv[k];
      for (let b = 0; b < lw[k]; b++) by.set(a + b, (by.get(a + b) ?? 0) ^ ((x >>> (8 * b)) & 0xff));
    }
    const addr: number[] = [];
    const xor: number[] = [];
    for (const [a, x] of by) {
      if (x === 0) continue;
      addr.push(a);
      xor.push(x);
    }
    return { addr: Int32Array.from(addr), xor: Uint8Array.from(xor) };
  }

  /** Makes the summaries of the whole chunks that have none yet, oldest first, until performance.now() passes `until`; true when all are made (see History.summarize). */
  summarize(until: number): boolean {
    const whole = this.len >> CHUNK_BITS;
    for (let c = this.summarizedBelow; c < whole; c++) {
      if (performance.now() >= until) return false;
      this.summaries[c] ??= this.summary(c);
      this.summarizedBelow = c + 1;
    }
    return true;
  }

  /** Forgets the undone stores (a new branch of history starts here). */
  truncate(): void {
    const n = this.applied;
    const keep = (n + CHUNK_MASK) >> CHUNK_BITS;
    this.la.length = this.lv.length = this.lw.length = keep;
    // a chunk the branch cuts into is whole no more
    this.summaries.length = Math.min(this.summaries.length, n >> CHUNK_BITS);
    this.summarizedBelow = Math.min(this.summarizedBelow, n >> CHUNK_BITS);
    this.len = n;
    if (this.byByte && this.byByte.upto > n) this.byByte = undefined;
    if (n & CHUNK_MASK) this.startChunk(n);
    else this.cpos = CHUNK;
  }

  /**
   * The log position of the last store before position `end` (and at or after `start`) that
   * touched any of the bytes [addr, addr+size), or undefined. Through an index of the stores to
   * each byte (made on the first query, extended as the log grows, dropped when the log is
   * truncated): a binary search per byte of the range, so a field written long ago, or never,
   * costs no scan of the log between, nor of the stores to the other bytes of its word (a char or
   * a bitfield beside a counter written at every segment).
   */
  lastStore(addr: number, size: number, start: number, end: number): number | undefined {
    const hi = Math.min(end, this.len);
    const at = this.storesByByte();
    let best = -1;
    for (let b = addr; b < addr + size; b++) {
      const list = at.get(b);
      if (!list) continue;
      const i = countBelow(list, hi) - 1;
      if (i >= 0 && list[i] > best) best = list[i];
    }
    return best >= start ? best : undefined;
  }

  /** where each byte was stored to: log positions in order (a 4-byte store is in four lists) */
  private byByte: { upto: number; at: Map<number, number[]> } | undefined;

  private storesByByte(): Map<number, number[]> {
    const ix = (this.byByte ??= { upto: 0, at: new Map() });
    for (let p = ix.upto; p < this.len; p++) {
      const st = this.la[p >> CHUNK_BITS][p & CHUNK_MASK];
      const w = this.lw[p >> CHUNK_BITS][p & CHUNK_MASK];
      for (let b = st; b < st + w; b++) {
        const list = ix.at.get(b);
        if (list) list.push(p);
        else ix.at.set(b, [p]);
      }
    }
    ix.upto = this.len;
    return ix.at;
  }

  /**
   * Every store in the log that touched any of the bytes [addr, addr+size), in log order, with
   * those bytes as they were after it: read from memory now, then undone backwards through the
   * applied stores and redone forwards through the undone ones (each XOR its entry). The whole
   * history of a field, past and known future alike; `initial`: the bytes before the first store
   * of the log (the load image's).
   */
  changesOf(addr: number, size: number): { initial: Uint8Array; changes: { at: number; bytes: Uint8Array }[] } {
    const cur = this.bytes.slice(addr, addr + size);
    /** XORs the `width`-byte little-endian entry `x` of a store at `a` into `b` (the bytes of the field it overlaps) */
    const put = (b: Uint8Array, a: number, x: number, width: number) => {
      for (let k = 0; k < width; k++) {
        const i = a + k - addr;
        if (i >= 0 && i < size) b[i] ^= (x >>> (8 * k)) & 0xff;
      }
    };
    const touches = (a: number, width: number) => a < addr + size && a + width > addr;
    const back: { at: number; bytes: Uint8Array }[] = [];
    let b = cur.slice();
    for (let a = this.applied - 1; a >= 0; a--) {
      const c = a >> CHUNK_BITS;
      const k = a & CHUNK_MASK;
      const at = this.la[c][k];
      const w = this.lw[c][k];
      if (!touches(at, w)) continue;
      back.push({ at: a, bytes: b.slice() });
      put(b, at, this.lv[c][k], w);
    }
    const initial = b;
    const out = back.reverse();
    b = cur.slice();
    for (let a = this.applied; a < this.len; a++) {
      const c = a >> CHUNK_BITS;
      const k = a & CHUNK_MASK;
      const at = this.la[c][k];
      const w = this.lw[c][k];
      if (!touches(at, w)) continue;
      put(b, at, this.lv[c][k], w);
      out.push({ at: a, bytes: b.slice() });
    }
    return { initial, changes: out };
  }

  /** Visits the stores at log positions [from, to): address, width, position. */
  forEachStore(from: number, to: number, visit: (addr: number, width: number, at: number) => void): void {
    for (let a = Math.max(0, from); a < Math.min(to, this.len); a++) {
      const c = a >> CHUNK_BITS;
      const k = a & CHUNK_MASK;
      visit(this.la[c][k], this.lw[c][k], a);
    }
  }

  /** Retained size of the undo log in bytes (for benchmarks). */
  approximateBytes(): number {
    return this.la.length * CHUNK * 9 + this.summaries.reduce((n, sm) => n + (sm ? sm.addr.length * 5 : 0), 0);
  }
}
