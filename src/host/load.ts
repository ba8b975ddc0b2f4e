// Starts a run from files on disk: reads and parses the scenario, reads the kernel C, compiles.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseScenario } from '../scenario/parse';
import { Run, RunSetupError } from '../engine/run';
import { nodeCParser, readKernel, shippedKernelPath } from './node';

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
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new RunSetupError([{ file, range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }, severity: 'error', message: `cannot read the scenario: ${(e as Error).message}` }]);
    }
  }
  const scenario = parseScenario(text, file);
  const parse = await nodeCParser();
  const kernelPath = resolve(opts.kernelPath ?? shippedKernelPath());
  let kernel;
  try {
    kernel = readKernel(kernelPath);
  } catch (e) {
    throw new RunSetupError([{ file: kernelPath, range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }, severity: 'error', message: `cannot read the kernel source: ${(e as Error).message}` }]);
  }
  return new Run({ scenario, scenarioText: text, kernel, parse, stepBudget: opts.stepBudget });
}
