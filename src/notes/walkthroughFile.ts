// The walkthrough file (`NAME.walkthrough.json`, beside its scenario) and finding its steps in a
// run (pure: no vscode; reading is left to callers). A step is a stop of the run, checked by its
// function and line; if the kernel C was edited and the stop moved, the step is found again as
// "the hit-th time this line runs", the line itself re-anchored by its text.
//
// The title, the description and each narration are one markdown text (the old form, still read
// and written as it is) or one per language, `{ "en": "…", "zh-cn": "…" }`: the reader's language
// picks one (exact, then its base, then English, then the first given: pickLanguage).

import type { NotesRun } from './notesRun';
import { reattach, functionExtents } from './anchor';
import { ensureStops, stopOfHit } from '../engine/hits';
import { jsonErrorAt, lineColumn, type ParseError } from './store';
import { jsonValueAt } from './jsonAt';

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
  /** markdown, in one language or several */
  narration: Localized;
}

/** Text in one language (the old single string), or in several keyed by language tag: `{ "en": "…", "zh-cn": "…" }`. */
export type Localized = string | Readonly<Record<string, string>>;

export interface Walkthrough {
  version: 1;
  title: Localized;
  /** markdown, shown before the first step */
  description?: Localized;
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
  const o: Record<string, unknown> = { version: 1, title: canonical(w.title) };
  if (w.description) o.description = canonical(w.description);
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
      x.narration = canonical(s.narration);
      return x;
    });
  return JSON.stringify(o, null, 2) + '\n';
}

// ---- languages ----

/** A language tag as VS Code and the files spell it, compared in lower case: `zh_CN` → `zh-cn`. */
export function normalizeLanguage(tag: string): string {
  return tag.trim().toLowerCase().replace(/_/g, '-');
}

/** `en`, `zh-cn`, `zh-hant-tw`, `pt-br`: a BCP 47 language, then subtags. */
export const LANGUAGE_TAG = /^[a-z]{2,3}(?:-[a-z0-9]{1,8})*$/i;

/**
 * The one of `available` (language tags) to show a reader of `wanted`: the language itself, then
 * its base (`zh-cn` → `zh`; `zh-hant-tw` → `zh-hant` → `zh`), then English, then the first given.
 * Undefined only when nothing is available.
 */
export function pickLanguage(available: readonly string[], wanted: string): string | undefined {
  const have = new Map(available.map((a) => [normalizeLanguage(a), a] as const));
  const chain: string[] = [];
  for (let tag = normalizeLanguage(wanted); tag; tag = tag.includes('-') ? tag.slice(0, tag.lastIndexOf('-')) : '') chain.push(tag);
  for (const tag of [...chain, 'en']) if (have.has(tag)) return have.get(tag);
  return available[0];
}

/**
 * The language a reader reads walkthroughs in: the setting (`tcpCloseDebugger.walkthroughLanguage`)
 * when it names one, else (`auto`, unset or not a language tag) the display language.
 */
export function readerLanguage(setting: string | undefined, displayLanguage: string): string {
  return setting && setting !== 'auto' && LANGUAGE_TAG.test(setting.trim().replace(/_/g, '-')) ? normalizeLanguage(setting) : normalizeLanguage(displayLanguage || 'en');
}

/** The languages a text is given in (`[]` for the old single string: it has no language). */
export function languagesOf(text: Localized): string[] {
  return typeof text === 'string' ? [] : Object.keys(text);
}

/** A text for a reader of `language` (pickLanguage's order); the old single string as it is. */
export function inLanguage(text: Localized, language: string): string {
  if (typeof text === 'string') return text;
  const k = pickLanguage(Object.keys(text), language);
  return k === undefined ? '' : text[k];
}

/**
 * A step's narration after an edit made while reading it in `language`: the old single string (or
 * a new step) stays one string; one text per language changes the language that was shown (the
 * reader edits what they read), the others kept.
 */
export function editedNarration(before: Localized | undefined, text: string, language: string): Localized {
  if (before === undefined || typeof before === 'string') return text;
  const key = pickLanguage(Object.keys(before), language) ?? language;
  return { ...before, [key]: text };
}

/** A walkthrough as a reader of one language sees it: every text one string. */
export interface WalkthroughIn extends Omit<Walkthrough, 'title' | 'description' | 'steps'> {
  title: string;
  description?: string;
  steps: (Omit<WalkthroughStep, 'narration'> & { narration: string })[];
}

export function walkthroughIn(w: Walkthrough, language: string): WalkthroughIn {
  const out: WalkthroughIn = { ...w, title: inLanguage(w.title, language), description: w.description === undefined ? undefined : inLanguage(w.description, language), steps: w.steps.map((s) => ({ ...s, narration: inLanguage(s.narration, language) })) };
  if (out.description === undefined) delete out.description;
  return out;
}

/** Stored with English first, then the other languages in alphabetical order. */
function canonical(text: Localized): Localized {
  if (typeof text === 'string') return text;
  const keys = Object.keys(text).sort((a, b) => (normalizeLanguage(a) === 'en' ? -1 : normalizeLanguage(b) === 'en' ? 1 : normalizeLanguage(a).localeCompare(normalizeLanguage(b))));
  return Object.fromEntries(keys.map((k) => [k, text[k]]));
}

const typeName = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : typeof v === 'number' ? 'a number' : typeof v === 'boolean' ? (v ? 'true' : 'false') : typeof v);

/**
 * What is wrong with a text given as one string or one per language (undefined: nothing), and
 * where: the path below the text's own (a language's key or value), for jsonValueAt.
 */
function localizedProblem(v: unknown, name: string): { message: string; at: (string | number)[]; key?: boolean } | undefined {
  if (typeof v === 'string') return undefined;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return { message: `${name} must be markdown text, or one text per language: { "en": "…", "zh-cn": "…" } (found ${typeName(v)})`, at: [] };
  const keys = Object.keys(v);
  if (!keys.length) return { message: `${name} has no language: give at least one, e.g. { "en": "…" }`, at: [] };
  const seen = new Map<string, string>();
  for (const k of keys) {
    const value = (v as Record<string, unknown>)[k];
    if (!LANGUAGE_TAG.test(k)) return { message: `${name}: ${JSON.stringify(k)} is not a language tag (like "en" or "zh-cn")`, at: [k], key: true };
    const norm = normalizeLanguage(k);
    if (seen.has(norm)) return { message: `${name} gives ${JSON.stringify(norm)} twice (${JSON.stringify(seen.get(norm))} and ${JSON.stringify(k)}): keep one`, at: [k], key: true };
    seen.set(norm, k);
    if (typeof value !== 'string') return { message: `${name}.${JSON.stringify(k)} must be markdown text (found ${typeName(value)})`, at: [k] };
    if (!value.trim()) return { message: `${name}.${JSON.stringify(k)} is empty: leave the language out instead`, at: [k] };
  }
  return undefined;
}

// ---- reading ----

export function parseWalkthrough(text: string, file: string): { walkthrough: Walkthrough } | { error: ParseError } {
  const fail = (offset: number, message: string) => ({ error: { file, ...lineColumn(text, Math.max(0, offset)), message } });
  let data: any;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const at = jsonErrorAt(text);
    return fail(at?.offset ?? 0, at?.message ?? (e as Error).message);
  }
  /** the offset of a member's key (of a list's element: the element), else of what holds it */
  const place = (path: (string | number)[], key = true): number => {
    for (let n = path.length; n >= 0; n--) {
      const at = jsonValueAt(text, path.slice(0, n));
      if (at) return n === path.length && key ? (at.key ?? at.value) : at.value;
    }
    return 0;
  };
  const localized = (v: unknown, path: (string | number)[], name: string) => {
    const p = localizedProblem(v, name);
    return p && fail(place([...path, ...p.at], p.key ?? p.at.length === 0), p.message);
  };
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return fail(text.search(/\S/), 'a walkthrough is an object { "version": 1, "title", "scenario", "steps": [...] }');
  if (data.version !== 1) return fail(place(['version']), '"version" must be 1');
  if (data.title === undefined) return fail(place([]), 'a walkthrough needs a "title"');
  const title = localized(data.title, ['title'], '"title"');
  if (title) return title;
  if (typeof data.scenario !== 'string' || !data.scenario) return fail(place(['scenario']), '"scenario" must be the scenario\'s path, relative to the walkthrough');
  if (data.kernel !== undefined && typeof data.kernel !== 'string') return fail(place(['kernel']), '"kernel" must be a path');
  const description = data.description === undefined ? undefined : localized(data.description, ['description'], '"description"');
  if (description) return description;
  if (!Array.isArray(data.steps)) return fail(place(['steps']), '"steps" must be a list');
  for (const [k, s] of (data.steps as any[]).entries()) {
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
      s.narration !== undefined;
    if (!ok) return fail(place(['steps', k]), `steps[${k}] must be { "stop", "function"?, "line", "text", "hit", "narration" }`);
    const narration = localized(s.narration, ['steps', k, 'narration'], `steps[${k}].narration`);
    if (narration) return narration;
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
