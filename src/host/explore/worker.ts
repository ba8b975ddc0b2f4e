// One worker thread of the explorer: loads the scenario on the release as the pool does, says it is
// ready, then runs each task the pool hands it (an explorer of its own per task) and posts its
// progress and its tallies.

import { parentPort, workerData } from 'node:worker_threads';
import { runTask } from '../../engine/explore/plan';
import { ExploreLimit, variants, type Variant } from '../../engine/explore/search';
import type { ReleaseImage } from '../../engine/release/image';
import type { BoundScenario } from '../../engine/release/bind';
import { loadReleaseRun } from '../load';
import type { PoolMessage, WorkerInput, WorkerMessage } from './protocol';

const post = (m: WorkerMessage) => parentPort!.postMessage(m);

function failed(e: unknown): void {
  post({ type: 'failed', message: e instanceof Error ? e.message : String(e), limit: e instanceof ExploreLimit });
}

async function main(input: WorkerInput): Promise<void> {
  const { run } = await loadReleaseRun({ scenarioPath: input.scenarioPath, scenarioText: input.scenarioText, kernelPath: input.kernelPath, stepBudget: input.stepBudget });
  const image: ReleaseImage = run.image;
  const bound: BoundScenario = run.bound;
  let vs: Variant[] | undefined;
  parentPort!.on('message', (m: PoolMessage) => {
    if (m.type === 'stop') return process.exit(0);
    try {
      vs ??= variants(bound, m.bounds);
      let last = 0;
      const r = runTask(image, vs, m.bounds, m.task, {
        stepBudget: input.stepBudget,
        progress: (stats) => {
          const now = performance.now();
          if (now - last < 200) return;
          last = now;
          post({ type: 'progress', stats: { ...stats } });
        },
      });
      post({ type: 'result', index: m.index, tallies: [...r.tallies.values()], stats: r.stats });
    } catch (e) {
      failed(e);
    }
  });
  post({ type: 'ready' });
}

if (parentPort) main(workerData as WorkerInput).catch(failed);
