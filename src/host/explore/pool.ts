// The explorer from files on disk: loads the scenario on the release, makes the plan (the first
// runs), refuses bounds that would explode before any more work, then runs the tasks on `jobs`
// worker threads (in this thread for one job). The workers load the release while the plan is
// made, and take the next task as they finish one. Each task is explored on its own and merging
// tallies does not depend on their order (counts add up; the shorter schedule, in a fixed order,
// wins), so the same input gives the same result, pruned count included, on any number of jobs.

import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { loadReleaseRun } from '../load';
import { addStats, makePlan, ordered, runTasks, type Plan } from '../../engine/explore/plan';
import { ExploreCancelled, ExploreLimit, mergeTallies, type ExploreStats, type Tallies, type Tally, type Variant } from '../../engine/explore/search';
import { DEFAULT_UNTIL_AFTER, type Bounds } from '../../engine/explore/schedule';
import type { BoundScenario } from '../../engine/release/bind';
import type { PoolMessage, WorkerInput, WorkerMessage } from './protocol';

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
  // (each loads the release image itself: about as long as this thread's load)
  // from the sources (tests, tsx) the worker is its .ts file, loaded through tsx's require hook; from dist/ the bundle beside this one
  if (__filename.endsWith('.ts')) return new Worker(`require('tsx/cjs'); require(${JSON.stringify(join(__dirname, 'worker.ts'))});`, { eval: true, workerData });
  return new Worker(join(__dirname, 'exploreWorker.js'), { workerData });
}

export async function exploreScenario(req: ExploreRequest): Promise<ExploreResult> {
  const t0 = performance.now();
  const wanted = Math.max(1, req.jobs ?? defaultJobs());
  // the workers start loading now, beside this thread's load and first runs
  const input: WorkerInput = { scenarioPath: req.scenarioPath, scenarioText: req.scenarioText, kernelPath: req.kernelPath, stepBudget: req.stepBudget };
  const workers = wanted > 1 || req.threads ? Array.from({ length: wanted }, () => startWorker(input)) : [];
  try {
    const { run, text } = await loadReleaseRun(input);
    const bound = run.bound;
    const last = Math.max(0, ...bound.events.map((e) => e.time));
    const bounds: Bounds = { ...req.bounds, until: req.bounds.until || last + DEFAULT_UNTIL_AFTER };
    if (bounds.until < last) throw new ExploreRefused(`--until is before the scenario's last event (at jiffy ${last}): the runs would stop before the scenario ends`);
    const plan = makePlan(run.image, bound, bounds, { stepBudget: req.stepBudget });
    if (!plan.points && plan.variants.length <= 1) throw new ExploreRefused('there is nothing to vary: no socket sends a segment over a link (the explorer varies what happens to linked segments, and close() times with --close-times)');
    if (plan.estimate > bounds.maxSchedules) throw new ExploreRefused(`these bounds allow about ${plan.estimate.toLocaleString('en')} schedules (${plan.points} choice points in the first runs), more than the limit of ${bounds.maxSchedules.toLocaleString('en')}: lower the bounds, or raise --max-schedules`);
    const tallies: Tallies = new Map();
    mergeTallies(tallies, plan.tallies);
    const progress = (done: ExploreStats) => req.progress?.({ done: addStats(plan.stats, done), tasks: plan.tasks.length, estimate: plan.estimate });
    const first = [...plan.tallies.values()].reduce((n, t) => n + t.count, 0);
    let r: { tallies: Tallies; stats: ExploreStats };
    try {
      r = workers.length
        ? await inWorkers(workers, { ...bounds, maxSchedules: bounds.maxSchedules - first }, plan, req.signal, progress)
        : runTasks(plan.image, plan.variants, { ...bounds, maxSchedules: bounds.maxSchedules - first }, plan.tasks, { stepBudget: req.stepBudget, cancelled: () => !!req.signal?.aborted, progress });
    } catch (e) {
      if (e instanceof ExploreLimit) throw new ExploreLimit(`the bounds allow more than ${bounds.maxSchedules.toLocaleString('en')} schedules (--max-schedules): the exploration stopped there; lower the bounds, or raise the limit`);
      throw e;
    }
    mergeTallies(tallies, r.tallies);
    const stats = addStats(plan.stats, r.stats);
    const outcomes = ordered(tallies);
    const jobs = workers.length ? Math.max(1, Math.min(workers.length, plan.tasks.length)) : 1;
    return { bound, bounds, text, variants: plan.variants, outcomes, stats, schedules: outcomes.reduce((n, t) => n + t.count, 0), choicePoints: plan.points, estimate: plan.estimate, jobs, ms: performance.now() - t0 };
  } finally {
    for (const w of workers) void w.terminate();
  }
}

/** Hands the plan's tasks to the workers, the next to whichever finishes first; their tallies merged, stats summed; stops at the limit or a cancel. */
function inWorkers(workers: Worker[], bounds: Bounds, plan: Plan, signal: AbortSignal | undefined, progress: (done: ExploreStats) => void): Promise<{ tallies: Tallies; stats: ExploreStats }> {
  return new Promise((resolve, reject) => {
    const tallies: Tallies = new Map();
    let stats: ExploreStats = { runs: 0, pruned: 0, voided: 0 };
    const running: (ExploreStats | undefined)[] = workers.map(() => undefined);
    let next = 0;
    let done = 0;
    let counted = 0;
    let over = false;
    const finish = (e?: Error) => {
      if (over) return;
      over = true;
      if (e) reject(e);
      else resolve({ tallies, stats });
    };
    const now = () => running.reduce<ExploreStats>((a, b) => (b ? addStats(a, b) : a), stats);
    const give = (w: Worker) => {
      if (next >= plan.tasks.length) return w.postMessage({ type: 'stop' } satisfies PoolMessage);
      const index = next++;
      w.postMessage({ type: 'task', index, task: plan.tasks[index], bounds: { ...bounds, maxSchedules: bounds.maxSchedules - counted } } satisfies PoolMessage);
    };
    if (!plan.tasks.length) return finish();
    signal?.addEventListener('abort', () => finish(new ExploreCancelled('cancelled')), { once: true });
    workers.forEach((w, i) => {
      w.on('message', (m: WorkerMessage) => {
        if (over) return;
        if (m.type === 'ready') give(w);
        else if (m.type === 'progress') {
          running[i] = m.stats;
          progress(now());
        } else if (m.type === 'failed') finish(m.limit ? new ExploreLimit(m.message) : new Error(`explorer worker ${i + 1}: ${m.message}`));
        else {
          running[i] = undefined;
          stats = addStats(stats, m.stats);
          mergeTallies(tallies, new Map(m.tallies.map((t) => [t.cls.key, t])));
          for (const t of m.tallies) counted += t.count;
          progress(now());
          if (counted > bounds.maxSchedules) return finish(new ExploreLimit('limit'));
          if (++done === plan.tasks.length) return finish();
          give(w);
        }
      });
      w.on('error', (e) => finish(e));
      // a worker gone without a word (out of memory): said, not waited for
      w.on('exit', (code) => code !== 0 && finish(new Error(`explorer worker ${i + 1} stopped (exit code ${code})`)));
    });
  });
}
