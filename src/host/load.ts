// Starts a run from files on disk: reads and parses the scenario, reads the kernel C, compiles.

import { resolve } from 'node:path';
import { parseScenario } from '../scenario/parse';
import { Run, RunSetupError } from '../engine/run';
import { nodeCParser, readKernel, shippedKernelPath } from './node';
import { readError, readText } from './read';
import type { Diagnostic } from '../scenario/ast';

/** A scenario read from disk must be named *.tcpscenario: any other file is refused by name, not quoted. */
export const SCENARIO_SUFFIX = '.tcpscenario';

function setupError(file: string, message: string): RunSetupError {
  const d: Diagnostic = { file, range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }, severity: 'error', message };
  return new RunSetupError([d]);
}

export interface LoadOptions {
  scenarioPath: string;
  /** an edited copy of tcp.c to run instead of the shipped one */
  kernelPath?: string;
  stepBudget?: number;
  /** the scenario's text, when the caller has it already (an unsaved editor) */
  scenarioText?: string;
}

export async function loadRun(opts: LoadOptions): Promise<Run> {
  const file = resolve(opts.scenarioPath);
  let text = opts.scenarioText;
  if (text === undefined) {
    if (!file.endsWith(SCENARIO_SUFFIX)) throw setupError(file, `not a scenario file (${SCENARIO_SUFFIX}): it is not read`);
    try {
      text = readText(file, 'scenario');
    } catch (e) {
      throw setupError(file, readError(e));
    }
  }
  const scenario = parseScenario(text, file);
  const parse = await nodeCParser();
  const kernelPath = resolve(opts.kernelPath ?? shippedKernelPath());
  let kernel;
  try {
    kernel = readKernel(kernelPath);
  } catch (e) {
    throw setupError(kernelPath, readError(e));
  }
  return new Run({ scenario, scenarioText: text, kernel, parse, stepBudget: opts.stepBudget });
}
