// For the History's and the byte memory's tests (history.test.ts, memory.test.ts): a recorded run
// moved around in time, far and near, with every whole chunk walked entry by entry, then crossed
// by its summary (History.summarize), then across a branch made in the middle of a chunk, with the
// stop landed on checked each time by the caller.

import type { History } from './history';

export interface JumpRun {
  H: History;
  /** goes to stop `n` and checks the world there against what was seen at it */
  check(n: number, what: string): void;
  rnd(n: number): number;
  /** records `stops` more stops, remembering the world at each */
  run(stops: number): void;
  /** forgets what was seen past stop `n` (a branch there) */
  forget(n: number): void;
}

export function jumpAround(r: JumpRun, branchAt: number, more: number): void {
  const { H, check, rnd } = r;
  // entry by entry first (no summaries yet), then through the summaries made between requests
  for (let i = 0; i < 50; i++) check(rnd(H.stopCount), 'stop');
  if (H.summarize(performance.now() - 1)) throw new Error('summarize: the time was up before the first chunk, yet it says all are made');
  if (!H.summarize(Infinity)) throw new Error('summarize without a deadline left chunks without a summary');
  check(0, 'stop');
  check(H.stopCount - 1, 'the last stop');
  for (let i = 0; i < 300; i++) check(rnd(H.stopCount), 'stop');
  for (let i = 0; i < 100; i++) check(Math.max(0, Math.min(H.stopCount - 1, H.currentStop + rnd(41) - 20)), 'stop near');
  // a branch in the middle of a chunk: the chunks it cuts into are crossed entry by entry again
  H.goto(branchAt);
  H.truncate();
  r.forget(branchAt);
  r.run(more);
  // the chunks before the branch with their summaries, the new ones without, then with
  for (let i = 0; i < 150; i++) check(rnd(H.stopCount), 'after the branch, stop');
  if (!H.summarize(Infinity)) throw new Error('summarize without a deadline left chunks without a summary');
  for (let i = 0; i < 150; i++) check(rnd(H.stopCount), 'after the branch, summarized, stop');
  check(0, 'after the branch, stop');
  check(H.stopCount - 1, 'after the branch, the last stop');
}
