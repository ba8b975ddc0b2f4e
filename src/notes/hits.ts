// Execution moments over a Run (pure: no vscode, no I/O): how many times a line has run up to a
// stop, and where the n-th run of a line is. Notes tied to "the second time this line runs" and
// walkthrough steps are found this way, so they follow execution rather than stop numbers.

import type { Run } from '../engine/run';

/** Is stop `k` a C statement (rather than a scenario event, failure or end)? */
function isStatement(run: Run, k: number): boolean {
  return run.H.stopAt(k).code >= 0;
}

/** How many times stop `n`'s line has run up to stop `n` (included): 1 the first time. */
export function hitAt(run: Run, n: number): number {
  const here = run.lineOf(n);
  const stmt = isStatement(run, n);
  let hits = 0;
  for (let k = 0; k <= n; k++) {
    if (isStatement(run, k) !== stmt) continue;
    const at = run.lineOf(k);
    if (at.line === here.line && at.file === here.file) hits++;
  }
  return hits;
}

/** Extends the run's recorded history until stop `n` exists or the run ends; the current stop is kept. */
export function ensureStops(run: Run, n: number): boolean {
  if (n < run.stopCount) return true;
  const keep = run.stopIndex;
  let moved = false;
  while (run.stopCount <= n) {
    if (run.stopIndex !== run.stopCount - 1) run.goto(run.stopCount - 1);
    if (run.finished) break;
    const before = run.stopCount;
    run.forward();
    moved = true;
    if (run.stopCount === before) break;
  }
  if (moved && keep >= 0 && keep < run.stopCount && run.stopIndex !== keep) run.goto(keep);
  return n < run.stopCount;
}

/**
 * The stop at which `line` of `file` runs for the `hit`-th time (statements of the kernel C, or a
 * scenario line's event), running the scenario further when needed; undefined if it never does.
 */
export function stopOfHit(run: Run, file: string, line: number, hit: number, opts: { statement?: boolean; maxStops?: number } = {}): number | undefined {
  const statement = opts.statement ?? file !== run.scenario.file;
  const max = opts.maxStops ?? 1_000_000;
  let hits = 0;
  for (let k = 0; k < max; k++) {
    if (!ensureStops(run, k)) return undefined;
    if (isStatement(run, k) !== statement) continue;
    const at = run.lineOf(k);
    if (at.line === line && at.file === file && ++hits === hit) return k;
  }
  return undefined;
}
