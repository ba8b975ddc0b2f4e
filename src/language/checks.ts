// The problems of a scenario as the editor shows them: the parser's, then the engine's name checks against the kernel (pure: no vscode).
import { resolve } from 'node:path';
import type { Diagnostic, Range } from '../scenario/ast';
import { parseScenario } from '../scenario/parse';
import { RunSetupError } from '../engine/setup';
import type { LoadOptions } from '../host/load';
import { locRange } from './ranges';

export interface Problem {
  /** 1-based, end-exclusive (convert with toZeroBased) */
  range: Range;
  severity: 'error' | 'warning';
  /** English text; when `translate` is set it is an l10n key and `args` fill its {0}, {1}... */
  message: string;
  args?: string[];
  translate?: boolean;
  /** who found it: the scenario parser, or the engine checking names against the kernel */
  source: 'scenario' | 'kernel';
}

/** Sets up a run of the scenario (binding its names to the kernel) and hands back something to dispose; throws RunSetupError. */
export type Loader = (opts: LoadOptions) => Promise<{ dispose(): void }>;

const FIRST_LINE: Range = { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } };

/** Messages of this module (l10n keys). */
export const CHECK_MESSAGES = {
  elsewhere: '{0} (in {1})',
  loadFailed: 'The kernel could not be loaded to check the names in this scenario: {0}',
  checkFailed: 'The scenario could not be checked: {0}',
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
  return problems.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column);
}
