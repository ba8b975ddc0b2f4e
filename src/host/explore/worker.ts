// One worker thread of the explorer: loads the scenario on the release as the pool did, runs its
// share of the tasks with one explorer (one memo), and posts progress and its tallies.

import { parentPort, workerData } from 'node:worker_threads';
import { runTasks } from '../../engine/explore/plan';
import { ExploreLimit, variants } from '../../engine/explore/search';
import { loadReleaseRun } from '../load';
import type { WorkerInput, WorkerMessage } from './protocol';

async function main(input: WorkerInput): Promise<WorkerMessage> {
  const { run } = await loadReleaseRun({ scenarioPath: input.scenarioPath, scenarioText: input.scenarioText, kernelPath: input.kernelPath, stepBudget: input.stepBudget });
  const vs = variants(run.bound, input.bounds);
  let last = 0;
  const r = runTasks(run.image, vs, input.bounds, input.tasks, {
    stepBudget: input.stepBudget,
    progress: (stats) => {
      const now = performance.now();
      if (now - last < 200) return;
      last = now;
      parentPort!.postMessage({ type: 'progress', stats: { ...stats } } satisfies WorkerMessage);
    },
  });
  return { type: 'done', tallies: [...r.tallies.values()], stats: r.stats };
}

if (parentPort) {
  main(workerData as WorkerInput).then(
    (m) => parentPort!.postMessage(m),
    (e: unknown) => parentPort!.postMessage({ type: 'failed', message: e instanceof Error ? e.message : String(e), limit: e instanceof ExploreLimit } satisfies WorkerMessage),
  );
}
