// The walkthrough file (`NAME.walkthrough.json`, beside its scenario) and finding its steps in a
// run (pure: no vscode; reading is left to callers). A step is a stop of the run, checked by its
// function and line; if the kernel C was edited and the stop moved, the step is found again as
// "the hit-th time this line runs", the line itself re-anchored by its text.

import type { NotesRun } from './notesRun';
import { reattach, functionExtents } from './anchor';
import { ensureStops, stopOfHit } from '../engine/hits';
import { jsonErrorAt, lineColumn, type ParseError } from './store';

export const WALKTHROUGH_SUFFIX = '.walkthrough.json';

export interface WalkthroughStep {
  /** the stop index in a run of the scenario from its start */
  stop: number;
  /** for checking: the C function and line of the stop (no function: a scenario line's event; line 0: a timer firing, a delivery or the end) */
  function?: string;
  line: number;
  /** the line's text, trimmed (to find it again in an edited kernel) */
  text: string;
  /** the how-many-th time this line runs at this stop (1 the first time) */
  hit: number;
  /** markdown */
  narration: string;
}

export interface Walkthrough {
  version: 1;
  title: string;
  /** markdown, shown before the first step */
  description?: string;
  /** the scenario, relative to the walkthrough file */
  scenario: string;
  /** an edited kernel source to run instead of the shipped one, relative to the walkthrough file */
  kernel?: string;
  steps: WalkthroughStep[];
}

/** The walkthrough file beside a scenario: `x.tcpscenario` → `x.walkthrough.json`. */
export function walkthroughPathFor(scenarioPath: string): string {
  return scenarioPath.replace(/\.tcpscenario$/, '') + WALKTHROUGH_SUFFIX;
}

export function serializeWalkthrough(w: Walkthrough): string {
  const o: Record<string, unknown> = { version: 1, title: w.title };
  if (w.description) o.description = w.description;
  o.scenario = w.scenario;
  if (w.kernel) o.kernel = w.kernel;
  o.steps = [...w.steps]
    .sort((a, b) => a.stop - b.stop)
    .map((s) => {
      const x: Record<string, unknown> = { stop: s.stop };
      if (s.function) x.function = s.function;
      x.line = s.line;
      x.text = s.text;
      x.hit = s.hit;
      x.narration = s.narration;
      return x;
    });
  return JSON.stringify(o, null, 2) + '\n';
}

export function parseWalkthrough(text: string, file: string): { walkthrough: Walkthrough } | { error: ParseError } {
  const fail = (offset: number, message: string) => ({ error: { file, ...lineColumn(text, Math.max(0, offset)), message } });
  let data: any;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const at = jsonErrorAt(text);
    return fail(at?.offset ?? 0, at?.message ?? (e as Error).message);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return fail(0, 'a walkthrough is an object { "version": 1, "title", "scenario", "steps": [...] }');
  if (data.version !== 1) return fail(text.indexOf('"version"'), '"version" must be 1');
  if (typeof data.title !== 'string') return fail(text.indexOf('"title"'), '"title" must be a string');
  if (typeof data.scenario !== 'string' || !data.scenario) return fail(text.indexOf('"scenario"'), '"scenario" must be the scenario\'s path, relative to the walkthrough');
  if (data.kernel !== undefined && typeof data.kernel !== 'string') return fail(text.indexOf('"kernel"'), '"kernel" must be a path');
  if (data.description !== undefined && typeof data.description !== 'string') return fail(text.indexOf('"description"'), '"description" must be a string');
  if (!Array.isArray(data.steps)) return fail(text.indexOf('"steps"'), '"steps" must be a list');
  let from = text.indexOf('"steps"');
  for (const [k, s] of (data.steps as any[]).entries()) {
    const at = text.indexOf('"stop"', from + 1);
    if (at >= 0) from = at;
    const ok =
      typeof s === 'object' &&
      s !== null &&
      Number.isInteger(s.stop) &&
      s.stop >= 0 &&
      (s.function === undefined || typeof s.function === 'string') &&
      Number.isInteger(s.line) &&
      s.line >= 0 &&
      typeof s.text === 'string' &&
      Number.isInteger(s.hit) &&
      s.hit >= 1 &&
      typeof s.narration === 'string';
    if (!ok) return fail(at, `steps[${k}] must be { "stop", "function"?, "line", "text", "hit", "narration" }`);
  }
  return { walkthrough: data as Walkthrough };
}

export interface LocatedStep {
  /** the stop to show */
  stop: number;
  /** ok: the recorded stop is still at the step's line; moved: found again by line and hit; missing: not found (the recorded stop number is used) */
  status: 'ok' | 'moved' | 'missing';
}

/** Finds a walkthrough step in a run (the run may be extended; its current stop is kept). */
export function locateStep(run: NotesRun, step: WalkthroughStep): LocatedStep {
  const matches = (k: number) => {
    if (k >= run.stopCount) return false;
    const at = run.lineOf(k);
    const stmt = run.H.stopAt(k).code >= 0;
    return step.function ? stmt && at.fn === step.function && at.line === step.line : !stmt && at.file === run.scenarioFile && at.line === step.line;
  };
  ensureStops(run, step.stop);
  if (matches(step.stop)) return { stop: step.stop, status: 'ok' };
  let file: string | undefined;
  let line: number | undefined;
  if (step.function) {
    file = run.functionFile(step.function);
    if (file) {
      const text = run.source(file) ?? '';
      line = reattach({ line: step.line, text: step.text, function: step.function, before: [], after: [] }, text, functionExtents(text)).line;
    }
  } else {
    file = run.scenarioFile;
    const text = run.scenarioLines.join('\n');
    line = reattach({ line: step.line, text: step.text, before: [], after: [] }, text, []).line;
  }
  if (file && line && step.text) {
    const k = stopOfHit(run, file, line, step.hit, { statement: !!step.function });
    if (k !== undefined) return { stop: k, status: 'moved' };
  }
  return { stop: Math.min(step.stop, run.stopCount - 1), status: 'missing' };
}
