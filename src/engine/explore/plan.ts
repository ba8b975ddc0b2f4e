// The explorer's plan: the variants (close times), each one's first run, and the tasks the rest of
// the search is split into (one per choice point of a first run and fate), which the host hands to
// worker threads: task i to worker i mod jobs, so the same input gives the same work to the same
// worker every time.

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

/** Runs `tasks` (one worker's share) with one explorer: their tallies, and the explorer's stats. */
export function runTasks(image: ReleaseImage, vs: Variant[], bounds: Bounds, tasks: Task[], opts: ExploreOptions = {}): { tallies: Tallies; stats: ExploreStats } {
  const ex = new Explorer(image, bounds, opts);
  const tallies: Tallies = new Map();
  for (const t of tasks) {
    const v = vs[t.variant];
    mergeTallies(tallies, ex.explore(v, { closes: v.closes, fates: [t.fate] }));
  }
  return { tallies, stats: ex.stats };
}

/** The tallies in their reported order: most schedules first, then by class. */
export function ordered(t: Tallies): Tally[] {
  return [...t.values()].sort((a, b) => b.count - a.count || (a.cls.key < b.cls.key ? -1 : a.cls.key > b.cls.key ? 1 : 0));
}
