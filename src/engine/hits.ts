// Execution moments over a Run (pure: no vscode, no I/O): how many times a line has run up to a
// stop, and where the n-th run of a line is. Notes tied to "the second time this line runs" and
// walkthrough steps are found this way, so they follow execution rather than stop numbers.

import { placeKey, type History } from './history';

/** What a run of either engine (the reduced Run, the release's ReleaseRun) shows of its stops. */
export interface HitRun {
  readonly H: History;
  /** counts the branches of history (a what-if in the past) */
  readonly generation: number;
  readonly stopIndex: number;
  readonly stopCount: number;
  readonly finished: boolean;
  readonly scenarioFile: string;
  /** stop `n`'s file and line: a function of its code and pc alone (History.stopAt) */
  lineOf(n: number): { file?: string; line: number };
  goto(n: number): unknown;
  forward(): unknown;
}
type Run = HitRun;

/** Is stop `k` a C statement (rather than a scenario event, failure or end)? */
function isStatement(run: Run, k: number): boolean {
  return run.H.stopAt(k).code >= 0;
}

interface HitIndex {
  generation: number;
  /** hits[k]: how many times stop k's line had run up to stop k */
  hits: Int32Array;
  upTo: number;
  /** per line (a statement's, or a scenario line's events), its runs so far; by the line's number in `lines` */
  counts: number[];
  lines: Map<string, number>;
  /** a stop's code and pc (placeKey) to its line's number: a line's key is made once, not at every stop */
  byPlace: Map<number, number>;
}
const indexes = new WeakMap<Run, HitIndex>();

/**
 * How many times stop `n`'s line has run up to stop `n` (included): 1 the first time. Kept as an
 * index per run, extended as the run grows (a stop report costs O(new stops), not O(n)).
 */
export function hitAt(run: Run, n: number): number {
  let ix = indexes.get(run);
  if (!ix || ix.generation !== run.generation) {
    ix = { generation: run.generation, hits: new Int32Array(1024), upTo: 0, counts: [], lines: new Map(), byPlace: new Map() };
    indexes.set(run, ix);
  }
  if (n >= ix.hits.length) {
    const grown = new Int32Array(Math.max(n + 1, ix.hits.length * 2));
    grown.set(ix.hits);
    ix.hits = grown;
  }
  const H = run.H;
  for (; ix.upTo <= n; ix.upTo++) {
    const k = ix.upTo;
    const place = placeKey(H.codeAt(k), H.pcAt(k));
    let line = ix.byPlace.get(place);
    if (line === undefined) {
      const at = run.lineOf(k);
      const key = `${isStatement(run, k) ? 's' : 'e'}\0${at.file}\0${at.line}`;
      line = ix.lines.get(key);
      if (line === undefined) {
        line = ix.counts.length;
        ix.lines.set(key, line);
        ix.counts.push(0);
      }
      ix.byPlace.set(place, line);
    }
    ix.hits[k] = ++ix.counts[line];
  }
  return ix.hits[n];
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
  const statement = opts.statement ?? file !== run.scenarioFile;
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
