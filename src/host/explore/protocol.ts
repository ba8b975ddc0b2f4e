// What the explorer's pool and its worker threads say to each other (structured clone: plain data).

import type { Bounds } from '../../engine/explore/schedule';
import type { Task } from '../../engine/explore/plan';
import type { ExploreStats, Tally } from '../../engine/explore/search';

/** A worker's input: how to load the scenario as the pool did, the bounds, and its share of the tasks. */
export interface WorkerInput {
  scenarioPath: string;
  scenarioText?: string;
  kernelPath?: string;
  stepBudget?: number;
  bounds: Bounds;
  tasks: Task[];
}

export type WorkerMessage =
  | { type: 'progress'; stats: ExploreStats }
  | { type: 'done'; tallies: Tally[]; stats: ExploreStats }
  | { type: 'failed'; message: string; limit?: boolean };
