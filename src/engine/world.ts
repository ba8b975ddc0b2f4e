// The world around the kernel C: sockets, the virtual clock, timers, the wire between sockets,
// and the native primitives (add_timer, del_timer, ip_queue_xmit, skb queues, printk).
// Every change goes through the history, so any earlier stop can be restored exactly.

import type { Loc, NativeFunction } from './code';
import { CError } from './code';
import type { Program } from './compile';
import { CStruct, typeName, type StructType } from './ctypes';
import type { History } from './history';
import { LoggedHeap } from './heap';

/**
 * The native primitives and what each changes in the run; null: declared pure (it only reads),
 * so a read-only evaluation (hover, watch, condition) may call it. Any other is refused there.
 */
export const NATIVE_EFFECTS: Readonly<Record<string, string | null>> = {
  add_timer: 'arms a timer',
  del_timer: 'removes a pending timer',
  alloc_skb: 'allocates an sk_buff',
  kfree_skb: 'frees an sk_buff',
  skb_queue_tail: 'puts an sk_buff on a queue',
  skb_queue_head: 'puts an sk_buff on a queue',
  skb_append: 'puts an sk_buff on a queue',
  skb_unlink: 'takes an sk_buff off its queue',
  skb_dequeue: 'takes an sk_buff off a queue',
  skb_peek: null,
  ip_queue_xmit: 'sends a segment',
  printk: 'writes to the kernel log',
  sock_wake_async: 'wakes the process waiting on the socket',
  def_callback1: 'wakes the process waiting on the socket',
  wake_up_interruptible: 'wakes a waiting process',
};

/** Slots natives keep on struct types beyond the declared fields. */
export const HIDDEN_SLOTS = { timer_list: 2 } as const;

export interface SegmentFlags {
  syn: boolean;
  fin: boolean;
  rst: boolean;
  psh: boolean;
  ack: boolean;
}

/** A segment on the wire (immutable once recorded). */
export interface Segment {
  id: number;
  /** the sending socket's name, or 'peer' for the scripted peer */
  from: string;
  /** the receiving socket's name, or 'peer' */
  to: string;
  /** jiffies when sent */
  time: number;
  flags: SegmentFlags;
  seq: number;
  ack: number;
  /** payload bytes */
  len: number;
  win: number;
  dropped: boolean;
  /** scenario line that made it (a `<` line), if any */
  line?: number;
}

export interface Failure {
  line: number;
  time: number;
  message: string;
}

export interface SocketInfo {
  name: string;
  sk: CStruct;
  peer?: string;
  delay: number;
  /** patterns of segments to lose, consumed in order (logged array) */
  drops: DropRule[];
  /** index of the first sent segment not yet matched by a `>` expectation (logged cell) */
  cursor: any[];
  /** segments this socket sent (logged array of Segment) */
  sent: Segment[];
}

export interface DropRule {
  flags: SegmentFlags;
  fields: Partial<Record<'seq' | 'ack' | 'len' | 'win', number>>;
  line: number;
}

interface HeapEntry {
  timer: CStruct;
  seq: number;
  expires: number;
}

export interface InFlight {
  arrival: number;
  seg: Segment;
  to: string;
}

export function flagText(f: SegmentFlags): string {
  const s = (f.syn ? 'S' : '') + (f.fin ? 'F' : '') + (f.rst ? 'R' : '') + (f.psh ? 'P' : '') + (f.ack ? '.' : '');
  return s || '-';
}

export function segmentText(s: { flags: SegmentFlags; seq: number; ack: number; len: number }): string {
  return `${flagText(s.flags)} seq=${s.seq} ack=${s.ack}${s.len ? ` len=${s.len}` : ''}`;
}

export const TCP_HEADER = 20;

export class World {
  readonly sockets = new Map<string, SocketInfo>();
  readonly byStruct = new Map<CStruct, SocketInfo>();
  /** every segment, in the order sent or received (logged) */
  readonly segments: Segment[] = [];
  /** segments on a link, not yet delivered: a min-heap by arrival then segment id (logged) */
  readonly inflightHeap: LoggedHeap<InFlight>;
  /** armed timers: a min-heap by expiry then arming order (logged; entries can be stale) */
  private readonly armed: LoggedHeap<HeapEntry>;
  readonly failures: Failure[] = [];
  readonly printk: { time: number; text: string }[] = [];
  /** misc logged cells: [timer sequence, segment id counter] */
  readonly cells: any[] = [0, 0];
  readonly jiffiesIndex: number;
  /** where a struct timer_list keeps what the natives know (pending and seq are hidden slots) */
  readonly timerFields: { pending: number; seq: number; expires: number; data: number; fn: number };
  readonly skType: StructType;
  /** the name of the socket whose code runs now (set by the run) */
  actor: () => string = () => '';
  readonly skbType: StructType;
  readonly thType: StructType;

  constructor(
    readonly prog: Program,
    readonly H: History,
  ) {
    this.inflightHeap = new LoggedHeap<InFlight>(H, arrivesBefore);
    this.armed = new LoggedHeap<HeapEntry>(H, (a, b) => a.expires - b.expires < 0 || (a.expires === b.expires && a.seq < b.seq));
    const need = (name: string): StructType => {
      const t = prog.structs.get(`struct ${name}`);
      if (!t || !t.complete) throw new Error(`the kernel source does not define struct ${name}`);
      return t;
    };
    this.skType = need('sock');
    this.skbType = need('sk_buff');
    this.thType = need('tcphdr');
    const timer = need('timer_list');
    const f = (t: StructType, n: string) => {
      const fl = t.byName.get(n);
      if (!fl) throw new Error(`struct ${t.name} has no field '${n}'`);
      return fl.index;
    };
    this.timerFields = {
      pending: timer.fields.length,
      seq: timer.fields.length + 1,
      expires: f(timer, 'expires'),
      data: f(timer, 'data'),
      fn: f(timer, 'function'),
    };
    const j = prog.globals.get('jiffies');
    if (!j) throw new Error(`the kernel source does not declare 'jiffies'`);
    this.jiffiesIndex = j.index;
  }

  get jiffies(): number {
    return this.prog.G[this.jiffiesIndex];
  }
  set jiffies(v: number) {
    this.H.set(this.prog.G, this.jiffiesIndex, v >>> 0);
  }

  // ---- timers ----

  timerPending(t: CStruct): boolean {
    return t.f[this.timerFields.pending] === 1;
  }
  timerExpires(t: CStruct): number {
    return t.f[this.timerFields.expires];
  }
  timerSeq(t: CStruct): number {
    return t.f[this.timerFields.seq];
  }

  /** The armed timer due first (earliest expiry, then earliest armed), if any. */
  nextTimer(): CStruct | undefined {
    // entries of timers deleted or re-armed since they were pushed are stale: drop them
    for (let e = this.armed.peek(); e; e = this.armed.peek()) {
      if (this.timerPending(e.timer) && this.timerSeq(e.timer) === e.seq) return e.timer;
      this.armed.removeAt(0);
    }
    return undefined;
  }

  /** Pending timers, in no particular order (for views and tests). */
  pendingTimers(): CStruct[] {
    return this.armed.items.filter((e) => this.timerPending(e.timer) && this.timerSeq(e.timer) === e.seq).map((e) => e.timer);
  }

  private unarm(t: CStruct): void {
    // the heap entry goes stale (pending cleared); nextTimer drops it when it reaches the top
    void t;
  }

  /** What run_timer_list does before calling the handler: detach the timer. */
  detachForFiring(t: CStruct): { fn: any; data: any } {
    this.H.set(t.f, this.timerFields.pending, 0);
    this.unarm(t);
    return { fn: t.f[this.timerFields.fn], data: t.f[this.timerFields.data] };
  }

  initTimer(t: CStruct, data: unknown, fn: unknown): void {
    this.H.set(t.f, this.timerFields.data, data);
    this.H.set(t.f, this.timerFields.fn, fn);
  }

  // ---- the natives ----

  natives(): Map<string, { impl: (args: any[], loc: Loc) => any }> {
    const H = this.H;
    const tf = () => this.timerFields;
    const m = new Map<string, { impl: (args: any[], loc: Loc) => any }>();
    const nn = (p: any, what: string, loc: Loc): CStruct => {
      if (!(p instanceof CStruct)) throw new CError(loc, `${what}: NULL pointer`);
      return p;
    };
    m.set('add_timer', {
      impl: ([t], loc) => {
        const timer = nn(t, 'add_timer', loc);
        const { pending, expires, seq } = tf();
        if (timer.f[pending]) throw new CError(loc, `add_timer on a timer that is already pending (the 1.2 kernel would corrupt its timer list)`);
        H.set(timer.f, expires, (timer.f[expires] + this.jiffies) >>> 0);
        H.set(timer.f, pending, 1);
        H.set(this.cells, 0, this.cells[0] + 1);
        H.set(timer.f, seq, this.cells[0]);
        this.armed.push({ timer, seq: this.cells[0], expires: timer.f[expires] });
      },
    });
    m.set('del_timer', {
      impl: ([t], loc) => {
        const timer = nn(t, 'del_timer', loc);
        const { pending, expires } = tf();
        if (!timer.f[pending]) return 0;
        H.set(timer.f, pending, 0);
        H.set(timer.f, expires, (timer.f[expires] - this.jiffies) >>> 0);
        this.unarm(timer);
        return 1;
      },
    });
    m.set('alloc_skb', { impl: () => this.allocSkb() });
    m.set('kfree_skb', { impl: () => undefined });
    // Queues are circular, with the head (a struct sk_buff_head) as the sentinel, as in the
    // kernel: the C may walk skb->next until it meets (struct sk_buff *)&sk->receive_queue.
    // A zeroed head is an empty queue (skb_queue_head_init is not run on scenario sockets).
    const next = (x: CStruct) => x.f[x.type.byName.get('next')!.index] as CStruct | null;
    const prev = (x: CStruct) => x.f[x.type.byName.get('prev')!.index] as CStruct | null;
    const setNext = (x: CStruct, v: CStruct | null) => H.set(x.f, x.type.byName.get('next')!.index, v);
    const setPrev = (x: CStruct, v: CStruct | null) => H.set(x.f, x.type.byName.get('prev')!.index, v);
    const initIfZero = (l: CStruct) => {
      if (next(l) === null) {
        setNext(l, l);
        setPrev(l, l);
      }
    };
    /** links `b` between `before` and `after` (neighbours in a queue, heads included) */
    const link = (before: CStruct, b: CStruct, after: CStruct) => {
      setPrev(b, before);
      setNext(b, after);
      setPrev(after, b);
      setNext(before, b);
    };
    m.set('skb_queue_tail', {
      impl: ([list, skb], loc) => {
        const l = nn(list, 'skb_queue_tail', loc);
        initIfZero(l);
        link(prev(l)!, nn(skb, 'skb_queue_tail', loc), l);
      },
    });
    m.set('skb_queue_head', {
      impl: ([list, skb], loc) => {
        const l = nn(list, 'skb_queue_head', loc);
        initIfZero(l);
        link(l, nn(skb, 'skb_queue_head', loc), next(l)!);
      },
    });
    m.set('skb_append', {
      impl: ([old, skb], loc) => {
        const o = nn(old, 'skb_append', loc);
        const after = next(o);
        if (!after) throw new CError(loc, `skb_append: the skb is on no queue`);
        link(o, nn(skb, 'skb_append', loc), after);
      },
    });
    m.set('skb_unlink', {
      impl: ([skb], loc) => {
        const b = nn(skb, 'skb_unlink', loc);
        const n = next(b);
        const p = prev(b);
        if (n && p) {
          setPrev(n, p);
          setNext(p, n);
        }
        setNext(b, null);
        setPrev(b, null);
      },
    });
    m.set('skb_dequeue', {
      impl: ([list], loc) => {
        const l = nn(list, 'skb_dequeue', loc);
        initIfZero(l);
        const skb = next(l)!;
        if (skb === l) return null;
        const after = next(skb)!;
        setNext(l, after);
        setPrev(after, l);
        setNext(skb, null);
        setPrev(skb, null);
        return skb;
      },
    });
    m.set('skb_peek', {
      impl: ([list], loc) => {
        const l = nn(list, 'skb_peek', loc);
        const first = next(l);
        return first === null || first === l ? null : first;
      },
    });
    m.set('ip_queue_xmit', {
      impl: ([sk, skb], loc) => this.transmit(sk instanceof CStruct ? sk : null, nn(skb, 'ip_queue_xmit', loc), loc),
    });
    m.set('printk', {
      impl: (args) => {
        H.push(this.printk, { time: this.jiffies, text: printf(String(args[0] ?? ''), args.slice(1)) });
        return 0;
      },
    });
    m.set('sock_wake_async', { impl: () => undefined });
    m.set('def_callback1', { impl: () => undefined });
    m.set('wake_up_interruptible', { impl: () => undefined });
    return m;
  }

  allocSkb(): CStruct {
    const skb = new CStruct(this.skbType);
    const th = new CStruct(this.thType);
    const h = skb.get('h') as CStruct;
    h.f[h.type.byName.get('th')!.index] = th;
    return skb;
  }

  /** A segment written in a scenario, as an skb with its header, as tcp_rcv receives it. */
  makeSkb(seg: { flags: SegmentFlags; seq: number; ack: number; len: number; win: number }, sk: CStruct | null): CStruct {
    const skb = this.allocSkb();
    const th = (skb.get('h') as CStruct).get('th') as CStruct;
    const setF = (s: CStruct, n: string, v: any) => {
      const fl = s.type.byName.get(n);
      if (fl) s.f[fl.index] = v;
    };
    setF(th, 'seq', seg.seq >>> 0);
    setF(th, 'ack_seq', seg.ack >>> 0);
    setF(th, 'doff', 5);
    setF(th, 'syn', +seg.flags.syn);
    setF(th, 'fin', +seg.flags.fin);
    setF(th, 'rst', +seg.flags.rst);
    setF(th, 'psh', +seg.flags.psh);
    setF(th, 'ack', +seg.flags.ack);
    setF(th, 'window', seg.win & 0xffff);
    setF(skb, 'len', TCP_HEADER + seg.len);
    setF(skb, 'sk', sk);
    return skb;
  }

  /** ip_queue_xmit: the segment leaves the socket; on a link it is delivered after the delay unless dropped. */
  private transmit(sk: CStruct | null, skb: CStruct, loc: Loc): void {
    // an RST answering a segment for no socket goes out with sk == NULL: it leaves the host
    // of the socket whose code runs
    const from = sk ? this.byStruct.get(sk) : this.sockets.get(this.actor());
    if (!from) throw new CError(loc, `ip_queue_xmit: the socket is not one of the scenario's`);
    const th = (skb.get('h') as CStruct).get('th') as CStruct | null;
    if (!th) throw new CError(loc, `ip_queue_xmit: skb->h.th is NULL`);
    const flags: SegmentFlags = { syn: !!th.get('syn'), fin: !!th.get('fin'), rst: !!th.get('rst'), psh: !!th.get('psh'), ack: !!th.get('ack') };
    const len = Math.max(0, (skb.get('len') as number) - TCP_HEADER);
    const seg: Omit<Segment, 'dropped' | 'id'> = {
      from: from.name,
      to: from.peer ?? 'peer',
      time: this.jiffies,
      flags,
      seq: th.get('seq'),
      ack: th.get('ack_seq'),
      len,
      win: th.get('window'),
    };
    let dropped = false;
    for (let i = 0; i < from.drops.length; i++) {
      if (matches(from.drops[i], seg)) {
        dropped = true;
        const last = from.drops.length - 1;
        for (let k = i; k < last; k++) this.H.set(from.drops, k, from.drops[k + 1]);
        this.H.pop(from.drops);
        break;
      }
    }
    const full = this.record({ ...seg, dropped });
    this.H.push(from.sent, full);
    if (from.peer && !dropped) this.inflightHeap.push({ arrival: (this.jiffies + from.delay) >>> 0, seg: full, to: from.peer });
  }

  record(seg: Omit<Segment, 'id'>): Segment {
    this.H.set(this.cells, 1, this.cells[1] + 1);
    const s: Segment = { ...seg, id: this.cells[1] };
    this.H.push(this.segments, s);
    return s;
  }

  /** Segments on a link, not yet delivered (in heap order). */
  get inflight(): readonly InFlight[] {
    return this.inflightHeap.items;
  }

  /** The in-flight segment that arrives first (ties: sent first), if any. */
  nextDelivery(): InFlight | undefined {
    return this.inflightHeap.peek();
  }

  /** Takes segment `seg` off the wire (it is normally the first to arrive: the heap's top). */
  takeDelivery(seg: Segment): void {
    const h = this.inflightHeap.items;
    const i = h[0]?.seg === seg ? 0 : h.findIndex((d) => d.seg === seg);
    if (i >= 0) this.inflightHeap.removeAt(i);
  }

  describeType(s: CStruct): string {
    return typeName(s.type);
  }

  nativeNamed(name: string): NativeFunction | undefined {
    const f = this.prog.fnByName.get(name);
    return f && f.kind === 'native' ? f : undefined;
  }
}

/** Delivery order: earlier arrival first; at the same instant, the segment sent first. */
function arrivesBefore(a: InFlight, b: InFlight): boolean {
  return a.arrival < b.arrival || (a.arrival === b.arrival && a.seg.id < b.seg.id);
}

export function matches(rule: { flags: SegmentFlags; fields: DropRule['fields'] }, seg: Omit<Segment, 'id' | 'dropped'>): boolean {
  const f = rule.flags;
  const s = seg.flags;
  if (f.syn !== s.syn || f.fin !== s.fin || f.rst !== s.rst || f.psh !== s.psh || f.ack !== s.ack) return false;
  for (const [k, v] of Object.entries(rule.fields)) if ((seg as any)[k] >>> 0 !== (v as number) >>> 0) return false;
  return true;
}

/** printk's format: %d %i %u %x %X %s %c %p with an optional l, and %%. */
export function printf(fmt: string, args: any[]): string {
  let i = 0;
  return fmt.replace(/%(-?\d*)(l?)([diuxXscp%])/g, (_m, width: string, _l, c: string) => {
    if (c === '%') return '%';
    const a = args[i++];
    let s: string;
    const n = typeof a === 'number' ? a : 0;
    // a pointer (also one kept in an integer) prints as %p does, never as 0 or [object Object]
    if (a instanceof CStruct) c = 'p';
    switch (c) {
      case 'd':
      case 'i':
        s = String(n | 0);
        break;
      case 'u':
        s = String(n >>> 0);
        break;
      case 'x':
        s = (n >>> 0).toString(16);
        break;
      case 'X':
        s = (n >>> 0).toString(16).toUpperCase();
        break;
      case 'c':
        s = String.fromCharCode(n & 0xff);
        break;
      case 'p':
        s = a instanceof CStruct ? `<${a.type.name}#${a.id}>` : '(nil)';
        break;
      default:
        s = String(a ?? '(null)');
    }
    const w = parseInt(width || '0', 10);
    return w > 0 ? s.padStart(w) : w < 0 ? s.padEnd(-w) : s;
  });
}
