// The explorer's search: every schedule within the bounds, each run on the release, the outcomes
// tallied by the sockets' end states.
//
// A run of a schedule S meets choice points: each segment a socket sends over a link after S's last
// fate. The schedules extending S are S itself and, for each choice point j and each fate f the
// budgets still allow, the schedules extending S + {j: f}. That is the recursion of `explore`,
// depth first, each schedule's run made from the start (runs are deterministic, so a run of S + {j: f}
// is the run of S up to j).
//
// Pruning: at each choice point the run's state is digested (memory and agenda:
// src/engine/release/digest.ts), with the budgets left. Every schedule extending S from j on ends
// the same way as those extending another schedule whose run reached the same digest, so the
// second visit takes the first one's tally (counts, and each outcome's shortest extension,
// renumbered) instead of running them. The tally counts every schedule either way; `pruned` says how
// many were counted without a run of their own.

import { ReleaseRun, type ReleaseStop } from '../release/run';
import { moveCloses, type BoundFate, type BoundScenario } from '../release/bind';
import type { ReleaseImage } from '../release/image';
import { digestMemory, StateHash } from '../release/digest';
import { shorter, used, type Bounds, type CloseMove, type Fate, type Schedule } from './schedule';

/** Where a socket ends: its state, and (when not TCP_CLOSE) the timers it has armed, by reason. */
export interface SockEnd {
  name: string;
  state: string;
  timers: string[];
}

/** An outcome class: the end state of every socket, whether an RST was sent, and a fault or a used-up budget that stopped the run. */
export interface OutcomeClass {
  key: string;
  socks: SockEnd[];
  rst: boolean;
  error?: string;
}

export interface Tally {
  cls: OutcomeClass;
  /** schedules that end this way */
  count: number;
  /** of them, those where an expectation of the scenario failed */
  failed: number;
  /** the shortest of them (fewest changes, then canonical order) */
  shortest: Schedule;
}

export type Tallies = Map<string, Tally>;

/** One scenario variant: the closes moved by one choice of the close times, the clock run to `until`. */
export interface Variant {
  index: number;
  closes: CloseMove[];
  bound: BoundScenario;
}

/** A choice point of a run: the segment (its sock and number), the digest there, and each sock's link count then. */
export interface ChoicePoint {
  sock: number;
  n: number;
  key: string;
  base: number[];
}

export class ExploreCancelled extends Error {}
export class ExploreLimit extends Error {}

const STOP = Symbol('pruned');

/** The variants: every combination of close moves for the sockets that close, each with a `wait` at `until`. */
export function variants(bound: BoundScenario, bounds: Bounds): Variant[] {
  const closing = [...new Set(bound.events.filter((e) => e.action.kind === 'close').map((e) => e.sock))].sort((a, b) => a - b);
  const moves = [...new Set(bounds.closeTimes)].sort((a, b) => Math.abs(a) - Math.abs(b) || a - b);
  let combos: CloseMove[][] = [[]];
  for (const sock of closing) combos = combos.flatMap((c) => moves.map((delta) => [...c, { sock, delta }]));
  const out: Variant[] = [];
  for (const closes of combos) {
    let events: BoundScenario['events'] | undefined = bound.events;
    for (const c of closes) if (c.delta && events) events = moveCloses(events, c.sock, c.delta);
    if (!events) continue;
    const last = Math.max(0, ...events.map((e) => e.time));
    if (bounds.until > last) events = [...events, { time: bounds.until, sock: -1, line: 0, action: { kind: 'wait' } }];
    out.push({ index: out.length, closes: closes.filter((c) => c.delta !== 0), bound: { ...bound, events } });
  }
  return out;
}

/** The fates a schedule may still give one segment. */
export function fatesLeft(bounds: Bounds, s: Schedule): Omit<Fate, 'sock' | 'n'>[] {
  const u = used(s.fates);
  const out: Omit<Fate, 'sock' | 'n'>[] = [];
  if (u.drop < bounds.drops) out.push({ fate: 'drop', extra: 0 });
  if (u.duplicate < bounds.duplicates) out.push({ fate: 'duplicate', extra: 0 });
  if (u.reorder < bounds.reorders) out.push({ fate: 'reorder', extra: 0 });
  if (u.delay < bounds.delayed) for (const d of bounds.delays) out.push({ fate: 'delay', extra: d });
  return out;
}

/** Where a finished run ended. */
export function classify(run: ReleaseRun, stop: ReleaseStop): OutcomeClass {
  const socks = run.socks.map((s) => {
    const state = run.stateName(run.field(s.sk, 'state'));
    const timers: string[] = [];
    if (state !== 'TCP_CLOSE')
      for (const w of ['timer', 'retransmit_timer'] as const) if (run.timerPending(run.timerAddress(s.sk, w))) timers.push(run.timerReason(s.sk, w));
    return { name: s.name, state, timers };
  });
  const rst = run.segs.some((r) => r.flags.includes('R'));
  // a fault's text without its numbers (addresses, jiffies), so like faults are one class
  const error = stop.kind === 'error' ? (stop.message ?? 'a fault').replace(/0x[0-9a-f]+|\d+/g, 'N') : undefined;
  const key = [...socks.map((s) => `${s.name}=${s.state}${s.state !== 'TCP_CLOSE' ? `[${s.timers.join(',') || 'no timer'}]` : ''}`), ...(rst ? ['+RST'] : []), ...(error ? [`!${error}`] : [])].join(' ');
  return { key, socks, rst, ...(error ? { error } : {}) };
}

/** Adds `from` into `into` (counts summed, the shorter schedule kept). */
export function mergeTallies(into: Tallies, from: Tallies): void {
  for (const [k, t] of from) {
    const have = into.get(k);
    if (!have) into.set(k, { ...t });
    else {
      have.count += t.count;
      have.failed += t.failed;
      if (shorter(t.shortest, have.shortest)) have.shortest = t.shortest;
    }
  }
}

interface MemoTally {
  cls: OutcomeClass;
  count: number;
  failed: number;
  /** the shortest schedule's fates past the choice point, numbered as at `base` */
  ext: Fate[];
}

interface Memo {
  tallies: MemoTally[];
  base: number[];
}

export interface ExploreStats {
  /** runs made */
  runs: number;
  /** schedules counted from a pruned state's tally, without a run of their own */
  pruned: number;
  /** schedules that are not schedules: a reorder held its segment back and nothing followed it (a drop, counted as one) */
  voided: number;
}

export interface ExploreOptions {
  stepBudget?: number;
  /** called after each run */
  progress?: (stats: ExploreStats) => void;
  /** asked before each run: true to stop (ExploreCancelled) */
  cancelled?: () => boolean;
  /** false: no pruning (every schedule run; the tests hold the pruned counts against it) */
  prune?: boolean;
}

/** One explorer: its memo of digests, shared by the schedules it is given. */
export class Explorer {
  readonly stats: ExploreStats = { runs: 0, pruned: 0, voided: 0 };
  private readonly memo = new Map<string, Memo>();
  private counted = 0;

  constructor(
    readonly image: ReleaseImage,
    readonly bounds: Bounds,
    private readonly opts: ExploreOptions = {},
  ) {}

  private boundOf(v: Variant, s: Schedule): BoundScenario {
    const fates: BoundFate[] = s.fates.map((f) => ({ ...f, line: 0 }));
    return { ...v.bound, fates: [...v.bound.fates, ...fates] };
  }

  /**
   * Runs schedule `s` of `v`; returns its own tally (or, pruned, the tally of every schedule
   * extending it from the pruned point on) and the choice points met on the way.
   */
  private runOne(v: Variant, s: Schedule, memo: boolean): { tail: Tallies; points: ChoicePoint[]; left: Omit<Fate, 'sock' | 'n'>[] } {
    if (this.opts.cancelled?.()) throw new ExploreCancelled('cancelled');
    if (this.counted >= this.bounds.maxSchedules) throw new ExploreLimit(`the bounds allow more than ${this.bounds.maxSchedules.toLocaleString('en')} schedules (--max-schedules): the exploration stopped there; lower the bounds, or raise the limit`);
    const run = new ReleaseRun(this.image, this.boundOf(v, s), { history: false, stepBudget: this.opts.stepBudget });
    const own = new Set(v.bound.fates.map((f) => `${f.sock}:${f.n}`));
    const fated = new Set(s.fates.map((f) => `${f.sock}:${f.n}`));
    let waiting = fated.size;
    const points: ChoicePoint[] = [];
    const left = fatesLeft(this.bounds, s);
    const spent = used(s.fates);
    let hit: { m: Memo; base: number[] } | undefined;
    run.onLinkSend = (sock, n, wire) => {
      const id = `${sock}:${n}`;
      if (fated.has(id)) {
        waiting--;
        return;
      }
      if (waiting > 0 || own.has(id) || !left.length) return;
      const h = new StateHash();
      h.num(v.index);
      h.num(sock);
      // the budgets left: how many of each fate (the rest of the search from here depends on them)
      for (const k of ['drop', 'duplicate', 'reorder', 'delay'] as const) h.num(spent[k]);
      h.num(run.segs.some((r) => r.flags.includes('R')) ? 1 : 0);
      run.digestAgenda(h, wire);
      digestMemory(run, h);
      const key = h.value;
      const base = run.linkCounts();
      const m = memo ? this.memo.get(key) : undefined;
      if (m) {
        hit = { m, base };
        throw STOP;
      }
      points.push({ sock, n, key, base });
    };
    let stop: ReleaseStop | undefined;
    try {
      run.runFast();
      stop = run.stopInfo(run.stopIndex);
    } catch (e) {
      if (e !== STOP) throw e;
    }
    this.stats.runs++;
    const tail: Tallies = new Map();
    if (hit) {
      for (const t of hit.m.tallies) {
        const ext = t.ext.map((f) => ({ ...f, n: f.n - hit!.m.base[f.sock] + hit!.base[f.sock] }));
        tail.set(t.cls.key, { cls: t.cls, count: t.count, failed: t.failed, shortest: { closes: s.closes, fates: [...s.fates, ...ext] } });
        this.stats.pruned += t.count;
        this.counted += t.count;
      }
    } else if (run.heldBack) {
      this.stats.voided++;
    } else {
      const cls = classify(run, stop!);
      tail.set(cls.key, { cls, count: 1, failed: run.failures.length ? 1 : 0, shortest: s });
      this.counted++;
    }
    this.opts.progress?.(this.stats);
    return { tail, points, left };
  }

  /** The first run of a variant: its own tally and its choice points (the tasks the search is split into). */
  root(v: Variant): { tallies: Tallies; points: ChoicePoint[] } {
    const { tail, points } = this.runOne(v, { closes: v.closes, fates: [] }, false);
    return { tallies: tail, points };
  }

  /** Every schedule extending `s` (fates at choice points after its last one), `s` included. */
  explore(v: Variant, s: Schedule): Tallies {
    const { tail, points, left } = this.runOne(v, s, this.opts.prune !== false);
    let acc = tail;
    for (let i = points.length - 1; i >= 0; i--) {
      const p = points[i];
      const here: Tallies = new Map();
      mergeTallies(here, acc);
      for (const f of left) mergeTallies(here, this.explore(v, { closes: s.closes, fates: [...s.fates, { sock: p.sock, n: p.n, ...f }] }));
      this.remember(p, here, s);
      acc = here;
    }
    return acc;
  }

  private remember(p: ChoicePoint, t: Tallies, s: Schedule): void {
    const mine = new Set(s.fates.map((f) => `${f.sock}:${f.n}`));
    const tallies = [...t.values()].map((x) => ({ cls: x.cls, count: x.count, failed: x.failed, ext: x.shortest.fates.filter((f) => !mine.has(`${f.sock}:${f.n}`)) }));
    this.memo.set(p.key, { tallies, base: p.base });
  }
}
