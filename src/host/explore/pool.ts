// The explorer from files on disk: loads the scenario on the release, makes the plan (the first
// runs), refuses bounds that would explode before any more work, then runs the tasks on `jobs`
// worker threads (in this thread for one job), task i on worker i mod jobs. Results are merged in a
// fixed order, so the same input gives the same outcomes, counts and schedules whatever the
// timing; only `pruned` depends on how the tasks were shared (each worker prunes on its own memo).

import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { loadReleaseRun } from '../load';
import { makePlan, ordered, runTasks, type Plan, type Task } from '../../engine/explore/plan';
import { ExploreCancelled, ExploreLimit, mergeTallies, type ExploreStats, type Tallies, type Tally, type Variant } from '../../engine/explore/search';
import { DEFAULT_UNTIL_AFTER, type Bounds } from '../../engine/explore/schedule';
import type { BoundScenario } from '../../engine/release/bind';
import type { WorkerInput, WorkerMessage } from './protocol';

export interface ExploreRequest {
  scenarioPath: string;
  scenarioText?: string;
  kernelPath?: string;
  stepBudget?: number;
  bounds: Bounds;
  jobs?: number;
  /** run even one job in a worker thread (the editor's: its own thread must stay free) */
  threads?: boolean;
  /** the running totals, now and then */
  progress?: (p: { done: ExploreStats; tasks: number; estimate: number }) => void;
  signal?: AbortSignal;
}

export interface ExploreResult {
  bound: BoundScenario;
  /** the bounds as run (--until resolved) */
  bounds: Bounds;
  text: string;
  variants: Variant[];
  outcomes: Tally[];
  stats: ExploreStats;
  /** schedules counted (every outcome's count summed) */
  schedules: number;
  choicePoints: number;
  estimate: number;
  jobs: number;
  ms: number;
}

/** Bounds the explorer will not start on: the estimate and the limit, said before any work. */
export class ExploreRefused extends Error {}

export const defaultJobs = (): number => Math.max(1, availableParallelism());

function startWorker(workerData: WorkerInput): Worker {
  // from the sources (tests, tsx) the worker is its .ts file, loaded through tsx's require hook; from dist/ the bundle beside this one
  if (__filename.endsWith('.ts')) return new Worker(`require('tsx/cjs'); require(${JSON.stringify(join(__dirname, 'worker.ts'))});`, { eval: true, workerData });
  return new Worker(join(__dirname, 'exploreWorker.js'), { workerData });
}

export async function exploreScenario(req: ExploreRequest): Promise<ExploreResult> {
  const t0 = performance.now();
  const { run, text } = await loadReleaseRun({ scenarioPath: req.scenarioPath, scenarioText: req.scenarioText, kernelPath: req.kernelPath, stepBudget: req.stepBudget });
  const bound = run.bound;
  const last = Math.max(0, ...bound.events.map((e) => e.time));
  const bounds: Bounds = { ...req.bounds, until: req.bounds.until || last + DEFAULT_UNTIL_AFTER };
  if (bounds.until < last) throw new ExploreRefused(`--until is before the scenario's last event (at jiffy ${last}): the runs would stop before the scenario ends`);
  const plan = makePlan(run.image, bound, bounds, { stepBudget: req.stepBudget });
  if (!plan.points && plan.variants.length <= 1) throw new ExploreRefused('there is nothing to vary: no socket sends a segment over a link (the explorer varies what happens to linked segments, and close() times with --close-times)');
  if (plan.estimate > bounds.maxSchedules) throw new ExploreRefused(`these bounds allow about ${plan.estimate.toLocaleString('en')} schedules (${plan.points} choice points in the first runs), more than the limit of ${bounds.maxSchedules.toLocaleString('en')}: lower the bounds, or raise --max-schedules`);
  const jobs = Math.max(1, Math.min(req.jobs ?? defaultJobs(), plan.tasks.length || 1));
  const tallies: Tallies = new Map();
  mergeTallies(tallies, plan.tallies);
  const stats: ExploreStats = { ...plan.stats };
  const shares: Task[][] = Array.from({ length: jobs }, () => []);
  plan.tasks.forEach((t, i) => shares[i % jobs].push(t));
  const progress = (done: ExploreStats[]) => req.progress?.({ done: sum([plan.stats, ...done]), tasks: plan.tasks.length, estimate: plan.estimate });
  // the limit on schedules, shared out among the workers (each counts its own)
  const share = { ...bounds, maxSchedules: Math.max(1, Math.ceil((bounds.maxSchedules - plan.variants.length) / jobs)) };
  let results: { tallies: Tally[]; stats: ExploreStats }[];
  try {
    results = await runShares(req, share, shares, plan, progress);
  } catch (e) {
    if (e instanceof ExploreLimit) throw new ExploreLimit(`the bounds allow more than ${bounds.maxSchedules.toLocaleString('en')} schedules (--max-schedules): the exploration stopped there; lower the bounds, or raise the limit`);
    throw e;
  }
  // merged in worker order: the same totals and the same shortest schedules whatever finished first
  for (const r of results) {
    mergeTallies(tallies, new Map(r.tallies.map((t) => [t.cls.key, t])));
    Object.assign(stats, sum([stats, r.stats]));
  }
  const outcomes = ordered(tallies);
  return { bound, bounds, text, variants: plan.variants, outcomes, stats, schedules: outcomes.reduce((n, t) => n + t.count, 0), choicePoints: plan.points, estimate: plan.estimate, jobs, ms: performance.now() - t0 };
}

async function runShares(req: ExploreRequest, bounds: Bounds, shares: Task[][], plan: Plan, progress: (done: ExploreStats[]) => void): Promise<{ tallies: Tally[]; stats: ExploreStats }[]> {
  if (shares.length === 1 && !req.threads) {
    const r = runTasks(plan.image, plan.variants, bounds, shares[0], {
      stepBudget: req.stepBudget,
      cancelled: () => !!req.signal?.aborted,
      progress: (s) => progress([s]),
    });
    return [{ tallies: [...r.tallies.values()], stats: r.stats }];
  }
  return inWorkers({ ...req, bounds }, shares, progress);
}

function sum(xs: ExploreStats[]): ExploreStats {
  return xs.reduce((a, b) => ({ runs: a.runs + b.runs, pruned: a.pruned + b.pruned, voided: a.voided + b.voided }), { runs: 0, pruned: 0, voided: 0 });
}

function inWorkers(req: ExploreRequest, shares: Task[][], progress: (done: ExploreStats[]) => void): Promise<{ tallies: Tally[]; stats: ExploreStats }[]> {
  const now: ExploreStats[] = shares.map(() => ({ runs: 0, pruned: 0, voided: 0 }));
  const workers: Worker[] = [];
  const stopAll = () => {
    for (const w of workers) void w.terminate();
  };
  return new Promise((resolve, reject) => {
    const results: { tallies: Tally[]; stats: ExploreStats }[] = [];
    let left = shares.length;
    const fail = (e: Error) => {
      stopAll();
      reject(e);
    };
    req.signal?.addEventListener('abort', () => fail(new ExploreCancelled('cancelled')), { once: true });
    shares.forEach((tasks, i) => {
      const input: WorkerInput = { scenarioPath: req.scenarioPath, scenarioText: req.scenarioText, kernelPath: req.kernelPath, stepBudget: req.stepBudget, bounds: req.bounds, tasks };
      const w = startWorker(input);
      workers.push(w);
      w.on('message', (m: WorkerMessage) => {
        if (m.type === 'progress') {
          now[i] = m.stats;
          progress(now);
        } else if (m.type === 'failed') {
          fail(m.limit ? new ExploreLimit(m.message) : new Error(`explorer worker ${i + 1}: ${m.message}`));
        } else {
          now[i] = m.stats;
          results[i] = { tallies: m.tallies, stats: m.stats };
          void w.terminate();
          if (--left === 0) resolve(results);
        }
      });
      w.on('error', (e) => fail(e));
    });
  });
}
