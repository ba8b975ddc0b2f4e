// Builds the panel's view of a stop (src/common/protocol.ts) from a run: every socket's fields,
// who last wrote each, the timers, the segments and the transitions since the previous view.

import type { Run } from '../engine/run';
import { displayField, socketView } from '../engine/inspect';
import { SocketChanges, type Mark } from '../engine/changes';
import { flagText, type Segment, type SocketInfo } from '../engine/world';
import type { SegmentSnapshot, SocketSnapshot, StopSnapshot } from '../common/protocol';

/** At most this many segments and scenario events go into one snapshot. */
export const MAX_SEGMENTS = 500;
export const MAX_EVENTS = 1000;

/**
 * At most this many sockets go into one snapshot. A scenario of more (a generated run of
 * thousands) shows a window: the socket whose code runs and its peer, the sockets the step
 * changed, those of the previous snapshot, then the first declared; `socketCount` says how many
 * there are. With the caches below, a snapshot costs the same at any number of sockets.
 */
export const MAX_SOCKETS = 16;
/** Farther apart than this many logged writes, two snapshots are compared socket by socket. */
const LOG_LIMIT = 100_000;

/** What a stop of either engine says of itself, as the snapshot carries it. */
export function stopHeader(
  stop: { index: number; kind: StopSnapshot['kind']; clock: number; socket: string; fn?: { name: string }; loc?: { file: string; line: number }; message?: string },
  stopCount: number,
): Pick<StopSnapshot, 'index' | 'stopCount' | 'kind' | 'clock' | 'socket' | 'fn' | 'file' | 'line' | 'message'> {
  return { index: stop.index, stopCount, kind: stop.kind, clock: stop.clock, socket: stop.socket, fn: stop.fn?.name, file: stop.loc?.file, line: stop.loc?.line, message: stop.message };
}

/** Builds the snapshots of one run, keeping what a step did not change. */
export class SnapshotBuilder {
  private readonly changes: SocketChanges;
  /** the moment the cache is valid at (the last snapshot built) */
  private mark: Mark | undefined;
  private last: StopSnapshot | undefined;
  /** each socket's snapshot as of `mark`, for the sockets not written since */
  private readonly cache = new Map<string, SocketSnapshot>();
  private readonly rank: Map<string, number>;
  private window: string[] = [];
  /** the panel's form of world.segments[i] (a segment never changes once recorded), and the segment */
  private readonly segs: SegmentSnapshot[] = [];
  private readonly segOf: Segment[] = [];
  private events: { all: StopSnapshot['events']; times: number[] } | undefined;

  constructor(private readonly run: Run) {
    this.changes = new SocketChanges(run);
    this.rank = new Map(run.socketOrder.map((n, i) => [n, i]));
  }

  build(prev: StopSnapshot | undefined): StopSnapshot {
    const run = this.run;
    const stop = run.stopInfo(run.stopIndex);
    const since = this.mark ? this.changes.since(this.mark, LOG_LIMIT) : undefined;
    if (since) for (const n of since.touched) this.cache.delete(n);
    else this.cache.clear();
    this.window = this.pickWindow(stop.socket, since?.changes ?? []);
    const sockets: Record<string, SocketSnapshot> = {};
    for (const name of this.window) {
      let s = this.cache.get(name);
      if (!s) this.cache.set(name, (s = socketSnapshot(run, run.world.sockets.get(name)!)));
      sockets[name] = s;
    }
    const changed: StopSnapshot['changed'] = [];
    const transitions: StopSnapshot['transitions'] = [];
    if (prev && prev === this.last && since) {
      // what the writes logged since the previous snapshot changed, in every socket
      for (const c of since.changes) {
        changed.push({ socket: c.socket, field: c.field, before: c.before, after: c.after });
        if (c.field !== 'state') continue;
        const w = c.at !== undefined ? writerAt(run, c.at) : (sockets[c.socket]?.writers.state ?? lastWriterOf(run, c.socket, 'state'));
        const t = transitionTaker(run, w);
        transitions.push({ socket: c.socket, from: run.constantName(c.from!, 'TCP_'), to: run.constantName(c.to!, 'TCP_'), fn: t?.fn, line: t?.line });
      }
    } else if (prev) compareSockets(run, prev, sockets, changed, transitions);
    const item = stop.item;
    let currentSegment: number | undefined;
    if (item?.kind === 'delivery') currentSegment = item.seg.id;
    else if (item?.kind === 'event' && (item.event.action.kind === 'receive' || item.event.action.kind === 'call')) {
      const all = run.world.segments;
      for (let i = all.length - 1; i >= 0; i--) {
        if (all[i].line === item.event.line) {
          currentSegment = all[i].id;
          break;
        }
      }
    }
    const snap: StopSnapshot = {
      ...stopHeader(stop, run.stopCount),
      sockets,
      changed,
      segments: this.segments(),
      currentSegment,
      transitions,
      events: this.eventsNear(stop.clock),
    };
    if (run.socketOrder.length > this.window.length) snap.socketCount = run.socketOrder.length;
    this.mark = this.changes.mark();
    this.last = snap;
    return snap;
  }

  /** The sockets shown: all of them, or MAX_SOCKETS chosen as MAX_SOCKETS says, in declaration order. */
  private pickWindow(current: string, changes: readonly { socket: string }[]): string[] {
    const order = this.run.socketOrder;
    if (order.length <= MAX_SOCKETS) return order;
    const picked = new Set<string>();
    const add = (n: string | undefined) => {
      if (n !== undefined && picked.size < MAX_SOCKETS && this.rank.has(n)) picked.add(n);
    };
    add(current);
    add(this.run.world.sockets.get(current)?.peer);
    for (const c of changes) add(c.socket);
    for (const n of this.window) add(n);
    for (let i = 0; picked.size < MAX_SOCKETS && i < order.length; i++) add(order[i]);
    return [...picked].sort((a, b) => this.rank.get(a)! - this.rank.get(b)!);
  }

  /** The latest MAX_SEGMENTS segments (a close is a handful; a generated run has thousands). */
  private segments(): SegmentSnapshot[] {
    const all = this.run.world.segments;
    const from = Math.max(0, all.length - MAX_SEGMENTS);
    // a recorded segment never changes: its form is made once (again only after a branch of history)
    for (let i = from; i < all.length; i++) {
      if (this.segOf[i] !== all[i]) {
        this.segOf[i] = all[i];
        this.segs[i] = segmentSnapshot(all[i]);
      }
    }
    return this.segs.slice(from, all.length);
  }

  /** The scenario's events for the time axis: all of them, or the MAX_EVENTS nearest to `clock`. */
  private eventsNear(clock: number): StopSnapshot['events'] {
    const run = this.run;
    if (!this.events) {
      const ev = run.scenario.events;
      this.events = { all: ev.map((e) => ({ time: e.time, line: e.line, text: (run.scenarioLines[e.line - 1] ?? '').replace(/#.*$/, '').trim() })), times: ev.map((e) => e.time) };
    }
    const { all, times } = this.events;
    if (all.length <= MAX_EVENTS) return all;
    // the first event at or after `clock` (events are in time order)
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (times[mid] < clock) lo = mid + 1;
      else hi = mid;
    }
    const from = Math.max(0, Math.min(lo - MAX_EVENTS / 2, all.length - MAX_EVENTS));
    return all.slice(from, from + MAX_EVENTS);
  }
}

function segmentSnapshot(s: Segment): SegmentSnapshot {
  return { id: s.id, from: s.from, to: s.to, time: s.time, flags: flagText(s.flags), seq: s.seq, ack: s.ack, len: s.len, dropped: s.dropped };
}

/** One socket at the current stop: its fields as numbers and for reading, who last wrote each, its timers. */
export function socketSnapshot(run: Run, info: SocketInfo): SocketSnapshot {
  const v = socketView(run, info);
  const display: Record<string, string> = {};
  const writers: SocketSnapshot['writers'] = {};
  for (const [k, x] of Object.entries(v.fields)) {
    display[k] = displayField(run, k, x);
    const fl = info.sk.type.byName.get(k);
    const w = fl ? run.H.lastWriter(info.sk.f, fl.index, run.stopIndex) : undefined;
    if (w !== undefined) {
      const at = writerAt(run, w);
      if (at) writers[k] = at;
    }
  }
  return { fields: v.fields, display, writers, timer: v.timer, retransmit_timer: v.retransmit_timer };
}

function writerAt(run: Run, stop: number): SocketSnapshot['writers'][string] | undefined {
  const at = run.lineOf(stop);
  return at.fn ? { stop, fn: at.fn, file: at.file!, line: at.line } : undefined;
}

function lastWriterOf(run: Run, socket: string, field: string): SocketSnapshot['writers'][string] | undefined {
  const sk = run.world.sockets.get(socket)!.sk;
  const w = run.H.lastWriter(sk.f, sk.type.byName.get(field)!.index, run.stopIndex);
  return w === undefined ? undefined : writerAt(run, w);
}

/** The changes between two snapshots, socket by socket (when the log between them is not used). */
function compareSockets(run: Run, prev: StopSnapshot, sockets: Record<string, SocketSnapshot>, changed: StopSnapshot['changed'], transitions: StopSnapshot['transitions']): void {
  for (const [name, s] of Object.entries(sockets)) {
    const p = prev.sockets[name];
    if (!p) continue;
    for (const k of Object.keys(s.display)) if (p.display[k] !== s.display[k]) changed.push({ socket: name, field: k, before: p.display[k], after: s.display[k] });
    for (const k of ['timer', 'retransmit_timer'] as const) {
      const a = p[k] ? `${p[k]!.reason} @${p[k]!.expires}` : 'none';
      const b = s[k] ? `${s[k]!.reason} @${s[k]!.expires}` : 'none';
      if (a !== b) changed.push({ socket: name, field: k, before: a, after: b });
    }
    if (p.fields.state !== s.fields.state) {
      const w = transitionTaker(run, s.writers.state);
      transitions.push({ socket: name, from: run.constantName(p.fields.state, 'TCP_'), to: run.constantName(s.fields.state, 'TCP_'), fn: w?.fn, line: w?.line });
    }
  }
}

const builders = new WeakMap<Run, SnapshotBuilder>();

/**
 * The panel's view of the current stop; `prev` is the snapshot shown before, for what changed
 * since. Built by one builder per run, which finds the changes from the writes the history
 * logged since its last snapshot and rebuilds only the sockets they touched.
 */
export function buildSnapshot(run: Run, prev?: StopSnapshot): StopSnapshot {
  let b = builders.get(run);
  if (!b) builders.set(run, (b = new SnapshotBuilder(run)));
  return b.build(prev);
}

/**
 * Who took a state transition: tcp_set_state only carries it out, so when it wrote the state
 * and is still on the stack, the transition is its caller's (tcp_fin:1210, tcp_close_state:708).
 */
function transitionTaker(run: Run, w: { fn: string; line: number } | undefined): { fn: string; line: number } | undefined {
  if (!w || w.fn !== 'tcp_set_state') return w;
  const stack = run.machine.stack();
  const i = stack.findIndex((f) => f.fn.name === w.fn);
  const caller = i >= 0 ? stack[i + 1] : undefined;
  return caller ? { fn: caller.fn.name, line: caller.loc.line } : w;
}
