// Markdown export of a walkthrough or of a whole run (pure over a NotesRun, either engine's: no vscode, no I/O): for
// each stop, where it is, the narration, the source around the line in a ```c block, the fields
// this line changes and those changed since the previous step, and the segments so far. Made to
// be read on GitHub, without VS Code.

import { basename } from 'node:path';
import { duration } from '../common/clock';
import type { StopSnapshot } from '../common/protocol';
import { ensureStops, hitAt } from '../engine/hits';
import type { NotesRun } from './notesRun';
import { inLanguage, locateStep, walkthroughIn, type Walkthrough } from './walkthroughFile';

type Run = NotesRun;

export interface ExportOptions {
  title: string;
  /** markdown shown under the title */
  description?: string;
  /** how files are named in the text (default: their base name) */
  label?: (file: string) => string;
  /** lines of source shown on each side of the stop's line */
  around?: number;
  /** notes to add at a stop (e.g. the workspace's notes on that line, or tied to that moment) */
  notesAt?: (at: { file: string; line: number; fn?: string; hit: number; stop: number }) => string[];
}

export interface ExportStep {
  stop: number;
  narration?: string;
  /** why the stop is where it is, when the walkthrough's step had to be found again */
  warning?: string;
}

const ordinal = (n: number) => `${n}${n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th')}`;
const cell = (s: string) => s.replace(/\|/g, '\\|');

/** The source lines around `line` of `text`, numbered, the line itself marked with `>`. */
export function excerpt(text: string, line: number, around = 2): string {
  const lines = text.split(/\r?\n/);
  const from = Math.max(1, line - around);
  const to = Math.min(lines.length, line + around);
  const width = String(to).length;
  const out: string[] = [];
  for (let k = from; k <= to; k++) out.push(`${k === line ? '>' : ' '} ${String(k).padStart(width)}  ${(lines[k - 1] ?? '').replace(/\t/g, '    ').trimEnd()}`);
  return out.join('\n');
}

function describeItem(run: Run): string {
  const s = run.stopInfo(run.stopIndex);
  const it = s.item;
  if (s.kind === 'end' || !it) return 'the end of the scenario';
  if (it.kind === 'event') return `scenario line ${it.line}: \`${(run.scenarioLines[it.line - 1] ?? '').replace(/#.*$/, '').trim()}\``;
  if (it.kind === 'timer') return `${it.socket}'s \`sk->${it.which}\` fires${it.reason ? ` (${it.reason})` : ''}`;
  return `a segment from ${it.from} arrives at ${it.socket}: \`${it.segment}\``;
}

function changeTable(rows: StopSnapshot['changed']): string[] {
  const out = ['| socket | field | before | after |', '| --- | --- | --- | --- |'];
  for (const c of rows) out.push(`| ${cell(c.socket)} | \`${cell(c.field)}\` | ${cell(c.before)} | ${cell(c.after)} |`);
  return out;
}

/**
 * The stop where the effect of stop `n` is complete: for a statement, the next stop back in its
 * own frame or an outer one (after any calls it makes); for an event, the next stop that is not a
 * statement. The run is left at stop `n`.
 */
export function effectEnd(run: Run, n: number, limit = 20_000): number | undefined {
  run.goto(n);
  const statement = run.H.stopAt(n).code >= 0;
  const depth = statement ? run.depth : 0;
  let end: number | undefined;
  for (let k = n + 1; k <= n + limit; k++) {
    if (!ensureStops(run, k)) break;
    if (run.H.stopAt(k).code < 0) {
      end = k;
      break;
    }
    run.goto(k);
    if (statement && run.depth <= depth) {
      end = k;
      break;
    }
  }
  run.goto(n);
  return end;
}

/** Renders the given stops of a run as one markdown document. The run is left at its last stop shown. */
export function exportMarkdown(run: Run, steps: ExportStep[], opts: ExportOptions): string {
  const label = opts.label ?? ((f: string) => basename(f));
  const around = opts.around ?? 2;
  const out: string[] = [`# ${opts.title}`, ''];
  if (opts.description) out.push(opts.description.trim(), '');
  out.push(`Scenario: \`${label(run.scenarioFile)}\` — ${steps.length} step${steps.length === 1 ? '' : 's'}. Times are the scenario's clock (HZ = 100: one jiffy is 10 ms).`, '');
  let prev: StopSnapshot | undefined;
  run.goto(0);
  prev = run.snapshot();
  steps.forEach((step, i) => {
    ensureStops(run, step.stop + 1);
    const n = Math.min(step.stop, run.stopCount - 1);
    run.goto(n);
    const snap = run.snapshot(prev);
    const stop = run.stopInfo(n);
    const at = run.lineOf(n);
    const hit = hitAt(run, n);
    const where =
      stop.kind === 'statement' && stop.fn && stop.loc
        ? `\`${stop.fn.name}\` — ${label(stop.loc.file)}:${stop.loc.line}${hit > 1 ? ` (${ordinal(hit)} time)` : ''}`
        : stop.kind === 'end'
          ? 'end of the scenario'
          : stop.kind === 'failure'
            ? `failed expectation — ${label(run.scenarioFile)}:${at.line}`
            : stop.kind === 'error'
              ? `fault in the C — ${stop.loc ? `${label(stop.loc.file)}:${stop.loc.line}` : ''}`
              : stop.item?.kind === 'timer'
                ? `timer — ${stop.item.socket}'s \`sk->${stop.item.which}\` fires`
                : stop.item && stop.item.kind !== 'event'
                  ? `segment — from ${stop.item.from} to ${stop.item.socket}`
                  : `scenario event — ${label(run.scenarioFile)}:${at.line}`;
    out.push(`## ${i + 1}. ${where}`, '');
    out.push(`*Stop ${n}, at ${duration(stop.clock)} (${stop.clock} jiffies)${stop.socket ? `, socket \`${stop.socket}\`` : ''}: ${describeItem(run)}.*`, '');
    if (step.warning) out.push(`> **Note:** ${step.warning}`, '');
    if (step.narration?.trim()) out.push(step.narration.trim(), '');
    const notes = opts.notesAt && at.file ? opts.notesAt({ file: at.file, line: at.line, fn: at.fn, hit, stop: n }) : [];
    for (const note of notes) out.push(...note.trim().split('\n').map((l) => `> ${l}`.trimEnd()), '');
    if (stop.message) out.push(`**${stop.kind === 'failure' ? 'Failed' : 'Fault'}:** ${stop.message}`, '');
    if (stop.kind === 'statement' && stop.loc) {
      out.push('```c', excerpt(run.source(stop.loc.file) ?? '', stop.loc.line, around), '```', '');
    } else if (stop.kind !== 'end' && at.line > 0) {
      out.push('```', excerpt(run.scenarioLines.join('\n'), at.line, around), '```', '');
    }
    // what this line (with the functions it calls) or this event does
    if (stop.kind === 'statement' || stop.kind === 'event') {
      const end = effectEnd(run, n);
      if (end !== undefined) {
        run.goto(end);
        const next = run.snapshot(snap);
        run.goto(n);
        const what = stop.kind === 'event' ? 'event' : 'line';
        if (next.changed.length) out.push(`**This ${what} changes**${stop.kind === 'statement' && end > n + 1 ? ' (with the functions it calls)' : ''}`, '', ...changeTable(next.changed), '');
        const sent = next.segments.filter((s) => !snap.segments.some((p) => p.id === s.id));
        if (sent.length) out.push(`${stop.kind === 'event' ? '**New segments:**' : '**This line sends**'} ${sent.map((s) => `\`${s.flags} seq=${s.seq} ack=${s.ack}${s.len ? ` len=${s.len}` : ''}\` (${s.from} → ${s.to})`).join(', ')}`, '');
      }
    }
    if (snap.changed.length) out.push(i === 0 ? '**Changed since the start**' : '**Changed since the previous step**', '', ...changeTable(snap.changed), '');
    if (snap.transitions.length) out.push(...snap.transitions.map((t) => `- \`${t.socket}\`: ${t.from} → ${t.to}${t.fn ? ` (in \`${t.fn}\`${t.line ? `, line ${t.line}` : ''})` : ''}`), '');
    if (snap.segments.length) {
      out.push('**Segments so far**', '', '| # | time | from → to | segment |', '| --- | --- | --- | --- |');
      for (const s of snap.segments) out.push(`| ${s.id} | ${duration(s.time)} | ${s.from} → ${s.to} | \`${s.flags} seq=${s.seq} ack=${s.ack}${s.len ? ` len=${s.len}` : ''}\`${s.dropped ? ' (dropped)' : ''}${s.id === snap.currentSegment ? ' ← this one' : ''} |`);
      out.push('');
    } else out.push('*No segments yet.*', '');
    prev = snap;
  });
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}

/** A walkthrough's steps, found in the run (moved steps are found again by line and hit), narrated for a reader of `language`. */
export function walkthroughSteps(run: Run, w: Pick<Walkthrough, 'steps'>, language = 'en'): ExportStep[] {
  return w.steps.map((s) => {
    const found = locateStep(run, s);
    const warning =
      found.status === 'moved'
        ? `this step was recorded at stop ${s.stop}; the code changed and it is now stop ${found.stop} (the ${ordinal(s.hit)} time \`${s.text}\` runs).`
        : found.status === 'missing'
          ? `this step (${s.function ?? 'scenario'}:${s.line}, \`${s.text}\`) is not in this run any more; shown at stop ${found.stop}.`
          : undefined;
    return { stop: found.stop, narration: inLanguage(s.narration, language), warning };
  });
}

/** `language`: the narration's (and the title's and description's) language, pickLanguage's order; default English. */
export function exportWalkthrough(run: Run, w: Walkthrough, opts: Partial<ExportOptions> & { language?: string } = {}): string {
  const { language = 'en', ...rest } = opts;
  const read = walkthroughIn(w, language);
  return exportMarkdown(run, walkthroughSteps(run, read), { title: read.title, description: read.description, ...rest });
}

/**
 * A whole run: every scenario event, failure, fault and the end, and every statement that changes
 * a field or sends a segment (`every`: all stops).
 */
export function runSteps(run: Run, every = false): ExportStep[] {
  ensureStops(run, Number.MAX_SAFE_INTEGER);
  const steps: ExportStep[] = [];
  run.goto(0);
  let cur = run.snapshot();
  for (let n = 0; n < run.stopCount; n++) {
    let keep = every || run.H.stopAt(n).code < 0;
    if (n + 1 < run.stopCount) {
      run.goto(n + 1);
      const next = run.snapshot(cur);
      if (next.changed.length || next.segments.length !== cur.segments.length) keep = true;
      cur = next;
    }
    if (keep) steps.push({ stop: n });
  }
  return steps;
}

export function exportRun(run: Run, opts: Partial<ExportOptions> & { every?: boolean } = {}): string {
  return exportMarkdown(run, runSteps(run, opts.every), { title: opts.title ?? `A run of ${basename(run.scenarioFile)}`, ...opts });
}
