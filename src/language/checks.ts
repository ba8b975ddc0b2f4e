// The problems of a scenario as the editor shows them: the parser's, then the engine's name checks against the kernel;
// and those of a packetdrill script: the importer's, then the same checks of the scenario it translates to (pure: no vscode).
import { resolve } from 'node:path';
import type { Diagnostic, Range } from '../scenario/ast';
import { MAX_DIAGNOSTICS, parseScenario } from '../scenario/parse';
import { importPkt } from '../scenario/packetdrill/translate';
import { RunSetupError } from '../engine/setup';
import type { LoadOptions } from '../host/load';
import { locRange } from './ranges';

export interface Problem {
  /** 1-based, end-exclusive (convert with toZeroBased) */
  range: Range;
  /** 'information': a packetdrill script's note (what was not translated, and how): nothing is wrong with the script */
  severity: 'error' | 'warning' | 'information';
  /** English text; when `translate` is set it is an l10n key and `args` fill its {0}, {1}... */
  message: string;
  args?: string[];
  translate?: boolean;
  /** who found it: the scenario parser, the packetdrill importer, or the engine checking names against the kernel */
  source: 'scenario' | 'packetdrill' | 'kernel';
}

/** Sets up a run of the scenario (binding its names to the kernel) and hands back something to dispose; throws RunSetupError. */
export type Loader = (opts: LoadOptions) => Promise<{ dispose(): void }>;

const FIRST_LINE: Range = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };

/** Messages of this module (l10n keys). */
export const CHECK_MESSAGES = {
  elsewhere: '{0} (in {1})',
  loadFailed: 'The kernel could not be loaded to check the names in this scenario: {0}',
  checkFailed: 'The scenario could not be checked: {0}',
  more: 'and {0} more problems (only the first {1} are shown)',
} as const;

const diagnosticKey = (d: Diagnostic) => `${d.range.start.line}:${d.range.start.column}:${d.message}`;

/**
 * Checks a scenario's text: the parser's problems, and those of a run set up (which checks states, constants,
 * fields and functions against the kernel, on every line that parsed, even when others did not) and disposed at once.
 * Problems that belong to another file (the kernel source) are reported on the scenario's first line.
 */
export async function checkScenario(text: string, path: string, load: Loader): Promise<Problem[]> {
  const file = resolve(path);
  const scenario = parseScenario(text, file);
  const problems: Problem[] = scenario.diagnostics.map((d) => ({ range: d.range, severity: d.severity, message: d.message, source: 'scenario' }));
  // the engine reports the parser's errors again, with its own: keep one of each
  const seen = new Set(scenario.diagnostics.map((d) => diagnosticKey(d)));
  problems.push(...(await loadProblems(file, text, load, seen)));
  return byPosition(problems);
}

/**
 * Checks a packetdrill script's text (`path` must end in .pkt for the loader to import it): the importer's errors, its
 * notes (what was not translated, and other remarks) as information, and, when it translates, the problems of the
 * scenario it translates to set up on the kernel (the loader gives them at the script's lines). At most
 * MAX_DIAGNOSTICS problems, as the scenario parser keeps, errors first; one more says how many were left out.
 */
export async function checkPkt(text: string, path: string, load: Loader): Promise<Problem[]> {
  const file = resolve(path);
  const pkt = importPkt(text, file);
  const errors: Problem[] = pkt.errors.map((d) => ({ range: d.range, severity: 'error', message: d.message, source: 'packetdrill' }));
  const notes: Problem[] = pkt.notes.map((d) => ({ range: d.range, severity: d.severity === 'error' ? 'error' : 'information', message: d.message, source: 'packetdrill' }));
  // a script that does not translate has no scenario to set up (the loader would report the same errors)
  if (!errors.length) errors.push(...(await loadProblems(file, text, load, new Set())));
  const all = [...byPosition(errors), ...byPosition(notes)];
  if (all.length <= MAX_DIAGNOSTICS) return byPosition(all);
  const left = all.slice(MAX_DIAGNOSTICS);
  const summary: Problem = {
    range: left[0].range,
    severity: left.some((p) => p.severity === 'error') ? 'error' : 'information',
    message: CHECK_MESSAGES.more,
    args: [String(left.length), String(MAX_DIAGNOSTICS)],
    translate: true,
    source: 'packetdrill',
  };
  return byPosition([...all.slice(0, MAX_DIAGNOSTICS), summary]);
}

const byPosition = (problems: Problem[]): Problem[] => problems.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column);

/** The problems of a run set up from `text` (and disposed at once), but those in `seen`. */
async function loadProblems(file: string, text: string, load: Loader, seen: ReadonlySet<string>): Promise<Problem[]> {
  const problems: Problem[] = [];
  let run: { dispose(): void } | undefined;
  try {
    run = await load({ scenarioPath: file, scenarioText: text });
  } catch (e) {
    if (e instanceof RunSetupError) {
      for (const d of e.diagnostics) {
        if (seen.has(diagnosticKey(d))) continue;
        if (resolve(d.file) === file) problems.push({ range: d.range, severity: d.severity, message: d.message, source: 'kernel' });
        else problems.push({ range: FIRST_LINE, severity: d.severity, message: CHECK_MESSAGES.elsewhere, args: [d.message, `${d.file}:${d.range.start.line}:${d.range.start.column}`], translate: true, source: 'kernel' });
      }
      for (const k of e.kernelErrors) {
        const inScenario = resolve(k.loc.file) === file;
        problems.push({
          range: inScenario ? locRange(k.loc) : FIRST_LINE,
          severity: 'error',
          message: inScenario ? k.detail : k.message,
          source: 'kernel',
        });
      }
    } else {
      problems.push({ range: FIRST_LINE, severity: 'error', message: CHECK_MESSAGES.loadFailed, args: [e instanceof Error ? e.message : String(e)], translate: true, source: 'kernel' });
    }
  } finally {
    run?.dispose();
  }
  return problems;
}
