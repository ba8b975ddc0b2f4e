// What changed in the sockets between two stops, found from the writes the history logged
// between them (not by reading and comparing every socket): the cost follows what the code
// wrote, whatever the number of sockets.

import type { Cells } from './history';
import { displayField, KEY_FIELDS, type Change, type TimerView } from './inspect';
import { isInt, type CStruct } from './ctypes';
import type { Run } from './run';
import type { SocketInfo } from './world';

type Part = 'sk' | 'timer' | 'retransmit_timer';

interface Owner {
  info: SocketInfo;
  /** the socket's place in the scenario's declaration order */
  rank: number;
  part: Part;
}

/** A moment changes are counted from: a stop, in one branch of history. */
export interface Mark {
  stop: number;
  generation: number;
}

export interface SocketChangeSet {
  /** the changed fields and timers, in the order of `diffViews` (sockets as declared, fields as shown) */
  changes: (Change & { rank: number; order: number; from?: number; to?: number; at?: number })[];
  /** the sockets any of whose shown cells were written, changed or not */
  touched: Set<string>;
}

const TIMERS = [
  ['timer', 'timeout'],
  ['retransmit_timer', 'ip_xmit_timeout'],
] as const;

export class SocketChanges {
  private readonly owners = new Map<Cells, Owner>();
  /** a field index of struct sock → its place in socketView's order (integer fields only) */
  private readonly order = new Map<number, number>();
  private readonly reasonIndex: Record<string, number | undefined> = {};

  constructor(private readonly run: Run) {
    const t = run.world.skType;
    let k = 0;
    for (const name of KEY_FIELDS) {
      const fl = t.byName.get(name);
      if (fl && isInt(fl.type)) this.order.set(fl.index, k++);
    }
    for (const fl of t.fields) if (isInt(fl.type) && !this.order.has(fl.index)) this.order.set(fl.index, k++);
    for (const [, reason] of TIMERS) this.reasonIndex[reason] = t.byName.get(reason)?.index;
    let rank = 0;
    for (const info of run.world.sockets.values()) {
      const r = rank++;
      this.owners.set(info.sk.f, { info, rank: r, part: 'sk' });
      for (const [which] of TIMERS) {
        const tm = info.sk.get(which) as CStruct;
        this.owners.set(tm.f, { info, rank: r, part: which });
      }
    }
  }

  /** The current stop as a mark to count later changes from. */
  mark(): Mark {
    return { stop: this.run.stopIndex, generation: this.run.generation };
  }

  /**
   * The changes between `from` and the current stop (either may be the later one), or undefined
   * when the log cannot say: no history, a branch since, a stop no longer recorded, or more than
   * `limit` writes apart (then comparing the sockets themselves is the cheaper way).
   */
  since(from: Mark, limit = Infinity): SocketChangeSet | undefined {
    const run = this.run;
    const H = run.H;
    if (from.generation !== run.generation) return undefined;
    const p = H.logPosition(from.stop);
    const q = H.logPosition(run.stopIndex);
    if (p === undefined || q === undefined) return undefined;
    const forward = p <= q;
    const lo = Math.min(p, q);
    const hi = Math.max(p, q);
    if (hi - lo > limit) return undefined;
    // the value each written cell had at `from`, and where it was last written
    const before = new Map<Cells, Map<number, unknown>>();
    const lastAt = new Map<Cells, Map<number, number>>();
    H.forEachWrite(lo, hi, (o, i, v, at) => {
      if (!this.owners.has(o)) return;
      let m = before.get(o);
      if (!m) {
        before.set(o, (m = new Map()));
        lastAt.set(o, new Map());
      }
      // applied writes hold the old value (the first is the value at `from`); undone writes
      // hold the value they wrote (the last is the value at `from`)
      if (!forward || !m.has(i)) m.set(i, v);
      lastAt.get(o)!.set(i, at);
    });
    const out: SocketChangeSet = { changes: [], touched: new Set() };
    const timersOf = new Set<SocketInfo>();
    for (const [o, m] of before) {
      const own = this.owners.get(o)!;
      out.touched.add(own.info.name);
      if (own.part !== 'sk') {
        timersOf.add(own.info);
        continue;
      }
      for (const [i, was] of m) {
        if (i === this.reasonIndex.timeout || i === this.reasonIndex.ip_xmit_timeout) timersOf.add(own.info);
        const order = this.order.get(i);
        const now = o[i];
        if (order === undefined || was === now) continue;
        const field = own.info.sk.type.fields[i].name;
        out.changes.push({
          socket: own.info.name,
          field,
          before: displayField(run, field, was as number),
          after: displayField(run, field, now),
          rank: own.rank,
          order,
          from: was as number,
          to: now,
          at: forward ? H.stopOfWrite(lastAt.get(o)!.get(i)!) : undefined,
        });
      }
    }
    const nFields = this.order.size;
    for (const info of timersOf) {
      const own = this.owners.get(info.sk.f)!;
      const valueAt = (o: Cells, i: number) => {
        const m = before.get(o);
        return m && m.has(i) ? m.get(i) : o[i];
      };
      TIMERS.forEach(([which, reason], k) => {
        const a = this.timerView(info, which, reason, valueAt);
        const b = this.timerView(info, which, reason, (o, i) => o[i]);
        if (a !== b) out.changes.push({ socket: info.name, field: which, before: a, after: b, rank: own.rank, order: nFields + k });
      });
    }
    out.changes.sort((x, y) => x.rank - y.rank || x.order - y.order);
    return out;
  }

  /** A timer as `reason @expires` or `none` (diffViews' form), read through `get`. */
  private timerView(info: SocketInfo, which: string, reason: string, get: (o: Cells, i: number) => any): string {
    const w = this.run.world;
    const t = info.sk.get(which) as CStruct;
    if (get(t.f, w.timerFields.pending) !== 1) return 'none';
    const ri = this.reasonIndex[reason];
    const view: TimerView = { reason: this.run.constantName(ri === undefined ? 0 : get(info.sk.f, ri), 'TIME_'), expires: get(t.f, w.timerFields.expires) };
    return `${view.reason} @${view.expires}`;
  }
}
