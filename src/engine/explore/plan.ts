// The explorer's plan: the variants (close times), each one's first run, and the tasks the rest of
// the search is split into (one per choice point of a first run and fate), which the host hands out
// to worker threads as they ask. Each task is explored on its own (its own memo), so its result is
// the same whichever worker ran it.

import type { BoundScenario } from '../release/bind';
import type { ReleaseImage } from '../release/image';
import type { Bounds, Fate } from './schedule';
import { Explorer, fatesLeft, mergeTallies, variants, type ExploreOptions, type ExploreStats, type Tallies, type Tally, type Variant } from './search';

export interface Task {
  variant: number;
  fate: Fate;
}

export interface Plan {
  image: ReleaseImage;
  variants: Variant[];
  /** the first runs' tallies (one schedule per variant: no fate) */
  tallies: Tallies;
  tasks: Task[];
  /** the choice points of the first runs, all variants */
  points: number;
  /** a rough count of the schedules the bounds allow (from the first runs' choice points; fates make more) */
  estimate: number;
  stats: ExploreStats;
}

function choose(n: number, k: number): number {
  let r = 1;
  for (let i = 0; i < k; i++) r = (r * (n - i)) / (i + 1);
  return r;
}

/** How many schedules `m` choice points allow, with `kinds` fates each and at most `budget` fates in all, roughly. */
export function estimateSchedules(m: number, kinds: number, budget: number): number {
  let total = 0;
  for (let k = 0; k <= Math.min(budget, m); k++) total += choose(m, k) * kinds ** k;
  return Math.round(total);
}

export function makePlan(image: ReleaseImage, bound: BoundScenario, bounds: Bounds, opts: ExploreOptions = {}): Plan {
  const vs = variants(bound, bounds);
  const ex = new Explorer(image, bounds, opts);
  const tallies: Tallies = new Map();
  const tasks: Task[] = [];
  let points = 0;
  let estimate = 0;
  const kinds = fatesLeft(bounds, { closes: [], fates: [] });
  const budget = bounds.drops + bounds.duplicates + bounds.reorders + (bounds.delays.length ? bounds.delayed : 0);
  for (const v of vs) {
    const r = ex.root(v);
    mergeTallies(tallies, r.tallies);
    points += r.points.length;
    estimate += estimateSchedules(r.points.length, kinds.length, budget);
    for (const p of r.points) for (const f of kinds) tasks.push({ variant: v.index, fate: { sock: p.sock, n: p.n, ...f } });
  }
  return { image, variants: vs, tallies, tasks, points, estimate, stats: { ...ex.stats } };
}

/**
 * Runs one task with an explorer of its own (its own memo): its tallies and stats depend on the
 * task alone, not on which worker ran it or what it ran before, so the results are the same on any
 * number of jobs.
 */
export function runTask(image: ReleaseImage, vs: Variant[], bounds: Bounds, task: Task, opts: ExploreOptions = {}): { tallies: Tallies; stats: ExploreStats } {
  const ex = new Explorer(image, bounds, opts);
  const v = vs[task.variant];
  return { tallies: ex.explore(v, { closes: v.closes, fates: [task.fate] }), stats: ex.stats };
}

/** Runs `tasks` one after the other in this thread (runTask each): their tallies merged, their stats summed. */
export function runTasks(image: ReleaseImage, vs: Variant[], bounds: Bounds, tasks: Task[], opts: ExploreOptions = {}): { tallies: Tallies; stats: ExploreStats } {
  const tallies: Tallies = new Map();
  const stats: ExploreStats = { runs: 0, pruned: 0, voided: 0 };
  let counted = 0;
  for (const t of tasks) {
    const base = { ...stats };
    const r = runTask(image, vs, { ...bounds, maxSchedules: bounds.maxSchedules - counted }, t, { ...opts, progress: opts.progress && ((s) => opts.progress!(addStats(base, s))) });
    mergeTallies(tallies, r.tallies);
    Object.assign(stats, addStats(stats, r.stats));
    for (const x of r.tallies.values()) counted += x.count;
  }
  return { tallies, stats };
}

export function addStats(a: ExploreStats, b: ExploreStats): ExploreStats {
  return { runs: a.runs + b.runs, pruned: a.pruned + b.pruned, voided: a.voided + b.voided };
}

/** The tallies in their reported order: most schedules first, then by class. */
export function ordered(t: Tallies): Tally[] {
  return [...t.values()].sort((a, b) => b.count - a.count || (a.cls.key < b.cls.key ? -1 : a.cls.key > b.cls.key ? 1 : 0));
}
