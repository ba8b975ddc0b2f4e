// The error that keeps a run from starting: the scenario's diagnostics or the kernel's load errors.

import type { Diagnostic } from '../scenario/ast';
import type { CError } from './code';

/** Problems that keep a run from starting: scenario diagnostics or kernel load errors. */
export class RunSetupError extends Error {
  constructor(
    readonly diagnostics: Diagnostic[],
    readonly kernelErrors: CError[] = [],
  ) {
    super([...diagnostics.map((d) => `${d.file}:${d.range.start.line}:${d.range.start.column}: ${d.message}`), ...kernelErrors.map((e) => e.message)].join('\n'));
  }
}
