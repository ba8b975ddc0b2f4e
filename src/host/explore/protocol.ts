// What the explorer's pool and its worker threads say to each other (structured clone: plain data).
// A worker loads the scenario on the release (WorkerInput) while the pool makes the plan, says it is
// ready, then is handed one task at a time, as it finishes the last.

import type { Bounds } from '../../engine/explore/schedule';
import type { Task } from '../../engine/explore/plan';
import type { ExploreStats, Tally } from '../../engine/explore/search';

/** A worker's input: how to load the scenario as the pool does. */
export interface WorkerInput {
  scenarioPath: string;
  scenarioText?: string;
  kernelPath?: string;
  stepBudget?: number;
}

/** The pool's: a task to run (its index in the plan), with the bounds; or stop. */
export type PoolMessage = { type: 'task'; index: number; task: Task; bounds: Bounds } | { type: 'stop' };

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'progress'; stats: ExploreStats }
  | { type: 'result'; index: number; tallies: Tally[]; stats: ExploreStats }
  | { type: 'failed'; message: string; limit?: boolean };
