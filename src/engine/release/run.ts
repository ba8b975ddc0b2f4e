// A run of a bound scenario on the unmodified 1.2.13 release and the machine layer, one stop at a
// time, forward and backward. The agenda is the machine's (MACHINE.md, "How a scenario drives the
// release"): the clock is jiffies; before an event at time T come, in time order, the tick at which
// the first pending timer is due (expires + 1: timer_bh runs a timer while expires < jiffies), then
// a segment arriving on a link; at equal times a tick first, then an arrival, then the event.
// After the last event nothing more happens.
//
// Stops are the release's C statements (the machine layer's C runs without stopping), one stop
// before each agenda item, failed expectations, faults and the end. Every change — memory bytes
// and the agenda's own state — is in the History, so any stop can be restored.

import { mssOption } from '../../common/packet';
import type { Range } from '../../scenario/ast';
import { CError, type CFunction, type Frame, type Loc } from '../code';
import type { CRun } from '../cmachine/kernel';
import type { RecT } from '../cmachine/types';
import { History } from '../history';
import { Machine } from '../machine';
import { machineArena, type HeapLookup } from '../cvalues/heap';
import { TCP_STATES, TIMER_REASONS } from '../cvalues/constants';
import { MACHINE_SOCKETS, SEGMENT_MASK as M, type BoundEvent, type BoundFate, type BoundScenario, type BoundSeg } from './bind';
import type { ReleaseImage } from './image';
import type { StateHash } from './digest';

export const CODE_EVENT = -1;
export const CODE_FAILURE = -2;
export const CODE_ERROR = -3;
export const CODE_END = -4;

export const DEFAULT_STEP_BUDGET = 1_000_000;

export type ReleaseStopKind = 'statement' | 'event' | 'failure' | 'error' | 'end';

/** What the run does between two event stops. */
export type ReleaseItem =
  | { kind: 'event'; event: BoundEvent; index: number; socket: string; time: number }
  | { kind: 'timer'; socket: string; time: number; which: 'timer' | 'retransmit_timer' | '' }
  | { kind: 'delivery'; seg: number; socket: string; time: number };

export interface ReleaseStop {
  index: number;
  kind: ReleaseStopKind;
  socket: string;
  item?: ReleaseItem;
  fn?: CFunction;
  loc?: Loc;
  message?: string;
  clock: number;
}

/** One segment on the wire or from the scripted peer, in the order sent. */
export interface SegRec {
  /** sock index, -1 for the scripted peer */
  from: number;
  to: number;
  time: number;
  flags: string;
  seq: number;
  ack: number;
  len: number;
  win: number;
  /** the value of the MSS option its TCP header carries, 0 for none */
  mss: number;
  dropped: number;
  /** what a `fate` did to it on its link, besides a drop: delivered twice, after the next one, or later */
  fate?: 'duplicate' | 'reorder' | 'delay';
  /** for a segment sent over a link: which one it is of those its sock sent there (from 1), as a `fate` counts */
  nth?: number;
  /** index in the machine's wire log, -1 for a peer segment */
  wire: number;
  /** the scenario line that injected it (peer segments) */
  line?: number;
  /** a peer segment's IP and TCP header bytes, as machine_build_segment built them (a sent one's are on the machine's wire) */
  headers?: Uint8Array;
  /** a peer segment's whole datagram, payload included (a sent one's is on the machine's wire) */
  datagram?: Uint8Array;
}

/** What a call a scenario line made returned: at jiffies `t`, sock `sock` (its index), `call` (close, tcp_fin, write…), the value. */
export interface ReturnRec {
  t: number;
  sock: number;
  call: string;
  ret: number;
  /** the scenario line */
  line: number;
}

/** A timer run: at jiffy `time` (its expires + 1), sock `socket`'s `which` timer, for `reason` (TIME_WRITE…; '' for a timer of no sock). */
export interface FiringRec {
  time: number;
  socket: string;
  which: 'timer' | 'retransmit_timer' | '';
  reason: string;
}

/** The event kinds whose call returns a value the run keeps (`returns`), and the name each is kept under (a `call`'s is its function). */
const RETURNING: Partial<Record<string, string>> = { close: 'close', call: '', listen: 'listen', connect: 'connect', accept: 'accept', shutdown: 'shutdown', write: 'write', read: 'read' };

export interface ReleaseSock {
  name: string;
  index: number;
  /** the struct sock's address (an accepted sock's is the child inet_accept gave) */
  readonly sk: number;
  /** its other end's port: the linked sock's, a connect's peer's, or the scripted peer's 4096+i */
  readonly rport: number;
  /** the one-way delay of its link */
  readonly delay: number;
  peer: number;
}

const SEG_BYTES = 1600;

/** Statements the driver's own work (one `call`) may take. */
const DRIVER_BUDGET = 5_000_000;

export class ReleaseRun {
  readonly H: History;
  readonly run: CRun;
  readonly machine: Machine;
  readonly socks: ReleaseSock[] = [];
  /** logged: [next event index, current item, wire entries seen, last call's return, statements since the clock moved, the jiffy counted at, a machine fault reported] */
  private readonly cells: any[] = [0, undefined, 0, 0, 0, -1, 0];
  /** logged: every segment, and the deliveries pending */
  readonly segs: SegRec[] = [];
  /** by wire index: the stop whose statement sent the segment (noteSenders) */
  private readonly senderStops: number[] = [];
  private wireSeen = 0;
  private readonly wireCountAt: number;
  /** logged: the deliveries, in the order made; at equal arrival times the lower `order` first (a duplicate, or a reordered segment, just after the one it follows) */
  private readonly inflight: { arrival: number; seg: number; order: number }[] = [];
  /** logged: per sock, how many segments it has sent over its link (a `fate`'s N), and the one a reorder holds back (-1 none) */
  private readonly linkSent: number[] = [];
  private readonly held: number[] = [];
  /** the scenario's `fate`s by sock and segment number */
  private readonly fates = new Map<string, BoundFate>();
  /** logged: the segments (index in `segs`) a `fate` changed, in order */
  private readonly fated: number[] = [];
  /**
   * Called before the fate of each segment a sock sends over a link is decided (the explorer's
   * choice points: src/engine/explore/): the sock, which of its link segments it is (from 1), its
   * index in the wire log. It may throw to stop the run there.
   */
  onLinkSend: ((sock: number, nth: number, wire: number) => void) | undefined = undefined;
  private readonly live: number[] = [];
  /** logged: per sock, the drops still waiting for a segment to match */
  private readonly drops: { seg: BoundSeg; mask: number }[][] = [];
  /** logged: per sock, the first sent segment a `>` expectation may still match */
  private readonly cursor: number[] = [];
  /**
   * How a failed expectation is said, when the scenario comes from elsewhere (a packetdrill
   * script's `>` line: src/host/packetdrill.ts); undefined for the engine's own message.
   */
  failureText: ((f: { line: number; time: number; message: string; sent?: [number, number] }) => string | undefined) | undefined = undefined;
  /** each failed expectation; for a `>` line, `sent`: the segments (from, to) it was looked for among */
  readonly failures: { line: number; time: number; message: string; sent?: [number, number] }[] = [];
  /** logged: each timer the clock ran (timer_bh at its expires + 1): the jiffy, the sock and which of its timers, its reason then */
  readonly firings: FiringRec[] = [];
  /** logged: what each call a scenario line made returned, in order (a close, a `call`, listen, connect, accept, shutdown, write, read) */
  readonly returns: ReturnRec[] = [];
  /** logged: per sock its struct sock's address, its other end's port and its link's delay */
  private readonly sks: number[] = [];
  private readonly rports: number[] = [];
  private readonly delays: number[] = [];
  /** logged: [accepted socks with no name so far] */
  private readonly anon: number[] = [0];
  private readonly errors = new Map<number, CError>();
  private readonly scratch: { seg: number; text: number; word: number };
  /** struct sock's type (its fields: a what-if stores through setField) */
  readonly sock: RecT;
  private readonly jiffiesAt: number;
  /** printk lines written at boot (inet_proto_init's banner), left out of the record */
  readonly bootLines: number;

  constructor(
    readonly image: ReleaseImage,
    readonly bound: BoundScenario,
    opts: { history?: boolean; stepBudget?: number } = {},
  ) {
    const k = image.kernel;
    this.H = new History({ record: opts.history !== false });
    this.run = k.newRun(this.H);
    this.machine = new Machine(k, this.H);
    this.sock = k.records.get('sock')!;
    this.jiffiesAt = k.addressOf('jiffies');
    this.wireCountAt = k.addressOf('machine_wire_count');
    const mem = this.run.mem;
    this.scratch = { seg: mem.alloc(SEG_BYTES, 4, 'heap', 'the driver: a segment'), text: mem.alloc(64, 4, 'heap', 'the driver: a name'), word: mem.alloc(4, 4, 'heap', 'the driver: a result') };
    for (const f of bound.fates) this.fates.set(`${f.sock}:${f.n}`, f);
    this.machine.budget = Number.MAX_SAFE_INTEGER;
    this.call('machine_boot', []);
    this.bootLines = mem.s32(k.addressOf('machine_printk_count'));
    this.setup();
    this.machine.budget = opts.stepBudget ?? DEFAULT_STEP_BUDGET;
    this.collect();
    this.nextItem();
  }

  // ---- calling the machine layer ----

  private fn(name: string): CFunction {
    return this.image.kernel.cfunction(name);
  }

  /** Runs `name(args)` to its end without stopping (setup and the driver's own work). */
  private call(name: string, args: any[]): any {
    const m = this.machine;
    // the driver's own work is not the user's call chain: it has a budget of its own, far above
    // what it takes (boot: a few thousand statements), so that an edited copy looping in what the
    // setup calls (put_sock, inet_create) stops with the budget's message instead of hanging
    const { budget, statements } = m;
    m.budget = DRIVER_BUDGET;
    m.statements = 0;
    try {
      this.run.enter(m, this.fn(name), args);
      let a = m.advance(false);
      while (a === 'statement') a = m.advance(true);
      return m.lastReturn;
    } finally {
      m.budget = budget;
      m.statements = statements;
    }
  }

  private cstring(s: string): number {
    const mem = this.run.mem;
    const b = Uint8Array.from(s, (c) => c.charCodeAt(0) & 0xff);
    mem.write(this.scratch.text, b);
    mem.st8(this.scratch.text + b.length, 0);
    return this.scratch.text;
  }

  /** The field of struct sock at `sk`, as a number (bitfields and signedness as C has them). */
  field(sk: number, name: string): number {
    const f = this.sock.byName.get(name);
    if (!f) throw new Error(`struct sock has no ${name}`);
    return this.read(sk + f.offset, f.type.k === 'int' ? f.type : undefined, f.bits, f.bitOffset);
  }

  private read(a: number, t: { size: number; signed: boolean } | undefined, bits?: number, bitOffset?: number): number {
    const mem = this.run.mem;
    const size = t?.size ?? 4;
    const signed = t?.signed ?? false;
    if (bits !== undefined) {
      const word = size === 1 ? mem.u8(a) : size === 2 ? mem.u16(a) : mem.u32(a);
      const v = Math.floor(word / 2 ** (bitOffset ?? 0)) % 2 ** bits;
      return signed && v >= 2 ** (bits - 1) ? v - 2 ** bits : v;
    }
    if (size === 1) return signed ? mem.s8(a) : mem.u8(a);
    if (size === 2) return signed ? mem.s16(a) : mem.u16(a);
    return signed ? mem.s32(a) : mem.u32(a);
  }

  /** Stores `v` into a scalar field of struct sock at `sk` (a bitfield: only its bits). */
  setField(sk: number, f: { offset: number; type: { k: string; size?: number }; bits?: number; bitOffset?: number }, v: number): void {
    const mem = this.run.mem;
    const a = sk + f.offset;
    const size = (f.type as { size: number }).size ?? 4;
    if (f.bits !== undefined) {
      const word = size === 1 ? mem.u8(a) : size === 2 ? mem.u16(a) : mem.u32(a);
      const off = f.bitOffset ?? 0;
      const mask = f.bits >= 32 ? 0xffffffff : ((2 ** f.bits - 1) * 2 ** off) >>> 0;
      v = ((word & ~mask) | ((v << off) & mask)) >>> 0;
    }
    if (size === 1) mem.st8(a, v);
    else if (size === 2) mem.st16(a, v);
    else mem.st32(a, v);
  }

  private fieldAddr(sk: number, name: string): number {
    return sk + this.sock.byName.get(name)!.offset;
  }

  get jiffies(): number {
    return this.run.mem.u32(this.jiffiesAt);
  }

  private setJiffies(t: number): void {
    this.run.mem.st32(this.jiffiesAt, t >>> 0);
  }

  // ---- the scenario's sockets, as MACHINE.md says each statement leaves them ----

  private setup(): void {
    const H = this.H;
    const { sks, rports, delays } = this;
    for (const b of this.bound.socks) {
      const sk = this.call(b.plain ? 'machine_plain_socket' : 'machine_socket', [b.index]) as number;
      if (!sk) throw new CError(this.lineLoc(1), `inet_create made no sock for ${b.name}${this.faultText() ? `: ${this.faultText()}` : ''}`);
      const i = b.index;
      H.push(this.sks, sk);
      // the scripted peer is at 4096+i: for a plain sock too, so that a listener's SYN from it (and the child's port) is not port 0
      H.push(this.rports, !b.plain && b.peer >= 0 ? 1024 + b.peer : 4096 + i);
      H.push(this.delays, b.delay);
      this.socks.push({
        name: b.name,
        index: i,
        peer: b.peer,
        get sk() {
          return sks[i];
        },
        get rport() {
          return rports[i];
        },
        get delay() {
          return delays[i];
        },
      });
      H.push(this.drops, []);
      H.push(this.cursor, 0);
      H.push(this.linkSent, 0);
      H.push(this.held, -1);
    }
    for (const b of this.bound.socks) {
      if (b.plain) continue;
      const s = this.socks[b.index];
      this.call('machine_connect_fields', [s.sk, 1024 + b.index, s.rport]);
      for (const w of b.fields) this.setField(s.sk, w.field, w.value);
      if (b.listening) {
        this.run.mem.st32(this.fieldAddr(s.sk, 'daddr'), 0);
        const th = this.sock.byName.get('dummy_th')!;
        const dest = (th.type as RecT).byName.get('dest')!;
        this.run.mem.st16(s.sk + th.offset + dest.offset, 0);
      }
      this.call('machine_connected', [s.sk, b.windowSeqGiven ? 1 : 0]);
      this.call('machine_in_flight', [s.sk]);
    }
    for (const b of this.bound.socks) {
      if (b.listener !== undefined) this.call('machine_add_pending', [this.socks[b.listener].sk, this.socks[b.index].sk]);
      if (b.partial !== undefined) this.call('machine_partial', [this.socks[b.index].sk, b.partial]);
    }
  }

  /**
   * A fault of the C, named with the machine fault met before it, which is its cause. When
   * kmalloc's arena is full, kmalloc says so and returns NULL, and code that does not check
   * (the machine layer's, say) then stores through NULL.
   */
  private causedBy(e: CError): CError {
    const fault = this.faultText();
    const Kind = e.constructor as new (loc: Loc, detail: string) => CError;
    return fault ? new Kind(e.loc, `machine fault: ${fault}; then ${e.detail}`) : e;
  }

  private faultText(): string {
    const p = this.run.mem.u32(this.image.kernel.addressOf('machine_fault_text'));
    return p ? this.run.mem.cstring(p) : '';
  }

  private lineLoc(line: number, r?: Range): Loc {
    return { file: this.bound.file, line, column: r?.start.column ?? 1, endLine: line, endColumn: r?.end.column ?? 1 };
  }

  // ---- the wire ----

  /** The segments dev_queue_xmit put on the wire since the last look: recorded, dropped or sent on. */
  private collect(): void {
    const mem = this.run.mem;
    const k = this.image.kernel;
    const count = mem.s32(k.addressOf('machine_wire_count'));
    const base = k.addressOf('machine_wire');
    const size = k.records.get('machine_seg')!.size;
    const H = this.H;
    for (let w = this.cells[2]; w < count; w++) {
      const at = base + w * size;
      const d = decodeWire(mem.read(at + 8, Math.min(mem.u32(at + 4), SEG_BYTES)));
      const from = this.sockOfPorts(d.sport, d.dport);
      const to = this.sockOfPorts(d.dport, d.sport);
      const rec: SegRec = { from, to, time: mem.u32(at), flags: d.flags, seq: d.seq, ack: d.ack, len: d.len, win: d.win, mss: d.mss, dropped: 0, wire: w };
      if (from >= 0) {
        const list = this.drops[from];
        const i = list.findIndex((x) => segMatches(rec, x.seg, x.mask));
        if (i >= 0) {
          rec.dropped = 1;
          H.set(this.drops, from, [...list.slice(0, i), ...list.slice(i + 1)]);
        }
      }
      const n = this.segs.length;
      const arrival = rec.time + (from >= 0 ? this.socks[from].delay : 0);
      const fate = from >= 0 && to >= 0 ? this.linkFate(from, w, rec) : undefined;
      H.push(this.segs, rec);
      if (to >= 0 && !rec.dropped && fate?.fate !== 'reorder') {
        this.deliver(arrival + (fate?.fate === 'delay' ? fate.extra : 0), n, n);
        if (fate?.fate === 'duplicate') this.deliver(arrival, n, n + 0.25);
      }
      // a segment a reorder held back arrives just after the next one its sock sends there (or would have, if that one is lost)
      const h = from >= 0 && to >= 0 && rec.nth !== undefined ? this.held[from] : -1;
      if (h >= 0 && h !== n) {
        this.deliver(arrival + (fate?.fate === 'delay' ? fate.extra : 0), h, n + 0.5);
        H.set(this.held, from, -1);
      }
    }
    H.set(this.cells, 2, count);
  }

  private deliver(arrival: number, seg: number, order: number): void {
    this.H.push(this.inflight, { arrival, seg, order });
    this.H.push(this.live, 1);
  }

  /** Counts a segment sock `from` sends over its link; its `fate`, if the scenario gives it one (a drop marks `rec`; a reorder holds it back). */
  private linkFate(from: number, w: number, rec: SegRec): BoundFate | undefined {
    const nth = this.linkSent[from] + 1;
    this.H.set(this.linkSent, from, nth);
    rec.nth = nth;
    this.onLinkSend?.(from, nth, w);
    const f = rec.dropped ? undefined : this.fates.get(`${from}:${nth}`);
    if (!f) return undefined;
    this.H.push(this.fated, this.segs.length);
    if (f.fate === 'drop') rec.dropped = 1;
    else rec.fate = f.fate;
    if (f.fate === 'reorder') {
      // one held back at a time: an earlier one still held goes first, as if not reordered
      if (this.held[from] >= 0) this.deliver(rec.time + this.socks[from].delay, this.held[from], this.segs.length - 0.5);
      this.H.set(this.held, from, this.segs.length);
    }
    return f;
  }

  /**
   * Adds to `h` the run's own state that decides what it does next (with digestMemory, the whole
   * state: src/engine/release/digest.ts), as it is while the wire is read, `wire` the first entry
   * not yet counted: the agenda's place and cells, the segments in flight (their bytes and how soon
   * they arrive), the ones a reorder holds back, the ones still to count, what the drop lines and
   * the `>` lines still wait for, each sock's address and other end, whether an expectation failed.
   */
  digestAgenda(h: StateHash, wire: number): void {
    const c = this.cells;
    const item = c[1] as ReleaseItem | undefined;
    h.num(c[0]);
    h.num(item ? (item.kind === 'event' ? item.index : item.kind === 'timer' ? -1 : -2) : -3);
    // (not cells[4], the statements since the clock moved: it only ends an endless exchange, and history differs in it)
    h.num(c[3]);
    h.num(c[6]);
    h.num(this.failures.length ? 1 : 0);
    const now = this.jiffies;
    const pending = this.inflight.map((x, i) => ({ x, i })).filter((p) => this.live[p.i]);
    pending.sort((p, q) => p.x.arrival - q.x.arrival || p.x.order - q.x.order);
    h.num(pending.length);
    for (const { x } of pending) {
      h.num(x.arrival - now);
      this.digestSeg(h, x.seg);
    }
    for (let i = 0; i < this.socks.length; i++) {
      h.num(this.sks[i]);
      h.num(this.rports[i]);
      h.num(this.delays[i]);
      h.num(this.held[i] < 0 ? -1 : 1);
      if (this.held[i] >= 0) this.digestSeg(h, this.held[i]);
      h.num(this.drops[i].length);
      for (const d of this.drops[i]) h.text(`${d.mask} ${d.seg.flags} ${d.seg.seq} ${d.seg.ack} ${d.seg.len} ${d.seg.win} ${d.seg.mss}`);
      // what a later `>` line of this sock may still match
      for (let j = this.cursor[i]; j < this.segs.length; j++) if (this.segs[j].from === i) this.digestSeg(h, j);
      h.num(-4);
    }
    h.num(this.anon[0]);
    const mem = this.run.mem;
    for (let w = wire, count = mem.s32(this.wireCountAt); w < count; w++) {
      const at = this.wireData(w);
      h.bytes(mem.read(at, Math.min(mem.u32(at - 4), SEG_BYTES)));
    }
  }

  private digestSeg(h: StateHash, seg: number): void {
    const r = this.segs[seg];
    h.num(r.to);
    h.num(r.from);
    const d = this.datagramOf(seg);
    if (d) h.bytes(d);
  }

  /** How many segments each sock has sent over its link so far (a `fate`'s N counts them). */
  linkCounts(): number[] {
    return [...this.linkSent];
  }

  /**
   * Where the run first leaves the scenario as written (its `fate` lines): the stop whose statement
   * sent the first segment a fate changed, or the first stop at the time a moved close() was
   * written for or moved to, whichever comes first. Runs forward to find it (at most `max` stops)
   * and stays there; undefined when the scenario has no fate or the run ends first.
   */
  divergence(max = 1_000_000): { stop: number; seg?: number; line: number; what: 'fate' | 'close' } | undefined {
    const moved = this.bound.events.filter((e) => e.writtenAt !== undefined);
    const at = moved.length ? Math.min(...moved.map((e) => Math.min(e.time, e.writtenAt!))) : Infinity;
    const fateLine = (seg: number) => this.bound.fates.find((f) => f.sock === this.segs[seg].from && f.n === this.segs[seg].nth)?.line ?? 0;
    if (!this.bound.fates.length && !moved.length) return undefined;
    for (let n = 0; n < max; n++) {
      if (this.fated.length) {
        const seg = this.fated[0];
        const sender = this.senderOf(seg);
        if (sender) {
          const line = fateLine(seg);
          if (sender.stop !== this.stopIndex) this.goto(sender.stop);
          return { stop: sender.stop, seg, line, what: 'fate' };
        }
      }
      if (this.jiffies >= at) return { stop: this.stopIndex, line: moved.find((e) => Math.min(e.time, e.writtenAt!) === at)!.line, what: 'close' };
      const s = this.forward();
      if (s.kind === 'end' || s.kind === 'error') return undefined;
    }
    return undefined;
  }

  /** Whether a reorder still holds a segment back (its sock sent none after it): it never arrived. */
  get heldBack(): boolean {
    return this.held.some((h) => h >= 0);
  }

  /** sk->num: the sock's port (0 while a plain sock is not bound) */
  port(sk: number): number {
    return this.field(sk, 'num');
  }

  /** The port of the sock's other end (sk->dummy_th.dest, in network order). */
  peerPort(sk: number): number {
    const th = this.sock.byName.get('dummy_th')!;
    const dest = (th.type as RecT).byName.get('dest')!;
    const v = this.run.mem.u16(sk + th.offset + dest.offset);
    return ((v & 0xff) << 8) | (v >> 8);
  }

  /** The sock at `port` whose other end is at `other`; else the first at `port` (a listener speaks for its children); -1 if none. */
  private sockOfPorts(port: number, other: number): number {
    let first = -1;
    for (let i = 0; i < this.socks.length; i++) {
      const sk = this.sks[i];
      if (!sk || !port || this.port(sk) !== port) continue;
      if (this.peerPort(sk) === other) return i;
      if (first < 0) first = i;
    }
    return first;
  }

  private nextDelivery(): number {
    let best = -1;
    for (let i = 0; i < this.inflight.length; i++) {
      if (!this.live[i]) continue;
      const x = this.inflight[i];
      if (best < 0 || x.arrival < this.inflight[best].arrival || (x.arrival === this.inflight[best].arrival && x.order < this.inflight[best].order)) best = i;
    }
    return best;
  }

  /** The first pending timer's due tick (expires + 1) and its owner, read from sched.c's timer list. */
  private nextTick(): { tick: number; socket: string; which: 'timer' | 'retransmit_timer' | '' } | undefined {
    const mem = this.run.mem;
    const head = this.image.kernel.addressOf('timers.c:timer_head');
    const first = mem.u32(head);
    if (first === head) return undefined;
    const expires = this.timerExpires(first);
    for (const s of this.socks) {
      if (first === this.fieldAddr(s.sk, 'timer')) return { tick: (expires + 1) >>> 0, socket: s.name, which: 'timer' };
      if (first === this.fieldAddr(s.sk, 'retransmit_timer')) return { tick: (expires + 1) >>> 0, socket: s.name, which: 'retransmit_timer' };
    }
    return { tick: (expires + 1) >>> 0, socket: '', which: '' };
  }

  /** The address of sk->timer or sk->retransmit_timer. */
  timerAddress(sk: number, which: 'timer' | 'retransmit_timer'): number {
    return this.fieldAddr(sk, which);
  }

  /** The reason sk->timer or sk->retransmit_timer was armed for (sk->timeout, sk->ip_xmit_timeout), by name. */
  timerReason(sk: number, which: 'timer' | 'retransmit_timer'): string {
    return this.reasonName(this.field(sk, which === 'timer' ? 'timeout' : 'ip_xmit_timeout'));
  }

  /** A timer_list's expires. */
  timerExpires(t: number): number {
    return this.run.mem.u32(t + this.image.kernel.records.get('timer_list')!.byName.get('expires')!.offset);
  }

  /** The segment (index in `segs`) a pending or done delivery carries. */
  segmentOfDelivery(d: number): number {
    return this.inflight[d].seg;
  }

  /** Whether the timer at `t` is on the kernel's timer list. */
  timerPending(t: number): boolean {
    const mem = this.run.mem;
    const head = this.image.kernel.addressOf('timers.c:timer_head');
    for (let p = mem.u32(head), n = 0; p !== head && p && n < 10000; p = mem.u32(p), n++) if (p === t) return true;
    return false;
  }

  // ---- the agenda ----

  get current(): ReleaseItem | undefined {
    return this.cells[1];
  }

  private pickNext(): ReleaseItem | undefined {
    const events = this.bound.events;
    const i = this.cells[0];
    const e = events[i];
    if (!e) return undefined;
    const t = this.nextTick();
    const d = this.nextDelivery();
    if (t && t.tick <= e.time && (d < 0 || t.tick <= this.inflight[d].arrival)) return { kind: 'timer', socket: t.socket, time: t.tick, which: t.which };
    if (d >= 0 && this.inflight[d].arrival <= e.time) return { kind: 'delivery', seg: d, socket: this.socks[this.segs[this.inflight[d].seg].to]?.name ?? '', time: this.inflight[d].arrival };
    return { kind: 'event', event: e, index: i, socket: this.socks[e.sock]?.name ?? '', time: e.time };
  }

  private nextItem(): number {
    const item = this.pickNext();
    this.H.set(this.cells, 1, item);
    if (!item) {
      this.keepWholeRun();
      return this.H.recordStop(CODE_END, 0);
    }
    if (this.livelocked(item)) {
      const last = this.bound.events[this.cells[0] - 1];
      const n = this.H.recordStop(CODE_ERROR, -1);
      this.errors.set(n, new CError(this.lineLoc(last?.line ?? 1), `the step budget of ${this.machine.budget} statements is used up at jiffy ${this.jiffies} by timers and segments since the last scenario event, and the clock does not move: an endless exchange? The run is stopped here.`));
      return n;
    }
    // the clock reads the item's time at its stop already (nothing runs in between)
    if (item.kind !== 'timer' && item.time > this.jiffies) this.setJiffies(item.time);
    return this.H.recordStop(CODE_EVENT, item.kind === 'event' ? item.event.line : 0);
  }

  private livelocked(item: ReleaseItem): boolean {
    const m = this.machine;
    const ran = m.statements;
    m.statements = 0;
    if (item.kind === 'event' || this.jiffies !== this.cells[5]) {
      this.H.set(this.cells, 4, 0);
      this.H.set(this.cells, 5, this.jiffies);
      return false;
    }
    this.H.set(this.cells, 4, this.cells[4] + ran);
    return this.cells[4] > m.budget * (this.socks.length + 1);
  }

  /** Starts a call chain the user steps through; returns the stop it reaches. */
  private chain(name: string, args: any[]): number {
    this.machine.statements = 0;
    this.run.enter(this.machine, this.fn(name), args);
    return this.advance(false);
  }

  private advance(skip: boolean): number {
    const m = this.machine;
    let arrival;
    try {
      arrival = m.advance(skip);
    } catch (e) {
      if (!(e instanceof CError)) throw e;
      const n = this.H.recordStop(CODE_ERROR, m.pc);
      this.errors.set(n, this.causedBy(e));
      return n;
    }
    if (arrival === 'statement') {
      const n = this.H.recordStop(m.frames[m.frames.length - 1].fn.index, m.pc);
      this.noteSenders(n - 1);
      return n;
    }
    return this.finishItem();
  }

  /**
   * Segments put on the wire since the last look were sent by the statement of stop `stop` (the
   * last one before: the machine layer's dev_queue_xmit runs without stops); kept per wire index
   * for `senderOf`. Runs as the chain runs, so a stop's senders are those of the run that made it
   * (a branch resets the count to the memory's).
   */
  private noteSenders(stop: number): void {
    const count = this.run.mem.s32(this.wireCountAt);
    for (let w = this.wireSeen; w < count; w++) this.senderStops[w] = stop;
    this.wireSeen = count;
  }

  /** The item's chain returned: the wire is read, a fault the machine met is a stop, then the next item. */
  private finishItem(): number {
    this.noteSenders(this.H.currentStop);
    this.collect();
    const item = this.current;
    const a = item?.kind === 'event' ? item.event.action : undefined;
    if (a && ['call', 'listen', 'connect', 'shutdown', 'write', 'read'].includes(a.kind)) this.H.set(this.cells, 3, (this.machine.lastReturn as number) | 0);
    if (item?.kind === 'event' && a && RETURNING[a.kind] !== undefined) {
      // an accept's value is its error (the sock it returns is the child); a close's, machine_close's
      const ret = a.kind === 'accept' ? this.run.mem.s32(this.scratch.word) : (this.machine.lastReturn as number) | 0;
      this.H.push(this.returns, { t: this.jiffies, sock: item.event.sock, call: a.kind === 'call' ? a.fn : RETURNING[a.kind]!, ret, line: item.event.line });
    }
    if (item?.kind === 'event' && a?.kind === 'accept') {
      // the call's error, and the accepted sock: the listener's child, with the listener's link
      const child = (this.machine.lastReturn as number) >>> 0;
      this.H.set(this.cells, 3, this.run.mem.s32(this.scratch.word));
      if (child && a.child >= 0) {
        this.H.set(this.sks, a.child, child);
        this.H.set(this.rports, a.child, this.peerPort(child));
        this.H.set(this.delays, a.child, this.delays[item.event.sock]);
      }
    }
    const fault = this.faultText();
    if (fault && !this.cells[6]) {
      this.H.set(this.cells, 6, 1);
      const n = this.H.recordStop(CODE_ERROR, -1);
      this.errors.set(n, new CError(this.lineLoc(this.bound.events[Math.max(0, this.cells[0] - 1)]?.line ?? 1), `machine fault: ${fault}`));
      return n;
    }
    return this.nextItem();
  }

  private startItem(): number {
    const item = this.current!;
    const H = this.H;
    const mem = this.run.mem;
    if (item.time > this.jiffies && item.kind !== 'timer') this.setJiffies(item.time);
    switch (item.kind) {
      case 'timer': {
        const time = Math.max(item.time, this.jiffies) >>> 0;
        const sock = this.socks.find((x) => x.name === item.socket);
        const reason = sock && item.which ? this.timerReason(sock.sk, item.which) : '';
        H.push(this.firings, { time, socket: item.socket, which: item.which ?? '', reason });
        return this.chain('machine_tick', [time]);
      }
      case 'delivery': {
        H.set(this.live, item.seg, 0);
        const w = this.segs[this.inflight[item.seg].seg].wire;
        const k = this.image.kernel;
        const at = k.addressOf('machine_wire') + w * k.records.get('machine_seg')!.size;
        const len = mem.u32(at + 4);
        mem.copy(this.scratch.seg, at + 8, len);
        return this.chain('machine_deliver', [this.scratch.seg, len]);
      }
      case 'event': {
        H.set(this.cells, 0, item.index + 1);
        const e = item.event;
        const s = this.socks[e.sock];
        const a = e.action;
        switch (a.kind) {
          case 'close':
            return this.chain('machine_close', [s.sk, a.timeout]);
          case 'rcv':
            return this.chain('machine_deliver', [this.scratch.seg, this.peerSegment(e, a.seg)]);
          case 'call':
            return this.callEvent(e, a.fn, a.arg, a.seg);
          case 'set':
            for (const w of a.fields) this.setField(s.sk, w.field, w.value);
            return this.nextItem();
          case 'drop':
            H.set(this.drops, e.sock, [...this.drops[e.sock], { seg: a.seg, mask: a.mask }]);
            return this.nextItem();
          case 'expect':
            return this.check(e, this.expectFailure(e));
          case 'send':
            return this.check(e, this.sendFailure(e));
          case 'wait':
            return this.nextItem();
          case 'listen':
            return this.chain('machine_listen', [s.sk, a.port, a.backlog]);
          case 'connect':
            // to a listening sock's port, or to the scripted peer at 4096+i
            H.set(this.rports, e.sock, a.peer >= 0 ? this.port(this.sks[a.peer]) : 4096 + e.sock);
            return this.chain('machine_connect', [s.sk, 1024 + e.sock, s.rport]);
          case 'accept': {
            const slot = a.child >= 0 ? a.child : MACHINE_SOCKETS - 1 - this.anon[0];
            if (a.child < 0) H.set(this.anon, 0, this.anon[0] + 1);
            return this.chain('machine_accept', [s.sk, slot, this.scratch.word]);
          }
          case 'shutdown':
            return this.chain('machine_shutdown', [s.sk, a.how]);
          case 'write':
            return this.chain('machine_write', [s.sk, a.bytes]);
          case 'read':
            return this.chain('machine_read', [s.sk, a.bytes]);
        }
      }
    }
  }

  /** A segment from sock `e.sock`'s other end: recorded as the peer's, its bytes in the scratch buffer; returns their length. */
  private peerSegment(e: BoundEvent, seg: BoundSeg): number {
    const s = this.socks[e.sock];
    const flags = this.cstring(seg.flags);
    const n = this.call('machine_build_segment', [this.scratch.seg, s.rport, this.port(s.sk), flags, seg.seq >>> 0, seg.ack >>> 0, seg.win >>> 0, seg.len >>> 0, seg.mss >>> 0]) as number;
    this.H.push(this.segs, { from: -1, to: e.sock, time: this.jiffies, ...seg, dropped: 0, wire: -1, line: e.line, headers: this.headersAt(this.scratch.seg, n), datagram: this.run.mem.read(this.scratch.seg, n) });
    return n;
  }

  /** The IP and TCP header bytes of the datagram of `len` bytes at `at`. */
  private headersAt(at: number, len: number): Uint8Array {
    const mem = this.run.mem;
    const ihl = (mem.u8(at) & 0x0f) * 4;
    const doff = (mem.u8(at + ihl + 12) >> 4) * 4;
    return mem.read(at, Math.min(ihl + doff, len));
  }

  private callEvent(e: BoundEvent, fn: string, arg: number, seg?: BoundSeg): number {
    const s = this.socks[e.sock];
    let skb = 0;
    let n = 0;
    if (seg) {
      n = this.peerSegment(e, seg);
      if (fn === 'tcp_rcv') return this.chain('machine_deliver', [this.scratch.seg, n]);
      skb = this.call('machine_arrival', [this.scratch.seg, n]) as number;
      // as tcp_rcv leaves a segment for tcp_ack, tcp_data and tcp_fin: the TCP length, seq in host order
      const k = this.image.kernel;
      const skr = k.records.get('sk_buff')!;
      const mem = this.run.mem;
      const ipAt = mem.u32(skb + skr.byName.get('ip_hdr')!.offset);
      const ihl = mem.u8(ipAt) & 0x0f;
      const lenAt = skb + skr.byName.get('len')!.offset;
      mem.st32(lenAt, (mem.u32(lenAt) - ihl * 4) >>> 0);
      const th = mem.u32(skb + skr.byName.get('h')!.offset);
      const seqAt = th + (k.records.get('tcphdr')!.byName.get('seq')!.offset);
      const be = mem.u32(seqAt);
      mem.st32(seqAt, (((be & 0xff) << 24) | ((be & 0xff00) << 8) | ((be >>> 8) & 0xff00) | (be >>> 24)) >>> 0);
      mem.st32(skb + skr.byName.get('sk')!.offset, s.sk);
    }
    if (fn === 'inet_release') return this.chain('machine_close', [s.sk, 0]);
    return this.chain('machine_tcp_call', [this.cstring(fn), s.sk, skb, arg, this.scratch.word]);
  }

  private check(e: BoundEvent, message: string | undefined): number {
    if (!message) return this.nextItem();
    // a segment not sent: the socket's segments it was looked for among (since its last match)
    const sent: [number, number] | undefined = e.action.kind === 'send' ? [this.cursor[e.sock], this.segs.length] : undefined;
    const f = { line: e.line, time: this.jiffies, message, ...(sent ? { sent } : {}) };
    f.message = this.failureText?.(f) ?? message;
    this.H.push(this.failures, f);
    return this.H.recordStop(CODE_FAILURE, e.line);
  }

  private expectFailure(e: BoundEvent): string | undefined {
    if (e.action.kind !== 'expect') return undefined;
    const s = this.socks[e.sock];
    const bad: string[] = [];
    for (const f of e.action.fields) {
      if (f.timer) {
        const t = this.fieldAddr(s.sk, f.timer);
        const pending = this.timerPending(t);
        const reason = this.field(s.sk, f.timer === 'timer' ? 'timeout' : 'ip_xmit_timeout');
        const actual = pending ? this.reasonName(reason) : 'none';
        const want = f.want === 'none' ? 'none' : this.reasonName(f.want);
        const expires = this.timerExpires(t);
        if (actual !== want) bad.push(`${f.name} is ${actual}${pending ? ` (expires at ${expires})` : ''}, expected ${want}`);
        continue;
      }
      if (!f.field) continue;
      const ft = f.field.type as { size: number; signed: boolean };
      const actual = this.read(s.sk + f.field.offset, ft, f.field.bits, f.field.bitOffset);
      const t = f.field.type as { size: number; signed: boolean };
      const want = typeof f.want === 'number' ? (t.signed ? f.want | 0 : f.want >>> 0) : 0;
      const wantBits = f.field.bits !== undefined ? want % 2 ** f.field.bits : want;
      if (actual !== wantBits) {
        const show = (x: number) => (f.name === 'state' ? this.stateName(x) : String(x));
        bad.push(`${f.name} is ${show(actual)}, expected ${show(wantBits)}`);
      }
    }
    return bad.length ? `expect ${s.name}: ${bad.join('; ')}` : undefined;
  }

  private sendFailure(e: BoundEvent): string | undefined {
    if (e.action.kind !== 'send') return undefined;
    const { seg, mask, text } = e.action;
    const from = this.cursor[e.sock];
    const mine = (r: SegRec) => r.from === e.sock;
    for (let i = from; i < this.segs.length; i++) {
      const r = this.segs[i];
      if (!mine(r) || !segMatches(r, seg, mask)) continue;
      this.H.set(this.cursor, e.sock, i + 1);
      return undefined;
    }
    const sent = this.segs.slice(from).filter(mine).map((r) => `${r.flags} seq=${r.seq} ack=${r.ack} len=${r.len} win=${r.win}${r.mss ? ` mss=${r.mss}` : ''}`);
    return `${this.socks[e.sock].name} did not send ${text}: ${sent.length ? `it sent ${sent.join(', ')}` : 'it sent nothing since the last match'}`;
  }

  /** errno.h's names by value (the release's own list), made when first asked */
  private errnos: Map<number, string> | undefined;

  /** The name of the error a negative return is (-9: EBADF), from the release's include/linux/errno.h; undefined for another value. */
  errnoName(ret: number): string | undefined {
    if (!this.errnos) {
      this.errnos = new Map();
      for (const [file, text] of this.image.texts) {
        if (!file.endsWith('include/linux/errno.h')) continue;
        for (const m of text.matchAll(/^#define\s+(E[A-Z0-9]+)\s+(\d+)\b/gm)) if (!this.errnos.has(Number(m[2]))) this.errnos.set(Number(m[2]), m[1]);
      }
    }
    return ret < 0 ? this.errnos.get(-ret) : undefined;
  }

  /** What a call returned, as the trace says it: `close() returned -9 (-EBADF)`. */
  returnText(r: ReturnRec): string {
    const name = this.errnoName(r.ret);
    return `${r.call}() returned ${r.ret}${name ? ` (-${name})` : ''}`;
  }

  /** The TCP state's name (TCP_CLOSE_WAIT), else the number. */
  stateName(v: number): string {
    return TCP_STATES.names.find((k) => this.image.constant(k) === v) ?? String(v);
  }

  /** The timer reason's name (TIME_WRITE), else the number. */
  reasonName(v: number): string {
    return TIMER_REASONS.names.find((k) => this.image.constant(k) === v) ?? String(v);
  }

  // ---- moving ----

  private step(): number {
    const H = this.H;
    const cur = H.currentStop;
    if (!H.atEnd) {
      this.goto(cur + 1);
      return cur + 1;
    }
    const code = H.codeAt(cur);
    if (code >= 0) return this.advance(true);
    if (code === CODE_END || code === CODE_ERROR) return cur;
    if (code === CODE_EVENT) {
      try {
        return this.startItem();
      } catch (e) {
        if (!(e instanceof CError)) throw e;
        while (this.machine.frames.length) this.H.popFrame(this.machine.frames);
        const n = this.H.recordStop(CODE_ERROR, -1);
        this.errors.set(n, this.causedBy(e));
        return n;
      }
    }
    return this.nextItem(); // after a failure
  }

  forward(): ReleaseStop {
    return this.stopInfo(this.step());
  }

  /** Moves forward up to `max` stops; returns how many it moved (fewer at the end or a fault). */
  runFast(max = Infinity): number {
    let moved = 0;
    while (moved < max) {
      const cur = this.H.currentStop;
      if (this.step() === cur) break;
      moved++;
    }
    return moved;
  }

  backward(): ReleaseStop {
    return this.goto(Math.max(0, this.H.currentStop - 1));
  }

  goto(n: number): ReleaseStop {
    this.H.goto(n);
    const { code, pc } = this.H.stopAt(n);
    this.machine.restorePosition(code >= 0 || code === CODE_ERROR ? pc : -1);
    return this.stopInfo(n);
  }

  /** Counts the branches of history: what was computed about later stops before a branch is stale. */
  generation = 0;

  /**
   * The whole run's segments, each with its header bytes, kept when the run reached its end (the
   * look-ahead's or the user's steps), for this branch of history: a stop before the end shows the
   * segments still to come from it. Not logged: the run's end is a fact of the branch.
   */
  private wholeRun: { generation: number; segs: SegRec[]; firings: FiringRec[] } | undefined;

  private keepWholeRun(): void {
    this.wholeRun = { generation: this.generation, segs: this.segs.map((r, i) => (r.headers ? r : { ...r, headers: this.wireHeaders(i) })), firings: this.firings.slice() };
  }

  /** The whole run's record, when its end is recorded in this branch of history (else undefined: not known yet). */
  private known(): { segs: SegRec[]; firings: FiringRec[] } | undefined {
    const w = this.wholeRun;
    return w && w.generation === this.generation ? w : undefined;
  }

  /** The segments sent after the current stop, once the run's end is known. */
  laterSegments(): SegRec[] | undefined {
    return this.known()?.segs.slice(this.segs.length);
  }

  /** The timers run after the current stop, once the run's end is known. */
  laterFirings(): FiringRec[] | undefined {
    return this.known()?.firings.slice(this.firings.length);
  }

  /** Forgets the future (after a change in the past): the run continues live from here. */
  branch(): void {
    this.H.truncate();
    this.wireSeen = this.run.mem.s32(this.wireCountAt);
    this.generation++;
    for (const k of [...this.errors.keys()]) if (k > this.H.currentStop) this.errors.delete(k);
  }

  /**
   * A what-if at the current stop: `change` stores into the run's memory (a field, a local). The
   * future is forgotten and a new stop at the same place records the change, so going back shows
   * the value as it was.
   */
  whatIf(change: () => void): ReleaseStop {
    this.branch();
    change();
    return this.recordAgain();
  }

  /** After a change made at the current stop (once branch() forgot the future): a new stop at the same place records it. */
  recordAgain(): ReleaseStop {
    const { code, pc } = this.H.stopAt(this.H.currentStop);
    if (code === CODE_ERROR) this.errors.set(this.H.stopCount, this.errors.get(this.H.currentStop)!);
    return this.stopInfo(this.H.recordStop(code, pc));
  }

  /** The scenario's path. */
  get scenarioFile(): string {
    return this.bound.file;
  }

  /** The function, file and line of stop `n`: a statement's, else the scenario line of its event (0 for a timer or a delivery). */
  lineOf(n: number): { fn?: string; file?: string; line: number } {
    const { code, pc } = this.H.stopAt(n);
    if (code >= 0) {
      const fn = this.image.kernel.functions[code] as unknown as CFunction;
      return { fn: fn.name, file: fn.code[pc].loc.file, line: fn.code[pc].loc.line };
    }
    return { file: this.bound.file, line: code === CODE_ERROR ? 0 : pc };
  }

  get stopIndex(): number {
    return this.H.currentStop;
  }
  get stopCount(): number {
    return this.H.stopCount;
  }
  get finished(): boolean {
    const c = this.H.stopAt(this.H.currentStop).code;
    return c === CODE_END || c === CODE_ERROR;
  }

  stopInfo(n: number): ReleaseStop {
    const { code, pc } = this.H.stopAt(n);
    const item = n === this.H.currentStop ? this.current : undefined;
    const clock = this.jiffies;
    const socket = item?.socket ?? '';
    if (code >= 0) {
      const fn = this.image.kernel.functions[code] as unknown as CFunction;
      return { index: n, kind: 'statement', socket, item, fn, loc: fn.code[pc].loc, clock };
    }
    if (code === CODE_EVENT) return { index: n, kind: 'event', socket, item, clock };
    if (code === CODE_FAILURE) return { index: n, kind: 'failure', socket, item, clock, message: this.failures[this.failures.length - 1]?.message };
    if (code === CODE_ERROR) {
      const err = this.errors.get(n);
      return { index: n, kind: 'error', socket, item, clock, message: err?.detail ?? err?.message, loc: err?.loc, fn: this.machine.top?.fn };
    }
    return { index: n, kind: 'end', socket: '', clock };
  }

  /**
   * The IP and TCP header bytes of segment `i`: as the kernel built them (tcp_send_ack,
   * tcp_send_fin… through ip_queue_xmit, on the machine's wire), or for a segment of the scripted
   * peer as machine_build_segment built the datagram tcp_rcv received.
   */
  wireHeaders(i: number): Uint8Array | undefined {
    const r = this.segs[i];
    if (!r) return undefined;
    if (r.wire < 0) return r.headers;
    const at = this.wireData(r.wire);
    return this.headersAt(at, this.run.mem.u32(at - 4));
  }

  /** The whole datagram of segment `i` as it went on the wire (or as the scripted peer's was built): IP and TCP headers and payload. */
  datagramOf(i: number): Uint8Array | undefined {
    const r = this.segs[i];
    if (!r) return undefined;
    if (r.wire < 0) return r.datagram;
    const at = this.wireData(r.wire);
    return this.run.mem.read(at, Math.min(this.run.mem.u32(at - 4), SEG_BYTES));
  }

  /** The address of the bytes of the machine's wire record `w` (its length is the word before them). */
  private wireData(w: number): number {
    const k = this.image.kernel;
    return k.addressOf('machine_wire') + w * k.records.get('machine_seg')!.size + 8;
  }

  /**
   * The release's C activations at the current stop, innermost first, the machine layer's left
   * out: each frame with its instruction (the machine's pc for the top one, the call's for a
   * caller) and that instruction's place. The Call Stack shows these.
   */
  visibleFrames(): { frame: Frame; pc: number; name: string; loc: Loc }[] {
    const m = this.machine;
    const out: { frame: Frame; pc: number; name: string; loc: Loc }[] = [];
    for (let i = m.frames.length - 1; i >= 0; i--) {
      const frame = m.frames[i];
      if (frame.fn.hidden) continue;
      const pc = i === m.frames.length - 1 ? m.pc : (frame.s[0] as number);
      const loc = frame.fn.code[pc]?.loc;
      if (loc) out.push({ frame, pc, name: frame.fn.name, loc });
    }
    return out;
  }

  /**
   * Who sent segment `i` (a kernel one): the stop of the statement that put it on the wire, and
   * there the release's call stack, innermost first, with the sock's state. Moves to that stop to
   * read them and back to the current one; undefined for a peer segment.
   */
  senderOf(i: number): { stop: number; frames: { fn: string; file: string; line: number }[]; state: number } | undefined {
    const r = this.segs[i];
    const stop = r && r.wire >= 0 ? this.senderStops[r.wire] : undefined;
    if (stop === undefined || r.from < 0) return undefined;
    const here = this.H.currentStop;
    this.goto(stop);
    const frames = this.visibleFrames().map((v) => ({ fn: v.name, file: v.loc.file, line: v.loc.line }));
    const sk = this.sks[r.from];
    const state = sk ? this.field(sk, 'state') : -1;
    this.goto(here);
    return { stop, frames, state };
  }

  /** The return value of the last `call` event's chain. */
  get lastReturn(): number {
    return this.cells[3];
  }

  /** printk's lines since boot, with the jiffies each was printed at. */
  printk(): { time: number; text: string }[] {
    const k = this.image.kernel;
    const mem = this.run.mem;
    const count = mem.s32(k.addressOf('machine_printk_count'));
    const lines = k.addressOf('machine_printk_lines');
    const buf = k.addressOf('machine_printk_buf');
    const len = mem.u32(k.addressOf('machine_printk_len'));
    const out: { time: number; text: string }[] = [];
    for (let i = this.bootLines; i < count; i++) {
      const start = mem.u32(lines + i * 8 + 4);
      const end = i + 1 < count ? mem.u32(lines + (i + 1) * 8 + 4) : len;
      out.push({ time: mem.u32(lines + i * 8), text: String.fromCharCode(...mem.read(buf + start, Math.min(end - start, 1023))) });
    }
    return out;
  }

  /** Whether kmalloc's block at `obj` was freed (machine/kmalloc.c keeps each block's header before it). */
  freed(obj: number): boolean {
    this.heap ??= machineArena(this.image.kernel, () => this.run.mem);
    const b = this.heap?.(obj);
    return !b || !b.live || b.start !== obj;
  }
  private heap: HeapLookup | undefined;

  /** The machine fault the C met, if any ('' if none). */
  get fault(): string {
    return this.faultText();
  }
}

/** Whether sent segment `r` is `seg` in its flags and in the fields `mask` names (SEGMENT_MASK's bits). */
function segMatches(r: SegRec, seg: BoundSeg, mask: number): boolean {
  if (r.flags !== seg.flags) return false;
  return !((mask & M.seq && r.seq !== seg.seq) || (mask & M.ack && r.ack !== seg.ack) || (mask & M.len && r.len !== seg.len) || (mask & M.win && r.win !== seg.win) || (mask & M.mss && r.mss !== seg.mss));
}

export { mssOption };


/** A datagram's TCP fields, as machine_seg_fields reads them, and its MSS option (0: none). */
function decodeWire(b: Uint8Array): { flags: string; seq: number; ack: number; len: number; win: number; mss: number; sport: number; dport: number } {
  const ihl = (b[0] & 0x0f) * 4;
  const tot = (b[2] << 8) | b[3];
  const t = ihl;
  const be32 = (o: number) => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
  const doff = (b[t + 12] >> 4) * 4;
  const f = b[t + 13];
  let flags = (f & 2 ? 'S' : '') + (f & 1 ? 'F' : '') + (f & 4 ? 'R' : '') + (f & 8 ? 'P' : '') + (f & 16 ? '.' : '');
  if (!flags) flags = '-';
  return { flags, seq: be32(t + 4), ack: be32(t + 8), len: (tot - ihl - doff) >>> 0, win: (b[t + 14] << 8) | b[t + 15], mss: mssOption(b.subarray(t + 20, t + Math.max(20, doff))), sport: (b[t] << 8) | b[t + 1], dport: (b[t + 2] << 8) | b[t + 3] };
}
