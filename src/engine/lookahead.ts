// Knowing the run ahead of the user (pure: no vscode, no I/O): the scenario is run past the stop
// the user is at, recording every stop, in slices bounded by time, up to a budget of stops. The
// user's stop is kept: the world is moved to the end of the history, run on, and moved back
// (History.goto), so a slice leaves nothing changed but how much of the future is known. Stepping
// forward into known history then redoes it (ReleaseRun.step), the same stops the live run
// records; a what-if in the past forgets the future (ReleaseRun.branch), and looking ahead again
// recomputes it from there. What time a slice has left makes the summaries the logs' far jumps
// cross whole chunks by (History.summarize).

import type { HitRun } from './hits';

/** A run that can move forward several stops at once (ReleaseRun). */
export interface LookaheadRun extends HitRun {
  /** moves forward up to `max` stops; returns how many it moved (fewer at the end) */
  runFast(max: number): number;
}

export interface LookaheadBudget {
  /** the most stops the history may hold; past it nothing more is recorded ahead */
  maxStops: number;
  /** performance.now() after which the slice stops (it finishes the batch it is in) */
  until: number;
  /** stops recorded between two looks at the clock (default 2048) */
  batch?: number;
}

/** Where looking ahead stands after a slice. */
export interface LookaheadState {
  /** the stops recorded, the whole run's when `whole` */
  stops: number;
  /** the run's end is recorded: the scenario's end, or the error stop that ends it */
  whole: boolean;
  /** the budget of stops is reached before the end */
  capped: boolean;
  /** every whole chunk of the history's logs has its summary (History.summarize), so far jumps cross them at once */
  summarized: boolean;
}

/** Whether the last recorded stop ends the run (its end, or an error stop): nothing follows it. */
function endsRun(run: LookaheadRun): boolean {
  const keep = run.stopIndex;
  const last = run.stopCount - 1;
  if (keep === last) return run.finished;
  run.goto(last);
  const done = run.finished;
  run.goto(keep);
  return done;
}

/**
 * One slice of looking ahead: records stops past the end of the history until the run ends, the
 * history holds `maxStops`, or the time is up; the current stop is the same after it.
 */
export function lookAhead(run: LookaheadRun, budget: LookaheadBudget): LookaheadState {
  // the time a slice has left after recording makes the summaries of the logs' whole chunks
  const state = (whole: boolean): LookaheadState => ({
    stops: run.stopCount,
    whole,
    capped: !whole && run.stopCount >= budget.maxStops,
    summarized: run.H.summarize(budget.until),
  });
  if (run.stopCount >= budget.maxStops) return state(endsRun(run));
  const keep = run.stopIndex;
  const last = run.stopCount - 1;
  if (keep !== last) run.goto(last);
  let whole = run.finished;
  try {
    const batch = Math.max(1, budget.batch ?? 2048);
    while (!whole && run.stopCount < budget.maxStops) {
      const want = Math.min(batch, budget.maxStops - run.stopCount);
      const moved = run.runFast(want);
      if (moved < want) whole = run.finished || moved === 0;
      if (performance.now() >= budget.until) break;
    }
    whole ||= run.finished;
  } finally {
    if (run.stopIndex !== keep) run.goto(keep);
  }
  return state(whole);
}
